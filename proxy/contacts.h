/*
 * contacts.h - the Contact headers of a REGISTER, read into the
 * registrar's form (registrar.h): URIs, expires, q, +sip.instance and
 * reg-id, or the reason for a 400.  Shared by the REGISTER flow and the
 * SIP fuzzer, so that both read Contacts the same way.
 */
#ifndef SP_CONTACTS_H
#define SP_CONTACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osipparser2/osip_parser.h>

#include "registrar.h"

#define SP_CONTACTS_MAX 32

typedef struct sp_contacts {
    reg_contact c[SP_CONTACTS_MAX];
    char *uris[SP_CONTACTS_MAX]; /* osip_malloc'd */
    size_t n;
    bool star;                   /* "Contact: *" */
} sp_contacts;

/* A non-negative decimal (blanks around allowed), capped at 2**32-1;
 * -1 when s is NULL, -2 when it is not such a number. */
int64_t sp_parse_seconds(const char *s);

/* The Contacts of m into cs (cleared first); NULL, or the reason line of
 * a 400.  Free with sp_contacts_free in either case. */
const char *sp_contacts_read(const osip_message_t *m, sp_contacts *cs);
void sp_contacts_free(sp_contacts *cs);

#endif
