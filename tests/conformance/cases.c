/*
 * cases.c - the one list of cases, run unchanged against every
 * datasource, in this order.  `needs` names the capabilities a case cannot
 * run without; the runner skips it (checking UNSUPPORTED) when one is
 * missing.  Cases that only compare sets of rows do not need `order`: the
 * suite sorts them itself.
 */
#include "conf.h"

#define Q DBD_CAP_QUERY
#define I DBD_CAP_INSERT
#define U DBD_CAP_UPDATE
#define D DBD_CAP_DELETE

const conf_case conf_cases[] = {
    {"kamailio tables", Q, case_kamailio_tables},
    {"kamailio version rows", Q, case_kamailio_version},
    {"kamailio subscriber row", Q | I | D, case_kamailio_subscriber},
    {"insert", Q | I, case_insert},
    {"query", Q | I, case_query},
    {"update", Q | I | U, case_update},
    {"delete", Q | I | D, case_delete},
    {"replace", Q | DBD_CAP_REPLACE, case_replace},
    {"unique key", Q | I | U | DBD_CAP_UNIQUE, case_unique},
    {"batch", Q | I | U | D, case_batch},
    {"atomic batch", Q | I | DBD_CAP_TRANSACTION, case_batch_atomic},
    {"type null", Q | I, case_type_null},
    {"type int64", Q | I, case_type_int},
    {"type double", Q | I, case_type_double},
    {"type string", Q | I, case_type_string},
    {"type blob", Q | I, case_type_blob},
    {"type datetime", Q | I, case_type_datetime},
    {"operators", Q | I, case_operators},
    {"operator &", Q | I | DBD_CAP_BITAND, case_bitand},
    {"order by", Q | I | DBD_CAP_ORDER, case_order},
    {"order by with NULLs", Q | I | DBD_CAP_ORDER, case_order_nulls},
    {"limit offset", Q | I | DBD_CAP_ORDER | DBD_CAP_LIMIT, case_limit},
    {"literal values", Q | I | U | D, case_literal},
    {"injection values", Q | I | U | D | DBD_CAP_REPLACE, case_inject_values},
    {"injection identifiers", Q | I | D, case_inject_idents},
    {"concurrent writers", Q | I, case_concurrent},
    {"100000-row stream", Q | I | D, case_stream},
};

const size_t conf_ncases = sizeof conf_cases / sizeof conf_cases[0];
