/*
 * test_stmtcache.c - unit tests of the SQL connectors' prepared-statement
 * cache: lookups and their counters, least-recently-used eviction, the
 * connector's per-entry area, and that every statement goes to the release
 * callback exactly once (replaced, evicted, dropped, cleared, destroyed).
 *
 * The statements are slots of an array; the release callback counts per
 * slot and checks that the area it gets is the one that statement had.
 */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../connectors/sql/stmtcache.h"

#define NSTMT 16

/* What a connector would keep beside a statement. */
typedef struct area {
    int owner;      /* the slot of the statement it belongs to, plus 1 */
    double facts;
} area;

typedef struct fx {
    int stmts[NSTMT];
    int released[NSTMT]; /* release calls per statement */
    int order[NSTMT * 4]; /* statements in the order they were released */
    size_t nreleased;
    int bad_area;         /* release calls whose area was not the stmt's */
    dbd_stmt_cache *cache;
} fx;

static int slot_of(const fx *f, const void *stmt)
{
    ptrdiff_t i = (const int *)stmt - f->stmts;
    assert_true(i >= 0 && i < NSTMT);
    return (int)i;
}

static void release(void *ctx, void *stmt, void *extra)
{
    fx *f = ctx;
    int i = slot_of(f, stmt);
    f->released[i]++;
    assert_true(f->nreleased < NSTMT * 4);
    f->order[f->nreleased++] = i;
    const area *a = extra;
    /* an area is either untouched (zero) or the one its statement got */
    if (a == NULL || (a->owner != 0 && a->owner != i + 1))
        f->bad_area++;
}

static fx *fx_new(size_t capacity)
{
    fx *f = test_calloc(1, sizeof *f);
    assert_non_null(f);
    f->cache = dbd_stmt_cache_new(capacity, sizeof(area), release, f);
    assert_non_null(f->cache);
    return f;
}

static void fx_free(fx *f)
{
    dbd_stmt_cache_destroy(&f->cache);
    assert_null(f->cache);
    test_free(f);
}

/* Puts statement slot i under key and marks its area. */
static void put(fx *f, const char *key, int i)
{
    void *extra = NULL;
    assert_int_equal(dbd_stmt_cache_put(f->cache, key, &f->stmts[i], &extra),
                     0);
    assert_non_null(extra);
    area *a = extra;
    assert_int_equal(a->owner, 0); /* zeroed for the new statement */
    assert_true(a->facts == 0.0);
    a->owner = i + 1;
    a->facts = i * 1.5;
}

/* The slot cached under key, or -1; checks its area when found. */
static int get(fx *f, const char *key)
{
    void *extra = NULL;
    void *stmt = dbd_stmt_cache_get(f->cache, key, &extra);
    if (stmt == NULL)
        return -1;
    int i = slot_of(f, stmt);
    const area *a = extra;
    assert_non_null(a);
    assert_int_equal(a->owner, i + 1);
    assert_true(a->facts == i * 1.5);
    return i;
}

static void expect_stats(const fx *f, uint64_t hits, uint64_t misses)
{
    uint64_t h = 99, m = 99;
    dbd_stmt_cache_stats(f->cache, &h, &m);
    assert_int_equal(h, hits);
    assert_int_equal(m, misses);
}

static void test_hits_and_misses(void **state)
{
    (void)state;
    fx *f = fx_new(4);
    expect_stats(f, 0, 0);
    assert_int_equal(get(f, "q|t|a"), -1);
    expect_stats(f, 0, 1);
    put(f, "q|t|a", 0);
    put(f, "q|t|b", 1);
    assert_int_equal(dbd_stmt_cache_count(f->cache), 2);
    assert_int_equal(get(f, "q|t|a"), 0);
    assert_int_equal(get(f, "q|t|b"), 1);
    assert_int_equal(get(f, "q|t|a"), 0);
    /* a key that is a prefix of a cached one is another key */
    assert_int_equal(get(f, "q|t|"), -1);
    assert_int_equal(get(f, ""), -1);
    expect_stats(f, 3, 3);
    /* put counts as neither */
    put(f, "q|t|c", 2);
    expect_stats(f, 3, 3);
    /* either counter alone */
    uint64_t n = 0;
    dbd_stmt_cache_stats(f->cache, &n, NULL);
    assert_int_equal(n, 3);
    dbd_stmt_cache_stats(f->cache, NULL, &n);
    assert_int_equal(n, 3);
    assert_int_equal(f->nreleased, 0);
    fx_free(f);
}

static void test_evicts_least_recently_used(void **state)
{
    (void)state;
    fx *f = fx_new(3);
    put(f, "a", 0);
    put(f, "b", 1);
    put(f, "c", 2);
    assert_int_equal(get(f, "a"), 0); /* b is now the least recently used */
    put(f, "d", 3);
    assert_int_equal(dbd_stmt_cache_count(f->cache), 3);
    assert_int_equal(f->nreleased, 1);
    assert_int_equal(f->order[0], 1);
    assert_int_equal(f->released[1], 1);
    assert_int_equal(get(f, "b"), -1);
    assert_int_equal(get(f, "c"), 2); /* order of use now: a d c */
    put(f, "e", 4);                   /* a goes */
    assert_int_equal(f->nreleased, 2);
    assert_int_equal(f->order[1], 0);
    assert_int_equal(get(f, "a"), -1);
    assert_int_equal(get(f, "d"), 3);
    assert_int_equal(get(f, "c"), 2);
    assert_int_equal(get(f, "e"), 4);
    /* a miss does not count as a use: e, then c, then d are newest */
    assert_int_equal(get(f, "zz"), -1);
    put(f, "f", 5); /* d goes */
    assert_int_equal(f->order[2], 3);
    assert_int_equal(get(f, "d"), -1);
    expect_stats(f, 5, 4);

    dbd_stmt_cache_destroy(&f->cache);
    /* every statement released exactly once, evicted or destroyed */
    for (int i = 0; i < 6; i++)
        assert_int_equal(f->released[i], 1);
    assert_int_equal(f->nreleased, 6);
    assert_int_equal(f->bad_area, 0);
    fx_free(f);
}

static void test_capacity_one(void **state)
{
    (void)state;
    fx *f = fx_new(0); /* at least one */
    put(f, "a", 0);
    put(f, "b", 1);
    assert_int_equal(dbd_stmt_cache_count(f->cache), 1);
    assert_int_equal(f->released[0], 1);
    assert_int_equal(get(f, "b"), 1);
    assert_int_equal(get(f, "a"), -1);
    dbd_stmt_cache_destroy(&f->cache);
    assert_int_equal(f->released[0], 1);
    assert_int_equal(f->released[1], 1);
    assert_int_equal(f->bad_area, 0);
    fx_free(f);
}

static void test_replace_same_key(void **state)
{
    (void)state;
    fx *f = fx_new(2);
    put(f, "a", 0);
    put(f, "b", 1);
    put(f, "a", 2); /* replaces slot 0, its area zeroed for slot 2 */
    assert_int_equal(dbd_stmt_cache_count(f->cache), 2);
    assert_int_equal(f->released[0], 1);
    assert_int_equal(f->nreleased, 1);
    assert_int_equal(get(f, "a"), 2);
    assert_int_equal(get(f, "b"), 1);
    /* the replacement counts as a use: b was used after it, so a goes */
    put(f, "c", 3);
    assert_int_equal(f->released[2], 1);
    assert_int_equal(get(f, "a"), -1);
    dbd_stmt_cache_destroy(&f->cache);
    for (int i = 0; i < 4; i++)
        assert_int_equal(f->released[i], 1);
    assert_int_equal(f->bad_area, 0);
    fx_free(f);
}

static bool odd_slot(void *stmt, const void *arg)
{
    const fx *f = arg;
    return slot_of(f, stmt) % 2 == 1;
}

static void test_get_if(void **state)
{
    (void)state;
    fx *f = fx_new(2);
    put(f, "a", 0);
    put(f, "b", 1);
    void *extra = NULL;
    /* refused by match: a miss, and no use (a stays the oldest) */
    assert_null(dbd_stmt_cache_get_if(f->cache, "a", odd_slot, f, &extra));
    assert_null(extra);
    assert_ptr_equal(dbd_stmt_cache_get_if(f->cache, "b", odd_slot, f,
                                           &extra),
                     &f->stmts[1]);
    assert_non_null(extra);
    assert_int_equal(((area *)extra)->owner, 2);
    expect_stats(f, 1, 1);
    put(f, "c", 2);
    assert_int_equal(f->released[0], 1);
    /* no match function: any statement under the key */
    assert_ptr_equal(dbd_stmt_cache_get_if(f->cache, "c", NULL, NULL, NULL),
                     &f->stmts[2]);
    fx_free(f);
}

static void test_drop(void **state)
{
    (void)state;
    fx *f = fx_new(4);
    put(f, "a", 0);
    put(f, "b", 1);
    put(f, "c", 2);
    put(f, "d", 3);
    dbd_stmt_cache_drop(f->cache, "zz"); /* absent: nothing */
    assert_int_equal(f->nreleased, 0);
    dbd_stmt_cache_drop(f->cache, "b");
    assert_int_equal(f->released[1], 1);
    assert_int_equal(dbd_stmt_cache_count(f->cache), 3);
    /* the others keep their statements and areas (d moved into b's place) */
    assert_int_equal(get(f, "a"), 0);
    assert_int_equal(get(f, "c"), 2);
    assert_int_equal(get(f, "d"), 3);
    assert_int_equal(get(f, "b"), -1);
    dbd_stmt_cache_drop(f->cache, "d"); /* the last entry */
    assert_int_equal(f->released[3], 1);
    /* room again: no eviction for the next two */
    put(f, "e", 4);
    put(f, "f", 5);
    assert_int_equal(f->nreleased, 2);
    assert_int_equal(dbd_stmt_cache_count(f->cache), 4);
    put(f, "b", 6); /* full: a, used least recently, goes */
    assert_int_equal(f->released[0], 1);
    assert_int_equal(get(f, "c"), 2);
    dbd_stmt_cache_destroy(&f->cache);
    for (int i = 0; i < 7; i++)
        assert_int_equal(f->released[i], 1);
    assert_int_equal(f->bad_area, 0);
    fx_free(f);
}

static void test_clear(void **state)
{
    (void)state;
    fx *f = fx_new(3);
    put(f, "a", 0);
    put(f, "b", 1);
    assert_int_equal(get(f, "a"), 0);
    dbd_stmt_cache_clear(f->cache);
    assert_int_equal(dbd_stmt_cache_count(f->cache), 0);
    assert_int_equal(f->released[0], 1);
    assert_int_equal(f->released[1], 1);
    /* the counters stay; the cache works on */
    expect_stats(f, 1, 0);
    assert_int_equal(get(f, "a"), -1);
    put(f, "a", 2);
    assert_int_equal(get(f, "a"), 2);
    dbd_stmt_cache_clear(f->cache);
    dbd_stmt_cache_clear(f->cache); /* empty: nothing more */
    assert_int_equal(f->nreleased, 3);
    fx_free(f);
}

static void test_destroy_releases_all(void **state)
{
    (void)state;
    fx *f = fx_new(8);
    char key[8];
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put(f, key, i);
    }
    dbd_stmt_cache_destroy(&f->cache);
    assert_null(f->cache);
    for (int i = 0; i < 8; i++)
        assert_int_equal(f->released[i], 1);
    assert_int_equal(f->nreleased, 8);
    assert_int_equal(f->bad_area, 0);
    dbd_stmt_cache_destroy(&f->cache); /* NULL: nothing */
    dbd_stmt_cache_destroy(NULL);
    fx_free(f);
}

/* Without an area the callback gets NULL and lookups hand out none. */
static int nareas, nstmts;
static void count_release(void *ctx, void *stmt, void *extra)
{
    (void)ctx;
    nstmts += stmt != NULL;
    nareas += extra != NULL;
}

static void test_no_area(void **state)
{
    (void)state;
    int s[3];
    void *extra = &s[0];
    nareas = nstmts = 0;
    dbd_stmt_cache *c = dbd_stmt_cache_new(2, 0, count_release, NULL);
    assert_non_null(c);
    assert_int_equal(dbd_stmt_cache_put(c, "a", &s[0], &extra), 0);
    assert_null(extra);
    assert_int_equal(dbd_stmt_cache_put(c, "b", &s[1], NULL), 0);
    assert_int_equal(dbd_stmt_cache_put(c, "c", &s[2], NULL), 0);
    extra = &s[0];
    assert_ptr_equal(dbd_stmt_cache_get(c, "c", &extra), &s[2]);
    assert_null(extra);
    dbd_stmt_cache_drop(c, "b");
    dbd_stmt_cache_destroy(&c);
    assert_int_equal(nstmts, 3);
    assert_int_equal(nareas, 0);
}

/* Areas of any size keep their alignment and their bytes apart. */
static void test_area_sizes(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 3, 8, 17, 100};
    int s[4];
    nareas = nstmts = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        dbd_stmt_cache *c = dbd_stmt_cache_new(4, sizes[k], count_release,
                                               NULL);
        assert_non_null(c);
        unsigned char *a[4];
        for (int i = 0; i < 4; i++) {
            char key[4] = {'k', (char)('0' + i), '\0'};
            void *extra = NULL;
            assert_int_equal(dbd_stmt_cache_put(c, key, &s[i], &extra), 0);
            a[i] = extra;
            assert_int_equal((uintptr_t)a[i] % alignof(max_align_t), 0);
            memset(a[i], 0xA0 + i, sizes[k]);
        }
        for (int i = 0; i < 4; i++)
            for (size_t b = 0; b < sizes[k]; b++)
                assert_int_equal(a[i][b], 0xA0 + i);
        dbd_stmt_cache_destroy(&c);
    }
    assert_int_equal(nstmts, 20);
    assert_int_equal(nareas, 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hits_and_misses),
        cmocka_unit_test(test_evicts_least_recently_used),
        cmocka_unit_test(test_capacity_one),
        cmocka_unit_test(test_replace_same_key),
        cmocka_unit_test(test_get_if),
        cmocka_unit_test(test_drop),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_destroy_releases_all),
        cmocka_unit_test(test_no_area),
        cmocka_unit_test(test_area_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
