/*
 * main.c - dbd: the database daemon.  Parses the command line and the
 * configuration, then runs the server in the foreground until SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "daemon_args.h"
#include "dbd_connector.h"
#include "endpoint.h"
#include "fdlimit.h"
#include "log.h"
#include "privdrop.h"
#include "registry.h"
#include "request.h"
#include "server.h"
#include "zap.h"
#include "sigfd.h"
#include "url.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* -t: the file is valid; say which connectors would not load (a warning,
 * as dbd itself starts and answers CONFIG for those datasources). */
static void check_connectors(const dbd_config *cfg)
{
    dbd_log *quiet = dbd_log_new(DBD_LOG_TO_STDERR, LOG_ERR - 1, "dbd");
    dbd_registry *reg = NULL;

    if (quiet == NULL)
        return;
    reg = dbd_registry_new(cfg->connector_dir, quiet);
    for (size_t i = 0; reg != NULL && i < cfg->nds; i++) {
        char err[1024];
        dbd_url *u = dbd_url_parse(cfg->ds[i].url, err, sizeof err);
        if (u != NULL && dbd_registry_get(reg, u->scheme, err, sizeof err) ==
                             NULL)
            fprintf(stderr, "dbd: warning: datasource %s: %s\n",
                    cfg->ds[i].name, err);
        dbd_url_destroy(&u);
    }
    dbd_registry_destroy(&reg);
    dbd_log_destroy(&quiet);
}

/* What start-up would refuse for the configuration's sake, checked before
 * anything is bound so that dbd exits with DBD_EX_CONFIG: the ipc socket
 * directories (not writable by others), the user and group to run
 * as (known, and root to switch to them), the ipc socket owner and group
 * (known).  0, or -1 with the reason in err. */
static int check_startup(const dbd_config *cfg, char *err, size_t errlen)
{
    dbd_privs privs;
    dbd_ipc_access ipc;

    for (size_t i = 0; i < cfg->nendpoints; i++)
        if (dbd_endpoint_check_dir(cfg->endpoints[i], err, errlen) != 0)
            return -1;
    if (cfg->audit.publish != NULL &&
        dbd_endpoint_check_dir(cfg->audit.publish, err, errlen) != 0)
        return -1;
    if (dbd_privs_resolve(cfg->user, cfg->group, &privs, err, errlen) != 0 ||
        dbd_ipc_access_init(&ipc, cfg, err, errlen) != 0)
        return -1;
    /* CURVE: curve_key and clients together, both files readable. */
    if (dbd_zap_check_config(cfg, err, errlen) != 0)
        return -1;
    return 0;
}

/* Each client connection takes a descriptor: as many as the hard limit
 * allows, and a warning when that is few. */
static void raise_fd_limit(const dbd_log *log)
{
    dbd_fd_limit fl;

    if (dbd_fd_limit_raise(&fl) != 0)
        log_warn(log, "cannot raise the open files limit from %llu",
                 (unsigned long long)fl.before);
    else if (fl.now != fl.before)
        log_info(log, "open files limit raised from %llu to %llu",
                 (unsigned long long)fl.before, (unsigned long long)fl.now);
    if (fl.now < DBD_FD_LIMIT_WANT)
        log_warnx(log, "open files limit is %llu and each client "
                  "connection takes one: raise the hard limit (LimitNOFILE=, "
                  "ulimit -Hn) to serve more than about %llu clients",
                  (unsigned long long)fl.now,
                  (unsigned long long)(fl.now > 64 ? fl.now - 64 : 0));
}

int main(int argc, char **argv)
{
    char version[128];
    daemon_cli cli = {.prog = "dbd", .config = SYSCONF_DIR "/dbd.conf",
                      .version = version};
    daemon_args args;
    const char *path;
    dbd_config *cfg = NULL;
    dbd_log *log = NULL;
    dbd_server *srv = NULL;
    char err[1024];
    int sigfd = -1, rc;

    snprintf(version, sizeof version,
             "dbd %s (protocol %d..%d, connector ABI 0x%08x)",
             PACKAGE_VERSION, DBD_PROTOCOL_MIN_VERSION, DBD_PROTOCOL_VERSION,
             (unsigned)DBD_CONNECTOR_ABI);
    rc = daemon_args_parse(&cli, argc, argv, &args);
    if (rc != DAEMON_ARGS_RUN)
        return rc;
    rc = EXIT_FAILURE;
    path = args.config;
    cfg = dbd_config_load(path, err, sizeof err);
    if (cfg == NULL) {
        fprintf(stderr, "dbd: %s\n", err);
        return DBD_EX_CONFIG;
    }
    if (args.check_only) {
        /* What would stop a start stops the check too. */
        if (check_startup(cfg, err, sizeof err) != 0) {
            fprintf(stderr, "dbd: %s: %s\n", path, err);
            rc = DBD_EX_CONFIG;
            goto out;
        }
        check_connectors(cfg);
        printf("dbd: %s: configuration OK (%zu datasource%s)\n", path,
               cfg->nds, cfg->nds == 1 ? "" : "s");
        rc = EXIT_SUCCESS;
        goto out;
    }
    log = dbd_log_new(cfg->log_dest, cfg->log_level, "dbd");
    if (log == NULL) {
        fprintf(stderr, "dbd: out of memory\n");
        goto out;
    }
    if (check_startup(cfg, err, sizeof err) != 0) {
        log_errx(log, "%s", err);
        rc = DBD_EX_CONFIG;
        goto out;
    }
    raise_fd_limit(log);
    /* Before any thread exists, so that every thread blocks the signals
     * and only the front end sees them. */
    sigfd = dbd_signals_open_with(SIGUSR1); /* reopens the audit file */
    if (sigfd < 0) {
        log_err(log, "cannot set up signal handling");
        goto out;
    }
    srv = dbd_server_new(cfg, path, log, sigfd, err, sizeof err);
    if (srv == NULL) {
        log_errx(log, "%s", err);
        goto out;
    }
    if (dbd_server_run(srv) == 0)
        rc = EXIT_SUCCESS;
    dbd_server_destroy(&srv);
    log_notice(log, "stopped");
out:
    dbd_server_destroy(&srv);
    if (sigfd >= 0)
        close(sigfd);
    dbd_log_destroy(&log);
    dbd_config_destroy(&cfg);
    return rc;
}
