/*
 * pgsql_stmt.c - preparing statements on the server and keeping them in
 * the connection's cache.
 *
 * A statement is prepared with the types of the values bound to it (see
 * pgsql_params.c), then described once: when every result column is of a
 * type read from the binary format, the statement asks for binary results
 * (exact doubles and datetimes, raw bytea), else for text.
 */
#include "pgsql_int.h"

#include <stdio.h>

/* Best effort: a statement that cannot be deallocated lives on in the
 * session, harmless under its unique name, until the connection closes. */
static void deallocate(pgc_conn *c, const char *name)
{
    char sql[PGC_NAME_MAX + 32];
    PGresult *res;

    if (name[0] == '\0' || PQstatus(c->pg) == CONNECTION_BAD)
        return;
    snprintf(sql, sizeof sql, "DEALLOCATE \"%s\"", name);
    res = PQexec(c->pg, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        pgc_log(c, DBD_LOG_DEBUG, "cannot deallocate %s: %s", name,
                PQresultErrorMessage(res));
    PQclear(res);
}

void pgc_forget(pgc_conn *c, const char *key)
{
    char name[PGC_NAME_MAX];
    pgc_cache_drop(c->cache, key, name);
    deallocate(c, name);
}

/* Binary results when every column can be read from them. */
static dbd_status describe(pgc_conn *c, pgc_stmt *st, dbd_exec_info *info)
{
    PGresult *res = PQdescribePrepared(c->pg, st->name);
    dbd_status status = DBD_OK;

    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        status = pgc_error(c, res, "cannot describe statement", info->msg,
                           sizeof info->msg);
        goto out;
    }
    st->format = PGC_FORMAT_BINARY;
    for (int i = 0; i < PQnfields(res); i++)
        if (!pgc_binary_known(PQftype(res, i)))
            st->format = PGC_FORMAT_TEXT;
out:
    PQclear(res);
    return status;
}

dbd_status pgc_prepare(pgc_conn *c, const char *key, const char *text,
                       bool returning, const pgc_stmt **out,
                       dbd_exec_info *info)
{
    pgc_stmt st = {.nparams = (int)c->params.n, .returning = returning};
    char evicted[PGC_NAME_MAX];
    dbd_status status = pgc_check_conn(c, info);
    PGresult *res;

    *out = NULL;
    if (status != DBD_OK)
        return status;
    snprintf(st.name, sizeof st.name, "dbd_%lu", ++c->next_name);
    res = PQprepare(c->pg, st.name, text, st.nparams, c->params.types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        status = pgc_error(c, res, "cannot prepare statement", info->msg,
                           sizeof info->msg);
        PQclear(res);
        return status;
    }
    PQclear(res);
    status = describe(c, &st, info);
    if (status == DBD_OK) {
        *out = pgc_cache_put(c->cache, key, &st, evicted);
        if (*out == NULL)
            status = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                               "out of memory caching a statement");
        else
            deallocate(c, evicted);
    }
    if (status != DBD_OK)
        deallocate(c, st.name);
    return status;
}
