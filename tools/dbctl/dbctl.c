/*
 * dbctl.c - the entry point of dbctl: global options (accepted anywhere
 * before "--"), command dispatch, running one request and turning its
 * status into the exit code.
 */
#include "dbctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "curve_key.h"

static const struct {
    const char *name;
    dbctl_cmd_fn fn;
} commands[] = {
    {"ping", cmd_ping},       {"datasources", cmd_datasources},
    {"stats", cmd_stats},     {"query", cmd_query},
    {"insert", cmd_insert},   {"update", cmd_update},
    {"delete", cmd_delete},   {"replace", cmd_replace},
    {"raw", cmd_raw},         {"batch", cmd_batch},
    {"hosts", cmd_hosts},     {"swap", cmd_swap},
    {"reload", cmd_reload},   {"migrate", cmd_migrate},
    {"audit", cmd_audit},     {"keygen", cmd_keygen},
};

int dbctl_usage(dbctl *d, const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fputs("dbctl: ", d->err);
    if (cmd != NULL)
        fprintf(d->err, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(d->err, fmt, ap);
    va_end(ap);
    if (cmd != NULL)
        fprintf(d->err, "\n(see \"dbctl help %s\")\n", cmd);
    else
        fputs("\n(see \"dbctl --help\")\n", d->err);
    return DBCTL_EXIT_USAGE;
}

/* The exit code for a result: its status, or for a batch that is OK as a
 * whole, that of its first failed operation. */
static int result_exit_code(const dbd_result *r)
{
    dbd_status st = dbd_result_status(r);

    if (st != DBD_OK)
        return (int)st;
    for (size_t i = 0; i < dbd_result_nsubs(r); i++) {
        st = dbd_result_status(dbd_result_sub(r, i));
        if (st != DBD_OK)
            return (int)st;
    }
    return 0;
}

/* The error line(s) on stderr: the result's, or its first failed op's. */
static void report_error(dbctl *d, const dbd_result *r)
{
    dbd_status st = dbd_result_status(r);

    if (st != DBD_OK) {
        fprintf(d->err, "dbctl: %s: %s\n", dbd_status_name(st),
                dbd_result_message(r));
        return;
    }
    for (size_t i = 0; i < dbd_result_nsubs(r); i++) {
        const dbd_result *sub = dbd_result_sub(r, i);

        if (dbd_result_status(sub) != DBD_OK) {
            fprintf(d->err, "dbctl: operation #%zu: %s: %s\n", i + 1,
                    dbd_status_name(dbd_result_status(sub)),
                    dbd_result_message(sub));
            return;
        }
    }
}

int dbctl_outcome(dbctl *d, const dbd_result *r)
{
    report_error(d, r);
    return result_exit_code(r);
}

int dbctl_keys_load(dbctl *d, dbctl_keys *k)
{
    char err[512];

    *k = (dbctl_keys){0};
    if (d->key_file == NULL && d->server_key_file == NULL)
        return 0;
    if (d->key_file == NULL || d->server_key_file == NULL)
        return dbctl_usage(d, NULL, "--key (or $DBD_KEY) and --server-key "
                           "(or $DBD_SERVER_KEY) go together: %s is "
                           "missing", d->key_file == NULL ? "--key"
                                                          : "--server-key");
    /* The server's .pub is enough; its .key works too (a test set-up). */
    if (dbd_curve_key_load(d->key_file, k->public, k->secret, err,
                           sizeof err) != 0 ||
        dbd_curve_key_load(d->server_key_file, k->server, NULL, err,
                           sizeof err) != 0) {
        explicit_bzero(k->secret, sizeof k->secret);
        fprintf(d->err, "dbctl: %s\n", err);
        return DBCTL_EXIT_USAGE;
    }
    return 1;
}

dbd_client *dbctl_connect(dbctl *d, const char *fallback)
{
    char err[256];
    dbctl_keys keys;
    dbd_client *client = NULL;
    int have_keys = dbctl_keys_load(d, &keys);

    if (have_keys != 0 && have_keys != 1)
        goto out;
    client = dbd_client_new(d->endpoint, err, sizeof err);
    if (client == NULL) {
        fprintf(d->err, "dbctl: %s\n", err);
        goto out;
    }
    if (have_keys == 1 &&
        dbd_client_set_curve(client, keys.server, keys.public,
                             keys.secret) != 0) {
        fprintf(d->err, "dbctl: cannot use the CURVE keys (does this "
                "ZeroMQ support CURVE?)\n");
        dbd_client_destroy(&client);
        goto out;
    }
    if (dbd_client_set_name(client, d->name != NULL ? d->name : fallback)
        != 0) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        dbd_client_destroy(&client);
    }
out:
    explicit_bzero(keys.secret, sizeof keys.secret);
    return client;
}

int dbctl_run(dbctl *d, dbd_request **preq)
{
    dbd_client *client = NULL;
    dbd_result *r = NULL;
    int code;

    if (*preq == NULL) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        return DBD_INTERNAL;
    }
    client = dbctl_connect(d, "dbctl");
    if (client == NULL) {
        code = DBCTL_EXIT_USAGE;
        goto out;
    }
    r = dbd_call(client, *preq, d->timeout_ms);
    if (r == NULL) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        code = DBD_INTERNAL;
        goto out;
    }
    if ((d->json ? out_json(d->out, r) : out_table(d->out, r, *preq)) != 0) {
        fprintf(d->err, "dbctl: out of memory while printing\n");
        code = DBD_INTERNAL;
        goto out;
    }
    code = dbctl_outcome(d, r);
    if (fflush(d->out) != 0 || ferror(d->out)) {
        fprintf(d->err, "dbctl: cannot write the output: %s\n",
                strerror(errno));
        code = DBCTL_EXIT_IOERR;
    }
out:
    dbd_result_destroy(&r);
    dbd_client_destroy(&client);
    dbd_request_destroy(preq);
    return code;
}

static dbctl_cmd_fn find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].fn;
    return NULL;
}

static int parse_timeout(dbctl *d, const char *text)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 ||
        v > 86400000L)
        return dbctl_usage(d, NULL,
                           "--timeout wants milliseconds (0 = none), not \"%s\"",
                           text);
    d->timeout_ms = (int)v;
    return 0;
}

/*
 * Takes the global options out of argv (up to a "--"), leaving the command
 * and its arguments in args.  Returns 0, an exit code, or -1 for "help was
 * asked for" (*help set).
 */
static int global_options(dbctl *d, int argc, char **argv, char **args,
                          int *nargs, bool *help)
{
    bool rest = false;

    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;

        if (!rest && strcmp(argv[i], "--") == 0)
            rest = true;
        if (rest) {
            args[(*nargs)++] = argv[i];
            continue;
        }
        if ((r = opt_value(argc, argv, &i, "--endpoint", &v)) != 0) {
            if (r < 0 || v[0] == '\0')
                return dbctl_usage(d, NULL, "--endpoint needs a value");
            d->endpoint = v;
        } else if ((r = opt_value(argc, argv, &i, "--timeout", &v)) != 0) {
            if (r < 0)
                return dbctl_usage(d, NULL, "--timeout needs a value");
            if ((r = parse_timeout(d, v)) != 0)
                return r;
        } else if ((r = opt_value(argc, argv, &i, "--name", &v)) != 0) {
            if (r < 0 || !dbd_request_client_valid(v, strlen(v)))
                return dbctl_usage(d, NULL, "--name wants 1 to %d printable "
                                   "ASCII characters", DBD_REQUEST_CLIENT_MAX);
            d->name = v;
        } else if ((*nargs == 0 || strcmp(args[0], "replace") != 0) &&
                   (r = opt_value(argc, argv, &i, "--key", &v)) != 0) {
            /* After "replace", --key names its key columns instead. */
            if (r < 0 || v[0] == '\0')
                return dbctl_usage(d, NULL, "--key needs a key file");
            d->key_file = v;
        } else if ((r = opt_value(argc, argv, &i, "--server-key", &v)) != 0) {
            if (r < 0 || v[0] == '\0')
                return dbctl_usage(d, NULL, "--server-key needs a key file");
            d->server_key_file = v;
        } else if (strcmp(argv[i], "--json") == 0) {
            d->json = true;
        } else if (strcmp(argv[i], "--help") == 0 ||
                   strcmp(argv[i], "-h") == 0) {
            *help = true;
        } else {
            args[(*nargs)++] = argv[i];
        }
    }
    return 0;
}

static int dispatch(dbctl *d, int nargs, char **args, bool help)
{
    dbctl_cmd_fn fn;

    if (nargs > 0 && strcmp(args[0], "help") == 0) {
        if (nargs == 1) {
            help_general(d->out);
            return 0;
        }
        return help_command(d->out, args[1])
                   ? 0
                   : dbctl_usage(d, NULL, "no help on \"%s\"", args[1]);
    }
    if (help) {
        if (nargs > 0 && help_command(d->out, args[0]))
            return 0;
        help_general(d->out);
        return 0;
    }
    if (nargs == 0)
        return dbctl_usage(d, NULL, "no command given");
    fn = find_command(args[0]);
    if (fn == NULL)
        return dbctl_usage(d, NULL, "unknown command \"%s\"", args[0]);
    return fn(d, nargs, args);
}

int main(int argc, char **argv)
{
    dbctl d = {.timeout_ms = -1, .out = stdout, .err = stderr};
    char **args = calloc((size_t)argc + 1, sizeof *args);
    const char *env = getenv("DBD_ENDPOINT");
    int nargs = 0, code;
    bool help = false;

    d.endpoint = env != NULL && env[0] != '\0' ? env : DBD_DEFAULT_ENDPOINT;
    /* The options given override these one by one. */
    env = getenv("DBD_KEY");
    d.key_file = env != NULL && env[0] != '\0' ? env : NULL;
    env = getenv("DBD_SERVER_KEY");
    d.server_key_file = env != NULL && env[0] != '\0' ? env : NULL;
    d.scratch = dbd_arena_new();
    if (args == NULL || d.scratch == NULL) {
        fprintf(stderr, "dbctl: INTERNAL: out of memory\n");
        code = DBD_INTERNAL;
        goto out;
    }
    code = global_options(&d, argc, argv, args, &nargs, &help);
    if (code == 0)
        code = dispatch(&d, nargs, args, help);
out:
    dbd_arena_destroy(&d.scratch);
    free(args);
    return code;
}
