/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-component store of the last completed run of every event. */
#include <string.h>

#include "eventd/event_status.h"

struct event_status_entry {
	struct event_status_entry *next;
	struct event_record *rec;
};

struct event_status_store {
	struct event_status_entry *head;
};

struct event_status_store *event_status_store_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct event_status_store);
}

static struct event_status_entry *
event_status_find(const struct event_status_store *store, const char *event)
{
	struct event_status_entry *e;

	for (e = store->head; e != NULL; e = e->next) {
		if (strcmp(e->rec->event, event) == 0) {
			return e;
		}
	}
	return NULL;
}

void event_status_store_put(struct event_status_store *store,
			    struct event_record *rec)
{
	struct event_status_entry *e = event_status_find(store, rec->event);

	if (e != NULL) {
		/* Replace wholesale: memory does not grow with runs. */
		talloc_free(e->rec);
		e->rec = talloc_steal(e, rec);
		return;
	}
	e = talloc_zero(store, struct event_status_entry);
	if (e == NULL) {
		talloc_free(rec);
		return;
	}
	e->rec = talloc_steal(e, rec);
	e->next = store->head;
	store->head = e;
}

const struct event_record *
event_status_store_get(const struct event_status_store *store,
		       const char *event)
{
	struct event_status_entry *e = event_status_find(store, event);

	return e != NULL ? e->rec : NULL;
}

struct ctdb_event_reply_status *
event_record_to_wire(TALLOC_CTX *mem_ctx, const struct event_record *rec)
{
	struct ctdb_event_reply_status *status;
	struct ctdb_event_script_list *list;
	unsigned i;

	status = talloc_zero(mem_ctx, struct ctdb_event_reply_status);
	if (status == NULL) {
		return NULL;
	}
	list = talloc_zero(status, struct ctdb_event_script_list);
	if (list == NULL) {
		talloc_free(status);
		return NULL;
	}
	status->summary = script_result_to_wire(&rec->summary);
	status->script_list = list;
	list->num_scripts = rec->num_scripts;
	list->script = talloc_zero_array(list, struct ctdb_event_script,
					 rec->num_scripts + 1);
	if (list->script == NULL) {
		talloc_free(status);
		return NULL;
	}
	for (i = 0; i < rec->num_scripts; i++) {
		const struct script_record *s = &rec->scripts[i];

		/* The strings are borrowed: the reply is pushed at once. */
		list->script[i].name = s->name;
		list->script[i].begin = s->begin;
		list->script[i].end = s->end;
		list->script[i].result = script_result_to_wire(&s->result);
		list->script[i].output = s->output;
	}
	return status;
}
