/* blogdb-gen, emitter: the functions of a table or view: get, list, each, copy, insert, update, delete, count. */
#include "emit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* get_by_<cols> (unique lookup) or delete by key. */
static void emit_key_fn(emitter *e, const relinfo *ri, const int *cols, size_t n, bool del)
{
    char *by = by_name(ri, cols, n);
    char *qname = xstrfmt("%s_%s_%s_query", ri->id, del ? "delete_by" : "get_by", by);
    strbuf tail, params, doc, nm;
    int next = 1;
    sb_init(&tail);
    sb_init(&params);
    sb_init(&doc);
    sb_init(&nm);
    if (del) {
        sb_puts(&tail, "DELETE FROM ");
        put_qualified(&tail, ri->r->schema, ri->r->name);
    }
    sb_puts(&tail, " WHERE ");
    where_eq(&tail, ri->r, cols, n, &next);
    emit_query(e, ri, qname, tail.data, del, cols, n, del ? "BLOGDB_RT_AFFECT" : "BLOGDB_RT_ONE");
    if (del) {
        sb_printf(&params, "blogdb *db");
        sb_printf(&nm, "int %s_%s_delete", e->prefix, ri->id);
        sb_printf(&doc, " * Deletes the %s row whose key is given.\n"
                        " * @return 0, BLOGDB_ENOTFOUND when no row has that key, BLOGDB_EFOREIGNKEY when\n"
                        " *         other rows still reference it, or another BLOGDB_E* code.\n",
                  ri->r->name);
    } else {
        sb_printf(&params, "blogdb *db, %s_%s_row **out", e->prefix, ri->id);
        sb_printf(&nm, "int %s_%s_get_by_%s", e->prefix, ri->id, by);
        sb_printf(&doc, " * Fetches the %s row with the given %s.\n"
                        " * @param[out] out  The row on success (free with %s_%s_row_free()), else NULL.\n"
                        " * @return 0, BLOGDB_ENOTFOUND, BLOGDB_EINVAL (NULL argument, bad UTF-8), or another code.\n",
                  ri->r->name, by, e->prefix, ri->id);
    }
    key_params(e, ri, &params, cols, n);
    emit_proto(e, doc.data, nm.data, params.data);
    sb_puts(e->impl, "    const void *args[] = {");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(e->impl, ", ");
        key_arg(e->impl, ri, cols[i]);
    }
    sb_printf(e->impl, "};\n    return blogdb_rt_exec(db, &%s, args, %s);\n}\n\n", qname, del ? "NULL" : "out");
    free(by);
    free(qname);
    sb_free(&tail);
    sb_free(&params);
    sb_free(&doc);
    sb_free(&nm);
}

static void emit_list_query(emitter *e, const relinfo *ri, const list_spec *ls, bool after, const char *qname)
{
    strbuf tail;
    int next = 1, params[80];
    size_t np = 0;
    bool where = false;
    sb_init(&tail);
    if (ls->neq) {
        sb_puts(&tail, " WHERE ");
        where_eq(&tail, ri->r, ls->eq, ls->neq, &next);
        for (size_t i = 0; i < ls->neq; i++)
            params[np++] = ls->eq[i];
        where = true;
    }
    if (ls->range >= 0) {
        sb_puts(&tail, where ? " AND " : " WHERE ");
        sb_put_ident(&tail, ri->r->columns[ls->range].name);
        sb_printf(&tail, " >= $%d AND ", next++);
        sb_put_ident(&tail, ri->r->columns[ls->range].name);
        sb_printf(&tail, " < $%d", next++);
        params[np++] = ls->range;
        params[np++] = ls->range;
        where = true;
    }
    params[np++] = -1;
    {
        int limit_no = next++;
        if (after) {
            sb_puts(&tail, where ? " AND " : " WHERE ");
            keyset_after(&tail, ri->r, ls->order, ls->norder, ls->desc, &next);
            for (size_t i = 0; i < ls->norder; i++)
                params[np++] = ls->order[i];
        }
        order_by(&tail, ri->r, ls->order, ls->norder, ls->desc);
        sb_printf(&tail, " LIMIT $%d", limit_no);
    }
    emit_query(e, ri, qname, tail.data, false, params, np, "BLOGDB_RT_MANY");
    sb_free(&tail);
}

/* <prefix>_<rel>_each<suffix>: every row matching eq (and from <= range < to), streamed. */
static void emit_each_fn(emitter *e, const relinfo *ri, const char *suffix, const int *eq, size_t neq, int range)
{
    char *q = xstrfmt("%s_each%s_query", ri->id, suffix);
    strbuf tail, params, doc, nm;
    int next = 1, pcols[40];
    size_t np = 0;
    sb_init(&tail);
    sb_init(&params);
    sb_init(&doc);
    sb_init(&nm);
    if (neq) {
        sb_puts(&tail, " WHERE ");
        where_eq(&tail, ri->r, eq, neq, &next);
        for (size_t i = 0; i < neq; i++)
            pcols[np++] = eq[i];
    }
    if (range >= 0) {
        sb_puts(&tail, neq ? " AND " : " WHERE ");
        sb_put_ident(&tail, ri->r->columns[range].name);
        sb_printf(&tail, " >= $%d AND ", next++);
        sb_put_ident(&tail, ri->r->columns[range].name);
        sb_printf(&tail, " < $%d", next++);
        pcols[np++] = range;
        pcols[np++] = range;
    }
    emit_query(e, ri, q, tail.data, false, pcols, np, "BLOGDB_RT_MANY");
    sb_printf(&nm, "int %s_%s_each%s", e->prefix, ri->id, suffix);
    sb_printf(&params, "blogdb *db, %s_%s_row_fn fn, void *ctx", e->prefix, ri->id);
    key_params(e, ri, &params, eq, neq);
    if (range >= 0) {
        char *t = c_type(e, &ri->r->columns[range].type);
        sb_printf(&params, ", %s from, %s to", t, t);
        free(t);
    }
    sb_printf(&doc,
              " * Streams every matching row to fn, in the server's order, in constant memory (a server-side\n"
              " * cursor read in chunks, the next one on its way while fn runs: fn must not use db; the row\n"
              " * passed to fn is reused). Stopping early closes the cursor.\n"
              " * Runs in the open transaction, or in a read-only one of its own.\n"
              " * @return 0 when every row was read or fn stopped with a positive value; fn's negative\n"
              " *         code; or another BLOGDB_E* code.\n");
    emit_proto(e, doc.data, nm.data, params.data);
    sb_printf(e->impl, "    struct %s_each_ctx x = {fn, ctx};\n", ri->id);
    if (np) {
        sb_puts(e->impl, "    const void *args[] = {");
        for (size_t i = 0; i < neq; i++) {
            sb_puts(e->impl, i ? ", " : "");
            key_arg(e->impl, ri, eq[i]);
        }
        if (range >= 0)
            sb_puts(e->impl, neq ? ", &from, &to" : "&from, &to");
        sb_printf(e->impl, "};\n    return blogdb_rt_each(db, &%s, args, fn ? %s_each_row : NULL, &x);\n}\n\n", q, ri->id);
    } else {
        sb_printf(e->impl, "    return blogdb_rt_each(db, &%s, NULL, fn ? %s_each_row : NULL, &x);\n}\n\n", q, ri->id);
    }
    free(q);
    sb_free(&tail);
    sb_free(&params);
    sb_free(&doc);
    sb_free(&nm);
}

static void emit_copy_fns(emitter *e, const relinfo *ri)
{
    bool wide = rel_wide(ri);
    char *cols_t = wide ? xstrfmt("const %s_%s_column_set *", e->prefix, ri->id) : xstrdup("uint64_t ");
    const char *rt = wide ? "_cols" : "", *with = wide ? "with ? with->bits : NULL" : "with";
    char *nm = xstrfmt("int %s_%s_copy_in", e->prefix, ri->id);
    char *params = xstrfmt("blogdb *db, const %s_%s_row *rows, size_t count, %swith", e->prefix, ri->id, cols_t);
    char *doc = xstrfmt(" * Bulk insert with COPY (binary): rows[0..count), the columns an insert with `with` sends.\n"
                        " * All or nothing: a bad row stops the COPY, nothing of it is kept, and\n"
                        " * blogdb_failed_index() gives the row's index. Runs in the open transaction, or its own.\n"
                        " * @return 0, or the code of the failure (BLOGDB_EINVAL, BLOGDB_ETOOLONG, BLOGDB_EUNIQUE...).\n");
    emit_proto(e, doc, nm, params);
    sb_printf(e->impl, "    return blogdb_rt_copy_rows%s(db, &%s_rel, %s, rows, count);\n}\n\n", rt, ri->id, with);
    free(nm);
    free(params);
    free(doc);
    nm = xstrfmt("int %s_%s_copy_in_fn", e->prefix, ri->id);
    params = xstrfmt("blogdb *db, %s_%s_next_fn next, void *ctx, %swith", e->prefix, ri->id, cols_t);
    doc = xstrfmt(" * Bulk insert with COPY (binary) from a row producer: as %s_%s_copy_in(), with rows\n"
                  " * from next() until it returns 0; a negative return aborts the COPY.\n",
                  e->prefix, ri->id);
    emit_proto(e, doc, nm, params);
    sb_printf(e->impl,
              "    %s_%s_row scratch;\n    struct %s_copy_ctx x = {next, ctx};\n"
              "    return blogdb_rt_copy_in%s(db, &%s_rel, %s, next ? %s_copy_row : NULL, &x, &scratch);\n}\n\n",
              e->prefix, ri->id, ri->id, rt, ri->id, with, ri->id);
    free(nm);
    free(params);
    free(doc);
    free(cols_t);
}

static void emit_list_fn(emitter *e, const relinfo *ri, const list_spec *ls)
{
    char *q1 = xstrfmt("%s_list%s_query", ri->id, ls->suffix);
    char *q2 = xstrfmt("%s_list%s_after_query", ri->id, ls->suffix);
    strbuf params, doc, nm;
    emit_list_query(e, ri, ls, false, q1);
    emit_list_query(e, ri, ls, true, q2);
    sb_init(&params);
    sb_init(&doc);
    sb_init(&nm);
    sb_printf(&nm, "int %s_%s_list%s", e->prefix, ri->id, ls->suffix);
    sb_printf(&params, "blogdb *db, %s_%s_rows **out", e->prefix, ri->id);
    key_params(e, ri, &params, ls->eq, ls->neq);
    if (ls->range >= 0) {
        char *t = c_type(e, &ri->r->columns[ls->range].type);
        sb_printf(&params, ", %s from, %s to", t, t);
        free(t);
    }
    sb_printf(&params, ", int64_t limit, const %s_%s_row *after", e->prefix, ri->id);
    sb_printf(&doc,
              " * %s\n"
              " * Keyset pagination: pass the last row of the previous page as `after` (only the\n"
              " * columns it is ordered by are read), or NULL for the first page. No row is lost or repeated.\n"
              " * @param[out] out  The rows (possibly none; free with %s_%s_rows_free()), else NULL.\n"
              " * @param limit     Most rows to return, >= 0.\n"
              " * @return 0, BLOGDB_EINVAL (NULL argument, negative limit), or another code.\n",
              ls->doc, e->prefix, ri->id);
    emit_proto(e, doc.data, nm.data, params.data);
    for (int pass = 0; pass < 2; pass++) {
        sb_puts(e->impl, pass == 0 ? "    if (!after) {\n" : "    } else {\n");
        sb_puts(e->impl, "        const void *args[] = {");
        for (size_t i = 0; i < ls->neq; i++) {
            key_arg(e->impl, ri, ls->eq[i]);
            sb_puts(e->impl, ", ");
        }
        if (ls->range >= 0)
            sb_puts(e->impl, "&from, &to, ");
        sb_puts(e->impl, "&limit");
        if (pass == 1)
            for (size_t i = 0; i < ls->norder; i++)
                sb_printf(e->impl, ", &after->%s", ri->fields[ls->order[i]]);
        sb_printf(e->impl, "};\n        return blogdb_rt_exec(db, &%s, args, out);\n", pass ? q2 : q1);
    }
    sb_puts(e->impl, "    }\n}\n\n");
    emit_each_fn(e, ri, ls->suffix, ls->eq, ls->neq, ls->range);
    free(q1);
    free(q2);
    sb_free(&params);
    sb_free(&doc);
    sb_free(&nm);
}

static bool orderable(const gen_type *t)
{
    ctype ct = t->ct;
    return !t->is_array && (ct == CT_INT2 || ct == CT_INT4 || ct == CT_INT8 || ct == CT_FLOAT4 || ct == CT_FLOAT8 ||
           ct == CT_TIMESTAMP || ct == CT_TIMESTAMPTZ || ct == CT_DATE || ct == CT_TIME);
}

/* Column indexes of an index, or false when it has an expression key or is partial. */
static bool index_cols(const relinfo *ri, const gen_index *ix, int *out)
{
    if (ix->partial || !ix->ordered || ix->ncolumns > 32)
        return false;
    for (size_t i = 0; i < ix->ncolumns; i++) {
        if (!ix->columns[i])
            return false;
        out[i] = rel_find_column(ri->r, ix->columns[i]);
    }
    return true;
}

static bool same_cols(const int *a, size_t na, const int *b, size_t nb)
{
    return na == nb && memcmp(a, b, na * sizeof *a) == 0;
}

/* Column sets already given a function (so two indexes on the same columns give one). */
typedef struct colsets {
    int **cols;
    size_t *ns;
    size_t n;
} colsets;

static bool colsets_add(colsets *s, const int *cols, size_t n)
{
    for (size_t d = 0; d < s->n; d++)
        if (same_cols(s->cols[d], s->ns[d], cols, n))
            return false;
    *VEC_PUSH(s->cols, s->n) = memcpy(xcalloc(n ? n : 1, sizeof(int)), cols, n * sizeof(int));
    s->ns = xrealloc(s->ns, s->n * sizeof *s->ns);
    s->ns[s->n - 1] = n;
    return true;
}

static void colsets_free(colsets *s)
{
    for (size_t d = 0; d < s->n; d++)
        free(s->cols[d]);
    free(s->cols);
    free(s->ns);
}

/* The columns of an index as column indexes (allocated), or NULL when it has an expression. */
static int *index_columns(const relinfo *ri, const gen_index *ix)
{
    int *cols = xcalloc(ix->ncolumns + 1, sizeof *cols);
    if (!index_cols(ri, ix, cols)) {
        free(cols);
        return NULL;
    }
    return cols;
}

/* One generated function from templates: its name and return type, parameters, doc block and body
 * may use $(rel) (the SQL name), $(p)/$(P) (the prefix), $(id)/$(ID) (the relation's C name) and
 * $(q) (a query descriptor's name). */
static void emit_fn(emitter *e, const relinfo *ri, const char *q, const char *ret_name, const char *params,
                    const char *doc, const char *body)
{
    strbuf t[4];
    const char *tpl[4] = {ret_name, params, doc, body};
    /* Column sets: a uint64_t mask, or a pointer to the wide relation's _column_set struct. */
    bool wide = rel_wide(ri);
    char *cols_t = wide ? xstrfmt("const %s_%s_column_set *", e->prefix, ri->id) : xstrdup("uint64_t ");
    char *colref = wide ? xstrfmt("%s_%s_*_COLNO column", e->PREFIX, ri->ID) : xstrfmt("%s_%s_* bit", e->PREFIX, ri->ID);
    for (int i = 0; i < 4; i++) {
        sb_init(&t[i]);
        sb_tpl(&t[i], tpl[i], "rel", ri->r->name, "p", e->prefix, "P", e->PREFIX, "id", ri->id, "ID", ri->ID, "q",
               q ? q : "", "cols_t", cols_t, "colref", colref, "rt_cols", wide ? "_cols" : "", "with",
               wide ? "with ? with->bits : NULL" : "with", "mask", wide ? "mask ? mask->bits : NULL" : "mask", NULL);
    }
    emit_proto(e, t[2].data, t[0].data, t[1].data);
    sb_puts(e->impl, t[3].data);
    for (int i = 0; i < 4; i++)
        sb_free(&t[i]);
    free(cols_t);
    free(colref);
}

static void emit_insert_fn(emitter *e, const relinfo *ri)
{
    emit_fn(e, ri, NULL, "int $(p)_$(id)_insert", "blogdb *db, $(p)_$(id)_row **out, const $(p)_$(id)_row *row, $(cols_t)with",
            " * Inserts a $(rel) row and returns it as stored (defaults and triggers applied).\n"
            " * @param[out] out  The stored row (free with $(p)_$(id)_row_free()), or NULL when not wanted.\n"
            " * @param row       The values. Columns with a DEFAULT are sent only when their\n"
            " *                  $(colref) is in `with`; otherwise the server default applies.\n"
            " * @return 0, BLOGDB_EUNIQUE, BLOGDB_EFOREIGNKEY, BLOGDB_ENOTNULL, BLOGDB_ECHECK,\n"
            " *         BLOGDB_ETOOLONG, BLOGDB_EINVAL (NULL argument or string, bad UTF-8, bad enum),\n"
            " *         or another code. Nothing is written on failure.\n",
            "    return blogdb_rt_insert$(rt_cols)(db, &$(id)_rel, row, $(with), out);\n}\n\n");
}

/* get_by: the primary key, then each unique index on other columns. */
static void emit_finders(emitter *e, const relinfo *ri)
{
    colsets done = {0};
    if (ri->npk) {
        emit_key_fn(e, ri, ri->pk, ri->npk, false);
        colsets_add(&done, ri->pk, ri->npk);
    }
    for (size_t x = 0; x < ri->r->nindexes; x++) {
        const gen_index *ix = &ri->r->indexes[x];
        int *cols = ix->unique ? index_columns(ri, ix) : NULL;
        if (cols && colsets_add(&done, cols, ix->ncolumns))
            emit_key_fn(e, ri, cols, ix->ncolumns, false);
        free(cols);
    }
    colsets_free(&done);
}

static bool is_key_column(const relinfo *ri, int col)
{
    for (size_t k = 0; k < ri->npk; k++)
        if (ri->pk[k] == col)
            return true;
    return false;
}

/* The keyset order of a list over index ix (key columns cols) after its first neq columns: the
 * index's remaining columns in its directions, then the primary key columns not in the index, in
 * the direction of the index's last column (an all-DESC index gives an all-DESC order: one row
 * comparison pages it). Returns the count, or 0 when a remaining column is an array or nullable
 * (a keyset cannot page over NULLs) -- unless `ranged`: the first remaining column is then
 * filtered by a range, which no NULL passes -- or, for a prefix list, when every remaining column
 * is a key column (that is the plain list's order). */
static size_t index_order(const relinfo *ri, const gen_index *ix, const int *cols, size_t neq, bool ranged,
                          int *order, uint64_t *desc)
{
    bool last_desc = ix->desc >> (ix->ncolumns - 1) & 1, orders = false;
    size_t n = 0;
    *desc = 0;
    for (size_t i = neq; i < ix->ncolumns; i++) {
        const gen_column *c = &ri->r->columns[cols[i]];
        if (c->type.is_array || (!c->not_null && !(ranged && i == neq)))
            return 0;
        orders |= !is_key_column(ri, cols[i]);
        if (ix->desc >> i & 1)
            *desc |= 1ULL << n;
        order[n++] = cols[i];
    }
    for (size_t k = 0; k < ri->npk; k++) {
        bool in_index = false;
        for (size_t i = 0; i < ix->ncolumns; i++)
            in_index |= cols[i] == ri->pk[k];
        if (in_index)
            continue;
        if (last_desc)
            *desc |= 1ULL << n;
        order[n++] = ri->pk[k];
    }
    /* a prefix list ordered by key columns alone would be the plain list; a range list always orders */
    return orders || ranged ? n : 0;
}

/* Whether cols hold the whole primary key: equality on them finds one row at most (get_by). */
static bool holds_key(const relinfo *ri, const int *cols, size_t n)
{
    size_t held = 0;
    for (size_t i = 0; i < n; i++)
        held += is_key_column(ri, cols[i]);
    return ri->npk && held == ri->npk;
}

/* "created_at DESC, id DESC" */
static char *order_words(const relinfo *ri, const int *order, size_t n, uint64_t desc)
{
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s%s%s", i ? ", " : "", ri->r->columns[order[i]].name, desc >> i & 1 ? " DESC" : "");
    return sb.data;
}

/* list_by_<prefix>: for each proper prefix of a btree index's columns, the rows with those values
 * in the index's order of the rest: an index on (user_id, created_at DESC) gives the newest rows
 * of a user first, read straight off the index. */
static void emit_index_lists(emitter *e, const relinfo *ri, colsets *seen)
{
    for (size_t x = 0; x < ri->r->nindexes; x++) {
        const gen_index *ix = &ri->r->indexes[x];
        int *cols = ix->sorted ? index_columns(ri, ix) : NULL;
        for (size_t neq = 1; cols && neq < ix->ncolumns; neq++) {
            int order[64];
            uint64_t desc;
            size_t norder = index_order(ri, ix, cols, neq, false, order, &desc);
            char *by, *suffix, *words, *doc;
            if (!norder || !colsets_add(seen, cols, neq))
                continue;
            by = by_name(ri, cols, neq);
            suffix = xstrfmt("_by_%s", by);
            words = order_words(ri, order, norder, desc);
            doc = xstrfmt("Lists the rows with the given %s, ordered by %s (index %s).", by, words, ix->name);
            {
                list_spec ls = {.suffix = suffix, .eq = cols, .neq = neq, .range = -1, .order = order,
                                .norder = norder, .desc = desc, .doc = doc};
                emit_list_fn(e, ri, &ls);
            }
            free(by);
            free(suffix);
            free(words);
            free(doc);
        }
        free(cols);
    }
}

/* list (keyset-paginated by primary key); the lists that follow an index's order; list_by all the
 * columns of each other plain index, in primary key order; and a range list on each single
 * orderable indexed column, in the index's direction. */
static void emit_lists(emitter *e, const relinfo *ri)
{
    const gen_relation *r = ri->r;
    list_spec all = {.suffix = "", .range = -1, .order = ri->pk, .norder = ri->npk,
                     .doc = "Lists rows in primary key order."};
    colsets seen = {0}, ranged = {0};
    emit_list_fn(e, ri, &all);
    emit_index_lists(e, ri, &seen);
    for (size_t x = 0; x < r->nindexes; x++) {
        const gen_index *ix = &r->indexes[x];
        int *cols = ix->unique ? NULL : index_columns(ri, ix);
        char *by, *suffix, *doc;
        if (!cols)
            continue;
        by = by_name(ri, cols, ix->ncolumns);
        if (!holds_key(ri, cols, ix->ncolumns) && colsets_add(&seen, cols, ix->ncolumns)) {
            list_spec eq = {.eq = cols, .neq = ix->ncolumns, .range = -1, .order = ri->pk, .norder = ri->npk};
            eq.suffix = suffix = xstrfmt("_by_%s", by);
            eq.doc = doc = xstrfmt("Lists the rows with the given %s, in primary key order.", by);
            emit_list_fn(e, ri, &eq);
            free(suffix);
            free(doc);
        }
        if (ix->ncolumns == 1 && ix->sorted && orderable(&r->columns[cols[0]].type) && colsets_add(&ranged, cols, 1)) {
            int order[64];
            uint64_t desc;
            size_t norder = index_order(ri, ix, cols, 0, true, order, &desc);
            char *words = order_words(ri, order, norder, desc);
            list_spec rg = {.range = cols[0], .order = order, .norder = norder, .desc = desc};
            rg.suffix = suffix = xstrfmt("_by_%s_range", by);
            rg.doc = doc = xstrfmt("Lists the rows with from <= %s < to, ordered by %s.", by, words);
            emit_list_fn(e, ri, &rg);
            free(suffix);
            free(doc);
            free(words);
        }
        free(by);
        free(cols);
    }
    colsets_free(&seen);
    colsets_free(&ranged);
}

/* update (every non-key writable column) and update_fields (the columns in a mask). */
static void emit_update_fns(emitter *e, const relinfo *ri)
{
    if (rel_wide(ri)) { /* the set of writable non-key columns, as words */
        bool *in = xcalloc(ri->r->ncolumns, sizeof *in);
        for (size_t i = 0; i < ri->r->ncolumns; i++)
            in[i] = !col_readonly(&ri->r->columns[i]);
        for (size_t k = 0; k < ri->npk; k++)
            in[ri->pk[k]] = false;
        claim_static(e, "%s_update_set", ri->id);
        sb_printf(e->impl, "static const uint64_t %s_update_set[] = ", ri->id);
        put_column_words(e->impl, in, ri->r->ncolumns);
        sb_puts(e->impl, ";\n\n");
        free(in);
    }
    emit_fn(e, ri, NULL, "int $(p)_$(id)_update", "blogdb *db, $(p)_$(id)_row **out, const $(p)_$(id)_row *row",
            " * Writes every non-key, writable column of `row` to the $(rel) row with row's key.\n"
            " * @param[out] out  The row as stored (free with $(p)_$(id)_row_free()), or NULL.\n"
            " * @return 0, BLOGDB_ENOTFOUND, or the codes of $(p)_$(id)_insert().\n",
            rel_wide(ri) ? "    return blogdb_rt_update_cols(db, &$(id)_rel, row, $(id)_update_set, out);\n}\n\n"
                         : "    return blogdb_rt_update(db, &$(id)_rel, row, $(P)_$(ID)_ALL_COLUMNS & ~($(P)_$(ID)_KEY_COLUMNS | "
                           "$(P)_$(ID)_READONLY_COLUMNS), out);\n}\n\n");
    emit_fn(e, ri, NULL, "int $(p)_$(id)_update_fields",
            "blogdb *db, $(p)_$(id)_row **out, const $(p)_$(id)_row *row, $(cols_t)mask",
            " * Writes only the columns in `mask` ($(colref)s, no key column) of `row`\n"
            " * to the $(rel) row with row's key.\n"
            " * @param[out] out  The row as stored (free with $(p)_$(id)_row_free()), or NULL.\n"
            " * @return 0, BLOGDB_ENOTFOUND, BLOGDB_EINVAL (empty mask, key column in mask),\n"
            " *         or the codes of $(p)_$(id)_insert().\n",
            "    return blogdb_rt_update$(rt_cols)(db, &$(id)_rel, row, $(mask), out);\n}\n\n");
}

/* A table without a primary key: list (no stable order to page by) and each. */
static void emit_keyless_list(emitter *e, const relinfo *ri)
{
    int limit_param = -1;
    char *q = xstrfmt("%s_list_query", ri->id);
    emit_query(e, ri, q, " LIMIT $1", false, &limit_param, 1, "BLOGDB_RT_MANY");
    emit_fn(e, ri, q, "int $(p)_$(id)_list", "blogdb *db, $(p)_$(id)_rows **out, int64_t limit",
            " * Lists up to `limit` rows of $(rel), in the server's order (no primary key to page by).\n"
            " * @param[out] out  The rows (free with $(p)_$(id)_rows_free()), else NULL.\n"
            " * @return 0 or a BLOGDB_E* code.\n",
            "    const void *args[] = {&limit};\n    return blogdb_rt_exec(db, &$(q), args, out);\n}\n\n");
    emit_each_fn(e, ri, "", NULL, 0, -1);
    free(q);
}

static void emit_count_fn(emitter *e, const relinfo *ri)
{
    char *q = xstrfmt("%s_count_query", ri->id);
    strbuf sql;
    sb_init(&sql);
    sb_puts(&sql, "SELECT count(*) FROM ");
    put_qualified(&sql, ri->r->schema, ri->r->name);
    emit_query(e, ri, q, sql.data, true, NULL, 0, "BLOGDB_RT_COUNT");
    emit_fn(e, ri, q, "int $(p)_$(id)_count", "blogdb *db, int64_t *out",
            " * Counts the rows of $(rel).\n * @return 0 with *out set, or a BLOGDB_E* code.\n",
            "    return blogdb_rt_exec(db, &$(q), NULL, out);\n}\n\n");
    sb_free(&sql);
    free(q);
}

/* Every function of a table, in the order the header lists them. */
void emit_table_fns(emitter *e, const relinfo *ri)
{
    bool read = ri->calls & CALL_READ;
    if (ri->calls & CALL_INSERT)
        emit_insert_fn(e, ri);
    if (read)
        emit_finders(e, ri);
    if (ri->npk) {
        if (read)
            emit_lists(e, ri);
        if (ri->calls & CALL_UPDATE)
            emit_update_fns(e, ri);
        if (ri->calls & CALL_DELETE)
            emit_key_fn(e, ri, ri->pk, ri->npk, true); /* delete */
    } else if (read) {
        emit_keyless_list(e, ri);
    }
    if (ri->calls & CALL_INSERT)
        emit_copy_fns(e, ri);
    if (read)
        emit_count_fn(e, ri);
}

/* The index that lets a materialized view refresh CONCURRENTLY (PostgreSQL: unique, on plain
 * columns, without WHERE), or NULL. */
static const gen_index *refreshable_concurrently(const gen_relation *r)
{
    for (size_t x = 0; x < r->nindexes; x++) {
        const gen_index *ix = &r->indexes[x];
        bool plain = ix->unique && !ix->partial;
        for (size_t k = 0; plain && k < ix->ncolumns; k++)
            plain = ix->columns[k] != NULL;
        if (plain)
            return ix;
    }
    return NULL;
}

void emit_view_fns(emitter *e, const relinfo *ri)
{
    char *q = xstrfmt("%s_list_query", ri->id);
    char *nm = xstrfmt("int %s_%s_list", e->prefix, ri->id);
    char *params = xstrfmt("blogdb *db, %s_%s_rows **out", e->prefix, ri->id);
    char *doc = xstrfmt(" * Lists every row of %s %s, in the server's order.\n"
                        " * @param[out] out  The rows (free with %s_%s_rows_free()), else NULL.\n"
                        " * @return 0 or a BLOGDB_E* code.\n",
                        kind_words(ri->r->kind), ri->r->name, e->prefix, ri->id);
    if (ri->calls & CALL_READ) {
        emit_query(e, ri, q, "", false, NULL, 0, "BLOGDB_RT_MANY");
        emit_proto(e, doc, nm, params);
        sb_printf(e->impl, "    return blogdb_rt_exec(db, &%s, NULL, out);\n}\n\n", q);
        emit_each_fn(e, ri, "", NULL, 0, -1);
        if (ri->r->kind == REL_MATVIEW) /* its unique indexes: get_by */
            emit_finders(e, ri);
    }
    if (ri->r->kind == REL_MATVIEW && ri->calls & CALL_REFRESH) {
        bool concurrently = refreshable_concurrently(ri->r);
        strbuf sql;
        free(q);
        free(nm);
        free(doc);
        q = xstrfmt("%s_refresh_query", ri->id);
        nm = xstrfmt("int %s_%s_refresh", e->prefix, ri->id);
        doc = concurrently ? xstrfmt(" * REFRESH MATERIALIZED VIEW CONCURRENTLY %s: recomputes its rows while readers go on\n"
                                     " * reading the old ones (its unique index %s makes that possible).\n"
                                     " * @return 0 or a BLOGDB_E* code.\n",
                                     ri->r->name, refreshable_concurrently(ri->r)->name)
                           : xstrfmt(" * REFRESH MATERIALIZED VIEW %s: recomputes its rows.\n * @return 0 or a BLOGDB_E* code.\n",
                                     ri->r->name);
        sb_init(&sql);
        sb_puts(&sql, concurrently ? "REFRESH MATERIALIZED VIEW CONCURRENTLY " : "REFRESH MATERIALIZED VIEW ");
        put_qualified(&sql, ri->r->schema, ri->r->name);
        emit_query(e, ri, q, sql.data, true, NULL, 0, "BLOGDB_RT_EXEC");
        emit_proto(e, doc, nm, "blogdb *db");
        sb_printf(e->impl, "    return blogdb_rt_exec(db, &%s, NULL, NULL);\n}\n\n", q);
        sb_free(&sql);
    }
    free(q);
    free(nm);
    free(params);
    free(doc);
}
