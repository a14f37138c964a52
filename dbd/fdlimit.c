/* fdlimit.c - raising the open-files limit (see fdlimit.h). */
#include "fdlimit.h"

int dbd_fd_limit_raise(dbd_fd_limit *out)
{
    struct rlimit rl;

    out->before = out->now = 0;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return -1;
    out->before = out->now = rl.rlim_cur;
    if (rl.rlim_cur == rl.rlim_max)
        return 0;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        return -1;
    out->now = rl.rlim_cur;
    return 0;
}
