/*
 * client_ctx.c - the one ZeroMQ context shared by every dbd_client of a
 * process.
 *
 * This is the library's only process-wide mutable state, on purpose: a
 * ZeroMQ context owns I/O threads, so one context per client would multiply
 * threads in programs that open a client per thread (as dbdclient.h
 * recommends), and asking callers for a context would leak ZeroMQ into the
 * API.  A reference count under a mutex creates the context on first use
 * and terminates it when the last client is destroyed, so a program that
 * closes its clients leaves no thread or memory behind.  The serial number
 * names each client's inproc monitor endpoint uniquely within the context.
 */
#include "client_priv.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <zmq.h>

/* Sockets the shared context may hold: 2,730 clients. */
#define CLIENT_CTX_MAX_SOCKETS 8192

static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static void *ctx_shared;
static size_t ctx_refs;
static uint64_t ctx_serial;

void *client_ctx_acquire(uint64_t *serial, char *err, size_t errlen)
{
    void *ctx = NULL;

    if (pthread_mutex_lock(&ctx_lock) != 0) {
        snprintf(err, errlen, "cannot lock the shared ZeroMQ context");
        return NULL;
    }
    if (ctx_shared == NULL) {
        ctx_shared = zmq_ctx_new();
        if (ctx_shared == NULL) {
            snprintf(err, errlen, "cannot create a ZeroMQ context: %s",
                     zmq_strerror(errno));
            goto out;
        }
        /* ZeroMQ's default of 1023 sockets is 341 clients (each takes
         * three); a load generator or a many-threaded program wants more.
         * Each slot costs the context 12 bytes. */
        if (zmq_ctx_set(ctx_shared, ZMQ_MAX_SOCKETS, CLIENT_CTX_MAX_SOCKETS) !=
            0) {
            snprintf(err, errlen, "cannot size the ZeroMQ context: %s",
                     zmq_strerror(errno));
            zmq_ctx_term(ctx_shared);
            ctx_shared = NULL;
            goto out;
        }
    }
    ctx_refs++;
    *serial = ++ctx_serial;
    ctx = ctx_shared;
out:
    pthread_mutex_unlock(&ctx_lock);
    return ctx;
}

void client_ctx_release(void)
{
    if (pthread_mutex_lock(&ctx_lock) != 0)
        return;
    if (ctx_refs > 0 && --ctx_refs == 0) {
        /* Every socket is closed with linger 0 by now: term returns at once. */
        while (zmq_ctx_term(ctx_shared) != 0 && errno == EINTR)
            ;
        ctx_shared = NULL;
    }
    pthread_mutex_unlock(&ctx_lock);
}
