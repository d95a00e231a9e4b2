/* blogdb-gen: internals shared by parse.c (DDL replay) and infer.c (typing SELECTs). */
#ifndef BLOGDB_GEN_PARSE_H
#define BLOGDB_GEN_PARSE_H

#include "gen.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

typedef PgQuery__Node Node;

typedef struct ctx {
    gen_model *m;
    const source *src;
    int stmt_pos; /* first token of the statement being replayed */
    /* line and column of byte offset at_pos, advanced statement by statement (no rescans) */
    int at_pos, at_line, at_col;
    gen_query *query; /* the query being typed (its parameters); NULL while replaying DDL */
} ctx;

#define FAIL(c, pos, ...)                         \
    do {                                          \
        diag_error((c)->src, (pos), __VA_ARGS__); \
        return -1;                                \
    } while (0)

/* src's parse tree (free with pg_query__parse_result__free_unpacked), or NULL with the
 * parser's error reported at its position. */
PgQuery__ParseResult *parse_tree(const source *src);
/* Skips white space and comments so a statement's position is its first token. */
int skip_space(const source *src, int pos);
/* The String value of a node, or NULL. */
const char *node_str(const Node *n);
/* The protobuf field name of a node ("create_seq_stmt"), for messages. */
const char *node_kind(const Node *n);
/* Calls visit on m and every message under it, depth first, until visit returns true (then true). */
bool node_walk(const ProtobufCMessage *m, bool (*visit)(const ProtobufCMessage *m, void *ctx), void *ctx);

/* The name PostgreSQL figures for an expression (FigureColname); strength 0 when it has none. */
const char *figure_name(const Node *e, int *strength);
/* A node's own location (its "location" field), or -1. */
int node_location(const Node *n);

/* Schema and name of a dotted name list (["s", "t"] or ["t"]). -1 when malformed. */
int names_split(Node **names, size_t n, const char **schema, const char **name);

/* The schema's own function (schema, name) that a call with nargs arguments reaches (through the
 * search path when schema is NULL): its index in m->functions, or -1 (ddl/funccmds.c). */
long find_function(const ctx *c, const char *schema, const char *name, size_t nargs);

/* Resolves a type name (builtins, enums and domains on the search path). */
int resolve_type(ctx *c, const PgQuery__TypeName *tn, gen_type *out, bool *serial);
/* A builtin type by its format_type() spelling ("bigint", "text"...); sql is allocated. */
gen_type builtin_type(const char *fmt);
/* A copy of t (its sql duplicated). */
gen_type type_copy(const gen_type *t);

/* The relation a RangeVar names, through the search path; NULL when none. */
gen_relation *find_rv(ctx *c, const PgQuery__RangeVar *rv);

/* Records that relation `view` reads column `col` (NULL: the whole relation) of `base`. */
void add_dep(gen_relation *view, const gen_relation *base, const char *col);

/* Types the columns of a query (SELECT, UNION, VALUES, WITH) into out (columns appended).
 * Dependencies on base relations are recorded in deps_of. Returns 0 or -1 (reported). */
int infer_query(ctx *c, const Node *query, gen_relation *out, gen_relation *deps_of);

/* Parses a query file's statement (src: the file with the statement alone left in place, see
 * queries/read.c) and types its parameters and result into q. Returns 0 or -1 (reported). */
int type_query(gen_model *m, const source *src, gen_query *q);

#endif
