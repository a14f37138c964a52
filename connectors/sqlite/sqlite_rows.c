/*
 * sqlite_rows.c - result rows from a statement to a sink, with dbd types.
 *
 * SQLite types values, not columns, so a column's dbd type comes from its
 * declared type (the affinity rules of the SQLite documentation, plus
 * DATE/DATETIME/TIMESTAMP and BOOL, which SQLite itself does not know).
 * Without a declared type (an expression) the first row's value decides.
 * A value keeps its own storage class except in a datetime column, where
 * Kamailio's text 'YYYY-MM-DD HH:MM:SS[.ffffff]' and integer epoch seconds
 * become datetime values, and in a bool column, where integers become bool.
 */
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

/* Whether the declared type contains word, in any case. */
static bool has(const char *decl, const char *word)
{
    return strcasestr(decl, word) != NULL;
}

dbd_type sqlc_decl_type(const char *decl)
{
    if (decl == NULL || decl[0] == '\0')
        return DBD_TYPE_NULL;
    if (has(decl, "DATE") || has(decl, "TIMESTAMP"))
        return DBD_TYPE_DATETIME;
    if (has(decl, "BOOL"))
        return DBD_TYPE_BOOL;
    /* SQLite's affinity rules, in their order */
    if (has(decl, "INT"))
        return DBD_TYPE_INT;
    if (has(decl, "CHAR") || has(decl, "CLOB") || has(decl, "TEXT"))
        return DBD_TYPE_STRING;
    if (has(decl, "BLOB"))
        return DBD_TYPE_BLOB;
    /* REAL, FLOA, DOUB and NUMERIC affinity alike: numbers that may have a
     * fraction */
    return DBD_TYPE_DOUBLE;
}

/* The dbd type of a value's storage class. */
static dbd_type storage_type(int sqlite_type)
{
    switch (sqlite_type) {
    case SQLITE_INTEGER:
        return DBD_TYPE_INT;
    case SQLITE_FLOAT:
        return DBD_TYPE_DOUBLE;
    case SQLITE_TEXT:
        return DBD_TYPE_STRING;
    case SQLITE_BLOB:
        return DBD_TYPE_BLOB;
    default:
        return DBD_TYPE_NULL;
    }
}

/* Column i of the current row as decl (the declared dbd type) asks. */
static int column_value(sqlite3 *db, sqlite3_stmt *st, int i, dbd_type decl,
                        dbd_value *out)
{
    static const int64_t max_seconds = INT64_MAX / 1000000;

    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: {
        int64_t n = sqlite3_column_int64(st, i);
        if (decl == DBD_TYPE_DATETIME && n <= max_seconds && n >= -max_seconds)
            *out = dbd_datetime(n * 1000000);
        else if (decl == DBD_TYPE_BOOL)
            *out = dbd_bool(n != 0);
        else
            *out = dbd_int(n);
        return 0;
    }
    case SQLITE_FLOAT:
        *out = dbd_double(sqlite3_column_double(st, i));
        return 0;
    case SQLITE_TEXT: {
        const char *p = (const char *)sqlite3_column_text(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        int64_t usec;
        if (p == NULL && sqlite3_errcode(db) == SQLITE_NOMEM)
            return -1;
        if (p == NULL)
            p = "";
        if (decl == DBD_TYPE_DATETIME && dbd_datetime_parse(p, n, &usec))
            *out = dbd_datetime(usec);
        else
            *out = dbd_string(p, n);
        return 0;
    }
    case SQLITE_BLOB: {
        const void *p = sqlite3_column_blob(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        if (p == NULL && n > 0)
            return -1;
        *out = dbd_blob(p != NULL ? p : "", n);
        return 0;
    }
    default:
        *out = dbd_null();
        return 0;
    }
}

static dbd_status stopped(dbd_exec_info *info)
{
    return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                     "the receiver stopped the result");
}

static dbd_status out_of_memory(dbd_exec_info *info)
{
    return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                     "out of memory reading a result");
}

dbd_status sqlc_stream(sqlite3 *db, sqlite3_stmt *st, const dbd_sink *sink,
                       dbd_exec_info *info)
{
    size_t n = (size_t)sqlite3_column_count(st);
    size_t alloc = n > 0 ? n : 1;
    const char **names = calloc(alloc, sizeof *names);
    dbd_type *decl = calloc(alloc, sizeof *decl);
    dbd_type *types = calloc(alloc, sizeof *types);
    dbd_value *vals = calloc(alloc, sizeof *vals);
    dbd_status status = DBD_OK;
    int rc;

    if (names == NULL || decl == NULL || types == NULL || vals == NULL) {
        status = out_of_memory(info);
        goto out;
    }
    /* Step first: without a declared type the first row tells the type,
     * and names are final only once a schema change re-prepared st. */
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        status = sqlc_error(db, rc, "query failed", info->msg,
                            sizeof info->msg);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = sqlite3_column_name(st, (int)i);
        if (names[i] == NULL) {
            status = out_of_memory(info);
            goto out;
        }
        decl[i] = sqlc_decl_type(sqlite3_column_decltype(st, (int)i));
        types[i] = decl[i];
        if (types[i] == DBD_TYPE_NULL && rc == SQLITE_ROW)
            types[i] = storage_type(sqlite3_column_type(st, (int)i));
    }
    if (sink != NULL && sink->columns != NULL &&
        sink->columns(sink->ctx, n, names, types) != 0) {
        status = stopped(info);
        goto out;
    }
    while (rc == SQLITE_ROW) {
        for (size_t i = 0; i < n; i++) {
            if (column_value(db, st, (int)i, decl[i], &vals[i]) != 0) {
                status = out_of_memory(info);
                goto out;
            }
        }
        if (sink != NULL && sink->row != NULL &&
            sink->row(sink->ctx, vals) != 0) {
            status = stopped(info);
            goto out;
        }
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE)
        status = sqlc_error(db, rc, "query failed", info->msg,
                            sizeof info->msg);
out:
    free(names);
    free(decl);
    free(types);
    free(vals);
    return status;
}
