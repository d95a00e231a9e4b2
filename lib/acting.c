/* libblogdb: the session settings of a call -- the acting user (app.user_id) and the statement
 * timeout -- always transaction-local, and the send path that carries them with each statement.
 * Nothing is ever SET for the session: a server connection that a pooler (PgBouncer's transaction
 * mode) hands to another client next carries none of it. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* $2 NULL (no timeout of blogdb's) keeps the one in force: the server's or the role's. */
static const char set_local_sql[] =
    "SELECT set_config('app.user_id', $1, true), "
    "set_config('statement_timeout', coalesce($2, current_setting('statement_timeout')), true)";

bool blogdb__has_local_settings(const blogdb *db)
{
    return db->acting[0] || db->stmt_timeout_ms > 0;
}

/* The two parameters of set_local_sql; ms is their storage. */
static void local_values(const blogdb *db, const char *acting, const char *v[2], char ms[16])
{
    v[0] = acting;
    v[1] = NULL;
    if (db->stmt_timeout_ms > 0) {
        snprintf(ms, 16, "%d", db->stmt_timeout_ms);
        v[1] = ms;
    }
}

int blogdb__set_local(blogdb *db, const char *acting)
{
    const char *v[2];
    char ms[16];
    PGresult *res;
    int rc;
    local_values(db, acting, v, ms);
    res = blogdb__exec_params(db, set_local_sql, 2, v, NULL, NULL, 0);
    rc = PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : blogdb__fail_result(db, res);
    PQclear(res);
    return rc;
}

int blogdb__send_local(blogdb *db)
{
    const char *v[2];
    char ms[16];
    local_values(db, db->acting, v, ms);
    return PQsendQueryParams(db->conn, set_local_sql, 2, NULL, v, NULL, NULL, 0);
}

int blogdb_set_acting_user(blogdb *db, const uuid_t user_id)
{
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (user_id)
        uuid_unparse_lower(user_id, db->acting);
    else
        db->acting[0] = '\0';
    return blogdb__in_transaction(db) ? blogdb__set_local(db, db->acting) : 0;
}

int blogdb_clear_acting_user(blogdb *db)
{
    return blogdb_set_acting_user(db, NULL);
}

/* What goes after the settings in with_local(): an execution, or a Parse (prepare). */
typedef struct local_call {
    const stmt_entry *exec; /* an execution of this statement; NULL: a Parse of name, sql */
    const char *name, *sql;
    int nparams;
} local_call;

int blogdb__send_exec(blogdb *db, const stmt_entry *st, int nparams)
{
    if (st->sql)
        return PQsendQueryParams(db->conn, st->sql, nparams, NULL, db->pvalues, db->plengths, db->pformats, 1);
    return PQsendQueryPrepared(db->conn, st->name, nparams, db->pvalues, db->plengths, db->pformats, 1);
}

static int send_call(blogdb *db, const local_call *c)
{
    if (c->exec)
        return blogdb__send_exec(db, c->exec, c->nparams);
    return PQsendPrepare(db->conn, c->name, c->sql, c->nparams, NULL);
}

/* One round trip outside a transaction: set_config(..., true) and the call share the implicit
 * transaction that the pipeline's Sync ends, so the settings end with the call. The call's
 * result, or the settings' failure; NULL when the wait layer failed (recorded). */
static PGresult *with_local(blogdb *db, const local_call *c)
{
    PGresult *set = NULL, *main = NULL, *r;
    int query = 0;
    db->answered = false;
    if (!PQenterPipelineMode(db->conn)) {
        blogdb__fail(db, BLOGDB_ECONNECTION, "cannot enter pipeline mode: %s", PQerrorMessage(db->conn));
        return NULL;
    }
    if (blogdb__sent(db, blogdb__send_local(db) && send_call(db, c) && PQpipelineSync(db->conn)) != 0) {
        if (db->conn)
            PQexitPipelineMode(db->conn);
        return NULL;
    }
    for (;;) {
        if (blogdb__result(db, &r) != 0) { /* the wait layer gave up: the connection is closed */
            PQclear(set);
            PQclear(main);
            return NULL;
        }
        if (!r) {
            if (query++ >= 2 || PQstatus(db->conn) != CONNECTION_OK)
                break;
            continue;
        }
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (query == 0 && !set) {
            set = r;
        } else if (query == 1 && !main) {
            main = r;
            db->answered = PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK;
        } else if (PQresultStatus(r) == PGRES_FATAL_ERROR && main && PQresultStatus(main) != PGRES_FATAL_ERROR) {
            /* the connection broke after the call's answer, before its commit was confirmed */
            PQclear(main);
            main = r;
        } else {
            PQclear(r);
        }
    }
    if (blogdb__conn_alive(db))
        PQexitPipelineMode(db->conn);
    if (set && PQresultStatus(set) != PGRES_TUPLES_OK) {
        PQclear(main);
        return set;
    }
    PQclear(set);
    return main;
}

PGresult *blogdb__exec_prepared(blogdb *db, const stmt_entry *st, int nparams)
{
    local_call c = {st, NULL, NULL, nparams};
    if (blogdb__check_conn(db) != 0)
        return NULL;
    if (!blogdb__has_local_settings(db) || blogdb__in_transaction(db)) {
        if (blogdb__sent(db, send_call(db, &c)) != 0)
            return NULL;
        return blogdb__collect(db);
    }
    return with_local(db, &c);
}

PGresult *blogdb__prepare_local(blogdb *db, const char *name, const char *sql, int nparams)
{
    local_call c = {NULL, name, sql, nparams};
    if (!blogdb__has_local_settings(db) || blogdb__in_transaction(db))
        return blogdb__prepare(db, name, sql, nparams);
    if (blogdb__check_conn(db) != 0)
        return NULL;
    return with_local(db, &c);
}
