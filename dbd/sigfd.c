/* sigfd.c - SIGTERM, SIGINT, SIGHUP (and one more) through a signalfd
 * (see sigfd.h). */
#include "sigfd.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

int dbd_signals_open(bool with_child)
{
    return dbd_signals_open_with(with_child ? SIGCHLD : 0);
}

int dbd_signals_open_with(int extra)
{
    sigset_t set;
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) != 0)
        return -1;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    if (extra != 0)
        sigaddset(&set, extra);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
        return -1;
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int dbd_signals_read(int fd)
{
    struct signalfd_siginfo si;
    ssize_t n = read(fd, &si, sizeof si);
    if (n == (ssize_t)sizeof si)
        return (int)si.ssi_signo;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    return -1;
}
