/* txt_file.c - identity, reads, atomic writes and locks (see txt_file.h). */
#include "txt_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "txt_util.h"

#define READ_ATTEMPTS 5

static void id_from_stat(const struct stat *st, txt_file_id *id)
{
    id->dev = st->st_dev;
    id->ino = st->st_ino;
    id->size = st->st_size;
    id->mtime = st->st_mtim;
}

bool txt_file_id_equal(const txt_file_id *a, const txt_file_id *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

int txt_file_stat(const char *path, txt_file_id *id)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    id_from_stat(&st, id);
    return 0;
}

/* Reads fd to its end into out. 0 or -1 with errno. */
static int read_all(int fd, dbd_buf *out)
{
    dbd_buf_reset(out);
    for (;;) {
        if (dbd_buf_reserve(out, 65536) != 0) {
            errno = ENOMEM;
            return -1;
        }
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
    }
    out->data[out->len] = '\0';
    return 0;
}

int txt_file_read(const char *path, dbd_buf *out, txt_file_id *id)
{
    for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        struct stat before, after;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return -1;
        if (fstat(fd, &before) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (!S_ISREG(before.st_mode)) {
            close(fd);
            errno = EISDIR; /* a directory or device is no table */
            return -1;
        }
        if (read_all(fd, out) != 0 || fstat(fd, &after) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        close(fd);
        txt_file_id a, b;
        id_from_stat(&before, &a);
        id_from_stat(&after, &b);
        if (txt_file_id_equal(&a, &b) && (off_t)out->len == after.st_size) {
            *id = b;
            return 0;
        }
        /* Written in place while we read: give the writer a moment. */
        struct timespec pause = {0, 2000000};
        nanosleep(&pause, NULL);
    }
    errno = EAGAIN;
    return -1;
}

static dbd_status io_status(int e)
{
    /* A directory we may not write is a datasource set-up problem. */
    return (e == EACCES || e == EPERM || e == EROFS) ? DBD_CONFIG
                                                     : DBD_INTERNAL;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

dbd_status txt_file_prepare(const char *dir, const char *table,
                            const char *path, const void *data, size_t len,
                            txt_pending *p, char *msg, size_t msglen)
{
    dbd_status st = DBD_INTERNAL;
    struct stat old, now;
    int fd = -1;

    memset(p, 0, sizeof *p);
    p->tmp_path = txt_path(dir, ".", table, ".tmp.XXXXXX");
    p->path = strdup(path);
    if (p->tmp_path == NULL || p->path == NULL) {
        st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        goto out;
    }
    fd = mkostemp(p->tmp_path, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(p->tmp_path);
        p->tmp_path = NULL;
        st = dbd_failf(io_status(e), msg, msglen,
                       "cannot create a temporary file in %s: %s", dir,
                       strerror(e));
        goto out;
    }
    /* Keep the table's permissions and owner (best effort for the owner:
     * only root may give a file away). */
    if (stat(path, &old) == 0) {
        if (fchmod(fd, old.st_mode & 07777) != 0) {
            int e = errno;
            st = dbd_failf(io_status(e), msg, msglen, "cannot chmod %s: %s",
                           p->tmp_path, strerror(e));
            goto out;
        }
        if (fchown(fd, old.st_uid, old.st_gid) != 0) {
            /* EPERM when not privileged: the file stays ours. */
        }
    }
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0 ||
        fstat(fd, &now) != 0) {
        int e = errno;
        st = dbd_failf(io_status(e), msg, msglen, "cannot write %s: %s",
                       p->tmp_path, strerror(e));
        goto out;
    }
    id_from_stat(&now, &p->id);
    st = DBD_OK;
out:
    if (fd >= 0 && close(fd) != 0 && st == DBD_OK) {
        int e = errno;
        st = dbd_failf(io_status(e), msg, msglen, "cannot write %s: %s",
                       p->tmp_path, strerror(e));
    }
    if (st != DBD_OK)
        txt_file_abandon(p);
    return st;
}

dbd_status txt_file_install(txt_pending *p, char *msg, size_t msglen)
{
    if (rename(p->tmp_path, p->path) != 0) {
        int e = errno;
        return dbd_failf(io_status(e), msg, msglen,
                         "cannot rename %s to %s: %s", p->tmp_path, p->path,
                         strerror(e));
    }
    free(p->tmp_path);
    p->tmp_path = NULL;
    return DBD_OK;
}

void txt_file_abandon(txt_pending *p)
{
    if (p->tmp_path != NULL)
        unlink(p->tmp_path);
    free(p->tmp_path);
    free(p->path);
    p->tmp_path = NULL;
    p->path = NULL;
}

dbd_status txt_dir_sync(const char *dir, char *msg, size_t msglen)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return dbd_failf(DBD_INTERNAL, msg, msglen,
                         "cannot sync directory %s: %s", dir, strerror(e));
    }
    close(fd);
    return DBD_OK;
}

dbd_status txt_lock_take(const char *dir, const char *table, long timeout_ms,
                         int *fd, char *msg, size_t msglen)
{
    dbd_status st = DBD_INTERNAL;
    char *path = txt_path(dir, ".", table, ".lock");
    struct timespec start, now;

    *fd = -1;
    if (path == NULL)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    int lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lfd < 0 && errno == EACCES) /* someone else's lock file */
        lfd = open(path, O_RDONLY | O_CLOEXEC);
    if (lfd < 0) {
        int e = errno;
        st = dbd_failf(io_status(e), msg, msglen,
                       "cannot open lock file %s: %s", path, strerror(e));
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (flock(lfd, LOCK_EX | LOCK_NB) == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK) {
            int e = errno;
            st = dbd_failf(DBD_INTERNAL, msg, msglen, "cannot lock %s: %s",
                           path, strerror(e));
            goto out;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        long waited = (long)(now.tv_sec - start.tv_sec) * 1000 +
                      (now.tv_nsec - start.tv_nsec) / 1000000;
        if (waited >= timeout_ms) {
            st = dbd_failf(DBD_BUSY, msg, msglen,
                           "table %s is locked by another writer (waited %ld "
                           "ms for %s)", table, waited, path);
            goto out;
        }
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    *fd = lfd;
    lfd = -1;
    st = DBD_OK;
out:
    if (lfd >= 0)
        close(lfd);
    free(path);
    return st;
}

void txt_lock_drop(int *fd)
{
    if (fd == NULL || *fd < 0)
        return;
    /* Closing the only descriptor of the open file releases the lock. */
    close(*fd);
    *fd = -1;
}
