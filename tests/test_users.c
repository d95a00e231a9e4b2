/* users: every generated function on real rows, and every error path. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

TestSuite(users, .init = db_setup, .fini = db_teardown);

Test(users, insert_applies_server_defaults)
{
    blogdb_users_row in = {.email = "a@example.com", .password_hash = "h1"}, *out = NULL;
    blogdb_timestamp now = blogdb_timestamp_now();
    char id[37], sql[200];

    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(out->email, "a@example.com");
    cr_assert_str_eq(out->password_hash, "h1");
    cr_assert_not(uuid_is_null(out->id));
    /* Same machine, so the server's CURRENT_TIMESTAMP is within a minute of ours. */
    cr_assert_lt(llabs(out->created_at - now), 60LL * 1000000);
    cr_assert_eq(out->created_at, out->updated_at);
    cr_assert_str_eq(blogdb_errmsg(db), "");

    /* What the server stored is what we got back. */
    uuid_unparse_lower(out->id, id);
    snprintf(sql, sizeof sql,
             "SELECT (extract(epoch FROM created_at) * 1000000)::bigint FROM users WHERE id = '%s' AND email = 'a@example.com'",
             id);
    cr_assert_eq(sql_int(sql), out->created_at);
    blogdb_users_row_free(out);
}

Test(users, insert_with_explicit_defaulted_columns)
{
    blogdb_users_row in = {.email = "b@example.com", .password_hash = "h"}, *out = NULL;
    cr_assert_eq(blogdb_timestamp_parse("2020-02-29T12:34:56.789012Z", &in.created_at), 0);
    cr_assert_eq(blogdb_timestamp_parse("1969-07-20T20:17:40Z", &in.updated_at), 0);
    uuid_parse("0b8f8f3c-58c4-4c8a-9d1c-2f6f1b7b1e01", in.id);

    cr_assert_eq(blogdb_users_insert(db, &out, &in,
                                     BLOGDB_USERS_ID | BLOGDB_USERS_CREATED_AT | BLOGDB_USERS_UPDATED_AT),
                 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(uuid_compare(out->id, in.id), 0);
    cr_assert_eq(out->created_at, in.created_at);
    cr_assert_eq(out->updated_at, in.updated_at);
    cr_assert_eq(out->updated_at, -14182940LL * 1000000);
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE id = '0b8f8f3c-58c4-4c8a-9d1c-2f6f1b7b1e01' "
                         "AND created_at = '2020-02-29 12:34:56.789012'"),
                 1);
    blogdb_users_row_free(out);
}

Test(users, insert_out_may_be_null)
{
    blogdb_users_row in = {.email = "c@example.com", .password_hash = "h"};
    cr_assert_eq(blogdb_users_insert(db, NULL, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE email = 'c@example.com'"), 1);
}

Test(users, get_by_id_and_email)
{
    blogdb_users_row *u = make_user("get@example.com"), *by_id = NULL, *by_email = NULL;
    uuid_t unknown;

    cr_assert_eq(blogdb_users_get_by_id(db, &by_id, u->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(uuid_compare(by_id->id, u->id), 0);
    cr_assert_str_eq(by_id->email, "get@example.com");
    cr_assert_eq(by_id->created_at, u->created_at);

    cr_assert_eq(blogdb_users_get_by_email(db, &by_email, "get@example.com"), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(uuid_compare(by_email->id, u->id), 0);
    cr_assert_str_eq(by_email->password_hash, "hash");

    uuid_generate_random(unknown);
    by_id->email = "poison"; /* *out must be reset to NULL on failure */
    blogdb_users_row_free(by_id);
    by_id = u;
    cr_assert_eq(blogdb_users_get_by_id(db, &by_id, unknown), BLOGDB_ENOTFOUND);
    cr_assert_null(by_id);
    cr_assert_eq(blogdb_errcode(db), BLOGDB_ENOTFOUND);
    cr_assert_neq(strlen(blogdb_errmsg(db)), 0);
    blogdb_users_row_free(by_email);
    cr_assert_eq(blogdb_users_get_by_email(db, &by_email, "nobody@example.com"), BLOGDB_ENOTFOUND);
    cr_assert_null(by_email);
    blogdb_users_row_free(u);
}

static int cmp_uuid(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

Test(users, list_keyset_pagination_loses_and_repeats_nothing)
{
    enum { N = 25, PAGE = 7 };
    uuid_t expected[N], seen[N + PAGE];
    size_t nseen = 0, pages = 0;
    blogdb_users_rows *page = NULL;
    blogdb_users_row last;

    for (int i = 0; i < N; i++) {
        char email[64];
        blogdb_users_row *u;
        snprintf(email, sizeof email, "user%02d@example.com", i);
        u = make_user(email);
        uuid_copy(expected[i], u->id);
        blogdb_users_row_free(u);
    }
    qsort(expected, N, sizeof expected[0], cmp_uuid);

    cr_assert_eq(blogdb_users_list(db, &page, PAGE, NULL), 0, "%s", blogdb_errmsg(db));
    while (page->count > 0) {
        cr_assert_leq(page->count, PAGE);
        for (size_t i = 0; i < page->count; i++)
            uuid_copy(seen[nseen++], page->items[i].id);
        pages++;
        last = page->items[page->count - 1];
        /* last's strings point into page: only its key (id) is read, before page is freed. */
        {
            blogdb_users_rows *next = NULL;
            cr_assert_eq(blogdb_users_list(db, &next, PAGE, &last), 0, "%s", blogdb_errmsg(db));
            blogdb_users_rows_free(page);
            page = next;
        }
        cr_assert_leq(nseen, (size_t)N);
    }
    cr_assert_null(page->items);
    blogdb_users_rows_free(page);
    cr_assert_eq(nseen, (size_t)N);
    cr_assert_eq(pages, (size_t)4); /* 7 + 7 + 7 + 4 */
    for (int i = 0; i < N; i++)
        cr_assert_eq(memcmp(seen[i], expected[i], 16), 0, "row %d out of order or missing", i);
}

Test(users, list_limit_bounds)
{
    blogdb_users_rows *rows = NULL;
    blogdb_users_row_free(make_user("one@example.com"));
    cr_assert_eq(blogdb_users_list(db, &rows, 0, NULL), 0);
    cr_assert_eq(rows->count, 0);
    blogdb_users_rows_free(rows);
    cr_assert_eq(blogdb_users_list(db, &rows, -1, NULL), BLOGDB_EINVAL);
    cr_assert_null(rows);
    cr_assert_eq(blogdb_users_list(db, NULL, 10, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_list(db, &rows, 100, NULL), 0);
    cr_assert_eq(rows->count, 1);
    cr_assert_str_eq(rows->items[0].email, "one@example.com");
    blogdb_users_rows_free(rows);
}

/* Inserts a user whose timestamps are far in the past, so that "now" is visibly later. */
static blogdb_users_row *old_user(const char *email)
{
    blogdb_users_row in = {.email = email, .password_hash = "old"}, *out = NULL;
    blogdb_timestamp_parse("2001-01-01T00:00:00Z", &in.created_at);
    in.updated_at = in.created_at;
    cr_assert_eq(blogdb_users_insert(db, &out, &in, BLOGDB_USERS_CREATED_AT | BLOGDB_USERS_UPDATED_AT), 0, "%s",
                 blogdb_errmsg(db));
    return out;
}

Test(users, update_whole_row_and_trigger_moves_updated_at)
{
    blogdb_users_row *u = old_user("before@example.com"), *out = NULL, change;
    blogdb_timestamp created = u->created_at;
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0); /* a user updates only their own row */
    change = *u;
    change.email = "after@example.com";
    change.password_hash = "new-hash";

    cr_assert_eq(blogdb_users_update(db, &out, &change), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(out->email, "after@example.com");
    cr_assert_str_eq(out->password_hash, "new-hash");
    cr_assert_eq(out->created_at, created);
    /* The BEFORE UPDATE trigger set updated_at to the transaction's time, not 2001. */
    cr_assert_gt(out->updated_at, created + 20LL * 365 * 86400 * 1000000);
    cr_assert_lt(llabs(out->updated_at - blogdb_timestamp_now()), 60LL * 1000000);
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE email = 'after@example.com' AND password_hash = 'new-hash' "
                         "AND updated_at > '2020-01-01'"),
                 1);
    blogdb_users_row_free(out);
    blogdb_users_row_free(u);
}

Test(users, update_fields_writes_only_the_mask)
{
    blogdb_users_row *u = make_user("mask@example.com"), *out = NULL, change;
    uuid_t unknown;
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    change = *u;
    change.email = "masked@example.com";
    change.password_hash = "must-not-be-written";

    cr_assert_eq(blogdb_users_update_fields(db, &out, &change, BLOGDB_USERS_EMAIL), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(out->email, "masked@example.com");
    cr_assert_str_eq(out->password_hash, "hash");
    blogdb_users_row_free(out);

    cr_assert_eq(blogdb_users_update_fields(db, &out, &change, 0), BLOGDB_EINVAL);
    cr_assert_null(out);
    cr_assert_eq(blogdb_users_update_fields(db, &out, &change, BLOGDB_USERS_ID | BLOGDB_USERS_EMAIL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_update_fields(db, &out, &change, (uint64_t)1 << 40), BLOGDB_EINVAL);
    uuid_generate_random(unknown);
    uuid_copy(change.id, unknown);
    cr_assert_eq(blogdb_users_update_fields(db, &out, &change, BLOGDB_USERS_EMAIL), BLOGDB_ENOTFOUND);
    cr_assert_eq(blogdb_users_update(db, &out, &change), BLOGDB_ENOTFOUND);
    cr_assert_null(out);
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE password_hash = 'must-not-be-written'"), 0);
    blogdb_users_row_free(u);
}

Test(users, delete_and_count)
{
    blogdb_users_row *a = make_user("a@example.com"), *b = make_user("b@example.com");
    int64_t n = -1;
    cr_assert_eq(blogdb_users_count(db, &n), 0);
    cr_assert_eq(n, 2);
    cr_assert_eq(blogdb_users_delete(db, a->id), BLOGDB_ENOTFOUND, "only the user may delete their row");
    cr_assert_eq(blogdb_set_acting_user(db, a->id), 0);
    cr_assert_eq(blogdb_users_delete(db, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_users_count(db, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(blogdb_users_delete(db, a->id), BLOGDB_ENOTFOUND);
    cr_assert_eq(sql_int("SELECT count(*) FROM users WHERE email = 'b@example.com'"), 1);
    cr_assert_eq(blogdb_users_count(db, NULL), BLOGDB_EINVAL);
    blogdb_users_row_free(a);
    blogdb_users_row_free(b);
}

Test(users, delete_referenced_user_is_a_foreign_key_error)
{
    blogdb_users_row *u = make_user("author@example.com");
    blogdb_posts_row_free(make_post(u->id, "t", BLOGDB_POST_STATUS_DRAFT));
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    cr_assert_eq(blogdb_users_delete(db, u->id), BLOGDB_EFOREIGNKEY);
    cr_assert_str_eq(blogdb_constraint(db), "posts_user_id_fkey");
    cr_assert_str_eq(blogdb_sqlstate(db), "23503");
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), 1);
    blogdb_users_row_free(u);
}

Test(users, duplicate_email_is_a_unique_violation)
{
    blogdb_users_row in = {.email = "dup@example.com", .password_hash = "h"}, *out = NULL;
    blogdb_users_row_free(make_user("dup@example.com"));
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_EUNIQUE);
    cr_assert_null(out);
    cr_assert_str_eq(blogdb_sqlstate(db), "23505");
    cr_assert_str_eq(blogdb_constraint(db), "users_email_idx");
    cr_assert(strstr(blogdb_errmsg(db), "users_email_idx") != NULL, "%s", blogdb_errmsg(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), 1);
    /* The connection stays usable after a server error. */
    blogdb_users_row_free(make_user("other@example.com"));
    cr_assert_str_eq(blogdb_sqlstate(db), "");
}

Test(users, email_length_is_counted_in_characters)
{
    char *ascii256 = repeat("a", 256), *e255 = repeat("\xc3\xa9", 255), *e256 = repeat("\xc3\xa9", 256);
    blogdb_users_row in = {.email = ascii256, .password_hash = "h"}, *out = NULL;

    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_ETOOLONG);
    cr_assert(strstr(blogdb_errmsg(db), "email") && strstr(blogdb_errmsg(db), "256"), "%s", blogdb_errmsg(db));
    in.email = e256; /* 256 characters, 512 bytes */
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_ETOOLONG);
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), 0);

    in.email = e255; /* 255 characters in 510 bytes: fits varchar(255) */
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(out->email, e255);
    cr_assert_eq(sql_int("SELECT char_length(email) FROM users"), 255);
    cr_assert_eq(sql_int("SELECT octet_length(email) FROM users"), 510);
    blogdb_users_row_free(out);
    free(ascii256);
    free(e255);
    free(e256);
}

Test(users, bad_arguments_are_invalid_and_write_nothing)
{
    blogdb_users_row in = {.email = "x@example.com", .password_hash = "h"}, *out = NULL;
    blogdb_users_rows *rows = NULL;
    uuid_t id;
    uuid_generate_random(id);

    cr_assert_eq(blogdb_users_insert(NULL, &out, &in, 0), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_insert(db, &out, NULL, 0), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_insert(db, &out, &in, (uint64_t)1 << 63), BLOGDB_EINVAL);
    in.email = NULL;
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_errmsg(db), "email"), "%s", blogdb_errmsg(db));
    in.email = "bad\xff@example.com";
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_errmsg(db), "UTF-8"), "%s", blogdb_errmsg(db));
    in.email = "overlong\xc0\xaf@example.com";
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_EINVAL);
    in.email = "surrogate\xed\xa0\x80@example.com";
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_EINVAL);
    in.email = "truncated\xe6\x97";
    cr_assert_eq(blogdb_users_insert(db, &out, &in, 0), BLOGDB_EINVAL);
    cr_assert_null(out);

    cr_assert_eq(blogdb_users_get_by_id(db, NULL, id), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_get_by_id(db, &out, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_get_by_email(db, &out, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_get_by_email(db, &out, "\x80"), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_get_by_id(NULL, &out, id), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_list(NULL, &rows, 1, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_update(db, &out, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_delete(db, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_users_delete(NULL, id), BLOGDB_EINVAL);
    cr_assert_eq(sql_int("SELECT count(*) FROM users"), 0);
}
