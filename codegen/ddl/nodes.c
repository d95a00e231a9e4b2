/* blogdb-gen, DDL replay: small tree helpers: node strings, statement spelling, string vectors. */
#include "ddl.h"

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

/* Byte offset of the cursorpos-th character (1-based, as PostgreSQL's error positions count). */
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

PgQuery__ParseResult *parse_tree(const source *src)
{
    PgQueryProtobufParseResult res = pg_query_parse_protobuf(src->text);
    PgQuery__ParseResult *tree;
    if (res.error) {
        diag_error(src, char_to_byte(src, res.error->cursorpos), "%s", res.error->message);
        pg_query_free_protobuf_parse_result(res);
        return NULL;
    }
    tree = pg_query__parse_result__unpack(NULL, res.parse_tree.len, (const uint8_t *)res.parse_tree.data);
    pg_query_free_protobuf_parse_result(res);
    if (!tree)
        diag_error(src, -1, "cannot read the parse tree");
    return tree;
}

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

/* protobuf-c reflection: the walk sees every field of every node kind, present and future. */
bool node_walk(const ProtobufCMessage *m, bool (*visit)(const ProtobufCMessage *m, void *ctx), void *ctx)
{
    const ProtobufCMessageDescriptor *d;
    if (!m)
        return false;
    if (visit(m, ctx))
        return true;
    d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *at = (const char *)m + f->offset;
        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            /* the members of a oneof (Node's ~250 kinds) share one pointer: follow the set one only */
            uint32_t set;
            memcpy(&set, (const char *)m + f->quantifier_offset, sizeof set);
            if (set != f->id)
                continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n;
            ProtobufCMessage *const *v;
            memcpy(&n, (const char *)m + f->quantifier_offset, sizeof n);
            memcpy(&v, at, sizeof v);
            for (size_t k = 0; k < n; k++)
                if (node_walk(v[k], visit, ctx))
                    return true;
        } else {
            const ProtobufCMessage *sub;
            memcpy(&sub, at, sizeof sub);
            if (node_walk(sub, visit, ctx))
                return true;
        }
    }
    return false;
}

int node_location(const Node *n)
{
    const ProtobufCMessage *m;
    const ProtobufCFieldDescriptor *f;
    int loc;
    if (!n || n->node_case == PG_QUERY__NODE__NODE__NOT_SET)
        return -1;
    memcpy(&m, (const char *)n + n->base.descriptor->fields[0].offset, sizeof m); /* the oneof's pointer */
    if (!m || !(f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "location")) ||
        f->type != PROTOBUF_C_TYPE_INT32)
        return -1;
    memcpy(&loc, (const char *)m + f->offset, sizeof loc);
    return loc;
}
