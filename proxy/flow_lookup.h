/*
 * flow_lookup.h - the subscriber and location lookups that REGISTER
 * (flow_register.c) and requests to a local user (flow_locate.c) ask for
 * together: subscriber in slot 0, the user's bindings in slot 1.
 */
#ifndef SP_FLOW_LOOKUP_H
#define SP_FLOW_LOOKUP_H

#include <stdbool.h>

#include "wctx.h"

#define SP_SLOT_SUBSCRIBER 0
#define SP_SLOT_LOCATION 1

/* true when both lookups are OK; otherwise the request has been answered
 * for the first that failed (sp_respond_dbd_error) and false. */
bool sp_user_lookups_ok(sp_worker *w, const sp_task *t, const sp_answer *a);

#endif
