/* daemon_args.c - the daemons' shared command line (see daemon_args.h). */
#include "daemon_args.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void usage(const daemon_cli *cli, FILE *out)
{
    fprintf(out,
            "usage: %s [-c FILE] [-t]%s [-V] [-h]\n"
            "  -c FILE  configuration file (default %s)\n"
            "  -t       check the configuration and exit (0 good, 78 bad)\n"
            "%s"
            "  -V       print the version and exit\n"
            "  -h       print this help and exit\n",
            cli->prog, cli->takes_f ? " [-f]" : "", cli->config,
            cli->takes_f ? "  -f       log to stderr whatever the "
                           "configuration says\n"
                         : "");
}

int daemon_args_parse(const daemon_cli *cli, int argc, char **argv,
                      daemon_args *out)
{
    int opt;

    out->config = cli->config;
    out->check_only = false;
    out->force_stderr = false;
    while ((opt = getopt(argc, argv, cli->takes_f ? "c:tfVh" : "c:tVh")) !=
           -1) {
        switch (opt) {
        case 'c':
            out->config = optarg;
            break;
        case 't':
            out->check_only = true;
            break;
        case 'f':
            out->force_stderr = true;
            break;
        case 'V':
            printf("%s\n", cli->version);
            return EXIT_SUCCESS;
        case 'h':
            usage(cli, stdout);
            return EXIT_SUCCESS;
        default:
            usage(cli, stderr);
            return DAEMON_EX_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "%s: unexpected argument \"%s\"\n", cli->prog,
                argv[optind]);
        usage(cli, stderr);
        return DAEMON_EX_USAGE;
    }
    return DAEMON_ARGS_RUN;
}
