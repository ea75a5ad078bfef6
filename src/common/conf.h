/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reader for ctdb.conf-style ini files, reporting errors by file and line. */
#ifndef CTDB_COMMON_CONF_H
#define CTDB_COMMON_CONF_H

#include <stdbool.h>
#include <talloc.h>

/*
 * The format is CTDB's: "[section]" lines, "key = value" lines, comments
 * starting with '#' or ';', blank lines; leading white space is allowed
 * everywhere (CTDB's own ctdb.conf indents every key). Keys and sections
 * are trimmed; values are trimmed and may be empty. A library parser
 * (Debian's inih) was tried and treats indented lines as continuations of
 * the previous value, which breaks CTDB's files; hence this small one.
 */

/**
 * Called for every key. Return false and set *reason (a talloc string on
 * mem_ctx) to reject the value; parsing then stops.
 */
typedef bool (*conf_entry_fn)(TALLOC_CTX *mem_ctx, const char *section,
			      const char *key, const char *value,
			      void *private_data, char **reason);

/**
 * Parse path.
 * @return 0; ENOENT if the file does not exist (nothing is reported);
 * another errno for an unreadable file; EINVAL for a syntax error or a
 * rejected value. On failure other than ENOENT *errmsg (on mem_ctx) is one
 * line: "<path>:<line>: <reason>" or "<path>: <strerror>".
 */
int conf_parse_file(TALLOC_CTX *mem_ctx, const char *path, conf_entry_fn fn,
		    void *private_data, char **errmsg);

/** Parse text already in memory; name is used in messages. */
int conf_parse_text(TALLOC_CTX *mem_ctx, const char *name, const char *text,
		    conf_entry_fn fn, void *private_data, char **errmsg);

/**
 * Read a whole text file into one NUL-terminated talloc string.
 * @return 0, the errno of opening or reading, or EILSEQ if the file holds
 * a NUL byte.
 */
int conf_read_file(TALLOC_CTX *mem_ctx, const char *path, char **out);

/** Parse a non-negative decimal integer up to max. @return true if valid. */
bool conf_parse_uint(const char *value, unsigned long max,
		     unsigned long *out);

#endif
