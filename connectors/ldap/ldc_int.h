/*
 * ldc_int.h - what the files of the ldap connector share: the connection
 * and the helpers every operation uses to talk to the server.
 *
 * The connection is used by one thread at a time (the connector ABI), so
 * nothing here locks.
 */
#ifndef LDC_INT_H
#define LDC_INT_H

#include <ldap.h>
#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dbd_connector.h"
#include "ldc_map.h"
#include "ldc_rows.h"

#define LDC_ATTR_NEXT_ID "dbdNextId" /* the auto-increment counter */

typedef struct ldc_conn {
    LDAP *ld;
    ldc_map *map;
    int timeout_ms;  /* longest wait for one answer; 0 = no limit */
    locale_t c_locale;
    int64_t *next_id; /* per table: counter value last seen; 0 = unknown */
} ldc_conn;

/* ldc_open.c: the connector's open, close and ping. */
dbd_status ldc_open(const dbd_host *host, const dbd_url *url,
                    const dbd_option *options, size_t noptions, void **conn,
                    char *err, size_t errlen);
void ldc_close(void *conn);
dbd_status ldc_ping(ldc_conn *c, char *msg, size_t msglen);

/* ldc_error.c: LDAP result codes onto the status table. */
dbd_status ldc_status_of(int rc);
/* "what: <LDAP text> (<server's diagnostic>)" into msg; returns the
 * status of rc. */
dbd_status ldc_fail(int rc, const char *what, const char *diag, char *msg,
                    size_t msglen);
/* The result code of the last failed library call on ld. */
int ldc_last_error(LDAP *ld);

/* ldc_conn.c: waiting for answers. */
/* tv filled from the connection's timeout; NULL when there is none. */
struct timeval *ldc_timeout(const ldc_conn *c, struct timeval *tv);
/* Waits for the one answer to msgid (add, modify, delete, rename, bind)
 * and returns its result code; the server's diagnostic goes to diag.
 * A lost connection gives LDAP_SERVER_DOWN, no answer in time
 * LDAP_TIMEOUT (the request is abandoned). */
int ldc_result(ldc_conn *c, int msgid, char *diag, size_t diaglen);

/*
 * ldc_search.c: one search, entries handed over as they arrive so that
 * large results are never held whole.  For each entry the columns with
 * want[i] set are decoded into row (one cell per table column, NULL where
 * the attribute is absent or not wanted).  fn returns DBD_OK to go on
 * (setting *stop to end the search early) or a status that ends the
 * search with it (having written msg).  sizelimit 0 = none; when the
 * caller sets one, hitting it is not an error.
 */
typedef dbd_status (*ldc_entry_fn)(void *ctx, LDAPMessage *entry,
                                   const dbd_value *row, bool *stop);
dbd_status ldc_search(ldc_conn *c, const ldc_table *t, const char *filter,
                      const bool *want, int sizelimit, ldc_entry_fn fn,
                      void *ctx, char *msg, size_t msglen);

/* ldc_query.c */
dbd_status ldc_query(ldc_conn *c, const dbd_op *op, const dbd_sink *sink,
                     dbd_exec_info *info);

/* ldc_insert.c: *exists (may be NULL) tells a refusal because an entry
 * of that name exists from other failures. */
dbd_status ldc_insert(ldc_conn *c, const ldc_table *t,
                      const dbd_assign *values, size_t n, bool *exists,
                      dbd_exec_info *info);

/* ldc_update.c: update and delete (where may be empty: every row).
 * ldc_find collects the matching entries (DN and the cells of the want
 * columns; want gains the columns where reads) before anything changes. */
dbd_status ldc_find(ldc_conn *c, const ldc_table *t, const dbd_cond *where,
                    size_t nwhere, bool *want, ldc_rows **out, char *msg,
                    size_t msglen);
dbd_status ldc_update(ldc_conn *c, const ldc_table *t, const dbd_cond *where,
                      size_t nwhere, const dbd_assign *set, size_t nset,
                      int64_t *affected, char *msg, size_t msglen);
dbd_status ldc_delete(ldc_conn *c, const ldc_table *t, const dbd_cond *where,
                      size_t nwhere, int64_t *affected, char *msg,
                      size_t msglen);

/* ldc_replace.c */
dbd_status ldc_replace(ldc_conn *c, const ldc_table *t, const dbd_op *op,
                       dbd_exec_info *info);

/* ldc_unique.c: DBD_CONSTRAINT when another entry than self_dn (NULL:
 * any) holds row's values for one of t's unique keys other than the RDN.
 * skip_col (or -1) names a column whose keys need no check (an id the
 * counter just handed out). */
dbd_status ldc_unique_check(ldc_conn *c, const ldc_table *t,
                            const dbd_value *row, const bool *changed,
                            long skip_col, const char *self_dn, char *msg,
                            size_t msglen);

/* ldc_autoinc.c: the counter in the table's base entry. */
dbd_status ldc_autoinc_next(ldc_conn *c, const ldc_table *t, int64_t *id,
                            char *msg, size_t msglen);
/* Moves the counter past an id given explicitly, as SQL backends do. */
dbd_status ldc_autoinc_seen(ldc_conn *c, const ldc_table *t, int64_t id,
                            char *msg, size_t msglen);

#endif
