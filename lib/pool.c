/* libblogdb_rt: a thread-safe pool of connections (include/blogdb/pool.h).
 *
 * Invariants, all under pool->mu:
 *  - slots[0..nslots) hold the open connections; a slot is idle (in_use false) or checked out;
 *  - nslots + opening <= max_size: `opening` counts connections being made outside the lock, so
 *    the bound holds while a connect is slow;
 *  - a connection is only ever touched by the thread that checked it out, or by the pool while
 *    it is idle and under the lock is marked in_use (checkout takes it before checking it).
 * The pool is freed by whichever of blogdb_pool_close() and the last checkin comes last. */
#include "blogdb/pool.h"

#include "internal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct pool_slot {
    blogdb *db;
    bool in_use;
    int64_t born;      /* CLOCK_MONOTONIC ms */
    int64_t last_used;
} pool_slot;

struct blogdb_pool {
    pthread_mutex_t mu;
    pthread_cond_t freed; /* a slot became idle, one was closed, or the pool is closing */
    char *conninfo;
    blogdb_pool_options o;
    pool_slot *slots;
    int nslots, opening, waiting;
    long opened, replaced;
    bool closing;
};

static _Thread_local char pool_error[512];

void blogdb__pool_set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pool_error, sizeof pool_error, fmt, ap);
    va_end(ap);
}

const char *blogdb_pool_errmsg(void)
{
    return pool_error;
}

static int option(int value, int dflt, int lo, int hi, bool *bad)
{
    if (value == 0)
        return dflt;
    if (value < lo || value > hi)
        *bad = true;
    return value;
}

static int read_options(const blogdb_pool_options *in, blogdb_pool_options *o)
{
    bool bad = false;
    blogdb_pool_options zero = {.version = 1};
    if (!in)
        in = &zero;
    if (in->version != 1) {
        blogdb__pool_set_error("blogdb_pool_open: options version %d, expected 1", in->version);
        return BLOGDB_EINVAL;
    }
    o->version = 1;
    o->max_size = option(in->max_size, 4, 1, 1000, &bad);
    o->checkout_timeout_ms = option(in->checkout_timeout_ms, 5000, 1, INT32_MAX, &bad);
    o->health_check_idle_ms = option(in->health_check_idle_ms, 1000, -1, INT32_MAX, &bad);
    o->max_lifetime_ms = option(in->max_lifetime_ms, 30 * 60 * 1000, -1, INT32_MAX, &bad);
    o->idle_timeout_ms = option(in->idle_timeout_ms, 10 * 60 * 1000, -1, INT32_MAX, &bad);
    o->call_timeout_ms = option(in->call_timeout_ms, BLOGDB_DEFAULT_TIMEOUT_MS, 1, INT32_MAX, &bad);
    o->statement_timeout_ms = option(in->statement_timeout_ms, 0, 1, INT32_MAX, &bad);
    o->unnamed_statements = in->unnamed_statements;
    if (bad) {
        blogdb__pool_set_error("blogdb_pool_open: an option is out of range (see blogdb/pool.h)");
        return BLOGDB_EINVAL;
    }
    return 0;
}

/* A new connection with the pool's settings, made without the lock. */
static int open_one(blogdb_pool *p, blogdb **out)
{
    int rc = blogdb_connect(out, p->conninfo);
    if (rc) {
        blogdb__pool_set_error("blogdb_pool: cannot connect: %s", blogdb_connect_error());
        return rc;
    }
    blogdb_set_timeout(*out, p->o.call_timeout_ms);
    blogdb_set_statement_mode(*out, p->o.unnamed_statements ? BLOGDB_STATEMENTS_UNNAMED : BLOGDB_STATEMENTS_NAMED);
    if (p->o.statement_timeout_ms > 0 && (rc = blogdb_set_statement_timeout(*out, p->o.statement_timeout_ms)) != 0) {
        blogdb__pool_set_error("blogdb_pool: cannot set the statement timeout: %s", blogdb_errmsg(*out));
        blogdb_close(*out);
        *out = NULL;
    }
    return rc;
}

static void pool_free(blogdb_pool *p)
{
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->freed);
    free(p->slots);
    free(p->conninfo);
    free(p);
}

/* Under the lock: the pool is closing and nothing of it is left out (then the caller frees it). */
static bool last_out(const blogdb_pool *p)
{
    return p->closing && p->nslots == 0 && p->opening == 0 && p->waiting == 0;
}

/* Removes slot i (its connection is the caller's to close, outside the lock). */
static blogdb *take_slot(blogdb_pool *p, int i)
{
    blogdb *db = p->slots[i].db;
    p->slots[i] = p->slots[--p->nslots];
    pthread_cond_broadcast(&p->freed);
    return db;
}

static void add_slot(blogdb_pool *p, blogdb *db, bool in_use)
{
    int64_t t = blogdb__now_ms();
    p->slots[p->nslots++] = (pool_slot){.db = db, .in_use = in_use, .born = t, .last_used = t};
    db->pool = p;
    p->opened++;
}

int blogdb_pool_open(blogdb_pool **out, const char *conninfo, const blogdb_pool_options *opts)
{
    blogdb_pool *p;
    blogdb *first = NULL;
    pthread_condattr_t ca;
    int rc;
    pool_error[0] = '\0';
    if (out)
        *out = NULL;
    if (!out || !conninfo) {
        blogdb__pool_set_error("blogdb_pool_open: NULL argument");
        return BLOGDB_EINVAL;
    }
    if (!(p = calloc(1, sizeof *p))) {
        blogdb__pool_set_error("out of memory");
        return BLOGDB_ENOMEM;
    }
    if ((rc = read_options(opts, &p->o)) != 0) {
        free(p);
        return rc;
    }
    p->conninfo = strdup(conninfo);
    p->slots = calloc((size_t)p->o.max_size, sizeof *p->slots);
    if (!p->conninfo || !p->slots) {
        free(p->conninfo);
        free(p->slots);
        free(p);
        blogdb__pool_set_error("out of memory");
        return BLOGDB_ENOMEM;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->freed, &ca);
    pthread_condattr_destroy(&ca);
    if ((rc = open_one(p, &first)) != 0) {
        pool_free(p);
        return rc;
    }
    add_slot(p, first, false);
    *out = p;
    return 0;
}

/* Makes a checked-out connection fit to hand out: replaced when too old, checked when idle a
 * while (and reconnected when its server is gone). 0, or the failure (the connection is closed). */
static int freshen(blogdb_pool *p, pool_slot *s, bool *replaced)
{
    int64_t t = blogdb__now_ms();
    bool old = p->o.max_lifetime_ms > 0 && t - s->born > p->o.max_lifetime_ms;
    bool check = p->o.health_check_idle_ms < 0 || t - s->last_used > p->o.health_check_idle_ms;
    *replaced = false;
    if (!old && check) {
        PGresult *r;
        blogdb__clear_error(s->db);
        blogdb__call_start(s->db);
        r = blogdb__exec(s->db, "");
        old = PQresultStatus(r) != PGRES_EMPTY_QUERY;
        PQclear(r);
    }
    if (!old)
        return 0;
    *replaced = true;
    if (blogdb_reconnect(s->db) != 0) {
        blogdb__pool_set_error("blogdb_pool: cannot reconnect: %s", blogdb_errmsg(s->db));
        return BLOGDB_ECONNECTION;
    }
    s->born = blogdb__now_ms();
    return 0;
}

/* Under the lock: closes (after unlocking) idle connections past their idle timeout. Returns how
 * many it took out; their connections go to *closing (at most max_size). */
static int reap_idle(blogdb_pool *p, blogdb **closing)
{
    int n = 0;
    int64_t t = blogdb__now_ms();
    if (p->o.idle_timeout_ms < 0)
        return 0;
    for (int i = p->nslots - 1; i >= 0; i--)
        if (!p->slots[i].in_use && t - p->slots[i].last_used > p->o.idle_timeout_ms)
            closing[n++] = take_slot(p, i);
    return n;
}

static int checkout_locked(blogdb_pool *p, int64_t deadline, int *slot)
{
    while (!p->closing) {
        int best = -1;
        for (int i = 0; i < p->nslots; i++) /* the most recently used idle one: its caches are warm */
            if (!p->slots[i].in_use && (best < 0 || p->slots[i].last_used > p->slots[best].last_used))
                best = i;
        if (best >= 0) {
            p->slots[best].in_use = true;
            *slot = best;
            return 0;
        }
        if (p->nslots + p->opening < p->o.max_size) {
            *slot = -1; /* the caller opens one */
            p->opening++;
            return 0;
        }
        {
            int64_t left = deadline - blogdb__now_ms();
            struct timespec ts;
            int wrc;
            if (left <= 0) {
                blogdb__pool_set_error("blogdb_pool_checkout: no connection free within %d ms (%d in use)", p->o.checkout_timeout_ms, p->nslots);
                return BLOGDB_ETIMEOUT;
            }
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += (time_t)(left / 1000);
            ts.tv_nsec += (long)(left % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            p->waiting++;
            wrc = pthread_cond_timedwait(&p->freed, &p->mu, &ts);
            p->waiting--;
            (void)wrc; /* the loop re-checks the deadline */
        }
    }
    blogdb__pool_set_error("blogdb_pool_checkout: the pool is closing");
    return BLOGDB_ECONNECTION;
}

int blogdb_pool_checkout(blogdb_pool *p, blogdb **out)
{
    int64_t deadline;
    blogdb *closing[1000], *db = NULL;
    int nclose, slot = -1, rc;
    bool replaced, last;
    pool_error[0] = '\0';
    if (out)
        *out = NULL;
    if (!p || !out) {
        blogdb__pool_set_error("blogdb_pool_checkout: NULL argument");
        return BLOGDB_EINVAL;
    }
    deadline = blogdb__now_ms() + p->o.checkout_timeout_ms;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        nclose = reap_idle(p, closing);
        rc = checkout_locked(p, deadline, &slot);
        if (rc == 0 && slot >= 0)
            db = p->slots[slot].db;
        last = rc != 0 && last_out(p);
        pthread_mutex_unlock(&p->mu);
        for (int i = 0; i < nclose; i++)
            blogdb_close(closing[i]);
        if (last)
            pool_free(p);
        if (rc)
            return rc;
        if (slot < 0) { /* a new connection, made outside the lock */
            rc = open_one(p, &db);
            pthread_mutex_lock(&p->mu);
            p->opening--;
            if (rc == 0)
                add_slot(p, db, true);
            else
                pthread_cond_broadcast(&p->freed);
            last = last_out(p);
            pthread_mutex_unlock(&p->mu);
            if (rc == 0)
                *out = db;
            if (last)
                pool_free(p);
            return rc;
        }
        {
            pool_slot s;
            pthread_mutex_lock(&p->mu);
            s = p->slots[slot];
            pthread_mutex_unlock(&p->mu);
            /* The slot is ours (in_use): its fields change only here and at checkin. */
            rc = freshen(p, &s, &replaced);
            pthread_mutex_lock(&p->mu);
            for (int i = 0; i < p->nslots; i++) /* slots move when others are taken out */
                if (p->slots[i].db == db) {
                    if (rc == 0) {
                        p->slots[i].born = s.born;
                        p->replaced += replaced;
                    } else {
                        take_slot(p, i);
                    }
                    break;
                }
            pthread_mutex_unlock(&p->mu);
            if (rc == 0) {
                *out = db;
                return 0;
            }
            blogdb_close(db);
            return rc;
        }
    }
}

/* Makes a returned connection clean for its next user; false when it cannot be. */
static bool make_clean(blogdb_pool *p, blogdb *db)
{
    /* A server that refused a write as read-only may be a primary being demoted: the next
     * connection (multi-host conninfo, target_session_attrs=read-write) finds the new one. */
    bool ok = db->conn && PQstatus(db->conn) == CONNECTION_OK && !db->pipeline &&
              PQtransactionStatus(db->conn) != PQTRANS_ACTIVE && !db->refused_read_only;
    if (!ok)
        return false;
    blogdb__clear_error(db);
    db->acting[0] = '\0';
    db->timeout_ms = p->o.call_timeout_ms;
    db->notice_fn = NULL;
    db->notice_ctx = NULL;
    atomic_store(&db->cancel_requested, false);
    if (blogdb__in_transaction(db)) {
        blogdb__call_start(db);
        blogdb__rollback_quietly(db);
        if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
            return false;
    }
    db->stmt_timeout_ms = p->o.statement_timeout_ms; /* never a session setting (acting.c) */
    return PQstatus(db->conn) == CONNECTION_OK;
}

void blogdb_pool_checkin(blogdb_pool *p, blogdb *db)
{
    bool clean, closing, last;
    if (!p || !db)
        return;
    pthread_mutex_lock(&p->mu);
    closing = p->closing;
    pthread_mutex_unlock(&p->mu);
    clean = !closing && make_clean(p, db);
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->nslots; i++)
        if (p->slots[i].db == db) {
            if (clean && !p->closing) {
                p->slots[i].in_use = false;
                p->slots[i].last_used = blogdb__now_ms();
                pthread_cond_broadcast(&p->freed);
                db = NULL;
            } else {
                take_slot(p, i);
                p->replaced += !p->closing;
            }
            break;
        }
    last = last_out(p);
    pthread_mutex_unlock(&p->mu);
    blogdb_close(db);
    if (last)
        pool_free(p);
}

int blogdb_pool_run(blogdb_pool *p, const blogdb_tx_options *opts, blogdb_tx_fn fn, void *ctx)
{
    blogdb *db = NULL;
    int rc = blogdb_pool_checkout(p, &db);
    if (rc)
        return rc;
    rc = blogdb_transact(db, opts, fn, ctx);
    if (rc)
        blogdb__pool_set_error("%s", blogdb_errmsg(db));
    blogdb_pool_checkin(p, db);
    return rc;
}

void blogdb_pool_get_stats(blogdb_pool *p, blogdb_pool_stats *out)
{
    if (!p || !out)
        return;
    pthread_mutex_lock(&p->mu);
    out->open = p->nslots;
    out->in_use = 0;
    for (int i = 0; i < p->nslots; i++)
        out->in_use += p->slots[i].in_use;
    out->waiting = p->waiting;
    out->opened = p->opened;
    out->replaced = p->replaced;
    pthread_mutex_unlock(&p->mu);
}

void blogdb_pool_close(blogdb_pool *p)
{
    blogdb *closing[1000];
    int n = 0;
    bool last;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->closing = true;
    for (int i = p->nslots - 1; i >= 0; i--)
        if (!p->slots[i].in_use)
            closing[n++] = take_slot(p, i);
    pthread_cond_broadcast(&p->freed);
    last = last_out(p);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < n; i++)
        blogdb_close(closing[i]);
    if (last)
        pool_free(p);
}
