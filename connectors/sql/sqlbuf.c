/* sqlbuf.c - growable statement text with sticky failure (see sqlbuf.h). */
#include "sqlbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void dbd_sqlbuf_init(dbd_sqlbuf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void dbd_sqlbuf_free(dbd_sqlbuf *b)
{
    free(b->data);
    dbd_sqlbuf_init(b);
}

void dbd_sqlbuf_reset(dbd_sqlbuf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data != NULL)
        b->data[0] = '\0';
}

/* Makes room for n more bytes plus the NUL; false (and failed) if it cannot. */
static bool sqlbuf_reserve(dbd_sqlbuf *b, size_t n)
{
    if (b->failed)
        return false;
    if (n > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void dbd_sqlbuf_add(dbd_sqlbuf *b, const char *s, size_t n)
{
    if (!sqlbuf_reserve(b, n))
        return;
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void dbd_sqlbuf_adds(dbd_sqlbuf *b, const char *s)
{
    dbd_sqlbuf_add(b, s, strlen(s));
}

void dbd_sqlbuf_addc(dbd_sqlbuf *b, char c)
{
    dbd_sqlbuf_add(b, &c, 1);
}

void dbd_sqlbuf_addu(dbd_sqlbuf *b, unsigned long long u)
{
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    dbd_sqlbuf_add(b, digits + i, sizeof digits - i);
}

const char *dbd_sqlbuf_text(const dbd_sqlbuf *b)
{
    return b->data != NULL ? b->data : "";
}
