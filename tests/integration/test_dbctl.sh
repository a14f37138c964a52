#!/usr/bin/env bash
# test_dbctl.sh - every dbctl command against the fixture's dbd: table and
# --json output compared exactly, exit codes per status, usage errors.
# swap and reload run against a dbd of its own (started from DBD_BUILD in
# a temporary directory, stopped by its PID), so that the fixture's
# datasources stay as the other tests expect them.
# Prints TAP.  Its rows use keys starting "ctl:" and are removed at the end.
set -u

if [ -z "${DBD_ENDPOINT:-}" ] || [ -z "${DBD_BUILD:-}" ]; then
    echo "1..0 # SKIP DBD_ENDPOINT or DBD_BUILD is not set"
    exit 0
fi

# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
errf=$(mktemp)
own=        # the directory of our own dbd
OWN_PID=
# shellcheck disable=SC2317  # run by the EXIT trap
on_exit() {
    if [ -n "$OWN_PID" ] && kill -0 "$OWN_PID" 2>/dev/null; then
        kill -KILL "$OWN_PID" 2>/dev/null
        wait "$OWN_PID" 2>/dev/null
    fi
    [ -n "$own" ] && rm -rf "$own"
    rm -f "$errf"
}
trap on_exit EXIT
out=
err=
rc=

dbctl() { "$DBD_BUILD/tools/dbctl/dbctl" --endpoint "$DBD_ENDPOINT" "$@"; }

# run ARGS...: runs dbctl, keeps its stdout, stderr and exit code.
run() {
    out=$(dbctl "$@" 2>"$errf")
    rc=$?
    err=$(cat "$errf")
}

# run_in INPUT ARGS...: the same with INPUT on standard input.
run_in() {
    local input=$1
    shift
    out=$(printf '%s' "$input" | dbctl "$@" 2>"$errf")
    rc=$?
    err=$(cat "$errf")
}

# result pass|fail NAME [DIAGNOSTIC LINE...]
result() {
    local verdict=$1 name=$2
    shift 2
    if [ "$verdict" = pass ]; then ok "$name"; else not_ok "$name" "$@"; fi
}

# expect_rc WANT NAME
expect_rc() {
    if [ "$rc" = "$1" ]; then
        result pass "$2 (exit $1)"
    else
        result fail "$2 (exit $1)"
        diag "got exit $rc, want $1" "stderr: $err"
    fi
}

# expect_out WANT NAME: stdout, exactly
expect_out() {
    if [ "$out" = "$1" ]; then
        result pass "$2"
    else
        result fail "$2"
        diag "got:" "$out" "want:" "$1" "stderr: $err"
    fi
}

# expect_err WANT NAME: stderr, exactly
expect_err() {
    if [ "$err" = "$1" ]; then
        result pass "$2"
    else
        result fail "$2"
        diag "got:" "$err" "want:" "$1"
    fi
}

# expect_match REGEX NAME: stdout matches an extended regex
expect_match() {
    if printf '%s\n' "$out" | grep -Eq -- "$1"; then
        result pass "$2"
    else
        result fail "$2"
        diag "got:" "$out" "want a line matching: $1" "stderr: $err"
    fi
}

# expect_err_match REGEX NAME: stderr matches an extended regex
expect_err_match() {
    if printf '%s\n' "$err" | grep -Eq -- "$1"; then
        result pass "$2"
    else
        result fail "$2"
        diag "got:" "$err" "want a line matching: $1"
    fi
}

# cell TEXT KEY COLUMN: in the first table of TEXT (up to a blank line),
# the cell of column COLUMN in the row whose first cell is KEY.  Columns
# are cut where the dashes under the header are, so cells may hold blanks.
cell() {
    printf '%s\n' "$1" | awk -v key="$2" -v col="$3" '
        function trim(s) { sub(/ +$/, "", s); return s }
        NR == 1 { header = $0; next }
        NR == 2 {
            rest = $0; off = 0
            while (match(rest, /-+/)) {
                n++; start[n] = off + RSTART; len[n] = RLENGTH
                off += RSTART + RLENGTH - 1; rest = substr(rest, RSTART + RLENGTH)
            }
            for (i = 1; i <= n; i++)
                if (trim(substr(header, start[i], len[i] + 2)) == col) c = i
            next
        }
        /^$/ { exit }
        c && trim(substr($0, start[1], len[1])) == key {
            print trim(c == n ? substr($0, start[c]) : substr($0, start[c], len[c]))
        }'
}

# Last ids differ from run to run.
mask_ids() { out=$(printf '%s\n' "$out" | sed -E 's/last id [0-9]+/last id N/g; s/"last_id":[0-9]+/"last_id":N/g'); }

cleanup() {
    dbctl delete sq t_types 'k>=ctl:' 'k<ctl;' > /dev/null 2>&1
    dbctl delete tx t_types 'k>=ctl:' 'k<ctl;' > /dev/null 2>&1
}
cleanup

# --- admin commands -----------------------------------------------------------
run ping
expect_rc 0 "ping"
expect_match '^server +version +protocol_min +protocol_max$' "ping: header"
expect_match '^dbd +[0-9.]+ +1 +1$' "ping: row"
run ping sq
expect_rc 0 "ping sq"
expect_out "OK" "ping sq: output"
run --json ping sq
expect_out '{"status":"OK","code":0,"message":"success"}' "ping sq --json"

run datasources
expect_rc 0 "datasources"
check "datasources: sq up" "$(cell "$out" sq health)" up
check "datasources: dead down" "$(cell "$out" dead health)" down
check "datasources: sq's url" "$(cell "$out" sq url)" "sqlite://${DBD_TEST_DIR:-}/db.sqlite"
check "datasources: sq's mode" "$(cell "$out" sq mode)" failover
for ds in sq tx sqraw busy1 dead; do
    check "datasources: lists $ds" "$(cell "$out" "$ds" name)" "$ds"
done
# The hosts table follows the datasources table after a blank line.
hosts_part=$(printf '%s\n' "$out" | sed '1,/^$/d')
check "datasources: then the hosts" "$(cell "$hosts_part" sq state)" up
run --json datasources
expect_match '^\{"status":"OK","code":0,"message":"success","columns":\[\{"name":"name","type":"string"\}.*,"hosts":\{"status":"OK","code":0,"message":"success","columns":\[\{"name":"datasource","type":"string"\}.*\]\}\}$' \
    "datasources --json: one object, the hosts under \"hosts\""

run hosts
expect_rc 0 "hosts"
expect_match '^datasource +host +url +role +state +open +requests +errors +retried +last_error$' \
    "hosts: header"
check "hosts: sq is host 0" "$(cell "$out" sq host)" 0
check "hosts: sq's url" "$(cell "$out" sq url)" "sqlite://${DBD_TEST_DIR:-}/db.sqlite"
check "hosts: sq is a member" "$(cell "$out" sq role)" member
check "hosts: sq is up" "$(cell "$out" sq state)" up
check "hosts: dead is down" "$(cell "$out" dead state)" down
check "hosts: one row per single-host datasource" \
    "$(printf '%s\n' "$out" | grep -cE '^(sq|tx|sqraw|busy1|dead) ')" 5

run stats
expect_rc 0 "stats"
expect_match '^requests_total +[1-9][0-9]*$' "stats: requests_total"
expect_match '^ds\.sq\.requests +[0-9]+$' "stats: per datasource"

# --- writes and queries on both backends --------------------------------------
for ds in sq tx; do
    run insert $ds t_types k=ctl:a i:=1 d:=2.5 's=hello world' b:=x:00ff \
        dt:=@2026-01-02T03:04:05Z
    expect_rc 0 "$ds: insert"
    mask_ids
    expect_out "OK, 1 row affected, last id N" "$ds: insert output"
    run --json insert $ds t_types k=ctl:b i:=2 s:=null
    mask_ids
    expect_out '{"status":"OK","code":0,"message":"success","affected":1,"last_id":N}' \
        "$ds: insert --json"
    run insert $ds t_types k=ctl:c i:=3 d:=-0.125 s=z

    run query $ds t_types 'k>=ctl:' 'k<ctl;' --columns k,i,d,s,b,dt --order k
    expect_rc 0 "$ds: query"
    expect_out "k      i  d       s            b       dt
-----  -  ------  -----------  ------  --------------------
ctl:a  1  2.5     hello world  0x00ff  2026-01-02T03:04:05Z
ctl:b  2  NULL    NULL         NULL    NULL
ctl:c  3  -0.125  z            NULL    NULL
(3 rows)" "$ds: query table"

    run --json query $ds t_types 'k>=ctl:' 'k<ctl;' --columns k,i,b,dt \
        --order i:desc --limit 2 --offset 1
    expect_out '{"status":"OK","code":0,"message":"success","columns":[{"name":"k","type":"string"},{"name":"i","type":"int"},{"name":"b","type":"blob"},{"name":"dt","type":"datetime"}],"rows":[["ctl:b",2,null,null],["ctl:a",1,{"hex":"00ff"},{"datetime":"2026-01-02T03:04:05Z","usec":1767323045000000}]]}' \
        "$ds: query --json, order, limit, offset"

    run query $ds t_types 'k>=ctl:' 'k<ctl;' 'i:>=2' s:=null --columns k
    expect_out "k
-----
ctl:b
(1 row)" "$ds: typed conditions and := null"
    run query $ds t_types 'k~in=ctl:a,ctl:c' 's:!=null' 'i:&1' --columns k --order k
    expect_out "k
-----
ctl:a
ctl:c
(2 rows)" "$ds: ~in, !:=null, &"
    run query $ds t_types k=ctl:none
    expect_rc 0 "$ds: query without rows"
    expect_match '^\(0 rows\)$' "$ds: zero rows"

    run update $ds t_types --set i:=20 --set 's=new text' k=ctl:b
    expect_out "OK, 1 row affected" "$ds: update"
    run replace $ds t_types --key k k=ctl:b i:=21
    expect_rc 0 "$ds: replace existing"
    run replace $ds t_types --key k k=ctl:d i:=4
    expect_rc 0 "$ds: replace new"
    run query $ds t_types 'k>=ctl:b' 'k<ctl;' --columns k,i --order k
    expect_out "k      i
-----  --
ctl:b  21
ctl:c  3
ctl:d  4
(3 rows)" "$ds: update and replace read back"
    run delete $ds t_types 'k~in=ctl:c,ctl:d'
    expect_out "OK, 2 rows affected" "$ds: delete"
done

# --- batches -------------------------------------------------------------------
batch='# two inserts, an update, a query
insert t_types k=ctl:x i:=1 "s=two words"
insert t_types k=ctl:y i:=2

update t_types --set i:=3 k=ctl:y
query t_types k~in=ctl:x,ctl:y --columns k,i,s --order k
'
run_in "$batch" batch sq -
expect_rc 0 "batch"
mask_ids
expect_out "#1 insert: OK, 1 row affected, last id N
#2 insert: OK, 1 row affected, last id N
#3 update: OK, 1 row affected
#4 query:
k      i  s
-----  -  ---------
ctl:x  1  two words
ctl:y  3  NULL
(2 rows)" "batch output"

run_in 'insert t_types k=ctl:z
insert t_types k=ctl:x
' batch sq -
expect_rc 6 "atomic batch with a duplicate key: CONSTRAINT"
expect_match '^#1 insert: OK, 1 row affected, last id [0-9]+$' "failed batch: first op"
expect_match '^#2 insert: CONSTRAINT: .*UNIQUE constraint failed: t_types\.k' \
    "failed batch: second op"
expect_err_match '^dbctl: CONSTRAINT: .*rolled back' "failed batch: stderr"
run query sq t_types k=ctl:z
expect_match '^\(0 rows\)$' "failed atomic batch left nothing"

run_in 'insert t_types k=ctl:z
insert t_types k=ctl:x
' batch sq - --no-atomic
expect_rc 6 "non-atomic batch: exit is the first failure"
expect_err_match '^dbctl: CONSTRAINT: operation 2 of 2 \(insert\) failed: .*UNIQUE' \
    "non-atomic batch: stderr"
run query sq t_types k=ctl:z --columns k
expect_match '^ctl:z$' "non-atomic batch kept the good op"

run_in 'insert t_types k=ctl:q bad' batch sq -
expect_rc 65 "batch file with a bad line"
expect_err 'dbctl: <stdin>:1: insert: bad assignment "bad" (want COLUMN=TEXT or COLUMN:=LITERAL)' \
    "batch: bad line named"
run batch sq /nonexistent-dir/none
expect_rc 66 "batch file missing"

run insert sq t_types k=ctl:empty s=
run --json query sq t_types k=ctl:empty --columns s
expect_out '{"status":"OK","code":0,"message":"success","columns":[{"name":"s","type":"string"}],"rows":[[""]]}' \
    "empty string stays a string"

# --- raw ------------------------------------------------------------------------
run raw sqraw 'SELECT ?1 + ?2 AS n, ?3 AS s, ?4 AS z' :2 :3 x :null
expect_out "n  s  z
-  -  ----
5  x  NULL
(1 row)" "raw with parameters"
run raw sqraw "INSERT INTO t_types (k, s) VALUES ('ctl:esc', 'a' || char(0) || 'b' || char(10) || char(1) || '\"\\')"
expect_rc 0 "raw insert"
run query sq t_types k=ctl:esc --columns s
expect_out 's
-------------
a\0b\n\x01"\\
(1 row)' "table escapes control characters"
run --json query sq t_types k=ctl:esc --columns s
expect_out '{"status":"OK","code":0,"message":"success","columns":[{"name":"s","type":"string"}],"rows":[["a\u0000b\n\u0001\"\\"]]}' \
    "JSON escapes NUL and control characters"

# --- statuses as exit codes ---------------------------------------------------
run query nosuchds t_types
expect_rc 1 "unknown datasource: NOTFOUND"
expect_err 'dbctl: NOTFOUND: no such datasource "nosuchds"' "NOTFOUND on stderr"
run --json query nosuchds t_types
expect_out '{"status":"NOTFOUND","code":1,"message":"no such datasource \"nosuchds\""}' \
    "NOTFOUND as JSON"
run query sq t_types 1bad=x
expect_rc 2 "bad identifier: BAD"
run raw sq 'SELECT 1'
expect_rc 3 "raw on sq: DENY"
run query dead t_types
expect_rc 4 "dead datasource: UNAVAILABLE"
run --endpoint "ipc://${DBD_TEST_DIR:-/nonexistent-dir}/nobody.sock" ping
expect_rc 4 "no daemon: UNAVAILABLE"
run insert sq t_types k=ctl:a
expect_rc 6 "duplicate key: CONSTRAINT"

# --- usage errors --------------------------------------------------------------
run
expect_rc 64 "no command"
run frobnicate
expect_rc 64 "unknown command"
run query sq
expect_rc 64 "query without table"
run delete sq t_types
expect_rc 64 "delete without conditions or --all"
expect_err 'dbctl: delete: refusing to delete every row: give conditions, or --all
(see "dbctl help delete")' "delete refusal explained"
run update sq t_types k=ctl:a
expect_rc 64 "update without --set"
run query sq t_types i:=abc
expect_rc 64 "bad literal"
run query sq t_types --limit -1
expect_rc 64 "bad --limit"
run --timeout x ping
expect_rc 64 "bad --timeout"
run help query
expect_rc 0 "help query"
expect_match '^usage: dbctl query DS TABLE' "help query text"
run --help
expect_match '^usage: dbctl ' "--help text"

# --- swap and reload, on a dbd of our own ---------------------------------------
# Three SQLite files: a and b hold table t (v = 1 and 2), c lacks it.
own=$(mktemp -d "${TMPDIR:-/tmp}/dbd-ctl.XXXXXX")
OWN="ipc://$own/dbd.sock"
for f in a:1 b:2; do
    sqlite3 "$own/${f%:*}.sqlite" "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER);
        INSERT INTO t VALUES ('which', ${f#*:});"
done
sqlite3 "$own/c.sqlite" "CREATE TABLE other (k TEXT)"
mkdir -p "$own/connectors"
chmod 755 "$own/connectors"
for so in "$DBD_BUILD"/connectors/*/.libs/*.so; do
    [ -e "$so" ] && install -m 644 "$so" "$own/connectors/"
done
own_conf() {
    cat <<CONF
[dbd]
endpoint = $OWN
connector_dir = $own/connectors

[datasource sw]
url = sqlite://$own/a.sqlite
pool = 1

[datasource keep]
url = sqlite://$own/a.sqlite
pool = 1

[datasource $1]
url = sqlite://$own/a.sqlite
pool = $2
CONF
}
own_conf edit 1 > "$own/dbd.conf"
printf '\n[datasource gone]\nurl = sqlite://%s/a.sqlite\n' "$own" >> "$own/dbd.conf"
"$DBD_BUILD/dbd/dbd" -c "$own/dbd.conf" > "$own/dbd.log" 2>&1 &
OWN_PID=$!
up=no
for _ in $(seq 1 100); do
    if dbctl --endpoint "$OWN" --timeout 500 ping > /dev/null 2>&1; then up=yes; break; fi
    kill -0 "$OWN_PID" 2>/dev/null || break
    sleep 0.1
done
check "our own dbd starts" "$up" yes

# reload: gone removed, new added, edit changed (pool), sw and keep not.
{ own_conf edit 2; printf '\n[datasource new]\nurl = sqlite://%s/b.sqlite\n' "$own"; } > "$own/dbd.conf"
run --endpoint "$OWN" reload
expect_rc 0 "reload"
check "reload: sw unchanged" "$(cell "$out" sw action)" unchanged
check "reload: keep unchanged" "$(cell "$out" keep action)" unchanged
check "reload: edit changed" "$(cell "$out" edit action)" changed
check "reload: new added" "$(cell "$out" new action)" added
check "reload: gone removed" "$(cell "$out" gone action)" removed
expect_match '^\(5 rows\)$' "reload: one row per datasource"
run --endpoint "$OWN" query new t --columns v
expect_out "v
-
2
(1 row)" "reload: the added datasource serves"
run --endpoint "$OWN" query gone t
expect_rc 1 "reload: the removed one is gone"

# A file with an error changes nothing.
cp "$own/dbd.conf" "$own/good.conf"
printf '\n[datasource bad]\nurl = sqlite://%s/a.sqlite\nfrobnicate = 1\n' "$own" >> "$own/dbd.conf"
line=$(grep -n '^frobnicate' "$own/dbd.conf" | cut -d: -f1)
run --endpoint "$OWN" reload
expect_rc 8 "reload of a bad file: CONFIG"
expect_err_match "^dbctl: CONFIG: .*$own/dbd\.conf:$line: unknown key \"frobnicate\"" \
    "... naming the file, line and key"
run --endpoint "$OWN" datasources
check "... and nothing changed" "$(cell "$out" bad name)$(cell "$out" new name)" new
cp "$own/good.conf" "$own/dbd.conf"

# swap: sw moves from a to b once b is checked.
run --endpoint "$OWN" query sw t --columns v
expect_match '^1$' "swap: sw serves a"
run --endpoint "$OWN" swap sw "sqlite://$own/b.sqlite"
expect_rc 0 "swap sw to b"
check "swap: the new url" "$(cell "$out" sw url)" "sqlite://$own/b.sqlite"
check "swap: the previous url" "$(cell "$out" sw previous_url)" "sqlite://$own/a.sqlite"
run --endpoint "$OWN" query sw t --columns v
expect_match '^2$' "swap: sw serves b"
run --endpoint "$OWN" swap sw "sqlite://$own/c.sqlite"
expect_rc 1 "swap to a backend without table t: NOTFOUND"
run --endpoint "$OWN" swap sw "sqlite:///nonexistent-dir/x.sqlite"
expect_rc 4 "swap to a backend that cannot be opened: UNAVAILABLE"
run --endpoint "$OWN" swap sw "nosuch://x"
expect_rc 8 "swap to a URL without connector: CONFIG"
run --endpoint "$OWN" query sw t --columns v
expect_match '^2$' "failed swaps left sw on b"
run --endpoint "$OWN" swap nosuchds "sqlite://$own/b.sqlite"
expect_rc 1 "swap of an unknown datasource: NOTFOUND"
run --endpoint "$OWN" swap sw
expect_rc 64 "swap without URL"
run --endpoint "$OWN" swap sw "sqlite://$own/b.sqlite" --mode sideways
expect_rc 64 "swap with an unknown mode"

run --endpoint "$OWN" swap sw "sqlite://$own/a.sqlite" "sqlite://$own/b.sqlite" --mode round-robin
expect_rc 0 "swap to two hosts, round-robin"
run --endpoint "$OWN" datasources
check "... datasources shows both urls" "$(cell "$out" sw url)" "sqlite://$own/a.sqlite sqlite://$own/b.sqlite"
check "... and the mode" "$(cell "$out" sw mode)" round-robin
run --endpoint "$OWN" hosts
check "... hosts has a row for each" "$(printf '%s\n' "$out" | awk '$1 == "sw" { printf "%s ", $2 }')" "0 1 "
run --endpoint "$OWN" --json swap sw "sqlite://$own/b.sqlite" --mode failover
expect_out "{\"status\":\"OK\",\"code\":0,\"message\":\"success\",\"columns\":[{\"name\":\"datasource\",\"type\":\"string\"},{\"name\":\"url\",\"type\":\"string\"},{\"name\":\"previous_url\",\"type\":\"string\"}],\"rows\":[[\"sw\",\"sqlite://$own/b.sqlite\",\"sqlite://$own/a.sqlite sqlite://$own/b.sqlite\"]]}" \
    "swap --json"

kill -TERM "$OWN_PID"
for _ in $(seq 1 100); do
    kill -0 "$OWN_PID" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$OWN_PID" 2>/dev/null; then
    not_ok "our own dbd exits after SIGTERM" "still running after 10 s"
else
    wait "$OWN_PID"
    check "our own dbd exits 0 after SIGTERM" "$?" 0
fi
OWN_PID=
if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$own/dbd.log"; then
    not_ok "our own dbd: no sanitizer report" "$(grep -E -A5 'Sanitizer|runtime error' "$own/dbd.log" | head -20)"
else
    ok "our own dbd: no sanitizer report"
fi

cleanup
run query sq t_types 'k>=ctl:' 'k<ctl;'
expect_match '^\(0 rows\)$' "cleaned up sq"
run query tx t_types 'k>=ctl:' 'k<ctl;'
expect_match '^\(0 rows\)$' "cleaned up tx"

tap_end
