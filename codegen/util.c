/* blogdb-gen utilities: allocation that aborts on exhaustion, strings, diagnostics. */
#include "gen.h"
#include "../lib/utf8.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void oom(void)
{
    fputs("blogdb-gen: error: out of memory\n", stderr);
    exit(2);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

char *xstrfmt(const char *fmt, ...)
{
    strbuf sb;
    va_list ap;
    sb_init(&sb);
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    return sb.data;
}

/* The capacity is never stored and never inferred from the count: every push asks realloc for
 * room for count + 1 elements, rounded up to a power of two (at least 4). When the block already
 * has that room glibc's realloc returns it as it is, so growth stays amortised, and a vector that
 * was allocated any other way (xcalloc of exactly n, a copy) is as safe to push to. */
void *vec_grow(void *arr, size_t count, size_t elsize)
{
    size_t cap = 4;
    while (cap < count + 1)
        cap *= 2;
    if (cap > SIZE_MAX / elsize)
        oom();
    arr = xrealloc(arr, elsize * cap);
    memset((char *)arr + count * elsize, 0, elsize);
    return arr;
}

void sb_init(strbuf *sb)
{
    sb->cap = 256;
    sb->len = 0;
    sb->data = xmalloc(sb->cap);
    sb->data[0] = '\0';
}

void sb_free(strbuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

static void sb_reserve(strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    while (sb->len + extra + 1 > sb->cap)
        sb->cap *= 2;
    sb->data = xrealloc(sb->data, sb->cap);
}

void sb_puts(strbuf *sb, const char *s)
{
    size_t n = strlen(s);
    sb_reserve(sb, n);
    memcpy(sb->data + sb->len, s, n + 1);
    sb->len += n;
}

void sb_putc(strbuf *sb, char c)
{
    sb_reserve(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = '\0';
}

void sb_vprintf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    va_copy(ap2, ap);
    n = vsnprintf(sb->data + sb->len, sb->cap - sb->len, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    if ((size_t)n >= sb->cap - sb->len) {
        sb_reserve(sb, (size_t)n);
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    }
    sb->len += (size_t)n;
}

void sb_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

/* Whether a plain word is a keyword that must be quoted as a name (any but an unreserved one),
 * as PostgreSQL's own scanner classifies it. */
static bool is_quoted_keyword(const char *s)
{
    PgQueryScanResult r = pg_query_scan(s);
    bool kw = false;
    if (!r.error) {
        PgQuery__ScanResult *sr = pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
        if (sr && sr->n_tokens == 1)
            kw = sr->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
                 sr->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD;
        if (sr)
            pg_query__scan_result__free_unpacked(sr, NULL);
    }
    pg_query_free_scan_result(r);
    return kw;
}

/* PostgreSQL's quote_identifier rule: quote unless [a-z_][a-z0-9_]* and not a keyword. */
static bool ident_needs_quotes(const char *s)
{
    if (!*s || !((*s >= 'a' && *s <= 'z') || *s == '_'))
        return true;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return true;
    return is_quoted_keyword(s);
}

void sb_put_ident(strbuf *sb, const char *s)
{
    if (!ident_needs_quotes(s)) {
        sb_puts(sb, s);
        return;
    }
    sb_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            sb_putc(sb, '"');
        sb_putc(sb, *s);
    }
    sb_putc(sb, '"');
}

/* Offset of the first byte that breaks UTF-8, or -1 when the text is valid. */
long utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0, n;
    for (; i < len; i += n)
        if (!(n = blogdb__utf8_seq(s + i, len - i)))
            return (long)i;
    return -1;
}

/* Whether the line at text[i] is a COPY ... FROM stdin; whose data lines follow (pg_dump with
 * data writes it on one line); *eol gets the end of the line. */
static bool copy_from_stdin_line(const char *text, size_t len, size_t i, size_t *eol)
{
    const char *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len, e = end;
    *eol = end;
    while (e > i && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
        e--;
    return e - i > 11 && strncasecmp(text + i, "copy ", 5) == 0 && strncasecmp(text + e - 6, "stdin;", 6) == 0 &&
           (text[e - 7] == ' ' || text[e - 7] == '\t');
}

/* Blanks psql meta-command lines (pg_dump writes \\restrict and \\connect), and the data lines of
 * COPY ... FROM stdin; up to its \\. line, with spaces, so that positions stay where they were. A
 * backslash line counts only outside quotes, dollar-quoted bodies and comments, and only as the
 * first non-blank character of a line. */
void blank_meta_commands(char *text, size_t len)
{
    size_t i = 0;
    bool line_start = true;
    while (i < len) {
        char ch = text[i];
        size_t eol;
        if (line_start && (ch == ' ' || ch == '\t')) {
            i++;
            continue;
        }
        if (line_start && (ch == 'c' || ch == 'C') && copy_from_stdin_line(text, len, i, &eol)) {
            /* the statement stays; the data after it, to the line that is only \\., is not SQL */
            for (i = eol; i < len;) {
                size_t start = ++i, e;
                const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
                e = nl ? (size_t)(nl - text) : len;
                bool last = e - start >= 2 && text[start] == '\\' && text[start + 1] == '.';
                for (size_t k = start; k < e; k++)
                    text[k] = ' ';
                i = e;
                if (last)
                    break;
            }
            continue;
        }
        if (line_start && ch == '\\') {
            while (i < len && text[i] != '\n')
                text[i++] = ' ';
            continue;
        }
        line_start = false;
        if (ch == '\n') {
            line_start = true;
            i++;
        } else if (ch == '-' && i + 1 < len && text[i + 1] == '-') {
            while (i < len && text[i] != '\n')
                i++;
        } else if (ch == '/' && i + 1 < len && text[i + 1] == '*') {
            int depth = 1;
            i += 2;
            while (i + 1 < len && depth > 0) {
                if (text[i] == '/' && text[i + 1] == '*')
                    depth++, i += 2;
                else if (text[i] == '*' && text[i + 1] == '/')
                    depth--, i += 2;
                else
                    i++;
            }
        } else if (ch == '\'' || ch == '"') {
            i++;
            while (i < len && text[i] != ch)
                i++;
            i++;
        } else if (ch == '$') {
            /* $tag$ ... $tag$ */
            size_t j = i + 1;
            while (j < len && (text[j] == '_' || (text[j] >= 'a' && text[j] <= 'z') || (text[j] >= 'A' && text[j] <= 'Z') ||
                               (text[j] >= '0' && text[j] <= '9')))
                j++;
            if (j < len && text[j] == '$' && !(j > i + 1 && text[i + 1] >= '0' && text[i + 1] <= '9')) {
                size_t taglen = j - i + 1;
                const char *end = NULL;
                for (size_t k = j + 1; k + taglen <= len; k++)
                    if (memcmp(text + k, text + i, taglen) == 0) {
                        end = text + k;
                        break;
                    }
                i = end ? (size_t)(end - text) + taglen : len;
            } else {
                i++;
            }
        } else {
            i++;
        }
    }
}

bool diag_quiet;

void src_seek(const source *src, int to, int *at, int *line, int *col)
{
    if (to < *at) {
        *at = 0;
        *line = *col = 1;
    }
    for (; *at < to && (size_t)*at < src->len; (*at)++) {
        unsigned char c = (unsigned char)src->text[*at];
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

char *diag_where(const source *src, int pos)
{
    int at = 0, line = 1, col = 1;
    src_seek(src, pos, &at, &line, &col);
    return xstrfmt("%s:%d:%d", src->path, line, col);
}

static void diag_vreport_as(const char *where, const char *kind, const char *fmt, va_list ap)
{
    if (diag_quiet)
        return;
    fprintf(stderr, "%s: %s: ", where, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static void diag_vreport(const char *where, const char *fmt, va_list ap)
{
    diag_vreport_as(where, "error", fmt, ap);
}

void diag_warning_where(const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport_as(where ? where : "blogdb-gen", "warning", fmt, ap);
    va_end(ap);
}

void diag_error_where(const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(where ? where : "blogdb-gen", fmt, ap);
    va_end(ap);
}

void diag_error(const source *src, int pos, const char *fmt, ...)
{
    va_list ap;
    char *where = src && pos >= 0 ? diag_where(src, pos) : xstrdup(src ? src->path : "blogdb-gen");
    va_start(ap, fmt);
    diag_vreport(where, fmt, ap);
    va_end(ap);
    free(where);
}

void sb_tpl(strbuf *sb, const char *tpl, ...)
{
    const char *names[16], *values[16];
    size_t n = 0;
    va_list ap;
    va_start(ap, tpl);
    for (const char *name; n < 16 && (name = va_arg(ap, const char *)) != NULL; n++) {
        names[n] = name;
        values[n] = va_arg(ap, const char *);
    }
    va_end(ap);
    while (*tpl) {
        const char *open = strstr(tpl, "$("), *close;
        size_t len;
        size_t k;
        if (!open) {
            sb_puts(sb, tpl);
            return;
        }
        for (; tpl < open; tpl++)
            sb_putc(sb, *tpl);
        close = strchr(open, ')');
        len = close ? (size_t)(close - open - 2) : 0;
        for (k = 0; k < n && !(strlen(names[k]) == len && strncmp(names[k], open + 2, len) == 0); k++)
            ;
        if (!close || k == n) {
            fprintf(stderr, "blogdb-gen: internal error: template variable %.*s has no value\n", (int)len, open + 2);
            abort();
        }
        sb_puts(sb, values[k]);
        tpl = close + 1;
    }
}
