# shellcheck shell=bash
# ldap.sh - a throw-away OpenLDAP slapd for the ldap connector's tests.
# Source servers.sh first (free_port, wait_for, servers_pids).
#
#   ldap_fixture DIR   starts slapd with its config (slapd.d, made with
#                      slapadd -n0) and mdb database under DIR/ldap,
#                      listening on ldap://127.0.0.1:PORT/ (PORT free, picked
#                      at random) and on a unix socket when the path is short
#                      enough (ldap_slapd); loads the project's schema with
#                      the config, the suffix entry and the Kamailio tables'
#                      base entries with tools/dbd-schema, and the base entry
#                      of the conformance table conf; records slapd's PID in
#                      servers_pids (servers_stop stops it); exports
#                        LDAP_PORT, DBD_TEST_LDAP_URL (base dc=dbd,dc=test),
#                        DBD_TEST_LDAP_BINDDN, DBD_TEST_LDAP_PASSWORD,
#                        DBD_TEST_LDAP_MAPPING, DBD_TEST_LDAPI_URI (or ""),
#                        DBD_TEST_LDAP_PID
#                      and prints the [datasource ldap] section for dbd.conf.
#   ldap_slapd DIR CONFIG   starts a slapd of any cn=config LDIF the same way
#                      (the dbd-schema test runs one without the schema).

LDAP_FIXTURE_SUFFIX=dc=dbd,dc=test
LDAP_FIXTURE_ROOTDN=cn=admin,dc=dbd,dc=test
LDAP_FIXTURE_ROOTPW=dbdpass

# The cn=config tree: core schema plus the project's, one mdb database
# without size or time limits (the 100,000-row cases), fsync off.
ldap_fixture_config() {
    local dir=$1 src=$2
    cat <<LDIF
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

include: file://$src/tools/schema/ldap/kamailio.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: unlimited
olcTimeLimit: unlimited

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: $LDAP_FIXTURE_SUFFIX
olcRootDN: $LDAP_FIXTURE_ROOTDN
olcRootPW: $LDAP_FIXTURE_ROOTPW
olcDbDirectory: $dir/data
olcDbMaxSize: 4294967296
olcDbNoSync: TRUE
olcSizeLimit: unlimited
olcTimeLimit: unlimited
olcLimits: dn.exact="$LDAP_FIXTURE_ROOTDN" size=unlimited time=unlimited
olcDbIndex: objectClass eq
olcDbIndex: kamVersionTableName eq
olcDbIndex: kamSubscriberId,kamSubscriberUsername,kamSubscriberDomain eq
olcDbIndex: kamLocationId,kamLocationRuid,kamLocationUsername eq
olcDbIndex: kamLocationExpires eq
olcDbIndex: dbdConfId,dbdConfK,dbdConfGrp eq
LDIF
}

# ldap_slapd DIR CONFIG: starts slapd with the cn=config tree of the LDIF
# file CONFIG (loaded with slapadd -n0 into DIR/slapd.d; its paths should
# lie under DIR), listening on ldap://127.0.0.1:PORT/ (PORT free, picked at
# random) and on the unix socket DIR/ldapi when the path is short enough.
# Records slapd's PID in servers_pids and sets ldap_slapd_uri,
# ldap_slapd_ldapi ("" without the socket), ldap_slapd_port and
# ldap_slapd_pid.
ldap_slapd() {
    local dir=$1 config=$2 slapd=/usr/sbin/slapd
    if [ ! -x "$slapd" ] || ! command -v ldapadd > /dev/null; then
        echo "ldap_slapd: slapd or ldap-utils is not installed" >&2
        return 1
    fi
    mkdir -p "$dir/slapd.d" "$dir/data" || return 1
    ldap_slapd_port=$(free_port) || return 1
    ldap_slapd_uri="ldap://127.0.0.1:$ldap_slapd_port/"
    ldap_slapd_ldapi=""
    # unix socket paths hold at most 107 bytes
    if [ ${#dir} -lt 90 ]; then
        ldap_slapd_ldapi="ldapi://${dir//\//%2F}%2Fldapi/"
    fi
    /usr/sbin/slapadd -n0 -F "$dir/slapd.d" -l "$config" > "$dir/slapadd.log" 2>&1 ||
        { echo "ldap_slapd: slapadd of the config failed:" >&2; cat "$dir/slapadd.log" >&2; return 1; }
    # -d 0: stay in the foreground, so $! is slapd's own PID
    "$slapd" -d 0 -h "$ldap_slapd_uri $ldap_slapd_ldapi" -F "$dir/slapd.d" \
        > "$dir/slapd.log" 2>&1 &
    ldap_slapd_pid=$!
    servers_pids+=("$ldap_slapd_pid")
    wait_for 30 ldapsearch -x -H "$ldap_slapd_uri" -b "" -s base -LLL 1.1 ||
        { echo "ldap_slapd: slapd did not start:" >&2; tail -20 "$dir/slapd.log" >&2; return 1; }
}

ldap_fixture() {
    local dir=$1/ldap src uri
    src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) || return 1
    if [ ! -x /usr/sbin/slapd ] || ! command -v ldapadd > /dev/null; then
        echo "ldap_fixture: slapd or ldap-utils is not installed" >&2
        return 1
    fi
    mkdir -p "$dir" || return 1
    ldap_fixture_config "$dir" "$src" > "$dir/config.ldif" || return 1
    ldap_slapd "$dir" "$dir/config.ldif" || return 1
    LDAP_PORT=$ldap_slapd_port
    DBD_TEST_LDAP_PID=$ldap_slapd_pid
    uri=$ldap_slapd_uri
    # the root DN's password for the tools, off their command lines
    (umask 077 && printf '%s' "$LDAP_FIXTURE_ROOTPW" > "$dir/rootpw") || return 1
    # The suffix entry and the Kamailio tables' base entries (the schema
    # itself is in the config above, as an administrator would load it).
    "$src/tools/dbd-schema" ldap -D "$LDAP_FIXTURE_ROOTDN" -y "$dir/rootpw" \
        "$uri$LDAP_FIXTURE_SUFFIX" > "$dir/dbd-schema.log" 2>&1 ||
        { echo "ldap_fixture: dbd-schema failed:" >&2; cat "$dir/dbd-schema.log" >&2; return 1; }
    sed "s/dc=example,dc=com/$LDAP_FIXTURE_SUFFIX/" "$src/tests/lib/ldap-conf.ldif" |
        ldapadd -x -H "$uri" -D "$LDAP_FIXTURE_ROOTDN" -y "$dir/rootpw" \
            > "$dir/ldapadd.log" 2>&1 ||
        { echo "ldap_fixture: loading the base entry of conf failed:" >&2; cat "$dir/ldapadd.log" >&2; return 1; }
    cp "$src/tools/schema/ldap/mapping.ini" "$dir/mapping.ini" || return 1
    export LDAP_PORT DBD_TEST_LDAP_PID
    export DBD_TEST_LDAP_URL="$uri$LDAP_FIXTURE_SUFFIX"
    export DBD_TEST_LDAP_BINDDN=$LDAP_FIXTURE_ROOTDN
    export DBD_TEST_LDAP_PASSWORD=$LDAP_FIXTURE_ROOTPW
    export DBD_TEST_LDAP_MAPPING=$dir/mapping.ini
    export DBD_TEST_LDAPI_URI=$ldap_slapd_ldapi
    cat <<CONF
[datasource ldap]
url = $DBD_TEST_LDAP_URL
option.binddn = $DBD_TEST_LDAP_BINDDN
option.password = $DBD_TEST_LDAP_PASSWORD
option.mapping = $DBD_TEST_LDAP_MAPPING
CONF
}
