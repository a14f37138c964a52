/*
 * cases_kamailio.c - the Kamailio tables every backend holds through the
 * project's schema scripts: they exist, `version` has the documented rows,
 * and a subscriber row written through dbd reads back the same from every
 * datasource.
 */
#include "conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void case_kamailio_tables(conf_t *T)
{
    static const char *const tables[] = {"subscriber", "location", "version",
                                         "dr_gateways", "dr_rules"};

    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        dbd_request *q = conf_req_on(T, DBD_OP_QUERY, tables[i]);
        dbd_result *r;

        if ((T->ds->caps & DBD_CAP_LIMIT) != 0)
            dbd_op_set_limit(&q->op, 1, 0);
        r = conf_call(T, &q, CONF_TIMEOUT_MS);
        ck_status(T, r, DBD_OK, "table %s exists", tables[i]);
        dbd_result_destroy(&r);
    }
}

/* The rows tools/schema documents, sorted by table_name. */
static const struct {
    const char *table;
    int64_t version;
} versions[] = {
    {"dr_gateways", 3}, {"dr_rules", 3}, {"location", 9},
    {"subscriber", 7},  {"version", 1},
};

#define NVERSIONS (sizeof versions / sizeof versions[0])

static int cmp_row(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void case_kamailio_version(conf_t *T)
{
    dbd_request *q = conf_req_on(T, DBD_OP_QUERY, "version");
    dbd_result *r;
    char got[NVERSIONS][96];
    const char *sorted[NVERSIONS];
    size_t n;

    conf_column(q, &q->op, "table_name");
    conf_column(q, &q->op, "table_version");
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (!ck_status(T, r, DBD_OK, "query version") ||
        !ck_int(T, (long long)dbd_result_nrows(r), (long long)NVERSIONS,
                "version has one row per table"))
        goto out;
    n = dbd_result_nrows(r);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL;
        size_t len = 0;
        int64_t v = -1;

        if (dbd_result_get_string(r, i, 0, &name, &len) != 0)
            name = "(not a string)", len = strlen(name);
        if (dbd_result_get_int64(r, i, 1, &v) != 0)
            v = -1;
        snprintf(got[i], sizeof got[i], "%.*s %lld", (int)len, name,
                 (long long)v);
        sorted[i] = got[i];
    }
    qsort(sorted, n, sizeof sorted[0], cmp_row);
    for (size_t i = 0; i < n; i++) {
        char want[96];
        snprintf(want, sizeof want, "%s %lld", versions[i].table,
                 (long long)versions[i].version);
        ck_str(T, sorted[i], want, "version row %s", versions[i].table);
    }
    /* The column types too: table_version is an int everywhere. */
    if (n > 0)
        ck_int(T, dbd_result_col_type(r, 1), DBD_TYPE_INT,
               "table_version is an int column");
out:
    dbd_result_destroy(&r);
}

/* The subscriber row of the suite; ha1 = MD5("conf-sub:conf.example:
 * s3cr3t'pw"), ha1b = MD5("conf-sub@conf.example:conf.example:s3cr3t'pw"),
 * though only their bytes matter here. */
static const char *const sub_cols[] = {"id",  "username", "domain",
                                       "password", "ha1", "ha1b"};
static const char *const sub_vals[] = {
    NULL, "conf-sub", "conf.example", "s3cr3t'pw",
    "1f0c3ab5e2e1a6f3d4b9c8e7a6b5c4d3", "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"};

#define NSUB (sizeof sub_cols / sizeof sub_cols[0])

static dbd_result *sub_delete(conf_t *T)
{
    dbd_request *q = conf_req_on(T, DBD_OP_DELETE, "subscriber");

    conf_where(q, &q->op, "username", DBD_CMP_EQ, conf_s(sub_vals[1]));
    conf_where(q, &q->op, "domain", DBD_CMP_EQ, conf_s(sub_vals[2]));
    return conf_call(T, &q, CONF_TIMEOUT_MS);
}

/* "username=...|domain=...|..." of row 0, NULL when a column is absent. */
static char *sub_render(const dbd_result *r)
{
    size_t cap = 1024, used = 0;
    char *out = malloc(cap);

    if (out == NULL)
        conf_die("out of memory");
    out[0] = '\0';
    for (size_t i = 1; i < NSUB; i++) {
        const dbd_value *v = conf_cell(r, 0, sub_cols[i]);
        char d[CONF_DESCRIBE_MAX];

        if (v == NULL) {
            free(out);
            return NULL;
        }
        conf_describe(v, d);
        used += (size_t)snprintf(out + used, cap - used, "%s%s=%s",
                                 i > 1 ? "|" : "", sub_cols[i], d);
        if (used >= cap)
            conf_die("subscriber rendering too long");
    }
    return out;
}

static void sub_check_row(conf_t *T, const dbd_result *r)
{
    const dbd_value *id = conf_cell(r, 0, "id");
    char *text;

    for (size_t i = 0; i < NSUB; i++)
        ck_str(T, dbd_result_col_name(r, i), sub_cols[i],
               "column %zu is %s", i, sub_cols[i]);
    ck_int(T, (long long)dbd_result_ncols(r), (long long)NSUB,
           "every column of subscriber");
    ck_int(T, id != NULL ? (long long)id->type : -1, DBD_TYPE_INT,
           "id is an int");
    for (size_t i = 1; i < NSUB; i++) {
        dbd_value want = conf_s(sub_vals[i]);
        ck_value(T, conf_cell(r, 0, sub_cols[i]), &want, "%s reads back",
                 sub_cols[i]);
    }
    text = sub_render(r);
    if (text == NULL)
        return;
    if (T->subscriber_ref == NULL) {
        T->subscriber_ref = text;
        T->subscriber_ref_ds = T->ds->name;
        return;
    }
    ck_str(T, text, T->subscriber_ref, "reads back as from %s",
           T->subscriber_ref_ds);
    free(text);
}

void case_kamailio_subscriber(conf_t *T)
{
    dbd_result *r = sub_delete(T);
    dbd_request *q;

    if (!ck_status(T, r, DBD_OK, "delete a left-over row"))
        goto out;
    dbd_result_destroy(&r);
    q = conf_req_on(T, DBD_OP_INSERT, "subscriber");
    for (size_t i = 1; i < NSUB; i++)
        conf_value(q, &q->op, sub_cols[i], conf_s(sub_vals[i]));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (!ck_status(T, r, DBD_OK, "insert"))
        goto out;
    dbd_result_destroy(&r);

    q = conf_req_on(T, DBD_OP_QUERY, "subscriber");
    conf_where(q, &q->op, "username", DBD_CMP_EQ, conf_s(sub_vals[1]));
    conf_where(q, &q->op, "domain", DBD_CMP_EQ, conf_s(sub_vals[2]));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "query by username and domain") &&
        ck_int(T, (long long)dbd_result_nrows(r), 1, "one row"))
        sub_check_row(T, r);
    dbd_result_destroy(&r);

    r = sub_delete(T);
    if (ck_status(T, r, DBD_OK, "delete"))
        ck_int(T, dbd_result_affected(r), 1, "delete removed the row");
out:
    dbd_result_destroy(&r);
}
