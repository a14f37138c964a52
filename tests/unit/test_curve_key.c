/*
 * test_curve_key.c - the CURVE key file parser and the Z85 and key-name
 * checks (proto/curve_key.c).  Z85 validity is compared with ZeroMQ's own
 * decoder, which is the reference the parser promises to match.
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

#include "curve_key.h"

/* Two real keys (from zmq_curve_keypair()). */
#define PUB1 "iP4a>kp7^mV5%:Hn993^5n#RUF&uAr)tZoNe<ve&"
#define SEC1 "QN^}[yWTkIo8V/W7tuel[Xh[9Zd0Z+LW#jWfTWO0"

typedef struct tmpdir {
    char dir[256];
    char path[320];
} tmpdir;

static int setup(void **state)
{
    tmpdir *t = calloc(1, sizeof *t);
    const char *tmp = getenv("TMPDIR");

    if (t == NULL)
        return -1;
    snprintf(t->dir, sizeof t->dir, "%s/test_curve_key.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : P_tmpdir);
    if (mkdtemp(t->dir) == NULL) {
        free(t);
        return -1;
    }
    snprintf(t->path, sizeof t->path, "%s/k", t->dir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    tmpdir *t = *state;

    unlink(t->path);
    rmdir(t->dir);
    free(t);
    return 0;
}

static void write_file(const tmpdir *t, const char *text)
{
    FILE *f = fopen(t->path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Loads t->path; on failure checks that err is "PATH" + want_suffix. */
static int load(const tmpdir *t, bool want_secret, char *pub, char *sec,
                const char *want_err_suffix)
{
    char err[512], want[600];
    int rc = dbd_curve_key_load(t->path, pub, want_secret ? sec : NULL, err,
                                sizeof err);

    if (want_err_suffix != NULL) {
        snprintf(want, sizeof want, "%s%s", t->path, want_err_suffix);
        if (rc != -1)
            fail_msg("loaded, want error \"%s\"", want);
        assert_string_equal(err, want);
        assert_string_equal(pub, "");
        if (want_secret)
            assert_string_equal(sec, "");
    } else if (rc != 0) {
        fail_msg("got error \"%s\"", err);
    }
    return rc;
}

static void test_good_key(void **state)
{
    tmpdir *t = *state;
    char pub[41], sec[41];

    write_file(t, "# dbd CURVE key pair \"a\": keep this file secret\n"
                  "public = " PUB1 "\n"
                  "secret = " SEC1 "\n");
    load(t, true, pub, sec, NULL);
    assert_string_equal(pub, PUB1);
    assert_string_equal(sec, SEC1);
    /* Where only the public key is wanted a pair file does too. */
    load(t, false, pub, sec, NULL);
    assert_string_equal(pub, PUB1);
}

static void test_good_pub(void **state)
{
    tmpdir *t = *state;
    char pub[41], sec[41];

    write_file(t, "# dbd CURVE public key \"a\"\npublic = " PUB1 "\n");
    load(t, false, pub, sec, NULL);
    assert_string_equal(pub, PUB1);
}

static void test_pub_where_secret_needed(void **state)
{
    tmpdir *t = *state;
    char pub[41] = "x", sec[41] = "x";

    write_file(t, "public = " PUB1 "\n");
    load(t, true, pub, sec,
         ": no \"secret\" key (a public-key file where the key pair "
         "NAME.key is needed?)");
}

static void test_comments_blank_spacing(void **state)
{
    tmpdir *t = *state;
    char pub[41], sec[41];

    /* Blank lines, indented comments, tabs, no spaces around '=', CRLF and
     * no final newline are all fine. */
    write_file(t, "\n  # comment\n\t\nsecret=" SEC1 "\r\n"
                  "\t public \t=\t " PUB1 " ");
    load(t, true, pub, sec, NULL);
    assert_string_equal(pub, PUB1);
    assert_string_equal(sec, SEC1);
}

typedef struct bad_case {
    const char *text;
    const char *err; /* after the path */
} bad_case;

static const bad_case bad_cases[] = {
    {"public = " PUB1 "x\n",
     ":1: the public key must be 40 characters of Z85, not 41"},
    {"public = \n", ":1: the public key must be 40 characters of Z85, not 0"},
    {"# c\npublic = " PUB1 "\nsecret = QN^}[\n",
     ":3: the secret key must be 40 characters of Z85, not 5"},
    /* '"' and ',' are not in the Z85 alphabet. */
    {"public = iP4a>kp7^mV5%:Hn993^5n#RUF&uAr)tZoNe<ve\"\n",
     ":1: the public key is not valid Z85"},
    {"public = " PUB1 "\nsecret = QN^}[yWTkIo8V/W7tuel[Xh[9Zd0Z+LW#jWfTWO,\n",
     ":2: the secret key is not valid Z85"},
    /* All characters valid, but "%%%%%" exceeds 32 bits. */
    {"public = %%%%%kp7^mV5%:Hn993^5n#RUF&uAr)tZoNe<ve&\n",
     ":1: the public key is not valid Z85"},
    {"publik = " PUB1 "\n",
     ":1: unknown key \"publik\" (only \"public\" and \"secret\")"},
    {"public " PUB1 "\n",
     ":1: expected \"public = KEY\" or \"secret = KEY\""},
    {"public = " PUB1 "\npublic = " PUB1 "\n", ":2: duplicate \"public\""},
    {"secret = " SEC1 "\n\nsecret = " SEC1 "\npublic = " PUB1 "\n",
     ":3: duplicate \"secret\""},
    {"secret = " SEC1 "\n", ": no \"public\" key"},
    {"", ": no \"public\" key"},
    {"# only a comment\n", ": no \"public\" key"},
};

static void test_bad_files(void **state)
{
    tmpdir *t = *state;

    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char pub[41] = "x", sec[41] = "x", err[512], want[600];
        int rc;

        write_file(t, bad_cases[i].text);
        rc = dbd_curve_key_load(t->path, pub, sec, err, sizeof err);
        snprintf(want, sizeof want, "%s%s", t->path, bad_cases[i].err);
        if (rc != -1 || strcmp(err, want) != 0 || pub[0] != '\0' ||
            sec[0] != '\0')
            fail_msg("case %zu: got %d \"%s\", want -1 \"%s\"", i, rc,
                     rc == 0 ? "" : err, want);
    }
}

static void test_long_line(void **state)
{
    tmpdir *t = *state;
    char text[400], pub[41] = "x", sec[41] = "x";

    memset(text, 'a', sizeof text - 2);
    text[sizeof text - 2] = '\n';
    text[sizeof text - 1] = '\0';
    write_file(t, text);
    load(t, false, pub, sec, ":1: line too long");
}

static void test_missing_file(void **state)
{
    tmpdir *t = *state;
    char pub[41] = "x", sec[41] = "x";

    unlink(t->path);
    load(t, true, pub, sec, ": cannot open: No such file or directory");
}

static void test_z85_valid(void **state)
{
    (void)state;
    assert_true(dbd_curve_z85_valid(PUB1));
    assert_true(dbd_curve_z85_valid(SEC1));
    assert_false(dbd_curve_z85_valid(NULL));
    assert_false(dbd_curve_z85_valid(""));
    assert_false(dbd_curve_z85_valid(PUB1 "a"));
    assert_false(dbd_curve_z85_valid(PUB1 + 1));
    /* 85^5 - 1 > 2^32 - 1: the largest valid group is "%nSc0". */
    assert_true(dbd_curve_z85_valid("%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0"));
    assert_false(dbd_curve_z85_valid("%nSc1%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0"));
    assert_false(dbd_curve_z85_valid("%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0%nSc1"));
}

/* Agreement with zmq_z85_decode() on real keys and on single-character
 * changes of one, every character 1..255 at every position. */
static void test_z85_matches_zeromq(void **state)
{
    char pub[41], sec[41], s[41];
    uint8_t raw[32];

    (void)state;
    if (!zmq_has("curve"))
        skip();
    for (int k = 0; k < 20; k++) {
        assert_int_equal(zmq_curve_keypair(pub, sec), 0);
        assert_true(dbd_curve_z85_valid(pub));
        assert_true(dbd_curve_z85_valid(sec));
    }
    for (size_t pos = 0; pos < 40; pos += 3) {
        for (int ch = 1; ch < 256; ch++) {
            bool ours, theirs;

            memcpy(s, pub, sizeof s);
            s[pos] = (char)ch;
            ours = dbd_curve_z85_valid(s);
            theirs = zmq_z85_decode(raw, s) != NULL;
            if (ours != theirs)
                fail_msg("\"%s\": got %d, zmq_z85_decode says %d", s, ours,
                         theirs);
        }
    }
    /* The boundary group, in every position. */
    for (size_t g = 0; g < 40; g += 5) {
        memcpy(s, "%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0%nSc0", sizeof s);
        assert_non_null(zmq_z85_decode(raw, s));
        memcpy(s + g, "%nSc1", 5);
        assert_null(zmq_z85_decode(raw, s));
        assert_false(dbd_curve_z85_valid(s));
    }
}

static void test_name_valid(void **state)
{
    char n64[66];

    (void)state;
    assert_true(dbd_curve_name_valid("a"));
    assert_true(dbd_curve_name_valid("sipproxy-1.example_A"));
    assert_true(dbd_curve_name_valid("-"));
    assert_false(dbd_curve_name_valid(NULL));
    assert_false(dbd_curve_name_valid(""));
    assert_false(dbd_curve_name_valid("a b"));
    assert_false(dbd_curve_name_valid("a/b"));
    assert_false(dbd_curve_name_valid("a\n"));
    assert_false(dbd_curve_name_valid("\xc3\xa9"));
    memset(n64, 'x', 64);
    n64[64] = '\0';
    assert_true(dbd_curve_name_valid(n64));
    n64[64] = 'x';
    n64[65] = '\0';
    assert_false(dbd_curve_name_valid(n64));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_good_pub, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pub_where_secret_needed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_comments_blank_spacing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test(test_z85_valid),
        cmocka_unit_test(test_z85_matches_zeromq),
        cmocka_unit_test(test_name_valid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
