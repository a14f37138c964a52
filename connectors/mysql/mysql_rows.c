/*
 * mysql_rows.c - an executed statement's result, streamed to a sink row
 * by row as the server sends it, with dbd types.
 *
 * The result is never stored client-side (no mysql_stmt_store_result):
 * mysql_stmt_fetch() reads one row off the connection at a time, so a
 * result of any size needs memory for one row only.  Variable-length
 * columns are fetched into buffers the connection keeps between queries;
 * a value longer than its buffer comes back truncated, and is then fetched
 * again whole with mysql_stmt_fetch_column() into a buffer grown to fit,
 * so there is no size limit but the server's.
 *
 * Column types: the integer types (also YEAR and BIT) are int, an unsigned
 * BIGINT above INT64_MAX fails the query with BAD rather than come back
 * rounded or wrapped; FLOAT and DOUBLE are double (a FLOAT by its shortest
 * decimal form, so 0.1 reads as 0.1 and not 0.100000001490116); DECIMAL is
 * double (as Kamailio's db_mysql reads it); DATE, DATETIME and TIMESTAMP
 * are datetime in UTC (a zero date reads as NULL); TIME is its text; the
 * text types are string; a column in the binary character set (63: BLOB,
 * BINARY, VARBINARY) is blob.
 */
#include "mysql_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BINARY_CHARSET 63
#define INITIAL_BUF_MAX 4096 /* first buffer of a long column; grows */

void myc_rows_free(myc_rows *rs)
{
    for (size_t i = 0; i < rs->cap; i++)
        free(rs->cols[i].buf);
    free(rs->bind);
    free(rs->cols);
    free(rs->names);
    free(rs->types);
    free(rs->vals);
    memset(rs, 0, sizeof *rs);
}

/* Room for n (at least one) columns.  New columns start without a buffer;
 * the arrays already grown stay with the space when a later one fails. */
static int reserve(myc_rows *rs, size_t n)
{
    if (n == 0)
        n = 1;
    if (n <= rs->cap)
        return 0;
    MYSQL_BIND *bind = realloc(rs->bind, n * sizeof *bind);
    if (bind == NULL)
        return -1;
    rs->bind = bind;
    const char **names = realloc(rs->names, n * sizeof *names);
    if (names == NULL)
        return -1;
    rs->names = names;
    dbd_type *types = realloc(rs->types, n * sizeof *types);
    if (types == NULL)
        return -1;
    rs->types = types;
    dbd_value *vals = realloc(rs->vals, n * sizeof *vals);
    if (vals == NULL)
        return -1;
    rs->vals = vals;
    /* last: cap counts the columns whose buffers are initialised */
    myc_col *cols = realloc(rs->cols, n * sizeof *cols);
    if (cols == NULL)
        return -1;
    memset(cols + rs->cap, 0, (n - rs->cap) * sizeof *cols);
    rs->cols = cols;
    rs->cap = n;
    return 0;
}

/* A buffer of at least want bytes (one kept for a NUL). */
static int grow(myc_col *col, size_t want)
{
    if (want <= col->cap)
        return 0;
    size_t cap = col->cap > 0 ? col->cap : 64;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    char *buf = realloc(col->buf, cap);
    if (buf == NULL)
        return -1;
    col->buf = buf;
    col->cap = cap;
    return 0;
}

static void classify(const MYSQL_FIELD *f, myc_col *col)
{
    col->is_unsigned = (f->flags & UNSIGNED_FLAG) != 0;
    switch (f->type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
        col->fetch = MYC_FETCH_INT;
        col->type = DBD_TYPE_INT;
        break;
    case MYSQL_TYPE_BIT:
        col->fetch = MYC_FETCH_BIT;
        col->type = DBD_TYPE_INT;
        break;
    case MYSQL_TYPE_FLOAT:
        col->fetch = MYC_FETCH_FLOAT;
        col->type = DBD_TYPE_DOUBLE;
        break;
    case MYSQL_TYPE_DOUBLE:
        col->fetch = MYC_FETCH_DOUBLE;
        col->type = DBD_TYPE_DOUBLE;
        break;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
        col->fetch = MYC_FETCH_DECIMAL;
        col->type = DBD_TYPE_DOUBLE;
        break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
        col->fetch = MYC_FETCH_TIME;
        col->type = DBD_TYPE_DATETIME;
        break;
    case MYSQL_TYPE_NULL:
        col->fetch = MYC_FETCH_NULL;
        col->type = DBD_TYPE_NULL;
        break;
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_JSON: /* MySQL gives both the binary character set */
        col->fetch = MYC_FETCH_TEXT;
        col->type = DBD_TYPE_STRING;
        break;
    default: /* text and binary types, ENUM, SET, GEOMETRY */
        col->fetch = MYC_FETCH_TEXT;
        col->type = f->charsetnr == BINARY_CHARSET ? DBD_TYPE_BLOB
                                                   : DBD_TYPE_STRING;
        break;
    }
}

/* The result binding of column i; a variable-length column gets a
 * buffer of at most INITIAL_BUF_MAX to start with. */
static int setup_bind(myc_rows *rs, size_t i, const MYSQL_FIELD *f)
{
    myc_col *col = &rs->cols[i];
    MYSQL_BIND *b = &rs->bind[i];

    classify(f, col);
    memset(b, 0, sizeof *b);
    b->length = &col->length;
    b->is_null = &col->is_null;
    b->error = &col->error;
    switch (col->fetch) {
    case MYC_FETCH_NULL:
        b->buffer_type = MYSQL_TYPE_NULL;
        return 0;
    case MYC_FETCH_INT:
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &col->fixed.i;
        b->is_unsigned = col->is_unsigned;
        return 0;
    case MYC_FETCH_FLOAT:
        b->buffer_type = MYSQL_TYPE_FLOAT;
        b->buffer = &col->fixed.f;
        return 0;
    case MYC_FETCH_DOUBLE:
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &col->fixed.d;
        return 0;
    case MYC_FETCH_TIME:
        b->buffer_type = MYSQL_TYPE_DATETIME;
        b->buffer = &col->fixed.tm;
        b->buffer_length = sizeof col->fixed.tm;
        return 0;
    default: {
        size_t want = f->length < INITIAL_BUF_MAX ? f->length + 1
                                                  : INITIAL_BUF_MAX;
        if (grow(col, want < 64 ? 64 : want) != 0)
            return -1;
        b->buffer_type = col->fetch == MYC_FETCH_BIT ? MYSQL_TYPE_BLOB
                                                     : MYSQL_TYPE_STRING;
        b->buffer = col->buf;
        b->buffer_length = (unsigned long)(col->cap - 1);
        return 0;
    }
    }
}

static bool is_var(const myc_col *col)
{
    return col->fetch == MYC_FETCH_TEXT || col->fetch == MYC_FETCH_DECIMAL ||
           col->fetch == MYC_FETCH_BIT;
}

/*
 * After MYSQL_DATA_TRUNCATED: fetches every value longer than its buffer
 * again into a buffer grown to fit.  *rebind is set when a buffer moved:
 * the statement's own copy of the bindings must then be renewed before
 * the next fetch.
 */
static dbd_status refetch_long(myc_rows *rs, MYSQL *db, MYSQL_STMT *st,
                               size_t n, bool *rebind, dbd_exec_info *info)
{
    for (size_t i = 0; i < n; i++) {
        myc_col *col = &rs->cols[i];
        MYSQL_BIND *b = &rs->bind[i];
        if (!col->error)
            continue;
        if (!is_var(col) || col->is_null || col->length < col->cap)
            return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                             "column %s: value truncated on fetch",
                             rs->names[i]);
        if (grow(col, (size_t)col->length + 1) != 0)
            return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                             "out of memory for a value of %lu bytes in "
                             "column %s", col->length, rs->names[i]);
        b->buffer = col->buf;
        b->buffer_length = (unsigned long)(col->cap - 1);
        *rebind = true;
        if (mysql_stmt_fetch_column(st, b, (unsigned)i, 0) != 0)
            return myc_stmt_error(db, st, "cannot fetch a long value",
                                  info->msg, sizeof info->msg);
        if (col->error || col->length >= col->cap)
            return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                             "column %s: value still truncated after "
                             "fetching it whole", rs->names[i]);
    }
    return DBD_OK;
}

/* A FLOAT widened through its shortest decimal form that reads back as
 * the same float: what the server itself would print. */
static double widen_float(float f)
{
    char text[32];
    for (int prec = 6; prec <= 9; prec++) {
        snprintf(text, sizeof text, "%.*g", prec, (double)f);
        if (strtof(text, NULL) == f)
            return strtod(text, NULL);
    }
    return (double)f;
}

/* Column i of the current row as a dbd value. */
static dbd_status column_value(myc_rows *rs, size_t i, dbd_exec_info *info)
{
    myc_col *col = &rs->cols[i];
    dbd_value *out = &rs->vals[i];
    int64_t usec;

    if (col->is_null || col->fetch == MYC_FETCH_NULL) {
        *out = dbd_null();
        return DBD_OK;
    }
    switch (col->fetch) {
    case MYC_FETCH_INT:
        if (col->is_unsigned && (unsigned long long)col->fixed.i > INT64_MAX)
            return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                             "column %s: unsigned value %llu does not fit "
                             "a signed 64-bit integer", rs->names[i],
                             (unsigned long long)col->fixed.i);
        *out = dbd_int(col->fixed.i);
        return DBD_OK;
    case MYC_FETCH_FLOAT:
        *out = dbd_double(widen_float(col->fixed.f));
        return DBD_OK;
    case MYC_FETCH_DOUBLE:
        *out = dbd_double(col->fixed.d);
        return DBD_OK;
    case MYC_FETCH_DECIMAL: {
        char *end;
        col->buf[col->length] = '\0';
        errno = 0;
        double d = strtod(col->buf, &end);
        if (end == col->buf || *end != '\0')
            return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                             "column %s: unreadable DECIMAL \"%.40s\"",
                             rs->names[i], col->buf);
        *out = dbd_double(d);
        return DBD_OK;
    }
    case MYC_FETCH_BIT: {
        uint64_t u = 0;
        if (col->length > 8)
            return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                             "column %s: BIT value of %lu bytes",
                             rs->names[i], col->length);
        for (size_t k = 0; k < col->length; k++)
            u = u << 8 | (unsigned char)col->buf[k];
        if (u > INT64_MAX)
            return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                             "column %s: BIT value %llu does not fit a "
                             "signed 64-bit integer", rs->names[i],
                             (unsigned long long)u);
        *out = dbd_int((int64_t)u);
        return DBD_OK;
    }
    case MYC_FETCH_TIME:
        *out = myc_time_to_usec(&col->fixed.tm, &usec) ? dbd_datetime(usec)
                                                       : dbd_null();
        return DBD_OK;
    default:
        *out = col->type == DBD_TYPE_BLOB ? dbd_blob(col->buf, col->length)
                                          : dbd_string(col->buf, col->length);
        return DBD_OK;
    }
}

static dbd_status stopped(dbd_exec_info *info)
{
    return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                     "the receiver stopped the result");
}

/* Fetches and delivers every row of st, bound for n columns. */
static dbd_status fetch_rows(myc_rows *rs, MYSQL *db, MYSQL_STMT *st,
                             size_t n, const dbd_sink *sink,
                             dbd_exec_info *info)
{
    bool rebind = false;
    dbd_status status;

    for (;;) {
        if (rebind) {
            if (mysql_stmt_bind_result(st, rs->bind) != 0)
                return myc_stmt_error(db, st, "cannot bind result",
                                      info->msg, sizeof info->msg);
            rebind = false;
        }
        int rc = mysql_stmt_fetch(st);
        if (rc == MYSQL_NO_DATA)
            return DBD_OK;
        if (rc == 1)
            return myc_stmt_error(db, st, "cannot fetch a row", info->msg,
                                  sizeof info->msg);
        if (rc == MYSQL_DATA_TRUNCATED) {
            status = refetch_long(rs, db, st, n, &rebind, info);
            if (status != DBD_OK)
                return status;
        }
        for (size_t i = 0; i < n; i++) {
            status = column_value(rs, i, info);
            if (status != DBD_OK)
                return status;
        }
        if (sink != NULL && sink->row != NULL &&
            sink->row(sink->ctx, rs->vals) != 0)
            return stopped(info);
    }
}

dbd_status myc_stream(myc_conn *c, MYSQL_STMT *st, const dbd_sink *sink,
                      dbd_exec_info *info)
{
    myc_rows *rs = &c->rows;
    MYSQL_RES *meta = mysql_stmt_result_metadata(st);
    dbd_status status = DBD_OK;
    size_t n = 0;

    if (meta == NULL && mysql_stmt_errno(st) != 0) {
        status = myc_stmt_error(c->db, st, "cannot read result columns",
                                info->msg, sizeof info->msg);
        goto out;
    }
    if (meta != NULL)
        n = mysql_num_fields(meta);
    if (reserve(rs, n) != 0) {
        status = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                           "out of memory reading a result");
        goto out;
    }
    if (n > 0) {
        const MYSQL_FIELD *fields = mysql_fetch_fields(meta);
        for (size_t i = 0; i < n; i++) {
            if (setup_bind(rs, i, &fields[i]) != 0) {
                status = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                                   "out of memory reading a result");
                goto out;
            }
            rs->names[i] = fields[i].name != NULL ? fields[i].name : "";
            rs->types[i] = rs->cols[i].type;
        }
        if (mysql_stmt_bind_result(st, rs->bind) != 0) {
            status = myc_stmt_error(c->db, st, "cannot bind result",
                                    info->msg, sizeof info->msg);
            goto out;
        }
    }
    if (sink != NULL && sink->columns != NULL &&
        sink->columns(sink->ctx, n, rs->names, rs->types) != 0) {
        status = stopped(info);
        goto out;
    }
    if (n > 0)
        status = fetch_rows(rs, c->db, st, n, sink, info);
out:
    if (meta != NULL)
        mysql_free_result(meta);
    return status;
}
