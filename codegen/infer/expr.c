/* blogdb-gen, query typing: the types of expressions (operators: operators.c). */
#include "infer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


bool item_exposes(const item *it, size_t ci)
{
    if (it->is_join && ci >= it->nmerged)
        return false; /* reached through the items it joins */
    for (size_t h = 0; h < it->nhidden; h++)
        if (strcmp(it->hidden[h], it->rel->columns[ci].name) == 0)
            return false;
    return true;
}

/* Column lookup through this scope and the enclosing ones. */
static int lookup_column(ctx *c, const scope *s, const char *qual, const char *colname, int loc, texpr *out)
{
    for (const scope *sc = s; sc; sc = sc->parent) {
        const item *found = NULL;
        int fcol = -1;
        bool qual_known = false;
        for (size_t i = 0; i < sc->n; i++) {
            int ci;
            if (qual && (!sc->items[i].alias || strcmp(sc->items[i].alias, qual) != 0))
                continue;
            qual_known = true;
            ci = rel_find_column(sc->items[i].rel, colname);
            if (ci < 0 || (!qual && !item_exposes(&sc->items[i], (size_t)ci)))
                continue;
            if (found)
                FAIL(c, loc, "column reference \"%s\" is ambiguous", colname);
            found = &sc->items[i];
            fcol = ci;
        }
        if (found) {
            const gen_column *col = &found->rel->columns[fcol];
            memset(out, 0, sizeof *out);
            out->t = type_copy(&col->type);
            out->not_null = col_api_not_null(col) && !found->nullable;
            out->name = colname;
            if (!found->derived)
                add_dep(s->deps_of, found->rel, col->name);
            return 0;
        }
        if (qual && qual_known)
            FAIL(c, loc, "column %s.%s does not exist", qual, colname);
    }
    if (qual)
        FAIL(c, loc, "missing FROM-clause entry for table \"%s\"", qual);
    FAIL(c, loc, "column \"%s\" does not exist", colname);
}

/* Folds a list of expressions into their common type (CASE results, COALESCE, GREATEST...). */
static int type_common_list(ctx *c, scope *s, Node **list, size_t n, int loc, const char *what, texpr *out,
                            bool *any_nn, bool *all_nn)
{
    texpr acc;
    bool same = true; /* every value of one type, typmod included: the result keeps the typmod */
    *any_nn = false;
    *all_nn = true;
    for (size_t i = 0; i < n; i++) {
        texpr e;
        if (type_expr(c, s, list[i], &e) != 0) {
            if (i)
                tx_free(&acc);
            return -1;
        }
        if (e.param)
            e.not_null = false; /* as a literal NULL could be */
        *any_nn |= e.not_null;
        *all_nn &= e.not_null;
        same &= !e.unknown && (i == 0 || strcmp(e.t.sql, acc.t.sql) == 0);
        if (i == 0) {
            acc = e;
        } else if (common_type(c, &acc, &e, loc, what, &acc) != 0) {
            return -1;
        }
    }
    if (!same && !acc.unknown)
        strip_typmod(&acc.t); /* as exprTypmod says of a CASE, COALESCE, GREATEST or ARRAY[] */
    /* Parameters among the values take the common type (COALESCE(@x, col): col's type). */
    for (size_t i = 0; c->query && !acc.unknown && i < n; i++)
        if (param_number(list[i]) && bind_param(c, param_number(list[i]), &acc.t, NULL, loc) != 0) {
            tx_free(&acc);
            return -1;
        }
    acc.param = 0;
    *out = acc;
    return 0;
}

const gen_function *own_call(ctx *c, const PgQuery__FuncCall *f)
{
    const char *schema, *name;
    long i;
    if (function_known(f) || names_split(f->funcname, f->n_funcname, &schema, &name) != 0)
        return NULL;
    i = find_function(c, schema, name, f->n_args);
    return i >= 0 ? c->m->functions[i] : NULL;
}

/* The schema's own function with a scalar result a call reaches, or NULL. */
static const gen_function *own_function(ctx *c, const PgQuery__FuncCall *f)
{
    const gen_function *fn = own_call(c, f);
    return fn && fn->result.sql ? fn : NULL;
}

int type_own_args(ctx *c, scope *s, const PgQuery__FuncCall *f, const gen_function *fn)
{
    for (size_t i = 0; i < f->n_args; i++) {
        texpr a;
        int rc;
        if (f->args[i]->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR)
            FAIL(c, f->location, "name => value arguments of %s() are not supported yet; pass them in order",
                 fn->name);
        if (type_expr(c, s, f->args[i], &a) != 0)
            return -1;
        rc = a.param ? bind_param(c, a.param, &fn->args[i], NULL, f->args[i]->param_ref->location) : 0;
        tx_free(&a);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* A call of the schema's own function: its RETURNS type (maybe NULL: a function may return NULL
 * whatever it is given). */
static int type_own_call(ctx *c, scope *s, const PgQuery__FuncCall *f, const gen_function *fn, texpr *out)
{
    if (type_own_args(c, s, f, fn) != 0)
        return -1;
    memset(out, 0, sizeof *out);
    out->t = type_copy(&fn->result);
    strip_typmod(&out->t); /* a signature keeps no type modifier: RETURNS varchar(40) is varchar */
    out->name = fn->name;
    return 0;
}

/* A function call: its arguments typed here, then resolved by the function table (functions.c),
 * as PostgreSQL transforms the arguments before ParseFuncOrColumn. A parameter passed to it takes
 * the type overload resolution gives that argument (lower(@q): text; substr(t, 1, @n): integer;
 * make_interval(days => @d): integer). The table frees the arguments. */
static int type_call(ctx *c, scope *s, const PgQuery__FuncCall *f, texpr *out)
{
    texpr args[8];
    size_t nargs = f->n_args < 8 ? f->n_args : 8;
    const char *fname = node_str(f->funcname[f->n_funcname - 1]);
    const gen_function *own = own_function(c, f);
    int rc = 0;
    if (own)
        return type_own_call(c, s, f, own, out);
    if (!function_known(f))
        FAIL(c, f->location, "cannot infer the type of function \"%s\" in a %s; add a cast (expr::type)",
             fname ? fname : "?", c->query ? "query" : "view");
    for (size_t i = 0; i < nargs; i++) {
        const Node *a = f->args[i];
        const char *arg_name = NULL;
        char buf[64];
        const char *want;
        if (a->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR) {
            arg_name = a->named_arg_expr->name;
            a = a->named_arg_expr->arg;
        }
        if (type_expr(c, s, a, &args[i]) != 0) {
            for (size_t j = 0; j < i; j++)
                tx_free(&args[j]);
            return -1;
        }
        if (args[i].param && (want = function_arg_type(f, arg_name, i, nargs, buf, sizeof buf)) != NULL) {
            gen_type t = builtin_type(want);
            rc = bind_param(c, args[i].param, &t, arg_name,
                            a->node_case == PG_QUERY__NODE__NODE_PARAM_REF ? a->param_ref->location : f->location);
            free(t.sql);
            if (rc != 0) {
                for (size_t j = 0; j <= i; j++)
                    tx_free(&args[j]);
                return -1;
            }
            tx_free(&args[i]);
            args[i] = tx_builtin(want, false);
        }
    }
    return type_function(c, f, args, nargs, out);
}

/* f(...)::type for a function the table does not know (a schema's own, an extension's): the cast
 * gives the type, as the error about the uncast call suggests. Its arguments are still typed (for
 * the parameters in them, and a view's dependencies); a bare parameter argument stays untyped
 * unless cast too, as PostgreSQL could not type it either. Maybe NULL: its strictness is unknown. */
static int cast_unknown_call(ctx *c, scope *s, const PgQuery__FuncCall *f, texpr *out)
{
    for (size_t i = 0; i < f->n_args; i++) {
        texpr a;
        if (param_number(f->args[i]))
            continue;
        if (type_expr(c, s, f->args[i], &a) != 0)
            return -1;
        tx_free(&a);
    }
    *out = tx_builtin("text", false); /* replaced by the cast */
    out->name = node_str(f->funcname[f->n_funcname - 1]);
    return 0;
}

/* The parameters of a predicate (IN, LIKE, BETWEEN, IS DISTINCT FROM, op ANY/ALL) get their
 * types from its other operand, as PostgreSQL's transformAExpr* would give them. */
static int predicate_params(ctx *c, scope *s, const PgQuery__AExpr *a, const char *op)
{
    texpr l, r;
    int rc = 0;
    bool like = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_LIKE || a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE;
    bool list = a->rexpr && a->rexpr->node_case == PG_QUERY__NODE__NODE_LIST;
    if (type_expr(c, s, a->lexpr, &l) != 0)
        return -1;
    if (a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY || a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL) {
        if (type_expr(c, s, a->rexpr, &r) != 0) {
            tx_free(&l);
            return -1;
        }
        if (r.param && !l.unknown) { /* x = ANY($1): an array of what x = $1 would give */
            gen_type el = param_type_for(op ? op : "=", &l.t), arr = el;
            arr.sql = xstrfmt("%s[]", el.sql);
            arr.is_array = true;
            rc = bind_param(c, r.param, &arr, context_name(a->lexpr), a->location);
            free(el.sql);
            free(arr.sql);
        } else if (l.param && r.t.is_array) {
            gen_type el = type_copy(&r.t);
            to_element(&el);
            rc = bind_param(c, l.param, &el, NULL, a->location);
            free(el.sql);
        }
        tx_free(&r);
    } else if (list) { /* IN (...), BETWEEN x AND y: each item against the left operand */
        const PgQuery__List *items = a->rexpr->list;
        for (size_t i = 0; i < items->n_items && rc == 0; i++) {
            if (type_expr(c, s, items->items[i], &r) != 0) {
                rc = -1;
                break;
            }
            if (a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_IN && r.param && !l.unknown)
                rc = bind_param(c, r.param, &l.t, context_name(a->lexpr), a->location);
            else if (a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_IN && l.param && !r.unknown)
                rc = bind_param(c, l.param, &r.t, NULL, a->location);
            else
                rc = bind_operands(c, "=", &l, a->lexpr, &r, items->items[i], a->location);
            tx_free(&r);
        }
    } else if (a->rexpr) {
        if (type_expr(c, s, a->rexpr, &r) != 0) {
            tx_free(&l);
            return -1;
        }
        rc = bind_operands(c, like ? "~~" : "=", &l, a->lexpr, &r, a->rexpr, a->location);
        tx_free(&r);
    }
    tx_free(&l);
    return rc;
}

/* (a, b) < (x, y): compared pairwise (parameters typed by their partner), a boolean. */
static int row_comparison(ctx *c, scope *s, const PgQuery__AExpr *a, const char *op, texpr *out)
{
    const PgQuery__RowExpr *l = a->lexpr->row_expr, *r = a->rexpr->row_expr;
    bool nn = true;
    if (l->n_args != r->n_args)
        FAIL(c, a->location, "unequal number of entries in row expressions");
    for (size_t i = 0; i < l->n_args; i++) {
        texpr x, y;
        int rc;
        if (type_expr(c, s, l->args[i], &x) != 0)
            return -1;
        if (type_expr(c, s, r->args[i], &y) != 0) {
            tx_free(&x);
            return -1;
        }
        rc = c->query ? bind_operands(c, op, &x, l->args[i], &y, r->args[i], a->location) : 0;
        nn &= x.not_null && y.not_null;
        tx_free(&x);
        tx_free(&y);
        if (rc != 0)
            return -1;
    }
    *out = tx_builtin("boolean", nn);
    out->name = "?column?";
    return 0;
}

/* EXISTS / IN / ANY (subquery) with parameters: the subquery is typed (binding those inside it),
 * and a parameter tested against it takes its column's type. */
static int sublink_params(ctx *c, scope *s, const PgQuery__SubLink *sl)
{
    gen_relation sub;
    int rc;
    memset(&sub, 0, sizeof sub);
    rc = s->subquery(c, sl->subselect, &sub, s, s->deps_of);
    if (rc == 0 && sl->testexpr && sub.ncolumns) {
        int n = param_number(sl->testexpr);
        if (n) {
            gen_type t = param_type_for("=", &sub.columns[0].type);
            rc = bind_param(c, n, &t, NULL, sl->location);
            free(t.sql);
        } else {
            rc = bind_in(c, s, sl->testexpr);
        }
    }
    gen_relation_free(&sub);
    return rc;
}

/* The column name PostgreSQL gives a scalar subquery: its first output column's. */
static const char *subquery_name(const Node *sub)
{
    const PgQuery__SelectStmt *sel = sub && sub->node_case == PG_QUERY__NODE__NODE_SELECT_STMT ? sub->select_stmt : NULL;
    const PgQuery__ResTarget *rt;
    const char *name;
    int strength;
    while (sel && sel->op != PG_QUERY__SET_OPERATION__SETOP_NONE)
        sel = sel->larg;
    if (!sel || !sel->n_target_list)
        return "?column?";
    rt = sel->target_list[0]->res_target;
    if (rt->name && *rt->name)
        return rt->name;
    name = figure_name(rt->val, &strength);
    return strength ? name : "?column?";
}

/* An array of element type el (an untyped element makes text[]): never NULL. */
static texpr array_of(const gen_type *el, bool unknown)
{
    texpr t;
    memset(&t, 0, sizeof t);
    t.t = type_copy(el);
    if (unknown) {
        free(t.t.sql);
        t.t = builtin_type("text");
    }
    if (!t.t.is_array) {
        char *sql = xstrfmt("%s[]", t.t.sql);
        free(t.t.sql);
        t.t.sql = sql;
        t.t.is_array = true;
    }
    t.not_null = true;
    return t;
}

/* x[i] (an element: maybe NULL) and x[i:j] (a slice: an array) of an array; a parameter as a
 * subscript is an integer. Field selection ((x).f) is not typed. */
static int type_subscript(ctx *c, scope *s, const PgQuery__AIndirection *ind, texpr *out)
{
    bool slice = false;
    if (type_expr(c, s, ind->arg, out) != 0)
        return -1;
    for (size_t i = 0; i < ind->n_indirection; i++) {
        const Node *n = ind->indirection[i];
        const PgQuery__AIndices *ix;
        if (n->node_case != PG_QUERY__NODE__NODE_A_INDICES || !out->t.is_array) {
            int loc = node_location(ind->arg);
            tx_free(out);
            FAIL(c, loc >= 0 ? loc : c->stmt_pos,
                 "cannot infer the type of this field selection or subscript; add a cast (expr::type)");
        }
        ix = n->a_indices;
        slice |= ix->is_slice;
        for (int k = 0; k < 2; k++) {
            const Node *sub = k ? ix->uidx : ix->lidx;
            gen_type integer = builtin_type("integer");
            int rc = param_number(sub) ? bind_param(c, param_number(sub), &integer, NULL, sub->param_ref->location)
                                       : bind_in(c, s, sub);
            free(integer.sql);
            if (rc != 0) {
                tx_free(out);
                return -1;
            }
        }
    }
    if (!slice)
        to_element(&out->t);
    out->not_null = false;
    out->param = 0;
    return 0;
}

/* (SELECT x ...): x's type, NULL when no row comes; ARRAY(SELECT x ...): x[], never NULL. */
static int type_value_subquery(ctx *c, scope *s, const PgQuery__SubLink *sl, texpr *out)
{
    gen_relation sub;
    memset(&sub, 0, sizeof sub);
    if (s->subquery(c, sl->subselect, &sub, s, s->deps_of) != 0) {
        gen_relation_free(&sub);
        return -1;
    }
    if (sub.ncolumns != 1) {
        gen_relation_free(&sub);
        FAIL(c, sl->location, "subquery must return only one column");
    }
    if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK) {
        *out = array_of(&sub.columns[0].type, sub.columns[0].unknown);
        out->name = "array";
    } else {
        memset(out, 0, sizeof *out);
        out->t = type_copy(&sub.columns[0].type);
        out->name = subquery_name(sl->subselect);
    }
    gen_relation_free(&sub);
    return 0;
}

int type_expr(ctx *c, scope *s, const Node *e, texpr *out)
{
    memset(out, 0, sizeof *out);
    switch (e->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
        const PgQuery__ColumnRef *cr = e->column_ref;
        const char *qual = cr->n_fields >= 2 ? node_str(cr->fields[cr->n_fields - 2]) : NULL;
        const char *colname = node_str(cr->fields[cr->n_fields - 1]);
        if (!colname)
            FAIL(c, cr->location, "* is only allowed as a whole select-list item");
        return lookup_column(c, s, qual, colname, cr->location, out);
    }
    case PG_QUERY__NODE__NODE_PARAM_REF: {
        int n = e->param_ref->number;
        const gen_param *p;
        if (!c->query)
            FAIL(c, e->param_ref->location, "parameters ($%d) are only allowed in queries", n);
        if (n < 1 || (size_t)n > c->query->nparams)
            FAIL(c, e->param_ref->location, "there is no parameter $%d", n);
        p = &c->query->params[n - 1];
        if (p->type.sql) {
            out->t = type_copy(&p->type);
        } else {
            out->t = builtin_type("text");
            out->unknown = true;
            out->param = n;
        }
        out->not_null = !p->nullable;
        out->name = "?column?";
        return 0;
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        const PgQuery__TypeCast *tc = e->type_cast;
        texpr inner;
        if (tc->arg->node_case == PG_QUERY__NODE__NODE_FUNC_CALL && !function_known(tc->arg->func_call) &&
            !own_function(c, tc->arg->func_call)) {
            if (cast_unknown_call(c, s, tc->arg->func_call, &inner) != 0)
                return -1;
        } else if (tc->arg->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR && !tc->arg->a_array_expr->n_elements) {
            inner = tx_builtin("text", true); /* ARRAY[]::type[]: the cast gives the type */
            inner.name = "array";
        } else if (type_expr(c, s, tc->arg, &inner) != 0) {
            return -1;
        }
        if (resolve_type(c, tc->type_name, &out->t, NULL) != 0) {
            tx_free(&inner);
            return -1;
        }
        /* an explicit cast types the parameter under it: @id::uuid */
        if (inner.param && bind_param(c, inner.param, &out->t, NULL, tc->location) != 0) {
            tx_free(&inner);
            tx_free(out);
            return -1;
        }
        out->not_null = inner.not_null;
        out->name = inner.name && tc->arg->node_case != PG_QUERY__NODE__NODE_A_CONST && !param_number(tc->arg)
                        ? inner.name
                        : node_str(tc->type_name->names[tc->type_name->n_names - 1]);
        tx_free(&inner);
        return 0;
    }
    case PG_QUERY__NODE__NODE_A_CONST: {
        const PgQuery__AConst *k = e->a_const;
        if (k->isnull) {
            *out = tx_builtin("text", false);
            out->unknown = true;
        } else if (k->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
            *out = tx_builtin("integer", true);
        } else if (k->val_case == PG_QUERY__A__CONST__VAL_FVAL) {
            /* Integers too large for int4 arrive as "float" text too. */
            const char *v = k->fval->fval;
            *out = tx_builtin(strpbrk(v, ".eE") ? "numeric" : "bigint", true);
        } else if (k->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL) {
            *out = tx_builtin("boolean", true);
        } else {
            *out = tx_builtin("text", true);
            out->unknown = true;
        }
        out->name = "?column?";
        return 0;
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        return type_call(c, s, e->func_call, out);
    case PG_QUERY__NODE__NODE_COALESCE_EXPR: {
        bool any_nn, all_nn;
        if (type_common_list(c, s, e->coalesce_expr->args, e->coalesce_expr->n_args, e->coalesce_expr->location,
                             "COALESCE", out, &any_nn, &all_nn) != 0)
            return -1;
        out->not_null = any_nn;
        out->name = "coalesce";
        return 0;
    }
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR: {
        bool any_nn, all_nn;
        const PgQuery__MinMaxExpr *mm = e->min_max_expr;
        if (type_common_list(c, s, mm->args, mm->n_args, mm->location, mm->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "GREATEST" : "LEAST",
                             out, &any_nn, &all_nn) != 0)
            return -1;
        out->not_null = any_nn; /* NULLs are ignored unless all are NULL */
        out->name = mm->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
        return 0;
    }
    case PG_QUERY__NODE__NODE_CASE_EXPR: {
        const PgQuery__CaseExpr *ce = e->case_expr;
        Node **results = xcalloc(ce->n_args + 1, sizeof *results);
        size_t n = 0;
        bool any_nn, all_nn;
        int rc;
        for (size_t i = 0; i < ce->n_args; i++) {
            results[n++] = ce->args[i]->case_when->result;
            if (c->query && bind_in(c, s, ce->args[i]->case_when->expr) != 0) {
                free(results);
                return -1;
            }
        }
        if (ce->defresult)
            results[n++] = ce->defresult;
        rc = type_common_list(c, s, results, n, ce->location, "CASE", out, &any_nn, &all_nn);
        free(results);
        if (rc != 0)
            return -1;
        out->not_null = all_nn && ce->defresult != NULL;
        if (!ce->defresult)
            strip_typmod(&out->t); /* the implicit ELSE NULL has no typmod */
        out->name = "case";
        return 0;
    }
    case PG_QUERY__NODE__NODE_A_EXPR: {
        const PgQuery__AExpr *a = e->a_expr;
        const char *op = a->n_name ? node_str(a->name[a->n_name - 1]) : NULL;
        texpr l, r;
        if (a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
            if (type_expr(c, s, a->lexpr, out) != 0)
                return -1;
            out->not_null = false;
            out->name = "nullif";
            return 0;
        }
        if (a->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP) {
            /* IN, LIKE, ILIKE, SIMILAR, BETWEEN, IS DISTINCT FROM, op ANY/ALL: boolean */
            if (c->query && has_param(e) && predicate_params(c, s, a, op) != 0)
                return -1;
            *out = tx_builtin("boolean", false);
            out->name = "?column?";
            return 0;
        }
        if (a->lexpr && a->rexpr && a->lexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR &&
            a->rexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR)
            return row_comparison(c, s, a, op ? op : "?", out);
        if (!a->lexpr) { /* prefix operator: -x, +x */
            if (type_expr(c, s, a->rexpr, out) != 0)
                return -1;
            out->name = "?column?";
            return 0;
        }
        if (type_expr(c, s, a->lexpr, &l) != 0)
            return -1;
        if (type_expr(c, s, a->rexpr, &r) != 0) {
            tx_free(&l);
            return -1;
        }
        if (c->query && bind_operands(c, op ? op : "?", &l, a->lexpr, &r, a->rexpr, a->location) != 0) {
            tx_free(&l);
            tx_free(&r);
            return -1;
        }
        if (type_operator(c, op ? op : "?", &l, &r, a->location, out) != 0)
            return -1;
        out->name = "?column?";
        return 0;
    }
    case PG_QUERY__NODE__NODE_BOOL_EXPR:
        for (size_t i = 0; c->query && i < e->bool_expr->n_args; i++)
            if (bind_in(c, s, e->bool_expr->args[i]) != 0)
                return -1;
        *out = tx_builtin("boolean", false);
        out->name = "?column?";
        return 0;
    case PG_QUERY__NODE__NODE_NULL_TEST:
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST:
        /* (@x IS NULL leaves @x untyped, as PostgreSQL does: another use must type it) */
        if (c->query && !param_number(e->node_case == PG_QUERY__NODE__NODE_NULL_TEST ? e->null_test->arg
                                                                                     : e->boolean_test->arg) &&
            bind_in(c, s, e->node_case == PG_QUERY__NODE__NODE_NULL_TEST ? e->null_test->arg : e->boolean_test->arg) != 0)
            return -1;
        *out = tx_builtin("boolean", true);
        out->name = "?column?";
        return 0;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: {
        static const char *const types[] = {
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE] = "date",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME] = "time with time zone",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N] = "time with time zone",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP] = "timestamp with time zone",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N] = "timestamp with time zone",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME] = "time without time zone",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N] = "time without time zone",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP] = "timestamp without time zone",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N] = "timestamp without time zone",
        };
        int op = (int)e->sqlvalue_function->op;
        const char *t = op >= 0 && op < (int)(sizeof types / sizeof types[0]) && types[op] ? types[op] : "name";
        *out = tx_builtin(t, true);
        out->name = strcmp(t, "name") == 0 ? "current_user" : "?column?";
        return 0;
    }
    case PG_QUERY__NODE__NODE_SUB_LINK: {
        const PgQuery__SubLink *sl = e->sub_link;
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK ||
            sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK)
            return type_value_subquery(c, s, sl, out);
        if (c->query && has_param(e) && sublink_params(c, s, sl) != 0)
            return -1;
        *out = tx_builtin("boolean", sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK);
        out->name = sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK ? "exists" : "?column?";
        return 0;
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: { /* ARRAY[a, b]: an array of their common type */
        const PgQuery__AArrayExpr *a = e->a_array_expr;
        texpr el;
        bool any_nn, all_nn;
        if (!a->n_elements)
            FAIL(c, a->location, "cannot determine the type of an empty array; add a cast (ARRAY[]::type[])");
        if (type_common_list(c, s, a->elements, a->n_elements, a->location, "ARRAY", &el, &any_nn, &all_nn) != 0)
            return -1;
        *out = array_of(&el.t, el.unknown);
        out->name = "array";
        tx_free(&el);
        return 0;
    }
    case PG_QUERY__NODE__NODE_A_INDIRECTION:
        return type_subscript(c, s, e->a_indirection, out);
    default:
        FAIL(c, node_location(e) >= 0 ? node_location(e) : c->stmt_pos,
             "cannot infer the type of a %s in a %s; add a cast (expr::type)", node_kind(e),
             c->query ? "query" : "view");
    }
}

/* ---- the expressions around a query's parameters (params.c keeps their types) ---- */

int bind_in(ctx *c, scope *s, const Node *n)
{
    texpr t;
    if (!n || !has_param(n))
        return 0;
    if (n->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR) {
        for (size_t i = 0; i < n->bool_expr->n_args; i++)
            if (bind_in(c, s, n->bool_expr->args[i]) != 0)
                return -1;
        return 0;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_LIST) {
        for (size_t i = 0; i < n->list->n_items; i++)
            if (bind_in(c, s, n->list->items[i]) != 0)
                return -1;
        return 0;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_SORT_BY)
        return bind_in(c, s, n->sort_by->node);
    if (type_expr(c, s, n, &t) != 0)
        return -1;
    tx_free(&t);
    return 0;
}

int bind_limit(ctx *c, scope *s, const Node *n, const char *name)
{
    int k = param_number(n);
    if (k) {
        gen_type t = builtin_type("bigint");
        int rc = bind_param(c, k, &t, name, n->param_ref->location);
        free(t.sql);
        return rc;
    }
    return bind_in(c, s, n);
}
