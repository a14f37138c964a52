/*
 * buf.h - the one growable byte buffer of dbd: the codec packs messages
 * into it, the SQL builder writes statement text with it and the text
 * connector reads and writes table files through it.
 *
 * Once anything was appended, data is NUL-terminated (the NUL is not
 * counted in len), so text can be printed or parsed in place.
 *
 * Failure is sticky: after an allocation failure failed stays true and
 * every further append fails (returns -1) without changing the buffer,
 * until reset, truncate or free.  A builder may therefore append freely
 * and check failed once at the end.
 */
#ifndef DBD_BUF_H
#define DBD_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct dbd_buf {
    char *data;  /* NULL until the first allocation */
    size_t len;  /* bytes used, not counting the NUL */
    size_t cap;  /* bytes allocated, the NUL included */
    bool failed; /* an allocation failed; the contents are incomplete */
} dbd_buf;

void dbd_buf_init(dbd_buf *b);
/* Frees the memory and leaves b as after init; b may be NULL. */
void dbd_buf_free(dbd_buf *b);
/* Empties the buffer, keeping its memory; clears failed. */
void dbd_buf_reset(dbd_buf *b);
/* Cuts b back to its first len bytes (len <= b->len), e.g. to drop a
 * half-written item; the contents are whole again, so failed is cleared. */
void dbd_buf_truncate(dbd_buf *b, size_t len);

/* Makes room for extra more bytes after len (plus the NUL), so that they
 * can be written at data + len directly.  0, or -1 on allocation failure. */
int dbd_buf_reserve(dbd_buf *b, size_t extra);

/* Appends return 0, or -1 on allocation failure (b unchanged, failed set). */
int dbd_buf_append_slow(dbd_buf *b, const void *data, size_t len);
/* Inline when the bytes fit: the codec and the SQL builder append many
 * small pieces, and a call per piece showed in profiles. */
static inline int dbd_buf_append(dbd_buf *b, const void *data, size_t len)
{
    if (!b->failed && len > 0 && len < b->cap - b->len) {
        memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
        return 0;
    }
    return dbd_buf_append_slow(b, data, len);
}
/* A NUL-terminated string, without its NUL. */
int dbd_buf_append_str(dbd_buf *b, const char *s);
int dbd_buf_append_char(dbd_buf *b, char c);
/* u in decimal. */
int dbd_buf_append_uint(dbd_buf *b, unsigned long long u);

/* The contents as text ("" when nothing was appended); valid until the
 * next change to b. */
const char *dbd_buf_text(const dbd_buf *b);

#endif
