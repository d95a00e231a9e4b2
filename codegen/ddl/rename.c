/* blogdb-gen, DDL replay: RENAME of tables, views, columns, constraints, indexes, types. */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- RENAME ----------------------------------------------------------------- */

/* Renames old to new_name in a list of column names. */
static void rename_in(char **names, size_t n, const char *old, const char *new_name)
{
    for (size_t k = 0; k < n; k++)
        if (names[k] && strcmp(names[k], old) == 0) {
            free(names[k]);
            names[k] = xstrdup(new_name);
        }
}

static void rename_column_refs(gen_model *m, gen_relation *r, const char *old, const char *new_name)
{
    for (size_t x = 0; x < r->nindexes; x++)
        rename_in(r->indexes[x].uses, r->indexes[x].nuses, old, new_name);
    for (size_t k = 0; k < r->nchecks; k++)
        rename_in(r->checks[k].uses, r->checks[k].nuses, old, new_name);
    for (size_t x = 0; x < r->nindexes; x++)
        for (size_t k = 0; k < r->indexes[x].ncolumns; k++)
            if (r->indexes[x].columns[k] && strcmp(r->indexes[x].columns[k], old) == 0) {
                free(r->indexes[x].columns[k]);
                r->indexes[x].columns[k] = xstrdup(new_name);
            }
    for (size_t k = 0; k < r->npk; k++)
        if (strcmp(r->primary_key[k], old) == 0) {
            free(r->primary_key[k]);
            r->primary_key[k] = xstrdup(new_name);
        }
    for (size_t f = 0; f < r->nfkeys; f++)
        for (size_t k = 0; k < r->fkeys[f].ncolumns; k++)
            if (strcmp(r->fkeys[f].columns[k], old) == 0) {
                free(r->fkeys[f].columns[k]);
                r->fkeys[f].columns[k] = xstrdup(new_name);
            }
    for (size_t i = 0; i < m->nrels; i++) /* foreign keys that reference the column */
        for (size_t f = 0; f < m->rels[i]->nfkeys; f++) {
            gen_fkey *k = &m->rels[i]->fkeys[f];
            if (!rel_key_is(r, k->ref_schema, k->ref_table))
                continue;
            for (size_t j = 0; j < k->ncolumns; j++)
                if (strcmp(k->ref_columns[j], old) == 0) {
                    free(k->ref_columns[j]);
                    k->ref_columns[j] = xstrdup(new_name);
                }
        }
    {
        /* Views keep reading it (PostgreSQL binds them by column number): rename the dependency. */
        char *okey = xstrfmt("%s\x1f%s\x1f%s", r->schema, r->name, old);
        for (size_t i = 0; i < m->nrels; i++)
            for (size_t d = 0; d < m->rels[i]->ndeps; d++)
                if (strcmp(m->rels[i]->deps[d], okey) == 0) {
                    free(m->rels[i]->deps[d]);
                    m->rels[i]->deps[d] = xstrfmt("%s\x1f%s\x1f%s", r->schema, r->name, new_name);
                }
        free(okey);
    }
}

static void rename_relation_refs(gen_model *m, gen_relation *r, const char *new_name)
{
    char *oprefix = xstrfmt("%s\x1f%s", r->schema, r->name);
    size_t olen = strlen(oprefix);
    for (size_t i = 0; i < m->nrels; i++) {
        for (size_t f = 0; f < m->rels[i]->nfkeys; f++) {
            gen_fkey *k = &m->rels[i]->fkeys[f];
            if (rel_key_is(r, k->ref_schema, k->ref_table)) {
                free(k->ref_table);
                k->ref_table = xstrdup(new_name);
            }
        }
        for (size_t d = 0; d < m->rels[i]->ndeps; d++) {
            char *dep = m->rels[i]->deps[d];
            if (strncmp(dep, oprefix, olen) == 0 && (dep[olen] == '\0' || dep[olen] == '\x1f')) {
                m->rels[i]->deps[d] = xstrfmt("%s\x1f%s%s", r->schema, new_name, dep + olen);
                free(dep);
            }
        }
    }
    free(oprefix);
    free(r->name);
    r->name = xstrdup(new_name);
}

gen_index *find_index(gen_model *m, const char *schema, const char *name, gen_relation **owner)
{
    for (size_t i = 0; i < m->nrels; i++)
        for (size_t x = 0; x < m->rels[i]->nindexes; x++)
            if ((!schema || strcmp(m->rels[i]->schema, schema) == 0) && strcmp(m->rels[i]->indexes[x].name, name) == 0) {
                *owner = m->rels[i];
                return &m->rels[i]->indexes[x];
            }
    return NULL;
}

int do_rename(ctx *c, const PgQuery__RenameStmt *s)
{
    gen_relation *r = NULL;
    const char *schema, *name;
    const void *def;
    char **schema_slot, **name_slot;
    switch (s->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
        r = find_rv(c, s->relation);
        if (!r) {
            if (s->missing_ok)
                return 0;
            FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
        }
        break;
    default:
        break;
    }
    switch (s->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        if (name_taken(c->m, r->schema, s->newname))
            FAIL(c, c->stmt_pos, "relation \"%s\" already exists", s->newname);
        rename_relation_refs(c->m, r, s->newname);
        return 0;
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
        int ci = rel_find_column(r, s->subname);
        if (inheritance_child(c->m, r))
            FAIL(c, c->stmt_pos, "ALTER TABLE %s RENAME COLUMN: table %s inherits from it, and renaming the columns "
                                 "of both is not supported yet", r->name, inheritance_child(c->m, r)->name);
        if (ci < 0)
            FAIL(c, c->stmt_pos, "column \"%s\" does not exist", s->subname);
        if (rel_find_column(r, s->newname) >= 0)
            FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" already exists", s->newname, r->name);
        rename_column_refs(c->m, r, s->subname, s->newname);
        free(r->columns[ci].name);
        r->columns[ci].name = xstrdup(s->newname);
        return 0;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
        gen_index *ix = NULL;
        gen_relation *owner = r;
        char **slot = NULL;
        if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
            ix = find_index(c->m, s->relation->schemaname && *s->relation->schemaname ? s->relation->schemaname : NULL,
                            s->relation->relname, &owner);
            if (!ix) {
                if (s->missing_ok)
                    return 0;
                FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
            }
            slot = &ix->name;
        } else {
            for (size_t x = 0; x < r->nindexes && !slot; x++)
                if (r->indexes[x].constraint && strcmp(r->indexes[x].name, s->subname) == 0) {
                    ix = &r->indexes[x];
                    slot = &ix->name;
                }
            for (size_t f = 0; f < r->nfkeys && !slot; f++)
                if (strcmp(r->fkeys[f].name, s->subname) == 0)
                    slot = &r->fkeys[f].name;
            for (size_t k = 0; k < r->nchecks && !slot; k++)
                if (strcmp(r->checks[k].name, s->subname) == 0)
                    slot = &r->checks[k].name;
            if (!slot)
                FAIL(c, c->stmt_pos, "constraint \"%s\" for table \"%s\" does not exist", s->subname, r->name);
        }
        /* an index (and the constraint behind one) is named in pg_class; a CHECK or FOREIGN KEY
         * constraint only on its table */
        if (constraint_name_used(c->m, owner->schema, s->newname, owner) && (!ix || ix->constraint))
            FAIL(c, c->stmt_pos, "constraint \"%s\" for relation \"%s\" already exists", s->newname, owner->name);
        if (ix && name_taken(c->m, owner->schema, s->newname))
            FAIL(c, c->stmt_pos, "relation \"%s\" already exists", s->newname);
        if (ix)
            release_name(c->m, owner->schema, *slot);
        free(*slot);
        *slot = xstrdup(s->newname);
        if (ix)
            take_name(c->m, owner->schema, s->newname);
        return 0;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
        Node **names = s->object->node_case == PG_QUERY__NODE__NODE_LIST ? s->object->list->items : NULL;
        size_t n = names ? s->object->list->n_items : 0;
        if (!names && s->object->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
            names = s->object->type_name->names;
            n = s->object->type_name->n_names;
        }
        if (!names || names_split(names, n, &schema, &name) != 0)
            FAIL(c, c->stmt_pos, "malformed type name");
        if (!(def = find_any_type(c, schema, name, &schema_slot, &name_slot)))
            FAIL(c, c->stmt_pos, "type \"%s\" does not exist", name);
        if (type_name_taken(c, *schema_slot, s->newname))
            FAIL(c, c->stmt_pos, "type \"%s\" already exists", s->newname);
        free(*name_slot);
        *name_slot = xstrdup(s->newname);
        respell_columns(c->m, def);
        return 0;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        FAIL(c, c->stmt_pos, "ALTER SCHEMA ... RENAME is not supported yet");
    default:
        return 0; /* functions, triggers, policies, sequences, roles: no shape for clients */
    }
}

/* "old_schema\x1fname" (and "...\x1fcol") in a relation's dependencies, with the schema changed. */
static void move_deps(gen_model *m, const char *old_schema, const char *name, const char *new_schema)
{
    char *key = xstrfmt("%s\x1f%s", old_schema, name);
    size_t klen = strlen(key);
    for (size_t i = 0; i < m->nrels; i++)
        for (size_t d = 0; d < m->rels[i]->ndeps; d++) {
            char *dep = m->rels[i]->deps[d];
            if (strncmp(dep, key, klen) == 0 && (dep[klen] == '\0' || dep[klen] == '\x1f')) {
                m->rels[i]->deps[d] = xstrfmt("%s\x1f%s%s", new_schema, name, dep + klen);
                free(dep);
            }
        }
    free(key);
}

/* ALTER TYPE / DOMAIN ... SET SCHEMA: an enum, a domain or a composite type moves, and every column
 * and function signature of it is spelled anew (format_type qualifies a type outside public). */
static int move_type(ctx *c, const PgQuery__AlterObjectSchemaStmt *s)
{
    Node **names = s->object && s->object->node_case == PG_QUERY__NODE__NODE_LIST ? s->object->list->items : NULL;
    size_t n = names ? s->object->list->n_items : 0;
    const char *schema, *name;
    const void *def;
    char **schema_slot, **name_slot;
    if (!names || names_split(names, n, &schema, &name) != 0)
        FAIL(c, c->stmt_pos, "ALTER TYPE ... SET SCHEMA of this type is not supported yet");
    if (!(def = find_any_type(c, schema, name, &schema_slot, &name_slot))) {
        if (s->missing_ok)
            return 0;
        FAIL(c, c->stmt_pos, "type \"%s\" does not exist", name);
    }
    if (!schema_exists(c->m, s->newschema))
        FAIL(c, c->stmt_pos, "schema \"%s\" does not exist", s->newschema);
    if (type_name_taken(c, s->newschema, name))
        FAIL(c, c->stmt_pos, "type \"%s\" already exists in schema \"%s\"", name, s->newschema);
    free(*schema_slot);
    *schema_slot = xstrdup(s->newschema);
    respell_columns(c->m, def);
    return 0;
}

/* ALTER TABLE / VIEW / MATERIALIZED VIEW ... SET SCHEMA: the relation and its indexes move; the views
 * that read it and the foreign keys that reference it follow (PostgreSQL tracks them by OID).
 * An enum or a domain moves by move_type. */
int do_set_schema(ctx *c, const PgQuery__AlterObjectSchemaStmt *s)
{
    gen_relation *r;
    char *old;
    switch (s->object_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
        break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
        return move_type(c, s);
    default:
        return 0; /* functions, sequences, extensions...: nothing modeled moves */
    }
    if (!(r = find_rv(c, s->relation))) {
        if (s->missing_ok)
            return 0;
        FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
    }
    if (!schema_exists(c->m, s->newschema))
        FAIL(c, c->stmt_pos, "schema \"%s\" does not exist", s->newschema);
    if (strcmp(r->schema, s->newschema) == 0)
        return 0;
    if (name_taken(c->m, s->newschema, r->name))
        FAIL(c, c->stmt_pos, "relation \"%s\" already exists in schema \"%s\"", r->name, s->newschema);
    for (size_t x = 0; x < r->nindexes; x++)
        if (name_taken(c->m, s->newschema, r->indexes[x].name))
            FAIL(c, c->stmt_pos, "relation \"%s\" already exists in schema \"%s\"", r->indexes[x].name,
                 s->newschema);
    for (size_t x = 0; x < r->nindexes; x++) {
        release_name(c->m, r->schema, r->indexes[x].name);
        take_name(c->m, s->newschema, r->indexes[x].name);
    }
    move_deps(c->m, r->schema, r->name, s->newschema);
    for (size_t i = 0; i < c->m->nrels; i++)
        for (size_t f = 0; f < c->m->rels[i]->nfkeys; f++) {
            gen_fkey *k = &c->m->rels[i]->fkeys[f];
            if (rel_key_is(r, k->ref_schema, k->ref_table)) {
                free(k->ref_schema);
                k->ref_schema = xstrdup(s->newschema);
            }
        }
    old = r->schema;
    r->schema = xstrdup(s->newschema);
    free(old);
    return 0;
}
