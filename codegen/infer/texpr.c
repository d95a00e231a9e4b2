/* blogdb-gen, query typing: typed values (texpr) and the numeric type ladder, which every other
 * file of infer/ builds on; this file calls none of them. */
#include "infer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- types of expressions ------------------------------------------------------ */

texpr tx_builtin(const char *fmt, bool not_null)
{
    texpr e;
    memset(&e, 0, sizeof e);
    e.t = builtin_type(fmt);
    e.not_null = not_null;
    return e;
}

void tx_free(texpr *e)
{
    free(e->t.sql);
    e->t.sql = NULL;
}

/* Rank on the numeric ladder (0: not numeric). */
int numeric_rank(const gen_type *t)
{
    if (t->is_array)
        return 0;
    switch (t->ct) {
    case CT_INT2: return 1;
    case CT_INT4: return 2;
    case CT_INT8: return 3;
    case CT_NUMERIC: return 4;
    case CT_FLOAT4: return 5;
    case CT_FLOAT8: return 6;
    default: return 0;
    }
}

const char *numeric_name(int rank)
{
    static const char *const names[] = {"", "smallint", "integer", "bigint", "numeric", "real", "double precision"};
    return names[rank];
}

void to_element(gen_type *t)
{
    size_t len = strlen(t->sql);
    if (len > 2 && strcmp(t->sql + len - 2, "[]") == 0)
        t->sql[len - 2] = '\0';
    t->is_array = false;
}

/* A function's result carries no type modifier: numeric(8,2) -> numeric, varchar(20) -> varchar. */
void strip_typmod(gen_type *t)
{
    char *paren = strchr(t->sql, '(');
    if (t->enum_def || t->domain_def || !paren)
        return;
    {
        char *close = strchr(paren, ')');
        char *out = xstrfmt("%.*s%s", (int)(paren - t->sql), t->sql, close ? close + 1 : "");
        if (strcmp(out, "character") == 0 || strncmp(out, "character[", 10) == 0) {
            char *b = xstrfmt("bpchar%s", out + 9);
            free(out);
            out = b;
        }
        free(t->sql);
        t->sql = out;
        t->max_chars = -1;
    }
}
