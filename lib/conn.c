/* libblogdb: connections, errors, the per-connection prepared statement cache. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char connect_error[512];

static const char *const error_names[] = {
    "success", "not found", "unique violation", "foreign key violation", "not-null violation",
    "check violation", "value too long", "invalid argument", "connection error",
    "serialization failure or deadlock", "timeout or canceled", "out of memory",
    "value cannot be decoded", "server error", "schema mismatch", "permission denied",
    "password does not match", "aborted by an earlier failure",
    "outcome unknown: the connection was lost before the server answered"};

const char *blogdb_strerror(int code)
{
    if (code > 0 || -code >= (int)(sizeof error_names / sizeof error_names[0]))
        return "unknown error code";
    return error_names[-code];
}

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
    if (db->stmt_timeout_ms > 0) {
        char sql[64];
        snprintf(sql, sizeof sql, "SET statement_timeout = %d", db->stmt_timeout_ms);
        if ((rc = blogdb__simple(db, sql)) != 0) {
            snprintf(msg, msgsz, "%s", db->errmsg);
            goto fail;
        }
    }
    return 0;
fail:
    PQfinish(db->conn);
    db->conn = NULL;
    return rc ? rc : BLOGDB_ECONNECTION;
}

/* Trims trailing newlines and blanks (libpq's messages end with one). */
void blogdb__trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
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
    if (db->stmts)
        memset(db->stmts, 0, db->stmts_cap * sizeof *db->stmts);
    db->nstmts = 0;
    db->pipeline = false;
    db->npl = 0;
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
    free(db->errmsg);
    free(db->rowbuf);
    free(db->pl);
    free(db->stmts);
    free(db->pvalues);
    free(db->plengths);
    free(db->pformats);
    free(db->pbytes);
    blogdb__params_release(db);
    free(db->owned);
    free(db);
}

const char *blogdb_errmsg(const blogdb *db)
{
    return db ? db->errmsg : "no connection (NULL)";
}

const char *blogdb_sqlstate(const blogdb *db)
{
    return db ? db->sqlstate : "";
}

const char *blogdb_constraint(const blogdb *db)
{
    return db ? db->constraint : "";
}

int blogdb_errcode(const blogdb *db)
{
    return db ? db->errcode : BLOGDB_EINVAL;
}

int blogdb__simple(blogdb *db, const char *sql)
{
    PGresult *res = blogdb__exec(db, sql);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : blogdb__fail_result(db, res);
    PQclear(res);
    return rc;
}

long blogdb_failed_index(const blogdb *db)
{
    return db ? db->failed_index : -1;
}

static void reset_error(blogdb *db)
{
    db->failed_index = -1;
    db->errcode = 0;
    db->sqlstate[0] = '\0';
    db->constraint[0] = '\0';
    db->errmsg[0] = '\0';
}

void blogdb__clear_error(blogdb *db)
{
    reset_error(db);
    blogdb__call_start(db);
}

static void set_message(blogdb *db, const char *msg)
{
    size_t n = strlen(msg);
    if (n + 1 > db->errmsg_cap) {
        char *p = realloc(db->errmsg, n + 1);
        if (p) {
            db->errmsg = p;
            db->errmsg_cap = n + 1;
        } else {
            n = db->errmsg_cap - 1; /* keep the buffer: a truncated message beats none */
        }
    }
    memcpy(db->errmsg, msg, n);
    db->errmsg[n] = '\0';
}

int blogdb__fail(blogdb *db, int code, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    {
        long keep = db->failed_index;
        reset_error(db);
        db->failed_index = keep; /* set by the caller before or after, as it knows the row */
    }
    db->errcode = code;
    set_message(db, buf);
    return code;
}

int blogdb__code_of_sqlstate(const char *s)
{
    static const struct {
        const char *state;
        int code;
    } map[] = {
        {"23505", BLOGDB_EUNIQUE},        {"23503", BLOGDB_EFOREIGNKEY}, {"23502", BLOGDB_ENOTNULL},
        {"23514", BLOGDB_ECHECK},         {"22001", BLOGDB_ETOOLONG},    {"22021", BLOGDB_EINVAL},
        {"22P02", BLOGDB_EINVAL},         {"22P05", BLOGDB_EINVAL},      {"22008", BLOGDB_EINVAL},
        {"22003", BLOGDB_EINVAL},         {"40001", BLOGDB_ESERIALIZATION}, {"40P01", BLOGDB_ESERIALIZATION},
        {"57014", BLOGDB_ETIMEOUT},       {"53200", BLOGDB_ENOMEM},      {"42501", BLOGDB_EPERM},
    };
    if (!s)
        return BLOGDB_ESERVER;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].state, s) == 0)
            return map[i].code;
    if (strncmp(s, "08", 2) == 0 || strncmp(s, "57P", 3) == 0)
        return BLOGDB_ECONNECTION;
    return BLOGDB_ESERVER;
}

int blogdb__fail_result(blogdb *db, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    int code;
    if (!res && db->io_code)
        return db->io_code; /* the wait layer gave up and said why */
    if (!state || PQstatus(db->conn) == CONNECTION_BAD) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", db->conn ? PQerrorMessage(db->conn) : "");
        blogdb__trim(msg);
        code = state ? blogdb__code_of_sqlstate(state) : BLOGDB_ECONNECTION;
        /* A write lost after its own answer, or without a word from the server, may have been
         * committed; a server that refused it first (FATAL in its place) did not commit it. */
        if (db->writing && (code == BLOGDB_ECONNECTION || code == BLOGDB_ESERVER) && (!state || db->answered))
            blogdb__fail(db, code = BLOGDB_EUNKNOWN,
                         "%s; the connection was lost before the server answered, so whether the write was "
                         "committed is unknown",
                         *msg ? msg : "connection to the server lost");
        else
            blogdb__fail(db, code, "%s", *msg ? msg : "connection to the server lost");
        if (state)
            snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state);
        return code;
    }
    code = blogdb__code_of_sqlstate(state);
    if (detail)
        blogdb__fail(db, code, "%s: %s", primary ? primary : "server error", detail);
    else
        blogdb__fail(db, code, "%s", primary ? primary : "server error");
    snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state);
    snprintf(db->constraint, sizeof db->constraint, "%s", constraint ? constraint : "");
    return code;
}

/* ---- prepared statements -------------------------------------------------- */

static size_t stmt_hash(const void *key, char op, uint64_t mask, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull ^ (mask + (uint64_t)op) * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

const stmt_entry *blogdb__stmt_find(const blogdb *db, const void *key, char op, uint64_t mask)
{
    if (!db->stmts_cap)
        return NULL;
    for (size_t i = stmt_hash(key, op, mask, db->stmts_cap);; i = (i + 1) & (db->stmts_cap - 1)) {
        const stmt_entry *e = &db->stmts[i];
        if (!e->key)
            return NULL;
        if (e->key == key && e->op == op && e->mask == mask)
            return e;
    }
}

static stmt_entry *stmt_slot(stmt_entry *tab, size_t cap, const void *key, char op, uint64_t mask)
{
    size_t i = stmt_hash(key, op, mask, cap);
    while (tab[i].key)
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

static stmt_entry *stmt_record(blogdb *db, const void *key, char op, uint64_t mask, const char *name);
static int stmt_grow(blogdb *db);

int blogdb__stmt_prepare(blogdb *db, const void *key, char op, uint64_t mask, const char *sql, int nparams,
                         const stmt_entry **out)
{
    PGresult *res;
    char name[23];
    int rc;
    if (db->pipeline)
        return blogdb__stmt_send_prepare(db, key, op, mask, sql, nparams, out);
    if ((rc = stmt_grow(db)) != 0)
        return rc;
    snprintf(name, sizeof name, "blogdb_%lu", ++db->next_stmt);
    res = blogdb__prepare(db, name, sql, nparams);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = blogdb__fail_result(db, res);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    *out = stmt_record(db, key, op, mask, name);
    return 0;
}

static stmt_entry *stmt_record(blogdb *db, const void *key, char op, uint64_t mask, const char *name)
{
    stmt_entry *e = stmt_slot(db->stmts, db->stmts_cap, key, op, mask);
    e->key = key;
    e->op = op;
    e->mask = mask;
    memcpy(e->name, name, sizeof e->name);
    db->nstmts++;
    return e;
}

static int stmt_grow(blogdb *db)
{
    if ((db->nstmts + 1) * 2 > db->stmts_cap) {
        size_t cap = db->stmts_cap ? db->stmts_cap * 2 : 64;
        stmt_entry *tab = calloc(cap, sizeof *tab);
        if (!tab)
            return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
        for (size_t i = 0; i < db->stmts_cap; i++)
            if (db->stmts[i].key)
                *stmt_slot(tab, cap, db->stmts[i].key, db->stmts[i].op, db->stmts[i].mask) = db->stmts[i];
        free(db->stmts);
        db->stmts = tab;
        db->stmts_cap = cap;
    }
    return 0;
}

int blogdb__stmt_send_prepare(blogdb *db, const void *key, char op, uint64_t mask, const char *sql, int nparams,
                              const stmt_entry **out)
{
    char name[23];
    int rc = stmt_grow(db);
    if (rc)
        return rc;
    snprintf(name, sizeof name, "blogdb_%lu", ++db->next_stmt);
    if ((rc = blogdb__sent(db, PQsendPrepare(db->conn, name, sql, nparams, NULL))) != 0)
        return rc;
    *out = stmt_record(db, key, op, mask, name);
    return 0;
}

void blogdb__stmt_forget(blogdb *db, const void *key, char op, uint64_t mask)
{
    const stmt_entry *e = blogdb__stmt_find(db, key, op, mask);
    /* Rebuild the table without e: open addressing cannot simply blank a slot. */
    stmt_entry *old = db->stmts;
    size_t cap = db->stmts_cap;
    stmt_entry *tab;
    if (!e)
        return;
    tab = calloc(cap, sizeof *tab);
    if (!tab)
        return;
    db->stmts = tab;
    db->nstmts = 0;
    for (size_t i = 0; i < cap; i++)
        if (old[i].key && &old[i] != e)
            stmt_record(db, old[i].key, old[i].op, old[i].mask, old[i].name);
    free(old);
}

void blogdb__params_release(blogdb *db)
{
    for (size_t i = 0; i < db->nowned; i++)
        free(db->owned[i]);
    db->nowned = 0;
}

int blogdb__params_reserve(blogdb *db, size_t n)
{
    blogdb__params_release(db);
    if (n <= db->pcap)
        return 0;
    {
        size_t cap = n < 16 ? 16 : n;
        const char **v = realloc(db->pvalues, cap * sizeof *v);
        int *l, *f;
        unsigned char(*b)[16];
        if (v)
            db->pvalues = v;
        l = v ? realloc(db->plengths, cap * sizeof *l) : NULL;
        if (l)
            db->plengths = l;
        f = l ? realloc(db->pformats, cap * sizeof *f) : NULL;
        if (f)
            db->pformats = f;
        b = f ? realloc(db->pbytes, cap * sizeof *b) : NULL;
        if (!b)
            return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
        db->pbytes = b;
        db->pcap = cap;
    }
    return 0;
}
