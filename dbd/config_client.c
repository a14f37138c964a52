/*
 * config_client.c - the [client NAME] sections of dbd.conf: who a client
 * is (its CURVE key's name, the ipc endpoints it owns), what it may do
 * (read, write, raw, admin) and its limits, with the checks that need the
 * whole file (every datasource named exists, every endpoint is one of
 * [dbd]'s and belongs to one client only).
 */
#include "config_parse.h"

#include <stdlib.h>
#include <string.h>

#include "config_value.h"
#include "curve_key.h"
#include "ident.h"
#include "ini_values.h"
#include "request.h"

/* What separates the words of a list, as in [dbd] endpoint. */
#define LIST_SEPARATORS ", \t"

/* The operations "admin =" may grant; ping needs no grant. */
static const dbd_op_kind admin_ops[] = {
    DBD_OP_DATASOURCES, DBD_OP_STATS, DBD_OP_HOSTS,
    DBD_OP_AUDIT,       DBD_OP_SWAP,  DBD_OP_RELOAD,
};

uint32_t dbd_admin_ops_all(void)
{
    uint32_t all = 0;
    for (size_t i = 0; i < sizeof admin_ops / sizeof admin_ops[0]; i++)
        all |= UINT32_C(1) << admin_ops[i];
    return all;
}

static void free_grants(dbd_grant *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(g[i].ds);
        free(g[i].table);
    }
    free(g);
}

void dbd_client_rules_clear(dbd_client_rules *c)
{
    free(c->name);
    for (size_t i = 0; i < c->nendpoints; i++)
        free(c->endpoints[i]);
    free(c->endpoints);
    for (int k = 0; k < DBD_GRANT_CLASSES; k++)
        free_grants(c->grants[k], c->ngrants[k]);
    memset(c, 0, sizeof *c);
}

/* strdup that keeps NULL; false when memory ran out. */
static bool dup_or_null(char **dst, const char *src)
{
    *dst = src != NULL ? strdup(src) : NULL;
    return src == NULL || *dst != NULL;
}

int dbd_client_rules_copy(dbd_client_rules *dst, const dbd_client_rules *src)
{
    bool ok;

    *dst = *src;
    dst->name = NULL;
    dst->endpoints = NULL;
    dst->nendpoints = 0;
    for (int k = 0; k < DBD_GRANT_CLASSES; k++) {
        dst->grants[k] = NULL;
        dst->ngrants[k] = 0;
    }
    ok = dup_or_null(&dst->name, src->name);
    if (ok && src->nendpoints > 0) {
        dst->endpoints = calloc(src->nendpoints, sizeof *dst->endpoints);
        ok = dst->endpoints != NULL;
        for (size_t i = 0; ok && i < src->nendpoints; i++) {
            ok = dup_or_null(&dst->endpoints[i], src->endpoints[i]);
            dst->nendpoints = i + 1;
        }
    }
    for (int k = 0; ok && k < DBD_GRANT_CLASSES; k++) {
        if (src->ngrants[k] == 0)
            continue;
        dst->grants[k] = calloc(src->ngrants[k], sizeof *dst->grants[k]);
        ok = dst->grants[k] != NULL;
        for (size_t i = 0; ok && i < src->ngrants[k]; i++) {
            dst->ngrants[k] = i + 1;
            ok = dup_or_null(&dst->grants[k][i].ds, src->grants[k][i].ds) &&
                 dup_or_null(&dst->grants[k][i].table,
                             src->grants[k][i].table);
        }
    }
    if (ok)
        return 0;
    dbd_client_rules_clear(dst);
    return -1;
}

const dbd_client_rules *dbd_config_find_client(const dbd_config *cfg,
                                               const char *name)
{
    for (size_t i = 0; i < cfg->nrules; i++)
        if (strcmp(cfg->rules[i].name, name) == 0)
            return &cfg->rules[i];
    return NULL;
}

bool config_client_section(ini_strict *in, parse_state *ps, const char *name)
{
    dbd_client_rules *grown;

    if (*name == '\0') {
        ini_strict_error(in, "client section without a name (write [client "
                         "NAME], NAME as in the allow-list of keys)");
        return false;
    }
    if (!dbd_curve_name_valid(name)) {
        ini_strict_error(in, "bad client name \"%s\" (use 1 to 64 of A-Z a-z "
                         "0-9 _ . -)", name);
        return false;
    }
    if (dbd_config_find_client(ps->cfg, name) != NULL) {
        ini_strict_error(in, "duplicate client \"%s\" (first defined on line "
                         "%d)", name,
                         dbd_config_find_client(ps->cfg, name)->line);
        return false;
    }
    grown = realloc(ps->cfg->rules, (ps->cfg->nrules + 1) * sizeof *grown);
    if (grown == NULL) {
        ini_strict_oom(in);
        return false;
    }
    ps->cfg->rules = grown;
    memset(&grown[ps->cfg->nrules], 0, sizeof *grown);
    grown[ps->cfg->nrules].line = ini_strict_lineno(in);
    grown[ps->cfg->nrules].name = strdup(name);
    if (grown[ps->cfg->nrules].name == NULL) {
        ini_strict_oom(in);
        return false;
    }
    ps->cur_client = ps->cfg->nrules++;
    ps->sec = SEC_CLIENT;
    return true;
}

bool config_client_key_repeats(const char *key)
{
    return strcmp(key, "read") == 0 || strcmp(key, "write") == 0 ||
           strcmp(key, "raw") == 0 || strcmp(key, "admin") == 0;
}

/* One word of a grant list into g: "DS.TABLE" (split at the last dot, as
 * a table name has none), "DS.*", "*.TABLE", "*" alone for any; raw
 * grants name a datasource or "*".  false with the error set. */
static bool parse_grant(ini_strict *in, const char *key, const char *word,
                        size_t len, bool with_table, dbd_grant *g)
{
    const char *dot = NULL;
    size_t dslen = len;

    g->ds = NULL;
    g->table = NULL;
    if (len == 1 && word[0] == '*')
        return true;
    if (with_table) {
        for (size_t i = 0; i < len; i++)
            if (word[i] == '.')
                dot = word + i;
        if (dot == NULL) {
            ini_strict_error(in, "%s: \"%.*s\" is not DATASOURCE.TABLE (or "
                             "DATASOURCE.*, *.TABLE, *)", key, (int)len, word);
            return false;
        }
        dslen = (size_t)(dot - word);
    }
    if (!(dslen == 1 && word[0] == '*')) {
        g->ds = strndup(word, dslen);
        if (g->ds == NULL) {
            ini_strict_oom(in);
            return false;
        }
        if (!dbd_ds_name_valid(g->ds)) {
            ini_strict_error(in, "%s: \"%s\" is not a datasource name", key,
                             g->ds);
            return false;
        }
    }
    if (dot != NULL && !(len - dslen - 1 == 1 && dot[1] == '*')) {
        if (!dbd_ident_valid(dot + 1, len - dslen - 1)) {
            ini_strict_error(in, "%s: \"%.*s\" is not a table name", key,
                             (int)(len - dslen - 1), dot + 1);
            return false;
        }
        g->table = strndup(dot + 1, len - dslen - 1);
        if (g->table == NULL) {
            ini_strict_oom(in);
            return false;
        }
    }
    return true;
}

/* KEY = WORD...: grants appended to class k of c. */
static bool grant_list(ini_strict *in, dbd_client_rules *c, const char *key,
                       const char *value, dbd_grant_class k)
{
    const char *p = value;
    bool any = false;

    for (;;) {
        size_t len;
        dbd_grant *grown;
        p += strspn(p, LIST_SEPARATORS);
        if (*p == '\0')
            break;
        len = strcspn(p, LIST_SEPARATORS);
        grown = realloc(c->grants[k], (c->ngrants[k] + 1) * sizeof *grown);
        if (grown == NULL) {
            ini_strict_oom(in);
            return false;
        }
        c->grants[k] = grown;
        /* counted first, so that clearing frees a half-made grant */
        if (!parse_grant(in, key, p, len, k != DBD_GRANT_RAW,
                         &grown[c->ngrants[k]++]))
            return false;
        any = true;
        p += len;
    }
    if (!any)
        ini_strict_error(in, "%s is empty (leave the key out to allow "
                         "nothing)", key);
    return any;
}

/* admin = OP... or "*": bits into c->admin. */
static bool admin_list(ini_strict *in, dbd_client_rules *c, const char *value)
{
    const char *p = value;
    bool any = false;

    for (;;) {
        size_t len;
        dbd_op_kind k;
        p += strspn(p, LIST_SEPARATORS);
        if (*p == '\0')
            break;
        len = strcspn(p, LIST_SEPARATORS);
        if (len == 1 && *p == '*') {
            c->admin |= dbd_admin_ops_all();
        } else if (dbd_op_from_name(p, len, &k) &&
                   (dbd_admin_ops_all() & (UINT32_C(1) << k)) != 0) {
            c->admin |= UINT32_C(1) << k;
        } else {
            ini_strict_error(in, "admin: \"%.*s\" is not an admin operation "
                             "(datasources, stats, hosts, audit, swap, "
                             "reload, or * for all)", (int)len, p);
            return false;
        }
        any = true;
        p += len;
    }
    if (!any)
        ini_strict_error(in, "admin is empty (leave the key out to allow "
                         "nothing)");
    return any;
}

static bool set_unsigned(ini_strict *in, const char *key, const char *value,
                         uint64_t max, unsigned *dst)
{
    uint64_t n;
    if (!ini_set_uint(in, key, value, 0, max, &n))
        return false;
    *dst = (unsigned)n;
    return true;
}

bool config_client_key(ini_strict *in, parse_state *ps, const char *key,
                       const char *value)
{
    dbd_client_rules *c = &ps->cfg->rules[ps->cur_client];
    char err[256];
    uint64_t n;

    if (strcmp(key, "endpoint") == 0) {
        int r = config_parse_endpoints(value, &c->endpoints, &c->nendpoints,
                                       err, sizeof err);
        if (r == -2)
            ini_strict_oom(in);
        else if (r < 0)
            ini_strict_error(in, "endpoint: %s", err);
        for (size_t i = 0; r == 0 && i < c->nendpoints; i++) {
            if (strncmp(c->endpoints[i], "ipc://", 6) != 0) {
                ini_strict_error(in, "endpoint: \"%s\" is not ipc:// (a "
                                 "client on tcp:// is known by its CURVE "
                                 "key's name)", c->endpoints[i]);
                r = -1;
            }
        }
        return r == 0;
    }
    if (strcmp(key, "read") == 0)
        return grant_list(in, c, key, value, DBD_GRANT_READ);
    if (strcmp(key, "write") == 0)
        return grant_list(in, c, key, value, DBD_GRANT_WRITE);
    if (strcmp(key, "raw") == 0)
        return grant_list(in, c, key, value, DBD_GRANT_RAW);
    if (strcmp(key, "admin") == 0)
        return admin_list(in, c, value);
    if (strcmp(key, "max_message") == 0) {
        if (!ini_set_size(in, key, value, 64, 1024u * 1024 * 1024, &n))
            return false;
        c->max_message = (size_t)n;
        return true;
    }
    if (strcmp(key, "max_rows") == 0)
        return ini_set_uint(in, key, value, 0, UINT64_C(1000000000000),
                            &c->max_rows);
    if (strcmp(key, "max_in_flight") == 0)
        return set_unsigned(in, key, value, 1000000, &c->max_in_flight);
    if (strcmp(key, "rate") == 0)
        return set_unsigned(in, key, value, 10000000, &c->rate);
    if (strcmp(key, "burst") == 0)
        return set_unsigned(in, key, value, 10000000, &c->burst);
    ini_strict_error(in, "unknown key \"%s\" in [client %s]", key, c->name);
    return false;
}

/* Every datasource a grant of c names is configured. */
static void check_grant_targets(ini_strict *in, const dbd_config *cfg,
                                const dbd_client_rules *c)
{
    static const char *const keys[] = {"read", "write", "raw"};
    for (int k = 0; k < DBD_GRANT_CLASSES; k++)
        for (size_t i = 0; i < c->ngrants[k]; i++)
            if (c->grants[k][i].ds != NULL &&
                dbd_config_find_ds(cfg, c->grants[k][i].ds) == NULL)
                ini_strict_error_at(in, c->line, "client \"%s\": %s names "
                                    "datasource \"%s\", which is not "
                                    "configured", c->name, keys[k],
                                    c->grants[k][i].ds);
}

/* Each endpoint of c is one of [dbd]'s and owned by no earlier client. */
static void check_endpoints(ini_strict *in, const dbd_config *cfg,
                            size_t ci)
{
    const dbd_client_rules *c = &cfg->rules[ci];
    for (size_t e = 0; e < c->nendpoints; e++) {
        bool bound = false;
        for (size_t i = 0; i < cfg->nendpoints; i++)
            bound = bound || strcmp(cfg->endpoints[i], c->endpoints[e]) == 0;
        if (!bound)
            ini_strict_error_at(in, c->line, "client \"%s\": endpoint \"%s\" "
                                "is not one of [dbd] endpoint", c->name,
                                c->endpoints[e]);
        for (size_t o = 0; o < ci; o++)
            for (size_t j = 0; j < cfg->rules[o].nendpoints; j++)
                if (strcmp(cfg->rules[o].endpoints[j], c->endpoints[e]) == 0)
                    ini_strict_error_at(in, c->line, "client \"%s\": "
                                        "endpoint \"%s\" already belongs to "
                                        "client \"%s\"", c->name,
                                        c->endpoints[e], cfg->rules[o].name);
    }
}

void config_client_finish(ini_strict *in, parse_state *ps)
{
    dbd_config *cfg = ps->cfg;
    for (size_t ci = 0; ci < cfg->nrules; ci++) {
        dbd_client_rules *c = &cfg->rules[ci];
        check_grant_targets(in, cfg, c);
        check_endpoints(in, cfg, ci);
        if (c->max_message > cfg->max_message)
            ini_strict_error_at(in, c->line, "client \"%s\": max_message "
                                "(%zu) is larger than [dbd] max_message "
                                "(%zu)", c->name, c->max_message,
                                cfg->max_message);
        if (c->burst > 0 && c->rate == 0)
            ini_strict_error_at(in, c->line, "client \"%s\": burst without "
                                "rate", c->name);
        if (c->burst == 0)
            c->burst = c->rate;
    }
}
