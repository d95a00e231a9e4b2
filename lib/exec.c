/* libblogdb: the generic executor behind every generated function: queries, inserts, updates. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Checks a query's out argument for its result shape and empties it: *out is NULL (or 0 rows
 * affected) on every failure. AFFECT and EXEC read nothing back. */
static int reset_out(blogdb *db, const char *name, blogdb_rt_result shape, void *out)
{
    if (!out && shape != BLOGDB_RT_AFFECT && shape != BLOGDB_RT_EXEC)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: the out argument is NULL", name);
    if (shape == BLOGDB_RT_ONE || shape == BLOGDB_RT_MANY) {
        void *none = NULL;
        memcpy(out, &none, sizeof none);
    } else if (shape == BLOGDB_RT_ROWS) {
        int64_t zero = 0;
        memcpy(out, &zero, sizeof zero);
    }
    return 0;
}

static const blogdb_rt_column limit_column = {"limit", "limit", BLOGDB_RT_INT8, 0, BLOGDB_RT_NO_HAS, -1, NULL,
                                              BLOGDB_RT_NOT_NULL, "bigint"};

/* Whether a statement may change data (a generated CRUD query: only its delete and command shapes). */
static bool statement_writes(stmt_kind kind, blogdb_rt_result shape)
{
    switch (kind) {
    case STMT_READ:
        return false;
    case STMT_QUERY:
        return shape == BLOGDB_RT_AFFECT || shape == BLOGDB_RT_EXEC;
    default:
        return true;
    }
}

/* Runs a prepared statement whose parameters are in db's scratch, and shapes the result; in
 * pipeline mode, queues it instead. */
static int run(blogdb *db, const stmt_entry *st, int nparams, const blogdb_rt_relation *rel,
               blogdb_rt_result shape, void *out, bool prepared_here)
{
    PGresult *res;
    ExecStatusType status;
    int rc;

    if (db->pipeline)
        return blogdb__pl_queue(db, st, nparams, rel, shape, out, prepared_here && db->parse_sent);
    /* A write outside a transaction block commits on its own: if the connection is lost while it
     * is in flight, its outcome is unknown (wait.c). */
    db->writing = statement_writes(st->kind, shape) &&
                  !blogdb__in_transaction(db);
    res = blogdb__exec_prepared(db, st, nparams);
    status = PQresultStatus(res);
    blogdb__params_release(db);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        rc = blogdb__fail_result(db, res);
        PQclear(res);
        db->writing = false;
        return rc;
    }
    db->writing = false;
    rc = blogdb__shape_result(db, res, rel, shape, out);
    PQclear(res);
    return rc;
}

/* The statement for (key, kind, mask): found, or prepared now (*prepared_here says which). */
static int statement(blogdb *db, const void *key, stmt_kind kind, const char *sql, int nparams,
                     const stmt_entry **st, bool *prepared_here)
{
    stmt_key k = {key, kind, NULL, 0};
    *st = blogdb__stmt_find(db, &k);
    *prepared_here = false;
    if (*st)
        return 0;
    *prepared_here = true;
    return blogdb__stmt_prepare(db, &k, sql, nparams, st);
}

int blogdb__encode_args(blogdb *db, const blogdb_rt_query *q, const void *const *args)
{
    int rc = blogdb__params_reserve(db, q->nparams);
    for (uint16_t i = 0; i < q->nparams && rc == 0; i++) {
        const blogdb_rt_column *col = q->params[i] == BLOGDB_RT_PARAM_LIMIT ? &limit_column
                                                                            : &q->rel->columns[q->params[i]];
        if (!args || !args[i])
            return blogdb__fail(db, BLOGDB_EINVAL, "%s: argument %s is NULL", q->rel->name, col->name);
        if (col == &limit_column) {
            int64_t limit;
            memcpy(&limit, args[i], sizeof limit);
            if (limit < 0)
                return blogdb__fail(db, BLOGDB_EINVAL, "%s: limit %lld is negative", q->rel->name, (long long)limit);
        }
        rc = blogdb__encode(db, i, col, args[i], NULL);
    }
    return rc;
}

int blogdb_rt_exec(blogdb *db, const blogdb_rt_query *q, const void *const *args, void *out)
{
    const stmt_entry *st;
    bool fresh;
    int rc;

    if (!db || !q)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if ((rc = reset_out(db, q->rel->name, q->result, out)) != 0 || (rc = blogdb__check_conn(db)) != 0 ||
        (rc = blogdb__encode_args(db, q, args)) != 0)
        return rc;
    if ((rc = statement(db, q, STMT_QUERY, q->sql, q->nparams, &st, &fresh)) != 0)
        return rc;
    return run(db, st, q->nparams, q->rel, q->result, out, fresh);
}

/* ---- statements of the application's own (query files) ---- */

int blogdb__encode_params(blogdb *db, const blogdb_rt_statement *s, const void *params)
{
    int slot = 0, rc;
    if (!s->params)
        return blogdb__params_reserve(db, 0);
    if (!params)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: the parameters (or a uuid parameter) are NULL", s->name);
    if ((rc = blogdb__params_reserve(db, s->params->ncolumns)) != 0)
        return rc;
    return blogdb__encode_row(db, s->params, params, NULL, &slot);
}

int blogdb_rt_run(blogdb *db, const blogdb_rt_statement *s, const void *params, void *out)
{
    const stmt_entry *st;
    bool fresh;
    int rc;
    int nparams;

    if (!db || !s)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if ((rc = reset_out(db, s->name, s->result, out)) != 0)
        return rc;
    if ((s->result == BLOGDB_RT_ONE || s->result == BLOGDB_RT_MANY) && !s->row)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: the statement has no result row", s->name);
    nparams = s->params ? s->params->ncolumns : 0;
    if ((rc = blogdb__check_conn(db)) != 0 || (rc = blogdb__encode_params(db, s, params)) != 0)
        return rc;
    if ((rc = statement(db, s, s->writes ? STMT_WRITE : STMT_READ, s->sql, nparams, &st, &fresh)) != 0)
        return rc;
    return run(db, st, nparams, s->row, s->result, out, fresh);
}

/* ---- insert and update: SQL built from the relation, prepared once per column set ---- */

static void sql_returning(blogdb__sqlbuf *b, const blogdb_rt_relation *rel)
{
    blogdb__sql_put(b, " RETURNING ");
    for (uint16_t i = 0; i < rel->ncolumns; i++) {
        if (i)
            blogdb__sql_put(b, ", ");
        blogdb__sql_put(b, rel->columns[i].sql);
        if (rel->columns[i].flags & BLOGDB_RT_TEXT_IO)
            blogdb__sql_put(b, "::text"); /* its text form: the row's field is a string */
    }
}

/* Parameter $n as column col takes it: "$n", or "$n::text::tsvector" for a text-I/O column. */
static void sql_value(blogdb__sqlbuf *b, const blogdb_rt_column *col, int n)
{
    blogdb__sql_param(b, n);
    if (col->flags & BLOGDB_RT_TEXT_IO) {
        blogdb__sql_put(b, "::text::");
        blogdb__sql_put(b, col->type_sql);
    }
}


/* Prepares the statement built in b as k, and frees b. */
static int prepare_built(blogdb *db, const stmt_key *k, blogdb__sqlbuf *b, int nparams, const stmt_entry **st)
{
    int rc = b->failed ? blogdb__fail(db, BLOGDB_ENOMEM, "out of memory") : blogdb__stmt_prepare(db, k, b->data, nparams, st);
    free(b->data);
    return rc;
}

/* ---- column sets (blogdb__cols): a relation's BLOGDB_RT_COLUMN_WORDS(ncolumns) words ---- */

static size_t col_words(const blogdb_rt_relation *rel)
{
    return BLOGDB_RT_COLUMN_WORDS(rel->ncolumns);
}

void blogdb__cols_from(const blogdb_rt_relation *rel, const uint64_t *words, blogdb__cols *cols)
{
    memset(cols, 0, sizeof *cols);
    if (words)
        memcpy(cols->w, words, col_words(rel) * sizeof *words);
}

/* The columns whose flags have any of `flags`. */
static void columns_with(const blogdb_rt_relation *rel, unsigned flags, blogdb__cols *c)
{
    memset(c, 0, sizeof *c);
    for (uint16_t i = 0; i < rel->ncolumns; i++)
        if (rel->columns[i].flags & flags)
            c->w[i / 64] |= UINT64_C(1) << (i % 64);
}

/* Whether a names a column past rel's last. */
static bool past_end(const blogdb_rt_relation *rel, const blogdb__cols *a)
{
    size_t n = col_words(rel), tail = rel->ncolumns % 64;
    return n && tail && a->w[n - 1] >> tail;
}

static bool intersects(const blogdb_rt_relation *rel, const blogdb__cols *a, const blogdb__cols *b)
{
    for (size_t i = 0; i < col_words(rel); i++)
        if (a->w[i] & b->w[i])
            return true;
    return false;
}

static bool is_empty(const blogdb_rt_relation *rel, const blogdb__cols *a)
{
    for (size_t i = 0; i < col_words(rel); i++)
        if (a->w[i])
            return false;
    return true;
}

int blogdb__insert_columns(blogdb *db, const blogdb_rt_relation *rel, const uint64_t *with, blogdb__cols *cols)
{
    blogdb__cols w, skip;
    blogdb__cols_from(rel, with, &w);
    if (past_end(rel, &w))
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: `with` names a column the table does not have", rel->name);
    columns_with(rel, BLOGDB_RT_READONLY, &skip);
    if (intersects(rel, &w, &skip))
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: `with` names a generated or identity column, which is never written",
                            rel->name);
    /* Every writable column without a DEFAULT is sent; a defaulted one only when asked for. */
    columns_with(rel, BLOGDB_RT_DEFAULT | BLOGDB_RT_READONLY, &skip);
    for (uint16_t i = 0; i < rel->ncolumns; i++)
        if (!blogdb__cols_has(&skip, i))
            w.w[i / 64] |= UINT64_C(1) << (i % 64);
    *cols = w;
    return 0;
}

static int prepare_write(blogdb *db, const blogdb_rt_relation *rel, const void *row, void *out, int *rc)
{
    if (!db)
        return *rc = BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (out) {
        void *none = NULL;
        memcpy(out, &none, sizeof none);
    }
    if (!rel || !row)
        return *rc = blogdb__fail(db, BLOGDB_EINVAL, "%s: the row argument is NULL", rel ? rel->name : "?");
    if ((*rc = blogdb__check_conn(db)) != 0 || (*rc = blogdb__params_reserve(db, rel->ncolumns)) != 0)
        return *rc;
    return 0;
}

/* SQL of a write on rel: cols are the columns written, key the columns that pick the row. */
typedef void (*build_fn)(blogdb__sqlbuf *b, const blogdb_rt_relation *rel, const blogdb__cols *cols,
                         const blogdb__cols *key);

static void build_insert(blogdb__sqlbuf *b, const blogdb_rt_relation *rel, const blogdb__cols *cols,
                         const blogdb__cols *key)
{
    int n = 0;
    (void)key;
    blogdb__sql_put(b, "INSERT INTO ");
    blogdb__sql_put(b, rel->sql);
    if (is_empty(rel, cols)) {
        blogdb__sql_put(b, " DEFAULT VALUES");
        return;
    }
    blogdb__sql_put(b, " (");
    for (uint16_t i = 0; i < rel->ncolumns; i++)
        if (blogdb__cols_has(cols, i)) {
            blogdb__sql_put(b, n++ ? ", " : "");
            blogdb__sql_put(b, rel->columns[i].sql);
        }
    blogdb__sql_put(b, ") VALUES (");
    for (uint16_t i = 0, k = 0; i < rel->ncolumns; i++)
        if (blogdb__cols_has(cols, i)) {
            blogdb__sql_put(b, k ? ", " : "");
            sql_value(b, &rel->columns[i], ++k);
        }
    blogdb__sql_put(b, ")");
}

static void build_update(blogdb__sqlbuf *b, const blogdb_rt_relation *rel, const blogdb__cols *cols,
                         const blogdb__cols *key)
{
    int n = 0;
    blogdb__sql_put(b, "UPDATE ");
    blogdb__sql_put(b, rel->sql);
    blogdb__sql_put(b, " SET ");
    for (uint16_t i = 0; i < rel->ncolumns; i++)
        if (blogdb__cols_has(cols, i)) {
            blogdb__sql_put(b, n ? ", " : "");
            blogdb__sql_put(b, rel->columns[i].sql);
            blogdb__sql_put(b, " = ");
            sql_value(b, &rel->columns[i], ++n);
        }
    blogdb__sql_put(b, " WHERE ");
    for (uint16_t i = 0, k = 0; i < rel->ncolumns; i++)
        if (blogdb__cols_has(key, i)) {
            blogdb__sql_put(b, k++ ? " AND " : "");
            blogdb__sql_put(b, rel->columns[i].sql);
            blogdb__sql_put(b, " = ");
            sql_value(b, &rel->columns[i], ++n);
        }
}

/* Runs a write whose parameters are encoded: the statement for (kind, cols) is built and prepared
 * on first use. Without an out-parameter nobody reads the row back, so it is a separate
 * statement (no_row_kind) without RETURNING, and its result is `no_row`. */
static int run_write(blogdb *db, const blogdb_rt_relation *rel, stmt_kind with_row, stmt_kind no_row_kind,
                     const blogdb__cols *cols, const blogdb__cols *key, build_fn build, int nparams, void *out,
                     blogdb_rt_result no_row)
{
    stmt_key k = {rel, out ? with_row : no_row_kind, cols->w, col_words(rel)};
    const stmt_entry *st = blogdb__stmt_find(db, &k);
    bool fresh = !st;
    int rc;
    if (!st) {
        blogdb__sqlbuf b = {0};
        build(&b, rel, cols, key);
        if (out)
            sql_returning(&b, rel);
        if ((rc = prepare_built(db, &k, &b, nparams, &st)) != 0)
            return rc;
    }
    return run(db, st, nparams, rel, out ? BLOGDB_RT_ONE : no_row, out, fresh);
}

int blogdb_rt_insert_cols(blogdb *db, const blogdb_rt_relation *rel, const void *row, const uint64_t *with, void *out)
{
    blogdb__cols cols;
    int rc, slot = 0;

    if (prepare_write(db, rel, row, out, &rc) != 0)
        return rc;
    if ((rc = blogdb__insert_columns(db, rel, with, &cols)) != 0 ||
        (rc = blogdb__encode_row(db, rel, row, &cols, &slot)) != 0)
        return rc;
    return run_write(db, rel, STMT_INSERT, STMT_INSERT_NO_ROW, &cols, NULL, build_insert, slot, out, BLOGDB_RT_EXEC);
}

int blogdb_rt_update_cols(blogdb *db, const blogdb_rt_relation *rel, const void *row, const uint64_t *mask, void *out)
{
    blogdb__cols cols, key, readonly;
    int rc, slot = 0;

    if (prepare_write(db, rel, row, out, &rc) != 0)
        return rc;
    columns_with(rel, BLOGDB_RT_KEY, &key);
    if (is_empty(rel, &key))
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: the table has no primary key to update by", rel->name);
    blogdb__cols_from(rel, mask, &cols);
    columns_with(rel, BLOGDB_RT_READONLY, &readonly);
    if (is_empty(rel, &cols) || past_end(rel, &cols) || intersects(rel, &cols, &key) || intersects(rel, &cols, &readonly))
        return blogdb__fail(db, BLOGDB_EINVAL,
                            "%s: the update mask must name at least one column, and no key, generated or identity column",
                            rel->name);
    if ((rc = blogdb__encode_row(db, rel, row, &cols, &slot)) != 0 || (rc = blogdb__encode_row(db, rel, row, &key, &slot)) != 0)
        return rc;
    /* Without RETURNING, "no such row" is an update of 0 rows. */
    return run_write(db, rel, STMT_UPDATE, STMT_UPDATE_NO_ROW, &cols, &key, build_update, slot, out, BLOGDB_RT_AFFECT);
}

int blogdb_rt_insert(blogdb *db, const blogdb_rt_relation *rel, const void *row, uint64_t with, void *out)
{
    uint64_t words[BLOGDB_RT_COLUMN_WORDS(BLOGDB_RT_MAX_COLUMNS)] = {with};
    return blogdb_rt_insert_cols(db, rel, row, words, out);
}

int blogdb_rt_update(blogdb *db, const blogdb_rt_relation *rel, const void *row, uint64_t mask, void *out)
{
    uint64_t words[BLOGDB_RT_COLUMN_WORDS(BLOGDB_RT_MAX_COLUMNS)] = {mask};
    return blogdb_rt_update_cols(db, rel, row, words, out);
}

void blogdb_rt_free(void *p)
{
    free(p);
}
