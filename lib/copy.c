/* libblogdb: bulk writes with binary COPY FROM STDIN. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct copybuf {
    unsigned char *data;
    size_t len, cap;
} copybuf;

static int cb_put(copybuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        unsigned char *d;
        while (cap < b->len + n)
            cap *= 2;
        if (!(d = realloc(b->data, cap)))
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int cb_be(copybuf *b, uint32_t v, int n)
{
    unsigned char x[4];
    blogdb__put_be(x, v, n);
    return cb_put(b, x, (size_t)n);
}

/* Whether a column's parameter encoding is also its binary COPY encoding. */
static bool copy_supported(const blogdb_rt_column *col)
{
    if (col->flags & BLOGDB_RT_TEXT_IO)
        return false; /* binary COPY would need the type's own binary form */
    if (col->flags & BLOGDB_RT_ARRAY)
        return col->type != BLOGDB_RT_TEXT && col->type != BLOGDB_RT_JSON && col->type != BLOGDB_RT_JSONB &&
               col->type != BLOGDB_RT_NUMERIC && col->type != BLOGDB_RT_INET && col->type != BLOGDB_RT_ENUM;
    return col->type != BLOGDB_RT_NUMERIC && col->type != BLOGDB_RT_INET;
}

/* "line N" from a COPY error's context, as a 0-based row index; -1 when absent. */
static long copy_line(const PGresult *res)
{
    const char *ctx = PQresultErrorField(res, PG_DIAG_CONTEXT);
    const char *at = ctx ? strstr(ctx, ", line ") : NULL;
    return at ? strtol(at + 7, NULL, 10) - 1 : -1;
}

/* Whether row-level security applies to this role on rel: PostgreSQL then refuses COPY FROM. */
static int rls_applies(blogdb *db, const blogdb_rt_relation *rel, bool *applies)
{
    const char *param = rel->sql;
    PGresult *res = blogdb__exec_params(db,
                                 "SELECT c.relrowsecurity AND NOT r.rolsuper AND NOT r.rolbypassrls "
                                 "AND (c.relforcerowsecurity OR c.relowner <> r.oid) "
                                 "FROM pg_class c, pg_roles r WHERE c.oid = to_regclass($1) AND r.rolname = current_user",
                                 1, &param, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = blogdb__fail_result(db, res);
    else
        *applies = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    return rc;
}

/* Appends the encoded row in the parameter slots (the columns in cols) as one COPY tuple. */
static int copy_tuple(blogdb *db, copybuf *b, const blogdb_rt_relation *rel, const blogdb__cols *cols, size_t ncols)
{
    int slot = 0, rc = cb_be(b, (uint32_t)ncols, 2);
    for (uint16_t i = 0; i < rel->ncolumns && rc == 0; i++) {
        const blogdb_rt_column *col = &rel->columns[i];
        if (!blogdb__cols_has(cols, i))
            continue;
        if (!db->pvalues[slot]) {
            rc = cb_be(b, 0xFFFFFFFFu, 4);
        } else if (col->type == BLOGDB_RT_JSONB && !(col->flags & BLOGDB_RT_ARRAY)) {
            unsigned char version = 1; /* jsonb's binary form: a version byte, then the text */
            rc = cb_be(b, (uint32_t)db->plengths[slot] + 1, 4) || cb_put(b, &version, 1) ||
                 cb_put(b, db->pvalues[slot], (size_t)db->plengths[slot]);
        } else {
            rc = cb_be(b, (uint32_t)db->plengths[slot], 4) || cb_put(b, db->pvalues[slot], (size_t)db->plengths[slot]);
        }
        slot++;
    }
    return rc ? blogdb__fail(db, BLOGDB_ENOMEM, "out of memory") : 0;
}

/* The SQL of a COPY: the column list, the COPY itself, and under row-level security the staging
 * table and the INSERT ... SELECT that moves its rows where the policies apply. */
typedef struct copy_sql {
    blogdb__sqlbuf list, create, copy, insert;
} copy_sql;

static void copy_sql_build(copy_sql *q, const blogdb_rt_relation *rel, const blogdb__cols *cols, bool staged)
{
    for (uint16_t i = 0, k = 0; i < rel->ncolumns; i++)
        if (blogdb__cols_has(cols, i)) {
            blogdb__sql_put(&q->list, k++ ? ", " : "");
            blogdb__sql_put(&q->list, rel->columns[i].sql);
        }
    blogdb__sql_put(&q->copy, "COPY ");
    blogdb__sql_put(&q->copy, staged ? "blogdb_copy_staging" : rel->sql);
    blogdb__sql_put(&q->copy, " (");
    blogdb__sql_put(&q->copy, q->list.data ? q->list.data : "");
    blogdb__sql_put(&q->copy, ") FROM STDIN (FORMAT binary)");
    if (!staged)
        return;
    blogdb__sql_put(&q->create, "CREATE TEMP TABLE blogdb_copy_staging (LIKE ");
    blogdb__sql_put(&q->create, rel->sql);
    blogdb__sql_put(&q->create, " INCLUDING DEFAULTS) ON COMMIT DROP");
    blogdb__sql_put(&q->insert, "INSERT INTO ");
    blogdb__sql_put(&q->insert, rel->sql);
    blogdb__sql_put(&q->insert, " (");
    blogdb__sql_put(&q->insert, q->list.data ? q->list.data : "");
    blogdb__sql_put(&q->insert, ") SELECT ");
    blogdb__sql_put(&q->insert, q->list.data ? q->list.data : "");
    blogdb__sql_put(&q->insert, " FROM blogdb_copy_staging");
}

static void copy_sql_free(copy_sql *q)
{
    free(q->list.data);
    free(q->create.data);
    free(q->copy.data);
    free(q->insert.data);
}

/* Where the rows come from: a producer filling a scratch row, or an array. */
typedef struct copy_source {
    int (*next)(void *row, void *ctx);
    void *ctx;
    void *row;
    const unsigned char *rows;
    size_t count, at;
} copy_source;

/* The next row (1, *row set), the end (0), or the producer's negative code. */
static int source_next(copy_source *src, size_t row_size, const void **row)
{
    if (src->next) {
        *row = src->row;
        return src->next(src->row, src->ctx);
    }
    if (src->at == src->count)
        return 0;
    *row = src->rows + src->at++ * row_size;
    return 1;
}

static int copy_from(blogdb *db, const blogdb_rt_relation *rel, const uint64_t *with, copy_source *src)
{
    static const unsigned char header[19] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    blogdb__cols cols;
    copybuf b = {0};
    copy_sql q;
    size_t ncols = 0;
    long index = 0;
    bool own, staged = false, row_failed = false;
    int rc = 0;
    PGresult *res;

    memset(&q, 0, sizeof q);
    if (db->pipeline)
        return blogdb__fail(db, BLOGDB_EINVAL, "COPY cannot be queued on a pipeline");
    if ((rc = blogdb__insert_columns(db, rel, with, &cols)) != 0)
        return rc;
    for (uint16_t i = 0; i < rel->ncolumns; i++) {
        const blogdb_rt_column *col = &rel->columns[i];
        if (!blogdb__cols_has(&cols, i))
            continue;
        if (!copy_supported(col))
            return blogdb__fail(db, BLOGDB_EINVAL, "%s.%s: this type cannot be sent by binary COPY; use insert",
                                rel->name, col->name);
        ncols++;
    }
    if ((rc = blogdb__params_reserve(db, rel->ncolumns)) != 0)
        return rc;

    /* One transaction, ours unless the caller has one: all rows or none, under the acting user. */
    own = !blogdb__in_transaction(db);
    if (own && (rc = blogdb__begin(db, "", db->acting)) != 0)
        return rc;
    if ((rc = rls_applies(db, rel, &staged)) != 0)
        return blogdb__end_own(db, own, true, rc);
    copy_sql_build(&q, rel, &cols, staged);
    if (q.list.failed || q.create.failed || q.copy.failed || q.insert.failed)
        rc = blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
    /* Row-level security applies: COPY into a temporary table, then INSERT ... SELECT, where the
     * policies (and triggers) run. */
    if (rc == 0 && staged)
        rc = blogdb__simple(db, q.create.data);
    res = rc ? NULL : blogdb__exec(db, q.copy.data);
    if (rc == 0 && PQresultStatus(res) != PGRES_COPY_IN)
        rc = blogdb__fail_result(db, res);
    PQclear(res);
    if (rc) {
        copy_sql_free(&q);
        return blogdb__end_own(db, own, true, rc);
    }
    if (cb_put(&b, header, sizeof header) != 0)
        rc = blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
    for (index = 0; rc == 0; index++) {
        int got, slot = 0;
        const void *row;
        row_failed = true; /* until this row is encoded: a failure now is this row's */
        got = source_next(src, rel->row_size, &row);
        if (got == 0)
            break;
        if (got < 0) {
            rc = blogdb__fail(db, got, "%s: the row producer failed at row %ld (%s)", rel->name, index,
                              blogdb_strerror(got));
            break;
        }
        if ((rc = blogdb__encode_row(db, rel, row, &cols, &slot)) == 0)
            rc = copy_tuple(db, &b, rel, &cols, ncols);
        blogdb__params_release(db);
        if (rc) {
            blogdb__fail(db, db->errcode, "%s: row %ld: %s", rel->name, index, blogdb_errmsg(db));
            break;
        }
        row_failed = false;
        if (b.len >= 65536) {
            blogdb__deadline_renew(db); /* the deadline bounds each buffer sent */
            rc = blogdb__put_copy(db, (const char *)b.data, (int)b.len);
            b.len = 0;
        }
    }
    if (rc == 0) {
        uint16_t trailer = 0xFFFF;
        blogdb__deadline_renew(db);
        if (cb_put(&b, &trailer, 2) != 0)
            rc = blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
        else if ((rc = blogdb__put_copy(db, (const char *)b.data, (int)b.len)) == 0)
            rc = blogdb__put_copy_end(db, NULL);
    } else if (row_failed) {
        /* A row (or the producer) failed: the index says which; the server drops the COPY. */
        if (blogdb__conn_alive(db)) {
            blogdb__failure f;
            blogdb__failure_save(db, &f);
            if (blogdb__put_copy_end(db, "aborted by blogdb: a row was refused") == 0)
                blogdb__failure_restore(db, &f);
        }
        db->failed_index = index;
    }
    free(b.data);
    while (blogdb__conn_alive(db)) {
        if (blogdb__result(db, &res) != 0 || !res)
            break;
        if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
            /* The server refused a row while loading ("COPY ..., line N"); anything else (a lost
             * connection, a terminated backend) is not a row's fault: index -1. */
            long line = copy_line(res);
            rc = blogdb__fail_result(db, res);
            db->failed_index = line;
        }
        PQclear(res);
    }
    /* Under row-level security the server checks each row here; which row failed it does not say. */
    if (rc == 0 && staged && (rc = blogdb__simple(db, q.insert.data)) == 0)
        rc = blogdb__simple(db, "DROP TABLE blogdb_copy_staging");
    copy_sql_free(&q);
    {
        long keep = db->failed_index;
        rc = blogdb__end_own(db, own, true, rc);
        db->failed_index = rc ? keep : -1;
    }
    return rc;
}

int blogdb_rt_copy_in_cols(blogdb *db, const blogdb_rt_relation *rel, const uint64_t *with,
                           int (*next)(void *row, void *ctx), void *ctx, void *row)
{
    copy_source src = {next, ctx, row, NULL, 0, 0};
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (!rel || !next || !row)
        return blogdb__fail(db, BLOGDB_EINVAL, "blogdb_rt_copy_in: NULL argument");
    return copy_from(db, rel, with, &src);
}

int blogdb_rt_copy_rows_cols(blogdb *db, const blogdb_rt_relation *rel, const uint64_t *with, const void *rows,
                             size_t count)
{
    copy_source src = {NULL, NULL, NULL, rows, count, 0};
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (!rel || (!rows && count))
        return blogdb__fail(db, BLOGDB_EINVAL, "blogdb_rt_copy_rows: NULL argument");
    return copy_from(db, rel, with, &src);
}

int blogdb_rt_copy_in(blogdb *db, const blogdb_rt_relation *rel, uint64_t with,
                      int (*next)(void *row, void *ctx), void *ctx, void *row)
{
    uint64_t words[BLOGDB_RT_COLUMN_WORDS(BLOGDB_RT_MAX_COLUMNS)] = {with};
    return blogdb_rt_copy_in_cols(db, rel, words, next, ctx, row);
}

int blogdb_rt_copy_rows(blogdb *db, const blogdb_rt_relation *rel, uint64_t with, const void *rows, size_t count)
{
    uint64_t words[BLOGDB_RT_COLUMN_WORDS(BLOGDB_RT_MAX_COLUMNS)] = {with};
    return blogdb_rt_copy_rows_cols(db, rel, words, rows, count);
}
