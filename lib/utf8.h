/* blogdb: the one UTF-8 decoding step, shared by the runtime (lib/codec.c: parameters going out,
 * text coming in) and the generator (codegen/util.c: the SQL files it reads). Header-only, not
 * installed. PostgreSQL's rule: overlong forms, surrogates and code points past U+10FFFF are
 * invalid. */
#ifndef BLOGDB_UTF8_H
#define BLOGDB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1-4) of the valid UTF-8 sequence that starts at s, of which `avail` (> 0) bytes are
 * readable, or 0 when the bytes there are not valid UTF-8. NUL counts as a valid 1-byte sequence. */
static inline size_t blogdb__utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
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
        return 0;
    }
    if (avail <= n)
        return 0;
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n + 1;
}

#endif
