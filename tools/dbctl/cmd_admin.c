/*
 * cmd_admin.c - the commands that name no table: ping [DS], datasources
 * (with the hosts of each), hosts, stats, swap DS URL..., reload.
 */
#include "dbctl.h"

#include <errno.h>
#include <string.h>

/* swap and reload wait for backends to be opened and checked: they get
 * at least this long unless --timeout says otherwise. */
#define DBCTL_SLOW_TIMEOUT_MS 30000

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

int cmd_hosts(dbctl *d, int argc, char **argv)
{
    return admin_command(d, argc, argv, DBD_OP_HOSTS, 0);
}

/* Prints the datasources and then the hosts tables (--json: one object,
 * the hosts under "hosts").  The exit code is that of the datasources: a
 * dbd that predates the hosts operation refuses it (BAD or UNSUPPORTED),
 * and then only the datasources are shown; other failures of hosts are
 * reported on stderr. */
static int show_datasources(dbctl *d, dbd_client *client)
{
    dbd_request *req = dbd_request_new(DBD_OP_DATASOURCES, NULL, NULL);
    dbd_result *ds = NULL, *hosts = NULL;
    int code = DBD_INTERNAL, rc;
    dbd_status st;

    if (req != NULL)
        ds = dbd_call(client, req, d->timeout_ms);
    dbd_request_destroy(&req);
    if (ds != NULL && dbd_result_status(ds) == DBD_OK) {
        req = dbd_request_new(DBD_OP_HOSTS, NULL, NULL);
        if (req == NULL)
            goto oom;
        hosts = dbd_call(client, req, d->timeout_ms);
        dbd_request_destroy(&req);
        if (hosts == NULL)
            goto oom;
        st = dbd_result_status(hosts);
        if (st != DBD_OK) {
            if (st != DBD_BAD && st != DBD_UNSUPPORTED)
                fprintf(d->err, "dbctl: hosts: %s: %s\n",
                        dbd_status_name(st), dbd_result_message(hosts));
            dbd_result_destroy(&hosts);
        }
    }
    if (ds == NULL)
        goto oom;
    if (d->json) {
        rc = out_json_with(d->out, ds, "hosts", hosts);
    } else {
        rc = out_table(d->out, ds, NULL);
        if (rc == 0 && hosts != NULL) {
            fputc('\n', d->out);
            rc = out_table(d->out, hosts, NULL);
        }
    }
    if (rc != 0)
        goto oom;
    code = dbctl_outcome(d, ds);
    if (fflush(d->out) != 0 || ferror(d->out)) {
        fprintf(d->err, "dbctl: cannot write the output: %s\n",
                strerror(errno));
        code = DBCTL_EXIT_IOERR;
    }
    goto out;
oom:
    fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
out:
    dbd_result_destroy(&hosts);
    dbd_result_destroy(&ds);
    return code;
}

int cmd_datasources(dbctl *d, int argc, char **argv)
{
    const char *none = NULL;
    dbd_client *client;
    int code;

    if (positional(d, argc, argv, &none, 0) < 0)
        return DBCTL_EXIT_USAGE;
    client = dbctl_connect(d, "dbctl");
    if (client == NULL)
        return DBCTL_EXIT_USAGE;
    code = show_datasources(d, client);
    dbd_client_destroy(&client);
    return code;
}

/* The modes a datasource of several hosts can run in (dbd.conf "mode"). */
static bool known_mode(const char *mode)
{
    return strcmp(mode, "failover") == 0 || strcmp(mode, "round-robin") == 0 ||
           strcmp(mode, "primary-replica") == 0;
}

/* swap DS URL [URL...] [--mode M]: the URLs travel space-separated. */
int cmd_swap(dbctl *d, int argc, char **argv)
{
    const char *ds = NULL, *mode = NULL;
    dbd_request *req;
    bool options = true;
    size_t len = 0;
    char *urls;
    int nurls = 0;

    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    urls = dbd_arena_alloc(d->scratch, len + 1);
    if (urls == NULL) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        return DBD_INTERNAL;
    }
    urls[0] = '\0';
    for (int i = 1; i < argc; i++) {
        int r;

        if (options && strcmp(argv[i], "--") == 0) {
            options = false;
        } else if (options &&
                   (r = opt_value(argc, argv, &i, "--mode", &mode)) != 0) {
            if (r < 0)
                return dbctl_usage(d, argv[0], "--mode needs a value");
            if (!known_mode(mode))
                return dbctl_usage(d, argv[0],
                                   "--mode wants failover, round-robin or "
                                   "primary-replica, not \"%s\"",
                                   mode);
        } else if (options && argv[i][0] == '-' && argv[i][1] == '-') {
            return dbctl_usage(d, argv[0], "no option \"%s\"", argv[i]);
        } else if (ds == NULL) {
            ds = argv[i];
        } else if (argv[i][0] == '\0' || strchr(argv[i], ' ') != NULL) {
            return dbctl_usage(d, argv[0], "\"%s\" is not a URL", argv[i]);
        } else {
            if (nurls++ > 0)
                strcat(urls, " ");
            strcat(urls, argv[i]);
        }
    }
    if (nurls == 0)
        return dbctl_usage(d, argv[0], "wants DS URL [URL...]");
    req = dbd_request_new(DBD_OP_SWAP, ds, NULL);
    if (req != NULL && dbd_request_set_swap(req, urls, mode) != 0)
        dbd_request_destroy(&req);
    if (d->timeout_ms < 0)
        d->timeout_ms = DBCTL_SLOW_TIMEOUT_MS;
    return dbctl_run(d, &req);
}

int cmd_reload(dbctl *d, int argc, char **argv)
{
    if (d->timeout_ms < 0)
        d->timeout_ms = DBCTL_SLOW_TIMEOUT_MS;
    return admin_command(d, argc, argv, DBD_OP_RELOAD, 0);
}

int cmd_stats(dbctl *d, int argc, char **argv)
{
    return admin_command(d, argc, argv, DBD_OP_STATS, 0);
}
