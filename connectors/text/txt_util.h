/*
 * txt_util.h - small helpers shared by the text connector: a growable byte
 * buffer, message formatting and path building.
 */
#ifndef TXT_UTIL_H
#define TXT_UTIL_H

#include <stddef.h>

#include "status.h"

/* A growable byte buffer; data is always NUL-terminated when non-NULL
 * (the NUL is not counted in len), so it can be printed or parsed. */
typedef struct txt_buf {
    char *data;
    size_t len;
    size_t cap;
} txt_buf;

void txt_buf_init(txt_buf *b);
void txt_buf_free(txt_buf *b);
/* Makes room for extra more bytes. 0 or -1 (out of memory). */
int txt_buf_reserve(txt_buf *b, size_t extra);
int txt_buf_append(txt_buf *b, const void *p, size_t n);
int txt_buf_putc(txt_buf *b, char c);
static inline void txt_buf_reset(txt_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

/* Formats a message into msg (may be NULL). */
void txt_msg(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes a message to msg (may be NULL) and returns st, so that error
 * paths read "return txt_fail(msg, len, DBD_BAD, ...)". */
dbd_status txt_fail(char *msg, size_t msglen, dbd_status st,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* malloc'd "dir/prefix name suffix" (no separators added besides '/');
 * NULL on allocation failure. */
char *txt_path(const char *dir, const char *prefix, const char *name,
               const char *suffix);

#endif
