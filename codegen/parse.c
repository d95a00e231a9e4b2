/* blogdb-gen stage 1: DDL text -> libpg_query protobuf tree -> replayed into the model,
 * statement by statement, the way PostgreSQL would apply it. */
#include "ddl/ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>



/* ---- small tree helpers ------------------------------------------------ */

const char *node_str(const Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

const char *node_kind(const Node *n)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, (unsigned)n->node_case);
    return f ? f->name : "unknown";
}

/* Human spelling of a statement kind: "create_seq_stmt" -> "CREATE SEQUENCE". */
char *stmt_words(const Node *n)
{
    static const char *const known[][2] = {
        {"insert_stmt", "INSERT"}, {"update_stmt", "UPDATE"}, {"delete_stmt", "DELETE"},
        {"select_stmt", "SELECT"}, {"composite_type_stmt", "CREATE TYPE ... AS"}, {"truncate_stmt", "TRUNCATE"},
        {"create_range_stmt", "CREATE TYPE ... AS RANGE"}, {"rule_stmt", "CREATE RULE"},
        {"alter_object_schema_stmt", "ALTER ... SET SCHEMA"}, {"copy_stmt", "COPY"},
        {"create_foreign_table_stmt", "CREATE FOREIGN TABLE"},
    };
    const char *k = node_kind(n);
    size_t len = strlen(k);
    char *s;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i][0], k) == 0)
            return xstrdup(known[i][1]);
    s = xstrdup(k);
    if (len > 5 && strcmp(k + len - 5, "_stmt") == 0)
        s[len - 5] = '\0';
    for (char *p = s; *p; p++)
        *p = *p == '_' ? ' ' : (char)toupper((unsigned char)*p);
    return s;
}

/* Skips white space and comments so a statement's position is its first token. */
int skip_space(const source *src, int pos)
{
    size_t i = (size_t)pos;
    for (;;) {
        while (i < src->len && isspace((unsigned char)src->text[i]))
            i++;
        if (i + 1 < src->len && src->text[i] == '-' && src->text[i + 1] == '-') {
            while (i < src->len && src->text[i] != '\n')
                i++;
        } else if (i + 1 < src->len && src->text[i] == '/' && src->text[i + 1] == '*') {
            const char *end = strstr(src->text + i + 2, "*/");
            i = end ? (size_t)(end - src->text) + 2 : src->len;
        } else {
            return (int)i;
        }
    }
}

char **strv_dup(char *const *v, size_t n)
{
    char **out = xcalloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = v[i] ? xstrdup(v[i]) : NULL;
    return out;
}

void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- schemas and the search path ------------------------------------------ */

bool schema_exists(const gen_model *m, const char *s)
{
    for (size_t i = 0; i < m->nschemas; i++)
        if (strcmp(m->schemas[i], s) == 0)
            return true;
    return strcmp(s, "pg_catalog") == 0;
}

/* Where an object goes: its explicit schema (which must exist), else the first existing
 * schema on the search path. NULL when there is none (reported). */
const char *target_schema(ctx *c, const char *explicit_schema, int loc)
{
    if (explicit_schema && *explicit_schema) {
        if (!schema_exists(c->m, explicit_schema)) {
            diag_error(c->src, loc, "schema \"%s\" does not exist", explicit_schema);
            return NULL;
        }
        return explicit_schema;
    }
    for (size_t i = 0; i < c->m->nsearch_path; i++)
        if (schema_exists(c->m, c->m->search_path[i]) && strcmp(c->m->search_path[i], "pg_catalog") != 0)
            return c->m->search_path[i];
    diag_error(c->src, loc, "no schema has been selected to create in");
    return NULL;
}

/* Looks an unqualified relation up through the search path. */
gen_relation *lookup_rel(ctx *c, const char *schema, const char *name)
{
    if (schema && *schema)
        return model_find_rel(c->m, schema, name);
    for (size_t i = 0; i < c->m->nsearch_path; i++) {
        gen_relation *r = model_find_rel(c->m, c->m->search_path[i], name);
        if (r)
            return r;
    }
    return NULL;
}

gen_relation *find_rv(ctx *c, const PgQuery__RangeVar *rv)
{
    return lookup_rel(c, rv->schemaname, rv->relname);
}

/* Schema and name of a dotted name list (["s", "t"] or ["t"]). -1 when malformed. */
int names_split(Node **names, size_t n, const char **schema, const char **name)
{
    if (n < 1 || n > 3)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!node_str(names[i]))
            return -1;
    *name = node_str(names[n - 1]);
    *schema = n >= 2 ? node_str(names[n - 2]) : NULL;
    return 0;
}

/* Index of the object named (schema, name) in an array of structs that begin with
 * `char *schema, *name;` (enums, domains), through the search path when schema is NULL. */
static int find_named(const ctx *c, const char *schema, const char *name, const void *base, size_t n, size_t stride)
{
    for (size_t p = 0; p < (schema ? 1 : c->m->nsearch_path); p++) {
        const char *s = schema ? schema : c->m->search_path[p];
        for (size_t i = 0; i < n; i++) {
            char *const *sn = (char *const *)(const void *)((const char *)base + i * stride);
            if (strcmp(sn[0], s) == 0 && strcmp(sn[1], name) == 0)
                return (int)i;
        }
    }
    return -1;
}

_Static_assert(offsetof(gen_enum, name) == sizeof(char *) && offsetof(gen_domain, name) == sizeof(char *),
               "find_named expects schema and name first");

int find_enum_idx(ctx *c, const char *schema, const char *name)
{
    return find_named(c, schema, name, c->m->enums, c->m->nenums, sizeof *c->m->enums);
}

int find_domain_idx(ctx *c, const char *schema, const char *name)
{
    return find_named(c, schema, name, c->m->domains, c->m->ndomains, sizeof *c->m->domains);
}

/* Whether an extension (by name) was created; *schema_out gets its schema. */
bool has_extension(const gen_model *m, const char *name, const char **schema_out)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < m->nextensions; i++)
        if (strncmp(m->extensions[i], name, n) == 0 && m->extensions[i][n] == '@') {
            *schema_out = m->extensions[i] + n + 1;
            return true;
        }
    return false;
}

/* ---- types ----------------------------------------------------------------- */

enum tm { TM_NONE, TM_LENGTH, TM_BPCHAR, TM_NUMERIC, TM_PRECISION_TS, TM_INTERVAL };

static const struct builtin {
    const char *name;   /* internal or accepted unqualified name */
    const char *fmt;    /* format_type() spelling */
    ctype ct;
    enum tm tm;
    int serial;         /* serial kinds: NOT NULL + DEFAULT nextval() */
} builtins[] = {
    {"int2", "smallint", CT_INT2, TM_NONE, 0},
    {"int4", "integer", CT_INT4, TM_NONE, 0},
    {"int8", "bigint", CT_INT8, TM_NONE, 0},
    {"smallserial", "smallint", CT_INT2, TM_NONE, 1},
    {"serial2", "smallint", CT_INT2, TM_NONE, 1},
    {"serial", "integer", CT_INT4, TM_NONE, 1},
    {"serial4", "integer", CT_INT4, TM_NONE, 1},
    {"bigserial", "bigint", CT_INT8, TM_NONE, 1},
    {"serial8", "bigint", CT_INT8, TM_NONE, 1},
    {"float4", "real", CT_FLOAT4, TM_NONE, 0},
    {"float8", "double precision", CT_FLOAT8, TM_NONE, 0},
    {"bool", "boolean", CT_BOOL, TM_NONE, 0},
    {"text", "text", CT_TEXT, TM_NONE, 0},
    {"varchar", "character varying", CT_TEXT, TM_LENGTH, 0},
    {"bpchar", "character", CT_TEXT, TM_BPCHAR, 0},
    {"name", "name", CT_TEXT, TM_NONE, 0},
    {"uuid", "uuid", CT_UUID, TM_NONE, 0},
    {"date", "date", CT_DATE, TM_NONE, 0},
    {"timestamp", "timestamp without time zone", CT_TIMESTAMP, TM_PRECISION_TS, 0},
    {"timestamptz", "timestamp with time zone", CT_TIMESTAMPTZ, TM_PRECISION_TS, 0},
    {"time", "time without time zone", CT_TIME, TM_PRECISION_TS, 0},
    {"timetz", "time with time zone", CT_UNSUPPORTED, TM_PRECISION_TS, 0},
    {"interval", "interval", CT_INTERVAL, TM_INTERVAL, 0},
    {"json", "json", CT_JSON, TM_NONE, 0},
    {"jsonb", "jsonb", CT_JSONB, TM_NONE, 0},
    {"bytea", "bytea", CT_BYTEA, TM_NONE, 0},
    {"numeric", "numeric", CT_NUMERIC, TM_NUMERIC, 0},
    {"inet", "inet", CT_INET, TM_NONE, 0},
    {"cidr", "cidr", CT_UNSUPPORTED, TM_NONE, 0},
    {"macaddr", "macaddr", CT_UNSUPPORTED, TM_NONE, 0},
    {"money", "money", CT_UNSUPPORTED, TM_NONE, 0},
    {"xml", "xml", CT_UNSUPPORTED, TM_NONE, 0},
    {"tsvector", "tsvector", CT_UNSUPPORTED, TM_NONE, 0},
    {"oid", "oid", CT_UNSUPPORTED, TM_NONE, 0},
    {"regclass", "regclass", CT_UNSUPPORTED, TM_NONE, 0},
    {"bit", "bit", CT_UNSUPPORTED, TM_LENGTH, 0},
    {"varbit", "bit varying", CT_UNSUPPORTED, TM_LENGTH, 0},
    {"point", "point", CT_UNSUPPORTED, TM_NONE, 0},
    {"int4range", "int4range", CT_UNSUPPORTED, TM_NONE, 0},
    {"tstzrange", "tstzrange", CT_UNSUPPORTED, TM_NONE, 0},
    {"daterange", "daterange", CT_UNSUPPORTED, TM_NONE, 0},
};

static gen_type type_init(void)
{
    gen_type t;
    memset(&t, 0, sizeof t);
    t.max_chars = -1;
    t.enum_index = -1;
    t.domain_index = -1;
    return t;
}

gen_type type_copy(const gen_type *t)
{
    gen_type out = *t;
    out.sql = xstrdup(t->sql);
    return out;
}

gen_type builtin_type(const char *fmt)
{
    gen_type t = type_init();
    t.sql = xstrdup(fmt);
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i].fmt, fmt) == 0) {
            t.ct = builtins[i].ct;
            break;
        }
    return t;
}

static int typmod_int(const Node *n, int *out)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        *out = n->a_const->ival->ival;
        return 0;
    }
    return -1;
}

/* A user type's name as format_type prints it: qualified unless in "public". */
void put_type_name(strbuf *sb, const char *schema, const char *name)
{
    if (strcmp(schema, "public") != 0) {
        sb_put_ident(sb, schema);
        sb_putc(sb, '.');
    }
    sb_put_ident(sb, name);
}

static int resolve_builtin(ctx *c, const PgQuery__TypeName *tn, const struct builtin *b, const int *mods,
                           size_t nmods, gen_type *out, strbuf *sb)
{
    if (nmods && (b->tm == TM_NONE || (nmods == 2 && b->tm != TM_NUMERIC)))
        FAIL(c, tn->location, "type modifier is not allowed for type \"%s\"", b->fmt);
    out->ct = b->ct;
    switch (b->tm) {
    case TM_LENGTH:
    case TM_BPCHAR:
        if (nmods) {
            if (mods[0] < 1 || mods[0] > 10485760)
                FAIL(c, tn->location, "length for type %s must be between 1 and 10485760", b->name);
            sb_printf(sb, "%s(%d)", b->fmt, mods[0]);
            out->max_chars = mods[0];
        } else {
            sb_puts(sb, b->tm == TM_BPCHAR ? "bpchar" : b->fmt);
        }
        break;
    case TM_NUMERIC:
        if (nmods && (mods[0] < 1 || mods[0] > 1000))
            FAIL(c, tn->location, "NUMERIC precision %d must be between 1 and 1000", mods[0]);
        if (nmods == 0)
            sb_puts(sb, "numeric");
        else
            sb_printf(sb, "numeric(%d,%d)", mods[0], nmods == 2 ? mods[1] : 0);
        break;
    case TM_PRECISION_TS: {
        const char *sp = strchr(b->fmt, ' ');
        if (nmods && (mods[0] < 0 || mods[0] > 6))
            FAIL(c, tn->location, "precision of %s must be between 0 and 6", b->fmt);
        if (nmods)
            sb_printf(sb, "%.*s(%d)%s", sp ? (int)(sp - b->fmt) : (int)strlen(b->fmt), b->fmt, mods[0], sp ? sp : "");
        else
            sb_puts(sb, b->fmt);
        break;
    }
    case TM_INTERVAL:
        /* interval's typmod packs fields and precision; only the plain type is modeled. */
        if (nmods)
            FAIL(c, tn->location, "interval fields and precision are not supported yet");
        sb_puts(sb, b->fmt);
        break;
    case TM_NONE:
        sb_puts(sb, b->fmt);
        break;
    }
    return 0;
}

int resolve_type(ctx *c, const PgQuery__TypeName *tn, gen_type *out, bool *serial)
{
    const char *schema = NULL, *name = NULL, *ext_schema;
    strbuf sb;
    int mods[2] = {-1, -1}, idx;
    size_t nmods = tn->n_typmods;

    *out = type_init();
    if (serial)
        *serial = false;
    if (names_split(tn->names, tn->n_names, &schema, &name) != 0)
        FAIL(c, tn->location, "malformed type name");
    if (tn->pct_type || tn->setof)
        FAIL(c, tn->location, "%%TYPE and SETOF are not supported in column types");
    if (nmods > 2)
        FAIL(c, tn->location, "type \"%s\" has too many modifiers", name);
    for (size_t i = 0; i < nmods; i++)
        if (typmod_int(tn->typmods[i], &mods[i]) != 0)
            FAIL(c, tn->location, "type modifiers must be integer constants");
    /* int[][] is int[]: PostgreSQL does not enforce declared dimensions. */

    sb_init(&sb);
    if (!schema || strcmp(schema, "pg_catalog") == 0) {
        for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
            const struct builtin *b = &builtins[i];
            if (strcmp(b->name, name) != 0 || (b->serial && schema))
                continue;
            if (b->serial && tn->n_array_bounds) {
                sb_free(&sb);
                FAIL(c, tn->location, "array of serial is not implemented");
            }
            if (serial)
                *serial = b->serial;
            if (resolve_builtin(c, tn, b, mods, nmods, out, &sb) != 0) {
                sb_free(&sb);
                return -1;
            }
            goto done;
        }
    }
    if ((idx = find_enum_idx(c, schema, name)) >= 0) {
        const gen_enum *e = &c->m->enums[idx];
        out->ct = CT_ENUM;
        out->enum_index = idx;
        put_type_name(&sb, e->schema, e->name);
    } else if ((idx = find_domain_idx(c, schema, name)) >= 0) {
        const gen_domain *d = &c->m->domains[idx];
        if (tn->n_array_bounds) {
            sb_free(&sb);
            FAIL(c, tn->location, "arrays of domains are not supported yet");
        }
        *out = d->base;
        out->domain_index = idx;
        out->domain_not_null = d->not_null || d->base.domain_not_null;
        out->domain_default = d->has_default || d->base.domain_default;
        put_type_name(&sb, d->schema, d->name);
    } else if (strcmp(name, "citext") == 0 && has_extension(c->m, "citext", &ext_schema) &&
               (!schema || strcmp(schema, ext_schema) == 0)) {
        out->ct = CT_TEXT;
        put_type_name(&sb, ext_schema, "citext");
    } else {
        sb_free(&sb);
        FAIL(c, tn->location, "type \"%s\" does not exist", name);
    }
    if (nmods) {
        sb_free(&sb);
        FAIL(c, tn->location, "type modifier is not allowed for type \"%s\"", name);
    }
done:
    if (tn->n_array_bounds) {
        sb_puts(&sb, "[]");
        out->is_array = true;
    }
    out->sql = sb.data;
    return 0;
}

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

/* A free name "<name1>_<name2>_<label>" in schema, numbering the label on conflict. */
char *choose_name(const gen_model *m, const char *schema, const char *name1, const char *name2,
                         const char *label)
{
    char *name = make_object_name(name1, name2, label);
    for (int pass = 1; name_taken(m, schema, name); pass++) {
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

/* ---- relations ----------------------------------------------------------- */

/* "file:line:col" of byte offset pos, counting onward from the last position asked for. */
static char *ctx_where(ctx *c, int pos)
{
    if (pos < c->at_pos) {
        c->at_pos = 0;
        c->at_line = c->at_col = 1;
    }
    for (; c->at_pos < pos && (size_t)c->at_pos < c->src->len; c->at_pos++) {
        unsigned char ch = (unsigned char)c->src->text[c->at_pos];
        if (ch == '\n') {
            c->at_line++;
            c->at_col = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c->at_col++;
        }
    }
    return xstrfmt("%s:%d:%d", c->src->path, c->at_line, c->at_col);
}

gen_relation *new_relation(ctx *c, const char *schema, const char *name, rel_kind kind)
{
    gen_relation *r = VEC_PUSH(c->m->rels, c->m->nrels);
    r->schema = xstrdup(schema);
    r->name = xstrdup(name);
    r->kind = kind;
    r->pos = c->stmt_pos;
    r->where = ctx_where(c, c->stmt_pos);
    return r;
}

void add_dep(gen_relation *view, const gen_relation *base, const char *col)
{
    char *key = col ? xstrfmt("%s\x1f%s\x1f%s", base->schema, base->name, col)
                    : xstrfmt("%s\x1f%s", base->schema, base->name);
    for (size_t i = 0; i < view->ndeps; i++)
        if (strcmp(view->deps[i], key) == 0) {
            free(key);
            return;
        }
    *VEC_PUSH(view->deps, view->ndeps) = key;
}

/* The first view that depends on relation r (col NULL) or on its column col; NULL if none. */
const gen_relation *dependent_view(const gen_model *m, const gen_relation *r, const char *col)
{
    char *key = col ? xstrfmt("%s\x1f%s\x1f%s", r->schema, r->name, col) : xstrfmt("%s\x1f%s", r->schema, r->name);
    const gen_relation *found = NULL;
    for (size_t i = 0; i < m->nrels && !found; i++)
        for (size_t d = 0; d < m->rels[i].ndeps && !found && !m->rels[i].is_partition; d++)
            if (strcmp(m->rels[i].deps[d], key) == 0)
                found = &m->rels[i];
    free(key);
    return found;
}

bool rel_key_is(const gen_relation *r, const char *schema, const char *name)
{
    return strcmp(r->schema, schema) == 0 && strcmp(r->name, name) == 0;
}

/* Key columns named by a constraint, checked against the table. */
static int key_columns(ctx *c, gen_relation *r, Node **keys, size_t n, int loc, char ***out)
{
    char **cols = xcalloc(n, sizeof *cols);
    for (size_t i = 0; i < n; i++) {
        const char *k = node_str(keys[i]);
        if (!k || rel_find_column(r, k) < 0) {
            strv_free(cols, i);
            FAIL(c, loc, "column \"%s\" named in key does not exist", k ? k : "?");
        }
        cols[i] = xstrdup(k);
    }
    *out = cols;
    return 0;
}

static gen_index *add_index(ctx *c, gen_relation *r, char *name, char **cols, size_t n, bool unique, bool primary)
{
    gen_index *ix = VEC_PUSH(r->indexes, r->nindexes);
    ix->name = name;
    ix->columns = cols;
    ix->ncolumns = n;
    ix->unique = unique;
    ix->primary = primary;
    ix->ordered = true;
    take_name(c->m, r->schema, name);
    return ix;
}

static void set_primary_key(gen_relation *r, char *const *cols, size_t n)
{
    r->primary_key = strv_dup(cols, n);
    r->npk = n;
    for (size_t i = 0; i < n; i++)
        r->columns[rel_find_column(r, cols[i])].not_null = true;
}

/* PRIMARY KEY / UNIQUE / FOREIGN KEY / CHECK on table r. `colname` is set for a column constraint. */
int add_constraint(ctx *c, gen_relation *r, const PgQuery__Constraint *k, const char *colname)
{
    Node *colnode_store = NULL;
    PgQuery__String colstr = PG_QUERY__STRING__INIT;
    PgQuery__Node colnode = PG_QUERY__NODE__INIT;
    Node **keys = k->keys;
    size_t nkeys = k->n_keys;
    char **cols = NULL;

    if (colname) {
        colstr.sval = (char *)colname;
        colnode.node_case = PG_QUERY__NODE__NODE_STRING;
        colnode.string = &colstr;
        colnode_store = &colnode;
        keys = &colnode_store;
        nkeys = 1;
    }
    if (k->conname && *k->conname && k->contype != PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL &&
        name_taken(c->m, r->schema, k->conname))
        FAIL(c, k->location, "relation \"%s\" already exists", k->conname);
    switch (k->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
        bool primary = k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
        char *name;
        gen_index *ix;
        if (primary && r->npk)
            FAIL(c, k->location, "multiple primary keys for table \"%s\" are not allowed", r->name);
        if (key_columns(c, r, keys, nkeys, k->location, &cols) != 0)
            return -1;
        if (k->conname && *k->conname) {
            name = xstrdup(k->conname);
        } else if (primary) {
            name = choose_name(c->m, r->schema, r->name, NULL, "pkey");
        } else {
            char *joined = join_names(cols, nkeys);
            name = choose_name(c->m, r->schema, r->name, joined, "key");
            free(joined);
        }
        if (primary)
            set_primary_key(r, cols, nkeys);
        ix = add_index(c, r, name, cols, nkeys, true, primary);
        ix->constraint = true;
        return 0;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: {
        gen_relation *ref;
        char **ref_cols = NULL;
        size_t n_fk = colname ? 1 : k->n_fk_attrs;
        Node **fk = colname ? keys : k->fk_attrs;
        gen_fkey *f;
        if (!k->pktable)
            FAIL(c, k->location, "foreign key without a referenced table");
        ref = find_rv(c, k->pktable);
        if (!ref || !rel_is_table(ref))
            FAIL(c, k->pktable->location, "relation \"%s\" does not exist", k->pktable->relname);
        if (k->n_pk_attrs == 0) {
            if (!ref->npk)
                FAIL(c, k->pktable->location, "there is no primary key for referenced table \"%s\"", ref->name);
            if (ref->npk != n_fk)
                FAIL(c, k->location, "number of referencing and referenced columns for foreign key disagree");
            ref_cols = strv_dup(ref->primary_key, n_fk);
        } else {
            if (k->n_pk_attrs != n_fk)
                FAIL(c, k->location, "number of referencing and referenced columns for foreign key disagree");
            if (key_columns(c, ref, k->pk_attrs, k->n_pk_attrs, k->pktable->location, &ref_cols) != 0)
                return -1;
        }
        if (key_columns(c, r, fk, n_fk, k->location, &cols) != 0) {
            strv_free(ref_cols, n_fk);
            return -1;
        }
        f = VEC_PUSH(r->fkeys, r->nfkeys);
        f->columns = cols;
        f->ncolumns = n_fk;
        f->ref_schema = xstrdup(ref->schema);
        f->ref_table = xstrdup(ref->name);
        f->ref_columns = ref_cols;
        if (k->conname && *k->conname) {
            f->name = xstrdup(k->conname);
        } else {
            char *joined = join_names(cols, n_fk);
            f->name = choose_name(c->m, r->schema, r->name, joined, "fkey");
            free(joined);
        }
        take_name(c->m, r->schema, f->name);
        return 0;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: {
        char *name = k->conname && *k->conname ? xstrdup(k->conname)
                                               : choose_name(c->m, r->schema, r->name, colname, "check");
        take_name(c->m, r->schema, name);
        *VEC_PUSH(r->checks, r->nchecks) = name;
        return 0;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
        FAIL(c, k->location, "EXCLUDE constraints are not supported yet");
    default:
        FAIL(c, k->location, "unexpected constraint");
    }
}

/* The sequence an identity or serial column owns takes a relation name, as in PostgreSQL. */
static void take_sequence_name(ctx *c, const gen_relation *r, const char *col)
{
    char *seq = choose_name(c->m, r->schema, r->name, col, "seq");
    take_name(c->m, r->schema, seq);
    free(seq);
}

/* Applies one column constraint; table-level kinds are queued on `later`. */
static int column_constraint(ctx *c, gen_relation *r, gen_column *col, bool serial, PgQuery__Constraint *k,
                             PgQuery__Constraint ***later, size_t *nlater)
{
    switch (k->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
        col->not_null = true;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
        if (serial || col->identity)
            FAIL(c, k->location, "conflicting NULL/NOT NULL declarations for column \"%s\" of table \"%s\"",
                 col->name, r->name);
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        if (serial || col->has_default || col->identity)
            FAIL(c, k->location, "multiple default values specified for column \"%s\" of table \"%s\"", col->name,
                 r->name);
        col->has_default = true;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
        if (serial || col->has_default || col->identity)
            FAIL(c, k->location, "both default and identity specified for column \"%s\" of table \"%s\"",
                 col->name, r->name);
        if (col->type.ct != CT_INT2 && col->type.ct != CT_INT4 && col->type.ct != CT_INT8)
            FAIL(c, k->location, "identity column type must be smallint, integer, or bigint");
        col->identity = k->generated_when && *k->generated_when == 'd' ? 'd' : 'a';
        col->not_null = true;
        take_sequence_name(c, r, col->name);
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
        if (serial || col->has_default || col->identity)
            FAIL(c, k->location, "both default and generation expression specified for column \"%s\" of table \"%s\"",
                 col->name, r->name);
        col->generated = true;
        col->has_default = true; /* pg_attribute: atthasdef */
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        /* Named after the column; applied once every column exists, as PostgreSQL does. */
        *VEC_PUSH(*later, *nlater) = k;
        break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED:
    case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE:
        break;
    default:
        FAIL(c, k->location, "this column constraint is not supported");
    }
    return 0;
}

int add_column(ctx *c, gen_relation *r, const PgQuery__ColumnDef *cd, PgQuery__Constraint ***later,
                      size_t *nlater)
{
    gen_column *col;
    bool serial = false;
    gen_type t;

    if (rel_find_column(r, cd->colname) >= 0)
        FAIL(c, cd->location, "column \"%s\" specified more than once", cd->colname);
    if (!cd->type_name)
        FAIL(c, cd->location, "column \"%s\" has no type", cd->colname);
    if (resolve_type(c, cd->type_name, &t, &serial) != 0)
        return -1;
    if (r->ncolumns >= 1600) {
        free(t.sql);
        FAIL(c, cd->location, "tables can have at most 1600 columns");
    }
    col = VEC_PUSH(r->columns, r->ncolumns);
    col->name = xstrdup(cd->colname);
    col->type = t;
    col->not_null = serial || cd->is_not_null;
    col->has_default = serial;
    if (serial)
        take_sequence_name(c, r, col->name);
    for (size_t i = 0; i < cd->n_constraints; i++) {
        const Node *n = cd->constraints[i];
        if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
            FAIL(c, cd->location, "unexpected column option");
        if (column_constraint(c, r, col, serial, n->constraint, later, nlater) != 0)
            return -1;
    }
    return 0;
}

/* Applies queued constraints: the primary key's index first, then the others in order. */
static int apply_constraints(ctx *c, gen_relation *r, PgQuery__Constraint **later, const char **later_col,
                             size_t nlater)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nlater; i++) {
            bool pk = later[i]->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
            if (pk == (pass == 0) && add_constraint(c, r, later[i], later_col[i]) != 0)
                return -1;
        }
    return 0;
}

/* CREATE TABLE ... (LIKE src INCLUDING ...): columns, and per the options defaults,
 * generated columns, identity, constraints and indexes (indexes renamed for the new table). */
static int add_like(ctx *c, gen_relation **rp, const PgQuery__TableLikeClause *like)
{
    enum { LIKE_DEFAULTS = 1 << 3, LIKE_GENERATED = 1 << 4, LIKE_IDENTITY = 1 << 5, LIKE_INDEXES = 1 << 6,
           LIKE_CONSTRAINTS = 1 << 2 };
    size_t src_idx, dst_idx = (size_t)(*rp - c->m->rels);
    gen_relation *src = find_rv(c, like->relation), *r;
    if (!src)
        FAIL(c, like->relation->location, "relation \"%s\" does not exist", like->relation->relname);
    src_idx = (size_t)(src - c->m->rels);
    for (size_t i = 0; i < c->m->rels[src_idx].ncolumns; i++) {
        const gen_column *sc = &c->m->rels[src_idx].columns[i];
        gen_column *col;
        r = &c->m->rels[dst_idx];
        if (rel_find_column(r, sc->name) >= 0)
            FAIL(c, like->relation->location, "column \"%s\" specified more than once", sc->name);
        col = VEC_PUSH(r->columns, r->ncolumns);
        col->name = xstrdup(sc->name);
        col->type = type_copy(&sc->type);
        col->not_null = sc->not_null;
        if (sc->generated && (like->options & LIKE_GENERATED)) {
            col->generated = true;
            col->has_default = true;
        } else if (!sc->generated && sc->has_default && (like->options & LIKE_DEFAULTS)) {
            col->has_default = true;
        }
        if (sc->identity && (like->options & LIKE_IDENTITY)) {
            col->identity = sc->identity;
            take_sequence_name(c, r, col->name);
        }
    }
    src = &c->m->rels[src_idx];
    r = &c->m->rels[dst_idx];
    if (like->options & LIKE_CONSTRAINTS)
        for (size_t k = 0; k < src->nchecks; k++) {
            char *name = xstrdup(src->checks[k]);
            take_name(c->m, r->schema, name);
            *VEC_PUSH(r->checks, r->nchecks) = name;
        }
    if (like->options & LIKE_INDEXES)
        for (size_t x = 0; x < src->nindexes; x++) {
            const gen_index *si = &src->indexes[x];
            char *joined = join_names(si->columns, si->ncolumns);
            char *name = choose_name(c->m, r->schema, r->name, si->primary ? NULL : joined,
                                     si->primary ? "pkey" : si->constraint ? "key" : "idx");
            gen_index *ix = add_index(c, r, name, strv_dup(si->columns, si->ncolumns), si->ncolumns, si->unique,
                                      si->primary);
            ix->partial = si->partial;
            ix->ordered = si->ordered;
            ix->constraint = si->constraint;
            if (si->primary)
                set_primary_key(r, si->columns, si->ncolumns);
            free(joined);
            src = &c->m->rels[src_idx];
        }
    *rp = r;
    return 0;
}

int do_create_table(ctx *c, const PgQuery__CreateStmt *s)
{
    const char *schema;
    gen_relation *r, *parent = NULL;
    PgQuery__Constraint **later = NULL;
    const char **later_col = NULL;
    size_t nlater = 0, nlater_col = 0;
    int rc = 0;

    if (!(schema = target_schema(c, s->relation->schemaname, s->relation->location)))
        return -1;
    if (name_taken(c->m, schema, s->relation->relname)) {
        if (s->if_not_exists)
            return 0;
        FAIL(c, s->relation->location, "relation \"%s\" already exists", s->relation->relname);
    }
    if (s->of_typename)
        FAIL(c, s->relation->location, "CREATE TABLE ... OF type is not supported");
    if (s->relation->relpersistence && strcmp(s->relation->relpersistence, "t") == 0)
        FAIL(c, s->relation->location, "temporary tables have no place in a schema");
    if (s->n_inh_relations) {
        const Node *in = s->inh_relations[0];
        if (!s->partbound)
            FAIL(c, s->relation->location, "table inheritance (INHERITS) is not supported; use partitioning");
        parent = find_rv(c, in->range_var);
        if (!parent)
            FAIL(c, in->range_var->location, "relation \"%s\" does not exist", in->range_var->relname);
        if (parent->kind != REL_PARTITIONED)
            FAIL(c, in->range_var->location, "\"%s\" is not partitioned", parent->name);
    }
    {
        size_t parent_idx = parent ? (size_t)(parent - c->m->rels) : 0;
        r = new_relation(c, schema, s->relation->relname, s->partspec ? REL_PARTITIONED : REL_TABLE);
        if (parent) {
            /* A partition: the parent's columns; it stays out of the model's output and API. */
            const gen_relation *p = &c->m->rels[parent_idx];
            r->is_partition = true;
            add_dep(r, p, NULL); /* deps[0]: the parent, so DROP of the parent takes it along */
            for (size_t i = 0; i < p->ncolumns; i++) {
                gen_column *col = VEC_PUSH(r->columns, r->ncolumns);
                col->name = xstrdup(p->columns[i].name);
                col->type = type_copy(&p->columns[i].type);
                col->not_null = p->columns[i].not_null;
                col->has_default = p->columns[i].has_default;
            }
            return 0;
        }
    }
    for (size_t i = 0; i < s->n_table_elts && rc == 0; i++) {
        const Node *e = s->table_elts[i];
        if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
            size_t before = nlater;
            rc = add_column(c, r, e->column_def, &later, &nlater);
            for (size_t j = before; j < nlater; j++)
                *VEC_PUSH(later_col, nlater_col) = e->column_def->colname;
        } else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
            *VEC_PUSH(later, nlater) = e->constraint;
            *VEC_PUSH(later_col, nlater_col) = NULL;
        } else if (e->node_case == PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE) {
            rc = add_like(c, &r, e->table_like_clause);
        } else {
            diag_error(c->src, c->stmt_pos, "%s in CREATE TABLE is not supported", node_kind(e));
            rc = -1;
        }
    }
    for (size_t i = 0; i < s->n_constraints && rc == 0; i++) {
        *VEC_PUSH(later, nlater) = s->constraints[i]->constraint;
        *VEC_PUSH(later_col, nlater_col) = NULL;
    }
    if (rc == 0)
        rc = apply_constraints(c, r, later, later_col, nlater);
    free(later);
    free(later_col);
    return rc; /* on failure the half-built relation stays in the model, which is discarded */
}

int do_create_index(ctx *c, const PgQuery__IndexStmt *s)
{
    gen_relation *r = find_rv(c, s->relation);
    char **cols, **names;
    char *name;
    gen_index *ix;

    if (!r)
        FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
    if (r->kind == REL_VIEW)
        FAIL(c, s->relation->location, "cannot create index on view \"%s\"", r->name);
    if (s->idxname && *s->idxname && name_taken(c->m, r->schema, s->idxname)) {
        if (s->if_not_exists)
            return 0;
        FAIL(c, c->stmt_pos, "relation \"%s\" already exists", s->idxname);
    }
    for (size_t i = 0; i < s->n_index_params; i++) {
        const PgQuery__IndexElem *el = s->index_params[i]->index_elem;
        if (el->name && *el->name && rel_find_column(r, el->name) < 0)
            FAIL(c, c->stmt_pos, "column \"%s\" does not exist", el->name);
    }
    cols = xcalloc(s->n_index_params, sizeof *cols);
    /* borrowed, only for the implicit name, which INCLUDE columns are part of */
    names = xcalloc(s->n_index_params + s->n_index_including_params, sizeof *names);
    for (size_t i = 0; i < s->n_index_including_params; i++)
        names[s->n_index_params + i] = (char *)s->index_including_params[i]->index_elem->name;
    for (size_t i = 0; i < s->n_index_params; i++) {
        const PgQuery__IndexElem *el = s->index_params[i]->index_elem;
        int strength;
        if (el->name && *el->name)
            cols[i] = xstrdup(el->name);
        names[i] = (char *)(el->indexcolname && *el->indexcolname ? el->indexcolname
                            : cols[i]                            ? cols[i]
                                                                 : figure_name(el->expr, &strength));
    }
    if (s->idxname && *s->idxname) {
        name = xstrdup(s->idxname);
    } else {
        char *joined = join_names(names, s->n_index_params + s->n_index_including_params);
        name = choose_name(c->m, r->schema, r->name, joined, s->primary ? "pkey" : "idx");
        free(joined);
    }
    free(names);
    ix = add_index(c, r, name, cols, s->n_index_params, s->unique, false);
    ix->partial = s->where_clause != NULL;
    ix->ordered = !s->access_method || !*s->access_method || strcmp(s->access_method, "btree") == 0 ||
                  strcmp(s->access_method, "hash") == 0;
    return 0;
}

/* ---- types: enums and domains -------------------------------------------------- */

bool type_name_taken(ctx *c, const char *schema, const char *name)
{
    return find_enum_idx(c, schema, name) >= 0 || find_domain_idx(c, schema, name) >= 0;
}

int do_create_enum(ctx *c, const PgQuery__CreateEnumStmt *s)
{
    const char *schema, *name;
    gen_enum *e;
    if (names_split(s->type_name, s->n_type_name, &schema, &name) != 0)
        FAIL(c, c->stmt_pos, "malformed type name");
    if (!(schema = target_schema(c, schema, c->stmt_pos)))
        return -1;
    if (type_name_taken(c, schema, name))
        FAIL(c, c->stmt_pos, "type \"%s\" already exists", name);
    for (size_t i = 0; i < s->n_vals; i++) {
        if (strlen(node_str(s->vals[i])) >= NAMEDATALEN)
            FAIL(c, c->stmt_pos, "invalid enum label \"%s\"", node_str(s->vals[i]));
        for (size_t j = 0; j < i; j++)
            if (strcmp(node_str(s->vals[i]), node_str(s->vals[j])) == 0)
                FAIL(c, c->stmt_pos, "enum label \"%s\" used more than once", node_str(s->vals[i]));
    }
    e = VEC_PUSH(c->m->enums, c->m->nenums);
    e->schema = xstrdup(schema);
    e->name = xstrdup(name);
    /* Grown with VEC_PUSH from the start: ALTER TYPE ... ADD VALUE appends to it later. */
    for (size_t i = 0; i < s->n_vals; i++)
        *VEC_PUSH(e->labels, e->nlabels) = xstrdup(node_str(s->vals[i]));
    return 0;
}

static int enum_label_index(const gen_enum *e, const char *label)
{
    for (size_t i = 0; i < e->nlabels; i++)
        if (strcmp(e->labels[i], label) == 0)
            return (int)i;
    return -1;
}

int do_alter_enum(ctx *c, const PgQuery__AlterEnumStmt *s)
{
    const char *schema, *name;
    gen_enum *e;
    int idx;
    if (names_split(s->type_name, s->n_type_name, &schema, &name) != 0 || (idx = find_enum_idx(c, schema, name)) < 0)
        FAIL(c, c->stmt_pos, "type \"%s\" does not exist", name ? name : "?");
    e = &c->m->enums[idx];
    if (s->old_val && *s->old_val) { /* RENAME VALUE */
        int at = enum_label_index(e, s->old_val);
        if (at < 0)
            FAIL(c, c->stmt_pos, "\"%s\" is not an existing enum label", s->old_val);
        if (enum_label_index(e, s->new_val) >= 0)
            FAIL(c, c->stmt_pos, "enum label \"%s\" already exists", s->new_val);
        free(e->labels[at]);
        e->labels[at] = xstrdup(s->new_val);
        return 0;
    }
    if (enum_label_index(e, s->new_val) >= 0) {
        if (s->skip_if_new_val_exists)
            return 0;
        FAIL(c, c->stmt_pos, "enum label \"%s\" already exists", s->new_val);
    }
    {
        size_t at = e->nlabels;
        if (s->new_val_neighbor && *s->new_val_neighbor) {
            int n = enum_label_index(e, s->new_val_neighbor);
            if (n < 0)
                FAIL(c, c->stmt_pos, "\"%s\" is not an existing enum label", s->new_val_neighbor);
            at = (size_t)n + (s->new_val_is_after ? 1 : 0);
        }
        VEC_PUSH(e->labels, e->nlabels);
        memmove(&e->labels[at + 1], &e->labels[at], (e->nlabels - 1 - at) * sizeof(char *));
        e->labels[at] = xstrdup(s->new_val);
    }
    return 0;
}

int do_create_domain(ctx *c, const PgQuery__CreateDomainStmt *s)
{
    const char *schema, *name;
    gen_type base;
    gen_domain *d;
    if (names_split(s->domainname, s->n_domainname, &schema, &name) != 0)
        FAIL(c, c->stmt_pos, "malformed domain name");
    if (!(schema = target_schema(c, schema, c->stmt_pos)))
        return -1;
    if (type_name_taken(c, schema, name))
        FAIL(c, c->stmt_pos, "type \"%s\" already exists", name);
    if (resolve_type(c, s->type_name, &base, NULL) != 0)
        return -1;
    d = VEC_PUSH(c->m->domains, c->m->ndomains);
    d->schema = xstrdup(schema);
    d->name = xstrdup(name);
    d->base = base;
    d->base.domain_index = -1;
    for (size_t i = 0; i < s->n_constraints; i++) {
        const PgQuery__Constraint *k = s->constraints[i]->constraint;
        if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL)
            d->not_null = true;
        else if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT)
            d->has_default = true;
        else if (k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
            *VEC_PUSH(d->checks, d->nchecks) = xstrdup(k->conname && *k->conname ? k->conname : "");
        else if (k->contype != PG_QUERY__CONSTR_TYPE__CONSTR_NULL)
            FAIL(c, k->location, "this domain constraint is not supported");
    }
    return 0;
}

/* Re-spells the type of every column using enum/domain `idx` after a rename. */
void respell_columns(gen_model *m, bool is_enum, int idx, const char *schema, const char *name)
{
    for (size_t i = 0; i < m->nrels; i++)
        for (size_t k = 0; k < m->rels[i].ncolumns; k++) {
            gen_type *t = &m->rels[i].columns[k].type;
            if ((is_enum && t->enum_index == idx && t->domain_index < 0) || (!is_enum && t->domain_index == idx)) {
                strbuf sb;
                sb_init(&sb);
                put_type_name(&sb, schema, name);
                if (t->is_array)
                    sb_puts(&sb, "[]");
                free(t->sql);
                t->sql = sb.data;
            }
        }
}

/* Whether any column uses enum/domain idx. */
const gen_column *type_user(const gen_model *m, bool is_enum, int idx, const gen_relation **rel)
{
    for (size_t i = 0; i < m->nrels; i++)
        for (size_t k = 0; k < m->rels[i].ncolumns; k++) {
            const gen_type *t = &m->rels[i].columns[k].type;
            if ((is_enum && t->enum_index == idx) || (!is_enum && t->domain_index == idx)) {
                *rel = &m->rels[i];
                return &m->rels[i].columns[k];
            }
        }
    return NULL;
}

/* ---- COMMENT ON ------------------------------------------------------------ */

int do_comment(ctx *c, const PgQuery__CommentStmt *s)
{
    Node **names;
    size_t n;
    char **slot;
    const char *schema, *relname;
    gen_relation *r;

    switch (s->objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
        break;
    default:
        return 0; /* comments on functions, indexes, ... carry nothing for clients */
    }
    if (s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) {
        const PgQuery__TypeName *tn = s->object->type_name;
        int idx;
        if (names_split(tn->names, tn->n_names, &schema, &relname) != 0)
            FAIL(c, c->stmt_pos, "malformed type name");
        if ((idx = find_enum_idx(c, schema, relname)) >= 0) {
            free(c->m->enums[idx].comment);
            c->m->enums[idx].comment = s->comment && *s->comment ? xstrdup(s->comment) : NULL;
        } else if (find_domain_idx(c, schema, relname) < 0) {
            FAIL(c, c->stmt_pos, "type \"%s\" does not exist", relname);
        }
        return 0;
    }
    if (s->object->node_case != PG_QUERY__NODE__NODE_LIST)
        FAIL(c, c->stmt_pos, "malformed COMMENT ON");
    names = s->object->list->items;
    n = s->object->list->n_items;
    if (s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
        int ci;
        if (n < 2 || names_split(names, n - 1, &schema, &relname) != 0)
            FAIL(c, c->stmt_pos, "column name must be qualified");
        r = lookup_rel(c, schema, relname);
        if (!r)
            FAIL(c, c->stmt_pos, "relation \"%s\" does not exist", relname);
        ci = rel_find_column(r, node_str(names[n - 1]));
        if (ci < 0)
            FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" does not exist", node_str(names[n - 1]), relname);
        slot = &r->columns[ci].comment;
    } else {
        if (names_split(names, n, &schema, &relname) != 0)
            FAIL(c, c->stmt_pos, "malformed name in COMMENT ON");
        r = lookup_rel(c, schema, relname);
        if (!r)
            FAIL(c, c->stmt_pos, "relation \"%s\" does not exist", relname);
        if ((s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) != (r->kind == REL_VIEW) ||
            (s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) != (r->kind == REL_MATVIEW))
            FAIL(c, c->stmt_pos, "\"%s\" is not a %s", relname,
                 s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW      ? "view"
                 : s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "materialized view"
                                                                       : "table");
        slot = &r->comment;
    }
    free(*slot);
    *slot = s->comment && *s->comment ? xstrdup(s->comment) : NULL;
    return 0;
}

/* ---- ALTER TABLE ------------------------------------------------------------ */

void remove_index_at(gen_model *m, gen_relation *r, size_t x)
{
    release_name(m, r->schema, r->indexes[x].name);
    gen_index_free(&r->indexes[x]);
    memmove(&r->indexes[x], &r->indexes[x + 1], (r->nindexes - x - 1) * sizeof *r->indexes);
    r->nindexes--;
}

void remove_fkey_at(gen_model *m, gen_relation *r, size_t f)
{
    release_name(m, r->schema, r->fkeys[f].name);
    gen_fkey_free(&r->fkeys[f]);
    memmove(&r->fkeys[f], &r->fkeys[f + 1], (r->nfkeys - f - 1) * sizeof *r->fkeys);
    r->nfkeys--;
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] && strcmp(v[i], s) == 0)
            return true;
    return false;
}

static void drop_primary_key(gen_relation *r)
{
    strv_free(r->primary_key, r->npk);
    r->primary_key = NULL;
    r->npk = 0;
}

/* A foreign key of another table that references columns of r (col NULL: any). */
const gen_fkey *referencing_fkey(const gen_model *m, const gen_relation *r, const char *col,
                                        const gen_relation **from)
{
    for (size_t i = 0; i < m->nrels; i++)
        for (size_t f = 0; f < m->rels[i].nfkeys; f++) {
            const gen_fkey *k = &m->rels[i].fkeys[f];
            if (strcmp(k->ref_schema, r->schema) == 0 && strcmp(k->ref_table, r->name) == 0 &&
                (!col || strv_has(k->ref_columns, k->ncolumns, col)) && &m->rels[i] != r) {
                *from = &m->rels[i];
                return k;
            }
        }
    return NULL;
}

static int drop_column(ctx *c, gen_relation *r, const PgQuery__AlterTableCmd *cmd)
{
    int ci = rel_find_column(r, cmd->name);
    bool cascade = cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    const gen_relation *from, *view;
    if (ci < 0) {
        if (cmd->missing_ok)
            return 0;
        FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" does not exist", cmd->name, r->name);
    }
    if ((view = dependent_view(c->m, r, cmd->name)) && !cascade)
        FAIL(c, c->stmt_pos, "cannot drop column %s of table %s because view %s depends on it", cmd->name, r->name,
             view->name);
    if (view)
        FAIL(c, c->stmt_pos, "DROP COLUMN ... CASCADE onto views is not supported");
    if (referencing_fkey(c->m, r, cmd->name, &from) && !cascade)
        FAIL(c, c->stmt_pos, "cannot drop column %s of table %s because other objects depend on it", cmd->name,
             r->name);
    for (size_t i = 0; i < c->m->nrels; i++) /* CASCADE: the foreign keys that reference it go */
        for (size_t f = 0; f < c->m->rels[i].nfkeys;) {
            gen_fkey *k = &c->m->rels[i].fkeys[f];
            if (&c->m->rels[i] != r && strcmp(k->ref_schema, r->schema) == 0 && strcmp(k->ref_table, r->name) == 0 &&
                strv_has(k->ref_columns, k->ncolumns, cmd->name))
                remove_fkey_at(c->m, &c->m->rels[i], f);
            else
                f++;
        }
    /* Indexes and constraints on the column go with it, as in PostgreSQL. */
    for (size_t x = 0; x < r->nindexes;) {
        if (strv_has(r->indexes[x].columns, r->indexes[x].ncolumns, cmd->name)) {
            if (r->indexes[x].primary)
                drop_primary_key(r);
            remove_index_at(c->m, r, x);
        } else {
            x++;
        }
    }
    for (size_t f = 0; f < r->nfkeys;) {
        if (strv_has(r->fkeys[f].columns, r->fkeys[f].ncolumns, cmd->name) ||
            (rel_key_is(r, r->fkeys[f].ref_schema, r->fkeys[f].ref_table) &&
             strv_has(r->fkeys[f].ref_columns, r->fkeys[f].ncolumns, cmd->name)))
            remove_fkey_at(c->m, r, f);
        else
            f++;
    }
    free(r->columns[ci].name);
    free(r->columns[ci].type.sql);
    free(r->columns[ci].comment);
    memmove(&r->columns[ci], &r->columns[ci + 1], (r->ncolumns - (size_t)ci - 1) * sizeof *r->columns);
    r->ncolumns--;
    return 0;
}

static int drop_constraint(ctx *c, gen_relation *r, const PgQuery__AlterTableCmd *cmd)
{
    for (size_t x = 0; x < r->nindexes; x++)
        if (r->indexes[x].constraint && strcmp(r->indexes[x].name, cmd->name) == 0) {
            if (r->indexes[x].primary) {
                const gen_relation *from;
                if (referencing_fkey(c->m, r, NULL, &from) && cmd->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
                    FAIL(c, c->stmt_pos, "cannot drop constraint %s on table %s because other objects depend on it",
                         cmd->name, r->name);
                drop_primary_key(r);
            }
            remove_index_at(c->m, r, x);
            return 0;
        }
    for (size_t f = 0; f < r->nfkeys; f++)
        if (strcmp(r->fkeys[f].name, cmd->name) == 0) {
            remove_fkey_at(c->m, r, f);
            return 0;
        }
    for (size_t k = 0; k < r->nchecks; k++)
        if (strcmp(r->checks[k], cmd->name) == 0) {
            release_name(c->m, r->schema, r->checks[k]);
            free(r->checks[k]);
            r->checks[k] = r->checks[--r->nchecks];
            return 0;
        }
    if (cmd->missing_ok)
        return 0;
    FAIL(c, c->stmt_pos, "constraint \"%s\" of relation \"%s\" does not exist", cmd->name, r->name);
}

static gen_column *cmd_column(ctx *c, gen_relation *r, const char *name)
{
    int ci = rel_find_column(r, name);
    if (ci < 0) {
        diag_error(c->src, c->stmt_pos, "column \"%s\" of relation \"%s\" does not exist", name, r->name);
        return NULL;
    }
    return &r->columns[ci];
}

static int alter_column_type(ctx *c, gen_relation *r, const PgQuery__AlterTableCmd *cmd)
{
    gen_column *col = cmd_column(c, r, cmd->name);
    const gen_relation *view;
    gen_type t;
    if (!col)
        return -1;
    if ((view = dependent_view(c->m, r, cmd->name)))
        FAIL(c, c->stmt_pos, "cannot alter type of a column used by a view or rule (view %s)", view->name);
    if (resolve_type(c, cmd->def->column_def->type_name, &t, NULL) != 0)
        return -1;
    free(col->type.sql);
    col->type = t;
    return 0;
}

/* ALTER TABLE actions that carry no shape for clients (owner, storage, triggers, RLS switches...). */
static bool no_shape_cmd(PgQuery__AlterTableType t)
{
    switch (t) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
        return true;
    default:
        return false;
    }
}

int do_alter_table(ctx *c, const PgQuery__AlterTableStmt *s)
{
    gen_relation *r = find_rv(c, s->relation);
    size_t ri;
    if (!r) {
        bool harmless = true;
        for (size_t i = 0; i < s->n_cmds; i++)
            harmless &= no_shape_cmd(s->cmds[i]->alter_table_cmd->subtype);
        /* pg_dump writes ALTER TABLE ... OWNER TO for sequences, which are not modeled. */
        if (s->missing_ok || harmless)
            return 0;
        FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
    }
    ri = (size_t)(r - c->m->rels);
    for (size_t i = 0; i < s->n_cmds; i++) {
        const PgQuery__AlterTableCmd *cmd = s->cmds[i]->alter_table_cmd;
        gen_column *col;
        r = &c->m->rels[ri];
        switch (cmd->subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
            if (add_constraint(c, r, cmd->def->constraint, NULL) != 0)
                return -1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
            PgQuery__Constraint **later = NULL;
            size_t nlater = 0;
            int rc;
            if (cmd->missing_ok && rel_find_column(r, cmd->def->column_def->colname) >= 0)
                break;
            rc = add_column(c, r, cmd->def->column_def, &later, &nlater);
            for (size_t k = 0; k < nlater && rc == 0; k++)
                rc = add_constraint(c, r, later[k], cmd->def->column_def->colname);
            free(later);
            if (rc != 0)
                return -1;
            break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
            if (drop_column(c, r, cmd) != 0)
                return -1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
            if (alter_column_type(c, r, cmd) != 0)
                return -1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            col->not_null = true;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            if (strv_has(r->primary_key, r->npk, cmd->name))
                FAIL(c, c->stmt_pos, "column \"%s\" is in a primary key", cmd->name);
            if (col->identity)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" is an identity column", cmd->name, r->name);
            col->not_null = false;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            if (col->identity && cmd->def)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" is an identity column", cmd->name, r->name);
            if (col->generated)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" is a generated column", cmd->name, r->name);
            col->has_default = cmd->def != NULL;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            if (!col->not_null)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" must be declared NOT NULL before identity can be added",
                     cmd->name, r->name);
            if (col->identity || col->has_default)
                FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" already has a default or identity", cmd->name,
                     r->name);
            {
                const PgQuery__Constraint *k = cmd->def->constraint;
                col->identity = k->generated_when && *k->generated_when == 'd' ? 'd' : 'a';
            }
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
            if (!(col = cmd_column(c, r, cmd->name)))
                return -1;
            col->identity = 0;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
            if (drop_constraint(c, r, cmd) != 0)
                return -1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition: {
            const PgQuery__PartitionCmd *pc = cmd->def->partition_cmd;
            gen_relation *part = find_rv(c, pc->name);
            if (!part)
                FAIL(c, pc->name->location, "relation \"%s\" does not exist", pc->name->relname);
            if (r->kind != REL_PARTITIONED && s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
                FAIL(c, c->stmt_pos, "table \"%s\" is not partitioned", r->name);
            part->is_partition = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition;
            if (part->is_partition && part->ndeps == 0)
                add_dep(part, &c->m->rels[ri], NULL);
            break;
        }
            break;
        default:
            if (!no_shape_cmd(cmd->subtype))
                FAIL(c, c->stmt_pos, "this ALTER TABLE action is not supported yet");
        }
    }
    return 0;
}

/* ---- RENAME ----------------------------------------------------------------- */

static void rename_column_refs(gen_model *m, gen_relation *r, const char *old, const char *new_name)
{
    for (size_t x = 0; x < r->nindexes; x++)
        for (size_t k = 0; k < r->indexes[x].ncolumns; k++)
            if (r->indexes[x].columns[k] && strcmp(r->indexes[x].columns[k], old) == 0) {
                free(r->indexes[x].columns[k]);
                r->indexes[x].columns[k] = xstrdup(new_name);
            }
    for (size_t k = 0; k < r->npk; k++)
        if (strcmp(r->primary_key[k], old) == 0) {
            free(r->primary_key[k]);
            r->primary_key[k] = xstrdup(new_name);
        }
    for (size_t f = 0; f < r->nfkeys; f++)
        for (size_t k = 0; k < r->fkeys[f].ncolumns; k++)
            if (strcmp(r->fkeys[f].columns[k], old) == 0) {
                free(r->fkeys[f].columns[k]);
                r->fkeys[f].columns[k] = xstrdup(new_name);
            }
    for (size_t i = 0; i < m->nrels; i++) /* foreign keys that reference the column */
        for (size_t f = 0; f < m->rels[i].nfkeys; f++) {
            gen_fkey *k = &m->rels[i].fkeys[f];
            if (!rel_key_is(r, k->ref_schema, k->ref_table))
                continue;
            for (size_t j = 0; j < k->ncolumns; j++)
                if (strcmp(k->ref_columns[j], old) == 0) {
                    free(k->ref_columns[j]);
                    k->ref_columns[j] = xstrdup(new_name);
                }
        }
    {
        /* Views keep reading it (PostgreSQL binds them by column number): rename the dependency. */
        char *okey = xstrfmt("%s\x1f%s\x1f%s", r->schema, r->name, old);
        for (size_t i = 0; i < m->nrels; i++)
            for (size_t d = 0; d < m->rels[i].ndeps; d++)
                if (strcmp(m->rels[i].deps[d], okey) == 0) {
                    free(m->rels[i].deps[d]);
                    m->rels[i].deps[d] = xstrfmt("%s\x1f%s\x1f%s", r->schema, r->name, new_name);
                }
        free(okey);
    }
}

static void rename_relation_refs(gen_model *m, gen_relation *r, const char *new_name)
{
    char *oprefix = xstrfmt("%s\x1f%s", r->schema, r->name);
    size_t olen = strlen(oprefix);
    for (size_t i = 0; i < m->nrels; i++) {
        for (size_t f = 0; f < m->rels[i].nfkeys; f++) {
            gen_fkey *k = &m->rels[i].fkeys[f];
            if (rel_key_is(r, k->ref_schema, k->ref_table)) {
                free(k->ref_table);
                k->ref_table = xstrdup(new_name);
            }
        }
        for (size_t d = 0; d < m->rels[i].ndeps; d++) {
            char *dep = m->rels[i].deps[d];
            if (strncmp(dep, oprefix, olen) == 0 && (dep[olen] == '\0' || dep[olen] == '\x1f')) {
                m->rels[i].deps[d] = xstrfmt("%s\x1f%s%s", r->schema, new_name, dep + olen);
                free(dep);
            }
        }
    }
    free(oprefix);
    free(r->name);
    r->name = xstrdup(new_name);
}

gen_index *find_index(gen_model *m, const char *schema, const char *name, gen_relation **owner)
{
    for (size_t i = 0; i < m->nrels; i++)
        for (size_t x = 0; x < m->rels[i].nindexes; x++)
            if ((!schema || strcmp(m->rels[i].schema, schema) == 0) && strcmp(m->rels[i].indexes[x].name, name) == 0) {
                *owner = &m->rels[i];
                return &m->rels[i].indexes[x];
            }
    return NULL;
}

int do_rename(ctx *c, const PgQuery__RenameStmt *s)
{
    gen_relation *r = NULL;
    const char *schema, *name;
    int idx;
    switch (s->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
        r = find_rv(c, s->relation);
        if (!r) {
            if (s->missing_ok)
                return 0;
            FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
        }
        break;
    default:
        break;
    }
    switch (s->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        if (name_taken(c->m, r->schema, s->newname))
            FAIL(c, c->stmt_pos, "relation \"%s\" already exists", s->newname);
        rename_relation_refs(c->m, r, s->newname);
        return 0;
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
        int ci = rel_find_column(r, s->subname);
        if (ci < 0)
            FAIL(c, c->stmt_pos, "column \"%s\" does not exist", s->subname);
        if (rel_find_column(r, s->newname) >= 0)
            FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" already exists", s->newname, r->name);
        rename_column_refs(c->m, r, s->subname, s->newname);
        free(r->columns[ci].name);
        r->columns[ci].name = xstrdup(s->newname);
        return 0;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
        gen_index *ix = NULL;
        gen_relation *owner = r;
        char **slot = NULL;
        if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
            ix = find_index(c->m, s->relation->schemaname && *s->relation->schemaname ? s->relation->schemaname : NULL,
                            s->relation->relname, &owner);
            if (!ix) {
                if (s->missing_ok)
                    return 0;
                FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
            }
            slot = &ix->name;
        } else {
            for (size_t x = 0; x < r->nindexes && !slot; x++)
                if (r->indexes[x].constraint && strcmp(r->indexes[x].name, s->subname) == 0)
                    slot = &r->indexes[x].name;
            for (size_t f = 0; f < r->nfkeys && !slot; f++)
                if (strcmp(r->fkeys[f].name, s->subname) == 0)
                    slot = &r->fkeys[f].name;
            for (size_t k = 0; k < r->nchecks && !slot; k++)
                if (strcmp(r->checks[k], s->subname) == 0)
                    slot = &r->checks[k];
            if (!slot)
                FAIL(c, c->stmt_pos, "constraint \"%s\" for table \"%s\" does not exist", s->subname, r->name);
        }
        if (name_taken(c->m, owner->schema, s->newname))
            FAIL(c, c->stmt_pos, "relation \"%s\" already exists", s->newname);
        release_name(c->m, owner->schema, *slot);
        free(*slot);
        *slot = xstrdup(s->newname);
        take_name(c->m, owner->schema, s->newname);
        return 0;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
        Node **names = s->object->node_case == PG_QUERY__NODE__NODE_LIST ? s->object->list->items : NULL;
        size_t n = names ? s->object->list->n_items : 0;
        if (!names && s->object->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
            names = s->object->type_name->names;
            n = s->object->type_name->n_names;
        }
        if (!names || names_split(names, n, &schema, &name) != 0)
            FAIL(c, c->stmt_pos, "malformed type name");
        if ((idx = find_enum_idx(c, schema, name)) >= 0) {
            gen_enum *e = &c->m->enums[idx];
            if (type_name_taken(c, e->schema, s->newname))
                FAIL(c, c->stmt_pos, "type \"%s\" already exists", s->newname);
            free(e->name);
            e->name = xstrdup(s->newname);
            respell_columns(c->m, true, idx, e->schema, e->name);
            return 0;
        }
        if ((idx = find_domain_idx(c, schema, name)) >= 0) {
            gen_domain *d = &c->m->domains[idx];
            if (type_name_taken(c, d->schema, s->newname))
                FAIL(c, c->stmt_pos, "type \"%s\" already exists", s->newname);
            free(d->name);
            d->name = xstrdup(s->newname);
            respell_columns(c->m, false, idx, d->schema, d->name);
            return 0;
        }
        FAIL(c, c->stmt_pos, "type \"%s\" does not exist", name);
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        FAIL(c, c->stmt_pos, "ALTER SCHEMA ... RENAME is not supported yet");
    default:
        return 0; /* functions, triggers, policies, sequences, roles: no shape for clients */
    }
}

/* ---- DROP ------------------------------------------------------------------------ */

static int drop_relation(ctx *c, size_t ri, bool cascade);

/* Drops the views that depend on relation ri (with CASCADE), or fails. */
static int drop_dependents(ctx *c, size_t ri, bool cascade)
{
    for (;;) {
        const gen_relation *view = dependent_view(c->m, &c->m->rels[ri], NULL);
        size_t vi;
        if (!view)
            return 0;
        if (!cascade)
            FAIL(c, c->stmt_pos, "cannot drop %s %s because other objects depend on it (view %s)",
                 c->m->rels[ri].kind == REL_VIEW ? "view" : "table", c->m->rels[ri].name, view->name);
        vi = (size_t)(view - c->m->rels);
        if (drop_relation(c, vi, true) != 0)
            return -1;
        if (vi < ri)
            ri--;
    }
}

static int drop_relation(ctx *c, size_t ri, bool cascade)
{
    const gen_relation *from;
    gen_relation *r = &c->m->rels[ri];
    char *schema = xstrdup(r->schema), *name = xstrdup(r->name);
    size_t i;
    if (referencing_fkey(c->m, r, NULL, &from) && !cascade) {
        diag_error(c->src, c->stmt_pos, "cannot drop table %s because other objects depend on it (%s)", r->name,
                   from->name);
        free(schema);
        free(name);
        return -1;
    }
    for (i = 0; i < c->m->nrels; i++) /* CASCADE: referencing foreign keys go */
        for (size_t f = 0; f < c->m->rels[i].nfkeys;) {
            gen_fkey *k = &c->m->rels[i].fkeys[f];
            if (i != ri && strcmp(k->ref_schema, schema) == 0 && strcmp(k->ref_table, name) == 0)
                remove_fkey_at(c->m, &c->m->rels[i], f);
            else
                f++;
        }
    if (drop_dependents(c, ri, cascade) != 0) {
        free(schema);
        free(name);
        return -1;
    }
    /* Partitions go with their partitioned table, without CASCADE. */
    for (i = 0; i < c->m->nrels;) {
        const gen_relation *p = &c->m->rels[i];
        char *key = xstrfmt("%s\x1f%s", schema, name);
        bool child = p->is_partition && p->ndeps && strcmp(p->deps[0], key) == 0;
        free(key);
        if (child)
            model_remove_rel(c->m, i);
        else
            i++;
    }
    /* Dropping dependents moved it: find it again. */
    for (i = 0; i < c->m->nrels && !rel_key_is(&c->m->rels[i], schema, name); i++)
        ;
    if (i < c->m->nrels)
        model_remove_rel(c->m, i);
    free(schema);
    free(name);
    return 0;
}

int do_drop(ctx *c, const PgQuery__DropStmt *s)
{
    bool cascade = s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    for (size_t o = 0; o < s->n_objects; o++) {
        const Node *obj = s->objects[o];
        Node **names = NULL;
        size_t n = 0;
        const char *schema, *name;
        if (obj->node_case == PG_QUERY__NODE__NODE_LIST) {
            names = obj->list->items;
            n = obj->list->n_items;
        } else if (obj->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
            names = obj->type_name->names;
            n = obj->type_name->n_names;
        } else if (obj->node_case == PG_QUERY__NODE__NODE_STRING) {
            names = (Node **)&s->objects[o];
            n = 1;
        }
        switch (s->remove_type) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: {
            gen_relation *r;
            rel_kind want = s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW      ? REL_VIEW
                            : s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? REL_MATVIEW
                                                                                      : REL_TABLE;
            if (names_split(names, n, &schema, &name) != 0)
                FAIL(c, c->stmt_pos, "malformed name in DROP");
            r = lookup_rel(c, schema, name);
            if (!r) {
                if (s->missing_ok)
                    continue;
                FAIL(c, c->stmt_pos, "%s \"%s\" does not exist",
                     want == REL_VIEW ? "view" : want == REL_MATVIEW ? "materialized view" : "table", name);
            }
            if ((want == REL_TABLE) != rel_is_table(r) || (want != REL_TABLE && r->kind != want))
                FAIL(c, c->stmt_pos, "\"%s\" is not a %s", name,
                     want == REL_VIEW ? "view" : want == REL_MATVIEW ? "materialized view" : "table");
            if (drop_relation(c, (size_t)(r - c->m->rels), cascade) != 0)
                return -1;
            break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
            gen_relation *owner;
            gen_index *ix;
            if (names_split(names, n, &schema, &name) != 0)
                FAIL(c, c->stmt_pos, "malformed name in DROP");
            ix = find_index(c->m, schema, name, &owner);
            if (!ix) {
                if (s->missing_ok)
                    continue;
                FAIL(c, c->stmt_pos, "index \"%s\" does not exist", name);
            }
            if (ix->constraint)
                FAIL(c, c->stmt_pos, "cannot drop index %s because constraint %s on table %s requires it", name,
                     name, owner->name);
            remove_index_at(c->m, owner, (size_t)(ix - owner->indexes));
            break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
            bool is_enum;
            int idx;
            const gen_relation *user_rel = NULL;
            const gen_column *user;
            if (names_split(names, n, &schema, &name) != 0)
                FAIL(c, c->stmt_pos, "malformed name in DROP");
            idx = find_enum_idx(c, schema, name);
            is_enum = idx >= 0;
            if (!is_enum)
                idx = find_domain_idx(c, schema, name);
            if (idx < 0) {
                if (s->missing_ok)
                    continue;
                FAIL(c, c->stmt_pos, "type \"%s\" does not exist", name);
            }
            user = type_user(c->m, is_enum, idx, &user_rel);
            if (user)
                FAIL(c, c->stmt_pos, "cannot drop type %s because column %s of table %s depends on it", name,
                     user->name, user_rel->name);
            if (is_enum) {
                for (size_t d = 0; d < c->m->ndomains; d++)
                    if (c->m->domains[d].base.enum_index == idx)
                        FAIL(c, c->stmt_pos, "cannot drop type %s because domain %s depends on it", name,
                             c->m->domains[d].name);
            }
            /* Indexes into the vectors shift: leave a tombstone instead, never matched again. */
            if (is_enum) {
                gen_enum *e = &c->m->enums[idx];
                free(e->name);
                e->name = xstrdup("");
                free(e->schema);
                e->schema = xstrdup("");
            } else {
                gen_domain *d = &c->m->domains[idx];
                free(d->name);
                d->name = xstrdup("");
                free(d->schema);
                d->schema = xstrdup("");
            }
            break;
        }
        case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: {
            const char *sname = node_str(obj);
            bool found = false;
            for (size_t i = 0; i < c->m->nschemas; i++)
                if (strcmp(c->m->schemas[i], sname) == 0) {
                    for (size_t r = 0; r < c->m->nrels; r++)
                        if (strcmp(c->m->rels[r].schema, sname) == 0)
                            FAIL(c, c->stmt_pos, "cannot drop schema %s because other objects depend on it", sname);
                    free(c->m->schemas[i]);
                    c->m->schemas[i] = c->m->schemas[--c->m->nschemas];
                    found = true;
                    break;
                }
            if (!found && !s->missing_ok)
                FAIL(c, c->stmt_pos, "schema \"%s\" does not exist", sname ? sname : "?");
            break;
        }
        default:
            break; /* functions, triggers, sequences, extensions, policies: nothing modeled */
        }
    }
    return 0;
}

/* ---- views, materialized views, CREATE TABLE AS ------------------------------------ */

int create_from_query(ctx *c, const PgQuery__RangeVar *rv, const Node *query, Node **aliases, size_t naliases,
                             rel_kind kind, bool replace, bool if_not_exists)
{
    const char *schema;
    gen_relation *existing, *rel;
    size_t ri;
    int rc;
    if (!(schema = target_schema(c, rv->schemaname, rv->location)))
        return -1;
    existing = model_find_rel(c->m, schema, rv->relname);
    if (existing && if_not_exists)
        return 0;
    if (existing && !(replace && existing->kind == REL_VIEW))
        FAIL(c, rv->location, "relation \"%s\" already exists", rv->relname);
    if (!existing && name_taken(c->m, schema, rv->relname))
        FAIL(c, rv->location, "relation \"%s\" already exists", rv->relname);
    rel = new_relation(c, schema, rv->relname, kind);
    ri = c->m->nrels - 1;
    rc = infer_query(c, query, rel, rel);
    rel = &c->m->rels[ri];
    if (rc == 0 && naliases > rel->ncolumns)
        FAIL(c, rv->location, "CREATE VIEW specifies more column names than columns");
    for (size_t i = 0; i < naliases && rc == 0; i++) {
        free(rel->columns[i].name);
        rel->columns[i].name = xstrdup(node_str(aliases[i]));
    }
    for (size_t i = 0; i < rel->ncolumns && rc == 0; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(rel->columns[i].name, rel->columns[j].name) == 0)
                FAIL(c, rv->location, "column \"%s\" specified more than once", rel->columns[i].name);
        if (kind != REL_VIEW) /* stored: the catalog keeps no NOT NULL for them */
            rel->columns[i].not_null = false;
    }
    if (rc != 0)
        return -1;
    if (existing) {
        /* CREATE OR REPLACE VIEW: may only add columns at the end, keeping names and types. */
        size_t ei = (size_t)(model_find_rel(c->m, schema, rv->relname) - c->m->rels);
        const gen_relation *old = &c->m->rels[ei];
        if (rel->ncolumns < old->ncolumns)
            FAIL(c, rv->location, "cannot drop columns from view");
        for (size_t i = 0; i < old->ncolumns; i++) {
            if (strcmp(old->columns[i].name, rel->columns[i].name) != 0)
                FAIL(c, rv->location, "cannot change name of view column \"%s\" to \"%s\"", old->columns[i].name,
                     rel->columns[i].name);
            if (strcmp(old->columns[i].type.sql, rel->columns[i].type.sql) != 0)
                FAIL(c, rv->location, "cannot change data type of view column \"%s\" from %s to %s",
                     old->columns[i].name, old->columns[i].type.sql, rel->columns[i].type.sql);
        }
        /* The new definition takes the old one's place (keeping its position and comment). */
        {
            gen_relation fresh = c->m->rels[ri];
            char *comment = c->m->rels[ei].comment;
            c->m->rels[ei].comment = NULL;
            c->m->nrels--; /* detach fresh from the end */
            model_remove_rel(c->m, ei);
            VEC_PUSH(c->m->rels, c->m->nrels);
            memmove(&c->m->rels[ei + 1], &c->m->rels[ei], (c->m->nrels - 1 - ei) * sizeof *c->m->rels);
            c->m->rels[ei] = fresh;
            c->m->rels[ei].comment = comment;
        }
    }
    return 0;
}

int do_create_table_as(ctx *c, const PgQuery__CreateTableAsStmt *s)
{
    const PgQuery__IntoClause *into = s->into;
    rel_kind kind = s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? REL_MATVIEW : REL_TABLE;
    return create_from_query(c, into->rel, s->query, into->col_names, into->n_col_names, kind, false,
                             s->if_not_exists);
}

/* ---- session statements ------------------------------------------------------------ */

static void set_search_path(ctx *c, Node **args, size_t n, const char *text)
{
    for (size_t i = 0; i < c->m->nsearch_path; i++)
        free(c->m->search_path[i]);
    c->m->nsearch_path = 0;
    if (text) { /* set_config's comma-separated value */
        const char *p = text;
        while (*p) {
            const char *end;
            char *item;
            while (*p == ' ' || *p == ',')
                p++;
            if (!*p)
                break;
            if (*p == '"') {
                end = strchr(p + 1, '"');
                end = end ? end : p + strlen(p);
                item = xstrfmt("%.*s", (int)(end - p - 1), p + 1);
                p = *end ? end + 1 : end;
            } else {
                end = p;
                while (*end && *end != ',' && *end != ' ')
                    end++;
                item = xstrfmt("%.*s", (int)(end - p), p);
                p = end;
            }
            *VEC_PUSH(c->m->search_path, c->m->nsearch_path) = item;
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const Node *a = args[i];
        const char *v = a->node_case == PG_QUERY__NODE__NODE_A_CONST && a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL
                            ? a->a_const->sval->sval
                            : node_str(a);
        if (v)
            *VEC_PUSH(c->m->search_path, c->m->nsearch_path) = xstrdup(v);
    }
}

int do_set(ctx *c, const PgQuery__VariableSetStmt *s)
{
    if (!s->name || strcmp(s->name, "search_path") != 0)
        return 0;
    if (s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
        set_search_path(c, s->args, s->n_args, NULL);
    } else if (s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT ||
               s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) {
        set_search_path(c, NULL, 0, "\"$user\", public");
    }
    return 0;
}

/* A SELECT that only calls functions (pg_dump's set_config and setval) is a session statement. */
int do_select(ctx *c, const Node *st)
{
    const PgQuery__SelectStmt *s = st->select_stmt;
    if (s->n_from_clause || s->op != PG_QUERY__SET_OPERATION__SETOP_NONE || !s->n_target_list)
        goto unsupported;
    for (size_t i = 0; i < s->n_target_list; i++) {
        const Node *v = s->target_list[i]->res_target->val;
        const PgQuery__FuncCall *f;
        const char *fname;
        if (v->node_case != PG_QUERY__NODE__NODE_FUNC_CALL)
            goto unsupported;
        f = v->func_call;
        fname = node_str(f->funcname[f->n_funcname - 1]);
        if (fname && strcmp(fname, "set_config") == 0 && f->n_args >= 2 &&
            f->args[0]->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            f->args[1]->node_case == PG_QUERY__NODE__NODE_A_CONST &&
            f->args[0]->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL &&
            f->args[1]->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL &&
            strcmp(f->args[0]->a_const->sval->sval, "search_path") == 0)
            set_search_path(c, NULL, 0, f->args[1]->a_const->sval->sval);
    }
    return 0;
unsupported:
    FAIL(c, c->stmt_pos, "SELECT statements are not supported in a schema (only function calls such as set_config)");
}

int do_create_schema(ctx *c, const PgQuery__CreateSchemaStmt *s)
{
    if (!s->schemaname || !*s->schemaname)
        FAIL(c, c->stmt_pos, "CREATE SCHEMA AUTHORIZATION without a name is not supported");
    if (s->n_schema_elts)
        FAIL(c, c->stmt_pos, "CREATE SCHEMA with embedded statements is not supported");
    if (schema_exists(c->m, s->schemaname)) {
        if (s->if_not_exists)
            return 0;
        FAIL(c, c->stmt_pos, "schema \"%s\" already exists", s->schemaname);
    }
    *VEC_PUSH(c->m->schemas, c->m->nschemas) = xstrdup(s->schemaname);
    return 0;
}

int do_create_extension(ctx *c, const PgQuery__CreateExtensionStmt *s)
{
    const char *schema = NULL, *existing;
    for (size_t i = 0; i < s->n_options; i++) {
        const PgQuery__DefElem *d = s->options[i]->def_elem;
        if (strcmp(d->defname, "schema") == 0)
            schema = node_str(d->arg);
    }
    if (has_extension(c->m, s->extname, &existing)) {
        if (s->if_not_exists)
            return 0;
        FAIL(c, c->stmt_pos, "extension \"%s\" already exists", s->extname);
    }
    if (!(schema = target_schema(c, schema, c->stmt_pos)))
        return -1;
    *VEC_PUSH(c->m->extensions, c->m->nextensions) = xstrfmt("%s@%s", s->extname, schema);
    return 0;
}

/* ---- the statement loop --------------------------------------------------- */

static int replay(ctx *c, const Node *st)
{
    switch (st->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        return do_create_table(c, st->create_stmt);
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        return do_create_index(c, st->index_stmt);
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
        return do_create_enum(c, st->create_enum_stmt);
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
        return do_alter_enum(c, st->alter_enum_stmt);
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
        return do_create_domain(c, st->create_domain_stmt);
    case PG_QUERY__NODE__NODE_VIEW_STMT: {
        const PgQuery__ViewStmt *v = st->view_stmt;
        return create_from_query(c, v->view, v->query, v->aliases, v->n_aliases, REL_VIEW, v->replace, false);
    }
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        return do_create_table_as(c, st->create_table_as_stmt);
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
        return do_comment(c, st->comment_stmt);
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        switch (st->alter_table_stmt->objtype) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
            return do_alter_table(c, st->alter_table_stmt);
        default:
            return 0; /* ALTER INDEX / SEQUENCE / VIEW ... OWNER TO, SET, ATTACH PARTITION */
        }
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        return do_rename(c, st->rename_stmt);
    case PG_QUERY__NODE__NODE_DROP_STMT:
        return do_drop(c, st->drop_stmt);
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
        return do_create_schema(c, st->create_schema_stmt);
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        return do_create_extension(c, st->create_extension_stmt);
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        return do_set(c, st->variable_set_stmt);
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        return do_select(c, st);
    case PG_QUERY__NODE__NODE_DEFINE_STMT:
        if (st->define_stmt->kind == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE)
            break;
        return 0; /* aggregates, operators, collations */
    /* Parsed and accepted: they carry no shape for clients. */
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_FUNCTION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
    case PG_QUERY__NODE__NODE_CREATE_EVENT_TRIG_STMT:
    case PG_QUERY__NODE__NODE_GRANT_STMT:
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ROLE_SET_STMT:
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
    case PG_QUERY__NODE__NODE_DO_STMT:
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT:
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_STMT:
    case PG_QUERY__NODE__NODE_SEC_LABEL_STMT:
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
    case PG_QUERY__NODE__NODE_CREATE_CAST_STMT:
    case PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT:
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
    case PG_QUERY__NODE__NODE_NOTIFY_STMT:
        return 0;
    default:
        break;
    }
    {
        char *words = stmt_words(st);
        diag_error(c->src, c->stmt_pos, "%s statements are not supported", words);
        free(words);
    }
    return -1;
}

/* Byte offset of the cursorpos-th character (1-based), as PostgreSQL counts it. */
static int char_to_byte(const source *src, int cursorpos)
{
    int chars = 0;
    if (cursorpos <= 0)
        return -1;
    for (size_t i = 0; i < src->len; i++)
        if (((unsigned char)src->text[i] & 0xC0) != 0x80 && ++chars == cursorpos)
            return (int)i;
    return (int)src->len;
}

int parse_sql(gen_model *m, const source *src)
{
    PgQueryProtobufParseResult res = pg_query_parse_protobuf(src->text);
    PgQuery__ParseResult *tree;
    ctx c = {m, src, 0, 0, 1, 1};
    int rc = 0;

    if (res.error) {
        diag_error(src, char_to_byte(src, res.error->cursorpos), "%s", res.error->message);
        pg_query_free_protobuf_parse_result(res);
        return -1;
    }
    tree = pg_query__parse_result__unpack(NULL, res.parse_tree.len, (const uint8_t *)res.parse_tree.data);
    pg_query_free_protobuf_parse_result(res);
    if (!tree) {
        diag_error(src, -1, "cannot read the parse tree");
        return -1;
    }
    for (size_t i = 0; i < tree->n_stmts && rc == 0; i++) {
        const PgQuery__RawStmt *raw = tree->stmts[i];
        c.stmt_pos = skip_space(src, raw->stmt_location);
        rc = replay(&c, raw->stmt);
    }
    pg_query__parse_result__free_unpacked(tree, NULL);
    return rc;
}
