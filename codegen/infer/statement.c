/* blogdb-gen, query typing: a query file's statement (SELECT, INSERT, UPDATE, DELETE), its
 * parameters and its result columns, as PostgreSQL's parse analysis would type them. */
#include "infer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scope holding the statement's target table under its alias (and, for ON CONFLICT, as
 * "excluded"). */
static int target_scope(ctx *c, scope *s, PgQuery__RangeVar *rv, gen_relation *deps, gen_relation **rel)
{
    Node n = PG_QUERY__NODE__INIT;
    memset(s, 0, sizeof *s);
    s->deps_of = deps;
    s->subquery = infer_into;
    if (!(*rel = find_rv(c, rv)))
        FAIL(c, rv->location, "relation \"%s\" does not exist", rv->relname);
    n.node_case = PG_QUERY__NODE__NODE_RANGE_VAR;
    n.range_var = rv;
    return add_from(c, s, &n, false);
}

/* A value written to column col of r (VALUES item, SET value): a parameter there takes the
 * column's type; an expression holding parameters is typed. */
static int written_value(ctx *c, scope *s, const gen_relation *r, int col, const Node *v)
{
    int n = param_number(v);
    if (n)
        return bind_param(c, n, &r->columns[col].type, r->columns[col].name, v->param_ref->location);
    return bind_in(c, s, v);
}

static int column_of(ctx *c, const gen_relation *r, const char *name, int loc)
{
    int col = rel_find_column(r, name);
    if (col < 0)
        FAIL(c, loc, "column \"%s\" of relation \"%s\" does not exist", name, r->name);
    return col;
}

/* UPDATE's SET list, and INSERT ... ON CONFLICT DO UPDATE's. */
static int set_list(ctx *c, scope *s, const gen_relation *r, Node *const *targets, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const PgQuery__ResTarget *rt = targets[i]->res_target;
        int col;
        if (rt->val && rt->val->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF)
            FAIL(c, rt->location, "SET (a, b) = (...) is not supported yet; set each column");
        if ((col = column_of(c, r, rt->name, rt->location)) < 0 || written_value(c, s, r, col, rt->val) != 0)
            return -1;
    }
    return 0;
}

/* A :copyfrom query is sent as COPY: INSERT INTO t (columns) VALUES ($1, $2, ...), a parameter per
 * column in order, nothing else. Records the table and each parameter's column. */
static int copy_shape(ctx *c, const PgQuery__InsertStmt *ins, const gen_relation *r, const int *cols, gen_query *q)
{
    const PgQuery__SelectStmt *sel = ins->select_stmt ? ins->select_stmt->select_stmt : NULL;
    const PgQuery__List *row = sel && sel->n_values_lists == 1 ? sel->values_lists[0]->list : NULL;
    bool ok = row && !ins->with_clause && !ins->on_conflict_clause && ins->n_returning_list == 0 && row->n_items > 0;
    for (size_t i = 0; ok && i < row->n_items; i++)
        ok = param_number(row->items[i]) == (int)i + 1;
    ok = ok && q->nparams == row->n_items;
    if (!ok) {
        diag_error(c->src, c->stmt_pos,
                   "query %s is :copyfrom, which is sent as COPY: write it INSERT INTO table (columns) VALUES ($1, $2, "
                   "...), one parameter per column in order, without RETURNING, ON CONFLICT or WITH",
                   q->name);
        return -1;
    }
    q->copy_into = r;
    q->copy_columns = xcalloc(q->nparams + 1, sizeof *q->copy_columns);
    for (size_t i = 0; i < row->n_items; i++) {
        q->copy_columns[i] = xstrdup(r->columns[cols[i]].name);
        q->params[i].nullable = !col_api_not_null(&r->columns[cols[i]]); /* a row's value: NULL where the column takes it */
    }
    return 0;
}

static int type_insert(ctx *c, const PgQuery__InsertStmt *ins, gen_query *q, gen_relation *deps)
{
    scope s;
    gen_relation *r;
    int rc = target_scope(c, &s, ins->relation, deps, &r);
    q->target = r;
    q->target_priv = PRIV_INSERT;
    const PgQuery__SelectStmt *sel = ins->select_stmt ? ins->select_stmt->select_stmt : NULL;
    int *cols = NULL;
    size_t ncols = ins->n_cols ? ins->n_cols : (r ? r->ncolumns : 0);
    if (rc == 0) {
        cols = xcalloc(ncols + 1, sizeof *cols);
        for (size_t i = 0; i < ncols && rc == 0; i++)
            if (ins->n_cols) {
                const PgQuery__ResTarget *rt = ins->cols[i]->res_target;
                rc = (cols[i] = column_of(c, r, rt->name, rt->location)) < 0 ? -1 : 0;
            } else {
                cols[i] = (int)i;
            }
    }
    if (rc == 0 && sel && sel->n_values_lists) {
        scope empty;
        memset(&empty, 0, sizeof empty);
        empty.deps_of = deps;
        empty.subquery = infer_into;
        for (size_t k = 0; k < sel->n_values_lists && rc == 0; k++) {
            const PgQuery__List *row = sel->values_lists[k]->list;
            if (row->n_items > ncols) {
                diag_error(c->src, c->stmt_pos, "INSERT has more expressions than target columns");
                rc = -1;
            }
            for (size_t i = 0; i < row->n_items && rc == 0; i++)
                rc = written_value(c, &empty, r, cols[i], row->items[i]);
        }
    } else if (rc == 0 && sel) { /* INSERT ... SELECT: a bare parameter in its list takes the column's type */
        gen_relation tmp;
        for (size_t i = 0; i < sel->n_target_list && i < ncols && rc == 0; i++) {
            const Node *v = sel->target_list[i]->res_target->val;
            if (param_number(v))
                rc = bind_param(c, param_number(v), &r->columns[cols[i]].type, r->columns[cols[i]].name,
                                v->param_ref->location);
        }
        memset(&tmp, 0, sizeof tmp);
        if (rc == 0)
            rc = infer_into(c, ins->select_stmt, &tmp, NULL, deps);
        gen_relation_free(&tmp);
    }
    if (rc == 0 && ins->on_conflict_clause) {
        const PgQuery__OnConflictClause *oc = ins->on_conflict_clause;
        PgQuery__RangeVar excluded = *ins->relation;
        PgQuery__Alias alias = PG_QUERY__ALIAS__INIT;
        Node n = PG_QUERY__NODE__INIT;
        alias.aliasname = (char *)"excluded";
        excluded.alias = &alias;
        n.node_case = PG_QUERY__NODE__NODE_RANGE_VAR;
        n.range_var = &excluded;
        rc = add_from(c, &s, &n, false);
        if (rc == 0)
            rc = set_list(c, &s, r, oc->target_list, oc->n_target_list);
        if (rc == 0)
            rc = bind_in(c, &s, oc->where_clause);
        if (rc == 0 && oc->infer)
            rc = bind_in(c, &s, oc->infer->where_clause);
        /* RETURNING sees the target only */
        if (rc == 0) {
            s.n--;
            if (s.items[s.n].derived) {
                gen_relation_free(s.items[s.n].rel);
                free(s.items[s.n].rel);
            }
        }
    }
    if (rc == 0)
        rc = type_targets(c, &s, ins->returning_list, ins->n_returning_list, &q->result);
    if (rc == 0 && q->cmd == QUERY_COPYFROM)
        rc = copy_shape(c, ins, r, cols, q);
    free(cols);
    scope_free(&s);
    return rc;
}

/* UPDATE and DELETE: the target and its FROM / USING items, SET (UPDATE), WHERE, RETURNING. */
static int type_change(ctx *c, PgQuery__RangeVar *rv, Node *const *from, size_t nfrom, Node *const *set, size_t nset,
                       const Node *where, Node *const *returning, size_t nreturning, gen_query *q, gen_relation *deps)
{
    scope s;
    gen_relation *r;
    int rc = target_scope(c, &s, rv, deps, &r);
    q->target = r;
    q->target_priv = set ? PRIV_UPDATE : PRIV_DELETE;
    for (size_t i = 0; i < nfrom && rc == 0; i++)
        rc = add_from(c, &s, from[i], false);
    if (rc == 0)
        rc = set_list(c, &s, r, set, nset);
    if (rc == 0)
        rc = bind_in(c, &s, where);
    if (rc == 0)
        rc = type_targets(c, &s, returning, nreturning, &q->result);
    scope_free(&s);
    return rc;
}

/* The table whose full row the result is (same names, types and nullability), or NULL. */
static const gen_relation *row_of(const gen_model *m, const gen_relation *res)
{
    for (size_t i = 0; i < m->nrels; i++) {
        const gen_relation *r = m->rels[i];
        bool same = r->ncolumns == res->ncolumns && !r->is_partition && rel_is_table(r);
        for (size_t k = 0; same && k < r->ncolumns; k++)
            same = strcmp(r->columns[k].name, res->columns[k].name) == 0 &&
                   strcmp(r->columns[k].type.sql, res->columns[k].type.sql) == 0 &&
                   col_api_not_null(&r->columns[k]) == res->columns[k].not_null;
        if (same)
            return r;
    }
    return NULL;
}

/* Each sqlc.embed(x) stands in the statement's own select list (or RETURNING): x's columns are a
 * run of the result. */
static int embeds_check(const source *src, const gen_query *q)
{
    for (size_t i = 0; i < q->nembeds; i++) {
        const gen_embed *em = &q->embeds[i];
        bool ok = em->rel && em->start + em->rel->ncolumns <= q->result.ncolumns;
        for (size_t k = 0; ok && k < em->rel->ncolumns; k++)
            ok = strcmp(q->result.columns[em->start + k].name, em->rel->columns[k].name) == 0;
        if (!ok) {
            diag_error(src, em->pos, "sqlc.embed(%s) must stand in the query's own select list", em->name);
            return -1;
        }
    }
    return 0;
}

/* Names for the parameters the query did not name: their context's, else p<n>; unique. */
static void name_params(gen_query *q)
{
    for (size_t i = 0; i < q->nparams; i++) {
        gen_param *p = &q->params[i];
        if (!p->name)
            p->name = xstrfmt("p%zu", i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(q->params[j].name, p->name) == 0) {
                char *n = xstrfmt("%s_%zu", p->name, i + 1);
                free(p->name);
                p->name = n;
                j = (size_t)-1; /* check the new name against all again */
            }
    }
}

int type_query(gen_model *m, const source *src, gen_query *q)
{
    PgQuery__ParseResult *tree = parse_tree(src);
    ctx c = {m, src, 0, 0, 1, 1, q};
    gen_relation deps;
    const Node *stmt;
    int rc = 0;

    if (!tree)
        return -1;
    if (tree->n_stmts != 1) {
        diag_error(src, -1, "query %s must be exactly one statement, not %zu", q->name, tree->n_stmts);
        pg_query__parse_result__free_unpacked(tree, NULL);
        return -1;
    }
    c.stmt_pos = skip_space(src, tree->stmts[0]->stmt_location);
    stmt = tree->stmts[0]->stmt;
    memset(&deps, 0, sizeof deps);
    switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        rc = infer_into(&c, stmt, &q->result, NULL, &deps);
        break;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        rc = type_insert(&c, stmt->insert_stmt, q, &deps);
        break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT: {
        const PgQuery__UpdateStmt *u = stmt->update_stmt;
        rc = type_change(&c, u->relation, u->from_clause, u->n_from_clause, u->target_list, u->n_target_list,
                         u->where_clause, u->returning_list, u->n_returning_list, q, &deps);
        break;
    }
    case PG_QUERY__NODE__NODE_DELETE_STMT: {
        const PgQuery__DeleteStmt *d = stmt->delete_stmt;
        rc = type_change(&c, d->relation, d->using_clause, d->n_using_clause, NULL, 0, d->where_clause,
                         d->returning_list, d->n_returning_list, q, &deps);
        break;
    }
    default:
        diag_error(src, c.stmt_pos, "query %s: only SELECT, INSERT, UPDATE and DELETE can be queries, not %s", q->name,
                   node_kind(stmt));
        rc = -1;
    }
    /* anything but a plain SELECT may write (SELECT ... FOR UPDATE cannot run read-only either) */
    q->writes = stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT || stmt->select_stmt->n_locking_clause > 0;
    q->reads = deps.deps; /* for --role: what it needs (model.c, query_allowed) */
    q->nreads = deps.ndeps;
    deps.deps = NULL;
    deps.ndeps = 0;
    gen_relation_free(&deps);
    pg_query__parse_result__free_unpacked(tree, NULL);
    if (rc == 0)
        rc = params_check(&c);
    if (rc == 0 && (q->cmd == QUERY_ONE || q->cmd == QUERY_MANY) && q->result.ncolumns == 0) {
        diag_error(src, c.stmt_pos, "query %s is %s but returns no columns; use :exec or :execrows, or add RETURNING",
                   q->name, q->command);
        rc = -1;
    }
    if (rc == 0 && q->cmd == QUERY_COPYFROM && !q->copy_into) {
        diag_error(src, c.stmt_pos, "query %s is :copyfrom, which is sent as COPY: it must be an INSERT", q->name);
        rc = -1;
    }
    if (rc == 0 && (q->cmd == QUERY_EXEC || q->cmd == QUERY_EXECROWS)) {
        gen_relation_free(&q->result); /* nothing is read back */
        memset(&q->result, 0, sizeof q->result);
    }
    if (rc == 0)
        rc = embeds_check(src, q);
    if (rc == 0) {
        name_params(q);
        q->row_of = row_of(m, &q->result);
    }
    return rc;
}
