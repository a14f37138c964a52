/*
 * opargs.c - the arguments of a data operation after its table, shared by
 * the query/insert/update/delete/replace commands and the lines of a batch
 * file: conditions or assignments, and the options of each operation.
 */
#include "dbctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int opt_value(int argc, char **argv, int *i, const char *name,
              const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);

    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

bool opt_flag(char **argv, int i, const char *name)
{
    return strcmp(argv[i], name) == 0;
}

static int parse_count(const char *opt, const char *text, int64_t *out,
                       char *err, size_t errlen)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0) {
        snprintf(err, errlen, "%s wants a non-negative integer, not \"%s\"",
                 opt, text);
        return -1;
    }
    *out = v;
    return 0;
}

/* Calls add(item) for each comma-separated item of list; empty items are
 * an error. */
static int each_item(dbd_arena *a, const char *opt, const char *list,
                     int (*add)(dbd_request *, dbd_op *, char *),
                     const char *want, dbd_request *req, dbd_op *op,
                     char *err, size_t errlen)
{
    const char *p = list;

    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char *item = dbd_arena_strndup(a, p, len);

        if (item == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (len == 0) {
            snprintf(err, errlen, "%s \"%s\": empty item", opt, list);
            return -1;
        }
        if (add(req, op, item) != 0) {
            snprintf(err, errlen, "%s: bad item \"%s\" (want %s)", opt,
                     item, want);
            return -1;
        }
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

static int add_column(dbd_request *req, dbd_op *op, char *item)
{
    return dbd_op_add_column(req, op, item);
}

static int add_key(dbd_request *req, dbd_op *op, char *item)
{
    return dbd_op_add_key(req, op, item);
}

/* "col", "col:asc" or "col:desc"; item is a scratch copy. */
static int add_order(dbd_request *req, dbd_op *op, char *item)
{
    char *colon = strchr(item, ':');
    bool desc = false;

    if (colon != NULL) {
        if (strcasecmp(colon + 1, "desc") == 0)
            desc = true;
        else if (strcasecmp(colon + 1, "asc") != 0)
            return -1;
        *colon = '\0';
    }
    return dbd_op_add_order(req, op, item, desc);
}

typedef enum opt_id { O_COLUMNS, O_ORDER, O_LIMIT, O_OFFSET, O_SET, O_ALL,
                      O_KEY } opt_id;

/* The options each operation takes. */
static const struct {
    dbd_op_kind kind;
    const char *name;
    bool has_value;
    opt_id id;
} op_options[] = {
    {DBD_OP_QUERY, "--columns", true, O_COLUMNS},
    {DBD_OP_QUERY, "--order", true, O_ORDER},
    {DBD_OP_QUERY, "--limit", true, O_LIMIT},
    {DBD_OP_QUERY, "--offset", true, O_OFFSET},
    {DBD_OP_UPDATE, "--set", true, O_SET},
    {DBD_OP_UPDATE, "--all", false, O_ALL},
    {DBD_OP_DELETE, "--all", false, O_ALL},
    {DBD_OP_REPLACE, "--key", true, O_KEY},
};

static int apply_option(dbd_arena *a, dbd_request *req, dbd_op *op,
                        opt_id id, const char *name, const char *v,
                        bool *all, char *err, size_t errlen)
{
    switch (id) {
    case O_COLUMNS:
        return each_item(a, name, v, add_column, "COLUMN[,COLUMN...]", req,
                         op, err, errlen);
    case O_ORDER:
        return each_item(a, name, v, add_order,
                         "COLUMN[:asc|:desc][,COLUMN...]", req, op, err,
                         errlen);
    case O_LIMIT:
        return parse_count(name, v, &op->limit, err, errlen);
    case O_OFFSET:
        return parse_count(name, v, &op->offset, err, errlen);
    case O_SET:
        return assign_add(a, req, op, v, err, errlen);
    case O_ALL:
        *all = true;
        return 0;
    case O_KEY:
        return each_item(a, name, v, add_key, "COLUMN[,COLUMN...]", req, op,
                         err, errlen);
    }
    return -1;
}

/* Handles argv[*i] as an option of op's kind: 1 handled, 0 not one of its
 * options, -1 error (err set). */
static int op_option(dbd_arena *a, dbd_request *req, dbd_op *op, int argc,
                     char **argv, int *i, bool *all, char *err,
                     size_t errlen)
{
    for (size_t k = 0; k < sizeof op_options / sizeof op_options[0]; k++) {
        const char *name = op_options[k].name, *v = NULL;
        int r;

        if (op_options[k].kind != op->kind)
            continue;
        if (!op_options[k].has_value) {
            if (!opt_flag(argv, *i, name))
                continue;
        } else if ((r = opt_value(argc, argv, i, name, &v)) == 0) {
            continue;
        } else if (r < 0) {
            snprintf(err, errlen, "%s needs a value", name);
            return -1;
        }
        if (apply_option(a, req, op, op_options[k].id, name, v, all, err,
                         errlen) != 0)
            return -1;
        return 1;
    }
    return 0;
}

int opargs_parse(dbd_arena *a, dbd_request *req, dbd_op *op, int argc,
                 char **argv, char *err, size_t errlen)
{
    const char *kind = dbd_op_name(op->kind);
    bool options = true, all = false;

    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];

        if (options && strcmp(arg, "--") == 0) {
            options = false;
            continue;
        }
        if (options && arg[0] == '-' && arg[1] == '-') {
            int r = op_option(a, req, op, argc, argv, &i, &all, err, errlen);

            if (r < 0)
                return -1;
            if (r == 0) {
                snprintf(err, errlen, "no option \"%s\"", arg);
                return -1;
            }
            continue;
        }
        if (op->kind == DBD_OP_INSERT || op->kind == DBD_OP_REPLACE) {
            if (assign_add(a, req, op, arg, err, errlen) != 0)
                return -1;
        } else if (cond_add(a, req, op, arg, err, errlen) != 0) {
            return -1;
        }
    }

    switch (op->kind) {
    case DBD_OP_INSERT:
    case DBD_OP_REPLACE:
        if (op->nvalues == 0) {
            snprintf(err, errlen, "wants at least one COLUMN=VALUE");
            return -1;
        }
        if (op->kind == DBD_OP_REPLACE && op->nkeys == 0) {
            snprintf(err, errlen, "wants --key COLUMN[,COLUMN...]");
            return -1;
        }
        break;
    case DBD_OP_UPDATE:
        if (op->nvalues == 0) {
            snprintf(err, errlen, "wants at least one --set COLUMN=VALUE");
            return -1;
        }
        /* fall through */
    case DBD_OP_DELETE:
        if (op->nwhere == 0 && !all) {
            snprintf(err, errlen,
                     "refusing to %s every row: give conditions, or --all",
                     kind);
            return -1;
        }
        if (op->nwhere > 0 && all) {
            snprintf(err, errlen, "--all and conditions exclude each other");
            return -1;
        }
        break;
    default:
        break;
    }
    return 0;
}
