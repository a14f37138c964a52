/*
 * clients.h - the [client NAME] sections in force: who sent a message
 * (the owner of the ipc endpoint it came in on, or the client named like
 * the CURVE key it came with), each client's rules (rules.h) and its
 * usage (client_usage.h).  Built at start and again by each reload, which
 * hands every kept client's usage on.  Used from the front end only.
 *
 * With no [client] section the rules are not in force and every
 * connection may send anything; with one, a message from no client is
 * denied.
 */
#ifndef DBD_CLIENTS_H
#define DBD_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client_usage.h"
#include "config.h"
#include "log.h"

typedef struct dbd_client {
    dbd_client_rules rules;   /* a copy, owned */
    dbd_client_usage *usage;  /* one reference */
} dbd_client;

typedef struct dbd_clients {
    dbd_client *v;
    size_t n;
    const dbd_client **by_sock; /* per ROUTER socket: its endpoint's owner */
    size_t nsock;
} dbd_clients;

/*
 * The clients of cfg for the ROUTER sockets bound to endpoints (index =
 * socket); a client also in prev keeps its usage.  NULL when memory ran
 * out.
 */
dbd_clients *dbd_clients_new(const dbd_config *cfg, char *const *endpoints,
                             size_t nendpoints, const dbd_clients *prev);
void dbd_clients_destroy(dbd_clients **pcs);

static inline bool dbd_clients_in_force(const dbd_clients *cs)
{
    return cs != NULL && cs->n > 0;
}

/* The client of a message on socket sock whose CURVE key is named user
 * (NULL: none); NULL when it is no client. */
const dbd_client *dbd_clients_identify(const dbd_clients *cs, uint32_t sock,
                                       const char *user);

/* Tells zap (NULL: CURVE is off) who may subscribe to a CURVE audit
 * publish endpoint: with the rules in force, the clients given the admin
 * operation audit.  0, or -1 when memory ran out. */
struct dbd_zap;
int dbd_clients_set_audit_readers(const dbd_clients *cs, struct dbd_zap *zap);

/* Logs (warning) what can never be allowed with the rules in force:
 * endpoints on which no client can be known, and clients' endpoints not
 * bound.  curve: tcp endpoints use CURVE. */
void dbd_clients_warn_gaps(const dbd_clients *cs, char *const *endpoints, size_t nendpoints,
                           bool curve, const dbd_log *log);

#endif
