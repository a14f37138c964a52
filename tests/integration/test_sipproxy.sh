#!/usr/bin/env bash
# test_sipproxy.sh - sipproxy end to end, with real SIP clients (SIPp,
# sipsak and a raw UDP client that computes its own digest credentials)
# against a real dbd: on the fixture's SQLite datasource sq, and on its
# PostgreSQL datasource pg when the suite started a PostgreSQL server.
#
# Per datasource: the 401 challenge; registration with MD5 digest auth
# (raw and with SIPp); refresh; two contacts with q-values and the 200 OK
# listing both with their expires; expires from a Contact parameter;
# unregistering one binding (expires=0) and all (Contact: *); 423 with
# Min-Expires; max_expires; an out-of-order CSeq refused; wrong password
# and unknown user answered alike; an expired binding not used (480);
# unknown user 404; a call (INVITE/180/200/ACK/BYE) between two
# registered SIPp UAs through the record-routing proxy; a call routed by
# longest prefix to a SIPp UAS acting as gateway, with strip and
# pri_prefix checked on the Request-URI it received; no route 404; a
# (raw UDP) gateway answering 486: the caller gets it and the gateway the
# ACK, rewritten like the INVITE and with its branch; with auth_requests =
# yes in front of that gateway: 403 for a foreign From, 407 for a local
# user without credentials, 403 for an in-dialog request not through our
# Record-Route, and the gateway reached only with valid credentials.
# Once: OPTIONS to the proxy (sipsak), Max-Forwards 0 -> 483, malformed
# SIP -> 400 or dropped while the proxy keeps serving; and with a private
# dbd: SHA-256 and MD5 challenges together (HA1 from the password column),
# stale nonces, INVITE authentication (407); the periodic cleanup of
# expired bindings, dbd stopped during
# registrations and calls (500/503, Retry-After) and started again
# (service resumes without restarting the proxy).  Every proxy must stop
# cleanly on SIGTERM, without sanitizer reports or restarted workers.
# Every SIPp run is bounded (-timeout, -recv_timeout).  Prints TAP.
# Needs DBD_ENDPOINT, DBD_BUILD, DBD_SRC and DBD_TEST_DIR (tests/run).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/sipproxy.sh
. "$here/../lib/sipproxy.sh"

sipproxy_require sipp sipsak perl

scen=$DBD_SRC/tests/sip
dbctl_bin=$DBD_BUILD/tools/dbctl/dbctl
work=$(mktemp -d -t test_sipproxy.XXXXXX)
chmod 755 "$work"
sipp_pids=()
datasources=(sq)
grep -q '^\[datasource pg\]' "$DBD_TEST_DIR/dbd.conf" 2> /dev/null && datasources+=(pg)

dbctl() { "$dbctl_bin" --endpoint "$DBD_ENDPOINT" "$@"; }

# The rows this test writes, on every datasource it used.
clean_rows() {
    local ds=$1
    dbctl delete "$ds" location domain="$SIP_DOMAIN" > /dev/null 2>&1
    dbctl delete "$ds" subscriber domain="$SIP_DOMAIN" > /dev/null 2>&1
    dbctl delete "$ds" dr_rules 'ruleid:~in=9001,9002' > /dev/null 2>&1
    dbctl delete "$ds" dr_gateways 'gwid:~in=9001,9002' > /dev/null 2>&1
}

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local pid ds
    for pid in "${sipp_pids[@]}"; do
        kill -TERM "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
    done
    sip_gateway_stop
    sipproxy_stop > /dev/null 2>&1
    sip_dbd_stop > /dev/null 2>&1
    for ds in "${datasources[@]}"; do clean_rows "$ds"; done
    rm -rf "$work"
}
trap cleanup EXIT

# check_in NAME GOT WANT...: GOT is one of the WANTs.
check_in() {
    local name=$1 got=$2 w
    shift 2
    for w in "$@"; do
        [ "$got" = "$w" ] && { ok "$name"; return; }
    done
    not_ok "$name" "got '$got', want one of: $*"
}

# check_re NAME GOT REGEX (extended, anchored by the caller)
check_re() {
    if [[ $2 =~ $3 ]]; then ok "$1"; else not_ok "$1" "got '$2'" "want a match of /$3/"; fi
}

# diag_file FILE [LINES]: the file's last lines as TAP comments.
diag_file() { tail -"${2:-25}" "$1" 2> /dev/null | tr -d '\r' | sed 's/^/# /'; }

# Shows the proxy's last log lines when checks failed since MARK.
explain() { [ "$tap_failed" -eq "$1" ] || { diag "sipproxy log (tail):"; diag_file "$SIPPROXY_LOG" 30; }; }

md5_ha1() { md5hex "$1:$SIP_DOMAIN:$2"; }

add_subscriber() {
    local ds=$1 user=$2 pass=$3
    dbctl replace "$ds" subscriber --key username,domain username="$user" \
        domain="$SIP_DOMAIN" password="$pass" ha1="$(md5_ha1 "$user" "$pass")" \
        ha1b="$(md5hex "$user@$SIP_DOMAIN:$SIP_DOMAIN:$pass")" > /dev/null
}

# bindings DS USER: "contact q cseq callid" per row, by contact.
bindings() {
    dbctl query "$1" location username="$2" domain="$SIP_DOMAIN" \
        --columns contact,q,cseq,callid --order contact |
        awk 'NR > 2 && !/^\([0-9]+ rows?\)$/ { $1 = $1; print }'
}

# expires_in DS USER CONTACT: seconds from now to the row's expires.
expires_in() {
    local e
    e=$(dbctl query "$1" location username="$2" domain="$SIP_DOMAIN" contact="$3" \
        --columns expires | sed -n 3p | tr -d ' ')
    [ -n "$e" ] || { echo none; return; }
    echo $(( $(date -u -d "$e" +%s) - $(date +%s) ))
}

# in_range X LO HI
in_range() { [[ $1 =~ ^-?[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ] && echo yes || echo "no ($1)"; }

# contacts_ok LISTING WANT...: the 200's Contact list equals the WANTs,
# each "URI expires=N", where a listed expires may be up to 5 s below N
# (time passes between the steps of a test).
contacts_ok() {
    local listing=$1 want n line count=0
    shift
    [ -z "$listing" ] || count=$(wc -l <<< "$listing")
    if [ "$count" -ne $# ]; then
        echo "no: $(tr '\n' '|' <<< "$listing")"; return
    fi
    for want in "$@"; do
        n=${want##*=}
        line=$(grep -F -- "${want% expires=*} expires=" <<< "$listing" | head -1)
        if [ -z "$line" ] || [ "$(in_range "${line##*=}" $((n - 5)) "$n")" != yes ]; then
            echo "no: $(tr '\n' '|' <<< "$listing")"; return
        fi
    done
    echo yes
}

# invite_msg RURI CALLID [MAX_FORWARDS]: a bodiless INVITE from $SIP_LPORT.
invite_msg() {
    cat << MSG
INVITE $1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:$SIP_LPORT;branch=z9hG4bK-$2
Max-Forwards: ${3:-70}
From: <sip:tester@$SIP_DOMAIN>;tag=t-$2
To: <$1>
Call-ID: $2
CSeq: 1 INVITE
Contact: <sip:tester@127.0.0.1:$SIP_LPORT>
Content-Length: 0

MSG
}

# invite_from FROM_URI RURI CALLID CSEQ [HEADER]: a bodiless INVITE from
# $SIP_LPORT with that From and an optional extra header line.
invite_from() {
    cat << MSG
INVITE $2 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:$SIP_LPORT;branch=z9hG4bK-$3-$4
Max-Forwards: 70
From: <$1>;tag=t-$3
To: <$2>
Call-ID: $3
CSeq: $4 INVITE
Contact: <sip:tester@127.0.0.1:$SIP_LPORT>
${5:-X-Test: none}
Content-Length: 0

MSG
}

# sip_req METHOD RURI FROM_URI TO CALLID CSEQ BRANCH [HEADER]: a bodiless
# request from $SIP_LPORT; TO is the whole To value (with a tag or not).
sip_req() {
    cat << MSG
$1 $2 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:$SIP_LPORT;branch=$7
Max-Forwards: 70
From: <$3>;tag=t-$5
To: $4
Call-ID: $5
CSeq: $6 $1
Contact: <sip:tester@127.0.0.1:$SIP_LPORT>
${8:-X-Test: none}
Content-Length: 0

MSG
}

# top_branch: the branch of the first Via in the message on stdin.
top_branch() { grep -m1 -iE '^(via|v):' | sed -n 's/.*;branch=\([^;, ]*\).*/\1/p'; }

# gw_requests LOG: the request lines the raw gateway received, "|"-joined.
gw_requests() { awk 'prev == "" && /^[A-Z]+ / { printf "%s|", $0 } { prev = ($0 == "--") ? "" : "x" }' "$1"; }

# sipp_run NAME ARGS...: SIPp in the foreground, bounded, from 127.0.0.1;
# its screen output goes to $work/NAME.out.
sipp_run() {
    local name=$1
    shift
    timeout 60 sipp -nostdin -i 127.0.0.1 -timeout 30 -timeout_error \
        -recv_timeout 10000 "$@" > "$work/$name.out" 2>&1
}

# sipp_bg NAME ARGS...: the same in the background; its PID is appended
# to sipp_pids and printed in SIPP_BG_PID.
sipp_bg() {
    local name=$1
    shift
    timeout 60 sipp -nostdin -i 127.0.0.1 -timeout 30 -timeout_error "$@" \
        > "$work/$name.out" 2>&1 &
    SIPP_BG_PID=$!
    sipp_pids+=("$SIPP_BG_PID")
}

# first_block FILE METHOD: the first METHOD request in a SIPp message log,
# up to the end of its headers, without CRs.
first_block() {
    tr -d '\r' < "$1" 2> /dev/null |
        awk -v m="$2 " 'index($0, m) == 1 && !seen { on = 1; seen = 1 } on && /^$/ { exit } on { print }'
}

sipp_explain() {
    diag "SIPp $1 output (tail):"
    diag_file "$work/$1.out"
    if [ -f "$work/$1.msg" ]; then
        diag "SIPp $1 messages (tail):"
        diag_file "$work/$1.msg" 40
    fi
}

# ---------------------------------------------------------------------------
# The registrar and the router on one datasource.
suite() {
    local ds=$1 t=$1 out c1 c2 c3 cid a b mark=$tap_failed
    c1="sip:alice@127.0.0.1:5071" c2="sip:alice@127.0.0.1:5072" c3="sip:alice@127.0.0.1:5073"
    clean_rows "$ds"
    add_subscriber "$ds" alice secret
    add_subscriber "$ds" bob bobpw
    add_subscriber "$ds" dave davepw

    # No periodic cleanup here: the expired row must stay until the INVITE.
    if ! sipproxy_start "$work/proxy-$ds" "$DBD_ENDPOINT" "$ds" record_route=yes \
        min_expires=60 max_expires=3600 default_expires=3600 proxy.cleanup_interval=0; then
        not_ok "$t: sipproxy starts on $ds"
        return
    fi
    ok "$t: sipproxy starts on $ds and answers OPTIONS"

    # --- the challenge ------------------------------------------------------
    cid=reg-a-$ds-$RANDOM
    out=$(sip_register_msg alice "$cid" 1 "Contact: <$c1>" | sip_send)
    check "$t: REGISTER without credentials -> 401" "$(sip_code <<< "$out")" 401
    check "$t: the 401's reason phrase" "$(head -1 <<< "$out")" "SIP/2.0 401 Unauthorized"
    check_re "$t: one MD5 challenge, qop=auth, realm = the domain, 48-hex nonce" \
        "$(sip_header WWW-Authenticate <<< "$out" | tr '\n' '|')" \
        '^Digest realm="sip\.test", nonce="[0-9a-f]{48}", qop="auth", algorithm=MD5\|$'
    check "$t: a challenge writes no binding" "$(bindings "$ds" alice)" ""

    # --- register, refresh --------------------------------------------------
    out=$(sip_register alice secret "$cid" 1 "Contact: <$c1>" "Expires: 600")
    check "$t: REGISTER with credentials -> 200" "$(sip_code <<< "$out")" 200
    check "$t: the 200 lists the binding with its expires" \
        "$(contacts_ok "$(sip_contacts <<< "$out")" "$c1 expires=600")" yes
    check "$t: location holds the binding (contact q cseq callid)" \
        "$(bindings "$ds" alice)" "$c1 1 2 $cid"
    check "$t: its expires is 600 s ahead" "$(in_range "$(expires_in "$ds" alice "$c1")" 597 600)" yes
    if [ "$ds" = sq ]; then
        check "$t: sqlite3 sees the same row" \
            "$(sqlite3 -cmd '.timeout 5000' "$DBD_TEST_DIR/db.sqlite" \
                "SELECT contact || ' ' || user_agent || ' ' || (expires > last_modified)
                 FROM location WHERE username = 'alice' AND domain = '$SIP_DOMAIN'")" \
            "$c1 sipproxy-test 1"
    fi

    out=$(sip_register alice secret "$cid" 3 "Contact: <$c1>" "Expires: 1200")
    check "$t: refresh -> 200 with the new expires" \
        "$(sip_code <<< "$out") $(contacts_ok "$(sip_contacts <<< "$out")" "$c1 expires=1200")" "200 yes"
    check "$t: refresh updates the row in place" "$(bindings "$ds" alice)" "$c1 1 4 $cid"
    check "$t: refreshed expires is 1200 s ahead" "$(in_range "$(expires_in "$ds" alice "$c1")" 1197 1200)" yes

    # --- two contacts with q-values, one with its own expires -----------
    out=$(sip_register alice secret "$cid" 5 "Contact: <$c1>;q=0.5, <$c2>;q=1.0" \
        "Contact: <$c3>;expires=120" "Expires: 600")
    check "$t: three contacts (q-values, an expires parameter) -> 200" "$(sip_code <<< "$out")" 200
    check "$t: the 200 lists all three with their expires" \
        "$(contacts_ok "$(sip_contacts <<< "$out")" "$c1 expires=600" "$c2 expires=600" "$c3 expires=120")" yes
    check "$t: location holds them with their q" "$(bindings "$ds" alice)" \
        "$(printf '%s\n' "$c1 0.5 6 $cid" "$c2 1 6 $cid" "$c3 1 6 $cid")"
    check "$t: the contact's expires parameter wins over the header" \
        "$(in_range "$(expires_in "$ds" alice "$c3")" 117 120)" yes

    # --- unregister one ----------------------------------------------------
    out=$(sip_register alice secret "$cid" 7 "Contact: <$c3>;expires=0")
    check "$t: Contact with expires=0 -> 200 listing the other two" \
        "$(sip_code <<< "$out") $(contacts_ok "$(sip_contacts <<< "$out")" "$c1 expires=600" "$c2 expires=600")" "200 yes"
    check "$t: its row is gone" "$(bindings "$ds" alice | cut -d' ' -f1 | tr '\n' ' ')" "$c1 $c2 "

    # --- bounds --------------------------------------------------------------
    out=$(sip_register alice secret "$cid" 9 "Contact: <$c1>" "Expires: 10")
    check "$t: Expires below min_expires -> 423" "$(head -1 <<< "$out")" "SIP/2.0 423 Interval Too Brief"
    check "$t: the 423 carries Min-Expires" "$(sip_header Min-Expires <<< "$out")" 60
    check "$t: the 423 changed nothing" "$(in_range "$(expires_in "$ds" alice "$c1")" 590 600)" yes
    out=$(sip_register alice secret "$cid" 11 "Contact: <$c2>" "Expires: 7200")
    check "$t: Expires above max_expires is cut to it" \
        "$(sip_code <<< "$out") $(contacts_ok "$(sip_contacts <<< "$out")" "$c1 expires=600" "$c2 expires=3600")" "200 yes"

    # --- out-of-order CSeq (same Call-ID, lower CSeq) ------------------------
    out=$(sip_register alice secret "$cid" 2 "Contact: <$c1>" "Expires: 900")
    check "$t: a lower CSeq for the same Call-ID -> 400" "$(sip_code <<< "$out")" 400
    check "$t: ... and the binding keeps its CSeq and expires" \
        "$(bindings "$ds" alice | head -1) $(in_range "$(expires_in "$ds" alice "$c1")" 590 600)" \
        "$c1 0.5 6 $cid yes"

    # --- wrong password and unknown user: the same answer ---------------------
    a=$(sip_register alice wrong "cid-w-$ds" 1 "Contact: <$c1>")
    b=$(sip_register nobody whatever "cid-u-$ds" 1 "Contact: <sip:nobody@127.0.0.1:5071>")
    check "$t: wrong password -> 401 again" "$(sip_code <<< "$a")" 401
    check "$t: unknown user -> 401" "$(sip_code <<< "$b")" 401
    norm() {
        sip_last | sed -E -e 's/nonce="[0-9a-f]*"/nonce="N"/' -e 's/tag=[^;>, ]*/tag=T/g' \
            -e "s/$1/USER/g" -e "s/$2/CID/g"
    }
    a=$(norm alice "cid-w-$ds" <<< "$a")
    b=$(norm nobody "cid-u-$ds" <<< "$b")
    if [ "$a" = "$b" ] && [ -n "$a" ]; then
        ok "$t: the two 401s are identical but for user, tags, Call-ID and nonce"
    else
        not_ok "$t: the two 401s are identical but for user, tags, Call-ID and nonce" \
            "wrong password:" "$a" "unknown user:" "$b"
    fi
    check "$t: neither says stale" "$(grep -c 'stale' <<< "$a$b")" 0
    check "$t: no binding for the unknown user" "$(bindings "$ds" nobody)" ""

    # --- SIPp registers (digest computed by SIPp) ----------------------------
    local up
    up=$(sip_free_udp_port)
    if sipp_run "reg-$ds" -sf "$scen/register.xml" -inf "$scen/alice.csv" \
        -key domain "$SIP_DOMAIN" -key expires 300 -auth_uri "$SIP_DOMAIN" -p "$up" -m 1 \
        -default_behaviors all,-bye 127.0.0.1:"$SIP_PORT"; then
        ok "$t: SIPp: REGISTER, 401, REGISTER with credentials, 200 with expires"
    else
        not_ok "$t: SIPp: REGISTER, 401, REGISTER with credentials, 200 with expires"
        sipp_explain "reg-$ds"
    fi
    check "$t: SIPp's binding is stored with its expires" \
        "$(in_range "$(expires_in "$ds" alice "sip:alice@127.0.0.1:$up")" 297 300)" yes

    # --- Contact: * ----------------------------------------------------------
    out=$(sip_register alice secret "$cid" 20 "Contact: *" "Expires: 300")
    check "$t: Contact: * without Expires: 0 -> 400" "$(sip_code <<< "$out")" 400
    out=$(sip_register alice secret "$cid" 22 "Contact: *" "Expires: 0")
    check "$t: Contact: * with Expires: 0 -> 200 without Contact" \
        "$(sip_code <<< "$out") $(sip_header Contact <<< "$out" | wc -l)" "200 0"
    check "$t: every binding of alice is gone" "$(bindings "$ds" alice)" ""

    # --- lookups: no binding, expired binding, unknown user --------------------
    out=$(invite_msg "sip:alice@$SIP_DOMAIN" "inv-a-$ds" | sip_send)
    check "$t: INVITE to a user without bindings -> 480" "$(head -1 <<< "$out")" \
        "SIP/2.0 480 Temporarily Unavailable"
    dbctl insert "$ds" location ruid="test-expired-$ds" username=dave domain="$SIP_DOMAIN" \
        contact=sip:dave@127.0.0.1:5099 \
        "expires:=@$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" \
        "last_modified:=@$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)" \
        callid=expired-call cseq:=1 user_agent=test > /dev/null
    check "$t: an expired binding row is in place" "$(bindings "$ds" dave)" "sip:dave@127.0.0.1:5099 1 1 expired-call"
    out=$(invite_msg "sip:dave@$SIP_DOMAIN" "inv-d-$ds" | sip_send)
    check "$t: INVITE to a user whose only binding expired -> 480" "$(sip_code <<< "$out")" 480
    out=$(invite_msg "sip:nobody@$SIP_DOMAIN" "inv-n-$ds" | sip_send)
    check "$t: INVITE to an unknown local user -> 404" "$(sip_code <<< "$out")" 404

    # --- a call between two registered SIPp UAs ----------------------------
    local uas_port uac_port pid rc
    uas_port=$(sip_free_udp_port) uac_port=$(sip_free_udp_port)
    sipp_run "reg-bob-$ds" -sf "$scen/register.xml" -inf "$scen/bob.csv" \
        -key domain "$SIP_DOMAIN" -key expires 300 -auth_uri "$SIP_DOMAIN" -p "$uas_port" -m 1 \
        -default_behaviors all,-bye 127.0.0.1:"$SIP_PORT"
    check "$t: callee bob registers with SIPp from the port it will answer on" "$?" 0
    sipp_run "reg-alice-$ds" -sf "$scen/register.xml" -inf "$scen/alice.csv" \
        -key domain "$SIP_DOMAIN" -key expires 300 -auth_uri "$SIP_DOMAIN" -p "$uac_port" -m 1 \
        -default_behaviors all,-bye 127.0.0.1:"$SIP_PORT"
    check "$t: caller alice registers with SIPp" "$?" 0
    sipp_bg "uas-$ds" -sf "$scen/uas-call.xml" -p "$uas_port" -m 1 \
        -trace_msg -message_file "$work/uas-$ds.msg"
    pid=$SIPP_BG_PID
    sleep 0.3
    sipp_run "uac-$ds" -sf "$scen/uac-call.xml" -inf "$scen/call-bob.csv" \
        -key domain "$SIP_DOMAIN" -key from_domain "$SIP_DOMAIN" \
        -p "$uac_port" -m 1 -trace_msg -message_file "$work/uac-$ds.msg" 127.0.0.1:"$SIP_PORT"
    rc=$?
    check "$t: call alice -> bob: the caller's INVITE/200/ACK/BYE/200 complete" "$rc" 0
    [ "$rc" -eq 0 ] || sipp_explain "uac-$ds"
    wait "$pid"
    rc=$?
    check "$t: call alice -> bob: the callee's side completes" "$rc" 0
    [ "$rc" -eq 0 ] || sipp_explain "uas-$ds"
    check "$t: the caller got the callee's 180 through the proxy" \
        "$(tr -d '\r' < "$work/uac-$ds.msg" | grep -c '^SIP/2.0 180 Ringing$')" 1
    check "$t: the callee got the INVITE at its binding" \
        "$(first_block "$work/uas-$ds.msg" INVITE | head -1)" "INVITE sip:bob@127.0.0.1:$uas_port SIP/2.0"
    check "$t: ... with the proxy's Record-Route and Max-Forwards decremented" \
        "$(first_block "$work/uas-$ds.msg" INVITE |
            grep -E '^(Record-Route|Max-Forwards):' | sort | tr '\n' '|')" \
        "Max-Forwards: 69|Record-Route: <sip:127.0.0.1:$SIP_PORT;lr>|"
    check "$t: ... and two Vias (the proxy's on top)" \
        "$(first_block "$work/uas-$ds.msg" INVITE | grep -ciE '^(via|v):')" 2
    check "$t: the BYE reached the callee through the proxy too" \
        "$(first_block "$work/uas-$ds.msg" BYE | grep -ciE '^(via|v):')" 2

    # --- a call to a gateway chosen by longest prefix ------------------------
    local gw_port dead_port
    gw_port=$(sip_free_udp_port) dead_port=$(sip_free_udp_port)
    dbctl insert "$ds" dr_gateways gwid:=9001 type:=0 address="127.0.0.1:$gw_port" \
        strip:=4 pri_prefix=+49 description=test-gw > /dev/null
    dbctl insert "$ds" dr_gateways gwid:=9002 type:=0 address="127.0.0.1:$dead_port" \
        strip:=0 description=test-dead-gw > /dev/null
    dbctl insert "$ds" dr_rules ruleid:=9001 groupid=0 prefix=0049 timerec= priority:=0 \
        routeid= gwlist=9001 description=test-long > /dev/null
    dbctl insert "$ds" dr_rules ruleid:=9002 groupid=0 prefix=00 timerec= priority:=10 \
        routeid= gwlist=9002 description=test-short > /dev/null
    sipp_bg "gw-$ds" -sf "$scen/uas-call.xml" -p "$gw_port" -m 1 \
        -trace_msg -message_file "$work/gw-$ds.msg"
    pid=$SIPP_BG_PID
    sleep 0.3
    sipp_run "uac-gw-$ds" -sf "$scen/uac-call.xml" -inf "$scen/call-gw.csv" \
        -key domain pstn.test -key from_domain "$SIP_DOMAIN" \
        -p "$uac_port" -m 1 -trace_msg -message_file "$work/uac-gw-$ds.msg" 127.0.0.1:"$SIP_PORT"
    rc=$?
    check "$t: call to 004930123456@pstn.test through the gateway completes" "$rc" 0
    [ "$rc" -eq 0 ] || sipp_explain "uac-gw-$ds"
    wait "$pid"
    rc=$?
    check "$t: the gateway's side completes" "$rc" 0
    [ "$rc" -eq 0 ] || sipp_explain "gw-$ds"
    check "$t: the gateway received the number stripped of 4 digits, +49 prepended" \
        "$(first_block "$work/gw-$ds.msg" INVITE | head -1)" "INVITE sip:+4930123456@127.0.0.1:$gw_port SIP/2.0"
    out=$(invite_msg "sip:777@pstn.test" "inv-nr-$ds" | sip_send)
    check "$t: a number without a route -> 404" "$(sip_code <<< "$out")" 404
    gw_busy "$ds" "$gw_port"

    explain "$mark"
    sipproxy_stop
    check "$t: sipproxy stops cleanly on SIGTERM" "$?" 0
    gw_auth "$ds" "$gw_port"
    clean_rows "$ds"
}

# gw_busy DS GW_PORT: a gateway (the raw one) answers the INVITE with 486;
# the caller gets the 486, and its ACK (no Route: the ACK of a non-2xx) is
# routed again to the gateway like the INVITE, with the INVITE's branch.
gw_busy() {
    local ds=$1 t=$1 gw_port=$2 out cid=busy-$1-$RANDOM log=$work/gw-busy-$1.log inv ack
    local ruri=sip:004930123456@pstn.test from=sip:alice@$SIP_DOMAIN
    if ! sip_gateway_start "$gw_port" 486 "$log" 15; then
        not_ok "$t: busy: the raw gateway starts"
        return
    fi
    out=$(sip_req INVITE "$ruri" "$from" "<$ruri>" "$cid" 1 "z9hG4bK-$cid" | sip_send 3)
    check "$t: busy: the caller receives the gateway's 486" "$(head -1 <<< "$(sip_last <<< "$out")")" \
        "SIP/2.0 486 Busy Here"
    check "$t: busy: ... with the gateway's To tag and only the caller's Via" \
        "$(sip_header To <<< "$out")|$(sip_header Via <<< "$out" | wc -l)" "<$ruri>;tag=gw-tag|1"
    sip_req ACK "$ruri" "$from" "<$ruri>;tag=gw-tag" "$cid" 1 "z9hG4bK-$cid" | sip_send 1 all > /dev/null
    # The ACK needs no answer: wait (bounded) until the gateway logged it.
    for _ in $(seq 1 30); do
        grep -q '^ACK ' "$log" && break
        sleep 0.1
    done
    sip_gateway_stop
    inv=$(first_block "$log" INVITE) ack=$(first_block "$log" ACK)
    check "$t: busy: the gateway received one INVITE and then one ACK" "$(gw_requests "$log")" \
        "INVITE sip:+4930123456@127.0.0.1:$gw_port SIP/2.0|ACK sip:+4930123456@127.0.0.1:$gw_port SIP/2.0|"
    check_re "$t: busy: the INVITE's top Via is the proxy's with a 32-hex branch" \
        "$(grep -m1 -iE '^(via|v):' <<< "$inv")" \
        "^Via: SIP/2\.0/UDP 127\.0\.0\.1:$SIP_PORT;branch=z9hG4bK[0-9a-f]{32}\$"
    check "$t: busy: the ACK carries the INVITE's branch as forwarded to the gateway" \
        "$(top_branch <<< "$ack")" "$(top_branch <<< "$inv")"
    check "$t: busy: the ACK's CSeq and To tag" \
        "$(grep -iE '^(cseq|to):' <<< "$ack" | tr '\n' '|')" "To: <$ruri>;tag=gw-tag|CSeq: 1 ACK|"
}

# gw_auth DS GW_PORT: a proxy with auth_requests = yes in front of the
# gateway: nobody but an authenticated local user reaches it.
gw_auth() {
    local ds=$1 t="$1: auth_requests" gw_port=$2 out a cid=gwa-$1-$RANDOM mark=$tap_failed
    local log=$work/gw-auth-$1.log ruri=sip:004930123456@pstn.test gw_ruri
    gw_ruri=sip:+4930123456@127.0.0.1:$gw_port
    if ! sipproxy_start "$work/proxy-gwauth-$ds" "$DBD_ENDPOINT" "$ds" auth_requests=yes \
        record_route=yes; then
        not_ok "$t: sipproxy starts"
        return
    fi
    if ! sip_gateway_start "$gw_port" 486 "$log" 20; then
        not_ok "$t: the raw gateway starts"
        sipproxy_stop
        return
    fi
    out=$(sip_req INVITE "$ruri" sip:mallory@elsewhere.test "<$ruri>" "$cid-a" 1 "z9hG4bK-$cid-a" |
        sip_send 3)
    check "$t: INVITE for the gateway from a foreign From -> 403" "$(head -1 <<< "$out")" \
        "SIP/2.0 403 Forbidden - not a local user"
    out=$(sip_req INVITE "$ruri" "sip:alice@$SIP_DOMAIN" "<$ruri>" "$cid-b" 1 "z9hG4bK-$cid-b" |
        sip_send 3)
    check "$t: INVITE for the gateway from alice without credentials -> 407" \
        "$(head -1 <<< "$out")" "SIP/2.0 407 Proxy Authentication Required"
    check_re "$t: ... with one MD5 Proxy-Authenticate challenge" \
        "$(sip_header Proxy-Authenticate <<< "$out" | tr '\n' '|')" \
        '^Digest realm="sip\.test", nonce="[0-9a-f]{48}", qop="auth", algorithm=MD5\|$'
    a=$(sip_answer_challenge Proxy-Authorization alice secret INVITE "$ruri" <<< "$out")
    out=$(sip_req INVITE "$gw_ruri" "sip:alice@$SIP_DOMAIN" "<$ruri>;tag=forged" "$cid-c" 1 \
        "z9hG4bK-$cid-c" | sip_send 3)
    check "$t: in-dialog INVITE straight to the gateway's address without our Route -> 403" \
        "$(head -1 <<< "$out")" "SIP/2.0 403 Forbidden - not record-routed here"
    sleep 0.3
    check "$t: the gateway received nothing so far" "$(gw_requests "$log")" ""
    out=$(sip_req INVITE "$ruri" "sip:alice@$SIP_DOMAIN" "<$ruri>" "$cid-b" 2 "z9hG4bK-$cid-b2" "$a" |
        sip_send 3)
    check "$t: with valid Proxy-Authorization the INVITE reaches the gateway (its 486 comes back)" \
        "$(head -1 <<< "$(sip_last <<< "$out")")" "SIP/2.0 486 Busy Here"
    sip_gateway_stop
    check "$t: ... which received exactly that INVITE, Request-URI rewritten" "$(gw_requests "$log")" \
        "INVITE $gw_ruri SIP/2.0|"
    check "$t: ... with our Record-Route and without the credentials for our realm" \
        "$(first_block "$log" INVITE | grep -iE '^(record-route|proxy-authorization):' | tr '\n' '|')" \
        "Record-Route: <sip:127.0.0.1:$SIP_PORT;lr>|"
    explain "$mark"
    sipproxy_stop
    check "$t: sipproxy stops cleanly" "$?" 0
}

# ---------------------------------------------------------------------------
# Requests that need no database, on the SQLite proxy.
no_db_checks() {
    local out port i all mark=$tap_failed
    # sipsak 0.9.8.1 cuts a 5-digit port in the Request-URI to 4 digits.
    if ! SIPPROXY_PORTS="5100 9999" sipproxy_start "$work/proxy-misc" "$DBD_ENDPOINT" sq; then
        not_ok "misc: sipproxy starts"
        return
    fi
    sipsak -s "sip:127.0.0.1:$SIP_PORT" -vv > "$work/sipsak.out" 2>&1
    check "sipsak OPTIONS to the proxy exits 0" "$?" 0
    check_grep "sipsak got 200 OK" "$work/sipsak.out" "SIP/2.0 200 OK"
    out=$(sip_options_msg opt-1 | sip_send)
    check "OPTIONS to the proxy -> 200 OK" "$(head -1 <<< "$out")" "SIP/2.0 200 OK"
    check "... with the Server header" "$(sip_header Server <<< "$out")" sipproxy
    check_re "... and a To tag" "$(sip_header To <<< "$out")" ';tag=.+'

    out=$(invite_msg "sip:bob@$SIP_DOMAIN" mf0 0 | sip_send)
    check "Max-Forwards: 0 -> 483" "$(head -1 <<< "$out")" "SIP/2.0 483 Too Many Hops"

    # Answerable: a Via to answer to, but no Call-ID / CSeq.
    out=$(sip_send 2 << MSG
INVITE sip:bob@$SIP_DOMAIN SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:$SIP_LPORT;branch=z9hG4bK-bad-1
Max-Forwards: 70
From: <sip:tester@$SIP_DOMAIN>;tag=bad1
To: <sip:bob@$SIP_DOMAIN>
Content-Length: 0

MSG
)
    check "a request without Call-ID and CSeq -> 400" "$(sip_code <<< "$out")" 400
    # Not SIP at all, and a truncated request: dropped, nothing answered.
    out=$(printf '\001\002 this is not SIP\n\n' | sip_send 1 all)
    check "garbage gets no answer" "$out" ""
    out=$(printf 'INVITE sip:bob@%s SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:%s;bra' \
        "$SIP_DOMAIN" "$SIP_LPORT" | sip_send 1 all)
    check_in "a truncated request gets a 400 or nothing" "$(sip_code <<< "$out")" "" 400
    # Both workers still serve: OPTIONS from several source ports.
    all=
    for i in 1 2 3 4 5 6; do
        port=$(sip_free_udp_port)
        all+=$(SIP_LPORT=$port; sip_options_msg "opt-after-$i" | sip_send | sip_code)" "
    done
    check "after the bad input, OPTIONS from 6 ports all get 200" "$all" "200 200 200 200 200 200 "
    check "the master is still the same process" "$(kill -0 "$SIPPROXY_PID" 2>&1 && echo alive)" alive
    check "no worker died: 2 started, none restarted" \
        "$(grep -c 'worker [0-9]* started' "$SIPPROXY_LOG") $(grep -c 'restarting in' "$SIPPROXY_LOG")" "2 0"
    explain "$mark"
    sipproxy_stop
    check "misc: sipproxy stops cleanly" "$?" 0
}

# ---------------------------------------------------------------------------
# SHA-256 and MD5 offered together, HA1 from the password column, stale
# nonces, and INVITE authentication (407), on the private dbd.
auth_variants() {
    local out a mark=$tap_failed
    if ! sipproxy_start "$work/proxy-auth" "$SIP_DBD_ENDPOINT" main \
        "algorithms=SHA-256, MD5" calculate_ha1=yes nonce_lifetime=2 auth_requests=yes; then
        not_ok "auth: sipproxy starts"
        return
    fi
    out=$(sip_register_msg erin auth-1 1 "Contact: <sip:erin@127.0.0.1:5081>" | sip_send)
    check_re "auth: two challenges, SHA-256 first, as configured" \
        "$(sip_header WWW-Authenticate <<< "$out" | tr '\n' '|')" \
        '^Digest realm="sip\.test", nonce="[0-9a-f]{48}", qop="auth", algorithm=SHA-256\|Digest realm="sip\.test", nonce="[0-9a-f]{48}", qop="auth", algorithm=MD5\|$'
    out=$(SIP_DIGEST_ALG=SHA-256 sip_register erin erinpw auth-2 1 \
        "Contact: <sip:erin@127.0.0.1:5081>" "Expires: 300")
    check "auth: SHA-256 credentials (HA1 from the password) -> 200" "$(sip_code <<< "$out")" 200
    out=$(sip_register erin erinpw auth-3 1 "Contact: <sip:erin@127.0.0.1:5081>" "Expires: 300")
    check "auth: MD5 credentials -> 200 as well" "$(sip_code <<< "$out")" 200
    out=$(SIP_DIGEST_ALG=SHA-256 sip_register erin wrong auth-4 1 "Contact: <sip:erin@127.0.0.1:5081>")
    check "auth: a wrong SHA-256 password -> 401" "$(sip_code <<< "$out")" 401

    # A nonce older than nonce_lifetime: right credentials -> stale=true.
    out=$(sip_register_msg erin auth-5 1 "Contact: <sip:erin@127.0.0.1:5081>" | sip_send)
    sleep 3.2
    a=$(sip_answer_challenge Authorization erin erinpw REGISTER "sip:$SIP_DOMAIN" MD5 <<< "$out")
    out=$(sip_register_msg erin auth-5 2 "Contact: <sip:erin@127.0.0.1:5081>" "$a" | sip_send)
    check "auth: right credentials with an expired nonce -> 401" "$(sip_code <<< "$out")" 401
    check "auth: ... with fresh challenges saying stale=true" \
        "$(sip_header WWW-Authenticate <<< "$out" | grep -c ', stale=true$')" 2
    out=$(sip_register_msg erin auth-6 1 "Contact: <sip:erin@127.0.0.1:5081>" | sip_send)
    sleep 3.2
    a=$(sip_answer_challenge Authorization erin wrong REGISTER "sip:$SIP_DOMAIN" MD5 <<< "$out")
    out=$(sip_register_msg erin auth-6 2 "Contact: <sip:erin@127.0.0.1:5081>" "$a" | sip_send)
    check "auth: a wrong password with an expired nonce -> 401 without stale" \
        "$(sip_code <<< "$out") $(sip_header WWW-Authenticate <<< "$out" | grep -c stale)" "401 0"

    # auth_requests: INVITE from a local user is challenged with 407.
    out=$(invite_from "sip:erin@$SIP_DOMAIN" "sip:nobody@$SIP_DOMAIN" auth-inv 1 | sip_send)
    check "auth: INVITE from a local user without credentials -> 407" \
        "$(head -1 <<< "$out")" "SIP/2.0 407 Proxy Authentication Required"
    check_re "auth: ... with Proxy-Authenticate challenges" \
        "$(sip_header Proxy-Authenticate <<< "$out" | tr '\n' '|')" \
        '^Digest realm="sip\.test", nonce="[0-9a-f]{48}", qop="auth", algorithm=SHA-256\|Digest realm="sip\.test", nonce="[0-9a-f]{48}", qop="auth", algorithm=MD5\|$'
    a=$(sip_answer_challenge Proxy-Authorization erin erinpw INVITE "sip:nobody@$SIP_DOMAIN" \
        SHA-256 <<< "$out")
    out=$(invite_from "sip:erin@$SIP_DOMAIN" "sip:nobody@$SIP_DOMAIN" auth-inv 2 "$a" | sip_send)
    check "auth: ... with credentials it passes (to a 404 for the unknown callee)" \
        "$(sip_code <<< "$out")" 404
    out=$(invite_from "sip:someone@elsewhere.test" "sip:nobody@$SIP_DOMAIN" auth-inv-2 1 | sip_send)
    check "auth: INVITE from a foreign domain is not challenged (404)" "$(sip_code <<< "$out")" 404
    explain "$mark"
    sipproxy_stop
    check "auth: sipproxy stops cleanly" "$?" 0
}

# ---------------------------------------------------------------------------
# A private dbd is stopped and started again under a running proxy.
dbd_outage() {
    local pdir=$work/private-dbd out code i resumed gone mark=$tap_failed
    if ! sip_dbd_start "$pdir"; then
        not_ok "outage: private dbd starts"
        return
    fi
    "$dbctl_bin" --endpoint "$SIP_DBD_ENDPOINT" replace main subscriber --key username,domain \
        username=erin domain="$SIP_DOMAIN" password=erinpw ha1="$(md5_ha1 erin erinpw)" \
        ha1b=x > /dev/null
    auth_variants
    if ! sipproxy_start "$work/proxy-outage" "$SIP_DBD_ENDPOINT" main retry_after=7 \
        proxy.cleanup_interval=1; then
        not_ok "outage: sipproxy starts"
        return
    fi
    out=$(sip_register erin erinpw out-1 1 "Contact: <sip:erin@127.0.0.1:5081>" "Expires: 300")
    check "outage: with dbd up, erin registers (200)" "$(sip_code <<< "$out")" 200
    "$dbctl_bin" --endpoint "$SIP_DBD_ENDPOINT" insert main location ruid=test-old \
        username=erin domain="$SIP_DOMAIN" contact=sip:erin@127.0.0.1:5082 \
        "expires:=@$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)" callid=old > /dev/null
    gone=no
    for i in $(seq 1 30); do
        [ "$(sqlite3 -cmd '.timeout 2000' "$pdir/db.sqlite" \
            "SELECT count(*) FROM location WHERE ruid = 'test-old'")" = 0 ] && { gone=yes; break; }
        sleep 0.2
    done
    check "outage: the periodic cleanup (cleanup_interval = 1) deletes an expired row" "$gone" yes
    check "outage: ... and only that one" \
        "$(sqlite3 -cmd '.timeout 2000' "$pdir/db.sqlite" "SELECT contact FROM location")" \
        "sip:erin@127.0.0.1:5081"

    sip_dbd_stop
    check "outage: the private dbd stops cleanly" "$?" 0
    out=$(sip_register_msg erin out-2 1 "Contact: <sip:erin@127.0.0.1:5081>" | sip_send)
    check "outage: the challenge needs no database (401)" "$(sip_code <<< "$out")" 401
    out=$(sip_register erin erinpw out-2 3 "Contact: <sip:erin@127.0.0.1:5081>" "Expires: 300")
    code=$(sip_code <<< "$out")
    check_in "outage: REGISTER with credentials while dbd is down -> 500 or 503" "$code" 500 503
    if [ "$code" = 503 ]; then
        check "outage: the 503 carries Retry-After" "$(sip_header Retry-After <<< "$out")" 7
    fi
    out=$(invite_msg "sip:erin@$SIP_DOMAIN" out-inv-1 | sip_send)
    code=$(sip_code <<< "$out")
    check_in "outage: INVITE to a local user while dbd is down -> 500 or 503, not 404/480" "$code" 500 503
    out=$(sip_options_msg out-opt | sip_send)
    check "outage: OPTIONS still answered" "$(sip_code <<< "$out")" 200

    if ! sip_dbd_start "$pdir"; then
        not_ok "outage: private dbd starts again"
        sipproxy_stop
        return
    fi
    resumed=no
    for i in $(seq 1 20); do
        out=$(sip_register erin erinpw "out-3-$i" 1 "Contact: <sip:erin@127.0.0.1:5081>" "Expires: 300")
        if [ "$(sip_code <<< "$out")" = 200 ]; then resumed=yes; break; fi
        sleep 0.5
    done
    check "outage: after dbd is back, registration succeeds again without restarting sipproxy" \
        "$resumed" yes
    out=$(sip_register erin wrong out-4 1 "Contact: <sip:erin@127.0.0.1:5081>")
    check "outage: ... and a wrong password is a 401 again" "$(sip_code <<< "$out")" 401
    out=$(invite_msg "sip:nobody@$SIP_DOMAIN" out-inv-2 | sip_send)
    check "outage: ... and an unknown user a 404" "$(sip_code <<< "$out")" 404
    explain "$mark"
    sipproxy_stop
    check "outage: sipproxy stops cleanly" "$?" 0
    sip_dbd_stop
    check "outage: the private dbd stops cleanly again" "$?" 0
}

SIP_LPORT=$(sip_free_udp_port)
for ds in "${datasources[@]}"; do
    suite "$ds"
done
[ "${#datasources[@]}" -gt 1 ] || diag "no PostgreSQL datasource in the fixture: pg not tested"
no_db_checks
dbd_outage
tap_end
