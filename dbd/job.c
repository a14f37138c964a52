/* job.c - jobs and the FIFO that holds them (see job.h). */
#include "job.h"

#include <stdlib.h>
#include <string.h>

dbd_job *dbd_job_new(dbd_request **preq, uint32_t sock, const void *ident,
                     size_t ident_len, int64_t arrival_mono_us,
                     int64_t deadline_us)
{
    dbd_job *job;
    if (ident_len > DBD_IDENT_BYTES)
        return NULL;
    /* malloc(): calloc() would skip glibc's per-thread cache */
    job = malloc(sizeof *job);
    if (job == NULL)
        return NULL;
    *job = (dbd_job){0};
    job->req = *preq;
    *preq = NULL;
    job->sock = sock;
    job->ident_len = ident_len;
    if (ident_len > 0)
        memcpy(job->ident, ident, ident_len);
    job->arrival_mono_us = arrival_mono_us;
    job->deadline_us = deadline_us;
    return job;
}

void dbd_job_destroy(dbd_job **pjob)
{
    if (pjob == NULL || *pjob == NULL)
        return;
    dbd_usage_ticket_release(&(*pjob)->ticket);
    dbd_request_destroy(&(*pjob)->req);
    free(*pjob);
    *pjob = NULL;
}

void dbd_queue_push(dbd_queue *q, dbd_job *job)
{
    job->next = NULL;
    if (q->tail != NULL)
        q->tail->next = job;
    else
        q->head = job;
    q->tail = job;
    q->len++;
}

void dbd_queue_push_front(dbd_queue *q, dbd_job *job)
{
    job->next = q->head;
    q->head = job;
    if (q->tail == NULL)
        q->tail = job;
    q->len++;
}

dbd_job *dbd_queue_take_if(dbd_queue *q,
                           bool (*accept)(const void *ctx, const dbd_job *job),
                           const void *ctx)
{
    dbd_job *prev = NULL;
    for (dbd_job *j = q->head; j != NULL; prev = j, j = j->next) {
        if (!accept(ctx, j))
            continue;
        if (prev != NULL)
            prev->next = j->next;
        else
            q->head = j->next;
        if (q->tail == j)
            q->tail = prev;
        q->len--;
        j->next = NULL;
        return j;
    }
    return NULL;
}

dbd_job *dbd_queue_pop(dbd_queue *q)
{
    dbd_job *job = q->head;
    if (job == NULL)
        return NULL;
    q->head = job->next;
    if (q->head == NULL)
        q->tail = NULL;
    q->len--;
    job->next = NULL;
    return job;
}

dbd_job *dbd_queue_take_expired(dbd_queue *q, int64_t now_us)
{
    dbd_job *out = NULL, **out_tail = &out;
    dbd_job **link = &q->head, *prev = NULL;

    while (*link != NULL) {
        dbd_job *job = *link;
        if (job->deadline_us <= now_us) {
            *link = job->next;
            if (q->tail == job)
                q->tail = prev;
            q->len--;
            job->next = NULL;
            *out_tail = job;
            out_tail = &job->next;
        } else {
            prev = job;
            link = &job->next;
        }
    }
    return out;
}

dbd_job *dbd_queue_take_all(dbd_queue *q)
{
    dbd_job *out = q->head;
    q->head = q->tail = NULL;
    q->len = 0;
    return out;
}
