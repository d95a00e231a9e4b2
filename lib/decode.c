/* libblogdb: decoding, the server's bytes -> C values. */
#include "internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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

/* Length of each type's binary form (0: it varies), from types.def. */
static const int fixed_len[] = {
#define BLOGDB_TYPE(id, oid, ctype, carray, len, form) [BLOGDB_RT_##id] = (len) > 0 ? (len) : 0,
#include "types.def"
#undef BLOGDB_TYPE
};

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
