/*
 * wctx.h - the inside of a worker, shared by the modules that handle SIP
 * messages in it: the worker's state, the task (one SIP request being
 * handled, possibly parked while dbd answers), and the functions the flows
 * call on each other.
 *
 * A task runs as a chain of steps.  A step may send dbd requests into the
 * task's slots (sp_task_query) and name the next step (sp_task_then); the
 * next step runs once every slot has its result, with the results in an
 * sp_answer that the worker frees after the step.  A step that names no
 * next step ends the task: the worker frees it.
 */
#ifndef SP_WCTX_H
#define SP_WCTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osipparser2/osip_message.h>

#include "addr.h"
#include "auth.h"
#include "branch.h"
#include "conf.h"
#include "dbdclient.h"
#include "listen.h"
#include "log.h"
#include "nonce.h"
#include "pending.h"
#include "registrar.h"
#include "route.h"

#define SP_TASK_SLOTS 2
#define SP_RX_MAX 65536

typedef struct sp_task sp_task;

typedef struct sp_worker {
    const sp_conf *cfg;
    const dbd_log *log;
    const sp_socket *socks;    /* this worker's own, one per listen */
    size_t nsocks;             /* address, in listen order */
    unsigned index;
    const sip_nonce_key *nonce_key;
    sip_branch_key branch_key; /* derived from the nonce key (shared) */
    dbd_client *dbd;
    sp_pending *pending;
    sp_task *ready;            /* tasks whose next step can run now */
    int64_t next_cleanup_us;   /* monotonic; 0 = cleanup off */
    int64_t dbd_warn_us;       /* rate limit of dbd failure warnings */
    unsigned dbd_warn_dropped;
    bool sha256_ha1_warned;
    int64_t data_warn_us;      /* rate limit of bad-data warnings */
    unsigned data_warn_dropped;
    char *rxbuf;
} sp_worker;

typedef struct sp_answer {
    dbd_result *res[SP_TASK_SLOTS]; /* NULL when no result came */
    dbd_status st[SP_TASK_SLOTS];   /* the status of each slot */
} sp_answer;

typedef void (*sp_step_fn)(sp_worker *w, sp_task *t, const sp_answer *a);

/* What a request goes on to after the caller's credentials are checked. */
typedef enum sp_after_auth {
    SP_AFTER_LOCATE, /* a local user: location lookup */
    SP_AFTER_PREFIX, /* elsewhere: prefix routing */
    SP_AFTER_ROUTE   /* a preloaded Route: follow it */
} sp_after_auth;

struct sp_task {
    osip_message_t *msg;       /* the request (owned); NULL for internal jobs */
    sp_addr src;
    char src_ip[SP_ADDR_IP_MAX];
    int src_port;
    size_t sock;               /* the socket it came in on */
    char branch[SIP_BRANCH_MAX]; /* our Via branch, computed on arrival */
    /* the dbd conversation */
    sp_step_fn next;
    int outstanding;
    dbd_result *res[SP_TASK_SLOTS];
    dbd_status st[SP_TASK_SLOTS];
    sp_task *ready_next;
    bool queued;
    /* flow state */
    char user[128];            /* AoR or target user */
    char domain[128];          /* AoR or target domain */
    char realm[128];
    sip_credentials cred;
    sp_after_auth after_auth;
    bool authenticated;        /* valid Proxy-Authorization of a local user */
    bool used_dbd;             /* has sent a dbd request (max_pending) */
    bool reg_retried;          /* REGISTER re-planned after a CONSTRAINT */
    char *ruri;                /* the Request-URI as received (osip_malloc) */
    reg_plan plan;
    bool have_plan;
    int64_t plan_now_us;       /* the "now" the plan was made with */
    route_rule rule;
    bool have_rule;
    int64_t started_us;        /* monotonic, for the debug log */
};

/* --- tasks (task.c) --- */
sp_task *sp_task_new(osip_message_t *msg, const sp_addr *src, size_t sock);
/* Frees *pt (NULL allowed) and sets it to NULL. */
void sp_task_destroy(sp_task **pt);
/* Sends req (not taken: the caller destroys it) for slot; on failure the
 * slot completes as UNAVAILABLE.  req NULL (a builder failed) completes it
 * as INTERNAL.  A task's first query when max_pending requests are
 * already parked completes as BUSY (answered 503 + Retry-After). */
void sp_task_query(sp_worker *w, sp_task *t, int slot, dbd_request *req);
/* step runs when every slot queried so far has its result. */
void sp_task_then(sp_worker *w, sp_task *t, sp_step_fn step);
/* A result from dbd_client_collect(), or an expired one (res NULL). */
void sp_task_deliver(sp_worker *w, uint64_t id, dbd_result *res,
                     dbd_status st);
/* Runs step as the task's first step (the task is freed when it ends). */
void sp_task_start(sp_worker *w, sp_task *t, sp_step_fn step);
/* The same for a task already taken out of the pending table. */
void sp_task_complete(sp_worker *w, sp_task *t, int slot, dbd_result *res,
                      dbd_status st);
/* Runs the tasks whose results are all in. */
void sp_task_run_ready(sp_worker *w);
/* Shutdown: answers 503 to every parked request and frees the tasks. */
void sp_task_abort_all(sp_worker *w);

/* --- sending (send.c) --- */
/* The socket for a destination of family: the task's own when it fits. */
size_t sp_pick_socket(const sp_worker *w, int family, size_t preferred);
/* Serialises and sends m to dst from socket sock; 0 or -1 (logged). */
int sp_send_msg(sp_worker *w, size_t sock, osip_message_t *m,
                const sp_addr *dst);
/* Extra headers of a response. */
typedef struct sp_hdr {
    const char *name, *value;
} sp_hdr;
/* Answers the task's request (never an ACK) with code; reason NULL = the
 * usual phrase. */
void sp_respond(sp_worker *w, const sp_task *t, int code, const char *reason,
                const sp_hdr *hdrs, size_t nhdrs);
/* Answers a dbd failure: 503 + Retry-After for UNAVAILABLE, BUSY and
 * TIMEOUT (a stopped dbd shows as timeouts), 500 otherwise; logs what
 * failed (rate-limited). */
void sp_respond_dbd_error(sp_worker *w, const sp_task *t, dbd_status st,
                          const sp_answer *a, const char *what);
/* A warning about unusable data (rows, config), one a second at most. */
void sp_warn_data(sp_worker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 401/407 with one challenge per configured algorithm. */
void sp_respond_challenge(sp_worker *w, const sp_task *t, bool proxy,
                          bool stale);

/* Where to send to: host (numeric, or a name resolved only with
 * resolve_names = yes: resolution blocks the worker) and port. */
bool sp_resolve(const sp_worker *w, const char *host, int port, sp_addr *out,
                char *err, size_t errlen);

/* --- who we are (self.c) --- */
/* true when host:port (port <= 0: 5060) is one of our sockets. */
bool sp_is_me(const sp_worker *w, const char *host, int port);
/* true when uri is ours: a local domain or our address, and a port that
 * is absent or ours. */
bool sp_uri_is_local(const sp_worker *w, const osip_uri_t *uri);
/* The AoR domain for a local host: the domain as configured, or the first
 * domain when host is one of our addresses.  NULL when not local. */
const char *sp_local_domain(const sp_worker *w, const char *host);

/* true for a user part that looks like a phone number: an optional '+'
 * then digits only (self.c). */
bool sp_is_number(const char *user);

/* --- flows --- */
void sp_handle_request(sp_worker *w, sp_task *t, const sp_answer *a); /* dispatch.c */
void sp_handle_response(sp_worker *w, osip_message_t *m, size_t sock); /* response.c */
void sp_register_start(sp_worker *w, sp_task *t);         /* flow_register.c */
void sp_auth_request_start(sp_worker *w, sp_task *t);     /* flow_authreq.c */
void sp_locate_start(sp_worker *w, sp_task *t);           /* flow_locate.c */
void sp_prefix_start(sp_worker *w, sp_task *t);           /* flow_prefix.c */
void sp_cleanup_start(sp_worker *w);                      /* flow_cleanup.c */
/* Forwards the task's request (forward.c): to dst, or when dst is NULL to
 * the top Route or else the Request-URI. */
void sp_forward(sp_worker *w, sp_task *t, const sp_addr *dst);

/* A subscriber query: columns (may be NULL) of the row user@domain. */
dbd_request *sp_query_subscriber(const sp_worker *w, const char *user,
                                 const char *domain, const char *const *columns,
                                 size_t ncolumns);

/* The current time in the two clocks. */
int64_t sp_now_real_us(void);
int64_t sp_now_mono_us(void);

#endif
