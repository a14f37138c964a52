/*
 * help.c - the texts of "dbctl --help" and "dbctl help TOPIC" (the same
 * content as docs/dbctl.md, in short).
 */
#include "dbctl.h"

#include <string.h>

static const char general[] =
    "usage: dbctl [--endpoint E] [--timeout MS] [--name N] [--json]\n"
    "             [--key FILE --server-key FILE] COMMAND [ARGS...]\n"
    "\n"
    "Sends one request to dbd and prints the result.  The global options may\n"
    "also follow the command; \"--\" ends all option parsing.\n"
    "  --endpoint E   dbd endpoint, ipc://PATH or tcp://HOST:PORT (default:\n"
    "                 $DBD_ENDPOINT, else " DBD_DEFAULT_ENDPOINT ")\n"
    "  --timeout MS   request timeout in milliseconds, 0 = none (default 5000)\n"
    "  --name N       the client name sent with each request for dbd's audit\n"
    "                 trail (default \"dbctl\", \"dbctl migrate\" for migrate)\n"
    "  --json         print the result as one JSON object (dbctl help output)\n"
    "  --key FILE     CURVE: dbctl's key pair NAME.key (default $DBD_KEY);\n"
    "                 before the command when it is replace (dbctl help keys)\n"
    "  --server-key FILE  CURVE: dbd's public key NAME.pub (default\n"
    "                 $DBD_SERVER_KEY); both or neither, tcp:// only\n"
    "  -h, --help     this text; \"dbctl help TOPIC\" for more\n"
    "\n"
    "Commands:\n"
    "  ping [DS]          is dbd (and datasource DS) answering?\n"
    "  datasources        the datasources and their health, then their hosts\n"
    "  hosts              every backend host of every datasource\n"
    "  stats              the daemon's counters\n"
    "  swap DS URL [URL...] [--mode M]   point DS at another backend\n"
    "  reload             make dbd re-read its configuration file\n"
    "  audit [--follow [FILTER...] | verify FILE...]   the audit trail\n"
    "  keygen NAME [--dir D]   make a CURVE key pair D/NAME.key, D/NAME.pub\n"
    "  query DS TABLE [COND...] [--columns C,...] [--order C[:desc],...]\n"
    "        [--limit N] [--offset N]\n"
    "  insert DS TABLE COL=VALUE...\n"
    "  update DS TABLE --set COL=VALUE... (COND... | --all)\n"
    "  delete DS TABLE (COND... | --all)\n"
    "  replace DS TABLE --key COL[,COL...] COL=VALUE...\n"
    "  raw DS SQL [PARAM...]\n"
    "  batch DS FILE|- [--no-atomic]\n"
    "  migrate SRC DST [TABLE...] [--truncate] [--verify-only] [--page N]\n"
    "        [--float-digits N] [--verbose]\n"
    "\n"
    "Topics: every command, values, conditions, output, exit, keys.\n"
    "  COL=text sets a string, COL:=42 a typed literal (dbctl help values);\n"
    "  conditions: k=abc i:>=5 s~null i:~in=1,2 (dbctl help conditions).\n"
    "Exit status: the reply's status code (0 OK ... 10 INTERNAL), 64 for a\n"
    "bad command line (dbctl help exit).\n";

static const struct {
    const char *topic;
    const char *text;
} topics[] = {
    {"ping",
     "usage: dbctl ping [DS]\n"
     "Asks dbd to answer; with DS, also checks that datasource (its backend\n"
     "must be reachable).  Prints OK; exit 0 when dbd answered OK.\n"},
    {"datasources",
     "usage: dbctl datasources\n"
     "Lists the configured datasources with their backend(s), mode, health\n"
     "and capabilities, then the hosts table (see dbctl help hosts).  With\n"
     "--json: one object, the datasources' result with the hosts' result\n"
     "under \"hosts\".\n"},
    {"hosts",
     "usage: dbctl hosts\n"
     "One row per backend host of every datasource: datasource, host (its\n"
     "position in the url list, from 0), url, role (primary, replica,\n"
     "member), state (up, suspect, down, connecting), open connections,\n"
     "requests, errors, retried (reads moved to another host), last_error.\n"},
    {"swap",
     "usage: dbctl swap DS URL [URL...] [--mode failover|round-robin|primary-replica]\n"
     "Points datasource DS at new backend URL(s) while it serves traffic.\n"
     "dbd opens and checks the new backend (connect, ping, a query on each\n"
     "table DS has served) before it switches; on failure the old backend\n"
     "stays and the status says why (UNAVAILABLE, NOTFOUND, CONFIG, BAD).\n"
     "Prints datasource, url and previous_url.  Waits up to 30 s unless\n"
     "--timeout says otherwise.\n"
     "  dbctl swap main pgsql://dbd:secret@db1/kamailio pgsql://dbd:secret@db2/kamailio \\\n"
     "        --mode primary-replica\n"},
    {"reload",
     "usage: dbctl reload\n"
     "Makes dbd re-read its configuration file and apply it (as SIGHUP\n"
     "does).  Prints each datasource with its action: added, removed,\n"
     "changed, unchanged.  A file with any error changes nothing: CONFIG\n"
     "and \"FILE:LINE: ...\".  Waits up to 30 s unless --timeout says otherwise.\n"},
    {"migrate",
     "usage: dbctl migrate SRC DST [TABLE...] [--truncate] [--verify-only]\n"
     "                     [--page N] [--float-digits N] [--verbose]\n"
     "Copies each TABLE from datasource SRC to DST through dbd, then proves\n"
     "the copy: rows read, written and found on DST, and a checksum of the\n"
     "rows of each side.  Without TABLE: version subscriber location\n"
     "dr_gateways dr_rules, those SRC has.  Nothing is written unless every\n"
     "table exists on both sides with the same columns and is empty on DST.\n"
     "  --truncate       delete DST's rows of each table first\n"
     "  --verify-only    copy nothing, only compare SRC and DST\n"
     "  --page N         rows per read and per batch (default 1000)\n"
     "  --float-digits N compare doubles to N significant digits (default\n"
     "                   17; 7 for a DST that stores 4-byte floats)\n"
     "  --verbose, -v    progress on standard error\n"
     "Exit 0 when every table matches; 67 when one differs, 68 when a DST\n"
     "table has rows; a request's status when it failed (the row named).\n"
     "  dbctl migrate sq pg subscriber location\n"},
    {"audit",
     "usage: dbctl audit\n"
     "       dbctl audit --follow [--datasource DS] [--client TEXT]\n"
     "             [--status S] [--table T] [--publish E] [--count N]\n"
     "       dbctl audit verify [--start HEX] FILE...\n"
     "audit: dbd's audit trail settings and counters (name/value rows).\n"
     "--follow: prints dbd's live audit records (its [audit] publish\n"
     "stream, or the PUB endpoint E), one line each:\n"
     "  TS  SEQ  CLIENT[ (NAME)]  DS[#HOST]  OP TABLE  STATUS  rows=N\n"
     "  LATENCYms  id=ID[  detail=TEXT]   (absent fields are -)\n"
     "or with --json each record's JSON line.  Filters: --datasource exact,\n"
     "--client a substring of the client or its name, --status exact in\n"
     "any case, --table exact.  Runs until SIGINT/SIGTERM or N records.\n"
     "Exit 2 when dbd publishes no stream, 4 when the stream refuses the\n"
     "connection (CURVE keys: dbctl help keys).\n"
     "verify: checks the hash chain of trail files, in the order given;\n"
     "--start is the hash the first record must follow.  Prints \"OK: N\n"
     "records in M files; last hash HEX\" (exit 0), or the first bad\n"
     "record as FILE:LINE: ALTERED|BROKEN_LINK|MALFORMED: ... and what it\n"
     "means (exit 1); exit 2 when a file cannot be read.\n"
     "  dbctl audit --follow --datasource sq --status notfound\n"
     "  dbctl audit verify audit.log.1 audit.log\n"},
    {"keygen",
     "usage: dbctl keygen NAME [--dir D]\n"
     "Makes a CURVE key pair for dbd or one of its clients: writes\n"
     "D/NAME.key (public and secret key, mode 0600: keep it secret) and\n"
     "D/NAME.pub (the public key, mode 0644; D defaults to the current\n"
     "directory), and prints the line \"NAME PUBLIC\" for dbd's clients\n"
     "file.  NAME is 1 to 64 of A-Z a-z 0-9 _ . -.  An existing key file\n"
     "is never overwritten (exit 73): remove it first to replace the key.\n"
     "  dbctl keygen sipproxy1 --dir /etc/dbd/keys >> /etc/dbd/clients\n"},
    {"keys",
     "CURVE keys (encryption and client authentication on tcp://):\n"
     "  --key FILE          dbctl's own key pair (a NAME.key of keygen)\n"
     "  --server-key FILE   dbd's public key (its NAME.pub, or NAME.key)\n"
     "Both or neither; $DBD_KEY and $DBD_SERVER_KEY are the defaults.\n"
     "They are used on tcp:// endpoints only (ipc:// goes without), also\n"
     "by audit --follow.  dbd must list dbctl's public key in its clients\n"
     "file.  After the command replace, --key is replace's key columns:\n"
     "put the global --key before the command there.\n"
     "  dbctl --key admin.key --server-key dbd.pub \\\n"
     "        --endpoint tcp://db1:5555 ping\n"},
    {"stats",
     "usage: dbctl stats\n"
     "Prints the daemon's counters (requests, errors, queue lengths...).\n"},
    {"query",
     "usage: dbctl query DS TABLE [COND...] [--columns C,...]\n"
     "                   [--order C[:asc|:desc][,C...]] [--limit N] [--offset N]\n"
     "Selects the rows of TABLE matching every condition (AND), all columns\n"
     "in table order unless --columns names them.  --order sorts by several\n"
     "columns, each ascending unless :desc follows it.\n"
     "  dbctl query sq subscriber username=alice --columns username,ha1\n"
     "  dbctl query sq location expires:<@2026-01-01T00:00:00Z --order q:desc --limit 10\n"},
    {"insert",
     "usage: dbctl insert DS TABLE COL=VALUE...\n"
     "Inserts one row; prints the rows affected and the new auto-increment id.\n"
     "  dbctl insert sq subscriber username=alice domain=example.com id:=7\n"},
    {"update",
     "usage: dbctl update DS TABLE --set COL=VALUE [--set ...] (COND... | --all)\n"
     "Changes the rows matching the conditions.  Without conditions it\n"
     "refuses unless --all says that every row is meant.\n"
     "  dbctl update sq subscriber --set ha1=abc username=alice\n"},
    {"delete",
     "usage: dbctl delete DS TABLE (COND... | --all)\n"
     "Deletes the rows matching the conditions.  Without conditions it\n"
     "refuses unless --all says that every row is meant.\n"
     "  dbctl delete sq location expires:<@2026-01-01T00:00:00Z\n"},
    {"replace",
     "usage: dbctl replace DS TABLE --key COL[,COL...] COL=VALUE...\n"
     "Updates the row whose key columns equal the given values, or inserts\n"
     "it when there is none.  Every key column must also be given a value.\n"
     "  dbctl replace sq subscriber --key username,domain username=alice \\\n"
     "        domain=example.com ha1=abc\n"},
    {"raw",
     "usage: dbctl raw DS SQL [PARAM...]\n"
     "Runs backend-native SQL (only on datasources with allow_raw = yes),\n"
     "binding the parameters to its placeholders in order.  A parameter is\n"
     "text, or ':' followed by a typed literal (:42, :null, :x:00ff...).\n"
     "Put \"--\" before parameters that start with \"--\".\n"
     "  dbctl raw sqraw 'SELECT count(*) FROM location WHERE expires < ?' :1700000000\n"},
    {"batch",
     "usage: dbctl batch DS FILE|- [--no-atomic]\n"
     "Sends the operations of FILE (or standard input) as one batch, atomic\n"
     "(all or nothing) unless --no-atomic.  One operation per line, written\n"
     "like its command without DS:\n"
     "    # comment\n"
     "    insert t_types k=a i:=1 s='two words'\n"
     "    update t_types --set i:=2 k=a\n"
     "    replace t_types --key k k=b i:=3\n"
     "    delete t_types k=a\n"
     "    query t_types k~in=a,b --order k\n"
     "    raw 'UPDATE t_types SET i = i + 1 WHERE k = ?' b\n"
     "A word starting with # starts a comment.  Words are split at blanks;\n"
     "'...' quotes literally, \"...\" allows \\\" \\\\ \\n \\t, and a backslash\n"
     "outside quotes escapes the next character.  The output has\n"
     "one line (or table) per operation; the exit status is the batch's, or\n"
     "that of the first failed operation.\n"},
    {"values",
     "Values:\n"
     "  COL=TEXT         a string, taken as is (may be empty)\n"
     "  COL:=LITERAL     a typed value:\n"
     "    null           NULL\n"
     "    true, false    bool\n"
     "    42, -7         int (64-bit)\n"
     "    1.5, 1e-3      double\n"
     "    @2026-01-02T03:04:05Z, @2026-01-02 03:04:05.250000\n"
     "                   datetime, UTC (also written dt:...)\n"
     "    x:DEADBEEF     blob, hex digits (x: alone is an empty blob)\n"
     "    s:TEXT         a string, for text that starts with ':'\n"
     "Raw parameters use the same forms: TEXT or :LITERAL.\n"},
    {"conditions",
     "Conditions (all must hold):\n"
     "  COL=V  COL!=V (or COL<>V)  COL<V  COL>V  COL<=V  COL>=V\n"
     "  COL&V          (COL & V) != 0, bitwise\n"
     "  COL~in=A,B,C   COL is one of the list (\\, is a comma in an element)\n"
     "  COL~null       COL IS NULL\n"
     "  COL~notnull    COL IS NOT NULL\n"
     "V is text (a string).  A ':' between the column and the operator makes\n"
     "V (or every list element) a typed literal (dbctl help values):\n"
     "  i:=5  i:>=5  d:<1.5  i:&4  dt:<@2026-01-01T00:00:00Z  i:~in=1,2,3\n"
     "COL:=null means COL~null and COL:!=null means COL~notnull (a plain\n"
     "comparison with NULL matches nothing in SQL).  Quote conditions with\n"
     "< > & ! for the shell: 'i:<5'.\n"},
    {"output",
     "Output:\n"
     "  rows: an aligned table under a header, then \"(N rows)\".  NULL is\n"
     "  shown as NULL, blobs as 0x..., datetimes as ISO 8601 UTC, strings\n"
     "  with \\\\, \\n, \\t, \\r, \\0 and \\xHH escapes for control characters.\n"
     "  writes: \"OK, N rows affected\" and \", last id N\" when reported.\n"
     "  errors: \"dbctl: STATUS: message\" on standard error.\n"
     "  --json: one line with one object: status, code, message, then\n"
     "  columns [{name,type}] and rows [[...]] for results with columns,\n"
     "  affected and last_id when reported, results [...] for a batch.\n"
     "  Blobs are {\"hex\":\"...\"}, datetimes {\"datetime\":\"ISO\",\"usec\":N},\n"
     "  non-finite doubles the strings \"nan\", \"inf\", \"-inf\".\n"},
    {"exit",
     "Exit status:\n"
     "  0 OK, 1 NOTFOUND, 2 BAD, 3 DENY, 4 UNAVAILABLE, 5 TIMEOUT,\n"
     "  6 CONSTRAINT, 7 UNSUPPORTED, 8 CONFIG, 9 BUSY, 10 INTERNAL:\n"
     "  the status of the reply (for a batch whose status is OK, that of\n"
     "  its first failed operation).  A daemon that cannot be reached is\n"
     "  UNAVAILABLE (4); no reply in time is TIMEOUT (5).\n"
     "  64 bad command line, 65 bad batch file, 66 batch file unreadable,\n"
     "  73 keygen: a key file exists or cannot be created,\n"
     "  74 output could not be written.\n"},
};

void help_general(FILE *f)
{
    fputs(general, f);
}

bool help_command(FILE *f, const char *cmd)
{
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++)
        if (strcmp(topics[i].topic, cmd) == 0) {
            fputs(topics[i].text, f);
            return true;
        }
    return false;
}
