/* test_digest.c - digest arithmetic against the RFC example vectors
 * (RFC 2617 3.5, RFC 7616 3.9.1, the RFC 2069 form, a SIP example) and the
 * helpers around it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "digest.h"

/* RFC 7616 3.9.1 (password "Circle of Life", lowercase o: erratum 4495). */
#define R7616_REALM "http-auth@example.org"
#define R7616_NONCE "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define R7616_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

static void test_rfc2617_example(void **state)
{
    char ha1[SIP_DIGEST_HEX_MAX], resp[SIP_DIGEST_HEX_MAX];
    (void)state;
    sip_digest_ha1(SIP_DIGEST_MD5, "Mufasa", "testrealm@host.com", "Circle Of Life", ha1);
    assert_string_equal(ha1, "939e7578ed9e3c518a452acee763bce9");
    sip_digest_response(SIP_DIGEST_MD5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                        "00000001", "0a4f113b", "auth", "GET", "/dir/index.html", resp);
    assert_string_equal(resp, "6629fae49393a05397450978507c4ef1");
}

static void test_rfc7616_md5(void **state)
{
    char ha1[SIP_DIGEST_HEX_MAX], resp[SIP_DIGEST_HEX_MAX];
    (void)state;
    sip_digest_ha1(SIP_DIGEST_MD5, "Mufasa", R7616_REALM, "Circle of Life", ha1);
    assert_int_equal(strlen(ha1), 32);
    sip_digest_response(SIP_DIGEST_MD5, ha1, R7616_NONCE, "00000001", R7616_CNONCE, "auth",
                        "GET", "/dir/index.html", resp);
    assert_string_equal(resp, "8ca523f5e9506fed4657c9700eebdbec");
}

static void test_rfc7616_sha256(void **state)
{
    char ha1[SIP_DIGEST_HEX_MAX], resp[SIP_DIGEST_HEX_MAX];
    (void)state;
    sip_digest_ha1(SIP_DIGEST_SHA256, "Mufasa", R7616_REALM, "Circle of Life", ha1);
    assert_string_equal(ha1, "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
    sip_digest_response(SIP_DIGEST_SHA256, ha1, R7616_NONCE, "00000001", R7616_CNONCE, "auth",
                        "GET", "/dir/index.html", resp);
    assert_string_equal(resp, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

/* RFC 2069: no qop, so neither nc nor cnonce enter the hash. */
static void test_rfc2069_form(void **state)
{
    char ha1[SIP_DIGEST_HEX_MAX], a[SIP_DIGEST_HEX_MAX], b[SIP_DIGEST_HEX_MAX];
    (void)state;
    sip_digest_ha1(SIP_DIGEST_MD5, "Mufasa", "testrealm@host.com", "CircleOfLife", ha1);
    sip_digest_response(SIP_DIGEST_MD5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", NULL, NULL,
                        NULL, "GET", "/dir/index.html", a);
    assert_string_equal(a, "1949323746fe6a43ef61f9606e7febea");
    /* qop "" is the same form; nc/cnonce given are ignored. */
    sip_digest_response(SIP_DIGEST_MD5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001",
                        "0a4f113b", "", "GET", "/dir/index.html", b);
    assert_string_equal(b, a);
}

/* A SIP example (draft-smith-sipping-auth-examples 3.2: bob / zanzibar). */
static void test_sip_register_example(void **state)
{
    char ha1[SIP_DIGEST_HEX_MAX], resp[SIP_DIGEST_HEX_MAX];
    (void)state;
    sip_digest_ha1(SIP_DIGEST_MD5, "bob", "biloxi.com", "zanzibar", ha1);
    assert_string_equal(ha1, "12af60467a33e8518da5c68bbff12b11");
    sip_digest_response(SIP_DIGEST_MD5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001",
                        "0a4f113b", "auth", "INVITE", "sip:bob@biloxi.com", resp);
    assert_string_equal(resp, "89eb0059246c02b2f6ee02c7961d5ea3");
}

static void test_uppercase_ha1_hashes_as_lowercase(void **state)
{
    char resp[SIP_DIGEST_HEX_MAX];
    (void)state;
    sip_digest_response(SIP_DIGEST_MD5, "939E7578ED9E3C518A452ACEE763BCE9",
                        "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth",
                        "GET", "/dir/index.html", resp);
    assert_string_equal(resp, "6629fae49393a05397450978507c4ef1");
}

static void test_each_input_matters(void **state)
{
    char base[SIP_DIGEST_HEX_MAX], r[SIP_DIGEST_HEX_MAX];
    const char *ha1 = "939e7578ed9e3c518a452acee763bce9";
    (void)state;
    sip_digest_response(SIP_DIGEST_MD5, ha1, "n", "00000001", "c", "auth", "REGISTER",
                        "sip:example.com", base);
    sip_digest_response(SIP_DIGEST_MD5, ha1, "n", "00000002", "c", "auth", "REGISTER",
                        "sip:example.com", r);
    assert_string_not_equal(r, base);
    sip_digest_response(SIP_DIGEST_MD5, ha1, "n", "00000001", "d", "auth", "REGISTER",
                        "sip:example.com", r);
    assert_string_not_equal(r, base);
    sip_digest_response(SIP_DIGEST_MD5, ha1, "m", "00000001", "c", "auth", "REGISTER",
                        "sip:example.com", r);
    assert_string_not_equal(r, base);
    sip_digest_response(SIP_DIGEST_MD5, ha1, "n", "00000001", "c", "auth", "INVITE",
                        "sip:example.com", r);
    assert_string_not_equal(r, base);
    sip_digest_response(SIP_DIGEST_MD5, ha1, "n", "00000001", "c", "auth", "REGISTER",
                        "sip:example.org", r);
    assert_string_not_equal(r, base);
    sip_digest_response(SIP_DIGEST_SHA256, ha1, "n", "00000001", "c", "auth", "REGISTER",
                        "sip:example.com", r);
    assert_int_equal(strlen(r), 64);
}

static void test_alg_names(void **state)
{
    sip_digest_alg a = SIP_DIGEST_SHA256;
    (void)state;
    assert_string_equal(sip_digest_alg_name(SIP_DIGEST_MD5), "MD5");
    assert_string_equal(sip_digest_alg_name(SIP_DIGEST_SHA256), "SHA-256");
    assert_string_equal(sip_digest_alg_name((sip_digest_alg)7), "?");
    assert_true(sip_digest_alg_parse("md5", &a));
    assert_int_equal(a, SIP_DIGEST_MD5);
    assert_true(sip_digest_alg_parse("sha-256", &a));
    assert_int_equal(a, SIP_DIGEST_SHA256);
    assert_true(sip_digest_alg_parse("MD5", &a));
    assert_int_equal(a, SIP_DIGEST_MD5);
    assert_true(sip_digest_alg_parse("SHA-256", &a));
    assert_int_equal(a, SIP_DIGEST_SHA256);
    a = SIP_DIGEST_MD5;
    assert_false(sip_digest_alg_parse("SHA256", &a));
    assert_false(sip_digest_alg_parse("MD5-sess", &a));
    assert_false(sip_digest_alg_parse("SHA-256-sess", &a));
    assert_false(sip_digest_alg_parse("SHA-512-256", &a));
    assert_false(sip_digest_alg_parse("", &a));
    assert_false(sip_digest_alg_parse(NULL, &a));
    assert_false(sip_digest_alg_parse("MD5", NULL));
    assert_int_equal(a, SIP_DIGEST_MD5);
    assert_int_equal(sip_digest_hex_len(SIP_DIGEST_MD5), 32);
    assert_int_equal(sip_digest_hex_len(SIP_DIGEST_SHA256), 64);
}

static void test_equal(void **state)
{
    char a[] = "6629fae49393a05397450978507c4ef1";
    char b[sizeof a];
    (void)state;
    assert_true(sip_digest_equal(a, "6629fae49393a05397450978507c4ef1"));
    assert_true(sip_digest_equal(a, "6629FAE49393A05397450978507C4EF1"));
    assert_true(sip_digest_equal("", ""));
    assert_false(sip_digest_equal(a, "6629fae49393a05397450978507c4ef"));
    assert_false(sip_digest_equal(a, "6629fae49393a05397450978507c4ef10"));
    assert_false(sip_digest_equal(a, ""));
    assert_false(sip_digest_equal(NULL, a));
    assert_false(sip_digest_equal(a, NULL));
    assert_false(sip_digest_equal(NULL, NULL));
    /* One changed character anywhere is seen. */
    for (size_t i = 0; i < sizeof a - 1; i++) {
        memcpy(b, a, sizeof a);
        b[i] = b[i] == '0' ? '1' : '0';
        assert_false(sip_digest_equal(a, b));
    }
    /* Case folding is for letters only: '@' (0x40) is not '`' (0x60). */
    assert_false(sip_digest_equal("@", "`"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc2617_example),
        cmocka_unit_test(test_rfc7616_md5),
        cmocka_unit_test(test_rfc7616_sha256),
        cmocka_unit_test(test_rfc2069_form),
        cmocka_unit_test(test_sip_register_example),
        cmocka_unit_test(test_uppercase_ha1_hashes_as_lowercase),
        cmocka_unit_test(test_each_input_matters),
        cmocka_unit_test(test_alg_names),
        cmocka_unit_test(test_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
