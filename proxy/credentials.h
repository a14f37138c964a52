/*
 * credentials.h - digest authentication steps shared by the REGISTER flow
 * (Authorization, 401) and the INVITE/MESSAGE flow (Proxy-Authorization,
 * 407).
 */
#ifndef SP_CREDENTIALS_H
#define SP_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "wctx.h"

/* The subscriber columns an authentication needs. */
extern const char *const sp_subscriber_auth_columns[3];

/*
 * Looks for credentials for t->realm in the request's Authorization
 * (proxy false) or Proxy-Authorization headers: 1 and t->cred filled; 0
 * when there are none for our realm; -1 when none for our realm could be
 * used and at least one was malformed (err says how).
 */
int sp_find_credentials(sp_worker *w, sp_task *t, bool proxy, char *err,
                        size_t errlen);

/* true when the user part of the digest username is user. */
bool sp_credentials_user_is(const sip_credentials *c, const char *user);

/*
 * The checks that need no dbd, made before the subscriber query: the
 * algorithm must be one we offer (else a fresh challenge), the digest uri
 * must be the Request-URI as received (else 400), the nonce must be ours
 * (INVALID: a fresh challenge; STALE goes on, the verdict decides).
 * true: go on to the query; false: answered.
 */
bool sp_precheck_credentials(sp_worker *w, sp_task *t, bool proxy);

/* The verdict on t->cred given the subscriber query's result (NULL or no
 * row: unknown user, answered like a wrong password). */
sip_auth_verdict sp_verify_credentials(sp_worker *w, sp_task *t,
                                       const dbd_result *subscriber);

#endif
