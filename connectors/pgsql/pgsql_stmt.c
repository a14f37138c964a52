/*
 * pgsql_stmt.c - preparing statements on the server and keeping them in
 * the connection's cache.
 *
 * The cache holds each pgc_stmt (allocated) as its statement and hands
 * back to release_cached() the ones it lets go, evicted or dropped, for
 * deallocation on the server.  Prepared statements live in the server
 * session, so a cache emptied because its session ended (a reset, the
 * connection closing) has nothing to deallocate.
 *
 * A statement is prepared with the types of the values bound to it (see
 * pgsql_params.c), then described once: when every result column is of a
 * type read from the binary format, the statement asks for binary results
 * (exact doubles and datetimes, raw bytea), else for text.
 *
 * A statement is prepared again after 64, 128, 256, ... runs, then every
 * 65536.  The server plans a prepared statement afresh for its first five
 * runs, then may keep one generic plan, costed with the table sizes of
 * that moment, until an ANALYZE of its tables (autovacuum's, a minute or
 * more later, if it runs at all).  A statement first run while its table
 * was empty, as location is on a new system, would otherwise keep a
 * sequential scan however large the table grows: measured, 700 µs instead
 * of 20 per location lookup at 10,000 rows.  Each new preparation costs
 * one Parse and five custom plans.
 */
#include "pgsql_int.h"

#include <stdio.h>
#include <stdlib.h>

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

/* The cache's release callback. */
static void release_cached(void *ctx, void *stmt, void *extra)
{
    pgc_conn *c = ctx;
    pgc_stmt *st = stmt;
    (void)extra;
    if (c->pg != NULL && st->session_no == c->session_no)
        deallocate(c, st->name);
    free(st);
}

dbd_stmt_cache *pgc_stmt_cache_new(pgc_conn *c, size_t capacity)
{
    return dbd_stmt_cache_new(capacity, 0, release_cached, c);
}

void pgc_forget(pgc_conn *c, const char *key)
{
    dbd_stmt_cache_drop(c->cache, key);
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

const pgc_stmt *pgc_cached(pgc_conn *c, const char *key,
                           unsigned long *replan_after)
{
    pgc_stmt *st = dbd_stmt_cache_get(c->cache, key, NULL);

    if (st == NULL)
        return NULL;
    if (st->runs < st->replan_after) {
        st->runs++;
        return st;
    }
    *replan_after = st->replan_after >= PGC_REPLAN_EVERY / 2
                        ? PGC_REPLAN_EVERY
                        : st->replan_after * 2;
    pgc_forget(c, key);
    return NULL;
}

dbd_status pgc_prepare(pgc_conn *c, const char *key, const char *text,
                       bool returning, unsigned long replan_after,
                       const pgc_stmt **out, dbd_exec_info *info)
{
    pgc_stmt st = {.nparams = (int)c->params.n, .returning = returning,
                   .session_no = c->session_no,
                   .replan_after = replan_after};
    pgc_stmt *kept = NULL;
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
        /* a full cache evicts (and deallocates) its least recently used */
        kept = malloc(sizeof *kept);
        if (kept != NULL) {
            *kept = st;
            if (dbd_stmt_cache_put(c->cache, key, kept, NULL) != 0) {
                free(kept);
                kept = NULL;
            }
        }
        if (kept == NULL)
            status = dbd_failf(DBD_INTERNAL, info->msg, sizeof info->msg,
                               "out of memory caching a statement");
        else
            *out = kept;
    }
    if (status != DBD_OK)
        deallocate(c, st.name);
    return status;
}
