/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tunables table: one place for names, defaults, limits and help. */
#ifndef CTDB_COMMON_TUNABLE_H
#define CTDB_COMMON_TUNABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

/*
 * Names and defaults are CTDB's where CTDB has the tunable. The table
 * drives validation, `ctdb listvars` and the ctdb-tunables(7) man page
 * (a test keeps the page in step with it).
 */
enum tunable_id {
	TUNABLE_MONITOR_INTERVAL,
	TUNABLE_EVENT_SCRIPT_TIMEOUT,
	TUNABLE_MONITOR_TIMEOUT_COUNT,
	TUNABLE_MONITOR_FAIL_COUNT,
	TUNABLE_MONITOR_OK_COUNT,
	TUNABLE_NO_IP_FAILBACK,
	TUNABLE_NO_IP_TAKEOVER,
	TUNABLE_NO_IP_HOST_ON_ALL_DISABLED,
	TUNABLE_TAKEOVER_TIMEOUT,
	TUNABLE_STARTUP_RETRY_INTERVAL,
	TUNABLE_CLUSTER_HEARTBEAT_INTERVAL,
	TUNABLE_CLUSTER_HEARTBEAT_TIMEOUT,
	TUNABLE_CLUSTER_TAKEOVER_GRACE,
	TUNABLE_COUNT
};

struct tunable_def {
	enum tunable_id id;
	const char *name; /* CTDB's spelling, e.g. "MonitorInterval" */
	uint32_t def;
	uint32_t min;
	uint32_t max;
	const char *unit; /* "seconds", "milliseconds", "count", "boolean" */
	const char *help; /* one sentence */
};

struct tunables {
	uint32_t value[TUNABLE_COUNT];
};

extern const struct tunable_def tunable_table[TUNABLE_COUNT];

void tunables_set_defaults(struct tunables *t);

/** Look a name up, case-insensitively as CTDB does. NULL if unknown. */
const struct tunable_def *tunable_find(const char *name);

/* The rule between tunables that one value alone can break. */
#define TUNABLES_RULE \
	"ClusterHeartbeatTimeout must be larger than ClusterHeartbeatInterval"

/**
 * Check the rules between tunables (TUNABLES_RULE).
 * @return 0, or EDOM with *why (on mem_ctx, when not NULL) naming both
 * values.
 */
int tunables_check(TALLOC_CTX *mem_ctx, const struct tunables *t,
		   char **why);

/**
 * Set one tunable by name.
 * @return 0, ENOENT for an unknown name, ERANGE when outside [min, max],
 * EDOM when the value breaks TUNABLES_RULE (nothing is changed).
 */
int tunables_set(struct tunables *t, const char *name, uint32_t value);

/**
 * Read a ctdb.tunables file: "Name=Value" lines, '#' comments, blank
 * lines. All or nothing: on any error *t is untouched.
 * @return 0 (a missing file is 0: defaults stay), or an errno with
 * *errmsg "<path>:<line>: <reason>" (unknown name, bad number, out of
 * range, syntax; EDOM with "<path>: <rule>" when the values together
 * break TUNABLES_RULE).
 */
int tunables_load_file(TALLOC_CTX *mem_ctx, const char *path,
		       struct tunables *t, char **errmsg);

/**
 * The same from text in memory; name is used in messages. All or
 * nothing as above. @return 0, ENOMEM, or EINVAL/ERANGE with *errmsg.
 */
int tunables_parse_text(TALLOC_CTX *mem_ctx, const char *name,
			const char *text, struct tunables *t, char **errmsg);

#endif
