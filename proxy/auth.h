/*
 * auth.h - SIP digest authentication on top of digest.h and nonce.h:
 * credentials out of a parsed Authorization / Proxy-Authorization header,
 * the text of a challenge, the verdict on a request, and which HA1 a
 * subscriber row provides.  No I/O, no clocks (now is passed in).
 */
#ifndef SIP_AUTH_H
#define SIP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osipparser2/headers/osip_authorization.h>

#include "digest.h"
#include "nonce.h"

typedef struct sip_credentials {      /* unquoted copies, NULL when absent; owned */
    char *username, *realm, *nonce, *uri, *response, *cnonce, *nc, *qop, *opaque, *algorithm;
    sip_digest_alg alg;               /* parsed from algorithm; MD5 when absent */
} sip_credentials;

/*
 * From an osip_authorization_t (Authorization or Proxy-Authorization).
 * Quoted values are unquoted (quoted-pair escapes resolved).  0 ok; -1 with
 * a message in err (out is then zeroed, nothing to free) when h is NULL, a
 * required field (username, realm, nonce, uri, response) is missing or
 * empty, the scheme is not Digest, the algorithm is unknown, qop is other
 * than "auth" (we only offer auth), qop=auth comes without nc or cnonce,
 * nc is not 8 hex digits, a quoted value is unterminated, or memory runs
 * out.
 */
int sip_credentials_parse(const osip_authorization_t *h, sip_credentials *out,
                          char *err, size_t errlen);

/* Frees the strings and zeroes c; accepts NULL and a zeroed struct. */
void sip_credentials_free(sip_credentials *c);

/*
 * The value of a WWW-Authenticate / Proxy-Authenticate header:
 *   Digest realm="R", nonce="N", qop="auth", algorithm=A[, stale=true]
 * '"' and '\' in the realm are escaped.  0 ok; -1 when it does not fit in
 * outlen, an argument is NULL, or realm/nonce contain CR or LF.
 */
int sip_auth_challenge(char *out, size_t outlen, const char *realm, const char *nonce,
                       sip_digest_alg alg, bool stale);

typedef enum sip_auth_verdict { SIP_AUTH_OK, SIP_AUTH_FAIL, SIP_AUTH_STALE } sip_auth_verdict;

/*
 * Checks credentials for method against ha1 (hex of c->alg; NULL = unknown
 * user: a dummy HA1 is used so the work and the answer are the same as for
 * a wrong password).  FAIL: wrong response, realm differing from
 * expected_realm (or expected_realm NULL), invalid nonce (for source, the
 * client's IP), unknown user; STALE only when the response is right and
 * the nonce is stale; otherwise OK.  The digest-uri is not compared with
 * the Request-URI here.
 */
sip_auth_verdict sip_auth_verify(const sip_credentials *c, const char *method,
                                 const char *expected_realm, const char *ha1,
                                 const sip_nonce_key *k, int64_t now_s, int lifetime_s,
                                 const char *source);

/*
 * Which HA1 the subscriber row gives for these credentials: ha1 mode
 * (SIP_HA1_COLUMN: column ha1, or ha1b when the username contains '@') or
 * password mode (SIP_HA1_PASSWORD: HA1 computed from the password column
 * with c->username, c->realm and c->alg).  Returns buf (the HA1 copied or
 * computed there) or NULL: no usable value (column NULL, empty or longer
 * than a digest; password NULL), or SHA-256 in ha1 mode (the columns hold
 * MD5) -> the caller treats it as a failed auth and logs once.
 */
typedef enum sip_ha1_source { SIP_HA1_COLUMN, SIP_HA1_PASSWORD } sip_ha1_source;
const char *sip_auth_pick_ha1(sip_ha1_source src, const sip_credentials *c,
                              const char *row_password, const char *row_ha1,
                              const char *row_ha1b, char buf[SIP_DIGEST_HEX_MAX]);

/*
 * true when the digest uri names the Request-URI it was sent with
 * (RFC 2617 3.2.2.5): equal as strings after trimming blanks, or, when
 * both parse as URIs, equal once libosip2 has parsed and re-serialised
 * both (the Request-URI we hold is re-serialised text).  A captured
 * response is then bound to its Request-URI.
 */
bool sip_auth_uri_matches(const char *digest_uri, const char *request_uri);

/* true when a is one of the n algorithms offered in challenges. */
bool sip_auth_alg_offered(sip_digest_alg a, const sip_digest_alg *offered,
                          size_t n);

#endif
