/*
 * cases_load.c - volume and concurrency: a 100,000-row result streamed in
 * several reply messages (count, a checksum over k and i, the client's
 * chunk counter), and two clients on their own threads writing the same
 * table at once without losing a row.
 */
#include "conf.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STREAM_ROWS 100000
#define STREAM_BATCH 5000
#define WRITERS 2
#define WRITER_ROWS 200

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = UINT64_C(14695981039346656037);

    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* One row's share of the checksum; summed, so row order does not matter. */
static uint64_t row_sum(const char *k, size_t len, int64_t i)
{
    return fnv1a(k, len) * 31 + (uint64_t)i * UINT64_C(0x9e3779b97f4a7c15);
}

static int64_t stream_i(int n)
{
    return (int64_t)n * 7919 - 400000000;
}

/* Inserts the rows in batches; atomic where the backend has transactions
 * (also far cheaper there), else one write at a time. */
static bool stream_insert(conf_t *T, uint64_t *sum)
{
    bool atomic = (T->ds->caps & DBD_CAP_TRANSACTION) != 0;
    char k[32];

    *sum = 0;
    for (int first = 0; first < STREAM_ROWS; first += STREAM_BATCH) {
        dbd_request *q = conf_req(T, DBD_OP_BATCH);
        dbd_result *r;
        bool ok;

        q->op.atomic = atomic;
        for (int n = first; n < first + STREAM_BATCH; n++) {
            dbd_op *op = conf_add_op(q, DBD_OP_INSERT, CONF_TABLE);
            int len = snprintf(k, sizeof k, "st:%06d", n);

            conf_value(q, op, "k", dbd_string(k, (size_t)len));
            conf_value(q, op, "grp", dbd_int(n % 10));
            conf_value(q, op, "i", dbd_int(stream_i(n)));
            *sum += row_sum(k, (size_t)len, stream_i(n));
        }
        r = conf_call(T, &q, CONF_LONG_TIMEOUT_MS);
        ok = dbd_result_status(r) == DBD_OK &&
             dbd_result_nsubs(r) == STREAM_BATCH;
        if (!ok) {
            ck_status(T, r, DBD_OK, "insert rows %d to %d (%s batch)", first,
                      first + STREAM_BATCH - 1,
                      atomic ? "atomic" : "non-atomic");
            conf_diag("%zu results", dbd_result_nsubs(r));
        }
        dbd_result_destroy(&r);
        if (!ok)
            return false;
    }
    return true;
}

void case_stream(conf_t *T)
{
    uint64_t want_sum, got_sum = 0, chunks;
    dbd_request *q;
    dbd_result *r;
    long kc, ic;
    size_t bad = 0;

    if (!conf_ok(T, stream_insert(T, &want_sum),
                 "%d rows inserted in batches of %d", STREAM_ROWS,
                 STREAM_BATCH))
        return;
    q = conf_req(T, DBD_OP_QUERY);
    conf_column(q, &q->op, "k");
    conf_column(q, &q->op, "i");
    chunks = conf_chunks(T->c);
    r = conf_call(T, &q, CONF_LONG_TIMEOUT_MS);
    chunks = conf_chunks(T->c) - chunks;
    if (!ck_status(T, r, DBD_OK, "query every row") ||
        !ck_int(T, (long long)dbd_result_nrows(r), STREAM_ROWS,
                "%d rows", STREAM_ROWS))
        goto out;
    kc = dbd_result_col_index(r, "k");
    ic = dbd_result_col_index(r, "i");
    for (size_t row = 0; kc >= 0 && ic >= 0 && row < STREAM_ROWS; row++) {
        const char *k;
        size_t len;
        int64_t i;

        if (dbd_result_get_string(r, row, (size_t)kc, &k, &len) != 0 ||
            dbd_result_get_int64(r, row, (size_t)ic, &i) != 0) {
            bad++;
            continue;
        }
        got_sum += row_sum(k, len, i);
    }
    ck_int(T, (long long)bad, 0, "every row has a string k and an int i");
    if (!conf_ok(T, got_sum == want_sum, "checksum over k and i"))
        conf_diag("got %016" PRIx64 ", want %016" PRIx64, got_sum, want_sum);
    if (!conf_ok(T, chunks > 1, "the result came in several messages"))
        conf_diag("got %" PRIu64 " reply messages, want more than 1", chunks);
out:
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_DELETE);
    r = conf_call(T, &q, CONF_LONG_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "delete every row"))
        ck_int(T, dbd_result_affected(r), STREAM_ROWS, "deleted %d rows",
               STREAM_ROWS);
    dbd_result_destroy(&r);
}

/* One writer thread: its own client, WRITER_ROWS inserts one by one. */
typedef struct writer {
    const char *endpoint;
    const char *ds;
    int index;
    pthread_t thread;
    int ok;             /* inserts answered OK */
    char first_error[512];
} writer;

static void *writer_main(void *arg)
{
    writer *w = arg;
    char err[256], k[32];
    dbd_client *c = dbd_client_new(w->endpoint, err, sizeof err);

    if (c == NULL) {
        snprintf(w->first_error, sizeof w->first_error, "client: %s", err);
        return NULL;
    }
    for (int n = 0; n < WRITER_ROWS; n++) {
        dbd_request *q = dbd_request_new(DBD_OP_INSERT, w->ds, CONF_TABLE);
        dbd_value kv, iv = dbd_int(w->index * 1000 + n);
        dbd_result *r;

        snprintf(k, sizeof k, "cw%d:%03d", w->index, n);
        kv = conf_s(k);
        if (q == NULL || dbd_op_add_value(q, &q->op, "k", &kv) != 0 ||
            dbd_op_add_value(q, &q->op, "i", &iv) != 0) {
            dbd_request_destroy(&q);
            snprintf(w->first_error, sizeof w->first_error, "out of memory");
            break;
        }
        r = dbd_call(c, q, CONF_TIMEOUT_MS);
        dbd_request_destroy(&q);
        if (r != NULL && dbd_result_status(r) == DBD_OK)
            w->ok++;
        else if (w->first_error[0] == '\0')
            snprintf(w->first_error, sizeof w->first_error, "%s: %s: %s", k,
                     r != NULL ? dbd_status_name(dbd_result_status(r)) : "",
                     r != NULL ? dbd_result_message(r) : "out of memory");
        dbd_result_destroy(&r);
    }
    dbd_client_destroy(&c);
    return NULL;
}

void case_concurrent(conf_t *T)
{
    writer w[WRITERS];
    bool started[WRITERS] = {false};
    dbd_request *q;
    dbd_result *r;
    bool seen[WRITERS][WRITER_ROWS];
    size_t found = 0;

    memset(w, 0, sizeof w);
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < WRITERS; i++) {
        w[i].endpoint = T->endpoint;
        w[i].ds = T->ds->name;
        w[i].index = i;
        started[i] = pthread_create(&w[i].thread, NULL, writer_main, &w[i]) ==
                     0;
        conf_ok(T, started[i], "writer %d started", i);
    }
    for (int i = 0; i < WRITERS; i++) {
        if (!started[i])
            continue;
        pthread_join(w[i].thread, NULL);
        if (!ck_int(T, w[i].ok, WRITER_ROWS, "writer %d: every insert OK", i))
            conf_diag("first error: %s", w[i].first_error);
    }
    q = conf_req(T, DBD_OP_QUERY);
    conf_column(q, &q->op, "k");
    conf_column(q, &q->op, "i");
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "query every row") &&
        ck_int(T, (long long)dbd_result_nrows(r), WRITERS * WRITER_ROWS,
               "%d rows", WRITERS * WRITER_ROWS)) {
        /* Every row reads back with the i its writer gave it. */
        for (size_t row = 0; row < dbd_result_nrows(r); row++) {
            const char *k;
            size_t len;
            int64_t i;
            int wi, n;

            if (dbd_result_get_string(r, row, 0, &k, &len) == 0 &&
                dbd_result_get_int64(r, row, 1, &i) == 0 &&
                sscanf(k, "cw%d:%d", &wi, &n) == 2 && wi >= 0 &&
                wi < WRITERS && n >= 0 && n < WRITER_ROWS &&
                i == wi * 1000 + n && !seen[wi][n]) {
                seen[wi][n] = true;
                found++;
            }
        }
        ck_int(T, (long long)found, WRITERS * WRITER_ROWS,
               "every row reads back once, as written");
    }
    dbd_result_destroy(&r);
}
