/*
 * inject_common.c - what the injection cases share: the sentinel rows an
 * injection would hit instead of its own row, and the fingerprint of the
 * backend (row count and an order-independent checksum of every row of
 * conf, subscriber, location and version, read through dbd) taken before
 * and after a case to prove nothing else changed.
 */
#include "conf.h"

#include <stdio.h>
#include <string.h>

/*
 * Rows present throughout: what a truncated, wildcarded, '?'-replaced or
 * injected value would match instead of its own row: grp
 * CONF_GRP_SENTINEL, i CONF_SENTINEL_I + n (so "a" is CONF_SENTINEL_I).
 */
static const char *const sentinels[] = {"a", "b", "ab", "?", "??", "x",
                                        "1", "sentinel"};
#define NSENTINELS (sizeof sentinels / sizeof sentinels[0])

static const char *const print_tables[CONF_NPRINT] = {
    CONF_TABLE, "subscriber", "location", "version"};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t hash_value(uint64_t h, const dbd_value *v)
{
    unsigned char t = (unsigned char)v->type;
    uint64_t len;

    h = fnv(h, &t, 1);
    switch (v->type) {
    case DBD_TYPE_INT:
        return fnv(h, &v->u.i, sizeof v->u.i);
    case DBD_TYPE_DOUBLE:
        return fnv(h, &v->u.d, sizeof v->u.d);
    case DBD_TYPE_DATETIME:
        return fnv(h, &v->u.usec, sizeof v->u.usec);
    case DBD_TYPE_BOOL:
        t = v->u.b ? 1 : 0;
        return fnv(h, &t, 1);
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        len = v->u.s.len;
        h = fnv(h, &len, sizeof len);
        return fnv(h, v->u.s.ptr, v->u.s.len);
    default:
        return h;
    }
}

/* splitmix64's finaliser, so that sums of row hashes do not cancel. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void conf_print_take(conf_t *T, conf_print out[CONF_NPRINT])
{
    for (size_t t = 0; t < CONF_NPRINT; t++) {
        dbd_request *q = conf_req_on(T, DBD_OP_QUERY, print_tables[t]);
        dbd_result *r = conf_call(T, &q, CONF_LONG_TIMEOUT_MS);

        memset(&out[t], 0, sizeof out[t]);
        out[t].ok = ck_status(T, r, DBD_OK, "fingerprint of %s",
                              print_tables[t]);
        for (size_t row = 0; out[t].ok && row < dbd_result_nrows(r); row++) {
            uint64_t h = 0xcbf29ce484222325ull;

            for (size_t c = 0; c < dbd_result_ncols(r); c++) {
                const char *name = dbd_result_col_name(r, c);
                h = fnv(h, name, strlen(name) + 1);
                h = hash_value(h, dbd_result_value(r, row, c));
            }
            out[t].sum += mix(h);
            out[t].rows++;
        }
        dbd_result_destroy(&r);
    }
}

void conf_print_compare(conf_t *T, const conf_print *before,
                        const conf_print *after)
{
    for (size_t t = 0; t < CONF_NPRINT; t++) {
        if (!before[t].ok || !after[t].ok)
            continue;
        ck_int(T, after[t].rows, before[t].rows, "%s keeps its %lld rows",
               print_tables[t], before[t].rows);
        if (!conf_ok(T, after[t].sum == before[t].sum,
                     "%s: every row unchanged (checksum)", print_tables[t]))
            conf_diag("got checksum %016llx, want %016llx",
                      (unsigned long long)after[t].sum,
                      (unsigned long long)before[t].sum);
    }
}


bool conf_put_sentinels(conf_t *T)
{
    bool ok = true;

    for (size_t j = 0; j < NSENTINELS; j++) {
        dbd_request *q = conf_req(T, DBD_OP_INSERT);
        dbd_result *r;

        conf_value(q, &q->op, "k", conf_s(sentinels[j]));
        conf_value(q, &q->op, "s", conf_s(sentinels[j]));
        conf_value(q, &q->op, "i", dbd_int(CONF_SENTINEL_I + (int64_t)j));
        conf_value(q, &q->op, "grp", dbd_int(CONF_GRP_SENTINEL));
        r = conf_call(T, &q, CONF_TIMEOUT_MS);
        ok = ck_status(T, r, DBD_OK, "set-up: sentinel row \"%s\"",
                       sentinels[j]) && ok;
        dbd_result_destroy(&r);
    }
    return ok;
}

