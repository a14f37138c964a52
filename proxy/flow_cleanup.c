/*
 * flow_cleanup.c - the periodic removal of expired location rows (done by
 * worker 0 every cleanup_interval seconds), as Kamailio's usrloc timer
 * does.  Expired rows are never used meanwhile: lookups filter on expires.
 */
#include "wctx.h"

static void cleanup_done(sp_worker *w, sp_task *t, const sp_answer *a)
{
    (void)t;
    if (a->st[0] != DBD_OK) {
        log_warnx(w->log, "deleting expired bindings failed: %s: %s",
                  dbd_status_name(a->st[0]),
                  a->res[0] != NULL ? dbd_result_message(a->res[0])
                                    : dbd_status_text(a->st[0]));
        return;
    }
    if (dbd_result_affected(a->res[0]) > 0)
        log_info(w->log, "deleted %lld expired binding(s)",
                 (long long)dbd_result_affected(a->res[0]));
}

static void cleanup_begin(sp_worker *w, sp_task *t, const sp_answer *a)
{
    const sp_table_conf *tc = &w->cfg->location;
    dbd_request *req = dbd_request_new(DBD_OP_DELETE, tc->ds, tc->table);
    dbd_value now = dbd_datetime(sp_now_real_us());

    (void)a;
    if (req != NULL &&
        dbd_op_add_where(req, &req->op, "expires", DBD_CMP_LT, &now) != 0)
        dbd_request_destroy(&req);
    sp_task_query(w, t, 0, req);
    dbd_request_destroy(&req);
    sp_task_then(w, t, cleanup_done);
}

void sp_cleanup_start(sp_worker *w)
{
    sp_task *t = sp_task_new(NULL, NULL, 0);
    if (t == NULL) {
        log_errx(w->log, "out of memory starting the location cleanup");
        return;
    }
    sp_task_start(w, t, cleanup_begin);
}
