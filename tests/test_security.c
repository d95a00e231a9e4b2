/* Row-level security, least privilege, the audit log and passwords, against the real server
 * with the library connected as the application role blog_app. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite(security, .init = db_setup, .fini = db_teardown);

/* Two authors, each with a draft and a published post. */
typedef struct world {
    blogdb_users_row *a, *b;
    blogdb_posts_row *a_draft, *a_pub, *b_draft, *b_pub;
} world;

static world make_world(void)
{
    world w;
    w.a = make_user("a@example.com");
    w.b = make_user("b@example.com");
    w.a_draft = make_post(w.a->id, "a draft", BLOGDB_POST_STATUS_DRAFT);
    w.a_pub = make_post(w.a->id, "a published", BLOGDB_POST_STATUS_PUBLISHED);
    w.b_draft = make_post(w.b->id, "b draft", BLOGDB_POST_STATUS_DRAFT);
    w.b_pub = make_post(w.b->id, "b published", BLOGDB_POST_STATUS_PUBLISHED);
    return w;
}

static void free_world(world *w)
{
    blogdb_users_row_free(w->a);
    blogdb_users_row_free(w->b);
    blogdb_posts_row_free(w->a_draft);
    blogdb_posts_row_free(w->a_pub);
    blogdb_posts_row_free(w->b_draft);
    blogdb_posts_row_free(w->b_pub);
}

static bool visible(const blogdb_posts_row *p)
{
    blogdb_posts_row *got = NULL;
    int rc = blogdb_posts_get_by_id(db, &got, p->id);
    cr_assert(rc == 0 || rc == BLOGDB_ENOTFOUND, "%s", blogdb_errmsg(db));
    blogdb_posts_row_free(got);
    return rc == 0;
}

Test(security, authors_see_their_drafts_and_everyone_sees_published)
{
    world w = make_world();
    blogdb_posts_rows *rows = NULL;
    int64_t n = 0;

    cr_assert_eq(blogdb_set_acting_user(db, w.a->id), 0);
    cr_assert(visible(w.a_draft) && visible(w.a_pub) && visible(w.b_pub));
    cr_assert_not(visible(w.b_draft), "A sees B's draft");
    cr_assert_eq(blogdb_posts_list_by_user_id(db, &rows, w.b->id, 10, NULL), 0);
    cr_assert_eq(rows->count, 1);
    cr_assert_str_eq(rows->items[0].title, "b published");
    blogdb_posts_rows_free(rows);
    cr_assert_eq(blogdb_posts_count(db, &n), 0);
    cr_assert_eq(n, 3);

    cr_assert_eq(blogdb_clear_acting_user(db), 0); /* nobody: published only */
    cr_assert(visible(w.a_pub) && visible(w.b_pub));
    cr_assert_not(visible(w.a_draft));
    cr_assert_eq(blogdb_posts_count(db, &n), 0);
    cr_assert_eq(n, 2);
    free_world(&w);
}

Test(security, nobody_writes_anothers_posts)
{
    world w = make_world();
    blogdb_posts_row change, *out = NULL;
    blogdb_posts_row in = {.title = "forged", .content = "x"};

    cr_assert_eq(blogdb_set_acting_user(db, w.a->id), 0);
    /* B's published post is visible to A, but not A's to change. */
    change = *w.b_pub;
    change.title = "defaced";
    cr_assert_eq(blogdb_posts_update_fields(db, &out, &change, BLOGDB_POSTS_TITLE), BLOGDB_ENOTFOUND);
    change = *w.b_draft;
    cr_assert_eq(blogdb_posts_update(db, &out, &change), BLOGDB_ENOTFOUND);
    cr_assert_eq(blogdb_posts_delete(db, w.b_pub->id), BLOGDB_ENOTFOUND);
    cr_assert_eq(blogdb_posts_delete(db, w.b_draft->id), BLOGDB_ENOTFOUND);
    /* Nor to write as B. */
    uuid_copy(in.user_id, w.b->id);
    cr_assert_eq(blogdb_posts_insert(db, &out, &in, 0), BLOGDB_EPERM);
    cr_assert_str_eq(blogdb_sqlstate(db), "42501");
    cr_assert(strstr(blogdb_errmsg(db), "row-level security"), "%s", blogdb_errmsg(db));
    cr_assert_null(out);
    /* B's row in users is B's alone. */
    {
        blogdb_users_row u = *w.b;
        u.email = "hijacked@example.com";
        cr_assert_eq(blogdb_users_update_fields(db, NULL, &u, BLOGDB_USERS_EMAIL), BLOGDB_ENOTFOUND);
        cr_assert_eq(blogdb_users_delete(db, w.b->id), BLOGDB_ENOTFOUND);
    }
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE title IN ('b draft', 'b published')"), 2);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE title IN ('defaced', 'forged')"), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE email = 'b@example.com'"), 1);
    /* A's own changes go through. */
    change = *w.a_draft;
    change.status = BLOGDB_POST_STATUS_PUBLISHED;
    cr_assert_eq(blogdb_posts_update_fields(db, &out, &change, BLOGDB_POSTS_STATUS), 0, "%s", blogdb_errmsg(db));
    blogdb_posts_row_free(out);
    cr_assert_eq(blogdb_posts_delete(db, w.a_pub->id), 0);
    /* Without an acting user, nobody can post. */
    cr_assert_eq(blogdb_clear_acting_user(db), 0);
    uuid_copy(in.user_id, w.a->id);
    cr_assert_eq(blogdb_posts_insert(db, NULL, &in, 0), BLOGDB_EPERM);
    free_world(&w);
}

Test(security, the_acting_user_never_outlives_its_transaction)
{
    world w = make_world();
    /* Per statement: set, use, clear. Had set_config leaked into the session, the draft would stay visible. */
    cr_assert_eq(blogdb_set_acting_user(db, w.a->id), 0);
    cr_assert(visible(w.a_draft));
    cr_assert_eq(blogdb_clear_acting_user(db), 0);
    cr_assert_not(visible(w.a_draft), "the acting user survived its statement");

    /* Per transaction: begin_as, commit; begin_as, rollback. */
    cr_assert_eq(blogdb_begin_as(db, w.a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert(visible(w.a_draft));
    cr_assert_not(visible(w.b_draft));
    cr_assert_eq(blogdb_commit(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_not(visible(w.a_draft), "the acting user survived COMMIT");
    cr_assert_eq(blogdb_begin_as(db, w.b->id), 0);
    cr_assert(visible(w.b_draft));
    cr_assert_eq(blogdb_rollback(db), 0);
    cr_assert_not(visible(w.b_draft), "the acting user survived ROLLBACK");

    /* begin_as does not change the connection's own acting user. */
    cr_assert_eq(blogdb_set_acting_user(db, w.a->id), 0);
    cr_assert_eq(blogdb_begin_as(db, w.b->id), 0);
    cr_assert(visible(w.b_draft) && !visible(w.a_draft));
    cr_assert_eq(blogdb_commit(db), 0);
    cr_assert(visible(w.a_draft) && !visible(w.b_draft));
    /* Inside a transaction, switching applies at once and ends with it. */
    cr_assert_eq(blogdb_begin(db), 0);
    cr_assert(visible(w.a_draft));
    cr_assert_eq(blogdb_set_acting_user(db, w.b->id), 0);
    cr_assert(visible(w.b_draft) && !visible(w.a_draft));
    cr_assert_eq(blogdb_commit(db), 0);
    cr_assert_eq(blogdb_clear_acting_user(db), 0);
    cr_assert(!visible(w.a_draft) && !visible(w.b_draft));
    /* Transaction misuse is reported. */
    cr_assert_eq(blogdb_commit(db), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_begin(db), 0);
    cr_assert_eq(blogdb_begin(db), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_rollback(db), 0);
    cr_assert_eq(blogdb_begin_as(db, NULL), BLOGDB_EINVAL);
    free_world(&w);
}

Test(security, a_failed_transaction_reports_its_error_and_writes_nothing)
{
    blogdb_users_row *a = make_user("a@example.com");
    blogdb_users_row dup = {.email = "a@example.com", .password_hash = "h"};
    blogdb_posts_row in = {.title = "in a failed transaction", .content = "c"};
    uuid_copy(in.user_id, a->id);
    cr_assert_eq(blogdb_begin_as(db, a->id), 0);
    cr_assert_eq(blogdb_posts_insert(db, NULL, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_users_insert(db, NULL, &dup, 0), BLOGDB_EUNIQUE);
    cr_assert_eq(blogdb_commit(db), BLOGDB_EUNIQUE);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 0);
    blogdb_users_row_free(a);
}

Test(security, every_change_is_audited_with_its_actor_and_no_password_hash)
{
    world w = make_world();
    blogdb_audit_log_rows *log = NULL;
    blogdb_posts_row change, *out = NULL;
    char a_id[37];
    int inserts = 0, updates = 0, deletes = 0, user_rows = 0;

    cr_assert_eq(blogdb_set_acting_user(db, w.a->id), 0);
    change = *w.a_draft;
    change.title = "a draft, edited";
    cr_assert_eq(blogdb_posts_update_fields(db, &out, &change, BLOGDB_POSTS_TITLE), 0, "%s", blogdb_errmsg(db));
    blogdb_posts_row_free(out);
    cr_assert_eq(blogdb_posts_delete(db, w.a_pub->id), 0);

    cr_assert_eq(blogdb_audit_log_list(db, &log, 100, NULL), 0, "%s", blogdb_errmsg(db));
    uuid_unparse_lower(w.a->id, a_id);
    for (size_t i = 0; i < log->count; i++) {
        const blogdb_audit_log_row *r = &log->items[i];
        cr_assert(!r->old_row || !strstr(r->old_row, "password_hash"), "%s", r->old_row);
        cr_assert(!r->new_row || !strstr(r->new_row, "password_hash"), "%s", r->new_row);
        cr_assert(!r->new_row || !strstr(r->new_row, "\"hash\""), "the hash value itself leaked: %s", r->new_row);
        if (strcmp(r->table_name, "users") == 0) {
            user_rows++;
            cr_assert_str_eq(r->operation, "INSERT");
            cr_assert_not(r->has_actor, "sign-up has no acting user");
            continue;
        }
        cr_assert_str_eq(r->table_name, "posts");
        cr_assert(r->has_actor, "post change without an actor");
        if (strcmp(r->operation, "INSERT") == 0) {
            inserts++;
            cr_assert_null(r->old_row);
            cr_assert(strstr(r->new_row, "\"title\""), "%s", r->new_row);
        } else if (strcmp(r->operation, "UPDATE") == 0) {
            updates++;
            cr_assert_eq(uuid_compare(r->actor, w.a->id), 0);
            cr_assert_eq(uuid_compare(r->row_id, w.a_draft->id), 0);
            cr_assert(strstr(r->old_row, "\"a draft\"") && strstr(r->new_row, "\"a draft, edited\""), "%s -> %s",
                      r->old_row, r->new_row);
        } else {
            deletes++;
            cr_assert_str_eq(r->operation, "DELETE");
            cr_assert_eq(uuid_compare(r->actor, w.a->id), 0);
            cr_assert_eq(uuid_compare(r->row_id, w.a_pub->id), 0);
            cr_assert_null(r->new_row);
        }
    }
    cr_assert_eq(user_rows, 2);
    cr_assert_eq(inserts, 4);
    cr_assert_eq(updates, 1);
    cr_assert_eq(deletes, 1);
    cr_assert_eq(log->count, 8);
    {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE actor = '%s'", a_id);
        cr_assert_eq(sql_int(sql), 4); /* two inserts, one update, one delete */
    }
    blogdb_audit_log_rows_free(log);
    free_world(&w);
}

Test(security, the_audit_log_cannot_be_changed)
{
    blogdb_users_row *u = make_user("a@example.com");
    blogdb_audit_log_rows *log = NULL;
    PGconn *su = PQconnectdb(test_admin_dsn());
    PGresult *r;

    cr_assert_eq(blogdb_audit_log_list(db, &log, 10, NULL), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(log->count, 1);
    /* The bindings are built for blog_app (--role): they have no audit_log insert, update or delete
     * (tests/test_codegen.c checks the header). The server refuses the SQL all the same. */
    {
        static const char *const writes[] = {"UPDATE audit_log SET operation = 'NOTHING HAPPENED'",
                                             "DELETE FROM audit_log", "INSERT INTO audit_log (actor) VALUES (NULL)"};
        PGconn *app = PQconnectdb(test_dsn());
        for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
            r = PQexec(app, writes[i]);
            cr_assert_str_eq(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42501", "%s", writes[i]);
            PQclear(r);
        }
        PQfinish(app);
    }
    /* Append-only even for the superuser. */
    r = PQexec(su, "UPDATE audit_log SET operation = 'x'");
    cr_assert_eq(PQresultStatus(r), PGRES_FATAL_ERROR);
    cr_assert(strstr(PQresultErrorMessage(r), "append-only"), "%s", PQresultErrorMessage(r));
    PQclear(r);
    r = PQexec(su, "DELETE FROM audit_log");
    cr_assert_eq(PQresultStatus(r), PGRES_FATAL_ERROR);
    PQclear(r);
    PQfinish(su);
    cr_assert_eq(sql_int("SELECT count(*) FROM audit_log WHERE operation = 'INSERT'"), 1);
    blogdb_audit_log_rows_free(log);
    blogdb_users_row_free(u);
}

Test(security, the_application_role_has_no_ddl_or_truncate)
{
    static const char *const refused[] = {
        "DROP TABLE posts", "DROP VIEW active_users", "ALTER TABLE users ADD COLUMN x int",
        "ALTER TABLE posts DISABLE ROW LEVEL SECURITY", "DROP POLICY posts_read ON posts", "TRUNCATE posts",
        "TRUNCATE audit_log", "CREATE TABLE mine (x int)", "ALTER TYPE post_status ADD VALUE 'x'",
        "DROP FUNCTION app_user_id()", "SET ROLE blog_owner", "CREATE INDEX ON posts (title)",
    };
    PGconn *app = PQconnectdb(test_dsn());
    PGresult *r;
    cr_assert_eq(PQstatus(app), CONNECTION_OK, "%s", PQerrorMessage(app));
    r = PQexec(app, "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
    cr_assert_str_eq(PQgetvalue(r, 0, 0), "blog_app");
    cr_assert_str_eq(PQgetvalue(r, 0, 1), "f");
    cr_assert_str_eq(PQgetvalue(r, 0, 2), "f");
    PQclear(r);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        r = PQexec(app, refused[i]);
        cr_assert_eq(PQresultStatus(r), PGRES_FATAL_ERROR, "allowed: %s", refused[i]);
        cr_assert_str_eq(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42501", "%s: %s", refused[i], PQresultErrorMessage(r));
        PQclear(r);
    }
    PQfinish(app);
    cr_assert_eq(sql_int("SELECT count(*) FROM pg_class WHERE relname IN ('posts', 'users', 'audit_log')"), 3);
}

Test(security, the_readonly_role_reads_published_posts_only)
{
    world w = make_world();
    blogdb *ro = NULL;
    char dsn[1200];
    blogdb_posts_rows *rows = NULL;
    snprintf(dsn, sizeof dsn, "%s user=blog_readonly", test_admin_dsn());
    cr_assert_eq(blogdb_connect(&ro, dsn), 0, "%s", blogdb_connect_error());
    cr_assert_eq(blogdb_posts_list(ro, &rows, 10, NULL), 0, "%s", blogdb_errmsg(ro));
    cr_assert_eq(rows->count, 2);
    blogdb_posts_rows_free(rows);
    cr_assert_eq(blogdb_users_insert(ro, NULL, &(blogdb_users_row){.email = "x@y.z", .password_hash = "h"}, 0),
                 BLOGDB_EPERM);
    blogdb_close(ro);
    free_world(&w);
}

Test(security, passwords_hash_and_verify)
{
    char h1[BLOGDB_PASSWORD_HASH_SIZE], h2[BLOGDB_PASSWORD_HASH_SIZE], small[20];
    blogdb_users_row in = {.email = "p@example.com"}, *u = NULL;

    cr_assert_eq(blogdb_password_hash(h1, sizeof h1, "correct horse battery staple"), 0);
    cr_assert_eq(blogdb_password_hash(h2, sizeof h2, "correct horse battery staple"), 0);
    cr_assert_eq(strncmp(h1, "$argon2id$v=19$", 15), 0, "%s", h1);
    cr_assert_str_neq(h1, h2, "same salt twice");
    cr_assert_null(strstr(h1, "correct horse"));
    cr_assert_eq(blogdb_password_verify(h1, "correct horse battery staple"), 0);
    cr_assert_eq(blogdb_password_verify(h2, "correct horse battery staple"), 0);
    cr_assert_eq(blogdb_password_verify(h1, "correct horse battery stapler"), BLOGDB_EMISMATCH);
    cr_assert_eq(blogdb_password_verify(h1, ""), BLOGDB_EMISMATCH);
    cr_assert_eq(blogdb_password_verify("$2b$10$notargon", "x"), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_password_verify(NULL, "x"), BLOGDB_EINVAL);
    /* Malformed Argon2id strings are EINVAL, as documented, not "does not match". */
    {
        char cut[BLOGDB_PASSWORD_HASH_SIZE], mangled[BLOGDB_PASSWORD_HASH_SIZE];
        snprintf(cut, sizeof cut, "%.*s", (int)(strrchr(h1, '$') - h1 + 4), h1); /* hash cut to 3 chars */
        snprintf(mangled, sizeof mangled, "%s", h1);
        mangled[20] = '!'; /* inside the parameters */
        cr_assert_eq(blogdb_password_verify("$argon2id$v=19$m=garbage", "x"), BLOGDB_EINVAL);
        cr_assert_eq(blogdb_password_verify("$argon2id$", "x"), BLOGDB_EINVAL);
        cr_assert_eq(blogdb_password_verify(cut, "correct horse battery staple"), BLOGDB_EINVAL, "%s", cut);
        cr_assert_eq(blogdb_password_verify(mangled, "correct horse battery staple"), BLOGDB_EINVAL, "%s", mangled);
    }
    cr_assert_eq(blogdb_password_verify(h1, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_password_hash(small, sizeof small, "x"), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_password_hash(NULL, 128, "x"), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_password_hash(h1, sizeof h1, NULL), BLOGDB_EINVAL);

    /* Stored through the library, read back, verified; the plaintext is nowhere in the database. */
    cr_assert_eq(blogdb_password_hash(h1, sizeof h1, "s3cret pass"), 0);
    in.password_hash = h1;
    cr_assert_eq(blogdb_users_insert(db, &u, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_password_verify(u->password_hash, "s3cret pass"), 0);
    cr_assert_eq(blogdb_password_verify(u->password_hash, "S3cret pass"), BLOGDB_EMISMATCH);
    cr_assert_eq(sql_int("SELECT count(*) FROM users u, audit_log a WHERE u.password_hash LIKE '%s3cret%' "
                         "OR a.new_row::text LIKE '%s3cret%' OR a.new_row::text LIKE '%argon2id%'"),
                 0);
    blogdb_users_row_free(u);
}

/* ---- TLS: the test server listens on 127.0.0.1 with a self-signed certificate for localhost ---- */

Test(security, tls_verify_full_connects_and_mismatches_are_refused)
{
    char *tls = test_env("BLOGDB_TEST_TLS"), *ca = test_env("BLOGDB_TEST_TLS_CA");
    char *other = test_env("BLOGDB_TEST_TLS_OTHER_CA"), dsn[2048], dbname[128];
    const char *d = strrchr(test_admin_dsn(), '=') + 1;
    blogdb *c = NULL;
    PGconn *pc;
    if (!tls || !ca || !other)
        cr_skip_test("the server under test was not started by pgserver.sh (no TLS listener)");
    snprintf(dbname, sizeof dbname, "%s", d);

    /* verify-full against the server's certificate: connects, encrypted. */
    snprintf(dsn, sizeof dsn, "%s dbname=%s user=blog_app sslmode=verify-full sslrootcert=%s", tls, dbname, ca);
    cr_assert_eq(blogdb_connect(&c, dsn), 0, "%s", blogdb_connect_error());
    cr_assert_eq(blogdb_check_schema(c), 0, "%s", blogdb_errmsg(c));
    blogdb_close(c);
    pc = PQconnectdb(dsn);
    cr_assert_eq(PQstatus(pc), CONNECTION_OK);
    cr_assert(PQsslInUse(pc));
    cr_assert(strncmp(PQsslAttribute(pc, "protocol"), "TLSv1.", 6) == 0, "%s", PQsslAttribute(pc, "protocol"));
    PQfinish(pc);

    /* The certificate is for localhost: another name is refused. */
    snprintf(dsn, sizeof dsn, "%s dbname=%s user=blog_app sslmode=verify-full sslrootcert=%s", tls, dbname, ca);
    {
        char *at = strstr(dsn, "host=localhost");
        cr_assert(at);
        memcpy(at, "host=otherhost", 14);
    }
    cr_assert_eq(blogdb_connect(&c, dsn), BLOGDB_ECONNECTION);
    cr_assert_null(c);
    cr_assert(strstr(blogdb_connect_error(), "does not match host name"), "%s", blogdb_connect_error());

    /* A certificate from an authority we do not trust is refused. */
    snprintf(dsn, sizeof dsn, "%s dbname=%s user=blog_app sslmode=verify-full sslrootcert=%s", tls, dbname, other);
    cr_assert_eq(blogdb_connect(&c, dsn), BLOGDB_ECONNECTION);
    cr_assert(strstr(blogdb_connect_error(), "certificate verify failed"), "%s", blogdb_connect_error());

    /* And the server refuses plain TCP. */
    snprintf(dsn, sizeof dsn, "%s dbname=%s user=blog_app sslmode=disable", tls, dbname);
    cr_assert_eq(blogdb_connect(&c, dsn), BLOGDB_ECONNECTION);
    cr_assert(strstr(blogdb_connect_error(), "no encryption"), "%s", blogdb_connect_error());
    free(tls);
    free(ca);
    free(other);
}

/* ---- backup and restore: fill through the library, pg_dump -Fc, pg_restore, read back ---- */

static void assert_same_users(const blogdb_users_rows *x, const blogdb_users_rows *y)
{
    cr_assert_eq(x->count, y->count);
    for (size_t i = 0; i < x->count; i++) {
        cr_assert_eq(uuid_compare(x->items[i].id, y->items[i].id), 0);
        cr_assert_str_eq(x->items[i].email, y->items[i].email);
        cr_assert_str_eq(x->items[i].password_hash, y->items[i].password_hash);
        cr_assert_eq(x->items[i].created_at, y->items[i].created_at);
        cr_assert_eq(x->items[i].updated_at, y->items[i].updated_at);
    }
}

static void assert_same_posts(const blogdb_posts_rows *x, const blogdb_posts_rows *y)
{
    cr_assert_eq(x->count, y->count);
    for (size_t i = 0; i < x->count; i++) {
        const blogdb_posts_row *a = &x->items[i], *b = &y->items[i];
        cr_assert(uuid_compare(a->id, b->id) == 0 && uuid_compare(a->user_id, b->user_id) == 0);
        cr_assert_str_eq(a->title, b->title);
        cr_assert_str_eq(a->content, b->content);
        cr_assert(a->status == b->status && a->created_at == b->created_at && a->updated_at == b->updated_at);
    }
}

/* One text value of a query on another database (caller frees). */
static char *text_on(const char *dsn, const char *sql)
{
    PGconn *c = PQconnectdb(dsn);
    PGresult *r = PQexec(c, sql);
    char *v;
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    v = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return v;
}

static const char partitions_sql[] =
    "SELECT string_agg(p || '=' || n, ' ' ORDER BY p) FROM (SELECT tableoid::regclass::text p, count(*) n "
    "FROM audit_log GROUP BY 1) s";

/* pg_dump's major version (0 when it cannot be run). */
static long pg_dump_major(void)
{
    char *out = NULL;
    long major = 0;
    if (run_cmd("pg_dump --version", &out, NULL) == 0 && strstr(out, ") "))
        major = strtol(strstr(out, ") ") + 2, NULL, 10);
    free(out);
    return major;
}

Test(security, backup_and_restore_keep_every_row)
{
    long server = sql_int("SHOW server_version_num") / 10000, dump = pg_dump_major();
    if (dump < server)
        cr_skip_test("pg_dump %ld cannot dump a PostgreSQL %ld server (scripts/test.sh --pg: no client tools)", dump, server);
    world w = make_world();
    char *dir = make_tmpdir(), file[600], cmd[4096], newdb[80], dsn2[1200], *err = NULL;
    blogdb *db2 = NULL;
    blogdb_users_rows *u1 = NULL, *u2 = NULL;
    blogdb_audit_log_rows *l1 = NULL, *l2 = NULL;
    blogdb_posts_row change, *out = NULL;
    const blogdb_users_row *authors[2];
    int st;

    /* More content: an edit, a multi-byte post, and lots of rows. */
    cr_assert_eq(blogdb_set_acting_user(db, w.a->id), 0);
    change = *w.a_draft;
    change.content = "edited \xe2\x9c\x8d \xf0\x9f\x93\x9d";
    cr_assert_eq(blogdb_posts_update_fields(db, &out, &change, BLOGDB_POSTS_CONTENT), 0);
    blogdb_posts_row_free(out);
    for (int i = 0; i < 50; i++) {
        blogdb_posts_row p = {.title = "bulk", .content = "row", .status = (blogdb_post_status)(i % 3)};
        uuid_copy(p.user_id, w.a->id);
        cr_assert_eq(blogdb_posts_insert(db, NULL, &p, BLOGDB_POSTS_STATUS), 0);
    }
    cr_assert_eq(blogdb_clear_acting_user(db), 0);
    /* audit_log rows in three partitions: an old month's, this month's and the default's. */
    sql_exec("SELECT audit_log_make_partitions(0, '2022-03-01')");
    sql_exec("INSERT INTO audit_log (at, table_name, operation, row_id) VALUES "
             "('2022-03-05', 'users', 'DELETE', gen_random_uuid()), "
             "(now() + interval '2 years', 'users', 'DELETE', gen_random_uuid())");

    snprintf(file, sizeof file, "%s/blog.dump", dir);
    snprintf(cmd, sizeof cmd, "'" BLOGDB_SOURCE_DIR "/scripts/backup.sh' '%s' '%s'", test_admin_dsn(), file);
    st = run_cmd(cmd, NULL, &err);
    cr_assert_eq(st, 0, "backup: %s", err);
    free(err);
    snprintf(newdb, sizeof newdb, "blogdb_restored_%ld", (long)getpid());
    {
        char base[1024];
        snprintf(base, sizeof base, "%s", test_admin_dsn());
        *strrchr(base, ' ') = '\0'; /* drop " dbname=..." */
        snprintf(cmd, sizeof cmd, "'" BLOGDB_SOURCE_DIR "/scripts/restore.sh' '%s dbname=postgres' '%s' '%s'", base,
                 newdb, file);
        st = run_cmd(cmd, NULL, &err);
        cr_assert_eq(st, 0, "restore: %s", err);
        free(err);
        snprintf(dsn2, sizeof dsn2, "%s dbname=%s user=blog_app", base, newdb);
        /* The partitions come back with their rows, as partitions of audit_log. */
        {
            char admin2[1200], *p1 = sql_text(partitions_sql), *p2;
            snprintf(admin2, sizeof admin2, "%s dbname=%s", base, newdb);
            p2 = text_on(admin2, partitions_sql);
            cr_assert_str_eq(p1, p2);
            cr_assert(strstr(p1, "audit_partitions.audit_log_2022_03=1") && strstr(p1, "audit_log_default=1"), "%s", p1);
            free(p1);
            free(p2);
        }
    }
    cr_assert_eq(blogdb_connect(&db2, dsn2), 0, "%s", blogdb_connect_error());
    cr_assert_eq(blogdb_check_schema(db2), 0, "%s", blogdb_errmsg(db2));

    cr_assert_eq(blogdb_users_list(db, &u1, 1000, NULL), 0);
    cr_assert_eq(blogdb_users_list(db2, &u2, 1000, NULL), 0);
    assert_same_users(u1, u2);
    /* Posts as each author sees them, so drafts are compared too. */
    authors[0] = w.a;
    authors[1] = w.b;
    for (int k = 0; k < 2; k++) {
        blogdb_posts_rows *p1 = NULL, *p2 = NULL;
        cr_assert_eq(blogdb_set_acting_user(db, authors[k]->id), 0);
        cr_assert_eq(blogdb_set_acting_user(db2, authors[k]->id), 0);
        cr_assert_eq(blogdb_posts_list_by_user_id(db, &p1, authors[k]->id, 1000, NULL), 0);
        cr_assert_eq(blogdb_posts_list_by_user_id(db2, &p2, authors[k]->id, 1000, NULL), 0);
        cr_assert_eq(p1->count, k == 0 ? 52u : 2u);
        assert_same_posts(p1, p2);
        blogdb_posts_rows_free(p1);
        blogdb_posts_rows_free(p2);
    }
    /* The audit log comes back as it was, not re-written by the restore. */
    cr_assert_eq(blogdb_audit_log_list(db, &l1, 1000, NULL), 0);
    cr_assert_eq(blogdb_audit_log_list(db2, &l2, 1000, NULL), 0);
    cr_assert_eq(l1->count, l2->count);
    for (size_t i = 0; i < l1->count; i++) {
        cr_assert(l1->items[i].id == l2->items[i].id && l1->items[i].at == l2->items[i].at);
        cr_assert_str_eq(l1->items[i].operation, l2->items[i].operation);
        cr_assert_str_eq(l1->items[i].new_row ? l1->items[i].new_row : "", l2->items[i].new_row ? l2->items[i].new_row : "");
    }
    /* Row-level security came back too. */
    cr_assert_eq(blogdb_clear_acting_user(db2), 0);
    cr_assert_eq(blogdb_posts_get_by_id(db2, &out, w.b_draft->id), BLOGDB_ENOTFOUND);

    blogdb_users_rows_free(u1);
    blogdb_users_rows_free(u2);
    blogdb_audit_log_rows_free(l1);
    blogdb_audit_log_rows_free(l2);
    blogdb_close(db2);
    snprintf(cmd, sizeof cmd, "DROP DATABASE %s WITH (FORCE)", newdb);
    sql_exec(cmd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    run_cmd(cmd, NULL, NULL);
    free(dir);
    free_world(&w);
}

/* No relation carries a password hash to a role that is denied it: as each role, every column it
 * may read of every table and view is searched for a known hash. Only the application role may
 * read one, in users.password_hash (login needs it). */
Test(security, no_relation_carries_a_password_hash_to_a_role_denied_it)
{
    static const char *const roles[] = {"blog_app", "blog_readonly"};
    const char *uid = "5b0c0c3e-0000-4000-8000-00000000beef";
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO users (id, email, password_hash) VALUES ('%s', 'leak@example.com', "
             "'$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$LEAKMARKER')",
             uid);
    sql_exec(sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO posts (user_id, title, content, status) VALUES ('%s', 't', 'c', 'published')", uid);
    sql_exec(sql);
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        PGconn *conn = PQconnectdb(test_admin_dsn());
        PGresult *cols;
        int found_where_allowed = 0;
        cr_assert_eq(PQstatus(conn), CONNECTION_OK, "%s", PQerrorMessage(conn));
        snprintf(sql, sizeof sql, "SET ROLE %s; SET app.user_id = '%s'", roles[r], uid);
        PQclear(PQexec(conn, sql));
        cols = PQexec(conn, "SELECT quote_ident(c.relname), quote_ident(a.attname) FROM pg_class c "
                            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
                            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p') AND a.attnum > 0 "
                            "AND NOT a.attisdropped AND has_column_privilege(c.oid, a.attnum, 'SELECT') ORDER BY 1, 2");
        cr_assert_eq(PQresultStatus(cols), PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
        cr_assert_gt(PQntuples(cols), 0, "%s reads nothing", roles[r]);
        for (int i = 0; i < PQntuples(cols); i++) {
            const char *rel = PQgetvalue(cols, i, 0), *col = PQgetvalue(cols, i, 1);
            bool allowed = strcmp(roles[r], "blog_app") == 0 && strcmp(rel, "users") == 0 &&
                           strcmp(col, "password_hash") == 0;
            PGresult *hit;
            snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s::text LIKE '%%LEAKMARKER%%'", rel, col);
            hit = PQexec(conn, sql);
            cr_assert_eq(PQresultStatus(hit), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(conn));
            if (allowed)
                found_where_allowed = atoi(PQgetvalue(hit, 0, 0));
            else
                cr_expect_eq(atoi(PQgetvalue(hit, 0, 0)), 0, "%s reads a password hash through %s.%s", roles[r], rel,
                             col);
            PQclear(hit);
        }
        if (strcmp(roles[r], "blog_app") == 0)
            cr_assert_eq(found_where_allowed, 1, "the search finds the hash where it is (the test is not blind)");
        PQclear(cols);
        PQfinish(conn);
    }
}
