/*
 * branch.h - the Via branch of a request sipproxy forwards (RFC 3261
 * 16.11, stateless proxy): the same for a retransmission, for the CANCEL
 * and for the non-2xx ACK of an INVITE, different for other requests.
 *
 * A branch is "z9hG4bK" + 16 hex (transaction part) + 16 hex (loop part).
 * The transaction part is a keyed hash (HMAC-SHA-256 with a key every
 * worker shares) of the incoming top Via as it is forwarded: sent-by,
 * branch, received and rport, plus (RFC 2543 clients, whose branch does
 * not start with the magic cookie) the From tag, Call-ID and CSeq number.
 * All of these come back unchanged in a response, in the Via below ours,
 * so a response can be checked to answer a request we really forwarded
 * (sip_branch_verify): forged responses are not relayed.  The key also
 * keeps two clients that reuse a branch apart (their sent-by differs).
 * The To tag is left out on purpose: the non-2xx ACK carries the tag of the
 * response its INVITE did not have.  The method is left out too, so that a
 * CANCEL and a non-2xx ACK hash as their INVITE.
 *
 * The loop part (RFC 3261 16.3 item 4) hashes what decides where a request
 * goes: the Request-URI as received, From tag, Call-ID and CSeq number.  A
 * request that comes back with one of our Vias whose loop part equals its
 * own has looped; a different loop part is a spiral.
 */
#ifndef SP_BRANCH_H
#define SP_BRANCH_H

#include <stdbool.h>
#include <stddef.h>

#include <osipparser2/osip_message.h>

#define SIP_BRANCH_MAX 64
#define SIP_BRANCH_COOKIE "z9hG4bK"
#define SIP_BRANCH_PART_HEX 16

/* The key of the transaction part (shared by every worker). */
typedef struct sip_branch_key {
    unsigned char bytes[32];
} sip_branch_key;

/* Derives the branch key from a secret (e.g. the nonce key), so that the
 * same secret never serves two purposes directly. */
void sip_branch_key_derive(sip_branch_key *k, const unsigned char *secret,
                           size_t len);

void sip_branch_compute(const sip_branch_key *k, const osip_message_t *req,
                        char out[SIP_BRANCH_MAX]);

/* true when resp's top Via carries a branch sip_branch_compute() made
 * for the request whose Via is the next one (resp's second Via). */
bool sip_branch_verify(const sip_branch_key *k, const osip_message_t *resp);

/* The loop part of req (16 hex + NUL). */
void sip_branch_loop_part(const osip_message_t *req,
                          char out[SIP_BRANCH_PART_HEX + 1]);

/* The loop part inside a branch of ours, NULL when branch has not the
 * shape of one. */
const char *sip_branch_loop_of(const char *branch);

#endif
