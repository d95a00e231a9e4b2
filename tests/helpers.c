#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

blogdb *db;
static PGconn *raw;
static char dbname[64];
static char dsn[1024];

static const char *base_dsn(void)
{
    static char buf[1024];
    const char *env = getenv("BLOGDB_TEST_DSN");
    if (env && *env)
        return env;
    if (!buf[0]) {
        /* pgserver.sh writes BLOGDB_TEST_DSN='...' there. */
        char *text = read_all(BLOGDB_TEST_ENV_FILE, NULL);
        char *q1 = text ? strchr(text, '\'') : NULL, *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
        cr_assert(q2, "no test server: set BLOGDB_TEST_DSN or run tests/pgserver.sh start (via ctest)");
        snprintf(buf, sizeof buf, "%.*s", (int)(q2 - q1 - 1), q1 + 1);
        free(text);
    }
    return buf;
}

static void admin(const char *sql)
{
    PGconn *c = PQconnectdb(base_dsn());
    PGresult *r;
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "admin connection: %s", PQerrorMessage(c));
    r = PQexec(c, sql);
    cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

void db_setup(void)
{
    static int seq;
    char sql[256];
    int rc;
    snprintf(dbname, sizeof dbname, "blogdb_t_%ld_%d", (long)getpid(), ++seq);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE blogdb_template", dbname);
    admin(sql);
    snprintf(dsn, sizeof dsn, "%s dbname=%s", base_dsn(), dbname);
    rc = blogdb_connect(&db, dsn);
    cr_assert_eq(rc, 0, "blogdb_connect: %s", blogdb_connect_error());
    raw = PQconnectdb(dsn);
    cr_assert_eq(PQstatus(raw), CONNECTION_OK, "raw connection: %s", PQerrorMessage(raw));
}

void db_teardown(void)
{
    char sql[256];
    blogdb_close(db);
    db = NULL;
    PQfinish(raw);
    raw = NULL;
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
    admin(sql);
}

const char *test_dsn(void)
{
    return dsn;
}

void sql_exec(const char *sql)
{
    PGresult *r = PQexec(raw, sql);
    ExecStatusType st = PQresultStatus(r);
    cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(raw));
    PQclear(r);
}

char *sql_text(const char *sql)
{
    PGresult *r = PQexec(raw, sql);
    char *v;
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(raw));
    cr_assert_eq(PQntuples(r), 1, "%s: %d rows", sql, PQntuples(r));
    v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

long long sql_int(const char *sql)
{
    char *t = sql_text(sql);
    long long v = strtoll(t, NULL, 10);
    free(t);
    return v;
}

blogdb_users_row *make_user(const char *email)
{
    blogdb_users_row in = {.email = email, .password_hash = "hash"}, *out = NULL;
    int rc = blogdb_users_insert(db, &out, &in, 0);
    cr_assert_eq(rc, 0, "insert %s: %s", email, blogdb_errmsg(db));
    return out;
}

blogdb_posts_row *make_post(const uuid_t user_id, const char *title, blogdb_post_status status)
{
    blogdb_posts_row in = {.title = title, .content = "content", .status = status}, *out = NULL;
    int rc;
    uuid_copy(in.user_id, user_id);
    rc = blogdb_posts_insert(db, &out, &in, BLOGDB_POSTS_STATUS);
    cr_assert_eq(rc, 0, "insert post %s: %s", title, blogdb_errmsg(db));
    return out;
}

char *repeat(const char *unit, int n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * (size_t)n + 1);
    for (int i = 0; i < n; i++)
        memcpy(s + u * (size_t)i, unit, u);
    s[u * (size_t)n] = '\0';
    return s;
}

char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

void write_all(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, strlen(data), f), strlen(data));
    fclose(f);
}

char *make_tmpdir(void)
{
    char *t = strdup("/tmp/blogdb-test.XXXXXX");
    cr_assert(mkdtemp(t), "mkdtemp");
    return t;
}

int run_cmd(const char *cmd, char **out, char **err)
{
    char *dir = make_tmpdir(), full[8192], o[512], e[512];
    int status;
    snprintf(o, sizeof o, "%s/out", dir);
    snprintf(e, sizeof e, "%s/err", dir);
    snprintf(full, sizeof full, "%s >%s 2>%s", cmd, o, e);
    status = system(full);
    if (out)
        *out = read_all(o, NULL);
    if (err)
        *err = read_all(e, NULL);
    unlink(o);
    unlink(e);
    rmdir(dir);
    free(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
