/* blogdb-gen, emitter: row structs, column descriptors and column bits. */
#include "emit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void emit_row_struct(emitter *e, const relinfo *ri)
{
    const gen_relation *r = ri->r;
    sb_puts(e->hdr, "/**\n * ");
    if (r->comment) {
        put_comment_text(e->hdr, r->comment);
        sb_puts(e->hdr, "\n * ");
    }
    sb_printf(e->hdr, "One row of %s %s.%s.\n", kind_words(r->kind), r->schema, r->name);
    sb_puts(e->hdr, " * Strings point into the same allocation as the row. */\n");
    claimf(e, "%s_%s_row", e->prefix, ri->id);
    claimf(e, "%s_%s_rows", e->prefix, ri->id);
    claimf(e, "%s_%s_row_fn", e->prefix, ri->id);
    if (rel_is_table(r))
        claimf(e, "%s_%s_next_fn", e->prefix, ri->id);
    sb_printf(e->hdr, "typedef struct %s_%s_row {\n", e->prefix, ri->id);
    for (size_t i = 0; i < r->ncolumns; i++) {
        const gen_column *col = &r->columns[i];
        char *t = c_type(e, &col->type);
        if (!col_api_not_null(col) && !is_pointer_type(&col->type))
            sb_printf(e->hdr, "    bool has_%s; /**< false when %s is NULL */\n", ri->fields[i], ri->fields[i]);
        sb_puts(e->hdr, "    ");
        put_decl(e->hdr, t, ri->fields[i], false);
        sb_puts(e->hdr, "; /**< ");
        if (col->comment) {
            put_comment_text(e->hdr, col->comment);
            sb_puts(e->hdr, ". ");
        }
        sb_printf(e->hdr, "%s%s%s%s */\n", col->type.sql,
                  col_api_not_null(col)           ? " NOT NULL"
                  : is_pointer_type(&col->type) ? ", nullable: NULL pointer = SQL NULL"
                                                  : ", nullable: see has_",
                  col_readonly(col) ? (col->generated ? ", generated: read-only" : ", identity: read-only")
                  : col_optional(col) ? ", has DEFAULT"
                                      : "",
                  "");
        free(t);
    }
    sb_printf(e->hdr, "} %s_%s_row;\n\n", e->prefix, ri->id);
    sb_printf(e->hdr,
              "/** A list of %s rows, items[0..count). One allocation: free with %s_%s_rows_free(). */\n"
              "typedef struct %s_%s_rows {\n    %s_%s_row *items; /**< The rows. */\n"
              "    size_t count; /**< Number of rows. */\n} %s_%s_rows;\n\n",
              r->name, e->prefix, ri->id, e->prefix, ri->id, e->prefix, ri->id, e->prefix, ri->id);
    sb_printf(e->hdr,
              "/** Receives one row from the _each functions; the row is valid during the call only.\n"
              " * Return 0 to go on, a positive value to stop, or a BLOGDB_E* code to stop with that error. */\n"
              "typedef int (*%s_%s_row_fn)(const %s_%s_row *row, void *ctx);\n\n",
              e->prefix, ri->id, e->prefix, ri->id);
    if (rel_is_table(r))
        sb_printf(e->hdr,
                  "/** Produces rows for %s_%s_copy_in_fn(): fill *row and return 1, return 0 at the end,\n"
                  " * or a BLOGDB_E* code to abort the COPY. */\n"
                  "typedef int (*%s_%s_next_fn)(%s_%s_row *row, void *ctx);\n\n",
                  e->prefix, ri->id, e->prefix, ri->id, e->prefix, ri->id);
}

void emit_column_array(emitter *e, const char *name, const char *row_type, const gen_column *cols, size_t n,
                       char *const *fields, const int *pk, size_t npk)
{
    claim_static(e, "%s", name);
    sb_printf(e->impl, "static const blogdb_rt_column %s[] = {\n", name);
    for (size_t i = 0; i < n; i++) {
        const gen_column *col = &cols[i];
        strbuf q;
        bool key = false;
        for (size_t k = 0; k < npk; k++)
            key |= pk[k] == (int)i;
        sb_init(&q);
        sb_put_ident(&q, col->name);
        /* designated initializers: a field left out is zero (no enum, no flags) */
        sb_puts(e->impl, "    {.name = ");
        put_cstr(e->impl, col->name);
        sb_puts(e->impl, ", .sql = ");
        put_cstr(e->impl, q.data);
        sb_printf(e->impl, ", .type = %s, .offset = offsetof(%s, %s),\n     .has_offset = ", rt_type(col->type.ct),
                  row_type, fields[i]);
        if (!col_api_not_null(col) && !is_pointer_type(&col->type)) {
            /* a field of a nested row (sqlc.embed) is "posts.title": its flag is "posts.has_title" */
            const char *dot = strrchr(fields[i], '.');
            int lead = dot ? (int)(dot - fields[i]) + 1 : 0;
            sb_printf(e->impl, "offsetof(%s, %.*shas_%s)", row_type, lead, fields[i], fields[i] + lead);
        } else {
            sb_puts(e->impl, "BLOGDB_RT_NO_HAS");
        }
        sb_printf(e->impl, ", .max_chars = %d", col->type.max_chars);
        if (col->type.ct == CT_ENUM) {
            const gen_enum *en = col->type.enum_def;
            char *eid = object_ident(en->schema, en->name);
            sb_printf(e->impl, ", .enum_type = &%s_enum", eid);
            free(eid);
        }
        {
            strbuf fl;
            sb_init(&fl);
            if (col_api_not_null(col))
                sb_puts(&fl, " | BLOGDB_RT_NOT_NULL");
            if (col_optional(col) && !col_readonly(col))
                sb_puts(&fl, " | BLOGDB_RT_DEFAULT");
            if (key)
                sb_puts(&fl, " | BLOGDB_RT_KEY");
            if (col->type.is_array)
                sb_puts(&fl, " | BLOGDB_RT_ARRAY");
            if (text_io(&col->type))
                sb_puts(&fl, " | BLOGDB_RT_TEXT_IO");
            if (col_readonly(col))
                sb_puts(&fl, " | BLOGDB_RT_READONLY");
            if (fl.len)
                sb_printf(e->impl, ", .flags = %s", fl.data + 3);
            sb_puts(e->impl, ", .type_sql = ");
            put_cstr(e->impl, col->type.sql);
            sb_puts(e->impl, "},\n");
            sb_free(&fl);
        }
        sb_free(&q);
    }
    sb_puts(e->impl, "};\n");
}

void emit_descriptors(emitter *e, const relinfo *ri)
{
    const gen_relation *r = ri->r;
    char *row_type = xstrfmt("%s_%s_row", e->prefix, ri->id), *name = xstrfmt("%s_columns", ri->id);
    sb_printf(e->impl, "/* ---- %s %s.%s ---- */\n\n", kind_words(r->kind), r->schema, r->name);
    emit_column_array(e, name, row_type, r->columns, r->ncolumns, ri->fields, ri->pk, ri->npk);
    free(row_type);
    free(name);
    {
        strbuf q;
        sb_init(&q);
        put_qualified(&q, r->schema, r->name);
        claim_static(e, "%s_rel", ri->id);
        sb_printf(e->impl, "static const blogdb_rt_relation %s_rel = {\n    .name = ", ri->id);
        put_cstr(e->impl, r->name);
        sb_puts(e->impl, ", .sql = ");
        put_cstr(e->impl, q.data);
        sb_printf(e->impl,
                  ",\n    .row_size = sizeof(%s_%s_row), .row_align = _Alignof(%s_%s_row),\n"
                  "    .columns = %s_columns, .ncolumns = %zu, .kind = '%c'};\n\n",
                  e->prefix, ri->id, e->prefix, ri->id, ri->id, r->ncolumns,
                  r->kind == REL_VIEW ? 'v' : r->kind == REL_MATVIEW ? 'm' : r->kind == REL_PARTITIONED ? 'p' : 'r');
        sb_free(&q);
    }
    /* Typed callbacks reach the runtime through these, never through a cast function pointer (each
     * only where a function uses it: --role may leave a relation without reads or inserts). */
    if (!(ri->calls & CALL_READ)) {
        if (rel_is_table(r) && ri->calls & CALL_INSERT)
            emit_copy_adapter(e, ri->id);
        return;
    }
    claim_static(e, "%s_each_ctx", ri->id);
    claim_static(e, "%s_each_row", ri->id);
    sb_tpl(e->impl,
           "struct $(id)_each_ctx {\n    $(p)_$(id)_row_fn fn;\n    void *ctx;\n};\n\n"
           "static int $(id)_each_row(const void *row, void *c)\n{\n"
           "    const struct $(id)_each_ctx *x = c;\n    return x->fn(row, x->ctx);\n}\n\n",
           "id", ri->id, "p", e->prefix, NULL);
    if (rel_is_table(r) && ri->calls & CALL_INSERT)
        emit_copy_adapter(e, ri->id);
}

void emit_copy_adapter(emitter *e, const char *id)
{
    claim_static(e, "%s_copy_ctx", id);
    claim_static(e, "%s_copy_row", id);
    sb_tpl(e->impl,
           "struct $(id)_copy_ctx {\n    $(p)_$(id)_next_fn fn;\n    void *ctx;\n};\n\n"
           "static int $(id)_copy_row(void *row, void *c)\n{\n    struct $(id)_copy_ctx *x = c;\n"
           "    return x->fn(row, x->ctx);\n}\n\n",
           "id", id, "p", e->prefix, NULL);
}

bool rel_wide(const relinfo *ri)
{
    return ri->r->ncolumns > 64;
}

void put_column_words(strbuf *sb, const bool *in, size_t n)
{
    sb_puts(sb, "{");
    for (size_t w = 0; w < (n + 63) / 64; w++) {
        unsigned long long bits = 0;
        for (size_t i = w * 64; i < n && i < w * 64 + 64; i++)
            if (in[i])
                bits |= 1ULL << (i % 64);
        sb_printf(sb, "%s0x%llxu", w ? ", " : "", bits);
    }
    sb_puts(sb, "}");
}

/* One of the column-set constants: a uint64_t mask, or for a wide relation a compound literal of
 * its _column_set struct. */
static void emit_set_macro(emitter *e, const relinfo *ri, const char *what, const bool *in, const char *doc)
{
    size_t n = ri->r->ncolumns;
    claimf(e, "%s_%s_%s", e->PREFIX, ri->ID, what);
    sb_printf(e->hdr, "#define %s_%s_%s ", e->PREFIX, ri->ID, what);
    if (rel_wide(ri)) {
        sb_printf(e->hdr, "((const %s_%s_column_set){", e->prefix, ri->id);
        put_column_words(e->hdr, in, n);
        sb_puts(e->hdr, "})");
    } else {
        unsigned long long bits = 0;
        for (size_t i = 0; i < n; i++)
            if (in[i])
                bits |= 1ULL << i;
        sb_printf(e->hdr, "((uint64_t)0x%llx)", bits);
    }
    sb_printf(e->hdr, " /**< %s */\n", doc);
}

void emit_column_bits(emitter *e, const relinfo *ri)
{
    size_t n = ri->r->ncolumns;
    bool *in = xcalloc(n + 1, sizeof *in);
    if (rel_wide(ri)) {
        claimf(e, "%s_%s_column_set", e->prefix, ri->id);
        sb_printf(e->hdr,
                  "/** A set of columns of %s (more than 64 of them), for `with` and `mask` arguments: add\n"
                  " * a column with BLOGDB_COLUMNS_ADD(&set, %s_%s_<COLUMN>_COLNO). */\n"
                  "typedef struct %s_%s_column_set {\n    uint64_t bits[%zu];\n} %s_%s_column_set;\n\n",
                  ri->r->name, e->PREFIX, ri->ID, e->prefix, ri->id, (n + 63) / 64, e->prefix, ri->id);
        sb_printf(e->hdr, "/* Column numbers of %s, for %s_%s_column_set. */\n", ri->r->name, e->prefix, ri->id);
    } else {
        sb_printf(e->hdr, "/* Column bits of %s, for `with` and `mask` arguments. */\n", ri->r->name);
    }
    for (size_t i = 0; i < n; i++) {
        char *F = upper(ri->fields[i]);
        if (rel_wide(ri)) {
            claimf(e, "%s_%s_%s_COLNO", e->PREFIX, ri->ID, F);
            sb_printf(e->hdr, "#define %s_%s_%s_COLNO %zu /**< Column %s. */\n", e->PREFIX, ri->ID, F, i,
                      ri->r->columns[i].name);
        } else {
            claimf(e, "%s_%s_%s", e->PREFIX, ri->ID, F);
            sb_printf(e->hdr, "#define %s_%s_%s ((uint64_t)1 << %zu) /**< Column %s. */\n", e->PREFIX, ri->ID, F, i,
                      ri->r->columns[i].name);
        }
        free(F);
    }
    for (size_t i = 0; i < n; i++)
        in[i] = true;
    emit_set_macro(e, ri, "ALL_COLUMNS", in, "Every column.");
    memset(in, 0, n * sizeof *in);
    for (size_t k = 0; k < ri->npk; k++)
        in[ri->pk[k]] = true;
    emit_set_macro(e, ri, "KEY_COLUMNS", in, "The primary key columns.");
    for (size_t i = 0; i < n; i++)
        in[i] = col_readonly(&ri->r->columns[i]);
    emit_set_macro(e, ri, "READONLY_COLUMNS", in, "Generated and identity ALWAYS columns.");
    sb_puts(e->hdr, "\n");
    free(in);
}
