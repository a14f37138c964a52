/*
 * privdrop.h - running as a configured user and group after start-up.
 * dbd and sipproxy start as root to bind their sockets and load their
 * modules, then give up root before they serve: a hole in a connector, a
 * backend library or the SIP parser then yields an unprivileged process.
 */
#ifndef DBD_PRIVDROP_H
#define DBD_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define DBD_PRIV_NAME_MAX 64

/* Who to become, names resolved; active is false when no user is set. */
typedef struct dbd_privs {
    bool active;
    uid_t uid;
    gid_t gid;
    char user[DBD_PRIV_NAME_MAX];
    char group[DBD_PRIV_NAME_MAX];
} dbd_privs;

/* The uid of user name (or a number); 0, or -1 with the reason in err. */
int dbd_lookup_user(const char *name, uid_t *uid, gid_t *primary_gid,
                    char *err, size_t errlen);
/* The gid of group name (or a number); 0, or -1 with the reason in err. */
int dbd_lookup_group(const char *name, gid_t *gid, char *err,
                     size_t errlen);

/*
 * Resolves user and group (group NULL: the user's primary group) into p.
 * user NULL: p->active is false and group must be NULL too.  Also checks
 * that the switch is possible: not root and not already that user and
 * group is an error.  0, or -1 with the reason in err.
 */
int dbd_privs_resolve(const char *user, const char *group, dbd_privs *p,
                      char *err, size_t errlen);

/*
 * Becomes p's user and group (only that group: no supplementary groups),
 * then checks that root cannot be had back.  A no-op when p is not
 * active or the process already runs as that user and group.  0, or -1
 * with the reason in err (the caller must then exit: the process may be
 * half switched).
 */
int dbd_privs_drop(const dbd_privs *p, char *err, size_t errlen);

/* Gives the file at path (not what a symbolic link there points to) to
 * p's user and group, before the drop: for files root made that the
 * process must open again later.  A no-op when p is not active.  0, or -1
 * with the reason in err. */
int dbd_privs_give(const dbd_privs *p, const char *path, char *err,
                   size_t errlen);

#endif
