#!/usr/bin/env bash
# test_audit_records.sh - the records of dbd's audit trail, field by field:
# every operation (query, insert, update, delete, replace, batch, raw, ping,
# datasources, stats, hosts, audit, swap, reload by dbctl and by SIGHUP)
# and every status but INTERNAL (OK, BAD for undecodable and oversize
# messages, NOTFOUND, DENY, UNSUPPORTED, CONSTRAINT, TIMEOUT, BUSY,
# UNAVAILABLE, CONFIG) get one record each with the exact fields; secret
# columns (password ha1 ha1b, or audit_secret) never show their values in
# the file, on the live stream or in the log, under audit_values none,
# masked and full, while other values show in full policy only; with
# sync = every a reply leaves only after its record is in the file; and
# "dbctl audit verify" accepts the whole trail.
#
# Starts its own dbd (sqlite and text datasources, plus a refused PostgreSQL
# or MySQL one and one whose connector module is missing) listening on its
# socket and on a loopback TCP port, where a few hand-made ZeroMQ messages
# go (bytes no client library sends).  Stops it by its recorded PID.
# Prints TAP.  Needs DBD_BUILD and jq.
set -u

: "${DBD_BUILD:?DBD_BUILD is not set}"
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
SRC=$(cd "$(dirname "$0")/../.." && pwd)

# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
if ! command -v jq > /dev/null; then
    echo "1..0 # SKIP jq is not installed"
    exit 0
fi
# shellcheck source=tests/lib/daemon.sh
. "$SRC/tests/lib/daemon.sh"
# owndbd_start, owndbd_kill, fixture_connectors, fixture_dbd_section.
# shellcheck source=tests/lib/owndbd.sh
. "$SRC/tests/lib/owndbd.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-auditrec.XXXXXX") || exit 1
AUDIT=$DIR/audit.log
PUB=$DIR/pub.out
DBD_PID=
FOLLOW_PID=
BG_PIDS=()

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    exec 3>&- 2>/dev/null
    owndbd_kill "$FOLLOW_PID" "${BG_PIDS[@]}" "$DBD_PID"
    rm -rf "$DIR"
}
trap cleanup EXIT

dbctl() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" "$@"; }
counter() { dbctl stats 2>/dev/null | awk -v k="$1" '$1 == k { print $2 }'; }
# wait_counter NAME VALUE: up to 20 s until the stats counter NAME is VALUE.
wait_counter() {
    for _ in $(seq 1 200); do
        [ "$(counter "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# The records (compact JSON, one a line) that pass the jq filter $1.
recs() { jq -c "select($1)" "$AUDIT"; }
# The records of the client name $1.
named() { recs ".name == \"$1\""; }
# A record without the fields that differ from run to run (ts, seq,
# client, peer, latency_us, prev, hash), for exact comparison.
strip() { jq -c 'del(.ts, .seq, .client, .peer, .latency_us, .prev, .hash)'; }
# check_rec NAME WANT DESC: the one record of client name NAME, stripped,
# is WANT (two records would not compare equal either).
check_rec() { check "$3" "$(named "$1" | strip)" "$2"; }
# wait_rec FILTER: up to 10 s until a record passes the jq filter.
wait_rec() {
    for _ in $(seq 1 100); do
        [ -n "$(recs "$1" 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    return 1
}

# --- messages no client library sends, over TCP by hand (ZMTP 3.0) ----------------
# mp_str TEXT: a MessagePack string (up to 31 bytes) as printf escapes.
mp_str() { printf '\\x%02x%s' $((0xa0 + ${#1})) "$1"; }
# zmtp_send BODY FILTER: connects to dbd's TCP endpoint as a DEALER (NULL
# mechanism), sends one message whose bytes are the printf escapes BODY
# once the handshake is done, and keeps the connection until a record
# passes the jq filter FILTER.  Fails when there is none within 10 s.
zmtp_send() {
    local len size rc
    len=$(printf '%b' "$1" | wc -c)
    exec 3<> "/dev/tcp/127.0.0.1/$PORT" || return 1
    # Greeting: signature, version 3.0, mechanism NULL, as-server 0; then
    # dbd's greeting (64 bytes).
    printf '\xff\0\0\0\0\0\0\0\0\x7f\x03\x00NULL' >&3
    head -c 48 /dev/zero >&3
    timeout 5 dd bs=1 count=64 <&3 > /dev/null 2>&1
    # READY with our socket type; then dbd's READY (a short command).
    printf '\x04\x1c\x05READY\x0bSocket-Type\0\0\0\x06DEALER' >&3
    size=$(timeout 5 dd bs=1 count=2 <&3 2>/dev/null | od -An -tu1 | awk '{ print $2 }')
    timeout 5 dd bs=1 count="${size:-0}" <&3 > /dev/null 2>&1
    # The message: one short final frame.
    { printf '\x00'; printf '%b' "\\x$(printf %02x "$len")" "$1"; } >&3
    wait_rec "$2"
    rc=$?
    exec 3>&-
    return $rc
}

# --- our own dbd ---------------------------------------------------------------------
# A refused backend (UNAVAILABLE) of a network connector that was built,
# and a datasource of the other one, whose module is left out (CONFIG).
REFUSED='' MISSING=''
if [ -e "$DBD_BUILD/connectors/pgsql/.libs/pgsql.so" ]; then
    REFUSED=pgsql MISSING=mysql
elif [ -e "$DBD_BUILD/connectors/mysql/.libs/mysql.so" ]; then
    REFUSED=mysql MISSING=pgsql
fi
fixture_connectors "$DIR/connectors" sqlite text ${REFUSED:+"$REFUSED"}
for db in a b c s1 s2; do
    "$SRC/tools/dbd-schema" sqlite "$DIR/$db.sqlite" > /dev/null 2>> "$DIR/schema.err" || break
done &&
    "$SRC/tools/dbd-schema" text "$DIR/text" > /dev/null 2>> "$DIR/schema.err" &&
    sqlite3 "$DIR/a.sqlite" "INSERT INTO subscriber (id, username, domain) VALUES (1, 'alice', 'example.com')"
check "the sqlite and text tables are created" "$?" 0

PORT=
for _ in $(seq 1 50); do
    PORT=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    ss -Htln "sport = :$PORT" 2>/dev/null | grep -q . || break
done
M="S3CRET-$RANDOM$RANDOM"   # the secret marker: never in clear anywhere
V="PLAIN$RANDOM$RANDOM"     # a plain marker, in non-secret columns
SEC=$DIR/a.sqlite
{
    fixture_dbd_section "$DIR" 5000 |
        sed "s|^endpoint = .*|endpoint = ipc://$DIR/dbd.sock, tcp://127.0.0.1:$PORT|"
    cat <<CONF
max_message = 8192

[audit]
file = $AUDIT
publish = ipc://$DIR/audit.pub
loss = block
sync = every

[datasource full]
url = sqlite://$SEC
audit_values = full
allow_raw = yes

[datasource masked]
url = sqlite://$SEC
audit_values = masked
allow_raw = yes

[datasource none]
url = sqlite://$SEC
audit_values = none
allow_raw = yes

[datasource tok]
url = sqlite://$SEC
audit_values = full
audit_secret = token
allow_raw = yes

[datasource noraw]
url = sqlite://$DIR/b.sqlite

[datasource busy]
url = sqlite://$DIR/c.sqlite
pool = 1
queue = 1
allow_raw = yes

[datasource sw]
url = sqlite://$DIR/s1.sqlite

[datasource tx]
url = text://$DIR/text
CONF
    if [ -n "$REFUSED" ]; then
        printf '\n[datasource down]\nurl = %s://u:pw@127.0.0.1:1/x\npool = 1\n' "$REFUSED"
        printf '\n[datasource nocon]\nurl = %s://u:pw@127.0.0.1:1/x\npool = 1\n' "$MISSING"
    fi
} > "$DIR/dbd.conf"
NDS=$(grep -c '^\[datasource ' "$DIR/dbd.conf")
# What start and reload records say of the datasources: "NAME URL; ..."
# in config order, passwords masked.
DS_DESC=$(awk '/^\[datasource / { name = substr($2, 1, length($2) - 1) }
               /^url = / && name != "" { printf "%s%s %s", sep, name, $3; sep = "; "; name = "" }' \
              "$DIR/dbd.conf" | sed 's|://\([^:@/]*\):[^@/]*@|://\1:***@|g')

owndbd_start "$DIR" "dbd starts and datasource full answers" full
check "the first record is dbd's start, naming each datasource's backend" \
    "$(head -1 "$AUDIT" | jq -c 'del(.ts, .latency_us, .hash)')" \
    "$(jq -nc --arg d "dbd $("$DBD_BUILD/dbd/dbd" -V 2>/dev/null | awk '{ print $2 }') started: $DS_DESC" \
        '{"seq":0,"client":"dbd","op":"start","cols":[],"status":"OK","id":0,"detail":$d,"prev":"0000000000000000000000000000000000000000000000000000000000000000"}')"

# The live stream, from here to the end (ended by SIGTERM, see below).
"$DBCTL" --endpoint "ipc://$DIR/dbd.sock" --json audit --follow > "$PUB" 2> "$DIR/follow.err" &
FOLLOW_PID=$!
joined=no
for i in $(seq 1 100); do
    dbctl --name "pubsync$i" ping > /dev/null 2>&1
    if grep -q "\"name\":\"pubsync$i\"" "$PUB"; then joined=yes; break; fi
    sleep 0.1
done
check "dbctl audit --follow receives the records" "$joined" yes

# --- 1. every operation, its fields ---------------------------------------------------
dbctl --name q1 query full subscriber username=alice 'id:~in=1,2' 'password~notnull' \
    'ha1b~notnull' --columns username > /dev/null
check_rec q1 '{"name":"q1","ds":"full","host":0,"op":"query","table":"subscriber","cols":["username","id","password","ha1b"],"values":[["username","=","alice"],["id","in",[1,2]],["password","notnull","***"],["ha1b","notnull","***"]],"status":"OK","rows":1,"id":1}' \
    "query: where =, in, notnull; rows returned; secret columns masked"
dbctl --name q2 query full subscriber 'domain~null' 'username~notnull' > /dev/null
check_rec q2 '{"name":"q2","ds":"full","host":0,"op":"query","table":"subscriber","cols":["domain","username"],"values":[["domain","null",null],["username","notnull",null]],"status":"OK","rows":0,"id":1}' \
    "query: null and notnull of plain columns have the value null; 0 rows"
dbctl --name i1 insert full subscriber username=bob domain=example.com 'id:=7' > /dev/null
check_rec i1 '{"name":"i1","ds":"full","host":0,"op":"insert","table":"subscriber","cols":["username","domain","id"],"values":[["username","set","bob"],["domain","set","example.com"],["id","set",7]],"status":"OK","rows":1,"id":1}' \
    "insert: values as set, typed; rows affected"
dbctl --name u1 update full subscriber --set domain=example.org username=bob > /dev/null
check_rec u1 '{"name":"u1","ds":"full","host":0,"op":"update","table":"subscriber","cols":["username","domain"],"values":[["username","=","bob"],["domain","set","example.org"]],"status":"OK","rows":1,"id":1}' \
    "update: where first, then set; rows affected"
dbctl --name r1 replace full subscriber --key username,domain username=carol domain=example.com > /dev/null
check_rec r1 '{"name":"r1","ds":"full","host":0,"op":"replace","table":"subscriber","cols":["username","domain"],"values":[["username","set","carol"],["domain","set","example.com"]],"status":"OK","rows":1,"id":1}' \
    "replace"
dbctl --name d1 delete full subscriber 'username~in=bob,carol' > /dev/null
check_rec d1 '{"name":"d1","ds":"full","host":0,"op":"delete","table":"subscriber","cols":["username"],"values":[["username","in",["bob","carol"]]],"status":"OK","rows":2,"id":1}' \
    "delete: in-list; rows affected"
printf 'insert location ruid=r1 username=u1 contact=sip:u1@x\ndelete location ruid=r1\n' |
    dbctl --name b1 batch full - > /dev/null
check_rec b1 '{"name":"b1","ds":"full","host":0,"op":"batch","table":"location","cols":["ruid","username","contact"],"values":[["ruid","set","r1"],["username","set","u1"],["contact","set","sip:u1@x"],["ruid","=","r1"]],"status":"OK","rows":2,"id":1,"detail":"insert location, delete location"}' \
    "atomic batch on one table: table, sub-ops in detail"
printf 'insert location ruid=r2 username=u2 contact=sip:u2@x\nupdate subscriber --set domain=b.example username=alice\n' |
    dbctl --name b2 batch full - > /dev/null
check_rec b2 '{"name":"b2","ds":"full","host":0,"op":"batch","cols":["ruid","username","contact","domain"],"values":[["ruid","set","r2"],["username","set","u2"],["contact","set","sip:u2@x"],["username","=","alice"],["domain","set","b.example"]],"status":"OK","rows":2,"id":1,"detail":"insert location, update subscriber"}' \
    "atomic batch on two tables: no table"
dbctl --name raw1 raw full 'SELECT count(*) FROM location WHERE username = ?' u2 > /dev/null
# shellcheck disable=SC2016  # $1 is the name of a raw parameter
check_rec raw1 '{"name":"raw1","ds":"full","host":0,"op":"raw","cols":[],"values":[["$1","param","u2"]],"status":"OK","rows":1,"id":1,"detail":"SELECT count(*) FROM location WHERE username = ?"}' \
    "raw (full policy): params, the SQL in detail"
dbctl --name p1 ping > /dev/null
check_rec p1 '{"name":"p1","op":"ping","cols":[],"status":"OK","rows":1,"id":1}' \
    "ping without datasource: answered by the front end, no ds, no host"
dbctl --name p2 ping full > /dev/null
check_rec p2 '{"name":"p2","ds":"full","host":0,"op":"ping","cols":[],"values":[],"status":"OK","rows":0,"id":1}' \
    "ping of a datasource: run by a worker (host 0)"
dbctl --name st1 stats > /dev/null
check "stats" "$(named st1 | jq -c 'del(.rows) | {name, op, cols, status, id}')/$(named st1 | jq '.rows > 100')" \
    '{"name":"st1","op":"stats","cols":[],"status":"OK","id":1}/true'
dbctl --name h1 hosts > /dev/null
check_rec h1 "{\"name\":\"h1\",\"op\":\"hosts\",\"cols\":[],\"status\":\"OK\",\"rows\":$NDS,\"id\":1}" \
    "hosts: one row per host"
dbctl --name au1 audit > /dev/null
check_rec au1 '{"name":"au1","op":"audit","cols":[],"status":"OK","rows":13,"id":1}' "audit"
# dbctl datasources sends datasources then hosts on one connection.
dbctl --name ds1 datasources > /dev/null
check "datasources (matched by its op: the only one)" "$(recs '.op == "datasources"' | strip)" \
    "{\"name\":\"ds1\",\"op\":\"datasources\",\"cols\":[],\"status\":\"OK\",\"rows\":$NDS,\"id\":1}"
check "... and the hosts request after it, on the same connection" \
    "$(recs ".op == \"hosts\" and .client == $(recs '.op == "datasources"' | jq .client)" | strip)" \
    "{\"name\":\"ds1\",\"op\":\"hosts\",\"cols\":[],\"status\":\"OK\",\"rows\":$NDS,\"id\":2}"
dbctl --name sw1 swap sw "sqlite://$DIR/s2.sqlite" > /dev/null
check "swap, OK (matched by op and status: the only one)" \
    "$(recs '.op == "swap" and .status == "OK"' | strip)" \
    "{\"name\":\"sw1\",\"ds\":\"sw\",\"op\":\"swap\",\"cols\":[],\"status\":\"OK\",\"rows\":1,\"id\":1,\"detail\":\"url=sqlite://$DIR/s2.sqlite mode=(unchanged)\"}"
if [ -n "$REFUSED" ]; then
    dbctl --name sw2 swap sw "$REFUSED://u:$M@127.0.0.1:1/x" > /dev/null 2>&1
    check "swap refused (matched by op and status: the only one), password masked" \
        "$(recs '.op == "swap" and .status != "OK"' | strip)" \
        "{\"name\":\"sw2\",\"ds\":\"sw\",\"op\":\"swap\",\"cols\":[],\"status\":\"UNAVAILABLE\",\"id\":1,\"detail\":\"url=$REFUSED://u:***@127.0.0.1:1/x mode=(unchanged)\"}"
else
    ok "# SKIP no pgsql or mysql connector built for a refused swap"
fi
dbctl --name rl1 reload > /dev/null
check_rec rl1 "$(jq -nc --argjson n "$NDS" --arg d "now: $DS_DESC" \
        '{"name":"rl1","op":"reload","cols":[],"status":"OK","rows":$n,"id":1,"detail":$d}')" \
    "reload by dbctl: one row per datasource; the datasources now (sw back to the config's)"
kill -HUP "$DBD_PID"
wait_rec '.client == "dbd" and .op == "reload"'
check "reload by SIGHUP: a record of dbd itself" \
    "$(recs '.client == "dbd" and .op == "reload"' | jq -c 'del(.ts, .seq, .latency_us, .prev, .hash)')" \
    "$(jq -nc --arg d "SIGHUP; now: $DS_DESC" \
        '{"client":"dbd","op":"reload","cols":[],"status":"OK","rows":0,"id":0,"detail":$d}')"

# client and peer: the connection's endpoint and routing id; libzmq's
# "localhost:UID:GID:PID" of the dbctl process for ipc.
"$DBCTL" --endpoint "ipc://$DIR/dbd.sock" --name peer1 ping > /dev/null &
peer_pid=$!
wait "$peer_pid"
check "client is ENDPOINT#HEX, peer names the dbctl process" \
    "$(named peer1 | jq -r '.client | sub("#[0-9a-f]+$"; "#HEX")') $(named peer1 | jq -r .peer)" \
    "ipc://$DIR/dbd.sock#HEX localhost:$(id -u):$(id -g):$peer_pid"

# --- 2. every status -----------------------------------------------------------------
# Bytes that are not a request: op "malformed", id 0, over TCP.
zmtp_send 'garbage\xc1' '.op == "malformed" and (.client | startswith("tcp://"))'
check "BAD: undecodable bytes (over TCP)" \
    "$(recs '.op == "malformed" and (.client | startswith("tcp://"))' | strip)" \
    '{"op":"malformed","cols":[],"status":"BAD","id":0}'
check "... client tcp://127.0.0.1:PORT#HEX, peer the IP" \
    "$(recs '.op == "malformed" and (.client | startswith("tcp://"))' | jq -r '(.client | sub("#[0-9a-f]+$"; "#HEX")) + " " + (.peer | sub("^::ffff:"; ""))')" \
    "tcp://127.0.0.1:$PORT#HEX 127.0.0.1"
# A request over max_message, with the secret marker in it.
dbctl --name big1 insert full subscriber username="$V-big" "ha1=$M$(head -c 9000 /dev/zero | tr '\0' x)" > /dev/null 2>&1
check "BAD: a message over max_message (id peeked, nothing else decoded)" \
    "$(recs '.op == "malformed" and (.client | startswith("ipc://"))' | strip)" \
    '{"op":"malformed","cols":[],"status":"BAD","id":1}'
dbctl --name nf1 query nosuch subscriber > /dev/null 2>&1
check_rec nf1 '{"name":"nf1","ds":"nosuch","op":"query","table":"subscriber","cols":[],"status":"NOTFOUND","id":1}' \
    "NOTFOUND: unknown datasource, named in ds"
dbctl --name nf2 query full nosuchtable > /dev/null 2>&1
check_rec nf2 '{"name":"nf2","ds":"full","host":0,"op":"query","table":"nosuchtable","cols":[],"values":[],"status":"NOTFOUND","id":1}' \
    "NOTFOUND: unknown table (from the backend)"
dbctl --name deny1 raw noraw 'SELECT 1' > /dev/null 2>&1
check_rec deny1 '{"name":"deny1","ds":"noraw","op":"raw","cols":[],"status":"DENY","id":1}' \
    "DENY: raw where allow_raw = no"
# {"v":1,"id":7,"op":"migrate","client":"unsup1"}: a reserved op.
zmtp_send "\\x84$(mp_str v)\\x01$(mp_str id)\\x07$(mp_str op)$(mp_str migrate)$(mp_str client)$(mp_str unsup1)" \
    '.name == "unsup1"'
check_rec unsup1 '{"name":"unsup1","op":"migrate","cols":[],"status":"UNSUPPORTED","id":7}' \
    "UNSUPPORTED: the reserved op migrate (a hand-made request)"
dbctl --name c1 insert full subscriber username=alice domain=b.example > /dev/null 2>&1
check_rec c1 '{"name":"c1","ds":"full","host":0,"op":"insert","table":"subscriber","cols":["username","domain"],"values":[["username","set","alice"],["domain","set","b.example"]],"status":"CONSTRAINT","id":1}' \
    "CONSTRAINT: a duplicate unique key; no rows"
# {"v":1,"id":9,"op":"query","ds":"full","table":"subscriber","deadline":1,"client":"to1"}
zmtp_send "\\x87$(mp_str v)\\x01$(mp_str id)\\x09$(mp_str op)$(mp_str query)$(mp_str ds)$(mp_str full)$(mp_str table)$(mp_str subscriber)$(mp_str deadline)\\x01$(mp_str client)$(mp_str to1)" \
    '.name == "to1"'
check_rec to1 '{"name":"to1","ds":"full","op":"query","table":"subscriber","cols":[],"values":[],"status":"TIMEOUT","id":9}' \
    "TIMEOUT: a deadline already passed (a hand-made request)"

# BUSY: busy has one connection and room for one waiting request.
SLOW="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<6000000) SELECT count(*) FROM c"
dbctl --timeout 50000 --name slow1 raw busy "$SLOW" > /dev/null 2>&1 &
BG_PIDS+=($!)
wait_counter ds.busy.in_flight 1
dbctl --timeout 50000 --name queued1 query busy version > /dev/null 2>&1 &
BG_PIDS+=($!)
wait_counter ds.busy.queued 1
check "busy runs one request and holds one" "$(counter ds.busy.in_flight) $(counter ds.busy.queued)" "1 1"
dbctl --name busy1 query busy version > /dev/null 2>&1
check_rec busy1 '{"name":"busy1","ds":"busy","op":"query","table":"version","cols":[],"status":"BUSY","id":1}' \
    "BUSY: the datasource's queue is full"
wait "${BG_PIDS[@]}"
BG_PIDS=()
check_rec slow1 '{"name":"slow1","ds":"busy","host":0,"op":"raw","cols":[],"status":"OK","rows":1,"id":1}' \
    "... the slow raw request: OK (policy none: no values, no SQL)"
check_rec queued1 '{"name":"queued1","ds":"busy","host":0,"op":"query","table":"version","cols":[],"status":"OK","rows":5,"id":1}' \
    "... the queued one: OK"
if [ -n "$REFUSED" ]; then
    dbctl --name un1 query down subscriber > /dev/null 2>&1
    check_rec un1 '{"name":"un1","ds":"down","op":"query","table":"subscriber","cols":[],"status":"UNAVAILABLE","id":1}' \
        "UNAVAILABLE: the backend refuses connections"
    dbctl --name cf1 query nocon subscriber > /dev/null 2>&1
    check_rec cf1 '{"name":"cf1","ds":"nocon","op":"query","table":"subscriber","cols":[],"status":"CONFIG","id":1}' \
        "CONFIG: the connector module is missing"
else
    ok "# SKIP no pgsql or mysql connector built for UNAVAILABLE"
    ok "# SKIP no pgsql or mysql connector built for CONFIG"
fi
diag "INTERNAL is not provoked: no honest way to make dbd fail inside"

# --- 3. secrets never in clear ---------------------------------------------------------
# secret_round DS: the same requests on DS, each carrying the secret
# marker in password/ha1/ha1b and the plain one in username.
secret_round() {
    local ds=$1 p=$2
    dbctl --name "$p-ins" insert "$ds" subscriber "username=$V-$ds-1" domain=s.example \
        "password=$M" "ha1=$M" "ha1b=$M"
    dbctl --name "$p-upd" update "$ds" subscriber --set "ha1=$M" --set "password=$M" \
        "username=$V-$ds-1" "ha1=$M"
    dbctl --name "$p-qry" query "$ds" subscriber "ha1~in=$M,x" "password=$M" "username=$V-$ds-1"
    dbctl --name "$p-rep" replace "$ds" subscriber --key username,domain "username=$V-$ds-2" \
        domain=s.example "ha1b=$M"
    printf 'insert subscriber username=%s domain=s.example ha1=%s\nupdate subscriber --set password=%s ha1b=%s\ndelete subscriber ha1~in=%s,y\n' \
        "$V-$ds-3" "$M" "$M" "$M" "$M" | dbctl --name "$p-bat" batch "$ds" -
    dbctl --name "$p-rawlit" raw "$ds" "SELECT count(*) FROM subscriber WHERE ha1 = '$M'"
    dbctl --name "$p-rawpar" raw "$ds" 'SELECT count(*) FROM subscriber WHERE ha1 = ?' "$M"
    dbctl --name "$p-rawplain" raw "$ds" 'SELECT ? AS v' "$V-$ds-raw"
}
for ds in full masked none; do
    secret_round "$ds" "s$ds" > "$DIR/secret-$ds.out" 2>&1
done
check_rec sfull-ins "{\"name\":\"sfull-ins\",\"ds\":\"full\",\"host\":0,\"op\":\"insert\",\"table\":\"subscriber\",\"cols\":[\"username\",\"domain\",\"password\",\"ha1\",\"ha1b\"],\"values\":[[\"username\",\"set\",\"$V-full-1\"],[\"domain\",\"set\",\"s.example\"],[\"password\",\"set\",\"***\"],[\"ha1\",\"set\",\"***\"],[\"ha1b\",\"set\",\"***\"]],\"status\":\"OK\",\"rows\":1,\"id\":1}" \
    "full: insert shows plain values, masks the secret columns"
check "full: update, query (=, in), replace, batch: secret values masked" \
    "$(for s in upd qry rep bat; do named "sfull-$s" | jq -c '[.values[] | select(.[0] == "ha1" or .[0] == "password" or .[0] == "ha1b") | .[2]] | unique'; done | sort -u)" \
    '["***"]'
check "full: the update's where and set in order" "$(named sfull-upd | jq -c .values)" \
    "[[\"username\",\"=\",\"$V-full-1\"],[\"ha1\",\"=\",\"***\"],[\"ha1\",\"set\",\"***\"],[\"password\",\"set\",\"***\"]]"
check "full: the query's in-list of a secret column is one \"***\"" "$(named sfull-qry | jq -c .values)" \
    "[[\"ha1\",\"in\",\"***\"],[\"password\",\"=\",\"***\"],[\"username\",\"=\",\"$V-full-1\"]]"
check "full: raw naming ha1 with a literal: no SQL shown" "$(named sfull-rawlit | strip)" \
    '{"name":"sfull-rawlit","ds":"full","host":0,"op":"raw","cols":[],"values":[],"status":"OK","rows":1,"id":1}'
# shellcheck disable=SC2016  # $1 is the name of a raw parameter
check "full: raw naming ha1 with a param: param masked, no SQL" "$(named sfull-rawpar | strip)" \
    '{"name":"sfull-rawpar","ds":"full","host":0,"op":"raw","cols":[],"values":[["$1","param","***"]],"status":"OK","rows":1,"id":1}'
check "full: raw without a secret column: SQL and param shown" "$(named sfull-rawplain | jq -c '[.values, .detail]')" \
    "[[[\"\$1\",\"param\",\"$V-full-raw\"]],\"SELECT ? AS v\"]"
check "masked: every value \"***\", no SQL (detail only for the batch)" \
    "$(jq -c "select(.ds == \"masked\" and (.name // \"\" | startswith(\"smasked-\"))) | [.name, (.values | map(.[2]) | unique), .detail]" "$AUDIT")" \
    '["smasked-ins",["***"],null]
["smasked-upd",["***"],null]
["smasked-qry",["***"],null]
["smasked-rep",["***"],null]
["smasked-bat",["***"],"insert subscriber, update subscriber, delete subscriber"]
["smasked-rawlit",[],null]
["smasked-rawpar",["***"],null]
["smasked-rawplain",["***"],null]'
check "masked: all 8 OK" \
    "$(recs '.ds == "masked" and (.name // "" | startswith("smasked-"))' | jq -r .status | sort | uniq -c | tr -s ' ')" \
    " 8 OK"
check "none: no values, no SQL (detail only for the batch), all OK" \
    "$(recs '.ds == "none" and (.name // "" | startswith("snone-"))' | jq -c '[.name, has("values"), .detail, .status]')" \
    '["snone-ins",false,null,"OK"]
["snone-upd",false,null,"OK"]
["snone-qry",false,null,"OK"]
["snone-rep",false,null,"OK"]
["snone-bat",false,"insert subscriber, update subscriber, delete subscriber","OK"]
["snone-rawlit",false,null,"OK"]
["snone-rawpar",false,null,"OK"]
["snone-rawplain",false,null,"OK"]'
check "none: the insert's columns are still named" "$(named snone-ins | jq -c .cols)" \
    '["username","domain","password","ha1","ha1b"]'

# tok: audit_secret = token, so ha1 is shown there and token is masked.
H="SHOWN$RANDOM$RANDOM"
{
    dbctl --name tok-ins insert tok subscriber "username=$V-tok-1" domain=t.example "ha1=$H"
    dbctl --name tok-rawlit raw tok "SELECT count(*) FROM subscriber WHERE ha1 = '$H'"
    dbctl --name tok-rawpar raw tok 'SELECT count(*) FROM subscriber WHERE ha1 = ?' "$H"
    dbctl --name tok-tokpar raw tok 'SELECT ? AS token' "$M"
    dbctl --name tok-toklit raw tok "SELECT '$M' AS token"
    dbctl --name tok-qry query tok subscriber "token=$M"
} > "$DIR/secret-tok.out" 2>&1
check_rec tok-ins "{\"name\":\"tok-ins\",\"ds\":\"tok\",\"host\":0,\"op\":\"insert\",\"table\":\"subscriber\",\"cols\":[\"username\",\"domain\",\"ha1\"],\"values\":[[\"username\",\"set\",\"$V-tok-1\"],[\"domain\",\"set\",\"t.example\"],[\"ha1\",\"set\",\"$H\"]],\"status\":\"OK\",\"rows\":1,\"id\":1}" \
    "audit_secret = token: ha1 is shown in full"
check "... a raw naming ha1: SQL shown" "$(named tok-rawlit | jq -c '[.values, .detail]')" \
    "[[],\"SELECT count(*) FROM subscriber WHERE ha1 = '$H'\"]"
check "... and its param shown" "$(named tok-rawpar | jq -c '[.values, .detail]')" \
    "[[[\"\$1\",\"param\",\"$H\"]],\"SELECT count(*) FROM subscriber WHERE ha1 = ?\"]"
# shellcheck disable=SC2016  # $1 is the name of a raw parameter
check "... a raw naming token: param masked, no SQL" "$(named tok-tokpar | jq -c '[.values, has("detail"), .status]')" \
    '[[["$1","param","***"]],false,"OK"]'
check "... a raw naming token in a literal: no SQL" "$(named tok-toklit | jq -c '[.values, has("detail"), .status]')" \
    '[[],false,"OK"]'
check "... a condition on token masked (even when NOTFOUND)" "$(named tok-qry | jq -c '[.values, .status]')" \
    '[[["token","=","***"]],"NOTFOUND"]'

# --- 4. sync = every: the record is written before the reply -------------------------
missing=
for i in $(seq 1 30); do
    dbctl --name "mark$i" insert full location "ruid=mark$i" username=m contact=sip:m@x > /dev/null 2>&1
    grep -q "\"name\":\"mark$i\"" "$AUDIT" || missing="$missing mark$i"
done
check "sync = every: each of 30 records is in the file when the reply arrives" "${missing:-none}" none

# --- the live stream: the file's lines, and no secret --------------------------------
dbctl --name pubend ping > /dev/null
for _ in $(seq 1 100); do
    grep -q '"name":"pubend"' "$PUB" && break
    sleep 0.1
done
kill -TERM "$FOLLOW_PID"
wait "$FOLLOW_PID"
check "dbctl audit --follow exits 0 on SIGTERM" "$?" 0
FOLLOW_PID=
first=$(head -1 "$PUB" | jq .seq)
last=$(grep '"name":"pubend"' "$PUB" | jq .seq)
pub_lines=$(wc -l < "$PUB")
# The start record is seq 0 on line 1: seq N is line N + 1.
if cmp -s "$PUB" <(sed -n "$((first + 1)),$((last + 1))p" "$AUDIT"); then
    ok "the stream carried the file's lines $((first + 1))..$((last + 1)) byte for byte ($pub_lines lines)"
else
    not_ok "the stream carried the file's lines $((first + 1))..$((last + 1)) byte for byte" \
        "$(diff <(sed -n "$((first + 1)),$((last + 1))p" "$AUDIT") "$PUB" | head -10)"
fi

# --- 3, continued: the markers in the file, the stream and the log ------------------
check "the secret marker is in no audit record" "$(grep -c -- "$M" "$AUDIT")" 0
check "... in no published record" "$(grep -c -- "$M" "$PUB")" 0
check "... and not in the dbd log" "$(grep -c -- "$M" "$DIR/dbd.log")" 0
check "the plain marker shows in full policy (ins, upd, qry, rep, bat, rawplain)" \
    "$(grep -c -- "$V-full-" "$AUDIT")" 6
check "... not in masked or none policy (file and stream)" \
    "$(cat "$AUDIT" "$PUB" | grep -c -e "$V-masked-" -e "$V-none-")" 0
check "the requests of the secret rounds were answered as expected" \
    "$(cat "$DIR"/secret-*.out | grep -c '^dbctl: ')" 1
check_grep "... the one error: token is no column of subscriber" "$DIR/secret-tok.out" \
    "dbctl: NOTFOUND: "

# --- the trail as a whole --------------------------------------------------------------
check_stops "dbd exits 0 after SIGTERM" "$DBD_PID" 15 && DBD_PID=
check "the last record is dbd's stop" "$(tail -1 "$AUDIT" | jq -c '{client, op, status}')" \
    '{"client":"dbd","op":"stop","status":"OK"}'
n=$(wc -l < "$AUDIT")
check "seq is 0, 1, 2 ... line by line" \
    "$(jq -s '[.[].seq] | . == [range(0; length)]' "$AUDIT")" true
check "every ts is YYYY-MM-DDTHH:MM:SS.UUUUUUZ" \
    "$(jq -r .ts "$AUDIT" | grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$')" 0
check "every client is dbd or ENDPOINT#HEX of dbd's endpoints" \
    "$(jq -r .client "$AUDIT" | grep -cvE "^(dbd|(ipc://$DIR/dbd\\.sock|tcp://127\\.0\\.0\\.1:$PORT)#[0-9a-f]+)\$")" 0
check "keys always in the documented order" \
    "$(jq -c '. as $r | (keys_unsorted) == ([["ts","seq","client","name","peer","ds","host","op","table","cols","values","status","rows","latency_us","id","detail","prev","hash"][] | select(. as $k | $r | has($k))])' "$AUDIT" | sort | uniq -c | tr -s ' ')" \
    " $n true"
check "rows only with status OK" "$(recs '.status != "OK" and has("rows")' | wc -l)" 0
check "host only with a datasource" "$(recs 'has("host") and (has("ds") | not)' | wc -l)" 0
out=$(dbctl audit verify "$AUDIT" 2>&1)
check "dbctl audit verify: OK with every line a record" "$?/${out%%;*}" "0/OK: $n records in 1 file"
check_no_sanitizer_report "$DIR/dbd.log"

tap_end
