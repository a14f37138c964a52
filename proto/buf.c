/* buf.c - the growable byte buffer with sticky failure (see buf.h). */
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void dbd_buf_init(dbd_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void dbd_buf_free(dbd_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    dbd_buf_init(b);
}

void dbd_buf_reset(dbd_buf *b)
{
    dbd_buf_truncate(b, 0);
}

void dbd_buf_truncate(dbd_buf *b, size_t len)
{
    if (len < b->len)
        b->len = len;
    b->failed = false;
    if (b->data != NULL)
        b->data[b->len] = '\0';
}

int dbd_buf_reserve(dbd_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    /* +1 keeps room for the terminating NUL. */
    if (extra > SIZE_MAX - 1 - b->len)
        goto fail;
    const size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        goto fail;
    b->data = p;
    b->cap = cap;
    return 0;
fail:
    b->failed = true;
    return -1;
}

int dbd_buf_append_slow(dbd_buf *b, const void *data, size_t len)
{
    if (b->failed)
        return -1;
    if (len == 0)
        return 0;
    if (dbd_buf_reserve(b, len) != 0)
        return -1;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int dbd_buf_append_str(dbd_buf *b, const char *s)
{
    return dbd_buf_append(b, s, strlen(s));
}

int dbd_buf_append_char(dbd_buf *b, char c)
{
    return dbd_buf_append(b, &c, 1);
}

int dbd_buf_append_uint(dbd_buf *b, unsigned long long u)
{
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    return dbd_buf_append(b, digits + i, sizeof digits - i);
}

const char *dbd_buf_text(const dbd_buf *b)
{
    return b->data != NULL ? b->data : "";
}
