/*
 * rules.c - the check of a request against one client's rules (rules.h).
 */
#include "rules.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const class_verbs[] = {
    [DBD_GRANT_READ] = "read",
    [DBD_GRANT_WRITE] = "write",
    [DBD_GRANT_RAW] = "send raw statements to",
};

static bool grant_matches(const dbd_grant *g, const char *ds,
                          const char *table)
{
    return (g->ds == NULL || strcmp(g->ds, ds) == 0) &&
           (g->table == NULL || table == NULL ||
            strcmp(g->table, table) == 0);
}

/* Whether class k of c covers table of ds (table NULL: any table). */
static bool granted(const dbd_client_rules *c, dbd_grant_class k,
                    const char *ds, const char *table)
{
    for (size_t i = 0; i < c->ngrants[k]; i++)
        if (grant_matches(&c->grants[k][i], ds, table))
            return true;
    return false;
}

static bool any_grant_on(const dbd_client_rules *c, const char *ds)
{
    for (int k = 0; k < DBD_GRANT_CLASSES; k++)
        for (size_t i = 0; i < c->ngrants[k]; i++)
            if (c->grants[k][i].ds == NULL ||
                strcmp(c->grants[k][i].ds, ds) == 0)
                return true;
    return false;
}

/* The class a data operation needs; -1 for batch and non-data ops. */
static int class_of(dbd_op_kind kind)
{
    switch (kind) {
    case DBD_OP_QUERY:
        return DBD_GRANT_READ;
    case DBD_OP_INSERT:
    case DBD_OP_UPDATE:
    case DBD_OP_DELETE:
    case DBD_OP_REPLACE:
        return DBD_GRANT_WRITE;
    case DBD_OP_RAW:
        return DBD_GRANT_RAW;
    default:
        return -1;
    }
}

/* One data operation on ds; where prefixes the message ("ops[2]: "). */
static dbd_status check_op(const dbd_client_rules *c, const char *ds,
                           const dbd_op *op, const char *where, char *msg,
                           size_t len)
{
    int k = class_of(op->kind);

    if (k < 0) {
        snprintf(msg, len, "%sclient \"%s\" may not use \"%s\"", where,
                 c->name, dbd_op_name(op->kind));
        return DBD_DENY;
    }
    if (k == DBD_GRANT_RAW ? granted(c, DBD_GRANT_RAW, ds, NULL)
                           : granted(c, (dbd_grant_class)k, ds, op->table))
        return DBD_OK;
    if (k == DBD_GRANT_RAW)
        snprintf(msg, len, "%sclient \"%s\" may not %s datasource \"%s\"",
                 where, c->name, class_verbs[k], ds);
    else
        snprintf(msg, len, "%sclient \"%s\" may not %s table \"%s\" of "
                 "datasource \"%s\"", where, c->name, class_verbs[k],
                 op->table != NULL ? op->table : "", ds);
    return DBD_DENY;
}

dbd_status dbd_rules_check(const dbd_client_rules *c, const dbd_request *req,
                           char *msg, size_t len)
{
    const dbd_op *op = &req->op;
    const char *ds = req->datasource;
    char where[32];

    if (op->kind == DBD_OP_PING) {
        if (ds == NULL || any_grant_on(c, ds))
            return DBD_OK;
        snprintf(msg, len, "client \"%s\" has no rule for datasource \"%s\"",
                 c->name, ds);
        return DBD_DENY;
    }
    if (class_of(op->kind) < 0 && op->kind != DBD_OP_BATCH) {
        /* Only the bits "admin =" can give count (never migrate). */
        if ((c->admin & dbd_admin_ops_all() & (UINT32_C(1) << op->kind)) != 0)
            return DBD_OK;
        snprintf(msg, len, "client \"%s\" may not use the admin operation "
                 "\"%s\"", c->name, dbd_op_name(op->kind));
        return DBD_DENY;
    }
    if (ds == NULL)
        return DBD_OK; /* the datasource is required: answered BAD later */
    if (op->kind != DBD_OP_BATCH)
        return check_op(c, ds, op, "", msg, len);
    for (size_t i = 0; i < op->nops; i++) {
        snprintf(where, sizeof where, "ops[%zu]: ", i);
        if (check_op(c, ds, &op->ops[i], where, msg, len) != DBD_OK)
            return DBD_DENY;
    }
    return DBD_OK;
}
