/* Every type of the type map, in and out through the real server: values, NULLs, arrays,
 * identity and generated columns, a domain, composite keys, a table without a key, and a
 * materialized view (bindings generated from tests/types/types.sql with --prefix typesdb). */
#include "helpers.h"
#include "typesdb_queries.h"
#include "typesdb_schema.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void setup(void)
{
    db_setup_empty();
    apply_ddl(BLOGDB_SOURCE_DIR "/tests/types/types.sql");
    /* The library connects as the application role: give it rows to work on, nothing more. */
    sql_exec("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO blog_app");
    sql_exec("ALTER MATERIALIZED VIEW everything_count OWNER TO blog_app"); /* REFRESH needs the owner */
}

TestSuite(types, .init = setup, .fini = db_teardown);

/* The server's own text for an expression over the row with the given id. */
static char *server_text(int64_t id, const char *expr)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT (%s)::text FROM everything WHERE id = %lld", expr, (long long)id);
    return sql_text(sql);
}

static void assert_server(int64_t id, const char *expr, const char *expect)
{
    char *got = server_text(id, expr);
    cr_assert_str_eq(got, expect, "%s: server says %s, expected %s", expr, got, expect);
    free(got);
}

Test(types, every_scalar_type_round_trips)
{
    static const uint8_t bytes[] = {0, 1, 2, 255, 'x'};
    typesdb_everything_row in, *out = NULL, *back = NULL;
    memset(&in, 0, sizeof in);
    in.has_i2 = in.has_i4 = in.has_i8 = in.has_f4 = in.has_f8 = in.has_b = true;
    in.i2 = -32768;
    in.i4 = 2147483647;
    in.i8 = -9007199254740993LL;
    in.f4 = 1.5f;
    in.f8 = -2.25e-300;
    in.b = true;
    in.n = "-12345678.1234";
    in.t = "plain \xe2\x9c\x93 text";
    in.v = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"; /* 8 characters, 16 bytes */
    in.c = "ab";
    in.has_u = true;
    uuid_parse("01234567-89ab-cdef-0123-456789abcdef", in.u);
    in.has_d = true;
    in.d = -10958; /* 1940-01-01 */
    in.has_ts = true;
    cr_assert_eq(blogdb_timestamp_parse("1999-12-31T23:59:59.999999Z", &in.ts), 0);
    in.has_tz = true;
    cr_assert_eq(blogdb_timestamp_parse("2026-11-24T22:18:41.5+01:00", &in.tz), 0);
    in.has_tm = true;
    in.tm = (13LL * 3600 + 37 * 60 + 5) * 1000000 + 250000;
    in.has_iv = true;
    in.iv = (blogdb_interval){.usec = 3723000001LL, .days = -3, .months = 14};
    in.j = "{\"a\": [1, 2]}";
    in.jb = "{\"b\": true, \"a\": null}";
    in.has_by = true;
    in.by = (blogdb_bytes){bytes, sizeof bytes};
    in.ip = "192.168.10.7/24";
    in.has_m = true;
    in.m = TYPESDB_MOOD_HAPPY;
    in.pos = 7;
    in.has_i8 = true;

    cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_gt(out->id, 0); /* identity, assigned by the server */
    cr_assert_eq(typesdb_everything_get_by_id(db, &back, out->id), 0, "%s", blogdb_errmsg(db));
    for (int k = 0; k < 2; k++) {
        const typesdb_everything_row *r = k ? back : out;
        cr_assert(r->has_i2 && r->i2 == -32768);
        cr_assert(r->has_i4 && r->i4 == 2147483647);
        cr_assert(r->has_i8 && r->i8 == -9007199254740993LL);
        cr_assert(r->has_f4 && r->f4 == 1.5f);
        cr_assert(r->has_f8 && r->f8 == -2.25e-300);
        cr_assert(r->has_b && r->b);
        cr_assert_str_eq(r->n, "-12345678.1234");
        cr_assert_str_eq(r->t, in.t);
        cr_assert_str_eq(r->v, in.v);
        cr_assert_str_eq(r->c, "ab  "); /* char(4) pads */
        cr_assert(r->has_u && uuid_compare(r->u, in.u) == 0);
        cr_assert(r->has_d && r->d == -10958);
        cr_assert(r->has_ts && r->ts == in.ts);
        cr_assert(r->has_tz && r->tz == in.tz);
        cr_assert(r->has_tm && r->tm == in.tm);
        cr_assert(r->has_iv && r->iv.usec == 3723000001LL && r->iv.days == -3 && r->iv.months == 14);
        cr_assert_str_eq(r->j, "{\"a\": [1, 2]}"); /* json keeps its text */
        cr_assert_str_eq(r->jb, "{\"a\": null, \"b\": true}"); /* jsonb normalizes */
        cr_assert(r->has_by && r->by.len == sizeof bytes && memcmp(r->by.data, bytes, sizeof bytes) == 0);
        cr_assert_str_eq(r->ip, "192.168.10.7/24");
        cr_assert(r->has_m && r->m == TYPESDB_MOOD_HAPPY);
        cr_assert_eq(r->pos, 7);
        cr_assert(r->has_doubled && r->doubled == 2 * in.i8, "generated column");
    }
    /* The server agrees on what was stored. */
    assert_server(out->id, "n", "-12345678.1234");
    assert_server(out->id, "d", "1940-01-01");
    assert_server(out->id, "ts", "1999-12-31 23:59:59.999999");
    assert_server(out->id, "tz AT TIME ZONE 'UTC'", "2026-11-24 21:18:41.5");
    assert_server(out->id, "tm", "13:37:05.25");
    assert_server(out->id, "iv", "1 year 2 mons -3 days +01:02:03.000001");
    assert_server(out->id, "encode(by, 'hex')", "000102ff78");
    assert_server(out->id, "u", "01234567-89ab-cdef-0123-456789abcdef");
    assert_server(out->id, "m", "happy");
    assert_server(out->id, "f8 = -2.25e-300", "true");
    typesdb_everything_row_free(out);
    typesdb_everything_row_free(back);
}

Test(types, numeric_and_inet_edge_values)
{
    static const char *const numerics[] = {"0", "0.0001", "-0.5", "99999999.9999", "1.0000", "10000", "0.1"};
    static const char *const expect_n[] = {"0.0000", "0.0001", "-0.5000", "99999999.9999", "1.0000", "10000.0000", "0.1000"};
    static const char *const inets[] = {"10.0.0.1", "::1", "2001:db8::ff00:42:8329/64", "0.0.0.0/0"};
    for (size_t i = 0; i < sizeof numerics / sizeof numerics[0]; i++) {
        typesdb_everything_row in, *out = NULL;
        memset(&in, 0, sizeof in);
        in.pos = 1;
        in.n = numerics[i];
        in.ip = inets[i % 4];
        cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
        cr_assert_str_eq(out->n, expect_n[i]);
        cr_assert_str_eq(out->ip, inets[i % 4]);
        {
            char *s = server_text(out->id, "n");
            cr_assert_str_eq(s, out->n, "numeric text matches numeric_out");
            free(s);
        }
        typesdb_everything_row_free(out);
    }
    {
        typesdb_everything_row in, *out = NULL;
        memset(&in, 0, sizeof in);
        in.pos = 1;
        in.n = "not a number";
        cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), BLOGDB_EINVAL);
        cr_assert_str_eq(blogdb_sqlstate(db), "22P02");
        in.n = NULL;
        in.ip = "999.1.1.1";
        cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), BLOGDB_EINVAL);
        in.ip = NULL;
        in.v = "123456789"; /* 9 characters into varchar(8) */
        cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), BLOGDB_ETOOLONG);
        cr_assert_eq(sql_int("SELECT count(*) FROM everything WHERE n IS NULL"), 0);
    }
}

Test(types, nulls_round_trip)
{
    typesdb_everything_row in, *out = NULL;
    memset(&in, 0, sizeof in); /* every has_ false, every pointer NULL */
    in.pos = 3;
    cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert(!out->has_i2 && !out->has_i4 && !out->has_i8 && !out->has_f4 && !out->has_f8 && !out->has_b);
    cr_assert(!out->n && !out->t && !out->v && !out->c && !out->j && !out->jb && !out->ip);
    cr_assert(!out->has_u && !out->has_d && !out->has_ts && !out->has_tz && !out->has_tm && !out->has_iv);
    cr_assert(!out->has_by && !out->has_m && !out->has_doubled);
    cr_assert(!out->has_a_i4 && !out->has_a_t && !out->has_a_m && !out->has_a_by && !out->has_a_iv);
    assert_server(out->id, "num_nulls(i2, i4, i8, f4, f8, b, n, t, v, c, u, d, ts, tz, tm, iv, j, jb, by, ip, m, "
                           "a_i4, a_i8, a_t, a_u, a_m, a_tz, a_b, a_f8, a_n, a_by, a_iv, a_d, doubled)",
                  "34");
    typesdb_everything_row_free(out);
}

Test(types, arrays_round_trip)
{
    int32_t i4s[] = {1, -2, 2147483647};
    int64_t i8s[] = {INT64_MIN + 1, 0};
    const char *texts[] = {"a", NULL, "with \"quotes\" and \\ backslash", "", "{braces},comma"};
    uuid_t uuids[2];
    typesdb_mood moods[] = {TYPESDB_MOOD_SAD, TYPESDB_MOOD_HAPPY, TYPESDB_MOOD_OK};
    blogdb_timestamp tzs[] = {0, -1, 1795558721123456LL};
    bool bools[] = {true, false};
    double f8s[] = {0.5, -1e10};
    const char *nums[] = {"1.5", "-0.001", NULL};
    static const uint8_t b1[] = {1, 2}, b2[] = {0};
    blogdb_bytes bys[] = {{b1, 2}, {b2, 1}, {NULL, 0}};
    blogdb_interval ivs[] = {{1, 2, 3}, {-1, 0, 0}};
    int32_t ds[] = {0, 19000};
    typesdb_everything_row in, *out = NULL, *back = NULL;

    uuid_parse("11111111-2222-3333-4444-555555555555", uuids[0]);
    uuid_generate_random(uuids[1]);
    memset(&in, 0, sizeof in);
    in.pos = 1;
    in.has_a_i4 = in.has_a_i8 = in.has_a_t = in.has_a_u = in.has_a_m = in.has_a_tz = in.has_a_b = true;
    in.has_a_f8 = in.has_a_n = in.has_a_by = in.has_a_iv = in.has_a_d = true;
    in.a_i4 = (blogdb_int32_array){i4s, 3};
    in.a_i8 = (blogdb_int64_array){i8s, 2};
    in.a_t = (blogdb_text_array){texts, 5};
    in.a_u = (blogdb_uuid_array){uuids, 2};
    in.a_m = (typesdb_mood_array){moods, 3};
    in.a_tz = (blogdb_int64_array){tzs, 3};
    in.a_b = (blogdb_bool_array){bools, 2};
    in.a_f8 = (blogdb_double_array){f8s, 2};
    in.a_n = (blogdb_text_array){nums, 3};
    in.a_by = (blogdb_bytes_array){bys, 3};
    in.a_iv = (blogdb_interval_array){ivs, 2};
    in.a_d = (blogdb_int32_array){ds, 0}; /* empty, not NULL */

    cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(typesdb_everything_get_by_id(db, &back, out->id), 0, "%s", blogdb_errmsg(db));
    for (int k = 0; k < 2; k++) {
        const typesdb_everything_row *r = k ? back : out;
        cr_assert(r->has_a_i4 && r->a_i4.count == 3 && memcmp(r->a_i4.items, i4s, sizeof i4s) == 0);
        cr_assert(r->has_a_i8 && r->a_i8.count == 2 && r->a_i8.items[0] == INT64_MIN + 1 && r->a_i8.items[1] == 0);
        cr_assert_eq(r->a_t.count, 5);
        cr_assert_str_eq(r->a_t.items[0], "a");
        cr_assert_null(r->a_t.items[1]);
        cr_assert_str_eq(r->a_t.items[2], texts[2]);
        cr_assert_str_eq(r->a_t.items[3], "");
        cr_assert_str_eq(r->a_t.items[4], texts[4]);
        cr_assert(r->a_u.count == 2 && uuid_compare(r->a_u.items[0], uuids[0]) == 0 &&
                  uuid_compare(r->a_u.items[1], uuids[1]) == 0);
        cr_assert(r->a_m.count == 3 && r->a_m.items[0] == TYPESDB_MOOD_SAD && r->a_m.items[2] == TYPESDB_MOOD_OK);
        cr_assert(r->a_tz.count == 3 && memcmp(r->a_tz.items, tzs, sizeof tzs) == 0);
        cr_assert(r->a_b.count == 2 && r->a_b.items[0] && !r->a_b.items[1]);
        cr_assert(r->a_f8.count == 2 && r->a_f8.items[0] == 0.5 && r->a_f8.items[1] == -1e10);
        cr_assert(r->a_n.count == 3 && r->a_n.items[2] == NULL);
        cr_assert_str_eq(r->a_n.items[0], "1.5");
        cr_assert_str_eq(r->a_n.items[1], "-0.001");
        cr_assert(r->a_by.count == 3 && r->a_by.items[0].len == 2 && r->a_by.items[0].data[1] == 2 &&
                  r->a_by.items[2].len == 0);
        cr_assert(r->a_iv.count == 2 && r->a_iv.items[0].usec == 1 && r->a_iv.items[0].days == 2 &&
                  r->a_iv.items[0].months == 3 && r->a_iv.items[1].usec == -1);
        cr_assert(r->has_a_d && r->a_d.count == 0);
    }
    assert_server(out->id, "a_t", "{a,NULL,\"with \\\"quotes\\\" and \\\\ backslash\",\"\",\"{braces},comma\"}");
    assert_server(out->id, "a_m", "{sad,happy,ok}");
    assert_server(out->id, "a_i4", "{1,-2,2147483647}");
    assert_server(out->id, "a_d", "{}");
    assert_server(out->id, "array_length(a_u, 1)", "2");
    typesdb_everything_row_free(out);
    typesdb_everything_row_free(back);
}

Test(types, arrays_with_null_elements_the_c_type_cannot_hold_are_reported)
{
    typesdb_everything_row *got = NULL;
    sql_exec("INSERT INTO everything (pos, a_i4) VALUES (1, '{1,NULL,3}')");
    cr_assert_eq(typesdb_everything_list(db, (typesdb_everything_rows **)&got, 10, NULL), BLOGDB_EDECODE);
    cr_assert(strstr(blogdb_errmsg(db), "a_i4"), "%s", blogdb_errmsg(db));
    cr_assert_null(got);
}

Test(types, generated_and_identity_columns_are_read_only)
{
    typesdb_everything_row in, *out = NULL, change;
    memset(&in, 0, sizeof in);
    in.pos = 1;
    in.has_i8 = true;
    in.i8 = 21;
    cr_assert_eq(typesdb_everything_insert(db, &out, &in, TYPESDB_EVERYTHING_ID), BLOGDB_EINVAL);
    cr_assert_eq(typesdb_everything_insert(db, &out, &in, TYPESDB_EVERYTHING_DOUBLED), BLOGDB_EINVAL);
    cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(out->doubled, 42);
    change = *out;
    change.i8 = 50;
    change.doubled = 1;
    cr_assert_eq(typesdb_everything_update_fields(db, NULL, &change, TYPESDB_EVERYTHING_DOUBLED), BLOGDB_EINVAL);
    {
        typesdb_everything_row *upd = NULL;
        /* The whole-row update leaves the generated column to the server. */
        cr_assert_eq(typesdb_everything_update(db, &upd, &change), 0, "%s", blogdb_errmsg(db));
        cr_assert_eq(upd->doubled, 100);
        typesdb_everything_row_free(upd);
    }
    cr_assert_eq(TYPESDB_EVERYTHING_READONLY_COLUMNS, TYPESDB_EVERYTHING_ID | TYPESDB_EVERYTHING_DOUBLED);
    typesdb_everything_row_free(out);
}

Test(types, domain_not_null_and_check)
{
    typesdb_everything_row in, *out = NULL;
    memset(&in, 0, sizeof in);
    in.pos = 0; /* positive: CHECK (VALUE > 0) */
    cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), BLOGDB_ECHECK);
    cr_assert_str_eq(blogdb_sqlstate(db), "23514");
    cr_assert_null(out);
    cr_assert_eq(sql_int("SELECT count(*) FROM everything"), 0);
}

Test(types, composite_keys)
{
    typesdb_pairs_row in = {.a = 1, .b = "x", .note = "first"}, *out = NULL, change;
    typesdb_pairs_rows *page = NULL;
    cr_assert_eq(typesdb_pairs_insert(db, NULL, &in, 0), 0, "%s", blogdb_errmsg(db));
    in.b = "y";
    in.note = NULL;
    cr_assert_eq(typesdb_pairs_insert(db, NULL, &in, 0), 0);
    in.a = 0;
    cr_assert_eq(typesdb_pairs_insert(db, NULL, &in, 0), 0);
    cr_assert_eq(typesdb_pairs_get_by_a_and_b(db, &out, 1, "x"), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(out->note, "first");
    change = *out; /* change.b points into out's allocation: keep out alive while change is used */
    change.note = "second";
    {
        typesdb_pairs_row *updated = NULL;
        cr_assert_eq(typesdb_pairs_update(db, &updated, &change), 0, "%s", blogdb_errmsg(db));
        cr_assert_str_eq(updated->note, "second");
        typesdb_pairs_row_free(updated);
    }
    typesdb_pairs_row_free(out);
    /* keyset over (a, b): (0,y) (1,x) (1,y) */
    cr_assert_eq(typesdb_pairs_list(db, &page, 2, NULL), 0);
    cr_assert_eq(page->count, 2);
    cr_assert(page->items[0].a == 0 && page->items[1].a == 1 && strcmp(page->items[1].b, "x") == 0);
    {
        typesdb_pairs_rows *next = NULL;
        cr_assert_eq(typesdb_pairs_list(db, &next, 2, &page->items[1]), 0);
        cr_assert_eq(next->count, 1);
        cr_assert(next->items[0].a == 1 && strcmp(next->items[0].b, "y") == 0);
        typesdb_pairs_rows_free(next);
    }
    typesdb_pairs_rows_free(page);
    cr_assert_eq(typesdb_pairs_delete(db, 1, "y"), 0);
    cr_assert_eq(typesdb_pairs_delete(db, 1, "y"), BLOGDB_ENOTFOUND);
    cr_assert_eq(sql_int("SELECT count(*) FROM pairs"), 2);
}

Test(types, table_without_key_and_materialized_view)
{
    typesdb_plain_log_row in = {.msg = "hello"};
    typesdb_plain_log_rows *rows = NULL;
    typesdb_everything_count_rows *counts = NULL;
    typesdb_everything_row e, *out = NULL;
    int64_t n = 0;
    cr_assert_eq(typesdb_plain_log_insert(db, NULL, &in, 0), 0, "%s", blogdb_errmsg(db));
    in.msg = NULL;
    cr_assert_eq(typesdb_plain_log_insert(db, NULL, &in, 0), 0);
    cr_assert_eq(typesdb_plain_log_count(db, &n), 0);
    cr_assert_eq(n, 2);
    cr_assert_eq(typesdb_plain_log_list(db, &rows, 10), 0);
    cr_assert_eq(rows->count, 2);
    cr_assert_lt(llabs(rows->items[0].at - blogdb_timestamp_now()), 60LL * 1000000);
    typesdb_plain_log_rows_free(rows);

    memset(&e, 0, sizeof e);
    e.pos = 1;
    cr_assert_eq(typesdb_everything_insert(db, &out, &e, 0), 0);
    typesdb_everything_row_free(out);
    cr_assert_eq(typesdb_everything_count_list(db, &counts), 0, "%s", blogdb_errmsg(db));
    cr_assert(counts->count == 1 && counts->items[0].has_n && counts->items[0].n == 0, "not refreshed yet");
    typesdb_everything_count_rows_free(counts);
    cr_assert_eq(typesdb_everything_count_refresh(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(typesdb_everything_count_list(db, &counts), 0);
    cr_assert_eq(counts->items[0].n, 1);
    typesdb_everything_count_rows_free(counts);
}

/* Item 11 of the fault issue: a year-294270 timestamp was read as infinity and written back as
 * infinity. The infinities now have values no finite timestamp is read as, and a value beyond
 * blogdb_timestamp's range is refused instead of misread. */
Test(types, timestamps_at_the_edges_round_trip_or_are_refused)
{
    typesdb_everything_row in, *out = NULL, *back = NULL;
    const blogdb_timestamp largest = INT64_MAX - 1, earliest = INT64_C(-210866803200000000);
    memset(&in, 0, sizeof in);
    in.pos = 1;
    in.has_ts = in.has_tz = true;
    in.ts = BLOGDB_TIMESTAMP_INFINITY;
    in.tz = BLOGDB_TIMESTAMP_NEG_INFINITY;
    cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
    assert_server(out->id, "ts", "infinity");
    assert_server(out->id, "tz", "-infinity");
    cr_assert_eq(typesdb_everything_get_by_id(db, &back, out->id), 0, "%s", blogdb_errmsg(db));
    cr_assert(back->ts == BLOGDB_TIMESTAMP_INFINITY && back->tz == BLOGDB_TIMESTAMP_NEG_INFINITY);
    typesdb_everything_row_free(out);
    typesdb_everything_row_free(back);

    in.ts = largest;    /* 294247-01-10, the last finite blogdb_timestamp */
    in.tz = earliest;   /* 4714-11-24 BC, PostgreSQL's first */
    cr_assert_eq(typesdb_everything_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
    assert_server(out->id, "ts", "294247-01-10 04:00:54.775806");
    assert_server(out->id, "tz", "4714-11-24 00:00:00+00 BC");
    cr_assert_eq(typesdb_everything_get_by_id(db, &back, out->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(back->ts, largest);
    cr_assert_eq(back->tz, earliest);
    typesdb_everything_row_free(back);

    /* Valid for PostgreSQL, beyond blogdb_timestamp: refused, never read as infinity. */
    {
        char sql[160];
        snprintf(sql, sizeof sql, "UPDATE everything SET ts = '294270-01-01' WHERE id = %lld", (long long)out->id);
        sql_exec(sql);
    }
    back = NULL;
    cr_assert_eq(typesdb_everything_get_by_id(db, &back, out->id), BLOGDB_EDECODE);
    cr_assert_null(back);
    cr_assert(strstr(blogdb_errmsg(db), "ts:") && strstr(blogdb_errmsg(db), "range"), "%s", blogdb_errmsg(db));
    typesdb_everything_row_free(out);
}

/* Types without a binary C shape travel as their text: written as text and converted by the
 * server, read back in the server's spelling, found by key and by index, refused by binary COPY. */
Test(types, text_io_types_round_trip_as_text)
{
    typesdb_text_io_row in = {.id = 1, .doc = "the fat cat sat", .price = "12.50", .net = "10.1.0.0/16",
                              .mac = "08:00:2b:01:02:03", .span = "[1,10)", .p = "(1.5,2)", .flags = "101",
                              .at_tz = "04:05:06+02", .x = "<a>b</a>"};
    typesdb_text_io_row *out = NULL, *got = NULL;
    typesdb_text_io_rows *page = NULL;
    cr_assert_eq(typesdb_text_io_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(out->doc, "'cat' 'fat' 'sat' 'the'");
    cr_assert_str_eq(out->price, "$12.50");
    cr_assert_str_eq(out->net, "10.1.0.0/16");
    cr_assert_str_eq(out->mac, "08:00:2b:01:02:03");
    cr_assert_str_eq(out->span, "[1,10)");
    cr_assert_str_eq(out->p, "(1.5,2)");
    cr_assert_str_eq(out->flags, "101");
    cr_assert_str_eq(out->at_tz, "04:05:06+02");
    cr_assert_str_eq(out->x, "<a>b</a>");
    cr_assert_eq(typesdb_text_io_get_by_id(db, &got, 1), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(got->span, "[1,10)");
    typesdb_text_io_row_free(got);
    /* an update, and NULLs */
    out->span = NULL;
    out->doc = "dog";
    cr_assert_eq(typesdb_text_io_update(db, &got, out), 0, "%s", blogdb_errmsg(db));
    cr_assert_null(got->span);
    cr_assert_str_eq(got->doc, "'dog'");
    typesdb_text_io_row_free(got);
    /* a value the type refuses is the server's error, and nothing is written */
    in.id = 2;
    in.span = "[10,1)";
    cr_assert_neq(typesdb_text_io_insert(db, NULL, &in, 0), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM text_io"), 1);
    /* the index on price finds rows by their text form, a page at a time */
    in.span = NULL;
    in.price = "7.00";
    for (int i = 2; i <= 5; i++) {
        in.id = i;
        cr_assert_eq(typesdb_text_io_insert(db, NULL, &in, 0), 0, "%s", blogdb_errmsg(db));
    }
    cr_assert_eq(typesdb_text_io_list_by_price(db, &page, "$7.00", 3, NULL), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(page->count, 3);
    cr_assert(page->items[0].id == 2 && page->items[2].id == 4);
    {
        typesdb_text_io_rows *next = NULL;
        cr_assert_eq(typesdb_text_io_list_by_price(db, &next, "7", 3, &page->items[2]), 0, "%s", blogdb_errmsg(db));
        cr_assert(next->count == 1 && next->items[0].id == 5);
        typesdb_text_io_rows_free(next);
    }
    typesdb_text_io_rows_free(page);
    /* binary COPY cannot carry them */
    cr_assert_eq(typesdb_text_io_copy_in(db, &in, 1, 0), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_errmsg(db), "cannot be sent by binary COPY"), "%s", blogdb_errmsg(db));
    typesdb_text_io_row_free(out);
}

/* ---- more than 64 columns: column sets of words ---- */

static void assert_wide(int32_t id, const char *cols, const char *expect)
{
    char sql[256], *got;
    snprintf(sql, sizeof sql, "SELECT concat_ws(',', %s) FROM wide WHERE id = %d", cols, id);
    got = sql_text(sql);
    cr_assert_str_eq(got, expect, "%s of row %d: %s, expected %s", cols, id, got, expect);
    free(got);
}

Test(types, a_table_of_more_than_64_columns_takes_column_sets)
{
    typesdb_wide_row in, *out = NULL;
    typesdb_wide_column_set with = {{0}}, mask = {{0}};
    memset(&in, 0, sizeof in);
    in.id = 1;
    in.has_c1 = in.has_c64 = in.has_c68 = true;
    in.c1 = 10;
    in.c64 = 640;
    in.c68 = 680;
    in.late = "mine";
    /* Without `with`, late (column 69) takes its DEFAULT; last (70) is generated. */
    cr_assert_eq(typesdb_wide_insert(db, &out, &in, NULL), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(out->late, "default");
    cr_assert_eq(out->last, 11);
    cr_assert_eq(out->c68, 680);
    typesdb_wide_row_free(out);
    /* With it, late is sent. */
    in.id = 2;
    BLOGDB_COLUMNS_ADD(&with, TYPESDB_WIDE_LATE_COLNO);
    cr_assert_eq(typesdb_wide_insert(db, NULL, &in, &with), 0, "%s", blogdb_errmsg(db));
    assert_wide(2, "c1, c64, c68, late, last", "10,640,680,mine,11");
    /* A generated column past the 64th cannot be written; the constants say so. */
    BLOGDB_COLUMNS_ADD(&with, TYPESDB_WIDE_LAST_COLNO);
    cr_assert_eq(typesdb_wide_insert(db, NULL, &in, &with), BLOGDB_EINVAL);
    cr_assert_eq(TYPESDB_WIDE_READONLY_COLUMNS.bits[0], 0);
    cr_assert_eq(TYPESDB_WIDE_READONLY_COLUMNS.bits[1], UINT64_C(1) << (70 - 64));
    cr_assert_eq(TYPESDB_WIDE_KEY_COLUMNS.bits[0], 1);
    cr_assert_eq(TYPESDB_WIDE_ALL_COLUMNS.bits[1], (UINT64_C(1) << (71 - 64)) - 1);

    /* Two masks that differ only past the 64th column are two statements: c68, then c64. */
    in.c64 = 641;
    in.c68 = 681;
    BLOGDB_COLUMNS_ADD(&mask, TYPESDB_WIDE_C68_COLNO);
    cr_assert_eq(typesdb_wide_update_fields(db, NULL, &in, &mask), 0, "%s", blogdb_errmsg(db));
    assert_wide(2, "c64, c68", "640,681");
    memset(&mask, 0, sizeof mask);
    BLOGDB_COLUMNS_ADD(&mask, TYPESDB_WIDE_C64_COLNO);
    in.c68 = 682;
    cr_assert_eq(typesdb_wide_update_fields(db, NULL, &in, &mask), 0, "%s", blogdb_errmsg(db));
    assert_wide(2, "c64, c68", "641,681");
    cr_assert_eq(typesdb_wide_update_fields(db, NULL, &in, NULL), BLOGDB_EINVAL, "an empty mask");
    /* The whole-row update writes every column but the key and the generated one. */
    in.c1 = 20;
    in.late = "again";
    cr_assert_eq(typesdb_wide_update(db, &out, &in), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(out->last, 21);
    typesdb_wide_row_free(out);
    assert_wide(2, "c1, c64, c68, late, last", "20,641,682,again,21");

    /* COPY with a column set past the 64th. */
    {
        typesdb_wide_row rows[3];
        typesdb_wide_column_set late = {{0}};
        BLOGDB_COLUMNS_ADD(&late, TYPESDB_WIDE_LATE_COLNO);
        for (int i = 0; i < 3; i++) {
            rows[i] = in;
            rows[i].id = 10 + i;
            rows[i].c68 = 1000 + i;
            rows[i].late = "copied";
        }
        cr_assert_eq(typesdb_wide_copy_in(db, rows, 3, &late), 0, "%s", blogdb_errmsg(db));
        assert_wide(12, "c68, late", "1002,copied");
        cr_assert_eq(typesdb_wide_copy_in(db, rows, 3, NULL), BLOGDB_EUNIQUE, "the same keys again");
    }
}

/* Queries past 64 parameters (a :copyfrom of 69 columns) and 64 result columns (72). */
Test(types, queries_of_more_than_64_parameters_and_columns)
{
    typesdb_load_wide_params rows[2];
    typesdb_wide_with_count_rows *out = NULL;
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < 2; i++) {
        rows[i].id = 100 + i;
        rows[i].has_c1 = rows[i].has_c68 = true;
        rows[i].c1 = i;
        rows[i].c68 = 6800 + i;
    }
    cr_assert_eq(typesdb_load_wide(db, rows, 2), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(typesdb_wide_with_count(db, &out, 100), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(out->count, 2);
    cr_assert_eq(out->items[1].id, 101);
    cr_assert_eq(out->items[1].c68, 6801);
    cr_assert_str_eq(out->items[1].late, "default");
    cr_assert_eq(out->items[1].last, 2);
    cr_assert_eq(out->items[1].total, 2);
    typesdb_wide_with_count_rows_free(out);
}
