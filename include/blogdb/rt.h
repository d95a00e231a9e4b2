/**
 * @file blogdb/rt.h
 * @brief Descriptor tables and the generic executor that generated code calls.
 *
 * Not for application code: these are the stable building blocks blogdb-gen
 * emits against. A generated function is a thin typed wrapper that points at a
 * static relation or query descriptor and hands its arguments to blogdb_rt_*().
 */
#ifndef BLOGDB_RT_H
#define BLOGDB_RT_H

#include "blogdb/core.h"

/** PostgreSQL's limit on the columns of a table (MaxHeapAttributeNumber). */
#define BLOGDB_RT_MAX_COLUMNS 1600

/** Words of a column set of n columns: bit i % 64 of word i / 64 is column i. */
#define BLOGDB_RT_COLUMN_WORDS(n) (((n) + 63) / 64)

/**
 * Adds column number i to a column set: `set` is a generated `<prefix>_<table>_column_set *` of a
 * relation of more than 64 columns (narrower ones take plain uint64_t bit masks).
 */
#define BLOGDB_COLUMNS_ADD(set, i) ((set)->bits[(i) / 64] |= (uint64_t)1 << ((i) % 64))

/** Layout version of the descriptor tables: generated code checks it at compile time. */
#define BLOGDB_RT_ABI 1

#ifdef __cplusplus
extern "C" {
#endif

/** Wire types known to the runtime (binary format on both directions). */
typedef enum blogdb_rt_type {
    BLOGDB_RT_UUID = 1,  /**< uuid_t */
    BLOGDB_RT_TEXT,      /**< const char *, UTF-8 (text, varchar, char, citext) */
    BLOGDB_RT_BOOL,      /**< bool */
    BLOGDB_RT_INT2,      /**< int16_t */
    BLOGDB_RT_INT4,      /**< int32_t */
    BLOGDB_RT_INT8,      /**< int64_t */
    BLOGDB_RT_FLOAT4,    /**< float */
    BLOGDB_RT_FLOAT8,    /**< double */
    BLOGDB_RT_TIMESTAMP, /**< blogdb_timestamp, timestamp without time zone (read as UTC) */
    BLOGDB_RT_TIMESTAMPTZ, /**< blogdb_timestamp */
    BLOGDB_RT_DATE,      /**< int32_t days since 1970-01-01 */
    BLOGDB_RT_BYTEA,     /**< blogdb_bytes */
    BLOGDB_RT_JSON,      /**< const char * */
    BLOGDB_RT_JSONB,     /**< const char * */
    BLOGDB_RT_ENUM,      /**< generated C enum (int-sized) */
    BLOGDB_RT_NUMERIC,   /**< const char *, exact decimal text */
    BLOGDB_RT_INTERVAL,  /**< blogdb_interval */
    BLOGDB_RT_INET,      /**< const char *, "192.168.0.1/24" */
    BLOGDB_RT_TIME       /**< int64_t microseconds since midnight */
} blogdb_rt_type;

/** An enum type: its SQL name and labels in sort order (C value = index). */
typedef struct blogdb_rt_enum {
    const char *name;           /**< SQL name, for messages. */
    const char *const *labels;  /**< Labels, index = C value. */
    int count;                  /**< Number of labels. */
    const char *sql;            /**< Qualified SQL name, for the schema check. */
} blogdb_rt_enum;

/** Column flags. */
enum {
    BLOGDB_RT_NOT_NULL = 1u << 0, /**< Column is NOT NULL. */
    BLOGDB_RT_DEFAULT = 1u << 1,  /**< Column has a DEFAULT: insert may omit it. */
    BLOGDB_RT_KEY = 1u << 2,      /**< Column is part of the primary key. */
    BLOGDB_RT_ARRAY = 1u << 3,    /**< One-dimensional array of `type`: a {items, count} struct. */
    BLOGDB_RT_READONLY = 1u << 4, /**< Generated or identity ALWAYS: never written. */
    BLOGDB_RT_TEXT_IO = 1u << 5   /**< A type without a binary C shape (tsvector, money, xml, a range,
                                       an extension's...): a BLOGDB_RT_TEXT column, read as `col::text`
                                       and written as `$n::text::type_sql`. */
};

/** No `has_` flag: the column is NOT NULL or pointer-typed (NULL pointer = SQL NULL). */
#define BLOGDB_RT_NO_HAS ((size_t)-1)

/** One column of a relation, as laid out in its generated row struct. */
typedef struct blogdb_rt_column {
    const char *name;            /**< Column name, for messages. */
    const char *sql;             /**< Column name as SQL (quoted when needed). */
    blogdb_rt_type type;         /**< Wire type. */
    size_t offset;               /**< offsetof(row, field). */
    size_t has_offset;           /**< offsetof(row, has_field), or BLOGDB_RT_NO_HAS. */
    int32_t max_chars;           /**< varchar(n)/char(n) limit in characters, or -1. */
    const blogdb_rt_enum *enum_type; /**< For BLOGDB_RT_ENUM, else NULL. */
    unsigned flags;              /**< BLOGDB_RT_NOT_NULL | BLOGDB_RT_DEFAULT | BLOGDB_RT_KEY | ... */
    const char *type_sql;        /**< The type as format_type() prints it, for the schema check. */
} blogdb_rt_column;

/** A table or view and the layout of its generated row struct. */
typedef struct blogdb_rt_relation {
    const char *name;            /**< Relation name, for messages. */
    const char *sql;             /**< Qualified SQL name ("public"."users"). */
    size_t row_size;             /**< sizeof(row struct). */
    size_t row_align;            /**< _Alignof(row struct). */
    const blogdb_rt_column *columns; /**< Columns in table order. */
    uint16_t ncolumns;           /**< Number of columns (at most BLOGDB_RT_MAX_COLUMNS). */
    char kind;                   /**< pg_class.relkind: 'r' table, 'p' partitioned, 'v' view, 'm' materialized view. */
} blogdb_rt_relation;

/** The schema a generated library was made from: what blogdb_rt_check_schema() compares. */
typedef struct blogdb_rt_schema {
    const blogdb_rt_relation *const *relations; /**< Every relation with bindings. */
    size_t nrelations;                          /**< Number of relations. */
    const blogdb_rt_enum *const *enums;         /**< Every enum type. */
    size_t nenums;                              /**< Number of enums. */
} blogdb_rt_schema;

/** Parameter slot meaning "the LIMIT", an int64_t. */
#define BLOGDB_RT_PARAM_LIMIT 0xFFFFu

/** What a query returns. */
typedef enum blogdb_rt_result {
    BLOGDB_RT_ONE = 1, /**< Exactly one row or BLOGDB_ENOTFOUND; out is `row **`. */
    BLOGDB_RT_MANY,    /**< Any number of rows; out is `rows **`. */
    BLOGDB_RT_COUNT,   /**< One bigint; out is `int64_t *`. */
    BLOGDB_RT_AFFECT,  /**< No rows; BLOGDB_ENOTFOUND when no row was affected; out unused. */
    BLOGDB_RT_EXEC,    /**< A command (REFRESH ...); out unused. */
    BLOGDB_RT_ROWS     /**< A command; out (`int64_t *`) receives the number of rows it affected. */
} blogdb_rt_result;

/** A fixed query: SQL, its parameters (column indexes of rel), and its result shape. */
typedef struct blogdb_rt_query {
    const char *sql;             /**< The statement, $1..$n. */
    const blogdb_rt_relation *rel; /**< Parameter types and result row layout. */
    uint16_t nparams;            /**< Number of parameters. */
    const uint16_t *params;      /**< Per $i: a column index of rel, or BLOGDB_RT_PARAM_LIMIT. */
    blogdb_rt_result result;     /**< Result shape. */
} blogdb_rt_query;

/**
 * A statement of the application's own (a query file's `-- name: X :cmd`): its SQL, the layout of
 * the C struct its parameters come in, and the layout of its result rows.
 */
typedef struct blogdb_rt_statement {
    const char *name;                 /**< The query's name, for messages. */
    const char *sql;                  /**< The statement, $1..$n. */
    const blogdb_rt_relation *params; /**< The params struct: one column per $i, in order; NULL: none. */
    const blogdb_rt_relation *row;    /**< The result row struct; NULL when no rows come back. */
    blogdb_rt_result result;          /**< BLOGDB_RT_ONE, _MANY, _EXEC or _ROWS. */
    bool writes;                      /**< It may change data (not a plain SELECT): a loss in flight is
                                           BLOGDB_EUNKNOWN outside a transaction. */
} blogdb_rt_statement;

/**
 * Runs a statement of the application's own. `params` points at its params struct (laid out as
 * s->params says; NULL when it has none). out is `row **` (ONE), `rows **` (MANY), `int64_t *`
 * (ROWS) or unused (EXEC). Prepared once per connection; queued when a pipeline is open.
 * @return 0; BLOGDB_ENOTFOUND (ONE, no row); BLOGDB_EINVAL (NULL argument, a NULL value for a
 *         NOT NULL parameter, bad UTF-8...); or the server's code. *out is NULL on failure.
 */
BLOGDB_API int blogdb_rt_run(blogdb *db, const blogdb_rt_statement *s, const void *params, void *out);

/**
 * Streams the rows of a reading statement (MANY, not `writes`) to fn through a server-side cursor,
 * as blogdb_rt_each() does.
 */
BLOGDB_API int blogdb_rt_run_each(blogdb *db, const blogdb_rt_statement *s, const void *params,
                                  int (*fn)(const void *row, void *ctx), void *ctx);

/** Every list result has this layout: items then count. */
#define BLOGDB_RT_ROWS_STRUCT(row_type) \
    struct { row_type *items; size_t count; }

/**
 * Runs a fixed query. args[i] points at the C value of parameter i, laid out as
 * in the row struct (for a const char * column: a pointer to the pointer).
 * A NULL args[i] is BLOGDB_EINVAL.
 */
BLOGDB_API int blogdb_rt_exec(blogdb *db, const blogdb_rt_query *q,
                              const void *const *args, void *out);

/**
 * INSERT ... RETURNING *. Columns with a DEFAULT are sent only when their bit is
 * in `with`; every other column is always sent. out (`row **`) may be NULL.
 */
BLOGDB_API int blogdb_rt_insert(blogdb *db, const blogdb_rt_relation *rel,
                                const void *row, uint64_t with, void *out);

/**
 * UPDATE ... SET (columns in mask) WHERE key = row's key RETURNING *.
 * mask must be non-empty and hold no key column. out (`row **`) may be NULL.
 */
BLOGDB_API int blogdb_rt_update(blogdb *db, const blogdb_rt_relation *rel,
                                const void *row, uint64_t mask, void *out);

/**
 * blogdb_rt_insert(), blogdb_rt_update(), blogdb_rt_copy_in() and blogdb_rt_copy_rows() for a
 * relation of any width: `with` and `mask` are column sets of
 * BLOGDB_RT_COLUMN_WORDS(rel->ncolumns) words (a NULL `with` is the empty set). The uint64_t
 * forms are these with one word: on a relation wider than 64 columns they cannot name a column
 * past the 64th.
 */
BLOGDB_API int blogdb_rt_insert_cols(blogdb *db, const blogdb_rt_relation *rel, const void *row,
                                     const uint64_t *with, void *out);
/** See blogdb_rt_insert_cols(). A NULL mask is BLOGDB_EINVAL (an empty set). */
BLOGDB_API int blogdb_rt_update_cols(blogdb *db, const blogdb_rt_relation *rel, const void *row,
                                     const uint64_t *mask, void *out);
/** See blogdb_rt_insert_cols(). */
BLOGDB_API int blogdb_rt_copy_in_cols(blogdb *db, const blogdb_rt_relation *rel, const uint64_t *with,
                                      int (*next)(void *row, void *ctx), void *ctx, void *row);
/** See blogdb_rt_insert_cols(). */
BLOGDB_API int blogdb_rt_copy_rows_cols(blogdb *db, const blogdb_rt_relation *rel, const uint64_t *with,
                                        const void *rows, size_t count);

/**
 * Compares the connected database with a generated schema: each relation's kind, column names,
 * order and types (as format_type() prints them with search_path = public), and each enum's
 * labels in order.
 * @return 0 when they match; BLOGDB_ESCHEMA naming the first difference in blogdb_errmsg();
 *         or another code when the catalog cannot be read.
 */
BLOGDB_API int blogdb_rt_check_schema(blogdb *db, const blogdb_rt_schema *schema);

/**
 * Streams the rows of a BLOGDB_RT_MANY query to fn, in chunks through a server-side cursor:
 * constant memory, whatever the row count. The next chunk is fetched while fn sees the rows of
 * this one, so fn must not use db (a call on it fails: a command is in progress). The row passed
 * to fn (and its strings) is valid only during the call. fn returns 0 to go on, a positive value to stop (the rest is not read; the
 * cursor is closed), or a negative BLOGDB_E* code to stop and return it.
 */
BLOGDB_API int blogdb_rt_each(blogdb *db, const blogdb_rt_query *q, const void *const *args,
                              int (*fn)(const void *row, void *ctx), void *ctx);

/**
 * COPY rel FROM STDIN in binary format. next fills *row and returns 1, returns 0 at the end, or a
 * negative code to abort. Columns are those an insert with `with` would send. Any bad row aborts
 * the COPY (nothing of it is kept) and blogdb_failed_index() gives its index.
 * @param db    The connection.
 * @param rel   The table.
 * @param with  Defaulted columns to send, as for blogdb_rt_insert().
 * @param next  The row producer.
 * @param ctx   Passed to next.
 * @param row   Scratch row struct (rel->row_size bytes) handed to next.
 * @return 0, or the code of the failure.
 */
BLOGDB_API int blogdb_rt_copy_in(blogdb *db, const blogdb_rt_relation *rel, uint64_t with,
                                 int (*next)(void *row, void *ctx), void *ctx, void *row);

/**
 * COPY rel FROM STDIN in binary format from an array: rows[0..count), each rel->row_size bytes,
 * as blogdb_rt_copy_in() sends them (all or nothing; blogdb_failed_index() names a bad row).
 * rel->sql names the table and each column's `sql` its column there, so a query's params struct
 * can describe the rows of a `:copyfrom` query.
 * @return 0, or the code of the failure (BLOGDB_EINVAL: NULL db or rel, or NULL rows with count > 0).
 */
BLOGDB_API int blogdb_rt_copy_rows(blogdb *db, const blogdb_rt_relation *rel, uint64_t with, const void *rows,
                                   size_t count);

/** Frees anything the runtime returned (rows, lists). NULL is ignored. */
BLOGDB_API void blogdb_rt_free(void *p);

/** Label of an enum value, or NULL when out of range. */
BLOGDB_API const char *blogdb_rt_enum_label(const blogdb_rt_enum *e, int value);

/** Value of an enum label: 0, or BLOGDB_EINVAL (NULL or unknown text; *out untouched). */
BLOGDB_API int blogdb_rt_enum_value(const blogdb_rt_enum *e, const char *text, int *out);

#ifdef __cplusplus
}
#endif

#endif /* BLOGDB_RT_H */
