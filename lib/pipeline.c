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
    if (PQstatus(db->conn) != CONNECTION_OK)
        return blogdb__fail(db, BLOGDB_ECONNECTION, "the connection is broken: %s", PQerrorMessage(db->conn));
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
    return 0;
}

/* Reads one query's results up to its terminating NULL; returns the first, owned by the caller. */
static PGresult *read_query(blogdb *db)
{
    PGresult *first = NULL, *r;
    while ((r = PQgetResult(db->conn)) != NULL) {
        if (!first)
            first = r;
        else
            PQclear(r);
    }
    return first;
}

/* Reads up to and including the PGRES_PIPELINE_SYNC of a segment. */
static void read_sync(blogdb *db)
{
    for (;;) {
        PGresult *r = PQgetResult(db->conn);
        ExecStatusType st;
        if (!r) {
            if (PQstatus(db->conn) != CONNECTION_OK)
                return;
            continue;
        }
        st = PQresultStatus(r);
        PQclear(r);
        if (st == PGRES_PIPELINE_SYNC)
            return;
    }
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

int blogdb_pipeline_end(blogdb *db)
{
    bool atomic;
    long first_failed = -1;
    int first_code = 0;
    if (!db)
        return BLOGDB_EINVAL;
    if (!db->pipeline)
        return blogdb__fail(db, BLOGDB_EINVAL, "no pipeline is open");
    atomic = db->pipeline_flags & BLOGDB_PIPELINE_ATOMIC;
    blogdb__clear_error(db);
    if (atomic && !PQpipelineSync(db->conn)) {
        db->pipeline = false;
        PQexitPipelineMode(db->conn);
        return blogdb__fail(db, BLOGDB_ECONNECTION, "%s", PQerrorMessage(db->conn));
    }
    if (atomic && db->acting[0] && !db->pipeline_in_tx) {
        PGresult *r = read_query(db); /* the pipeline's own set_config */
        PQclear(r);
    }
    for (size_t i = 0; i < db->npl; i++) {
        pl_entry *e = &db->pl[i];
        PGresult *res = NULL;
        int code = 0;
        for (int k = 0; k < e->before && code == 0; k++) {
            PGresult *r = read_query(db);
            ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
            if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
                code = result_code(db, r, first_failed < 0 && st != PGRES_PIPELINE_ABORTED);
            PQclear(r);
        }
        if (code == 0) {
            ExecStatusType st;
            res = read_query(db);
            st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
            if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
                code = blogdb__shape_result(db, res, e->rel, e->shape, e->out);
            else
                code = result_code(db, res, first_failed < 0 && st != PGRES_PIPELINE_ABORTED);
            PQclear(res);
        } else {
            /* skip what is left of the entry: its main query */
            PQclear(read_query(db));
        }
        if (code != 0 && e->prepared_here)
            blogdb__stmt_forget(db, e->key, e->op, e->mask);
        if (!atomic)
            read_sync(db);
        e->status = code;
        if (code != 0 && code != BLOGDB_EABORTED && first_failed < 0) {
            first_failed = (long)i;
            first_code = code;
        }
    }
    if (atomic)
        read_sync(db);
    PQexitPipelineMode(db->conn);
    db->pipeline = false;
    if (atomic && first_failed >= 0)
        /* One transaction: everything else was rolled back or never ran. */
        for (size_t i = 0; i < db->npl; i++)
            if ((long)i != first_failed) {
                pl_entry *e = &db->pl[i];
                if (e->status == 0 && (e->shape == BLOGDB_RT_ONE || e->shape == BLOGDB_RT_MANY) && e->out) {
                    void *p;
                    memcpy(&p, e->out, sizeof p);
                    blogdb_rt_free(p);
                    p = NULL;
                    memcpy(e->out, &p, sizeof p);
                }
                e->status = BLOGDB_EABORTED;
            }
    if (first_failed >= 0) {
        db->failed_index = first_failed;
        db->errcode = first_code;
        return first_code;
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
