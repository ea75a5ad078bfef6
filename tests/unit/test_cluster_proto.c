/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the cluster protocol state machine against a fake CPG. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <talloc.h>

#include "noded/cluster_proto.h"
#include "protocol/cluster_protocol.h"
#include "protocol/node_protocol.h"

/*
 * The fake CPG keeps one inbox per daemon. A message sent in a partition
 * is appended to the inbox of every daemon of that partition at once, and
 * a configuration change likewise, so all inboxes hold the same total
 * order, as CPG's virtual synchrony promises. A SIGSTOPped daemon keeps
 * its inbox growing but handles nothing, as corosync queues for it.
 * Actions (events, releaseip, takeip) complete at once, or stay running
 * in "manual" mode until the test finishes them. The "kernel" of each
 * node records which addresses are configured on it; every takeip checks
 * that no other running daemon has the address configured: a violation
 * of the invariant the cluster tests check on real nodes.
 */

#define MAX_NODES 8
#define MAX_IPS 12
#define STEP_MS 100
#define MAX_SPINS 200000

struct inbox_item {
	bool is_confchg;
	uint64_t sender;
	uint8_t *buf;
	size_t len;
	uint64_t members[MAX_NODES];
	unsigned num_members;
	struct cluster_proto_left left[MAX_NODES];
	unsigned num_left;
	bool quorate;
};

struct fnode {
	struct cluster_proto *p;
	uint64_t id;
	uint32_t pnn;
	int part;
	bool alive;       /* the daemon process exists */
	bool corosync_up; /* the node's corosync runs (its vote counts) */
	bool in_group;
	bool stopped;
	bool manual;
	bool has_action;
	enum cluster_action_type action;
	char arg[64];
	struct inbox_item *inbox;
	unsigned num_inbox;
	bool conf[MAX_IPS];
	char *log;
	char *actions;
	bool refused;
	uint64_t last_take_ms;
	char *tickles; /* "ADDR:NUM " per TICKLES output */
};

struct world {
	TALLOC_CTX *mem;
	struct fnode n[MAX_NODES];
	unsigned num;
	uint64_t now;
	unsigned violations;
	const char *ips[MAX_IPS];
	unsigned num_ips;
	const char *nodes[MAX_NODES];
	unsigned num_nodes_file;
	bool two_node; /* corosync's two_node: one node of two is quorate */
	char *global_actions;
};

static const char *default_ips[] = {
	"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5",
	"10.0.0.6",
};

static const char *node_addrs[] = {
	"192.168.1.1", "192.168.1.2", "192.168.1.3", "192.168.1.4",
	"192.168.1.5", "192.168.1.6", "192.168.1.7", "192.168.1.8",
};

static struct world *world_new(unsigned num_nodes_file)
{
	struct world *w = talloc_zero(NULL, struct world);
	unsigned i;

	assert_non_null(w);
	w->mem = w;
	w->now = 1000000;
	w->num_ips = 6;
	for (i = 0; i < w->num_ips; i++) {
		w->ips[i] = default_ips[i];
	}
	w->num_nodes_file = num_nodes_file;
	for (i = 0; i < num_nodes_file; i++) {
		w->nodes[i] = node_addrs[i];
	}
	w->global_actions = talloc_strdup(w, "");
	return w;
}

static int ip_idx(struct world *w, const char *ip)
{
	unsigned i;

	for (i = 0; i < w->num_ips; i++) {
		if (strcmp(w->ips[i], ip) == 0) {
			return (int)i;
		}
	}
	fail_msg("unknown address %s", ip);
	return -1;
}

static struct cluster_proto_local node_local(struct world *w, uint32_t flags)
{
	struct cluster_proto_local local = {
		.flags = flags,
		.runstate = CTDB_RUNSTATE_RUNNING,
		.num_public = w->num_ips,
		.public_ips = w->ips,
	};

	return local;
}

/* A daemon for pnn, with the world's nodes file or the one given. */
static struct fnode *add_daemon_with_nodes(struct world *w, uint32_t pnn,
					   const char *const *nodes,
					   unsigned num_nodes)
{
	struct fnode *f = &w->n[w->num];
	struct cluster_proto_config config = {
		.this_pnn = pnn,
		.num_nodes = num_nodes,
		.nodes = nodes,
		.heartbeat_interval_ms = CLUSTER_HEARTBEAT_INTERVAL_MS,
		.heartbeat_timeout_ms = CLUSTER_HEARTBEAT_TIMEOUT_MS,
		.grace_ms = CLUSTER_GRACE_MS,
	};
	struct cluster_proto_local local = node_local(w, 0);
	const char *err = NULL;
	int ret;

	assert_true(w->num < MAX_NODES);
	memset(f, 0, sizeof(*f));
	f->id = ((uint64_t)(w->num + 1) << 32) | (1000 + w->num);
	f->pnn = pnn;
	config.this_member = f->id;
	ret = cluster_proto_new(w->mem, &config, &local, w->now, &f->p, &err);
	assert_int_equal(ret, 0);
	f->alive = true;
	f->corosync_up = true;
	f->log = talloc_strdup(w->mem, "");
	f->actions = talloc_strdup(w->mem, "");
	f->tickles = talloc_strdup(w->mem, "");
	w->num++;
	return f;
}

static struct fnode *add_daemon(struct world *w, uint32_t pnn)
{
	return add_daemon_with_nodes(w, pnn, w->nodes, w->num_nodes_file);
}

static bool running(const struct fnode *f)
{
	return f->alive && !f->stopped;
}

/* Every partition's quorum: more than half of all corosync nodes. */
static bool part_quorate(struct world *w, int part)
{
	unsigned up = 0;
	unsigned i;

	for (i = 0; i < w->num; i++) {
		if (w->n[i].corosync_up && w->n[i].part == part) {
			up++;
		}
	}
	if (w->two_node) {
		return up >= 1;
	}
	return up * 2 > w->num_nodes_file;
}

static void push_inbox(struct world *w, struct fnode *f,
		       const struct inbox_item *item)
{
	f->inbox = talloc_realloc(w->mem, f->inbox, struct inbox_item,
				  f->num_inbox + 1);
	assert_non_null(f->inbox);
	f->inbox[f->num_inbox++] = *item;
}

static void confchg(struct world *w, int part,
		    const struct cluster_proto_left *left, unsigned num_left)
{
	struct inbox_item item = { .is_confchg = true };
	unsigned i;

	for (i = 0; i < w->num; i++) {
		if (w->n[i].in_group && w->n[i].part == part) {
			item.members[item.num_members++] = w->n[i].id;
		}
	}
	if (num_left > 0) { /* left may be NULL then: memcpy wants non-NULL */
		memcpy(item.left, left, num_left * sizeof(left[0]));
	}
	item.num_left = num_left;
	item.quorate = part_quorate(w, part);
	for (i = 0; i < w->num; i++) {
		if (w->n[i].in_group && w->n[i].part == part) {
			push_inbox(w, &w->n[i], &item);
		}
	}
}

static void broadcast(struct world *w, struct fnode *from, uint8_t *buf,
		      size_t len)
{
	struct inbox_item item = {
		.sender = from->id,
		.len = len,
	};
	unsigned i;

	item.buf = talloc_steal(w->mem, buf);
	for (i = 0; i < w->num; i++) {
		if (w->n[i].in_group && w->n[i].part == from->part) {
			push_inbox(w, &w->n[i], &item);
		}
	}
}

static const char *action_name(enum cluster_action_type t)
{
	switch (t) {
	case CLUSTER_ACTION_EVENT:
		return "event";
	case CLUSTER_ACTION_RELEASE_IP:
		return "releaseip";
	case CLUSTER_ACTION_TAKE_IP:
		return "takeip";
	}
	return "?";
}

static void handle_outputs(struct world *w, struct fnode *f)
{
	struct cluster_output *out;

	while (cluster_proto_pop(f->p, w->mem, &out)) {
		switch (out->type) {
		case CLUSTER_OUT_SEND:
			if (f->in_group) {
				broadcast(w, f, out->buf, out->len);
			}
			break;
		case CLUSTER_OUT_ACTION:
			assert_false(f->has_action);
			f->has_action = true;
			f->action = out->action;
			snprintf(f->arg, sizeof(f->arg), "%s", out->arg);
			f->actions = talloc_asprintf_append(
				f->actions, "%s%s%s ",
				out->action == CLUSTER_ACTION_EVENT ?
					"" : action_name(out->action),
				out->action == CLUSTER_ACTION_EVENT ? "" : ":",
				out->arg);
			break;
		case CLUSTER_OUT_LOG:
			f->log = talloc_asprintf_append(f->log, "%d %s\n",
							out->level, out->text);
			break;
		case CLUSTER_OUT_REFUSED:
			f->refused = true;
			break;
		case CLUSTER_OUT_VIEW:
			break;
		case CLUSTER_OUT_TICKLES:
			f->tickles = talloc_asprintf_append(
				f->tickles, "%s:%u ",
				out->msg->body.tickles.address,
				out->msg->body.tickles.list->num);
			break;
		}
		talloc_free(out);
	}
}

static void complete_action(struct world *w, struct fnode *f, int result)
{
	unsigned i;
	int idx;

	assert_true(f->has_action);
	f->has_action = false;
	if (f->action != CLUSTER_ACTION_EVENT && result == 0) {
		idx = ip_idx(w, f->arg);
		if (f->action == CLUSTER_ACTION_TAKE_IP) {
			for (i = 0; i < w->num; i++) {
				if (&w->n[i] != f && running(&w->n[i]) &&
				    w->n[i].conf[idx]) {
					w->violations++;
					print_message("violation: %s taken by "
						      "pnn %u while pnn %u "
						      "has it\n", f->arg,
						      f->pnn, w->n[i].pnn);
				}
			}
			f->last_take_ms = w->now;
		}
		f->conf[idx] = f->action == CLUSTER_ACTION_TAKE_IP;
		w->global_actions = talloc_asprintf_append(
			w->global_actions, "%u:%s:%s ", f->pnn,
			action_name(f->action), f->arg);
	}
	cluster_proto_action_done(f->p, result, w->now);
}

static bool step_node(struct world *w, struct fnode *f)
{
	struct inbox_item item;

	handle_outputs(w, f);
	if (f->has_action && !f->manual) {
		complete_action(w, f, 0);
		handle_outputs(w, f);
		return true;
	}
	if (f->num_inbox == 0) {
		return false;
	}
	item = f->inbox[0];
	f->num_inbox--;
	memmove(f->inbox, f->inbox + 1, f->num_inbox * sizeof(item));
	if (item.is_confchg) {
		cluster_proto_confchg(f->p, item.members, item.num_members,
				      item.left, item.num_left, item.quorate,
				      w->now);
	} else {
		cluster_proto_deliver(f->p, item.sender, item.buf, item.len,
				      w->now);
	}
	handle_outputs(w, f);
	return true;
}

/* Until nobody has anything left to do (held manual actions stay). */
static void run(struct world *w)
{
	unsigned spins = 0;
	bool busy = true;
	unsigned i;

	while (busy) {
		busy = false;
		for (i = 0; i < w->num; i++) {
			if (running(&w->n[i]) && step_node(w, &w->n[i])) {
				busy = true;
			}
		}
		assert_true(++spins < MAX_SPINS);
	}
}

static void advance(struct world *w, uint64_t ms)
{
	uint64_t end = w->now + ms;
	unsigned i;

	while (w->now < end) {
		w->now += STEP_MS;
		for (i = 0; i < w->num; i++) {
			if (running(&w->n[i])) {
				cluster_proto_tick(w->n[i].p, w->now);
			}
		}
		run(w);
	}
}

static void join(struct world *w, struct fnode *f)
{
	f->in_group = true;
	confchg(w, f->part, NULL, 0);
	run(w);
}

static void join_all(struct world *w)
{
	unsigned i;

	for (i = 0; i < w->num; i++) {
		w->n[i].in_group = true;
	}
	confchg(w, 0, NULL, 0);
	run(w);
}

static void leave(struct world *w, struct fnode *f, uint32_t reason)
{
	struct cluster_proto_left left = { .member = f->id, .reason = reason };

	f->in_group = false;
	f->num_inbox = 0;
	confchg(w, f->part, &left, 1);
}

/* kill -9 of the daemon: its addresses stay configured, it runs no more. */
static void kill_daemon(struct world *w, struct fnode *f)
{
	f->alive = false;
	f->has_action = false;
	leave(w, f, CLUSTER_LEFT_PROCDOWN);
	run(w);
}

/* Split nodes in mask from the rest, as a firewall would. */
static void partition(struct world *w, unsigned mask)
{
	struct cluster_proto_left left_a[MAX_NODES];
	struct cluster_proto_left left_b[MAX_NODES];
	unsigned na = 0;
	unsigned nb = 0;
	unsigned i;

	for (i = 0; i < w->num; i++) {
		struct fnode *f = &w->n[i];
		struct cluster_proto_left l = {
			.member = f->id,
			.reason = CLUSTER_LEFT_NODEDOWN,
		};

		if (!f->in_group) {
			continue;
		}
		if ((mask & (1U << i)) != 0) {
			f->part = 1;
			left_b[nb++] = l;
		} else {
			f->part = 0;
			left_a[na++] = l;
		}
	}
	confchg(w, 0, left_b, nb);
	confchg(w, 1, left_a, na);
}

static void heal(struct world *w)
{
	unsigned i;

	for (i = 0; i < w->num; i++) {
		w->n[i].part = 0;
	}
	confchg(w, 0, NULL, 0);
}

static unsigned count_conf(const struct world *w, const struct fnode *f)
{
	unsigned i;
	unsigned n = 0;

	for (i = 0; i < w->num_ips; i++) {
		n += f->conf[i] ? 1 : 0;
	}
	return n;
}

/* With DEBUG_CLUSTER set, show what every daemon logged and did. */
static void dump_world(const struct world *w)
{
	unsigned i;

	if (getenv("DEBUG_CLUSTER") == NULL) {
		return;
	}
	for (i = 0; i < w->num; i++) {
		const struct fnode *f = &w->n[i];

		print_message("== daemon %u (pnn %u), phase %s\n%sactions: %s\n",
			      i, f->pnn,
			      cluster_phase_name(cluster_proto_phase(f->p)),
			      f->log, f->actions);
	}
	print_message("all actions: %s\n", w->global_actions);
}

/* After a fault settles: each address on exactly one running daemon's node. */
static void assert_settled(struct world *w)
{
	unsigned ip;
	unsigned i;

	for (ip = 0; ip < w->num_ips; ip++) {
		unsigned holders = 0;

		for (i = 0; i < w->num; i++) {
			if (running(&w->n[i]) && w->n[i].conf[ip]) {
				holders++;
			}
		}
		if (holders != 1) {
			dump_world(w);
			fail_msg("%s is on %u running nodes", w->ips[ip],
				 holders);
		}
	}
	assert_int_equal(w->violations, 0);
}

/* Every daemon taking part computed the same allocation. */
static void assert_same_allocation(struct world *w)
{
	struct fnode *ref = NULL;
	unsigned i;
	uint32_t k;

	for (i = 0; i < w->num; i++) {
		struct fnode *f = &w->n[i];

		if (!running(f) ||
		    cluster_proto_phase(f->p) != CLUSTER_PHASE_IDLE) {
			continue;
		}
		if (ref == NULL) {
			ref = f;
			continue;
		}
		assert_int_equal(cluster_proto_round(f->p),
				 cluster_proto_round(ref->p));
		assert_int_equal(cluster_proto_num_ips(f->p),
				 cluster_proto_num_ips(ref->p));
		for (k = 0; k < cluster_proto_num_ips(f->p); k++) {
			int32_t a;
			int32_t b;

			assert_string_equal(cluster_proto_ip(f->p, k, &a),
					    cluster_proto_ip(ref->p, k, &b));
			assert_int_equal(a, b);
		}
	}
	assert_non_null(ref);
}

static bool has_text(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

/* ---------- the tests ---------- */

static void test_config_errors(void **state)
{
	const char *dup[] = { "192.168.1.1", "192.168.1.2", "192.168.1.1" };
	const char *deleted[] = { "192.168.1.1", NULL };
	const char *bad_ip[] = { "10.0.0.999" };
	struct cluster_proto_config config = {
		.this_pnn = 0,
		.num_nodes = 3,
		.nodes = dup,
		.heartbeat_interval_ms = 1000,
		.heartbeat_timeout_ms = 5000,
		.grace_ms = 3000,
	};
	struct cluster_proto_local local = {
		.runstate = CTDB_RUNSTATE_RUNNING,
	};
	struct cluster_proto *p = NULL;
	const char *err = NULL;
	int ret;

	ret = cluster_proto_new(NULL, &config, &local, 0, &p, &err);
	assert_int_equal(ret, EINVAL);
	assert_string_equal(err, "an address appears twice in the nodes file");

	config.nodes = deleted;
	config.num_nodes = 2;
	config.this_pnn = 1;
	ret = cluster_proto_new(NULL, &config, &local, 0, &p, &err);
	assert_int_equal(ret, EINVAL);
	assert_string_equal(err, "this node's address is not in the nodes file");
	config.this_pnn = 2;
	ret = cluster_proto_new(NULL, &config, &local, 0, &p, &err);
	assert_int_equal(ret, EINVAL);

	config.this_pnn = 0;
	config.heartbeat_timeout_ms = 1000;
	ret = cluster_proto_new(NULL, &config, &local, 0, &p, &err);
	assert_int_equal(ret, EINVAL);
	assert_string_equal(err, "the heartbeat timeout must exceed its interval");

	config.heartbeat_timeout_ms = 5000;
	local.num_public = 1;
	local.public_ips = bad_ip;
	ret = cluster_proto_new(NULL, &config, &local, 0, &p, &err);
	assert_int_equal(ret, EINVAL);
	assert_null(p);
}

static void test_single_node(void **state)
{
	struct world *w = world_new(1);
	struct fnode *a = add_daemon(w, 0);

	assert_int_equal(cluster_proto_phase(a->p), CLUSTER_PHASE_OUT);
	join_all(w);
	assert_int_equal(cluster_proto_phase(a->p), CLUSTER_PHASE_IDLE);
	assert_string_equal(a->actions,
			    "startrecovery takeip:10.0.0.1 takeip:10.0.0.2 "
			    "takeip:10.0.0.3 takeip:10.0.0.4 takeip:10.0.0.5 "
			    "takeip:10.0.0.6 recovered ipreallocated ");
	assert_settled(w);
	assert_true(cluster_proto_holds(a->p, "10.0.0.4"));
	assert_null(cluster_proto_why_out(a->p));
	talloc_free(w);
}

/* A holder's tickle list reaches every other member, not itself. */
static void test_tickles_reach_members(void **state)
{
	struct world *w = world_new(3);
	struct fnode *a = add_daemon(w, 0);
	struct fnode *b = add_daemon(w, 1);
	struct fnode *c = add_daemon(w, 2);
	struct ctdb_tickle_conn conn[2];
	struct ctdb_tickle_list list = { .num = 2, .conn = conn };
	struct ctdb_tickle_list empty = { .num = 0 };
	struct sockaddr_in *sin;
	unsigned i;

	memset(conn, 0, sizeof(conn));
	for (i = 0; i < 2; i++) {
		sin = (struct sockaddr_in *)&conn[i].src.ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(40000 + i);
		sin->sin_addr.s_addr = htonl(0xc0a80105 + i);
		sin = (struct sockaddr_in *)&conn[i].dst.ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(445);
		sin->sin_addr.s_addr = htonl(0x0a000001);
	}
	join_all(w);
	assert_settled(w);
	cluster_proto_send_tickles(a->p, "10.0.0.1", &list);
	cluster_proto_send_tickles(b->p, "10.0.0.2", &empty);
	run(w);
	assert_string_equal(b->tickles, "10.0.0.1:2 ");
	assert_string_equal(c->tickles, "10.0.0.1:2 10.0.0.2:0 ");
	assert_string_equal(a->tickles, "10.0.0.2:0 ");
	/* What no decoder would take is logged, never sent. */
	cluster_proto_send_tickles(c->p, "10.0.0.1/24", &list);
	run(w);
	assert_true(has_text(c->log, "cannot encode a tickles message"));
	assert_string_equal(b->tickles, "10.0.0.1:2 ");
	/* The round goes on undisturbed. */
	assert_settled(w);
	talloc_free(w);
}

static void test_three_nodes_balanced(void **state)
{
	struct world *w = world_new(3);
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	assert_settled(w);
	assert_same_allocation(w);
	for (i = 0; i < 3; i++) {
		assert_int_equal(count_conf(w, &w->n[i]), 2);
		assert_int_equal(cluster_proto_node_flags(w->n[0].p, i), 0);
	}
	talloc_free(w);
}

/*
 * A node that joins late gets its share, and every address it gains was
 * released by its holder before the takeip: the order in the global
 * action log.
 */
static void test_join_late_release_before_take(void **state)
{
	struct world *w = world_new(3);
	struct fnode *c;
	const char *log;
	unsigned ip;

	add_daemon(w, 0);
	add_daemon(w, 1);
	w->n[0].in_group = true;
	w->n[1].in_group = true;
	confchg(w, 0, NULL, 0);
	run(w);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]), 6);
	assert_int_equal(cluster_proto_node_flags(w->n[0].p, 2),
			 CTDB_NODE_FLAGS_DISCONNECTED);

	c = add_daemon(w, 2);
	w->global_actions[0] = '\0';
	join(w, c);
	assert_settled(w);
	assert_same_allocation(w);
	assert_int_equal(count_conf(w, c), 2);
	log = w->global_actions;
	for (ip = 0; ip < w->num_ips; ip++) {
		char take[64];
		char release[64];
		const char *t;
		const char *r;

		if (!c->conf[ip]) {
			continue;
		}
		snprintf(take, sizeof(take), "2:takeip:%s ", w->ips[ip]);
		snprintf(release, sizeof(release), ":releaseip:%s ",
			 w->ips[ip]);
		t = strstr(log, take);
		r = strstr(log, release);
		assert_non_null(t);
		assert_non_null(r);
		assert_true(r < t);
	}
	talloc_free(w);
}

static void test_unhealthy_moves_ips(void **state)
{
	struct world *w = world_new(3);
	struct cluster_proto_local local;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	local = node_local(w, CTDB_NODE_FLAGS_UNHEALTHY);
	local.reason = "monitor: 10.interface failed";
	assert_int_equal(cluster_proto_set_local(w->n[0].p, &local, w->now),
			 0);
	run(w);
	assert_settled(w);
	assert_int_equal(count_conf(w, &w->n[0]), 0);
	assert_int_equal(count_conf(w, &w->n[1]), 3);
	/* Every node knows why pnn 0 is unhealthy. */
	assert_int_equal(cluster_proto_node_flags(w->n[2].p, 0),
			 CTDB_NODE_FLAGS_UNHEALTHY);
	assert_string_equal(cluster_proto_node_reason(w->n[2].p, 0),
			    "monitor: 10.interface failed");

	local = node_local(w, 0);
	assert_int_equal(cluster_proto_set_local(w->n[0].p, &local, w->now),
			 0);
	run(w);
	assert_settled(w);
	assert_int_equal(count_conf(w, &w->n[0]), 2);
	assert_null(cluster_proto_node_reason(w->n[2].p, 0));
	talloc_free(w);
}

/*
 * Hold node 0's actions until it is in the given phase with an action
 * running, then kill pnn 1's daemon. The running action is not
 * abandoned: it completes; a new round starts, and the cluster settles.
 */
static void confchg_in_phase(enum cluster_phase phase)
{
	struct world *w = world_new(3);
	struct fnode *a;
	struct fnode *c;
	uint32_t round_before;
	unsigned i;

	a = add_daemon(w, 0);
	add_daemon(w, 1);
	w->n[0].in_group = true;
	w->n[1].in_group = true;
	confchg(w, 0, NULL, 0);
	run(w);

	/* The joiner runs something in every phase: hold its actions. */
	c = add_daemon(w, 2);
	c->manual = true;
	c->in_group = true;
	confchg(w, 0, NULL, 0);
	for (i = 0; i < 100; i++) {
		run(w);
		if (cluster_proto_phase(c->p) == phase && c->has_action) {
			break;
		}
		if (c->has_action) {
			complete_action(w, c, 0);
		}
	}
	assert_int_equal(cluster_proto_phase(c->p), phase);
	assert_true(c->has_action);
	round_before = cluster_proto_round(c->p);

	kill_daemon(w, &w->n[1]);
	run(w);
	/* Still running: nobody killed it, and the round is abandoned. */
	assert_true(c->has_action);
	assert_int_equal(cluster_proto_phase(c->p), CLUSTER_PHASE_SYNC);

	c->manual = false;
	run(w);
	assert_true(cluster_proto_round(c->p) > round_before);
	assert_settled(w);
	assert_same_allocation(w);
	assert_int_equal(count_conf(w, a) + count_conf(w, c), 6);
	talloc_free(w);
}

static void test_confchg_in_release_phase(void **state)
{
	confchg_in_phase(CLUSTER_PHASE_RELEASE);
}

static void test_confchg_in_take_phase(void **state)
{
	confchg_in_phase(CLUSTER_PHASE_TAKE);
}

static void test_confchg_in_idle_phase(void **state)
{
	/* recovered / ipreallocated still running */
	confchg_in_phase(CLUSTER_PHASE_IDLE);
}

/* A confchg during the barrier itself: nothing runs, a new barrier. */
static void test_confchg_in_sync_phase(void **state)
{
	struct world *w = world_new(3);
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
		w->n[i].in_group = true;
	}
	confchg(w, 0, NULL, 0);
	/* Deliver the confchg to everyone, but not yet their STATEs. */
	for (i = 0; i < 3; i++) {
		step_node(w, &w->n[i]);
		assert_int_equal(cluster_proto_phase(w->n[i].p),
				 CLUSTER_PHASE_SYNC);
	}
	kill_daemon(w, &w->n[2]);
	run(w);
	assert_settled(w);
	assert_same_allocation(w);
	assert_int_equal(count_conf(w, &w->n[0]), 3);
	talloc_free(w);
}

static void inject(struct world *w, struct fnode *from,
		   const struct cluster_msg *msg)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	assert_int_equal(cluster_msg_marshall(w->mem, msg, &buf, &len), 0);
	broadcast(w, from, buf, len);
}

static void test_messages_from_older_rounds(void **state)
{
	struct world *w = world_new(3);
	struct cluster_msg old = { .pnn = 1 };
	uint32_t round;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	round = cluster_proto_round(w->n[0].p);
	assert_true(round > 0);

	/* A late RELEASED and TAKEN of the round before: ignored. */
	old.type = CLUSTER_MSG_RELEASED;
	old.round = round - 1;
	inject(w, &w->n[1], &old);
	old.type = CLUSTER_MSG_TAKEN;
	inject(w, &w->n[1], &old);
	/* And one of the current round, after it completed: ignored too. */
	old.round = round;
	inject(w, &w->n[1], &old);
	run(w);
	for (i = 0; i < 3; i++) {
		assert_int_equal(cluster_proto_phase(w->n[i].p),
				 CLUSTER_PHASE_IDLE);
		assert_int_equal(cluster_proto_round(w->n[i].p), round);
	}
	assert_true(has_text(w->n[0].log, "ignoring released of round"));
	assert_true(has_text(w->n[0].log, "ignoring taken of round"));
	assert_settled(w);
	talloc_free(w);
}

/* Quorum lost in the middle of a round: release everything, take none. */
static void test_quorum_lost_mid_round(void **state)
{
	struct world *w = world_new(3);
	struct fnode *a;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	a = &w->n[0];
	{
		struct cluster_proto_local local =
			node_local(w, CTDB_NODE_FLAGS_UNHEALTHY);

		local.reason = "failing";
		a->manual = true;
		cluster_proto_set_local(w->n[1].p, &local, w->now);
	}
	run(w);
	for (i = 0; i < 20 && cluster_proto_phase(a->p) !=
				      CLUSTER_PHASE_TAKE; i++) {
		if (a->has_action) {
			complete_action(w, a, 0);
		}
		run(w);
	}
	assert_int_equal(cluster_proto_phase(a->p), CLUSTER_PHASE_TAKE);

	/* Nodes 1 and 2 vanish: node 0 alone has no quorum. */
	partition(w, 0x6);
	run(w);
	while (a->has_action) {
		complete_action(w, a, 0);
		run(w);
	}
	assert_int_equal(cluster_proto_phase(a->p), CLUSTER_PHASE_OUT);
	assert_false(cluster_proto_quorate(a->p));
	assert_string_equal(cluster_proto_why_out(a->p),
			    "the cluster has no quorum");
	assert_int_equal(count_conf(w, a), 0);
	assert_true(has_text(a->log, "taking no part in the cluster: the "
			     "cluster has no quorum"));
	/* The majority takes them, after the grace period. */
	advance(w, CLUSTER_GRACE_MS + STEP_MS);
	assert_int_equal(count_conf(w, &w->n[2]), 6);
	assert_int_equal(w->violations, 0);

	a->manual = false;
	heal(w);
	run(w);
	advance(w, 2 * STEP_MS);
	assert_settled(w);
	assert_same_allocation(w);
	talloc_free(w);
}

/* A quorum callback without a confchg, then back. */
static void test_quorum_callback(void **state)
{
	struct world *w = world_new(3);
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	for (i = 0; i < 3; i++) {
		cluster_proto_quorum(w->n[i].p, false, w->now);
	}
	run(w);
	for (i = 0; i < 3; i++) {
		assert_int_equal(count_conf(w, &w->n[i]), 0);
	}
	for (i = 0; i < 3; i++) {
		cluster_proto_quorum(w->n[i].p, true, w->now);
	}
	run(w);
	assert_settled(w);
	assert_same_allocation(w);
	talloc_free(w);
}

/* The node of the daemon dies (NODEDOWN): its IPs move only after grace. */
static void test_node_down_waits_grace(void **state)
{
	struct world *w = world_new(3);
	struct fnode *c;
	uint64_t down_at;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	c = &w->n[2];
	c->alive = false;
	c->corosync_up = false;
	memset(c->conf, 0, sizeof(c->conf)); /* the machine is gone */
	down_at = w->now;
	leave(w, c, CLUSTER_LEFT_NODEDOWN);
	run(w);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]),
			 4);
	advance(w, CLUSTER_GRACE_MS - STEP_MS);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]),
			 4);
	advance(w, 2 * STEP_MS);
	assert_settled(w);
	assert_true(w->n[0].last_take_ms >= down_at + CLUSTER_GRACE_MS ||
		    w->n[1].last_take_ms >= down_at + CLUSTER_GRACE_MS);
	talloc_free(w);
}

/*
 * The grace period is for addresses a vanished node may still have: one
 * that nobody held (here one just added to a node's public_addresses) is
 * taken at once, while the vanished node's wait.
 */
static void test_unheld_taken_without_grace(void **state)
{
	struct world *w = world_new(3);
	struct cluster_proto_local local;
	struct fnode *c;
	int ret;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	c = &w->n[2];
	c->alive = false;
	c->corosync_up = false;
	memset(c->conf, 0, sizeof(c->conf));
	leave(w, c, CLUSTER_LEFT_NODEDOWN);
	run(w);

	w->ips[w->num_ips++] = "10.0.0.7";
	local = node_local(w, 0);
	ret = cluster_proto_set_local(w->n[0].p, &local, w->now);
	assert_int_equal(ret, 0);
	handle_outputs(w, &w->n[0]);
	advance(w, 2 * STEP_MS);
	assert_true(w->n[0].conf[ip_idx(w, "10.0.0.7")]);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]),
			 5);
	advance(w, CLUSTER_GRACE_MS);
	dump_world(w);
	assert_settled(w);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]),
			 7);
	talloc_free(w);
}

/* kill -9 of a daemon (PROCDOWN): its IPs move at once, no grace. */
static void test_killed_daemon_no_grace(void **state)
{
	struct world *w = world_new(3);
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	kill_daemon(w, &w->n[1]);
	assert_settled(w);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[2]),
			 6);
	assert_true(has_text(w->n[0].log, "left the cluster: process died"));
	talloc_free(w);
}

/*
 * A SIGSTOPped daemon stays a CPG member. The others suspect it after
 * the heartbeat timeout and take its IPs after the grace. When it wakes,
 * it releases first and takes nothing until it has rejoined.
 */
static void test_silent_member(void **state)
{
	struct world *w = world_new(3);
	struct fnode *c;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	advance(w, 2000);
	c = &w->n[2];
	assert_int_equal(count_conf(w, c), 2);

	c->stopped = true;
	advance(w, CLUSTER_HEARTBEAT_TIMEOUT_MS + STEP_MS);
	assert_true(has_text(w->n[0].log, "pnn 2 (member "));
	assert_true(has_text(w->n[0].log, ") has been silent too long"));
	assert_int_equal(cluster_proto_node_flags(w->n[0].p, 2),
			 CTDB_NODE_FLAGS_DISCONNECTED);
	advance(w, CLUSTER_GRACE_MS + STEP_MS);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]),
			 6);
	assert_int_equal(w->violations, 0);

	/* It wakes: the first thing it does is release. */
	c->stopped = false;
	c->actions[0] = '\0';
	cluster_proto_tick(c->p, w->now);
	run(w);
	assert_int_equal(strncmp(c->actions, "releaseip:", 10), 0);
	assert_true(has_text(c->log, "releasing all public IPs, then "
			     "rejoining"));
	advance(w, 2000);
	dump_world(w);
	assert_settled(w);
	assert_same_allocation(w);
	assert_true(has_text(w->n[0].log, "pnn 2 rejoins the cluster"));
	assert_int_equal(count_conf(w, c), 2);
	talloc_free(w);
}

/* A daemon stopped before its first STATE does not hold the barrier forever. */
static void test_silent_before_state(void **state)
{
	struct world *w = world_new(3);
	struct fnode *c;
	unsigned i;

	for (i = 0; i < 2; i++) {
		add_daemon(w, i);
		w->n[i].in_group = true;
	}
	confchg(w, 0, NULL, 0);
	run(w);
	c = add_daemon(w, 2);
	c->stopped = true;
	join(w, c);
	assert_int_equal(cluster_proto_phase(w->n[0].p), CLUSTER_PHASE_SYNC);
	advance(w, CLUSTER_HEARTBEAT_TIMEOUT_MS + 2 * STEP_MS);
	assert_true(has_text(w->n[0].log, "pnn -1 (member "));
	assert_int_equal(cluster_proto_phase(w->n[0].p), CLUSTER_PHASE_IDLE);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]),
			 6);

	c->stopped = false;
	cluster_proto_tick(c->p, w->now);
	run(w);
	advance(w, 2000);
	assert_settled(w);
	assert_same_allocation(w);
	assert_int_equal(count_conf(w, c), 2);
	talloc_free(w);
}

/*
 * A partition heals and a member hangs before it answers the barrier of
 * the heal. The node that was cut off knows nothing of that member from
 * before the heal; the others do. Both must judge its silence alike, or
 * their rounds part for good (this hung the SIGSTOP step of
 * corosync_faults.sh after its partition step).
 */
static void test_silent_across_heal(void **state)
{
	struct world *w = world_new(3);
	struct fnode *b;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	advance(w, 2000);
	partition(w, 1U << 0);
	advance(w, CLUSTER_GRACE_MS + 2000);
	assert_int_equal(count_conf(w, &w->n[0]), 0);

	b = &w->n[1];
	heal(w);
	b->stopped = true;
	advance(w, CLUSTER_HEARTBEAT_TIMEOUT_MS + CLUSTER_GRACE_MS + 2000);
	dump_world(w);
	assert_settled(w);
	assert_same_allocation(w);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[2]),
			 6);
	assert_true(count_conf(w, &w->n[0]) > 0);

	b->stopped = false;
	cluster_proto_tick(b->p, w->now);
	run(w);
	advance(w, 3000);
	dump_world(w);
	assert_settled(w);
	assert_same_allocation(w);
	assert_int_equal(count_conf(w, b), 2);
	talloc_free(w);
}

/*
 * A daemon joins while a hung member is excluded. The newcomer never saw
 * the exclusion: everyone forgets it at the configuration change, so all
 * wait for the hung member alike and exclude it again together.
 */
static void test_join_while_excluded(void **state)
{
	struct world *w = world_new(4);
	struct fnode *b;
	struct fnode *d;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
		w->n[i].in_group = true;
	}
	confchg(w, 0, NULL, 0);
	run(w);
	advance(w, 2000);
	b = &w->n[1];
	b->stopped = true;
	advance(w, CLUSTER_HEARTBEAT_TIMEOUT_MS + CLUSTER_GRACE_MS + 2000);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[2]),
			 6);

	d = add_daemon(w, 3);
	join(w, d);
	advance(w, CLUSTER_HEARTBEAT_TIMEOUT_MS + 2000);
	dump_world(w);
	assert_settled(w);
	assert_same_allocation(w);
	assert_int_equal(cluster_proto_phase(d->p), CLUSTER_PHASE_IDLE);
	assert_int_equal(count_conf(w, d), 2);

	b->stopped = false;
	cluster_proto_tick(b->p, w->now);
	run(w);
	advance(w, 3000);
	dump_world(w);
	assert_settled(w);
	assert_same_allocation(w);
	assert_true(count_conf(w, b) > 0);
	talloc_free(w);
}

/* A heartbeat that arrives before the SUSPECT makes the suspicion stale. */
static void test_stale_suspicion(void **state)
{
	struct world *w = world_new(3);
	struct cluster_msg sus = {
		.type = CLUSTER_MSG_SUSPECT,
		.pnn = 0,
	};
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	advance(w, 3000);
	sus.round = cluster_proto_round(w->n[0].p);
	sus.body.suspect.target_pnn = 2;
	sus.body.suspect.target_member = w->n[2].id;
	sus.body.suspect.target_seq = 1; /* it has sent more since */
	inject(w, &w->n[0], &sus);
	run(w);
	assert_true(has_text(w->n[1].log, "heard since: ignored"));
	assert_int_equal(count_conf(w, &w->n[2]), 2);
	assert_settled(w);
	talloc_free(w);
}

static void test_duplicate_pnn(void **state)
{
	struct world *w = world_new(3);
	struct fnode *dup;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	dup = add_daemon(w, 1);
	join(w, dup);
	advance(w, 1000);
	assert_true(dup->refused);
	assert_int_equal(count_conf(w, dup), 0);
	assert_int_equal(cluster_proto_phase(dup->p), CLUSTER_PHASE_PASSIVE);
	assert_true(has_text(dup->log, "already serves pnn 1: refusing"));
	assert_true(has_text(w->n[1].log, "refusing a second ctdb-noded for "
			     "pnn 1"));
	assert_false(w->n[1].refused);
	assert_int_equal(count_conf(w, &w->n[1]), 2);
	assert_settled(w);
	talloc_free(w);
}

static void test_nodes_hash_mismatch(void **state)
{
	static const char *other[] = {
		"192.168.1.1", "192.168.1.2", "192.168.1.9",
	};
	struct world *w = world_new(3);
	struct fnode *c;

	add_daemon(w, 0);
	add_daemon(w, 1);
	c = add_daemon_with_nodes(w, 2, other, 3);
	join_all(w);
	advance(w, 1000);
	assert_int_equal(cluster_proto_phase(c->p), CLUSTER_PHASE_PASSIVE);
	assert_string_equal(cluster_proto_why_out(c->p),
			    "our nodes file differs from the other nodes'");
	assert_true(has_text(c->log, "our nodes file (hash "));
	assert_true(has_text(w->n[0].log, "pnn 2 (member "));
	assert_true(has_text(w->n[0].log, ") has a different nodes file"));
	assert_int_equal(count_conf(w, c), 0);
	assert_int_equal(count_conf(w, &w->n[0]), 3);
	assert_settled(w);
	talloc_free(w);
}

/* A member speaking another version or naming an unknown pnn is ignored. */
static void test_foreign_member(void **state)
{
	struct world *w = world_new(3);
	struct fnode *x;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct cluster_msg hb = {
		.type = CLUSTER_MSG_HEARTBEAT,
		.pnn = 1,
	};
	uint32_t version = CLUSTER_PROTOCOL_VERSION + 1;
	unsigned i;

	for (i = 0; i < 2; i++) {
		add_daemon(w, i);
	}
	x = add_daemon(w, 2);
	x->stopped = true; /* it only speaks through inject() */
	join_all(w);
	assert_int_equal(cluster_proto_phase(w->n[0].p), CLUSTER_PHASE_SYNC);
	assert_int_equal(cluster_msg_marshall(w->mem, &hb, &buf, &len), 0);
	memcpy(buf + 4, &version, sizeof(version));
	broadcast(w, x, buf, len);
	run(w);
	assert_true(has_text(w->n[0].log, "its heartbeat message (pnn 1, "
			     "version 2) has another protocol version"));
	assert_int_equal(cluster_proto_phase(w->n[0].p), CLUSTER_PHASE_IDLE);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]),
			 6);
	assert_int_equal(w->violations, 0);
	talloc_free(w);
}

/* A deleted line of nodes shows DELETED, and speaks for nobody. */
static void test_deleted_line(void **state)
{
	struct world *w = world_new(3);
	struct fnode *x;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct cluster_msg hb = {
		.type = CLUSTER_MSG_HEARTBEAT,
		.pnn = 1,
	};

	w->nodes[1] = NULL;
	add_daemon(w, 0);
	add_daemon(w, 2);
	x = add_daemon(w, 0); /* a member that only speaks through broadcast() */
	x->stopped = true;
	join_all(w);
	assert_int_equal(cluster_proto_node_flags(w->n[0].p, 1),
			 CTDB_NODE_FLAGS_DELETED);
	assert_int_equal(cluster_msg_marshall(w->mem, &hb, &buf, &len), 0);
	broadcast(w, x, buf, len);
	run(w);
	assert_true(has_text(w->n[0].log, "its heartbeat message (pnn 1, "
			     "version 1) has a pnn that is not in our nodes "
			     "file"));
	assert_int_equal(cluster_proto_phase(w->n[0].p), CLUSTER_PHASE_IDLE);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]),
			 6);
	talloc_free(w);
}

static void test_unknown_pnn(void **state)
{
	struct world *w = world_new(3);
	struct fnode *x;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct cluster_msg hb = {
		.type = CLUSTER_MSG_HEARTBEAT,
		.pnn = 7,
	};

	add_daemon(w, 0);
	add_daemon(w, 1);
	x = add_daemon(w, 2);
	x->stopped = true;
	join_all(w);
	assert_int_equal(cluster_msg_marshall(w->mem, &hb, &buf, &len), 0);
	broadcast(w, x, buf, len);
	run(w);
	assert_true(has_text(w->n[1].log, "a pnn that is not in our nodes "
			     "file"));
	assert_int_equal(cluster_proto_phase(w->n[1].p), CLUSTER_PHASE_IDLE);
	talloc_free(w);
}

/* A releaseip that fails holds back RELEASED until a retry succeeds. */
static void test_release_failure_blocks_take(void **state)
{
	struct world *w = world_new(2);
	struct fnode *a;
	struct fnode *b;

	w->two_node = true;
	a = add_daemon(w, 0);
	a->in_group = true;
	confchg(w, 0, NULL, 0);
	run(w);
	assert_int_equal(count_conf(w, a), 6);

	b = add_daemon(w, 1);
	a->manual = true;
	join(w, b);
	/* startrecovery, then the first releaseip: fail it. */
	complete_action(w, a, 0);
	run(w);
	assert_int_equal(a->action, CLUSTER_ACTION_RELEASE_IP);
	complete_action(w, a, EIO);
	run(w);
	while (a->has_action) {
		complete_action(w, a, 0);
		run(w);
	}
	/* One address still here: no RELEASED, so b takes nothing yet. */
	assert_int_equal(count_conf(w, a), 4);
	assert_true(has_text(a->log, "failed (Input/output error): it stays"));
	assert_int_equal(count_conf(w, b), 0);
	assert_int_equal(cluster_proto_phase(b->p), CLUSTER_PHASE_RELEASE);
	a->manual = false;
	advance(w, 2000);
	assert_settled(w);
	assert_int_equal(count_conf(w, b), 3);
	talloc_free(w);
}

/* The daemon loses its corosync: it releases everything at once. */
static void test_engine_lost(void **state)
{
	struct world *w = world_new(3);
	struct fnode *c;
	unsigned i;

	for (i = 0; i < 3; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	c = &w->n[2];
	c->corosync_up = false;
	c->in_group = false;
	c->num_inbox = 0;
	cluster_proto_engine_lost(c->p, w->now);
	run(w);
	assert_int_equal(count_conf(w, c), 0);
	assert_string_equal(cluster_proto_why_out(c->p),
			    "lost the connection to corosync");
	{
		struct cluster_proto_left left = {
			.member = c->id,
			.reason = CLUSTER_LEFT_NODEDOWN,
		};

		confchg(w, 0, &left, 1);
	}
	run(w);
	advance(w, CLUSTER_GRACE_MS + STEP_MS);
	assert_int_equal(count_conf(w, &w->n[0]) + count_conf(w, &w->n[1]),
			 6);
	assert_int_equal(w->violations, 0);
	talloc_free(w);
}

/* Five nodes through a series of faults; the invariant holds throughout. */
static void test_five_nodes(void **state)
{
	struct world *w = world_new(5);
	struct cluster_proto_local local;
	struct fnode *back;
	unsigned i;

	w->num_ips = 10;
	for (i = 0; i < 10; i++) {
		static const char *more[] = {
			"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4",
			"10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8",
			"10.0.0.9", "10.0.0.10",
		};
		w->ips[i] = more[i];
	}
	for (i = 0; i < 5; i++) {
		add_daemon(w, i);
	}
	join_all(w);
	assert_settled(w);
	assert_same_allocation(w);
	for (i = 0; i < 5; i++) {
		assert_int_equal(count_conf(w, &w->n[i]), 2);
	}

	local = node_local(w, CTDB_NODE_FLAGS_UNHEALTHY);
	local.reason = "failing";
	cluster_proto_set_local(w->n[3].p, &local, w->now);
	run(w);
	assert_settled(w);
	assert_int_equal(count_conf(w, &w->n[3]), 0);

	kill_daemon(w, &w->n[1]);
	assert_settled(w);
	assert_same_allocation(w);

	partition(w, 0x1 << 4);
	run(w);
	advance(w, CLUSTER_GRACE_MS + STEP_MS);
	assert_int_equal(count_conf(w, &w->n[4]), 0);
	heal(w);
	run(w);
	advance(w, 1000);
	assert_settled(w);

	local = node_local(w, 0);
	cluster_proto_set_local(w->n[3].p, &local, w->now);
	back = add_daemon(w, 1); /* the killed daemon restarts */
	join(w, back);
	advance(w, 1000);
	assert_settled(w);
	assert_same_allocation(w);
	for (i = 0; i < w->num; i++) {
		if (running(&w->n[i])) {
			assert_int_equal(count_conf(w, &w->n[i]), 2);
		}
	}
	talloc_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_single_node),
		cmocka_unit_test(test_tickles_reach_members),
		cmocka_unit_test(test_three_nodes_balanced),
		cmocka_unit_test(test_join_late_release_before_take),
		cmocka_unit_test(test_unhealthy_moves_ips),
		cmocka_unit_test(test_confchg_in_sync_phase),
		cmocka_unit_test(test_confchg_in_release_phase),
		cmocka_unit_test(test_confchg_in_take_phase),
		cmocka_unit_test(test_confchg_in_idle_phase),
		cmocka_unit_test(test_messages_from_older_rounds),
		cmocka_unit_test(test_quorum_lost_mid_round),
		cmocka_unit_test(test_quorum_callback),
		cmocka_unit_test(test_node_down_waits_grace),
		cmocka_unit_test(test_killed_daemon_no_grace),
		cmocka_unit_test(test_unheld_taken_without_grace),
		cmocka_unit_test(test_silent_member),
		cmocka_unit_test(test_silent_before_state),
		cmocka_unit_test(test_stale_suspicion),
		cmocka_unit_test(test_silent_across_heal),
		cmocka_unit_test(test_join_while_excluded),
		cmocka_unit_test(test_duplicate_pnn),
		cmocka_unit_test(test_nodes_hash_mismatch),
		cmocka_unit_test(test_foreign_member),
		cmocka_unit_test(test_unknown_pnn),
		cmocka_unit_test(test_deleted_line),
		cmocka_unit_test(test_release_failure_blocks_take),
		cmocka_unit_test(test_engine_lost),
		cmocka_unit_test(test_five_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
