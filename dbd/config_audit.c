/*
 * config_audit.c - the [audit] section of dbd.conf: where the trail goes
 * (file, publish), how it is kept (max_size, queue, loss, sync) and the
 * checks between its keys.
 */
#include "config_parse.h"

#include <string.h>

#include "config_value.h"
#include "ini_values.h"

/* Indexed by dbd_audit_loss and dbd_audit_sync. */
static const char *const loss_names[] = {"drop", "block"};
static const char *const sync_names[] = {"interval", "every", "none"};

const char *dbd_audit_loss_name(dbd_audit_loss l)
{
    return loss_names[l == DBD_AUDIT_LOSS_BLOCK];
}

const char *dbd_audit_sync_name(dbd_audit_sync s)
{
    return (unsigned)s < 3 ? sync_names[s] : "?";
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

bool dbd_audit_config_equal(const dbd_audit_config *a,
                            const dbd_audit_config *b)
{
    return str_eq(a->file, b->file) && a->max_size == b->max_size &&
           str_eq(a->publish, b->publish) &&
           a->publish_hwm == b->publish_hwm && a->queue == b->queue &&
           a->loss == b->loss && a->sync == b->sync &&
           a->sync_interval_ms == b->sync_interval_ms;
}

/* publish = one ipc:// or tcp:// endpoint. */
static bool audit_publish(ini_strict *in, dbd_audit_config *ac,
                          const char *value)
{
    if ((strncmp(value, "ipc://", 6) != 0 && strncmp(value, "tcp://", 6) != 0)
        || strlen(value) <= 6 || strpbrk(value, " \t,") != NULL) {
        ini_strict_error(in, "publish: \"%s\" is not one ipc:// or tcp:// "
                         "endpoint", value);
        return false;
    }
    return ini_set_string(in, "publish", value, false, &ac->publish);
}

static bool audit_uint(ini_strict *in, const char *key, const char *value,
                       uint64_t min, uint64_t max, unsigned *dst)
{
    uint64_t n;
    if (!ini_set_uint(in, key, value, min, max, &n))
        return false;
    *dst = (unsigned)n;
    return true;
}

bool config_audit_key(ini_strict *in, parse_state *ps, const char *key,
                      const char *value)
{
    dbd_audit_config *ac = &ps->cfg->audit;
    int choice;

    if (strcmp(key, "file") == 0)
        return ini_set_string(in, key, value, false, &ac->file);
    if (strcmp(key, "publish") == 0)
        return audit_publish(in, ac, value);
    if (strcmp(key, "max_size") == 0)
        return ini_set_size(in, key, value, 0, UINT64_C(1) << 40,
                            &ac->max_size);
    if (strcmp(key, "publish_hwm") == 0)
        return audit_uint(in, key, value, 1, 10000000, &ac->publish_hwm);
    if (strcmp(key, "queue") == 0)
        return audit_uint(in, key, value, 1, 10000000, &ac->queue);
    if (strcmp(key, "sync_interval") == 0)
        return audit_uint(in, key, value, 1, 3600000, &ac->sync_interval_ms);
    if (strcmp(key, "loss") == 0) {
        if (!ini_set_choice(in, key, value, loss_names, 2, &choice))
            return false;
        ac->loss = (dbd_audit_loss)choice;
        return true;
    }
    if (strcmp(key, "sync") == 0) {
        if (!ini_set_choice(in, key, value, sync_names, 3, &choice))
            return false;
        ac->sync = (dbd_audit_sync)choice;
        return true;
    }
    ini_strict_error(in, "unknown key \"%s\" in [audit]", key);
    return false;
}

void config_audit_finish(ini_strict *in, parse_state *ps)
{
    const dbd_audit_config *ac = &ps->cfg->audit;
    if (ps->audit_line == 0)
        return;
    /* A dropped record could not hold back its reply. */
    if (ac->sync == DBD_AUDIT_SYNC_EVERY && ac->loss != DBD_AUDIT_LOSS_BLOCK)
        ini_strict_error_at(in, ps->audit_line, "[audit] sync = every needs "
                            "loss = block (a reply waits for its record, "
                            "which therefore may not be dropped)");
    else if (ac->sync == DBD_AUDIT_SYNC_EVERY && ac->file == NULL)
        ini_strict_error_at(in, ps->audit_line, "[audit] sync = every needs "
                            "a file");
    else if (ac->file == NULL && ac->publish == NULL)
        ini_strict_error_at(in, ps->audit_line, "[audit] has neither file nor "
                            "publish: set one, or remove the section");
}
