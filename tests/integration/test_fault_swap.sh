#!/usr/bin/env bash
# test_fault_swap.sh - a datasource moved between backends under load: while
# dbbench sends reads and upserts at a steady rate to datasource "live",
# `dbctl swap` moves it sqlite -> PostgreSQL -> MariaDB -> text -> sqlite.
# Every swap must be answered OK and show in the datasources view, and no
# request may fail or get lost across the swaps.  A swap to a backend
# without the tables is refused with NOTFOUND and one to a refused port
# with UNAVAILABLE; traffic stays on the old backend.  Afterwards each
# backend holds the bindings the upserts wrote while it served "live".
#
# Starts its own dbd; PostgreSQL and MariaDB are the servers tests/run
# started, in a database of this test's own (made by the connector
# fixtures of tests/lib and dropped at the end).  The steps of a server
# that is not running are skipped.  Stops everything by recorded PID.
# Prints TAP.  Needs DBD_BUILD (dbd, dbctl, dbbench, connector modules).
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
DBBENCH=$DBD_BUILD/tools/dbbench/dbbench
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export DBD_SRC=$SRC
RATE=300            # requests/s over both clients
USERS=200
SWAP_TIMEOUT=30000  # ms: a swap opens and checks the new backend
PHASE=1.5           # s of load on each backend

# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$SRC/tests/lib/daemon.sh"
# owndbd_start, owndbd_kill, fixture_connectors, fixture_dbd_section.
# shellcheck source=tests/lib/owndbd.sh
. "$SRC/tests/lib/owndbd.sh"
# bench_load_start, bench_load_end, bench_json_num, BENCH_PID.
# shellcheck source=tests/lib/bench_load.sh
. "$SRC/tests/lib/bench_load.sh"
# free_port, wait_for.
# shellcheck source=tests/lib/servers.sh
. "$SRC/tests/lib/servers.sh"
# pgsql_fixture, mysql_fixture and mysql_client: a fresh database each.
# shellcheck source=tests/lib/pgsql.sh
. "$SRC/tests/lib/pgsql.sh"
# shellcheck source=tests/lib/mysql.sh
. "$SRC/tests/lib/mysql.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-swap.XXXXXX") || exit 1
DBD_PID=
PG_URL=
MY_URL=

skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }

# The database name at the end of a URL.
url_db() { printf '%s\n' "${1##*/}"; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    owndbd_kill "$BENCH_PID" "$DBD_PID"
    if [ -n "$PG_URL" ] && [ -n "${PGSQL_SOCKET_DIR:-}" ]; then
        psql -X -q -h "$PGSQL_SOCKET_DIR" -p "$PGSQL_PORT" -U postgres -d postgres \
            -c "DROP DATABASE IF EXISTS $(url_db "$PG_URL") WITH (FORCE)" > /dev/null 2>&1
    fi
    if [ -n "$MY_URL" ] && [ -n "${MYSQL_SOCKET:-}" ]; then
        mysql_client --socket="$MYSQL_SOCKET" -uroot \
            -e "DROP DATABASE IF EXISTS \`$(url_db "$MY_URL")\`" > /dev/null 2>&1
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT

dbctl() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" "$@"; }
# The URL the datasources view shows for datasource $1 (first table only:
# its rows start with name, scheme, url).
ds_url() {
    dbctl --json datasources 2>/dev/null |
        grep -o "\\[\"$1\",\"[^\"]*\",\"[^\"]*\"" | head -1 | sed 's/.*,"\([^"]*\)"$/\1/'
}
# A URL with its password masked, as dbd shows it.
masked() { printf '%s\n' "$1" | sed 's#^\([a-z]*://[^:@/]*\):[^@/]*@#\1:***@#'; }
# Bench bindings (upserted location rows) datasource $1 holds.
bindings() {
    dbctl --timeout 10000 query "$1" location domain=bench.example --columns ruid 2>/dev/null |
        grep -c '^ruid-'
}

# --- backends: sqlite, text, and a fresh database on each shared server -----------
chmod 755 "$DIR"
fixture_connectors "$DIR/connectors"
"$SRC/tools/dbd-schema" sqlite "$DIR/a.sqlite" > "$DIR/schema.log" 2>&1 &&
    "$SRC/tools/dbd-schema" text "$DIR/text" >> "$DIR/schema.log" 2>&1
check "sqlite and text tables are created" "$?" 0
: > "$DIR/empty.sqlite"   # a backend without the tables
if [ -e "$DIR/connectors/pgsql.so" ] && pgsql_fixture "$DIR/pg" > "$DIR/pg.conf" 2> "$DIR/pg.err"; then
    PG_URL=$(sed -n 's/^url = //p' "$DIR/pg.conf")
fi
if [ -e "$DIR/connectors/mysql.so" ] && mysql_fixture "$DIR/my" > "$DIR/my.conf" 2> "$DIR/my.err"; then
    MY_URL=$(sed -n 's/^url = //p' "$DIR/my.conf")
fi

SQ_URL="sqlite://$DIR/a.sqlite"
TX_URL="text://$DIR/text"
{
    fixture_dbd_section "$DIR" 5000
    cat <<CONF

[datasource live]
url = $SQ_URL
pool = 2

[datasource fill_tx]
url = $TX_URL
pool = 1
CONF
    [ -n "$PG_URL" ] && printf '\n[datasource fill_pg]\nurl = %s\npool = 1\n' "$PG_URL"
    [ -n "$MY_URL" ] && printf '\n[datasource fill_my]\nurl = %s\npool = 1\n' "$MY_URL"
} > "$DIR/dbd.conf"
owndbd_start "$DIR" "dbd starts and datasource live answers" live

# The same bench subscribers on every backend, written through dbd.
fills="live fill_tx"
[ -n "$PG_URL" ] && fills+=" fill_pg"
[ -n "$MY_URL" ] && fills+=" fill_my"
for ds in $fills; do
    "$DBBENCH" --endpoint "ipc://$DIR/dbd.sock" --datasource "$ds" --users "$USERS" \
        --prefill --count 1 > /dev/null 2> "$DIR/prefill-$ds.err"
    rc=$?
    check "bench subscribers written to $ds" "$rc" 0
    [ "$rc" -eq 0 ] || diag "$(tail -3 "$DIR/prefill-$ds.err")"
done

# --- load on live ------------------------------------------------------------------
bench_load_start "$DIR" live "$USERS" "$RATE" --timeline "$DIR/timeline.tsv"
sleep "$PHASE"

swaps=0
current=$SQ_URL
# swap NAME URL: moves live to URL under load and checks the answer and
# the view, then leaves the load on it for a while.
swap() {
    local name=$1 url=$2 rc
    dbctl --timeout "$SWAP_TIMEOUT" swap live "$url" > "$DIR/swap-$name.out" 2>&1
    rc=$?
    check "swap to $name is answered OK" "$rc" 0
    [ "$rc" -eq 0 ] || diag "$(cat "$DIR/swap-$name.out")"
    if [ "$rc" -eq 0 ]; then
        swaps=$((swaps + 1))
        check "... with the new and the previous URL, passwords masked" \
            "$(awk -v ds=live '$1 == ds { print $2, $3 }' "$DIR/swap-$name.out")" \
            "$(masked "$url") $(masked "$current")"
        current=$url
    fi
    check "... and datasources shows live on $name" "$(ds_url live)" "$(masked "$url")"
    sleep "$PHASE"
}
# refused NAME URL EXIT STATUS: a swap that must fail and change nothing.
refused() {
    local name=$1 url=$2 want=$3 status=$4 before rc
    before=$(ds_url live)
    dbctl --timeout "$SWAP_TIMEOUT" swap live "$url" > "$DIR/refused-$name.out" 2>&1
    rc=$?
    check "a swap to $name is refused with $status" \
        "$rc $(grep -c "$status" "$DIR/refused-$name.out")" "$want 1"
    [ "$rc" = "$want" ] || diag "dbctl: $(cat "$DIR/refused-$name.out")"
    check "... and live stays where it was" "$(ds_url live)" "$before"
    echo "$(date +%s%3N) $name" >> "$DIR/refused.times"
}

refused "a sqlite file without the tables" "sqlite://$DIR/empty.sqlite" 1 NOTFOUND
if [ -n "$PG_URL" ]; then
    swap PostgreSQL "$PG_URL"
else
    skip "swap to PostgreSQL" "no PostgreSQL server"
fi
if [ -n "$MY_URL" ]; then
    swap MariaDB "$MY_URL"
else
    skip "swap to MariaDB" "no MariaDB server"
fi
dead_port=$(free_port)
if [ -e "$DIR/connectors/pgsql.so" ]; then
    refused "a refused port" "pgsql://dbd:dbdpass@127.0.0.1:$dead_port/nodb" 4 UNAVAILABLE
elif [ -e "$DIR/connectors/mysql.so" ]; then
    refused "a refused port" "mysql://dbd:dbdpass@127.0.0.1:$dead_port/nodb" 4 UNAVAILABLE
else
    skip "a swap to a refused port is refused with UNAVAILABLE" "no network connector built"
fi
swap text "$TX_URL"
swap sqlite "$SQ_URL"

# --- what the load saw -----------------------------------------------------------------
bench_load_end "$DIR" "$RATE" "no request failed across the swaps (failed = 0, errors = 0)" \
    "no request was lost (lost = 0)"
# The load went on through each refused swap: OK answers in the second
# after it (the timeline's 0 is the measured start, in Unix ms).
start=$(bench_json_num start_unix_ms "$DIR/bench.json")
while read -r t name; do
    n=$(awk -F '\t' -v a="$((t - ${start:-0}))" \
        'NR > 1 && $1 >= a && $1 < a + 1000 { n += $2 } END { print n + 0 }' "$DIR/timeline.tsv")
    check "traffic went on after the refused swap to $name" \
        "$([ "$n" -gt 0 ] && echo yes)" yes
done < "$DIR/refused.times"

check "stats count the completed swaps only (ds.live.swaps)" \
    "$(dbctl stats 2>/dev/null | awk '$1 == "ds.live.swaps" { print $2 }')" "$swaps"
check "live answers on sqlite again" "$(dbctl ping live > /dev/null 2>&1; echo $?)" 0
# Upserts ran on every backend while it served live.
for ds in $fills; do
    n=$(bindings "$ds")
    case $ds in
        live) backend=sqlite ;; fill_tx) backend=text ;;
        fill_pg) backend=PostgreSQL ;; fill_my) backend=MariaDB ;;
    esac
    check "$backend holds bindings upserted through live" "$([ "${n:-0}" -gt 0 ] && echo yes)" yes
done
if [ -n "$PG_URL$MY_URL" ]; then
    check "the dbd log never shows a backend password" "$(grep -c 'dbdpass' "$DIR/dbd.log")" 0
    grep -q 'dbdpass' "$DIR/dbd.log" && diag "$(grep -m 2 'dbdpass' "$DIR/dbd.log" | sed 's/dbdpass/<password>/')"
fi

# --- dbd stops cleanly --------------------------------------------------------------------
check_stops "dbd exits 0 after SIGTERM" "$DBD_PID" 15 && DBD_PID=
check_no_sanitizer_report "$DIR/dbd.log"

tap_end
