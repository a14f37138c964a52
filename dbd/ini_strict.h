/*
 * ini_strict.h - strict reading of an INI file, shared by dbd.conf and
 * sipproxy.conf: inih parses "key = value" lines, comments and the BOM,
 * fed through our own line reader so that the line of every key is known,
 * every section header is seen (also empty sections and names longer than
 * inih's section buffer) and over-long lines are refused instead of split.
 *
 * The caller says what its sections and keys mean (ini_strict_ops); this
 * reader refuses keys outside any section, a key given twice in one
 * section, and keeps the first error for a "FILE:LINE: message" report.
 */
#ifndef DBD_INI_STRICT_H
#define DBD_INI_STRICT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ini_strict ini_strict;

typedef struct ini_strict_ops {
    /* A section header; name is the text between [ and ], trimmed.  false
     * (with the error set) when the section is bad: its keys are skipped. */
    bool (*section)(ini_strict *in, void *user, const char *name);
    /* true when key may be given more than once in the current section;
     * NULL: no key may repeat. */
    bool (*key_repeats)(void *user, const char *key);
    /* One key of the current good section; false with the error set when
     * the key is unknown or its value bad. */
    bool (*key)(ini_strict *in, void *user, const char *key,
                const char *value);
    /* Checks that need the whole file, run when no error was found;
     * NULL: none. */
    void (*finish)(ini_strict *in, void *user);
} ini_strict_ops;

/*
 * Reads text, or the file name when text is NULL (name stands for the file
 * in messages either way).  0 on success; -1 with "NAME:LINE: message",
 * "NAME: message" (an error with no line), "NAME: cannot open: ...",
 * "NAME: read error" or "NAME: out of memory" in err.
 */
int ini_strict_parse(const char *name, const char *text,
                     const ini_strict_ops *ops, void *user, char *err,
                     size_t errlen);

/* Records the first error (later ones are dropped) at the line being read
 * / at line (0: no line applies). */
void ini_strict_error(ini_strict *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ini_strict_error_at(ini_strict *in, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An allocation failed: the parse ends with "out of memory". */
void ini_strict_oom(ini_strict *in);
/* The number of the line being read (1 for the first). */
int ini_strict_lineno(const ini_strict *in);

/* For sections that may appear once: records the header's line in
 * *first_line, or sets "duplicate section [NAME] (first on line N)" and
 * returns false when it was seen before. */
bool ini_strict_section_once(ini_strict *in, const char *name,
                             int *first_line);

#endif
