/* blogdb-gen: the output columns of a query (views, materialized views, CREATE TABLE AS),
 * typed as PostgreSQL would type them, with nullability carried from the base columns.
 * This file: query scopes, FROM items, target lists, WITH, set operations. */
#include "infer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scope_free(scope *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->items[i].derived) {
            gen_relation_free(s->items[i].rel);
            free(s->items[i].rel);
        }
        strv_free(s->items[i].hidden, s->items[i].nhidden);
    }
    free(s->items);
    for (size_t i = 0; i < s->nctes; i++)
        gen_relation_free(&s->ctes[i].rel);
    free(s->ctes);
}

static void add_column_to(gen_relation *r, const char *name, const texpr *e)
{
    gen_column *col = VEC_PUSH(r->columns, r->ncolumns);
    col->name = xstrdup(name);
    col->type = e->t;
    col->type.sql = xstrdup(e->unknown ? "text" : e->t.sql);
    if (e->unknown)
        col->type.ct = CT_TEXT;
    col->unknown = e->unknown;
    col->not_null = e->not_null;
}

/* ---- FROM ------------------------------------------------------------------------- */

static const cte *find_cte(const scope *s, const char *name)
{
    for (const scope *sc = s; sc; sc = sc->parent)
        for (size_t i = 0; i < sc->nctes; i++)
            if (strcmp(sc->ctes[i].name, name) == 0)
                return &sc->ctes[i];
    return NULL;
}

/* A derived relation (a copy of a CTE or a subquery's columns), owned by the scope. */
static gen_relation *derived_copy(const gen_relation *src)
{
    gen_relation *r = xcalloc(1, sizeof *r);
    for (size_t i = 0; i < src->ncolumns; i++) {
        gen_column *col = VEC_PUSH(r->columns, r->ncolumns);
        col->name = xstrdup(src->columns[i].name);
        col->type = type_copy(&src->columns[i].type);
        col->not_null = src->columns[i].not_null;
    }
    return r;
}

static void rename_columns(gen_relation *r, const PgQuery__Alias *alias)
{
    for (size_t i = 0; alias && i < alias->n_colnames && i < r->ncolumns; i++) {
        free(r->columns[i].name);
        r->columns[i].name = xstrdup(node_str(alias->colnames[i]));
    }
}

/* Adds derived relation r (owned by the scope from here on) as FROM item `alias`, its columns
 * renamed by the alias list; on rc != 0 frees it instead. Returns rc. */
static int add_derived(scope *s, gen_relation *r, const char *alias, const PgQuery__Alias *names, bool nullable,
                       int rc)
{
    item *it;
    if (rc != 0) {
        gen_relation_free(r);
        free(r);
        return rc;
    }
    it = VEC_PUSH(s->items, s->n);
    it->rel = r;
    it->derived = true;
    it->alias = alias;
    it->nullable = nullable;
    rename_columns(r, names);
    return 0;
}

/* An output column of a function in FROM. */
static void add_output(gen_relation *r, const char *name, const gen_type *t, bool not_null)
{
    gen_column *col = VEC_PUSH(r->columns, r->ncolumns);
    col->name = xstrdup(name);
    col->type = type_copy(t);
    col->not_null = not_null;
}

/* An output column of a builtin type (its format_type spelling). */
static void add_builtin_output(gen_relation *r, const char *name, const char *type, bool not_null)
{
    gen_type t = builtin_type(type);
    add_output(r, name, &t, not_null);
    free(t.sql);
}

/* An output column of a function's declared type: as in a signature, without its type modifier. */
static void add_function_output(gen_relation *r, const char *name, const gen_type *declared)
{
    gen_type t = type_copy(declared);
    strip_typmod(&t);
    add_output(r, name, &t, false);
    free(t.sql);
}

/* A set-returning function in FROM (implicitly LATERAL: its arguments see the items before it):
 * the schema's own functions (ddl/funccmds.c), generate_series, unnest, the json(b) element and
 * key/value functions, regexp_split_to_table.
 * A function returning one unnamed column names it after the alias (or itself); WITH ORDINALITY
 * adds a bigint. */
static int add_function_from(ctx *c, scope *s, const PgQuery__RangeFunction *rf, bool nullable)
{
    const Node *call = rf->n_functions == 1 && rf->functions[0]->node_case == PG_QUERY__NODE__NODE_LIST &&
                               rf->functions[0]->list->n_items
                           ? rf->functions[0]->list->items[0]
                           : NULL;
    const PgQuery__FuncCall *f = call && call->node_case == PG_QUERY__NODE__NODE_FUNC_CALL ? call->func_call : NULL;
    const char *fname = f ? node_str(f->funcname[f->n_funcname - 1]) : NULL;
    const char *scalar = rf->alias && rf->alias->aliasname ? rf->alias->aliasname : fname;
    gen_relation *r = xcalloc(1, sizeof *r);
    texpr args[4];
    size_t nargs = !f ? 0 : f->n_args < 4 ? f->n_args : 4; /* no function call (ROWS FROM...): nothing typed */
    bool json = fname && strncmp(fname, "json_", 5) == 0, text_values = fname && strstr(fname, "_text") != NULL;
    const gen_function *own = f ? own_call(c, f) : NULL;
    int rc = 0;
    if (own) { /* the schema's own function: its OUT / TABLE columns, a relation's row, or one value */
        const gen_relation *row = own->row_name ? model_find_rel(c->m, own->row_schema, own->row_name) : NULL;
        rc = type_own_args(c, s, f, own);
        nargs = 0;
        if (rc == 0 && own->row_name && !row) {
            diag_error(c->src, node_location(call), "%s(): its row type %s.%s no longer exists", fname,
                       own->row_schema, own->row_name);
            rc = -1;
        }
        for (size_t i = 0; rc == 0 && i < own->nouts; i++)
            add_function_output(r, own->outs[i].name, &own->outs[i].type);
        for (size_t i = 0; rc == 0 && row && i < row->ncolumns; i++)
            add_output(r, row->columns[i].name, &row->columns[i].type, false);
        if (rc == 0 && !own->nouts && !row)
            add_function_output(r, scalar, &own->result);
    }
    for (size_t i = 0; f && !own && i < nargs && rc == 0; i++)
        if ((rc = type_expr(c, s, f->args[i], &args[i])) != 0)
            nargs = i;
    if (own || rc != 0) {
        /* typed above, or failed */
    } else if (f && strcmp(fname, "generate_series") == 0 && nargs >= 2) {
        /* its overloads: integer, bigint, numeric, timestamp, timestamptz (a date or an untyped
         * timestamp goes to timestamptz, the datetime category's preferred type; smallint to integer) */
        gen_type t = args[0].unknown || args[0].t.ct == CT_INT2 ? builtin_type("integer")
                     : args[0].t.ct == CT_DATE                   ? builtin_type("timestamp with time zone")
                                                                 : type_copy(&args[0].t);
        strip_typmod(&t);
        for (size_t i = 0; i < nargs && rc == 0; i++) /* generate_series(1, @n): the first argument's type */
            if (args[i].param)
                rc = bind_param(c, args[i].param, i < 2 ? &t : &args[i].t, NULL, node_location(f->args[i]));
        add_output(r, scalar, &t, true);
        free(t.sql);
    } else if (rc == 0 && f && strcmp(fname, "unnest") == 0 && nargs >= 1) {
        for (size_t i = 0; i < nargs && rc == 0; i++) {
            gen_type el = type_copy(&args[i].t);
            if (!el.is_array) {
                free(el.sql);
                diag_error(c->src, node_location(f->args[i]), "unnest() needs an array; add a cast (expr::type[])");
                rc = -1;
                break;
            }
            to_element(&el);
            add_output(r, nargs == 1 ? scalar : "unnest", &el, false);
            free(el.sql);
        }
    } else if (rc == 0 && f &&
               (strcmp(fname, "jsonb_array_elements") == 0 || strcmp(fname, "json_array_elements") == 0 ||
                strcmp(fname, "jsonb_array_elements_text") == 0 || strcmp(fname, "json_array_elements_text") == 0)) {
        add_builtin_output(r, "value", text_values ? "text" : json ? "json" : "jsonb", false);
    } else if (rc == 0 && f &&
               (strcmp(fname, "jsonb_each") == 0 || strcmp(fname, "json_each") == 0 ||
                strcmp(fname, "jsonb_each_text") == 0 || strcmp(fname, "json_each_text") == 0)) {
        add_builtin_output(r, "key", "text", true);
        add_builtin_output(r, "value", text_values ? "text" : json ? "json" : "jsonb", false);
    } else if (rc == 0 && f &&
               (strcmp(fname, "regexp_split_to_table") == 0 || strcmp(fname, "jsonb_object_keys") == 0 ||
                strcmp(fname, "json_object_keys") == 0)) {
        add_builtin_output(r, scalar, "text", strcmp(fname, "regexp_split_to_table") != 0);
    } else if (rc == 0) {
        diag_error(c->src, call ? node_location(call) : c->stmt_pos,
                   "%s%s in FROM is not supported yet; select from a subquery that casts its columns",
                   fname ? fname : "this expression", fname ? "()" : "");
        rc = -1;
    }
    for (size_t i = 0; i < nargs; i++)
        tx_free(&args[i]);
    if (rc == 0 && rf->ordinality)
        add_builtin_output(r, "ordinality", "bigint", true);
    return add_derived(s, r, scalar, rf->alias, nullable, rc);
}

static int add_join(ctx *c, scope *s, const PgQuery__JoinExpr *j, bool nullable);

int add_from(ctx *c, scope *s, const Node *n, bool nullable)
{
    if (n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
        const PgQuery__RangeVar *rv = n->range_var;
        const cte *q = rv->schemaname && *rv->schemaname ? NULL : find_cte(s, rv->relname);
        item *it;
        if (q) {
            it = VEC_PUSH(s->items, s->n);
            it->rel = derived_copy(&q->rel);
            it->derived = true;
        } else {
            gen_relation *r = find_rv(c, rv);
            if (!r)
                r = catalog_rel(c, rv);
            if (!r)
                FAIL(c, rv->location, "relation \"%s\" does not exist", rv->relname);
            add_dep(s->deps_of, r, NULL);
            it = VEC_PUSH(s->items, s->n);
            if (rv->alias && rv->alias->n_colnames) {
                it->rel = derived_copy(r);
                it->derived = true;
            } else {
                it->rel = r;
            }
        }
        it->alias = rv->alias && rv->alias->aliasname ? rv->alias->aliasname : rv->relname;
        it->nullable = nullable;
        if (it->derived)
            rename_columns(it->rel, rv->alias);
        return 0;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_RANGE_SUBSELECT) {
        const PgQuery__RangeSubselect *rs = n->range_subselect;
        gen_relation *r;
        if (!rs->alias)
            FAIL(c, c->stmt_pos, "subquery in FROM must have an alias");
        r = xcalloc(1, sizeof *r);
        return add_derived(s, r, rs->alias->aliasname, rs->alias, nullable,
                           infer_into(c, rs->subquery, r, rs->lateral ? s : s->parent, s->deps_of));
    }
    if (n->node_case == PG_QUERY__NODE__NODE_JOIN_EXPR)
        return add_join(c, s, n->join_expr, nullable);
    if (n->node_case == PG_QUERY__NODE__NODE_RANGE_FUNCTION)
        return add_function_from(c, s, n->range_function, nullable);
    FAIL(c, c->stmt_pos, "%s in FROM is not supported yet", node_kind(n));
}

/* ---- joins: USING, NATURAL, aliases ---------------------------------------------------- */

static bool skipped(const char *name, char *const *skip, size_t nskip)
{
    for (size_t i = 0; i < nskip; i++)
        if (strcmp(skip[i], name) == 0)
            return true;
    return false;
}

/* SELECT * of item k into out, but the columns named in skip: a join's merged columns, then the
 * items it joins (a join's columns are the merged ones and theirs, in order). */
static void star_expand(scope *s, size_t k, char *const *skip, size_t nskip, gen_relation *out)
{
    const item *it = &s->items[k];
    size_t own = it->is_join ? it->nmerged : it->rel->ncolumns;
    for (size_t i = 0; i < own; i++) {
        const gen_column *bc = &it->rel->columns[i];
        texpr e;
        if (skipped(bc->name, skip, nskip))
            continue;
        memset(&e, 0, sizeof e);
        e.t = bc->type;
        e.not_null = col_api_not_null(bc) && !it->nullable;
        add_column_to(out, bc->name, &e);
        if (!it->derived)
            add_dep(s->deps_of, it->rel, bc->name);
    }
    if (it->is_join) {
        char **more = xcalloc(nskip + it->nmerged + 1, sizeof *more);
        if (nskip)
            memcpy(more, skip, nskip * sizeof *skip);
        for (size_t i = 0; i < it->nmerged; i++)
            more[nskip + i] = it->rel->columns[i].name;
        for (size_t i = 0; i < k; i++)
            if (s->items[i].parent == k + 1)
                star_expand(s, i, more, nskip + it->nmerged, out);
        free(more);
    }
}

/* The columns items [from, to) give a join side, as SELECT * over it (its top items only). */
static gen_relation *side_columns(scope *s, size_t from, size_t to)
{
    gen_relation *r = xcalloc(1, sizeof *r), none = {0};
    gen_relation *saved = s->deps_of;
    s->deps_of = &none; /* reading a side records no dependency: the merged columns do, below */
    for (size_t k = from; k < to; k++)
        if (!s->items[k].parent)
            star_expand(s, k, NULL, 0, r);
    s->deps_of = saved;
    gen_relation_free(&none);
    return r;
}

/* Hides name from unqualified lookups in items [from, to). */
static void hide(scope *s, size_t from, size_t to, const char *name)
{
    for (size_t k = from; k < to; k++) {
        item *it = &s->items[k];
        int ci = rel_find_column(it->rel, name);
        if (ci >= 0 && item_exposes(it, (size_t)ci))
            *VEC_PUSH(it->hidden, it->nhidden) = xstrdup(name);
    }
}

/* One side's column of a merged name: exactly one, as PostgreSQL requires. */
static int side_column(ctx *c, const gen_relation *side, const char *name, const char *which, int loc)
{
    int found = -1;
    for (size_t i = 0; i < side->ncolumns; i++)
        if (strcmp(side->columns[i].name, name) == 0) {
            if (found >= 0)
                FAIL(c, loc, "common column name \"%s\" appears more than once in %s table", name, which);
            found = (int)i;
        }
    if (found < 0)
        FAIL(c, loc, "column \"%s\" specified in USING clause does not exist in %s table", name, which);
    return found;
}

/* The merged column of name: the common type of both sides; NOT NULL as the join keeps it (an inner
 * join's equality admits no NULL; an outer one keeps the preserved side's; FULL coalesces both). */
static int merge_column(ctx *c, const gen_relation *l, const gen_relation *r, const char *name, PgQuery__JoinType type,
                        int loc, gen_relation *out)
{
    int li = side_column(c, l, name, "left", loc), ri = li < 0 ? -1 : side_column(c, r, name, "right", loc);
    texpr a, b, m;
    if (li < 0 || ri < 0)
        return -1;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.t = type_copy(&l->columns[li].type);
    b.t = type_copy(&r->columns[ri].type);
    if (common_type(c, &a, &b, loc, "JOIN/USING", &m) != 0)
        return -1;
    m.not_null = type == PG_QUERY__JOIN_TYPE__JOIN_INNER   ? true
                 : type == PG_QUERY__JOIN_TYPE__JOIN_LEFT  ? l->columns[li].not_null
                 : type == PG_QUERY__JOIN_TYPE__JOIN_RIGHT ? r->columns[ri].not_null
                                                           : l->columns[li].not_null || r->columns[ri].not_null;
    add_column_to(out, name, &m);
    tx_free(&m);
    return 0;
}

/* A join with USING, NATURAL or an alias becomes an item of its own (see item in infer.h). */
static int join_item(ctx *c, scope *s, const PgQuery__JoinExpr *j, size_t l0, size_t r0, bool nullable)
{
    size_t r1 = s->n, nnames = 0;
    gen_relation *left = side_columns(s, l0, r0), *right = side_columns(s, r0, r1);
    gen_relation *jr = xcalloc(1, sizeof *jr);
    const char **names = xcalloc(left->ncolumns + j->n_using_clause + 1, sizeof *names);
    int rc = 0, loc = j->rarg ? node_location(j->rarg) : c->stmt_pos;
    item *it;
    for (size_t i = 0; i < j->n_using_clause; i++)
        names[nnames++] = node_str(j->using_clause[i]);
    for (size_t i = 0; j->is_natural && i < left->ncolumns; i++)
        if (rel_find_column(right, left->columns[i].name) >= 0)
            names[nnames++] = left->columns[i].name;
    for (size_t i = 0; i < nnames && rc == 0; i++) {
        rc = merge_column(c, left, right, names[i], j->jointype, loc, jr);
        if (rc == 0 && nullable)
            jr->columns[jr->ncolumns - 1].not_null = false;
    }
    /* The join's columns: the merged ones, then each side's others (for alias.col and outer joins). */
    for (int side = 0; side < 2 && rc == 0; side++) {
        const gen_relation *sr = side ? right : left;
        for (size_t i = 0; i < sr->ncolumns; i++) {
            texpr e;
            if (skipped(sr->columns[i].name, (char *const *)names, nnames))
                continue;
            memset(&e, 0, sizeof e);
            e.t = sr->columns[i].type;
            e.not_null = sr->columns[i].not_null;
            add_column_to(jr, sr->columns[i].name, &e);
        }
    }
    for (size_t i = 0; i < nnames && rc == 0; i++) {
        hide(s, l0, r0, names[i]);
        hide(s, r0, r1, names[i]);
    }
    if (rc == 0) /* a merged column depends on both sides' columns */
        for (size_t k = l0; k < r1; k++)
            for (size_t i = 0; i < nnames && !s->items[k].derived; i++)
                if (rel_find_column(s->items[k].rel, names[i]) >= 0)
                    add_dep(s->deps_of, s->items[k].rel, names[i]);
    gen_relation_free(left);
    gen_relation_free(right);
    free(left);
    free(right);
    free(names);
    if (rc != 0) {
        gen_relation_free(jr);
        free(jr);
        return -1;
    }
    for (size_t k = l0; k < r1; k++) {
        if (!s->items[k].parent)
            s->items[k].parent = r1 + 1;
        if (j->alias) /* the alias hides the names inside the join */
            s->items[k].alias = NULL;
    }
    it = VEC_PUSH(s->items, s->n);
    it->rel = jr;
    it->derived = true;
    it->is_join = true;
    it->nmerged = nnames;
    it->alias = j->alias ? j->alias->aliasname : NULL;
    if (j->alias)
        rename_columns(jr, j->alias);
    return 0;
}

static int add_join(ctx *c, scope *s, const PgQuery__JoinExpr *j, bool nullable)
{
    bool left_null = nullable, right_null = nullable;
    size_t l0 = s->n, r0;
    switch (j->jointype) {
    case PG_QUERY__JOIN_TYPE__JOIN_INNER:
        break;
    case PG_QUERY__JOIN_TYPE__JOIN_LEFT:
        right_null = true;
        break;
    case PG_QUERY__JOIN_TYPE__JOIN_RIGHT:
        left_null = true;
        break;
    case PG_QUERY__JOIN_TYPE__JOIN_FULL:
        left_null = right_null = true;
        break;
    default:
        FAIL(c, c->stmt_pos, "unsupported join type");
    }
    if (add_from(c, s, j->larg, left_null) != 0)
        return -1;
    r0 = s->n;
    if (add_from(c, s, j->rarg, right_null) != 0)
        return -1;
    if ((j->alias || j->n_using_clause || j->is_natural) && join_item(c, s, j, l0, r0, nullable) != 0)
        return -1;
    return c->query && j->quals ? bind_in(c, s, j->quals) : 0;
}

/* ---- queries ---------------------------------------------------------------------------- */


/* sqlc.embed(x), sent as x.* at loc: x must be a relation of the schema, not on the nullable side of
 * an outer join (its row type says NOT NULL); its columns start at out's next one. */
static int embed_at(ctx *c, const item *it, int loc, const char *qual, const gen_relation *out)
{
    gen_embed *em = NULL;
    for (size_t i = 0; c->query && i < c->query->nembeds; i++)
        if (c->query->embeds[i].pos == loc)
            em = &c->query->embeds[i];
    if (!em)
        return 0;
    if (it->derived || it->rel->is_partition)
        FAIL(c, loc, "sqlc.embed(%s): %s is not a table or view of the schema (a subquery or CTE has no row type)",
             qual, qual);
    if (it->nullable)
        FAIL(c, loc, "sqlc.embed(%s): %s is on the nullable side of an outer join, but its row type has NOT NULL "
                     "columns; select its columns instead",
             qual, qual);
    free(em->name);
    em->name = xstrdup(qual);
    em->rel = it->rel;
    em->start = out->ncolumns;
    return 0;
}

int type_targets(ctx *c, scope *s, Node *const *list, size_t n, gen_relation *out)
{
    for (size_t i = 0; i < n; i++) {
        const PgQuery__ResTarget *rt = list[i]->res_target;
        const Node *e = rt->val;
        texpr t;
        if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
            const PgQuery__ColumnRef *cr = e->column_ref;
            if (cr->fields[cr->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR) {
                const char *qual = cr->n_fields >= 2 ? node_str(cr->fields[cr->n_fields - 2]) : NULL;
                bool found = false;
                if (!qual && s->n == 0)
                    FAIL(c, cr->location, "SELECT * with no tables specified is not valid");
                for (size_t k = 0; k < s->n; k++) {
                    if (qual ? !s->items[k].alias || strcmp(s->items[k].alias, qual) != 0 : s->items[k].parent != 0)
                        continue;
                    found = true;
                    if (embed_at(c, &s->items[k], cr->location, qual, out) != 0)
                        return -1;
                    star_expand(s, k, NULL, 0, out);
                }
                if (!found)
                    FAIL(c, cr->location, "missing FROM-clause entry for table \"%s\"", qual);
                continue;
            }
        }
        if (type_expr(c, s, e, &t) != 0)
            return -1;
        if (t.param) { /* SELECT $1: PostgreSQL makes an untyped output text */
            gen_type text = builtin_type("text");
            int rc = bind_param(c, t.param, &text, rt->name, rt->location);
            free(text.sql);
            if (rc != 0) {
                tx_free(&t);
                return -1;
            }
        }
        add_column_to(out, rt->name && *rt->name ? rt->name : t.name ? t.name : "?column?", &t);
        tx_free(&t);
    }
    return 0;
}

/* Types a CTE's query into rel, with its column list applied. */
static int type_cte(ctx *c, scope *s, const PgQuery__CommonTableExpr *ce, const Node *query, gen_relation *rel)
{
    memset(rel, 0, sizeof *rel);
    if (infer_into(c, query, rel, s, s->deps_of) != 0) {
        gen_relation_free(rel);
        return -1;
    }
    for (size_t k = 0; k < ce->n_aliascolnames && k < rel->ncolumns; k++) {
        free(rel->columns[k].name);
        rel->columns[k].name = xstrdup(node_str(ce->aliascolnames[k]));
    }
    return 0;
}

/* WITH [RECURSIVE]: each CTE is typed and visible to the ones after it and to the query. A
 * recursive one (non-recursive term UNION [ALL] recursive term) is typed as PostgreSQL does: its
 * columns come from the non-recursive term, which the recursive term then sees; the whole union
 * gives the final nullability. */
static int with_clause(ctx *c, scope *s, const PgQuery__WithClause *w)
{
    for (size_t i = 0; w && i < w->n_ctes; i++) {
        const PgQuery__CommonTableExpr *ce = w->ctes[i]->common_table_expr;
        const Node *q = ce->ctequery;
        bool recursive = w->recursive && q->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
                         q->select_stmt->op == PG_QUERY__SET_OPERATION__SETOP_UNION;
        gen_relation rel;
        cte *entry;
        if (recursive) {
            PgQuery__Node first = PG_QUERY__NODE__INIT;
            first.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
            first.select_stmt = q->select_stmt->larg;
            if (type_cte(c, s, ce, &first, &rel) != 0)
                return -1;
        } else if (type_cte(c, s, ce, q, &rel) != 0) {
            return -1;
        }
        entry = VEC_PUSH(s->ctes, s->nctes);
        entry->name = ce->ctename;
        entry->rel = rel;
        if (recursive) {
            gen_relation whole;
            if (type_cte(c, s, ce, q, &whole) != 0)
                return -1;
            gen_relation_free(&s->ctes[s->nctes - 1].rel);
            s->ctes[s->nctes - 1].rel = whole;
        }
    }
    return 0;
}

/* A query's parameters in WHERE, GROUP BY, HAVING and ORDER BY. */
static int clause_params(ctx *c, scope *s, const PgQuery__SelectStmt *sel)
{
    if (bind_in(c, s, sel->where_clause) != 0 || bind_in(c, s, sel->having_clause) != 0)
        return -1;
    for (size_t i = 0; i < sel->n_group_clause; i++)
        if (bind_in(c, s, sel->group_clause[i]) != 0)
            return -1;
    for (size_t i = 0; i < sel->n_sort_clause; i++)
        if (bind_in(c, s, sel->sort_clause[i]) != 0)
            return -1;
    return 0;
}

int infer_into(ctx *c, const Node *query, gen_relation *out, const scope *parent, gen_relation *deps_of)
{
    const PgQuery__SelectStmt *sel;
    scope s;
    int rc = 0;
    if (query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        FAIL(c, c->stmt_pos, c->query ? "only a SELECT can be a subquery here" : "only SELECT queries can define a view");
    sel = query->select_stmt;
    memset(&s, 0, sizeof s);
    s.parent = parent;
    s.deps_of = deps_of;
    s.subquery = infer_into; /* how expr.c types a subquery, without calling up into this file */
    rc = with_clause(c, &s, sel->with_clause);
    if (rc == 0 && sel->op != PG_QUERY__SET_OPERATION__SETOP_NONE) {
        PgQuery__Node l = PG_QUERY__NODE__INIT, r = PG_QUERY__NODE__INIT;
        gen_relation right;
        l.node_case = r.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
        l.select_stmt = sel->larg;
        r.select_stmt = sel->rarg;
        memset(&right, 0, sizeof right);
        rc = infer_into(c, &l, out, &s, deps_of);
        if (rc == 0)
            rc = infer_into(c, &r, &right, &s, deps_of);
        if (rc == 0 && right.ncolumns != out->ncolumns) {
            diag_error(c->src, c->stmt_pos, "each UNION query must have the same number of columns");
            rc = -1;
        }
        for (size_t i = 0; rc == 0 && i < out->ncolumns; i++) {
            texpr a, b, m;
            memset(&a, 0, sizeof a);
            memset(&b, 0, sizeof b);
            a.t = out->columns[i].type;
            a.not_null = out->columns[i].not_null;
            a.unknown = out->columns[i].unknown;
            b.t = type_copy(&right.columns[i].type);
            b.not_null = right.columns[i].not_null;
            b.unknown = right.columns[i].unknown;
            out->columns[i].type.sql = NULL;
            rc = common_type(c, &a, &b, c->stmt_pos, "UNION", &m);
            if (rc == 0) {
                out->columns[i].type = m.t;
                out->columns[i].not_null = m.not_null;
                out->columns[i].unknown = m.unknown;
            } else {
                out->columns[i].type.sql = xstrdup("");
            }
        }
        gen_relation_free(&right);
    } else if (rc == 0 && sel->n_values_lists) {
        const PgQuery__List *row = sel->values_lists[0]->list;
        for (size_t i = 0; i < row->n_items && rc == 0; i++) {
            texpr t;
            char name[32];
            rc = type_expr(c, &s, row->items[i], &t);
            if (rc == 0) {
                snprintf(name, sizeof name, "column%zu", i + 1);
                add_column_to(out, name, &t);
                tx_free(&t);
            }
        }
    } else if (rc == 0) {
        for (size_t i = 0; i < sel->n_from_clause && rc == 0; i++)
            rc = add_from(c, &s, sel->from_clause[i], false);
        if (rc == 0)
            rc = type_targets(c, &s, sel->target_list, sel->n_target_list, out);
        if (rc == 0 && c->query)
            rc = clause_params(c, &s, sel);
    }
    if (rc == 0 && c->query) {
        rc = bind_limit(c, &s, sel->limit_count, "limit");
        if (rc == 0)
            rc = bind_limit(c, &s, sel->limit_offset, "offset");
    }
    scope_free(&s);
    return rc;
}

int infer_query(ctx *c, const Node *query, gen_relation *out, gen_relation *deps_of)
{
    return infer_into(c, query, out, NULL, deps_of);
}
