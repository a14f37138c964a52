/*
 * client_usage.c - in-flight counts and rate buckets of clients
 * (client_usage.h).
 */
#include "client_usage.h"

#include <stdlib.h>

dbd_client_usage *dbd_client_usage_new(void)
{
    dbd_client_usage *u = calloc(1, sizeof *u);
    if (u == NULL)
        return NULL;
    atomic_init(&u->refs, 1);
    atomic_init(&u->in_flight, 0);
    atomic_init(&u->limited_total, 0);
    u->tokens = -1; /* full at the first request */
    return u;
}

dbd_client_usage *dbd_client_usage_ref(dbd_client_usage *u)
{
    atomic_fetch_add(&u->refs, 1);
    return u;
}

void dbd_client_usage_unref(dbd_client_usage **pu)
{
    if (pu == NULL || *pu == NULL)
        return;
    if (atomic_fetch_sub(&(*pu)->refs, 1) == 1)
        free(*pu);
    *pu = NULL;
}

bool dbd_client_usage_take_token(dbd_client_usage *u, unsigned rate,
                                 unsigned burst, int64_t now_mono_us)
{
    if (u->tokens < 0) {
        u->tokens = burst;
    } else if (now_mono_us > u->refill_mono_us) {
        u->tokens += (double)(now_mono_us - u->refill_mono_us) * rate / 1e6;
        if (u->tokens > burst)
            u->tokens = burst;
    }
    u->refill_mono_us = now_mono_us;
    if (u->tokens < 1)
        return false;
    u->tokens -= 1;
    return true;
}

bool dbd_usage_ticket_open(dbd_usage_ticket *t, dbd_client_usage *u,
                           unsigned max)
{
    unsigned n = atomic_load(&u->in_flight);

    /* Only the front end adds, so n can only fall under our feet. */
    if (max > 0 && n >= max)
        return false;
    atomic_fetch_add(&u->in_flight, 1);
    t->usage = dbd_client_usage_ref(u);
    atomic_store(&t->open, true);
    return true;
}

void dbd_usage_ticket_close(dbd_usage_ticket *t)
{
    if (t->usage != NULL && atomic_exchange(&t->open, false))
        atomic_fetch_sub(&t->usage->in_flight, 1);
}

void dbd_usage_ticket_release(dbd_usage_ticket *t)
{
    dbd_usage_ticket_close(t);
    dbd_client_usage_unref(&t->usage);
}
