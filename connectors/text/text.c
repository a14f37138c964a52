/*
 * text.c - the text connector: serves a directory of Kamailio db_text
 * table files (URL text://DIR, one file per table).
 *
 * This file holds the connector descriptor and the ABI entry points; the
 * work is done by txt_store (cache, writes, transactions).  Numbers are
 * read and written under the "C" locale whatever the daemon's locale is.
 *
 * Options: lock_timeout (milliseconds a writer waits for a table's lock
 * before answering BUSY; default 5000).
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbd_connector.h"
#include "txt_number.h"
#include "txt_store.h"

#define DEFAULT_LOCK_TIMEOUT_MS 5000

typedef struct text_conn {
    txt_store *store;
    locale_t c_locale;
    dbd_host host;
} text_conn;

static dbd_status parse_options(const dbd_option *opts, size_t nopts,
                                long *lock_timeout, char *err, size_t errlen)
{
    for (size_t i = 0; i < nopts; i++) {
        const char *key = opts[i].key ? opts[i].key : "";
        const char *val = opts[i].value ? opts[i].value : "";
        if (strcmp(key, "lock_timeout") == 0) {
            int64_t ms;
            if (!txt_parse_int(val, strlen(val), &ms) || ms < 0 ||
                ms > LONG_MAX / 2)
                return dbd_failf(DBD_CONFIG, err, errlen,
                                 "option lock_timeout: '%s' is not a number "
                                 "of milliseconds", val);
            *lock_timeout = (long)ms;
        } else {
            return dbd_failf(DBD_CONFIG, err, errlen,
                             "unknown option '%s' (the text connector knows "
                             "only lock_timeout)", key);
        }
    }
    return DBD_OK;
}

static void text_close(void *conn)
{
    text_conn *c = conn;
    if (c == NULL)
        return;
    txt_store_destroy(&c->store);
    if (c->c_locale != (locale_t)0)
        freelocale(c->c_locale);
    free(c);
}

static dbd_status text_open(const dbd_host *host, const dbd_url *url,
                            const dbd_option *opts, size_t nopts, void **conn,
                            char *err, size_t errlen)
{
    dbd_status st = DBD_INTERNAL;
    long lock_timeout = DEFAULT_LOCK_TIMEOUT_MS;
    char *dir = NULL;
    text_conn *c = NULL;
    struct stat sb;

    *conn = NULL;
    if (url == NULL || url->target == NULL || url->target[0] == '\0')
        return dbd_failf(DBD_CONFIG, err, errlen,
                         "text URL needs a directory: text:///path/to/dir");
    st = parse_options(opts, nopts, &lock_timeout, err, errlen);
    if (st != DBD_OK)
        return st;
    /* Resolved once, so a later chdir() of the daemon changes nothing. */
    dir = realpath(url->target, NULL);
    if (dir == NULL) {
        int e = errno;
        if (e == ENOENT)
            return dbd_failf(DBD_UNAVAILABLE, err, errlen,
                             "directory %s does not exist", url->target);
        return dbd_failf(DBD_UNAVAILABLE, err, errlen, "cannot access %s: %s",
                         url->target, strerror(e));
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        st = dbd_failf(DBD_UNAVAILABLE, err, errlen, "%s is not a directory",
                       url->target);
        goto out;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        st = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    if (host != NULL)
        c->host = *host;
    c->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    c->store = txt_store_new(dir, lock_timeout, &c->host);
    if (c->c_locale == (locale_t)0 || c->store == NULL) {
        st = dbd_failf(DBD_INTERNAL, err, errlen, "out of memory");
        goto out;
    }
    st = txt_store_ping(c->store, err, errlen);
    if (st != DBD_OK)
        goto out;
    *conn = c;
    c = NULL;
out:
    text_close(c);
    free(dir);
    return st;
}

static dbd_status text_ping(void *conn, dbd_exec_info *info)
{
    text_conn *c = conn;
    (void)dbd_exec_info_begin(info, info);
    return txt_store_ping(c->store, info->msg, sizeof info->msg);
}

static dbd_status text_exec(void *conn, const dbd_op *op,
                            const dbd_sink *sink, dbd_exec_info *info)
{
    text_conn *c = conn;
    dbd_status st;
    txt_outcome res;

    (void)dbd_exec_info_begin(info, info);
    locale_t old = uselocale(c->c_locale);
    switch (op->kind) {
    case DBD_OP_QUERY:
        st = txt_store_query(c->store, op, sink, info->msg, sizeof info->msg);
        break;
    case DBD_OP_INSERT:
    case DBD_OP_UPDATE:
    case DBD_OP_DELETE:
    case DBD_OP_REPLACE:
        st = txt_store_write(c->store, op, &res, info->msg, sizeof info->msg);
        if (st == DBD_OK) {
            info->affected = res.affected;
            info->last_id = res.last_id;
        }
        break;
    default:
        st = dbd_failf(DBD_UNSUPPORTED, info->msg, sizeof info->msg,
                       "the text connector does not run %s operations",
                       dbd_op_name(op->kind) ? dbd_op_name(op->kind) : "such");
        break;
    }
    uselocale(old);
    return st;
}

static dbd_status text_begin(void *conn, dbd_exec_info *info)
{
    text_conn *c = conn;
    (void)dbd_exec_info_begin(info, info);
    return txt_store_begin(c->store, info->msg, sizeof info->msg);
}

static dbd_status text_commit(void *conn, dbd_exec_info *info)
{
    text_conn *c = conn;
    (void)dbd_exec_info_begin(info, info);
    locale_t old = uselocale(c->c_locale);
    dbd_status st = txt_store_commit(c->store, info->msg, sizeof info->msg);
    uselocale(old);
    return st;
}

static dbd_status text_rollback(void *conn, dbd_exec_info *info)
{
    text_conn *c = conn;
    (void)dbd_exec_info_begin(info, info);
    return txt_store_rollback(c->store, info->msg, sizeof info->msg);
}

const struct dbd_connector dbd_connector = {
    .abi = DBD_CONNECTOR_ABI,
    .size = sizeof(struct dbd_connector),
    .scheme = "text",
    .description = "Kamailio db_text directories (one text file per table)",
    .caps = DBD_CAP_QUERY | DBD_CAP_INSERT | DBD_CAP_UPDATE |
            DBD_CAP_DELETE | DBD_CAP_REPLACE | DBD_CAP_TRANSACTION |
            DBD_CAP_ORDER | DBD_CAP_LIMIT | DBD_CAP_BITAND |
            DBD_CAP_LAST_ID,
    .open = text_open,
    .close = text_close,
    .ping = text_ping,
    .exec = text_exec,
    .begin = text_begin,
    .commit = text_commit,
    .rollback = text_rollback,
    .raw = NULL,
};
