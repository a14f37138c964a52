#!/usr/bin/env bash
# test_curve.sh - CURVE on dbd's tcp endpoints.  A dbd with curve_key and
# clients serves a tcp endpoint and an ipc one: a client with a listed key
# is served and its audit records name it by its key's name; a client
# with an unknown key, one without CURVE and one that expects another
# server key are refused, each logged as a warning and recorded in the
# audit trail (op connect, status DENY, what failed in detail); the ipc
# endpoint needs no key.  `dbctl reload` puts a changed allow-list in
# force; a broken one refuses the reload (CONFIG, FILE:LINE) and the list
# in force stays.  A bad key file or clients without curve_key stop dbd at
# start with exit 78.
#
# Keys come from `dbctl keygen`.  Starts its own dbd (SQLite), stops it by
# recorded PID.  Prints TAP.  Needs DBD_BUILD (dbd, dbctl, the sqlite
# module) and jq.
set -u

if [ -z "${DBD_BUILD:-}" ]; then
    echo "1..0 # SKIP DBD_BUILD is not set"
    exit 0
fi
if ! command -v jq > /dev/null; then
    echo "1..0 # SKIP jq is not installed"
    exit 0
fi
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
SRC=$(cd "$(dirname "$0")/../.." && pwd)
REFUSED_MS=3000     # a refused client gives up before: not a timeout

# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
# shellcheck source=tests/lib/owndbd.sh
. "$SRC/tests/lib/owndbd.sh"
# free_port, wait_for.
# shellcheck source=tests/lib/servers.sh
. "$SRC/tests/lib/servers.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-curve.XXXXXX") || exit 1
K=$DIR/keys
DBD_PID=
trap 'owndbd_kill "$DBD_PID"; rm -rf "$DIR"' EXIT

PORT=$(free_port) || exit 1
TCP=tcp://127.0.0.1:$PORT
IPC=ipc://$DIR/dbd.sock

mkdir -p "$K"
for name in dbd alice bob; do
    if ! "$DBCTL" keygen "$name" --dir "$K" > "$DIR/keygen.$name" 2>&1; then
        echo "1..0 # SKIP dbctl keygen failed: $(head -1 "$DIR/keygen.$name")"
        exit 0
    fi
done
# The public key of NAME, from its .pub file.
pub() { sed -n 's/^public = //p' "$K/$1.pub"; }
ALICE=$(pub alice)
BOB=$(pub bob)
grep -qxF "alice $ALICE" "$DIR/keygen.alice" ||
    diag "keygen did not print the allow-list line: $(cat "$DIR/keygen.alice")"

fixture_connectors "$DIR/connectors" sqlite
{
    echo "# who may connect over tcp"
    echo "alice $ALICE"
} > "$DIR/clients"
cat > "$DIR/dbd.conf" <<CONF
[dbd]
endpoint = $IPC, $TCP
connector_dir = $DIR/connectors
log_level = info
curve_key = $K/dbd.key
clients = $DIR/clients

[datasource sq]
url = sqlite://$DIR/db.sqlite

[audit]
file = $DIR/audit.log
CONF

# dbctl over tcp with the key pair of $1 ("-": none) and the server key
# file $2; the rest are dbctl's arguments.  Output in $DIR/out, exit
# status in RC.
tcp_dbctl() {
    local key=$1 server=$2
    shift 2
    local args=(--endpoint "$TCP")
    [ "$key" = - ] || args+=(--key "$K/$key.key" --server-key "$K/$server.pub")
    "$DBCTL" "${args[@]}" "$@" > "$DIR/out" 2>&1
    RC=$?
}

# The audit records matching the jq condition $1 (waits up to 5 s for one:
# records reach the file a few ms after the event).
records() {
    wait_for 5 has_record "$1"
    jq -c "select($1)" "$DIR/audit.log"
}

# Whether a record matches the jq condition $1 (jq -e would judge by the
# last record of the file only).
has_record() {
    [ -n "$(jq -c "select($1)" "$DIR/audit.log" | head -1)" ]
}

# The log says $2 within 5 s (check name $1).
log_says() {
    if wait_for 5 grep -qF -- "$2" "$DIR/dbd.log"; then
        ok "$1"
    else
        not_ok "$1" "no \"$2\" in the log" "$(tail -5 "$DIR/dbd.log")"
    fi
}

# The ipc endpoint needs no key: owndbd_start pings over ipc.
owndbd_start "$DIR" "dbd starts with CURVE on tcp; ipc answers without a key"
check "ipc: ping without a key" "$("$DBCTL" --endpoint "$IPC" --timeout 3000 \
    ping > /dev/null 2>&1; echo $?)" 0

# A listed key: served, and its records name the key.
tcp_dbctl alice dbd --timeout 5000 ping sq
check "tcp: alice (listed key) pings" "$RC" 0
check "audit: alice's ping has client \"alice\"" \
    "$(records '.op == "ping" and .ds == "sq" and .client == "alice"' |
       jq -r '"\(.client) \(.status)"' | head -1)" "alice OK"
log_says "log: alice admitted by her key's name" "admitted with key \"alice\""

# An unknown key: the ZAP handler says 400.  ZeroMQ gives the client no
# error, but the client library watches its handshake and answers
# UNAVAILABLE at once (well before the timeout), saying why.
tcp_dbctl bob dbd --timeout "$REFUSED_MS" ping
check "tcp: bob (unknown key) is refused: UNAVAILABLE" "$RC" 4
check_grep "dbctl says dbd does not know the key" "$DIR/out" \
    "UNAVAILABLE: cannot reach dbd at $TCP: authentication failed"
log_says "log: bob's refusal names his key" "refused: unknown CURVE key $BOB"
check "audit: bob's refusal is op connect, DENY, his key in detail" \
    "$(records ".op == \"connect\" and .detail == \"unknown CURVE key $BOB\"" |
       jq -r '"\(.status) \(.client | startswith("tcp://"))"' | head -1)" \
    "DENY true"

# No CURVE at all: the handshake fails.  dbd mostly sees the mechanism
# mismatch, but the client may hang up first (a broken pipe); either is a
# failed handshake.
tcp_dbctl - - --timeout "$REFUSED_MS" ping
check "tcp: a client without a key is refused: UNAVAILABLE" "$RC" 4
check_grep "dbctl says the handshake failed" "$DIR/out" \
    "UNAVAILABLE: cannot reach dbd at $TCP: ZeroMQ handshake failed"
log_says "log: the plain client's refusal" "refused: handshake failed: "
# Its address is taken when dbd sees the connection accepted; one closed
# before that is "unknown address on ENDPOINT".
check "audit: the plain client's refusal (DENY, its address and port)" \
    "$(records '.op == "connect" and (.detail | startswith("handshake failed: "))' |
       jq -r --arg ep "unknown address on $TCP" \
           '"\(.status) \(.client | test("^tcp://.*:[0-9]+$") or . == $ep)"' |
       head -1)" "DENY true"

# alice expecting another server (bob's key as the server's): dbd cannot
# open her hello.
tcp_dbctl alice bob --timeout "$REFUSED_MS" ping
check "tcp: a client with the wrong server key is refused: UNAVAILABLE" \
    "$RC" 4
check_grep "dbctl says the CURVE handshake failed" "$DIR/out" \
    "UNAVAILABLE: cannot reach dbd at $TCP: CURVE handshake failed"
log_says "log: the wrong server key's refusal" \
    "refused: handshake failed: cryptographic error"
check "audit: the wrong server key's refusal" \
    "$(records '.op == "connect" and (.detail | startswith("handshake failed: cryptographic error"))' |
       jq -r '.status' | head -1)" "DENY"

# A reload puts an added key in force.
echo "bob $BOB" >> "$DIR/clients"
check "reload with bob added" "$("$DBCTL" --endpoint "$IPC" reload \
    > "$DIR/reload.out" 2>&1; echo $?)" 0
log_says "log: the reload read two keys" "reload: 2 client keys from $DIR/clients"
tcp_dbctl bob dbd --timeout 5000 ping sq
check "tcp: bob pings after the reload" "$RC" 0
check "audit: bob's ping has client \"bob\"" \
    "$(records '.op == "ping" and .client == "bob"' | jq -r '.status' |
       head -1)" "OK"

# A broken allow-list refuses the reload; the list in force stays.
cp "$DIR/clients" "$DIR/clients.good"
echo "carol not-a-key" >> "$DIR/clients"
"$DBCTL" --endpoint "$IPC" reload > "$DIR/reload.out" 2>&1
check "reload with a broken clients file: CONFIG" "$?" 8
check_grep "the refusal names FILE:LINE" "$DIR/reload.out" \
    "$DIR/clients:4: bad key for \"carol\""
tcp_dbctl bob dbd --timeout 5000 ping
check "tcp: bob still served (the old list stays)" "$RC" 0
cp "$DIR/clients.good" "$DIR/clients"
echo "carol $ALICE" >> "$DIR/clients"
"$DBCTL" --endpoint "$IPC" reload > "$DIR/reload.out" 2>&1
check "reload with a key listed twice: CONFIG" "$?" 8
check_grep "the duplicate is named" "$DIR/reload.out" \
    "$DIR/clients:4: duplicate key: \"carol\" has the key of \"alice\""
echo "alice $ALICE" > "$DIR/clients"
echo "alice $BOB" >> "$DIR/clients"
"$DBCTL" --endpoint "$IPC" reload > "$DIR/reload.out" 2>&1
check_grep "a duplicate name is refused" "$DIR/reload.out" \
    "$DIR/clients:2: duplicate name \"alice\""
cp "$DIR/clients.good" "$DIR/clients"

# A clean stop (the ZAP thread ends before the trail closes).
kill -TERM "$DBD_PID"
wait "$DBD_PID"
check "dbd stops cleanly" "$?" 0
DBD_PID=
check "the trail ends with its stop record" \
    "$(tail -1 "$DIR/audit.log" | jq -r '.op')" "stop"

# Start-up refusals are configuration errors (exit 78).
sed "s|^curve_key = .*|curve_key = $K/alice.pub|" "$DIR/dbd.conf" \
    > "$DIR/nosecret.conf"
"$DBD_BUILD/dbd/dbd" -c "$DIR/nosecret.conf" > "$DIR/start.out" 2>&1
check "a key file without a secret: exit 78" "$?" 78
check_grep "it names the file" "$DIR/start.out" "$K/alice.pub"
grep -v '^curve_key' "$DIR/dbd.conf" > "$DIR/nokey.conf"
"$DBD_BUILD/dbd/dbd" -c "$DIR/nokey.conf" > "$DIR/start.out" 2>&1
check "clients without curve_key: exit 78" "$?" 78
check_grep "it says why" "$DIR/start.out" "clients is set but curve_key is not"

tap_end
