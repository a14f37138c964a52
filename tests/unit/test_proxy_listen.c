/*
 * test_proxy_listen.c - the listen sockets: one per worker and listen
 * address in one SO_REUSEPORT group, so that every datagram of one peer
 * reaches the same worker's socket in the order sent; an address someone
 * else holds fails at start-up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "listen.h"

#define DATAGRAMS 200
#define BATCH 20   /* sent back to back, then read: stays within buffers */
#define WORKERS 2

/* A config of one listen address text/addr served by workers workers. */
static void make_conf(sp_conf *cfg, sp_listen_conf *l, const char *text,
                      int family, const char *ip, int port, unsigned workers)
{
    memset(cfg, 0, sizeof *cfg);
    memset(l, 0, sizeof *l);
    l->text = (char *)text;
    snprintf(l->host, sizeof l->host, "%s", ip);
    l->port = port;
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&l->addr;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        assert_int_equal(inet_pton(AF_INET6, ip, &a->sin6_addr), 1);
        l->addrlen = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&l->addr;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        assert_int_equal(inet_pton(AF_INET, ip, &a->sin_addr), 1);
        l->addrlen = sizeof *a;
    }
    cfg->listen = l;
    cfg->nlisten = 1;
    cfg->workers = workers;
}

/* A peer socket on an ephemeral port of the loopback of family. */
static int peer_socket(int family)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    return fd;
}

/* Reads one datagram from whichever of the WORKERS sockets has it (2 s at
 * most); stores the number it carries, returns the socket's index. */
static int receive_one(const sp_socket *socks, long *number)
{
    struct pollfd pfd[WORKERS];
    char buf[64];
    ssize_t n;

    for (int i = 0; i < WORKERS; i++) {
        pfd[i].fd = socks[i].fd;
        pfd[i].events = POLLIN;
        pfd[i].revents = 0;
    }
    assert_true(poll(pfd, WORKERS, 2000) > 0);
    for (int i = 0; i < WORKERS; i++) {
        if (!(pfd[i].revents & POLLIN))
            continue;
        n = recv(socks[i].fd, buf, sizeof buf - 1, 0);
        assert_true(n > 0);
        buf[n] = '\0';
        *number = strtol(buf, NULL, 10);
        return i;
    }
    fail_msg("poll returned without a readable socket");
    return -1;
}

/* Sends DATAGRAMS numbered datagrams from one peer; asserts they all
 * reach one socket of the group, in order, and none the other. */
static void check_one_peer(const sp_socket *socks, int family)
{
    int peer = peer_socket(family), first = -1;
    int count[WORKERS] = {0};
    long expect = 0;

    for (int sent = 0; sent < DATAGRAMS; sent += BATCH) {
        for (int k = sent; k < sent + BATCH; k++) {
            char msg[16];
            int len = snprintf(msg, sizeof msg, "%d", k);
            assert_int_equal(sendto(peer, msg, (size_t)len, 0,
                                    (const struct sockaddr *)&socks[0].local.ss,
                                    socks[0].local.len),
                             len);
        }
        for (int k = 0; k < BATCH; k++) {
            long number = -1;
            int at = receive_one(socks, &number);
            if (first < 0)
                first = at;
            assert_int_equal(at, first);
            assert_int_equal(number, expect);
            expect++;
            count[at]++;
        }
    }
    assert_int_equal(count[first], DATAGRAMS);
    assert_int_equal(count[1 - first], 0);
    close(peer);
}

static void open_group(const char *text, int family, const char *ip,
                       sp_socket **socks, size_t *n, sp_conf *cfg,
                       sp_listen_conf *l)
{
    char err[256] = "";

    make_conf(cfg, l, text, family, ip, 0, WORKERS);
    *socks = sp_sockets_open(cfg, n, err, sizeof err);
    if (*socks == NULL)
        fail_msg("sp_sockets_open: %s", err);
    assert_int_equal(*n, WORKERS);
    /* Port 0 is resolved once: every worker's socket has the same port. */
    assert_true((*socks)[0].port > 0);
    assert_int_equal((*socks)[1].port, (*socks)[0].port);
    assert_int_equal((*socks)[1].family, family);
    assert_ptr_equal(sp_sockets_of(*socks, *n, cfg, 1), &(*socks)[1]);
    assert_null(sp_sockets_of(*socks, *n, cfg, WORKERS));
}

static void test_ipv4_one_peer_one_socket(void **state)
{
    sp_conf cfg;
    sp_listen_conf l;
    sp_socket *socks = NULL;
    size_t n = 0;
    (void)state;

    open_group("udp:127.0.0.1:0", AF_INET, "127.0.0.1", &socks, &n, &cfg, &l);
    /* Several peers: each one's datagrams stay on one socket, in order. */
    for (int p = 0; p < 4; p++)
        check_one_peer(socks, AF_INET);
    sp_sockets_close(&socks, n);
    assert_null(socks);
}

static void test_ipv6_one_peer_one_socket(void **state)
{
    sp_conf cfg;
    sp_listen_conf l;
    sp_socket *socks = NULL;
    size_t n = 0;
    struct sockaddr_in6 a;
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    (void)state;

    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        skip(); /* no IPv6 loopback here */
    }
    close(fd);
    open_group("udp:[::1]:0", AF_INET6, "::1", &socks, &n, &cfg, &l);
    assert_string_equal(socks[0].hostport, socks[1].hostport);
    check_one_peer(socks, AF_INET6);
    sp_sockets_close(&socks, n);
}

/* A port already bound by another program (with or without SO_REUSEPORT)
 * fails with the bind error, nothing left open. */
static void test_port_in_use(void **state)
{
    for (int reuse = 0; reuse <= 1; reuse++) {
        struct sockaddr_in a;
        socklen_t alen = sizeof a;
        sp_conf cfg;
        sp_listen_conf l;
        sp_socket *socks;
        size_t n = 0;
        char err[256] = "", text[64], want[128];
        int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        (void)state;

        assert_true(fd >= 0);
        if (reuse)
            assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
                                        sizeof one), 0);
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
        assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
        snprintf(text, sizeof text, "udp:127.0.0.1:%d", ntohs(a.sin_port));
        make_conf(&cfg, &l, text, AF_INET, "127.0.0.1", ntohs(a.sin_port),
                  WORKERS);
        socks = sp_sockets_open(&cfg, &n, err, sizeof err);
        assert_null(socks);
        snprintf(want, sizeof want, "listen %s: bind: Address already in use",
                 text);
        assert_string_equal(err, want);
        close(fd);
    }
}

int main(void)
{
    const struct CMUnitTest proxy_listen[] = {
        cmocka_unit_test(test_ipv4_one_peer_one_socket),
        cmocka_unit_test(test_ipv6_one_peer_one_socket),
        cmocka_unit_test(test_port_in_use),
    };
    return cmocka_run_group_tests(proxy_listen, NULL, NULL);
}
