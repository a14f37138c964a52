/*
 * words.c - splits a line of a batch file into words the way a POSIX shell
 * would for simple cases: blanks separate words; '...' keeps everything
 * literally; "..." keeps everything but lets \" \\ \n \t escape; outside
 * quotes a backslash takes the next character literally.  A '#' that
 * starts a word starts a comment.
 */
#include "dbctl.h"

#include <stdio.h>
#include <string.h>

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

int words_split(dbd_arena *a, const char *line, char ***words, int *nwords,
                char *err, size_t errlen)
{
    size_t len = strlen(line), max = len / 2 + 2;
    /* Words never outgrow the line; each needs a NUL. */
    char *buf = dbd_arena_alloc(a, len + max + 1);
    char **list = dbd_arena_calloc(a, max + 1, sizeof *list);
    size_t w = 0;
    int n = 0;
    const char *p = line;

    if (buf == NULL || list == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (;;) {
        while (is_blank(*p))
            p++;
        if (*p == '\0' || *p == '#')
            break;
        list[n++] = buf + w;
        while (*p != '\0' && !is_blank(*p)) {
            if (*p == '\'') {
                const char *end = strchr(p + 1, '\'');

                if (end == NULL) {
                    snprintf(err, errlen, "unterminated '");
                    return -1;
                }
                memcpy(buf + w, p + 1, (size_t)(end - p - 1));
                w += (size_t)(end - p - 1);
                p = end + 1;
            } else if (*p == '"') {
                for (p++; *p != '"'; p++) {
                    if (*p == '\0') {
                        snprintf(err, errlen, "unterminated \"");
                        return -1;
                    }
                    if (*p == '\\' && p[1] != '\0') {
                        p++;
                        buf[w++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
                    } else {
                        buf[w++] = *p;
                    }
                }
                p++;
            } else if (*p == '\\' && p[1] != '\0') {
                buf[w++] = p[1];
                p += 2;
            } else {
                buf[w++] = *p++;
            }
        }
        buf[w++] = '\0';
    }
    list[n] = NULL;
    *words = list;
    *nwords = n;
    return 0;
}
