/* blogdb-gen: the schema model — lookup, release, and the --dump-model JSON. */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

bool strv_has(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] && strcmp(v[i], s) == 0)
            return true;
    return false;
}

void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void model_init(gen_model *m)
{
    memset(m, 0, sizeof *m);
    *VEC_PUSH(m->schemas, m->nschemas) = xstrdup("public");
    *VEC_PUSH(m->search_path, m->nsearch_path) = xstrdup("public");
}

bool rel_is_table(const gen_relation *r)
{
    return r->kind == REL_TABLE || r->kind == REL_PARTITIONED;
}

void gen_index_free(gen_index *ix)
{
    free(ix->name);
    strv_free(ix->columns, ix->ncolumns);
    strv_free(ix->uses, ix->nuses);
    free(ix->name_cols);
}

void gen_check_free(gen_check *k)
{
    free(k->name);
    strv_free(k->uses, k->nuses);
}

void gen_fkey_free(gen_fkey *k)
{
    free(k->name);
    free(k->ref_schema);
    free(k->ref_table);
    strv_free(k->columns, k->ncolumns);
    strv_free(k->ref_columns, k->ncolumns);
}

void gen_grants_free(gen_grant *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(g[i].grantee);
        free(g[i].column);
    }
    free(g);
}

/* Whether role is member (directly or through other roles) of group, depth-bounded against cycles. */
static bool member_of(const gen_model *m, const char *role, const char *group, int depth)
{
    size_t rl = strlen(role);
    if (strcmp(role, group) == 0)
        return true;
    for (size_t i = 0; depth < 16 && i < m->nmemberships; i++)
        if (strncmp(m->memberships[i], role, rl) == 0 && m->memberships[i][rl] == '\x1f' &&
            member_of(m, m->memberships[i] + rl + 1, group, depth + 1))
            return true;
    return false;
}

static bool any_column_allows(const gen_model *m, const gen_relation *r, const char *role, unsigned priv)
{
    if (rel_privileges(m, r, role, NULL) & priv)
        return true;
    for (size_t c = 0; c < r->ncolumns; c++)
        if (rel_privileges(m, r, role, r->columns[c].name) & priv)
            return true;
    return false;
}

bool query_allowed(const gen_model *m, const gen_query *q, const char *role, char **why)
{
    static const char *const op[] = {[PRIV_INSERT] = "INSERT", [PRIV_UPDATE] = "UPDATE", [PRIV_DELETE] = "DELETE"};
    *why = NULL;
    for (size_t i = 0; i < q->nreads; i++) {
        char *key = xstrdup(q->reads[i]), *rel = strchr(key, '\x1f'), *col;
        gen_relation *r;
        *rel++ = '\0';
        if ((col = strchr(rel, '\x1f')))
            *col++ = '\0';
        r = model_find_rel((gen_model *)m, key, rel);
        /* information_schema (not in the model) is PUBLIC's; a write's own target needs no SELECT
         * unless a column of it is read */
        if (r && (col ? !(rel_privileges(m, r, role, col) & PRIV_SELECT)
                      : r != q->target && !any_column_allows(m, r, role, PRIV_SELECT)))
            *why = col ? xstrfmt("SELECT on %s.%s.%s", key, rel, col) : xstrfmt("SELECT on %s.%s", key, rel);
        free(key);
        if (*why)
            return false;
    }
    if (q->target && !any_column_allows(m, q->target, role, q->target_priv)) {
        *why = xstrfmt("%s on %s.%s", op[q->target_priv], q->target->schema, q->target->name);
        return false;
    }
    return true;
}

bool rel_owned_by(const gen_model *m, const gen_relation *r, const char *role)
{
    return r->owner && member_of(m, role, r->owner, 0);
}

unsigned rel_privileges(const gen_model *m, const gen_relation *r, const char *role, const char *column)
{
    unsigned privs = 0;
    if (rel_owned_by(m, r, role)) /* an owner has every privilege */
        return PRIV_ALL;
    for (size_t i = 0; i < r->ngrants; i++) {
        const gen_grant *g = &r->grants[i];
        if (g->column && (!column || strcmp(g->column, column) != 0))
            continue;
        if (strcmp(g->grantee, "PUBLIC") == 0 || member_of(m, role, g->grantee, 0))
            privs |= g->privs;
    }
    return privs;
}

void gen_relation_free(gen_relation *r)
{
    free(r->schema);
    free(r->name);
    free(r->comment);
    for (size_t c = 0; c < r->ncolumns; c++) {
        free(r->columns[c].name);
        free(r->columns[c].type.sql);
        free(r->columns[c].comment);
    }
    free(r->columns);
    strv_free(r->primary_key, r->npk);
    for (size_t x = 0; x < r->nindexes; x++)
        gen_index_free(&r->indexes[x]);
    free(r->indexes);
    for (size_t f = 0; f < r->nfkeys; f++)
        gen_fkey_free(&r->fkeys[f]);
    free(r->fkeys);
    strv_free(r->deps, r->ndeps);
    free(r->owner);
    gen_grants_free(r->grants, r->ngrants);
    for (size_t k = 0; k < r->nchecks; k++)
        gen_check_free(&r->checks[k]);
    free(r->checks);
    free(r->where);
}

static void enum_free(gen_enum *e)
{
    free(e->schema);
    free(e->name);
    free(e->comment);
    strv_free(e->labels, e->nlabels);
    free(e);
}

static void domain_free(gen_domain *d)
{
    free(d->schema);
    free(d->name);
    free(d->base.sql);
    strv_free(d->checks, d->nchecks);
    free(d);
}

/* Removes element i of a vector of n pointers, keeping the others' order (the emitted order). */
static void vec_remove(void **v, size_t *n, size_t i)
{
    memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof *v);
    (*n)--;
}

static void composite_free(gen_composite *ct)
{
    free(ct->schema);
    free(ct->name);
    free(ct);
}

void model_remove_composite(gen_model *m, size_t i)
{
    release_name(m, m->composites[i]->schema, m->composites[i]->name);
    composite_free(m->composites[i]);
    vec_remove((void **)m->composites, &m->ncomposites, i);
}

void model_remove_function(gen_model *m, size_t i)
{
    gen_function_free(m->functions[i]);
    vec_remove((void **)m->functions, &m->nfunctions, i);
}

static bool type_is(const gen_type *t, const void *def)
{
    return t->enum_def == def || t->domain_def == def;
}

/* Functions whose signature uses a type being dropped go with it (PostgreSQL's DROP TYPE ... CASCADE;
 * without CASCADE it refuses, which the model does not check for functions). */
static void remove_functions_using(gen_model *m, const void *def)
{
    for (size_t i = 0; i < m->nfunctions;) {
        const gen_function *f = m->functions[i];
        bool uses = type_is(&f->result, def);
        for (size_t a = 0; a < f->nargs && !uses; a++)
            uses = type_is(&f->args[a], def);
        for (size_t o = 0; o < f->nouts && !uses; o++)
            uses = type_is(&f->outs[o].type, def);
        if (uses) {
            model_remove_function(m, i);
        } else {
            i++;
        }
    }
}

void model_remove_enum(gen_model *m, size_t i)
{
    remove_functions_using(m, m->enums[i]);
    enum_free(m->enums[i]);
    vec_remove((void **)m->enums, &m->nenums, i);
}

void model_remove_domain(gen_model *m, size_t i)
{
    remove_functions_using(m, m->domains[i]);
    domain_free(m->domains[i]);
    vec_remove((void **)m->domains, &m->ndomains, i);
}

void gen_function_free(gen_function *f)
{
    free(f->schema);
    free(f->name);
    for (size_t i = 0; i < f->nargs; i++)
        free(f->args[i].sql);
    free(f->args);
    free(f->result.sql);
    for (size_t i = 0; i < f->nouts; i++) {
        free(f->outs[i].name);
        free(f->outs[i].type.sql);
    }
    free(f->outs);
    free(f->row_schema);
    free(f->row_name);
    free(f);
}

void gen_query_free(gen_query *q)
{
    free(q->name);
    free(q->command);
    free(q->doc);
    free(q->sql);
    for (size_t i = 0; i < q->nparams; i++) {
        free(q->params[i].name);
        free(q->params[i].type.sql);
    }
    if (q->copy_columns)
        strv_free(q->copy_columns, q->nparams);
    strv_free(q->reads, q->nreads);
    for (size_t i = 0; i < q->nembeds; i++)
        free(q->embeds[i].name);
    free(q->embeds);
    free(q->params);
    gen_relation_free(&q->result);
    free(q->where);
    free(q);
}

void model_free(gen_model *m)
{
    for (size_t i = 0; i < m->nenums; i++)
        enum_free(m->enums[i]);
    free(m->enums);
    for (size_t i = 0; i < m->nrels; i++) {
        gen_relation_free(m->rels[i]);
        free(m->rels[i]);
    }
    free(m->rels);
    for (size_t i = 0; i < m->ncatalog; i++) {
        gen_relation_free(m->catalog[i]);
        free(m->catalog[i]);
    }
    free(m->catalog);
    strv_free(m->memberships, m->nmemberships);
    gen_grants_free(m->default_privs, m->ndefault_privs);
    free(m->current_role);
    for (size_t i = 0; i < m->ndomains; i++)
        domain_free(m->domains[i]);
    free(m->domains);
    strv_free(m->schemas, m->nschemas);
    strv_free(m->search_path, m->nsearch_path);
    strv_free(m->extensions, m->nextensions);
    strv_free(m->constraint_names, m->nconstraint_names);
    for (size_t i = 0; i < m->nqueries; i++)
        gen_query_free(m->queries[i]);
    free(m->queries);
    for (size_t i = 0; i < m->nfunctions; i++)
        gen_function_free(m->functions[i]);
    free(m->functions);
    for (size_t i = 0; i < m->ncomposites; i++)
        composite_free(m->composites[i]);
    free(m->composites);
    memset(m, 0, sizeof *m);
}

static char *name_key(const char *schema, const char *name)
{
    return xstrfmt("%s\x1f%s", schema, name);
}

bool name_taken(const gen_model *m, const char *schema, const char *name)
{
    char *key = name_key(schema, name);
    bool taken = false;
    for (size_t i = 0; i < m->nconstraint_names && !taken; i++)
        taken = strcmp(m->constraint_names[i], key) == 0;
    for (size_t i = 0; i < m->nrels && !taken; i++)
        taken = strcmp(m->rels[i]->schema, schema) == 0 && strcmp(m->rels[i]->name, name) == 0;
    free(key);
    return taken;
}

bool constraint_name_used(const gen_model *m, const char *schema, const char *name, const gen_relation *only)
{
    for (size_t i = 0; i < m->nrels; i++) {
        const gen_relation *r = m->rels[i];
        if (strcmp(r->schema, schema) != 0 || (only && r != only))
            continue;
        for (size_t x = 0; x < r->nindexes; x++)
            if (r->indexes[x].constraint && strcmp(r->indexes[x].name, name) == 0)
                return true;
        for (size_t f = 0; f < r->nfkeys; f++)
            if (strcmp(r->fkeys[f].name, name) == 0)
                return true;
        for (size_t k = 0; k < r->nchecks; k++)
            if (strcmp(r->checks[k].name, name) == 0)
                return true;
    }
    return false;
}

void take_name(gen_model *m, const char *schema, const char *name)
{
    *VEC_PUSH(m->constraint_names, m->nconstraint_names) = name_key(schema, name);
}

void release_name(gen_model *m, const char *schema, const char *name)
{
    char *key = name_key(schema, name);
    for (size_t i = 0; i < m->nconstraint_names; i++)
        if (strcmp(m->constraint_names[i], key) == 0) {
            free(m->constraint_names[i]);
            m->constraint_names[i] = m->constraint_names[--m->nconstraint_names];
            break;
        }
    free(key);
}

size_t model_rel_index(const gen_model *m, const gen_relation *r)
{
    for (size_t i = 0; i < m->nrels; i++)
        if (m->rels[i] == r)
            return i;
    return m->nrels;
}

gen_relation *model_add_rel(gen_model *m)
{
    gen_relation *r = xcalloc(1, sizeof *r);
    *VEC_PUSH(m->rels, m->nrels) = r;
    return r;
}

void model_remove_rel(gen_model *m, size_t i)
{
    gen_relation *r = m->rels[i];
    for (size_t x = 0; x < r->nindexes; x++)
        release_name(m, r->schema, r->indexes[x].name);
    gen_relation_free(r);
    free(r);
    memmove(&m->rels[i], &m->rels[i + 1], (m->nrels - i - 1) * sizeof *m->rels);
    m->nrels--;
}

gen_relation *model_find_rel(gen_model *m, const char *schema, const char *name)
{
    for (size_t i = 0; i < m->nrels; i++)
        if (strcmp(m->rels[i]->schema, schema) == 0 && strcmp(m->rels[i]->name, name) == 0)
            return m->rels[i];
    return NULL;
}

int rel_find_column(const gen_relation *r, const char *name)
{
    for (size_t i = 0; i < r->ncolumns; i++)
        if (strcmp(r->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void json_str(strbuf *sb, const char *s)
{
    if (!s) {
        sb_puts(sb, "null");
        return;
    }
    sb_putc(sb, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            sb_putc(sb, '\\');
            sb_putc(sb, (char)c);
        } else if (c < 0x20) {
            sb_printf(sb, "\\u%04x", c);
        } else {
            sb_putc(sb, (char)c);
        }
    }
    sb_putc(sb, '"');
}

static void json_strv(strbuf *sb, char *const *v, size_t n)
{
    sb_putc(sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(sb, ", ");
        json_str(sb, v[i]);
    }
    sb_putc(sb, ']');
}

static const char *kind_name(rel_kind k)
{
    static const char *const names[] = {[REL_TABLE] = "table", [REL_VIEW] = "view",
                                        [REL_MATVIEW] = "materialized_view", [REL_PARTITIONED] = "partitioned_table"};
    return names[k];
}

/* {"name", "type", "not_null"[, "has_default"]}: has_default < 0 leaves it out (queries). */
/* ", \"comment\": ..." when there is one (COMMENT ON): the catalog's obj_description / col_description. */
static void dump_comment(strbuf *sb, const char *comment)
{
    if (!comment)
        return;
    sb_puts(sb, ", \"comment\": ");
    json_str(sb, comment);
}

static void dump_column(strbuf *sb, const char *name, const char *type, bool not_null, int has_default,
                        const char *comment, bool first)
{
    sb_puts(sb, first ? "\n     " : ",\n     ");
    sb_puts(sb, "{\"name\": ");
    json_str(sb, name);
    sb_puts(sb, ", \"type\": ");
    json_str(sb, type);
    sb_printf(sb, ", \"not_null\": %s", not_null ? "true" : "false");
    if (has_default >= 0)
        sb_printf(sb, ", \"has_default\": %s", has_default ? "true" : "false");
    dump_comment(sb, comment);
    sb_putc(sb, '}');
}

/* "queries": name, command, the SQL sent, parameters and result columns (types as format_type). */
static void dump_queries(const gen_model *m, strbuf *sb)
{
    sb_puts(sb, ",\n \"queries\": [");
    for (size_t i = 0; i < m->nqueries; i++) {
        const gen_query *q = m->queries[i];
        sb_puts(sb, i ? ",\n  " : "\n  ");
        sb_puts(sb, "{\"name\": ");
        json_str(sb, q->name);
        sb_puts(sb, ", \"command\": ");
        json_str(sb, q->command);
        sb_puts(sb, ", \"sql\": ");
        json_str(sb, q->sql);
        sb_puts(sb, ",\n   \"params\": [");
        for (size_t p = 0; p < q->nparams; p++)
            dump_column(sb, q->params[p].name, q->params[p].type.sql, !q->params[p].nullable, -1, NULL, p == 0);
        sb_puts(sb, "],\n   \"columns\": [");
        for (size_t c = 0; c < q->result.ncolumns; c++)
            dump_column(sb, q->result.columns[c].name, q->result.columns[c].type.sql, q->result.columns[c].not_null,
                        -1, NULL, c == 0);
        sb_puts(sb, "]}");
    }
    sb_putc(sb, ']');
}

/* privs as GRANT spells them, comma-separated ("" for none). */
static void put_privs(strbuf *sb, unsigned privs)
{
    static const char *const names[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"};
    bool first = true;
    sb_putc(sb, '"');
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (privs >> i & 1) {
            sb_printf(sb, "%s%s", first ? "" : ",", names[i]);
            first = false;
        }
    sb_putc(sb, '"');
}

/* With --role: what the role may do on r, and on each column (the relation's grants included). */
static void dump_privileges(const gen_model *m, const gen_relation *r, strbuf *sb)
{
    sb_puts(sb, ",\n   \"privileges\": ");
    put_privs(sb, rel_privileges(m, r, m->bindings_role, NULL));
    sb_puts(sb, ", \"column_privileges\": {");
    for (size_t c = 0; c < r->ncolumns; c++) {
        sb_puts(sb, c ? ", " : "");
        json_str(sb, r->columns[c].name);
        sb_puts(sb, ": ");
        put_privs(sb, rel_privileges(m, r, m->bindings_role, r->columns[c].name) &
                          (PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE | PRIV_REFERENCES));
    }
    sb_putc(sb, '}');
}

void model_dump_json(const gen_model *m, strbuf *sb)
{
    sb_puts(sb, "{\"enums\": [");
    for (size_t i = 0; i < m->nenums; i++) {
        const gen_enum *e = m->enums[i];
        sb_puts(sb, i ? ",\n  " : "\n  ");
        sb_puts(sb, "{\"schema\": ");
        json_str(sb, e->schema);
        sb_puts(sb, ", \"name\": ");
        json_str(sb, e->name);
        sb_puts(sb, ", \"labels\": ");
        json_strv(sb, e->labels, e->nlabels);
        dump_comment(sb, e->comment);
        sb_putc(sb, '}');
    }
    sb_puts(sb, "],\n \"relations\": [");
    for (size_t i = 0, n = 0; i < m->nrels; i++) {
        const gen_relation *r = m->rels[i];
        if (r->is_partition)
            continue;
        sb_puts(sb, n++ ? ",\n  " : "\n  ");
        sb_puts(sb, "{\"schema\": ");
        json_str(sb, r->schema);
        sb_puts(sb, ", \"name\": ");
        json_str(sb, r->name);
        sb_printf(sb, ", \"kind\": \"%s\",\n   \"columns\": [", kind_name(r->kind));
        for (size_t c = 0; c < r->ncolumns; c++)
            dump_column(sb, r->columns[c].name, r->columns[c].type.sql, r->columns[c].not_null,
                        r->columns[c].has_default, r->columns[c].comment, c == 0);
        sb_puts(sb, "],\n   \"primary_key\": ");
        json_strv(sb, r->primary_key, r->npk);
        sb_puts(sb, ",\n   \"indexes\": [");
        for (size_t x = 0; x < r->nindexes; x++) {
            const gen_index *ix = &r->indexes[x];
            sb_puts(sb, x ? ",\n     " : "\n     ");
            sb_puts(sb, "{\"name\": ");
            json_str(sb, ix->name);
            sb_puts(sb, ", \"columns\": ");
            json_strv(sb, ix->columns, ix->ncolumns);
            sb_printf(sb, ", \"unique\": %s, \"desc\": [", ix->unique ? "true" : "false");
            for (size_t k = 0; k < ix->ncolumns; k++)
                sb_printf(sb, "%s%s", k ? ", " : "", k < 32 && ix->desc >> k & 1 ? "true" : "false");
            sb_puts(sb, "]}");
        }
        sb_puts(sb, "],\n   \"foreign_keys\": [");
        for (size_t f = 0; f < r->nfkeys; f++) {
            const gen_fkey *k = &r->fkeys[f];
            sb_puts(sb, f ? ",\n     " : "\n     ");
            sb_puts(sb, "{\"name\": ");
            json_str(sb, k->name);
            sb_puts(sb, ", \"columns\": ");
            json_strv(sb, k->columns, k->ncolumns);
            sb_puts(sb, ", \"ref_schema\": ");
            json_str(sb, k->ref_schema);
            sb_puts(sb, ", \"ref_table\": ");
            json_str(sb, k->ref_table);
            sb_puts(sb, ", \"ref_columns\": ");
            json_strv(sb, k->ref_columns, k->ncolumns);
            sb_putc(sb, '}');
        }
        sb_puts(sb, "],\n   \"checks\": [");
        for (size_t k = 0; k < r->nchecks; k++) {
            sb_puts(sb, k ? ", " : "");
            json_str(sb, r->checks[k].name);
        }
        sb_putc(sb, ']');
        dump_comment(sb, r->comment);
        if (m->bindings_role)
            dump_privileges(m, r, sb);
        sb_putc(sb, '}');
    }
    sb_putc(sb, ']');
    if (m->nqueries)
        dump_queries(m, sb);
    sb_puts(sb, "}\n");
}
