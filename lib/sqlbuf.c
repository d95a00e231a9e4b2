/* libblogdb: the one SQL text builder. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void blogdb__sql_put(blogdb__sqlbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;
        while (b->len + n + 1 > cap)
            cap *= 2;
        p = realloc(b->data, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

void blogdb__sql_param(blogdb__sqlbuf *b, int n)
{
    char num[16];
    snprintf(num, sizeof num, "$%d", n);
    blogdb__sql_put(b, num);
}
