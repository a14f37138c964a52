/*
 * audit_chain.h - the hash chain of the audit trail: sealing a record
 * (appending its "prev" and "hash" fields) and verifying files of sealed
 * records, so that an altered, removed or inserted record is found.
 *
 * A sealed record is one line:
 *   BODY,"prev":"<64 hex>","hash":"<64 hex>"}\n
 * where BODY is the record's JSON from its '{' up to just before ,"prev".
 * "hash" is the lowercase hex SHA-256 of the 32 raw bytes of the previous
 * record's hash followed by the line's bytes up to and excluding
 * ,"hash":" (BODY, ,"prev":", the prev hex and its closing quote).
 * "prev" is the previous record's hash in hex; the first record of a chain
 * has 64 zeros; each file continues the chain of the file before it.
 */
#ifndef DBD_AUDIT_CHAIN_H
#define DBD_AUDIT_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define DBD_AUDIT_HASH_SIZE 32
#define DBD_AUDIT_HEX_SIZE 64
/* The longest line verify accepts, its newline included. */
#define DBD_AUDIT_MAX_LINE (1024u * 1024u)

/* The state of a chain: plain data, kept by the caller (no allocation). */
typedef struct dbd_audit_chain {
    unsigned char prev[DBD_AUDIT_HASH_SIZE]; /* hash of the last record */
    uint64_t records;                        /* records sealed so far */
} dbd_audit_chain;

/* Starts a new chain: prev is all zeros, no records. */
void dbd_audit_chain_init(dbd_audit_chain *c);
/* Continues the chain whose last hash is hex (64 lowercase hex digits,
 * NUL-terminated), e.g. from a previous file; records starts at 0.
 * 0, or -1 (c unchanged) when hex is not exactly that. */
int dbd_audit_chain_init_hex(dbd_audit_chain *c, const char *hex);
/* The hash of the last record (zeros for a new chain) as 64 lowercase hex
 * digits and a NUL. */
void dbd_audit_chain_hex(const dbd_audit_chain *c,
                         char hex[DBD_AUDIT_HEX_SIZE + 1]);

/*
 * Seals one record: appends body, then ,"prev":"HEX","hash":"HEX"}\n to
 * out and advances the chain.  body is the record from its '{' up to just
 * before where ,"prev" goes; it must start with '{' and hold no newline
 * (a record is one line).  0, or -1 when body is not so or memory ran
 * out; then out is as before (failed set on allocation failure) and the
 * chain did not advance.
 */
int dbd_audit_seal(dbd_audit_chain *c, const char *body, size_t len,
                   dbd_buf *out);

typedef enum dbd_audit_kind {
    DBD_AUDIT_GOOD = 0,    /* no problem */
    DBD_AUDIT_ALTERED,     /* hash does not match the line's bytes */
    DBD_AUDIT_BROKEN_LINK, /* prev is not the previous record's hash */
    DBD_AUDIT_MALFORMED,   /* no parsable prev/hash, too long, no newline */
    DBD_AUDIT_IO_ERROR     /* a file could not be opened or read */
} dbd_audit_kind;

/* What verify found: the first problem, or on success the chain's end. */
typedef struct dbd_audit_problem {
    dbd_audit_kind kind;
    const char *path;   /* the file (one of the caller's paths), or NULL */
    size_t file;        /* its index in paths */
    uint64_t line;      /* 1-based line in that file; 0 when none */
    uint64_t records;   /* records verified good before the problem */
    char last_hex[DBD_AUDIT_HEX_SIZE + 1]; /* hash of the last good one */
    char message[256];  /* what was wrong, for people */
} dbd_audit_problem;

/* The kind's name: "GOOD", "ALTERED", "BROKEN_LINK", "MALFORMED",
 * "IO_ERROR" ("?" for others). */
const char *dbd_audit_kind_name(dbd_audit_kind kind);

/*
 * Verifies the n files in paths as one chain, in order, starting from
 * start_hex (64 lowercase hex digits) or, when NULL, from 64 zeros.
 * Streams: reads line by line, memory is bounded by DBD_AUDIT_MAX_LINE.
 * Returns 0 when every record is good (out->kind GOOD, records and
 * last_hex give the end of the chain, to continue it), 1 at the first
 * problem found (out names it), -1 on an I/O error or an invalid
 * start_hex (out->kind IO_ERROR, message says which).  out is required.
 */
int dbd_audit_verify_files(const char *const *paths, size_t n,
                           const char *start_hex, dbd_audit_problem *out);

#endif
