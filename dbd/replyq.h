/*
 * replyq.h - replies on their way from the worker threads to the front
 * end, which alone sends on the ROUTER sockets.
 *
 * A mutex-protected list and an eventfd the front end polls: a worker
 * appends a reply and writes the eventfd only when no wake-up is pending
 * yet; the front end reads the eventfd and takes the whole list at once.
 * So a burst of replies costs two system calls, where ZeroMQ's inproc
 * PUSH/PULL, used before, cost several per message (ZeroMQ asks getpid()
 * and polls its mailbox on many calls).  Workers also report their exit
 * here.  Thread-safe; the front end is the only consumer.
 */
#ifndef DBD_REPLYQ_H
#define DBD_REPLYQ_H

#include <stddef.h>
#include <stdint.h>

/* One reply message for client ident on ROUTER socket sock. */
typedef struct dbd_reply_msg {
    struct dbd_reply_msg *next;
    uint32_t sock;
    size_t ident_len;
    size_t len;
    unsigned char *body;   /* len bytes, after the identity in data */
    unsigned char data[];  /* the identity, then the body */
} dbd_reply_msg;

typedef struct dbd_replyq dbd_replyq;

/* NULL on failure (memory, or no eventfd). */
dbd_replyq *dbd_replyq_new(void);
/* Frees messages not taken; accepts NULL; clears *pq. */
void dbd_replyq_destroy(dbd_replyq **pq);
/* The descriptor that becomes readable when messages or exits wait. */
int dbd_replyq_fd(const dbd_replyq *q);

/* Copies one reply in.  0, or -1 when memory ran out or the identity is
 * longer than 255 bytes. */
int dbd_replyq_push(dbd_replyq *q, uint32_t sock, const void *ident,
                    size_t ident_len, const void *body, size_t len);
/* Wakes the front end without a message (a swap check finished). */
void dbd_replyq_notify(dbd_replyq *q);
/* A worker's last word: it has exited.  Never fails. */
void dbd_replyq_exit(dbd_replyq *q);

/* Clears the wake-up, then takes every waiting message (oldest first;
 * NULL when none) and adds the exits reported since the last take to
 * *exits. */
dbd_reply_msg *dbd_replyq_take(dbd_replyq *q, size_t *exits);
/* Frees one message (its next is not followed). */
void dbd_reply_msg_free(dbd_reply_msg *m);

#endif
