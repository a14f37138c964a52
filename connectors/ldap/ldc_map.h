/*
 * ldc_map.h - the mapping file of the ldap connector: which entries hold
 * each table's rows and which attribute holds each column.
 *
 * The file is INI (parsed with inih), one section per table:
 *
 *   [conf]
 *   base = ou=conf                 ; relative to the URL's base DN
 *   scope = one                    ; one (default) or sub
 *   objectclass = dbdConf          ; space separated; all are required
 *   rdn = k                        ; the columns naming an entry
 *   rdnattr = dbdKey               ; optional: name entries by this
 *                                  ; attribute holding the key text
 *   autoincrement = id             ; optional
 *   unique = id                    ; further unique keys, "a b, c"
 *   column.id = dbdConfId int notnull
 *   column.k = dbdConfK string notnull
 *   column.s = dbdConfS string     ; nullable unless notnull is given
 *   default.s = text               ; written when an insert omits s
 *
 * A column line is "ATTRIBUTE TYPE [notnull|null] [inexact]"; TYPE is one
 * of int, double, string, blob, datetime, bool.  "inexact" says the
 * attribute's equality matching is coarser than byte equality (a
 * caseIgnore attribute, say), so "<>" is not sent to the server.  Columns
 * keep the order of their lines.
 *
 * Without rdnattr an entry's RDN is made of the RDN columns' own
 * attributes (a multi-valued RDN for several), so their values must be
 * non-empty UTF-8.  With rdnattr the RDN is rdnattr=KEY, KEY being the
 * key text of ldc_entry.h, which any values have; the columns are then
 * ordinary attributes of the entry.
 *
 * A loaded map is read-only and owns all of its strings.
 */
#ifndef LDC_MAP_H
#define LDC_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "value.h"

typedef struct ldc_column {
    char *name;       /* column name (an identifier) */
    char *attr;       /* LDAP attribute description */
    dbd_type type;    /* int, double, string, blob, datetime or bool */
    bool notnull;
    bool exact;       /* the attribute's equality is byte/number exact */
    bool rdn;         /* part of the entry's RDN */
    bool has_default; /* def holds the value written when omitted */
    dbd_value def;    /* strings point into def_text */
    char *def_text;
} ldc_column;

/* One unique key: column indexes. */
typedef struct ldc_key {
    size_t *cols;
    size_t n;
} ldc_key;

typedef struct ldc_table {
    size_t index;      /* position in the map: 0 .. ntables-1 */
    char *name;
    char *base;        /* absolute DN of the entry the rows live under */
    int scope;         /* LDAP_SCOPE_ONELEVEL or LDAP_SCOPE_SUBTREE */
    char **classes;    /* object classes, nclasses >= 1, NULL-terminated */
    size_t nclasses;
    char *class_filter; /* "(objectClass=a)(objectClass=b)" */
    ldc_column *cols;
    size_t ncols;
    size_t *rdn;       /* column indexes of the RDN, nrdn >= 1 */
    size_t nrdn;
    char *rdnattr;     /* naming attribute holding the key text, or NULL */
    long autoinc;      /* column index, or -1 */
    ldc_key *uniques;  /* keys other than the RDN, checked before writes */
    size_t nuniques;
} ldc_table;

typedef struct ldc_map ldc_map;

/*
 * Loads path; table bases are joined to basedn (which may be empty).
 * NULL with a message naming the file, line and problem in err.
 */
ldc_map *ldc_map_load(const char *path, const char *basedn, char *err,
                      size_t errlen);
void ldc_map_destroy(ldc_map **pmap);

/* The table called name, or NULL. */
const ldc_table *ldc_map_table(const ldc_map *m, const char *name);
size_t ldc_map_ntables(const ldc_map *m);
const ldc_table *ldc_map_table_at(const ldc_map *m, size_t i);
/* Index of column name in t, or -1. */
long ldc_table_column(const ldc_table *t, const char *name);
/* Index of the column held by attribute attr (case-insensitive, options
 * after ';' ignored), or -1. */
long ldc_table_attr(const ldc_table *t, const char *attr, size_t len);

/* DBD_NOTFOUND naming the table and the missing column. */
dbd_status ldc_no_column(const ldc_table *t, const char *column, char *msg,
                         size_t msglen);

#endif
