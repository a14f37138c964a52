/*
 * response.c - responses coming back through sipproxy (RFC 3261 16.7 and
 * 16.11): the top Via must be ours, with a branch that verifies as ours
 * (branch.h); it is removed and the response goes to the next Via's
 * received/rport or sent-by (numeric unless resolve_names = yes).
 */
#include "wctx.h"

#include <string.h>

#include "sipmsg.h"

void sp_handle_response(sp_worker *w, osip_message_t *m, size_t sock)
{
    osip_via_t *via;
    osip_generic_param_t *br = NULL;
    const char *host = NULL;
    int port = 0;
    sp_addr dst;
    char err[256] = "no usable Via";

    if (!sip_response_check(m)) {
        log_debug(w->log, "malformed response dropped");
        goto out;
    }
    via = osip_list_get(&m->vias, 0);
    if (!sp_is_me(w, via->host, sp_addr_port(via->port)) ||
        osip_via_param_get_byname(via, "branch", &br) != 0 || br == NULL ||
        sip_branch_loop_of(br->gvalue) == NULL) {
        log_debug(w->log, "response %d whose top Via is not ours dropped",
                  m->status_code);
        goto out;
    }
    /* Only a response to a request we forwarded goes on: its branch must
     * be the keyed hash of the Via below it, or anyone could have us
     * relay a forged response to any address. */
    if (!sip_branch_verify(&w->branch_key, m)) {
        log_debug(w->log, "response %d whose branch is not ours dropped",
                  m->status_code);
        goto out;
    }
    osip_list_remove(&m->vias, 0);
    osip_via_free(via);
    m->message_property = 2;
    via = osip_list_get(&m->vias, 0);
    if (via == NULL) {
        log_debug(w->log, "response %d without a Via left dropped",
                  m->status_code);
        goto out;
    }
    if (!sip_via_target(via, &host, &port) ||
        !sp_resolve(w, host, port, &dst, err, sizeof err)) {
        log_debug(w->log, "response %d dropped: cannot reach the next Via: "
                  "%s", m->status_code, err);
        goto out;
    }
    /* sp_send_msg logs its own failures. */
    (void)sp_send_msg(w, sp_pick_socket(w, dst.ss.ss_family, sock), m, &dst);
out:
    osip_message_free(m);
}
