/*
 * flow_authreq.c - with auth_requests = yes, requests that need a local
 * subscriber's Proxy-Authorization for our realm (407 otherwise; 403 when
 * the From is not a local user): every initial request for a gateway
 * (prefix routing) or with a preloaded Route, and INVITE and MESSAGE from
 * a local user to a local user.  Once checked, our credentials are removed
 * and the request goes on to the location lookup, prefix routing or its
 * Route.
 */
#include "wctx.h"

#include <string.h>

#include "credentials.h"
#include "sipmsg.h"

/* Removes the Proxy-Authorization entries for our realm: they were meant
 * for us (RFC 3261 22.3). */
static void consume_credentials(sp_task *t)
{
    osip_list_t *list = &t->msg->proxy_authorizations;
    int pos = 0;
    while (!osip_list_eol(list, pos)) {
        osip_authorization_t *h = osip_list_get(list, pos);
        sip_credentials c;
        char err[64];
        bool ours = sip_credentials_parse(h, &c, err, sizeof err) == 0 &&
                    strcmp(c.realm, t->realm) == 0;
        sip_credentials_free(&c);
        if (ours) {
            osip_list_remove(list, pos);
            osip_authorization_free(h);
            t->msg->message_property = 2;
        } else {
            pos++;
        }
    }
}

static void authreq_after_lookup(sp_worker *w, sp_task *t,
                                 const sp_answer *a)
{
    if (a->st[0] != DBD_OK) {
        sp_respond_dbd_error(w, t, a->st[0], a, "subscriber lookup");
        return;
    }
    switch (sp_verify_credentials(w, t, a->res[0])) {
    case SIP_AUTH_OK:
        break;
    case SIP_AUTH_STALE:
        sp_respond_challenge(w, t, true, true);
        return;
    case SIP_AUTH_FAIL:
    default:
        log_info(w->log, "%s from %s@%s (%s): authentication failed",
                 t->msg->sip_method, t->user, t->domain, t->src_ip);
        sp_respond_challenge(w, t, true, false);
        return;
    }
    consume_credentials(t);
    t->authenticated = true;
    if (t->after_auth == SP_AFTER_LOCATE)
        sp_locate_start(w, t);
    else if (t->after_auth == SP_AFTER_PREFIX)
        sp_prefix_start(w, t);
    else
        sp_forward(w, t, NULL);
}

void sp_auth_request_start(sp_worker *w, sp_task *t)
{
    const osip_uri_t *from = t->msg->from->url;
    const char *domain = sp_local_domain(w, from->host);
    const char *realm = w->cfg->realm != NULL ? w->cfg->realm : domain;
    char err[256];
    dbd_request *sub;
    int found;

    if (domain == NULL) {
        /* Only local subscribers may use our gateways or Routes. */
        log_info(w->log, "%s from %s: From %s is not a local user: 403",
                 t->msg->sip_method, t->src_ip,
                 from->host != NULL ? from->host : "-");
        sp_respond(w, t, 403, "Forbidden - not a local user", NULL, 0);
        return;
    }
    if (from->username == NULL ||
        strlen(from->username) >= sizeof t->user ||
        strlen(domain) >= sizeof t->domain || strlen(realm) >= sizeof t->realm) {
        sp_respond(w, t, 403, "Forbidden - bad From", NULL, 0);
        return;
    }
    strcpy(t->user, from->username);
    strcpy(t->domain, domain);
    strcpy(t->realm, realm);
    found = sp_find_credentials(w, t, true, err, sizeof err);
    if (found < 0) {
        log_info(w->log, "%s from %s: %s", t->msg->sip_method, t->src_ip, err);
        sp_respond(w, t, 400, "Bad Request - malformed credentials", NULL, 0);
        return;
    }
    if (found == 0) {
        sp_respond_challenge(w, t, true, false);
        return;
    }
    if (!sp_credentials_user_is(&t->cred, t->user)) {
        sp_respond(w, t, 403, "Forbidden - authentication user differs "
                   "from From", NULL, 0);
        return;
    }
    if (!sp_precheck_credentials(w, t, true))
        return;
    sub = sp_query_subscriber(w, t->user, t->domain,
                              sp_subscriber_auth_columns, 3);
    sp_task_query(w, t, 0, sub);
    dbd_request_destroy(&sub);
    sp_task_then(w, t, authreq_after_lookup);
}
