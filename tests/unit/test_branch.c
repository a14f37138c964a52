/*
 * test_branch.c - the Via branch of forwarded requests: exact values, the
 * same branch for a retransmission, the CANCEL and the non-2xx ACK of an
 * INVITE, different branches for other requests, the loop part, and the
 * check that a response answers a request we forwarded (keyed branch).
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>

#include "branch.h"

/* A request: METHOD RURI, Via branch, To tag (NULL: none), Call-ID, CSeq. */
static osip_message_t *request(const char *method, const char *ruri,
                               const char *branch, const char *to_tag,
                               const char *callid, unsigned cseq)
{
    char text[2048];
    char via_branch[128] = "";
    char to[128] = "";
    osip_message_t *m = NULL;

    if (branch != NULL)
        snprintf(via_branch, sizeof via_branch, ";branch=%s", branch);
    if (to_tag != NULL)
        snprintf(to, sizeof to, ";tag=%s", to_tag);
    snprintf(text, sizeof text,
             "%s %s SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 192.0.2.10:5070%s\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:alice@example.com>;tag=fromtag1\r\n"
             "To: <sip:bob@example.com>%s\r\n"
             "Call-ID: %s\r\n"
             "CSeq: %u %s\r\n"
             "Content-Length: 0\r\n\r\n",
             method, ruri, via_branch, to, callid, cseq, method);
    assert_int_equal(osip_message_init(&m), 0);
    if (osip_message_parse(m, text, strlen(text)) != 0)
        fail_msg("test message does not parse:\n%s", text);
    return m;
}

/* The key every test uses: derived from the bytes 0..31. */
static sip_branch_key test_key(void)
{
    unsigned char secret[32];
    sip_branch_key k;
    for (size_t i = 0; i < sizeof secret; i++)
        secret[i] = (unsigned char)i;
    sip_branch_key_derive(&k, secret, sizeof secret);
    return k;
}

static void branch_of(const char *method, const char *ruri, const char *branch,
                      const char *to_tag, const char *callid, unsigned cseq,
                      char out[SIP_BRANCH_MAX])
{
    osip_message_t *m = request(method, ruri, branch, to_tag, callid, cseq);
    sip_branch_key k = test_key();
    sip_branch_compute(&k, m, out);
    osip_message_free(m);
}

#define INVITE_ARGS "sip:bob@example.com", "z9hG4bKclient1", NULL, "call-1@host", 1

/*
 * Expected values computed independently (Python hmac/hashlib): fields
 * each followed by a NUL (an absent one is the byte 1), first 8 bytes in
 * hex.  key = HMAC-SHA256(bytes(range(32)), b"sipproxy via branch key");
 * the transaction part of the first case is HMAC-SHA256(key,
 * b"rfc3261\0z9hG4bKclient1\0192.0.2.10\05070\0\1\0\1\0")[:8] (the last
 * two: no received, no rport) and the loop part
 * sha256(b"loop\0sip:bob@example.com\0fromtag1\0call-1\0host\01\0")[:8].
 */
static void test_exact_rfc3261(void **state)
{
    char b[SIP_BRANCH_MAX];
    (void)state;
    branch_of("INVITE", INVITE_ARGS, b);
    assert_string_equal(b, "z9hG4bK55e8de826da28e69105f4324737010c7");
    assert_int_equal(strlen(b), 7 + 2 * SIP_BRANCH_PART_HEX);
}

static void test_exact_rfc2543(void **state)
{
    char b[SIP_BRANCH_MAX];
    (void)state;
    branch_of("INVITE", "sip:bob@example.com", "oldstyle1", NULL,
              "call-1@host", 1, b);
    assert_string_equal(b, "z9hG4bK77dd5c4fbee18a72105f4324737010c7");
    branch_of("INVITE", "sip:bob@example.com", NULL, NULL, "call-1@host", 1,
              b);
    assert_string_equal(b, "z9hG4bK6b289109680a0e64105f4324737010c7");
}

/* Retransmission, CANCEL and non-2xx ACK hash as their INVITE. */
static void test_same_transaction(void **state)
{
    char inv[SIP_BRANCH_MAX], b[SIP_BRANCH_MAX];
    (void)state;
    branch_of("INVITE", INVITE_ARGS, inv);
    branch_of("INVITE", INVITE_ARGS, b);
    assert_string_equal(b, inv);
    branch_of("CANCEL", INVITE_ARGS, b);
    assert_string_equal(b, inv);
    branch_of("ACK", "sip:bob@example.com", "z9hG4bKclient1", "totag9",
              "call-1@host", 1, b);
    assert_string_equal(b, inv);
}

static void test_same_transaction_rfc2543(void **state)
{
    char inv[SIP_BRANCH_MAX], b[SIP_BRANCH_MAX];
    (void)state;
    branch_of("INVITE", "sip:bob@example.com", NULL, NULL, "c2543", 5, inv);
    branch_of("CANCEL", "sip:bob@example.com", NULL, NULL, "c2543", 5, b);
    assert_string_equal(b, inv);
    branch_of("ACK", "sip:bob@example.com", NULL, "totag9", "c2543", 5, b);
    assert_string_equal(b, inv);
    /* A new CSeq (e.g. a re-INVITE) is another transaction. */
    branch_of("INVITE", "sip:bob@example.com", NULL, NULL, "c2543", 6, b);
    assert_string_not_equal(b, inv);
}

static void test_other_requests_differ(void **state)
{
    char inv[SIP_BRANCH_MAX], b[SIP_BRANCH_MAX];
    (void)state;
    branch_of("INVITE", INVITE_ARGS, inv);
    /* 2xx ACK: its own branch and the contact as Request-URI. */
    branch_of("ACK", "sip:bob@192.0.2.20:5080", "z9hG4bKclient2", "totag9",
              "call-1@host", 1, b);
    assert_string_not_equal(b, inv);
    /* BYE in the dialog. */
    branch_of("BYE", "sip:bob@192.0.2.20:5080", "z9hG4bKclient3", "totag9",
              "call-1@host", 2, b);
    assert_string_not_equal(b, inv);
    /* Same everything but the client's branch. */
    branch_of("INVITE", "sip:bob@example.com", "z9hG4bKclient4", NULL,
              "call-1@host", 1, b);
    assert_string_not_equal(b, inv);
    /* Another call. */
    branch_of("INVITE", "sip:bob@example.com", "z9hG4bKclient1", NULL,
              "call-2@host", 1, b);
    assert_string_not_equal(b, inv);
}

static void test_loop_part(void **state)
{
    char b[SIP_BRANCH_MAX], loop[SIP_BRANCH_PART_HEX + 1];
    osip_message_t *m = request("INVITE", INVITE_ARGS);
    sip_branch_key k = test_key();
    (void)state;
    sip_branch_compute(&k, m, b);
    sip_branch_loop_part(m, loop);
    assert_non_null(sip_branch_loop_of(b));
    assert_string_equal(sip_branch_loop_of(b), loop);
    osip_message_free(m);

    /* The loop part does not depend on the client's branch (a request
     * that came back through another proxy has another top Via)... */
    m = request("INVITE", "sip:bob@example.com", "z9hG4bKother", NULL,
                "call-1@host", 1);
    sip_branch_loop_part(m, b);
    assert_string_equal(b, loop);
    osip_message_free(m);
    /* ...but on the Request-URI: a spiral to another target differs. */
    m = request("INVITE", "sip:bob@192.0.2.20", "z9hG4bKclient1", NULL,
                "call-1@host", 1);
    sip_branch_loop_part(m, b);
    assert_string_not_equal(b, loop);
    osip_message_free(m);
}

static void test_loop_of_foreign(void **state)
{
    (void)state;
    assert_null(sip_branch_loop_of(NULL));
    assert_null(sip_branch_loop_of("z9hG4bKclient1"));
    assert_null(sip_branch_loop_of("z9hG4bK0123456789abcdef0123456789ABCDEF"));
    assert_null(sip_branch_loop_of("x9hG4bK0123456789abcdef0123456789abcdef"));
    assert_string_equal(
        sip_branch_loop_of("z9hG4bK0123456789abcdef0123456789abcdef"),
        "0123456789abcdef");
}

/* A response to the INVITE of INVITE_ARGS as it comes back to us: our Via
 * (branch ours) on top of the client's Via (client_via, as forwarded). */
static osip_message_t *response(const char *ours, const char *client_via,
                                const char *callid)
{
    char text[2048];
    osip_message_t *m = NULL;
    snprintf(text, sizeof text,
             "SIP/2.0 200 OK\r\n"
             "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=%s\r\n"
             "Via: %s\r\n"
             "From: <sip:alice@example.com>;tag=fromtag1\r\n"
             "To: <sip:bob@example.com>;tag=totag9\r\n"
             "Call-ID: %s\r\n"
             "CSeq: 1 INVITE\r\n"
             "Content-Length: 0\r\n\r\n",
             ours, client_via, callid);
    assert_int_equal(osip_message_init(&m), 0);
    if (osip_message_parse(m, text, strlen(text)) != 0)
        fail_msg("test response does not parse:\n%s", text);
    return m;
}

static bool verifies(const sip_branch_key *k, const char *ours,
                     const char *client_via, const char *callid)
{
    osip_message_t *m = response(ours, client_via, callid);
    bool ok = sip_branch_verify(k, m);
    osip_message_free(m);
    return ok;
}

/* A response verifies when its second Via is the one we hashed, with our
 * key; a forged or altered one does not. */
static void test_verify_response(void **state)
{
    char b[SIP_BRANCH_MAX], b2543[SIP_BRANCH_MAX];
    sip_branch_key k = test_key(), other;
    unsigned char secret[32] = {0};
    (void)state;
    branch_of("INVITE", INVITE_ARGS, b);
    assert_true(verifies(&k, b, "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKclient1",
                         "call-1@host"));
    /* Call-ID is not part of an RFC 3261 branch: it may differ. */
    assert_true(verifies(&k, b, "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKclient1",
                         "other@host"));
    /* Another client branch, sent-by, port or an added rport/received. */
    assert_false(verifies(&k, b, "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKclient2",
                          "call-1@host"));
    assert_false(verifies(&k, b, "SIP/2.0/UDP 192.0.2.11:5070;branch=z9hG4bKclient1",
                          "call-1@host"));
    assert_false(verifies(&k, b, "SIP/2.0/UDP 192.0.2.10:5071;branch=z9hG4bKclient1",
                          "call-1@host"));
    assert_false(verifies(&k, b, "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKclient1"
                          ";rport=5070", "call-1@host"));
    assert_false(verifies(&k, b, "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKclient1"
                          ";received=192.0.2.99", "call-1@host"));
    /* A well-shaped branch that is not ours. */
    assert_false(verifies(&k, "z9hG4bK0123456789abcdef0123456789abcdef",
                          "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKclient1",
                          "call-1@host"));
    /* Another key (another sipproxy). */
    sip_branch_key_derive(&other, secret, sizeof secret);
    assert_false(verifies(&other, b,
                          "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKclient1",
                          "call-1@host"));
    /* RFC 2543: Call-ID, From tag and CSeq are in the hash. */
    branch_of("INVITE", "sip:bob@example.com", "oldstyle1", NULL,
              "call-1@host", 1, b2543);
    assert_true(verifies(&k, b2543, "SIP/2.0/UDP 192.0.2.10:5070;branch=oldstyle1",
                         "call-1@host"));
    assert_false(verifies(&k, b2543, "SIP/2.0/UDP 192.0.2.10:5070;branch=oldstyle1",
                          "call-2@host"));
}

/* A response without a Via below ours never verifies. */
static void test_verify_needs_second_via(void **state)
{
    sip_branch_key k = test_key();
    osip_message_t *m = NULL;
    const char *text = "SIP/2.0 200 OK\r\n"
                       "Via: SIP/2.0/UDP 127.0.0.1:5060;branch="
                       "z9hG4bK55e8de826da28e69105f4324737010c7\r\n"
                       "From: <sip:alice@example.com>;tag=fromtag1\r\n"
                       "To: <sip:bob@example.com>;tag=totag9\r\n"
                       "Call-ID: call-1@host\r\n"
                       "CSeq: 1 INVITE\r\n"
                       "Content-Length: 0\r\n\r\n";
    (void)state;
    assert_int_equal(osip_message_init(&m), 0);
    assert_int_equal(osip_message_parse(m, text, strlen(text)), 0);
    assert_false(sip_branch_verify(&k, m));
    osip_message_free(m);
}

/* Two clients reusing one branch get different branches from us. */
static void test_clients_sharing_a_branch(void **state)
{
    char a[SIP_BRANCH_MAX], b[SIP_BRANCH_MAX];
    osip_message_t *m = request("INVITE", INVITE_ARGS);
    sip_branch_key k = test_key();
    osip_via_t *via = osip_list_get(&m->vias, 0);
    (void)state;
    sip_branch_compute(&k, m, a);
    osip_free(via->host);
    via->host = osip_strdup("192.0.2.77");
    sip_branch_compute(&k, m, b);
    assert_string_not_equal(a, b);
    osip_message_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_rfc3261),
        cmocka_unit_test(test_exact_rfc2543),
        cmocka_unit_test(test_same_transaction),
        cmocka_unit_test(test_same_transaction_rfc2543),
        cmocka_unit_test(test_other_requests_differ),
        cmocka_unit_test(test_loop_part),
        cmocka_unit_test(test_loop_of_foreign),
        cmocka_unit_test(test_verify_response),
        cmocka_unit_test(test_verify_needs_second_via),
        cmocka_unit_test(test_clients_sharing_a_branch),
    };
    if (parser_init() != 0)
        return 1;
    return cmocka_run_group_tests_name("branch", tests, NULL, NULL);
}
