/* A hostile fake PostgreSQL server for tests: a thread in the test process that speaks protocol 3
 * on a Unix socket and answers every query with rows the test scripts byte by byte. A test tool,
 * not a mock: it exists to send what a real server never would (malformed values, NULL in NOT
 * NULL columns, wrong type OIDs, text format where binary was asked, broken messages).
 *
 * The handshake is real (SSLRequest refused, AuthenticationOk, ParameterStatus, BackendKeyData,
 * ReadyForQuery); simple queries get "SET"; Parse/Bind/Describe/Execute/Sync get ParseComplete,
 * BindComplete, the scripted RowDescription, the scripted DataRows and CommandComplete. */
#ifndef BLOGDB_TEST_FAKEPG_H
#define BLOGDB_TEST_FAKEPG_H

#include <stddef.h>
#include <stdint.h>

#define FAKEPG_MAX_COLS 64
#define FAKEPG_MAX_ROWS 4

/* One value of a DataRow: len -1 is SQL NULL; raw_len (when not 0) is written as the length
 * field instead of len, to lie about the bytes that follow. */
typedef struct fakepg_value {
    int32_t len;
    int32_t raw_len;
    unsigned char data[256];
} fakepg_value;

typedef struct fakepg_col {
    const char *name;
    uint32_t oid;
    int16_t format; /* 1 binary (what blogdb asks for), 0 text */
} fakepg_col;

typedef struct fakepg {
    int ncols;
    fakepg_col cols[FAKEPG_MAX_COLS];
    int nrows;
    fakepg_value rows[FAKEPG_MAX_ROWS][FAKEPG_MAX_COLS];
    int ncols_sent; /* DataRow column count when not 0 (a row with more or fewer values) */
    /* set by fakepg_start */
    char dir[64];
    char conninfo[128];
    int listen_fd;
    unsigned long thread;
} fakepg;

/* Starts the server (listening in a fresh directory); conninfo is then set. */
void fakepg_start(fakepg *f);
/* Stops it and removes its directory. */
void fakepg_stop(fakepg *f);

/* Helpers to fill a value. */
void fakepg_set(fakepg_value *v, const void *data, int32_t len);
void fakepg_null(fakepg_value *v);
void fakepg_be(fakepg_value *v, uint64_t x, int bytes);

#endif
