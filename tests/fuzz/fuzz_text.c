/*
 * fuzz_text.c - libFuzzer harness for the db_text table reader: the bytes
 * are the content of a table file (header line, then rows) and go through
 * txt_parse_table(), the function the connector loads every table with.
 *
 * A table that parses must also survive the connector's own write path:
 * formatting it and parsing that again must succeed, and formatting the
 * result must give the same bytes.  (Only the second formatting is
 * compared with the first: the first may legitimately differ from the
 * input, e.g. auto ids filled in or escapes normalised.)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "txt_format.h"
#include "txt_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_text: %s%s%s\n", what, detail[0] ? ": " : "",
            detail);
    abort();
}

/* A one-column table cannot hold an empty value: its row is a blank line,
 * which the reader skips as Kamailio does (txt_parse.h).  Such a table
 * loses rows in a round trip by design. */
static bool has_blank_row(const txt_schema *s, const txt_rows *rows)
{
    if (s->ncols != 1)
        return false;
    for (size_t i = 0; i < rows->n; i++) {
        const txt_cell *c = &rows->v[i]->cells[0];
        if (c->null || (txt_type_is_text(s->cols[0].type) && c->u.s.len == 0))
            return true;
    }
    return false;
}

static void round_trip(const txt_schema *s, const txt_rows *rows)
{
    dbd_buf first, second;
    txt_schema *s2 = NULL;
    txt_rows rows2;
    char msg[512] = "";

    dbd_buf_init(&first);
    dbd_buf_init(&second);
    txt_rows_init(&rows2);
    if (has_blank_row(s, rows) || txt_format_table(s, rows, &first) != 0)
        goto out;
    if (txt_parse_table(first.data, first.len, "fuzz", &s2, &rows2, msg,
                        sizeof msg) != DBD_OK)
        fail("a formatted table does not parse", msg);
    if (rows2.n != rows->n)
        fail("a formatted table reads back with another row count", "");
    if (txt_format_table(s2, &rows2, &second) != 0)
        goto out;
    if (first.len != second.len ||
        memcmp(first.data, second.data, first.len) != 0)
        fail("format(parse(format(t))) differs from format(t)", "");
out:
    txt_rows_clear(&rows2);
    txt_schema_unref(&s2);
    dbd_buf_free(&first);
    dbd_buf_free(&second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    txt_schema *s = NULL;
    txt_rows rows;
    char msg[512] = "";

    txt_rows_init(&rows);
    dbd_status st = txt_parse_table((const char *)data, size, "fuzz", &s,
                                    &rows, msg, sizeof msg);
    if (st == DBD_OK) {
        if (s == NULL)
            fail("DBD_OK without a schema", "");
        round_trip(s, &rows);
    } else {
        if (s != NULL || rows.n != 0)
            fail("a refused table left a schema or rows behind", "");
        if (msg[0] == '\0')
            fail("a refused table has no message", "");
    }
    txt_rows_clear(&rows);
    txt_schema_unref(&s);
    return 0;
}
