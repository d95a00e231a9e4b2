/* libblogdb_rt: a primary and its replicas behind one handle (include/blogdb/cluster.h).
 *
 * Each server has its own blogdb_pool; this file only chooses one. Invariants, under c->mu:
 *  - lsn_primary / replica[i].replay / .lagging / .down_until are the last look's (refresh());
 *    one thread looks at a time (`looking`), the others use what the last look found;
 *  - `out` counts connections checked out through the cluster; the cluster is freed by whichever
 *    of blogdb_cluster_close() and the last checkin comes last (the pools free themselves).
 * A connection knows its pool (db->pool) and whether it was taken for writing (db->routed_write),
 * so checkin needs no lookup. */
#include "blogdb/cluster.h"

#include "internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REPLICAS 16

typedef struct replica {
    blogdb_pool *pool;
    uint64_t replay;     /* replay position at the last look; UINT64_MAX: not in recovery (promoted) */
    bool lagging;
    int64_t down_until;  /* skip until then (CLOCK_MONOTONIC ms) */
} replica;

struct blogdb_cluster {
    pthread_mutex_t mu;
    blogdb_cluster_options o;
    blogdb_pool *primary;
    replica replicas[MAX_REPLICAS];
    int nreplicas;
    unsigned next;       /* round robin over replicas */
    uint64_t lsn_primary;
    int64_t next_look;
    bool looking, closing;
    int out;
    blogdb_cluster_stats stats;
};

/* "16/B374D848" to a number; 0 when it is not one (NULL: the server is not in recovery). */
static uint64_t parse_lsn(const char *s)
{
    unsigned hi, lo;
    char tail;
    if (!s || sscanf(s, "%X/%X%c", &hi, &lo, &tail) != 2)
        return 0;
    return (uint64_t)hi << 32 | lo;
}

/* One-value query on a checked-out connection: its LSN, UINT64_MAX when NULL, 0 on failure. */
static uint64_t query_lsn(blogdb *db, const char *sql)
{
    PGresult *r;
    uint64_t v = 0;
    blogdb__clear_error(db);
    blogdb__call_start(db);
    r = blogdb__exec(db, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        v = PQgetisnull(r, 0, 0) ? UINT64_MAX : parse_lsn(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static const char REPLAY_SQL[] = "SELECT pg_last_wal_replay_lsn()";

/* Looks at the primary's WAL position and each replica's replay position, when one is due and no
 * other thread is looking. Without the lock while it queries. */
static void refresh(blogdb_cluster *c)
{
    int64_t now = blogdb__now_ms();
    uint64_t primary = 0, replay[MAX_REPLICAS];
    enum { DOWN, UP, BUSY } up[MAX_REPLICAS]; /* BUSY: every connection out; nothing learned */
    blogdb *db;
    pthread_mutex_lock(&c->mu);
    if (c->looking || now < c->next_look) {
        pthread_mutex_unlock(&c->mu);
        return;
    }
    c->looking = true;
    c->next_look = now + c->o.lag_check_ms;
    pthread_mutex_unlock(&c->mu);

    if (blogdb_pool_checkout(c->primary, &db) == 0) {
        primary = query_lsn(db, "SELECT pg_current_wal_lsn()");
        blogdb_pool_checkin(c->primary, db);
    }
    for (int i = 0; i < c->nreplicas; i++) {
        int rc = blogdb_pool_checkout(c->replicas[i].pool, &db);
        replay[i] = 0;
        up[i] = rc == 0 ? UP : rc == BLOGDB_ETIMEOUT ? BUSY : DOWN;
        if (rc == 0) {
            replay[i] = query_lsn(db, REPLAY_SQL);
            up[i] = replay[i] != 0 ? UP : DOWN;
            blogdb_pool_checkin(c->replicas[i].pool, db);
        }
    }

    pthread_mutex_lock(&c->mu);
    now = blogdb__now_ms();
    if (primary && primary != UINT64_MAX)
        c->lsn_primary = primary;
    for (int i = 0; i < c->nreplicas; i++) {
        replica *r = &c->replicas[i];
        if (up[i] == BUSY)
            continue;
        r->down_until = up[i] == UP ? 0 : now + c->o.lag_check_ms;
        if (up[i] == UP)
            r->replay = replay[i];
        /* unknown (primary unreachable) never counts as lagging */
        r->lagging = up[i] == UP && c->o.max_lag_bytes >= 0 && c->lsn_primary && r->replay != UINT64_MAX &&
                     c->lsn_primary > r->replay && c->lsn_primary - r->replay > (uint64_t)c->o.max_lag_bytes;
    }
    c->looking = false;
    pthread_mutex_unlock(&c->mu);
}

static void count(blogdb_cluster *c, long *field)
{
    pthread_mutex_lock(&c->mu);
    (*field)++;
    pthread_mutex_unlock(&c->mu);
}

/* A replica connection for a READ, or NULL (then the primary serves it). need: the position the
 * session's reads must see (0: none). */
static blogdb *pick_replica(blogdb_cluster *c, uint64_t need)
{
    int n = c->nreplicas;
    unsigned start;
    pthread_mutex_lock(&c->mu);
    start = c->next++;
    pthread_mutex_unlock(&c->mu);
    for (int k = 0; k < n; k++) {
        replica *r = &c->replicas[(start + (unsigned)k) % (unsigned)n];
        blogdb *db;
        bool skip_lag, skip_down, known_behind;
        pthread_mutex_lock(&c->mu);
        skip_down = r->down_until > blogdb__now_ms();
        skip_lag = r->lagging;
        known_behind = need && r->replay != UINT64_MAX && r->replay < need;
        pthread_mutex_unlock(&c->mu);
        if (skip_down || skip_lag) {
            count(c, skip_down ? &c->stats.skipped_down : &c->stats.skipped_lag);
            continue;
        }
        if (blogdb_pool_checkout(r->pool, &db) != 0) {
            pthread_mutex_lock(&c->mu);
            r->down_until = blogdb__now_ms() + c->o.lag_check_ms;
            c->stats.skipped_down++;
            pthread_mutex_unlock(&c->mu);
            continue;
        }
        if (known_behind) { /* the last look is too old to tell: ask the replica itself */
            uint64_t now_at = query_lsn(db, REPLAY_SQL);
            pthread_mutex_lock(&c->mu);
            if (now_at)
                r->replay = now_at;
            pthread_mutex_unlock(&c->mu);
            if (now_at == 0 || (now_at != UINT64_MAX && now_at < need)) {
                blogdb_pool_checkin(r->pool, db);
                count(c, &c->stats.skipped_behind);
                continue;
            }
        }
        return db;
    }
    return NULL;
}

static void cluster_free(blogdb_cluster *c)
{
    pthread_mutex_destroy(&c->mu);
    free(c);
}

int blogdb_cluster_open(blogdb_cluster **out, const char *primary, const char *const *replicas, int nreplicas,
                        const blogdb_cluster_options *opts)
{
    blogdb_cluster_options zero = {.version = 1};
    blogdb_cluster *c;
    int rc;
    blogdb__pool_set_error("%s", "");
    if (out)
        *out = NULL;
    if (!opts)
        opts = &zero;
    if (!out || !primary || nreplicas < 0 || nreplicas > MAX_REPLICAS || (nreplicas > 0 && !replicas)) {
        blogdb__pool_set_error("blogdb_cluster_open: NULL argument, or not 0 to %d replicas", MAX_REPLICAS);
        return BLOGDB_EINVAL;
    }
    for (int i = 0; i < nreplicas; i++)
        if (!replicas[i]) {
            blogdb__pool_set_error("blogdb_cluster_open: replica %d is NULL", i);
            return BLOGDB_EINVAL;
        }
    if (opts->version != 1 || opts->read_your_writes_ms < 0 || opts->lag_check_ms < 0 || opts->max_lag_bytes < -1) {
        blogdb__pool_set_error("blogdb_cluster_open: options version %d (expected 1), or an option out of range",
                               opts->version);
        return BLOGDB_EINVAL;
    }
    if (!(c = calloc(1, sizeof *c))) {
        blogdb__pool_set_error("out of memory");
        return BLOGDB_ENOMEM;
    }
    c->o = *opts;
    if (c->o.pool.version == 0)
        c->o.pool.version = 1;
    if (c->o.max_lag_bytes == 0)
        c->o.max_lag_bytes = 16LL << 20;
    if (c->o.lag_check_ms == 0)
        c->o.lag_check_ms = 1000;
    pthread_mutex_init(&c->mu, NULL);
    rc = blogdb_pool_open(&c->primary, primary, &c->o.pool);
    for (int i = 0; rc == 0 && i < nreplicas; i++, c->nreplicas++)
        rc = blogdb_pool_open(&c->replicas[i].pool, replicas[i], &c->o.pool);
    if (rc) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", blogdb_pool_errmsg());
        blogdb_cluster_close(c);
        blogdb__pool_set_error("blogdb_cluster_open: %s", msg);
        return rc;
    }
    *out = c;
    return 0;
}

int blogdb_cluster_checkout(blogdb_cluster *c, blogdb_session *s, blogdb_route route, blogdb **out)
{
    blogdb *db = NULL;
    uint64_t need = 0;
    int rc;
    blogdb__pool_set_error("%s", "");
    if (out)
        *out = NULL;
    if (!c || !out || (route != BLOGDB_ROUTE_READ && route != BLOGDB_ROUTE_WRITE)) {
        blogdb__pool_set_error("blogdb_cluster_checkout: NULL argument or unknown route");
        return BLOGDB_EINVAL;
    }
    if (route == BLOGDB_ROUTE_READ && c->nreplicas > 0) {
        refresh(c);
        if (s && s->write_at_ms && c->o.read_your_writes_ms > 0 &&
            blogdb__now_ms() - s->write_at_ms < c->o.read_your_writes_ms)
            need = s->write_lsn ? s->write_lsn : UINT64_MAX - 1; /* position unknown: the primary */
        db = pick_replica(c, need);
    }
    if (!db && (rc = blogdb_pool_checkout(c->primary, &db)) != 0)
        return rc;
    db->routed_write = route == BLOGDB_ROUTE_WRITE;
    pthread_mutex_lock(&c->mu);
    c->out++;
    if (route == BLOGDB_ROUTE_WRITE)
        c->stats.writes++;
    else if (db->pool == c->primary)
        c->stats.primary_reads++;
    else
        c->stats.replica_reads++;
    pthread_mutex_unlock(&c->mu);
    *out = db;
    return 0;
}

void blogdb_cluster_checkin(blogdb_cluster *c, blogdb_session *s, blogdb *db)
{
    bool last;
    if (!c || !db)
        return;
    if (db->routed_write && s && c->o.read_your_writes_ms > 0) {
        /* Where this connection's work ended: at or past its last commit. A position that cannot
         * be read (connection lost, a transaction still open) leaves 0: the primary until the
         * window ends. */
        uint64_t at = 0;
        if (db->conn && PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) == PQTRANS_IDLE &&
            !db->pipeline)
            at = query_lsn(db, "SELECT pg_current_wal_insert_lsn()");
        s->write_lsn = at == UINT64_MAX ? 0 : at;
        s->write_at_ms = blogdb__now_ms();
    }
    db->routed_write = false;
    blogdb_pool_checkin(db->pool, db);
    pthread_mutex_lock(&c->mu);
    c->out--;
    last = c->closing && c->out == 0;
    pthread_mutex_unlock(&c->mu);
    if (last)
        cluster_free(c);
}

int blogdb_cluster_run(blogdb_cluster *c, blogdb_session *s, blogdb_route route, const blogdb_tx_options *opts,
                       blogdb_tx_fn fn, void *ctx)
{
    blogdb_tx_options ro = {.version = 1};
    if (opts)
        ro = *opts;
    if (route == BLOGDB_ROUTE_READ) { /* a write there fails wherever the read lands, primary too */
        ro.read_only = true;
        opts = &ro;
    }
    for (int attempt = 0;; attempt++) {
        blogdb *db = NULL;
        bool replica;
        int rc = blogdb_cluster_checkout(c, s, route, &db);
        if (rc)
            return rc;
        replica = db->pool != c->primary;
        rc = blogdb_transact(db, opts, fn, ctx);
        if (rc)
            blogdb__pool_set_error("%s", blogdb_errmsg(db));
        if (rc == BLOGDB_ECONNECTION && replica) { /* look again before the next choice */
            pthread_mutex_lock(&c->mu);
            c->next_look = 0;
            pthread_mutex_unlock(&c->mu);
        }
        blogdb_cluster_checkin(c, s, db);
        if (!(rc == BLOGDB_ECONNECTION && route == BLOGDB_ROUTE_READ && replica && attempt == 0))
            return rc;
    }
}

void blogdb_cluster_get_stats(blogdb_cluster *c, blogdb_cluster_stats *out)
{
    if (!c || !out)
        return;
    pthread_mutex_lock(&c->mu);
    *out = c->stats;
    pthread_mutex_unlock(&c->mu);
}

void blogdb_cluster_close(blogdb_cluster *c)
{
    bool last;
    if (!c)
        return;
    blogdb_pool_close(c->primary);
    for (int i = 0; i < c->nreplicas; i++)
        blogdb_pool_close(c->replicas[i].pool);
    pthread_mutex_lock(&c->mu);
    c->closing = true;
    last = c->out == 0;
    pthread_mutex_unlock(&c->mu);
    if (last)
        cluster_free(c);
}
