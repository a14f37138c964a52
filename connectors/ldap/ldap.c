/*
 * ldap.c - the ldap connector: serves tables kept as entries in an LDAP
 * directory (URL ldap://host:port/BASEDN), as a mapping file describes
 * them (ldc_map.h).  This file holds the descriptor and the entry points;
 * opening is in ldc_open.c, the operations in ldc_query.c, ldc_insert.c,
 * ldc_update.c and ldc_replace.c.
 *
 * LDAP has no transactions, so the connector does not claim
 * DBD_CAP_TRANSACTION (the daemon answers atomic batches UNSUPPORTED).
 * It claims DBD_CAP_UNIQUE: every mapped table is named by its unique key
 * (the RDN), which the directory enforces, and further unique keys are
 * checked before writes (ldc_unique.c).  Numbers are written and read
 * under the "C" locale whatever the daemon's locale is.
 */
#include "ldc_int.h"

static dbd_status ping_op(void *conn, dbd_exec_info *info)
{
    (void)dbd_exec_info_begin(info, info);
    return ldc_ping(conn, info->msg, sizeof info->msg);
}

static dbd_status run(ldc_conn *c, const dbd_op *op, const dbd_sink *sink,
                      dbd_exec_info *info)
{
    char *msg = info->msg;
    size_t msglen = sizeof info->msg;

    if (op->kind == DBD_OP_QUERY)
        return ldc_query(c, op, sink, info);
    if (op->kind != DBD_OP_INSERT && op->kind != DBD_OP_UPDATE &&
        op->kind != DBD_OP_DELETE && op->kind != DBD_OP_REPLACE)
        return dbd_failf(DBD_UNSUPPORTED, msg, msglen,
                         "the ldap connector does not run %s operations",
                         dbd_op_name(op->kind) != NULL
                             ? dbd_op_name(op->kind) : "such");
    const ldc_table *t = ldc_map_table(c->map, op->table);
    if (t == NULL)
        return dbd_failf(DBD_NOTFOUND, msg, msglen,
                         "no table '%s' in the LDAP mapping", op->table);
    switch (op->kind) {
    case DBD_OP_INSERT:
        return ldc_insert(c, t, op->values, op->nvalues, NULL, info);
    case DBD_OP_UPDATE:
        return ldc_update(c, t, op->where, op->nwhere, op->values,
                          op->nvalues, &info->affected, msg, msglen);
    case DBD_OP_DELETE:
        return ldc_delete(c, t, op->where, op->nwhere, &info->affected, msg,
                          msglen);
    default:
        return ldc_replace(c, t, op, info);
    }
}

static dbd_status exec_op(void *conn, const dbd_op *op,
                                  const dbd_sink *sink, dbd_exec_info *info)
{
    ldc_conn *c = conn;
    (void)dbd_exec_info_begin(info, info);
    locale_t old = uselocale(c->c_locale);
    dbd_status st = run(c, op, sink, info);
    uselocale(old);
    return st;
}

const struct dbd_connector dbd_connector = {
    .abi = DBD_CONNECTOR_ABI,
    .size = sizeof(struct dbd_connector),
    .scheme = "ldap",
    .description = "LDAP directories (libldap), tables mapped to entries",
    .caps = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE |
            DBD_CAP_DELETE | DBD_CAP_REPLACE | DBD_CAP_ORDER |
            DBD_CAP_LIMIT | DBD_CAP_BITAND | DBD_CAP_LAST_ID |
            DBD_CAP_UNIQUE,
    .open = ldc_open,
    .close = ldc_close,
    .ping = ping_op,
    .exec = exec_op,
    .begin = NULL,
    .commit = NULL,
    .rollback = NULL,
    .raw = NULL,
};
