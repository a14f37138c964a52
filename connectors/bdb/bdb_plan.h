/*
 * bdb_plan.h - how a request's rows are found.
 *
 * The filter is the WHERE list (AND-ed) prepared for a table: columns
 * resolved and values converted once, then tested on every candidate row
 * with SQL's NULL rules (a NULL matches nothing but "null").
 *
 * The plan picks where the candidates come from: a direct DB->get when
 * '=' fixes every key column, else the secondary index (or key prefix)
 * with the most leading columns fixed by '=', read as a range of equal
 * keys, else a scan of the whole table in key order.  The filter is
 * applied to the candidates in every case, so the plan changes speed,
 * never the answer.
 *
 * The iterator walks the plan inside a transaction; each row comes with
 * its primary key and stays valid until the next step.
 */
#ifndef BDB_PLAN_H
#define BDB_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "bdb_int.h"
#include "bdb_value.h"
#include "request.h"

typedef struct bdb_pcond {
    size_t col;
    dbd_cmp cmp;
    bdb_cval *vals; /* one, or the IN list; none for null/notnull */
    size_t nvals;
} bdb_pcond;

typedef struct bdb_filter {
    const bdb_def *def;
    bdb_pcond *conds;
    size_t n;
    bool never; /* a condition matches no row at all (= NULL, ...) */
} bdb_filter;

/* NOTFOUND for an unknown column, BAD for a value that cannot compare.
 * The filter borrows the conditions' bytes. */
dbd_status bdb_filter_init(bdb_filter *f, const bdb_def *d,
                           const dbd_cond *conds, size_t n, char *msg,
                           size_t msglen);
bool bdb_filter_match(const bdb_filter *f, const dbd_value *row);
void bdb_filter_free(bdb_filter *f);

typedef enum bdb_plan_kind {
    BDB_PLAN_SCAN,   /* every row, in key order (backwards when reverse) */
    BDB_PLAN_GET,    /* one key */
    BDB_PLAN_PREFIX, /* the keys starting with prefix */
    BDB_PLAN_INDEX,  /* the index entries starting with prefix */
} bdb_plan_kind;

typedef struct bdb_plan {
    bdb_plan_kind kind;
    size_t index;   /* BDB_PLAN_INDEX: which */
    bool reverse;   /* BDB_PLAN_SCAN only */
    dbd_buf prefix; /* the encoded columns '=' fixes */
} bdb_plan;

/* With use_keys false the plan is always a scan.  -1 when out of memory. */
int bdb_plan_choose(bdb_plan *p, const bdb_table *t, const bdb_filter *f,
                    bool use_keys);
void bdb_plan_free(bdb_plan *p);
/* Whether rows come in primary-key order (a scan, a key prefix). */
bool bdb_plan_in_key_order(const bdb_plan *p);
/* Whether at most one row can come (a key, a whole unique index). */
bool bdb_plan_single(const bdb_plan *p, const bdb_table *t,
                     const bdb_filter *f);

typedef struct bdb_iter {
    bdb_conn *c;
    const bdb_table *t;
    const bdb_plan *p;
    DB_TXN *txn;
    DBC *cur;
    u_int32_t rmw;        /* DB_RMW when reading to write */
    DBT key, pkey, data;  /* DB_DBT_REALLOC */
    bool started;
    const void *pk;       /* the current row's primary key */
    size_t pklen;
    const void *row;      /* and its stored value */
    size_t rowlen;
} bdb_iter;

/* for_write reads with write locks (the rows are about to change);
 * otherwise with read-committed isolation, so long scans do not pile up
 * read locks. */
dbd_status bdb_iter_open(bdb_iter *it, bdb_conn *c, const bdb_table *t,
                         const bdb_plan *p, DB_TXN *txn, bool for_write,
                         char *msg, size_t msglen);
/* 1: a row is in pk/row; 0: no more rows; -1: error in *st and msg. */
int bdb_iter_next(bdb_iter *it, dbd_status *st, char *msg, size_t msglen);
void bdb_iter_close(bdb_iter *it);

/* The message for a column the table lacks. */
dbd_status bdb_no_column(const bdb_def *d, const char *column, char *msg,
                         size_t msglen);

#endif
