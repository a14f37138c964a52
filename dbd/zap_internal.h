/*
 * zap_internal.h - the state of dbd's ZAP handler, shared by zap.c (the
 * handler thread, ZAP requests, the allow-list) and zap_watch.c (failed
 * handshakes seen by the socket monitors, and the reporting of every
 * refusal).  Used by the handler thread, and by the main thread before
 * it starts and after it ends.
 */
#ifndef DBD_ZAP_INTERNAL_H
#define DBD_ZAP_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "curve_key.h"
#include "zap.h"
#include "zap_allow.h"

/* Handshakes still open that a refusal can be matched to (peer address by
 * descriptor); beyond that the oldest is forgotten. */
#define OPEN_SLOTS 256
#define ADDR_BYTES 80 /* "tcp://[IPv6]:port" and a NUL */
#define DETAIL_BYTES 160
/* A client refused again and again (ZeroMQ reconnects every 100 ms or so)
 * is logged and recorded once per QUIET_US for each address and reason,
 * so that it cannot flood the log and the trail; the next one that is
 * says how many were left out. */
#define QUIET_SLOTS 64
#define QUIET_US (60 * INT64_C(1000000))
/* ZAP_ENFORCE_DOMAIN is a draft option in libzmq 4.3: set when the library
 * knows it, so that a handshake with no handler bound (shutdown) fails
 * instead of passing; the handler is bound for the sockets' whole life
 * otherwise. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

/* A socket's handshakes, as its monitor tells them. */
typedef struct watch {
    void *pair;                 /* receives the monitor's events */
    char endpoint[256];         /* the socket's own, for messages */
    bool pending;               /* a failure waits for its disconnect */
    uint16_t event;
    uint32_t value;
} watch;

typedef struct quiet {
    char key[ADDR_BYTES + DETAIL_BYTES]; /* "ADDRESS reason"; "" free */
    int64_t since_mono_us;      /* last logged */
    uint64_t held;              /* refusals not logged since */
} quiet;

typedef struct open_conn {
    int fd;                     /* -1: free */
    char addr[ADDR_BYTES];
} open_conn;

struct dbd_zap {
    void *zctx;
    const dbd_log *log;
    dbd_audit *audit;
    char secret[DBD_CURVE_Z85_LEN + 1];
    pthread_mutex_t mu;         /* guards list and the readers: reloads
                                 * swap them */
    dbd_allow_list list;
    bool readers_ruled;         /* only readers may subscribe to the trail */
    char (*readers)[DBD_CURVE_NAME_MAX + 1];
    size_t nreaders;
    void *rep;                  /* ZAP requests */
    void *ctl_main, *ctl_thread; /* "stop" from the main thread */
    watch *watches;
    size_t nwatches;
    open_conn open[OPEN_SLOTS]; /* the thread's own */
    size_t open_next;
    quiet quiet[QUIET_SLOTS];   /* the thread's own */
    size_t quiet_next;
    pthread_t thread;
    bool started;
};

/* Logs one refused client and records it in the audit trail (at most once
 * a QUIET_US per address and reason).  client is its address as known
 * ("tcp://..."), peer its IP address or NULL. */
void dbd_zap_refused(dbd_zap *zap, const char *client, const char *peer,
                     const char *why);

/* A handshake failure of w's socket, on the connection addr (NULL when
 * unknown), reported as a refusal. */
void dbd_zap_report_failure(dbd_zap *zap, watch *w, const char *addr);

/* One event from the monitor of w's socket: a connection accepted, or a
 * handshake that failed (reported as a refusal). */
void dbd_zap_watch_event(dbd_zap *zap, watch *w);

#endif
