/*
 * salvage.h - the headers needed to answer a request libosip2 could not
 * parse: only the request line and the Via, From, To, Call-ID and CSeq
 * lines are kept and parsed again, so that a bad Contact or Content-Length
 * still gets its 400 instead of silence.
 */
#ifndef SP_SALVAGE_H
#define SP_SALVAGE_H

#include <stddef.h>

#include <osipparser2/osip_message.h>

/* A request made of those lines of buf[len], or NULL when even they do not
 * parse (or buf is a response). */
osip_message_t *sip_salvage_request(const char *buf, size_t len);

#endif
