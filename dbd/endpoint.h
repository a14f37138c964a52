/*
 * endpoint.h - binding the front end's sockets.  For ipc:// endpoints the
 * socket file is checked first: ZeroMQ would silently replace a live
 * socket of another running dbd, so an existing file is removed only when
 * no process answers on it, and a missing directory is an error (dbd does
 * not guess its owner and mode).  A directory others can write to is
 * refused: anyone could replace the socket there with their own and read
 * the clients' requests.  The socket file is created with no access for
 * anyone but its owner, then given the configured owner, group and mode.
 */
#ifndef DBD_ENDPOINT_H
#define DBD_ENDPOINT_H

#include <stddef.h>

#include <sys/types.h>

#include "config.h"
#include "log.h"

/* Who may use an ipc socket file. */
typedef struct dbd_ipc_access {
    unsigned mode;            /* permission bits */
    uid_t uid;                /* owner; (uid_t)-1: whoever binds */
    gid_t gid;                /* group; (gid_t)-1: whoever binds */
} dbd_ipc_access;

/* From ipc_owner, ipc_group and ipc_mode; an unset owner or group is the
 * user and group dbd runs as (user, group) when set.  0, or -1 with the
 * reason (an unknown name) in err. */
int dbd_ipc_access_init(dbd_ipc_access *a, const dbd_config *cfg, char *err,
                        size_t errlen);

/* For ipc:// endpoints: -1 with the reason in err when the socket's
 * directory is writable by others (a missing directory is left to
 * dbd_endpoint_bind); 0 otherwise and for other endpoints. */
int dbd_endpoint_check_dir(const char *endpoint, char *err, size_t errlen);

/* Binds sock to endpoint; an ipc socket file gets access ipc (NULL: mode
 * 0600, owner and group of the process).  0, or -1 with the reason in
 * err. */
int dbd_endpoint_bind(void *sock, const char *endpoint,
                      const dbd_ipc_access *ipc, const dbd_log *log,
                      char *err, size_t errlen);

/* Gives the ipc socket file of endpoint access a (nothing for other
 * endpoints).  0, or -1 with the reason in err. */
int dbd_endpoint_set_access(const char *endpoint, const dbd_ipc_access *a,
                            char *err, size_t errlen);

/* After the socket is closed: removes an ipc socket file still there,
 * unless some process answers on it. */
void dbd_endpoint_cleanup(const char *endpoint);

#endif
