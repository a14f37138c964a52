/*
 * digest.h - HTTP/SIP digest arithmetic (RFC 2617, RFC 7616, RFC 8760):
 * HA1, the request-digest ("response") and a constant-time comparison,
 * for the algorithms MD5 and SHA-256.  Pure functions, no allocation.
 *
 * All hex output is lowercase.  NULL string arguments are hashed as "".
 */
#ifndef SIP_DIGEST_H
#define SIP_DIGEST_H

#include <stdbool.h>

typedef enum sip_digest_alg { SIP_DIGEST_MD5 = 0, SIP_DIGEST_SHA256 = 1 } sip_digest_alg;

#define SIP_DIGEST_HEX_MAX 65 /* 64 hex chars + NUL */

/* "MD5", "SHA-256"; "?" for a value outside the enum. Static storage. */
const char *sip_digest_alg_name(sip_digest_alg a);

/* Case-insensitive "MD5" / "SHA-256" to the enum; false for anything else
 * (including the -sess variants and NULL).  An absent algorithm parameter
 * means MD5: that is the caller's job. */
bool sip_digest_alg_parse(const char *s, sip_digest_alg *out);

/* Number of hex chars of a digest of a: 32 or 64. */
unsigned sip_digest_hex_len(sip_digest_alg a);

/* HA1 = H(user ":" realm ":" password) as hex. */
void sip_digest_ha1(sip_digest_alg a, const char *user, const char *realm,
                    const char *password, char out[SIP_DIGEST_HEX_MAX]);

/*
 * The request-digest for qop=auth (RFC 2617 3.2.2.1 / RFC 7616 3.4.1):
 *   H(ha1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":" uri))
 * and, when qop is NULL or "", the RFC 2069 form without nc and cnonce:
 *   H(ha1 ":" nonce ":" H(method ":" uri)).
 * ha1 is hashed in lowercase, so an HA1 stored in uppercase hex still works.
 */
void sip_digest_response(sip_digest_alg a, const char *ha1, const char *nonce,
                         const char *nc, const char *cnonce, const char *qop,
                         const char *method, const char *uri,
                         char out[SIP_DIGEST_HEX_MAX]);

/* Constant-time comparison of two hex strings (case-insensitive); the time
 * depends only on the lengths.  false when either is NULL. */
bool sip_digest_equal(const char *a, const char *b);

#endif
