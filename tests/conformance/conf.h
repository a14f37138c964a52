/*
 * conf.h - shared declarations of the connector conformance suite: one
 * list of cases run unchanged against every datasource named in
 * DBD_CONFORMANCE_DS, through a real dbd ($DBD_ENDPOINT), on the table
 * `conf` (id, k unique, grp, i, d, s, b, dt) that every backend holds.
 *
 * A case that needs a capability the datasource lacks is not run: the
 * runner checks that dbd answers UNSUPPORTED for it (where dbd gates that
 * capability) and prints a TAP skip.  Results are TAP; the last lines are a
 * capability matrix as TAP comments.
 */
#ifndef DBD_CONF_H
#define DBD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dbd_connector.h" /* DBD_CAP_*: the capability bits */
#include "dbdclient.h"

#define CONF_TABLE "conf"
#define CONF_TIMEOUT_MS 30000
/* For the 100,000-row stream and its batches. */
#define CONF_LONG_TIMEOUT_MS 300000

/*
 * Where a backend's storage format itself cannot hold a value exactly,
 * the suite expects the documented substitute instead (and says so in the
 * TAP name).  Nothing else is excused.  See expect.c.
 */
enum {
    CONF_EXPECT_DT_SECONDS = 1u << 0,    /* datetimes keep whole seconds */
    CONF_EXPECT_EMPTY_IS_NULL = 1u << 1, /* '' in a null column reads NULL */
    CONF_EXPECT_NEG_ZERO = 1u << 2,      /* -0.0 reads back as +0.0 */
};

/* One datasource under test, as dbd's datasources op describes it. */
typedef struct conf_ds {
    const char *name;
    bool listed;          /* dbd knows it */
    char scheme[32];
    char health[32];
    char caps_text[256];
    uint64_t caps;        /* DBD_CAP_* */
    unsigned expect;      /* CONF_EXPECT_* */
    /* the capability matrix */
    int passed, failed;
    char unsupported[1024]; /* case names, comma-separated */
} conf_ds;

typedef struct conf_t {
    dbd_client *c;
    const char *endpoint;
    conf_ds *ds;          /* the datasource under test */
    const char *kase;     /* the case running */
    int n;                /* TAP results printed */
    int case_failures;    /* failed checks of the running case */
    int failures;         /* failed checks in all */
    /* The subscriber row as the first datasource read it back, to prove
     * the others read the same (malloc'ed). */
    char *subscriber_ref;
    const char *subscriber_ref_ds;
} conf_t;

typedef void (*conf_case_fn)(conf_t *T);

typedef struct conf_case {
    const char *name;
    uint64_t needs;       /* DBD_CAP_* the case cannot run without */
    conf_case_fn run;
} conf_case;

/* One row of conf; a zero-initialised value is NULL. */
typedef struct conf_row {
    const char *k;
    dbd_value grp, i, d, s, b, dt;
} conf_row;

/* --- cases.c: the one list ------------------------------------------- */
extern const conf_case conf_cases[];
extern const size_t conf_ncases;

/* --- caps.c ------------------------------------------------------------ */
/* Capability names as the datasources op spells them, to bits (unknown
 * names are ignored: a newer dbd may list more). */
uint64_t conf_caps_parse(const char *text);
/* The name of the lowest bit of caps ("?" when none). */
const char *conf_cap_name(uint64_t caps);

/* --- expect.c ---------------------------------------------------------- */
unsigned conf_expectations(const char *ds, const char *scheme);
/* Why the expectation holds for this datasource, for TAP names. */
const char *conf_expect_why(unsigned bit);

/* --- runner.c ---------------------------------------------------------- */
/* Runs every case against ds and fills its matrix fields. */
void conf_run_ds(conf_t *T, conf_ds *ds);

/* --- tap.c ------------------------------------------------------------- */
bool conf_ok(conf_t *T, bool pass, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void conf_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void conf_skip(conf_t *T, const char *why);
bool ck_status(conf_t *T, const dbd_result *r, dbd_status want,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool ck_int(conf_t *T, long long got, long long want, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool ck_str(conf_t *T, const char *got, const char *want, const char *fmt,
            ...) __attribute__((format(printf, 4, 5)));
bool ck_value(conf_t *T, const dbd_value *got, const dbd_value *want,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The k column of r against want[0..nwant): in this order when ordered,
 * else as sets (both sorted). */
bool ck_keys(conf_t *T, const dbd_result *r, const char *const *want,
             size_t nwant, bool ordered, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* --- describe.c -------------------------------------------------------- */
#define CONF_DESCRIBE_MAX 200
/* A value for diagnostics: type and (a prefix of) the content. */
void conf_describe(const dbd_value *v, char out[CONF_DESCRIBE_MAX]);
/* Exact equality: same type, same bits (so -0.0 is not +0.0). */
bool conf_value_same(const dbd_value *a, const dbd_value *b);

/* --- helpers.c --------------------------------------------------------- */
void conf_die(const char *what) __attribute__((noreturn));
dbd_value conf_s(const char *s);
dbd_request *conf_req(conf_t *T, dbd_op_kind kind);
dbd_request *conf_req_on(conf_t *T, dbd_op_kind kind, const char *table);
/* Sends *pq, destroys it and waits; never NULL. */
dbd_result *conf_call(conf_t *T, dbd_request **pq, int timeout_ms);
dbd_op *conf_add_op(dbd_request *q, dbd_op_kind kind, const char *table);
void conf_where(dbd_request *q, dbd_op *op, const char *col, dbd_cmp cmp,
                dbd_value v);
void conf_where_null(dbd_request *q, dbd_op *op, const char *col,
                     bool is_null);
void conf_where_in(dbd_request *q, dbd_op *op, const char *col,
                   const dbd_value *list, size_t n);
void conf_value(dbd_request *q, dbd_op *op, const char *col, dbd_value v);
void conf_column(dbd_request *q, dbd_op *op, const char *col);
void conf_order(dbd_request *q, dbd_op *op, const char *col, bool desc);
void conf_key(dbd_request *q, dbd_op *op, const char *col);
/* Adds k and the other six columns of row (NULLs left out when
 * omit_nulls). */
void conf_row_values(dbd_request *q, dbd_op *op, const conf_row *row,
                     bool omit_nulls);
/* Inserts rows one by one; a failure is a failed check naming the row. */
bool conf_put(conf_t *T, const conf_row *rows, size_t n);
/* Every column of the row whose k is k. */
dbd_result *conf_get(conf_t *T, const char *k);
/* Deletes every row of conf; a failure is a failed check. */
bool conf_clear(conf_t *T);
/* The cell of the named column in row 0, NULL when absent. */
const dbd_value *conf_cell(const dbd_result *r, size_t row, const char *col);
/* Reply messages received by the client so far. */
uint64_t conf_chunks(const dbd_client *c);

/* --- inject_common.c: shared by the injection cases -------------------- */
/* Bytes that may hold NUL; CONF_BYTES("lit") spans a literal whole. */
typedef struct conf_bytes {
    const char *p;
    size_t len;
} conf_bytes;
#define CONF_BYTES(lit) {lit, sizeof lit - 1}
/* Rows of conf present throughout an injection case, in group
 * CONF_GRP_SENTINEL; "a" has i CONF_SENTINEL_I, the others count up. */
#define CONF_GRP_SENTINEL 1
#define CONF_SENTINEL_I 1000
bool conf_put_sentinels(conf_t *T);
/* The fingerprint of conf, subscriber, location and version: row count
 * and an order-independent checksum of every row. */
#define CONF_NPRINT 4
typedef struct conf_print {
    long long rows;
    uint64_t sum; /* of a hash per row: independent of the order */
    bool ok;      /* the table could be read */
} conf_print;
void conf_print_take(conf_t *T, conf_print out[CONF_NPRINT]);
/* One check per table: the same rows, the same checksum. */
void conf_print_compare(conf_t *T, const conf_print *before,
                        const conf_print *after);

/* --- the cases, one file per group ------------------------------------- */
void case_kamailio_tables(conf_t *T);
void case_kamailio_version(conf_t *T);
void case_kamailio_subscriber(conf_t *T);
void case_insert(conf_t *T);
void case_query(conf_t *T);
void case_update(conf_t *T);
void case_delete(conf_t *T);
void case_replace(conf_t *T);
void case_unique(conf_t *T);
void case_batch(conf_t *T);
void case_batch_atomic(conf_t *T);
void case_type_null(conf_t *T);
void case_type_int(conf_t *T);
void case_type_double(conf_t *T);
void case_type_string(conf_t *T);
void case_type_blob(conf_t *T);
void case_type_datetime(conf_t *T);
void case_operators(conf_t *T);
void case_bitand(conf_t *T);
void case_order(conf_t *T);
void case_order_nulls(conf_t *T);
void case_limit(conf_t *T);
void case_literal(conf_t *T);
void case_inject_values(conf_t *T);
void case_inject_idents(conf_t *T);
void case_concurrent(conf_t *T);
void case_stream(conf_t *T);

#endif
