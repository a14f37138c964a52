/* ldc_entry.c - DNs and modification lists (see ldc_entry.h). */
#include "ldc_entry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ldc_value.h"

/* Is p[0..len) well-formed UTF-8 (no overlongs, no surrogates)? */
static bool utf8_valid(const unsigned char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

/* RFC 4514 value escaping: letters, digits, UTF-8 sequences and a few
 * harmless marks stay; every other byte becomes \XX, which also covers
 * leading and trailing spaces, '#', and the specials , + " \ < > ; =. */
static void escape_value(dbd_buf *b, const char *p, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            (ch >= '0' && ch <= '9') || ch >= 0x80 ||
            (ch != '\0' && strchr("-._@:/", ch) != NULL)) {
            dbd_buf_append_char(b, (char)ch);
        } else {
            char esc[3] = {'\\', hex[ch >> 4], hex[ch & 15]};
            dbd_buf_append(b, esc, sizeof esc);
        }
    }
}

static void append_hex(dbd_buf *b, const char *p, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        char two[2] = {hex[ch >> 4], hex[ch & 15]};
        dbd_buf_append(b, two, sizeof two);
    }
}

dbd_status ldc_entry_key(const ldc_table *t, const dbd_value *row,
                         dbd_buf *out, char *msg, size_t msglen)
{
    for (size_t i = 0; i < t->nrdn; i++) {
        const ldc_column *col = &t->cols[t->rdn[i]];
        const dbd_value *v = &row[t->rdn[i]];
        char text[LDC_TEXT_MAX];
        const char *p;
        size_t len;
        if (v->type == DBD_TYPE_NULL)
            return dbd_failf(DBD_CONSTRAINT, msg, msglen,
                             "column '%s' names the entry (rdn) and cannot "
                             "be NULL", col->name);
        if (!ldc_value_encode(v, text, &p, &len))
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s': the value has no LDAP form",
                             col->name);
        if (i > 0)
            dbd_buf_append_char(out, '+');
        if (len > 0 && p[0] != '#' && memchr(p, '+', len) == NULL &&
            utf8_valid((const unsigned char *)p, len)) {
            dbd_buf_append(out, p, len);
        } else {
            dbd_buf_append_char(out, '#');
            append_hex(out, p, len);
        }
    }
    if (out->failed)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    return DBD_OK;
}

dbd_status ldc_entry_rdn(const ldc_table *t, const dbd_value *row,
                         dbd_buf *out, char *msg, size_t msglen)
{
    if (t->rdnattr != NULL) {
        dbd_buf key;
        dbd_buf_init(&key);
        dbd_status st = ldc_entry_key(t, row, &key, msg, msglen);
        if (st == DBD_OK) {
            dbd_buf_append_str(out, t->rdnattr);
            dbd_buf_append_char(out, '=');
            escape_value(out, key.data != NULL ? key.data : "", key.len);
            if (out->failed)
                st = dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
        }
        dbd_buf_free(&key);
        return st;
    }
    for (size_t i = 0; i < t->nrdn; i++) {
        const ldc_column *col = &t->cols[t->rdn[i]];
        const dbd_value *v = &row[t->rdn[i]];
        char text[LDC_TEXT_MAX];
        const char *p;
        size_t len;
        if (v->type == DBD_TYPE_NULL)
            return dbd_failf(DBD_CONSTRAINT, msg, msglen,
                             "column '%s' names the entry (rdn) and cannot "
                             "be NULL", col->name);
        if (!ldc_value_encode(v, text, &p, &len))
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s': the value has no LDAP form",
                             col->name);
        if (len == 0 || !utf8_valid((const unsigned char *)p, len))
            return dbd_failf(DBD_BAD, msg, msglen,
                             "column '%s' names the entry (rdn): LDAP cannot "
                             "name an entry by %s", col->name,
                             len == 0 ? "an empty value"
                                      : "bytes that are not UTF-8");
        if (i > 0)
            dbd_buf_append_char(out, '+');
        dbd_buf_append_str(out, col->attr);
        dbd_buf_append_char(out, '=');
        escape_value(out, p, len);
    }
    if (out->failed)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    return DBD_OK;
}

dbd_status ldc_entry_dn(const ldc_table *t, const dbd_value *row,
                        dbd_buf *out, char *msg, size_t msglen)
{
    dbd_status st = ldc_entry_rdn(t, row, out, msg, msglen);
    if (st != DBD_OK)
        return st;
    if (t->base[0] != '\0') {
        dbd_buf_append_char(out, ',');
        dbd_buf_append_str(out, t->base);
    }
    if (out->failed)
        return dbd_failf(DBD_INTERNAL, msg, msglen, "out of memory");
    return DBD_OK;
}

typedef char text_slot[LDC_TEXT_MAX];

struct ldc_mods {
    size_t n, max;
    LDAPMod *mods;
    LDAPMod **list;        /* max + 1 */
    struct berval *bv;     /* one value per modification */
    struct berval **bvp;   /* two per modification: {&bv[i], NULL} */
    text_slot *text;       /* encoded numbers and times */
};

ldc_mods *ldc_mods_new(size_t max)
{
    ldc_mods *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->max = max;
    m->mods = calloc(max + 1, sizeof *m->mods);
    m->list = calloc(max + 1, sizeof *m->list);
    m->bv = calloc(max + 1, sizeof *m->bv);
    m->bvp = calloc(2 * (max + 1), sizeof *m->bvp);
    m->text = calloc(max + 1, sizeof *m->text);
    if (m->mods == NULL || m->list == NULL || m->bv == NULL ||
        m->bvp == NULL || m->text == NULL)
        ldc_mods_destroy(&m);
    return m;
}

void ldc_mods_destroy(ldc_mods **pm)
{
    if (pm == NULL || *pm == NULL)
        return;
    ldc_mods *m = *pm;
    free(m->mods);
    free(m->list);
    free(m->bv);
    free(m->bvp);
    free(m->text);
    free(m);
    *pm = NULL;
}

bool ldc_mods_value(ldc_mods *m, int op, const char *attr,
                    const dbd_value *v)
{
    if (m->n == m->max)
        return false;
    size_t i = m->n;
    LDAPMod *mod = &m->mods[i];
    mod->mod_op = op | LDAP_MOD_BVALUES;
    mod->mod_type = (char *)attr;
    mod->mod_bvalues = NULL;
    if (v != NULL && v->type != DBD_TYPE_NULL) {
        const char *p;
        size_t len;
        if (!ldc_value_encode(v, m->text[i], &p, &len))
            return false;
        m->bv[i].bv_val = (char *)p; /* libldap only reads it */
        m->bv[i].bv_len = len;
        m->bvp[2 * i] = &m->bv[i];
        m->bvp[2 * i + 1] = NULL;
        mod->mod_bvalues = &m->bvp[2 * i];
    }
    m->list[i] = mod;
    m->list[++m->n] = NULL;
    return true;
}

bool ldc_mods_strings(ldc_mods *m, int op, const char *attr, char **vals)
{
    if (m->n == m->max)
        return false;
    LDAPMod *mod = &m->mods[m->n];
    mod->mod_op = op;
    mod->mod_type = (char *)attr;
    mod->mod_values = vals;
    m->list[m->n] = mod;
    m->list[++m->n] = NULL;
    return true;
}

size_t ldc_mods_count(const ldc_mods *m)
{
    return m->n;
}

LDAPMod **ldc_mods_list(ldc_mods *m)
{
    return m->list;
}
