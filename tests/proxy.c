/* The faulty-network proxy (see proxy.h). */
#include "proxy.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PAIRS 16

struct proxy {
    int listen_fd, port, upstream_port;
    atomic_int mode;
    atomic_bool stop;
    atomic_long down;
    int client[MAX_PAIRS], server[MAX_PAIRS]; /* -1: free (server -1 alone: held in a black hole) */
    pthread_t thread;
};

static void reset_fd(int fd)
{
    struct linger l = {1, 0}; /* close with RST */
    if (fd < 0)
        return;
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}

static void drop(proxy *p, int i, bool rst)
{
    if (rst) {
        reset_fd(p->client[i]);
        reset_fd(p->server[i]);
    } else {
        if (p->client[i] >= 0)
            close(p->client[i]);
        if (p->server[i] >= 0)
            close(p->server[i]);
    }
    p->client[i] = p->server[i] = -1;
}

static int connect_upstream(const proxy *p)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p->upstream_port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Copies what is readable on from to to; false when the pair is over. */
static bool pass(proxy *p, int from, int to, bool downstream)
{
    char buf[65536];
    ssize_t n = read(from, buf, sizeof buf), off = 0;
    if (n <= 0)
        return false;
    while (off < n) {
        ssize_t w = write(to, buf + off, (size_t)(n - off));
        if (w <= 0)
            return false;
        off += w;
    }
    if (downstream)
        atomic_fetch_add(&p->down, (long)n);
    return true;
}

static void *proxy_main(void *arg)
{
    proxy *p = arg;
    while (!atomic_load(&p->stop)) {
        struct pollfd fds[1 + 2 * MAX_PAIRS];
        int idx[1 + 2 * MAX_PAIRS], nfds = 1;
        proxy_mode mode = (proxy_mode)atomic_load(&p->mode);
        if (mode == PROXY_RESET)
            for (int i = 0; i < MAX_PAIRS; i++)
                if (p->client[i] >= 0)
                    drop(p, i, true);
        fds[0].fd = p->listen_fd;
        fds[0].events = POLLIN;
        for (int i = 0; i < MAX_PAIRS && mode == PROXY_FORWARD; i++)
            if (p->client[i] >= 0 && p->server[i] >= 0) {
                fds[nfds] = (struct pollfd){p->client[i], POLLIN, 0};
                idx[nfds++] = i;
                fds[nfds] = (struct pollfd){p->server[i], POLLIN, 0};
                idx[nfds++] = i;
            }
        if (poll(fds, (nfds_t)nfds, 20) <= 0)
            continue;
        mode = (proxy_mode)atomic_load(&p->mode); /* it may have changed while polling */
        if (fds[0].revents & POLLIN) {
            int c = accept(p->listen_fd, NULL, NULL), slot = -1;
            for (int i = 0; i < MAX_PAIRS && slot < 0; i++)
                if (p->client[i] < 0)
                    slot = i;
            if (c >= 0 && (slot < 0 || mode == PROXY_RESET)) {
                reset_fd(c);
            } else if (c >= 0) {
                p->client[slot] = c;
                p->server[slot] = mode == PROXY_FORWARD ? connect_upstream(p) : -1;
                if (mode == PROXY_FORWARD && p->server[slot] < 0)
                    drop(p, slot, true);
            }
        }
        for (int k = 1; k < nfds; k++) {
            int i = idx[k];
            bool up;
            if (!fds[k].revents || p->client[i] < 0 || p->server[i] < 0)
                continue;
            up = fds[k].fd == p->client[i];
            if (!pass(p, fds[k].fd, up ? p->server[i] : p->client[i], !up))
                drop(p, i, false);
        }
    }
    for (int i = 0; i < MAX_PAIRS; i++)
        drop(p, i, false);
    return NULL;
}

proxy *proxy_start(int upstream_port)
{
    proxy *p = calloc(1, sizeof *p);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t len = sizeof sa;
    int one = 1;
    cr_assert_not_null(p);
    p->upstream_port = upstream_port;
    atomic_init(&p->mode, PROXY_FORWARD);
    atomic_init(&p->stop, false);
    atomic_init(&p->down, 0);
    for (int i = 0; i < MAX_PAIRS; i++)
        p->client[i] = p->server[i] = -1;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    p->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(p->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    cr_assert_eq(bind(p->listen_fd, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(listen(p->listen_fd, 8), 0);
    cr_assert_eq(getsockname(p->listen_fd, (struct sockaddr *)&sa, &len), 0);
    p->port = ntohs(sa.sin_port);
    cr_assert_eq(pthread_create(&p->thread, NULL, proxy_main, p), 0);
    return p;
}

int proxy_port(const proxy *p)
{
    return p->port;
}

void proxy_set_mode(proxy *p, proxy_mode mode)
{
    atomic_store(&p->mode, (int)mode);
}

long proxy_bytes_down(const proxy *p)
{
    return atomic_load(&p->down);
}

void proxy_stop(proxy *p)
{
    if (!p)
        return;
    atomic_store(&p->stop, true);
    pthread_join(p->thread, NULL);
    close(p->listen_fd);
    free(p);
}
