/*
 * forward.c - stateless forwarding of a request (RFC 3261 16.6 and 16.11):
 * the next hop from the top Route or the Request-URI, Max-Forwards
 * decremented, optional Record-Route, our Via with the branch computed on
 * arrival on top.
 */
#include "wctx.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <osipparser2/osip_port.h>

#include "sipmsg.h"

/* Record-Route <sip:HOSTPORT;lr> of socket s on top of m's list. */
static int add_record_route(osip_message_t *m, const sp_socket *s)
{
    char value[sizeof s->hostport + 16];
    osip_record_route_t *rr = NULL;

    snprintf(value, sizeof value, "<sip:%s;lr>", s->hostport);
    if (osip_record_route_init(&rr) != 0)
        return -1;
    if (osip_record_route_parse(rr, value) != 0 ||
        osip_list_add(&m->record_routes, rr, 0) < 0) {
        osip_record_route_free(rr);
        return -1;
    }
    return 0;
}

static int add_via(osip_message_t *m, const sp_socket *s, const char *branch)
{
    char value[sizeof s->hostport + SIP_BRANCH_MAX + 32];
    osip_via_t *via = NULL;

    snprintf(value, sizeof value, "SIP/2.0/UDP %s;branch=%s", s->hostport,
             branch);
    if (osip_via_init(&via) != 0)
        return -1;
    if (osip_via_parse(via, value) != 0 ||
        osip_list_add(&m->vias, via, 0) < 0) {
        osip_via_free(via);
        return -1;
    }
    return 0;
}

/* The next hop of m: its top Route, else its Request-URI (maddr is not
 * used: UDP only, RFC 3263 SRV/NAPTR lookups are not done; names only
 * with resolve_names = yes, else 478). */
static bool next_hop(sp_worker *w, const osip_message_t *m, sp_addr *to)
{
    osip_route_t *r = osip_list_get(&m->routes, 0);
    const osip_uri_t *u = r != NULL ? r->url : m->req_uri;
    char err[256];
    int port;

    if (u == NULL || u->host == NULL) {
        log_info(w->log, "no host to forward %s to", m->sip_method);
        return false;
    }
    port = sp_addr_port(u->port);
    if (port < 0 || !sp_resolve(w, u->host, port, to, err, sizeof err)) {
        log_info(w->log, "cannot forward %s: %s", m->sip_method,
                 port < 0 ? "bad port" : err);
        return false;
    }
    return true;
}

void sp_forward(sp_worker *w, sp_task *t, const sp_addr *dst)
{
    osip_message_t *m = t->msg;
    sp_addr to;
    size_t out;
    int mf;

    if (dst != NULL) {
        to = *dst;
    } else if (!next_hop(w, m, &to)) {
        sp_respond(w, t, 478, "Unresolvable destination", NULL, 0);
        return;
    }
    {
        char ip[SP_ADDR_IP_MAX];
        int port = 0;
        if (sp_addr_ip(&to, ip, sizeof ip, &port) && sp_is_me(w, ip, port)) {
            /* Sending to ourselves would only come back as a loop. */
            sp_respond(w, t, 482, NULL, NULL, 0);
            return;
        }
    }
    out = sp_pick_socket(w, to.ss.ss_family, t->sock);
    mf = sip_max_forwards(m);
    if (sip_set_max_forwards(m, mf < 0 ? 70 : mf - 1) != 0)
        goto oom;
    if (w->cfg->record_route && sip_to_tag(m) == NULL &&
        !MSG_IS_REGISTER(m)) {
        /* Two entries when the request changes sockets (e.g. IPv4 in,
         * IPv6 out), so that each side reaches us on its own family. */
        if (out != t->sock && add_record_route(m, &w->socks[t->sock]) != 0)
            goto oom;
        if (add_record_route(m, &w->socks[out]) != 0)
            goto oom;
    }
    if (add_via(m, &w->socks[out], t->branch) != 0)
        goto oom;
    if (log_enabled(w->log, LOG_DEBUG)) {
        char ip[SP_ADDR_IP_MAX] = "?";
        int port = 0;
        sp_addr_ip(&to, ip, sizeof ip, &port);
        log_debug(w->log, "forwarding %s %s to %s:%d", m->sip_method,
                  m->call_id->number, ip, port);
    }
    /* sp_send_msg logs its own failures; the client retransmits. */
    (void)sp_send_msg(w, out, m, &to);
    return;
oom:
    log_errx(w->log, "out of memory forwarding %s", m->sip_method);
    sp_respond(w, t, 500, NULL, NULL, 0);
}
