/*
 * cases_batch.c - batches: a non-atomic batch runs every sub-operation on
 * its own (a failing one does not stop the rest); an atomic batch is all
 * or nothing (a failing third operation leaves the first two undone).
 * Without the transaction capability the runner checks that dbd refuses
 * an atomic batch with UNSUPPORTED.
 */
#include "conf.h"

static void add_insert(dbd_request *q, const char *k, int64_t i)
{
    dbd_op *op = conf_add_op(q, DBD_OP_INSERT, CONF_TABLE);

    conf_value(q, op, "k", conf_s(k));
    conf_value(q, op, "i", dbd_int(i));
}

/* An insert that cannot succeed: a missing column. */
static void add_bad_insert(dbd_request *q, const char *k)
{
    dbd_op *op = conf_add_op(q, DBD_OP_INSERT, CONF_TABLE);

    conf_value(q, op, "k", conf_s(k));
    conf_value(q, op, "no_such_column", dbd_int(1));
}

static void check_sub(conf_t *T, const dbd_result *r, size_t i,
                      dbd_status want, int64_t affected)
{
    const dbd_result *sub = dbd_result_sub(r, i);

    if (ck_status(T, sub, want, "operation %zu: %s", i + 1,
                  dbd_status_name(want)) &&
        want == DBD_OK && affected >= 0)
        ck_int(T, dbd_result_affected(sub), affected,
               "operation %zu: affected %lld", i + 1, (long long)affected);
}

static void check_keys(conf_t *T, const char *const *want, size_t n,
                       const char *what)
{
    dbd_request *q = conf_req(T, DBD_OP_QUERY);
    dbd_result *r = conf_call(T, &q, CONF_TIMEOUT_MS);

    ck_keys(T, r, want, n, false, "%s", what);
    dbd_result_destroy(&r);
}

void case_batch(conf_t *T)
{
    dbd_request *q = conf_req(T, DBD_OP_BATCH);
    dbd_result *r;
    dbd_op *op;
    dbd_value want = dbd_int(5);

    q->op.atomic = false;
    add_insert(q, "ba:1", 1);
    add_insert(q, "ba:2", 2);
    op = conf_add_op(q, DBD_OP_UPDATE, CONF_TABLE);
    conf_value(q, op, "i", dbd_int(5));
    conf_where(q, op, "k", DBD_CMP_EQ, conf_s("ba:1"));
    op = conf_add_op(q, DBD_OP_DELETE, CONF_TABLE);
    conf_where(q, op, "k", DBD_CMP_EQ, conf_s("ba:2"));
    op = conf_add_op(q, DBD_OP_QUERY, CONF_TABLE);
    conf_where(q, op, "k", DBD_CMP_EQ, conf_s("ba:1"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "non-atomic batch of five operations") &&
        ck_int(T, (long long)dbd_result_nsubs(r), 5, "one result each")) {
        for (size_t i = 0; i < 4; i++)
            check_sub(T, r, i, DBD_OK, 1);
        check_sub(T, r, 4, DBD_OK, -1);
        ck_int(T, (long long)dbd_result_nrows(dbd_result_sub(r, 4)), 1,
               "the query in the batch sees the insert and update");
        ck_value(T, conf_cell(dbd_result_sub(r, 4), 0, "i"), &want,
                 "with the updated value");
    }
    dbd_result_destroy(&r);
    check_keys(T, (const char *const[]){"ba:1"}, 1, "the batch's effects");

    /* A failing operation in the middle does not stop the others. */
    q = conf_req(T, DBD_OP_BATCH);
    q->op.atomic = false;
    add_insert(q, "ba:3", 3);
    add_bad_insert(q, "ba:4");
    add_insert(q, "ba:5", 5);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_NOTFOUND, "non-atomic batch reports the failure") &&
        ck_int(T, (long long)dbd_result_nsubs(r), 3, "every operation ran")) {
        check_sub(T, r, 0, DBD_OK, 1);
        check_sub(T, r, 1, DBD_NOTFOUND, -1);
        check_sub(T, r, 2, DBD_OK, 1);
    }
    dbd_result_destroy(&r);
    check_keys(T, (const char *const[]){"ba:1", "ba:3", "ba:5"}, 3,
               "the good operations were kept");
}

void case_batch_atomic(conf_t *T)
{
    bool unique = (T->ds->caps & DBD_CAP_UNIQUE) != 0;
    bool writes = (T->ds->caps & (DBD_CAP_UPDATE | DBD_CAP_DELETE)) ==
                  (DBD_CAP_UPDATE | DBD_CAP_DELETE);
    dbd_status fail_st = unique ? DBD_CONSTRAINT : DBD_NOTFOUND;
    const char *fail_what = unique ? "a duplicate k" : "a missing column";
    dbd_request *q = conf_req(T, DBD_OP_BATCH);
    dbd_result *r;
    dbd_op *op;
    dbd_value want;

    add_insert(q, "at:1", 1);
    add_insert(q, "at:2", 2);
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "atomic batch of two inserts"))
        ck_int(T, (long long)dbd_result_nsubs(r), 2, "one result each");
    dbd_result_destroy(&r);
    check_keys(T, (const char *const[]){"at:1", "at:2"}, 2, "both committed");

    q = conf_req(T, DBD_OP_BATCH);
    add_insert(q, "at:3", 3);
    add_insert(q, "at:4", 4);
    if (unique)
        add_insert(q, "at:3", 5);
    else
        add_bad_insert(q, "at:5");
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, fail_st, "third insert fails (%s)", fail_what) &&
        ck_int(T, (long long)dbd_result_nsubs(r), 3,
               "results up to the failing operation")) {
        check_sub(T, r, 0, DBD_OK, 1);
        check_sub(T, r, 1, DBD_OK, 1);
        check_sub(T, r, 2, fail_st, -1);
    }
    dbd_result_destroy(&r);
    check_keys(T, (const char *const[]){"at:1", "at:2"}, 2,
               "the first two inserts were undone");

    if (!writes)
        return;
    q = conf_req(T, DBD_OP_BATCH);
    op = conf_add_op(q, DBD_OP_UPDATE, CONF_TABLE);
    conf_value(q, op, "i", dbd_int(99));
    conf_where(q, op, "k", DBD_CMP_EQ, conf_s("at:1"));
    op = conf_add_op(q, DBD_OP_DELETE, CONF_TABLE);
    conf_where(q, op, "k", DBD_CMP_EQ, conf_s("at:2"));
    if (unique)
        add_insert(q, "at:1", 6);
    else
        add_bad_insert(q, "at:6");
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ck_status(T, r, fail_st, "update, delete, failing insert (%s)",
              fail_what);
    dbd_result_destroy(&r);
    check_keys(T, (const char *const[]){"at:1", "at:2"}, 2,
               "the delete was undone");
    r = conf_get(T, "at:1");
    want = dbd_int(1);
    ck_value(T, conf_cell(r, 0, "i"), &want, "the update was undone");
    dbd_result_destroy(&r);
}
