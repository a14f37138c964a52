/*
 * server_impl.h - the server's state, shared by server.c (set-up, main
 * loop, shutdown), dispatch.c (one request) and admin.c (the admin
 * operations).  Used from the main thread only.
 */
#ifndef DBD_SERVER_IMPL_H
#define DBD_SERVER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "datasource.h"
#include "registry.h"
#include "server.h"
#include "stats.h"

struct dbd_server {
    const dbd_config *cfg;
    const dbd_log *log;
    int sigfd;
    void *zctx;
    void **routers;        /* one per endpoint, same order as cfg */
    bool *unread;          /* per ROUTER: read it to EAGAIN before sleeping */
    size_t nrouters;
    dbd_replyq *replies;   /* replies from the workers */
    dbd_registry *reg;
    dbd_datasource **ds;
    size_t nds;
    dbd_counters counters; /* the whole daemon */
    dbd_ds_env env;
    dbd_outlet outlet;     /* sends on the ROUTER sockets */
    int64_t start_mono_us;
    size_t workers_live;   /* started and not yet reported their exit */
    bool shutting_down;
    bool stop_issued;      /* datasources told to stop */
    int64_t drain_deadline_mono_us;
    int64_t last_sweep_mono_us;
};

/* One request message from the client ident on ROUTER socket sock
 * (dispatch.c).  nframes counts the body frames received. */
void dbd_dispatch(dbd_server *srv, uint32_t sock, const void *ident,
                  size_t ident_len, const void *body, size_t len,
                  int nframes);

/* The datasource called name, or NULL. */
dbd_datasource *dbd_server_find_ds(dbd_server *srv, const char *name);

/* Admin operations answered by the front end (admin.c): fill r. 0 / -1. */
int dbd_admin_ping(dbd_server *srv, dbd_result *r);
int dbd_admin_datasources(dbd_server *srv, dbd_result *r);
int dbd_admin_stats(dbd_server *srv, dbd_result *r);

#endif
