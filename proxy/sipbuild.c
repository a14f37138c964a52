/*
 * sipbuild.c - the responses sipproxy builds itself (RFC 3261 8.2.6): the
 * response to a request, its To tag, reason phrases, extra headers and
 * the Date value (see sipmsg.h).
 */
#include "sipmsg.h"
#include "hex.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <nettle/sha2.h>
#include <osipparser2/osip_port.h>

void sip_local_tag(const osip_message_t *req, char out[SIP_TAG_MAX])
{
    static const uint8_t sep = 0;
    const char *parts[3];
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];

    parts[0] = req->call_id != NULL ? req->call_id->number : NULL;
    parts[1] = sip_from_tag(req);
    parts[2] = sip_top_branch(req);
    sha256_init(&h);
    for (size_t i = 0; i < 3; i++) {
        if (parts[i] != NULL)
            sha256_update(&h, strlen(parts[i]), (const uint8_t *)parts[i]);
        sha256_update(&h, 1, &sep);
    }
    sha256_digest(&h, sizeof d, d);
    memcpy(out, "sp-", 3);
    dbd_hex_encode(d, 8, out + 3);
}

const char *sip_reason(int code)
{
    const char *r = osip_message_get_reason(code);
    if (r != NULL)
        return r;
    if (code < 200)
        return "Trying";
    if (code < 300)
        return "OK";
    if (code < 500)
        return "Client Error";
    return "Server Error";
}

int sip_add_header(osip_message_t *m, const char *name, const char *value)
{
    return osip_message_set_header(m, name, value) == 0 ? 0 : -1;
}

osip_message_t *sip_response_new(const osip_message_t *req, int code,
                                  const char *reason, const char *server)
{
    osip_message_t *resp = NULL;
    char tag[SIP_TAG_MAX];
    int pos = 0;

    if (osip_message_init(&resp) != 0)
        return NULL;
    osip_message_set_version(resp, osip_strdup("SIP/2.0"));
    osip_message_set_status_code(resp, code);
    osip_message_set_reason_phrase(
        resp, osip_strdup(reason != NULL ? reason : sip_reason(code)));
    if (resp->sip_version == NULL || resp->reason_phrase == NULL)
        goto fail;
    while (!osip_list_eol(&req->vias, pos)) {
        osip_via_t *via = osip_list_get(&req->vias, pos), *copy = NULL;
        if (osip_via_clone(via, &copy) != 0)
            goto fail;
        if (osip_list_add(&resp->vias, copy, -1) < 0) {
            osip_via_free(copy);
            goto fail;
        }
        pos++;
    }
    if ((req->from != NULL && osip_from_clone(req->from, &resp->from) != 0) ||
        (req->to != NULL && osip_to_clone(req->to, &resp->to) != 0) ||
        (req->call_id != NULL &&
         osip_call_id_clone(req->call_id, &resp->call_id) != 0) ||
        (req->cseq != NULL && osip_cseq_clone(req->cseq, &resp->cseq) != 0))
        goto fail;
    if (code > 100 && resp->to != NULL && sip_to_tag(resp) == NULL) {
        char *t;
        sip_local_tag(req, tag);
        t = osip_strdup(tag);
        if (t == NULL || osip_to_set_tag(resp->to, t) != 0)
            goto fail;
    }
    if (server != NULL && sip_add_header(resp, "Server", server) != 0)
        goto fail;
    return resp;
fail:
    osip_message_free(resp);
    return NULL;
}

void sip_date(int64_t now_s, char *out, size_t outlen)
{
    time_t t = (time_t)now_s;
    struct tm tm;
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu",
                                       "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May",
                                         "Jun", "Jul", "Aug", "Sep", "Oct",
                                         "Nov", "Dec"};
    if (gmtime_r(&t, &tm) == NULL) {
        snprintf(out, outlen, "Thu, 01 Jan 1970 00:00:00 GMT");
        return;
    }
    /* By hand: strftime's names follow the locale. */
    snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d GMT",
             days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
