/*
 * sipmsg.c - reading libosip2 messages: header getters, the checks a
 * request or response must pass, Max-Forwards, serialising (see
 * sipmsg.h; responses we build are in sipbuild.c, Via handling in
 * sipvia.c).
 */
#include "sipmsg.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_port.h>

const char *sip_header(const osip_message_t *m, const char *name)
{
    osip_header_t *h = NULL;
    if (osip_message_header_get_byname(m, name, 0, &h) < 0 || h == NULL)
        return NULL;
    return h->hvalue != NULL ? h->hvalue : "";
}

int sip_max_forwards(const osip_message_t *m)
{
    const char *v = sip_header(m, "max-forwards");
    char *end;
    long n;
    if (v == NULL)
        return -1;
    while (*v == ' ' || *v == '\t')
        v++;
    if (!isdigit((unsigned char)*v))
        return -2;
    n = strtol(v, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end != '\0' || n < 0 || n > 255)
        return -2;
    return (int)n;
}

int sip_set_max_forwards(osip_message_t *m, int value)
{
    osip_header_t *h = NULL;
    char buf[16];
    snprintf(buf, sizeof buf, "%d", value);
    if (osip_message_header_get_byname(m, "max-forwards", 0, &h) >= 0 &&
        h != NULL) {
        /* libosip2 keeps unknown header names in lowercase; put back the
         * usual spelling of the one we rewrite. */
        char *copy = osip_strdup(buf), *name = osip_strdup("Max-Forwards");
        if (copy == NULL || name == NULL) {
            if (copy != NULL) {
                osip_free(copy);
            }
            if (name != NULL) {
                osip_free(name);
            }
            return -1;
        }
        osip_free(h->hvalue);
        h->hvalue = copy;
        osip_free(h->hname);
        h->hname = name;
        m->message_property = 2;
        return 0;
    }
    return osip_message_set_header(m, "Max-Forwards", buf) == 0 ? 0 : -1;
}

static const char *tag_of(osip_from_t *f)
{
    osip_generic_param_t *tag = NULL;
    if (f == NULL || osip_from_get_tag(f, &tag) != 0 || tag == NULL)
        return NULL;
    return tag->gvalue;
}

const char *sip_from_tag(const osip_message_t *m)
{
    return tag_of(m->from);
}

const char *sip_to_tag(const osip_message_t *m)
{
    return tag_of(m->to);
}

const char *sip_top_branch(const osip_message_t *m)
{
    osip_via_t *via = osip_list_get(&m->vias, 0);
    osip_generic_param_t *br = NULL;
    if (via == NULL || osip_via_param_get_byname(via, "branch", &br) != 0 ||
        br == NULL)
        return NULL;
    return br->gvalue;
}

int sip_request_check(const osip_message_t *req, const char **reason)
{
    osip_via_t *via = osip_list_get(&req->vias, 0);
    const char *num;

    if (via == NULL || via->host == NULL || via->host[0] == '\0') {
        *reason = "no Via";
        return -1;
    }
    if (req->sip_version == NULL || strcasecmp(req->sip_version, "SIP/2.0") != 0) {
        *reason = "Version Not Supported";
        return 505;
    }
    if (req->req_uri == NULL || req->req_uri->scheme == NULL ||
        (req->req_uri->host == NULL && req->req_uri->string == NULL)) {
        *reason = "Bad Request - no Request-URI";
        return 400;
    }
    if (req->from == NULL || req->from->url == NULL) {
        *reason = "Bad Request - no From";
        return 400;
    }
    if (req->to == NULL || req->to->url == NULL) {
        *reason = "Bad Request - no To";
        return 400;
    }
    if (req->call_id == NULL || req->call_id->number == NULL) {
        *reason = "Bad Request - no Call-ID";
        return 400;
    }
    if (req->cseq == NULL || req->cseq->number == NULL ||
        req->cseq->method == NULL) {
        *reason = "Bad Request - no CSeq";
        return 400;
    }
    num = req->cseq->number;
    if (*num == '\0' || strspn(num, "0123456789") != strlen(num) ||
        strlen(num) > 10) {
        *reason = "Bad Request - bad CSeq number";
        return 400;
    }
    if (req->sip_method == NULL || strcmp(req->cseq->method, req->sip_method) != 0) {
        *reason = "Bad Request - CSeq method does not match";
        return 400;
    }
    if (sip_max_forwards(req) == -2) {
        *reason = "Bad Request - bad Max-Forwards";
        return 400;
    }
    *reason = NULL;
    return 0;
}

bool sip_response_check(const osip_message_t *resp)
{
    osip_via_t *via = osip_list_get(&resp->vias, 0);
    return via != NULL && via->host != NULL && resp->cseq != NULL &&
           resp->status_code >= 100 && resp->status_code <= 699;
}

int sip_serialize(osip_message_t *m, char **buf, size_t *len)
{
    *buf = NULL;
    osip_message_force_update(m);
    if (osip_message_to_str(m, buf, len) != 0 || *buf == NULL)
        return -1;
    return 0;
}

static void osip_quiet(const char *file, int line, osip_trace_level_t level,
                       const char *fmt, va_list ap)
{
    (void)file;
    (void)line;
    (void)level;
    (void)fmt;
    (void)ap;
}

void sip_traces_off(void)
{
    osip_trace_initialize_func(TRACE_LEVEL0, osip_quiet);
}
