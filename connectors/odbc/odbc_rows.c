/*
 * odbc_rows.c - result rows from a statement to a sink, with dbd types.
 *
 * A column's dbd type comes from the SQL type SQLDescribeCol reports:
 * the integer types are int, BIT is bool, the floating types double
 * (DECIMAL/NUMERIC too, unless they hold whole numbers of at most 18
 * digits), DATE and TIMESTAMP datetime, the binary types blob and
 * everything else (character types, TIME, intervals, GUIDs, a driver's
 * own types) string.  SQLite's driver reports the column's declared type
 * by its name (BLOB as SQL_BINARY, TEXT as SQL_LONGVARCHAR, INTEGER as
 * SQL_INTEGER although it holds 64 bits), which this mapping takes as it
 * comes: every integer is read as SQL_C_SBIGINT.
 *
 * Rows are fetched one at a time (SQLFetch) and read with SQLGetData;
 * character and binary values in a loop until the driver has no more, so
 * no size is fixed anywhere.  Their bytes go to one per-connection buffer
 * that the next row reuses.
 */
#include "odbc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first read of a long value tries this many bytes. */
#define FIRST_CHUNK 256

void odbc_cols_free(odbc_cols *cols)
{
    for (size_t i = 0; i < cols->n; i++)
        free(cols->col[i].name);
    free(cols->col);
    free(cols->names);
    free(cols->types);
    memset(cols, 0, sizeof *cols);
}

dbd_type odbc_type_of(SQLSMALLINT sqltype, SQLULEN size, SQLSMALLINT scale,
                      SQLSMALLINT *ctype)
{
    switch (sqltype) {
    case SQL_BIGINT:
    case SQL_INTEGER:
    case SQL_SMALLINT:
    case SQL_TINYINT:
        *ctype = SQL_C_SBIGINT;
        return DBD_TYPE_INT;
    case SQL_BIT:
        *ctype = SQL_C_BIT;
        return DBD_TYPE_BOOL;
    case SQL_DECIMAL:
    case SQL_NUMERIC:
        if (scale == 0 && size > 0 && size <= 18) {
            *ctype = SQL_C_SBIGINT;
            return DBD_TYPE_INT;
        }
        *ctype = SQL_C_DOUBLE;
        return DBD_TYPE_DOUBLE;
    case SQL_DOUBLE:
    case SQL_FLOAT:
    case SQL_REAL:
        *ctype = SQL_C_DOUBLE;
        return DBD_TYPE_DOUBLE;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
    case SQL_TYPE_DATE:
    case SQL_DATE:
        *ctype = SQL_C_TYPE_TIMESTAMP;
        return DBD_TYPE_DATETIME;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
        *ctype = SQL_C_BINARY;
        return DBD_TYPE_BLOB;
    default:
        *ctype = SQL_C_CHAR;
        return DBD_TYPE_STRING;
    }
}

static dbd_status out_of_memory(dbd_exec_info *info)
{
    return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                     "out of memory reading a result");
}

/* Room for n column descriptions; what is there stays. */
static int cols_reserve(odbc_cols *cols, size_t n)
{
    if (n <= cols->cap)
        return 0;
    odbc_col *col = realloc(cols->col, n * sizeof *col);
    if (col == NULL)
        return -1;
    cols->col = col;
    const char **names = realloc(cols->names, n * sizeof *names);
    if (names == NULL)
        return -1;
    cols->names = names;
    dbd_type *types = realloc(cols->types, n * sizeof *types);
    if (types == NULL)
        return -1;
    cols->types = types;
    cols->cap = n;
    return 0;
}

/* Column i's name, however long. */
static char *column_name(SQLHSTMT h, SQLUSMALLINT i, const char *first,
                         SQLSMALLINT len)
{
    if ((size_t)len < 256)
        return strdup(first);
    char *name = malloc((size_t)len + 1);
    SQLSMALLINT len2 = 0;
    if (name != NULL &&
        !SQL_SUCCEEDED(SQLDescribeCol(h, i, (SQLCHAR *)name, len + 1, &len2,
                                      NULL, NULL, NULL, NULL)))
        name[0] = '\0';
    return name;
}

dbd_status odbc_describe(odbc_conn *c, SQLHSTMT h, odbc_cols *cols,
                         dbd_exec_info *info)
{
    SQLSMALLINT n = 0;

    if (cols->known)
        return DBD_OK;
    for (size_t i = 0; i < cols->n; i++)
        free(cols->col[i].name);
    cols->n = 0;
    if (!SQL_SUCCEEDED(SQLNumResultCols(h, &n)))
        return odbc_fail(c, SQL_HANDLE_STMT, h, "cannot count the columns",
                         info);
    if (n < 0)
        n = 0;
    if (cols_reserve(cols, (size_t)n > 0 ? (size_t)n : 1) != 0)
        return out_of_memory(info);
    for (SQLUSMALLINT i = 0; i < (SQLUSMALLINT)n; i++) {
        char name[256];
        SQLSMALLINT len = 0, type = 0, scale = 0, nullable = 0;
        SQLULEN size = 0;
        odbc_col *col = &cols->col[i];
        if (!SQL_SUCCEEDED(SQLDescribeCol(h, i + 1, (SQLCHAR *)name,
                                          sizeof name, &len, &type, &size,
                                          &scale, &nullable))) {
            char what[48];
            snprintf(what, sizeof what, "cannot describe column %u",
                     (unsigned)i + 1);
            return odbc_fail(c, SQL_HANDLE_STMT, h, what, info);
        }
        col->name = column_name(h, i + 1, name, len);
        if (col->name == NULL)
            return out_of_memory(info);
        col->sqltype = type;
        col->type = odbc_type_of(type, size, scale, &col->ctype);
        col->text_double = false;
        cols->names[i] = col->name;
        cols->types[i] = col->type;
        cols->n = (size_t)i + 1;
    }
    cols->known = true;
    return DBD_OK;
}

void odbc_row_space_free(odbc_conn *c)
{
    dbd_buf_free(&c->row);
    free(c->row_off);
    free(c->row_vals);
    c->row_off = NULL;
    c->row_vals = NULL;
    c->row_cap = 0;
}

static int row_space_reserve(odbc_conn *c, size_t n)
{
    if (n == 0)
        n = 1;
    if (n <= c->row_cap)
        return 0;
    size_t *off = realloc(c->row_off, n * sizeof *off);
    if (off == NULL)
        return -1;
    c->row_off = off;
    dbd_value *vals = realloc(c->row_vals, n * sizeof *vals);
    if (vals == NULL)
        return -1;
    c->row_vals = vals;
    c->row_cap = n;
    return 0;
}

static dbd_status get_failed(odbc_conn *c, SQLHSTMT h, const odbc_col *col,
                             dbd_exec_info *info)
{
    char what[96];
    snprintf(what, sizeof what, "cannot read column %.64s", col->name);
    return odbc_fail(c, SQL_HANDLE_STMT, h, what, info);
}

/*
 * Reads a character or binary value onto the end of the row buffer in
 * as many calls as it takes.  A driver says how much is left, or
 * SQL_NO_TOTAL when it does not know; then the room doubles.
 */
static dbd_status get_long(odbc_conn *c, SQLHSTMT h, SQLUSMALLINT i,
                           const odbc_col *col, dbd_value *out,
                           dbd_exec_info *info)
{
    dbd_buf *b = &c->row;
    size_t start = b->len;
    size_t nul = col->ctype == SQL_C_CHAR ? 1 : 0;
    size_t want = FIRST_CHUNK;

    for (;;) {
        SQLLEN ind = 0;
        if (dbd_buf_reserve(b, want) != 0)
            return out_of_memory(info);
        /* reserve() leaves room for a NUL after the data: a character
         * value's terminator goes there, a binary one's room ends before */
        size_t room = b->cap - b->len - (1 - nul);
        if (room > (size_t)INT32_MAX)
            room = (size_t)INT32_MAX;
        SQLRETURN r = SQLGetData(h, i, col->ctype, b->data + b->len,
                                 (SQLLEN)room, &ind);
        if (r == SQL_NO_DATA)
            break;
        if (!SQL_SUCCEEDED(r))
            return get_failed(c, h, col, info);
        if (ind == SQL_NULL_DATA) {
            *out = dbd_null();
            return DBD_OK;
        }
        size_t fits = room - nul;
        if (ind != SQL_NO_TOTAL && ind >= 0 && (size_t)ind <= fits) {
            b->len += (size_t)ind;
            break;
        }
        /* Truncated: the buffer is full and more is to come. */
        b->len += fits;
        if (ind == SQL_NO_TOTAL || ind < 0) {
            want = (b->len - start) * 2;
            if (want < 4096)
                want = 4096;
        } else {
            want = (size_t)ind - fits + 1;
        }
    }
    if (b->data != NULL)
        b->data[b->len] = '\0';
    c->row_off[i - 1] = start;
    out->type = col->type == DBD_TYPE_BLOB ? DBD_TYPE_BLOB : DBD_TYPE_STRING;
    out->u.s.ptr = NULL; /* set once the row is complete */
    out->u.s.len = b->len - start;
    return DBD_OK;
}

/* A double that came as text (odbc_exact.c), at start in the row buffer:
 * the value it spells, and the bytes given back.  Text that is no number
 * (SQLite keeps what it is given) stays a string. */
static void text_to_double(dbd_buf *row, size_t start, dbd_value *out)
{
    const char *p = row->data + start;
    char *end = NULL;
    if (out->u.s.len == 0)
        return;
    double d = strtod(p, &end); /* a subnormal may set ERANGE: it is exact */
    if (end != p + out->u.s.len)
        return;
    *out = dbd_double(d);
    dbd_buf_truncate(row, start);
}

static dbd_status get_value(odbc_conn *c, SQLHSTMT h, SQLUSMALLINT i,
                            const odbc_col *col, dbd_value *out,
                            dbd_exec_info *info)
{
    SQLLEN ind = 0;
    SQLRETURN r;

    switch (col->ctype) {
    case SQL_C_SBIGINT: {
        int64_t v = 0;
        r = SQLGetData(h, i, SQL_C_SBIGINT, &v, 0, &ind);
        *out = dbd_int(v);
        break;
    }
    case SQL_C_DOUBLE: {
        double v = 0;
        r = SQLGetData(h, i, SQL_C_DOUBLE, &v, 0, &ind);
        *out = dbd_double(v);
        break;
    }
    case SQL_C_BIT: {
        unsigned char v = 0;
        r = SQLGetData(h, i, SQL_C_BIT, &v, 0, &ind);
        *out = dbd_bool(v != 0);
        break;
    }
    case SQL_C_TYPE_TIMESTAMP: {
        SQL_TIMESTAMP_STRUCT ts;
        int64_t usec = 0;
        memset(&ts, 0, sizeof ts);
        r = SQLGetData(h, i, SQL_C_TYPE_TIMESTAMP, &ts, sizeof ts, &ind);
        if (SQL_SUCCEEDED(r) && ind != SQL_NULL_DATA &&
            !odbc_time_from_struct(&ts, &usec))
            return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                             "column %.64s: the driver returned an invalid "
                             "timestamp", col->name);
        *out = dbd_datetime(usec);
        break;
    }
    default: {
        size_t start = c->row.len;
        dbd_status st = get_long(c, h, i, col, out, info);
        if (st == DBD_OK && col->text_double && out->type != DBD_TYPE_NULL)
            text_to_double(&c->row, start, out);
        return st;
    }
    }
    if (!SQL_SUCCEEDED(r))
        return get_failed(c, h, col, info);
    if (ind == SQL_NULL_DATA)
        *out = dbd_null();
    return DBD_OK;
}

dbd_status odbc_stream(odbc_conn *c, SQLHSTMT h, odbc_cols *cols,
                       const dbd_sink *sink, dbd_exec_info *info)
{
    dbd_status status = odbc_describe(c, h, cols, info);
    if (status != DBD_OK)
        return status;
    size_t n = cols->n;
    if (row_space_reserve(c, n) != 0)
        return out_of_memory(info);
    if (sink != NULL && sink->columns != NULL &&
        sink->columns(sink->ctx, n, cols->names, cols->types) != 0)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "the receiver stopped the result");
    for (;;) {
        SQLRETURN r = SQLFetch(h);
        if (r == SQL_NO_DATA)
            break;
        if (!SQL_SUCCEEDED(r))
            return odbc_fail(c, SQL_HANDLE_STMT, h, "fetch failed", info);
        dbd_buf_reset(&c->row);
        for (size_t i = 0; i < n; i++) {
            status = get_value(c, h, (SQLUSMALLINT)(i + 1), &cols->col[i],
                               &c->row_vals[i], info);
            if (status != DBD_OK)
                return status;
        }
        /* The buffer may have moved while the row was read. */
        for (size_t i = 0; i < n; i++) {
            dbd_value *v = &c->row_vals[i];
            if (v->type == DBD_TYPE_STRING || v->type == DBD_TYPE_BLOB)
                v->u.s.ptr = c->row.data != NULL ? c->row.data + c->row_off[i]
                                                 : "";
        }
        if (sink != NULL && sink->row != NULL &&
            sink->row(sink->ctx, c->row_vals) != 0)
            return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                             "the receiver stopped the result");
    }
    return DBD_OK;
}
