/*
 * odbc_exact.c - exact doubles out of SQLite's ODBC driver.
 *
 * The driver keeps a row as text and turns a REAL into text with 15
 * significant digits, so 1/3 comes back as 0.333333333333333 and
 * -DBL_MAX as -inf, whatever C type the value is fetched as.  (Writing is
 * exact: a bound double goes to sqlite3_bind_double.)  So a query whose
 * result has double columns is prepared a second time with each of them
 * sent as text that holds every bit:
 *
 *   SELECT `id`, CASE typeof(`d`) WHEN 'real' THEN printf('%!.20e', `d`)
 *       ELSE `d` END AS `d`, ... FROM ...
 *
 * Twenty digits are more than a double needs, and more than the error of
 * SQLite's own formatting, so strtod() gets the very value back.  Values
 * that are not REALs (NULL, or an integer in a REAL column) pass as they
 * are.  The column list comes from describing the prepared statement, so
 * this works for SELECT * too; it is done once, when the statement is
 * prepared for the cache.
 */
#include "odbc_int.h"

#include <string.h>

#include "../../proto/ident.h"

static void quoted(dbd_buf *b, const char *q, const char *name)
{
    dbd_buf_append_str(b, q);
    dbd_buf_append_str(b, name);
    dbd_buf_append_str(b, q);
}

dbd_status odbc_exact_doubles(odbc_conn *c, odbc_stmt *st, const char *text,
                              dbd_exec_info *info)
{
    const char *q = c->dbms.quote;
    const char *from = strstr(text, " FROM ");
    SQLHSTMT h = SQL_NULL_HSTMT;
    size_t ndouble = 0;
    dbd_status status;

    if (!c->dbms.double_text || from == NULL ||
        strncmp(text, "SELECT ", 7) != 0)
        return DBD_OK;
    /* Describing before the first execution: SQLite's driver knows the
     * columns once it has prepared. */
    status = odbc_describe(c, st->h, &st->cols, info);
    if (status != DBD_OK)
        return status;
    for (size_t i = 0; i < st->cols.n; i++) {
        const char *name = st->cols.col[i].name;
        if (!dbd_ident_valid(name, strlen(name)))
            return DBD_OK; /* not a list we could write back */
        if (st->cols.col[i].type == DBD_TYPE_DOUBLE)
            ndouble++;
    }
    if (ndouble == 0)
        return DBD_OK;

    dbd_buf *b = &c->text;
    dbd_buf_reset(b);
    dbd_buf_append_str(b, "SELECT ");
    for (size_t i = 0; i < st->cols.n; i++) {
        const odbc_col *col = &st->cols.col[i];
        if (i > 0)
            dbd_buf_append_str(b, ", ");
        if (col->type != DBD_TYPE_DOUBLE) {
            quoted(b, q, col->name);
            continue;
        }
        dbd_buf_append_str(b, "CASE typeof(");
        quoted(b, q, col->name);
        dbd_buf_append_str(b, ") WHEN 'real' THEN printf('%!.20e', ");
        quoted(b, q, col->name);
        dbd_buf_append_str(b, ") ELSE ");
        quoted(b, q, col->name);
        dbd_buf_append_str(b, " END AS ");
        quoted(b, q, col->name);
    }
    dbd_buf_append_str(b, from);
    if (b->failed)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory building a statement");
    status = odbc_prepare_new(c, dbd_buf_text(b), b->len, &h, info);
    if (status != DBD_OK)
        return status;
    SQLFreeHandle(SQL_HANDLE_STMT, st->h);
    st->h = h;
    for (size_t i = 0; i < st->cols.n; i++) {
        odbc_col *col = &st->cols.col[i];
        if (col->type == DBD_TYPE_DOUBLE) {
            col->ctype = SQL_C_CHAR;
            col->text_double = true;
        }
    }
    return DBD_OK;
}
