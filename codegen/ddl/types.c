/* blogdb-gen, DDL replay: types: the builtin type table and type-name resolution. */
#include "ddl.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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
    /* more with a text form only: strings in C (text_io) */
    {"int8range", "int8range", CT_UNSUPPORTED, TM_NONE, 0},
    {"numrange", "numrange", CT_UNSUPPORTED, TM_NONE, 0},
    {"tsrange", "tsrange", CT_UNSUPPORTED, TM_NONE, 0},
    {"int4multirange", "int4multirange", CT_UNSUPPORTED, TM_NONE, 0},
    {"tstzmultirange", "tstzmultirange", CT_UNSUPPORTED, TM_NONE, 0},
    {"datemultirange", "datemultirange", CT_UNSUPPORTED, TM_NONE, 0},
    {"tsquery", "tsquery", CT_UNSUPPORTED, TM_NONE, 0},
    {"macaddr8", "macaddr8", CT_UNSUPPORTED, TM_NONE, 0},
    {"pg_lsn", "pg_lsn", CT_UNSUPPORTED, TM_NONE, 0},
    {"box", "box", CT_UNSUPPORTED, TM_NONE, 0},
    {"line", "line", CT_UNSUPPORTED, TM_NONE, 0},
    {"lseg", "lseg", CT_UNSUPPORTED, TM_NONE, 0},
    {"path", "path", CT_UNSUPPORTED, TM_NONE, 0},
    {"polygon", "polygon", CT_UNSUPPORTED, TM_NONE, 0},
    {"circle", "circle", CT_UNSUPPORTED, TM_NONE, 0},
    {"regtype", "regtype", CT_UNSUPPORTED, TM_NONE, 0},
    {"regproc", "regproc", CT_UNSUPPORTED, TM_NONE, 0},
    {"xid8", "xid8", CT_UNSUPPORTED, TM_NONE, 0},
};

/* The types contrib's extensions create (and pgvector's), once CREATE EXTENSION ran. */
static const struct ext_type {
    const char *extension, *type;
    ctype ct;
} ext_types[] = {
    {"citext", "citext", CT_TEXT},  {"hstore", "hstore", CT_UNSUPPORTED}, {"ltree", "ltree", CT_UNSUPPORTED},
    {"ltree", "lquery", CT_UNSUPPORTED}, {"ltree", "ltxtquery", CT_UNSUPPORTED}, {"cube", "cube", CT_UNSUPPORTED},
    {"seg", "seg", CT_UNSUPPORTED}, {"isn", "isbn", CT_UNSUPPORTED}, {"isn", "isbn13", CT_UNSUPPORTED},
    {"isn", "ean13", CT_UNSUPPORTED}, {"isn", "issn", CT_UNSUPPORTED}, {"isn", "upc", CT_UNSUPPORTED},
    {"isn", "ismn", CT_UNSUPPORTED}, {"vector", "vector", CT_UNSUPPORTED}, {"vector", "halfvec", CT_UNSUPPORTED},
    {"postgis", "geometry", CT_UNSUPPORTED}, {"postgis", "geography", CT_UNSUPPORTED},
};

/* The type `name` of an extension the model has, and the schema it lives in; NULL if none. */
static const struct ext_type *extension_type(const gen_model *m, const char *name, const char **schema)
{
    for (size_t i = 0; i < sizeof ext_types / sizeof ext_types[0]; i++)
        if (strcmp(ext_types[i].type, name) == 0 && has_extension(m, ext_types[i].extension, schema))
            return &ext_types[i];
    return NULL;
}

static gen_type type_init(void)
{
    gen_type t;
    memset(&t, 0, sizeof t);
    t.max_chars = -1;
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
    size_t len = strlen(fmt);
    bool array = len > 2 && strcmp(fmt + len - 2, "[]") == 0; /* "text[]": an array of text */
    t.sql = xstrdup(fmt);
    t.is_array = array;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strlen(builtins[i].fmt) == (array ? len - 2 : len) && strncmp(builtins[i].fmt, fmt, array ? len - 2 : len) == 0) {
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
    const struct ext_type *ext;
    const gen_composite *comp;
    strbuf sb;
    int mods[2] = {-1, -1};
    const gen_enum *e;
    const gen_domain *d;
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
    if ((e = find_enum(c, schema, name, NULL))) {
        out->ct = CT_ENUM;
        out->enum_def = e;
        put_type_name(&sb, e->schema, e->name);
    } else if ((d = find_domain(c, schema, name, NULL))) {
        if (tn->n_array_bounds) {
            sb_free(&sb);
            FAIL(c, tn->location, "arrays of domains are not supported yet");
        }
        *out = d->base;
        out->domain_def = d;
        out->domain_not_null = d->not_null || d->base.domain_not_null;
        out->domain_default = d->has_default || d->base.domain_default;
        put_type_name(&sb, d->schema, d->name);
    } else if ((comp = find_composite(c, schema, name, NULL))) {
        out->ct = CT_UNSUPPORTED; /* text_io: "(1,abc)" */
        out->composite_def = comp;
        put_type_name(&sb, comp->schema, comp->name);
    } else if ((ext = extension_type(c->m, name, &ext_schema)) != NULL && (!schema || strcmp(schema, ext_schema) == 0)) {
        out->ct = ext->ct; /* citext is text; the others travel in their text form (text_io) */
        put_type_name(&sb, ext_schema, name);
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
