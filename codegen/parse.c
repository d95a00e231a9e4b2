/* blogdb-gen stage 1: DDL text -> libpg_query protobuf tree -> replay into the model. */
#include "gen.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#define NAMEDATALEN 64

typedef PgQuery__Node Node;

typedef struct ctx {
    gen_model *m;
    const source *src;
    int stmt_pos; /* first token of the statement being replayed */
} ctx;

#define FAIL(c, pos, ...)                          \
    do {                                           \
        diag_error((c)->src, (pos), __VA_ARGS__);  \
        return -1;                                 \
    } while (0)

/* ---- small tree helpers ------------------------------------------------ */

static const char *node_str(const Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : NULL;
}

/* The protobuf field name of a node ("create_seq_stmt"), for messages. */
static const char *node_kind(const Node *n)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, (unsigned)n->node_case);
    return f ? f->name : "unknown";
}

/* Human spelling of a statement kind: "create_seq_stmt" -> "CREATE SEQUENCE". */
static char *stmt_words(const Node *n)
{
    static const char *const known[][2] = {
        {"create_seq_stmt", "CREATE SEQUENCE"}, {"alter_seq_stmt", "ALTER SEQUENCE"},
        {"drop_stmt", "DROP"}, {"rename_stmt", "RENAME"}, {"insert_stmt", "INSERT"},
        {"update_stmt", "UPDATE"}, {"delete_stmt", "DELETE"}, {"select_stmt", "SELECT"},
        {"create_domain_stmt", "CREATE DOMAIN"}, {"composite_type_stmt", "CREATE TYPE ... AS"},
        {"create_schema_stmt", "CREATE SCHEMA"}, {"alter_enum_stmt", "ALTER TYPE"},
        {"create_table_as_stmt", "CREATE TABLE AS or MATERIALIZED VIEW"}, {"truncate_stmt", "TRUNCATE"},
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
static int skip_space(const source *src, int pos)
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

/* Schema and name of a RangeVar; unqualified names live in "public" (the default search_path). */
static void rv_name(const PgQuery__RangeVar *rv, const char **schema, const char **name)
{
    *schema = rv->schemaname && *rv->schemaname ? rv->schemaname : "public";
    *name = rv->relname;
}

/* Schema and name of a dotted name list (["s", "t"] or ["t"]). Returns -1 when malformed. */
static int names_split(Node **names, size_t n, const char **schema, const char **name)
{
    if (n < 1 || n > 3)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!node_str(names[i]))
            return -1;
    *name = node_str(names[n - 1]);
    *schema = n >= 2 ? node_str(names[n - 2]) : "public";
    return 0;
}

static gen_relation *find_rv(ctx *c, const PgQuery__RangeVar *rv)
{
    const char *schema, *name;
    rv_name(rv, &schema, &name);
    return model_find_rel(c->m, schema, name);
}

/* ---- types ----------------------------------------------------------------- */

enum tm { TM_NONE, TM_LENGTH, TM_BPCHAR, TM_NUMERIC, TM_PRECISION_TS };

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
    {"citext", "citext", CT_TEXT, TM_NONE, 0},
    {"varchar", "character varying", CT_TEXT, TM_LENGTH, 0},
    {"bpchar", "character", CT_TEXT, TM_BPCHAR, 0},
    {"uuid", "uuid", CT_UUID, TM_NONE, 0},
    {"date", "date", CT_DATE, TM_NONE, 0},
    {"timestamp", "timestamp without time zone", CT_TIMESTAMP, TM_PRECISION_TS, 0},
    {"timestamptz", "timestamp with time zone", CT_TIMESTAMPTZ, TM_PRECISION_TS, 0},
    {"json", "json", CT_JSON, TM_NONE, 0},
    {"jsonb", "jsonb", CT_JSONB, TM_NONE, 0},
    {"bytea", "bytea", CT_BYTEA, TM_NONE, 0},
    {"numeric", "numeric", CT_UNSUPPORTED, TM_NUMERIC, 0},
    {"time", "time without time zone", CT_UNSUPPORTED, TM_PRECISION_TS, 0},
    {"timetz", "time with time zone", CT_UNSUPPORTED, TM_PRECISION_TS, 0},
    {"interval", "interval", CT_UNSUPPORTED, TM_NONE, 0},
    {"inet", "inet", CT_UNSUPPORTED, TM_NONE, 0},
};

static int typmod_int(const Node *n, int *out)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        *out = n->a_const->ival->ival;
        return 0;
    }
    return -1;
}

/* Resolves a TypeName against the builtins and the model's enums.
 * *serial is set for serial kinds. Returns 0 or -1 (reported). */
static int resolve_type(ctx *c, const PgQuery__TypeName *tn, gen_type *out, bool *serial)
{
    const char *schema = NULL, *name = NULL;
    strbuf sb;
    int mods[2] = {-1, -1};
    size_t nmods = tn->n_typmods;

    memset(out, 0, sizeof *out);
    out->max_chars = -1;
    out->enum_index = -1;
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

    sb_init(&sb);
    if (tn->n_names == 1 || strcmp(schema, "pg_catalog") == 0) {
        for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
            const struct builtin *b = &builtins[i];
            if (strcmp(b->name, name) != 0)
                continue;
            if (b->serial && tn->n_names != 1)
                break;
            if (b->serial && tn->n_array_bounds) {
                sb_free(&sb);
                FAIL(c, tn->location, "array of serial is not implemented");
            }
            if (nmods && (b->tm == TM_NONE || (nmods == 2 && b->tm != TM_NUMERIC))) {
                sb_free(&sb);
                FAIL(c, tn->location, "type modifier is not allowed for type \"%s\"", b->fmt);
            }
            out->ct = b->ct;
            if (serial)
                *serial = b->serial;
            switch (b->tm) {
            case TM_LENGTH:
            case TM_BPCHAR:
                if (nmods) {
                    if (mods[0] < 1 || mods[0] > 10485760) {
                        sb_free(&sb);
                        FAIL(c, tn->location, "length for type %s must be between 1 and 10485760", b->name);
                    }
                    sb_printf(&sb, "%s(%d)", b->fmt, mods[0]);
                    out->max_chars = mods[0];
                } else {
                    sb_puts(&sb, b->tm == TM_BPCHAR ? "bpchar" : b->fmt);
                }
                break;
            case TM_NUMERIC:
                if (nmods == 0)
                    sb_puts(&sb, "numeric");
                else
                    sb_printf(&sb, "numeric(%d,%d)", mods[0], nmods == 2 ? mods[1] : 0);
                break;
            case TM_PRECISION_TS:
                if (nmods) {
                    const char *sp = strchr(b->fmt, ' ');
                    sb_printf(&sb, "%.*s(%d)%s", sp ? (int)(sp - b->fmt) : (int)strlen(b->fmt), b->fmt,
                              mods[0], sp ? sp : "");
                } else {
                    sb_puts(&sb, b->fmt);
                }
                break;
            case TM_NONE:
                sb_puts(&sb, b->fmt);
                break;
            }
            goto done;
        }
    }
    {
        gen_enum *e = model_find_enum(c->m, schema, name);
        if (!e) {
            sb_free(&sb);
            FAIL(c, tn->location, "type \"%s\" does not exist", name);
        }
        if (nmods) {
            sb_free(&sb);
            FAIL(c, tn->location, "type modifier is not allowed for type \"%s\"", name);
        }
        out->ct = CT_ENUM;
        out->enum_index = (int)(e - c->m->enums);
        if (strcmp(e->schema, "public") != 0) {
            sb_put_ident(&sb, e->schema);
            sb_putc(&sb, '.');
        }
        sb_put_ident(&sb, e->name);
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

static bool name_taken(const gen_model *m, const char *name)
{
    for (size_t i = 0; i < m->nconstraint_names; i++)
        if (strcmp(m->constraint_names[i], name) == 0)
            return true;
    for (size_t i = 0; i < m->nrels; i++)
        if (strcmp(m->rels[i].name, name) == 0)
            return true;
    return false;
}

static void take_name(gen_model *m, const char *name)
{
    *VEC_PUSH(m->constraint_names, m->nconstraint_names) = xstrdup(name);
}

/* A free name "<name1>_<name2>_<label>", numbering the label on conflict. */
static char *choose_name(const gen_model *m, const char *name1, const char *name2, const char *label)
{
    char *name = make_object_name(name1, name2, label);
    for (int pass = 1; name_taken(m, name); pass++) {
        char *numbered = xstrfmt("%s%d", label, pass);
        free(name);
        name = make_object_name(name1, name2, numbered);
        free(numbered);
    }
    return name;
}

/* Column names joined by "_", as ChooseIndexNameAddition does. */
static char *join_names(char *const *cols, size_t n)
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

/* ---- relation building -------------------------------------------------- */

static gen_relation *new_relation(ctx *c, const char *schema, const char *name, rel_kind kind)
{
    gen_relation *r = VEC_PUSH(c->m->rels, c->m->nrels);
    r->schema = xstrdup(schema);
    r->name = xstrdup(name);
    r->kind = kind;
    r->pos = c->stmt_pos;
    return r;
}

/* Key columns named by a constraint, checked against the table. */
static int key_columns(ctx *c, gen_relation *r, Node **keys, size_t n, int loc, char ***out)
{
    char **cols = xcalloc(n, sizeof *cols);
    for (size_t i = 0; i < n; i++) {
        const char *k = node_str(keys[i]);
        if (!k || rel_find_column(r, k) < 0) {
            for (size_t j = 0; j < i; j++)
                free(cols[j]);
            free(cols);
            FAIL(c, loc, "column \"%s\" named in key does not exist", k ? k : "?");
        }
        cols[i] = xstrdup(k);
    }
    *out = cols;
    return 0;
}

static gen_index *add_index(ctx *c, gen_relation *r, char *name, char **cols, size_t n, bool unique,
                            bool primary)
{
    gen_index *ix = VEC_PUSH(r->indexes, r->nindexes);
    ix->name = name;
    ix->columns = cols;
    ix->ncolumns = n;
    ix->unique = unique;
    ix->primary = primary;
    take_name(c->m, name);
    return ix;
}

static bool index_name_exists(const gen_model *m, const char *name)
{
    return name_taken(m, name);
}

/* PRIMARY KEY / UNIQUE / FOREIGN KEY / CHECK on table r. `colname` is set for a column constraint. */
static int add_constraint(ctx *c, gen_relation *r, const PgQuery__Constraint *k, const char *colname)
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
    switch (k->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
        bool primary = k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
        char *name;
        if (primary && r->npk)
            FAIL(c, k->location, "multiple primary keys for table \"%s\" are not allowed", r->name);
        if (k->n_including || (k->where_clause) || (k->access_method && *k->access_method))
            FAIL(c, k->location, "INCLUDE, WHERE and USING in constraints are not supported");
        if (key_columns(c, r, keys, nkeys, k->location, &cols) != 0)
            return -1;
        if (k->conname && *k->conname) {
            if (index_name_exists(c->m, k->conname)) {
                for (size_t i = 0; i < nkeys; i++)
                    free(cols[i]);
                free(cols);
                FAIL(c, k->location, "relation \"%s\" already exists", k->conname);
            }
            name = xstrdup(k->conname);
        } else if (primary) {
            name = choose_name(c->m, r->name, NULL, "pkey");
        } else {
            char *joined = join_names(cols, nkeys);
            name = choose_name(c->m, r->name, joined, "key");
            free(joined);
        }
        if (primary) {
            r->primary_key = xcalloc(nkeys, sizeof(char *));
            r->npk = nkeys;
            for (size_t i = 0; i < nkeys; i++) {
                r->primary_key[i] = xstrdup(cols[i]);
                r->columns[rel_find_column(r, cols[i])].not_null = true;
            }
        }
        add_index(c, r, name, cols, nkeys, true, primary);
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
        if (!ref || ref->kind != REL_TABLE)
            FAIL(c, k->pktable->location, "relation \"%s\" does not exist", k->pktable->relname);
        if (k->n_pk_attrs == 0) {
            if (!ref->npk)
                FAIL(c, k->pktable->location, "there is no primary key for referenced table \"%s\"",
                     ref->name);
            if (ref->npk != n_fk)
                FAIL(c, k->location, "number of referencing and referenced columns for foreign key disagree");
            ref_cols = xcalloc(n_fk, sizeof *ref_cols);
            for (size_t i = 0; i < n_fk; i++)
                ref_cols[i] = xstrdup(ref->primary_key[i]);
        } else {
            if (k->n_pk_attrs != n_fk)
                FAIL(c, k->location, "number of referencing and referenced columns for foreign key disagree");
            if (key_columns(c, ref, k->pk_attrs, k->n_pk_attrs, k->pktable->location, &ref_cols) != 0)
                return -1;
        }
        if (key_columns(c, r, fk, n_fk, k->location, &cols) != 0) {
            for (size_t i = 0; i < n_fk; i++)
                free(ref_cols[i]);
            free(ref_cols);
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
            f->name = choose_name(c->m, r->name, joined, "fkey");
            free(joined);
        }
        take_name(c->m, f->name);
        return 0;
    }
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: {
        char *name = k->conname && *k->conname ? xstrdup(k->conname)
                                               : choose_name(c->m, r->name, colname, "check");
        take_name(c->m, name);
        free(name);
        return 0;
    }
    default:
        FAIL(c, k->location, "this kind of table constraint is not supported");
    }
}

static int add_column(ctx *c, gen_relation *r, const PgQuery__ColumnDef *cd, PgQuery__Constraint ***later,
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
    for (size_t i = 0; i < cd->n_constraints; i++) {
        const Node *n = cd->constraints[i];
        PgQuery__Constraint *k;
        if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
            FAIL(c, cd->location, "unexpected column option");
        k = n->constraint;
        switch (k->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
            col->not_null = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
            if (serial)
                FAIL(c, k->location, "conflicting NULL/NOT NULL declarations for column \"%s\"", col->name);
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
            if (serial)
                FAIL(c, k->location, "multiple default values specified for column \"%s\"", col->name);
            col->has_default = true;
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
            FAIL(c, k->location, "identity, generated and exclusion columns are not supported yet");
        }
    }
    return 0;
}

static int do_create_table(ctx *c, const PgQuery__CreateStmt *s)
{
    const char *schema, *name;
    gen_relation *r;
    PgQuery__Constraint **later = NULL;
    const char **later_col = NULL;
    size_t nlater = 0, nlater_col = 0;
    int rc = 0;

    rv_name(s->relation, &schema, &name);
    if (model_find_rel(c->m, schema, name) || name_taken(c->m, name)) {
        if (s->if_not_exists)
            return 0;
        FAIL(c, s->relation->location, "relation \"%s\" already exists", name);
    }
    if (s->n_inh_relations || s->partspec || s->partbound || s->of_typename)
        FAIL(c, s->relation->location, "INHERITS, PARTITION and OF in CREATE TABLE are not supported yet");
    if (s->relation->relpersistence && strcmp(s->relation->relpersistence, "t") == 0)
        FAIL(c, s->relation->location, "temporary tables have no place in a schema");
    r = new_relation(c, schema, name, REL_TABLE);

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
        } else {
            diag_error(c->src, c->stmt_pos, "%s in CREATE TABLE is not supported yet", node_kind(e));
            rc = -1;
        }
    }
    for (size_t i = 0; i < s->n_constraints && rc == 0; i++) {
        *VEC_PUSH(later, nlater) = s->constraints[i]->constraint;
        *VEC_PUSH(later_col, nlater_col) = NULL;
    }
    /* The primary key's index is made first, the other constraints in order. */
    for (int pass = 0; pass < 2 && rc == 0; pass++)
        for (size_t i = 0; i < nlater && rc == 0; i++) {
            bool pk = later[i]->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
            if (pk == (pass == 0))
                rc = add_constraint(c, r, later[i], later_col[i]);
        }
    free(later);
    free(later_col);
    return rc; /* on failure the half-built relation stays in the model, which is discarded */
}

/* The name PostgreSQL figures for an expression (FigureColname): a function's or column's
 * name, a cast's target type when its argument has no name, else "expr". */
static const char *figure_name(const Node *e, int *strength)
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

static int do_create_index(ctx *c, const PgQuery__IndexStmt *s)
{
    gen_relation *r = find_rv(c, s->relation);
    char **cols, **names;
    char *name;
    gen_index *ix;

    if (!r)
        FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
    if (r->kind != REL_TABLE)
        FAIL(c, s->relation->location, "cannot create index on view \"%s\"", r->name);
    if (s->idxname && *s->idxname && name_taken(c->m, s->idxname)) {
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
    names = xcalloc(s->n_index_params, sizeof *names); /* borrowed: only for the implicit name */
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
        char *joined = join_names(names, s->n_index_params);
        name = choose_name(c->m, r->name, joined, s->primary ? "pkey" : "idx");
        free(joined);
    }
    free(names);
    ix = add_index(c, r, name, cols, s->n_index_params, s->unique, false);
    ix->partial = s->where_clause != NULL;
    return 0;
}

static int do_create_enum(ctx *c, const PgQuery__CreateEnumStmt *s)
{
    const char *schema, *name;
    gen_enum *e;
    if (names_split(s->type_name, s->n_type_name, &schema, &name) != 0)
        FAIL(c, c->stmt_pos, "malformed type name");
    if (model_find_enum(c->m, schema, name))
        FAIL(c, c->stmt_pos, "type \"%s\" already exists", name);
    for (size_t i = 0; i < s->n_vals; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(node_str(s->vals[i]), node_str(s->vals[j])) == 0)
                FAIL(c, c->stmt_pos, "enum label \"%s\" used more than once", node_str(s->vals[i]));
    e = VEC_PUSH(c->m->enums, c->m->nenums);
    e->schema = xstrdup(schema);
    e->name = xstrdup(name);
    e->labels = xcalloc(s->n_vals, sizeof(char *));
    e->nlabels = s->n_vals;
    for (size_t i = 0; i < s->n_vals; i++)
        e->labels[i] = xstrdup(node_str(s->vals[i]));
    return 0;
}

/* ---- views ------------------------------------------------------------- */

/* One FROM item visible to the target list. */
typedef struct from_item {
    const char *alias;
    size_t rel;    /* index into model.rels: the vector may move while the view is built */
    bool nullable; /* on the nullable side of an outer join */
} from_item;

typedef struct view_ctx {
    from_item *items;
    size_t nitems;
} view_ctx;

static int add_from(ctx *c, view_ctx *v, const Node *n, bool nullable)
{
    if (n->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
        const PgQuery__RangeVar *rv = n->range_var;
        const gen_relation *r = find_rv(c, rv);
        from_item *it;
        if (!r)
            FAIL(c, rv->location, "relation \"%s\" does not exist", rv->relname);
        it = VEC_PUSH(v->items, v->nitems);
        it->alias = rv->alias && rv->alias->aliasname ? rv->alias->aliasname : r->name;
        it->rel = (size_t)(r - c->m->rels);
        it->nullable = nullable;
        if (rv->alias && rv->alias->n_colnames)
            FAIL(c, rv->location, "column aliases in FROM are not supported yet");
        return 0;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_JOIN_EXPR) {
        const PgQuery__JoinExpr *j = n->join_expr;
        bool left_null = nullable, right_null = nullable;
        if (j->alias || j->n_using_clause || j->is_natural)
            FAIL(c, c->stmt_pos, "joins with USING, NATURAL or an alias are not supported yet");
        switch (j->jointype) {
        case PG_QUERY__JOIN_TYPE__JOIN_INNER:
            break;
        case PG_QUERY__JOIN_TYPE__JOIN_LEFT:
            right_null = true;
            break;
        case PG_QUERY__JOIN_TYPE__JOIN_RIGHT:
            left_null = true;
            break;
        case PG_QUERY__JOIN_TYPE__JOIN_FULL:
            left_null = right_null = true;
            break;
        default:
            FAIL(c, c->stmt_pos, "unsupported join type");
        }
        if (add_from(c, v, j->larg, left_null) != 0)
            return -1;
        return add_from(c, v, j->rarg, right_null);
    }
    FAIL(c, c->stmt_pos, "%s in a view's FROM is not supported yet", node_kind(n));
}

/* Appends a view column; name and type are copied. */
static int view_col(ctx *c, gen_relation *view, const char *name, const gen_type *t, bool not_null, int loc)
{
    gen_column *col;
    if (rel_find_column(view, name) >= 0)
        FAIL(c, loc, "column \"%s\" specified more than once", name);
    col = VEC_PUSH(view->columns, view->ncolumns);
    col->name = xstrdup(name);
    col->type = *t;
    col->type.sql = xstrdup(t->sql);
    col->not_null = not_null;
    return 0;
}

static const gen_relation *item_rel(const ctx *c, const from_item *it)
{
    return &c->m->rels[it->rel];
}

static int star_expand(ctx *c, size_t view, const from_item *it, int loc)
{
    for (size_t i = 0; i < item_rel(c, it)->ncolumns; i++) {
        const gen_column *bc = &item_rel(c, it)->columns[i];
        if (view_col(c, &c->m->rels[view], bc->name, &bc->type, bc->not_null && !it->nullable, loc) != 0)
            return -1;
    }
    return 0;
}

/* Finds the base column of a (qualified) column reference. */
static int lookup_colref(ctx *c, view_ctx *v, const char *qual, const char *colname, int loc,
                         const gen_column **col, const from_item **item)
{
    *col = NULL;
    for (size_t i = 0; i < v->nitems; i++) {
        int ci;
        if (qual && strcmp(v->items[i].alias, qual) != 0)
            continue;
        ci = rel_find_column(item_rel(c, &v->items[i]), colname);
        if (ci < 0)
            continue;
        if (*col)
            FAIL(c, loc, "column reference \"%s\" is ambiguous", colname);
        *col = &item_rel(c, &v->items[i])->columns[ci];
        *item = &v->items[i];
    }
    if (!*col) {
        if (qual) {
            bool known = false;
            for (size_t i = 0; i < v->nitems; i++)
                known |= strcmp(v->items[i].alias, qual) == 0;
            if (!known)
                FAIL(c, loc, "missing FROM-clause entry for table \"%s\"", qual);
            FAIL(c, loc, "column %s.%s does not exist", qual, colname);
        }
        FAIL(c, loc, "column \"%s\" does not exist", colname);
    }
    return 0;
}

/* Types one target-list expression. name_out gets PostgreSQL's default column name. */
static int type_expr(ctx *c, view_ctx *v, const Node *e, gen_type *t, bool *not_null, const char **name_out)
{
    switch (e->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
        const PgQuery__ColumnRef *cr = e->column_ref;
        const char *qual = cr->n_fields >= 2 ? node_str(cr->fields[cr->n_fields - 2]) : NULL;
        const char *colname = node_str(cr->fields[cr->n_fields - 1]);
        const gen_column *col;
        const from_item *it;
        if (!colname)
            FAIL(c, cr->location, "unexpected * in an expression");
        if (lookup_colref(c, v, qual, colname, cr->location, &col, &it) != 0)
            return -1;
        *t = col->type;
        t->sql = xstrdup(col->type.sql);
        *not_null = col->not_null && !it->nullable;
        *name_out = colname;
        return 0;
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        const PgQuery__TypeCast *tc = e->type_cast;
        gen_type inner;
        bool nn = false;
        const char *nm = NULL;
        if (type_expr(c, v, tc->arg, &inner, &nn, &nm) != 0)
            return -1;
        free(inner.sql);
        if (resolve_type(c, tc->type_name, t, NULL) != 0)
            return -1;
        *not_null = nn;
        *name_out = tc->arg->node_case == PG_QUERY__NODE__NODE_COLUMN_REF
                        ? nm
                        : node_str(tc->type_name->names[tc->type_name->n_names - 1]);
        return 0;
    }
    case PG_QUERY__NODE__NODE_A_CONST: {
        const PgQuery__AConst *k = e->a_const;
        const char *sql = k->isnull ? "text"
                          : k->val_case == PG_QUERY__A__CONST__VAL_IVAL    ? "integer"
                          : k->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL ? "boolean"
                          : k->val_case == PG_QUERY__A__CONST__VAL_FVAL    ? "numeric"
                                                                            : "text";
        memset(t, 0, sizeof *t);
        t->sql = xstrdup(sql);
        t->max_chars = -1;
        t->enum_index = -1;
        t->ct = strcmp(sql, "integer") == 0   ? CT_INT4
                : strcmp(sql, "boolean") == 0 ? CT_BOOL
                : strcmp(sql, "text") == 0    ? CT_TEXT
                                              : CT_UNSUPPORTED;
        *not_null = !k->isnull;
        *name_out = "?column?";
        return 0;
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL: {
        const PgQuery__FuncCall *f = e->func_call;
        const char *fname = node_str(f->funcname[f->n_funcname - 1]);
        if (fname && strcmp(fname, "count") == 0 && !f->over) {
            memset(t, 0, sizeof *t);
            t->sql = xstrdup("bigint");
            t->ct = CT_INT8;
            t->max_chars = -1;
            t->enum_index = -1;
            *not_null = true;
            *name_out = "count";
            return 0;
        }
        FAIL(c, f->location, "cannot infer the type of function \"%s\" in a view; add a cast (expr::type)",
             fname ? fname : "?");
    }
    default:
        FAIL(c, c->stmt_pos, "cannot infer the type of a %s in a view; add a cast (expr::type)", node_kind(e));
    }
}

static int view_targets(ctx *c, view_ctx *v, size_t view, const PgQuery__SelectStmt *sel)
{
    for (size_t i = 0; i < sel->n_target_list; i++) {
        const PgQuery__ResTarget *rt = sel->target_list[i]->res_target;
        const Node *e = rt->val;
        gen_type t;
        bool nn;
        const char *name = NULL;
        int rc;
        if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
            const PgQuery__ColumnRef *cr = e->column_ref;
            const Node *last = cr->fields[cr->n_fields - 1];
            if (last->node_case == PG_QUERY__NODE__NODE_A_STAR) {
                const char *qual = cr->n_fields >= 2 ? node_str(cr->fields[cr->n_fields - 2]) : NULL;
                bool found = false;
                if (!qual && v->nitems == 0)
                    FAIL(c, cr->location, "SELECT * with no tables specified is not valid");
                for (size_t k = 0; k < v->nitems; k++) {
                    if (qual && strcmp(v->items[k].alias, qual) != 0)
                        continue;
                    found = true;
                    if (star_expand(c, view, &v->items[k], cr->location) != 0)
                        return -1;
                }
                if (!found)
                    FAIL(c, cr->location, "missing FROM-clause entry for table \"%s\"", qual);
                continue;
            }
        }
        if (type_expr(c, v, e, &t, &nn, &name) != 0)
            return -1;
        rc = view_col(c, &c->m->rels[view], rt->name && *rt->name ? rt->name : name, &t, nn, rt->location);
        free(t.sql);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int do_create_view(ctx *c, const PgQuery__ViewStmt *s)
{
    const char *schema, *name;
    const PgQuery__SelectStmt *sel;
    view_ctx v = {0};
    gen_relation *view;
    int rc = 0;

    rv_name(s->view, &schema, &name);
    if (model_find_rel(c->m, schema, name) && !s->replace)
        FAIL(c, s->view->location, "relation \"%s\" already exists", name);
    if (model_find_rel(c->m, schema, name))
        FAIL(c, s->view->location, "CREATE OR REPLACE of an existing view is not supported yet");
    if (s->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        FAIL(c, c->stmt_pos, "a view must be a SELECT");
    sel = s->query->select_stmt;
    if (sel->op != PG_QUERY__SET_OPERATION__SETOP_NONE || sel->with_clause || sel->n_values_lists)
        FAIL(c, c->stmt_pos, "UNION, WITH and VALUES in views are not supported yet");
    for (size_t i = 0; i < sel->n_from_clause && rc == 0; i++)
        rc = add_from(c, &v, sel->from_clause[i], false);
    if (rc == 0) {
        view = new_relation(c, schema, name, REL_VIEW);
        rc = view_targets(c, &v, c->m->nrels - 1, sel);
        if (rc == 0 && s->n_aliases > view->ncolumns) {
            diag_error(c->src, s->view->location, "CREATE VIEW specifies more column names than columns");
            rc = -1;
        }
        for (size_t i = 0; i < s->n_aliases && rc == 0; i++) {
            free(view->columns[i].name);
            view->columns[i].name = xstrdup(node_str(s->aliases[i]));
        }
    }
    free(v.items);
    return rc;
}

/* ---- COMMENT ON ---------------------------------------------------------- */

static int do_comment(ctx *c, const PgQuery__CommentStmt *s)
{
    Node **names;
    size_t n;
    char **slot;
    const char *schema, *relname;
    gen_relation *r;

    if (s->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && s->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_VIEW &&
        s->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && s->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TYPE)
        return 0; /* comments on functions, indexes, ... carry nothing for clients */
    if (s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE) {
        const PgQuery__TypeName *tn = s->object->type_name;
        gen_enum *e;
        if (names_split(tn->names, tn->n_names, &schema, &relname) != 0 ||
            !(e = model_find_enum(c->m, schema, relname)))
            FAIL(c, c->stmt_pos, "type does not exist");
        free(e->comment);
        e->comment = s->comment && *s->comment ? xstrdup(s->comment) : NULL;
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
        r = model_find_rel(c->m, schema, relname);
        if (!r)
            FAIL(c, c->stmt_pos, "relation \"%s\" does not exist", relname);
        ci = rel_find_column(r, node_str(names[n - 1]));
        if (ci < 0)
            FAIL(c, c->stmt_pos, "column \"%s\" of relation \"%s\" does not exist", node_str(names[n - 1]),
                 relname);
        slot = &r->columns[ci].comment;
    } else {
        if (names_split(names, n, &schema, &relname) != 0)
            FAIL(c, c->stmt_pos, "malformed name in COMMENT ON");
        r = model_find_rel(c->m, schema, relname);
        if (!r)
            FAIL(c, c->stmt_pos, "relation \"%s\" does not exist", relname);
        if ((s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) != (r->kind == REL_VIEW))
            FAIL(c, c->stmt_pos, "\"%s\" is not a %s", relname,
                 s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ? "view" : "table");
        slot = &r->comment;
    }
    free(*slot);
    *slot = s->comment && *s->comment ? xstrdup(s->comment) : NULL;
    return 0;
}

/* ---- ALTER TABLE ------------------------------------------------------------ */

static int do_alter_table(ctx *c, const PgQuery__AlterTableStmt *s)
{
    gen_relation *r = find_rv(c, s->relation);
    if (!r) {
        if (s->missing_ok)
            return 0;
        FAIL(c, s->relation->location, "relation \"%s\" does not exist", s->relation->relname);
    }
    for (size_t i = 0; i < s->n_cmds; i++) {
        const PgQuery__AlterTableCmd *cmd = s->cmds[i]->alter_table_cmd;
        switch (cmd->subtype) {
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
            if (add_constraint(c, r, cmd->def->constraint, NULL) != 0)
                return -1;
            break;
        case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
            PgQuery__Constraint **later = NULL;
            size_t nlater = 0;
            int rc = add_column(c, r, cmd->def->column_def, &later, &nlater);
            for (size_t k = 0; k < nlater && rc == 0; k++)
                rc = add_constraint(c, r, later[k], cmd->def->column_def->colname);
            free(later);
            if (rc != 0)
                return -1;
            break;
        }
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity:
        case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity:
            break;
        default:
            FAIL(c, c->stmt_pos, "this ALTER TABLE action is not supported yet");
        }
    }
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
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        return do_create_view(c, st->view_stmt);
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
        return do_comment(c, st->comment_stmt);
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        if (st->alter_table_stmt->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
            break;
        return do_alter_table(c, st->alter_table_stmt);
    /* Parsed and accepted: they carry no shape for clients. */
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
    case PG_QUERY__NODE__NODE_GRANT_STMT:
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
    case PG_QUERY__NODE__NODE_DO_STMT:
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT:
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
    size_t i = 0;
    int chars = 0;
    if (cursorpos <= 0)
        return -1;
    for (; i < src->len; i++) {
        if (((unsigned char)src->text[i] & 0xC0) != 0x80 && ++chars == cursorpos)
            return (int)i;
    }
    return (int)src->len;
}

int parse_sql(gen_model *m, const source *src)
{
    PgQueryProtobufParseResult res = pg_query_parse_protobuf(src->text);
    PgQuery__ParseResult *tree;
    ctx c = {m, src, 0};
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
