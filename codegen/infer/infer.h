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
    int param;        /* n when this is parameter $n, still untyped (then `unknown` too); else 0 */
} texpr;

/* A FROM item visible to expressions. */
/* A FROM item. A join with USING, NATURAL or an alias is an item of its own too (is_join), after
 * the items it joins, whose `parent` it becomes: its relation is the join's columns (the merged
 * USING columns first), `SELECT *` reads it instead of them, and an unqualified name reaches only
 * its merged columns through it; the items that gave a merged column hide it. */
typedef struct item {
    const char *alias;      /* NULL: not reachable by a qualifier (an unnamed join, or inside an aliased one) */
    gen_relation *rel;      /* base relation (in the model) or a derived one (owned) */
    bool derived;
    bool nullable;          /* on the nullable side of an outer join */
    bool is_join;
    size_t nmerged;         /* a join: its first nmerged columns are the merged USING columns */
    size_t parent;          /* 1 + the index of the join item that holds this one; 0: none */
    char **hidden;          /* column names an unqualified name does not reach through this item */
    size_t nhidden;
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
/* The element type of array type t, in place: "text[]" -> "text". */
void to_element(gen_type *t);

/* ---- query.c: query scopes, FROM items, target lists, WITH, set operations ---- */

int infer_into(ctx *c, const Node *query, gen_relation *out, const scope *parent, gen_relation *deps_of);
/* Adds a FROM item (table, CTE, subquery, join) to s. */
int add_from(ctx *c, scope *s, const Node *n, bool nullable);
/* Types a target list (SELECT's, RETURNING's) into columns of out. */
int type_targets(ctx *c, scope *s, Node *const *list, size_t n, gen_relation *out);
/* Frees what a scope owns. */
void scope_free(scope *s);

/* ---- operators.c: operators on typed values, the common type of values ---- */

/* PostgreSQL's select_common_type of a and b (consumed), for a CASE, COALESCE, UNION ... (what). */
int common_type(ctx *c, texpr *a, texpr *b, int loc, const char *what, texpr *out);
/* The result type of binary operator op on typed operands (consumed). */
int type_operator(ctx *c, const char *op, texpr *l, texpr *r, int loc, texpr *out);

/* ---- expr.c: the types of expressions (columns, CASE, casts, calls, subqueries) ---- */

int type_expr(ctx *c, scope *s, const Node *e, texpr *out);
/* Types the parameters inside a condition or expression (WHERE, ON, HAVING, ORDER BY...): the
 * expressions around parameters are typed, nothing else is looked at. */
int bind_in(ctx *c, scope *s, const Node *n);
/* LIMIT / OFFSET: a parameter there is bigint. */
int bind_limit(ctx *c, scope *s, const Node *n, const char *name);
/* Whether an unqualified column name reaches column ci of item it (see item). */
bool item_exposes(const item *it, size_t ci);

/* The schema's own function a call reaches (CREATE FUNCTION: a scalar or rows), or NULL. */
const gen_function *own_call(ctx *c, const PgQuery__FuncCall *f);
/* Types the arguments of a call of own function fn: a parameter passed to it takes the argument's
 * declared type. */
int type_own_args(ctx *c, scope *s, const PgQuery__FuncCall *f, const gen_function *fn);

/* ---- catalog.c: information_schema ---- */

/* The information_schema relation rv names (qualified, or unqualified with information_schema on
 * the search path), or NULL. */
gen_relation *catalog_rel(ctx *c, const PgQuery__RangeVar *rv);

/* ---- params.c: the types of a query's parameters, from their context ---- */

/* Whether a node holds a parameter anywhere. */
bool has_param(const Node *n);
/* n when the node is parameter $n, else 0. */
int param_number(const Node *n);
/* The column a node names (the name a parameter compared with it takes), or NULL. */
const char *context_name(const Node *n);
/* Gives parameter $n type t (typmod and domain dropped), name (when it has none) the context's
 * name; a parameter already typed otherwise is an error. */
int bind_param(ctx *c, int n, const gen_type *t, const char *name, int loc);
/* The type PostgreSQL gives an untyped operand of op whose other operand is of type t (allocated). */
gen_type param_type_for(const char *op, const gen_type *t);
/* When one of two operands is an untyped parameter and the other is typed, binds the parameter
 * (and makes its texpr typed). */
int bind_operands(ctx *c, const char *op, texpr *l, const Node *ln, texpr *r, const Node *rn, int loc);
/* Every parameter typed (else the error PostgreSQL would give), every slice an array. */
int params_check(ctx *c);

/* ---- functions.c: the function table and the types of function calls ---- */

/* Whether the function table knows the function of a call. */
bool function_known(const PgQuery__FuncCall *f);
/* The type PostgreSQL's overload resolution gives an untyped argument (a parameter) of a call:
 * position i of nargs, or the argument named arg_name (name => value). Written into buf; NULL when
 * the function's overloads leave it open (the parameter then needs a cast). */
const char *function_arg_type(const PgQuery__FuncCall *f, const char *arg_name, size_t i, size_t nargs, char *buf,
                              size_t bufsize);
/* The type of a call whose arguments are typed (and freed here). */
int type_function(ctx *c, const PgQuery__FuncCall *f, texpr *args, size_t nargs, texpr *out);

#endif
