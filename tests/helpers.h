/* Shared test fixture: a fresh database per test, cloned from blogdb_template on the
 * throwaway server (or the one BLOGDB_TEST_DSN names), plus a raw libpq connection to
 * the same database so tests can check what really got written. */
#ifndef BLOGDB_TEST_HELPERS_H
#define BLOGDB_TEST_HELPERS_H

#include <blogdb.h>
#include <libpq-fe.h>

/* The connection of the running test (set by db_setup). */
extern blogdb *db;

/* Criterion .init/.fini: create and connect / disconnect and drop the test database. */
void db_setup(void);
void db_teardown(void);

/* .init for a test that brings its own schema: an empty database (from template0). */
void db_setup_empty(void);

/* Applies a DDL file (or a directory of migrations, *.down.sql skipped) with psql. */
void apply_ddl(const char *path);
/* The one catalog oracle: runs blogdb-gen --dump-model on path and asserts that the model equals
 * what pg_catalog says about the test database (tests/catalog_model.sql). */
void assert_model_matches_catalog(const char *path);

/* A value the test server's setup published (environment first, then pg.env), or NULL; caller frees. */
char *test_env(const char *key);

/* conninfo of the test database as the application role blog_app (valid during a test). */
const char *test_dsn(void);
/* The same as the superuser: for setup and verification only. */
const char *test_admin_dsn(void);

/* Runs SQL on the raw connection and asserts it succeeded. */
void sql_exec(const char *sql);
/* Runs a query whose result is one bigint/int/text value that fits a long long. */
long long sql_int(const char *sql);
/* Runs a query whose result is one text value; the caller frees it. */
char *sql_text(const char *sql);

/* Inserts a user through the API (asserting success); free with blogdb_users_row_free. */
blogdb_users_row *make_user(const char *email);
/* Inserts a post through the API (asserting success). */
blogdb_posts_row *make_post(const uuid_t user_id, const char *title, blogdb_post_status status);

/* `unit` repeated n times (caller frees). */
char *repeat(const char *unit, int n);

/* Runs a shell command; returns its exit status, and its stdout/stderr when asked (caller frees). */
int run_cmd(const char *cmd, char **out, char **err);
/* Reads a whole file (caller frees), or NULL. */
char *read_all(const char *path, size_t *len);
/* Writes a file, asserting success. */
void write_all(const char *path, const char *data);
/* A fresh private directory (caller frees the path). */
char *make_tmpdir(void);

#endif
