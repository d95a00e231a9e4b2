/* libblogdb: binary wire codecs, UTF-8 checks, and timestamps. */
#include "internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif


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

uint64_t blogdb__get_be(const unsigned char *src, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | src[i];
    return v;
}

/* Whether 16 bytes are all ASCII and none is zero. */
static bool ascii16(const unsigned char *p)
{
#ifdef __SSE2__
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    return _mm_movemask_epi8(v) == 0 && _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) == 0;
#else
    /* a byte is zero when subtracting 1 borrows into its high bit */
    const uint64_t hi = UINT64_C(0x8080808080808080), ones = UINT64_C(0x0101010101010101);
    uint64_t a, b;
    memcpy(&a, p, sizeof a);
    memcpy(&b, p + 8, sizeof b);
    return !((a | b) & hi) && !(((a - ones) & ~a) & hi) && !(((b - ones) & ~b) & hi);
#endif
}

/* Scans UTF-8: the number of characters, or -1 when the bytes are not valid UTF-8 (overlong
 * forms, surrogates and code points past U+10FFFF are invalid), or hold a NUL and nul_ok is false.
 * The one UTF-8 decoder of the runtime: parameters going out and text coming in. */
static long utf8_scan(const char *str, size_t len, bool nul_ok)
{
    const unsigned char *s = (const unsigned char *)str;
    long chars = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        /* ASCII fast path: sixteen bytes at a time while none has its high bit set or is zero. */
        if (c < 0x80 && len - i >= 16 && ascii16(s + i)) {
            i += 16;
            chars += 16;
            continue;
        }
        chars++;
        if (c < 0x80) {
            if (c == 0 && !nul_ok)
                return -1;
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

long blogdb__utf8_chars(const char *s, size_t len)
{
    return utf8_scan(s, len, true);
}

bool blogdb__utf8_text_ok(const char *s, size_t len)
{
    return utf8_scan(s, len, false) >= 0;
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

/* Element OIDs of the binary array encodings (0: sent as a text-format literal). */
Oid blogdb__array_elem_oid(blogdb_rt_type t)
{
    return blogdb__is_string_type(t) || t == BLOGDB_RT_ENUM ? 0 : type_oid[t];
}

bool blogdb__oid_matches(blogdb_rt_type t, Oid oid)
{
    if (t == BLOGDB_RT_TEXT) /* varchar, char, name, and text-like extension types such as citext */
        return oid == OID_TEXT || oid == OID_VARCHAR || oid == OID_BPCHAR || oid == OID_NAME || oid >= OID_FIRST_USER;
    if (t == BLOGDB_RT_ENUM)
        return oid >= OID_FIRST_USER;
    return (size_t)t < sizeof type_oid / sizeof type_oid[0] && oid == type_oid[t];
}

/* Size of one C element of an array of t. */
size_t blogdb__elem_size(blogdb_rt_type t)
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

bool blogdb__is_string_type(blogdb_rt_type t)
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
    size_t esz = blogdb__elem_size(col->type), cap = 20, len = 0;
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
    put_be(buf + 8, blogdb__array_elem_oid(col->type), 4);
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
    if (blogdb__array_elem_oid(col->type))
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
    if (blogdb__is_string_type(col->type)) {
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

int blogdb__check_column(blogdb *db, const PGresult *res, int field, const blogdb_rt_column *col)
{
    Oid oid = PQftype(res, field);
    /* An array's element type is checked in its header, value by value. */
    bool ok = (col->flags & BLOGDB_RT_ARRAY) ? true : blogdb__oid_matches(col->type, oid);
    if (!ok || PQfformat(res, field) != 1)
        return blogdb__fail(db, BLOGDB_EDECODE,
                            "%s: the server sent type OID %u, which does not match the generated code "
                            "(is the database schema the one the library was generated from?)",
                            col->name, (unsigned)oid);
    return 0;
}

/* ---- decoding: the server's bytes -> C values -----------------------------------
 *
 * Everything the server sends is untrusted input. Each decoder checks every length, count,
 * digit and label against the bytes present before it writes anything, and the size a value
 * needs outside the row struct (value_extra) is computed by the same checks that decode_value
 * runs (less the UTF-8 scan, which no size depends on), so a result block sized by value_extra
 * can never be overrun: a malformed value is refused (BLOGDB_EDECODE naming the column) instead. fuzz/fuzz_decode.c holds this promise
 * against random input under ASan.
 */

/* PostgreSQL's finite timestamp range, in its own epoch (datatype/timestamp.h). */
#define PG_MIN_TIMESTAMP INT64_C(-211813488000000000)
#define PG_END_TIMESTAMP INT64_C(9223371331200000000)
#define PG_MIN_DATE (-2451545)    /* 4714-11-24 BC */
#define PG_END_DATE 2145031948    /* 5874898-01-01 */

/* A numeric's header, checked: the layout numeric_send writes. */
typedef struct numeric_hdr {
    int ndigits, weight, sign, dscale;
} numeric_hdr;

enum { NUMERIC_POS = 0x0000, NUMERIC_NEG = 0x4000, NUMERIC_NAN = 0xC000, NUMERIC_PINF = 0xD000,
       NUMERIC_NINF = 0xF000 };

static bool numeric_check(const unsigned char *v, int len, numeric_hdr *h)
{
    if (len < 8)
        return false;
    h->ndigits = (int16_t)blogdb__get_be(v, 2);
    h->weight = (int16_t)blogdb__get_be(v + 2, 2);
    h->sign = (int)blogdb__get_be(v + 4, 2);
    h->dscale = (int)blogdb__get_be(v + 6, 2);
    if (h->ndigits < 0 || len != 8 + 2 * h->ndigits || h->dscale > 0x3FFF)
        return false;
    if (h->sign == NUMERIC_NAN || h->sign == NUMERIC_PINF || h->sign == NUMERIC_NINF)
        return h->ndigits == 0;
    if (h->sign != NUMERIC_POS && h->sign != NUMERIC_NEG)
        return false;
    for (int d = 0; d < h->ndigits; d++)
        if (blogdb__get_be(v + 8 + 2 * d, 2) > 9999)
            return false;
    return true;
}

/* Exact size of numeric_to_text's output (with its NUL) for a checked header. */
static size_t numeric_text_size(const numeric_hdr *h)
{
    if (h->sign != NUMERIC_POS && h->sign != NUMERIC_NEG)
        return sizeof "-Infinity";
    /* sign, integer digits (4 per base-10000 digit), point, scale digits, NUL */
    return 1 + (size_t)(h->weight >= 0 ? h->weight + 1 : 1) * 4 + 1 + (size_t)h->dscale + 1;
}

/* numeric's binary form (base-10000 digits) as exact decimal text, as numeric_out writes it.
 * The header must have passed numeric_check; out has numeric_text_size bytes. */
static void numeric_to_text(const unsigned char *v, const numeric_hdr *h, char *out)
{
    char *p = out;
    if (h->sign == NUMERIC_NAN || h->sign == NUMERIC_PINF || h->sign == NUMERIC_NINF) {
        strcpy(out, h->sign == NUMERIC_NAN ? "NaN" : h->sign == NUMERIC_PINF ? "Infinity" : "-Infinity");
        return;
    }
    if (h->sign == NUMERIC_NEG)
        *p++ = '-';
    if (h->weight < 0) {
        *p++ = '0';
    } else {
        for (int d = 0; d <= h->weight; d++) {
            int dig = d < h->ndigits ? (int)blogdb__get_be(v + 8 + 2 * d, 2) : 0; /* checked: 0..9999 */
            p += sprintf(p, d == 0 ? "%d" : "%04d", dig);
        }
    }
    if (h->dscale > 0) {
        int written = 0;
        *p++ = '.';
        for (int d = h->weight + 1; written < h->dscale; d++) {
            int dig = d >= 0 && d < h->ndigits ? (int)blogdb__get_be(v + 8 + 2 * d, 2) : 0;
            char four[8];
            sprintf(four, "%04d", dig);
            for (int k = 0; k < 4 && written < h->dscale; k++, written++)
                *p++ = four[k];
        }
    }
    *p = '\0';
}

/* Room inet_to_text needs: an IPv6 address in full, a prefix length, a NUL. */
#define INET_TEXT_SIZE 64

/* inet's binary form (family, bits, is_cidr, length, address) as inet_out writes it. */
static int inet_to_text(const unsigned char *v, int len, char *out)
{
    int family, bits, nb;
    if (len < 4)
        return -1;
    family = v[0];
    bits = v[1];
    nb = v[3];
    if (v[2] > 1 || !((family == 2 && nb == 4 && len == 8) || (family == 3 && nb == 16 && len == 20)) ||
        bits > nb * 8)
        return -1;
    if (!inet_ntop(family == 2 ? AF_INET : AF_INET6, v + 4, out, 48))
        return -1;
    if (bits != nb * 8)
        sprintf(out + strlen(out), "/%d", bits);
    return 0;
}

static const int fixed_len[] = {
    [BLOGDB_RT_UUID] = 16, [BLOGDB_RT_BOOL] = 1, [BLOGDB_RT_INT2] = 2, [BLOGDB_RT_INT4] = 4,
    [BLOGDB_RT_INT8] = 8, [BLOGDB_RT_FLOAT4] = 4, [BLOGDB_RT_FLOAT8] = 8, [BLOGDB_RT_TIMESTAMP] = 8,
    [BLOGDB_RT_TIMESTAMPTZ] = 8, [BLOGDB_RT_DATE] = 4, [BLOGDB_RT_INTERVAL] = 16, [BLOGDB_RT_TIME] = 8};

/* Checks one non-NULL value of scalar type t and returns the bytes it needs outside the row
 * struct; NULL when fine, else why it is malformed (a static string). Without `full`, only what
 * the size depends on is checked (text is not scanned: its room is its length either way);
 * decode_value always checks in full before it writes. */
static const char *scalar_check(blogdb_rt_type t, const unsigned char *v, int len, size_t *extra, bool full)
{
    numeric_hdr h;
    *extra = 0;
    if (len < 0)
        return "negative length";
    if ((size_t)t < sizeof fixed_len / sizeof fixed_len[0] && fixed_len[t] && len != fixed_len[t])
        return "wrong length";
    switch (t) {
    case BLOGDB_RT_JSONB:
        if (len < 1 || v[0] != 1)
            return "unknown jsonb format version";
        v++;
        len--;
        /* fall through */
    case BLOGDB_RT_TEXT:
    case BLOGDB_RT_JSON:
        if (full && !blogdb__utf8_text_ok((const char *)v, (size_t)len))
            return "text that is not valid UTF-8 or holds a NUL byte";
        *extra = (size_t)len + 1;
        return NULL;
    case BLOGDB_RT_BYTEA:
        *extra = (size_t)len;
        return NULL;
    case BLOGDB_RT_NUMERIC:
        if (!numeric_check(v, len, &h))
            return "malformed numeric (length, digit count, sign, scale or a digit over 9999)";
        *extra = numeric_text_size(&h);
        return NULL;
    case BLOGDB_RT_INET:
        *extra = INET_TEXT_SIZE;
        return NULL;
    case BLOGDB_RT_ENUM:
    case BLOGDB_RT_UUID: case BLOGDB_RT_BOOL: case BLOGDB_RT_INT2: case BLOGDB_RT_INT4: case BLOGDB_RT_INT8:
    case BLOGDB_RT_FLOAT4: case BLOGDB_RT_FLOAT8: case BLOGDB_RT_INTERVAL:
        return NULL;
    case BLOGDB_RT_TIME: {
        int64_t x = (int64_t)blogdb__get_be(v, 8);
        return x < 0 || x > INT64_C(86400000000) ? "time of day out of range" : NULL;
    }
    case BLOGDB_RT_DATE: {
        int32_t x = (int32_t)(uint32_t)blogdb__get_be(v, 4);
        return x != INT32_MAX && x != INT32_MIN && (x < PG_MIN_DATE || x >= PG_END_DATE) ? "date out of range"
                                                                                          : NULL;
    }
    case BLOGDB_RT_TIMESTAMP:
    case BLOGDB_RT_TIMESTAMPTZ: {
        int64_t x = (int64_t)blogdb__get_be(v, 8);
        if (x == INT64_MAX || x == INT64_MIN)
            return NULL; /* +-infinity */
        if (x < PG_MIN_TIMESTAMP || x >= PG_END_TIMESTAMP)
            return "timestamp out of PostgreSQL's range";
        if (x > INT64_MAX - 1 - PG_EPOCH_OFFSET_US)
            return "timestamp after 294246-12-31, beyond blogdb_timestamp's range";
        return NULL;
    }
    }
    return "unknown column type";
}

/* An array's header, checked: element count (0 for no dimensions) and element OID. */
typedef struct array_hdr {
    long count;
    Oid elem;
} array_hdr;

/* Checks a whole one-dimensional array value of col's type: header, every element's length
 * against the bytes present, each element itself, no trailing bytes. *extra gets the bytes the
 * items and their strings need outside the row struct. NULL when fine, else why not. */
static const char *array_check(const blogdb_rt_column *col, const unsigned char *v, int len, array_hdr *h,
                               size_t *extra, bool full)
{
    int32_t ndim, flags;
    const unsigned char *p, *end = v + len;
    *extra = 0;
    if (len < 12)
        return "array header too short";
    ndim = (int32_t)blogdb__get_be(v, 4);
    flags = (int32_t)blogdb__get_be(v + 4, 4);
    h->elem = (Oid)blogdb__get_be(v + 8, 4);
    if (flags != 0 && flags != 1)
        return "bad array flags";
    if (ndim == 0) {
        h->count = 0;
        return len == 12 ? NULL : "trailing bytes after an empty array";
    }
    if (ndim != 1)
        return "not a one-dimensional array";
    if (len < 20)
        return "array header too short";
    h->count = (int32_t)blogdb__get_be(v + 12, 4);
    /* Every element takes at least its 4-byte length: bound the count by the bytes present. */
    if (h->count < 0 || h->count > (len - 20) / 4)
        return "element count beyond the bytes present";
    if (blogdb__array_elem_oid(col->type) ? h->elem != blogdb__array_elem_oid(col->type) : !blogdb__oid_matches(col->type, h->elem))
        return "element type OID does not match the generated code";
    *extra = 16 + (size_t)h->count * blogdb__elem_size(col->type); /* items, aligned to 16 */
    p = v + 20;
    for (long k = 0; k < h->count; k++) {
        int32_t el;
        size_t more;
        const char *why;
        if (end - p < 4)
            return "truncated array";
        el = (int32_t)blogdb__get_be(p, 4);
        p += 4;
        if (el == -1) {
            if (!blogdb__is_string_type(col->type))
                return "NULL element in an array whose C type cannot hold NULL";
            continue;
        }
        if (el < 0 || el > end - p)
            return "element length beyond the bytes present";
        if ((why = scalar_check(col->type, p, el, &more, full)) != NULL)
            return why;
        *extra += more;
        p += el;
    }
    return p == end ? NULL : "trailing bytes after the last element";
}

size_t blogdb__value_extra(const blogdb_rt_column *col, const unsigned char *v, int len, bool isnull)
{
    size_t extra = 0;
    array_hdr h;
    /* Fixed-size scalars and enums live in the row struct: no room to compute (and decode_value
     * checks them before it writes). */
    if (isnull || (!(col->flags & BLOGDB_RT_ARRAY) && !blogdb__is_string_type(col->type) && col->type != BLOGDB_RT_BYTEA))
        return 0;
    if (col->flags & BLOGDB_RT_ARRAY)
        return array_check(col, v, len, &h, &extra, false) ? 0 : extra;
    return scalar_check(col->type, v, len, &extra, false) ? 0 : extra;
}

size_t blogdb__extra_size(const PGresult *res, int row, int field, const blogdb_rt_column *col)
{
    return blogdb__value_extra(col, (const unsigned char *)PQgetvalue(res, row, field),
                               PQgetlength(res, row, field), PQgetisnull(res, row, field));
}

/* Writes one value of scalar type t that scalar_check accepted into dst; strings go to *heap. */
static int decode_one(blogdb *db, const blogdb_rt_column *col, blogdb_rt_type t, const unsigned char *v, int len,
                      void *dst, char **heap)
{
    switch (t) {
    case BLOGDB_RT_UUID:
        memcpy(dst, v, 16);
        return 0;
    case BLOGDB_RT_NUMERIC:
    case BLOGDB_RT_INET: {
        char *s = *heap;
        if (t == BLOGDB_RT_NUMERIC) {
            numeric_hdr h;
            numeric_check(v, len, &h);
            numeric_to_text(v, &h, s);
        } else if (inet_to_text(v, len, s) != 0) {
            return blogdb__fail(db, BLOGDB_EDECODE, "%s: malformed inet value", col->name);
        }
        *heap += strlen(s) + 1;
        memcpy(dst, &s, sizeof s);
        return 0;
    }
    case BLOGDB_RT_TEXT:
    case BLOGDB_RT_JSON:
    case BLOGDB_RT_JSONB: {
        char *s = *heap;
        if (t == BLOGDB_RT_JSONB) { /* the version byte, checked */
            v++;
            len--;
        }
        memcpy(s, v, (size_t)len);
        s[len] = '\0';
        *heap += len + 1;
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
        int16_t x = (int16_t)(uint16_t)blogdb__get_be(v, 2);
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_INT4: {
        int32_t x = (int32_t)(uint32_t)blogdb__get_be(v, 4);
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_DATE: {
        int32_t x = (int32_t)(uint32_t)blogdb__get_be(v, 4);
        if (x != INT32_MAX && x != INT32_MIN) /* the infinities pass through; the rest is checked */
            x += PG_EPOCH_OFFSET_DAYS;
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_INT8:
    case BLOGDB_RT_TIME: {
        int64_t x = (int64_t)blogdb__get_be(v, 8);
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_TIMESTAMP:
    case BLOGDB_RT_TIMESTAMPTZ: {
        int64_t x = (int64_t)blogdb__get_be(v, 8);
        if (x == INT64_MAX)
            x = BLOGDB_TIMESTAMP_INFINITY;
        else if (x == INT64_MIN)
            x = BLOGDB_TIMESTAMP_NEG_INFINITY;
        else /* checked: no finite value reaches the infinities */
            x += PG_EPOCH_OFFSET_US;
        memcpy(dst, &x, sizeof x);
        return 0;
    }
    case BLOGDB_RT_FLOAT4: {
        uint32_t u = (uint32_t)blogdb__get_be(v, 4);
        float f;
        memcpy(&f, &u, sizeof f);
        memcpy(dst, &f, sizeof f);
        return 0;
    }
    case BLOGDB_RT_FLOAT8: {
        uint64_t u = blogdb__get_be(v, 8);
        double d;
        memcpy(&d, &u, sizeof d);
        memcpy(dst, &d, sizeof d);
        return 0;
    }
    case BLOGDB_RT_INTERVAL: {
        blogdb_interval iv = {(int64_t)blogdb__get_be(v, 8), (int32_t)(uint32_t)blogdb__get_be(v + 8, 4),
                              (int32_t)(uint32_t)blogdb__get_be(v + 12, 4)};
        memcpy(dst, &iv, sizeof iv);
        return 0;
    }
    }
    return blogdb__fail(db, BLOGDB_EDECODE, "%s: unknown column type", col->name);
}

/* Writes an array that array_check accepted. */
static int decode_array(blogdb *db, const blogdb_rt_column *col, const unsigned char *v, long count, void *dst,
                        char **heap)
{
    size_t esz = blogdb__elem_size(col->type);
    const unsigned char *p = v + 20;
    struct {
        char *items;
        size_t count;
    } a = {NULL, 0};
    if (count > 0) {
        uintptr_t at = ((uintptr_t)*heap + 15) & ~(uintptr_t)15;
        a.items = (char *)at;
        a.count = (size_t)count;
        *heap = a.items + (size_t)count * esz;
    }
    for (long k = 0; k < count; k++) {
        int32_t el = (int32_t)blogdb__get_be(p, 4);
        p += 4;
        if (el == -1) {
            const char *nul = NULL;
            memcpy(a.items + (size_t)k * esz, &nul, sizeof nul);
            continue;
        }
        if (decode_one(db, col, col->type, p, el, a.items + (size_t)k * esz, heap) != 0)
            return db->errcode;
        p += el;
    }
    memcpy(dst, &a, sizeof a);
    return 0;
}

int blogdb__decode_value(blogdb *db, const blogdb_rt_column *col, const unsigned char *v, int len, bool isnull,
                         char *base, char **heap)
{
    char *dst = base + col->offset;
    const char *why;
    size_t extra;
    array_hdr h;

    if (isnull) {
        /* A NOT NULL column never reaches the application as NULL, whatever the server says. */
        if (col->flags & BLOGDB_RT_NOT_NULL)
            return blogdb__fail(db, BLOGDB_EDECODE, "%s: the server sent NULL for a column declared NOT NULL",
                                col->name);
        if (col->has_offset != BLOGDB_RT_NO_HAS) {
            bool f = false;
            memcpy(base + col->has_offset, &f, sizeof f);
            return 0;
        }
        if (blogdb__is_string_type(col->type) && !(col->flags & BLOGDB_RT_ARRAY)) {
            const char *nul = NULL;
            memcpy(dst, &nul, sizeof nul);
            return 0;
        }
        return blogdb__fail(db, BLOGDB_EDECODE, "%s: the server sent NULL, which the generated type cannot hold",
                            col->name);
    }
    why = (col->flags & BLOGDB_RT_ARRAY) ? array_check(col, v, len, &h, &extra, true)
                                          : scalar_check(col->type, v, len, &extra, true);
    if (why)
        return blogdb__fail(db, BLOGDB_EDECODE, "%s: malformed value from the server (%d bytes): %s", col->name,
                            len, why);
    if (col->has_offset != BLOGDB_RT_NO_HAS) {
        bool t = true;
        memcpy(base + col->has_offset, &t, sizeof t);
    }
    if (col->flags & BLOGDB_RT_ARRAY)
        return decode_array(db, col, v, h.count, dst, heap);
    return decode_one(db, col, col->type, v, len, dst, heap);
}

int blogdb__decode(blogdb *db, const PGresult *res, int row, int field, const blogdb_rt_column *col, char *base,
                   char **heap)
{
    return blogdb__decode_value(db, col, (const unsigned char *)PQgetvalue(res, row, field),
                                PQgetlength(res, row, field), PQgetisnull(res, row, field), base, heap);
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
