/* libblogdb: binary wire codecs, UTF-8 checks, and timestamps. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* PostgreSQL's epoch is 2000-01-01; ours is 1970-01-01. */
#define PG_EPOCH_OFFSET_US INT64_C(946684800000000)
#define PG_EPOCH_OFFSET_DAYS 10957

enum {
    OID_BOOL = 16, OID_BYTEA = 17, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
    OID_TEXT = 25, OID_JSON = 114, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_BPCHAR = 1042,
    OID_VARCHAR = 1043, OID_DATE = 1082, OID_TIMESTAMP = 1114, OID_TIMESTAMPTZ = 1184,
    OID_UUID = 2950, OID_JSONB = 3802, OID_FIRST_USER = 16384
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

static int encode_text(blogdb *db, size_t i, const blogdb_rt_column *col, const char *s, int format)
{
    size_t len = strlen(s);
    long chars = blogdb__utf8_chars(s, len);
    if (chars < 0)
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: value is not valid UTF-8", col->name);
    if (col->max_chars >= 0 && chars > col->max_chars)
        return blogdb__fail(db, BLOGDB_ETOOLONG, "%s: value has %ld characters, the limit is %d", col->name,
                            chars, (int)col->max_chars);
    if (len > 0x3FFFFFFF)
        return blogdb__fail(db, BLOGDB_ETOOLONG, "%s: value is over 1 GB", col->name);
    db->pvalues[i] = s;
    db->plengths[i] = (int)len;
    db->pformats[i] = format;
    return 0;
}

int blogdb__encode(blogdb *db, size_t i, const blogdb_rt_column *col, const void *value, const bool *has)
{
    unsigned char *b = db->pbytes[i];
    int64_t i64;
    int32_t i32;
    int16_t i16;
    int n = 0;
    uint64_t bits = 0;

    if (has && !*has) {
        db->pvalues[i] = NULL; /* SQL NULL */
        db->plengths[i] = 0;
        db->pformats[i] = 1;
        return 0;
    }
    switch (col->type) {
    case BLOGDB_RT_UUID:
        db->pvalues[i] = value;
        db->plengths[i] = 16;
        db->pformats[i] = 1;
        return 0;
    case BLOGDB_RT_TEXT:
    case BLOGDB_RT_JSON:
    case BLOGDB_RT_JSONB: {
        const char *s;
        memcpy(&s, value, sizeof s);
        if (!s) {
            if (col->flags & BLOGDB_RT_NOT_NULL)
                return blogdb__fail(db, BLOGDB_EINVAL, "%s: NULL string for a NOT NULL column", col->name);
            db->pvalues[i] = NULL;
            db->plengths[i] = 0;
            db->pformats[i] = 0;
            return 0;
        }
        /* text's binary form is its bytes; json and jsonb go as text and the server parses them. */
        return encode_text(db, i, col, s, col->type == BLOGDB_RT_TEXT ? 1 : 0);
    }
    case BLOGDB_RT_ENUM: {
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
    case BLOGDB_RT_BYTEA: {
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
    case BLOGDB_RT_BOOL: {
        bool v;
        memcpy(&v, value, sizeof v);
        bits = v ? 1 : 0;
        n = 1;
        break;
    }
    case BLOGDB_RT_INT2:
        memcpy(&i16, value, sizeof i16);
        bits = (uint64_t)(uint16_t)i16;
        n = 2;
        break;
    case BLOGDB_RT_INT4:
        memcpy(&i32, value, sizeof i32);
        bits = (uint64_t)(uint32_t)i32;
        n = 4;
        break;
    case BLOGDB_RT_DATE:
        memcpy(&i32, value, sizeof i32);
        if (i32 < INT32_MIN + PG_EPOCH_OFFSET_DAYS)
            return blogdb__fail(db, BLOGDB_EINVAL, "%s: date out of range", col->name);
        bits = (uint64_t)(uint32_t)(i32 - PG_EPOCH_OFFSET_DAYS);
        n = 4;
        break;
    case BLOGDB_RT_INT8:
        memcpy(&i64, value, sizeof i64);
        bits = (uint64_t)i64;
        n = 8;
        break;
    case BLOGDB_RT_TIMESTAMP:
    case BLOGDB_RT_TIMESTAMPTZ:
        memcpy(&i64, value, sizeof i64);
        if (i64 != INT64_MAX && i64 != INT64_MIN) { /* the infinities pass through */
            if (i64 < INT64_MIN + PG_EPOCH_OFFSET_US + 1)
                return blogdb__fail(db, BLOGDB_EINVAL, "%s: timestamp out of range", col->name);
            i64 -= PG_EPOCH_OFFSET_US;
        }
        bits = (uint64_t)i64;
        n = 8;
        break;
    case BLOGDB_RT_FLOAT4: {
        float f;
        uint32_t u;
        memcpy(&f, value, sizeof f);
        memcpy(&u, &f, sizeof u);
        bits = u;
        n = 4;
        break;
    }
    case BLOGDB_RT_FLOAT8: {
        double d;
        memcpy(&d, value, sizeof d);
        memcpy(&bits, &d, sizeof bits);
        n = 8;
        break;
    }
    default:
        return blogdb__fail(db, BLOGDB_EINVAL, "%s: unknown column type %d", col->name, (int)col->type);
    }
    put_be(b, bits, n);
    db->pvalues[i] = (const char *)b;
    db->plengths[i] = n;
    db->pformats[i] = 1;
    return 0;
}

/* ---- decoding: result value -> C value ---------------------------------------- */

static bool oid_matches(blogdb_rt_type t, Oid oid)
{
    switch (t) {
    case BLOGDB_RT_UUID: return oid == OID_UUID;
    case BLOGDB_RT_TEXT:
        return oid == OID_TEXT || oid == OID_VARCHAR || oid == OID_BPCHAR || oid == OID_NAME ||
               oid >= OID_FIRST_USER; /* citext and other text-like extension types */
    case BLOGDB_RT_BOOL: return oid == OID_BOOL;
    case BLOGDB_RT_INT2: return oid == OID_INT2;
    case BLOGDB_RT_INT4: return oid == OID_INT4;
    case BLOGDB_RT_INT8: return oid == OID_INT8;
    case BLOGDB_RT_FLOAT4: return oid == OID_FLOAT4;
    case BLOGDB_RT_FLOAT8: return oid == OID_FLOAT8;
    case BLOGDB_RT_TIMESTAMP: return oid == OID_TIMESTAMP;
    case BLOGDB_RT_TIMESTAMPTZ: return oid == OID_TIMESTAMPTZ;
    case BLOGDB_RT_DATE: return oid == OID_DATE;
    case BLOGDB_RT_BYTEA: return oid == OID_BYTEA;
    case BLOGDB_RT_JSON: return oid == OID_JSON;
    case BLOGDB_RT_JSONB: return oid == OID_JSONB;
    case BLOGDB_RT_ENUM: return oid >= OID_FIRST_USER;
    }
    return false;
}

int blogdb__check_column(blogdb *db, const PGresult *res, int field, const blogdb_rt_column *col)
{
    Oid oid = PQftype(res, field);
    if (!oid_matches(col->type, oid) || PQfformat(res, field) != 1)
        return blogdb__fail(db, BLOGDB_EDECODE,
                            "%s: the server sent type OID %u, which does not match the generated code "
                            "(is the database schema the one the library was generated from?)",
                            col->name, (unsigned)oid);
    return 0;
}

size_t blogdb__extra_size(const PGresult *res, int row, int field, const blogdb_rt_column *col)
{
    if (PQgetisnull(res, row, field))
        return 0;
    switch (col->type) {
    case BLOGDB_RT_TEXT:
    case BLOGDB_RT_JSON:
        return (size_t)PQgetlength(res, row, field) + 1;
    case BLOGDB_RT_JSONB: /* binary jsonb: a version byte, then the text */
        return (size_t)PQgetlength(res, row, field);
    case BLOGDB_RT_BYTEA:
        return (size_t)PQgetlength(res, row, field);
    default:
        return 0;
    }
}

static const int fixed_len[] = {
    [BLOGDB_RT_UUID] = 16, [BLOGDB_RT_BOOL] = 1, [BLOGDB_RT_INT2] = 2, [BLOGDB_RT_INT4] = 4,
    [BLOGDB_RT_INT8] = 8, [BLOGDB_RT_FLOAT4] = 4, [BLOGDB_RT_FLOAT8] = 8, [BLOGDB_RT_TIMESTAMP] = 8,
    [BLOGDB_RT_TIMESTAMPTZ] = 8, [BLOGDB_RT_DATE] = 4};

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
        if (col->type == BLOGDB_RT_TEXT || col->type == BLOGDB_RT_JSON || col->type == BLOGDB_RT_JSONB) {
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
    if ((size_t)col->type < sizeof fixed_len / sizeof fixed_len[0] && fixed_len[col->type] &&
        len != fixed_len[col->type])
        return blogdb__fail(db, BLOGDB_EDECODE, "%s: %d bytes where %d were expected", col->name, len,
                            fixed_len[col->type]);
    switch (col->type) {
    case BLOGDB_RT_UUID:
        memcpy(dst, v, 16);
        return 0;
    case BLOGDB_RT_TEXT:
    case BLOGDB_RT_JSON:
    case BLOGDB_RT_JSONB: {
        char *s = *heap;
        if (col->type == BLOGDB_RT_JSONB) {
            if (len < 1 || v[0] != 1)
                return blogdb__fail(db, BLOGDB_EDECODE, "%s: unknown jsonb format", col->name);
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
        memcpy(*heap, v, (size_t)len);
        *heap += len;
        memcpy(dst, &by, sizeof by);
        return 0;
    }
    case BLOGDB_RT_ENUM: {
        const blogdb_rt_enum *e = col->enum_type;
        for (int k = 0; k < e->count; k++) {
            if ((size_t)len == strlen(e->labels[k]) && memcmp(v, e->labels[k], (size_t)len) == 0) {
                memcpy(dst, &k, sizeof k);
                return 0;
            }
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
    case BLOGDB_RT_INT8: {
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
    }
    return blogdb__fail(db, BLOGDB_EDECODE, "%s: unknown column type", col->name);
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
