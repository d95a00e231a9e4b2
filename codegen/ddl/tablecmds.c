/* blogdb-gen, DDL replay: CREATE TABLE and CREATE INDEX: relations, columns, constraints (PostgreSQL: tablecmds.c). */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- relations ----------------------------------------------------------- */

/* "file:line:col" of byte offset pos, counting onward from the last position asked for. */
static char *ctx_where(ctx *c, int pos)
{
    /* incremental: statements come in order, so each scan starts where the last one ended */
    src_seek(c->src, pos, &c->at_pos, &c->at_line, &c->at_col);
    return xstrfmt("%s:%d:%d", c->src->path, c->at_line, c->at_col);
}

gen_relation *new_relation(ctx *c, const char *schema, const char *name, rel_kind kind)
{
    gen_relation *r = model_add_rel(c->m);
    r->schema = xstrdup(schema);
    r->name = xstrdup(name);
    r->kind = kind;
    r->pos = c->stmt_pos;
    r->where = ctx_where(c, c->stmt_pos);
    apply_default_privileges(c, r);
    return r;
}

void add_dep(gen_relation *view, const gen_relation *base, const char *col)
{
    char *key = col ? xstrfmt("%s\x1f%s\x1f%s", base->schema, base->name, col)
                    : xstrfmt("%s\x1f%s", base->schema, base->name);
    for (size_t i = 0; i < view->ndeps; i++)
        if (strcmp(view->deps[i], key) == 0) {
            free(key);
            return;
        }
    *VEC_PUSH(view->deps, view->ndeps) = key;
}

/* The first view that depends on relation r (col NULL) or on its column col; NULL if none. */
const gen_relation *dependent_view(const gen_model *m, const gen_relation *r, const char *col)
{
    char *key = col ? xstrfmt("%s\x1f%s\x1f%s", r->schema, r->name, col) : xstrfmt("%s\x1f%s", r->schema, r->name);
    const gen_relation *found = NULL;
    for (size_t i = 0; i < m->nrels && !found; i++)
        for (size_t d = 0; d < m->rels[i]->ndeps && !found && !m->rels[i]->is_partition; d++)
            if (strcmp(m->rels[i]->deps[d], key) == 0)
                found = m->rels[i];
    free(key);
    return found;
}

bool rel_key_is(const gen_relation *r, const char *schema, const char *name)
{
    return strcmp(r->schema, schema) == 0 && strcmp(r->name, name) == 0;
}

/* The sequence an identity or serial column owns takes a relation name, as in PostgreSQL. */
static void take_sequence_name(ctx *c, const gen_relation *r, const char *col)
{
    char *seq = choose_name(c->m, r->schema, r->name, col, "seq", NS_RELATION);
    take_name(c->m, r->schema, seq);
    free(seq);
}

/* Applies one column constraint; table-level kinds are queued on `later`. */
static int column_constraint(ctx *c, gen_relation *r, gen_column *col, bool serial, PgQuery__Constraint *k,
                             PgQuery__Constraint ***later, size_t *nlater)
{
    switch (k->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
        col->not_null = true;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
        if (serial || col->identity)
            FAIL(c, k->location, "conflicting NULL/NOT NULL declarations for column \"%s\" of table \"%s\"",
                 col->name, r->name);
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        if (serial || col->has_default || col->identity)
            FAIL(c, k->location, "multiple default values specified for column \"%s\" of table \"%s\"", col->name,
                 r->name);
        col->has_default = true;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
        if (serial || col->has_default || col->identity)
            FAIL(c, k->location, "both default and identity specified for column \"%s\" of table \"%s\"",
                 col->name, r->name);
        if (col->type.ct != CT_INT2 && col->type.ct != CT_INT4 && col->type.ct != CT_INT8)
            FAIL(c, k->location, "identity column type must be smallint, integer, or bigint");
        col->identity = k->generated_when && *k->generated_when == 'd' ? 'd' : 'a';
        col->not_null = true;
        take_sequence_name(c, r, col->name);
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
        if (serial || col->has_default || col->identity)
            FAIL(c, k->location, "both default and generation expression specified for column \"%s\" of table \"%s\"",
                 col->name, r->name);
        col->generated = true;
        col->has_default = true; /* pg_attribute: atthasdef */
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        /* Named after the column; applied once every column exists, as PostgreSQL does. */
        *VEC_PUSH(*later, *nlater) = k;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED:
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE:
        break;
    default:
        FAIL(c, k->location, "this column constraint is not supported");
    }
    return 0;
}

int add_column(ctx *c, gen_relation *r, const PgQuery__ColumnDef *cd, PgQuery__Constraint ***later,
                      size_t *nlater)
{
    gen_column *col;
    bool serial = false;
    gen_type t;

    if (rel_find_column(r, cd->colname) >= 0)
        FAIL(c, cd->location, "column \"%s\" specified more than once", cd->colname);
    if (!cd->type_name)
        FAIL(c, cd->location, "column \"%s\" has no type", cd->colname);
    if (resolve_type(c, cd->type_name, &t, &serial) != 0)
        return -1;
    if (r->ncolumns >= 1600) {
        free(t.sql);
        FAIL(c, cd->location, "tables can have at most 1600 columns");
    }
    col = VEC_PUSH(r->columns, r->ncolumns);
    col->name = xstrdup(cd->colname);
    col->type = t;
    col->not_null = serial || cd->is_not_null;
    col->has_default = serial;
    if (serial)
        take_sequence_name(c, r, col->name);
    for (size_t i = 0; i < cd->n_constraints; i++) {
        const Node *n = cd->constraints[i];
        if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
            FAIL(c, cd->location, "unexpected column option");
        if (column_constraint(c, r, col, serial, n->constraint, later, nlater) != 0)
            return -1;
    }
    return 0;
}

/* Applies queued constraints: the primary key's index first, then the others in order. */
static int apply_constraints(ctx *c, gen_relation *r, PgQuery__Constraint **later, const char **later_col,
                             size_t nlater)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nlater; i++) {
            bool pk = later[i]->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
            if (pk == (pass == 0) && add_constraint(c, r, later[i], later_col[i]) != 0)
                return -1;
        }
    return 0;
}

/* CREATE TABLE ... (LIKE src INCLUDING ...): columns, and per the options defaults,
 * generated columns, identity, constraints and indexes (indexes renamed for the new table). */
/* A column of another relation (LIKE, a partition's or an inheriting table's): name, type and
 * NOT NULL; the caller decides what else carries over. */
static gen_column *copy_column(gen_relation *r, const gen_column *src)
{
    gen_column *col = VEC_PUSH(r->columns, r->ncolumns);
    col->name = xstrdup(src->name);
    col->type = type_copy(&src->type);
    col->not_null = src->not_null;
    return col;
}

/* A CHECK constraint of another table (LIKE INCLUDING CONSTRAINTS, INHERITS), under its name. */
static void copy_check(gen_relation *r, const gen_check *src)
{
    gen_check *ck = VEC_PUSH(r->checks, r->nchecks);
    ck->name = xstrdup(src->name);
    ck->uses = strv_dup(src->uses, src->nuses);
    ck->nuses = src->nuses;
}

static int add_like(ctx *c, gen_relation **rp, const PgQuery__TableLikeClause *like)
{
    enum { LIKE_DEFAULTS = 1 << 3, LIKE_GENERATED = 1 << 4, LIKE_IDENTITY = 1 << 5, LIKE_INDEXES = 1 << 6,
           LIKE_CONSTRAINTS = 1 << 2 };
    size_t src_idx, dst_idx = model_rel_index(c->m, *rp);
    gen_relation *src = find_rv(c, like->relation), *r;
    if (!src)
        FAIL(c, like->relation->location, "relation \"%s\" does not exist", like->relation->relname);
    src_idx = model_rel_index(c->m, src);
    for (size_t i = 0; i < c->m->rels[src_idx]->ncolumns; i++) {
        const gen_column *sc = &c->m->rels[src_idx]->columns[i];
        gen_column *col;
        r = c->m->rels[dst_idx];
        if (rel_find_column(r, sc->name) >= 0)
            FAIL(c, like->relation->location, "column \"%s\" specified more than once", sc->name);
        col = copy_column(r, sc);
        if (sc->generated && (like->options & LIKE_GENERATED)) {
            col->generated = true;
            col->has_default = true;
        } else if (!sc->generated && sc->has_default && (like->options & LIKE_DEFAULTS)) {
            col->has_default = true;
        }
        if (sc->identity && (like->options & LIKE_IDENTITY)) {
            col->identity = sc->identity;
            take_sequence_name(c, r, col->name);
        }
    }
    src = c->m->rels[src_idx];
    r = c->m->rels[dst_idx];
    if (like->options & LIKE_CONSTRAINTS)
        for (size_t k = 0; k < src->nchecks; k++)
            copy_check(r, &src->checks[k]); /* names per table: kept */
    if (like->options & LIKE_INDEXES)
        for (size_t x = 0; x < src->nindexes; x++) {
            const gen_index *si = &src->indexes[x];
            char *joined = si->name_cols ? xstrdup(si->name_cols) : join_names(si->columns, si->ncolumns);
            char *name = choose_name(c->m, r->schema, r->name, si->primary ? NULL : joined,
                                     si->primary ? "pkey" : si->constraint ? "key" : "idx",
                                     si->constraint ? NS_BOTH : NS_RELATION);
            gen_index *ix = add_index(c, r, name, strv_dup(si->columns, si->ncolumns), si->ncolumns, si->unique,
                                      si->primary);
            ix->partial = si->partial;
            ix->uses = strv_dup(si->uses, si->nuses);
            ix->nuses = si->nuses;
            ix->ordered = si->ordered;
            ix->sorted = si->sorted;
            ix->desc = si->desc;
            ix->constraint = si->constraint;
            ix->name_cols = joined; /* a copy of the copy is named the same way */
            if (si->primary)
                set_primary_key(r, si->columns, si->ncolumns);
            src = c->m->rels[src_idx];
        }
    *rp = r;
    return 0;
}

/* A CREATE TABLE's own columns, LIKE clauses and constraints, into relation ri. */
static int add_own_elements(ctx *c, size_t ri, const PgQuery__CreateStmt *s)
{
    gen_relation *r = c->m->rels[ri];
    PgQuery__Constraint **later = NULL;
    const char **later_col = NULL;
    size_t nlater = 0, nlater_col = 0;
    int rc = 0;
    for (size_t i = 0; i < s->n_table_elts && rc == 0; i++) {
        const Node *e = s->table_elts[i];
        if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
            size_t before = nlater;
            rc = add_column(c, r, e->column_def, &later, &nlater);
            for (size_t j = before; j < nlater; j++)
                *VEC_PUSH(later_col, nlater_col) = e->column_def->colname;
        } else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
            *VEC_PUSH(later, nlater) = e->constraint;
            *VEC_PUSH(later_col, nlater_col) = NULL;
        } else if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
            rc = add_like(c, &r, e->table_like_clause);
        } else {
            diag_error(c->src, c->stmt_pos, "%s in CREATE TABLE is not supported", node_kind(e));
            rc = -1;
        }
    }
    for (size_t i = 0; i < s->n_constraints && rc == 0; i++) {
        *VEC_PUSH(later, nlater) = s->constraints[i]->constraint;
        *VEC_PUSH(later_col, nlater_col) = NULL;
    }
    if (rc == 0)
        rc = apply_constraints(c, r, later, later_col, nlater);
    free(later);
    free(later_col);
    return rc; /* on failure the half-built relation stays in the model, which is discarded */
}

/* Whether NOT NULL or DEFAULT is among a column definition's constraints. */
static bool has_constraint(const PgQuery__ColumnDef *cd, PgQuery__ConstrType type)
{
    for (size_t i = 0; i < cd->n_constraints; i++)
        if (cd->constraints[i]->constraint->contype == type)
            return true;
    return false;
}

/* One parent's columns (merged by name when the types agree), NOT NULL, defaults and CHECKs. */
static int inherit_from(ctx *c, gen_relation *r, const gen_relation *parent, int loc)
{
    for (size_t i = 0; i < parent->ncolumns; i++) {
        const gen_column *pc = &parent->columns[i];
        int have = rel_find_column(r, pc->name);
        gen_column *col;
        if (have >= 0) {
            if (strcmp(r->columns[have].type.sql, pc->type.sql) != 0)
                FAIL(c, loc, "inherited column \"%s\" has a type conflict: %s versus %s", pc->name,
                     r->columns[have].type.sql, pc->type.sql);
            r->columns[have].not_null |= pc->not_null;
            continue;
        }
        col = copy_column(r, pc);
        col->has_default = pc->has_default;
        col->generated = pc->generated;
    }
    for (size_t k = 0; k < parent->nchecks; k++)
        if (!constraint_name_used(c->m, r->schema, parent->checks[k].name, r)) /* not twice via two parents */
            copy_check(r, &parent->checks[k]);
    return 0;
}

/* A column the table declares again that it inherits (one of its first ninherited): merged into
 * the inherited one when the types agree (1); 0 when it is the table's own; -1 on a conflict. */
static int merge_redeclared(ctx *c, gen_relation *r, size_t ninherited, const PgQuery__ColumnDef *cd)
{
    int have = rel_find_column(r, cd->colname);
    gen_type t;
    bool same;
    if (have < 0 || (size_t)have >= ninherited)
        return 0;
    if (resolve_type(c, cd->type_name, &t, NULL) != 0)
        return -1;
    same = strcmp(t.sql, r->columns[have].type.sql) == 0;
    free(t.sql);
    if (!same)
        FAIL(c, cd->location, "column \"%s\" has a type conflict with the inherited one", cd->colname);
    r->columns[have].not_null |= has_constraint(cd, PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL);
    r->columns[have].has_default |= has_constraint(cd, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT);
    return 1;
}

/* CREATE TABLE child (...) INHERITS (parent, ...): the parents' columns first (a name in two
 * parents, or redeclared, is merged when the types agree), NOT NULL and defaults inherited, the
 * parents' CHECK constraints copied; then the table's own columns and constraints. */
static int create_inheriting(ctx *c, const PgQuery__CreateStmt *s, const char *schema)
{
    gen_relation *r;
    size_t ri, ninherited;
    PgQuery__CreateStmt own = *s;
    int rc = 0;
    for (size_t p = 0; p < s->n_inh_relations; p++) {
        const PgQuery__RangeVar *rv = s->inh_relations[p]->range_var;
        const gen_relation *parent = find_rv(c, rv);
        if (!parent)
            FAIL(c, rv->location, "relation \"%s\" does not exist", rv->relname);
        if (!rel_is_table(parent) || parent->kind == REL_PARTITIONED)
            FAIL(c, rv->location, "cannot inherit from \"%s\"", parent->name);
    }
    r = new_relation(c, schema, s->relation->relname, REL_TABLE);
    ri = c->m->nrels - 1;
    r->inherits = true;
    for (size_t p = 0; p < s->n_inh_relations && rc == 0; p++) {
        const gen_relation *parent = find_rv(c, s->inh_relations[p]->range_var);
        if (p == 0)
            add_dep(r, parent, NULL); /* deps[0]: DROP of the parent refuses, or takes the child (CASCADE) */
        rc = inherit_from(c, r, parent, s->relation->location);
    }
    ninherited = r->ncolumns;
    own.n_table_elts = 0;
    own.n_inh_relations = 0;
    own.table_elts = xcalloc(s->n_table_elts + 1, sizeof *own.table_elts);
    for (size_t i = 0; i < s->n_table_elts && rc == 0; i++) {
        const Node *e = s->table_elts[i];
        int merged = e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF ? merge_redeclared(c, r, ninherited, e->column_def)
                                                                       : 0;
        if (merged < 0)
            rc = -1;
        else if (!merged)
            own.table_elts[own.n_table_elts++] = s->table_elts[i];
    }
    if (rc == 0)
        rc = add_own_elements(c, ri, &own);
    free(own.table_elts);
    return rc;
}

int do_create_table(ctx *c, const PgQuery__CreateStmt *s)
{
    const char *schema;
    gen_relation *r, *parent = NULL;

    if (!(schema = relation_schema(c, s->relation)))
        return -1;
    if (name_taken(c->m, schema, s->relation->relname)) {
        if (s->if_not_exists)
            return 0;
        FAIL(c, s->relation->location, "relation \"%s\" already exists", s->relation->relname);
    }
    if (s->of_typename)
        FAIL(c, s->relation->location, "CREATE TABLE ... OF type is not supported");
    if (s->n_inh_relations && !s->partbound)
        return create_inheriting(c, s, schema);
    if (s->n_inh_relations) {
        const Node *in = s->inh_relations[0];
        parent = find_rv(c, in->range_var);
        if (!parent)
            FAIL(c, in->range_var->location, "relation \"%s\" does not exist", in->range_var->relname);
        if (parent->kind != REL_PARTITIONED)
            FAIL(c, in->range_var->location, "\"%s\" is not partitioned", parent->name);
    }
    {
        size_t parent_idx = parent ? model_rel_index(c->m, parent) : 0;
        r = new_relation(c, schema, s->relation->relname, s->partspec ? REL_PARTITIONED : REL_TABLE);
        if (parent) {
            /* A partition: the parent's columns; it stays out of the model's output and API. */
            const gen_relation *p = c->m->rels[parent_idx];
            r->is_partition = true;
            add_dep(r, p, NULL); /* deps[0]: the parent, so DROP of the parent takes it along */
            for (size_t i = 0; i < p->ncolumns; i++)
                copy_column(r, &p->columns[i])->has_default = p->columns[i].has_default;
            return 0;
        }
    }
    return add_own_elements(c, model_rel_index(c->m, r), s);
}

int do_create_index(ctx *c, const PgQuery__IndexStmt *s)
{
    gen_relation *r = find_rv(c, s->relation);
    char **cols, **names;
    char *name, *joined;
    gen_index *ix;
    uint32_t desc = 0;

    if (!r)
        FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
    if (r->kind == REL_VIEW)
        FAIL(c, s->relation->location, "cannot create index on view \"%s\"", r->name);
    if (s->idxname && *s->idxname && name_taken(c->m, r->schema, s->idxname)) {
        if (s->if_not_exists)
            return 0;
        FAIL(c, c->stmt_pos, "relation \"%s\" already exists", s->idxname);
    }
    for (size_t i = 0; i < s->n_index_params; i++) {
        const PgQuery__IndexElem *el = s->index_params[i]->index_elem;
        if (el->name && *el->name && rel_find_column(r, el->name) < 0)
            FAIL(c, c->stmt_pos, "column \"%s\" does not exist", el->name);
    }
    cols = xcalloc(s->n_index_params, sizeof *cols);
    /* borrowed, only for the implicit name, which INCLUDE columns are part of */
    names = xcalloc(s->n_index_params + s->n_index_including_params, sizeof *names);
    for (size_t i = 0; i < s->n_index_including_params; i++)
        names[s->n_index_params + i] = (char *)s->index_including_params[i]->index_elem->name;
    for (size_t i = 0; i < s->n_index_params; i++) {
        const PgQuery__IndexElem *el = s->index_params[i]->index_elem;
        int strength;
        if (el->name && *el->name)
            cols[i] = xstrdup(el->name);
        if (el->ordering == PG_QUERY__SORT_BY_DIR__SORTBY_DESC && i < 32)
            desc |= (uint32_t)1 << i;
        names[i] = (char *)(el->indexcolname && *el->indexcolname ? el->indexcolname
                            : cols[i]                            ? cols[i]
                                                                 : figure_name(el->expr, &strength));
    }
    joined = join_names(names, s->n_index_params + s->n_index_including_params);
    if (s->idxname && *s->idxname)
        name = xstrdup(s->idxname);
    else
        name = choose_name(c->m, r->schema, r->name, joined, s->primary ? "pkey" : "idx", NS_RELATION);
    free(names);
    ix = add_index(c, r, name, cols, s->n_index_params, s->unique, false);
    ix->name_cols = joined;
    ix->partial = s->where_clause != NULL;
    /* what else it depends on: INCLUDE columns, the columns of expression keys and of WHERE */
    for (size_t i = 0; i < s->n_index_including_params; i++) {
        const char *inc = s->index_including_params[i]->index_elem->name;
        if (inc && !strv_has(ix->uses, ix->nuses, inc))
            *VEC_PUSH(ix->uses, ix->nuses) = xstrdup(inc);
    }
    for (size_t i = 0; i < s->n_index_params; i++)
        expr_columns(r, s->index_params[i]->index_elem->expr, &ix->uses, &ix->nuses);
    expr_columns(r, s->where_clause, &ix->uses, &ix->nuses);
    ix->sorted = !s->access_method || !*s->access_method || strcmp(s->access_method, "btree") == 0;
    ix->ordered = ix->sorted || strcmp(s->access_method, "hash") == 0;
    ix->desc = desc;
    return 0;
}
