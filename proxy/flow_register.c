/*
 * flow_register.c - REGISTER for a local domain (RFC 3261 10.3): challenge
 * without credentials; with them, the subscriber row and the AoR's
 * bindings are asked for at once, then the registrar's plan is written in
 * one batch and the 200 OK lists every current binding.
 */
#include "wctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_port.h>

#include "contacts.h"
#include "credentials.h"
#include "flow_lookup.h"
#include "sipmsg.h"

/* Copies src into dst[dstlen]; false when it does not fit or is empty. */
static bool copy_field(char *dst, size_t dstlen, const char *src)
{
    size_t len = src != NULL ? strlen(src) : 0;
    if (len == 0 || len >= dstlen)
        return false;
    memcpy(dst, src, len + 1);
    return true;
}

static void reply_ok(sp_worker *w, sp_task *t, int64_t now_us)
{
    const reg_plan *p = &t->plan;
    sp_hdr *hdrs = calloc(p->ncurrent + 1, sizeof *hdrs);
    char **values = calloc(p->ncurrent + 1, sizeof *values);
    char date[64];
    size_t n = 0;

    if (hdrs == NULL || values == NULL) {
        log_errx(w->log, "out of memory answering REGISTER");
        sp_respond(w, t, 500, NULL, NULL, 0);
        goto out;
    }
    for (size_t i = 0; i < p->ncurrent; i++) {
        const reg_binding *b = &p->current[i];
        /* Sized from the contact: long ones (push parameters) fit too. */
        size_t size = strlen(b->contact) + 64;
        int64_t left = (b->expires_us - now_us + 999999) / 1000000;
        int len;
        if ((values[n] = malloc(size)) == NULL) {
            log_errx(w->log, "out of memory answering REGISTER");
            sp_respond(w, t, 500, NULL, NULL, 0);
            goto out;
        }
        if (left < 0)
            left = 0;
        if (b->q >= 0 && b->q != 1.0)
            len = snprintf(values[n], size, "<%s>;expires=%lld;q=%.2f",
                           b->contact, (long long)left, b->q);
        else
            len = snprintf(values[n], size, "<%s>;expires=%lld", b->contact,
                           (long long)left);
        if (len < 0 || (size_t)len >= size) {
            log_errx(w->log, "REGISTER %s@%s: binding %s cannot be listed",
                     t->user, t->domain, b->ruid);
            sp_respond(w, t, 500, NULL, NULL, 0);
            goto out;
        }
        hdrs[n].name = "Contact";
        hdrs[n].value = values[n];
        n++;
    }
    sip_date(now_us / 1000000, date, sizeof date);
    hdrs[n].name = "Date";
    hdrs[n].value = date;
    n++;
    log_debug(w->log, "REGISTER %s@%s: %zu binding(s)", t->user, t->domain,
              p->ncurrent);
    sp_respond(w, t, 200, NULL, hdrs, n);
out:
    for (size_t i = 0; values != NULL && i <= p->ncurrent; i++)
        free(values[i]);
    free(hdrs);
    free(values);
}

static void reg_plan_step(sp_worker *w, sp_task *t, const dbd_result *rows);

/* The AoR's rows read again after a CONSTRAINT (slot 0). */
static void reg_after_requery(sp_worker *w, sp_task *t, const sp_answer *a)
{
    if (a->st[0] != DBD_OK) {
        sp_respond_dbd_error(w, t, a->st[0], a, "location lookup");
        return;
    }
    reg_plan_step(w, t, a->res[0]);
}

static void reg_after_write(sp_worker *w, sp_task *t, const sp_answer *a)
{
    const dbd_result *r = a->res[0];
    dbd_status st = a->st[0];

    for (size_t i = 0; st == DBD_OK && r != NULL && i < dbd_result_nsubs(r);
         i++)
        st = dbd_result_status(dbd_result_sub(r, i));
    if (st == DBD_CONSTRAINT && !t->reg_retried) {
        /* Another copy of this REGISTER (a retransmission handled at the
         * same time) wrote the same ruid first: read the rows again and
         * plan once more; the copy then shows as a retransmission. */
        dbd_request *loc = reg_query_bindings(w->cfg->location.ds,
                                              w->cfg->location.table,
                                              t->user, t->domain);
        log_debug(w->log, "REGISTER %s@%s: write refused (CONSTRAINT), "
                  "reading the bindings again", t->user, t->domain);
        t->reg_retried = true;
        reg_plan_free(&t->plan);
        t->have_plan = false;
        sp_task_query(w, t, 0, loc);
        dbd_request_destroy(&loc);
        sp_task_then(w, t, reg_after_requery);
        return;
    }
    if (st != DBD_OK) {
        sp_respond_dbd_error(w, t, st, a->st[0] == st ? a : NULL,
                             "location write");
        return;
    }
    reply_ok(w, t, t->plan_now_us);
}

/* The source as a Kamailio "received" value when the first contact is not
 * where the REGISTER came from (a client behind NAT). */
static void received_for(const sp_task *t, const sp_contacts *cs, char *out,
                         size_t outlen)
{
    osip_contact_t *ct = osip_list_get(&t->msg->contacts, 0);
    char hp[SP_ADDR_HOSTPORT_MAX];
    out[0] = '\0';
    if (cs->n == 0 || ct == NULL || ct->url == NULL)
        return;
    if (ct->url->host != NULL &&
        sp_addr_host_is(&t->src, ct->url->host) &&
        (sp_addr_port(ct->url->port) == t->src_port ||
         (sp_addr_port(ct->url->port) == 0 && t->src_port == 5060)))
        return;
    sp_addr_hostport(t->src_ip, t->src_port, hp, sizeof hp);
    snprintf(out, outlen, "sip:%s", hp);
}

static void reg_after_lookup(sp_worker *w, sp_task *t, const sp_answer *a)
{
    if (!sp_user_lookups_ok(w, t, a))
        return;
    switch (sp_verify_credentials(w, t, a->res[0])) {
    case SIP_AUTH_OK:
        break;
    case SIP_AUTH_STALE:
        sp_respond_challenge(w, t, false, true);
        return;
    case SIP_AUTH_FAIL:
    default:
        log_info(w->log, "REGISTER %s@%s from %s: authentication failed",
                 t->user, t->domain, t->src_ip);
        sp_respond_challenge(w, t, false, false);
        return;
    }
    reg_plan_step(w, t, a->res[1]);
}

/* Plans the REGISTER over the AoR's rows and writes the plan. */
static void reg_plan_step(sp_worker *w, sp_task *t, const dbd_result *rows)
{
    osip_message_t *m = t->msg;
    reg_binding *existing = NULL;
    size_t nexisting = 0;
    sp_contacts cs;
    reg_request rq;
    reg_limits lim = {w->cfg->min_expires_s, w->cfg->max_expires_s,
                      w->cfg->default_expires_s};
    char err[256], received[SP_ADDR_HOSTPORT_MAX + 8];
    char *callid = NULL;
    const char *bad;

    memset(&cs, 0, sizeof cs);
    if (reg_bindings_from_result(rows, &existing, &nexisting, err,
                                 sizeof err) != 0) {
        sp_warn_data(w, "location rows of %s@%s: %s", t->user, t->domain,
                     err);
        sp_respond(w, t, 500, NULL, NULL, 0);
        return;
    }
    bad = sp_contacts_read(m, &cs);
    memset(&rq, 0, sizeof rq);
    sp_contacts_fill_request(m, &cs, &rq);
    if (bad == NULL && rq.header_expires_s == -2)
        bad = "Bad Request - bad Expires";
    if (bad == NULL && osip_call_id_to_str(m->call_id, &callid) != 0)
        bad = "Bad Request - bad Call-ID";
    if (bad != NULL) {
        sp_respond(w, t, 400, bad, NULL, 0);
        goto out;
    }
    received_for(t, &cs, received, sizeof received);
    rq.username = t->user;
    rq.domain = t->domain;
    rq.callid = callid;
    rq.received = received[0] != '\0' ? received : NULL;
    rq.socket = w->socks[t->sock].text;
    rq.now_us = sp_now_real_us();
    t->plan_now_us = rq.now_us;
    if (reg_plan_make(&rq, &lim, existing, nexisting, w->cfg->location.ds,
                      w->cfg->location.table, NULL, NULL, &t->plan) != 0) {
        log_errx(w->log, "out of memory planning REGISTER of %s@%s", t->user,
                 t->domain);
        sp_respond(w, t, 500, NULL, NULL, 0);
        goto out;
    }
    t->have_plan = true;
    if (t->plan.code == 423) {
        char min[24];
        sp_hdr h = {"Min-Expires", min};
        snprintf(min, sizeof min, "%lld", (long long)t->plan.min_expires_s);
        sp_respond(w, t, 423, t->plan.reason, &h, 1);
    } else if (t->plan.code != 200) {
        sp_respond(w, t, t->plan.code, t->plan.reason, NULL, 0);
    } else if (t->plan.writes != NULL) {
        sp_task_query(w, t, 0, t->plan.writes);
        sp_task_then(w, t, reg_after_write);
    } else {
        reply_ok(w, t, t->plan_now_us);
    }
out:
    if (callid != NULL) {
        osip_free(callid);
    }
    sp_contacts_free(&cs);
    reg_bindings_free(existing, nexisting);
}

void sp_register_start(sp_worker *w, sp_task *t)
{
    osip_message_t *m = t->msg;
    const char *domain = sp_local_domain(w, m->to->url->host);
    char err[256];
    int found;

    if (!copy_field(t->user, sizeof t->user, m->to->url->username)) {
        sp_respond(w, t, 400, "Bad Request - no user in To", NULL, 0);
        return;
    }
    if (!copy_field(t->domain, sizeof t->domain, domain) ||
        !copy_field(t->realm, sizeof t->realm,
                    w->cfg->realm != NULL ? w->cfg->realm : domain)) {
        sp_respond(w, t, 400, "Bad Request - domain too long", NULL, 0);
        return;
    }
    found = sp_find_credentials(w, t, false, err, sizeof err);
    if (found < 0) {
        log_info(w->log, "REGISTER from %s: %s", t->src_ip, err);
        sp_respond(w, t, 400, "Bad Request - malformed credentials", NULL, 0);
        return;
    }
    if (found == 0) {
        sp_respond_challenge(w, t, false, false);
        return;
    }
    if (!sp_credentials_user_is(&t->cred, t->user)) {
        sp_respond(w, t, 403, "Forbidden - authentication user differs "
                   "from To", NULL, 0);
        return;
    }
    if (!sp_precheck_credentials(w, t, false))
        return;
    {
        dbd_request *sub = sp_query_subscriber(w, t->user, t->domain,
                                               sp_subscriber_auth_columns, 3);
        dbd_request *loc = reg_query_bindings(w->cfg->location.ds,
                                              w->cfg->location.table,
                                              t->user, t->domain);
        sp_task_query(w, t, 0, sub);
        sp_task_query(w, t, 1, loc);
        dbd_request_destroy(&sub);
        dbd_request_destroy(&loc);
    }
    sp_task_then(w, t, reg_after_lookup);
}
