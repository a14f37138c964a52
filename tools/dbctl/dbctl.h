/*
 * dbctl.h - what the parts of dbctl share: the run-time settings, the exit
 * codes and the functions each file provides.
 */
#ifndef DBCTL_H
#define DBCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "dbdclient.h"

/* Exit codes besides the status codes 0..10 (sysexits.h values). */
#define DBCTL_EXIT_USAGE 64   /* bad command line */
#define DBCTL_EXIT_DATAERR 65 /* bad batch file content */
#define DBCTL_EXIT_NOINPUT 66 /* batch file cannot be read */
#define DBCTL_EXIT_CANTCREAT 73 /* keygen: a key file cannot be created */
#define DBCTL_EXIT_IOERR 74   /* output could not be written */

typedef struct dbctl {
    const char *endpoint;
    const char *name;   /* --name: the client name sent; NULL: per command */
    const char *key_file;        /* --key / $DBD_KEY: own key pair; NULL */
    const char *server_key_file; /* --server-key / $DBD_SERVER_KEY; NULL */
    int timeout_ms;     /* -1: the library default */
    bool json;
    dbd_arena *scratch; /* parsed values live here until exit */
    FILE *out;
    FILE *err;
} dbctl;

/* A command: argv[0] is the command name. Returns the exit code. */
typedef int (*dbctl_cmd_fn)(dbctl *d, int argc, char **argv);

/* dbctl.c */
/* Prints "dbctl: CMD: message" and a hint; returns DBCTL_EXIT_USAGE. */
int dbctl_usage(dbctl *d, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A client of d->endpoint whose requests carry the name d->name, else
 * fallback ("dbctl", "dbctl migrate"), with the CURVE keys of d when it
 * has some; NULL after printing why. */
dbd_client *dbctl_connect(dbctl *d, const char *fallback);
/* The CURVE keys of --key and --server-key, loaded from their files. */
typedef struct dbctl_keys {
    char server[41]; /* dbd's public key, Z85 */
    char public[41]; /* dbctl's key pair */
    char secret[41];
} dbctl_keys;
/* 1 with *k filled when both key files are given, 0 when neither is, or
 * DBCTL_EXIT_USAGE after printing why (one without the other, a file that
 * cannot be read).  Clear k->secret with explicit_bzero() after use. */
int dbctl_keys_load(dbctl *d, dbctl_keys *k);
/* Sends req, prints the result, returns the exit code. Destroys *preq. */
int dbctl_run(dbctl *d, dbd_request **preq);
/* The exit code of a result printed already; its error goes to stderr. */
int dbctl_outcome(dbctl *d, const dbd_result *r);

/* help.c */
void help_general(FILE *f);
/* false when cmd is unknown. */
bool help_command(FILE *f, const char *cmd);

/* literal.c: values, conditions and assignments of the command line. */
int literal_parse(dbd_arena *a, const char *text, dbd_value *out,
                  char *err, size_t errlen);
/* A raw parameter: text, or ":LITERAL". */
int param_parse(dbd_arena *a, const char *text, dbd_value *out, char *err,
                size_t errlen);
/* Add COLUMN[:]OPERATOR VALUE to op's conditions, COLUMN=TEXT or
 * COLUMN:=LITERAL to its values; -1 with err set when arg is malformed. */
int cond_add(dbd_arena *a, dbd_request *req, dbd_op *op, const char *arg,
             char *err, size_t errlen);
int assign_add(dbd_arena *a, dbd_request *req, dbd_op *op, const char *arg,
               char *err, size_t errlen);

/* opargs.c: the arguments of a data operation after its table (conditions,
 * assignments, options of op->kind); -1 with err set on a usage error. */
int opargs_parse(dbd_arena *a, dbd_request *req, dbd_op *op, int argc,
                 char **argv, char *err, size_t errlen);
/* The option parser used by every command: "--name VALUE" or
 * "--name=VALUE".  Returns 1 and sets *value when argv[*i] is the option
 * (advancing *i past its value), 0 when it is not, -1 when its value is
 * missing. */
int opt_value(int argc, char **argv, int *i, const char *name,
              const char **value);
bool opt_flag(char **argv, int i, const char *name);

/* words.c: splits a batch line into words (shell-like quoting). */
int words_split(dbd_arena *a, const char *line, char ***words, int *nwords,
                char *err, size_t errlen);

/* format.c: a growable string and the display text of one value. */
typedef struct strbuf {
    char *data;
    size_t len, cap;
} strbuf;
int sb_append(strbuf *b, const char *s, size_t len);
int sb_printf(strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_free(strbuf *b);
int format_double(strbuf *b, double d);
int format_datetime(strbuf *b, int64_t usec);
int format_value(strbuf *b, const dbd_value *v);

/* out_table.c and out_json.c; 0, or -1 when memory ran out.  req names
 * the operations of a batch. */
int out_table(FILE *f, const dbd_result *r, const dbd_request *req);
int out_json(FILE *f, const dbd_result *r);
/* r's object with one more member, key: extra's object (NULL: none). */
int out_json_with(FILE *f, const dbd_result *r, const char *key,
                  const dbd_result *extra);

/* Commands (cmd_admin.c, cmd_data.c, cmd_batch.c, cmd_migrate.c). */
int cmd_ping(dbctl *d, int argc, char **argv);
int cmd_datasources(dbctl *d, int argc, char **argv);
int cmd_hosts(dbctl *d, int argc, char **argv);
int cmd_swap(dbctl *d, int argc, char **argv);
int cmd_reload(dbctl *d, int argc, char **argv);
int cmd_stats(dbctl *d, int argc, char **argv);
int cmd_query(dbctl *d, int argc, char **argv);
int cmd_insert(dbctl *d, int argc, char **argv);
int cmd_update(dbctl *d, int argc, char **argv);
int cmd_delete(dbctl *d, int argc, char **argv);
int cmd_replace(dbctl *d, int argc, char **argv);
int cmd_raw(dbctl *d, int argc, char **argv);
int cmd_batch(dbctl *d, int argc, char **argv);
int cmd_migrate(dbctl *d, int argc, char **argv);
int cmd_audit(dbctl *d, int argc, char **argv); /* cmd_audit.c */
int cmd_keygen(dbctl *d, int argc, char **argv); /* cmd_keygen.c */

#endif
