/*
 * sqlite_bind.c - dbd values onto statement parameters.
 *
 * Strings and blobs keep their exact length (NUL bytes included) and are
 * bound without a copy: the request that holds them outlives the
 * statement's run, and sqlc_release() drops the bindings afterwards.  A
 * datetime is bound as the text Kamailio stores, 'YYYY-MM-DD HH:MM:SS',
 * and a bool as 0 or 1.
 */
#include "sqlite_int.h"

#include <stdio.h>

/* SQLite binds NULL for a NULL pointer, even with length 0. */
static const char empty[] = "";

static int bind_one(sqlite3_stmt *st, int i, const dbd_value *v)
{
    switch (v->type) {
    case DBD_TYPE_NULL:
        return sqlite3_bind_null(st, i);
    case DBD_TYPE_INT:
        return sqlite3_bind_int64(st, i, v->u.i);
    case DBD_TYPE_DOUBLE:
        return sqlite3_bind_double(st, i, v->u.d);
    case DBD_TYPE_BOOL:
        return sqlite3_bind_int(st, i, v->u.b ? 1 : 0);
    case DBD_TYPE_STRING:
        return sqlite3_bind_text64(st, i,
                                   v->u.s.ptr != NULL ? v->u.s.ptr : empty,
                                   v->u.s.len, SQLITE_STATIC, SQLITE_UTF8);
    case DBD_TYPE_BLOB:
        if (v->u.s.len == 0)
            return sqlite3_bind_zeroblob(st, i, 0);
        return sqlite3_bind_blob64(st, i, v->u.s.ptr, v->u.s.len,
                                   SQLITE_STATIC);
    case DBD_TYPE_DATETIME: {
        char text[DBD_DATETIME_TEXT_MAX];
        dbd_datetime_format(v->u.usec, text);
        return sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
    }
    default:
        return SQLITE_MISMATCH;
    }
}

dbd_status sqlc_bind_all(sqlite3 *db, sqlite3_stmt *st, const dbd_value *vals,
                         size_t n, dbd_exec_info *info)
{
    if (n > (size_t)sqlite3_bind_parameter_count(st))
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "%zu values for %d parameters", n,
                         sqlite3_bind_parameter_count(st));
    for (size_t i = 0; i < n; i++) {
        int rc = bind_one(st, (int)i + 1, &vals[i]);
        if (rc == SQLITE_MISMATCH && (unsigned)vals[i].type >= DBD_TYPE_COUNT)
            return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                             "parameter %zu has unknown type %d", i + 1,
                             (int)vals[i].type);
        if (rc != SQLITE_OK) {
            char what[48];
            snprintf(what, sizeof what, "cannot bind parameter %zu", i + 1);
            return sqlc_error(db, rc, what, info->msg, sizeof info->msg);
        }
    }
    return DBD_OK;
}
