/*
 * conf_keys.c - the keys of sipproxy.conf's [sipproxy], [sip] and [tables]
 * sections: each value parsed, range-checked and stored, or an error naming
 * the key recorded for the line being read.
 */
#include "conf_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"       /* dbd_ds_name_valid */
#include "config_value.h" /* dbd's number parser */
#include "ini_values.h"
#include "ident.h"

static bool set_string(sp_parse *ps, char **dst, const char *key,
                       const char *value, bool empty_is_null)
{
    return ini_set_string(ps->in, key, value, empty_is_null, dst);
}

static bool set_uint(sp_parse *ps, const char *key, const char *value,
                     uint64_t min, uint64_t max, uint64_t *out)
{
    return ini_set_uint(ps->in, key, value, min, max, out);
}

static bool set_bool(sp_parse *ps, const char *key, const char *value,
                     bool *out)
{
    return ini_set_bool(ps->in, key, value, out);
}

bool sp_listen_parse(const char *spec, sp_listen_conf *out, char *err,
                     size_t errlen)
{
    const char *addr, *colon;
    char host[64];
    size_t hlen;
    uint64_t port;
    char perr[128];

    memset(out, 0, sizeof *out);
    if (strncmp(spec, "udp:", 4) != 0) {
        snprintf(err, errlen, "\"%s\" does not start with udp: (only UDP is "
                 "supported)", spec);
        return false;
    }
    addr = spec + 4;
    if (*addr == '[') {
        const char *close = strchr(addr, ']');
        if (close == NULL || close[1] != ':') {
            snprintf(err, errlen, "\"%s\": write IPv6 as udp:[ADDR]:PORT",
                     spec);
            return false;
        }
        hlen = (size_t)(close - addr - 1);
        addr++;
        colon = close + 1;
    } else {
        colon = strchr(addr, ':');
        if (colon != NULL && strchr(colon + 1, ':') != NULL) {
            snprintf(err, errlen, "\"%s\": write IPv6 as udp:[ADDR]:PORT",
                     spec);
            return false;
        }
        if (colon == NULL) {
            snprintf(err, errlen, "\"%s\" has no port (udp:ADDR:PORT)", spec);
            return false;
        }
        hlen = (size_t)(colon - addr);
    }
    if (hlen == 0 || hlen >= sizeof host) {
        snprintf(err, errlen, "\"%s\" has no usable address", spec);
        return false;
    }
    memcpy(host, addr, hlen);
    host[hlen] = '\0';
    if (!config_parse_uint(colon + 1, 1, 65535, &port, perr, sizeof perr)) {
        snprintf(err, errlen, "\"%s\": port: %s", spec, perr);
        return false;
    }
    if (strchr(host, ':') != NULL) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->addr;
        if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1) {
            snprintf(err, errlen, "\"%s\": \"%s\" is not a numeric IPv6 "
                     "address", spec, host);
            return false;
        }
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        out->addrlen = sizeof *s6;
        out->wildcard = IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&out->addr;
        if (inet_pton(AF_INET, host, &s4->sin_addr) != 1) {
            snprintf(err, errlen, "\"%s\": \"%s\" is not a numeric IPv4 "
                     "address", spec, host);
            return false;
        }
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        out->addrlen = sizeof *s4;
        out->wildcard = s4->sin_addr.s_addr == htonl(INADDR_ANY);
    }
    memcpy(out->host, host, hlen + 1);
    out->port = (int)port;
    return true;
}

static bool add_listen(sp_parse *ps, const char *word)
{
    sp_conf *cfg = ps->cfg;
    sp_listen_conf l, *grown;
    char err[256], text[96];

    if (!sp_listen_parse(word, &l, err, sizeof err)) {
        sp_conf_error(ps, "listen: %s", err);
        return false;
    }
    if (strchr(l.host, ':') != NULL)
        snprintf(text, sizeof text, "udp:[%s]:%d", l.host, l.port);
    else
        snprintf(text, sizeof text, "udp:%s:%d", l.host, l.port);
    for (size_t i = 0; i < cfg->nlisten; i++) {
        if (strcmp(cfg->listen[i].text, text) == 0) {
            sp_conf_error(ps, "listen: %s given twice", text);
            return false;
        }
    }
    grown = realloc(cfg->listen, (cfg->nlisten + 1) * sizeof *grown);
    if (grown == NULL) {
        ini_strict_oom(ps->in);
        return false;
    }
    cfg->listen = grown;
    l.text = strdup(text);
    if (l.text == NULL) {
        ini_strict_oom(ps->in);
        return false;
    }
    grown[cfg->nlisten++] = l;
    return true;
}

static bool endpoint_ok(const char *s)
{
    return (strncmp(s, "ipc://", 6) == 0 && s[6] != '\0') ||
           (strncmp(s, "tcp://", 6) == 0 && s[6] != '\0');
}

bool sp_conf_sipproxy_key(sp_parse *ps, const char *key, const char *value)
{
    sp_conf *cfg = ps->cfg;
    uint64_t n;

    if (strcmp(key, "listen") == 0)
        return sp_conf_each_word(ps, key, value, add_listen);
    if (strcmp(key, "advertise") == 0) {
        if (strpbrk(value, " \t;<>\"") != NULL) {
            sp_conf_error(ps, "advertise: \"%s\" is not a host name or "
                          "address", value);
            return false;
        }
        return set_string(ps, &cfg->advertise, key, value, false);
    }
    if (strcmp(key, "workers") == 0) {
        if (!set_uint(ps, key, value, 1, 256, &n))
            return false;
        cfg->workers = (unsigned)n;
        return true;
    }
    if (strcmp(key, "dbd_endpoint") == 0) {
        if (!endpoint_ok(value)) {
            sp_conf_error(ps, "dbd_endpoint: \"%s\" is neither ipc://PATH nor "
                          "tcp://HOST:PORT", value);
            return false;
        }
        return set_string(ps, &cfg->dbd_endpoint, key, value, false);
    }
    if (strcmp(key, "user") == 0)
        return set_string(ps, &cfg->user, key, value, false);
    if (strcmp(key, "group") == 0)
        return set_string(ps, &cfg->group, key, value, false);
    if (strcmp(key, "dbd_key") == 0)
        return set_string(ps, &cfg->dbd_key, key, value, false);
    if (strcmp(key, "dbd_server_key") == 0)
        return set_string(ps, &cfg->dbd_server_key, key, value, false);
    if (strcmp(key, "dbd_timeout_ms") == 0) {
        if (!set_uint(ps, key, value, 10, 60000, &n))
            return false;
        cfg->dbd_timeout_ms = (unsigned)n;
        return true;
    }
    if (strcmp(key, "max_pending") == 0) {
        if (!set_uint(ps, key, value, 1, 10000000, &n))
            return false;
        cfg->max_pending = (size_t)n;
        return true;
    }
    if (strcmp(key, "cleanup_interval") == 0) {
        if (!set_uint(ps, key, value, 0, 86400, &n))
            return false;
        cfg->cleanup_interval_s = (unsigned)n;
        return true;
    }
    if (strcmp(key, "log") == 0)
        return ini_set_log_dest(ps->in, key, value, &cfg->log_dest);
    if (strcmp(key, "log_level") == 0)
        return ini_set_log_level(ps->in, key, value, &cfg->log_level);
    if (strcmp(key, "pid_file") == 0)
        return set_string(ps, &cfg->pid_file, key, value, true);
    sp_conf_error(ps, "unknown key \"%s\" in [sipproxy]", key);
    return false;
}

static bool add_domain(sp_parse *ps, const char *word)
{
    sp_conf *cfg = ps->cfg;
    char **grown, *copy;

    for (const char *p = word; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (!isalnum(c) && c != '.' && c != '-' && c != '_' && c != ':' &&
            c != '[' && c != ']') {
            sp_conf_error(ps, "domain: \"%s\" is not a domain name or "
                          "address", word);
            return false;
        }
    }
    if (sp_conf_is_local_domain(cfg, word)) {
        sp_conf_error(ps, "domain: \"%s\" given twice", word);
        return false;
    }
    grown = realloc(cfg->domains, (cfg->ndomains + 1) * sizeof *grown);
    if (grown == NULL) {
        ini_strict_oom(ps->in);
        return false;
    }
    cfg->domains = grown;
    copy = strdup(word);
    if (copy == NULL) {
        ini_strict_oom(ps->in);
        return false;
    }
    for (char *p = copy; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    grown[cfg->ndomains++] = copy;
    return true;
}

static bool add_alg(sp_parse *ps, const char *word)
{
    sp_conf *cfg = ps->cfg;
    sip_digest_alg a;
    if (!sip_digest_alg_parse(word, &a)) {
        sp_conf_error(ps, "algorithms: \"%s\" is neither MD5 nor SHA-256",
                      word);
        return false;
    }
    for (size_t i = 0; i < cfg->nalgs; i++) {
        if (cfg->algs[i] == a) {
            sp_conf_error(ps, "algorithms: %s given twice", word);
            return false;
        }
    }
    if (cfg->nalgs >= SP_CONF_MAX_ALGS) {
        sp_conf_error(ps, "algorithms: too many");
        return false;
    }
    cfg->algs[cfg->nalgs++] = a;
    return true;
}

static bool set_expires(sp_parse *ps, const char *key, const char *value,
                        int64_t *out)
{
    uint64_t n;
    if (!set_uint(ps, key, value, 1, 31536000, &n))
        return false;
    *out = (int64_t)n;
    return true;
}

bool sp_conf_sip_key(sp_parse *ps, const char *key, const char *value)
{
    sp_conf *cfg = ps->cfg;
    uint64_t n;

    if (strcmp(key, "domain") == 0)
        return sp_conf_each_word(ps, key, value, add_domain);
    if (strcmp(key, "realm") == 0) {
        if (strpbrk(value, "\"\\") != NULL) {
            sp_conf_error(ps, "realm: quotes and backslashes are not allowed");
            return false;
        }
        return set_string(ps, &cfg->realm, key, value, true);
    }
    if (strcmp(key, "algorithms") == 0) {
        cfg->nalgs = 0;
        return sp_conf_each_word(ps, key, value, add_alg);
    }
    if (strcmp(key, "calculate_ha1") == 0)
        return set_bool(ps, key, value, &cfg->calculate_ha1);
    if (strcmp(key, "nonce_secret") == 0)
        return set_string(ps, &cfg->nonce_secret, key, value, true);
    if (strcmp(key, "nonce_lifetime") == 0) {
        if (!set_uint(ps, key, value, 1, 86400, &n))
            return false;
        cfg->nonce_lifetime_s = (unsigned)n;
        return true;
    }
    if (strcmp(key, "min_expires") == 0)
        return set_expires(ps, key, value, &cfg->min_expires_s);
    if (strcmp(key, "max_expires") == 0)
        return set_expires(ps, key, value, &cfg->max_expires_s);
    if (strcmp(key, "default_expires") == 0)
        return set_expires(ps, key, value, &cfg->default_expires_s);
    if (strcmp(key, "auth_requests") == 0)
        return set_bool(ps, key, value, &cfg->auth_requests);
    if (strcmp(key, "resolve_names") == 0)
        return set_bool(ps, key, value, &cfg->resolve_names);
    if (strcmp(key, "record_route") == 0)
        return set_bool(ps, key, value, &cfg->record_route);
    if (strcmp(key, "no_route_code") == 0) {
        if (!set_uint(ps, key, value, 400, 699, &n))
            return false;
        cfg->no_route_code = (int)n;
        return true;
    }
    if (strcmp(key, "route_group") == 0)
        return set_string(ps, &cfg->route_group, key, value, true);
    if (strcmp(key, "retry_after") == 0) {
        if (!set_uint(ps, key, value, 0, 86400, &n))
            return false;
        cfg->retry_after_s = (unsigned)n;
        return true;
    }
    if (strcmp(key, "server_header") == 0) {
        if (strpbrk(value, "\r\n") != NULL) {
            sp_conf_error(ps, "server_header: line breaks are not allowed");
            return false;
        }
        return set_string(ps, &cfg->server_header, key, value, true);
    }
    sp_conf_error(ps, "unknown key \"%s\" in [sip]", key);
    return false;
}

/* "DS" or "DS/TABLE". */
static bool set_table(sp_parse *ps, sp_table_conf *t, const char *key,
                      const char *value)
{
    const char *slash = strchr(value, '/');
    char *ds = NULL, *table = NULL;
    bool ok = false;

    ds = slash != NULL ? strndup(value, (size_t)(slash - value))
                       : strdup(value);
    table = strdup(slash != NULL ? slash + 1 : key);
    if (ds == NULL || table == NULL) {
        ini_strict_oom(ps->in);
        goto out;
    }
    if (!dbd_ds_name_valid(ds)) {
        sp_conf_error(ps, "%s: \"%s\" is not a datasource name (1 to 64 of "
                      "A-Z a-z 0-9 _ . -)", key, ds);
        goto out;
    }
    if (!dbd_ident_valid(table, strlen(table))) {
        sp_conf_error(ps, "%s: \"%s\" is not a table name (a letter or _, "
                      "then up to 63 letters, digits or _)", key, table);
        goto out;
    }
    free(t->ds);
    free(t->table);
    t->ds = ds;
    t->table = table;
    ds = table = NULL;
    ok = true;
out:
    free(ds);
    free(table);
    return ok;
}

bool sp_conf_tables_key(sp_parse *ps, const char *key, const char *value)
{
    sp_conf *cfg = ps->cfg;
    if (strcmp(key, "subscriber") == 0)
        return set_table(ps, &cfg->subscriber, key, value);
    if (strcmp(key, "location") == 0)
        return set_table(ps, &cfg->location, key, value);
    if (strcmp(key, "dr_rules") == 0)
        return set_table(ps, &cfg->dr_rules, key, value);
    if (strcmp(key, "dr_gateways") == 0)
        return set_table(ps, &cfg->dr_gateways, key, value);
    sp_conf_error(ps, "unknown key \"%s\" in [tables]", key);
    return false;
}
