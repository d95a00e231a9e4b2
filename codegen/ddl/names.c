/* blogdb-gen, DDL replay: implicit names, as PostgreSQL's makeObjectName / ChooseRelationName choose them. */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- implicit names (PostgreSQL's makeObjectName / ChooseRelationName) ---- */

/* Cuts a UTF-8 string to at most n bytes without splitting a character. */
static size_t clip_len(const char *s, size_t n)
{
    size_t len = strlen(s);
    if (len <= n)
        return len;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static char *make_object_name(const char *name1, const char *name2, const char *label)
{
    size_t overhead = (label ? strlen(label) + 1 : 0) + (name2 ? 1 : 0);
    size_t avail = NAMEDATALEN - 1 - overhead;
    size_t l1 = strlen(name1), l2 = name2 ? strlen(name2) : 0;
    while (l1 + l2 > avail) {
        if (l1 > l2)
            l1--;
        else
            l2--;
    }
    l1 = clip_len(name1, l1);
    if (name2)
        l2 = clip_len(name2, l2);
    return xstrfmt("%.*s%s%.*s%s%s", (int)l1, name1, name2 ? "_" : "", (int)l2, name2 ? name2 : "",
                   label ? "_" : "", label ? label : "");
}

static bool name_used(const gen_model *m, const char *schema, const char *name, name_space ns)
{
    return (ns != NS_CONSTRAINT && name_taken(m, schema, name)) ||
           (ns != NS_RELATION && constraint_name_used(m, schema, name, NULL));
}

/* A free name "<name1>_<name2>_<label>" in schema's namespace ns, numbering the label on conflict:
 * ChooseRelationName (NS_RELATION; NS_BOTH for the index of a constraint) and ChooseConstraintName
 * (NS_CONSTRAINT). */
char *choose_name(const gen_model *m, const char *schema, const char *name1, const char *name2,
                  const char *label, name_space ns)
{
    char *name = make_object_name(name1, name2, label);
    for (int pass = 1; name_used(m, schema, name, ns); pass++) {
        char *numbered = xstrfmt("%s%d", label, pass);
        free(name);
        name = make_object_name(name1, name2, numbered);
        free(numbered);
    }
    return name;
}

/* Column names joined by "_", as ChooseIndexNameAddition does. */
char *join_names(char *const *cols, size_t n)
{
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_putc(&sb, '_');
        sb_puts(&sb, cols[i] ? cols[i] : "expr");
        if (sb.len >= NAMEDATALEN)
            break;
    }
    return sb.data;
}

/* The name PostgreSQL figures for an expression (FigureColname): a function's or column's
 * name, a cast's target type when its argument has no name, else "expr". */
const char *figure_name(const Node *e, int *strength)
{
    *strength = 0;
    if (!e)
        return "expr";
    switch (e->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
        const char *last = node_str(e->column_ref->fields[e->column_ref->n_fields - 1]);
        if (last) {
            *strength = 2;
            return last;
        }
        return "expr";
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        *strength = 2;
        return node_str(e->func_call->funcname[e->func_call->n_funcname - 1]);
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        const char *inner = figure_name(e->type_cast->arg, strength);
        const PgQuery__TypeName *tn = e->type_cast->type_name;
        if (*strength <= 1 && tn->n_names) {
            *strength = 1;
            return node_str(tn->names[tn->n_names - 1]);
        }
        return inner;
    }
    default:
        return "expr";
    }
}
