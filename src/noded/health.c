/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Node health, pure: monitor results to verdicts, and why a monitor failed. */
#include <errno.h>
#include <string.h>

#include "noded/noded_private.h"
#include "protocol/script_result.h"

/* The first line of a script's output, without the newline. */
static char *first_line(TALLOC_CTX *mem_ctx, const char *output)
{
	size_t len;

	if (output == NULL) {
		return NULL;
	}
	while (*output == '\n') {
		output++;
	}
	len = strcspn(output, "\n");
	if (len == 0) {
		return NULL;
	}
	return talloc_strndup(mem_ctx, output, len);
}

static bool script_failed(const struct ctdb_event_script *s)
{
	return script_wire_failed(s->result);
}

static char *script_what(TALLOC_CTX *mem_ctx, int32_t result)
{
	if (result > 0) {
		return talloc_asprintf(mem_ctx, "failed (exit %d)",
				       (int)result);
	}
	if (result == -ETIMEDOUT) {
		return talloc_strdup(mem_ctx, "timed out");
	}
	return talloc_asprintf(mem_ctx, "cannot run (%s)", strerror(-result));
}

char *health_reason(TALLOC_CTX *mem_ctx, int result,
		    const struct ctdb_event_reply_status *status)
{
	const struct ctdb_event_script_list *list = NULL;
	const struct ctdb_event_script *s;
	char *what;
	char *line;
	char *reason;
	int32_t i;

	if (status != NULL) {
		list = status->script_list;
	}
	for (i = 0; list != NULL && i < list->num_scripts; i++) {
		bool failed;

		s = &list->script[i];
		failed = script_failed(s);
		if (!failed) {
			continue;
		}
		what = script_what(mem_ctx, s->result);
		line = first_line(mem_ctx, s->output);
		if (line != NULL) {
			reason = talloc_asprintf(mem_ctx, "%s %s: %s",
						 s->name, what, line);
		} else {
			reason = talloc_asprintf(mem_ctx, "%s %s", s->name,
						 what);
		}
		talloc_free(what);
		talloc_free(line);
		return reason;
	}
	if (result == ETIMEDOUT) {
		return talloc_strdup(mem_ctx, "monitor event timed out");
	}
	return talloc_asprintf(mem_ctx, "monitor event failed (%s)",
			       strerror(result));
}

enum health_verdict health_monitor_result(struct health_state *h,
					  const struct tunables *t,
					  bool unhealthy, int result,
					  bool *timeout_limit)
{
	uint32_t fail_count = t->value[TUNABLE_MONITOR_FAIL_COUNT];
	uint32_t ok_count = t->value[TUNABLE_MONITOR_OK_COUNT];

	*timeout_limit = false;
	if (result == ECANCELED) {
		return HEALTH_NO_CHANGE;
	}
	if (result == ETIMEDOUT) {
		h->timeouts += 1;
		if (h->timeouts < t->value[TUNABLE_MONITOR_TIMEOUT_COUNT]) {
			/* ctdbd pretends this is OK: no change either way. */
			return HEALTH_NO_CHANGE;
		}
		*timeout_limit = true;
	} else {
		h->timeouts = 0;
	}

	if (result != 0) {
		h->failures += 1;
		h->successes = 0;
		if (h->failures < fail_count) {
			return HEALTH_NO_CHANGE;
		}
		if (!unhealthy) {
			return HEALTH_BECOMES_UNHEALTHY;
		}
		/* Another script may fail now: the reason is worth a look. */
		return HEALTH_STAYS_UNHEALTHY;
	}
	h->successes += 1;
	h->failures = 0;
	if (unhealthy && h->successes >= ok_count) {
		return HEALTH_BECOMES_HEALTHY;
	}
	return HEALTH_NO_CHANGE;
}
