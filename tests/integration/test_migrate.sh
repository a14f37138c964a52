#!/usr/bin/env bash
# test_migrate.sh - dbctl migrate between backends through a dbd of its
# own: an SQLite source holding a few hundred rows of subscriber, location
# and the typed table conf (NULLs, unicode, tabs, newlines, colons,
# backslashes, blobs with NUL bytes, large and tiny doubles, datetimes; no
# empty blob and no sub-second time, which db_text cannot keep) is
# copied to a second SQLite file, to db_text and, when tests/run started
# PostgreSQL, to a fresh PostgreSQL database.  Asserts exact row counts,
# equal checksums, the rows read back identical on DST, the refusal of a
# non-empty DST (nothing written), --truncate, that a DST row changed after
# the copy makes --verify-only fail, a refused row named with the rows
# before it kept, and the preflight checks.  Prints TAP.
# Needs DBD_BUILD (dbd/dbd, tools/dbctl/dbctl, the connector modules) and
# sqlite3; DBD_SRC defaults to the source tree around this script.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=${DBD_SRC:-$(cd "$here/../.." && pwd)}
: "${DBD_BUILD:?DBD_BUILD is not set}"
DBCTL=$DBD_BUILD/tools/dbctl/dbctl

# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$here/../lib/daemon.sh"
# owndbd_start, owndbd_kill, fixture_connectors, fixture_dbd_section.
# shellcheck source=tests/lib/owndbd.sh
. "$here/../lib/owndbd.sh"

if ! command -v sqlite3 > /dev/null; then
    echo "1..0 # SKIP sqlite3 is not installed"
    exit 0
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-migrate.XXXXXX") || exit 1
DBD_PID=
PG_DB=      # the PostgreSQL database made for this test, dropped at the end
out=
err=
rc=

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    owndbd_kill "$DBD_PID"
    if [ -n "$PG_DB" ]; then
        psql -X -q -h "$PGSQL_SOCKET_DIR" -p "$PGSQL_PORT" -U postgres -d postgres \
            -c "DROP DATABASE IF EXISTS $PG_DB" > /dev/null 2>&1
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT

dbctl() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" "$@"; }

# run ARGS...: runs dbctl, keeps its stdout, stderr and exit code.
run() {
    out=$(dbctl "$@" 2> "$DIR/stderr")
    rc=$?
    err=$(cat "$DIR/stderr")
}

# expect_rc WANT NAME
expect_rc() {
    if [ "$rc" = "$1" ]; then
        ok "$2 (exit $1)"
    else
        not_ok "$2 (exit $1)" "got exit $rc" "stdout: $out" "stderr: $err"
    fi
}

# expect_err_has TEXT NAME: stderr contains the fixed text
expect_err_has() {
    if printf '%s\n' "$err" | grep -qF -- "$1"; then
        ok "$2"
    else
        not_ok "$2" "stderr: $err" "want text containing: $1"
    fi
}

# summary: the summary table without its checksums, one line per table:
# "table read written dst_rows result", and "same" or "differ" for the
# two checksums.
summary() {
    printf '%s\n' "$out" | awk 'NR > 2 && $1 != "(" && NF == 7 {
        print $1, $2, $3, $4, ($5 == $6 ? "same" : "differ"), $7 }'
}

# rows DS TABLE: every row of TABLE as JSON, in id order.
rows() { dbctl --json query "$1" "$2" --order id; }

# count DS TABLE: from the "(N rows)" line
count() { dbctl query "$1" "$2" --columns id | sed -n 's/^(\([0-9]*\) rows\{0,1\})$/\1/p'; }

# --- the backends -----------------------------------------------------------
fill_source() {
    sqlite3 -bail "$1" <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO subscriber (id, username, domain, password, ha1, ha1b)
SELECT i,
    CASE i % 4 WHEN 0 THEN 'user' || i WHEN 1 THEN 'jürgen' || i
               WHEN 2 THEN '日本' || i ELSE 'o''brien' || i END,
    CASE WHEN i % 7 = 0 THEN 'example.org' ELSE 'example.com' END,
    CASE WHEN i % 5 = 0 THEN '' ELSE 'pw:' || i || char(9) || '\x' END,
    lower(hex(randomblob(16))),
    CASE WHEN i % 3 = 0 THEN '' ELSE lower(hex(randomblob(16))) END
FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 240)
INSERT INTO location (id, ruid, username, domain, contact, received, path,
    expires, q, callid, cseq, last_modified, flags, cflags, user_agent,
    socket, methods, instance, reg_id, server_id, connection_id, keepalive,
    partition)
SELECT i, 'uloc-' || i, 'user' || i,
    CASE WHEN i % 3 = 0 THEN NULL ELSE 'example.com' END,
    '<sip:user' || i || '@192.0.2.' || (i % 250) || ':5060;transport=udp>',
    CASE WHEN i % 4 = 0 THEN 'sip:198.51.100.' || (i % 200) || ':5070' END,
    CASE WHEN i % 5 = 0 THEN '<sip:edge.example.com;lr>,<sip:core;lr>' END,
    datetime(1767225600 + i * 37, 'unixepoch'),
    CASE i % 4 WHEN 0 THEN 1.0 WHEN 1 THEN 0.5 WHEN 2 THEN 0.25 ELSE 0.75 END,
    'call-' || i || char(10) || 'x', i,
    datetime(1735689600 + i, 'unixepoch'), i % 3, i % 8,
    CASE i % 3 WHEN 0 THEN '' WHEN 1 THEN 'Ünïcode phone ☎'
               ELSE 'a:b\c' || char(9) || 'd' END,
    CASE WHEN i % 6 = 0 THEN 'udp:192.0.2.1:5060' END,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 8191 END,
    CASE WHEN i % 2 = 0 THEN '<urn:uuid:' || i || '>' END,
    i % 2, 0, i, i % 2, 0
FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 128)
INSERT INTO conf (id, k, grp, i, d, s, b, dt)
SELECT i, 'k' || i,
    CASE WHEN i % 4 = 0 THEN NULL ELSE i % 5 END,
    CASE i % 3 WHEN 0 THEN 9007199254740993 WHEN 1 THEN -i END,
    CASE i % 4 WHEN 0 THEN 0.1 WHEN 1 THEN -2.5e-300 WHEN 2 THEN 1e300 / i END,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 'Grüße ' || i || ' 😀' END,
    CASE i % 3 WHEN 0 THEN CAST(randomblob(i) || x'00' AS BLOB)
               WHEN 1 THEN x'00' END,
    CASE WHEN i % 2 = 0 THEN datetime(1767225600 + i, 'unixepoch') END
FROM n;
SQL
}

setup_sqlite() {
    "$src/tools/dbd-schema" sqlite "$1" > /dev/null &&
        sqlite3 -bail "$1" < "$src/tests/lib/t_conf.sql"
}

if setup_sqlite "$DIR/src.sqlite" && fill_source "$DIR/src.sqlite" &&
        setup_sqlite "$DIR/dst.sqlite" &&
        "$src/tools/dbd-schema" text "$DIR/text" > /dev/null &&
        cp "$src/tests/lib/t_conf.dbtext" "$DIR/text/conf"; then
    ok "the SQLite source, an SQLite and a db_text destination are made"
else
    not_ok "the SQLite source, an SQLite and a db_text destination are made"
    tap_end
    exit 1
fi
check "the source holds 300 subscribers, 240 locations, 128 conf rows" \
    "$(sqlite3 "$DIR/src.sqlite" 'SELECT (SELECT count(*) FROM subscriber) || " " ||
        (SELECT count(*) FROM location) || " " || (SELECT count(*) FROM conf)')" "300 240 128"

# PostgreSQL: a fresh database on the server tests/run started, with the
# Kamailio tables and conf (tests/lib/pgsql.sh), allow_raw for the
# sequences.
DSTS="dst tx"
if [ -n "${DBD_EXTRA_DATASOURCES:-}" ] && [ -f "$DBD_EXTRA_DATASOURCES" ] &&
        grep -q '^url = pgsql://' "$DBD_EXTRA_DATASOURCES" &&
        [ -n "${DBD_TEST_PGSQL_URL:-}" ] && [ -n "${PGSQL_SOCKET_DIR:-}" ]; then
    # shellcheck source=tests/lib/pgsql.sh
    . "$here/../lib/pgsql.sh"
    if pgsql_fixture "$DIR/pgfx" > "$DIR/pg.conf"; then
        PG_DB=$(sed -n 's|^url = pgsql://.*/\([A-Za-z0-9_]*\)$|\1|p' "$DIR/pg.conf")
        echo "allow_raw = yes" >> "$DIR/pg.conf"
        DSTS="$DSTS pg"
        ok "a PostgreSQL destination database is made"
    else
        not_ok "a PostgreSQL destination database is made" "$(cat "$DIR/pgfx"/*.log 2>/dev/null)"
        : > "$DIR/pg.conf"
    fi
else
    : > "$DIR/pg.conf"
    diag "no PostgreSQL datasource in DBD_EXTRA_DATASOURCES: PostgreSQL not tested"
fi

fixture_connectors "$DIR/connectors"
{
    fixture_dbd_section "$DIR"
    cat <<CONF

[datasource sq]
url = sqlite://$DIR/src.sqlite

[datasource dst]
url = sqlite://$DIR/dst.sqlite

[datasource tx]
url = text://$DIR/text

CONF
    cat "$DIR/pg.conf"
} > "$DIR/dbd.conf"
owndbd_start "$DIR" "dbd starts"

# --- usage and preflight ----------------------------------------------------
run migrate sq
expect_rc 64 "migrate without DST"
run migrate sq sq subscriber
expect_rc 64 "SRC and DST the same"
run migrate --truncate --verify-only sq dst subscriber
expect_rc 64 "--truncate with --verify-only"
run migrate sq dst subscriber --page 0
expect_rc 64 "--page 0"
run migrate sq nosuch subscriber
expect_rc 1 "unknown DST: NOTFOUND"
expect_err_has 'no such datasource "nosuch"' "... named"
run migrate sq dst subscriber nosuch
expect_rc 1 "a named table missing on SRC: NOTFOUND"
check "... and nothing was written" "$(count dst subscriber)" 0
# db_text's version table has no id column (Kamailio's db_text layout).
run migrate sq tx version subscriber
expect_rc 67 "tables whose columns differ are refused"
expect_err_has 'table version: the columns differ: sq has "id", tx has not' "... naming the column"
check "... and nothing was written" "$(count tx subscriber)" 0

# --- copy to each destination -----------------------------------------------
src_sums=
for ds in $DSTS; do
    run migrate sq "$ds" subscriber location conf --page 64
    expect_rc 0 "$ds: migrate subscriber location conf in pages of 64"
    check "$ds: counts and checksums" "$(summary)" "subscriber 300 300 300 same ok
location 240 240 240 same ok
conf 128 128 128 same ok"
    src_sums="$src_sums$(printf '%s\n' "$out" | awk 'NR > 2 && NF == 7 { printf "%s ", $5 }')
"
    for t in subscriber location conf; do
        rows sq "$t" > "$DIR/want"
        rows "$ds" "$t" > "$DIR/got"
        if cmp -s "$DIR/want" "$DIR/got" && [ "$(wc -c < "$DIR/want")" -gt 1000 ]; then
            ok "$ds: every row of $t reads back identical"
        else
            not_ok "$ds: every row of $t reads back identical" \
                "$(diff <(tr '[' '\n' < "$DIR/want") <(tr '[' '\n' < "$DIR/got") | head -6)"
        fi
    done

    # A DST table with rows is refused; so are the others: nothing written.
    dbctl delete "$ds" conf --all > /dev/null
    run migrate sq "$ds" conf subscriber
    expect_rc 68 "$ds: a DST table with rows is refused"
    expect_err_has "table subscriber on $ds has rows; refusing" "$ds: ... naming it"
    check "$ds: ... and the empty table stayed empty" "$(count "$ds" conf)" 0

    run --json migrate --truncate sq "$ds" conf subscriber
    expect_rc 0 "$ds: --truncate copies again"
    case $out in
        *'["conf",128,128,128,"'*'["subscriber",300,300,300,"'*) ok "$ds: ... --json counts" ;;
        *) not_ok "$ds: ... --json counts" "$out" ;;
    esac

    # A row changed on DST after the copy.
    dbctl update "$ds" location --set 'user_agent=tampered' id:=77 > /dev/null
    run migrate --verify-only sq "$ds" subscriber location
    expect_rc 67 "$ds: --verify-only finds a changed row"
    check "$ds: ... location differs, subscriber does not" "$(summary)" "subscriber 300 NULL 300 same ok
location 240 NULL 240 differ MISMATCH"
    expect_err_has "table location differs: 240 rows on both, checksums" "$ds: ... on stderr"
    dbctl delete "$ds" location id:=77 > /dev/null
    run migrate --verify-only sq "$ds" location
    expect_rc 67 "$ds: --verify-only finds a missing row"
    expect_err_has "table location differs: 240 rows read on sq, 239 on $ds" "$ds: ... counted"
done
check "the source's checksums are the same on every run" \
    "$(printf '%s' "$src_sums" | sort -u | wc -l)" 1

# --- the default tables -------------------------------------------------------
run migrate --truncate sq dst
expect_rc 0 "the Kamailio tables by default"
check "... all five, counted" "$(summary)" "version 5 5 5 same ok
subscriber 300 300 300 same ok
location 240 240 240 same ok
dr_gateways 0 0 0 same ok
dr_rules 0 0 0 same ok"

# --- a row DST refuses ----------------------------------------------------------
# db_text enforces no unique key: a duplicate (username, domain) there is
# refused by SQLite as the 301st row, in the fourth batch of 100.
dbctl insert tx subscriber id:=1000 username=user4 domain=example.com \
    password=x ha1=y ha1b=z > /dev/null
run migrate --truncate tx dst subscriber --page 100
expect_rc 6 "a refused row stops the migration: CONSTRAINT"
expect_err_has "subscriber: row 301 (id=1000, username=user4, domain=example.com, ...) refused: CONSTRAINT" \
    "... naming the row"
check "... the summary says FAILED" "$(printf '%s\n' "$out" | awk '$1 == "subscriber" { print $2, $3, $NF }')" \
    "301 300 FAILED"
check "... the three batches before it stayed" "$(count dst subscriber)" 300

# --- PostgreSQL: sequences and 4-byte floats -------------------------------------
if [[ " $DSTS " == *" pg "* ]]; then
    run insert pg subscriber username=new domain=example.net
    check "pg: the sequence is past the copied ids" "$out" "OK, 1 row affected, last id 301"
    sqlite3 "$DIR/src.sqlite" "UPDATE location SET q = 0.8 WHERE id = 5"
    run migrate --truncate sq pg location
    expect_rc 67 "pg: q = 0.8 in a REAL column is not the same double"
    run migrate --verify-only --float-digits 7 sq pg location
    expect_rc 0 "pg: ... but equal to 7 digits"
fi

# --- dbd stops cleanly ----------------------------------------------------------
check_stops "dbd exits 0 after SIGTERM" "$DBD_PID" 10 && DBD_PID=
check_no_sanitizer_report "$DIR/dbd.log"

tap_end
