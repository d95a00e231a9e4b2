/* blogdb-gen, DDL replay: views, materialized views, CREATE TABLE AS (PostgreSQL: view.c, createas.c). */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- views, materialized views, CREATE TABLE AS ------------------------------------ */

int create_from_query(ctx *c, const PgQuery__RangeVar *rv, const Node *query, Node **aliases, size_t naliases,
                             rel_kind kind, bool replace, bool if_not_exists)
{
    const char *schema;
    gen_relation *existing, *rel;
    size_t ri;
    int rc;
    if (!(schema = relation_schema(c, rv)))
        return -1;
    existing = model_find_rel(c->m, schema, rv->relname);
    if (existing && if_not_exists)
        return 0;
    if (existing && !(replace && existing->kind == REL_VIEW))
        FAIL(c, rv->location, "relation \"%s\" already exists", rv->relname);
    if (!existing && name_taken(c->m, schema, rv->relname))
        FAIL(c, rv->location, "relation \"%s\" already exists", rv->relname);
    rel = new_relation(c, schema, rv->relname, kind);
    ri = c->m->nrels - 1;
    rc = infer_query(c, query, rel, rel);
    rel = c->m->rels[ri];
    if (rc == 0 && naliases > rel->ncolumns)
        FAIL(c, rv->location, "CREATE VIEW specifies more column names than columns");
    for (size_t i = 0; i < naliases && rc == 0; i++) {
        free(rel->columns[i].name);
        rel->columns[i].name = xstrdup(node_str(aliases[i]));
    }
    for (size_t i = 0; i < rel->ncolumns && rc == 0; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(rel->columns[i].name, rel->columns[j].name) == 0)
                FAIL(c, rv->location, "column \"%s\" specified more than once", rel->columns[i].name);
        if (kind != REL_VIEW) /* stored: the catalog keeps no NOT NULL for them */
            rel->columns[i].not_null = false;
    }
    if (rc != 0)
        return -1;
    /* CREATE TABLE AS copies rows once: PostgreSQL keeps no dependency on what it read (a view and
     * a materialized view keep theirs) */
    if (kind == REL_TABLE) {
        strv_free(rel->deps, rel->ndeps);
        rel->deps = NULL;
        rel->ndeps = 0;
    }
    /* A view that reads a temporary relation is temporary itself (PostgreSQL says so in a NOTICE) */
    for (size_t d = 0; kind == REL_VIEW && !existing && d < rel->ndeps; d++)
        if (strncmp(rel->deps[d], "pg_temp\x1f", 8) == 0) {
            free(rel->schema);
            rel->schema = xstrdup("pg_temp");
            break;
        }
    if (existing) {
        /* CREATE OR REPLACE VIEW: may only add columns at the end, keeping names and types. */
        size_t ei = model_rel_index(c->m, model_find_rel(c->m, schema, rv->relname));
        const gen_relation *old = c->m->rels[ei];
        if (rel->ncolumns < old->ncolumns)
            FAIL(c, rv->location, "cannot drop columns from view");
        for (size_t i = 0; i < old->ncolumns; i++) {
            if (strcmp(old->columns[i].name, rel->columns[i].name) != 0)
                FAIL(c, rv->location, "cannot change name of view column \"%s\" to \"%s\"", old->columns[i].name,
                     rel->columns[i].name);
            if (strcmp(old->columns[i].type.sql, rel->columns[i].type.sql) != 0)
                FAIL(c, rv->location, "cannot change data type of view column \"%s\" from %s to %s",
                     old->columns[i].name, old->columns[i].type.sql, rel->columns[i].type.sql);
        }
        /* The new definition takes the old one's place (keeping its position and comment). */
        {
            gen_relation *fresh = c->m->rels[ri];
            char *comment = c->m->rels[ei]->comment;
            c->m->rels[ei]->comment = NULL;
            c->m->nrels--; /* detach fresh from the end */
            model_remove_rel(c->m, ei);
            *VEC_PUSH(c->m->rels, c->m->nrels) = NULL;
            memmove(&c->m->rels[ei + 1], &c->m->rels[ei], (c->m->nrels - 1 - ei) * sizeof *c->m->rels);
            c->m->rels[ei] = fresh;
            fresh->comment = comment;
        }
    }
    return 0;
}

int do_create_table_as(ctx *c, const PgQuery__CreateTableAsStmt *s)
{
    const PgQuery__IntoClause *into = s->into;
    rel_kind kind = s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? REL_MATVIEW : REL_TABLE;
    return create_from_query(c, into->rel, s->query, into->col_names, into->n_col_names, kind, false,
                             s->if_not_exists);
}
