/* blogdb-gen, emitter: <prefix>_queries.h and .c, the functions of the query files' queries. Per
 * query: a row struct (or the table's own when the result is exactly a table's row), a params
 * struct, static descriptors (blogdb_rt_statement), and thin wrappers over blogdb_rt_run(). */
#include "emit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Positional arguments up to this many parameters; a params struct beyond. */
#define MAX_POSITIONAL 4

typedef struct qinfo {
    const gen_query *q;
    char *id;          /* feed_page */
    char *row;         /* blogdb_feed_page_row, or blogdb_posts_row */
    char *rows;        /* blogdb_feed_page_rows, or blogdb_posts_rows */
    char *row_fn;      /* the _each callback type */
    char *row_rel;     /* its row descriptor: <id>_row, or <table>_table shared by the queries of that row */
    char **fields;     /* C field per result column */
    char **pfields;    /* C field per parameter */
    gen_column *pcols; /* the parameters as columns, for the descriptor */
    bool positional;   /* the function takes the parameters one by one */
    bool skip;         /* --role may not run it: nothing is emitted for it */
} qinfo;

/* FeedPage -> feed_page, getPostByID -> get_post_by_id, list_posts stays. */
static char *snake(const char *name)
{
    strbuf sb;
    char *id;
    sb_init(&sb);
    for (size_t i = 0; name[i]; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (isupper(ch) && i > 0 &&
            (islower((unsigned char)name[i - 1]) || isdigit((unsigned char)name[i - 1]) ||
             (isupper((unsigned char)name[i - 1]) && islower((unsigned char)name[i + 1]))))
            sb_putc(&sb, '_');
        sb_putc(&sb, (char)tolower(ch));
    }
    id = c_ident(sb.data);
    sb_free(&sb);
    return id;
}

/* The sqlc.embed whose columns include result column i, or NULL. */
static const gen_embed *embed_of(const gen_query *q, size_t i)
{
    for (size_t k = 0; k < q->nembeds; k++)
        if (i >= q->embeds[k].start && i < q->embeds[k].start + q->embeds[k].rel->ncolumns)
            return &q->embeds[k];
    return NULL;
}

/* Whether two fields of a row struct clash: top-level names ("posts" for "posts.title") equal,
 * unless both are fields of the same nested row. */
static bool same_top_field(const char *a, const char *b)
{
    size_t la = strcspn(a, "."), lb = strcspn(b, ".");
    if (la != lb || strncmp(a, b, la) != 0)
        return false;
    return !(a[la] == '.' && b[lb] == '.') || strcmp(a, b) == 0;
}

static int qinfo_init(const emitter *e, const gen_query *q, qinfo *qi)
{
    memset(qi, 0, sizeof *qi);
    qi->q = q;
    qi->id = snake(q->name);
    if (q->row_of) {
        char *tid = object_ident(q->row_of->schema, q->row_of->name);
        qi->row = xstrfmt("%s_%s_row", e->prefix, tid);
        qi->rows = xstrfmt("%s_%s_rows", e->prefix, tid);
        qi->row_fn = xstrfmt("%s_%s_row_fn", e->prefix, tid);
        qi->row_rel = xstrfmt("%s_table", tid);
        free(tid);
    } else {
        qi->row = xstrfmt("%s_%s_row", e->prefix, qi->id);
        qi->rows = xstrfmt("%s_%s_rows", e->prefix, qi->id);
        qi->row_fn = xstrfmt("%s_%s_row_fn", e->prefix, qi->id);
        qi->row_rel = xstrfmt("%s_row", qi->id);
    }
    qi->fields = xcalloc(q->result.ncolumns + 1, sizeof *qi->fields);
    for (size_t i = 0; i < q->result.ncolumns; i++) {
        const gen_column *col = &q->result.columns[i];
        const gen_embed *em = q->row_of ? NULL : embed_of(q, i);
        if (em) { /* a field of the nested row: "posts.title" */
            char *outer = c_ident(em->name), *inner = c_ident(col->name);
            qi->fields[i] = xstrfmt("%s.%s", outer, inner);
            free(outer);
            free(inner);
            continue;
        }
        qi->fields[i] = c_ident(col->name);
        if (strcmp(col->name, "?column?") == 0) {
            diag_error_where(q->where, "query %s: result column %zu has no name; name it with AS", q->name, i + 1);
            return -1;
        }
        if (col->type.ct == CT_UNSUPPORTED) {
            diag_error_where(q->where, "query %s: column \"%s\" is of type %s, which has no C mapping yet; cast it",
                             q->name, col->name, col->type.sql);
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (same_top_field(qi->fields[i], qi->fields[j])) {
                diag_error_where(q->where, "query %s: columns \"%s\" and \"%s\" map to the same C name; rename one with AS",
                                 q->name, q->result.columns[j].name, col->name);
                return -1;
            }
    }
    qi->pfields = xcalloc(q->nparams + 1, sizeof *qi->pfields);
    qi->pcols = xcalloc(q->nparams + 1, sizeof *qi->pcols);
    qi->positional = q->nparams <= MAX_POSITIONAL && q->cmd != QUERY_COPYFROM;
    for (size_t i = 0; i < q->nparams; i++) {
        const gen_param *p = &q->params[i];
        qi->pfields[i] = c_ident(p->name);
        if (q->copy_into) { /* a row of the table: its columns' types, limits and nullability */
            qi->pcols[i] = q->copy_into->columns[rel_find_column(q->copy_into, q->copy_columns[i])];
            qi->pcols[i].has_default = false;
            qi->pcols[i].identity = 0;
            qi->pcols[i].generated = false;
        } else {
            qi->pcols[i].name = p->name;
            qi->pcols[i].type = p->type;
            qi->pcols[i].not_null = !p->nullable;
        }
        if (p->type.ct == CT_UNSUPPORTED) {
            diag_error_where(q->where, "query %s: parameter %s is of type %s, which has no C mapping yet; cast it",
                             q->name, p->name, p->type.sql);
            return -1;
        }
        if (p->nullable && !is_pointer_type(&p->type))
            qi->positional = false; /* has_ flags go in a struct */
        for (size_t j = 0; j < i; j++)
            if (strcmp(qi->pfields[i], qi->pfields[j]) == 0) {
                diag_error_where(q->where, "query %s: parameters %s and %s map to the same C name", q->name,
                                 q->params[j].name, p->name);
                return -1;
            }
        if (strcmp(qi->pfields[i], "db") == 0 || strcmp(qi->pfields[i], "out") == 0 ||
            strcmp(qi->pfields[i], "fn") == 0 || strcmp(qi->pfields[i], "ctx") == 0 ||
            strcmp(qi->pfields[i], "params") == 0 || strcmp(qi->pfields[i], "p") == 0) {
            diag_error_where(q->where, "query %s: a parameter cannot be called %s; rename it (@name)", q->name,
                             qi->pfields[i]);
            return -1;
        }
    }
    return 0;
}

static void qinfo_free(qinfo *qi)
{
    free(qi->id);
    free(qi->row);
    free(qi->rows);
    free(qi->row_fn);
    free(qi->row_rel);
    for (size_t i = 0; qi->fields && i < qi->q->result.ncolumns; i++)
        free(qi->fields[i]);
    free(qi->fields);
    for (size_t i = 0; qi->pfields && i < qi->q->nparams; i++)
        free(qi->pfields[i]);
    free(qi->pfields);
    free(qi->pcols);
}

/* "posts.sql:7:1" of "dir/posts.sql:7:1": generated files do not depend on where the input was. */
static const char *file_where(const gen_query *q)
{
    const char *slash = strrchr(q->where, '/');
    return slash ? slash + 1 : q->where;
}

static bool reads_rows(const gen_query *q)
{
    return q->cmd == QUERY_ONE || q->cmd == QUERY_MANY;
}

/* A :many SELECT also streams (_each); a statement that writes cannot run in a cursor. */
static bool streams(const gen_query *q)
{
    return q->cmd == QUERY_MANY && !q->writes;
}

/* A struct of columns (a row, or the parameters), each field documented with its SQL type; the
 * columns of a sqlc.embed of q (NULL: none) are one field, the relation's row struct. */
static void emit_struct(emitter *e, const char *doc, const char *type, const gen_column *cols, size_t n,
                        char *const *fields, const gen_query *q)
{
    claim(e, type);
    sb_printf(e->hdr, "/** %s */\ntypedef struct %s {\n", doc, type);
    for (size_t i = 0; i < n; i++) {
        const gen_embed *em = q && !q->row_of ? embed_of(q, i) : NULL;
        char *t;
        if (em) {
            char *rid = object_ident(em->rel->schema, em->rel->name);
            sb_printf(e->hdr, "    %s_%s_row %.*s; /**< sqlc.embed(%s): a row of %s */\n", e->prefix, rid,
                      (int)strcspn(fields[i], "."), fields[i], em->name, em->rel->name);
            free(rid);
            i += em->rel->ncolumns - 1;
            continue;
        }
        t = c_type(e, &cols[i].type);
        if (!col_api_not_null(&cols[i]) && !is_pointer_type(&cols[i].type))
            sb_printf(e->hdr, "    bool has_%s; /**< false when %s is NULL */\n", fields[i], fields[i]);
        sb_puts(e->hdr, "    ");
        put_decl(e->hdr, t, fields[i], false);
        sb_printf(e->hdr, "; /**< %s%s */\n", cols[i].type.sql,
                  col_api_not_null(&cols[i])      ? " NOT NULL"
                  : is_pointer_type(&cols[i].type) ? ", nullable: NULL pointer = SQL NULL"
                                                   : ", nullable: see has_");
        free(t);
    }
    sb_printf(e->hdr, "} %s;\n\n", type);
}

/* The types of a query: its row and list (unless a table's are used), callback, params struct. */
static void emit_types(emitter *e, const qinfo *qi)
{
    const gen_query *q = qi->q;
    char *doc;
    if (reads_rows(q) && !q->row_of) {
        doc = xstrfmt("One row of query %s. Strings point into the same allocation as the row.", q->name);
        emit_struct(e, doc, qi->row, q->result.columns, q->result.ncolumns, qi->fields, q);
        free(doc);
        claim(e, qi->rows);
        sb_tpl(e->hdr,
               "/** A list of $(Q) rows, items[0..count). One allocation: free with $(rows)_free(). */\n"
               "typedef struct $(rows) {\n    $(row) *items; /**< The rows. */\n"
               "    size_t count; /**< Number of rows. */\n} $(rows);\n\n",
               "Q", q->name, "rows", qi->rows, "row", qi->row, NULL);
        if (streams(q)) {
            claim(e, qi->row_fn);
            sb_tpl(e->hdr,
                   "/** Receives one row from $(p)_$(id)_each(); the row is valid during the call only.\n"
                   " * Return 0 to go on, a positive value to stop, or a BLOGDB_E* code to stop with that error. */\n"
                   "typedef int (*$(fn))(const $(row) *row, void *ctx);\n\n",
                   "p", e->prefix, "id", qi->id, "fn", qi->row_fn, "row", qi->row, NULL);
        }
    }
    if (q->nparams) {
        char *type = xstrfmt("%s_%s_params", e->prefix, qi->id);
        doc = xstrfmt("The parameters of query %s, $1..$%zu in order.", q->name, q->nparams);
        emit_struct(e, doc, type, qi->pcols, q->nparams, qi->pfields, NULL);
        free(doc);
        free(type);
    }
    if (q->cmd == QUERY_COPYFROM) {
        claimf(e, "%s_%s_next_fn", e->prefix, qi->id);
        sb_tpl(e->hdr,
               "/** Produces rows for $(p)_$(id)_fn(): fill *row and return 1, return 0 at the end, or a\n"
               " * negative BLOGDB_E* code to abort (nothing is kept). Strings must stay valid until the\n"
               " * next call. */\ntypedef int (*$(p)_$(id)_next_fn)($(p)_$(id)_params *row, void *ctx);\n\n",
               "p", e->prefix, "id", qi->id, NULL);
    }
}

/* The blogdb_rt_relation `rel` (and its column array) of a struct type laid out as cols; its sql is
 * the table a :copyfrom query's rows go to (a qualified name), else the label. */
static void emit_layout(emitter *e, const char *rel, const char *label, const gen_relation *table, const char *type,
                        const gen_column *cols, size_t n, char *const *fields)
{
    char *columns = xstrfmt("%s_columns", rel);
    strbuf sql;
    sb_init(&sql);
    if (table)
        put_qualified(&sql, table->schema, table->name);
    else
        sb_puts(&sql, label);
    emit_column_array(e, columns, type, cols, n, fields, NULL, 0);
    claim_static(e, "%s", rel);
    sb_tpl(e->impl, "static const blogdb_rt_relation $(rel) = {\n    .name = \"$(label)\", .sql = ", "rel", rel, "label",
           label, NULL);
    put_cstr(e->impl, sql.data);
    sb_tpl(e->impl,
           ",\n    .row_size = sizeof($(type)), .row_align = _Alignof($(type)),\n    .columns = $(columns), .ncolumns = ",
           "type", type, "columns", columns, NULL);
    sb_printf(e->impl, "%zu};\n", n);
    sb_free(&sql);
    free(columns);
}

/* One row descriptor per table whose full row some queries return, shared by them. */
static void emit_table_layouts(emitter *e, const qinfo *qis, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const gen_relation *r = qis[i].q->row_of;
        bool first = r && reads_rows(qis[i].q) && !qis[i].skip;
        for (size_t j = 0; j < i && first; j++)
            first = qis[j].skip || qis[j].q->row_of != r || !reads_rows(qis[j].q);
        if (first) {
            sb_printf(e->impl, "/* ---- the row of table %s.%s ---- */\n\n", r->schema, r->name);
            emit_layout(e, qis[i].row_rel, r->name, NULL, qis[i].row, qis[i].q->result.columns,
                        qis[i].q->result.ncolumns, qis[i].fields);
            sb_puts(e->impl, "\n");
        }
    }
}

static void emit_descriptors_of(emitter *e, const qinfo *qi)
{
    const gen_query *q = qi->q;
    static const char *const results[] = {[QUERY_ONE] = "BLOGDB_RT_ONE", [QUERY_MANY] = "BLOGDB_RT_MANY",
                                          [QUERY_EXEC] = "BLOGDB_RT_EXEC", [QUERY_EXECROWS] = "BLOGDB_RT_ROWS"};
    char *params = xstrfmt("%s_params", qi->id);
    sb_printf(e->impl, "/* ---- query %s (%s) ---- */\n\n", q->name, file_where(q));
    if (reads_rows(q) && !q->row_of)
        emit_layout(e, qi->row_rel, q->name, NULL, qi->row, q->result.columns, q->result.ncolumns, qi->fields);
    if (q->nparams) {
        char *type = xstrfmt("%s_%s_params", e->prefix, qi->id);
        emit_layout(e, params, q->name, q->copy_into, type, qi->pcols, q->nparams, qi->pfields);
        free(type);
    }
    if (q->cmd == QUERY_COPYFROM) { /* sent by COPY: the params layout is all it needs */
        sb_puts(e->impl, "\n");
        free(params);
        return;
    }
    claim_static(e, "%s_stmt", qi->id);
    sb_printf(e->impl, "static const blogdb_rt_statement %s_stmt = {\n    .name = \"%s\",\n    .sql = ", qi->id, q->name);
    put_cstr(e->impl, q->sql);
    sb_printf(e->impl, ",\n    .params = %s%s, .row = %s%s,\n    .result = %s, .writes = %s};\n\n",
              q->nparams ? "&" : "", q->nparams ? params : "NULL", reads_rows(q) ? "&" : "",
              reads_rows(q) ? qi->row_rel : "NULL", results[q->cmd], q->writes ? "true" : "false");
    free(params);
}

/* ", const uuid_t id, int64_t limit" or ", const blogdb_x_params *params" */
static void put_param_decls(emitter *e, const qinfo *qi, strbuf *sb)
{
    if (qi->positional) {
        for (size_t i = 0; i < qi->q->nparams; i++) {
            char *t = c_type(e, &qi->q->params[i].type);
            sb_puts(sb, ", ");
            put_decl(sb, t, qi->pfields[i], true);
            free(t);
        }
    } else if (qi->q->nparams) {
        sb_printf(sb, ", const %s_%s_params *params", e->prefix, qi->id);
    }
}

static void put_param_docs(emitter *e, const qinfo *qi, strbuf *doc)
{
    (void)e;
    if (qi->positional) {
        for (size_t i = 0; i < qi->q->nparams; i++) {
            const gen_param *p = &qi->q->params[i];
            sb_printf(doc, " * @param %s  $%zu, %s%s.\n", qi->pfields[i], i + 1, p->type.sql,
                      p->nullable ? " (NULL pointer: SQL NULL)" : "");
        }
    } else if (qi->q->nparams) {
        sb_printf(doc, " * @param params  The parameters ($1..$%zu).\n", qi->q->nparams);
    }
}

/* Positional parameters: one helper puts them in their struct for the query's functions (NULL
 * when a uuid argument is NULL: the runtime's EINVAL, "the parameters are NULL"). */
static void emit_params_of(emitter *e, const qinfo *qi)
{
    const gen_query *q = qi->q;
    strbuf decl;
    if (!qi->positional || !q->nparams)
        return;
    sb_init(&decl);
    put_param_decls(e, qi, &decl);
    claim_static(e, "%s_params_of", qi->id);
    sb_tpl(e->impl, "static const $(p)_$(id)_params *$(id)_params_of($(p)_$(id)_params *p",
           "p", e->prefix, "id", qi->id, NULL);
    sb_printf(e->impl, "%s)\n{\n    memset(p, 0, sizeof *p);\n", decl.data);
    for (size_t i = 0; i < q->nparams; i++) {
        const char *f = qi->pfields[i];
        if (q->params[i].type.ct == CT_UUID && !q->params[i].type.is_array) /* uuid_t is an array: copied */
            sb_tpl(e->impl, "    if (!$(f))\n        return NULL;\n    memcpy(p->$(f), $(f), sizeof p->$(f));\n",
                   "f", f, NULL);
        else
            sb_printf(e->impl, "    p->%s = %s;\n", f, f);
    }
    sb_puts(e->impl, "    return p;\n}\n\n");
    sb_free(&decl);
}

/* The body: the parameters (a struct, or none), then the runtime call call_fmt (%s: the params). */
static void put_body(emitter *e, const qinfo *qi, const char *call_fmt)
{
    const gen_query *q = qi->q;
    if (!q->nparams) {
        sb_printf(e->impl, call_fmt, "NULL");
    } else if (!qi->positional) {
        sb_printf(e->impl, call_fmt, "params");
    } else {
        strbuf args;
        sb_init(&args);
        sb_printf(&args, "%s_params_of(&p", qi->id);
        for (size_t i = 0; i < q->nparams; i++)
            sb_printf(&args, ", %s", qi->pfields[i]);
        sb_putc(&args, ')');
        sb_printf(e->impl, "    %s_%s_params p;\n", e->prefix, qi->id);
        sb_printf(e->impl, call_fmt, args.data);
        sb_free(&args);
    }
    sb_puts(e->impl, "}\n\n");
}

/* The query's own documentation (the comment lines above it) as doc-comment lines; a star-slash
 * in it loses its slash, so it cannot end the comment. */
static void put_query_doc(strbuf *doc, const gen_query *q)
{
    if (!q->doc)
        return;
    sb_puts(doc, " * ");
    for (const char *s = q->doc; *s; s++) {
        if (*s == '\n')
            sb_puts(doc, "\n * ");
        else if (!(*s == '/' && s > q->doc && s[-1] == '*'))
            sb_putc(doc, *s);
    }
    sb_puts(doc, "\n");
}

/* The set of every parameter of a :copyfrom query, as the runtime's copy functions take it: a
 * uint64_t literal, or for more than 64 parameters a static array of words emitted now. */
static char *all_params(emitter *e, const qinfo *qi)
{
    size_t n = qi->q->nparams;
    bool *in;
    if (n <= 64)
        return xstrfmt("0x%llx", n == 64 ? ~0ULL : (1ULL << n) - 1);
    in = xcalloc(n, sizeof *in);
    for (size_t i = 0; i < n; i++)
        in[i] = true;
    claim_static(e, "%s_copy_set", qi->id);
    sb_printf(e->impl, "static const uint64_t %s_copy_set[] = ", qi->id);
    put_column_words(e->impl, in, n);
    sb_puts(e->impl, ";\n\n");
    free(in);
    return xstrfmt("%s_copy_set", qi->id);
}

/* :copyfrom: the rows from an array, or from a producer, by binary COPY into the table. */
static void emit_copyfrom_functions(emitter *e, const qinfo *qi)
{
    const gen_query *q = qi->q;
    strbuf doc;
    char *name = xstrfmt("int %s_%s", e->prefix, qi->id), *decl;
    char *all = all_params(e, qi);
    sb_init(&doc);
    put_query_doc(&doc, q);
    sb_printf(&doc,
              " * Query %s (%s), :copyfrom: inserts rows[0..count) into %s with binary COPY.\n"
              " * All or nothing: a bad row stops the COPY, nothing of it is kept, and blogdb_failed_index()\n"
              " * gives its index. Runs in the open transaction, or its own; not on a pipeline.\n"
              " * @param db     The connection.\n * @param rows   The rows (may be NULL when count is 0).\n"
              " * @param count  How many.\n"
              " * @return 0, or the code of the failure (BLOGDB_EINVAL, BLOGDB_ETOOLONG, BLOGDB_EUNIQUE,\n"
              " *         BLOGDB_EFOREIGNKEY...).\n",
              q->name, file_where(q), q->copy_into->name);
    decl = xstrfmt("blogdb *db, const %s_%s_params *rows, size_t count", e->prefix, qi->id);
    emit_proto(e, doc.data, name, decl);
    sb_printf(e->impl, "    return blogdb_rt_copy_rows%s(db, &%s_params, %s, rows, count);\n}\n\n", q->nparams > 64 ? "_cols" : "",
              qi->id, all);
    free(name);
    free(decl);
    sb_free(&doc);
    sb_init(&doc);
    sb_printf(&doc,
              " * Query %s as %s_%s(), with the rows from next() until it returns 0; a negative\n"
              " * return aborts the COPY and is returned.\n"
              " * @return 0, next's negative code, or the codes of %s_%s().\n",
              q->name, e->prefix, qi->id, e->prefix, qi->id);
    name = xstrfmt("int %s_%s_fn", e->prefix, qi->id);
    decl = xstrfmt("blogdb *db, %s_%s_next_fn next, void *ctx", e->prefix, qi->id);
    emit_copy_adapter(e, qi->id);
    emit_proto(e, doc.data, name, decl);
    sb_printf(e->impl,
              "    %s_%s_params scratch;\n    struct %s_copy_ctx x = {next, ctx};\n"
              "    return blogdb_rt_copy_in%s(db, &%s_params, %s, next ? %s_copy_row : NULL, &x, &scratch);\n}\n\n",
              e->prefix, qi->id, qi->id, q->nparams > 64 ? "_cols" : "", qi->id, all, qi->id);
    free(name);
    free(decl);
    free(all);
    sb_free(&doc);
}

static void emit_functions(emitter *e, const qinfo *qi)
{
    const gen_query *q = qi->q;
    strbuf doc, decl;
    char *name, *call;
    if (q->cmd == QUERY_COPYFROM) {
        emit_copyfrom_functions(e, qi);
        return;
    }
    name = xstrfmt("int %s_%s", e->prefix, qi->id);
    sb_init(&doc);
    sb_init(&decl);
    put_query_doc(&doc, q);
    sb_printf(&doc, " * Query %s (%s), %s.\n", q->name, file_where(q), q->command);
    sb_puts(&doc, " * @param db  The connection.\n");
    sb_puts(&decl, "blogdb *db");
    switch (q->cmd) {
    case QUERY_ONE:
        sb_printf(&doc, " * @param[out] out  The row (free with %s_free()), else NULL.\n", qi->row);
        sb_printf(&decl, ", %s **out", qi->row);
        break;
    case QUERY_MANY:
        sb_printf(&doc, " * @param[out] out  The rows, possibly none (free with %s_free()), else NULL.\n", qi->rows);
        sb_printf(&decl, ", %s **out", qi->rows);
        break;
    case QUERY_EXECROWS:
        sb_puts(&doc, " * @param[out] out  The number of rows the statement affected (0 on failure).\n");
        sb_puts(&decl, ", int64_t *out");
        break;
    case QUERY_EXEC:
    case QUERY_COPYFROM: /* emit_copyfrom_functions */
        break;
    }
    put_param_docs(e, qi, &doc);
    put_param_decls(e, qi, &decl);
    sb_printf(&doc, " * @return 0%s, BLOGDB_EINVAL (a NULL argument, bad UTF-8, an unknown enum value), or the\n"
                    " *         server's code (BLOGDB_EUNIQUE, BLOGDB_EFOREIGNKEY, BLOGDB_ECHECK...)%s. Nothing\n"
                    " *         is handed out on failure.\n",
              q->cmd == QUERY_ONE ? ", BLOGDB_ENOTFOUND when no row comes back" : "",
              q->writes ? "; BLOGDB_EUNKNOWN when the connection was lost in flight outside a transaction" : "");
    emit_proto(e, doc.data, name, decl.data);
    call = xstrfmt("    return blogdb_rt_run(db, &%s_stmt, %%s, %s);\n", qi->id, q->cmd == QUERY_EXEC ? "NULL" : "out");
    put_body(e, qi, call);
    free(call);
    free(name);

    if (streams(q)) {
        sb_free(&doc);
        sb_free(&decl);
        sb_init(&doc);
        sb_init(&decl);
        sb_printf(&doc,
                  " * Streams the rows of query %s to fn in constant memory (a server-side cursor read in\n"
                  " * chunks, the next one on its way while fn runs: fn must not use db; the row passed to fn is\n"
                  " * reused). Runs in the open transaction, or a read-only one.\n"
                  " * @param db  The connection.\n",
                  q->name);
        sb_puts(&decl, "blogdb *db");
        put_param_docs(e, qi, &doc);
        put_param_decls(e, qi, &decl);
        sb_printf(&decl, ", %s fn, void *ctx", qi->row_fn);
        sb_puts(&doc, " * @param fn  Called with each row: 0 to go on, a positive value to stop, a negative code to abort.\n"
                      " * @param ctx  Passed to fn.\n"
                      " * @return 0 when every row was read or fn stopped with a positive value; fn's negative\n"
                      " *         code; or another BLOGDB_E* code.\n");
        name = xstrfmt("int %s_%s_each", e->prefix, qi->id);
        emit_proto(e, doc.data, name, decl.data);
        free(name);
        /* the typed callback through a small adapter, never a cast function pointer */
        sb_printf(e->impl, "    struct %s_each_ctx x = {fn, ctx};\n", qi->row_rel);
        call = xstrfmt("    return blogdb_rt_run_each(db, &%s_stmt, %%s, fn ? %s_each_row : NULL, &x);\n", qi->id,
                       qi->row_rel);
        put_body(e, qi, call);
        free(call);
    }
    if (reads_rows(q) && !q->row_of) {
        name = xstrfmt("void %s_free", q->cmd == QUERY_ONE ? qi->row : qi->rows);
        call = xstrfmt("%s *%s", q->cmd == QUERY_ONE ? qi->row : qi->rows, q->cmd == QUERY_ONE ? "row" : "rows");
        emit_proto(e, " * Frees what the query returned, in one go. NULL is ignored.\n", name, call);
        sb_printf(e->impl, "    blogdb_rt_free(%s);\n}\n\n", q->cmd == QUERY_ONE ? "row" : "rows");
        free(name);
        free(call);
    }
    sb_free(&doc);
    sb_free(&decl);
}

/* The typed callback reaches the runtime through an adapter, never a cast function pointer: one
 * per row type (queries returning a table's row share it). */
static void emit_each_adapter(emitter *e, const qinfo *qis, size_t i)
{
    if (!streams(qis[i].q))
        return;
    for (size_t j = 0; j < i; j++)
        if (!qis[j].skip && streams(qis[j].q) && strcmp(qis[j].row_rel, qis[i].row_rel) == 0)
            return;
    claim_static(e, "%s_each_ctx", qis[i].row_rel);
    claim_static(e, "%s_each_row", qis[i].row_rel);
    sb_tpl(e->impl,
           "struct $(r)_each_ctx {\n    $(fn) fn;\n    void *ctx;\n};\n\n"
           "static int $(r)_each_row(const void *row, void *c)\n{\n"
           "    const struct $(r)_each_ctx *x = c;\n    return x->fn(row, x->ctx);\n}\n\n",
           "r", qis[i].row_rel, "fn", qis[i].row_fn, NULL);
}

/* Enum descriptors the queries use (the schema file's are static to it). */
static void emit_used_enums(emitter *e, const gen_model *m, const qinfo *qis)
{
    for (size_t i = 0; i < m->nenums; i++) {
        bool used = false;
        for (size_t k = 0; k < m->nqueries && !used; k++) {
            const gen_query *q = m->queries[k];
            if (qis[k].skip)
                continue;
            for (size_t c = 0; c < q->result.ncolumns && !used; c++)
                used = q->result.columns[c].type.enum_def == m->enums[i] && reads_rows(q);
            for (size_t p = 0; p < q->nparams && !used; p++)
                used = q->params[p].type.enum_def == m->enums[i];
        }
        if (used)
            emit_enum_descriptor(e, m->enums[i]);
    }
}

int emit_queries(const gen_model *m, const char *prefix, const char *inputs, namereg *names, strbuf *hdr,
                 strbuf *impl)
{
    emitter e = {m, prefix, upper(prefix), hdr, impl, names, {0}, NULL, NULL};
    qinfo *qis = xcalloc(m->nqueries + 1, sizeof *qis);
    int rc = 0;
    for (size_t i = 0; i < m->nqueries && rc == 0; i++) {
        char *why = NULL;
        rc = qinfo_init(&e, m->queries[i], &qis[i]);
        if (rc == 0 && m->bindings_role && !query_allowed(m, m->queries[i], m->bindings_role, &why)) {
            diag_warning_where(m->queries[i]->where, "role %s may not run query %s (it needs %s): no function for it",
                               m->bindings_role, m->queries[i]->name, why);
            qis[i].skip = true;
        }
        free(why);
        for (size_t j = 0; j < i && rc == 0; j++)
            if (strcmp(qis[i].id, qis[j].id) == 0) {
                diag_error_where(m->queries[i]->where, "queries %s and %s map to the same C name %s_%s",
                                 m->queries[j]->name, m->queries[i]->name, prefix, qis[i].id);
                rc = -1;
            }
    }
    if (rc == 0) {
        sb_tpl(hdr,
               "/**\n * @file $(p)_queries.h\n * @brief The typed queries of $(inputs), generated by blogdb-gen $(v).\n"
               " *\n * Do not edit: change the query files and rebuild. Ownership and codes are stated at\n"
               " * each declaration. Link with the schema's library ($(p)_schema.h).\n */\n"
               "#ifndef $(P)_QUERIES_H\n#define $(P)_QUERIES_H\n\n#include \"$(p)_schema.h\"\n\n"
               "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n",
               "p", prefix, "P", e.PREFIX, "inputs", inputs, "v", GEN_VERSION, NULL);
        sb_tpl(impl,
               "/* $(p)_queries.c: generated by blogdb-gen $(v) from $(inputs). Do not edit. */\n"
               "#include \"$(p)_queries.h\"\n\n#include <stddef.h>\n#include <string.h>\n\n",
               "p", prefix, "inputs", inputs, "v", GEN_VERSION, NULL);
        emit_used_enums(&e, m, qis);
        emit_table_layouts(&e, qis, m->nqueries);
        for (size_t i = 0; i < m->nqueries; i++) {
            char *owner;
            if (qis[i].skip) {
                sb_printf(hdr, "/* ---- query %s (%s): not for role %s ---- */\n\n", m->queries[i]->name,
                          file_where(m->queries[i]), m->bindings_role);
                continue;
            }
            owner = xstrfmt("query %s", m->queries[i]->name);
            e.owner = owner;
            e.where = m->queries[i]->where;
            sb_printf(hdr, "/* ---- query %s (%s) ---- */\n\n", m->queries[i]->name, file_where(m->queries[i]));
            emit_types(&e, &qis[i]);
            emit_descriptors_of(&e, &qis[i]);
            emit_each_adapter(&e, qis, i);
            emit_params_of(&e, &qis[i]);
            emit_functions(&e, &qis[i]);
            free(owner);
            e.owner = NULL;
        }
        if (names->clash)
            rc = -1;
        sb_tpl(hdr, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* $(P)_QUERIES_H */\n", "P", e.PREFIX, NULL);
    }
    for (size_t i = 0; i < m->nqueries; i++)
        qinfo_free(&qis[i]);
    free(qis);
    namereg_free(&e.statics);
    free(e.PREFIX);
    return rc;
}
