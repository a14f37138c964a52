/*
 * sqlite.c - the sqlite connector: its descriptor, and opening, closing
 * and pinging a connection to a database file (sqlite://PATH).
 *
 * Each connection is its own sqlite3 handle opened with
 * SQLITE_OPEN_NOMUTEX: the daemon uses a connection from one thread at a
 * time, so SQLite's own locking would only cost.  Files are put in WAL
 * mode with a busy timeout so that a pool of connections (and other
 * processes) can read while one writes.
 */
#include "sqlite_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Refuses early, with a message an operator can act on, what SQLite would
 * only call "unable to open database file". */
static dbd_status check_path(const char *path, const sqlc_opts *o, char *err,
                             size_t errlen)
{
    struct stat sb;
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    dbd_status status = DBD_OK;

    if (strcmp(path, ":memory:") == 0)
        return DBD_OK;
    if (slash == NULL)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
    bool found = stat(dir, &sb) == 0;
    if (!found || !S_ISDIR(sb.st_mode)) {
        const char *why = "is not a directory";
        if (!found)
            why = errno == ENOENT ? "does not exist" : strerror(errno);
        status = dbd_failf(DBD_UNAVAILABLE, err, errlen,
                           "cannot open sqlite database %.200s: directory "
                           "%.200s %s", path, dir, why);
        goto out;
    }
    if ((o->readonly || !o->create) && stat(path, &sb) != 0)
        status = dbd_failf(DBD_UNAVAILABLE, err, errlen,
                           "cannot open sqlite database %.200s: %s (and %s)",
                           path, strerror(errno),
                           o->readonly ? "mode=ro" : "create=no");
out:
    free(dir);
    return status;
}

/* WAL is what makes a pool work; say so when the file cannot do it
 * (":memory:" answers "memory"), but keep serving. */
static dbd_status set_journal_mode(sqlc_conn *c, const char *mode, char *err,
                                   size_t errlen)
{
    char sql[64];
    sqlite3_stmt *st = NULL;
    dbd_status status = DBD_OK;

    snprintf(sql, sizeof sql, "PRAGMA journal_mode=%s", mode);
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        status = sqlc_error(c->db, rc, "cannot set journal_mode", err,
                            errlen);
        goto out;
    }
    const char *now = rc == SQLITE_ROW
                          ? (const char *)sqlite3_column_text(st, 0)
                          : NULL;
    if (now == NULL || strcasecmp(now, mode) != 0)
        sqlc_log(c, DBD_LOG_NOTICE, "%s: journal_mode is %s, not %s",
                 c->path, now != NULL ? now : "unknown", mode);
out:
    sqlite3_finalize(st);
    return status;
}

static dbd_status run_pragma(sqlc_conn *c, const char *sql, char *err,
                             size_t errlen)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return DBD_OK;
    return sqlc_error(c->db, rc, sql, err, errlen);
}

static dbd_status configure(sqlc_conn *c, const sqlc_opts *o, char *err,
                            size_t errlen)
{
    char sql[64];
    dbd_status status;

    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, o->busy_timeout_ms);
#ifdef SQLITE_DBCONFIG_DQS_DML
    /* Otherwise a quoted name that matches no column silently becomes a
     * string literal: "zz" = ? would compare text instead of failing with
     * "no such column". */
    sqlite3_db_config(c->db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
    sqlite3_db_config(c->db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
#endif
    /* Reads the header: a file that is not a database fails here. */
    status = run_pragma(c, "PRAGMA schema_version", err, errlen);
    if (status == DBD_OK && (!o->readonly || o->journal_mode_given))
        status = set_journal_mode(c, o->journal_mode, err, errlen);
    if (status == DBD_OK) {
        snprintf(sql, sizeof sql, "PRAGMA synchronous=%s", o->synchronous);
        status = run_pragma(c, sql, err, errlen);
    }
    if (status == DBD_OK)
        status = run_pragma(c, o->foreign_keys ? "PRAGMA foreign_keys=ON"
                                               : "PRAGMA foreign_keys=OFF",
                            err, errlen);
    if (status == DBD_OK && o->cache_size_given) {
        snprintf(sql, sizeof sql, "PRAGMA cache_size=%d", o->cache_size);
        status = run_pragma(c, sql, err, errlen);
    }
    if (status == DBD_OK) {
        snprintf(sql, sizeof sql, "PRAGMA mmap_size=%lld", o->mmap_size);
        status = run_pragma(c, sql, err, errlen);
    }
    /* A setting SQLite refused is the datasource's configuration. */
    return status == DBD_BAD ? DBD_CONFIG : status;
}

static void sqlc_close(void *conn)
{
    sqlc_conn *c = conn;
    if (c == NULL)
        return;
    dbd_stmt_cache_destroy(&c->cache);
    dbd_sql_stmt_destroy(&c->sql);
    sqlc_row_space_free(&c->rows);
    sqlite3_close_v2(c->db);
    free(c->path);
    free(c);
}

static dbd_status sqlc_open(const dbd_host *host, const dbd_url *url,
                            const dbd_option *opts, size_t nopts, void **pconn,
                            char *err, size_t errlen)
{
    sqlc_conn *c = NULL;
    sqlc_opts o;
    dbd_status status;
    int flags = SQLITE_OPEN_NOMUTEX;
    int rc;

    *pconn = NULL;
    status = sqlc_opts_parse(&o, opts, nopts, err, errlen);
    if (status != DBD_OK)
        goto out;
    if (url == NULL || url->target == NULL || url->target[0] == '\0') {
        status = dbd_failf(DBD_CONFIG, err, errlen,
                           "sqlite URL names no database file "
                           "(want sqlite://PATH)");
        goto out;
    }
    status = check_path(url->target, &o, err, errlen);
    if (status != DBD_OK)
        goto out;
    c = calloc(1, sizeof *c);
    if (c == NULL || (c->path = strdup(url->target)) == NULL ||
        (c->cache = sqlc_stmt_cache_new(o.stmt_cache)) == NULL ||
        (c->sql = dbd_sql_stmt_new(&dbd_sql_dialect_sqlite)) == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    c->host = host;
    if (o.readonly)
        flags |= SQLITE_OPEN_READONLY;
    else
        flags |= SQLITE_OPEN_READWRITE | (o.create ? SQLITE_OPEN_CREATE : 0);
#ifdef SQLITE_OPEN_EXRESCODE
    flags |= SQLITE_OPEN_EXRESCODE;
#endif
    rc = sqlite3_open_v2(c->path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        char what[256];
        snprintf(what, sizeof what, "cannot open sqlite database %.200s",
                 c->path);
        status = sqlc_error(c->db, rc, what, err, errlen);
        goto out;
    }
    status = configure(c, &o, err, errlen);
    if (status != DBD_OK)
        goto out;
    sqlc_log(c, DBD_LOG_DEBUG, "opened %s%s", c->path,
             o.readonly ? " read-only" : "");
    *pconn = c;
    c = NULL;
out:
    sqlc_close(c);
    return status;
}

/* SELECT 1 proves the handle works; a file removed or replaced under it
 * (an operator restoring a backup, say) would go unnoticed in WAL mode, so
 * ask SQLite whether the file moved. */
static dbd_status sqlc_ping(void *conn, dbd_exec_info *info)
{
    sqlc_conn *c = conn;
    dbd_exec_info scratch;
    sqlite3_stmt *st = NULL;
    int moved = 0;

    info = dbd_exec_info_begin(info, &scratch);
    if (sqlite3_file_control(c->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) ==
            SQLITE_OK && moved)
        return dbd_failf(DBD_UNAVAILABLE, info->msg, sizeof info->msg,
                         "sqlite database %.200s was removed or replaced",
                         c->path);
    dbd_status status = sqlc_prepare_cached(c, "!ping", "SELECT 1", 8, &st,
                                            NULL, info);
    if (status == DBD_OK) {
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            status = sqlc_error(c->db, rc, "ping failed", info->msg,
                                sizeof info->msg);
    }
    sqlc_release(st);
    return status;
}

const struct dbd_connector dbd_connector = {
    .abi = DBD_CONNECTOR_ABI,
    .size = sizeof(struct dbd_connector),
    .scheme = "sqlite",
    .description = "SQLite " SQLITE_VERSION " database files",
    .caps = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE | DBD_CAP_DELETE |
            DBD_CAP_REPLACE | DBD_CAP_TRANSACTION | DBD_CAP_RAW |
            DBD_CAP_ORDER | DBD_CAP_LIMIT | DBD_CAP_BITAND | DBD_CAP_LAST_ID |
            DBD_CAP_UNIQUE,
    .open = sqlc_open,
    .close = sqlc_close,
    .ping = sqlc_ping,
    .exec = sqlc_exec,
    .begin = sqlc_begin,
    .commit = sqlc_commit,
    .rollback = sqlc_rollback,
    .raw = sqlc_raw,
};
