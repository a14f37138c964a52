/*
 * config_keys.c - the keys of dbd.conf's [dbd] and [datasource NAME]
 * sections: each value parsed, range-checked and stored, or an error
 * naming the key recorded for the line being read.
 */
#include "config_parse.h"

#include <stdlib.h>
#include <string.h>

#include "config_value.h"
#include "ident.h"
#include "ini_values.h"

bool config_dbd_key(ini_strict *in, parse_state *ps, const char *key,
                    const char *value)
{
    dbd_config *cfg = ps->cfg;
    char err[256];
    uint64_t n;

    err[0] = '\0';
    if (strcmp(key, "endpoint") == 0) {
        int r = config_parse_endpoints(value, &cfg->endpoints,
                                       &cfg->nendpoints, err, sizeof err);
        if (r == -2)
            ini_strict_oom(in);
        else if (r < 0)
            ini_strict_error(in, "endpoint: %s", err);
        return r == 0;
    }
    if (strcmp(key, "connector_dir") == 0)
        return ini_set_string(in, key, value, false, &cfg->connector_dir);
    if (strcmp(key, "log") == 0)
        return ini_set_log_dest(in, key, value, &cfg->log_dest);
    if (strcmp(key, "log_level") == 0)
        return ini_set_log_level(in, key, value, &cfg->log_level);
    if (strcmp(key, "max_message") == 0) {
        if (!ini_set_size(in, key, value, 1024, 1024u * 1024 * 1024, &n))
            return false;
        cfg->max_message = (size_t)n;
        return true;
    }
    if (strcmp(key, "chunk_bytes") == 0) {
        if (!ini_set_size(in, key, value, 1024, 64u * 1024 * 1024, &n))
            return false;
        cfg->chunk_bytes = (size_t)n;
        return true;
    }
    if (strcmp(key, "max_rows") == 0) {
        if (!ini_set_uint(in, key, value, 0, UINT64_C(1000000000000), &n))
            return false;
        cfg->max_rows = n;
        return true;
    }
    if (strcmp(key, "drain_timeout") == 0) {
        if (!ini_set_uint(in, key, value, 0, 3600000, &n))
            return false;
        cfg->drain_timeout_ms = (unsigned)n;
        return true;
    }
    if (strcmp(key, "user") == 0)
        return ini_set_string(in, key, value, false, &cfg->user);
    if (strcmp(key, "group") == 0)
        return ini_set_string(in, key, value, false, &cfg->group);
    if (strcmp(key, "ipc_owner") == 0)
        return ini_set_string(in, key, value, false, &cfg->ipc_owner);
    if (strcmp(key, "ipc_group") == 0)
        return ini_set_string(in, key, value, false, &cfg->ipc_group);
    if (strcmp(key, "ipc_mode") == 0)
        return ini_set_mode(in, key, value, &cfg->ipc_mode);
    if (strcmp(key, "curve_key") == 0)
        return ini_set_string(in, key, value, false, &cfg->curve_key);
    if (strcmp(key, "clients") == 0)
        return ini_set_string(in, key, value, false, &cfg->clients);
    if (strcmp(key, "io_threads") == 0) {
        if (!ini_set_uint(in, key, value, 1, 64, &n))
            return false;
        cfg->io_threads = (int)n;
        return true;
    }
    ini_strict_error(in, "unknown key \"%s\" in [dbd]", key);
    return false;
}

static bool ds_option(ini_strict *in, dbd_ds_config *ds, const char *key,
                      const char *value)
{
    const char *oname = key + 7; /* after "option." */
    dbd_option *grown;
    if (!config_option_name_valid(oname)) {
        ini_strict_error(in, "bad option name \"%s\" (use 1 to 64 of A-Z a-z "
                         "0-9 _ . -)", oname);
        return false;
    }
    grown = realloc(ds->options, (ds->noptions + 1) * sizeof *grown);
    if (grown == NULL) {
        ini_strict_oom(in);
        return false;
    }
    ds->options = grown;
    grown[ds->noptions].key = strdup(oname);
    grown[ds->noptions].value = strdup(value);
    ds->noptions++;
    if (grown[ds->noptions - 1].key == NULL ||
        grown[ds->noptions - 1].value == NULL) {
        ini_strict_oom(in);
        return false;
    }
    return true;
}

/* A number key of [datasource NAME] in min..max into *dst. */
static bool ds_uint(ini_strict *in, const char *key, const char *value,
                    uint64_t min, uint64_t max, unsigned *dst)
{
    uint64_t n;
    if (!ini_set_uint(in, key, value, min, max, &n))
        return false;
    *dst = (unsigned)n;
    return true;
}

/* KEY = N1 N2 ...: identifiers (tables, columns), at most
 * DBD_CONF_MAX_TABLES, appended to *list. */
static bool ds_names(ini_strict *in, const char *key, const char *what,
                     const char *value, char ***list, size_t *n)
{
    const char *p = value;
    for (;;) {
        size_t len;
        char **grown;
        p += strspn(p, " \t");
        if (*p == '\0')
            return true;
        len = strcspn(p, " \t");
        if (!dbd_ident_valid(p, len)) {
            ini_strict_error(in, "%s: \"%.*s\" is not a %s name", key,
                             (int)(len > 64 ? 64 : len), p, what);
            return false;
        }
        if (*n == DBD_CONF_MAX_TABLES) {
            ini_strict_error(in, "%s: more than %d names", key,
                             DBD_CONF_MAX_TABLES);
            return false;
        }
        grown = realloc(*list, (*n + 1) * sizeof *grown);
        if (grown == NULL) {
            ini_strict_oom(in);
            return false;
        }
        *list = grown;
        grown[*n] = strndup(p, len);
        if (grown[*n] == NULL) {
            ini_strict_oom(in);
            return false;
        }
        (*n)++;
        p += len;
    }
}

bool config_ds_key(ini_strict *in, parse_state *ps, const char *key,
                   const char *value)
{
    dbd_ds_config *ds = &ps->cfg->ds[ps->cur_ds];
    char err[256];

    err[0] = '\0';
    if (strcmp(key, "url") == 0) {
        char **urls;
        size_t n;
        int r;
        if (!ini_set_string(in, key, value, false, &ds->url))
            return false;
        r = dbd_url_list_split(value, &urls, &n, err, sizeof err);
        if (r == -2)
            ini_strict_oom(in);
        else if (r < 0)
            ini_strict_error(in, "url: %s", err);
        else
            dbd_url_list_free(urls, n);
        return r == 0;
    }
    if (strcmp(key, "mode") == 0) {
        if (!dbd_ds_mode_from_name(value, &ds->mode)) {
            ini_strict_error(in, "mode: \"%s\" is not one of failover, "
                             "round-robin, primary-replica", value);
            return false;
        }
        return true;
    }
    if (strcmp(key, "tables") == 0)
        return ds_names(in, key, "table", value, &ds->tables,
                        &ds->ntables);
    if (strcmp(key, "audit_secret") == 0)
        return ds_names(in, key, "column", value, &ds->audit_secret,
                        &ds->naudit_secret);
    if (strcmp(key, "audit_values") == 0) {
        /* Indexed by dbd_audit_values. */
        static const char *const names[] = {"none", "masked", "full"};
        int choice;
        if (!ini_set_choice(in, key, value, names, 3, &choice))
            return false;
        ds->audit_values = (dbd_audit_values)choice;
        return true;
    }
    if (strcmp(key, "ping_interval") == 0)
        return ds_uint(in, key, value, 0, 3600000, &ds->ping_interval_ms);
    if (strcmp(key, "allow_raw") == 0)
        return ini_set_bool(in, key, value, &ds->allow_raw);
    if (strncmp(key, "option.", 7) == 0)
        return ds_option(in, ds, key, value);
    if (strcmp(key, "pool") == 0)
        return ds_uint(in, key, value, 1, 1024, &ds->pool);
    if (strcmp(key, "queue") == 0)
        return ds_uint(in, key, value, 1, 1000000, &ds->queue);
    if (strcmp(key, "timeout") == 0)
        return ds_uint(in, key, value, 1, 86400000, &ds->timeout_ms);
    if (strcmp(key, "reconnect_min") == 0)
        return ds_uint(in, key, value, 1, 3600000, &ds->reconnect_min_ms);
    if (strcmp(key, "reconnect_max") == 0)
        return ds_uint(in, key, value, 1, 3600000, &ds->reconnect_max_ms);
    ini_strict_error(in, "unknown key \"%s\" in [datasource %s]", key,
                     ds->name);
    return false;
}
