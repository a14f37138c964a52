/*
 * codec_reply.c - replies to and from MessagePack (PROTOCOL.md, "Replies"
 * and "Chunking"): the one-message encoder with the packing pieces the
 * streaming writer (codec_reply_writer.c) shares, the decoder that merges
 * the chunks of one reply into a dbd_result, and the id peek.
 *
 * Keys are written in one fixed order: v, id, st, msg, cols, rows, more,
 * affected, last_id, results.
 */
#include "codec.h"
#include "codec_reply_pack.h"
#include "codec_value.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * Encoding
 * ====================================================================== */

int dbd_reply_pack_head(msgpack_packer *pk, size_t nkeys, uint64_t id)
{
    if (msgpack_pack_map(pk, nkeys) != 0 || dbd_pack_cstr(pk, "v") != 0 ||
        msgpack_pack_uint32(pk, DBD_PROTOCOL_VERSION) != 0 ||
        dbd_pack_cstr(pk, "id") != 0 || msgpack_pack_uint64(pk, id) != 0)
        return -1;
    return 0;
}

int dbd_reply_pack_status(msgpack_packer *pk, dbd_status st, const char *msg)
{
    if (dbd_pack_cstr(pk, "st") != 0 || msgpack_pack_int(pk, (int)st) != 0)
        return -1;
    if (st == DBD_OK)
        return 0;
    if (msg == NULL)
        msg = dbd_status_text(st);
    return dbd_pack_cstr(pk, "msg") != 0 || dbd_pack_cstr(pk, msg) != 0 ? -1
                                                                       : 0;
}

int dbd_reply_pack_counters(msgpack_packer *pk, int64_t affected,
                            int64_t last_id)
{
    if (affected >= 0 && (dbd_pack_cstr(pk, "affected") != 0 ||
                          msgpack_pack_int64(pk, affected) != 0))
        return -1;
    if (last_id != 0 && (dbd_pack_cstr(pk, "last_id") != 0 ||
                         msgpack_pack_int64(pk, last_id) != 0))
        return -1;
    return 0;
}

size_t dbd_reply_counter_keys(int64_t affected, int64_t last_id)
{
    return (affected >= 0) + (last_id != 0);
}

/* "cols" and "rows" of r (only for an OK result with columns). */
static int pack_table(msgpack_packer *pk, const dbd_result *r)
{
    const size_t ncols = dbd_result_ncols(r), nrows = dbd_result_nrows(r);

    if (dbd_pack_cstr(pk, "cols") != 0 || msgpack_pack_array(pk, ncols) != 0)
        return -1;
    for (size_t c = 0; c < ncols; c++) {
        const char *name = dbd_result_col_name(r, c);
        if (msgpack_pack_array(pk, 2) != 0 ||
            dbd_pack_cstr(pk, name ? name : "") != 0 ||
            msgpack_pack_int(pk, (int)dbd_result_col_type(r, c)) != 0)
            return -1;
    }
    if (dbd_pack_cstr(pk, "rows") != 0 || msgpack_pack_array(pk, nrows) != 0)
        return -1;
    for (size_t i = 0; i < nrows; i++) {
        if (msgpack_pack_array(pk, ncols) != 0)
            return -1;
        for (size_t c = 0; c < ncols; c++) {
            const dbd_value *v = dbd_result_value(r, i, c);
            if (v == NULL || dbd_pack_value(pk, v) != 0)
                return -1;
        }
    }
    return 0;
}

static bool has_table(const dbd_result *r)
{
    return dbd_result_status(r) == DBD_OK && dbd_result_ncols(r) > 0;
}

int dbd_reply_pack_result(msgpack_packer *pk, const dbd_result *r, bool sub)
{
    const dbd_status st = dbd_result_status(r);
    const int64_t affected = dbd_result_affected(r);
    const int64_t last_id = dbd_result_last_id(r);
    const size_t nsubs = sub ? 0 : dbd_result_nsubs(r);
    const size_t nkeys = 1 + (st != DBD_OK) + 2 * has_table(r) +
                         dbd_reply_counter_keys(affected, last_id);

    if (sub && msgpack_pack_map(pk, nkeys) != 0)
        return -1;
    if (dbd_reply_pack_status(pk, st, dbd_result_message(r)) != 0)
        return -1;
    if (has_table(r) && pack_table(pk, r) != 0)
        return -1;
    if (dbd_reply_pack_counters(pk, affected, last_id) != 0)
        return -1;
    if (nsubs == 0)
        return 0;
    if (dbd_pack_cstr(pk, "results") != 0 ||
        msgpack_pack_array(pk, nsubs) != 0)
        return -1;
    for (size_t i = 0; i < nsubs; i++)
        if (dbd_reply_pack_result(pk, dbd_result_sub(r, i), true) != 0)
            return -1;
    return 0;
}

int dbd_reply_encode(uint64_t id, const dbd_result *r, dbd_buf *out)
{
    msgpack_packer pk;
    const size_t start = out->len;
    const dbd_status st = dbd_result_status(r);
    const size_t nkeys = 3 + (st != DBD_OK) + 2 * has_table(r) +
                         dbd_reply_counter_keys(dbd_result_affected(r),
                                                dbd_result_last_id(r)) +
                         (dbd_result_nsubs(r) > 0);

    dbd_packer_init(&pk, out);
    if (!dbd_status_valid(st) || dbd_reply_pack_head(&pk, nkeys, id) != 0 ||
        dbd_reply_pack_result(&pk, r, false) != 0) {
        dbd_buf_truncate(out, start);
        return -1;
    }
    return 0;
}

/* ======================================================================
 * Decoding
 * ====================================================================== */

/* The fields of one reply map (or one sub-result map), type-checked. */
typedef struct reply_fields {
    bool has_id;
    uint64_t id;
    dbd_status st;
    const msgpack_object *msg;
    const msgpack_object *cols;
    const msgpack_object *rows;
    bool more;
    bool has_affected, has_last_id;
    int64_t affected, last_id;
    const msgpack_object *results;
} reply_fields;

/* path and key name the field: "results[2]." and "affected". */
static int get_int64(const msgpack_object *o, const char *path,
                     const msgpack_object *key, int64_t *out, char *err,
                     size_t errlen)
{
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *out = o->via.i64;
        return 0;
    }
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
        o->via.u64 <= (uint64_t)INT64_MAX) {
        *out = (int64_t)o->via.u64;
        return 0;
    }
    dbd_errf(err, errlen, "%s%.*s: expected an int64, got %s", path,
             (int)key->via.str.size, key->via.str.ptr, dbd_mp_type_name(o));
    return -1;
}

/* Checks "cols": [[name, typecode], ...]. */
static int check_cols(const msgpack_object *o, const char *path, char *err,
                      size_t errlen)
{
    if (o->type != MSGPACK_OBJECT_ARRAY) {
        dbd_errf(err, errlen, "%scols: expected an array, got %s", path,
                 dbd_mp_type_name(o));
        return -1;
    }
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const msgpack_object *c = &o->via.array.ptr[i];
        if (c->type != MSGPACK_OBJECT_ARRAY || c->via.array.size != 2 ||
            c->via.array.ptr[0].type != MSGPACK_OBJECT_STR ||
            c->via.array.ptr[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
            dbd_errf(err, errlen, "%scols[%" PRIu32 "]: expected [name, "
                     "typecode]", path, i);
            return -1;
        }
        if (c->via.array.ptr[1].via.u64 >= DBD_TYPE_COUNT) {
            dbd_errf(err, errlen, "%scols[%" PRIu32 "]: type code %" PRIu64
                     " unknown", path, i, c->via.array.ptr[1].via.u64);
            return -1;
        }
    }
    return 0;
}

/* Checks "rows": arrays of ncols values each. */
static int check_rows(const msgpack_object *o, size_t ncols,
                      const char *path, char *err, size_t errlen)
{
    char why[160];

    if (o->type != MSGPACK_OBJECT_ARRAY) {
        dbd_errf(err, errlen, "%srows: expected an array, got %s", path,
                 dbd_mp_type_name(o));
        return -1;
    }
    for (uint32_t i = 0; i < o->via.array.size; i++) {
        const msgpack_object *row = &o->via.array.ptr[i];
        if (row->type != MSGPACK_OBJECT_ARRAY ||
            row->via.array.size != ncols) {
            dbd_errf(err, errlen, "%srows[%" PRIu32 "]: expected an array "
                     "of %zu values", path, i, ncols);
            return -1;
        }
        for (uint32_t c = 0; c < ncols; c++) {
            dbd_value v;
            if (dbd_unpack_value(&row->via.array.ptr[c], NULL, &v, why,
                                 sizeof why) != 0) {
                dbd_errf(err, errlen, "%srows[%" PRIu32 "][%" PRIu32 "]: %s",
                         path, i, c, why);
                return -1;
            }
        }
    }
    return 0;
}

/* The keys a reply knows; a sub-result knows the first REPLY_SUB_KEYS. */
static const char *const reply_keys[] = {
    "st", "msg", "cols", "rows", "affected", "last_id",
    "id", "v", "more", "results",
};
#define REPLY_SUB_KEYS 6

/* Index of k in reply_keys when the map knows it, else -1 (ignored). */
static int reply_key_index(const msgpack_object *k, bool sub)
{
    size_t n = sub ? REPLY_SUB_KEYS
                   : sizeof reply_keys / sizeof reply_keys[0];
    for (size_t i = 0; i < n; i++)
        if (dbd_mp_str_eq(k, reply_keys[i]))
            return (int)i;
    return -1;
}

/*
 * Reads the keys of one reply map into f.  path is "" for the reply, or
 * "results[i]." for a sub-result (which has no v, id, more or results).
 * ncols is the number of columns already known for this result.
 */
static int parse_reply(const msgpack_object *m, const char *path, bool sub,
                       size_t ncols, reply_fields *f, char *err,
                       size_t errlen)
{
    bool has_st = false;
    unsigned seen = 0; /* bits of reply_keys */

    memset(f, 0, sizeof *f);
    if (m->type != MSGPACK_OBJECT_MAP) {
        dbd_errf(err, errlen, "%.*s: expected a map, got %s",
                 (int)strlen(path) - 1, path, dbd_mp_type_name(m));
        return -1;
    }
    for (uint32_t i = 0; i < m->via.map.size; i++) {
        const msgpack_object *k = &m->via.map.ptr[i].key;
        const msgpack_object *v = &m->via.map.ptr[i].val;
        if (k->type != MSGPACK_OBJECT_STR) {
            dbd_errf(err, errlen, "%smap key of type %s (keys are strings)",
                     path, dbd_mp_type_name(k));
            return -1;
        }
        /* PROTOCOL.md section 2: a known key twice is BAD.  Taking the last
         * would also let dbd_reply_peek_id(), which takes the first id,
         * route a reply by another id than the one it decodes to. */
        int known = reply_key_index(k, sub);
        if (known >= 0) {
            if (seen & (1u << known)) {
                dbd_errf(err, errlen, "%s%s: duplicate key", path,
                         reply_keys[known]);
                return -1;
            }
            seen |= 1u << known;
        }
        if (dbd_mp_str_eq(k, "st")) {
            if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
                v->via.u64 >= DBD_STATUS_COUNT) {
                dbd_errf(err, errlen, "%sst: expected a status code", path);
                return -1;
            }
            f->st = (dbd_status)v->via.u64;
            has_st = true;
        } else if (dbd_mp_str_eq(k, "msg")) {
            if (v->type != MSGPACK_OBJECT_STR) {
                dbd_errf(err, errlen, "%smsg: expected a string, got %s",
                         path, dbd_mp_type_name(v));
                return -1;
            }
            f->msg = v;
        } else if (dbd_mp_str_eq(k, "cols")) {
            if (check_cols(v, path, err, errlen) != 0)
                return -1;
            f->cols = v;
        } else if (dbd_mp_str_eq(k, "rows")) {
            f->rows = v;
        } else if (dbd_mp_str_eq(k, "affected")) {
            if (get_int64(v, path, k, &f->affected, err, errlen) != 0)
                return -1;
            f->has_affected = true;
        } else if (dbd_mp_str_eq(k, "last_id")) {
            if (get_int64(v, path, k, &f->last_id, err, errlen) != 0)
                return -1;
            f->has_last_id = true;
        } else if (sub) {
            continue; /* a sub-result has nothing else */
        } else if (dbd_mp_str_eq(k, "id")) {
            if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
                dbd_errf(err, errlen, "id: expected an unsigned integer, "
                         "got %s", dbd_mp_type_name(v));
                return -1;
            }
            f->has_id = true;
            f->id = v->via.u64;
        } else if (dbd_mp_str_eq(k, "v")) {
            if (v->type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
                dbd_errf(err, errlen, "v: expected an unsigned integer, "
                         "got %s", dbd_mp_type_name(v));
                return -1;
            }
        } else if (dbd_mp_str_eq(k, "more")) {
            if (v->type != MSGPACK_OBJECT_BOOLEAN) {
                dbd_errf(err, errlen, "more: expected a bool, got %s",
                         dbd_mp_type_name(v));
                return -1;
            }
            f->more = v->via.boolean;
        } else if (dbd_mp_str_eq(k, "results")) {
            if (v->type != MSGPACK_OBJECT_ARRAY) {
                dbd_errf(err, errlen, "results: expected an array, got %s",
                         dbd_mp_type_name(v));
                return -1;
            }
            f->results = v;
        }
    }
    if (!sub && !f->has_id) {
        dbd_errf(err, errlen, "id: missing");
        return -1;
    }
    if (!has_st) {
        dbd_errf(err, errlen, "%sst: missing", path);
        return -1;
    }
    if (f->more && (f->st != DBD_OK || f->results != NULL)) {
        dbd_errf(err, errlen, "more: a chunk must have st 0 and no results");
        return -1;
    }
    if (f->cols != NULL) {
        if (ncols > 0) {
            dbd_errf(err, errlen, "%scols: sent again after the first chunk",
                     path);
            return -1;
        }
        ncols = f->cols->via.array.size;
    }
    if (f->rows != NULL) {
        if (f->cols == NULL && ncols == 0 && f->rows->type == MSGPACK_OBJECT_ARRAY &&
            f->rows->via.array.size > 0) {
            dbd_errf(err, errlen, "%srows: rows without cols", path);
            return -1;
        }
        if (check_rows(f->rows, ncols, path, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static dbd_status oom(char *err, size_t errlen)
{
    dbd_errf(err, errlen, "out of memory");
    return DBD_INTERNAL;
}

/* Columns and values of up to this many columns are staged on the stack:
 * a reply is decoded without allocating for them in the common case. */
#define STACK_COLS 16
#define STACK_NAME_BYTES 512

static dbd_status apply_cols(const msgpack_object *cols, dbd_result *r,
                             char *err, size_t errlen)
{
    const size_t n = cols->via.array.size;
    const char *stack_names[STACK_COLS] = {0};
    dbd_type stack_types[STACK_COLS] = {0};
    char stack_text[STACK_NAME_BYTES];
    const char **names = stack_names;
    dbd_type *types = stack_types;
    char *text = stack_text;
    size_t textlen = 0, at = 0;
    dbd_status st = DBD_INTERNAL;

    for (size_t i = 0; i < n; i++)
        textlen += cols->via.array.ptr[i].via.array.ptr[0].via.str.size + 1;
    if (n > STACK_COLS &&
        ((names = calloc(n, sizeof *names)) == NULL ||
         (types = calloc(n, sizeof *types)) == NULL))
        goto out;
    if (textlen > sizeof stack_text && (text = malloc(textlen)) == NULL)
        goto out;
    /* The names NUL-terminated, one after the other in text. */
    for (size_t i = 0; i < n; i++) {
        const msgpack_object *c = cols->via.array.ptr[i].via.array.ptr;
        if (c[0].via.str.size > 0)
            memcpy(text + at, c[0].via.str.ptr, c[0].via.str.size);
        names[i] = text + at;
        at += c[0].via.str.size;
        text[at++] = '\0';
        types[i] = (dbd_type)c[1].via.u64;
    }
    if (dbd_result_set_columns(r, n, names, types) != 0)
        goto out;
    st = DBD_OK;
out:
    if (names != stack_names)
        free(names);
    if (types != stack_types)
        free(types);
    if (text != stack_text)
        free(text);
    return st == DBD_OK ? st : oom(err, errlen);
}

static dbd_status apply_rows(const msgpack_object *rows, dbd_result *r,
                             char *err, size_t errlen)
{
    const size_t ncols = dbd_result_ncols(r);
    dbd_value stack_vals[STACK_COLS];
    dbd_value *vals = stack_vals;
    dbd_status st = DBD_INTERNAL;

    if (ncols > STACK_COLS && (vals = calloc(ncols, sizeof *vals)) == NULL)
        goto out;
    for (uint32_t i = 0; i < rows->via.array.size; i++) {
        const msgpack_object *row = rows->via.array.ptr[i].via.array.ptr;
        for (size_t c = 0; c < ncols; c++)
            if (dbd_unpack_value(&row[c], NULL, &vals[c], NULL, 0) != 0)
                goto out; /* cannot happen: check_rows() passed */
        if (dbd_result_add_row(r, vals) != 0)
            goto out;
    }
    st = DBD_OK;
out:
    if (vals != stack_vals)
        free(vals);
    return st == DBD_OK ? st : oom(err, errlen);
}

/* Merges the checked fields f into r. */
static dbd_status apply(const reply_fields *f, dbd_result *r, char *err,
                        size_t errlen)
{
    dbd_status st;

    if (f->st == DBD_OK || f->more) {
        if (f->cols != NULL && (st = apply_cols(f->cols, r, err, errlen)) != DBD_OK)
            return st;
        if (f->rows != NULL && (st = apply_rows(f->rows, r, err, errlen)) != DBD_OK)
            return st;
    }
    if (f->more)
        return DBD_OK;
    char *msg = NULL;
    if (f->msg != NULL &&
        (msg = strndup(f->msg->via.str.size ? f->msg->via.str.ptr : "",
                       f->msg->via.str.size)) == NULL)
        return oom(err, errlen);
    int rc = dbd_result_set_status(r, f->st, msg);
    free(msg);
    if (rc != 0)
        return oom(err, errlen);
    if (f->st != DBD_OK)
        dbd_result_clear_rows(r);
    if (f->has_affected)
        dbd_result_set_affected(r, f->affected);
    if (f->has_last_id)
        dbd_result_set_last_id(r, f->last_id);
    return DBD_OK;
}

static dbd_status apply_results(const msgpack_object *results, dbd_result *r,
                                char *err, size_t errlen)
{
    char path[64];
    reply_fields f;
    dbd_result *sub = NULL;
    dbd_status st = DBD_OK;

    for (uint32_t i = 0; i < results->via.array.size && st == DBD_OK; i++) {
        dbd_errf(path, sizeof path, "results[%" PRIu32 "].", i);
        if (parse_reply(&results->via.array.ptr[i], path, true, 0, &f, err,
                        errlen) != 0)
            return DBD_BAD;
    }
    for (uint32_t i = 0; i < results->via.array.size && st == DBD_OK; i++) {
        (void)parse_reply(&results->via.array.ptr[i], "", true, 0, &f, NULL, 0);
        if ((sub = dbd_result_new()) == NULL)
            return oom(err, errlen);
        st = apply(&f, sub, err, errlen);
        if (st == DBD_OK && dbd_result_add_sub(r, &sub) != 0)
            st = oom(err, errlen);
        dbd_result_destroy(&sub);
    }
    return st;
}

dbd_status dbd_reply_decode(const void *data, size_t len, dbd_result *r,
                            uint64_t *id, bool *more, char *err,
                            size_t errlen)
{
    msgpack_unpacked u;
    reply_fields f;
    dbd_status st;

    *more = false;
    *id = 0;
    st = dbd_mp_unpack_map(data, len, &u, err, errlen);
    if (st != DBD_OK)
        goto out;
    st = DBD_BAD;
    if (parse_reply(&u.data, "", false, dbd_result_ncols(r), &f, err,
                    errlen) != 0) {
        if (f.has_id)
            *id = f.id;
        goto out;
    }
    *id = f.id;
    *more = f.more;
    if (f.results != NULL) {
        /* Sub-results go in first: a bad one leaves r's status alone. */
        st = apply_results(f.results, r, err, errlen);
        if (st != DBD_OK)
            goto out;
    }
    st = apply(&f, r, err, errlen);
out:
    msgpack_unpacked_destroy(&u);
    return st;
}

bool dbd_reply_peek_id(const void *data, size_t len, uint64_t *id)
{
    return dbd_mp_map_uint(data, len, "id", id);
}
