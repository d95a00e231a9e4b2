/* libFuzzer target: every binary decoder of the runtime, on bytes a hostile server could send.
 *
 * Input: byte 0 picks the wire type, byte 1 the column flags (array, NOT NULL, has_ flag, SQL
 * NULL), the rest is the value. The promise under test (lib/codec.c): blogdb__value_extra() says
 * how many bytes a value needs outside its row struct, and blogdb__decode_value() either refuses
 * the value with BLOGDB_EDECODE or writes exactly within that room. The room is allocated to the
 * byte, so ASan reports any overrun; the text a decoder hands out must be valid UTF-8 without NUL.
 */
#include "internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *const labels[] = {"draft", "published", ""};
static const blogdb_rt_enum mood = {"mood", labels, 3, "mood"};

/* A row struct big enough for any C field type, with room for a has_ flag after it. */
typedef struct row {
    _Alignas(16) unsigned char field[32];
    bool has;
} row;

static bool pointer_type(blogdb_rt_type t)
{
    return t == BLOGDB_RT_TEXT || t == BLOGDB_RT_JSON || t == BLOGDB_RT_JSONB || t == BLOGDB_RT_NUMERIC ||
           t == BLOGDB_RT_INET;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static blogdb *db;
    blogdb_rt_column col = {"c", "c", BLOGDB_RT_UUID, 0, BLOGDB_RT_NO_HAS, -1, NULL, 0, "x"};
    row r;
    char *heap, *at;
    size_t extra;
    const unsigned char *v;
    int len, rc;
    bool isnull;

    if (!db) {
        db = calloc(1, sizeof *db);
        db->errmsg = calloc(1, 256);
        db->errmsg_cap = 256;
    }
    if (size < 2)
        return 0;
    col.type = (blogdb_rt_type)(data[0] % BLOGDB_RT_TIME + 1);
    col.enum_type = col.type == BLOGDB_RT_ENUM ? &mood : NULL;
    if (data[1] & 1)
        col.flags |= BLOGDB_RT_ARRAY;
    if (data[1] & 2)
        col.flags |= BLOGDB_RT_NOT_NULL;
    if ((data[1] & 4) && !(col.flags & BLOGDB_RT_NOT_NULL))
        col.has_offset = offsetof(row, has);
    isnull = data[1] & 8;
    v = data + 2;
    len = (int)(size - 2);

    extra = blogdb__value_extra(&col, v, len, isnull);
    heap = malloc(extra ? extra : 1);
    at = heap;
    memset(&r, 0, sizeof r);
    rc = blogdb__decode_value(db, &col, v, len, isnull, (char *)&r, &at);
    assert(rc == 0 || rc == BLOGDB_EDECODE);
    assert(at >= heap && (size_t)(at - heap) <= extra);
    if (rc == 0 && !isnull && !(col.flags & BLOGDB_RT_ARRAY) && pointer_type(col.type)) {
        const char *s;
        memcpy(&s, r.field, sizeof s);
        assert(s && blogdb__utf8_text_ok(s, strlen(s)));
    }
    if (rc == 0 && isnull)
        assert(!(col.flags & BLOGDB_RT_NOT_NULL));
    if (rc == 0 && (col.flags & BLOGDB_RT_ARRAY) && !isnull && pointer_type(col.type)) {
        struct {
            const char **items;
            size_t count;
        } a;
        memcpy(&a, r.field, sizeof a);
        for (size_t k = 0; k < a.count; k++)
            assert(!a.items[k] || blogdb__utf8_text_ok(a.items[k], strlen(a.items[k])));
    }
    free(heap);
    return 0;
}
