/*
 * txt_file.h - the file system side of a table: identity, whole-file
 * reads, atomic replacement and the per-table writer lock.
 *
 * Identity: device, inode, size and mtime with nanoseconds.  A table is
 * re-read when any of them changed, which catches our own renames (new
 * inode), editors that replace files and in-place edits that change the
 * size or the timestamp.  (An in-place edit that keeps the size within
 * one timestamp tick of the file system goes unnoticed.)
 *
 * Replacement: the new content goes to a temporary file in the same
 * directory (".TABLE.tmp.XXXXXX", never a table name since table names
 * have no dots), which is flushed with fsync(), given the old file's mode
 * and owner, renamed over the table and made durable with an fsync() of
 * the directory.  Readers see the old or the new file, never a mix.
 *
 * Lock: writers take an exclusive flock() on ".TABLE.lock" in the same
 * directory for the whole read-modify-write.  flock() locks belong to the
 * open file, so two connections of one process exclude each other too.
 */
#ifndef TXT_FILE_H
#define TXT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "status.h"

typedef struct txt_file_id {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} txt_file_id;

bool txt_file_id_equal(const txt_file_id *a, const txt_file_id *b);
/* 0, or -1 with errno set. */
int txt_file_stat(const char *path, txt_file_id *id);

/*
 * Reads the whole file into out (reset first) and its identity into id,
 * retrying while the file changes under the read (someone writing it in
 * place).  0, or -1 with errno set (EAGAIN: it kept changing).
 */
int txt_file_read(const char *path, dbd_buf *out, txt_file_id *id);

/* A new table file written and flushed but not yet in place. */
typedef struct txt_pending {
    char *tmp_path;  /* NULL when none */
    char *path;      /* the table file it replaces */
    txt_file_id id;  /* identity the table will have once installed */
} txt_pending;

/* Writes data to a temporary file beside path and flushes it. */
dbd_status txt_file_prepare(const char *dir, const char *table,
                            const char *path, const void *data, size_t len,
                            txt_pending *p, char *msg, size_t msglen);
/* Renames the temporary file over the table.  The pending file is done
 * with either way (its memory stays until txt_file_abandon()). */
dbd_status txt_file_install(txt_pending *p, char *msg, size_t msglen);
/* Removes the temporary file if still there and frees p's memory. */
void txt_file_abandon(txt_pending *p);
/* fsync() of the directory so renames survive a crash. */
dbd_status txt_dir_sync(const char *dir, char *msg, size_t msglen);

/* Takes the writer lock of table, waiting up to timeout_ms (BUSY after). */
dbd_status txt_lock_take(const char *dir, const char *table, long timeout_ms,
                         int *fd, char *msg, size_t msglen);
/* Releases a lock taken by txt_lock_take(); accepts -1; sets *fd to -1. */
void txt_lock_drop(int *fd);

#endif
