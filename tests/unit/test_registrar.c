/* test_registrar.c - the registrar's plan (RFC 3261 10.3), its queries,
 * location rows into bindings, and Contact URI equality. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "binding.h"
#include "registrar.h"

#define SEC INT64_C(1000000)
#define NOW (INT64_C(1700000000) * SEC)
#define DS "loc"
#define TABLE "location"

static const reg_limits limits = {.min_s = 60, .max_s = 3600, .default_s = 1800};

/* --- helpers --- */

/* ruids "ruid-1", "ruid-2", ... in call order. */
static void seq_ruid(void *ctx, char *buf, size_t len)
{
    int *n = ctx;
    snprintf(buf, len, "ruid-%d", ++*n);
}

static char *dup_or_null(const char *s)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

/* An existing binding as the query would have returned it. */
static void mk_binding(reg_binding *b, const char *ruid, const char *contact,
                       const char *callid, int64_t cseq, int64_t expires_us,
                       double q, int64_t last_modified_us)
{
    memset(b, 0, sizeof(*b));
    b->ruid = dup_or_null(ruid);
    b->contact = dup_or_null(contact);
    b->callid = dup_or_null(callid);
    b->user_agent = dup_or_null("old-agent");
    b->socket = dup_or_null("udp:192.0.2.10:5060");
    b->cseq = cseq;
    b->expires_us = expires_us;
    b->q = q;
    b->last_modified_us = last_modified_us;
}

static reg_request base_request(const reg_contact *contacts, size_t n)
{
    reg_request rq = {
        .username = "alice",
        .domain = "example.com",
        .callid = "call-1",
        .cseq = 10,
        .header_expires_s = -1,
        .contacts = contacts,
        .ncontacts = n,
        .user_agent = "softphone/1.0",
        .received = NULL,
        .socket = "udp:192.0.2.10:5060",
        .path = NULL,
        .now_us = NOW,
    };
    return rq;
}

static reg_contact contact(const char *uri, int64_t expires_s, double q)
{
    reg_contact c = {.uri = uri, .expires_s = expires_s, .q = q,
                     .instance = NULL, .reg_id = 0};
    return c;
}

typedef struct col_value {
    const char *column;
    dbd_value value;
} col_value;

static dbd_value str(const char *s)
{
    return dbd_string(s, strlen(s));
}

static const char *value_text(const dbd_value *v, char *buf, size_t len)
{
    switch (v->type) {
    case DBD_TYPE_NULL:
        snprintf(buf, len, "NULL");
        break;
    case DBD_TYPE_INT:
        snprintf(buf, len, "int %lld", (long long)v->u.i);
        break;
    case DBD_TYPE_DOUBLE:
        snprintf(buf, len, "double %g", v->u.d);
        break;
    case DBD_TYPE_DATETIME:
        snprintf(buf, len, "datetime %lld", (long long)v->u.usec);
        break;
    case DBD_TYPE_STRING:
        snprintf(buf, len, "string '%.*s'", (int)v->u.s.len, v->u.s.ptr);
        break;
    default:
        snprintf(buf, len, "type %d", (int)v->type);
        break;
    }
    return buf;
}

static void check_value(const char *what, const dbd_value *got,
                        const dbd_value *want)
{
    if (!dbd_value_equal(got, want)) {
        char g[128], w[128];
        fail_msg("%s: got %s, want %s", what, value_text(got, g, sizeof g),
                 value_text(want, w, sizeof w));
    }
}

/* op's values are exactly want, in order. */
static void check_values(const dbd_op *op, const col_value *want, size_t n)
{
    assert_int_equal(op->nvalues, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(op->values[i].column, want[i].column);
        check_value(want[i].column, &op->values[i].value, &want[i].value);
    }
}

static void check_where(const dbd_op *op, size_t i, const char *column,
                        dbd_cmp cmp, dbd_value want)
{
    assert_true(i < op->nwhere);
    assert_string_equal(op->where[i].column, column);
    assert_int_equal(op->where[i].cmp, cmp);
    if (cmp != DBD_CMP_ISNULL && cmp != DBD_CMP_NOTNULL && cmp != DBD_CMP_IN)
        check_value(column, &op->where[i].value, &want);
}

/* writes is a valid request on DS with nops operations on TABLE: an
 * atomic batch of them, or the one operation alone when nops is 1 (a
 * single statement needs no transaction). */
static void check_batch(const dbd_request *w, size_t nops)
{
    char err[256];
    assert_non_null(w);
    assert_string_equal(w->datasource, DS);
    assert_int_equal(dbd_request_validate(w, err, sizeof err), DBD_OK);
    if (nops == 1) {
        assert_int_not_equal(w->op.kind, DBD_OP_BATCH);
        assert_string_equal(w->op.table, TABLE);
        return;
    }
    assert_int_equal(w->op.kind, DBD_OP_BATCH);
    assert_true(w->op.atomic);
    assert_int_equal(w->op.nops, nops);
    for (size_t i = 0; i < nops; i++)
        assert_string_equal(w->op.ops[i].table, TABLE);
}

/* Operation i of the writes w: of the batch, or w's own when alone. */
static const dbd_op *wop(const dbd_request *w, size_t i)
{
    if (w->op.kind != DBD_OP_BATCH) {
        assert_int_equal(i, 0);
        return &w->op;
    }
    assert_true(i < w->op.nops);
    return &w->op.ops[i];
}

static void check_delete_ruid(const dbd_op *op, const char *ruid)
{
    assert_int_equal(op->kind, DBD_OP_DELETE);
    assert_int_equal(op->nwhere, 1);
    check_where(op, 0, "ruid", DBD_CMP_EQ, str(ruid));
}

/* The full insert Kamailio's usrloc would write for this binding. */
static void check_insert(const dbd_op *op, const char *ruid,
                         const char *contact_uri, int64_t expires_s, double q,
                         const char *instance, int64_t reg_id)
{
    const col_value want[] = {
        {"ruid", str(ruid)},
        {"username", str("alice")},
        {"domain", str("example.com")},
        {"contact", str(contact_uri)},
        {"received", dbd_null()},
        {"path", dbd_null()},
        {"expires", dbd_datetime(NOW + expires_s * SEC)},
        {"q", dbd_double(q)},
        {"callid", str("call-1")},
        {"cseq", dbd_int(10)},
        {"last_modified", dbd_datetime(NOW)},
        {"flags", dbd_int(0)},
        {"cflags", dbd_int(0)},
        {"user_agent", str("softphone/1.0")},
        {"socket", str("udp:192.0.2.10:5060")},
        {"methods", dbd_null()},
        {"instance", instance != NULL ? str(instance) : dbd_null()},
        {"reg_id", dbd_int(reg_id)},
        {"server_id", dbd_int(0)},
        {"connection_id", dbd_int(-1)},
        {"keepalive", dbd_int(0)},
        {"partition", dbd_int(0)},
    };
    assert_int_equal(op->kind, DBD_OP_INSERT);
    assert_int_equal(op->nwhere, 0);
    check_values(op, want, sizeof want / sizeof want[0]);
}

static void check_update(const dbd_op *op, const char *ruid,
                         const char *callid, int64_t cseq, int64_t expires_s,
                         double q)
{
    const col_value want[] = {
        {"expires", dbd_datetime(NOW + expires_s * SEC)},
        {"q", dbd_double(q)},
        {"callid", str(callid)},
        {"cseq", dbd_int(cseq)},
        {"last_modified", dbd_datetime(NOW)},
        {"user_agent", str("softphone/1.0")},
        {"received", dbd_null()},
        {"path", dbd_null()},
        {"socket", str("udp:192.0.2.10:5060")},
    };
    assert_int_equal(op->kind, DBD_OP_UPDATE);
    check_values(op, want, sizeof want / sizeof want[0]);
    assert_int_equal(op->nwhere, 1);
    check_where(op, 0, "ruid", DBD_CMP_EQ, str(ruid));
}

static void check_current(const reg_plan *p, size_t i, const char *ruid,
                          const char *contact_uri, int64_t expires_us,
                          double q)
{
    assert_true(i < p->ncurrent);
    assert_string_equal(p->current[i].ruid, ruid);
    assert_string_equal(p->current[i].contact, contact_uri);
    assert_int_equal(p->current[i].expires_us, expires_us);
    assert_true(p->current[i].q == q);
}

/* One plan over existing; asserts it succeeded. */
static reg_plan plan(const reg_request *rq, const reg_binding *existing,
                     size_t n, int *ruids)
{
    reg_plan p;
    assert_int_equal(reg_plan_make(rq, &limits, existing, n, DS, TABLE,
                                   seq_ruid, ruids, &p),
                     0);
    return p;
}

static void free_existing(reg_binding *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        binding_clear(&b[i]);
}

/* --- queries --- */

static const char *const query_columns[] = {
    "ruid", "contact", "expires", "q", "callid", "cseq", "last_modified",
    "user_agent", "received", "path", "socket", "instance", "reg_id",
};

static void check_query_columns(const dbd_request *req)
{
    char err[256];
    assert_int_equal(dbd_request_validate(req, err, sizeof err), DBD_OK);
    assert_int_equal(req->op.kind, DBD_OP_QUERY);
    assert_string_equal(req->datasource, DS);
    assert_string_equal(req->op.table, TABLE);
    assert_int_equal(req->op.ncolumns, 13);
    for (size_t i = 0; i < 13; i++)
        assert_string_equal(req->op.columns[i], query_columns[i]);
}

static void test_query_bindings(void **state)
{
    (void)state;
    dbd_request *req = reg_query_bindings(DS, TABLE, "alice", "example.com");
    assert_non_null(req);
    check_query_columns(req);
    assert_int_equal(req->op.nwhere, 2);
    check_where(&req->op, 0, "username", DBD_CMP_EQ, str("alice"));
    check_where(&req->op, 1, "domain", DBD_CMP_EQ, str("example.com"));
    assert_int_equal(req->op.norder, 1);
    assert_string_equal(req->op.order[0].column, "q");
    assert_true(req->op.order[0].desc);
    assert_int_equal(req->op.limit, -1);
    dbd_request_destroy(&req);

    /* No domain: Kamailio without use_domain stores NULL. */
    req = reg_query_bindings(DS, TABLE, "alice", NULL);
    assert_non_null(req);
    assert_int_equal(req->op.nwhere, 2);
    check_where(&req->op, 1, "domain", DBD_CMP_ISNULL, dbd_null());
    dbd_request_destroy(&req);

    assert_null(reg_query_bindings(DS, TABLE, NULL, "example.com"));
    assert_null(reg_query_bindings(NULL, TABLE, "alice", "example.com"));
}

static void test_query_lookup(void **state)
{
    (void)state;
    dbd_request *req = reg_query_lookup(DS, TABLE, "bob", "example.com", NOW);
    assert_non_null(req);
    check_query_columns(req);
    assert_int_equal(req->op.nwhere, 3);
    check_where(&req->op, 0, "username", DBD_CMP_EQ, str("bob"));
    check_where(&req->op, 1, "domain", DBD_CMP_EQ, str("example.com"));
    check_where(&req->op, 2, "expires", DBD_CMP_GT, dbd_datetime(NOW));
    assert_int_equal(req->op.norder, 2);
    assert_string_equal(req->op.order[0].column, "q");
    assert_true(req->op.order[0].desc);
    assert_string_equal(req->op.order[1].column, "last_modified");
    assert_true(req->op.order[1].desc);
    dbd_request_destroy(&req);
}

/* --- rows into bindings --- */

#define NLOC_COLS 14

static dbd_result *location_result(void)
{
    /* The order differs from the query's and an extra column is present:
     * columns are found by name. */
    static const char *const names[NLOC_COLS] = {
        "id", "instance", "ruid", "contact", "expires", "q", "callid", "cseq",
        "last_modified", "user_agent", "received", "path", "socket", "reg_id",
    };
    static const dbd_type types[NLOC_COLS] = {
        DBD_TYPE_INT, DBD_TYPE_STRING, DBD_TYPE_STRING, DBD_TYPE_STRING,
        DBD_TYPE_DATETIME, DBD_TYPE_DOUBLE, DBD_TYPE_STRING, DBD_TYPE_INT,
        DBD_TYPE_DATETIME, DBD_TYPE_STRING, DBD_TYPE_STRING, DBD_TYPE_STRING,
        DBD_TYPE_STRING, DBD_TYPE_INT,
    };
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, NLOC_COLS, names, types), 0);
    return r;
}

static void test_from_result(void **state)
{
    (void)state;
    dbd_result *r = location_result();
    const dbd_value row0[NLOC_COLS] = {
        dbd_int(7), str("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"),
        str("uloc-1"), str("sip:alice@192.0.2.1:5060"),
        dbd_datetime(NOW + 100 * SEC), dbd_double(0.5), str("cid-a"),
        dbd_int(42), dbd_datetime(NOW - 5 * SEC), str("ua/1"),
        str("sip:198.51.100.7:40000"), str("<sip:edge.example.com;lr>"),
        str("udp:192.0.2.10:5060"), dbd_int(1),
    };
    /* NULLs where the schema allows them; a datetime as text and numbers
     * as text, as some backends return them. */
    const dbd_value row1[NLOC_COLS] = {
        dbd_int(8), dbd_null(), str("uloc-2"), str("sip:alice@192.0.2.2"),
        str("2023-11-14 22:13:20"), str("1"), dbd_null(), str("3"),
        dbd_null(), dbd_null(), dbd_null(), dbd_null(), dbd_null(),
        dbd_null(),
    };
    assert_int_equal(dbd_result_add_row(r, row0), 0);
    assert_int_equal(dbd_result_add_row(r, row1), 0);

    reg_binding *b = NULL;
    size_t n = 99;
    char err[256] = "";
    assert_int_equal(reg_bindings_from_result(r, &b, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(b[0].ruid, "uloc-1");
    assert_string_equal(b[0].contact, "sip:alice@192.0.2.1:5060");
    assert_int_equal(b[0].expires_us, NOW + 100 * SEC);
    assert_true(b[0].q == 0.5);
    assert_string_equal(b[0].callid, "cid-a");
    assert_int_equal(b[0].cseq, 42);
    assert_int_equal(b[0].last_modified_us, NOW - 5 * SEC);
    assert_string_equal(b[0].user_agent, "ua/1");
    assert_string_equal(b[0].received, "sip:198.51.100.7:40000");
    assert_string_equal(b[0].path, "<sip:edge.example.com;lr>");
    assert_string_equal(b[0].socket, "udp:192.0.2.10:5060");
    assert_string_equal(b[0].instance,
                        "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>");
    assert_int_equal(b[0].reg_id, 1);

    assert_string_equal(b[1].ruid, "uloc-2");
    assert_string_equal(b[1].contact, "sip:alice@192.0.2.2");
    assert_int_equal(b[1].expires_us, NOW); /* 2023-11-14 22:13:20 UTC */
    assert_true(b[1].q == 1.0);
    assert_null(b[1].callid);
    assert_int_equal(b[1].cseq, 3);
    assert_int_equal(b[1].last_modified_us, 0);
    assert_null(b[1].user_agent);
    assert_null(b[1].received);
    assert_null(b[1].path);
    assert_null(b[1].socket);
    assert_null(b[1].instance);
    assert_int_equal(b[1].reg_id, 0);
    reg_bindings_free(b, n);
    dbd_result_destroy(&r);

    /* No rows: OK and nothing allocated. */
    r = location_result();
    assert_int_equal(reg_bindings_from_result(r, &b, &n, err, sizeof err), 0);
    assert_null(b);
    assert_int_equal(n, 0);
    dbd_result_destroy(&r);
    reg_bindings_free(NULL, 0);
}

/* One good row, then a row with one bad cell: fails, nothing leaks. */
static void check_bad_row(int col, dbd_value bad, const char *want_err)
{
    dbd_result *r = location_result();
    dbd_value row[NLOC_COLS] = {
        dbd_int(7), dbd_null(), str("uloc-1"), str("sip:alice@192.0.2.1"),
        dbd_datetime(NOW), dbd_double(1.0), str("cid"), dbd_int(1),
        dbd_datetime(NOW), str("ua"), dbd_null(), dbd_null(), dbd_null(),
        dbd_int(0),
    };
    assert_int_equal(dbd_result_add_row(r, row), 0);
    row[col] = bad;
    assert_int_equal(dbd_result_add_row(r, row), 0);
    reg_binding *b = (reg_binding *)1;
    size_t n = 99;
    char err[256] = "";
    assert_int_equal(reg_bindings_from_result(r, &b, &n, err, sizeof err), -1);
    assert_null(b);
    assert_int_equal(n, 0);
    assert_string_equal(err, want_err);
    dbd_result_destroy(&r);
}

static void test_from_result_bad(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {1, 2, 3};
    check_bad_row(4, dbd_blob(bytes, sizeof bytes),
                  "location row 1: column expires is not a datetime");
    check_bad_row(4, dbd_null(), "location row 1: column expires is NULL");
    check_bad_row(4, str("yesterday"),
                  "location row 1: column expires is not a datetime");
    check_bad_row(7, str("abc"), "location row 1: column cseq is not an integer");
    check_bad_row(5, str("high"), "location row 1: column q is not a number");
    check_bad_row(3, dbd_int(5), "location row 1: column contact is not text");
    check_bad_row(2, dbd_null(), "location row 1: column ruid is NULL");
    check_bad_row(8, dbd_bool(true),
                  "location row 1: column last_modified is not a datetime");

    /* A missing column. */
    const char *names[] = {"ruid", "contact"};
    const dbd_type types[] = {DBD_TYPE_STRING, DBD_TYPE_STRING};
    dbd_result *r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_columns(r, 2, names, types), 0);
    reg_binding *b = NULL;
    size_t n = 0;
    char err[256] = "";
    assert_int_equal(reg_bindings_from_result(r, &b, &n, err, sizeof err), -1);
    assert_string_equal(err, "location result has no column expires");
    dbd_result_destroy(&r);

    /* A failed query. */
    r = dbd_result_new();
    assert_non_null(r);
    assert_int_equal(dbd_result_set_status(r, DBD_UNAVAILABLE, "db down"), 0);
    assert_int_equal(reg_bindings_from_result(r, &b, &n, err, sizeof err), -1);
    assert_string_equal(err, "location query failed: db down");
    dbd_result_destroy(&r);
}

/* --- the plan: new bindings and expires --- */

static void test_new_binding(void **state)
{
    (void)state;
    reg_contact c = contact("sip:alice@192.0.2.1:5060", -1, -1);
    c.instance = "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";
    c.reg_id = 1;
    reg_request rq = base_request(&c, 1);
    rq.header_expires_s = 600;
    int ruids = 0;
    reg_plan p = plan(&rq, NULL, 0, &ruids);
    assert_int_equal(p.code, 200);
    assert_string_equal(p.reason, "OK");
    assert_int_equal(ruids, 1);
    check_batch(p.writes, 1);
    check_insert(wop(p.writes, 0), "ruid-1", "sip:alice@192.0.2.1:5060",
                 600, 1.0, "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 1);
    assert_int_equal(p.ncurrent, 1);
    check_current(&p, 0, "ruid-1", "sip:alice@192.0.2.1:5060", NOW + 600 * SEC,
                  1.0);
    assert_string_equal(p.current[0].callid, "call-1");
    assert_int_equal(p.current[0].cseq, 10);
    assert_int_equal(p.current[0].last_modified_us, NOW);
    assert_string_equal(p.current[0].user_agent, "softphone/1.0");
    assert_string_equal(p.current[0].instance,
                        "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>");
    assert_int_equal(p.current[0].reg_id, 1);
    assert_null(p.current[0].received);
    reg_plan_free(&p);
    assert_null(p.writes);
    assert_null(p.current);
    reg_plan_free(&p);
    reg_plan_free(NULL);
}

/* The expires a single new contact gets. */
static int64_t new_expires(int64_t param, int64_t header)
{
    reg_contact c = contact("sip:alice@192.0.2.1", param, -1);
    reg_request rq = base_request(&c, 1);
    rq.header_expires_s = header;
    int ruids = 0;
    reg_plan p = plan(&rq, NULL, 0, &ruids);
    assert_int_equal(p.code, 200);
    assert_int_equal(p.ncurrent, 1);
    int64_t e = (p.current[0].expires_us - NOW) / SEC;
    check_batch(p.writes, 1);
    check_insert(wop(p.writes, 0), "ruid-1", "sip:alice@192.0.2.1", e, 1.0,
                 NULL, 0);
    reg_plan_free(&p);
    return e;
}

static void test_expires_choice(void **state)
{
    (void)state;
    assert_int_equal(new_expires(300, 600), 300);   /* param wins */
    assert_int_equal(new_expires(-1, 600), 600);    /* then the header */
    assert_int_equal(new_expires(-1, -1), 1800);    /* then the default */
    assert_int_equal(new_expires(7200, -1), 3600);  /* bounded by max */
    assert_int_equal(new_expires(-1, 3601), 3600);
    assert_int_equal(new_expires(INT64_MAX, -1), 3600);
    assert_int_equal(new_expires(60, -1), 60);      /* min itself is fine */
    assert_int_equal(new_expires(3600, 30), 3600);  /* header not consulted */
}

static void check_423(int64_t param, int64_t header)
{
    reg_contact c[2] = {contact("sip:alice@192.0.2.1", 3600, -1),
                        contact("sip:alice@192.0.2.2", param, -1)};
    reg_request rq = base_request(c, 2);
    rq.header_expires_s = header;
    int ruids = 0;
    reg_plan p = plan(&rq, NULL, 0, &ruids);
    assert_int_equal(p.code, 423);
    assert_string_equal(p.reason, "Interval Too Brief");
    assert_int_equal(p.min_expires_s, 60);
    assert_null(p.writes);
    assert_null(p.current);
    assert_int_equal(p.ncurrent, 0);
    assert_int_equal(ruids, 0);
    reg_plan_free(&p);
}

static void test_interval_too_brief(void **state)
{
    (void)state;
    check_423(59, -1);
    check_423(1, 3600);
    check_423(-1, 30);
    /* The default is never refused, even below the minimum. */
    reg_limits odd = {.min_s = 120, .max_s = 3600, .default_s = 60};
    reg_contact c = contact("sip:alice@192.0.2.1", -1, -1);
    reg_request rq = base_request(&c, 1);
    int ruids = 0;
    reg_plan p;
    assert_int_equal(reg_plan_make(&rq, &odd, NULL, 0, DS, TABLE, seq_ruid,
                                   &ruids, &p),
                     0);
    assert_int_equal(p.code, 200);
    check_current(&p, 0, "ruid-1", "sip:alice@192.0.2.1", NOW + 120 * SEC, 1.0);
    reg_plan_free(&p);
}

/* --- refresh, out of order, removal --- */

static void test_refresh(void **state)
{
    (void)state;
    reg_binding ex[2];
    mk_binding(&ex[0], "uloc-1", "sip:alice@192.0.2.1:5060;transport=udp",
               "call-1", 9, NOW + 10 * SEC, 1.0, NOW - 100 * SEC);
    mk_binding(&ex[1], "uloc-2", "sip:alice@192.0.2.2", "other", 500,
               NOW + 20 * SEC, 0.7, NOW - 50 * SEC);
    /* Same binding by RFC 3261 URI equality: scheme and host case,
     * transport parameter case, an unknown parameter in one only. */
    reg_contact c[2] = {
        contact("SIP:alice@EXAMPLE-HOST.invalid", 300, -1),
        contact("sip:alice@192.0.2.1:5060;TRANSPORT=UDP;ob", 300, 0.8),
    };
    reg_request rq = base_request(c, 2);
    int ruids = 0;
    reg_plan p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    assert_int_equal(ruids, 1);
    check_batch(p.writes, 2);
    check_update(wop(p.writes, 0), "uloc-1", "call-1", 10, 300, 0.8);
    check_insert(wop(p.writes, 1), "ruid-1",
                 "SIP:alice@EXAMPLE-HOST.invalid", 300, 1.0, NULL, 0);
    /* Highest q first: new 1.0, refreshed 0.8, untouched 0.7. */
    assert_int_equal(p.ncurrent, 3);
    check_current(&p, 0, "ruid-1", "SIP:alice@EXAMPLE-HOST.invalid",
                  NOW + 300 * SEC, 1.0);
    check_current(&p, 1, "uloc-1", "sip:alice@192.0.2.1:5060;transport=udp",
                  NOW + 300 * SEC, 0.8);
    check_current(&p, 2, "uloc-2", "sip:alice@192.0.2.2", NOW + 20 * SEC, 0.7);
    /* Untouched bindings keep what was stored. */
    assert_string_equal(p.current[2].callid, "other");
    assert_int_equal(p.current[2].cseq, 500);
    assert_string_equal(p.current[2].user_agent, "old-agent");
    reg_plan_free(&p);

    /* Another Call-ID may carry any CSeq (a rebooted phone). */
    reg_contact c2 = contact("sip:alice@192.0.2.2", 120, -1);
    rq = base_request(&c2, 1);
    rq.cseq = 1;
    ruids = 0;
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    assert_int_equal(ruids, 0);
    check_batch(p.writes, 1);
    /* check_update expects "call-1" as Call-ID and the given cseq. */
    check_update(wop(p.writes, 0), "uloc-2", "call-1", 1, 120, 1.0);
    assert_int_equal(p.ncurrent, 2);
    check_current(&p, 0, "uloc-2", "sip:alice@192.0.2.2", NOW + 120 * SEC, 1.0);
    check_current(&p, 1, "uloc-1", "sip:alice@192.0.2.1:5060;transport=udp",
                  NOW + 10 * SEC, 1.0);
    reg_plan_free(&p);
    free_existing(ex, 2);
}

static void check_out_of_order(int64_t cseq)
{
    reg_binding ex[1];
    mk_binding(&ex[0], "uloc-1", "sip:alice@192.0.2.1", "call-1", 10,
               NOW + 10 * SEC, 1.0, NOW);
    reg_contact c[2] = {contact("sip:alice@192.0.2.9", 300, -1),
                        contact("sip:alice@192.0.2.1", 300, -1)};
    reg_request rq = base_request(c, 2);
    rq.cseq = cseq;
    int ruids = 0;
    reg_plan p = plan(&rq, ex, 1, &ruids);
    assert_int_equal(p.code, 400);
    assert_string_equal(p.reason, "Out-of-order CSeq");
    assert_null(p.writes);
    assert_null(p.current);
    reg_plan_free(&p);
    free_existing(ex, 1);
}

static void test_out_of_order(void **state)
{
    (void)state;
    check_out_of_order(9);
    check_out_of_order(0);
}

/* The same Call-ID and CSeq again is a retransmission of a REGISTER that
 * was applied (its 200 was lost): 200, nothing written, bindings as
 * they are. */
static void test_retransmission(void **state)
{
    (void)state;
    reg_binding ex[2];
    mk_binding(&ex[0], "uloc-1", "sip:alice@192.0.2.1", "call-1", 10,
               NOW + 10 * SEC, 1.0, NOW);
    mk_binding(&ex[1], "uloc-2", "sip:alice@192.0.2.2", "call-2", 4,
               NOW + 20 * SEC, 0.5, NOW);
    reg_contact c[2] = {contact("sip:alice@192.0.2.9", 300, -1),
                        contact("sip:alice@192.0.2.1", 300, -1)};
    reg_request rq = base_request(c, 2);
    int ruids = 0;
    reg_plan p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    assert_null(p.writes);
    assert_int_equal(ruids, 0);
    assert_int_equal(p.ncurrent, 2);
    check_current(&p, 0, "uloc-1", "sip:alice@192.0.2.1", NOW + 10 * SEC, 1.0);
    check_current(&p, 1, "uloc-2", "sip:alice@192.0.2.2", NOW + 20 * SEC, 0.5);
    reg_plan_free(&p);

    /* A removal retransmitted: the same answer, no write. */
    c[0] = contact("sip:alice@192.0.2.1", 0, -1);
    rq = base_request(c, 1);
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    assert_null(p.writes);
    assert_int_equal(p.ncurrent, 2);
    reg_plan_free(&p);

    /* Contact: * retransmitted while a binding still holds its CSeq. */
    rq = base_request(NULL, 0);
    rq.star = true;
    rq.header_expires_s = 0;
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    assert_null(p.writes);
    reg_plan_free(&p);

    /* The next CSeq is a new request again. */
    c[0] = contact("sip:alice@192.0.2.1", 300, -1);
    rq = base_request(c, 1);
    rq.cseq = 11;
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    check_batch(p.writes, 1);
    reg_plan_free(&p);

    /* An expired binding's CSeq does not make a retransmission. */
    binding_clear(&ex[0]);
    mk_binding(&ex[0], "uloc-1", "sip:alice@192.0.2.1", "call-1", 10,
               NOW - SEC, 1.0, NOW);
    rq = base_request(c, 1);
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    assert_non_null(p.writes);
    assert_int_equal(ruids, 1);
    reg_plan_free(&p);
    free_existing(ex, 2);
}

/* Without a generator, ruids are derived from AoR, Call-ID, CSeq and
 * contact: two copies of one REGISTER planned at once get the same ruid
 * (and collide on the unique column); anything else differs. */
static void test_deterministic_ruid(void **state)
{
    (void)state;
    reg_contact c = contact("sip:alice@192.0.2.1", 300, -1);
    reg_request rq = base_request(&c, 1);
    reg_plan p1, p2;
    char r[REG_RUID_MAX], r2[REG_RUID_MAX];

    /* Independently: sha256(b"alice\0example.com\0call-1\010\0"
     * b"sip:alice@192.0.2.1\0")[:20] in hex. */
    reg_ruid_derive(&rq, c.uri, r);
    assert_string_equal(r, "uloc-402ea87c998f4b441fcb35e8ef719be732c1f031");
    assert_int_equal(reg_plan_make(&rq, &limits, NULL, 0, DS, TABLE, NULL,
                                   NULL, &p1), 0);
    assert_int_equal(reg_plan_make(&rq, &limits, NULL, 0, DS, TABLE, NULL,
                                   NULL, &p2), 0);
    assert_int_equal(p1.code, 200);
    check_batch(p1.writes, 1);
    check_batch(p2.writes, 1);
    assert_int_equal(p1.ncurrent, 1);
    assert_int_equal(p2.ncurrent, 1);
    assert_string_equal(p1.current[0].ruid, r);
    assert_string_equal(p2.current[0].ruid, r);
    reg_plan_free(&p1);
    reg_plan_free(&p2);

    rq.cseq = 11;
    reg_ruid_derive(&rq, c.uri, r2);
    assert_string_not_equal(r2, r);
    rq.cseq = 10;
    rq.callid = "call-2";
    reg_ruid_derive(&rq, c.uri, r2);
    assert_string_not_equal(r2, r);
    rq.callid = "call-1";
    reg_ruid_derive(&rq, "sip:alice@192.0.2.2", r2);
    assert_string_not_equal(r2, r);
    rq.username = "bob";
    reg_ruid_derive(&rq, c.uri, r2);
    assert_string_not_equal(r2, r);
    assert_int_equal(strlen(r2), 45);
}

static void test_remove_one(void **state)
{
    (void)state;
    reg_binding ex[2];
    mk_binding(&ex[0], "uloc-1", "sip:alice@192.0.2.1", "call-1", 3,
               NOW + 10 * SEC, 1.0, NOW);
    mk_binding(&ex[1], "uloc-2", "sip:alice@192.0.2.2", "call-2", 3,
               NOW + 10 * SEC, 0.5, NOW);
    /* expires=0 as a parameter, and through the header for another one. */
    reg_contact c = contact("sip:alice@192.0.2.1", 0, -1);
    reg_request rq = base_request(&c, 1);
    rq.header_expires_s = 3600;
    int ruids = 0;
    reg_plan p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    check_batch(p.writes, 1);
    check_delete_ruid(wop(p.writes, 0), "uloc-1");
    assert_int_equal(p.ncurrent, 1);
    check_current(&p, 0, "uloc-2", "sip:alice@192.0.2.2", NOW + 10 * SEC, 0.5);
    reg_plan_free(&p);

    c = contact("sip:alice@192.0.2.2", -1, -1);
    rq = base_request(&c, 1);
    rq.header_expires_s = 0;
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    check_batch(p.writes, 1);
    check_delete_ruid(wop(p.writes, 0), "uloc-2");
    assert_int_equal(p.ncurrent, 1);
    check_current(&p, 0, "uloc-1", "sip:alice@192.0.2.1", NOW + 10 * SEC, 1.0);
    reg_plan_free(&p);

    /* Removing an unknown contact writes nothing. */
    c = contact("sip:alice@192.0.2.77", 0, -1);
    rq = base_request(&c, 1);
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    assert_null(p.writes);
    assert_int_equal(p.ncurrent, 2);
    check_current(&p, 0, "uloc-1", "sip:alice@192.0.2.1", NOW + 10 * SEC, 1.0);
    check_current(&p, 1, "uloc-2", "sip:alice@192.0.2.2", NOW + 10 * SEC, 0.5);
    reg_plan_free(&p);
    assert_int_equal(ruids, 0);
    free_existing(ex, 2);
}

/* --- Contact: * --- */

static void test_star(void **state)
{
    (void)state;
    reg_binding ex[2];
    mk_binding(&ex[0], "uloc-1", "sip:alice@192.0.2.1", "call-1", 3,
               NOW + 10 * SEC, 1.0, NOW);
    mk_binding(&ex[1], "uloc-2", "sip:alice@192.0.2.2", "call-2", 3,
               NOW - 10 * SEC, 0.5, NOW);
    reg_request rq = base_request(NULL, 0);
    rq.star = true;
    rq.header_expires_s = 0;
    int ruids = 0;
    reg_plan p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    /* One delete of the whole AoR, expired rows included. */
    check_batch(p.writes, 1);
    const dbd_op *op = wop(p.writes, 0);
    assert_int_equal(op->kind, DBD_OP_DELETE);
    assert_int_equal(op->nwhere, 2);
    check_where(op, 0, "username", DBD_CMP_EQ, str("alice"));
    check_where(op, 1, "domain", DBD_CMP_EQ, str("example.com"));
    assert_int_equal(p.ncurrent, 0);
    assert_null(p.current);
    reg_plan_free(&p);

    /* Same Call-ID with a lower CSeq: refused. */
    rq.cseq = 2;
    rq.callid = "call-1";
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 400);
    assert_string_equal(p.reason, "Out-of-order CSeq");
    assert_null(p.writes);
    reg_plan_free(&p);
    /* The same CSeq: a retransmission, nothing written. */
    rq.cseq = 3;
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    assert_null(p.writes);
    assert_int_equal(p.ncurrent, 1);
    reg_plan_free(&p);
    /* ... but an expired binding's CSeq does not count. */
    rq.callid = "call-2";
    p = plan(&rq, ex, 2, &ruids);
    assert_int_equal(p.code, 200);
    check_batch(p.writes, 1);
    reg_plan_free(&p);

    /* Without domain. */
    rq = base_request(NULL, 0);
    rq.star = true;
    rq.header_expires_s = 0;
    rq.domain = NULL;
    p = plan(&rq, NULL, 0, &ruids);
    assert_int_equal(p.code, 200);
    check_batch(p.writes, 1);
    check_where(wop(p.writes, 0), 1, "domain", DBD_CMP_ISNULL, dbd_null());
    reg_plan_free(&p);
    assert_int_equal(ruids, 0);
    free_existing(ex, 2);
}

static void check_star_misuse(int64_t header_expires, size_t ncontacts)
{
    reg_contact c = contact("sip:alice@192.0.2.1", 0, -1);
    reg_request rq = base_request(&c, ncontacts);
    rq.star = true;
    rq.header_expires_s = header_expires;
    int ruids = 0;
    reg_plan p = plan(&rq, NULL, 0, &ruids);
    assert_int_equal(p.code, 400);
    assert_string_equal(p.reason, "Invalid Contact *");
    assert_null(p.writes);
    assert_null(p.current);
    reg_plan_free(&p);
}

static void test_star_misuse(void **state)
{
    (void)state;
    check_star_misuse(3600, 0);
    check_star_misuse(-1, 0);
    check_star_misuse(0, 1);
}

/* --- several contacts, expired rows, odd requests --- */

static void test_several_contacts(void **state)
{
    (void)state;
    reg_binding ex[1];
    mk_binding(&ex[0], "uloc-1", "sip:alice@192.0.2.1", "other", 3,
               NOW + 10 * SEC, 0.9, NOW - 10 * SEC);
    reg_contact c[3] = {
        contact("sip:alice@192.0.2.2", -1, 0.5),
        contact("sip:alice@192.0.2.3", 120, 0.9),
        contact("sip:alice@192.0.2.4", -1, 0),
    };
    reg_request rq = base_request(c, 3);
    rq.header_expires_s = 900;
    int ruids = 0;
    reg_plan p = plan(&rq, ex, 1, &ruids);
    assert_int_equal(p.code, 200);
    assert_int_equal(ruids, 3);
    check_batch(p.writes, 3);
    check_insert(wop(p.writes, 0), "ruid-1", "sip:alice@192.0.2.2", 900,
                 0.5, NULL, 0);
    check_insert(wop(p.writes, 1), "ruid-2", "sip:alice@192.0.2.3", 120,
                 0.9, NULL, 0);
    check_insert(wop(p.writes, 2), "ruid-3", "sip:alice@192.0.2.4", 900,
                 0.0, NULL, 0);
    /* q descending; equal q: the more recently modified first. */
    assert_int_equal(p.ncurrent, 4);
    check_current(&p, 0, "ruid-2", "sip:alice@192.0.2.3", NOW + 120 * SEC, 0.9);
    check_current(&p, 1, "uloc-1", "sip:alice@192.0.2.1", NOW + 10 * SEC, 0.9);
    check_current(&p, 2, "ruid-1", "sip:alice@192.0.2.2", NOW + 900 * SEC, 0.5);
    check_current(&p, 3, "ruid-3", "sip:alice@192.0.2.4", NOW + 900 * SEC, 0.0);
    reg_plan_free(&p);
    free_existing(ex, 1);
}

static void test_expired_rows(void **state)
{
    (void)state;
    reg_binding ex[3];
    mk_binding(&ex[0], "old-1", "sip:alice@192.0.2.1", "call-1", 50,
               NOW - 1, 1.0, NOW - 3600 * SEC);
    mk_binding(&ex[1], "live", "sip:alice@192.0.2.2", "call-2", 3,
               NOW + 1, 0.5, NOW - 60 * SEC);
    /* Expiring exactly now counts as expired. */
    mk_binding(&ex[2], "old-2", "sip:alice@192.0.2.3", "call-3", 3, NOW, 1.0,
               NOW - 3600 * SEC);

    /* A fetch (no Contact): expired rows deleted, never listed. */
    reg_request rq = base_request(NULL, 0);
    int ruids = 0;
    reg_plan p = plan(&rq, ex, 3, &ruids);
    assert_int_equal(p.code, 200);
    check_batch(p.writes, 1);
    const dbd_op *op = wop(p.writes, 0);
    assert_int_equal(op->kind, DBD_OP_DELETE);
    assert_int_equal(op->nwhere, 1);
    assert_string_equal(op->where[0].column, "ruid");
    assert_int_equal(op->where[0].cmp, DBD_CMP_IN);
    assert_int_equal(op->where[0].nlist, 2);
    dbd_value old1 = str("old-1"), old2 = str("old-2");
    check_value("ruid[0]", &op->where[0].list[0], &old1);
    check_value("ruid[1]", &op->where[0].list[1], &old2);
    assert_int_equal(p.ncurrent, 1);
    check_current(&p, 0, "live", "sip:alice@192.0.2.2", NOW + 1, 0.5);
    reg_plan_free(&p);

    /* Registering an expired binding's contact again adds a new binding
     * (its old CSeq does not count) and deletes the old row. */
    reg_contact c = contact("sip:alice@192.0.2.1", 300, -1);
    rq = base_request(&c, 1);
    p = plan(&rq, ex, 3, &ruids);
    assert_int_equal(p.code, 200);
    check_batch(p.writes, 2);
    op = wop(p.writes, 0);
    assert_int_equal(op->kind, DBD_OP_DELETE);
    assert_int_equal(op->where[0].cmp, DBD_CMP_IN);
    assert_int_equal(op->where[0].nlist, 2);
    check_insert(wop(p.writes, 1), "ruid-1", "sip:alice@192.0.2.1", 300,
                 1.0, NULL, 0);
    assert_int_equal(p.ncurrent, 2);
    check_current(&p, 0, "ruid-1", "sip:alice@192.0.2.1", NOW + 300 * SEC, 1.0);
    check_current(&p, 1, "live", "sip:alice@192.0.2.2", NOW + 1, 0.5);
    reg_plan_free(&p);

    /* Nothing expired, nothing asked: no writes at all. */
    rq = base_request(NULL, 0);
    p = plan(&rq, &ex[1], 1, &ruids);
    assert_int_equal(p.code, 200);
    assert_null(p.writes);
    assert_int_equal(p.ncurrent, 1);
    reg_plan_free(&p);
    free_existing(ex, 3);
}

/* A Contact repeated in one REGISTER acts on what the first one did. */
static void test_repeated_contact(void **state)
{
    (void)state;
    reg_binding ex[1];
    mk_binding(&ex[0], "uloc-1", "sip:alice@192.0.2.1", "call-1", 3,
               NOW + 10 * SEC, 1.0, NOW);
    reg_contact c[2] = {contact("sip:alice@192.0.2.5", 300, -1),
                        contact("sip:alice@192.0.2.5", 0, -1)};
    reg_request rq = base_request(c, 2);
    int ruids = 0;
    reg_plan p = plan(&rq, ex, 1, &ruids);
    assert_int_equal(p.code, 200);
    assert_null(p.writes); /* added, then removed: nothing to write */
    assert_int_equal(p.ncurrent, 1);
    check_current(&p, 0, "uloc-1", "sip:alice@192.0.2.1", NOW + 10 * SEC, 1.0);
    reg_plan_free(&p);

    /* Removed, then added again: the existing row is updated. */
    reg_contact d[2] = {contact("sip:alice@192.0.2.1", 0, -1),
                        contact("sip:alice@192.0.2.1", 600, 0.3)};
    rq = base_request(d, 2);
    p = plan(&rq, ex, 1, &ruids);
    assert_int_equal(p.code, 200);
    check_batch(p.writes, 1);
    check_update(wop(p.writes, 0), "uloc-1", "call-1", 10, 600, 0.3);
    assert_int_equal(p.ncurrent, 1);
    check_current(&p, 0, "uloc-1", "sip:alice@192.0.2.1", NOW + 600 * SEC, 0.3);
    reg_plan_free(&p);
    free_existing(ex, 1);
}

static void check_bad_request(reg_request rq)
{
    int ruids = 0;
    reg_plan p = plan(&rq, NULL, 0, &ruids);
    assert_int_equal(p.code, 400);
    assert_string_equal(p.reason, "Bad Request");
    assert_null(p.writes);
    assert_null(p.current);
    assert_int_equal(ruids, 0);
    reg_plan_free(&p);
}

static void test_bad_requests(void **state)
{
    (void)state;
    reg_contact c = contact("sip:alice@192.0.2.1", 300, 1.5);
    check_bad_request(base_request(&c, 1));
    c.q = -0.5;
    check_bad_request(base_request(&c, 1));
    c = contact("", 300, -1);
    check_bad_request(base_request(&c, 1));
    c = contact(NULL, 300, -1);
    check_bad_request(base_request(&c, 1));
    c = contact("sip:alice@192.0.2.1", 300, -1);
    reg_request rq = base_request(&c, 1);
    rq.callid = NULL;
    check_bad_request(rq);
    rq = base_request(&c, 1);
    rq.username = "";
    check_bad_request(rq);

    /* Bad arguments are -1, not a plan. */
    rq = base_request(&c, 1);
    reg_plan p;
    int ruids = 0;
    /* (A NULL generator is allowed: ruids are derived.) */
    assert_int_equal(reg_plan_make(&rq, &limits, NULL, 0, DS, TABLE, NULL,
                                   &ruids, &p),
                     0);
    assert_int_equal(p.code, 200);
    reg_plan_free(&p);
    assert_int_equal(reg_plan_make(&rq, &limits, NULL, 1, DS, TABLE, seq_ruid,
                                   &ruids, &p),
                     -1);
    assert_int_equal(reg_plan_make(&rq, &limits, NULL, 0, DS, TABLE, seq_ruid,
                                   &ruids, NULL),
                     -1);
}

static void empty_ruid(void *ctx, char *buf, size_t len)
{
    (void)ctx;
    (void)len;
    buf[0] = '\0';
}

static void test_ruid_generator(void **state)
{
    (void)state;
    /* The generator gets the column's size; an empty ruid is refused. */
    reg_contact c = contact("sip:alice@192.0.2.1", 300, -1);
    reg_request rq = base_request(&c, 1);
    reg_plan p;
    assert_int_equal(reg_plan_make(&rq, &limits, NULL, 0, DS, TABLE,
                                   empty_ruid, NULL, &p),
                     -1);
    assert_null(p.writes);
    assert_null(p.current);
}

/* --- picking a binding for a call --- */

static void test_pick_best(void **state)
{
    (void)state;
    reg_binding b[4];
    mk_binding(&b[0], "a", "sip:a@h", "c", 1, NOW + SEC, 0.5, NOW - 10);
    mk_binding(&b[1], "b", "sip:b@h", "c", 1, NOW + SEC, 0.8, NOW - 20);
    mk_binding(&b[2], "c", "sip:c@h", "c", 1, NOW + SEC, 0.8, NOW - 10);
    mk_binding(&b[3], "d", "sip:d@h", "c", 1, NOW, 1.0, NOW); /* expired */
    assert_int_equal(reg_pick_best(b, 4, NOW), 2);
    assert_int_equal(reg_pick_best(b, 2, NOW), 1);
    assert_int_equal(reg_pick_best(b, 1, NOW), 0);
    assert_int_equal(reg_pick_best(&b[3], 1, NOW), -1);
    assert_int_equal(reg_pick_best(b, 4, NOW + SEC), -1);
    assert_int_equal(reg_pick_best(b, 0, NOW), -1);
    assert_int_equal(reg_pick_best(NULL, 3, NOW), -1);
    free_existing(b, 4);
}

/* --- URI equality (the examples of RFC 3261 19.1.4 and more) --- */

static void test_uri_equal(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        bool equal;
    } cases[] = {
        /* RFC 3261 19.1.4: equivalent */
        {"sip:%61lice@atlanta.com;transport=TCP",
         "sip:alice@AtLanTa.CoM;Transport=tcp", true},
        {"sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5", true},
        {"sip:carol@chicago.com", "sip:carol@chicago.com;security=on", true},
        {"sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on",
         true},
        {"sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
         "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
         true},
        {"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
         "sip:alice@atlanta.com?priority=urgent&subject=project%20x", true},
        /* RFC 3261 19.1.4: not equivalent */
        {"SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP",
         false},
        {"sip:bob@biloxi.com", "sip:bob@biloxi.com:5060", false},
        {"sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp", false},
        {"sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp", false},
        {"sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting",
         false},
        {"sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4", false},
        {"sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off",
         false},
        /* more */
        {"sip:alice@192.0.2.1", "sips:alice@192.0.2.1", false},
        {"sip:alice@192.0.2.1", "Sip:alice@192.0.2.1", true},
        {" <sip:alice@192.0.2.1> ", "sip:alice@192.0.2.1", true},
        {"sip:alice@192.0.2.1:5060", "sip:alice@192.0.2.1:5060", true},
        {"sip:alice@192.0.2.1:5060", "sip:alice@192.0.2.1:5061", false},
        {"sip:alice:secret@h", "sip:alice:Secret@h", false},
        {"sip:alice@h", "sip:h", false},
        {"sip:alice@[2001:db8::1]:5060", "sip:alice@[2001:DB8::1]:5060", true},
        {"sip:alice@[2001:db8::1]", "sip:alice@[2001:db8::1]:5060", false},
        {"sip:a@h;user=phone", "sip:a@h", false},
        {"sip:a@h", "sip:a@h;ttl=1", false},
        {"sip:a@h;maddr=239.0.0.1", "sip:a@h", false},
        {"sip:a@h;lr", "sip:a@h", true},
        {"sip:a@h;lr", "sip:a@h;lr=on", false},
        {"sip:a@h?x=1", "sip:a@h?X=1", true},
        {"sip:a@h?x=a", "sip:a@h?x=A", false},
        {"tel:+1-201-555-0123", "TEL:+1-201-555-0123", true},
        {"tel:+1-201-555-0123", "tel:+1-201-555-0124", false},
        {"sip:a@h", "tel:a", false},
        {"sip:", "sip:", true}, /* malformed: byte comparison */
        {"sip:@", "sip:a@", false},
        {"sip:a@h%", "sip:a@h%", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (binding_uri_equal(cases[i].a, cases[i].b) != cases[i].equal ||
            binding_uri_equal(cases[i].b, cases[i].a) != cases[i].equal)
            fail_msg("'%s' vs '%s': want %s", cases[i].a, cases[i].b,
                     cases[i].equal ? "equal" : "unequal");
    }
    assert_false(binding_uri_equal(NULL, "sip:a@h"));
    assert_false(binding_uri_equal("sip:a@h", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_bindings),
        cmocka_unit_test(test_query_lookup),
        cmocka_unit_test(test_from_result),
        cmocka_unit_test(test_from_result_bad),
        cmocka_unit_test(test_new_binding),
        cmocka_unit_test(test_expires_choice),
        cmocka_unit_test(test_interval_too_brief),
        cmocka_unit_test(test_refresh),
        cmocka_unit_test(test_out_of_order),
        cmocka_unit_test(test_retransmission),
        cmocka_unit_test(test_deterministic_ruid),
        cmocka_unit_test(test_remove_one),
        cmocka_unit_test(test_star),
        cmocka_unit_test(test_star_misuse),
        cmocka_unit_test(test_several_contacts),
        cmocka_unit_test(test_expired_rows),
        cmocka_unit_test(test_repeated_contact),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_ruid_generator),
        cmocka_unit_test(test_pick_best),
        cmocka_unit_test(test_uri_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
