/* endpoint.c - binding endpoints, with ipc socket file checks (endpoint.h). */
#include "endpoint.h"
#include "strutil.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <zmq.h>

/* The file of an ipc endpoint; NULL for tcp and abstract sockets. */
static const char *ipc_path(const char *endpoint)
{
    if (strncmp(endpoint, "ipc://", 6) != 0 || endpoint[6] == '@')
        return NULL;
    return endpoint + 6;
}

enum probe { PROBE_NONE, PROBE_STALE, PROBE_LIVE, PROBE_NOT_SOCKET,
             PROBE_ERROR };

/* What is at path: nothing, a socket nobody answers on, a live one, ... */
static enum probe probe_socket(const char *path, int *err)
{
    struct stat st;
    struct sockaddr_un sa;
    enum probe res = PROBE_ERROR;
    int fd;

    *err = 0;
    if (lstat(path, &st) != 0) {
        *err = errno;
        return errno == ENOENT ? PROBE_NONE : PROBE_ERROR;
    }
    if (!S_ISSOCK(st.st_mode))
        return PROBE_NOT_SOCKET;
    if (strlen(path) >= sizeof sa.sun_path) {
        *err = ENAMETOOLONG;
        return PROBE_ERROR;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err = errno;
        return PROBE_ERROR;
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
        res = PROBE_LIVE;
    else if (errno == ECONNREFUSED)
        res = PROBE_STALE;
    else if (errno == EAGAIN) /* listening, backlog full: alive */
        res = PROBE_LIVE;
    else
        *err = errno;
    close(fd);
    return res;
}

static int check_ipc(const char *path, const dbd_log *log, char *err,
                     size_t errlen)
{
    char dir[4096];
    struct stat st;
    int e;

    if (strlen(path) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
        snprintf(err, errlen, "%s: path too long for a unix socket (at most "
                 "%zu bytes)", path,
                 sizeof ((struct sockaddr_un *)0)->sun_path - 1);
        return -1;
    }
    str_copy(dir, sizeof dir, path);
    if (stat(dirname(dir), &st) != 0) {
        snprintf(err, errlen, "%s: directory %s: %s", path, dir,
                 errno == ENOENT ? "does not exist (create it with the "
                                   "owner and mode clients need)"
                                 : strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: %s is not a directory", path, dir);
        return -1;
    }
    switch (probe_socket(path, &e)) {
    case PROBE_NONE:
        return 0;
    case PROBE_STALE:
        if (unlink(path) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "%s: cannot remove stale socket: %s", path,
                     strerror(errno));
            return -1;
        }
        log_notice(log, "removed stale socket %s", path);
        return 0;
    case PROBE_LIVE:
        snprintf(err, errlen, "%s: another process is listening there (is "
                 "dbd already running?)", path);
        return -1;
    case PROBE_NOT_SOCKET:
        snprintf(err, errlen, "%s: exists and is not a socket; refusing to "
                 "replace it", path);
        return -1;
    case PROBE_ERROR:
        break;
    }
    snprintf(err, errlen, "%s: %s", path, strerror(e));
    return -1;
}

int dbd_endpoint_bind(void *sock, const char *endpoint, const dbd_log *log,
                      char *err, size_t errlen)
{
    const char *path = ipc_path(endpoint);
    if (path != NULL && check_ipc(path, log, err, errlen) != 0)
        return -1;
    if (zmq_bind(sock, endpoint) != 0) {
        snprintf(err, errlen, "cannot bind %s: %s", endpoint,
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

void dbd_endpoint_cleanup(const char *endpoint)
{
    const char *path = ipc_path(endpoint);
    int e;
    /* ZeroMQ removes the files it created; this catches the rest without
     * ever touching a socket somebody else now listens on. */
    if (path != NULL && probe_socket(path, &e) == PROBE_STALE)
        unlink(path);
}
