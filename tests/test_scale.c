/* Streaming reads, COPY, pipelines, retried transactions, savepoints, timeouts and cancel:
 * what they do, against the real server (their speed is measured by bench/run). */
#include "helpers.h"
#include "internal.h" /* white-box: the streaming row buffer stays small */

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

TestSuite(scale, .init = db_setup, .fini = db_teardown);

static blogdb_posts_row *post_rows(const uuid_t user, size_t n)
{
    blogdb_posts_row *rows = calloc(n, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        uuid_copy(rows[i].user_id, user);
        rows[i].title = i % 2 ? "odd" : "even";
        rows[i].content = "bulk";
        rows[i].status = (blogdb_post_status)(i % 3);
    }
    return rows;
}

typedef struct counter {
    size_t rows, published, stop_after;
    int stop_with;
} counter;

static int count_row(const blogdb_posts_row *row, void *ctx)
{
    counter *c = ctx;
    c->rows++;
    c->published += row->status == BLOGDB_POST_STATUS_PUBLISHED;
    cr_assert_str_eq(row->content, "bulk");
    return c->stop_after && c->rows == c->stop_after ? c->stop_with : 0;
}

Test(scale, copy_in_and_stream_every_row_in_constant_memory)
{
    enum { N = 2500 };
    blogdb_users_row *u = make_user("bulk@example.com");
    blogdb_posts_row *rows = post_rows(u->id, N);
    counter c = {0};
    int64_t n = 0;

    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    cr_assert_eq(blogdb_posts_copy_in(db, rows, N, BLOGDB_POSTS_STATUS), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), N);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE status = 'archived'"), N / 3);
    /* 2,500 rows arrive in three chunks through the cursor, into one reused row buffer. */
    cr_assert_eq(blogdb_posts_each(db, count_row, &c), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(c.rows, N);
    cr_assert_eq(c.published, (N + 1) / 3);
    cr_assert_leq(db->rowbuf_cap, 4096, "the row buffer grew to %zu", db->rowbuf_cap);
    memset(&c, 0, sizeof c);
    cr_assert_eq(blogdb_posts_each_by_user_id(db, count_row, &c, u->id), 0);
    cr_assert_eq(c.rows, N);
    cr_assert_eq(blogdb_posts_count(db, &n), 0);
    cr_assert_eq(n, N);
    free(rows);
    blogdb_users_row_free(u);
}

Test(scale, stopping_a_stream_early_leaves_the_connection_usable)
{
    blogdb_users_row *u = make_user("stop@example.com");
    blogdb_posts_row *rows = post_rows(u->id, 3000);
    counter c = {.stop_after = 10, .stop_with = 1};
    int64_t n = 0;
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    cr_assert_eq(blogdb_posts_copy_in(db, rows, 3000, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_posts_each(db, count_row, &c), 0);
    cr_assert_eq(c.rows, 10);
    cr_assert_eq(blogdb_posts_count(db, &n), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(n, 3000);
    /* A negative return is an error the stream returns. */
    c = (counter){.stop_after = 5, .stop_with = BLOGDB_EINVAL};
    cr_assert_eq(blogdb_posts_each(db, count_row, &c), BLOGDB_EINVAL);
    /* Inside the caller's transaction, the cursor is closed and the transaction goes on. */
    cr_assert_eq(blogdb_begin(db), 0);
    c = (counter){.stop_after = 1, .stop_with = 1};
    cr_assert_eq(blogdb_posts_each(db, count_row, &c), 0);
    c = (counter){.stop_after = 2, .stop_with = 1};
    cr_assert_eq(blogdb_posts_each(db, count_row, &c), 0, "%s", blogdb_errmsg(db));
    /* In the second chunk (the third is on its way: read ahead, then dropped), and in the last. */
    c = (counter){.stop_after = 1500, .stop_with = 1};
    cr_assert_eq(blogdb_posts_each(db, count_row, &c), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(c.rows, 1500);
    c = (counter){.stop_after = 2999, .stop_with = BLOGDB_ENOTFOUND};
    cr_assert_eq(blogdb_posts_each(db, count_row, &c), BLOGDB_ENOTFOUND);
    cr_assert_eq(blogdb_rollback(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_begin(db), 0);
    cr_assert_eq(blogdb_posts_count(db, &n), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(n, 3000);
    cr_assert_eq(blogdb_commit(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_posts_each(db, NULL, NULL), BLOGDB_EINVAL);
    free(rows);
    blogdb_users_row_free(u);
}

/* A callback that calls on the streaming connection (the docs say it must not). */
typedef struct nested {
    int calls, failed;
} nested;

static int call_db_inside(const blogdb_posts_row *row, void *ctx)
{
    nested *x = ctx;
    int64_t n;
    (void)row;
    x->failed += blogdb_posts_count(db, &n) != 0;
    return ++x->calls == 1200 ? 1 : 0;
}

Test(scale, a_call_on_the_streaming_connection_fails_cleanly)
{
    blogdb_users_row *u = make_user("nested@example.com");
    blogdb_posts_row *rows = post_rows(u->id, 2500);
    nested x = {0};
    int64_t n = 0;
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    cr_assert_eq(blogdb_posts_copy_in(db, rows, 2500, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_posts_each(db, call_db_inside, &x), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(x.calls, 1200);
    cr_assert_eq(x.failed, 1200, "every nested call refused, none run: %d", x.failed);
    cr_assert_eq(blogdb_posts_count(db, &n), 0, "usable after: %s", blogdb_errmsg(db));
    cr_assert_eq(n, 2500);
    free(rows);
    blogdb_users_row_free(u);
}

static int count_users(const blogdb_active_users_row *row, void *ctx)
{
    (void)row;
    (*(size_t *)ctx)++;
    return 0;
}

Test(scale, views_stream_too)
{
    blogdb_users_row *u = make_user("v@example.com");
    size_t n = 0;
    blogdb_posts_row_free(make_post(u->id, "p", BLOGDB_POST_STATUS_PUBLISHED));
    cr_assert_eq(blogdb_active_users_each(db, count_users, &n), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(n, 1);
    blogdb_users_row_free(u);
}

Test(scale, a_bad_row_stops_the_copy_and_keeps_nothing)
{
    blogdb_users_row *u = make_user("bad@example.com");
    blogdb_posts_row *rows = post_rows(u->id, 3000);
    char *long_title = repeat("x", 256);
    uuid_t stranger;
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);

    rows[1234].title = long_title; /* refused by the client */
    cr_assert_eq(blogdb_posts_copy_in(db, rows, 3000, 0), BLOGDB_ETOOLONG);
    cr_assert_eq(blogdb_failed_index(db), 1234);
    cr_assert(strstr(blogdb_errmsg(db), "row 1234"), "%s", blogdb_errmsg(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 0);
    rows[1234].title = "fine";

    /* Refused by the server. Under row-level security the rows go through a staging table and
     * INSERT ... SELECT, which does not say which row failed. */
    uuid_generate_random(stranger);
    uuid_copy(rows[2345].user_id, stranger);
    cr_assert_eq(blogdb_posts_copy_in(db, rows, 3000, 0), BLOGDB_EPERM, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_failed_index(db), -1);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 0);
    /* Where COPY goes straight to the table (a role that row-level security does not apply to),
     * the server names the line of a row it refuses as it loads it: a duplicate email at row 2345.
     * (Foreign keys are checked after the last row, so no line can be named for them.) */
    {
        blogdb *owner = NULL;
        blogdb_users_row *users = calloc(3000, sizeof *users);
        char (*emails)[32] = calloc(3000, sizeof *emails);
        for (int i = 0; i < 3000; i++) {
            snprintf(emails[i], sizeof emails[i], "copy%04d@example.com", i == 2345 ? 17 : i);
            users[i].email = emails[i];
            users[i].password_hash = "h";
        }
        cr_assert_eq(blogdb_connect(&owner, test_admin_dsn()), 0);
        cr_assert_eq(blogdb_users_copy_in(owner, users, 3000, 0), BLOGDB_EUNIQUE, "%s", blogdb_errmsg(owner));
        cr_assert_eq(blogdb_failed_index(owner), 2345, "%s", blogdb_errmsg(owner));
        cr_assert_str_eq(blogdb_constraint(owner), "users_email_idx");
        uuid_copy(rows[0].user_id, stranger);
        cr_assert_eq(blogdb_posts_copy_in(owner, rows, 10, 0), BLOGDB_EFOREIGNKEY, "%s", blogdb_errmsg(owner));
        cr_assert_str_eq(blogdb_constraint(owner), "posts_user_id_fkey");
        uuid_copy(rows[0].user_id, u->id);
        blogdb_close(owner);
        free(users);
        free(emails);
    }
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 0);
    /* The connection is fine afterwards. */
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    for (int i = 0; i < 3000; i++)
        uuid_copy(rows[i].user_id, u->id);
    cr_assert_eq(blogdb_posts_copy_in(db, rows, 3000, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_failed_index(db), -1);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 3000);
    free(long_title);
    free(rows);
    blogdb_users_row_free(u);
}

typedef struct producer {
    blogdb_users_row *u;
    int made, fail_at;
} producer;

static int next_user(blogdb_users_row *row, void *ctx)
{
    static char emails[600][40];
    producer *p = ctx;
    if (p->made == 500)
        return 0;
    if (p->made == p->fail_at)
        return BLOGDB_EINVAL;
    memset(row, 0, sizeof *row);
    snprintf(emails[p->made], sizeof emails[0], "user%03d@example.com", p->made);
    row->email = emails[p->made];
    row->password_hash = "h";
    p->made++;
    return 1;
}

Test(scale, copy_from_a_row_producer)
{
    producer p = {NULL, 0, 321};
    cr_assert_eq(blogdb_users_copy_in_fn(db, next_user, &p, 0), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_failed_index(db), 321);
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), 0);
    p = (producer){NULL, 0, -1};
    cr_assert_eq(blogdb_users_copy_in_fn(db, next_user, &p, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE email LIKE 'user%@example.com'"), 500);
    /* Defaults applied by the server, as with insert. */
    cr_assert_eq(sql_int("SELECT count(DISTINCT id) FROM users"), 500);
}

Test(scale, pipeline_queues_reads_and_writes_and_reports_each_entry)
{
    enum { N = 100 };
    blogdb_users_row in[N], *out[N], *got = NULL;
    char emails[N][40];
    int64_t count = -1;
    memset(out, 0, sizeof out);
    for (int i = 0; i < N; i++) {
        snprintf(emails[i], sizeof emails[i], "p%03d@example.com", i);
        in[i] = (blogdb_users_row){.email = emails[i], .password_hash = "h"};
    }
    in[7].email = emails[3]; /* a duplicate: entry 7 fails alone */
    cr_assert_eq(blogdb_pipeline_begin(db, 0), 0);
    for (int i = 0; i < N; i++)
        cr_assert_eq(blogdb_users_insert(db, &out[i], &in[i], 0), 0, "queueing %d: %s", i, blogdb_errmsg(db));
    cr_assert_eq(blogdb_users_get_by_email(db, &got, "p050@example.com"), 0);
    cr_assert_eq(blogdb_users_count(db, &count), 0);
    cr_assert_eq(blogdb_pipeline_end(db), BLOGDB_EUNIQUE);
    cr_assert_eq(blogdb_failed_index(db), 7);
    cr_assert_eq(blogdb_pipeline_count(db), N + 2);
    for (int i = 0; i < N; i++) {
        cr_assert_eq(blogdb_pipeline_status(db, (size_t)i), i == 7 ? BLOGDB_EUNIQUE : 0, "entry %d", i);
        if (i != 7)
            cr_assert_str_eq(out[i]->email, emails[i]);
        else
            cr_assert_null(out[i]);
        blogdb_users_row_free(out[i]);
    }
    cr_assert_str_eq(got->email, "p050@example.com");
    cr_assert_eq(count, N - 1, "the count ran after the inserts, in order");
    cr_assert_eq(blogdb_pipeline_status(db, N + 5), BLOGDB_EINVAL);
    blogdb_users_row_free(got);
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), N - 1);
    /* The connection works normally after the pipeline. */
    blogdb_users_row_free(make_user("after@example.com"));
}

Test(scale, an_atomic_pipeline_is_all_or_nothing)
{
    blogdb_users_row a = {.email = "a@example.com", .password_hash = "h"}, b = a, c = {.email = "c@example.com", .password_hash = "h"};
    blogdb_users_row *oa = NULL, *ob = NULL, *oc = NULL;
    cr_assert_eq(blogdb_pipeline_begin(db, BLOGDB_PIPELINE_ATOMIC), 0);
    cr_assert_eq(blogdb_users_insert(db, &oa, &a, 0), 0);
    cr_assert_eq(blogdb_users_insert(db, &ob, &b, 0), 0);
    cr_assert_eq(blogdb_users_insert(db, &oc, &c, 0), 0);
    cr_assert_eq(blogdb_pipeline_end(db), BLOGDB_EUNIQUE);
    cr_assert_eq(blogdb_failed_index(db), 1);
    cr_assert_eq(blogdb_pipeline_status(db, 0), BLOGDB_EABORTED, "rolled back");
    cr_assert_eq(blogdb_pipeline_status(db, 1), BLOGDB_EUNIQUE);
    cr_assert_eq(blogdb_pipeline_status(db, 2), BLOGDB_EABORTED, "not run");
    cr_assert(oa == NULL && ob == NULL && oc == NULL);
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), 0);
}

Test(scale, pipelines_carry_the_acting_user)
{
    blogdb_users_row *u = make_user("author@example.com");
    blogdb_posts_row in = {.title = "t", .content = "c"};
    uuid_copy(in.user_id, u->id);
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    for (unsigned flags = 0; flags <= BLOGDB_PIPELINE_ATOMIC; flags++) {
        cr_assert_eq(blogdb_pipeline_begin(db, flags), 0);
        for (int i = 0; i < 20; i++)
            cr_assert_eq(blogdb_posts_insert(db, NULL, &in, 0), 0);
        cr_assert_eq(blogdb_pipeline_end(db), 0, "%s", blogdb_errmsg(db));
    }
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 40);
    blogdb_users_row_free(u);
}

/* A serializable transaction that a second connection sabotages on its first attempts. */
typedef struct race {
    blogdb *other;
    int sabotage;
    int calls;
} race;

static int count_then_insert(blogdb *conn, void *ctx)
{
    race *r = ctx;
    int64_t n;
    char email[64];
    int rc;
    r->calls++;
    if ((rc = blogdb_users_count(conn, &n)) != 0)
        return rc;
    if (r->sabotage-- > 0) { /* a concurrent transaction reads and writes the same predicate, and wins */
        blogdb_users_row x = {.password_hash = "h"};
        static int rivals;
        snprintf(email, sizeof email, "rival%d@example.com", ++rivals);
        x.email = email;
        cr_assert_eq(blogdb_begin(r->other), 0);
        PQclear(PQexec(r->other->conn, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"));
        cr_assert_eq(blogdb_users_count(r->other, &n), 0);
        cr_assert_eq(blogdb_users_insert(r->other, NULL, &x, 0), 0, "%s", blogdb_errmsg(r->other));
        cr_assert_eq(blogdb_commit(r->other), 0, "%s", blogdb_errmsg(r->other));
    }
    snprintf(email, sizeof email, "mine%d@example.com", r->calls);
    {
        blogdb_users_row mine = {.email = email, .password_hash = "h"};
        return blogdb_users_insert(conn, NULL, &mine, 0);
    }
}

Test(scale, transact_retries_serialization_failures)
{
    blogdb_tx_options opts = {.version = 1, .isolation = BLOGDB_SERIALIZABLE, .max_attempts = 4, .backoff_ms = 1};
    race r = {NULL, 1, 0};
    cr_assert_eq(blogdb_connect(&r.other, test_dsn()), 0);
    cr_assert_eq(blogdb_transact(db, &opts, count_then_insert, &r), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_attempts(db), 2);
    cr_assert_eq(r.calls, 2);
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE email LIKE 'mine%'"), 1);
    /* Sabotaged every time: gives up after max_attempts with the serialization failure. */
    r = (race){r.other, 100, 0};
    cr_assert_eq(blogdb_transact(db, &opts, count_then_insert, &r), BLOGDB_ESERIALIZATION);
    cr_assert_eq(blogdb_attempts(db), 4);
    cr_assert(strcmp(blogdb_sqlstate(db), "40001") == 0, "%s", blogdb_sqlstate(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE email LIKE 'mine%'"), 1);
    blogdb_close(r.other);
}

static int insert_in_read_only(blogdb *conn, void *ctx)
{
    blogdb_users_row x = {.email = "ro@example.com", .password_hash = "h"};
    (void)ctx;
    return blogdb_users_insert(conn, NULL, &x, 0);
}

Test(scale, transact_options_and_savepoints)
{
    blogdb_tx_options ro = {.version = 1, .read_only = true};
    blogdb_tx_options bad = {.version = 2};
    blogdb_users_row a = {.email = "a@example.com", .password_hash = "h"}, b = {.email = "b@example.com", .password_hash = "h"};
    cr_assert_eq(blogdb_transact(db, &ro, insert_in_read_only, NULL), BLOGDB_EREADONLY);
    cr_assert_str_eq(blogdb_sqlstate(db), "25006");
    cr_assert_eq(blogdb_attempts(db), 1);
    cr_assert_eq(blogdb_transact(db, &bad, insert_in_read_only, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_transact(db, NULL, insert_in_read_only, NULL), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), 1);

    cr_assert_eq(blogdb_begin(db), 0);
    cr_assert_eq(blogdb_users_insert(db, NULL, &a, 0), 0);
    cr_assert_eq(blogdb_savepoint(db, "before_dup"), 0);
    cr_assert_eq(blogdb_users_insert(db, NULL, &a, 0), BLOGDB_EUNIQUE);
    cr_assert_eq(blogdb_rollback_to(db, "before_dup"), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_users_insert(db, NULL, &b, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_release(db, "before_dup"), 0);
    cr_assert_eq(blogdb_savepoint(db, "bad name;"), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_commit(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE email IN ('a@example.com', 'b@example.com')"), 2);
    cr_assert_eq(blogdb_savepoint(db, "outside"), BLOGDB_EINVAL);
}

static void *cancel_later(void *arg)
{
    struct timespec ts = {0, 300 * 1000000L};
    nanosleep(&ts, NULL);
    blogdb_cancel(arg);
    return NULL;
}

Test(scale, statement_timeout_and_cancel)
{
    blogdb_users_rows *rows = NULL;
    pthread_t t;
    struct timespec t0, t1;
    cr_assert_eq(blogdb_set_statement_timeout(db, 150), 0);
    sql_exec("BEGIN");
    sql_exec("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
    cr_assert_eq(blogdb_users_list(db, &rows, 10, NULL), BLOGDB_ETIMEOUT);
    cr_assert_str_eq(blogdb_sqlstate(db), "57014");
    /* No timeout now; another thread cancels the blocked call. */
    cr_assert_eq(blogdb_set_statement_timeout(db, 0), 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_create(&t, NULL, cancel_later, db);
    cr_assert_eq(blogdb_users_list(db, &rows, 10, NULL), BLOGDB_ETIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_join(t, NULL);
    cr_assert(strstr(blogdb_errmsg(db), "cancel"), "%s", blogdb_errmsg(db));
    cr_assert_lt(t1.tv_sec - t0.tv_sec, 10);
    sql_exec("ROLLBACK");
    cr_assert_eq(blogdb_users_list(db, &rows, 10, NULL), 0, "%s", blogdb_errmsg(db));
    blogdb_users_rows_free(rows);
    cr_assert_eq(blogdb_set_statement_timeout(db, -1), BLOGDB_EINVAL);
}
