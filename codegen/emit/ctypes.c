/* blogdb-gen, emitter: C names and C types of SQL names and types. */
#include "emit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ------------------------------------------------------------------ */

static const char *const c_keywords[] = {
    "auto", "bool", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "false", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict",
    "return", "short", "signed", "sizeof", "static", "struct", "switch", "true", "typedef", "union",
    "unsigned", "void", "volatile", "while", "db", "out", "row", "rows", "after", "limit", "with",
    "mask", "from", "to", NULL};

/* A C identifier for an SQL name: lower case, [a-z0-9_], never a C keyword or a parameter name
 * of the generated functions (those get a trailing underscore). */
char *c_ident(const char *name)
{
    strbuf sb;
    sb_init(&sb);
    if (isdigit((unsigned char)name[0]))
        sb_putc(&sb, '_');
    for (const char *p = name; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        sb_putc(&sb, isalnum(ch) && ch < 0x80 ? (char)tolower(ch) : '_');
    }
    for (size_t i = 0; c_keywords[i]; i++)
        if (strcmp(sb.data, c_keywords[i]) == 0) {
            sb_putc(&sb, '_');
            break;
        }
    return sb.data;
}

char *upper(const char *s)
{
    char *u = xstrdup(s);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

/* The C name of a relation or enum: its name, prefixed by its schema outside "public". */
char *object_ident(const char *schema, const char *name)
{
    char *joined = strcmp(schema, "public") == 0 ? xstrdup(name) : xstrfmt("%s_%s", schema, name);
    char *id = c_ident(joined);
    free(joined);
    return id;
}

void put_qualified(strbuf *sb, const char *schema, const char *name)
{
    sb_put_ident(sb, schema);
    sb_putc(sb, '.');
    sb_put_ident(sb, name);
}

/* A C string literal. */
void put_cstr(strbuf *sb, const char *s)
{
    sb_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_putc(sb, '\\');
        if (*s == '\n')
            sb_puts(sb, "\\n");
        else
            sb_putc(sb, *s);
    }
    sb_putc(sb, '"');
}

/* Comment text safe inside a C comment, on one line. */
void put_comment_text(strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '*' && s[1] == '/')
            sb_puts(sb, "* ");
        else if (*s == '\n' || *s == '\r')
            sb_putc(sb, ' ');
        else
            sb_putc(sb, *s);
    }
}

/* ---- types --------------------------------------------------------------------- */

const char *rt_type(ctype ct)
{
    static const char *const names[] = {
        [CT_UUID] = "BLOGDB_RT_UUID", [CT_TEXT] = "BLOGDB_RT_TEXT", [CT_BOOL] = "BLOGDB_RT_BOOL",
        [CT_INT2] = "BLOGDB_RT_INT2", [CT_INT4] = "BLOGDB_RT_INT4", [CT_INT8] = "BLOGDB_RT_INT8",
        [CT_FLOAT4] = "BLOGDB_RT_FLOAT4", [CT_FLOAT8] = "BLOGDB_RT_FLOAT8",
        [CT_TIMESTAMP] = "BLOGDB_RT_TIMESTAMP", [CT_TIMESTAMPTZ] = "BLOGDB_RT_TIMESTAMPTZ",
        [CT_DATE] = "BLOGDB_RT_DATE", [CT_BYTEA] = "BLOGDB_RT_BYTEA", [CT_JSON] = "BLOGDB_RT_JSON",
        [CT_JSONB] = "BLOGDB_RT_JSONB", [CT_ENUM] = "BLOGDB_RT_ENUM", [CT_NUMERIC] = "BLOGDB_RT_NUMERIC",
        [CT_INTERVAL] = "BLOGDB_RT_INTERVAL", [CT_INET] = "BLOGDB_RT_INET", [CT_TIME] = "BLOGDB_RT_TIME"};
    return names[ct];
}

static char *enum_c_type(const emitter *e, int enum_index, const char *suffix)
{
    const gen_enum *en = &e->m->enums[enum_index];
    char *id = object_ident(en->schema, en->name);
    char *s = xstrfmt("%s_%s%s", e->P, id, suffix);
    free(id);
    return s;
}

/* C type of a value of this column ("int32_t", "const char *", "blogdb_post_status", "blogdb_text_array"). */
char *c_type(const emitter *e, const gen_type *t)
{
    static const char *const scalars[] = {
        [CT_UUID] = "uuid_t", [CT_TEXT] = "const char *", [CT_JSON] = "const char *", [CT_JSONB] = "const char *",
        [CT_NUMERIC] = "const char *", [CT_INET] = "const char *", [CT_BOOL] = "bool", [CT_INT2] = "int16_t",
        [CT_INT4] = "int32_t", [CT_DATE] = "int32_t", [CT_INT8] = "int64_t", [CT_TIME] = "int64_t",
        [CT_FLOAT4] = "float", [CT_FLOAT8] = "double", [CT_TIMESTAMP] = "blogdb_timestamp",
        [CT_TIMESTAMPTZ] = "blogdb_timestamp", [CT_BYTEA] = "blogdb_bytes", [CT_INTERVAL] = "blogdb_interval"};
    static const char *const arrays[] = {
        [CT_UUID] = "blogdb_uuid_array", [CT_TEXT] = "blogdb_text_array", [CT_JSON] = "blogdb_text_array",
        [CT_JSONB] = "blogdb_text_array", [CT_NUMERIC] = "blogdb_text_array", [CT_INET] = "blogdb_text_array",
        [CT_BOOL] = "blogdb_bool_array", [CT_INT2] = "blogdb_int16_array", [CT_INT4] = "blogdb_int32_array",
        [CT_DATE] = "blogdb_int32_array", [CT_INT8] = "blogdb_int64_array", [CT_TIME] = "blogdb_int64_array",
        [CT_FLOAT4] = "blogdb_float_array", [CT_FLOAT8] = "blogdb_double_array",
        [CT_TIMESTAMP] = "blogdb_int64_array", [CT_TIMESTAMPTZ] = "blogdb_int64_array",
        [CT_BYTEA] = "blogdb_bytes_array", [CT_INTERVAL] = "blogdb_interval_array"};
    if (t->ct == CT_ENUM)
        return enum_c_type(e, t->enum_index, t->is_array ? "_array" : "");
    return xstrdup(t->is_array ? arrays[t->ct] : scalars[t->ct]);
}

/* Pointer-typed columns use NULL for SQL NULL; the others get a has_ flag. */
bool is_pointer_type(const gen_type *t)
{
    return !t->is_array && (t->ct == CT_TEXT || t->ct == CT_JSON || t->ct == CT_JSONB || t->ct == CT_NUMERIC ||
                            t->ct == CT_INET);
}

/* "T name" as a declaration (pointer types bind the star to the name). */
void put_decl(strbuf *sb, const char *type, const char *name, bool input)
{
    size_t n = strlen(type);
    if (input && strcmp(type, "uuid_t") == 0)
        sb_printf(sb, "const uuid_t %s", name);
    else
        sb_printf(sb, "%s%s%s", type, type[n - 1] == '*' ? "" : " ", name);
}

const char *kind_words(rel_kind k)
{
    static const char *const w[] = {[REL_TABLE] = "table", [REL_VIEW] = "view", [REL_MATVIEW] = "materialized view",
                                    [REL_PARTITIONED] = "partitioned table"};
    return w[k];
}

void relinfo_free(relinfo *ri)
{
    free(ri->id);
    free(ri->ID);
    for (size_t i = 0; i < ri->r->ncolumns; i++)
        free(ri->fields[i]);
    free(ri->fields);
    free(ri->pk);
}
