# shellcheck shell=bash
# sipproxy.sh - runs a sipproxy (and, when a test needs one of its own, a
# dbd) on loopback for the SIP tests, and talks SIP to it without a SIP
# stack: one request out, the replies back, digest credentials computed
# here.  Sourced by tests/integration/test_sipproxy.sh.  Needs DBD_BUILD.
#
#   sipproxy_start DIR ENDPOINT DS [KEY=VALUE...]
#                        writes DIR/sipproxy.conf (a free UDP port on
#                        127.0.0.1, 2 workers, local domain $SIP_DOMAIN,
#                        the four tables on datasource DS of the dbd at
#                        ENDPOINT, KEY = VALUE lines added to [sip], or to
#                        [sipproxy] for KEY proxy.NAME), starts
#                        sipproxy and waits until it answers OPTIONS.
#                        Sets SIP_PORT (from SIPPROXY_PORTS="LO HI" when
#                        set), SIPPROXY_PID, SIPPROXY_LOG.
#   sipproxy_require TOOL...
#                        ends the test now (exit) unless sipproxy is built
#                        and every TOOL is installed: a TAP skip when
#                        libosip2 or a TOOL is missing, a failure when
#                        libosip2 is there but sipproxy was not built.
#   sipproxy_stop        SIGTERM to the recorded PID; 0 when it exited 0
#                        within 15 s and its log shows no sanitizer report
#                        and no worker restarted after dying.
#   sip_dbd_start DIR    a private dbd with datasource "main" on the
#                        SQLite file DIR/db.sqlite (Kamailio tables made
#                        by tools/dbd-schema), endpoint ipc://DIR/dbd.sock.
#                        Sets SIP_DBD_PID, SIP_DBD_ENDPOINT, SIP_DBD_DIR;
#                        run again after sip_dbd_stop, it keeps the data.
#   sip_dbd_stop         stops that dbd by its PID.
#   sip_send [WAIT]      sends the SIP message on stdin (LF line ends are
#                        made CRLF) from 127.0.0.1:$SIP_LPORT to the proxy
#                        and prints what comes back for it (LF line ends,
#                        each datagram followed by a line "--") until a
#                        final response, or for WAIT seconds (default 3);
#                        exit 1 when no final response came.
#   sip_register USER PASSWORD CALLID CSEQ [HEADER...]
#                        REGISTER for USER@$SIP_DOMAIN with the given extra
#                        header lines (Contact, Expires, ...); a 401 is
#                        answered with credentials (CSeq + 1) for its
#                        challenge of algorithm $SIP_DIGEST_ALG (default
#                        MD5).  Prints the final reply.
#   sip_code             the status code of the last response on stdin.
#   sip_header NAME      the values of header NAME in the last message on
#                        stdin, one per line (header names are matched
#                        case-insensitively; compact forms are not).
#   sip_contacts         the Contact list of the last message on stdin as
#                        sorted lines "URI expires=N" (other params left
#                        out), one per binding.
#   sip_gateway_start PORT CODE LOG [SECONDS]
#                        a raw UDP gateway on 127.0.0.1:PORT for at most
#                        SECONDS (default 20): every datagram it receives
#                        is appended to LOG (LF line ends, each followed by
#                        a line "--"); an INVITE is answered with CODE
#                        (Vias, From, Call-ID, CSeq copied, a To tag
#                        "gw-tag" added).  Sets SIP_GW_PID once it listens.
#   sip_gateway_stop     stops that gateway by its PID.

SIP_DOMAIN=${SIP_DOMAIN:-sip.test}
SIPPROXY_BIN=${SIPPROXY_BIN:-$DBD_BUILD/proxy/sipproxy}

sipproxy_require() {
    local tool
    if [ ! -x "$SIPPROXY_BIN" ]; then
        # configure builds sipproxy whenever libosip2 is there.
        if pkg-config --exists libosip2 2> /dev/null; then
            echo "not ok 1 - sipproxy is built (libosip2 is installed, $SIPPROXY_BIN is missing)"
            echo "1..1"
            exit 1
        fi
        echo "1..0 # SKIP sipproxy is not built (libosip2 is not installed)"
        exit 0
    fi
    for tool in "$@"; do
        if ! command -v "$tool" > /dev/null; then
            echo "1..0 # SKIP $tool is not installed (tools/install-deps --test)"
            exit 0
        fi
    done
}
SIPPROXY_PID=
SIP_DBD_PID=
SIP_DBD_DIR=
SIP_GW_PID=

# sip_free_udp_port [LO HI]: a UDP port on 127.0.0.1 nobody listens on now,
# from LO to HI (default 20000 to 59999).
sip_free_udp_port() {
    local port lo=${1:-20000} hi=${2:-59999}
    for _ in $(seq 1 50); do
        port=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
        if ! ss -Huln "sport = :$port" 2> /dev/null | grep -q .; then
            echo "$port"
            return 0
        fi
    done
    echo "sip_free_udp_port: no free port after 50 tries" >&2
    return 1
}

# The raw SIP client: ARGV = local port, proxy port, seconds to wait,
# "final" (stop at the first final response) or "all" (wait the whole
# time).  Datagrams for another Call-ID or CSeq than the request's (late
# answers to an earlier exchange on the same port) are skipped.
# shellcheck disable=SC2016  # Perl code, not shell
sip_udp_pl='
use strict; use warnings;
use IO::Socket::INET; use IO::Select; use Time::HiRes qw(time);
my ($lport, $rport, $wait, $mode) = @ARGV;
local $/; my $msg = <STDIN>;
$msg =~ s/\r?\n/\r\n/g;
my $sock = IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1",
    LocalPort => $lport, ReuseAddr => 1)
    or die "sip_send: cannot bind 127.0.0.1:$lport: $!\n";
my $to = sockaddr_in($rport, inet_aton("127.0.0.1"));
defined $sock->send($msg, 0, $to) or die "sip_send: send: $!\n";
my ($callid) = $msg =~ /^Call-ID:[ \t]*(\S+)/mi;
my ($cseq) = $msg =~ /^CSeq:[ \t]*(\d+)/mi;
my $sel = IO::Select->new($sock);
my $end = time + $wait;
my $final = 0;
while ((my $left = $end - time) > 0) {
    last unless $sel->can_read($left);
    my $buf;
    defined $sock->recv($buf, 65535) or last;
    if (defined $callid && defined $cseq) {
        my ($c) = $buf =~ /^Call-ID:[ \t]*(\S+)/mi;
        my ($n) = $buf =~ /^CSeq:[ \t]*(\d+)/mi;
        next unless defined $c && defined $n && $c eq $callid && $n == $cseq;
    }
    $buf =~ s/\r\n/\n/g;
    $buf .= "\n" unless $buf =~ /\n\z/;
    print $buf, "--\n";
    if ($buf =~ m{\ASIP/2\.0 [2-6]\d\d }) {
        $final = 1;
        last if $mode ne "all";
    }
}
exit($final ? 0 : 1);
'

sip_send() {
    perl -e "$sip_udp_pl" "$SIP_LPORT" "$SIP_PORT" "${1:-3}" "${2:-final}"
}

# The last datagram of a sip_send output.
sip_last() {
    awk '/^--$/ { if (n) last = cur; cur = ""; n = 0; next }
         { cur = cur $0 "\n"; n++ }
         END { printf "%s", (n ? cur : last) }'
}

sip_code() { sip_last | sed -n '1s|^SIP/2\.0 \([0-9][0-9][0-9]\) .*|\1|p'; }

sip_header() {
    sip_last | awk -v want="$(tr '[:upper:]' '[:lower:]' <<< "$1")" '
        /^$/ { exit }
        NR > 1 {
            i = index($0, ":"); if (i == 0) next
            name = tolower(substr($0, 1, i - 1)); sub(/[ \t]+$/, "", name)
            if (name != want) next
            v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v
        }'
}

# Splits the Contact values at commas outside <...> and quotes.
sip_contacts() {
    sip_header Contact | awk '
        {
            s = $0; cur = ""; inq = 0; ina = 0
            for (i = 1; i <= length(s); i++) {
                c = substr(s, i, 1)
                if (c == "\"") inq = !inq
                else if (!inq && c == "<") ina = 1
                else if (!inq && c == ">") ina = 0
                if (c == "," && !inq && !ina) { out(cur); cur = "" } else cur = cur c
            }
            out(cur)
        }
        function out(x,   uri, e) {
            gsub(/^[ \t]+|[ \t]+$/, "", x)
            if (x == "") return
            if (match(x, /<[^>]*>/)) uri = substr(x, RSTART + 1, RLENGTH - 2)
            else { uri = x; sub(/;.*/, "", uri) }
            e = "none"
            if (match(tolower(x), /;[ \t]*expires[ \t]*=[ \t]*[0-9]+/)) {
                e = substr(x, RSTART, RLENGTH); sub(/.*=[ \t]*/, "", e)
            }
            print uri " expires=" e
        }' | sort
}

md5hex() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }

# sip_param NAME: the value of NAME="..." or NAME=token in the line on stdin.
sip_param() {
    sed -n "s/.*[ ,]$1=\"\\([^\"]*\\)\".*/\\1/p; t; s/.*[ ,]$1=\\([^ ,;]*\\).*/\\1/p" | head -1
}

sha256hex() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# sip_authorization HEADER USER REALM PASSWORD METHOD URI NONCE [ALG]
# prints the credentials header line for qop=auth, nc=00000001, with the
# digest algorithm ALG (MD5, the default, or SHA-256).
sip_authorization() {
    local hdr=$1 user=$2 realm=$3 pass=$4 method=$5 uri=$6 nonce=$7 alg=${8:-MD5}
    local cnonce=0a4f113b nc=00000001 h=md5hex ha1 ha2 resp
    [ "$alg" = SHA-256 ] && h=sha256hex
    ha1=$($h "$user:$realm:$pass")
    ha2=$($h "$method:$uri")
    resp=$($h "$ha1:$nonce:$nc:$cnonce:auth:$ha2")
    printf '%s: Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", algorithm=%s, cnonce="%s", qop=auth, nc=%s\n' \
        "$hdr" "$user" "$realm" "$nonce" "$uri" "$resp" "$alg" "$cnonce" "$nc"
}

# sip_answer_challenge HEADER USER PASSWORD METHOD URI [ALG]: the credentials
# for the challenge (WWW- or Proxy-Authenticate) with algorithm ALG (default
# MD5) in the response on stdin; nothing when there is none.
sip_answer_challenge() {
    local hdr=$1 user=$2 pass=$3 method=$4 uri=$5 alg=${6:-MD5} challenge want
    want=WWW-Authenticate
    [ "$hdr" = Proxy-Authorization ] && want=Proxy-Authenticate
    challenge=$(sip_header "$want" | grep -E "algorithm=\"?$alg\"?(,|$| )" | head -1)
    [ -n "$challenge" ] || return 0
    sip_authorization "$hdr" "$user" "$(sip_param realm <<< "$challenge")" "$pass" \
        "$method" "$uri" "$(sip_param nonce <<< "$challenge")" "$alg"
}

# sip_register_msg USER CALLID CSEQ HEADERS [AUTH]
sip_register_msg() {
    local user=$1 callid=$2 cseq=$3 headers=$4 auth=${5:-}
    printf 'REGISTER sip:%s SIP/2.0\n' "$SIP_DOMAIN"
    printf 'Via: SIP/2.0/UDP 127.0.0.1:%s;branch=z9hG4bK-%s-%s\n' "$SIP_LPORT" "$callid" "$cseq"
    printf 'Max-Forwards: 70\n'
    printf 'From: <sip:%s@%s>;tag=ft-%s\n' "$user" "$SIP_DOMAIN" "$callid"
    printf 'To: <sip:%s@%s>\n' "$user" "$SIP_DOMAIN"
    printf 'Call-ID: %s\n' "$callid"
    printf 'CSeq: %s REGISTER\n' "$cseq"
    [ -z "$headers" ] || printf '%s\n' "$headers"
    [ -z "$auth" ] || printf '%s\n' "$auth"
    printf 'User-Agent: sipproxy-test\n'
    printf 'Content-Length: 0\n\n'
}

sip_register() {
    local user=$1 pass=$2 callid=$3 cseq=$4 headers='' first auth
    shift 4
    [ $# -eq 0 ] || headers=$(printf '%s\n' "$@")
    first=$(sip_register_msg "$user" "$callid" "$cseq" "$headers" | sip_send)
    if [ "$(sip_code <<< "$first")" != 401 ]; then
        printf '%s\n' "$first"
        return 0
    fi
    auth=$(sip_answer_challenge Authorization "$user" "$pass" REGISTER "sip:$SIP_DOMAIN" \
        "${SIP_DIGEST_ALG:-MD5}" <<< "$first")
    sip_register_msg "$user" "$callid" "$((cseq + 1))" "$headers" "$auth" | sip_send
}

# Copies the built connector modules into a directory only we can write:
# dbd refuses modules in directories others can write to.
sip_connectors() {
    local dest=$1 so
    mkdir -p "$dest" && chmod 755 "$dest" || return 1
    for so in "$DBD_BUILD"/connectors/*/.libs/*.so; do
        [ -e "$so" ] && install -m 644 "$so" "$dest/"
    done
    return 0
}

sip_dbd_start() {
    local dir=$1
    mkdir -p "$dir" || return 1
    if [ ! -f "$dir/db.sqlite" ]; then
        "$DBD_SRC/tools/dbd-schema" sqlite "$dir/db.sqlite" > /dev/null || return 1
    fi
    [ -d "$dir/connectors" ] || sip_connectors "$dir/connectors" || return 1
    cat > "$dir/dbd.conf" << CONF
[dbd]
endpoint = ipc://$dir/dbd.sock
connector_dir = $dir/connectors
log_level = info
drain_timeout = 2000

[datasource main]
url = sqlite://$dir/db.sqlite
pool = 2
CONF
    SIP_DBD_DIR=$dir
    SIP_DBD_ENDPOINT=ipc://$dir/dbd.sock
    "$DBD_BUILD/dbd/dbd" -c "$dir/dbd.conf" >> "$dir/dbd.log" 2>&1 &
    SIP_DBD_PID=$!
    for _ in $(seq 1 100); do
        "$DBD_BUILD/tools/dbctl/dbctl" --endpoint "$SIP_DBD_ENDPOINT" --timeout 500 \
            ping > /dev/null 2>&1 && return 0
        kill -0 "$SIP_DBD_PID" 2> /dev/null || break
        sleep 0.1
    done
    echo "sip_dbd_start: dbd did not come up; its log:" >&2
    cat "$dir/dbd.log" >&2
    return 1
}

# sip_stop_pid PID NAME LOG: SIGTERM, wait up to 15 s, KILL; 0 when the
# process exited 0 and LOG has no sanitizer report.
sip_stop_pid() {
    local pid=$1 name=$2 log=$3 rc=0
    kill -TERM "$pid" 2> /dev/null
    for _ in $(seq 1 150); do
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2> /dev/null; then
        echo "$name (pid $pid) ignored SIGTERM for 15 s; killing it" >&2
        kill -KILL "$pid" 2> /dev/null
        rc=1
    fi
    wait "$pid" 2> /dev/null || { echo "$name exited with status $?" >&2; rc=1; }
    if [ -f "$log" ] && grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
        echo "$name: sanitizer report in its log:" >&2
        grep -E -A30 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log" | head -60 >&2
        rc=1
    fi
    return $rc
}

sip_dbd_stop() {
    [ -n "$SIP_DBD_PID" ] || return 0
    local pid=$SIP_DBD_PID
    SIP_DBD_PID=
    sip_stop_pid "$pid" dbd "$SIP_DBD_DIR/dbd.log"
}

# An OPTIONS to the proxy itself from port $SIP_LPORT.
# sip_options_msg TAG (the Call-ID, branch and From tag)
sip_options_msg() {
    local tag=$1
    cat << MSG
OPTIONS sip:127.0.0.1:$SIP_PORT SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:$SIP_LPORT;branch=z9hG4bK-$tag
Max-Forwards: 70
From: <sip:probe@$SIP_DOMAIN>;tag=$tag
To: <sip:127.0.0.1:$SIP_PORT>
Call-ID: $tag
CSeq: 1 OPTIONS
Content-Length: 0

MSG
}

sipproxy_start() {
    local dir=$1 endpoint=$2 ds=$3 kv
    shift 3
    mkdir -p "$dir" || return 1
    # shellcheck disable=SC2086  # two numbers
    SIP_PORT=$(sip_free_udp_port ${SIPPROXY_PORTS:-}) || return 1
    [ -n "${SIP_LPORT:-}" ] || SIP_LPORT=$(sip_free_udp_port) || return 1
    {
        echo "; written by tests/lib/sipproxy.sh"
        echo "[sipproxy]"
        echo "listen = udp:127.0.0.1:$SIP_PORT"
        echo "workers = 2"
        echo "dbd_endpoint = $endpoint"
        echo "dbd_timeout_ms = 1000"
        echo "log_level = debug"
        for kv in "$@"; do
            case $kv in proxy.*) kv=${kv#proxy.}; echo "${kv%%=*} = ${kv#*=}" ;; esac
        done
        echo
        echo "[sip]"
        echo "domain = $SIP_DOMAIN"
        echo "nonce_secret = test-secret"
        for kv in "$@"; do
            case $kv in proxy.*) ;; *) echo "${kv%%=*} = ${kv#*=}" ;; esac
        done
        echo
        echo "[tables]"
        echo "subscriber = $ds"
        echo "location = $ds"
        echo "dr_rules = $ds"
        echo "dr_gateways = $ds"
    } > "$dir/sipproxy.conf"
    SIPPROXY_LOG=$dir/sipproxy.log
    "$SIPPROXY_BIN" -f -c "$dir/sipproxy.conf" >> "$SIPPROXY_LOG" 2>&1 &
    SIPPROXY_PID=$!
    for _ in $(seq 1 100); do
        if [ "$(sip_options_msg "probe-$RANDOM" | sip_send 0.2 | sip_code)" = 200 ]; then
            return 0
        fi
        kill -0 "$SIPPROXY_PID" 2> /dev/null || break
    done
    echo "sipproxy_start: sipproxy did not answer OPTIONS; its log:" >&2
    tail -40 "$SIPPROXY_LOG" >&2
    return 1
}

sipproxy_stop() {
    [ -n "$SIPPROXY_PID" ] || return 0
    local pid=$SIPPROXY_PID rc=0
    SIPPROXY_PID=
    sip_stop_pid "$pid" sipproxy "$SIPPROXY_LOG" || rc=1
    # A worker that died was restarted by the master: still a failure.
    if grep -q 'restarting in' "$SIPPROXY_LOG"; then
        echo "sipproxy: a worker died while it ran:" >&2
        grep 'restarting in' "$SIPPROXY_LOG" | head -5 >&2
        rc=1
    fi
    return $rc
}

# The raw gateway: ARGV = port, status code, seconds, log file.  Writes
# "ready" to stdout once it listens.
# shellcheck disable=SC2016  # Perl code, not shell
sip_gw_pl='
use strict; use warnings;
use IO::Socket::INET; use IO::Select; use IO::Handle; use Time::HiRes qw(time);
my ($port, $code, $secs, $log) = @ARGV;
my %reason = (486 => "Busy Here", 404 => "Not Found", 480 => "Temporarily Unavailable",
    603 => "Decline", 500 => "Server Internal Error");
my $sock = IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1",
    LocalPort => $port, ReuseAddr => 1)
    or die "sip_gateway: cannot bind 127.0.0.1:$port: $!\n";
open(my $fh, ">>", $log) or die "sip_gateway: $log: $!\n";
$fh->autoflush(1);
$| = 1;
print "ready\n";
my $sel = IO::Select->new($sock);
my $end = time + $secs;
while ((my $left = $end - time) > 0) {
    next unless $sel->can_read($left);
    my $buf;
    my $peer = $sock->recv($buf, 65535);
    defined $peer or last;
    (my $text = $buf) =~ s/\r\n/\n/g;
    $text .= "\n" unless $text =~ /\n\z/;
    print $fh $text, "--\n";
    next unless $buf =~ /\AINVITE /;
    my ($head) = split /\r\n\r\n/, $buf, 2;
    my @lines = split /\r\n/, $head;
    shift @lines;
    my @out = ("SIP/2.0 $code " . ($reason{$code} // "Failed"));
    for my $l (@lines) {
        if ($l =~ /^(Via|v|From|f|Call-ID|i|CSeq):/i) { push @out, $l; }
        elsif ($l =~ /^(To|t):/i) { push @out, $l =~ /;tag=/ ? $l : "$l;tag=gw-tag"; }
    }
    push @out, "Content-Length: 0";
    $sock->send(join("\r\n", @out) . "\r\n\r\n", 0, $peer);
}
'

sip_gateway_start() {
    local port=$1 code=$2 log=$3 secs=${4:-20} line
    : > "$log" || return 1
    exec {gwfd}< <(exec perl -e "$sip_gw_pl" "$port" "$code" "$secs" "$log" 2>&1)
    SIP_GW_PID=$!
    # shellcheck disable=SC2154  # gwfd is set by exec above
    if ! read -r -t 5 line <&"$gwfd" || [ "$line" != ready ]; then
        echo "sip_gateway_start: the gateway on port $port did not come up: $line" >&2
        exec {gwfd}<&-
        sip_gateway_stop
        return 1
    fi
    exec {gwfd}<&-
    return 0
}

sip_gateway_stop() {
    [ -n "$SIP_GW_PID" ] || return 0
    kill -TERM "$SIP_GW_PID" 2> /dev/null
    wait "$SIP_GW_PID" 2> /dev/null
    SIP_GW_PID=
    return 0
}
