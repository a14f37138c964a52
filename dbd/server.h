/*
 * server.h - the front end: binds the endpoints, starts the datasources,
 * and runs the main loop that owns every ZeroMQ ROUTER socket (requests
 * in, replies out), the queue workers send replies through (replyq.h),
 * and the signal descriptor.  It never waits on a backend.
 */
#ifndef DBD_SERVER_H
#define DBD_SERVER_H

#include <stddef.h>

#include "config.h"
#include "log.h"

typedef struct dbd_server dbd_server;

/* cfg, config_path (re-read by a reload) and log must outlive the server;
 * sigfd comes from dbd_signals_open().  NULL with the reason in err. */
dbd_server *dbd_server_new(const dbd_config *cfg, const char *config_path,
                           const dbd_log *log, int sigfd, char *err,
                           size_t errlen);

/* Serves until SIGTERM/SIGINT (SIGHUP reloads the configuration), then drains (up to drain_timeout), answers
 * what is left and stops the workers.  0 on a clean shutdown. */
int dbd_server_run(dbd_server *srv);

/* Stops and joins the workers if still running, closes every socket and
 * connector, removes ipc socket files. */
void dbd_server_destroy(dbd_server **psrv);

#endif
