/*
 * registry.c - connector modules: safety checks, dlopen, descriptor checks
 * (see registry.h).  As Postfix does for its dynamic maps, a module file or
 * directory that others may write is refused: whoever can replace it could
 * run code inside dbd.
 */
#include "registry.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strutil.h"

typedef struct module {
    char *scheme;
    void *handle;                    /* NULL when loading failed */
    const struct dbd_connector *conn;
    char *error;                     /* why it failed */
    struct stat id;                  /* the file that was loaded */
} module;

struct dbd_registry {
    char *dir;
    const dbd_log *log;
    module *mods;
    size_t nmods;
};

dbd_registry *dbd_registry_new(const char *dir, const dbd_log *log)
{
    dbd_registry *reg = calloc(1, sizeof *reg);
    if (reg == NULL)
        return NULL;
    reg->dir = strdup(dir);
    if (reg->dir == NULL) {
        free(reg);
        return NULL;
    }
    reg->log = log;
    return reg;
}

/*
 * Modules are opened RTLD_NODELETE: dlclose() at the end then leaves their
 * code (and the libraries they pulled in) mapped, so that state a backend
 * library keeps until the process exits (libldap does) is not reported as
 * a leak of a vanished module, and leak reports keep readable stacks.
 * Nothing is lost: modules stay loaded until exit anyway.
 */
void dbd_registry_destroy(dbd_registry **preg)
{
    dbd_registry *reg;
    if (preg == NULL || *preg == NULL)
        return;
    reg = *preg;
    for (size_t i = 0; i < reg->nmods; i++) {
        if (reg->mods[i].handle != NULL)
            dlclose(reg->mods[i].handle);
        free(reg->mods[i].scheme);
        free(reg->mods[i].error);
    }
    free(reg->mods);
    free(reg->dir);
    free(reg);
    *preg = NULL;
}

/* A scheme becomes a file name: keep it to characters that cannot walk. */
static bool scheme_safe(const char *s)
{
    if (*s == '\0' || strlen(s) > 32)
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '+' || *s == '-'))
            return false;
    return true;
}

/* Refuses a path that is not owned by root or us, or that others may write. */
static int check_owner_mode(const char *path, bool want_dir, char *err,
                            size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a %s", path,
                 want_dir ? "directory" : "regular file");
        return -1;
    }
    if (st.st_uid != 0 && st.st_uid != geteuid()) {
        snprintf(err, errlen, "%s: refusing: owned by uid %ld, neither root "
                 "nor the user dbd runs as", path, (long)st.st_uid);
        return -1;
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        snprintf(err, errlen, "%s: refusing: writable by group or others "
                 "(mode %04o)", path, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    return 0;
}

int dbd_connector_check(const struct dbd_connector *c, const char *file,
                        const char *scheme, char *err, size_t errlen)
{
    /* The ABI is read before any other field: their layout depends on it. */
    if (c->abi != DBD_CONNECTOR_ABI) {
        snprintf(err, errlen, "%s: connector ABI 0x%08x, this dbd expects "
                 "0x%08x", file, (unsigned)c->abi, (unsigned)DBD_CONNECTOR_ABI);
        return -1;
    }
    if (c->size < sizeof(struct dbd_connector)) {
        snprintf(err, errlen, "%s: connector descriptor of %u bytes, this dbd "
                 "needs at least %zu", file, (unsigned)c->size,
                 sizeof(struct dbd_connector));
        return -1;
    }
    if (c->scheme == NULL || strcmp(c->scheme, scheme) != 0) {
        snprintf(err, errlen, "%s: connector serves scheme \"%s\", expected "
                 "\"%s\"", file, c->scheme != NULL ? c->scheme : "(none)",
                 scheme);
        return -1;
    }
    if (c->open == NULL || c->close == NULL || c->exec == NULL) {
        snprintf(err, errlen, "%s: connector lacks open, close or exec", file);
        return -1;
    }
    if ((c->caps & DBD_CAP_TRANSACTION) != 0 &&
        (c->begin == NULL || c->commit == NULL || c->rollback == NULL)) {
        snprintf(err, errlen, "%s: connector claims transactions but lacks "
                 "begin, commit or rollback", file);
        return -1;
    }
    if ((c->caps & DBD_CAP_RAW) != 0 && c->raw == NULL) {
        snprintf(err, errlen, "%s: connector claims raw but lacks raw()",
                 file);
        return -1;
    }
    return 0;
}

/* The file of the module for scheme in path; false when too long. */
static bool module_path(const dbd_registry *reg, const char *scheme,
                        char *path, size_t len)
{
    return (size_t)snprintf(path, len, "%s/%s.so", reg->dir, scheme) < len;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * dlopen() of a file already loaded returns the loaded copy: the loader
 * matches the name, then the inode.  A replaced module has a new inode,
 * and is opened here through its descriptor under a name no earlier load
 * used ("/proc/self/fd/N" with `generation` "./" inserted), so the new
 * code is loaded next to the old, which connections still use.
 */
static void *dlopen_new_copy(const char *path, unsigned generation,
                             struct stat *id, char *err, size_t errlen)
{
    char name[4096];
    size_t n;
    void *handle = NULL;
    int fd;

    /* Each "./" makes the name longer: the names run out after about
     * 2000 replacements of one module, and a restart is due by then. */
    if (generation > (sizeof name - 64) / 2) {
        snprintf(err, errlen, "%s: replaced too often to load again; "
                 "restart dbd", path);
        return NULL;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, id) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    n = (size_t)snprintf(name, sizeof name, "/proc/self/");
    for (unsigned i = 0; i < generation; i++)
        n += (size_t)snprintf(name + n, sizeof name - n, "./");
    snprintf(name + n, sizeof name - n, "fd/%d", fd);
    handle = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(err, errlen, "%s: cannot load: %s", path,
                 why != NULL ? why : "unknown error");
    }
out:
    close(fd);
    return handle;
}

/* Loads one module into m (handle and conn on success, error otherwise);
 * generation > 0 loads a replaced file next to the loaded one. */
static void load(dbd_registry *reg, module *m, unsigned generation)
{
    char path[4096], err[4096 + 512];
    const struct dbd_connector *c;
    void *handle = NULL;

    err[0] = '\0';
    if (!scheme_safe(m->scheme)) {
        snprintf(err, sizeof err, "bad connector scheme \"%s\"", m->scheme);
        goto out;
    }
    if (!module_path(reg, m->scheme, path, sizeof path)) {
        snprintf(err, sizeof err, "connector path too long");
        goto out;
    }
    if (check_owner_mode(reg->dir, true, err, sizeof err) != 0 ||
        check_owner_mode(path, false, err, sizeof err) != 0)
        goto out;
    if (generation > 0) {
        handle = dlopen_new_copy(path, generation, &m->id, err, sizeof err);
        if (handle == NULL)
            goto out;
    } else {
        if (stat(path, &m->id) != 0) {
            snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
            goto out;
        }
        handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (handle == NULL) {
            const char *why = dlerror();
            snprintf(err, sizeof err, "%s: cannot load: %s", path,
                     why != NULL ? why : "unknown error");
            goto out;
        }
    }
    dlerror();
    c = dlsym(handle, DBD_CONNECTOR_SYMBOL);
    if (c == NULL) {
        snprintf(err, sizeof err, "%s: no symbol \"%s\": not a dbd connector",
                 path, DBD_CONNECTOR_SYMBOL);
        goto out;
    }
    if (dbd_connector_check(c, path, m->scheme, err, sizeof err) != 0)
        goto out;
    m->handle = handle;
    m->conn = c;
    handle = NULL;
    log_info(reg->log, "loaded connector %s (%s)", path,
             c->description != NULL ? c->description : m->scheme);
out:
    if (handle != NULL)
        dlclose(handle);
    if (m->conn == NULL) {
        m->error = strdup(err);
        log_errx(reg->log, "%s", err);
    }
}

/* The latest module entry for scheme, or NULL. */
static module *latest(dbd_registry *reg, const char *scheme, unsigned *count)
{
    module *m = NULL;
    *count = 0;
    for (size_t i = 0; i < reg->nmods; i++) {
        if (strcmp(reg->mods[i].scheme, scheme) == 0) {
            m = &reg->mods[i];
            (*count)++;
        }
    }
    return m;
}

/* Whether the loaded (or failed) entry m no longer matches the file. */
static bool file_changed(const dbd_registry *reg, const module *m)
{
    char path[4096];
    struct stat st;
    if (!module_path(reg, m->scheme, path, sizeof path) || stat(path, &st) != 0)
        return m->conn == NULL; /* retry a failure; keep what works */
    return m->conn == NULL || !same_file(&st, &m->id);
}

static const struct dbd_connector *get(dbd_registry *reg, const char *scheme,
                                       bool fresh, char *err, size_t errlen)
{
    module *grown;
    unsigned count;
    module *m = latest(reg, scheme, &count);

    if (m != NULL && fresh && file_changed(reg, m)) {
        if (m->conn == NULL) {
            /* A failed load holds nothing: try again in its place. */
            free(m->error);
            m->error = NULL;
            load(reg, m, count);
            goto out;
        }
        log_notice(reg->log, "connector %s changed on disk; loading the new "
                   "file for new connections", scheme);
        m = NULL;
    }
    if (m == NULL) {
        grown = realloc(reg->mods, (reg->nmods + 1) * sizeof *grown);
        if (grown == NULL) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        reg->mods = grown;
        m = &grown[reg->nmods];
        memset(m, 0, sizeof *m);
        m->scheme = strdup(scheme);
        if (m->scheme == NULL) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        reg->nmods++;
        load(reg, m, count);
    }
out:
    if (m->conn == NULL)
        str_copy(err, errlen, m->error != NULL ? m->error : "out of memory");
    return m->conn;
}

const struct dbd_connector *dbd_registry_get(dbd_registry *reg,
                                             const char *scheme, char *err,
                                             size_t errlen)
{
    return get(reg, scheme, false, err, errlen);
}

const struct dbd_connector *dbd_registry_get_fresh(dbd_registry *reg,
                                                   const char *scheme,
                                                   char *err, size_t errlen)
{
    return get(reg, scheme, true, err, errlen);
}
