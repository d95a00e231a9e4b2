/* libblogdb: pipelines. Generated calls made between blogdb_pipeline_begin() and
 * blogdb_pipeline_end() are sent at once and their results read back in order. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

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
    /* An atomic pipeline is one implicit transaction: the acting user is set once for it. */
    if ((flags & BLOGDB_PIPELINE_ATOMIC) && db->acting[0] && !db->pipeline_in_tx) {
        const char *v = db->acting;
        if (!PQsendQueryParams(db->conn, blogdb__set_acting_sql, 1, NULL, &v, NULL, NULL, 0))
            return blogdb__fail(db, BLOGDB_ECONNECTION, "%s", PQerrorMessage(db->conn));
    }
    return 0;
}

int blogdb__pl_queue(blogdb *db, const stmt_entry *st, int nparams, const blogdb_rt_relation *rel,
                     blogdb_rt_result shape, void *out, bool prepared_here)
{
    pl_entry *e;
    bool atomic = db->pipeline_flags & BLOGDB_PIPELINE_ATOMIC;
    if (db->npl == db->pl_cap) {
        size_t cap = db->pl_cap ? db->pl_cap * 2 : 64;
        pl_entry *p = realloc(db->pl, cap * sizeof *p);
        if (!p)
            return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory for the pipeline");
        db->pl = p;
        db->pl_cap = cap;
    }
    e = &db->pl[db->npl];
    memset(e, 0, sizeof *e);
    e->shape = shape;
    e->rel = rel;
    e->out = out;
    e->before = prepared_here ? 1 : 0;
    e->prepared_here = prepared_here;
    e->key = st->key;
    e->op = st->op;
    e->mask = st->mask;
    /* Each entry of a plain pipeline is its own implicit transaction, with its own acting user. */
    if (!atomic && db->acting[0] && !db->pipeline_in_tx) {
        const char *v = db->acting;
        if (!PQsendQueryParams(db->conn, blogdb__set_acting_sql, 1, NULL, &v, NULL, NULL, 0))
            return blogdb__fail(db, BLOGDB_ECONNECTION, "%s", PQerrorMessage(db->conn));
        e->before++;
    }
    if (!PQsendQueryPrepared(db->conn, st->name, nparams, db->pvalues, db->plengths, db->pformats, 1) ||
        (!atomic && !PQpipelineSync(db->conn)))
        return blogdb__fail(db, BLOGDB_ECONNECTION, "%s", PQerrorMessage(db->conn));
    blogdb__params_release(db);
    db->npl++;
    /* Keep the socket moving (reading what comes back meanwhile) so neither side stalls. */
    if (PQflush(db->conn) == 1 && blogdb__flush(db) != 0) {
        e->status = db->errcode;
        return db->errcode;
    }
    return 0;
}

/* Whether the connection is gone (the wait layer closed it, or libpq saw it break). */
static bool conn_lost(const blogdb *db)
{
    return !db->conn || PQstatus(db->conn) != CONNECTION_OK;
}

/* Reads one query's results up to its terminating NULL; returns the first, owned by the caller.
 * Sets *lost when the connection is gone: nothing more can be read then. */
static PGresult *read_query(blogdb *db, bool *lost)
{
    PGresult *first = NULL, *r;
    while (!*lost) {
        if (blogdb__result(db, &r) != 0) {
            *lost = true;
            break;
        }
        if (!r)
            break;
        if (!first)
            first = r;
        else
            PQclear(r);
        if (conn_lost(db))
            *lost = true;
    }
    if (conn_lost(db))
        *lost = true;
    return first;
}

/* Reads up to and including the PGRES_PIPELINE_SYNC of a segment: true when it arrived. */
static bool read_sync(blogdb *db, bool *lost)
{
    while (!*lost) {
        PGresult *r;
        ExecStatusType st;
        if (blogdb__result(db, &r) != 0) {
            *lost = true;
            break;
        }
        if (!r) {
            if (conn_lost(db))
                *lost = true;
            continue;
        }
        st = PQresultStatus(r);
        PQclear(r);
        if (st == PGRES_PIPELINE_SYNC)
            return true;
        if (conn_lost(db))
            *lost = true;
    }
    return false;
}

/* Whether a failed result is the server saying it is closing the session (FATAL, 57P01 ...):
 * then nothing after it ran. A result libpq made up for a broken socket has no SQLSTATE. */
static bool server_closed(const PGresult *res)
{
    const char *sev = res ? PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED) : NULL;
    return sev && (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0);
}

/* Whether a failed result is the server's answer (an error with a SQLSTATE, or "not run" in an
 * aborted pipeline): then the entry certainly did not commit. */
static bool refused(const PGresult *res)
{
    return PQresultStatus(res) == PGRES_PIPELINE_ABORTED || PQresultErrorField(res, PG_DIAG_SQLSTATE) != NULL;
}

/* The code of a failed result (also records the message when it is the first failure). */
static int result_code(blogdb *db, PGresult *res, bool record)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_PIPELINE_ABORTED)
        return BLOGDB_EABORTED;
    if (!record) /* the code only: the recorded error stays the first one */
        return blogdb__code_of_sqlstate(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
    return blogdb__fail_result(db, res);
}

/* Reads entry e's results: e->status, e->answered (its statement succeeded), and whether the
 * server closed the session in its place. */
static void read_entry(blogdb *db, pl_entry *e, bool record, bool *lost, bool *closed)
{
    PGresult *res;
    int code = 0;
    e->answered = e->refused = false;
    for (int k = 0; k < e->before && code == 0 && !*lost; k++) {
        PGresult *r = read_query(db, lost);
        ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (r && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            code = result_code(db, r, record && st != PGRES_PIPELINE_ABORTED);
            e->refused = refused(r);
            *closed |= server_closed(r);
        }
        PQclear(r);
    }
    if (*lost) {
        e->status = code;
        return;
    }
    res = read_query(db, lost); /* when a step before failed, this only skips the statement's results */
    if (code == 0 && res) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
            code = blogdb__shape_result(db, res, e->rel, e->shape, e->out);
            e->answered = true;
        } else {
            code = result_code(db, res, record && st != PGRES_PIPELINE_ABORTED);
            e->refused = refused(res);
            *closed |= server_closed(res);
        }
    }
    PQclear(res);
    e->status = code;
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

/*
 * What each entry reports when the connection is lost (design note).
 * Entries run in order and the server answers in order. An entry of a plain pipeline commits at
 * its own Sync, so:
 *  - its Sync arrived: its answer is final (0, the server's error, EABORTED);
 *  - the server refused it in place of an answer (an error), nothing of it was committed;
 *  - the server announced it was closing (FATAL) before anything of an entry arrived: that entry
 *    never ran: BLOGDB_EABORTED;
 *  - otherwise (its answer without its Sync, or silence): BLOGDB_EUNKNOWN — the server may have
 *    committed it just before the connection died.
 * An atomic pipeline commits at its one final Sync: without it, a failure or FATAL seen means
 * nothing was committed (the failed entry has its code, the others EABORTED); silence means
 * every entry is BLOGDB_EUNKNOWN. Inside the caller's transaction nothing commits here: a lost
 * connection loses the transaction, and every entry that had not failed reports ECONNECTION.
 */
int blogdb_pipeline_end(blogdb *db)
{
    bool atomic, lost = false, closed = false, any_refused = false;
    long first_failed = -1;
    if (!db)
        return BLOGDB_EINVAL;
    if (!db->pipeline)
        return blogdb__fail(db, BLOGDB_EINVAL, "no pipeline is open");
    atomic = db->pipeline_flags & BLOGDB_PIPELINE_ATOMIC;
    blogdb__clear_error(db);
    if (atomic && db->conn && !PQpipelineSync(db->conn))
        lost = true;
    if (!lost && blogdb__flush(db) != 0)
        lost = true;
    if (!lost && atomic && db->acting[0] && !db->pipeline_in_tx)
        PQclear(read_query(db, &lost)); /* the pipeline's own set_config */
    for (size_t i = 0; i < db->npl; i++) {
        pl_entry *e = &db->pl[i];
        bool synced = false;
        e->status = 0;
        e->answered = e->refused = false;
        if (!lost) {
            read_entry(db, e, first_failed < 0, &lost, &closed);
            if (!atomic && !lost)
                synced = read_sync(db, &lost);
        }
        any_refused |= e->refused;
        if (e->status != 0 && e->prepared_here)
            blogdb__stmt_forget(db, e->key, e->op, e->mask);
        if (!atomic && !db->pipeline_in_tx && !synced && !e->refused)
            /* Its commit was not confirmed: it never ran if the server had announced it was closing
             * before anything of it arrived; otherwise nobody can tell. */
            entry_void(e, closed && !e->answered ? BLOGDB_EABORTED : BLOGDB_EUNKNOWN);
        if (e->status != 0 && first_failed < 0)
            first_failed = (long)i;
    }
    if (atomic && !lost && !read_sync(db, &lost) && !lost)
        lost = true;
    if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
        PQexitPipelineMode(db->conn);
    db->pipeline = false;

    if (lost && db->pipeline_in_tx) {
        /* The caller's transaction died with the connection: nothing of it will commit. */
        for (size_t i = 0; i < db->npl; i++)
            if (!db->pl[i].refused)
                entry_void(&db->pl[i], BLOGDB_ECONNECTION);
    } else if (atomic && lost && !any_refused) {
        for (size_t i = 0; i < db->npl; i++)
            entry_void(&db->pl[i], BLOGDB_EUNKNOWN); /* the one commit may or may not have happened */
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
    first_failed = -1;
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
