/*
 * ini_strict.c - the strict INI reader (see ini_strict.h): the line source,
 * section headers, duplicate keys and the first error; what sections and
 * keys mean is the caller's (ini_strict_ops).
 */
#include "ini_strict.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <ini.h>

enum ini_section_state { SECTION_NONE, SECTION_GOOD, SECTION_BAD };

typedef struct seen_key {
    char *key;
    int line;
} seen_key;

struct ini_strict {
    const ini_strict_ops *ops;
    void *user;
    const char *name; /* file name for messages */
    /* the line source: a FILE or a string */
    FILE *fp;
    const char *text;
    size_t textpos;
    char *line;
    size_t linecap;
    int lineno;
    enum ini_section_state sec;
    seen_key *seen; /* keys of the current section */
    size_t nseen;
    /* the first error */
    bool have_err;
    int err_line;
    char err[512];
    bool oom;
};

static void error_va(ini_strict *in, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void error_va(ini_strict *in, int line, const char *fmt, va_list ap)
{
    if (in->have_err || in->oom)
        return; /* the first error is the one worth reading */
    in->have_err = true;
    in->err_line = line;
    vsnprintf(in->err, sizeof in->err, fmt, ap);
}

void ini_strict_error_at(ini_strict *in, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_va(in, line, fmt, ap);
    va_end(ap);
}

void ini_strict_error(ini_strict *in, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_va(in, in->lineno, fmt, ap);
    va_end(ap);
}

void ini_strict_oom(ini_strict *in)
{
    in->oom = true;
}

int ini_strict_lineno(const ini_strict *in)
{
    return in->lineno;
}

bool ini_strict_section_once(ini_strict *in, const char *name,
                             int *first_line)
{
    if (*first_line != 0) {
        ini_strict_error(in, "duplicate section [%s] (first on line %d)", name,
                         *first_line);
        return false;
    }
    *first_line = in->lineno;
    return true;
}

static void forget_keys(ini_strict *in)
{
    for (size_t i = 0; i < in->nseen; i++)
        free(in->seen[i].key);
    free(in->seen);
    in->seen = NULL;
    in->nseen = 0;
}

/* Remembers key for this section; false (error set) on a duplicate.  Keys
 * that may repeat are not remembered. */
static bool note_key(ini_strict *in, const char *key)
{
    seen_key *grown;
    if (in->ops->key_repeats != NULL && in->ops->key_repeats(in->user, key))
        return true;
    for (size_t i = 0; i < in->nseen; i++) {
        if (strcmp(in->seen[i].key, key) == 0) {
            ini_strict_error(in, "duplicate key \"%s\" (first set on line %d)",
                             key, in->seen[i].line);
            return false;
        }
    }
    grown = realloc(in->seen, (in->nseen + 1) * sizeof *grown);
    if (grown == NULL) {
        in->oom = true;
        return false;
    }
    in->seen = grown;
    in->seen[in->nseen].key = strdup(key);
    if (in->seen[in->nseen].key == NULL) {
        in->oom = true;
        return false;
    }
    in->seen[in->nseen++].line = in->lineno;
    return true;
}

/* Reads the next raw line into in->line without its end of line; -1 at EOF. */
static ssize_t next_line(ini_strict *in)
{
    ssize_t n;
    if (in->fp != NULL) {
        n = getline(&in->line, &in->linecap, in->fp);
        if (n < 0)
            return -1;
    } else {
        const char *start = in->text + in->textpos;
        const char *nl;
        size_t len;
        if (*start == '\0')
            return -1;
        nl = strchr(start, '\n');
        len = nl != NULL ? (size_t)(nl - start) + 1 : strlen(start);
        if (len + 1 > in->linecap) {
            char *grown = realloc(in->line, len + 1);
            if (grown == NULL) {
                in->oom = true;
                return -1;
            }
            in->line = grown;
            in->linecap = len + 1;
        }
        memcpy(in->line, start, len);
        in->line[len] = '\0';
        in->textpos += len;
        n = (ssize_t)len;
    }
    if (n > 0 && in->line[n - 1] == '\n')
        in->line[--n] = '\0';
    if (n > 0 && in->line[n - 1] == '\r')
        in->line[--n] = '\0';
    return n;
}

/* Checks a "[...]" line and starts the section it names. */
static void section_line(ini_strict *in, char *line)
{
    char *close = strchr(line, ']');
    char *name = line + 1;
    char *rest, *copy;
    if (close == NULL) {
        ini_strict_error(in, "section header without ']'");
        in->sec = SECTION_BAD;
        return;
    }
    for (rest = close + 1; isspace((unsigned char)*rest); rest++)
        ;
    if (*rest != '\0' && *rest != ';' && *rest != '#') {
        ini_strict_error(in, "unexpected text after section header: \"%s\"",
                         rest);
        in->sec = SECTION_BAD;
        return;
    }
    while (name < close && isspace((unsigned char)*name))
        name++;
    while (close > name && isspace((unsigned char)close[-1]))
        close--;
    /* A copy: the line itself goes on to inih unchanged. */
    copy = strndup(name, (size_t)(close - name));
    if (copy == NULL) {
        in->oom = true;
        return;
    }
    forget_keys(in);
    in->sec = in->ops->section(in, in->user, copy) ? SECTION_GOOD
                                                   : SECTION_BAD;
    free(copy);
}

/*
 * inih's fgets-style reader.  Leading blanks are stripped so that inih
 * never treats a line as a continuation of the previous value (a stray
 * indented line is then a syntax error rather than a silent append).
 */
static char *strict_reader(char *str, int num, void *stream)
{
    ini_strict *in = stream;
    ssize_t n = next_line(in);
    char *line;
    size_t len;

    if (n < 0 || in->oom)
        return NULL;
    in->lineno++;
    if (memchr(in->line, '\0', (size_t)n) != NULL) {
        ini_strict_error(in, "NUL byte in line");
        strcpy(str, "\n");
        return str;
    }
    line = in->line;
    if (in->lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
        line += 3; /* a UTF-8 byte order mark */
    while (*line == ' ' || *line == '\t')
        line++;
    len = strlen(line);
    if (num < 3 || len > (size_t)num - 2) {
        ini_strict_error(in, "line too long (at most %d characters)", num - 3);
        strcpy(str, "\n");
        return str;
    }
    if (*line == '[')
        section_line(in, line);
    memcpy(str, line, len);
    str[len] = '\n';
    str[len + 1] = '\0';
    return str;
}

/* inih's handler; the section comes from the reader, not from inih. */
static int strict_handler(void *user, const char *section, const char *key,
                       const char *value)
{
    ini_strict *in = user;
    (void)section;
    if (in->oom)
        return 0;
    switch (in->sec) {
    case SECTION_NONE:
        ini_strict_error(in, "key \"%s\" outside any section", key);
        return 0;
    case SECTION_BAD:
        return 1; /* the header's error has been reported */
    case SECTION_GOOD:
        if (!note_key(in, key))
            return 0;
        return in->ops->key(in, in->user, key, value) ? 1 : 0;
    }
    return 0;
}

static int parse(ini_strict *in, char *err, size_t errlen)
{
    int r, rc = -1;

    r = ini_parse_stream(strict_reader, in, strict_handler, in);
    if (in->oom || r == -2) {
        snprintf(err, errlen, "%s: out of memory", in->name);
        goto out;
    }
    if (in->fp != NULL && ferror(in->fp)) {
        snprintf(err, errlen, "%s: read error", in->name);
        goto out;
    }
    /* inih reports lines it could not parse; ours may be later or absent. */
    if (r > 0 && (!in->have_err || r < in->err_line)) {
        in->have_err = true;
        in->err_line = r;
        snprintf(in->err, sizeof in->err,
                 "syntax error (expected [section] or key = value)");
    }
    if (!in->have_err && in->ops->finish != NULL)
        in->ops->finish(in, in->user);
    if (in->oom) {
        snprintf(err, errlen, "%s: out of memory", in->name);
        goto out;
    }
    if (in->have_err) {
        if (in->err_line > 0)
            snprintf(err, errlen, "%s:%d: %s", in->name, in->err_line,
                     in->err);
        else
            snprintf(err, errlen, "%s: %s", in->name, in->err);
        goto out;
    }
    rc = 0;
out:
    forget_keys(in);
    free(in->line);
    in->line = NULL;
    return rc;
}

int ini_strict_parse(const char *name, const char *text,
                     const ini_strict_ops *ops, void *user, char *err,
                     size_t errlen)
{
    ini_strict in = {.ops = ops, .user = user, .name = name, .text = text};
    int rc;

    if (text != NULL)
        return parse(&in, err, errlen);
    in.fp = fopen(name, "re");
    if (in.fp == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", name, strerror(errno));
        return -1;
    }
    rc = parse(&in, err, errlen);
    fclose(in.fp);
    return rc;
}
