/*
 * sqlite_stmt.c - running statements: the cached prepare, stepping to the
 * end, releasing, and the counters SQLite keeps per connection.
 */
#include "sqlite_int.h"

#include <limits.h>
#include <string.h>

int64_t sqlc_changes(sqlite3 *db)
{
#if SQLITE_VERSION_NUMBER >= 3037000
    return sqlite3_changes64(db);
#else
    return sqlite3_changes(db);
#endif
}

int64_t sqlc_total_changes(sqlite3 *db)
{
#if SQLITE_VERSION_NUMBER >= 3037000
    return sqlite3_total_changes64(db);
#else
    return sqlite3_total_changes(db);
#endif
}

/* The cache's release callback: a statement goes with its column facts. */
static void release_cached(void *ctx, void *stmt, void *extra)
{
    (void)ctx;
    sqlite3_finalize(stmt);
    sqlc_cols_free(extra);
}

dbd_stmt_cache *sqlc_stmt_cache_new(size_t capacity)
{
    return dbd_stmt_cache_new(capacity, sizeof(sqlc_cols), release_cached,
                              NULL);
}

static bool has_text(void *stmt, const void *text)
{
    const char *sql = sqlite3_sql(stmt);
    return sql != NULL && strcmp(sql, text) == 0;
}

sqlite3_stmt *sqlc_cached(sqlc_conn *c, const char *key, const char *text,
                          sqlc_cols **cols)
{
    void *area = NULL;
    sqlite3_stmt *st = dbd_stmt_cache_get_if(c->cache, key,
                                             text != NULL ? has_text : NULL,
                                             text, &area);
    if (st != NULL && cols != NULL)
        *cols = area;
    return st;
}

dbd_status sqlc_prepare_cached(sqlc_conn *c, const char *key,
                               const char *text, size_t len,
                               sqlite3_stmt **out, sqlc_cols **cols,
                               dbd_exec_info *info)
{
    sqlite3_stmt *st = sqlc_cached(c, key, text, cols);
    if (st != NULL) {
        *out = st;
        return DBD_OK;
    }
    return sqlc_prepare_put(c, key, text, len, out, cols, info);
}

dbd_status sqlc_prepare_put(sqlc_conn *c, const char *key, const char *text,
                            size_t len, sqlite3_stmt **out, sqlc_cols **cols,
                            dbd_exec_info *info)
{
    sqlite3_stmt *st = NULL;

    *out = NULL;
    if (len >= INT_MAX)
        return dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                         "statement of %zu bytes is too long", len);
    /* len + 1: the text is NUL-terminated, which spares SQLite a copy */
    int rc = sqlite3_prepare_v3(c->db, text, (int)len + 1,
                                SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK)
        return sqlc_error(c->db, rc, "cannot prepare statement", info->msg,
                          sizeof info->msg);
    if (st == NULL)
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "empty statement text");
    void *area = NULL;
    if (dbd_stmt_cache_put(c->cache, key, st, &area) != 0) {
        sqlite3_finalize(st);
        return dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                         "out of memory caching a statement");
    }
    if (cols != NULL)
        *cols = area;
    *out = st;
    return DBD_OK;
}

dbd_status sqlc_step_done(sqlite3 *db, sqlite3_stmt *st, dbd_exec_info *info)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE)
        return sqlc_error(db, rc, "statement failed", info->msg,
                          sizeof info->msg);
    return DBD_OK;
}

void sqlc_release(sqlite3_stmt *st)
{
    if (st == NULL)
        return;
    /* reset repeats the last step's error, which was already reported */
    (void)sqlite3_reset(st);
    (void)sqlite3_clear_bindings(st);
}

dbd_status sqlc_run_simple(sqlc_conn *c, const char *key, const char *text,
                           dbd_exec_info *info)
{
    sqlite3_stmt *st = NULL;
    dbd_status status = sqlc_prepare_cached(c, key, text, strlen(text), &st,
                                            NULL, info);
    if (status == DBD_OK)
        status = sqlc_step_done(c->db, st, info);
    sqlc_release(st);
    return status;
}
