/* blogdb-gen, DDL replay: who may do what. GRANT and REVOKE on tables, views and their columns
 * (also ON ALL TABLES IN SCHEMA), GRANT role TO role, ALTER DEFAULT PRIVILEGES ... ON TABLES
 * (applied to the relations created after it by the role it names, or by anyone when it names
 * none), OWNER TO and SET ROLE. The model keeps an ACL per relation (gen_relation.grants);
 * rel_privileges() (model.c) answers for a role, and `--role` emits only what that role may call.
 * Grants on other objects (schemas, sequences, functions) pass: they decide no binding. */
#include "ddl.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    unsigned bit;
} priv_names[] = {{"select", PRIV_SELECT},         {"insert", PRIV_INSERT},   {"update", PRIV_UPDATE},
                  {"delete", PRIV_DELETE},         {"truncate", PRIV_TRUNCATE}, {"references", PRIV_REFERENCES},
                  {"trigger", PRIV_TRIGGER}};

/* The role a RoleSpec names: "PUBLIC", a name, or CURRENT_ROLE / CURRENT_USER / SESSION_USER as the
 * model knows it (NULL: the role running the DDL, which no --role names). */
static const char *role_of(const ctx *c, const PgQuery__RoleSpec *r)
{
    if (!r)
        return NULL;
    switch (r->roletype) {
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC:
        return "PUBLIC";
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CSTRING:
        return r->rolename;
    default:
        return c->m->current_role;
    }
}

static const char *role_name(const ctx *c, const Node *n)
{
    return role_of(c, n && n->node_case == PG_QUERY__NODE__NODE_ROLE_SPEC ? n->role_spec : NULL);
}

/* Adds (grant) or removes privs of grantee on r (column NULL: the relation). A REVOKE on the
 * relation takes the same privileges off its columns too, as PostgreSQL's does. */
static void acl_change(gen_relation *r, const char *grantee, const char *column, unsigned privs, bool grant)
{
    gen_grant *g = NULL;
    for (size_t i = 0; i < r->ngrants; i++) {
        gen_grant *e = &r->grants[i];
        if (strcmp(e->grantee, grantee) != 0)
            continue;
        if (column ? e->column && strcmp(e->column, column) == 0 : !e->column)
            g = e;
        else if (!grant && !column)
            e->privs &= ~privs;
    }
    if (!g && grant) {
        g = VEC_PUSH(r->grants, r->ngrants);
        g->grantee = xstrdup(grantee);
        g->column = column ? xstrdup(column) : NULL;
    }
    if (g)
        g->privs = grant ? g->privs | privs : g->privs & ~privs;
}

/* Applies a GRANT / REVOKE's privileges (each maybe on columns) for each grantee to relation r. */
static int acl_apply(ctx *c, gen_relation *r, const PgQuery__GrantStmt *s)
{
    for (size_t g = 0; g < s->n_grantees; g++) {
        const char *who = role_name(c, s->grantees[g]);
        if (!who)
            continue;
        if (!s->n_privileges) /* ALL [PRIVILEGES] */
            acl_change(r, who, NULL, PRIV_ALL, s->is_grant);
        for (size_t p = 0; p < s->n_privileges; p++) {
            const PgQuery__AccessPriv *ap = s->privileges[p]->node_case == PG_QUERY__NODE__NODE_ACCESS_PRIV
                                                ? s->privileges[p]->access_priv
                                                : NULL;
            if (!ap)
                continue;
            unsigned bits = ap->priv_name && *ap->priv_name ? 0 : PRIV_ALL;
            for (size_t k = 0; !bits && k < sizeof priv_names / sizeof priv_names[0]; k++)
                if (strcmp(ap->priv_name, priv_names[k].name) == 0)
                    bits = priv_names[k].bit;
            if (!bits)
                FAIL(c, c->stmt_pos, "unrecognized privilege type \"%s\"", ap->priv_name);
            if (!ap->n_cols) {
                acl_change(r, who, NULL, bits, s->is_grant);
                continue;
            }
            for (size_t k = 0; k < ap->n_cols; k++) {
                const char *col = node_str(ap->cols[k]);
                if (rel_find_column(r, col) < 0)
                    FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" does not exist", col, r->name);
                acl_change(r, who, col, bits, s->is_grant);
            }
        }
    }
    return 0;
}

static bool is_relation_kind(rel_kind k)
{
    return k == REL_TABLE || k == REL_VIEW || k == REL_MATVIEW || k == REL_PARTITIONED;
}

int do_grant(ctx *c, const PgQuery__GrantStmt *s)
{
    if (s->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
        return 0; /* schemas, sequences, functions, types...: no binding depends on them */
    if (s->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA) {
        for (size_t i = 0; i < s->n_objects; i++) {
            const char *schema = node_str(s->objects[i]);
            if (!schema_exists(c->m, schema))
                FAIL(c, c->stmt_pos, "schema \"%s\" does not exist", schema);
            for (size_t k = 0; k < c->m->nrels; k++)
                if (strcmp(c->m->rels[k]->schema, schema) == 0 && is_relation_kind(c->m->rels[k]->kind) &&
                    acl_apply(c, c->m->rels[k], s) != 0)
                    return -1;
        }
        return 0;
    }
    for (size_t i = 0; i < s->n_objects; i++) {
        const PgQuery__RangeVar *rv =
            s->objects[i]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR ? s->objects[i]->range_var : NULL;
        gen_relation *r = rv ? find_rv(c, rv) : NULL;
        if (!rv)
            continue;
        if (!r) /* a sequence (GRANT ... ON TABLE works on them), or a missing relation */
            continue;
        if (acl_apply(c, r, s) != 0)
            return -1;
    }
    return 0;
}

int do_grant_role(ctx *c, const PgQuery__GrantRoleStmt *s)
{
    for (size_t i = 0; i < s->n_granted_roles; i++) {
        const char *group = s->granted_roles[i]->node_case == PG_QUERY__NODE__NODE_ACCESS_PRIV
                                ? s->granted_roles[i]->access_priv->priv_name
                                : NULL;
        for (size_t k = 0; group && k < s->n_grantee_roles; k++) {
            const char *member = role_name(c, s->grantee_roles[k]);
            char *key;
            size_t at = c->m->nmemberships;
            if (!member)
                continue;
            key = xstrfmt("%s\x1f%s", member, group);
            for (size_t j = 0; j < c->m->nmemberships; j++)
                if (strcmp(c->m->memberships[j], key) == 0)
                    at = j;
            if (s->is_grant && at == c->m->nmemberships) {
                *VEC_PUSH(c->m->memberships, c->m->nmemberships) = key;
                continue;
            }
            if (!s->is_grant && at < c->m->nmemberships) {
                free(c->m->memberships[at]);
                c->m->memberships[at] = c->m->memberships[--c->m->nmemberships];
            }
            free(key);
        }
    }
    return 0;
}

/* The key of a default-privileges entry: the creating role and the schema ("" for any). */
static char *default_key(const char *role, const char *schema)
{
    return xstrfmt("%s\x1f%s", role ? role : "", schema ? schema : "");
}

int do_alter_default_privileges(ctx *c, const PgQuery__AlterDefaultPrivilegesStmt *s)
{
    const PgQuery__GrantStmt *g = s->action;
    Node *const *roles = NULL, *const *schemas = NULL;
    size_t nroles = 0, nschemas = 0;
    gen_relation scratch;
    if (!g || g->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
        return 0;
    for (size_t i = 0; i < s->n_options; i++) {
        const PgQuery__DefElem *d =
            s->options[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM ? s->options[i]->def_elem : NULL;
        const PgQuery__List *l = d && d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_LIST ? d->arg->list : NULL;
        if (l && strcmp(d->defname, "roles") == 0) {
            roles = l->items;
            nroles = l->n_items;
        } else if (l && strcmp(d->defname, "schemas") == 0) {
            schemas = l->items;
            nschemas = l->n_items;
        }
    }
    /* The privileges are worked out on a scratch relation (one ACL per key), then kept. */
    for (size_t r = 0; r < (nroles ? nroles : 1); r++)
        for (size_t k = 0; k < (nschemas ? nschemas : 1); k++) {
            char *key = default_key(nroles ? role_name(c, roles[r]) : c->m->current_role,
                                    nschemas ? node_str(schemas[k]) : NULL);
            int rc;
            memset(&scratch, 0, sizeof scratch);
            for (size_t i = 0; i < c->m->ndefault_privs; i++)
                if (strcmp(c->m->default_privs[i].column, key) == 0)
                    acl_change(&scratch, c->m->default_privs[i].grantee, NULL, c->m->default_privs[i].privs, true);
            rc = acl_apply(c, &scratch, g);
            for (size_t i = 0; i < c->m->ndefault_privs;) /* the key's old entries go */
                if (strcmp(c->m->default_privs[i].column, key) == 0) {
                    free(c->m->default_privs[i].grantee);
                    free(c->m->default_privs[i].column);
                    c->m->default_privs[i] = c->m->default_privs[--c->m->ndefault_privs];
                } else {
                    i++;
                }
            for (size_t i = 0; i < scratch.ngrants; i++) {
                gen_grant *d = VEC_PUSH(c->m->default_privs, c->m->ndefault_privs);
                d->grantee = xstrdup(scratch.grants[i].grantee);
                d->column = xstrdup(key);
                d->privs = scratch.grants[i].privs;
            }
            gen_grants_free(scratch.grants, scratch.ngrants);
            free(key);
            if (rc != 0)
                return -1;
        }
    return 0;
}

void apply_default_privileges(ctx *c, gen_relation *r)
{
    char *any = default_key(c->m->current_role, NULL), *here = default_key(c->m->current_role, r->schema);
    r->owner = c->m->current_role ? xstrdup(c->m->current_role) : NULL;
    for (size_t i = 0; i < c->m->ndefault_privs; i++) {
        const gen_grant *d = &c->m->default_privs[i];
        if (strcmp(d->column, any) == 0 || strcmp(d->column, here) == 0)
            acl_change(r, d->grantee, NULL, d->privs, true);
    }
    free(any);
    free(here);
}

int set_owner(ctx *c, gen_relation *r, const PgQuery__RoleSpec *role)
{
    const char *who = role_of(c, role);
    free(r->owner);
    r->owner = who ? xstrdup(who) : NULL;
    return 0;
}

int do_alter_view_owner(ctx *c, const PgQuery__AlterTableStmt *s)
{
    gen_relation *r = find_rv(c, s->relation);
    for (size_t i = 0; r && i < s->n_cmds; i++)
        if (s->cmds[i]->alter_table_cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner)
            set_owner(c, r, s->cmds[i]->alter_table_cmd->newowner);
    return 0;
}

int do_set_role(ctx *c, const PgQuery__VariableSetStmt *s)
{
    const Node *a = s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE && s->n_args ? s->args[0] : NULL;
    const char *v = a && a->node_case == PG_QUERY__NODE__NODE_A_CONST && a->a_const->val_case ==
                                                                             PG_QUERY__A__CONST__VAL_SVAL
                        ? a->a_const->sval->sval
                        : NULL;
    free(c->m->current_role);
    c->m->current_role = v && strcmp(v, "none") != 0 ? xstrdup(v) : NULL;
    return 0;
}
