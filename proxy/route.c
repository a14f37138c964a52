/*
 * route.c - longest-prefix routing over dr_rules and dr_gateways (see
 * route.h): the queries, choosing the rule and the gateway from their
 * rows, and rewriting the number for the gateway.
 */
#include "route.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rule_columns[] = {
    "ruleid", "groupid", "prefix", "priority", "gwlist",
};
static const char *const gateway_columns[] = {
    "gwid", "address", "strip", "pri_prefix",
};

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (errlen > 0)
        snprintf(err, errlen, "%s", msg);
}

static dbd_request *query_new(const char *ds, const char *table,
                              const char *const *columns, size_t ncolumns)
{
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, ds, table);
    if (req == NULL)
        return NULL;
    for (size_t i = 0; i < ncolumns; i++) {
        if (dbd_op_add_column(req, &req->op, columns[i]) < 0) {
            dbd_request_destroy(&req);
            return NULL;
        }
    }
    return req;
}

dbd_request *route_query_rules(const char *ds, const char *table,
                               const char *number, const char *groupid)
{
    if (ds == NULL || table == NULL || number == NULL)
        return NULL;
    size_t len = strlen(number);
    if (len > ROUTE_PREFIX_MAX)
        len = ROUTE_PREFIX_MAX;
    dbd_value prefixes[ROUTE_PREFIX_MAX + 1];
    for (size_t k = 0; k <= len; k++)
        prefixes[k] = dbd_string(number, k);
    dbd_request *req = query_new(ds, table, rule_columns,
                                 sizeof rule_columns / sizeof rule_columns[0]);
    if (req == NULL)
        return NULL;
    if (dbd_op_add_where_in(req, &req->op, "prefix", prefixes, len + 1) < 0)
        goto fail;
    if (groupid != NULL) {
        dbd_value g = dbd_string(groupid, strlen(groupid));
        if (dbd_op_add_where(req, &req->op, "groupid", DBD_CMP_EQ, &g) < 0)
            goto fail;
    }
    return req;
fail:
    dbd_request_destroy(&req);
    return NULL;
}

/* Index of a required column, or -1 with err. */
static long need_column(const dbd_result *r, const char *table,
                        const char *name, char *err, size_t errlen)
{
    long col = dbd_result_col_index(r, name);
    if (col < 0 && errlen > 0)
        snprintf(err, errlen, "%s result has no column %s", table, name);
    return col;
}

/* Text cell into an owned string; NULL cell -> NULL unless required. */
static int cell_string(const dbd_result *r, size_t row, long col,
                       const char *what, bool required, char **out, char *err,
                       size_t errlen)
{
    const char *s;
    size_t len;
    *out = NULL;
    if (col < 0 || dbd_result_is_null(r, row, (size_t)col)) {
        if (!required)
            return 0;
        if (errlen > 0)
            snprintf(err, errlen, "%s row %zu is NULL", what, row);
        return -1;
    }
    if (dbd_result_get_string(r, row, (size_t)col, &s, &len) < 0) {
        if (errlen > 0)
            snprintf(err, errlen, "%s row %zu is not text", what, row);
        return -1;
    }
    if ((*out = strndup(s, len)) == NULL) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Integer cell; NULL cell -> dflt unless required. */
static int cell_int(const dbd_result *r, size_t row, long col,
                    const char *what, bool required, int64_t dflt,
                    int64_t *out, char *err, size_t errlen)
{
    *out = dflt;
    if (dbd_result_is_null(r, row, (size_t)col)) {
        if (!required)
            return 0;
        if (errlen > 0)
            snprintf(err, errlen, "%s row %zu is NULL", what, row);
        return -1;
    }
    if (dbd_result_get_int64(r, row, (size_t)col, out) < 0) {
        if (errlen > 0)
            snprintf(err, errlen, "%s row %zu is not an integer", what, row);
        return -1;
    }
    return 0;
}

static int result_ok(const dbd_result *r, const char *table, char *err,
                     size_t errlen)
{
    if (r == NULL) {
        if (errlen > 0)
            snprintf(err, errlen, "no %s result", table);
        return -1;
    }
    if (dbd_result_status(r) != DBD_OK) {
        if (errlen > 0)
            snprintf(err, errlen, "%s query failed: %s", table,
                     dbd_result_message(r));
        return -1;
    }
    return 0;
}

int route_pick_rule(const dbd_result *rules, const char *number,
                    route_rule *out, char *err, size_t errlen)
{
    long cruleid = -1, cprefix = -1, cpriority = -1, cgwlist = -1, cgroupid;
    long best = -1;
    size_t best_len = 0;
    int64_t best_prio = 0, best_id = 0;

    set_err(err, errlen, "");
    if (out == NULL || number == NULL) {
        set_err(err, errlen, "no number to route");
        return -2;
    }
    memset(out, 0, sizeof(*out));
    if (result_ok(rules, "dr_rules", err, errlen) < 0 ||
        (cruleid = need_column(rules, "dr_rules", "ruleid", err, errlen)) < 0 ||
        (cprefix = need_column(rules, "dr_rules", "prefix", err, errlen)) < 0 ||
        (cpriority = need_column(rules, "dr_rules", "priority", err, errlen)) < 0 ||
        (cgwlist = need_column(rules, "dr_rules", "gwlist", err, errlen)) < 0)
        return -2;
    cgroupid = dbd_result_col_index(rules, "groupid");
    size_t nlen = strlen(number);
    for (size_t row = 0; row < dbd_result_nrows(rules); row++) {
        const char *prefix;
        size_t plen;
        int64_t id, prio;
        if (dbd_result_get_string(rules, row, (size_t)cprefix, &prefix,
                                  &plen) < 0) {
            if (errlen > 0)
                snprintf(err, errlen, "dr_rules.prefix row %zu is not text",
                         row);
            return -2;
        }
        if (plen > nlen || memcmp(prefix, number, plen) != 0)
            continue;
        if (cell_int(rules, row, cruleid, "dr_rules.ruleid", true, 0, &id, err,
                     errlen) < 0 ||
            cell_int(rules, row, cpriority, "dr_rules.priority", false, 0,
                     &prio, err, errlen) < 0)
            return -2;
        if (best < 0 || plen > best_len ||
            (plen == best_len &&
             (prio > best_prio || (prio == best_prio && id < best_id)))) {
            best = (long)row;
            best_len = plen;
            best_prio = prio;
            best_id = id;
        }
    }
    if (best < 0) {
        if (errlen > 0)
            snprintf(err, errlen, "no dr_rules prefix matches %s", number);
        return -1;
    }
    out->ruleid = best_id;
    out->priority = best_prio;
    if ((out->prefix = strndup(number, best_len)) == NULL ||
        cell_string(rules, (size_t)best, cgwlist, "dr_rules.gwlist", true,
                    &out->gwlist, err, errlen) < 0 ||
        cell_string(rules, (size_t)best, cgroupid, "dr_rules.groupid", false,
                    &out->groupid, err, errlen) < 0) {
        if (out->prefix == NULL)
            set_err(err, errlen, "out of memory");
        route_rule_free(out);
        return -2;
    }
    return 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A decimal gateway id of [s, e); false when not one. */
static bool parse_id(const char *s, const char *e, int64_t *out)
{
    int64_t v = 0;
    if (s == e)
        return false;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9')
            return false;
        int d = *s - '0';
        if (v > (INT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

int route_gwlist_parse(const char *gwlist, int64_t ids[ROUTE_GWLIST_MAX],
                       size_t *n, char *err, size_t errlen)
{
    bool skipped = false;
    set_err(err, errlen, "");
    *n = 0;
    if (gwlist == NULL) {
        set_err(err, errlen, "no gwlist");
        return -1;
    }
    const char *p = gwlist;
    while (is_blank(*p))
        p++;
    if (*p == '\0')
        return 0;
    for (;;) {
        const char *end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        const char *s = p, *e = end;
        while (s < e && is_blank(*s))
            s++;
        while (e > s && is_blank(e[-1]))
            e--;
        if (s == e) {
            if (errlen > 0)
                snprintf(err, errlen, "gwlist '%s' has an empty entry", gwlist);
            return -1;
        }
        if (*s == '#') {
            skipped = true;
        } else {
            if (*n == ROUTE_GWLIST_MAX) {
                if (errlen > 0)
                    snprintf(err, errlen, "gwlist '%s' has more than %d ids",
                             gwlist, ROUTE_GWLIST_MAX);
                return -1;
            }
            if (!parse_id(s, e, &ids[*n])) {
                if (errlen > 0)
                    snprintf(err, errlen,
                             "gwlist '%s': gateway id '%.*s' is not a number",
                             gwlist, (int)(e - s), s);
                return -1;
            }
            (*n)++;
        }
        if (*end == '\0')
            break;
        p = end + 1;
    }
    if (skipped && errlen > 0)
        snprintf(err, errlen,
                 "gwlist '%s': carrier ids (#...) are not supported, skipped",
                 gwlist);
    return 0;
}

dbd_request *route_query_gateways(const char *ds, const char *table,
                                  const route_rule *rule)
{
    int64_t ids[ROUTE_GWLIST_MAX];
    dbd_value list[ROUTE_GWLIST_MAX];
    size_t n;
    char err[256];
    if (ds == NULL || table == NULL || rule == NULL ||
        route_gwlist_parse(rule->gwlist, ids, &n, err, sizeof err) < 0 ||
        n == 0)
        return NULL;
    for (size_t i = 0; i < n; i++)
        list[i] = dbd_int(ids[i]);
    dbd_request *req = query_new(ds, table, gateway_columns,
                                 sizeof gateway_columns / sizeof gateway_columns[0]);
    if (req != NULL && dbd_op_add_where_in(req, &req->op, "gwid", list, n) < 0)
        dbd_request_destroy(&req);
    return req;
}

static int fill_gateway(const dbd_result *gws, size_t row, const long *cols,
                        route_gateway *out, char *err, size_t errlen)
{
    if (cell_string(gws, row, cols[1], "dr_gateways.address", true,
                    &out->address, err, errlen) < 0 ||
        cell_int(gws, row, cols[2], "dr_gateways.strip", false, 0, &out->strip,
                 err, errlen) < 0 ||
        cell_string(gws, row, cols[3], "dr_gateways.pri_prefix", false,
                    &out->pri_prefix, err, errlen) < 0)
        return -1;
    if (out->strip < 0) {
        if (errlen > 0)
            snprintf(err, errlen, "dr_gateways.strip row %zu is negative", row);
        return -1;
    }
    return 0;
}

int route_pick_gateway(const dbd_result *gws, const route_rule *rule,
                       route_gateway *out, char *err, size_t errlen)
{
    int64_t ids[ROUTE_GWLIST_MAX];
    size_t n;
    long cols[4];
    char warning[320];

    set_err(err, errlen, "");
    if (out == NULL || rule == NULL) {
        set_err(err, errlen, "no rule");
        return -2;
    }
    memset(out, 0, sizeof(*out));
    if (route_gwlist_parse(rule->gwlist, ids, &n, err, errlen) < 0)
        return -2;
    snprintf(warning, sizeof warning, "%s", errlen > 0 ? err : "");
    if (n == 0) {
        if (errlen > 0)
            snprintf(err, errlen, "dr_rules rule %lld names no gateway",
                     (long long)rule->ruleid);
        return -1;
    }
    if (result_ok(gws, "dr_gateways", err, errlen) < 0)
        return -2;
    for (size_t i = 0; i < 4; i++)
        if ((cols[i] = need_column(gws, "dr_gateways", gateway_columns[i], err,
                                   errlen)) < 0)
            return -2;
    size_t nrows = dbd_result_nrows(gws);
    int64_t gwid;
    /* Every row's gwid is checked, not only those before the winner. */
    for (size_t row = 0; row < nrows; row++)
        if (cell_int(gws, row, cols[0], "dr_gateways.gwid", true, 0, &gwid, err,
                     errlen) < 0)
            return -2;
    for (size_t i = 0; i < n; i++) {
        for (size_t row = 0; row < nrows; row++) {
            if (dbd_result_get_int64(gws, row, (size_t)cols[0], &gwid) < 0 ||
                gwid != ids[i])
                continue;
            out->gwid = gwid;
            if (fill_gateway(gws, row, cols, out, err, errlen) < 0) {
                route_gateway_free(out);
                return -2;
            }
            set_err(err, errlen, warning);
            return 0;
        }
    }
    if (errlen > 0)
        snprintf(err, errlen, "no gateway of gwlist '%s' exists", rule->gwlist);
    return -1;
}

int route_rewrite(const char *number, int64_t strip, const char *pri_prefix,
                  char *out, size_t outlen)
{
    if (out == NULL || outlen == 0)
        return -1;
    out[0] = '\0';
    if (number == NULL)
        return -1;
    size_t len = strlen(number);
    size_t plen = pri_prefix != NULL ? strlen(pri_prefix) : 0;
    if (strip < 0 || (uint64_t)strip > len)
        return -1;
    size_t rest = len - (size_t)strip;
    if (plen >= outlen || rest >= outlen - plen)
        return -1;
    if (plen > 0)
        memcpy(out, pri_prefix, plen);
    memcpy(out + plen, number + strip, rest + 1);
    return 0;
}

void route_rule_free(route_rule *r)
{
    if (r == NULL)
        return;
    free(r->prefix);
    free(r->gwlist);
    free(r->groupid);
    memset(r, 0, sizeof(*r));
}

void route_gateway_free(route_gateway *g)
{
    if (g == NULL)
        return;
    free(g->address);
    free(g->pri_prefix);
    memset(g, 0, sizeof(*g));
}
