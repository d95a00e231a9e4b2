/**
 * @file blogdb/cluster.h
 * @brief One primary and its streaming replicas behind one handle: reads to replicas, writes
 * to the primary, read-your-writes, and a lag bound.
 *
 * A cluster is a blogdb_pool per server. A caller says what it is about to do:
 *  - BLOGDB_ROUTE_WRITE: writes, or anything in a transaction that must see the latest data;
 *    always the primary.
 *  - BLOGDB_ROUTE_READ: reads only (generated get/list/count/each, typed queries without INSERT,
 *    UPDATE or DELETE); a replica that is up, not behind by more than max_lag_bytes, and (for a
 *    session that wrote lately) has replayed the session's last write, taken in turn; the primary
 *    when none qualifies. A write sent on a READ connection fails with BLOGDB_EREADONLY on a
 *    replica (and, through blogdb_cluster_run(), on the primary too): nothing is written.
 *
 * Read-your-writes. A blogdb_session (the caller's, zero-initialized, one per user or request
 * chain; not shared between threads without a lock) remembers where its last write ended in the
 * primary's WAL. For read_your_writes_ms after that write, its reads go to a replica only once
 * that replica has replayed past it (checked on the replica when the cluster's last look is not
 * enough), else to the primary. Recording the position costs one round trip at the checkin of a
 * WRITE connection when a session is given and read_your_writes_ms > 0.
 *
 * Lag. At most every lag_check_ms, at a READ checkout (no background thread), the cluster reads
 * the primary's WAL position and each replica's replay position; a replica behind by more than
 * max_lag_bytes is skipped until a later look finds it caught up. A replica that cannot be reached
 * is skipped until the next look.
 *
 * Failover. Give the primary as a multi-host conninfo with target_session_attrs=read-write (and
 * replicas with target_session_attrs=standby, or one host each): a connection whose server died,
 * or refused a write as read-only (BLOGDB_EREADONLY, a primary being demoted), is closed at
 * checkin and the next checkout connects to whichever host is the primary then. A write that was
 * in flight when its server went away is reported (BLOGDB_ECONNECTION, BLOGDB_EUNKNOWN), never
 * retried by the library.
 *
 * Errors: blogdb_pool_errmsg() (per thread), as for a pool.
 */
#ifndef BLOGDB_CLUSTER_H
#define BLOGDB_CLUSTER_H

#include "pool.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A primary and its replicas (opaque; thread-safe). */
typedef struct blogdb_cluster blogdb_cluster;

/** What a checkout is for. */
typedef enum blogdb_route {
    BLOGDB_ROUTE_READ = 0, /**< Reads only: a fresh-enough replica, else the primary. */
    BLOGDB_ROUTE_WRITE = 1 /**< The primary. */
} blogdb_route;

/** A caller's read-your-writes memory. Zero-initialize; the cluster updates it. */
typedef struct blogdb_session {
    uint64_t write_lsn;   /**< Where the last write through this session ended in the primary's WAL. */
    int64_t write_at_ms;  /**< When (CLOCK_MONOTONIC ms); 0: no write yet. */
} blogdb_session;

/** Options of blogdb_cluster_open(). Zero-initialize, set `version` to 1; 0 means the default. */
typedef struct blogdb_cluster_options {
    int version;               /**< 1. */
    blogdb_pool_options pool;  /**< Each server's pool (version 0: the pool defaults). */
    int read_your_writes_ms;   /**< How long after a session's write its reads wait for a replica that
                                    has replayed it (default 0: off; reads may not see the write). */
    long long max_lag_bytes;   /**< Skip a replica whose replay trails the primary by more (default
                                    16 MB; -1: never skip for lag). */
    int lag_check_ms;          /**< Look at the positions at most this often (default 1000). */
} blogdb_cluster_options;

/** Where checkouts went (blogdb_cluster_get_stats()). */
typedef struct blogdb_cluster_stats {
    long writes;            /**< WRITE checkouts (the primary). */
    long replica_reads;     /**< READ checkouts a replica served. */
    long primary_reads;     /**< READ checkouts the primary served (no replica qualified). */
    long skipped_lag;       /**< Replicas passed over as lagging more than max_lag_bytes. */
    long skipped_behind;    /**< Replicas passed over as not yet having a session's write. */
    long skipped_down;      /**< Replicas passed over as unreachable. */
} blogdb_cluster_stats;

/**
 * Opens a pool on the primary and on each replica (each opens its first connection now, so a
 * wrong conninfo fails here; a replica that is down is an error too).
 * @param[out] out   The cluster (close with blogdb_cluster_close()), or NULL on failure.
 * @param primary    libpq conninfo of the primary (copied).
 * @param replicas   conninfo of each replica (copied); NULL when nreplicas is 0.
 * @param nreplicas  0 to 16.
 * @param opts       Options, or NULL for the defaults.
 * @return 0, BLOGDB_EINVAL, BLOGDB_ENOMEM, or a connection's failure (blogdb_pool_errmsg()).
 */
BLOGDB_API int blogdb_cluster_open(blogdb_cluster **out, const char *primary, const char *const *replicas,
                                   int nreplicas, const blogdb_cluster_options *opts);

/**
 * Checks a connection out for route.
 * @param session  The caller's session for read-your-writes, or NULL.
 * @param[out] out The connection, the caller's alone until blogdb_cluster_checkin(); NULL on failure.
 * @return 0, or as blogdb_pool_checkout() (of the primary: replicas that fail are skipped).
 */
BLOGDB_API int blogdb_cluster_checkout(blogdb_cluster *c, blogdb_session *session, blogdb_route route, blogdb **out);

/**
 * Gives a connection back to its server's pool. For a WRITE connection with a session, first
 * records the primary's WAL position in it (read-your-writes). NULL db is ignored.
 */
BLOGDB_API void blogdb_cluster_checkin(blogdb_cluster *c, blogdb_session *session, blogdb *db);

/**
 * Checks out for route, runs blogdb_transact(db, opts, fn, ctx), checks in. A READ runs as a READ
 * ONLY transaction, so a write in it fails with BLOGDB_EREADONLY wherever it lands (the primary
 * too). A READ whose replica was lost (BLOGDB_ECONNECTION) runs once more on the next choice.
 * @return what blogdb_transact() returned, or checkout's failure (message: blogdb_pool_errmsg()).
 */
BLOGDB_API int blogdb_cluster_run(blogdb_cluster *c, blogdb_session *session, blogdb_route route,
                                  const blogdb_tx_options *opts, blogdb_tx_fn fn, void *ctx);

/** Where checkouts went so far. NULL c or out: nothing is written. */
BLOGDB_API void blogdb_cluster_get_stats(blogdb_cluster *c, blogdb_cluster_stats *out);

/** Closes every server's pool (see blogdb_pool_close()). NULL is ignored. */
BLOGDB_API void blogdb_cluster_close(blogdb_cluster *c);

#ifdef __cplusplus
}
#endif

#endif /* BLOGDB_CLUSTER_H */
