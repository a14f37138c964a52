/*
 * odbc_dbms.c - what stands behind a driver, from SQLGetInfo, and the SQL
 * dialect and quirks that follow.
 *
 * The identifier quote comes from SQL_IDENTIFIER_QUOTE_CHAR (but see
 * SQLite below) and placeholders are always '?'.  The rest is known per
 * DBMS (by SQL_DBMS_NAME): SQLite, PostgreSQL and MySQL/MariaDB take
 * LIMIT ? OFFSET ? and have a native upsert; any other DBMS gets the
 * standard OFFSET/FETCH form and an emulated upsert (UPDATE, then
 * INSERT), and reports no last_id.
 */
#include "odbc_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static void get_text(SQLHDBC dbc, SQLUSMALLINT what, char *out, size_t size)
{
    SQLSMALLINT len = 0;
    out[0] = '\0';
    if (!SQL_SUCCEEDED(SQLGetInfo(dbc, what, out, (SQLSMALLINT)size, &len)))
        out[0] = '\0';
    out[size - 1] = '\0';
}

static SQLUSMALLINT get_usmallint(SQLHDBC dbc, SQLUSMALLINT what,
                                  SQLUSMALLINT fallback)
{
    SQLUSMALLINT v = 0;
    if (!SQL_SUCCEEDED(SQLGetInfo(dbc, what, &v, sizeof v, NULL)))
        return fallback;
    return v;
}

static odbc_dbms_kind kind_of(const char *name)
{
    if (strncasecmp(name, "SQLite", 6) == 0)
        return ODBC_DBMS_SQLITE;
    if (strncasecmp(name, "PostgreSQL", 10) == 0)
        return ODBC_DBMS_POSTGRESQL;
    if (strncasecmp(name, "MySQL", 5) == 0 ||
        strncasecmp(name, "MariaDB", 7) == 0)
        return ODBC_DBMS_MYSQL;
    return ODBC_DBMS_OTHER;
}

/* The dialect the native connectors use, with '?' placeholders. */
static void base_dialect(odbc_dbms *d)
{
    switch (d->kind) {
    case ODBC_DBMS_SQLITE:
        d->dialect = dbd_sql_dialect_sqlite;
        d->last_id = ODBC_LAST_ID_SQLITE;
        break;
    case ODBC_DBMS_POSTGRESQL:
        d->dialect = dbd_sql_dialect_postgresql;
        d->last_id = ODBC_LAST_ID_RETURNING;
        break;
    case ODBC_DBMS_MYSQL:
        d->dialect = dbd_sql_dialect_mysql;
        d->last_id = ODBC_LAST_ID_MYSQL;
        break;
    default:
        d->dialect = dbd_sql_dialect_sqlite;
        d->dialect.upsert = DBD_SQL_UPSERT_NONE;
        d->dialect.limit = DBD_SQL_LIMIT_FETCH;
        d->dialect.no_limit = NULL;
        d->last_id = ODBC_LAST_ID_NONE;
        break;
    }
    d->dialect.placeholder = DBD_SQL_PLACEHOLDER_QMARK;
}

dbd_status odbc_dbms_detect(SQLHDBC dbc, const odbc_opts *o, odbc_dbms *d,
                            char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    get_text(dbc, SQL_DBMS_NAME, d->name, sizeof d->name);
    get_text(dbc, SQL_DBMS_VER, d->version, sizeof d->version);
    get_text(dbc, SQL_DRIVER_NAME, d->driver, sizeof d->driver);
    get_text(dbc, SQL_IDENTIFIER_QUOTE_CHAR, d->quote, sizeof d->quote);
    d->kind = kind_of(d->name);
    base_dialect(d);

    /* " " means the DBMS quotes no identifiers: every name the builder
     * writes is a plain identifier, so none is needed. */
    if (strcmp(d->quote, " ") == 0)
        d->quote[0] = '\0';
    if (strpbrk(d->quote, "?;'") != NULL)
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "odbc driver %s reports the identifier quote "
                         "\"%s\", which cannot be used", d->driver,
                         d->quote);
    d->dialect.name = d->name[0] != '\0' ? d->name : "odbc";
    d->dialect.quote_open = d->quote;
    d->dialect.quote_close = d->quote;

    switch (o->upsert) {
    case ODBC_UPSERT_EMULATE:
        d->emulate_upsert = true;
        break;
    case ODBC_UPSERT_NATIVE:
        break;
    default:
        d->emulate_upsert = d->dialect.upsert == DBD_SQL_UPSERT_NONE;
        break;
    }
    if (o->limit == ODBC_LIMIT_LIMIT) {
        d->dialect.limit = DBD_SQL_LIMIT_OFFSET;
    } else if (o->limit == ODBC_LIMIT_FETCH) {
        d->dialect.limit = DBD_SQL_LIMIT_FETCH;
    } else if (o->limit == ODBC_LIMIT_NONE) {
        d->dialect.limit = DBD_SQL_LIMIT_NONE;
    }
    /* SQLite takes a double-quoted name that matches no column for a
     * string literal ("no_such" = ? compares text); a backquoted one is
     * always a name, so a missing column is an error as elsewhere. */
    if (d->kind == ODBC_DBMS_SQLITE)
        snprintf(d->quote, sizeof d->quote, "`");
    d->datetime_text = d->kind == ODBC_DBMS_SQLITE;
    d->double_text = d->kind == ODBC_DBMS_SQLITE;
    d->varbinary_only = d->kind == ODBC_DBMS_POSTGRESQL;
    d->ping_select = d->kind != ODBC_DBMS_OTHER;
    d->cursors_lost =
        get_usmallint(dbc, SQL_CURSOR_COMMIT_BEHAVIOR, SQL_CB_DELETE) ==
            SQL_CB_DELETE ||
        get_usmallint(dbc, SQL_CURSOR_ROLLBACK_BEHAVIOR, SQL_CB_DELETE) ==
            SQL_CB_DELETE;
    return DBD_OK;
}
