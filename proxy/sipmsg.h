/*
 * sipmsg.h - helpers over libosip2 messages: header lookups, the checks a
 * request must pass before sipproxy answers it and serialising
 * (sipmsg.c); responses built from a request, RFC 3261 8.2.6
 * (sipbuild.c); Via received/rport and where a response goes (sipvia.c).
 *
 * Strings returned by the getters are borrowed from the message.
 */
#ifndef SP_SIPMSG_H
#define SP_SIPMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>

#define SIP_TAG_MAX 40

/* The value of the first header called name (any case) in the list of
 * headers libosip2 does not parse itself, or NULL. */
const char *sip_header(const osip_message_t *m, const char *name);

/* The Max-Forwards value: -1 when absent, -2 when not a number 0..255. */
int sip_max_forwards(const osip_message_t *m);
/* Sets Max-Forwards (replacing it or adding it); 0 or -1. */
int sip_set_max_forwards(osip_message_t *m, int value);

/* The From/To tag, or NULL. */
const char *sip_from_tag(const osip_message_t *m);
const char *sip_to_tag(const osip_message_t *m);
/* The top Via's branch, or NULL. */
const char *sip_top_branch(const osip_message_t *m);

/*
 * Checks that a parsed request has what sipproxy needs to handle it: a
 * Request-URI, SIP/2.0, at least one Via with a host, From and To with a
 * URI, Call-ID, a CSeq whose number is an integer and whose method matches
 * the request's.  Returns 0, or the status to answer (400 or 505) with a
 * reason in *reason (static text).  A request without a usable top Via
 * cannot be answered: then -1.
 */
int sip_request_check(const osip_message_t *req, const char **reason);
/* Same for a response: true when it can be forwarded (Via, CSeq, status). */
bool sip_response_check(const osip_message_t *resp);

/*
 * The tag sipproxy puts into the To of its own responses: the same for
 * every retransmission of the request and for its CANCEL/non-2xx ACK
 * (computed from Call-ID, From tag and top Via branch), so that an ACK to a
 * response of ours is recognised by its To tag.
 */
void sip_local_tag(const osip_message_t *req, char out[SIP_TAG_MAX]);

/*
 * A response to req: status line, every Via, From, To (with the local tag
 * added for codes above 100 when To has none), Call-ID, CSeq, and Server
 * when server is not NULL.  Content-Length is written when serialising.
 * NULL on allocation failure.
 */
osip_message_t *sip_response_new(const osip_message_t *req, int code,
                                 const char *reason, const char *server);
/* Adds a header to a message we build (the name as given); 0 or -1. */
int sip_add_header(osip_message_t *m, const char *name, const char *value);

/* The usual reason phrase of a status code ("Not Found"). */
const char *sip_reason(int code);

/* Serialises m (forcing a rebuild after edits): 0 and *buf (free with
 * osip_free) / *len, or -1. */
int sip_serialize(osip_message_t *m, char **buf, size_t *len);

/*
 * RFC 3261 18.2.1 and RFC 3581 on an incoming request: received= is added
 * to the top Via when its host differs from the source IP (or rport asks
 * for it), and an empty rport gets the source port.  0 or -1.
 */
int sip_via_fix_received(osip_message_t *req, const char *src_ip,
                         int src_port);

/*
 * Where a response goes for a Via (RFC 3261 18.2.2, UDP, maddr ignored):
 * host = received or sent-by, port = rport value or sent-by port or 5060.
 * false when the Via has no host or a bad port.
 */
bool sip_via_target(const osip_via_t *via, const char **host, int *port);

/* "Www, DD Mon YYYY HH:MM:SS GMT" for a Date header. */
void sip_date(int64_t now_s, char *out, size_t outlen);

/* Sends libosip2's traces nowhere (they go to stderr otherwise, one per
 * parse error, and disabling levels alone does not stop them). */
void sip_traces_off(void);

#endif
