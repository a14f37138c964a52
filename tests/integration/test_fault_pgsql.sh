#!/usr/bin/env bash
# test_fault_pgsql.sh - a PostgreSQL datasource through a server outage:
# while a writer inserts rows with unique keys through dbctl, the server is
# stopped with a fast shutdown (SIGINT to the postmaster) and started again
# about 3 s later.  Every request must get an answer within its deadline
# (UNAVAILABLE or TIMEOUT while the server is down), the datasource must
# recover by itself (writes succeed again, same dbd process), and every
# insert acknowledged OK must be in the table afterwards.
#
# Starts its own PostgreSQL (initdb into a temporary directory, on a free
# loopback port) and its own dbd, so the shared servers and the shared dbd
# are not disturbed; stops both by their recorded PIDs.  Prints TAP.
# Needs DBD_BUILD (dbd/dbd, tools/dbctl/dbctl and the connector modules).
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
DBD=$DBD_BUILD/dbd/dbd
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
REQ_TIMEOUT=2000    # ms, each insert's deadline
ANSWER_SLACK=1500   # ms on top of it for starting dbctl (sanitizers are slow)
OUTAGE=3            # s the server stays down
RECOVERY_MAX=15000  # ms after the restart by which an insert must succeed

# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$(dirname "$0")/../lib/daemon.sh"
# free_port, wait_for and as_user.
# shellcheck source=tests/lib/servers.sh
. "$(dirname "$0")/../lib/servers.sh"

PGBIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/postgres" ]; then
    echo "1..0 # SKIP PostgreSQL is not installed"
    exit 0
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-fault.XXXXXX") || exit 1
chmod 755 "$DIR"   # the postgres user must reach its data directory
PG=$DIR/pg
PG_PID=         # the running postmaster
PG_SHELL=       # the background job that runs it (runuser when root)
DBD_PID=
WRITER_PID=

now_ms() { date +%s%3N; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    [ -n "$WRITER_PID" ] && touch "$DIR/stop" && wait "$WRITER_PID" 2>/dev/null
    if [ -n "$DBD_PID" ] && kill -0 "$DBD_PID" 2>/dev/null; then
        kill -KILL "$DBD_PID" 2>/dev/null
        wait "$DBD_PID" 2>/dev/null
    fi
    pg_stop
    rm -rf "$DIR"
}
trap cleanup EXIT

# Starts the postmaster on the data directory and port already chosen;
# sets PG_PID from the PID file it writes.
pg_start() {
    rm -f "$PG/data/postmaster.pid"
    as_user postgres "$PGBIN/postgres" -D "$PG/data" -p "$PG_PORT" \
        -c listen_addresses=127.0.0.1 -c unix_socket_directories="$PG" \
        -c fsync=off -c max_connections=20 >> "$PG/postgres.log" 2>&1 &
    PG_SHELL=$!
    wait_for 30 as_user postgres psql -X -h "$PG" -p "$PG_PORT" -U postgres -c 'SELECT 1' ||
        return 1
    PG_PID=$(head -1 "$PG/data/postmaster.pid" 2>/dev/null)
    [ -n "$PG_PID" ]
}

# Fast shutdown (SIGINT) of the recorded postmaster; waits until it is gone.
pg_stop() {
    [ -n "$PG_PID" ] || return 0
    kill -INT "$PG_PID" 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$PG_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$PG_PID" 2>/dev/null
    [ -n "$PG_SHELL" ] && wait "$PG_SHELL" 2>/dev/null
    PG_PID=''; PG_SHELL=''
}

psql_fault() {
    as_user postgres psql -X -q -At -v ON_ERROR_STOP=1 -h "$PG" -p "$PG_PORT" \
        -U postgres -d faultdb "$@"
}

dbctl() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" "$@"; }

# --- our own PostgreSQL and dbd ----------------------------------------------
mkdir -p "$PG"
[ "$(id -u)" -eq 0 ] && chown postgres: "$PG"
PG_PORT=$(free_port) || exit 1
if as_user postgres "$PGBIN/initdb" -D "$PG/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 > "$PG/initdb.log" 2>&1 && pg_start; then
    ok "our own PostgreSQL starts"
else
    not_ok "our own PostgreSQL starts" "$(tail -5 "$PG/initdb.log" "$PG/postgres.log" 2>&1)"
    tap_end
    exit 1
fi
as_user postgres psql -X -q -v ON_ERROR_STOP=1 -h "$PG" -p "$PG_PORT" -U postgres \
    > "$DIR/setup.log" 2>&1 <<'SQL'
CREATE USER dbd PASSWORD 'dbdpass';
CREATE DATABASE faultdb OWNER dbd ENCODING 'UTF8';
\connect faultdb
SET ROLE dbd;
CREATE TABLE fault_t (k varchar(32) PRIMARY KEY, n integer NOT NULL);
SQL
check "the database and table are created" "$?" 0

mkdir -p "$DIR/connectors"
chmod 755 "$DIR/connectors"
for so in "$DBD_BUILD"/connectors/*/.libs/*.so; do
    [ -e "$so" ] && install -m 644 "$so" "$DIR/connectors/"
done
cat > "$DIR/dbd.conf" <<CONF
[dbd]
endpoint = ipc://$DIR/dbd.sock
connector_dir = $DIR/connectors
log_level = info
drain_timeout = 5000

[datasource pg]
url = pgsql://dbd:dbdpass@127.0.0.1:$PG_PORT/faultdb
pool = 2
CONF
"$DBD" -c "$DIR/dbd.conf" > "$DIR/dbd.log" 2>&1 &
DBD_PID=$!
up=no
for _ in $(seq 1 100); do
    if dbctl --timeout 500 ping pg > /dev/null 2>&1; then up=yes; break; fi
    kill -0 "$DBD_PID" 2>/dev/null || break
    sleep 0.1
done
check "dbd starts and the datasource pg answers" "$up" yes
[ "$up" = yes ] || { diag "$(tail -20 "$DIR/dbd.log")"; tap_end; exit 1; }

# --- load, outage, restart -----------------------------------------------------
# One insert at a time, key k<i>; a line "i start end exit-status" in
# "answered" per request, "i" in "sent" before it goes out.  timeout(1)
# only guards against a hung client (exit 124): dbctl itself gives up
# after --timeout.
mkdir -p "$DIR/out"
writer() {
    local i=0 t0 rc
    while [ ! -e "$DIR/stop" ] && [ "$i" -lt 3000 ]; do
        i=$((i + 1))
        echo "$i" >> "$DIR/sent"
        t0=$(now_ms)
        timeout 10 "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" --timeout "$REQ_TIMEOUT" \
            insert pg fault_t "k=k$i" "n:=$i" > "$DIR/out/$i" 2>&1
        rc=$?
        echo "$i $t0 $(now_ms) $rc" >> "$DIR/answered"
    done
}
writer &
WRITER_PID=$!

sleep 1.5
T_STOP=$(now_ms)
kill -INT "$PG_PID"
for _ in $(seq 1 100); do
    kill -0 "$PG_PID" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$PG_PID" 2>/dev/null; then
    not_ok "PostgreSQL stops on SIGINT (fast shutdown) within 10 s"
else
    ok "PostgreSQL stops on SIGINT (fast shutdown)"
fi
wait "$PG_SHELL" 2>/dev/null
PG_PID=''; PG_SHELL=''
T_DOWN=$(now_ms)    # the server is gone from here...
sleep "$OUTAGE"
T_UP_BEGIN=$(now_ms) # ...to here
if pg_start; then ok "PostgreSQL starts again"
else not_ok "PostgreSQL starts again" "$(tail -5 "$PG/postgres.log")"; fi
T_UP=$(now_ms)      # and accepts connections from here

# Wait for an insert started after the restart to succeed (or give up).
deadline=$((T_UP + RECOVERY_MAX + REQ_TIMEOUT + ANSWER_SLACK))
first_ok=
while [ "$(now_ms)" -lt "$deadline" ]; do
    first_ok=$(awk -v up="$T_UP" '$2 >= up && $4 == 0 { print $3; exit }' "$DIR/answered")
    [ -n "$first_ok" ] && break
    sleep 0.2
done
[ -n "$first_ok" ] && sleep 1    # a little more load on the recovered datasource
touch "$DIR/stop"
wait "$WRITER_PID"
WRITER_PID=

# --- what the writer saw ---------------------------------------------------------
sent=$(wc -l < "$DIR/sent")
answered=$(awk '$4 <= 10' "$DIR/answered" | wc -l)
diag "requests: $sent sent; server stopped at +$((T_DOWN - T_STOP)) ms after SIGINT," \
    "down for $((T_UP - T_DOWN)) ms; exit statuses: $(awk '{ print $4 }' "$DIR/answered" | sort -n | uniq -c | tr -s ' \n' ' ')"
check "every request got an answer (sent = answered)" "$answered" "$sent"
check "no client was stuck (timeout(1) never fired)" \
    "$(awk '$4 == 124' "$DIR/answered" | wc -l)" 0
check "each answer is OK, UNAVAILABLE or TIMEOUT" \
    "$(awk '$4 != 0 && $4 != 4 && $4 != 5 { print $1 ": " $4 }' "$DIR/answered")" ""
slow=$(awk -v max=$((REQ_TIMEOUT + ANSWER_SLACK)) '$3 - $2 > max { print $1 ": " $3 - $2 " ms" }' "$DIR/answered")
check "each answer came within its deadline (+${ANSWER_SLACK} ms to start dbctl)" "$slow" ""
# dbd answers at the deadline itself; the client library's own "no reply"
# would mean dbd kept a request unanswered.
noreply=$(grep -l 'no reply from dbd' "$DIR"/out/* 2>/dev/null | wc -l)
check "dbd itself answered every request (no client-side give-up)" "$noreply" 0
[ "$noreply" -eq 0 ] || diag "$(grep -h 'no reply from dbd' "$DIR"/out/* | head -3)"

check "inserts succeeded before the outage" \
    "$(awk -v t="$T_STOP" '$3 < t && $4 == 0' "$DIR/answered" | wc -l | awk '{ print ($1 > 0) }')" 1
# Requests wholly inside the outage: not one can be OK, and there are some.
check "no insert sent and answered while the server was down succeeded" \
    "$(awk -v a="$T_DOWN" -v b="$T_UP_BEGIN" '$2 >= a && $3 <= b && $4 == 0' "$DIR/answered" | wc -l)" 0
outage_fail=$(awk -v a="$T_DOWN" -v b="$T_UP_BEGIN" '$2 >= a && $3 <= b && ($4 == 4 || $4 == 5)' "$DIR/answered" | wc -l)
check "requests during the outage got UNAVAILABLE or TIMEOUT" \
    "$([ "$outage_fail" -gt 0 ] && echo some)" some
first4=$(awk -v a="$T_DOWN" -v b="$T_UP_BEGIN" '$2 >= a && $3 <= b && $4 == 4 { print $1; exit }' "$DIR/answered")
if [ -n "$first4" ]; then
    check_grep "... naming the datasource that is down" "$DIR/out/$first4" 'datasource "pg"'
else
    ok "... (all of them TIMEOUT)"
fi

if [ -n "$first_ok" ]; then
    diag "first successful insert $((first_ok - T_UP)) ms after the server was back"
    ok "an insert succeeded after the server was back"
    check "... within $RECOVERY_MAX ms" "$([ $((first_ok - T_UP)) -le "$RECOVERY_MAX" ] && echo yes)" yes
else
    not_ok "an insert succeeded after the server was back" "$(tail -5 "$DIR/answered")" \
        "$(tail -10 "$DIR/dbd.log")"
    not_ok "... within $RECOVERY_MAX ms"
fi
check "... by the same dbd process" "$(kill -0 "$DBD_PID" 2>/dev/null && echo alive)" alive
check "the datasource answers a ping again" \
    "$(dbctl --timeout 2000 ping pg > /dev/null 2>&1; echo $?)" 0

# --- every acknowledged insert is in the table -------------------------------------
awk '$4 == 0 { print "k" $1 }' "$DIR/answered" | sort > "$DIR/acked"
if psql_fault -c 'SELECT k FROM fault_t' > "$DIR/present.raw" 2> "$DIR/psql.err"; then
    sort "$DIR/present.raw" > "$DIR/present"
    ok "the table can be read back"
else
    : > "$DIR/present"
    not_ok "the table can be read back" "$(cat "$DIR/psql.err")"
fi
diag "$(wc -l < "$DIR/acked") inserts acknowledged OK, $(wc -l < "$DIR/present") rows present"
missing=$(comm -23 "$DIR/acked" "$DIR/present" | head -5 | tr '\n' ' ')
check "every key acknowledged OK is present" "$missing" ""
# A failed insert may still have committed (the reply was lost), but no
# row can appear that was never sent.
sort "$DIR/sent" | sed 's/^/k/' | sort > "$DIR/sentkeys"
check "every row present was sent" "$(comm -13 "$DIR/sentkeys" "$DIR/present" | head -5 | tr '\n' ' ')" ""

# --- dbd stops cleanly ------------------------------------------------------------
check_stops "dbd exits 0 after SIGTERM" "$DBD_PID" 10 && DBD_PID=
check_no_sanitizer_report "$DIR/dbd.log"

tap_end
