/* blogdb-gen: typing queries as PostgreSQL would (codegen/infer/): the types the files share,
 * and what each file defines for the others. */
#ifndef BLOGDB_GEN_INFER_H
#define BLOGDB_GEN_INFER_H

#include "../parse.h"

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
    /* Types a subquery in this scope (query.c's infer_into): expressions reach queries through
     * it, so expr.c does not depend on query.c, which depends on it. */
    int (*subquery)(ctx *c, const Node *query, gen_relation *out, const struct scope *parent, gen_relation *deps_of);
} scope;

/* ---- texpr.c: typed values and the numeric type ladder (calls no other file of infer/) ---- */

texpr tx_builtin(const char *fmt, bool not_null);
void tx_free(texpr *e);
int numeric_rank(const gen_type *t);
const char *numeric_name(int rank);
void strip_typmod(gen_type *t);

/* ---- query.c: query scopes, FROM items, target lists, WITH, set operations ---- */

int infer_into(ctx *c, const Node *query, gen_relation *out, const scope *parent, gen_relation *deps_of);

/* ---- expr.c: the types of expressions (columns, operators, CASE, casts, subqueries) ---- */

int common_type(ctx *c, texpr *a, texpr *b, int loc, const char *what, texpr *out);
int type_expr(ctx *c, scope *s, const Node *e, texpr *out);

/* ---- functions.c: the function table and the types of function calls ---- */

/* Whether the function table knows the function of a call. */
bool function_known(const PgQuery__FuncCall *f);
/* The type of a call whose arguments are typed (and freed here). */
int type_function(ctx *c, const PgQuery__FuncCall *f, texpr *args, size_t nargs, texpr *out);

#endif
