/*
 * registrar.c - what one REGISTER does to an AoR's bindings (RFC 3261
 * section 10.3 steps 6-8), decided over the rows read before and written
 * back as one atomic dbd batch, or as that one operation alone when it is
 * the only write; and the choice of the binding a request to a local user
 * goes to.
 *
 * The plan works on a copy of the AoR's unexpired bindings: every Contact
 * either changes an entry (matched by URI equality, binding.h) or adds
 * one; the batch is then derived from what changed, so repeating a Contact
 * in one REGISTER simply acts on the entry the first one made.
 */
#include "registrar.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "binding.h"
#include "hex.h"

#define USEC_PER_SEC INT64_C(1000000)
/* RFC 3261 delta-seconds go up to 2**32-1; the cap also keeps now + e*1e6
 * far from overflowing. */
#define EXPIRES_CAP_S INT64_C(4294967295)
/* Used when the configured default is unusable (RFC 3261 suggests 3600). */
#define FALLBACK_EXPIRES_S 3600
/* The location columns Kamailio's usrloc fills that this registrar does not
 * track: connection_id -1 means "no TCP connection" (UDP only here). */
#define LOC_CONNECTION_ID_NONE (-1)

typedef struct work_entry {
    reg_binding b;  /* owned copy */
    bool is_new;    /* added by this request: an insert */
    bool touched;   /* changed by this request: an update (or delete) */
    bool deleted;
} work_entry;

typedef struct plan_state {
    const reg_request *rq;
    work_entry *entries;
    size_t nentries;
    const reg_binding **expired; /* borrowed from existing */
    size_t nexpired;
} plan_state;

static void set_code(reg_plan *out, int code, const char *reason)
{
    out->code = code;
    out->reason = reason;
}

static dbd_value str_or_null(const char *s)
{
    return s != NULL ? dbd_string(s, strlen(s)) : dbd_null();
}

static dbd_value str_or_empty(const char *s)
{
    return dbd_string(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

static bool same_callid(const reg_binding *b, const char *callid)
{
    return b->callid != NULL && strcmp(b->callid, callid) == 0;
}

/* Step 7: contact param, else Expires header, else the default; capped. */
static int64_t contact_expires(const reg_request *rq, const reg_contact *c,
                               const reg_limits *lim)
{
    int64_t e;
    if (c->expires_s >= 0) {
        e = c->expires_s;
    } else if (rq->header_expires_s >= 0) {
        e = rq->header_expires_s;
    } else {
        /* The client asked for nothing: never refuse it for our default. */
        e = lim->default_s > 0 ? lim->default_s : FALLBACK_EXPIRES_S;
        if (e < lim->min_s)
            e = lim->min_s;
    }
    if (lim->max_s > 0 && e > lim->max_s)
        e = lim->max_s;
    return e > EXPIRES_CAP_S ? EXPIRES_CAP_S : e;
}

static bool q_valid(double q)
{
    return q == -1.0 || (q >= 0.0 && q <= 1.0);
}

/* --- the writes --- */

/* The next operation of the writes w: w's own when it is a single
 * operation (made for kind on table), else a new one of the batch. */
static dbd_op *next_op(dbd_request *w, dbd_op_kind kind, const char *table)
{
    if (w->op.kind != DBD_OP_BATCH)
        return &w->op;
    return dbd_request_add_op(w, kind, table);
}

static int add_expired_delete(dbd_request *batch, const plan_state *st,
                              const char *table)
{
    int rc = -1;
    dbd_op *op;
    dbd_value *ruids = calloc(st->nexpired, sizeof(*ruids));
    if (ruids == NULL)
        goto out;
    for (size_t i = 0; i < st->nexpired; i++)
        ruids[i] = dbd_string(st->expired[i]->ruid,
                              strlen(st->expired[i]->ruid));
    op = next_op(batch, DBD_OP_DELETE, table);
    if (op == NULL ||
        dbd_op_add_where_in(batch, op, "ruid", ruids, st->nexpired) < 0)
        goto out;
    rc = 0;
out:
    free(ruids);
    return rc;
}

static int where_ruid(dbd_request *batch, dbd_op *op, const char *ruid)
{
    dbd_value v = dbd_string(ruid, strlen(ruid));
    return dbd_op_add_where(batch, op, "ruid", DBD_CMP_EQ, &v);
}

typedef struct col_value {
    const char *column;
    dbd_value value;
} col_value;

static int add_values(dbd_request *batch, dbd_op *op, const col_value *v,
                      size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (dbd_op_add_value(batch, op, v[i].column, &v[i].value) < 0)
            return -1;
    return 0;
}

/* Every column Kamailio's usrloc writes for a new binding. */
static int add_insert(dbd_request *batch, const char *table,
                      const reg_request *rq, const reg_binding *b)
{
    const col_value v[] = {
        {"ruid", str_or_null(b->ruid)},
        {"username", str_or_null(rq->username)},
        {"domain", str_or_null(rq->domain)},
        {"contact", str_or_null(b->contact)},
        {"received", str_or_null(b->received)},
        {"path", str_or_null(b->path)},
        {"expires", dbd_datetime(b->expires_us)},
        {"q", dbd_double(b->q)},
        {"callid", str_or_null(b->callid)},
        {"cseq", dbd_int(b->cseq)},
        {"last_modified", dbd_datetime(b->last_modified_us)},
        {"flags", dbd_int(0)},
        {"cflags", dbd_int(0)},
        {"user_agent", str_or_empty(b->user_agent)},
        {"socket", str_or_null(b->socket)},
        /* No Allow header is tracked; usrloc reads NULL as "all methods". */
        {"methods", dbd_null()},
        {"instance", str_or_null(b->instance)},
        {"reg_id", dbd_int(b->reg_id)},
        {"server_id", dbd_int(0)},
        {"connection_id", dbd_int(LOC_CONNECTION_ID_NONE)},
        {"keepalive", dbd_int(0)},
        {"partition", dbd_int(0)},
    };
    dbd_op *op = next_op(batch, DBD_OP_INSERT, table);
    if (op == NULL)
        return -1;
    return add_values(batch, op, v, sizeof v / sizeof v[0]);
}

/* A refresh rewrites what a REGISTER can change, by ruid. */
static int add_update(dbd_request *batch, const char *table,
                      const reg_binding *b)
{
    const col_value v[] = {
        {"expires", dbd_datetime(b->expires_us)},
        {"q", dbd_double(b->q)},
        {"callid", str_or_null(b->callid)},
        {"cseq", dbd_int(b->cseq)},
        {"last_modified", dbd_datetime(b->last_modified_us)},
        {"user_agent", str_or_empty(b->user_agent)},
        {"received", str_or_null(b->received)},
        {"path", str_or_null(b->path)},
        {"socket", str_or_null(b->socket)},
    };
    dbd_op *op = next_op(batch, DBD_OP_UPDATE, table);
    if (op == NULL || add_values(batch, op, v, sizeof v / sizeof v[0]) < 0)
        return -1;
    return where_ruid(batch, op, b->ruid);
}

static int add_delete(dbd_request *batch, const char *table,
                      const reg_binding *b)
{
    dbd_op *op = next_op(batch, DBD_OP_DELETE, table);
    return op == NULL ? -1 : where_ruid(batch, op, b->ruid);
}

/* What entry e writes: insert, update, delete, or nothing (DBD_OP_PING). */
static dbd_op_kind entry_write(const work_entry *e)
{
    if (e->is_new && !e->deleted)
        return DBD_OP_INSERT;
    if (!e->is_new && e->deleted)
        return DBD_OP_DELETE;
    if (!e->is_new && e->touched)
        return DBD_OP_UPDATE;
    return DBD_OP_PING;
}

/* How many operations the working set writes; *kind gets the last one's. */
static size_t count_writes(const plan_state *st, dbd_op_kind *kind)
{
    size_t n = 0;
    if (st->nexpired > 0) {
        *kind = DBD_OP_DELETE;
        n++;
    }
    for (size_t i = 0; i < st->nentries; i++) {
        dbd_op_kind k = entry_write(&st->entries[i]);
        if (k != DBD_OP_PING) {
            *kind = k;
            n++;
        }
    }
    return n;
}

/* The writes for the working set; *out NULL when nothing changes.  Several
 * go as one atomic batch; a single one (the common refresh or first
 * registration) goes alone, as one statement needs no transaction around
 * it: that saves the backend a BEGIN and a COMMIT per REGISTER. */
static int build_writes(const plan_state *st, const char *ds,
                        const char *table, dbd_request **out)
{
    dbd_op_kind single = DBD_OP_PING;
    size_t n = count_writes(st, &single);
    dbd_request *w;

    *out = NULL;
    if (n == 0)
        return 0;
    w = n == 1 ? dbd_request_new(single, ds, table)
               : dbd_request_new(DBD_OP_BATCH, ds, NULL);
    if (w == NULL)
        return -1;
    if (n > 1)
        w->op.atomic = true;
    if (st->nexpired > 0 && add_expired_delete(w, st, table) < 0)
        goto fail;
    for (size_t i = 0; i < st->nentries; i++) {
        const work_entry *e = &st->entries[i];
        int rc = 0;
        switch (entry_write(e)) {
        case DBD_OP_INSERT:
            rc = add_insert(w, table, st->rq, &e->b);
            break;
        case DBD_OP_DELETE:
            rc = add_delete(w, table, &e->b);
            break;
        case DBD_OP_UPDATE:
            rc = add_update(w, table, &e->b);
            break;
        default:
            break;
        }
        if (rc < 0)
            goto fail;
    }
    *out = w;
    return 0;
fail:
    dbd_request_destroy(&w);
    return -1;
}

/* --- the working set --- */

/* Fields a REGISTER sets on a binding it adds or refreshes. */
static int apply_request(reg_binding *b, const reg_request *rq,
                         const reg_contact *c, int64_t expires_s)
{
    char *callid = strdup(rq->callid);
    char *agent = rq->user_agent != NULL ? strdup(rq->user_agent) : NULL;
    char *received = rq->received != NULL ? strdup(rq->received) : NULL;
    char *path = rq->path != NULL ? strdup(rq->path) : NULL;
    char *sock = rq->socket != NULL ? strdup(rq->socket) : NULL;
    if (callid == NULL || (rq->user_agent != NULL && agent == NULL) ||
        (rq->received != NULL && received == NULL) ||
        (rq->path != NULL && path == NULL) ||
        (rq->socket != NULL && sock == NULL)) {
        free(callid);
        free(agent);
        free(received);
        free(path);
        free(sock);
        return -1;
    }
    free(b->callid);
    free(b->user_agent);
    free(b->received);
    free(b->path);
    free(b->socket);
    b->callid = callid;
    b->user_agent = agent;
    b->received = received;
    b->path = path;
    b->socket = sock;
    b->expires_us = rq->now_us + expires_s * USEC_PER_SEC;
    b->last_modified_us = rq->now_us;
    b->cseq = rq->cseq;
    b->q = c->q == -1.0 ? 1.0 : c->q;
    return 0;
}

/* A field and a NUL, so that ("ab","c") and ("a","bc") differ. */
static void feed(struct sha256_ctx *h, const char *s)
{
    static const uint8_t sep = 0;
    if (s != NULL)
        sha256_update(h, strlen(s), (const uint8_t *)s);
    sha256_update(h, 1, &sep);
}

void reg_ruid_derive(const reg_request *rq, const char *contact_uri,
                     char out[REG_RUID_MAX])
{
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    char cseq[24];

    snprintf(cseq, sizeof cseq, "%lld", (long long)rq->cseq);
    sha256_init(&h);
    feed(&h, rq->username);
    feed(&h, rq->domain);
    feed(&h, rq->callid);
    feed(&h, cseq);
    feed(&h, contact_uri);
    sha256_digest(&h, sizeof d, d);
    memcpy(out, "uloc-", 5);
    dbd_hex_encode(d, 20, out + 5);
}

static int add_entry(plan_state *st, const reg_contact *c, int64_t expires_s,
                     void (*new_ruid)(void *, char *, size_t), void *ctx)
{
    char ruid[REG_RUID_MAX] = "";
    if (new_ruid != NULL)
        new_ruid(ctx, ruid, sizeof ruid);
    else
        reg_ruid_derive(st->rq, c->uri, ruid);
    ruid[sizeof ruid - 1] = '\0';
    work_entry *e = &st->entries[st->nentries];
    memset(e, 0, sizeof(*e));
    e->is_new = e->touched = true;
    e->b.reg_id = c->reg_id;
    if (ruid[0] == '\0' || (e->b.ruid = strdup(ruid)) == NULL ||
        (e->b.contact = strdup(c->uri)) == NULL ||
        (c->instance != NULL && (e->b.instance = strdup(c->instance)) == NULL) ||
        apply_request(&e->b, st->rq, c, expires_s) < 0) {
        binding_clear(&e->b);
        return -1;
    }
    st->nentries++;
    return 0;
}

static void state_free(plan_state *st)
{
    for (size_t i = 0; i < st->nentries; i++)
        binding_clear(&st->entries[i].b);
    free(st->entries);
    free(st->expired);
    memset(st, 0, sizeof(*st));
}

/* Splits existing into working entries (unexpired) and expired rows. */
static int state_init(plan_state *st, const reg_request *rq,
                      const reg_binding *existing, size_t nexisting)
{
    memset(st, 0, sizeof(*st));
    st->rq = rq;
    st->entries = calloc(nexisting + rq->ncontacts + 1, sizeof(*st->entries));
    st->expired = calloc(nexisting + 1, sizeof(*st->expired));
    if (st->entries == NULL || st->expired == NULL)
        return -1;
    for (size_t i = 0; i < nexisting; i++) {
        /* Rows from reg_bindings_from_result() always have both; a row
         * without a ruid could be neither updated nor deleted. */
        if (existing[i].ruid == NULL || existing[i].contact == NULL)
            continue;
        if (existing[i].expires_us <= rq->now_us) {
            st->expired[st->nexpired++] = &existing[i];
            continue;
        }
        if (binding_copy(&st->entries[st->nentries].b, &existing[i]) < 0)
            return -1;
        st->nentries++;
    }
    return 0;
}

/* --- current bindings --- */

static bool ranks_before(const reg_binding *a, const reg_binding *b)
{
    if (a->q != b->q)
        return a->q > b->q;
    return a->last_modified_us > b->last_modified_us;
}

/* Copies the live entries, best first (a stable insertion sort). */
static int build_current(const plan_state *st, reg_plan *out)
{
    size_t n = 0;
    for (size_t i = 0; i < st->nentries; i++)
        n += !st->entries[i].deleted;
    if (n == 0)
        return 0;
    reg_binding *cur = calloc(n, sizeof(*cur));
    if (cur == NULL)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < st->nentries; i++) {
        if (st->entries[i].deleted)
            continue;
        if (binding_copy(&cur[k], &st->entries[i].b) < 0) {
            reg_bindings_free(cur, k);
            return -1;
        }
        for (size_t j = k; j > 0 && ranks_before(&cur[j], &cur[j - 1]); j--) {
            reg_binding tmp = cur[j];
            cur[j] = cur[j - 1];
            cur[j - 1] = tmp;
        }
        k++;
    }
    out->current = cur;
    out->ncurrent = n;
    return 0;
}

/* --- the plan --- */

/* A live binding holds the request's Call-ID and CSeq: the request is a
 * retransmission of one already applied. */
static bool is_retransmission(const plan_state *st)
{
    for (size_t i = 0; i < st->nentries; i++)
        if (same_callid(&st->entries[i].b, st->rq->callid) &&
            st->entries[i].b.cseq == st->rq->cseq)
            return true;
    return false;
}

/* Contact: * with Expires: 0 removes every binding of the AoR (step 6). */
static int plan_star(const plan_state *st, const char *ds, const char *table,
                     reg_plan *out)
{
    const reg_request *rq = st->rq;
    if (rq->ncontacts > 0 || rq->header_expires_s != 0) {
        set_code(out, 400, "Invalid Contact *");
        return 0;
    }
    for (size_t i = 0; i < st->nentries; i++) {
        if (same_callid(&st->entries[i].b, rq->callid) &&
            rq->cseq < st->entries[i].b.cseq) {
            set_code(out, 400, "Out-of-order CSeq");
            return 0;
        }
    }
    /* One DELETE of every row of the AoR: a statement of its own. */
    dbd_request *del = dbd_request_new(DBD_OP_DELETE, ds, table);
    if (del == NULL ||
        binding_where_aor(del, &del->op, rq->username, rq->domain) < 0) {
        dbd_request_destroy(&del);
        return -1;
    }
    out->writes = del;
    set_code(out, 200, "OK");
    return 0;
}

/* Step 8 for one contact: refresh, remove or add its binding.  Returns 1
 * when the request must fail with an out-of-order CSeq. */
static int plan_contact(plan_state *st, const reg_contact *c,
                        int64_t expires_s,
                        void (*new_ruid)(void *, char *, size_t), void *ctx)
{
    const reg_request *rq = st->rq;
    for (size_t i = 0; i < st->nentries; i++) {
        work_entry *e = &st->entries[i];
        if (!binding_uri_equal(e->b.contact, c->uri))
            continue;
        /* A repeat within this request acts on what the first one did. */
        if (!e->touched && same_callid(&e->b, rq->callid) &&
            rq->cseq < e->b.cseq)
            return 1;
        e->touched = true;
        e->deleted = expires_s == 0;
        if (e->deleted)
            return 0;
        return apply_request(&e->b, rq, c, expires_s);
    }
    if (expires_s == 0)
        return 0;
    return add_entry(st, c, expires_s, new_ruid, ctx);
}

/* Checks the contacts and computes their expires (steps 7 and 8's
 * preconditions); fills the plan's code when the request fails. */
static void check_contacts(const reg_request *rq, const reg_limits *lim,
                           int64_t *expires, reg_plan *out)
{
    for (size_t i = 0; i < rq->ncontacts; i++) {
        const reg_contact *c = &rq->contacts[i];
        if (c->uri == NULL || c->uri[0] == '\0' || !q_valid(c->q)) {
            set_code(out, 400, "Bad Request");
            return;
        }
        expires[i] = contact_expires(rq, c, lim);
    }
    for (size_t i = 0; i < rq->ncontacts; i++) {
        if (expires[i] > 0 && expires[i] < lim->min_s) {
            set_code(out, 423, "Interval Too Brief");
            out->min_expires_s = lim->min_s;
            return;
        }
    }
}

int reg_plan_make(const reg_request *rq, const reg_limits *lim,
                  const reg_binding *existing, size_t nexisting,
                  const char *ds, const char *table,
                  void (*new_ruid)(void *ctx, char *buf, size_t len), void *ctx,
                  reg_plan *out)
{
    plan_state st;
    int64_t *expires = NULL;
    int rc = -1;

    memset(&st, 0, sizeof(st));
    if (out == NULL)
        return -1;
    memset(out, 0, sizeof(*out));
    if (rq == NULL || lim == NULL || ds == NULL || table == NULL ||
        (existing == NULL && nexisting > 0) ||
        (rq->contacts == NULL && rq->ncontacts > 0))
        goto out;
    if (rq->username == NULL || rq->username[0] == '\0' ||
        rq->callid == NULL || rq->callid[0] == '\0') {
        set_code(out, 400, "Bad Request");
        rc = 0;
        goto out;
    }
    if (state_init(&st, rq, existing, nexisting) < 0)
        goto out;
    if (is_retransmission(&st)) {
        /* Its original was applied (its 200 may have been lost): answer
         * it again, change nothing (RFC 3261 10.3 step 7, like Kamailio). */
        if (build_current(&st, out) < 0)
            goto out;
        set_code(out, 200, "OK");
        rc = 0;
        goto out;
    }
    if (rq->star) {
        rc = plan_star(&st, ds, table, out);
        goto out;
    }
    if ((expires = calloc(rq->ncontacts + 1, sizeof(*expires))) == NULL)
        goto out;
    check_contacts(rq, lim, expires, out);
    if (out->code != 0) {
        rc = 0;
        goto out;
    }
    for (size_t i = 0; i < rq->ncontacts; i++) {
        int r = plan_contact(&st, &rq->contacts[i], expires[i], new_ruid, ctx);
        if (r < 0)
            goto out;
        if (r > 0) {
            set_code(out, 400, "Out-of-order CSeq");
            rc = 0;
            goto out;
        }
    }
    if (build_writes(&st, ds, table, &out->writes) < 0 ||
        build_current(&st, out) < 0)
        goto out;
    set_code(out, 200, "OK");
    rc = 0;
out:
    if (rc < 0)
        reg_plan_free(out);
    free(expires);
    state_free(&st);
    return rc;
}

void reg_plan_free(reg_plan *p)
{
    if (p == NULL)
        return;
    dbd_request_destroy(&p->writes);
    reg_bindings_free(p->current, p->ncurrent);
    memset(p, 0, sizeof(*p));
}

int reg_pick_best(const reg_binding *b, size_t n, int64_t now_us)
{
    int best = -1;
    if (b == NULL)
        return -1;
    for (size_t i = 0; i < n && i <= (size_t)INT32_MAX; i++) {
        if (b[i].expires_us <= now_us)
            continue;
        if (best < 0 || ranks_before(&b[i], &b[best]))
            best = (int)i;
    }
    return best;
}
