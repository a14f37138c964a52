/*
 * listen.h - the UDP sockets sipproxy serves, bound by the master before
 * it forks, and the address each one writes into Via and Record-Route.
 *
 * Every listen address gets one socket per worker, all in one
 * SO_REUSEPORT group: the kernel hashes a peer's address and port to one
 * socket of the group, so one peer's datagrams always reach the same
 * worker and are handled (and forwarded) in the order they arrived.
 */
#ifndef SP_LISTEN_H
#define SP_LISTEN_H

#include <stddef.h>

#include "addr.h"
#include "conf.h"

typedef struct sp_socket {
    int fd;                   /* non-blocking, bound */
    int family;               /* AF_INET or AF_INET6 */
    sp_addr local;            /* the bound address (the real port if 0) */
    int port;
    const char *text;         /* "udp:ADDR:PORT", owned by the config */
    char host[256];           /* advertise or the listen address */
    char hostport[300];       /* host:port as Via sent-by, IPv6 in brackets */
} sp_socket;

/*
 * Binds cfg->workers sockets for every listen address of cfg into a new
 * array of *n = cfg->workers * cfg->nlisten, worker-major: worker i's
 * sockets are sp_sockets_of(array, cfg, i), in listen order.  All are
 * bound before it returns, so an address another program holds fails
 * here ("bind: Address already in use").  NULL with a message naming the
 * socket in err on failure (nothing left open).
 */
sp_socket *sp_sockets_open(const sp_conf *cfg, size_t *n, char *err,
                           size_t errlen);
/* Worker index's cfg->nlisten sockets within an array of n from
 * sp_sockets_open; NULL when index is out of range. */
const sp_socket *sp_sockets_of(const sp_socket *socks, size_t n,
                               const sp_conf *cfg, unsigned index);
void sp_sockets_close(sp_socket **psocks, size_t n);

#endif
