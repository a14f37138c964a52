/*
 * clients.c - the clients in force and who sent a message (clients.h).
 */
#include "clients.h"

#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "zap.h"

static const dbd_client *find(const dbd_clients *cs, const char *name)
{
    for (size_t i = 0; cs != NULL && i < cs->n; i++)
        if (strcmp(cs->v[i].rules.name, name) == 0)
            return &cs->v[i];
    return NULL;
}

dbd_clients *dbd_clients_new(const dbd_config *cfg, char *const *endpoints,
                             size_t nendpoints, const dbd_clients *prev)
{
    dbd_clients *cs = calloc(1, sizeof *cs);

    if (cs == NULL)
        return NULL;
    cs->v = calloc(cfg->nrules > 0 ? cfg->nrules : 1, sizeof *cs->v);
    cs->by_sock = calloc(nendpoints > 0 ? nendpoints : 1,
                         sizeof *cs->by_sock);
    if (cs->v == NULL || cs->by_sock == NULL)
        goto fail;
    cs->nsock = nendpoints;
    for (size_t i = 0; i < cfg->nrules; i++) {
        dbd_client *c = &cs->v[i];
        const dbd_client *kept = find(prev, cfg->rules[i].name);
        if (dbd_client_rules_copy(&c->rules, &cfg->rules[i]) != 0)
            goto fail;
        cs->n = i + 1;
        c->usage = kept != NULL ? dbd_client_usage_ref(kept->usage)
                                : dbd_client_usage_new();
        if (c->usage == NULL)
            goto fail;
        for (size_t e = 0; e < c->rules.nendpoints; e++)
            for (size_t s = 0; s < nendpoints; s++)
                if (strcmp(endpoints[s], c->rules.endpoints[e]) == 0)
                    cs->by_sock[s] = c;
    }
    return cs;
fail:
    dbd_clients_destroy(&cs);
    return NULL;
}

void dbd_clients_destroy(dbd_clients **pcs)
{
    dbd_clients *cs;
    if (pcs == NULL || *pcs == NULL)
        return;
    cs = *pcs;
    for (size_t i = 0; i < cs->n; i++) {
        dbd_client_rules_clear(&cs->v[i].rules);
        dbd_client_usage_unref(&cs->v[i].usage);
    }
    free(cs->v);
    free(cs->by_sock);
    free(cs);
    *pcs = NULL;
}

const dbd_client *dbd_clients_identify(const dbd_clients *cs, uint32_t sock,
                                       const char *user)
{
    if (sock < cs->nsock && cs->by_sock[sock] != NULL)
        return cs->by_sock[sock];
    return user != NULL ? find(cs, user) : NULL;
}

int dbd_clients_set_audit_readers(const dbd_clients *cs, struct dbd_zap *zap)
{
    const char **names;
    size_t n = 0;
    int rc;

    if (zap == NULL)
        return 0;
    names = calloc(cs->n > 0 ? cs->n : 1, sizeof *names);
    if (names == NULL)
        return -1;
    for (size_t i = 0; i < cs->n; i++)
        if ((cs->v[i].rules.admin & (UINT32_C(1) << DBD_OP_AUDIT)) != 0)
            names[n++] = cs->v[i].rules.name;
    rc = dbd_zap_set_audit_readers(zap, dbd_clients_in_force(cs), names, n);
    free(names);
    return rc;
}

void dbd_clients_warn_gaps(const dbd_clients *cs, char *const *endpoints, size_t nendpoints,
                           bool curve, const dbd_log *log)
{
    if (!dbd_clients_in_force(cs))
        return;
    for (size_t s = 0; s < nendpoints; s++) {
        bool tcp = strncmp(endpoints[s], "tcp://", 6) == 0;
        if (cs->by_sock[s] != NULL || (tcp && curve))
            continue;
        log_warnx(log, "client rules: %s belongs to no [client] section%s; "
                  "every request on it is denied", endpoints[s],
                  tcp ? " and has no CURVE key to name its clients" : "");
    }
    for (size_t i = 0; i < cs->n; i++) {
        const dbd_client_rules *r = &cs->v[i].rules;
        for (size_t e = 0; e < r->nendpoints; e++) {
            bool bound = false;
            for (size_t s = 0; s < nendpoints; s++)
                bound = bound || strcmp(endpoints[s], r->endpoints[e]) == 0;
            if (!bound)
                log_warnx(log, "client %s: endpoint %s is not bound (a new "
                          "endpoint needs a restart)", r->name,
                          r->endpoints[e]);
        }
    }
}
