/*
 * client_table.c - the bookkeeping of libdbdclient: pending requests by id
 * (a sorted array; ids only grow) and FIFO lists for the outbox and the
 * completed results.
 */
#include "client_priv.h"

#include <stdlib.h>
#include <string.h>

void client_req_free(client_req **pr)
{
    if (pr == NULL || *pr == NULL)
        return;
    dbd_result_destroy(&(*pr)->res);
    dbd_buf_free(&(*pr)->wire);
    free(*pr);
    *pr = NULL;
}

void req_list_push(req_list *l, client_req *r)
{
    r->next = NULL;
    r->prev = l->tail;
    if (l->tail != NULL)
        l->tail->next = r;
    else
        l->head = r;
    l->tail = r;
    l->n++;
}

void req_list_unlink(req_list *l, client_req *r)
{
    if (r->prev != NULL)
        r->prev->next = r->next;
    else
        l->head = r->next;
    if (r->next != NULL)
        r->next->prev = r->prev;
    else
        l->tail = r->prev;
    r->prev = r->next = NULL;
    l->n--;
}

client_req *req_list_pop(req_list *l)
{
    client_req *r = l->head;

    if (r != NULL)
        req_list_unlink(l, r);
    return r;
}

void req_list_free(req_list *l)
{
    client_req *r;

    while ((r = req_list_pop(l)) != NULL)
        client_req_free(&r);
}

void req_table_init(req_table *t)
{
    memset(t, 0, sizeof *t);
    t->min_deadline = CLIENT_NO_DEADLINE;
}

void req_table_free(req_table *t)
{
    for (size_t i = 0; i < t->len; i++)
        client_req_free(&t->slots[i].req);
    free(t->slots);
    req_table_init(t);
}

/* Closes the holes; keeps the order. */
static void table_compact(req_table *t)
{
    size_t w = 0;

    for (size_t i = 0; i < t->len; i++)
        if (t->slots[i].req != NULL)
            t->slots[w++] = t->slots[i];
    t->len = w;
}

int req_table_add(req_table *t, client_req *r)
{
    if (t->len > 0 && r->id <= t->slots[t->len - 1].id)
        return -1; /* would break the order binary search relies on */
    if (t->len == t->cap && t->live < t->len / 2)
        table_compact(t);
    if (t->len == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        req_slot *slots;

        if (cap > SIZE_MAX / sizeof *slots)
            return -1;
        slots = realloc(t->slots, cap * sizeof *slots);
        if (slots == NULL)
            return -1;
        t->slots = slots;
        t->cap = cap;
    }
    t->slots[t->len].id = r->id;
    t->slots[t->len].req = r;
    t->len++;
    t->live++;
    if (r->deadline < t->min_deadline)
        t->min_deadline = r->deadline;
    return 0;
}

/* Index of the slot with id, or t->len. */
static size_t table_index(const req_table *t, uint64_t id)
{
    size_t lo = 0, hi = t->len;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->slots[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < t->len && t->slots[lo].id == id) ? lo : t->len;
}

client_req *req_table_find(const req_table *t, uint64_t id)
{
    size_t i = table_index(t, id);

    return i < t->len ? t->slots[i].req : NULL;
}

void req_table_remove(req_table *t, client_req *r)
{
    size_t i = table_index(t, r->id);

    if (i == t->len || t->slots[i].req != r)
        return;
    t->slots[i].req = NULL;
    t->live--;
    if (t->live == 0) {
        t->len = 0;
        t->min_deadline = CLIENT_NO_DEADLINE;
    } else if (t->len > 64 && t->live < t->len / 4) {
        table_compact(t);
    }
}

void req_table_take_expired(req_table *t, int64_t now, req_list *outbox,
                            req_list *out)
{
    int64_t min = CLIENT_NO_DEADLINE;

    if (now < t->min_deadline)
        return;
    for (size_t i = 0; i < t->len; i++) {
        client_req *r = t->slots[i].req;

        if (r == NULL)
            continue;
        if (r->deadline <= now) {
            t->slots[i].req = NULL;
            t->live--;
            if (!r->sent)
                req_list_unlink(outbox, r);
            req_list_push(out, r);
        } else if (r->deadline < min) {
            min = r->deadline;
        }
    }
    t->min_deadline = min;
    if (t->live == 0)
        t->len = 0;
    else if (t->live < t->len / 2)
        table_compact(t);
}
