/*
 * self.c - what sipproxy counts as itself: its sockets' addresses (and the
 * advertised host) for Via, Route and loop checks, and the local domains
 * for Request-URIs and REGISTER.
 */
#include "wctx.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* host without brackets equals the advertised host of s (any case). */
static bool host_matches(const sp_socket *s, const char *host)
{
    size_t hlen = strlen(host), slen = strlen(s->host);
    const char *sh = s->host;
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        host++;
        hlen -= 2;
    }
    if (slen >= 2 && sh[0] == '[' && sh[slen - 1] == ']') {
        sh++;
        slen -= 2;
    }
    if (hlen == slen && strncasecmp(host, sh, hlen) == 0)
        return true;
    return sp_addr_host_is(&s->local, host);
}

bool sp_is_me(const sp_worker *w, const char *host, int port)
{
    if (host == NULL || *host == '\0')
        return false;
    if (port <= 0)
        port = 5060;
    for (size_t i = 0; i < w->nsocks; i++)
        if (w->socks[i].port == port && host_matches(&w->socks[i], host))
            return true;
    return false;
}

static bool port_is_ours(const sp_worker *w, int port)
{
    for (size_t i = 0; i < w->nsocks; i++)
        if (w->socks[i].port == port)
            return true;
    return false;
}

bool sp_uri_is_local(const sp_worker *w, const osip_uri_t *uri)
{
    int port;
    if (uri == NULL || uri->host == NULL)
        return false;
    port = sp_addr_port(uri->port);
    if (port < 0)
        return false;
    if (sp_conf_is_local_domain(w->cfg, uri->host))
        return port == 0 || port_is_ours(w, port);
    return sp_is_me(w, uri->host, port);
}

const char *sp_local_domain(const sp_worker *w, const char *host)
{
    const char *d;
    if (host == NULL)
        return NULL;
    d = sp_conf_find_domain(w->cfg, host);
    if (d != NULL)
        return d;
    for (size_t i = 0; i < w->nsocks; i++)
        if (host_matches(&w->socks[i], host))
            return w->cfg->domains[0];
    return NULL;
}

dbd_request *sp_query_subscriber(const sp_worker *w, const char *user,
                                 const char *domain, const char *const *columns,
                                 size_t ncolumns)
{
    const sp_table_conf *tc = &w->cfg->subscriber;
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, tc->ds, tc->table);
    dbd_value u = dbd_string(user, strlen(user));
    dbd_value d = dbd_string(domain, strlen(domain));

    if (req == NULL)
        return NULL;
    for (size_t i = 0; i < ncolumns; i++)
        if (dbd_op_add_column(req, &req->op, columns[i]) != 0)
            goto fail;
    if (dbd_op_add_where(req, &req->op, "username", DBD_CMP_EQ, &u) != 0 ||
        dbd_op_add_where(req, &req->op, "domain", DBD_CMP_EQ, &d) != 0)
        goto fail;
    dbd_op_set_limit(&req->op, 1, 0);
    return req;
fail:
    dbd_request_destroy(&req);
    return NULL;
}

bool sp_is_number(const char *user)
{
    if (user == NULL)
        return false;
    if (*user == '+')
        user++;
    if (*user == '\0')
        return false;
    for (; *user != '\0'; user++)
        if (*user < '0' || *user > '9')
            return false;
    return true;
}
