/*
 * cases_inject.c - the injection corpus as values: quotes, comments,
 * stacked statements, LDAP filter and DN syntax, NUL bytes and overlong or
 * invalid UTF-8 in k and s, through insert, = <> in, update (condition and
 * SET list), replace, delete and a batch.
 *
 * A value is either stored and read back byte for byte, found by = as
 * exactly its own row (never a sentinel row), or refused with the status
 * the connector documents (inj_rules below), leaving the table as it was.
 * A fingerprint of the backend before and after (inject_common.c) proves
 * nothing else changed.  The same corpus as identifiers is in
 * cases_inject_ident.c.
 */
#include "conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef conf_bytes bytes;
#define B CONF_BYTES

/* Stored and matched literally, or refused (see inj_rules). */
static const bytes values[] = {
    /* NUL bytes */
    B("a\0b"), B("\0"), B("a\0"), B("\0'; DELETE FROM conf; --"),
    /* overlong, surrogate and invalid UTF-8 */
    B("\xc0\xaf"), B("\xe0\x80\xaf"), B("\xf0\x80\x80\xaf"),
    B("\xf4\x90\x80\x80"), B("\x80"), B("\xff"), B("a\xff'b"),
    B("\xed\xa0\x80"), B("\xed\xbf\xbf"),
    /* SQL comments and stacked statements */
    B("a--b"), B("a/*b*/c"), B("#"), B("-- "), B("/*"),
    B("1; DELETE FROM conf; --"), B("'; DELETE FROM conf; --"),
    B("\"; DELETE FROM conf; --"), B("x'); DELETE FROM subscriber; --"),
    B("' OR '1'='1"), B("' OR 1=1 --"), B("\\'; --"),
    /* LDAP filter and DN syntax */
    B("*"), B("("), B(")"), B("\\"), B("\\2a"), B("\\00"), B("cn=x,dc=y"),
    B("=,+<>#;"), B("#41"), B("+"), B(" a"), B("a "), B("*)(objectClass=*"),
    B("*)(|(k=*))"), B("(&(k=*)(s=*))"),
    /* wildcards and quotes (also in the literal case; here through every
     * operation) */
    B("'"), B("\""), B("%"), B("_"), B("a%"), B("a_"),
};
#define NVALUES (sizeof values / sizeof values[0])

#define GRP_CASE 7 /* the rows the case writes */

/* The value classes a backend may be unable to hold: a NUL byte, an
 * encoded UTF-16 surrogate (ED A0..BF xx, CESU-8's form), and any other
 * byte sequence that is not UTF-8 (overlong forms, stray bytes). */
enum { INJ_NUL = 1u << 0, INJ_SURROGATE = 1u << 1, INJ_BAD_UTF8 = 1u << 2 };

/*
 * What the connectors document they refuse, and with which status.
 * Every class not listed must be stored exactly.
 */
static const struct {
    const char *scheme; /* or NULL */
    const char *ds;     /* or NULL: a backend behind odbc */
    unsigned classes;
    dbd_status status;
} inj_rules[] = {
    /* "A string cannot hold a NUL byte in PostgreSQL (use a blob): BAD";
     * bytes that are not UTF-8 are a class 22 data exception: BAD. */
    {"pgsql", NULL, INJ_NUL | INJ_SURROGATE | INJ_BAD_UTF8, DBD_BAD},
    {NULL, "odbc_pg", INJ_NUL | INJ_SURROGATE | INJ_BAD_UTF8, DBD_BAD},
    /* The SQLite ODBC driver reads text back cut at a NUL, so the odbc
     * connector refuses a NUL in a string for SQLite too (docs). */
    {NULL, "odbc_sqlite", INJ_NUL, DBD_BAD},
    /* utf8mb4 columns in strict mode: a value that does not fit its
     * column fails with BAD instead of being cut.  MariaDB's utf8mb4
     * takes encoded surrogates as characters (and keeps their bytes), so
     * only the other ill-formed sequences are refused. */
    {"mysql", NULL, INJ_BAD_UTF8, DBD_BAD},
    {NULL, "odbc_maria", INJ_BAD_UTF8, DBD_BAD},
};

/* --- value classes and expectations ----------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (Unicode table 3-7), 0
 * when ill-formed. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t n;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

static unsigned value_classes(const bytes *v)
{
    const unsigned char *p = (const unsigned char *)v->p;
    unsigned cls = 0;

    if (v->len > 0 && memchr(v->p, '\0', v->len) != NULL)
        cls |= INJ_NUL;
    for (size_t i = 0; i < v->len;) {
        size_t n = utf8_len(p + i, v->len - i);
        if (n == 0 && v->len - i >= 3 && p[i] == 0xed && p[i + 1] >= 0xa0 &&
            p[i + 1] <= 0xbf && p[i + 2] >= 0x80 && p[i + 2] <= 0xbf) {
            cls |= INJ_SURROGATE;
            n = 3;
        } else if (n == 0) {
            cls |= INJ_BAD_UTF8;
            break;
        }
        i += n;
    }
    return cls;
}

/* DBD_OK when the datasource must store v, else the refusal it
 * documents. */
static dbd_status refusal(const conf_t *T, const bytes *v)
{
    unsigned cls = value_classes(v);

    for (size_t i = 0; i < sizeof inj_rules / sizeof inj_rules[0]; i++) {
        bool mine = (inj_rules[i].scheme != NULL &&
                     strcmp(inj_rules[i].scheme, T->ds->scheme) == 0) ||
                    (inj_rules[i].ds != NULL &&
                     strcmp(inj_rules[i].ds, T->ds->name) == 0);
        if (mine && (inj_rules[i].classes & cls) != 0)
            return inj_rules[i].status;
    }
    return DBD_OK;
}

/* --- checks ------------------------------------------------------------ */

static dbd_value val(const bytes *v)
{
    return dbd_string(v->p, v->len);
}

/* The i column of every row of r is exactly the set want[0..n). */
static bool ck_is(conf_t *T, const dbd_result *r, const int64_t *want,
                  size_t n, const char *what, size_t idx)
{
    size_t nrows = dbd_result_nrows(r), hits = 0;
    bool pass = nrows == n;

    for (size_t row = 0; pass && row < nrows; row++) {
        const dbd_value *c = conf_cell(r, row, "i");
        bool found = false;

        for (size_t j = 0; c != NULL && c->type == DBD_TYPE_INT && j < n; j++)
            found = found || c->u.i == want[j];
        hits += found ? 1 : 0;
    }
    pass = pass && hits == n;
    if (!conf_ok(T, pass, "value #%zu: %s matches exactly %zu row(s)", idx,
                 what, n)) {
        conf_diag("got %zu rows:", nrows);
        for (size_t row = 0; row < nrows && row < 8; row++) {
            char d[CONF_DESCRIBE_MAX], e[CONF_DESCRIBE_MAX];
            const dbd_value *k = conf_cell(r, row, "k");
            const dbd_value *i = conf_cell(r, row, "i");
            static const dbd_value none = {.type = DBD_TYPE_NULL};

            conf_describe(k != NULL ? k : &none, d);
            conf_describe(i != NULL ? i : &none, e);
            conf_diag("  k %s, i %s", d, e);
        }
    }
    return pass;
}

/* A write that must be refused with want, or must succeed (want OK). */
static bool ck_write(conf_t *T, const dbd_result *r, dbd_status want,
                     long long affected, const char *what, size_t idx)
{
    if (!ck_status(T, r, want, "value #%zu: %s %s", idx, what,
                   want == DBD_OK ? "succeeds" : dbd_status_name(want)))
        return false;
    if (want == DBD_OK && affected >= 0)
        return ck_int(T, dbd_result_affected(r), affected,
                      "value #%zu: %s affects %lld row(s)", idx, what,
                      affected);
    return true;
}

/*
 * A query (or a delete/update by condition) with a value the backend
 * refuses: its refusal, or OK finding only the rows want[0..n) (a delete
 * or update: affecting none).
 */
static void ck_refused_read(conf_t *T, const dbd_result *r, dbd_status st,
                            const int64_t *want, size_t n, bool is_query,
                            const char *what, size_t idx)
{
    if (dbd_result_status(r) == st) {
        conf_ok(T, true, "value #%zu: %s answers %s", idx, what,
                dbd_status_name(st));
        return;
    }
    if (!ck_status(T, r, DBD_OK, "value #%zu: %s answers %s or finds none",
                   idx, what, dbd_status_name(st)))
        return;
    if (is_query)
        ck_is(T, r, want, n, what, idx);
    else
        ck_int(T, dbd_result_affected(r), 0,
               "value #%zu: %s affects no row", idx, what);
}

static dbd_result *query_where(conf_t *T, dbd_cmp cmp, const char *col,
                               const bytes *v, bool only_case)
{
    dbd_request *q = conf_req(T, DBD_OP_QUERY);

    conf_where(q, &q->op, col, cmp, val(v));
    if (only_case)
        conf_where(q, &q->op, "grp", DBD_CMP_EQ, dbd_int(GRP_CASE));
    return conf_call(T, &q, CONF_TIMEOUT_MS);
}

static void add_row(dbd_request *q, dbd_op *op, const bytes *v, size_t idx)
{
    conf_value(q, op, "k", val(v));
    conf_value(q, op, "s", val(v));
    conf_value(q, op, "i", dbd_int((int64_t)idx));
    conf_value(q, op, "grp", dbd_int(GRP_CASE));
}

/* k = v finds exactly row idx, and it holds v byte for byte in k and s. */
static void ck_row(conf_t *T, const bytes *v, size_t idx, const char *when)
{
    dbd_result *r = query_where(T, DBD_CMP_EQ, "k", v, false);
    int64_t want_i = (int64_t)idx;
    dbd_value want = val(v);
    char what[96];

    snprintf(what, sizeof what, "k = value %s", when);
    if (ck_status(T, r, DBD_OK, "value #%zu: %s", idx, what) &&
        ck_is(T, r, &want_i, 1, what, idx)) {
        ck_value(T, conf_cell(r, 0, "k"), &want,
                 "value #%zu: k reads back byte for byte %s", idx, when);
        ck_value(T, conf_cell(r, 0, "s"), &want,
                 "value #%zu: s reads back byte for byte %s", idx, when);
    }
    dbd_result_destroy(&r);
}

/* --- values: one value through every operation ------------------------ */

static bool insert_value(conf_t *T, const bytes *v, size_t idx,
                         dbd_status st)
{
    dbd_request *q = conf_req(T, DBD_OP_INSERT);
    dbd_result *r;
    bool stored;

    add_row(q, &q->op, v, idx);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    stored = ck_write(T, r, st, 1, "insert", idx) && st == DBD_OK;
    dbd_result_destroy(&r);
    return stored;
}

static void lookups(conf_t *T, const bytes *v, size_t idx, dbd_status st)
{
    static const bytes a = B("a");
    const int64_t sentinel_a = CONF_SENTINEL_I; /* the sentinel "a" */
    const int64_t both[2] = {(int64_t)idx, CONF_SENTINEL_I};
    dbd_value list[2] = {val(v), val(&a)};
    dbd_request *q;
    dbd_result *r;

    if (st == DBD_OK) {
        ck_row(T, v, idx, "after insert");
        r = query_where(T, DBD_CMP_EQ, "s", v, false);
        if (ck_status(T, r, DBD_OK, "value #%zu: s = value", idx))
            ck_is(T, r, both, 1, "s = value", idx);
        dbd_result_destroy(&r);
    } else {
        r = query_where(T, DBD_CMP_EQ, "k", v, false);
        ck_refused_read(T, r, st, NULL, 0, true, "k = value", idx);
        dbd_result_destroy(&r);
    }
    q = conf_req(T, DBD_OP_QUERY);
    conf_where_in(q, &q->op, "k", list, 2);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (st != DBD_OK)
        ck_refused_read(T, r, st, &sentinel_a, 1, true, "k in (value, 'a')",
                        idx);
    else if (ck_status(T, r, DBD_OK, "value #%zu: k in (value, 'a')", idx))
        ck_is(T, r, both, 2, "k in (value, 'a')", idx);
    dbd_result_destroy(&r);
}

static void updates(conf_t *T, const bytes *v, size_t idx, dbd_status st)
{
    dbd_request *q = conf_req(T, DBD_OP_UPDATE);
    dbd_result *r;

    /* The value in the condition. */
    conf_value(q, &q->op, "s", conf_s("changed"));
    conf_where(q, &q->op, "k", DBD_CMP_EQ, val(v));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (st == DBD_OK)
        ck_write(T, r, DBD_OK, 1, "update ... where k = value", idx);
    else
        ck_refused_read(T, r, st, NULL, 0, false,
                        "update ... where k = value", idx);
    dbd_result_destroy(&r);

    /* The value in the SET list: back to itself, or onto a sentinel. */
    q = conf_req(T, DBD_OP_UPDATE);
    conf_value(q, &q->op, "s", val(v));
    if (st == DBD_OK) {
        conf_where(q, &q->op, "i", DBD_CMP_EQ, dbd_int((int64_t)idx));
        conf_where(q, &q->op, "grp", DBD_CMP_EQ, dbd_int(GRP_CASE));
    } else {
        conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("sentinel"));
    }
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_write(T, r, st, 1, "update set s = value", idx);
    dbd_result_destroy(&r);
    if (st == DBD_OK)
        ck_row(T, v, idx, "after update");

    /* replace: the value as the key, updating its own row. */
    q = conf_req(T, DBD_OP_REPLACE);
    add_row(q, &q->op, v, idx);
    conf_key(q, &q->op, "k");
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_write(T, r, st, 1, "replace keyed by k = value", idx);
    dbd_result_destroy(&r);
    if (st == DBD_OK)
        ck_row(T, v, idx, "after replace");
}

/* Every case row but v's own differs from v. */
static void not_equal(conf_t *T, const bytes *v, size_t idx, dbd_status st,
                      const int64_t *stored, size_t nstored)
{
    dbd_result *r = query_where(T, DBD_CMP_NE, "k", v, true);
    int64_t *others = calloc(nstored + 1, sizeof *others);
    size_t n = 0;

    if (others == NULL)
        conf_die("out of memory");
    for (size_t j = 0; j < nstored; j++)
        if (stored[j] != (int64_t)idx)
            others[n++] = stored[j];
    if (st != DBD_OK)
        ck_refused_read(T, r, st, others, n, true, "k <> value", idx);
    else if (ck_status(T, r, DBD_OK, "value #%zu: k <> value", idx))
        ck_is(T, r, others, n, "k <> value (case rows)", idx);
    dbd_result_destroy(&r);
    free(others);
}

static void delete_and_batch(conf_t *T, const bytes *v, size_t idx,
                             dbd_status st)
{
    dbd_request *q = conf_req(T, DBD_OP_DELETE);
    dbd_result *r;
    dbd_op *op;

    conf_where(q, &q->op, "k", DBD_CMP_EQ, val(v));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (st == DBD_OK)
        ck_write(T, r, DBD_OK, 1, "delete where k = value", idx);
    else
        ck_refused_read(T, r, st, NULL, 0, false, "delete where k = value",
                        idx);
    dbd_result_destroy(&r);

    /* Written again through a batch (non-atomic: LDAP has no
     * transactions): insert, update and query with the value. */
    q = conf_req(T, DBD_OP_BATCH);
    q->op.atomic = false;
    op = conf_add_op(q, DBD_OP_INSERT, CONF_TABLE);
    add_row(q, op, v, idx);
    if (st == DBD_OK) {
        /* The insert's s is replaced below, so that the update changes
         * the row (MySQL's drivers may count changed rows only). */
        op->values[1].value = conf_s("batch");
        op = conf_add_op(q, DBD_OP_UPDATE, CONF_TABLE);
        conf_value(q, op, "s", val(v));
        conf_where(q, op, "k", DBD_CMP_EQ, val(v));
        op = conf_add_op(q, DBD_OP_QUERY, CONF_TABLE);
        conf_where(q, op, "k", DBD_CMP_EQ, val(v));
    }
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_write(T, r, st, -1, "batch", idx) &&
        ck_int(T, (long long)dbd_result_nsubs(r), st == DBD_OK ? 3 : 1,
               "value #%zu: batch has a result per operation", idx)) {
        int64_t want_i = (int64_t)idx;

        ck_write(T, dbd_result_sub(r, 0), st, 1, "batch insert", idx);
        if (st == DBD_OK) {
            ck_write(T, dbd_result_sub(r, 1), DBD_OK, 1, "batch update",
                     idx);
            ck_is(T, dbd_result_sub(r, 2), &want_i, 1, "batch query", idx);
        }
    }
    dbd_result_destroy(&r);
    if (st == DBD_OK)
        ck_row(T, v, idx, "after the batch");
}

void case_inject_values(conf_t *T)
{
    conf_print before[CONF_NPRINT], after[CONF_NPRINT];
    int64_t stored[NVALUES];
    size_t nstored = 0;
    dbd_request *q;
    dbd_result *r;

    if (!conf_put_sentinels(T))
        return;
    conf_print_take(T, before);
    for (size_t i = 0; i < NVALUES; i++) {
        dbd_status st = refusal(T, &values[i]);

        if (insert_value(T, &values[i], i, st))
            stored[nstored++] = (int64_t)i;
        lookups(T, &values[i], i, st);
        updates(T, &values[i], i, st);
    }
    for (size_t i = 0; i < NVALUES; i++)
        not_equal(T, &values[i], i, refusal(T, &values[i]), stored,
                  nstored);
    for (size_t i = 0; i < NVALUES; i++)
        delete_and_batch(T, &values[i], i, refusal(T, &values[i]));

    /* The case's own rows go; what is left must be what was there. */
    q = conf_req(T, DBD_OP_DELETE);
    conf_where(q, &q->op, "grp", DBD_CMP_EQ, dbd_int(GRP_CASE));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "delete the case's rows"))
        ck_int(T, dbd_result_affected(r), (long long)nstored,
               "exactly the %zu rows stored", nstored);
    dbd_result_destroy(&r);
    conf_print_take(T, after);
    conf_print_compare(T, before, after);
}
