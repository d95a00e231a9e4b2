/* libblogdb: the acting user (app.user_id, always transaction-local), and the send path that
 * carries it with each statement. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char blogdb__set_acting_sql[] = "SELECT set_config('app.user_id', $1, true)";

/* set_config('app.user_id', value, true) now: for the open transaction only. */
int blogdb__set_acting_local(blogdb *db, const char *value)
{
    PGresult *res = blogdb__exec_params(db, blogdb__set_acting_sql, 1, &value, NULL, NULL, 0);
    int rc = PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : blogdb__fail_result(db, res);
    PQclear(res);
    return rc;
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
    return blogdb__in_transaction(db) ? blogdb__set_acting_local(db, db->acting) : 0;
}

int blogdb_clear_acting_user(blogdb *db)
{
    return blogdb_set_acting_user(db, NULL);
}

PGresult *blogdb__exec_prepared(blogdb *db, const char *name, int nparams)
{
    const char *acting = db->acting;
    PGresult *set = NULL, *main = NULL, *r;
    int query = 0;

    if (blogdb__check_conn(db) != 0)
        return NULL;
    if (!db->acting[0] || blogdb__in_transaction(db)) {
        if (blogdb__sent(db, PQsendQueryPrepared(db->conn, name, nparams, db->pvalues, db->plengths, db->pformats,
                                                 1)) != 0)
            return NULL;
        return blogdb__collect(db);
    }
    /* One round trip: set_config(..., true) and the statement share the implicit transaction
     * that the pipeline's Sync ends, so the acting user ends with the statement. */
    db->answered = false;
    if (!PQenterPipelineMode(db->conn)) {
        blogdb__fail(db, BLOGDB_ECONNECTION, "cannot enter pipeline mode: %s", PQerrorMessage(db->conn));
        return NULL;
    }
    if (blogdb__sent(db, PQsendQueryParams(db->conn, blogdb__set_acting_sql, 1, NULL, &acting, NULL, NULL, 0) &&
                             PQsendQueryPrepared(db->conn, name, nparams, db->pvalues, db->plengths,
                                                 db->pformats, 1) &&
                             PQpipelineSync(db->conn)) != 0) {
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
            /* the connection broke after the statement's answer, before its commit was confirmed */
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
