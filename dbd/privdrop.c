/* privdrop.c - resolving and becoming the configured user (privdrop.h). */
#include "privdrop.h"
#include "strutil.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* getpwnam_r/getgrnam_r want a buffer; this is enough for any sane entry
 * and is grown on ERANGE up to the cap. */
#define LOOKUP_BUF_MIN 1024
#define LOOKUP_BUF_MAX (1024 * 1024)

/* A plain decimal id ("65534"), as accepted where a name is. */
static bool parse_id(const char *s, unsigned long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno == 0 && *end == '\0' && *out < UINT_MAX;
}

/* getpwnam_r or getgrnam_r behind one shape: 0 or an errno value;
 * *found says whether name exists. */
typedef int (*entry_getter)(const char *name, void *ent, char *buf,
                            size_t len, bool *found);

static int get_user(const char *name, void *ent, char *buf, size_t len,
                    bool *found)
{
    struct passwd *res = NULL;
    int e = getpwnam_r(name, ent, buf, len, &res);
    *found = res != NULL;
    return e;
}

static int get_group(const char *name, void *ent, char *buf, size_t len,
                     bool *found)
{
    struct group *res = NULL;
    int e = getgrnam_r(name, ent, buf, len, &res);
    *found = res != NULL;
    return e;
}

/*
 * Looks name up into *ent (what: "user" or "group", for messages), growing
 * the buffer on ERANGE; *pbuf holds the entry's strings (caller frees).
 * 1 when found; 0 when not found but name is a number (*id); -1 with err.
 * A number that names no entry is still a valid id to run as.
 */
static int lookup(const char *what, const char *name, entry_getter get,
                  void *ent, char **pbuf, unsigned long *id, char *err,
                  size_t errlen)
{
    size_t len = LOOKUP_BUF_MIN;
    bool found = false;
    int e;

    for (;;) {
        char *nb = realloc(*pbuf, len);
        if (nb == NULL) {
            snprintf(err, errlen, "%s %s: out of memory", what, name);
            return -1;
        }
        *pbuf = nb;
        e = get(name, ent, nb, len, &found);
        if (e != ERANGE || len >= LOOKUP_BUF_MAX)
            break;
        len *= 2;
    }
    if (found)
        return 1;
    if (e == 0 && parse_id(name, id))
        return 0;
    snprintf(err, errlen, "%s %s: %s", what, name,
             e != 0 ? strerror(e) : strcmp(what, "user") == 0
                                        ? "no such user"
                                        : "no such group");
    return -1;
}

int dbd_lookup_user(const char *name, uid_t *uid, gid_t *primary_gid,
                    char *err, size_t errlen)
{
    struct passwd pw;
    char *buf = NULL;
    unsigned long id = 0;
    int r = lookup("user", name, get_user, &pw, &buf, &id, err, errlen);

    if (r == 1) {
        *uid = pw.pw_uid;
        *primary_gid = pw.pw_gid;
    } else if (r == 0) {
        *uid = (uid_t)id;
        *primary_gid = (gid_t)-1; /* a group must then be given */
    }
    free(buf);
    return r < 0 ? -1 : 0;
}

int dbd_lookup_group(const char *name, gid_t *gid, char *err, size_t errlen)
{
    struct group gr;
    char *buf = NULL;
    unsigned long id = 0;
    int r = lookup("group", name, get_group, &gr, &buf, &id, err, errlen);

    if (r == 1)
        *gid = gr.gr_gid;
    else if (r == 0)
        *gid = (gid_t)id;
    free(buf);
    return r < 0 ? -1 : 0;
}

int dbd_privs_resolve(const char *user, const char *group, dbd_privs *p,
                      char *err, size_t errlen)
{
    gid_t primary;

    memset(p, 0, sizeof *p);
    if (user == NULL) {
        if (group != NULL) {
            snprintf(err, errlen, "group = %s needs user to be set too",
                     group);
            return -1;
        }
        return 0;
    }
    if (dbd_lookup_user(user, &p->uid, &primary, err, errlen) != 0)
        return -1;
    if (group != NULL) {
        if (dbd_lookup_group(group, &p->gid, err, errlen) != 0)
            return -1;
    } else if (primary == (gid_t)-1) {
        snprintf(err, errlen, "user %s is a bare uid: set group too", user);
        return -1;
    } else {
        p->gid = primary;
    }
    str_copy(p->user, sizeof p->user, user);
    if (group != NULL) {
        str_copy(p->group, sizeof p->group, group);
    } else {
        /* The name for the log line; the number when the group has none. */
        struct group gr, *res = NULL;
        char buf[LOOKUP_BUF_MIN];
        if (getgrgid_r(p->gid, &gr, buf, sizeof buf, &res) == 0 &&
            res != NULL)
            str_copy(p->group, sizeof p->group, gr.gr_name);
        else
            snprintf(p->group, sizeof p->group, "%lu", (unsigned long)p->gid);
    }
    p->active = true;
    if (geteuid() != 0 && (geteuid() != p->uid || getegid() != p->gid)) {
        snprintf(err, errlen, "user = %s, group = %s: only root can switch "
                 "to another user (running as uid %lu, gid %lu)", p->user,
                 p->group, (unsigned long)geteuid(),
                 (unsigned long)getegid());
        return -1;
    }
    return 0;
}

int dbd_privs_drop(const dbd_privs *p, char *err, size_t errlen)
{
    if (!p->active)
        return 0;
    if (getuid() == p->uid && geteuid() == p->uid && getgid() == p->gid &&
        getegid() == p->gid)
        return 0;
    /*
     * Group first (only root may change it), then the user.  glibc makes
     * setgroups, setgid and setuid act on every thread of the process
     * (the kernel calls are per thread; glibc signals each thread to
     * repeat them), so this may run after ZeroMQ's I/O threads and the
     * audit writer exist.
     */
    if (setgroups(1, &p->gid) != 0) {
        snprintf(err, errlen, "cannot drop supplementary groups: %s",
                 strerror(errno));
        return -1;
    }
    if (setgid(p->gid) != 0) {
        snprintf(err, errlen, "cannot switch to group %s (gid %lu): %s",
                 p->group, (unsigned long)p->gid, strerror(errno));
        return -1;
    }
    if (setuid(p->uid) != 0) {
        snprintf(err, errlen, "cannot switch to user %s (uid %lu): %s",
                 p->user, (unsigned long)p->uid, strerror(errno));
        return -1;
    }
    if (getuid() != p->uid || geteuid() != p->uid || getgid() != p->gid ||
        getegid() != p->gid) {
        snprintf(err, errlen, "switched to user %s, group %s, but runs as "
                 "uid %lu/%lu, gid %lu/%lu", p->user, p->group,
                 (unsigned long)getuid(), (unsigned long)geteuid(),
                 (unsigned long)getgid(), (unsigned long)getegid());
        return -1;
    }
    /* A saved uid of 0 would let an attacker take root back: setuid()
     * as root sets all three ids, and this proves it. */
    if (p->uid != 0 && setuid(0) == 0) {
        snprintf(err, errlen, "switched to user %s, but could become root "
                 "again", p->user);
        return -1;
    }
    return 0;
}

int dbd_privs_give(const dbd_privs *p, const char *path, char *err,
                   size_t errlen)
{
    if (!p->active)
        return 0;
    if (lchown(path, p->uid, p->gid) != 0) {
        snprintf(err, errlen, "cannot give %s to %s:%s: %s", path, p->user,
                 p->group, strerror(errno));
        return -1;
    }
    return 0;
}
