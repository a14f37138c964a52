/*
 * sipvia.c - Via handling of requests and responses (RFC 3261 18.2,
 * RFC 3581): received/rport on an incoming request, and where a response
 * goes for a Via (see sipmsg.h).
 */
#include "sipmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_port.h>

int sip_via_fix_received(osip_message_t *req, const char *src_ip,
                         int src_port)
{
    osip_via_t *via = osip_list_get(&req->vias, 0);
    osip_generic_param_t *rport = NULL, *received = NULL;
    bool want_received;
    size_t hlen;
    const char *host;

    if (via == NULL || via->host == NULL)
        return -1;
    host = via->host;
    hlen = strlen(host);
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        host++;
        hlen -= 2;
    }
    osip_via_param_get_byname(via, "rport", &rport);
    want_received = rport != NULL || strlen(src_ip) != hlen ||
                    strncasecmp(host, src_ip, hlen) != 0;
    if (want_received) {
        char *v = osip_strdup(src_ip);
        if (v == NULL)
            return -1;
        osip_via_param_get_byname(via, "received", &received);
        if (received != NULL) {
            osip_free(received->gvalue);
            received->gvalue = v;
        } else if (osip_via_set_received(via, v) != 0) {
            osip_free(v);
            return -1;
        }
    }
    if (rport != NULL) {
        char pbuf[16], *v;
        snprintf(pbuf, sizeof pbuf, "%d", src_port);
        v = osip_strdup(pbuf);
        if (v == NULL)
            return -1;
        osip_free(rport->gvalue);
        rport->gvalue = v;
    }
    req->message_property = 2;
    return 0;
}

bool sip_via_target(const osip_via_t *via, const char **host, int *port)
{
    osip_generic_param_t *p = NULL;
    osip_via_t *v = (osip_via_t *)via; /* the getters take non-const */
    int pt = 0;

    if (via == NULL || via->host == NULL || via->host[0] == '\0')
        return false;
    *host = via->host;
    if (osip_via_param_get_byname(v, "received", &p) == 0 && p != NULL &&
        p->gvalue != NULL && p->gvalue[0] != '\0')
        *host = p->gvalue;
    p = NULL;
    if (osip_via_param_get_byname(v, "rport", &p) == 0 && p != NULL &&
        p->gvalue != NULL && p->gvalue[0] != '\0') {
        char *end;
        long n = strtol(p->gvalue, &end, 10);
        if (*end != '\0' || n < 1 || n > 65535)
            return false;
        pt = (int)n;
    }
    if (pt == 0 && via->port != NULL && via->port[0] != '\0') {
        char *end;
        long n = strtol(via->port, &end, 10);
        if (*end != '\0' || n < 1 || n > 65535)
            return false;
        pt = (int)n;
    }
    *port = pt != 0 ? pt : 5060;
    return true;
}
