/*
 * digest.c - digest arithmetic for SIP authentication (RFC 2617, RFC 7616,
 * RFC 8760) on nettle's MD5 and SHA-256.
 */
#include "digest.h"
#include "hex.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <nettle/md5.h>
#include <nettle/sha2.h>

/* One running hash of either algorithm, so the formulas are written once. */
typedef struct hasher {
    sip_digest_alg alg;
    union {
        struct md5_ctx md5;
        struct sha256_ctx sha256;
    } u;
} hasher;

static void hasher_init(hasher *h, sip_digest_alg a)
{
    h->alg = a;
    if (a == SIP_DIGEST_SHA256)
        sha256_init(&h->u.sha256);
    else
        md5_init(&h->u.md5);
}

static void hasher_bytes(hasher *h, const void *p, size_t n)
{
    if (h->alg == SIP_DIGEST_SHA256)
        sha256_update(&h->u.sha256, n, p);
    else
        md5_update(&h->u.md5, n, p);
}

/* Feeds s (NULL = ""), then a ':' unless last. */
static void hasher_field(hasher *h, const char *s, bool last)
{
    if (s != NULL)
        hasher_bytes(h, s, strlen(s));
    if (!last)
        hasher_bytes(h, ":", 1);
}

static void hasher_hex(hasher *h, char out[SIP_DIGEST_HEX_MAX])
{
    uint8_t raw[SHA256_DIGEST_SIZE];
    size_t n;

    if (h->alg == SIP_DIGEST_SHA256) {
        n = SHA256_DIGEST_SIZE;
        sha256_digest(&h->u.sha256, n, raw);
    } else {
        n = MD5_DIGEST_SIZE;
        md5_digest(&h->u.md5, n, raw);
    }
    dbd_hex_encode(raw, n, out);
}

/* ASCII lowercase without a branch on the character (used on secrets). */
static unsigned char lower(unsigned char c)
{
    unsigned is_upper = (unsigned)(c - 'A') < 26u;
    return (unsigned char)(c | (is_upper << 5));
}

const char *sip_digest_alg_name(sip_digest_alg a)
{
    switch (a) {
    case SIP_DIGEST_MD5:
        return "MD5";
    case SIP_DIGEST_SHA256:
        return "SHA-256";
    }
    return "?";
}

bool sip_digest_alg_parse(const char *s, sip_digest_alg *out)
{
    if (s == NULL || out == NULL)
        return false;
    if (strcasecmp(s, "MD5") == 0) {
        *out = SIP_DIGEST_MD5;
        return true;
    }
    if (strcasecmp(s, "SHA-256") == 0) {
        *out = SIP_DIGEST_SHA256;
        return true;
    }
    return false;
}

unsigned sip_digest_hex_len(sip_digest_alg a)
{
    return a == SIP_DIGEST_SHA256 ? 2 * SHA256_DIGEST_SIZE : 2 * MD5_DIGEST_SIZE;
}

void sip_digest_ha1(sip_digest_alg a, const char *user, const char *realm,
                    const char *password, char out[SIP_DIGEST_HEX_MAX])
{
    hasher h;

    hasher_init(&h, a);
    hasher_field(&h, user, false);
    hasher_field(&h, realm, false);
    hasher_field(&h, password, true);
    hasher_hex(&h, out);
}

void sip_digest_response(sip_digest_alg a, const char *ha1, const char *nonce,
                         const char *nc, const char *cnonce, const char *qop,
                         const char *method, const char *uri,
                         char out[SIP_DIGEST_HEX_MAX])
{
    char ha2[SIP_DIGEST_HEX_MAX];
    char ha1_lower[SIP_DIGEST_HEX_MAX];
    hasher h;

    hasher_init(&h, a);
    hasher_field(&h, method, false);
    hasher_field(&h, uri, true);
    hasher_hex(&h, ha2);

    /* The RFCs define HA1 as lowercase hex; a column may hold uppercase. */
    if (ha1 != NULL && strlen(ha1) < sizeof ha1_lower) {
        size_t i;
        for (i = 0; ha1[i] != '\0'; i++)
            ha1_lower[i] = (char)lower((unsigned char)ha1[i]);
        ha1_lower[i] = '\0';
        ha1 = ha1_lower;
    }

    hasher_init(&h, a);
    hasher_field(&h, ha1, false);
    hasher_field(&h, nonce, false);
    if (qop != NULL && qop[0] != '\0') {
        hasher_field(&h, nc, false);
        hasher_field(&h, cnonce, false);
        hasher_field(&h, qop, false);
    }
    hasher_field(&h, ha2, true);
    hasher_hex(&h, out);
}

bool sip_digest_equal(const char *a, const char *b)
{
    size_t la, lb;
    unsigned diff = 0;

    if (a == NULL || b == NULL)
        return false;
    la = strlen(a);
    lb = strlen(b);
    /* The lengths are public (32 or 64); only the contents must not leak. */
    if (la != lb)
        return false;
    for (size_t i = 0; i < la; i++)
        diff |= (unsigned)(lower((unsigned char)a[i]) ^ lower((unsigned char)b[i]));
    return diff == 0;
}
