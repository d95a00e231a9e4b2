/* libblogdb: the type table, UTF-8 checks, parameter encoding (C values -> the wire), enums. */
#include "internal.h"
#include "utf8.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif


enum {
    /* the OIDs of the types themselves are in types.def; these are text's other spellings */
    OID_NAME = 19, OID_TEXT = 25, OID_BPCHAR = 1042, OID_VARCHAR = 1043, OID_FIRST_USER = 16384
};

/* ---- big-endian helpers ----------------------------------------------------- */

void blogdb__put_be(unsigned char *dst, uint64_t v, int n)
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
 * Parameters going out and text coming in; the decoding step is lib/utf8.h, shared with the generator. */
static long utf8_scan(const char *str, size_t len, bool nul_ok)
{
    const unsigned char *s = (const unsigned char *)str;
    long chars = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        /* ASCII fast path: sixteen bytes at a time while none has its high bit set or is zero. */
        if (c < 0x80 && len - i >= 16 && ascii16(s + i)) {
            i += 16;
            chars += 16;
            continue;
        }
        chars++;
        if (c == 0 && !nul_ok)
            return -1;
        if (!(n = blogdb__utf8_seq(s + i, len - i)))
            return -1;
        i += n;
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
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) [BLOGDB_RT_##id] = oid,
#include "types.def"
#undef BLOGDB_TYPE
};

/* types.def and blogdb_rt_type (public, documented one by one) list the types in one order. */
enum types_def_order {
    TYPES_DEF_NONE_,
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) TYPES_DEF_##id,
#include "types.def"
#undef BLOGDB_TYPE
};
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) \
    _Static_assert((int)BLOGDB_RT_##id == (int)TYPES_DEF_##id, "types.def: " #id " out of blogdb_rt_type's order");
#include "types.def"
#undef BLOGDB_TYPE

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
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) \
    case BLOGDB_RT_##id:                              \
        return sizeof(ctype);
#include "types.def"
#undef BLOGDB_TYPE
    }
    return sizeof(const char *);
}

bool blogdb__is_string_type(blogdb_rt_type t)
{
    enum { FIXED, STRING, BYTES, LABEL };
    static const unsigned char forms[] = {
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) [BLOGDB_RT_##id] = form,
#include "types.def"
#undef BLOGDB_TYPE
    };
    return (size_t)t < sizeof forms && forms[t] == STRING;
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
        blogdb__put_be(out, (uint16_t)i16, 2);
        return 2;
    case BLOGDB_RT_INT4:
        memcpy(&i32, value, sizeof i32);
        blogdb__put_be(out, (uint32_t)i32, 4);
        return 4;
    case BLOGDB_RT_DATE:
        memcpy(&i32, value, sizeof i32);
        if (i32 != INT32_MAX && i32 != INT32_MIN) { /* the infinities pass through */
            if (i32 < INT32_MIN + PG_EPOCH_OFFSET_DAYS + 1)
                return -1;
            i32 -= PG_EPOCH_OFFSET_DAYS;
        }
        blogdb__put_be(out, (uint32_t)i32, 4);
        return 4;
    case BLOGDB_RT_INT8:
    case BLOGDB_RT_TIME:
        memcpy(&i64, value, sizeof i64);
        if (t == BLOGDB_RT_TIME && (i64 < 0 || i64 > INT64_C(86400000000)))
            return -1;
        blogdb__put_be(out, (uint64_t)i64, 8);
        return 8;
    case BLOGDB_RT_TIMESTAMP:
    case BLOGDB_RT_TIMESTAMPTZ:
        memcpy(&i64, value, sizeof i64);
        if (i64 != INT64_MAX && i64 != INT64_MIN) {
            if (i64 < INT64_MIN + PG_EPOCH_OFFSET_US + 1)
                return -1;
            i64 -= PG_EPOCH_OFFSET_US;
        }
        blogdb__put_be(out, (uint64_t)i64, 8);
        return 8;
    case BLOGDB_RT_FLOAT4: {
        float f;
        uint32_t u;
        memcpy(&f, value, sizeof f);
        memcpy(&u, &f, sizeof u);
        blogdb__put_be(out, u, 4);
        return 4;
    }
    case BLOGDB_RT_FLOAT8: {
        uint64_t u;
        memcpy(&u, value, sizeof u);
        blogdb__put_be(out, u, 8);
        return 8;
    }
    case BLOGDB_RT_INTERVAL: {
        blogdb_interval iv;
        memcpy(&iv, value, sizeof iv);
        blogdb__put_be(out, (uint64_t)iv.usec, 8);
        blogdb__put_be(out + 8, (uint32_t)iv.days, 4);
        blogdb__put_be(out + 12, (uint32_t)iv.months, 4);
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
    blogdb__put_be(buf, count ? 1 : 0, 4); /* ndim: an empty array has none */
    blogdb__put_be(buf + 4, 0, 4);         /* no NULL elements */
    blogdb__put_be(buf + 8, blogdb__array_elem_oid(col->type), 4);
    len = 12;
    if (count) {
        blogdb__put_be(buf + 12, count, 4);
        blogdb__put_be(buf + 16, 1, 4); /* lower bound */
        len = 20;
    }
    for (size_t k = 0; k < count; k++) {
        int n;
        if (col->type == BLOGDB_RT_BYTEA) {
            blogdb_bytes by;
            memcpy(&by, items + k * esz, sizeof by);
            blogdb__put_be(buf + len, by.len, 4);
            if (by.len)
                memcpy(buf + len + 4, by.data, by.len);
            len += 4 + by.len;
            continue;
        }
        n = encode_fixed(col->type, items + k * esz, buf + len + 4);
        if (n < 0)
            return blogdb__fail(db, BLOGDB_EINVAL, "%s[%zu]: value out of range", col->name, k);
        blogdb__put_be(buf + len, (uint32_t)n, 4);
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

void blogdb__params_release(blogdb *db)
{
    for (size_t i = 0; i < db->nowned; i++)
        free(db->owned[i]);
    db->nowned = 0;
}

int blogdb__params_reserve(blogdb *db, size_t n)
{
    blogdb__params_release(db);
    if (n <= db->pcap)
        return 0;
    {
        size_t cap = n < 16 ? 16 : n;
        const char **v = realloc(db->pvalues, cap * sizeof *v);
        int *l, *f;
        unsigned char(*b)[16];
        if (v)
            db->pvalues = v;
        l = v ? realloc(db->plengths, cap * sizeof *l) : NULL;
        if (l)
            db->plengths = l;
        f = l ? realloc(db->pformats, cap * sizeof *f) : NULL;
        if (f)
            db->pformats = f;
        b = f ? realloc(db->pbytes, cap * sizeof *b) : NULL;
        if (!b)
            return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory");
        db->pbytes = b;
        db->pcap = cap;
    }
    return 0;
}

/* Encodes the row's columns in `cols` (NULL: all of them, in column order) into slots from *slot on. */
int blogdb__encode_row(blogdb *db, const blogdb_rt_relation *rel, const void *row, const blogdb__cols *cols, int *slot)
{
    const char *base = row;
    for (uint16_t i = 0; i < rel->ncolumns; i++) {
        const blogdb_rt_column *col = &rel->columns[i];
        bool has = true;
        int rc;
        if (cols && !blogdb__cols_has(cols, i))
            continue;
        if (col->has_offset != BLOGDB_RT_NO_HAS)
            memcpy(&has, base + col->has_offset, sizeof has);
        if (!has && (col->flags & BLOGDB_RT_NOT_NULL))
            return blogdb__fail(db, BLOGDB_EINVAL, "%s: NULL (has_%s false) for a NOT NULL column", col->name,
                                col->name);
        if ((rc = blogdb__encode(db, (size_t)*slot, col, base + col->offset, &has)) != 0)
            return rc;
        (*slot)++;
    }
    return 0;
}
