/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The last completed run of each event of a component. */
#ifndef CTDB_EVENTD_EVENT_STATUS_H
#define CTDB_EVENTD_EVENT_STATUS_H

#include <stdint.h>
#include <sys/time.h>
#include <talloc.h>

#include "eventd/script_result.h"
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
	struct script_result summary; /* the (last) failing script, or OK */
	unsigned num_scripts;
	struct script_record *scripts;
};

struct event_status_store;

struct event_status_store *event_status_store_new(TALLOC_CTX *mem_ctx);

/* Keep rec (stolen) as the last run of its event, replacing the old one. */
void event_status_store_put(struct event_status_store *store,
			    struct event_record *rec);

/* The last run of event, or NULL if it never completed. */
const struct event_record *
event_status_store_get(const struct event_status_store *store,
		       const char *event);

/* The wire form of a record, allocated on mem_ctx. NULL on ENOMEM. */
struct ctdb_event_reply_status *
event_record_to_wire(TALLOC_CTX *mem_ctx, const struct event_record *rec);

#endif
