/* Runtime: timestamps, connections, error codes, the prepared statement cache. */
#include "helpers.h"
#include "internal.h" /* white-box: the statement cache */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- timestamps, no server ---------------------------------------------------------- */

Test(timestamp, parse_known_instants)
{
    static const struct {
        const char *text;
        long long us;
    } cases[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"1970-01-01", 0},
        {"2000-01-01T00:00:00Z", 946684800000000LL},
        {"2026-11-24T22:18:41.123456Z", 1795558721123456LL},
        {"2026-11-24 22:18:41.123456", 1795558721123456LL},
        {"2026-11-25T00:18:41.123456+02:00", 1795558721123456LL},
        {"2026-11-24T17:18:41.123456-0500", 1795558721123456LL},
        {"1969-12-31T23:59:59.999999Z", -1},
        {"1969-07-20T20:17:40Z", -14182940000000LL},
        {"2024-02-29T00:00:00Z", 1709164800000000LL},
        {"2026-11-24T22:18", 1795558680000000LL},
        {"2026-11-24T22:18:41.1234569Z", 1795558721123456LL}, /* beyond µs: truncated */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        blogdb_timestamp t = 42;
        cr_assert_eq(blogdb_timestamp_parse(cases[i].text, &t), 0, "%s", cases[i].text);
        cr_assert_eq(t, cases[i].us, "%s: %lld", cases[i].text, (long long)t);
    }
}

Test(timestamp, parse_rejects_malformed_text)
{
    static const char *const bad[] = {
        "", "2026", "2026-13-01", "2026-02-30", "2023-02-29", "2026-11-24T24:00:00Z", "2026-11-24T22:60",
        "2026-11-24T22:18:41.Z", "2026-11-24T22:18:41Zjunk", "26-11-24", "2026/11/24", "2026-11-24T22",
        "2026-11-24T22:18:41+25:00", "2026-11-24 ", "x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        blogdb_timestamp t = 42;
        cr_assert_eq(blogdb_timestamp_parse(bad[i], &t), BLOGDB_EINVAL, "accepted \"%s\"", bad[i]);
        cr_assert_eq(t, 42, "changed out for \"%s\"", bad[i]);
    }
    cr_assert_eq(blogdb_timestamp_parse(NULL, &(blogdb_timestamp){0}), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_timestamp_parse("1970-01-01", NULL), BLOGDB_EINVAL);
}

Test(timestamp, format_and_round_trip)
{
    char buf[BLOGDB_TIMESTAMP_BUFSIZE], small[10];
    static const long long values[] = {0, 1, -1, 946684800000000LL, 1795558721123456LL, -14182940000000LL,
                                       253402300799999999LL /* 9999-12-31T23:59:59.999999Z */};
    cr_assert_eq(blogdb_timestamp_format(1795558721123456LL, buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "2026-11-24T22:18:41.123456Z");
    cr_assert_eq(blogdb_timestamp_format(0, buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "1970-01-01T00:00:00Z");
    cr_assert_eq(blogdb_timestamp_format(-1, buf, sizeof buf), 0);
    cr_assert_str_eq(buf, "1969-12-31T23:59:59.999999Z");
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        blogdb_timestamp back = 0;
        cr_assert_eq(blogdb_timestamp_format(values[i], buf, sizeof buf), 0);
        cr_assert_eq(blogdb_timestamp_parse(buf, &back), 0, "%s", buf);
        cr_assert_eq(back, values[i], "%s", buf);
    }
    cr_assert_eq(blogdb_timestamp_format(0, small, sizeof small), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_timestamp_format(0, NULL, 40), BLOGDB_EINVAL);
}

Test(timestamp, timespec_conversions)
{
    struct timespec ts = {.tv_sec = 1795558721, .tv_nsec = 123456789};
    struct timespec neg;
    cr_assert_eq(blogdb_timestamp_from_timespec(ts), 1795558721123456LL);
    ts = blogdb_timestamp_to_timespec(1795558721123456LL);
    cr_assert_eq(ts.tv_sec, 1795558721);
    cr_assert_eq(ts.tv_nsec, 123456000);
    neg = blogdb_timestamp_to_timespec(-1);
    cr_assert_eq(neg.tv_sec, -1);
    cr_assert_eq(neg.tv_nsec, 999999000);
    cr_assert_eq(blogdb_timestamp_from_timespec(neg), -1);
}

/* ---- error codes, version ------------------------------------------------------------ */

Test(errors, every_code_has_its_own_description)
{
    for (int a = 0; a >= BLOGDB_EREADONLY; a--) {
        cr_assert_str_neq(blogdb_strerror(a), "unknown error code", "code %d", a);
        for (int b = a - 1; b >= BLOGDB_EREADONLY; b--)
            cr_assert_str_neq(blogdb_strerror(a), blogdb_strerror(b));
    }
    cr_assert_str_eq(blogdb_strerror(BLOGDB_EREADONLY - 1), "unknown error code");
    cr_assert_str_eq(blogdb_strerror(1), "unknown error code");
    cr_assert_str_eq(blogdb_strerror(BLOGDB_EUNIQUE), "unique violation");
}

Test(errors, version_matches_header)
{
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", BLOGDB_VERSION_MAJOR, BLOGDB_VERSION_MINOR, BLOGDB_VERSION_PATCH);
    cr_assert_str_eq(blogdb_version(), expect);
    cr_assert_eq(BLOGDB_VERSION_NUMBER, BLOGDB_VERSION_MAJOR * 10000 + BLOGDB_VERSION_MINOR * 100 + BLOGDB_VERSION_PATCH);
    cr_assert_eq(blogdb_version_number(), BLOGDB_VERSION_NUMBER);
}

Test(errors, null_connection_accessors_are_safe)
{
    cr_assert_str_eq(blogdb_sqlstate(NULL), "");
    cr_assert_str_eq(blogdb_constraint(NULL), "");
    cr_assert_eq(blogdb_errcode(NULL), BLOGDB_EINVAL);
    cr_assert_neq(strlen(blogdb_errmsg(NULL)), 0);
    blogdb_close(NULL);
    blogdb_users_row_free(NULL);
    blogdb_users_rows_free(NULL);
    blogdb_active_users_rows_free(NULL);
}

Test(connect, refused_connections_say_why)
{
    blogdb *c = (blogdb *)1;
    cr_assert_eq(blogdb_connect(&c, "host=/nonexistent-dir port=1 connect_timeout=2"), BLOGDB_ECONNECTION);
    cr_assert_null(c);
    cr_assert(strstr(blogdb_connect_error(), "/nonexistent-dir"), "%s", blogdb_connect_error());
    cr_assert_eq(blogdb_connect(&c, "this is not a conninfo"), BLOGDB_ECONNECTION);
    cr_assert_neq(strlen(blogdb_connect_error()), 0);
    cr_assert_eq(blogdb_connect(&c, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_connect(NULL, "host=/tmp"), BLOGDB_EINVAL);
}

/* ---- against the server ------------------------------------------------------------------ */

TestSuite(server, .init = db_setup, .fini = db_teardown);

Test(server, connects_by_uri_too)
{
    blogdb *c = NULL;
    char uri[1200], *host = strstr(test_dsn(), "host="), *port = strstr(test_dsn(), "port=");
    char hostdir[512];
    int portno = 0;
    int64_t n = -1;
    cr_assert(host && port);
    sscanf(host, "host=%511s", hostdir);
    sscanf(port, "port=%d", &portno);
    snprintf(uri, sizeof uri, "postgresql:///%s?host=%s&port=%d&user=blog_app", strrchr(test_admin_dsn(), '=') + 1,
             hostdir, portno);
    cr_assert_eq(blogdb_connect(&c, uri), 0, "%s: %s", uri, blogdb_connect_error());
    cr_assert_eq(blogdb_users_count(c, &n), 0);
    cr_assert_eq(n, 0);
    blogdb_close(c);
}

Test(server, timestamps_round_trip_exactly_through_the_server)
{
    static const char *const texts[] = {"1969-07-20T20:17:40.000001Z", "1999-12-31T23:59:59.999999Z",
                                        "2000-01-01T00:00:00Z", "2038-01-19T03:14:08Z", "1900-01-01T00:00:00Z",
                                        "2262-04-11T23:47:16.854775Z"};
    blogdb_users_row *u = make_user("t@example.com");
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        blogdb_users_row change = *u, *out = NULL, *back = NULL;
        char sql[200], id[37], *server_text;
        cr_assert_eq(blogdb_timestamp_parse(texts[i], &change.created_at), 0);
        cr_assert_eq(blogdb_users_update_fields(db, &out, &change, BLOGDB_USERS_CREATED_AT), 0, "%s",
                     blogdb_errmsg(db));
        cr_assert_eq(out->created_at, change.created_at, "%s", texts[i]);
        cr_assert_eq(blogdb_users_get_by_id(db, &back, u->id), 0);
        cr_assert_eq(back->created_at, change.created_at, "%s", texts[i]);
        /* The server itself agrees on the instant (timestamp without time zone read as UTC). */
        uuid_unparse_lower(u->id, id);
        snprintf(sql, sizeof sql,
                 "SELECT to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM users WHERE id = '%s'", id);
        server_text = sql_text(sql);
        {
            blogdb_timestamp parsed;
            cr_assert_eq(blogdb_timestamp_parse(server_text, &parsed), 0, "%s", server_text);
            cr_assert_eq(parsed, change.created_at, "server says %s for %s", server_text, texts[i]);
        }
        free(server_text);
        blogdb_users_row_free(out);
        blogdb_users_row_free(back);
    }
    blogdb_users_row_free(u);
}

Test(server, statements_are_prepared_once_per_connection)
{
    blogdb_users_row *u = make_user("s@example.com"), *got = NULL, change;
    size_t after_insert = db->nstmts;
    cr_assert_eq(after_insert, 1); /* the insert with the default column set */
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(blogdb_users_get_by_id(db, &got, u->id), 0);
        blogdb_users_row_free(got);
    }
    cr_assert_eq(db->nstmts, after_insert + 1);
    change = *u;
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(blogdb_users_update_fields(db, NULL, &change, BLOGDB_USERS_EMAIL), 0);
        cr_assert_eq(blogdb_users_update_fields(db, NULL, &change, BLOGDB_USERS_PASSWORD_HASH), 0);
    }
    cr_assert_eq(db->nstmts, after_insert + 3); /* one per column mask */
    cr_assert_eq(sql_int("SELECT 1"), 1);
    blogdb_users_row_free(u);
}

Test(server, schema_drift_in_types_is_detected_not_misread)
{
    blogdb_users_row *u = make_user("d@example.com"), *got = NULL;
    /* Behind the library's back, created_at becomes timestamptz: the binary layout is the same
     * size, so only the type check can notice. */
    sql_exec("DROP VIEW active_users");
    sql_exec("ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz");
    cr_assert_eq(blogdb_users_get_by_id(db, &got, u->id), BLOGDB_EDECODE);
    cr_assert_null(got);
    cr_assert(strstr(blogdb_errmsg(db), "created_at"), "%s", blogdb_errmsg(db));
    blogdb_users_row_free(u);
}

Test(server, broken_connection_is_reported)
{
    blogdb_users_row *got = NULL;
    uuid_t id;
    char sql[200];
    uuid_generate_random(id);
    snprintf(sql, sizeof sql,
             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
             "AND pid <> pg_backend_pid()");
    cr_assert_geq(sql_int(sql), 1);
    cr_assert_eq(blogdb_users_get_by_id(db, &got, id), BLOGDB_ECONNECTION);
    cr_assert_neq(strlen(blogdb_errmsg(db)), 0);
    cr_assert_eq(blogdb_users_get_by_id(db, &got, id), BLOGDB_ECONNECTION);
}

/* Server-side conditions this schema's API cannot cause by itself, made real behind its back,
 * each mapped to its code with SQLSTATE and constraint. */
Test(server, server_errors_map_to_their_codes)
{
    blogdb_users_row in = {.email = "noat.example.com", .password_hash = "h"}, *out = NULL;
    uuid_t id;

    sql_exec("ALTER TABLE users ADD CONSTRAINT users_email_has_at CHECK (email LIKE '%@%')");
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_ECHECK);
    cr_assert_str_eq(blogdb_sqlstate(db), "23514");
    cr_assert_str_eq(blogdb_constraint(db), "users_email_has_at");

    sql_exec("CREATE FUNCTION null_hash() RETURNS trigger LANGUAGE plpgsql AS "
             "$$ BEGIN NEW.password_hash = NULL; RETURN NEW; END $$");
    sql_exec("CREATE TRIGGER null_hash BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION null_hash()");
    in.email = "a@example.com";
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_ENOTNULL);
    cr_assert_str_eq(blogdb_sqlstate(db), "23502");
    cr_assert(strstr(blogdb_errmsg(db), "password_hash"), "%s", blogdb_errmsg(db));
    cr_assert_null(out);
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), 0);

    /* Renamed rather than dropped: no table that references posts, now or later, stands in the way. */
    sql_exec("ALTER TABLE posts RENAME TO posts_gone");
    {
        int64_t n;
        cr_assert_eq(blogdb_posts_count(db, &n), BLOGDB_ESERVER);
        cr_assert_str_eq(blogdb_sqlstate(db), "42P01");
        cr_assert(strstr(blogdb_errmsg(db), "posts"), "%s", blogdb_errmsg(db));
    }
    uuid_generate_random(id);
    /* The connection still works after all of that. */
    cr_assert_eq(blogdb_users_get_by_id(db, &out, id), BLOGDB_ENOTFOUND);
}

Test(server, statement_timeout_is_a_timeout)
{
    blogdb *slow = NULL;
    blogdb_users_rows *rows = NULL;
    char dsn[1200];
    snprintf(dsn, sizeof dsn, "%s options='-c statement_timeout=200'", test_dsn());
    cr_assert_eq(blogdb_connect(&slow, dsn), 0, "%s", blogdb_connect_error());
    /* The raw connection holds a lock that the list must wait for. */
    sql_exec("BEGIN");
    sql_exec("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
    cr_assert_eq(blogdb_users_list(slow, &rows, 10, NULL), BLOGDB_ETIMEOUT);
    cr_assert_str_eq(blogdb_sqlstate(slow), "57014");
    cr_assert_null(rows);
    sql_exec("ROLLBACK");
    cr_assert_eq(blogdb_users_list(slow, &rows, 10, NULL), 0, "%s", blogdb_errmsg(slow));
    cr_assert_eq(rows->count, 0);
    blogdb_users_rows_free(rows);
    blogdb_close(slow);
}

/* ---- blogdb_check_schema(): the database against the model compiled into the library ---- */

TestSuite(schema_check, .init = db_setup, .fini = db_teardown);

Test(schema_check, matching_database_passes)
{
    cr_assert_eq(blogdb_check_schema(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(blogdb_errmsg(db), "");
    /* The check leaves the connection as it found it. */
    blogdb_users_row_free(make_user("after-check@example.com"));
    cr_assert_eq(blogdb_check_schema(NULL), BLOGDB_EINVAL);
}

static void assert_mismatch(const char *migration, const char *expect)
{
    sql_exec(migration);
    cr_assert_eq(blogdb_check_schema(db), BLOGDB_ESCHEMA, "%s", migration);
    cr_assert_str_eq(blogdb_errmsg(db), expect);
    cr_assert_str_eq(blogdb_strerror(BLOGDB_ESCHEMA), "schema mismatch");
}

Test(schema_check, added_column_is_caught)
{
    assert_mismatch("ALTER TABLE posts ADD COLUMN summary text",
                    "schema mismatch: column posts.summary (text) is in the database but not in the generated code");
}

Test(schema_check, dropped_column_is_caught)
{
    assert_mismatch("ALTER TABLE posts DROP COLUMN updated_at",
                    "schema mismatch: column posts.updated_at is in the generated code but not in the database");
}

Test(schema_check, changed_type_is_caught)
{
    assert_mismatch("ALTER TABLE posts ALTER COLUMN title TYPE varchar(300)",
                    "schema mismatch: column posts.title is character varying(300) in the database, "
                    "character varying(255) in the generated code");
}

Test(schema_check, added_enum_label_is_caught)
{
    assert_mismatch("ALTER TYPE post_status ADD VALUE 'hidden'",
                    "schema mismatch: enum post_status has label 'hidden' in the database, not in the generated code");
}

Test(schema_check, missing_relation_and_wrong_kind_are_caught)
{
    assert_mismatch("DROP VIEW active_users", "schema mismatch: view active_users does not exist in the database");
    sql_exec("CREATE TABLE active_users (id uuid, email varchar(255), password_hash varchar(255), "
             "created_at timestamp, updated_at timestamp)");
    cr_assert_eq(blogdb_check_schema(db), BLOGDB_ESCHEMA);
    cr_assert_str_eq(blogdb_errmsg(db), "schema mismatch: active_users is a table in the database, a view in the generated code");
}

Test(schema_check, search_path_of_the_session_does_not_matter)
{
    blogdb *other = NULL;
    char dsn[1200];
    sql_exec("CREATE SCHEMA elsewhere");
    snprintf(dsn, sizeof dsn, "%s options='-c search_path=elsewhere'", test_dsn());
    cr_assert_eq(blogdb_connect(&other, dsn), 0, "%s", blogdb_connect_error());
    cr_assert_eq(blogdb_check_schema(other), 0, "%s", blogdb_errmsg(other));
    blogdb_close(other);
}

/* libpq option value on a live connection ("" when unset). */
static const char *conn_option(PGconn *c, const char *key)
{
    static char value[64];
    PQconninfoOption *opts = PQconninfo(c);
    value[0] = '\0';
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, key) == 0 && o->val)
            snprintf(value, sizeof value, "%s", o->val);
    PQconninfoFree(opts);
    return value;
}

/* Without a word from the conninfo, every wait on the network is bounded; with one, it wins. */
Test(server, connect_defaults_bound_every_wait_and_the_conninfo_wins)
{
    blogdb *c = NULL;
    char dsn[1200];
    cr_assert_str_eq(conn_option(db->conn, "connect_timeout"), "10");
    cr_assert_str_eq(conn_option(db->conn, "keepalives"), "1");
    cr_assert_str_eq(conn_option(db->conn, "keepalives_idle"), "30");
    cr_assert_str_eq(conn_option(db->conn, "keepalives_interval"), "10");
    cr_assert_str_eq(conn_option(db->conn, "keepalives_count"), "3");
    cr_assert_str_eq(conn_option(db->conn, "tcp_user_timeout"), "30000");
    cr_assert_eq(db->timeout_ms, BLOGDB_DEFAULT_TIMEOUT_MS);
    cr_assert(PQisnonblocking(db->conn));
    snprintf(dsn, sizeof dsn, "%s connect_timeout=3 keepalives_idle=77 tcp_user_timeout=1234 client_encoding=LATIN1",
             test_dsn());
    cr_assert_eq(blogdb_connect(&c, dsn), 0, "%s", blogdb_connect_error());
    cr_assert_str_eq(conn_option(c->conn, "connect_timeout"), "3");
    cr_assert_str_eq(conn_option(c->conn, "keepalives_idle"), "77");
    cr_assert_str_eq(conn_option(c->conn, "tcp_user_timeout"), "1234");
    cr_assert_str_eq(conn_option(c->conn, "keepalives_interval"), "10");
    cr_assert_str_eq(PQparameterStatus(c->conn, "client_encoding"), "UTF8", "strings are UTF-8 whatever is asked");
    blogdb_close(c);
}
