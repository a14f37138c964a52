/*
 * cmd_data.c - the commands on one table (query, insert, update, delete,
 * replace) and raw statements.
 */
#include "dbctl.h"

#include <string.h>

static bool is_option(const char *arg)
{
    return arg[0] == '-' && arg[1] == '-';
}

/* COMMAND DS TABLE [ARGS...] */
static int table_command(dbctl *d, int argc, char **argv, dbd_op_kind kind)
{
    char err[512];
    dbd_request *req;

    if (argc < 3 || is_option(argv[1]) || is_option(argv[2]))
        return dbctl_usage(d, argv[0], "wants DS TABLE first");
    req = dbd_request_new(kind, argv[1], argv[2]);
    if (req == NULL)
        return dbctl_run(d, &req); /* reports the missing memory */
    if (opargs_parse(d->scratch, req, &req->op, argc - 3, argv + 3, err,
                     sizeof err) != 0) {
        dbd_request_destroy(&req);
        return dbctl_usage(d, argv[0], "%s", err);
    }
    return dbctl_run(d, &req);
}

int cmd_query(dbctl *d, int argc, char **argv)
{
    return table_command(d, argc, argv, DBD_OP_QUERY);
}

int cmd_insert(dbctl *d, int argc, char **argv)
{
    return table_command(d, argc, argv, DBD_OP_INSERT);
}

int cmd_update(dbctl *d, int argc, char **argv)
{
    return table_command(d, argc, argv, DBD_OP_UPDATE);
}

int cmd_delete(dbctl *d, int argc, char **argv)
{
    return table_command(d, argc, argv, DBD_OP_DELETE);
}

int cmd_replace(dbctl *d, int argc, char **argv)
{
    return table_command(d, argc, argv, DBD_OP_REPLACE);
}

/* raw DS SQL [PARAM...]: parameters are text, or :LITERAL. */
int cmd_raw(dbctl *d, int argc, char **argv)
{
    char err[512];
    dbd_request *req;
    bool options = true;
    int i = 1, nparam = 0;
    const char *ds, *sql;

    if (argc > 1 && strcmp(argv[1], "--") == 0) {
        options = false;
        i++;
    }
    if (argc - i < 2 || (options && (is_option(argv[i]) || is_option(argv[i + 1]))))
        return dbctl_usage(d, argv[0], "wants DS SQL [PARAM...]");
    ds = argv[i++];
    sql = argv[i++];
    req = dbd_request_new(DBD_OP_RAW, ds, NULL);
    if (req == NULL || dbd_op_set_raw(req, &req->op, sql, strlen(sql)) != 0) {
        dbd_request_destroy(&req);
        return dbctl_run(d, &req);
    }
    for (; i < argc; i++) {
        dbd_value v;

        if (options && strcmp(argv[i], "--") == 0) {
            options = false;
            continue;
        }
        if (options && is_option(argv[i])) {
            dbd_request_destroy(&req);
            return dbctl_usage(d, argv[0],
                               "no option \"%s\" (put \"--\" before parameters "
                               "that start with --)",
                               argv[i]);
        }
        nparam++;
        if (param_parse(d->scratch, argv[i], &v, err, sizeof err) != 0) {
            dbd_request_destroy(&req);
            return dbctl_usage(d, argv[0], "parameter %d: %s", nparam, err);
        }
        if (dbd_op_add_param(req, &req->op, &v) != 0) {
            dbd_request_destroy(&req);
            return dbctl_run(d, &req);
        }
    }
    return dbctl_run(d, &req);
}
