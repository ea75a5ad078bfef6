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
 * Parse path, handing every key to fn.
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

/*
 * One file read by several programs (ctdb.conf is read by both our
 * daemons and by Samba's) has one table of every key it may hold, each
 * with the programs that read it as bits of readers. A program hands fn
 * only its own keys, skips the other programs' keys, and reports the rest
 * as unknown.
 */
struct conf_known_key {
	const char *section;
	const char *key;
	unsigned readers;
};

struct conf_schema {
	const struct conf_known_key *keys;
	size_t num_keys;
	unsigned reader; /* the bit of the program that parses */
};

/* "<file>:<line>: unknown key 'k' in section [s]", "...: unknown section [s]" */
struct conf_unknown {
	char **lines; /* on the mem_ctx of the parse */
	unsigned num;
};

/**
 * Parse path as conf_parse_file does, checking every key against schema:
 * fn sees only keys of schema->reader; each unknown section (once, on its
 * header line) and each unknown key of a known section adds a line to
 * *unknown, and parsing goes on. The caller decides whether that is a
 * warning or an error.
 */
int conf_parse_file_known(TALLOC_CTX *mem_ctx, const char *path,
			  const struct conf_schema *schema,
			  struct conf_unknown *unknown, conf_entry_fn fn,
			  void *private_data, char **errmsg);

/** The same from text in memory; name is used in messages. */
int conf_parse_text_known(TALLOC_CTX *mem_ctx, const char *name,
			  const char *text, const struct conf_schema *schema,
			  struct conf_unknown *unknown, conf_entry_fn fn,
			  void *private_data, char **errmsg);

/** line_file_read(), under the name older callers know. */
int conf_read_file(TALLOC_CTX *mem_ctx, const char *path, char **out);

/** Parse a non-negative decimal integer up to max. @return true if valid. */
bool conf_parse_uint(const char *value, unsigned long max,
		     unsigned long *out);

#endif
