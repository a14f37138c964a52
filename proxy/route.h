/*
 * route.h - prefix routing over Kamailio drouting's dr_rules and
 * dr_gateways tables, as pure functions: the queries, the choice of rule
 * and gateway from their results, and the Request-URI number rewrite.
 *
 * Differences from Kamailio's drouting: timerec and routeid are not
 * evaluated; the groupid filter is an exact match, so a rule listing
 * several groups ("1,2") is not found through it; '#'-prefixed carrier
 * ids in gwlist are not supported and are skipped (with a warning in err).
 */
#ifndef SIP_ROUTE_H
#define SIP_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "request.h"
#include "result.h"

/* dr_rules.prefix is VARCHAR(64): longer prefixes cannot be stored. */
#define ROUTE_PREFIX_MAX 64
/* dr_rules.gwlist is VARCHAR(255): at most 128 one-digit entries. */
#define ROUTE_GWLIST_MAX 128

typedef struct route_rule { int64_t ruleid; char *prefix; int64_t priority; char *gwlist; char *groupid; } route_rule;
typedef struct route_gateway { int64_t gwid; char *address; int64_t strip; char *pri_prefix; } route_gateway;

/* dr_rules rows whose prefix is one of the prefixes of number ("" included), i.e.
 * prefix IN (...); groupid filter when groupid != NULL.  Prefixes longer
 * than ROUTE_PREFIX_MAX are not asked for.  NULL on a NULL argument or
 * allocation failure. */
dbd_request *route_query_rules(const char *ds, const char *table, const char *number,
                               const char *groupid);
/* Longest prefix that matches number wins, then the highest priority, then lowest ruleid.
 * 0 and *out filled (owned); -1 when no rule matches (no route); -2 on
 * unusable data: a missing column, a NULL or wrongly typed cell, no
 * result, or out of memory (err says which).
 * Rows whose prefix does not match number are ignored. */
int route_pick_rule(const dbd_result *rules, const char *number, route_rule *out,
                    char *err, size_t errlen);

/*
 * The gateway ids of a gwlist, in list order: comma-separated decimal ids,
 * blanks around an id allowed.  An empty entry, a non-numeric id or too many
 * entries make it invalid (-1, err says why).  '#'-prefixed carrier ids are
 * skipped: 0 with err holding a warning (err is "" when there is nothing to
 * say).  0 ids is valid here; callers decide what an empty list means.
 */
int route_gwlist_parse(const char *gwlist, int64_t ids[ROUTE_GWLIST_MAX], size_t *n,
                       char *err, size_t errlen);

/* dr_gateways rows whose gwid is in the rule's gwlist.  NULL when the
 * gwlist is invalid or names no gateway id (route_gwlist_parse says why)
 * or on allocation failure. */
dbd_request *route_query_gateways(const char *ds, const char *table, const route_rule *rule);
/* The first gwid of gwlist (in list order) present in the rows: 0.  -1
 * when the gwlist names no gateway or none of its gateways exists (no
 * route); -2 when the gwlist is invalid or a row is unusable (err says
 * which).  On success err is "" or a warning about skipped carrier ids. */
int route_pick_gateway(const dbd_result *gws, const route_rule *rule, route_gateway *out,
                       char *err, size_t errlen);

/* strip leading chars of number, prepend pri_prefix (NULL = none). -1 when out too small
 * or strip > strlen(number) or strip < 0. */
int route_rewrite(const char *number, int64_t strip, const char *pri_prefix, char *out, size_t outlen);
/* Free the strings and zero the struct; accept NULL and zeroed structs. */
void route_rule_free(route_rule *r);
void route_gateway_free(route_gateway *g);

#endif
