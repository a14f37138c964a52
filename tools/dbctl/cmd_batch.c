/*
 * cmd_batch.c - batch DS FILE|- [--no-atomic]: one operation per line,
 * written like the command of the same name without DS:
 *
 *     # comment
 *     insert t_types k=a i:=1
 *     update t_types --set i:=2 k=a
 *     raw 'UPDATE t_types SET i = i + 1 WHERE k = ?' a
 *
 * Blank lines and lines starting with '#' are skipped; words are split and
 * quoted as by a shell (see words.c).
 */
#include "dbctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The operations a batch line may hold. */
static bool batch_kind(const char *name, dbd_op_kind *kind)
{
    static const struct {
        const char *name;
        dbd_op_kind kind;
    } kinds[] = {
        {"query", DBD_OP_QUERY},   {"insert", DBD_OP_INSERT},
        {"update", DBD_OP_UPDATE}, {"delete", DBD_OP_DELETE},
        {"replace", DBD_OP_REPLACE},
    };

    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].name, name) == 0) {
            *kind = kinds[i].kind;
            return true;
        }
    return false;
}

/* raw SQL [PARAM...] in a batch. */
static int batch_raw(dbctl *d, dbd_request *req, int nwords, char **words,
                     char *err, size_t errlen)
{
    dbd_op *op;

    if (nwords < 2) {
        snprintf(err, errlen, "raw wants SQL [PARAM...]");
        return -1;
    }
    op = dbd_request_add_op(req, DBD_OP_RAW, NULL);
    if (op == NULL || dbd_op_set_raw(req, op, words[1], strlen(words[1])) != 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 2; i < nwords; i++) {
        dbd_value v;

        if (param_parse(d->scratch, words[i], &v, err, errlen) != 0)
            return -1;
        if (dbd_op_add_param(req, op, &v) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* Adds the operation of one line (no-op for blank and comment lines). */
static int batch_line(dbctl *d, dbd_request *req, const char *line,
                      char *err, size_t errlen)
{
    char **words = NULL, why[400];
    int nwords = 0;
    dbd_op_kind kind;
    dbd_op *op;

    if (words_split(d->scratch, line, &words, &nwords, err, errlen) != 0)
        return -1;
    if (nwords == 0)
        return 0;
    if (strcmp(words[0], "raw") == 0)
        return batch_raw(d, req, nwords, words, err, errlen);
    if (!batch_kind(words[0], &kind)) {
        snprintf(err, errlen,
                 "unknown operation \"%s\" (want query, insert, update, "
                 "delete, replace or raw)",
                 words[0]);
        return -1;
    }
    if (nwords < 2 || (words[1][0] == '-' && words[1][1] == '-')) {
        snprintf(err, errlen, "%s wants a TABLE first", words[0]);
        return -1;
    }
    op = dbd_request_add_op(req, kind, words[1]);
    if (op == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (opargs_parse(d->scratch, req, op, nwords - 2, words + 2, why,
                     sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", words[0], why);
        return -1;
    }
    return 0;
}

/* Reads every line of in into req; returns 0 or an exit code. */
static int batch_read(dbctl *d, FILE *in, const char *name,
                      dbd_request *req)
{
    char *line = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    char err[512];
    int code = 0;
    ssize_t n;

    errno = 0;
    while ((n = getline(&line, &cap, in)) >= 0) {
        lineno++;
        if ((size_t)n != strlen(line)) {
            fprintf(d->err, "dbctl: %s:%lu: NUL byte in line\n", name, lineno);
            code = DBCTL_EXIT_DATAERR;
            goto out;
        }
        if (batch_line(d, req, line, err, sizeof err) != 0) {
            fprintf(d->err, "dbctl: %s:%lu: %s\n", name, lineno, err);
            code = DBCTL_EXIT_DATAERR;
            goto out;
        }
    }
    if (ferror(in)) {
        fprintf(d->err, "dbctl: cannot read %s: %s\n", name, strerror(errno));
        code = DBCTL_EXIT_NOINPUT;
    } else if (req->op.nops == 0) {
        fprintf(d->err, "dbctl: %s: no operations\n", name);
        code = DBCTL_EXIT_DATAERR;
    }
out:
    free(line);
    return code;
}

int cmd_batch(dbctl *d, int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    int npos = 0, code;
    bool atomic = true, options = true;
    FILE *in = NULL;
    dbd_request *req = NULL;

    for (int i = 1; i < argc; i++) {
        if (options && strcmp(argv[i], "--") == 0) {
            options = false;
        } else if (options && strcmp(argv[i], "--no-atomic") == 0) {
            atomic = false;
        } else if (options && argv[i][0] == '-' && argv[i][1] == '-') {
            return dbctl_usage(d, argv[0], "no option \"%s\"", argv[i]);
        } else if (npos == 2) {
            return dbctl_usage(d, argv[0], "unexpected argument \"%s\"",
                               argv[i]);
        } else {
            pos[npos++] = argv[i];
        }
    }
    if (npos < 2)
        return dbctl_usage(d, argv[0], "wants DS FILE (or - for stdin)");
    in = strcmp(pos[1], "-") == 0 ? stdin : fopen(pos[1], "r");
    if (in == NULL) {
        fprintf(d->err, "dbctl: cannot open %s: %s\n", pos[1],
                strerror(errno));
        return DBCTL_EXIT_NOINPUT;
    }
    req = dbd_request_new(DBD_OP_BATCH, pos[0], NULL);
    if (req == NULL) {
        code = dbctl_run(d, &req);
        goto out;
    }
    req->op.atomic = atomic;
    code = batch_read(d, in, strcmp(pos[1], "-") == 0 ? "<stdin>" : pos[1],
                      req);
    if (code == 0)
        code = dbctl_run(d, &req);
out:
    dbd_request_destroy(&req);
    if (in != stdin)
        fclose(in);
    return code;
}
