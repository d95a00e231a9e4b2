/* libblogdb: streaming reads through a server-side cursor, in constant memory. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_ROWS 1000

/* Decodes row r of res into the reusable row buffer. */
static int decode_into_rowbuf(blogdb *db, const blogdb_rt_relation *rel, const PGresult *res, int r)
{
    size_t need = rel->row_size + 16;
    char *heap;
    for (int f = 0; f < rel->ncolumns; f++)
        need += blogdb__extra_size(res, r, f, &rel->columns[f]);
    if (need > db->rowbuf_cap) {
        size_t cap = db->rowbuf_cap ? db->rowbuf_cap : 4096;
        char *p;
        while (cap < need)
            cap *= 2;
        p = realloc(db->rowbuf, cap); /* malloc's alignment suits any row struct */
        if (!p)
            return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory for a row of %s", rel->name);
        db->rowbuf = p;
        db->rowbuf_cap = cap;
    }
    memset(db->rowbuf, 0, rel->row_size);
    heap = db->rowbuf + rel->row_size;
    for (int f = 0; f < rel->ncolumns; f++) {
        int rc = blogdb__decode(db, res, r, f, &rel->columns[f], db->rowbuf, &heap);
        if (rc)
            return rc;
    }
    return 0;
}

/* Sends a FETCH without waiting for its rows (read with blogdb__collect). */
static int send_fetch(blogdb *db, const char *fetch)
{
    blogdb__deadline_renew(db);
    return blogdb__sent(db, PQsendQueryParams(db->conn, fetch, 0, NULL, NULL, NULL, NULL, 1));
}

/* Streams the rows of sql (its nparams parameters encoded in db's scratch) to fn, as rel's rows. */
static int stream(blogdb *db, const char *sql_in, int nparams, const blogdb_rt_relation *rel,
                  int (*fn)(const void *row, void *ctx), void *ctx)
{
    char declare[40], fetch[96], close[64];
    char *sql = NULL;
    bool own;
    int rc = 0, stop = 0;
    PGresult *res;

    snprintf(declare, sizeof declare, "blogdb_cursor_%lu", ++db->next_cursor);
    sql = malloc(strlen(sql_in) + 80);
    if (!sql) {
        blogdb__params_release(db);
        return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
    }
    sprintf(sql, "DECLARE %s NO SCROLL CURSOR FOR %s", declare, sql_in);
    snprintf(fetch, sizeof fetch, "FETCH FORWARD %d FROM %s", FETCH_ROWS, declare);
    snprintf(close, sizeof close, "CLOSE %s", declare);

    /* A cursor lives in a transaction: the caller's, or one of our own (with the acting user). */
    own = !blogdb__in_transaction(db);
    if (own && (rc = blogdb__begin(db, "READ ONLY", db->acting)) != 0) {
        free(sql);
        blogdb__params_release(db);
        return rc;
    }
    res = blogdb__exec_params(db, sql, nparams, db->pvalues, db->plengths, db->pformats, 1);
    free(sql);
    blogdb__params_release(db);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = blogdb__fail_result(db, res);
    PQclear(res);
    /* Read ahead: the next FETCH is sent before this chunk is decoded, so the server produces
     * chunk k + 1 while the client decodes chunk k and fn sees its rows (serially, the two waited
     * on each other: psql's COPY TO, which streams without a round trip, was 20 % faster). */
    if (rc == 0)
        rc = send_fetch(db, fetch);
    while (rc == 0) {
        int n;
        bool more;
        blogdb__deadline_renew(db); /* the deadline bounds each round trip of a stream */
        res = blogdb__collect(db);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            rc = blogdb__fail_result(db, res);
            PQclear(res);
            break;
        }
        n = PQntuples(res);
        more = n == FETCH_ROWS;
        if (more)
            rc = send_fetch(db, fetch);
        if (rc == 0 && n > 0 && PQnfields(res) != rel->ncolumns)
            rc = blogdb__fail(db, BLOGDB_EDECODE, "%s: %d columns where %u were expected", rel->name,
                              PQnfields(res), (unsigned)rel->ncolumns);
        for (int f = 0; n > 0 && rc == 0 && f < rel->ncolumns; f++)
            rc = blogdb__check_column(db, res, f, &rel->columns[f]);
        for (int r = 0; r < n && rc == 0 && stop == 0; r++) {
            if (blogdb__cancelled(db)) { /* blogdb_cancel() from another thread: stop before this row */
                blogdb__cancel_consumed(db); /* handled here: the cleanup must not cancel anything */
                rc = blogdb__fail(db, BLOGDB_ETIMEOUT, "%s: stream canceled", rel->name);
                break;
            }
            rc = decode_into_rowbuf(db, rel, res, r);
            if (rc == 0)
                stop = fn(db->rowbuf, ctx);
        }
        PQclear(res);
        if (!more)
            break;
        if (rc || stop) { /* a FETCH is still on its way: read it (and drop it) before anything else */
            if (blogdb__conn_alive(db)) {
                blogdb__failure f;
                blogdb__failure_save(db, &f);
                blogdb__deadline_renew(db);
                PQclear(blogdb__collect(db));
                if (rc)
                    blogdb__failure_restore(db, &f);
            }
            break;
        }
    }
    if (stop < 0 && rc == 0)
        rc = blogdb__fail(db, stop, "%s: stopped by the callback (%s)", rel->name, blogdb_strerror(stop));
    /* Stopping early leaves the rest unread on the server: closing the cursor drops it. */
    if (!own && db->conn && PQtransactionStatus(db->conn) == PQTRANS_INTRANS) {
        blogdb__deadline_renew(db);
        PQclear(blogdb__exec(db, close));
    }
    return blogdb__end_own(db, own, false, rc);
}


int blogdb_rt_each(blogdb *db, const blogdb_rt_query *q, const void *const *args,
                   int (*fn)(const void *row, void *ctx), void *ctx)
{
    int rc;
    if (!db || !q)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (!fn)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: the callback is NULL", q->rel->name);
    if (db->pipeline)
        return blogdb__fail(db, BLOGDB_EINVAL, "streaming reads cannot be queued on a pipeline");
    if ((rc = blogdb__check_conn(db)) != 0 || (rc = blogdb__encode_args(db, q, args)) != 0)
        return rc;
    return stream(db, q->sql, q->nparams, q->rel, fn, ctx);
}

int blogdb_rt_run_each(blogdb *db, const blogdb_rt_statement *s, const void *params,
                       int (*fn)(const void *row, void *ctx), void *ctx)
{
    int rc;
    if (!db || !s)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (!fn || !s->row || s->writes)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: %s", s->name,
                            !fn ? "the callback is NULL" : "only a query that reads can be streamed");
    if (db->pipeline)
        return blogdb__fail(db, BLOGDB_EINVAL, "streaming reads cannot be queued on a pipeline");
    if ((rc = blogdb__check_conn(db)) != 0 || (rc = blogdb__encode_params(db, s, params)) != 0)
        return rc;
    return stream(db, s->sql, s->params ? s->params->ncolumns : 0, s->row, fn, ctx);
}

/* ---- COPY FROM STDIN (FORMAT binary) ------------------------------------------ */
