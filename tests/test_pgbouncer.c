/* Unnamed statements (blogdb_set_statement_mode) and a real PgBouncer (Debian's 1.18) in
 * transaction mode with fewer server connections than clients: every kind of call from several
 * threads at once, exact counts at the end. */
#include "helpers.h"

#include "internal.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void bouncer_teardown(void);
TestSuite(pgbouncer, .init = db_setup, .fini = bouncer_teardown);

static long long on_conn(blogdb *db, const char *sql)
{
    PGresult *r = PQexec(db->conn, sql);
    long long v;
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(r));
    v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

/* One of each kind of call, as the author: insert, get, update, list, a pipeline, COPY, a
 * transaction. Returns the number of posts it added, or -1 with the failure in err (no Criterion
 * assertion: it runs in threads too). */
#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            snprintf(err, errsize, "%s: %s", what, blogdb_errmsg(db));                             \
            added = -1;                                                                            \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

static int every_kind_of_call(blogdb *db, const uuid_t author, const char *tag, char *err, size_t errsize)
{
    blogdb_posts_row p = {.title = tag, .content = "c"}, *got = NULL, *one = NULL, change;
    blogdb_posts_rows *list = NULL;
    blogdb_posts_row batch[3];
    int added = 0;
    uuid_copy(p.user_id, author);
    CHECK(blogdb_set_acting_user(db, author) == 0, "acting user");
    CHECK(blogdb_posts_insert(db, &one, &p, 0) == 0, "insert");
    added++;
    CHECK(blogdb_posts_get_by_id(db, &got, one->id) == 0 && strcmp(got->title, tag) == 0, "get");
    change = *one;
    change.content = "edited";
    CHECK(blogdb_posts_update_fields(db, NULL, &change, BLOGDB_POSTS_CONTENT) == 0, "update");
    CHECK(blogdb_posts_list_by_user_id(db, &list, author, 5, NULL) == 0 && list->count >= 1, "list");
    CHECK(blogdb_pipeline_begin(db, 0) == 0, "pipeline begin");
    for (int i = 0; i < 3; i++)
        CHECK(blogdb_posts_insert(db, NULL, &p, 0) == 0, "queued insert");
    CHECK(blogdb_pipeline_end(db) == 0, "pipeline");
    added += 3;
    for (int i = 0; i < 3; i++)
        batch[i] = p;
    CHECK(blogdb_posts_copy_in(db, batch, 3, 0) == 0, "copy");
    added += 3;
    CHECK(blogdb_begin(db) == 0, "begin");
    CHECK(blogdb_posts_insert(db, NULL, &p, 0) == 0, "insert in a transaction");
    CHECK(blogdb_commit(db) == 0, "commit");
    added++;
out:
    blogdb_posts_rows_free(list);
    blogdb_posts_row_free(one);
    blogdb_posts_row_free(got);
    return added;
}

static int calls_ok(blogdb *db, const uuid_t author, const char *tag)
{
    char err[512] = "";
    int n = every_kind_of_call(db, author, tag, err, sizeof err);
    cr_assert_geq(n, 0, "%s", err);
    return n;
}

Test(pgbouncer, unnamed_statements_keep_nothing_on_the_server)
{
    blogdb_users_row *a;
    long long before;
    cr_assert_eq(blogdb_set_statement_mode(db, BLOGDB_STATEMENTS_UNNAMED), 0);
    before = on_conn(db, "SELECT count(*) FROM pg_prepared_statements"); /* the test setup's own */
    a = make_user("unnamed@example.com");
    cr_assert_eq(calls_ok(db, a->id, "unnamed"), 8);
    cr_assert_eq(on_conn(db, "SELECT count(*) FROM pg_prepared_statements"), before, "none prepared by name");
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE title = 'unnamed'"), 8);
    /* Named (the default) keeps them. */
    cr_assert_eq(blogdb_set_statement_mode(db, BLOGDB_STATEMENTS_NAMED), 0);
    cr_assert_eq(calls_ok(db, a->id, "named"), 8);
    cr_assert_gt(on_conn(db, "SELECT count(*) FROM pg_prepared_statements"), before + 3);
    cr_assert_eq(blogdb_set_statement_mode(db, (blogdb_statement_mode)7), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_set_statement_mode(NULL, BLOGDB_STATEMENTS_NAMED), BLOGDB_EINVAL);
    blogdb_users_row_free(a);
}

/* ---- a real PgBouncer -------------------------------------------------------------------- */

typedef struct bouncer {
    char dir[512];
    int port;
} bouncer;

/* The bouncer of the running test: stopped by the suite's teardown even when an assertion
 * ended the test early, so no pgbouncer daemon outlives its test. */
static bouncer running;

static void run_ok(const char *cmd)
{
    char *err = NULL;
    int st = run_cmd(cmd, NULL, &err);
    cr_assert_eq(st, 0, "%s: %s", cmd, err);
    free(err);
}

/* Starts pgbouncer (transaction pooling, 2 server connections per database and user) in front of
 * the test server, on 127.0.0.1; as root, as the postgres user (pgbouncer refuses root). */
static bouncer start_bouncer(void)
{
    bouncer b;
    PGconn *su = PQconnectdb(test_admin_dsn());
    char path[600], cmd[2048], *tmp = make_tmpdir();
    FILE *f;
    const char *as = getuid() == 0 ? "runuser -u postgres -- " : "";
    cr_assert_eq(PQstatus(su), CONNECTION_OK);
    snprintf(b.dir, sizeof b.dir, "%s", tmp);
    free(tmp);
    chmod(b.dir, 0777);
    b.port = 20000 + (int)(getpid() % 20000);
    snprintf(path, sizeof path, "%s/users.txt", b.dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "\"blog_app\" \"\"\n\"postgres\" \"\"\n");
    fclose(f);
    snprintf(path, sizeof path, "%s/pgbouncer.ini", b.dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "[databases]\n* = host=%s port=%s\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = %d\n"
            "unix_socket_dir =\nauth_type = trust\nauth_file = %s/users.txt\npool_mode = transaction\n"
            "default_pool_size = 2\nmax_client_conn = 100\nlogfile = %s/pgbouncer.log\npidfile = %s/pgbouncer.pid\n",
            PQhost(su), PQport(su), b.port, b.dir, b.dir, b.dir);
    fclose(f);
    PQfinish(su);
    snprintf(cmd, sizeof cmd, "chmod 0644 '%s/users.txt' '%s/pgbouncer.ini' && %spgbouncer -d -q '%s/pgbouncer.ini'", b.dir,
             b.dir, as, b.dir);
    run_ok(cmd);
    for (int i = 0; i < 100; i++) {
        char dsn[200];
        snprintf(dsn, sizeof dsn, "host=127.0.0.1 port=%d dbname=postgres user=postgres connect_timeout=2", b.port);
        if (PQping(dsn) == PQPING_OK) {
            running = b;
            return b;
        }
        struct timespec ts = {0, 50000000L};
        nanosleep(&ts, NULL);
    }
    running = b; /* stopped (and its directory removed) by the teardown */
    cr_assert_fail("pgbouncer did not start: see %s/pgbouncer.log", b.dir);
    return b;
}

static void stop_bouncer(bouncer *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "kill $(cat '%s/pgbouncer.pid') 2>/dev/null; sleep 0.2; rm -rf '%s'", b->dir, b->dir);
    run_cmd(cmd, NULL, NULL);
    b->dir[0] = '\0';
}

static void bouncer_teardown(void)
{
    if (running.dir[0])
        stop_bouncer(&running);
    db_teardown();
}

/* The test database through the bouncer, as the application role. */
static void bouncer_dsn(const bouncer *b, char *out, size_t size)
{
    const char *db = strstr(test_dsn(), "dbname="), *next;
    char name[80];
    cr_assert_not_null(db);
    while ((next = strstr(db + 1, "dbname=")) != NULL) /* the last one counts */
        db = next;
    sscanf(db, "dbname=%79s", name);
    snprintf(out, size, "host=127.0.0.1 port=%d dbname=%s user=blog_app", b->port, name);
}

typedef struct client {
    char dsn[300];
    uuid_t author;
    int added, rounds;
    char error[300];
} client;

static void *client_main(void *arg)
{
    client *c = arg;
    blogdb *db = NULL;
    char tag[32];
    if (blogdb_connect(&db, c->dsn) != 0) {
        snprintf(c->error, sizeof c->error, "connect: %s", blogdb_connect_error());
        return NULL;
    }
    blogdb_set_statement_mode(db, BLOGDB_STATEMENTS_UNNAMED);
    blogdb_set_statement_timeout(db, 10000);
    snprintf(tag, sizeof tag, "bounced");
    for (int i = 0; i < c->rounds; i++) {
        int n = every_kind_of_call(db, c->author, tag, c->error, sizeof c->error);
        if (n < 0)
            break;
        c->added += n;
    }
    blogdb_close(db);
    return NULL;
}

Test(pgbouncer, six_clients_through_two_server_connections_in_transaction_mode)
{
    bouncer b = start_bouncer();
    blogdb_users_row *a = make_user("bounced@example.com");
    pthread_t t[6];
    client c[6];
    char id[37], sql[300];
    int total = 0;
    for (int i = 0; i < 6; i++) {
        memset(&c[i], 0, sizeof c[i]);
        bouncer_dsn(&b, c[i].dsn, sizeof c[i].dsn);
        uuid_copy(c[i].author, a->id);
        c[i].rounds = 10;
        cr_assert_eq(pthread_create(&t[i], NULL, client_main, &c[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        cr_assert_str_eq(c[i].error, "");
        total += c[i].added;
    }
    cr_assert_eq(total, 6 * 10 * 8);
    uuid_unparse_lower(a->id, id);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM posts WHERE user_id = '%s' AND title = 'bounced'", id);
    cr_assert_eq(sql_int(sql), 480);
    /* PgBouncer kept to its two server connections for the six clients. */
    cr_assert_leq(sql_int("SELECT count(*) FROM pg_stat_activity WHERE usename = 'blog_app' "
                          "AND datname = current_database()"),
                  2 + 1, "two of the bouncer's and the test's own");
    /* Nothing of a client's session settings reached the shared server connections. */
    {
        blogdb *probe = NULL;
        char dsn[300];
        bouncer_dsn(&b, dsn, sizeof dsn);
        cr_assert_eq(blogdb_connect(&probe, dsn), 0, "%s", blogdb_connect_error());
        cr_assert_eq(on_conn(probe, "SELECT (current_setting('statement_timeout') = '0')::int"), 1);
        cr_assert_eq(on_conn(probe, "SELECT (coalesce(current_setting('app.user_id', true), '') = '')::int"), 1);
        blogdb_close(probe);
    }
    stop_bouncer(&running);
    blogdb_users_row_free(a);
}

/* ---- statement names: a hash of the SQL ------------------------------------------------- */

typedef struct answer_row {
    int32_t n;
} answer_row;
static const blogdb_rt_column answer_cols[] = {
    {"n", "n", BLOGDB_RT_INT4, 0, BLOGDB_RT_NO_HAS, -1, NULL, BLOGDB_RT_NOT_NULL, "integer"}};
static const blogdb_rt_relation answer_rel = {"answer", "answer", sizeof(answer_row), _Alignof(answer_row), answer_cols, 1, 'v'};
/* Two descriptors (two keys of the cache) with the same SQL, and one with other SQL. */
static const blogdb_rt_query answer_a = {"SELECT 41 + 1", &answer_rel, 0, NULL, BLOGDB_RT_ONE};
static const blogdb_rt_query answer_b = {"SELECT 41 + 1", &answer_rel, 0, NULL, BLOGDB_RT_ONE};
static const blogdb_rt_query answer_c = {"SELECT 6 * 7 + 1", &answer_rel, 0, NULL, BLOGDB_RT_ONE};

static int32_t answer(blogdb *c, const blogdb_rt_query *q)
{
    answer_row *r = NULL;
    int32_t n;
    cr_assert_eq(blogdb_rt_exec(c, q, NULL, &r), 0, "%s", blogdb_errmsg(c));
    n = r->n;
    blogdb_rt_free(r);
    return n;
}

Test(pgbouncer, statements_are_named_by_their_sql_so_a_name_never_means_other_sql)
{
    blogdb *other = NULL;
    PGresult *r;
    char name[64], sql[200];

    /* Same SQL, two keys: one server statement, named by the SQL's hash. */
    cr_assert_eq(answer(db, &answer_a), 42);
    cr_assert_eq(answer(db, &answer_b), 42);
    cr_assert_eq(answer(db, &answer_c), 43);
    cr_assert_eq(on_conn(db, "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT 41 + 1'"), 1);
    r = PQexec(db->conn, "SELECT name FROM pg_prepared_statements WHERE statement = 'SELECT 41 + 1'");
    snprintf(name, sizeof name, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    cr_assert_eq(strlen(name), 22, "%s", name);
    cr_assert_eq(strncmp(name, "blogdb_", 7), 0, "%s", name);

    /* The same in one pipeline: the second key finds the name queued by the first. */
    cr_assert_eq(blogdb_connect(&other, test_dsn()), 0, "%s", blogdb_connect_error());
    {
        answer_row *x = NULL, *y = NULL;
        cr_assert_eq(blogdb_pipeline_begin(other, 0), 0);
        cr_assert_eq(blogdb_rt_exec(other, &answer_a, NULL, &x), 0, "%s", blogdb_errmsg(other));
        cr_assert_eq(blogdb_rt_exec(other, &answer_b, NULL, &y), 0, "%s", blogdb_errmsg(other));
        cr_assert_eq(blogdb_pipeline_end(other), 0, "%s", blogdb_errmsg(other));
        cr_assert(x && y && x->n == 42 && y->n == 42);
        blogdb_rt_free(x);
        blogdb_rt_free(y);
    }
    blogdb_close(other);

    /* A session that holds the name already (a session pooler's earlier client, no DISCARD ALL):
     * the name means the same SQL, so the call runs it. */
    cr_assert_eq(blogdb_connect(&other, test_dsn()), 0, "%s", blogdb_connect_error());
    snprintf(sql, sizeof sql, "PREPARE %s AS SELECT 41 + 1", name);
    r = PQexec(other->conn, sql);
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
    PQclear(r);
    cr_assert_eq(answer(other, &answer_a), 42);
    cr_assert_eq(answer(other, &answer_a), 42);
    blogdb_close(other);
}
