/*
 * prefill.c - writes the bench subscribers (see prefill.h).  Replace on the
 * unique key (username, domain) makes a rerun harmless; counting the rows
 * that are already there first makes it cheap.
 */
#include "prefill.h"

#include <inttypes.h>
#include <stdio.h>

#include "workload.h"

#define BATCH_ROWS 1000
/* Generous: a batch of 1000 writes or a scan of every bench row. */
#define PREFILL_TIMEOUT_MS 120000

static int timeout_of(const dbbench_opts *o)
{
    return o->timeout_ms > PREFILL_TIMEOUT_MS ? o->timeout_ms
                                              : PREFILL_TIMEOUT_MS;
}

/* Checks a result; on failure says what failed in err. */
static int check(const dbd_result *res, const char *what, char *err,
                 size_t errlen)
{
    if (res == NULL) {
        snprintf(err, errlen, "%s: out of memory", what);
        return -1;
    }
    if (dbd_result_status(res) != DBD_OK) {
        snprintf(err, errlen, "%s: %s: %s", what,
                 dbd_status_name(dbd_result_status(res)),
                 dbd_result_message(res));
        return -1;
    }
    return 0;
}

/* How many of user0..user<users-1> the table holds already. */
static int count_present(dbd_client *c, const dbbench_opts *o,
                         uint64_t *present, char *err, size_t errlen)
{
    int rc = -1;
    dbd_result *res = NULL;
    dbd_value domain = dbd_string(BENCH_DOMAIN, sizeof BENCH_DOMAIN - 1);
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, o->datasource,
                                       "subscriber");
    if (req == NULL ||
        dbd_op_add_column(req, &req->op, "username") < 0 ||
        dbd_op_add_where(req, &req->op, "domain", DBD_CMP_EQ, &domain) < 0) {
        snprintf(err, errlen, "prefill: out of memory");
        goto out;
    }
    res = dbd_call(c, req, timeout_of(o));
    if (check(res, "prefill: counting subscribers", err, errlen) < 0)
        goto out;
    *present = 0;
    for (size_t row = 0; row < dbd_result_nrows(res); row++) {
        const char *name;
        size_t len;
        uint64_t user;
        if (dbd_result_get_string(res, row, 0, &name, &len) == 0 &&
            bench_user_from_name(name, len, o->users, &user))
            (*present)++;
    }
    rc = 0;
out:
    dbd_result_destroy(&res);
    dbd_request_destroy(&req);
    return rc;
}

/* 0, -1 on failure, 1 when the datasource refuses an atomic batch
 * (UNSUPPORTED: no transactions, e.g. LDAP). */
static int write_batch(dbd_client *c, const dbbench_opts *o, uint64_t first,
                       uint64_t n, bool atomic, char *err, size_t errlen)
{
    int rc = -1;
    dbd_result *res = NULL;
    dbd_request *req = dbd_request_new(DBD_OP_BATCH, o->datasource, NULL);
    if (req == NULL)
        goto oom;
    req->op.atomic = atomic;
    for (uint64_t u = first; u < first + n; u++)
        if (bench_add_subscriber(req, u) < 0)
            goto oom;
    res = dbd_call(c, req, timeout_of(o));
    char what[96];
    snprintf(what, sizeof what, "prefill: writing user%" PRIu64 "..user%"
             PRIu64, first, first + n - 1);
    if (atomic && res != NULL && dbd_result_status(res) == DBD_UNSUPPORTED)
        rc = 1;
    else if (check(res, what, err, errlen) == 0)
        rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "prefill: out of memory");
out:
    dbd_result_destroy(&res);
    dbd_request_destroy(&req);
    return rc;
}

int bench_prefill(dbd_client *c, const dbbench_opts *o, char *err,
                  size_t errlen)
{
    uint64_t present = 0;
    if (count_present(c, o, &present, err, errlen) < 0)
        return -1;
    if (present == o->users) {
        fprintf(stderr, "dbbench: prefill: %" PRIu64 " bench subscribers "
                "present, nothing to write\n", present);
        return 0;
    }
    fprintf(stderr, "dbbench: prefill: %" PRIu64 " of %" PRIu64 " bench "
            "subscribers present, writing all of them\n", present, o->users);
    bool atomic = true;
    for (uint64_t first = 0; first < o->users; first += BATCH_ROWS) {
        uint64_t n = o->users - first < BATCH_ROWS ? o->users - first
                                                   : BATCH_ROWS;
        int rc = write_batch(c, o, first, n, atomic, err, errlen);
        if (rc > 0) {
            /* Replace is idempotent, so a batch cut short is harmless. */
            fprintf(stderr, "dbbench: prefill: no atomic batches on %s, "
                    "writing without\n", o->datasource);
            atomic = false;
            rc = write_batch(c, o, first, n, atomic, err, errlen);
        }
        if (rc != 0)
            return -1;
        uint64_t done = first + n;
        /* A line per 10% (and the last), not per batch. */
        if (done == o->users || (done * 10 / o->users) !=
                                    (first * 10 / o->users))
            fprintf(stderr, "dbbench: prefill: %" PRIu64 "/%" PRIu64 "\n",
                    done, o->users);
    }
    return 0;
}
