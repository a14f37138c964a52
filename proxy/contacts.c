/* contacts.c - the Contact headers of a REGISTER (contacts.h). */
#include "contacts.h"

#include "sipmsg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_port.h>

/* A non-negative decimal (blanks around allowed), capped at 2**32-1;
 * -1 when s is NULL, -2 when it is not such a number. */
static int64_t parse_seconds(const char *s)
{
    char *end;
    long long v;
    if (s == NULL)
        return -1;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s < '0' || *s > '9')
        return -2;
    v = strtoll(s, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end != '\0' || v < 0)
        return -2;
    return v > 0xffffffffLL ? 0xffffffffLL : v; /* RFC 3261: 2**32-1 max */
}

static const char *param(osip_contact_t *c, const char *name)
{
    osip_generic_param_t *p = NULL;
    if (osip_contact_param_get_byname(c, (char *)name, &p) != 0 || p == NULL)
        return NULL;
    return p->gvalue != NULL ? p->gvalue : "";
}

void sp_contacts_free(sp_contacts *cs)
{
    for (size_t i = 0; i < cs->n; i++)
        if (cs->uris[i] != NULL) {
            osip_free(cs->uris[i]);
        }
    cs->n = 0;
}

const char *sp_contacts_read(const osip_message_t *m, sp_contacts *cs)
{
    int pos = 0;
    memset(cs, 0, sizeof *cs);
    while (!osip_list_eol(&m->contacts, pos)) {
        osip_contact_t *ct = osip_list_get(&m->contacts, pos++);
        reg_contact *rc;
        const char *v;
        if (ct->url == NULL) {
            if (ct->displayname != NULL && strcmp(ct->displayname, "*") == 0) {
                cs->star = true;
                continue;
            }
            return "Bad Request - bad Contact";
        }
        if (cs->n == SP_CONTACTS_MAX)
            return "Bad Request - too many Contacts";
        rc = &cs->c[cs->n];
        if (osip_uri_to_str(ct->url, &cs->uris[cs->n]) != 0)
            return "Bad Request - bad Contact";
        cs->n++;
        rc->uri = cs->uris[cs->n - 1];
        rc->expires_s = parse_seconds(param(ct, "expires"));
        if (rc->expires_s == -2)
            return "Bad Request - bad Contact expires";
        rc->q = -1;
        v = param(ct, "q");
        if (v != NULL) {
            char *end;
            rc->q = strtod(v, &end);
            if (end == v || *end != '\0' || !isfinite(rc->q))
                return "Bad Request - bad Contact q";
        }
        rc->instance = param(ct, "+sip.instance");
        v = param(ct, "reg-id");
        rc->reg_id = 0;
        if (v != NULL) {
            /* RFC 5626: 1 to 2**31-1. */
            int64_t id = parse_seconds(v);
            if (id < 1 || id > 0x7fffffffLL)
                return "Bad Request - bad Contact reg-id";
            rc->reg_id = id;
        }
    }
    return NULL;
}

void sp_contacts_fill_request(const osip_message_t *m, const sp_contacts *cs,
                              reg_request *rq)
{
    rq->header_expires_s = parse_seconds(sip_header(m, "expires"));
    rq->cseq = strtoll(m->cseq->number, NULL, 10);
    rq->star = cs->star;
    rq->contacts = cs->c;
    rq->ncontacts = cs->n;
    rq->user_agent = sip_header(m, "user-agent");
    if (rq->user_agent == NULL)
        rq->user_agent = "";
    rq->path = sip_header(m, "path");
}
