/*
 * ldc_entry.h - what writes send: an entry's RDN and DN built from its
 * row, and the list of modifications (LDAPMod) for add and modify.
 */
#ifndef LDC_ENTRY_H
#define LDC_ENTRY_H

#include <ldap.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "ldc_map.h"
#include "status.h"
#include "value.h"

/*
 * The key text of a row's RDN columns, for tables named by an rdnattr:
 * each column's attribute text as it is when it is non-empty UTF-8 that
 * neither starts with '#' nor holds '+', else '#' followed by its bytes in
 * hex; joined by '+'.  So every value, the empty string and any bytes
 * included, has a text, and distinct keys have distinct texts.  A NULL
 * RDN column is DBD_CONSTRAINT.
 */
dbd_status ldc_entry_key(const ldc_table *t, const dbd_value *row,
                         dbd_buf *out, char *msg, size_t msglen);

/*
 * The RDN of a row (one cell per table column, of the columns' types),
 * values escaped per RFC 4514: "rdnattr=KEY" when the table has an
 * rdnattr, else "attr=value[+attr=value...]" of the RDN columns' own
 * attributes.  Those cannot name an entry by an empty value or by bytes
 * that are not UTF-8 (a DN is UTF-8 text): DBD_BAD naming the column.
 */
dbd_status ldc_entry_rdn(const ldc_table *t, const dbd_value *row,
                         dbd_buf *out, char *msg, size_t msglen);
/* The RDN followed by ",<table base>". */
dbd_status ldc_entry_dn(const ldc_table *t, const dbd_value *row,
                        dbd_buf *out, char *msg, size_t msglen);

typedef struct ldc_mods ldc_mods;

/* Room for max modifications; NULL on allocation failure. */
ldc_mods *ldc_mods_new(size_t max);
void ldc_mods_destroy(ldc_mods **pm);
/* Adds one modification of attr: op is LDAP_MOD_ADD or LDAP_MOD_REPLACE;
 * v NULL (or a NULL value) means no value, which with REPLACE removes the
 * attribute.  Strings borrow v's bytes.  false when full or when v has no
 * LDAP form. */
bool ldc_mods_value(ldc_mods *m, int op, const char *attr,
                    const dbd_value *v);
/* Adds one modification with a NULL-terminated list of text values. */
bool ldc_mods_strings(ldc_mods *m, int op, const char *attr, char **vals);
size_t ldc_mods_count(const ldc_mods *m);
/* The NULL-terminated list for ldap_add_ext / ldap_modify_ext. */
LDAPMod **ldc_mods_list(ldc_mods *m);

#endif
