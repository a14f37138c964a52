/* addr.c - address text and resolution for SIP (see addr.h). */
#include "addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sp_addr_ip(const sp_addr *a, char *ip, size_t iplen, int *port)
{
    if (a->ss.ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)&a->ss;
        if (inet_ntop(AF_INET, &s4->sin_addr, ip, (socklen_t)iplen) == NULL)
            return false;
        if (port != NULL)
            *port = ntohs(s4->sin_port);
        return true;
    }
    if (a->ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&a->ss;
        if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
            if (inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], ip,
                          (socklen_t)iplen) == NULL)
                return false;
        } else if (inet_ntop(AF_INET6, &s6->sin6_addr, ip,
                             (socklen_t)iplen) == NULL) {
            return false;
        }
        if (port != NULL)
            *port = ntohs(s6->sin6_port);
        return true;
    }
    return false;
}

void sp_addr_hostport(const char *host, int port, char *out, size_t outlen)
{
    bool v6 = host[0] != '[' && strchr(host, ':') != NULL;
    if (port > 0)
        snprintf(out, outlen, "%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "",
                 port);
    else
        snprintf(out, outlen, "%s%s%s", v6 ? "[" : "", host, v6 ? "]" : "");
}

/* Copies host without brackets into buf; false when it does not fit. */
static bool unbracket(const char *host, char *buf, size_t buflen)
{
    size_t len = strlen(host);
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    if (len == 0 || len >= buflen)
        return false;
    memcpy(buf, host, len);
    buf[len] = '\0';
    return true;
}

bool sp_addr_host_is(const sp_addr *a, const char *host)
{
    char h[SP_ADDR_IP_MAX], mine[SP_ADDR_IP_MAX];
    unsigned char b1[16], b2[16];
    int fam;
    if (host == NULL || !unbracket(host, h, sizeof h) ||
        !sp_addr_ip(a, mine, sizeof mine, NULL))
        return false;
    fam = strchr(mine, ':') != NULL ? AF_INET6 : AF_INET;
    if ((strchr(h, ':') != NULL ? AF_INET6 : AF_INET) != fam)
        return false;
    /* Compare binary forms: "::1" and "0:0::1" are one address. */
    return inet_pton(fam, h, b1) == 1 && inet_pton(fam, mine, b2) == 1 &&
           memcmp(b1, b2, fam == AF_INET ? 4 : 16) == 0;
}

int sp_addr_port(const char *s)
{
    char *end;
    long v;
    if (s == NULL || *s == '\0')
        return 0;
    v = strtol(s, &end, 10);
    if (*end != '\0' || v < 1 || v > 65535)
        return -1;
    return (int)v;
}

bool sp_addr_numeric(const char *host, int port, sp_addr *out)
{
    char h[256];
    struct sockaddr_in *s4 = (struct sockaddr_in *)&out->ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->ss;

    memset(out, 0, sizeof *out);
    if (port <= 0)
        port = 5060;
    if (host == NULL || !unbracket(host, h, sizeof h))
        return false;
    if (inet_pton(AF_INET, h, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        out->len = sizeof *s4;
        return true;
    }
    if (inet_pton(AF_INET6, h, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        out->len = sizeof *s6;
        return true;
    }
    return false;
}

bool sp_addr_resolve(const char *host, int port, sp_addr *out, char *err,
                     size_t errlen)
{
    char h[256];
    struct addrinfo hints, *res = NULL;
    int rc;

    if (sp_addr_numeric(host, port, out))
        return true; /* never touches DNS */
    if (port <= 0)
        port = 5060;
    if (host == NULL || !unbracket(host, h, sizeof h)) {
        snprintf(err, errlen, "bad host \"%s\"", host != NULL ? host : "");
        return false;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_ADDRCONFIG;
    rc = getaddrinfo(h, NULL, &hints, &res);
    if (rc != 0 || res == NULL) {
        snprintf(err, errlen, "cannot resolve \"%s\": %s", h,
                 rc != 0 ? gai_strerror(rc) : "no address");
        if (res != NULL)
            freeaddrinfo(res);
        return false;
    }
    if (res->ai_addrlen > sizeof out->ss) {
        freeaddrinfo(res);
        snprintf(err, errlen, "address of \"%s\" too long", h);
        return false;
    }
    memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
    out->len = (socklen_t)res->ai_addrlen;
    if (out->ss.ss_family == AF_INET)
        ((struct sockaddr_in *)&out->ss)->sin_port = htons((uint16_t)port);
    else if (out->ss.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&out->ss)->sin6_port = htons((uint16_t)port);
    freeaddrinfo(res);
    return true;
}
