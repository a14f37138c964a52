/*
 * cases_types.c - every value type round-trips exactly: NULL (written
 * explicitly and left out), int64 extremes, doubles (the sign of -0.0,
 * 1e308, the smallest subnormal), strings (empty, 4-byte UTF-8, 64 and
 * 128 KiB), blobs with NUL bytes (64 KiB), datetimes before 1970 and after
 * 2038.  Only where a backend's format cannot hold a value (expect.c) is
 * the documented substitute expected, and the TAP name says so.
 */
#include "conf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes k with col = v, reads the row back and compares col with want. */
static void round_trip(conf_t *T, const char *k, const char *col,
                       dbd_value v, dbd_value want, const char *what)
{
    dbd_request *q = conf_req(T, DBD_OP_INSERT);
    dbd_result *r;

    conf_value(q, &q->op, "k", conf_s(k));
    conf_value(q, &q->op, col, v);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (!ck_status(T, r, DBD_OK, "insert %s", what))
        goto out;
    dbd_result_destroy(&r);
    r = conf_get(T, k);
    if (ck_status(T, r, DBD_OK, "read back %s", what) &&
        ck_int(T, (long long)dbd_result_nrows(r), 1, "one row for %s", what))
        ck_value(T, conf_cell(r, 0, col), &want, "%s round-trips", what);
out:
    dbd_result_destroy(&r);
}

/* col = v finds exactly the row k. */
static void lookup(conf_t *T, const char *col, dbd_value v, const char *k,
                   const char *what)
{
    dbd_request *q = conf_req(T, DBD_OP_QUERY);
    dbd_result *r;

    conf_where(q, &q->op, col, DBD_CMP_EQ, v);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_keys(T, r, &k, 1, false, "%s = %s finds exactly its row", col, what);
    dbd_result_destroy(&r);
}

void case_type_null(conf_t *T)
{
    static const char *const cols[] = {"grp", "i", "d", "s", "b", "dt"};
    static const dbd_type types[] = {DBD_TYPE_INT,    DBD_TYPE_INT,
                                     DBD_TYPE_DOUBLE, DBD_TYPE_STRING,
                                     DBD_TYPE_BLOB,   DBD_TYPE_DATETIME};
    const conf_row row = {.k = "nl:explicit"};
    dbd_request *q = conf_req(T, DBD_OP_INSERT);
    dbd_result *r;
    dbd_value null = dbd_null();

    conf_row_values(q, &q->op, &row, false); /* every NULL written */
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_status(T, r, DBD_OK, "insert with explicit NULLs");
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_INSERT);
    conf_value(q, &q->op, "k", conf_s("nl:omitted"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_status(T, r, DBD_OK, "insert with only k");
    dbd_result_destroy(&r);

    for (int pass = 0; pass < 2; pass++) {
        const char *k = pass == 0 ? "nl:explicit" : "nl:omitted";

        r = conf_get(T, k);
        if (ck_int(T, (long long)dbd_result_nrows(r), 1, "%s: one row", k))
            for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
                ck_value(T, conf_cell(r, 0, cols[i]), &null,
                         "%s: %s is NULL", k, cols[i]);
        /* A NULL cell still has its column's type in the reply. */
        for (size_t i = 0; pass == 0 && i < sizeof cols / sizeof cols[0];
             i++) {
            long c = dbd_result_col_index(r, cols[i]);
            ck_int(T, c >= 0 ? (long long)dbd_result_col_type(r, (size_t)c)
                             : -1,
                   types[i], "column %s has type %s", cols[i],
                   dbd_type_name(types[i]));
        }
        dbd_result_destroy(&r);
    }
}

void case_type_int(conf_t *T)
{
    static const int64_t values[] = {INT64_MIN, INT64_MAX, 0, -1,
                                     (INT64_C(1) << 53) + 1,
                                     -(INT64_C(1) << 53) - 1};
    char k[32], what[64];

    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        snprintf(k, sizeof k, "int:%zu", i);
        snprintf(what, sizeof what, "i %" PRId64, values[i]);
        round_trip(T, k, "i", dbd_int(values[i]), dbd_int(values[i]), what);
        snprintf(what, sizeof what, "%" PRId64, values[i]);
        lookup(T, "i", dbd_int(values[i]), k, what);
    }
    round_trip(T, "int:grp", "grp", dbd_int(INT64_MAX), dbd_int(INT64_MAX),
               "grp INT64_MAX");
}

void case_type_double(conf_t *T)
{
    static const struct {
        double d;
        const char *name;
    } values[] = {
        {1e308, "1e308"},
        {5e-324, "5e-324 (smallest subnormal)"},
        {-1.7976931348623157e308, "-DBL_MAX"},
        {0.1, "0.1"},
        {-2.5, "-2.5"},
        {1.0 / 3.0, "1/3"},
    };
    bool negzero_lost = (T->ds->expect & CONF_EXPECT_NEG_ZERO) != 0;
    char k[32], what[160];

    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        snprintf(k, sizeof k, "dbl:%zu", i);
        snprintf(what, sizeof what, "d %s", values[i].name);
        round_trip(T, k, "d", dbd_double(values[i].d),
                   dbd_double(values[i].d), what);
    }
    lookup(T, "d", dbd_double(0.1), "dbl:3", "0.1");
    if (negzero_lost) {
        snprintf(what, sizeof what, "d -0.0 (%s)",
                 conf_expect_why(CONF_EXPECT_NEG_ZERO));
        round_trip(T, "dbl:negzero", "d", dbd_double(-0.0), dbd_double(0.0),
                   what);
    } else {
        round_trip(T, "dbl:negzero", "d", dbd_double(-0.0), dbd_double(-0.0),
                   "d -0.0 keeps its sign bit");
    }
}

/* len bytes of valid UTF-8 mixing 1- to 4-byte characters (malloc'ed,
 * NUL-terminated). */
static char *long_text(size_t len)
{
    static const char *const pieces[] = {"abc ", "\xc3\xbc", "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80", "'\";\\%*() ",
                                         "0123456789"};
    char *s = malloc(len + 1);
    size_t n = 0;

    if (s == NULL)
        conf_die("out of memory");
    for (size_t i = 0;; i++) {
        const char *p = pieces[i % (sizeof pieces / sizeof pieces[0])];
        size_t pl = strlen(p);
        if (n + pl > len)
            break;
        memcpy(s + n, p, pl);
        n += pl;
    }
    memset(s + n, 'x', len - n);
    s[len] = '\0';
    return s;
}

void case_type_string(conf_t *T)
{
    static const char utf8[] = "Gr\xc3\xbc\xc3\x9f" "e \xe4\xb8\x96\xe7\x95\x8c "
                               "\xf0\x9f\x98\x80\xf0\x9d\x84\x9e \xe2\x9c\x93";
    bool empty_null = (T->ds->expect & CONF_EXPECT_EMPTY_IS_NULL) != 0;
    char what[160];
    char *big;

    if (empty_null) {
        snprintf(what, sizeof what, "s '' (%s)",
                 conf_expect_why(CONF_EXPECT_EMPTY_IS_NULL));
        round_trip(T, "str:empty", "s", conf_s(""), dbd_null(), what);
    } else {
        round_trip(T, "str:empty", "s", conf_s(""), conf_s(""),
                   "s '' is not NULL");
    }
    round_trip(T, "", "i", dbd_int(7), dbd_int(7), "k '' (a NOT NULL column)");
    lookup(T, "k", conf_s(""), "", "''");
    round_trip(T, utf8, "s", conf_s(utf8), conf_s(utf8),
               "UTF-8 with 4-byte characters");
    lookup(T, "k", conf_s(utf8), utf8, "UTF-8 text");
    lookup(T, "s", conf_s(utf8), utf8, "UTF-8 text");

    big = long_text(64 * 1024);
    round_trip(T, "str:64k", "s", conf_s(big), conf_s(big),
               "s of 64 KiB");
    free(big);
    big = long_text(128 * 1024);
    round_trip(T, "str:128k", "s", conf_s(big), conf_s(big),
               "s of 128 KiB");
    free(big);
}

void case_type_blob(conf_t *T)
{
    static const char small[] = {'a', '\0', 'b', '\0'};
    size_t len = 64 * 1024;
    unsigned char *big = malloc(len);

    if (big == NULL)
        conf_die("out of memory");
    /* Every byte value, NULs included, in no simple order. */
    for (size_t i = 0; i < len; i++)
        big[i] = (unsigned char)((i * 131 + i / 256 + 7) & 0xff);
    round_trip(T, "blob:small", "b", dbd_blob(small, sizeof small),
               dbd_blob(small, sizeof small), "b 'a\\0b\\0'");
    round_trip(T, "blob:nul", "b", dbd_blob("", 1), dbd_blob("", 1),
               "b of one NUL byte");
    round_trip(T, "blob:64k", "b", dbd_blob(big, len), dbd_blob(big, len),
               "b of 64 KiB with NUL bytes");
    free(big);
}

void case_type_datetime(conf_t *T)
{
    static const struct {
        const char *text; /* the whole seconds */
        int64_t sec;
        int64_t frac_us;
    } values[] = {
        {"1901-01-01 00:00:00", INT64_C(-2177452800), 1},
        {"1969-12-31 23:59:59", -1, 999999},
        {"1970-01-01 00:00:00", 0, 0},
        {"2024-02-29 12:34:56", INT64_C(1709210096), 789012},
        {"2038-01-19 03:14:08", INT64_C(2147483648), 500000},
        {"2200-12-31 23:59:59", INT64_C(7289654399), 123456},
    };
    bool seconds = (T->ds->expect & CONF_EXPECT_DT_SECONDS) != 0;
    char k[32], what[200];

    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        int64_t us = values[i].sec * 1000000 +
                     (seconds ? 0 : values[i].frac_us);

        snprintf(k, sizeof k, "dt:%zu", i);
        if (seconds)
            snprintf(what, sizeof what, "dt %s (%s)", values[i].text,
                     conf_expect_why(CONF_EXPECT_DT_SECONDS));
        else
            snprintf(what, sizeof what, "dt %s.%06lld", values[i].text,
                     (long long)values[i].frac_us);
        round_trip(T, k, "dt", dbd_datetime(us), dbd_datetime(us), what);
        if (i == 0 || i == 4)
            lookup(T, "dt", dbd_datetime(us), k, values[i].text);
    }
    {
        dbd_request *q = conf_req(T, DBD_OP_QUERY);
        dbd_result *r;

        conf_where(q, &q->op, "dt", DBD_CMP_LT, dbd_datetime(0));
        r = conf_call(T, &q, CONF_TIMEOUT_MS);
        ck_keys(T, r, (const char *const[]){"dt:0", "dt:1"}, 2, false,
                "dt < 1970 finds the two rows before the epoch");
        dbd_result_destroy(&r);
        q = conf_req(T, DBD_OP_QUERY);
        conf_where(q, &q->op, "dt", DBD_CMP_GT,
                   dbd_datetime(INT64_C(2147483647) * 1000000));
        r = conf_call(T, &q, CONF_TIMEOUT_MS);
        ck_keys(T, r, (const char *const[]){"dt:4", "dt:5"}, 2, false,
                "dt > 2038-01-19 03:14:07 finds the two rows after it");
        dbd_result_destroy(&r);
    }
}
