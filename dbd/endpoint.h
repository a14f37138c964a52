/*
 * endpoint.h - binding the front end's sockets.  For ipc:// endpoints the
 * socket file is checked first: ZeroMQ would silently replace a live
 * socket of another running dbd, so an existing file is removed only when
 * no process answers on it, and a missing directory is an error (dbd does
 * not guess its owner and mode).
 */
#ifndef DBD_ENDPOINT_H
#define DBD_ENDPOINT_H

#include <stddef.h>

#include "log.h"

/* 0, or -1 with the reason in err. */
int dbd_endpoint_bind(void *sock, const char *endpoint, const dbd_log *log,
                      char *err, size_t errlen);

/* After the socket is closed: removes an ipc socket file still there,
 * unless some process answers on it. */
void dbd_endpoint_cleanup(const char *endpoint);

#endif
