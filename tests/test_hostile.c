/* A hostile server: generated bindings of every type against a fake server (tests/fakepg.c) that
 * sends what PostgreSQL never would. Every malformed value is BLOGDB_EDECODE naming its column,
 * nothing is handed out half-decoded, and the connection stays usable; the ASan run of this suite
 * proves no byte is read or written out of bounds. */
#include "fakepg.h"
#include "helpers.h"
#include "typesdb_schema.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OID_MOOD 16500u
#define OID_POST_STATUS 16501u

/* The columns of typesdb's `everything`, in order, with the OIDs PostgreSQL would send. */
static const fakepg_col everything_cols[] = {
    {"id", 20, 1},     {"i2", 21, 1},     {"i4", 23, 1},       {"i8", 20, 1},     {"f4", 700, 1},
    {"f8", 701, 1},    {"b", 16, 1},      {"n", 1700, 1},      {"t", 25, 1},      {"v", 1043, 1},
    {"c", 1042, 1},    {"u", 2950, 1},    {"d", 1082, 1},      {"ts", 1114, 1},   {"tz", 1184, 1},
    {"tm", 1083, 1},   {"iv", 1186, 1},   {"j", 114, 1},       {"jb", 3802, 1},   {"by", 17, 1},
    {"ip", 869, 1},    {"m", OID_MOOD, 1}, {"pos", 23, 1},     {"a_i4", 1007, 1}, {"a_i8", 1016, 1},
    {"a_t", 1009, 1},  {"a_u", 2951, 1},  {"a_m", OID_MOOD + 1, 1}, {"a_tz", 1185, 1}, {"a_b", 1000, 1},
    {"a_f8", 1022, 1}, {"a_n", 1231, 1},  {"a_by", 1001, 1},   {"a_iv", 1187, 1}, {"a_d", 1182, 1},
    {"doubled", 20, 1}};
enum { NCOLS = sizeof everything_cols / sizeof everything_cols[0] };

static fakepg srv;

static int col_index(const char *name)
{
    for (int i = 0; i < NCOLS; i++)
        if (strcmp(everything_cols[i].name, name) == 0)
            return i;
    cr_assert_fail("no column %s", name);
    return -1;
}

static fakepg_value *cell(const char *name)
{
    return &srv.rows[0][col_index(name)];
}

/* numeric: ndigits, weight, sign, dscale, then base-10000 digits. */
static void numeric_value(fakepg_value *v, int ndigits, int weight, unsigned sign, unsigned dscale,
                          const unsigned *digits)
{
    unsigned char b[8 + 2 * 120];
    int n = ndigits < 0 ? 0 : ndigits;
    b[0] = (unsigned char)((unsigned)ndigits >> 8);
    b[1] = (unsigned char)ndigits;
    b[2] = (unsigned char)((unsigned)weight >> 8);
    b[3] = (unsigned char)weight;
    b[4] = (unsigned char)(sign >> 8);
    b[5] = (unsigned char)sign;
    b[6] = (unsigned char)(dscale >> 8);
    b[7] = (unsigned char)dscale;
    for (int i = 0; i < n && i < 120; i++) {
        b[8 + 2 * i] = (unsigned char)(digits[i] >> 8);
        b[9 + 2 * i] = (unsigned char)digits[i];
    }
    fakepg_set(v, b, 8 + 2 * (n < 120 ? n : 120));
}

/* A one-dimensional binary array: header (ndim, flags, element OID, count, lower bound) + elements
 * (each a length and bytes). */
static void array_value(fakepg_value *v, int32_t ndim, int32_t flags, uint32_t elem, int32_t count,
                        const fakepg_value *elems, int nelems)
{
    unsigned char b[256];
    size_t len = 0;
    uint32_t hdr[5] = {(uint32_t)ndim, (uint32_t)flags, elem, (uint32_t)count, 1};
    for (int i = 0; i < (ndim ? 5 : 3); i++) {
        uint32_t x = hdr[i];
        for (int k = 3; k >= 0; k--, x >>= 8)
            b[len + (size_t)k] = (unsigned char)(x & 0xFF);
        len += 4;
    }
    for (int e = 0; e < nelems; e++) {
        uint32_t x = (uint32_t)elems[e].len;
        for (int k = 3; k >= 0; k--, x >>= 8)
            b[len + (size_t)k] = (unsigned char)(x & 0xFF);
        len += 4;
        if (elems[e].len > 0) {
            memcpy(b + len, elems[e].data, (size_t)elems[e].len);
            len += (size_t)elems[e].len;
        }
    }
    fakepg_set(v, b, (int32_t)len);
}

static void text_value(fakepg_value *v, const char *s)
{
    fakepg_set(v, s, (int32_t)strlen(s));
}

/* A row PostgreSQL could send: every column valid. */
static void good_row(void)
{
    static const unsigned digits[] = {12, 3456, 7800};
    fakepg_value e[2];
    memset(&srv, 0, sizeof srv);
    srv.ncols = NCOLS;
    memcpy(srv.cols, everything_cols, sizeof everything_cols);
    srv.nrows = 1;
    for (int c = 0; c < NCOLS; c++)
        fakepg_null(&srv.rows[0][c]);
    fakepg_be(cell("id"), 7, 8);
    fakepg_be(cell("i2"), (uint16_t)-3, 2);
    fakepg_be(cell("i4"), 100000, 4);
    fakepg_be(cell("i8"), 1ull << 40, 8);
    fakepg_be(cell("f4"), 0x3FC00000u, 4); /* 1.5f */
    fakepg_be(cell("f8"), 0x4004000000000000ull, 8); /* 2.5 */
    fakepg_be(cell("b"), 1, 1);
    numeric_value(cell("n"), 3, 1, 0, 4, digits); /* 123456.7800 */
    text_value(cell("t"), "h\xc3\xa9llo");
    text_value(cell("v"), "varchar");
    text_value(cell("c"), "abcd");
    fakepg_set(cell("u"), "0123456789abcdef", 16);
    fakepg_be(cell("d"), 366, 4);                         /* 2001-01-01 */
    fakepg_be(cell("ts"), 1000000, 8);                    /* 2000-01-01T00:00:01 */
    fakepg_be(cell("tz"), (uint64_t)INT64_MAX, 8);        /* infinity */
    fakepg_be(cell("tm"), 3600000000ull, 8);
    {
        unsigned char iv[16] = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
        fakepg_set(cell("iv"), iv, 16);
    }
    text_value(cell("j"), "{\"a\": 1}");
    fakepg_set(cell("jb"), "\x01[1, 2]", 7);
    fakepg_set(cell("by"), "\x00\xff", 2);
    fakepg_set(cell("ip"), "\x02\x18\x00\x04\xc0\xa8\x01\x00", 8); /* 192.168.1.0/24 */
    text_value(cell("m"), "happy");
    fakepg_be(cell("pos"), 5, 4);
    fakepg_be(&e[0], 11, 4);
    fakepg_be(&e[1], (uint32_t)-12, 4);
    array_value(cell("a_i4"), 1, 0, 23, 2, e, 2);
    text_value(&e[0], "x");
    fakepg_null(&e[1]);
    array_value(cell("a_t"), 1, 1, 25, 2, e, 2);
    text_value(&e[0], "sad");
    array_value(cell("a_m"), 1, 0, OID_MOOD, 1, e, 1);
    array_value(cell("a_d"), 0, 0, 1082, 0, NULL, 0);
    fakepg_be(cell("doubled"), 14, 8);
}

static typesdb_everything_rows *rows;

static void setup(void)
{
    good_row();
    fakepg_start(&srv);
    cr_assert_eq(blogdb_connect(&db, srv.conninfo), 0, "%s", blogdb_connect_error());
}

static void teardown(void)
{
    typesdb_everything_rows_free(rows);
    rows = NULL;
    blogdb_close(db);
    db = NULL;
    fakepg_stop(&srv);
}

TestSuite(hostile, .init = setup, .fini = teardown);

/* The fake server is faithful: a well-formed row decodes to the values it carries. */
Test(hostile, a_well_formed_row_decodes_exactly)
{
    const typesdb_everything_row *r;
    cr_assert_eq(typesdb_everything_list(db, &rows, 10, NULL), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(rows->count, 1);
    r = &rows->items[0];
    cr_assert_eq(r->id, 7);
    cr_assert(r->has_i2 && r->i2 == -3);
    cr_assert_eq(r->i4, 100000);
    cr_assert_eq(r->i8, 1ll << 40);
    cr_assert(r->f4 == 1.5f && r->f8 == 2.5);
    cr_assert_str_eq(r->n, "123456.7800");
    cr_assert_str_eq(r->t, "h\xc3\xa9llo");
    cr_assert_eq(r->d, 366 + 10957);
    cr_assert_eq(r->ts, 946684800000000LL + 1000000);
    cr_assert_eq(r->tz, BLOGDB_TIMESTAMP_INFINITY);
    cr_assert_str_eq(r->j, "{\"a\": 1}");
    cr_assert_str_eq(r->jb, "[1, 2]");
    cr_assert_eq(r->by.len, 2);
    cr_assert_str_eq(r->ip, "192.168.1.0/24");
    cr_assert_eq(r->m, TYPESDB_MOOD_HAPPY);
    cr_assert_eq(r->a_i4.count, 2);
    cr_assert_eq(r->a_i4.items[1], -12);
    cr_assert_eq(r->a_t.count, 2);
    cr_assert_str_eq(r->a_t.items[0], "x");
    cr_assert_null(r->a_t.items[1]);
    cr_assert_eq(r->a_m.items[0], TYPESDB_MOOD_SAD);
    cr_assert_eq(r->a_d.count, 0);
    cr_assert(!r->has_a_u);
}

/* Runs the list against the scripted row: EDECODE naming the column, no rows handed out, and the
 * connection still answers a good row afterwards. */
static void expect_decode_error(const char *column, const char *what)
{
    char want[64];
    cr_assert_eq(typesdb_everything_list(db, &rows, 10, NULL), BLOGDB_EDECODE, "%s: %s (got: %s)", column, what,
                 blogdb_errmsg(db));
    cr_assert_null(rows, "%s: rows handed out after a decode error", what);
    snprintf(want, sizeof want, "%s:", column);
    cr_assert(strstr(blogdb_errmsg(db), want) != NULL, "%s: message does not name %s: %s", what, column,
              blogdb_errmsg(db));
}

Test(hostile, numeric_with_bad_digits_counts_sign_or_scale_is_refused)
{
    unsigned big[120];
    static const unsigned ok[] = {1, 2, 3};
    const struct {
        int ndigits, weight;
        unsigned sign, dscale;
        const unsigned *digits;
        int send; /* digits actually sent, when it differs from ndigits */
        const char *what;
    } cases[] = {
        {120, 119, 0, 0, big, 120, "120 digits of 65535 (once a heap overflow)"},
        {3, 2, 0, 4, big, 3, "digits over 9999"},
        {3, 30000, 0, 0, big, 3, "digits over 9999 with a huge weight"},
        {3, 0, 0, 0, ok, 2, "ndigits larger than the value"},
        {1, 0, 0, 0, ok, 3, "ndigits smaller than the value"},
        {-1, 0, 0, 0, ok, 0, "negative ndigits"},
        {1, 0, 0x1234, 0, ok, 1, "unknown sign"},
        {1, 0, 0, 0x4000, ok, 1, "scale over 0x3FFF"},
        {2, 0, 0xC000, 0, ok, 2, "NaN carrying digits"},
    };
    for (int i = 0; i < 120; i++)
        big[i] = 65535;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        numeric_value(cell("n"), cases[i].send, cases[i].weight, cases[i].sign, cases[i].dscale, cases[i].digits);
        /* write the claimed ndigits over the header */
        cell("n")->data[0] = (unsigned char)((unsigned)cases[i].ndigits >> 8);
        cell("n")->data[1] = (unsigned char)cases[i].ndigits;
        expect_decode_error("n", cases[i].what);
    }
    {
        fakepg_value e;
        numeric_value(&e, 3, 2, 0, 4, big);
        array_value(cell("a_n"), 1, 0, 1700, 1, &e, 1);
        cell("n")->len = -1;
        expect_decode_error("a_n", "a numeric array element with digits over 9999");
    }
}

Test(hostile, array_headers_are_bounded_by_the_bytes_present)
{
    fakepg_value e[2];
    fakepg_be(&e[0], 1, 4);
    fakepg_be(&e[1], 2, 4);
    array_value(cell("a_i4"), 1, 0, 23, INT32_MAX, NULL, 0); /* 2^31 - 1 elements in 20 bytes */
    expect_decode_error("a_i4", "a count of 2^31-1 with no elements");
    array_value(cell("a_i4"), 1, 0, 23, -5, e, 2);
    expect_decode_error("a_i4", "a negative count");
    array_value(cell("a_i4"), 1, 0, 23, 3, e, 2);
    expect_decode_error("a_i4", "a count beyond the elements present");
    array_value(cell("a_i4"), 1, 0, 23, 1, e, 2);
    expect_decode_error("a_i4", "trailing bytes after the elements");
    array_value(cell("a_i4"), 2, 0, 23, 2, e, 2);
    expect_decode_error("a_i4", "two dimensions");
    array_value(cell("a_i4"), -1, 0, 23, 2, e, 2);
    expect_decode_error("a_i4", "negative dimensions");
    array_value(cell("a_i4"), 1, 7, 23, 2, e, 2);
    expect_decode_error("a_i4", "bad flags");
    array_value(cell("a_i4"), 1, 0, 25, 2, e, 2);
    expect_decode_error("a_i4", "text elements in an integer array");
    fakepg_null(&e[1]);
    array_value(cell("a_i4"), 1, 1, 23, 2, e, 2);
    expect_decode_error("a_i4", "a NULL element in an int32 array");
    e[1].len = 4;
    e[1].raw_len = 400; /* an element claiming more bytes than the array holds */
    {
        unsigned char b[64];
        size_t n = 0;
        uint32_t hdr[] = {1, 0, 23, 2, 1, 4, 1, 400};
        for (size_t i = 0; i < sizeof hdr / sizeof hdr[0]; i++, n += 4) {
            b[n] = (unsigned char)(hdr[i] >> 24);
            b[n + 1] = (unsigned char)(hdr[i] >> 16);
            b[n + 2] = (unsigned char)(hdr[i] >> 8);
            b[n + 3] = (unsigned char)hdr[i];
        }
        fakepg_set(cell("a_i4"), b, (int32_t)n);
        expect_decode_error("a_i4", "an element length beyond the array");
    }
    fakepg_set(cell("a_i4"), "\0\0\0\1\0\0", 6);
    expect_decode_error("a_i4", "a truncated header");
}

Test(hostile, text_must_be_utf8_without_nul)
{
    fakepg_value e;
    text_value(cell("t"), "caf\xc3");
    expect_decode_error("t", "a truncated UTF-8 sequence");
    text_value(cell("t"), "\xed\xa0\x80 surrogate");
    expect_decode_error("t", "an encoded surrogate");
    text_value(cell("t"), "\xc0\xaf overlong");
    expect_decode_error("t", "an overlong form");
    fakepg_set(cell("t"), "abc\0def", 7);
    expect_decode_error("t", "an embedded NUL (once silently truncated)");
    text_value(cell("t"), "fine");
    fakepg_set(cell("v"), "12345678\0", 9);
    expect_decode_error("v", "a NUL at the end of a varchar");
    text_value(cell("v"), "fine");
    text_value(cell("j"), "{\"a\": \"\xff\"}");
    expect_decode_error("j", "invalid UTF-8 in json");
    text_value(cell("j"), "{}");
    fakepg_set(cell("jb"), "\x01\"\xfe\"", 4);
    expect_decode_error("jb", "invalid UTF-8 in jsonb");
    fakepg_set(cell("jb"), "\x02[]", 3);
    expect_decode_error("jb", "an unknown jsonb version");
    fakepg_set(cell("jb"), "", 0);
    expect_decode_error("jb", "an empty jsonb");
    fakepg_set(cell("jb"), "\x01{}", 3);
    fakepg_set(&e, "ok\x80", 3);
    array_value(cell("a_t"), 1, 0, 25, 1, &e, 1);
    expect_decode_error("a_t", "invalid UTF-8 in a text[] element");
}

Test(hostile, every_fixed_size_type_checks_its_length)
{
    static const struct {
        const char *col;
        int len;
    } cases[] = {{"i2", 4}, {"i4", 2}, {"i8", 4}, {"f4", 8}, {"f8", 4}, {"b", 0}, {"b", 2}, {"u", 15},
                 {"d", 8}, {"ts", 4}, {"tz", 9}, {"tm", 7}, {"iv", 8}, {"pos", 8}, {"id", 0}, {"doubled", 16}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char zero[32] = {0};
        char what[48];
        good_row();
        fakepg_set(cell(cases[i].col), zero, cases[i].len);
        snprintf(what, sizeof what, "%d bytes", cases[i].len);
        expect_decode_error(cases[i].col, what);
    }
    good_row();
    fakepg_set(cell("ip"), "\x02\x21\x00\x04\xc0\xa8\x01\x00", 8);
    expect_decode_error("ip", "an IPv4 prefix of 33 bits");
    fakepg_set(cell("ip"), "\x07\x20\x00\x04\xc0\xa8\x01\x00", 8);
    expect_decode_error("ip", "an unknown address family");
}

Test(hostile, dates_times_and_timestamps_out_of_range_are_refused)
{
    /* 294270-01-01 is a valid PostgreSQL timestamp that a blogdb_timestamp cannot hold: once read
     * as infinity, now refused. */
    fakepg_be(cell("ts"), 9223150406400000000ull, 8); /* 294270-01-01, PostgreSQL's epoch */
    expect_decode_error("ts", "a year-294270 timestamp");
    fakepg_be(cell("ts"), (uint64_t)(INT64_MAX - 1), 8);
    expect_decode_error("ts", "a timestamp past PostgreSQL's range");
    good_row();
    fakepg_be(cell("tz"), (uint64_t)INT64_MIN, 8);
    cr_assert_eq(typesdb_everything_list(db, &rows, 10, NULL), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(rows->items[0].tz, BLOGDB_TIMESTAMP_NEG_INFINITY);
    typesdb_everything_rows_free(rows);
    rows = NULL;
    fakepg_be(cell("d"), (uint32_t)(INT32_MAX - 5), 4);
    expect_decode_error("d", "a date past PostgreSQL's range");
    good_row();
    fakepg_be(cell("tm"), 86400000001ull, 8);
    expect_decode_error("tm", "a time of day past 24:00");
}

Test(hostile, unknown_and_empty_enum_labels_are_refused)
{
    fakepg_value e;
    text_value(cell("m"), "angry");
    expect_decode_error("m", "an unknown label");
    fakepg_set(cell("m"), "", 0);
    expect_decode_error("m", "an empty label");
    fakepg_set(&e, "", 0);
    array_value(cell("a_m"), 1, 0, OID_MOOD, 1, &e, 1);
    good_row();
    fakepg_set(&e, "", 0);
    array_value(cell("a_m"), 1, 0, OID_MOOD, 1, &e, 1);
    expect_decode_error("a_m", "an empty label in an enum array");
}

Test(hostile, null_in_a_not_null_column_is_refused)
{
    fakepg_null(cell("id"));
    expect_decode_error("id", "NULL in a NOT NULL bigint");
    good_row();
    fakepg_null(cell("pos"));
    expect_decode_error("pos", "NULL in a NOT NULL domain");
}

Test(hostile, wrong_types_formats_and_column_counts_are_refused)
{
    srv.cols[col_index("t")].oid = 23;
    expect_decode_error("t", "an integer OID for a text column");
    srv.cols[col_index("t")].oid = 25;
    srv.cols[col_index("i4")].format = 0;
    fakepg_set(cell("i4"), "1234", 4);
    expect_decode_error("i4", "text format where binary was asked");
    srv.cols[col_index("i4")].format = 1;
    fakepg_be(cell("i4"), 1, 4);
    /* one column fewer in the description */
    srv.ncols = NCOLS - 1;
    cr_assert_eq(typesdb_everything_list(db, &rows, 10, NULL), BLOGDB_EDECODE);
    cr_assert(strstr(blogdb_errmsg(db), "columns") != NULL, "%s", blogdb_errmsg(db));
    cr_assert_null(rows);
    srv.ncols = NCOLS;
    cr_assert_eq(typesdb_everything_list(db, &rows, 10, NULL), 0, "the connection survives: %s", blogdb_errmsg(db));
}

/* Lengths that lie about the message itself are libpq's to catch: a clear error, never a crash. */
Test(hostile, lengths_beyond_the_message_or_negative_are_errors)
{
    int rc;
    cell("t")->raw_len = 100000; /* more bytes than the DataRow carries */
    rc = typesdb_everything_list(db, &rows, 10, NULL);
    cr_assert(rc == BLOGDB_ECONNECTION || rc == BLOGDB_EDECODE, "rc %d: %s", rc, blogdb_errmsg(db));
    cr_assert_null(rows);
    cr_assert_neq(blogdb_errmsg(db)[0], '\0');
}

/* libpq reads any negative length as NULL: the row stays aligned, and a NOT NULL column still
 * refuses it. */
Test(hostile, negative_value_length_is_read_as_null)
{
    cell("t")->len = 0;
    cell("t")->raw_len = -7;
    cr_assert_eq(typesdb_everything_list(db, &rows, 10, NULL), 0, "%s", blogdb_errmsg(db));
    cr_assert_null(rows->items[0].t);
    cr_assert_str_eq(rows->items[0].v, "varchar", "the columns after it are read in place");
    typesdb_everything_rows_free(rows);
    rows = NULL;
    cell("id")->len = 0;
    cell("id")->raw_len = -2;
    expect_decode_error("id", "a negative length in a NOT NULL column");
}

Test(hostile, more_values_in_a_row_than_described_is_an_error)
{
    int rc;
    srv.ncols_sent = NCOLS + 1;
    rc = typesdb_everything_list(db, &rows, 10, NULL);
    cr_assert(rc == BLOGDB_ECONNECTION || rc == BLOGDB_EDECODE, "rc %d: %s", rc, blogdb_errmsg(db));
    cr_assert_null(rows);
}

/* The blog's own bindings: posts.title is NOT NULL; a NULL from the server once reached the
 * application as a NULL pointer. Streaming refuses it too. */
static int count_row(const blogdb_posts_row *row, void *ctx)
{
    (void)row;
    ++*(int *)ctx;
    return 0;
}

Test(hostile, null_title_of_a_post_is_refused_by_get_list_and_each)
{
    static const fakepg_col posts[] = {{"id", 2950, 1},         {"user_id", 2950, 1},    {"title", 1043, 1},
                                       {"content", 25, 1},      {"status", OID_POST_STATUS, 1},
                                       {"created_at", 1114, 1}, {"updated_at", 1114, 1}};
    blogdb_posts_row *p = NULL;
    blogdb_posts_rows *ps = NULL;
    uuid_t id = {0};
    int n = 0;
    srv.ncols = 7;
    memcpy(srv.cols, posts, sizeof posts);
    fakepg_set(&srv.rows[0][0], "0123456789abcdef", 16);
    fakepg_set(&srv.rows[0][1], "0123456789abcdef", 16);
    fakepg_null(&srv.rows[0][2]);
    text_value(&srv.rows[0][3], "body");
    text_value(&srv.rows[0][4], "published");
    fakepg_be(&srv.rows[0][5], 0, 8);
    fakepg_be(&srv.rows[0][6], 0, 8);
    cr_assert_eq(blogdb_posts_get_by_id(db, &p, id), BLOGDB_EDECODE, "%s", blogdb_errmsg(db));
    cr_assert_null(p);
    cr_assert(strstr(blogdb_errmsg(db), "title:") != NULL, "%s", blogdb_errmsg(db));
    cr_assert_eq(blogdb_posts_list(db, &ps, 10, NULL), BLOGDB_EDECODE);
    cr_assert_null(ps);
    cr_assert_eq(blogdb_posts_each(db, count_row, &n), BLOGDB_EDECODE, "%s", blogdb_errmsg(db));
    cr_assert_eq(n, 0);
    text_value(&srv.rows[0][2], "a title");
    cr_assert_eq(blogdb_posts_get_by_id(db, &p, id), 0, "%s", blogdb_errmsg(db));
    cr_assert_str_eq(p->title, "a title");
    blogdb_posts_row_free(p);
}

/* count(*) comes back as one bigint: anything else (NULL, a wrong length, text format, a second
 * column) is refused, and *out keeps its value. */
Test(hostile, a_malformed_count_is_refused)
{
    int64_t n = 42;
    srv.ncols = 1;
    srv.cols[0] = (fakepg_col){"count", 20, 1};
    fakepg_be(&srv.rows[0][0], 7, 8);
    cr_assert_eq(typesdb_everything_count(db, &n), 0, "%s", blogdb_errmsg(db));
    cr_assert_eq(n, 7);
    n = 42;
    fakepg_null(&srv.rows[0][0]);
    cr_assert_eq(typesdb_everything_count(db, &n), BLOGDB_EDECODE);
    fakepg_be(&srv.rows[0][0], 7, 4);
    cr_assert_eq(typesdb_everything_count(db, &n), BLOGDB_EDECODE);
    fakepg_set(&srv.rows[0][0], "00000007", 8);
    srv.cols[0].format = 0;
    cr_assert_eq(typesdb_everything_count(db, &n), BLOGDB_EDECODE);
    srv.cols[0] = (fakepg_col){"count", 23, 1};
    cr_assert_eq(typesdb_everything_count(db, &n), BLOGDB_EDECODE);
    cr_assert_eq(n, 42, "*out untouched on failure");
}
