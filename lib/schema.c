/* libblogdb: the run-time schema check, the connected database against the generated model. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Runs a one-parameter catalog query in text format; NULL (with the error recorded) on failure. */
static PGresult *catalog(blogdb *db, const char *sql, const char *param)
{
    PGresult *res = blogdb__exec_params(db, sql, 1, &param, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        blogdb__fail_result(db, res);
        PQclear(res);
        return NULL;
    }
    return res;
}

static const char *kind_name(char k)
{
    switch (k) {
    case 'r': return "table";
    case 'p': return "partitioned table";
    case 'v': return "view";
    case 'm': return "materialized view";
    default: return "relation";
    }
}

static int check_relation(blogdb *db, const blogdb_rt_relation *rel)
{
    PGresult *res = catalog(db,
                            "SELECT c.relkind, a.attname, format_type(a.atttypid, a.atttypmod) "
                            "FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
                            "WHERE c.oid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped "
                            "ORDER BY a.attnum",
                            rel->sql);
    int n, rc = 0;
    if (!res)
        return db->errcode;
    n = PQntuples(res);
    if (n == 0) {
        rc = blogdb__fail(db, BLOGDB_ESCHEMA, "schema mismatch: %s %s does not exist in the database",
                          kind_name(rel->kind), rel->name);
    } else if (PQgetvalue(res, 0, 0)[0] != rel->kind) {
        rc = blogdb__fail(db, BLOGDB_ESCHEMA, "schema mismatch: %s is a %s in the database, a %s in the generated code",
                          rel->name, kind_name(PQgetvalue(res, 0, 0)[0]), kind_name(rel->kind));
    } else {
        for (int i = 0; i < n || i < rel->ncolumns; i++) {
            const blogdb_rt_column *col = i < rel->ncolumns ? &rel->columns[i] : NULL;
            const char *name = i < n ? PQgetvalue(res, i, 1) : NULL, *type = i < n ? PQgetvalue(res, i, 2) : NULL;
            if (!col) {
                rc = blogdb__fail(db, BLOGDB_ESCHEMA,
                                  "schema mismatch: column %s.%s (%s) is in the database but not in the generated code",
                                  rel->name, name, type);
            } else if (!name) {
                rc = blogdb__fail(db, BLOGDB_ESCHEMA,
                                  "schema mismatch: column %s.%s is in the generated code but not in the database",
                                  rel->name, col->name);
            } else if (strcmp(name, col->name) != 0) {
                rc = blogdb__fail(db, BLOGDB_ESCHEMA,
                                  "schema mismatch: column %d of %s is %s in the database, %s in the generated code",
                                  i + 1, rel->name, name, col->name);
            } else if (strcmp(type, col->type_sql) != 0) {
                rc = blogdb__fail(db, BLOGDB_ESCHEMA,
                                  "schema mismatch: column %s.%s is %s in the database, %s in the generated code",
                                  rel->name, col->name, type, col->type_sql);
            }
            if (rc)
                break;
        }
    }
    PQclear(res);
    return rc;
}

static int check_enum(blogdb *db, const blogdb_rt_enum *e)
{
    PGresult *res = catalog(db,
                            "SELECT t.oid IS NOT NULL, e.enumlabel FROM (SELECT to_regtype($1) AS oid) t "
                            "LEFT JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY e.enumsortorder",
                            e->sql);
    int n, rc = 0, labels;
    if (!res)
        return db->errcode;
    n = PQntuples(res);
    labels = n == 1 && PQgetisnull(res, 0, 1) ? 0 : n;
    if (n == 0 || strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
        rc = blogdb__fail(db, BLOGDB_ESCHEMA, "schema mismatch: enum %s does not exist in the database", e->name);
    } else {
        for (int i = 0; i < labels || i < e->count; i++) {
            const char *have = i < labels ? PQgetvalue(res, i, 1) : NULL;
            const char *want = i < e->count ? e->labels[i] : NULL;
            if (!want)
                rc = blogdb__fail(db, BLOGDB_ESCHEMA,
                                  "schema mismatch: enum %s has label '%s' in the database, not in the generated code",
                                  e->name, have);
            else if (!have)
                rc = blogdb__fail(db, BLOGDB_ESCHEMA,
                                  "schema mismatch: enum %s has label '%s' in the generated code, not in the database",
                                  e->name, want);
            else if (strcmp(have, want) != 0)
                rc = blogdb__fail(db, BLOGDB_ESCHEMA,
                                  "schema mismatch: label %d of enum %s is '%s' in the database, '%s' in the generated code",
                                  i + 1, e->name, have, want);
            if (rc)
                break;
        }
    }
    PQclear(res);
    return rc;
}

int blogdb_rt_check_schema(blogdb *db, const blogdb_rt_schema *schema)
{
    PGresult *res;
    int rc = 0;
    if (!db || !schema)
        return BLOGDB_EINVAL;
    blogdb__clear_error(db);
    if (blogdb__check_conn(db) != 0)
        return db->errcode;
    /* format_type() qualifies what the search path hides: compare as the generator spelled them. */
    res = blogdb__exec(db, "BEGIN READ ONLY; SET LOCAL search_path TO public");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = blogdb__fail_result(db, res);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    for (size_t i = 0; i < schema->nenums && rc == 0; i++)
        rc = check_enum(db, schema->enums[i]);
    for (size_t i = 0; i < schema->nrelations && rc == 0; i++)
        rc = check_relation(db, schema->relations[i]);
    PQclear(blogdb__exec(db, "COMMIT"));
    return rc;
}
