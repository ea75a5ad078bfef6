/* SPDX-License-Identifier: GPL-3.0-or-later */
/* This node's state, with one owner, and the observers told of its changes. */
#include <errno.h>
#include <string.h>

#include "common/dlist.h"
#include "common/logging.h"
#include "noded/node_state.h"
#include "protocol/node_protocol.h"
#include "protocol/node_protocol_api.h"

struct node_state_observer {
	struct node_state_observer *prev, *next;
	struct node_state *ns;
	node_state_observer_fn fn;
	void *private_data;
};

struct node_state {
	uint32_t runstate;
	uint32_t flags;
	char *reason;    /* set while UNHEALTHY */
	unsigned num_ips;
	bool *held;      /* per configured IP */
	bool exiting;
	struct node_state_observer *observers;
};

/* Observers hang off their owners; unlink them when they go first. */
static int node_state_observer_destructor(struct node_state_observer *o)
{
	if (o->ns != NULL) {
		DLIST_REMOVE(o->ns->observers, o);
	}
	return 0;
}

/* The state may go before its observers: they must not point at it. */
static int node_state_destructor(struct node_state *ns)
{
	struct node_state_observer *o;

	while (ns->observers != NULL) {
		o = ns->observers;
		DLIST_REMOVE(ns->observers, o);
		o->ns = NULL;
	}
	return 0;
}

struct node_state *node_state_new(TALLOC_CTX *mem_ctx, unsigned num_ips)
{
	struct node_state *ns;

	ns = talloc_zero(mem_ctx, struct node_state);
	if (ns == NULL) {
		return NULL;
	}
	ns->runstate = CTDB_RUNSTATE_UNKNOWN;
	ns->flags = CTDB_NODE_FLAGS_UNHEALTHY;
	ns->reason = talloc_strdup(ns, "no monitor event has completed yet");
	ns->num_ips = num_ips;
	/* One extra element so that an empty list is not a NULL array. */
	ns->held = talloc_zero_array(ns, bool, num_ips + 1);
	if (ns->reason == NULL || ns->held == NULL) {
		talloc_free(ns);
		return NULL;
	}
	talloc_set_destructor(ns, node_state_destructor);
	return ns;
}

struct node_state_observer *node_state_observe(TALLOC_CTX *mem_ctx,
					       struct node_state *ns,
					       node_state_observer_fn fn,
					       void *private_data)
{
	struct node_state_observer *o;

	o = talloc_zero(mem_ctx, struct node_state_observer);
	if (o == NULL) {
		return NULL;
	}
	o->ns = ns;
	o->fn = fn;
	o->private_data = private_data;
	DLIST_ADD_END(ns->observers, o);
	talloc_set_destructor(o, node_state_observer_destructor);
	return o;
}

/* ---------- getters ---------- */

uint32_t node_state_runstate(const struct node_state *ns)
{
	return ns->runstate;
}

uint32_t node_state_flags(const struct node_state *ns)
{
	return ns->flags;
}

const char *node_state_reason(const struct node_state *ns)
{
	return ns->reason;
}

bool node_state_unhealthy(const struct node_state *ns)
{
	return (ns->flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0;
}

bool node_state_stopped(const struct node_state *ns)
{
	return (ns->flags & CTDB_NODE_FLAGS_STOPPED) != 0;
}

bool node_state_active(const struct node_state *ns)
{
	return ns->runstate == CTDB_RUNSTATE_RUNNING &&
	       (ns->flags & CTDB_NODE_FLAGS_INACTIVE) == 0;
}

unsigned node_state_num_ips(const struct node_state *ns)
{
	return ns->num_ips;
}

bool node_state_ip_is_held(const struct node_state *ns, unsigned i)
{
	return i < ns->num_ips && ns->held[i];
}

unsigned node_state_num_held(const struct node_state *ns)
{
	unsigned i;
	unsigned n = 0;

	for (i = 0; i < ns->num_ips; i++) {
		if (ns->held[i]) {
			n += 1;
		}
	}
	return n;
}

bool node_state_exiting(const struct node_state *ns)
{
	return ns->exiting;
}

const char *node_state_name(uint32_t flags)
{
	/* The cluster's verdicts outrank the administrator's and health. */
	if ((flags & CTDB_NODE_FLAGS_DISCONNECTED) != 0) {
		return "DISCONNECTED";
	}
	if ((flags & CTDB_NODE_FLAGS_BANNED) != 0) {
		return "BANNED";
	}
	if ((flags & CTDB_NODE_FLAGS_STOPPED) != 0) {
		return "STOPPED";
	}
	if ((flags & CTDB_NODE_FLAGS_INACTIVE) != 0) {
		return "INACTIVE";
	}
	if ((flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0) {
		return "UNHEALTHY";
	}
	return "HEALTHY";
}

/* ---------- the fan-out ---------- */

/* A change with the current values on both sides; the setter edits it. */
static struct node_state_change node_state_change_init(
	const struct node_state *ns, enum node_state_what what,
	const char *why)
{
	return (struct node_state_change) {
		.what = what,
		.why = why != NULL ? why : "",
		.old_runstate = ns->runstate,
		.new_runstate = ns->runstate,
		.old_flags = ns->flags,
		.new_flags = ns->flags,
		.old_reason = ns->reason,
		.new_reason = ns->reason,
	};
}

static void node_state_notify(struct node_state *ns,
			      const struct node_state_change *c)
{
	struct node_state_observer *o;
	struct node_state_observer *next;

	for (o = ns->observers; o != NULL; o = next) {
		next = o->next;
		o->fn(c, o->private_data);
	}
}

/* ---------- setters ---------- */

void node_state_set_runstate(struct node_state *ns, uint32_t runstate)
{
	struct node_state_change c;

	if (runstate == ns->runstate) {
		return;
	}
	c = node_state_change_init(ns, NODE_STATE_RUNSTATE, NULL);
	c.new_runstate = runstate;
	D_NOTICE("runstate %s -> %s", ctdb_runstate_to_string(ns->runstate),
		 ctdb_runstate_to_string(runstate));
	ns->runstate = runstate;
	node_state_notify(ns, &c);
}

/*
 * The reason follows the UNHEALTHY flag: it is set from why when the node
 * becomes UNHEALTHY and goes when it becomes healthy. The old reason lives
 * until the observers have seen it.
 */
void node_state_set_flags(struct node_state *ns, uint32_t flags,
			  const char *why)
{
	struct node_state_change c;
	char *old_reason = ns->reason;
	bool was_unhealthy = node_state_unhealthy(ns);
	bool is_unhealthy = (flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0;

	if (flags == ns->flags) {
		return;
	}
	c = node_state_change_init(ns, NODE_STATE_FLAGS, why);
	c.new_flags = flags;
	if (!is_unhealthy) {
		ns->reason = NULL;
	} else if (!was_unhealthy) {
		/* Without memory the node is UNHEALTHY all the same. */
		ns->reason = talloc_strdup(ns, c.why);
	}
	c.new_reason = ns->reason;
	D_NOTICE("node %s -> %s: %s", node_state_name(ns->flags),
		 node_state_name(flags), c.why);
	ns->flags = flags;
	node_state_notify(ns, &c);
	if (old_reason != ns->reason) {
		talloc_free(old_reason);
	}
}

void node_state_add_flags(struct node_state *ns, uint32_t flags,
			  const char *why)
{
	node_state_set_flags(ns, ns->flags | flags, why);
}

void node_state_clear_flags(struct node_state *ns, uint32_t flags,
			    const char *why)
{
	node_state_set_flags(ns, ns->flags & ~flags, why);
}

int node_state_set_reason(struct node_state *ns, const char *reason)
{
	struct node_state_change c;
	char *old_reason = ns->reason;
	char *copy;

	if (!node_state_unhealthy(ns) || reason == NULL) {
		return EINVAL;
	}
	if (old_reason != NULL && strcmp(old_reason, reason) == 0) {
		return 0;
	}
	copy = talloc_strdup(ns, reason);
	if (copy == NULL) {
		return ENOMEM;
	}
	c = node_state_change_init(ns, NODE_STATE_REASON, copy);
	c.new_reason = copy;
	ns->reason = copy;
	D_NOTICE("node %s: %s", node_state_name(ns->flags), reason);
	node_state_notify(ns, &c);
	talloc_free(old_reason);
	return 0;
}

static void node_state_set_ip(struct node_state *ns, unsigned i, bool held,
			      const char *why)
{
	struct node_state_change c;

	if (i >= ns->num_ips || ns->held[i] == held) {
		return;
	}
	ns->held[i] = held;
	c = node_state_change_init(ns, NODE_STATE_IP, why);
	c.ip = i;
	c.ip_held = held;
	node_state_notify(ns, &c);
}

void node_state_ip_held(struct node_state *ns, unsigned i, const char *why)
{
	node_state_set_ip(ns, i, true, why);
}

void node_state_ip_released(struct node_state *ns, unsigned i,
			    const char *why)
{
	node_state_set_ip(ns, i, false, why);
}

void node_state_tunables_changed(struct node_state *ns, const char *why)
{
	struct node_state_change c;

	c = node_state_change_init(ns, NODE_STATE_TUNABLES, why);
	node_state_notify(ns, &c);
}

void node_state_announce(struct node_state *ns, const char *announce,
			 const char *why)
{
	struct node_state_change c;

	c = node_state_change_init(ns, NODE_STATE_ANNOUNCE, why);
	c.announce = announce;
	node_state_notify(ns, &c);
}

void node_state_request_exit(struct node_state *ns, int status,
			     const char *why)
{
	struct node_state_change c;

	if (status != 0) {
		ns->exiting = true;
	}
	c = node_state_change_init(ns, NODE_STATE_EXIT, why);
	c.exit_status = status;
	node_state_notify(ns, &c);
}
