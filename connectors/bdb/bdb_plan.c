/* bdb_plan.c - choosing and walking the way to a request's rows (see
 * bdb_plan.h). */
#include "bdb_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bdb_codec.h"

/* The condition "col = value" with a value of the column's own type, the
 * kind a key can be built from; NULL when there is none. */
static const dbd_value *eq_value(const bdb_filter *f, size_t col)
{
    for (size_t i = 0; i < f->n; i++) {
        const bdb_pcond *c = &f->conds[i];
        if (c->col == col && c->cmp == DBD_CMP_EQ && c->vals[0].exact &&
            c->vals[0].v.type != DBD_TYPE_NULL)
            return &c->vals[0].v;
    }
    return NULL;
}

/* How many leading columns of cols '=' fixes. */
static size_t covered(const bdb_filter *f, const size_t *cols, size_t n)
{
    size_t k = 0;
    while (k < n && eq_value(f, cols[k]) != NULL)
        k++;
    return k;
}

static void encode_prefix(bdb_plan *p, const bdb_filter *f,
                          const size_t *cols, size_t k)
{
    for (size_t i = 0; i < k; i++)
        bdb_key_append(&p->prefix, eq_value(f, cols[i]));
}

int bdb_plan_choose(bdb_plan *p, const bdb_table *t, const bdb_filter *f,
                    bool use_keys)
{
    const bdb_def *d = t->def;
    size_t best = 0, best_index = 0;
    bool best_full = false;

    memset(p, 0, sizeof *p);
    dbd_buf_init(&p->prefix);
    p->kind = BDB_PLAN_SCAN;
    if (!use_keys || f->never)
        return 0;
    size_t k = covered(f, d->key, d->nkey);
    if (k == d->nkey) {
        p->kind = BDB_PLAN_GET;
        encode_prefix(p, f, d->key, k);
        return p->prefix.failed ? -1 : 0;
    }
    /* the index with the most fixed columns; a whole one wins a tie */
    for (size_t i = 0; i < d->nindex; i++) {
        const bdb_index *ix = &d->index[i];
        size_t n = covered(f, ix->cols, ix->ncols);
        bool full = n == ix->ncols;
        if (n > best || (n == best && n > 0 && full && !best_full)) {
            best = n;
            best_index = i;
            best_full = full;
        }
    }
    if (best > k) {
        p->kind = BDB_PLAN_INDEX;
        p->index = best_index;
        encode_prefix(p, f, d->index[best_index].cols, best);
    } else if (k > 0) {
        p->kind = BDB_PLAN_PREFIX;
        encode_prefix(p, f, d->key, k);
    }
    return p->prefix.failed ? -1 : 0;
}

void bdb_plan_free(bdb_plan *p)
{
    dbd_buf_free(&p->prefix);
}

bool bdb_plan_in_key_order(const bdb_plan *p)
{
    return p->kind == BDB_PLAN_SCAN || p->kind == BDB_PLAN_PREFIX ||
           p->kind == BDB_PLAN_GET;
}

bool bdb_plan_single(const bdb_plan *p, const bdb_table *t,
                     const bdb_filter *f)
{
    if (p->kind == BDB_PLAN_GET)
        return true;
    if (p->kind != BDB_PLAN_INDEX)
        return false;
    const bdb_index *ix = &t->def->index[p->index];
    return ix->unique && covered(f, ix->cols, ix->ncols) == ix->ncols;
}

static void dbt_realloc(DBT *d)
{
    memset(d, 0, sizeof *d);
    d->flags = DB_DBT_REALLOC;
}

dbd_status bdb_iter_open(bdb_iter *it, bdb_conn *c, const bdb_table *t,
                         const bdb_plan *p, DB_TXN *txn, bool for_write,
                         char *msg, size_t msglen)
{
    memset(it, 0, sizeof *it);
    it->c = c;
    it->t = t;
    it->p = p;
    it->txn = txn;
    it->rmw = for_write ? DB_RMW : 0;
    dbt_realloc(&it->key);
    dbt_realloc(&it->pkey);
    dbt_realloc(&it->data);
    if (p->kind == BDB_PLAN_GET)
        return DBD_OK;
    DB *db = p->kind == BDB_PLAN_INDEX ? t->sec[p->index] : t->pri;
    int ret = db->cursor(db, txn, &it->cur,
                         for_write ? 0 : DB_READ_COMMITTED);
    if (ret != 0)
        return bdb_fail(c, ret, "cannot open a cursor", msg, msglen);
    return DBD_OK;
}

/* Puts the plan's prefix into it->key as the start of a range. */
static int set_start(bdb_iter *it)
{
    const dbd_buf *pre = &it->p->prefix;
    void *buf = realloc(it->key.data, pre->len > 0 ? pre->len : 1);
    if (buf == NULL)
        return ENOMEM;
    if (pre->len > 0)
        memcpy(buf, pre->data, pre->len);
    it->key.data = buf;
    it->key.size = (u_int32_t)pre->len;
    return 0;
}

static bool has_prefix(const DBT *k, const dbd_buf *pre)
{
    return k->size >= pre->len &&
           (pre->len == 0 || memcmp(k->data, pre->data, pre->len) == 0);
}

/* One step: 0 with a row, DB_NOTFOUND at the end, or an error. */
static int step(bdb_iter *it)
{
    const bdb_plan *p = it->p;
    bool first = !it->started;
    int ret;

    it->started = true;
    switch (p->kind) {
    case BDB_PLAN_GET: {
        if (!first)
            return DB_NOTFOUND;
        DBT key = bdb_dbt(p->prefix.data, p->prefix.len);
        ret = it->t->pri->get(it->t->pri, it->txn, &key, &it->data,
                              it->rmw != 0 ? DB_RMW : DB_READ_COMMITTED);
        it->pk = p->prefix.data;
        it->pklen = p->prefix.len;
        return ret;
    }
    case BDB_PLAN_SCAN:
        ret = it->cur->get(it->cur, &it->key, &it->data,
                           (p->reverse ? (first ? DB_LAST : DB_PREV)
                                       : (first ? DB_FIRST : DB_NEXT)) |
                               it->rmw);
        break;
    case BDB_PLAN_PREFIX:
        if (first && (ret = set_start(it)) != 0)
            return ret;
        ret = it->cur->get(it->cur, &it->key, &it->data,
                           (first ? DB_SET_RANGE : DB_NEXT) | it->rmw);
        if (ret == 0 && !has_prefix(&it->key, &p->prefix))
            return DB_NOTFOUND;
        break;
    case BDB_PLAN_INDEX:
        if (first && (ret = set_start(it)) != 0)
            return ret;
        ret = it->cur->pget(it->cur, &it->key, &it->pkey, &it->data,
                            (first ? DB_SET_RANGE : DB_NEXT) | it->rmw);
        if (ret == 0 && !has_prefix(&it->key, &p->prefix))
            return DB_NOTFOUND;
        if (ret == 0) {
            it->pk = it->pkey.data;
            it->pklen = it->pkey.size;
        }
        return ret;
    default:
        return EINVAL;
    }
    if (ret == 0) {
        it->pk = it->key.data;
        it->pklen = it->key.size;
    }
    return ret;
}

int bdb_iter_next(bdb_iter *it, dbd_status *st, char *msg, size_t msglen)
{
    int ret = step(it);
    if (ret == 0) {
        it->row = it->data.data;
        it->rowlen = it->data.size;
        return 1;
    }
    if (ret == DB_NOTFOUND)
        return 0;
    char what[DBD_IDENT_MAX + 32];
    snprintf(what, sizeof what, "reading table %s", it->t->def->name);
    *st = bdb_fail(it->c, ret, what, msg, msglen);
    return -1;
}

void bdb_iter_close(bdb_iter *it)
{
    if (it->cur != NULL)
        it->cur->close(it->cur);
    it->cur = NULL;
    free(it->key.data);
    free(it->pkey.data);
    free(it->data.data);
    memset(&it->key, 0, sizeof it->key);
    memset(&it->pkey, 0, sizeof it->pkey);
    memset(&it->data, 0, sizeof it->data);
}
