/*
 * sqlbuf.h - a growable text buffer for building statement text.
 *
 * Failure is sticky: after an allocation failure every further append is a
 * no-op and failed stays true, so a builder appends freely and checks once
 * at the end.  The text is always NUL-terminated once anything was added.
 */
#ifndef DBD_SQLBUF_H
#define DBD_SQLBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dbd_sqlbuf {
    char *data;  /* NULL until the first append */
    size_t len;  /* bytes used, not counting the NUL */
    size_t cap;
    bool failed; /* an allocation failed; the contents are incomplete */
} dbd_sqlbuf;

void dbd_sqlbuf_init(dbd_sqlbuf *b);
/* Frees the memory and leaves b as after init. */
void dbd_sqlbuf_free(dbd_sqlbuf *b);
/* Empties b but keeps its memory for reuse; clears failed. */
void dbd_sqlbuf_reset(dbd_sqlbuf *b);

void dbd_sqlbuf_add(dbd_sqlbuf *b, const char *s, size_t n);
void dbd_sqlbuf_adds(dbd_sqlbuf *b, const char *s);
void dbd_sqlbuf_addc(dbd_sqlbuf *b, char c);
void dbd_sqlbuf_addu(dbd_sqlbuf *b, unsigned long long u);

/* The text ("" when empty); valid until the next append or free. */
const char *dbd_sqlbuf_text(const dbd_sqlbuf *b);

#endif
