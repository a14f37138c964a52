/*
 * config.h - dbd.conf: the [dbd] section, the [audit] section, one
 * [datasource NAME] section per datasource and one [client NAME] section
 * per client (the sample dbd/dbd.conf documents every key).
 *
 * Loading is strict: an unknown section or key, a bad number, a duplicate
 * key, section or datasource name is an error reported as "FILE:LINE: what".
 * A dbd_config owns all of its strings.
 */
#ifndef DBD_CONFIG_H
#define DBD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_json.h"
#include "log.h"
#include "url.h"

#define DBD_EX_CONFIG 78 /* sysexits.h EX_CONFIG: exit code for a bad config */

#define DBD_CONF_DEFAULT_ENDPOINT "ipc:///run/dbd/dbd.sock"
#define DBD_CONF_DS_NAME_MAX 64
#define DBD_CONF_MAX_HOSTS 16   /* URLs of one datasource */
#define DBD_CONF_MAX_TABLES 64  /* tables = ... of one datasource */

/* How the requests of a datasource with several URLs reach them. */
typedef enum dbd_ds_mode {
    DBD_MODE_FAILOVER,        /* the first healthy URL in list order */
    DBD_MODE_ROUND_ROBIN,     /* spread over every healthy URL */
    DBD_MODE_PRIMARY_REPLICA, /* writes and batches to the first, reads to
                               * the healthy others, else to the first */
    DBD_MODE_COUNT
} dbd_ds_mode;

typedef struct dbd_ds_config {
    char *name;               /* [A-Za-z0-9_.-]{1,64} */
    char *url;                /* required: one or more URLs separated by
                               * blanks, each checked with dbd_url_parse */
    dbd_ds_mode mode;         /* default failover */
    unsigned pool;            /* connections (= worker threads) per URL (2) */
    unsigned queue;           /* requests waiting beyond the pool (1024) */
    unsigned timeout_ms;      /* when the request carries none (5000) */
    bool allow_raw;           /* default false */
    unsigned reconnect_min_ms; /* first retry delay (100) */
    unsigned reconnect_max_ms; /* backoff cap (10000) */
    unsigned ping_interval_ms; /* idle connections pinged; 0 = never (10000) */
    char **tables;            /* checked by a swap besides the tables seen */
    size_t ntables;
    dbd_audit_values audit_values; /* values in audit records (none) */
    char **audit_secret;      /* columns always masked; NULL: the default
                               * password ha1 ha1b */
    size_t naudit_secret;
    dbd_option *options;      /* option.NAME = VALUE, in file order */
    size_t noptions;
    int line;                 /* of the section header, for messages */
} dbd_ds_config;

/* One entry of a [client NAME] read, write or raw list: a datasource and
 * a table of it; NULL stands for "*" (any).  raw grants have no table. */
typedef struct dbd_grant {
    char *ds;
    char *table;
} dbd_grant;

/* Grant lists of [client NAME], indexed by what they allow. */
typedef enum dbd_grant_class {
    DBD_GRANT_READ,   /* query */
    DBD_GRANT_WRITE,  /* insert, update, delete, replace */
    DBD_GRANT_RAW,    /* raw statements (datasources only) */
    DBD_GRANT_CLASSES
} dbd_grant_class;

/* [client NAME]: what one client may do and how much of dbd it may use.
 * A client is a CURVE key of that name in the allow-list, and the
 * connections on the ipc endpoints listed here. */
typedef struct dbd_client_rules {
    char *name;               /* 1..64 of A-Z a-z 0-9 _ . - */
    char **endpoints;         /* ipc:// endpoints of [dbd] it owns */
    size_t nendpoints;
    dbd_grant *grants[DBD_GRANT_CLASSES];
    size_t ngrants[DBD_GRANT_CLASSES];
    uint32_t admin;           /* bit (1 << dbd_op_kind) per admin op */
    size_t max_message;       /* bytes; 0: [dbd] max_message */
    uint64_t max_rows;        /* per result; 0: [dbd] max_rows */
    unsigned max_in_flight;   /* data requests at once; 0: no limit */
    unsigned rate;            /* requests per second; 0: no limit */
    unsigned burst;           /* requests at once above the rate (rate) */
    int line;                 /* of the section header */
} dbd_client_rules;

/* What happens to a record when the audit queue is full. */
typedef enum dbd_audit_loss {
    DBD_AUDIT_LOSS_DROP,  /* dropped and counted */
    DBD_AUDIT_LOSS_BLOCK  /* the request waits for space */
} dbd_audit_loss;

/* When the audit file is flushed to disk. */
typedef enum dbd_audit_sync {
    DBD_AUDIT_SYNC_INTERVAL, /* every sync_interval */
    DBD_AUDIT_SYNC_EVERY,    /* before each reply (needs loss = block) */
    DBD_AUDIT_SYNC_NONE      /* when the kernel decides */
} dbd_audit_sync;

/* [audit]: the trail is on when file or publish is set. */
typedef struct dbd_audit_config {
    char *file;               /* JSON lines; NULL: no file */
    uint64_t max_size;        /* rotate beyond this many bytes; 0: never */
    char *publish;            /* PUB endpoint; NULL: none */
    unsigned publish_hwm;     /* records queued per slow subscriber */
    unsigned queue;           /* records between requests and the writer */
    dbd_audit_loss loss;
    dbd_audit_sync sync;
    unsigned sync_interval_ms;
} dbd_audit_config;

const char *dbd_audit_loss_name(dbd_audit_loss l);
const char *dbd_audit_sync_name(dbd_audit_sync s);
/* Whether a and b are the same settings (a reload compares them). */
bool dbd_audit_config_equal(const dbd_audit_config *a,
                            const dbd_audit_config *b);

typedef struct dbd_config {
    char **endpoints;         /* "ipc://..." / "tcp://..." */
    size_t nendpoints;
    char *connector_dir;
    size_t max_message;       /* largest request accepted, bytes */
    size_t chunk_bytes;       /* rows packed per streamed reply message */
    uint64_t max_rows;        /* per result; 0 = unlimited */
    dbd_log_dest log_dest;
    int log_level;            /* syslog level */
    unsigned drain_timeout_ms;
    int io_threads;           /* ZeroMQ I/O threads */
    char *user;               /* run as this user after binding (root
                               * only); NULL: stay who started dbd */
    char *group;              /* and this group; NULL: the user's */
    char *ipc_owner;          /* ipc socket files: owner; NULL: dbd's */
    char *ipc_group;          /* group; NULL: dbd's */
    unsigned ipc_mode;        /* permission bits (0600: owner only) */
    char *curve_key;          /* dbd's CURVE key pair file (dbctl keygen);
                               * set: every tcp:// endpoint is CURVE */
    char *clients;            /* allowed client keys: "name key" lines */
    dbd_audit_config audit;
    dbd_ds_config *ds;
    size_t nds;
    dbd_client_rules *rules;  /* [client NAME] sections, in file order;
                               * any at all puts the rules in force */
    size_t nrules;
} dbd_config;

/* The defaults alone (no datasource); NULL on allocation failure. */
dbd_config *dbd_config_new(void);
void dbd_config_destroy(dbd_config **pcfg);

/*
 * Reads path.  Returns a new config, or NULL with "PATH:LINE: message"
 * (or "PATH: message" when no line applies) in err.
 */
dbd_config *dbd_config_load(const char *path, char *err, size_t errlen);

/* Same from a string; name stands for the file name in messages. */
dbd_config *dbd_config_parse_string(const char *text, const char *name,
                                    char *err, size_t errlen);

/* The datasource called name, or NULL. */
const dbd_ds_config *dbd_config_find_ds(const dbd_config *cfg,
                                        const char *name);

/* true when s is a valid datasource name. */
bool dbd_ds_name_valid(const char *s);

/* --- [client NAME] (config_client.c) --- */

/* Frees the strings and lists of *c and zeroes it. */
void dbd_client_rules_clear(dbd_client_rules *c);
/* A deep copy into *dst; 0, or -1 when memory ran out (dst cleared). */
int dbd_client_rules_copy(dbd_client_rules *dst, const dbd_client_rules *src);
/* The [client NAME] called name, or NULL. */
const dbd_client_rules *dbd_config_find_client(const dbd_config *cfg,
                                               const char *name);
/* The admin operations a client may be given ("admin ="), as bits. */
uint32_t dbd_admin_ops_all(void);

/* --- one datasource's configuration (config_ds.c) --- */

const char *dbd_ds_mode_name(dbd_ds_mode m);
bool dbd_ds_mode_from_name(const char *s, dbd_ds_mode *out);
void dbd_ds_config_defaults(dbd_ds_config *ds);
/* Frees the strings of *ds and zeroes it. */
void dbd_ds_config_clear(dbd_ds_config *ds);
/* A deep copy, NULL on allocation failure; freed by dbd_ds_config_free. */
dbd_ds_config *dbd_ds_config_dup(const dbd_ds_config *ds);
void dbd_ds_config_free(dbd_ds_config **pds);
/* Whether a reload may keep a datasource configured as a as it is. */
bool dbd_ds_config_equal(const dbd_ds_config *a, const dbd_ds_config *b);

/*
 * Splits a blank-separated URL list and checks each URL's syntax.  0 with
 * the copies in *purls / *pn (free with dbd_url_list_free); -1 with the
 * reason in err; -2 when memory ran out.
 */
int dbd_url_list_split(const char *text, char ***purls, size_t *pn,
                       char *err, size_t errlen);
void dbd_url_list_free(char **urls, size_t n);
/* A copy of a blank-separated URL list with every password masked, for
 * logs and the audit trail; NULL when memory ran out.  Caller frees. */
char *dbd_url_list_redact(const char *text);
/* "PREFIX: NAME URLS; NAME URLS..." with every password masked, so that
 * an audit record says which backend each datasource (and host index)
 * meant then; NULL when memory ran out.  Caller frees. */
char *dbd_config_describe(const dbd_config *cfg, const char *prefix);

#endif
