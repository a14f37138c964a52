/*
 * admin.c - the admin operations the front end answers itself: ping
 * (without a datasource), datasources (one row each, with health and
 * capabilities) and stats (name/value rows).
 */
#include "server_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

static dbd_value str_value(const char *s)
{
    return dbd_string(s, strlen(s));
}

int dbd_admin_ping(dbd_server *srv, dbd_result *r)
{
    static const char *const names[] = {"server", "version", "protocol_min",
                                        "protocol_max"};
    static const dbd_type types[] = {DBD_TYPE_STRING, DBD_TYPE_STRING,
                                     DBD_TYPE_INT, DBD_TYPE_INT};
    dbd_value row[4] = {
        str_value("dbd"),
        str_value(PACKAGE_VERSION),
        dbd_int(DBD_PROTOCOL_MIN_VERSION),
        dbd_int(DBD_PROTOCOL_VERSION),
    };
    (void)srv;
    if (dbd_result_set_columns(r, 4, names, types) != 0 ||
        dbd_result_add_row(r, row) != 0)
        return -1;
    return 0;
}

/* Every capability name, comma-separated, fits in this. */
#define CAPS_TEXT_MAX 128

/* The connector's capability bits as lowercase names separated by commas,
 * "" without a connector: clients (and the conformance suite) decide by
 * them which cases a datasource can serve. */
static void caps_text(const struct dbd_connector *c, char out[CAPS_TEXT_MAX])
{
    static const struct {
        uint64_t bit;
        const char *name;
    } caps[] = {
        {DBD_CAP_QUERY, "query"},       {DBD_CAP_INSERT, "insert"},
        {DBD_CAP_UPDATE, "update"},     {DBD_CAP_DELETE, "delete"},
        {DBD_CAP_REPLACE, "replace"},   {DBD_CAP_TRANSACTION, "transaction"},
        {DBD_CAP_RAW, "raw"},           {DBD_CAP_ORDER, "order"},
        {DBD_CAP_LIMIT, "limit"},       {DBD_CAP_BITAND, "bitand"},
        {DBD_CAP_LAST_ID, "last_id"},   {DBD_CAP_UNIQUE, "unique"},
    };
    size_t n = 0;

    out[0] = '\0';
    for (size_t i = 0; c != NULL && i < sizeof caps / sizeof caps[0]; i++) {
        if ((c->caps & caps[i].bit) == 0)
            continue;
        n += (size_t)snprintf(out + n, CAPS_TEXT_MAX - n, "%s%s",
                              n > 0 ? "," : "", caps[i].name);
    }
}

int dbd_admin_datasources(dbd_server *srv, dbd_result *r)
{
    static const char *const names[] = {
        "name",     "scheme",   "url",    "health",     "pool", "queued",
        "in_flight", "requests", "errors", "last_error", "open", "caps",
        "mode"};
    static const dbd_type types[] = {
        DBD_TYPE_STRING, DBD_TYPE_STRING, DBD_TYPE_STRING, DBD_TYPE_STRING,
        DBD_TYPE_INT,    DBD_TYPE_INT,    DBD_TYPE_INT,    DBD_TYPE_INT,
        DBD_TYPE_INT,    DBD_TYPE_STRING, DBD_TYPE_INT, DBD_TYPE_STRING,
        DBD_TYPE_STRING};

    if (dbd_result_set_columns(r, 13, names, types) != 0)
        return -1;
    for (size_t i = 0; i < srv->nds; i++) {
        dbd_datasource *ds = srv->ds[i];
        dbd_counters *c = dbd_datasource_counters(ds);
        char last_error[512];
        char caps[CAPS_TEXT_MAX];
        dbd_value row[13];

        dbd_datasource_last_error(ds, last_error, sizeof last_error);
        row[0] = str_value(dbd_datasource_name(ds));
        row[1] = str_value(dbd_datasource_scheme(ds));
        row[2] = str_value(dbd_datasource_url(ds));
        row[3] = str_value(dbd_health_name(dbd_datasource_health(ds)));
        row[4] = dbd_int(dbd_datasource_config(ds)->pool);
        row[5] = dbd_int((int64_t)atomic_load(&c->queued));
        row[6] = dbd_int((int64_t)atomic_load(&c->in_flight));
        row[7] = dbd_int((int64_t)atomic_load(&c->requests));
        row[8] = dbd_int((int64_t)dbd_counters_errors(c));
        row[9] = last_error[0] != '\0' ? str_value(last_error) : dbd_null();
        row[10] = dbd_int(dbd_datasource_open_connections(ds));
        caps_text(dbd_datasource_connector(ds), caps);
        row[11] = str_value(caps);
        row[12] = str_value(dbd_ds_mode_name(dbd_datasource_config(ds)->mode));
        if (dbd_result_add_row(r, row) != 0)
            return -1;
    }
    return 0;
}

static int stat_row(dbd_result *r, const char *name, uint64_t value)
{
    dbd_value row[2] = {str_value(name), dbd_int((int64_t)value)};
    return dbd_result_add_row(r, row);
}

int dbd_admin_hosts(dbd_server *srv, dbd_result *r)
{
    static const char *const names[] = {
        "datasource", "host",     "url",    "role",    "state",
        "open",       "requests", "errors", "retried", "last_error"};
    static const dbd_type types[] = {
        DBD_TYPE_STRING, DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_STRING,
        DBD_TYPE_STRING, DBD_TYPE_INT, DBD_TYPE_INT,    DBD_TYPE_INT,
        DBD_TYPE_INT,    DBD_TYPE_STRING};

    if (dbd_result_set_columns(r, 10, names, types) != 0)
        return -1;
    for (size_t i = 0; i < srv->nds; i++) {
        dbd_datasource *ds = srv->ds[i];
        for (size_t h = 0; h < dbd_datasource_nhosts(ds); h++) {
            dbd_host_info hi;
            dbd_value row[10];
            dbd_datasource_host_info(ds, h, &hi);
            row[0] = str_value(dbd_datasource_name(ds));
            row[1] = dbd_int((int64_t)h);
            row[2] = str_value(hi.url);
            row[3] = str_value(hi.role);
            row[4] = str_value(dbd_host_state_name(hi.state));
            row[5] = dbd_int(hi.open);
            row[6] = dbd_int((int64_t)hi.requests);
            row[7] = dbd_int((int64_t)hi.errors);
            row[8] = dbd_int((int64_t)hi.retried);
            row[9] = hi.last_error[0] != '\0' ? str_value(hi.last_error)
                                              : dbd_null();
            if (dbd_result_add_row(r, row) != 0)
                return -1;
        }
    }
    return 0;
}

/* ds.NAME.host.N.* rows and ds.NAME.swaps. */
static int host_rows(dbd_result *r, const char *prefix, dbd_datasource *ds)
{
    char name[DBD_CONF_DS_NAME_MAX + 48];
    for (size_t h = 0; h < dbd_datasource_nhosts(ds); h++) {
        dbd_host_info hi;
        dbd_datasource_host_info(ds, h, &hi);
        const struct {
            const char *what;
            uint64_t value;
        } rows[] = {
            {"requests", hi.requests}, {"errors", hi.errors},
            {"retried", hi.retried},   {"open", hi.open},
            {"up", hi.state == DBD_HOST_UP},
        };
        for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
            snprintf(name, sizeof name, "%shost.%zu.%s", prefix, h,
                     rows[k].what);
            if (stat_row(r, name, rows[k].value) != 0)
                return -1;
        }
    }
    snprintf(name, sizeof name, "%sswaps", prefix);
    return stat_row(r, name, dbd_datasource_swaps(ds));
}


/* The counters of c as rows named prefix + counter name; counters (as
 * opposed to gauges) get suffix, e.g. "requests_total". */
static int counter_rows(dbd_result *r, const char *prefix, const char *suffix,
                        dbd_counters *c)
{
    static const char *const status_names[] = {
#define DBD_STATUS_NAME_STR(nm, code, text) [code] = #nm,
        DBD_STATUS_MAP(DBD_STATUS_NAME_STR)
#undef DBD_STATUS_NAME_STR
    };
    struct {
        const char *name;
        bool counter;
        uint64_t value;
    } rows[] = {
        {"requests", true, atomic_load(&c->requests)},
        {"errors", true, dbd_counters_errors(c)},
        {"rows", true, atomic_load(&c->rows)},
        {"queued", false, (uint64_t)atomic_load(&c->queued)},
        {"in_flight", false, (uint64_t)atomic_load(&c->in_flight)},
        {"latency_sum_us", false, atomic_load(&c->latency_sum_us)},
        {"latency_max_us", false, atomic_load(&c->latency_max_us)},
    };
    char name[256];

    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(name, sizeof name, "%s%s%s", prefix, rows[i].name,
                 rows[i].counter ? suffix : "");
        if (stat_row(r, name, rows[i].value) != 0)
            return -1;
    }
    for (int st = 0; st < DBD_STATUS_COUNT; st++) {
        size_t n = (size_t)snprintf(name, sizeof name, "%srequests_status_",
                                    prefix);
        /* "requests_status_ok": the status names in lowercase */
        for (const char *p = status_names[st];
             *p != '\0' && n + 1 < sizeof name; p++)
            name[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        name[n] = '\0';
        if (stat_row(r, name, atomic_load(&c->by_status[st])) != 0)
            return -1;
    }
    return 0;
}

/* client.NAME.* of each [client NAME] in force. */
static int client_rows(dbd_result *r, const dbd_clients *cs)
{
    for (size_t i = 0; cs != NULL && i < cs->n; i++) {
        const dbd_client_usage *u = cs->v[i].usage;
        const struct {
            const char *suffix;
            uint64_t value;
        } rows[] = {
            {"requests_total", u->requests_total},
            {"denied_total", u->denied_total},
            {"limited_total", atomic_load(&u->limited_total)},
            {"in_flight", atomic_load(&u->in_flight)},
        };
        for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
            char name[DBD_USER_BYTES + 32];
            snprintf(name, sizeof name, "client.%s.%s", cs->v[i].rules.name,
                     rows[k].suffix);
            if (stat_row(r, name, rows[k].value) != 0)
                return -1;
        }
    }
    return 0;
}

int dbd_admin_stats(dbd_server *srv, dbd_result *r)
{
    static const char *const names[] = {"name", "value"};
    static const dbd_type types[] = {DBD_TYPE_STRING, DBD_TYPE_INT};
    int64_t up = (now_mono_us() - srv->start_mono_us) / 1000000;

    if (dbd_result_set_columns(r, 2, names, types) != 0 ||
        counter_rows(r, "", "_total", &srv->counters) != 0)
        return -1;
    for (size_t i = 0; i < srv->nds; i++) {
        char prefix[DBD_CONF_DS_NAME_MAX + 8];
        dbd_datasource *ds = srv->ds[i];
        snprintf(prefix, sizeof prefix, "ds.%s.", dbd_datasource_name(ds));
        if (counter_rows(r, prefix, "", dbd_datasource_counters(ds)) !=
            0)
            return -1;
        {
            char name[DBD_CONF_DS_NAME_MAX + 16];
            snprintf(name, sizeof name, "%sopen", prefix);
            if (stat_row(r, name, dbd_datasource_open_connections(ds)) != 0)
                return -1;
        }
        if (host_rows(r, prefix, ds) != 0)
            return -1;
    }
    if (srv->audit != NULL) {
        dbd_audit_stats as;
        dbd_audit_get_stats(srv->audit, &as);
        if (stat_row(r, "audit.records_total", as.records) != 0 ||
            stat_row(r, "audit.dropped_total", as.dropped) != 0 ||
            stat_row(r, "audit.queued", as.queued) != 0 ||
            stat_row(r, "audit.bytes_total", as.bytes) != 0 ||
            stat_row(r, "audit.rotations_total", as.rotations) != 0 ||
            stat_row(r, "audit.write_errors_total", as.write_errors) != 0)
            return -1;
    }
    if (client_rows(r, srv->clients) != 0)
        return -1;
    if (stat_row(r, "datasources", srv->nds) != 0 ||
        stat_row(r, "reloads_total", srv->reloads) != 0 ||
        stat_row(r, "rss_bytes", dbd_rss_bytes()) != 0 ||
        stat_row(r, "uptime_seconds", up > 0 ? (uint64_t)up : 0) != 0)
        return -1;
    return 0;
}

/* The audit trail's settings and counters as name/value text rows. */
int dbd_admin_audit(dbd_server *srv, dbd_result *r)
{
    static const char *const names[] = {"name", "value"};
    static const dbd_type types[] = {DBD_TYPE_STRING, DBD_TYPE_STRING};
    const dbd_audit_config *ac = &srv->cfg->audit;
    dbd_audit_stats as = {0};
    char num[6][24];

    if (srv->audit != NULL)
        dbd_audit_get_stats(srv->audit, &as);
    snprintf(num[0], sizeof num[0], "%" PRIu64, as.records);
    snprintf(num[1], sizeof num[1], "%" PRIu64, as.dropped);
    snprintf(num[2], sizeof num[2], "%" PRIu64, as.queued);
    snprintf(num[3], sizeof num[3], "%" PRIu64, as.bytes);
    snprintf(num[4], sizeof num[4], "%" PRIu64, as.rotations);
    snprintf(num[5], sizeof num[5], "%" PRIu64, as.write_errors);
    const char *const rows[][2] = {
        {"enabled", srv->audit != NULL ? "yes" : "no"},
        {"file", ac->file != NULL ? ac->file : ""},
        {"publish", ac->publish != NULL ? ac->publish : ""},
        {"loss", dbd_audit_loss_name(ac->loss)},
        {"sync", dbd_audit_sync_name(ac->sync)},
        {"records", num[0]},
        {"dropped", num[1]},
        {"queued", num[2]},
        {"bytes", num[3]},
        {"rotations", num[4]},
        {"write_errors", num[5]},
        {"last_error", as.last_error},
        {"head", as.head},
    };
    if (dbd_result_set_columns(r, 2, names, types) != 0)
        return -1;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        dbd_value row[2] = {str_value(rows[i][0]), str_value(rows[i][1])};
        if (dbd_result_add_row(r, row) != 0)
            return -1;
    }
    return 0;
}
