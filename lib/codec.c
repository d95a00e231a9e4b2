/* libblogdb: binary wire codecs, UTF-8 checks, and timestamps. */
#include "internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* PostgreSQL's epoch is 2000-01-01; ours is 1970-01-01. */
#define PG_EPOCH_OFFSET_US INT64_C(946684800000000)
#define PG_EPOCH_OFFSET_DAYS 10957

enum {
    OID_BOOL = 16, OID_BYTEA = 17, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
    OID_TEXT = 25, OID_JSON = 114, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_BPCHAR = 1042,
    OID_VARCHAR = 1043, OID_DATE = 1082, OID_TIMESTAMP = 1114, OID_TIMESTAMPTZ = 1184,
    OID_UUID = 2950, OID_JSONB = 3802, OID_NUMERIC = 1700, OID_INTERVAL = 1186, OID_INET = 869,
    OID_TIME = 1083, OID_FIRST_USER = 16384
};

/* ---- big-endian helpers ----------------------------------------------------- */

static void put_be(unsigned char *dst, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        dst[i] = (unsigned char)(v & 0xFF);
        v >>= 8;
    }
}

static uint64_t get_be(const unsigned char *src, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | src[i];
    return v;
}

long blogdb__utf8_chars(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    long chars = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        chars++;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07u;
        } else {
            return -1;
        }
        if (len - i <= n)
            return -1;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return -1;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        i += n + 1;
    }
    return chars;
}

/* ---- encoding: C value -> parameter slot ------------------------------------- */

/* The built-in type OID of each wire type (0: enum, whose OID is the database's). */
static const Oid type_oid[] = {
    [BLOGDB_RT_UUID] = OID_UUID, [BLOGDB_RT_TEXT] = OID_TEXT, [BLOGDB_RT_BOOL] = OID_BOOL,
    [BLOGDB_RT_INT2] = OID_INT2, [BLOGDB_RT_INT4] = OID_INT4, [BLOGDB_RT_INT8] = OID_INT8,
    [BLOGDB_RT_FLOAT4] = OID_FLOAT4, [BLOGDB_RT_FLOAT8] = OID_FLOAT8, [BLOGDB_RT_TIMESTAMP] = OID_TIMESTAMP,
    [BLOGDB_RT_TIMESTAMPTZ] = OID_TIMESTAMPTZ, [BLOGDB_RT_DATE] = OID_DATE, [BLOGDB_RT_BYTEA] = OID_BYTEA,
    [BLOGDB_RT_JSON] = OID_JSON, [BLOGDB_RT_JSONB] = OID_JSONB, [BLOGDB_RT_ENUM] = 0,
    [BLOGDB_RT_NUMERIC] = OID_NUMERIC, [BLOGDB_RT_INTERVAL] = OID_INTERVAL, [BLOGDB_RT_INET] = OID_INET,
    [BLOGDB_RT_TIME] = OID_TIME};

static bool is_string_type(blogdb_rt_type t);

/* Element OIDs of the binary array encodings (0: sent as a text-format literal). */
static Oid array_elem_oid(blogdb_rt_type t)
{
    return is_string_type(t) || t == BLOGDB_RT_ENUM ? 0 : type_oid[t];
}

/* Size of one C element of an array of t. */
static size_t elem_size(blogdb_rt_type t)
{
    switch (t) {
    case BLOGDB_RT_BOOL: return sizeof(bool);
    case BLOGDB_RT_INT2: return 2;
    case BLOGDB_RT_INT4: case BLOGDB_RT_DATE: case BLOGDB_RT_FLOAT4: case BLOGDB_RT_ENUM: return 4;
    case BLOGDB_RT_INT8: case BLOGDB_RT_FLOAT8: case BLOGDB_RT_TIMESTAMP: case BLOGDB_RT_TIMESTAMPTZ:
    case BLOGDB_RT_TIME: return 8;
    case BLOGDB_RT_UUID: return 16;
    case BLOGDB_RT_INTERVAL: return sizeof(blogdb_interval);
    case BLOGDB_RT_BYTEA: return sizeof(blogdb_bytes);
    default: return sizeof(const char *);
    }
}

static bool is_string_type(blogdb_rt_type t)
{
    return t == BLOGDB_RT_TEXT || t == BLOGDB_RT_JSON || t == BLOGDB_RT_JSONB || t == BLOGDB_RT_NUMERIC ||
           t == BLOGDB_RT_INET;
}

/* Binary form of a fixed-size value into out (16 bytes at most): its length, or -1 when out of range. */
static int encode_fixed(blogdb_rt_type t, const void *value, unsigned char *out)
{
    int64_t i64;
    int32_t i32;
    int16_t i16;
    switch (t) {
    case BLOGDB_RT_UUID:
        memcpy(out, value, 16);
        return 16;
    case BLOGDB_RT_BOOL: {
        bool v;
        memcpy(&v, value, sizeof v);
        out[0] = v ? 1 : 0;
        return 1;
    }
    case BLOGDB_RT_INT2:
        memcpy(&i16, value, sizeof i16);
        put_be(out, (uint16_t)i16, 2);
        return 2;
    case BLOGDB_RT_INT4:
        memcpy(&i32, value, sizeof i32);
        put_be(out, (uint32_t)i32, 4);
        return 4;
    case BLOGDB_RT_DATE:
        memcpy(&i32, value, sizeof i32);
        if (i32 != INT32_MAX && i32 != INT32_MIN) { /* the infinities pass through */
            if (i32 < INT32_MIN + PG_EPOCH_OFFSET_DAYS + 1)
                return -1;
            i32 -= PG_EPOCH_OFFSET_DAYS;
        }
        put_be(out, (uint32_t)i32, 4);
        return 4;
    case BLOGDB_RT_INT8:
    case BLOGDB_RT_TIME:
        memcpy(&i64, value, sizeof i64);
        if (t == BLOGDB_RT_TIME && (i64 < 0 || i64 > INT64_C(86400000000)))
            return -1;
        put_be(out, (uint64_t)i64, 8);
        return 8;
    case BLOGDB_RT_TIMESTAMP:
    case BLOGDB_RT_TIMESTAMPTZ:
        memcpy(&i64, value, sizeof i64);
        if (i64 != INT64_MAX && i64 != INT64_MIN) {
            if (i64 < INT64_MIN + PG_EPOCH_OFFSET_US + 1)
                return -1;
            i64 -= PG_EPOCH_OFFSET_US;
        }
        put_be(out, (uint64_t)i64, 8);
        return 8;
    case BLOGDB_RT_FLOAT4: {
        float f;
        uint32_t u;
        memcpy(&f, value, sizeof f);
        memcpy(&u, &f, sizeof u);
        put_be(out, u, 4);
        return 4;
    }
    case BLOGDB_RT_FLOAT8: {
        uint64_t u;
        memcpy(&u, value, sizeof u);
        put_be(out, u, 8);
        return 8;
    }
    case BLOGDB_RT_INTERVAL: {
        blogdb_interval iv;
        memcpy(&iv, value, sizeof iv);
        put_be(out, (uint64_t)iv.usec, 8);
        put_be(out + 8, (uint32_t)iv.days, 4);
        put_be(out + 12, (uint32_t)iv.months, 4);
        return 16;
    }
    default:
        return 0;
    }
}

/* Validates a string parameter: UTF-8, and the column's length limit in characters. */
static int check_string(blogdb *db, const blogdb_rt_column *col, const char *s, size_t len)
{
    long chars = blogdb__utf8_chars(s, len);
    if (chars < 0)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: value is not valid UTF-8", col->name);
    if (col->max_chars >= 0 && chars > col->max_chars)
        return blogdb__fail(db, BLOGDB_ETOOLONG, "%s: value has %ld characters, the limit is %d", col->name, chars,
                            (int)col->max_chars);
    if (len > 0x3FFFFFFF)
        return blogdb__fail(db, BLOGDB_ETOOLONG, "%s: value is over 1 GB", col->name);
    return 0;
}

static void *own(blogdb *db, size_t n)
{
    void *p;
    if (db->nowned == db->owned_cap) {
        size_t cap = db->owned_cap ? db->owned_cap * 2 : 8;
        void **o = realloc(db->owned, cap * sizeof *o);
        if (!o)
            return NULL;
        db->owned = o;
        db->owned_cap = cap;
    }
    p = malloc(n ? n : 1);
    if (p)
        db->owned[db->nowned++] = p;
    return p;
}

/* Arrays of string-like and enum elements: a text-format literal, {"a","b",NULL}. */
static int encode_array_text(blogdb *db, size_t i, const blogdb_rt_column *col, const char *items, size_t count)
{
    size_t cap = 3, len = 0;
    char *buf;
    for (size_t k = 0; k < count; k++) {
        const char *e;
        if (col->type == BLOGDB_RT_ENUM) {
            int v;
            memcpy(&v, items + k * 4, sizeof v);
            if (!(e = blogdb_rt_enum_label(col->enum_type, v)))
                return blogdb__fail(db, BLOGDB_EINVAL, "%s[%zu]: %d is not a value of enum %s", col->name, k, v,
                                    col->enum_type->name);
        } else {
            memcpy(&e, items + k * sizeof e, sizeof e);
        }
        if (!e) {
            cap += 5;
            continue;
        }
        if (col->type != BLOGDB_RT_ENUM) {
            int rc = check_string(db, col, e, strlen(e));
            if (rc)
                return rc;
        }
        cap += 2 * strlen(e) + 3;
    }
    if (!(buf = own(db, cap)))
        return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
    buf[len++] = '{';
    for (size_t k = 0; k < count; k++) {
        const char *e;
        if (k)
            buf[len++] = ',';
        if (col->type == BLOGDB_RT_ENUM) {
            int v;
            memcpy(&v, items + k * 4, sizeof v);
            e = blogdb_rt_enum_label(col->enum_type, v);
        } else {
            memcpy(&e, items + k * sizeof e, sizeof e);
        }
        if (!e) {
            memcpy(buf + len, "NULL", 4);
            len += 4;
            continue;
        }
        buf[len++] = '"';
        for (; *e; e++) {
            if (*e == '"' || *e == '\\')
                buf[len++] = '\\';
            buf[len++] = *e;
        }
        buf[len++] = '"';
    }
    buf[len++] = '}';
    buf[len] = '\0';
    db->pvalues[i] = buf;
    db->plengths[i] = (int)len;
    db->pformats[i] = 0;
    return 0;
}

/* Arrays of fixed-size (and bytea) elements: PostgreSQL's binary array format. */
static int encode_array_binary(blogdb *db, size_t i, const blogdb_rt_column *col, const char *items, size_t count)
{
    size_t esz = elem_size(col->type), cap = 20, len = 0;
    unsigned char *buf;
    for (size_t k = 0; k < count; k++) {
        if (col->type == BLOGDB_RT_BYTEA) {
            blogdb_bytes by;
            memcpy(&by, items + k * esz, sizeof by);
            if (!by.data && by.len)
                return blogdb__fail(db, BLOGDB_EINVAL, "%s[%zu]: NULL data with a non-zero length", col->name, k);
            cap += 4 + by.len;
        } else {
            cap += 4 + 16;
        }
    }
    if (cap > 0x3FFFFFFF)
        return blogdb__fail(db, BLOGDB_ETOOLONG, "%s: array is over 1 GB", col->name);
    if (!(buf = own(db, cap)))
        return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
    put_be(buf, count ? 1 : 0, 4); /* ndim: an empty array has none */
    put_be(buf + 4, 0, 4);         /* no NULL elements */
    put_be(buf + 8, array_elem_oid(col->type), 4);
    len = 12;
    if (count) {
        put_be(buf + 12, count, 4);
        put_be(buf + 16, 1, 4); /* lower bound */
        len = 20;
    }
    for (size_t k = 0; k < count; k++) {
        int n;
        if (col->type == BLOGDB_RT_BYTEA) {
            blogdb_bytes by;
            memcpy(&by, items + k * esz, sizeof by);
            put_be(buf + len, by.len, 4);
            if (by.len)
                memcpy(buf + len + 4, by.data, by.len);
            len += 4 + by.len;
            continue;
        }
        n = encode_fixed(col->type, items + k * esz, buf + len + 4);
        if (n < 0)
            return blogdb__fail(db, BLOGDB_EINVAL, "%s[%zu]: value out of range", col->name, k);
        put_be(buf + len, (uint32_t)n, 4);
        len += 4 + (size_t)n;
    }
    db->pvalues[i] = (const char *)buf;
    db->plengths[i] = (int)len;
    db->pformats[i] = 1;
    return 0;
}

static int encode_array(blogdb *db, size_t i, const blogdb_rt_column *col, const void *value)
{
    struct {
        const char *items;
        size_t count;
    } a;
    memcpy(&a, value, sizeof a); /* every array struct is {T *items; size_t count;} */
    if (!a.items && a.count)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: NULL items with a non-zero count", col->name);
    if (a.count > 100000000)
        return blogdb__fail(db, BLOGDB_ETOOLONG, "%s: %zu elements is too many", col->name, a.count);
    if (array_elem_oid(col->type))
        return encode_array_binary(db, i, col, a.items, a.count);
    return encode_array_text(db, i, col, a.items, a.count);
}

int blogdb__encode(blogdb *db, size_t i, const blogdb_rt_column *col, const void *value, const bool *has)
{
    int n;
    if (has && !*has) {
        db->pvalues[i] = NULL; /* SQL NULL */
        db->plengths[i] = 0;
        db->pformats[i] = 1;
        return 0;
    }
    if (col->flags & BLOGDB_RT_ARRAY)
        return encode_array(db, i, col, value);
    if (col->type == BLOGDB_RT_UUID) { /* no copy: the bytes are already in wire order */
        db->pvalues[i] = value;
        db->plengths[i] = 16;
        db->pformats[i] = 1;
        return 0;
    }
    if (is_string_type(col->type)) {
        const char *s;
        int rc;
        memcpy(&s, value, sizeof s);
        if (!s) {
            if (col->flags & BLOGDB_RT_NOT_NULL)
                return blogdb__fail(db, BLOGDB_EINVAL, "%s: NULL string for a NOT NULL column", col->name);
            db->pvalues[i] = NULL;
            db->plengths[i] = 0;
            db->pformats[i] = 0;
            return 0;
        }
        if ((rc = check_string(db, col, s, strlen(s))) != 0)
            return rc;
        /* text's binary form is its bytes; the others go as text for the server to parse. */
        db->pvalues[i] = s;
        db->plengths[i] = (int)strlen(s);
        db->pformats[i] = col->type == BLOGDB_RT_TEXT ? 1 : 0;
        return 0;
    }
    if (col->type == BLOGDB_RT_ENUM) {
        int v;
        const char *label;
        memcpy(&v, value, sizeof v);
        label = blogdb_rt_enum_label(col->enum_type, v);
        if (!label)
            return blogdb__fail(db, BLOGDB_EINVAL, "%s: %d is not a value of enum %s", col->name, v,
                                col->enum_type->name);
        db->pvalues[i] = label;
        db->plengths[i] = (int)strlen(label);
        db->pformats[i] = 1;
        return 0;
    }
    if (col->type == BLOGDB_RT_BYTEA) {
        blogdb_bytes by;
        memcpy(&by, value, sizeof by);
        if (!by.data && by.len)
            return blogdb__fail(db, BLOGDB_EINVAL, "%s: NULL data with a non-zero length", col->name);
        if (by.len > 0x3FFFFFFF)
            return blogdb__fail(db, BLOGDB_ETOOLONG, "%s: value is over 1 GB", col->name);
        db->pvalues[i] = by.data ? (const char *)by.data : "";
        db->plengths[i] = (int)by.len;
        db->pformats[i] = 1;
        return 0;
    }
    n = encode_fixed(col->type, value, db->pbytes[i]);
    if (n < 0)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: value out of range", col->name);
    if (n == 0)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: unknown column type %d", col->name, (int)col->type);
    db->pvalues[i] = (const char *)db->pbytes[i];
    db->plengths[i] = n;
    db->pformats[i] = 1;
    return 0;
}

/* ---- decoding: result value -> C value ---------------------------------------- */

static bool oid_matches(blogdb_rt_type t, Oid oid)
{
    if (t == BLOGDB_RT_TEXT) /* varchar, char, name, and text-like extension types such as citext */
        return oid == OID_TEXT || oid == OID_VARCHAR || oid == OID_BPCHAR || oid == OID_NAME || oid >= OID_FIRST_USER;
    if (t == BLOGDB_RT_ENUM)
        return oid >= OID_FIRST_USER;
    return (size_t)t < sizeof type_oid / sizeof type_oid[0] && oid == type_oid[t];
}

int blogdb__check_column(blogdb *db, const PGresult *res, int field, const blogdb_rt_column *col)
{
    Oid oid = PQftype(res, field);
    /* An array's element type is checked in its header, value by value. */
    bool ok = (col->flags & BLOGDB_RT_ARRAY) ? true : oid_matches(col->type, oid);
    if (!ok || PQfformat(res, field) != 1)
        return blogdb__fail(db, BLOGDB_EDECODE,
                            "%s: the server sent type OID %u, which does not match the generated code "
                            "(is the database schema the one the library was generated from?)",
                            col->name, (unsigned)oid);
    return 0;
}

/* Room a numeric needs as text (an upper bound). */
static size_t numeric_text_size(const unsigned char *v, int len)
{
    int weight, dscale;
    if (len < 8)
        return 16;
    weight = (int16_t)get_be(v + 2, 2);
    dscale = (int)get_be(v + 6, 2) & 0x3FFF;
    return 16 + (size_t)(weight > 0 ? weight + 1 : 1) * 4 + (size_t)dscale;
}

/* Extra bytes one value of scalar type t needs outside the row struct. */
static size_t scalar_extra(blogdb_rt_type t, const unsigned char *v, int len)
{
    switch (t) {
    case BLOGDB_RT_TEXT: case BLOGDB_RT_JSON: return (size_t)len + 1;
    case BLOGDB_RT_JSONB: case BLOGDB_RT_BYTEA: return (size_t)len; /* jsonb: version byte out, NUL in */
    case BLOGDB_RT_NUMERIC: return numeric_text_size(v, len);
    case BLOGDB_RT_INET: return 64;
    default: return 0;
    }
}

/* An array's header: element count (0 for no dimensions); -1 when malformed. */
static long array_count(const unsigned char *v, int len, Oid *elem, bool *hasnull)
{
    long ndim;
    if (len < 12)
        return -1;
    ndim = (int32_t)get_be(v, 4);
    *hasnull = get_be(v + 4, 4) != 0;
    *elem = (Oid)get_be(v + 8, 4);
    if (ndim == 0)
        return 0;
    if (ndim != 1 || len < 20)
        return -1;
    return (int32_t)get_be(v + 12, 4);
}

size_t blogdb__extra_size(const PGresult *res, int row, int field, const blogdb_rt_column *col)
{
    const unsigned char *v = (const unsigned char *)PQgetvalue(res, row, field);
    int len = PQgetlength(res, row, field);
    if (PQgetisnull(res, row, field))
        return 0;
    if (col->flags & BLOGDB_RT_ARRAY) {
        Oid elem;
        bool hasnull;
        long n = array_count(v, len, &elem, &hasnull);
        size_t total = 16; /* alignment of the items */
        const unsigned char *p = v + 20, *end = v + len;
        if (n <= 0)
            return n == 0 ? 0 : 0;
        total += (size_t)n * elem_size(col->type);
        for (long k = 0; k < n && p + 4 <= end; k++) {
            int32_t el = (int32_t)get_be(p, 4);
            p += 4;
            if (el < 0)
                continue;
            if (el > end - p)
                break;
            total += scalar_extra(col->type, p, el);
            p += el;
        }
        return total;
    }
    return scalar_extra(col->type, v, len);
}

static const int fixed_len[] = {
    [BLOGDB_RT_UUID] = 16, [BLOGDB_RT_BOOL] = 1, [BLOGDB_RT_INT2] = 2, [BLOGDB_RT_INT4] = 4,
    [BLOGDB_RT_INT8] = 8, [BLOGDB_RT_FLOAT4] = 4, [BLOGDB_RT_FLOAT8] = 8, [BLOGDB_RT_TIMESTAMP] = 8,
    [BLOGDB_RT_TIMESTAMPTZ] = 8, [BLOGDB_RT_DATE] = 4, [BLOGDB_RT_INTERVAL] = 16, [BLOGDB_RT_TIME] = 8};

/* numeric's binary form (base-10000 digits) as exact decimal text, as numeric_out writes it. */
static int numeric_to_text(const unsigned char *v, int len, char *out)
{
    int ndigits, weight, sign, dscale;
    char *p = out;
    if (len < 8)
        return -1;
    ndigits = (int16_t)get_be(v, 2);
    weight = (int16_t)get_be(v + 2, 2);
    sign = (int)get_be(v + 4, 2);
    dscale = (int)get_be(v + 6, 2) & 0x3FFF;
    if (ndigits < 0 || len != 8 + 2 * ndigits)
        return -1;
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        strcpy(out, sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity");
        return 0;
    }
    if (sign == 0x4000)
        *p++ = '-';
    if (weight < 0) {
        *p++ = '0';
    } else {
        for (int d = 0; d <= weight; d++) {
            int dig = d < ndigits ? (int)get_be(v + 8 + 2 * d, 2) : 0;
            p += sprintf(p, d == 0 ? "%d" : "%04d", dig);
        }
    }
    if (dscale > 0) {
        int written = 0;
        *p++ = '.';
        for (int d = weight + 1; written < dscale; d++) {
            int dig = d >= 0 && d < ndigits ? (int)get_be(v + 8 + 2 * d, 2) : 0;
            char four[8];
            sprintf(four, "%04d", dig);
            for (int k = 0; k < 4 && written < dscale; k++, written++)
                *p++ = four[k];
        }
    }
    *p = '\0';
    return 0;
}

/* inet's binary form (family, bits, is_cidr, length, address) as inet_out writes it. */
static int inet_to_text(const unsigned char *v, int len, char *out)
{
    int family, bits, nb;
    if (len < 4)
        return -1;
    family = v[0];
    bits = v[1];
    nb = v[3];
    if ((family == 2 && nb == 4 && len == 8) || (family == 3 && nb == 16 && len == 20)) {
        if (!inet_ntop(family == 2 ? AF_INET : AF_INET6, v + 4, out, 48))
            return -1;
        if (bits != nb * 8)
            sprintf(out + strlen(out), "/%d", bits);
        return 0;
    }
    return -1;
}

/* Decodes one non-NULL value of scalar type t into dst; strings go to *heap. */
static int decode_one(blogdb *db, const blogdb_rt_column *col, blogdb_rt_type t, const unsigned char *v, int len,
                      void *dst, char **heap)
{
    if ((size_t)t < sizeof fixed_len / sizeof fixed_len[0] && fixed_len[t] && len != fixed_len[t])
        return blogdb__fail(db, BLOGDB_EDECODE, "%s: %d bytes where %d were expected", col->name, len, fixed_len[t]);
    switch (t) {
    case BLOGDB_RT_UUID:
        memcpy(dst, v, 16);
        return 0;
    case BLOGDB_RT_TEXT:
    case BLOGDB_RT_JSON:
    case BLOGDB_RT_JSONB:
    case BLOGDB_RT_NUMERIC:
    case BLOGDB_RT_INET: {
        char *s = *heap;
        if (t == BLOGDB_RT_NUMERIC || t == BLOGDB_RT_INET) {
            if ((t == BLOGDB_RT_NUMERIC ? numeric_to_text(v, len, s) : inet_to_text(v, len, s)) != 0)
                return blogdb__fail(db, BLOGDB_EDECODE, "%s: malformed %s value", col->name,
                                    t == BLOGDB_RT_NUMERIC ? "numeric" : "inet");
            *heap += strlen(s) + 1;
        } else {
            if (t == BLOGDB_RT_JSONB) {
                if (len < 1 || v[0] != 1)
                    return blogdb__fail(db, BLOGDB_EDECODE, "%s: unknown jsonb format", col->name);
                v++;
                len--;
            }
            memcpy(s, v, (size_t)len);
            s[len] = '\0';
            *heap += len + 1;
        }
        memcpy(dst, &s, sizeof s);
        return 0;
    }
    case BLOGDB_RT_BYTEA: {
        blogdb_bytes by = {(const uint8_t *)*heap, (size_t)len};
        if (len)
            memcpy(*heap, v, (size_t)len);
        *heap += len;
        memcpy(dst, &by, sizeof by);
        return 0;
    }
    case BLOGDB_RT_ENUM: {
        const blogdb_rt_enum *e = col->enum_type;
        for (int k = 0; k < e->count; k++)
            if ((size_t)len == strlen(e->labels[k]) && memcmp(v, e->labels[k], (size_t)len) == 0) {
                memcpy(dst, &k, sizeof k);
                return 0;
            }
        return blogdb__fail(db, BLOGDB_EDECODE,
                            "%s: the server sent label '%.*s', which enum %s does not have "
                            "(regenerate the bindings after ALTER TYPE ... ADD VALUE)",
                            col->name, len > 64 ? 64 : len, (const char *)v, e->name);
    }
    case BLOGDB_RT_BOOL: {
        bool b = v[0] != 0;
        memcpy(dst, &b, sizeof b);
        return 0;
    }
    case BLOGDB_RT_INT2: {
        int16_t x = (int16_t)(uint16_t)get_be(v, 2);
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_INT4: {
        int32_t x = (int32_t)(uint32_t)get_be(v, 4);
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_DATE: {
        int32_t x = (int32_t)(uint32_t)get_be(v, 4);
        if (x != INT32_MAX && x != INT32_MIN) /* the infinities pass through */
            x = x > INT32_MAX - PG_EPOCH_OFFSET_DAYS ? INT32_MAX : x + PG_EPOCH_OFFSET_DAYS;
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_INT8:
    case BLOGDB_RT_TIME: {
        int64_t x = (int64_t)get_be(v, 8);
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_TIMESTAMP:
    case BLOGDB_RT_TIMESTAMPTZ: {
        int64_t x = (int64_t)get_be(v, 8);
        if (x != INT64_MAX && x != INT64_MIN)
            x = x > INT64_MAX - PG_EPOCH_OFFSET_US ? INT64_MAX : x + PG_EPOCH_OFFSET_US;
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_FLOAT4: {
        uint32_t u = (uint32_t)get_be(v, 4);
        float f;
        memcpy(&f, &u, sizeof f);
        memcpy(dst, &f, sizeof f);
        return 0;
    }
    case BLOGDB_RT_FLOAT8: {
        uint64_t u = get_be(v, 8);
        double d;
        memcpy(&d, &u, sizeof d);
        memcpy(dst, &d, sizeof d);
        return 0;
    }
    case BLOGDB_RT_INTERVAL: {
        blogdb_interval iv = {(int64_t)get_be(v, 8), (int32_t)(uint32_t)get_be(v + 8, 4),
                              (int32_t)(uint32_t)get_be(v + 12, 4)};
        memcpy(dst, &iv, sizeof iv);
        return 0;
    }
    }
    return blogdb__fail(db, BLOGDB_EDECODE, "%s: unknown column type", col->name);
}

static int decode_array(blogdb *db, const blogdb_rt_column *col, const unsigned char *v, int len, void *dst,
                        char **heap)
{
    Oid elem;
    bool hasnull;
    long n = array_count(v, len, &elem, &hasnull);
    size_t esz = elem_size(col->type);
    const unsigned char *p = v + 20, *end = v + len;
    struct {
        char *items;
        size_t count;
    } a = {NULL, 0};
    if (n < 0)
        return blogdb__fail(db, BLOGDB_EDECODE, "%s: only one-dimensional arrays are supported", col->name);
    if (n > 0 && ((array_elem_oid(col->type) && elem != array_elem_oid(col->type)) ||
                  (!array_elem_oid(col->type) && !oid_matches(col->type, elem))))
        return blogdb__fail(db, BLOGDB_EDECODE, "%s: array of type OID %u does not match the generated code",
                            col->name, (unsigned)elem);
    if (n > 0) {
        uintptr_t at = ((uintptr_t)*heap + 15) & ~(uintptr_t)15;
        a.items = (char *)at;
        a.count = (size_t)n;
        *heap = a.items + (size_t)n * esz;
    }
    for (long k = 0; k < n; k++) {
        int32_t el;
        if (end - p < 4)
            return blogdb__fail(db, BLOGDB_EDECODE, "%s: truncated array", col->name);
        el = (int32_t)get_be(p, 4);
        p += 4;
        if (el < 0) {
            const char *nul = NULL;
            if (!is_string_type(col->type))
                return blogdb__fail(db, BLOGDB_EDECODE, "%s[%ld] is NULL, which a %s array cannot hold", col->name, k,
                                    "non-pointer");
            memcpy(a.items + (size_t)k * esz, &nul, sizeof nul);
            continue;
        }
        if (el > end - p)
            return blogdb__fail(db, BLOGDB_EDECODE, "%s: truncated array", col->name);
        if (decode_one(db, col, col->type, p, el, a.items + (size_t)k * esz, heap) != 0)
            return db->errcode;
        p += el;
    }
    memcpy(dst, &a, sizeof a);
    return 0;
}

int blogdb__decode(blogdb *db, const PGresult *res, int row, int field, const blogdb_rt_column *col, char *base,
                   char **heap)
{
    char *dst = base + col->offset;
    const unsigned char *v = (const unsigned char *)PQgetvalue(res, row, field);
    int len = PQgetlength(res, row, field);

    if (PQgetisnull(res, row, field)) {
        if (col->has_offset != BLOGDB_RT_NO_HAS) {
            bool f = false;
            memcpy(base + col->has_offset, &f, sizeof f);
            return 0;
        }
        if (is_string_type(col->type) && !(col->flags & BLOGDB_RT_ARRAY)) {
            const char *nul = NULL;
            memcpy(dst, &nul, sizeof nul);
            return 0;
        }
        return blogdb__fail(db, BLOGDB_EDECODE, "%s: the server sent NULL for a column declared NOT NULL",
                            col->name);
    }
    if (col->has_offset != BLOGDB_RT_NO_HAS) {
        bool t = true;
        memcpy(base + col->has_offset, &t, sizeof t);
    }
    if (col->flags & BLOGDB_RT_ARRAY)
        return decode_array(db, col, v, len, dst, heap);
    return decode_one(db, col, col->type, v, len, dst, heap);
}

/* ---- enums ------------------------------------------------------------------- */

const char *blogdb_rt_enum_label(const blogdb_rt_enum *e, int value)
{
    if (!e || value < 0 || value >= e->count)
        return NULL;
    return e->labels[value];
}

int blogdb_rt_enum_value(const blogdb_rt_enum *e, const char *text, int *out)
{
    if (!e || !text || !out)
        return BLOGDB_EINVAL;
    for (int k = 0; k < e->count; k++)
        if (strcmp(e->labels[k], text) == 0) {
            *out = k;
            return 0;
        }
    return BLOGDB_EINVAL;
}

/* ---- timestamps ----------------------------------------------------------------- */

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY INT64_C(86400000000)

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

blogdb_timestamp blogdb_timestamp_from_timespec(struct timespec ts)
{
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

struct timespec blogdb_timestamp_to_timespec(blogdb_timestamp t)
{
    struct timespec ts;
    int64_t sec = t / US_PER_SEC, us = t % US_PER_SEC;
    if (us < 0) {
        us += US_PER_SEC;
        sec--;
    }
    ts.tv_sec = (time_t)sec;
    ts.tv_nsec = (long)(us * 1000);
    return ts;
}

blogdb_timestamp blogdb_timestamp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return blogdb_timestamp_from_timespec(ts);
}

int blogdb_timestamp_format(blogdb_timestamp t, char *buf, size_t size)
{
    int64_t days, rem, y;
    unsigned m, d;
    int n;
    if (!buf || size == 0)
        return BLOGDB_EINVAL;
    if (t == INT64_MAX || t == INT64_MIN) {
        n = snprintf(buf, size, "%s", t == INT64_MAX ? "infinity" : "-infinity");
        return n < 0 || (size_t)n >= size ? BLOGDB_EINVAL : 0;
    }
    days = t / US_PER_DAY;
    rem = t % US_PER_DAY;
    if (rem < 0) {
        rem += US_PER_DAY;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    {
        int hh = (int)(rem / (3600 * US_PER_SEC)), mm = (int)(rem / (60 * US_PER_SEC) % 60),
            ss = (int)(rem / US_PER_SEC % 60), us = (int)(rem % US_PER_SEC);
        if (us)
            n = snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%06dZ", (long long)y, m, d, hh, mm, ss, us);
        else
            n = snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d, hh, mm, ss);
    }
    if (n < 0 || (size_t)n >= size) {
        buf[0] = '\0';
        return BLOGDB_EINVAL;
    }
    return 0;
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

int blogdb_timestamp_parse(const char *text, blogdb_timestamp *out)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = text;
    int y, mo, d, hh = 0, mi = 0, ss = 0, frac = 0, off = 0;
    bool leap;
    if (!text || !out)
        return BLOGDB_EINVAL;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d))
        return BLOGDB_EINVAL;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > mdays[mo - 1] + (mo == 2 && leap))
        return BLOGDB_EINVAL;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &hh) || *p++ != ':' || !digits(&p, 2, &mi))
            return BLOGDB_EINVAL;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &ss))
                return BLOGDB_EINVAL;
            if (*p == '.' || *p == ',') {
                int scale = 100000, nd = 0;
                p++;
                while (*p >= '0' && *p <= '9') {
                    if (nd < 6)
                        frac += (*p - '0') * scale;
                    scale /= 10;
                    nd++;
                    p++;
                }
                if (nd == 0)
                    return BLOGDB_EINVAL;
            }
        }
        if (hh > 23 || mi > 59 || ss > 59)
            return BLOGDB_EINVAL;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (!digits(&p, 2, &oh))
                return BLOGDB_EINVAL;
            if (*p == ':')
                p++;
            if (*p >= '0' && *p <= '9' && !digits(&p, 2, &om))
                return BLOGDB_EINVAL;
            if (oh > 23 || om > 59)
                return BLOGDB_EINVAL;
            off = sign * (oh * 60 + om);
        }
    }
    if (*p != '\0')
        return BLOGDB_EINVAL;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * US_PER_DAY +
           ((int64_t)hh * 3600 + mi * 60 + ss - (int64_t)off * 60) * US_PER_SEC + frac;
    return 0;
}
