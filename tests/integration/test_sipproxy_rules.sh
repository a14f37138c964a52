#!/usr/bin/env bash
# test_sipproxy_rules.sh - sipproxy end to end through a dbd whose client
# rules are in force, with the [client sipproxy] example at the end of the
# sample dbd/dbd.conf taken as it stands (only its endpoint replaced by this
# test's socket), so that the test fails when the sample's example no
# longer lets a proxy work.
#
# A private dbd (SQLite, Kamailio tables from tools/dbd-schema, audit trail
# on) serves DIR/dbd.sock to client "admin" (the sample's example plus the
# read and write grants the set-up needs) and DIR/proxy.sock to client
# "sipproxy"; sipproxy talks to the latter.  Proved: REGISTER with digest
# auth (401, then 200) and the binding in location; a call between two
# registered SIPp UAs (location lookup); an INVITE routed by prefix through
# dr_rules and dr_gateways to a gateway; every audit record of client
# "sipproxy" has status OK.  Then `dbctl reload` without the proxy's write
# grant on main.location: a new REGISTER gets 500, the trail has exactly
# one DENY of client "sipproxy" (the registrar's insert on location), the
# location table is unchanged; with the grant restored and reloaded, the
# same sipproxy process registers again.  dbd and sipproxy stop cleanly
# (exit 0, no sanitizer report).  Every SIPp run is bounded.  Prints TAP.
# Needs DBD_BUILD; DBD_SRC defaults to this source tree.
set -u

if [ -z "${DBD_BUILD:-}" ]; then
    echo "1..0 # SKIP DBD_BUILD is not set"
    exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
DBD_SRC=${DBD_SRC:-$(cd "$here/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$DBD_SRC/tests/lib/tap.sh"
# shellcheck source=tests/lib/sipproxy.sh
. "$DBD_SRC/tests/lib/sipproxy.sh"
# shellcheck source=tests/lib/owndbd.sh
. "$DBD_SRC/tests/lib/owndbd.sh"

sipproxy_require sipp perl jq

DBCTL=$DBD_BUILD/tools/dbctl/dbctl
SAMPLE=$DBD_SRC/dbd/dbd.conf
scen=$DBD_SRC/tests/sip
DIR=$(mktemp -d "${TMPDIR:-/tmp}/dbd-siprules.XXXXXX") || exit 1
chmod 755 "$DIR"
DBD_PID=
UAS_PID=

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    [ -z "$UAS_PID" ] || { kill -TERM "$UAS_PID" 2> /dev/null; wait "$UAS_PID" 2> /dev/null; }
    sip_gateway_stop
    sipproxy_stop > /dev/null 2>&1
    owndbd_kill "$DBD_PID"
    rm -rf "$DIR"
}
trap cleanup EXIT

admin() { "$DBCTL" --endpoint "ipc://$DIR/dbd.sock" "$@"; }
md5_ha1() { md5hex "$1:$SIP_DOMAIN:$2"; }

# sample_client NAME: the commented [client NAME] example of the sample
# config, ';' stripped, up to the next line that is ';' alone or the end.
sample_client() {
    awk -v head=";[client $1]" '
        $0 == head { on = 1 }
        on && $0 == ";" { exit }
        on { print substr($0, 2) }' "$SAMPLE"
}

# client_section NAME ENDPOINT: that example with its endpoint line
# replaced by ENDPOINT.
client_section() {
    sample_client "$1" | sed "s|^endpoint[ \t]*=.*|endpoint = $2|"
}

# without_location_write: the section on stdin without main.location in
# its write lines (a write line left empty is dropped).
without_location_write() {
    awk '/^write[ \t]*=/ {
            v = $0; sub(/^write[ \t]*=[ \t]*/, "", v); out = ""
            n = split(v, g, /[ \t]+/)
            for (i = 1; i <= n; i++) if (g[i] != "main.location" && g[i] != "") out = out " " g[i]
            if (out != "") print "write =" out
            next
        }
        { print }'
}

# write_conf full|nowrite: DIR/dbd.conf, the proxy's section as in the
# sample (full) or without its write on main.location (nowrite).
write_conf() {
    {
        cat << CONF
[dbd]
endpoint = ipc://$DIR/dbd.sock, ipc://$DIR/proxy.sock
connector_dir = $DIR/connectors
log_level = info
drain_timeout = 2000

[datasource main]
url = sqlite://$DIR/db.sqlite
pool = 2

; Each record is in the file before its answer leaves dbd.
[audit]
file = $DIR/audit.log
loss = block
sync = every

CONF
        if [ "$1" = full ]; then
            client_section sipproxy "ipc://$DIR/proxy.sock"
        else
            client_section sipproxy "ipc://$DIR/proxy.sock" | without_location_write
        fi
        echo
        client_section admin "ipc://$DIR/dbd.sock"
        echo "; the set-up adds subscribers and routes, and reads location"
        echo "read = main.*"
        echo "write = main.*"
    } > "$DIR/dbd.conf"
}

# The audit records of client "sipproxy" as "op table status" lines.
proxy_records() {
    jq -r 'select(.client == "sipproxy") | "\(.op) \(.table // "-") \(.status)"' "$DIR/audit.log"
}

# bindings USER: "contact cseq" per location row of USER, by contact.
bindings() {
    admin query main location username="$1" domain="$SIP_DOMAIN" --columns contact,cseq \
        --order contact | awk 'NR > 2 && !/^\([0-9]+ rows?\)$/ { $1 = $1; print }'
}

# Every location row, every column, for before/after comparisons.
location_rows() { admin --json query main location --order id; }

# reload_rows NAME: the rows "datasource action" of DIR/NAME.out.
reload_rows() { awk 'NR > 2 && !/^\([0-9]+ rows?\)$/ { print $1, $2 }' "$DIR/$1.out"; }

# stat NAME: the value of one `dbctl stats` row.
stat() { admin stats | awk -v k="$1" '$1 == k { print $2 }'; }

# sipp_run NAME ARGS...: SIPp in the foreground, bounded, from 127.0.0.1,
# its screen output in DIR/NAME.out.
sipp_run() {
    local name=$1
    shift
    timeout 20 sipp -nostdin -i 127.0.0.1 -timeout 10 -timeout_error \
        -recv_timeout 5000 "$@" > "$DIR/$name.out" 2>&1
}

sipp_register() {
    sipp_run "$1" -sf "$scen/register.xml" -inf "$scen/$2.csv" -key domain "$SIP_DOMAIN" \
        -key expires 300 -auth_uri "$SIP_DOMAIN" -p "$3" -m 1 \
        -default_behaviors all,-bye 127.0.0.1:"$SIP_PORT"
}

diag_file() { tail -"${2:-25}" "$1" 2> /dev/null | tr -d '\r' | sed 's/^/# /'; }

# The first METHOD request in a message log, up to the end of its headers.
first_block() {
    tr -d '\r' < "$1" 2> /dev/null |
        awk -v m="$2 " 'index($0, m) == 1 && !seen { on = 1; seen = 1 } on && /^$/ { exit } on { print }'
}

# ---------------------------------------------------------------------------
# The sample's examples, and the dbd that serves them.
proxy_example=$(sample_client sipproxy)
check "the sample has a [client sipproxy] example with one endpoint line" \
    "$(grep -c '^endpoint[ \t]*=' <<< "$proxy_example")" 1
check "... which grants write on main.location (the registrar's)" \
    "$(grep '^write[ \t]*=' <<< "$proxy_example" | tr -s ' \t' '\n' | grep -cx main.location)" 1
check "the sample has a [client admin] example with one endpoint line" \
    "$(sample_client admin | grep -c '^endpoint[ \t]*=')" 1
diag "the sample's [client sipproxy], as used:" "$proxy_example"

"$DBD_SRC/tools/dbd-schema" sqlite "$DIR/db.sqlite" > "$DIR/schema.out" 2>&1 ||
    { diag "$(cat "$DIR/schema.out")"; echo "Bail out! dbd-schema failed"; exit 1; }
sip_connectors "$DIR/connectors" || { echo "Bail out! no connectors"; exit 1; }
write_conf full
owndbd_start "$DIR" "dbd starts with the sample's client rules"
check "dbd: client rules in force for 2 clients, no endpoint without a client" \
    "$(grep -c 'client rules in force for 2 clients' "$DIR/dbd.log") $(grep -c 'belongs to no \[client\]' "$DIR/dbd.log")" \
    "1 0"

for u in alice:secret bob:bobpw; do
    admin replace main subscriber --key username,domain username="${u%%:*}" \
        domain="$SIP_DOMAIN" password="${u#*:}" ha1="$(md5_ha1 "${u%%:*}" "${u#*:}")" \
        ha1b=x > /dev/null
done
gw_port=$(sip_free_udp_port)
admin insert main dr_gateways gwid:=1 type:=0 address="127.0.0.1:$gw_port" strip:=4 \
    pri_prefix=+49 description=test-gw > /dev/null
admin insert main dr_rules ruleid:=1 groupid=0 prefix=0049 timerec= priority:=0 routeid= \
    gwlist=1 description=test-route > /dev/null
check "admin adds 2 subscribers, a gateway and a route" \
    "$(admin query main subscriber --columns username --order username | sed -n '3,$p' | tr -s ' \n' ' ')$(admin query main dr_rules --columns gwlist | sed -n 3p)" \
    "alice bob (2 rows) 1"

SIP_LPORT=$(sip_free_udp_port)
if ! sipproxy_start "$DIR/proxy" "ipc://$DIR/proxy.sock" main record_route=yes \
    proxy.cleanup_interval=0; then
    not_ok "sipproxy starts on the proxy socket"
    tap_end
    exit 1
fi
ok "sipproxy starts on the proxy socket and answers OPTIONS"
proxy_pid=$SIPPROXY_PID

# ---------------------------------------------------------------------------
# 1. Registration, a call by location, a call by prefix.
c1=sip:alice@127.0.0.1:5071 c2=sip:alice@127.0.0.1:5072
out=$(sip_register_msg alice reg-1 1 "Contact: <$c1>" | sip_send)
check "REGISTER without credentials -> 401" "$(sip_code <<< "$out")" 401
out=$(sip_register alice secret reg-1 1 "Contact: <$c1>" "Expires: 600")
check "REGISTER with digest credentials -> 200" "$(head -1 <<< "$(sip_last <<< "$out")")" \
    "SIP/2.0 200 OK"
check "location holds the binding (read by admin)" "$(bindings alice)" "$c1 2"

uas_port=$(sip_free_udp_port) uac_port=$(sip_free_udp_port)
sipp_register reg-bob bob "$uas_port"
check "SIPp: bob registers (401, 200)" "$?" 0
sipp_register reg-alice alice "$uac_port"
check "SIPp: alice registers (401, 200)" "$?" 0
timeout 20 sipp -nostdin -i 127.0.0.1 -timeout 10 -timeout_error -sf "$scen/uas-call.xml" \
    -p "$uas_port" -m 1 -trace_msg -message_file "$DIR/uas.msg" > "$DIR/uas.out" 2>&1 &
UAS_PID=$!
sleep 0.3
sipp_run uac -sf "$scen/uac-call.xml" -inf "$scen/call-bob.csv" -key domain "$SIP_DOMAIN" \
    -key from_domain "$SIP_DOMAIN" -p "$uac_port" -m 1 127.0.0.1:"$SIP_PORT"
rc=$?
check "call alice -> bob: the caller's INVITE/200/ACK/BYE/200 complete" "$rc" 0
[ "$rc" -eq 0 ] || diag_file "$DIR/uac.out"
wait "$UAS_PID"
rc=$?
UAS_PID=
check "call alice -> bob: the callee's side completes" "$rc" 0
[ "$rc" -eq 0 ] || diag_file "$DIR/uas.out"
check "the callee got the INVITE at its registered binding" \
    "$(first_block "$DIR/uas.msg" INVITE | head -1)" "INVITE sip:bob@127.0.0.1:$uas_port SIP/2.0"

ruri=sip:004930123456@pstn.test
if sip_gateway_start "$gw_port" 486 "$DIR/gw.log" 10; then
    out=$(cat << MSG | sip_send 3
INVITE $ruri SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:$SIP_LPORT;branch=z9hG4bK-gw-1
Max-Forwards: 70
From: <sip:alice@$SIP_DOMAIN>;tag=t-gw-1
To: <$ruri>
Call-ID: gw-1
CSeq: 1 INVITE
Contact: <sip:alice@127.0.0.1:$SIP_LPORT>
Content-Length: 0

MSG
)
    check "INVITE to 0049... is routed by prefix; the gateway's 486 comes back" \
        "$(head -1 <<< "$(sip_last <<< "$out")")" "SIP/2.0 486 Busy Here"
    cat << MSG | sip_send 1 all > /dev/null
ACK $ruri SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:$SIP_LPORT;branch=z9hG4bK-gw-1
Max-Forwards: 70
From: <sip:alice@$SIP_DOMAIN>;tag=t-gw-1
To: <$ruri>;tag=gw-tag
Call-ID: gw-1
CSeq: 1 ACK
Content-Length: 0

MSG
    for _ in $(seq 1 30); do
        grep -q '^ACK ' "$DIR/gw.log" && break
        sleep 0.1
    done
    sip_gateway_stop
    check "the gateway got the INVITE and the ACK, 4 digits stripped and +49 prepended" \
        "$(grep -E '^(INVITE|ACK) ' "$DIR/gw.log" | tr '\n' '|')" \
        "INVITE sip:+4930123456@127.0.0.1:$gw_port SIP/2.0|ACK sip:+4930123456@127.0.0.1:$gw_port SIP/2.0|"
else
    not_ok "the raw gateway starts"
fi

# ---------------------------------------------------------------------------
# 2. The audit trail while it works.
check "every audit record of client \"sipproxy\" is OK" \
    "$(proxy_records | awk '{ print $3 }' | sort -u | tr '\n' ' ')" "OK "
# Each REGISTER here adds one binding: an insert on its own.
check "the proxy's requests: lookups of the four tables, the registrar's inserts" \
    "$(proxy_records | awk '{ print $1, $2 }' | sort -u | tr '\n' '|')" \
    "insert location|query dr_gateways|query dr_rules|query location|query subscriber|"
check "no request of a sipproxy worker is recorded under another client" \
    "$(jq -r 'select((.name // "") | startswith("sipproxy")) | .client' "$DIR/audit.log" | sort -u)" \
    sipproxy
check "stats: nothing of client sipproxy was denied or limited" \
    "$(stat client.sipproxy.denied_total) $(stat client.sipproxy.limited_total)" "0 0"

# ---------------------------------------------------------------------------
# 3. Without the write grant on main.location, then with it again.
before=$(location_rows)
nrec=$(wc -l < "$DIR/audit.log")
write_conf nowrite
admin reload > "$DIR/reload1.out" 2>&1
check "reload without the proxy's write on main.location: exit 0, main unchanged" \
    "$?|$(reload_rows reload1)" "0|main unchanged"
out=$(sip_register alice secret reg-2 1 "Contact: <$c2>" "Expires: 600")
check "a new REGISTER now fails with 500" "$(head -1 <<< "$(sip_last <<< "$out")")" \
    "SIP/2.0 500 Server Internal Error"
since=$(tail -n +"$((nrec + 1))" "$DIR/audit.log" | jq -c 'select(.client == "sipproxy")')
# The new binding is the REGISTER's only write: an insert on its own.
check "the trail since the reload: the lookups OK, the insert on location DENY" \
    "$(jq -r '"\(.op) \(.table // "-") \(.status)"' <<< "$since" | sort | tr '\n' '|')" \
    "insert location DENY|query location OK|query subscriber OK|"
check "the denied insert was the registrar's new binding, its record says why" \
    "$(jq -r 'select(.status == "DENY") | "\(.detail) \(.cols | index("contact") != null)"' <<< "$since")" \
    "client \"sipproxy\" may not write table \"location\" of datasource \"main\" true"
check "the proxy logs dbd's DENY message" \
    "$(grep -c 'dbd location write failed: DENY: client "sipproxy" may not write table "location" of datasource "main"' "$SIPPROXY_LOG")" \
    1
check "the location table is unchanged (alice's and the two SIPp UAs' bindings)" \
    "$(jq '.rows | length' <<< "$before")|$(location_rows)" "3|$before"
check "stats: client sipproxy has 1 request denied" "$(stat client.sipproxy.denied_total)" 1

write_conf full
admin reload > "$DIR/reload2.out" 2>&1
check "reload with the grant restored: exit 0, main unchanged" "$?|$(reload_rows reload2)" \
    "0|main unchanged"
out=$(sip_register alice secret reg-3 1 "Contact: <$c2>" "Expires: 600")
check "REGISTER works again -> 200" "$(head -1 <<< "$(sip_last <<< "$out")")" "SIP/2.0 200 OK"
check "location holds both bindings of alice" "$(bindings alice | grep -v ":$uac_port ")" \
    "$(printf '%s\n' "$c1 2" "$c2 2")"
check "the same sipproxy process served it: not restarted, no worker restarted" \
    "$(kill -0 "$proxy_pid" 2>&1 && echo alive) $(grep -c 'restarting in' "$SIPPROXY_LOG")" "alive 0"
check "the trail has exactly that one DENY of client \"sipproxy\"" \
    "$(proxy_records | grep -c ' DENY$')" 1

# The rules in force deny the proxy's socket what the example does not
# grant: the successes above were not an open door.
msg=$("$DBCTL" --endpoint "ipc://$DIR/proxy.sock" insert main subscriber username=eve \
    domain="$SIP_DOMAIN" password=x 2>&1)
check "on the proxy socket, a write to subscriber is DENY (exit 3)" "$?|$msg" \
    "3|dbctl: DENY: client \"sipproxy\" may not write table \"subscriber\" of datasource \"main\""

# ---------------------------------------------------------------------------
# 4. Clean stops.
sipproxy_stop
check "sipproxy stops cleanly (exit 0, no sanitizer report)" "$?" 0
pid=$DBD_PID
DBD_PID=
sip_stop_pid "$pid" dbd "$DIR/dbd.log"
check "dbd stops cleanly (exit 0, no sanitizer report)" "$?" 0
[ "$tap_failed" -eq 0 ] || { diag "sipproxy log (tail):"; diag_file "$SIPPROXY_LOG" 30; diag "dbd log (tail):"; diag_file "$DIR/dbd.log" 30; }
tap_end
