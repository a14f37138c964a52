#!/usr/bin/env bash
# test_keygen.sh - "dbctl keygen": the two key files, their content and
# exact modes whatever the umask, the printed allow-list line, refusal to
# overwrite either file (and no half pair left behind), bad names; then
# the CURVE key options of dbctl and dbbench: both or neither, key files
# that cannot be used, and keys that are accepted but unused on the
# fixture's ipc:// endpoint; sipproxy's dbd_key and dbd_server_key
# checks; dbbench and audit --follow against a dbd of its own with CURVE
# (started from DBD_BUILD, killed by its PID), right keys and refusals.
# (dbctl against CURVE, and dbd's side, are test_curve.sh.)  Prints TAP.
# Needs DBD_BUILD, jq and sqlite3; DBD_ENDPOINT for the ipc:// checks.
set -u

if [ -z "${DBD_BUILD:-}" ]; then
    echo "1..0 # SKIP DBD_BUILD is not set"
    exit 0
fi

# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
DBCTL="$DBD_BUILD/tools/dbctl/dbctl"
DBBENCH="$DBD_BUILD/tools/dbbench/dbbench"
out=
err=
rc=

# run PROGRAM ARGS...: keeps stdout, stderr and the exit code.
run() {
    out=$("$@" 2>"$work/err")
    rc=$?
    err=$(cat "$work/err")
}

# The Z85 alphabet (']' first and '-' last: literal in a bracket).
# count GLOB...: how many of the paths exist (an unmatched glob stays as is).
count() {
    local n=0 f
    for f in "$@"; do [ -e "$f" ] && n=$((n + 1)); done
    echo "$n"
}

z85='^[]0-9a-zA-Z.:+=^!/*?&<>()[{}@%$#-]{40}$'

# --- the files ---------------------------------------------------------------
mkdir "$work/k"
run bash -c "umask 077; exec \"$DBCTL\" keygen sip-1.a_B --dir \"$work/k\""
check "keygen exits 0" "$rc" 0
check "keygen says nothing on stderr" "$err" ""
pub=$(sed -n 's/^public = //p' "$work/k/sip-1.a_B.key")
sec=$(sed -n 's/^secret = //p' "$work/k/sip-1.a_B.key")
check "it prints the allow-list line NAME PUBLIC" "$out" "sip-1.a_B $pub"
if [[ $pub =~ $z85 ]] && [[ $sec =~ $z85 ]] && [ "$pub" != "$sec" ]; then
    ok "public and secret are 40 characters of Z85, and differ"
else
    not_ok "public and secret are 40 characters of Z85, and differ" \
        "public '$pub'" "secret '$sec'"
fi
check "NAME.key holds the comment, public and secret" \
    "$(cat "$work/k/sip-1.a_B.key")" \
    "$(printf '# dbd CURVE key pair "sip-1.a_B": keep this file secret\npublic = %s\nsecret = %s' "$pub" "$sec")"
check "NAME.pub holds the comment and the same public key" \
    "$(cat "$work/k/sip-1.a_B.pub")" \
    "$(printf '# dbd CURVE public key "sip-1.a_B"\npublic = %s' "$pub")"
check "NAME.key is 0600 (umask 077)" "$(stat -c %a "$work/k/sip-1.a_B.key")" 600
check "NAME.pub is 0644 despite umask 077" \
    "$(stat -c %a "$work/k/sip-1.a_B.pub")" 644

run bash -c "umask 000; exec \"$DBCTL\" keygen open --dir \"$work/k\""
check "NAME.key is 0600 with umask 000" "$(stat -c %a "$work/k/open.key")" 600
check "NAME.pub is 0644 with umask 000" "$(stat -c %a "$work/k/open.pub")" 644

# The default directory is the current one.
run bash -c "cd \"$work/k\" && exec \"$DBCTL\" keygen here"
if [ "$rc" = 0 ] && [ -f "$work/k/here.key" ] && [ -f "$work/k/here.pub" ]; then
    ok "without --dir the files go to the current directory"
else
    not_ok "without --dir the files go to the current directory" "rc $rc: $err"
fi
run "$DBCTL" keygen --dir="$work/k" eq
check "--dir=D works too" "$rc:$(count "$work/k"/eq.*)" 0:2

# --- never overwrite -----------------------------------------------------------
before=$(cat "$work/k/sip-1.a_B.key" "$work/k/sip-1.a_B.pub")
run "$DBCTL" keygen sip-1.a_B --dir "$work/k"
check "an existing key: exit 73" "$rc" 73
check "an existing key: nothing on stdout" "$out" ""
check "an existing key: the message" "$err" \
    "dbctl: keygen: $work/k/sip-1.a_B.key exists already; keygen never overwrites a key (remove it first to replace it)"
check "an existing key: both files unchanged" \
    "$(cat "$work/k/sip-1.a_B.key" "$work/k/sip-1.a_B.pub")" "$before"

# Only NAME.pub there: refused, and the NAME.key made first is removed.
printf 'public = %s\n' "$pub" > "$work/k/lone.pub"
run "$DBCTL" keygen lone --dir "$work/k"
check "an existing NAME.pub: exit 73" "$rc" 73
check "an existing NAME.pub: the message" "$err" \
    "dbctl: keygen: $work/k/lone.pub exists already; keygen never overwrites a key (remove it first to replace it)"
check "an existing NAME.pub: no NAME.key left behind, NAME.pub unchanged" \
    "$([ -e "$work/k/lone.key" ] && echo key-left; cat "$work/k/lone.pub")" \
    "public = $pub"

# A symbolic link in the key's place is not followed.
ln -s "$work/elsewhere" "$work/k/link.key"
run "$DBCTL" keygen link --dir "$work/k"
check "a symlink as NAME.key: exit 73, nothing made through it" \
    "$rc:$([ -e "$work/elsewhere" ] && echo made)" 73:

run "$DBCTL" keygen x --dir "$work/missing"
check "a missing directory: exit 73" "$rc" 73
check "a missing directory: the message" "$err" \
    "dbctl: keygen: cannot create $work/missing/x.key: No such file or directory"

# --- names and usage -----------------------------------------------------------
long=$(printf 'n%.0s' $(seq 64))
run "$DBCTL" keygen "$long" --dir "$work/k"
check "a 64-character name is fine" "$rc" 0
for bad in "${long}n" "a b" "a/b" "é" ""; do
    run "$DBCTL" keygen "$bad" --dir "$work/k"
    check "name '$bad': exit 64" "$rc" 64
done
check "an empty name: the message" "$(printf '%s' "$err" | head -1)" \
    "dbctl: keygen: the key name must be 1 to 64 of A-Z a-z 0-9 _ . -, not \"\""
run "$DBCTL" keygen --dir "$work/k"
check "no name: exit 64 and the message" \
    "$rc:$(printf '%s' "$err" | head -1)" "64:dbctl: keygen: no key NAME given"
run "$DBCTL" keygen "a/b" --dir "$work/k"
check "a name with '/': the message" "$(printf '%s' "$err" | head -1)" \
    "dbctl: keygen: the key name must be 1 to 64 of A-Z a-z 0-9 _ . -, not \"a/b\""
run "$DBCTL" keygen a b --dir "$work/k"
check "two names: exit 64" "$rc" 64
run "$DBCTL" keygen a --bogus
check "an unknown option: exit 64" "$rc" 64
run "$DBCTL" keygen a --dir
check "--dir without a value: exit 64" "$rc" 64
check "no file made by the refused commands" \
    "$(count "$work/k"/a.*)" 0
run "$DBCTL" help keygen
check "help keygen: exit 0 and the usage line" \
    "$rc:$(printf '%s' "$out" | head -1)" "0:usage: dbctl keygen NAME [--dir D]"

# --- the key options -----------------------------------------------------------
K="$work/k/sip-1.a_B.key"
P="$work/k/open.pub"
run "$DBCTL" --key "$K" ping
check "--key without --server-key: exit 64" "$rc" 64
check "--key without --server-key: the message" \
    "$(printf '%s' "$err" | head -1)" \
    "dbctl: --key (or \$DBD_KEY) and --server-key (or \$DBD_SERVER_KEY) go together: --server-key is missing"
run env DBD_SERVER_KEY="$P" "$DBCTL" ping
check "\$DBD_SERVER_KEY without a key: exit 64" "$rc" 64
run "$DBCTL" --key "$P" --server-key "$P" ping
check "a .pub as --key: exit 64" "$rc" 64
check "a .pub as --key: the message" "$err" \
    "dbctl: $P: no \"secret\" key (a public-key file where the key pair NAME.key is needed?)"
printf 'public = %s\npublik = x\n' "$pub" > "$work/typo.pub"
run "$DBCTL" --key "$K" --server-key "$work/typo.pub" ping
check "a bad --server-key file: exit 64, file and line named" "$rc:$err" \
    "64:dbctl: $work/typo.pub:2: unknown key \"publik\" (only \"public\" and \"secret\")"
run "$DBBENCH" --datasource x --key "$K"
check "dbbench --key without --server-key: exit 64" "$rc" 64
check "dbbench --key without --server-key: the message" \
    "$(printf '%s' "$err" | head -1)" \
    "dbbench: --key (or \$DBD_KEY) and --server-key (or \$DBD_SERVER_KEY) go together: --server-key is missing"

if [ -n "${DBD_ENDPOINT:-}" ]; then
    case $DBD_ENDPOINT in
    ipc://*)
        # Keys are for tcp:// only: the local dbd answers as before.
        run "$DBCTL" --endpoint "$DBD_ENDPOINT" --key "$K" --server-key "$P" \
            --json ping
        check "ipc:// with keys: ping OK" "$rc:$(printf '%s' "$out" | cut -c1-14)" \
            '0:{"status":"OK"'
        run env DBD_KEY="$K" DBD_SERVER_KEY="$P" "$DBCTL" \
            --endpoint "$DBD_ENDPOINT" --json ping
        check "ipc:// with keys from the environment: ping OK" \
            "$rc:$(printf '%s' "$out" | cut -c1-14)" '0:{"status":"OK"'

        ;;
    esac
fi

# --- sipproxy: dbd_key and dbd_server_key ---------------------------------------
SIPPROXY="$DBD_BUILD/proxy/sipproxy"
SPCONF="$(dirname "$0")/../../proxy/sipproxy.conf"
if [ -x "$SIPPROXY" ] && [ -f "$SPCONF" ]; then
    # sipconf KEY=VALUE...: the sample configuration with these lines
    # added to [sipproxy], as $work/sp.conf.
    sipconf() {
        local extra
        extra=$(printf '%s\n' "$@")
        awk -v extra="$extra" '{ print } /^\[sipproxy\]$/ { print extra }' \
            "$SPCONF" > "$work/sp.conf"
    }
    sipconf "dbd_key = $K"
    run "$SIPPROXY" -t -c "$work/sp.conf"
    check "sipproxy: dbd_key without dbd_server_key: exit 78" "$rc" 78
    check "sipproxy: the message" "$err" \
        "sipproxy: $work/sp.conf:12: dbd_key and dbd_server_key go together: dbd_server_key is not set"
    sipconf "dbd_key = $P" "dbd_server_key = $P"
    run "$SIPPROXY" -t -c "$work/sp.conf"
    check "sipproxy: a .pub as dbd_key: exit 78, file named" "$rc:$err" \
        "78:sipproxy: $work/sp.conf:12: dbd_key: $P: no \"secret\" key (a public-key file where the key pair NAME.key is needed?)"
    sipconf "dbd_key = $K" "dbd_server_key = $P"
    run "$SIPPROXY" -t -c "$work/sp.conf"
    check "sipproxy: both keys: configuration OK" "$rc" 0
fi

# --- against a dbd with CURVE: dbbench and audit --follow ------------------------
SRC=$(cd "$(dirname "$0")/../.." && pwd)
if [ -x "$DBD_BUILD/dbd/dbd" ] && [ -e "$DBD_BUILD/connectors/sqlite/.libs/sqlite.so" ] &&
    command -v jq > /dev/null && command -v sqlite3 > /dev/null; then
    # shellcheck source=tests/lib/owndbd.sh
    . "$SRC/tests/lib/owndbd.sh"
    # shellcheck source=tests/lib/servers.sh
    . "$SRC/tests/lib/servers.sh"
    DBD_PID=
    trap 'owndbd_kill "$DBD_PID"; rm -rf "$work"' EXIT
    d=$work/dbd
    mkdir "$d"
    "$DBCTL" keygen dbd --dir "$d" > /dev/null
    "$DBCTL" keygen alice --dir "$d" > "$d/clients"
    "$DBCTL" keygen mallory --dir "$d" > /dev/null
    fixture_connectors "$d/connectors" sqlite
    port=$(free_port)
    pubport=$(free_port)
    {
        fixture_dbd_section "$d"
        echo "endpoint = ipc://$d/dbd.sock, tcp://127.0.0.1:$port"
        echo "curve_key = $d/dbd.key"
        echo "clients = $d/clients"
        echo "[datasource sq]"
        echo "url = sqlite://$d/db.sqlite"
        echo "[audit]"
        echo "file = $d/audit.log"
        echo "publish = tcp://127.0.0.1:$pubport"
    } | awk '/^endpoint = ipc/ && !seen { seen = 1; next } { print }' \
        > "$d/dbd.conf"
    sqlite3 "$d/db.sqlite" < "$SRC/tools/schema/sqlite.sql"
    owndbd_start "$d" "a dbd with CURVE on tcp starts"
    TCP=tcp://127.0.0.1:$port
    PUB=tcp://127.0.0.1:$pubport

    run "$DBBENCH" --endpoint "$TCP" --key "$d/alice.key" \
        --server-key "$d/dbd.pub" --datasource sq --count 30 --clients 3 \
        --prefill --users 5 --json
    check "dbbench with keys over tcp: exit 0, 30 answered, none failed" \
        "$rc:$(printf '%s' "$out" | jq -r '"\(.requests):\(.failed)"')" "0:30:0"
    check "dbd admitted dbbench as alice" \
        "$(jq -r 'select(.name == "dbbench") | .client' "$d/audit.log" | sort -u)" \
        alice
    run "$DBBENCH" --endpoint "$TCP" --key "$d/mallory.key" \
        --server-key "$d/dbd.pub" --datasource sq --count 3
    check "dbbench with an unknown key: exit 1, the reason" "$rc:$err" \
        "1:dbbench: ping $TCP: UNAVAILABLE: cannot reach dbd at $TCP: authentication failed (dbd does not know this client's key)"

    # follow_alice NAME: audit --follow with alice's keys for one record
    # while pings named NAME go to dbd; prints "EXIT:NAME-OF-THE-RECORD".
    follow_alice() {
        local follower rc
        : > "$d/follow.out"
        DBD_KEY=$d/alice.key DBD_SERVER_KEY=$d/dbd.pub timeout 10 "$DBCTL" \
            --endpoint "ipc://$d/dbd.sock" audit --follow --publish "$PUB" \
            --count 1 --json > "$d/follow.out" 2> "$d/follow.err" &
        follower=$!
        # The subscription takes a moment: ping until the follower got one.
        for _ in $(seq 1 50); do
            "$DBCTL" --endpoint "ipc://$d/dbd.sock" --name "$1" ping > /dev/null
            [ -s "$d/follow.out" ] && break
            sleep 0.1
        done
        wait "$follower"
        rc=$?
        echo "$rc:$(jq -r .name "$d/follow.out")"
    }

    # audit --follow with alice's keys sees the next record.
    check "audit --follow with keys over tcp: exit 0, a record" \
        "$(follow_alice curve-follow)" "0:curve-follow"
    run timeout 10 "$DBCTL" --endpoint "ipc://$d/dbd.sock" audit --follow \
        --publish "$PUB" --count 1
    check "audit --follow without keys: exit 4, the reason" "$rc:$err" \
        "4:dbctl: audit: $PUB refused the connection: handshake failed: does the stream want CURVE keys (--key, --server-key)?"
    run timeout 10 "$DBCTL" --endpoint "ipc://$d/dbd.sock" --key "$d/mallory.key" \
        --server-key "$d/dbd.pub" audit --follow --publish "$PUB" --count 1
    check "audit --follow with an unknown key: exit 4, the reason" "$rc:$err" \
        "4:dbctl: audit: $PUB refused the connection: dbd refused this client's key (not on its allow-list, or its [client] section lacks admin audit)"
    run timeout 10 "$DBCTL" --endpoint "ipc://$d/dbd.sock" --key "$d/alice.key" \
        --server-key "$d/alice.pub" audit --follow --publish "$PUB" --count 1
    check "audit --follow with the wrong server key: exit 4, the reason" "$rc:$err" \
        "4:dbctl: audit: $PUB refused the connection: CURVE handshake failed: wrong --server-key, or the stream does not use CURVE?"
    # One refusal per refused client: a client with keys that tried once
    # without them (before its keys applied) would add one.
    check "dbd refused 4 connections, one per refused client" \
        "$(grep -c ' refused: ' "$d/dbd.log")" 4

    # With client rules in force, only a key whose [client] section has
    # admin audit may subscribe to the trail over CURVE.
    cp "$d/dbd.conf" "$d/dbd.conf.open"
    {
        cat "$d/dbd.conf.open"
        echo "[client ops]"
        echo "endpoint = ipc://$d/dbd.sock"
        echo "admin = *"
        echo "[client alice]"
        echo "read = sq.*"
    } > "$d/dbd.conf"
    run "$DBCTL" --endpoint "ipc://$d/dbd.sock" reload
    check "reload with [client] sections: exit 0" "$rc" 0
    run timeout 10 "$DBCTL" --endpoint "ipc://$d/dbd.sock" --key "$d/alice.key" \
        --server-key "$d/dbd.pub" audit --follow --publish "$PUB" --count 1
    check "audit --follow as alice without admin audit: exit 4, the reason" \
        "$rc:$err" \
        "4:dbctl: audit: $PUB refused the connection: dbd refused this client's key (not on its allow-list, or its [client] section lacks admin audit)"
    check "dbd logged why alice was refused" \
        "$(grep -c "refused: key \"alice\" may not read the audit trail (no admin audit in \[client alice\])" "$d/dbd.log")" 1
    echo "admin = audit" >> "$d/dbd.conf"
    run "$DBCTL" --endpoint "ipc://$d/dbd.sock" reload
    check "reload giving alice admin audit: exit 0" "$rc" 0
    check "audit --follow as alice with admin audit: exit 0, a record" \
        "$(follow_alice curve-reader)" "0:curve-reader"
fi

tap_end
