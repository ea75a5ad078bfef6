/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging script output without repeating identical consecutive failures. */
#include <errno.h>
#include <string.h>

#include "common/dlist.h"
#include "common/logging.h"
#include "eventd/script_log.h"

struct script_log_entry {
	struct script_log_entry *prev, *next;
	char *event;
	char *script; /* "" for the event's own outcome */
	uint64_t digest;  /* of the last failure's result and output */
	unsigned same;    /* identical failures in a row, the last included */
	unsigned streak;  /* failures in a row, whatever their output */
};

struct script_log {
	struct script_log_entry *failing;
};

struct script_log *script_log_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct script_log);
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

static uint64_t failure_digest(int32_t result, const char *output)
{
	uint64_t h = fnv1a(FNV_OFFSET, &result, sizeof(result));

	if (output != NULL) {
		h = fnv1a(h, output, strlen(output));
	} else {
		/* No output differs from empty output only in name: same. */
		h = fnv1a(h, "", 0);
	}
	return h;
}

static struct script_log_entry *find(struct script_log *sl,
				     const char *event, const char *script)
{
	struct script_log_entry *e;

	for (e = sl->failing; e != NULL; e = e->next) {
		if (strcmp(e->event, event) == 0 &&
		    strcmp(e->script, script) == 0) {
			return e;
		}
	}
	return NULL;
}

enum script_log_verdict script_log_fold(struct script_log *sl,
					const char *event, const char *script,
					bool failed, int32_t result,
					const char *output, unsigned *count)
{
	struct script_log_entry *e = find(sl, event, script);
	uint64_t digest;

	*count = 0;
	if (!failed) {
		if (e == NULL) {
			return SCRIPT_LOG_OK;
		}
		*count = e->streak;
		DLIST_REMOVE(sl->failing, e);
		talloc_free(e);
		return SCRIPT_LOG_RECOVERED;
	}

	digest = failure_digest(result, output);
	if (e == NULL) {
		e = talloc_zero(sl, struct script_log_entry);
		if (e != NULL) {
			e->event = talloc_strdup(e, event);
			e->script = talloc_strdup(e, script);
		}
		if (e == NULL || e->event == NULL || e->script == NULL) {
			talloc_free(e);
			*count = 1;
			return SCRIPT_LOG_FAILED;
		}
		DLIST_ADD(sl->failing, e);
	} else if (e->digest == digest) {
		e->same += 1;
		e->streak += 1;
		*count = e->same;
		return SCRIPT_LOG_REPEATED;
	}
	e->digest = digest;
	e->same = 1;
	e->streak += 1;
	*count = 1;
	return SCRIPT_LOG_FAILED;
}

static bool power_of_two(unsigned n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

void script_log_result(struct script_log *sl, const char *event,
		       const char *script, bool failed, int32_t result,
		       const char *output)
{
	enum script_log_verdict v;
	unsigned count = 0;

	v = script_log_fold(sl, event, script, failed, result, output,
			    &count);
	switch (v) {
	case SCRIPT_LOG_OK:
		log_lines(DEBUG_INFO, script, output);
		break;
	case SCRIPT_LOG_RECOVERED:
		log_lines(DEBUG_INFO, script, output);
		D_NOTICE("%s: %s recovered after %u failure%s", script, event,
			 count, count == 1 ? "" : "s");
		break;
	case SCRIPT_LOG_FAILED:
		log_lines(DEBUG_NOTICE, script, output);
		break;
	case SCRIPT_LOG_REPEATED:
		if (power_of_two(count)) {
			D_NOTICE("%s: failed again with the same output "
				 "(%u times in a row)",
				 script, count);
		}
		break;
	}
}

/*
 * The event's own outcome is remembered under the script name "", which
 * no script has, with the failing script's name as its "output": the
 * same result from the same script is the same failure.
 */
void script_log_event(struct script_log *sl, const char *event, bool failed,
		      int32_t result, const char *failed_script)
{
	const char *what = (result == -ETIMEDOUT) ? "timed out" : "failed";
	enum script_log_verdict v;
	unsigned count = 0;

	v = script_log_fold(sl, event, "", failed, result, failed_script,
			    &count);
	switch (v) {
	case SCRIPT_LOG_OK:
		break;
	case SCRIPT_LOG_RECOVERED:
		D_NOTICE("%s event recovered after %u failure%s", event,
			 count, count == 1 ? "" : "s");
		break;
	case SCRIPT_LOG_FAILED:
		D_NOTICE("%s event %s", event, what);
		break;
	case SCRIPT_LOG_REPEATED:
		if (power_of_two(count)) {
			D_NOTICE("%s event %s again (%u times in a row)",
				 event, what, count);
		}
		break;
	}
}
