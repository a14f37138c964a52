/* listen.c - binding the UDP sockets (see listen.h). */
#include "listen.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bigger kernel buffers absorb bursts while a worker is busy (or is being
 * restarted); the kernel caps the request at net.core.rmem_max. */
#define SP_SOCKET_BUFFER (4 * 1024 * 1024)

/* A new UDP socket of l's family; reuseport: join l's SO_REUSEPORT group
 * on bind.  -1 with err set. */
static int new_socket(const sp_listen_conf *l, bool reuseport, char *err,
                      size_t errlen)
{
    int fd, one = 1, family = l->addr.ss_family;

    fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "listen %s: socket: %s", l->text,
                 strerror(errno));
        return -1;
    }
    /* An IPv6 socket serves IPv6 only, so that udp:0.0.0.0:P and
     * udp:[::]:P can both be configured. */
    if ((family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) ||
        (reuseport &&
         setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)) {
        snprintf(err, errlen, "listen %s: setsockopt: %s", l->text,
                 strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * Binds l's address once without SO_REUSEPORT and lets go again: fails
 * with "Address already in use" when anyone holds the port, even another
 * SO_REUSEPORT group of the same user (say a second sipproxy), which the
 * group's own binds would silently join and steal traffic from.  Stores
 * the address bound (with the real port when l's is 0) in *bound.
 */
static int probe(const sp_listen_conf *l, sp_addr *bound, char *err,
                 size_t errlen)
{
    int fd = new_socket(l, false, err, errlen), rc = -1;

    if (fd < 0)
        return -1;
    if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) != 0) {
        snprintf(err, errlen, "listen %s: bind: %s", l->text, strerror(errno));
        goto out;
    }
    bound->len = sizeof bound->ss;
    if (getsockname(fd, (struct sockaddr *)&bound->ss, &bound->len) != 0) {
        snprintf(err, errlen, "listen %s: getsockname: %s", l->text,
                 strerror(errno));
        goto out;
    }
    rc = 0;
out:
    close(fd);
    return rc;
}

static int open_one(const sp_listen_conf *l, const sp_addr *addr, char *err,
                    size_t errlen)
{
    int fd = new_socket(l, true, err, errlen), buf = SP_SOCKET_BUFFER;

    if (fd < 0)
        return -1;
    /* Best effort: a smaller buffer only means earlier drops. */
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    if (bind(fd, (const struct sockaddr *)&addr->ss, addr->len) != 0) {
        snprintf(err, errlen, "listen %s: bind: %s", l->text, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int bound_port(const sp_addr *a)
{
    if (a->ss.ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
    return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
}

sp_socket *sp_sockets_open(const sp_conf *cfg, size_t *n, char *err,
                           size_t errlen)
{
    size_t total = (size_t)cfg->workers * cfg->nlisten;
    sp_socket *socks = NULL;

    if (cfg->workers == 0 || cfg->nlisten == 0) {
        snprintf(err, errlen, "no workers or no listen socket");
        return NULL;
    }
    socks = calloc(total, sizeof *socks);
    if (socks == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < total; i++)
        socks[i].fd = -1; /* so that a failure closes only what it opened */
    for (size_t li = 0; li < cfg->nlisten; li++) {
        const sp_listen_conf *l = &cfg->listen[li];
        sp_addr addr;

        if (probe(l, &addr, err, errlen) != 0)
            goto fail;
        for (unsigned wi = 0; wi < cfg->workers; wi++) {
            sp_socket *s = &socks[(size_t)wi * cfg->nlisten + li];
            s->fd = open_one(l, &addr, err, errlen);
            if (s->fd < 0)
                goto fail;
            s->family = l->addr.ss_family;
            s->local = addr;
            s->port = bound_port(&addr);
            s->text = l->text;
            snprintf(s->host, sizeof s->host, "%s",
                     cfg->advertise != NULL ? cfg->advertise : l->host);
            sp_addr_hostport(s->host, s->port, s->hostport,
                             sizeof s->hostport);
        }
    }
    *n = total;
    return socks;
fail:
    sp_sockets_close(&socks, total);
    return NULL;
}

const sp_socket *sp_sockets_of(const sp_socket *socks, size_t n,
                               const sp_conf *cfg, unsigned index)
{
    if (socks == NULL || index >= cfg->workers ||
        n != (size_t)cfg->workers * cfg->nlisten)
        return NULL;
    return &socks[(size_t)index * cfg->nlisten];
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
