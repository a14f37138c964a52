/* master.c - forking, watching and stopping the workers (see master.h). */
#include "master.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "signals.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define YOUNG_MS 2000        /* a worker that dies sooner backs off */
#define STOP_GRACE_MS 10000  /* then SIGKILL */

typedef struct slot {
    pid_t pid;            /* 0: not running */
    int64_t started_ms;
    int64_t restart_ms;   /* when to start it again */
    unsigned backoff_ms;
} slot;

typedef struct master {
    const sp_conf *cfg;
    const dbd_log *log;
    slot *slots;
    unsigned nslots;
    unsigned live;
    bool stopping;
    bool killed;
    bool failed;          /* a worker had to be killed: exit 1 */
    int64_t stop_deadline_ms;
} master;

static int64_t now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts worker i; true in the child. */
static bool spawn(master *m, unsigned i)
{
    pid_t pid = fork();
    if (pid == 0)
        return true;
    if (pid < 0) {
        log_err(m->log, "cannot fork worker %u", i);
        m->slots[i].restart_ms = now_ms() + m->slots[i].backoff_ms;
        return false;
    }
    m->slots[i].pid = pid;
    m->slots[i].started_ms = now_ms();
    m->live++;
    log_info(m->log, "worker %u started (pid %ld)", i, (long)pid);
    return false;
}

static void reap(master *m)
{
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        unsigned i;
        slot *s;
        int64_t ran;
        for (i = 0; i < m->nslots && m->slots[i].pid != pid; i++)
            ;
        if (i == m->nslots)
            continue;
        s = &m->slots[i];
        s->pid = 0;
        m->live--;
        ran = now_ms() - s->started_ms;
        if (m->stopping) {
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
                log_warnx(m->log, "worker %u (pid %ld) ended with %s %d", i,
                          (long)pid,
                          WIFSIGNALED(status) ? "signal" : "status",
                          WIFSIGNALED(status) ? WTERMSIG(status)
                                              : WEXITSTATUS(status));
            continue;
        }
        /* A worker that lived a while is restarted at once; one that dies
         * young waits twice as long each time, up to BACKOFF_MAX_MS. */
        if (ran < YOUNG_MS) {
            s->backoff_ms = s->backoff_ms == 0 ? BACKOFF_MIN_MS
                                               : s->backoff_ms * 2;
            if (s->backoff_ms > BACKOFF_MAX_MS)
                s->backoff_ms = BACKOFF_MAX_MS;
        } else {
            s->backoff_ms = 0;
        }
        s->restart_ms = now_ms() + s->backoff_ms;
        if (WIFSIGNALED(status))
            log_warnx(m->log, "worker %u (pid %ld) killed by signal %d; "
                      "restarting in %u ms", i, (long)pid, WTERMSIG(status),
                      s->backoff_ms);
        else
            log_warnx(m->log, "worker %u (pid %ld) exited with status %d; "
                      "restarting in %u ms", i, (long)pid,
                      WEXITSTATUS(status), s->backoff_ms);
    }
}

static void stop_all(master *m, int sig)
{
    for (unsigned i = 0; i < m->nslots; i++)
        if (m->slots[i].pid > 0)
            kill(m->slots[i].pid, sig);
}

/* Poll timeout: the next restart, or the stop deadline. */
static int next_timeout(const master *m)
{
    int64_t now = now_ms(), next = -1;
    if (m->stopping) {
        next = m->killed ? -1 : m->stop_deadline_ms;
    } else {
        for (unsigned i = 0; i < m->nslots; i++)
            if (m->slots[i].pid == 0 &&
                (next < 0 || m->slots[i].restart_ms < next))
                next = m->slots[i].restart_ms;
    }
    if (next < 0)
        return -1;
    return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

static void on_signal(master *m, int sig)
{
    if (sig == SIGCHLD) {
        reap(m);
    } else if (sig == SIGTERM || sig == SIGINT) {
        if (!m->stopping) {
            log_notice(m->log, "stopping %u worker(s)", m->live);
            m->stopping = true;
            m->stop_deadline_ms = now_ms() + STOP_GRACE_MS;
            stop_all(m, SIGTERM);
        }
    } else if (sig == SIGHUP) {
        log_notice(m->log, "SIGHUP ignored: restart sipproxy to reload its "
                   "configuration");
    }
}

sp_master_outcome sp_master_run(const sp_conf *cfg, const dbd_log *log,
                                int sigfd, unsigned *worker_index,
                                int *exit_code)
{
    master m;
    sp_master_outcome outcome = SP_MASTER_DONE;

    memset(&m, 0, sizeof m);
    m.cfg = cfg;
    m.log = log;
    m.nslots = cfg->workers;
    *exit_code = EXIT_FAILURE;
    m.slots = calloc(m.nslots, sizeof *m.slots);
    if (m.slots == NULL) {
        log_errx(log, "out of memory");
        return SP_MASTER_DONE;
    }
    for (unsigned i = 0; i < m.nslots; i++) {
        if (spawn(&m, i)) {
            *worker_index = i;
            outcome = SP_MASTER_CHILD;
            goto out;
        }
    }
    while (!(m.stopping && m.live == 0)) {
        struct pollfd pfd = {.fd = sigfd, .events = POLLIN};
        int timeout = next_timeout(&m), sig;

        if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
            log_err(log, "poll");
            break;
        }
        while ((sig = sp_signals_read(sigfd)) > 0)
            on_signal(&m, sig);
        if (sig < 0) {
            log_err(log, "reading signals");
            break;
        }
        if (m.stopping) {
            if (!m.killed && m.live > 0 && now_ms() >= m.stop_deadline_ms) {
                log_warnx(log, "%u worker(s) ignored SIGTERM for %d s; "
                          "killing them", m.live, STOP_GRACE_MS / 1000);
                stop_all(&m, SIGKILL);
                m.killed = true;
                m.failed = true;
            }
            continue;
        }
        for (unsigned i = 0; i < m.nslots; i++) {
            if (m.slots[i].pid == 0 && m.slots[i].restart_ms <= now_ms() &&
                spawn(&m, i)) {
                *worker_index = i;
                outcome = SP_MASTER_CHILD;
                goto out;
            }
        }
    }
    if (m.stopping && m.live == 0)
        *exit_code = m.failed ? EXIT_FAILURE : EXIT_SUCCESS;
    else {
        stop_all(&m, SIGKILL); /* the loop broke on an error */
        while (m.live > 0 && waitpid(-1, NULL, 0) > 0)
            m.live--;
    }
out:
    free(m.slots);
    return outcome;
}
