/*
 * migrate_scan.c - reading a whole table through dbd with bounded memory:
 * pages of at most m->page rows, ordered by every column so that
 * limit/offset paging neither skips nor repeats a row (rows equal in every
 * column are interchangeable).  A datasource that cannot order or limit is
 * read in one query.
 */
#include "migrate.h"

#include <string.h>

dbd_result *mig_call(mig *m, dbd_request **preq)
{
    dbd_result *r = NULL;

    if (*preq != NULL)
        r = dbd_call(m->client, *preq, m->timeout_ms);
    dbd_request_destroy(preq);
    if (r == NULL)
        fprintf(m->d->err, "dbctl: INTERNAL: out of memory\n");
    return r;
}

/* The status of r (INTERNAL when r is NULL), its message into err. */
static dbd_status result_error(const dbd_result *r, const char *what,
                               char *err, size_t errlen)
{
    if (r == NULL) {
        snprintf(err, errlen, "%s: out of memory", what);
        return DBD_INTERNAL;
    }
    snprintf(err, errlen, "%s: %s: %s", what,
             dbd_status_name(dbd_result_status(r)), dbd_result_message(r));
    return dbd_result_status(r);
}

dbd_status mig_probe(mig *m, const mig_ds *ds, const char *table,
                     dbd_result **out, char *err, size_t errlen)
{
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, ds->name, table);
    dbd_result *r;
    char what[160];

    *out = NULL;
    if (req != NULL && ds->limit)
        dbd_op_set_limit(&req->op, 1, 0);
    r = mig_call(m, &req);
    if (r == NULL || dbd_result_status(r) != DBD_OK) {
        dbd_status st;

        snprintf(what, sizeof what, "%s %s", ds->name, table);
        st = result_error(r, what, err, errlen);
        dbd_result_destroy(&r);
        return st;
    }
    if (dbd_result_ncols(r) == 0) {
        snprintf(err, errlen, "%s %s: the reply names no columns", ds->name,
                 table);
        dbd_result_destroy(&r);
        return DBD_INTERNAL;
    }
    *out = r;
    return DBD_OK;
}

/* The query of one page: every column, ordered by all of them. */
static dbd_request *page_request(const mig_ds *ds, const char *table,
                                 const dbd_result *probe, int64_t limit,
                                 int64_t offset)
{
    dbd_request *req = dbd_request_new(DBD_OP_QUERY, ds->name, table);

    if (req == NULL)
        return NULL;
    for (size_t c = 0; c < dbd_result_ncols(probe); c++) {
        const char *name = dbd_result_col_name(probe, c);

        if (dbd_op_add_column(req, &req->op, name) != 0 ||
            dbd_op_add_order(req, &req->op, name, false) != 0) {
            dbd_request_destroy(&req);
            return NULL;
        }
    }
    dbd_op_set_limit(&req->op, limit, offset);
    return req;
}

dbd_status mig_scan(mig *m, const mig_ds *ds, const char *table,
                    const dbd_result *probe, mig_page_fn fn, void *ctx,
                    char *err, size_t errlen)
{
    bool paged = ds->order && ds->limit;
    int64_t offset = 0;
    char what[160];

    if (!paged && m->verbose)
        fprintf(m->d->err,
                "dbctl: migrate: %s %s: read at once (the datasource cannot "
                "%s)\n",
                ds->name, table,
                !ds->order && !ds->limit ? "order or limit"
                : !ds->order             ? "order"
                                         : "limit");
    for (;;) {
        dbd_request *req = page_request(ds, table, probe,
                                        paged ? m->page : -1, offset);
        dbd_result *r = mig_call(m, &req);
        dbd_status st;
        size_t n;

        if (r == NULL || dbd_result_status(r) != DBD_OK) {
            snprintf(what, sizeof what, "%s %s, rows from %lld", ds->name,
                     table, (long long)offset + 1);
            st = result_error(r, what, err, errlen);
            dbd_result_destroy(&r);
            return st;
        }
        n = dbd_result_nrows(r);
        st = fn(m, r, offset, ctx, err, errlen);
        dbd_result_destroy(&r);
        if (st != DBD_OK)
            return st;
        offset += (int64_t)n;
        if (!paged || (int64_t)n < m->page)
            return DBD_OK;
    }
}
