/* blogdb-gen, emitter: enums, the run-time schema check, and the two files (emit_c). */
#include "emit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Whether role has priv on every column of r that `want` selects (0: key columns, 1: writable
 * columns outside the key, 2: writable columns, 3: every column). */
static bool all_columns_allow(const gen_model *m, const relinfo *ri, unsigned priv, int want)
{
    const gen_relation *r = ri->r;
    for (size_t c = 0; c < r->ncolumns; c++) {
        bool key = false;
        for (size_t k = 0; k < ri->npk; k++)
            key |= ri->pk[k] == (int)c;
        if ((want == 0 && !key) || ((want == 1 || want == 2) && col_readonly(&r->columns[c])) || (want == 1 && key))
            continue;
        if (!(rel_privileges(m, r, m->bindings_role, r->columns[c].name) & priv))
            return false;
    }
    return true;
}

/* What the bindings' role may call on a relation (every function without --role). A relation it
 * can use not at all is reported: the usual cause is a table added without its GRANT. */
static unsigned relation_calls(const gen_model *m, const relinfo *ri)
{
    const gen_relation *r = ri->r;
    unsigned calls = 0;
    bool key_readable;
    if (!m->bindings_role)
        return CALL_ALL;
    key_readable = all_columns_allow(m, ri, PRIV_SELECT, 0);
    if (all_columns_allow(m, ri, PRIV_SELECT, 3))
        calls |= CALL_READ;
    if (all_columns_allow(m, ri, PRIV_INSERT, 2))
        calls |= CALL_INSERT;
    if (key_readable && all_columns_allow(m, ri, PRIV_UPDATE, 1))
        calls |= CALL_UPDATE;
    if (key_readable && rel_privileges(m, r, m->bindings_role, NULL) & PRIV_DELETE)
        calls |= CALL_DELETE;
    if (r->kind == REL_MATVIEW && rel_owned_by(m, r, m->bindings_role))
        calls |= CALL_REFRESH;
    if (!calls) {
        bool some = rel_privileges(m, r, m->bindings_role, NULL) != 0;
        for (size_t c = 0; c < r->ncolumns && !some; c++)
            some = rel_privileges(m, r, m->bindings_role, r->columns[c].name) != 0;
        if (some)
            diag_warning_where(r->where,
                               "role %s has privileges on %s %s.%s, but none that a generated function needs "
                               "(reading a row needs SELECT on every column): no functions for it; a query of "
                               "--queries can read the columns it may",
                               m->bindings_role, kind_words(r->kind), r->schema, r->name);
        else
            diag_warning_where(r->where, "role %s has no privilege on %s %s.%s (no GRANT reaches it): no functions "
                                         "for it",
                               m->bindings_role, kind_words(r->kind), r->schema, r->name);
    }
    return calls;
}

static int check_relation(const gen_relation *r, const gen_model *m, const relinfo *ri)
{
    (void)m;
    for (size_t i = 0; i < r->ncolumns; i++) {
        const gen_column *col = &r->columns[i];
        if (col->type.ct == CT_UNSUPPORTED && !text_io(&col->type)) {
            diag_error_where(r->where, "column \"%s\".\"%s\": type %s has no C mapping yet", r->name, col->name,
                       col->type.sql);
            return -1;
        }
        for (size_t j = 0; j < r->ncolumns; j++) {
            char *has = xstrfmt("has_%s", ri->fields[j]);
            bool clash = j != i && !col_api_not_null(&r->columns[j]) && !is_pointer_type(&r->columns[j].type) &&
                         strcmp(ri->fields[i], has) == 0;
            free(has);
            if (clash) {
                diag_error_where(r->where, "column \"%s\" of \"%s\" clashes with the has_ flag of column \"%s\"",
                           col->name, r->name, r->columns[j].name);
                return -1;
            }
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(ri->fields[i], ri->fields[j]) == 0) {
                diag_error_where(r->where, "columns \"%s\" and \"%s\" of \"%s\" map to the same C name \"%s\"",
                           r->columns[j].name, col->name, r->name, ri->fields[i]);
                return -1;
            }
    }
    return 0;
}

void emit_enum_descriptor(emitter *e, const gen_enum *en)
{
    char *id = object_ident(en->schema, en->name);
    claim_static(e, "%s_labels", id);
    claim_static(e, "%s_enum", id);
    sb_printf(e->impl, "static const char *const %s_labels[] = {", id);
    for (size_t i = 0; i < en->nlabels; i++) {
        sb_puts(e->impl, i ? ", " : "");
        put_cstr(e->impl, en->labels[i]);
    }
    sb_printf(e->impl, "};\nstatic const blogdb_rt_enum %s_enum = {.name = ", id);
    put_cstr(e->impl, en->name);
    sb_printf(e->impl, ", .labels = %s_labels, .count = %zu, .sql = ", id, en->nlabels);
    {
        strbuf q;
        sb_init(&q);
        put_qualified(&q, en->schema, en->name);
        put_cstr(e->impl, q.data);
        sb_free(&q);
    }
    sb_puts(e->impl, "};\n\n");
    free(id);
}

static void emit_enum(emitter *e, const gen_enum *en)
{
    char *id = object_ident(en->schema, en->name);
    char *ID = upper(id);
    char *owner = xstrfmt("enum %s.%s", en->schema, en->name);
    e->owner = owner;
    e->where = NULL;
    claimf(e, "%s_%s", e->prefix, id);
    claimf(e, "%s_%s_array", e->prefix, id);
    claimf(e, "%s_%s_COUNT", e->PREFIX, ID);
    claimf(e, "%s_%s_to_string", e->prefix, id);
    claimf(e, "%s_%s_from_string", e->prefix, id);
    sb_printf(e->hdr, "/** %s%sValues of enum %s.%s. */\ntypedef enum %s_%s {\n", en->comment ? en->comment : "",
              en->comment ? " " : "", en->schema, en->name, e->prefix, id);
    for (size_t i = 0; i < en->nlabels; i++) {
        char *L = c_ident(en->labels[i]);
        char *LU = upper(L);
        claimf(e, "%s_%s_%s", e->PREFIX, ID, LU);
        sb_printf(e->hdr, "    %s_%s_%s = %zu%s /**< '", e->PREFIX, ID, LU, i, i + 1 < en->nlabels ? "," : "");
        put_comment_text(e->hdr, en->labels[i]);
        sb_puts(e->hdr, "' */\n");
        free(L);
        free(LU);
    }
    sb_printf(e->hdr, "} %s_%s;\n", e->prefix, id);
    sb_printf(e->hdr, "/** An array of %s: items[0..count). */\ntypedef struct %s_%s_array {\n    %s_%s *items; /**< The values. */\n"
                    "    size_t count; /**< Number of values. */\n} %s_%s_array;\n",
              en->name, e->prefix, id, e->prefix, id, e->prefix, id);
    sb_printf(e->hdr, "/** Number of labels of %s. */\n#define %s_%s_COUNT %zu\n\n", en->name, e->PREFIX, ID, en->nlabels);
    sb_printf(e->hdr,
              "/** The label of `value` (a static string), or NULL when value is not a %s. */\n"
              "BLOGDB_API const char *%s_%s_to_string(%s_%s value);\n\n",
              en->name, e->prefix, id, e->prefix, id);
    sb_printf(e->hdr,
              "/** Parses a label of %s. @return 0, or BLOGDB_EINVAL for NULL or unknown text (*out untouched). */\n"
              "BLOGDB_API int %s_%s_from_string(%s_%s *out, const char *text);\n\n",
              en->name, e->prefix, id, e->prefix, id);

    emit_enum_descriptor(e, en);
    sb_printf(e->impl, "const char *%s_%s_to_string(%s_%s value)\n{\n    return blogdb_rt_enum_label(&%s_enum, (int)value);\n}\n\n",
              e->prefix, id, e->prefix, id, id);
    sb_printf(e->impl,
              "int %s_%s_from_string(%s_%s *out, const char *text)\n{\n    int value;\n"
              "    int rc = out ? blogdb_rt_enum_value(&%s_enum, text, &value) : BLOGDB_EINVAL;\n"
              "    if (rc == 0)\n        *out = (%s_%s)value;\n    return rc;\n}\n\n",
              e->prefix, id, e->prefix, id, id, e->prefix, id);
    sb_printf(e->impl, "_Static_assert(sizeof(%s_%s) == sizeof(int), \"generated enums must be int-sized\");\n\n", e->prefix, id);
    free(id);
    free(ID);
    free(owner);
    e->owner = NULL;
}

/* The schema descriptor and <prefix>_check_schema(). */
static void emit_schema_check(emitter *e, const relinfo *ris, size_t n)
{
    size_t nrel = 0, nenum = 0;
    char *name;
    sb_puts(e->impl, "/* ---- the schema, for the run-time check ---- */\n\n");
    claim_static(e, "schema_relations");
    claim_static(e, "schema_enums");
    claim_static(e, "schema");
    sb_puts(e->impl, "static const blogdb_rt_relation *const schema_relations[] = {");
    for (size_t i = 0; i < n; i++)
        if (!ris[i].r->is_partition && ris[i].r->ncolumns)
            sb_printf(e->impl, "%s&%s_rel", nrel++ ? ", " : "", ris[i].id);
    sb_puts(e->impl, nrel ? "};\n" : "NULL};\n");
    sb_puts(e->impl, "static const blogdb_rt_enum *const schema_enums[] = {");
    for (size_t i = 0; i < e->model->nenums; i++) {
        const gen_enum *en = e->model->enums[i];
        char *id = object_ident(en->schema, en->name);
        sb_printf(e->impl, "%s&%s_enum", nenum++ ? ", " : "", id);
        free(id);
    }
    sb_puts(e->impl, nenum ? "};\n" : "NULL};\n");
    sb_printf(e->impl,
              "static const blogdb_rt_schema schema = {\n    .relations = schema_relations, .nrelations = %zu, "
              ".enums = schema_enums, .nenums = %zu};\n\n",
              nrel, nenum);
    name = xstrfmt("int %s_check_schema", e->prefix);
    e->owner = "the schema check";
    e->where = NULL;
    emit_proto(e,
               " * Checks that the connected database has the schema this code was generated from: every\n"
               " * relation with its kind, columns (names, order, types) and every enum with its labels.\n"
               " * Run it after connecting to catch a database that migrated behind the library's back.\n"
               " * @return 0 when they match, BLOGDB_ESCHEMA naming the first difference in blogdb_errmsg(),\n"
               " *         or another BLOGDB_E* code.\n",
               name, "blogdb *db");
    sb_puts(e->impl, "    return blogdb_rt_check_schema(db, &schema);\n}\n");
    free(name);
}

int emit_c(const gen_model *m, const char *prefix, const char *inputs, namereg *names, strbuf *hdr, strbuf *impl)
{
    emitter e = {m, prefix, upper(prefix), hdr, impl, names, {0}, NULL, NULL};
    relinfo *ris = xcalloc(m->nrels, sizeof *ris);
    int rc = 0;

    for (size_t i = 0; i < m->nrels && rc == 0; i++) {
        relinfo *ri = &ris[i];
        const gen_relation *r = m->rels[i];
        ri->r = r;
        ri->id = object_ident(r->schema, r->name);
        ri->ID = upper(ri->id);
        ri->fields = xcalloc(r->ncolumns, sizeof(char *));
        for (size_t c = 0; c < r->ncolumns; c++)
            ri->fields[c] = c_ident(r->columns[c].name);
        ri->pk = xcalloc(r->npk, sizeof(int));
        ri->npk = r->npk;
        for (size_t k = 0; k < r->npk; k++)
            ri->pk[k] = rel_find_column(r, r->primary_key[k]);
        if (r->is_partition)
            continue;
        ri->calls = relation_calls(m, ri);
        rc = check_relation(r, m, ri);
        for (size_t j = 0; j < i && rc == 0; j++)
            if (!ris[j].r->is_partition && strcmp(ris[j].id, ri->id) == 0) {
                diag_error_where(r->where, "relations \"%s\" and \"%s\" map to the same C name \"%s\"", ris[j].r->name,
                           r->name, ri->id);
                rc = -1;
            }
    }
    if (rc == 0) {
        sb_printf(hdr,
                  "/**\n * @file %s_schema.h\n * @brief Typed bindings generated by blogdb-gen %s from %s. Do not edit.\n */\n"
                  "#ifndef %s_SCHEMA_H\n#define %s_SCHEMA_H\n\n#include \"blogdb/rt.h\"\n\n"
                  "#if !defined(BLOGDB_RT_ABI) || BLOGDB_RT_ABI != %d\n"
                  "#error \"%s_schema.h was generated by blogdb-gen %s for runtime ABI %d: regenerate it with the "
                  "blogdb-gen that matches this blogdb/rt.h\"\n#endif\n\n"
                  "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n",
                  prefix, GEN_VERSION, inputs, e.PREFIX, e.PREFIX, GEN_RT_ABI, prefix, GEN_VERSION, GEN_RT_ABI);
        sb_printf(impl,
                  "/* %s_schema.c: generated by blogdb-gen %s from %s. Do not edit. */\n"
                  "#include \"%s_schema.h\"\n\n#include <stddef.h>\n\n",
                  prefix, GEN_VERSION, inputs, prefix);
        for (size_t i = 0; i < m->nenums; i++)
            emit_enum(&e, m->enums[i]);
        for (size_t i = 0; i < m->nrels; i++) {
            const relinfo *ri = &ris[i];
            char *owner;
            if (ri->r->is_partition)
                continue; /* reached through its partitioned table */
            if (ri->r->ncolumns == 0) { /* C has no empty struct: no row type, so no bindings */
                sb_printf(hdr, "/* %s %s.%s has no columns: no bindings. */\n\n", kind_words(ri->r->kind),
                          ri->r->schema, ri->r->name);
                continue;
            }
            owner = xstrfmt("%s %s.%s", kind_words(ri->r->kind), ri->r->schema, ri->r->name);
            e.owner = owner;
            e.where = ri->r->where;
            sb_printf(hdr, "/* ---- %s ---- */\n\n", owner);
            emit_row_struct(&e, ri);
            emit_descriptors(&e, ri);
            if (rel_is_table(ri->r))
                emit_column_bits(&e, ri);
            emit_free_fns(&e, ri);
            if (rel_is_table(ri->r))
                emit_table_fns(&e, ri);
            else
                emit_view_fns(&e, ri);
            free(owner);
            e.owner = NULL; /* what is claimed next (the schema check) is the generated code's */
        }
        emit_schema_check(&e, ris, m->nrels);
        sb_printf(hdr, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s_SCHEMA_H */\n", e.PREFIX);
        if (names->clash)
            rc = -1;
    }
    for (size_t i = 0; i < m->nrels; i++)
        if (ris[i].r)
            relinfo_free(&ris[i]);
    free(ris);
    namereg_free(&e.statics);
    free(e.PREFIX);
    return rc;
}
