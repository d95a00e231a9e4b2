/**
 * @file blogdb/listen.h
 * @brief LISTEN/NOTIFY on a dedicated connection that re-subscribes after a reconnect.
 *
 * A listener owns one connection (not a pooled one: LISTEN lives in a session, so it cannot go
 * through PgBouncer's transaction pooling either; connect it to the server directly). It remembers
 * its channels; when its connection is lost it reconnects and listens again on the next
 * blogdb_listener_poll(). Notifications sent while it was disconnected are lost: PostgreSQL
 * queues them for sessions that are listening only. A listener is used by one thread at a time.
 */
#ifndef BLOGDB_LISTEN_H
#define BLOGDB_LISTEN_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A listener (opaque). */
typedef struct blogdb_listener blogdb_listener;

/** One notification; its strings are valid during the callback only. */
typedef struct blogdb_notification {
    const char *channel; /**< The channel, as NOTIFY named it. */
    const char *payload; /**< The payload ("" when none). */
    int sender_pid;      /**< The notifying backend's process id. */
} blogdb_notification;

/** Called once per notification, in the order the server sent them. */
typedef void (*blogdb_notify_fn)(const blogdb_notification *n, void *ctx);

/**
 * Opens a listener's connection.
 * @param[out] out  The listener (close with blogdb_listener_close()), NULL on failure.
 * @return 0, BLOGDB_EINVAL, BLOGDB_ENOMEM, or the connection's failure (message: blogdb_connect_error()).
 */
BLOGDB_API int blogdb_listener_open(blogdb_listener **out, const char *conninfo);

/**
 * Listens on a channel (LISTEN, the name quoted as given) from now on, and again after each reconnect.
 * @return 0, BLOGDB_EINVAL (NULL, empty, longer than 63 bytes, or invalid UTF-8 name; 64 channels at
 *         most), or the server's error.
 */
BLOGDB_API int blogdb_listener_listen(blogdb_listener *l, const char *channel);

/**
 * Waits at most timeout_ms (0: does not wait) for notifications and delivers every one that has
 * arrived to fn. A lost connection is reconnected and its channels listened to again first.
 * @return the number delivered (0 when none came in time), or BLOGDB_EINVAL, BLOGDB_ECONNECTION
 *         (the server cannot be reached; the next poll tries again), or another code.
 */
BLOGDB_API int blogdb_listener_poll(blogdb_listener *l, int timeout_ms, blogdb_notify_fn fn, void *ctx);

/** Reconnects the listener has made so far. */
BLOGDB_API long blogdb_listener_reconnects(const blogdb_listener *l);

/** The message of the listener's last failure ("" when none). */
BLOGDB_API const char *blogdb_listener_errmsg(const blogdb_listener *l);

/** Closes the listener and its connection. NULL is ignored. */
BLOGDB_API void blogdb_listener_close(blogdb_listener *l);

#ifdef __cplusplus
}
#endif

#endif /* BLOGDB_LISTEN_H */
