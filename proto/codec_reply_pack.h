/*
 * codec_reply_pack.h - the pieces of a reply map that both the one-message
 * encoder (codec_reply.c) and the streaming writer (codec_reply_writer.c)
 * pack.  Not installed.  Each returns 0, or -1 on allocation failure.
 */
#ifndef DBD_CODEC_REPLY_PACK_H
#define DBD_CODEC_REPLY_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "result.h"
#include "status.h"

/* The map header with nkeys keys, then "v" and "id". */
int dbd_reply_pack_head(msgpack_packer *pk, size_t nkeys, uint64_t id);
/* "st", and "msg" (msg, or the status's default text) unless st is OK. */
int dbd_reply_pack_status(msgpack_packer *pk, dbd_status st, const char *msg);
/* "affected" when affected >= 0, "last_id" when last_id != 0. */
int dbd_reply_pack_counters(msgpack_packer *pk, int64_t affected,
                            int64_t last_id);
/* How many keys dbd_reply_pack_counters() writes. */
size_t dbd_reply_counter_keys(int64_t affected, int64_t last_id);
/* The keys of r after "v" and "id"; with sub, r as a whole sub-result map
 * of a batch reply. */
int dbd_reply_pack_result(msgpack_packer *pk, const dbd_result *r, bool sub);

#endif
