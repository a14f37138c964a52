/*
 * test_ops.c - every data operation through libdbdclient against the real
 * dbd of the test fixture ($DBD_ENDPOINT), on the datasources sq (SQLite)
 * and tx (db_text): value types, each condition operator, ordering,
 * limits, writes, batches, a large chunked result, raw statements and the
 * non-blocking API.  Prints TAP.  Its rows use keys starting "ops:" and
 * are removed at the end.
 */
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdclient.h"

#define TIMEOUT_MS 10000
#define BIG_TIMEOUT_MS 120000
#define LARGE_ROWS 20000
#define LARGE_BATCH 5000

typedef struct t {
    dbd_client *c;
    const char *ds;  /* the datasource under test */
    int n;           /* results printed */
    int failed;
} t;

static bool report(t *T, bool pass, const char *name)
{
    T->n++;
    if (!pass)
        T->failed++;
    printf("%s %d - %s%s%s\n", pass ? "ok" : "not ok", T->n,
           T->ds ? T->ds : "", T->ds ? ": " : "", name);
    return pass;
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
    va_list ap;

    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

static bool check_status(t *T, const dbd_result *r, dbd_status want,
                         const char *name)
{
    dbd_status got = r ? dbd_result_status(r) : DBD_INTERNAL;

    if (report(T, got == want, name))
        return true;
    diag("got %s (%s), want %s", dbd_status_name(got),
         r ? dbd_result_message(r) : "no result", dbd_status_name(want));
    return false;
}

static bool check_int(t *T, long long got, long long want, const char *name)
{
    if (report(T, got == want, name))
        return true;
    diag("got %lld, want %lld", got, want);
    return false;
}

static bool check_str(t *T, const char *got, const char *want,
                      const char *name)
{
    if (report(T, got != NULL && strcmp(got, want) == 0, name))
        return true;
    diag("got \"%s\", want \"%s\"", got ? got : "(null)", want);
    return false;
}

/* --- building and running requests ------------------------------------- */

static dbd_request *req_new(t *T, dbd_op_kind kind)
{
    dbd_request *q = dbd_request_new(kind, T->ds, "t_types");

    if (q == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return q;
}

static dbd_result *run_ms(t *T, dbd_request *q, int timeout_ms)
{
    dbd_result *r = dbd_call(T->c, q, timeout_ms);

    dbd_request_destroy(&q);
    if (r == NULL) {
        fprintf(stderr, "dbd_call: out of memory\n");
        exit(2);
    }
    return r;
}

static dbd_result *run(t *T, dbd_request *q)
{
    return run_ms(T, q, TIMEOUT_MS);
}

static void where_str(dbd_request *q, dbd_op *op, const char *col,
                      dbd_cmp cmp, const char *s)
{
    dbd_value v = dbd_string(s, strlen(s));

    dbd_op_add_where(q, op, col, cmp, &v);
}

static void where_int(dbd_request *q, dbd_op *op, const char *col,
                      dbd_cmp cmp, int64_t i)
{
    dbd_value v = dbd_int(i);

    dbd_op_add_where(q, op, col, cmp, &v);
}

/* lo <= k < hi: the rows of one group of this program. */
static void k_range(dbd_request *q, dbd_op *op, const char *lo,
                    const char *hi)
{
    where_str(q, op, "k", DBD_CMP_GE, lo);
    where_str(q, op, "k", DBD_CMP_LT, hi);
}

static void set_str(dbd_request *q, dbd_op *op, const char *col,
                    const char *s)
{
    dbd_value v = dbd_string(s, strlen(s));

    dbd_op_add_value(q, op, col, &v);
}

static void set_int(dbd_request *q, dbd_op *op, const char *col, int64_t i)
{
    dbd_value v = dbd_int(i);

    dbd_op_add_value(q, op, col, &v);
}

/* The k values of r without the "ops:" prefix, comma-separated. */
static const char *keys_of(const dbd_result *r, char *buf, size_t len)
{
    long kc = dbd_result_col_index(r, "k");
    size_t used = 0;

    buf[0] = '\0';
    if (kc < 0)
        return "(no column k)";
    for (size_t row = 0; row < dbd_result_nrows(r); row++) {
        const char *s = NULL;
        size_t n = 0;

        if (dbd_result_get_string(r, row, (size_t)kc, &s, &n) != 0)
            s = "?", n = 1;
        if (n > 4 && strncmp(s, "ops:", 4) == 0)
            s += 4, n -= 4;
        used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
                                 "%s%.*s", row ? "," : "", (int)n, s);
    }
    return buf;
}

/* Runs q, ordered by k, and checks the keys of the rows. */
static void expect_keys(t *T, dbd_request *q, const char *want,
                        const char *name)
{
    char buf[4096];
    dbd_result *r;

    dbd_op_add_order(q, &q->op, "k", false);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, name))
        check_str(T, keys_of(r, buf, sizeof buf), want, name);
    dbd_result_destroy(&r);
}

static void delete_range(t *T, const char *lo, const char *hi)
{
    dbd_request *q = req_new(T, DBD_OP_DELETE);
    dbd_result *r;

    k_range(q, &q->op, lo, hi);
    r = run_ms(T, q, BIG_TIMEOUT_MS);
    if (dbd_result_status(r) != DBD_OK)
        diag("cleanup on %s: %s", T->ds, dbd_result_message(r));
    dbd_result_destroy(&r);
}

/* --- admin operations ---------------------------------------------------- */

static const char *cell_str(const dbd_result *r, size_t row, const char *col)
{
    long c = dbd_result_col_index(r, col);
    const char *s = NULL;
    size_t n;

    if (c < 0 || dbd_result_get_string(r, row, (size_t)c, &s, &n) != 0)
        return NULL;
    return s;
}

static void test_admin(t *T)
{
    dbd_request *q = dbd_request_new(DBD_OP_DATASOURCES, NULL, NULL);
    dbd_result *r = run(T, q);
    bool sq = false, tx = false;

    if (check_status(T, r, DBD_OK, "datasources")) {
        for (size_t i = 0; i < dbd_result_nrows(r); i++) {
            const char *name = cell_str(r, i, "name");
            const char *health = cell_str(r, i, "health");

            if (name == NULL || health == NULL)
                continue;
            if (strcmp(name, "sq") == 0)
                sq = check_str(T, health, "up", "datasources: sq is up");
            if (strcmp(name, "tx") == 0)
                tx = check_str(T, health, "up", "datasources: tx is up");
        }
        report(T, sq && tx, "datasources lists sq and tx");
    }
    dbd_result_destroy(&r);

    q = dbd_request_new(DBD_OP_STATS, NULL, NULL);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "stats")) {
        int64_t requests = -1;
        bool per_ds = false;

        for (size_t i = 0; i < dbd_result_nrows(r); i++) {
            const char *name = cell_str(r, i, "name");

            if (name != NULL && strcmp(name, "requests_total") == 0)
                dbd_result_get_int64(r, i, 1, &requests);
            if (name != NULL && strcmp(name, "ds.sq.requests") == 0)
                per_ds = true;
        }
        report(T, requests > 0, "stats: requests_total counts");
        report(T, per_ds, "stats: per-datasource counters");
    }
    dbd_result_destroy(&r);

    q = dbd_request_new(DBD_OP_PING, "nosuchds", NULL);
    r = run(T, q);
    check_status(T, r, DBD_NOTFOUND, "ping on an unknown datasource");
    dbd_result_destroy(&r);
}

/* --- value types ------------------------------------------------------------- */

static const char text_all[] = "a\0b'; DROP TABLE t_types; --\"\\";
static const unsigned char blob_all[] = {0x00, 0x01, 0xff, 0x00, 'x', 0x7f};
#define DT_ALL INT64_C(1767323045000000) /* 2026-01-02 03:04:05 UTC */

static int64_t test_insert_types(t *T)
{
    dbd_request *q = req_new(T, DBD_OP_INSERT);
    dbd_value v;
    dbd_result *r;
    int64_t id = 0, id2 = 0;

    set_str(q, &q->op, "k", "ops:all");
    set_int(q, &q->op, "i", -4200000000LL);
    v = dbd_double(1.5);
    dbd_op_add_value(q, &q->op, "d", &v);
    v = dbd_string(text_all, sizeof text_all - 1);
    dbd_op_add_value(q, &q->op, "s", &v);
    v = dbd_blob(blob_all, sizeof blob_all);
    dbd_op_add_value(q, &q->op, "b", &v);
    v = dbd_datetime(DT_ALL);
    dbd_op_add_value(q, &q->op, "dt", &v);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "insert every type")) {
        check_int(T, dbd_result_affected(r), 1, "insert: affected 1");
        id = dbd_result_last_id(r);
        report(T, id > 0, "insert: last_id reported");
    }
    dbd_result_destroy(&r);

    q = req_new(T, DBD_OP_INSERT);
    set_str(q, &q->op, "k", "ops:nulls");
    v = dbd_null();
    dbd_op_add_value(q, &q->op, "i", &v);
    dbd_op_add_value(q, &q->op, "d", &v);
    dbd_op_add_value(q, &q->op, "s", &v);
    dbd_op_add_value(q, &q->op, "b", &v);
    dbd_op_add_value(q, &q->op, "dt", &v);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "insert NULLs")) {
        id2 = dbd_result_last_id(r);
        report(T, id2 > id, "insert: last_id grows");
    }
    dbd_result_destroy(&r);
    return id;
}

static void test_read_types(t *T, int64_t id)
{
    dbd_request *q = req_new(T, DBD_OP_QUERY);
    dbd_result *r;
    int64_t i = 0, usec = 0;
    double d = 0;
    const char *s = NULL;
    const void *b = NULL;
    size_t n = 0;

    where_str(q, &q->op, "k", DBD_CMP_EQ, "ops:all");
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "query every type") &&
        check_int(T, (long long)dbd_result_nrows(r), 1, "one row")) {
        dbd_result_get_int64(r, 0, (size_t)dbd_result_col_index(r, "id"), &i);
        check_int(T, i, id, "id is last_id");
        dbd_result_get_int64(r, 0, (size_t)dbd_result_col_index(r, "i"), &i);
        check_int(T, i, -4200000000LL, "int");
        dbd_result_get_double(r, 0, (size_t)dbd_result_col_index(r, "d"), &d);
        report(T, d == 1.5, "double");
        report(T,
               dbd_result_get_string(r, 0, (size_t)dbd_result_col_index(r, "s"),
                                     &s, &n) == 0 &&
                   n == sizeof text_all - 1 && memcmp(s, text_all, n) == 0,
               "string with NUL and SQL text");
        report(T,
               dbd_result_get_blob(r, 0, (size_t)dbd_result_col_index(r, "b"),
                                   &b, &n) == 0 &&
                   n == sizeof blob_all && memcmp(b, blob_all, n) == 0,
               "blob with NUL");
        dbd_result_get_datetime(r, 0, (size_t)dbd_result_col_index(r, "dt"),
                                &usec);
        check_int(T, usec, DT_ALL, "datetime");
    }
    dbd_result_destroy(&r);

    q = req_new(T, DBD_OP_QUERY);
    where_str(q, &q->op, "k", DBD_CMP_EQ, "ops:nulls");
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "query NULLs") &&
        check_int(T, (long long)dbd_result_nrows(r), 1, "one NULL row")) {
        static const char *const cols[] = {"i", "d", "s", "b", "dt"};
        bool all = true;

        for (size_t c = 0; c < 5; c++)
            all = all && dbd_result_is_null(r, 0, (size_t)dbd_result_col_index(r, cols[c]));
        report(T, all, "NULLs read back as NULL");
    }
    dbd_result_destroy(&r);
}

/* --- conditions, order, limit ---------------------------------------------- */

/* Rows ops:q0..ops:q9: i = n, d = n / 2, s = "s<n%3>" (NULL for q9). */
static void insert_q_rows(t *T)
{
    bool ok = true;

    for (int n = 0; n < 10; n++) {
        dbd_request *q = req_new(T, DBD_OP_INSERT);
        char k[16], s[8];
        dbd_value v = dbd_double(n / 2.0);
        dbd_result *r;

        snprintf(k, sizeof k, "ops:q%d", n);
        snprintf(s, sizeof s, "s%d", n % 3);
        set_str(q, &q->op, "k", k);
        set_int(q, &q->op, "i", n);
        dbd_op_add_value(q, &q->op, "d", &v);
        if (n < 9)
            set_str(q, &q->op, "s", s);
        r = run(T, q);
        if (dbd_result_status(r) != DBD_OK) {
            diag("insert %s: %s", k, dbd_result_message(r));
            ok = false;
        }
        dbd_result_destroy(&r);
    }
    report(T, ok, "insert ten rows");
}

static dbd_request *q_query(t *T)
{
    dbd_request *q = req_new(T, DBD_OP_QUERY);

    k_range(q, &q->op, "ops:q", "ops:r");
    return q;
}

static void test_conditions(t *T)
{
    dbd_request *q;
    dbd_value list[3] = {dbd_int(1), dbd_int(5), dbd_int(9)};

    q = q_query(T);
    where_int(q, &q->op, "i", DBD_CMP_EQ, 3);
    expect_keys(T, q, "q3", "i = 3");
    q = q_query(T);
    where_int(q, &q->op, "i", DBD_CMP_NE, 3);
    expect_keys(T, q, "q0,q1,q2,q4,q5,q6,q7,q8,q9", "i <> 3");
    q = q_query(T);
    where_int(q, &q->op, "i", DBD_CMP_LT, 3);
    expect_keys(T, q, "q0,q1,q2", "i < 3");
    q = q_query(T);
    where_int(q, &q->op, "i", DBD_CMP_GT, 7);
    expect_keys(T, q, "q8,q9", "i > 7");
    q = q_query(T);
    where_int(q, &q->op, "i", DBD_CMP_LE, 2);
    expect_keys(T, q, "q0,q1,q2", "i <= 2");
    q = q_query(T);
    where_int(q, &q->op, "i", DBD_CMP_GE, 8);
    expect_keys(T, q, "q8,q9", "i >= 8");
    q = q_query(T);
    where_int(q, &q->op, "i", DBD_CMP_BITAND, 4);
    expect_keys(T, q, "q4,q5,q6,q7", "i & 4");
    q = q_query(T);
    dbd_op_add_where_in(q, &q->op, "i", list, 3);
    expect_keys(T, q, "q1,q5,q9", "i in (1, 5, 9)");
    q = q_query(T);
    dbd_op_add_where(q, &q->op, "s", DBD_CMP_ISNULL, NULL);
    expect_keys(T, q, "q9", "s is null");
    q = q_query(T);
    dbd_op_add_where(q, &q->op, "s", DBD_CMP_NOTNULL, NULL);
    expect_keys(T, q, "q0,q1,q2,q3,q4,q5,q6,q7,q8", "s is not null");
    q = q_query(T);
    where_str(q, &q->op, "s", DBD_CMP_EQ, "s1");
    where_int(q, &q->op, "i", DBD_CMP_GT, 1);
    expect_keys(T, q, "q4,q7", "conditions are AND-ed");
}

static void test_columns_order_limit(t *T)
{
    char buf[4096];
    dbd_request *q = q_query(T);
    dbd_result *r;

    dbd_op_add_column(q, &q->op, "k");
    dbd_op_add_column(q, &q->op, "i");
    where_int(q, &q->op, "i", DBD_CMP_EQ, 2);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "columns subset")) {
        check_int(T, (long long)dbd_result_ncols(r), 2, "two columns");
        check_str(T, dbd_result_col_name(r, 0), "k", "first column k");
        check_str(T, dbd_result_col_name(r, 1), "i", "second column i");
    }
    dbd_result_destroy(&r);

    /* s ascending, then i descending; q9 (s NULL) left out. */
    q = q_query(T);
    dbd_op_add_where(q, &q->op, "s", DBD_CMP_NOTNULL, NULL);
    dbd_op_add_order(q, &q->op, "s", false);
    dbd_op_add_order(q, &q->op, "i", true);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "order by s, i desc"))
        check_str(T, keys_of(r, buf, sizeof buf),
                  "q6,q3,q0,q7,q4,q1,q8,q5,q2", "multi-key order");
    dbd_result_destroy(&r);

    q = q_query(T);
    dbd_op_add_order(q, &q->op, "i", true);
    dbd_op_set_limit(&q->op, 3, 2);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "limit 3 offset 2"))
        check_str(T, keys_of(r, buf, sizeof buf), "q7,q6,q5",
                  "limit and offset");
    dbd_result_destroy(&r);
}

/* --- update, delete, replace ------------------------------------------------- */

static void test_writes(t *T)
{
    dbd_request *q = req_new(T, DBD_OP_UPDATE);
    dbd_value v = dbd_double(99.5);
    dbd_result *r;

    dbd_op_add_value(q, &q->op, "d", &v);
    k_range(q, &q->op, "ops:q", "ops:r");
    where_int(q, &q->op, "i", DBD_CMP_GE, 7);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "update"))
        check_int(T, dbd_result_affected(r), 3, "update: affected 3");
    dbd_result_destroy(&r);
    q = q_query(T);
    dbd_op_add_where(q, &q->op, "d", DBD_CMP_EQ, &v);
    expect_keys(T, q, "q7,q8,q9", "updated rows read back");

    q = req_new(T, DBD_OP_DELETE);
    k_range(q, &q->op, "ops:q", "ops:r");
    where_int(q, &q->op, "i", DBD_CMP_LT, 2);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "delete"))
        check_int(T, dbd_result_affected(r), 2, "delete: affected 2");
    dbd_result_destroy(&r);
    expect_keys(T, q_query(T), "q2,q3,q4,q5,q6,q7,q8,q9", "rows left");

    for (int round = 1; round <= 2; round++) {
        q = req_new(T, DBD_OP_REPLACE);
        set_str(q, &q->op, "k", "ops:rep");
        set_int(q, &q->op, "i", round);
        dbd_op_add_key(q, &q->op, "k");
        r = run(T, q);
        if (check_status(T, r, DBD_OK,
                         round == 1 ? "replace inserts" : "replace updates"))
            report(T, dbd_result_affected(r) >= 1, "replace: affected");
        dbd_result_destroy(&r);
        q = req_new(T, DBD_OP_QUERY);
        where_str(q, &q->op, "k", DBD_CMP_EQ, "ops:rep");
        r = run(T, q);
        if (check_status(T, r, DBD_OK, "query replaced row") &&
            check_int(T, (long long)dbd_result_nrows(r), 1,
                      "replace: one row")) {
            int64_t i = 0;

            dbd_result_get_int64(r, 0, (size_t)dbd_result_col_index(r, "i"),
                                 &i);
            check_int(T, i, round, "replace: value");
        }
        dbd_result_destroy(&r);
    }
}

/* --- batches ---------------------------------------------------------------------- */

static void batch_insert(dbd_request *q, const char *k)
{
    dbd_op *op = dbd_request_add_op(q, DBD_OP_INSERT, "t_types");

    set_str(q, op, "k", k);
}

static void test_batches(t *T, bool sqlite)
{
    dbd_request *q = req_new(T, DBD_OP_BATCH);
    dbd_result *r;
    dbd_op *op;

    batch_insert(q, "ops:b1");
    batch_insert(q, "ops:b2");
    if (sqlite) {
        batch_insert(q, "ops:b1"); /* unique key violated */
    } else {
        op = dbd_request_add_op(q, DBD_OP_INSERT, "t_types");
        set_str(q, op, "nosuchcolumn", "x");
    }
    r = run(T, q);
    check_status(T, r, sqlite ? DBD_CONSTRAINT : DBD_NOTFOUND,
                 "atomic batch fails");
    check_int(T, (long long)dbd_result_nsubs(r), 3, "batch: one result per op run");
    if (dbd_result_nsubs(r) == 3) {
        check_int(T, dbd_result_status(dbd_result_sub(r, 0)), DBD_OK,
                  "batch: first op OK");
        check_int(T, dbd_result_status(dbd_result_sub(r, 2)),
                  sqlite ? DBD_CONSTRAINT : DBD_NOTFOUND,
                  "batch: third op failed");
    }
    dbd_result_destroy(&r);
    q = req_new(T, DBD_OP_QUERY);
    k_range(q, &q->op, "ops:b", "ops:c");
    expect_keys(T, q, "", "failed atomic batch left nothing");

    q = req_new(T, DBD_OP_BATCH);
    q->op.atomic = false;
    batch_insert(q, "ops:b3");
    op = dbd_request_add_op(q, DBD_OP_INSERT, "t_types");
    set_str(q, op, "nosuchcolumn", "x");
    batch_insert(q, "ops:b4");
    r = run(T, q);
    check_status(T, r, DBD_NOTFOUND, "non-atomic batch reports the failure");
    if (check_int(T, (long long)dbd_result_nsubs(r), 3,
                  "non-atomic batch: every op ran")) {
        check_int(T, dbd_result_status(dbd_result_sub(r, 0)), DBD_OK, "op 1 OK");
        check_int(T, dbd_result_status(dbd_result_sub(r, 1)), DBD_NOTFOUND,
                  "op 2 NOTFOUND");
        check_int(T, dbd_result_status(dbd_result_sub(r, 2)), DBD_OK, "op 3 OK");
        check_int(T, dbd_result_affected(dbd_result_sub(r, 2)), 1,
                  "op 3 affected 1");
    }
    dbd_result_destroy(&r);
    q = req_new(T, DBD_OP_QUERY);
    k_range(q, &q->op, "ops:b", "ops:c");
    expect_keys(T, q, "b3,b4", "non-atomic batch kept the good ops");
}

static void test_large(t *T)
{
    dbd_request *q;
    dbd_result *r;
    char k[32], s[32];
    bool inserted = true, ok = true;

    /* In batches that stay below dbd's default max_message (1 MiB). */
    for (int first = 0; first < LARGE_ROWS; first += LARGE_BATCH) {
        q = req_new(T, DBD_OP_BATCH);
        for (int n = first; n < first + LARGE_BATCH; n++) {
            dbd_op *op = dbd_request_add_op(q, DBD_OP_INSERT, "t_types");

            snprintf(k, sizeof k, "ops:L%05d", n);
            snprintf(s, sizeof s, "large row %d", n);
            set_str(q, op, "k", k);
            set_int(q, op, "i", n);
            set_str(q, op, "s", s);
        }
        r = run_ms(T, q, BIG_TIMEOUT_MS);
        inserted = inserted && dbd_result_status(r) == DBD_OK &&
                   dbd_result_nsubs(r) == LARGE_BATCH;
        if (dbd_result_status(r) != DBD_OK)
            diag("batch from %d: %s", first, dbd_result_message(r));
        dbd_result_destroy(&r);
    }
    report(T, inserted, "20000 inserts in batches of 5000");

    q = req_new(T, DBD_OP_QUERY);
    k_range(q, &q->op, "ops:L", "ops:M");
    dbd_op_add_order(q, &q->op, "i", false);
    r = run_ms(T, q, BIG_TIMEOUT_MS);
    if (check_status(T, r, DBD_OK, "query 20000 rows") &&
        check_int(T, (long long)dbd_result_nrows(r), LARGE_ROWS,
                  "all 20000 rows arrived")) {
        long ic = dbd_result_col_index(r, "i"), sc = dbd_result_col_index(r, "s");

        for (int n = 0; n < LARGE_ROWS && ok; n++) {
            int64_t i = -1;
            const char *got = NULL;
            size_t len = 0;

            snprintf(s, sizeof s, "large row %d", n);
            ok = dbd_result_get_int64(r, (size_t)n, (size_t)ic, &i) == 0 &&
                 i == n &&
                 dbd_result_get_string(r, (size_t)n, (size_t)sc, &got,
                                       &len) == 0 &&
                 len == strlen(s) && memcmp(got, s, len) == 0;
            if (!ok)
                diag("row %d: i %lld, s \"%.*s\"", n, (long long)i,
                     (int)len, got ? got : "");
        }
        report(T, ok, "every large row exact and in order");
    }
    dbd_result_destroy(&r);
    delete_range(T, "ops:L", "ops:M");
}

/* --- the non-blocking API ---------------------------------------------------- */

#define INFLIGHT 100

static void test_inflight(t *T)
{
    uint64_t ids[INFLIGHT];
    unsigned char seen[INFLIGHT] = {0};
    int got = 0, bad = 0, dup = 0;
    int64_t end = dbd_now_usec() + (int64_t)TIMEOUT_MS * 1000;
    char err[256];

    for (int n = 0; n < INFLIGHT; n++) {
        dbd_request *q = req_new(T, DBD_OP_QUERY);

        where_str(q, &q->op, "k", DBD_CMP_EQ, "ops:q3");
        if (dbd_client_send(T->c, q, TIMEOUT_MS, &ids[n], err, sizeof err) != 0) {
            diag("send: %s", err);
            bad++;
        }
        dbd_request_destroy(&q);
    }
    while (got < INFLIGHT && dbd_now_usec() < end) {
        struct pollfd p = {dbd_client_fd(T->c), POLLIN, 0};
        uint64_t id;
        dbd_result *r;
        int rc;

        if (poll(&p, 1, dbd_client_timeout_ms(T->c)) < 0)
            break;
        while ((rc = dbd_client_collect(T->c, &id, &r)) == 1) {
            int k = (int)(id - ids[0]);

            got++;
            if (k < 0 || k >= INFLIGHT || seen[k]++)
                dup++;
            if (dbd_result_status(r) != DBD_OK || dbd_result_nrows(r) != 1) {
                if (bad++ == 0)
                    diag("request %d: %s, %zu rows", k,
                         dbd_result_message(r), dbd_result_nrows(r));
            }
            dbd_result_destroy(&r);
        }
        if (rc < 0)
            break;
    }
    check_int(T, got, INFLIGHT, "100 requests in flight all answered");
    check_int(T, dup, 0, "each id answered once");
    check_int(T, bad, 0, "each answer right");
    check_int(T, (long long)dbd_client_pending(T->c), 0, "nothing pending");
}

/* --- raw --------------------------------------------------------------------------- */

static void test_raw(t *T)
{
    static const char sql[] = "SELECT ?1 + ?2, ?3";
    dbd_request *q = dbd_request_new(DBD_OP_RAW, "sqraw", NULL);
    dbd_value p[3] = {dbd_int(2), dbd_int(3), dbd_string("x\0y", 3)};
    dbd_result *r;
    int64_t i = 0;
    const char *s = NULL;
    size_t n = 0;

    dbd_op_set_raw(q, &q->op, sql, strlen(sql));
    for (int k = 0; k < 3; k++)
        dbd_op_add_param(q, &q->op, &p[k]);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "raw select with params") &&
        check_int(T, (long long)dbd_result_nrows(r), 1, "raw: one row")) {
        dbd_result_get_int64(r, 0, 0, &i);
        check_int(T, i, 5, "raw: ?1 + ?2");
        report(T, dbd_result_get_string(r, 0, 1, &s, &n) == 0 && n == 3 &&
                      memcmp(s, "x\0y", 3) == 0,
               "raw: string parameter");
    }
    dbd_result_destroy(&r);

    q = dbd_request_new(DBD_OP_RAW, "sqraw", NULL);
    dbd_op_set_raw(q, &q->op, "INSERT INTO t_types (k, i) VALUES (?, ?)", 40);
    p[0] = dbd_string("ops:raw", 7);
    p[1] = dbd_int(7);
    dbd_op_add_param(q, &q->op, &p[0]);
    dbd_op_add_param(q, &q->op, &p[1]);
    r = run(T, q);
    if (check_status(T, r, DBD_OK, "raw insert")) {
        check_int(T, dbd_result_affected(r), 1, "raw insert: affected 1");
        report(T, dbd_result_last_id(r) > 0, "raw insert: last_id");
    }
    dbd_result_destroy(&r);

    q = dbd_request_new(DBD_OP_RAW, "sq", NULL);
    dbd_op_set_raw(q, &q->op, "SELECT 1", 8);
    r = run(T, q);
    check_status(T, r, DBD_DENY, "raw on sq is denied");
    dbd_result_destroy(&r);
}

static void test_datasource(t *T, bool sqlite)
{
    dbd_request *q = dbd_request_new(DBD_OP_PING, T->ds, NULL);
    dbd_result *r = run(T, q);
    int64_t id;

    check_status(T, r, DBD_OK, "ping");
    dbd_result_destroy(&r);
    delete_range(T, "ops:", "ops;");
    id = test_insert_types(T);
    test_read_types(T, id);
    insert_q_rows(T);
    test_conditions(T);
    test_columns_order_limit(T);
    test_writes(T);
    test_batches(T, sqlite);
    test_large(T);
    test_inflight(T);
    delete_range(T, "ops:", "ops;");
    q = req_new(T, DBD_OP_QUERY);
    k_range(q, &q->op, "ops:", "ops;");
    expect_keys(T, q, "", "cleaned up");
}

int main(void)
{
    const char *endpoint = getenv("DBD_ENDPOINT");
    char err[256];
    t T = {0};

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (endpoint == NULL || endpoint[0] == '\0') {
        printf("1..0 # SKIP DBD_ENDPOINT is not set\n");
        return 0;
    }
    T.c = dbd_client_new(endpoint, err, sizeof err);
    if (T.c == NULL) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    test_admin(&T);
    T.ds = "sq";
    test_datasource(&T, true);
    T.ds = "tx";
    test_datasource(&T, false);
    T.ds = "sqraw";
    test_raw(&T);
    T.ds = "sq";
    delete_range(&T, "ops:", "ops;"); /* the row raw inserted */
    printf("1..%d\n", T.n);
    dbd_client_destroy(&T.c);
    return T.failed ? 1 : 0;
}
