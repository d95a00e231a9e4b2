/* blogdb-gen, DDL replay: CREATE TYPE ... AS ENUM, ALTER TYPE, CREATE DOMAIN (PostgreSQL: typecmds.c). */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- types: enums and domains -------------------------------------------------- */

bool type_name_taken(ctx *c, const char *schema, const char *name)
{
    return find_enum(c, schema, name, NULL) || find_domain(c, schema, name, NULL) ||
           find_composite(c, schema, name, NULL);
}

/* CREATE TYPE name AS (...): a type in the type namespace (and, as a pg_class entry, the relation
 * namespace); its columns travel as strings in its text form "(1,abc)" (text_io). Its attributes
 * are not modeled. */
int do_create_composite(ctx *c, const PgQuery__CompositeTypeStmt *s)
{
    const char *schema;
    gen_composite *ct;
    if (!(schema = target_schema(c, s->typevar->schemaname, s->typevar->location)))
        return -1;
    if (type_name_taken(c, schema, s->typevar->relname) || name_taken(c->m, schema, s->typevar->relname))
        FAIL(c, s->typevar->location, "type \"%s\" already exists", s->typevar->relname);
    ct = *VEC_PUSH(c->m->composites, c->m->ncomposites) = xcalloc(1, sizeof *ct);
    ct->schema = xstrdup(schema);
    ct->name = xstrdup(s->typevar->relname);
    take_name(c->m, schema, ct->name);
    return 0;
}

int do_create_enum(ctx *c, const PgQuery__CreateEnumStmt *s)
{
    const char *schema, *name;
    gen_enum *e;
    if (names_split(s->type_name, s->n_type_name, &schema, &name) != 0)
        FAIL(c, c->stmt_pos, "malformed type name");
    if (!(schema = target_schema(c, schema, c->stmt_pos)))
        return -1;
    if (type_name_taken(c, schema, name))
        FAIL(c, c->stmt_pos, "type \"%s\" already exists", name);
    for (size_t i = 0; i < s->n_vals; i++) {
        if (strlen(node_str(s->vals[i])) >= NAMEDATALEN)
            FAIL(c, c->stmt_pos, "invalid enum label \"%s\"", node_str(s->vals[i]));
        for (size_t j = 0; j < i; j++)
            if (strcmp(node_str(s->vals[i]), node_str(s->vals[j])) == 0)
                FAIL(c, c->stmt_pos, "enum label \"%s\" used more than once", node_str(s->vals[i]));
    }
    e = *VEC_PUSH(c->m->enums, c->m->nenums) = xcalloc(1, sizeof *e);
    e->schema = xstrdup(schema);
    e->name = xstrdup(name);
    /* Grown with VEC_PUSH from the start: ALTER TYPE ... ADD VALUE appends to it later. */
    for (size_t i = 0; i < s->n_vals; i++)
        *VEC_PUSH(e->labels, e->nlabels) = xstrdup(node_str(s->vals[i]));
    return 0;
}

static int enum_label_index(const gen_enum *e, const char *label)
{
    for (size_t i = 0; i < e->nlabels; i++)
        if (strcmp(e->labels[i], label) == 0)
            return (int)i;
    return -1;
}

int do_alter_enum(ctx *c, const PgQuery__AlterEnumStmt *s)
{
    const char *schema, *name;
    gen_enum *e;
    if (names_split(s->type_name, s->n_type_name, &schema, &name) != 0 || !(e = find_enum(c, schema, name, NULL)))
        FAIL(c, c->stmt_pos, "type \"%s\" does not exist", name ? name : "?");
    if (s->old_val && *s->old_val) { /* RENAME VALUE */
        int at = enum_label_index(e, s->old_val);
        if (at < 0)
            FAIL(c, c->stmt_pos, "\"%s\" is not an existing enum label", s->old_val);
        if (enum_label_index(e, s->new_val) >= 0)
            FAIL(c, c->stmt_pos, "enum label \"%s\" already exists", s->new_val);
        free(e->labels[at]);
        e->labels[at] = xstrdup(s->new_val);
        return 0;
    }
    if (enum_label_index(e, s->new_val) >= 0) {
        if (s->skip_if_new_val_exists)
            return 0;
        FAIL(c, c->stmt_pos, "enum label \"%s\" already exists", s->new_val);
    }
    {
        size_t at = e->nlabels;
        if (s->new_val_neighbor && *s->new_val_neighbor) {
            int n = enum_label_index(e, s->new_val_neighbor);
            if (n < 0)
                FAIL(c, c->stmt_pos, "\"%s\" is not an existing enum label", s->new_val_neighbor);
            at = (size_t)n + (s->new_val_is_after ? 1 : 0);
        }
        VEC_PUSH(e->labels, e->nlabels);
        memmove(&e->labels[at + 1], &e->labels[at], (e->nlabels - 1 - at) * sizeof(char *));
        e->labels[at] = xstrdup(s->new_val);
    }
    return 0;
}

int do_create_domain(ctx *c, const PgQuery__CreateDomainStmt *s)
{
    const char *schema, *name;
    gen_type base;
    gen_domain *d;
    if (names_split(s->domainname, s->n_domainname, &schema, &name) != 0)
        FAIL(c, c->stmt_pos, "malformed domain name");
    if (!(schema = target_schema(c, schema, c->stmt_pos)))
        return -1;
    if (type_name_taken(c, schema, name))
        FAIL(c, c->stmt_pos, "type \"%s\" already exists", name);
    if (resolve_type(c, s->type_name, &base, NULL) != 0)
        return -1;
    d = *VEC_PUSH(c->m->domains, c->m->ndomains) = xcalloc(1, sizeof *d);
    d->schema = xstrdup(schema);
    d->name = xstrdup(name);
    d->base = base;
    d->base.domain_def = NULL;
    for (size_t i = 0; i < s->n_constraints; i++) {
        const PgQuery__Constraint *k = s->constraints[i]->constraint;
        if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL)
            d->not_null = true;
        else if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT)
            d->has_default = true;
        else if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
            *VEC_PUSH(d->checks, d->nchecks) = xstrdup(k->conname && *k->conname ? k->conname : "");
        else if (k->contype != PG_QUERY__CONSTR_TYPE__CONSTR_NULL)
            FAIL(c, k->location, "this domain constraint is not supported");
    }
    return 0;
}

_Static_assert(offsetof(gen_composite, schema) == offsetof(gen_enum, schema) &&
                   offsetof(gen_composite, name) == offsetof(gen_enum, name) &&
                   offsetof(gen_domain, schema) == offsetof(gen_enum, schema) &&
                   offsetof(gen_domain, name) == offsetof(gen_enum, name),
               "enums, domains and composites start with schema and name");

/* t spelled anew after its enum, domain or composite type `def` was renamed or moved */
static void respell(gen_type *t, const void *def)
{
    const gen_enum *named = def; /* only its schema and name are read: the layout all three share */
    strbuf sb;
    /* a column of a domain over the type is spelled by the domain's name */
    if (t->domain_def ? t->domain_def != def : t->enum_def != def && t->composite_def != def)
        return;
    sb_init(&sb);
    put_type_name(&sb, named->schema, named->name);
    if (t->is_array)
        sb_puts(&sb, "[]");
    free(t->sql);
    t->sql = sb.data;
}

void respell_columns(gen_model *m, const void *def)
{
    for (size_t i = 0; i < m->nrels; i++)
        for (size_t k = 0; k < m->rels[i]->ncolumns; k++)
            respell(&m->rels[i]->columns[k].type, def);
    for (size_t i = 0; i < m->nfunctions; i++) { /* the signatures that type views' calls */
        respell(&m->functions[i]->result, def);
        for (size_t a = 0; a < m->functions[i]->nargs; a++)
            respell(&m->functions[i]->args[a], def);
        for (size_t o = 0; o < m->functions[i]->nouts; o++)
            respell(&m->functions[i]->outs[o].type, def);
    }
}

const gen_column *type_user(const gen_model *m, const gen_enum *en, const gen_domain *dom, const gen_relation **rel)
{
    for (size_t i = 0; i < m->nrels; i++)
        for (size_t k = 0; k < m->rels[i]->ncolumns; k++)
            if (en ? m->rels[i]->columns[k].type.enum_def == en : m->rels[i]->columns[k].type.domain_def == dom) {
                *rel = m->rels[i];
                return &m->rels[i]->columns[k];
            }
    return NULL;
}
