/*
 * codec_request_keys.h - the request keys and which of them each operation
 * uses, shared by the request encoder and decoder (codec_request_*.c).
 * Not installed.
 */
#ifndef DBD_CODEC_REQUEST_KEYS_H
#define DBD_CODEC_REQUEST_KEYS_H

#include "request.h"

/* The request keys, in the order the encoder writes them. */
typedef enum req_key {
    K_V, K_ID, K_OP, K_CLIENT, K_DS, K_TABLE, K_DEADLINE, K_TIMEOUT, K_COLUMNS,
    K_WHERE, K_ORDER, K_LIMIT, K_OFFSET, K_VALUES, K_SET, K_KEYS, K_SQL,
    K_PARAMS, K_ATOMIC, K_OPS, K_URL, K_MODE, K_COUNT
} req_key;

static const char *const key_names[K_COUNT] = {
    [K_V] = "v", [K_ID] = "id", [K_OP] = "op", [K_CLIENT] = "client",
    [K_DS] = "ds",
    [K_TABLE] = "table", [K_DEADLINE] = "deadline", [K_TIMEOUT] = "timeout",
    [K_COLUMNS] = "columns", [K_WHERE] = "where", [K_ORDER] = "order",
    [K_LIMIT] = "limit", [K_OFFSET] = "offset", [K_VALUES] = "values",
    [K_SET] = "set", [K_KEYS] = "keys", [K_SQL] = "sql",
    [K_PARAMS] = "params", [K_ATOMIC] = "atomic", [K_OPS] = "ops",
    [K_URL] = "url", [K_MODE] = "mode",
};

/* The bit of key k in a key set. */
#define KB(k) (1u << (k))

/* The operation-specific keys each op uses (a batch's sub-ops likewise). */
static const unsigned op_keys[DBD_OP_COUNT] = {
    [DBD_OP_PING] = KB(K_DS),
    [DBD_OP_QUERY] = KB(K_DS) | KB(K_TABLE) | KB(K_COLUMNS) | KB(K_WHERE) |
                     KB(K_ORDER) | KB(K_LIMIT) | KB(K_OFFSET),
    [DBD_OP_INSERT] = KB(K_DS) | KB(K_TABLE) | KB(K_VALUES),
    [DBD_OP_UPDATE] = KB(K_DS) | KB(K_TABLE) | KB(K_SET) | KB(K_WHERE),
    [DBD_OP_DELETE] = KB(K_DS) | KB(K_TABLE) | KB(K_WHERE),
    [DBD_OP_REPLACE] = KB(K_DS) | KB(K_TABLE) | KB(K_VALUES) | KB(K_KEYS),
    [DBD_OP_BATCH] = KB(K_DS) | KB(K_ATOMIC) | KB(K_OPS),
    [DBD_OP_RAW] = KB(K_DS) | KB(K_SQL) | KB(K_PARAMS),
    [DBD_OP_DATASOURCES] = 0,
    [DBD_OP_STATS] = 0,
    [DBD_OP_SWAP] = KB(K_DS) | KB(K_URL) | KB(K_MODE),
    [DBD_OP_RELOAD] = 0,
    [DBD_OP_MIGRATE] = KB(K_DS),
    [DBD_OP_AUDIT] = 0,
    [DBD_OP_HOSTS] = 0,
};

#endif
