#!/usr/bin/env bash
# test_swap_edges.sh - edge cases of swap and reload, on a dbd of its own:
#  - swaps refused before anything changes: primary-replica with one URL,
#    an unknown mode (dbctl refuses it before sending), an unknown
#    datasource, URLs of two schemes, a port nobody listens on (the
#    password of its URL shows neither in the reply nor in the log);
#  - a connector module replaced on disk (new inode) is loaded by the next
#    swap, which says so in the log, and the datasource serves from it;
#  - round-robin over two SQLite files: the hosts view counts every
#    request on the host that answered it;
#  - a request still running on the old backend at the end of
#    drain_timeout is answered TIMEOUT once ("switched backends"), long
#    before its statement ends, and the old connection is closed when it
#    does (PostgreSQL, the server tests/run started; skipped without it);
#  - a swap whose check is still pending when a reload changes the
#    datasource is answered CONFIG "cancelled" (the new backend is a SQLite
#    file another process holds locked, so its check cannot end);
#  - SIGHUP with a broken file changes nothing and logs "reload refused";
#    with the file fixed, SIGHUP applies it.
#
# Stops what it started by the recorded PIDs.  Prints TAP.  Needs DBD_BUILD
# (dbd, dbctl and the connector modules) and the sqlite3 shell.
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
SRC=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=20          # queries spread over the round-robin datasource
SLEEP_S=3          # the straggler's statement runs this long

# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$SRC/tests/lib/daemon.sh"
# owndbd_start, owndbd_kill, fixture_connectors, fixture_dbd_section.
# shellcheck source=tests/lib/owndbd.sh
. "$SRC/tests/lib/owndbd.sh"
# free_port.
# shellcheck source=tests/lib/servers.sh
. "$SRC/tests/lib/servers.sh"

if ! command -v sqlite3 > /dev/null; then
    echo "1..0 # SKIP the sqlite3 shell is not installed"
    exit 0
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-swapedge.XXXXXX") || exit 1
CONF=$DIR/dbd.conf
LOG=$DIR/dbd.log
DBD_PID=
RAW_PID=    # the straggler's client
SWAP_PID=   # the swap that waits for its check
LOCK_PID=   # the sqlite3 shell that holds c.sqlite locked

now_ms() { date +%s%3N; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local pid
    exec 7>&-   # the lock holder reads EOF and exits
    for pid in "$LOCK_PID" "$SWAP_PID" "$RAW_PID"; do
        [ -n "$pid" ] || continue
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    owndbd_kill "$DBD_PID"
    rm -rf "$DIR"
}
trap cleanup EXIT

skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $1"; }

dbctl() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" "$@"; }

# wait_log SECONDS TEXT: until the log holds TEXT (fixed) or time is up.
wait_log() {
    local end=$(( $(now_ms) + $1 * 1000 ))
    until grep -qF -- "$2" "$LOG"; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# log_count TEXT: lines of the log holding TEXT.
log_count() { grep -cF -- "$1" "$LOG"; }

# counter NAME: one counter of `dbctl stats`.
counter() { dbctl stats | awk -v n="$1" '$1 == n { print $2 }'; }

# first_k DS TABLE: column k of the first row the query answers.
first_k() { dbctl query "$1" "$2" --columns k | awk 'NR == 3 { print $1 }'; }

# host_requests DS: "host requests" per host of DS, from hosts --json.
host_requests() {
    dbctl hosts --json |
        grep -o "\[\"$1\",[0-9]*,\"[^\"]*\",\"[^\"]*\",\"[^\"]*\",[0-9]*,[0-9]*" |
        awk -F, '{ print $2, $7 }'
}

# ds_view: name, scheme, url, pool and mode of every datasource (JSON rows
# of `dbctl datasources --json` without the live columns).
ds_view() {
    dbctl datasources --json | sed 's/,"hosts":.*//' | grep -o '\["[^]]*\]' |
        awk -F, '{ print $1, $2, $3, $5, $NF }'
}

# --- files, modules, configuration ---------------------------------------------
for f in a b c ra rb; do
    sqlite3 "$DIR/$f.sqlite" \
        "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER); INSERT INTO t VALUES ('$f', 1);" ||
        { not_ok "the SQLite files are made"; tap_end; exit 1; }
done
fixture_connectors "$DIR/connectors"
SQLITE_SO=$DBD_BUILD/connectors/sqlite/.libs/sqlite.so
[ -f "$DIR/connectors/sqlite.so" ] || { not_ok "the sqlite connector is built"; tap_end; exit 1; }

# PostgreSQL: the server tests/run started, with raw statements allowed.
PG_URL=
PG_PASS=
if [ -n "${DBD_TEST_PGSQL_URL:-}" ] && [ -f "$DIR/connectors/pgsql.so" ]; then
    PG_URL=$DBD_TEST_PGSQL_URL
    PG_PASS=$(printf '%s\n' "$PG_URL" | sed -n 's|^[a-z]*://[^:/@]*:\([^@]*\)@.*|\1|p')
fi

SQ_EXTRA=''   # more keys of [datasource sq]
EXTRA=''      # more sections
write_conf() {
    {
        fixture_dbd_section "$DIR" 500
        cat <<CONF

[datasource sq]
url = sqlite://$DIR/a.sqlite
$SQ_EXTRA

[datasource rr]
url = sqlite://$DIR/ra.sqlite sqlite://$DIR/rb.sqlite
mode = round-robin
pool = 1
CONF
        if [ -n "$PG_URL" ]; then
            printf '\n[datasource pg]\nurl = %s\nallow_raw = yes\n' "$PG_URL"
        fi
        printf '%s\n' "$EXTRA"
    } > "$CONF"
}
write_conf

owndbd_start "$DIR" "dbd starts and datasource sq answers" sq
check "sq serves a.sqlite" "$(first_k sq t)" a

# --- swaps refused: nothing changes ---------------------------------------------
out=$(dbctl swap sq "sqlite://$DIR/b.sqlite" --mode primary-replica 2>&1)
check "swap --mode primary-replica with one URL: BAD" "$?" 2
check "... saying it needs two URLs" \
    "$(printf '%s\n' "$out" | grep -c 'mode primary-replica needs at least two URLs')" 1
out=$(dbctl swap sq "sqlite://$DIR/b.sqlite" --mode bogus 2>&1)
check "swap with an unknown mode: refused by dbctl (bad command line)" "$?" 64
check "... naming the mode" "$(printf '%s\n' "$out" | grep -c '"bogus"')" 1
out=$(dbctl swap nosuch "sqlite://$DIR/b.sqlite" 2>&1)
check "swap of an unknown datasource: NOTFOUND" "$?" 1
check "... naming it" "$out" 'dbctl: NOTFOUND: no such datasource "nosuch"'
out=$(dbctl swap sq "sqlite://$DIR/b.sqlite" "text://$DIR" 2>&1)
check "swap to URLs of two schemes: BAD" "$?" 2
check "... naming both schemes" \
    "$(printf '%s\n' "$out" | grep -c 'URL 2 uses "text" but URL 1 "sqlite"')" 1
# A refused port: the swap is refused at once; the URL carries a password
# that neither the reply nor the log may show.
if [ -f "$DIR/connectors/pgsql.so" ]; then
    out=$(dbctl swap sq "pgsql://dbd:s3cretpw@127.0.0.1:$(free_port)/x" 2>&1)
    check "swap to a port nobody listens on: UNAVAILABLE" "$?" 4
    check "... the reply masks the password" \
        "$(printf '%s\n' "$out" | grep -c 's3cretpw') $(printf '%s\n' "$out" | grep -c 'cannot connect to pgsql://dbd:\*\*\*@127.0.0.1:')" "0 1"
else
    skip "the pgsql connector is not built"
    skip "the pgsql connector is not built"
fi
check "after the refused swaps sq still serves a.sqlite" "$(first_k sq t)" a
check "... and counts no swap" "$(counter ds.sq.swaps)" 0

# --- a connector module replaced on disk -----------------------------------------
out=$(dbctl swap sq "sqlite://$DIR/b.sqlite" 2>&1)
check "swap sq to b.sqlite: OK" "$?" 0
check "... the reply names the new and the previous URL" \
    "$(printf '%s\n' "$out" | awk 'NR == 3 { print $1, $2, $3 }')" \
    "sq sqlite://$DIR/b.sqlite sqlite://$DIR/a.sqlite"
check "... no module changed on disk yet" "$(log_count 'changed on disk')" 0
check "sq serves b.sqlite" "$(first_k sq t)" b
inode=$(stat -c %i "$DIR/connectors/sqlite.so")
install -m 644 "$SQLITE_SO" "$DIR/connectors/.sqlite.so.new" &&
    mv "$DIR/connectors/.sqlite.so.new" "$DIR/connectors/sqlite.so"
check "sqlite.so is replaced by a new file" \
    "$([ "$(stat -c %i "$DIR/connectors/sqlite.so")" != "$inode" ] && echo new)" new
out=$(dbctl swap sq "sqlite://$DIR/a.sqlite" 2>&1)
check "swap sq back to a.sqlite after the replacement: OK" "$?" 0
check "... the log says the module changed on disk" \
    "$(log_count 'connector sqlite changed on disk')" 1
check "... and loads it again" \
    "$(log_count "loaded connector $DIR/connectors/sqlite.so")" 2
check "sq serves a.sqlite through the new module" "$(first_k sq t)" a
out=$(dbctl swap sq "sqlite://$DIR/b.sqlite" 2>&1)
check "one more swap: OK" "$?" 0
check "... the module loaded last is not reloaded" \
    "$(log_count 'changed on disk') $(log_count "loaded connector $DIR/connectors/sqlite.so")" "1 2"
check "sq serves b.sqlite" "$(first_k sq t)" b
check "sq counts 3 swaps" "$(counter ds.sq.swaps)" 3

# --- round-robin over two hosts ----------------------------------------------------
: > "$DIR/rr.answers"
for _ in $(seq 1 "$ROUNDS"); do
    first_k rr t >> "$DIR/rr.answers"
done
from_a=$(grep -cx ra "$DIR/rr.answers")
from_b=$(grep -cx rb "$DIR/rr.answers")
check "round-robin: every query answered from one of the two files" \
    "$((from_a + from_b))" "$ROUNDS"
hosts=$(host_requests rr)
check "hosts --json: host 0 ran the queries ra.sqlite answered" \
    "$(printf '%s\n' "$hosts" | awk '$1 == 0 { print $2 }')" "$from_a"
check "hosts --json: host 1 ran the queries rb.sqlite answered" \
    "$(printf '%s\n' "$hosts" | awk '$1 == 1 { print $2 }')" "$from_b"
check "... both hosts served some" \
    "$([ "$from_a" -gt 0 ] && [ "$from_b" -gt 0 ] && echo both)" both
check "... the requests add up to $ROUNDS" \
    "$(printf '%s\n' "$hosts" | awk '{ s += $2 } END { print s }')" "$ROUNDS"

# --- a straggler at the drain deadline (PostgreSQL) ---------------------------------
if [ -z "$PG_URL" ]; then
    for _ in $(seq 1 11); do skip "no PostgreSQL server (DBD_TEST_PGSQL_URL unset) or no pgsql connector"; done
else
    pg_up=no
    for _ in $(seq 1 100); do
        if dbctl --timeout 1000 raw pg "SELECT 1" > /dev/null 2>&1; then pg_up=yes; break; fi
        sleep 0.1
    done
    check "datasource pg answers" "$pg_up" yes
    req0=$(counter ds.pg.requests) ok0=$(counter ds.pg.requests_status_ok)
    to0=$(counter ds.pg.requests_status_timeout)
    (
        t0=$(now_ms)
        dbctl --timeout 10000 raw pg "SELECT pg_sleep($SLEEP_S)" > "$DIR/raw.out" 2>&1
        echo "$? $(( $(now_ms) - t0 ))" > "$DIR/raw.rc"
    ) &
    RAW_PID=$!
    running=no
    for _ in $(seq 1 100); do
        [ "$(counter ds.pg.in_flight)" = 1 ] && { running=yes; break; }
        sleep 0.05
    done
    check "the sleeping statement runs" "$running" yes
    out=$(dbctl swap pg "$PG_URL" 2>&1)
    check "swap pg to the same URL while it runs: OK" "$?" 0
    wait "$RAW_PID"
    RAW_PID=
    # Its statement still sleeps (for seconds yet): the old backend stays.
    check "when the straggler is answered, its old backend is still open" \
        "$(log_count '[pg] old backend ')" 0
    read -r raw_rc raw_ms < "$DIR/raw.rc"
    diag "the sleeping request was answered after $raw_ms ms"
    check "the sleeping request is answered TIMEOUT" "$raw_rc" 5
    check "... saying the datasource switched backends" \
        "$(grep -c 'datasource "pg" switched backends and this request did not finish within drain_timeout' "$DIR/raw.out")" 1
    check "... before its statement could have ended" \
        "$([ "$raw_ms" -lt $((SLEEP_S * 1000)) ] && echo yes)" yes
    check "pg answers on the new backend" \
        "$(dbctl raw pg "SELECT 41 + 1" | awk 'NR == 3 { print $1 }')" 42
    check "hosts shows one host of pg" "$(host_requests pg | wc -l)" 1
    if wait_log 10 "[pg] old backend "; then
        check "the old backend is closed once its statement ended" \
            "$(grep -F '[pg] old backend ' "$LOG" | grep -c ' closed$')" 1
    else
        not_ok "the old backend is closed once its statement ended" "$(tail -5 "$LOG")"
    fi
    # Counted after the straggler's statement ended: a late reply would
    # add a request.
    check "the straggler got exactly one answer (stats: 3 requests: TIMEOUT, swap OK, raw OK)" \
        "$(( $(counter ds.pg.requests) - req0 )) $(( $(counter ds.pg.requests_status_timeout) - to0 )) $(( $(counter ds.pg.requests_status_ok) - ok0 ))" \
        "3 1 2"
fi

# --- a swap cancelled by a reload ----------------------------------------------------
# c.sqlite is locked (rollback journal, exclusive lock) by a sqlite3 shell:
# the new backend's connections wait for it up to busy_timeout, so the
# check stays pending until the lock is released.
mkfifo "$DIR/lock.fifo"
sqlite3 "$DIR/c.sqlite" < "$DIR/lock.fifo" > "$DIR/lock.out" 2>&1 &
LOCK_PID=$!
exec 7> "$DIR/lock.fifo"
echo "BEGIN EXCLUSIVE; SELECT 'locked';" >&7
locked=no
for _ in $(seq 1 50); do
    grep -qx locked "$DIR/lock.out" && { locked=yes; break; }
    sleep 0.1
done
check "c.sqlite is locked by another process" "$locked" yes
swaps0=$(counter ds.sq.swaps)
C_URL="sqlite://$DIR/c.sqlite?busy_timeout=20000"
(
    dbctl --timeout 25000 swap sq "$C_URL" > "$DIR/swap.out" 2>&1
    echo "$?" > "$DIR/swap.rc"
) &
SWAP_PID=$!
if wait_log 10 "[sq] swap to $C_URL: checking the new backend"; then
    check "the swap to c.sqlite waits for its check" "$([ -e "$DIR/swap.rc" ] || echo waiting)" waiting
else
    not_ok "the swap to c.sqlite waits for its check" "$(tail -5 "$LOG")"
fi
SQ_EXTRA='pool = 3'
write_conf
out=$(dbctl reload 2>&1)
check "reload changing sq meanwhile: OK" "$?" 0
check "... sq changed, rr unchanged" \
    "$(printf '%s\n' "$out" | awk '$1 == "sq" || $1 == "rr" { print $1, $2 }' | tr '\n' ' ')" \
    "sq changed rr unchanged "
wait "$SWAP_PID"
SWAP_PID=
check "the pending swap is answered CONFIG" "$(cat "$DIR/swap.rc")" 8
check "... saying it was cancelled by the reload" \
    "$(grep -c 'the swap was cancelled: a configuration reload changed the datasource meanwhile' "$DIR/swap.out")" 1
echo "ROLLBACK;" >&7
exec 7>&-
wait "$LOCK_PID"
LOCK_PID=
if wait_log 10 "[sq] old backend $C_URL closed"; then
    ok "the cancelled backend is closed once the lock is released"
else
    not_ok "the cancelled backend is closed once the lock is released" "$(tail -5 "$LOG")"
fi
check "sq serves a.sqlite, as the reloaded file says" "$(first_k sq t)" a
check "... with pool 3" "$(dbctl datasources | awk 'NF == 0 { exit } $1 == "sq" { print $5 }')" 3
check "the cancelled swap is not counted" "$(counter ds.sq.swaps)" "$swaps0"

# --- SIGHUP with a broken file, then with the file fixed ---------------------------
view0=$(ds_view)
reloads0=$(counter reloads_total)
done0=$(log_count 'configuration reloaded from')
EXTRA=$(printf '[datasource sq2]\nurl = sqlite://%s/b.sqlite\nbogus_key = 1' "$DIR")
write_conf
line=$(grep -n '^bogus_key' "$CONF" | cut -d: -f1)
kill -HUP "$DBD_PID"
if wait_log 10 "reload refused"; then
    check "SIGHUP with an unknown key: the log says reload refused, naming FILE:LINE and the key" \
        "$(grep -F 'reload refused' "$LOG" | grep -cF "$CONF:$line: unknown key \"bogus_key\"")" 1
else
    not_ok "SIGHUP with an unknown key: the log says reload refused" "$(tail -5 "$LOG")"
fi
check "... the datasources are unchanged" "$(ds_view)" "$view0"
dbctl query sq2 t > /dev/null 2>&1
check "... sq2 was not added" "$?" 1
check "... no reload counted" "$(counter reloads_total)" "$reloads0"
EXTRA=$(printf '[datasource sq2]\nurl = sqlite://%s/b.sqlite' "$DIR")
write_conf
kill -HUP "$DBD_PID"
applied=no
for _ in $(seq 1 100); do
    [ "$(log_count 'configuration reloaded from')" -gt "$done0" ] && { applied=yes; break; }
    sleep 0.1
done
check "SIGHUP with the file fixed: reloaded" "$applied" yes
check "... sq2 serves b.sqlite" "$(first_k sq2 t)" b
check "... one reload counted" "$(counter reloads_total)" $((reloads0 + 1))
check "... the other datasources are unchanged" \
    "$(ds_view | grep -v sq2)" "$view0"
check "sq still serves a.sqlite" "$(first_k sq t)" a

pats=(-e s3cretpw)
[ -n "$PG_PASS" ] && pats+=(-e ":$PG_PASS@")
leaks=$(grep -F "${pats[@]}" "$LOG")
check "dbd logs no password of a URL" "$leaks" ""

# --- dbd stops cleanly --------------------------------------------------------------
check_stops "dbd exits 0 after SIGTERM" "$DBD_PID" 10 && DBD_PID=
check_no_sanitizer_report "$LOG"

tap_end
