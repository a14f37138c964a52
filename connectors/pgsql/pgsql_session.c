/*
 * pgsql_session.c - the server session behind a connection: set up after
 * connecting, and checked before each operation.
 *
 * Set-up makes values read back exact and independent of the server's
 * defaults: TimeZone UTC (dbd datetimes are UTC; a timestamp without time
 * zone is read and written as UTC), ISO dates, shortest-exact float text,
 * hex bytea, and the statement and lock timeouts the options ask for.
 *
 * A session the server ended while the connection sat idle (a restart,
 * pg_terminate_backend, idle_session_timeout) has left its goodbye on the
 * socket.  It is noticed before anything is sent, without a round trip,
 * and the session is opened again in place: nothing of the request ran
 * yet, so it can run on the new session instead of failing.  Inside a
 * transaction that cannot be done: the operation fails with UNAVAILABLE.
 */
#include "pgsql_int.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

/* PostgreSQL 10: identity columns, to_regclass(text); 9.5 would do for
 * ON CONFLICT, but every release before 12 is out of support anyway. */
#define MIN_SERVER_VERSION 100000

void pgc_session_sql(const pgc_opts *o, char *out, size_t outlen)
{
    int n = snprintf(out, outlen,
                     "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
                     "SET IntervalStyle = 'postgres'; "
                     "SET extra_float_digits = 3; SET bytea_output = 'hex'");
    if (n > 0 && (size_t)n < outlen && o->statement_timeout >= 0)
        n += snprintf(out + n, outlen - (size_t)n,
                      "; SET statement_timeout = %d", o->statement_timeout);
    if (n > 0 && (size_t)n < outlen && o->lock_timeout >= 0)
        snprintf(out + n, outlen - (size_t)n, "; SET lock_timeout = %d",
                 o->lock_timeout);
}

dbd_status pgc_session_set_up(pgc_conn *c, char *err, size_t errlen)
{
    dbd_exec_info info;

    dbd_exec_info_begin(&info, NULL);
    if (PQserverVersion(c->pg) < MIN_SERVER_VERSION)
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "PostgreSQL server version %d is too old (10 or "
                         "later needed)", PQserverVersion(c->pg));
    /* Binary timestamps are 64-bit integers only with this on (the only
     * choice since PostgreSQL 10). */
    const char *idt = PQparameterStatus(c->pg, "integer_datetimes");
    if (idt == NULL || strcmp(idt, "on") != 0)
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "server has integer_datetimes off");
    dbd_status status = pgc_run_simple(c, c->session_sql,
                                       "cannot set up the session", NULL,
                                       &info);
    if (status != DBD_OK)
        dbd_errf(err, errlen, "%s", info.msg);
    return status;
}

/* true when the server closed the idle session.  Anything readable while
 * no statement runs is a notification, a parameter change or the
 * server's goodbye; libpq reads it and says which. */
static bool closed_while_idle(pgc_conn *c)
{
    struct pollfd p = {.fd = PQsocket(c->pg), .events = POLLIN};
    PGnotify *note;

    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return false; /* the next statement will find out */
    if (p.fd < 0)
        return true;
    /* The goodbye is a FATAL message, then the end of the stream: libpq
     * takes one read for each.  A few rounds, not forever, in case
     * notifications keep coming. */
    for (int round = 0; round < 4 && poll(&p, 1, 0) > 0; round++) {
        if (!PQconsumeInput(c->pg))
            return true;
        while ((note = PQnotifies(c->pg)) != NULL)
            PQfreemem(note);
    }
    /* the FATAL may come a moment before the end of the stream */
    return PQstatus(c->pg) == CONNECTION_BAD || c->goodbye;
}

dbd_status pgc_ready(pgc_conn *c, dbd_exec_info *info)
{
    char why[256];

    if (PQstatus(c->pg) == CONNECTION_OK && !closed_while_idle(c))
        return DBD_OK;
    if (c->in_txn)
        return pgc_error(c, NULL, "connection lost in a transaction",
                         info->msg, sizeof info->msg);
    dbd_errf(why, sizeof why, "%s", PQstatus(c->pg) == CONNECTION_BAD
                                        ? PQerrorMessage(c->pg)
                                        : "it sent FATAL");
    pgc_one_line(why);
    c->session_no++; /* whatever happens, the old session is over */
    PQreset(c->pg);
    c->goodbye = false;
    if (PQstatus(c->pg) != CONNECTION_OK)
        return pgc_error(c, NULL, "connection lost and cannot be opened "
                         "again", info->msg, sizeof info->msg);
    /* the old session's statements died with it */
    dbd_stmt_cache_clear(c->cache);
    dbd_status status = pgc_session_set_up(c, info->msg, sizeof info->msg);
    if (status != DBD_OK)
        return DBD_UNAVAILABLE; /* let the daemon open it from scratch */
    pgc_log(c, DBD_LOG_NOTICE, "the server closed the idle session (%s); "
            "opened a new one", why);
    return DBD_OK;
}
