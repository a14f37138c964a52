/*
 * checksum.c - the order-independent checksum migrate compares SRC and
 * DST by.  Each row is encoded canonically, its columns sorted by name so
 * that the column order of a backend does not matter:
 *
 *     per column:  "C" LEN ":" NAME  then the value:
 *       null       "N"
 *       int        "I" LEN ":" decimal
 *       double     "D" LEN ":" %.<digits>g  (nan, inf, -inf)
 *       string     "S" LEN ":" bytes
 *       blob       "B" LEN ":" bytes
 *       datetime   "T" LEN ":" decimal microseconds since the epoch
 *       bool       "b1" or "b0"
 *
 * (LEN is the decimal byte length of what follows the ':'.)  The table's
 * checksum is the sum modulo 2^256 of the SHA-256 of every row's encoding,
 * read as big-endian numbers: a sum rather than an XOR, so two equal rows
 * do not cancel out.
 */
#include "migrate.h"
#include "hex.h"

#include <math.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

static int put_field(strbuf *b, char tag, const char *p, size_t len)
{
    if (sb_printf(b, "%c%zu:", tag, len) != 0)
        return -1;
    return sb_append(b, p, len);
}

static int put_value(strbuf *b, const dbd_value *v, int float_digits)
{
    char num[64];

    switch (v->type) {
    case DBD_TYPE_INT:
        snprintf(num, sizeof num, "%lld", (long long)v->u.i);
        return put_field(b, 'I', num, strlen(num));
    case DBD_TYPE_DOUBLE:
        if (isnan(v->u.d))
            snprintf(num, sizeof num, "nan");
        else if (isinf(v->u.d))
            snprintf(num, sizeof num, "%s", v->u.d < 0 ? "-inf" : "inf");
        else
            snprintf(num, sizeof num, "%.*g", float_digits, v->u.d);
        return put_field(b, 'D', num, strlen(num));
    case DBD_TYPE_STRING:
        return put_field(b, 'S', v->u.s.ptr, v->u.s.len);
    case DBD_TYPE_BLOB:
        return put_field(b, 'B', v->u.s.ptr, v->u.s.len);
    case DBD_TYPE_DATETIME:
        snprintf(num, sizeof num, "%lld", (long long)v->u.usec);
        return put_field(b, 'T', num, strlen(num));
    case DBD_TYPE_BOOL:
        return sb_append(b, v->u.b ? "b1" : "b0", 2);
    default:
        return sb_append(b, "N", 1);
    }
}

/* sum += digest, both big-endian, the carry out of the top byte lost. */
static void add_digest(uint8_t sum[MIG_SUM_BYTES],
                       const uint8_t digest[MIG_SUM_BYTES])
{
    unsigned carry = 0;

    for (size_t i = MIG_SUM_BYTES; i-- > 0;) {
        carry += (unsigned)sum[i] + digest[i];
        sum[i] = (uint8_t)(carry & 0xff);
        carry >>= 8;
    }
}

/* The column indexes of page sorted by name (insertion sort: a table has
 * few columns). */
static size_t *sorted_columns(const dbd_result *page)
{
    size_t n = dbd_result_ncols(page);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);

    if (idx == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;

        while (j > 0 && strcmp(dbd_result_col_name(page, idx[j - 1]),
                               dbd_result_col_name(page, i)) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    return idx;
}

int mig_sum_add_page(mig_sum *s, const dbd_result *page, int float_digits)
{
    size_t ncols = dbd_result_ncols(page), nrows = dbd_result_nrows(page);
    size_t *idx = sorted_columns(page);
    strbuf b = {0};
    int rc = -1;

    if (idx == NULL)
        goto out;
    for (size_t row = 0; row < nrows; row++) {
        uint8_t digest[SHA256_DIGEST_SIZE];
        struct sha256_ctx ctx;

        b.len = 0;
        for (size_t c = 0; c < ncols; c++) {
            const char *name = dbd_result_col_name(page, idx[c]);
            const dbd_value *v = dbd_result_value(page, row, idx[c]);
            dbd_value null = dbd_null();

            if (put_field(&b, 'C', name, strlen(name)) != 0 ||
                put_value(&b, v != NULL ? v : &null, float_digits) != 0)
                goto out;
        }
        sha256_init(&ctx);
        sha256_update(&ctx, b.len, (const uint8_t *)(b.data != NULL ? b.data : ""));
        sha256_digest(&ctx, sizeof digest, digest);
        add_digest(s->sum, digest);
        s->rows++;
    }
    rc = 0;
out:
    sb_free(&b);
    free(idx);
    return rc;
}

bool mig_sum_equal(const mig_sum *a, const mig_sum *b)
{
    return a->rows == b->rows && memcmp(a->sum, b->sum, MIG_SUM_BYTES) == 0;
}

void mig_sum_hex(const mig_sum *s, char out[MIG_SUM_HEX])
{
    dbd_hex_encode(s->sum, MIG_SUM_BYTES, out);
}
