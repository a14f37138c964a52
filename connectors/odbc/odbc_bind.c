/*
 * odbc_bind.c - dbd values onto statement parameters (SQLBindParameter).
 *
 * Numbers keep their width: int64 as SQL_C_SBIGINT, doubles as
 * SQL_C_DOUBLE, bools as SQL_C_BIT.  Strings and blobs are bound in place
 * with their exact lengths (NUL bytes included, no terminator needed);
 * long ones as the LONG types, which some drivers need past a few
 * thousand bytes.  Datetimes go as SQL_TIMESTAMP_STRUCT with the
 * fraction, except to SQLite, whose driver keeps only milliseconds of a
 * struct: there they go as the text the sqlite connector writes.
 *
 * The numbers, structs and indicators live in the connection's parameter
 * array, which stays put until the statement has run.
 */
#include "odbc_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Past this many bytes a value is bound as a LONG type. */
#define LONG_THRESHOLD 8000

/* Drivers want a buffer even for zero bytes; they never write to input
 * parameters. */
static const char empty[1] = "";

static int reserve(odbc_conn *c, size_t n)
{
    if (n <= c->nparams_cap)
        return 0;
    size_t cap = c->nparams_cap > 0 ? c->nparams_cap : 16;
    while (cap < n)
        cap *= 2;
    odbc_param *p = realloc(c->params, cap * sizeof *p);
    if (p == NULL)
        return -1;
    c->params = p;
    c->nparams_cap = cap;
    return 0;
}

/* How one value is bound. */
typedef struct bind_spec {
    SQLSMALLINT ctype;
    SQLSMALLINT sqltype;
    SQLULEN size;
    SQLSMALLINT digits;
    SQLPOINTER ptr;
    SQLLEN buflen;
} bind_spec;

typedef enum { SPEC_OK, SPEC_RANGE, SPEC_TYPE, SPEC_NUL } spec_result;

static spec_result spec_of(const odbc_conn *c, const dbd_value *v,
                           odbc_param *p, bind_spec *b)
{
    b->digits = 0;
    b->buflen = 0;
    p->ind = 0;
    switch (v->type) {
    case DBD_TYPE_NULL:
        /* A type the server can coerce into any column. */
        p->u.text[0] = '\0';
        p->ind = SQL_NULL_DATA;
        *b = (bind_spec){SQL_C_CHAR, SQL_VARCHAR, 1, 0, p->u.text, 0};
        return SPEC_OK;
    case DBD_TYPE_INT:
        p->u.i = v->u.i;
        *b = (bind_spec){SQL_C_SBIGINT, SQL_BIGINT, 19, 0, &p->u.i, 0};
        return SPEC_OK;
    case DBD_TYPE_DOUBLE:
        p->u.d = v->u.d;
        *b = (bind_spec){SQL_C_DOUBLE, SQL_DOUBLE, 15, 0, &p->u.d, 0};
        return SPEC_OK;
    case DBD_TYPE_BOOL:
        p->u.bit = v->u.b ? 1 : 0;
        *b = (bind_spec){SQL_C_BIT, SQL_BIT, 1, 0, &p->u.bit, 0};
        return SPEC_OK;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB: {
        bool blob = v->type == DBD_TYPE_BLOB;
        bool is_long = v->u.s.len > LONG_THRESHOLD;
        /* PostgreSQL text cannot hold a NUL, and psqlODBC would cut the
         * string there without a word (matching another row); the SQLite
         * ODBC driver stores it but hands text back cut at the NUL, so
         * the value could never be read as written.  Refuse both. */
        if (!blob && (c->dbms.kind == ODBC_DBMS_POSTGRESQL ||
                      c->dbms.kind == ODBC_DBMS_SQLITE) &&
            v->u.s.len > 0 && memchr(v->u.s.ptr, '\0', v->u.s.len) != NULL)
            return SPEC_NUL;
        p->ind = (SQLLEN)v->u.s.len;
        b->ctype = blob ? SQL_C_BINARY : SQL_C_CHAR;
        if (!blob)
            b->sqltype = is_long ? SQL_LONGVARCHAR : SQL_VARCHAR;
        else
            b->sqltype = is_long && !c->dbms.varbinary_only
                             ? SQL_LONGVARBINARY
                             : SQL_VARBINARY;
        b->size = v->u.s.len > 0 ? v->u.s.len : 1;
        b->ptr = v->u.s.len > 0 ? (SQLPOINTER)(uintptr_t)v->u.s.ptr
                             : (SQLPOINTER)(uintptr_t)empty;
        b->buflen = (SQLLEN)v->u.s.len;
        return SPEC_OK;
    }
    case DBD_TYPE_DATETIME:
        if (c->dbms.datetime_text) {
            dbd_datetime_format(v->u.usec, p->u.text);
            p->ind = SQL_NTS;
            *b = (bind_spec){SQL_C_CHAR, SQL_VARCHAR, 26, 0, p->u.text,
                             (SQLLEN)sizeof p->u.text};
            return SPEC_OK;
        }
        if (!odbc_time_to_struct(v->u.usec, &p->u.ts))
            return SPEC_RANGE;
        *b = (bind_spec){SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP, 26, 6,
                         &p->u.ts, (SQLLEN)sizeof p->u.ts};
        return SPEC_OK;
    default:
        return SPEC_TYPE;
    }
}

dbd_status odbc_bind_all(odbc_conn *c, SQLHSTMT h, const dbd_value *vals,
                         size_t n, dbd_exec_info *info)
{
    if (n > 32767)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "%zu parameters are more than ODBC can bind", n);
    if (reserve(c, n) != 0)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory binding parameters");
    for (size_t i = 0; i < n; i++) {
        odbc_param *p = &c->params[i];
        bind_spec b;
        spec_result sr = spec_of(c, &vals[i], p, &b);
        if (sr == SPEC_RANGE)
            return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                             "parameter %zu: datetime outside the years "
                             "1..9999 that ODBC can carry", i + 1);
        if (sr == SPEC_NUL)
            return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                             "parameter %zu: string holds a NUL byte, which "
                             "this backend's text cannot carry through ODBC "
                             "(use a blob)", i + 1);
        if (sr == SPEC_TYPE)
            return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                             "parameter %zu has unknown type %d", i + 1,
                             (int)vals[i].type);
        SQLRETURN r = SQLBindParameter(h, (SQLUSMALLINT)(i + 1),
                                       SQL_PARAM_INPUT, b.ctype, b.sqltype,
                                       b.size, b.digits, b.ptr, b.buflen,
                                       &p->ind);
        if (!SQL_SUCCEEDED(r)) {
            char what[48];
            snprintf(what, sizeof what, "cannot bind parameter %zu", i + 1);
            return odbc_fail(c, SQL_HANDLE_STMT, h, what, info);
        }
    }
    return DBD_OK;
}
