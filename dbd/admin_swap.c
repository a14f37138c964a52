/*
 * admin_swap.c - the swap operation as the front end runs it: start the
 * new backend's check, keep the request aside, and answer it when the
 * check ends (the switch has then happened, or not) or when the request's
 * deadline passes (the new backend is dropped, the old one stays).
 */
#include "server_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "strutil.h"

#define SWAP_DEFAULT_TIMEOUT_MS 30000 /* a check may need a connect timeout */

static void answer_swap(dbd_server *srv, const dbd_pending_swap *p,
                        dbd_status st, const char *msg)
{
    dbd_reply_to to = {
        .outlet = &srv->outlet,
        .sock = p->sock,
        .ident = p->ident,
        .ident_len = p->ident_len,
        .id = p->id,
        .arrival_mono_us = p->arrival_mono_us,
        .global = &srv->counters,
        .ds = dbd_datasource_counters(p->ds),
        .audit = srv->audit,
        .dsname = dbd_datasource_name(p->ds),
        .host = -1,
        .peer = p->peer[0] != '\0' ? p->peer : NULL,
        .detail = p->detail,
        .op_name = "swap",
        .name = p->name[0] != '\0' ? p->name : NULL,
        .user = p->user[0] != '\0' ? p->user : NULL,
    };
    static const char *const names[] = {"datasource", "url", "previous_url"};
    static const dbd_type types[] = {DBD_TYPE_STRING, DBD_TYPE_STRING,
                                     DBD_TYPE_STRING};
    dbd_result *r;

    if (st != DBD_OK) {
        log_warnx(srv->log, "[%s] swap refused: %s",
                  dbd_datasource_name(p->ds), msg);
        dbd_answer_statusf(&to, st, "swap of datasource \"%s\" refused, the "
                           "current backend stays: %s",
                           dbd_datasource_name(p->ds), msg);
        return;
    }
    log_notice(srv->log, "[%s] swapped from %s to %s",
               dbd_datasource_name(p->ds), p->previous_url,
               dbd_datasource_url(p->ds));
    r = dbd_result_new();
    dbd_value row[3] = {
        dbd_string(dbd_datasource_name(p->ds),
                   strlen(dbd_datasource_name(p->ds))),
        dbd_string(dbd_datasource_url(p->ds),
                   strlen(dbd_datasource_url(p->ds))),
        dbd_string(p->previous_url, strlen(p->previous_url)),
    };
    if (r == NULL || dbd_result_set_columns(r, 3, names, types) != 0 ||
        dbd_result_add_row(r, row) != 0)
        dbd_answer_status(&to, DBD_INTERNAL, "swapped, but the reply could "
                          "not be built (out of memory)");
    else
        dbd_answer_result(&to, r);
    dbd_result_destroy(&r);
}

void dbd_admin_swap(dbd_server *srv, const dbd_reply_to *to,
                    const dbd_request *req)
{
    dbd_datasource *ds = dbd_server_find_ds(srv, req->datasource);
    dbd_pending_swap *grown, *p;
    int64_t timeout_ms = SWAP_DEFAULT_TIMEOUT_MS;
    size_t started = 0;
    char msg[1024];
    dbd_status st;

    if (ds == NULL) {
        dbd_answer_statusf(to, DBD_NOTFOUND, "no such datasource \"%s\"",
                           req->datasource);
        return;
    }
    if (srv->shutting_down) {
        dbd_answer_status(to, DBD_UNAVAILABLE, "dbd is shutting down");
        return;
    }
    for (size_t i = 0; i < srv->nswaps; i++) {
        if (srv->swaps[i].ds == ds) { /* its answer is still due */
            dbd_answer_statusf(to, DBD_BUSY, "a swap of datasource \"%s\" "
                               "is still pending", req->datasource);
            return;
        }
    }
    grown = realloc(srv->swaps, (srv->nswaps + 1) * sizeof *grown);
    if (grown == NULL) {
        dbd_answer_status(to, DBD_INTERNAL, "out of memory");
        return;
    }
    srv->swaps = grown;
    p = &srv->swaps[srv->nswaps];
    *p = (dbd_pending_swap){
        .ds = ds,
        .sock = to->sock,
        .ident_len = to->ident_len,
        .id = to->id,
        .arrival_mono_us = to->arrival_mono_us,
    };
    memcpy(p->ident, to->ident, to->ident_len);
    if (to->peer != NULL)
        str_copy(p->peer, sizeof p->peer, to->peer);
    if (req->client != NULL)
        str_copy(p->name, sizeof p->name, req->client);
    if (to->user != NULL)
        str_copy(p->user, sizeof p->user, to->user);
    {
        /* The record shows the new URLs masked, never a password. */
        char *masked = req->op.url != NULL
                           ? dbd_url_list_redact(req->op.url)
                           : NULL;
        snprintf(p->detail, sizeof p->detail, "url=%s mode=%s",
                 masked != NULL ? masked : "?",
                 req->op.mode != NULL ? req->op.mode : "(unchanged)");
        free(masked);
    }
    str_copy(p->previous_url, sizeof p->previous_url,
             dbd_datasource_url(ds));
    if (req->timeout_msec > 0) /* saturate: x 1000 must not overflow */
        timeout_ms = req->timeout_msec < INT64_MAX / 4000
                         ? req->timeout_msec
                         : INT64_MAX / 4000;
    if (req->deadline_usec > 0) {
        int64_t left = (req->deadline_usec - now_real_us()) / 1000;
        if (left < timeout_ms)
            timeout_ms = left > 0 ? left : 0;
    }
    p->deadline_mono_us = to->arrival_mono_us + timeout_ms * 1000;
    st = dbd_datasource_swap_begin(ds, req->op.url, req->op.mode, &started,
                                   msg, sizeof msg);
    srv->workers_live += started;
    if (st != DBD_OK) {
        answer_swap(srv, p, st, msg);
        return;
    }
    /* The request's URLs may carry passwords: log the masked copy. */
    log_notice(srv->log, "[%s] swap to %s: checking the new backend",
               dbd_datasource_name(ds), dbd_datasource_standby_url(ds));
    srv->nswaps++;
}

void dbd_swaps_poll(dbd_server *srv, int64_t now_mono_us)
{
    size_t kept = 0;
    int64_t drain = now_mono_us + (int64_t)srv->cfg->drain_timeout_ms * 1000;

    for (size_t i = 0; i < srv->nswaps; i++) {
        dbd_pending_swap *p = &srv->swaps[i];
        dbd_status st;
        char msg[1024];
        if (dbd_datasource_swap_poll(p->ds, drain, &st, msg, sizeof msg)) {
            answer_swap(srv, p, st, msg);
            continue;
        }
        if (now_mono_us >= p->deadline_mono_us) {
            dbd_datasource_swap_abort(p->ds);
            answer_swap(srv, p, DBD_TIMEOUT, "the new backend was not ready "
                        "within the request's deadline");
            continue;
        }
        srv->swaps[kept++] = *p;
    }
    srv->nswaps = kept;
}

void dbd_swaps_cancel(dbd_server *srv)
{
    for (size_t i = 0; i < srv->nswaps; i++) {
        dbd_datasource_swap_abort(srv->swaps[i].ds);
        answer_swap(srv, &srv->swaps[i], DBD_UNAVAILABLE,
                    "dbd is shutting down");
    }
    srv->nswaps = 0;
}
