/* branch.c - Via branches for stateless forwarding (see branch.h). */
#include "branch.h"
#include "hex.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <osipparser2/osip_port.h>

/* A field and a separator, so that ("ab","c") and ("a","bc") differ; an
 * absent field hashes unlike an empty one. */
static void feed_sha(struct sha256_ctx *h, const char *s)
{
    static const uint8_t absent = 1, sep = 0;
    if (s == NULL)
        sha256_update(h, 1, &absent);
    else
        sha256_update(h, strlen(s), (const uint8_t *)s);
    sha256_update(h, 1, &sep);
}

static void feed_mac(struct hmac_sha256_ctx *h, const char *s)
{
    static const uint8_t absent = 1, sep = 0;
    if (s == NULL)
        hmac_sha256_update(h, 1, &absent);
    else
        hmac_sha256_update(h, strlen(s), (const uint8_t *)s);
    hmac_sha256_update(h, 1, &sep);
}

static const char *from_tag(const osip_message_t *m)
{
    osip_generic_param_t *tag = NULL;
    if (m->from == NULL ||
        osip_from_get_tag(m->from, &tag) != 0 || tag == NULL)
        return NULL;
    return tag->gvalue;
}

static const char *via_param(osip_via_t *via, const char *name)
{
    osip_generic_param_t *p = NULL;
    if (via == NULL ||
        osip_via_param_get_byname(via, (char *)name, &p) != 0 || p == NULL)
        return NULL;
    return p->gvalue != NULL ? p->gvalue : "";
}

/* The Request-URI as text, or NULL; free with osip_free. */
static char *ruri_text(const osip_message_t *req)
{
    char *s = NULL;
    if (req->req_uri == NULL || osip_uri_to_str(req->req_uri, &s) != 0)
        return NULL;
    return s;
}

void sip_branch_key_derive(sip_branch_key *k, const unsigned char *secret,
                           size_t len)
{
    static const char label[] = "sipproxy via branch key";
    struct hmac_sha256_ctx h;
    hmac_sha256_set_key(&h, len, secret);
    hmac_sha256_update(&h, sizeof label - 1, (const uint8_t *)label);
    hmac_sha256_digest(&h, sizeof k->bytes, k->bytes);
}

/* The transaction part for the request whose Via (as forwarded) is via;
 * m gives the Call-ID, From tag and CSeq, which a response repeats. */
static void tx_part(const sip_branch_key *k, osip_via_t *via,
                    const osip_message_t *m, char out[SIP_BRANCH_PART_HEX + 1])
{
    struct hmac_sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    const char *branch = via_param(via, "branch");

    hmac_sha256_set_key(&h, sizeof k->bytes, k->bytes);
    if (branch != NULL && strncmp(branch, SIP_BRANCH_COOKIE,
                                  strlen(SIP_BRANCH_COOKIE)) == 0) {
        feed_mac(&h, "rfc3261");
    } else {
        feed_mac(&h, "rfc2543");
        feed_mac(&h, from_tag(m));
        feed_mac(&h, m->call_id != NULL ? m->call_id->number : NULL);
        feed_mac(&h, m->call_id != NULL ? m->call_id->host : NULL);
        feed_mac(&h, m->cseq != NULL ? m->cseq->number : NULL);
    }
    feed_mac(&h, branch);
    feed_mac(&h, via != NULL ? via->host : NULL);
    feed_mac(&h, via != NULL ? via->port : NULL);
    feed_mac(&h, via_param(via, "received"));
    feed_mac(&h, via_param(via, "rport"));
    hmac_sha256_digest(&h, sizeof d, d);
    dbd_hex_encode(d, SIP_BRANCH_PART_HEX / 2, out);
}

void sip_branch_loop_part(const osip_message_t *req,
                          char out[SIP_BRANCH_PART_HEX + 1])
{
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    char *ruri = ruri_text(req);
    sha256_init(&h);
    feed_sha(&h, "loop");
    feed_sha(&h, ruri);
    feed_sha(&h, from_tag(req));
    feed_sha(&h, req->call_id != NULL ? req->call_id->number : NULL);
    feed_sha(&h, req->call_id != NULL ? req->call_id->host : NULL);
    feed_sha(&h, req->cseq != NULL ? req->cseq->number : NULL);
    sha256_digest(&h, sizeof d, d);
    dbd_hex_encode(d, SIP_BRANCH_PART_HEX / 2, out);
    osip_free(ruri);
}

void sip_branch_compute(const sip_branch_key *k, const osip_message_t *req,
                        char out[SIP_BRANCH_MAX])
{
    char tx[SIP_BRANCH_PART_HEX + 1], loop[SIP_BRANCH_PART_HEX + 1];

    tx_part(k, osip_list_get(&req->vias, 0), req, tx);
    sip_branch_loop_part(req, loop);
    snprintf(out, SIP_BRANCH_MAX, "%s%s%s", SIP_BRANCH_COOKIE, tx, loop);
}

bool sip_branch_verify(const sip_branch_key *k, const osip_message_t *resp)
{
    const char *ours = via_param(osip_list_get(&resp->vias, 0), "branch");
    osip_via_t *prev = osip_list_get(&resp->vias, 1);
    char tx[SIP_BRANCH_PART_HEX + 1];
    unsigned diff = 0;

    if (sip_branch_loop_of(ours) == NULL || prev == NULL)
        return false;
    tx_part(k, prev, resp, tx);
    ours += strlen(SIP_BRANCH_COOKIE);
    for (int i = 0; i < SIP_BRANCH_PART_HEX; i++)
        diff |= (unsigned)(ours[i] ^ tx[i]);
    return diff == 0;
}

const char *sip_branch_loop_of(const char *branch)
{
    size_t clen = strlen(SIP_BRANCH_COOKIE);
    if (branch == NULL || strlen(branch) != clen + 2 * SIP_BRANCH_PART_HEX ||
        strncmp(branch, SIP_BRANCH_COOKIE, clen) != 0)
        return NULL;
    for (const char *p = branch + clen; *p != '\0'; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return NULL;
    return branch + clen + SIP_BRANCH_PART_HEX;
}
