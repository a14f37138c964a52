/*
 * migrate_report.c - the summary migrate prints: one row per table with
 * the rows read, written and found on DST, both checksums and the
 * verdict, built as a result so that it prints like any other (an aligned
 * table, or --json).
 */
#include "migrate.h"

#include <string.h>

/* Checksums are cut to 16 hex digits in the table, whole in --json. */
static dbd_result *summary(const mig *m, const mig_table *t, size_t n)
{
    static const char *const names[] = {"table",    "read",
                                        "written",  "dst_rows",
                                        "src_checksum", "dst_checksum",
                                        "result"};
    static const dbd_type types[] = {
        DBD_TYPE_STRING, DBD_TYPE_INT,    DBD_TYPE_INT,   DBD_TYPE_INT,
        DBD_TYPE_STRING, DBD_TYPE_STRING, DBD_TYPE_STRING};
    size_t hexlen = m->d->json ? MIG_SUM_HEX - 1 : 16;
    dbd_result *r = dbd_result_new();

    if (r == NULL || dbd_result_set_columns(r, 7, names, types) != 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        char src_hex[MIG_SUM_HEX], dst_hex[MIG_SUM_HEX];
        bool done;
        dbd_value row[7];

        if (t[i].verdict == NULL)
            continue; /* skipped, or after a failure */
        done = strcmp(t[i].verdict, "FAILED") != 0;

        mig_sum_hex(&t[i].src, src_hex);
        mig_sum_hex(&t[i].dst, dst_hex);
        row[0] = dbd_string(t[i].name, strlen(t[i].name));
        row[1] = dbd_int(t[i].read);
        row[2] = m->verify_only ? dbd_null() : dbd_int(t[i].written);
        row[3] = done ? dbd_int(t[i].dst.rows) : dbd_null();
        row[4] = done ? dbd_string(src_hex, hexlen) : dbd_null();
        row[5] = done ? dbd_string(dst_hex, hexlen) : dbd_null();
        row[6] = dbd_string(t[i].verdict, strlen(t[i].verdict));
        if (dbd_result_add_row(r, row) != 0)
            goto fail;
    }
    return r;
fail:
    dbd_result_destroy(&r);
    return NULL;
}

int mig_print_summary(mig *m, const mig_table *t, size_t n)
{
    dbd_result *r = summary(m, t, n);
    int rc;

    if (r == NULL) {
        fprintf(m->d->err, "dbctl: INTERNAL: out of memory\n");
        return DBD_INTERNAL;
    }
    rc = m->d->json ? out_json(m->d->out, r) : out_table(m->d->out, r, NULL);
    dbd_result_destroy(&r);
    if (rc != 0 || fflush(m->d->out) != 0 || ferror(m->d->out)) {
        fprintf(m->d->err, "dbctl: cannot write the output\n");
        return DBD_INTERNAL;
    }
    return 0;
}

