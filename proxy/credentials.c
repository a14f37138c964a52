/*
 * credentials.c - digest authentication steps shared by REGISTER (401)
 * and by INVITE/MESSAGE from local users (407): finding the caller's
 * credentials for our realm, and the verdict once the subscriber row is in.
 */
#include "credentials.h"

#include <stdio.h>
#include <string.h>

#include "sipmsg.h"

const char *const sp_subscriber_auth_columns[3] = {"password", "ha1", "ha1b"};

int sp_find_credentials(sp_worker *w, sp_task *t, bool proxy, char *err,
                        size_t errlen)
{
    const osip_list_t *list = proxy ? &t->msg->proxy_authorizations
                                    : &t->msg->authorizations;
    int pos = 0, rc = 0;

    err[0] = '\0';
    while (!osip_list_eol(list, pos)) {
        osip_authorization_t *h = osip_list_get(list, pos++);
        sip_credentials c;
        char perr[256];
        if (sip_credentials_parse(h, &c, perr, sizeof perr) != 0) {
            if (err[0] == '\0')
                snprintf(err, errlen, "%s", perr);
            rc = -1;
            continue;
        }
        if (strcmp(c.realm, t->realm) == 0) {
            sip_credentials_free(&t->cred);
            t->cred = c;
            return 1;
        }
        sip_credentials_free(&c);
    }
    (void)w;
    return rc;
}

/* The user part of a digest username ("alice" of "alice@example.com"). */
bool sp_credentials_user_is(const sip_credentials *c, const char *user)
{
    const char *at = strchr(c->username, '@');
    size_t len = at != NULL ? (size_t)(at - c->username) : strlen(c->username);
    return strlen(user) == len && strncmp(c->username, user, len) == 0;
}

static const char *column(const dbd_result *r, const char *name)
{
    long col = dbd_result_col_index(r, name);
    const char *s = NULL;
    size_t len;
    if (col < 0 || dbd_result_get_string(r, 0, (size_t)col, &s, &len) != 0)
        return NULL;
    return s;
}

bool sp_precheck_credentials(sp_worker *w, sp_task *t, bool proxy)
{
    if (!sip_auth_alg_offered(t->cred.alg, w->cfg->algs, w->cfg->nalgs)) {
        /* A downgrade to an algorithm we did not offer is never taken. */
        log_info(w->log, "%s from %s: algorithm %s not offered",
                 t->msg->sip_method, t->src_ip,
                 sip_digest_alg_name(t->cred.alg));
        sp_respond_challenge(w, t, proxy, false);
        return false;
    }
    if (!sip_auth_uri_matches(t->cred.uri, t->ruri)) {
        log_info(w->log, "%s from %s: digest uri \"%s\" is not the "
                 "Request-URI \"%s\"", t->msg->sip_method, t->src_ip,
                 t->cred.uri, t->ruri != NULL ? t->ruri : "");
        sp_respond(w, t, 400, "Bad Request - digest uri differs from "
                   "Request-URI", NULL, 0);
        return false;
    }
    if (sip_nonce_check(w->nonce_key, t->cred.nonce,
                        sp_now_real_us() / 1000000,
                        (int)w->cfg->nonce_lifetime_s, t->src_ip) ==
        SIP_NONCE_INVALID) {
        /* Not ours (or from another source): no need to ask dbd. */
        sp_respond_challenge(w, t, proxy, false);
        return false;
    }
    return true;
}

sip_auth_verdict sp_verify_credentials(sp_worker *w, sp_task *t,
                                       const dbd_result *subscriber)
{
    char buf[SIP_DIGEST_HEX_MAX];
    const char *ha1 = NULL;

    if (subscriber != NULL && dbd_result_nrows(subscriber) > 0) {
        ha1 = sip_auth_pick_ha1(
            w->cfg->calculate_ha1 ? SIP_HA1_PASSWORD : SIP_HA1_COLUMN,
            &t->cred, column(subscriber, "password"),
            column(subscriber, "ha1"), column(subscriber, "ha1b"), buf);
        if (ha1 == NULL && !w->cfg->calculate_ha1 &&
            t->cred.alg == SIP_DIGEST_SHA256 && !w->sha256_ha1_warned) {
            log_warnx(w->log, "SHA-256 credentials cannot be checked against "
                      "the MD5 ha1 columns; set calculate_ha1 = yes or offer "
                      "MD5 only");
            w->sha256_ha1_warned = true;
        }
        if (ha1 == NULL && !w->cfg->calculate_ha1 &&
            t->cred.alg == SIP_DIGEST_MD5)
            sp_warn_data(w, "subscriber %s@%s has no usable %s column "
                         "(calculate_ha1 = no): it can never authenticate",
                         t->user, t->domain,
                         strchr(t->cred.username, '@') != NULL ? "ha1b"
                                                               : "ha1");
    }
    if (!sip_auth_alg_offered(t->cred.alg, w->cfg->algs, w->cfg->nalgs))
        return SIP_AUTH_FAIL; /* sp_precheck_credentials answers it first */
    return sip_auth_verify(&t->cred, t->msg->sip_method, t->realm, ha1,
                           w->nonce_key, sp_now_real_us() / 1000000,
                           (int)w->cfg->nonce_lifetime_s, t->src_ip);
}
