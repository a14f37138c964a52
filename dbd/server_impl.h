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
#include "audit.h"
#include "clients.h"
#include "datasource.h"
#include "registry.h"
#include "server.h"
#include "stats.h"

/* A swap request waiting for its new backend's check (admin_swap.c). */
typedef struct dbd_pending_swap {
    dbd_datasource *ds;
    uint32_t sock;
    size_t ident_len;
    unsigned char ident[DBD_IDENT_BYTES];
    uint64_t id;
    int64_t arrival_mono_us;
    int64_t deadline_mono_us;
    char previous_url[1024];
    char peer[DBD_PEER_BYTES];
    char name[DBD_REQUEST_CLIENT_MAX + 1]; /* the client key, "" when none */
    char user[DBD_USER_BYTES]; /* its CURVE key's name, "" when none */
    char detail[1200];     /* for the audit record: the new URLs, masked */
} dbd_pending_swap;

struct dbd_server {
    const dbd_config *cfg;  /* the [dbd] settings in force since start */
    const char *config_path;
    const dbd_log *log;
    int sigfd;
    void *zctx;
    void **routers;        /* one per endpoint, same order as cfg */
    bool *unread;          /* per ROUTER: read it to EAGAIN before sleeping */
    size_t nrouters;
    dbd_replyq *replies;   /* replies from the workers */
    dbd_registry *reg;
    dbd_audit *audit;      /* NULL when [audit] is not configured */
    bool audit_bound;      /* its publish socket is ours to remove */
    struct dbd_zap *zap;   /* CURVE on tcp endpoints (zap.h); NULL: off */
    dbd_clients *clients;  /* [client NAME] rules in force (clients.h) */
    dbd_datasource **ds;
    size_t nds;
    size_t ds_cap;
    dbd_datasource **closing; /* removed by a reload, draining */
    size_t nclosing;
    dbd_pending_swap *swaps;
    size_t nswaps;
    uint64_t reloads;
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
 * (dispatch.c).  nframes counts the body frames received; peer is the
 * client's address when known (for the audit trail), else NULL; user is
 * the name of its CURVE key on a CURVE endpoint, else NULL.  With client
 * rules in force, the request is held to its client's (clients.h). */
void dbd_dispatch(dbd_server *srv, uint32_t sock, const void *ident,
                  size_t ident_len, const void *body, size_t len,
                  int nframes, const char *peer, const char *user);

/* The datasource called name, or NULL. */
dbd_datasource *dbd_server_find_ds(dbd_server *srv, const char *name);

/* Admin operations answered by the front end (admin.c): fill r. 0 / -1. */
int dbd_admin_ping(dbd_server *srv, dbd_result *r);
int dbd_admin_datasources(dbd_server *srv, dbd_result *r);
int dbd_admin_stats(dbd_server *srv, dbd_result *r);
int dbd_admin_hosts(dbd_server *srv, dbd_result *r);
int dbd_admin_audit(dbd_server *srv, dbd_result *r);

/* swap (admin_swap.c): starts the check; the answer comes from
 * dbd_swaps_poll() once it ends, or at the request's deadline. */
void dbd_admin_swap(dbd_server *srv, const dbd_reply_to *to,
                    const dbd_request *req);
/* Answers the swaps whose check ended or whose deadline passed. */
void dbd_swaps_poll(dbd_server *srv, int64_t now_mono_us);
/* Shutting down: every pending swap is answered UNAVAILABLE. */
void dbd_swaps_cancel(dbd_server *srv);

/* reload (reload.c): re-reads config_path and applies it.  to is NULL for
 * SIGHUP (the outcome is only logged). */
void dbd_admin_reload(dbd_server *srv, const dbd_reply_to *to);

#endif
