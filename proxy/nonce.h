/*
 * nonce.h - stateless digest nonces: the server keeps no table of issued
 * nonces; a nonce carries its own issue time and a MAC binding it to the
 * client's IP address and the server's secret.
 *
 * Text form (48 lowercase hex chars):
 *   hex(8-byte big-endian unix seconds) ||
 *   hex(first 16 bytes of HMAC-SHA256(key, those 8 bytes || source))
 * source is the client's IP address only: a client behind NAT may change
 * its port between the 401 and the retry.
 */
#ifndef SIP_NONCE_H
#define SIP_NONCE_H

#include <stdint.h>

typedef struct sip_nonce_key { uint8_t bytes[32]; } sip_nonce_key;

/* key = SHA-256(secret). 0 ok; -1 when secret is NULL or empty. */
int sip_nonce_key_init(sip_nonce_key *k, const char *secret);

#define SIP_NONCE_LEN 48

/* How far in the future (seconds) an issue time may lie before the nonce
 * is refused: tolerates clock steps between workers. */
#define SIP_NONCE_FUTURE_SLACK_S 5

/* A fresh nonce issued at now_s for source (NULL = ""). */
void sip_nonce_make(const sip_nonce_key *k, int64_t now_s, const char *source,
                    char out[SIP_NONCE_LEN + 1]);

typedef enum sip_nonce_state { SIP_NONCE_VALID, SIP_NONCE_STALE, SIP_NONCE_INVALID } sip_nonce_state;

/*
 * INVALID: NULL, not exactly 48 lowercase hex chars, wrong MAC (tampered,
 * other key, other source), or issued more than SIP_NONCE_FUTURE_SLACK_S
 * seconds after now_s.  STALE: MAC ok but older than lifetime_s seconds
 * (an age of exactly lifetime_s is still VALID).
 */
sip_nonce_state sip_nonce_check(const sip_nonce_key *k, const char *nonce, int64_t now_s,
                                int lifetime_s, const char *source);

#endif
