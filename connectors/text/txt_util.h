/*
 * txt_util.h - path building for the text connector.  (Its buffer is the
 * core's dbd_buf, buf.h; its error messages come from dbd_failf(),
 * status.h.)
 */
#ifndef TXT_UTIL_H
#define TXT_UTIL_H

/* malloc'd "dir/prefix name suffix" (no separators added besides '/');
 * NULL on allocation failure. */
char *txt_path(const char *dir, const char *prefix, const char *name,
               const char *suffix);

#endif
