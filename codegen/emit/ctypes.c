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

bool text_io(const gen_type *t)
{
    return t->ct == CT_UNSUPPORTED && !t->is_array;
}

const char *rt_type(ctype ct)
{
    if (ct == CT_UNSUPPORTED)
        return "BLOGDB_RT_TEXT"; /* a text-I/O column (text_io) */
    static const char *const names[] = {
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) [CT_##id] = "BLOGDB_RT_" #id,
#include "../../lib/types.def"
#undef BLOGDB_TYPE
    };
    return names[ct];
}

static char *enum_c_type(const emitter *e, const gen_enum *en, const char *suffix)
{
    char *id = object_ident(en->schema, en->name);
    char *s = xstrfmt("%s_%s%s", e->prefix, id, suffix);
    free(id);
    return s;
}

/* C type of a value of this column ("int32_t", "const char *", "blogdb_post_status", "blogdb_text_array"). */
char *c_type(const emitter *e, const gen_type *t)
{
    /* the C types of types.def (enums are generated per enum, below) */
    static const char *const scalars[] = {
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) [CT_##id] = #ctype,
#include "../../lib/types.def"
#undef BLOGDB_TYPE
    };
    static const char *const arrays[] = {
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) [CT_##id] = #carray,
#include "../../lib/types.def"
#undef BLOGDB_TYPE
    };
    if (t->ct == CT_ENUM)
        return enum_c_type(e, t->enum_def, t->is_array ? "_array" : "");
    if (text_io(t))
        return xstrdup("const char *");
    return xstrdup(t->is_array ? arrays[t->ct] : scalars[t->ct]);
}

/* Pointer-typed columns use NULL for SQL NULL; the others get a has_ flag. */
bool is_pointer_type(const gen_type *t)
{
    enum { FIXED, STRING, BYTES, LABEL };
    static const unsigned char forms[] = {
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) [CT_##id] = form,
#include "../../lib/types.def"
#undef BLOGDB_TYPE
    };
    return !t->is_array && (forms[t->ct] == STRING || text_io(t));
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
