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

void sqlc_row_space_free(sqlc_row_space *rs)
{
    free(rs->names);
    free(rs->types);
    free(rs->decl);
    free(rs->vals);
    memset(rs, 0, sizeof *rs);
}

/* Room for n (at least one) columns in the connection's working arrays.
 * An array already grown stays with the space when a later one fails. */
static int row_space_reserve(sqlc_row_space *rs, size_t n)
{
    const char **names;
    dbd_type *types, *decl;
    dbd_value *vals;

    if (n == 0)
        n = 1;
    if (n <= rs->cap)
        return 0;
    if ((names = realloc(rs->names, n * sizeof *names)) == NULL)
        return -1;
    rs->names = names;
    if ((types = realloc(rs->types, n * sizeof *types)) == NULL)
        return -1;
    rs->types = types;
    if ((decl = realloc(rs->decl, n * sizeof *decl)) == NULL)
        return -1;
    rs->decl = decl;
    if ((vals = realloc(rs->vals, n * sizeof *vals)) == NULL)
        return -1;
    rs->vals = vals;
    rs->cap = n;
    return 0;
}

void sqlc_cols_free(sqlc_cols *cols)
{
    free(cols->decl);
    memset(cols, 0, sizeof *cols);
}

/* The declared types of st's n columns: from cols when they are still
 * current, else worked out (and kept in cols when there is one).  NULL
 * when memory ran out. */
static const dbd_type *declared_types(sqlite3_stmt *st, size_t n,
                                      sqlc_cols *cols, dbd_type *scratch)
{
    const int reprepares = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_REPREPARE,
                                               0);
    dbd_type *decl = scratch;

    if (cols != NULL && cols->known && cols->n == n &&
        cols->reprepares == reprepares)
        return n > 0 ? cols->decl : scratch;
    if (cols != NULL && n > 0) {
        cols->known = false;
        if (n > cols->cap) {
            dbd_type *p = realloc(cols->decl, n * sizeof *p);
            if (p == NULL)
                return NULL;
            cols->decl = p;
            cols->cap = n;
        }
        decl = cols->decl;
    }
    for (size_t i = 0; i < n; i++)
        decl[i] = sqlc_decl_type(sqlite3_column_decltype(st, (int)i));
    if (cols != NULL) {
        /* known only now: a failure above leaves them to be redone */
        cols->n = n;
        cols->reprepares = reprepares;
        cols->known = true;
    }
    return decl;
}

dbd_status sqlc_stream(sqlc_conn *c, sqlite3_stmt *st, sqlc_cols *cols,
                       const dbd_sink *sink, dbd_exec_info *info)
{
    sqlite3 *db = c->db;
    sqlc_row_space *rs = &c->rows;
    size_t n;
    const dbd_type *decl;
    dbd_status status = DBD_OK;
    int rc;

    /* Step first: without a declared type the first row tells the type,
     * and names are final only once a schema change re-prepared st. */
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sqlc_error(db, rc, "query failed", info->msg,
                          sizeof info->msg);
    n = (size_t)sqlite3_column_count(st);
    if (row_space_reserve(rs, n) != 0)
        return out_of_memory(info);
    decl = declared_types(st, n, cols, rs->decl);
    if (decl == NULL)
        return out_of_memory(info);
    for (size_t i = 0; i < n; i++) {
        rs->names[i] = sqlite3_column_name(st, (int)i);
        if (rs->names[i] == NULL)
            return out_of_memory(info);
        rs->types[i] = decl[i];
        if (rs->types[i] == DBD_TYPE_NULL && rc == SQLITE_ROW)
            rs->types[i] = storage_type(sqlite3_column_type(st, (int)i));
    }
    if (sink != NULL && sink->columns != NULL &&
        sink->columns(sink->ctx, n, rs->names, rs->types) != 0)
        return stopped(info);
    while (rc == SQLITE_ROW) {
        for (size_t i = 0; i < n; i++)
            if (column_value(db, st, (int)i, decl[i], &rs->vals[i]) != 0)
                return out_of_memory(info);
        if (sink != NULL && sink->row != NULL &&
            sink->row(sink->ctx, rs->vals) != 0)
            return stopped(info);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE)
        status = sqlc_error(db, rc, "query failed", info->msg,
                            sizeof info->msg);
    return status;
}
