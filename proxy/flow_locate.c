/*
 * flow_locate.c - a request for a user of a local domain: the subscriber
 * and the user's live bindings are asked for at once; unknown user 404
 * (or prefix routing when the user part is a number: +digits), no live
 * binding 480, else the Request-URI becomes the best binding's
 * contact and the request is forwarded (to the binding's received address
 * when the client is behind NAT).
 */
#include "wctx.h"

#include <string.h>

#include <osipparser2/osip_port.h>

#include "flow_lookup.h"
#include "sipmsg.h"

/* The address of a "sip:HOST:PORT" received value (numeric: we wrote it
 * from the REGISTER's source address). */
static bool received_addr(const char *received, sp_addr *out)
{
    osip_uri_t *u = NULL;
    bool ok = false;
    if (osip_uri_init(&u) != 0)
        return false;
    if (osip_uri_parse(u, received) == 0 && u->host != NULL &&
        sp_addr_port(u->port) >= 0)
        ok = sp_addr_numeric(u->host, sp_addr_port(u->port), out);
    osip_uri_free(u);
    return ok;
}

static void locate_after_lookup(sp_worker *w, sp_task *t, const sp_answer *a)
{
    reg_binding *b = NULL;
    size_t n = 0;
    osip_uri_t *target = NULL;
    sp_addr dst;
    bool have_dst = false;
    char err[256];
    int best;

    if (!sp_user_lookups_ok(w, t, a))
        return;
    if (dbd_result_nrows(a->res[0]) == 0) {
        if (sp_is_number(t->user)) {
            /* A number dialled in our domain (many UAs do): no such
             * subscriber, so it goes to the gateways like any number. */
            t->after_auth = SP_AFTER_PREFIX;
            if (w->cfg->auth_requests && !t->authenticated &&
                !MSG_IS_ACK(t->msg) && !MSG_IS_CANCEL(t->msg))
                sp_auth_request_start(w, t);
            else
                sp_prefix_start(w, t);
            return;
        }
        sp_respond(w, t, 404, NULL, NULL, 0);
        return;
    }
    if (reg_bindings_from_result(a->res[1], &b, &n, err, sizeof err) != 0) {
        sp_warn_data(w, "location rows of %s@%s: %s", t->user, t->domain,
                     err);
        sp_respond(w, t, 500, NULL, NULL, 0);
        return;
    }
    best = reg_pick_best(b, n, sp_now_real_us());
    if (best < 0) {
        sp_respond(w, t, 480, NULL, NULL, 0);
        goto out;
    }
    if (osip_uri_init(&target) != 0 ||
        osip_uri_parse(target, b[best].contact) != 0) {
        log_warnx(w->log, "binding of %s@%s has an unusable contact \"%s\"",
                  t->user, t->domain, b[best].contact);
        sp_respond(w, t, 480, NULL, NULL, 0);
        goto out;
    }
    if (b[best].received != NULL && b[best].received[0] != '\0')
        have_dst = received_addr(b[best].received, &dst);
    osip_uri_free(t->msg->req_uri);
    t->msg->req_uri = target;
    target = NULL;
    t->msg->message_property = 2;
    sp_forward(w, t, have_dst ? &dst : NULL);
out:
    if (target != NULL)
        osip_uri_free(target);
    reg_bindings_free(b, n);
}

void sp_locate_start(sp_worker *w, sp_task *t)
{
    const osip_uri_t *ruri = t->msg->req_uri;
    const char *domain = sp_local_domain(w, ruri->host);
    static const char *const cols[] = {"username"};
    dbd_request *sub, *loc;

    if (domain == NULL || ruri->username == NULL ||
        strlen(ruri->username) >= sizeof t->user ||
        strlen(domain) >= sizeof t->domain) {
        sp_respond(w, t, 404, NULL, NULL, 0);
        return;
    }
    strcpy(t->user, ruri->username);
    strcpy(t->domain, domain);
    sub = sp_query_subscriber(w, t->user, t->domain, cols, 1);
    loc = reg_query_lookup(w->cfg->location.ds, w->cfg->location.table,
                           t->user, t->domain, sp_now_real_us());
    sp_task_query(w, t, 0, sub);
    sp_task_query(w, t, 1, loc);
    dbd_request_destroy(&sub);
    dbd_request_destroy(&loc);
    sp_task_then(w, t, locate_after_lookup);
}
