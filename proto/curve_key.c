/*
 * curve_key.c - the CURVE key file parser and the Z85 and key-name checks
 * (see curve_key.h).
 */
#include "curve_key.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Longest line read; a key line needs about 50 characters, so anything
 * longer is not a key file. */
#define KEY_LINE_MAX 256

/* Z85 digit values + 1 by character (0: not a Z85 character), from the
 * alphabet of ZeroMQ RFC 32. */
static const unsigned char z85_value[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,
    ['5'] = 6,  ['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10,
    ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['g'] = 17, ['h'] = 18, ['i'] = 19, ['j'] = 20,
    ['k'] = 21, ['l'] = 22, ['m'] = 23, ['n'] = 24, ['o'] = 25,
    ['p'] = 26, ['q'] = 27, ['r'] = 28, ['s'] = 29, ['t'] = 30,
    ['u'] = 31, ['v'] = 32, ['w'] = 33, ['x'] = 34, ['y'] = 35,
    ['z'] = 36, ['A'] = 37, ['B'] = 38, ['C'] = 39, ['D'] = 40,
    ['E'] = 41, ['F'] = 42, ['G'] = 43, ['H'] = 44, ['I'] = 45,
    ['J'] = 46, ['K'] = 47, ['L'] = 48, ['M'] = 49, ['N'] = 50,
    ['O'] = 51, ['P'] = 52, ['Q'] = 53, ['R'] = 54, ['S'] = 55,
    ['T'] = 56, ['U'] = 57, ['V'] = 58, ['W'] = 59, ['X'] = 60,
    ['Y'] = 61, ['Z'] = 62, ['.'] = 63, ['-'] = 64, [':'] = 65,
    ['+'] = 66, ['='] = 67, ['^'] = 68, ['!'] = 69, ['/'] = 70,
    ['*'] = 71, ['?'] = 72, ['&'] = 73, ['<'] = 74, ['>'] = 75,
    ['('] = 76, [')'] = 77, ['['] = 78, [']'] = 79, ['{'] = 80,
    ['}'] = 81, ['@'] = 82, ['%'] = 83, ['$'] = 84, ['#'] = 85,
};

bool dbd_curve_z85_valid(const char *s)
{
    if (s == NULL || strnlen(s, DBD_CURVE_Z85_LEN + 1) != DBD_CURVE_Z85_LEN)
        return false;
    /* Each group of 5 digits is a big-endian 32-bit word; zmq_z85_decode()
     * refuses a group above 0xffffffff ("%%%%%" is 85^5 - 1), so must we. */
    for (size_t g = 0; g < DBD_CURVE_Z85_LEN; g += 5) {
        uint64_t word = 0;

        for (size_t i = g; i < g + 5; i++) {
            unsigned v = z85_value[(unsigned char)s[i]];

            if (v == 0)
                return false;
            word = word * 85 + (v - 1);
        }
        if (word > UINT32_MAX)
            return false;
    }
    return true;
}

bool dbd_curve_name_valid(const char *name)
{
    size_t len;

    if (name == NULL)
        return false;
    len = strnlen(name, DBD_CURVE_NAME_MAX + 1);
    if (len == 0 || len > DBD_CURVE_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];

        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
            return false;
    }
    return true;
}

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
                       end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* The state of one file being read. */
typedef struct key_parse {
    const char *path;
    unsigned line;
    char public_z85[DBD_CURVE_Z85_LEN + 1];
    char secret_z85[DBD_CURVE_Z85_LEN + 1];
    bool has_public, has_secret;
    char *err;
    size_t errlen;
} key_parse;

/* One "KEY = VALUE" line (already trimmed, not blank, not a comment). */
static int parse_line(key_parse *p, char *text)
{
    char *eq = strchr(text, '=');
    char *key, *value, *slot;
    bool *seen;

    if (eq == NULL) {
        snprintf(p->err, p->errlen, "%s:%u: expected \"public = KEY\" or "
                 "\"secret = KEY\"", p->path, p->line);
        return -1;
    }
    *eq = '\0';
    key = trim(text);
    value = trim(eq + 1);
    if (strcmp(key, "public") == 0) {
        slot = p->public_z85;
        seen = &p->has_public;
    } else if (strcmp(key, "secret") == 0) {
        slot = p->secret_z85;
        seen = &p->has_secret;
    } else {
        snprintf(p->err, p->errlen, "%s:%u: unknown key \"%.32s\" (only "
                 "\"public\" and \"secret\")", p->path, p->line, key);
        return -1;
    }
    if (*seen) {
        snprintf(p->err, p->errlen, "%s:%u: duplicate \"%s\"", p->path,
                 p->line, key);
        return -1;
    }
    /* The value itself is not echoed: it may be a secret. */
    if (strlen(value) != DBD_CURVE_Z85_LEN) {
        snprintf(p->err, p->errlen, "%s:%u: the %s key must be %d "
                 "characters of Z85, not %zu", p->path, p->line, key,
                 DBD_CURVE_Z85_LEN, strlen(value));
        return -1;
    }
    if (!dbd_curve_z85_valid(value)) {
        snprintf(p->err, p->errlen, "%s:%u: the %s key is not valid Z85",
                 p->path, p->line, key);
        return -1;
    }
    memcpy(slot, value, DBD_CURVE_Z85_LEN + 1);
    *seen = true;
    return 0;
}

static int parse_file(key_parse *p, FILE *f)
{
    char buf[KEY_LINE_MAX];
    int rc = -1;

    while (fgets(buf, sizeof buf, f) != NULL) {
        size_t len = strlen(buf);
        char *text;

        p->line++;
        if (len == sizeof buf - 1 && buf[len - 1] != '\n' && !feof(f)) {
            snprintf(p->err, p->errlen, "%s:%u: line too long", p->path,
                     p->line);
            goto out;
        }
        text = trim(buf);
        if (text[0] == '\0' || text[0] == '#')
            continue;
        if (parse_line(p, text) != 0)
            goto out;
    }
    if (ferror(f)) {
        snprintf(p->err, p->errlen, "%s: cannot read: %s", p->path,
                 strerror(errno));
        goto out;
    }
    rc = 0;
out:
    /* The last line read may have been the secret. */
    explicit_bzero(buf, sizeof buf);
    return rc;
}

int dbd_curve_key_load(const char *path, char public_z85[41],
                       char secret_z85[41], char *err, size_t errlen)
{
    key_parse p = {.path = path, .err = err, .errlen = errlen};
    FILE *f = NULL;
    int rc = -1;

    if (public_z85 != NULL)
        public_z85[0] = '\0';
    if (secret_z85 != NULL)
        secret_z85[0] = '\0';
    if (path == NULL || public_z85 == NULL) {
        snprintf(err, errlen, "no key file given");
        goto out;
    }
    f = fopen(path, "re");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    if (parse_file(&p, f) != 0)
        goto out;
    if (!p.has_public) {
        snprintf(err, errlen, "%s: no \"public\" key", path);
        goto out;
    }
    if (secret_z85 != NULL && !p.has_secret) {
        snprintf(err, errlen, "%s: no \"secret\" key (a public-key file "
                 "where the key pair NAME.key is needed?)", path);
        goto out;
    }
    memcpy(public_z85, p.public_z85, DBD_CURVE_Z85_LEN + 1);
    if (secret_z85 != NULL)
        memcpy(secret_z85, p.secret_z85, DBD_CURVE_Z85_LEN + 1);
    rc = 0;
out:
    if (f != NULL)
        fclose(f);
    /* Do not leave a copy of the secret on the stack. */
    explicit_bzero(p.secret_z85, sizeof p.secret_z85);
    return rc;
}
