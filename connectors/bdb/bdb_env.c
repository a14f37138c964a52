/*
 * bdb_env.c - opening the transactional environment under the directory.
 *
 * Each connection opens its own DB_ENV handle on the directory.  The
 * environment's regions are shared memory files, so handles in one
 * process and in other processes work on the same cache, locks and log.
 * Berkeley DB's own DB_REGISTER cannot be used: it allows one handle per
 * process, and the daemon opens a pool of connections.
 *
 * Recovery (DB_RECOVER) must run when, and only when, nobody has the
 * environment open: it rebuilds the regions under any other handle.  Two
 * flock(2) locks decide it, and flock locks belong to an open file, so
 * they work between connections of one process as between processes:
 *   dbd-open.lock   held exclusively while a connection opens the
 *                   environment, so openers go one at a time;
 *   dbd-users.lock  held shared by every connection while it has the
 *                   environment open.
 * An opener that gets dbd-users.lock exclusively is alone: it runs
 * recovery (after a crash this rolls back what was not committed and
 * replays what was), then keeps the lock shared.  The kernel drops the
 * locks of a process that dies, so the next opener after a crash recovers.
 * Other programs that open the environment must follow the same protocol
 * (or run only while dbd is stopped).
 */
#include "bdb_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define GATE_FILE "dbd-open.lock"
#define USERS_FILE "dbd-users.lock"
/* A checkpoint is due after this much log or time: recovery replays the
 * log since the last one, so these bound how long it takes. */
#define CHECKPOINT_KBYTES 1024
#define CHECKPOINT_MINUTES 1

static int open_lock_file(const char *dir, const char *name, char *err,
                          size_t errlen)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
        sizeof path) {
        dbd_errf(err, errlen, "bdb directory path too long");
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        dbd_errf(err, errlen, "cannot open %.300s: %s", path,
                 strerror(errno));
    return fd;
}

static int flock_retry(int fd, int op)
{
    int r;
    while ((r = flock(fd, op)) != 0 && errno == EINTR)
        ;
    return r;
}

/* Sizes and behaviour; they apply when the regions are created, that is
 * by the connection that recovers.  A DB_CONFIG file in the directory
 * overrides them. */
static int configure(bdb_conn *c)
{
    DB_ENV *e = c->env;
    const bdb_opts *o = &c->opts;
    int ret;

    e->app_private = c;
    e->set_errcall(e, bdb_errcall);
    if ((ret = e->set_cachesize(e, (u_int32_t)(o->cache_size >> 30),
                                (u_int32_t)(o->cache_size & 0x3fffffff),
                                1)) != 0 ||
        (ret = e->set_lk_detect(e, DB_LOCK_DEFAULT)) != 0 ||
        /* Batches lock every page they touch until commit, so a large
         * batch needs many locks. */
        (ret = e->set_lk_max_locks(e, 100000)) != 0 ||
        (ret = e->set_lk_max_objects(e, 100000)) != 0 ||
        (ret = e->set_lk_max_lockers(e, 10000)) != 0 ||
        (ret = e->set_lg_bsize(e, 1024 * 1024)) != 0 ||
        (ret = e->log_set_config(e, DB_LOG_AUTO_REMOVE, 1)) != 0)
        return ret;
    if (o->lock_timeout_ms > 0 &&
        (ret = e->set_timeout(e, (db_timeout_t)o->lock_timeout_ms * 1000,
                              DB_SET_LOCK_TIMEOUT)) != 0)
        return ret;
    if (o->sync == BDB_SYNC_WRITE)
        ret = e->set_flags(e, DB_TXN_WRITE_NOSYNC, 1);
    else if (o->sync == BDB_SYNC_NONE)
        ret = e->set_flags(e, DB_TXN_NOSYNC, 1);
    return ret;
}

dbd_status bdb_env_open(bdb_conn *c, char *err, size_t errlen)
{
    struct stat sb;
    dbd_status st = DBD_UNAVAILABLE;
    int gate = -1, ret;
    bool alone;

    if (stat(c->dir, &sb) != 0)
        return dbd_failf(DBD_UNAVAILABLE, err, errlen, "bdb directory "
                         "%.300s: %s", c->dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return dbd_failf(DBD_UNAVAILABLE, err, errlen, "bdb directory "
                         "%.300s is not a directory", c->dir);
    if ((gate = open_lock_file(c->dir, GATE_FILE, err, errlen)) < 0 ||
        (c->users_fd = open_lock_file(c->dir, USERS_FILE, err, errlen)) < 0)
        goto out;
    if (flock_retry(gate, LOCK_EX) != 0) {
        dbd_errf(err, errlen, "cannot lock %s in %.300s: %s", GATE_FILE,
                 c->dir, strerror(errno));
        goto out;
    }
    alone = flock_retry(c->users_fd, LOCK_EX | LOCK_NB) == 0;
    if (!alone && errno != EWOULDBLOCK) {
        dbd_errf(err, errlen, "cannot lock %s in %.300s: %s", USERS_FILE,
                 c->dir, strerror(errno));
        goto out;
    }
    if ((ret = db_env_create(&c->env, 0)) != 0 ||
        (ret = configure(c)) != 0) {
        st = bdb_fail(c, ret, "cannot set up the Berkeley DB environment",
                      err, errlen);
        goto out;
    }
    ret = c->env->open(c->env, c->dir,
                       DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK | DB_INIT_LOG |
                           DB_INIT_MPOOL | DB_THREAD |
                           (alone ? DB_RECOVER : 0),
                       0600);
    if (ret != 0) {
        char what[400];
        snprintf(what, sizeof what, "cannot open the Berkeley DB environment "
                 "in %.300s%s", c->dir, alone ? " with recovery" : "");
        st = bdb_fail(c, ret, what, err, errlen);
        if (st != DBD_UNAVAILABLE && st != DBD_BUSY)
            st = DBD_UNAVAILABLE;
        goto out;
    }
    if (flock_retry(c->users_fd, LOCK_SH) != 0) {
        dbd_errf(err, errlen, "cannot lock %s in %.300s: %s", USERS_FILE,
                 c->dir, strerror(errno));
        goto out;
    }
    if (alone)
        bdb_log(c, DBD_LOG_INFO, "%s: environment recovered and opened",
                c->dir);
    st = DBD_OK;
out:
    if (gate >= 0)
        close(gate); /* releases the gate */
    if (st != DBD_OK)
        bdb_env_close(c);
    return st;
}

void bdb_env_close(bdb_conn *c)
{
    if (c->env != NULL) {
        int ret = c->env->close(c->env, 0);
        if (ret != 0)
            bdb_log(c, DBD_LOG_WARNING, "%s: closing the environment: %s",
                    c->dir, db_strerror(ret));
        c->env = NULL;
    }
    if (c->users_fd >= 0) {
        close(c->users_fd);
        c->users_fd = -1;
    }
}

static void checkpoint(bdb_conn *c, u_int32_t kbytes, u_int32_t minutes)
{
    int ret = c->env->txn_checkpoint(c->env, kbytes, minutes, 0);
    if (ret != 0)
        bdb_log(c, DBD_LOG_WARNING, "%s: checkpoint: %s", c->dir,
                db_strerror(ret));
}

void bdb_env_after_commit(bdb_conn *c)
{
    /* cheap unless a checkpoint is due */
    checkpoint(c, CHECKPOINT_KBYTES, CHECKPOINT_MINUTES);
}

void bdb_env_checkpoint(bdb_conn *c)
{
    checkpoint(c, 0, 0);
}
