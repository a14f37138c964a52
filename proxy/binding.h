/*
 * binding.h - helpers around reg_binding (registrar.h) shared by the
 * registrar: copying and clearing one binding, and deciding whether a
 * Contact URI names the same address as a stored binding.
 *
 * The public functions of binding.c that read location rows
 * (reg_query_bindings, reg_query_lookup, reg_bindings_from_result,
 * reg_bindings_free) are declared in registrar.h.
 */
#ifndef SIP_BINDING_H
#define SIP_BINDING_H

#include <stdbool.h>

#include "registrar.h"

/* Adds the AoR's conditions to op: username = username and domain =
 * domain, or domain IS NULL when domain is NULL.  0 or -1. */
int binding_where_aor(dbd_request *req, dbd_op *op, const char *username,
                      const char *domain);

/* Deep copy of src into *dst; 0, or -1 on allocation failure (then *dst
 * is cleared and owns nothing). */
int binding_copy(reg_binding *dst, const reg_binding *src);
/* Frees the strings of b and zeroes it; accepts a zeroed binding. */
void binding_clear(reg_binding *b);

/*
 * URI equality of RFC 3261 section 19.1.4 for sip: and sips: URIs:
 * schemes differ -> unequal; user info compared case-sensitively, host
 * case-insensitively, port present in one only -> unequal; %HH escapes
 * decoded before comparing (an escaped reserved character therefore equals
 * the character itself, a simplification); a parameter present in both must
 * match (names and values case-insensitive); user, ttl, method, maddr and
 * transport present in only one -> unequal, other parameters present in only
 * one are ignored; headers must be the same set (names case-insensitive,
 * values case-sensitive).  Other schemes: scheme case-insensitive, the rest
 * byte for byte.  Surrounding blanks and one pair of angle brackets are
 * ignored.  NULL equals nothing.
 */
bool binding_uri_equal(const char *a, const char *b);

#endif
