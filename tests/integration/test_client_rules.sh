#!/usr/bin/env bash
# test_client_rules.sh - per-client rules ([client NAME] sections).  A dbd
# with two SQLite datasources (main, other) serves three ipc endpoints
# (the operators' one, the SIP proxies' one, one no client owns) and a
# CURVE tcp endpoint whose allow-list has the keys sipproxy and carol.
# The rules are the examples at the end of the sample dbd.conf, so this
# fails when they stop doing what they say: the SIP proxies, on their ipc
# endpoint and over tcp with their key alike, read the Kamailio tables
# and write location only; every other request (writing subscriber, raw,
# another datasource, admin operations, a batch with one such operation)
# is answered DENY with its exact message, changes nothing and never
# reaches a connector (the host request counters stay); the operators
# may use the admin operations but not read data.  Connections on an
# endpoint no client owns and keys without a section may do nothing.
# Each denial is one audit record naming the client; the per-client
# counters in stats count exactly what was sent.  A reload puts changed
# rules in force and keeps the counters; a broken section refuses the
# reload (CONFIG, FILE:LINE) and the rules in force stay.
#
# Keys come from `dbctl keygen`.  Starts its own dbd, stops it by recorded
# PID.  Prints TAP.  Needs DBD_BUILD (dbd, dbctl, the sqlite module), jq
# and sqlite3.
set -u

if [ -z "${DBD_BUILD:-}" ]; then
    echo "1..0 # SKIP DBD_BUILD is not set"
    exit 0
fi
for tool in jq sqlite3; do
    if ! command -v "$tool" > /dev/null; then
        echo "1..0 # SKIP $tool is not installed"
        exit 0
    fi
done
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
SRC=$(cd "$(dirname "$0")/../.." && pwd)

# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
# shellcheck source=tests/lib/owndbd.sh
. "$SRC/tests/lib/owndbd.sh"
# check_stops, check_no_sanitizer_report.
# shellcheck source=tests/lib/daemon.sh
. "$SRC/tests/lib/daemon.sh"
# free_port, wait_for.
# shellcheck source=tests/lib/servers.sh
. "$SRC/tests/lib/servers.sh"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-rules.XXXXXX") || exit 1
K=$DIR/keys
DBD_PID=
trap 'owndbd_kill "$DBD_PID"; rm -rf "$DIR"' EXIT

PORT=$(free_port) || exit 1
TCP=tcp://127.0.0.1:$PORT
ADMIN_EP=ipc://$DIR/dbd.sock        # owndbd_start pings here
PROXY_EP=ipc://$DIR/proxy.sock
STRANGER_EP=ipc://$DIR/stranger.sock

mkdir -p "$K"
for name in dbd sipproxy carol; do
    if ! "$DBCTL" keygen "$name" --dir "$K" > "$DIR/keygen.$name" 2>&1; then
        echo "1..0 # SKIP dbctl keygen failed: $(head -1 "$DIR/keygen.$name")"
        exit 0
    fi
done
pub() { sed -n 's/^public = //p' "$K/$1.pub"; }
{
    echo "sipproxy $(pub sipproxy)"
    echo "carol $(pub carol)"
} > "$DIR/clients"

# The commented example [client NAME] of the sample dbd.conf, without its
# ';': the header and the key lines under it.
sample_client() {
    awk -v hdr=";[client $1]" '
        $0 == hdr { on = 1; print substr($0, 2); next }
        on && /^;[a-z_]+ = / { print substr($0, 2); next }
        on { exit }' "$SRC/dbd/dbd.conf"
}
SIP_BLOCK=$(sample_client sipproxy | sed "s|^endpoint = .*|endpoint = $PROXY_EP|")
ADMIN_BLOCK=$(sample_client admin | sed "s|^endpoint = .*|endpoint = $ADMIN_EP|")
# keys TEXT KEY...: how many lines of TEXT set each KEY.
keys() {
    local text=$1 key out=()
    shift
    for key in "$@"; do
        out+=("$(grep -c "^$key = " <<< "$text")")
    done
    echo "${out[*]}"
}
check "the sample's [client sipproxy] example, endpoint replaced" \
    "$(keys "$SIP_BLOCK" endpoint read write) $(grep -cxF "endpoint = $PROXY_EP" <<< "$SIP_BLOCK")" \
    "1 1 1 1"
check "the sample's [client admin] example, endpoint replaced" \
    "$(keys "$ADMIN_BLOCK" endpoint admin) $(grep -cxF "endpoint = $ADMIN_EP" <<< "$ADMIN_BLOCK")" \
    "1 1 1"
# Without the examples the rest would only repeat that they are gone.
[ "$tap_failed" -eq 0 ] || { tap_end; exit 1; }

fixture_connectors "$DIR/connectors" sqlite

# write_conf SIPPROXY_SECTION: DIR/dbd.conf with that [client sipproxy].
# The operators may also send raw statements, to make the tables.
write_conf() {
    cat > "$DIR/dbd.conf" <<CONF
[dbd]
endpoint = $ADMIN_EP, $PROXY_EP, $STRANGER_EP, $TCP
connector_dir = $DIR/connectors
log_level = info
curve_key = $K/dbd.key
clients = $DIR/clients

[datasource main]
url = sqlite://$DIR/main.sqlite
allow_raw = yes

[datasource other]
url = sqlite://$DIR/other.sqlite
allow_raw = yes

[audit]
file = $DIR/audit.log

$1

$ADMIN_BLOCK
raw = main other
CONF
}
write_conf "$SIP_BLOCK"

# What the test sent, to compare with dbd's per-client counters: messages
# and denials of sipproxy (both transports) and of admin (from ADMIN_BASE
# on, see below).
N_PROXY=0
D_PROXY=0
N_ADMIN=0
D_ADMIN=0

# dbctl_as WHO ARGS...: dbctl ARGS as WHO: admin (its ipc endpoint), ipc
# (sipproxy's ipc endpoint), tcp (sipproxy's key over tcp), stranger (the
# ipc endpoint no client owns), carol (her key over tcp).  --name tells
# the transports apart in the audit trail; it grants nothing.  Standard
# output in DIR/out, standard error in DIR/err, exit status in RC.  Not in
# a subshell: it counts.
dbctl_as() {
    local who=$1 args=()
    shift
    case $who in
        admin)    args=(--endpoint "$ADMIN_EP"); N_ADMIN=$((N_ADMIN + 1)) ;;
        ipc)      args=(--endpoint "$PROXY_EP" --name proxy-ipc)
                  N_PROXY=$((N_PROXY + 1)) ;;
        tcp)      args=(--endpoint "$TCP" --key "$K/sipproxy.key"
                        --server-key "$K/dbd.pub" --name proxy-tcp)
                  N_PROXY=$((N_PROXY + 1)) ;;
        stranger) args=(--endpoint "$STRANGER_EP" --name stranger) ;;
        carol)    args=(--endpoint "$TCP" --key "$K/carol.key"
                        --server-key "$K/dbd.pub" --name carol-tcp) ;;
    esac
    "$DBCTL" "${args[@]}" --timeout 5000 "$@" > "$DIR/out" 2> "$DIR/err"
    RC=$?
    # dbctl datasources asks for the hosts too once the first answer is OK.
    if [ "$who" = admin ] && [ "$1" = datasources ] && [ "$RC" -eq 0 ]; then
        N_ADMIN=$((N_ADMIN + 1))
    fi
}

# allowed NAME WHO ARGS...: answered OK (exit 0, nothing on stderr).
allowed() {
    local name=$1
    shift
    dbctl_as "$@"
    check "$name: OK" "exit $RC: $(cat "$DIR/err")" "exit 0: "
}

# denied NAME MESSAGE WHO ARGS...: answered DENY (exit 3) with MESSAGE.
denied() {
    local name=$1 msg=$2
    shift 2
    case $1 in
        ipc | tcp) D_PROXY=$((D_PROXY + 1)) ;;
        admin) D_ADMIN=$((D_ADMIN + 1)) ;;
    esac
    dbctl_as "$@"
    check "$name: DENY" "exit $RC: $(cat "$DIR/err")" "exit 3: dbctl: DENY: $msg"
}

# rows DS SQL: the rows, straight from the SQLite file.
rows() { sqlite3 -batch "$DIR/$1.sqlite" "$2"; }
LOC_SQL="SELECT ruid, username, contact, expires FROM location ORDER BY ruid"
SUB_SQL="SELECT id, username, domain, ha1 FROM subscriber ORDER BY id"

# stats_to FILE: `dbctl stats` as admin, kept in FILE; stat FILE ROW: a value.
stats_to() {
    dbctl_as admin stats
    cp "$DIR/out" "$1"
    [ "$RC" -eq 0 ] || diag "stats: exit $RC: $(cat "$DIR/err")"
}
stat() { awk -v row="$2" '$1 == row { print $2 }' "$1"; }

# audit_has JQ_CONDITION N: the trail has N records matching it, or more.
audit_has() {
    [ "$(jq -s "map(select($1)) | length" "$DIR/audit.log")" -ge "$2" ]
}

# audit_statuses JQ_CONDITION: the distinct statuses of the audit records
# matching it, as a JSON list (waits up to 5 s for one: records reach the
# file a few ms after the answer).
audit_statuses() {
    wait_for 5 audit_has "$1" 1
    jq -sc "map(select($1) | .status) | unique" "$DIR/audit.log"
}

# --- set-up ------------------------------------------------------------------
owndbd_start "$DIR" "dbd starts with client rules (the admin client pings)"

# owndbd_start's pings count as admin requests, and a ping that timed out
# may still have arrived: admin's count is taken from here on.
stats_to "$DIR/stats.0"
ADMIN_BASE=$(stat "$DIR/stats.0" client.admin.requests_total)
N_ADMIN=0
check "stats: no sipproxy request yet" \
    "$(stat "$DIR/stats.0" client.sipproxy.requests_total) $(stat "$DIR/stats.0" client.sipproxy.denied_total)" \
    "0 0"
check "stats: no admin denial yet" "$(stat "$DIR/stats.0" client.admin.denied_total)" 0

setup_ok=yes
for sql in \
    "CREATE TABLE subscriber (id INTEGER PRIMARY KEY, username TEXT NOT NULL, domain TEXT NOT NULL, ha1 TEXT NOT NULL)" \
    "INSERT INTO subscriber (id, username, domain, ha1) VALUES (1, 'alice', 'example.org', 'a1'), (2, 'bob', 'example.org', 'b2')" \
    "CREATE TABLE location (id INTEGER PRIMARY KEY, ruid TEXT NOT NULL UNIQUE, username TEXT NOT NULL, contact TEXT NOT NULL, expires INTEGER NOT NULL)" \
    "CREATE TABLE dr_rules (ruleid INTEGER PRIMARY KEY, groupid TEXT NOT NULL, prefix TEXT NOT NULL, gwlist TEXT NOT NULL)" \
    "INSERT INTO dr_rules (ruleid, groupid, prefix, gwlist) VALUES (1, '1', '49', '1'), (2, '1', '44', '2')" \
    "CREATE TABLE dr_gateways (gwid INTEGER PRIMARY KEY, type INTEGER NOT NULL, address TEXT NOT NULL)" \
    "INSERT INTO dr_gateways (gwid, type, address) VALUES (1, 0, '192.0.2.10')"; do
    dbctl_as admin raw main "$sql"
    [ "$RC" -eq 0 ] || { setup_ok="main: $sql: exit $RC: $(cat "$DIR/err")"; break; }
done
if [ "$setup_ok" = yes ]; then
    dbctl_as admin raw other "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)"
    [ "$RC" -eq 0 ] || setup_ok="other: exit $RC: $(cat "$DIR/err")"
fi
check "admin makes the tables with raw statements" "$setup_ok" yes
[ "$setup_ok" = yes ] || { tap_end; exit 1; }
SUB0=$(rows main "$SUB_SQL")

# --- the start log -----------------------------------------------------------
check_grep "log: the rules are in force for 2 clients" "$DIR/dbd.log" \
    "notice: client rules in force for 2 clients"
check_grep "log: a warning about the endpoint no client owns" "$DIR/dbd.log" \
    "warning: client rules: $STRANGER_EP belongs to no [client] section; every request on it is denied"
check "log: no warning about an owned endpoint" \
    "$(grep -c 'client rules: .* belongs to no \[client\] section' "$DIR/dbd.log")" 1

# --- admin: admin operations, no data ----------------------------------------
denied "admin: query subscriber" \
    'client "admin" may not read table "subscriber" of datasource "main"' \
    admin query main subscriber
denied "admin: insert location" \
    'client "admin" may not write table "location" of datasource "main"' \
    admin insert main location ruid=x username=x contact=x expires:=1
check "admin's denials changed nothing" "$(rows main "$LOC_SQL")" ""

# --- sipproxy, on its ipc endpoint and over tcp ------------------------------
# proxy_suite VIA (ipc or tcp): sipproxy's rules over that transport; its
# location rows have ruids VIA-N.
proxy_suite() {
    local via=$1 op loc
    local w_sub='client "sipproxy" may not write table "subscriber" of datasource "main"'

    allowed "$via: query subscriber" "$via" --json query main subscriber \
        --columns username,domain --order username
    check "$via: the subscribers read" "$(jq -c .rows "$DIR/out")" \
        '[["alice","example.org"],["bob","example.org"]]'
    allowed "$via: query location" "$via" --json query main location
    allowed "$via: query dr_rules" "$via" --json query main dr_rules \
        --columns prefix --order ruleid
    check "$via: the dr_rules read" "$(jq -c .rows "$DIR/out")" '[["49"],["44"]]'
    allowed "$via: query dr_gateways" "$via" --json query main dr_gateways \
        --columns address
    check "$via: the dr_gateways read" "$(jq -c .rows "$DIR/out")" '[["192.0.2.10"]]'

    allowed "$via: insert location" "$via" insert main location \
        "ruid=$via-1" username=alice contact=sip:alice@192.0.2.1 expires:=3600
    allowed "$via: insert location again" "$via" insert main location \
        "ruid=$via-2" username=bob contact=sip:bob@192.0.2.2 expires:=3600
    allowed "$via: update location" "$via" update main location \
        --set expires:=60 "ruid=$via-1"
    allowed "$via: replace location (a row there)" "$via" replace main location \
        --key ruid "ruid=$via-2" username=bob contact=sip:bob@192.0.2.9 expires:=1800
    allowed "$via: replace location (a new row)" "$via" replace main location \
        --key ruid "ruid=$via-3" username=carol contact=sip:carol@192.0.2.3 expires:=900
    check "$via: location after insert, update, replace" \
        "$(rows main "SELECT ruid, username, contact, expires FROM location WHERE ruid LIKE '$via-%' ORDER BY ruid")" \
        "$via-1|alice|sip:alice@192.0.2.1|60
$via-2|bob|sip:bob@192.0.2.9|1800
$via-3|carol|sip:carol@192.0.2.3|900"
    allowed "$via: delete location" "$via" delete main location "ruid=$via-1"
    check "$via: location after delete" \
        "$(rows main "SELECT ruid FROM location WHERE ruid LIKE '$via-%' ORDER BY ruid")" \
        "$via-2
$via-3"

    denied "$via: insert subscriber" "$w_sub" "$via" insert main subscriber \
        id:=9 username=mallory domain=example.org ha1=m9
    denied "$via: update subscriber" "$w_sub" "$via" update main subscriber \
        --set ha1=stolen username=alice
    denied "$via: delete subscriber" "$w_sub" "$via" delete main subscriber \
        username=alice
    denied "$via: replace subscriber" "$w_sub" "$via" replace main subscriber \
        --key id id:=1 username=alice domain=example.org ha1=stolen
    denied "$via: raw" \
        'client "sipproxy" may not send raw statements to datasource "main"' \
        "$via" raw main "DELETE FROM subscriber"
    check "$via: subscriber unchanged" "$(rows main "$SUB_SQL")" "$SUB0"

    denied "$via: query other" \
        'client "sipproxy" may not read table "t" of datasource "other"' \
        "$via" query other t
    denied "$via: insert other" \
        'client "sipproxy" may not write table "t" of datasource "other"' \
        "$via" insert other t k=a v:=1
    check "$via: other's t unchanged" "$(rows other "SELECT count(*) FROM t")" 0

    allowed "$via: ping" "$via" ping
    allowed "$via: ping main" "$via" ping main
    denied "$via: ping other" 'client "sipproxy" has no rule for datasource "other"' \
        "$via" ping other

    for op in stats datasources hosts audit reload; do
        denied "$via: $op" "client \"sipproxy\" may not use the admin operation \"$op\"" \
            "$via" "$op"
    done
    denied "$via: swap" 'client "sipproxy" may not use the admin operation "swap"' \
        "$via" swap main "sqlite://$DIR/other.sqlite"

    cat > "$DIR/batch-ok.$via" <<BATCH
# only what sipproxy may do
insert location ruid=$via-4 username=dave contact=sip:dave@192.0.2.4 expires:=600
update location --set expires:=300 ruid=$via-4
query subscriber --columns username --order username
BATCH
    allowed "$via: a batch of allowed operations" "$via" batch main "$DIR/batch-ok.$via"
    check_grep "$via: the batch's update ran" "$DIR/out" "#2 update: OK, 1 row affected"
    check "$via: the batch's rows" \
        "$(rows main "SELECT ruid, username, contact, expires FROM location WHERE ruid = '$via-4'")" \
        "$via-4|dave|sip:dave@192.0.2.4|300"

    cat > "$DIR/batch-mixed.$via" <<BATCH
insert location ruid=$via-5 username=eve contact=sip:eve@192.0.2.5 expires:=600
delete subscriber username=alice
BATCH
    loc=$(rows main "$LOC_SQL")
    denied "$via: a batch with a subscriber delete" "ops[1]: $w_sub" \
        "$via" batch main "$DIR/batch-mixed.$via"
    check "$via: nothing of the denied batch ran (location)" "$(rows main "$LOC_SQL")" "$loc"
    check "$via: nothing of the denied batch ran (subscriber)" "$(rows main "$SUB_SQL")" "$SUB0"
    printf 'delete subscriber username=bob\nquery location\n' > "$DIR/batch-first.$via"
    denied "$via: a batch denied at its first operation" "ops[0]: $w_sub" \
        "$via" batch main "$DIR/batch-first.$via"
}
proxy_suite ipc
proxy_suite tcp
denied "ipc: --name admin grants nothing" \
    'client "sipproxy" may not use the admin operation "stats"' ipc --name admin stats

# --- connections of no client ------------------------------------------------
NOBODY="connections on $STRANGER_EP belong to no [client] section; nothing is allowed"
denied "stranger.sock: ping" "$NOBODY" stranger ping
denied "stranger.sock: query subscriber" "$NOBODY" stranger query main subscriber
NOCAROL='client "carol" has no [client carol] section; nothing is allowed'
denied "carol over tcp: ping" "$NOCAROL" carol ping
denied "carol over tcp: query subscriber" "$NOCAROL" carol query main subscriber

# --- denied requests never reach a connector ---------------------------------
stats_to "$DIR/stats.1"
HOST_MAIN=ds.main.host.0.requests
HOST_OTHER=ds.other.host.0.requests
M1=$(stat "$DIR/stats.1" "$HOST_MAIN")
O1=$(stat "$DIR/stats.1" "$HOST_OTHER")
check "stats: the host request rows are there" \
    "$(grep -cE '^[0-9]+$' <<< "$M1
$O1")" 2
denied "burst: ipc insert subscriber" \
    'client "sipproxy" may not write table "subscriber" of datasource "main"' \
    ipc insert main subscriber id:=9 username=mallory domain=example.org ha1=m9
denied "burst: tcp raw" \
    'client "sipproxy" may not send raw statements to datasource "main"' \
    tcp raw main "SELECT 1"
denied "burst: ipc query other" \
    'client "sipproxy" may not read table "t" of datasource "other"' ipc query other t
denied "burst: tcp ping other" 'client "sipproxy" has no rule for datasource "other"' \
    tcp ping other
denied "burst: ipc mixed batch" \
    'ops[1]: client "sipproxy" may not write table "subscriber" of datasource "main"' \
    ipc batch main "$DIR/batch-mixed.ipc"
denied "burst: admin query" \
    'client "admin" may not read table "location" of datasource "main"' \
    admin query main location
denied "burst: stranger query" "$NOBODY" stranger query main location
denied "burst: carol query" "$NOCAROL" carol query other t
stats_to "$DIR/stats.2"
check "denied requests: main's host request counter unchanged" \
    "$(stat "$DIR/stats.2" "$HOST_MAIN")" "$M1"
check "denied requests: other's host request counter unchanged" \
    "$(stat "$DIR/stats.2" "$HOST_OTHER")" "$O1"
allowed "an allowed query after them" ipc query main subscriber
stats_to "$DIR/stats.3"
check "an allowed request: main's host request counter up by 1" \
    "$(stat "$DIR/stats.3" "$HOST_MAIN")" "$((M1 + 1))"
check "an allowed request: other's host request counter unchanged" \
    "$(stat "$DIR/stats.3" "$HOST_OTHER")" "$O1"

# --- denials are audited -----------------------------------------------------
# Every record up to the last stats is in the file before looking.
wait_for 5 audit_has '.client == "admin" and .op == "stats"' 4
SIP='.client == "sipproxy"'
check "audit: ipc insert subscriber, client sipproxy" \
    "$(audit_statuses "$SIP and .name == \"proxy-ipc\" and .op == \"insert\" and .ds == \"main\" and .table == \"subscriber\"")" \
    '["DENY"]'
check "audit: tcp insert subscriber, client sipproxy" \
    "$(audit_statuses "$SIP and .name == \"proxy-tcp\" and .op == \"insert\" and .ds == \"main\" and .table == \"subscriber\"")" \
    '["DENY"]'
check "audit: ipc raw main" \
    "$(audit_statuses "$SIP and .name == \"proxy-ipc\" and .op == \"raw\" and .ds == \"main\"")" \
    '["DENY"]'
check "audit: tcp query other.t" \
    "$(audit_statuses "$SIP and .name == \"proxy-tcp\" and .op == \"query\" and .ds == \"other\" and .table == \"t\"")" \
    '["DENY"]'
check "audit: ipc ping other" \
    "$(audit_statuses "$SIP and .name == \"proxy-ipc\" and .op == \"ping\" and .ds == \"other\"")" \
    '["DENY"]'
check "audit: tcp stats" \
    "$(audit_statuses "$SIP and .name == \"proxy-tcp\" and .op == \"stats\"")" '["DENY"]'
check "audit: tcp batches: the allowed one, then the two denied" \
    "$(jq -r "select($SIP and .name == \"proxy-tcp\" and .op == \"batch\" and .ds == \"main\") | .status" \
        "$DIR/audit.log" | tr '\n' ' ')" "OK DENY DENY "
check "audit: ipc --name admin is still client sipproxy" \
    "$(audit_statuses ".name == \"admin\" and .op == \"stats\" and .client == \"sipproxy\"")" \
    '["DENY"]'
check "audit: allowed requests over tcp are client sipproxy too" \
    "$(audit_statuses "$SIP and .name == \"proxy-tcp\" and .op == \"query\" and .table == \"subscriber\"")" \
    '["OK"]'
check "audit: admin's query" \
    "$(audit_statuses ".client == \"admin\" and .op == \"query\" and .ds == \"main\" and .table == \"subscriber\"")" \
    '["DENY"]'
check "audit: stranger.sock query, client ENDPOINT#hex" \
    "$(audit_statuses ".name == \"stranger\" and .op == \"query\" and .ds == \"main\" and .table == \"subscriber\"" )" \
    '["DENY"]'
check "audit: stranger.sock's records name the endpoint" \
    "$(jq -r --arg ep "$STRANGER_EP#" 'select(.name == "stranger") |
        (.client | startswith($ep) and (ltrimstr($ep) | test("^[0-9a-f]+$")))' \
        "$DIR/audit.log" | sort -u)" true
check "audit: carol's query, client carol" \
    "$(audit_statuses ".client == \"carol\" and .name == \"carol-tcp\" and .op == \"query\" and .ds == \"main\" and .table == \"subscriber\"")" \
    '["DENY"]'

# --- the per-client counters -------------------------------------------------
stats_to "$DIR/stats.4"
check "stats: client.sipproxy.requests_total = what was sent ($N_PROXY)" \
    "$(stat "$DIR/stats.4" client.sipproxy.requests_total)" "$N_PROXY"
check "stats: client.sipproxy.denied_total = the denials ($D_PROXY)" \
    "$(stat "$DIR/stats.4" client.sipproxy.denied_total)" "$D_PROXY"
check "stats: client.sipproxy.limited_total and in_flight 0" \
    "$(stat "$DIR/stats.4" client.sipproxy.limited_total) $(stat "$DIR/stats.4" client.sipproxy.in_flight)" \
    "0 0"
check "stats: client.admin.requests_total = what was sent" \
    "$(stat "$DIR/stats.4" client.admin.requests_total)" "$((ADMIN_BASE + N_ADMIN))"
check "stats: client.admin.denied_total = the denials ($D_ADMIN)" \
    "$(stat "$DIR/stats.4" client.admin.denied_total)" "$D_ADMIN"
check "stats: client.admin.limited_total 0" \
    "$(stat "$DIR/stats.4" client.admin.limited_total)" 0

# --- admin's operations ------------------------------------------------------
for op in datasources hosts audit; do
    allowed "admin: $op" admin "$op"
done
allowed "admin: swap main (to the same file)" admin swap main "sqlite://$DIR/main.sqlite"
allowed "sipproxy still reads main after the swap" ipc query main subscriber
allowed "admin: reload (unchanged)" admin reload
allowed "sipproxy reads after the reload" tcp query main subscriber

# --- reload ------------------------------------------------------------------
# A broken section: the reload is refused and the rules in force stay.
write_conf "$SIP_BLOCK
read = nosuchds.t"
LINE=$(grep -nxF '[client sipproxy]' "$DIR/dbd.conf" | cut -d: -f1)
dbctl_as admin reload
check "reload with read = nosuchds.t: CONFIG, FILE:LINE" "exit $RC: $(cat "$DIR/err")" \
    "exit 8: dbctl: CONFIG: reload refused, the running configuration stays: $DIR/dbd.conf:$LINE: client \"sipproxy\": read names datasource \"nosuchds\", which is not configured"
check_grep "log: the refused reload" "$DIR/dbd.log" \
    "$DIR/dbd.conf:$LINE: client \"sipproxy\": read names datasource \"nosuchds\", which is not configured"
allowed "ipc: insert location still allowed" ipc insert main location \
    ruid=ipc-6 username=frank contact=sip:frank@192.0.2.6 expires:=600
denied "ipc: insert subscriber still denied" \
    'client "sipproxy" may not write table "subscriber" of datasource "main"' \
    ipc insert main subscriber id:=9 username=mallory domain=example.org ha1=m9

# Without its write: location becomes read-only for sipproxy.
NO_WRITE=$(grep -v '^write = ' <<< "$SIP_BLOCK")
check "the changed section has no write" "$(grep -c '^write' <<< "$NO_WRITE")" 0
write_conf "$NO_WRITE"
allowed "reload without sipproxy's write" admin reload
loc=$(rows main "$LOC_SQL")
denied "ipc: insert location after the reload" \
    'client "sipproxy" may not write table "location" of datasource "main"' \
    ipc insert main location ruid=ipc-7 username=grace contact=sip:grace@192.0.2.7 expires:=600
denied "tcp: delete location after the reload" \
    'client "sipproxy" may not write table "location" of datasource "main"' \
    tcp delete main location ruid=ipc-6
check "location unchanged by the denied writes" "$(rows main "$LOC_SQL")" "$loc"
allowed "tcp: query location still allowed" tcp --json query main location \
    ruid=ipc-6 --columns username
check "tcp: the row read" "$(jq -c .rows "$DIR/out")" '[["frank"]]'
stats_to "$DIR/stats.5"
check "stats after the reloads: client.sipproxy.requests_total kept counting ($N_PROXY)" \
    "$(stat "$DIR/stats.5" client.sipproxy.requests_total)" "$N_PROXY"
check "stats after the reloads: client.sipproxy.denied_total ($D_PROXY)" \
    "$(stat "$DIR/stats.5" client.sipproxy.denied_total)" "$D_PROXY"
check "stats after the reloads: client.admin.requests_total" \
    "$(stat "$DIR/stats.5" client.admin.requests_total)" "$((ADMIN_BASE + N_ADMIN))"
check "stats after the reloads: client.admin.denied_total ($D_ADMIN)" \
    "$(stat "$DIR/stats.5" client.admin.denied_total)" "$D_ADMIN"

# --- a clean stop ------------------------------------------------------------
if check_stops "dbd stops cleanly on SIGTERM" "$DBD_PID" 10; then
    DBD_PID=
fi
check_no_sanitizer_report "$DIR/dbd.log"

tap_end
