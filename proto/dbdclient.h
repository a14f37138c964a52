/*
 * dbdclient.h - the C client library of dbd (libdbdclient).
 *
 * Two ways to talk to dbd over one connection (a ZeroMQ DEALER socket):
 *
 *  - blocking:     dbd_call() sends a request and waits for its result;
 *  - non-blocking: dbd_client_send() queues a request and returns its id;
 *                  poll dbd_client_fd() for POLLIN (and wake up at
 *                  dbd_client_timeout_ms() at the latest), then call
 *                  dbd_client_collect() until it returns 0.
 *
 * Both may be mixed; dbd_call() keeps results of other requests it receives
 * while waiting so that collect() hands them out later.
 *
 * Ownership: a request passed to send()/call() stays the caller's (it is
 * encoded at once and may be destroyed right after).  Every dbd_result
 * returned is the caller's, freed with dbd_result_destroy().  Pointers into a
 * result live as long as the result.
 *
 * Thread-safety: a dbd_client is not thread-safe; use one per thread (they
 * are cheap and share one ZeroMQ context per process).  Results, requests
 * and distinct clients are independent.
 *
 * Transport failures are reported as results, never as a missing reply: a
 * request whose deadline passes without an answer completes with
 * DBD_TIMEOUT; a client that cannot send completes it with
 * DBD_UNAVAILABLE.  A late reply for a request that already timed out is
 * discarded.
 */
#ifndef DBD_DBDCLIENT_H
#define DBD_DBDCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "request.h"
#include "result.h"
#include "status.h"
#include "value.h"

/* The endpoint the sample dbd.conf binds and clients use by default. */
#define DBD_DEFAULT_ENDPOINT "ipc:///run/dbd/dbd.sock"
#define DBD_DEFAULT_TIMEOUT_MS 5000

typedef struct dbd_client dbd_client;

/*
 * Connects (lazily, as ZeroMQ does; a tcp:// endpoint with the first
 * request) to endpoint ("ipc://PATH" or "tcp://HOST:PORT").  NULL with a
 * message in err on failure.
 */
dbd_client *dbd_client_new(const char *endpoint, char *err, size_t errlen);
/* Closes the socket without waiting for unsent requests; accepts NULL. */
void dbd_client_destroy(dbd_client **pc);

/* Default per-request timeout for send()/call() with timeout_ms < 0. */
void dbd_client_set_timeout(dbd_client *c, int timeout_ms);
/*
 * The name every request sent through c carries as its "client" key
 * (PROTOCOL.md section 4) unless the request has its own
 * (dbd_request_set_client()); NULL clears it.  0, or -1 when the name
 * breaks dbd_request_client_valid() (the old name stays) or memory runs
 * out.  The request is not changed: the name is lent to it only while it
 * is encoded.
 */
int dbd_client_set_name(dbd_client *c, const char *name);
/* Largest reply accepted (default 64 MiB, also for 0); larger ones fail
 * as BAD. */
void dbd_client_set_max_reply(dbd_client *c, size_t bytes);

/*
 * CURVE (encryption and client authentication by key) for a tcp://
 * endpoint: dbd's public key and the client's key pair, each 40
 * characters of Z85 (as read from key files by dbd_curve_key_load() of
 * proto/curve_key.h; "dbctl keygen" writes them).  Call it before the
 * first request: a tcp:// client connects with its first request, so the
 * keys apply from the very first attempt.  On an ipc:// endpoint the keys
 * are accepted and not used: dbd speaks CURVE on tcp:// only (its ipc://
 * sockets are guarded by file permissions), and a client with keys in its
 * environment must still reach a local dbd.  0, or -1 (the client stays
 * as it was) when a key is NULL or not valid Z85, a request was already
 * sent, or this ZeroMQ has no CURVE support.
 * A refused handshake fails requests at once as UNAVAILABLE, the message
 * saying "authentication failed (dbd does not know this client's key)"
 * or "CURVE handshake failed (wrong server key, ...)".
 */
int dbd_client_set_curve(dbd_client *c, const char *server_public_z85,
                         const char *client_public_z85,
                         const char *client_secret_z85);

/*
 * Blocking: sends req (its id is assigned by the client) and waits until
 * its result is complete or timeout_ms passes (< 0: the default, 0: no
 * timeout).  Returns a result (possibly TIMEOUT or UNAVAILABLE), or NULL
 * only when memory runs out.
 */
dbd_result *dbd_call(dbd_client *c, dbd_request *req, int timeout_ms);

/*
 * Non-blocking: assigns req->id, sets its deadline, sends it.  Returns 0 and
 * the id in *id, or -1 (err filled) when it could not be queued; then no
 * result will be delivered for it.
 */
int dbd_client_send(dbd_client *c, dbd_request *req, int timeout_ms,
                    uint64_t *id, char *err, size_t errlen);

/* A file descriptor that becomes readable when replies may be waiting
 * (ZeroMQ's ZMQ_FD: edge-triggered, so always drain with collect()). */
int dbd_client_fd(const dbd_client *c);

/*
 * Hands out one completed result: returns 1 and sets *id and *res (caller
 * owns it), 0 when none is complete yet, -1 on an unrecoverable socket
 * error.  Expired requests complete here as DBD_TIMEOUT.  Never blocks.
 */
int dbd_client_collect(dbd_client *c, uint64_t *id, dbd_result **res);

/* Milliseconds until the earliest pending deadline (-1: none pending).
 * Use it as the poll() timeout, computed right before each poll(): it is 0
 * when results are already waiting (ZMQ_FD may not fire for them). */
int dbd_client_timeout_ms(const dbd_client *c);
/* Requests sent whose results have not been collected. */
size_t dbd_client_pending(const dbd_client *c);

/* Microseconds since the Unix epoch (UTC), the clock deadlines use. */
int64_t dbd_now_usec(void);

/* Counters of one client since dbd_client_new(), for diagnostics and tests. */
typedef struct dbd_client_stats {
    uint64_t sent;        /* requests accepted by the socket */
    uint64_t completed;   /* results completed, whatever their status */
    uint64_t timeouts;    /* of which completed as DBD_TIMEOUT locally */
    uint64_t unavailable; /* of which completed as DBD_UNAVAILABLE locally */
    uint64_t late;        /* replies dropped: their id is not pending */
    uint64_t malformed;   /* replies undecodable, multi-part or oversize;
                             a pending request they name fails as BAD */
    uint64_t chunks;      /* reply messages received (a streamed result
                             counts once per message), whatever became
                             of them */
} dbd_client_stats;

void dbd_client_get_stats(const dbd_client *c, dbd_client_stats *out);

#endif
