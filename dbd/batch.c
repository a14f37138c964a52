/*
 * batch.c - batch execution (see batch.h).
 *
 * Reporting: "results" holds one entry per operation that was run, in
 * order; each entry carries that operation's own status, message,
 * counters and rows.  When an operation fails:
 *   - atomic batch: nothing after it runs, the transaction is rolled back,
 *     so "results" ends with the failing operation; the entries before it
 *     say OK but their changes were undone.
 *   - non-atomic batch: the remaining operations still run (each one on
 *     its own), unless the connection broke, after which nothing more can
 *     run.
 * The batch's own status is OK when every operation succeeded (and the
 * commit did); otherwise it is the status of the first failing operation,
 * with a message naming it and saying what happened to the others.
 */
#include "batch.h"
#include "strutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct buffer_sink {
    dbd_result *r;
    uint64_t max_rows;
    bool too_many;
    bool failed;
} buffer_sink;

static int buffer_columns(void *ctx, size_t n, const char *const *names,
                          const dbd_type *types)
{
    buffer_sink *b = ctx;
    if (dbd_result_set_columns(b->r, n, names, types) != 0) {
        b->failed = true;
        return 1;
    }
    return 0;
}

static int buffer_row(void *ctx, const dbd_value *values)
{
    buffer_sink *b = ctx;
    if (b->max_rows > 0 && dbd_result_nrows(b->r) >= b->max_rows) {
        b->too_many = true;
        return 1;
    }
    if (dbd_result_add_row(b->r, values) != 0) {
        b->failed = true;
        return 1;
    }
    return 0;
}

/* Runs ops[i] into a new sub-result; NULL when memory ran out. */
static dbd_result *run_one(const dbd_exec_env *x, const dbd_op *op)
{
    dbd_result *sub = dbd_result_new();
    buffer_sink b = {.r = sub, .max_rows = x->max_rows};
    dbd_sink sink = {.ctx = &b, .columns = buffer_columns,
                     .row = buffer_row};
    dbd_exec_info info;
    char msg[600];
    const char *m;
    dbd_status st;

    if (sub == NULL)
        return NULL;
    dbd_exec_info_init(&info);
    st = dbd_exec_op(x, op, &sink, &info);
    m = info.msg[0] != '\0' ? info.msg : NULL;
    if (b.too_many) {
        dbd_exec_count_cut(x);
        snprintf(msg, sizeof msg, "result has more than max_rows = %" PRIu64
                 " rows; narrow the request (where, limit)", x->max_rows);
        st = DBD_BAD;
        m = msg;
    } else if (b.failed) {
        st = DBD_INTERNAL;
        m = "out of memory";
    }
    if (st != DBD_OK)
        dbd_result_clear_rows(sub);
    if (dbd_result_set_status(sub, st, m) != 0) {
        dbd_result_destroy(&sub);
        return NULL;
    }
    dbd_result_set_affected(sub, info.affected);
    dbd_result_set_last_id(sub, info.last_id);
    return sub;
}

/* begin, commit or rollback; *broken set when the connection broke. */
static dbd_status txn(dbd_status (*fn)(void *, dbd_exec_info *),
                      const dbd_exec_env *x, const char *what, char *msg,
                      size_t msglen, bool *broken)
{
    dbd_exec_info info;
    dbd_status st;
    dbd_exec_info_init(&info);
    st = fn(x->conn, &info);
    if (st != DBD_OK)
        snprintf(msg, msglen, "%s failed: %s", what,
                 info.msg[0] != '\0' ? info.msg : dbd_status_text(st));
    if (st == DBD_UNAVAILABLE)
        *broken = true;
    return st;
}

bool dbd_exec_batch(const dbd_exec_env *x, const dbd_op *batch,
                    dbd_reply_writer *w, const dbd_reply_to *to, char *why,
                    size_t whylen)
{
    const bool atomic = batch->atomic;
    dbd_status st = DBD_OK;
    char msg[1024];
    bool broken = false;
    uint64_t rows = 0;
    int64_t affected = -1;

    msg[0] = '\0';
    if (atomic && (x->c->caps & DBD_CAP_TRANSACTION) == 0) {
        st = DBD_UNSUPPORTED;
        snprintf(msg, sizeof msg, "atomic batch: the datasource's connector "
                 "(changed since the request was queued) has no transactions");
        goto finish;
    }
    if (atomic) {
        st = txn(x->c->begin, x, "begin", msg, sizeof msg, &broken);
        if (st != DBD_OK)
            goto finish;
    }
    for (size_t i = 0; i < batch->nops; i++) {
        const dbd_op *op = &batch->ops[i];
        dbd_result *sub = run_one(x, op);
        dbd_status sub_st;
        if (sub == NULL || dbd_reply_writer_sub(w, sub) != 0) {
            dbd_result_destroy(&sub);
            st = DBD_INTERNAL;
            snprintf(msg, sizeof msg, "operation %zu (%s): out of memory%s",
                     i + 1, dbd_op_name(op->kind),
                     atomic ? "; the batch was rolled back" : "");
            break;
        }
        sub_st = dbd_result_status(sub);
        rows += dbd_result_nrows(sub);
        if (dbd_result_affected(sub) >= 0)
            affected = (affected < 0 ? 0 : affected) +
                       dbd_result_affected(sub);
        if (sub_st == DBD_UNAVAILABLE)
            broken = true;
        if (sub_st != DBD_OK && st == DBD_OK) {
            st = sub_st;
            snprintf(msg, sizeof msg, "operation %zu of %zu (%s) failed: %s%s",
                     i + 1, batch->nops, dbd_op_name(op->kind),
                     dbd_result_message(sub),
                     atomic ? "; the batch was rolled back"
                     : broken ? "; the operations after it did not run"
                              : "; the other operations ran on their own");
        }
        dbd_result_destroy(&sub);
        if (st != DBD_OK && (atomic || broken))
            break;
    }
    if (atomic && !broken) {
        if (st != DBD_OK) {
            char rmsg[600];
            if (txn(x->c->rollback, x, "rollback", rmsg, sizeof rmsg,
                    &broken) != DBD_OK)
                log_warnx(x->log, "[%s] request %" PRIu64 ": %s", x->dsname,
                          to->id, rmsg);
        } else {
            st = txn(x->c->commit, x, "commit", msg, sizeof msg, &broken);
        }
    }
finish:
    if (broken)
        str_copy(why, whylen, msg[0] != '\0' ? msg : "connection broken");
    if (x->outcome != NULL)
        *x->outcome = st;
    if (dbd_reply_writer_finish(w, st, st != DBD_OK ? msg : NULL, -1, 0) == 0) {
        dbd_answer_count(to, st, rows, affected);
    } else if (dbd_answer_status(to, DBD_INTERNAL, "batch reply could not be "
                                 "encoded or sent") != 0) {
        log_errx(x->log, "[%s] request %" PRIu64 ": reply lost", x->dsname,
                 to->id);
    }
    return broken;
}
