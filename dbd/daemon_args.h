/*
 * daemon_args.h - the command line that dbd and sipproxy share: -c FILE,
 * -t (check the configuration), -V, -h and, where the program takes it,
 * -f (log to stderr), with the same usage text and exit codes.
 */
#ifndef DBD_DAEMON_ARGS_H
#define DBD_DAEMON_ARGS_H

#include <stdbool.h>

#define DAEMON_EX_USAGE 64 /* sysexits.h EX_USAGE */
#define DAEMON_ARGS_RUN (-1) /* daemon_args_parse: go on and run */

/* What a program's command line looks like. */
typedef struct daemon_cli {
    const char *prog;    /* "dbd": the usage line and messages */
    const char *config;  /* the default configuration file */
    const char *version; /* the line -V prints */
    bool takes_f;        /* -f: log to stderr whatever the config says */
} daemon_cli;

/* What the command line asked for. */
typedef struct daemon_args {
    const char *config; /* -c FILE, else cli->config */
    bool check_only;    /* -t */
    bool force_stderr;  /* -f */
} daemon_args;

/*
 * Parses argv into *out.  DAEMON_ARGS_RUN to go on, else the exit code to
 * return at once: 0 after -V or -h (printed on stdout), DAEMON_EX_USAGE
 * after a bad option or argument (usage on stderr).
 */
int daemon_args_parse(const daemon_cli *cli, int argc, char **argv,
                      daemon_args *out);

#endif
