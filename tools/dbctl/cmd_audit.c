/*
 * cmd_audit.c - "dbctl audit": without arguments, dbd's audit status (the
 * name/value rows of op audit, printed like every admin result); with
 * --follow the live stream (audit_follow.c); "audit verify FILE..." checks
 * the hash chain of trail files (audit_verify.c).
 */
#include "audit_cmd.h"

#include <stdlib.h>
#include <string.h>

int audit_status_value(dbctl *d, const char *name, char **value)
{
    dbd_client *client = NULL;
    dbd_request *req = NULL;
    dbd_result *r = NULL;
    long cname, cvalue;
    int code = DBD_INTERNAL;

    *value = NULL;
    client = dbctl_connect(d, "dbctl");
    if (client == NULL) {
        code = DBCTL_EXIT_USAGE;
        goto out;
    }
    req = dbd_request_new(DBD_OP_AUDIT, NULL, NULL);
    if (req == NULL || (r = dbd_call(client, req, d->timeout_ms)) == NULL) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        goto out;
    }
    if (dbd_result_status(r) != DBD_OK) {
        code = dbctl_outcome(d, r);
        goto out;
    }
    cname = dbd_result_col_index(r, "name");
    cvalue = dbd_result_col_index(r, "value");
    for (size_t row = 0; cname >= 0 && cvalue >= 0 &&
                         row < dbd_result_nrows(r); row++) {
        const char *s, *v;
        size_t n, vn;

        if (dbd_result_get_string(r, row, (size_t)cname, &s, &n) != 0 ||
            s == NULL || n != strlen(name) || memcmp(s, name, n) != 0)
            continue;
        if (dbd_result_get_string(r, row, (size_t)cvalue, &v, &vn) != 0)
            break;
        /* An empty string may come without a pointer. */
        *value = v != NULL ? strndup(v, vn) : strdup("");
        if (*value == NULL) {
            fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
            goto out;
        }
        code = 0;
        goto out;
    }
    fprintf(d->err, "dbctl: audit: dbd's answer has no \"%s\" row\n", name);
    code = DBD_NOTFOUND;
out:
    dbd_result_destroy(&r);
    dbd_request_destroy(&req);
    dbd_client_destroy(&client);
    return code;
}

int cmd_audit(dbctl *d, int argc, char **argv)
{
    dbd_request *req;

    if (argc > 1 && strcmp(argv[1], "verify") == 0)
        return audit_verify(d, argc - 1, argv + 1);
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--follow") == 0 || strcmp(argv[i], "-f") == 0)
            return audit_follow(d, argc, argv);
    if (argc > 1)
        return dbctl_usage(d, argv[0], "unexpected argument \"%s\" (want "
                           "no argument, --follow or verify)", argv[1]);
    req = dbd_request_new(DBD_OP_AUDIT, NULL, NULL);
    return dbctl_run(d, &req);
}
