/*
 * zap_allow.c - reading the allow-list of CURVE client keys (zap_allow.h).
 */
#include "zap_allow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <zmq.h>

void dbd_allow_list_free(dbd_allow_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* The next word of *p (spaces and tabs separate), NUL-terminated in place;
 * NULL when none. */
static char *next_word(char **p)
{
    char *s = *p, *w;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0')
        return NULL;
    w = s;
    while (*s != '\0' && *s != ' ' && *s != '\t')
        s++;
    if (*s != '\0')
        *s++ = '\0';
    *p = s;
    return w;
}

/* One line "NAME KEY" (already known not blank or a comment) into e;
 * 0, or -1 with what set. */
static int parse_line(char *line, const dbd_allow_list *l, dbd_allow_entry *e,
                      char *what, size_t whatlen)
{
    char *p = line, *name = next_word(&p), *key = next_word(&p);

    if (name == NULL || key == NULL || next_word(&p) != NULL) {
        snprintf(what, whatlen, "expected \"NAME KEY\" (a name and a "
                 "40-character Z85 public key)");
        return -1;
    }
    if (!dbd_curve_name_valid(name)) {
        snprintf(what, whatlen, "bad name \"%.80s\": 1 to %d of A-Z a-z "
                 "0-9 _ . -", name, DBD_CURVE_NAME_MAX);
        return -1;
    }
    if (!dbd_curve_z85_valid(key) || zmq_z85_decode(e->key, key) == NULL) {
        snprintf(what, whatlen, "bad key for \"%s\": not a 40-character Z85 "
                 "public key", name);
        return -1;
    }
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].name, name) == 0) {
            snprintf(what, whatlen, "duplicate name \"%s\"", name);
            return -1;
        }
        if (memcmp(l->v[i].key, e->key, DBD_ALLOW_KEY_BYTES) == 0) {
            snprintf(what, whatlen, "duplicate key: \"%s\" has the key of "
                     "\"%s\"", name, l->v[i].name);
            return -1;
        }
    }
    snprintf(e->name, sizeof e->name, "%s", name);
    return 0;
}

/* Reads the allow-list at path into out (empty on error).  0, or -1 with
 * err "PATH:LINE: what" or "PATH: what". */
int dbd_allow_list_load(const char *path, dbd_allow_list *out, char *err,
                     size_t errlen)
{
    FILE *f = fopen(path, "r");
    char *line = NULL, what[256];
    size_t cap = 0, lineno = 0, vcap = 0;
    ssize_t got;
    int rc = -1;

    *out = (dbd_allow_list){0};
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    while ((got = getline(&line, &cap, f)) >= 0) {
        char *s = line;
        dbd_allow_entry e;
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        if (strlen(line) != (size_t)got) {
            snprintf(err, errlen, "%s:%zu: NUL byte in line", path, lineno);
            goto out;
        }
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        if (parse_line(s, out, &e, what, sizeof what) != 0) {
            snprintf(err, errlen, "%s:%zu: %s", path, lineno, what);
            goto out;
        }
        if (out->n == vcap) {
            size_t ncap = vcap > 0 ? vcap * 2 : 16;
            dbd_allow_entry *v = realloc(out->v, ncap * sizeof *v);
            if (v == NULL) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto out;
            }
            out->v = v;
            vcap = ncap;
        }
        out->v[out->n++] = e;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    free(line);
    fclose(f);
    if (rc != 0)
        dbd_allow_list_free(out);
    return rc;
}

const char *dbd_allow_list_find(const dbd_allow_list *l,
                                const unsigned char key[DBD_ALLOW_KEY_BYTES])
{
    for (size_t i = 0; i < l->n; i++)
        if (memcmp(l->v[i].key, key, DBD_ALLOW_KEY_BYTES) == 0)
            return l->v[i].name;
    return NULL;
}
