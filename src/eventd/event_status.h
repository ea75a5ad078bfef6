/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The last completed runs of each event of a component. */
#ifndef CTDB_EVENTD_EVENT_STATUS_H
#define CTDB_EVENTD_EVENT_STATUS_H

#include <stdint.h>
#include <sys/time.h>
#include <talloc.h>

#include "protocol/script_result.h"
#include "protocol/event_protocol.h"

struct script_record {
	char *name;
	struct timeval begin;
	struct timeval end;
	struct script_result result;
	char *output; /* NULL if the script wrote nothing */
};

struct event_record {
	char *event;
	uint64_t seq; /* 1 for the event's first completed run, set by put */
	struct script_result summary; /* the (last) failing script, or OK */
	unsigned num_scripts;
	struct script_record *scripts;
};

struct event_status_store;

/* A new store keeps only the last run of each event (history length 0). */
struct event_status_store *event_status_store_new(TALLOC_CTX *mem_ctx);

/*
 * History: keep the last n completed runs of each event, a ring per event
 * where the oldest is dropped. 0 and 1 both mean the last run only, which
 * is what STATUS shows. Shrinking drops the oldest runs at once. Memory
 * is at most max(n, 1) records per event ever run, each holding its
 * scripts' outputs (every one capped by [event] output limit).
 */
#define EVENT_STATUS_HISTORY_MAX 1024
void event_status_store_set_history(struct event_status_store *store,
				    unsigned n);

/* Keep rec (stolen) as the newest run of its event, numbering it. */
void event_status_store_put(struct event_status_store *store,
			    struct event_record *rec);

/* How many runs of event are kept (0 if it never completed). */
unsigned event_status_store_count(const struct event_status_store *store,
				  const char *event);

/* The i-th kept run of event, 0 the oldest; NULL past the end. */
const struct event_record *
event_status_store_nth(const struct event_status_store *store,
		       const char *event, unsigned i);

/* The last run of event, or NULL if it never completed. */
const struct event_record *
event_status_store_get(const struct event_status_store *store,
		       const char *event);

/*
 * The kept runs of event as a JSON array text (on mem_ctx), oldest first:
 * each is ctdb_event_status_json() of the run plus "seq", the run's
 * number (1 for the event's first completed run, so gaps show dropped
 * runs). @return 0, EINVAL if the event never completed, or ENOMEM.
 */
int event_status_history_json(TALLOC_CTX *mem_ctx,
			      const struct event_status_store *store,
			      const char *component, const char *event,
			      char **out);

/* The wire form of a record, allocated on mem_ctx. NULL on ENOMEM. */
struct ctdb_event_reply_status *
event_record_to_wire(TALLOC_CTX *mem_ctx, const struct event_record *rec);

#endif
