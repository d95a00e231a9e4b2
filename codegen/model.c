/* blogdb-gen: the schema model — lookup, release, and the --dump-model JSON. */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void model_free(gen_model *m)
{
    for (size_t i = 0; i < m->nenums; i++) {
        gen_enum *e = &m->enums[i];
        free(e->schema);
        free(e->name);
        free(e->comment);
        free_strv(e->labels, e->nlabels);
    }
    free(m->enums);
    for (size_t i = 0; i < m->nrels; i++) {
        gen_relation *r = &m->rels[i];
        free(r->schema);
        free(r->name);
        free(r->comment);
        for (size_t c = 0; c < r->ncolumns; c++) {
            free(r->columns[c].name);
            free(r->columns[c].type.sql);
            free(r->columns[c].comment);
        }
        free(r->columns);
        free_strv(r->primary_key, r->npk);
        for (size_t x = 0; x < r->nindexes; x++) {
            free(r->indexes[x].name);
            free_strv(r->indexes[x].columns, r->indexes[x].ncolumns);
        }
        free(r->indexes);
        for (size_t f = 0; f < r->nfkeys; f++) {
            gen_fkey *k = &r->fkeys[f];
            free(k->name);
            free(k->ref_schema);
            free(k->ref_table);
            free_strv(k->columns, k->ncolumns);
            free_strv(k->ref_columns, k->ncolumns);
        }
        free(r->fkeys);
    }
    free(m->rels);
    free_strv(m->constraint_names, m->nconstraint_names);
    memset(m, 0, sizeof *m);
}

gen_relation *model_find_rel(gen_model *m, const char *schema, const char *name)
{
    for (size_t i = 0; i < m->nrels; i++)
        if (strcmp(m->rels[i].schema, schema) == 0 && strcmp(m->rels[i].name, name) == 0)
            return &m->rels[i];
    return NULL;
}

gen_enum *model_find_enum(gen_model *m, const char *schema, const char *name)
{
    for (size_t i = 0; i < m->nenums; i++)
        if (strcmp(m->enums[i].schema, schema) == 0 && strcmp(m->enums[i].name, name) == 0)
            return &m->enums[i];
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
    return k == REL_VIEW ? "view" : "table";
}

void model_dump_json(const gen_model *m, strbuf *sb)
{
    sb_puts(sb, "{\"enums\": [");
    for (size_t i = 0; i < m->nenums; i++) {
        const gen_enum *e = &m->enums[i];
        sb_puts(sb, i ? ",\n  " : "\n  ");
        sb_puts(sb, "{\"schema\": ");
        json_str(sb, e->schema);
        sb_puts(sb, ", \"name\": ");
        json_str(sb, e->name);
        sb_puts(sb, ", \"labels\": ");
        json_strv(sb, e->labels, e->nlabels);
        sb_putc(sb, '}');
    }
    sb_puts(sb, "],\n \"relations\": [");
    for (size_t i = 0; i < m->nrels; i++) {
        const gen_relation *r = &m->rels[i];
        sb_puts(sb, i ? ",\n  " : "\n  ");
        sb_puts(sb, "{\"schema\": ");
        json_str(sb, r->schema);
        sb_puts(sb, ", \"name\": ");
        json_str(sb, r->name);
        sb_printf(sb, ", \"kind\": \"%s\",\n   \"columns\": [", kind_name(r->kind));
        for (size_t c = 0; c < r->ncolumns; c++) {
            const gen_column *col = &r->columns[c];
            sb_puts(sb, c ? ",\n     " : "\n     ");
            sb_puts(sb, "{\"name\": ");
            json_str(sb, col->name);
            sb_puts(sb, ", \"type\": ");
            json_str(sb, col->type.sql);
            sb_printf(sb, ", \"not_null\": %s, \"has_default\": %s}",
                      col->not_null ? "true" : "false", col->has_default ? "true" : "false");
        }
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
            sb_printf(sb, ", \"unique\": %s}", ix->unique ? "true" : "false");
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
        sb_puts(sb, "]}");
    }
    sb_puts(sb, "]}\n");
}
