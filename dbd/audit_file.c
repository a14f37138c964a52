/* audit_file.c - the audit trail's file (audit_file.h). */
#include "audit_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HASH_KEY ",\"hash\":\""
#define SEQ_KEY ",\"seq\":"

/* Parses the hash and seq of one sealed record line (no newline). */
static int parse_last(const char *line, size_t len, dbd_audit_chain *c,
                      uint64_t *next_seq)
{
    char hex[DBD_AUDIT_HEX_SIZE + 1];
    const char *h, *s;
    char *end;
    unsigned long long seq;

    /* "...,"hash":"<64 hex>"}" */
    if (len < sizeof HASH_KEY - 1 + DBD_AUDIT_HEX_SIZE + 2)
        return -1;
    h = line + len - (sizeof HASH_KEY - 1 + DBD_AUDIT_HEX_SIZE + 2);
    if (memcmp(h, HASH_KEY, sizeof HASH_KEY - 1) != 0 ||
        memcmp(line + len - 2, "\"}", 2) != 0)
        return -1;
    memcpy(hex, h + sizeof HASH_KEY - 1, DBD_AUDIT_HEX_SIZE);
    hex[DBD_AUDIT_HEX_SIZE] = '\0';
    s = memmem(line, len, SEQ_KEY, sizeof SEQ_KEY - 1);
    if (s == NULL)
        return -1;
    errno = 0;
    seq = strtoull(s + sizeof SEQ_KEY - 1, &end, 10);
    if (errno != 0 || end == s + sizeof SEQ_KEY - 1 || *end != ',')
        return -1;
    if (dbd_audit_chain_init_hex(c, hex) != 0)
        return -1;
    *next_seq = (uint64_t)seq + 1;
    return 0;
}

int audit_file_last(const char *path, dbd_audit_chain *c, uint64_t *next_seq,
                    char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *tail = NULL;
    size_t want, start;
    ssize_t got;
    int rc = -1;

    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (st.st_size == 0) {
        rc = 1;
        goto out;
    }
    want = (uint64_t)st.st_size < DBD_AUDIT_MAX_LINE ? (size_t)st.st_size
                                                      : DBD_AUDIT_MAX_LINE;
    tail = malloc(want);
    if (tail == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    got = pread(fd, tail, want, st.st_size - (off_t)want);
    if (got != (ssize_t)want) {
        snprintf(err, errlen, "%s: cannot read its end: %s", path,
                 got < 0 ? strerror(errno) : "short read");
        goto out;
    }
    if (tail[want - 1] != '\n') {
        snprintf(err, errlen, "%s ends in an incomplete line (a write was "
                 "cut short)", path);
        goto out;
    }
    start = want - 1;
    while (start > 0 && tail[start - 1] != '\n')
        start--;
    if (parse_last(tail + start, want - 1 - start, c, next_seq) != 0) {
        snprintf(err, errlen, "%s: its last line is not an audit record",
                 path);
        goto out;
    }
    rc = 0;
out:
    free(tail);
    close(fd);
    return rc;
}

int audit_file_open(audit_file *f, const char *path, uint64_t max_size,
                    char *err, size_t errlen)
{
    struct stat st;

    f->path = path;
    f->max_size = max_size;
    f->size = 0;
    f->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (f->fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(f->fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        audit_file_close(f);
        return -1;
    }
    f->size = (uint64_t)st.st_size;
    return 0;
}

void audit_file_close(audit_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

bool audit_file_full(const audit_file *f, size_t len)
{
    return f->max_size > 0 && f->size > 0 && f->size + len > f->max_size;
}

int audit_file_append(audit_file *f, const void *data, size_t len,
                      char *err, size_t errlen)
{
    const char *p = data;
    size_t done = 0;

    if (f->fd < 0) {
        snprintf(err, errlen, "%s is not open", f->path);
        return -1;
    }
    while (done < len) {
        ssize_t n = write(f->fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "%s: %s", f->path,
                     n < 0 ? strerror(errno) : "nothing written");
            /* Never leave part of a line: the chain would not parse. */
            if (done > 0 && ftruncate(f->fd, (off_t)f->size) != 0)
                snprintf(err, errlen, "%s: %s, and cutting back the part "
                         "written failed: %s", f->path,
                         n < 0 ? strerror(errno) : "nothing written",
                         strerror(errno));
            return -1;
        }
        done += (size_t)n;
    }
    f->size += len;
    return 0;
}

static int sync_dir(const char *path)
{
    char *copy = strdup(path);
    int fd = -1, rc = -1;

    if (copy == NULL)
        return -1;
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && fsync(fd) == 0)
        rc = 0;
    if (fd >= 0)
        close(fd);
    free(copy);
    return rc;
}

int audit_file_rotate(audit_file *f, bool durable, char *moved,
                      size_t movedlen, char *err, size_t errlen)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    struct stat st;

    if (gmtime_r(&now, &tm) == NULL ||
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0) {
        snprintf(err, errlen, "cannot format the time");
        return -1;
    }
    for (unsigned n = 1;; n++) {
        /* Zero-padded, so that the names sort in rotation order. */
        int len = n == 1 ? snprintf(moved, movedlen, "%s.%s", f->path, stamp)
                         : snprintf(moved, movedlen, "%s.%s-%04u", f->path,
                                    stamp, n);
        if (len < 0 || (size_t)len >= movedlen) {
            snprintf(err, errlen, "%s: rotated name too long", f->path);
            return -1;
        }
        if (lstat(moved, &st) != 0 && errno == ENOENT)
            break;
        if (n == 9999) {
            snprintf(err, errlen, "%s: no free rotated name", f->path);
            return -1;
        }
    }
    if (rename(f->path, moved) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", f->path, moved,
                 strerror(errno));
        return -1;
    }
    audit_file_close(f);
    if (audit_file_open(f, f->path, f->max_size, err, errlen) != 0)
        return -1;
    if (durable && sync_dir(f->path) != 0) {
        snprintf(err, errlen, "%s: cannot sync its directory: %s", f->path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int audit_file_reopen(audit_file *f, char *err, size_t errlen)
{
    audit_file_close(f);
    return audit_file_open(f, f->path, f->max_size, err, errlen);
}

int audit_file_sync(audit_file *f, char *err, size_t errlen)
{
    if (f->fd >= 0 && fdatasync(f->fd) != 0) {
        snprintf(err, errlen, "%s: fdatasync: %s", f->path, strerror(errno));
        return -1;
    }
    return 0;
}
