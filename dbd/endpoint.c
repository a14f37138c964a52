/* endpoint.c - binding endpoints, with ipc socket file checks (endpoint.h). */
#include "endpoint.h"
#include "privdrop.h"
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

/* -1 when the directory of path exists and others can write to it.
 * Sticky or not: with the sticky bit others cannot remove dbd's socket,
 * but they can take its name first while dbd is down. */
static int open_to_others(const char *path, char *err, size_t errlen)
{
    char dir[4096];
    struct stat st;

    str_copy(dir, sizeof dir, path);
    if (stat(dirname(dir), &st) == 0 && S_ISDIR(st.st_mode) &&
        (st.st_mode & S_IWOTH) != 0) {
        snprintf(err, errlen, "%s: ipc socket directory %s is writable by "
                 "others; use a directory only dbd (and its clients' group) "
                 "can write", path, dir);
        return -1;
    }
    return 0;
}

/* The socket's directory: there, a directory, and not open to others. */
static int check_dir(const char *path, char *err, size_t errlen)
{
    char dir[4096];
    struct stat st;

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
    return open_to_others(path, err, errlen);
}

static int check_ipc(const char *path, const dbd_log *log, char *err,
                     size_t errlen)
{
    int e;

    if (check_dir(path, err, errlen) != 0)
        return -1;
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

static int resolve_owner(const char *owner, const char *user, uid_t *uid,
                         char *err, size_t errlen)
{
    gid_t unused;
    const char *name = owner != NULL ? owner : user;
    *uid = (uid_t)-1;
    if (name == NULL)
        return 0;
    if (dbd_lookup_user(name, uid, &unused, err, errlen) != 0)
        return -1;
    return 0;
}

int dbd_ipc_access_init(dbd_ipc_access *a, const dbd_config *cfg, char *err,
                        size_t errlen)
{
    char why[512];

    a->mode = cfg->ipc_mode & 07777;
    if (resolve_owner(cfg->ipc_owner, cfg->user, &a->uid, why,
                      sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", cfg->ipc_owner != NULL ? "ipc_owner"
                                                               : "user", why);
        return -1;
    }
    a->gid = (gid_t)-1;
    if (cfg->ipc_group != NULL || cfg->group != NULL) {
        const char *name = cfg->ipc_group != NULL ? cfg->ipc_group
                                                  : cfg->group;
        if (dbd_lookup_group(name, &a->gid, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s: %s", cfg->ipc_group != NULL
                                                ? "ipc_group" : "group", why);
            return -1;
        }
    } else if (cfg->user != NULL) {
        /* The group dbd runs as: the user's primary group. */
        uid_t unused;
        if (dbd_lookup_user(cfg->user, &unused, &a->gid, why,
                            sizeof why) != 0) {
            snprintf(err, errlen, "user: %s", why);
            return -1;
        }
    }
    return 0;
}

int dbd_endpoint_check_dir(const char *endpoint, char *err, size_t errlen)
{
    const char *path = ipc_path(endpoint);
    return path != NULL ? open_to_others(path, err, errlen) : 0;
}

int dbd_endpoint_set_access(const char *endpoint, const dbd_ipc_access *a,
                            char *err, size_t errlen)
{
    const char *path = ipc_path(endpoint);
    struct stat st;

    if (path == NULL)
        return 0;
    /* Only ever the socket ZeroMQ made: lchown and the S_ISSOCK check keep
     * a symbolic link from redirecting the change to another file. */
    if (lstat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "%s: not a socket after bind; refusing to "
                 "change its owner or mode", path);
        return -1;
    }
    if ((a->uid != (uid_t)-1 || a->gid != (gid_t)-1) &&
        lchown(path, a->uid, a->gid) != 0) {
        snprintf(err, errlen, "%s: cannot give the socket owner %ld, group "
                 "%ld (ipc_owner, ipc_group): %s", path,
                 a->uid == (uid_t)-1 ? -1L : (long)a->uid,
                 a->gid == (gid_t)-1 ? -1L : (long)a->gid, strerror(errno));
        return -1;
    }
    if (chmod(path, (mode_t)a->mode) != 0) {
        snprintf(err, errlen, "%s: cannot set the socket's mode %04o "
                 "(ipc_mode): %s", path, a->mode, strerror(errno));
        return -1;
    }
    return 0;
}

int dbd_endpoint_bind(void *sock, const char *endpoint,
                      const dbd_ipc_access *ipc, const dbd_log *log,
                      char *err, size_t errlen)
{
    static const dbd_ipc_access owner_only = {
        .mode = 0600, .uid = (uid_t)-1, .gid = (gid_t)-1};
    const char *path = ipc_path(endpoint);
    mode_t old_mask = 0;
    int rc;

    if (path != NULL && check_ipc(path, log, err, errlen) != 0)
        return -1;
    /* ZeroMQ creates the socket file in this thread, inside zmq_bind; with
     * this umask nobody else can connect until the mode below is set.
     * umask is per process: this runs at start-up, before the workers. */
    if (path != NULL)
        old_mask = umask(S_IRWXG | S_IRWXO);
    rc = zmq_bind(sock, endpoint);
    if (rc != 0)
        snprintf(err, errlen, "cannot bind %s: %s", endpoint,
                 zmq_strerror(zmq_errno()));
    if (path != NULL)
        umask(old_mask);
    if (rc != 0)
        return -1;
    if (path != NULL &&
        dbd_endpoint_set_access(endpoint, ipc != NULL ? ipc : &owner_only,
                                err, errlen) != 0)
        return -1;
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
