/*
 * codec_reply_writer.c - the streaming reply writer the daemon uses to send
 * large results in chunks (see codec.h and PROTOCOL.md, "Chunking").  Rows
 * are packed as they come and go out once they pass the chunk size; the
 * last message carries the final status.
 */
#include "codec.h"
#include "codec_reply_pack.h"
#include "codec_value.h"

#include <stdlib.h>

static int pack_cols(msgpack_packer *pk, size_t n, const char *const *names,
                     const dbd_type *types)
{
    if (msgpack_pack_array(pk, n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (msgpack_pack_array(pk, 2) != 0 ||
            dbd_pack_cstr(pk, names[i] ? names[i] : "") != 0 ||
            msgpack_pack_int(pk, (int)types[i]) != 0)
            return -1;
    return 0;
}

struct dbd_reply_writer {
    uint64_t id;
    size_t chunk_bytes;   /* 0: never chunk */
    dbd_flush_fn flush;
    void *ctx;
    size_t ncols;
    bool have_cols;       /* columns() was called */
    bool cols_sent;       /* ... and they went out in a chunk */
    bool failed;          /* flush asked to stop, or memory ran out */
    bool finished;
    dbd_buf cols;         /* the packed "cols" array */
    dbd_buf rows;         /* packed rows not sent yet */
    size_t nrows;         /* rows in .rows */
    uint64_t total_rows;
    dbd_buf subs;         /* packed sub-result maps */
    size_t nsubs;
    dbd_buf msg;          /* the message being assembled */
};

dbd_reply_writer *dbd_reply_writer_new(uint64_t id, size_t chunk_bytes,
                                       dbd_flush_fn flush, void *ctx)
{
    dbd_reply_writer *w;

    /* malloc(): calloc() would skip glibc's per-thread cache */
    if (flush == NULL || (w = malloc(sizeof *w)) == NULL)
        return NULL;
    *w = (dbd_reply_writer){0};
    w->id = id;
    w->chunk_bytes = chunk_bytes;
    w->flush = flush;
    w->ctx = ctx;
    dbd_buf_init(&w->cols);
    dbd_buf_init(&w->rows);
    dbd_buf_init(&w->subs);
    dbd_buf_init(&w->msg);
    return w;
}

void dbd_reply_writer_destroy(dbd_reply_writer **pw)
{
    if (pw == NULL || *pw == NULL)
        return;
    dbd_reply_writer *w = *pw;
    dbd_buf_free(&w->cols);
    dbd_buf_free(&w->rows);
    dbd_buf_free(&w->subs);
    dbd_buf_free(&w->msg);
    free(w);
    *pw = NULL;
}

uint64_t dbd_reply_writer_rows(const dbd_reply_writer *w)
{
    return w->total_rows;
}

int dbd_reply_writer_columns(dbd_reply_writer *w, size_t n,
                             const char *const *names, const dbd_type *types)
{
    msgpack_packer pk;

    if (w->failed || w->finished || w->have_cols)
        return -1;
    dbd_packer_init(&pk, &w->cols);
    if (pack_cols(&pk, n, names, types) != 0) {
        w->failed = true;
        return -1;
    }
    w->ncols = n;
    w->have_cols = true;
    return 0;
}

/* "cols" (unless sent before) and "rows" with the pending rows. */
static int pack_pending(dbd_reply_writer *w, msgpack_packer *pk)
{
    if (!w->cols_sent &&
        (dbd_pack_cstr(pk, "cols") != 0 ||
         dbd_buf_append(&w->msg, w->cols.data, w->cols.len) != 0))
        return -1;
    if (dbd_pack_cstr(pk, "rows") != 0 ||
        msgpack_pack_array(pk, w->nrows) != 0 ||
        dbd_buf_append(&w->msg, w->rows.data, w->rows.len) != 0)
        return -1;
    return 0;
}

static int send_msg(dbd_reply_writer *w, bool more)
{
    if (w->flush(w->ctx, w->msg.data, w->msg.len, more) != 0) {
        w->failed = true;
        return -1;
    }
    return 0;
}

static int send_chunk(dbd_reply_writer *w)
{
    msgpack_packer pk;

    dbd_buf_reset(&w->msg);
    dbd_packer_init(&pk, &w->msg);
    if (dbd_reply_pack_head(&pk, 5 + !w->cols_sent, w->id) != 0 ||
        dbd_reply_pack_status(&pk, DBD_OK, NULL) != 0 ||
        pack_pending(w, &pk) != 0 ||
        dbd_pack_cstr(&pk, "more") != 0 || msgpack_pack_true(&pk) != 0) {
        w->failed = true;
        return -1;
    }
    if (send_msg(w, true) != 0)
        return -1;
    w->cols_sent = true;
    dbd_buf_reset(&w->rows);
    w->nrows = 0;
    return 0;
}

int dbd_reply_writer_row(dbd_reply_writer *w, const dbd_value *values)
{
    msgpack_packer pk;
    const size_t start = w->rows.len;

    if (w->failed || w->finished || !w->have_cols)
        return -1;
    dbd_packer_init(&pk, &w->rows);
    if (msgpack_pack_array(&pk, w->ncols) != 0)
        goto fail;
    for (size_t i = 0; i < w->ncols; i++)
        if (dbd_pack_value(&pk, &values[i]) != 0)
            goto fail;
    w->nrows++;
    w->total_rows++;
    if (w->chunk_bytes > 0 && w->rows.len >= w->chunk_bytes)
        return send_chunk(w);
    return 0;
fail:
    dbd_buf_truncate(&w->rows, start);
    w->failed = true;
    return -1;
}

int dbd_reply_writer_sub(dbd_reply_writer *w, const dbd_result *sub)
{
    msgpack_packer pk;
    const size_t start = w->subs.len;

    if (w->failed || w->finished)
        return -1;
    dbd_packer_init(&pk, &w->subs);
    if (!dbd_status_valid(dbd_result_status(sub)) ||
        dbd_reply_pack_result(&pk, sub, true) != 0) {
        dbd_buf_truncate(&w->subs, start);
        return -1;
    }
    w->nsubs++;
    return 0;
}

int dbd_reply_writer_finish(dbd_reply_writer *w, dbd_status st,
                            const char *msg, int64_t affected,
                            int64_t last_id)
{
    msgpack_packer pk;
    /* An error drops the result set: the client discards what it got. */
    const bool table = st == DBD_OK && w->have_cols;
    const size_t nkeys = 3 + (st != DBD_OK) +
                         (table ? 1u + !w->cols_sent : 0u) +
                         dbd_reply_counter_keys(affected, last_id) +
                         (w->nsubs > 0);

    if (w->failed || w->finished || !dbd_status_valid(st))
        return -1;
    w->finished = true;
    dbd_buf_reset(&w->msg);
    dbd_packer_init(&pk, &w->msg);
    if (dbd_reply_pack_head(&pk, nkeys, w->id) != 0 ||
        dbd_reply_pack_status(&pk, st, msg) != 0 ||
        (table && pack_pending(w, &pk) != 0) ||
        dbd_reply_pack_counters(&pk, affected, last_id) != 0)
        goto fail;
    if (w->nsubs > 0 &&
        (dbd_pack_cstr(&pk, "results") != 0 ||
         msgpack_pack_array(&pk, w->nsubs) != 0 ||
         dbd_buf_append(&w->msg, w->subs.data, w->subs.len) != 0))
        goto fail;
    return send_msg(w, false);
fail:
    w->failed = true;
    return -1;
}
