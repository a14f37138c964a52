/*
 * audit_verify.c - "dbctl audit verify [--start HEX] FILE...": checks the
 * hash chain of audit trail files, taken in the order given as one chain,
 * and says what the first problem means.  Without --start, a first record
 * whose prev is not 64 zeros is taken as the start (the files continue an
 * older one), and dbctl says so: only that older file can prove the link.
 */
#include "audit_cmd.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "audit_chain.h"

#define PREV_KEY ",\"prev\":\""
#define PREV_KEY_LEN (sizeof PREV_KEY - 1)
/* ,"prev":"HEX","hash":"HEX"} (see audit_chain.h) */
#define TAIL_LEN (PREV_KEY_LEN + DBD_AUDIT_HEX_SIZE + \
                  sizeof "\",\"hash\":\"" - 1 + DBD_AUDIT_HEX_SIZE + 2)

static bool lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/*
 * The prev of the first record of the files into hex: true when there is
 * one that can be read.  Anything odd (no line, no newline, no tail, an
 * unreadable file) is false: the verification then starts from zeros and
 * reports that problem itself.
 */
static bool first_prev(const char *const *paths, size_t n,
                       char hex[DBD_AUDIT_HEX_SIZE + 1], const char **path)
{
    strbuf line = {0};
    bool found = false;

    for (size_t i = 0; i < n && !found; i++) {
        FILE *fp = fopen(paths[i], "rb");
        int c = EOF;

        if (fp == NULL)
            break;
        line.len = 0;
        while (line.len < DBD_AUDIT_MAX_LINE && (c = getc(fp)) != EOF &&
               c != '\n') {
            char ch = (char)c;

            if (sb_append(&line, &ch, 1) != 0)
                break;
        }
        if (fclose(fp) != 0 || c == EOF) {
            if (line.len > 0 || c != EOF)
                break; /* cut short or unreadable: verify says so */
            continue;  /* an empty file: the chain goes on in the next */
        }
        if (c == '\n' && line.len >= TAIL_LEN + 1 &&
            memcmp(line.data + line.len - TAIL_LEN, PREV_KEY,
                   PREV_KEY_LEN) == 0) {
            const char *p = line.data + line.len - TAIL_LEN + PREV_KEY_LEN;

            if (lower_hex(p, DBD_AUDIT_HEX_SIZE)) {
                memcpy(hex, p, DBD_AUDIT_HEX_SIZE);
                hex[DBD_AUDIT_HEX_SIZE] = '\0';
                *path = paths[i];
                found = true;
            }
        }
        break;
    }
    sb_free(&line);
    return found;
}

static const char *meaning(dbd_audit_kind kind)
{
    switch (kind) {
    case DBD_AUDIT_ALTERED:
        return "this record was changed after it was written: its hash "
               "does not match its bytes";
    case DBD_AUDIT_BROKEN_LINK:
        return "this record is intact but does not follow the one before "
               "it: a record before it was removed or one was inserted, a "
               "file is missing or out of order, or --start is not the last "
               "hash before these files";
    case DBD_AUDIT_MALFORMED:
        return "this line is not a whole sealed record: cut short (dbd "
               "stopped while writing, a full disk), edited, or the file is "
               "not an audit trail";
    case DBD_AUDIT_GOOD:
    case DBD_AUDIT_IO_ERROR:
    default:
        return "";
    }
}

int audit_verify(dbctl *d, int argc, char **argv)
{
    char start[DBD_AUDIT_HEX_SIZE + 1], found[DBD_AUDIT_HEX_SIZE + 1];
    const char **paths = NULL, *start_arg = NULL, *first = NULL;
    dbd_audit_problem p;
    bool options = true, continues = false;
    size_t n = 0;
    int code, rc;

    paths = calloc((size_t)argc, sizeof *paths);
    if (paths == NULL) {
        fprintf(d->err, "dbctl: INTERNAL: out of memory\n");
        code = DBD_INTERNAL;
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        if (options && strcmp(argv[i], "--") == 0) {
            options = false;
        } else if (options &&
                   (rc = opt_value(argc, argv, &i, "--start", &start_arg)) != 0) {
            if (rc < 0) {
                code = dbctl_usage(d, "audit", "--start needs a value");
                goto out;
            }
        } else if (options && argv[i][0] == '-' && argv[i][1] == '-') {
            code = dbctl_usage(d, "audit", "verify: no option \"%s\"",
                               argv[i]);
            goto out;
        } else {
            paths[n++] = argv[i];
        }
    }
    if (n == 0) {
        code = dbctl_usage(d, "audit", "verify wants FILE...");
        goto out;
    }
    if (start_arg != NULL) {
        /* Upper case is accepted; the chain writes lower case. */
        if (strlen(start_arg) != DBD_AUDIT_HEX_SIZE) {
            code = dbctl_usage(d, "audit", "--start wants 64 hex digits");
            goto out;
        }
        for (size_t i = 0; i <= DBD_AUDIT_HEX_SIZE; i++)
            start[i] = (char)tolower((unsigned char)start_arg[i]);
        if (!lower_hex(start, DBD_AUDIT_HEX_SIZE)) {
            code = dbctl_usage(d, "audit", "--start wants 64 hex digits");
            goto out;
        }
    } else if (first_prev(paths, n, found, &first) &&
               strspn(found, "0") != DBD_AUDIT_HEX_SIZE) {
        continues = true;
        memcpy(start, found, sizeof start);
        fprintf(d->out, "%s continues an earlier file whose last hash was "
                "%s; check it against that file\n", first, start);
    }
    rc = dbd_audit_verify_files(paths, n, start_arg || continues ? start
                                                                 : NULL, &p);
    if (rc < 0) {
        fprintf(d->err, "dbctl: audit verify: %s\n", p.message);
        code = AUDIT_EXIT_VERIFY_IO;
    } else if (rc > 0) {
        fprintf(d->out, "%s:%" PRIu64 ": %s: %s\n", p.path, p.line,
                dbd_audit_kind_name(p.kind), p.message);
        fprintf(d->out, "meaning: %s (%" PRIu64 " records before it are "
                "good)\n", meaning(p.kind), p.records);
        code = AUDIT_EXIT_VERIFY_BAD;
    } else {
        fprintf(d->out, "OK: %" PRIu64 " records in %zu file%s; last hash "
                "%s\n", p.records, n, n == 1 ? "" : "s", p.last_hex);
        code = 0;
    }
    if (fflush(d->out) != 0 || ferror(d->out)) {
        fprintf(d->err, "dbctl: cannot write the output: %s\n",
                strerror(errno));
        code = DBCTL_EXIT_IOERR;
    }
out:
    free(paths);
    return code;
}
