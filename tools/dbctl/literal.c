/*
 * literal.c - the value syntax of the dbctl command line: plain text is a
 * string, a ':' marks a typed literal (null, true, false, numbers,
 * @DATETIME, x:HEX, s:TEXT); conditions COLUMN[:]OPERATOR VALUE and
 * assignments COLUMN=TEXT / COLUMN:=LITERAL built on it.  docs/dbctl.md
 * describes the syntax for users.
 */
#include "dbctl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int parse_hex(dbd_arena *a, const char *hex, dbd_value *out,
                     char *err, size_t errlen)
{
    size_t len = strlen(hex);
    unsigned char *bytes;

    if (len % 2 != 0) {
        snprintf(err, errlen, "blob \"x:%s\": odd number of hex digits", hex);
        return -1;
    }
    bytes = dbd_arena_alloc(a, len / 2 + 1);
    if (bytes == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);

        if (hi < 0 || lo < 0) {
            snprintf(err, errlen, "blob \"x:%s\": '%c' is not a hex digit",
                     hex, hi < 0 ? hex[i] : hex[i + 1]);
            return -1;
        }
        bytes[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    *out = dbd_blob(bytes, len / 2);
    return 0;
}

/* Whole text as a decimal int64; false when it is not one. */
static bool parse_int(const char *text, int64_t *out)
{
    char *end;
    long long v;

    if (text[0] == '\0' || (text[0] != '-' && text[0] != '+' &&
                            (text[0] < '0' || text[0] > '9')))
        return false;
    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

static bool parse_double(const char *text, double *out)
{
    char *end;
    double v;

    if (text[0] == '\0')
        return false;
    errno = 0;
    v = strtod(text, &end);
    if (*end != '\0' || (errno == ERANGE && isinf(v)))
        return false;
    *out = v;
    return true;
}

int literal_parse(dbd_arena *a, const char *text, dbd_value *out,
                  char *err, size_t errlen)
{
    int64_t i;
    double d;

    if (strcmp(text, "null") == 0) {
        *out = dbd_null();
    } else if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
        *out = dbd_bool(text[0] == 't');
    } else if (strncmp(text, "s:", 2) == 0) {
        *out = dbd_string(text + 2, strlen(text + 2));
    } else if (strncmp(text, "x:", 2) == 0) {
        return parse_hex(a, text + 2, out, err, errlen);
    } else if (text[0] == '@' || strncmp(text, "dt:", 3) == 0) {
        const char *dt = text + (text[0] == '@' ? 1 : 3);
        int64_t usec;

        if (!dbd_datetime_parse(dt, strlen(dt), &usec)) {
            snprintf(err, errlen,
                     "bad datetime \"%s\" (want YYYY-MM-DDTHH:MM:SS[.ffffff][Z], UTC)",
                     dt);
            return -1;
        }
        *out = dbd_datetime(usec);
    } else if (parse_int(text, &i)) {
        *out = dbd_int(i);
    } else if (parse_double(text, &d)) {
        *out = dbd_double(d);
    } else {
        snprintf(err, errlen,
                 "bad literal \"%s\" (want null, true, false, a number, "
                 "@DATETIME, x:HEX or s:TEXT)",
                 text);
        return -1;
    }
    return 0;
}

int param_parse(dbd_arena *a, const char *text, dbd_value *out, char *err,
                size_t errlen)
{
    if (text[0] == ':')
        return literal_parse(a, text + 1, out, err, errlen);
    *out = dbd_string(text, strlen(text));
    return 0;
}

/* Length of the column name at the start of arg. */
static size_t column_len(const char *arg)
{
    size_t n = 0;

    while ((arg[n] >= 'a' && arg[n] <= 'z') || (arg[n] >= 'A' && arg[n] <= 'Z') ||
           (arg[n] >= '0' && arg[n] <= '9') || arg[n] == '_')
        n++;
    return n;
}

/* Condition operators as written on the command line; longest first. */
static const struct {
    const char *text;
    dbd_cmp cmp;
} cond_ops[] = {
    {"~notnull", DBD_CMP_NOTNULL}, {"~null", DBD_CMP_ISNULL},
    {"~in=", DBD_CMP_IN},          {"!=", DBD_CMP_NE},
    {"<>", DBD_CMP_NE},            {"<=", DBD_CMP_LE},
    {">=", DBD_CMP_GE},            {"=", DBD_CMP_EQ},
    {"<", DBD_CMP_LT},             {">", DBD_CMP_GT},
    {"&", DBD_CMP_BITAND},
};

/*
 * Splits an IN list at unescaped commas ("\," is a comma inside an element,
 * "\\" a backslash) and parses each element as text or, when typed, as a
 * literal.
 */
static int in_list(dbd_arena *a, const char *text, bool typed,
                   dbd_value **list, size_t *n, char *err, size_t errlen)
{
    size_t len = strlen(text), count = 1, k = 0, w = 0;
    char *buf;
    const char *elem;
    dbd_value *vals;

    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\\' && i + 1 < len)
            i++;
        else if (text[i] == ',')
            count++;
    }
    /* The elements, unescaped, each followed by a NUL. */
    buf = dbd_arena_alloc(a, len + count + 1);
    vals = dbd_arena_calloc(a, count, sizeof *vals);
    if (buf == NULL || vals == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    elem = buf;
    for (size_t i = 0;; i++) {
        if (i < len && text[i] == '\\' && i + 1 < len) {
            buf[w++] = text[++i];
            continue;
        }
        if (i < len && text[i] != ',') {
            buf[w++] = text[i];
            continue;
        }
        buf[w++] = '\0';
        if (!typed)
            vals[k] = dbd_string(elem, strlen(elem));
        else if (literal_parse(a, elem, &vals[k], err, errlen) != 0)
            return -1;
        k++;
        elem = buf + w;
        if (i >= len)
            break;
    }
    *list = vals;
    *n = k;
    return 0;
}

int cond_add(dbd_arena *a, dbd_request *req, dbd_op *op, const char *arg,
             char *err, size_t errlen)
{
    size_t clen = column_len(arg);
    const char *p = arg + clen, *text = NULL;
    char *column;
    bool typed = false;
    dbd_cmp cmp = DBD_CMP_COUNT;
    dbd_value v = dbd_null();
    int rc;

    if (*p == ':') {
        typed = true;
        p++;
    }
    for (size_t i = 0; i < sizeof cond_ops / sizeof cond_ops[0]; i++) {
        size_t olen = strlen(cond_ops[i].text);

        if (strncmp(p, cond_ops[i].text, olen) == 0) {
            cmp = cond_ops[i].cmp;
            text = p + olen;
            break;
        }
    }
    if (clen == 0 || cmp == DBD_CMP_COUNT) {
        snprintf(err, errlen,
                 "bad condition \"%s\" (want COLUMN OPERATOR VALUE, e.g. "
                 "k=abc, i:>=5, s~null; see dbctl help conditions)",
                 arg);
        return -1;
    }
    if ((cmp == DBD_CMP_ISNULL || cmp == DBD_CMP_NOTNULL) && *text != '\0') {
        snprintf(err, errlen, "bad condition \"%s\": ~null and ~notnull take no value",
                 arg);
        return -1;
    }
    column = dbd_arena_strndup(a, arg, clen);
    if (column == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (cmp == DBD_CMP_IN) {
        dbd_value *list = NULL;
        size_t n = 0;

        if (in_list(a, text, typed, &list, &n, err, errlen) != 0)
            return -1;
        rc = dbd_op_add_where_in(req, op, column, list, n);
    } else {
        if (typed && literal_parse(a, text, &v, err, errlen) != 0)
            return -1;
        if (!typed)
            v = dbd_string(text, strlen(text));
        /* "= null" matches nothing in SQL; what is meant is IS NULL. */
        if (v.type == DBD_TYPE_NULL && cmp == DBD_CMP_EQ)
            cmp = DBD_CMP_ISNULL;
        else if (v.type == DBD_TYPE_NULL && cmp == DBD_CMP_NE)
            cmp = DBD_CMP_NOTNULL;
        rc = dbd_op_add_where(req, op, column, cmp,
                              cmp == DBD_CMP_ISNULL || cmp == DBD_CMP_NOTNULL
                                  ? NULL
                                  : &v);
    }
    if (rc != 0)
        snprintf(err, errlen, "cannot add condition \"%s\" (out of memory)",
                 arg);
    return rc;
}

int assign_add(dbd_arena *a, dbd_request *req, dbd_op *op, const char *arg,
               char *err, size_t errlen)
{
    size_t clen = column_len(arg);
    const char *p = arg + clen;
    char *column;
    dbd_value v;

    if (clen == 0 || (p[0] != '=' && !(p[0] == ':' && p[1] == '='))) {
        snprintf(err, errlen,
                 "bad assignment \"%s\" (want COLUMN=TEXT or COLUMN:=LITERAL)",
                 arg);
        return -1;
    }
    column = dbd_arena_strndup(a, arg, clen);
    if (column == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (p[0] == ':') {
        if (literal_parse(a, p + 2, &v, err, errlen) != 0)
            return -1;
    } else {
        v = dbd_string(p + 1, strlen(p + 1));
    }
    if (dbd_op_add_value(req, op, column, &v) != 0) {
        snprintf(err, errlen, "cannot add \"%s\" (out of memory)", arg);
        return -1;
    }
    return 0;
}
