/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tunables table and the reader for ctdb.tunables files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/conf.h"
#include "common/line_file.h"
#include "common/tunable.h"

/*
 * Rows are in enum order: the id field lets a test check that, so
 * tunable_table[id] is always the row of id. Limits exist so that a typo
 * in ctdb.tunables (an interval of 0, a boolean of 2) is refused at load
 * time instead of producing a busy loop or a surprise later.
 */
const struct tunable_def tunable_table[TUNABLE_COUNT] = {
	{
		.id = TUNABLE_MONITOR_INTERVAL,
		.name = "MonitorInterval",
		.def = 15,
		.min = 1,
		.max = 3600,
		.unit = "seconds",
		.help = "Longest delay between two monitor events.",
	},
	{
		.id = TUNABLE_EVENT_SCRIPT_TIMEOUT,
		.name = "EventScriptTimeout",
		.def = 30,
		.min = 1,
		.max = 3600,
		.unit = "seconds",
		.help = "Time an event may run before its script is killed.",
	},
	{
		.id = TUNABLE_MONITOR_TIMEOUT_COUNT,
		.name = "MonitorTimeoutCount",
		.def = 20,
		.min = 1,
		.max = 1000,
		.unit = "count",
		.help = "Consecutive monitor timeouts tolerated before a "
			"timeout counts as a failure.",
	},
	{
		.id = TUNABLE_MONITOR_FAIL_COUNT,
		.name = "MonitorFailCount",
		.def = 1,
		.min = 1,
		.max = 100,
		.unit = "count",
		.help = "Consecutive failed monitor events before the node "
			"becomes UNHEALTHY.",
	},
	{
		.id = TUNABLE_MONITOR_OK_COUNT,
		.name = "MonitorOkCount",
		.def = 1,
		.min = 1,
		.max = 100,
		.unit = "count",
		.help = "Consecutive successful monitor events before the node "
			"becomes HEALTHY again.",
	},
	{
		.id = TUNABLE_NO_IP_FAILBACK,
		.name = "NoIPFailback",
		.def = 0,
		.min = 0,
		.max = 1,
		.unit = "boolean",
		.help = "When set, public IPs are never moved back to "
			"rebalance after a node recovers.",
	},
	{
		.id = TUNABLE_NO_IP_TAKEOVER,
		.name = "NoIPTakeover",
		.def = 0,
		.min = 0,
		.max = 1,
		.unit = "boolean",
		.help = "When set, this node keeps the public IPs it has but "
			"takes over no others.",
	},
	{
		.id = TUNABLE_NO_IP_HOST_ON_ALL_DISABLED,
		.name = "NoIPHostOnAllDisabled",
		.def = 0,
		.min = 0,
		.max = 1,
		.unit = "boolean",
		.help = "When set, no node hosts public IPs while every node "
			"is unhealthy.",
	},
	{
		.id = TUNABLE_TAKEOVER_TIMEOUT,
		.name = "TakeoverTimeout",
		.def = 9,
		.min = 1,
		.max = 3600,
		.unit = "seconds",
		.help = "Time allowed for a public IP takeover run.",
	},
	{
		.id = TUNABLE_STARTUP_RETRY_INTERVAL,
		.name = "StartupRetryInterval",
		.def = 5,
		.min = 1,
		.max = 3600,
		.unit = "seconds",
		.help = "Delay before a failed startup event is run again.",
	},
	{
		.id = TUNABLE_CLUSTER_HEARTBEAT_INTERVAL,
		.name = "ClusterHeartbeatInterval",
		.def = 1000,
		.min = 100,
		.max = 60000,
		.unit = "milliseconds",
		.help = "Time between two heartbeats of ctdb-noded to the "
			"cluster (corosync backend).",
	},
	{
		.id = TUNABLE_CLUSTER_HEARTBEAT_TIMEOUT,
		.name = "ClusterHeartbeatTimeout",
		.def = 5000,
		.min = 200,
		.max = 600000,
		.unit = "milliseconds",
		.help = "Silence after which a cluster member is treated as "
			"gone; larger than ClusterHeartbeatInterval.",
	},
	{
		.id = TUNABLE_CLUSTER_TAKEOVER_GRACE,
		.name = "ClusterTakeoverGrace",
		.def = 3000,
		.min = 100,
		.max = 600000,
		.unit = "milliseconds",
		.help = "Wait before taking the public IPs of a node that "
			"vanished or went silent; longer than a releaseip.",
	},
};

void tunables_set_defaults(struct tunables *t)
{
	unsigned i;

	for (i = 0; i < TUNABLE_COUNT; i++) {
		t->value[i] = tunable_table[i].def;
	}
}

const struct tunable_def *tunable_find(const char *name)
{
	unsigned i;

	for (i = 0; i < TUNABLE_COUNT; i++) {
		int cmp = strcasecmp(name, tunable_table[i].name);

		if (cmp == 0) {
			return &tunable_table[i];
		}
	}
	return NULL;
}

int tunables_check(TALLOC_CTX *mem_ctx, const struct tunables *t,
		   char **why)
{
	uint32_t interval = t->value[TUNABLE_CLUSTER_HEARTBEAT_INTERVAL];
	uint32_t timeout = t->value[TUNABLE_CLUSTER_HEARTBEAT_TIMEOUT];

	if (timeout > interval) {
		return 0;
	}
	if (why != NULL) {
		*why = talloc_asprintf(mem_ctx,
				       TUNABLES_RULE " (ClusterHeartbeatTimeout"
				       " is %u, ClusterHeartbeatInterval %u)",
				       timeout, interval);
	}
	return EDOM;
}

int tunables_set(struct tunables *t, const char *name, uint32_t value)
{
	const struct tunable_def *def = tunable_find(name);
	struct tunables copy = *t;
	int ret;

	if (def == NULL) {
		return ENOENT;
	}
	if (value < def->min || value > def->max) {
		return ERANGE;
	}
	copy.value[def->id] = value;
	ret = tunables_check(NULL, &copy, NULL);
	if (ret != 0) {
		return ret;
	}
	*t = copy;
	return 0;
}

/* A file whose lines are each good can still break a rule between them. */
static int tunables_check_file(TALLOC_CTX *mem_ctx, const char *name,
			       const struct tunables *t, char **errmsg)
{
	char *why = NULL;
	int ret;

	ret = tunables_check(mem_ctx, t, &why);
	if (ret == 0) {
		return 0;
	}
	*errmsg = talloc_asprintf(mem_ctx, "%s: %s", name,
				  why != NULL ? why : TUNABLES_RULE);
	talloc_free(why);
	return ret;
}

/*
 * A value that is all digits but too big for conf_parse_uint is out of
 * range, not malformed: the user wrote a number, so tell them the limits.
 * @return 0, EINVAL (not a number) or ERANGE (a number above UINT32_MAX).
 */
static int parse_value(const char *text, uint32_t *out)
{
	unsigned long v = 0;
	bool ok = conf_parse_uint(text, UINT32_MAX, &v);
	size_t digits;

	if (ok) {
		*out = (uint32_t)v;
		return 0;
	}
	digits = strspn(text, "0123456789");
	if (digits > 0 && text[digits] == '\0') {
		return ERANGE;
	}
	return EINVAL;
}

/*
 * Apply one "Name=Value" line (trimmed, not a comment) to the tunables in
 * private_data. On failure *reason (on mem_ctx) says why.
 */
static int tunables_parse_line(TALLOC_CTX *mem_ctx, char *s, unsigned lineno,
			       void *private_data, char **reason)
{
	struct tunables *t = private_data;
	const struct tunable_def *def;
	char *eq;
	char *name;
	char *value;
	uint32_t v = 0;
	int ret;

	(void)lineno;
	eq = strchr(s, '=');
	if (eq == NULL) {
		*reason = talloc_asprintf(mem_ctx,
					  "expected \"Name=Value\", got '%s'",
					  s);
		return EINVAL;
	}
	*eq = '\0';
	name = line_file_trim(s);
	value = line_file_trim(eq + 1);
	if (*name == '\0') {
		*reason = talloc_strdup(mem_ctx, "missing tunable name before "
						 "'='");
		return EINVAL;
	}
	def = tunable_find(name);
	if (def == NULL) {
		/* Not ENOENT: callers read that as "no file". */
		*reason = talloc_asprintf(mem_ctx, "unknown tunable '%s'",
					  name);
		return EINVAL;
	}
	ret = parse_value(value, &v);
	if (ret == 0 && (v < def->min || v > def->max)) {
		ret = ERANGE;
	}
	if (ret == EINVAL) {
		*reason = talloc_asprintf(mem_ctx,
					  "%s: invalid value '%s', expected an "
					  "integer from %u to %u",
					  def->name, value, def->min, def->max);
		return EINVAL;
	}
	if (ret == ERANGE) {
		*reason = talloc_asprintf(mem_ctx,
					  "%s: value %s out of range %u..%u",
					  def->name, value, def->min, def->max);
		return ERANGE;
	}
	t->value[def->id] = v;
	return 0;
}

/* All or nothing: the lines are applied to a copy, kept only if all pass. */
int tunables_parse_text(TALLOC_CTX *mem_ctx, const char *name,
			const char *text, struct tunables *t, char **errmsg)
{
	struct tunables copy = *t;
	int ret;

	ret = line_file_parse_text(mem_ctx, name, text, "#",
				   tunables_parse_line, &copy, errmsg);
	if (ret == 0) {
		ret = tunables_check_file(mem_ctx, name, &copy, errmsg);
	}
	if (ret != 0) {
		return ret;
	}
	*t = copy;
	return 0;
}

int tunables_load_file(TALLOC_CTX *mem_ctx, const char *path,
		       struct tunables *t, char **errmsg)
{
	struct tunables copy = *t;
	int ret;

	ret = line_file_parse(mem_ctx, path, "#", tunables_parse_line, &copy,
			      errmsg);
	if (ret == ENOENT) {
		return 0;
	}
	if (ret == 0) {
		ret = tunables_check_file(mem_ctx, path, &copy, errmsg);
	}
	if (ret != 0) {
		return ret;
	}
	*t = copy;
	return 0;
}
