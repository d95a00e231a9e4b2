/* libblogdb: transactions: begin/commit/rollback, savepoints, blogdb_transact, statement timeout. */
#include "internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void blogdb__rollback_quietly(blogdb *db)
{
    if (blogdb__conn_alive(db))
        PQclear(blogdb__exec(db, "ROLLBACK"));
}

int blogdb__begin(blogdb *db, const char *extra, const char *acting)
{
    char sql[96];
    int rc;
    snprintf(sql, sizeof sql, "BEGIN %s", extra);
    if ((rc = blogdb__simple(db, sql)) != 0)
        return rc;
    if ((*acting || db->stmt_timeout_ms > 0) && (rc = blogdb__set_local(db, acting)) != 0) {
        blogdb__rollback_quietly(db);
        return rc;
    }
    return 0;
}

static int begin_with(blogdb *db, const char *acting)
{
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (db->pipeline)
        return blogdb__fail(db, BLOGDB_EINVAL, "a pipeline is open");
    if (blogdb__in_transaction(db))
        return blogdb__fail(db, BLOGDB_EINVAL, "a transaction is already open");
    return blogdb__begin(db, "", acting);
}

int blogdb_begin(blogdb *db)
{
    return begin_with(db, db ? db->acting : "");
}

int blogdb_begin_as(blogdb *db, const uuid_t user_id)
{
    char text[37];
    if (!user_id)
        return db ? blogdb__fail(db, BLOGDB_EINVAL, "blogdb_begin_as: the user is NULL") : BLOGDB_EINVAL;
    uuid_unparse_lower(user_id, text);
    return begin_with(db, text);
}

/* The connection is gone: so is any transaction that was open on it. */
static int transaction_lost(blogdb *db)
{
    return blogdb__fail(db, BLOGDB_ECONNECTION,
                        "the connection was lost: an open transaction is gone (the server rolled it back); "
                        "blogdb_reconnect() opens a new connection");
}

int blogdb_commit(blogdb *db)
{
    int code, rc;
    if (!db)
        return BLOGDB_EINVAL;
    code = db->errcode;
    blogdb__clear_error(db);
    if (!blogdb__conn_alive(db))
        return transaction_lost(db);
    if (!blogdb__in_transaction(db))
        return blogdb__fail(db, BLOGDB_EINVAL, "no transaction is open");
    if (PQtransactionStatus(db->conn) == PQTRANS_INERROR) {
        /* Keep the code of the error that failed the transaction; COMMIT would only say ROLLBACK. */
        blogdb__rollback_quietly(db);
        return code ? blogdb__fail(db, code, "the transaction had failed and was rolled back")
                    : blogdb__fail(db, BLOGDB_ESERVER, "the transaction had failed and was rolled back");
    }
    db->writing = true; /* a COMMIT lost in flight may or may not have been applied */
    rc = blogdb__simple(db, "COMMIT");
    db->writing = false;
    if (rc == BLOGDB_ECONNECTION) { /* the server said so before COMMIT ran: nothing committed */
        char msg[512];
        snprintf(msg, sizeof msg, "%s", db->errmsg);
        return blogdb__fail(db, rc, "COMMIT: the connection was lost and the transaction with it (not committed): %s",
                            msg);
    }
    return rc;
}

int blogdb_rollback(blogdb *db)
{
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (!blogdb__conn_alive(db))
        return transaction_lost(db);
    if (!blogdb__in_transaction(db))
        return blogdb__fail(db, BLOGDB_EINVAL, "no transaction is open");
    return blogdb__simple(db, "ROLLBACK");
}

/* ---- savepoints, retried transactions, timeouts, cancel ----------------------------- */

static bool valid_name(const char *s)
{
    if (!s || !*s || strlen(s) > 63 || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static int savepoint_cmd(blogdb *db, const char *verb, const char *name)
{
    char sql[96];
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (!valid_name(name))
        return blogdb__fail(db, BLOGDB_EINVAL, "savepoint names match [A-Za-z_][A-Za-z0-9_]{0,62}");
    if (!blogdb__in_transaction(db))
        return blogdb__fail(db, BLOGDB_EINVAL, "no transaction is open");
    snprintf(sql, sizeof sql, "%s %s", verb, name);
    return blogdb__simple(db, sql);
}

int blogdb_savepoint(blogdb *db, const char *name)
{
    return savepoint_cmd(db, "SAVEPOINT", name);
}

int blogdb_rollback_to(blogdb *db, const char *name)
{
    return savepoint_cmd(db, "ROLLBACK TO SAVEPOINT", name);
}

int blogdb_release(blogdb *db, const char *name)
{
    return savepoint_cmd(db, "RELEASE SAVEPOINT", name);
}

int blogdb_attempts(const blogdb *db)
{
    return db ? db->attempts : 0;
}

static void sleep_ms(double ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
    nanosleep(&ts, NULL);
}

int blogdb_transact(blogdb *db, const blogdb_tx_options *opts, blogdb_tx_fn fn, void *ctx)
{
    static const char *const levels[] = {"ISOLATION LEVEL READ COMMITTED", "ISOLATION LEVEL REPEATABLE READ",
                                         "ISOLATION LEVEL SERIALIZABLE"};
    blogdb_tx_options o = {1, BLOGDB_READ_COMMITTED, false, 5, 10};
    unsigned seed;
    char extra[80];
    int rc = 0;
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    db->attempts = 0;
    if (!fn)
        return blogdb__fail(db, BLOGDB_EINVAL, "blogdb_transact: fn is NULL");
    if (opts) {
        if (opts->version != 1 || (int)opts->isolation < 0 || opts->isolation > BLOGDB_SERIALIZABLE ||
            opts->max_attempts < 0 || opts->backoff_ms < 0)
            return blogdb__fail(db, BLOGDB_EINVAL, "blogdb_transact: bad options");
        o = *opts;
        if (!o.max_attempts)
            o.max_attempts = 5;
        if (!o.backoff_ms)
            o.backoff_ms = 10;
    }
    if (db->pipeline || blogdb__in_transaction(db))
        return blogdb__fail(db, BLOGDB_EINVAL, "blogdb_transact: a transaction or pipeline is already open");
    seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)db;
    snprintf(extra, sizeof extra, "%s%s", levels[o.isolation], o.read_only ? " READ ONLY" : "");
    for (int attempt = 1; attempt <= o.max_attempts; attempt++) {
        db->attempts = attempt;
        if ((rc = blogdb__begin(db, extra, db->acting)) != 0)
            return rc;
        rc = fn(db, ctx);
        if (rc == 0)
            rc = blogdb_commit(db);
        else if (db->conn && blogdb__in_transaction(db))
            blogdb__rollback_quietly(db);
        if (rc != BLOGDB_ESERIALIZATION || attempt == o.max_attempts)
            break;
        /* Back off before trying again: doubling, with jitter in [0.5, 1.5) so that rivals part. */
        sleep_ms((double)o.backoff_ms * (double)(1u << (attempt - 1 < 10 ? attempt - 1 : 10)) *
                 (0.5 + (double)rand_r(&seed) / ((double)RAND_MAX + 1.0)));
    }
    return rc;
}

int blogdb_set_statement_timeout(blogdb *db, int milliseconds)
{
    int rc;
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (milliseconds < 0)
        return blogdb__fail(db, BLOGDB_EINVAL, "a timeout cannot be negative");
    /* Not SET for the session: sent with each statement or transaction (acting.c). */
    db->stmt_timeout_ms = milliseconds;
    if (blogdb__in_transaction(db) && !db->pipeline && (rc = blogdb__set_local(db, db->acting)) != 0)
        return rc;
    return 0;
}

/* Ends a transaction this module opened: COMMIT when ok, else ROLLBACK keeping the error. */
int blogdb__end_own(blogdb *db, bool own, bool writes, int rc)
{
    if (!own)
        return rc;
    if (rc == 0) {
        blogdb__deadline_renew(db);
        db->writing = writes; /* a COMMIT lost in flight may or may not have been applied */
        rc = blogdb__simple(db, "COMMIT");
        db->writing = false;
        return rc;
    }
    blogdb__rollback_quietly(db);
    return rc;
}
