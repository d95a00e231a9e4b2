/* libblogdb: error codes, messages and their accessors; SQLSTATE -> code. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const error_names[] = {
    "success", "not found", "unique violation", "foreign key violation", "not-null violation",
    "check violation", "value too long", "invalid argument", "connection error",
    "serialization failure or deadlock", "timeout or canceled", "out of memory",
    "value cannot be decoded", "server error", "schema mismatch", "permission denied",
    "password does not match", "aborted by an earlier failure",
    "outcome unknown: the connection was lost before the server answered",
    "read-only: the server refused the write"};

const char *blogdb_strerror(int code)
{
    if (code > 0 || -code >= (int)(sizeof error_names / sizeof error_names[0]))
        return "unknown error code";
    return error_names[-code];
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

long blogdb_failed_index(const blogdb *db)
{
    return db ? db->failed_index : -1;
}

void blogdb__reset_error(blogdb *db)
{
    db->failed_index = -1;
    db->errcode = 0;
    db->sqlstate[0] = '\0';
    db->constraint[0] = '\0';
    db->errmsg[0] = '\0';
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
        blogdb__reset_error(db);
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
        {"25006", BLOGDB_EREADONLY},
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

int blogdb__fail_lost(blogdb *db, int code, bool in_doubt, const char *msg)
{
    if (db->writing && in_doubt)
        return blogdb__fail(db, BLOGDB_EUNKNOWN,
                            "%s; the connection was lost before the server answered, so whether the write was "
                            "committed is unknown",
                            msg);
    return blogdb__fail(db, code, "%s", msg);
}

void blogdb__failure_save(const blogdb *db, blogdb__failure *f)
{
    f->code = db->errcode;
    snprintf(f->msg, sizeof f->msg, "%s", db->errmsg ? db->errmsg : "");
}

int blogdb__failure_restore(blogdb *db, const blogdb__failure *f)
{
    return blogdb__fail(db, f->code, "%s", f->msg);
}

/* The server itself is read-only, not only this transaction (BEGIN READ ONLY): a standby, or a
 * primary turned read-only (default_transaction_read_only, as failover managers demote). Both
 * parameters are reported to the client by PostgreSQL 14 and later as they change. */
static bool server_read_only(const blogdb *db)
{
    const char *d = PQparameterStatus(db->conn, "default_transaction_read_only");
    const char *h = PQparameterStatus(db->conn, "in_hot_standby");
    return (d && strcmp(d, "on") == 0) || (h && strcmp(h, "on") == 0);
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
        code = blogdb__fail_lost(db, code,
                                 (code == BLOGDB_ECONNECTION || code == BLOGDB_ESERVER) && (!state || db->answered),
                                 *msg ? msg : "connection to the server lost");
        if (state)
            snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state);
        return code;
    }
    code = blogdb__code_of_sqlstate(state);
    db->refused_read_only |= code == BLOGDB_EREADONLY && server_read_only(db); /* the pool closes it at checkin */
    if (detail)
        blogdb__fail(db, code, "%s: %s", primary ? primary : "server error", detail);
    else
        blogdb__fail(db, code, "%s", primary ? primary : "server error");
    snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state);
    snprintf(db->constraint, sizeof db->constraint, "%s", constraint ? constraint : "");
    return code;
}

/* Trims trailing newlines and blanks (libpq's messages end with one). */
void blogdb__trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
}
