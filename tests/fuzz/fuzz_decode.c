/*
 * fuzz_decode.c - libFuzzer harness for the protocol decoders.
 *
 * Any bytes must decode to a valid request or be refused with DBD_BAD and
 * a message, never crash.  A request that decodes must also survive a
 * round trip: encoding it, decoding that and encoding again must give the
 * same bytes, so a field the encoder writes one way and the decoder reads
 * another shows up as an abort.  The same bytes then go through the reply
 * decoder, which a client runs on whatever its daemon sends.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken property is a finding: abort so libFuzzer keeps the input. */
static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_decode: %s%s%s\n", what, detail[0] ? ": " : "",
            detail);
    abort();
}

static void round_trip(const dbd_request *req)
{
    dbd_buf first, second;
    dbd_request *again = NULL;
    uint64_t id = 0;
    char err[256] = "";

    dbd_buf_init(&first);
    dbd_buf_init(&second);
    /* Allocation failure is not what this harness looks for. */
    if (dbd_request_encode(req, &first) != 0)
        goto out;
    if (dbd_request_decode(first.data, first.len, &again, &id, err,
                           sizeof err) != DBD_OK)
        fail("a decoded request re-encodes to bytes that do not decode",
             err);
    if (again->id != req->id || id != req->id)
        fail("the request id changed in the round trip", "");
    if (dbd_request_encode(again, &second) != 0)
        goto out;
    if (first.len != second.len ||
        memcmp(first.data, second.data, first.len) != 0)
        fail("encode(decode(encode(r))) differs from encode(r)", "");
out:
    dbd_request_destroy(&again);
    dbd_buf_free(&first);
    dbd_buf_free(&second);
}

static void reply(const uint8_t *data, size_t size)
{
    dbd_result *r = dbd_result_new();
    uint64_t id = 0, peek = 0;
    bool more = false;
    char err[256];

    if (r == NULL)
        return;
    bool peeked = dbd_reply_peek_id(data, size, &peek);
    if (dbd_reply_decode(data, size, r, &id, &more, err, sizeof err) ==
            DBD_OK &&
        peeked && peek != id)
        fail("dbd_reply_peek_id disagrees with dbd_reply_decode", "");
    dbd_result_destroy(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dbd_request *req = NULL;
    uint64_t id = 0;
    char err[256] = "";

    dbd_status st = dbd_request_decode(data, size, &req, &id, err,
                                       sizeof err);
    if (st == DBD_OK) {
        if (req == NULL)
            fail("DBD_OK without a request", "");
        round_trip(req);
    } else {
        if (req != NULL)
            fail("a refused request came back anyway", "");
        if (err[0] == '\0')
            fail("a refused request has no message", dbd_status_name(st));
    }
    dbd_request_destroy(&req);
    reply(data, size);
    return 0;
}
