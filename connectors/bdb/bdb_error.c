/*
 * bdb_error.c - Berkeley DB return codes onto the dbd status table, and
 * the error callback that keeps Berkeley DB's own explanation for the
 * message.
 *
 * A deadlock or a lock wait that timed out is BUSY (the single operations
 * outside a batch retry a deadlock first, see bdb_exec.c); a panicked
 * environment (DB_RUNRECOVERY), a missing file or an I/O error is
 * UNAVAILABLE, so the daemon reopens the connection, and reopening runs
 * recovery once no other connection uses the environment.
 */
#include "bdb_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void bdb_errcall(const DB_ENV *env, const char *prefix, const char *msg)
{
    (void)prefix;
    bdb_conn *c = env->app_private;
    if (c != NULL)
        snprintf(c->dbmsg, sizeof c->dbmsg, "%s", msg);
}

DBT bdb_dbt(const void *data, size_t size)
{
    DBT d;
    memset(&d, 0, sizeof d);
    d.data = (void *)data;
    d.size = (u_int32_t)size;
    return d;
}

static dbd_status status_of(bdb_conn *c, int ret)
{
    switch (ret) {
    case 0:
        return DBD_OK;
    case DB_KEYEXIST:
        return DBD_CONSTRAINT;
    case DB_LOCK_DEADLOCK:
        c->deadlock = true;
        return DBD_BUSY;
    case DB_LOCK_NOTGRANTED:
        return DBD_BUSY;
    case DB_RUNRECOVERY:
    case DB_VERSION_MISMATCH:
    case ENOENT:
    case EIO:
    case ENOSPC:
    case EROFS:
    case EACCES:
    case EPERM:
        return DBD_UNAVAILABLE;
    case EINVAL:
        /* A duplicate in a unique secondary index: checked before every
         * write, so this is a safety net. */
        if (strstr(c->dbmsg, "BDB0695") != NULL)
            return DBD_CONSTRAINT;
        return DBD_INTERNAL;
    default:
        return DBD_INTERNAL;
    }
}

dbd_status bdb_fail(bdb_conn *c, int ret, const char *what, char *msg,
                    size_t msglen)
{
    dbd_status st = status_of(c, ret);
    const char *why = db_strerror(ret);
    if (ret == DB_LOCK_NOTGRANTED)
        why = "a lock wait timed out (lock_timeout)";
    else if (ret == DB_LOCK_DEADLOCK)
        why = "deadlock with another transaction";
    if (c->dbmsg[0] != '\0' && ret != DB_LOCK_DEADLOCK &&
        ret != DB_LOCK_NOTGRANTED)
        dbd_errf(msg, msglen, "%s: %s (%s)", what, why, c->dbmsg);
    else
        dbd_errf(msg, msglen, "%s: %s", what, why);
    c->dbmsg[0] = '\0';
    return st;
}
