#!/usr/bin/env bash
# test_fault_pgsql.sh - a PostgreSQL datasource through a server outage:
# while a writer inserts rows with unique keys through dbctl, the server is
# stopped with a fast shutdown (SIGINT to the postmaster) and started again
# about 3 s later.  Every request must get an answer within its deadline
# (UNAVAILABLE or TIMEOUT while the server is down), the datasource must
# recover by itself (writes succeed again, same dbd process), and every
# insert acknowledged OK must be in the table afterwards.
#
# Starts its own PostgreSQL (tests/lib/pgrepl.sh: initdb into a temporary
# directory, on a free loopback port) and its own dbd, so the shared
# servers and the shared dbd are not disturbed; stops both by their
# recorded PIDs.  Prints TAP.
# Needs DBD_BUILD (dbd/dbd, tools/dbctl/dbctl and the connector modules).
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
REQ_TIMEOUT=2000    # ms, each insert's deadline
ANSWER_SLACK=1500   # ms on top of it for starting dbctl (sanitizers are slow)
OUTAGE=3            # s the server stays down
RECOVERY_MAX=15000  # ms after the restart by which an insert must succeed

# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/daemon.sh
. "$(dirname "$0")/../lib/daemon.sh"
# owndbd_start, owndbd_kill, owndbd_writer(_stop), fixture_connectors,
# fixture_dbd_section.
# shellcheck source=tests/lib/owndbd.sh
. "$(dirname "$0")/../lib/owndbd.sh"
# Our own server "pg" with database faultdb: pgrepl_plain, pgrepl_node_*,
# pgrepl_psql, pgrepl_url, PGREPL_PID, PGREPL_DIR.
PGREPL_DB=faultdb
# shellcheck source=tests/lib/pgrepl.sh
. "$(dirname "$0")/../lib/pgrepl.sh"

if ! pgrepl_find_bin; then
    echo "1..0 # SKIP PostgreSQL is not installed"
    exit 0
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-fault.XXXXXX") || exit 1
chmod 755 "$DIR"   # the postgres user must reach its data directory
DBD_PID=
WRITER_PID=

now_ms() { date +%s%3N; }

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    owndbd_writer_stop "$DIR"
    owndbd_kill "$DBD_PID"
    pgrepl_stop_all
    rm -rf "$DIR"
}
trap cleanup EXIT

dbctl() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" "$@"; }

# --- our own PostgreSQL and dbd ----------------------------------------------
if pgrepl_plain pg "$DIR" 2> "$DIR/pgrepl.err"; then
    ok "our own PostgreSQL starts"
else
    not_ok "our own PostgreSQL starts" "$(cat "$DIR/pgrepl.err")"
    tap_end
    exit 1
fi
pgrepl_psql pg > "$DIR/setup.log" 2>&1 <<'SQL'
SET ROLE dbd;
CREATE TABLE fault_t (k varchar(32) PRIMARY KEY, n integer NOT NULL);
SQL
check "the database and table are created" "$?" 0

fixture_connectors "$DIR/connectors"
{
    fixture_dbd_section "$DIR" 5000
    cat <<CONF

[datasource pg]
url = $(pgrepl_url pg)
pool = 2
CONF
} > "$DIR/dbd.conf"
owndbd_start "$DIR" "dbd starts and the datasource pg answers" pg

# --- load, outage, restart -----------------------------------------------------
# One insert at a time, key k<i> (owndbd_writer: "sent" and "answered").
mkdir -p "$DIR/out"
owndbd_writer "$DIR" 3000 "$REQ_TIMEOUT" "out/{}" insert pg fault_t "k=k{}" "n:={}" &
WRITER_PID=$!

sleep 1.5
T_STOP=$(now_ms)
kill -INT "${PGREPL_PID[pg]}"
if pgrepl_wait_gone "${PGREPL_PID[pg]}" 10; then
    ok "PostgreSQL stops on SIGINT (fast shutdown)"
else
    not_ok "PostgreSQL stops on SIGINT (fast shutdown) within 10 s"
fi
pgrepl_node_stop pg   # the bookkeeping (and SIGKILL if it still runs)
T_DOWN=$(now_ms)    # the server is gone from here...
sleep "$OUTAGE"
T_UP_BEGIN=$(now_ms) # ...to here
if pgrepl_node_start pg 2> "$DIR/restart.err"; then ok "PostgreSQL starts again"
else not_ok "PostgreSQL starts again" "$(tail -5 "${PGREPL_DIR[pg]}/postgres.log")"; fi
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
owndbd_writer_stop "$DIR"

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
if pgrepl_psql pg -c 'SELECT k FROM fault_t' > "$DIR/present.raw" 2> "$DIR/psql.err"; then
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
