/* LISTEN/NOTIFY (blogdb/listen.h): delivery with payloads, a poll that times out, re-subscribing
 * after the listener's backend is terminated, bad arguments. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(listen, .init = db_setup, .fini = db_teardown);

typedef struct seen {
    char what[8][96];
    int n;
} seen;

static void collect(const blogdb_notification *note, void *ctx)
{
    seen *s = ctx;
    if (s->n < 8)
        snprintf(s->what[s->n++], sizeof s->what[0], "%s:%s", note->channel, note->payload);
}

/* Polls until `want` notifications came or 5 s passed. */
static void poll_for(blogdb_listener *l, seen *s, int want)
{
    for (int i = 0; i < 50 && s->n < want; i++) {
        int rc = blogdb_listener_poll(l, 100, collect, s);
        cr_assert_geq(rc, 0, "%d: %s", rc, blogdb_listener_errmsg(l));
    }
    cr_assert_eq(s->n, want);
}

Test(listen, notifications_arrive_with_their_payloads_on_the_channels_listened_to)
{
    blogdb_listener *l = NULL;
    seen s = {0};
    cr_assert_eq(blogdb_listener_open(&l, test_dsn()), 0, "%s", blogdb_connect_error());
    cr_assert_eq(blogdb_listener_listen(l, "posts"), 0, "%s", blogdb_listener_errmsg(l));
    cr_assert_eq(blogdb_listener_listen(l, "Mixed Case \"quoted\""), 0, "%s", blogdb_listener_errmsg(l));
    cr_assert_eq(blogdb_listener_listen(l, "posts"), 0, "twice is once");
    cr_assert_eq(blogdb_listener_poll(l, 0, collect, &s), 0, "nothing yet");
    sql_exec("SELECT pg_notify('posts', 'p1'), pg_notify('other', 'not listened'), "
             "pg_notify('Mixed Case \"quoted\"', ''), pg_notify('posts', 'p2 \xe2\x9c\x8d')");
    poll_for(l, &s, 3);
    cr_assert_str_eq(s.what[0], "posts:p1");
    cr_assert_str_eq(s.what[1], "Mixed Case \"quoted\":");
    cr_assert_str_eq(s.what[2], "posts:p2 \xe2\x9c\x8d");
    cr_assert_eq(blogdb_listener_poll(l, 50, collect, &s), 0, "nothing more within 50 ms");
    blogdb_listener_close(l);
}

Test(listen, a_listener_whose_backend_dies_reconnects_and_listens_again)
{
    blogdb_listener *l = NULL;
    seen s = {0};
    int rc;
    cr_assert_eq(blogdb_listener_open(&l, test_dsn()), 0, "%s", blogdb_connect_error());
    cr_assert_eq(blogdb_listener_listen(l, "feed"), 0, "%s", blogdb_listener_errmsg(l));
    cr_assert_eq(sql_int("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND usename = 'blog_app' AND query LIKE 'LISTEN%'"),
                 1);
    /* The poll that finds the loss reports it; the next reconnects and listens again. */
    for (int i = 0; i < 20; i++) {
        rc = blogdb_listener_poll(l, 100, collect, &s);
        if (rc == BLOGDB_ECONNECTION)
            break;
        cr_assert_eq(rc, 0, "%s", blogdb_listener_errmsg(l));
    }
    cr_assert_eq(rc, BLOGDB_ECONNECTION, "the loss is reported once");
    cr_assert_eq(blogdb_listener_poll(l, 0, collect, &s), 0, "%s", blogdb_listener_errmsg(l));
    cr_assert_eq(blogdb_listener_reconnects(l), 1);
    sql_exec("SELECT pg_notify('feed', 'after the reconnect')");
    poll_for(l, &s, 1);
    cr_assert_str_eq(s.what[0], "feed:after the reconnect");
    blogdb_listener_close(l);
}

Test(listen, bad_arguments_are_clear_errors)
{
    blogdb_listener *l = (blogdb_listener *)1;
    char long_name[80];
    memset(long_name, 'c', 64);
    long_name[64] = '\0';
    cr_assert_eq(blogdb_listener_open(&l, NULL), BLOGDB_EINVAL);
    cr_assert_null(l);
    cr_assert_eq(blogdb_listener_open(NULL, test_dsn()), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_listener_open(&l, "host=/nonexistent-dir connect_timeout=2"), BLOGDB_ECONNECTION);
    cr_assert_eq(blogdb_listener_open(&l, test_dsn()), 0);
    cr_assert_eq(blogdb_listener_listen(l, ""), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_listener_listen(l, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_listener_listen(l, long_name), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_listener_listen(l, "bad \xff utf-8"), BLOGDB_EINVAL);
    cr_assert(strstr(blogdb_listener_errmsg(l), "1 to 63 bytes"), "%s", blogdb_listener_errmsg(l));
    cr_assert_eq(blogdb_listener_poll(l, -1, collect, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_listener_poll(NULL, 0, collect, NULL), BLOGDB_EINVAL);
    cr_assert_eq(blogdb_listener_listen(NULL, "x"), BLOGDB_EINVAL);
    blogdb_listener_close(l);
    blogdb_listener_close(NULL);
}
