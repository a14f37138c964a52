/*
 * connector_fixture.h - what the connector unit tests share: a fixture
 * whose sink collects the rows of the connector under test into a
 * dbd_result, ways to run operations, requests and raw statements through
 * it, request builders that assert, readers of the collected rows, and
 * scratch directories.  Each test program links exactly one connector; its
 * descriptor dbd_connector is the one these helpers call.  What is
 * particular to a backend (tables, URLs from the environment, killing a
 * session) stays in that backend's test file.  Include it after the
 * library headers: its short macros C and N are parameter names there.
 */
#ifndef DBD_TEST_CONNECTOR_FIXTURE_H
#define DBD_TEST_CONNECTOR_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dbd_connector.h"
#include "request.h"
#include "result.h"

extern const struct dbd_connector dbd_connector;
#define C (&dbd_connector)

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define STRV(lit) dbd_string(lit, sizeof(lit) - 1)

typedef struct fx fx;

/* Called by the sink for every row it takes, before keeping it; non-zero
 * ends the run. */
typedef int (*fx_row_hook)(fx *f, const dbd_value *values);

/* One test's state; zero-initialised it is ready for use. */
struct fx {
    char url[1200];        /* the connector's URL, when the test has one */
    char dir[1024];        /* the test's scratch directory, if it made one */
    void *conn;
    dbd_result *res;       /* rows of the last run */
    dbd_exec_info info;    /* counters and message of the last run */
    size_t stop_after;     /* the sink stops after this many rows; 0 never */
    size_t rows_seen;
    int columns_calls;
    bool count_only;       /* the sink counts rows without keeping them, */
    dbd_value first, last; /* but notes column 0 of the first and last */
    fx_row_hook on_row;    /* when set, the sink calls it at every row */
    void *on_row_ctx;      /* for on_row's own use */
};

/* The teardown of a test whose state is a calloc()ed fx: closes its
 * connection, frees its result, removes its scratch directory. */
int fx_teardown(void **state);

/* Fails the test unless got is want, naming the line, f's URL if it has
 * one, and the message of the last run. */
#define EXPECT_ST(f, got, want) fx_expect_status((f), (got), (want), __LINE__)
void fx_expect_status(const fx *f, dbd_status got, dbd_status want,
                      int line);

/* ---- running ---- */

/* The sink that collects into f->res. */
dbd_sink fx_sink(fx *f);
/* An empty f->res, zero counters and message, for the next run. */
void fresh_result(fx *f);
dbd_status run_op_on(fx *f, void *conn, const dbd_op *op);
dbd_status run_op(fx *f, const dbd_op *op);
/* Validates *preq (failing the test if it does not), runs it and
 * destroys it. */
dbd_status run_req_on(fx *f, void *conn, dbd_request **preq);
dbd_status run_req(fx *f, dbd_request **preq);
dbd_status run_raw_on(fx *f, void *conn, const char *sql,
                      const dbd_value *params, size_t n);
dbd_status run_raw(fx *f, const char *sql, const dbd_value *params,
                   size_t n);

/* Opens url as the daemon does: the configured opts, then the URL's own
 * parameters. */
dbd_status open_url(const char *url, const dbd_option *opts, size_t nopts,
                    void **conn, char *err, size_t errlen);

/* ---- requests (each fails the test when the builder refuses) ---- */

dbd_request *req(dbd_op_kind kind, const char *table);
void add_value(dbd_request *r, const char *col, dbd_value v);
void add_where(dbd_request *r, const char *col, dbd_cmp cmp, dbd_value v);
void add_column(dbd_request *r, const char *col);
void add_order(dbd_request *r, const char *col, bool desc);
dbd_value str(const char *s);
/* Inserts a row with k, grp and i into table, checks that it was one row
 * and returns its last_id. */
int64_t insert_kgi_into(fx *f, const char *table, const char *k,
                        dbd_value grp, dbd_value i);

/* ---- reading results ---- */

/* The cells of column col in the last result, joined by ',': strings as
 * they are, ints in decimal, NULL as '-', anything else as '?'. */
const char *column_list(const fx *f, size_t col, char *buf, size_t len);
/* The string column k of the rows of table where col cmp v holds (for
 * DBD_CMP_IN, col is in the nv values at v), ordered by order_by, joined
 * by ','. */
const char *keys_matching(fx *f, const char *table, const char *order_by,
                          const char *col, dbd_cmp cmp, const dbd_value *v,
                          size_t nv, char *buf, size_t len);
/* Fails the test unless got equals want, showing both. */
void expect_cell(const dbd_value *got, const dbd_value *want);
/* The single value of a one-row raw query on conn. */
const dbd_value *raw_scalar(fx *f, void *conn, const char *sql);
/* The same, read as an int (any type that converts). */
int64_t raw_int(fx *f, void *conn, const char *sql);

/* ---- files ---- */

/* Makes a fresh directory $TMPDIR/name-XXXXXX in dir; 0, or -1. */
int make_temp_dir(char *dir, size_t len, const char *name);
/* Removes dir and everything below it; a missing dir is no error. */
void remove_tree(const char *dir);
/* Writes text to path, replacing the file; fails the test on error. */
void write_text(const char *path, const char *text);

#endif
