/**
 * @file blogdb/core.h
 * @brief blogdb runtime: connections, error codes, timestamps.
 *
 * Ownership, in one rule: every pointer a blogdb function hands back through
 * an out-parameter belongs to the caller and is released by exactly one
 * NULL-safe `*_free()` call named beside it. Pointers *inside* a returned row
 * (strings, bytes) live in the same allocation as the row and die with it.
 * Pointers the caller passes in are only read during the call.
 *
 * A `blogdb` connection is not thread-safe: use one per thread (or guard it).
 */
#ifndef BLOGDB_CORE_H
#define BLOGDB_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <uuid/uuid.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks a symbol exported from libblogdb. */
#if defined(__GNUC__) || defined(__clang__)
#define BLOGDB_API __attribute__((visibility("default")))
#else
#define BLOGDB_API
#endif

/** Major version of this header. */
#define BLOGDB_VERSION_MAJOR 0
/** Minor version of this header. */
#define BLOGDB_VERSION_MINOR 7
/** Patch version of this header. */
#define BLOGDB_VERSION_PATCH 0
/** The version as one number: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define BLOGDB_VERSION_NUMBER \
    (BLOGDB_VERSION_MAJOR * 10000 + BLOGDB_VERSION_MINOR * 100 + BLOGDB_VERSION_PATCH)

/** Error codes. Every blogdb function that can fail returns 0 or one of these. */
typedef enum blogdb_error {
    BLOGDB_OK = 0,              /**< Success. */
    BLOGDB_ENOTFOUND = -1,      /**< No row matched the key. */
    BLOGDB_EUNIQUE = -2,        /**< Unique violation (SQLSTATE 23505). */
    BLOGDB_EFOREIGNKEY = -3,    /**< Foreign key violation (SQLSTATE 23503). */
    BLOGDB_ENOTNULL = -4,       /**< Not-null violation (SQLSTATE 23502). */
    BLOGDB_ECHECK = -5,         /**< Check constraint violation (SQLSTATE 23514). */
    BLOGDB_ETOOLONG = -6,       /**< A string exceeds its column's length limit. */
    BLOGDB_EINVAL = -7,         /**< Invalid argument: NULL, invalid UTF-8, bad enum value, ... */
    BLOGDB_ECONNECTION = -8,    /**< Connection failed or was lost. */
    BLOGDB_ESERIALIZATION = -9, /**< Serialization failure or deadlock (40001, 40P01): retry. */
    BLOGDB_ETIMEOUT = -10,      /**< Statement timeout or cancel (57014). */
    BLOGDB_ENOMEM = -11,        /**< Out of memory. */
    BLOGDB_EDECODE = -12,       /**< The server sent a value blogdb cannot represent
                                     (unknown enum label, unexpected type). */
    BLOGDB_ESERVER = -13,       /**< Any other server error: see blogdb_sqlstate(). */
    BLOGDB_ESCHEMA = -14,       /**< The database's schema differs from the one the code was
                                     generated from (blogdb_check_schema()). */
    BLOGDB_EPERM = -15,         /**< Permission denied, including a row-level security policy
                                     refusing a write (SQLSTATE 42501). */
    BLOGDB_EMISMATCH = -16,     /**< blogdb_password_verify(): the password does not match. */
    BLOGDB_EABORTED = -17,      /**< Not run, or rolled back, because an earlier entry of the same
                                     pipeline or transaction failed. */
    BLOGDB_EUNKNOWN = -18,      /**< Outcome unknown: the connection was lost (or abandoned at its
                                     deadline) after a write or COMMIT was sent and before the server
                                     answered. It may or may not have been committed; do not retry it
                                     blindly (see "Retrying after a failure" in blogdb/core.h). */
    BLOGDB_EREADONLY = -19      /**< The server refused a write as read-only (SQLSTATE 25006): a
                                     standby, a primary being demoted in a failover, or a READ ONLY
                                     transaction. Nothing was written. When the server itself is
                                     read-only (not only the transaction), a pool closes the
                                     connection at checkin so the next one finds the primary. */
} blogdb_error;

/** An open connection. Opaque; create with blogdb_connect(), release with blogdb_close(). */
typedef struct blogdb blogdb;

/**
 * Microseconds since 1970-01-01T00:00:00Z (UTC). `timestamp` columns are read and written as UTC.
 * Finite values cover 4713 BC to 294246 AD; PostgreSQL's last thirty years (to 294276 AD) do not
 * fit and are refused with BLOGDB_EDECODE rather than misread. PostgreSQL's `infinity` and
 * `-infinity` are BLOGDB_TIMESTAMP_INFINITY and BLOGDB_TIMESTAMP_NEG_INFINITY, which no finite
 * value is ever read as.
 */
typedef int64_t blogdb_timestamp;

/** PostgreSQL's timestamp `infinity`, read and written. */
#define BLOGDB_TIMESTAMP_INFINITY INT64_MAX
/** PostgreSQL's timestamp `-infinity`, read and written. */
#define BLOGDB_TIMESTAMP_NEG_INFINITY INT64_MIN

/** A byte string (PostgreSQL bytea). `data` is not NUL-terminated. */
typedef struct blogdb_bytes {
    const uint8_t *data; /**< The bytes; may be NULL when len is 0. */
    size_t len;          /**< Number of bytes. */
} blogdb_bytes;

/** An interval (PostgreSQL keeps its three parts apart: a month is not a fixed number of days). */
typedef struct blogdb_interval {
    int64_t usec;   /**< Microseconds. */
    int32_t days;   /**< Days. */
    int32_t months; /**< Months. */
} blogdb_interval;

/*
 * One-dimensional arrays. A column of an array type is one of these: items[0..count). In a
 * returned row, items points into the row's allocation. A NULL element of a pointer-typed array
 * is a NULL pointer; a NULL element in any other array is reported as BLOGDB_EDECODE.
 */

/** An array of bool: boolean[]. */
typedef struct blogdb_bool_array {
    bool *items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_bool_array;

/** An array of int16_t: smallint[]. */
typedef struct blogdb_int16_array {
    int16_t *items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_int16_array;

/** An array of int32_t: integer[] and date[] (days since 1970-01-01). */
typedef struct blogdb_int32_array {
    int32_t *items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_int32_array;

/** An array of int64_t: bigint[], time[], timestamp[] and timestamptz[]. */
typedef struct blogdb_int64_array {
    int64_t *items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_int64_array;

/** An array of float: real[]. */
typedef struct blogdb_float_array {
    float *items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_float_array;

/** An array of double: double precision[]. */
typedef struct blogdb_double_array {
    double *items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_double_array;

/** An array of const char *: text[], varchar[], char[], numeric[], json[], jsonb[] and inet[]; a NULL element is a NULL pointer. */
typedef struct blogdb_text_array {
    const char **items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_text_array;

/** An array of uuid_t: uuid[]. */
typedef struct blogdb_uuid_array {
    uuid_t *items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_uuid_array;

/** An array of blogdb_bytes: bytea[]. */
typedef struct blogdb_bytes_array {
    blogdb_bytes *items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_bytes_array;

/** An array of blogdb_interval: interval[]. */
typedef struct blogdb_interval_array {
    blogdb_interval *items; /**< The elements (NULL when count is 0). */
    size_t count; /**< Number of elements. */
} blogdb_interval_array;


/** connect_timeout (seconds, per host) when the conninfo sets none. */
#define BLOGDB_DEFAULT_CONNECT_TIMEOUT_S 10
/** tcp_user_timeout (ms) when the conninfo sets none: unacknowledged data fails the connection. */
#define BLOGDB_DEFAULT_TCP_USER_TIMEOUT_MS 30000
/** Per-call deadline (ms) of a new connection; see blogdb_set_timeout(). */
#define BLOGDB_DEFAULT_TIMEOUT_MS 60000

/**
 * Opens a connection.
 * @param[out] out     Receives the connection on success, NULL on failure. Free with blogdb_close().
 * @param conninfo     libpq conninfo string or URI ("host=/tmp dbname=blog", "postgresql://...").
 * @return 0, BLOGDB_EINVAL (NULL argument), BLOGDB_ENOMEM, or BLOGDB_ECONNECTION. On
 *         BLOGDB_ECONNECTION, blogdb_connect_error() explains why (the handle is not kept).
 *
 * The session is set to client_encoding UTF8 and TimeZone UTC. Where the conninfo does not say
 * otherwise, blogdb sets libpq's connect_timeout to BLOGDB_DEFAULT_CONNECT_TIMEOUT_S, keepalives on
 * (idle 30 s, interval 10 s, count 3) and tcp_user_timeout to BLOGDB_DEFAULT_TCP_USER_TIMEOUT_MS,
 * so that neither connecting nor a dead peer can hold a call forever; any of them set in the
 * conninfo wins. The connection then uses libpq's non-blocking mode: every later call is bounded
 * by the connection's per-call deadline (blogdb_set_timeout()).
 */
BLOGDB_API int blogdb_connect(blogdb **out, const char *conninfo);

/**
 * Replaces the connection of db by a new one to the same conninfo, and restores its session
 * state: encoding, time zone, statement timeout (blogdb_set_statement_timeout()), notice handler;
 * the acting user is kept (it travels with each statement). Prepared statements are prepared again
 * on first use. An open transaction or pipeline of the old connection is gone (the server rolls
 * it back). Use it after BLOGDB_ECONNECTION, BLOGDB_ETIMEOUT or BLOGDB_EUNKNOWN.
 * @return 0, or BLOGDB_ECONNECTION (blogdb_errmsg() says why; db stays usable for another try).
 *
 * @par Retrying after a failure
 * - BLOGDB_ECONNECTION, BLOGDB_ETIMEOUT: this call committed nothing. Reads can be retried as
 *   they are; a write outside a transaction too. Inside a transaction the whole transaction is
 *   lost: reconnect and run it again from BEGIN (blogdb_transact() functions are the unit to
 *   retry).
 * - BLOGDB_EUNKNOWN: a write or COMMIT may or may not have been committed. Retry only what is
 *   idempotent, or check the data first (the row's key, a unique request id).
 * - BLOGDB_ESERIALIZATION: retry the transaction (blogdb_transact() does).
 * - Anything else is the server's answer about the data: retrying gives the same answer.
 */
BLOGDB_API int blogdb_reconnect(blogdb *db);

/**
 * Sets the per-call deadline of this connection: no blogdb call waits longer than this for the
 * server. Streaming (`_each`) and COPY apply it to each round trip (a chunk of rows, a buffer of
 * COPY data) rather than to the whole call. When it passes, the connection is closed and the call
 * returns BLOGDB_ETIMEOUT, or BLOGDB_EUNKNOWN if a write or COMMIT was waiting for its answer;
 * blogdb_reconnect() opens a new connection.
 * @param db            The connection.
 * @param milliseconds  The deadline; 0 for none. A new connection has BLOGDB_DEFAULT_TIMEOUT_MS.
 * @return 0, or BLOGDB_EINVAL (db NULL, negative value).
 */
BLOGDB_API int blogdb_set_timeout(blogdb *db, int milliseconds);

/** Receives a notice or warning: the server's (RAISE NOTICE, ...) or libpq's own. */
typedef void (*blogdb_notice_fn)(void *ctx, const char *severity, const char *message);

/**
 * Routes this connection's notices and warnings to fn (NULL: drop them, the default). blogdb never
 * writes to stdout or stderr. fn runs on the thread making the call that received the notice.
 * @return 0, or BLOGDB_EINVAL (db NULL).
 */
BLOGDB_API int blogdb_set_notice_handler(blogdb *db, blogdb_notice_fn fn, void *ctx);

/**
 * The reason of the last failed blogdb_connect() in this thread, or "" when none.
 * The string is owned by blogdb and valid until the next blogdb_connect() in this thread.
 */
BLOGDB_API const char *blogdb_connect_error(void);

/** Closes a connection and frees everything it owns. NULL is ignored. */
BLOGDB_API void blogdb_close(blogdb *db);

/**
 * Message of the last error on this connection, "" after success.
 * Owned by the connection; valid until its next call.
 */
BLOGDB_API const char *blogdb_errmsg(const blogdb *db);

/** SQLSTATE of the last server error ("23505", ...), or "" if the last error was not the server's. */
BLOGDB_API const char *blogdb_sqlstate(const blogdb *db);

/** Name of the constraint behind the last error ("users_email_idx", ...), or "". */
BLOGDB_API const char *blogdb_constraint(const blogdb *db);

/** Code of the last error on this connection (0 after success). */
BLOGDB_API int blogdb_errcode(const blogdb *db);

/** A static English description of an error code ("unique violation", ...). Never NULL. */
BLOGDB_API const char *blogdb_strerror(int code);

/** Version of the linked library, "MAJOR.MINOR.PATCH". Static. */
BLOGDB_API const char *blogdb_version(void);

/**
 * Version of the linked library as BLOGDB_VERSION_NUMBER computes it. A program can compare it
 * with the BLOGDB_VERSION_NUMBER it was compiled with: the same major version is ABI-compatible.
 */
BLOGDB_API int blogdb_version_number(void);

/**
 * @name Acting user and transactions
 * Row-level security policies read the acting user from the setting `app.user_id`. blogdb
 * only ever sets it local to a transaction (set_config(..., true)), so it cannot outlive the
 * transaction and leak to the next user of a pooled connection.
 * @{
 */

/**
 * Sets the acting user of this connection: every following call runs with app.user_id set to
 * `user_id` for that call's transaction alone (the setting travels with each statement in one
 * round trip). Inside an open transaction it also applies at once, until that transaction ends.
 * @param db       The connection.
 * @param user_id  The user, or NULL to clear (same as blogdb_clear_acting_user()).
 * @return 0, BLOGDB_EINVAL (db NULL), or a server error code.
 */
BLOGDB_API int blogdb_set_acting_user(blogdb *db, const uuid_t user_id);

/** Clears the acting user of this connection (and of the open transaction, if any). */
BLOGDB_API int blogdb_clear_acting_user(blogdb *db);

/** Starts a transaction (BEGIN); the connection's acting user, if any, applies to it. */
BLOGDB_API int blogdb_begin(blogdb *db);

/**
 * Starts a transaction acting as `user_id` for this transaction only; the connection's own
 * acting user is unchanged and applies again after COMMIT or ROLLBACK.
 */
BLOGDB_API int blogdb_begin_as(blogdb *db, const uuid_t user_id);

/** Commits the open transaction. A failed transaction is rolled back and its error returned. */
BLOGDB_API int blogdb_commit(blogdb *db);

/** Rolls back the open transaction. */
BLOGDB_API int blogdb_rollback(blogdb *db);

/** Savepoint inside the open transaction (SAVEPOINT name). name: [A-Za-z_][A-Za-z0-9_]*. */
BLOGDB_API int blogdb_savepoint(blogdb *db, const char *name);

/** Rolls back to a savepoint, keeping the transaction open (ROLLBACK TO SAVEPOINT name). */
BLOGDB_API int blogdb_rollback_to(blogdb *db, const char *name);

/** Releases a savepoint (RELEASE SAVEPOINT name). */
BLOGDB_API int blogdb_release(blogdb *db, const char *name);

/** Isolation levels for blogdb_transact(). */
typedef enum blogdb_isolation {
    BLOGDB_READ_COMMITTED = 0, /**< PostgreSQL's default. */
    BLOGDB_REPEATABLE_READ,    /**< One snapshot for the whole transaction. */
    BLOGDB_SERIALIZABLE        /**< As if transactions ran one after another. */
} blogdb_isolation;

/** Options of blogdb_transact(). Zero-initialize, set `version` to 1; the struct only grows at its end. */
typedef struct blogdb_tx_options {
    int version;                /**< 1. */
    blogdb_isolation isolation; /**< Isolation level (default READ COMMITTED). */
    bool read_only;             /**< BEGIN ... READ ONLY. */
    int max_attempts;           /**< Tries in all on serialization failure or deadlock (0: 5). */
    int backoff_ms;             /**< First back-off before a retry, doubled each time, jittered (0: 10). */
} blogdb_tx_options;

/** The transaction body: return 0 to commit, a BLOGDB_E* code to roll back (and return it). */
typedef int (*blogdb_tx_fn)(blogdb *db, void *ctx);

/**
 * Runs fn in a transaction and commits; on serialization failure or deadlock (40001, 40P01),
 * anywhere in fn or at COMMIT, rolls back and runs fn again, up to max_attempts in all, sleeping a
 * jittered, doubling back-off in between. The connection's acting user applies.
 * @param db    The connection (no transaction or pipeline open).
 * @param opts  Options, or NULL for the defaults.
 * @param fn    The transaction body, run once per attempt.
 * @param ctx   Passed to fn.
 * @return 0 once committed; fn's code; or BLOGDB_ESERIALIZATION when every attempt failed.
 *         blogdb_attempts() tells how many attempts ran.
 */
BLOGDB_API int blogdb_transact(blogdb *db, const blogdb_tx_options *opts, blogdb_tx_fn fn, void *ctx);

/** Attempts the last blogdb_transact() made on this connection. */
BLOGDB_API int blogdb_attempts(const blogdb *db);

/** How a connection sends its statements (blogdb_set_statement_mode()). */
typedef enum blogdb_statement_mode {
    BLOGDB_STATEMENTS_NAMED = 0, /**< Prepared once per connection by name, then executed (the default). */
    BLOGDB_STATEMENTS_UNNAMED    /**< Parse, bind and execute together each time, nothing kept on the
                                      server: for poolers that do not track named statements, such as
                                      PgBouncer before 1.21 in transaction mode. */
} blogdb_statement_mode;

/**
 * Chooses how this connection sends its statements from the next call on. Unnamed statements
 * cost the server a parse and plan per call (bench/run measures it); results and errors are the
 * same. Not while a pipeline is open.
 * @return 0, or BLOGDB_EINVAL (NULL db, unknown mode, a pipeline open).
 */
BLOGDB_API int blogdb_set_statement_mode(blogdb *db, blogdb_statement_mode mode);

/**
 * Sets the statement_timeout of this connection's calls, in milliseconds; 0: blogdb sets none, the
 * server's (or the role's) applies. It is sent with each statement or transaction as
 * set_config(..., true), like the acting user, never SET for the session: behind PgBouncer's
 * transaction pooling it cannot reach another client. A timeout is BLOGDB_ETIMEOUT.
 */
BLOGDB_API int blogdb_set_statement_timeout(blogdb *db, int milliseconds);

/**
 * Cancels the call running on this connection. Safe to call from another thread (or a signal
 * handler) while a call runs on db, and never blocks: it only marks the call and wakes it. The
 * call then asks the server to cancel its statement and returns BLOGDB_ETIMEOUT with the
 * connection usable; a stream (`_each`) stops before its next row. If the server does not answer
 * the cancel request within 5 seconds, the call closes the connection (BLOGDB_ETIMEOUT, or
 * BLOGDB_EUNKNOWN for a write in flight). A call that already finished is not affected.
 * @return 0, or BLOGDB_EINVAL (db NULL).
 */
BLOGDB_API int blogdb_cancel(blogdb *db);

/** @} */

/**
 * @name Pipelines
 * Between blogdb_pipeline_begin() and blogdb_pipeline_end(), generated reads and writes are
 * queued instead of run: each returns 0 once queued (or an argument error at once), and its
 * out-parameter is filled by blogdb_pipeline_end(), so it must stay valid until then. Everything
 * goes to the server without waiting for answers.
 * @{
 */

/** Pipeline flags. */
enum {
    BLOGDB_PIPELINE_ATOMIC = 1 /**< One transaction for every entry: a failure rolls them all back. */
};

/**
 * Starts queueing. By default every entry is its own transaction: a failed entry does not stop
 * the others. With BLOGDB_PIPELINE_ATOMIC they share one transaction.
 */
BLOGDB_API int blogdb_pipeline_begin(blogdb *db, unsigned flags);

/**
 * Sends what is queued, collects every result in order, and leaves pipeline mode.
 * @return 0 when every entry succeeded; else the code of the first failed entry, whose index is
 *         blogdb_failed_index(). Each entry's own code: blogdb_pipeline_status(). In an atomic
 *         pipeline the other entries report BLOGDB_EABORTED (rolled back or not run).
 */
BLOGDB_API int blogdb_pipeline_end(blogdb *db);

/** Number of entries the last pipeline had. */
BLOGDB_API size_t blogdb_pipeline_count(const blogdb *db);

/** Code of entry i of the last pipeline (0, a BLOGDB_E* code, or BLOGDB_EINVAL for a bad index). */
BLOGDB_API int blogdb_pipeline_status(const blogdb *db, size_t i);

/** @} */

/**
 * Index of the row (COPY) or entry (pipeline) that failed the last call, or -1 when the last
 * error was not tied to one.
 */
BLOGDB_API long blogdb_failed_index(const blogdb *db);

/**
 * @name Passwords
 * Argon2id (libsodium's crypto_pwhash_str, interactive limits): the database only ever stores
 * the encoded hash, which carries its own salt and parameters.
 * @{
 */

/** Size of a buffer that always holds a password hash (with its NUL). */
#define BLOGDB_PASSWORD_HASH_SIZE 128

/**
 * Hashes a password with Argon2id and a random salt.
 * @param out       Receives the encoded hash ("$argon2id$v=19$m=...,t=...,p=1$...$..."), NUL-terminated.
 * @param size      Size of out; BLOGDB_PASSWORD_HASH_SIZE always suffices.
 * @param password  The password, NUL-terminated UTF-8.
 * @return 0, BLOGDB_EINVAL (NULL argument, buffer too small), or BLOGDB_ENOMEM.
 */
BLOGDB_API int blogdb_password_hash(char *out, size_t size, const char *password);

/**
 * Verifies a password against a hash from blogdb_password_hash(), in constant time with respect
 * to the contents.
 * @return 0 on a match, BLOGDB_EMISMATCH when it does not match, BLOGDB_EINVAL for NULL
 *         arguments or a malformed hash.
 */
BLOGDB_API int blogdb_password_verify(const char *hash, const char *password);

/** @} */

/** Converts a struct timespec (UTC) to a blogdb_timestamp, truncating to microseconds. */
BLOGDB_API blogdb_timestamp blogdb_timestamp_from_timespec(struct timespec ts);

/** Converts a blogdb_timestamp to a struct timespec (tv_nsec in [0, 1e9)). */
BLOGDB_API struct timespec blogdb_timestamp_to_timespec(blogdb_timestamp t);

/** The current time as a blogdb_timestamp. */
BLOGDB_API blogdb_timestamp blogdb_timestamp_now(void);

/** Size of a buffer that always holds blogdb_timestamp_format()'s output. */
#define BLOGDB_TIMESTAMP_BUFSIZE 40

/**
 * Formats as ISO 8601 UTC, "2026-11-24T22:18:41.123456Z" (fraction only when not zero).
 * @param t     The instant.
 * @param buf   Receives the text, NUL-terminated.
 * @param size  Size of buf; BLOGDB_TIMESTAMP_BUFSIZE always suffices.
 * @return 0, or BLOGDB_EINVAL if buf is NULL or too small.
 */
BLOGDB_API int blogdb_timestamp_format(blogdb_timestamp t, char *buf, size_t size);

/**
 * Parses ISO 8601: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" with 'T' or ' ',
 * and an optional zone "Z", "+HH", "+HH:MM" or "+HHMM" (none means UTC).
 * @return 0, or BLOGDB_EINVAL (out stays untouched) for NULL or malformed text.
 */
BLOGDB_API int blogdb_timestamp_parse(const char *text, blogdb_timestamp *out);

#ifdef __cplusplus
}
#endif

#endif /* BLOGDB_CORE_H */
