/*
 * runner.c - runs the one list of cases against one datasource: every
 * case starts on an empty conf table; a case whose capabilities the
 * datasource lacks is skipped after checking that dbd refuses what it
 * needs with UNSUPPORTED (for the capabilities dbd gates itself).
 */
#include "conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A request that needs cap and nothing a datasource with every other
 * capability would refuse; NULL for capabilities dbd does not gate
 * (unique, last_id describe the backend; raw is refused by allow_raw).
 * Its conditions match no row, in case a broken gate lets it run.
 */
static dbd_request *probe_request(conf_t *T, uint64_t cap)
{
    dbd_value none = conf_s("probe:none");
    dbd_request *q = NULL;
    dbd_op *op;

    switch (cap) {
    case DBD_CAP_QUERY:
        q = conf_req(T, DBD_OP_QUERY);
        conf_where(q, &q->op, "k", DBD_CMP_EQ, none);
        break;
    case DBD_CAP_INSERT:
        q = conf_req(T, DBD_OP_INSERT);
        conf_value(q, &q->op, "k", none);
        break;
    case DBD_CAP_UPDATE:
        q = conf_req(T, DBD_OP_UPDATE);
        conf_value(q, &q->op, "i", dbd_int(1));
        conf_where(q, &q->op, "k", DBD_CMP_EQ, none);
        break;
    case DBD_CAP_DELETE:
        q = conf_req(T, DBD_OP_DELETE);
        conf_where(q, &q->op, "k", DBD_CMP_EQ, none);
        break;
    case DBD_CAP_REPLACE:
        q = conf_req(T, DBD_OP_REPLACE);
        conf_value(q, &q->op, "k", none);
        conf_key(q, &q->op, "k");
        break;
    case DBD_CAP_TRANSACTION:
        q = conf_req(T, DBD_OP_BATCH); /* atomic by default */
        op = conf_add_op(q, DBD_OP_QUERY, CONF_TABLE);
        conf_where(q, op, "k", DBD_CMP_EQ, none);
        break;
    case DBD_CAP_ORDER:
        q = conf_req(T, DBD_OP_QUERY);
        conf_where(q, &q->op, "k", DBD_CMP_EQ, none);
        conf_order(q, &q->op, "k", false);
        break;
    case DBD_CAP_LIMIT:
        q = conf_req(T, DBD_OP_QUERY);
        conf_where(q, &q->op, "k", DBD_CMP_EQ, none);
        dbd_op_set_limit(&q->op, 1, 0);
        break;
    case DBD_CAP_BITAND:
        q = conf_req(T, DBD_OP_QUERY);
        conf_where(q, &q->op, "grp", DBD_CMP_BITAND, dbd_int(1));
        break;
    default:
        break;
    }
    return q;
}

static void append_name(char *list, size_t len, const char *name)
{
    size_t used = strlen(list);

    snprintf(list + used, len - used, "%s%s", used > 0 ? ", " : "", name);
}

/* Returns whether the case counts as unsupported (else as failed). */
static bool run_unsupported(conf_t *T, const conf_case *c, uint64_t missing)
{
    uint64_t cap = missing & (~missing + 1); /* the lowest bit */
    const char *name = conf_cap_name(cap);
    dbd_request *q = probe_request(T, cap);
    char why[96];

    if (q != NULL) {
        dbd_result *r = conf_call(T, &q, CONF_TIMEOUT_MS);
        bool refused = dbd_result_status(r) == DBD_UNSUPPORTED;

        if (!refused)
            ck_status(T, r, DBD_UNSUPPORTED,
                      "dbd answers UNSUPPORTED without %s", name);
        dbd_result_destroy(&r);
        if (!refused)
            return false;
    }
    snprintf(why, sizeof why, "unsupported (no %s)", name);
    conf_skip(T, why);
    append_name(T->ds->unsupported, sizeof T->ds->unsupported, c->name);
    return true;
}

/* DBD_CONFORMANCE_CASES (comma-separated words) picks the cases whose
 * names contain one of them; unset: every case. */
static bool selected(const char *filter, const char *name)
{
    const char *p = filter;

    if (filter == NULL || filter[0] == '\0')
        return true;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        if (len > 0 && memmem(name, strlen(name), p, len) != NULL)
            return true;
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

void conf_run_ds(conf_t *T, conf_ds *ds)
{
    const char *filter = getenv("DBD_CONFORMANCE_CASES");

    T->ds = ds;
    T->kase = NULL;
    if (!conf_ok(T, ds->listed, "listed by dbd's datasources op")) {
        conf_diag("got no row named \"%s\", want one", ds->name);
        ds->failed = (int)conf_ncases;
        return;
    }
    conf_diag("%s (%s, %s): caps %s", ds->name, ds->scheme, ds->health,
              ds->caps_text[0] != '\0' ? ds->caps_text : "(none)");
    for (size_t i = 0; i < conf_ncases; i++) {
        const conf_case *c = &conf_cases[i];
        uint64_t missing = c->needs & ~ds->caps;

        if (!selected(filter, c->name))
            continue;
        T->kase = c->name;
        T->case_failures = 0;
        if (missing != 0) {
            if (!run_unsupported(T, c, missing))
                ds->failed++;
            continue;
        }
        if (conf_clear(T))
            c->run(T);
        if (T->case_failures == 0)
            ds->passed++;
        else
            ds->failed++;
    }
    T->kase = "clean-up";
    conf_clear(T);
    T->kase = NULL;
}
