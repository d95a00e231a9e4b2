/* blogdb-gen, DDL replay: CREATE / DROP FUNCTION. A function of the schema's own is kept when its
 * result is a type the model knows, so views and queries that call it are typed by its RETURNS
 * (and parameters passed to it by its argument types): a scalar, or rows that a call in FROM
 * reads (RETURNS SETOF scalar, RETURNS TABLE (...), OUT parameters, a table's or view's row
 * type). Procedures, triggers and functions over pseudo-types (anyelement, internal, a bare
 * record...) are accepted and not kept: a call to one is untyped, and the error suggests a cast. */
#include "ddl.h"

#include <stdlib.h>
#include <string.h>

/* Resolves a type without reporting: false when the model does not know it (a pseudo-type). */
static bool quiet_type(ctx *c, const PgQuery__TypeName *tn, gen_type *out)
{
    bool was = diag_quiet;
    int rc;
    diag_quiet = true;
    rc = resolve_type(c, tn, out, NULL);
    diag_quiet = was;
    return rc == 0;
}

static bool is_argument(const PgQuery__FunctionParameter *p)
{
    return p->mode != PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT &&
           p->mode != PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE;
}

static bool is_output(const PgQuery__FunctionParameter *p)
{
    return p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_OUT ||
           p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_INOUT ||
           p->mode == PG_QUERY__FUNCTION_PARAMETER_MODE__FUNC_PARAM_TABLE;
}

/* The result: OUT / INOUT / TABLE parameters as columns (one of them is also the scalar result, as
 * PostgreSQL makes it), else RETURNS, a type or a relation's row type. false when the model cannot
 * type it (record without columns, a pseudo-type). */
static bool function_result(ctx *c, const PgQuery__CreateFunctionStmt *s, gen_function *f)
{
    const PgQuery__TypeName *rt = s->return_type;
    const char *schema, *name;
    const gen_relation *row;
    for (size_t i = 0; i < s->n_parameters; i++) {
        const PgQuery__FunctionParameter *p = s->parameters[i]->function_parameter;
        gen_column *col;
        if (!is_output(p))
            continue;
        f->outs = xrealloc(f->outs, (f->nouts + 1) * sizeof *f->outs);
        col = memset(&f->outs[f->nouts], 0, sizeof *col);
        if (!quiet_type(c, p->arg_type, &col->type))
            return false;
        f->nouts++;
        col->name = xstrfmt("%s", p->name && *p->name ? p->name : "column");
    }
    f->setof = rt && rt->setof;
    if (f->nouts == 1) {
        f->result = type_copy(&f->outs[0].type);
        return true;
    }
    if (f->nouts > 1 || !rt)
        return f->nouts > 1;
    {
        PgQuery__TypeName base = *rt; /* SETOF t: rows of t */
        base.setof = false;
        if (quiet_type(c, &base, &f->result))
            return true;
    }
    if (names_split(rt->names, rt->n_names, &schema, &name) != 0 || !(row = lookup_rel(c, schema, name)))
        return false;
    f->row_schema = xstrdup(row->schema);
    f->row_name = xstrdup(row->name);
    return true;
}

/* The kept function named (schema, name) taking nargs arguments (its defaults may be left out),
 * through the search path when schema is NULL; its index, or -1. */
long find_function(const ctx *c, const char *schema, const char *name, size_t nargs)
{
    for (size_t p = 0; p < (schema ? 1 : c->m->nsearch_path); p++) {
        const char *s = schema ? schema : c->m->search_path[p];
        for (size_t i = 0; i < c->m->nfunctions; i++) {
            const gen_function *f = c->m->functions[i];
            if (strcmp(f->schema, s) == 0 && strcmp(f->name, name) == 0 && nargs <= f->nargs &&
                nargs + f->ndefaults >= f->nargs)
                return (long)i;
        }
    }
    return -1;
}

int do_create_function(ctx *c, const PgQuery__CreateFunctionStmt *s)
{
    const char *schema, *name;
    gen_function *f;
    size_t nargs = 0;
    long old;
    bool ok;
    if (s->is_procedure)
        return 0;
    if (names_split(s->funcname, s->n_funcname, &schema, &name) != 0)
        FAIL(c, c->stmt_pos, "malformed function name");
    if (!(schema = target_schema(c, schema, c->stmt_pos)))
        return -1;
    for (size_t i = 0; i < s->n_parameters; i++)
        nargs += is_argument(s->parameters[i]->function_parameter);
    f = xcalloc(1, sizeof *f);
    f->args = xcalloc(nargs + 1, sizeof *f->args);
    ok = function_result(c, s, f);
    for (size_t i = 0; i < s->n_parameters && ok; i++) {
        const PgQuery__FunctionParameter *p = s->parameters[i]->function_parameter;
        if (!is_argument(p))
            continue;
        ok = quiet_type(c, p->arg_type, &f->args[f->nargs]);
        if (ok)
            f->nargs++;
        if (ok && p->defexpr)
            f->ndefaults++;
    }
    f->schema = xstrdup(schema);
    f->name = xstrdup(name);
    /* CREATE OR REPLACE (or a second overload with the same arity): the new one is what calls see */
    while ((old = find_function(c, schema, name, nargs)) >= 0 && c->m->functions[old]->nargs == nargs)
        model_remove_function(c->m, (size_t)old);
    if (!ok || (f->result.sql && f->result.ct == CT_UNSUPPORTED)) {
        gen_function_free(f);
        return 0;
    }
    *VEC_PUSH(c->m->functions, c->m->nfunctions) = f;
    return 0;
}

/* DROP FUNCTION name[(args)]: its kept entries go (an unkept one was never there). */
void drop_function(ctx *c, const PgQuery__ObjectWithArgs *o)
{
    const char *schema, *name;
    if (names_split(o->objname, o->n_objname, &schema, &name) != 0)
        return;
    for (size_t i = 0; i < c->m->nfunctions;) {
        const gen_function *f = c->m->functions[i];
        bool match = strcmp(f->name, name) == 0 && (!schema || strcmp(f->schema, schema) == 0) &&
                     (o->args_unspecified || f->nargs == o->n_objargs);
        if (match)
            model_remove_function(c->m, i);
        else
            i++;
    }
}
