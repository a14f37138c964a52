/* txt_util.c - growable buffer, error messages and paths (see txt_util.h). */
#include "txt_util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void txt_buf_init(txt_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void txt_buf_free(txt_buf *b)
{
    free(b->data);
    txt_buf_init(b);
}

int txt_buf_reserve(txt_buf *b, size_t extra)
{
    /* +1 keeps room for the terminating NUL. */
    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int txt_buf_append(txt_buf *b, const void *p, size_t n)
{
    if (txt_buf_reserve(b, n) != 0)
        return -1;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int txt_buf_putc(txt_buf *b, char c)
{
    return txt_buf_append(b, &c, 1);
}

void txt_msg(char *msg, size_t msglen, const char *fmt, ...)
{
    if (msg != NULL && msglen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
}

dbd_status txt_fail(char *msg, size_t msglen, dbd_status st,
                    const char *fmt, ...)
{
    if (msg != NULL && msglen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
    return st;
}

char *txt_path(const char *dir, const char *prefix, const char *name,
               const char *suffix)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s%s%s", dir, prefix, name, suffix) < 0)
        return NULL;
    return p;
}
