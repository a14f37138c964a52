/*
 * conf.c - loads sipproxy.conf strictly (see conf.h) with dbd's strict INI
 * reader (ini_strict.h): this file knows the sections and the checks that
 * need the whole file; the keys themselves are in conf_keys.c.
 */
#include "conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "conf_parse.h"
#include "curve_key.h"

static const char *const section_names[SP_SEC_COUNT] = {
    [SP_SEC_SIPPROXY] = "sipproxy",
    [SP_SEC_SIP] = "sip",
    [SP_SEC_TABLES] = "tables",
};

bool sp_conf_each_word(sp_parse *ps, const char *key, const char *value,
                       bool (*fn)(sp_parse *ps, const char *word))
{
    char *copy = strdup(value), *save = NULL, *word;
    bool ok = true, any = false;
    if (copy == NULL) {
        ini_strict_oom(ps->in);
        return false;
    }
    for (word = strtok_r(copy, ", \t", &save); word != NULL && ok;
         word = strtok_r(NULL, ", \t", &save)) {
        any = true;
        ok = fn(ps, word);
    }
    if (ok && !any) {
        sp_conf_error(ps, "%s is empty", key);
        ok = false;
    }
    free(copy);
    return ok;
}

static bool begin_section(ini_strict *in, void *user, const char *name)
{
    sp_parse *ps = user;
    for (int s = SP_SEC_SIPPROXY; s < SP_SEC_COUNT; s++) {
        if (strcmp(name, section_names[s]) != 0)
            continue;
        if (!ini_strict_section_once(in, name, &ps->sec_lines[s]))
            return false;
        ps->sec = (enum sp_section)s;
        return true;
    }
    ini_strict_error(in, "unknown section [%s] (expected [sipproxy], [sip] "
                     "or [tables])", name);
    return false;
}

/* listen and domain may be given more than once. */
static bool key_repeats(void *user, const char *key)
{
    const sp_parse *ps = user;
    return (ps->sec == SP_SEC_SIPPROXY && strcmp(key, "listen") == 0) ||
           (ps->sec == SP_SEC_SIP && strcmp(key, "domain") == 0);
}

static bool conf_key(ini_strict *in, void *user, const char *key,
                     const char *value)
{
    sp_parse *ps = user;
    ps->in = in;
    switch (ps->sec) {
    case SP_SEC_SIPPROXY:
        return sp_conf_sipproxy_key(ps, key, value);
    case SP_SEC_SIP:
        return sp_conf_sip_key(ps, key, value);
    case SP_SEC_TABLES:
        return sp_conf_tables_key(ps, key, value);
    case SP_SEC_NONE:
    case SP_SEC_COUNT:
        break;
    }
    return false;
}

static bool set_table_default(ini_strict *in, sp_table_conf *t,
                              const char *name)
{
    if (t->ds == NULL)
        t->ds = strdup("main");
    if (t->table == NULL)
        t->table = strdup(name);
    if (t->ds == NULL || t->table == NULL) {
        ini_strict_oom(in);
        return false;
    }
    return true;
}

/*
 * dbd_key and dbd_server_key: both or neither, read here into the config:
 * a bad file is a configuration error at start, named with its line, and
 * the workers, which run as sipproxy's user, need not read the files.
 * false after reporting the error.
 */
static bool check_curve_keys(ini_strict *in, sp_parse *ps)
{
    sp_conf *cfg = ps->cfg;
    char err[512];
    bool ok = false;

    if (cfg->dbd_key == NULL && cfg->dbd_server_key == NULL)
        return true;
    if (cfg->dbd_key == NULL || cfg->dbd_server_key == NULL) {
        ini_strict_error_at(in, ps->sec_lines[SP_SEC_SIPPROXY],
                            "dbd_key and dbd_server_key go together: %s is "
                            "not set", cfg->dbd_key == NULL
                                           ? "dbd_key" : "dbd_server_key");
        return false;
    }
    if (dbd_curve_key_load(cfg->dbd_key, cfg->dbd_curve_public,
                           cfg->dbd_curve_secret, err, sizeof err) != 0)
        ini_strict_error_at(in, ps->sec_lines[SP_SEC_SIPPROXY],
                            "dbd_key: %s", err);
    else if (dbd_curve_key_load(cfg->dbd_server_key, cfg->dbd_curve_server,
                                NULL, err, sizeof err) != 0)
        ini_strict_error_at(in, ps->sec_lines[SP_SEC_SIPPROXY],
                            "dbd_server_key: %s", err);
    else
        ok = true;
    if (!ok)
        explicit_bzero(cfg->dbd_curve_secret, sizeof cfg->dbd_curve_secret);
    return ok;
}

/* Checks that need the whole file; defaults that are not constants. */
static void finish(ini_strict *in, void *user)
{
    sp_parse *ps = user;
    sp_conf *cfg = ps->cfg;
    if (!check_curve_keys(in, ps))
        return;
    if (cfg->ndomains == 0) {
        ini_strict_error_at(in, ps->sec_lines[SP_SEC_SIP],
                            "no local domain: [sip] needs \"domain = NAME\"");
        return;
    }
    if (cfg->min_expires_s > cfg->max_expires_s) {
        ini_strict_error_at(in, ps->sec_lines[SP_SEC_SIP],
                            "min_expires (%lld) is greater than max_expires "
                            "(%lld)", (long long)cfg->min_expires_s,
                            (long long)cfg->max_expires_s);
        return;
    }
    if (cfg->default_expires_s < cfg->min_expires_s ||
        cfg->default_expires_s > cfg->max_expires_s) {
        ini_strict_error_at(in, ps->sec_lines[SP_SEC_SIP],
                            "default_expires (%lld) is outside min_expires.."
                            "max_expires", (long long)cfg->default_expires_s);
        return;
    }
    if (cfg->nlisten == 0) {
        char err[128];
        sp_listen_conf *l = calloc(1, sizeof *l);
        if (l == NULL) {
            ini_strict_oom(in);
            return;
        }
        cfg->listen = l;
        if (!sp_listen_parse(SP_CONF_DEFAULT_LISTEN, l, err, sizeof err) ||
            (l->text = strdup(SP_CONF_DEFAULT_LISTEN)) == NULL) {
            ini_strict_oom(in);
            return;
        }
        cfg->nlisten = 1;
    }
    for (size_t i = 0; i < cfg->nlisten; i++) {
        if (cfg->listen[i].wildcard && cfg->advertise == NULL) {
            ini_strict_error_at(in, ps->sec_lines[SP_SEC_SIPPROXY],
                                "listen %s is a wildcard address: set "
                                "advertise to the address clients reach",
                                cfg->listen[i].text);
            return;
        }
    }
    if (!set_table_default(in, &cfg->subscriber, "subscriber") ||
        !set_table_default(in, &cfg->location, "location") ||
        !set_table_default(in, &cfg->dr_rules, "dr_rules") ||
        !set_table_default(in, &cfg->dr_gateways, "dr_gateways"))
        return;
}

sp_conf *sp_conf_new(void)
{
    sp_conf *cfg = calloc(1, sizeof *cfg);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cfg == NULL)
        return NULL;
    cfg->workers = cpus > 0 ? (cpus > 256 ? 256 : (unsigned)cpus) : 1;
    cfg->dbd_endpoint = strdup(SP_CONF_DEFAULT_ENDPOINT);
    cfg->server_header = strdup("sipproxy");
    if (cfg->dbd_endpoint == NULL || cfg->server_header == NULL) {
        sp_conf_destroy(&cfg);
        return NULL;
    }
    cfg->dbd_timeout_ms = 1000;
    cfg->max_pending = 10000;
    cfg->cleanup_interval_s = 60;
    cfg->log_dest = DBD_LOG_TO_STDERR;
    cfg->log_level = LOG_INFO;
    cfg->algs[0] = SIP_DIGEST_MD5;
    cfg->nalgs = 1;
    cfg->calculate_ha1 = false;
    cfg->nonce_lifetime_s = 300;
    cfg->min_expires_s = 60;
    cfg->max_expires_s = 3600;
    cfg->default_expires_s = 3600;
    cfg->no_route_code = 404;
    cfg->retry_after_s = 5;
    return cfg;
}

static void table_free(sp_table_conf *t)
{
    free(t->ds);
    free(t->table);
}

void sp_conf_destroy(sp_conf **pcfg)
{
    sp_conf *cfg;
    if (pcfg == NULL || *pcfg == NULL)
        return;
    cfg = *pcfg;
    for (size_t i = 0; i < cfg->nlisten; i++)
        free(cfg->listen[i].text);
    free(cfg->listen);
    free(cfg->advertise);
    free(cfg->dbd_endpoint);
    free(cfg->user);
    free(cfg->group);
    free(cfg->dbd_key);
    free(cfg->dbd_server_key);
    explicit_bzero(cfg->dbd_curve_secret, sizeof cfg->dbd_curve_secret);
    free(cfg->pid_file);
    for (size_t i = 0; i < cfg->ndomains; i++)
        free(cfg->domains[i]);
    free(cfg->domains);
    free(cfg->realm);
    free(cfg->nonce_secret);
    free(cfg->route_group);
    free(cfg->server_header);
    table_free(&cfg->subscriber);
    table_free(&cfg->location);
    table_free(&cfg->dr_rules);
    table_free(&cfg->dr_gateways);
    free(cfg);
    *pcfg = NULL;
}

const char *sp_conf_find_domain(const sp_conf *cfg, const char *host)
{
    size_t len;
    if (host == NULL)
        return NULL;
    len = strlen(host);
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    for (size_t i = 0; i < cfg->ndomains; i++) {
        const char *d = cfg->domains[i];
        size_t dlen = strlen(d);
        if (dlen >= 2 && d[0] == '[' && d[dlen - 1] == ']') {
            d++;
            dlen -= 2;
        }
        if (dlen == len && strncasecmp(d, host, len) == 0)
            return cfg->domains[i];
    }
    return NULL;
}

bool sp_conf_is_local_domain(const sp_conf *cfg, const char *host)
{
    return sp_conf_find_domain(cfg, host) != NULL;
}

static const ini_strict_ops sp_conf_ops = {
    .section = begin_section,
    .key_repeats = key_repeats,
    .key = conf_key,
    .finish = finish,
};

/* Reads text, or the file path when text is NULL. */
static sp_conf *parse(const char *path, const char *text, char *err,
                      size_t errlen)
{
    sp_parse ps = {0};

    ps.cfg = sp_conf_new();
    if (ps.cfg == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    if (ini_strict_parse(path, text, &sp_conf_ops, &ps, err, errlen) != 0)
        sp_conf_destroy(&ps.cfg);
    return ps.cfg;
}

sp_conf *sp_conf_parse_string(const char *text, const char *name, char *err,
                              size_t errlen)
{
    return parse(name, text, err, errlen);
}

sp_conf *sp_conf_load(const char *path, char *err, size_t errlen)
{
    return parse(path, NULL, err, errlen);
}
