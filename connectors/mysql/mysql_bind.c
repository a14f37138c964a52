/*
 * mysql_bind.c - dbd values bound to a prepared statement's parameters.
 *
 * int as BIGINT, double as DOUBLE, string as a string in the connection's
 * character set, blob as a BLOB (which the server takes in the binary
 * character set, so bytes are never converted), datetime as a DATETIME
 * MYSQL_TIME in UTC, bool as TINYINT 0/1, null as NULL.  Scalars are kept
 * in the connection's parameter space; string and blob bytes are borrowed.
 */
#include "mysql_int.h"

#include <stdlib.h>
#include <string.h>

void myc_params_free(myc_params *p)
{
    free(p->bind);
    free(p->scalar);
    memset(p, 0, sizeof *p);
}

/* Room for n (at least one) parameters.  An array already grown stays
 * with the space when a later one fails. */
static int reserve(myc_params *p, size_t n)
{
    MYSQL_BIND *bind;
    union myc_scalar *scalar;

    if (n == 0)
        n = 1;
    if (n <= p->cap)
        return 0;
    if ((bind = realloc(p->bind, n * sizeof *bind)) == NULL)
        return -1;
    p->bind = bind;
    if ((scalar = realloc(p->scalar, n * sizeof *scalar)) == NULL)
        return -1;
    p->scalar = scalar;
    p->cap = n;
    return 0;
}

static dbd_status bind_one(MYSQL_BIND *b, union myc_scalar *s,
                           const dbd_value *v, size_t pos,
                           dbd_exec_info *info)
{
    switch (v->type) {
    case DBD_TYPE_NULL:
        b->buffer_type = MYSQL_TYPE_NULL;
        return DBD_OK;
    case DBD_TYPE_INT:
        s->i = v->u.i;
        b->buffer_type = MYSQL_TYPE_LONGLONG;
        b->buffer = &s->i;
        return DBD_OK;
    case DBD_TYPE_DOUBLE:
        s->d = v->u.d;
        b->buffer_type = MYSQL_TYPE_DOUBLE;
        b->buffer = &s->d;
        return DBD_OK;
    case DBD_TYPE_BOOL:
        s->tiny = v->u.b ? 1 : 0;
        b->buffer_type = MYSQL_TYPE_TINY;
        b->buffer = &s->tiny;
        return DBD_OK;
    case DBD_TYPE_STRING:
    case DBD_TYPE_BLOB:
        b->buffer_type = v->type == DBD_TYPE_STRING ? MYSQL_TYPE_STRING
                                                    : MYSQL_TYPE_BLOB;
        /* never written through: the library only reads parameters */
        b->buffer = (void *)(v->u.s.len > 0 ? v->u.s.ptr : "");
        b->buffer_length = (unsigned long)v->u.s.len;
        if ((size_t)b->buffer_length != v->u.s.len)
            return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                             "parameter %zu: %zu bytes are too many", pos,
                             v->u.s.len);
        return DBD_OK;
    case DBD_TYPE_DATETIME:
        if (!myc_time_from_usec(v->u.usec, &s->tm))
            return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                             "parameter %zu: datetime %lld us is outside "
                             "the years 0 to 9999 MySQL can hold", pos,
                             (long long)v->u.usec);
        b->buffer_type = MYSQL_TYPE_DATETIME;
        b->buffer = &s->tm;
        b->buffer_length = sizeof s->tm;
        return DBD_OK;
    default:
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "parameter %zu: unknown value type %d", pos,
                         (int)v->type);
    }
}

dbd_status myc_bind_params(myc_params *p, MYSQL *db, MYSQL_STMT *st,
                           const dbd_value *vals, size_t n,
                           dbd_exec_info *info)
{
    if (n == 0)
        return DBD_OK;
    if (reserve(p, n) != 0)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory binding %zu parameters", n);
    memset(p->bind, 0, n * sizeof *p->bind);
    for (size_t i = 0; i < n; i++) {
        dbd_status status = bind_one(&p->bind[i], &p->scalar[i], &vals[i],
                                     i + 1, info);
        if (status != DBD_OK)
            return status;
    }
    if (mysql_stmt_bind_param(st, p->bind) != 0)
        return myc_stmt_error(db, st, "cannot bind parameters", info->msg,
                              sizeof info->msg);
    return DBD_OK;
}
