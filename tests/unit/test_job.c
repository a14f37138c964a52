/*
 * test_job.c - the job FIFO of a datasource: order, taking expired jobs
 * from anywhere in the queue (the tail must stay right for later pushes),
 * taking everything.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "job.h"

static dbd_job *make(int64_t deadline)
{
    dbd_request *req = dbd_request_new(DBD_OP_PING, "ds", NULL);
    dbd_job *job;
    assert_non_null(req);
    job = dbd_job_new(&req, 0, "id", 2, 0, deadline);
    assert_non_null(job);
    assert_null(req); /* ownership moved */
    return job;
}

static void free_list(dbd_job *j)
{
    while (j != NULL) {
        dbd_job *next = j->next;
        dbd_job_destroy(&j);
        j = next;
    }
}

/* The deadlines of the queue in order, as a string like "1 2 3". */
static void order(const dbd_queue *q, char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (const dbd_job *j = q->head; j != NULL; j = j->next)
        n += (size_t)snprintf(out + n, outlen - n, "%s%lld", n ? " " : "",
                              (long long)j->deadline_us);
}

static void test_fifo(void **state)
{
    dbd_queue q = {0};
    dbd_job *j;
    (void)state;
    assert_null(dbd_queue_pop(&q));
    for (int i = 1; i <= 3; i++)
        dbd_queue_push(&q, make(i));
    assert_int_equal(q.len, 3);
    j = dbd_queue_pop(&q);
    assert_int_equal(j->deadline_us, 1);
    assert_null(j->next);
    dbd_job_destroy(&j);
    assert_null(j);
    j = dbd_queue_pop(&q);
    assert_int_equal(j->deadline_us, 2);
    dbd_job_destroy(&j);
    j = dbd_queue_pop(&q);
    assert_int_equal(j->deadline_us, 3);
    dbd_job_destroy(&j);
    assert_int_equal(q.len, 0);
    assert_null(q.head);
    assert_null(q.tail);
    dbd_job_destroy(&j); /* NULL is fine */
}

static void test_take_expired(void **state)
{
    static const int64_t deadlines[] = {5, 1, 7, 2, 9, 3};
    dbd_queue q = {0};
    dbd_job *expired;
    char buf[64];
    (void)state;
    for (size_t i = 0; i < 6; i++)
        dbd_queue_push(&q, make(deadlines[i]));
    /* head, middle and tail expire; the expired keep their order */
    expired = dbd_queue_take_expired(&q, 3);
    assert_int_equal(q.len, 3);
    order(&q, buf, sizeof buf);
    assert_string_equal(buf, "5 7 9");
    assert_int_equal(expired->deadline_us, 1);
    assert_int_equal(expired->next->deadline_us, 2);
    assert_int_equal(expired->next->next->deadline_us, 3);
    assert_null(expired->next->next->next);
    free_list(expired);
    /* the tail is still right: a push lands at the end */
    dbd_queue_push(&q, make(4));
    order(&q, buf, sizeof buf);
    assert_string_equal(buf, "5 7 9 4");
    /* the tail itself expires */
    expired = dbd_queue_take_expired(&q, 4);
    assert_int_equal(expired->deadline_us, 4);
    free_list(expired);
    dbd_queue_push(&q, make(10));
    order(&q, buf, sizeof buf);
    assert_string_equal(buf, "5 7 9 10");
    assert_null(dbd_queue_take_expired(&q, 0));
    expired = dbd_queue_take_all(&q);
    assert_int_equal(q.len, 0);
    assert_null(q.head);
    assert_null(q.tail);
    free_list(expired);
}

static bool deadline_is_even(const void *ctx, const dbd_job *job)
{
    (void)ctx;
    return job->deadline_us % 2 == 0;
}

static bool failed_elsewhere(const void *ctx, const dbd_job *job)
{
    return job->failed_host != ctx;
}

/* A read handed back goes first; take_if unlinks the first match from
 * anywhere and keeps the tail right. */
static void test_front_and_take_if(void **state)
{
    dbd_queue q = {0};
    dbd_job *j;
    char buf[64];
    int here;
    (void)state;
    dbd_queue_push_front(&q, make(3)); /* into an empty queue */
    assert_ptr_equal(q.head, q.tail);
    dbd_queue_push(&q, make(5));
    dbd_queue_push_front(&q, make(1));
    dbd_queue_push(&q, make(6));
    order(&q, buf, sizeof buf);
    assert_string_equal(buf, "1 3 5 6");
    j = dbd_queue_take_if(&q, deadline_is_even, NULL); /* the tail */
    assert_int_equal(j->deadline_us, 6);
    assert_null(j->next);
    dbd_job_destroy(&j);
    assert_int_equal(q.tail->deadline_us, 5);
    assert_null(dbd_queue_take_if(&q, deadline_is_even, NULL));
    dbd_queue_push(&q, make(8));
    order(&q, buf, sizeof buf);
    assert_string_equal(buf, "1 3 5 8");
    /* a job that failed on host "here" is not taken by it again */
    q.head->failed_host = &here;
    j = dbd_queue_take_if(&q, failed_elsewhere, &here);
    assert_int_equal(j->deadline_us, 3);
    dbd_job_destroy(&j);
    assert_int_equal(q.len, 3);
    j = dbd_queue_take_if(&q, failed_elsewhere, NULL);
    assert_int_equal(j->deadline_us, 1);
    dbd_job_destroy(&j);
    free_list(dbd_queue_take_all(&q));
    assert_int_equal(q.len, 0);
    assert_null(q.tail);
}

static void test_identity_limit(void **state)
{
    unsigned char ident[256];
    dbd_request *req = dbd_request_new(DBD_OP_PING, NULL, NULL);
    (void)state;
    memset(ident, 7, sizeof ident);
    assert_null(dbd_job_new(&req, 0, ident, 256, 0, 0));
    assert_non_null(req); /* not taken on failure */
    {
        dbd_job *j = dbd_job_new(&req, 3, ident, 255, 11, 12);
        assert_non_null(j);
        assert_int_equal(j->sock, 3);
        assert_int_equal(j->ident_len, 255);
        assert_memory_equal(j->ident, ident, 255);
        assert_int_equal(j->arrival_mono_us, 11);
        assert_int_equal(j->deadline_us, 12);
        dbd_job_destroy(&j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo),
        cmocka_unit_test(test_take_expired),
        cmocka_unit_test(test_front_and_take_if),
        cmocka_unit_test(test_identity_limit),
    };
    return cmocka_run_group_tests_name("job", tests, NULL, NULL);
}
