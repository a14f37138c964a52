/*
 * listen.h - the UDP sockets sipproxy serves, bound by the master before
 * it forks so that every worker inherits them, and the address each one
 * writes into Via and Record-Route.
 */
#ifndef SP_LISTEN_H
#define SP_LISTEN_H

#include <stddef.h>

#include "addr.h"
#include "conf.h"

typedef struct sp_socket {
    int fd;                   /* non-blocking, bound */
    int family;               /* AF_INET or AF_INET6 */
    sp_addr local;            /* the bound address */
    int port;
    const char *text;         /* "udp:ADDR:PORT", owned by the config */
    char host[256];           /* advertise or the listen address */
    char hostport[300];       /* host:port as Via sent-by, IPv6 in brackets */
} sp_socket;

/* Binds every listen socket of cfg into a new array (*n of them); NULL
 * with a message naming the socket in err on failure (nothing left open). */
sp_socket *sp_sockets_open(const sp_conf *cfg, size_t *n, char *err,
                           size_t errlen);
void sp_sockets_close(sp_socket **psocks, size_t n);

#endif
