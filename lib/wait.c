/* libblogdb: bounded waits. Every byte the runtime sends or waits for goes through this file.
 *
 * Design note — why no call can block forever:
 *  - The connection runs in libpq's non-blocking mode. A send (PQsend*, PQputCopy*) only queues;
 *    blogdb__flush() pushes the queue out, reading whatever the server sends meanwhile (so neither
 *    side can fill its buffers and wait on the other), and blogdb__result() waits for the next
 *    result. Both wait in poll() on the socket and on a self-pipe, never in libpq.
 *  - Each public call starts a clock (blogdb__clear_error → call_start): its deadline is now +
 *    the connection's timeout (blogdb_set_timeout(), default BLOGDB_DEFAULT_TIMEOUT_MS). Streaming
 *    and COPY renew it per round trip, since their length grows with the data.
 *  - blogdb_cancel() (any thread) only sets a flag and writes a byte to the self-pipe: it cannot
 *    block. The waiting call wakes, sends the cancel request from a detached helper thread (libpq's
 *    PQcancel blocks and has no timeout), and waits at most CANCEL_GRACE_MS more for the server to
 *    give up the statement (57014, BLOGDB_ETIMEOUT, connection still usable).
 *  - When a deadline or the grace passes, the connection is closed (PQfinish on a non-blocking
 *    connection does not wait) and the call fails; blogdb_reconnect() opens a new one.
 *
 * Design note — what a failure says about commits (db->writing):
 *  BLOGDB_ETIMEOUT and BLOGDB_ECONNECTION mean this call committed nothing. When the request in
 *  flight could commit on its own — a write outside a transaction block, or COMMIT — and the
 *  connection is lost or abandoned before the answer, the call returns BLOGDB_EUNKNOWN instead:
 *  the server may or may not have committed it, and only the data can tell.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long a cancelled call waits for the server to answer the cancel request. */
#define CANCEL_GRACE_MS 5000

int64_t blogdb__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int blogdb__wake_open(blogdb *db)
{
    if (pipe(db->wake) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(db->wake[i], F_SETFL, fcntl(db->wake[i], F_GETFL) | O_NONBLOCK);
        fcntl(db->wake[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

void blogdb__wake_close(blogdb *db)
{
    if (db->wake[0] >= 0)
        close(db->wake[0]);
    if (db->wake[1] >= 0)
        close(db->wake[1]);
    db->wake[0] = db->wake[1] = -1;
}

static void wake_drain(blogdb *db)
{
    char buf[64];
    while (read(db->wake[0], buf, sizeof buf) > 0)
        ;
}

void blogdb__clear_error(blogdb *db)
{
    blogdb__reset_error(db);
    blogdb__call_start(db);
}

void blogdb__call_start(blogdb *db)
{
    blogdb__cancel_settle(db);
    /* A cancel aimed at an earlier call is void; the pipe holds a byte only after a cancel. */
    if (atomic_exchange(&db->cancel_requested, false))
        wake_drain(db);
    db->cancel_sent = false;
    db->writing = false;
    db->io_code = 0;
    blogdb__deadline_renew(db);
}

void blogdb__deadline_renew(blogdb *db)
{
    db->deadline = db->timeout_ms > 0 ? blogdb__now_ms() + db->timeout_ms : INT64_MAX;
}

bool blogdb__cancelled(blogdb *db)
{
    return atomic_load(&db->cancel_requested);
}

void blogdb__cancel_consumed(blogdb *db)
{
    atomic_store(&db->cancel_requested, false);
    db->cancel_sent = true; /* nothing more to send for this call */
    db->cancel_deadline = INT64_MAX;
}

int blogdb_cancel(blogdb *db)
{
    if (!db)
        return BLOGDB_EINVAL;
    atomic_store(&db->cancel_requested, true);
    /* A full pipe already holds a wake-up: nothing to add. */
    if (write(db->wake[1], "c", 1) < 0 && errno != EAGAIN)
        return BLOGDB_ECONNECTION;
    return 0;
}

/* One cancel request on its way, shared by the helper thread that sends it and the handle. */
struct cancel_job {
    PGcancel *cancel;
    atomic_bool done; /* the server has the request (or it failed) */
    atomic_int refs;  /* the helper thread and the handle */
    int64_t until;    /* how long the handle waits for it at most */
};

static void job_release(struct cancel_job *job)
{
    if (job && atomic_fetch_sub(&job->refs, 1) == 1) {
        PQfreeCancel(job->cancel);
        free(job);
    }
}

static void *cancel_thread(void *arg)
{
    struct cancel_job *job = arg;
    char err[256];
    PQcancel(job->cancel, err, sizeof err);
    atomic_store(&job->done, true);
    job_release(job);
    return NULL;
}

/* Sends the cancel request without waiting for it (libpq's PQcancel blocks, without a timeout). */
static void send_cancel(blogdb *db)
{
    struct cancel_job *job;
    pthread_attr_t attr;
    pthread_t t;
    db->cancel_sent = true;
    db->cancel_deadline = blogdb__now_ms() + CANCEL_GRACE_MS;
    blogdb__cancel_settle(db);
    if (!(job = calloc(1, sizeof *job)) || !(job->cancel = PQgetCancel(db->conn))) {
        free(job);
        return;
    }
    atomic_init(&job->done, false);
    atomic_init(&job->refs, 2);
    job->until = db->cancel_deadline;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, cancel_thread, job) != 0) {
        atomic_store(&job->refs, 1);
        job_release(job);
        job = NULL;
    }
    pthread_attr_destroy(&attr);
    db->cancel_job = job;
}

void blogdb__cancel_settle(blogdb *db)
{
    /* A cancel request still on its way could stop the next statement instead of the one it was
     * meant for (the server ignores one that finds the session idle): let it arrive first, within
     * its grace. */
    struct cancel_job *job = db->cancel_job;
    if (!job)
        return;
    while (!atomic_load(&job->done) && blogdb__now_ms() < job->until) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    db->cancel_job = NULL;
    job_release(job);
}

int blogdb__lost(blogdb *db, int code, const char *fmt, const char *why)
{
    char msg[768];
    snprintf(msg, sizeof msg, fmt, why);
    /* Abandon the socket: whatever arrives later must not be read as the answer to a new call. */
    if (db->conn) {
        PQfinish(db->conn);
        db->conn = NULL;
    }
    return db->io_code = blogdb__fail_lost(db, code, true, msg);
}

bool blogdb__in_transaction(const blogdb *db)
{
    PGTransactionStatusType t = PQtransactionStatus(db->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

bool blogdb__conn_alive(const blogdb *db)
{
    return db->conn && PQstatus(db->conn) == CONNECTION_OK;
}

int blogdb__check_conn(blogdb *db)
{
    if (!db->conn)
        return blogdb__fail(db, BLOGDB_ECONNECTION,
                            "the connection was closed after a timeout or failure: blogdb_reconnect() opens a new one");
    if (PQstatus(db->conn) != CONNECTION_OK)
        return blogdb__fail(db, BLOGDB_ECONNECTION, "the connection is broken: %s", PQerrorMessage(db->conn));
    return 0;
}

/* One wait for the socket (readable, or writable too when want_write) or a wake-up. 0 to go on;
 * an error code (recorded, connection closed) when the deadline or the cancel grace has passed. */
static int wait_socket(blogdb *db, bool want_write)
{
    struct pollfd fds[2];
    int64_t now, until;
    int n;
    for (;;) {
        if (blogdb__cancelled(db) && !db->cancel_sent)
            send_cancel(db);
        now = blogdb__now_ms();
        until = db->deadline;
        if (db->cancel_sent && db->cancel_deadline < until)
            until = db->cancel_deadline;
        if (now >= until) {
            char why[96];
            if (db->cancel_sent && until == db->cancel_deadline) {
                snprintf(why, sizeof why, "canceled, and the server did not answer the cancel request within %d ms",
                         CANCEL_GRACE_MS);
                return blogdb__lost(db, BLOGDB_ETIMEOUT, "%s: connection closed", why);
            }
            snprintf(why, sizeof why, "no answer from the server within the call's timeout of %d ms", db->timeout_ms);
            return blogdb__lost(db, BLOGDB_ETIMEOUT, "%s: connection closed (blogdb_reconnect() opens a new one)",
                                why);
        }
        fds[0].fd = PQsocket(db->conn);
        fds[0].events = (short)(POLLIN | (want_write ? POLLOUT : 0));
        fds[1].fd = db->wake[0];
        fds[1].events = POLLIN;
        n = poll(fds, 2, until - now > 60000 ? 60000 : (int)(until - now));
        if (n < 0 && errno != EINTR)
            return blogdb__lost(db, BLOGDB_ECONNECTION, "poll failed: %s", strerror(errno));
        if (n > 0 && (fds[1].revents & POLLIN)) {
            wake_drain(db);
            if (blogdb__cancelled(db) && !db->cancel_sent)
                send_cancel(db);
        }
        if (n > 0 && fds[0].revents)
            return 0;
    }
}

int blogdb__flush(blogdb *db)
{
    int r;
    if (!db->conn)
        return blogdb__check_conn(db);
    while ((r = PQflush(db->conn)) == 1) {
        int rc = wait_socket(db, true);
        if (rc)
            return rc;
        PQconsumeInput(db->conn);
    }
    /* A connection libpq saw break keeps what it had read: the results tell what the server said
     * (a FATAL before our request means it never ran). Only abandon one libpq still trusts. */
    if (r < 0 && PQstatus(db->conn) != CONNECTION_BAD)
        return blogdb__lost(db, BLOGDB_ECONNECTION, "could not send to the server: %s", PQerrorMessage(db->conn));
    return 0;
}

int blogdb__next_result(blogdb *db, bool block, PGresult **out)
{
    int rc;
    *out = NULL;
    if (!db->conn)
        return blogdb__check_conn(db);
    if (PQstatus(db->conn) == CONNECTION_BAD) { /* drain what libpq had read before the break */
        *out = PQgetResult(db->conn);
        return 0;
    }
    if (block && (rc = blogdb__flush(db)) != 0)
        return rc;
    /* PQisBusy parses what is buffered before PQconsumeInput reads more: a read that meets the end
     * of the stream while a result is incomplete makes libpq give up on the results still queued,
     * so in this order every complete message the server sent is handed out, its FATAL included. */
    while (PQisBusy(db->conn)) {
        if (!block) {
            PQconsumeInput(db->conn);
            if (PQisBusy(db->conn))
                return 1;
            break;
        }
        if ((rc = wait_socket(db, false)) != 0)
            return rc;
        if (!PQconsumeInput(db->conn))
            break; /* the connection broke: libpq hands out the error as a result */
    }
    *out = PQgetResult(db->conn);
    return 0;
}

int blogdb__result(blogdb *db, PGresult **out)
{
    return blogdb__next_result(db, true, out);
}

int blogdb__sent(blogdb *db, int ok)
{
    if (!ok)
        return blogdb__fail(db, BLOGDB_ECONNECTION, "could not send to the server: %s",
                            db->conn ? PQerrorMessage(db->conn) : "no connection");
    return blogdb__flush(db);
}

PGresult *blogdb__collect(blogdb *db)
{
    PGresult *keep = NULL, *r;
    db->answered = false;
    for (;;) {
        ExecStatusType st;
        if (blogdb__result(db, &r) != 0) {
            PQclear(keep);
            return NULL;
        }
        if (!r)
            break;
        st = PQresultStatus(r);
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT) {
            PQclear(keep);
            return r;
        }
        /* a loss after this leaves a write's commit in doubt (blogdb__fail_result) */
        db->answered |= st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
        /* as PQexec: the first error wins, else the last result */
        if (keep && PQresultStatus(keep) == PGRES_FATAL_ERROR) {
            PQclear(r);
        } else {
            PQclear(keep);
            keep = r;
        }
    }
    if (!keep)
        blogdb__fail(db, BLOGDB_ECONNECTION, "no result from the server: %s",
                     db->conn ? PQerrorMessage(db->conn) : "no connection");
    return keep;
}

/* The results of what a PQsend* (its return value: ok) queued. */
static PGresult *sent_collect(blogdb *db, int ok)
{
    return blogdb__sent(db, ok) != 0 ? NULL : blogdb__collect(db);
}

PGresult *blogdb__exec(blogdb *db, const char *sql)
{
    return blogdb__check_conn(db) != 0 ? NULL : sent_collect(db, PQsendQuery(db->conn, sql));
}

PGresult *blogdb__exec_params(blogdb *db, const char *sql, int n, const char *const *values, const int *lengths,
                              const int *formats, int result_format)
{
    return blogdb__check_conn(db) != 0
               ? NULL
               : sent_collect(db, PQsendQueryParams(db->conn, sql, n, NULL, values, lengths, formats, result_format));
}

PGresult *blogdb__prepare(blogdb *db, const char *name, const char *sql, int n)
{
    return blogdb__check_conn(db) != 0 ? NULL : sent_collect(db, PQsendPrepare(db->conn, name, sql, n, NULL));
}

/* PQputCopyData (buf, len) or, when end, PQputCopyEnd (errmsg): retried while libpq's queue is
 * full, pushing data out in between. */
static int put_copy(blogdb *db, const char *buf, int len, bool end, const char *errmsg)
{
    int r, rc;
    while ((r = end ? PQputCopyEnd(db->conn, errmsg) : PQputCopyData(db->conn, buf, len)) == 0) {
        if ((rc = wait_socket(db, true)) != 0)
            return rc;
        PQconsumeInput(db->conn);
        if (PQflush(db->conn) < 0)
            break;
    }
    if (r < 0)
        return blogdb__fail(db, BLOGDB_ECONNECTION, "COPY: could not send to the server: %s",
                            PQerrorMessage(db->conn));
    return blogdb__flush(db);
}

int blogdb__put_copy(blogdb *db, const char *buf, int len)
{
    return put_copy(db, buf, len, false, NULL);
}

int blogdb__put_copy_end(blogdb *db, const char *errmsg)
{
    return put_copy(db, NULL, 0, true, errmsg);
}
