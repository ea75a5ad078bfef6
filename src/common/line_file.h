/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One reader for line-oriented text files, with "file:line: reason" errors. */
#ifndef CTDB_COMMON_LINE_FILE_H
#define CTDB_COMMON_LINE_FILE_H

#include <stdbool.h>
#include <talloc.h>

/*
 * ctdb.conf, ctdb.tunables and public_addresses are all read through this
 * module, so that they trim, skip comments, count lines and word their
 * read errors the same way.
 *
 * Every line is trimmed of white space at both ends (a CR of a CRLF file
 * included). Blank lines, and lines whose first character is one of the
 * caller's comment characters, are skipped; every other line is handed to
 * the callback, writable, with its 1-based number.
 */

/**
 * Handle one line. Return 0 to go on, or an errno to stop; set *reason (a
 * talloc string on mem_ctx) to say what is wrong with the line. An errno
 * without a reason (ENOMEM) is passed on with no message.
 */
typedef int (*line_file_fn)(TALLOC_CTX *mem_ctx, char *line,
			    unsigned lineno, void *private_data,
			    char **reason);

/**
 * Feed every line of text to fn. name is used in messages.
 * comment_chars: the characters that start a comment line, e.g. "#;".
 * @return 0, or the callback's errno, with *errmsg (on mem_ctx)
 * "<name>:<line>: <reason>" when it gave a reason.
 */
int line_file_parse_text(TALLOC_CTX *mem_ctx, const char *name,
			 const char *text, const char *comment_chars,
			 line_file_fn fn, void *private_data, char **errmsg);

/**
 * Read path and feed it to fn as above.
 * @return 0; ENOENT if the file does not exist (no message: whether that
 * is an error is the caller's business); another errno for a file that
 * cannot be read, with *errmsg "<path>: <strerror>" or "<path>: contains
 * a NUL byte"; or the callback's errno as above.
 */
int line_file_parse(TALLOC_CTX *mem_ctx, const char *path,
		    const char *comment_chars, line_file_fn fn,
		    void *private_data, char **errmsg);

/**
 * Read a whole text file into one NUL-terminated talloc string.
 * @return 0, the errno of opening or reading, or EILSEQ if the file holds
 * a NUL byte.
 */
int line_file_read(TALLOC_CTX *mem_ctx, const char *path, char **out);

/** Cut white space from both ends of s, in place. @return the new start. */
char *line_file_trim(char *s);

/** "<name>:<lineno>: <message>", on mem_ctx; NULL when out of memory. */
char *line_file_where(TALLOC_CTX *mem_ctx, const char *name, unsigned lineno,
		      const char *fmt, ...) PRINTF_ATTRIBUTE(4, 5);

#endif
