/* The connection pool (blogdb/pool.h) against the real server: its bound and checkout timeout,
 * many threads at once with exact counts, the clean session at checkin, broken and old
 * connections replaced without the caller seeing it, bad arguments, closing with connections out. */
#include "helpers.h"

#include "internal.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

TestSuite(pool, .init = db_setup, .fini = db_teardown);

static blogdb_pool *open_pool(int max_size, int health_check_idle_ms, int max_lifetime_ms)
{
    blogdb_pool *p = NULL;
    blogdb_pool_options o = {.version = 1, .max_size = max_size, .checkout_timeout_ms = 300,
                             .health_check_idle_ms = health_check_idle_ms, .max_lifetime_ms = max_lifetime_ms};
    cr_assert_eq(blogdb_pool_open(&p, test_dsn(), &o), 0, "%s", blogdb_pool_errmsg());
    return p;
}

Test(pool, bounded_and_a_checkout_waits_at_most_its_timeout)
{
    blogdb_pool *p = open_pool(2, 0, 0);
    blogdb *a = NULL, *b = NULL, *c = (blogdb *)1;
    blogdb_pool_stats st;
    cr_assert_eq(blogdb_pool_checkout(p, &a), 0, "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_pool_checkout(p, &b), 0, "%s", blogdb_pool_errmsg());
    cr_assert_neq(a, b);
    cr_assert_eq(blogdb_pool_checkout(p, &c), BLOGDB_ETIMEOUT);
    cr_assert_null(c);
    cr_assert(strstr(blogdb_pool_errmsg(), "no connection free within 300 ms"), "%s", blogdb_pool_errmsg());
    blogdb_pool_get_stats(p, &st);
    cr_assert(st.open == 2 && st.in_use == 2 && st.opened == 2 && st.waiting == 0);
    blogdb_pool_checkin(p, b);
    cr_assert_eq(blogdb_pool_checkout(p, &c), 0);
    cr_assert_eq(c, b, "the idle connection is reused");
    blogdb_pool_checkin(p, a);
    blogdb_pool_checkin(p, c);
    blogdb_pool_get_stats(p, &st);
    cr_assert(st.open == 2 && st.in_use == 0 && st.opened == 2);
    blogdb_pool_close(p);
}

/* ---- many threads: each inserts its posts through blogdb_pool_run ---- */

typedef struct {
    blogdb_pool *pool;
    uuid_t author;
    int done, failed;
} worker;

static int insert_post(blogdb *db, void *ctx)
{
    worker *w = ctx;
    blogdb_posts_row p = {.title = "pooled", .content = "x"};
    uuid_copy(p.user_id, w->author);
    blogdb_set_acting_user(db, w->author);
    return blogdb_posts_insert(db, NULL, &p, 0);
}

static void *work(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 50; i++) {
        if (blogdb_pool_run(w->pool, NULL, insert_post, w) == 0)
            w->done++;
        else
            w->failed++;
    }
    return NULL;
}

Test(pool, eight_threads_share_three_connections_and_every_insert_lands)
{
    blogdb_pool *p = NULL;
    blogdb_pool_options o = {.version = 1, .max_size = 3, .checkout_timeout_ms = 30000};
    blogdb_users_row *a = make_user("pool@example.com");
    pthread_t t[8];
    worker w[8];
    blogdb_pool_stats st;
    char sql[200], id[37];
    cr_assert_eq(blogdb_pool_open(&p, test_dsn(), &o), 0, "%s", blogdb_pool_errmsg());
    for (int i = 0; i < 8; i++) {
        w[i] = (worker){.pool = p};
        uuid_copy(w[i].author, a->id);
        cr_assert_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].done, 50, "thread %d: %d done, %d failed", i, w[i].done, w[i].failed);
    }
    uuid_unparse_lower(a->id, id);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM posts WHERE user_id = '%s' AND title = 'pooled'", id);
    cr_assert_eq(sql_int(sql), 400);
    blogdb_pool_get_stats(p, &st);
    cr_assert(st.open <= 3 && st.opened <= 3 && st.in_use == 0, "open %d, opened %ld", st.open, st.opened);
    blogdb_pool_close(p);
    blogdb_users_row_free(a);
}

/* ---- checkin makes the session clean ---- */

Test(pool, checkin_rolls_back_and_resets_the_session)
{
    blogdb_pool *p = open_pool(1, 0, 0);
    blogdb_users_row *a = make_user("clean@example.com");
    blogdb *db1 = NULL, *db2 = NULL;
    blogdb_posts_row post = {.title = "never committed", .content = "x"};
    blogdb_posts_rows *mine = NULL;
    PGresult *r;

    cr_assert_eq(blogdb_pool_checkout(p, &db1), 0);
    cr_assert_eq(blogdb_begin_as(db1, a->id), 0, "%s", blogdb_errmsg(db1));
    uuid_copy(post.user_id, a->id);
    cr_assert_eq(blogdb_posts_insert(db1, NULL, &post, 0), 0, "%s", blogdb_errmsg(db1));
    cr_assert_eq(blogdb_set_statement_timeout(db1, 1234), 0);
    cr_assert_eq(blogdb_set_timeout(db1, 7), 0);
    blogdb_pool_checkin(p, db1); /* still in its transaction: rolled back, not committed */

    cr_assert_eq(blogdb_pool_checkout(p, &db2), 0);
    cr_assert_eq(db2, db1, "the same connection (a pool of one)");
    cr_assert_eq(PQtransactionStatus(db2->conn), PQTRANS_IDLE);
    cr_assert_str_eq(db2->acting, "", "no acting user");
    cr_assert_eq(db2->timeout_ms, BLOGDB_DEFAULT_TIMEOUT_MS);
    r = PQexec(db2->conn, "SHOW statement_timeout");
    cr_assert_str_eq(PQgetvalue(r, 0, 0), "0", "the server's default again");
    PQclear(r);
    /* The insert was rolled back; nor does the author see it acting as themselves. */
    cr_assert_eq(blogdb_set_acting_user(db2, a->id), 0);
    cr_assert_eq(blogdb_posts_list_by_user_id(db2, &mine, a->id, 10, NULL), 0, "%s", blogdb_errmsg(db2));
    cr_assert_eq(mine->count, 0);
    blogdb_posts_rows_free(mine);
    blogdb_pool_checkin(p, db2);
    blogdb_pool_close(p);
    blogdb_users_row_free(a);
}

/* ---- broken and old connections are replaced unseen ---- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int backend_pid(blogdb *db)
{
    return PQbackendPID(db->conn);
}

Test(pool, a_connection_whose_backend_died_is_replaced_at_checkout)
{
    blogdb_pool *p = open_pool(1, -1, 0); /* health check every time */
    blogdb *db = NULL;
    blogdb_users_rows *users = NULL;
    blogdb_pool_stats st;
    char sql[100];
    int pid;
    cr_assert_eq(blogdb_pool_checkout(p, &db), 0);
    pid = backend_pid(db);
    blogdb_pool_checkin(p, db);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)::int", pid);
    cr_assert_eq(sql_int(sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = %d", pid);
    for (int i = 0; i < 100 && sql_int(sql) > 0; i++)
        sleep_ms(20);

    cr_assert_eq(blogdb_pool_checkout(p, &db), 0, "%s", blogdb_pool_errmsg());
    cr_assert_neq(backend_pid(db), pid);
    cr_assert_eq(blogdb_users_list(db, &users, 10, NULL), 0, "%s", blogdb_errmsg(db));
    blogdb_users_rows_free(users);
    blogdb_pool_checkin(p, db);
    blogdb_pool_get_stats(p, &st);
    cr_assert_eq(st.replaced, 1);
    cr_assert_eq(st.open, 1);
    blogdb_pool_close(p);
}

Test(pool, a_connection_past_its_lifetime_is_replaced)
{
    blogdb_pool *p = open_pool(1, 0, 1); /* 1 ms */
    blogdb *db = NULL;
    int pid;
    cr_assert_eq(blogdb_pool_checkout(p, &db), 0);
    pid = backend_pid(db);
    blogdb_pool_checkin(p, db);
    sleep_ms(5);
    cr_assert_eq(blogdb_pool_checkout(p, &db), 0);
    cr_assert_neq(backend_pid(db), pid);
    blogdb_pool_checkin(p, db);
    blogdb_pool_close(p);
}

/* A connection checked in broken (its server gone) is closed, not handed out again. */
Test(pool, a_connection_checked_in_broken_is_dropped)
{
    blogdb_pool *p = open_pool(2, 0, 0);
    blogdb *db = NULL;
    blogdb_pool_stats st;
    char sql[100];
    cr_assert_eq(blogdb_pool_checkout(p, &db), 0);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)::int", backend_pid(db));
    cr_assert_eq(sql_int(sql), 1);
    cr_assert_neq(blogdb_begin(db), 0); /* finds the connection gone */
    blogdb_pool_checkin(p, db);
    blogdb_pool_get_stats(p, &st);
    cr_assert(st.open == 0 && st.replaced == 1, "open %d, replaced %ld", st.open, st.replaced);
    cr_assert_eq(blogdb_pool_checkout(p, &db), 0, "a new one is opened: %s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_begin(db), 0, "%s", blogdb_errmsg(db));
    blogdb_pool_checkin(p, db);
    blogdb_pool_close(p);
}

/* ---- errors ---- */

Test(pool, bad_arguments_and_an_unreachable_server_are_clear_errors)
{
    blogdb_pool *p = (blogdb_pool *)1;
    blogdb *db = (blogdb *)1;
    blogdb_pool_options o = {.version = 1, .max_size = 1001};
    blogdb_pool_options v2 = {.version = 2};
    cr_assert_eq(blogdb_pool_open(NULL, test_dsn(), NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_pool_open(&p, NULL, NULL), BLOGDB_EINVAL);
    cr_assert_null(p);
    cr_assert_eq(blogdb_pool_open(&p, test_dsn(), &o), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_pool_errmsg(), "out of range"), "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_pool_open(&p, test_dsn(), &v2), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_pool_errmsg(), "version 2"), "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_pool_open(&p, "host=/nonexistent-dir connect_timeout=2", NULL), BLOGDB_ECONNECTION);
    cr_assert_null(p);
    cr_assert(strstr(blogdb_pool_errmsg(), "cannot connect"), "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_pool_checkout(NULL, &db), BLOGDB_EINVAL);
    cr_assert_null(db);
    cr_assert_eq(blogdb_pool_run(NULL, NULL, insert_post, NULL), BLOGDB_EINVAL);
    blogdb_pool_checkin(NULL, NULL);
    blogdb_pool_close(NULL);
}

/* A failed transaction's message outlives the checkin, for the calling thread. */
static int fail_unique(blogdb *db, void *ctx)
{
    blogdb_users_row u = {.email = ctx, .password_hash = "h"};
    return blogdb_users_insert(db, NULL, &u, 0);
}

Test(pool, run_keeps_the_failure_message)
{
    blogdb_pool *p = open_pool(1, 0, 0);
    blogdb_users_row *a = make_user("taken@example.com");
    cr_assert_eq(blogdb_pool_run(p, NULL, fail_unique, "taken@example.com"), BLOGDB_EUNIQUE);
    cr_assert(strstr(blogdb_pool_errmsg(), "users_email_key") || strstr(blogdb_pool_errmsg(), "duplicate"), "%s",
              blogdb_pool_errmsg());
    cr_assert_eq(blogdb_pool_run(p, NULL, fail_unique, "free@example.com"), 0);
    blogdb_pool_close(p);
    blogdb_users_row_free(a);
}

/* Closing with a connection out: the pool goes when it comes back (ASan checks nothing leaks). */
Test(pool, close_with_a_connection_out_frees_at_its_checkin)
{
    blogdb_pool *p = open_pool(2, 0, 0);
    blogdb *db = NULL;
    blogdb_users_rows *users = NULL;
    cr_assert_eq(blogdb_pool_checkout(p, &db), 0);
    blogdb_pool_close(p);
    cr_assert_eq(blogdb_users_list(db, &users, 1, NULL), 0, "still the caller's: %s", blogdb_errmsg(db));
    blogdb_users_rows_free(users);
    blogdb_pool_checkin(p, db);
}

/* ---- blogdb_cluster on one server (tests/test_failover.c runs it on real replicas) ---- */

Test(pool, cluster_bad_arguments_are_clear_errors)
{
    blogdb_cluster *c = (blogdb_cluster *)1;
    blogdb *db = (blogdb *)1;
    const char *one[1] = {test_dsn()}, *none[1] = {NULL}, *down[1] = {"host=/nonexistent-dir connect_timeout=2"};
    blogdb_cluster_options v2 = {.version = 2}, neg = {.version = 1, .read_your_writes_ms = -1};
    blogdb_cluster_stats st = {.writes = 7};
    cr_assert_eq(blogdb_cluster_open(NULL, test_dsn(), NULL, 0, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_cluster_open(&c, NULL, NULL, 0, NULL), BLOGDB_EINVAL);
    cr_assert_null(c);
    cr_assert_eq(blogdb_cluster_open(&c, test_dsn(), NULL, 1, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_cluster_open(&c, test_dsn(), one, 17, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_cluster_open(&c, test_dsn(), one, -1, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_cluster_open(&c, test_dsn(), none, 1, NULL), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_pool_errmsg(), "replica 0 is NULL"), "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_cluster_open(&c, test_dsn(), one, 1, &v2), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_pool_errmsg(), "version 2"), "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_cluster_open(&c, test_dsn(), one, 1, &neg), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_cluster_open(&c, test_dsn(), down, 1, NULL), BLOGDB_ECONNECTION);
    cr_assert_null(c);
    cr_assert(strstr(blogdb_pool_errmsg(), "blogdb_cluster_open: blogdb_pool: cannot connect"), "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_cluster_checkout(NULL, NULL, BLOGDB_ROUTE_READ, &db), BLOGDB_EINVAL);
    cr_assert_null(db);
    cr_assert_eq(blogdb_cluster_open(&c, test_dsn(), NULL, 0, NULL), 0, "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_cluster_checkout(c, NULL, (blogdb_route)7, &db), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_cluster_checkout(c, NULL, BLOGDB_ROUTE_READ, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_cluster_run(NULL, NULL, BLOGDB_ROUTE_READ, NULL, insert_post, NULL), BLOGDB_EINVAL);
    blogdb_cluster_get_stats(NULL, &st);
    blogdb_cluster_get_stats(c, NULL);
    cr_assert_eq(st.writes, 7, "nothing written");
    blogdb_cluster_checkin(NULL, NULL, NULL);
    blogdb_cluster_checkin(c, NULL, NULL);
    blogdb_cluster_close(c);
    blogdb_cluster_close(NULL);
}

static int count_users(blogdb *db, void *ctx)
{
    return blogdb_users_count(db, ctx);
}

Test(pool, cluster_routes_by_intent_and_records_a_sessions_write)
{
    blogdb_cluster *c = NULL;
    blogdb_cluster_stats st;
    blogdb_session s = {0};
    blogdb *db = NULL;
    int64_t n = -1;
    char reads[1200];
    const char *replicas[1] = {reads};
    blogdb_cluster_options o = {.version = 1, .read_your_writes_ms = 60000};
    /* The one server, as the primary and under another conninfo as a "replica" (not in recovery:
     * it counts as caught up). */
    snprintf(reads, sizeof reads, "%s application_name=reads", test_dsn());
    cr_assert_eq(blogdb_cluster_open(&c, test_dsn(), replicas, 1, &o), 0, "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_cluster_run(c, &s, BLOGDB_ROUTE_WRITE, NULL, fail_unique, "w@example.com"), 0, "%s",
                 blogdb_pool_errmsg());
    cr_assert_neq(s.write_lsn, 0);
    cr_assert_gt(s.write_at_ms, 0);
    cr_assert_eq(blogdb_cluster_run(c, &s, BLOGDB_ROUTE_READ, NULL, count_users, &n), 0, "%s", blogdb_pool_errmsg());
    cr_assert_eq(n, 1);
    cr_assert_eq(blogdb_cluster_checkout(c, NULL, BLOGDB_ROUTE_READ, &db), 0);
    cr_assert_str_eq(PQparameterStatus(db->conn, "application_name"), "reads");
    blogdb_cluster_checkin(c, NULL, db);
    blogdb_cluster_get_stats(c, &st);
    cr_assert(st.writes == 1 && st.replica_reads == 2 && st.primary_reads == 0, "writes %ld, replica %ld, primary %ld",
              st.writes, st.replica_reads, st.primary_reads);
    /* A READ run is a READ ONLY transaction: a write in it fails even on the primary, and the
     * connection stays (the server is not read-only). */
    {
        blogdb_cluster *solo = NULL;
        blogdb_pool_stats ps;
        cr_assert_eq(blogdb_cluster_open(&solo, test_dsn(), NULL, 0, &o), 0);
        cr_assert_eq(blogdb_cluster_run(solo, NULL, BLOGDB_ROUTE_READ, NULL, fail_unique, "r@example.com"),
                     BLOGDB_EREADONLY);
        cr_assert_eq(blogdb_cluster_checkout(solo, NULL, BLOGDB_ROUTE_WRITE, &db), 0);
        blogdb_pool_get_stats(db->pool, &ps);
        cr_assert(ps.opened == 1 && ps.replaced == 0, "opened %ld, replaced %ld", ps.opened, ps.replaced);
        cr_assert_eq(fail_unique(db, "r@example.com"), 0, "%s", blogdb_errmsg(db));
        blogdb_cluster_checkin(solo, NULL, db);
        blogdb_cluster_close(solo);
    }
    /* A failed write is the caller's to see; the cluster adds nothing to it. */
    cr_assert_eq(blogdb_cluster_run(c, &s, BLOGDB_ROUTE_WRITE, NULL, fail_unique, "w@example.com"), BLOGDB_EUNIQUE);
    cr_assert(strstr(blogdb_pool_errmsg(), "duplicate") || strstr(blogdb_pool_errmsg(), "users_email_key"), "%s",
              blogdb_pool_errmsg());
    /* Closing with a connection out: the cluster goes at its checkin (ASan checks nothing leaks). */
    cr_assert_eq(blogdb_cluster_checkout(c, &s, BLOGDB_ROUTE_WRITE, &db), 0);
    blogdb_cluster_close(c);
    cr_assert_eq(blogdb_users_count(db, &n), 0, "still the caller's: %s", blogdb_errmsg(db));
    blogdb_cluster_checkin(c, &s, db);
}
