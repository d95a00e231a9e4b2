/* posts, the active_users view, and the post_status enum, on real rows. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(posts, .init = db_setup, .fini = db_teardown);

Test(posts, insert_get_and_default_status)
{
    blogdb_users_row *u = make_user("author@example.com");
    blogdb_posts_row in = {.title = "Hello", .content = "World", .status = BLOGDB_POST_STATUS_ARCHIVED};
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    blogdb_posts_row *p = NULL, *got = NULL;
    uuid_copy(in.user_id, u->id);

    /* status has a DEFAULT: without its bit, the server's 'draft' applies. */
    cr_assert_eq(blogdb_posts_insert(db, &p, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(p->status, BLOGDB_POST_STATUS_DRAFT);
    cr_assert_str_eq(p->title, "Hello");
    cr_assert_str_eq(p->content, "World");
    cr_assert_eq(uuid_compare(p->user_id, u->id), 0);

    cr_assert_eq(blogdb_posts_get_by_id(db, &got, p->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(uuid_compare(got->id, p->id), 0);
    cr_assert_str_eq(got->content, "World");
    cr_assert_eq(got->created_at, p->created_at);
    blogdb_posts_row_free(got);
    blogdb_posts_row_free(p);

    cr_assert_eq(blogdb_posts_insert(db, &p, &in, BLOGDB_POSTS_STATUS), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(p->status, BLOGDB_POST_STATUS_ARCHIVED);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE status = 'archived'"), 1);
    blogdb_posts_row_free(p);
    blogdb_users_row_free(u);
}

Test(posts, unknown_author_is_a_foreign_key_violation)
{
    blogdb_posts_row in = {.title = "Orphan", .content = "x"}, *p = NULL;
    uuid_generate_random(in.user_id);
    cr_assert_eq(blogdb_set_acting_user(db, in.user_id), 0); /* passes RLS; the foreign key refuses */
    cr_assert_eq(blogdb_posts_insert(db, &p, &in, 0), BLOGDB_EFOREIGNKEY);
    cr_assert_null(p);
    cr_assert_str_eq(blogdb_constraint(db), "posts_user_id_fkey");
    cr_assert_str_eq(blogdb_sqlstate(db), "23503");
    cr_assert(strstr(blogdb_errmsg(db), "posts_user_id_fkey"), "%s", blogdb_errmsg(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 0);
}

Test(posts, title_limit_counts_multibyte_characters)
{
    blogdb_users_row *u = make_user("a@example.com");
    char *t255 = repeat("\xe6\x97\xa5", 255), *t256 = repeat("\xe6\x97\xa5", 256); /* U+65E5, 3 bytes */
    char *emoji256 = repeat("\xf0\x9f\x93\x9d", 256);                                 /* U+1F4DD, 4 bytes */
    blogdb_posts_row in = {.title = t256, .content = "c"}, *p = NULL;
    uuid_copy(in.user_id, u->id);
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);

    cr_assert_eq(blogdb_posts_insert(db, &p, &in, 0), BLOGDB_ETOOLONG);
    cr_assert(strstr(blogdb_errmsg(db), "title"), "%s", blogdb_errmsg(db));
    in.title = emoji256;
    cr_assert_eq(blogdb_posts_insert(db, &p, &in, 0), BLOGDB_ETOOLONG);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 0);

    in.title = t255;
    cr_assert_eq(blogdb_posts_insert(db, &p, &in, 0), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(p->title, t255);
    cr_assert_eq(sql_int("SELECT char_length(title) FROM posts"), 255);

    /* The same limit guards updates; the stored row is unchanged after the failure. */
    {
        blogdb_posts_row change = *p, *out = NULL;
        change.title = t256;
        cr_assert_eq(blogdb_posts_update_fields(db, &out, &change, BLOGDB_POSTS_TITLE), BLOGDB_ETOOLONG);
        cr_assert_null(out);
        cr_assert_eq(sql_int("SELECT char_length(title) FROM posts"), 255);
    }
    blogdb_posts_row_free(p);
    blogdb_users_row_free(u);
    free(t255);
    free(t256);
    free(emoji256);
}

Test(posts, invalid_utf8_and_null_fields_write_nothing)
{
    blogdb_users_row *u = make_user("a@example.com");
    blogdb_posts_row in = {.title = "ok", .content = "bad \xc3\x28 byte"}, *p = NULL;
    uuid_copy(in.user_id, u->id);
    cr_assert_eq(blogdb_posts_insert(db, &p, &in, 0), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_errmsg(db), "content"), "%s", blogdb_errmsg(db));
    in.content = NULL;
    cr_assert_eq(blogdb_posts_insert(db, &p, &in, 0), BLOGDB_EINVAL);
    in.content = "fine";
    in.status = (blogdb_post_status)7;
    cr_assert_eq(blogdb_posts_insert(db, &p, &in, BLOGDB_POSTS_STATUS), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_errmsg(db), "post_status"), "%s", blogdb_errmsg(db));
    cr_assert_null(p);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 0);
    blogdb_users_row_free(u);
}

typedef struct post_key {
    blogdb_timestamp created_at;
    uuid_t id;
} post_key;

/* Newest first, ties by id descending: the order of index posts_user_id_created_at_idx. */
static int cmp_newest_first(const void *a, const void *b)
{
    const post_key *x = a, *y = b;
    if (x->created_at != y->created_at)
        return x->created_at < y->created_at ? 1 : -1;
    return -memcmp(x->id, y->id, 16);
}

Test(posts, list_by_user_id_pages_newest_first_in_index_order)
{
    enum { NA = 13, NB = 5, PAGE = 4 };
    blogdb_users_row *a = make_user("a@example.com"), *b = make_user("b@example.com");
    post_key expected[NA];
    size_t nseen = 0;
    blogdb_timestamp base;
    blogdb_posts_rows *page = NULL;

    cr_assert_eq(blogdb_timestamp_parse("2024-03-01T00:00:00Z", &base), 0);
    cr_assert_eq(blogdb_set_acting_user(db, a->id), 0); /* drafts: visible to their author */
    /* Posts i and i+1 share a timestamp (i even): only the id orders them, descending. */
    for (int i = 0; i < NA + NB; i++) {
        blogdb_posts_row in = {.title = "t", .content = "c"}, *p = NULL;
        uuid_copy(in.user_id, i < NA ? a->id : b->id);
        in.created_at = base + (i / 2) * 1000000LL;
        in.updated_at = in.created_at;
        cr_assert_eq(blogdb_set_acting_user(db, in.user_id), 0);
        cr_assert_eq(blogdb_posts_insert(db, &p, &in, BLOGDB_POSTS_CREATED_AT | BLOGDB_POSTS_UPDATED_AT), 0, "%s",
                     blogdb_errmsg(db));
        if (i < NA) {
            expected[i].created_at = p->created_at;
            uuid_copy(expected[i].id, p->id);
        }
        blogdb_posts_row_free(p);
    }
    qsort(expected, NA, sizeof expected[0], cmp_newest_first);

    cr_assert_eq(blogdb_set_acting_user(db, a->id), 0);
    cr_assert_eq(blogdb_posts_list_by_user_id(db, &page, a->id, PAGE, NULL), 0, "%s", blogdb_errmsg(db));
    while (page->count) {
        blogdb_posts_rows *next = NULL;
        for (size_t i = 0; i < page->count; i++) {
            cr_assert_eq(uuid_compare(page->items[i].user_id, a->id), 0, "a post of another author");
            cr_assert_lt(nseen, (size_t)NA, "more rows than posts: a row repeated");
            cr_assert_eq(page->items[i].created_at, expected[nseen].created_at, "post %zu out of order", nseen);
            cr_assert_eq(memcmp(page->items[i].id, expected[nseen].id, 16), 0, "post %zu lost, repeated or out of order",
                         nseen);
            nseen++;
        }
        cr_assert_eq(blogdb_posts_list_by_user_id(db, &next, a->id, PAGE, &page->items[page->count - 1]), 0);
        blogdb_posts_rows_free(page);
        page = next;
    }
    blogdb_posts_rows_free(page);
    cr_assert_eq(nseen, (size_t)NA);
    blogdb_users_row_free(a);
    blogdb_users_row_free(b);
}

Test(posts, list_by_created_at_range_breaks_ties_by_id)
{
    enum { N = 30, PAGE = 6 };
    blogdb_users_row *u = make_user("a@example.com");
    blogdb_timestamp base, from, to, prev_t = INT64_MIN;
    unsigned char prev_id[16] = {0};
    size_t nseen = 0;
    blogdb_posts_rows *page = NULL;

    cr_assert_eq(blogdb_timestamp_parse("2024-03-01T00:00:00Z", &base), 0);
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    /* Posts i and i+1 share a timestamp (i even): only the id can order them. */
    for (int i = 0; i < N; i++) {
        blogdb_posts_row in = {.title = "t", .content = "c"}, *p = NULL;
        uuid_copy(in.user_id, u->id);
        in.created_at = base + (i / 2) * 1000000LL;
        in.updated_at = in.created_at;
        cr_assert_eq(blogdb_posts_insert(db, &p, &in, BLOGDB_POSTS_CREATED_AT | BLOGDB_POSTS_UPDATED_AT), 0, "%s",
                     blogdb_errmsg(db));
        cr_assert_eq(p->created_at, in.created_at);
        blogdb_posts_row_free(p);
    }
    /* [base+2s, base+12s): posts 4..23, i.e. 20 rows. */
    from = base + 2 * 1000000LL;
    to = base + 12 * 1000000LL;
    cr_assert_eq(blogdb_posts_list_by_created_at_range(db, &page, from, to, PAGE, NULL), 0, "%s", blogdb_errmsg(db));
    while (page->count) {
        blogdb_posts_rows *next = NULL;
        for (size_t i = 0; i < page->count; i++) {
            const blogdb_posts_row *r = &page->items[i];
            cr_assert(r->created_at >= from && r->created_at < to);
            cr_assert(r->created_at > prev_t || (r->created_at == prev_t && memcmp(r->id, prev_id, 16) > 0),
                      "row %zu is not after the previous one", nseen);
            prev_t = r->created_at;
            memcpy(prev_id, r->id, 16);
            nseen++;
        }
        cr_assert_eq(blogdb_posts_list_by_created_at_range(db, &next, from, to, PAGE, &page->items[page->count - 1]),
                     0);
        blogdb_posts_rows_free(page);
        page = next;
    }
    blogdb_posts_rows_free(page);
    cr_assert_eq(nseen, (size_t)20);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE created_at >= '2024-03-01 00:00:02' "
                         "AND created_at < '2024-03-01 00:00:12'"),
                 20);
    blogdb_users_row_free(u);
}

Test(posts, list_all_update_delete_count)
{
    blogdb_users_row *u = make_user("a@example.com");
    blogdb_posts_row *p1 = make_post(u->id, "one", BLOGDB_POST_STATUS_DRAFT);
    blogdb_posts_row *p2 = make_post(u->id, "two", BLOGDB_POST_STATUS_DRAFT);
    blogdb_posts_rows *all = NULL;
    blogdb_posts_row change, *out = NULL;
    int64_t n = 0;
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);

    cr_assert_eq(blogdb_posts_list(db, &all, 10, NULL), 0);
    cr_assert_eq(all->count, 2);
    cr_assert_lt(memcmp(all->items[0].id, all->items[1].id, 16), 0);
    blogdb_posts_rows_free(all);

    change = *p1;
    change.title = "one, revised";
    change.content = "new content";
    change.status = BLOGDB_POST_STATUS_PUBLISHED;
    cr_assert_eq(blogdb_posts_update(db, &out, &change), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(out->title, "one, revised");
    cr_assert_str_eq(out->content, "new content");
    cr_assert_eq(out->status, BLOGDB_POST_STATUS_PUBLISHED);
    blogdb_posts_row_free(out);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE title = 'one, revised' AND status = 'published'"), 1);

    cr_assert_eq(blogdb_posts_delete(db, p2->id), 0);
    cr_assert_eq(blogdb_posts_delete(db, p2->id), BLOGDB_ENOTFOUND);
    cr_assert_eq(blogdb_posts_count(db, &n), 0);
    cr_assert_eq(n, 1);
    blogdb_posts_row_free(p1);
    blogdb_posts_row_free(p2);
    blogdb_users_row_free(u);
}

Test(posts, trigger_moves_updated_at_on_update)
{
    blogdb_users_row *u = make_user("a@example.com");
    blogdb_posts_row in = {.title = "t", .content = "c"}, *p = NULL, *out = NULL, change;
    uuid_copy(in.user_id, u->id);
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    blogdb_timestamp_parse("2001-01-01T00:00:00Z", &in.created_at);
    in.updated_at = in.created_at;
    cr_assert_eq(blogdb_posts_insert(db, &p, &in, BLOGDB_POSTS_CREATED_AT | BLOGDB_POSTS_UPDATED_AT), 0);
    change = *p;
    change.title = "t2";
    cr_assert_eq(blogdb_posts_update_fields(db, &out, &change, BLOGDB_POSTS_TITLE), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(out->created_at, in.created_at);
    cr_assert_lt(llabs(out->updated_at - blogdb_timestamp_now()), 60LL * 1000000);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE updated_at > created_at + interval '20 years'"), 1);
    blogdb_posts_row_free(out);
    blogdb_posts_row_free(p);
    blogdb_users_row_free(u);
}

Test(posts, active_users_lists_exactly_users_with_a_published_post)
{
    blogdb_users_row *a = make_user("a@example.com"), *b = make_user("b@example.com");
    blogdb_users_row *c = make_user("c@example.com"), *d = make_user("d@example.com");
    blogdb_active_users_rows *rows = NULL;
    int seen_a = 0, seen_c = 0;

    blogdb_posts_row_free(make_post(a->id, "a1", BLOGDB_POST_STATUS_PUBLISHED));
    blogdb_posts_row_free(make_post(b->id, "b1", BLOGDB_POST_STATUS_DRAFT));
    blogdb_posts_row_free(make_post(c->id, "c1", BLOGDB_POST_STATUS_PUBLISHED));
    blogdb_posts_row_free(make_post(c->id, "c2", BLOGDB_POST_STATUS_PUBLISHED)); /* DISTINCT: once */
    blogdb_posts_row_free(make_post(d->id, "d1", BLOGDB_POST_STATUS_ARCHIVED));

    cr_assert_eq(blogdb_active_users_list(db, &rows), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(rows->count, 2);
    for (size_t i = 0; i < rows->count; i++) {
        const blogdb_active_users_row *r = &rows->items[i];
        if (uuid_compare(r->id, a->id) == 0) {
            seen_a++;
            cr_assert_str_eq(r->email, "a@example.com");
            cr_assert_eq(r->created_at, a->created_at);
        } else if (uuid_compare(r->id, c->id) == 0) {
            seen_c++;
            cr_assert_str_eq(r->email, "c@example.com");
        } else {
            cr_assert_fail("unexpected active user %s", r->email);
        }
    }
    cr_assert_eq(seen_a, 1);
    cr_assert_eq(seen_c, 1);
    blogdb_active_users_rows_free(rows);
    blogdb_users_row_free(a);
    blogdb_users_row_free(b);
    blogdb_users_row_free(c);
    blogdb_users_row_free(d);
}

Test(posts, enum_converters_round_trip)
{
    static const char *const labels[] = {"draft", "published", "archived"};
    blogdb_post_status v = BLOGDB_POST_STATUS_ARCHIVED;
    cr_assert_eq(BLOGDB_POST_STATUS_COUNT, 3);
    for (int i = 0; i < BLOGDB_POST_STATUS_COUNT; i++) {
        blogdb_post_status back;
        cr_assert_str_eq(blogdb_post_status_to_string((blogdb_post_status)i), labels[i]);
        cr_assert_eq(blogdb_post_status_from_string(&back, labels[i]), 0);
        cr_assert_eq((int)back, i);
    }
    cr_assert_null(blogdb_post_status_to_string((blogdb_post_status)3));
    cr_assert_null(blogdb_post_status_to_string((blogdb_post_status)-1));
    cr_assert_eq(blogdb_post_status_from_string(&v, "Draft"), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_post_status_from_string(&v, "deleted"), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_post_status_from_string(&v, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_post_status_from_string(NULL, "draft"), BLOGDB_EINVAL);
    cr_assert_eq(v, BLOGDB_POST_STATUS_ARCHIVED, "out must stay untouched on failure");
}

Test(posts, enum_round_trip_through_the_server)
{
    blogdb_users_row *u = make_user("a@example.com");
    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    for (int i = 0; i < BLOGDB_POST_STATUS_COUNT; i++) {
        blogdb_posts_row *p = make_post(u->id, "t", (blogdb_post_status)i), *got = NULL;
        char sql[160], id[37];
        cr_assert_eq(blogdb_posts_get_by_id(db, &got, p->id), 0);
        cr_assert_eq((int)got->status, i);
        uuid_unparse_lower(p->id, id);
        snprintf(sql, sizeof sql, "SELECT status::text FROM posts WHERE id = '%s'", id);
        {
            char *label = sql_text(sql);
            cr_assert_str_eq(label, blogdb_post_status_to_string((blogdb_post_status)i));
            free(label);
        }
        blogdb_posts_row_free(got);
        blogdb_posts_row_free(p);
    }
    blogdb_users_row_free(u);
}

Test(posts, unknown_label_from_the_server_is_a_clear_error)
{
    blogdb_users_row *u = make_user("a@example.com");
    blogdb_posts_row *p = make_post(u->id, "t", BLOGDB_POST_STATUS_DRAFT), *got = NULL;
    blogdb_posts_rows *rows = NULL;
    char sql[200], id[37];

    cr_assert_eq(blogdb_set_acting_user(db, u->id), 0);
    /* The database moves ahead of the generated code. */
    sql_exec("ALTER TYPE post_status ADD VALUE 'hidden'");
    uuid_unparse_lower(p->id, id);
    snprintf(sql, sizeof sql, "UPDATE posts SET status = 'hidden' WHERE id = '%s'", id);
    sql_exec(sql);

    cr_assert_eq(blogdb_posts_get_by_id(db, &got, p->id), BLOGDB_EDECODE);
    cr_assert_null(got);
    cr_assert(strstr(blogdb_errmsg(db), "'hidden'") && strstr(blogdb_errmsg(db), "post_status"), "%s",
              blogdb_errmsg(db));
    cr_assert_eq(blogdb_posts_list(db, &rows, 10, NULL), BLOGDB_EDECODE);
    cr_assert_null(rows);
    /* Other rows still read fine. */
    blogdb_posts_row_free(make_post(u->id, "visible", BLOGDB_POST_STATUS_PUBLISHED));
    cr_assert_eq(blogdb_posts_list_by_user_id(db, &rows, u->id, 10, NULL), BLOGDB_EDECODE);
    blogdb_posts_row_free(p);
    blogdb_users_row_free(u);
}

/* author_stats: refreshed CONCURRENTLY by the application role (a member of its owner), counting
 * every post whoever refreshes (its owner bypasses row-level security), while a reader holds it. */
Test(posts, author_stats_refresh_concurrently_counts_every_post)
{
    blogdb_users_row *a = make_user("a@example.com"), *b = make_user("b@example.com");
    blogdb_posts_row *p = make_post(a->id, "a1", BLOGDB_POST_STATUS_PUBLISHED);
    blogdb_author_stats_row *st = NULL;
    PGconn *reader = PQconnectdb(test_admin_dsn());
    PGresult *r;

    blogdb_posts_row_free(make_post(a->id, "a2", BLOGDB_POST_STATUS_DRAFT));
    blogdb_posts_row_free(make_post(b->id, "b1", BLOGDB_POST_STATUS_DRAFT));
    blogdb_posts_row_free(make_post(b->id, "b2", BLOGDB_POST_STATUS_ARCHIVED));
    cr_assert_eq(blogdb_author_stats_get_by_user_id(db, &st, a->id), BLOGDB_ENOTFOUND, "not refreshed yet");
    /* A reader inside a transaction holds the view: a plain REFRESH would wait for it. */
    r = PQexec(reader, "BEGIN; SELECT count(*) FROM author_stats");
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(reader));
    PQclear(r);
    cr_assert_eq(blogdb_set_timeout(db, 5000), 0);
    cr_assert_eq(blogdb_set_acting_user(db, a->id), 0); /* a sees only published posts and its own */
    cr_assert_eq(blogdb_author_stats_refresh(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_author_stats_get_by_user_id(db, &st, b->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(st->drafts, 1, "b's draft is counted though a cannot see it");
    cr_assert_eq(st->archived, 1);
    cr_assert_eq(st->published, 0);
    cr_assert(!st->has_last_published_at);
    blogdb_author_stats_row_free(st);
    cr_assert_eq(blogdb_author_stats_get_by_user_id(db, &st, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(st->published, 1);
    cr_assert_eq(st->drafts, 1);
    cr_assert(st->has_last_published_at);
    cr_assert_eq(st->last_published_at, p->created_at);
    blogdb_author_stats_row_free(st);
    PQclear(PQexec(reader, "COMMIT"));
    PQfinish(reader);
    blogdb_posts_row_free(p);
    blogdb_users_row_free(a);
    blogdb_users_row_free(b);
}

/* scripts/maintain.sh: ANALYZE, the statistics refresh and audit_log's freeze, each reported;
 * and the per-table autovacuum settings of schema.sql are in the catalog. */
Test(posts, maintain_script_refreshes_and_vacuum_settings_are_set)
{
    blogdb_users_row *a = make_user("a@example.com");
    blogdb_author_stats_row *st = NULL;
    char cmd[2048], *out = NULL, *err = NULL, *opts;
    blogdb_posts_row_free(make_post(a->id, "a1", BLOGDB_POST_STATUS_PUBLISHED));
    snprintf(cmd, sizeof cmd, "'" BLOGDB_SOURCE_DIR "/scripts/maintain.sh' '%s'", test_admin_dsn());
    cr_assert_eq(run_cmd(cmd, &out, &err), 0, "%s%s", out, err);
    cr_assert(strstr(out, "maintain: ANALYZE") && strstr(out, "maintain: REFRESH author_stats (CONCURRENTLY)") &&
                  strstr(out, "maintain: VACUUM (FREEZE) audit_log") &&
                  strstr(out, "maintain: audit_log partitions (3 months ahead)"),
              "%s", out);
    cr_assert_eq(blogdb_author_stats_get_by_user_id(db, &st, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(st->published, 1);
    blogdb_author_stats_row_free(st);
    /* audit_log's settings are on its partitions (test_audit.c checks them). A bad month count
     * stops the script before anything runs. */
    free(out);
    free(err);
    snprintf(cmd, sizeof cmd, "AUDIT_KEEP_MONTHS=x '" BLOGDB_SOURCE_DIR "/scripts/maintain.sh' '%s'", test_admin_dsn());
    cr_assert_eq(run_cmd(cmd, &out, &err), 2, "%s%s", out, err);
    cr_assert(strstr(err, "AUDIT_KEEP_MONTHS must be a number of months"), "%s", err);
    opts = sql_text("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'posts'::regclass");
    cr_assert(strstr(opts, "fillfactor=90"), "%s", opts);
    free(opts);
    free(out);
    free(err);
    blogdb_users_row_free(a);
}
