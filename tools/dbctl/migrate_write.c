/*
 * migrate_write.c - the DST side of migrate: inserting a page of rows as
 * batches (atomic when DST has transactions), emptying a table for
 * --truncate, and setting PostgreSQL sequences after rows came in with
 * their ids.
 */
#include "migrate.h"

#include <string.h>

/* A batch stays below this many (estimated) bytes, well under dbd's
 * default max_message of 1 MiB; a page may need several. */
#define MIG_BATCH_BYTES (512 * 1024)

/* What one value adds to the request, generously. */
static size_t value_bytes(const char *column, const dbd_value *v)
{
    size_t n = strlen(column) + 16;

    if (v->type == DBD_TYPE_STRING || v->type == DBD_TYPE_BLOB)
        n += v->u.s.len;
    return n;
}

/* "row 17 (id=17, ruid=abc, username=alice, ...)": the row in SRC's read
 * order, 1-based, and its first columns. */
static void describe_row(const dbd_result *page, size_t row, int64_t first,
                         char *out, size_t outlen)
{
    size_t ncols = dbd_result_ncols(page), len;
    strbuf b = {0};

    snprintf(out, outlen, "row %lld (", (long long)(first + (int64_t)row + 1));
    for (size_t c = 0; c < ncols && c < 3; c++) {
        const dbd_value *v = dbd_result_value(page, row, c);

        b.len = 0;
        if (v == NULL || format_value(&b, v) != 0)
            break;
        len = strlen(out);
        snprintf(out + len, outlen - len, "%s%s=%.40s%s", c ? ", " : "",
                 dbd_result_col_name(page, c), b.data != NULL ? b.data : "",
                 b.len > 40 ? "..." : "");
    }
    len = strlen(out);
    snprintf(out + len, outlen - len, "%s)", ncols > 3 ? ", ..." : "");
    sb_free(&b);
}

/* Sends the batch holding rows [from, to) of page and checks each
 * operation's outcome. */
static dbd_status send_batch(mig *m, const char *table, dbd_request **preq,
                             const dbd_result *page, size_t from, int64_t first,
                             int64_t *written, char *err, size_t errlen)
{
    dbd_result *r = mig_call(m, preq);
    dbd_status st;
    char row[400];
    int64_t ok = 0;

    if (r == NULL) {
        snprintf(err, errlen, "%s: out of memory", table);
        return DBD_INTERNAL;
    }
    st = dbd_result_status(r);
    for (size_t i = 0; i < dbd_result_nsubs(r); i++) {
        const dbd_result *sub = dbd_result_sub(r, i);

        if (dbd_result_status(sub) == DBD_OK) {
            ok++;
            continue;
        }
        describe_row(page, from + i, first, row, sizeof row);
        snprintf(err, errlen, "%s: %s refused: %s: %s%s", table, row,
                 dbd_status_name(dbd_result_status(sub)),
                 dbd_result_message(sub),
                 m->dst.transaction ? " (this batch was rolled back)" : "");
        if (st == DBD_OK)
            st = dbd_result_status(sub);
        goto out;
    }
    if (st != DBD_OK) {
        describe_row(page, from, first, row, sizeof row);
        snprintf(err, errlen, "%s: the batch from %s failed: %s: %s", table,
                 row, dbd_status_name(st), dbd_result_message(r));
    }
out:
    /* An atomic batch that failed wrote nothing. */
    if (st == DBD_OK || !m->dst.transaction)
        *written += ok;
    dbd_result_destroy(&r);
    return st;
}

dbd_status mig_write_page(mig *m, const char *table, const dbd_result *page,
                          int64_t first, int64_t *written, char *err,
                          size_t errlen)
{
    size_t nrows = dbd_result_nrows(page), ncols = dbd_result_ncols(page);
    size_t from = 0, bytes = 0;
    dbd_request *req = NULL;
    dbd_status st = DBD_OK;

    for (size_t row = 0; row < nrows; row++) {
        dbd_op *op;

        if (req == NULL) {
            req = dbd_request_new(DBD_OP_BATCH, m->dst.name, NULL);
            if (req == NULL)
                goto oom;
            req->op.atomic = m->dst.transaction;
            from = row;
            bytes = 64;
        }
        op = dbd_request_add_op(req, DBD_OP_INSERT, table);
        if (op == NULL)
            goto oom;
        bytes += strlen(table) + 32;
        for (size_t c = 0; c < ncols; c++) {
            const char *name = dbd_result_col_name(page, c);
            const dbd_value *v = dbd_result_value(page, row, c);
            dbd_value null = dbd_null();

            if (v == NULL)
                v = &null;
            if (dbd_op_add_value(req, op, name, v) != 0)
                goto oom;
            bytes += value_bytes(name, v);
        }
        if (bytes >= MIG_BATCH_BYTES || row + 1 == nrows) {
            st = send_batch(m, table, &req, page, from, first, written, err,
                            errlen);
            if (st != DBD_OK)
                return st;
        }
    }
    return DBD_OK;
oom:
    dbd_request_destroy(&req);
    snprintf(err, errlen, "%s: out of memory", table);
    return DBD_INTERNAL;
}

dbd_status mig_truncate(mig *m, const char *table, int64_t *deleted,
                        char *err, size_t errlen)
{
    dbd_request *req = dbd_request_new(DBD_OP_DELETE, m->dst.name, table);
    dbd_result *r = mig_call(m, &req);
    dbd_status st;

    if (r == NULL) {
        snprintf(err, errlen, "%s: out of memory", table);
        return DBD_INTERNAL;
    }
    st = dbd_result_status(r);
    if (st != DBD_OK)
        snprintf(err, errlen, "%s: deleting the rows of %s %s: %s: %s", table,
                 m->dst.name, table, dbd_status_name(st),
                 dbd_result_message(r));
    *deleted = dbd_result_affected(r);
    dbd_result_destroy(&r);
    return st;
}

/* Sets the sequence of table.column (when it has one) to the column's
 * maximum.  Identifiers passed dbd's identifier rule when the probe
 * named them, so they need no escaping. */
static dbd_status set_sequence(mig *m, const char *table, const char *column,
                               char *err, size_t errlen)
{
    char sql[512];
    dbd_request *req = dbd_request_new(DBD_OP_RAW, m->dst.name, NULL);
    dbd_result *r;
    dbd_status st;

    snprintf(sql, sizeof sql,
             "SELECT setval(s, m) FROM (SELECT "
             "pg_get_serial_sequence('\"%s\"', '%s') AS s, "
             "(SELECT max(\"%s\") FROM \"%s\") AS m) AS x "
             "WHERE s IS NOT NULL AND m IS NOT NULL",
             table, column, column, table);
    if (req != NULL && dbd_op_set_raw(req, &req->op, sql, strlen(sql)) != 0)
        dbd_request_destroy(&req);
    r = mig_call(m, &req);
    if (r == NULL)
        return DBD_INTERNAL;
    st = dbd_result_status(r);
    if (st != DBD_OK)
        snprintf(err, errlen, "%s: %s", dbd_status_name(st),
                 dbd_result_message(r));
    dbd_result_destroy(&r);
    return st;
}

void mig_fix_sequences(mig *m, const char *table, const dbd_result *probe)
{
    char err[512];

    if (strcmp(m->dst.scheme, "pgsql") != 0)
        return;
    for (size_t c = 0; c < dbd_result_ncols(probe); c++) {
        const char *column = dbd_result_col_name(probe, c);
        dbd_status st;

        if (dbd_result_col_type(probe, c) != DBD_TYPE_INT)
            continue;
        st = set_sequence(m, table, column, err, sizeof err);
        if (st == DBD_OK)
            continue;
        if (st == DBD_DENY) {
            if (!m->sequence_note)
                fprintf(m->d->err,
                        "dbctl: migrate: note: %s is PostgreSQL without "
                        "allow_raw: the sequences of its serial columns were "
                        "not moved past the copied ids; before inserting "
                        "rows there run, per table, e.g.\n"
                        "    SELECT setval(pg_get_serial_sequence('%s', "
                        "'%s'), max(%s)) FROM %s;\n",
                        m->dst.name, table, column, column, table);
            m->sequence_note = true;
        } else {
            fprintf(m->d->err,
                    "dbctl: migrate: warning: %s %s: cannot set the sequence "
                    "of %s: %s\n",
                    m->dst.name, table, column, err);
        }
        return;
    }
}
