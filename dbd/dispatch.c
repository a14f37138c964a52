/*
 * dispatch.c - what the front end does with one request message: know
 * its client and hold it to its limits and rules, decode it, answer admin
 * operations itself, refuse what cannot run (unknown datasource, raw not
 * allowed, missing capability, deadline passed, shutting down) and queue
 * the rest on their datasource.  Nothing here waits: a full queue or a
 * client over its rate or in-flight limit is BUSY, a datasource that is
 * down is UNAVAILABLE.
 */
#include "server_impl.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "clock.h"
#include "codec.h"
#include "rules.h"
#include "strutil.h"

/* A capability the op needs and the connector lacks, described for the
 * message; NULL when it can run. */
static const char *missing_cap(uint64_t caps, const dbd_op *op)
{
    static const struct {
        dbd_op_kind kind;
        uint64_t cap;
        const char *what;
    } need[] = {
        {DBD_OP_QUERY, DBD_CAP_QUERY, "query"},
        {DBD_OP_INSERT, DBD_CAP_INSERT, "insert"},
        {DBD_OP_UPDATE, DBD_CAP_UPDATE, "update"},
        {DBD_OP_DELETE, DBD_CAP_DELETE, "delete"},
        {DBD_OP_REPLACE, DBD_CAP_REPLACE, "replace"},
        {DBD_OP_RAW, DBD_CAP_RAW, "raw statements"},
    };
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (op->kind == need[i].kind && (caps & need[i].cap) == 0)
            return need[i].what;
    if (op->kind == DBD_OP_QUERY && op->norder > 0 &&
        (caps & DBD_CAP_ORDER) == 0)
        return "order";
    if (op->kind == DBD_OP_QUERY && (op->limit >= 0 || op->offset > 0) &&
        (caps & DBD_CAP_LIMIT) == 0)
        return "limit and offset";
    if ((caps & DBD_CAP_BITAND) == 0)
        for (size_t i = 0; i < op->nwhere; i++)
            if (op->where[i].cmp == DBD_CMP_BITAND)
                return "the & operator";
    if (op->kind == DBD_OP_BATCH) {
        if (op->atomic && (caps & DBD_CAP_TRANSACTION) == 0)
            return "transactions (send the batch with atomic = false)";
        for (size_t i = 0; i < op->nops; i++) {
            const char *m = missing_cap(caps, &op->ops[i]);
            if (m != NULL)
                return m;
        }
    }
    return NULL;
}

static bool uses_raw(const dbd_op *op)
{
    if (op->kind == DBD_OP_RAW)
        return true;
    for (size_t i = 0; op->kind == DBD_OP_BATCH && i < op->nops; i++)
        if (op->ops[i].kind == DBD_OP_RAW)
            return true;
    return false;
}

static bool is_reserved(dbd_op_kind k)
{
    return k == DBD_OP_MIGRATE;
}

/* The deadline in force: the earlier of the request's deadline and
 * timeout, else the datasource's default timeout. */
static int64_t effective_deadline(const dbd_request *req,
                                  const dbd_ds_config *dscfg, int64_t now)
{
    int64_t dl = req->deadline_usec; /* 0: none; negative: long past */
    if (req->timeout_msec != 0) {
        int64_t t;
        if (req->timeout_msec < 0)
            t = now; /* already used up */
        else if (req->timeout_msec > (INT64_MAX - now) / 1000)
            t = INT64_MAX; /* saturate rather than overflow */
        else
            t = now + req->timeout_msec * 1000;
        if (dl == 0 || t < dl)
            dl = t;
    }
    if (dl == 0)
        dl = now + (int64_t)dscfg->timeout_ms * 1000;
    return dl;
}

static void answer_admin(dbd_server *srv, const dbd_reply_to *to,
                         dbd_op_kind kind)
{
    dbd_result *r = dbd_result_new();
    int rc = -1;

    if (r == NULL)
        goto out;
    if (kind == DBD_OP_PING)
        rc = dbd_admin_ping(srv, r);
    else if (kind == DBD_OP_AUDIT)
        rc = dbd_admin_audit(srv, r);
    else if (kind == DBD_OP_DATASOURCES)
        rc = dbd_admin_datasources(srv, r);
    else if (kind == DBD_OP_HOSTS)
        rc = dbd_admin_hosts(srv, r);
    else
        rc = dbd_admin_stats(srv, r);
    if (rc == 0)
        dbd_answer_result(to, r);
out:
    if (rc != 0)
        dbd_answer_status(to, DBD_INTERNAL, "out of memory");
    dbd_result_destroy(&r);
}

/* A refusal by the client rules or limits: its message is also the audit
 * record's detail, so that the trail says which rule or limit. */
static void refuse(dbd_reply_to *to, dbd_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void refuse(dbd_reply_to *to, dbd_status st, const char *fmt, ...)
{
    char msg[600];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    to->detail = msg;
    dbd_answer_status(to, st, msg);
    to->detail = NULL;
}

/* Checks a data request against its datasource and queues it; client
 * is who sent it (NULL when the rules are not in force). */
static void route(dbd_server *srv, dbd_reply_to *to, dbd_request **preq,
                  const dbd_client *client)
{
    dbd_request *req = *preq;
    const char *dsname = req->datasource;
    const char *opname = dbd_op_name(req->op.kind);
    dbd_datasource *ds;
    const struct dbd_connector *c;
    const dbd_ds_config *dscfg;
    const char *missing;
    int64_t now, deadline;
    dbd_job *job;
    char msg[1024];
    dbd_status st;

    if (dsname == NULL) {
        dbd_answer_statusf(to, DBD_BAD, "ds: a datasource is required for "
                           "%s", opname);
        return;
    }
    ds = dbd_server_find_ds(srv, dsname);
    if (ds == NULL) {
        dbd_answer_statusf(to, DBD_NOTFOUND, "no such datasource \"%s\"",
                           dsname);
        return;
    }
    to->ds = dbd_datasource_counters(ds);
    dscfg = dbd_datasource_config(ds);
    dbd_reply_to_ds(to, dscfg, -1);
    if (srv->shutting_down) {
        dbd_answer_status(to, DBD_UNAVAILABLE, "dbd is shutting down");
        return;
    }
    c = dbd_datasource_connector(ds);
    if (c == NULL) {
        dbd_answer_statusf(to, DBD_CONFIG, "datasource \"%s\" is "
                           "misconfigured: %s", dsname,
                           dbd_datasource_load_error(ds));
        return;
    }
    if (uses_raw(&req->op) && !dscfg->allow_raw) {
        dbd_answer_statusf(to, DBD_DENY, "raw statements are not allowed on "
                           "datasource \"%s\" (allow_raw = no)", dsname);
        return;
    }
    missing = missing_cap(c->caps, &req->op);
    if (missing != NULL) {
        dbd_answer_statusf(to, DBD_UNSUPPORTED, "datasource \"%s\" (%s "
                           "connector) does not support %s", dsname,
                           dbd_datasource_scheme(ds), missing);
        return;
    }
    now = now_real_us();
    deadline = effective_deadline(req, dscfg, now);
    if (deadline <= now) {
        /* A deadline at or before the epoch is not worth a difference
         * that could overflow. */
        if (deadline > 0)
            dbd_answer_statusf(to, DBD_TIMEOUT, "deadline passed %lld ms "
                               "before the request arrived; not executed",
                               (long long)((now - deadline) / 1000));
        else
            dbd_answer_status(to, DBD_TIMEOUT, "deadline passed before the "
                              "request arrived; not executed");
        return;
    }
    job = dbd_job_new(preq, to->sock, to->ident, to->ident_len,
                      to->arrival_mono_us, deadline);
    if (job == NULL) {
        dbd_answer_status(to, DBD_INTERNAL, "out of memory");
        return;
    }
    job->audit = srv->audit;
    if (to->peer != NULL)
        str_copy(job->peer, sizeof job->peer, to->peer);
    if (to->user != NULL)
        str_copy(job->user, sizeof job->user, to->user);
    to->req = job->req; /* the request moved into the job */
    if (client != NULL) {
        job->max_rows = client->rules.max_rows;
        if (!dbd_usage_ticket_open(&job->ticket, client->usage,
                                   client->rules.max_in_flight)) {
            atomic_fetch_add(&client->usage->limited_total, 1);
            refuse(to, DBD_BUSY, "client \"%s\" has %u requests in flight, "
                   "its max_in_flight", client->rules.name,
                   client->rules.max_in_flight);
            dbd_job_destroy(&job);
            return;
        }
    }
    st = dbd_datasource_submit(ds, job, msg, sizeof msg);
    if (st != DBD_OK) {
        dbd_answer_status(to, st, msg);
        dbd_job_destroy(&job);
    }
}

/* Answers a message that cannot be read as a request (wrong frames,
 * empty, larger than max_message: the [dbd] one, or client_max when it
 * is not 0) with BAD; false when the message is fine. */
static bool refuse_message(const dbd_server *srv, dbd_reply_to *to,
                           const void *body, size_t len, int nframes,
                           const dbd_client *client)
{
    size_t max = client != NULL && client->rules.max_message > 0
                     ? client->rules.max_message
                     : srv->cfg->max_message;

    if (nframes == 1 && len > 0 && len <= max)
        return false;
    /* The id, when readable, lets the client match the error. */
    if (len > 0 && !dbd_reply_peek_id(body, len, &to->id))
        to->id = 0;
    if (nframes != 1)
        dbd_answer_statusf(to, DBD_BAD, "a request is one message frame, "
                           "got %d", nframes);
    else if (len == 0)
        dbd_answer_status(to, DBD_BAD, "empty message");
    else if (len > srv->cfg->max_message)
        dbd_answer_statusf(to, DBD_BAD, "message of %zu bytes exceeds "
                           "max_message (%zu bytes)", len,
                           srv->cfg->max_message);
    else {
        atomic_fetch_add(&client->usage->limited_total, 1);
        to->op_name = "limited"; /* not decoded */
        refuse(to, DBD_BAD, "message of %zu bytes exceeds max_message of "
               "client \"%s\" (%zu bytes)", len, client->rules.name, max);
    }
    return true;
}

/* With the rules in force: BUSY when the client is over its rate; the
 * message is not decoded.  true when answered. */
static bool over_rate(dbd_reply_to *to, const void *body, size_t len,
                      const dbd_client *client)
{
    const dbd_client_rules *r = &client->rules;

    if (r->rate == 0 || dbd_client_usage_take_token(client->usage, r->rate,
                                                    r->burst,
                                                    to->arrival_mono_us))
        return false;
    if (!dbd_reply_peek_id(body, len, &to->id))
        to->id = 0;
    atomic_fetch_add(&client->usage->limited_total, 1);
    to->op_name = "limited"; /* not decoded */
    refuse(to, DBD_BUSY, "client \"%s\" is over its rate of %u requests per "
           "second", r->name, r->rate);
    return true;
}

/* With the rules in force: DENY (true) when the request comes from no
 * client or is outside its client's rules.  A denial on an existing
 * datasource is counted and recorded (value policy included) like the
 * datasource's other answers. */
static bool denied(dbd_server *srv, dbd_reply_to *to, const dbd_request *req,
                   const dbd_client *client)
{
    dbd_datasource *ds;
    char msg[512];

    if (client != NULL &&
        dbd_rules_check(&client->rules, req, msg, sizeof msg) == DBD_OK)
        return false;
    ds = req->datasource != NULL ? dbd_server_find_ds(srv, req->datasource)
                                 : NULL;
    if (ds != NULL) {
        to->ds = dbd_datasource_counters(ds);
        dbd_reply_to_ds(to, dbd_datasource_config(ds), -1);
    }
    if (client == NULL) {
        if (to->user != NULL)
            refuse(to, DBD_DENY, "client \"%s\" has no [client %s] section; "
                   "nothing is allowed", to->user, to->user);
        else
            refuse(to, DBD_DENY, "connections on %s belong to no [client] "
                   "section; nothing is allowed",
                   srv->cfg->endpoints[to->sock]);
        return true;
    }
    client->usage->denied_total++;
    refuse(to, DBD_DENY, "%s", msg);
    return true;
}

void dbd_dispatch(dbd_server *srv, uint32_t sock, const void *ident,
                  size_t ident_len, const void *body, size_t len,
                  int nframes, const char *peer, const char *user)
{
    dbd_reply_to to = {
        .outlet = &srv->outlet,
        .sock = sock,
        .ident = ident,
        .ident_len = ident_len,
        .arrival_mono_us = now_mono_us(),
        .global = &srv->counters,
        .audit = srv->audit,
        .host = -1,
        .peer = peer,
        .user = user,
    };
    dbd_request *req = NULL;
    const dbd_client *client = NULL;
    bool ruled = dbd_clients_in_force(srv->clients);
    char err[512], who[DBD_USER_BYTES];
    dbd_status st;

    if (ident_len > DBD_IDENT_BYTES)
        return; /* cannot happen with ZeroMQ; nowhere to answer anyway */
    if (ruled) {
        client = dbd_clients_identify(srv->clients, sock, user);
        if (client != NULL) {
            /* A copy: a reload in this request replaces the clients. */
            str_copy(who, sizeof who, client->rules.name);
            to.user = who;
            client->usage->requests_total++;
        }
    }
    if (client != NULL && over_rate(&to, body, len, client))
        return;
    if (refuse_message(srv, &to, body, len, nframes, client))
        return;
    err[0] = '\0';
    st = dbd_request_decode(body, len, &req, &to.id, err, sizeof err);
    if (st != DBD_OK) {
        dbd_answer_status(&to, st, err[0] != '\0' ? err : NULL);
        goto out;
    }
    to.id = req->id;
    to.req = req;
    if (log_enabled(srv->log, LOG_DEBUG))
        log_debug(srv->log, "request %" PRIu64 ": %s on %s", req->id,
                  dbd_op_name(req->op.kind),
                  req->datasource != NULL ? req->datasource : "(none)");
    if (ruled && denied(srv, &to, req, client)) {
        /* outside the rules: answered DENY */
    } else if (is_reserved(req->op.kind)) {
        dbd_answer_statusf(&to, DBD_UNSUPPORTED, "operation \"%s\" is "
                           "reserved and not available in this version",
                           dbd_op_name(req->op.kind));
    } else if (req->op.kind == DBD_OP_SWAP) {
        dbd_admin_swap(srv, &to, req);
    } else if (req->op.kind == DBD_OP_RELOAD) {
        if (srv->shutting_down)
            dbd_answer_status(&to, DBD_UNAVAILABLE, "dbd is shutting down");
        else
            dbd_admin_reload(srv, &to);
    } else if (req->op.kind == DBD_OP_DATASOURCES ||
               req->op.kind == DBD_OP_STATS ||
               req->op.kind == DBD_OP_HOSTS ||
               req->op.kind == DBD_OP_AUDIT ||
               (req->op.kind == DBD_OP_PING && req->datasource == NULL)) {
        answer_admin(srv, &to, req->op.kind);
    } else {
        route(srv, &to, &req, client);
    }
out:
    dbd_request_destroy(&req);
}
