/* blogdb-bench-libpq: what a C programmer writes by hand with libpq for bench/run's workloads, the
 * floor blogdb is measured against (no blogdb in it):
 *   blogdb-bench-libpq point DSN SECONDS N   PQprepare once, then PQexecPrepared with binary results,
 *                                            the row's values copied out; print ops/s and client
 *                                            CPU us per call (as blogdb-bench point)
 *   blogdb-bench-libpq posts DSN N           N posts over the users by COPY ... FROM STDIN (FORMAT
 *                                            binary), rows built in a 64 kB buffer; print seconds
 * The rows, emails and order are blogdb-bench's. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <libpq-fe.h>

#include "clock.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(PGconn *c, const char *what)
{
    fprintf(stderr, "%s: %s", what, PQerrorMessage(c));
    exit(1);
}

/* What the caller keeps of a user: the same fields blogdb's row struct has. */
typedef struct user {
    unsigned char id[16];
    char email[256], password_hash[256];
    int64_t created_at, updated_at;
} user;

static int64_t get_i64(const char *p)
{
    uint32_t hi, lo;
    memcpy(&hi, p, 4);
    memcpy(&lo, p + 4, 4);
    return (int64_t)((uint64_t)ntohl(hi) << 32 | ntohl(lo));
}

static void copy_text(char *dst, size_t cap, const PGresult *r, int col)
{
    size_t n = (size_t)PQgetlength(r, 0, col);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, PQgetvalue(r, 0, col), n);
    dst[n] = '\0';
}

static int point(PGconn *c, double secs, long n)
{
    PGresult *r = PQprepare(c, "by_email",
                            "SELECT id, email, password_hash, created_at, updated_at FROM users WHERE email = $1", 1, NULL);
    double t0, t, c0;
    long ops = 0;
    char email[64];
    user u;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die(c, "prepare");
    PQclear(r);
    srand(42);
    t0 = now();
    c0 = cpu();
    do {
        for (int k = 0; k < 1000; k++, ops++) {
            const char *param = email;
            snprintf(email, sizeof email, "user%ld@example.com", (long)(rand() % n));
            r = PQexecPrepared(c, "by_email", 1, &param, NULL, NULL, 1);
            if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQgetlength(r, 0, 0) != 16)
                die(c, "point read");
            memcpy(u.id, PQgetvalue(r, 0, 0), 16);
            copy_text(u.email, sizeof u.email, r, 1);
            copy_text(u.password_hash, sizeof u.password_hash, r, 2);
            u.created_at = get_i64(PQgetvalue(r, 0, 3));
            u.updated_at = get_i64(PQgetvalue(r, 0, 4));
            PQclear(r);
        }
        t = now();
    } while (t - t0 < secs);
    printf("%.0f %.2f\n", (double)ops / (t - t0), (cpu() - c0) * 1e6 / (double)ops);
    return u.email[0] ? 0 : 1;
}

typedef struct buf {
    char data[65536];
    size_t len;
} buf;

static void put(PGconn *c, buf *b, const void *p, size_t n)
{
    if (b->len + n > sizeof b->data) {
        if (PQputCopyData(c, b->data, (int)b->len) != 1)
            die(c, "copy data");
        b->len = 0;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_i16(PGconn *c, buf *b, int16_t v)
{
    uint16_t x = htons((uint16_t)v);
    put(c, b, &x, 2);
}

static void put_field(PGconn *c, buf *b, const void *p, size_t n)
{
    uint32_t len = htonl((uint32_t)n);
    put(c, b, &len, 4);
    put(c, b, p, n);
}

static int posts(PGconn *c, long count)
{
    static const char header[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
    static const char *status[3] = {"draft", "published", "archived"};
    const char *title = "A post about keyset pagination and binary protocols";
    const char *content = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.";
    PGresult *r = PQexecParams(c, "SELECT id FROM users ORDER BY id", 0, NULL, NULL, NULL, NULL, 1);
    int nusers;
    double t;
    buf *b = malloc(sizeof *b);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || (nusers = PQntuples(r)) == 0 || !b)
        die(c, "users");
    b->len = 0;
    t = now();
    PQclear(PQexec(c, "COPY posts (user_id, title, content, status) FROM STDIN (FORMAT binary)"));
    put(c, b, header, sizeof header);
    for (long i = 0; i < count; i++) {
        const char *s = status[i % 3];
        put_i16(c, b, 4);
        put_field(c, b, PQgetvalue(r, (int)(i % nusers), 0), 16);
        put_field(c, b, title, strlen(title));
        put_field(c, b, content, strlen(content));
        put_field(c, b, s, strlen(s));
    }
    put_i16(c, b, -1);
    if (PQputCopyData(c, b->data, (int)b->len) != 1 || PQputCopyEnd(c, NULL) != 1)
        die(c, "copy end");
    PQclear(r);
    r = PQgetResult(c);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die(c, "copy");
    PQclear(r);
    printf("%.3f\n", now() - t);
    free(b);
    return 0;
}

int main(int argc, char **argv)
{
    PGconn *c;
    int rc;
    if (argc < 4) {
        fprintf(stderr, "usage: blogdb-bench-libpq point DSN SECONDS N | posts DSN N\n");
        return 2;
    }
    c = PQconnectdb(argv[2]);
    if (PQstatus(c) != CONNECTION_OK)
        die(c, "connect");
    if (strcmp(argv[1], "point") == 0 && argc > 4)
        rc = point(c, atof(argv[3]), atol(argv[4]));
    else if (strcmp(argv[1], "posts") == 0)
        rc = posts(c, atol(argv[3]));
    else
        rc = 2;
    PQfinish(c);
    return rc;
}
