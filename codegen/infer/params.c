/* blogdb-gen, query typing: the types of a query's parameters, from their context, as PostgreSQL
 * infers them. A parameter ($n) starts untyped (like an unknown literal); the first context that
 * gives it a type fixes it (binary operators: the other operand's type, LIMIT: bigint, an INSERT
 * or SET target: the column's type, a cast: the cast's type), and a second context must agree. One
 * still untyped when the whole statement has been read is an error, as it is for PostgreSQL. */
#include "infer.h"

#include <stdlib.h>
#include <string.h>

static bool is_param(const ProtobufCMessage *m, void *ctx)
{
    (void)ctx;
    return m->descriptor == &pg_query__param_ref__descriptor;
}

bool has_param(const Node *n)
{
    return n && node_walk(&n->base, is_param, NULL);
}

int param_number(const Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_PARAM_REF ? n->param_ref->number : 0;
}

const char *context_name(const Node *n)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
        const PgQuery__ColumnRef *cr = n->column_ref;
        return node_str(cr->fields[cr->n_fields - 1]);
    }
    return NULL;
}

int bind_param(ctx *c, int n, const gen_type *t, const char *name, int loc)
{
    gen_param *p;
    gen_type want;
    if (!c->query || n < 1 || (size_t)n > c->query->nparams)
        FAIL(c, loc, "there is no parameter $%d", n);
    p = &c->query->params[n - 1];
    if (t->domain_def)
        t = &t->domain_def->base; /* operators and functions see a domain as its base type */
    want = type_copy(t);
    strip_typmod(&want);
    want.domain_def = NULL; /* a parameter is of the domain's base type */
    want.domain_not_null = want.domain_default = false;
    if (p->type.sql) {
        bool same = strcmp(p->type.sql, want.sql) == 0;
        free(want.sql);
        if (!same)
            FAIL(c, loc, "inconsistent types deduced for parameter $%d: %s and %s; add a cast ($%d::type)", n,
                 p->type.sql, t->sql, n);
        return 0;
    }
    p->type = want;
    if (!p->name && name)
        p->name = xstrdup(name);
    return 0;
}

/* The type PostgreSQL gives an untyped operand of `op` whose other operand is of type t. It first
 * tries the other operand's own type on both sides; varchar has no operators of its own (it
 * uses text's), and the JSON and key operators take text. */
gen_type param_type_for(const char *op, const gen_type *t)
{
    static const char *const text_ops[] = {"~~", "!~~", "~~*", "!~~*", "~", "!~", "~*", "!~*", "->", "->>", "?", NULL};
    static const char *const text_array_ops[] = {"#>", "#>>", "?|", "?&", NULL};
    for (size_t i = 0; text_ops[i]; i++)
        if (strcmp(op, text_ops[i]) == 0)
            return builtin_type("text");
    for (size_t i = 0; text_array_ops[i]; i++)
        if (strcmp(op, text_array_ops[i]) == 0)
            return builtin_type("text[]");
    if (t->ct == CT_TEXT && !t->enum_def && strncmp(t->sql, "character varying", 17) == 0)
        return builtin_type(t->is_array ? "text[]" : "text");
    return type_copy(t);
}

/* The texpr of a parameter once bound. */
static void typed_param(ctx *c, int n, texpr *out)
{
    const gen_param *p = &c->query->params[n - 1];
    tx_free(out);
    memset(out, 0, sizeof *out);
    out->t = type_copy(&p->type);
    out->not_null = !p->nullable;
    out->name = "?column?";
}

int bind_operands(ctx *c, const char *op, texpr *l, const Node *ln, texpr *r, const Node *rn, int loc)
{
    /* the parameter: untyped on one side, or typed by an earlier use (@id = id AND title = @id),
     * which this use must agree with */
    texpr *param = l->param && !r->param ? l : r->param && !l->param ? r : NULL;
    int n = param ? param->param : param_number(ln) ? param_number(ln) : param_number(rn);
    const texpr *other = param ? (param == l ? r : l) : param_number(ln) ? r : l;
    const Node *other_node = other == l ? ln : rn;
    gen_type t;
    int rc;
    if (!c->query || !n || other->param || (!param && other->unknown))
        return 0; /* $1 = $2: nothing to go by; a typed one meets an untyped literal */
    /* against an untyped literal ('%' || $1), PostgreSQL prefers text */
    t = other->unknown ? builtin_type("text") : param_type_for(op, &other->t);
    rc = bind_param(c, n, &t, context_name(other_node), loc);
    free(t.sql);
    if (rc == 0 && param)
        typed_param(c, n, param);
    return rc;
}

int params_check(ctx *c)
{
    for (size_t i = 0; c->query && i < c->query->nparams; i++) {
        const gen_param *p = &c->query->params[i];
        if (!p->type.sql)
            FAIL(c, p->pos, "could not determine the data type of parameter $%zu; add a cast ($%zu::type)", i + 1,
                 i + 1);
        if (p->slice && !p->type.is_array)
            FAIL(c, p->pos, "sqlc.slice(%s) must be used as a list: IN (sqlc.slice(%s)) or = ANY(sqlc.slice(%s))",
                 p->name, p->name, p->name);
    }
    return 0;
}
