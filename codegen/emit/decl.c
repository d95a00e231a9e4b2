/* blogdb-gen, emitter: declarations: prototypes and their doc blocks (every parameter documented). */
#include "emit.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* What the parameters generated functions share mean; any other parameter is a column value. */
static const char *const param_docs[][2] = {
    {"db", "The connection."},
    {"out", "Receives the result."},
    {"row", "The row; an update finds the row to change by its key columns."},
    {"rows", "The rows."},
    {"count", "Number of rows."},
    {"with", "Columns with a DEFAULT to send (column bits); the others take their DEFAULT."},
    {"mask", "The columns to write (column bits), no key column."},
    {"limit", "Most rows to return, >= 0."},
    {"after", "The last row of the previous page (only its key columns are read), or NULL for the first page."},
    {"fn", "Called with each row: 0 to go on, a positive value to stop, a negative BLOGDB_E* code to abort."},
    {"ctx", "Passed to the callback."},
    {"next", "Fills the next row: 1, 0 at the end, or a negative BLOGDB_E* code to abort."},
    {"from", "Lower bound, included."},
    {"to", "Upper bound, excluded."},
};

/* The name a C parameter declaration declares (its last identifier). */
static char *param_name(const char *decl, size_t len)
{
    size_t end = len, start;
    while (end > 0 && !(isalnum((unsigned char)decl[end - 1]) || decl[end - 1] == '_'))
        end--;
    start = end;
    while (start > 0 && (isalnum((unsigned char)decl[start - 1]) || decl[start - 1] == '_'))
        start--;
    return xstrfmt("%.*s", (int)(end - start), decl + start);
}

/* The doc block with a @param line for every parameter the hand-written part left out (Doxygen
 * checks that every parameter is documented), placed before @return. */
static char *complete_doc(const char *doc, const char *ret_and_name, const char *params)
{
    strbuf add, first;
    const char *p = params, *ret = strstr(doc, " * @return"), *at = strstr(doc, " * @param");
    bool is_free = strlen(ret_and_name) > 5 && strcmp(ret_and_name + strlen(ret_and_name) - 5, "_free") == 0;
    char *out;
    sb_init(&add);
    sb_init(&first);
    while (*p) {
        size_t n = strcspn(p, ",");
        char *name = param_name(p, n), *a = xstrfmt("@param %s ", name), *b = xstrfmt("@param[out] %s ", name);
        if (*name && strcmp(name, "void") != 0 && !strstr(doc, a) && !strstr(doc, b)) {
            const char *what = NULL;
            for (size_t i = 0; i < sizeof param_docs / sizeof param_docs[0] && !what; i++)
                if (strcmp(param_docs[i][0], name) == 0)
                    what = param_docs[i][1];
            if (is_free)
                sb_printf(&add, " * @param %s  What to free; NULL is ignored.\n", name);
            else if (strcmp(name, "db") == 0) /* first, before the hand-written @param lines */
                sb_printf(&first, " * @param %s  %s\n", name, what);
            else if (what)
                sb_printf(&add, " * @param %s  %s\n", name, what);
            else
                sb_printf(&add, " * @param %s  Value of column %s.\n", name, name);
        }
        free(a);
        free(b);
        free(name);
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    if (!ret)
        ret = doc + strlen(doc);
    if (!at || at > ret)
        at = ret;
    out = xstrfmt("%.*s%s%.*s%s%s", (int)(at - doc), doc, first.data ? first.data : "", (int)(ret - at), at,
                  add.data ? add.data : "", ret);
    sb_free(&add);
    sb_free(&first);
    return out;
}

static size_t name_hash(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot of name in r's index: where it is, or the empty one where it would go. */
static size_t *name_slot(const namereg *r, const char *name)
{
    size_t i = name_hash(name) & (r->cap - 1);
    while (r->slots[i] && strcmp(r->names[r->slots[i] - 1], name) != 0)
        i = (i + 1) & (r->cap - 1);
    return &r->slots[i];
}

/* Records name in r (a clash also marks the public registry, which decides the exit status). The
 * index keeps this linear in the number of names: 1,000 tables make some 70,000. */
static void claim_in(emitter *e, namereg *r, const char *name)
{
    const char *owner = e->owner ? e->owner : "the generated code";
    size_t *slot;
    if ((r->n + 1) * 2 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        free(r->slots);
        r->slots = xcalloc(cap, sizeof *r->slots);
        r->cap = cap;
        for (size_t i = 0; i < r->n; i++)
            *name_slot(r, r->names[i]) = i + 1;
    }
    slot = name_slot(r, name);
    if (*slot) {
        diag_error_where(e->where, "%s and %s both make the C name %s; rename one of them", r->owners[*slot - 1],
                         owner, name);
        r->clash = e->names->clash = true;
        return;
    }
    *VEC_PUSH(r->names, r->n) = xstrdup(name);
    r->owners = xrealloc(r->owners, r->n * sizeof *r->owners);
    r->owners[r->n - 1] = xstrdup(owner);
    *slot = r->n;
}

static void vclaim_in(emitter *e, namereg *r, const char *fmt, va_list ap)
{
    strbuf sb;
    sb_init(&sb);
    sb_vprintf(&sb, fmt, ap);
    claim_in(e, r, sb.data);
    sb_free(&sb);
}

void claim(emitter *e, const char *name)
{
    claim_in(e, e->names, name);
}

void claim_static(emitter *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vclaim_in(e, &e->statics, fmt, ap);
    va_end(ap);
}

void claimf(emitter *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vclaim_in(e, e->names, fmt, ap);
    va_end(ap);
}

void namereg_free(namereg *r)
{
    strv_free(r->names, r->n);
    strv_free(r->owners, r->n);
    free(r->slots);
    memset(r, 0, sizeof *r);
}

/* Emits prototype (header, with doc) and definition start (impl) of one function. */
void emit_proto(emitter *e, const char *doc, const char *ret_and_name, const char *params)
{
    char *full = complete_doc(doc, ret_and_name, params);
    const char *name = ret_and_name + strlen(ret_and_name);
    while (name > ret_and_name && name[-1] != ' ' && name[-1] != '*')
        name--;
    claim(e, name);
    sb_printf(e->hdr, "/**\n%s */\nBLOGDB_API %s(%s);\n\n", full, ret_and_name, params);
    sb_printf(e->impl, "%s(%s)\n{\n", ret_and_name, params);
    free(full);
}

void emit_free_fns(emitter *e, const relinfo *ri)
{
    char *name = xstrfmt("void %s_%s_row_free", e->prefix, ri->id);
    char *params = xstrfmt("%s_%s_row *row", e->prefix, ri->id);
    if (rel_is_table(ri->r) || ri->r->kind == REL_MATVIEW) { /* a materialized view's get_by returns one */
        emit_proto(e, rel_is_table(ri->r) ? " * Frees a row returned by a function of this table. NULL is ignored.\n"
                                          : " * Frees a row returned by a function of this materialized view. NULL is "
                                            "ignored.\n",
                   name, params);
        sb_puts(e->impl, "    blogdb_rt_free(row);\n}\n\n");
    }
    free(name);
    free(params);
    name = xstrfmt("void %s_%s_rows_free", e->prefix, ri->id);
    params = xstrfmt("%s_%s_rows *rows", e->prefix, ri->id);
    emit_proto(e, " * Frees a list and all its rows. NULL is ignored.\n", name, params);
    sb_puts(e->impl, "    blogdb_rt_free(rows);\n}\n\n");
    free(name);
    free(params);
}
