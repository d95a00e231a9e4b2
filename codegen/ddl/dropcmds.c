/* blogdb-gen, DDL replay: DROP, with dependencies and CASCADE (PostgreSQL: dropcmds.c, dependency.c). */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- DROP ------------------------------------------------------------------------ */

static int drop_relation(ctx *c, size_t ri, bool cascade);

/* Drops the views that depend on relation ri (with CASCADE), or fails. */
static int drop_dependents(ctx *c, size_t ri, bool cascade)
{
    for (;;) {
        const gen_relation *view = dependent_view(c->m, c->m->rels[ri], NULL);
        size_t vi;
        if (!view)
            return 0;
        if (!cascade)
            FAIL(c, c->stmt_pos, "cannot drop %s %s because other objects depend on it (%s %s)",
                 c->m->rels[ri]->kind == REL_VIEW ? "view" : "table", c->m->rels[ri]->name,
                 view->inherits ? "table" : "view", view->name);
        vi = model_rel_index(c->m, view);
        if (drop_relation(c, vi, true) != 0)
            return -1;
        if (vi < ri)
            ri--;
    }
}

static int drop_relation(ctx *c, size_t ri, bool cascade)
{
    const gen_relation *from;
    gen_relation *r = c->m->rels[ri];
    char *schema = xstrdup(r->schema), *name = xstrdup(r->name);
    size_t i;
    if (referencing_fkey(c->m, r, NULL, &from) && !cascade) {
        diag_error(c->src, c->stmt_pos, "cannot drop table %s because other objects depend on it (%s)", r->name,
                   from->name);
        free(schema);
        free(name);
        return -1;
    }
    for (i = 0; i < c->m->nrels; i++) /* CASCADE: referencing foreign keys go */
        for (size_t f = 0; f < c->m->rels[i]->nfkeys;) {
            gen_fkey *k = &c->m->rels[i]->fkeys[f];
            if (i != ri && strcmp(k->ref_schema, schema) == 0 && strcmp(k->ref_table, name) == 0)
                remove_fkey_at(c->m->rels[i], f);
            else
                f++;
        }
    if (drop_dependents(c, ri, cascade) != 0) {
        free(schema);
        free(name);
        return -1;
    }
    /* Partitions go with their partitioned table, without CASCADE. */
    for (i = 0; i < c->m->nrels;) {
        const gen_relation *p = c->m->rels[i];
        char *key = xstrfmt("%s\x1f%s", schema, name);
        bool child = p->is_partition && p->ndeps && strcmp(p->deps[0], key) == 0;
        free(key);
        if (child)
            model_remove_rel(c->m, i);
        else
            i++;
    }
    /* Dropping dependents moved it: find it again. */
    for (i = 0; i < c->m->nrels && !rel_key_is(c->m->rels[i], schema, name); i++)
        ;
    if (i < c->m->nrels)
        model_remove_rel(c->m, i);
    free(schema);
    free(name);
    return 0;
}

/* DROP TYPE of an enum or domain: refused while a column or (an enum) a domain uses it. */
static int type_unused(ctx *c, const char *name, const gen_enum *en, const gen_domain *dom)
{
    const gen_relation *user_rel = NULL;
    const gen_column *user = type_user(c->m, en, dom, &user_rel);
    if (user)
        FAIL(c, c->stmt_pos, "cannot drop type %s because column %s of table %s depends on it", name, user->name,
             user_rel->name);
    for (size_t d = 0; en && d < c->m->ndomains; d++)
        if (c->m->domains[d]->base.enum_def == en)
            FAIL(c, c->stmt_pos, "cannot drop type %s because domain %s depends on it", name, c->m->domains[d]->name);
    return 0;
}

/* DROP TYPE of a composite type: refused while a column is of it. */
static int drop_composite(ctx *c, size_t pos)
{
    gen_composite *ct = c->m->composites[pos];
    for (size_t i = 0; i < c->m->nrels; i++)
        for (size_t k = 0; k < c->m->rels[i]->ncolumns; k++)
            if (c->m->rels[i]->columns[k].type.composite_def == ct)
                FAIL(c, c->stmt_pos, "cannot drop type %s because column %s of table %s depends on it", ct->name,
                     c->m->rels[i]->columns[k].name, c->m->rels[i]->name);
    model_remove_composite(c->m, pos);
    return 0;
}

/* What lives in schema sname goes with it under CASCADE (its relations with their dependents
 * elsewhere, its functions, its types when no column of another schema uses them); without
 * CASCADE, anything in it refuses the DROP, as in PostgreSQL. */
static int drop_schema_contents(ctx *c, const char *sname, bool cascade)
{
    bool any = false;
    for (size_t i = 0; i < c->m->nrels && !any; i++)
        any = strcmp(c->m->rels[i]->schema, sname) == 0;
    for (size_t i = 0; i < c->m->nenums && !any; i++)
        any = strcmp(c->m->enums[i]->schema, sname) == 0;
    for (size_t i = 0; i < c->m->ndomains && !any; i++)
        any = strcmp(c->m->domains[i]->schema, sname) == 0;
    if (any && !cascade)
        FAIL(c, c->stmt_pos, "cannot drop schema %s because other objects depend on it", sname);
    for (;;) { /* each relation of the schema, with what depends on it (dropping one moves the others) */
        size_t i = 0;
        while (i < c->m->nrels && (strcmp(c->m->rels[i]->schema, sname) != 0 || c->m->rels[i]->is_partition))
            i++;
        if (i == c->m->nrels)
            break;
        if (drop_relation(c, i, true) != 0)
            return -1;
    }
    for (size_t i = c->m->nfunctions; i-- > 0;)
        if (strcmp(c->m->functions[i]->schema, sname) == 0)
            model_remove_function(c->m, i);
    /* its types, unless a column or domain of another schema uses one (CASCADE would drop that
     * column: not modeled, so refused with DROP TYPE's message) */
    for (size_t i = c->m->ndomains; i-- > 0;)
        if (strcmp(c->m->domains[i]->schema, sname) == 0) {
            if (type_unused(c, c->m->domains[i]->name, NULL, c->m->domains[i]) != 0)
                return -1;
            model_remove_domain(c->m, i);
        }
    for (size_t i = c->m->nenums; i-- > 0;)
        if (strcmp(c->m->enums[i]->schema, sname) == 0) {
            if (type_unused(c, c->m->enums[i]->name, c->m->enums[i], NULL) != 0)
                return -1;
            model_remove_enum(c->m, i);
        }
    return 0;
}

int do_drop(ctx *c, const PgQuery__DropStmt *s)
{
    bool cascade = s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    for (size_t o = 0; o < s->n_objects; o++) {
        const Node *obj = s->objects[o];
        Node **names = NULL;
        size_t n = 0;
        const char *schema, *name;
        if (obj->node_case == PG_QUERY__NODE__NODE_LIST) {
            names = obj->list->items;
            n = obj->list->n_items;
        } else if (obj->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
            names = obj->type_name->names;
            n = obj->type_name->n_names;
        } else if (obj->node_case == PG_QUERY__NODE__NODE_STRING) {
            names = (Node **)&s->objects[o];
            n = 1;
        }
        if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION &&
            obj->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
            drop_function(c, obj->object_with_args);
            continue;
        }
        switch (s->remove_type) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: {
            gen_relation *r;
            rel_kind want = s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW      ? REL_VIEW
                            : s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? REL_MATVIEW
                                                                                      : REL_TABLE;
            if (names_split(names, n, &schema, &name) != 0)
                FAIL(c, c->stmt_pos, "malformed name in DROP");
            r = lookup_rel(c, schema, name);
            if (!r) {
                if (s->missing_ok)
                    continue;
                FAIL(c, c->stmt_pos, "%s \"%s\" does not exist",
                     want == REL_VIEW ? "view" : want == REL_MATVIEW ? "materialized view" : "table", name);
            }
            if ((want == REL_TABLE) != rel_is_table(r) || (want != REL_TABLE && r->kind != want))
                FAIL(c, c->stmt_pos, "\"%s\" is not a %s", name,
                     want == REL_VIEW ? "view" : want == REL_MATVIEW ? "materialized view" : "table");
            if (drop_relation(c, model_rel_index(c->m, r), cascade) != 0)
                return -1;
            break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
            gen_relation *owner;
            gen_index *ix;
            if (names_split(names, n, &schema, &name) != 0)
                FAIL(c, c->stmt_pos, "malformed name in DROP");
            ix = find_index(c->m, schema, name, &owner);
            if (!ix) {
                if (s->missing_ok)
                    continue;
                FAIL(c, c->stmt_pos, "index \"%s\" does not exist", name);
            }
            if (ix->constraint)
                FAIL(c, c->stmt_pos, "cannot drop index %s because constraint %s on table %s requires it", name,
                     name, owner->name);
            remove_index_at(c->m, owner, (size_t)(ix - owner->indexes));
            break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
            gen_enum *en;
            gen_domain *dom = NULL;
            size_t pos;
            if (names_split(names, n, &schema, &name) != 0)
                FAIL(c, c->stmt_pos, "malformed name in DROP");
            en = find_enum(c, schema, name, &pos);
            if (!en && !(dom = find_domain(c, schema, name, &pos)) && find_composite(c, schema, name, &pos)) {
                if (drop_composite(c, pos) != 0)
                    return -1;
                continue;
            }
            if (!en && !dom) {
                if (s->missing_ok)
                    continue;
                FAIL(c, c->stmt_pos, "type \"%s\" does not exist", name);
            }
            if (type_unused(c, name, en, dom) != 0)
                return -1;
            /* Nothing refers to it any more (the checks above): remove it, keeping the others' order. */
            if (en) {
                model_remove_enum(c->m, pos);
            } else {
                model_remove_domain(c->m, pos);
            }
            break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: {
            const char *sname = node_str(obj);
            size_t i = 0;
            while (i < c->m->nschemas && strcmp(c->m->schemas[i], sname ? sname : "") != 0)
                i++;
            if (i == c->m->nschemas) {
                if (s->missing_ok)
                    continue;
                FAIL(c, c->stmt_pos, "schema \"%s\" does not exist", sname ? sname : "?");
            }
            if (drop_schema_contents(c, sname, cascade) != 0)
                return -1;
            for (i = 0; i < c->m->nschemas && strcmp(c->m->schemas[i], sname) != 0; i++)
                ;
            free(c->m->schemas[i]);
            c->m->schemas[i] = c->m->schemas[--c->m->nschemas];
            break;
        }
        default:
            break; /* functions, triggers, sequences, extensions, policies: nothing modeled */
        }
    }
    return 0;
}
