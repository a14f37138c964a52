/*
 * out_table.c - the human-readable output of dbctl: rows as an aligned
 * table under a header, writes as "OK, N rows affected", batches as one
 * line (or table) per operation.
 */
#include "dbctl.h"

#include <stdlib.h>
#include <string.h>

/* Display width: UTF-8 code points (continuation bytes do not count). */
static size_t text_width(const char *s, size_t len)
{
    size_t w = 0;

    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            w++;
    return w;
}

static int cell(strbuf *b, const dbd_result *r, size_t row, size_t col)
{
    const dbd_value *v = dbd_result_value(r, row, col);
    dbd_value null = dbd_null();

    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
    return format_value(b, v != NULL ? v : &null);
}

static void put_padded(FILE *f, const char *s, size_t len, size_t width,
                       bool last)
{
    fwrite(s, 1, len, f);
    if (last)
        return;
    for (size_t w = text_width(s, len); w < width; w++)
        fputc(' ', f);
    fputs("  ", f);
}

static int print_rows(FILE *f, const dbd_result *r)
{
    size_t ncols = dbd_result_ncols(r), nrows = dbd_result_nrows(r);
    size_t *width = calloc(ncols ? ncols : 1, sizeof *width);
    strbuf b = {0};
    int rc = -1;

    if (width == NULL)
        goto out;
    for (size_t c = 0; c < ncols; c++) {
        const char *name = dbd_result_col_name(r, c);

        width[c] = text_width(name, strlen(name));
    }
    /* Formatting twice costs less than keeping every cell. */
    for (size_t row = 0; row < nrows; row++)
        for (size_t c = 0; c < ncols; c++) {
            size_t w;

            if (cell(&b, r, row, c) != 0)
                goto out;
            w = text_width(b.data, b.len);
            if (w > width[c])
                width[c] = w;
        }
    for (size_t c = 0; c < ncols; c++) {
        const char *name = dbd_result_col_name(r, c);

        put_padded(f, name, strlen(name), width[c], c + 1 == ncols);
    }
    fputc('\n', f);
    for (size_t c = 0; c < ncols; c++) {
        for (size_t w = 0; w < width[c]; w++)
            fputc('-', f);
        if (c + 1 < ncols)
            fputs("  ", f);
    }
    fputc('\n', f);
    for (size_t row = 0; row < nrows; row++) {
        for (size_t c = 0; c < ncols; c++) {
            if (cell(&b, r, row, c) != 0)
                goto out;
            put_padded(f, b.data, b.len, width[c], c + 1 == ncols);
        }
        fputc('\n', f);
    }
    fprintf(f, "(%zu row%s)\n", nrows, nrows == 1 ? "" : "s");
    rc = 0;
out:
    sb_free(&b);
    free(width);
    return rc;
}

/* "OK", "OK, 3 rows affected", "OK, 1 row affected, last id 7",
 * or "STATUS: message". */
static void print_outcome(FILE *f, const dbd_result *r)
{
    dbd_status st = dbd_result_status(r);
    int64_t affected = dbd_result_affected(r);

    if (st != DBD_OK) {
        fprintf(f, "%s: %s\n", dbd_status_name(st), dbd_result_message(r));
        return;
    }
    fputs("OK", f);
    if (affected >= 0)
        fprintf(f, ", %lld row%s affected", (long long)affected,
                affected == 1 ? "" : "s");
    if (dbd_result_last_id(r) != 0)
        fprintf(f, ", last id %lld", (long long)dbd_result_last_id(r));
    fputc('\n', f);
}

static const char *sub_kind(const dbd_request *req, size_t i)
{
    if (req == NULL || req->op.kind != DBD_OP_BATCH || i >= req->op.nops)
        return "op";
    return dbd_op_name(req->op.ops[i].kind);
}

int out_table(FILE *f, const dbd_result *r, const dbd_request *req)
{
    size_t nsubs = dbd_result_nsubs(r);

    if (nsubs > 0) {
        for (size_t i = 0; i < nsubs; i++) {
            const dbd_result *sub = dbd_result_sub(r, i);

            fprintf(f, "#%zu %s:", i + 1, sub_kind(req, i));
            if (dbd_result_ncols(sub) > 0 && dbd_result_status(sub) == DBD_OK) {
                fputc('\n', f);
                if (print_rows(f, sub) != 0)
                    return -1;
            } else {
                fputc(' ', f);
                print_outcome(f, sub);
            }
        }
        return 0;
    }
    if (dbd_result_status(r) != DBD_OK)
        return 0; /* the error goes to stderr */
    if (dbd_result_ncols(r) > 0)
        return print_rows(f, r);
    print_outcome(f, r);
    return 0;
}
