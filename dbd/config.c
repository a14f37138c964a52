/*
 * config.c - loads dbd.conf strictly (see config.h) with the shared strict
 * INI reader (ini_strict.h): this file knows the sections and the checks
 * that need the whole file; the keys themselves are in config_keys.c.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config_parse.h"
#include "config_value.h"

bool dbd_ds_name_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > DBD_CONF_DS_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '_' && c != '.' && c != '-')
            return false;
    }
    return true;
}

const dbd_ds_config *dbd_config_find_ds(const dbd_config *cfg,
                                        const char *name)
{
    for (size_t i = 0; i < cfg->nds; i++)
        if (strcmp(cfg->ds[i].name, name) == 0)
            return &cfg->ds[i];
    return NULL;
}

/* A section header: name is the text between [ and ]. */
static bool begin_section(ini_strict *in, void *user, const char *name)
{
    parse_state *ps = user;
    dbd_ds_config *grown;
    const char *dsname;

    if (strcmp(name, "dbd") == 0) {
        if (!ini_strict_section_once(in, "dbd", &ps->dbd_line))
            return false;
        ps->sec = SEC_DBD;
        return true;
    }
    if (strcmp(name, "audit") == 0) {
        if (!ini_strict_section_once(in, "audit", &ps->audit_line))
            return false;
        ps->sec = SEC_AUDIT;
        return true;
    }
    if (strncmp(name, "client", 6) == 0 &&
        (name[6] == '\0' || isspace((unsigned char)name[6]))) {
        const char *cname = name + 6;
        while (isspace((unsigned char)*cname))
            cname++;
        return config_client_section(in, ps, cname);
    }
    if (strncmp(name, "datasource", 10) != 0 ||
        (name[10] != '\0' && !isspace((unsigned char)name[10]))) {
        ini_strict_error(in, "unknown section [%s] (expected [dbd], [audit], "
                         "[datasource NAME] or [client NAME])", name);
        return false;
    }
    dsname = name + 10;
    while (isspace((unsigned char)*dsname))
        dsname++;
    if (*dsname == '\0') {
        ini_strict_error(in, "datasource section without a name "
                         "(write [datasource NAME])");
        return false;
    }
    if (!dbd_ds_name_valid(dsname)) {
        ini_strict_error(in, "bad datasource name \"%s\" (use 1 to %d of "
                         "A-Z a-z 0-9 _ . -)", dsname, DBD_CONF_DS_NAME_MAX);
        return false;
    }
    for (size_t i = 0; i < ps->cfg->nds; i++) {
        if (strcmp(ps->cfg->ds[i].name, dsname) == 0) {
            ini_strict_error(in, "duplicate datasource \"%s\" (first "
                             "defined on line %d)", dsname,
                             ps->cfg->ds[i].line);
            return false;
        }
    }
    grown = realloc(ps->cfg->ds, (ps->cfg->nds + 1) * sizeof *grown);
    if (grown == NULL) {
        ini_strict_oom(in);
        return false;
    }
    ps->cfg->ds = grown;
    dbd_ds_config_defaults(&grown[ps->cfg->nds]);
    grown[ps->cfg->nds].line = ini_strict_lineno(in);
    grown[ps->cfg->nds].name = strdup(dsname);
    if (grown[ps->cfg->nds].name == NULL) {
        ini_strict_oom(in);
        return false;
    }
    ps->cur_ds = ps->cfg->nds++;
    ps->sec = SEC_DS;
    return true;
}

/* One key of the current section. */
static bool config_key(ini_strict *in, void *user, const char *key,
                       const char *value)
{
    parse_state *ps = user;
    if (ps->sec == SEC_DBD)
        return config_dbd_key(in, ps, key, value);
    if (ps->sec == SEC_AUDIT)
        return config_audit_key(in, ps, key, value);
    if (ps->sec == SEC_CLIENT)
        return config_client_key(in, ps, key, value);
    return config_ds_key(in, ps, key, value);
}

static bool key_repeats(void *user, const char *key)
{
    const parse_state *ps = user;
    return ps->sec == SEC_CLIENT && config_client_key_repeats(key);
}

/* Checks that need the whole file; defaults that are not constants. */
static void finish(ini_strict *in, void *user)
{
    parse_state *ps = user;
    dbd_config *cfg = ps->cfg;
    for (size_t i = 0; i < cfg->nds; i++) {
        const dbd_ds_config *ds = &cfg->ds[i];
        if (ds->url == NULL)
            ini_strict_error_at(in, ds->line, "datasource \"%s\" has no url",
                                ds->name);
        else if (ds->mode == DBD_MODE_PRIMARY_REPLICA &&
                 strpbrk(ds->url, " \t") == NULL)
            ini_strict_error_at(in, ds->line, "datasource \"%s\": mode "
                                "primary-replica needs at least two URLs "
                                "(the primary first)", ds->name);
        else if (ds->reconnect_min_ms > ds->reconnect_max_ms)
            ini_strict_error_at(in, ds->line, "datasource \"%s\": "
                                "reconnect_min (%u) is greater than "
                                "reconnect_max (%u)", ds->name,
                                ds->reconnect_min_ms, ds->reconnect_max_ms);
    }
    config_audit_finish(in, ps);
    if (cfg->nendpoints == 0) {
        char err[64];
        if (config_parse_endpoints(DBD_CONF_DEFAULT_ENDPOINT, &cfg->endpoints,
                                   &cfg->nendpoints, err, sizeof err) != 0)
            ini_strict_oom(in);
    }
    config_client_finish(in, ps);
}

dbd_config *dbd_config_new(void)
{
    dbd_config *cfg = calloc(1, sizeof *cfg);
    if (cfg == NULL)
        return NULL;
    cfg->connector_dir = strdup(CONNECTOR_DIR);
    if (cfg->connector_dir == NULL) {
        free(cfg);
        return NULL;
    }
    cfg->max_message = 1048576;
    cfg->chunk_bytes = 65536;
    cfg->max_rows = 0;
    cfg->log_dest = DBD_LOG_TO_STDERR;
    cfg->log_level = LOG_INFO;
    cfg->drain_timeout_ms = 5000;
    cfg->io_threads = 1;
    cfg->ipc_mode = 0600;
    cfg->audit.max_size = UINT64_C(100) * 1024 * 1024;
    cfg->audit.publish_hwm = 10000;
    cfg->audit.queue = 65536;
    cfg->audit.loss = DBD_AUDIT_LOSS_DROP;
    cfg->audit.sync = DBD_AUDIT_SYNC_INTERVAL;
    cfg->audit.sync_interval_ms = 1000;
    return cfg;
}

void dbd_config_destroy(dbd_config **pcfg)
{
    dbd_config *cfg;
    if (pcfg == NULL || *pcfg == NULL)
        return;
    cfg = *pcfg;
    for (size_t i = 0; i < cfg->nendpoints; i++)
        free(cfg->endpoints[i]);
    free(cfg->endpoints);
    free(cfg->connector_dir);
    free(cfg->user);
    free(cfg->group);
    free(cfg->ipc_owner);
    free(cfg->ipc_group);
    free(cfg->curve_key);
    free(cfg->clients);
    free(cfg->audit.file);
    free(cfg->audit.publish);
    for (size_t i = 0; i < cfg->nds; i++)
        dbd_ds_config_clear(&cfg->ds[i]);
    free(cfg->ds);
    for (size_t i = 0; i < cfg->nrules; i++)
        dbd_client_rules_clear(&cfg->rules[i]);
    free(cfg->rules);
    free(cfg);
    *pcfg = NULL;
}

static const ini_strict_ops dbd_conf_ops = {
    .section = begin_section,
    .key_repeats = key_repeats,
    .key = config_key,
    .finish = finish,
};

/* Reads text, or the file path when text is NULL. */
static dbd_config *parse(const char *path, const char *text, char *err,
                         size_t errlen)
{
    parse_state ps = {0};

    ps.cfg = dbd_config_new();
    if (ps.cfg == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    if (ini_strict_parse(path, text, &dbd_conf_ops, &ps, err, errlen) != 0)
        dbd_config_destroy(&ps.cfg);
    return ps.cfg;
}

dbd_config *dbd_config_parse_string(const char *text, const char *name,
                                    char *err, size_t errlen)
{
    return parse(name, text, err, errlen);
}

dbd_config *dbd_config_load(const char *path, char *err, size_t errlen)
{
    return parse(path, NULL, err, errlen);
}
