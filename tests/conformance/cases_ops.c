/*
 * cases_ops.c - every single operation: insert (with last_id where the
 * connector reports it), query (column choice, empty results, missing
 * table or column), update, delete, replace inserting then updating, and
 * CONSTRAINT on a duplicate unique key.
 */
#include "conf.h"

#include <stdio.h>

static const char *const all_cols[] = {"id", "k", "grp", "i",
                                       "d",  "s", "b",   "dt"};

#define NALL (sizeof all_cols / sizeof all_cols[0])

static int64_t cell_int(const dbd_result *r, size_t row, const char *col)
{
    int64_t v = INT64_MIN;
    long c = dbd_result_col_index(r, col);

    if (c < 0 || dbd_result_get_int64(r, row, (size_t)c, &v) != 0)
        return INT64_MIN;
    return v;
}

static dbd_result *insert_k(conf_t *T, const char *k, int64_t i)
{
    dbd_request *q = conf_req(T, DBD_OP_INSERT);

    conf_value(q, &q->op, "k", conf_s(k));
    conf_value(q, &q->op, "i", dbd_int(i));
    return conf_call(T, &q, CONF_TIMEOUT_MS);
}

void case_insert(conf_t *T)
{
    bool last_id = (T->ds->caps & DBD_CAP_LAST_ID) != 0;
    dbd_result *r = insert_k(T, "in:1", 1), *r2 = NULL, *g = NULL;
    dbd_value want = dbd_int(1);

    if (!ck_status(T, r, DBD_OK, "insert"))
        goto out;
    ck_int(T, dbd_result_affected(r), 1, "affected 1");
    r2 = insert_k(T, "in:2", 2);
    if (!ck_status(T, r2, DBD_OK, "second insert"))
        goto out;
    g = conf_get(T, "in:1");
    if (!ck_status(T, g, DBD_OK, "read back") ||
        !ck_int(T, (long long)dbd_result_nrows(g), 1, "one row"))
        goto out;
    ck_value(T, conf_cell(g, 0, "i"), &want, "i reads back");
    if (last_id) {
        if (!conf_ok(T, dbd_result_last_id(r) > 0, "last_id reported"))
            conf_diag("got %lld, want > 0", (long long)dbd_result_last_id(r));
        ck_int(T, cell_int(g, 0, "id"), dbd_result_last_id(r),
               "last_id is the row's id");
        if (!conf_ok(T, dbd_result_last_id(r2) > dbd_result_last_id(r),
                     "a later insert gets a larger id"))
            conf_diag("got %lld, want > %lld",
                      (long long)dbd_result_last_id(r2),
                      (long long)dbd_result_last_id(r));
    }
    if (!conf_ok(T, cell_int(g, 0, "id") != INT64_MIN,
                 "id is filled in by the backend")) {
        char d[CONF_DESCRIBE_MAX];
        const dbd_value *id = conf_cell(g, 0, "id");
        dbd_value none = dbd_null();
        conf_describe(id != NULL ? id : &none, d);
        conf_diag("got %s, want an int", d);
    }
out:
    dbd_result_destroy(&r);
    dbd_result_destroy(&r2);
    dbd_result_destroy(&g);
}

void case_query(conf_t *T)
{
    const conf_row rows[] = {
        {.k = "qu:a", .grp = dbd_int(1), .i = dbd_int(10)},
        {.k = "qu:b", .grp = dbd_int(2), .i = dbd_int(20)},
    };
    dbd_request *q;
    dbd_result *r = NULL;
    dbd_value want;

    if (!conf_put(T, rows, 2))
        return;
    /* Every column, in table order. */
    r = conf_get(T, "qu:a");
    if (ck_status(T, r, DBD_OK, "query every column") &&
        ck_int(T, (long long)dbd_result_ncols(r), (long long)NALL,
               "every column of conf"))
        for (size_t i = 0; i < NALL; i++)
            ck_str(T, dbd_result_col_name(r, i), all_cols[i],
                   "column %zu is %s", i, all_cols[i]);
    dbd_result_destroy(&r);

    /* Chosen columns, in the order asked for. */
    q = conf_req(T, DBD_OP_QUERY);
    conf_column(q, &q->op, "i");
    conf_column(q, &q->op, "k");
    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("qu:b"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "query two columns") &&
        ck_int(T, (long long)dbd_result_ncols(r), 2, "two columns") &&
        ck_int(T, (long long)dbd_result_nrows(r), 1, "one row")) {
        ck_str(T, dbd_result_col_name(r, 0), "i", "first column i");
        ck_str(T, dbd_result_col_name(r, 1), "k", "second column k");
        want = dbd_int(20);
        ck_value(T, dbd_result_value(r, 0, 0), &want, "i value");
        want = conf_s("qu:b");
        ck_value(T, dbd_result_value(r, 0, 1), &want, "k value");
    }
    dbd_result_destroy(&r);

    /* No where: every row. */
    q = conf_req(T, DBD_OP_QUERY);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_keys(T, r, (const char *const[]){"qu:a", "qu:b"}, 2, false,
            "query without conditions returns every row");
    dbd_result_destroy(&r);

    /* Nothing matches: OK with zero rows, still with its columns. */
    q = conf_req(T, DBD_OP_QUERY);
    conf_column(q, &q->op, "k");
    conf_column(q, &q->op, "i");
    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("qu:none"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "query matching nothing is OK"))
        ck_int(T, (long long)dbd_result_nrows(r), 0, "with zero rows");
    dbd_result_destroy(&r);

    q = conf_req_on(T, DBD_OP_QUERY, "conf_no_such_table");
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_status(T, r, DBD_NOTFOUND, "missing table is NOTFOUND");
    dbd_result_destroy(&r);

    q = conf_req(T, DBD_OP_QUERY);
    conf_column(q, &q->op, "no_such_column");
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_status(T, r, DBD_NOTFOUND, "missing column is NOTFOUND");
    dbd_result_destroy(&r);

    q = conf_req(T, DBD_OP_QUERY);
    conf_where(q, &q->op, "no_such_column", DBD_CMP_EQ, dbd_int(1));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_status(T, r, DBD_NOTFOUND, "condition on a missing column is NOTFOUND");
    dbd_result_destroy(&r);
}

void case_update(conf_t *T)
{
    const conf_row rows[] = {
        {.k = "up:a", .grp = dbd_int(1), .i = dbd_int(10), .s = conf_s("a")},
        {.k = "up:b", .grp = dbd_int(1), .i = dbd_int(20), .s = conf_s("b")},
        {.k = "up:c", .grp = dbd_int(2), .i = dbd_int(30), .s = conf_s("c")},
    };
    dbd_request *q;
    dbd_result *r = NULL;
    dbd_value want;

    if (!conf_put(T, rows, 3))
        return;
    q = conf_req(T, DBD_OP_UPDATE);
    conf_value(q, &q->op, "i", dbd_int(11));
    conf_value(q, &q->op, "s", dbd_null());
    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("up:a"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "update one row"))
        ck_int(T, dbd_result_affected(r), 1, "affected 1");
    dbd_result_destroy(&r);
    r = conf_get(T, "up:a");
    want = dbd_int(11);
    ck_value(T, conf_cell(r, 0, "i"), &want, "new value reads back");
    want = dbd_null();
    ck_value(T, conf_cell(r, 0, "s"), &want, "set to NULL reads back NULL");
    want = dbd_int(1);
    ck_value(T, conf_cell(r, 0, "grp"), &want, "other columns unchanged");
    dbd_result_destroy(&r);
    r = conf_get(T, "up:c");
    want = dbd_int(30);
    ck_value(T, conf_cell(r, 0, "i"), &want, "other rows unchanged");
    dbd_result_destroy(&r);

    q = conf_req(T, DBD_OP_UPDATE);
    conf_value(q, &q->op, "s", conf_s("g1"));
    conf_where(q, &q->op, "grp", DBD_CMP_EQ, dbd_int(1));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "update two rows"))
        ck_int(T, dbd_result_affected(r), 2, "affected 2");
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_QUERY);
    conf_where(q, &q->op, "s", DBD_CMP_EQ, conf_s("g1"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_keys(T, r, (const char *const[]){"up:a", "up:b"}, 2, false,
            "both rows changed");
    dbd_result_destroy(&r);

    q = conf_req(T, DBD_OP_UPDATE);
    conf_value(q, &q->op, "i", dbd_int(0));
    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("up:none"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "update matching nothing is OK"))
        ck_int(T, dbd_result_affected(r), 0, "affected 0");
    dbd_result_destroy(&r);
}

void case_delete(conf_t *T)
{
    const conf_row rows[] = {
        {.k = "de:a", .grp = dbd_int(1)},
        {.k = "de:b", .grp = dbd_int(2)},
        {.k = "de:c", .grp = dbd_int(2)},
    };
    dbd_request *q;
    dbd_result *r;

    if (!conf_put(T, rows, 3))
        return;
    q = conf_req(T, DBD_OP_DELETE);
    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("de:a"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "delete one row"))
        ck_int(T, dbd_result_affected(r), 1, "affected 1");
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_DELETE);
    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("de:a"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "delete matching nothing is OK"))
        ck_int(T, dbd_result_affected(r), 0, "affected 0");
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_QUERY);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_keys(T, r, (const char *const[]){"de:b", "de:c"}, 2, false,
            "the other rows remain");
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_DELETE);
    conf_where(q, &q->op, "grp", DBD_CMP_EQ, dbd_int(2));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "delete two rows"))
        ck_int(T, dbd_result_affected(r), 2, "affected 2");
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_QUERY);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_keys(T, r, NULL, 0, false, "table empty");
    dbd_result_destroy(&r);
}

static dbd_result *replace_k(conf_t *T, const char *k, int64_t i,
                             const char *s)
{
    dbd_request *q = conf_req(T, DBD_OP_REPLACE);

    conf_value(q, &q->op, "k", conf_s(k));
    conf_value(q, &q->op, "i", dbd_int(i));
    if (s != NULL)
        conf_value(q, &q->op, "s", conf_s(s));
    conf_key(q, &q->op, "k");
    return conf_call(T, &q, CONF_TIMEOUT_MS);
}

void case_replace(conf_t *T)
{
    dbd_result *r = replace_k(T, "rp:a", 1, "first"), *g = NULL;
    int64_t id = INT64_MIN;
    dbd_value want;

    if (!ck_status(T, r, DBD_OK, "replace inserts"))
        goto out;
    g = conf_get(T, "rp:a");
    if (!ck_int(T, (long long)dbd_result_nrows(g), 1, "one row after insert"))
        goto out;
    want = dbd_int(1);
    ck_value(T, conf_cell(g, 0, "i"), &want, "inserted value");
    id = cell_int(g, 0, "id");
    dbd_result_destroy(&g);
    dbd_result_destroy(&r);

    r = replace_k(T, "rp:a", 2, NULL);
    if (!ck_status(T, r, DBD_OK, "replace updates"))
        goto out;
    g = conf_get(T, "rp:a");
    if (!ck_int(T, (long long)dbd_result_nrows(g), 1, "still one row"))
        goto out;
    want = dbd_int(2);
    ck_value(T, conf_cell(g, 0, "i"), &want, "updated value");
    want = conf_s("first");
    ck_value(T, conf_cell(g, 0, "s"), &want,
             "a column the replace left out keeps its value");
    ck_int(T, cell_int(g, 0, "id"), id, "the row keeps its id");
    dbd_result_destroy(&g);
    dbd_result_destroy(&r);

    r = replace_k(T, "rp:b", 3, NULL);
    ck_status(T, r, DBD_OK, "replace of another key inserts");
    {
        dbd_request *q = conf_req(T, DBD_OP_QUERY);
        g = conf_call(T, &q, CONF_TIMEOUT_MS);
    }
    ck_keys(T, g, (const char *const[]){"rp:a", "rp:b"}, 2, false,
            "two rows in all");
out:
    dbd_result_destroy(&g);
    dbd_result_destroy(&r);
}

void case_unique(conf_t *T)
{
    dbd_result *r = insert_k(T, "un:a", 1), *g = NULL;
    dbd_request *q;
    dbd_value want;

    if (!ck_status(T, r, DBD_OK, "first insert"))
        goto out;
    dbd_result_destroy(&r);
    r = insert_k(T, "un:a", 2);
    ck_status(T, r, DBD_CONSTRAINT, "duplicate k on insert is CONSTRAINT");
    dbd_result_destroy(&r);
    g = conf_get(T, "un:a");
    if (ck_int(T, (long long)dbd_result_nrows(g), 1, "still one row")) {
        want = dbd_int(1);
        ck_value(T, conf_cell(g, 0, "i"), &want, "the first row unchanged");
    }
    r = insert_k(T, "un:b", 3);
    if (!ck_status(T, r, DBD_OK, "insert another key"))
        goto out;
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_UPDATE);
    conf_value(q, &q->op, "k", conf_s("un:a"));
    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("un:b"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_status(T, r, DBD_CONSTRAINT, "update to a duplicate k is CONSTRAINT");
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_QUERY);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_keys(T, r, (const char *const[]){"un:a", "un:b"}, 2, false,
            "both rows unchanged");
out:
    dbd_result_destroy(&r);
    dbd_result_destroy(&g);
}
