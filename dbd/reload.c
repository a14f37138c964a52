/*
 * reload.c - re-reading dbd.conf (reload operation, SIGHUP) and applying
 * it as one step: the new file is parsed and every added or changed
 * datasource's connector loaded before anything changes, so a file with
 * any error is refused whole and the running configuration stays.  Then
 * datasources are added, changed (a new backend generation, see swap.c)
 * or removed (drained, then closed); unchanged ones are not touched and
 * keep their connections.  The [client NAME] rules are replaced whole,
 * for the next request; a kept client keeps its counts.  [dbd] settings
 * apply at start only: a reload that changes them says so.
 */
#include "server_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "zap.h"

enum ds_action { ACT_UNCHANGED, ACT_CHANGED, ACT_ADDED, ACT_REMOVED };

static const char *const action_names[] = {
    [ACT_UNCHANGED] = "unchanged",
    [ACT_CHANGED] = "changed",
    [ACT_ADDED] = "added",
    [ACT_REMOVED] = "removed",
};

/* The [dbd] keys that differ, comma-separated, into buf ("" when none). */
static bool same_str(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void dbd_section_changes(const dbd_config *a, const dbd_config *b,
                                char *buf, size_t len)
{
    bool endpoints = a->nendpoints != b->nendpoints;
    size_t n = 0;
    for (size_t i = 0; !endpoints && i < a->nendpoints; i++)
        endpoints = strcmp(a->endpoints[i], b->endpoints[i]) != 0;
    const struct {
        bool differs;
        const char *name;
    } keys[] = {
        {endpoints, "endpoint"},
        {strcmp(a->connector_dir, b->connector_dir) != 0, "connector_dir"},
        {a->max_message != b->max_message, "max_message"},
        {a->chunk_bytes != b->chunk_bytes, "chunk_bytes"},
        {a->max_rows != b->max_rows, "max_rows"},
        {a->log_dest != b->log_dest, "log"},
        {a->log_level != b->log_level, "log_level"},
        {a->drain_timeout_ms != b->drain_timeout_ms, "drain_timeout"},
        {a->io_threads != b->io_threads, "io_threads"},
        {!same_str(a->user, b->user), "user"},
        {!same_str(a->group, b->group), "group"},
        {!same_str(a->ipc_owner, b->ipc_owner), "ipc_owner"},
        {!same_str(a->ipc_group, b->ipc_group), "ipc_group"},
        {a->ipc_mode != b->ipc_mode, "ipc_mode"},
        {!same_str(a->curve_key, b->curve_key), "curve_key"},
        {!dbd_audit_config_equal(&a->audit, &b->audit), "[audit]"},
    };
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i].differs && n < len)
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " : "",
                                  keys[i].name);
}

/* Loads the connector of every datasource that will need a new backend,
 * so that a bad scheme refuses the whole file.  0 or -1 with err set. */
static int check_connectors(dbd_server *srv, const dbd_config *next,
                            char *err, size_t errlen)
{
    for (size_t i = 0; i < next->nds; i++) {
        const dbd_ds_config *c = &next->ds[i];
        dbd_datasource *cur = dbd_server_find_ds(srv, c->name);
        char **urls;
        size_t n;
        char why[512];
        if (cur != NULL && dbd_ds_config_equal(dbd_datasource_config(cur), c))
            continue;
        if (dbd_url_list_split(c->url, &urls, &n, why, sizeof why) != 0) {
            snprintf(err, errlen, "datasource %s: %s", c->name, why);
            return -1;
        }
        {
            dbd_url *u = dbd_url_parse(urls[0], why, sizeof why);
            const struct dbd_connector *conn =
                u != NULL ? dbd_registry_get_fresh(srv->reg, u->scheme, why,
                                             sizeof why)
                          : NULL;
            dbd_url_destroy(&u);
            dbd_url_list_free(urls, n);
            if (conn == NULL) {
                snprintf(err, errlen, "%s:%d: datasource %s: %s",
                         srv->config_path, c->line, c->name, why);
                return -1;
            }
        }
    }
    return 0;
}

static int add_row(dbd_result *r, const char *name, const char *action)
{
    dbd_value row[2] = {dbd_string(name, strlen(name)),
                        dbd_string(action, strlen(action))};
    return dbd_result_add_row(r, row);
}

/* Applies next (already checked) and describes it in r.  Datasources
 * created for next are in fresh[] (NULL for existing ones). */
static int apply(dbd_server *srv, const dbd_config *next,
                 dbd_datasource **fresh, dbd_result *r)
{
    int64_t drain = now_mono_us() + (int64_t)srv->cfg->drain_timeout_ms * 1000;
    dbd_datasource **list = calloc(next->nds > 0 ? next->nds : 1,
                                   sizeof *list);
    dbd_datasource **closing;
    size_t nremoved = 0;
    int rc = 0;

    if (list == NULL)
        return -1;
    for (size_t i = 0; i < srv->nds; i++)
        if (dbd_config_find_ds(next, dbd_datasource_name(srv->ds[i])) == NULL)
            nremoved++;
    closing = realloc(srv->closing,
                      (srv->nclosing + nremoved + 1) * sizeof *closing);
    if (closing == NULL) {
        free(list);
        return -1;
    }
    srv->closing = closing;
    for (size_t i = 0; i < srv->nds; i++) {
        dbd_datasource *ds = srv->ds[i];
        if (dbd_config_find_ds(next, dbd_datasource_name(ds)) != NULL)
            continue;
        dbd_datasource_swap_abort(ds);
        dbd_datasource_close(ds, drain);
        srv->closing[srv->nclosing++] = ds;
        log_notice(srv->log, "reload: datasource %s removed (draining)",
                   dbd_datasource_name(ds));
        if (add_row(r, dbd_datasource_name(ds), action_names[ACT_REMOVED]) != 0)
            rc = -1;
    }
    for (size_t i = 0; i < next->nds; i++) {
        const dbd_ds_config *c = &next->ds[i];
        enum ds_action act = ACT_UNCHANGED;
        size_t started = 0;
        if (fresh[i] != NULL) {
            list[i] = fresh[i];
            fresh[i] = NULL;
            act = ACT_ADDED;
            if (dbd_datasource_start(list[i], &started) != 0)
                rc = -1;
        } else {
            list[i] = dbd_server_find_ds(srv, c->name);
            if (!dbd_ds_config_equal(dbd_datasource_config(list[i]), c)) {
                act = ACT_CHANGED;
                if (dbd_datasource_reconfigure(list[i], c, drain, &started) !=
                    0)
                    rc = -1;
            }
        }
        srv->workers_live += started;
        if (act != ACT_UNCHANGED)
            log_notice(srv->log, "reload: datasource %s %s", c->name,
                       action_names[act]);
        if (add_row(r, c->name, action_names[act]) != 0)
            rc = -1;
    }
    free(srv->ds);
    srv->ds = list;
    srv->nds = next->nds;
    srv->ds_cap = next->nds;
    return rc;
}

/* The allow-list of CURVE client keys is the one [dbd] setting a reload
 * applies: a key added or removed takes effect for the next connection.
 * A bad file refuses the reload.  Turning CURVE on or off (curve_key)
 * needs a restart and is reported as such. */
static int reload_clients(dbd_server *srv, const dbd_config *next,
                          char *err, size_t errlen)
{
    if (next->clients != NULL && next->curve_key == NULL) {
        snprintf(err, errlen, "[dbd] clients is set but curve_key is not: "
                 "the allow-list applies to CURVE endpoints only");
        return -1;
    }
    if (srv->zap == NULL)
        return 0;
    if (next->clients == NULL) {
        snprintf(err, errlen, "[dbd] clients: required while CURVE is on "
                 "(turning it off needs a restart)");
        return -1;
    }
    return dbd_zap_reload(srv->zap, next->clients, err, errlen);
}

/* Everything that can fail before anything changes; *pclients gets the
 * clients of the new file. */
static dbd_status prepare(dbd_server *srv, dbd_config **pnext,
                          dbd_datasource ***pfresh, dbd_clients **pclients,
                          char *err, size_t errlen)
{
    dbd_config *next = dbd_config_load(srv->config_path, err, errlen);
    dbd_datasource **fresh;

    if (next == NULL)
        return DBD_CONFIG;
    *pnext = next;
    if (check_connectors(srv, next, err, errlen) != 0)
        return DBD_CONFIG;
    fresh = calloc(next->nds > 0 ? next->nds : 1, sizeof *fresh);
    if (fresh == NULL)
        goto oom;
    *pfresh = fresh;
    for (size_t i = 0; i < next->nds; i++) {
        if (dbd_server_find_ds(srv, next->ds[i].name) != NULL)
            continue;
        fresh[i] = dbd_datasource_new(&next->ds[i], srv->reg, &srv->env);
        if (fresh[i] == NULL)
            goto oom;
    }
    *pclients = dbd_clients_new(next, srv->cfg->endpoints,
                                srv->cfg->nendpoints, srv->clients);
    if (*pclients == NULL)
        goto oom;
    /* Last, as it takes effect at once: nothing after it refuses. */
    if (reload_clients(srv, next, err, errlen) != 0)
        return DBD_CONFIG;
    return DBD_OK;
oom:
    snprintf(err, errlen, "out of memory");
    return DBD_INTERNAL;
}

void dbd_admin_reload(dbd_server *srv, const dbd_reply_to *to)
{
    static const char *const names[] = {"datasource", "action"};
    static const dbd_type types[] = {DBD_TYPE_STRING, DBD_TYPE_STRING};
    dbd_config *next = NULL;
    dbd_datasource **fresh = NULL;
    dbd_clients *clients = NULL;
    dbd_result *r = NULL;
    char err[1024], changed[256];
    char *detail = NULL;
    dbd_status st;

    err[0] = '\0';
    st = prepare(srv, &next, &fresh, &clients, err, sizeof err);
    if (st == DBD_OK) {
        r = dbd_result_new();
        if (r == NULL || dbd_result_set_columns(r, 2, names, types) != 0) {
            st = DBD_INTERNAL;
            snprintf(err, sizeof err, "out of memory");
        }
    }
    if (st != DBD_OK) {
        log_errx(srv->log, "reload refused, the running configuration "
                 "stays: %s", err);
        if (to != NULL)
            dbd_answer_statusf(to, st, "reload refused, the running "
                               "configuration stays: %s", err);
        goto out;
    }
    if (srv->shutting_down) {
        if (to != NULL)
            dbd_answer_status(to, DBD_UNAVAILABLE, "dbd is shutting down");
        goto out;
    }
    if (apply(srv, next, fresh, r) != 0)
        log_errx(srv->log, "reload: out of memory while applying; some "
                 "changes may be missing");
    {
        dbd_clients *old = srv->clients;
        srv->clients = clients;
        clients = old; /* freed below */
    }
    if (dbd_clients_set_audit_readers(srv->clients, srv->zap) != 0)
        log_errx(srv->log, "reload: out of memory; the audit trail's "
                 "readers stay as they were");
    dbd_clients_warn_gaps(srv->clients, srv->cfg->endpoints,
                          srv->cfg->nendpoints, srv->zap != NULL, srv->log);
    dbd_section_changes(srv->cfg, next, changed, sizeof changed);
    if (changed[0] != '\0') {
        log_warnx(srv->log, "reload: [dbd] %s changed; these apply only at "
                  "the next start", changed);
        char action[300];
        snprintf(action, sizeof action, "restart needed for %s", changed);
        if (add_row(r, "[dbd]", action) != 0)
            st = DBD_INTERNAL;
    }
    srv->reloads++;
    log_notice(srv->log, "configuration reloaded from %s (%zu datasource%s)",
               srv->config_path, srv->nds, srv->nds == 1 ? "" : "s");
    /* The record names the backends in force now (passwords masked). */
    detail = dbd_config_describe(next, to == NULL ? "SIGHUP; now" : "now");
    if (to != NULL) {
        dbd_reply_to with = *to;
        with.detail = detail;
        dbd_answer_result(&with, r);
    }
out:
    if (to == NULL && srv->audit != NULL) {
        /* A reload by signal has no request: its record says so. */
        dbd_reply_to sig = {.audit = srv->audit, .client = "dbd",
                            .op_name = "reload", .host = -1,
                            .detail = detail != NULL ? detail : "SIGHUP",
                            .arrival_mono_us = now_mono_us()};
        dbd_audit_answer(&sig, st, 0, -1, NULL);
    }
    free(detail);
    for (size_t i = 0; fresh != NULL && next != NULL && i < next->nds; i++)
        dbd_datasource_destroy(&fresh[i]);
    free(fresh);
    dbd_clients_destroy(&clients);
    dbd_result_destroy(&r);
    dbd_config_destroy(&next);
}
