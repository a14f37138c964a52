/*
 * codec.h - MessagePack encoding and decoding of requests and replies
 * (the byte layout is specified in proto/PROTOCOL.md).
 *
 * Decoders never trust their input: every field is type- and range-checked,
 * unknown fields are skipped, and any problem yields DBD_BAD with a message
 * naming the field, never an abort.
 */
#ifndef DBD_CODEC_H
#define DBD_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h" /* dbd_buf, the codec's output */
#include "request.h"
#include "result.h"

/* Appends the encoding of req to out. 0, or -1 on allocation failure. */
int dbd_request_encode(const dbd_request *req, dbd_buf *out);

/*
 * Decodes and validates one request message.  On DBD_OK *out is a new
 * request owned by the caller.  Otherwise *out is NULL, err holds the reason
 * and *id holds the request id when one could be read (else 0), so that the
 * BAD reply can still carry it.  A version outside
 * DBD_PROTOCOL_MIN_VERSION..DBD_PROTOCOL_VERSION is BAD.
 */
dbd_status dbd_request_decode(const void *data, size_t len,
                              dbd_request **out, uint64_t *id, char *err,
                              size_t errlen);

/*
 * Encodes a complete reply in one message (no chunking): status, message,
 * counters, columns, rows and batch sub-results of r.
 */
int dbd_reply_encode(uint64_t id, const dbd_result *r, dbd_buf *out);

/*
 * Streaming reply writer (daemon side).  Rows are packed as they come; once
 * the packed rows pass chunk_bytes the writer emits a chunk message
 * ("more": true) through flush, and keeps going.  finish() emits the last
 * message with the final status, message and counters.  When a stream ends
 * in an error after chunks were sent, the final message carries the error
 * and the client discards the rows it got (PROTOCOL.md, "Chunking").
 * flush returns 0, or non-zero to abort (the client is gone); the writer
 * then returns -1 from row() and finish().
 */
typedef int (*dbd_flush_fn)(void *ctx, const void *data, size_t len,
                            bool more);
typedef struct dbd_reply_writer dbd_reply_writer;

dbd_reply_writer *dbd_reply_writer_new(uint64_t id, size_t chunk_bytes,
                                       dbd_flush_fn flush, void *ctx);
void dbd_reply_writer_destroy(dbd_reply_writer **pw);
int dbd_reply_writer_columns(dbd_reply_writer *w, size_t n,
                             const char *const *names, const dbd_type *types);
int dbd_reply_writer_row(dbd_reply_writer *w, const dbd_value *values);
/* Batch: appends a finished sub-result (copied). */
int dbd_reply_writer_sub(dbd_reply_writer *w, const dbd_result *sub);
/* affected < 0 and last_id == 0 are left out of the message. */
int dbd_reply_writer_finish(dbd_reply_writer *w, dbd_status st,
                            const char *msg, int64_t affected,
                            int64_t last_id);
/* Rows written so far (all chunks). */
uint64_t dbd_reply_writer_rows(const dbd_reply_writer *w);

/*
 * Decodes one reply message and merges it into r (columns from the first
 * chunk, rows appended, status/counters/sub-results from the last).  *id
 * gets the request id and *more tells whether further chunks follow.
 * Returns DBD_OK, or DBD_BAD (err says why) for a malformed message, in
 * which case r is unchanged as far as status goes.
 */
dbd_status dbd_reply_decode(const void *data, size_t len, dbd_result *r,
                            uint64_t *id, bool *more, char *err,
                            size_t errlen);

/* Peeks the id of a reply without decoding the rest; false if unreadable. */
bool dbd_reply_peek_id(const void *data, size_t len, uint64_t *id);

#endif
