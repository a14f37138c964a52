/*
 * flow_prefix.c - a request for a destination outside the local domains:
 * the longest-prefix rule of dr_rules for the Request-URI's user, then the
 * first usable gateway of its gwlist from dr_gateways; the number is
 * rewritten (strip, pri_prefix), the host:port becomes the gateway's and
 * the request is forwarded.  No rule or gateway: no_route_code; unusable
 * rows (bad types, bad gwlist, bad address): 500 and a warning.
 */
#include "wctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_port.h>

#include "sipmsg.h"

/* Unusable dr_rules/dr_gateways rows: a data error, not "no route". */
static void bad_data(sp_worker *w, sp_task *t, const char *why)
{
    sp_warn_data(w, "prefix routing of \"%s\": %s", t->user, why);
    sp_respond(w, t, 500, "Server Internal Error - bad routing data", NULL,
               0);
}

static void no_route(sp_worker *w, sp_task *t, const char *why)
{
    log_debug(w->log, "no route for \"%s\": %s", t->user, why);
    sp_respond(w, t, w->cfg->no_route_code,
               w->cfg->no_route_code == 404 ? "No Route" : NULL, NULL, 0);
}

/* The outcome of route_pick_rule / route_pick_gateway: true for 0 (found);
 * otherwise the request is answered, -1 as no route, else as bad data. */
static bool picked(sp_worker *w, sp_task *t, int rc, const char *err)
{
    if (rc == 0)
        return true;
    if (rc == -1)
        no_route(w, t, err);
    else
        bad_data(w, t, err);
    return false;
}

/*
 * A dr_gateways address: "host", "host:port", "[v6]:port", optionally
 * with a "sip:" scheme and ";params" (ignored: UDP only).  false when it
 * has no host or a bad port.
 */
static bool gateway_hostport(const char *address, char *host, size_t hostlen,
                             char *port, size_t portlen)
{
    const char *p = address, *end, *colon = NULL;
    size_t hlen;

    if (strncasecmp(p, "sip:", 4) == 0)
        p += 4;
    end = p + strcspn(p, ";?>");
    port[0] = '\0';
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (close == NULL)
            return false;
        hlen = (size_t)(close - p + 1);
        if (close + 1 < end) {
            if (close[1] != ':')
                return false;
            colon = close + 1;
        }
    } else {
        colon = memchr(p, ':', (size_t)(end - p));
        hlen = colon != NULL ? (size_t)(colon - p) : (size_t)(end - p);
    }
    if (hlen == 0 || hlen >= hostlen)
        return false;
    memcpy(host, p, hlen);
    host[hlen] = '\0';
    if (colon != NULL) {
        size_t plen = (size_t)(end - colon - 1);
        if (plen == 0 || plen >= portlen)
            return false;
        memcpy(port, colon + 1, plen);
        port[plen] = '\0';
        if (sp_addr_port(port) <= 0)
            return false;
    }
    return true;
}

/* Replaces an osip string field with a copy of value (NULL clears it). */
static int set_field(char **field, const char *value)
{
    char *copy = NULL;
    if (value != NULL && (copy = osip_strdup(value)) == NULL)
        return -1;
    if (*field != NULL) {
        osip_free(*field);
    }
    *field = copy;
    return 0;
}

static void prefix_after_gateways(sp_worker *w, sp_task *t,
                                  const sp_answer *a)
{
    route_gateway gw;
    char err[256], number[256], host[256], port[16];
    osip_uri_t *ruri = t->msg->req_uri;

    memset(&gw, 0, sizeof gw);
    if (a->st[0] != DBD_OK) {
        sp_respond_dbd_error(w, t, a->st[0], a, "gateway lookup");
        return;
    }
    if (!picked(w, t, route_pick_gateway(a->res[0], &t->rule, &gw, err,
                                         sizeof err), err))
        return;
    if (route_rewrite(t->user, gw.strip, gw.pri_prefix, number,
                      sizeof number) != 0) {
        no_route(w, t, "strip longer than the number");
        goto out;
    }
    if (!gateway_hostport(gw.address, host, sizeof host, port, sizeof port)) {
        snprintf(err, sizeof err, "dr_gateways gwid %lld: unusable address "
                 "\"%s\"", (long long)gw.gwid, gw.address);
        bad_data(w, t, err);
        goto out;
    }
    if (!w->cfg->resolve_names) {
        sp_addr probe;
        if (!sp_addr_numeric(host, 0, &probe))
            sp_warn_data(w, "dr_gateways gwid %lld: address \"%s\" is a "
                         "host name, not resolved (resolve_names = no): use "
                         "an IP address", (long long)gw.gwid, gw.address);
    }
    if (host[0] == '[') { /* osip keeps IPv6 hosts without brackets */
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = '\0';
    }
    if (set_field(&ruri->username, number) != 0 ||
        set_field(&ruri->host, host) != 0 ||
        set_field(&ruri->port, port[0] != '\0' ? port : NULL) != 0) {
        log_errx(w->log, "out of memory rewriting the Request-URI");
        sp_respond(w, t, 500, NULL, NULL, 0);
        goto out;
    }
    t->msg->message_property = 2;
    log_debug(w->log, "route %s -> %s via gateway %lld (rule %lld)", t->user,
              number, (long long)gw.gwid, (long long)t->rule.ruleid);
    sp_forward(w, t, NULL);
out:
    route_gateway_free(&gw);
}

static void prefix_after_rules(sp_worker *w, sp_task *t, const sp_answer *a)
{
    char err[256];
    dbd_request *req;

    if (a->st[0] != DBD_OK) {
        sp_respond_dbd_error(w, t, a->st[0], a, "route lookup");
        return;
    }
    if (!picked(w, t, route_pick_rule(a->res[0], t->user, &t->rule, err,
                                      sizeof err), err))
        return;
    t->have_rule = true;
    {
        int64_t ids[ROUTE_GWLIST_MAX];
        size_t nids = 0;
        if (route_gwlist_parse(t->rule.gwlist, ids, &nids, err,
                               sizeof err) != 0) {
            bad_data(w, t, err); /* a malformed gwlist */
            return;
        }
        if (nids == 0) {
            no_route(w, t, "the rule's gwlist names no gateway");
            return;
        }
    }
    req = route_query_gateways(w->cfg->dr_gateways.ds,
                               w->cfg->dr_gateways.table, &t->rule);
    if (req == NULL) {
        log_errx(w->log, "cannot build the gateway query (out of memory)");
        sp_respond(w, t, 500, NULL, NULL, 0);
        return;
    }
    sp_task_query(w, t, 0, req);
    dbd_request_destroy(&req);
    sp_task_then(w, t, prefix_after_gateways);
}

void sp_prefix_start(sp_worker *w, sp_task *t)
{
    const char *user = t->msg->req_uri->username;
    dbd_request *req;

    if (user == NULL)
        user = "";
    if (strlen(user) >= sizeof t->user) {
        no_route(w, t, "number too long");
        return;
    }
    strcpy(t->user, user);
    req = route_query_rules(w->cfg->dr_rules.ds, w->cfg->dr_rules.table,
                            t->user, w->cfg->route_group);
    sp_task_query(w, t, 0, req);
    dbd_request_destroy(&req);
    sp_task_then(w, t, prefix_after_rules);
}
