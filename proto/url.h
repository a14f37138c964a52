/*
 * url.h - backend URLs: scheme://[user[:password]@]host[:port]/path?k=v&...
 * and, for file backends, scheme://PATH where PATH is taken verbatim
 * (sqlite:///var/lib/dbd/x.db, sqlite://run/x.db, text:///srv/dbtext).
 * Percent-escapes (%XX) are decoded in user, password, path and parameters.
 */
#ifndef DBD_URL_H
#define DBD_URL_H

#include <stddef.h>

typedef struct dbd_option {
    const char *key;
    const char *value;
} dbd_option;

typedef struct dbd_url {
    char *scheme;      /* lowercase, never NULL */
    char *user;        /* NULL when absent */
    char *password;    /* NULL when absent */
    char *host;        /* NULL when absent; IPv6 without brackets */
    int port;          /* 0 when absent */
    char *path;        /* after the authority, without the leading '/'; NULL when absent */
    char *target;      /* everything between "://" and '?', decoded: the file path of file backends */
    dbd_option *params; /* the ?k=v pairs in order */
    size_t nparams;
} dbd_url;

/* NULL with a message in err when s is not a URL of this form. */
dbd_url *dbd_url_parse(const char *s, char *err, size_t errlen);
void dbd_url_destroy(dbd_url **purl);
/* The value of parameter key, or NULL. */
const char *dbd_url_param(const dbd_url *u, const char *key);
/* Copy of s with the password replaced by "***", for logs. Caller frees. */
char *dbd_url_redact(const char *s);

#endif
