/*
 * sqlite_error.c - SQLite result codes onto the dbd status table.
 *
 * The extended code is looked up first, then its primary code.  The
 * connection-breaking classes (cannot open, I/O error, corruption, not a
 * database, disk full) become UNAVAILABLE so that the daemon reopens the
 * file; a plain SQLITE_ERROR is the request's fault (BAD) unless its text
 * says a table or column is missing (NOTFOUND).
 */
#include "sqlite_int.h"

#include <string.h>

typedef struct code_status {
    int code;
    dbd_status st;
} code_status;

static const code_status extended_map[] = {
    {SQLITE_IOERR_NOMEM, DBD_INTERNAL},
    /* the file was renamed or deleted under us: reopening finds it again */
    {SQLITE_READONLY_DBMOVED, DBD_UNAVAILABLE},
};

static const code_status primary_map[] = {
    {SQLITE_OK, DBD_OK},
    {SQLITE_ROW, DBD_OK},
    {SQLITE_DONE, DBD_OK},
    {SQLITE_ERROR, DBD_BAD},
    {SQLITE_INTERNAL, DBD_INTERNAL},
    {SQLITE_PERM, DBD_DENY},
    {SQLITE_ABORT, DBD_INTERNAL},
    {SQLITE_BUSY, DBD_BUSY},
    {SQLITE_LOCKED, DBD_BUSY},
    {SQLITE_NOMEM, DBD_INTERNAL},
    {SQLITE_READONLY, DBD_DENY},
    {SQLITE_INTERRUPT, DBD_TIMEOUT},
    {SQLITE_IOERR, DBD_UNAVAILABLE},
    {SQLITE_CORRUPT, DBD_UNAVAILABLE},
    {SQLITE_NOTFOUND, DBD_INTERNAL},
    {SQLITE_FULL, DBD_UNAVAILABLE},
    {SQLITE_CANTOPEN, DBD_UNAVAILABLE},
    {SQLITE_PROTOCOL, DBD_BUSY},
    {SQLITE_EMPTY, DBD_INTERNAL},
    {SQLITE_SCHEMA, DBD_BUSY},
    {SQLITE_TOOBIG, DBD_BAD},
    {SQLITE_CONSTRAINT, DBD_CONSTRAINT},
    {SQLITE_MISMATCH, DBD_BAD},
    {SQLITE_MISUSE, DBD_INTERNAL},
    {SQLITE_NOLFS, DBD_UNAVAILABLE},
    {SQLITE_AUTH, DBD_DENY},
    {SQLITE_FORMAT, DBD_INTERNAL},
    {SQLITE_RANGE, DBD_BAD},
    {SQLITE_NOTADB, DBD_UNAVAILABLE},
};

/* Texts SQLite uses for a missing table or column (prepare time). */
static const char *const notfound_texts[] = {
    "no such table",
    "no such column",
    "has no column named",
};

dbd_status sqlc_status_of(int rc, const char *msg)
{
    for (size_t i = 0; i < sizeof extended_map / sizeof extended_map[0]; i++)
        if (extended_map[i].code == rc)
            return extended_map[i].st;
    int primary = rc & 0xff;
    if (primary == SQLITE_ERROR && msg != NULL)
        for (size_t i = 0;
             i < sizeof notfound_texts / sizeof notfound_texts[0]; i++)
            if (strstr(msg, notfound_texts[i]) != NULL)
                return DBD_NOTFOUND;
    for (size_t i = 0; i < sizeof primary_map / sizeof primary_map[0]; i++)
        if (primary_map[i].code == primary)
            return primary_map[i].st;
    return DBD_INTERNAL;
}

dbd_status sqlc_error(sqlite3 *db, int rc, const char *what, char *msg,
                      size_t msglen)
{
    int code = rc;
    const char *text = sqlite3_errstr(rc);
    if (db != NULL) {
        /* The extended code refines rc unless another error replaced it. */
        int ext = sqlite3_extended_errcode(db);
        if ((ext & 0xff) == (rc & 0xff)) {
            code = ext;
            text = sqlite3_errmsg(db);
        }
    }
    dbd_status st = sqlc_status_of(code, text);
    if (st == DBD_OK) /* a caller only gets here on failure */
        st = DBD_INTERNAL;
    return dbd_failf(st, msg, msglen, "%s: %s (sqlite code %d)", what,
                     text != NULL ? text : "unknown error", code);
}
