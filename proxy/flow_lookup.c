/* flow_lookup.c - the outcome of the subscriber and location lookups (see
 * flow_lookup.h). */
#include "flow_lookup.h"

bool sp_user_lookups_ok(sp_worker *w, const sp_task *t, const sp_answer *a)
{
    if (a->st[SP_SLOT_SUBSCRIBER] != DBD_OK) {
        sp_respond_dbd_error(w, t, a->st[SP_SLOT_SUBSCRIBER], a,
                             "subscriber lookup");
        return false;
    }
    if (a->st[SP_SLOT_LOCATION] != DBD_OK) {
        sp_respond_dbd_error(w, t, a->st[SP_SLOT_LOCATION], a,
                             "location lookup");
        return false;
    }
    return true;
}
