/*
 * tap.c - TAP output of the suite: one "ok N - DS: CASE: what" line per
 * check, "# got X, want Y" under a failure, skips for unsupported cases.
 * Only the main thread prints.
 */
#include "conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool vreport(conf_t *T, bool pass, const char *fmt, va_list ap)
{
    T->n++;
    if (!pass) {
        T->failures++;
        T->case_failures++;
    }
    printf("%s %d - ", pass ? "ok" : "not ok", T->n);
    if (T->ds != NULL)
        printf("%s: ", T->ds->name);
    if (T->kase != NULL)
        printf("%s: ", T->kase);
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
    return pass;
}

bool conf_ok(conf_t *T, bool pass, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    pass = vreport(T, pass, fmt, ap);
    va_end(ap);
    return pass;
}

void conf_diag(const char *fmt, ...)
{
    va_list ap;

    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

void conf_skip(conf_t *T, const char *why)
{
    T->n++;
    printf("ok %d - %s: %s # SKIP %s\n", T->n, T->ds->name, T->kase, why);
    fflush(stdout);
}

bool ck_status(conf_t *T, const dbd_result *r, dbd_status want,
               const char *fmt, ...)
{
    dbd_status got = r != NULL ? dbd_result_status(r) : DBD_INTERNAL;
    va_list ap;
    bool pass;

    va_start(ap, fmt);
    pass = vreport(T, got == want, fmt, ap);
    va_end(ap);
    if (!pass)
        conf_diag("got %s (%s), want %s", dbd_status_name(got),
                  r != NULL ? dbd_result_message(r) : "no result",
                  dbd_status_name(want));
    return pass;
}

bool ck_int(conf_t *T, long long got, long long want, const char *fmt, ...)
{
    va_list ap;
    bool pass;

    va_start(ap, fmt);
    pass = vreport(T, got == want, fmt, ap);
    va_end(ap);
    if (!pass)
        conf_diag("got %lld, want %lld", got, want);
    return pass;
}

bool ck_str(conf_t *T, const char *got, const char *want, const char *fmt,
            ...)
{
    va_list ap;
    bool pass = got != NULL && strcmp(got, want) == 0;

    va_start(ap, fmt);
    pass = vreport(T, pass, fmt, ap);
    va_end(ap);
    if (!pass)
        conf_diag("got \"%s\", want \"%s\"", got != NULL ? got : "(none)",
                  want);
    return pass;
}

/* Where two strings or blobs first differ, for long values. */
static void diag_difference(const dbd_value *a, const dbd_value *b)
{
    size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;

    for (size_t i = 0; i < n; i++)
        if (a->u.s.ptr[i] != b->u.s.ptr[i]) {
            conf_diag("first difference at byte %zu", i);
            return;
        }
    conf_diag("one is a prefix of the other");
}

bool ck_value(conf_t *T, const dbd_value *got, const dbd_value *want,
              const char *fmt, ...)
{
    static const dbd_value missing = {.type = DBD_TYPE_NULL};
    char g[CONF_DESCRIBE_MAX], w[CONF_DESCRIBE_MAX];
    va_list ap;
    bool pass = got != NULL && conf_value_same(got, want);

    va_start(ap, fmt);
    pass = vreport(T, pass, fmt, ap);
    va_end(ap);
    if (!pass) {
        conf_describe(got != NULL ? got : &missing, g);
        conf_describe(want, w);
        conf_diag("got %s%s, want %s", got != NULL ? "" : "no cell: ", g, w);
        if (got != NULL && got->type == want->type &&
            (got->type == DBD_TYPE_STRING || got->type == DBD_TYPE_BLOB))
            diag_difference(got, want);
    }
    return pass;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "[a, b, c]" into out, shortened when long. */
static void list_text(const char *const *v, size_t n, char *out, size_t len)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n && used + 1 < len; i++) {
        int w = snprintf(out + used, len - used, "%s\"%s\"", i > 0 ? ", " : "",
                         v[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (used >= len && len > 4)
        memcpy(out + len - 4, "...", 4);
}

bool ck_keys(conf_t *T, const dbd_result *r, const char *const *want,
             size_t nwant, bool ordered, const char *fmt, ...)
{
    long kcol = dbd_result_col_index(r, "k");
    size_t ngot = dbd_result_nrows(r);
    const char **got = calloc(ngot + 1, sizeof *got);
    const char **exp = calloc(nwant + 1, sizeof *exp);
    bool pass = dbd_result_status(r) == DBD_OK && kcol >= 0 && ngot == nwant;
    va_list ap;

    if (got == NULL || exp == NULL)
        conf_die("out of memory");
    for (size_t i = 0; i < ngot; i++) {
        size_t len;
        if (kcol < 0 || dbd_result_get_string(r, i, (size_t)kcol, &got[i],
                                              &len) != 0)
            got[i] = "(not a string)";
    }
    if (nwant > 0)
        memcpy(exp, want, nwant * sizeof *exp);
    if (!ordered) {
        qsort(got, ngot, sizeof *got, cmp_str);
        qsort(exp, nwant, sizeof *exp, cmp_str);
    }
    for (size_t i = 0; pass && i < ngot; i++)
        pass = strcmp(got[i], exp[i]) == 0;
    va_start(ap, fmt);
    pass = vreport(T, pass, fmt, ap);
    va_end(ap);
    if (!pass) {
        char g[600], w[600];
        if (dbd_result_status(r) != DBD_OK)
            conf_diag("status %s: %s", dbd_status_name(dbd_result_status(r)),
                      dbd_result_message(r));
        list_text(got, ngot, g, sizeof g);
        list_text(exp, nwant, w, sizeof w);
        conf_diag("got [%s], want [%s]", g, w);
    }
    free(got);
    free(exp);
    return pass;
}
