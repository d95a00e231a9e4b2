/* libblogdb: pipelines. Generated calls made between blogdb_pipeline_begin() and
 * blogdb_pipeline_end() are sent at once and their results read back in order.
 *
 * Design note — reading while queueing, and what a lost connection leaves known.
 *  Results are read while the application is still queueing (pl_read with block = false, every
 *  READ_EVERY entries), and the rest in blogdb_pipeline_end() (block = true). The reader is a small
 *  state machine over the queued entries: each entry has `before` queries to read first (its
 *  PQsendPrepare, its set_config for the acting user), then its statement, then — in a plain
 *  pipeline — its own Sync, at which the server commits it.
 *  Results are parsed before libpq reads again (see next_result), so everything the server sent
 *  before a break is read in order, its FATAL included. When the connection is lost, every entry
 *  whose commit was not confirmed reports:
 *   - plain pipeline: BLOGDB_EUNKNOWN, or BLOGDB_EABORTED once the server had announced (FATAL)
 *     that it was closing before the entry ran; an entry the server refused keeps its error;
 *   - atomic pipeline (one commit at the final Sync): BLOGDB_EUNKNOWN for every entry, unless an
 *     entry had already failed or the server had announced it was closing: then nothing was
 *     committed (the failed entry has its code, the others BLOGDB_EABORTED);
 *   - inside the caller's transaction nothing commits here: every entry that had not failed
 *     reports BLOGDB_ECONNECTION (the transaction is gone).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* How often queueing reads what has come back (see blogdb__pl_queue). */
#define READ_EVERY 64

int blogdb_pipeline_begin(blogdb *db, unsigned flags)
{
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (db->pipeline)
        return blogdb__fail(db, BLOGDB_EINVAL, "a pipeline is already open");
    if (blogdb__check_conn(db) != 0)
        return db->errcode;
    if (blogdb__in_transaction(db) && PQtransactionStatus(db->conn) == PQTRANS_INERROR)
        return blogdb__fail(db, BLOGDB_EABORTED, "the transaction has failed: roll it back first");
    if (!PQenterPipelineMode(db->conn))
        return blogdb__fail(db, BLOGDB_ECONNECTION, "cannot enter pipeline mode: %s", PQerrorMessage(db->conn));
    db->pipeline_in_tx = blogdb__in_transaction(db); /* libpq says ACTIVE once queries are queued */
    db->pipeline = true;
    db->pipeline_flags = flags;
    db->npl = 0;
    db->pl_next = 0;
    db->pl_pre = 0;
    db->pl_lost = db->pl_closed = false;
    /* An atomic pipeline is one implicit transaction: the acting user is set once for it. */
    if ((flags & BLOGDB_PIPELINE_ATOMIC) && blogdb__has_local_settings(db) && !db->pipeline_in_tx) {
        if (!blogdb__send_local(db))
            return blogdb__fail(db, BLOGDB_ECONNECTION, "%s", PQerrorMessage(db->conn));
        db->pl_pre = 1;
    }
    return 0;
}

/* Whether a failed result is the server's answer (an error with a SQLSTATE, or "not run" in an
 * aborted pipeline): then the entry certainly did not commit. */
static bool refused(const PGresult *res)
{
    return PQresultStatus(res) == PGRES_PIPELINE_ABORTED || PQresultErrorField(res, PG_DIAG_SQLSTATE) != NULL;
}

/* Whether a failed result is the server saying it is closing the session (FATAL, 57P01 ...). */
static bool server_closed(const PGresult *res)
{
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    return sev && (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0);
}

/* The code of a failed result; the first failure of the pipeline also records its message. */
static int result_code(blogdb *db, PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_PIPELINE_ABORTED)
        return BLOGDB_EABORTED;
    if (db->errcode) /* the recorded error stays the first one */
        return blogdb__code_of_sqlstate(PQresultErrorField(res, PG_DIAG_SQLSTATE));
    return blogdb__fail_result(db, res);
}

/* The next result, without blocking when !block (blogdb__next_result: what the server sent before
 * a break is all handed out, in order). 0 with *out set (NULL: end of a query's results), 1 when
 * nothing is ready yet, -1 when the connection is gone (db->pl_lost): after libpq's own
 * "connection lost" result (no SQLSTATE), or NULL on a broken connection, the reading ends. */
static int next_result(blogdb *db, bool block, PGresult **out)
{
    int rc;
    *out = NULL;
    if (db->pl_lost || !db->conn || (rc = blogdb__next_result(db, block, out)) < 0) {
        db->pl_lost = true;
        return -1;
    }
    if (rc > 0)
        return 1;
    if (db->conn && PQstatus(db->conn) == CONNECTION_BAD &&
        (!*out || (PQresultStatus(*out) == PGRES_FATAL_ERROR && !PQresultErrorField(*out, PG_DIAG_SQLSTATE)))) {
        PQclear(*out);
        *out = NULL;
        db->pl_lost = true;
        return -1;
    }
    return 0;
}

/* Reads one query to its end: the first result is kept in *held until the terminating NULL.
 * 0 when the query is complete, 1 when not yet (non-blocking), -1 when lost. */
static int read_query(blogdb *db, bool block, PGresult **held)
{
    for (;;) {
        PGresult *r;
        int rc = next_result(db, block, &r);
        if (rc)
            return rc;
        if (!r)
            return 0;
        if (!*held)
            *held = r;
        else
            PQclear(r);
    }
}

/* Reads up to and including a PGRES_PIPELINE_SYNC. */
static int read_sync(blogdb *db, bool block)
{
    int nulls = 0;
    for (;;) {
        PGresult *r;
        ExecStatusType st;
        int rc = next_result(db, block, &r);
        if (rc)
            return rc;
        if (!r) {
            /* Nothing is queued in libpq any more: the Sync we wait for will never come. Only a
             * miscount could bring us here; give up rather than spin. */
            if (++nulls > 2) {
                db->pl_lost = true;
                return -1;
            }
            continue;
        }
        nulls = 0;
        st = PQresultStatus(r);
        PQclear(r);
        if (st == PGRES_PIPELINE_SYNC)
            return 0;
    }
}

/* Settles a query of entry e that has been read completely. */
static void settle(blogdb *db, pl_entry *e, PGresult *res, bool is_main)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (e->status != 0) /* a step before failed: this one only had to be skipped */
        return;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        if (is_main) {
            e->status = blogdb__shape_result(db, res, e->rel, e->shape, e->out);
            e->answered = true;
        }
        return;
    }
    if (!res) {
        e->status = BLOGDB_ECONNECTION;
        return;
    }
    e->status = result_code(db, res);
    e->refused = refused(res);
    db->pl_closed |= server_closed(res);
}

/* Reads what has arrived (block: everything queued). 0 when done or nothing more is ready. */
static void pl_read(blogdb *db, bool block)
{
    bool atomic = db->pipeline_flags & BLOGDB_PIPELINE_ATOMIC;
    while (!db->pl_lost && db->pl_pre > 0) { /* the atomic pipeline's own set_config */
        if (read_query(db, block, &db->pl_held) != 0)
            return;
        PQclear(db->pl_held);
        db->pl_held = NULL;
        db->pl_pre--;
    }
    while (!db->pl_lost && db->pl_next < db->npl) {
        pl_entry *e = &db->pl[db->pl_next];
        if (e->step <= e->before) { /* the queries before, then the statement itself */
            if (read_query(db, block, &db->pl_held) != 0)
                return;
            settle(db, e, db->pl_held, e->step == e->before);
            PQclear(db->pl_held);
            db->pl_held = NULL;
            e->step++;
            continue;
        }
        if (!atomic) {
            if (read_sync(db, block) != 0)
                return;
            e->synced = true;
        }
        if (e->status != 0 && e->prepared_here)
            blogdb__stmt_forget(db, e->stmt);
        db->pl_next++;
    }
}

int blogdb__pl_queue(blogdb *db, const stmt_entry *st, int nparams, const blogdb_rt_relation *rel,
                     blogdb_rt_result shape, void *out, bool prepared_here)
{
    pl_entry *e;
    bool atomic = db->pipeline_flags & BLOGDB_PIPELINE_ATOMIC;
    int before = prepared_here ? 1 : 0;
    if (db->npl == db->pl_cap) {
        size_t cap = db->pl_cap ? db->pl_cap * 2 : 64;
        pl_entry *p = realloc(db->pl, cap * sizeof *p);
        if (!p)
            return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory for the pipeline");
        db->pl = p;
        db->pl_cap = cap;
    }
    /* Each entry of a plain pipeline is its own implicit transaction, with its own acting user. */
    if (!atomic && blogdb__has_local_settings(db) && !db->pipeline_in_tx) {
        if (!blogdb__send_local(db))
            return blogdb__fail(db, BLOGDB_ECONNECTION, "%s", PQerrorMessage(db->conn));
        before++;
    }
    if (!blogdb__send_exec(db, st, nparams) ||
        (!atomic && !PQpipelineSync(db->conn)))
        return blogdb__fail(db, BLOGDB_ECONNECTION, "%s", PQerrorMessage(db->conn));
    blogdb__params_release(db);
    e = &db->pl[db->npl++];
    memset(e, 0, sizeof *e);
    e->shape = shape;
    e->rel = rel;
    e->out = out;
    e->before = before;
    e->prepared_here = prepared_here;
    memcpy(e->stmt, st->name, sizeof e->stmt);
    /* Every READ_EVERY entries, push out what libpq holds (without waiting) and settle what has
     * come back: the server never stalls on a full socket, and a lost connection leaves only
     * the last few entries unknown. In between, libpq flushes at its own buffer threshold, so
     * entries travel many to a packet. */
    if (db->npl % READ_EVERY == 0) {
        if (PQflush(db->conn) < 0)
            db->pl_lost = true;
        pl_read(db, false);
    }
    return 0;
}

/* Frees what an entry handed out (it was rolled back after all) and sets its code. */
static void entry_void(pl_entry *e, int code)
{
    if (e->status == 0 && (e->shape == BLOGDB_RT_ONE || e->shape == BLOGDB_RT_MANY) && e->out) {
        void *p;
        memcpy(&p, e->out, sizeof p);
        free(p);
        p = NULL;
        memcpy(e->out, &p, sizeof p);
    }
    e->status = code;
}

/* After the connection was lost: what each entry whose fate was not read can still say. */
static void settle_lost(blogdb *db, bool atomic)
{
    bool any_refused = false;
    for (size_t i = 0; i < db->npl; i++)
        any_refused |= db->pl[i].refused;
    for (size_t i = 0; i < db->npl; i++) {
        pl_entry *e = &db->pl[i];
        if (e->refused)
            continue; /* the server's own answer */
        if (db->pipeline_in_tx)
            entry_void(e, BLOGDB_ECONNECTION);
        else if (atomic)
            entry_void(e, any_refused || db->pl_closed ? BLOGDB_EABORTED : BLOGDB_EUNKNOWN);
        else if (!e->synced)
            entry_void(e, db->pl_closed && !e->answered ? BLOGDB_EABORTED : BLOGDB_EUNKNOWN);
    }
}

int blogdb_pipeline_end(blogdb *db)
{
    bool atomic;
    long first_failed = -1;
    if (!db)
        return BLOGDB_EINVAL;
    if (!db->pipeline)
        return blogdb__fail(db, BLOGDB_EINVAL, "no pipeline is open");
    atomic = db->pipeline_flags & BLOGDB_PIPELINE_ATOMIC;
    blogdb__clear_error(db);
    if (atomic && !db->pl_lost && !PQpipelineSync(db->conn))
        db->pl_lost = true;
    if (!db->pl_lost && blogdb__flush(db) != 0)
        db->pl_lost = true;
    pl_read(db, true);
    if (atomic && !db->pl_lost && read_sync(db, true) != 0)
        db->pl_lost = true;
    PQclear(db->pl_held);
    db->pl_held = NULL;
    if (blogdb__conn_alive(db))
        PQexitPipelineMode(db->conn);
    db->pipeline = false;

    if (db->pl_lost) {
        settle_lost(db, atomic);
    } else if (atomic) {
        /* One transaction, which failed: everything else was rolled back or never ran. */
        long failed = -1;
        for (size_t i = 0; i < db->npl && failed < 0; i++)
            if (db->pl[i].status != 0 && db->pl[i].status != BLOGDB_EABORTED)
                failed = (long)i;
        if (failed >= 0)
            for (size_t i = 0; i < db->npl; i++)
                if ((long)i != failed)
                    entry_void(&db->pl[i], BLOGDB_EABORTED);
    }

    /* The first failure: an entry's own error, else the first entry not run. */
    for (size_t i = 0; i < db->npl && first_failed < 0; i++)
        if (db->pl[i].status != 0 && db->pl[i].status != BLOGDB_EABORTED)
            first_failed = (long)i;
    for (size_t i = 0; i < db->npl && first_failed < 0; i++)
        if (db->pl[i].status != 0)
            first_failed = (long)i;
    if (first_failed >= 0) {
        int code = db->pl[first_failed].status;
        if (code != db->errcode || !db->errmsg[0]) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", db->errmsg);
            blogdb__fail(db, code, "pipeline entry %ld: %s%s%s", first_failed, blogdb_strerror(code),
                         msg[0] ? ": " : "", msg);
        }
        db->failed_index = first_failed;
        return code;
    }
    blogdb__clear_error(db);
    return 0;
}

size_t blogdb_pipeline_count(const blogdb *db)
{
    return db ? db->npl : 0;
}

int blogdb_pipeline_status(const blogdb *db, size_t i)
{
    return db && i < db->npl ? db->pl[i].status : BLOGDB_EINVAL;
}
