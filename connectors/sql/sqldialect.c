/* sqldialect.c - the dialects of the SQL backends dbd speaks to. */
#include "sqlbuild.h"

const dbd_sql_dialect dbd_sql_dialect_sqlite = {
    .name = "sqlite",
    .quote_open = "\"",
    .quote_close = "\"",
    .placeholder = DBD_SQL_PLACEHOLDER_QMARK,
    .upsert = DBD_SQL_UPSERT_ON_CONFLICT,
    .limit = DBD_SQL_LIMIT_OFFSET,
    .no_limit = "-1",
};

const dbd_sql_dialect dbd_sql_dialect_postgresql = {
    .name = "postgresql",
    .quote_open = "\"",
    .quote_close = "\"",
    .placeholder = DBD_SQL_PLACEHOLDER_DOLLAR,
    .upsert = DBD_SQL_UPSERT_ON_CONFLICT,
    .limit = DBD_SQL_LIMIT_OFFSET,
    .no_limit = NULL, /* OFFSET alone is valid */
    .nulls = DBD_SQL_NULLS_HIGH,
};

const dbd_sql_dialect dbd_sql_dialect_mysql = {
    .name = "mysql",
    .quote_open = "`",
    .quote_close = "`",
    .placeholder = DBD_SQL_PLACEHOLDER_QMARK,
    .upsert = DBD_SQL_UPSERT_ON_DUPLICATE,
    .limit = DBD_SQL_LIMIT_OFFSET,
    .no_limit = "18446744073709551615", /* the documented "all rows" */
};
