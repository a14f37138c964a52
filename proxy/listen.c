/* listen.c - binding the UDP sockets (see listen.h). */
#include "listen.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bigger kernel buffers absorb bursts while a worker is busy; the kernel
 * caps the request at net.core.rmem_max, which is fine. */
#define SP_SOCKET_BUFFER (4 * 1024 * 1024)

static int open_one(const sp_listen_conf *l, char *err, size_t errlen)
{
    int fd, one = 1, buf = SP_SOCKET_BUFFER;
    int family = l->addr.ss_family;

    fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "listen %s: socket: %s", l->text,
                 strerror(errno));
        return -1;
    }
    /* An IPv6 socket serves IPv6 only, so that udp:0.0.0.0:P and
     * udp:[::]:P can both be configured.  No SO_REUSEADDR: for UDP it
     * would let a second sipproxy bind the same port and steal traffic. */
    if (family == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
        snprintf(err, errlen, "listen %s: setsockopt: %s", l->text,
                 strerror(errno));
        close(fd);
        return -1;
    }
    /* Best effort: a smaller buffer only means earlier drops. */
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) != 0) {
        snprintf(err, errlen, "listen %s: bind: %s", l->text, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

sp_socket *sp_sockets_open(const sp_conf *cfg, size_t *n, char *err,
                           size_t errlen)
{
    sp_socket *socks = calloc(cfg->nlisten, sizeof *socks);
    size_t opened = 0;

    if (socks == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (; opened < cfg->nlisten; opened++) {
        const sp_listen_conf *l = &cfg->listen[opened];
        sp_socket *s = &socks[opened];
        s->fd = open_one(l, err, errlen);
        if (s->fd < 0)
            goto fail;
        s->family = l->addr.ss_family;
        memcpy(&s->local.ss, &l->addr, l->addrlen);
        s->local.len = l->addrlen;
        s->port = l->port;
        s->text = l->text;
        snprintf(s->host, sizeof s->host, "%s",
                 cfg->advertise != NULL ? cfg->advertise : l->host);
        sp_addr_hostport(s->host, s->port, s->hostport, sizeof s->hostport);
    }
    *n = opened;
    return socks;
fail:
    sp_sockets_close(&socks, opened);
    return NULL;
}

void sp_sockets_close(sp_socket **psocks, size_t n)
{
    if (psocks == NULL || *psocks == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        if ((*psocks)[i].fd >= 0)
            close((*psocks)[i].fd);
    free(*psocks);
    *psocks = NULL;
}
