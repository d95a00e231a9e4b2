/* blogdb-gen, query typing: information_schema's relations, for views and queries that read them.
 * Their columns come from information_schema.def (written from PostgreSQL 15 by
 * scripts/information-schema.sh); a relation is built on first use and kept in the model's
 * `catalog` list, never among its own relations (nothing is generated for it). Its columns are
 * information_schema's domains, spelled as format_type spells them and mapped by their base type. */
#include "infer.h"

#include <stdlib.h>
#include <string.h>

static const struct is_column {
    const char *rel, *col, *type;
} is_columns[] = {
#define IS_COLUMN(r, c, t) {r, c, t},
#include "information_schema.def"
#undef IS_COLUMN
};

/* information_schema's domains and their base types (typmods dropped: they map alike). */
static const struct is_domain {
    const char *name, *base;
} is_domains[] = {
    {"cardinal_number", "integer"},
    {"character_data", "character varying"},
    {"sql_identifier", "name"},
    {"time_stamp", "timestamp with time zone"},
    {"yes_or_no", "character varying"},
};

static gen_type domain_type(const char *domain)
{
    for (size_t i = 0; i < sizeof is_domains / sizeof is_domains[0]; i++)
        if (strcmp(is_domains[i].name, domain) == 0) {
            gen_type t = builtin_type(is_domains[i].base);
            free(t.sql);
            t.sql = xstrfmt("information_schema.%s", domain);
            return t;
        }
    return builtin_type(domain); /* not a domain (none today): a builtin type */
}

/* Whether an unqualified name reaches information_schema: only when the search path has it. */
static bool on_search_path(const gen_model *m)
{
    for (size_t i = 0; i < m->nsearch_path; i++)
        if (strcmp(m->search_path[i], "information_schema") == 0)
            return true;
    return false;
}

gen_relation *catalog_rel(ctx *c, const PgQuery__RangeVar *rv)
{
    gen_model *m = c->m;
    gen_relation *r;
    size_t first = 0;
    if (rv->schemaname && *rv->schemaname ? strcmp(rv->schemaname, "information_schema") != 0 : !on_search_path(m))
        return NULL;
    for (size_t i = 0; i < m->ncatalog; i++)
        if (strcmp(m->catalog[i]->name, rv->relname) == 0)
            return m->catalog[i];
    while (first < sizeof is_columns / sizeof is_columns[0] && strcmp(is_columns[first].rel, rv->relname) != 0)
        first++;
    if (first == sizeof is_columns / sizeof is_columns[0])
        return NULL;
    r = xcalloc(1, sizeof *r);
    r->schema = xstrdup("information_schema");
    r->name = xstrdup(rv->relname);
    r->kind = REL_VIEW;
    for (size_t i = first; i < sizeof is_columns / sizeof is_columns[0] && strcmp(is_columns[i].rel, rv->relname) == 0;
         i++) {
        gen_column *col = VEC_PUSH(r->columns, r->ncolumns);
        memset(col, 0, sizeof *col);
        col->name = xstrdup(is_columns[i].col);
        col->type = domain_type(is_columns[i].type);
    }
    *VEC_PUSH(m->catalog, m->ncatalog) = r;
    return r;
}
