/*
 * dispatch.c - the first step of every request (RFC 3261 16.3 and 16.4):
 * validation, Via received/rport, Max-Forwards, loop detection, our own
 * Route entries, and the choice of what handles it: the registrar, a
 * location lookup, prefix routing, or plain forwarding; with
 * auth_requests = yes, which requests must authenticate first.
 */
#include "wctx.h"

#include <string.h>

#include <osipparser2/osip_port.h>

#include "sipmsg.h"

static const sp_hdr options_hdrs[] = {
    {"Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, MESSAGE, INFO, "
              "UPDATE, PRACK, SUBSCRIBE, NOTIFY, REFER"},
    {"Accept", "application/sdp"},
};

static void answer_options(sp_worker *w, sp_task *t)
{
    sp_respond(w, t, 200, NULL, options_hdrs,
               sizeof options_hdrs / sizeof options_hdrs[0]);
}

/* A Via of ours whose loop part equals this request's: it has been here
 * with the same Request-URI before (RFC 3261 16.3 item 4). */
static bool is_loop(const sp_worker *w, const sp_task *t)
{
    const osip_message_t *m = t->msg;
    const char *loop = t->branch + strlen(SIP_BRANCH_COOKIE) +
                       SIP_BRANCH_PART_HEX;
    int pos = 0;

    while (!osip_list_eol(&m->vias, pos)) {
        osip_via_t *via = osip_list_get(&m->vias, pos++);
        osip_generic_param_t *br = NULL;
        const char *their;
        if (!sp_is_me(w, via->host, sp_addr_port(via->port)))
            continue;
        if (osip_via_param_get_byname(via, "branch", &br) != 0 || br == NULL)
            continue;
        their = sip_branch_loop_of(br->gvalue);
        if (their != NULL && strcmp(their, loop) == 0)
            return true;
    }
    return false;
}

/* Removes the Route entries naming us from the top (RFC 3261 16.4);
 * true when there was one. */
static bool pop_own_routes(const sp_worker *w, osip_message_t *m)
{
    osip_route_t *r;
    bool popped = false;
    while ((r = osip_list_get(&m->routes, 0)) != NULL &&
           sp_uri_is_local(w, r->url)) {
        osip_list_remove(&m->routes, 0);
        osip_route_free(r);
        m->message_property = 2;
        popped = true;
    }
    return popped;
}

/*
 * With auth_requests = yes: every initial request that would go to a
 * gateway (prefix routing, local false) needs a local subscriber's
 * credentials whatever its From says; INVITE and MESSAGE from a local user
 * to a local user too.  ACK and CANCEL cannot be challenged (RFC 3261
 * 22.1) and set nothing up on their own.
 */
static bool needs_auth(const sp_worker *w, const osip_message_t *m,
                       bool local)
{
    if (!w->cfg->auth_requests || sip_to_tag(m) != NULL)
        return false;
    if (MSG_IS_ACK(m) || MSG_IS_CANCEL(m))
        return false;
    if (!local)
        return true;
    if (!MSG_IS_INVITE(m) && !MSG_IS_MESSAGE(m))
        return false;
    return sp_local_domain(w, m->from->url->host) != NULL;
}

/* An initial request still carrying a Route that is not ours: only a
 * local user who authenticates may have us follow it (else anyone could
 * reach a gateway through us by naming it in a Route). */
static void foreign_route(sp_worker *w, sp_task *t)
{
    osip_message_t *m = t->msg;
    if (MSG_IS_CANCEL(m)) {
        sp_forward(w, t, NULL); /* goes where its INVITE went */
        return;
    }
    if (w->cfg->auth_requests &&
        sp_local_domain(w, m->from->url->host) != NULL) {
        t->after_auth = SP_AFTER_ROUTE;
        sp_auth_request_start(w, t);
        return;
    }
    log_info(w->log, "%s from %s:%d with a foreign Route refused",
             m->sip_method, t->src_ip, t->src_port);
    sp_respond(w, t, 403, "Forbidden - Route not allowed", NULL, 0);
}

void sp_handle_request(sp_worker *w, sp_task *t, const sp_answer *a)
{
    osip_message_t *m = t->msg;
    const char *reason = NULL, *to_tag;
    char tag[SIP_TAG_MAX];
    int code, mf;
    bool local, had_route, own_route;

    (void)a;
    code = sip_request_check(m, &reason);
    if (code < 0) {
        log_info(w->log, "request from %s:%d dropped: %s", t->src_ip,
                 t->src_port, reason);
        return;
    }
    /* Before any answer: rport and received say where it goes. */
    if (sip_via_fix_received(m, t->src_ip, t->src_port) != 0) {
        sp_respond(w, t, 500, NULL, NULL, 0);
        return;
    }
    if (code > 0) {
        log_info(w->log, "%s from %s:%d: %d %s",
                 m->sip_method != NULL ? m->sip_method : "request",
                 t->src_ip, t->src_port, code, reason);
        sp_respond(w, t, code, reason, NULL, 0);
        return;
    }
    if (m->req_uri->host == NULL) {
        sp_respond(w, t, 416, NULL, NULL, 0); /* tel: and other schemes */
        return;
    }
    if (osip_uri_to_str(m->req_uri, &t->ruri) != 0) {
        t->ruri = NULL;
        sp_respond(w, t, 500, NULL, NULL, 0);
        return;
    }
    sip_branch_compute(&w->branch_key, m, t->branch);
    to_tag = sip_to_tag(m);
    if (MSG_IS_ACK(m) && to_tag != NULL) {
        sip_local_tag(m, tag);
        if (strcmp(tag, to_tag) == 0)
            return; /* the ACK of a response we sent ourselves */
    }
    mf = sip_max_forwards(m);
    if (mf == 0) {
        if (MSG_IS_OPTIONS(m))
            answer_options(w, t);
        else
            sp_respond(w, t, 483, NULL, NULL, 0);
        return;
    }
    if (is_loop(w, t)) {
        sp_respond(w, t, 482, NULL, NULL, 0);
        return;
    }
    had_route = osip_list_size(&m->routes) > 0;
    own_route = pop_own_routes(w, m);
    if (osip_list_size(&m->routes) > 0) {
        if (to_tag != NULL)
            sp_forward(w, t, NULL); /* in-dialog loose routing */
        else
            foreign_route(w, t);
        return;
    }
    if (MSG_IS_REGISTER(m)) {
        if (sp_local_domain(w, m->to->url->host) == NULL) {
            sp_respond(w, t, 403, "Forbidden - not local domain", NULL, 0);
            return;
        }
        sp_register_start(w, t);
        return;
    }
    local = sp_uri_is_local(w, m->req_uri);
    if (to_tag != NULL && !local) {
        if (own_route) {
            /* In a dialog we record-routed: the Request-URI is the peer. */
            sp_forward(w, t, NULL);
            return;
        }
        if (MSG_IS_ACK(m) && !had_route) {
            /* The ACK of a non-2xx: a stateless proxy does not remember
             * where the INVITE went, so it is routed again like the
             * INVITE (below), e.g. by prefix to the same gateway. */
        } else if (w->cfg->record_route || w->cfg->auth_requests) {
            /* Not record-routed through us: nobody's dialog needs us, and
             * following it would reach any host (a gateway) unchecked. */
            log_info(w->log, "in-dialog %s from %s:%d without our Route "
                     "refused", m->sip_method, t->src_ip, t->src_port);
            sp_respond(w, t, 403, "Forbidden - not record-routed here",
                       NULL, 0);
            return;
        } else {
            sp_forward(w, t, NULL); /* in-dialog: the Request-URI is the peer */
            return;
        }
    }
    if (local && (m->req_uri->username == NULL ||
                  m->req_uri->username[0] == '\0')) {
        if (MSG_IS_OPTIONS(m))
            answer_options(w, t);
        else
            sp_respond(w, t, 404, NULL, NULL, 0);
        return;
    }
    t->after_auth = local ? SP_AFTER_LOCATE : SP_AFTER_PREFIX;
    if (needs_auth(w, m, local))
        sp_auth_request_start(w, t);
    else if (local)
        sp_locate_start(w, t);
    else
        sp_prefix_start(w, t);
}
