/*
 * config_keys.c - the keys of dbd.conf's [dbd] and [datasource NAME]
 * sections: each value parsed, range-checked and stored, or an error
 * naming the key recorded for the line being read.
 */
#include "config_parse.h"

#include <stdlib.h>
#include <string.h>

#include "config_value.h"

static bool set_string(parse_state *ps, char **dst, const char *key,
                       const char *value)
{
    char *copy;
    if (*value == '\0') {
        set_error(ps, "%s is empty", key);
        return false;
    }
    copy = strdup(value);
    if (copy == NULL) {
        ps->oom = true;
        return false;
    }
    free(*dst);
    *dst = copy;
    return true;
}

bool config_dbd_key(parse_state *ps, const char *key, const char *value)
{
    dbd_config *cfg = ps->cfg;
    char err[256];
    uint64_t n;

    err[0] = '\0';
    if (strcmp(key, "endpoint") == 0) {
        int r = config_parse_endpoints(value, &cfg->endpoints,
                                       &cfg->nendpoints, err, sizeof err);
        if (r == -2)
            ps->oom = true;
        else if (r < 0)
            set_error(ps, "endpoint: %s", err);
        return r == 0;
    }
    if (strcmp(key, "connector_dir") == 0)
        return set_string(ps, &cfg->connector_dir, key, value);
    if (strcmp(key, "log") == 0) {
        if (strcmp(value, "stderr") == 0)
            cfg->log_dest = DBD_LOG_TO_STDERR;
        else if (strcmp(value, "syslog") == 0)
            cfg->log_dest = DBD_LOG_TO_SYSLOG;
        else {
            set_error(ps, "log: \"%s\" is neither stderr nor syslog", value);
            return false;
        }
        return true;
    }
    if (strcmp(key, "log_level") == 0) {
        if (!dbd_log_level_from_name(value, &cfg->log_level)) {
            set_error(ps, "log_level: \"%s\" is not one of error, warning, "
                      "notice, info, debug", value);
            return false;
        }
        return true;
    }
    if (strcmp(key, "max_message") == 0) {
        if (!config_parse_size(value, 1024, 1024u * 1024 * 1024, &n, err,
                               sizeof err))
            goto bad;
        cfg->max_message = (size_t)n;
        return true;
    }
    if (strcmp(key, "chunk_bytes") == 0) {
        if (!config_parse_size(value, 1024, 64u * 1024 * 1024, &n, err,
                               sizeof err))
            goto bad;
        cfg->chunk_bytes = (size_t)n;
        return true;
    }
    if (strcmp(key, "max_rows") == 0) {
        if (!config_parse_uint(value, 0, UINT64_C(1000000000000), &n, err,
                               sizeof err))
            goto bad;
        cfg->max_rows = n;
        return true;
    }
    if (strcmp(key, "drain_timeout") == 0) {
        if (!config_parse_uint(value, 0, 3600000, &n, err, sizeof err))
            goto bad;
        cfg->drain_timeout_ms = (unsigned)n;
        return true;
    }
    if (strcmp(key, "io_threads") == 0) {
        if (!config_parse_uint(value, 1, 64, &n, err, sizeof err))
            goto bad;
        cfg->io_threads = (int)n;
        return true;
    }
    set_error(ps, "unknown key \"%s\" in [dbd]", key);
    return false;
bad:
    set_error(ps, "%s: %s", key, err);
    return false;
}

static bool ds_option(parse_state *ps, dbd_ds_config *ds, const char *key,
                      const char *value)
{
    const char *oname = key + 7; /* after "option." */
    dbd_option *grown;
    if (!config_option_name_valid(oname)) {
        set_error(ps, "bad option name \"%s\" (use 1 to 64 of A-Z a-z 0-9 "
                  "_ . -)", oname);
        return false;
    }
    grown = realloc(ds->options, (ds->noptions + 1) * sizeof *grown);
    if (grown == NULL) {
        ps->oom = true;
        return false;
    }
    ds->options = grown;
    grown[ds->noptions].key = strdup(oname);
    grown[ds->noptions].value = strdup(value);
    ds->noptions++;
    if (grown[ds->noptions - 1].key == NULL ||
        grown[ds->noptions - 1].value == NULL) {
        ps->oom = true;
        return false;
    }
    return true;
}

bool config_ds_key(parse_state *ps, const char *key, const char *value)
{
    dbd_ds_config *ds = &ps->cfg->ds[ps->cur_ds];
    char err[256];
    uint64_t n;

    err[0] = '\0';
    if (strcmp(key, "url") == 0) {
        dbd_url *u;
        if (!set_string(ps, &ds->url, key, value))
            return false;
        u = dbd_url_parse(value, err, sizeof err);
        if (u == NULL) {
            set_error(ps, "url: %s", err);
            return false;
        }
        dbd_url_destroy(&u);
        return true;
    }
    if (strcmp(key, "allow_raw") == 0) {
        if (!config_parse_bool(value, &ds->allow_raw)) {
            set_error(ps, "allow_raw: \"%s\" is not yes or no", value);
            return false;
        }
        return true;
    }
    if (strncmp(key, "option.", 7) == 0)
        return ds_option(ps, ds, key, value);
    if (strcmp(key, "pool") == 0) {
        if (!config_parse_uint(value, 1, 1024, &n, err, sizeof err))
            goto bad;
        ds->pool = (unsigned)n;
    } else if (strcmp(key, "queue") == 0) {
        if (!config_parse_uint(value, 1, 1000000, &n, err, sizeof err))
            goto bad;
        ds->queue = (unsigned)n;
    } else if (strcmp(key, "timeout") == 0) {
        if (!config_parse_uint(value, 1, 86400000, &n, err, sizeof err))
            goto bad;
        ds->timeout_ms = (unsigned)n;
    } else if (strcmp(key, "reconnect_min") == 0) {
        if (!config_parse_uint(value, 1, 3600000, &n, err, sizeof err))
            goto bad;
        ds->reconnect_min_ms = (unsigned)n;
    } else if (strcmp(key, "reconnect_max") == 0) {
        if (!config_parse_uint(value, 1, 3600000, &n, err, sizeof err))
            goto bad;
        ds->reconnect_max_ms = (unsigned)n;
    } else {
        set_error(ps, "unknown key \"%s\" in [datasource %s]", key, ds->name);
        return false;
    }
    return true;
bad:
    set_error(ps, "%s: %s", key, err);
    return false;
}
