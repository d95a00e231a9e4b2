/* libblogdb_rt: LISTEN/NOTIFY on a dedicated connection (include/blogdb/listen.h).
 *
 * The listener owns a blogdb connection, so connecting, timeouts and errors are the runtime's.
 * Its channels are remembered; after a reconnect every one is listened to again before anything
 * is delivered. Waiting is poll() on the socket with the caller's timeout, never a blocking libpq
 * call; LISTEN itself goes through blogdb__simple (bounded by the connection's deadline). */
#include "blogdb/listen.h"

#include "internal.h"
#include "utf8.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CHANNELS 64

struct blogdb_listener {
    blogdb *db;
    char *channels[MAX_CHANNELS]; /* owned */
    int nchannels;
    long reconnects;
    bool lost; /* the connection broke: reconnect and listen again at the next poll */
};

int blogdb_listener_open(blogdb_listener **out, const char *conninfo)
{
    blogdb_listener *l;
    int rc;
    if (out)
        *out = NULL;
    if (!out || !conninfo)
        return BLOGDB_EINVAL;
    if (!(l = calloc(1, sizeof *l)))
        return BLOGDB_ENOMEM;
    if ((rc = blogdb_connect(&l->db, conninfo)) != 0) {
        free(l);
        return rc;
    }
    *out = l;
    return 0;
}

static int listen_on(blogdb_listener *l, const char *channel)
{
    char *quoted = PQescapeIdentifier(l->db->conn, channel, strlen(channel)), sql[160];
    int rc;
    if (!quoted)
        return blogdb__fail(l->db, BLOGDB_ENOMEM, "cannot quote the channel name: %s", PQerrorMessage(l->db->conn));
    snprintf(sql, sizeof sql, "LISTEN %s", quoted);
    PQfreemem(quoted);
    blogdb__call_start(l->db);
    rc = blogdb__simple(l->db, sql);
    l->lost = !blogdb__conn_alive(l->db);
    return rc;
}

static bool valid_channel(const char *c)
{
    size_t n = c ? strlen(c) : 0;
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n;) {
        size_t k = blogdb__utf8_seq((const unsigned char *)c + i, n - i);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

int blogdb_listener_listen(blogdb_listener *l, const char *channel)
{
    int rc;
    if (!l)
        return BLOGDB_EINVAL;
    blogdb__clear_error(l->db);
    if (!valid_channel(channel))
        return blogdb__fail(l->db, BLOGDB_EINVAL, "a channel name is 1 to 63 bytes of UTF-8");
    for (int i = 0; i < l->nchannels; i++)
        if (strcmp(l->channels[i], channel) == 0)
            return 0;
    if (l->nchannels == MAX_CHANNELS)
        return blogdb__fail(l->db, BLOGDB_EINVAL, "a listener listens on %d channels at most", MAX_CHANNELS);
    if (!(l->channels[l->nchannels] = strdup(channel)))
        return blogdb__fail(l->db, BLOGDB_ENOMEM, "out of memory");
    l->nchannels++;
    if (l->lost)
        return 0; /* the next poll reconnects and listens on it */
    if ((rc = listen_on(l, channel)) != 0 && !l->lost) {
        free(l->channels[--l->nchannels]); /* refused by the server: not remembered */
        return rc;
    }
    return 0;
}

/* After a loss: a new session, listening on every channel again. */
static int resubscribe(blogdb_listener *l)
{
    int rc = blogdb_reconnect(l->db);
    if (rc)
        return rc;
    l->reconnects++;
    l->lost = false;
    for (int i = 0; i < l->nchannels; i++)
        if ((rc = listen_on(l, l->channels[i])) != 0)
            return rc;
    return 0;
}

static int deliver(blogdb_listener *l, blogdb_notify_fn fn, void *ctx)
{
    PGnotify *n;
    int count = 0;
    while ((n = PQnotifies(l->db->conn)) != NULL) {
        blogdb_notification note = {n->relname, n->extra ? n->extra : "", n->be_pid};
        if (fn)
            fn(&note, ctx);
        PQfreemem(n);
        count++;
    }
    return count;
}

int blogdb_listener_poll(blogdb_listener *l, int timeout_ms, blogdb_notify_fn fn, void *ctx)
{
    int64_t until;
    int count, rc;
    if (!l)
        return BLOGDB_EINVAL;
    blogdb__clear_error(l->db);
    if (timeout_ms < 0)
        return blogdb__fail(l->db, BLOGDB_EINVAL, "a timeout cannot be negative");
    if ((l->lost || !blogdb__conn_alive(l->db)) && (rc = resubscribe(l)) != 0)
        return rc;
    until = blogdb__now_ms() + timeout_ms;
    for (;;) {
        struct pollfd pfd = {PQsocket(l->db->conn), POLLIN, 0};
        int64_t left;
        if (!PQconsumeInput(l->db->conn)) {
            l->lost = true;
            return blogdb__fail(l->db, BLOGDB_ECONNECTION, "listener: connection lost: %s (the next poll reconnects)",
                                PQerrorMessage(l->db->conn));
        }
        if ((count = deliver(l, fn, ctx)) > 0)
            return count;
        left = until - blogdb__now_ms();
        if (left <= 0)
            return 0;
        if (poll(&pfd, 1, left > 60000 ? 60000 : (int)left) < 0 && errno != EINTR)
            return blogdb__fail(l->db, BLOGDB_ECONNECTION, "listener: poll: %s", strerror(errno));
    }
}

long blogdb_listener_reconnects(const blogdb_listener *l)
{
    return l ? l->reconnects : 0;
}

const char *blogdb_listener_errmsg(const blogdb_listener *l)
{
    return l ? blogdb_errmsg(l->db) : "";
}

void blogdb_listener_close(blogdb_listener *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->nchannels; i++)
        free(l->channels[i]);
    blogdb_close(l->db);
    free(l);
}
