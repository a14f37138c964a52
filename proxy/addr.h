/*
 * addr.h - socket addresses as SIP writes them: numeric text for nonces
 * and Via received=, host:port for Via and Record-Route, and resolving the
 * host of a Via, Route or Request-URI into an address to send to.
 */
#ifndef SP_ADDR_H
#define SP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define SP_ADDR_IP_MAX 64       /* numeric IPv4/IPv6 text + NUL, room to spare */
#define SP_ADDR_HOSTPORT_MAX 96 /* "[v6]:port" */

typedef struct sp_addr {
    struct sockaddr_storage ss;
    socklen_t len;
} sp_addr;

/* Numeric address text (IPv6 without brackets, IPv4-mapped shown as IPv4)
 * and port of a; false when a is neither AF_INET nor AF_INET6. */
bool sp_addr_ip(const sp_addr *a, char *ip, size_t iplen, int *port);

/* "host:port", IPv6 hosts in brackets; a host already in brackets is kept
 * as it is.  port <= 0 leaves the port out. */
void sp_addr_hostport(const char *host, int port, char *out, size_t outlen);

/* true when host (brackets allowed) is numeric and equals a's address. */
bool sp_addr_host_is(const sp_addr *a, const char *host);

/* A numeric host (IPv4, IPv6 with or without brackets) and port into
 * *out; false for a name or bad text.  port <= 0 means 5060. */
bool sp_addr_numeric(const char *host, int port, sp_addr *out);

/*
 * host (name, IPv4, IPv6 with or without brackets) and port into *out.
 * Numeric hosts never touch DNS; names are resolved with getaddrinfo()
 * (blocking: callers resolve names only when resolve_names = yes).
 * port <= 0 means 5060.  false with a message in err on failure.
 */
bool sp_addr_resolve(const char *host, int port, sp_addr *out, char *err,
                     size_t errlen);

/* A port string of a header ("5060"), 0 when absent, -1 when bad. */
int sp_addr_port(const char *s);

#endif
