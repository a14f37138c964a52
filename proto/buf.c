/* buf.c - the growable byte buffer the codec packs into (see codec.h). */
#include "codec.h"
#include "codec_value.h"

#include <stdlib.h>
#include <string.h>

void dbd_buf_init(dbd_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
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
    b->len = 0;
}

int dbd_buf_append(dbd_buf *b, const void *data, size_t len)
{
    if (len == 0)
        return 0;
    if (len > SIZE_MAX - b->len)
        return -1;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len) {
            if (cap > SIZE_MAX / 2)
                cap = b->len + len;
            else
                cap *= 2;
        }
        char *p = realloc(b->data, cap);
        if (p == NULL)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

int dbd_buf_write(void *data, const char *buf, size_t len)
{
    return dbd_buf_append(data, buf, len);
}

void dbd_packer_init(msgpack_packer *pk, dbd_buf *b)
{
    msgpack_packer_init(pk, b, dbd_buf_write);
}
