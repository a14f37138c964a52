/* replyq.c - the worker-to-front-end reply queue (see replyq.h). */
#include "replyq.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define IDENT_MAX 255 /* ZeroMQ routing ids are at most 255 bytes */

struct dbd_replyq {
    pthread_mutex_t mu;
    int fd;                /* eventfd, non-blocking */
    dbd_reply_msg *head;   /* below: protected by mu */
    dbd_reply_msg *tail;
    size_t exits;
    bool signalled;        /* fd written since the last take */
};

dbd_replyq *dbd_replyq_new(void)
{
    dbd_replyq *q = calloc(1, sizeof *q);
    if (q == NULL)
        return NULL;
    q->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (q->fd < 0 || pthread_mutex_init(&q->mu, NULL) != 0) {
        if (q->fd >= 0)
            close(q->fd);
        free(q);
        return NULL;
    }
    return q;
}

void dbd_replyq_destroy(dbd_replyq **pq)
{
    dbd_replyq *q;
    if (pq == NULL || *pq == NULL)
        return;
    q = *pq;
    while (q->head != NULL) {
        dbd_reply_msg *m = q->head;
        q->head = m->next;
        dbd_reply_msg_free(m);
    }
    pthread_mutex_destroy(&q->mu);
    close(q->fd);
    free(q);
    *pq = NULL;
}

int dbd_replyq_fd(const dbd_replyq *q)
{
    return q->fd;
}

/* Wakes the front end unless a wake-up is pending; mu held. */
static bool need_signal(dbd_replyq *q)
{
    if (q->signalled)
        return false;
    q->signalled = true;
    return true;
}

static void signal_fd(dbd_replyq *q)
{
    const uint64_t one = 1;
    /* Cannot fail short of a counter overflow, and the wake-up only has
     * to be pending, which a full counter is too. */
    while (write(q->fd, &one, sizeof one) < 0 && errno == EINTR)
        ;
}

int dbd_replyq_push(dbd_replyq *q, uint32_t sock, const void *ident,
                    size_t ident_len, const void *body, size_t len)
{
    dbd_reply_msg *m;
    bool wake;

    if (ident_len > IDENT_MAX || len > SIZE_MAX - sizeof *m - IDENT_MAX)
        return -1;
    m = malloc(sizeof *m + ident_len + len);
    if (m == NULL)
        return -1;
    m->next = NULL;
    m->sock = sock;
    m->ident_len = ident_len;
    m->len = len;
    m->body = m->data + ident_len;
    if (ident_len > 0)
        memcpy(m->data, ident, ident_len);
    if (len > 0)
        memcpy(m->body, body, len);
    pthread_mutex_lock(&q->mu);
    if (q->tail != NULL)
        q->tail->next = m;
    else
        q->head = m;
    q->tail = m;
    wake = need_signal(q);
    pthread_mutex_unlock(&q->mu);
    if (wake)
        signal_fd(q);
    return 0;
}

static void count_and_wake(dbd_replyq *q, size_t exits)
{
    bool wake;
    pthread_mutex_lock(&q->mu);
    q->exits += exits;
    wake = need_signal(q);
    pthread_mutex_unlock(&q->mu);
    if (wake)
        signal_fd(q);
}

void dbd_replyq_notify(dbd_replyq *q)
{
    count_and_wake(q, 0);
}

void dbd_replyq_exit(dbd_replyq *q)
{
    count_and_wake(q, 1);
}

dbd_reply_msg *dbd_replyq_take(dbd_replyq *q, size_t *exits)
{
    dbd_reply_msg *list;
    uint64_t count;

    /* Read first: whatever is pushed after the take below signals anew. */
    while (read(q->fd, &count, sizeof count) < 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&q->mu);
    list = q->head;
    q->head = q->tail = NULL;
    *exits += q->exits;
    q->exits = 0;
    q->signalled = false;
    pthread_mutex_unlock(&q->mu);
    return list;
}

void dbd_reply_msg_free(dbd_reply_msg *m)
{
    free(m);
}
