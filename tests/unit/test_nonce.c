/* test_nonce.c - stateless nonces: format, a known answer, validity,
 * staleness, and refusal of anything tampered, foreign or malformed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nonce.h"

#define NOW 1700000000
#define LIFE 300
#define SRC "192.0.2.10"

static void key(sip_nonce_key *k, const char *secret)
{
    assert_int_equal(sip_nonce_key_init(k, secret), 0);
}

static void test_key_init(void **state)
{
    sip_nonce_key k;
    /* SHA-256("abc"), FIPS 180-2 appendix B.1. */
    static const uint8_t abc[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    };
    (void)state;
    assert_int_equal(sip_nonce_key_init(&k, NULL), -1);
    assert_int_equal(sip_nonce_key_init(&k, ""), -1);
    assert_int_equal(sip_nonce_key_init(NULL, "abc"), -1);
    assert_int_equal(sip_nonce_key_init(&k, "abc"), 0);
    assert_memory_equal(k.bytes, abc, sizeof abc);
}

static void test_format_and_known_answer(void **state)
{
    sip_nonce_key k;
    char n[SIP_NONCE_LEN + 1];
    (void)state;
    key(&k, "abc");
    memset(n, 'x', sizeof n);
    sip_nonce_make(&k, 0x0102030405060708LL, SRC, n);
    assert_int_equal(strlen(n), SIP_NONCE_LEN);
    /* HMAC-SHA256(SHA-256("abc"), 01..08 || "192.0.2.10"), first 16 bytes,
     * computed independently of nettle. */
    assert_string_equal(n, "0102030405060708" "5785d83046f8d57caf833bdfa9c4e013");
    sip_nonce_make(&k, NOW, SRC, n);
    assert_memory_equal(n, "000000006553f100", 16);
}

static void test_same_inputs_same_nonce(void **state)
{
    sip_nonce_key k;
    char a[SIP_NONCE_LEN + 1], b[SIP_NONCE_LEN + 1];
    (void)state;
    key(&k, "secret");
    sip_nonce_make(&k, NOW, SRC, a);
    sip_nonce_make(&k, NOW, SRC, b);
    assert_string_equal(a, b);
    sip_nonce_make(&k, NOW, "192.0.2.11", b);
    assert_string_not_equal(a, b);
    assert_memory_equal(a, b, 16);  /* same time, different MAC */
    sip_nonce_make(&k, NOW + 1, SRC, b);
    assert_string_not_equal(a, b);
    /* NULL source is the empty source. */
    sip_nonce_make(&k, NOW, NULL, a);
    sip_nonce_make(&k, NOW, "", b);
    assert_string_equal(a, b);
}

static void test_valid_then_stale(void **state)
{
    sip_nonce_key k;
    char n[SIP_NONCE_LEN + 1];
    (void)state;
    key(&k, "secret");
    sip_nonce_make(&k, NOW, SRC, n);
    assert_int_equal(sip_nonce_check(&k, n, NOW, LIFE, SRC), SIP_NONCE_VALID);
    assert_int_equal(sip_nonce_check(&k, n, NOW + 1, LIFE, SRC), SIP_NONCE_VALID);
    assert_int_equal(sip_nonce_check(&k, n, NOW + LIFE, LIFE, SRC), SIP_NONCE_VALID);
    assert_int_equal(sip_nonce_check(&k, n, NOW + LIFE + 1, LIFE, SRC), SIP_NONCE_STALE);
    assert_int_equal(sip_nonce_check(&k, n, NOW + 100000, LIFE, SRC), SIP_NONCE_STALE);
    assert_int_equal(sip_nonce_check(&k, n, NOW + 1, 0, SRC), SIP_NONCE_STALE);
    assert_int_equal(sip_nonce_check(&k, n, INT64_MAX, LIFE, SRC), SIP_NONCE_STALE);
}

static void test_future_is_invalid(void **state)
{
    sip_nonce_key k;
    char n[SIP_NONCE_LEN + 1];
    (void)state;
    key(&k, "secret");
    sip_nonce_make(&k, NOW, SRC, n);
    /* A little clock skew between workers is fine, more is not. */
    assert_int_equal(sip_nonce_check(&k, n, NOW - SIP_NONCE_FUTURE_SLACK_S, LIFE, SRC),
                     SIP_NONCE_VALID);
    assert_int_equal(sip_nonce_check(&k, n, NOW - SIP_NONCE_FUTURE_SLACK_S - 1, LIFE, SRC),
                     SIP_NONCE_INVALID);
    assert_int_equal(sip_nonce_check(&k, n, INT64_MIN, LIFE, SRC), SIP_NONCE_INVALID);
    /* A time with the top bit set never comes from a sane clock. */
    sip_nonce_make(&k, -1, SRC, n);
    assert_memory_equal(n, "ffffffffffffffff", 16);
    assert_int_equal(sip_nonce_check(&k, n, NOW, LIFE, SRC), SIP_NONCE_INVALID);
}

static void test_tampered_at_each_position(void **state)
{
    sip_nonce_key k;
    char n[SIP_NONCE_LEN + 1], t[SIP_NONCE_LEN + 1];
    (void)state;
    key(&k, "secret");
    sip_nonce_make(&k, NOW, SRC, n);
    for (size_t i = 0; i < SIP_NONCE_LEN; i++) {
        memcpy(t, n, sizeof n);
        t[i] = t[i] == '0' ? '1' : '0';
        assert_int_equal(sip_nonce_check(&k, t, NOW, LIFE, SRC), SIP_NONCE_INVALID);
    }
    /* Moving the issue time forward (to extend the lifetime) is tampering too. */
    memcpy(t, n, sizeof n);
    memcpy(t, "000000006553f1ff", 16);
    assert_int_equal(sip_nonce_check(&k, t, NOW + LIFE + 1, LIFE, SRC), SIP_NONCE_INVALID);
}

static void test_wrong_source_or_key(void **state)
{
    sip_nonce_key k, other;
    char n[SIP_NONCE_LEN + 1];
    (void)state;
    key(&k, "secret");
    key(&other, "secreT");
    sip_nonce_make(&k, NOW, SRC, n);
    assert_int_equal(sip_nonce_check(&k, n, NOW, LIFE, "192.0.2.11"), SIP_NONCE_INVALID);
    assert_int_equal(sip_nonce_check(&k, n, NOW, LIFE, "192.0.2.1"), SIP_NONCE_INVALID);
    assert_int_equal(sip_nonce_check(&k, n, NOW, LIFE, ""), SIP_NONCE_INVALID);
    assert_int_equal(sip_nonce_check(&k, n, NOW, LIFE, NULL), SIP_NONCE_INVALID);
    assert_int_equal(sip_nonce_check(&other, n, NOW, LIFE, SRC), SIP_NONCE_INVALID);
    assert_int_equal(sip_nonce_check(NULL, n, NOW, LIFE, SRC), SIP_NONCE_INVALID);
    /* Stale with a wrong MAC is invalid, not stale. */
    assert_int_equal(sip_nonce_check(&other, n, NOW + LIFE + 1, LIFE, SRC), SIP_NONCE_INVALID);
}

static void test_malformed(void **state)
{
    sip_nonce_key k;
    char n[SIP_NONCE_LEN + 1], t[SIP_NONCE_LEN + 2];
    (void)state;
    key(&k, "secret");
    sip_nonce_make(&k, NOW, SRC, n);
    assert_int_equal(sip_nonce_check(&k, NULL, NOW, LIFE, SRC), SIP_NONCE_INVALID);
    assert_int_equal(sip_nonce_check(&k, "", NOW, LIFE, SRC), SIP_NONCE_INVALID);
    /* One char short, one char too many. */
    memcpy(t, n, SIP_NONCE_LEN - 1);
    t[SIP_NONCE_LEN - 1] = '\0';
    assert_int_equal(sip_nonce_check(&k, t, NOW, LIFE, SRC), SIP_NONCE_INVALID);
    memcpy(t, n, SIP_NONCE_LEN);
    t[SIP_NONCE_LEN] = '0';
    t[SIP_NONCE_LEN + 1] = '\0';
    assert_int_equal(sip_nonce_check(&k, t, NOW, LIFE, SRC), SIP_NONCE_INVALID);
    /* Non-hex characters, and the uppercase spelling of a valid nonce. */
    static const char bad[] = { 'g', 'G', ' ', '-', 'x', 'z', ':', '\x80' };
    for (size_t i = 0; i < sizeof bad; i++) {
        memcpy(t, n, sizeof n);
        t[7] = bad[i];
        assert_int_equal(sip_nonce_check(&k, t, NOW, LIFE, SRC), SIP_NONCE_INVALID);
        memcpy(t, n, sizeof n);
        t[40] = bad[i];
        assert_int_equal(sip_nonce_check(&k, t, NOW, LIFE, SRC), SIP_NONCE_INVALID);
    }
    memcpy(t, n, sizeof n);
    for (size_t i = 0; i < SIP_NONCE_LEN; i++)
        if (t[i] >= 'a' && t[i] <= 'f')
            t[i] = (char)(t[i] - 'a' + 'A');
    assert_string_not_equal(t, n);
    assert_int_equal(sip_nonce_check(&k, t, NOW, LIFE, SRC), SIP_NONCE_INVALID);
    /* Still fine after all that. */
    assert_int_equal(sip_nonce_check(&k, n, NOW, LIFE, SRC), SIP_NONCE_VALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_init),
        cmocka_unit_test(test_format_and_known_answer),
        cmocka_unit_test(test_same_inputs_same_nonce),
        cmocka_unit_test(test_valid_then_stale),
        cmocka_unit_test(test_future_is_invalid),
        cmocka_unit_test(test_tampered_at_each_position),
        cmocka_unit_test(test_wrong_source_or_key),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
