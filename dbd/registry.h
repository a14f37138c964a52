/*
 * registry.h - loads connector modules: <connector_dir>/<scheme>.so is
 * dlopen()ed the first time a datasource needs the scheme and stays loaded
 * until dbd_registry_destroy(); a swap or reload loads it again if the
 * file was replaced (dbd_registry_get_fresh).  Before use the module must pass the checks
 * of dbd_connector_check(); a module that fails is remembered, so each
 * later datasource gets the same message without another attempt.
 *
 * Used from one thread (start-up); the descriptors it returns are read-only
 * and may be used from any thread while the registry lives.
 */
#ifndef DBD_REGISTRY_H
#define DBD_REGISTRY_H

#include <stddef.h>

#include "dbd_connector.h"
#include "log.h"

typedef struct dbd_registry dbd_registry;

/* dir is copied.  NULL on allocation failure. */
dbd_registry *dbd_registry_new(const char *dir, const dbd_log *log);
/* dlclose()s every module: call only after every connection is closed. */
void dbd_registry_destroy(dbd_registry **preg);

/*
 * The connector serving scheme, or NULL with the reason in err (file
 * missing, unsafe permissions, wrong ABI or size, scheme mismatch, ...).
 */
const struct dbd_connector *dbd_registry_get(dbd_registry *reg,
                                             const char *scheme, char *err,
                                             size_t errlen);

/*
 * The same, for a new backend generation (swap, reload): when the module
 * file changed since it was loaded (another inode, size or time), or its
 * load had failed, the file is loaded again, next to the old copy, which
 * stays loaded for the connections that use it.
 */
const struct dbd_connector *dbd_registry_get_fresh(dbd_registry *reg,
                                                   const char *scheme,
                                                   char *err, size_t errlen);

/*
 * The checks a loaded descriptor must pass: ABI first, then size, scheme
 * and the mandatory entry points.  file names the module in messages.
 * 0, or -1 with the reason in err.
 */
int dbd_connector_check(const struct dbd_connector *c, const char *file,
                        const char *scheme, char *err, size_t errlen);

#endif
