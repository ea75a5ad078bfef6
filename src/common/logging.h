/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging: levels, targets (file:PATH, stderr, syslog) and reopen on SIGHUP. */
#ifndef CTDB_COMMON_LOGGING_H
#define CTDB_COMMON_LOGGING_H

#include <stdbool.h>
#include <talloc.h>

enum debug_level {
	DEBUG_ERR = 0,
	DEBUG_WARNING = 1,
	DEBUG_NOTICE = 2,
	DEBUG_INFO = 3,
	DEBUG_DEBUG = 4,
};

extern int debug_level;

void log_message(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define DEBUG_AT(lvl, ...)                                     \
	do {                                                   \
		if ((lvl) <= debug_level) {                    \
			log_message((lvl), __VA_ARGS__);       \
		}                                              \
	} while (0)

#define D_ERR(...) DEBUG_AT(DEBUG_ERR, __VA_ARGS__)
#define D_WARNING(...) DEBUG_AT(DEBUG_WARNING, __VA_ARGS__)
#define D_NOTICE(...) DEBUG_AT(DEBUG_NOTICE, __VA_ARGS__)
#define D_INFO(...) DEBUG_AT(DEBUG_INFO, __VA_ARGS__)
#define D_DEBUG(...) DEBUG_AT(DEBUG_DEBUG, __VA_ARGS__)

/**
 * Parse a level name (ERROR, WARNING, NOTICE, INFO, DEBUG, also ERR and
 * the numbers 0-4), case-insensitively.
 * @return true and *level on success, false if the name is unknown.
 */
bool debug_level_parse(const char *name, int *level);
const char *debug_level_to_string(int level);

/**
 * Check a location string: "file:PATH", "file:" or "file:-" (stderr),
 * "syslog" or "syslog:...".
 */
bool logging_location_valid(const char *location);

/**
 * Start logging for this process. Messages go to the location, each line
 * prefixed as CTDB does in file mode; on stderr they are bare lines.
 * @return 0 on success, errno on failure (for example the file cannot be
 * opened).
 */
int logging_init(const char *location, int level, const char *progname);

/* The [logging] section of ctdb.conf, read the same way by both daemons. */
struct logging_config {
	char *location; /* [logging] location, on the owner of the config */
	int level;      /* [logging] log level */
};

/**
 * CTDB's defaults: file:<logdir>/log.ctdb at NOTICE.
 * @return 0 or ENOMEM.
 */
int logging_config_defaults(TALLOC_CTX *owner, struct logging_config *lc);

/**
 * Check and store one [logging] key ("location", "log level"; other keys
 * are not this module's and return true untouched). On a bad value
 * return false with *reason (on mem_ctx) naming the value and what is
 * expected.
 */
bool logging_config_entry(TALLOC_CTX *mem_ctx, TALLOC_CTX *owner,
			  struct logging_config *lc, const char *key,
			  const char *value, char **reason);

/**
 * Start logging as configured. CTDB_INTERACTIVE in the environment sends
 * the log to stderr at NOTICE, whatever the file says; a log file that
 * cannot be opened sends it to stderr, and says so there.
 */
void logging_setup(const struct logging_config *lc, const char *progname);

/** Reopen a log file (after rotation). @return 0 or errno. */
int logging_reopen(void);

/** Log each non-empty line of text at level, as "<prefix>: <line>". */
void log_lines(int level, const char *prefix, const char *text);

#endif
