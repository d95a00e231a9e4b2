/* The typed queries (queries/, blogdb_queries.h): types checked against PostgreSQL itself, and
 * the generated functions run on real rows. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite(queries, .init = db_setup, .fini = db_teardown);

/* ---- the oracle: blogdb-gen --verify, what PQdescribePrepared says (at the end of this file) ---- */

/* --dump-model gives each query: the SQL sent ($n), parameters and columns as format_type spells them. */
Test(queries, the_model_dump_lists_each_query)
{
    char *json = NULL, *err = NULL;
    cr_assert_eq(run_cmd("'" BLOGDB_GEN "' --dump-model --queries '" BLOGDB_SOURCE_DIR "/queries' '" BLOGDB_SOURCE_DIR
                         "/schema.sql'",
                         &json, &err),
                 0, "%s", err);
    cr_assert(strstr(json, "{\"name\": \"FeedPage\", \"command\": \":many\", \"sql\": \"SELECT p.id, p.title, "
                           "p.created_at, u.email AS author_email\\u000aFROM posts p"),
              "%s", json);
    cr_assert(strstr(json, "\"params\": [\n     {\"name\": \"before_created_at\", \"type\": \"timestamp without time "
                           "zone\", \"not_null\": true},\n     {\"name\": \"before_id\", \"type\": \"uuid\", "
                           "\"not_null\": true},\n     {\"name\": \"page_size\", \"type\": \"bigint\", \"not_null\": true}]"),
              "%s", json);
    cr_assert(strstr(json, "{\"name\": \"author_email\", \"type\": \"character varying(255)\", \"not_null\": true"),
              "%s", json);
    free(json);
    free(err);
}

/* ---- the generated functions on real rows ---- */

static blogdb_timestamp far_future(void)
{
    return BLOGDB_TIMESTAMP_INFINITY;
}

Test(queries, feed_pages_newest_first_with_authors)
{
    blogdb_users_row *a = make_user("a@example.com"), *b = make_user("b@example.com");
    blogdb_posts_row *posts[6];
    blogdb_feed_page_rows *page = NULL, *next = NULL;
    uuid_t nil;
    uuid_clear(nil);
    for (int i = 0; i < 6; i++) {
        char title[16];
        snprintf(title, sizeof title, "post %d", i);
        posts[i] = make_post(i % 2 ? b->id : a->id, title, i == 5 ? BLOGDB_POST_STATUS_DRAFT : BLOGDB_POST_STATUS_PUBLISHED);
    }
    /* distinct creation times, in insertion order */
    sql_exec("UPDATE posts SET created_at = '2026-01-01'::timestamp + (substr(title, 6)::int * interval '1 hour')");

    cr_assert_eq(blogdb_feed_page(db, &page, far_future(), nil, 3), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(page->count, 3);
    cr_assert_str_eq(page->items[0].title, "post 4"); /* post 5 is a draft */
    cr_assert_str_eq(page->items[1].title, "post 3");
    cr_assert_str_eq(page->items[2].title, "post 2");
    cr_assert_str_eq(page->items[0].author_email, "a@example.com");
    cr_assert_str_eq(page->items[1].author_email, "b@example.com");
    cr_assert_eq(blogdb_feed_page(db, &next, page->items[2].created_at, page->items[2].id, 3), 0, "%s",
                 blogdb_errmsg(db));
    cr_assert_eq(next->count, 2);
    cr_assert_str_eq(next->items[0].title, "post 1");
    cr_assert_str_eq(next->items[1].title, "post 0");
    blogdb_feed_page_rows_free(page);
    blogdb_feed_page_rows_free(next);

    /* a NULL uuid argument is refused, and nothing is handed out */
    page = (blogdb_feed_page_rows *)1;
    cr_assert_eq(blogdb_feed_page(db, &page, far_future(), NULL, 3), BLOGDB_EINVAL);
    cr_assert_null(page);
    for (int i = 0; i < 6; i++)
        blogdb_posts_row_free(posts[i]);
    blogdb_users_row_free(a);
    blogdb_users_row_free(b);
}

static int count_rows(const blogdb_posts_row *row, void *ctx)
{
    (void)row;
    (*(int *)ctx)++;
    return 0;
}

Test(queries, my_posts_reuse_the_table_row_and_stream)
{
    blogdb_users_row *a = make_user("me@example.com");
    blogdb_posts_rows *mine = NULL;
    blogdb_count_my_posts_by_status_rows *counts = NULL;
    uuid_t nil;
    int streamed = 0;
    uuid_clear(nil);
    blogdb_posts_row_free(make_post(a->id, "one", BLOGDB_POST_STATUS_DRAFT));
    blogdb_posts_row_free(make_post(a->id, "two", BLOGDB_POST_STATUS_DRAFT));
    blogdb_posts_row_free(make_post(a->id, "three", BLOGDB_POST_STATUS_PUBLISHED));

    /* drafts are visible to their author only (row-level security): act as the author */
    cr_assert_eq(blogdb_set_acting_user(db, a->id), 0, "%s", blogdb_errmsg(db));
    /* SELECT * FROM posts: the result is blogdb_posts_rows itself */
    cr_assert_eq(blogdb_my_posts(db, &mine, a->id, far_future(), nil, 10), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(mine->count, 3);
    cr_assert_eq(uuid_compare(mine->items[0].user_id, a->id), 0);
    blogdb_posts_rows_free(mine);
    cr_assert_eq(blogdb_my_posts_each(db, a->id, far_future(), nil, 10, count_rows, &streamed), 0, "%s",
                 blogdb_errmsg(db));
    cr_assert_eq(streamed, 3);

    cr_assert_eq(blogdb_count_my_posts_by_status(db, &counts, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(counts->count, 2);
    cr_assert_eq(counts->items[0].status, BLOGDB_POST_STATUS_DRAFT);
    cr_assert_eq(counts->items[0].posts, 2);
    cr_assert_eq(counts->items[1].status, BLOGDB_POST_STATUS_PUBLISHED);
    cr_assert_eq(counts->items[1].posts, 1);
    blogdb_count_my_posts_by_status_rows_free(counts);
    blogdb_users_row_free(a);
}

Test(queries, one_execrows_exec_and_writes)
{
    blogdb_users_row *a = make_user("w@example.com");
    blogdb_posts_row *draft = NULL, *renamed = NULL;
    blogdb_post_with_author_row *pw = NULL;
    blogdb_search_published_titles_rows *found = NULL;
    int64_t n = -1;

    cr_assert_eq(blogdb_begin_as(db, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_create_draft(db, &draft, a->id, "Hello World", "body"), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_commit(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(draft->status, BLOGDB_POST_STATUS_DRAFT);

    cr_assert_eq(blogdb_begin_as(db, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_publish_post(db, &n, draft->id, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(n, 1);
    cr_assert_eq(blogdb_publish_post(db, &n, draft->id, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(n, 0, "already published: no row");
    cr_assert_eq(blogdb_rename_post(db, &renamed, "Hello Again", draft->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_commit(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(renamed->title, "Hello Again");

    cr_assert_eq(blogdb_post_with_author(db, &pw, draft->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(pw->author_email, "w@example.com");
    cr_assert_eq(pw->status, BLOGDB_POST_STATUS_PUBLISHED);
    blogdb_post_with_author_row_free(pw);
    pw = (blogdb_post_with_author_row *)1;
    cr_assert_eq(blogdb_post_with_author(db, &pw, a->id), BLOGDB_ENOTFOUND);
    cr_assert_null(pw);

    cr_assert_eq(blogdb_search_published_titles(db, &found, "again", 10), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(found->count, 1);
    blogdb_search_published_titles_rows_free(found);
    cr_assert_eq(blogdb_search_published_titles(db, &found, "nothing", 10), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(found->count, 0);
    blogdb_search_published_titles_rows_free(found);
    /* a string the server would refuse never leaves: invalid UTF-8 */
    cr_assert_eq(blogdb_search_published_titles(db, &found, "\xff", 10), BLOGDB_EINVAL);
    cr_assert_null(found);

    cr_assert_eq(blogdb_touch_user(db, a->id), 0, "%s", blogdb_errmsg(db));
    blogdb_posts_row_free(draft);
    blogdb_posts_row_free(renamed);
    blogdb_users_row_free(a);
}

/* A user with three posts of the given titles and statuses (free each with its _free). */
static blogdb_users_row *author_of_three(const char *email, const char *const titles[3],
                                         const blogdb_post_status statuses[3], blogdb_posts_row *posts[3])
{
    blogdb_users_row *a = make_user(email);
    for (int i = 0; i < 3; i++)
        posts[i] = make_post(a->id, titles[i], statuses[i]);
    return a;
}

Test(queries, slices_and_nullable_parameters)
{
    blogdb_posts_row *p[3];
    blogdb_users_row *a = author_of_three(
        "s@example.com", (const char *const[]){"p1", "p2", "p3"},
        (const blogdb_post_status[]){BLOGDB_POST_STATUS_DRAFT, BLOGDB_POST_STATUS_ARCHIVED, BLOGDB_POST_STATUS_PUBLISHED},
        p);
    blogdb_posts_row *p1 = p[0], *p2 = p[1], *p3 = p[2];
    blogdb_post_status wanted[] = {BLOGDB_POST_STATUS_DRAFT, BLOGDB_POST_STATUS_ARCHIVED};
    blogdb_posts_by_statuses_params params = {.statuses = {wanted, 2}};
    blogdb_posts_by_statuses_rows *rows = NULL;
    blogdb_posts_by_ids_rows *byid = NULL;
    uuid_t ids[2];

    cr_assert_eq(blogdb_set_acting_user(db, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_posts_by_statuses(db, &rows, &params), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(rows->count, 2, "draft and archived, since is NULL");
    blogdb_posts_by_statuses_rows_free(rows);
    params.has_since = true;
    params.since = BLOGDB_TIMESTAMP_INFINITY;
    cr_assert_eq(blogdb_posts_by_statuses(db, &rows, &params), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(rows->count, 0);
    blogdb_posts_by_statuses_rows_free(rows);

    uuid_copy(ids[0], p1->id);
    uuid_copy(ids[1], p3->id);
    cr_assert_eq(blogdb_posts_by_ids(db, &byid, (blogdb_uuid_array){ids, 2}), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(byid->count, 2);
    blogdb_posts_by_ids_rows_free(byid);
    blogdb_posts_row_free(p1);
    blogdb_posts_row_free(p2);
    blogdb_posts_row_free(p3);
    blogdb_users_row_free(a);
}

/* Parameters passed to functions take the type PostgreSQL's overload resolution gives that
 * argument; --verify has the server check every one. */
Test(queries, function_arguments_type_their_parameters)
{
    char *dir = make_tmpdir(), path[512], cmd[4096], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s/f.sql", dir);
    write_all(path,
              "-- name: A :many\nSELECT id FROM users WHERE lower(email) = lower(@email);\n"
              "-- name: B :many\nSELECT id FROM posts WHERE created_at > now() - make_interval(days => @days);\n"
              "-- name: C :many\nSELECT id FROM posts WHERE substr(title, 1, @k) = @prefix;\n"
              "-- name: D :many\nSELECT id FROM posts WHERE created_at < to_timestamp(@epoch)::timestamp;\n"
              "-- name: E :many\nSELECT id FROM posts WHERE left(title, @n) = btrim(@t, @chars);\n"
              "-- name: F :many\nSELECT lpad(title, @width, @fill) AS padded FROM posts;\n"
              "-- name: G :many\nSELECT id FROM posts WHERE to_char(created_at, @fmt) = split_part(@s, @sep, @field);\n"
              "-- name: H :many\nSELECT make_interval(0, 0, 0, @d2) AS i, concat_ws(@glue, title, content) AS j FROM posts;\n"
              "-- name: I :many\nSELECT id FROM posts WHERE created_at > to_date(@day, @format)\n"
              "  AND length(@word) < 10 AND array_length(@ids::uuid[], @dim) > 0;\n"
              /* a function the table does not know types by the cast the error suggests (the same works
               * for one the server knows, an extension's) */
              "-- name: J :many\nSELECT app_user_id()::uuid AS me, coalesce(app_user_id()::uuid, @who) AS who;\n"
              /* the schema's own function: its RETURNS types it */
              "-- name: K :many\nSELECT id FROM posts WHERE user_id = app_user_id() OR user_id = coalesce(app_user_id(), @u);\n");
    snprintf(cmd, sizeof cmd, "'%s' --verify '%s' --out-dir '%s' --queries '%s' '%s/schema.sql'", BLOGDB_GEN, test_dsn(),
             dir, path, BLOGDB_SOURCE_DIR);
    cr_assert_eq(run_cmd(cmd, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "the server agrees on every parameter and column type of 11 queries"), "%s", out);
    free(out);
    free(err);
    /* Where the overloads leave it open, PostgreSQL needs a cast, and so does blogdb-gen */
    write_all(path, "-- name: Uncast :one\nSELECT similarity('a', 'b') AS s;\n");
    snprintf(cmd, sizeof cmd, "'%s' --out-dir '%s' --queries '%s' '%s/schema.sql'", BLOGDB_GEN, dir, path,
             BLOGDB_SOURCE_DIR);
    cr_assert_eq(run_cmd(cmd, &out, &err), 1);
    cr_assert(strstr(err, "f.sql:2:8: error: cannot infer the type of function \"similarity\" in a query; add a cast "
                          "(expr::type)"),
              "%s", err);
    free(out);
    free(err);
    write_all(path, "-- name: Open :many\nSELECT to_char(@x, 'YYYY') AS y;\n");
    snprintf(cmd, sizeof cmd, "'%s' --out-dir '%s' --queries '%s' '%s/schema.sql'", BLOGDB_GEN, dir, path,
             BLOGDB_SOURCE_DIR);
    cr_assert_eq(run_cmd(cmd, &out, &err), 1);
    cr_assert(strstr(err, "f.sql:2:16: error: could not determine the data type of parameter $1; add a cast ($1::type)"),
              "%s", err);
    free(out);
    free(err);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

/* Query functions queue on a pipeline like the generated CRUD: their outputs are filled by
 * blogdb_pipeline_end(), their parameters taken when queued. */
Test(queries, query_functions_queue_on_a_pipeline)
{
    blogdb_users_row *a = make_user("pl@example.com");
    blogdb_posts_row *d[3] = {NULL, NULL, NULL};
    blogdb_count_my_posts_by_status_rows *counts = NULL;
    int64_t published = -1;
    char title[3][16];
    cr_assert_eq(blogdb_set_acting_user(db, a->id), 0);
    cr_assert_eq(blogdb_pipeline_begin(db, BLOGDB_PIPELINE_ATOMIC), 0, "%s", blogdb_errmsg(db));
    for (int i = 0; i < 3; i++) {
        snprintf(title[i], sizeof title[i], "queued %d", i);
        cr_assert_eq(blogdb_create_draft(db, &d[i], a->id, title[i], "body"), 0, "%s", blogdb_errmsg(db));
    }
    memset(title, 'x', sizeof title); /* the values were taken when queued */
    cr_assert_eq(blogdb_count_my_posts_by_status(db, &counts, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_pipeline_end(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_pipeline_count(db), 4);
    for (int i = 0; i < 3; i++) {
        char want[16];
        snprintf(want, sizeof want, "queued %d", i);
        cr_assert_not_null(d[i]);
        cr_assert_str_eq(d[i]->title, want);
    }
    cr_assert_not_null(counts);
    cr_assert_eq(counts->count, 1);
    cr_assert_eq(counts->items[0].status, BLOGDB_POST_STATUS_DRAFT);
    cr_assert_eq(counts->items[0].posts, 3, "the queued inserts ran first, in order");
    /* :execrows too */
    cr_assert_eq(blogdb_pipeline_begin(db, 0), 0);
    cr_assert_eq(blogdb_publish_post(db, &published, d[1]->id, a->id), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_pipeline_end(db), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(published, 1);
    for (int i = 0; i < 3; i++)
        blogdb_posts_row_free(d[i]);
    blogdb_count_my_posts_by_status_rows_free(counts);
    blogdb_users_row_free(a);
}

/* ---- sqlc.embed: a nested row struct ---- */

Test(queries, embed_nests_the_tables_row)
{
    blogdb_posts_row *p[3];
    blogdb_users_row *a = author_of_three(
        "e@example.com", (const char *const[]){"first", "second", "draft"},
        (const blogdb_post_status[]){BLOGDB_POST_STATUS_PUBLISHED, BLOGDB_POST_STATUS_PUBLISHED, BLOGDB_POST_STATUS_DRAFT},
        p);
    blogdb_posts_row *p1 = p[0], *p2 = p[1], *d = p[2];
    blogdb_feed_posts_rows *rows = NULL;
    cr_assert_eq(blogdb_feed_posts(db, &rows, 10), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(rows->count, 2, "published posts only");
    for (size_t i = 0; i < 2; i++) {
        const blogdb_feed_posts_row *r = &rows->items[i];
        const blogdb_posts_row *want = p1->created_at > p2->created_at || (p1->created_at == p2->created_at &&
                                                                           memcmp(p1->id, p2->id, 16) > 0)
                                           ? (i == 0 ? p1 : p2)
                                           : (i == 0 ? p2 : p1);
        cr_assert_eq(memcmp(r->p.id, want->id, 16), 0, "row %zu: newest first", i);
        cr_assert_eq(memcmp(r->p.user_id, a->id, 16), 0);
        cr_assert_str_eq(r->p.title, want->title);
        cr_assert_str_eq(r->p.content, want->content);
        cr_assert_eq(r->p.status, BLOGDB_POST_STATUS_PUBLISHED);
        cr_assert_eq(r->p.created_at, want->created_at);
        cr_assert_eq(r->p.updated_at, want->updated_at);
        cr_assert_str_eq(r->author_email, "e@example.com");
    }
    blogdb_feed_posts_rows_free(rows);
    blogdb_posts_row_free(p1);
    blogdb_posts_row_free(p2);
    blogdb_posts_row_free(d);
    blogdb_users_row_free(a);
}

/* ---- :copyfrom: binary COPY of a params array or a producer ---- */

struct import_state {
    const uuid_t *author;
    int next, count, fail_at; /* fail_at: the producer aborts there (-1: never) */
};

static int import_next(blogdb_import_posts_params *row, void *ctx)
{
    struct import_state *st = ctx;
    static char title[32];
    if (st->next == st->fail_at)
        return BLOGDB_ECONNECTION;
    if (st->next == st->count)
        return 0;
    snprintf(title, sizeof title, "imported %d", st->next);
    memset(row, 0, sizeof *row);
    uuid_copy(row->user_id, *st->author);
    row->title = title;
    row->content = "from the archive";
    row->status = BLOGDB_POST_STATUS_PUBLISHED;
    row->created_at = 1000000LL * st->next;
    st->next++;
    return 1;
}

Test(queries, copyfrom_imports_rows_all_or_nothing)
{
    blogdb_users_row *a = make_user("c@example.com"), *b = make_user("d@example.com");
    char *too_long = repeat("x", 256);
    blogdb_import_posts_params rows[3] = {
        {.title = "one", .content = "1", .status = BLOGDB_POST_STATUS_DRAFT, .created_at = 1},
        {.title = "two", .content = "2", .status = BLOGDB_POST_STATUS_PUBLISHED, .created_at = 2},
        {.title = "three", .content = "3", .status = BLOGDB_POST_STATUS_ARCHIVED, .created_at = 3},
    };
    struct import_state st = {(const uuid_t *)&a->id, 0, 1000, -1};
    for (int i = 0; i < 3; i++)
        uuid_copy(rows[i].user_id, a->id);
    cr_assert_eq(blogdb_set_acting_user(db, a->id), 0);

    /* From an array, under row-level security (the acting user's own posts) */
    cr_assert_eq(blogdb_import_posts(db, rows, 3), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE title IN ('one', 'two', 'three') "
                         "AND status::text IN ('draft', 'published', 'archived') AND created_at < '2000-01-01'"),
                 3);
    cr_assert_eq(blogdb_import_posts(db, NULL, 0), 0, "no rows: nothing to do");

    /* A bad row: nothing of the COPY is kept, and its index is known */
    rows[1].title = too_long;
    cr_assert_eq(blogdb_import_posts(db, rows, 3), BLOGDB_ETOOLONG);
    cr_assert_eq(blogdb_failed_index(db), 1);
    rows[1].title = "two";
    uuid_copy(rows[2].user_id, b->id); /* another author's post: the policies refuse it */
    cr_assert_neq(blogdb_import_posts(db, rows, 3), 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 3, "all or nothing");

    /* From a producer: a thousand rows, then one that aborts at row 10 */
    cr_assert_eq(blogdb_import_posts_fn(db, import_next, &st), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(sql_int("SELECT count(*) FROM posts WHERE title LIKE 'imported %'"), 1000);
    st = (struct import_state){(const uuid_t *)&a->id, 0, 1000, 10};
    cr_assert_eq(blogdb_import_posts_fn(db, import_next, &st), BLOGDB_ECONNECTION);
    cr_assert_eq(blogdb_failed_index(db), 10);
    cr_assert_eq(sql_int("SELECT count(*) FROM posts"), 1003);
    cr_assert_eq(blogdb_import_posts_fn(db, NULL, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_import_posts(db, NULL, 2), BLOGDB_EINVAL);
    free(too_long);
    blogdb_users_row_free(a);
    blogdb_users_row_free(b);
}

/* ---- errors: file:line:col, exit 1, nothing written ---- */

static void expect_query_error(const char *queries, const char *message)
{
    char *dir = make_tmpdir(), path[512], cmd[2048], *out = NULL, *err = NULL;
    snprintf(path, sizeof path, "%s/q.sql", dir);
    write_all(path, queries);
    snprintf(cmd, sizeof cmd, "'%s' --out-dir '%s' --queries '%s' '%s/schema.sql'", BLOGDB_GEN, dir, path,
             BLOGDB_SOURCE_DIR);
    cr_assert_eq(run_cmd(cmd, &out, &err), 1, "%s", queries);
    cr_assert(strstr(err, message), "expected \"%s\", got: %s", message, err);
    snprintf(cmd, sizeof cmd, "%s/blogdb_schema.h", dir);
    cr_assert(access(cmd, F_OK) != 0, "nothing is written on an error");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(out);
    free(err);
    free(dir);
}

Test(queries, errors_say_where_and_write_nothing)
{
    expect_query_error("-- name: Untyped :many\nSELECT id FROM posts\nWHERE $1 IS NULL;\n",
                       "q.sql:3:7: error: could not determine the data type of parameter $1; add a cast ($1::type)");
    expect_query_error("SELECT 1;\n", "q.sql:1:1: error: a statement without a \"-- name: Name :command\" line");
    expect_query_error("-- name: NoCommand\nSELECT 1 AS one;\n", "q.sql:1:1: error: query NoCommand has no command");
    expect_query_error("-- name: Bad :all\nSELECT 1 AS one;\n", "unknown command :all");
    expect_query_error("-- name: NoTable :one\nSELECT id FROM nope WHERE id = @id;\n",
                       "q.sql:2:16: error: relation \"nope\" does not exist");
    expect_query_error("-- name: Clash :one\nSELECT id FROM posts WHERE id = @id AND title = @id;\n",
                       "inconsistent types deduced for parameter $1");
    expect_query_error("-- name: Twice :one\nSELECT 1 AS a;\n-- name: Twice :one\nSELECT 2 AS a;\n",
                       "query Twice is defined twice");
    expect_query_error("-- name: NoRows :one\nDELETE FROM posts WHERE id = @id;\n", "returns no columns");
    expect_query_error("-- name: Copy :copyfrom\nINSERT INTO posts (user_id, title) VALUES (@u, @t) RETURNING id;\n",
                       "q.sql:2:1: error: query Copy is :copyfrom, which is sent as COPY: write it INSERT INTO table "
                       "(columns) VALUES ($1, $2, ...)");
    expect_query_error("-- name: Copy :copyfrom\nINSERT INTO posts (user_id, title) VALUES (@u, upper(@t));\n",
                       "one parameter per column in order");
    expect_query_error("-- name: Copy :copyfrom\nUPDATE posts SET title = @t;\n", "it must be an INSERT");
    expect_query_error("-- name: E :many\nSELECT sqlc.embed(u) FROM posts p LEFT JOIN users u ON u.id = p.user_id;\n",
                       "q.sql:2:8: error: sqlc.embed(u): u is on the nullable side of an outer join");
    expect_query_error("-- name: E :many\nSELECT s.id FROM (SELECT sqlc.embed(p) FROM posts p) s;\n",
                       "q.sql:2:26: error: sqlc.embed(p) must stand in the query's own select list");
    expect_query_error("-- name: E :many\nWITH c AS (SELECT 1 AS one) SELECT sqlc.embed(c) FROM c;\n",
                       "sqlc.embed(c): c is not a table or view of the schema");
    expect_query_error("-- name: E :many\nSELECT sqlc.embed(p, u) FROM posts p;\n", "q.sql:2:8: error: expected sqlc.embed(name)");
    expect_query_error("-- name: UsersList :many\nSELECT id FROM users;\n",
                       "q.sql:1:1: error: table public.users and query UsersList both make the C name blogdb_users_list; "
                       "rename one of them");
    /* File-local names too: Load's COPY adapter and LoadCopy's row descriptor (it did not compile). */
    expect_query_error("-- name: Load :copyfrom\nINSERT INTO posts (user_id, title) VALUES (@u, @t);\n"
                       "-- name: LoadCopy :many\nSELECT title, length(title) AS n FROM posts;\n",
                       "q.sql:3:1: error: query Load and query LoadCopy both make the C name load_copy_row; "
                       "rename one of them");
}

/* ---- --verify: the server's describe as a second opinion ---- */

/* Runs blogdb-gen --verify conninfo on the blog's queries into a fresh directory; returns its exit
 * status with its stdout and stderr, and asserts that nothing was written unless it succeeded. */
static int run_verify(const char *conninfo, char **out, char **err)
{
    char *dir = make_tmpdir(), cmd[4096];
    int st;
    snprintf(cmd, sizeof cmd, "'%s' --verify '%s' --out-dir '%s' --queries '%s/queries' '%s/schema.sql'", BLOGDB_GEN,
             conninfo, dir, BLOGDB_SOURCE_DIR, BLOGDB_SOURCE_DIR);
    st = run_cmd(cmd, out, err);
    snprintf(cmd, sizeof cmd, "%s/blogdb_queries.h", dir);
    cr_assert_eq(access(cmd, F_OK) == 0, st == 0, "files are written exactly when --verify agrees");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
    return st;
}

Test(queries, every_query_is_typed_as_postgresql_types_it)
{
    char *out = NULL, *err = NULL;
    /* The database has the schema: the server agrees on every parameter and column type of every
     * query (as the application role). The comparison is verify.c's; the drift below shows that it
     * sees differences. */
    cr_assert_eq(run_verify(test_dsn(), &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "the server agrees on every parameter and column type of 16 queries"), "%s", out);
    free(out);
    free(err);

    /* A database that drifted from schema.sql: each difference, where the query is, and exit 1. */
    sql_exec("ALTER TABLE posts ALTER COLUMN title TYPE text");
    sql_exec("ALTER TABLE users RENAME COLUMN email TO mail");
    cr_assert_eq(run_verify(test_dsn(), &out, &err), 1);
    cr_assert(strstr(err, "posts.sql:26:1: error: query MyPosts: result column 3 (title): blogdb-gen infers "
                          "character varying(255), the server text\n"), "%s", err);
    cr_assert(strstr(err, "posts.sql:62:1: error: query RenamePost: parameter $1 (title): blogdb-gen infers "
                          "character varying, the server text\n"), "%s", err);
    cr_assert(strstr(err, "posts.sql:7:1: error: query FeedPage: the server cannot prepare it: column u.email does not "
                          "exist\n"), "%s", err);
    cr_assert(strstr(err, "users.sql:1:1: error: query UserByEmail: the server cannot prepare it: column \"email\" does "
                          "not exist\n"), "%s", err);
    cr_assert(strstr(err, "blogdb-gen: --verify: 13 differences from the server; nothing written"), "%s", err);
    free(out);
    free(err);

    /* No server there: an error, not a hang. */
    cr_assert_eq(run_verify("host=/nonexistent-blogdb connect_timeout=2", &out, &err), 1);
    cr_assert(strstr(err, "blogdb-gen: error: --verify: "), "%s", err);
    free(out);
    free(err);
}
