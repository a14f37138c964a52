/*
 * audit_record.c - the audit record of one answered request: who (the
 * connection, the name it claims, its address), what (datasource, host,
 * operation, table, the columns of its conditions and assignments, their
 * values per the datasource's policy) and how it went (status, rows,
 * latency), formatted here in the answering thread and queued for the
 * writer (audit.h).
 */
#include "answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit_json.h"
#include "clock.h"
#include "hex.h"

/* Room for the hash chain and the head around a record's rest, so that a
 * sealed line stays within what verify reads. */
#define LINE_RESERVE 512
/* Columns and values of most requests fit on the stack. */
#define STACK_VALUES 32

typedef struct rec_parts {
    const char **cols;
    size_t ncols;
    dbd_audit_pair *pairs;
    size_t npairs;
} rec_parts;

static size_t count_values(const dbd_op *op)
{
    size_t n = op->nwhere + op->nvalues + op->nparams;
    for (size_t i = 0; i < op->nops; i++)
        n += count_values(&op->ops[i]);
    return n;
}

static void add_col(rec_parts *p, const char *name)
{
    for (size_t i = 0; i < p->ncols; i++)
        if (strcmp(p->cols[i], name) == 0)
            return;
    p->cols[p->ncols++] = name;
}

/* Whether text names one of the secret columns (any case). */
static bool names_secret(const char *text, size_t len,
                         const char *const *secret, size_t nsecret)
{
    for (size_t i = 0; i < nsecret; i++) {
        size_t n = strlen(secret[i]);
        for (size_t k = 0; n > 0 && k + n <= len; k++)
            if (strncasecmp(text + k, secret[i], n) == 0)
                return true;
    }
    return false;
}

static void add_op(rec_parts *p, const dbd_op *op)
{
    static const char *const param_names[] = {
        "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9"};
    for (size_t i = 0; i < op->nwhere; i++) {
        const dbd_cond *c = &op->where[i];
        dbd_audit_pair *pair = &p->pairs[p->npairs++];
        add_col(p, c->column);
        *pair = (dbd_audit_pair){.name = c->column, .how = dbd_cmp_name(c->cmp),
                                 .value = c->value};
        if (c->cmp == DBD_CMP_IN) {
            pair->list = c->list;
            pair->nlist = c->nlist;
        } else if (c->cmp == DBD_CMP_ISNULL || c->cmp == DBD_CMP_NOTNULL) {
            pair->value = dbd_null();
        }
    }
    for (size_t i = 0; i < op->nvalues; i++) {
        add_col(p, op->values[i].column);
        p->pairs[p->npairs++] = (dbd_audit_pair){
            .name = op->values[i].column, .how = "set",
            .value = op->values[i].value};
    }
    for (size_t i = 0; i < op->nparams; i++)
        p->pairs[p->npairs++] = (dbd_audit_pair){
            .name = i < 9 ? param_names[i] : "$n", .how = "param",
            .value = op->params[i]};
    for (size_t i = 0; i < op->nops; i++)
        add_op(p, &op->ops[i]);
}

/* Whether a raw statement of op (or of its batch) names a secret column:
 * then its text is never shown and its parameters are masked. */
static bool raw_names_secret(const dbd_op *op, const char *const *secret,
                             size_t nsecret)
{
    if (op->kind == DBD_OP_RAW && op->sql != NULL &&
        names_secret(op->sql, op->sql_len, secret, nsecret))
        return true;
    for (size_t i = 0; i < op->nops; i++)
        if (raw_names_secret(&op->ops[i], secret, nsecret))
            return true;
    return false;
}

/* A batch's table when all its operations use one; else NULL. */
static const char *batch_table(const dbd_op *op)
{
    const char *t = NULL;
    for (size_t i = 0; i < op->nops; i++) {
        const char *s = op->ops[i].table;
        if (s == NULL || (t != NULL && strcmp(s, t) != 0))
            return NULL;
        t = s;
    }
    return t;
}

/* "insert location, delete location" for a batch, into buf. */
static const char *batch_detail(const dbd_op *op, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < op->nops && used + 1 < len; i++) {
        const dbd_op *sub = &op->ops[i];
        int n = snprintf(buf + used, len - used, "%s%s%s%s", i > 0 ? ", " : "",
                         dbd_op_name(sub->kind),
                         sub->table != NULL ? " " : "",
                         sub->table != NULL ? sub->table : "");
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

/* ENDPOINT#HEXID: the connection, as ZeroMQ tells them apart. */
static void client_identity(const dbd_reply_to *to, char *buf, size_t len)
{
    const char *ep = dbd_audit_endpoint(to->audit, to->sock);
    size_t n = strnlen(ep, len - 2 * DBD_IDENT_BYTES - 2);

    /* len holds the longest endpoint, '#', the hex and a NUL. */
    memcpy(buf, ep, n);
    buf[n] = '#';
    dbd_hex_encode(to->ident, to->ident_len, buf + n + 1);
}

/* The name the client claims in the request's "client" key. */
static const char *claimed_name(const dbd_request *req)
{
    return req != NULL ? req->client : NULL;
}

void dbd_audit_answer(const dbd_reply_to *to, dbd_status st, uint64_t rows,
                      int64_t affected, const dbd_audit_held *held)
{
    const dbd_request *req = to->req;
    const dbd_op *op = req != NULL ? &req->op : NULL;
    const dbd_ds_config *dscfg = to->dscfg;
    const char *const *secret = NULL;
    size_t nsecret = 0;
    dbd_audit_values policy = DBD_AUDIT_VALUES_NONE;
    int64_t latency = now_mono_us() - to->arrival_mono_us;
    char client[1024 + 2 * DBD_IDENT_BYTES + 2], detail[1200], sql[4096];
    rec_parts parts = {0};
    const char *stack_cols[STACK_VALUES];
    dbd_audit_pair stack_pairs[STACK_VALUES];
    dbd_audit_record r;
    dbd_audit_entry *e = dbd_audit_entry_get(to->audit);
    dbd_buf *rest;
    size_t nvalues = op != NULL ? count_values(op) : 0;
    const char *topic;

    if (e == NULL) {
        /* No memory for the record; a held reply still goes out. */
        if (held != NULL)
            dbd_answer_raw(to, held->body, held->len);
        return;
    }
    rest = dbd_audit_entry_rest(e);
    if (dscfg != NULL) {
        policy = dscfg->audit_values;
        if (dscfg->audit_secret != NULL) {
            secret = (const char *const *)dscfg->audit_secret;
            nsecret = dscfg->naudit_secret;
        }
    }
    if (secret == NULL) {
        secret = dbd_audit_default_secrets;
        nsecret = DBD_AUDIT_DEFAULT_NSECRETS;
    }
    if (nvalues > 0 && nvalues <= STACK_VALUES) {
        parts.cols = stack_cols;
        parts.pairs = stack_pairs;
    } else if (nvalues > 0) {
        parts.cols = malloc(nvalues * sizeof *parts.cols);
        parts.pairs = malloc(nvalues * sizeof *parts.pairs);
        if (parts.cols == NULL || parts.pairs == NULL)
            nvalues = 0; /* the record goes without columns and values */
    }
    if (op != NULL && nvalues > 0)
        add_op(&parts, op);
    /* A CURVE client is its key's name: stable across connections and
     * addresses, unlike ENDPOINT#HEX. */
    if (to->client != NULL)
        snprintf(client, sizeof client, "%s", to->client);
    else if (to->user != NULL)
        snprintf(client, sizeof client, "%s", to->user);
    else
        client_identity(to, client, sizeof client);
    r = (dbd_audit_record){
        .ts_us = now_real_us() - latency,
        .client = client,
        .name = req != NULL ? claimed_name(req) : to->name,
        .peer = to->peer,
        .ds = to->dsname != NULL ? to->dsname
              : req != NULL      ? req->datasource
                                 : NULL,
        .host = to->host,
        .op = op != NULL ? dbd_op_name(op->kind)
              : to->op_name != NULL ? to->op_name
                                    : "malformed",
        .table = op == NULL ? NULL
                 : op->kind == DBD_OP_BATCH ? batch_table(op)
                                            : op->table,
        .cols = parts.cols,
        .ncols = parts.ncols,
        .values = parts.pairs,
        .nvalues = parts.npairs,
        .status = st,
        .rows = st != DBD_OK ? -1
                : affected >= 0 && rows == 0 ? affected
                                              : (int64_t)rows,
        .latency_us = latency,
        .id = to->id,
        .detail = to->detail,
    };
    if (op != NULL && op->kind == DBD_OP_BATCH) {
        /* A refusal's message names an operation by its place in the
         * batch: the list follows it. */
        char ops[512];
        batch_detail(op, ops, sizeof ops);
        if (r.detail != NULL)
            snprintf(detail, sizeof detail, "%s; batch: %s", r.detail, ops);
        else
            snprintf(detail, sizeof detail, "%s", ops);
        r.detail = detail;
    }
    if (policy == DBD_AUDIT_VALUES_FULL && op != NULL &&
        raw_names_secret(op, secret, nsecret))
        policy = DBD_AUDIT_VALUES_MASKED; /* its parameters may be secrets */
    /* A raw statement is shown in full policy only, and not when it names
     * a secret column: dbd cannot tell which of its parts is the secret. */
    if (op != NULL && op->kind == DBD_OP_RAW && r.detail == NULL &&
        policy == DBD_AUDIT_VALUES_FULL && op->sql != NULL) {
        snprintf(sql, sizeof sql, "%.*s", (int)op->sql_len, op->sql);
        r.detail = sql;
    }
    if (dbd_audit_json_rest(&r, policy, secret, nsecret, rest) != 0 ||
        rest->len > DBD_AUDIT_MAX_LINE - LINE_RESERVE) {
        /* Too long for one line (or no memory for it): keep the facts. */
        dbd_buf_reset(rest);
        r.ncols = 0;
        r.nvalues = 0;
        r.detail = "columns and values left out: the record would be "
                   "longer than a line may be";
        if (dbd_audit_json_rest(&r, DBD_AUDIT_VALUES_NONE, secret, nsecret,
                                rest) != 0)
            dbd_buf_reset(rest);
    }
    topic = r.ds != NULL ? r.ds : "";
    if (rest->len > 0) {
        dbd_audit_submit(to->audit, e, r.ts_us, topic, held);
    } else {
        dbd_audit_entry_drop(to->audit, e);
        if (held != NULL)
            dbd_answer_raw(to, held->body, held->len);
    }
    if (parts.cols != stack_cols) {
        free(parts.cols);
        free(parts.pairs);
    }
}
