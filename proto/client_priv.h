/*
 * client_priv.h - internals of libdbdclient shared by proto/client*.c;
 * not installed.
 */
#ifndef DBD_CLIENT_PRIV_H
#define DBD_CLIENT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dbdclient.h"

#define CLIENT_NO_DEADLINE INT64_MAX
/* While requests wait for a connection, dbd_client_timeout_ms() asks the
 * caller to come back at least this often so that a failed connection
 * attempt is noticed without waiting for the whole deadline. */
#define CLIENT_RETRY_MS 10
#define CLIENT_DEFAULT_MAX_REPLY ((size_t)64 << 20)
/* Connection events matter to requests that wait in the outbox; while none
 * waits they are read at least this often, which keeps the monitor pipe
 * short without a receive call on it for every request. */
#define CLIENT_EVENTS_US 100000

/* One request between send and collect. */
typedef struct client_req {
    uint64_t id;
    int64_t deadline;      /* usec since the epoch, CLIENT_NO_DEADLINE */
    int timeout_ms;        /* as given, for the TIMEOUT message */
    dbd_result *res;       /* the reply as it is assembled */
    size_t reply_bytes;    /* bytes of reply messages so far */
    dbd_buf wire;          /* the encoded request while unsent */
    bool sent;
    bool done;             /* complete: in the ready list */
    struct client_req *prev, *next; /* outbox or ready list */
} client_req;

void client_req_free(client_req **pr);

/* A FIFO of requests linked through prev/next. */
typedef struct req_list {
    client_req *head, *tail;
    size_t n;
} req_list;

void req_list_push(req_list *l, client_req *r);
void req_list_unlink(req_list *l, client_req *r);
client_req *req_list_pop(req_list *l);
/* Frees every request of the list. */
void req_list_free(req_list *l);

/*
 * Pending requests by id.  Ids come from a counter, so appending keeps the
 * array sorted: lookups are binary searches, removals leave a hole that a
 * later compaction closes (amortised O(1)).
 */
typedef struct req_slot {
    uint64_t id;
    client_req *req; /* NULL: removed */
} req_slot;

typedef struct req_table {
    req_slot *slots;
    size_t len;          /* slots in use, holes included */
    size_t cap;
    size_t live;         /* slots holding a request */
    int64_t min_deadline; /* never above the earliest live deadline */
} req_table;

void req_table_init(req_table *t);
/* Frees the table and every request still in it. */
void req_table_free(req_table *t);
/* r->id must exceed every id added before. 0 or -1 (no memory). */
int req_table_add(req_table *t, client_req *r);
client_req *req_table_find(const req_table *t, uint64_t id);
/* Removes r (which must be in t). */
void req_table_remove(req_table *t, client_req *r);
/*
 * Moves every request whose deadline is <= now to out (in id order), taking
 * unsent ones out of outbox first, and recomputes min_deadline.
 */
void req_table_take_expired(req_table *t, int64_t now, req_list *outbox,
                            req_list *out);

/* The process-wide ZeroMQ context (client_ctx.c). */
void *client_ctx_acquire(uint64_t *serial, char *err, size_t errlen);
void client_ctx_release(void);

typedef enum conn_state {
    CONN_CONNECTING = 0, /* no attempt has finished yet */
    CONN_UP,             /* connected (maybe still handshaking) */
    CONN_DOWN,           /* the last attempt failed or the peer went away */
} conn_state;

struct dbd_client {
    void *zctx;
    void *sock;         /* DEALER connected to dbd */
    void *monitor;      /* PAIR receiving sock's connection events */
    int fd;             /* ZMQ_FD of sock */
    char *endpoint;
    char *name;         /* "client" of requests that carry none; NULL */
    bool curve;         /* the socket has CURVE keys (tcp:// only) */
    bool connected;     /* zmq_connect() done (see client_conn_open()) */
    conn_state state;
    bool handshaken;    /* the current connection finished its handshake */
    bool handshake_failed; /* down_reason tells why a handshake failed */
    char down_reason[96];
    int64_t events_due; /* when connection events are read at the latest */
    int timeout_ms;
    size_t max_reply;
    uint64_t last_id;
    req_table pending;  /* sent or waiting to be sent */
    req_list outbox;    /* not yet accepted by the socket, in order */
    req_list ready;     /* complete, waiting for collect() */
    dbd_client_stats stats;
};

/* client_conn.c: the socket, its monitor and the connection state. */
int client_conn_open(dbd_client *c, char *err, size_t errlen);
void client_conn_close(dbd_client *c);
/* Connects the socket if that has not happened yet (tcp:// endpoints wait
 * for the first request, see client_conn_open()).  0, or -1 with the
 * connection marked down (its requests then fail as UNAVAILABLE). */
int client_conn_connect(dbd_client *c);
/* Sets the CURVE keys (Z85, 40 characters and a NUL each) on the socket;
 * -1 once it is connected or when ZeroMQ refuses them. */
int client_conn_set_curve(dbd_client *c, const char *server,
                          const char *public, const char *secret);
/* Reads pending connection events; fails waiting requests when down. */
void client_conn_events(dbd_client *c);
/* client_conn_events() when requests wait in the outbox or the events are
 * due (at now, usec since the epoch). */
void client_conn_events_due(dbd_client *c, int64_t now);

/* client_io.c: moving requests and replies. */
/* Completes r (already out of the table and the outbox) with an error. */
void client_fail(dbd_client *c, client_req *r, dbd_status st,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Fails every request of the outbox as UNAVAILABLE. */
void client_fail_outbox(dbd_client *c);
/* Hands the outbox to the socket as far as it takes it; fails its requests
 * as UNAVAILABLE when the connection is down or the socket broken.  When
 * the socket refuses, connection events are read before deciding. */
void client_flush(dbd_client *c);
/* Receives every reply waiting on the socket.  0, or -1 on a socket error. */
int client_receive(dbd_client *c);
/* Completes expired requests. */
void client_expire(dbd_client *c, int64_t now);
/* Events, outbox, replies, expiry: one round of work.  0 or -1. */
int client_pump(dbd_client *c);

#endif
