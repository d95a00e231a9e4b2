/* blogdb demo: create users and posts, publish one, list active users, and show
 * what a duplicate email looks like. Usage: blogdb-demo "host=/tmp dbname=blog" */
#include <blogdb.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(blogdb *db, const char *what, int rc)
{
    fprintf(stderr, "%s failed: %s (%s)\n", what, blogdb_strerror(rc), db ? blogdb_errmsg(db) : blogdb_connect_error());
    blogdb_close(db);
    return 1;
}

int main(int argc, char **argv)
{
    const char *dsn = argc > 1 ? argv[1] : getenv("BLOGDB_DSN");
    blogdb *db = NULL;
    blogdb_users_row *alice = NULL, *bob = NULL, *dup = NULL;
    blogdb_posts_row *draft = NULL, *post = NULL, *published = NULL;
    blogdb_active_users_rows *active = NULL;
    char when[BLOGDB_TIMESTAMP_BUFSIZE], id[37];
    int rc;

    if (!dsn) {
        fprintf(stderr, "usage: %s CONNINFO (or set BLOGDB_DSN)\n", argv[0]);
        return 2;
    }
    if ((rc = blogdb_connect(&db, dsn)) != 0)
        return fail(NULL, "connect", rc);
    printf("blogdb %s connected\n\n", blogdb_version());

    /* Insert two users: id, created_at and updated_at come from the server's defaults. Only an
     * Argon2id hash of the password ever reaches the database. */
    {
        char hash[BLOGDB_PASSWORD_HASH_SIZE];
        blogdb_users_row u = {.email = "alice@example.com", .password_hash = hash};
        if ((rc = blogdb_password_hash(hash, sizeof hash, "alice's long passphrase")) != 0 ||
            (rc = blogdb_users_insert(db, &alice, &u, 0)) != 0)
            return fail(db, "insert alice", rc);
        u.email = "bob@example.com";
        if ((rc = blogdb_password_hash(hash, sizeof hash, "bob's long passphrase")) != 0 ||
            (rc = blogdb_users_insert(db, &bob, &u, 0)) != 0)
            return fail(db, "insert bob", rc);
    }
    printf("alice's password verifies: %s; a wrong one: %s\n",
           blogdb_strerror(blogdb_password_verify(alice->password_hash, "alice's long passphrase")),
           blogdb_strerror(blogdb_password_verify(alice->password_hash, "guess")));
    uuid_unparse_lower(alice->id, id);
    blogdb_timestamp_format(alice->created_at, when, sizeof when);
    printf("created user %s  id=%s  created_at=%s\n", alice->email, id, when);
    uuid_unparse_lower(bob->id, id);
    printf("created user %s    id=%s\n\n", bob->email, id);

    /* Two posts by Alice (drafts by default), one by Bob. Row-level security lets a user write
     * only their own posts: the library acts as the author (app.user_id, per statement). */
    {
        blogdb_posts_row p = {.title = "Hello, world", .content = "My first post."};
        uuid_copy(p.user_id, alice->id);
        blogdb_set_acting_user(db, alice->id);
        if ((rc = blogdb_posts_insert(db, &post, &p, 0)) != 0)
            return fail(db, "insert post", rc);
        p.title = "Notes on keyset pagination";
        p.content = "Never use OFFSET for deep pages.";
        if ((rc = blogdb_posts_insert(db, &draft, &p, 0)) != 0)
            return fail(db, "insert post", rc);
        blogdb_posts_row_free(draft);
        draft = NULL;
        uuid_copy(p.user_id, bob->id);
        blogdb_set_acting_user(db, bob->id);
        p.title = "Bob's draft";
        p.content = "Not ready yet.";
        if ((rc = blogdb_posts_insert(db, &draft, &p, 0)) != 0)
            return fail(db, "insert post", rc);
    }
    printf("created post \"%s\" by alice, status %s\n", post->title, blogdb_post_status_to_string(post->status));
    printf("created post \"%s\", status %s\n\n", draft->title, blogdb_post_status_to_string(draft->status));

    /* Publish Alice's first post: update only the status column, acting as Alice. */
    blogdb_set_acting_user(db, alice->id);
    {
        blogdb_posts_row change = *post;
        change.status = BLOGDB_POST_STATUS_PUBLISHED;
        if ((rc = blogdb_posts_update_fields(db, &published, &change, BLOGDB_POSTS_STATUS)) != 0)
            return fail(db, "publish", rc);
    }
    printf("published \"%s\": status %s\n\n", published->title, blogdb_post_status_to_string(published->status));

    /* Bob cannot touch Alice's post. */
    blogdb_set_acting_user(db, bob->id);
    rc = blogdb_posts_delete(db, post->id);
    printf("bob deletes alice's post -> %d (%s)\n\n", rc, blogdb_strerror(rc));
    blogdb_clear_acting_user(db);

    /* The active_users view: users with at least one published post. */
    if ((rc = blogdb_active_users_list(db, &active)) != 0)
        return fail(db, "list active users", rc);
    printf("active users (%zu):\n", active->count);
    for (size_t i = 0; i < active->count; i++)
        printf("  %s\n", active->items[i].email);
    printf("\n");

    /* A query of the blog's own (queries/posts.sql, FeedPage): the public feed, newest first,
     * with each author's email, first page. */
    {
        blogdb_feed_page_rows *feed = NULL;
        uuid_t nil;
        uuid_clear(nil);
        if ((rc = blogdb_feed_page(db, &feed, BLOGDB_TIMESTAMP_INFINITY, nil, 10)) != 0)
            return fail(db, "feed", rc);
        printf("feed (%zu):\n", feed->count);
        for (size_t i = 0; i < feed->count; i++)
            printf("  \"%s\" by %s\n", feed->items[i].title, feed->items[i].author_email);
        printf("\n");
        blogdb_feed_page_rows_free(feed);
    }

    /* A second user with Alice's email: the unique index says no. */
    {
        blogdb_users_row u = {.email = "alice@example.com", .password_hash = "x"};
        rc = blogdb_users_insert(db, &dup, &u, 0);
        printf("insert duplicate alice@example.com -> %d (%s)\n", rc, blogdb_strerror(rc));
        printf("  sqlstate:   %s\n  constraint: %s\n  message:    %s\n", blogdb_sqlstate(db), blogdb_constraint(db),
               blogdb_errmsg(db));
    }

    blogdb_active_users_rows_free(active);
    blogdb_posts_row_free(published);
    blogdb_posts_row_free(post);
    blogdb_posts_row_free(draft);
    blogdb_users_row_free(alice);
    blogdb_users_row_free(bob);
    blogdb_users_row_free(dup);
    blogdb_close(db);
    return rc == BLOGDB_EUNIQUE ? 0 : 1;
}
