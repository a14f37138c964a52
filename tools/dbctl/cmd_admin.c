/*
 * cmd_admin.c - the commands that name no table: ping [DS], datasources,
 * stats.
 */
#include "dbctl.h"

#include <string.h>

/*
 * Collects up to max positional arguments after the command name; these
 * commands take no options of their own.  Returns their number, or -1
 * after printing a usage error.
 */
static int positional(dbctl *d, int argc, char **argv, const char **out,
                      int max)
{
    bool options = true;
    int n = 0;

    for (int i = 1; i < argc; i++) {
        if (options && strcmp(argv[i], "--") == 0) {
            options = false;
            continue;
        }
        if (options && argv[i][0] == '-' && argv[i][1] == '-') {
            dbctl_usage(d, argv[0], "no option \"%s\"", argv[i]);
            return -1;
        }
        if (n == max) {
            dbctl_usage(d, argv[0], "unexpected argument \"%s\"", argv[i]);
            return -1;
        }
        out[n++] = argv[i];
    }
    return n;
}

static int admin_command(dbctl *d, int argc, char **argv, dbd_op_kind kind,
                         int max_args)
{
    const char *ds = NULL;
    dbd_request *req;

    if (positional(d, argc, argv, &ds, max_args) < 0)
        return DBCTL_EXIT_USAGE;
    req = dbd_request_new(kind, ds, NULL);
    return dbctl_run(d, &req);
}

int cmd_ping(dbctl *d, int argc, char **argv)
{
    return admin_command(d, argc, argv, DBD_OP_PING, 1);
}

int cmd_datasources(dbctl *d, int argc, char **argv)
{
    return admin_command(d, argc, argv, DBD_OP_DATASOURCES, 0);
}

int cmd_stats(dbctl *d, int argc, char **argv)
{
    return admin_command(d, argc, argv, DBD_OP_STATS, 0);
}
