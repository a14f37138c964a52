/*
 * bdb.c - the bdb connector (bdb://DIR): its descriptor, and opening,
 * closing and pinging a connection to a Berkeley DB environment.
 *
 * DIR holds a transactional environment (recoverable after a crash, see
 * bdb_env.c), the metadata database with every table's definition
 * (bdb_meta.c) and one btree per table plus one per secondary index
 * (bdb_table.c).  The "schema" option names a table-definition file whose
 * missing tables are created when a connection opens (bdb_schema.h).
 */
#include "bdb_int.h"

#include <stdlib.h>
#include <string.h>

static void bdb_close(void *conn)
{
    bdb_conn *c = conn;
    if (c == NULL)
        return;
    if (c->txn != NULL) {
        /* a batch left open is not committed */
        c->txn->abort(c->txn);
        c->txn = NULL;
    }
    if (c->meta != NULL) /* the environment is open */
        bdb_env_checkpoint(c);
    bdb_tables_close(c);
    if (c->meta != NULL)
        c->meta->close(c->meta, 0);
    bdb_env_close(c);
    free(c->data.data);
    dbd_buf_free(&c->kbuf);
    dbd_buf_free(&c->vbuf);
    free(c->dir);
    free(c);
}

static dbd_status bdb_open(const dbd_host *host, const dbd_url *url,
                           const dbd_option *opts, size_t nopts, void **pconn,
                           char *err, size_t errlen)
{
    bdb_conn *c = NULL;
    bdb_schema *schema = NULL;
    bdb_opts o;
    dbd_status st;

    *pconn = NULL;
    if ((st = bdb_opts_parse(&o, opts, nopts, err, errlen)) != DBD_OK)
        goto out;
    if (url == NULL || url->target == NULL || url->target[0] == '\0') {
        st = dbd_failf(DBD_CONFIG, err, errlen, "bdb URL names no directory "
                       "(want bdb://DIR)");
        goto out;
    }
    /* a bad schema file is the configuration's fault: say so first */
    if (o.schema != NULL &&
        (st = bdb_schema_load(o.schema, &schema, err, errlen)) != DBD_OK)
        goto out;
    if ((c = calloc(1, sizeof *c)) == NULL ||
        (c->dir = strdup(url->target)) == NULL) {
        st = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    c->host = host;
    c->opts = o;
    c->opts.schema = NULL; /* only valid during open */
    c->users_fd = -1;
    c->data.flags = DB_DBT_REALLOC;
    dbd_buf_init(&c->kbuf);
    dbd_buf_init(&c->vbuf);
    if ((st = bdb_env_open(c, err, errlen)) != DBD_OK ||
        (st = bdb_meta_open(c, err, errlen)) != DBD_OK)
        goto out;
    if (schema != NULL &&
        (st = bdb_tables_create(c, schema, err, errlen)) != DBD_OK)
        goto out;
    bdb_log(c, DBD_LOG_DEBUG, "opened %s", c->dir);
    *pconn = c;
    c = NULL;
out:
    bdb_schema_destroy(&schema);
    bdb_close(c);
    return st;
}

/* A transaction begun and aborted: fails when the environment panicked
 * (DB_RUNRECOVERY), so the daemon reopens and recovery can run. */
static dbd_status bdb_ping(void *conn, dbd_exec_info *info)
{
    bdb_conn *c = conn;
    dbd_exec_info scratch;
    DB_TXN *txn = NULL;

    info = dbd_exec_info_begin(info, &scratch);
    int ret = c->env->txn_begin(c->env, NULL, &txn, 0);
    if (ret == 0)
        ret = txn->abort(txn);
    if (ret != 0)
        return bdb_fail(c, ret, "ping", info->msg, sizeof info->msg);
    return DBD_OK;
}

const struct dbd_connector dbd_connector = {
    .abi = DBD_CONNECTOR_ABI,
    .size = sizeof(struct dbd_connector),
    .scheme = "bdb",
    .description = DB_VERSION_STRING " transactional environments",
    .caps = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE | DBD_CAP_DELETE |
            DBD_CAP_REPLACE | DBD_CAP_TRANSACTION | DBD_CAP_ORDER |
            DBD_CAP_LIMIT | DBD_CAP_BITAND | DBD_CAP_LAST_ID |
            DBD_CAP_UNIQUE,
    .open = bdb_open,
    .close = bdb_close,
    .ping = bdb_ping,
    .exec = bdb_exec,
    .begin = bdb_begin,
    .commit = bdb_commit,
    .rollback = bdb_rollback,
};
