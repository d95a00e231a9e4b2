/*
 * libblogdb_rt internals: the connection object, and the functions the runtime's files share,
 * grouped by the file that defines them (as libpq-int.h does).
 *
 * Naming: blogdb_ is public (include/blogdb/); blogdb__ (two underscores) is shared between the
 * runtime's files and never exported (hidden visibility, lib/blogdb_rt.map, tests/symbols.sh);
 * a function one file uses is static and unprefixed. Functions return 0 or a negative BLOGDB_E*
 * code, which they have recorded on db (blogdb__fail) unless they say otherwise.
 */
#ifndef BLOGDB_INTERNAL_H
#define BLOGDB_INTERNAL_H

#include "blogdb/rt.h"

#include <libpq-fe.h>
#include <stdatomic.h>

/* What a prepared statement does. With (descriptor, kind, column mask) it is the cache key. */
typedef enum stmt_kind {
    STMT_QUERY = 1,     /* a blogdb_rt_query's fixed SQL */
    STMT_INSERT,        /* INSERT ... RETURNING the row (an out-parameter wants it) */
    STMT_INSERT_NO_ROW, /* INSERT, nothing sent back */
    STMT_UPDATE,        /* UPDATE ... RETURNING the row */
    STMT_UPDATE_NO_ROW, /* UPDATE, nothing sent back */
    STMT_READ,          /* a blogdb_rt_statement that only reads */
    STMT_WRITE          /* a blogdb_rt_statement that may write */
} stmt_kind;

/* A column set of a relation: bit i % 64 of w[i / 64] is column i. Only the relation's
 * BLOGDB_RT_COLUMN_WORDS(ncolumns) words are ever set, hashed or compared; the rest stay zero. */
typedef struct blogdb__cols {
    uint64_t w[BLOGDB_RT_COLUMN_WORDS(BLOGDB_RT_MAX_COLUMNS)];
} blogdb__cols;

static inline bool blogdb__cols_has(const blogdb__cols *c, size_t i)
{
    return c->w[i / 64] >> (i % 64) & 1;
}

/* One prepared statement: which query (or which relation + kind + column set) it is. */
typedef struct stmt_entry {
    const void *key; /* blogdb_rt_query * or blogdb_rt_relation *; NULL = empty slot */
    uint64_t mask;   /* insert/update column set: its first word */
    uint64_t *more;  /* the set's other words (owned), for a relation of more than 64 columns; else NULL */
    stmt_kind kind;
    char name[23];   /* prepared statement name: "blogdb_" + hash of its SQL; "" in unnamed mode */
    const char *sql; /* unnamed mode: the SQL sent (Parse, Bind, Execute) with each execution; else NULL */
} stmt_entry;

struct blogdb {
    PGconn *conn;
    int errcode;
    char sqlstate[6];
    char constraint[64];
    char *errmsg;       /* owned; "" when no error */
    size_t errmsg_cap;
    stmt_entry *stmts;  /* open addressing, capacity a power of two */
    size_t nstmts, stmts_cap;
    bool parse_sent; /* the last blogdb__stmt_prepare sent a Parse (else it found its name prepared) */
    /* BLOGDB_STATEMENTS_UNNAMED: nothing is prepared by name; each execution carries its SQL */
    bool unnamed;
    stmt_entry unnamed_entry; /* the statement of the call being made (stmt.c) */
    char *unnamed_sql;        /* owned: its SQL */
    /* per-call parameter scratch, reused across calls */
    const char **pvalues;
    int *plengths, *pformats;
    unsigned char (*pbytes)[16];
    size_t pcap;
    void **owned;       /* parameter buffers (arrays) freed after the statement ran */
    size_t nowned, owned_cap;
    char acting[37];    /* acting user as text, "" when none */
    long failed_index;  /* row or pipeline entry behind the last error, -1 when none */
    int attempts;       /* of the last blogdb_transact() */
    /* bounded waits (wait.c) */
    char *conninfo;     /* owned: what blogdb_reconnect() connects to */
    int timeout_ms;     /* per-call deadline, 0 none */
    int64_t deadline;   /* of the running call (CLOCK_MONOTONIC ms), INT64_MAX none */
    int64_t cancel_deadline; /* once a cancel request is sent: when to give up on the server */
    int wake[2];        /* self-pipe: blogdb_cancel() wakes a waiting call */
    atomic_bool cancel_requested; /* set by blogdb_cancel(), from any thread */
    bool cancel_sent;   /* the running call sent its cancel request */
    bool writing;       /* the request in flight commits on its own (autocommit write, COMMIT) */
    bool answered;      /* its own result arrived (a loss after it leaves the commit unknown) */
    int io_code;        /* the wait layer gave up on this call: its code, else 0 */
    int stmt_timeout_ms; /* blogdb_set_statement_timeout(), restored by blogdb_reconnect() */
    struct cancel_job *cancel_job; /* a cancel request on its way (wait.c) */
    blogdb_notice_fn notice_fn;
    void *notice_ctx;
    char *rowbuf;       /* blogdb_rt_each(): one decoded row, reused */
    size_t rowbuf_cap;
    unsigned long next_cursor;
    /* pipeline mode */
    bool pipeline;
    bool pipeline_in_tx; /* a transaction block was open when the pipeline began */
    unsigned pipeline_flags;
    struct pl_entry *pl;
    size_t npl, pl_cap;
    size_t pl_next;      /* the entry whose results are read next (pipeline.c's reader) */
    int pl_pre;          /* queries of the pipeline itself still to read (atomic set_config) */
    PGresult *pl_held;   /* first result of the query being read */
    bool pl_lost;        /* the connection was lost: nothing more is read */
    bool pl_closed;      /* the server announced (FATAL) that it was closing the session */
    /* pools (pool.c, cluster.c) */
    bool refused_read_only; /* a write was refused as read-only (25006) since the last connect */
    struct blogdb_pool *pool; /* the pool it belongs to, NULL when none */
    bool routed_write;     /* checked out of a cluster for writing (cluster.c) */
};

/* One queued pipeline entry: what to read back, and where to put it. */
typedef struct pl_entry {
    blogdb_rt_result shape;
    const blogdb_rt_relation *rel;
    void *out;
    int before;         /* results to read first: a PQsendPrepare, a set_config */
    bool prepared_here; /* this entry sent the statement's PQsendPrepare: forget it if that fails */
    char stmt[23];      /* its prepared statement's name */
    int status;
    bool answered;      /* its statement's own result arrived, successful */
    bool refused;       /* the server answered it with an error: certainly not committed */
    bool synced;        /* its Sync arrived: committed (plain pipeline) if status is 0 */
    int step;           /* queries of it read so far: `before` ones, then the statement */
} pl_entry;

/* ---- error.c: codes, messages ------------------------------------------------------- */

/* Clears the last error (code, message, SQLSTATE, constraint, failed index). */
void blogdb__reset_error(blogdb *db);
/* Records an error on db (code, message) and returns code. */
int blogdb__fail(blogdb *db, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Records the error a PGresult carries (or the connection's, or the wait layer's when res is NULL)
 * and returns its code; BLOGDB_EUNKNOWN for a write lost in flight. */
int blogdb__fail_result(blogdb *db, const PGresult *res);
/* Records a lost connection: code, or BLOGDB_EUNKNOWN when a write or COMMIT in flight
 * (db->writing) may have been committed (in_doubt). */
int blogdb__fail_lost(blogdb *db, int code, bool in_doubt, const char *msg);
/* The recorded failure, kept across cleanup that may record its own (the first one is reported). */
typedef struct blogdb__failure {
    int code;
    char msg[1024];
} blogdb__failure;
void blogdb__failure_save(const blogdb *db, blogdb__failure *f);
/* Records f again; returns its code. */
int blogdb__failure_restore(blogdb *db, const blogdb__failure *f);
/* The BLOGDB_E* code of a SQLSTATE (NULL: BLOGDB_ESERVER). */
int blogdb__code_of_sqlstate(const char *sqlstate);
/* Trims trailing newlines and blanks (libpq's messages end with one). */
void blogdb__trim(char *s);

/* ---- conn.c: connections --------------------------------------------------------------- */

/* Runs a command (no parameters, no rows): 0, or the error it raised (recorded). */
int blogdb__simple(blogdb *db, const char *sql);
/* SET statement_timeout (what blogdb_set_statement_timeout and blogdb_reconnect send). */

/* ---- wait.c: bounded waits; every byte sent or awaited goes through these --------------- */

/* Starts a public call: clears the last error, then starts the call's clock. Every public entry
 * point calls it first. */
void blogdb__clear_error(blogdb *db);
int64_t blogdb__now_ms(void);
int blogdb__wake_open(blogdb *db);
void blogdb__wake_close(blogdb *db);
/* The clock and cancel state of a new call (from blogdb__clear_error). */
void blogdb__call_start(blogdb *db);
/* Starts a new deadline for the next round trip (streaming, COPY). */
void blogdb__deadline_renew(blogdb *db);
/* Whether blogdb_cancel() was called during this call. */
bool blogdb__cancelled(blogdb *db);
/* The call has honoured the cancel itself (a stream stopping): no cancel request is sent. */
void blogdb__cancel_consumed(blogdb *db);
/* Waits (within its grace) for a cancel request still on its way; releases it. */
void blogdb__cancel_settle(blogdb *db);
/* Whether a transaction block is open on the connection. */
bool blogdb__in_transaction(const blogdb *db);
/* Whether there is a connection and libpq still trusts it. */
bool blogdb__conn_alive(const blogdb *db);
/* 0, or BLOGDB_ECONNECTION (recorded) when there is no usable connection. */
int blogdb__check_conn(blogdb *db);
/* Closes the connection and records the failure of this call (fmt has one %s, why): code, or
 * BLOGDB_EUNKNOWN when a write was in flight. */
int blogdb__lost(blogdb *db, int code, const char *fmt, const char *why);
/* Checks what a PQsend* returned and flushes. */
int blogdb__sent(blogdb *db, int ok);
/* Pushes queued output to the server, reading meanwhile. */
int blogdb__flush(blogdb *db);
/* The next result (NULL at the end of a query's results), waiting for it. */
int blogdb__result(blogdb *db, PGresult **out);
/* The same; without block, 1 when nothing complete has arrived yet (it never waits). */
int blogdb__next_result(blogdb *db, bool block, PGresult **out);
/* Every result of one query, as PQexec returns them: the first error, else the last result (or
 * a COPY state at once). NULL when the wait layer failed (recorded). */
PGresult *blogdb__collect(blogdb *db);
/* The calling thread's pool (and cluster) error message, for blogdb_pool_errmsg(). */
__attribute__((format(printf, 1, 2))) void blogdb__pool_set_error(const char *fmt, ...);
/* PQexec, PQexecParams and PQprepare, bounded. NULL on failure (recorded). */
PGresult *blogdb__exec(blogdb *db, const char *sql);
PGresult *blogdb__exec_params(blogdb *db, const char *sql, int n, const char *const *values, const int *lengths,
                              const int *formats, int result_format);
PGresult *blogdb__prepare(blogdb *db, const char *name, const char *sql, int n);
/* PQputCopyData and PQputCopyEnd, bounded. */
int blogdb__put_copy(blogdb *db, const char *buf, int len);
int blogdb__put_copy_end(blogdb *db, const char *errmsg);

/* ---- stmt.c: the prepared statement cache ------------------------------------------------ */

/* What a statement is, as the cache's key: a descriptor, a kind, and a column set of nwords words
 * (cols NULL, nwords 0 for a statement without one). The same key always comes with the same
 * nwords (its relation's width). */
typedef struct stmt_key {
    const void *key;
    stmt_kind kind;
    const uint64_t *cols;
    size_t nwords;
} stmt_key;

/* The prepared statement for k on this connection, or NULL when not prepared yet. The caller
 * then builds the SQL and calls blogdb__stmt_prepare. */
const stmt_entry *blogdb__stmt_find(const blogdb *db, const stmt_key *k);
int blogdb__stmt_prepare(blogdb *db, const stmt_key *k, const char *sql, int nparams, const stmt_entry **out);
/* Sends PQsendPrepare in pipeline mode and records the statement; see blogdb__stmt_prepare. */
int blogdb__stmt_send_prepare(blogdb *db, const stmt_key *k, const char *sql, int nparams, const stmt_entry **out);
/* Forgets the prepared statement of that name (its preparation failed in a pipeline). */
void blogdb__stmt_forget(blogdb *db, const char *name);
/* Forgets every statement (the session they lived in is gone); frees the table when `free_table`. */
void blogdb__stmt_clear(blogdb *db, bool free_table);

/* ---- codec.c: the type table, UTF-8, parameter encoding ------------------------------------ */

/* PostgreSQL's epoch is 2000-01-01; ours is 1970-01-01. */
#define PG_EPOCH_OFFSET_US INT64_C(946684800000000)
#define PG_EPOCH_OFFSET_DAYS 10957

/* A big-endian unsigned integer of n bytes. */
uint64_t blogdb__get_be(const unsigned char *src, int n);
/* Whether a C value of type t is a const char * (text, json, jsonb, numeric, inet). */
bool blogdb__is_string_type(blogdb_rt_type t);
/* Element OID of t's binary array encoding (0: sent as a text-format literal). */
Oid blogdb__array_elem_oid(blogdb_rt_type t);
/* Size of one C element of an array of t. */
size_t blogdb__elem_size(blogdb_rt_type t);
/* Whether a result column of type OID oid can be read as t. */
bool blogdb__oid_matches(blogdb_rt_type t, Oid oid);
/* Validates UTF-8; returns the number of characters, or -1 when invalid. */
long blogdb__utf8_chars(const char *s, size_t len);
/* Whether s[0..len) is valid UTF-8 without a NUL byte: what text from the server must be. */
bool blogdb__utf8_text_ok(const char *s, size_t len);
/* Ensures room for n parameters in the scratch arrays (and frees the last call's buffers). */
int blogdb__params_reserve(blogdb *db, size_t n);
/* Frees parameter buffers the encoders allocated. */
void blogdb__params_release(blogdb *db);
/* Writes v as a big-endian unsigned integer of n bytes. */
void blogdb__put_be(unsigned char *dst, uint64_t v, int n);
/* Encodes the row's columns in `cols` (NULL: every column; in column order) into slots from *slot on, refusing NULL
 * in NOT NULL columns; *slot ends past the last one. */
int blogdb__encode_row(blogdb *db, const blogdb_rt_relation *rel, const void *row, const blogdb__cols *cols, int *slot);
/* Encodes one value into parameter slot i. `has` is the row's has_ flag or NULL. */
int blogdb__encode(blogdb *db, size_t i, const blogdb_rt_column *col, const void *value, const bool *has);

/* ---- decode.c: the server's bytes -> C values ------------------------------------------------ */

/* Checks that a result column can be decoded as col's type. */
int blogdb__check_column(blogdb *db, const PGresult *res, int field, const blogdb_rt_column *col);
/* Extra bytes a value needs in a result block (strings, bytes). */
size_t blogdb__extra_size(const PGresult *res, int row, int field, const blogdb_rt_column *col);
/* Decodes one value into the row at base; strings are copied to *heap, which advances. */
int blogdb__decode(blogdb *db, const PGresult *res, int row, int field, const blogdb_rt_column *col, char *base,
                   char **heap);
/* The same two on a raw value (what the fuzzer drives): v[0..len), or SQL NULL when isnull.
 * value_extra is 0 for a malformed value, which decode_value then refuses before writing. */
size_t blogdb__value_extra(const blogdb_rt_column *col, const unsigned char *v, int len, bool isnull);
int blogdb__decode_value(blogdb *db, const blogdb_rt_column *col, const unsigned char *v, int len, bool isnull,
                         char *base, char **heap);

/* ---- sqlbuf.c: the one SQL text builder ------------------------------------------------------ */

/* A growing SQL text; `failed` once an allocation failed (the text is then incomplete). */
typedef struct blogdb__sqlbuf {
    char *data;
    size_t len, cap;
    bool failed;
} blogdb__sqlbuf;
/* Appends s. */
void blogdb__sql_put(blogdb__sqlbuf *b, const char *s);
/* Appends the placeholder $n. */
void blogdb__sql_param(blogdb__sqlbuf *b, int n);

/* ---- results.c ------------------------------------------------------------------------------- */

/* Shapes a successful result into out (ONE/MANY/COUNT/AFFECT/EXEC/ROWS). */
int blogdb__shape_result(blogdb *db, const PGresult *res, const blogdb_rt_relation *rel, blogdb_rt_result shape,
                         void *out);

/* ---- exec.c: the generic executor --------------------------------------------------------------- */

/* Checks and encodes a query's arguments into the parameter scratch. */
int blogdb__encode_args(blogdb *db, const blogdb_rt_query *q, const void *const *args);
/* Checks and encodes a statement's params struct into the parameter scratch. */
int blogdb__encode_params(blogdb *db, const blogdb_rt_statement *s, const void *params);
/* The columns an insert (or COPY) with `with` (NULL: none) sends, after checking `with`. */
int blogdb__insert_columns(blogdb *db, const blogdb_rt_relation *rel, const uint64_t *with, blogdb__cols *cols);
/* Copies a caller's column set of rel's width into *cols (NULL: the empty set). */
void blogdb__cols_from(const blogdb_rt_relation *rel, const uint64_t *words, blogdb__cols *cols);

/* ---- acting.c: the acting user and the send path ----------------------------------------------- */

/* Whether a statement needs its settings sent with it: an acting user or a statement timeout. */
bool blogdb__has_local_settings(const blogdb *db);
/* set_config(..., true) of the acting user `acting` and db's statement timeout, now: for the open
 * transaction only. */
int blogdb__set_local(blogdb *db, const char *acting);
/* Queues the same for db's acting user (pipeline mode); libpq's 1 on success, 0 on failure. */
int blogdb__send_local(blogdb *db);
/* Sends an execution of st with the parameters in db's scratch, binary results: by name, or in
 * unnamed mode with its SQL. libpq's 1 on success, 0 on failure. */
int blogdb__send_exec(blogdb *db, const stmt_entry *st, int nparams);
/* Executes a prepared statement with the parameters in db's scratch, binary results; with an
 * acting user and no open transaction, app.user_id travels in the same implicit transaction.
 * NULL when the wait layer failed (recorded). */
PGresult *blogdb__exec_prepared(blogdb *db, const stmt_entry *st, int nparams);
/* blogdb__prepare() under the same settings: parsing a statement takes locks and may wait. */
PGresult *blogdb__prepare_local(blogdb *db, const char *name, const char *sql, int nparams);

/* ---- tx.c: transactions -------------------------------------------------------------------------- */

/* BEGIN [extra] and, when acting is not empty, the acting user for this transaction. */
int blogdb__begin(blogdb *db, const char *extra, const char *acting);
/* ROLLBACK, ignoring the outcome, when the connection is alive. */
void blogdb__rollback_quietly(blogdb *db);
/* Ends a transaction the caller opened itself (own): COMMIT when rc is 0 (a write in flight if
 * writes), else ROLLBACK keeping rc. Without own, returns rc. */
int blogdb__end_own(blogdb *db, bool own, bool writes, int rc);

/* ---- pipeline.c ------------------------------------------------------------------------------------ */

/* In pipeline mode: queues a prepared statement (its parameters are in db's scratch).
 * prepared_here: this call sent the statement's PQsendPrepare just before. */
int blogdb__pl_queue(blogdb *db, const stmt_entry *st, int nparams, const blogdb_rt_relation *rel,
                     blogdb_rt_result shape, void *out, bool prepared_here);

#endif
