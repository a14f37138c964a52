/*
 * migrate.h - what the files of "dbctl migrate" share: the run's settings,
 * what a datasource can do, the order-independent row checksum and the
 * paged table reader.
 */
#ifndef DBCTL_MIGRATE_H
#define DBCTL_MIGRATE_H

#include <stdint.h>

#include "dbctl.h"

/* Exit codes of migrate besides the status codes (docs/dbctl.md). */
#define DBCTL_EXIT_MISMATCH 67 /* a table's counts or checksums differ */
#define DBCTL_EXIT_NOTEMPTY 68 /* a DST table has rows and no --truncate */

#define MIG_SUM_BYTES 32 /* SHA-256 */
#define MIG_SUM_HEX (2 * MIG_SUM_BYTES + 1)

/* The sum, modulo 2^256, of the SHA-256 of every row's canonical
 * encoding (checksum.c): the same rows in any order give the same sum. */
typedef struct mig_sum {
    uint8_t sum[MIG_SUM_BYTES]; /* big-endian */
    int64_t rows;
} mig_sum;

/* Adds every row of page; float_digits is the precision of doubles.
 * 0, or -1 when memory ran out. */
int mig_sum_add_page(mig_sum *s, const dbd_result *page, int float_digits);
bool mig_sum_equal(const mig_sum *a, const mig_sum *b);
void mig_sum_hex(const mig_sum *s, char out[MIG_SUM_HEX]);

/* One end of the migration, as the datasources table describes it. */
typedef struct mig_ds {
    const char *name;
    char scheme[32];
    bool order, limit, transaction; /* capabilities */
} mig_ds;

typedef struct mig {
    dbctl *d;
    dbd_client *client;
    int timeout_ms;   /* per request */
    int64_t page;     /* rows per page */
    int float_digits; /* significant digits of doubles in checksums */
    bool verbose, truncate, verify_only;
    bool sequence_note; /* the PostgreSQL sequence note was printed */
    mig_ds src, dst;
} mig;

/* One table's outcome (cmd_migrate.c). */
typedef struct mig_table {
    const char *name;
    dbd_result *src_probe, *dst_probe;
    bool skip;           /* not on SRC, and not named */
    int64_t read, written, deleted;
    mig_sum src, dst;
    const char *verdict; /* "ok", "MISMATCH", "FAILED", NULL: not done */
} mig_table;

/* migrate_report.c: prints the summary of the tables with a verdict
 * (table or --json); 0, or an exit code. */
int mig_print_summary(mig *m, const mig_table *t, size_t n);

/* Sends *preq (destroyed) and returns its result; NULL only when memory
 * ran out (reported). */
dbd_result *mig_call(mig *m, dbd_request **preq);

/* Called for each page read; first is the index of its first row in the
 * table.  DBD_OK continues; anything else stops the scan with err set. */
typedef dbd_status (*mig_page_fn)(mig *m, const dbd_result *page,
                                  int64_t first, void *ctx, char *err,
                                  size_t errlen);

/* The columns of table on ds and whether it has rows: a query of at most
 * one row.  *out is the caller's.  DBD_OK, or the status (err set). */
dbd_status mig_probe(mig *m, const mig_ds *ds, const char *table,
                     dbd_result **out, char *err, size_t errlen);

/* Reads every row of table on ds (columns: those of probe), in pages
 * ordered by every column when ds can order and limit, else at once. */
dbd_status mig_scan(mig *m, const mig_ds *ds, const char *table,
                    const dbd_result *probe, mig_page_fn fn, void *ctx,
                    char *err, size_t errlen);

/* migrate_write.c: DST's side. */
/* Inserts the rows of page into table on DST in batches; *written counts
 * the rows acknowledged.  On a refused row err names it. */
dbd_status mig_write_page(mig *m, const char *table, const dbd_result *page,
                          int64_t first, int64_t *written, char *err,
                          size_t errlen);
/* Deletes every row of table on DST; *deleted is their number. */
dbd_status mig_truncate(mig *m, const char *table, int64_t *deleted,
                        char *err, size_t errlen);
/* PostgreSQL does not advance a serial column's sequence for rows inserted
 * with their values: set each to the column's maximum (needs allow_raw on
 * DST; otherwise prints once how to do it by hand). */
void mig_fix_sequences(mig *m, const char *table, const dbd_result *probe);

#endif
