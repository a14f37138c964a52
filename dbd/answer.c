/* answer.c - encoding, sending and counting replies (see answer.h). */
#include "answer.h"

#include <stdarg.h>
#include <stdio.h>

#include "clock.h"

dbd_reply_to dbd_reply_to_job(const dbd_outlet *o, dbd_job *job,
                              dbd_counters *global, dbd_counters *ds)
{
    dbd_reply_to to = {
        .outlet = o,
        .sock = job->sock,
        .ident = job->ident,
        .ident_len = job->ident_len,
        .id = job->req != NULL ? job->req->id : 0,
        .arrival_mono_us = job->arrival_mono_us,
        .global = global,
        .ds = ds,
        .audit = job->audit,
        .req = job->req,
        .host = -1,
        .peer = job->peer[0] != '\0' ? job->peer : NULL,
        .user = job->user[0] != '\0' ? job->user : NULL,
        .ticket = &job->ticket,
    };
    return to;
}

dbd_reply_to dbd_reply_to_worker(const dbd_outlet *o, dbd_job *job,
                                 dbd_counters *global, dbd_counters *ds)
{
    dbd_reply_to to = dbd_reply_to_job(o, job, global, ds);
    to.claim = &job->claim;
    return to;
}

/* Whether this side may answer: the front end may have answered a
 * straggler already, and then the worker's reply is dropped. */
static bool may_answer(const dbd_reply_to *to)
{
    int expected = DBD_CLAIM_NONE;
    if (to->claim == NULL)
        return true;
    if (atomic_compare_exchange_strong(to->claim, &expected,
                                       DBD_CLAIM_WORKER))
        return true;
    return expected == DBD_CLAIM_WORKER;
}

int dbd_answer_raw(const dbd_reply_to *to, const void *body, size_t len)
{
    if (!may_answer(to))
        return 0; /* answered TIMEOUT by the front end already */
    return to->outlet->send(to->outlet->ctx, to->sock, to->ident,
                            to->ident_len, body, len);
}

void dbd_answer_count(const dbd_reply_to *to, dbd_status st, uint64_t rows,
                      int64_t affected)
{
    int64_t latency = now_mono_us() - to->arrival_mono_us;
    dbd_audit_held held;
    bool hold = to->held != NULL && to->held->len > 0;

    if (to->claim != NULL && atomic_load(to->claim) == DBD_CLAIM_FRONT)
        return; /* counted and audited when the front end answered */
    if (to->ticket != NULL)
        dbd_usage_ticket_close(to->ticket);
    dbd_counters_done(to->global, to->ds, st,
                      latency > 0 ? (uint64_t)latency : 0, rows);
    if (hold && !may_answer(to))
        return; /* the front end answered it meanwhile */
    held = (dbd_audit_held){.sock = to->sock, .ident = to->ident,
                            .ident_len = to->ident_len,
                            .body = hold ? to->held->data : NULL,
                            .len = hold ? to->held->len : 0};
    if (to->audit != NULL)
        dbd_audit_answer(to, st, rows, affected, hold ? &held : NULL);
    else if (hold)
        dbd_answer_raw(to, held.body, held.len); /* cannot happen: no trail */
}

int dbd_answer_result(const dbd_reply_to *to, const dbd_result *r)
{
    dbd_buf buf;
    int rc = -1;
    bool hold = dbd_audit_holds_replies(to->audit);

    dbd_buf_init(&buf);
    if (dbd_reply_encode(to->id, r, &buf) != 0) {
        dbd_buf_reset(&buf); /* nothing to hold: counted and audited */
        hold = false;
    } else if (!hold) {
        rc = dbd_answer_raw(to, buf.data, buf.len);
    } else {
        rc = 0;
    }
    {
        dbd_reply_to final = *to;
        final.held = hold ? &buf : NULL;
        dbd_answer_count(&final, dbd_result_status(r), dbd_result_nrows(r),
                         dbd_result_affected(r));
    }
    dbd_buf_free(&buf);
    return rc;
}

int dbd_answer_status(const dbd_reply_to *to, dbd_status st, const char *msg)
{
    dbd_result *r = dbd_result_new();
    int rc = -1;

    if (r == NULL || dbd_result_set_status(r, st, msg) != 0) {
        dbd_answer_count(to, st, 0, -1);
        goto out;
    }
    rc = dbd_answer_result(to, r);
out:
    dbd_result_destroy(&r);
    return rc;
}

int dbd_answer_statusf(const dbd_reply_to *to, dbd_status st,
                       const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return dbd_answer_status(to, st, msg);
}
