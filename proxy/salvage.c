/* salvage.c - the answerable core of an unparsable request (see salvage.h). */
#include "salvage.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_parser.h>

/* Long and compact names of the headers a response copies. */
static bool wanted(const char *line, size_t len)
{
    static const char *const names[] = {"via", "v", "from", "f", "to", "t",
                                        "call-id", "i", "cseq"};
    const char *colon = memchr(line, ':', len);
    size_t n;
    if (colon == NULL)
        return false;
    n = (size_t)(colon - line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
        n--;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && strncasecmp(line, names[i], n) == 0)
            return true;
    return false;
}

osip_message_t *sip_salvage_request(const char *buf, size_t len)
{
    /* Each kept line may gain a CR: twice the input is always enough. */
    char *out = malloc(2 * len + 4);
    const char *p = buf, *end = buf + len;
    size_t o = 0;
    bool first = true;
    osip_message_t *m = NULL;

    if (out == NULL)
        return NULL;
    if (len >= 4 && strncmp(buf, "SIP/", 4) == 0)
        goto out; /* a response: never answered */
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t llen = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        size_t keep = llen;
        if (keep > 0 && p[keep - 1] == '\r')
            keep--;
        if (keep == 0)
            break; /* end of the headers */
        if (first || wanted(p, keep)) {
            memcpy(out + o, p, keep);
            o += keep;
            out[o++] = '\r';
            out[o++] = '\n';
        }
        first = false;
        p += llen + (nl != NULL ? 1 : 0);
    }
    out[o++] = '\r';
    out[o++] = '\n';
    if (osip_message_init(&m) != 0) {
        m = NULL;
        goto out;
    }
    if (osip_message_parse(m, out, o) != 0 || !MSG_IS_REQUEST(m)) {
        osip_message_free(m);
        m = NULL;
    }
out:
    free(out);
    return m;
}
