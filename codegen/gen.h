/* blogdb-gen: shared declarations of the three stages (parse -> model -> emit). */
#ifndef BLOGDB_GEN_H
#define BLOGDB_GEN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* blogdb-gen ships with the runtime and carries its version: the build reads it from
 * include/blogdb/core.h (CMakeLists.txt, fuzz/run.sh). */
#ifndef GEN_VERSION
#error "GEN_VERSION is defined by the build, from BLOGDB_VERSION_* in include/blogdb/core.h"
#endif
/* The runtime descriptor layout (BLOGDB_RT_ABI in blogdb/rt.h) this generator emits. */
#define GEN_RT_ABI 1

/* ---- utilities (util.c) ---------------------------------------------- */

/* Growable string. All output is built in these before any file is touched. */
typedef struct strbuf {
    char *data;
    size_t len, cap;
} strbuf;

void sb_init(strbuf *sb);
void sb_free(strbuf *sb);
void sb_puts(strbuf *sb, const char *s);
void sb_putc(strbuf *sb, char c);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *sb, const char *fmt, va_list ap);
/* Appends tpl with each $(name) replaced by name's value: the arguments after tpl are name, value
 * pairs (at most 16), then NULL. Templates name what they print instead of counting positions. */
void sb_tpl(strbuf *sb, const char *tpl, ...) __attribute__((sentinel));
/* Appends an SQL identifier, double-quoted when PostgreSQL would need it. */
void sb_put_ident(strbuf *sb, const char *name);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Returns arr grown so that index `count` exists; the new element is zeroed. Safe for any vector
 * of at least `count` elements, however it was allocated (no capacity to keep in step). */
void *vec_grow(void *arr, size_t count, size_t elsize);
/* Appends one zeroed element to a (pointer, count) pair and yields its address. */
#define VEC_PUSH(arr, count) \
    ((arr) = vec_grow((arr), (count), sizeof(*(arr))), &(arr)[(count)++])

/* ---- diagnostics ------------------------------------------------------ */

/* A source file being read; offsets in the model point into its text. */
typedef struct source {
    const char *path;
    const char *text;
    size_t len;
} source;

/* Reports "path:line:col: error: msg" at byte offset `pos` (or without a position if pos < 0). */
void diag_error(const source *src, int pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports "WHERE: error: msg", WHERE being a "file:line:col" prefix. */
void diag_error_where(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "WHERE: warning: MESSAGE": something the user should know that does not stop the generator. */
void diag_warning_where(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "file:line:col" of byte offset pos (allocated). */
char *diag_where(const source *src, int pos);
/* Advances a (byte offset, line, column) cursor over src to byte offset `to`, restarting from the
 * top when `to` is behind it. Lines are 1-based; columns count UTF-8 characters from 1. */
void src_seek(const source *src, int to, int *at, int *line, int *col);
/* Frees a vector of n strings and the vector. */
void strv_free(char **v, size_t n);
/* Whether one of v[0..n) (NULL entries skipped) is s. */
bool strv_has(char *const *v, size_t n, const char *s);
/* Silences diagnostics (the fuzzer). */
extern bool diag_quiet;

/* Offset of the first byte that breaks UTF-8, or -1 when the text is valid. */
long utf8_invalid_at(const unsigned char *s, size_t len);
/* Blanks psql meta-command lines (\\restrict, \\connect...) with spaces, keeping positions. */
void blank_meta_commands(char *text, size_t len);

/* ---- the model (model.c) ---------------------------------------------- */

typedef enum ctype {
    CT_UNSUPPORTED = 0,
    /* one per row of the runtime's type table, in its order: CT_<ID> is BLOGDB_RT_<ID> */
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) CT_##id,
#include "../lib/types.def"
#undef BLOGDB_TYPE
} ctype;

struct gen_domain;

typedef struct gen_enum {
    char *schema, *name;
    char **labels;
    size_t nlabels;
    char *comment;
} gen_enum;

/* A resolved column type: its format_type() spelling and its C mapping. */
typedef struct gen_type {
    char *sql;          /* exactly as format_type(atttypid, atttypmod) prints it */
    ctype ct;           /* of the element, for an array */
    int max_chars;      /* varchar(n) / char(n), else -1 */
    const gen_enum *enum_def;            /* CT_ENUM: the enum (owned by the model), else NULL */
    const struct gen_domain *domain_def; /* the column's type is this domain (owned by the model), else NULL */
    const struct gen_composite *composite_def; /* a composite type (owned by the model), else NULL */
    bool is_array;
    bool domain_not_null; /* a domain's NOT NULL: not in pg_attribute, but no NULL can be stored */
    bool domain_default;  /* a domain's DEFAULT: an insert may omit the column */
} gen_type;

typedef struct gen_column {
    char *name;
    gen_type type;
    bool not_null, has_default; /* as pg_attribute's attnotnull and atthasdef */
    char identity;      /* 'a' GENERATED ALWAYS AS IDENTITY, 'd' BY DEFAULT, else 0 */
    bool generated;     /* GENERATED ALWAYS AS (...) STORED */
    bool unknown;       /* a query's output that is an untyped literal (NULL, 'x'): text, unless a set
                           operation's other branch gives it a type, as in PostgreSQL */
    char *comment;
} gen_column;

/* The C API's view of a column. */
static inline bool col_readonly(const gen_column *c) { return c->generated || c->identity == 'a'; }
static inline bool col_optional(const gen_column *c)
{
    return c->has_default || c->identity == 'd' || c->type.domain_default;
}
static inline bool col_api_not_null(const gen_column *c) { return c->not_null || c->type.domain_not_null; }

/* A CHECK constraint: its name and the columns it reads (DROP COLUMN of one drops it). */
typedef struct gen_check {
    char *name;
    char **uses;
    size_t nuses;
} gen_check;

typedef struct gen_index {
    char *name;
    char **columns;     /* key columns; NULL entry = expression key */
    size_t ncolumns;
    bool unique, primary, partial;
    bool ordered;       /* btree (or hash): equality and range finders make sense */
    bool sorted;        /* btree: it keeps its rows in key order, so lists can follow it */
    uint32_t desc;      /* bit i: key column i is DESC (PostgreSQL allows 32 key columns) */
    bool constraint;    /* made by a PRIMARY KEY or UNIQUE constraint */
    char **uses;        /* the other columns it depends on: INCLUDE, expression keys, WHERE */
    size_t nuses;
    char *name_cols;    /* its column names as PostgreSQL names them ("lower", "b_c" with INCLUDE c),
                           joined by "_": what a copy (LIKE ... INCLUDING INDEXES) is named after */
} gen_index;

typedef struct gen_fkey {
    char *name;
    char **columns;
    size_t ncolumns;
    char *ref_schema, *ref_table;
    char **ref_columns;
} gen_fkey;

typedef enum rel_kind { REL_TABLE, REL_VIEW, REL_MATVIEW, REL_PARTITIONED } rel_kind;

typedef struct gen_domain {
    char *schema, *name;
    gen_type base;
    bool not_null, has_default;
    char **checks;
    size_t nchecks;
} gen_domain;

/* Privileges on a relation, as GRANT names them. */
enum {
    PRIV_SELECT = 1 << 0,
    PRIV_INSERT = 1 << 1,
    PRIV_UPDATE = 1 << 2,
    PRIV_DELETE = 1 << 3,
    PRIV_TRUNCATE = 1 << 4,
    PRIV_REFERENCES = 1 << 5,
    PRIV_TRIGGER = 1 << 6,
    PRIV_ALL = (1 << 7) - 1
};

/* One entry of a relation's ACL: privileges of a role ("PUBLIC" too) on the relation, or on one of
 * its columns. */
typedef struct gen_grant {
    char *grantee;
    char *column; /* NULL: the relation */
    unsigned privs;
} gen_grant;

typedef struct gen_relation {
    char *schema, *name;
    rel_kind kind;
    char *owner;        /* ALTER ... OWNER TO, SET ROLE at creation; NULL: the role running the DDL */
    gen_grant *grants;  /* GRANT / REVOKE, ALTER DEFAULT PRIVILEGES at creation (ddl/privileges.c) */
    size_t ngrants;
    gen_column *columns;
    size_t ncolumns;
    char **primary_key;
    size_t npk;
    gen_index *indexes;
    size_t nindexes;
    gen_fkey *fkeys;
    size_t nfkeys;
    char *comment;
    int pos;            /* byte offset of its CREATE statement */
    char *where;        /* "file:line:col" of its CREATE statement, for the emitter's messages */
    bool is_partition;  /* a partition: in the catalog, but no bindings and not in the model's output */
    bool inherits;      /* INHERITS (parent): deps[0] is the parent, whose columns it has first */
    char **deps;        /* views: what they read, "schema\x1frel" and "schema\x1frel\x1fcol" */
    size_t ndeps;
    gen_check *checks;  /* CHECK constraints */
    size_t nchecks;
} gen_relation;

/* What a query's function returns (sqlc's commands; its :batch* forms are the plain ones). */
typedef enum query_cmd { QUERY_ONE, QUERY_MANY, QUERY_EXEC, QUERY_EXECROWS, QUERY_COPYFROM } query_cmd;

/* One parameter of a query: $n is params[n - 1]. */
typedef struct gen_param {
    char *name;         /* @name / sqlc.arg(name); else from its context (the column it meets); else NULL */
    bool named;         /* the query named it */
    gen_type type;      /* as PostgreSQL infers it, without typmod; type.sql is NULL until then */
    bool nullable;      /* sqlc.narg(name): NULL may be sent */
    bool slice;         /* sqlc.slice(name): a list, sent as an array */
    int pos;            /* byte offset of its first use in the query file */
} gen_param;

/* A composite type (CREATE TYPE name AS (...)): its columns are strings in its text form. */
typedef struct gen_composite {
    char *schema, *name;
} gen_composite;

/* A function of the schema's own (CREATE FUNCTION), for typing its calls: a scalar result, or rows
 * (RETURNS SETOF, TABLE, OUT parameters, a table's row type) that a call in FROM reads. */
typedef struct gen_function {
    char *schema, *name;
    gen_type *args;     /* IN, INOUT and VARIADIC arguments */
    size_t nargs, ndefaults; /* the last ndefaults have DEFAULTs */
    gen_type result;    /* the scalar result (of a single OUT / TABLE column too); sql NULL for a row */
    bool setof;         /* RETURNS SETOF / TABLE: any number of rows */
    gen_column *outs;   /* RETURNS TABLE (...) / OUT and INOUT parameters: the row's columns */
    size_t nouts;
    char *row_schema, *row_name; /* RETURNS [SETOF] a table's or view's row type: its columns at the call */
} gen_function;
void gen_function_free(gen_function *f);

/* sqlc.embed(x) in a query's select list: sent as x.*, its columns a nested row struct of x. */
typedef struct gen_embed {
    char *name;                /* x as written: a table or view, or its alias in FROM */
    int pos;                   /* where x.* stands (the file offset of sqlc.embed) */
    const gen_relation *rel;   /* the relation x names, once typed */
    size_t start;              /* its first column in the result, once typed */
} gen_embed;

/* One query of a query file: `-- name: Name :cmd` and its statement. */
typedef struct gen_query {
    char *name;         /* as written ("FeedPage") */
    char *command;      /* as written (":many", ":batchexec") */
    query_cmd cmd;
    char *doc;          /* the comment lines above it, or NULL */
    char *sql;          /* exactly the text sent: $n parameters */
    gen_param *params;
    size_t nparams;
    gen_relation result; /* its result columns (none for a command without RETURNING) */
    const gen_relation *row_of; /* the result is exactly this table's row: its row type is used */
    bool writes;        /* not a plain SELECT: may change data */
    gen_embed *embeds;  /* sqlc.embed uses, in select-list order */
    size_t nembeds;
    const gen_relation *copy_into; /* :copyfrom: the table the rows go to */
    char **copy_columns; /* :copyfrom: per parameter, the column it fills */
    char *where;        /* "file:line:col" of its annotation */
    char **reads;       /* what it reads, as a view's deps: "schema\x1frel" and "schema\x1frel\x1fcol" */
    size_t nreads;
    const gen_relation *target; /* INSERT / UPDATE / DELETE: the table written */
    unsigned target_priv;       /* PRIV_INSERT / PRIV_UPDATE / PRIV_DELETE on it */
} gen_query;

/* Enums, domains and relations are each their own allocation, held by pointer: a gen_type points at
 * its enum and domain, and those pointers stay valid as the vectors grow. DROP TYPE / DROP DOMAIN
 * removes and frees the object only after checking that no column or domain refers to it
 * (ddl/dropcmds.c, type_user), so no pointer is left dangling. */
typedef struct gen_model {
    gen_enum **enums;
    size_t nenums;
    gen_domain **domains;
    size_t ndomains;
    char **schemas;            /* existing schemas; "public" is there from the start */
    size_t nschemas;
    char **search_path;        /* as set by SET search_path / set_config */
    size_t nsearch_path;
    char **extensions;         /* CREATE EXTENSION names, "name@schema" */
    size_t nextensions;
    gen_relation **rels; /* each its own allocation: a pointer to one stays valid as the model grows */
    size_t nrels;
    char **constraint_names;   /* every index/constraint name, for PostgreSQL's uniqueness rule */
    size_t nconstraint_names;
    gen_composite **composites; /* CREATE TYPE ... AS (...) */
    size_t ncomposites;
    gen_function **functions;  /* CREATE FUNCTIONs with a scalar result whose types resolve */
    size_t nfunctions;
    gen_query **queries;       /* the query files' queries, in the order read */
    size_t nqueries;
    gen_relation **catalog;    /* information_schema relations read so far (infer/catalog.c): not emitted */
    size_t ncatalog;
    char **memberships;        /* GRANT role TO member: "member\x1frole" */
    size_t nmemberships;
    gen_grant *default_privs;  /* ALTER DEFAULT PRIVILEGES ... ON TABLES: grantee, privs, and in
                                  `column` the key "for_role\x1fschema" (empty: any) */
    size_t ndefault_privs;
    char *current_role;        /* SET ROLE; NULL: the role running the DDL */
    const char *bindings_role; /* --role: the role the bindings are for (not owned); NULL: any */
} gen_model;

/* The privileges role has on relation r (column NULL: on the relation itself; else on that column,
 * through the relation's grants too), through PUBLIC, ownership and the roles it is a member of. */
unsigned rel_privileges(const gen_model *m, const gen_relation *r, const char *role, const char *column);
/* Whether role may run query q: SELECT on every column it reads (on some column of a relation it
 * reads without naming one, as count(*) does), and its write's privilege on its target. false
 * with the first missing privilege in *why (caller frees). */
bool query_allowed(const gen_model *m, const gen_query *q, const char *role, char **why);
/* Whether role owns r (or is a member of its owner): REFRESH MATERIALIZED VIEW needs that. */
bool rel_owned_by(const gen_model *m, const gen_relation *r, const char *role);

void model_init(gen_model *m);
void model_free(gen_model *m);
bool rel_is_table(const gen_relation *r);
gen_relation *model_find_rel(gen_model *m, const char *schema, const char *name);
/* Removes relation i (freeing it and releasing its index and constraint names). */
/* Appends a new, zeroed relation (its own allocation: pointers to relations stay valid). */
gen_relation *model_add_rel(gen_model *m);
/* The index of r in the model (nrels when it is not there). */
size_t model_rel_index(const gen_model *m, const gen_relation *r);
void model_remove_rel(gen_model *m, size_t i);
/* Remove and free enum / domain i; the caller has checked that nothing refers to it. */
void model_remove_enum(gen_model *m, size_t i);
void model_remove_domain(gen_model *m, size_t i);
void model_remove_function(gen_model *m, size_t i);
/* Removes composite type i and its relation name; the caller has checked that no column uses it. */
void model_remove_composite(gen_model *m, size_t i);
void gen_query_free(gen_query *q);
/* Two namespaces, as in PostgreSQL. Relations, indexes and sequences share pg_class's: name_taken
 * (relations, and the index and sequence names recorded with take_name / release_name). CHECK,
 * FOREIGN KEY and the constraints behind PRIMARY KEY / UNIQUE are pg_constraint's: an explicit
 * name must be unique on its table only (only: that table), a chosen one in the whole schema
 * (only: NULL); they are read off the relations, not recorded. */
bool name_taken(const gen_model *m, const char *schema, const char *name);
bool constraint_name_used(const gen_model *m, const char *schema, const char *name, const gen_relation *only);
void take_name(gen_model *m, const char *schema, const char *name);
void release_name(gen_model *m, const char *schema, const char *name);
/* Free what a relation owns, not the struct itself (a model relation, or a derived one of the
 * query typer, whose schema, name and comments are NULL). */
void gen_relation_free(gen_relation *r);
void gen_grants_free(gen_grant *g, size_t n);
void gen_index_free(gen_index *ix);
void gen_check_free(gen_check *k);
void gen_fkey_free(gen_fkey *k);
int rel_find_column(const gen_relation *r, const char *name);
/* Writes the model as the JSON of --dump-model. */
void model_dump_json(const gen_model *m, strbuf *out);

/* ---- stages ------------------------------------------------------------ */

/* Parses one SQL file and replays it into the model. Returns 0 or -1 (errors reported). */
int parse_sql(gen_model *m, const source *src);

/* Reads one query file (sqlc's annotated SQL) and types its queries against the model (after every
 * schema input). Returns 0 or -1 (errors reported). */
int parse_queries(gen_model *m, const source *src);

/* The public names (types, functions, macros, enum constants) the emitters made, and whose: two
 * things making one name fail the generation, instead of C that does not compile or, with two equal
 * #defines, compiles wrong. One registry spans a prefix's schema and query files. */
typedef struct namereg {
    char **names, **owners;
    size_t n;
    bool clash;
    size_t *slots; /* open-addressing index into names (1 + position; 0 empty), cap a power of two */
    size_t cap;
} namereg;
void namereg_free(namereg *r);

/* Emits <prefix>_schema.h and .c into hdr and impl. Returns 0 or -1 (errors reported). */
int emit_c(const gen_model *m, const char *prefix, const char *inputs, namereg *names, strbuf *hdr, strbuf *impl);
/* Emits <prefix>_queries.h and .c for the model's queries. Returns 0 or -1 (errors reported). */
int emit_queries(const gen_model *m, const char *prefix, const char *inputs, namereg *names, strbuf *hdr,
                 strbuf *impl);

/* verify.c: prepares each query on the database at conninfo and reports (FILE:LINE:COL: error:)
 * each difference from the model's typing. Returns their number, or -1 when it cannot connect. */
int verify_queries(const gen_model *m, const char *conninfo);

#endif
