/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging to a file, stderr or syslog with CTDB's level names. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/logging.h"

int debug_level = DEBUG_ERR;

enum log_target {
	LOG_TARGET_STDERR,
	LOG_TARGET_FILE,
	LOG_TARGET_SYSLOG,
};

static struct {
	enum log_target target;
	char path[4096];
	int fd;
	char progname[64];
	char hostname[256];
} log_state = {
	.target = LOG_TARGET_STDERR,
	.fd = 2,
	.progname = "ctdb",
};

static const struct {
	const char *name;
	int level;
} level_names[] = {
	{ "ERROR", DEBUG_ERR },
	{ "ERR", DEBUG_ERR },
	{ "WARNING", DEBUG_WARNING },
	{ "NOTICE", DEBUG_NOTICE },
	{ "INFO", DEBUG_INFO },
	{ "DEBUG", DEBUG_DEBUG },
};

bool debug_level_parse(const char *name, int *level)
{
	size_t i;

	if (name == NULL) {
		return false;
	}
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcasecmp(name, level_names[i].name) == 0) {
			*level = level_names[i].level;
			return true;
		}
	}
	if (name[0] >= '0' && name[0] <= '4' && name[1] == '\0') {
		*level = name[0] - '0';
		return true;
	}
	return false;
}

const char *debug_level_to_string(int level)
{
	switch (level) {
	case DEBUG_ERR:
		return "ERROR";
	case DEBUG_WARNING:
		return "WARNING";
	case DEBUG_NOTICE:
		return "NOTICE";
	case DEBUG_INFO:
		return "INFO";
	case DEBUG_DEBUG:
		return "DEBUG";
	}
	return "UNKNOWN";
}

static bool location_is_stderr(const char *location)
{
	return strcmp(location, "file:") == 0 ||
	       strcmp(location, "file:-") == 0;
}

bool logging_location_valid(const char *location)
{
	if (location == NULL) {
		return false;
	}
	if (strncmp(location, "file:", 5) == 0) {
		return location_is_stderr(location) || location[5] == '/';
	}
	if (strcmp(location, "syslog") == 0 ||
	    strncmp(location, "syslog:", 7) == 0) {
		return true;
	}
	return false;
}

static int open_log_file(const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1) {
		return -1;
	}
	return fd;
}

int logging_init(const char *location, int level, const char *progname)
{
	int fd;

	if (!logging_location_valid(location)) {
		return EINVAL;
	}
	debug_level = level;
	snprintf(log_state.progname, sizeof(log_state.progname), "%s",
		 progname);
	if (gethostname(log_state.hostname, sizeof(log_state.hostname)) != 0) {
		snprintf(log_state.hostname, sizeof(log_state.hostname),
			 "localhost");
	}

	if (location_is_stderr(location)) {
		log_state.target = LOG_TARGET_STDERR;
		log_state.fd = 2;
		return 0;
	}
	if (strncmp(location, "syslog", 6) == 0) {
		log_state.target = LOG_TARGET_SYSLOG;
		openlog(log_state.progname, LOG_PID, LOG_DAEMON);
		return 0;
	}

	fd = open_log_file(location + 5);
	if (fd == -1) {
		return errno;
	}
	if (log_state.target == LOG_TARGET_FILE && log_state.fd > 2) {
		close(log_state.fd);
	}
	snprintf(log_state.path, sizeof(log_state.path), "%s", location + 5);
	log_state.target = LOG_TARGET_FILE;
	log_state.fd = fd;
	return 0;
}

int logging_config_defaults(TALLOC_CTX *owner, struct logging_config *lc)
{
	lc->level = DEBUG_NOTICE;
	lc->location = talloc_strdup(owner, "file:" CTDB_LOGDIR "/log.ctdb");
	return (lc->location == NULL) ? ENOMEM : 0;
}

static bool config_location(TALLOC_CTX *mem_ctx, TALLOC_CTX *owner,
			    struct logging_config *lc, const char *value,
			    char **reason)
{
	char *copy;
	bool ok = logging_location_valid(value);

	if (!ok) {
		*reason = talloc_asprintf(mem_ctx,
					  "invalid log location '%s' (expected "
					  "file:PATH, file: or syslog)",
					  value);
		return false;
	}
	copy = talloc_strdup(owner, value);
	if (copy == NULL) {
		return false;
	}
	talloc_free(lc->location);
	lc->location = copy;
	return true;
}

bool logging_config_entry(TALLOC_CTX *mem_ctx, TALLOC_CTX *owner,
			  struct logging_config *lc, const char *key,
			  const char *value, char **reason)
{
	bool ok;

	if (strcasecmp(key, "location") == 0) {
		return config_location(mem_ctx, owner, lc, value, reason);
	}
	if (strcasecmp(key, "log level") != 0) {
		return true;
	}
	ok = debug_level_parse(value, &lc->level);
	if (!ok) {
		*reason = talloc_asprintf(mem_ctx,
					  "invalid log level '%s' (expected "
					  "ERROR, WARNING, NOTICE, INFO or "
					  "DEBUG)",
					  value);
	}
	return ok;
}

void logging_setup(const struct logging_config *lc, const char *progname)
{
	const char *location = lc->location;
	int level = lc->level;
	int ret;

	if (getenv("CTDB_INTERACTIVE") != NULL) {
		location = "file:";
		level = DEBUG_NOTICE;
	}
	ret = logging_init(location, level, progname);
	if (ret != 0) {
		(void)logging_init("file:", level, progname);
		D_ERR("Failed to open log %s: %s, logging to stderr",
		      location, strerror(ret));
	}
}

int logging_reopen(void)
{
	int fd;

	if (log_state.target != LOG_TARGET_FILE) {
		return 0;
	}
	fd = open_log_file(log_state.path);
	if (fd == -1) {
		return errno;
	}
	close(log_state.fd);
	log_state.fd = fd;
	return 0;
}

static int syslog_priority(int level)
{
	switch (level) {
	case DEBUG_ERR:
		return LOG_ERR;
	case DEBUG_WARNING:
		return LOG_WARNING;
	case DEBUG_NOTICE:
		return LOG_NOTICE;
	case DEBUG_INFO:
		return LOG_INFO;
	}
	return LOG_DEBUG;
}

/* A file line reads "2026-11-22T02:42:36.220204+00:00 host prog[pid]: msg". */
static int format_prefix(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;
	char date[64];
	char zone[16];
	int off;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	off = (int)(tm.tm_gmtoff / 60);
	snprintf(zone, sizeof(zone), "%c%02d:%02d", off < 0 ? '-' : '+',
		 (abs(off) / 60) % 100, abs(off) % 60);
	return snprintf(buf, size, "%s.%06ld%s %s %s[%d]: ", date,
			(long)tv.tv_usec, zone, log_state.hostname,
			log_state.progname, (int)getpid());
}

void log_message(int level, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n = 0;
	int m;
	ssize_t ret;

	va_start(ap, fmt);
	if (log_state.target == LOG_TARGET_SYSLOG) {
		vsyslog(syslog_priority(level), fmt, ap);
		va_end(ap);
		return;
	}
	if (log_state.target == LOG_TARGET_FILE) {
		n = format_prefix(buf, sizeof(buf));
	}
	m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (m < 0) {
		return;
	}
	n += m;
	if (n > (int)sizeof(buf) - 2) {
		n = sizeof(buf) - 2;
	}
	if (n == 0 || buf[n - 1] != '\n') {
		buf[n++] = '\n';
	}
	/* One write per line, so lines from several processes do not mix. */
	ret = write(log_state.fd, buf, n);
	(void)ret;
}

void log_lines(int level, const char *prefix, const char *text)
{
	const char *p = text;

	if (text == NULL || level > debug_level) {
		return;
	}
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = (nl == NULL) ? strlen(p) : (size_t)(nl - p);

		if (len > 0) {
			log_message(level, "%s: %.*s", prefix, (int)len, p);
		}
		if (nl == NULL) {
			break;
		}
		p = nl + 1;
	}
}
