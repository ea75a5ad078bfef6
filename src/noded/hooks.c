/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Notification hooks: node events as JSON on the stdin of hook scripts. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "common/logging.h"
#include "common/path.h"
#include "common/dlist.h"
#include "common/tevent_unix.h"
#include "noded/noded_private.h"
#include "protocol/event_json.h"
#include "protocol/event_protocol_api.h"

/*
 * The hooks are the scripts of the event daemon's "notification"
 * component. Node events are queued here and sent one at a time, in
 * order, each as a RUN_INPUT whose input is the event as one JSON
 * object; the next is sent when the event daemon has replied to the
 * previous one. The daemon runs the scripts with the EventScriptTimeout
 * deadline and kills them when it passes.
 *
 * Nothing here ever waits: the queue is bounded (the oldest waiting
 * event is dropped when it is full) and a reply that does not come is
 * given up NOTIFICATION_GRACE seconds after the deadline. Hook results
 * are only logged: they never change health, IPs or the runstate.
 *
 * The hooks use a connection of their own to the event daemon. Samba's
 * ctdb-eventd does not know RUN_INPUT and closes the connection on it;
 * that must not fail a legacy event in flight on the main connection. It
 * is seen once, then every hook event is a plain RUN (no stdin).
 */

#define NOTIFICATION_COMPONENT "notification"

struct notification_item {
	struct notification_item *prev, *next;
	char *event;
	char *args; /* as the legacy event's, for hooks without stdin */
	char *json;
};

enum notification_input {
	NOTIFICATION_INPUT_UNKNOWN,
	NOTIFICATION_INPUT_YES,
	NOTIFICATION_INPUT_NO, /* Samba's ctdb-eventd: plain RUN */
};

struct hooks_context {
	struct noded_context *nctx;
	struct notification_item *queue; /* waiting, oldest first */
	unsigned num;
	unsigned queue_max; /* NOTIFICATION_QUEUE_MAX but in tests */
	uint64_t seq;
	uint64_t dropped;
	bool off_logged; /* "no notification directory" said once */
	bool stopped;    /* after shutdown: accept nothing more */
	enum notification_input input;

	struct event_conn *conn; /* of its own, see above */

	struct notification_item *current; /* sent, awaiting the reply */
	bool current_with_input;
	struct tevent_req *subreq;
	struct tevent_timer *guard;
	struct tevent_immediate *kick;

	struct tevent_req *drain; /* hooks_drain_send, at most one */
	struct hooks_members *members; /* nodeup, nodedown */
};

static void notification_kick(struct hooks_context *n);
static void notification_drain_complete(struct hooks_context *n);

/*
 * In test mode CTDB_TEST_NOTIFICATION_QUEUE_MAX (1 to 256) replaces the
 * bound, so a test can fill the queue with a handful of events.
 */
static unsigned notification_queue_max(void)
{
	const char *env = getenv("CTDB_TEST_NOTIFICATION_QUEUE_MAX");
	unsigned long v;
	char *end = NULL;

	if (!path_test_mode() || env == NULL) {
		return NOTIFICATION_QUEUE_MAX;
	}
	v = strtoul(env, &end, 10);
	if (end == env || *end != '\0' || v < 1 ||
	    v > NOTIFICATION_QUEUE_MAX) {
		return NOTIFICATION_QUEUE_MAX;
	}
	return (unsigned)v;
}

struct hooks_context *hooks_new(TALLOC_CTX *mem_ctx,
				struct noded_context *nctx)
{
	struct hooks_context *n;

	n = talloc_zero(mem_ctx, struct hooks_context);
	if (n == NULL) {
		return NULL;
	}
	n->nctx = nctx;
	n->queue_max = notification_queue_max();
	n->kick = tevent_create_immediate(n);
	n->conn = event_conn_new(n, nctx->ev, NULL);
	n->members = hooks_members_new(n, n, nctx);
	if (n->kick == NULL || n->conn == NULL || n->members == NULL) {
		talloc_free(n);
		return NULL;
	}
	/* nodeup and nodedown follow the cluster's view. */
	cluster_set_change_fn(nctx->cluster, hooks_members_changed,
			      n->members);
	return n;
}

/*
 * Hooks are off while events/notification is not a directory. Checked
 * for every event, so hooks added later count from the next event; the
 * change is logged once each way.
 */
static bool notification_enabled(struct hooks_context *n)
{
	struct stat st;
	char *dir;
	int ret;

	dir = path_events_dir(n, NOTIFICATION_COMPONENT);
	if (dir == NULL) {
		return false;
	}
	ret = stat(dir, &st);
	if (ret != 0 || !S_ISDIR(st.st_mode)) {
		if (!n->off_logged) {
			D_INFO("notification hooks off: no directory %s",
			       dir);
			n->off_logged = true;
		}
		talloc_free(dir);
		return false;
	}
	if (n->off_logged) {
		D_INFO("notification hooks on: %s", dir);
		n->off_logged = false;
	}
	talloc_free(dir);
	return true;
}

/* ---------- the JSON document ---------- */

static json_t *node_json(struct noded_context *nctx)
{
	const struct cluster_node *node = NULL;
	int i = cluster_this_index(nctx->cluster);

	if (i >= 0) {
		node = cluster_node(nctx->cluster, (unsigned)i);
	}
	return json_pack("{s:I, s:o}", "pnn",
			 (json_int_t)cluster_this_pnn(nctx->cluster),
			 "address",
			 node != NULL && node->address != NULL
				 ? json_string(node->address)
				 : json_null());
}

/*
 * The whole document, in the documented order: the common fields around
 * what the caller set (health, previous, ip). @return a new reference, or
 * NULL on ENOMEM.
 */
static json_t *full_doc(struct hooks_context *n, json_t *doc,
			const char *event, const char *reason)
{
	struct noded_context *nctx = n->nctx;
	struct timeval now = tevent_timeval_current();
	json_t *out;
	json_t *health;
	int ret = 0;

	out = json_object();
	if (out == NULL) {
		return NULL;
	}
	health = json_object_get(doc, "health");
	if (health != NULL) {
		json_incref(health);
	} else {
		health = ctdb_node_health_json(node_state_flags(nctx->state),
					       node_state_reason(nctx->state));
	}
	ret |= json_object_set_new(out, "event", json_string(event));
	ret |= json_object_set_new(out, "seq",
				   json_integer((json_int_t)n->seq));
	ret |= json_object_set_new(out, "time", ctdb_json_time(&now));
	ret |= json_object_set_new(out, "node", node_json(nctx));
	ret |= json_object_set_new(out, "runstate",
				   ctdb_node_runstate_json(
					   node_state_runstate(nctx->state)));
	ret |= json_object_set_new(out, "health", health);
	ret |= json_object_update_missing(out, doc);
	ret |= json_object_set_new(out, "stopped",
				   json_boolean(node_state_stopped(nctx->state)));
	ret |= json_object_set_new(out, "reason",
				   reason != NULL ? json_string(reason)
						  : json_null());
	ret |= json_object_set_new(out, "dropped",
				   json_integer((json_int_t)n->dropped));
	if (ret != 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* One line: the object, then a newline, so `read` and `jq` both work. */
static char *json_line(TALLOC_CTX *mem_ctx, json_t *doc)
{
	char *text;
	char *line;

	text = json_dumps(doc, CTDB_JSON_DUMP_FLAGS);
	if (text == NULL) {
		return NULL;
	}
	line = talloc_asprintf(mem_ctx, "%s\n", text);
	free(text);
	return line;
}

/*
 * The first line of a script's output becomes a reason, and nothing
 * bounds it. The event must fit in a RUN_INPUT, so when it does not,
 * every long string is cut (a hook needs the start of a reason, not
 * megabytes of it).
 */
#define NOTIFICATION_STRING_CUT 1024

static void shorten_string(json_t *value)
{
	const char *text = json_string_value(value);
	char buf[NOTIFICATION_STRING_CUT + 4];
	size_t cut = NOTIFICATION_STRING_CUT;

	/* Never in the middle of a UTF-8 sequence. */
	while (cut > 0 && ((unsigned char)text[cut] & 0xc0) == 0x80) {
		cut -= 1;
	}
	memcpy(buf, text, cut);
	memcpy(buf + cut, "...", 4);
	(void)json_string_set(value, buf);
}

static void shorten_strings(json_t *obj)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value) {
		if (json_is_object(value)) {
			shorten_strings(value);
		} else if (json_is_string(value) &&
			   json_string_length(value) >
				   NOTIFICATION_STRING_CUT) {
			shorten_string(value);
		}
	}
}

static char *json_line_fitting(TALLOC_CTX *mem_ctx, json_t *doc)
{
	char *line;

	line = json_line(mem_ctx, doc);
	if (line == NULL || strlen(line) <= CTDB_EVENT_INPUT_MAX) {
		return line;
	}
	talloc_free(line);
	shorten_strings(doc);
	return json_line(mem_ctx, doc);
}

/* ---------- the queue ---------- */

static void notification_drop_oldest(struct hooks_context *n)
{
	struct notification_item *old = n->queue;

	DLIST_REMOVE(n->queue, old);
	n->num -= 1;
	n->dropped += 1;
	D_NOTICE("notification queue full (%u events): dropped the oldest, "
		 "%s (%llu dropped so far)",
		 n->queue_max, old->event,
		 (unsigned long long)n->dropped);
	talloc_free(old);
}

/* Queue one event; doc (a new reference) is always consumed. */
static void notification_queue(struct hooks_context *n,
			       const char *event, const char *args,
			       const char *reason, json_t *doc)
{
	struct notification_item *item;
	json_t *full = NULL;

	if (doc == NULL) {
		D_ERR("notification %s: out of memory, not sent", event);
		return;
	}
	n->seq += 1;
	/* Make room first: "dropped" then counts what this one pushes out. */
	if (n->num >= n->queue_max) {
		notification_drop_oldest(n);
	}
	full = full_doc(n, doc, event, reason);
	json_decref(doc);
	item = talloc_zero(n, struct notification_item);
	if (full != NULL && item != NULL) {
		item->event = talloc_strdup(item, event);
		item->args = talloc_strdup(item, args != NULL ? args : "");
		item->json = json_line_fitting(item, full);
	}
	json_decref(full);
	if (full == NULL || item == NULL || item->event == NULL ||
	    item->args == NULL || item->json == NULL) {
		D_ERR("notification %s: out of memory, not sent", event);
		talloc_free(item);
		return;
	}

	DLIST_ADD_END(n->queue, item);
	n->num += 1;
	notification_kick(n);
}

static bool notification_wanted(struct hooks_context *n)
{
	return n != NULL && !n->stopped && notification_enabled(n);
}

void hooks_queue(struct hooks_context *n, const char *event,
		 const char *args, const char *reason, json_t *doc)
{
	if (!notification_wanted(n)) {
		json_decref(doc);
		return;
	}
	notification_queue(n, event, args, reason, doc);
}

static void notification_startup(struct hooks_context *n)
{
	if (!notification_wanted(n)) {
		return;
	}
	notification_queue(n, "startup", NULL, "startup event OK",
			   json_object());
}

static void notification_flags(struct hooks_context *n, uint32_t old_flags,
			const char *old_reason, uint32_t new_flags,
			const char *why)
{
	bool was = (old_flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0;
	bool is = (new_flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0;
	json_t *doc;

	if (was == is || !notification_wanted(n)) {
		return;
	}
	doc = json_pack("{s:o, s:o}", "health",
			ctdb_node_health_json(new_flags, is ? why : NULL),
			"previous", ctdb_node_health_json(old_flags,
							  old_reason));
	notification_queue(n, is ? "unhealthy" : "healthy", NULL, why, doc);
}

static void notification_ip(struct hooks_context *n, bool take,
		     const struct public_ip *ip, const char *why)
{
	json_t *doc;
	char *args;

	if (!notification_wanted(n)) {
		return;
	}
	args = talloc_asprintf(n, "%s %s %u", ip->ifaces[0], ip->address,
			       ip->bits);
	doc = json_pack("{s:{s:s, s:i, s:s}}", "ip", "address", ip->address,
			"bits", (int)ip->bits, "iface", ip->ifaces[0]);
	notification_queue(n, take ? "takeip" : "releaseip", args, why, doc);
	talloc_free(args);
}

static void notification_stopped(struct hooks_context *n, const char *why)
{
	if (!notification_wanted(n)) {
		return;
	}
	notification_queue(n, "stopped", NULL, why, json_object());
}

static void notification_shutdown(struct hooks_context *n, const char *why)
{
	if (!notification_wanted(n)) {
		return;
	}
	notification_queue(n, "shutdown", NULL, why, json_object());
	/* Whatever happens after this is not announced any more. */
	n->stopped = true;
}

/* A new unhealthy reason while the node stays UNHEALTHY. */
static void notification_reason(struct hooks_context *n, uint32_t flags,
				const char *reason)
{
	if (!notification_wanted(n)) {
		return;
	}
	notification_queue(n, "reason", NULL, reason,
			   json_pack("{s:o}", "health",
				     ctdb_node_health_json(flags, reason)));
}

/* The administrator's continue: STOPPED is cleared, the IPs may return. */
static void notification_continued(struct hooks_context *n, const char *why)
{
	if (!notification_wanted(n)) {
		return;
	}
	notification_queue(n, "continued", NULL, why, json_object());
}

static void hooks_flags(struct hooks_context *n,
			const struct node_state_change *c)
{
	uint32_t stopped = CTDB_NODE_FLAGS_STOPPED;

	notification_flags(n, c->old_flags, c->old_reason, c->new_flags,
			   c->why);
	if ((c->old_flags & stopped) != 0 && (c->new_flags & stopped) == 0) {
		notification_continued(n, c->why);
	}
}

void hooks_observer(const struct node_state_change *c, void *private_data)
{
	struct hooks_context *n = talloc_get_type_abort(private_data,
							struct hooks_context);

	switch (c->what) {
	case NODE_STATE_RUNSTATE:
		if (c->new_runstate == CTDB_RUNSTATE_RUNNING) {
			notification_startup(n);
		}
		break;
	case NODE_STATE_FLAGS:
		hooks_flags(n, c);
		break;
	case NODE_STATE_REASON:
		notification_reason(n, c->new_flags, c->new_reason);
		break;
	case NODE_STATE_IP:
		notification_ip(n, c->ip_held, &n->nctx->ips->ip[c->ip],
				c->why);
		break;
	case NODE_STATE_ANNOUNCE:
		if (strcmp(c->announce, "stopped") == 0) {
			notification_stopped(n, c->why);
		} else if (strcmp(c->announce, "shutdown") == 0) {
			notification_shutdown(n, c->why);
		}
		break;
	case NODE_STATE_TUNABLES:
	case NODE_STATE_EXIT:
		break;
	}
}

/* ---------- delivery ---------- */

static void notification_next(struct tevent_context *ev,
			      struct tevent_immediate *im,
			      void *private_data);
static void notification_done(struct tevent_req *subreq);
static void notification_guard(struct tevent_context *ev,
			       struct tevent_timer *te, struct timeval now,
			       void *private_data);

static void notification_kick(struct hooks_context *n)
{
	tevent_schedule_immediate(n->kick, n->nctx->ev, notification_next, n);
}

/* The current event is over (delivered, failed or given up). */
static void notification_finish(struct hooks_context *n)
{
	TALLOC_FREE(n->guard);
	TALLOC_FREE(n->subreq);
	TALLOC_FREE(n->current);
	notification_kick(n);
}

static void notification_send_current(struct hooks_context *n)
{
	struct notification_item *item = n->current;
	uint32_t timeout =
		n->nctx->tunables.value[TUNABLE_EVENT_SCRIPT_TIMEOUT];
	struct ctdb_event_request_run run = {
		.component = NOTIFICATION_COMPONENT,
		.event = item->event,
		.args = item->args,
		.timeout = timeout,
		.flags = 0,
	};
	struct ctdb_event_client *client = NULL;
	struct timeval until;
	int ret;

	ret = event_conn_client(n->conn, &client);
	if (ret != 0) {
		D_NOTICE("notification %s: cannot reach the event daemon: %s",
			 item->event, strerror(ret));
		notification_finish(n);
		return;
	}
	n->current_with_input = (n->input != NOTIFICATION_INPUT_NO);
	if (n->current_with_input) {
		n->subreq = ctdb_event_run_input_send(n, n->nctx->ev, client,
						      &run, item->json);
	} else {
		n->subreq = ctdb_event_run_send(n, n->nctx->ev, client, &run);
	}
	if (n->subreq == NULL) {
		D_ERR("notification %s: out of memory, not sent",
		      item->event);
		notification_finish(n);
		return;
	}
	tevent_req_set_callback(n->subreq, notification_done, n);

	/* The event daemon ends the hooks at the deadline; this is for it. */
	until = tevent_timeval_current_ofs(timeout + NOTIFICATION_GRACE, 0);
	n->guard = tevent_add_timer(n->nctx->ev, n, until, notification_guard,
				    n);
	if (n->guard == NULL) {
		D_ERR("notification %s: out of memory, not sent",
		      item->event);
		notification_finish(n);
	}
}

static void notification_next(struct tevent_context *ev,
			      struct tevent_immediate *im,
			      void *private_data)
{
	struct hooks_context *n = talloc_get_type_abort(
		private_data, struct hooks_context);

	if (n->current != NULL) {
		return;
	}
	if (n->queue == NULL) {
		notification_drain_complete(n);
		return;
	}
	n->current = n->queue;
	DLIST_REMOVE(n->queue, n->current);
	n->num -= 1;
	D_DEBUG("notification %s: sending", n->current->event);
	notification_send_current(n);
}

static void notification_guard(struct tevent_context *ev,
			       struct tevent_timer *te, struct timeval now,
			       void *private_data)
{
	struct hooks_context *n = talloc_get_type_abort(
		private_data, struct hooks_context);

	/* tevent frees the timer after this handler returns. */
	n->guard = NULL;
	D_NOTICE("notification %s: no reply from the event daemon %u "
		 "seconds after the hook deadline, giving up",
		 n->current->event, (unsigned)NOTIFICATION_GRACE);
	/* A late reply must not be taken for the next event's. */
	event_conn_drop(n->conn);
	notification_finish(n);
}

static void notification_done(struct tevent_req *subreq)
{
	struct hooks_context *n = tevent_req_callback_data(
		subreq, struct hooks_context);
	const char *event = n->current->event;
	bool with_input = n->current_with_input;
	bool ok;
	int result = 0;
	int err = 0;

	if (with_input) {
		ok = ctdb_event_run_input_recv(subreq, &err, &result);
	} else {
		ok = ctdb_event_run_recv(subreq, &err, &result);
	}
	TALLOC_FREE(subreq);
	n->subreq = NULL;

	if (!ok && with_input && err == EPIPE &&
	    n->input == NOTIFICATION_INPUT_UNKNOWN) {
		/* Samba's ctdb-eventd: this connection is gone, not ours. */
		D_NOTICE("the event daemon does not support RUN_INPUT: "
			 "notification hooks run without the event on "
			 "stdin from now on");
		n->input = NOTIFICATION_INPUT_NO;
		event_conn_drop(n->conn);
		TALLOC_FREE(n->guard);
		notification_send_current(n);
		return;
	}
	if (!ok) {
		D_NOTICE("notification %s: lost the event daemon's reply: %s",
			 event, strerror(err));
		event_conn_drop(n->conn);
		notification_finish(n);
		return;
	}
	if (with_input) {
		n->input = NOTIFICATION_INPUT_YES;
	}
	if (result == 0) {
		D_INFO("notification %s: hooks OK", event);
	} else {
		/* Logged and kept in the status; nothing else changes. */
		D_NOTICE("notification %s: hooks %s (ctdb event status "
			 "notification %s)",
			 event, noded_event_result_string(result), event);
	}
	notification_finish(n);
}

/* ---------- shutdown ---------- */

struct notification_drain_state {
	struct hooks_context *n;
	struct tevent_req *req;
};

static int notification_drain_state_destructor(
	struct notification_drain_state *state)
{
	if (state->n != NULL && state->n->drain == state->req) {
		state->n->drain = NULL;
	}
	return 0;
}

/* Complete the drain request once, and forget it. */
static void notification_drain_complete(struct hooks_context *n)
{
	struct tevent_req *req = n->drain;

	n->drain = NULL;
	if (req != NULL) {
		tevent_req_done(req);
	}
}

static void notification_drain_timedout(struct tevent_context *ev,
					struct tevent_timer *te,
					struct timeval now,
					void *private_data);

struct tevent_req *hooks_drain_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct hooks_context *n)
{
	struct tevent_req *req;
	struct notification_drain_state *state;
	struct tevent_timer *te;
	uint32_t timeout;

	req = tevent_req_create(mem_ctx, &state,
				struct notification_drain_state);
	if (req == NULL) {
		return NULL;
	}
	if (n == NULL || (n->current == NULL && n->queue == NULL) ||
	    n->drain != NULL) {
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	state->n = n;
	state->req = req;
	n->drain = req;
	talloc_set_destructor(state, notification_drain_state_destructor);

	timeout = n->nctx->tunables.value[TUNABLE_EVENT_SCRIPT_TIMEOUT];
	te = tevent_add_timer(ev, state,
			      tevent_timeval_current_ofs(
				      timeout + NOTIFICATION_GRACE, 0),
			      notification_drain_timedout, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

static void notification_drain_timedout(struct tevent_context *ev,
					struct tevent_timer *te,
					struct timeval now,
					void *private_data)
{
	struct tevent_req *req = talloc_get_type_abort(private_data,
						       struct tevent_req);
	struct notification_drain_state *state = tevent_req_data(
		req, struct notification_drain_state);
	struct hooks_context *n = state->n;

	D_NOTICE("shutdown: %u notification events not delivered",
		 n->num + (n->current != NULL ? 1 : 0));
	notification_drain_complete(n);
}

bool hooks_drain_recv(struct tevent_req *req, int *perr)
{
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	return !failed;
}

void hooks_close(struct hooks_context *n)
{
	struct notification_item *item;

	if (n == NULL) {
		return;
	}
	n->stopped = true;
	TALLOC_FREE(n->guard);
	TALLOC_FREE(n->subreq);
	TALLOC_FREE(n->current);
	while (n->queue != NULL) {
		item = n->queue;
		DLIST_REMOVE(n->queue, item);
		talloc_free(item);
	}
	n->num = 0;
	event_conn_close(n->conn);
}
