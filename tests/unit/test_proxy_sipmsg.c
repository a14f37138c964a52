/*
 * test_proxy_sipmsg.c - sipproxy's SIP message helpers: request checks,
 * responses built from a request, Via received/rport and response targets,
 * Max-Forwards, the Date format, salvaging unparsable requests, and the
 * address helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <osipparser2/osip_port.h>

#include "addr.h"
#include "salvage.h"
#include "sipmsg.h"

#define REQ_HEAD                                                             \
    "INVITE sip:bob@example.com SIP/2.0\r\n"                                 \
    "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKa1;rport\r\n"            \
    "Via: SIP/2.0/UDP 192.0.2.99;branch=z9hG4bKa0\r\n"                       \
    "Max-Forwards: 70\r\n"                                                   \
    "From: \"Alice\" <sip:alice@example.com>;tag=ft1\r\n"                    \
    "To: <sip:bob@example.com>\r\n"                                          \
    "Call-ID: c1@192.0.2.10\r\n"                                             \
    "CSeq: 7 INVITE\r\n"

static osip_message_t *parse(const char *text)
{
    osip_message_t *m = NULL;
    assert_int_equal(osip_message_init(&m), 0);
    if (osip_message_parse(m, text, strlen(text)) != 0)
        fail_msg("does not parse:\n%s", text);
    return m;
}

static char *to_text(osip_message_t *m)
{
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(sip_serialize(m, &buf, &len), 0);
    assert_int_equal(strlen(buf), len);
    return buf;
}

static void check(const char *text, int want, const char *want_reason)
{
    osip_message_t *m = parse(text);
    const char *reason = NULL;
    int got = sip_request_check(m, &reason);
    if (got != want)
        fail_msg("got %d, want %d for:\n%s", got, want, text);
    if (want_reason == NULL)
        assert_null(reason);
    else
        assert_string_equal(reason, want_reason);
    osip_message_free(m);
}

static void test_request_check(void **state)
{
    (void)state;
    check(REQ_HEAD "Content-Length: 0\r\n\r\n", 0, NULL);
    check("INVITE sip:bob@example.com SIP/2.0\r\n"
          "From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\n"
          "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n", -1, "no Via");
    check("INVITE sip:bob@example.com SIP/2.0\r\n"
          "Via: SIP/2.0/UDP 192.0.2.10\r\n"
          "To: <sip:bob@example.com>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n",
          400, "Bad Request - no From");
    check("INVITE sip:bob@example.com SIP/2.0\r\n"
          "Via: SIP/2.0/UDP 192.0.2.10\r\nFrom: <sip:a@example.com>\r\n"
          "To: <sip:bob@example.com>\r\nCSeq: 1 INVITE\r\n\r\n",
          400, "Bad Request - no Call-ID");
    check("INVITE sip:bob@example.com SIP/2.0\r\n"
          "Via: SIP/2.0/UDP 192.0.2.10\r\nFrom: <sip:a@example.com>\r\n"
          "To: <sip:bob@example.com>\r\nCall-ID: x\r\nCSeq: 1 BYE\r\n\r\n",
          400, "Bad Request - CSeq method does not match");
    check("INVITE sip:bob@example.com SIP/2.0\r\n"
          "Via: SIP/2.0/UDP 192.0.2.10\r\nFrom: <sip:a@example.com>\r\n"
          "To: <sip:bob@example.com>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n"
          "Max-Forwards: ten\r\n\r\n",
          400, "Bad Request - bad Max-Forwards");
    check("INVITE sip:bob@example.com SIP/3.0\r\n"
          "Via: SIP/2.0/UDP 192.0.2.10\r\nFrom: <sip:a@example.com>\r\n"
          "To: <sip:bob@example.com>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n",
          505, "Version Not Supported");
}

static void test_response(void **state)
{
    osip_message_t *req = parse(REQ_HEAD "Content-Length: 0\r\n\r\n");
    osip_message_t *resp;
    char tag[SIP_TAG_MAX], *text;
    (void)state;

    sip_local_tag(req, tag);
    assert_int_equal(strncmp(tag, "sp-", 3), 0);
    assert_int_equal(strlen(tag), 19);

    resp = sip_response_new(req, 404, NULL, "sipproxy");
    assert_non_null(resp);
    assert_int_equal(sip_add_header(resp, "Retry-After", "5"), 0);
    text = to_text(resp);
    {
        char want[1024];
        snprintf(want, sizeof want,
                 "SIP/2.0 404 Not Found\r\n"
                 "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKa1;rport\r\n"
                 "Via: SIP/2.0/UDP 192.0.2.99;branch=z9hG4bKa0\r\n"
                 "From: \"Alice\" <sip:alice@example.com>;tag=ft1\r\n"
                 "To: <sip:bob@example.com>;tag=%s\r\n"
                 "Call-ID: c1@192.0.2.10\r\n"
                 "CSeq: 7 INVITE\r\n"
                 "Server: sipproxy\r\n"
                 "Retry-After: 5\r\n"
                 "Content-Length: 0\r\n\r\n", tag);
        assert_string_equal(text, want);
    }
    osip_free(text);
    osip_message_free(resp);

    /* 100 gets no tag; no Server header when none is configured. */
    resp = sip_response_new(req, 100, "Trying", NULL);
    text = to_text(resp);
    assert_non_null(strstr(text, "To: <sip:bob@example.com>\r\n"));
    assert_null(strstr(text, "Server:"));
    osip_free(text);
    osip_message_free(resp);
    osip_message_free(req);

    /* An existing To tag is kept. */
    req = parse("BYE sip:bob@192.0.2.20 SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKb\r\n"
                "From: <sip:a@example.com>;tag=f\r\n"
                "To: <sip:b@example.com>;tag=theirs\r\n"
                "Call-ID: x\r\nCSeq: 2 BYE\r\n\r\n");
    resp = sip_response_new(req, 481, NULL, NULL);
    assert_string_equal(sip_to_tag(resp), "theirs");
    assert_string_equal(resp->reason_phrase,
                        "Call/Transaction Does Not Exist");
    osip_message_free(resp);
    osip_message_free(req);
}

/* The same tag for a retransmission and the non-2xx ACK; another for
 * another transaction. */
static void test_local_tag(void **state)
{
    osip_message_t *a = parse(REQ_HEAD "\r\n");
    osip_message_t *b = parse(
        "ACK sip:bob@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKa1\r\n"
        "From: <sip:alice@example.com>;tag=ft1\r\n"
        "To: <sip:bob@example.com>;tag=zz\r\n"
        "Call-ID: c1@192.0.2.10\r\nCSeq: 7 ACK\r\n\r\n");
    osip_message_t *c = parse(
        "INVITE sip:bob@example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKa2\r\n"
        "From: <sip:alice@example.com>;tag=ft1\r\n"
        "To: <sip:bob@example.com>\r\n"
        "Call-ID: c1@192.0.2.10\r\nCSeq: 8 INVITE\r\n\r\n");
    char ta[SIP_TAG_MAX], tb[SIP_TAG_MAX], tc[SIP_TAG_MAX];
    (void)state;
    sip_local_tag(a, ta);
    sip_local_tag(b, tb);
    sip_local_tag(c, tc);
    assert_string_equal(ta, tb);
    assert_string_not_equal(ta, tc);
    osip_message_free(a);
    osip_message_free(b);
    osip_message_free(c);
}

static void test_via_received(void **state)
{
    osip_message_t *m = parse(REQ_HEAD "\r\n");
    osip_via_t *via;
    const char *host;
    int port;
    (void)state;

    /* rport asks for both received and the port. */
    assert_int_equal(sip_via_fix_received(m, "198.51.100.7", 40000), 0);
    via = osip_list_get(&m->vias, 0);
    assert_true(sip_via_target(via, &host, &port));
    assert_string_equal(host, "198.51.100.7");
    assert_int_equal(port, 40000);
    {
        char *text = to_text(m);
        assert_non_null(strstr(text, "Via: SIP/2.0/UDP 192.0.2.10:5070;"
                                     "branch=z9hG4bKa1;rport=40000;"
                                     "received=198.51.100.7\r\n"));
        osip_free(text);
    }
    /* The second Via: no received, no port -> sent-by and 5060. */
    via = osip_list_get(&m->vias, 1);
    assert_true(sip_via_target(via, &host, &port));
    assert_string_equal(host, "192.0.2.99");
    assert_int_equal(port, 5060);
    osip_message_free(m);

    /* Same host, no rport: nothing added. */
    m = parse("OPTIONS sip:example.com SIP/2.0\r\n"
              "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKq\r\n"
              "From: <sip:a@example.com>;tag=f\r\nTo: <sip:example.com>\r\n"
              "Call-ID: q\r\nCSeq: 1 OPTIONS\r\n\r\n");
    assert_int_equal(sip_via_fix_received(m, "192.0.2.10", 5070), 0);
    {
        char *text = to_text(m);
        assert_non_null(strstr(text, "Via: SIP/2.0/UDP 192.0.2.10:5070;"
                                     "branch=z9hG4bKq\r\n"));
        osip_free(text);
    }
    via = osip_list_get(&m->vias, 0);
    assert_true(sip_via_target(via, &host, &port));
    assert_string_equal(host, "192.0.2.10");
    assert_int_equal(port, 5070);
    osip_message_free(m);

    /* IPv6 sent-by. */
    m = parse("OPTIONS sip:example.com SIP/2.0\r\n"
              "Via: SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bKv6\r\n"
              "From: <sip:a@example.com>;tag=f\r\nTo: <sip:example.com>\r\n"
              "Call-ID: q6\r\nCSeq: 1 OPTIONS\r\n\r\n");
    assert_int_equal(sip_via_fix_received(m, "2001:db8::1", 5062), 0);
    via = osip_list_get(&m->vias, 0);
    assert_true(sip_via_target(via, &host, &port));
    assert_int_equal(port, 5062);
    {
        sp_addr a;
        char err[128];
        assert_true(sp_addr_resolve(host, port, &a, err, sizeof err));
        assert_int_equal(a.ss.ss_family, AF_INET6);
    }
    osip_message_free(m);
}

static void test_max_forwards(void **state)
{
    osip_message_t *m = parse(REQ_HEAD "\r\n");
    char *text;
    (void)state;
    assert_int_equal(sip_max_forwards(m), 70);
    assert_int_equal(sip_set_max_forwards(m, 69), 0);
    assert_int_equal(sip_max_forwards(m), 69);
    text = to_text(m);
    assert_non_null(strstr(text, "\r\nMax-Forwards: 69\r\n"));
    assert_null(strstr(text, "Max-Forwards: 70"));
    osip_free(text);
    osip_message_free(m);

    m = parse("OPTIONS sip:example.com SIP/2.0\r\n"
              "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKq\r\n"
              "From: <sip:a@example.com>;tag=f\r\nTo: <sip:example.com>\r\n"
              "Call-ID: q\r\nCSeq: 1 OPTIONS\r\n\r\n");
    assert_int_equal(sip_max_forwards(m), -1);
    assert_int_equal(sip_set_max_forwards(m, 70), 0);
    assert_int_equal(sip_max_forwards(m), 70);
    osip_message_free(m);
}

static void test_date(void **state)
{
    char buf[64];
    (void)state;
    sip_date(0, buf, sizeof buf);
    assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
    sip_date(1795000000, buf, sizeof buf);
    assert_string_equal(buf, "Wed, 18 Nov 2026 11:06:40 GMT");
}

static void test_salvage(void **state)
{
    const char *bad =
        "REGISTER sip:example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKs\r\n"
        "From: <sip:alice@example.com>;tag=f\r\n"
        "To: <sip:alice@example.com>\r\n"
        "Call-ID: s1\r\n"
        "CSeq: 1 REGISTER\r\n"
        "Contact: <sip:alice@192.0.2.10:5070\r\n"
        "Content-Length: 0\r\n\r\n";
    osip_message_t *m = sip_salvage_request(bad, strlen(bad));
    const char *reason;
    (void)state;
    assert_non_null(m);
    assert_string_equal(m->sip_method, "REGISTER");
    assert_int_equal(sip_request_check(m, &reason), 0);
    assert_int_equal(osip_list_size(&m->contacts), 0);
    osip_message_free(m);
    /* Responses are never salvaged; nor is text without a request line. */
    assert_null(sip_salvage_request("SIP/2.0 200 OK\r\n\r\n", 19));
    assert_null(sip_salvage_request("garbage\r\n\r\n", 11));
}

static void test_addr(void **state)
{
    sp_addr a;
    char err[128], ip[SP_ADDR_IP_MAX], hp[SP_ADDR_HOSTPORT_MAX];
    int port = 0;
    (void)state;
    assert_true(sp_addr_resolve("192.0.2.5", 0, &a, err, sizeof err));
    assert_true(sp_addr_ip(&a, ip, sizeof ip, &port));
    assert_string_equal(ip, "192.0.2.5");
    assert_int_equal(port, 5060);
    assert_true(sp_addr_host_is(&a, "192.0.2.5"));
    assert_false(sp_addr_host_is(&a, "192.0.2.6"));
    assert_false(sp_addr_host_is(&a, "example.com"));
    assert_true(sp_addr_resolve("[::1]", 5070, &a, err, sizeof err));
    assert_true(sp_addr_ip(&a, ip, sizeof ip, &port));
    assert_string_equal(ip, "::1");
    assert_int_equal(port, 5070);
    assert_true(sp_addr_host_is(&a, "[0:0::1]"));
    sp_addr_hostport("::1", 5070, hp, sizeof hp);
    assert_string_equal(hp, "[::1]:5070");
    sp_addr_hostport("[::1]", 0, hp, sizeof hp);
    assert_string_equal(hp, "[::1]");
    sp_addr_hostport("example.com", 5060, hp, sizeof hp);
    assert_string_equal(hp, "example.com:5060");
    assert_int_equal(sp_addr_port(NULL), 0);
    assert_int_equal(sp_addr_port("5061"), 5061);
    assert_int_equal(sp_addr_port("0"), -1);
    assert_int_equal(sp_addr_port("65536"), -1);
    assert_int_equal(sp_addr_port("50x"), -1);
    assert_false(sp_addr_resolve("", 5060, &a, err, sizeof err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_check),
        cmocka_unit_test(test_response),
        cmocka_unit_test(test_local_tag),
        cmocka_unit_test(test_via_received),
        cmocka_unit_test(test_max_forwards),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_salvage),
        cmocka_unit_test(test_addr),
    };
    if (parser_init() != 0)
        return 1;
    sip_traces_off();
    return cmocka_run_group_tests_name("proxy_sipmsg", tests, NULL, NULL);
}
