#!/usr/bin/env bash
# test_dbd_schema.sh - tools/dbd-schema against the servers tests/run
# started (MariaDB, PostgreSQL, slapd) and Berkeley DB directories: each
# backend is set up twice or more (the later runs must change nothing: the
# tables, counters and entries are compared before and after), the tables
# and columns are read back with the backend's own client (for bdb through
# a dbd of its own), bad URLs fail with status 64 and a message naming the
# fault, and no password reaches a command line: the clients dbd-schema
# runs are wrappers that record their arguments and the mode of the
# password files handed to them.  A backend whose server is missing is
# skipped.  Prints TAP.  Needs DBD_SRC and DBD_BUILD, and the variables of
# tests/lib/servers.sh, ldap.sh and bdb.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=tests/lib/servers.sh
. "$here/../lib/servers.sh"
# shellcheck source=tests/lib/ldap.sh
. "$here/../lib/ldap.sh"
src=${DBD_SRC:-$(cd "$here/../.." && pwd)}
tool=$src/tools/dbd-schema
tables="dr_gateways dr_rules location subscriber version"

skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $1"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dbd-schema-test.XXXXXX") || exit 1
umask 077  # the password files
cleanup_steps=()
cleanup() {
    local step
    for step in "${cleanup_steps[@]}"; do eval "$step" > /dev/null 2>&1; done
    servers_stop
    rm -rf "$tmp"
}
trap cleanup EXIT

# --- the clients, wrapped -----------------------------------------------------
# Each wrapper records one "call NAME" line, one "arg ..." line per
# argument, "file MODE PATH" for a --defaults-file or -y file, and whether
# PGPASSWORD is set, then runs the real client.
wrapdir=$tmp/bin
argv_log=$tmp/argv.log
mkdir -p "$wrapdir"
for client in mariadb mysql psql ldapadd ldapsearch; do
    cat > "$wrapdir/$client" <<'WRAP'
#!/usr/bin/env bash
{
    printf 'call %s\n' "${0##*/}"
    printf 'arg %s\n' "$@"
    prev=
    for a in "$@"; do
        case $a in --defaults-file=*) f=${a#--defaults-file=} ;; *) f= ;; esac
        [ "$prev" != -y ] || f=$a
        [ -z "$f" ] || printf 'file %s %s\n' "$(stat -c %a "$f" 2>&1)" "$f"
        prev=$a
    done
    printf 'env PGPASSWORD=%s\n' "${PGPASSWORD:+set}"
} >> "$SCHEMA_TEST_ARGV_LOG"
PATH=$SCHEMA_TEST_PATH exec "${0##*/}" "$@"
WRAP
    chmod 755 "$wrapdir/$client"
done
export SCHEMA_TEST_ARGV_LOG=$argv_log SCHEMA_TEST_PATH=$PATH

# run ARGS...: dbd-schema with the wrapped clients; keeps rc, out and err.
rc=0 out='' err=''
run() {
    PATH="$wrapdir:$PATH" "$tool" "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}

# check_run NAME RC ERR: the last run ended with status RC and printed
# exactly ERR on stderr.
check_run() {
    if [ "$rc" = "$2" ] && [ "$err" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1" "got status $rc, stderr '$err'" "want status $2, stderr '$3'"
    fi
}

# check_argv NAME SECRET...: since the log was last cleared, the clients
# were called, no argument held a SECRET, every password file had mode
# 600 and is gone now.
check_argv() {
    local name=$1 s bad=''
    shift
    grep -q '^call ' "$argv_log" 2> /dev/null || bad="no client was called"
    for s in "$@"; do
        if grep '^arg ' "$argv_log" | grep -qF -- "$s"; then bad+=" a password is on a command line;"; fi
    done
    if grep '^file ' "$argv_log" | grep -qv '^file 600 '; then bad+=" $(grep '^file ' "$argv_log" | grep -v '^file 600 ' | head -1);"; fi
    while read -r _ _ f; do
        [ ! -e "$f" ] || bad+=" $f is left behind;"
    done < <(grep '^file ' "$argv_log")
    if [ -z "$bad" ]; then ok "$name"; else not_ok "$name" "$bad" "$(head -c 2000 "$argv_log")"; fi
}

# urlenc TEXT: TEXT with everything but letters, digits and -._~ as %XX.
urlenc() {
    local LC_ALL=C s=$1 i c enc=''
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9._~-]) enc+=$c ;;
            *) printf -v c '%%%02X' "'$c"; enc+=$c ;;
        esac
    done
    printf '%s' "$enc"
}

# The Kamailio tables' columns in order: NAME KIND, KIND u unsigned int, i
# int, sN string of N characters, d datetime, f float; "!" is NOT NULL.
columns_spec() {
    case $1 in
        version) echo "id u! table_name s32! table_version u!" ;;
        subscriber) echo "id u! username s64! domain s64! password s64! ha1 s128! ha1b s128!" ;;
        location) echo "id u! ruid s64! username s64! domain s64 contact s512! received s128 path s512 expires d! q f! callid s255! cseq i! last_modified d! flags i! cflags i! user_agent s255! socket s64 methods i instance s255 reg_id i! server_id i! connection_id i! keepalive i! partition i!" ;;
        dr_gateways) echo "gwid u! type u! address s128! strip u! pri_prefix s64 attrs s255 description s128!" ;;
        dr_rules) echo "ruleid u! groupid s255! prefix s64! timerec s255! priority i! routeid s64! gwlist s255! description s128!" ;;
    esac
}

# expected_columns BACKEND TABLE: "name type[ not null], ..." as the
# queries below print them (mysql, pgsql), or dbd's JSON columns (dbd).
expected_columns() {
    local spec name kind nn type list=() i
    read -ra spec <<< "$(columns_spec "$2")"
    for ((i = 0; i < ${#spec[@]}; i += 2)); do
        name=${spec[i]} kind=${spec[i + 1]} nn=''
        if [[ $kind == *! ]]; then kind=${kind%!} nn=' not null'; fi
        case $1:$kind in
            mysql:u) type='int(10) unsigned' ;;
            mysql:i) type='int(11)' ;;
            mysql:s*) type="varchar(${kind#s})" ;;
            mysql:d) type=datetime ;;
            mysql:f) type='float(10,2)' ;;
            pgsql:[ui]) type=integer ;;
            pgsql:s*) type="character varying(${kind#s})" ;;
            pgsql:d) type='timestamp without time zone' ;;
            pgsql:f) type=real ;;
            dbd:[ui]) type=int ;;
            dbd:s*) type=string ;;
            dbd:d) type=datetime ;;
            dbd:f) type=double ;;
        esac
        if [ "$1" = dbd ]; then
            list+=("{\"name\":\"$name\",\"type\":\"$type\"}")
        else
            list+=("$name $type$nn")
        fi
    done
    local joined='' sep=', ' item
    [ "$1" != dbd ] || sep=,
    for item in "${list[@]}"; do joined+=${joined:+$sep}$item; done
    echo "$joined"
}

versions_want="version 1,subscriber 7,location 9,dr_gateways 3,dr_rules 3"

# --- usage ----------------------------------------------------------------------
run
check "no arguments: status 64, usage on stderr" "$rc:${err%%$'\n'*}" \
    "64:usage: dbd-schema sqlite FILE        SQLite database file (created when missing)"
run --help
check "--help: status 0, one usage line per form" \
    "$rc:$(grep -cE '^(usage:)? +dbd-schema (sqlite|text|mysql|pgsql|ldap|bdb) ' <<< "$out")" "0:7"
run oracle x
check "unknown backend: status 64" "$rc:${err%%$'\n'*}" \
    '64:dbd-schema: unknown backend "oracle" (sqlite, text, mysql, pgsql, ldap, bdb)'
run sqlite -y "$tmp/nofile" "$tmp/x.db"
check_run "a password file for sqlite is refused" 64 "dbd-schema: sqlite takes no password"
run mysql -D cn=x mysql://u@h/db
check_run "an ldap option for mysql is refused" 64 "dbd-schema: option -D is for ldap only"
run mysql --bogus mysql://u@h/db
check_run "an unknown option is refused" 64 'dbd-schema: unknown option "--bogus" (see dbd-schema --help)'
# The password-free forms of the clients' options never appear in the script.
if grep -nE -- '--password[= ]|[[:space:]]-p"?\$|ldap[a-z]* [^|]*[[:space:]]-w[[:space:]]' "$tool" > "$tmp/grep"; then
    not_ok "the script passes no password option to a client" "$(cat "$tmp/grep")"
else
    ok "the script passes no password option to a client"
fi

# --- MariaDB --------------------------------------------------------------------
my_root() { mariadb --no-defaults --batch --skip-column-names --socket="$MYSQL_SOCKET" -uroot "$@"; }

# Everything a run could change: definitions with their AUTO_INCREMENT
# counters, and the rows of version and subscriber.
my_snapshot() {
    local t
    for t in $tables; do my_root "$1" -e "SHOW CREATE TABLE \`$t\`\\G"; done
    my_root "$1" -e "SELECT * FROM version ORDER BY id; SELECT * FROM subscriber ORDER BY id"
}

test_mysql() {
    local db=dbd_schema_$$ myuser=dbd_schema url t got snap
    # every character the URL, the option file and SQL treat specially
    # shellcheck disable=SC2016 # a literal $
    local pw='s p"q\r#;'"'"'$x%41@:z' sqlpw
    sqlpw=${pw//\\/\\\\}
    sqlpw=${sqlpw//\'/\'\'}
    my_root -e "CREATE DATABASE \`$db\`;
        CREATE USER '$myuser'@'127.0.0.1' IDENTIFIED BY '$sqlpw';
        CREATE USER '$myuser'@'localhost' IDENTIFIED BY '$sqlpw';
        GRANT ALL ON \`$db\`.* TO '$myuser'@'127.0.0.1';
        GRANT ALL ON \`$db\`.* TO '$myuser'@'localhost';" ||
        { not_ok "mysql: test database and user created"; return; }
    cleanup_steps+=("my_root -e \"DROP DATABASE \\\`$db\\\`; DROP USER '$myuser'@'127.0.0.1'; DROP USER '$myuser'@'localhost'\"")
    url="mysql://$myuser:$(urlenc "$pw")@127.0.0.1:$MYSQL_PORT/$db"

    : > "$argv_log"
    run mysql "$url"
    check_run "mysql: first run exits 0 silently" 0 ""
    check "mysql: nothing on stdout" "$out" ""
    got=$(my_root -e "SELECT GROUP_CONCAT(table_name ORDER BY table_name SEPARATOR ' ') FROM information_schema.tables WHERE table_schema = '$db'")
    check "mysql: the five tables exist" "$got" "$tables"
    for t in $tables; do
        got=$(my_root -e "SELECT GROUP_CONCAT(CONCAT_WS(' ', column_name, column_type, IF(is_nullable = 'NO', 'not null', NULL)) ORDER BY ordinal_position SEPARATOR ', ') FROM information_schema.columns WHERE table_schema = '$db' AND table_name = '$t'")
        check "mysql: $t has Kamailio's columns and types" "$got" "$(expected_columns mysql "$t")"
    done
    got=$(my_root -e "SELECT GROUP_CONCAT(DISTINCT CONCAT(table_name, '.', index_name, IF(non_unique = 0, '!', '')) ORDER BY table_name, index_name) FROM information_schema.statistics WHERE table_schema = '$db'")
    check "mysql: the keys and indexes (! unique)" "$got" \
        "dr_gateways.PRIMARY!,dr_rules.PRIMARY!,location.account_contact_idx,location.connection_idx,location.expires_idx,location.keepalive_idx,location.PRIMARY!,location.ruid_idx!,subscriber.account_idx!,subscriber.PRIMARY!,subscriber.username_idx,version.PRIMARY!,version.table_name_idx!"
    got=$(my_root "$db" -e "SELECT GROUP_CONCAT(CONCAT(table_name, ' ', table_version) ORDER BY id) FROM version")
    check "mysql: the version rows" "$got" "$versions_want"
    got=$(my_root "$db" -e "SELECT GROUP_CONCAT(id ORDER BY id), MAX(id) + 0 FROM version")
    check "mysql: version ids 1 to 5" "$got" "1,2,3,4,5	5"
    check_argv "mysql: the password reached the client in a mode 600 option file only" \
        "$pw" "$(urlenc "$pw")"

    # A row of one's own, then the password from a file, then the socket.
    my_root "$db" -e "INSERT INTO subscriber (username, domain) VALUES ('alice', 'example.com')"
    snap=$(my_snapshot "$db")
    check "mysql: AUTO_INCREMENT of version is 6" \
        "$(my_root "$db" -e 'SHOW CREATE TABLE version\G' | grep -o 'AUTO_INCREMENT=[0-9]*')" "AUTO_INCREMENT=6"
    printf '%s\n' "$pw" > "$tmp/my.pw"
    chmod 600 "$tmp/my.pw"
    : > "$argv_log"
    run mysql --password-file "$tmp/my.pw" "mysql://$myuser@127.0.0.1:$MYSQL_PORT/$db"
    check_run "mysql: second run (password file) exits 0 silently" 0 ""
    check "mysql: the second run changed nothing" "$(my_snapshot "$db")" "$snap"
    run mysql "mysql://$myuser:$(urlenc "$pw")@localhost/$db?socket=$(urlenc "$MYSQL_SOCKET")"
    check_run "mysql: third run (?socket=) exits 0 silently" 0 ""
    check "mysql: the third run changed nothing" "$(my_snapshot "$db")" "$snap"
    check "mysql: the third run used the socket" \
        "$(grep -cxF -e "arg --socket=$MYSQL_SOCKET" -e "arg --protocol=SOCKET" "$argv_log")" 2
    check_argv "mysql: no password on the clients' command lines" "$pw" "$(urlenc "$pw")"

    # Failures name what was wrong, never the password.
    run mysql "mysql://$myuser:wrong-secret@127.0.0.1:$MYSQL_PORT/$db"
    check "mysql: a wrong password fails with status 1" "$rc" 1
    check_grep "mysql: the server's refusal is shown" "$tmp/err" "Access denied for user '$myuser'"
    check_grep "mysql: and what failed" "$tmp/err" \
        "dbd-schema: mysql: creating the tables in database \"$db\" at 127.0.0.1:$MYSQL_PORT failed"
    check "mysql: the message does not hold the password" "$(grep -c wrong-secret "$tmp/err")" 0
    run mysql "mysql://root@localhost/no_such_db_$$?socket=$MYSQL_SOCKET"
    check "mysql: a missing database fails with status 1" "$rc" 1
    check_grep "mysql: naming the database" "$tmp/err" "Unknown database 'no_such_db_$$'"
    run mysql "mysql://u:sec%zz@127.0.0.1/db"
    check_run "mysql: a bad percent-escape" 64 "dbd-schema: mysql URL: password: invalid percent-escape"
    run mysql "mysql://u:secret@127.0.0.1:99999/db"
    check_run "mysql: a bad port" 64 'dbd-schema: mysql URL: port: invalid port "99999" (1 to 65535)'
    run mysql "mysql://u:secret@127.0.0.1:3306"
    check_run "mysql: no database" 64 "dbd-schema: mysql URL names no database (want mysql://USER:PASSWORD@HOST[:PORT]/DATABASE)"
    run mysql "mysql://u:secret@/db"
    check_run "mysql: no host" 64 "dbd-schema: mysql URL names no host (want mysql://USER:PASSWORD@HOST/DATABASE, or the socket option)"
    run mysql "mysql://u:secret@db1/db?socket=/run/x.sock"
    check_run "mysql: a host with the socket" 64 'dbd-schema: mysql URL: with the socket option the host must be localhost or empty, not "db1"'
    run mysql "mysql://u:secret@db1/db?sokket=1"
    check_run "mysql: an unknown option" 64 'dbd-schema: unknown mysql option "sokket" (known: connect_timeout, read_timeout, write_timeout, lock_wait_timeout, charset, socket, ssl, ssl_ca, strict, stmt_cache)'
    run mysql "pgsql://u:secret@db1/db"
    check_run "mysql: another scheme" 64 'dbd-schema: want a mysql:// URL, not one of scheme "pgsql"'
    run mysql --password-file "$tmp/none" "mysql://u@db1/db"
    check_run "mysql: a missing password file" 64 "dbd-schema: password file $tmp/none: not a readable file"
}

if [ -n "${DBD_TEST_MYSQL_URL:-}" ] && [ -n "${MYSQL_SOCKET:-}" ] && command -v mariadb > /dev/null; then
    test_mysql
else
    skip "mysql: no MariaDB server (DBD_TEST_MYSQL_URL, MYSQL_SOCKET)"
fi

# --- PostgreSQL -----------------------------------------------------------------
pg_admin() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$PGSQL_SOCKET_DIR" -p "$PGSQL_PORT" -U postgres "$@"; }

# Everything a run could change: columns with defaults, constraints,
# indexes, the sequences' positions, the rows of version and subscriber.
pg_snapshot() {
    pg_admin -d "$1" -c "
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid)
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, a.attnum;
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace ORDER BY 1;
        SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1;
        SELECT sequencename, last_value FROM pg_sequences ORDER BY 1;
        SELECT * FROM version ORDER BY id;
        SELECT * FROM subscriber ORDER BY id;"
}

test_pgsql() {
    local db=dbd_schema_$$ re='^pgsql://([^:@/]+)(:([^@]*))?@([^:/]+)(:([0-9]+))?/' user pass host t got snap
    if ! [[ $DBD_TEST_PGSQL_URL =~ $re ]]; then
        not_ok "pgsql: DBD_TEST_PGSQL_URL is readable"
        return
    fi
    user=${BASH_REMATCH[1]} pass=${BASH_REMATCH[3]} host=${BASH_REMATCH[4]}
    pg_admin -d postgres -c "CREATE DATABASE $db OWNER $user ENCODING 'UTF8'" ||
        { not_ok "pgsql: test database created"; return; }
    cleanup_steps+=("pg_admin -d postgres -c 'DROP DATABASE $db'")

    : > "$argv_log"
    run pgsql "pgsql://$user:$pass@$host:$PGSQL_PORT/$db"
    check_run "pgsql: first run exits 0 silently" 0 ""
    check "pgsql: nothing on stdout" "$out" ""
    got=$(pg_admin -d "$db" -c "SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'")
    check "pgsql: the five tables exist" "$got" "$tables"
    for t in $tables; do
        got=$(pg_admin -d "$db" -c "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'public.$t'::regclass AND attnum > 0 AND NOT attisdropped")
        check "pgsql: $t has Kamailio's columns and types" "$got" "$(expected_columns pgsql "$t")"
    done
    got=$(pg_admin -d "$db" -c "SELECT string_agg(indexname || CASE WHEN indexdef LIKE 'CREATE UNIQUE%' THEN '!' ELSE '' END, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public'")
    check "pgsql: the keys and indexes (! unique)" "$got" \
        "dr_gateways_pkey!,dr_rules_pkey!,location_account_contact_idx,location_connection_idx,location_expires_idx,location_keepalive_idx,location_pkey!,location_ruid_idx!,subscriber_account_idx!,subscriber_pkey!,subscriber_username_idx,version_pkey!,version_table_name_idx!"
    got=$(pg_admin -d "$db" -c "SELECT string_agg(table_name || ' ' || table_version, ',' ORDER BY id) FROM version")
    check "pgsql: the version rows" "$got" "$versions_want"
    got=$(pg_admin -d "$db" -c "SELECT string_agg(id::text, ',' ORDER BY id) || ' ' || (SELECT last_value FROM version_id_seq) FROM version")
    check "pgsql: version ids 1 to 5, the sequence at 5" "$got" "1,2,3,4,5 5"
    check "pgsql: psql got the password in PGPASSWORD" \
        "$(grep -c '^env PGPASSWORD=set$' "$argv_log")" 1
    check_argv "pgsql: no password on psql's command line" "$pass"

    pg_admin -d "$db" -c "INSERT INTO subscriber (username, domain) VALUES ('alice', 'example.com')"
    snap=$(pg_snapshot "$db")
    printf '%s' "$pass" > "$tmp/pg.pw"
    : > "$argv_log"
    run pgsql -y "$tmp/pg.pw" "pgsql://$user@$host:$PGSQL_PORT/$db?sslmode=disable&statement_timeout=5000"
    check_run "pgsql: second run (password file, parameters) exits 0 silently" 0 ""
    check "pgsql: the second run changed nothing" "$(pg_snapshot "$db")" "$snap"
    check "pgsql: libpq keywords pass, the connector's own do not" \
        "$(grep -c "^arg .*sslmode='disable'" "$argv_log"):$(grep -c "statement_timeout" "$argv_log")" "1:0"
    run pgsql "pgsql://$user@/$db?host=$(urlenc "$PGSQL_SOCKET_DIR")&port=$PGSQL_PORT"
    check_run "pgsql: third run (unix socket) exits 0 silently" 0 ""
    check "pgsql: the third run changed nothing" "$(pg_snapshot "$db")" "$snap"
    check_argv "pgsql: still no password on psql's command line" "$pass"

    run pgsql "pgsql://$user@$host:$PGSQL_PORT/no_such_db_$$"
    check "pgsql: a missing database fails with status 1" "$rc" 1
    check_grep "pgsql: naming the database" "$tmp/err" "database \"no_such_db_$$\" does not exist"
    check_grep "pgsql: and what failed" "$tmp/err" \
        "dbd-schema: pgsql: creating the tables in database \"no_such_db_$$\" at $host:$PGSQL_PORT failed"
    run pgsql "pgsql://$user@$host:$PGSQL_PORT/$db?replication=database"
    check_run "pgsql: replication is refused" 64 "dbd-schema: pgsql option replication is not supported: a replication connection cannot run queries"
    run pgsql "pgsql://u:secret@h:0/db"
    check_run "pgsql: a bad port" 64 'dbd-schema: pgsql URL: port: invalid port "0" (1 to 65535)'
    run pgsql "pgsql://u:secret@h/db?Bad-Key=1"
    check_run "pgsql: a parameter that is no libpq keyword" 64 'dbd-schema: pgsql URL: "Bad-Key" is not a libpq keyword'
}

if [ -n "${DBD_TEST_PGSQL_URL:-}" ] && [ -n "${PGSQL_SOCKET_DIR:-}" ] && command -v psql > /dev/null; then
    test_pgsql
else
    skip "pgsql: no PostgreSQL server (DBD_TEST_PGSQL_URL, PGSQL_SOCKET_DIR)"
fi

# --- slapd ------------------------------------------------------------------------
# ldap_get URI BINDDN PWFILE BASE ARGS...: ldapsearch, unwrapped LDIF.
ldap_get() {
    ldapsearch -x -LLL -o ldif-wrap=no -H "$1" -D "$2" -y "$3" -b "$4" "${@:5}"
}

# What a run may not change: every entry under BASE with its operational
# attributes (entryCSN, modifyTimestamp, ...).
ldap_snapshot() { ldap_get "$1" "$2" "$3" "$4" '(objectClass=*)' '*' +; }

# ldap_check_tree LABEL URI BINDDN PWFILE BASE: the base entries and the
# version rows of base.ldif are under BASE.
ldap_check_tree() {
    local label=$1 uri=$2 dn=$3 pwf=$4 base=$5 got
    got=$(ldap_get "$uri" "$dn" "$pwf" "$base" -s one '(objectClass=dbdTable)' dbdNextId |
        awk '/^dn: /{d=substr($0, 5)} /^dbdNextId: /{print d, $2}' | sort | tr '\n' ';')
    check "$label: one base entry per table, with its id counter" "$got" \
        "ou=dr_gateways,$base 1;ou=dr_rules,$base 1;ou=location,$base 1;ou=subscriber,$base 1;ou=version,$base 6;"
    got=$(ldap_get "$uri" "$dn" "$pwf" "ou=version,$base" -s one '(objectClass=kamVersion)' \
        kamVersionId kamVersionTableName kamVersionTableVersion |
        awk '/^kamVersionId: /{i=$2} /^kamVersionTableName: /{n=$2} /^kamVersionTableVersion: /{print i, n " " $2}' |
        sort -n | cut -d' ' -f2- | paste -sd,)
    check "$label: the version rows" "$got" "$versions_want"
}

test_ldap() {
    local uri=ldap://127.0.0.1:$LDAP_PORT/ admin=$DBD_TEST_LDAP_BINDDN pw=$DBD_TEST_LDAP_PASSWORD
    local base="ou=dbd-schema test $$,dc=dbd,dc=test" snap pwf=$tmp/ldap.pw
    printf '%s\n' "$pw" > "$pwf"
    cleanup_steps+=("ldapdelete -x -r -H '$uri' -D '$admin' -y '$pwf.raw' '$base'")
    printf '%s' "$pw" > "$pwf.raw"

    : > "$argv_log"
    run ldap "ldap://$(urlenc "$admin"):$pw@127.0.0.1:$LDAP_PORT/$(urlenc "$base")"
    check_run "ldap: first run (a new base under the suffix) exits 0" 0 ""
    check "ldap: it names the mapping to use" "$out" \
        "; dbd.conf, in the datasource's section: option.mapping = $src/tools/schema/ldap/mapping.ini"
    check "ldap: the base entry was added as an organizational unit" \
        "$(ldap_get "$uri" "$admin" "$pwf.raw" "$base" -s base '(objectClass=organizationalUnit)' ou)" \
        "dn: $base
ou: dbd-schema test $$"
    ldap_check_tree ldap "$uri" "$admin" "$pwf.raw" "$base"
    check_argv "ldap: the password went to the tools in mode 600 files only" "$pw"

    snap=$(ldap_snapshot "$uri" "$admin" "$pwf.raw" "$base")
    : > "$argv_log"
    run ldap -D "$admin" -y "$pwf" "ldap://127.0.0.1:$LDAP_PORT/$(urlenc "$base")"
    check_run "ldap: second run (-D, -y) exits 0" 0 ""
    check "ldap: the second run changed nothing" "$(ldap_snapshot "$uri" "$admin" "$pwf.raw" "$base")" "$snap"
    check "ldap: the second run added nothing" "$(grep -c '^call ldapadd' "$argv_log")" 0
    if [ -n "${DBD_TEST_LDAPI_URI:-}" ]; then
        run ldap --uri "$DBD_TEST_LDAPI_URI" --binddn "$admin" --password-file "$pwf" "ldap:///$(urlenc "$base")"
        check_run "ldap: third run (--uri ldapi) exits 0" 0 ""
        check "ldap: the third run changed nothing" "$(ldap_snapshot "$uri" "$admin" "$pwf.raw" "$base")" "$snap"
    else
        skip "ldap: no ldapi socket"
        skip "ldap: no ldapi socket"
    fi
    # The fixture's own tree, which tests/lib/ldap.sh made with dbd-schema.
    snap=$(ldap_snapshot "$uri" "$admin" "$pwf.raw" dc=dbd,dc=test)
    run ldap -D "$admin" -y "$pwf" "$DBD_TEST_LDAP_URL"
    check_run "ldap: the fixture's tree again: exits 0" 0 ""
    check "ldap: and is unchanged" "$(ldap_snapshot "$uri" "$admin" "$pwf.raw" dc=dbd,dc=test)" "$snap"
    check_argv "ldap: no password on the tools' command lines" "$pw"

    run ldap "ldap://$(urlenc "$admin"):wrong-secret@127.0.0.1:$LDAP_PORT/$(urlenc "$base")"
    check "ldap: a wrong password fails with status 1" "$rc" 1
    check_grep "ldap: the server's refusal is shown" "$tmp/err" "Invalid credentials (49)"
    check_grep "ldap: and what failed" "$tmp/err" \
        "dbd-schema: ldap: cannot bind to ldap://127.0.0.1:$LDAP_PORT/ as $admin"
    check "ldap: the message does not hold the password" "$(grep -c wrong-secret "$tmp/err")" 0
    run ldap -D "$admin" -y "$pwf" "ldap://127.0.0.1:$LDAP_PORT/cn=nobody,dc=dbd,dc=test"
    check_run "ldap: a missing base that is no dc/o/ou" 1 \
        "dbd-schema: ldap: the base entry cn=nobody,dc=dbd,dc=test does not exist; create it first"
    run ldap "ldap://$admin:secret@127.0.0.1:$LDAP_PORT/"
    check_run "ldap: no base DN" 64 "dbd-schema: ldap URL names no base DN (want ldap://HOST[:PORT]/BASEDN)"
    run ldap "ldap://127.0.0.1:$LDAP_PORT/dc=dbd,dc=test?mappin=x"
    check_run "ldap: an unknown option" 64 'dbd-schema: unknown ldap option "mappin" (known: mapping, binddn, password, bind_password, timeout and uri)'
}

# test_ldap_load MODE: a slapd without the project's schema; dbd-schema
# refuses to add entries there until --load-schema loads kamailio.ldif
# into cn=config, by simple bind (MODE simple) or SASL EXTERNAL over the
# ldapi socket (MODE external), once.
test_ldap_load() {
    local mode=$1 dir=$tmp/slapd-$1 suffix=dc=schema,dc=test
    local admin=cn=admin,dc=schema,dc=test cfgpw=config-secret adminpw=admin-secret
    local uri got snap load=()
    mkdir -p "$dir"
    cat > "$dir/config.ldif" <<LDIF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $dir/slapd.pid
olcLogLevel: none

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcRootDN: cn=config
olcRootPW: $cfgpw
olcAccess: {0}to * by dn.exact=gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth manage by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $suffix
olcRootDN: $admin
olcRootPW: $adminpw
olcDbDirectory: $dir/data
olcDbNoSync: TRUE
LDIF
    if ! ldap_slapd "$dir" "$dir/config.ldif"; then
        not_ok "ldap ($mode): a slapd without the schema started"
        return
    fi
    if [ "$mode" = external ] && [ -z "$ldap_slapd_ldapi" ]; then
        skip "ldap ($mode): no ldapi socket"
        return
    fi
    uri=$ldap_slapd_uri
    printf '%s' "$adminpw" > "$dir/admin.pw"
    printf '%s' "$cfgpw" > "$dir/config.pw"
    if [ "$mode" = simple ]; then
        load=(--load-schema --config-binddn cn=config --config-password-file "$dir/config.pw")
    else
        load=(--load-schema --config-uri "$ldap_slapd_ldapi")
    fi

    : > "$argv_log"
    run ldap -D "$admin" -y "$dir/admin.pw" "$uri$suffix"
    check "ldap ($mode): without the schema it fails with status 1" "$rc" 1
    check_grep "ldap ($mode): saying which object classes the server lacks" "$tmp/err" \
        "does not know the object classes dbdConf dbdRow dbdTable kamDrGateway kamDrRule kamLocation kamSubscriber kamVersion (dbd's LDAP schema)"
    check_grep "ldap ($mode): and who loads it" "$tmp/err" "An administrator must load it into slapd"
    run ldap -D "$admin" -y "$dir/admin.pw" "${load[@]}" "$uri$suffix"
    check_run "ldap ($mode): --load-schema loads it and adds the entries" 0 ""
    ldap_check_tree "ldap ($mode)" "$uri" "$admin" "$dir/admin.pw" "$suffix"
    check "ldap ($mode): the suffix entry was added" \
        "$(ldap_get "$uri" "$admin" "$dir/admin.pw" "$suffix" -s base '(objectClass=dcObject)' objectClass dc o)" \
        "dn: $suffix
objectClass: dcObject
objectClass: organization
dc: schema
o: schema"
    snap=$(ldap_snapshot "$uri" "$admin" "$dir/admin.pw" "$suffix")
    run ldap -D "$admin" -y "$dir/admin.pw" "${load[@]}" "$uri$suffix"
    check_run "ldap ($mode): second run exits 0" 0 ""
    check "ldap ($mode): the second run changed nothing" \
        "$(ldap_snapshot "$uri" "$admin" "$dir/admin.pw" "$suffix")" "$snap"
    got=$(ldap_get "$uri" cn=config "$dir/config.pw" cn=schema,cn=config -s one '(cn=*kamailio)' dn | grep -c '^dn: ')
    check "ldap ($mode): the schema was loaded once" "$got" 1
    check_argv "ldap ($mode): no password on the tools' command lines" "$cfgpw" "$adminpw"
}

if [ -n "${DBD_TEST_LDAP_URL:-}" ] && [ -n "${LDAP_PORT:-}" ] && command -v ldapadd > /dev/null; then
    test_ldap
    test_ldap_load simple
    test_ldap_load external
else
    skip "ldap: no slapd (DBD_TEST_LDAP_URL)"
fi

# --- Berkeley DB ------------------------------------------------------------------
# The files of DIR with sizes and modification times.
dir_listing() { (cd "$1" && find . -printf '%p %s %T@ %m\n' | sort); }

# bdb_query ENDPOINT DS TABLE ARGS...: dbctl --json.
bdb_query() { "$DBD_BUILD/tools/dbctl/dbctl" --endpoint "$1" --json query "${@:2}"; }

test_bdb() {
    local dir="$tmp/bdb env/kamailio" listing t got conf endpoint pid
    local want_out
    want_out="; dbd.conf, in the datasource's section (the bdb connector creates the
; tables when dbd first opens the datasource):
url = bdb://$tmp/bdb env/kamailio
option.schema = $dir/tables.ini"
    run bdb "$dir"
    check_run "bdb: first run (a new directory) exits 0" 0 ""
    check "bdb: it prints the datasource settings" "$out" "$want_out"
    check "bdb: the directory is private (mode 700)" "$(stat -c %a "$dir")" 700
    if cmp -s "$src/tools/schema/bdb/tables.ini" "$dir/tables.ini"; then
        ok "bdb: tables.ini is the shipped one"
    else
        not_ok "bdb: tables.ini is the shipped one"
    fi
    listing=$(dir_listing "$dir")
    run bdb "$dir"
    check_run "bdb: second run exits 0" 0 ""
    check "bdb: same output" "$out" "$want_out"
    check "bdb: the second run changed nothing" "$(dir_listing "$dir")" "$listing"

    # A dbd of its own, configured with what dbd-schema printed, makes the
    # tables.
    if [ -x "$DBD_BUILD/dbd/dbd" ] && [ -e "$DBD_BUILD/connectors/bdb/.libs/bdb.so" ]; then
        mkdir -p "$tmp/connectors"
        install -m 644 "$DBD_BUILD/connectors/bdb/.libs/bdb.so" "$tmp/connectors/"
        endpoint="ipc://$tmp/dbd.sock"
        conf=$tmp/dbd.conf
        printf '[dbd]\nendpoint = %s\nconnector_dir = %s\n\n[datasource kx]\n%s\n' \
            "$endpoint" "$tmp/connectors" "$out" > "$conf"
        "$DBD_BUILD/dbd/dbd" -c "$conf" > "$tmp/dbd.log" 2>&1 &
        pid=$!
        cleanup_steps+=("kill $pid")
        wait_for 10 "$DBD_BUILD/tools/dbctl/dbctl" --endpoint "$endpoint" --timeout 500 ping
        got=$(bdb_query "$endpoint" kx version --columns table_name,table_version --order id)
        check "bdb: dbd made the version table with its rows" "$got" \
            '{"status":"OK","code":0,"message":"success","columns":[{"name":"table_name","type":"string"},{"name":"table_version","type":"int"}],"rows":[["version",1],["subscriber",7],["location",9],["dr_gateways",3],["dr_rules",3]]}'
        for t in $tables; do
            got=$(bdb_query "$endpoint" kx "$t" --limit 1 | sed 's/,"rows":.*//')
            check "bdb: $t has Kamailio's columns" "$got" \
                "{\"status\":\"OK\",\"code\":0,\"message\":\"success\",\"columns\":[$(expected_columns dbd "$t")]"
        done
        kill -TERM "$pid"
        wait "$pid"
        check "bdb: that dbd stopped cleanly" "$?" 0
        if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/dbd.log"; then
            not_ok "bdb: no sanitizer report" "$(head -40 "$tmp/dbd.log")"
        else
            ok "bdb: no sanitizer report"
        fi
        listing=$(dir_listing "$dir")
        run bdb "$dir"
        check_run "bdb: a run on the environment dbd made exits 0" 0 ""
        check "bdb: and changes nothing" "$(dir_listing "$dir")" "$listing"
    else
        skip "bdb: dbd or the bdb connector was not built"
    fi

    # The fixture's environment, which tests/lib/bdb.sh made with dbd-schema.
    if [ -n "${DBD_TEST_BDB_DIR:-}" ] && [ -d "$DBD_TEST_BDB_DIR" ]; then
        t=$(stat -c %Y "$DBD_TEST_BDB_DIR/tables.ini")
        run bdb "$DBD_TEST_BDB_DIR"
        check_run "bdb: the fixture's environment again: exits 0" 0 ""
        check "bdb: its tables.ini is untouched" "$(stat -c %Y "$DBD_TEST_BDB_DIR/tables.ini")" "$t"
    else
        skip "bdb: no fixture environment (DBD_TEST_BDB_DIR)"
    fi

    : > "$tmp/plain-file"
    run bdb "$tmp/plain-file"
    check_run "bdb: a file in the way" 1 "dbd-schema: bdb: $tmp/plain-file exists and is not a directory"
    run bdb /proc/dbd-schema-test
    check_run "bdb: a directory that cannot be made" 1 "dbd-schema: bdb: cannot create the directory /proc/dbd-schema-test"
}

test_bdb

tap_end
