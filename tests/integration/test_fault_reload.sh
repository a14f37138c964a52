#!/usr/bin/env bash
# test_fault_reload.sh - dbd.conf reloaded under load: while dbbench sends
# reads and upserts at a steady rate to datasource "live", the other
# datasources are added, removed and changed in dbd.conf and dbd re-reads
# it, by `dbctl reload` and by SIGHUP, several times.  No request to live
# may fail or get lost, live's connections are never reopened, and the
# datasources view matches each config.  A broken config (an unknown key, a
# bad URL, a datasource defined twice) is answered CONFIG naming FILE:LINE,
# by `dbctl reload` and in the log on SIGHUP, and changes nothing.
#
# Starts its own dbd (sqlite and text datasources only) and stops it by its
# recorded PID.  Prints TAP.  Needs DBD_BUILD (dbd, dbctl, dbbench and the
# connector modules).
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
DBBENCH=$DBD_BUILD/tools/dbbench/dbbench
SRC=$(cd "$(dirname "$0")/../.." && pwd)
RATE=300      # requests/s over both clients
USERS=200
LIVE_POOL=2

# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$SRC/tests/lib/daemon.sh"
# owndbd_start, owndbd_kill, fixture_connectors, fixture_dbd_section.
# shellcheck source=tests/lib/owndbd.sh
. "$SRC/tests/lib/owndbd.sh"
# bench_load_start, bench_load_end, BENCH_PID.
# shellcheck source=tests/lib/bench_load.sh
. "$SRC/tests/lib/bench_load.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-reload.XXXXXX") || exit 1
CONF=$DIR/dbd.conf
DBD_PID=

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    owndbd_kill "$BENCH_PID" "$DBD_PID"
    rm -rf "$DIR"
}
trap cleanup EXIT

dbctl() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" "$@"; }
stat_of() { dbctl stats 2>/dev/null | awk -v k="$1" '$1 == k { print $2 }'; }
# The datasources view as sorted "name=url:pool" words (the first table of
# `dbctl --json datasources`: rows start name, scheme, url, health, pool).
ds_list() {
    dbctl --json datasources 2>/dev/null |
        grep -o '\["[^"]*","[^"]*","[^"]*","[a-z]*",[0-9]*' |
        sed 's/^\["\([^"]*\)","[^"]*","\([^"]*\)","[a-z]*",\([0-9]*\)$/\1=\2:\3/' |
        sort | tr '\n' ' ' | sed 's/ $//'
}
# The reload answer as sorted "name:action" words.
reload_rows() {
    grep -o '\["[^"]*","[a-z]*"\]' "$1" | sed 's/^\["\([^"]*\)","\([a-z]*\)"\]$/\1:\2/' |
        sort | tr '\n' ' ' | sed 's/ $//'
}

sq() { printf 'sqlite://%s/%s.sqlite' "$DIR" "$1"; }
TX="text://$DIR/text"

# write_conf SECTION...: dbd.conf with [dbd], live, and the given
# datasources, each "name url pool" or a literal line of "raw:TEXT".
write_conf() {
    {
        fixture_dbd_section "$DIR" 5000
        cat <<CONF

[datasource live]
url = $(sq live)
pool = $LIVE_POOL
CONF
        local s name url pool
        for s in "$@"; do
            case $s in
                raw:*) printf '%s\n' "${s#raw:}" ;;
                *)
                    read -r name url pool <<< "$s"
                    printf '\n[datasource %s]\nurl = %s\npool = %s\n' "$name" "$url" "$pool"
                    ;;
            esac
        done
    } > "$CONF.new" && mv "$CONF.new" "$CONF"
}
# The line of dbd.conf holding the fixed text $1.
line_of() { grep -nF -- "$1" "$CONF" | head -1 | cut -d: -f1; }

# --- our own dbd -------------------------------------------------------------------
fixture_connectors "$DIR/connectors" sqlite text
for db in live a b c d; do
    "$SRC/tools/dbd-schema" sqlite "$DIR/$db.sqlite" > /dev/null 2>> "$DIR/schema.err" || break
done &&
    "$SRC/tools/dbd-schema" text "$DIR/text" > /dev/null 2>> "$DIR/schema.err"
check "the sqlite and text tables are created" "$?" 0

write_conf "aux1 $(sq a) 1" "aux2 $TX 1" "aux3 $(sq b) 1"
owndbd_start "$DIR" "dbd starts and datasource live answers" live
check "the datasources are the config's" "$(ds_list)" \
    "aux1=$(sq a):1 aux2=$TX:1 aux3=$(sq b):1 live=$(sq live):$LIVE_POOL"

"$DBBENCH" --endpoint "ipc://$DIR/dbd.sock" --datasource live --users "$USERS" \
    --prefill --count 1 > /dev/null 2> "$DIR/prefill.err"
check "bench subscribers written to live" "$?" 0
opened_before=$(grep -c '\[live\].* open' "$DIR/dbd.log")
check "live opened its $LIVE_POOL connections" "$opened_before" "$LIVE_POOL"

# --- load on live ----------------------------------------------------------------------
bench_load_start "$DIR" live "$USERS" "$RATE"
sleep 1

reloads=0
# by_dbctl NAME WANT_ROWS WANT_LIST: reloads with dbctl and checks the answer.
by_dbctl() {
    local rc
    dbctl --json --timeout 30000 reload > "$DIR/reload.out" 2>&1
    rc=$?
    check "reload ($1) by dbctl is answered OK" "$rc" 0
    [ "$rc" -eq 0 ] || diag "$(cat "$DIR/reload.out")"
    [ "$rc" -eq 0 ] && reloads=$((reloads + 1))
    check "... with the actions per datasource" "$(reload_rows "$DIR/reload.out")" "$2"
    check "... and the datasources are the new config's" "$(ds_list)" "$3"
    sleep 0.5
}
# by_sighup NAME WANT_LIST: reloads with SIGHUP and waits until it is done.
by_sighup() {
    local got
    kill -HUP "$DBD_PID"
    reloads=$((reloads + 1))
    for _ in $(seq 1 100); do
        got=$(stat_of reloads_total)
        [ "${got:-0}" -ge "$reloads" ] && break
        sleep 0.1
    done
    check "reload ($1) by SIGHUP is done (reloads_total = $reloads)" "$got" "$reloads"
    check "... and the datasources are the new config's" "$(ds_list)" "$2"
    sleep 0.5
}

write_conf "aux1 $(sq a) 3" "aux3 $(sq b) 1" "aux4 $(sq c) 1"
by_dbctl "aux1 pool changed, aux2 removed, aux4 added" \
    "aux1:changed aux2:removed aux3:unchanged aux4:added live:unchanged" \
    "aux1=$(sq a):3 aux3=$(sq b):1 aux4=$(sq c):1 live=$(sq live):$LIVE_POOL"

write_conf "aux1 $(sq a) 3" "aux2 $TX 2" "aux3 $(sq d) 1"
by_sighup "aux2 back, aux3 to another file, aux4 removed" \
    "aux1=$(sq a):3 aux2=$TX:2 aux3=$(sq d):1 live=$(sq live):$LIVE_POOL"

write_conf "aux1 $(sq a) 1" "aux2 $TX 2" "aux3 $(sq d) 1" "aux5 $TX 1"
by_dbctl "aux1 pool back, aux5 added" \
    "aux1:changed aux2:unchanged aux3:unchanged aux5:added live:unchanged" \
    "aux1=$(sq a):1 aux2=$TX:2 aux3=$(sq d):1 aux5=$TX:1 live=$(sq live):$LIVE_POOL"

write_conf "aux5 $TX 1"
by_sighup "all but aux5 removed" "aux5=$TX:1 live=$(sq live):$LIVE_POOL"

write_conf "aux1 $(sq a) 1" "aux5 $TX 1"
by_dbctl "aux1 added again" "aux1:added aux5:unchanged live:unchanged" \
    "aux1=$(sq a):1 aux5=$TX:1 live=$(sq live):$LIVE_POOL"
good_list=$(ds_list)

# --- broken configs change nothing --------------------------------------------------
# broken NAME LINE: dbd.conf is written already, with the error on LINE.
broken() {
    local where="$CONF:$2:" rc logged
    dbctl --timeout 30000 reload > "$DIR/broken.out" 2>&1
    rc=$?
    check "a config with $1: reload by dbctl is answered CONFIG" "$rc" 8
    check_grep "... naming dbd.conf:$2" "$DIR/broken.out" "$where"
    check "... and nothing changed" "$(ds_list)" "$good_list"
    logged=$(grep -cF "$where" "$DIR/dbd.log")
    kill -HUP "$DBD_PID"
    for _ in $(seq 1 100); do
        [ "$(grep -cF "$where" "$DIR/dbd.log")" -gt "$logged" ] && break
        sleep 0.1
    done
    check "... on SIGHUP, the log names dbd.conf:$2" \
        "$(grep -cF "$where" "$DIR/dbd.log")" "$((logged + 1))"
    check "... and nothing changed" "$(ds_list) $(stat_of reloads_total)" "$good_list $reloads"
}

write_conf "aux1 $(sq a) 1" "aux5 $TX 1" "raw:colour = blue"
broken "an unknown key" "$(line_of 'colour = blue')"
write_conf "aux1 $(sq a) 1" "aux5 nosuchscheme-url 1"
broken "a bad URL" "$(line_of 'url = nosuchscheme-url')"
write_conf "aux1 $(sq a) 1" "aux5 $TX 1" "aux1 $(sq b) 1"
broken "a datasource defined twice" \
    "$(grep -n '^\[datasource aux1\]' "$CONF" | tail -1 | cut -d: -f1)"

# A good config again is taken.
write_conf "aux1 $(sq a) 1" "aux5 $TX 1"
by_dbctl "the good config again" "aux1:unchanged aux5:unchanged live:unchanged" "$good_list"

# --- what the load saw ------------------------------------------------------------------
bench_load_end "$DIR" "$RATE" "no request to live failed (failed = 0, errors = 0)" \
    "no request to live was lost"

# live kept its connections: opened once, at start, never again.
check "live's connections were opened once, at start (the log)" \
    "$(grep -c '\[live\].* open' "$DIR/dbd.log")" "$opened_before"
check "... and no connection of live was lost or closed (the log)" \
    "$(grep -E '\[live\]' "$DIR/dbd.log" | grep -ciE 'lost|clos|reconnect|down')" 0
check "... and the hosts view shows $LIVE_POOL open on live" \
    "$(dbctl --json hosts 2>/dev/null | grep -o '\["live",0,"[^"]*","[a-z]*","[a-z]*",[0-9]*' | sed 's/.*,//')" \
    "$LIVE_POOL"
check "stats count the reloads done (reloads_total)" "$(stat_of reloads_total)" "$reloads"

# --- dbd stops cleanly --------------------------------------------------------------------
check_stops "dbd exits 0 after SIGTERM" "$DBD_PID" 15 && DBD_PID=
check_no_sanitizer_report "$DIR/dbd.log"

tap_end
