#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

blogdb *db;
static PGconn *raw;
static char dbname[64];
static char dsn[1024];       /* as the application role: what the library under test uses */
static char admin_dsn[1024]; /* as the superuser: setup and verification only */

char *test_env(const char *key)
{
    const char *env = getenv(key);
    char *text, *line, *value = NULL;
    size_t klen = strlen(key);
    if (env && *env)
        return strdup(env);
    /* pgserver.sh writes KEY='value' lines there. */
    text = read_all(BLOGDB_TEST_ENV_FILE, NULL);
    for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, klen) == 0 && line[klen] == '=' && line[klen + 1] == '\'') {
            char *end = strchr(line + klen + 2, '\'');
            if (end)
                value = strndup(line + klen + 2, (size_t)(end - line - klen - 2));
            break;
        }
    }
    free(text);
    return value;
}

static const char *base_dsn(void)
{
    static char *dsn_value;
    if (!dsn_value)
        dsn_value = test_env("BLOGDB_TEST_DSN");
    cr_assert(dsn_value, "no test server: set BLOGDB_TEST_DSN or run tests/pgserver.sh start (via ctest)");
    return dsn_value;
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

static void setup_from(const char *template_db)
{
    static int seq;
    char sql[256];
    int rc;
    snprintf(dbname, sizeof dbname, "blogdb_t_%ld_%d", (long)getpid(), ++seq);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", dbname, template_db);
    admin(sql);
    snprintf(admin_dsn, sizeof admin_dsn, "%s dbname=%s", base_dsn(), dbname);
    snprintf(dsn, sizeof dsn, "%s dbname=%s user=blog_app", base_dsn(), dbname);
    rc = blogdb_connect(&db, dsn);
    cr_assert_eq(rc, 0, "blogdb_connect: %s", blogdb_connect_error());
    raw = PQconnectdb(admin_dsn);
    cr_assert_eq(PQstatus(raw), CONNECTION_OK, "raw connection: %s", PQerrorMessage(raw));
}

void db_setup(void)
{
    setup_from("blogdb_template");
}

void db_setup_empty(void)
{
    setup_from("template0");
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void apply_file(const char *file)
{
    char cmd[4096], *err = NULL;
    int st;
    snprintf(cmd, sizeof cmd, "psql '%s' -X -q -v ON_ERROR_STOP=1 -f '%s'", admin_dsn, file);
    st = run_cmd(cmd, NULL, &err);
    cr_assert_eq(st, 0, "psql -f %s: %s", file, err);
    free(err);
}

void apply_ddl(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        apply_file(path);
        return;
    }
    {
        char *names[256];
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(d)) != NULL && n < 256) {
            size_t len = strlen(de->d_name);
            if (len > 4 && strcmp(de->d_name + len - 4, ".sql") == 0 &&
                !(len > 9 && strcmp(de->d_name + len - 9, ".down.sql") == 0))
                names[n++] = strdup(de->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof names[0], cmp_names);
        for (size_t i = 0; i < n; i++) {
            char file[1024];
            snprintf(file, sizeof file, "%s/%s", path, names[i]);
            apply_file(file);
            free(names[i]);
        }
    }
}

void assert_model_matches_catalog(const char *path)
{
    int st;
    char cmd[2048], *err = NULL, *model = NULL, *oracle = read_all(BLOGDB_SOURCE_DIR "/tests/catalog_model.sql", NULL);
    PGresult *r;
    const char *params[1];
    cr_assert(oracle, "tests/catalog_model.sql");
    snprintf(cmd, sizeof cmd, "'%s' --dump-model '%s'", BLOGDB_GEN, path);
    st = run_cmd(cmd, &model, &err);
    cr_assert_eq(st, 0, "%s: %s", path, err);
    params[0] = model;
    r = PQexecParams(raw, oracle, 1, NULL, params, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(raw));
    cr_assert_str_eq(PQgetvalue(r, 0, 0), "t", "%s: the model differs from pg_catalog.\n--- blogdb-gen:\n%s\n--- pg_catalog:\n%s",
                     path, PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2));
    /* Not vacuous: the catalog side holds relations or enums. */
    cr_assert(strstr(PQgetvalue(r, 0, 2), "\"name\""), "%s: empty catalog side", path);
    PQclear(r);
    free(model);
    free(err);
    free(oracle);
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

const char *test_admin_dsn(void)
{
    return admin_dsn;
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
    /* Only the author may write a post: act as the author for this one insert. */
    cr_assert_eq(blogdb_begin_as(db, user_id), 0, "%s", blogdb_errmsg(db));
    rc = blogdb_posts_insert(db, &out, &in, BLOGDB_POSTS_STATUS);
    cr_assert_eq(rc, 0, "insert post %s: %s", title, blogdb_errmsg(db));
    cr_assert_eq(blogdb_commit(db), 0, "%s", blogdb_errmsg(db));
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
