/*
 * connector_collect.h - what the tests of the file-based connectors (bdb,
 * text) share beyond connector_fixture.h: a sink that keeps its own copies
 * of names, types and values in plain arrays the tests index directly,
 * operations built as dbd_op structs, opening a directory with a host that
 * logs to stderr, and the checks that go with them.
 */
#ifndef DBD_TEST_CONNECTOR_COLLECT_H
#define DBD_TEST_CONNECTOR_COLLECT_H

#include "connector_fixture.h"

/* Rows as the sink got them; zero-initialised it is empty. */
typedef struct collected {
    size_t ncols;
    char **names;
    dbd_type *types;
    size_t nrows, caprows;
    dbd_value *vals; /* nrows * ncols; bytes are owned copies */
    int columns_calls;
    size_t stop_at_row; /* the sink stops at this row (from 1); 0 never */
} collected;

/* Frees what c holds and empties it, keeping stop_at_row. */
void collected_clear(collected *c);
/* The value at row, col; fails the test when out of range. */
const dbd_value *cell(const collected *c, size_t row, size_t col);

/* Checks of one value: type and content. */
void assert_bytes(const dbd_value *v, dbd_type type, const void *p,
                  size_t n);
void assert_str(const dbd_value *v, const char *s);
void assert_int(const dbd_value *v, int64_t i);
void assert_nullv(const dbd_value *v);

/* Hosts whose log goes to stderr as TAP comments: every level, or only
 * warnings and worse. */
extern const dbd_host host_all_logs;
extern const dbd_host host_warning_logs;

/* Opens the connector's scheme://dir with opts. */
dbd_status open_dir(const dbd_host *host, const char *scheme,
                    const char *dir, const dbd_option *opts, size_t nopts,
                    void **conn, char *err, size_t errlen);

/* An operation on table without limit and without anything else. */
dbd_op op_of(dbd_op_kind kind, const char *table);
dbd_op query_op(const char *table);
/* Runs op on conn into out, which is cleared first. */
dbd_status run(void *conn, const dbd_op *op, collected *out,
               dbd_exec_info *info);
/* Runs a write without a sink. */
dbd_status write_op(void *conn, dbd_op_kind kind, const char *table,
                    dbd_assign *values, size_t nvalues, dbd_cond *where,
                    size_t nwhere, dbd_exec_info *info);

void expect_status(dbd_status got, dbd_status want,
                   const dbd_exec_info *info);
/* Fails the test unless msg contains part. */
void expect_msg(const char *msg, const char *part);

/* Runs op and checks its int column 0, row by row, against want. */
void expect_ids(void *conn, const dbd_op *op, const int64_t *want,
                size_t nwant);
/* The ids of table where cond holds, in id order, against want. */
void expect_where_ids(void *conn, const char *table, dbd_cond cond,
                      const int64_t *want, size_t nwant);

/* The want and nwant arguments of expect_ids() and its kin. */
#define IDS(...) ((const int64_t[]){__VA_ARGS__}), \
    (sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t))
#define NO_IDS NULL, 0

#endif
