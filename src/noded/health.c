/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Node health: monitor results to HEALTHY/UNHEALTHY, reasons, flag changes. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
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
		if (h->failures == fail_count) {
			return HEALTH_STAYS_UNHEALTHY;
		}
		return HEALTH_NO_CHANGE;
	}
	h->successes += 1;
	h->failures = 0;
	if (unhealthy && h->successes >= ok_count) {
		return HEALTH_BECOMES_HEALTHY;
	}
	return HEALTH_NO_CHANGE;
}

const char *noded_state_name(uint32_t flags)
{
	if ((flags & CTDB_NODE_FLAGS_STOPPED) != 0) {
		return "STOPPED";
	}
	if ((flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0) {
		return "UNHEALTHY";
	}
	return "HEALTHY";
}

void noded_set_unhealthy_reason(struct noded_context *nctx,
				const char *reason)
{
	char *copy;

	copy = talloc_strdup(nctx, reason);
	if (copy == NULL) {
		return;
	}
	talloc_free(nctx->unhealthy_reason);
	nctx->unhealthy_reason = copy;
	D_NOTICE("node %s: %s", noded_state_name(nctx->flags), reason);
	noded_keys_update(nctx);
}

void noded_set_flags(struct noded_context *nctx, uint32_t flags,
		     const char *why)
{
	uint32_t old = nctx->flags;
	int ret;

	if (flags == old) {
		return;
	}
	nctx->flags = flags;
	notification_flags(nctx->notification, old, nctx->unhealthy_reason,
			   flags, why);
	if ((flags & CTDB_NODE_FLAGS_UNHEALTHY) == 0) {
		TALLOC_FREE(nctx->unhealthy_reason);
	} else if ((old & CTDB_NODE_FLAGS_UNHEALTHY) == 0) {
		TALLOC_FREE(nctx->unhealthy_reason);
		nctx->unhealthy_reason = talloc_strdup(nctx, why);
	}
	D_NOTICE("node %s -> %s: %s", noded_state_name(old),
		 noded_state_name(flags), why);
	noded_keys_update(nctx);
	if (((old ^ flags) & CTDB_NODE_FLAGS_UNHEALTHY) != 0) {
		noded_metrics_health(
			nctx, (flags & CTDB_NODE_FLAGS_UNHEALTHY) == 0);
	}

	ret = cluster_set_this_flags(nctx->cluster, flags);
	if (ret != 0) {
		D_ERR("Failed to publish node flags to the cluster: %s",
		      strerror(ret));
	}
	noded_notify_status(nctx);
	takeover_request(nctx->takeover, why);
}
