/*
 * cases_where.c - conditions, ordering and paging: every operator with
 * SQL's NULL semantics (a comparison with NULL, or of a NULL column,
 * matches nothing; "in" ignores NULL elements), & on its own capability,
 * ORDER BY two keys with directions, LIMIT and OFFSET.
 */
#include "conf.h"

#include <stdio.h>

#define DT(sec) dbd_datetime((int64_t)(sec) * 1000000)

/* The rows of the operator cases. */
static bool put_op_rows(conf_t *T)
{
    const conf_row rows[] = {
        {.k = "opA", .grp = dbd_int(1), .i = dbd_int(10),
         .d = dbd_double(1.5), .s = conf_s("x"), .dt = DT(946684800)},
        {.k = "opB", .grp = dbd_int(2), .i = dbd_int(20),
         .d = dbd_double(2.5), .dt = DT(1262304000)},
        {.k = "opC", .grp = dbd_int(3), .d = dbd_double(-1.0),
         .s = conf_s("y")},
        {.k = "opD", .i = dbd_int(30), .s = conf_s("x"), .dt = DT(-315619200)},
        {.k = "opE", .grp = dbd_int(6), .i = dbd_int(-5),
         .d = dbd_double(0.0), .s = conf_s("z"), .dt = DT(4102444800)},
    };
    return conf_put(T, rows, sizeof rows / sizeof rows[0]);
}

typedef struct cond {
    const char *col;
    dbd_cmp cmp;
    dbd_value v;
} cond;

/* Queries with up to two conditions and compares the set of k. */
static void expect(conf_t *T, const char *what, const cond *c, size_t nc,
                   const char *const *want, size_t nwant)
{
    dbd_request *q = conf_req(T, DBD_OP_QUERY);
    dbd_result *r;

    for (size_t i = 0; i < nc; i++) {
        if (c[i].cmp == DBD_CMP_ISNULL || c[i].cmp == DBD_CMP_NOTNULL)
            conf_where_null(q, &q->op, c[i].col, c[i].cmp == DBD_CMP_ISNULL);
        else
            conf_where(q, &q->op, c[i].col, c[i].cmp, c[i].v);
    }
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_keys(T, r, want, nwant, false, "%s", what);
    dbd_result_destroy(&r);
}

#define C1(col, cmp, v) (const cond[]){{col, cmp, v}}, 1
#define KEYS(...) (const char *const[]){__VA_ARGS__}, \
    sizeof (const char *const[]){__VA_ARGS__} / sizeof(const char *)
#define NONE NULL, 0

static void expect_in(conf_t *T, const char *what, const char *col,
                      const dbd_value *list, size_t n,
                      const char *const *want, size_t nwant)
{
    dbd_request *q = conf_req(T, DBD_OP_QUERY);
    dbd_result *r;

    conf_where_in(q, &q->op, col, list, n);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_keys(T, r, want, nwant, false, "%s", what);
    dbd_result_destroy(&r);
}

void case_operators(conf_t *T)
{
    const dbd_value in1[] = {dbd_int(10), dbd_int(30), dbd_int(99)};
    const dbd_value in2[] = {dbd_null(), dbd_int(20)};
    const dbd_value in3[] = {conf_s("opA"), conf_s("opE"), conf_s("nope")};
    const dbd_value null = dbd_null();

    if (!put_op_rows(T))
        return;
    expect(T, "i = 20", C1("i", DBD_CMP_EQ, dbd_int(20)), KEYS("opB"));
    expect(T, "i <> 20 (NULL i excluded)", C1("i", DBD_CMP_NE, dbd_int(20)),
           KEYS("opA", "opD", "opE"));
    expect(T, "i < 20", C1("i", DBD_CMP_LT, dbd_int(20)), KEYS("opA", "opE"));
    expect(T, "i > 10", C1("i", DBD_CMP_GT, dbd_int(10)), KEYS("opB", "opD"));
    expect(T, "i <= 10", C1("i", DBD_CMP_LE, dbd_int(10)),
           KEYS("opA", "opE"));
    expect(T, "i >= 20", C1("i", DBD_CMP_GE, dbd_int(20)),
           KEYS("opB", "opD"));
    expect_in(T, "i in (10, 30, 99)", "i", in1, 3, KEYS("opA", "opD"));
    expect_in(T, "i in (NULL, 20) (a NULL element matches nothing)", "i", in2,
              2, KEYS("opB"));
    expect_in(T, "k in ('opA', 'opE', 'nope')", "k", in3, 3,
              KEYS("opA", "opE"));
    expect(T, "i IS NULL", C1("i", DBD_CMP_ISNULL, null), KEYS("opC"));
    expect(T, "i IS NOT NULL", C1("i", DBD_CMP_NOTNULL, null),
           KEYS("opA", "opB", "opD", "opE"));
    expect(T, "s IS NULL", C1("s", DBD_CMP_ISNULL, null), KEYS("opB"));
    expect(T, "i = NULL matches nothing", C1("i", DBD_CMP_EQ, null), NONE);
    expect(T, "i <> NULL matches nothing", C1("i", DBD_CMP_NE, null), NONE);
    expect(T, "i < NULL matches nothing", C1("i", DBD_CMP_LT, null), NONE);
    expect(T, "s = 'x'", C1("s", DBD_CMP_EQ, conf_s("x")),
           KEYS("opA", "opD"));
    expect(T, "s <> 'x' (NULL s excluded)", C1("s", DBD_CMP_NE, conf_s("x")),
           KEYS("opC", "opE"));
    expect(T, "k < 'opC'", C1("k", DBD_CMP_LT, conf_s("opC")),
           KEYS("opA", "opB"));
    expect(T, "k >= 'opD'", C1("k", DBD_CMP_GE, conf_s("opD")),
           KEYS("opD", "opE"));
    expect(T, "d > 0.0", C1("d", DBD_CMP_GT, dbd_double(0.0)),
           KEYS("opA", "opB"));
    expect(T, "d <= 0.0", C1("d", DBD_CMP_LE, dbd_double(0.0)),
           KEYS("opC", "opE"));
    expect(T, "dt < 2005-01-01", C1("dt", DBD_CMP_LT, DT(1104537600)),
           KEYS("opA", "opD"));
    expect(T, "dt >= 2010-01-01", C1("dt", DBD_CMP_GE, DT(1262304000)),
           KEYS("opB", "opE"));
    expect(T, "grp >= 2 and i IS NOT NULL",
           (const cond[]){{"grp", DBD_CMP_GE, dbd_int(2)},
                          {"i", DBD_CMP_NOTNULL, null}},
           2, KEYS("opB", "opE"));
    expect(T, "s = 'x' and i > 10",
           (const cond[]){{"s", DBD_CMP_EQ, conf_s("x")},
                          {"i", DBD_CMP_GT, dbd_int(10)}},
           2, KEYS("opD"));
}

void case_bitand(conf_t *T)
{
    if (!put_op_rows(T))
        return;
    expect(T, "grp & 2 (NULL grp excluded)",
           C1("grp", DBD_CMP_BITAND, dbd_int(2)), KEYS("opB", "opC", "opE"));
    expect(T, "grp & 1", C1("grp", DBD_CMP_BITAND, dbd_int(1)),
           KEYS("opA", "opC"));
    expect(T, "grp & 8 matches nothing",
           C1("grp", DBD_CMP_BITAND, dbd_int(8)), NONE);
    expect(T, "i & 4 with a negative i",
           C1("i", DBD_CMP_BITAND, dbd_int(4)), KEYS("opB", "opD"));
}

/* o1..o6 with (grp, i): no ties on (grp, i), ties on grp alone. */
static bool put_order_rows(conf_t *T)
{
    const conf_row rows[] = {
        {.k = "o1", .grp = dbd_int(1), .i = dbd_int(5)},
        {.k = "o2", .grp = dbd_int(2), .i = dbd_int(7)},
        {.k = "o3", .grp = dbd_int(1), .i = dbd_int(9)},
        {.k = "o4", .grp = dbd_int(2), .i = dbd_int(3)},
        {.k = "o5", .grp = dbd_int(3), .i = dbd_int(5)},
        {.k = "o6", .grp = dbd_int(1), .i = dbd_int(1)},
    };
    return conf_put(T, rows, sizeof rows / sizeof rows[0]);
}

typedef struct page {
    const char *col1;
    bool desc1;
    const char *col2;
    bool desc2;
    int64_t limit, offset; /* limit -1: none */
    const cond *where;     /* one condition or NULL */
} page;

static void expect_page(conf_t *T, const char *what, page p,
                        const char *const *want, size_t nwant)
{
    dbd_request *q = conf_req(T, DBD_OP_QUERY);
    dbd_result *r;

    if (p.where != NULL)
        conf_where(q, &q->op, p.where->col, p.where->cmp, p.where->v);
    conf_order(q, &q->op, p.col1, p.desc1);
    if (p.col2 != NULL)
        conf_order(q, &q->op, p.col2, p.desc2);
    if (p.limit >= 0 || p.offset > 0)
        dbd_op_set_limit(&q->op, p.limit, p.offset);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_keys(T, r, want, nwant, true, "%s", what);
    dbd_result_destroy(&r);
}

void case_order(conf_t *T)
{
    const cond grp1 = {"grp", DBD_CMP_EQ, dbd_int(1)};

    if (!put_order_rows(T))
        return;
    expect_page(T, "order by grp asc, i desc",
                (page){"grp", false, "i", true, -1, 0, NULL},
                KEYS("o3", "o1", "o6", "o2", "o4", "o5"));
    expect_page(T, "order by grp desc, i asc",
                (page){"grp", true, "i", false, -1, 0, NULL},
                KEYS("o5", "o4", "o2", "o6", "o1", "o3"));
    expect_page(T, "order by i asc, k desc",
                (page){"i", false, "k", true, -1, 0, NULL},
                KEYS("o6", "o4", "o5", "o1", "o2", "o3"));
    expect_page(T, "order by k desc",
                (page){"k", true, NULL, false, -1, 0, NULL},
                KEYS("o6", "o5", "o4", "o3", "o2", "o1"));
    expect_page(T, "grp = 1 order by i desc",
                (page){"i", true, NULL, false, -1, 0, &grp1},
                KEYS("o3", "o1", "o6"));
}

/* NULL sorts before every value: first ascending, last descending, on
 * every backend (PostgreSQL sorts it high unless told). */
void case_order_nulls(conf_t *T)
{
    const conf_row rows[] = {
        {.k = "n1", .grp = dbd_null(), .i = dbd_int(4)},
        {.k = "n2", .grp = dbd_int(2), .i = dbd_int(1)},
        {.k = "n3", .grp = dbd_null(), .i = dbd_int(2)},
        {.k = "n4", .grp = dbd_int(1), .i = dbd_int(3)},
    };

    if (!conf_put(T, rows, sizeof rows / sizeof rows[0]))
        return;
    expect_page(T, "order by grp asc (NULLs first), i asc",
                (page){"grp", false, "i", false, -1, 0, NULL},
                KEYS("n3", "n1", "n4", "n2"));
    expect_page(T, "order by grp desc (NULLs last), i asc",
                (page){"grp", true, "i", false, -1, 0, NULL},
                KEYS("n2", "n4", "n3", "n1"));
    expect_page(T, "order by grp asc, i desc limit 1 is a NULL row",
                (page){"grp", false, "i", true, 1, 0, NULL}, KEYS("n1"));
    expect_page(T, "order by grp desc limit 2 offset 1 crosses to NULLs",
                (page){"grp", true, "i", true, 2, 1, NULL},
                KEYS("n4", "n1"));
}

void case_limit(conf_t *T)
{
    const cond grp2 = {"grp", DBD_CMP_EQ, dbd_int(2)};

    if (!put_order_rows(T))
        return;
    /* order by i, k: o6 o4 o1 o5 o2 o3 */
    expect_page(T, "limit 2", (page){"i", false, "k", false, 2, 0, NULL},
                KEYS("o6", "o4"));
    expect_page(T, "limit 2 offset 1",
                (page){"i", false, "k", false, 2, 1, NULL}, KEYS("o4", "o1"));
    expect_page(T, "limit 10 offset 4",
                (page){"i", false, "k", false, 10, 4, NULL},
                KEYS("o2", "o3"));
    expect_page(T, "limit 3 offset 6 is empty",
                (page){"i", false, "k", false, 3, 6, NULL}, NONE);
    expect_page(T, "limit 0 is empty",
                (page){"i", false, "k", false, 0, 0, NULL}, NONE);
    expect_page(T, "offset 3 without limit",
                (page){"i", false, "k", false, -1, 3, NULL},
                KEYS("o5", "o2", "o3"));
    expect_page(T, "grp = 2 order by i limit 1",
                (page){"i", false, NULL, false, 1, 0, &grp2}, KEYS("o4"));
}
