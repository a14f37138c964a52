/*
 * audit_chain.c - the hash chain of the audit trail: sealing records and
 * verifying files of them line by line (see audit_chain.h for the format).
 * The record body is opaque bytes here: a line is checked by its fixed
 * tail ,"prev":"<64 hex>","hash":"<64 hex>"}, never parsed as JSON.
 */
#include "audit_chain.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "hex.h"

#define PREV_KEY ",\"prev\":\""
#define HASH_KEY "\",\"hash\":\""
#define TAIL_END "\"}"
#define PREV_KEY_LEN (sizeof PREV_KEY - 1)
#define HASH_KEY_LEN (sizeof HASH_KEY - 1)
#define TAIL_END_LEN (sizeof TAIL_END - 1)
/* ,"prev":"HEX","hash":"HEX"} */
#define TAIL_LEN (PREV_KEY_LEN + DBD_AUDIT_HEX_SIZE + HASH_KEY_LEN + \
                  DBD_AUDIT_HEX_SIZE + TAIL_END_LEN)
/* Read in blocks; a line is gathered in a buffer capped at the limit. */
#define READ_BLOCK 16384

void dbd_audit_chain_init(dbd_audit_chain *c)
{
    memset(c->prev, 0, sizeof c->prev);
    c->records = 0;
}

int dbd_audit_chain_init_hex(dbd_audit_chain *c, const char *hex)
{
    if (hex == NULL || strlen(hex) != DBD_AUDIT_HEX_SIZE ||
        !dbd_hex_decode(hex, DBD_AUDIT_HASH_SIZE, c->prev))
        return -1;
    c->records = 0;
    return 0;
}

void dbd_audit_chain_hex(const dbd_audit_chain *c,
                         char hex[DBD_AUDIT_HEX_SIZE + 1])
{
    dbd_hex_encode(c->prev, DBD_AUDIT_HASH_SIZE, hex);
}

/* The hash of a record: prev raw bytes, then the line up to ,"hash":". */
static void record_hash(const unsigned char *prev, const char *head,
                        size_t head_len, unsigned char *digest)
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, DBD_AUDIT_HASH_SIZE, prev);
    sha256_update(&ctx, head_len, (const uint8_t *)head);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
}

int dbd_audit_seal(dbd_audit_chain *c, const char *body, size_t len,
                   dbd_buf *out)
{
    size_t start = out->len;
    unsigned char digest[DBD_AUDIT_HASH_SIZE];
    char hex[DBD_AUDIT_HEX_SIZE + 1];
    int rc = -1;

    if (out->failed || len == 0 || body[0] != '{' ||
        memchr(body, '\n', len) != NULL)
        goto out;
    /* Build the hashed head in out itself, so it is hashed as written. */
    dbd_hex_encode(c->prev, DBD_AUDIT_HASH_SIZE, hex);
    dbd_buf_append(out, body, len);
    dbd_buf_append(out, PREV_KEY, PREV_KEY_LEN);
    dbd_buf_append(out, hex, DBD_AUDIT_HEX_SIZE);
    dbd_buf_append_char(out, '"');
    if (out->failed)
        goto out;
    record_hash(c->prev, out->data + start, out->len - start, digest);
    dbd_hex_encode(digest, DBD_AUDIT_HASH_SIZE, hex);
    /* The closing quote of prev is already there: skip it in the key. */
    dbd_buf_append(out, HASH_KEY + 1, HASH_KEY_LEN - 1);
    dbd_buf_append(out, hex, DBD_AUDIT_HEX_SIZE);
    dbd_buf_append(out, TAIL_END "\n", TAIL_END_LEN + 1);
    if (out->failed)
        goto out;
    memcpy(c->prev, digest, sizeof digest);
    c->records++;
    rc = 0;
out:
    if (rc != 0 && out->len > start) {
        bool failed = out->failed;
        dbd_buf_truncate(out, start);
        out->failed = failed; /* keep the sticky failure visible */
    }
    return rc;
}

const char *dbd_audit_kind_name(dbd_audit_kind kind)
{
    switch (kind) {
    case DBD_AUDIT_GOOD: return "GOOD";
    case DBD_AUDIT_ALTERED: return "ALTERED";
    case DBD_AUDIT_BROKEN_LINK: return "BROKEN_LINK";
    case DBD_AUDIT_MALFORMED: return "MALFORMED";
    case DBD_AUDIT_IO_ERROR: return "IO_ERROR";
    }
    return "?";
}

__attribute__((format(printf, 3, 4)))
static void problem(dbd_audit_problem *out, dbd_audit_kind kind,
                    const char *fmt, ...)
{
    va_list ap;
    out->kind = kind;
    va_start(ap, fmt);
    vsnprintf(out->message, sizeof out->message, fmt, ap);
    va_end(ap);
}

/* Reads one file's lines in blocks; the current line is gathered in line. */
typedef struct line_reader {
    FILE *fp;
    char block[READ_BLOCK];
    size_t pos, end;
    dbd_buf line;
} line_reader;

enum read_result { READ_LINE, READ_LAST, READ_EOF, READ_LONG, READ_ERROR };

/* The next line into r->line without its newline: READ_LINE (it ended in
 * a newline), READ_LAST (end of file without one), READ_EOF (no more
 * bytes), READ_LONG (over the limit), READ_ERROR (errno says why). */
static enum read_result read_line(line_reader *r)
{
    dbd_buf_reset(&r->line);
    for (;;) {
        if (r->pos == r->end) {
            r->end = fread(r->block, 1, sizeof r->block, r->fp);
            r->pos = 0;
            if (r->end == 0) {
                if (ferror(r->fp))
                    return READ_ERROR;
                return r->line.len > 0 ? READ_LAST : READ_EOF;
            }
        }
        const char *from = r->block + r->pos;
        const char *nl = memchr(from, '\n', r->end - r->pos);
        size_t piece = nl != NULL ? (size_t)(nl - from)
                                  : r->end - r->pos;
        /* The limit counts the newline too. */
        if (r->line.len + piece + 1 > DBD_AUDIT_MAX_LINE)
            return READ_LONG;
        if (dbd_buf_append(&r->line, from, piece) != 0) {
            errno = ENOMEM;
            return READ_ERROR;
        }
        r->pos += piece;
        if (nl != NULL) {
            r->pos++;
            return READ_LINE;
        }
    }
}

/* Checks one complete line against the chain; 0 good (chain advanced),
 * 1 a problem (out filled). */
static int check_line(const char *line, size_t len, dbd_audit_chain *c,
                      dbd_audit_problem *out)
{
    unsigned char prev[DBD_AUDIT_HASH_SIZE], hash[DBD_AUDIT_HASH_SIZE];
    unsigned char digest[DBD_AUDIT_HASH_SIZE];
    const char *tail, *prev_hex, *hash_hex;

    /* The body is at least "{". */
    if (len < TAIL_LEN + 1 || line[0] != '{') {
        problem(out, DBD_AUDIT_MALFORMED,
                "not a sealed record (too short or no '{' at the start)");
        return 1;
    }
    tail = line + len - TAIL_LEN;
    prev_hex = tail + PREV_KEY_LEN;
    hash_hex = prev_hex + DBD_AUDIT_HEX_SIZE + HASH_KEY_LEN;
    if (memcmp(tail, PREV_KEY, PREV_KEY_LEN) != 0 ||
        memcmp(prev_hex + DBD_AUDIT_HEX_SIZE, HASH_KEY, HASH_KEY_LEN) != 0 ||
        memcmp(hash_hex + DBD_AUDIT_HEX_SIZE, TAIL_END, TAIL_END_LEN) != 0) {
        problem(out, DBD_AUDIT_MALFORMED,
                "no ,\"prev\":\"...\",\"hash\":\"...\"} at the end of the line");
        return 1;
    }
    if (!dbd_hex_decode(prev_hex, DBD_AUDIT_HASH_SIZE, prev) ||
        !dbd_hex_decode(hash_hex, DBD_AUDIT_HASH_SIZE, hash)) {
        problem(out, DBD_AUDIT_MALFORMED,
                "prev or hash is not 64 lowercase hex digits");
        return 1;
    }
    /* First whether the line is what was sealed, with its own prev: a
     * changed prev field is then ALTERED too; only an intact record that
     * follows the wrong one is a broken link. */
    record_hash(prev, line, (size_t)(hash_hex - HASH_KEY_LEN + 1 - line),
                digest);
    if (memcmp(digest, hash, sizeof hash) != 0) {
        problem(out, DBD_AUDIT_ALTERED,
                "hash does not match the record's bytes");
        return 1;
    }
    if (memcmp(prev, c->prev, sizeof prev) != 0) {
        char want[DBD_AUDIT_HEX_SIZE + 1];
        dbd_audit_chain_hex(c, want);
        problem(out, DBD_AUDIT_BROKEN_LINK,
                "prev is not the previous record's hash %s (a record was "
                "removed or inserted before this one)", want);
        return 1;
    }
    memcpy(c->prev, hash, sizeof hash);
    c->records++;
    return 0;
}

/* Verifies one open file; 0 good, 1 problem, -1 I/O error. */
static int verify_file(line_reader *r, dbd_audit_chain *c,
                       dbd_audit_problem *out)
{
    for (;;) {
        enum read_result got = read_line(r);
        if (got == READ_EOF)
            return 0;
        out->line++;
        switch (got) {
        case READ_LINE:
            if (check_line(r->line.data != NULL ? r->line.data : "",
                           r->line.len, c, out) != 0)
                return 1;
            break;
        case READ_LAST:
            problem(out, DBD_AUDIT_MALFORMED,
                    "last line has no newline (truncated record)");
            return 1;
        case READ_LONG:
            problem(out, DBD_AUDIT_MALFORMED,
                    "line longer than %u bytes", DBD_AUDIT_MAX_LINE);
            return 1;
        case READ_ERROR:
        case READ_EOF:
        default:
            problem(out, DBD_AUDIT_IO_ERROR, "%s: read failed: %s",
                    out->path, strerror(errno));
            return -1;
        }
    }
}

int dbd_audit_verify_files(const char *const *paths, size_t n,
                           const char *start_hex, dbd_audit_problem *out)
{
    dbd_audit_chain chain;
    line_reader *r = NULL;
    int rc = -1;

    memset(out, 0, sizeof *out);
    dbd_audit_chain_init(&chain);
    if (start_hex != NULL && dbd_audit_chain_init_hex(&chain, start_hex) != 0) {
        problem(out, DBD_AUDIT_IO_ERROR,
                "start hash is not 64 lowercase hex digits");
        goto out;
    }
    r = malloc(sizeof *r);
    if (r == NULL) {
        problem(out, DBD_AUDIT_IO_ERROR, "out of memory");
        goto out;
    }
    dbd_buf_init(&r->line);
    r->fp = NULL;
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        out->file = i;
        out->path = paths[i];
        out->line = 0;
        r->pos = r->end = 0;
        r->fp = fopen(paths[i], "rb");
        if (r->fp == NULL) {
            problem(out, DBD_AUDIT_IO_ERROR, "%s: cannot open: %s",
                    paths[i], strerror(errno));
            rc = -1;
            break;
        }
        rc = verify_file(r, &chain, out);
        if (fclose(r->fp) != 0 && rc == 0) {
            problem(out, DBD_AUDIT_IO_ERROR, "%s: close failed: %s",
                    paths[i], strerror(errno));
            rc = -1;
        }
        r->fp = NULL;
    }
    if (rc == 0) {
        out->kind = DBD_AUDIT_GOOD;
        out->path = NULL;
        out->line = 0;
        out->message[0] = '\0';
    }
out:
    out->records = chain.records;
    dbd_audit_chain_hex(&chain, out->last_hex);
    if (r != NULL)
        dbd_buf_free(&r->line);
    free(r);
    return rc;
}
