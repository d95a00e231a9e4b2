/* blogdb-gen, emitter: the SQL text of generated queries (select lists, keys, keyset pagination). */
#include "emit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void select_list(strbuf *sb, const gen_relation *r)
{
    for (size_t i = 0; i < r->ncolumns; i++) {
        if (i)
            sb_puts(sb, ", ");
        sb_put_ident(sb, r->columns[i].name);
        if (text_io(&r->columns[i].type))
            sb_puts(sb, "::text"); /* read in its text form (BLOGDB_RT_TEXT_IO) */
    }
}

/* "$n" as a value of column col: a text-I/O column's is sent as text and converted by the server. */
static void put_param(strbuf *sb, const gen_column *col, int n)
{
    sb_printf(sb, "$%d", n);
    if (text_io(&col->type))
        sb_printf(sb, "::text::%s", col->type.sql);
}

/* One query: the SQL is "SELECT <all columns> FROM <rel><tail>" unless `sql` is given whole. */
void emit_query(emitter *e, const relinfo *ri, const char *qname, const char *tail_or_sql, bool whole,
                       const int *params, size_t nparams, const char *result)
{
    strbuf sql;
    sb_init(&sql);
    if (whole) {
        sb_puts(&sql, tail_or_sql);
    } else {
        sb_puts(&sql, "SELECT ");
        select_list(&sql, ri->r);
        sb_puts(&sql, " FROM ");
        put_qualified(&sql, ri->r->schema, ri->r->name);
        sb_puts(&sql, tail_or_sql);
    }
    claim_static(e, "%s", qname);
    if (nparams) {
        claim_static(e, "%s_params", qname);
        sb_printf(e->impl, "static const uint16_t %s_params[] = {", qname);
        for (size_t i = 0; i < nparams; i++) {
            sb_puts(e->impl, i ? ", " : "");
            if (params[i] < 0)
                sb_puts(e->impl, "BLOGDB_RT_PARAM_LIMIT");
            else
                sb_printf(e->impl, "%d", params[i]);
        }
        sb_puts(e->impl, "};\n");
    }
    sb_printf(e->impl, "static const blogdb_rt_query %s = {\n    .sql = ", qname);
    put_cstr(e->impl, sql.data);
    sb_printf(e->impl, ",\n    .rel = &%s_rel, .nparams = %zu, ", ri->id, nparams);
    if (nparams)
        sb_printf(e->impl, ".params = %s_params, ", qname);
    sb_printf(e->impl, ".result = %s};\n\n", result);
    sb_free(&sql);
}

/* Appends "col = $n AND ..." for the given columns, numbering from *next. */
void where_eq(strbuf *sb, const gen_relation *r, const int *cols, size_t n, int *next)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(sb, " AND ");
        sb_put_ident(sb, r->columns[cols[i]].name);
        sb_puts(sb, " = ");
        put_param(sb, &r->columns[cols[i]], (*next)++);
    }
}

/* The rows after a keyset position in an order whose column i is DESC when bit i of desc is set:
 * "(a, b) > ($n, $m)" when every column goes one way ("<" when all are DESC), else the expanded
 * "(a < $n OR (a = $n AND (b > $m OR (b = $m AND c > $k))))", which a row comparison cannot say. */
void keyset_after(strbuf *sb, const gen_relation *r, const int *cols, size_t n, uint64_t desc, int *next)
{
    uint64_t all = n >= 64 ? ~0ULL : (1ULL << n) - 1;
    int first = *next;
    if ((desc & all) == 0 || (desc & all) == all) {
        sb_putc(sb, '(');
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_puts(sb, ", ");
            sb_put_ident(sb, r->columns[cols[i]].name);
        }
        sb_puts(sb, desc & all ? ") < (" : ") > (");
        for (size_t i = 0; i < n; i++) {
            sb_puts(sb, i ? ", " : "");
            put_param(sb, &r->columns[cols[i]], (*next)++);
        }
        sb_putc(sb, ')');
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n)
            sb_putc(sb, '(');
        sb_put_ident(sb, r->columns[cols[i]].name);
        sb_puts(sb, desc >> i & 1 ? " < " : " > ");
        put_param(sb, &r->columns[cols[i]], first + (int)i);
        if (i + 1 < n) {
            sb_puts(sb, " OR (");
            sb_put_ident(sb, r->columns[cols[i]].name);
            sb_puts(sb, " = ");
            put_param(sb, &r->columns[cols[i]], first + (int)i);
            sb_puts(sb, " AND ");
        }
    }
    for (size_t i = 0; i + 1 < n; i++)
        sb_puts(sb, "))");
    *next += (int)n;
}

/* " ORDER BY a, b DESC" (bit i of desc: column i descending). */
void order_by(strbuf *sb, const gen_relation *r, const int *cols, size_t n, uint64_t desc)
{
    sb_puts(sb, " ORDER BY ");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(sb, ", ");
        sb_put_ident(sb, r->columns[cols[i]].name);
        if (desc >> i & 1)
            sb_puts(sb, " DESC");
    }
}

/* The parameter name of a key column: its field name, unless that is a name the generated functions
 * use themselves (parameters, locals) or ends in '_': then one '_' is appended. So no column can
 * take a generated name, and no two columns get one name (the map is one-to-one). */
static char *key_ident(const relinfo *ri, int col)
{
    static const char *const own[] = {"db", "out", "fn", "ctx", "limit", "after", "from", "to", "args", "x",
                                      "scratch", "rows", "count", "with", "mask", "row", "next", "params", "p", NULL};
    const char *f = ri->fields[col];
    bool taken = f[0] && f[strlen(f) - 1] == '_';
    for (size_t i = 0; own[i] && !taken; i++)
        taken = strcmp(f, own[i]) == 0;
    return taken ? xstrfmt("%s_", f) : xstrdup(f);
}

/* Function-parameter list for key columns: ", const uuid_t id, const char *email". */
void key_params(const emitter *e, const relinfo *ri, strbuf *sb, const int *cols, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *t = c_type(e, &ri->r->columns[cols[i]].type), *name = key_ident(ri, cols[i]);
        sb_puts(sb, ", ");
        put_decl(sb, t, name, true);
        free(t);
        free(name);
    }
}

/* The address of a key argument: "id" for uuid_t (an array), "&email" otherwise. */
void key_arg(strbuf *sb, const relinfo *ri, int col)
{
    const gen_type *t = &ri->r->columns[col].type;
    char *name = key_ident(ri, col);
    sb_printf(sb, "%s%s", t->ct == CT_UUID && !t->is_array ? "" : "&", name);
    free(name);
}

/* "By" suffix from column names: "id", "user_id_and_created_at". */
char *by_name(const relinfo *ri, const int *cols, size_t n)
{
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(&sb, "_and_");
        sb_puts(&sb, ri->fields[cols[i]]);
    }
    return sb.data;
}
