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

static int insert_user(blogdb *db, void *ctx)
{
    blogdb_users_row u = {.email = ctx, .password_hash = "h"};
    return blogdb_users_insert(db, NULL, &u, 0);
}

Test(failover, replicas_serve_reads_and_a_promoted_replica_takes_the_writes, .timeout = 120)
{
    char *tmp = make_tmpdir(), args[1500], *dsn_p, *dsn_r, multi[1200], rw[1300], ro[1300], email[64];
    const char *pgbin = getenv("BLOGDB_PGBIN");
    PGconn *p, *r;
    blogdb *writer = NULL, *reader = NULL, *caught = NULL;
    blogdb_users_rows *users = NULL;
    blogdb_pool *pool = NULL;
    blogdb_pool_options o = {.version = 1, .max_size = 2, .health_check_idle_ms = -1, .checkout_timeout_ms = 20000};
    int rc;

    if (pgbin) {
        char path[600];
        snprintf(path, sizeof path, "%s/pg_basebackup", pgbin);
        if (access(path, X_OK) != 0)
            cr_skip_test("no pg_basebackup beside %s (scripts/test.sh --pg: server binaries only)", pgbin);
    }
    chmod(tmp, 0755);
    snprintf(args, sizeof args, "start '%s/p' '" BLOGDB_SOURCE_DIR "/schema.sql'", tmp);
    dsn_p = pgserver(args);
    p = PQconnectdb(dsn_p);
    cr_assert_eq(PQstatus(p), CONNECTION_OK, "%s", PQerrorMessage(p));
    command(p, "CREATE DATABASE blog TEMPLATE blogdb_template");
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
    cr_assert_neq(insert_user(reader, "nope@example.com"), 0);
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
