/*
 * pgsql_run.c - running a statement and reading its results.
 *
 * Statements that return rows run in libpq's single-row mode: each row
 * arrives as its own PGresult and goes to the sink at once, so a large
 * result is never held whole in libpq (or here).  The column names and
 * types come with the first row, or with the final (zero-row) result when
 * there are no rows, so an empty result reports its columns too.
 *
 * Every result is read to the end, even after an error or after the sink
 * asked to stop: the connection is ready for the next statement only once
 * libpq says the last result was read.
 */
#include "pgsql_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    pgc_conn *c;
    pgc_rows_to to;
    const dbd_sink *sink;
    dbd_exec_info *info;
    dbd_status status;  /* the first failure */
    size_t ncols;
    bool cols_done;     /* columns worked out (and reported) */
    bool dropping;      /* after a failure: rows are read and dropped */
    bool id_taken;
} reader;

void pgc_rows_free(pgc_rows *r)
{
    if (r->scratch != NULL)
        for (size_t i = 0; i < r->cap; i++)
            dbd_buf_free(&r->scratch[i]);
    free(r->names);
    free(r->types);
    free(r->oids);
    free(r->formats);
    free(r->vals);
    free(r->scratch);
    memset(r, 0, sizeof *r);
}

/* Room for n (at least one) columns.  An array already grown stays with
 * the rows when a later one fails. */
static int rows_reserve(pgc_rows *r, size_t n)
{
    if (n == 0)
        n = 1;
    if (n <= r->cap)
        return 0;
    const char **names = realloc(r->names, n * sizeof *names);
    if (names == NULL)
        return -1;
    r->names = names;
    dbd_type *types = realloc(r->types, n * sizeof *types);
    if (types == NULL)
        return -1;
    r->types = types;
    Oid *oids = realloc(r->oids, n * sizeof *oids);
    if (oids == NULL)
        return -1;
    r->oids = oids;
    int *formats = realloc(r->formats, n * sizeof *formats);
    if (formats == NULL)
        return -1;
    r->formats = formats;
    dbd_value *vals = realloc(r->vals, n * sizeof *vals);
    if (vals == NULL)
        return -1;
    r->vals = vals;
    dbd_buf *scratch = realloc(r->scratch, n * sizeof *scratch);
    if (scratch == NULL)
        return -1;
    for (size_t i = r->cap; i < n; i++)
        dbd_buf_init(&scratch[i]);
    r->scratch = scratch;
    r->cap = n;
    return 0;
}

/* Notes the first failure (a later one keeps its message out); the rows
 * still to come are dropped. */
static void failf(reader *rd, dbd_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void failf(reader *rd, dbd_status st, const char *fmt, ...)
{
    rd->dropping = true;
    if (rd->status != DBD_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    dbd_verrf(rd->info->msg, sizeof rd->info->msg, fmt, ap);
    va_end(ap);
    rd->status = st;
}

/* Columns of res: worked out once, reported to the sink once. */
static void columns(reader *rd, const PGresult *res)
{
    pgc_rows *r = &rd->c->rows;
    size_t n = (size_t)PQnfields(res);

    rd->cols_done = true;
    if (rows_reserve(r, n) != 0) {
        failf(rd, DBD_INTERNAL, "out of memory reading a result");
        return;
    }
    rd->ncols = n;
    for (size_t i = 0; i < n; i++) {
        r->names[i] = PQfname(res, (int)i);
        r->oids[i] = PQftype(res, (int)i);
        r->formats[i] = PQfformat(res, (int)i);
        r->types[i] = pgc_type_of(r->oids[i], rd->c->numeric_double);
    }
    if (rd->to == PGC_ROWS_SINK && rd->sink != NULL &&
        rd->sink->columns != NULL &&
        rd->sink->columns(rd->sink->ctx, n, r->names, r->types) != 0)
        failf(rd, DBD_INTERNAL, "the receiver stopped the result");
}

static void row(reader *rd, const PGresult *res, int k)
{
    pgc_rows *r = &rd->c->rows;

    if (!rd->cols_done)
        columns(rd, res);
    if (rd->dropping || (size_t)PQnfields(res) != rd->ncols)
        return;
    if (rd->to == PGC_ROWS_NONE || (rd->to == PGC_ROWS_ID && rd->id_taken))
        return;
    for (size_t i = 0; i < rd->ncols; i++) {
        if (PQgetisnull(res, k, (int)i)) {
            r->vals[i] = dbd_null();
            continue;
        }
        char why[200];
        dbd_status st = pgc_decode(r->oids[i], r->formats[i],
                                   PQgetvalue(res, k, (int)i),
                                   (size_t)PQgetlength(res, k, (int)i),
                                   rd->c->numeric_double, &r->scratch[i],
                                   &r->vals[i], why, sizeof why);
        if (st != DBD_OK) {
            /* r->names belong to the first result, long gone */
            failf(rd, st, "column %s: %s", PQfname(res, (int)i), why);
            return;
        }
    }
    if (rd->to == PGC_ROWS_ID) {
        rd->id_taken = true;
        if (rd->ncols > 0 && r->vals[0].type == DBD_TYPE_INT)
            rd->info->last_id = r->vals[0].u.i;
        return;
    }
    if (rd->sink != NULL && rd->sink->row != NULL &&
        rd->sink->row(rd->sink->ctx, r->vals) != 0)
        failf(rd, DBD_INTERNAL, "the receiver stopped the result");
}

/* Rows changed, from the command tag ("UPDATE 3"); none for a SELECT. */
static void affected(reader *rd, const PGresult *res)
{
    const char *tag = PQcmdStatus((PGresult *)res);
    const char *n = PQcmdTuples((PGresult *)res);
    char *end;

    if (rd->to == PGC_ROWS_SINK && tag != NULL &&
        strncmp(tag, "SELECT", 6) == 0)
        return;
    if (n == NULL || n[0] == '\0')
        return;
    errno = 0;
    long long v = strtoll(n, &end, 10);
    if (errno == 0 && *end == '\0')
        rd->info->affected = v;
}

/* COPY cannot be served through a request: end it so the connection
 * stays usable. */
static void refuse_copy(reader *rd, ExecStatusType kind)
{
    PGconn *pg = rd->c->pg;
    char *buf = NULL;

    failf(rd, DBD_UNSUPPORTED, "COPY is not supported through dbd");
    if (kind == PGRES_COPY_IN) {
        (void)PQputCopyEnd(pg, "COPY is not supported through dbd");
        return;
    }
    while (PQgetCopyData(pg, &buf, 0) > 0) {
        PQfreemem(buf);
        buf = NULL;
    }
}

static dbd_status read_results(pgc_conn *c, pgc_rows_to to,
                               const dbd_sink *sink, dbd_exec_info *info)
{
    reader rd = {.c = c, .to = to, .sink = sink, .info = info};
    PGresult *res;

    c->last_state[0] = '\0';
    while ((res = PQgetResult(c->pg)) != NULL) {
        ExecStatusType kind = PQresultStatus(res);
        switch (kind) {
        case PGRES_SINGLE_TUPLE:
            row(&rd, res, 0);
            break;
        case PGRES_TUPLES_OK:
            /* the end of a result: no rows in single-row mode, every row
             * when that mode could not be set */
            for (int i = 0; i < PQntuples(res); i++)
                row(&rd, res, i);
            if (!rd.cols_done)
                columns(&rd, res);
            affected(&rd, res);
            break;
        case PGRES_COMMAND_OK:
            affected(&rd, res);
            break;
        case PGRES_EMPTY_QUERY:
            failf(&rd, DBD_BAD, "the statement is empty");
            break;
        case PGRES_COPY_IN:
        case PGRES_COPY_OUT:
            refuse_copy(&rd, kind);
            break;
        case PGRES_FATAL_ERROR:
        case PGRES_NONFATAL_ERROR:
            if (rd.status == DBD_OK && c->last_state[0] == '\0') {
                const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
                if (state != NULL)
                    snprintf(c->last_state, sizeof c->last_state, "%s",
                             state);
            }
            if (rd.status == DBD_OK)
                rd.status = pgc_error(c, res, "statement failed", info->msg,
                                      sizeof info->msg);
            rd.dropping = true;
            break;
        default:
            /* COPY BOTH, a response libpq could not read: nothing more can
             * be trusted on this connection */
            PQclear(res);
            if (rd.status == DBD_OK)
                (void)pgc_error(c, NULL, "unexpected response", info->msg,
                                sizeof info->msg);
            return DBD_UNAVAILABLE;
        }
        PQclear(res);
    }
    if (PQstatus(c->pg) == CONNECTION_BAD)
        return pgc_error(c, NULL, "connection lost", info->msg,
                         sizeof info->msg);
    return rd.status;
}

dbd_status pgc_run_prepared(pgc_conn *c, const pgc_stmt *st, pgc_rows_to to,
                            const dbd_sink *sink, dbd_exec_info *info)
{
    const pgc_params *p = &c->params;
    dbd_status status = pgc_check_conn(c, info);

    c->last_state[0] = '\0';
    if (status != DBD_OK)
        return status;
    if (!PQsendQueryPrepared(c->pg, st->name, (int)p->n, p->values,
                             p->lengths, p->formats, st->format))
        return pgc_error(c, NULL, "cannot send statement", info->msg,
                         sizeof info->msg);
    /* Without it the rows would still all arrive, only buffered. */
    if (to != PGC_ROWS_NONE && !PQsetSingleRowMode(c->pg))
        pgc_log(c, DBD_LOG_DEBUG, "single-row mode refused");
    return read_results(c, to, sink, info);
}

dbd_status pgc_run_text(pgc_conn *c, const char *text, const dbd_sink *sink,
                        dbd_exec_info *info)
{
    const pgc_params *p = &c->params;
    dbd_status status = pgc_check_conn(c, info);

    c->last_state[0] = '\0';
    if (status != DBD_OK)
        return status;
    if (!PQsendQueryParams(c->pg, text, (int)p->n, p->types, p->values,
                           p->lengths, p->formats, PGC_FORMAT_TEXT))
        return pgc_error(c, NULL, "cannot send statement", info->msg,
                         sizeof info->msg);
    if (!PQsetSingleRowMode(c->pg))
        pgc_log(c, DBD_LOG_DEBUG, "single-row mode refused");
    return read_results(c, PGC_ROWS_SINK, sink, info);
}

dbd_status pgc_run_simple(pgc_conn *c, const char *text, const char *what,
                          const char *want_tag, dbd_exec_info *info)
{
    dbd_status status = pgc_check_conn(c, info);
    PGresult *res;

    if (status != DBD_OK)
        return status;
    res = PQexec(c->pg, text);
    if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
        status = pgc_error(c, res, what, info->msg, sizeof info->msg);
    else if (want_tag != NULL && strcmp(PQcmdStatus(res), want_tag) != 0)
        status = dbd_failf(DBD_BAD, info->msg, sizeof info->msg,
                           "%s: the server answered %s", what,
                           PQcmdStatus(res));
    PQclear(res);
    return status;
}
