/*
 * helpers.c - building and running the suite's requests: a failed builder
 * call can only mean memory ran out, so it ends the program rather than
 * burdening every case with checks.
 */
#include "conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void conf_die(const char *what)
{
    fprintf(stderr, "test_conformance: %s\n", what);
    printf("Bail out! %s\n", what);
    exit(2);
}

static void need(int rc, const char *what)
{
    if (rc != 0)
        conf_die(what);
}

dbd_value conf_s(const char *s)
{
    return dbd_string(s, strlen(s));
}

dbd_request *conf_req_on(conf_t *T, dbd_op_kind kind, const char *table)
{
    dbd_request *q = dbd_request_new(kind, T->ds->name, table);

    if (q == NULL)
        conf_die("dbd_request_new failed");
    return q;
}

dbd_request *conf_req(conf_t *T, dbd_op_kind kind)
{
    return conf_req_on(T, kind, kind == DBD_OP_BATCH ? NULL : CONF_TABLE);
}

dbd_result *conf_call(conf_t *T, dbd_request **pq, int timeout_ms)
{
    dbd_result *r = dbd_call(T->c, *pq, timeout_ms);

    dbd_request_destroy(pq);
    if (r == NULL)
        conf_die("dbd_call: out of memory");
    return r;
}

dbd_op *conf_add_op(dbd_request *q, dbd_op_kind kind, const char *table)
{
    dbd_op *op = dbd_request_add_op(q, kind, table);

    if (op == NULL)
        conf_die("dbd_request_add_op failed");
    return op;
}

void conf_where(dbd_request *q, dbd_op *op, const char *col, dbd_cmp cmp,
                dbd_value v)
{
    need(dbd_op_add_where(q, op, col, cmp, &v), "dbd_op_add_where failed");
}

void conf_where_null(dbd_request *q, dbd_op *op, const char *col,
                     bool is_null)
{
    need(dbd_op_add_where(q, op, col,
                          is_null ? DBD_CMP_ISNULL : DBD_CMP_NOTNULL, NULL),
         "dbd_op_add_where failed");
}

void conf_where_in(dbd_request *q, dbd_op *op, const char *col,
                   const dbd_value *list, size_t n)
{
    need(dbd_op_add_where_in(q, op, col, list, n),
         "dbd_op_add_where_in failed");
}

void conf_value(dbd_request *q, dbd_op *op, const char *col, dbd_value v)
{
    need(dbd_op_add_value(q, op, col, &v), "dbd_op_add_value failed");
}

void conf_column(dbd_request *q, dbd_op *op, const char *col)
{
    need(dbd_op_add_column(q, op, col), "dbd_op_add_column failed");
}

void conf_order(dbd_request *q, dbd_op *op, const char *col, bool desc)
{
    need(dbd_op_add_order(q, op, col, desc), "dbd_op_add_order failed");
}

void conf_key(dbd_request *q, dbd_op *op, const char *col)
{
    need(dbd_op_add_key(q, op, col), "dbd_op_add_key failed");
}

void conf_row_values(dbd_request *q, dbd_op *op, const conf_row *row,
                     bool omit_nulls)
{
    const struct {
        const char *name;
        const dbd_value *v;
    } cols[] = {{"grp", &row->grp}, {"i", &row->i},  {"d", &row->d},
                {"s", &row->s},     {"b", &row->b},  {"dt", &row->dt}};

    conf_value(q, op, "k", conf_s(row->k));
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (!omit_nulls || cols[i].v->type != DBD_TYPE_NULL)
            conf_value(q, op, cols[i].name, *cols[i].v);
}

bool conf_put(conf_t *T, const conf_row *rows, size_t n)
{
    bool ok = true;

    for (size_t i = 0; i < n; i++) {
        dbd_request *q = conf_req(T, DBD_OP_INSERT);
        dbd_result *r;

        conf_row_values(q, &q->op, &rows[i], true);
        r = conf_call(T, &q, CONF_TIMEOUT_MS);
        if (dbd_result_status(r) != DBD_OK) {
            ck_status(T, r, DBD_OK, "set-up: insert k=\"%s\"", rows[i].k);
            ok = false;
        }
        dbd_result_destroy(&r);
    }
    return ok;
}

dbd_result *conf_get(conf_t *T, const char *k)
{
    dbd_request *q = conf_req(T, DBD_OP_QUERY);

    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s(k));
    return conf_call(T, &q, CONF_TIMEOUT_MS);
}

bool conf_clear(conf_t *T)
{
    dbd_request *q = conf_req(T, DBD_OP_DELETE);
    dbd_result *r = conf_call(T, &q, CONF_LONG_TIMEOUT_MS);
    bool ok = dbd_result_status(r) == DBD_OK;

    if (!ok)
        ck_status(T, r, DBD_OK, "set-up: delete every row of conf");
    dbd_result_destroy(&r);
    return ok;
}

const dbd_value *conf_cell(const dbd_result *r, size_t row, const char *col)
{
    long c = dbd_result_col_index(r, col);

    return c < 0 ? NULL : dbd_result_value(r, row, (size_t)c);
}

uint64_t conf_chunks(const dbd_client *c)
{
    dbd_client_stats st;

    dbd_client_get_stats(c, &st);
    return st.chunks;
}
