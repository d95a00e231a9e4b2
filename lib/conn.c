/* libblogdb: connections: connect (with bounded defaults), reconnect, close, notices, version. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char connect_error[512];

const char *blogdb_version(void)
{
#define BLOGDB_STR2(x) #x
#define BLOGDB_STR(x) BLOGDB_STR2(x)
    return BLOGDB_STR(BLOGDB_VERSION_MAJOR) "." BLOGDB_STR(BLOGDB_VERSION_MINOR) "." BLOGDB_STR(BLOGDB_VERSION_PATCH);
}

int blogdb_version_number(void)
{
    return BLOGDB_VERSION_NUMBER;
}

const char *blogdb_connect_error(void)
{
    return connect_error;
}

static void set_connect_error(const char *msg)
{
    snprintf(connect_error, sizeof connect_error, "%s", msg ? msg : "");
    blogdb__trim(connect_error);
}

/* Notices and libpq's own warnings: to the application's handler, never to stderr. */
static void notice_receiver(void *arg, const PGresult *res)
{
    blogdb *db = arg;
    const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (db->notice_fn)
        db->notice_fn(db->notice_ctx, severity ? severity : "NOTICE", primary ? primary : PQresultErrorMessage(res));
}

int blogdb_set_notice_handler(blogdb *db, blogdb_notice_fn fn, void *ctx)
{
    if (!db)
        return BLOGDB_EINVAL;
    db->notice_fn = fn;
    db->notice_ctx = ctx;
    return 0;
}

/* libpq options blogdb sets when the conninfo does not: every wait on the network is bounded. */
static const char *const default_options[][2] = {
    {"connect_timeout", "10"}, /* BLOGDB_DEFAULT_CONNECT_TIMEOUT_S */
    {"keepalives", "1"},
    {"keepalives_idle", "30"},
    {"keepalives_interval", "10"},
    {"keepalives_count", "3"},
    {"tcp_user_timeout", "30000"}, /* BLOGDB_DEFAULT_TCP_USER_TIMEOUT_MS */
};

/* Opens db->conn from db->conninfo, with the defaults above, and sets the session up. On failure
 * db->conn is NULL and msg says why. */
static int open_conn(blogdb *db, char *msg, size_t msgsz)
{
    enum { NDEF = sizeof default_options / sizeof default_options[0] };
    PQconninfoOption *opts, *o;
    const char **keys, **vals;
    char *err = NULL;
    size_t n = 0, cap = NDEF + 2;
    PGresult *res;
    int rc = BLOGDB_ECONNECTION;

    opts = PQconninfoParse(db->conninfo, &err);
    if (!opts) {
        snprintf(msg, msgsz, "%s", err ? err : "out of memory");
        PQfreemem(err);
        return err ? BLOGDB_ECONNECTION : BLOGDB_ENOMEM;
    }
    for (o = opts; o->keyword; o++)
        cap++;
    keys = calloc(cap, sizeof *keys);
    vals = calloc(cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        PQconninfoFree(opts);
        snprintf(msg, msgsz, "out of memory");
        return BLOGDB_ENOMEM;
    }
    for (o = opts; o->keyword; o++)
        if (o->val) {
            keys[n] = o->keyword;
            vals[n++] = o->val;
        }
    for (size_t d = 0; d < NDEF; d++) {
        bool set = false;
        for (size_t k = 0; k < n; k++)
            set |= strcmp(keys[k], default_options[d][0]) == 0;
        /* libpq reads PGCONNECT_TIMEOUT itself; the others have no environment variable */
        if (strcmp(default_options[d][0], "connect_timeout") == 0 && getenv("PGCONNECT_TIMEOUT"))
            set = true;
        if (!set) {
            keys[n] = default_options[d][0];
            vals[n++] = default_options[d][1];
        }
    }
    keys[n] = "client_encoding"; /* strings are UTF-8, whatever the conninfo says */
    vals[n++] = "UTF8";
    keys[n] = NULL;
    /* Blocking, but bounded: libpq applies connect_timeout to each host it tries. */
    db->conn = PQconnectdbParams(keys, vals, 0);
    free(keys);
    free(vals);
    PQconninfoFree(opts);
    if (!db->conn) {
        snprintf(msg, msgsz, "out of memory");
        return BLOGDB_ENOMEM;
    }
    PQsetNoticeReceiver(db->conn, notice_receiver, db);
    if (PQstatus(db->conn) != CONNECTION_OK || PQsetnonblocking(db->conn, 1) != 0) {
        snprintf(msg, msgsz, "%s", PQerrorMessage(db->conn));
        goto fail;
    }
    /* timestamp without time zone is read and written as UTC. */
    blogdb__call_start(db);
    res = blogdb__exec(db, "SET TimeZone TO 'UTC'");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        snprintf(msg, msgsz, "%s", res ? PQresultErrorMessage(res) : db->errmsg);
        PQclear(res);
        goto fail;
    }
    PQclear(res);
    /* TimeZone is one of the parameters PgBouncer restores per client; the statement timeout
     * and the acting user are never session settings (acting.c). */
    return 0;
fail:
    PQfinish(db->conn);
    db->conn = NULL;
    return rc ? rc : BLOGDB_ECONNECTION;
}

int blogdb_connect(blogdb **out, const char *conninfo)
{
    blogdb *db;
    char msg[512];
    int rc;
    set_connect_error("");
    if (!out || !conninfo) {
        if (out)
            *out = NULL;
        set_connect_error("blogdb_connect: NULL argument");
        return BLOGDB_EINVAL;
    }
    *out = NULL;
    db = calloc(1, sizeof *db);
    if (!db) {
        set_connect_error("out of memory");
        return BLOGDB_ENOMEM;
    }
    db->wake[0] = db->wake[1] = -1;
    db->timeout_ms = BLOGDB_DEFAULT_TIMEOUT_MS;
    db->failed_index = -1;
    atomic_init(&db->cancel_requested, false);
    db->errmsg = calloc(1, 256);
    db->errmsg_cap = 256;
    db->conninfo = strdup(conninfo);
    if (!db->errmsg || !db->conninfo || blogdb__wake_open(db) != 0) {
        blogdb_close(db);
        set_connect_error("out of memory or file descriptors");
        return BLOGDB_ENOMEM;
    }
    if ((rc = open_conn(db, msg, sizeof msg)) != 0) {
        set_connect_error(msg);
        blogdb_close(db);
        return rc;
    }
    blogdb__clear_error(db);
    *out = db;
    return 0;
}

int blogdb_reconnect(blogdb *db)
{
    char msg[512];
    int rc;
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (db->conn) {
        PQfinish(db->conn);
        db->conn = NULL;
    }
    /* Everything tied to the old session: prepared statements, a pipeline, the cursor count. */
    blogdb__stmt_clear(db, false);
    db->pipeline = false;
    db->npl = 0;
    db->refused_read_only = false;
    blogdb__params_release(db);
    if ((rc = open_conn(db, msg, sizeof msg)) != 0) {
        blogdb__trim(msg);
        return blogdb__fail(db, rc, "reconnect failed: %s", msg);
    }
    blogdb__clear_error(db);
    return 0;
}

int blogdb_set_timeout(blogdb *db, int milliseconds)
{
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (milliseconds < 0)
        return blogdb__fail(db, BLOGDB_EINVAL, "a timeout cannot be negative");
    db->timeout_ms = milliseconds;
    return 0;
}

void blogdb_close(blogdb *db)
{
    if (!db)
        return;
    blogdb__cancel_settle(db);
    PQfinish(db->conn);
    blogdb__wake_close(db);
    free(db->conninfo);
    free(db->unnamed_sql);
    free(db->errmsg);
    free(db->rowbuf);
    free(db->pl);
    blogdb__stmt_clear(db, true);
    free(db->pvalues);
    free(db->plengths);
    free(db->pformats);
    free(db->pbytes);
    blogdb__params_release(db);
    free(db->owned);
    free(db);
}

int blogdb__simple(blogdb *db, const char *sql)
{
    PGresult *res = blogdb__exec(db, sql);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : blogdb__fail_result(db, res);
    PQclear(res);
    return rc;
}
