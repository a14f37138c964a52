/*
 * main.c - the connector conformance suite (tests/integration/
 * test_conformance): reads DBD_ENDPOINT and DBD_CONFORMANCE_DS (the
 * datasources to test, space-separated; default "sq tx"), learns each one's
 * scheme and capabilities from dbd's datasources op, runs the one list of
 * cases against each, and ends with the capability matrix as TAP comments:
 *
 *     # matrix DS: passed P, failed F, unsupported: case, case
 *
 * (P and F count cases; a case fails when any of its checks does).
 * DBD_CONFORMANCE_CASES (comma-separated words) runs only the cases whose
 * names contain one of them, e.g. "type,operator".  Exits 1 when a check
 * failed.
 */
#include "conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DS 32

static void copy_cell(const dbd_result *r, size_t row, const char *col,
                      char *out, size_t len)
{
    const char *s = NULL;
    size_t n = 0;
    long c = dbd_result_col_index(r, col);

    out[0] = '\0';
    if (c >= 0 && dbd_result_get_string(r, row, (size_t)c, &s, &n) == 0)
        snprintf(out, len, "%.*s", (int)n, s);
}

/* Fills scheme, health and caps of every datasource dbd lists. */
static bool fetch_datasources(conf_t *T, conf_ds *ds, size_t nds)
{
    dbd_request *q = dbd_request_new(DBD_OP_DATASOURCES, NULL, NULL);
    dbd_result *r;
    bool ok;

    if (q == NULL)
        conf_die("dbd_request_new failed");
    r = conf_call(T, &q, CONF_TIMEOUT_MS);
    ok = ck_status(T, r, DBD_OK, "datasources op");
    if (ok && !conf_ok(T, dbd_result_col_index(r, "caps") >= 0,
                       "datasources op has a caps column")) {
        conf_diag("got %zu columns without caps, want caps",
                  dbd_result_ncols(r));
        ok = false;
    }
    for (size_t row = 0; ok && row < dbd_result_nrows(r); row++) {
        char name[128];

        copy_cell(r, row, "name", name, sizeof name);
        for (size_t i = 0; i < nds; i++) {
            if (strcmp(ds[i].name, name) != 0)
                continue;
            ds[i].listed = true;
            copy_cell(r, row, "scheme", ds[i].scheme, sizeof ds[i].scheme);
            copy_cell(r, row, "health", ds[i].health, sizeof ds[i].health);
            copy_cell(r, row, "caps", ds[i].caps_text,
                      sizeof ds[i].caps_text);
            ds[i].caps = conf_caps_parse(ds[i].caps_text);
            ds[i].expect = conf_expectations(ds[i].name, ds[i].scheme);
        }
    }
    dbd_result_destroy(&r);
    return ok;
}

static void print_matrix(const conf_ds *ds, size_t nds)
{
    conf_diag("capability matrix (cases per datasource):");
    for (size_t i = 0; i < nds; i++)
        conf_diag("matrix %s: passed %d, failed %d, unsupported: %s",
                  ds[i].name, ds[i].passed, ds[i].failed,
                  ds[i].unsupported[0] != '\0' ? ds[i].unsupported : "none");
}

int main(void)
{
    const char *endpoint = getenv("DBD_ENDPOINT");
    const char *list = getenv("DBD_CONFORMANCE_DS");
    conf_ds ds[MAX_DS];
    conf_t T = {0};
    size_t nds = 0;
    char *names = NULL, *save = NULL, err[256];
    int rc = 1;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (endpoint == NULL || endpoint[0] == '\0') {
        printf("1..0 # SKIP DBD_ENDPOINT is not set\n");
        return 0;
    }
    names = strdup(list != NULL && list[0] != '\0' ? list : "sq tx");
    if (names == NULL)
        conf_die("out of memory");
    memset(ds, 0, sizeof ds);
    for (char *tok = strtok_r(names, " \t", &save); tok != NULL;
         tok = strtok_r(NULL, " \t", &save)) {
        if (nds == MAX_DS) {
            fprintf(stderr, "test_conformance: more than %d datasources\n",
                    MAX_DS);
            goto out;
        }
        ds[nds++].name = tok;
    }
    T.endpoint = endpoint;
    T.c = dbd_client_new(endpoint, err, sizeof err);
    if (T.c == NULL) {
        printf("Bail out! cannot create a client for %s: %s\n", endpoint,
               err);
        goto out;
    }
    dbd_client_set_max_reply(T.c, (size_t)256 << 20);
    if (fetch_datasources(&T, ds, nds))
        for (size_t i = 0; i < nds; i++)
            conf_run_ds(&T, &ds[i]);
    print_matrix(ds, nds);
    printf("1..%d\n", T.n);
    rc = T.failures > 0 ? 1 : 0;
out:
    dbd_client_destroy(&T.c);
    free(T.subscriber_ref);
    free(names);
    return rc;
}
