/*
 * main.c - sipproxy: a stateless SIP proxy and registrar whose workers
 * take credentials, bindings and routes from dbd.  Parses the command line
 * and the configuration, binds the sockets, switches to the configured
 * user, then runs the master; in a forked worker it runs the worker
 * instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "conf.h"
#include "daemon_args.h"
#include "listen.h"
#include "log.h"
#include "master.h"
#include "nonce.h"
#include "privdrop.h"
#include "sigfd.h"
#include "worker.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* The configured secret, or 32 random bytes when there is none (nonces
 * then do not survive a restart; the workers share the key by fork). */
static int nonce_key(const sp_conf *cfg, sip_nonce_key *key)
{
    unsigned char raw[32];
    char hex[2 * sizeof raw + 1];
    size_t got = 0;

    if (cfg->nonce_secret != NULL)
        return sip_nonce_key_init(key, cfg->nonce_secret);
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    return sip_nonce_key_init(key, hex);
}

static int write_pid_file(const char *path)
{
    char buf[32];
    int fd, len, rc = -1;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (write(fd, buf, (size_t)len) == len)
        rc = 0;
    if (close(fd) != 0)
        rc = -1;
    return rc;
}

/* "udp:A:P, udp:B:P" for the start-up line. */
static void listen_list(const sp_conf *cfg, char *out, size_t outlen)
{
    size_t off = 0;
    out[0] = '\0';
    for (size_t i = 0; i < cfg->nlisten && off < outlen; i++) {
        int n = snprintf(out + off, outlen - off, "%s%s", i > 0 ? ", " : "",
                         cfg->listen[i].text);
        if (n < 0)
            break;
        off += (size_t)n;
    }
}

int main(int argc, char **argv)
{
    const daemon_cli cli = {.prog = "sipproxy",
                            .config = SYSCONF_DIR "/sipproxy.conf",
                            .version = "sipproxy " PACKAGE_VERSION,
                            .takes_f = true};
    daemon_args args;
    const char *path;
    bool pid_written = false;
    sp_conf *cfg = NULL;
    dbd_log *log = NULL;
    sp_socket *socks = NULL;
    size_t nsocks = 0;
    sip_nonce_key key;
    dbd_privs privs;
    char err[1024];
    int sigfd = -1, rc;
    unsigned worker_index = 0;

    rc = daemon_args_parse(&cli, argc, argv, &args);
    if (rc != DAEMON_ARGS_RUN)
        return rc;
    rc = EXIT_FAILURE;
    path = args.config;
    cfg = sp_conf_load(path, err, sizeof err);
    if (cfg == NULL) {
        fprintf(stderr, "sipproxy: %s\n", err);
        return SP_EX_CONFIG;
    }
    if (args.check_only) {
        printf("sipproxy: %s: configuration OK (%zu socket%s, %zu domain%s)\n",
               path, cfg->nlisten, cfg->nlisten == 1 ? "" : "s",
               cfg->ndomains, cfg->ndomains == 1 ? "" : "s");
        rc = EXIT_SUCCESS;
        goto out;
    }
    /* An unknown user, or one that cannot be switched to, is a
     * configuration error, found before anything is bound. */
    if (dbd_privs_resolve(cfg->user, cfg->group, &privs, err, sizeof err) !=
        0) {
        fprintf(stderr, "sipproxy: %s: %s\n", path, err);
        rc = SP_EX_CONFIG;
        goto out;
    }
    if (args.force_stderr)
        cfg->log_dest = DBD_LOG_TO_STDERR;
    log = dbd_log_new(cfg->log_dest, cfg->log_level, "sipproxy");
    if (log == NULL) {
        fprintf(stderr, "sipproxy: out of memory\n");
        goto out;
    }
    if (nonce_key(cfg, &key) != 0) {
        log_errx(log, "cannot make the nonce key");
        goto out;
    }
    /* Before forking: the workers inherit the blocked signals. */
    sigfd = dbd_signals_open(true);
    if (sigfd < 0) {
        log_err(log, "cannot set up signal handling");
        goto out;
    }
    socks = sp_sockets_open(cfg, &nsocks, err, sizeof err);
    if (socks == NULL) {
        log_errx(log, "%s", err);
        goto out;
    }
    if (cfg->pid_file != NULL) {
        if (write_pid_file(cfg->pid_file) != 0) {
            log_err(log, "cannot write %s", cfg->pid_file);
            goto out;
        }
        pid_written = true;
    }
    /* Root was needed for the ports and the pid file only: the master and
     * the workers it forks (which inherit its ids) run as the user. */
    if (dbd_privs_drop(&privs, err, sizeof err) != 0) {
        log_errx(log, "%s", err);
        goto out;
    }
    if (privs.active)
        log_notice(log, "running as %s:%s", privs.user, privs.group);
    listen_list(cfg, err, sizeof err);
    log_notice(log, "listening on %s with %u worker%s (dbd %s)", err,
               cfg->workers, cfg->workers == 1 ? "" : "s", cfg->dbd_endpoint);
    if (sp_master_run(cfg, log, sigfd, &worker_index, &rc) ==
        SP_MASTER_CHILD) {
        close(sigfd);
        sigfd = -1;
        pid_written = false; /* the master's to remove */
        rc = sp_worker_run(cfg, log, socks, nsocks, worker_index, &key);
        goto out;
    }
    log_notice(log, "stopped");
out:
    if (pid_written && unlink(cfg->pid_file) != 0)
        log_warn(log, "cannot remove %s", cfg->pid_file);
    sp_sockets_close(&socks, nsocks);
    if (sigfd >= 0)
        close(sigfd);
    dbd_log_destroy(&log);
    sp_conf_destroy(&cfg);
    return rc;
}
