#!/usr/bin/env bash
# test_audit_verify.sh - "dbctl audit verify" on audit trail files sealed
# here (the chain of dbd/audit_chain.h, computed with sha256sum): intact
# files, a changed byte, a removed, an inserted and a cut-short record, a
# file missing from the sequence, --start, and unreadable files.  Needs no
# daemon.  Prints TAP.
set -u

if [ -z "${DBD_BUILD:-}" ]; then
    echo "1..0 # SKIP DBD_BUILD is not set"
    exit 0
fi

# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
zeros=0000000000000000000000000000000000000000000000000000000000000000
out=
rc=

# run ARGS...: dbctl's stdout and stderr together, and its exit code.
run() {
    out=$("$DBD_BUILD/tools/dbctl/dbctl" "$@" 2>&1)
    rc=$?
}

# seal PREV BODY: prints the sealed line of BODY (a record up to where
# ,"prev" goes) after the record whose hash is PREV: the hash is SHA-256
# of PREV's 32 raw bytes and the line up to the closing quote of prev.
seal() {
    local head="$2,\"prev\":\"$1\"" hash
    hash=$({ printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')"
             printf '%s' "$head"; } | sha256sum)
    printf '%s,"hash":"%s"}\n' "$head" "${hash:0:64}"
}

# last_hash FILE: the hash of the file's last record.
last_hash() { tail -n 1 "$1" | sed 's/.*"hash":"\([0-9a-f]*\)"}$/\1/'; }

# trail FILE PREV FIRST N: N records with seq FIRST.. following PREV.
trail() {
    local file=$1 prev=$2 seq=$3 n=$4 i
    : > "$file"
    for ((i = 0; i < n; i++, seq++)); do
        seal "$prev" "{\"ts\":\"2026-11-26T17:52:0$((i % 10)).000123Z\",\"seq\":$seq,\"client\":\"ipc:///run/dbd/dbd.sock#00800000$seq\",\"name\":\"sip w$i\",\"ds\":\"sq\",\"host\":0,\"op\":\"query\",\"table\":\"subscriber\",\"cols\":[\"username\"],\"values\":{\"username\":\"u$seq\"},\"status\":\"OK\",\"rows\":1,\"latency_us\":12$i,\"id\":$seq" >> "$file"
        prev=$(last_hash "$file")
    done
}

# expect RC FIRST-LINE NAME: the exit code and the output's first line.
expect() {
    if [ "$rc" = "$1" ] && [ "${out%%$'\n'*}" = "$2" ]; then
        ok "$3"
    else
        not_ok "$3" "got exit $rc, output:" "$out" "want exit $1, first line: $2"
    fi
}

# expect_prefix RC PREFIX NAME: the same, the first line starting PREFIX.
expect_prefix() {
    local first=${out%%$'\n'*}
    if [ "$rc" = "$1" ] && [ "${first:0:${#2}}" = "$2" ]; then
        ok "$3"
    else
        not_ok "$3" "got exit $rc, output:" "$out" "want exit $1, first line starting: $2"
    fi
}

a=$dir/audit.log.1
b=$dir/audit.log.2
c=$dir/audit.log
trail "$a" "$zeros" 1 6
trail "$b" "$(last_hash "$a")" 7 4
trail "$c" "$(last_hash "$b")" 11 3
ha=$(last_hash "$a")
hb=$(last_hash "$b")
hc=$(last_hash "$c")
check "the generator made 13 lines" "$(cat "$a" "$b" "$c" | wc -l)" 13

run audit verify "$a" "$b" "$c"
expect 0 "OK: 13 records in 3 files; last hash $hc" "three intact files"
run audit verify "$a"
expect 0 "OK: 6 records in 1 file; last hash $ha" "one intact file"
run audit verify --start "$zeros" "$a" "$b"
expect 0 "OK: 10 records in 2 files; last hash $hb" "--start of zeros"

# A later file alone: its first prev is taken, and dbctl says so.
run audit verify "$b" "$c"
expect 0 "$b continues an earlier file whose last hash was $ha; check it against that file" \
    "a later file names the hash it continues"
check "... and then verifies from there" "$(printf '%s\n' "$out" | sed -n 2p)" \
    "OK: 7 records in 2 files; last hash $hc"
run audit verify --start "$ha" "$b"
expect 0 "OK: 4 records in 1 file; last hash $hb" "--start the last hash of the file before"
run audit verify --start "${ha^^}" "$b"
expect 0 "OK: 4 records in 1 file; last hash $hb" "--start in upper case"
run audit verify --start "$hb" "$b"
expect_prefix 1 "$b:1: BROKEN_LINK: " "--start that is not the last hash before"
run audit verify --start "$ha" "$a"
expect_prefix 1 "$a:1: BROKEN_LINK: " "--start on the first file of a trail"

# One byte of line 5 changed (seq 5 -> 6).
sed '5s/"seq":5,/"seq":6,/' "$a" > "$dir/altered"
run audit verify "$dir/altered" "$b"
expect_prefix 1 "$dir/altered:5: ALTERED: " "a changed byte in line 5"
check "... explained, with the good records before it" "$(printf '%s\n' "$out" | sed -n 2p)" \
    "meaning: this record was changed after it was written: its hash does not match its bytes (4 records before it are good)"
# A changed hash is a change too.
sed '2s/"hash":"./"hash":"x/' "$a" > "$dir/badhex"
run audit verify "$dir/badhex"
expect_prefix 1 "$dir/badhex:2: MALFORMED: " "a hash that is not hex"

sed 3d "$a" > "$dir/removed"
run audit verify "$dir/removed" "$b"
expect_prefix 1 "$dir/removed:3: BROKEN_LINK: " "line 3 removed"
sed 1d "$a" > "$dir/nofirst"
run audit verify --start "$zeros" "$dir/nofirst"
expect_prefix 1 "$dir/nofirst:1: BROKEN_LINK: " "the first record removed (--start zeros)"

# An intact record (line 2) copied in as line 5, and a record sealed
# after line 4 inserted as line 5 (then line 6 no longer follows).
sed '4r /dev/stdin' "$a" < <(sed -n 2p "$a") > "$dir/copied"
run audit verify "$dir/copied"
expect_prefix 1 "$dir/copied:5: BROKEN_LINK: " "a record copied in as line 5"
sed '4r /dev/stdin' "$a" < <(seal "$(sed -n 4p "$a" | sed 's/.*"hash":"\([0-9a-f]*\)"}$/\1/')" '{"ts":"x","seq":99,"client":"forger","op":"delete","status":"OK","latency_us":1,"id":1') > "$dir/forged"
run audit verify "$dir/forged"
expect_prefix 1 "$dir/forged:6: BROKEN_LINK: " "a record forged after line 4: the next line breaks"
check "... with 5 good records before it" "$(printf '%s\n' "$out" | sed -n 2p | sed 's/.*(\(.*\))$/\1/')" \
    "5 records before it are good"

run audit verify "$a" "$c"
expect_prefix 1 "$c:1: BROKEN_LINK: " "a file missing from the sequence"
run audit verify "$a" "$c" "$b"
expect_prefix 1 "$c:1: BROKEN_LINK: " "files out of order"

head -c -20 "$a" > "$dir/cut"
run audit verify "$dir/cut"
expect_prefix 1 "$dir/cut:6: MALFORMED: " "a last record cut short"
: > "$dir/empty"
run audit verify "$dir/empty" "$a"
expect 0 "OK: 6 records in 2 files; last hash $ha" "an empty file in front"

run audit verify "$a" "$dir/nosuch"
expect_prefix 2 "dbctl: audit verify: $dir/nosuch: cannot open: " "a file that does not exist"
run audit verify
expect_prefix 64 "dbctl: audit: verify wants FILE..." "no file"
run audit verify --start abc "$a"
expect_prefix 64 "dbctl: audit: --start wants 64 hex digits" "--start too short"
run audit verify --start "${zeros:1}g" "$a"
expect_prefix 64 "dbctl: audit: --start wants 64 hex digits" "--start not hex"
run audit verify --bogus "$a"
expect_prefix 64 "dbctl: audit: verify: no option \"--bogus\"" "an unknown option"
run audit bogus
expect_prefix 64 "dbctl: audit: unexpected argument \"bogus\"" "an unknown form of audit"
run audit --follow --count 0 --publish tcp://127.0.0.1:1
expect_prefix 64 "dbctl: audit: --count wants a positive number, not \"0\"" "--follow --count 0"
run audit --follow --table
expect_prefix 64 "dbctl: audit: --table needs a value" "--follow --table without a value"

tap_end
