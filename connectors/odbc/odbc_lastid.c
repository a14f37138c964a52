/*
 * odbc_lastid.c - the id an insert was given, which ODBC has no call for.
 *
 *   SQLite       SELECT last_insert_rowid() after the insert.
 *   MySQL        SELECT LAST_INSERT_ID(), LAST_INSERT_ID(0) after the
 *                insert: the id, and back to 0 for the next insert, since
 *                an insert that gives the id itself leaves the value as
 *                it was.
 *   PostgreSQL   INSERT ... RETURNING the column a sequence feeds
 *                (SERIAL, IDENTITY), found once per table in the catalog
 *                and kept per connection.  lastval() would need no
 *                catalog but fails, and so aborts an open transaction,
 *                when no sequence was used yet.
 */
#include "odbc_int.h"

#include <stdlib.h>
#include <string.h>

#include "../../proto/ident.h"

/* Tables remembered per connection; past this the list starts over. */
#define SERIALS_MAX 256

struct odbc_serial {
    char table[DBD_IDENT_MAX + 1];
    char column[DBD_IDENT_MAX + 1]; /* "" when the table has none */
};

/* The sequence-fed column of the table named ?, as the search path
 * finds it (the one an unqualified INSERT writes to). */
static const char serial_sql[] =
    "SELECT a.attname FROM pg_catalog.pg_class t"
    " JOIN pg_catalog.pg_depend d ON d.refobjid = t.oid"
    " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
    " AND d.deptype IN ('a', 'i')"
    " JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
    " JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid"
    " AND a.attnum = d.refobjsubid"
    " WHERE t.relname = ? AND pg_catalog.pg_table_is_visible(t.oid)"
    " ORDER BY a.attnum LIMIT 1";

void odbc_serials_free(odbc_conn *c)
{
    free(c->serials);
    c->serials = NULL;
    c->nserials = 0;
}

/* Asks the catalog; col gets "" when the table has no such column or its
 * name is not one the builder would write. */
static dbd_status lookup(odbc_conn *c, const char *table, char *col,
                         size_t colsize, dbd_exec_info *info)
{
    static const char key[] = "!pg_serial";
    odbc_stmt *st = NULL;
    dbd_value name = dbd_string(table, strlen(table));
    SQLLEN ind = 0;
    dbd_status status;

    col[0] = '\0';
    status = odbc_prepare_cached(c, key, serial_sql, &st, info);
    if (status != DBD_OK)
        return status;
    status = odbc_bind_all(c, st->h, &name, 1, info);
    if (status == DBD_OK)
        status = odbc_execute(c, st->h, "cannot look up the id column",
                              info);
    if (status != DBD_OK)
        goto out;
    SQLRETURN r = SQLFetch(st->h);
    if (r == SQL_NO_DATA)
        goto out;
    if (SQL_SUCCEEDED(r))
        r = SQLGetData(st->h, 1, SQL_C_CHAR, col, (SQLLEN)colsize, &ind);
    if (!SQL_SUCCEEDED(r)) {
        status = odbc_fail(c, SQL_HANDLE_STMT, st->h,
                           "cannot read the id column", info);
        goto out;
    }
    if (ind == SQL_NULL_DATA || ind < 0 || (size_t)ind >= colsize ||
        !dbd_ident_valid(col, (size_t)ind))
        col[0] = '\0';
    odbc_fetch_rest(st->h);
out:
    odbc_release(st->h);
    if (status != DBD_OK) {
        col[0] = '\0';
        dbd_stmt_cache_drop(c->cache, key);
    }
    return status;
}

dbd_status odbc_serial_column(odbc_conn *c, const char *table, char *col,
                              size_t colsize, dbd_exec_info *info)
{
    char found[DBD_IDENT_MAX + 2];

    col[0] = '\0';
    if (strlen(table) > DBD_IDENT_MAX)
        return DBD_OK;
    for (size_t i = 0; i < c->nserials; i++) {
        if (strcmp(c->serials[i].table, table) == 0) {
            if (strlen(c->serials[i].column) < colsize)
                strcpy(col, c->serials[i].column);
            return DBD_OK;
        }
    }
    dbd_status status = lookup(c, table, found, sizeof found, info);
    if (status != DBD_OK)
        return status;
    if (c->nserials == SERIALS_MAX)
        odbc_serials_free(c);
    if (c->serials == NULL) {
        c->serials = calloc(SERIALS_MAX, sizeof *c->serials);
        if (c->serials == NULL)
            return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                             "out of memory");
    }
    struct odbc_serial *s = &c->serials[c->nserials++];
    strcpy(s->table, table);
    strcpy(s->column, found);
    if (strlen(found) < colsize)
        strcpy(col, found);
    return DBD_OK;
}

void odbc_last_insert_id(odbc_conn *c, int64_t *id)
{
    dbd_exec_info scratch;
    dbd_status status;
    int64_t v = 0;
    bool found = false;

    *id = 0;
    dbd_exec_info_begin(&scratch, &scratch);
    switch (c->dbms.last_id) {
    case ODBC_LAST_ID_SQLITE:
        status = odbc_query_int(c, "!last_id", "SELECT last_insert_rowid()",
                                NULL, 0, &v, &found, &scratch);
        if (status == DBD_OK && found)
            *id = v;
        break;
    case ODBC_LAST_ID_MYSQL:
        /* left to right: the value, then the reset */
        status = odbc_query_int(c, "!last_id",
                                "SELECT LAST_INSERT_ID(), LAST_INSERT_ID(0)",
                                NULL, 0, &v, &found, &scratch);
        if (status == DBD_OK && found)
            *id = v;
        break;
    default:
        return;
    }
    if (status != DBD_OK)
        odbc_log(c, DBD_LOG_WARNING, "cannot read the id of an insert: %s",
                 scratch.msg);
}
