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
#  - requests keep flowing while a swap is being checked: a datasource of
#    one host and one connection that never pings answers each of several
#    requests sent while the new backend's second host holds the check (its
#    first host's worker waits as a standby meanwhile, and a request must
#    wake the current worker, not that one);
#  - a datasource in mode failover whose second host only waits, removed by
#    a reload while a request runs and another is queued, is closed once
#    the running one ends (its workers wake each other as they end);
#  - SIGHUP with a broken file changes nothing and logs "reload refused";
#    with the file fixed, SIGHUP applies it;
#  - an atomic batch queued on a SQLite datasource behind a request that
#    waits for a lock, then a swap to a connector without transactions (the
#    text files or the LDAP server tests/run started, whichever lacks the
#    capability; skipped when neither does): the batch is answered
#    UNSUPPORTED, dbd stays up and serves from the new backend.
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
LOCK_PID=   # the sqlite3 shell that holds a SQLite file locked (lock_file)
Q1_PID=     # clients whose requests wait for that lock
Q2_PID=

now_ms() { date +%s%3N; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local pid
    exec 7>&-   # the lock holder reads EOF and exits
    for pid in "$LOCK_PID" "$SWAP_PID" "$RAW_PID" "$Q1_PID" "$Q2_PID"; do
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

# wait_counter NAME VALUE: until counter NAME of `dbctl stats` is VALUE (up
# to 10 s); fails when it never is.
wait_counter() {
    for _ in $(seq 1 100); do
        [ "$(counter "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# lock_file FILE: a sqlite3 shell takes an exclusive lock on FILE (a file
# in rollback-journal mode: no other connection reads or writes it) and
# holds it until unlock_file; its input is fd 7, its PID LOCK_PID.  Fails
# when the lock is not taken within 5 s.  One lock at a time.
lock_file() {
    rm -f "$DIR/lock.fifo" "$DIR/lock.out"
    mkfifo "$DIR/lock.fifo" || return 1
    sqlite3 "$1" < "$DIR/lock.fifo" > "$DIR/lock.out" 2>&1 &
    LOCK_PID=$!
    exec 7> "$DIR/lock.fifo"
    echo "BEGIN EXCLUSIVE; SELECT 'locked';" >&7
    for _ in $(seq 1 50); do
        grep -qx locked "$DIR/lock.out" && return 0
        sleep 0.1
    done
    return 1
}

# unlock_file: the lock holder rolls back and exits.
unlock_file() {
    [ -n "$LOCK_PID" ] || return 0
    echo "ROLLBACK;" >&7
    exec 7>&-
    wait "$LOCK_PID"
    LOCK_PID=
}

# url_enc TEXT: TEXT with every byte but letters, digits and . _ ~ / -
# percent-escaped, for a URL parameter.
url_enc() {
    local s=$1 out='' c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9._~/-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s\n' "$out"
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
for f in a b c ra rb w1 w2 w3 g1 g2; do
    sqlite3 "$DIR/$f.sqlite" \
        "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER); INSERT INTO t VALUES ('$f', 1);" ||
        { not_ok "the SQLite files are made"; tap_end; exit 1; }
done
# The Kamailio tables, for the batch swapped from SQLite to another
# connector (text files or LDAP).
if ! { "$SRC/tools/dbd-schema" sqlite "$DIR/bt.sqlite" &&
        "$SRC/tools/dbd-schema" text "$DIR/text" &&
        "$SRC/tools/dbd-schema" text "$DIR/bt-text"; }; then
    not_ok "the Kamailio tables are made"
    tap_end
    exit 1
fi
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

# LDAP: the slapd tests/run started (a connector without transactions).
LDAP_URL=
if [ -n "${DBD_TEST_LDAP_URL:-}" ] && [ -n "${DBD_TEST_LDAP_MAPPING:-}" ] &&
        [ -f "$DIR/connectors/ldap.so" ]; then
    LDAP_URL=$DBD_TEST_LDAP_URL
fi

SQ_EXTRA=''   # more keys of [datasource sq]
EXTRA=''      # more sections
GONE=yes      # whether [datasource gone] is in the file
# w: one host, one connection, no pings: an idle worker sleeps until a
# request wakes it.  gone: failover, so its second host only waits.  bt:
# one connection; the file stays in rollback-journal mode, so a lock by
# another process holds its reads.  tx and ld (LDAP, when there is a
# server): their connectors' capabilities.
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

[datasource w]
url = sqlite://$DIR/w1.sqlite
pool = 1
ping_interval = 0

[datasource bt]
url = sqlite://$DIR/bt.sqlite?journal_mode=delete&busy_timeout=20000
pool = 1

[datasource tx]
url = text://$DIR/text
pool = 1
CONF
        if [ "$GONE" = yes ]; then
            cat <<CONF

[datasource gone]
url = sqlite://$DIR/g1.sqlite?journal_mode=delete&busy_timeout=20000 sqlite://$DIR/g2.sqlite
mode = failover
pool = 1
ping_interval = 0
CONF
        fi
        if [ -n "$LDAP_URL" ]; then
            printf '\n[datasource ld]\nurl = %s\noption.mapping = %s\n' \
                "$LDAP_URL" "$DBD_TEST_LDAP_MAPPING"
            printf 'option.binddn = %s\noption.password = %s\npool = 1\n' \
                "${DBD_TEST_LDAP_BINDDN:-}" "${DBD_TEST_LDAP_PASSWORD:-}"
        fi
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
if lock_file "$DIR/c.sqlite"; then
    ok "c.sqlite is locked by another process"
else
    not_ok "c.sqlite is locked by another process" "$(cat "$DIR/lock.out")"
fi
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
unlock_file
if wait_log 10 "[sq] old backend $C_URL closed"; then
    ok "the cancelled backend is closed once the lock is released"
else
    not_ok "the cancelled backend is closed once the lock is released" "$(tail -5 "$LOG")"
fi
check "sq serves a.sqlite, as the reloaded file says" "$(first_k sq t)" a
check "... with pool 3" "$(dbctl datasources | awk 'NF == 0 { exit } $1 == "sq" { print $5 }')" 3
check "the cancelled swap is not counted" "$(counter ds.sq.swaps)" "$swaps0"

# --- requests while a swap is being checked ---------------------------------------
# w has one host: before the fix a request signalled one sleeping worker,
# which could be the new backend's standby instead of w's only worker;
# with no pings to wake that one, the request waited for its deadline.
# The new backend's first host (w2) passes its check at once and its worker
# waits; the second (w3, locked) holds the check.
check "w serves w1.sqlite" "$(first_k w t)" w1
if lock_file "$DIR/w3.sqlite"; then
    ok "w3.sqlite is locked by another process"
else
    not_ok "w3.sqlite is locked by another process" "$(cat "$DIR/lock.out")"
fi
W_NEW="sqlite://$DIR/w2.sqlite sqlite://$DIR/w3.sqlite?busy_timeout=20000"
(
    # shellcheck disable=SC2086  # W_NEW is two URLs
    dbctl --timeout 25000 swap w $W_NEW > "$DIR/wswap.out" 2>&1
    echo "$?" > "$DIR/wswap.rc"
) &
SWAP_PID=$!
# The standby's first connection is open: its check follows at once.
if wait_log 10 "[w] swap to $W_NEW: checking the new backend" &&
        wait_log 10 "[w#0] connection 0 open"; then
    ok "the swap of w is being checked, its first host connected"
else
    not_ok "the swap of w is being checked, its first host connected" "$(tail -5 "$LOG")"
fi
: > "$DIR/w.answers"
for i in 1 2 3 4 5; do
    out=$(dbctl --timeout 3000 query w t --columns k 2>&1)
    echo "$i $? $(printf '%s\n' "$out" | awk 'NR == 3 { print $1 }')" >> "$DIR/w.answers"
done
diag "$(tr '\n' ';' < "$DIR/w.answers")"
check "5 queries to w during the check: each answered OK from w1.sqlite (none waits for its deadline)" \
    "$(awk '{ printf "%s:%s ", $2, $3 }' "$DIR/w.answers")" "0:w1 0:w1 0:w1 0:w1 0:w1 "
check "... while the swap is still being checked" \
    "$([ -e "$DIR/wswap.rc" ] || echo waiting)" waiting
unlock_file
wait "$SWAP_PID"
SWAP_PID=
check "the lock released, the swap of w is answered OK" "$(cat "$DIR/wswap.rc")" 0
check "w serves w2.sqlite" "$(first_k w t)" w2

# --- a removed datasource closes ------------------------------------------------------
# gone's first host runs a request held by a lock, another waits in its
# queue, and gone is removed by a reload.  The second host's worker wakes
# at the removal, finds a job in the queue that is not its own (failover)
# and sleeps again: before the fix nothing woke it when the first host's
# worker ended, and gone was never closed.
check "gone serves g1.sqlite" "$(first_k gone t)" g1
if lock_file "$DIR/g1.sqlite"; then
    ok "g1.sqlite is locked by another process"
else
    not_ok "g1.sqlite is locked by another process" "$(cat "$DIR/lock.out")"
fi
(
    dbctl --timeout 15000 query gone t > "$DIR/g.q1.out" 2>&1
    echo "$?" > "$DIR/g.q1.rc"
) &
Q1_PID=$!
wait_counter ds.gone.in_flight 1
check "a query of gone runs (waits for the lock)" "$(counter ds.gone.in_flight)" 1
(
    dbctl --timeout 15000 query gone t > "$DIR/g.q2.out" 2>&1
    echo "$?" > "$DIR/g.q2.rc"
) &
Q2_PID=$!
wait_counter ds.gone.queued 1
check "a second query of gone waits in its queue" "$(counter ds.gone.queued)" 1
GONE=no
write_conf
out=$(dbctl reload 2>&1)
check "reload without gone: OK" "$?" 0
check "... gone removed" "$(printf '%s\n' "$out" | awk '$1 == "gone" { print $2 }')" removed
wait "$Q1_PID" "$Q2_PID"
Q1_PID=''
Q2_PID=''
check "both queries of gone are answered TIMEOUT after drain_timeout" \
    "$(cat "$DIR/g.q1.rc" "$DIR/g.q2.rc" | tr '\n' ' ')" "5 5 "
check "... saying gone was removed" \
    "$(cat "$DIR/g.q1.out" "$DIR/g.q2.out" | grep -c 'datasource "gone" was removed by a reload and this request did not finish within drain_timeout')" 2
check "gone is not closed while its query still runs" "$(log_count 'datasource gone closed')" 0
unlock_file
if wait_log 5 "datasource gone closed"; then
    ok "once the lock is released, the log says datasource gone closed (within 5 s)"
else
    not_ok "once the lock is released, the log says datasource gone closed (within 5 s)" "$(tail -5 "$LOG")"
fi
dbctl query gone t > /dev/null 2>&1
check "gone is no more (NOTFOUND)" "$?" 1

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

# --- an atomic batch queued across a swap to a connector without transactions ---
# bt's only worker waits for a lock; an atomic batch waits in the queue
# behind it; bt is swapped to a backend whose connector has no
# transactions: the batch must be refused (before the fix dbd called the
# begin the connector does not have, and crashed).  The backend: the text
# files or the LDAP directory, the first whose connector lacks the
# "transaction" capability (in `dbctl datasources`); skipped when none does.
NOTXN_URL=
for ds in tx ld; do
    caps=$(dbctl datasources | awk -v n="$ds" 'NF == 0 { exit } $1 == n { print $(NF - 1) }')
    diag "datasource $ds: ${caps:-not configured}"
    [ -n "$caps" ] || continue
    printf '%s\n' "$caps" | tr ',' '\n' | grep -qx transaction && continue
    case $ds in
        tx) NOTXN_URL="text://$DIR/bt-text" ;;
        ld) NOTXN_URL="$LDAP_URL?mapping=$(url_enc "$DBD_TEST_LDAP_MAPPING")&binddn=$(url_enc "${DBD_TEST_LDAP_BINDDN:-}")&password=$(url_enc "${DBD_TEST_LDAP_PASSWORD:-}")" ;;
    esac
    break
done
if [ -z "$NOTXN_URL" ]; then
    for _ in $(seq 1 15); do skip "no connector without transactions (text has them, and LDAP when there is a server)"; done
else
    NOTXN_SCHEME=${NOTXN_URL%%://*}
    check "bt serves the version table" \
        "$(dbctl query bt version table_name=version --columns table_version | awk 'NR == 3 { print $1 }')" 1
    if lock_file "$DIR/bt.sqlite"; then
        ok "bt.sqlite is locked by another process"
    else
        not_ok "bt.sqlite is locked by another process" "$(cat "$DIR/lock.out")"
    fi
    (
        dbctl --timeout 15000 query bt version > "$DIR/bt.q.out" 2>&1
        echo "$?" > "$DIR/bt.q.rc"
    ) &
    Q1_PID=$!
    wait_counter ds.bt.in_flight 1
    check "a query of bt runs (waits for the lock)" "$(counter ds.bt.in_flight)" 1
    (
        printf 'insert version table_name=swap-edges-batch table_version:=7\n' |
            dbctl --timeout 15000 batch bt - > "$DIR/bt.batch.out" 2>&1
        echo "$?" > "$DIR/bt.batch.rc"
    ) &
    Q2_PID=$!
    wait_counter ds.bt.queued 1
    check "an atomic batch waits in bt's queue" "$(counter ds.bt.queued)" 1
    out=$(dbctl swap bt "$NOTXN_URL" 2>&1)
    rc=$?
    check "swap bt to $NOTXN_SCHEME meanwhile: OK" "$rc" 0
    [ "$rc" = 0 ] || diag "$out"
    wait "$Q2_PID"
    Q2_PID=
    check "the queued atomic batch is answered UNSUPPORTED" "$(cat "$DIR/bt.batch.rc")" 7
    check "... saying the connector has no transactions" \
        "$(grep -c "atomic batch: the datasource's connector (changed since the request was queued) has no transactions" "$DIR/bt.batch.out")" 1
    wait "$Q1_PID"
    Q1_PID=
    check "the query held by the lock is answered TIMEOUT at the drain deadline" \
        "$(cat "$DIR/bt.q.rc") $(grep -c 'datasource "bt" switched backends' "$DIR/bt.q.out")" "5 1"
    unlock_file
    check "dbd is still running" "$(kill -0 "$DBD_PID" 2>/dev/null && echo running)" running
    if wait_log 5 "[bt] old backend sqlite://$DIR/bt.sqlite?"; then
        ok "the old backend of bt closes once the lock is released"
    else
        not_ok "the old backend of bt closes once the lock is released" "$(tail -5 "$LOG")"
    fi
    dbctl ping bt > /dev/null 2>&1
    check "bt answers a ping" "$?" 0
    check "bt is served by $NOTXN_SCHEME" \
        "$(dbctl datasources | awk 'NF == 0 { exit } $1 == "bt" { print $2 }')" "$NOTXN_SCHEME"
    check "... it answers a query of the version table" \
        "$(dbctl query bt version table_name=version --columns table_version | awk 'NR == 3 { print $1 }')" 1
    check "... where the batch wrote nothing" \
        "$(dbctl query bt version table_name=swap-edges-batch | tail -1)" "(0 rows)"
    check "... and which still has its own rows (of subscriber)" \
        "$(dbctl query bt version table_name=subscriber --columns table_version | awk 'NR == 3 { print $1 }')" 7
fi

pats=(-e s3cretpw)
[ -n "$PG_PASS" ] && pats+=(-e ":$PG_PASS@")
[ -n "$LDAP_URL" ] && [ -n "${DBD_TEST_LDAP_PASSWORD:-}" ] &&
    pats+=(-e "password=$DBD_TEST_LDAP_PASSWORD")
leaks=$(grep -F "${pats[@]}" "$LOG")
check "dbd logs no password of a URL" "$leaks" ""

# --- dbd stops cleanly --------------------------------------------------------------
check_stops "dbd exits 0 after SIGTERM" "$DBD_PID" 10 && DBD_PID=
check_no_sanitizer_report "$LOG"

tap_end
