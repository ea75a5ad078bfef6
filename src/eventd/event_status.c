/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-component store of the last completed runs of every event. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eventd/event_status.h"
#include "protocol/event_json.h"

/*
 * The runs of one event: a ring of cap slots holding count records from
 * start (the oldest) on, so a put never moves or copies records.
 */
struct event_status_entry {
	struct event_status_entry *next;
	char *event;
	struct event_record **ring;
	unsigned cap;
	unsigned start;
	unsigned count;
	uint64_t seq; /* of the newest run */
};

struct event_status_store {
	struct event_status_entry *head;
	unsigned history; /* ring size: at least 1 */
};

struct event_status_store *event_status_store_new(TALLOC_CTX *mem_ctx)
{
	struct event_status_store *store;

	store = talloc_zero(mem_ctx, struct event_status_store);
	if (store != NULL) {
		store->history = 1;
	}
	return store;
}

static struct event_status_entry *
event_status_find(const struct event_status_store *store, const char *event)
{
	struct event_status_entry *e;

	for (e = store->head; e != NULL; e = e->next) {
		if (strcmp(e->event, event) == 0) {
			return e;
		}
	}
	return NULL;
}

static struct event_record *entry_slot(const struct event_status_entry *e,
				       unsigned i)
{
	return e->ring[(e->start + i) % e->cap];
}

/* Resize an entry's ring to cap, keeping its newest runs. */
static int entry_resize(struct event_status_entry *e, unsigned cap)
{
	struct event_record **ring;
	unsigned keep = e->count < cap ? e->count : cap;
	unsigned drop = e->count - keep;
	unsigned i;

	ring = talloc_zero_array(e, struct event_record *, cap);
	if (ring == NULL) {
		return ENOMEM;
	}
	for (i = 0; i < drop; i++) {
		talloc_free(entry_slot(e, i));
	}
	for (i = 0; i < keep; i++) {
		ring[i] = entry_slot(e, drop + i);
	}
	talloc_free(e->ring);
	e->ring = ring;
	e->cap = cap;
	e->start = 0;
	e->count = keep;
	return 0;
}

void event_status_store_set_history(struct event_status_store *store,
				    unsigned n)
{
	struct event_status_entry *e;
	unsigned cap = n;

	if (cap < 1) {
		cap = 1;
	}
	if (cap > EVENT_STATUS_HISTORY_MAX) {
		cap = EVENT_STATUS_HISTORY_MAX;
	}
	store->history = cap;
	for (e = store->head; e != NULL; e = e->next) {
		/* Out of memory: the old ring stays, which is still correct. */
		(void)entry_resize(e, cap);
	}
}

static struct event_status_entry *entry_new(struct event_status_store *store,
					    const char *event)
{
	struct event_status_entry *e;

	e = talloc_zero(store, struct event_status_entry);
	if (e == NULL) {
		return NULL;
	}
	e->event = talloc_strdup(e, event);
	e->ring = talloc_zero_array(e, struct event_record *, store->history);
	if (e->event == NULL || e->ring == NULL) {
		talloc_free(e);
		return NULL;
	}
	e->cap = store->history;
	e->next = store->head;
	store->head = e;
	return e;
}

void event_status_store_put(struct event_status_store *store,
			    struct event_record *rec)
{
	struct event_status_entry *e = event_status_find(store, rec->event);

	if (e == NULL) {
		e = entry_new(store, rec->event);
	}
	if (e == NULL) {
		talloc_free(rec);
		return;
	}
	e->seq += 1;
	rec->seq = e->seq;
	/* A full ring drops its oldest run: memory is bounded by cap. */
	if (e->count == e->cap) {
		talloc_free(e->ring[e->start]);
		e->ring[e->start] = talloc_steal(e, rec);
		e->start = (e->start + 1) % e->cap;
		return;
	}
	e->ring[(e->start + e->count) % e->cap] = talloc_steal(e, rec);
	e->count += 1;
}

const struct event_record *
event_status_store_get(const struct event_status_store *store,
		       const char *event)
{
	struct event_status_entry *e = event_status_find(store, event);

	if (e == NULL || e->count == 0) {
		return NULL;
	}
	return entry_slot(e, e->count - 1);
}

unsigned event_status_store_count(const struct event_status_store *store,
				  const char *event)
{
	struct event_status_entry *e = event_status_find(store, event);

	return e == NULL ? 0 : e->count;
}

const struct event_record *
event_status_store_nth(const struct event_status_store *store,
		       const char *event, unsigned i)
{
	struct event_status_entry *e = event_status_find(store, event);

	if (e == NULL || i >= e->count) {
		return NULL;
	}
	return entry_slot(e, i);
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

/* One run as the shared JSON shape, plus its number. */
static json_t *record_json(const char *component,
			   const struct event_record *rec)
{
	struct ctdb_event_reply_status *wire;
	json_t *run;
	int ret;

	wire = event_record_to_wire(NULL, rec);
	if (wire == NULL) {
		return NULL;
	}
	run = ctdb_event_status_json(component, rec->event, wire);
	talloc_free(wire);
	if (run == NULL) {
		return NULL;
	}
	ret = json_object_set_new(run, "seq",
				  json_integer((json_int_t)rec->seq));
	if (ret != 0) {
		json_decref(run);
		return NULL;
	}
	return run;
}

int event_status_history_json(TALLOC_CTX *mem_ctx,
			      const struct event_status_store *store,
			      const char *component, const char *event,
			      char **out)
{
	unsigned num = event_status_store_count(store, event);
	json_t *runs;
	json_t *run;
	char *text;
	unsigned i;
	int ret;

	if (num == 0) {
		return EINVAL;
	}
	runs = json_array();
	if (runs == NULL) {
		return ENOMEM;
	}
	for (i = 0; i < num; i++) {
		run = record_json(component,
				  event_status_store_nth(store, event, i));
		ret = json_array_append_new(runs, run);
		if (run == NULL || ret != 0) {
			json_decref(runs);
			return ENOMEM;
		}
	}
	text = json_dumps(runs, CTDB_JSON_DUMP_FLAGS);
	json_decref(runs);
	if (text == NULL) {
		return ENOMEM;
	}
	*out = talloc_strdup(mem_ctx, text);
	free(text);
	return *out == NULL ? ENOMEM : 0;
}
