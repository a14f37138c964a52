/*
 * pgsql.c - the pgsql connector: its descriptor, and opening, closing and
 * pinging a connection to a PostgreSQL server
 * (pgsql://user:password@host:port/dbname?libpq-keyword=value...).
 *
 * Each connection is one libpq session (see pgsql_session.c for how it is
 * set up).  Prepared statements belong to the session, so the statement
 * cache is made and dropped with it.
 */
#include "pgsql_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Server notices go to the daemon's log instead of libpq's stderr.  An
 * error that arrives while no statement runs comes here too: a FATAL one
 * is the server ending the session. */
static void notice(void *arg, const PGresult *res)
{
    pgc_conn *c = arg;
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char *text = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    int level = DBD_LOG_DEBUG;
    if (sev != NULL && strcmp(sev, "WARNING") == 0)
        level = DBD_LOG_WARNING;
    if (sev != NULL && (strcmp(sev, "FATAL") == 0 ||
                        strcmp(sev, "PANIC") == 0)) {
        level = DBD_LOG_WARNING;
        c->goodbye = true;
    }
    pgc_log(c, level, "server %s: %s", sev != NULL ? sev : "notice",
            text != NULL ? text : "");
}

static void pgc_close(void *conn)
{
    pgc_conn *c = conn;
    if (c == NULL)
        return;
    /* first: the notice receiver points at c */
    PQfinish(c->pg);
    c->pg = NULL; /* the statements end with the session, nothing to
                     deallocate */
    dbd_stmt_cache_destroy(&c->cache);
    pgc_serials_destroy(&c->serials);
    dbd_sql_stmt_destroy(&c->sql);
    pgc_params_free(&c->params);
    pgc_rows_free(&c->rows);
    dbd_buf_free(&c->key);
    dbd_buf_free(&c->text);
    free(c);
}

/* host:port/dbname as libpq resolved them, for messages. */
static void describe_target(const pgc_conn *c, const pgc_opts *o, char *out,
                            size_t outlen)
{
    const char *host = c->pg != NULL ? PQhost(c->pg) : NULL;
    const char *port = c->pg != NULL ? PQport(c->pg) : NULL;
    const char *db = c->pg != NULL ? PQdb(c->pg) : NULL;
    if (host == NULL || host[0] == '\0')
        host = pgc_opts_get(o, "host");
    if (port == NULL || port[0] == '\0')
        port = pgc_opts_get(o, "port");
    if (db == NULL || db[0] == '\0')
        db = pgc_opts_get(o, "dbname");
    snprintf(out, outlen, "%.200s:%.16s/%.64s", host ? host : "(default)",
             port ? port : "(default)", db ? db : "(default)");
}

static dbd_status pgc_open(const dbd_host *host, const dbd_url *url,
                           const dbd_option *opts, size_t nopts, void **pconn,
                           char *err, size_t errlen)
{
    pgc_conn *c = NULL;
    pgc_opts o;
    dbd_status status;
    char target[300];

    *pconn = NULL;
    status = pgc_opts_parse(&o, url, opts, nopts, err, errlen);
    if (status != DBD_OK)
        goto out;
    c = calloc(1, sizeof *c);
    if (c == NULL ||
        (c->cache = pgc_stmt_cache_new(c, o.stmt_cache)) == NULL ||
        (c->serials = pgc_serials_new()) == NULL ||
        (c->sql = dbd_sql_stmt_new(&dbd_sql_dialect_postgresql)) == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    c->host = host;
    c->numeric_double = o.numeric_double;
    dbd_buf_init(&c->key);
    dbd_buf_init(&c->text);
    c->pg = PQconnectdbParams(o.kw, o.val, 0);
    if (c->pg == NULL) {
        status = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char why[400];
        describe_target(c, &o, target, sizeof target);
        dbd_errf(why, sizeof why, "%s", PQerrorMessage(c->pg));
        pgc_one_line(why);
        status = dbd_failf(DBD_UNAVAILABLE, err, errlen,
                           "cannot connect to PostgreSQL at %s: %s", target,
                           why);
        goto out;
    }
    PQsetNoticeReceiver(c->pg, notice, c);
    pgc_session_sql(&o, c->session_sql, sizeof c->session_sql);
    status = pgc_session_set_up(c, err, errlen);
    if (status != DBD_OK)
        goto out;
    describe_target(c, &o, target, sizeof target);
    pgc_log(c, DBD_LOG_DEBUG, "connected to PostgreSQL %d at %s",
            PQserverVersion(c->pg), target);
    *pconn = c;
    c = NULL;
out:
    pgc_close(c);
    pgc_opts_free(&o);
    return status;
}

/* An empty query: one round trip, nothing parsed or planned. */
static dbd_status pgc_ping(void *conn, dbd_exec_info *info)
{
    pgc_conn *c = conn;
    dbd_exec_info scratch;
    dbd_status status;

    info = dbd_exec_info_begin(info, &scratch);
    status = pgc_ready(c, info);
    if (status != DBD_OK)
        return status;
    PGresult *res = PQexec(c->pg, "");
    if (PQresultStatus(res) != PGRES_EMPTY_QUERY)
        status = pgc_error(c, res, "ping failed", info->msg,
                           sizeof info->msg);
    PQclear(res);
    return status;
}

const struct dbd_connector dbd_connector = {
    .abi = DBD_CONNECTOR_ABI,
    .size = sizeof(struct dbd_connector),
    .scheme = "pgsql",
    .description = "PostgreSQL servers through libpq",
    .caps = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE | DBD_CAP_DELETE |
            DBD_CAP_REPLACE | DBD_CAP_TRANSACTION | DBD_CAP_RAW |
            DBD_CAP_ORDER | DBD_CAP_LIMIT | DBD_CAP_BITAND | DBD_CAP_LAST_ID |
            DBD_CAP_UNIQUE,
    .open = pgc_open,
    .close = pgc_close,
    .ping = pgc_ping,
    .exec = pgc_exec,
    .begin = pgc_begin,
    .commit = pgc_commit,
    .rollback = pgc_rollback,
    .raw = pgc_raw,
};
