/* test_auth.c - digest authentication: credentials parsed from real
 * Authorization headers through libosip2, challenge text, verdicts, and
 * the choice of HA1 from a subscriber row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>

#include "auth.h"

#define NOW 1700000000
#define LIFE 300
#define SRC "192.0.2.10"
#define REALM "example.com"

/* Parses the value of an Authorization header with libosip2, then ours. */
static int parse_value(const char *value, sip_credentials *c, char *err, size_t errlen)
{
    osip_authorization_t *h = NULL;
    int rc;

    assert_int_equal(osip_authorization_init(&h), 0);
    if (osip_authorization_parse(h, value) != 0) {
        osip_authorization_free(h);
        snprintf(err, errlen, "osip refused it");
        memset(c, 0, sizeof *c);
        return -2;
    }
    rc = sip_credentials_parse(h, c, err, errlen);
    osip_authorization_free(h);
    return rc;
}

/* Expects parse_value() to fail with exactly want as the message. */
static void expect_refused(const char *value, const char *want)
{
    sip_credentials c;
    char err[128] = "";

    assert_int_equal(parse_value(value, &c, err, sizeof err), -1);
    assert_string_equal(err, want);
    assert_null(c.username);
    assert_null(c.realm);
    sip_credentials_free(&c);
}

static void test_parse_rfc7616_sha256_header(void **state)
{
    sip_credentials c;
    char err[128] = "";
    (void)state;
    assert_int_equal(parse_value("Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
                                 "uri=\"/dir/index.html\", algorithm=SHA-256, "
                                 "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                                 "nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", "
                                 "qop=auth, response=\"753927fa0e85d155564e2e272a28d1802ca10daf"
                                 "4496794697cf8db5856cb6c1\", "
                                 "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
                                 &c, err, sizeof err),
                     0);
    assert_string_equal(c.username, "Mufasa");
    assert_string_equal(c.realm, "http-auth@example.org");
    assert_string_equal(c.uri, "/dir/index.html");
    assert_string_equal(c.algorithm, "SHA-256");
    assert_int_equal(c.alg, SIP_DIGEST_SHA256);
    assert_string_equal(c.nonce, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
    assert_string_equal(c.nc, "00000001");
    assert_string_equal(c.cnonce, "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
    assert_string_equal(c.qop, "auth");
    assert_string_equal(c.response,
                        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
    assert_string_equal(c.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");

    /* The RFC's own answer checks out against the parsed fields. */
    char ha1[SIP_DIGEST_HEX_MAX], resp[SIP_DIGEST_HEX_MAX];
    sip_digest_ha1(c.alg, c.username, c.realm, "Circle of Life", ha1);
    sip_digest_response(c.alg, ha1, c.nonce, c.nc, c.cnonce, c.qop, "GET", c.uri, resp);
    assert_true(sip_digest_equal(resp, c.response));
    sip_credentials_free(&c);
    assert_null(c.username);
    sip_credentials_free(&c);  /* twice is harmless */
}

static void test_parse_minimal_rfc2069_and_escapes(void **state)
{
    sip_credentials c;
    char err[128] = "";
    (void)state;
    assert_int_equal(parse_value("Digest username=\"a\\\"l\\\\ice\", realm=\"example.com\", "
                                 "nonce=\"abc\", uri=\"sip:example.com\", "
                                 "response=\"0123456789abcdef0123456789abcdef\"",
                                 &c, err, sizeof err),
                     0);
    assert_string_equal(c.username, "a\"l\\ice");
    assert_null(c.algorithm);
    assert_int_equal(c.alg, SIP_DIGEST_MD5);
    assert_null(c.qop);
    assert_null(c.nc);
    assert_null(c.cnonce);
    assert_null(c.opaque);
    sip_credentials_free(&c);

    /* Lowercase scheme and algorithm, quoted qop (some phones do that). */
    assert_int_equal(parse_value("digest username=\"bob\", realm=\"example.com\", nonce=\"n\", "
                                 "uri=\"sip:example.com\", response=\"r\", algorithm=md5, "
                                 "qop=\"auth\", nc=0000000a, cnonce=\"c\"",
                                 &c, err, sizeof err),
                     0);
    assert_int_equal(c.alg, SIP_DIGEST_MD5);
    assert_string_equal(c.algorithm, "md5");
    assert_string_equal(c.qop, "auth");
    assert_string_equal(c.nc, "0000000a");
    sip_credentials_free(&c);
}

static void test_parse_full_register(void **state)
{
    static const char msg_text[] =
        "REGISTER sip:example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\n"
        "Max-Forwards: 70\r\n"
        "To: <sip:alice@example.com>\r\n"
        "From: <sip:alice@example.com>;tag=456248\r\n"
        "Call-ID: 843817637684230@998sdasdh09\r\n"
        "CSeq: 2 REGISTER\r\n"
        "Contact: <sip:alice@192.0.2.10:5060>\r\n"
        "Authorization: Digest username=\"alice\",realm=\"example.com\","
        "nonce=\"000000006553f100aabbccddeeff00112233445566778899\","
        "uri=\"sip:example.com\",response=\"6629fae49393a05397450978507c4ef1\","
        "algorithm=MD5,cnonce=\"0a4f113b\",qop=auth,nc=00000001\r\n"
        "Expires: 3600\r\n"
        "Content-Length: 0\r\n"
        "\r\n";
    static const char invite_text[] =
        "INVITE sip:bob@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnashds8\r\n"
        "Max-Forwards: 70\r\n"
        "To: <sip:bob@example.com>\r\n"
        "From: <sip:alice@example.com>;tag=1928301774\r\n"
        "Call-ID: a84b4c76e66710\r\n"
        "CSeq: 2 INVITE\r\n"
        "Contact: <sip:alice@192.0.2.10:5060>\r\n"
        "Proxy-Authorization: Digest username=\"alice\", realm=\"example.com\", "
        "nonce=\"n1\", uri=\"sip:bob@example.com\", algorithm=SHA-256, "
        "response=\"aa\"\r\n"
        "Content-Length: 0\r\n"
        "\r\n";
    osip_message_t *msg = NULL;
    osip_authorization_t *h = NULL;
    osip_proxy_authorization_t *ph = NULL;
    sip_credentials c;
    char err[128] = "";
    (void)state;

    assert_int_equal(osip_message_init(&msg), 0);
    assert_int_equal(osip_message_parse(msg, msg_text, strlen(msg_text)), 0);
    assert_int_equal(osip_message_get_authorization(msg, 0, &h), 0);
    assert_non_null(h);
    assert_int_equal(sip_credentials_parse(h, &c, err, sizeof err), 0);
    assert_string_equal(c.username, "alice");
    assert_string_equal(c.realm, "example.com");
    assert_string_equal(c.nonce, "000000006553f100aabbccddeeff00112233445566778899");
    assert_string_equal(c.uri, "sip:example.com");
    assert_string_equal(c.response, "6629fae49393a05397450978507c4ef1");
    assert_string_equal(c.cnonce, "0a4f113b");
    assert_string_equal(c.qop, "auth");
    assert_string_equal(c.nc, "00000001");
    assert_int_equal(c.alg, SIP_DIGEST_MD5);
    sip_credentials_free(&c);
    osip_message_free(msg);

    msg = NULL;
    assert_int_equal(osip_message_init(&msg), 0);
    assert_int_equal(osip_message_parse(msg, invite_text, strlen(invite_text)), 0);
    assert_int_equal(osip_message_get_proxy_authorization(msg, 0, &ph), 0);
    assert_non_null(ph);
    assert_int_equal(sip_credentials_parse(ph, &c, err, sizeof err), 0);
    assert_string_equal(c.uri, "sip:bob@example.com");
    assert_int_equal(c.alg, SIP_DIGEST_SHA256);
    sip_credentials_free(&c);
    osip_message_free(msg);
}

#define F_USER "username=\"alice\""
#define F_REALM "realm=\"example.com\""
#define F_NONCE "nonce=\"n\""
#define F_URI "uri=\"sip:example.com\""
#define F_RESP "response=\"0123456789abcdef0123456789abcdef\""

static void test_parse_missing_fields(void **state)
{
    (void)state;
    expect_refused("Digest " F_REALM ", " F_NONCE ", " F_URI ", " F_RESP,
                   "authorization field username is missing");
    expect_refused("Digest " F_USER ", " F_NONCE ", " F_URI ", " F_RESP,
                   "authorization field realm is missing");
    expect_refused("Digest " F_USER ", " F_REALM ", " F_URI ", " F_RESP,
                   "authorization field nonce is missing");
    expect_refused("Digest " F_USER ", " F_REALM ", " F_NONCE ", " F_RESP,
                   "authorization field uri is missing");
    expect_refused("Digest " F_USER ", " F_REALM ", " F_NONCE ", " F_URI,
                   "authorization field response is missing");
    expect_refused("Digest username=\"\", " F_REALM ", " F_NONCE ", " F_URI ", " F_RESP,
                   "authorization field username is missing");
}

static void test_parse_refusals(void **state)
{
    sip_credentials c;
    char err[16], msg[128];
    (void)state;
    expect_refused("Digest " F_USER ", " F_REALM ", " F_NONCE ", " F_URI ", " F_RESP
                   ", algorithm=MD5-sess",
                   "unsupported digest algorithm MD5-sess");
    expect_refused("Digest " F_USER ", " F_REALM ", " F_NONCE ", " F_URI ", " F_RESP
                   ", algorithm=SHA-512-256",
                   "unsupported digest algorithm SHA-512-256");
    expect_refused("Digest " F_USER ", " F_REALM ", " F_NONCE ", " F_URI ", " F_RESP
                   ", qop=auth, cnonce=\"c\"",
                   "qop=auth without nc");
    expect_refused("Digest " F_USER ", " F_REALM ", " F_NONCE ", " F_URI ", " F_RESP
                   ", qop=auth, nc=00000001",
                   "qop=auth without cnonce");
    expect_refused("Digest " F_USER ", " F_REALM ", " F_NONCE ", " F_URI ", " F_RESP
                   ", qop=auth-int, nc=00000001, cnonce=\"c\"",
                   "unsupported qop auth-int (only auth is offered)");
    expect_refused("Digest " F_USER ", " F_REALM ", " F_NONCE ", " F_URI ", " F_RESP
                   ", qop=auth, nc=1, cnonce=\"c\"",
                   "nc 1 is not 8 hex digits");
    expect_refused("Digest " F_USER ", " F_REALM ", " F_NONCE ", " F_URI ", " F_RESP
                   ", qop=auth, nc=0000000g, cnonce=\"c\"",
                   "nc 0000000g is not 8 hex digits");

    /* libosip2 itself refuses a Basic value; a header object with another
     * scheme (set by hand) is refused by us. */
    assert_int_equal(parse_value("Basic dXNlcjpwYXNz", &c, err, sizeof err), -2);
    osip_authorization_t h;
    memset(&h, 0, sizeof h);
    h.auth_type = "NTLM";
    h.username = "\"alice\"";
    assert_int_equal(sip_credentials_parse(&h, &c, msg, sizeof msg), -1);
    assert_string_equal(msg, "authorization scheme NTLM is not Digest");
    h.auth_type = NULL;
    assert_int_equal(sip_credentials_parse(&h, &c, msg, sizeof msg), -1);
    assert_string_equal(msg, "authorization scheme (none) is not Digest");

    /* A NULL header, a short error buffer, no error buffer. */
    assert_int_equal(sip_credentials_parse(NULL, &c, err, sizeof err), -1);
    assert_string_equal(err, "no Authorizatio");
    assert_int_equal(sip_credentials_parse(NULL, &c, NULL, 0), -1);
    assert_int_equal(sip_credentials_parse(NULL, NULL, NULL, 0), -1);
}

/* A header built by hand, as a broken client could send it: osip keeps the
 * opening quote of an unterminated value. */
static void test_parse_unterminated_quote(void **state)
{
    osip_authorization_t h;
    sip_credentials c;
    char err[128] = "";
    (void)state;
    memset(&h, 0, sizeof h);
    h.auth_type = "Digest";
    h.username = "\"alice";
    h.realm = "\"example.com\"";
    h.nonce = "\"n\"";
    h.uri = "\"sip:example.com\"";
    h.response = "\"r\"";
    assert_int_equal(sip_credentials_parse(&h, &c, err, sizeof err), -1);
    assert_string_equal(err, "authorization field username: malformed quoted string");
    h.username = "\"al\"ice\"";
    assert_int_equal(sip_credentials_parse(&h, &c, err, sizeof err), -1);
    assert_string_equal(err, "authorization field username: malformed quoted string");
    h.username = "\"alice\\\"";
    assert_int_equal(sip_credentials_parse(&h, &c, err, sizeof err), -1);
    h.username = "\"";
    assert_int_equal(sip_credentials_parse(&h, &c, err, sizeof err), -1);
    h.username = "\"alice\"";
    assert_int_equal(sip_credentials_parse(&h, &c, err, sizeof err), 0);
    assert_string_equal(c.username, "alice");
    sip_credentials_free(&c);
}

static void test_challenge_text(void **state)
{
    char out[256];
    const char *n = "000000006553f100aabbccddeeff00112233445566778899";
    static const char md5_text[] =
        "Digest realm=\"example.com\", "
        "nonce=\"000000006553f100aabbccddeeff00112233445566778899\", "
        "qop=\"auth\", algorithm=MD5";
    (void)state;
    assert_int_equal(sip_auth_challenge(out, sizeof out, REALM, n, SIP_DIGEST_MD5, false), 0);
    assert_string_equal(out, md5_text);
    assert_int_equal(sip_auth_challenge(out, sizeof out, REALM, n, SIP_DIGEST_SHA256, true), 0);
    assert_string_equal(out, "Digest realm=\"example.com\", "
                             "nonce=\"000000006553f100aabbccddeeff00112233445566778899\", "
                             "qop=\"auth\", algorithm=SHA-256, stale=true");
    /* Exactly fits; one byte short fails and leaves an empty string. */
    assert_int_equal(sip_auth_challenge(out, sizeof md5_text, REALM, n, SIP_DIGEST_MD5, false), 0);
    assert_string_equal(out, md5_text);
    assert_int_equal(
        sip_auth_challenge(out, sizeof md5_text - 1, REALM, n, SIP_DIGEST_MD5, false), -1);
    assert_string_equal(out, "");
    assert_int_equal(sip_auth_challenge(out, 0, REALM, n, SIP_DIGEST_MD5, false), -1);
    /* Quotes are escaped; line breaks are refused. */
    assert_int_equal(sip_auth_challenge(out, sizeof out, "a\"b\\c", "n", SIP_DIGEST_MD5, false), 0);
    assert_string_equal(out, "Digest realm=\"a\\\"b\\\\c\", nonce=\"n\", qop=\"auth\", algorithm=MD5");
    assert_int_equal(sip_auth_challenge(out, sizeof out, "a\r\nX: y", "n", SIP_DIGEST_MD5, false),
                     -1);
    assert_int_equal(sip_auth_challenge(out, sizeof out, REALM, "n\n", SIP_DIGEST_MD5, false), -1);
    assert_int_equal(sip_auth_challenge(out, sizeof out, NULL, "n", SIP_DIGEST_MD5, false), -1);
    assert_int_equal(sip_auth_challenge(out, sizeof out, REALM, NULL, SIP_DIGEST_MD5, false), -1);
    assert_int_equal(sip_auth_challenge(NULL, 10, REALM, "n", SIP_DIGEST_MD5, false), -1);
}

/* What a client sends: the Authorization value for user/password answering
 * nonce, built as text and parsed like a real one. */
static void client_credentials(sip_credentials *c, sip_digest_alg alg, const char *user,
                               const char *realm, const char *password, const char *nonce,
                               const char *method, const char *uri, bool with_qop)
{
    char ha1[SIP_DIGEST_HEX_MAX], resp[SIP_DIGEST_HEX_MAX], value[512], err[128] = "";
    int n;

    sip_digest_ha1(alg, user, realm, password, ha1);
    sip_digest_response(alg, ha1, nonce, "00000001", "0a4f113b", with_qop ? "auth" : NULL,
                        method, uri, resp);
    if (with_qop)
        n = snprintf(value, sizeof value,
                     "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
                     "response=\"%s\", algorithm=%s, qop=auth, nc=00000001, cnonce=\"0a4f113b\"",
                     user, realm, nonce, uri, resp, sip_digest_alg_name(alg));
    else
        n = snprintf(value, sizeof value,
                     "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
                     "response=\"%s\", algorithm=%s",
                     user, realm, nonce, uri, resp, sip_digest_alg_name(alg));
    assert_true(n > 0 && (size_t)n < sizeof value);
    assert_int_equal(parse_value(value, c, err, sizeof err), 0);
}

static void test_verify(void **state)
{
    sip_nonce_key k;
    sip_credentials c;
    char nonce[SIP_NONCE_LEN + 1], ha1[SIP_DIGEST_HEX_MAX], wrong[SIP_DIGEST_HEX_MAX];
    (void)state;
    assert_int_equal(sip_nonce_key_init(&k, "test secret"), 0);
    sip_nonce_make(&k, NOW, SRC, nonce);
    sip_digest_ha1(SIP_DIGEST_MD5, "alice", REALM, "wonderland", ha1);
    sip_digest_ha1(SIP_DIGEST_MD5, "alice", REALM, "Wonderland", wrong);

    client_credentials(&c, SIP_DIGEST_MD5, "alice", REALM, "wonderland", nonce, "REGISTER",
                       "sip:example.com", true);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, ha1, &k, NOW, LIFE, SRC), SIP_AUTH_OK);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, ha1, &k, NOW + LIFE, LIFE, SRC),
                     SIP_AUTH_OK);
    /* Wrong password, unknown user: the same FAIL. */
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, wrong, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, NULL, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    /* Stale: a fresh challenge with stale=true only for the right answer. */
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, ha1, &k, NOW + LIFE + 1, LIFE, SRC),
                     SIP_AUTH_STALE);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, wrong, &k, NOW + LIFE + 1, LIFE, SRC),
                     SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, NULL, &k, NOW + LIFE + 1, LIFE, SRC),
                     SIP_AUTH_FAIL);
    /* Nonce from another address, or another key: invalid, even when right. */
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, ha1, &k, NOW, LIFE, "192.0.2.11"),
                     SIP_AUTH_FAIL);
    sip_nonce_key other;
    assert_int_equal(sip_nonce_key_init(&other, "other secret"), 0);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, ha1, &other, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    /* Realm and method must match. */
    assert_int_equal(sip_auth_verify(&c, "REGISTER", "example.org", ha1, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", NULL, ha1, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(&c, "INVITE", REALM, ha1, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(&c, NULL, REALM, ha1, &k, NOW, LIFE, SRC), SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, ha1, NULL, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(NULL, "REGISTER", REALM, ha1, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    sip_credentials_free(&c);

    /* A response made with an all-zero HA1 must not let an unknown user in
     * (that is the dummy HA1 used for unknown users). */
    c.alg = SIP_DIGEST_MD5;
    char zero_resp[SIP_DIGEST_HEX_MAX];
    sip_digest_response(SIP_DIGEST_MD5, "00000000000000000000000000000000", nonce, "00000001",
                        "0a4f113b", "auth", "REGISTER", "sip:example.com", zero_resp);
    c.username = "mallory";
    c.realm = REALM;
    c.nonce = nonce;
    c.uri = "sip:example.com";
    c.response = zero_resp;
    c.nc = "00000001";
    c.cnonce = "0a4f113b";
    c.qop = "auth";
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, NULL, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, "00000000000000000000000000000000",
                                     &k, NOW, LIFE, SRC),
                     SIP_AUTH_OK);
}

static void test_verify_sha256_and_rfc2069(void **state)
{
    sip_nonce_key k;
    sip_credentials c;
    char nonce[SIP_NONCE_LEN + 1], ha1[SIP_DIGEST_HEX_MAX], md5[SIP_DIGEST_HEX_MAX];
    (void)state;
    assert_int_equal(sip_nonce_key_init(&k, "test secret"), 0);
    sip_nonce_make(&k, NOW, SRC, nonce);
    sip_digest_ha1(SIP_DIGEST_SHA256, "alice", REALM, "wonderland", ha1);
    sip_digest_ha1(SIP_DIGEST_MD5, "alice", REALM, "wonderland", md5);

    client_credentials(&c, SIP_DIGEST_SHA256, "alice", REALM, "wonderland", nonce, "REGISTER",
                       "sip:example.com", true);
    assert_int_equal(c.alg, SIP_DIGEST_SHA256);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, ha1, &k, NOW, LIFE, SRC), SIP_AUTH_OK);
    /* The MD5 HA1 of the same password does not answer a SHA-256 digest. */
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, md5, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, NULL, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    assert_int_equal(sip_auth_verify(&c, "REGISTER", REALM, ha1, &k, NOW + LIFE + 1, LIFE, SRC),
                     SIP_AUTH_STALE);
    sip_credentials_free(&c);

    client_credentials(&c, SIP_DIGEST_MD5, "alice", REALM, "wonderland", nonce, "INVITE",
                       "sip:bob@example.com", false);
    assert_null(c.qop);
    assert_int_equal(sip_auth_verify(&c, "INVITE", REALM, md5, &k, NOW, LIFE, SRC), SIP_AUTH_OK);
    assert_int_equal(sip_auth_verify(&c, "INVITE", REALM, NULL, &k, NOW, LIFE, SRC),
                     SIP_AUTH_FAIL);
    sip_credentials_free(&c);
}

static void test_pick_ha1(void **state)
{
    sip_credentials c;
    char buf[SIP_DIGEST_HEX_MAX], want[SIP_DIGEST_HEX_MAX];
    const char *ha1 = "11111111111111111111111111111111";
    const char *ha1b = "22222222222222222222222222222222";
    const char *got;
    (void)state;
    memset(&c, 0, sizeof c);
    c.username = "alice";
    c.realm = REALM;
    c.alg = SIP_DIGEST_MD5;

    got = sip_auth_pick_ha1(SIP_HA1_COLUMN, &c, "pw", ha1, ha1b, buf);
    assert_ptr_equal(got, buf);
    assert_string_equal(got, ha1);
    c.username = "alice@example.com";
    got = sip_auth_pick_ha1(SIP_HA1_COLUMN, &c, "pw", ha1, ha1b, buf);
    assert_string_equal(got, ha1b);
    /* No usable column value. */
    assert_null(sip_auth_pick_ha1(SIP_HA1_COLUMN, &c, "pw", ha1, NULL, buf));
    assert_null(sip_auth_pick_ha1(SIP_HA1_COLUMN, &c, "pw", ha1, "", buf));
    c.username = "alice";
    assert_null(sip_auth_pick_ha1(SIP_HA1_COLUMN, &c, "pw", NULL, ha1b, buf));
    assert_null(sip_auth_pick_ha1(SIP_HA1_COLUMN, &c, "pw",
                                  "1111111111111111111111111111111111111111111111111111111111111"
                                  "1111",
                                  ha1b, buf));
    /* SHA-256 in ha1 mode: the columns hold MD5. */
    c.alg = SIP_DIGEST_SHA256;
    assert_null(sip_auth_pick_ha1(SIP_HA1_COLUMN, &c, "pw", ha1, ha1b, buf));

    /* Password mode, both algorithms, from the credentials' user and realm. */
    got = sip_auth_pick_ha1(SIP_HA1_PASSWORD, &c, "wonderland", ha1, ha1b, buf);
    sip_digest_ha1(SIP_DIGEST_SHA256, "alice", REALM, "wonderland", want);
    assert_string_equal(got, want);
    assert_int_equal(strlen(got), 64);
    c.alg = SIP_DIGEST_MD5;
    got = sip_auth_pick_ha1(SIP_HA1_PASSWORD, &c, "wonderland", NULL, NULL, buf);
    sip_digest_ha1(SIP_DIGEST_MD5, "alice", REALM, "wonderland", want);
    assert_string_equal(got, want);
    assert_int_equal(strlen(got), 32);
    c.username = "alice@example.com";
    got = sip_auth_pick_ha1(SIP_HA1_PASSWORD, &c, "wonderland", NULL, NULL, buf);
    sip_digest_ha1(SIP_DIGEST_MD5, "alice@example.com", REALM, "wonderland", want);
    assert_string_equal(got, want);
    assert_null(sip_auth_pick_ha1(SIP_HA1_PASSWORD, &c, NULL, ha1, ha1b, buf));
    assert_null(sip_auth_pick_ha1(SIP_HA1_PASSWORD, NULL, "pw", ha1, ha1b, buf));
}

static int setup(void **state)
{
    (void)state;
    return parser_init() == 0 ? 0 : -1;
}

/* The digest uri must name the Request-URI (replay to another target). */
static void test_uri_matches(void **state)
{
    (void)state;
    assert_true(sip_auth_uri_matches("sip:example.com", "sip:example.com"));
    assert_true(sip_auth_uri_matches(" sip:example.com\t", "sip:example.com"));
    assert_true(sip_auth_uri_matches("sip:0049123@pstn.test",
                                     "sip:0049123@pstn.test"));
    /* The Request-URI we hold is libosip2's serialisation of it. */
    assert_true(sip_auth_uri_matches("sip:bob@example.com;transport=udp",
                                     "sip:bob@example.com;transport=udp"));
    assert_false(sip_auth_uri_matches("sip:totally-different",
                                      "sip:example.com"));
    assert_false(sip_auth_uri_matches("sip:0049999@pstn.test",
                                      "sip:0049123@pstn.test"));
    assert_false(sip_auth_uri_matches("sip:example.com:5070",
                                      "sip:example.com"));
    assert_false(sip_auth_uri_matches("", "sip:example.com"));
    assert_false(sip_auth_uri_matches(NULL, "sip:example.com"));
    assert_false(sip_auth_uri_matches("sip:example.com", NULL));
}

/* Only the algorithms offered in challenges are accepted. */
static void test_alg_offered(void **state)
{
    const sip_digest_alg sha_only[] = {SIP_DIGEST_SHA256};
    const sip_digest_alg both[] = {SIP_DIGEST_MD5, SIP_DIGEST_SHA256};
    (void)state;
    assert_false(sip_auth_alg_offered(SIP_DIGEST_MD5, sha_only, 1));
    assert_true(sip_auth_alg_offered(SIP_DIGEST_SHA256, sha_only, 1));
    assert_true(sip_auth_alg_offered(SIP_DIGEST_MD5, both, 2));
    assert_true(sip_auth_alg_offered(SIP_DIGEST_SHA256, both, 2));
    assert_false(sip_auth_alg_offered(SIP_DIGEST_MD5, both, 0));
    assert_false(sip_auth_alg_offered(SIP_DIGEST_MD5, NULL, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_rfc7616_sha256_header),
        cmocka_unit_test(test_parse_minimal_rfc2069_and_escapes),
        cmocka_unit_test(test_parse_full_register),
        cmocka_unit_test(test_parse_missing_fields),
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_parse_unterminated_quote),
        cmocka_unit_test(test_challenge_text),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_verify_sha256_and_rfc2069),
        cmocka_unit_test(test_pick_ha1),
        cmocka_unit_test(test_uri_matches),
        cmocka_unit_test(test_alg_offered),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
