/* Read replicas and failover on PostgreSQL's own machinery: a primary and a streaming replica
 * (pg_basebackup -R, synchronous), libpq's multi-host conninfo with target_session_attrs, then the
 * primary killed and the replica promoted: the pool finds the new primary, nothing acknowledged is
 * lost, and a write caught on the dead primary is reported, not retried. Its own two servers:
 * the shared test server is never touched. */
#include "helpers.h"

#include "internal.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Runs pgserver.sh with args; returns its stdout's first line (caller frees). */
static char *pgserver(const char *args)
{
    char cmd[2048], *out = NULL, *err = NULL, *nl;
    int st;
    snprintf(cmd, sizeof cmd, "env -u BLOGDB_TEST_DSN '" BLOGDB_SOURCE_DIR "/tests/pgserver.sh' %s", args);
    st = run_cmd(cmd, &out, &err);
    cr_assert_eq(st, 0, "%s: %s", cmd, err);
    free(err);
    if ((nl = strchr(out, '\n')) != NULL)
        *nl = '\0';
    return out;
}

static long long value(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    long long v;
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(r));
    v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

static void command(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql,
              PQresultErrorMessage(r));
    PQclear(r);
}

/* Waits until the replica behind r has replayed everything the primary p has written. */
static void caught_up(PGconn *p, PGconn *r)
{
    char sql[200];
    PGresult *res = PQexec(p, "SELECT pg_current_wal_lsn()");
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    snprintf(sql, sizeof sql, "SELECT (pg_last_wal_replay_lsn() >= '%s')::int", PQgetvalue(res, 0, 0));
    PQclear(res);
    for (int i = 0; i < 400 && value(r, sql) == 0; i++)
        sleep_ms(25);
    cr_assert_eq(value(r, sql), 1, "the replica did not catch up");
}

/* Starts the primary in tmp/p with the blog database (its replicas are made from it); skips the
 * test where pg_basebackup is missing. Returns its DSN (caller frees), *conn a superuser connection. */
static char *start_primary(const char *tmp, PGconn **conn)
{
    const char *pgbin = getenv("BLOGDB_PGBIN");
    char args[1200], *dsn;
    if (pgbin) {
        char path[600];
        snprintf(path, sizeof path, "%s/pg_basebackup", pgbin);
        if (access(path, X_OK) != 0)
            cr_skip_test("no pg_basebackup beside %s (scripts/test.sh --pg: server binaries only)", pgbin);
    }
    chmod(tmp, 0755);
    snprintf(args, sizeof args, "start '%s/p' '" BLOGDB_SOURCE_DIR "/schema.sql'", tmp);
    dsn = pgserver(args);
    *conn = PQconnectdb(dsn);
    cr_assert_eq(PQstatus(*conn), CONNECTION_OK, "%s", PQerrorMessage(*conn));
    command(*conn, "CREATE DATABASE blog TEMPLATE blogdb_template");
    return dsn;
}

static int insert_user(blogdb *db, void *ctx)
{
    blogdb_users_row u = {.email = ctx, .password_hash = "h"};
    return blogdb_users_insert(db, NULL, &u, 0);
}

Test(failover, replicas_serve_reads_and_a_promoted_replica_takes_the_writes, .timeout = 120)
{
    char *tmp = make_tmpdir(), args[1500], *dsn_p, *dsn_r, multi[1200], rw[1300], ro[1300], email[64];
    PGconn *p, *r;
    blogdb *writer = NULL, *reader = NULL, *caught = NULL;
    blogdb_users_rows *users = NULL;
    blogdb_pool *pool = NULL;
    blogdb_pool_options o = {.version = 1, .max_size = 2, .health_check_idle_ms = -1, .checkout_timeout_ms = 20000};
    int rc;

    dsn_p = start_primary(tmp, &p);
    snprintf(args, sizeof args, "replica '%s/r' '%s/p'", tmp, tmp);
    dsn_r = pgserver(args);
    r = PQconnectdb(dsn_r);
    cr_assert_eq(PQstatus(r), CONNECTION_OK, "%s", PQerrorMessage(r));
    cr_assert_eq(value(r, "SELECT pg_is_in_recovery()::int"), 1);
    /* Synchronous: a commit is acknowledged once the replica has it. */
    command(p, "ALTER SYSTEM SET synchronous_standby_names = 'replica'");
    command(p, "SELECT pg_reload_conf()");
    for (int i = 0; i < 200 && value(p, "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'") == 0; i++)
        sleep_ms(50);
    cr_assert_eq(value(p, "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'"), 1);

    /* One conninfo names both servers; target_session_attrs picks the role. */
    snprintf(multi, sizeof multi, "host=%s,%s port=%s,%s dbname=blog user=blog_app connect_timeout=2", PQhost(p),
             PQhost(r), PQport(p), PQport(r));
    snprintf(rw, sizeof rw, "%s target_session_attrs=read-write", multi);
    snprintf(ro, sizeof ro, "%s target_session_attrs=standby", multi);
    cr_assert_eq(blogdb_connect(&writer, rw), 0, "%s", blogdb_connect_error());
    cr_assert_eq(blogdb_connect(&reader, ro), 0, "%s", blogdb_connect_error());
    cr_assert_str_eq(PQport(writer->conn), PQport(p));
    cr_assert_str_eq(PQport(reader->conn), PQport(r));
    cr_assert_eq(insert_user(writer, "first@example.com"), 0, "%s", blogdb_errmsg(writer));
    cr_assert_eq(blogdb_users_list(reader, &users, 10, NULL), 0, "a read on the replica: %s", blogdb_errmsg(reader));
    cr_assert_eq(users->count, 1, "synchronous: the replica has it");
    blogdb_users_rows_free(users);
    cr_assert_eq(insert_user(reader, "nope@example.com"), BLOGDB_EREADONLY, "%s", blogdb_errmsg(reader));
    cr_assert_str_eq(blogdb_sqlstate(reader), "25006", "a write on the replica: %s", blogdb_errmsg(reader));

    /* A pool over the read-write conninfo takes writes. */
    cr_assert_eq(blogdb_pool_open(&pool, rw, &o), 0, "%s", blogdb_pool_errmsg());
    for (int i = 0; i < 20; i++) {
        snprintf(email, sizeof email, "before%d@example.com", i);
        cr_assert_eq(blogdb_pool_run(pool, NULL, insert_user, email), 0, "%s", blogdb_pool_errmsg());
    }
    cr_assert_eq(blogdb_pool_checkout(pool, &caught), 0); /* held across the failover */

    /* The primary dies; the replica is promoted. */
    PQfinish(p);
    snprintf(args, sizeof args, "kill '%s/p'", tmp);
    free(pgserver(args));
    snprintf(args, sizeof args, "promote '%s/r'", tmp);
    free(pgserver(args));
    cr_assert_eq(value(r, "SELECT pg_is_in_recovery()::int"), 0);

    /* A write caught on the dead primary is reported (its outcome may be unknown), never retried. */
    rc = insert_user(caught, "caught@example.com");
    cr_assert(rc == BLOGDB_ECONNECTION || rc == BLOGDB_EUNKNOWN, "%d: %s", rc, blogdb_errmsg(caught));
    blogdb_pool_checkin(pool, caught);

    /* The pool finds the new primary through the same conninfo; writes resume. */
    for (int i = 0; i < 5; i++) {
        snprintf(email, sizeof email, "after%d@example.com", i);
        cr_assert_eq(blogdb_pool_run(pool, NULL, insert_user, email), 0, "%s", blogdb_pool_errmsg());
    }
    {
        PGconn *np = PQconnectdb(dsn_r);
        PGresult *res;
        command(np, "SELECT 1");
        PQfinish(np);
        snprintf(args, sizeof args, "%s dbname=blog", dsn_r);
        np = PQconnectdb(args);
        /* Nothing acknowledged was lost: the first, the 20 before, the 5 after; not the caught one. */
        cr_assert_eq(value(np, "SELECT count(*) FROM users WHERE email = 'first@example.com' OR email LIKE 'before%' "
                               "OR email LIKE 'after%'"),
                     26);
        cr_assert_eq(value(np, "SELECT count(*) FROM users WHERE email = 'caught@example.com'"), 0);
        res = PQexec(np, "SELECT 1");
        PQclear(res);
        PQfinish(np);
    }
    blogdb_pool_close(pool);
    blogdb_close(writer);
    blogdb_close(reader);
    PQfinish(r);
    snprintf(args, sizeof args, "stop '%s/r'", tmp);
    free(pgserver(args));
    snprintf(args, sizeof args, "stop '%s/p'", tmp);
    free(pgserver(args));
    snprintf(args, sizeof args, "rm -rf '%s'", tmp);
    run_cmd(args, NULL, NULL);
    free(dsn_p);
    free(dsn_r);
    free(tmp);
}

static int has_user(blogdb *db, void *ctx)
{
    blogdb_users_row *u = NULL;
    int rc = blogdb_users_get_by_email(db, &u, ctx);
    blogdb_users_row_free(u);
    return rc; /* 0: seen; BLOGDB_ENOTFOUND: not (yet) there */
}

static int insert_many(blogdb *db, void *ctx)
{
    char email[64];
    int rc = 0;
    for (int i = 0; i < 200 && rc == 0; i++) {
        snprintf(email, sizeof email, "%s%d@example.com", (const char *)ctx, i);
        rc = insert_user(db, email);
    }
    return rc;
}

/* The port of the server a cluster checkout for route lands on. */
static int route_port(blogdb_cluster *c, blogdb_session *s, blogdb_route route)
{
    blogdb *db = NULL;
    int port;
    cr_assert_eq(blogdb_cluster_checkout(c, s, route, &db), 0, "%s", blogdb_pool_errmsg());
    port = atoi(PQport(db->conn));
    blogdb_cluster_checkin(c, s, db);
    return port;
}

Test(failover, a_cluster_reads_from_replicas_follows_its_writes_skips_lag_and_survives_demotion, .timeout = 180)
{
    char *tmp = make_tmpdir(), args[1500], *dsn[3], conn[3][700], primary[1500];
    const char *replicas[2];
    PGconn *pg[3];
    blogdb_cluster *c = NULL, *tight = NULL;
    blogdb_cluster_options o = {.version = 1, .read_your_writes_ms = 60000, .lag_check_ms = 1,
                                .pool = {.version = 1, .max_size = 2, .health_check_idle_ms = -1}};
    blogdb_cluster_options to = {.version = 1, .max_lag_bytes = 4096, .lag_check_ms = 1};
    blogdb_cluster_stats st;
    blogdb_session s = {0}, fresh = {0};
    int port[3], seen[3] = {0};

    dsn[0] = start_primary(tmp, &pg[0]);
    for (int i = 1; i <= 2; i++) {
        snprintf(args, sizeof args, "replica '%s/r%d' '%s/p'", tmp, i, tmp);
        dsn[i] = pgserver(args);
        pg[i] = PQconnectdb(dsn[i]);
        cr_assert_eq(PQstatus(pg[i]), CONNECTION_OK, "%s", PQerrorMessage(pg[i]));
    }
    for (int i = 0; i < 3; i++) {
        port[i] = atoi(PQport(pg[i]));
        snprintf(conn[i], sizeof conn[i], "host=%s port=%d dbname=blog user=blog_app", PQhost(pg[i]), port[i]);
    }
    /* The primary's conninfo also names the first replica: after a failover it is the primary. */
    snprintf(primary, sizeof primary, "host=%s,%s port=%d,%d dbname=blog user=blog_app target_session_attrs=read-write",
             PQhost(pg[0]), PQhost(pg[1]), port[0], port[1]);
    replicas[0] = conn[1];
    replicas[1] = conn[2];
    cr_assert_eq(blogdb_cluster_open(&c, primary, replicas, 2, &o), 0, "%s", blogdb_pool_errmsg());
    cr_assert_eq(blogdb_cluster_open(&tight, primary, replicas, 2, &to), 0, "%s", blogdb_pool_errmsg());

    /* Writes go to the primary; reads take the replicas in turn. */
    cr_assert_eq(route_port(c, NULL, BLOGDB_ROUTE_WRITE), port[0]);
    for (int i = 0; i < 4; i++) {
        int at = route_port(c, NULL, BLOGDB_ROUTE_READ);
        for (int k = 0; k < 3; k++)
            seen[k] += at == port[k];
    }
    cr_assert(seen[0] == 0 && seen[1] == 2 && seen[2] == 2, "reads: primary %d, r1 %d, r2 %d", seen[0], seen[1], seen[2]);

    /* Replay stops on both replicas; a session writes. */
    command(pg[1], "SELECT pg_wal_replay_pause()");
    command(pg[2], "SELECT pg_wal_replay_pause()");
    cr_assert_eq(blogdb_cluster_run(c, &s, BLOGDB_ROUTE_WRITE, NULL, insert_user, "mine@example.com"), 0, "%s",
                 blogdb_pool_errmsg());
    cr_assert_neq(s.write_lsn, 0, "the write's position was recorded");
    /* Its own read sees the write (on the primary: no replica has replayed it) ... */
    blogdb_cluster_get_stats(c, &st);
    cr_assert_eq(blogdb_cluster_run(c, &s, BLOGDB_ROUTE_READ, NULL, has_user, "mine@example.com"), 0, "%s",
                 blogdb_pool_errmsg());
    {
        blogdb_cluster_stats after;
        blogdb_cluster_get_stats(c, &after);
        cr_assert_eq(after.primary_reads, st.primary_reads + 1);
        cr_assert_eq(after.skipped_behind, st.skipped_behind + 2, "both replicas asked and found behind");
    }
    /* ... another caller's read goes to a replica, which does not have it yet: routing is real. */
    cr_assert_eq(blogdb_cluster_run(c, &fresh, BLOGDB_ROUTE_READ, NULL, has_user, "mine@example.com"), BLOGDB_ENOTFOUND);
    cr_assert_neq(route_port(c, &fresh, BLOGDB_ROUTE_READ), port[0]);

    /* Replicas more than 4 kB behind are skipped by the tight cluster: reads fall back to the primary. */
    cr_assert_eq(blogdb_cluster_run(c, NULL, BLOGDB_ROUTE_WRITE, NULL, insert_many, "bulk"), 0, "%s", blogdb_pool_errmsg());
    blogdb_cluster_get_stats(tight, &st);
    cr_assert_eq(route_port(tight, NULL, BLOGDB_ROUTE_READ), port[0]);
    {
        blogdb_cluster_stats after;
        blogdb_cluster_get_stats(tight, &after);
        cr_assert_eq(after.skipped_lag, st.skipped_lag + 2, "%ld", after.skipped_lag);
    }

    /* Replay resumes: the session's reads go back to replicas, which now have its write. */
    command(pg[1], "SELECT pg_wal_replay_resume()");
    command(pg[2], "SELECT pg_wal_replay_resume()");
    caught_up(pg[0], pg[1]);
    caught_up(pg[0], pg[2]);
    cr_assert_neq(route_port(c, &s, BLOGDB_ROUTE_READ), port[0]);
    cr_assert_eq(blogdb_cluster_run(c, &s, BLOGDB_ROUTE_READ, NULL, has_user, "mine@example.com"), 0);
    cr_assert_neq(route_port(tight, NULL, BLOGDB_ROUTE_READ), port[0], "caught up: no longer skipped");

    /* A read-only replica refuses a write sent on a READ connection, with its own code. */
    cr_assert_eq(blogdb_cluster_run(c, NULL, BLOGDB_ROUTE_READ, NULL, insert_user, "nope@example.com"), BLOGDB_EREADONLY);

    /* Failover by demotion: the primary turns read-only (as a failover manager does first). A
     * write is refused with BLOGDB_EREADONLY, reported and not retried; the first replica is
     * promoted; the next write finds it through the same conninfo. */
    command(pg[0], "ALTER SYSTEM SET default_transaction_read_only = on");
    command(pg[0], "SELECT pg_reload_conf()");
    sleep_ms(200);
    cr_assert_eq(blogdb_cluster_run(c, &s, BLOGDB_ROUTE_WRITE, NULL, insert_user, "refused@example.com"),
                 BLOGDB_EREADONLY, "%s", blogdb_pool_errmsg());
    caught_up(pg[0], pg[1]);
    snprintf(args, sizeof args, "promote '%s/r1'", tmp);
    free(pgserver(args));
    cr_assert_eq(value(pg[1], "SELECT pg_is_in_recovery()::int"), 0);
    cr_assert_eq(blogdb_cluster_run(c, &s, BLOGDB_ROUTE_WRITE, NULL, insert_user, "after@example.com"), 0, "%s",
                 blogdb_pool_errmsg());
    cr_assert_eq(route_port(c, NULL, BLOGDB_ROUTE_WRITE), port[1], "the promoted replica is the primary");
    {
        char dsn_blog[800];
        PGconn *np;
        snprintf(dsn_blog, sizeof dsn_blog, "%s dbname=blog", dsn[1]);
        np = PQconnectdb(dsn_blog);
        /* Nothing acknowledged lost: mine, the 200, after; the refused write is nowhere. */
        cr_assert_eq(value(np, "SELECT count(*) FROM users"), 202);
        cr_assert_eq(value(np, "SELECT count(*) FROM users WHERE email = 'refused@example.com'"), 0);
        PQfinish(np);
    }

    blogdb_cluster_close(c);
    blogdb_cluster_close(tight);
    for (int i = 2; i >= 0; i--) {
        PQfinish(pg[i]);
        snprintf(args, sizeof args, "stop '%s/%s'", tmp, i == 0 ? "p" : i == 1 ? "r1" : "r2");
        free(pgserver(args));
        free(dsn[i]);
    }
    snprintf(args, sizeof args, "rm -rf '%s'", tmp);
    run_cmd(args, NULL, NULL);
    free(tmp);
}
