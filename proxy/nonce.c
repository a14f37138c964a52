/*
 * nonce.c - stateless HMAC-SHA256 nonces for digest challenges (see
 * nonce.h for the format).
 */
#include "nonce.h"
#include "hex.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

#define NONCE_TIME_BYTES 8
#define NONCE_MAC_BYTES 16

static void mac_of(const sip_nonce_key *k, const uint8_t t[NONCE_TIME_BYTES],
                   const char *source, uint8_t mac[NONCE_MAC_BYTES])
{
    struct hmac_sha256_ctx ctx;

    hmac_sha256_set_key(&ctx, sizeof k->bytes, k->bytes);
    hmac_sha256_update(&ctx, NONCE_TIME_BYTES, t);
    if (source != NULL)
        hmac_sha256_update(&ctx, strlen(source), (const uint8_t *)source);
    /* nettle truncates the tag to the length asked for. */
    hmac_sha256_digest(&ctx, NONCE_MAC_BYTES, mac);
}

int sip_nonce_key_init(sip_nonce_key *k, const char *secret)
{
    struct sha256_ctx ctx;

    if (k == NULL || secret == NULL || secret[0] == '\0')
        return -1;
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(secret), (const uint8_t *)secret);
    sha256_digest(&ctx, sizeof k->bytes, k->bytes);
    return 0;
}

void sip_nonce_make(const sip_nonce_key *k, int64_t now_s, const char *source,
                    char out[SIP_NONCE_LEN + 1])
{
    uint8_t t[NONCE_TIME_BYTES];
    uint8_t mac[NONCE_MAC_BYTES];
    uint64_t u = (uint64_t)now_s;

    for (int i = NONCE_TIME_BYTES - 1; i >= 0; i--) {
        t[i] = (uint8_t)(u & 0xff);
        u >>= 8;
    }
    mac_of(k, t, source, mac);
    dbd_hex_encode(t, NONCE_TIME_BYTES, out);
    dbd_hex_encode(mac, NONCE_MAC_BYTES, out + 2 * NONCE_TIME_BYTES);
}

sip_nonce_state sip_nonce_check(const sip_nonce_key *k, const char *nonce, int64_t now_s,
                                int lifetime_s, const char *source)
{
    uint8_t t[NONCE_TIME_BYTES];
    uint8_t got[NONCE_MAC_BYTES];
    uint8_t want[NONCE_MAC_BYTES];
    uint64_t u = 0;
    int64_t issued;

    if (k == NULL || nonce == NULL || strnlen(nonce, SIP_NONCE_LEN + 1) != SIP_NONCE_LEN)
        return SIP_NONCE_INVALID;
    /* Lowercase only: we issue lowercase, and accepting other spellings
     * would give one nonce several textual forms. */
    if (!dbd_hex_decode(nonce, NONCE_TIME_BYTES, t) ||
        !dbd_hex_decode(nonce + 2 * NONCE_TIME_BYTES, NONCE_MAC_BYTES, got))
        return SIP_NONCE_INVALID;
    mac_of(k, t, source, want);
    if (!memeql_sec(got, want, NONCE_MAC_BYTES))
        return SIP_NONCE_INVALID;

    for (int i = 0; i < NONCE_TIME_BYTES; i++)
        u = u << 8 | t[i];
    if (u > (uint64_t)INT64_MAX)
        return SIP_NONCE_INVALID;
    issued = (int64_t)u;
    /* issued >= 0, so neither subtraction below can overflow. */
    if (issued - SIP_NONCE_FUTURE_SLACK_S > now_s)
        return SIP_NONCE_INVALID;
    if (now_s - issued > (int64_t)lifetime_s)
        return SIP_NONCE_STALE;
    return SIP_NONCE_VALID;
}
