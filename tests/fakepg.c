/* The hostile fake server (see fakepg.h). */
#include "fakepg.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct wbuf {
    unsigned char data[1 << 16];
    size_t len;
} wbuf;

static void put(wbuf *w, const void *p, size_t n)
{
    if (w->len + n <= sizeof w->data) {
        memcpy(w->data + w->len, p, n);
        w->len += n;
    }
}

static void put32(wbuf *w, uint32_t v)
{
    v = htonl(v);
    put(w, &v, 4);
}

static void put16(wbuf *w, uint16_t v)
{
    v = htons(v);
    put(w, &v, 2);
}

/* Starts a message: type byte and a length placeholder; msg_end fills the length. */
static size_t msg_begin(wbuf *w, char type)
{
    size_t at;
    put(w, &type, 1);
    at = w->len;
    put32(w, 0);
    return at;
}

static void msg_end(wbuf *w, size_t at)
{
    uint32_t n = htonl((uint32_t)(w->len - at));
    memcpy(w->data + at, &n, 4);
}

static void msg_str(wbuf *w, char type, const char *s)
{
    size_t at = msg_begin(w, type);
    put(w, s, strlen(s) + 1);
    msg_end(w, at);
}

static void param_status(wbuf *w, const char *k, const char *v)
{
    size_t at = msg_begin(w, 'S');
    put(w, k, strlen(k) + 1);
    put(w, v, strlen(v) + 1);
    msg_end(w, at);
}

static void ready(wbuf *w)
{
    put(w, "Z\0\0\0\5I", 6);
}

static int flush_to(int fd, wbuf *w)
{
    size_t off = 0;
    while (off < w->len) {
        ssize_t n = write(fd, w->data + off, w->len - off);
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    w->len = 0;
    return 0;
}

static int read_full(int fd, void *p, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t r = read(fd, (char *)p + off, n - off);
        if (r <= 0)
            return -1;
        off += (size_t)r;
    }
    return 0;
}

static void row_description(const fakepg *f, wbuf *w)
{
    size_t at = msg_begin(w, 'T');
    put16(w, (uint16_t)f->ncols);
    for (int c = 0; c < f->ncols; c++) {
        put(w, f->cols[c].name, strlen(f->cols[c].name) + 1);
        put32(w, 0);       /* table OID */
        put16(w, 0);       /* attnum */
        put32(w, f->cols[c].oid);
        put16(w, (uint16_t)-1); /* typlen: the client does not use it */
        put32(w, (uint32_t)-1); /* typmod */
        put16(w, (uint16_t)f->cols[c].format);
    }
    msg_end(w, at);
}

static void data_rows(const fakepg *f, wbuf *w)
{
    int n = f->ncols_sent ? f->ncols_sent : f->ncols;
    char tag[32];
    for (int r = 0; r < f->nrows; r++) {
        size_t at = msg_begin(w, 'D');
        put16(w, (uint16_t)n);
        for (int c = 0; c < n; c++) {
            const fakepg_value *v = &f->rows[r][c < f->ncols ? c : f->ncols - 1];
            put32(w, (uint32_t)(v->raw_len ? v->raw_len : v->len));
            if (v->len > 0)
                put(w, v->data, (size_t)v->len);
        }
        msg_end(w, at);
    }
    snprintf(tag, sizeof tag, "SELECT %d", f->nrows);
    msg_str(w, 'C', tag);
}

/* One client, until it leaves. */
static void serve(fakepg *f, int fd)
{
    static wbuf w; /* one connection at a time */
    unsigned char hdr[8];
    uint32_t len, code;
    /* startup: maybe SSLRequest / GSSENCRequest first (answered 'N'), then the startup packet */
    for (;;) {
        unsigned char *body;
        if (read_full(fd, hdr, 8) != 0)
            return;
        memcpy(&len, hdr, 4);
        memcpy(&code, hdr + 4, 4);
        len = ntohl(len);
        code = ntohl(code);
        if (len < 8 || len > 10000)
            return;
        body = malloc(len - 8 + 1);
        if (read_full(fd, body, len - 8) != 0) {
            free(body);
            return;
        }
        free(body);
        if (code == 80877103 || code == 80877104) {
            if (write(fd, "N", 1) != 1)
                return;
            continue;
        }
        break;
    }
    w.len = 0;
    {
        size_t at = msg_begin(&w, 'R');
        put32(&w, 0); /* AuthenticationOk */
        msg_end(&w, at);
    }
    param_status(&w, "server_version", "15.0");
    param_status(&w, "server_encoding", "UTF8");
    param_status(&w, "client_encoding", "UTF8");
    param_status(&w, "DateStyle", "ISO, MDY");
    param_status(&w, "integer_datetimes", "on");
    param_status(&w, "standard_conforming_strings", "on");
    param_status(&w, "TimeZone", "UTC");
    {
        size_t at = msg_begin(&w, 'K');
        put32(&w, 4242);
        put32(&w, 1234);
        msg_end(&w, at);
    }
    ready(&w);
    if (flush_to(fd, &w) != 0)
        return;
    bool command = false; /* the statement being run is a command (DECLARE, CLOSE): no rows */
    for (;;) {
        unsigned char type;
        unsigned char *body;
        if (read_full(fd, hdr, 5) != 0)
            return;
        type = hdr[0];
        memcpy(&len, hdr + 1, 4);
        len = ntohl(len);
        if (len < 4 || len > (1u << 24))
            return;
        body = malloc(len - 4 + 1);
        if (read_full(fd, body, len - 4) != 0) {
            free(body);
            return;
        }
        switch (type) {
        case 'Q': /* SET ... */
            msg_str(&w, 'C', "SET");
            ready(&w);
            break;
        case 'P': {
            const char *sql = (const char *)body + strlen((const char *)body) + 1;
            command = strncmp(sql, "DECLARE", 7) == 0 || strncmp(sql, "CLOSE", 5) == 0;
            put(&w, "1\0\0\0\4", 5);
            break;
        }
        case 'B':
            put(&w, "2\0\0\0\4", 5);
            break;
        case 'C':
            put(&w, "3\0\0\0\4", 5);
            break;
        case 'D':
            if (body[0] == 'S') {
                size_t at = msg_begin(&w, 't');
                put16(&w, 0);
                msg_end(&w, at);
            }
            if (command)
                put(&w, "n\0\0\0\4", 5);
            else
                row_description(f, &w);
            break;
        case 'E':
            if (command)
                msg_str(&w, 'C', "DECLARE CURSOR");
            else
                data_rows(f, &w);
            break;
        case 'S':
            command = false;
            ready(&w);
            break;
        case 'H':
            break;
        case 'X':
            free(body);
            return;
        default:
            break;
        }
        free(body);
        if ((type == 'S' || type == 'Q' || type == 'H') && flush_to(fd, &w) != 0)
            return;
    }
}

static void *server_main(void *arg)
{
    fakepg *f = arg;
    for (;;) {
        int fd = accept(f->listen_fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        serve(f, fd);
        close(fd);
    }
}

void fakepg_start(fakepg *f)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    pthread_t th;
    snprintf(f->dir, sizeof f->dir, "/tmp/blogdb-fakepg.XXXXXX");
    cr_assert_not_null(mkdtemp(f->dir));
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/.s.PGSQL.5432", f->dir);
    f->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert_geq(f->listen_fd, 0);
    cr_assert_eq(bind(f->listen_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(listen(f->listen_fd, 4), 0);
    snprintf(f->conninfo, sizeof f->conninfo, "host=%s port=5432 user=fake dbname=fake connect_timeout=5", f->dir);
    cr_assert_eq(pthread_create(&th, NULL, server_main, f), 0);
    f->thread = (unsigned long)th;
}

void fakepg_stop(fakepg *f)
{
    char path[128];
    shutdown(f->listen_fd, SHUT_RDWR);
    close(f->listen_fd);
    pthread_join((pthread_t)f->thread, NULL);
    snprintf(path, sizeof path, "%s/.s.PGSQL.5432", f->dir);
    unlink(path);
    rmdir(f->dir);
}

void fakepg_set(fakepg_value *v, const void *data, int32_t len)
{
    cr_assert_leq(len, (int32_t)sizeof v->data);
    v->len = len;
    v->raw_len = 0;
    if (len > 0)
        memcpy(v->data, data, (size_t)len);
}

void fakepg_null(fakepg_value *v)
{
    v->len = -1;
    v->raw_len = 0;
}

void fakepg_be(fakepg_value *v, uint64_t x, int bytes)
{
    v->len = bytes;
    v->raw_len = 0;
    for (int i = bytes - 1; i >= 0; i--) {
        v->data[i] = (unsigned char)(x & 0xFF);
        x >>= 8;
    }
}
