/* A faulty network for tests: a TCP proxy on 127.0.0.1 (a thread in the test process) in front of
 * the real test server, whose mode the test switches at any moment:
 *   PROXY_FORWARD    bytes pass both ways
 *   PROXY_BLACKHOLE  nothing passes, sockets stay open: the kernel keeps acknowledging what the
 *                    client sends, so neither TCP keepalives nor tcp_user_timeout notice
 *   PROXY_RESET      every connection is reset (RST), new ones at once */
#ifndef BLOGDB_TEST_PROXY_H
#define BLOGDB_TEST_PROXY_H

typedef enum proxy_mode { PROXY_FORWARD, PROXY_BLACKHOLE, PROXY_RESET } proxy_mode;

typedef struct proxy proxy;

/* Starts a proxy to 127.0.0.1:upstream_port; returns it (free with proxy_stop). */
proxy *proxy_start(int upstream_port);
/* The port it listens on (127.0.0.1). */
int proxy_port(const proxy *p);
void proxy_set_mode(proxy *p, proxy_mode mode);
/* Bytes forwarded from the server to clients so far. */
long proxy_bytes_down(const proxy *p);
void proxy_stop(proxy *p);

#endif
