/*
 * exec.c - runs one job on a connection and streams its reply
 * (see exec.h).  Batches are in batch.c.
 */
#include "exec.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "codec.h"
#include "strutil.h"

/* The reply writer's flush: each chunk goes out as soon as it is full;
 * the final message waits in to->held when it must wait for its audit
 * record (sync = every). */
static int flush_to_client(void *ctx, const void *data, size_t len,
                           bool more)
{
    const dbd_reply_to *to = ctx;
    if (!more && to->held != NULL) {
        dbd_buf_reset(to->held);
        return dbd_buf_append(to->held, data, len) < 0 ? -1 : 0;
    }
    return dbd_answer_raw(to, data, len);
}

typedef struct stream_sink {
    dbd_reply_writer *w;
    uint64_t max_rows;
    uint64_t rows;
    bool too_many;
    bool write_failed;
} stream_sink;

static int stream_columns(void *ctx, size_t n, const char *const *names,
                          const dbd_type *types)
{
    stream_sink *s = ctx;
    if (dbd_reply_writer_columns(s->w, n, names, types) != 0) {
        s->write_failed = true;
        return 1;
    }
    return 0;
}

static int stream_row(void *ctx, const dbd_value *values)
{
    stream_sink *s = ctx;
    if (s->max_rows > 0 && s->rows >= s->max_rows) {
        s->too_many = true;
        return 1;
    }
    if (dbd_reply_writer_row(s->w, values) != 0) {
        s->write_failed = true;
        return 1;
    }
    s->rows++;
    return 0;
}

dbd_status dbd_exec_op(const dbd_exec_env *x, const dbd_op *op,
                       const dbd_sink *sink, dbd_exec_info *info)
{
    switch (op->kind) {
    case DBD_OP_PING:
        return x->c->ping != NULL ? x->c->ping(x->conn, info) : DBD_OK;
    case DBD_OP_QUERY:
    case DBD_OP_INSERT:
    case DBD_OP_UPDATE:
    case DBD_OP_DELETE:
    case DBD_OP_REPLACE:
        return x->c->exec(x->conn, op, sink, info);
    case DBD_OP_RAW:
        if (x->c->raw == NULL)
            break;
        return x->c->raw(x->conn, op->sql, op->sql_len, op->params,
                         op->nparams, sink, info);
    default:
        break;
    }
    /* The front end refuses these before queueing; be safe anyway. */
    snprintf(info->msg, sizeof info->msg, "operation %s cannot run here",
             dbd_op_name(op->kind) != NULL ? dbd_op_name(op->kind) : "?");
    return DBD_UNSUPPORTED;
}

void dbd_exec_info_init(dbd_exec_info *info)
{
    info->affected = -1;
    info->last_id = 0;
    info->msg[0] = '\0';
}

/* A final message that could not be produced must still reach the
 * client: fall back to a plain INTERNAL reply. */
static void finish_or_fallback(const dbd_exec_env *x, dbd_reply_writer *w,
                               const dbd_reply_to *to, dbd_status st,
                               const char *msg, int64_t affected,
                               int64_t last_id)
{
    if (x->outcome != NULL)
        *x->outcome = st;
    if (dbd_reply_writer_finish(w, st, msg, affected, last_id) == 0) {
        dbd_answer_count(to, st, dbd_reply_writer_rows(w), affected);
        return;
    }
    log_errx(x->log, "[%s] request %" PRIu64 ": reply could not be "
             "completed; answering INTERNAL", x->dsname, to->id);
    if (dbd_answer_status(to, DBD_INTERNAL, "reply could not be encoded or "
                          "sent") != 0)
        log_errx(x->log, "[%s] request %" PRIu64 ": reply lost", x->dsname,
                 to->id);
}

bool dbd_exec_job(const dbd_exec_env *x, const dbd_job *job,
                  const dbd_reply_to *to, char *why, size_t whylen)
{
    const dbd_op *op = &job->req->op;
    dbd_reply_writer *w = NULL;
    stream_sink ss = {.max_rows = x->max_rows};
    dbd_sink sink = {.ctx = &ss, .columns = stream_columns,
                     .row = stream_row};
    dbd_exec_info info;
    char msg[600];
    const char *m;
    dbd_status st;
    bool broken = false;

    /* The writer keeps a pointer to `to` for its flushes. */
    w = dbd_reply_writer_new(to->id, x->chunk_bytes, flush_to_client,
                             (void *)to);
    if (w == NULL) {
        dbd_answer_status(to, DBD_INTERNAL, "out of memory");
        goto out;
    }
    if (op->kind == DBD_OP_BATCH) {
        broken = dbd_exec_batch(x, op, w, to, why, whylen);
        goto out;
    }
    ss.w = w;
    dbd_exec_info_init(&info);
    st = dbd_exec_op(x, op, &sink, &info);
    m = info.msg[0] != '\0' ? info.msg : NULL;
    if (ss.too_many) {
        dbd_exec_count_cut(x);
        snprintf(msg, sizeof msg, "result has more than max_rows = %" PRIu64
                 " rows; narrow the request (where, limit)", x->max_rows);
        st = DBD_BAD;
        m = msg;
    } else if (ss.write_failed) {
        st = DBD_INTERNAL;
        m = "reply could not be encoded or sent";
    } else if (st == DBD_UNAVAILABLE) {
        broken = true;
        str_copy(why, whylen, m != NULL ? m : "connection broken");
        if (x->deferred != NULL && dbd_reply_writer_rows(w) == 0) {
            *x->deferred = true; /* nothing left for the client yet */
            goto out;
        }
    }
    finish_or_fallback(x, w, to, st, m, info.affected, info.last_id);
out:
    dbd_reply_writer_destroy(&w);
    return broken;
}
