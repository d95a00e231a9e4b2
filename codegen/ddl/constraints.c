/* blogdb-gen, DDL replay: constraints (PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK) and the indexes
 * behind them, as PostgreSQL adds them (PostgreSQL: constraint handling of tablecmds.c). */
#include "ddl.h"

#include <stdlib.h>
#include <string.h>

/* Key columns named by a constraint, checked against the table. */
static int key_columns(ctx *c, gen_relation *r, Node **keys, size_t n, int loc, char ***out)
{
    char **cols = xcalloc(n, sizeof *cols);
    for (size_t i = 0; i < n; i++) {
        const char *k = node_str(keys[i]);
        if (!k || rel_find_column(r, k) < 0) {
            strv_free(cols, i);
            FAIL(c, loc, "column \"%s\" named in key does not exist", k ? k : "?");
        }
        cols[i] = xstrdup(k);
    }
    *out = cols;
    return 0;
}

gen_index *add_index(ctx *c, gen_relation *r, char *name, char **cols, size_t n, bool unique, bool primary)
{
    gen_index *ix = VEC_PUSH(r->indexes, r->nindexes);
    ix->name = name;
    ix->columns = cols;
    ix->ncolumns = n;
    ix->unique = unique;
    ix->primary = primary;
    ix->ordered = true;
    ix->sorted = true;
    take_name(c->m, r->schema, name);
    return ix;
}

void set_primary_key(gen_relation *r, char *const *cols, size_t n)
{
    r->primary_key = strv_dup(cols, n);
    r->npk = n;
    for (size_t i = 0; i < n; i++)
        r->columns[rel_find_column(r, cols[i])].not_null = true;
}

/* The columns of r an expression reads (CHECK, an index's expression keys or WHERE), each once. */
struct used_columns {
    const gen_relation *r;
    char **names;
    size_t n;
};

static bool note_column(const ProtobufCMessage *m, void *ctx)
{
    struct used_columns *u = ctx;
    const PgQuery__ColumnRef *cr = (const PgQuery__ColumnRef *)m;
    const char *name;
    if (m->descriptor != &pg_query__column_ref__descriptor || !cr->n_fields)
        return false;
    name = node_str(cr->fields[cr->n_fields - 1]);
    if (name && rel_find_column(u->r, name) >= 0 && !strv_has(u->names, u->n, name))
        *VEC_PUSH(u->names, u->n) = xstrdup(name);
    return false;
}

void expr_columns(const gen_relation *r, const Node *e, char ***names, size_t *n)
{
    struct used_columns u = {r, *names, *n};
    if (e)
        node_walk(&e->base, note_column, &u);
    *names = u.names;
    *n = u.n;
}

/* The comparison class of a key column's type: numbers with numbers, strings with strings, else
 * the type itself (enums and domains by their base), as PostgreSQL's equality operators allow. */
static const char *key_class(const gen_type *t)
{
    const gen_type *b = t->domain_def ? &t->domain_def->base : t;
    if (b->is_array)
        return b->sql;
    switch (b->ct) {
    case CT_INT2: case CT_INT4: case CT_INT8: case CT_FLOAT4: case CT_FLOAT8: case CT_NUMERIC:
        return "number";
    case CT_TEXT:
        return "string";
    default:
        return b->enum_def ? b->enum_def->name : b->sql;
    }
}

/* A foreign key PostgreSQL accepts: the referenced columns are exactly the columns of a unique,
 * non-partial index or the primary key of the referenced table, and each pair of columns compares. */
static int fkey_check(ctx *c, const PgQuery__Constraint *k, const gen_relation *r, char **cols, const gen_relation *ref,
                      char **ref_cols, size_t n)
{
    bool unique = false;
    for (size_t x = 0; x < ref->nindexes && !unique; x++) {
        const gen_index *ix = &ref->indexes[x];
        bool same = ix->unique && !ix->partial && ix->ncolumns == n;
        for (size_t i = 0; same && i < n; i++)
            same = strv_has(ix->columns, ix->ncolumns, ref_cols[i]);
        unique = same;
    }
    if (!unique)
        FAIL(c, k->location, "there is no unique constraint matching given keys for referenced table \"%s\"",
             ref->name);
    for (size_t i = 0; i < n; i++) {
        const gen_type *a = &r->columns[rel_find_column(r, cols[i])].type;
        const gen_type *b = &ref->columns[rel_find_column(ref, ref_cols[i])].type;
        if (strcmp(key_class(a), key_class(b)) != 0)
            FAIL(c, k->location,
                 "foreign key constraint cannot be implemented: key columns \"%s\" and \"%s\" are of incompatible "
                 "types: %s and %s",
                 cols[i], ref_cols[i], a->sql, b->sql);
    }
    return 0;
}

/* PRIMARY KEY / UNIQUE / FOREIGN KEY / CHECK on table r. `colname` is set for a column constraint. */
int add_constraint(ctx *c, gen_relation *r, const PgQuery__Constraint *k, const char *colname)
{
    Node *colnode_store = NULL;
    PgQuery__String colstr = PG_QUERY__STRING__INIT;
    PgQuery__Node colnode = PG_QUERY__NODE__INIT;
    Node **keys = k->keys;
    size_t nkeys = k->n_keys;
    char **cols = NULL;

    if (colname) {
        colstr.sval = (char *)colname;
        colnode.node_case = PG_QUERY__NODE__NODE_STRING;
        colnode.string = &colstr;
        colnode_store = &colnode;
        keys = &colnode_store;
        nkeys = 1;
    }
    if (k->conname && *k->conname && k->contype != PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL &&
        constraint_name_used(c->m, r->schema, k->conname, r))
        FAIL(c, k->location, "constraint \"%s\" for relation \"%s\" already exists", k->conname, r->name);
    /* PRIMARY KEY and UNIQUE make an index, whose name is a relation name */
    if (k->conname && *k->conname &&
        (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY || k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) &&
        name_taken(c->m, r->schema, k->conname))
        FAIL(c, k->location, "relation \"%s\" already exists", k->conname);
    switch (k->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
        bool primary = k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
        char *name;
        gen_index *ix;
        if (primary && r->npk)
            FAIL(c, k->location, "multiple primary keys for table \"%s\" are not allowed", r->name);
        if (key_columns(c, r, keys, nkeys, k->location, &cols) != 0)
            return -1;
        if (k->conname && *k->conname) {
            name = xstrdup(k->conname);
        } else if (primary) {
            name = choose_name(c->m, r->schema, r->name, NULL, "pkey", NS_BOTH);
        } else {
            char *joined = join_names(cols, nkeys);
            name = choose_name(c->m, r->schema, r->name, joined, "key", NS_BOTH);
            free(joined);
        }
        if (primary)
            set_primary_key(r, cols, nkeys);
        ix = add_index(c, r, name, cols, nkeys, true, primary);
        ix->constraint = true;
        return 0;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: {
        gen_relation *ref;
        char **ref_cols = NULL;
        size_t n_fk = colname ? 1 : k->n_fk_attrs;
        Node **fk = colname ? keys : k->fk_attrs;
        gen_fkey *f;
        char *name;
        if (!k->pktable)
            FAIL(c, k->location, "foreign key without a referenced table");
        ref = find_rv(c, k->pktable);
        if (!ref || !rel_is_table(ref))
            FAIL(c, k->pktable->location, "relation \"%s\" does not exist", k->pktable->relname);
        if (k->n_pk_attrs == 0) {
            if (!ref->npk)
                FAIL(c, k->pktable->location, "there is no primary key for referenced table \"%s\"", ref->name);
            if (ref->npk != n_fk)
                FAIL(c, k->location, "number of referencing and referenced columns for foreign key disagree");
            ref_cols = strv_dup(ref->primary_key, n_fk);
        } else {
            if (k->n_pk_attrs != n_fk)
                FAIL(c, k->location, "number of referencing and referenced columns for foreign key disagree");
            for (size_t i = 0; i < k->n_pk_attrs; i++)
                if (rel_find_column(ref, node_str(k->pk_attrs[i])) < 0)
                    FAIL(c, k->pktable->location, "column \"%s\" of referenced table \"%s\" does not exist",
                         node_str(k->pk_attrs[i]), ref->name);
            if (key_columns(c, ref, k->pk_attrs, k->n_pk_attrs, k->pktable->location, &ref_cols) != 0)
                return -1;
        }
        if (key_columns(c, r, fk, n_fk, k->location, &cols) != 0) {
            strv_free(ref_cols, n_fk);
            return -1;
        }
        if (fkey_check(c, k, r, cols, ref, ref_cols, n_fk) != 0) {
            strv_free(cols, n_fk);
            strv_free(ref_cols, n_fk);
            return -1;
        }
        if (k->conname && *k->conname) {
            name = xstrdup(k->conname);
        } else {
            char *joined = join_names(cols, n_fk);
            name = choose_name(c->m, r->schema, r->name, joined, "fkey", NS_CONSTRAINT);
            free(joined);
        }
        f = VEC_PUSH(r->fkeys, r->nfkeys); /* named first: choose_name reads every key's name */
        f->name = name;
        f->columns = cols;
        f->ncolumns = n_fk;
        f->ref_schema = xstrdup(ref->schema);
        f->ref_table = xstrdup(ref->name);
        f->ref_columns = ref_cols;
        return 0;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: {
        gen_check ck = {NULL, NULL, 0};
        expr_columns(r, k->raw_expr, &ck.uses, &ck.nuses);
        if (colname && !strv_has(ck.uses, ck.nuses, colname))
            *VEC_PUSH(ck.uses, ck.nuses) = xstrdup(colname);
        /* a table CHECK on exactly one column is named after it, as a column CHECK is */
        if (!colname && ck.nuses == 1)
            colname = ck.uses[0];
        ck.name = k->conname && *k->conname ? xstrdup(k->conname)
                                            : choose_name(c->m, r->schema, r->name, colname, "check", NS_CONSTRAINT);
        *VEC_PUSH(r->checks, r->nchecks) = ck;
        return 0;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
        FAIL(c, k->location, "EXCLUDE constraints are not supported yet");
    default:
        FAIL(c, k->location, "unexpected constraint");
    }
}

