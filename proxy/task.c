/*
 * task.c - one SIP request being handled by a worker, and the machinery
 * that parks it while dbd answers and runs its next step when every answer
 * is in (see wctx.h).
 */
#include "wctx.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osipparser2/osip_port.h>

#include "sipmsg.h"

/* The client completes a lookup as TIMEOUT at its deadline; the table's
 * own deadline is a safety net a little later, for a result that would
 * never come. */
#define SP_PENDING_GRACE_US 500000

int64_t sp_now_real_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t sp_now_mono_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

sp_task *sp_task_new(osip_message_t *msg, const sp_addr *src, size_t sock)
{
    sp_task *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->msg = msg;
    if (src != NULL) {
        t->src = *src;
        if (!sp_addr_ip(src, t->src_ip, sizeof t->src_ip, &t->src_port))
            t->src_ip[0] = '\0';
    }
    t->sock = sock;
    t->started_us = sp_now_mono_us();
    return t;
}

void sp_task_destroy(sp_task **pt)
{
    sp_task *t = pt != NULL ? *pt : NULL;
    if (t == NULL)
        return;
    *pt = NULL;
    if (t->msg != NULL)
        osip_message_free(t->msg);
    if (t->ruri != NULL)
        osip_free(t->ruri);
    for (int i = 0; i < SP_TASK_SLOTS; i++)
        dbd_result_destroy(&t->res[i]);
    sip_credentials_free(&t->cred);
    if (t->have_plan)
        reg_plan_free(&t->plan);
    if (t->have_rule)
        route_rule_free(&t->rule);
    free(t);
}

static void make_ready(sp_worker *w, sp_task *t)
{
    if (t->queued)
        return;
    t->queued = true;
    t->ready_next = w->ready;
    w->ready = t;
}

void sp_task_query(sp_worker *w, sp_task *t, int slot, dbd_request *req)
{
    char err[256];
    uint64_t id = 0;
    int64_t deadline;

    dbd_result_destroy(&t->res[slot]);
    if (req == NULL) {
        t->st[slot] = DBD_INTERNAL;
        log_errx(w->log, "cannot build a dbd request (out of memory?)");
        return;
    }
    if (!t->used_dbd && t->msg != NULL &&
        sp_pending_count(w->pending) >= w->cfg->max_pending) {
        /* A flood while dbd is slow must not grow memory and dbd's
         * queues without bound: new requests are turned away (503),
         * those already under way go on. */
        t->st[slot] = DBD_BUSY;
        return;
    }
    t->used_dbd = true;
    if (dbd_client_send(w->dbd, req, (int)w->cfg->dbd_timeout_ms, &id, err,
                        sizeof err) != 0) {
        t->st[slot] = DBD_UNAVAILABLE;
        log_warnx(w->log, "cannot send to dbd: %s", err);
        return;
    }
    deadline = sp_now_mono_us() + (int64_t)w->cfg->dbd_timeout_ms * 1000 +
               SP_PENDING_GRACE_US;
    if (sp_pending_add(w->pending, id, t, slot, deadline) != 0) {
        /* Its result will arrive for an unknown id and be dropped. */
        t->st[slot] = DBD_INTERNAL;
        log_errx(w->log, "cannot park a dbd request (out of memory)");
        return;
    }
    t->st[slot] = DBD_OK;
    t->outstanding++;
}

void sp_task_then(sp_worker *w, sp_task *t, sp_step_fn step)
{
    t->next = step;
    if (t->outstanding == 0)
        make_ready(w, t);
}

/* Runs t's next step with the results collected so far; frees t when the
 * step names no further step. */
static void run_step(sp_worker *w, sp_task *t)
{
    sp_answer a;
    sp_step_fn step = t->next;

    memset(&a, 0, sizeof a);
    for (int i = 0; i < SP_TASK_SLOTS; i++) {
        a.res[i] = t->res[i];
        a.st[i] = t->st[i];
        t->res[i] = NULL;
        t->st[i] = DBD_OK;
    }
    t->next = NULL;
    if (step != NULL)
        step(w, t, &a);
    for (int i = 0; i < SP_TASK_SLOTS; i++)
        dbd_result_destroy(&a.res[i]);
    if (t->next == NULL && t->outstanding == 0)
        sp_task_destroy(&t);
}

void sp_task_start(sp_worker *w, sp_task *t, sp_step_fn step)
{
    t->next = step;
    run_step(w, t);
}

void sp_task_complete(sp_worker *w, sp_task *t, int slot, dbd_result *res,
                      dbd_status st)
{
    dbd_result_destroy(&t->res[slot]);
    t->res[slot] = res;
    t->st[slot] = res != NULL ? dbd_result_status(res) : st;
    if (--t->outstanding == 0 && !t->queued)
        run_step(w, t);
}

void sp_task_deliver(sp_worker *w, uint64_t id, dbd_result *res,
                     dbd_status st)
{
    int slot = 0;
    sp_task *t = sp_pending_take(w->pending, id, &slot);
    if (t == NULL) {
        dbd_result_destroy(&res); /* late: its request was given up */
        return;
    }
    sp_task_complete(w, t, slot, res, st);
}

void sp_task_run_ready(sp_worker *w)
{
    while (w->ready != NULL) {
        sp_task *t = w->ready;
        w->ready = t->ready_next;
        t->ready_next = NULL;
        t->queued = false;
        if (t->outstanding == 0)
            run_step(w, t);
    }
}

void sp_task_abort_all(sp_worker *w)
{
    uint64_t id;
    int slot;
    sp_task *t;

    sp_task_run_ready(w);
    while ((t = sp_pending_take_any(w->pending, &id, &slot)) != NULL) {
        if (--t->outstanding > 0)
            continue;
        if (t->msg != NULL)
            sp_respond(w, t, 503, "Service Unavailable - shutting down",
                       NULL, 0);
        sp_task_destroy(&t);
    }
}
