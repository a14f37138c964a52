#!/usr/bin/env bash
# test_privdrop.sh - running as an unprivileged user, and the file checks
# that go with it.  dbd started as root with user = nobody, group =
# nogroup: every one of its threads runs as nobody:nogroup with no other
# group, it serves queries and writes, its ipc sockets (requests and the
# audit stream) have the configured mode, owner and group, its audit file
# is nobody's and is reopened on SIGUSR1, a reload loads a replaced
# connector module, and the socket is gone after SIGTERM.  An ipc socket in a directory others can write
# (mode 0777 or 1777) stops dbd with exit code 78 and says why; so does a
# user it cannot switch to.  A connector module that is group-writable,
# or owned by another user, is refused with a clear message and its
# datasource answers CONFIG.  sipproxy with user = nobody runs its master
# and its workers as nobody and still registers users through dbd.
# Needs root (skipped otherwise), DBD_BUILD and DBD_SRC.  Prints TAP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/owndbd.sh
. "$here/../lib/owndbd.sh"
# shellcheck source=tests/lib/sipproxy.sh
. "$here/../lib/sipproxy.sh"

: "${DBD_BUILD:?DBD_BUILD is not set}"
: "${DBD_SRC:?DBD_SRC is not set}"
if [ "$(id -u)" != 0 ]; then
    echo "1..0 # SKIP not root"
    exit 0
fi
for name in nobody:passwd daemon:passwd nogroup:group daemon:group; do
    if ! getent "${name#*:}" "${name%%:*}" > /dev/null; then
        echo "1..0 # SKIP no ${name#*:} entry ${name%%:*}"
        exit 0
    fi
done
NOBODY_UID=$(id -u nobody)
NOGROUP_GID=$(getent group nogroup | cut -d: -f3)

DBD=$DBD_BUILD/dbd/dbd
DBCTL=$DBD_BUILD/tools/dbctl/dbctl
work=$(mktemp -d "${TMPDIR:-/tmp}/test_privdrop.XXXXXX") || exit 1
# nobody must be able to walk down to its own directories.
chmod 755 "$work"
DBD_PID=

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    sipproxy_stop > /dev/null 2>&1
    owndbd_kill "$DBD_PID"
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

dbctl_at() { "$DBCTL" --endpoint "ipc://$1/dbd.sock" --timeout 5000 "${@:2}"; }

# ids_of PID: the distinct "Uid: ... / Gid: ... / Groups: ..." lines of
# every thread of PID, one line per distinct triple.
ids_of() {
    local st
    for st in /proc/"$1"/task/*/status; do
        awk '/^(Uid|Gid|Groups):/ { $1 = $1; printf "%s / ", $0 } END { print "" }' "$st"
    done | sort -u
}
want_ids="Uid: $NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID / Gid: $NOGROUP_GID $NOGROUP_GID $NOGROUP_GID $NOGROUP_GID / Groups: $NOGROUP_GID / "

# --- dbd as nobody -------------------------------------------------------
d=$work/dbd
mkdir -p "$d/audit"
fixture_connectors "$d/connectors" sqlite
"$DBD_SRC/tools/dbd-schema" sqlite "$d/db.sqlite" > /dev/null || exit 1
{
    fixture_dbd_section "$d" 5000
    cat << CONF
user = nobody
group = nogroup
ipc_group = daemon
ipc_mode = 0660

[audit]
file = $d/audit/audit.log
publish = ipc://$d/audit.sock

[datasource sq]
url = sqlite://$d/db.sqlite
pool = 3
CONF
} > "$d/dbd.conf"
# What dbd writes after the switch belongs to nobody; the modules stay
# root's (dbd loads them as root, and refuses ones others own).
chown nobody:nogroup "$d" "$d/audit" "$d/db.sqlite"
chmod 755 "$d"
owndbd_start "$d" "dbd started as root with user = nobody answers a ping" sq
check_grep "it says whom it runs as" "$d/dbd.log" "running as nobody:nogroup"
nthreads=$(find /proc/"$DBD_PID"/task -mindepth 1 -maxdepth 1 | wc -l)
check "dbd has its front end, ZeroMQ, audit and 3 worker threads (at least 6)" \
    "$([ "$nthreads" -ge 6 ] && echo yes || echo "no: $nthreads")" yes
check "every thread runs as nobody:nogroup, no other group" "$(ids_of "$DBD_PID")" "$want_ids"
check "an insert works (the database belongs to nobody)" \
    "$(dbctl_at "$d" insert sq subscriber username=pd1 domain=priv.test password=x 2>&1 |
        head -1)" "OK, 1 row affected, last id 1"
check "the row reads back" \
    "$(dbctl_at "$d" query sq subscriber domain=priv.test --columns username 2>&1 |
        sed -n 3p | tr -d ' ')" "pd1"
check "request socket: mode 0660, owner nobody, group daemon (ipc_*)" \
    "$(stat -c '%a %U %G' "$d/dbd.sock")" "660 nobody daemon"
check "audit socket: the same" "$(stat -c '%a %U %G' "$d/audit.sock")" "660 nobody daemon"
check "uid nobody may connect (owner)" \
    "$(setpriv --reuid nobody --regid nogroup --clear-groups "$DBCTL" \
        --endpoint "ipc://$d/dbd.sock" --timeout 2000 ping sq 2>&1)" "OK"
out=$(setpriv --reuid daemon --regid nogroup --clear-groups "$DBCTL" \
    --endpoint "ipc://$d/dbd.sock" --timeout 1000 ping sq 2>&1)
check "a user neither owner nor in group daemon may not" \
    "$([ "$out" != OK ] && echo refused || echo "$out")" refused
out=$(setpriv --reuid daemon --regid daemon --clear-groups "$DBCTL" \
    --endpoint "ipc://$d/dbd.sock" --timeout 2000 ping sq 2>&1)
check "a client in group daemon may" "$out" "OK"

# A module replaced on disk is loaded by nobody for a datasource a reload
# adds (through /proc/self/fd, which the process may still open).
install -m 644 "$d/connectors/sqlite.so" "$d/connectors/sqlite.so.new"
mv "$d/connectors/sqlite.so.new" "$d/connectors/sqlite.so"
printf '\n[datasource sq2]\nurl = sqlite://%s/db.sqlite\npool = 1\n' "$d" >> "$d/dbd.conf"
check "as nobody, dbd reloads its configuration (a datasource added)" \
    "$(dbctl_at "$d" reload 2>&1 | awk '$1 == "sq2" { print $2 }')" added
check_grep "loading the replaced connector module" "$d/dbd.log" \
    "connector sqlite changed on disk; loading the new file"
check "and the new datasource serves the data" \
    "$(dbctl_at "$d" query sq2 subscriber domain=priv.test --columns username 2>&1 |
        sed -n 3p | tr -d ' ')" "pd1"

# --- sipproxy as nobody, against that dbd -------------------------------
if [ -x "$SIPPROXY_BIN" ] && command -v perl > /dev/null; then
    sp_ok=yes
    sipproxy_start "$work/sp" "ipc://$d/dbd.sock" sq proxy.user=nobody \
        proxy.group=nogroup || sp_ok=no
    check "sipproxy with user = nobody answers OPTIONS" "$sp_ok" yes
    check_grep "sipproxy says whom it runs as" "$SIPPROXY_LOG" "running as nobody:nogroup"
    check "the master runs as nobody:nogroup" "$(ids_of "$SIPPROXY_PID")" "$want_ids"
    workers=$(cat /proc/"$SIPPROXY_PID"/task/*/children 2> /dev/null | wc -w)
    check "it has its 2 workers" "$workers" 2
    wids=$(cat /proc/"$SIPPROXY_PID"/task/*/children | tr ' ' '\n' |
        while read -r w; do [ -z "$w" ] || ids_of "$w"; done | sort -u)
    check "every thread of every worker runs as nobody:nogroup" "$wids" "$want_ids"
    dbctl_at "$d" replace sq subscriber --key username,domain username=alice \
        domain="$SIP_DOMAIN" password=secret \
        ha1="$(md5hex "alice:$SIP_DOMAIN:secret")" \
        ha1b="$(md5hex "alice@$SIP_DOMAIN:$SIP_DOMAIN:secret")" > /dev/null
    out=$(sip_register alice secret "cid-priv-1" 1 \
        "Contact: <sip:alice@127.0.0.1:5999>" "Expires: 600")
    check "a worker registers alice through dbd (200)" "$(sip_code <<< "$out")" 200
    # Not in $(...): the proxy is a child of this shell, not of a subshell.
    sipproxy_stop
    check "sipproxy stops cleanly on SIGTERM" "$?" 0
else
    ok "sipproxy as nobody # SKIP sipproxy is not built or perl is missing"
fi

check "the audit file root made belongs to nobody" "$(stat -c '%U:%G' "$d/audit/audit.log")" \
    "nobody:nogroup"
mv "$d/audit/audit.log" "$d/audit/audit.log.1"
kill -USR1 "$DBD_PID"
for _ in $(seq 1 50); do
    grep -q 'audit.log reopened' "$d/dbd.log" && break
    sleep 0.1
done
check_grep "as nobody, dbd reopens its audit file on SIGUSR1" "$d/dbd.log" \
    "audit: $d/audit/audit.log reopened"
check "the new file is nobody's" "$(stat -c '%U' "$d/audit/audit.log" 2>&1)" nobody

kill -TERM "$DBD_PID"
wait "$DBD_PID"
check "dbd as nobody exits 0 on SIGTERM" "$?" 0
DBD_PID=
check "it removed its request socket (its directory is nobody's)" \
    "$([ -e "$d/dbd.sock" ] && echo left || echo removed)" removed
check "its log has no sanitizer report" \
    "$(grep -c 'Sanitizer\|runtime error' "$d/dbd.log")" 0

# --- ipc socket directory writable by others ----------------------------
# run_dbd CONF: runs dbd that is expected to stop at start-up; prints its
# exit status (124 when it had to be killed).
run_dbd() {
    timeout 10 "$DBD" -c "$1" > "${1%.conf}.log" 2>&1
    echo "$?"
}
for mode in 0777 1777; do
    o=$work/open$mode
    mkdir -p "$o"
    chmod "$mode" "$o"
    {
        fixture_dbd_section "$d"
        echo "[datasource sq]"
        echo "url = sqlite://$d/db.sqlite"
    } | sed "s|^endpoint = .*|endpoint = ipc://$o/dbd.sock|" > "$work/open$mode.conf"
    check "socket directory of mode $mode: dbd exits 78" "$(run_dbd "$work/open$mode.conf")" 78
    check_grep "and says why" "$work/open$mode.log" \
        "ipc socket directory $o is writable by others; use a directory only dbd (and its clients' group) can write"
    check "no socket was made there" "$(find "$o" -mindepth 1 | wc -l)" 0
done
# The audit stream's socket is held to the same rule.
sed "s|^publish = .*|publish = ipc://$work/open0777/audit.sock|" "$d/dbd.conf" > "$work/apub.conf"
check "audit publish socket in a directory of mode 0777: exit 78" "$(run_dbd "$work/apub.conf")" 78
check_grep "and says why" "$work/apub.log" "ipc socket directory $work/open0777 is writable by others"
# A user to run as that does not exist, and a switch without root.
sed "s|^user = nobody|user = no-such-user-xyz|" "$d/dbd.conf" > "$work/nouser.conf"
check "an unknown user: exit 78" "$(run_dbd "$work/nouser.conf")" 78
check_grep "and says which" "$work/nouser.log" "user no-such-user-xyz: no such user"
sed "s|^user = nobody|user = daemon|" "$d/dbd.conf" > "$work/notroot.conf"
chmod 644 "$work/notroot.conf"
out=$(cd / && timeout 10 setpriv --reuid nobody --regid nogroup --clear-groups \
    "$DBD" -c "$work/notroot.conf" 2>&1)
check "started as nobody with user = daemon: exit 78" "$?" 78
check_grep "and says that only root can switch" <(printf '%s\n' "$out") \
    "only root can switch to another user"

# --- connector modules: group-writable, foreign owner -------------------
m=$work/mod
mkdir -p "$m"
fixture_connectors "$m/connectors" sqlite text
chmod g+w "$m/connectors/sqlite.so"
chown nobody "$m/connectors/text.so"
"$DBD_SRC/tools/dbd-schema" text "$m/text" > /dev/null || exit 1
{
    fixture_dbd_section "$m"
    cat << CONF

[datasource sq]
url = sqlite://$m/db.sqlite

[datasource tx]
url = text://$m/text
CONF
} > "$m/dbd.conf"
owndbd_start "$m" "dbd starts with bad connector modules"
out=$(dbctl_at "$m" query sq subscriber 2>&1)
check "a group-writable module: its datasource answers CONFIG" "$(cut -d: -f1-2 <<< "$out")" "dbctl: CONFIG"
check "with a clear message" \
    "$([[ $out == *"$m/connectors/sqlite.so: refusing: writable by group or others (mode 0664)"* ]] &&
        echo yes || echo "$out")" yes
check_grep "dbd logs it" "$m/dbd.log" "sqlite.so: refusing: writable by group or others (mode 0664)"
out=$(dbctl_at "$m" query tx subscriber 2>&1)
check "a module owned by another user: CONFIG" "$(cut -d: -f1-2 <<< "$out")" "dbctl: CONFIG"
check "with a clear message" \
    "$([[ $out == *"$m/connectors/text.so: refusing: owned by uid $NOBODY_UID, neither root nor the user dbd runs as"* ]] &&
        echo yes || echo "$out")" yes

tap_end
