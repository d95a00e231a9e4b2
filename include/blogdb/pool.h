/**
 * @file blogdb/pool.h
 * @brief A thread-safe pool of blogdb connections.
 *
 * A pool holds at most max_size connections to one conninfo. A thread checks one out
 * (waiting at most checkout_timeout_ms for a free one), uses it alone, and checks it in;
 * blogdb_pool_run() does the three around blogdb_transact(), which is the common case.
 *
 * Lifetimes. A checked-out connection belongs to its thread until blogdb_pool_checkin(): do not
 * use it after. What it returned (rows, messages) stays the caller's. At checkin the pool makes
 * the session clean for the next user: an open transaction is rolled back (never committed), a
 * pipeline is abandoned, the acting user is cleared, the per-call deadline and the statement
 * timeout go back to the pool's, the notice handler is removed. A connection that cannot be
 * made clean, or whose server went away, is closed instead and replaced when needed.
 *
 * Before handing out a connection that sat idle longer than health_check_idle_ms the pool checks
 * it with an empty round trip and silently replaces it when the server is gone; a connection older
 * than max_lifetime_ms, or idle longer than idle_timeout_ms, is closed rather than handed out.
 * There is no background thread: this work happens in checkout and checkin.
 *
 * Errors. blogdb_pool_errmsg() gives the message of the calling thread's last failed pool call
 * (each thread has its own).
 */
#ifndef BLOGDB_POOL_H
#define BLOGDB_POOL_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A pool of connections (opaque; thread-safe). */
typedef struct blogdb_pool blogdb_pool;

/** Options of blogdb_pool_open(). Zero-initialize, set `version` to 1; 0 means the default. */
typedef struct blogdb_pool_options {
    int version;                /**< 1. */
    int max_size;               /**< Connections at most (default 4; 1 to 1000). */
    int checkout_timeout_ms;    /**< Longest wait for a free connection (default 5000). */
    int health_check_idle_ms;   /**< Check a connection idle longer than this before handing it out
                                     (default 1000; -1: check every time). */
    int max_lifetime_ms;        /**< Close a connection older than this (default 30 minutes; -1: never). */
    int idle_timeout_ms;        /**< Close a connection idle longer than this (default 10 minutes; -1: never). */
    int call_timeout_ms;        /**< Each connection's blogdb_set_timeout() (default BLOGDB_DEFAULT_TIMEOUT_MS). */
    int statement_timeout_ms;   /**< Each connection's blogdb_set_statement_timeout() (default 0: the server's). */
    bool unnamed_statements;    /**< Each connection in BLOGDB_STATEMENTS_UNNAMED (behind PgBouncer's transaction
                                     pooling before 1.21). */
} blogdb_pool_options;

/** What a pool holds now (blogdb_pool_stats()). */
typedef struct blogdb_pool_stats {
    int open;        /**< Connections open (idle and checked out). */
    int in_use;      /**< Checked out. */
    int waiting;     /**< Threads waiting in checkout. */
    long opened;     /**< Connections opened since the pool was made. */
    long replaced;   /**< Of those, how many replaced a broken, old or unclean one. */
} blogdb_pool_stats;

/**
 * Makes a pool and opens its first connection, so a wrong conninfo fails here.
 * @param[out] out  The pool (close with blogdb_pool_close()), or NULL on failure.
 * @param conninfo  libpq connection string (copied).
 * @param opts      Options, or NULL for the defaults.
 * @return 0, BLOGDB_EINVAL (NULL argument, an option out of range), BLOGDB_ENOMEM, or the code
 *         of the failed connection (message: blogdb_pool_errmsg()).
 */
BLOGDB_API int blogdb_pool_open(blogdb_pool **out, const char *conninfo, const blogdb_pool_options *opts);

/**
 * Checks a connection out, opening one if the pool is below max_size, else waiting for one.
 * @param pool      The pool.
 * @param[out] out  The connection, the caller's alone until blogdb_pool_checkin(); NULL on failure.
 * @return 0, BLOGDB_ETIMEOUT (none free within checkout_timeout_ms), BLOGDB_ECONNECTION (the
 *         server cannot be reached, or the pool is closing), BLOGDB_EINVAL, BLOGDB_ENOMEM.
 */
BLOGDB_API int blogdb_pool_checkout(blogdb_pool *pool, blogdb **out);

/**
 * Gives a connection back (see the lifetimes above). NULL is ignored; a connection of another
 * pool, or one checked in twice, is a programming error the pool does not detect.
 */
BLOGDB_API void blogdb_pool_checkin(blogdb_pool *pool, blogdb *db);

/**
 * Checks a connection out, runs blogdb_transact(db, opts, fn, ctx) on it, checks it in.
 * @return what blogdb_transact() returned, or checkout's failure. On failure the message is
 *         copied for blogdb_pool_errmsg() before the connection goes back.
 */
BLOGDB_API int blogdb_pool_run(blogdb_pool *pool, const blogdb_tx_options *opts, blogdb_tx_fn fn, void *ctx);

/** The calling thread's last pool failure: a message, "" when none. Valid until its next pool call. */
BLOGDB_API const char *blogdb_pool_errmsg(void);

/** What the pool holds now. NULL pool or out: nothing is written. */
BLOGDB_API void blogdb_pool_get_stats(blogdb_pool *pool, blogdb_pool_stats *out);

/**
 * Closes the pool: idle connections now, checked-out ones at their checkin (the pool's memory goes
 * with the last of them); threads waiting in checkout get BLOGDB_ECONNECTION. Never waits.
 * NULL is ignored. No checkout may start after this call.
 */
BLOGDB_API void blogdb_pool_close(blogdb_pool *pool);

#ifdef __cplusplus
}
#endif

#endif /* BLOGDB_POOL_H */
