/*
 * config.c - loads dbd.conf with inih, strictly (see config.h); the keys
 * themselves are handled in config_keys.c.
 *
 * inih parses "key = value" lines, comments and the BOM; this file feeds it
 * through its own reader so that it knows the line of every key, sees every
 * section header (also empty sections, and names longer than inih's 50
 * character section buffer) and can refuse over-long lines instead of
 * letting them be split.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <ini.h>

#include "config_parse.h"
#include "config_value.h"

void config_set_error_at(parse_state *ps, int line, const char *fmt, ...)
{
    va_list ap;
    if (ps->err_line != 0 || ps->oom)
        return; /* the first error is the one worth reading */
    ps->err_line = line;
    va_start(ap, fmt);
    vsnprintf(ps->err, sizeof ps->err, fmt, ap);
    va_end(ap);
}

static void forget_keys(parse_state *ps)
{
    for (size_t i = 0; i < ps->nseen; i++)
        free(ps->seen[i].key);
    free(ps->seen);
    ps->seen = NULL;
    ps->nseen = 0;
}

/* Remembers key for this section; false (error set) on a duplicate. */
bool config_note_key(parse_state *ps, const char *key)
{
    seen_key *grown;
    for (size_t i = 0; i < ps->nseen; i++) {
        if (strcmp(ps->seen[i].key, key) == 0) {
            set_error(ps, "duplicate key \"%s\" (first set on line %d)", key,
                      ps->seen[i].line);
            return false;
        }
    }
    grown = realloc(ps->seen, (ps->nseen + 1) * sizeof *grown);
    if (grown == NULL) {
        ps->oom = true;
        return false;
    }
    ps->seen = grown;
    ps->seen[ps->nseen].key = strdup(key);
    if (ps->seen[ps->nseen].key == NULL) {
        ps->oom = true;
        return false;
    }
    ps->seen[ps->nseen++].line = ps->lineno;
    return true;
}

bool dbd_ds_name_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > DBD_CONF_DS_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '_' && c != '.' && c != '-')
            return false;
    }
    return true;
}

static void ds_defaults(dbd_ds_config *ds)
{
    memset(ds, 0, sizeof *ds);
    ds->pool = 2;
    ds->queue = 1024;
    ds->timeout_ms = 5000;
    ds->allow_raw = false;
    ds->reconnect_min_ms = 100;
    ds->reconnect_max_ms = 10000;
}

static void ds_free(dbd_ds_config *ds)
{
    free(ds->name);
    free(ds->url);
    for (size_t i = 0; i < ds->noptions; i++) {
        free((char *)ds->options[i].key);
        free((char *)ds->options[i].value);
    }
    free(ds->options);
}

const dbd_ds_config *dbd_config_find_ds(const dbd_config *cfg,
                                        const char *name)
{
    for (size_t i = 0; i < cfg->nds; i++)
        if (strcmp(cfg->ds[i].name, name) == 0)
            return &cfg->ds[i];
    return NULL;
}

/* A section header seen by the reader: name is the text between [ and ]. */
static void begin_section(parse_state *ps, const char *name)
{
    dbd_ds_config *grown;
    const char *dsname;

    forget_keys(ps);
    ps->sec = SEC_BAD;
    if (strcmp(name, "dbd") == 0) {
        if (ps->dbd_line != 0) {
            set_error(ps, "duplicate section [dbd] (first on line %d)",
                      ps->dbd_line);
            return;
        }
        ps->dbd_line = ps->lineno;
        ps->sec = SEC_DBD;
        return;
    }
    if (strncmp(name, "datasource", 10) != 0 ||
        (name[10] != '\0' && !isspace((unsigned char)name[10]))) {
        set_error(ps, "unknown section [%s] (expected [dbd] or "
                  "[datasource NAME])", name);
        return;
    }
    dsname = name + 10;
    while (isspace((unsigned char)*dsname))
        dsname++;
    if (*dsname == '\0') {
        set_error(ps, "datasource section without a name "
                  "(write [datasource NAME])");
        return;
    }
    if (!dbd_ds_name_valid(dsname)) {
        set_error(ps, "bad datasource name \"%s\" (use 1 to %d of "
                  "A-Z a-z 0-9 _ . -)", dsname, DBD_CONF_DS_NAME_MAX);
        return;
    }
    for (size_t i = 0; i < ps->cfg->nds; i++) {
        if (strcmp(ps->cfg->ds[i].name, dsname) == 0) {
            set_error(ps, "duplicate datasource \"%s\" (first defined on "
                      "line %d)", dsname, ps->cfg->ds[i].line);
            return;
        }
    }
    grown = realloc(ps->cfg->ds, (ps->cfg->nds + 1) * sizeof *grown);
    if (grown == NULL) {
        ps->oom = true;
        return;
    }
    ps->cfg->ds = grown;
    ds_defaults(&grown[ps->cfg->nds]);
    grown[ps->cfg->nds].line = ps->lineno;
    grown[ps->cfg->nds].name = strdup(dsname);
    if (grown[ps->cfg->nds].name == NULL) {
        ps->oom = true;
        return;
    }
    ps->cur_ds = ps->cfg->nds++;
    ps->sec = SEC_DS;
}

/* Reads the next raw line into ps->line without its end of line; -1 at EOF. */
static ssize_t next_line(parse_state *ps)
{
    ssize_t n;
    if (ps->fp != NULL) {
        n = getline(&ps->line, &ps->linecap, ps->fp);
        if (n < 0)
            return -1;
    } else {
        const char *start = ps->text + ps->textpos;
        const char *nl;
        size_t len;
        if (*start == '\0')
            return -1;
        nl = strchr(start, '\n');
        len = nl != NULL ? (size_t)(nl - start) + 1 : strlen(start);
        if (len + 1 > ps->linecap) {
            char *grown = realloc(ps->line, len + 1);
            if (grown == NULL) {
                ps->oom = true;
                return -1;
            }
            ps->line = grown;
            ps->linecap = len + 1;
        }
        memcpy(ps->line, start, len);
        ps->line[len] = '\0';
        ps->textpos += len;
        n = (ssize_t)len;
    }
    if (n > 0 && ps->line[n - 1] == '\n')
        ps->line[--n] = '\0';
    if (n > 0 && ps->line[n - 1] == '\r')
        ps->line[--n] = '\0';
    return n;
}

/* Checks a "[...]" line and starts the section it names. */
static void section_line(parse_state *ps, char *line)
{
    char *close = strchr(line, ']');
    char *name = line + 1;
    char *rest, *copy;
    if (close == NULL) {
        set_error(ps, "section header without ']'");
        ps->sec = SEC_BAD;
        return;
    }
    for (rest = close + 1; isspace((unsigned char)*rest); rest++)
        ;
    if (*rest != '\0' && *rest != ';' && *rest != '#') {
        set_error(ps, "unexpected text after section header: \"%s\"", rest);
        ps->sec = SEC_BAD;
        return;
    }
    while (name < close && isspace((unsigned char)*name))
        name++;
    while (close > name && isspace((unsigned char)close[-1]))
        close--;
    /* A copy: the line itself goes on to inih unchanged. */
    copy = strndup(name, (size_t)(close - name));
    if (copy == NULL) {
        ps->oom = true;
        return;
    }
    begin_section(ps, copy);
    free(copy);
}

/*
 * inih's fgets-style reader.  Leading blanks are stripped so that inih
 * never treats a line as a continuation of the previous value (a stray
 * indented line is then a syntax error rather than a silent append).
 */
static char *config_reader(char *str, int num, void *stream)
{
    parse_state *ps = stream;
    ssize_t n = next_line(ps);
    char *line;
    size_t len;

    if (n < 0 || ps->oom)
        return NULL;
    ps->lineno++;
    if (memchr(ps->line, '\0', (size_t)n) != NULL) {
        set_error(ps, "NUL byte in line");
        strcpy(str, "\n");
        return str;
    }
    line = ps->line;
    if (ps->lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
        line += 3; /* a UTF-8 byte order mark */
    while (*line == ' ' || *line == '\t')
        line++;
    len = strlen(line);
    if (num < 3 || len > (size_t)num - 2) {
        set_error(ps, "line too long (at most %d characters)", num - 3);
        strcpy(str, "\n");
        return str;
    }
    if (*line == '[')
        section_line(ps, line);
    memcpy(str, line, len);
    str[len] = '\n';
    str[len + 1] = '\0';
    return str;
}

/* inih's handler; the section comes from the reader, not from inih. */
static int config_handler(void *user, const char *section, const char *key,
                          const char *value)
{
    parse_state *ps = user;
    (void)section;
    if (ps->oom)
        return 0;
    switch (ps->sec) {
    case SEC_NONE:
        set_error(ps, "key \"%s\" outside any section", key);
        return 0;
    case SEC_BAD:
        return 1; /* the header's error has been reported */
    case SEC_DBD:
        if (!config_note_key(ps, key))
            return 0;
        return config_dbd_key(ps, key, value) ? 1 : 0;
    case SEC_DS:
        if (!config_note_key(ps, key))
            return 0;
        return config_ds_key(ps, key, value) ? 1 : 0;
    }
    return 0;
}

/* Checks that need the whole file; defaults that are not constants. */
static void finish(parse_state *ps)
{
    dbd_config *cfg = ps->cfg;
    for (size_t i = 0; i < cfg->nds; i++) {
        const dbd_ds_config *ds = &cfg->ds[i];
        if (ds->url == NULL)
            config_set_error_at(ps, ds->line, "datasource \"%s\" has no url",
                         ds->name);
        else if (ds->reconnect_min_ms > ds->reconnect_max_ms)
            config_set_error_at(ps, ds->line, "datasource \"%s\": reconnect_min "
                         "(%u) is greater than reconnect_max (%u)", ds->name,
                         ds->reconnect_min_ms, ds->reconnect_max_ms);
    }
    if (cfg->nendpoints == 0) {
        char err[64];
        if (config_parse_endpoints(DBD_CONF_DEFAULT_ENDPOINT, &cfg->endpoints,
                                   &cfg->nendpoints, err, sizeof err) != 0)
            ps->oom = true;
    }
}

dbd_config *dbd_config_new(void)
{
    dbd_config *cfg = calloc(1, sizeof *cfg);
    if (cfg == NULL)
        return NULL;
    cfg->connector_dir = strdup(CONNECTOR_DIR);
    if (cfg->connector_dir == NULL) {
        free(cfg);
        return NULL;
    }
    cfg->max_message = 1048576;
    cfg->chunk_bytes = 65536;
    cfg->max_rows = 0;
    cfg->log_dest = DBD_LOG_TO_STDERR;
    cfg->log_level = LOG_INFO;
    cfg->drain_timeout_ms = 5000;
    cfg->io_threads = 1;
    return cfg;
}

void dbd_config_destroy(dbd_config **pcfg)
{
    dbd_config *cfg;
    if (pcfg == NULL || *pcfg == NULL)
        return;
    cfg = *pcfg;
    for (size_t i = 0; i < cfg->nendpoints; i++)
        free(cfg->endpoints[i]);
    free(cfg->endpoints);
    free(cfg->connector_dir);
    for (size_t i = 0; i < cfg->nds; i++)
        ds_free(&cfg->ds[i]);
    free(cfg->ds);
    free(cfg);
    *pcfg = NULL;
}

static dbd_config *parse(parse_state *ps, char *err, size_t errlen)
{
    dbd_config *result = NULL;
    int r;

    ps->cfg = dbd_config_new();
    if (ps->cfg == NULL) {
        snprintf(err, errlen, "%s: out of memory", ps->name);
        goto out;
    }
    r = ini_parse_stream(config_reader, ps, config_handler, ps);
    if (ps->oom || r == -2) {
        snprintf(err, errlen, "%s: out of memory", ps->name);
        goto out;
    }
    if (ps->fp != NULL && ferror(ps->fp)) {
        snprintf(err, errlen, "%s: read error", ps->name);
        goto out;
    }
    /* inih reports lines it could not parse; ours may be later or absent. */
    if (r > 0 && (ps->err_line == 0 || r < ps->err_line)) {
        ps->err_line = r;
        snprintf(ps->err, sizeof ps->err,
                 "syntax error (expected [section] or key = value)");
    }
    if (ps->err_line == 0)
        finish(ps);
    if (ps->oom) {
        snprintf(err, errlen, "%s: out of memory", ps->name);
        goto out;
    }
    if (ps->err_line != 0) {
        snprintf(err, errlen, "%s:%d: %s", ps->name, ps->err_line, ps->err);
        goto out;
    }
    result = ps->cfg;
    ps->cfg = NULL;
out:
    dbd_config_destroy(&ps->cfg);
    forget_keys(ps);
    free(ps->line);
    return result;
}

dbd_config *dbd_config_parse_string(const char *text, const char *name,
                                    char *err, size_t errlen)
{
    parse_state ps = {.name = name, .text = text};
    return parse(&ps, err, errlen);
}

dbd_config *dbd_config_load(const char *path, char *err, size_t errlen)
{
    parse_state ps = {.name = path};
    dbd_config *cfg;

    ps.fp = fopen(path, "re");
    if (ps.fp == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    cfg = parse(&ps, err, errlen);
    fclose(ps.fp);
    return cfg;
}
