/*
 * cases_literal.c - values holding quote, escape, wildcard and filter
 * syntax are stored and matched literally on every backend: each row's k
 * (and s) is one such value, equality finds exactly that row and no
 * other, and the table is intact afterwards.
 */
#include "conf.h"

static const char *const literals[] = {
    "'", "\"", "\\", ";", "%", "*", "(", ")", ":", "_",
    "a'b", "a\"b", "a\\b", "a%", "%a", "a*", "*a", "a_b", "a?b",
    "x'); DROP TABLE conf; --",
    "x\"); DROP TABLE conf; --",
    "' OR '1'='1",
    "\\'; --",
    "*)(objectClass=*",
    "*)(|(k=*))",
    "(&(k=*)(s=*))",
    "\\2a",
    "\\00",
    "#x",
    "$1",
    "?",
    "a:b:c",
    "line\nbreak",
    "tab\there",
    "a", /* what a wildcard or an injected OR would match too */
    "aa",
    "x",
};

#define NLIT (sizeof literals / sizeof literals[0])

void case_literal(conf_t *T)
{
    dbd_request *q;
    dbd_result *r;
    size_t stored = 0;

    for (size_t i = 0; i < NLIT; i++) {
        q = conf_req(T, DBD_OP_INSERT);
        conf_value(q, &q->op, "k", conf_s(literals[i]));
        conf_value(q, &q->op, "s", conf_s(literals[i]));
        conf_value(q, &q->op, "i", dbd_int((int64_t)i));
        r = conf_call(T, &q, CONF_TIMEOUT_MS);
        if (dbd_result_status(r) == DBD_OK)
            stored++;
        else
            ck_status(T, r, DBD_OK, "insert literal #%zu", i);
        dbd_result_destroy(&r);
    }
    ck_int(T, (long long)stored, (long long)NLIT, "every literal stored");

    for (size_t i = 0; i < NLIT; i++) {
        dbd_value want = conf_s(literals[i]);
        dbd_value idx = dbd_int((int64_t)i);

        q = conf_req(T, DBD_OP_QUERY);
        conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s(literals[i]));
        r = conf_call(T, &q, CONF_TIMEOUT_MS);
        if (ck_keys(T, r, &literals[i], 1, false,
                    "k = literal #%zu finds exactly its row", i)) {
            ck_value(T, conf_cell(r, 0, "s"), &want,
                     "literal #%zu reads back in s", i);
            ck_value(T, conf_cell(r, 0, "i"), &idx,
                     "literal #%zu is the right row", i);
        }
        dbd_result_destroy(&r);

        q = conf_req(T, DBD_OP_QUERY);
        conf_where(q, &q->op, "s", DBD_CMP_EQ, conf_s(literals[i]));
        r = conf_call(T, &q, CONF_TIMEOUT_MS);
        ck_keys(T, r, &literals[i], 1, false,
                "s = literal #%zu finds exactly its row", i);
        dbd_result_destroy(&r);
    }

    /* A change through a literal touches only its row. */
    q = conf_req(T, DBD_OP_UPDATE);
    conf_value(q, &q->op, "grp", dbd_int(1));
    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("*"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "update where k = '*'"))
        ck_int(T, dbd_result_affected(r), 1, "changed one row");
    dbd_result_destroy(&r);
    q = conf_req(T, DBD_OP_DELETE);
    conf_where(q, &q->op, "k", DBD_CMP_EQ, conf_s("%"));
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "delete where k = '%%'"))
        ck_int(T, dbd_result_affected(r), 1, "deleted one row");
    dbd_result_destroy(&r);

    q = conf_req(T, DBD_OP_QUERY);
    conf_column(q, &q->op, "k");
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    if (ck_status(T, r, DBD_OK, "the table is intact"))
        ck_int(T, (long long)dbd_result_nrows(r), (long long)NLIT - 1,
               "with every other row");
    dbd_result_destroy(&r);
}
