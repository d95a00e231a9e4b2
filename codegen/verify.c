/* blogdb-gen --verify CONNINFO: the server as a second opinion. Each query of the query files is
 * prepared (unnamed, never executed) on a live database that has the schema applied, and described;
 * every difference between blogdb-gen's typing and the server's -- number, names and types of
 * result columns, number and types of parameters, or a statement the server refuses -- is reported
 * as FILE:LINE:COL: error: ... Types are compared as format_type() spells them, parameters without
 * typmod. Nullability is not compared: the server does not describe it.
 *
 * The connection: connect_timeout 10 s unless CONNINFO says otherwise, statement_timeout 30 s,
 * search_path as the schema files last set it (public by default), so that names resolve and
 * types print as they do in the model. Nothing is written to the database. */
#include "gen.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* format_type(oid, typmod) on the server; typmod < 0: none. NULL when the server cannot say. */
static char *server_type(PGconn *conn, Oid oid, int typmod)
{
    char o[16], t[16];
    const char *values[2] = {o, typmod >= 0 ? t : NULL};
    PGresult *res;
    char *name = NULL;
    snprintf(o, sizeof o, "%u", oid);
    snprintf(t, sizeof t, "%d", typmod);
    res = PQexecParams(conn, "SELECT format_type($1::oid, $2::int)", 2, NULL, values, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
        name = xstrdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return name;
}

/* The first line of the server's message for res (or of the connection's). */
static char *server_message(PGconn *conn, const PGresult *res)
{
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char *copy = xstrdup(msg ? msg : PQerrorMessage(conn));
    copy[strcspn(copy, "\n")] = '\0';
    return copy;
}

/* Whether res is a failure of the server's: then reported (the server cannot `what` q) and cleared. */
static bool refused(PGconn *conn, const gen_query *q, PGresult *res, const char *what)
{
    char *msg;
    if (PQresultStatus(res) == PGRES_COMMAND_OK)
        return false;
    msg = server_message(conn, res);
    diag_error_where(q->where, "query %s: the server cannot %s it: %s", q->name, what, msg);
    free(msg);
    PQclear(res);
    return true;
}

/* Compares one query with the server's description of it; returns the number of differences. */
static int verify_query(PGconn *conn, const gen_query *q)
{
    PGresult *res = PQprepare(conn, "", q->sql, 0, NULL);
    int differences = 0;
    if (refused(conn, q, res, "prepare"))
        return 1;
    PQclear(res);
    res = PQdescribePrepared(conn, "");
    if (refused(conn, q, res, "describe"))
        return 1;
    if ((size_t)PQnparams(res) != q->nparams) {
        diag_error_where(q->where, "query %s: blogdb-gen finds %zu parameters, the server %d", q->name, q->nparams,
                         PQnparams(res));
        differences++;
    }
    for (size_t i = 0; i < q->nparams && (int)i < PQnparams(res); i++) {
        char *theirs = server_type(conn, PQparamtype(res, (int)i), -1);
        if (!theirs || strcmp(theirs, q->params[i].type.sql) != 0) {
            diag_error_where(q->where, "query %s: parameter $%zu (%s): blogdb-gen infers %s, the server %s", q->name,
                             i + 1, q->params[i].name, q->params[i].type.sql, theirs ? theirs : "(unknown type)");
            differences++;
        }
        free(theirs);
    }
    if ((size_t)PQnfields(res) != q->result.ncolumns) {
        diag_error_where(q->where, "query %s: blogdb-gen finds %zu result columns, the server %d", q->name,
                         q->result.ncolumns, PQnfields(res));
        differences++;
    }
    for (size_t i = 0; i < q->result.ncolumns && (int)i < PQnfields(res); i++) {
        const gen_column *col = &q->result.columns[i];
        char *theirs = server_type(conn, PQftype(res, (int)i), PQfmod(res, (int)i));
        if (strcmp(PQfname(res, (int)i), col->name) != 0) {
            diag_error_where(q->where, "query %s: result column %zu: blogdb-gen names it \"%s\", the server \"%s\"",
                             q->name, i + 1, col->name, PQfname(res, (int)i));
            differences++;
        }
        if (!theirs || strcmp(theirs, col->type.sql) != 0) {
            diag_error_where(q->where, "query %s: result column %zu (%s): blogdb-gen infers %s, the server %s", q->name,
                             i + 1, col->name, col->type.sql, theirs ? theirs : "(unknown type)");
            differences++;
        }
        free(theirs);
    }
    PQclear(res);
    return differences;
}

/* The session: statement_timeout, and search_path as the model's (public when the schema files set none). */
static int set_session(PGconn *conn, const gen_model *m)
{
    strbuf sql;
    PGresult *res;
    int ok;
    sb_init(&sql);
    sb_puts(&sql, "SET statement_timeout = '30s'; SET search_path = ");
    if (m->nsearch_path == 0)
        sb_puts(&sql, "public");
    for (size_t i = 0; i < m->nsearch_path; i++) {
        char *id = PQescapeIdentifier(conn, m->search_path[i], strlen(m->search_path[i]));
        if (!id) {
            sb_free(&sql);
            return -1;
        }
        sb_puts(&sql, i ? ", " : "");
        sb_puts(&sql, id);
        PQfreemem(id);
    }
    res = PQexec(conn, sql.data);
    ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    sb_free(&sql);
    return ok ? 0 : -1;
}

int verify_queries(const gen_model *m, const char *conninfo)
{
    const char *const keys[] = {"connect_timeout", "dbname", NULL};
    const char *const values[] = {"10", conninfo, NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    int differences = 0;
    if (PQstatus(conn) != CONNECTION_OK || set_session(conn, m) != 0) {
        char *msg = server_message(conn, NULL);
        fprintf(stderr, "blogdb-gen: error: --verify: %s\n", msg);
        free(msg);
        PQfinish(conn);
        return -1;
    }
    for (size_t i = 0; i < m->nqueries && PQstatus(conn) == CONNECTION_OK; i++)
        differences += verify_query(conn, m->queries[i]);
    if (PQstatus(conn) != CONNECTION_OK) {
        char *msg = server_message(conn, NULL);
        fprintf(stderr, "blogdb-gen: error: --verify: the connection was lost: %s\n", msg);
        free(msg);
        differences = -1;
    }
    PQfinish(conn);
    return differences;
}
