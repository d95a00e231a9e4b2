/* libblogdb: shaping a result into what generated code hands out (one block per result). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* The layout every generated "rows" struct shares. */
typedef struct generic_rows {
    void *items;
    size_t count;
} generic_rows;

static size_t align_up(size_t n, size_t a)
{
    return (n + a - 1) / a * a;
}

/* Decodes rows [0, n) of res into one allocation: an optional list header, the rows, then strings. */
static int decode_rows(blogdb *db, const blogdb_rt_relation *rel, const PGresult *res, bool list, void **out)
{
    int n = PQntuples(res), nf = PQnfields(res);
    size_t header = list ? align_up(sizeof(generic_rows), rel->row_align) : 0;
    size_t extra = 0, total;
    char *block, *heap;

    if (nf != rel->ncolumns)
        return blogdb__fail(db, BLOGDB_EDECODE, "%s: the server sent %d columns, the generated code expects %u",
                            rel->name, nf, (unsigned)rel->ncolumns);
    for (int f = 0; f < nf; f++) {
        int rc = blogdb__check_column(db, res, f, &rel->columns[f]);
        if (rc)
            return rc;
    }
    for (int r = 0; r < n; r++)
        for (int f = 0; f < nf; f++)
            extra += blogdb__extra_size(res, r, f, &rel->columns[f]);
    total = header + (size_t)n * rel->row_size + extra;
    block = calloc(1, total ? total : 1);
    if (!block)
        return blogdb__fail(db, BLOGDB_ENOMEM, "out of memory for %d rows of %s", n, rel->name);
    heap = block + header + (size_t)n * rel->row_size;
    for (int r = 0; r < n; r++) {
        char *base = block + header + (size_t)r * rel->row_size;
        for (int f = 0; f < nf; f++) {
            int rc = blogdb__decode(db, res, r, f, &rel->columns[f], base, &heap);
            if (rc) {
                free(block);
                return rc;
            }
        }
    }
    if (list) {
        generic_rows h = {n ? block + header : NULL, (size_t)n};
        memcpy(block, &h, sizeof h);
    }
    *out = block;
    return 0;
}

int blogdb__shape_result(blogdb *db, const PGresult *res, const blogdb_rt_relation *rel, blogdb_rt_result shape,
                         void *out)
{
    switch (shape) {
    case BLOGDB_RT_ONE:
        if (PQntuples(res) == 0)
            return blogdb__fail(db, BLOGDB_ENOTFOUND, "%s: no row with that key", rel->name);
        return out ? decode_rows(db, rel, res, false, out) : 0;
    case BLOGDB_RT_MANY:
        return decode_rows(db, rel, res, true, out);
    case BLOGDB_RT_COUNT:
        if (PQntuples(res) != 1 || PQnfields(res) != 1 || PQftype(res, 0) != 20 /* bigint */ ||
            PQfformat(res, 0) != 1 || PQgetisnull(res, 0, 0) || PQgetlength(res, 0, 0) != 8)
            return blogdb__fail(db, BLOGDB_EDECODE, "%s: count returned an unexpected result", rel->name);
        {
            int64_t v = (int64_t)blogdb__get_be((const unsigned char *)PQgetvalue(res, 0, 0), 8);
            memcpy(out, &v, sizeof v);
        }
        return 0;
    case BLOGDB_RT_AFFECT:
        if (strcmp(PQcmdTuples((PGresult *)res), "0") == 0)
            return blogdb__fail(db, BLOGDB_ENOTFOUND, "%s: no row with that key", rel->name);
        return 0;
    case BLOGDB_RT_EXEC:
        return 0;
    case BLOGDB_RT_ROWS: {
        /* PQcmdTuples: the count of an INSERT/UPDATE/DELETE/MERGE/SELECT..., "" for other commands */
        const char *t = PQcmdTuples((PGresult *)res);
        int64_t v = 0;
        for (; *t; t++) {
            if (*t < '0' || *t > '9' || v > (INT64_MAX - 9) / 10)
                return blogdb__fail(db, BLOGDB_EDECODE, "the server sent a malformed row count");
            v = v * 10 + (*t - '0');
        }
        memcpy(out, &v, sizeof v);
        return 0;
    }
    }
    return blogdb__fail(db, BLOGDB_EINVAL, "unknown result shape");
}
