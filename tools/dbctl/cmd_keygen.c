/*
 * cmd_keygen.c - "dbctl keygen NAME [--dir D]": makes a CURVE key pair for
 * dbd or one of its clients.  Writes D/NAME.key (the pair, mode 0600) and
 * D/NAME.pub (the public key, mode 0644) in the format curve_key.h reads,
 * and prints the allow-list line "NAME PUBLIC" for dbd's clients file.
 *
 * Neither file is ever overwritten (O_EXCL): replacing a key pair cuts
 * off every peer that knows the old public key, so that must be a
 * deliberate removal first, never a side effect of a repeated command.
 */
#include "dbctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "curve_key.h"

/* A formatted, malloc'd string, or NULL (asprintf() leaves its pointer
 * undefined on failure, so it is wrapped). */
static char *format(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : s;
}

/* Writes all of text to fd; 0 or -1 (errno set). */
static int write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        text += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * Creates path (which must not exist) with exactly mode - whatever the
 * umask - and text as its content.  0, or an exit code after the error
 * was printed; *created tells whether the file now exists.
 */
static int create_file(dbctl *d, const char *path, mode_t mode,
                       const char *text, bool *created)
{
    int fd, code = 0;

    *created = false;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
              mode);
    if (fd < 0) {
        if (errno == EEXIST)
            fprintf(d->err, "dbctl: keygen: %s exists already; keygen never "
                    "overwrites a key (remove it first to replace it)\n",
                    path);
        else
            fprintf(d->err, "dbctl: keygen: cannot create %s: %s\n", path,
                    strerror(errno));
        return DBCTL_EXIT_CANTCREAT;
    }
    *created = true;
    /* fchmod: the umask may have taken bits a public key file needs. */
    if (fchmod(fd, mode) != 0 || write_all(fd, text, strlen(text)) != 0 ||
        fsync(fd) != 0) {
        fprintf(d->err, "dbctl: keygen: cannot write %s: %s\n", path,
                strerror(errno));
        code = DBCTL_EXIT_IOERR;
    }
    if (close(fd) != 0 && code == 0) {
        fprintf(d->err, "dbctl: keygen: cannot write %s: %s\n", path,
                strerror(errno));
        code = DBCTL_EXIT_IOERR;
    }
    return code;
}

static int parse_args(dbctl *d, int argc, char **argv, const char **name,
                      const char **dir)
{
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r = opt_value(argc, argv, &i, "--dir", &v);

        if (r < 0 || (r > 0 && v[0] == '\0'))
            return dbctl_usage(d, argv[0], "--dir needs a value");
        if (r > 0) {
            *dir = v;
        } else if (strcmp(argv[i], "--") != 0 && argv[i][0] == '-' &&
                   argv[i][1] != '\0') {
            return dbctl_usage(d, argv[0], "unknown option \"%s\"", argv[i]);
        } else if (strcmp(argv[i], "--") == 0) {
            continue;
        } else if (*name != NULL) {
            return dbctl_usage(d, argv[0], "unexpected argument \"%s\"",
                               argv[i]);
        } else {
            *name = argv[i];
        }
    }
    if (*name == NULL)
        return dbctl_usage(d, argv[0], "no key NAME given");
    if (!dbd_curve_name_valid(*name))
        return dbctl_usage(d, argv[0], "the key name must be 1 to %d of "
                           "A-Z a-z 0-9 _ . -, not \"%s\"",
                           DBD_CURVE_NAME_MAX, *name);
    return 0;
}

int cmd_keygen(dbctl *d, int argc, char **argv)
{
    const char *name = NULL, *dir = ".";
    char public_z85[41] = "", secret_z85[41] = "";
    char *key_path = NULL, *pub_path = NULL, *key_text = NULL,
         *pub_text = NULL;
    bool key_created = false, pub_created = false, written = false;
    int code;

    if ((code = parse_args(d, argc, argv, &name, &dir)) != 0)
        goto out;
    if (!zmq_has("curve")) {
        fprintf(d->err, "dbctl: keygen: this ZeroMQ library has no CURVE "
                "support\n");
        code = DBD_UNSUPPORTED;
        goto out;
    }
    if (zmq_curve_keypair(public_z85, secret_z85) != 0) {
        fprintf(d->err, "dbctl: keygen: cannot make a key pair: %s\n",
                zmq_strerror(errno));
        code = DBD_INTERNAL;
        goto out;
    }
    key_path = format("%s/%s.key", dir, name);
    pub_path = format("%s/%s.pub", dir, name);
    key_text = format("# dbd CURVE key pair \"%s\": keep this file secret\n"
                      "public = %s\nsecret = %s\n", name, public_z85,
                      secret_z85);
    pub_text = format("# dbd CURVE public key \"%s\"\npublic = %s\n", name,
                      public_z85);
    if (key_path == NULL || pub_path == NULL || key_text == NULL ||
        pub_text == NULL) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        code = DBD_INTERNAL;
        goto out;
    }
    /* The secret first: when it cannot be written, no public key for a
     * pair that does not exist is left behind. */
    if ((code = create_file(d, key_path, 0600, key_text, &key_created)) != 0 ||
        (code = create_file(d, pub_path, 0644, pub_text, &pub_created)) != 0)
        goto out;
    written = true;
    fprintf(d->out, "%s %s\n", name, public_z85);
    if (fflush(d->out) != 0 || ferror(d->out)) {
        fprintf(d->err, "dbctl: cannot write the output: %s\n",
                strerror(errno));
        code = DBCTL_EXIT_IOERR;
    }
out:
    /* Half a key pair is worse than none: take back what was made. */
    if (!written) {
        if (pub_created && unlink(pub_path) != 0)
            fprintf(d->err, "dbctl: keygen: cannot remove %s: %s\n",
                    pub_path, strerror(errno));
        if (key_created && unlink(key_path) != 0)
            fprintf(d->err, "dbctl: keygen: cannot remove %s: %s\n",
                    key_path, strerror(errno));
    }
    if (key_text != NULL)
        explicit_bzero(key_text, strlen(key_text));
    explicit_bzero(secret_z85, sizeof secret_z85);
    free(key_text);
    free(pub_text);
    free(key_path);
    free(pub_path);
    return code;
}
