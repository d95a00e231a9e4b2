/* blogdb-gen, DDL replay: schemas and the search path: where a name resolves. */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- schemas and the search path ------------------------------------------ */

bool schema_exists(const gen_model *m, const char *s)
{
    for (size_t i = 0; i < m->nschemas; i++)
        if (strcmp(m->schemas[i], s) == 0)
            return true;
    return strcmp(s, "pg_catalog") == 0 || strcmp(s, "pg_temp") == 0;
}

/* Where an object goes: its explicit schema (which must exist), else the first existing
 * schema on the search path. NULL when there is none (reported). */
const char *target_schema(ctx *c, const char *explicit_schema, int loc)
{
    if (explicit_schema && *explicit_schema) {
        if (!schema_exists(c->m, explicit_schema)) {
            diag_error(c->src, loc, "schema \"%s\" does not exist", explicit_schema);
            return NULL;
        }
        return explicit_schema;
    }
    for (size_t i = 0; i < c->m->nsearch_path; i++)
        if (schema_exists(c->m, c->m->search_path[i]) && strcmp(c->m->search_path[i], "pg_catalog") != 0)
            return c->m->search_path[i];
    diag_error(c->src, loc, "no schema has been selected to create in");
    return NULL;
}

/* Where a new relation goes: pg_temp for a temporary one (CREATE TEMP ..., or pg_temp.x), which
 * is gone at the end of its file (a psql session: parse_sql drops it); else as target_schema. */
const char *relation_schema(ctx *c, const PgQuery__RangeVar *rv)
{
    if ((rv->relpersistence && strcmp(rv->relpersistence, "t") == 0) ||
        (rv->schemaname && strcmp(rv->schemaname, "pg_temp") == 0))
        return "pg_temp";
    return target_schema(c, rv->schemaname, rv->location);
}

/* Looks an unqualified relation up through the search path, after the session's temporary
 * relations (pg_temp comes first, as in PostgreSQL). */
gen_relation *lookup_rel(ctx *c, const char *schema, const char *name)
{
    gen_relation *temp;
    if (schema && *schema)
        return model_find_rel(c->m, schema, name);
    if ((temp = model_find_rel(c->m, "pg_temp", name)) != NULL)
        return temp;
    for (size_t i = 0; i < c->m->nsearch_path; i++) {
        gen_relation *r = model_find_rel(c->m, c->m->search_path[i], name);
        if (r)
            return r;
    }
    return NULL;
}

gen_relation *find_rv(ctx *c, const PgQuery__RangeVar *rv)
{
    return lookup_rel(c, rv->schemaname, rv->relname);
}

/* Schema and name of a dotted name list (["s", "t"] or ["t"]). -1 when malformed. */
int names_split(Node **names, size_t n, const char **schema, const char **name)
{
    if (n < 1 || n > 3)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!node_str(names[i]))
            return -1;
    *name = node_str(names[n - 1]);
    *schema = n >= 2 ? node_str(names[n - 2]) : NULL;
    return 0;
}

/* Position of the object named (schema, name) in a vector of pointers to structs that begin with
 * `char *schema, *name;` (enums, domains), through the search path when schema is NULL; -1 if none. */
static long find_named(const ctx *c, const char *schema, const char *name, void *const *v, size_t n)
{
    for (size_t p = 0; p < (schema ? 1 : c->m->nsearch_path); p++) {
        const char *s = schema ? schema : c->m->search_path[p];
        for (size_t i = 0; i < n; i++) {
            char *const *sn = v[i];
            if (strcmp(sn[0], s) == 0 && strcmp(sn[1], name) == 0)
                return (long)i;
        }
    }
    return -1;
}

_Static_assert(offsetof(gen_enum, schema) == 0 && offsetof(gen_domain, schema) == 0 &&
                   offsetof(gen_enum, name) == sizeof(char *) && offsetof(gen_domain, name) == sizeof(char *),
               "find_named expects schema and name first");

gen_enum *find_enum(ctx *c, const char *schema, const char *name, size_t *pos)
{
    long i = find_named(c, schema, name, (void *const *)c->m->enums, c->m->nenums);
    if (i >= 0 && pos)
        *pos = (size_t)i;
    return i >= 0 ? c->m->enums[i] : NULL;
}

gen_composite *find_composite(ctx *c, const char *schema, const char *name, size_t *pos)
{
    long i = find_named(c, schema, name, (void *const *)c->m->composites, c->m->ncomposites);
    if (i >= 0 && pos)
        *pos = (size_t)i;
    return i >= 0 ? c->m->composites[i] : NULL;
}

const void *find_any_type(ctx *c, const char *schema, const char *name, char ***schema_slot, char ***name_slot)
{
    gen_enum *en = find_enum(c, schema, name, NULL);
    gen_domain *dom = en ? NULL : find_domain(c, schema, name, NULL);
    gen_composite *ct = en || dom ? NULL : find_composite(c, schema, name, NULL);
    *schema_slot = en ? &en->schema : dom ? &dom->schema : ct ? &ct->schema : NULL;
    *name_slot = en ? &en->name : dom ? &dom->name : ct ? &ct->name : NULL;
    return en ? (const void *)en : dom ? (const void *)dom : ct;
}

gen_domain *find_domain(ctx *c, const char *schema, const char *name, size_t *pos)
{
    long i = find_named(c, schema, name, (void *const *)c->m->domains, c->m->ndomains);
    if (i >= 0 && pos)
        *pos = (size_t)i;
    return i >= 0 ? c->m->domains[i] : NULL;
}

/* Whether an extension (by name) was created; *schema_out gets its schema. */
bool has_extension(const gen_model *m, const char *name, const char **schema_out)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < m->nextensions; i++)
        if (strncmp(m->extensions[i], name, n) == 0 && m->extensions[i][n] == '@') {
            *schema_out = m->extensions[i] + n + 1;
            return true;
        }
    return false;
}
