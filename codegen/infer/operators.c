/* blogdb-gen, query typing: operators on typed values and the common type of several values, as
 * PostgreSQL's operator resolution and select_common_type decide them (no expression walking: the
 * values come typed, from expr.c and query.c). */
#include "infer.h"

#include <stdlib.h>
#include <string.h>

static bool is_string(const gen_type *t)
{
    return !t->is_array && t->ct == CT_TEXT && !t->enum_def;
}

/* PostgreSQL's select_common_type, for the cases schemas meet. Consumes a and b. */
int common_type(ctx *c, texpr *a, texpr *b, int loc, const char *what, texpr *out)
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

/* Result type of a binary operator on typed operands. Consumes l and r. */
int type_operator(ctx *c, const char *op, texpr *l, texpr *r, int loc, texpr *out)
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
