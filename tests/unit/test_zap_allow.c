/*
 * test_zap_allow.c - the allow-list of CURVE client keys
 * (dbd/zap_allow.c): what a good file gives, and that every kind of error
 * names the file and line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "zap_allow.h"

typedef struct fixture {
    char dir[256];
    char path[320];
    char pub[3][41]; /* three real public keys */
    char err[512];
    dbd_allow_list l;
} fixture;

static int setup(void **state)
{
    fixture *t = calloc(1, sizeof *t);
    const char *tmp = getenv("TMPDIR");
    char sec[41];

    if (t == NULL)
        return -1;
    snprintf(t->dir, sizeof t->dir, "%s/test_zap_allow.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : P_tmpdir);
    if (mkdtemp(t->dir) == NULL) {
        free(t);
        return -1;
    }
    snprintf(t->path, sizeof t->path, "%s/clients", t->dir);
    for (int i = 0; i < 3; i++)
        if (zmq_curve_keypair(t->pub[i], sec) != 0) {
            rmdir(t->dir);
            free(t);
            return -1;
        }
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    fixture *t = *state;

    dbd_allow_list_free(&t->l);
    unlink(t->path);
    rmdir(t->dir);
    free(t);
    return 0;
}

/* Writes text (a printf format over the keys) and loads it. */
static int load(fixture *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int load(fixture *t, const char *fmt, ...)
{
    FILE *f = fopen(t->path, "w");
    va_list ap;

    assert_non_null(f);
    va_start(ap, fmt);
    assert_true(vfprintf(f, fmt, ap) >= 0);
    va_end(ap);
    assert_int_equal(fclose(f), 0);
    dbd_allow_list_free(&t->l);
    t->err[0] = '\0';
    return dbd_allow_list_load(t->path, &t->l, t->err, sizeof t->err);
}

/* err is "PATH:" followed by tail. */
static void err_is(const fixture *t, const char *tail)
{
    char want[1024];
    snprintf(want, sizeof want, "%s:%s", t->path, tail);
    assert_string_equal(t->err, want);
}

static void good_file(void **state)
{
    fixture *t = *state;
    unsigned char key[DBD_ALLOW_KEY_BYTES];

    assert_int_equal(load(t, "# who may connect\n\n  alice %s\n"
                          "bob.w-1_x\t%s  \r\n   # indented comment\n",
                          t->pub[0], t->pub[1]),
                     0);
    assert_int_equal(t->l.n, 2);
    assert_string_equal(t->l.v[0].name, "alice");
    assert_string_equal(t->l.v[1].name, "bob.w-1_x");
    assert_non_null(zmq_z85_decode(key, t->pub[1]));
    assert_string_equal(dbd_allow_list_find(&t->l, key), "bob.w-1_x");
    assert_non_null(zmq_z85_decode(key, t->pub[2]));
    assert_null(dbd_allow_list_find(&t->l, key));
}

static void empty_file(void **state)
{
    fixture *t = *state;
    assert_int_equal(load(t, "# nobody\n"), 0);
    assert_int_equal(t->l.n, 0);
}

static void errors(void **state)
{
    fixture *t = *state;
    const char *p0 = t->pub[0], *p1 = t->pub[1];

    assert_int_equal(load(t, "alice\n"), -1);
    err_is(t, "1: expected \"NAME KEY\" (a name and a 40-character Z85 "
              "public key)");
    assert_null(t->l.v);
    assert_int_equal(load(t, "# c\nalice %s extra\n", p0), -1);
    err_is(t, "2: expected \"NAME KEY\" (a name and a 40-character Z85 "
              "public key)");
    assert_int_equal(load(t, "al/ice %s\n", p0), -1);
    err_is(t, "1: bad name \"al/ice\": 1 to 64 of A-Z a-z 0-9 _ . -");
    assert_int_equal(load(t, "alice %.39s\n", p0), -1);
    err_is(t, "1: bad key for \"alice\": not a 40-character Z85 public key");
    assert_int_equal(load(t, "alice %.39s~\n", p0), -1);
    err_is(t, "1: bad key for \"alice\": not a 40-character Z85 public key");
    assert_int_equal(load(t, "alice %s\nalice %s\n", p0, p1), -1);
    err_is(t, "2: duplicate name \"alice\"");
    assert_int_equal(load(t, "alice %s\n\nbob %s\n", p0, p0), -1);
    err_is(t, "3: duplicate key: \"bob\" has the key of \"alice\"");
    assert_null(t->l.v);
    assert_int_equal(t->l.n, 0);
}

static void unreadable(void **state)
{
    fixture *t = *state;
    char path[400], want[512];

    snprintf(path, sizeof path, "%s/none", t->dir);
    assert_int_equal(dbd_allow_list_load(path, &t->l, t->err, sizeof t->err),
                     -1);
    snprintf(want, sizeof want, "%s: No such file or directory", path);
    assert_string_equal(t->err, want);
    /* A directory opens but cannot be read. */
    assert_int_equal(dbd_allow_list_load(t->dir, &t->l, t->err,
                                         sizeof t->err),
                     -1);
    snprintf(want, sizeof want, "%s: Is a directory", t->dir);
    assert_string_equal(t->err, want);
    assert_int_equal(t->l.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(good_file, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(errors, setup, teardown),
        cmocka_unit_test_setup_teardown(unreadable, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
