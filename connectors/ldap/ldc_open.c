/*
 * ldc_open.c - opening a connection: the options, the mapping file, the
 * libldap handle (LDAP v3, no referral chasing, network timeout) and a
 * simple bind, which is also what connects.
 *
 *   URL      ldap://host[:port]/BASEDN (ldaps:// and ldapi:// as well when
 *            the daemon hands them over; option uri covers them anyway)
 *   options  mapping      path of the mapping file (required)
 *            binddn       DN to bind as (default: the URL's user, else
 *                         anonymous)
 *            password     its password (also bind_password; default the
 *                         URL's password)
 *            timeout      milliseconds to wait for the server: connect and
 *                         each answer (default 10000; 0 = no limit)
 *            uri          libldap URI(s) to connect to instead of the URL's
 *                         host and port, e.g. ldapi:/// or
 *                         "ldap://a ldap://b"
 */
#include "ldc_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define DEFAULT_TIMEOUT_MS 10000

typedef struct opts {
    const char *mapping;
    const char *binddn;
    const char *password;
    const char *uri;
    long timeout_ms;
} opts;

static dbd_status parse_options(const dbd_url *url, const dbd_option *o,
                                size_t n, opts *out, char *err,
                                size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->binddn = url->user;
    out->password = url->password;
    out->timeout_ms = DEFAULT_TIMEOUT_MS;
    for (size_t i = 0; i < n; i++) {
        const char *key = o[i].key != NULL ? o[i].key : "";
        if (strncmp(key, "option.", 7) == 0) /* as configured */
            key += 7;
        const char *val = o[i].value != NULL ? o[i].value : "";
        if (strcmp(key, "mapping") == 0) {
            out->mapping = val;
        } else if (strcmp(key, "binddn") == 0) {
            out->binddn = val;
        } else if (strcmp(key, "password") == 0 ||
                   strcmp(key, "bind_password") == 0) {
            out->password = val;
        } else if (strcmp(key, "uri") == 0) {
            out->uri = val;
        } else if (strcmp(key, "timeout") == 0) {
            char *end;
            errno = 0;
            long ms = strtol(val, &end, 10);
            if (errno != 0 || end == val || *end != '\0' || ms < 0 ||
                ms > INT_MAX)
                return dbd_failf(DBD_CONFIG, err, errlen,
                                 "option timeout: '%s' is not a number of "
                                 "milliseconds", val);
            out->timeout_ms = ms;
        } else {
            return dbd_failf(DBD_CONFIG, err, errlen,
                             "unknown option '%s' (the ldap connector knows "
                             "mapping, binddn, password, bind_password, "
                             "timeout and uri)", key);
        }
    }
    if (out->mapping == NULL || out->mapping[0] == '\0')
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "option mapping (the table mapping file) is "
                         "required");
    return DBD_OK;
}

/* scheme://host[:port]/ for libldap, from the parsed URL. */
static int server_uri(const dbd_url *url, dbd_buf *b)
{
    bool v6 = url->host != NULL && strchr(url->host, ':') != NULL;
    dbd_buf_append_str(b, url->scheme);
    dbd_buf_append_str(b, "://");
    if (url->host != NULL) {
        dbd_buf_append_str(b, v6 ? "[" : "");
        dbd_buf_append_str(b, url->host);
        dbd_buf_append_str(b, v6 ? "]" : "");
    }
    if (url->port > 0) {
        dbd_buf_append_char(b, ':');
        dbd_buf_append_uint(b, (unsigned long long)url->port);
    }
    dbd_buf_append_char(b, '/');
    return b->failed ? -1 : 0;
}

static dbd_status set_options(ldc_conn *c, char *err, size_t errlen)
{
    int version = LDAP_VERSION3;
    struct timeval tv;
    int rc = ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &version);
    if (rc == LDAP_OPT_SUCCESS)
        rc = ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    if (rc == LDAP_OPT_SUCCESS)
        rc = ldap_set_option(c->ld, LDAP_OPT_RESTART, LDAP_OPT_ON);
    if (rc == LDAP_OPT_SUCCESS && ldc_timeout(c, &tv) != NULL)
        rc = ldap_set_option(c->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
    if (rc != LDAP_OPT_SUCCESS)
        return ldc_fail(rc, "setting LDAP options", NULL, err, errlen);
    return DBD_OK;
}

static dbd_status do_bind(ldc_conn *c, const opts *o, char *err,
                          size_t errlen)
{
    char *password = (char *)(o->password != NULL ? o->password : "");
    struct berval cred = {strlen(password), password};
    char diag[256] = "";
    int msgid;
    int rc = ldap_sasl_bind(c->ld, o->binddn, LDAP_SASL_SIMPLE, &cred, NULL,
                            NULL, &msgid);
    if (rc == LDAP_SUCCESS)
        rc = ldc_result(c, msgid, diag, sizeof diag);
    if (rc == LDAP_SUCCESS)
        return DBD_OK;
    char what[300];
    snprintf(what, sizeof what, "bind as %s",
             o->binddn != NULL && o->binddn[0] != '\0' ? o->binddn
                                                       : "anonymous");
    return ldc_fail(rc, what, diag, err, errlen);
}

void ldc_close(void *conn)
{
    ldc_conn *c = conn;
    if (c == NULL)
        return;
    if (c->ld != NULL)
        ldap_unbind_ext(c->ld, NULL, NULL);
    ldc_map_destroy(&c->map);
    if (c->c_locale != (locale_t)0)
        freelocale(c->c_locale);
    free(c->next_id);
    free(c);
}

dbd_status ldc_open(const dbd_host *host, const dbd_url *url,
                    const dbd_option *options, size_t noptions, void **conn,
                    char *err, size_t errlen)
{
    ldc_conn *c = NULL;
    dbd_buf uri;
    opts o;
    dbd_status st;

    (void)host; /* nothing to log that the daemon does not log itself */
    *conn = NULL;
    dbd_buf_init(&uri);
    if (url == NULL)
        return dbd_failf(DBD_CONFIG, err, errlen, "ldap connector: no URL");
    st = parse_options(url, options, noptions, &o, err, errlen);
    if (st != DBD_OK)
        goto out;
    if ((c = calloc(1, sizeof *c)) == NULL ||
        (c->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0)) ==
            (locale_t)0 ||
        server_uri(url, &uri) != 0) {
        st = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    c->timeout_ms = (int)o.timeout_ms;
    /* defaults hold numbers: read them as the rest, in the "C" locale */
    locale_t old = uselocale(c->c_locale);
    c->map = ldc_map_load(o.mapping, url->path != NULL ? url->path : "", err,
                          errlen);
    uselocale(old);
    if (c->map == NULL) {
        st = DBD_CONFIG;
        goto out;
    }
    c->next_id = calloc(ldc_map_ntables(c->map), sizeof *c->next_id);
    if (c->next_id == NULL) {
        st = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    const char *target = o.uri != NULL ? o.uri : dbd_buf_text(&uri);
    int rc = ldap_initialize(&c->ld, target);
    if (rc != LDAP_SUCCESS) {
        st = dbd_failf(DBD_CONFIG, err, errlen, "LDAP URI %s: %s", target,
                       ldap_err2string(rc));
        goto out;
    }
    st = set_options(c, err, errlen);
    if (st == DBD_OK)
        st = do_bind(c, &o, err, errlen);
    if (st != DBD_OK)
        goto out;
    *conn = c;
    c = NULL;
out:
    ldc_close(c);
    dbd_buf_free(&uri);
    return st;
}

dbd_status ldc_ping(ldc_conn *c, char *msg, size_t msglen)
{
    char none[] = LDAP_NO_ATTRS;
    char *attrs[] = {none, NULL};
    char diag[256];
    int msgid;
    /* the root DSE: always there, readable anonymously, tiny */
    int rc = ldap_search_ext(c->ld, "", LDAP_SCOPE_BASE, "(objectClass=*)",
                             attrs, 0, NULL, NULL, NULL, 0, &msgid);
    if (rc == LDAP_SUCCESS)
        rc = ldc_result(c, msgid, diag, sizeof diag);
    else
        diag[0] = '\0';
    if (rc == LDAP_SUCCESS)
        return DBD_OK;
    return ldc_fail(rc, "ping", diag, msg, msglen);
}
