/*
 * conf.h - sipproxy.conf: the [sipproxy], [sip] and [tables] sections (the
 * sample proxy/sipproxy.conf documents every key).
 *
 * Loading is strict like dbd.conf: an unknown section or key, a bad value
 * or a key given twice (except listen and domain, which may repeat) is an
 * error reported as "FILE:LINE: what".  An sp_conf owns all of its strings.
 */
#ifndef SP_CONF_H
#define SP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "digest.h"
#include "log.h"

#define SP_EX_CONFIG 78 /* sysexits.h EX_CONFIG */
#define SP_CONF_MAX_ALGS 2
#define SP_CONF_DEFAULT_LISTEN "udp:127.0.0.1:5060"
#define SP_CONF_DEFAULT_ENDPOINT "ipc:///run/dbd/dbd.sock"

/* One "udp:ADDR:PORT" socket to serve. */
typedef struct sp_listen_conf {
    char *text;                  /* as written, normalised: "udp:[::1]:5060" */
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char host[64];               /* numeric address, IPv6 without brackets */
    int port;
    bool wildcard;               /* 0.0.0.0 or :: */
} sp_listen_conf;

/* Where a table lives: a dbd datasource and the table's name there. */
typedef struct sp_table_conf {
    char *ds;
    char *table;
} sp_table_conf;

typedef struct sp_conf {
    /* [sipproxy] */
    sp_listen_conf *listen;
    size_t nlisten;
    char *advertise;             /* NULL: the listen address */
    unsigned workers;            /* default: online CPUs */
    char *dbd_endpoint;
    unsigned dbd_timeout_ms;
    size_t max_pending;          /* dbd requests waiting, per worker */
    unsigned cleanup_interval_s; /* 0: off */
    dbd_log_dest log_dest;
    int log_level;
    char *pid_file;              /* NULL: none */
    char *user;                  /* run as this user after binding (root
                                  * only); NULL: stay who started it */
    char *group;                 /* and this group; NULL: the user's */
    char *dbd_key;               /* own CURVE key pair file, for a tcp://
                                  * dbd_endpoint with CURVE; NULL: none */
    char *dbd_server_key;        /* dbd's public key file */
    /* Their contents, read with the configuration (before sipproxy gives
     * up root), in Z85: empty when CURVE is not used. */
    char dbd_curve_public[41], dbd_curve_secret[41], dbd_curve_server[41];
    /* [sip] */
    char **domains;              /* lowercase */
    size_t ndomains;
    char *realm;                 /* NULL: the request's domain */
    sip_digest_alg algs[SP_CONF_MAX_ALGS];
    size_t nalgs;
    bool calculate_ha1;
    char *nonce_secret;          /* NULL: random at start */
    unsigned nonce_lifetime_s;
    int64_t min_expires_s, max_expires_s, default_expires_s;
    bool auth_requests;
    bool record_route;
    bool resolve_names;          /* resolve host names from the network */
    int no_route_code;
    char *route_group;           /* NULL: any */
    unsigned retry_after_s;
    char *server_header;         /* NULL: no Server header */
    /* [tables] */
    sp_table_conf subscriber, location, dr_rules, dr_gateways;
} sp_conf;

/* The defaults alone (no domain); NULL on allocation failure. */
sp_conf *sp_conf_new(void);
void sp_conf_destroy(sp_conf **pcfg);

/* Reads path: a new config, or NULL with "PATH:LINE: message" in err. */
sp_conf *sp_conf_load(const char *path, char *err, size_t errlen);
/* Same from a string; name stands for the file name in messages. */
sp_conf *sp_conf_parse_string(const char *text, const char *name, char *err,
                              size_t errlen);

/* true when host (any case, IPv6 with or without brackets) is a local
 * domain. */
bool sp_conf_is_local_domain(const sp_conf *cfg, const char *host);
/* The configured domain host names (as written in the config), or NULL. */
const char *sp_conf_find_domain(const sp_conf *cfg, const char *host);

/*
 * Parses "udp:ADDR:PORT" (IPv6 as "udp:[ADDR]:PORT") with a numeric
 * address into *out (text not set).  false with err on a bad spec.
 */
bool sp_listen_parse(const char *spec, sp_listen_conf *out, char *err,
                     size_t errlen);

#endif
