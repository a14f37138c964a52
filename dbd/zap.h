/*
 * zap.h - CURVE on dbd's tcp:// endpoints: the allow-list of client keys
 * ([dbd] clients) and the ZAP handler (ZeroMQ's authentication protocol,
 * RFC 27) that admits a client whose key is on it.
 *
 * One thread answers ZeroMQ's ZAP requests: a listed key gets "200" with
 * the key's name as user id (a request's "User-Id" then names the
 * client), any other "400".  The same thread watches the handshakes of
 * every CURVE socket (zmq_socket_monitor), so that clients refused before
 * ZAP is asked (no CURVE at all, or another server key) are seen too.
 * Each refusal is logged as a warning with the peer's address and, when
 * the audit trail is on, recorded with op "connect" and status DENY.
 *
 * Order of use (main thread): dbd_zap_new() before any CURVE socket
 * binds, dbd_zap_secure() on each such socket before its bind,
 * dbd_zap_start() once the audit trail exists, dbd_zap_destroy() before
 * the audit trail is closed and the ZeroMQ context terminated.
 */
#ifndef DBD_ZAP_H
#define DBD_ZAP_H

#include <stdbool.h>
#include <stddef.h>

#include "audit.h"
#include "config.h"
#include "log.h"

/* The ZAP domains of dbd's CURVE sockets: the request endpoints, and the
 * audit trail's publish endpoint (which only audit readers may use). */
#define DBD_ZAP_DOMAIN "dbd"
#define DBD_ZAP_AUDIT_DOMAIN "dbd-audit"

typedef struct dbd_zap dbd_zap;

/*
 * Checks the CURVE settings of cfg without starting anything: curve_key
 * and clients go together, the key file holds a key pair and the
 * allow-list parses.  For start-up (a config error) and "dbd -t".  0, or
 * -1 with err set.
 */
int dbd_zap_check_config(const dbd_config *cfg, char *err, size_t errlen);

/*
 * Loads dbd's key pair (cfg->curve_key) and the allow-list (cfg->clients)
 * and binds the ZAP handler's socket in zctx.  NULL with err set.
 */
dbd_zap *dbd_zap_new(void *zctx, const dbd_config *cfg, const dbd_log *log,
                     char *err, size_t errlen);

/*
 * Makes sock (not yet bound; endpoint names it in messages) a CURVE
 * server of ZAP domain (DBD_ZAP_DOMAIN or DBD_ZAP_AUDIT_DOMAIN) and
 * watches its handshakes.  Before dbd_zap_start().  0, or -1 with err
 * set.
 */
int dbd_zap_secure(dbd_zap *zap, void *sock, const char *endpoint,
                   const char *domain, char *err, size_t errlen);

/*
 * Who may subscribe to a CURVE audit publish endpoint: with client rules
 * in force (ruled), only the listed keys named in names (the clients
 * given the admin operation audit); otherwise every listed key.  In
 * force for the next connection.  0, or -1 when memory ran out (the
 * readers in force stay).
 */
int dbd_zap_set_audit_readers(dbd_zap *zap, bool ruled,
                              const char *const *names, size_t n);

/* Starts the handler thread; refusals are recorded in audit (NULL: not
 * recorded).  0, or -1 with err set. */
int dbd_zap_start(dbd_zap *zap, dbd_audit *audit, char *err, size_t errlen);

/*
 * Re-reads the allow-list at path and puts it in force at once (a reload);
 * a connection already admitted stays.  On any error the list in force
 * stays and err says "PATH:LINE: what".  0 or -1.
 */
int dbd_zap_reload(dbd_zap *zap, const char *path, char *err, size_t errlen);

/* Stops the thread and closes its sockets.  Accepts NULL; clears *pz. */
void dbd_zap_destroy(dbd_zap **pz);

#endif
