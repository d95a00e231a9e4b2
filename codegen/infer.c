/* blogdb-gen: the output columns of a query (views, materialized views, CREATE TABLE AS),
 * typed as PostgreSQL would type them, with nullability carried from the base columns. */
#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A typed expression. `unknown` marks an untyped string literal, which takes the type of
 * whatever it meets (and is text when it stands alone). */
typedef struct texpr {
    gen_type t;
    bool not_null;
    bool unknown;
    const char *name; /* PostgreSQL's default column name (borrowed) */
} texpr;

/* A FROM item visible to expressions. */
typedef struct item {
    const char *alias;
    gen_relation *rel;      /* base relation (in the model) or a derived one (owned) */
    bool derived;
    bool nullable;          /* on the nullable side of an outer join */
} item;

typedef struct cte {
    const char *name;
    gen_relation rel;
} cte;

typedef struct scope {
    item *items;
    size_t n;
    cte *ctes;
    size_t nctes;
    const struct scope *parent; /* enclosing query, for correlated subqueries and outer CTEs */
    gen_relation *deps_of;
} scope;

static void relation_release(gen_relation *r)
{
    for (size_t i = 0; i < r->ncolumns; i++) {
        free(r->columns[i].name);
        free(r->columns[i].type.sql);
    }
    free(r->columns);
    for (size_t i = 0; i < r->ndeps; i++)
        free(r->deps[i]);
    free(r->deps);
}

static void scope_free(scope *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i].derived) {
            relation_release(s->items[i].rel);
            free(s->items[i].rel);
        }
    free(s->items);
    for (size_t i = 0; i < s->nctes; i++)
        relation_release(&s->ctes[i].rel);
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
    col->not_null = e->not_null;
}

/* ---- types of expressions ------------------------------------------------------ */

static texpr tx_builtin(const char *fmt, bool not_null)
{
    texpr e;
    memset(&e, 0, sizeof e);
    e.t = builtin_type(fmt);
    e.not_null = not_null;
    return e;
}

static void tx_free(texpr *e)
{
    free(e->t.sql);
    e->t.sql = NULL;
}

/* Rank on the numeric ladder (0: not numeric). */
static int numeric_rank(const gen_type *t)
{
    if (t->is_array)
        return 0;
    switch (t->ct) {
    case CT_INT2: return 1;
    case CT_INT4: return 2;
    case CT_INT8: return 3;
    case CT_NUMERIC: return 4;
    case CT_FLOAT4: return 5;
    case CT_FLOAT8: return 6;
    default: return 0;
    }
}

static const char *numeric_name(int rank)
{
    static const char *const names[] = {"", "smallint", "integer", "bigint", "numeric", "real", "double precision"};
    return names[rank];
}

/* A function's result carries no type modifier: numeric(8,2) -> numeric, varchar(20) -> varchar. */
static void strip_typmod(gen_type *t)
{
    char *paren = strchr(t->sql, '(');
    if (t->enum_index >= 0 || t->domain_index >= 0 || !paren)
        return;
    {
        char *close = strchr(paren, ')');
        char *out = xstrfmt("%.*s%s", (int)(paren - t->sql), t->sql, close ? close + 1 : "");
        if (strcmp(out, "character") == 0 || strncmp(out, "character[", 10) == 0) {
            char *b = xstrfmt("bpchar%s", out + 9);
            free(out);
            out = b;
        }
        free(t->sql);
        t->sql = out;
        t->max_chars = -1;
    }
}

static bool is_string(const gen_type *t)
{
    return !t->is_array && t->ct == CT_TEXT && t->enum_index < 0;
}

/* PostgreSQL's select_common_type, for the cases schemas meet. Consumes a and b. */
static int common_type(ctx *c, texpr *a, texpr *b, int loc, const char *what, texpr *out)
{
    texpr r;
    memset(&r, 0, sizeof r);
    r.not_null = a->not_null && b->not_null;
    if (a->unknown && b->unknown) {
        r = *a;
        r.not_null = a->not_null && b->not_null;
        tx_free(b);
        *out = r;
        return 0;
    }
    if (a->unknown || (!b->unknown && strcmp(a->t.sql, b->t.sql) == 0)) {
        r.t = b->t;
        tx_free(a);
    } else if (b->unknown) {
        r.t = a->t;
        tx_free(b);
    } else if (numeric_rank(&a->t) && numeric_rank(&b->t)) {
        int ra = numeric_rank(&a->t), rb = numeric_rank(&b->t), hi = ra > rb ? ra : rb;
        tx_free(a);
        tx_free(b);
        r.t = builtin_type(numeric_name(hi));
    } else if (is_string(&a->t) && is_string(&b->t)) {
        /* Strings convert both ways implicitly, so the first type stays, without its typmod. */
        const char *base = strncmp(a->t.sql, "character varying", 17) == 0 ? "character varying"
                           : strncmp(a->t.sql, "character", 9) == 0         ? "bpchar"
                                                                            : "text";
        tx_free(a);
        tx_free(b);
        r.t = builtin_type(base);
    } else if ((a->t.ct == CT_TIMESTAMP || a->t.ct == CT_TIMESTAMPTZ || a->t.ct == CT_DATE) &&
               (b->t.ct == CT_TIMESTAMP || b->t.ct == CT_TIMESTAMPTZ || b->t.ct == CT_DATE) && !a->t.is_array &&
               !b->t.is_array) {
        bool tz = a->t.ct == CT_TIMESTAMPTZ || b->t.ct == CT_TIMESTAMPTZ;
        tx_free(a);
        tx_free(b);
        r.t = builtin_type(tz ? "timestamp with time zone" : "timestamp without time zone");
    } else {
        diag_error(c->src, loc, "%s types %s and %s cannot be matched; add a cast (expr::type)", what, a->t.sql,
                   b->t.sql);
        tx_free(a);
        tx_free(b);
        return -1;
    }
    *out = r;
    return 0;
}

static int type_expr(ctx *c, scope *s, const Node *e, texpr *out);
static int infer_into(ctx *c, const Node *query, gen_relation *out, const scope *parent, gen_relation *deps_of);

/* Column lookup through this scope and the enclosing ones. */
static int lookup_column(ctx *c, const scope *s, const char *qual, const char *colname, int loc, texpr *out)
{
    for (const scope *sc = s; sc; sc = sc->parent) {
        const item *found = NULL;
        int fcol = -1;
        bool qual_known = false;
        for (size_t i = 0; i < sc->n; i++) {
            int ci;
            if (qual && strcmp(sc->items[i].alias, qual) != 0)
                continue;
            qual_known = true;
            ci = rel_find_column(sc->items[i].rel, colname);
            if (ci < 0)
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

/* Result type of a binary operator on typed operands. Consumes l and r. */
static int type_operator(ctx *c, const char *op, texpr *l, texpr *r, int loc, texpr *out)
{
    static const char *const boolean_ops[] = {"=", "<>", "!=", "<", ">", "<=", ">=", "~~", "!~~", "~~*", "!~~*",
                                              "~", "!~", "~*", "!~*", "@>", "<@", "&&", "?", "?|", "?&", NULL};
    bool nn = l->not_null && r->not_null;
    for (size_t i = 0; boolean_ops[i]; i++)
        if (strcmp(op, boolean_ops[i]) == 0) {
            tx_free(l);
            tx_free(r);
            *out = tx_builtin("boolean", nn);
            return 0;
        }
    if (strcmp(op, "||") == 0) {
        const gen_type *json = l->t.ct == CT_JSONB && !l->t.is_array ? &l->t : NULL;
        if (l->t.is_array || r->t.is_array) {
            texpr keep = l->t.is_array ? *l : *r;
            tx_free(l->t.is_array ? r : l);
            keep.not_null = nn;
            *out = keep;
            return 0;
        }
        tx_free(l);
        tx_free(r);
        *out = tx_builtin(json ? "jsonb" : "text", nn);
        return 0;
    }
    if (strcmp(op, "->") == 0 || strcmp(op, "->>") == 0 || strcmp(op, "#>") == 0 || strcmp(op, "#>>") == 0) {
        bool text = op[strlen(op) - 1] == '>' && op[strlen(op) - 2] == '>';
        bool jsonb = l->t.ct == CT_JSONB;
        tx_free(l);
        tx_free(r);
        *out = tx_builtin(text ? "text" : jsonb ? "jsonb" : "json", false);
        return 0;
    }
    if (strchr("+-*/%^", op[0]) && op[1] == '\0') {
        ctype lt = l->t.ct, rt = r->t.ct;
        const char *res = NULL;
        bool dt_l = lt == CT_TIMESTAMP || lt == CT_TIMESTAMPTZ || lt == CT_DATE;
        bool dt_r = rt == CT_TIMESTAMP || rt == CT_TIMESTAMPTZ || rt == CT_DATE;
        if (numeric_rank(&l->t) && numeric_rank(&r->t)) {
            int hi = numeric_rank(&l->t) > numeric_rank(&r->t) ? numeric_rank(&l->t) : numeric_rank(&r->t);
            /* real with anything else resolves to the (float4, float8) operator: double precision */
            if (hi == 5 && numeric_rank(&l->t) != numeric_rank(&r->t))
                hi = 6;
            if (op[0] == '^')
                hi = hi == 4 ? 4 : 6; /* power: numeric or double precision */
            res = numeric_name(hi);
        } else if ((l->unknown && numeric_rank(&r->t)) || (r->unknown && numeric_rank(&l->t))) {
            res = numeric_name(numeric_rank(l->unknown ? &r->t : &l->t));
        } else if (dt_l && dt_r && op[0] == '-') {
            res = lt == CT_DATE && rt == CT_DATE ? "integer" : "interval";
        } else if (dt_l && rt == CT_INTERVAL && (op[0] == '+' || op[0] == '-')) {
            res = lt == CT_TIMESTAMPTZ ? "timestamp with time zone" : "timestamp without time zone";
        } else if (lt == CT_INTERVAL && dt_r && op[0] == '+') {
            res = rt == CT_TIMESTAMPTZ ? "timestamp with time zone" : "timestamp without time zone";
        } else if (lt == CT_DATE && (rt == CT_INT4 || rt == CT_INT2) && (op[0] == '+' || op[0] == '-')) {
            res = "date";
        } else if (lt == CT_INTERVAL && rt == CT_INTERVAL && (op[0] == '+' || op[0] == '-')) {
            res = "interval";
        } else if ((lt == CT_INTERVAL && numeric_rank(&r->t)) || (rt == CT_INTERVAL && numeric_rank(&l->t))) {
            res = "interval";
        }
        if (res) {
            tx_free(l);
            tx_free(r);
            *out = tx_builtin(res, nn);
            return 0;
        }
        diag_error(c->src, loc, "cannot infer the type of %s %s %s; add a cast (expr::type)", l->t.sql, op, r->t.sql);
        tx_free(l);
        tx_free(r);
        return -1;
    }
    diag_error(c->src, loc, "cannot infer the type of operator %s; add a cast (expr::type)", op);
    tx_free(l);
    tx_free(r);
    return -1;
}

/* Functions by result type: the same as argument n ("=0"), fixed ("text"), or special. */
static const struct fn {
    const char *name;
    const char *result; /* "=0": type of the first argument; "[]0": array of it; NULL: special */
    char nulls;         /* 'n' never NULL, 's' strict (NULL iff an argument is), 'a' aggregate (may be NULL) */
} functions[] = {
    {"count", "bigint", 'n'}, {"row_number", "bigint", 'n'}, {"rank", "bigint", 'n'}, {"dense_rank", "bigint", 'n'},
    {"ntile", "integer", 's'}, {"min", "=0", 'a'}, {"max", "=0", 'a'}, {"sum", NULL, 'a'}, {"avg", NULL, 'a'},
    {"array_agg", "[]0", 'a'}, {"string_agg", "text", 'a'}, {"bool_and", "boolean", 'a'},
    {"bool_or", "boolean", 'a'}, {"every", "boolean", 'a'}, {"json_agg", "json", 'a'}, {"jsonb_agg", "jsonb", 'a'},
    {"json_object_agg", "json", 'a'}, {"jsonb_object_agg", "jsonb", 'a'}, {"lag", "=0", 'a'}, {"lead", "=0", 'a'},
    {"first_value", "=0", 'a'}, {"last_value", "=0", 'a'},
    {"now", "timestamp with time zone", 'n'}, {"statement_timestamp", "timestamp with time zone", 'n'},
    {"clock_timestamp", "timestamp with time zone", 'n'}, {"transaction_timestamp", "timestamp with time zone", 'n'},
    {"to_timestamp", "timestamp with time zone", 's'}, {"date_trunc", NULL, 's'}, {"date_part", "double precision", 's'},
    {"extract", "numeric", 's'}, {"age", "interval", 's'}, {"make_interval", "interval", 's'},
    {"lower", "text", 's'}, {"upper", "text", 's'}, {"initcap", "text", 's'}, {"btrim", "text", 's'},
    {"ltrim", "text", 's'}, {"rtrim", "text", 's'}, {"trim", "text", 's'}, {"substr", "text", 's'},
    {"substring", "text", 's'}, {"replace", "text", 's'}, {"left", "text", 's'}, {"right", "text", 's'},
    {"md5", "text", 's'}, {"repeat", "text", 's'}, {"lpad", "text", 's'}, {"rpad", "text", 's'},
    {"reverse", "text", 's'}, {"to_char", "text", 's'}, {"split_part", "text", 's'}, {"translate", "text", 's'},
    {"regexp_replace", "text", 's'}, {"concat", "text", 'n'}, {"concat_ws", "text", 'n'}, {"format", "text", 'n'},
    {"quote_ident", "text", 's'}, {"quote_literal", "text", 's'}, {"encode", "text", 's'}, {"decode", "bytea", 's'},
    {"length", "integer", 's'}, {"char_length", "integer", 's'}, {"octet_length", "integer", 's'},
    {"position", "integer", 's'}, {"strpos", "integer", 's'}, {"array_length", "integer", 'a'},
    {"cardinality", "integer", 's'}, {"abs", "=0", 's'}, {"ceil", "=0", 's'}, {"ceiling", "=0", 's'},
    {"floor", "=0", 's'}, {"round", NULL, 's'}, {"trunc", NULL, 's'}, {"mod", "=0", 's'},
    {"sqrt", "double precision", 's'}, {"random", "double precision", 'n'}, {"gen_random_uuid", "uuid", 'n'},
    {"uuid_generate_v4", "uuid", 'n'}, {"uuid_generate_v1", "uuid", 'n'}, {"to_json", "json", 's'},
    {"to_jsonb", "jsonb", 's'}, {"json_build_object", "json", 'n'}, {"jsonb_build_object", "jsonb", 'n'},
    {"json_build_array", "json", 'n'}, {"jsonb_build_array", "jsonb", 'n'}, {"row_to_json", "json", 's'},
    {"jsonb_typeof", "text", 's'}, {"json_typeof", "text", 's'}, {"current_setting", "text", 's'},
    {"pg_typeof", "regtype", 's'}, {"nextval", "bigint", 'n'}, {"currval", "bigint", 'n'},
    {"to_date", "date", 's'}, {"to_number", "numeric", 's'}, {"timezone", NULL, 's'},
};

static int type_function(ctx *c, scope *s, const PgQuery__FuncCall *f, texpr *out)
{
    const char *fname = node_str(f->funcname[f->n_funcname - 1]);
    const struct fn *fn = NULL;
    texpr args[8];
    size_t nargs = f->n_args < 8 ? f->n_args : 8;
    bool all_nn = true;
    int rc = 0;

    for (size_t i = 0; fname && i < sizeof functions / sizeof functions[0]; i++)
        if (strcmp(functions[i].name, fname) == 0)
            fn = &functions[i];
    if (!fn)
        FAIL(c, f->location, "cannot infer the type of function \"%s\" in a view; add a cast (expr::type)",
             fname ? fname : "?");
    for (size_t i = 0; i < nargs; i++) {
        if (type_expr(c, s, f->args[i], &args[i]) != 0) {
            for (size_t j = 0; j < i; j++)
                tx_free(&args[j]);
            return -1;
        }
        all_nn &= args[i].not_null;
    }
    memset(out, 0, sizeof *out);
    if (fn->result && strcmp(fn->result, "=0") == 0) {
        if (!nargs) {
            diag_error(c->src, f->location, "function %s needs an argument", fname);
            rc = -1;
        } else {
            out->t = type_copy(&args[0].t);
            out->unknown = args[0].unknown;
            strip_typmod(&out->t);
            if ((strcmp(fname, "min") == 0 || strcmp(fname, "max") == 0) && !out->t.is_array &&
                strcmp(out->t.sql, "character varying") == 0) {
                free(out->t.sql);
                out->t.sql = xstrdup("text"); /* there is no max(varchar): it is max(text) */
            }
        }
    } else if (fn->result && strcmp(fn->result, "[]0") == 0 && nargs) {
        out->t = type_copy(&args[0].t);
        if (!out->t.is_array) {
            char *sql = xstrfmt("%s[]", args[0].unknown ? "text" : out->t.sql);
            free(out->t.sql);
            out->t.sql = sql;
            out->t.is_array = true;
        }
    } else if (fn->result) {
        out->t = builtin_type(fn->result);
    } else if (!nargs) {
        diag_error(c->src, f->location, "function %s needs an argument", fname);
        rc = -1;
    } else if (strcmp(fname, "sum") == 0 || strcmp(fname, "avg") == 0) {
        int rank = numeric_rank(&args[0].t);
        const char *res = args[0].t.ct == CT_INTERVAL ? "interval" : NULL;
        if (!res && rank)
            res = strcmp(fname, "sum") == 0 ? (rank <= 2 ? "bigint" : rank <= 4 ? "numeric" : numeric_name(rank))
                                            : (rank <= 4 ? "numeric" : "double precision");
        if (res) {
            out->t = builtin_type(res);
        } else {
            diag_error(c->src, f->location, "cannot infer %s(%s); add a cast (expr::type)", fname, args[0].t.sql);
            rc = -1;
        }
    } else if (strcmp(fname, "round") == 0 || strcmp(fname, "trunc") == 0) {
        /* round/trunc of numeric (or with a scale argument) is numeric; of a float, double */
        out->t = builtin_type(nargs >= 2 || args[0].t.ct == CT_NUMERIC || args[0].unknown ||
                                      numeric_rank(&args[0].t) < 4
                                  ? "numeric"
                                  : "double precision");
        if (nargs == 1 && numeric_rank(&args[0].t) >= 5) {
            free(out->t.sql);
            out->t = builtin_type("double precision");
        }
    } else if (strcmp(fname, "date_trunc") == 0 || strcmp(fname, "timezone") == 0) {
        const texpr *ts = &args[nargs - 1];
        if (strcmp(fname, "timezone") == 0)
            out->t = builtin_type(ts->t.ct == CT_TIMESTAMPTZ ? "timestamp without time zone" : "timestamp with time zone");
        else
            out->t = builtin_type(ts->t.ct == CT_TIMESTAMPTZ ? "timestamp with time zone"
                                  : ts->t.ct == CT_INTERVAL  ? "interval"
                                                             : "timestamp without time zone");
    }
    if (rc == 0) {
        out->not_null = fn->nulls == 'n' || (fn->nulls == 's' && all_nn);
        if (f->agg_star && strcmp(fname, "count") != 0) {
            diag_error(c->src, f->location, "%s(*) is not valid", fname);
            tx_free(out);
            rc = -1;
        }
        out->name = fname;
    }
    for (size_t i = 0; i < nargs; i++)
        tx_free(&args[i]);
    return rc;
}

/* Folds a list of expressions into their common type (CASE results, COALESCE, GREATEST...). */
static int type_common_list(ctx *c, scope *s, Node **list, size_t n, int loc, const char *what, texpr *out,
                            bool *any_nn, bool *all_nn)
{
    texpr acc;
    *any_nn = false;
    *all_nn = true;
    for (size_t i = 0; i < n; i++) {
        texpr e;
        if (type_expr(c, s, list[i], &e) != 0) {
            if (i)
                tx_free(&acc);
            return -1;
        }
        *any_nn |= e.not_null;
        *all_nn &= e.not_null;
        if (i == 0) {
            acc = e;
        } else if (common_type(c, &acc, &e, loc, what, &acc) != 0) {
            return -1;
        }
    }
    *out = acc;
    return 0;
}

static int type_expr(ctx *c, scope *s, const Node *e, texpr *out)
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
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        const PgQuery__TypeCast *tc = e->type_cast;
        texpr inner;
        int strength;
        if (type_expr(c, s, tc->arg, &inner) != 0)
            return -1;
        if (resolve_type(c, tc->type_name, &out->t, NULL) != 0) {
            tx_free(&inner);
            return -1;
        }
        out->not_null = inner.not_null;
        out->name = inner.name && tc->arg->node_case != PG_QUERY__NODE__NODE_A_CONST
                        ? inner.name
                        : node_str(tc->type_name->names[tc->type_name->n_names - 1]);
        (void)strength;
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
        return type_function(c, s, e->func_call, out);
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
        for (size_t i = 0; i < ce->n_args; i++)
            results[n++] = ce->args[i]->case_when->result;
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
            *out = tx_builtin("boolean", false);
            out->name = "?column?";
            return 0;
        }
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
        if (type_operator(c, op ? op : "?", &l, &r, a->location, out) != 0)
            return -1;
        out->name = "?column?";
        return 0;
    }
    case PG_QUERY__NODE__NODE_BOOL_EXPR:
        *out = tx_builtin("boolean", false);
        out->name = "?column?";
        return 0;
    case PG_QUERY__NODE__NODE_NULL_TEST:
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST:
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
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK) {
            gen_relation sub;
            memset(&sub, 0, sizeof sub);
            if (infer_into(c, sl->subselect, &sub, s, s->deps_of) != 0) {
                relation_release(&sub);
                return -1;
            }
            if (sub.ncolumns != 1) {
                relation_release(&sub);
                FAIL(c, sl->location, "subquery must return only one column");
            }
            out->t = type_copy(&sub.columns[0].type);
            out->not_null = false; /* no row gives NULL */
            out->name = "?column?";
            relation_release(&sub);
            return 0;
        }
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK)
            FAIL(c, sl->location, "ARRAY(subquery) in a view is not supported; add a cast (expr::type)");
        *out = tx_builtin("boolean", sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK);
        out->name = sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK ? "exists" : "?column?";
        return 0;
    }
    default:
        FAIL(c, c->stmt_pos, "cannot infer the type of a %s in a view; add a cast (expr::type)", node_kind(e));
    }
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

static int add_from(ctx *c, scope *s, const Node *n, bool nullable)
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
        gen_relation *r = xcalloc(1, sizeof *r);
        item *it;
        if (!rs->alias)
            FAIL(c, c->stmt_pos, "subquery in FROM must have an alias");
        if (infer_into(c, rs->subquery, r, rs->lateral ? s : s->parent, s->deps_of) != 0) {
            relation_release(r);
            free(r);
            return -1;
        }
        it = VEC_PUSH(s->items, s->n);
        it->rel = r;
        it->derived = true;
        it->alias = rs->alias->aliasname;
        it->nullable = nullable;
        rename_columns(r, rs->alias);
        return 0;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_JOIN_EXPR) {
        const PgQuery__JoinExpr *j = n->join_expr;
        bool left_null = nullable, right_null = nullable;
        if (j->alias || j->n_using_clause || j->is_natural)
            FAIL(c, c->stmt_pos, "joins with USING, NATURAL or an alias are not supported yet; join ON the columns");
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
        return add_from(c, s, j->rarg, right_null);
    }
    FAIL(c, c->stmt_pos, "%s in FROM is not supported yet", node_kind(n));
}

/* ---- queries ---------------------------------------------------------------------------- */

static int star_expand(ctx *c, scope *s, const item *it, gen_relation *out)
{
    (void)c;
    for (size_t i = 0; i < it->rel->ncolumns; i++) {
        const gen_column *bc = &it->rel->columns[i];
        texpr e;
        memset(&e, 0, sizeof e);
        e.t = bc->type;
        e.not_null = col_api_not_null(bc) && !it->nullable;
        add_column_to(out, bc->name, &e);
        if (!it->derived)
            add_dep(s->deps_of, it->rel, bc->name);
    }
    return 0;
}

static int targets(ctx *c, scope *s, const PgQuery__SelectStmt *sel, gen_relation *out)
{
    for (size_t i = 0; i < sel->n_target_list; i++) {
        const PgQuery__ResTarget *rt = sel->target_list[i]->res_target;
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
                    if (qual && strcmp(s->items[k].alias, qual) != 0)
                        continue;
                    found = true;
                    star_expand(c, s, &s->items[k], out);
                }
                if (!found)
                    FAIL(c, cr->location, "missing FROM-clause entry for table \"%s\"", qual);
                continue;
            }
        }
        if (type_expr(c, s, e, &t) != 0)
            return -1;
        add_column_to(out, rt->name && *rt->name ? rt->name : t.name ? t.name : "?column?", &t);
        tx_free(&t);
    }
    return 0;
}

static int with_clause(ctx *c, scope *s, const PgQuery__WithClause *w)
{
    for (size_t i = 0; w && i < w->n_ctes; i++) {
        const PgQuery__CommonTableExpr *ce = w->ctes[i]->common_table_expr;
        cte *q;
        gen_relation rel;
        memset(&rel, 0, sizeof rel);
        if (w->recursive)
            FAIL(c, ce->location, "WITH RECURSIVE in a view is not supported yet");
        if (infer_into(c, ce->ctequery, &rel, s, s->deps_of) != 0) {
            relation_release(&rel);
            return -1;
        }
        for (size_t k = 0; k < ce->n_aliascolnames && k < rel.ncolumns; k++) {
            free(rel.columns[k].name);
            rel.columns[k].name = xstrdup(node_str(ce->aliascolnames[k]));
        }
        q = VEC_PUSH(s->ctes, s->nctes);
        q->name = ce->ctename;
        q->rel = rel;
    }
    return 0;
}

static int infer_into(ctx *c, const Node *query, gen_relation *out, const scope *parent, gen_relation *deps_of)
{
    const PgQuery__SelectStmt *sel;
    scope s;
    int rc = 0;
    if (query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        FAIL(c, c->stmt_pos, "only SELECT queries can define a view");
    sel = query->select_stmt;
    memset(&s, 0, sizeof s);
    s.parent = parent;
    s.deps_of = deps_of;
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
            b.t = type_copy(&right.columns[i].type);
            b.not_null = right.columns[i].not_null;
            out->columns[i].type.sql = NULL;
            rc = common_type(c, &a, &b, c->stmt_pos, "UNION", &m);
            if (rc == 0) {
                out->columns[i].type = m.t;
                out->columns[i].not_null = m.not_null;
            } else {
                out->columns[i].type.sql = xstrdup("");
            }
        }
        relation_release(&right);
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
            rc = targets(c, &s, sel, out);
    }
    scope_free(&s);
    return rc;
}

int infer_query(ctx *c, const Node *query, gen_relation *out, gen_relation *deps_of)
{
    return infer_into(c, query, out, NULL, deps_of);
}
