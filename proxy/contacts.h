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

/* The Contacts of m into cs (cleared first); NULL, or the reason line of
 * a 400.  Free with sp_contacts_free in either case. */
const char *sp_contacts_read(const osip_message_t *m, sp_contacts *cs);
void sp_contacts_free(sp_contacts *cs);

/* What the registrar's request takes from the message itself and its
 * Contacts (read into cs, which rq then borrows): Expires, CSeq, the
 * contacts, User-Agent and Path.  The caller sets who, where and when. */
void sp_contacts_fill_request(const osip_message_t *m, const sp_contacts *cs,
                              reg_request *rq);

#endif
