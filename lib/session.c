/* libblogdb: the acting user (app.user_id, always transaction-local), transactions, passwords. */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char set_acting_sql[] = "SELECT set_config('app.user_id', $1, true)";

/* set_config('app.user_id', value, true) now: for the open transaction only. */
static int set_local(blogdb *db, const char *value)
{
    PGresult *res = PQexecParams(db->conn, set_acting_sql, 1, NULL, &value, NULL, NULL, 0);
    int rc = PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : blogdb__fail_result(db, res);
    PQclear(res);
    return rc;
}

static bool in_transaction(const blogdb *db)
{
    PGTransactionStatusType t = PQtransactionStatus(db->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
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
    return in_transaction(db) ? set_local(db, db->acting) : 0;
}

int blogdb_clear_acting_user(blogdb *db)
{
    return blogdb_set_acting_user(db, NULL);
}

static int simple(blogdb *db, const char *sql)
{
    PGresult *res = PQexec(db->conn, sql);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : blogdb__fail_result(db, res);
    PQclear(res);
    return rc;
}

static int begin_with(blogdb *db, const char *acting)
{
    int rc;
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (in_transaction(db))
        return blogdb__fail(db, BLOGDB_EINVAL, "a transaction is already open");
    if ((rc = simple(db, "BEGIN")) != 0)
        return rc;
    if (*acting && (rc = set_local(db, acting)) != 0) {
        PQclear(PQexec(db->conn, "ROLLBACK"));
        return rc;
    }
    return 0;
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

int blogdb_commit(blogdb *db)
{
    bool failed;
    int rc;
    if (!db)
        return BLOGDB_EINVAL;
    failed = PQtransactionStatus(db->conn) == PQTRANS_INERROR;
    if (!in_transaction(db))
        return blogdb__fail(db, BLOGDB_EINVAL, "no transaction is open");
    if (failed) {
        /* Keep the error that failed the transaction; COMMIT would only say ROLLBACK. */
        int code = db->errcode ? db->errcode : BLOGDB_ESERVER;
        PQclear(PQexec(db->conn, "ROLLBACK"));
        return db->errcode ? code : blogdb__fail(db, code, "the transaction had failed and was rolled back");
    }
    blogdb__clear_error(db);
    rc = simple(db, "COMMIT");
    return rc;
}

int blogdb_rollback(blogdb *db)
{
    if (!db)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (!in_transaction(db))
        return blogdb__fail(db, BLOGDB_EINVAL, "no transaction is open");
    return simple(db, "ROLLBACK");
}

PGresult *blogdb__exec_prepared(blogdb *db, const char *name, int nparams)
{
    const char *acting = db->acting;
    PGresult *set = NULL, *main = NULL, *r;
    int query = 0;

    if (!db->acting[0] || in_transaction(db))
        return PQexecPrepared(db->conn, name, nparams, db->pvalues, db->plengths, db->pformats, 1);
    /* One round trip: set_config(..., true) and the statement share the implicit transaction
     * that the pipeline's Sync ends, so the acting user ends with the statement. */
    if (!PQenterPipelineMode(db->conn))
        return NULL;
    if (!PQsendQueryParams(db->conn, set_acting_sql, 1, NULL, &acting, NULL, NULL, 0) ||
        !PQsendQueryPrepared(db->conn, name, nparams, db->pvalues, db->plengths, db->pformats, 1) ||
        !PQpipelineSync(db->conn)) {
        PQexitPipelineMode(db->conn);
        return NULL;
    }
    for (;;) {
        r = PQgetResult(db->conn);
        if (!r) {
            if (query++ >= 2 || PQstatus(db->conn) != CONNECTION_OK)
                break;
            continue;
        }
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (query == 0 && !set)
            set = r;
        else if (query == 1 && !main)
            main = r;
        else
            PQclear(r);
    }
    PQexitPipelineMode(db->conn);
    if (set && PQresultStatus(set) != PGRES_TUPLES_OK) {
        PQclear(main);
        return set;
    }
    PQclear(set);
    return main;
}

int blogdb_password_hash(char *out, size_t size, const char *password)
{
    if (!out || !password || size < crypto_pwhash_STRBYTES)
        return BLOGDB_EINVAL;
    if (sodium_init() < 0)
        return BLOGDB_ENOMEM;
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return BLOGDB_ENOMEM; /* libsodium's only failure here: it could not get the memory */
    return 0;
}

int blogdb_password_verify(const char *hash, const char *password)
{
    if (!hash || !password || strncmp(hash, "$argon2id$", 10) != 0 || strlen(hash) >= crypto_pwhash_STRBYTES)
        return BLOGDB_EINVAL;
    if (sodium_init() < 0)
        return BLOGDB_ENOMEM;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : BLOGDB_EMISMATCH;
}
