/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The corosync backend wired into ctdb-noded: view, this node's state in, actions out. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/logging.h"
#include "common/path.h"
#include "common/tevent_unix.h"
#include "noded/cluster_corosync.h"
#include "noded/leftover_ips.h"
#include "noded/noded_private.h"
#include "protocol/cluster_protocol.h"
#include "protocol/event_json.h"
#include "protocol/node_protocol_api.h"

/*
 * With [cluster] backend = corosync, cluster_proto decides where every
 * public IP goes, the same way on every node; this file only carries
 * its decisions out. Its actions (an event, a releaseip, a takeip) run
 * through the event daemon on the takeover queue, so they never
 * interleave with STOP, CONTINUE or the shutdown release, and each is
 * acknowledged with cluster_corosync_action_done. This node's flags,
 * runstate and reason go the other way through a node_state observer.
 */
struct noded_cluster {
	struct noded_context *nctx;
	struct cluster *cluster;
	struct cluster_corosync *cc;
	const char **public_ips;  /* bare addresses, public_addresses order */
	struct cluster_node node; /* what cluster_ops.node() returns */
	bool joining;             /* RUNDIR/noded.joining exists */
};

static void nc_joining_mark(struct noded_cluster *nc, bool joining);

static const struct cluster_proto *nc_proto(const struct noded_cluster *nc)
{
	if (nc->cc == NULL) {
		return NULL;
	}
	return cluster_corosync_proto(nc->cc);
}

/* ---------- the view, behind cluster.h ---------- */

static uint32_t nc_this_pnn(void *backend)
{
	struct noded_cluster *nc = backend;

	return nc->nctx->config->this_pnn;
}

static unsigned nc_num_nodes(void *backend)
{
	struct noded_cluster *nc = backend;

	return nc->nctx->config->num_nodes;
}

static uint32_t nc_node_flags(const struct noded_cluster *nc, uint32_t pnn)
{
	const struct cluster_proto *p = nc_proto(nc);

	if (nc->nctx->config->nodes[pnn] == NULL) {
		return CTDB_NODE_FLAGS_DELETED;
	}
	if (p == NULL) {
		return CTDB_NODE_FLAGS_DISCONNECTED;
	}
	return cluster_proto_node_flags(p, pnn);
}

static const struct cluster_node *nc_node(void *backend, unsigned i)
{
	struct noded_cluster *nc = backend;
	const char *address = nc->nctx->config->nodes[i];

	const struct cluster_proto *p = nc_proto(nc);

	nc->node.pnn = i;
	nc->node.flags = nc_node_flags(nc, i);
	nc->node.reason = (p != NULL) ? cluster_proto_node_reason(p, i) : NULL;
	/* CTDB shows a deleted line as 0.0.0.0. */
	nc->node.address = (address != NULL) ? address : "0.0.0.0";
	return &nc->node;
}

/*
 * Until corosync was first reached there is no protocol to ask; after
 * that, the protocol knows (no quorum, lost corosync, nodes differ).
 */
static const char *nc_why_out(void *backend)
{
	struct noded_cluster *nc = backend;
	const struct cluster_proto *p = nc_proto(nc);

	if (p == NULL) {
		return "cannot reach corosync (is it running?)";
	}
	return cluster_proto_why_out(p);
}

/*
 * The protocol needs no leader; CTDB's tools want one, so it is the
 * lowest pnn that takes part, the same on every node that takes part.
 */
static uint32_t nc_leader(void *backend)
{
	struct noded_cluster *nc = backend;
	uint32_t num = nc->nctx->config->num_nodes;
	uint32_t inactive = CTDB_NODE_FLAGS_DISCONNECTED |
			    CTDB_NODE_FLAGS_DELETED;
	uint32_t pnn;

	if (nc_why_out(nc) != NULL) {
		/* Out of the cluster, this node knows of no leader. */
		return CTDB_UNKNOWN_PNN;
	}
	for (pnn = 0; pnn < num; pnn++) {
		if ((nc_node_flags(nc, pnn) & inactive) == 0) {
			return pnn;
		}
	}
	return CTDB_UNKNOWN_PNN;
}

static bool nc_quorate(void *backend)
{
	struct noded_cluster *nc = backend;
	const struct cluster_proto *p = nc_proto(nc);

	return p != NULL && cluster_proto_quorate(p);
}

/* The observer below sends the whole local state, flags included. */
static int nc_set_this_flags(void *backend, uint32_t flags)
{
	(void)backend;
	(void)flags;
	return 0;
}

static const struct cluster_ops noded_cluster_ops = {
	.name = "corosync",
	.this_pnn = nc_this_pnn,
	.leader = nc_leader,
	.num_nodes = nc_num_nodes,
	.node = nc_node,
	.set_this_flags = nc_set_this_flags,
	.why_out = nc_why_out,
	.quorate = nc_quorate,
};

/* ---------- this node's state, to the others ---------- */

static struct cluster_proto_local nc_local(const struct noded_cluster *nc)
{
	const struct noded_context *nctx = nc->nctx;
	const uint32_t *tun = nctx->tunables.value;
	uint32_t options = 0;

	if (tun[TUNABLE_NO_IP_TAKEOVER] != 0) {
		options |= CLUSTER_OPT_NO_IP_TAKEOVER;
	}
	if (tun[TUNABLE_NO_IP_FAILBACK] != 0) {
		options |= CLUSTER_OPT_NO_IP_FAILBACK;
	}
	if (tun[TUNABLE_NO_IP_HOST_ON_ALL_DISABLED] != 0) {
		options |= CLUSTER_OPT_NO_IP_HOST_ON_ALL_DISABLED;
	}
	return (struct cluster_proto_local) {
		.flags = node_state_flags(nctx->state),
		.runstate = node_state_runstate(nctx->state),
		.reason = node_state_reason(nctx->state),
		.options = options,
		.num_public = nctx->ips->num,
		.public_ips = nc->public_ips,
	};
}

static void nc_publish_keys(struct noded_cluster *nc);

/* setvar checked TUNABLES_RULE: the protocol accepts what comes here. */
static void nc_apply_timings(struct noded_cluster *nc)
{
	const uint32_t *tun = nc->nctx->tunables.value;
	int ret;

	ret = cluster_corosync_set_timings(
		nc->cc, tun[TUNABLE_CLUSTER_HEARTBEAT_INTERVAL],
		tun[TUNABLE_CLUSTER_HEARTBEAT_TIMEOUT],
		tun[TUNABLE_CLUSTER_TAKEOVER_GRACE]);
	if (ret != 0) {
		D_ERR("Cluster timings refused: %s", strerror(ret));
	}
}

static void nc_observer(const struct node_state_change *c,
			void *private_data)
{
	struct noded_cluster *nc = talloc_get_type_abort(
		private_data, struct noded_cluster);
	struct cluster_proto_local local;
	int ret;

	if (c->what != NODE_STATE_FLAGS && c->what != NODE_STATE_REASON &&
	    c->what != NODE_STATE_RUNSTATE && c->what != NODE_STATE_TUNABLES) {
		return;
	}
	if (nc->cc == NULL) {
		return;
	}
	local = nc_local(nc);
	ret = cluster_corosync_set_local(nc->cc, &local);
	if (ret != 0) {
		D_ERR("Failed to publish this node's state to the cluster: %s",
		      strerror(ret));
	}
	if (c->what == NODE_STATE_TUNABLES) {
		nc_apply_timings(nc);
	}
	nc_publish_keys(nc);
}

/* ---------- the protocol's actions, through the event daemon ---------- */

struct nc_action_state {
	struct noded_cluster *nc;
	enum cluster_action_type type;
	const char *event;
	int ip; /* index in public_addresses, -1 for none */
	int result;
};

static void nc_action_trigger(struct tevent_req *req, void *private_data);
static void nc_action_event_done(struct tevent_req *subreq);

static int nc_find_ip(const struct noded_cluster *nc, const char *address)
{
	unsigned i;

	for (i = 0; i < nc->nctx->ips->num; i++) {
		if (strcmp(nc->nctx->ips->ip[i].address, address) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static struct tevent_req *nc_action_send(TALLOC_CTX *mem_ctx,
					 struct noded_cluster *nc,
					 enum cluster_action_type type,
					 const char *arg)
{
	struct tevent_context *ev = nc->nctx->ev;
	struct tevent_req *req;
	struct nc_action_state *state;
	bool ok;

	req = tevent_req_create(mem_ctx, &state, struct nc_action_state);
	if (req == NULL) {
		return NULL;
	}
	state->nc = nc;
	state->type = type;
	state->ip = -1;
	if (type == CLUSTER_ACTION_EVENT) {
		state->event = talloc_strdup(state, arg);
		if (tevent_req_nomem(state->event, req)) {
			return tevent_req_post(req, ev);
		}
	} else {
		state->event = (type == CLUSTER_ACTION_TAKE_IP) ? "takeip"
								 : "releaseip";
		state->ip = nc_find_ip(nc, arg);
		if (state->ip < 0) {
			D_ERR("Cluster asked to %s '%s', not in %s",
			      state->event, arg, nc->nctx->config->ips_path);
			tevent_req_error_unix(req, EINVAL);
			return tevent_req_post(req, ev);
		}
	}
	ok = takeover_enqueue(nc->nctx->takeover, req, nc_action_trigger,
			      NULL);
	if (!ok) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static void nc_action_trigger(struct tevent_req *req, void *private_data)
{
	struct nc_action_state *state = tevent_req_data(
		req, struct nc_action_state);
	struct noded_context *nctx = state->nc->nctx;
	struct tevent_req *subreq;
	const char *args = "";

	(void)private_data;
	if (state->ip >= 0) {
		const struct public_ip *ip = &nctx->ips->ip[state->ip];

		args = talloc_asprintf(state, "%s %s %u", ip->ifaces[0],
				       ip->address, ip->bits);
		if (tevent_req_nomem(args, req)) {
			return;
		}
	}
	subreq = noded_event_send(state, nctx->ev, nctx, state->event, args);
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, nc_action_event_done, req);
}

/* A failed releaseip keeps the address: nothing says it is gone. */
static void nc_action_event_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct nc_action_state *state = tevent_req_data(
		req, struct nc_action_state);
	struct node_state *ns = state->nc->nctx->state;
	int result = 0;
	int err = 0;
	bool ok;

	ok = noded_event_recv(subreq, &err, &result);
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_error_unix(req, err);
		return;
	}
	if (result != 0) {
		D_ERR("%s event failed: %s", state->event,
		      noded_event_result_string(result));
		tevent_req_error_unix(req, EIO);
		return;
	}
	if (state->type == CLUSTER_ACTION_TAKE_IP) {
		node_state_ip_held(ns, state->ip, "cluster takeover");
	} else if (state->type == CLUSTER_ACTION_RELEASE_IP) {
		node_state_ip_released(ns, state->ip, "cluster takeover");
	}
	tevent_req_done(req);
}

static void nc_action_done(struct tevent_req *req)
{
	struct noded_cluster *nc = tevent_req_callback_data(
		req, struct noded_cluster);
	int err = 0;
	bool failed;

	failed = tevent_req_is_unix_error(req, &err);
	TALLOC_FREE(req);
	if (nc->cc != NULL) {
		cluster_corosync_action_done(nc->cc, failed ? err : 0);
	}
}

static void nc_on_action(void *private_data, enum cluster_action_type type,
			 const char *arg)
{
	struct noded_cluster *nc = talloc_get_type_abort(
		private_data, struct noded_cluster);
	struct tevent_req *req;

	req = nc_action_send(nc, nc, type, arg);
	if (req == NULL) {
		D_ERR("Cannot run cluster action on '%s': out of memory",
		      arg);
		cluster_corosync_action_done(nc->cc, ENOMEM);
		return;
	}
	tevent_req_set_callback(req, nc_action_done, nc);
}

/* ---------- the cluster.* watch keys ---------- */

static void nc_key_set(struct noded_cluster *nc, const char *key,
		       json_t *value)
{
	int ret = ENOMEM;

	if (value != NULL) {
		ret = keyspace_set(nc->nctx->ks, key, value);
		json_decref(value);
	}
	if (ret != 0) {
		D_ERR("watch: failed to set %s: %s", key, strerror(ret));
	}
}

/* This node's why_out; null for the others, which do not say. */
static json_t *nc_why_out_json(struct noded_cluster *nc, unsigned pnn)
{
	const char *why = NULL;

	if (pnn == nc->nctx->config->this_pnn) {
		why = nc_why_out(nc);
	}
	return why != NULL ? ctdb_json_string(why) : json_null();
}

/*
 * [{pnn, address, flags, health, reason, why_out}] for every line of
 * nodes.
 */
static json_t *nc_nodes_json(struct noded_cluster *nc)
{
	const struct cluster_proto *p = nc_proto(nc);
	unsigned num = nc_num_nodes(nc);
	json_t *nodes = json_array();
	unsigned i;

	for (i = 0; i < num && nodes != NULL; i++) {
		const struct cluster_node *node = nc_node(nc, i);
		const char *reason = NULL;
		uint32_t flags = node->flags;
		json_t *entry;

		if (i == nc->nctx->config->this_pnn) {
			flags = node_state_flags(nc->nctx->state);
			reason = node_state_reason(nc->nctx->state);
		} else if (p != NULL) {
			reason = cluster_proto_node_reason(p, i);
		}
		if ((flags & CTDB_NODE_FLAGS_UNHEALTHY) == 0) {
			reason = NULL;
		}
		entry = json_pack("{s:i, s:s, s:i, s:s, s:o, s:o}", "pnn",
				  (json_int_t)i, "address", node->address,
				  "flags", (json_int_t)flags, "health",
				  node_state_name(flags), "reason",
				  reason != NULL ? ctdb_json_string(reason)
						 : json_null(),
				  "why_out", nc_why_out_json(nc, i));
		if (entry == NULL || json_array_append_new(nodes, entry) != 0) {
			json_decref(nodes);
			return NULL;
		}
	}
	return nodes;
}

/* {address: pnn or null}, from the allocation of the last round. */
static json_t *nc_ips_json(struct noded_cluster *nc)
{
	const struct cluster_proto *p = nc_proto(nc);
	json_t *ips = json_object();
	uint32_t num = (p != NULL) ? cluster_proto_num_ips(p) : 0;
	uint32_t i;

	for (i = 0; i < num && ips != NULL; i++) {
		int32_t pnn = -1;
		const char *ip = cluster_proto_ip(p, i, &pnn);
		json_t *v = (pnn >= 0) ? json_integer(pnn) : json_null();

		if (ip == NULL || json_object_set_new(ips, ip, v) != 0) {
			json_decref(ips);
			return NULL;
		}
	}
	return ips;
}

static void nc_publish_keys(struct noded_cluster *nc)
{
	const struct cluster_proto *p = nc_proto(nc);
	bool quorate = (p != NULL) && cluster_proto_quorate(p);

	nc_key_set(nc, "cluster.nodes", nc_nodes_json(nc));
	nc_key_set(nc, "cluster.ips", nc_ips_json(nc));
	nc_key_set(nc, "cluster.quorate", json_boolean(quorate));
}

static void nc_on_view(void *private_data)
{
	struct noded_cluster *nc = talloc_get_type_abort(
		private_data, struct noded_cluster);
	const struct cluster_proto *p = nc_proto(nc);

	nc_publish_keys(nc);
	if (p == NULL) {
		return;
	}
	if (cluster_proto_rejoining(p) != nc->joining) {
		nc_joining_mark(nc, cluster_proto_rejoining(p));
	}
	D_INFO("Cluster view: phase %s, round %u, %s",
	       cluster_phase_name(cluster_proto_phase(p)),
	       cluster_proto_round(p),
	       cluster_proto_quorate(p) ? "quorate" : "no quorum");
	cluster_changed(nc->cluster);
}

/* Another ctdb-noded serves this pnn: it keeps it, this one goes. */
static void nc_on_refused(void *private_data, const char *why)
{
	struct noded_cluster *nc = talloc_get_type_abort(
		private_data, struct noded_cluster);

	D_ERR("Refused by the cluster: %s", why);
	node_state_request_exit(nc->nctx->state, 1, why);
}

/* ---------- for ctdb ip all ---------- */

int32_t noded_cluster_ip_pnn(const struct noded_cluster *nc,
			     const char *address, int32_t held_pnn)
{
	const struct cluster_proto *p = nc_proto(nc);
	uint32_t num;
	uint32_t i;

	if (p == NULL || cluster_proto_phase(p) == CLUSTER_PHASE_OUT) {
		return held_pnn;
	}
	num = cluster_proto_num_ips(p);
	for (i = 0; i < num; i++) {
		int32_t pnn = -1;
		const char *ip = cluster_proto_ip(p, i, &pnn);

		if (ip != NULL && strcmp(ip, address) == 0) {
			return pnn;
		}
	}
	return held_pnn;
}

/* ---------- start ---------- */

static const char **nc_public_ips(TALLOC_CTX *mem_ctx,
				  const struct public_ip_list *ips)
{
	const char **out;
	unsigned i;

	out = talloc_zero_array(mem_ctx, const char *, ips->num + 1);
	if (out == NULL) {
		return NULL;
	}
	for (i = 0; i < ips->num; i++) {
		out[i] = ips->ip[i].address;
	}
	return out;
}

struct cluster *noded_cluster_new(TALLOC_CTX *mem_ctx,
				  struct noded_context *nctx)
{
	struct noded_cluster *nc;
	struct cluster *cluster;

	nc = talloc_zero(NULL, struct noded_cluster);
	if (nc == NULL) {
		return NULL;
	}
	nc->nctx = nctx;
	nc->public_ips = nc_public_ips(nc, nctx->ips);
	if (nc->public_ips == NULL) {
		talloc_free(nc);
		return NULL;
	}
	cluster = cluster_new(mem_ctx, &noded_cluster_ops, nc);
	if (cluster == NULL) {
		talloc_free(nc);
		return NULL;
	}
	nc->cluster = cluster;
	nctx->corosync = nc;
	nc_joining_mark(nc, true);
	return cluster;
}

static void nc_on_tickles(void *private_data,
			  const struct cluster_tickles_msg *msg)
{
	struct noded_cluster *nc = private_data;

	tickles_sync_apply(nc->nctx, msg);
}

static int noded_cluster_start(struct noded_context *nctx)
{
	struct noded_cluster *nc;
	const struct noded_config *config = nctx->config;
	const uint32_t *tun = nctx->tunables.value;
	struct cluster_corosync_config cc_config = {
		.group = config->cpg_group,
		.this_pnn = config->this_pnn,
		.num_nodes = config->num_nodes,
		.nodes = config->nodes,
		.heartbeat_interval_ms = tun[TUNABLE_CLUSTER_HEARTBEAT_INTERVAL],
		.heartbeat_timeout_ms = tun[TUNABLE_CLUSTER_HEARTBEAT_TIMEOUT],
		.grace_ms = tun[TUNABLE_CLUSTER_TAKEOVER_GRACE],
	};
	struct cluster_corosync_hooks hooks = {
		.action = nc_on_action,
		.view_changed = nc_on_view,
		.refused = nc_on_refused,
		.tickles = nc_on_tickles,
	};
	struct cluster_proto_local local;
	struct node_state_observer *o;
	const char *why = NULL;
	int ret;

	nc = nctx->corosync;
	hooks.private_data = nc;
	local = nc_local(nc);
	o = node_state_observe(nc, nctx->state, nc_observer, nc);
	if (o == NULL) {
		return ENOMEM;
	}
	ret = cluster_corosync_start(nc, nctx->ev, &cc_config, &local, &hooks,
				     &nc->cc, &why);
	if (ret != 0) {
		D_ERR("Cannot start the corosync backend: %s",
		      (why != NULL) ? why : strerror(ret));
		return ret;
	}
	nc_publish_keys(nc);
	return tickles_sync_start(nctx, nc->cc);
}

/* ---------- joining: leftovers first ---------- */

/*
 * The marker says "not in the cluster (yet, or again)": from start-up
 * until joined, and from being found silent (SIGSTOP, a hang) until
 * everything is released. Addresses on this host then are being
 * released; this daemon takes none. Best effort: for observers only.
 */
static char *nc_joining_path(TALLOC_CTX *mem_ctx)
{
	return talloc_asprintf(mem_ctx, "%s/noded.joining", path_rundir());
}

static void nc_joining_mark(struct noded_cluster *nc, bool joining)
{
	char *path = nc_joining_path(NULL);
	int fd;

	nc->joining = joining;
	if (path == NULL) {
		return;
	}
	if (!joining) {
		(void)unlink(path);
		talloc_free(path);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		close(fd);
	}
	talloc_free(path);
}

struct noded_cluster_join_state {
	struct tevent_context *ev;
	struct noded_context *nctx;
	bool *leftover; /* per public IP: still configured here */
	unsigned next;
};

static void nc_join_release_next(struct tevent_req *req);
static void nc_join_released(struct tevent_req *subreq);

struct tevent_req *noded_cluster_join_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct noded_context *nctx)
{
	struct tevent_req *req;
	struct noded_cluster_join_state *state;
	unsigned num = 0;
	int ret;

	req = tevent_req_create(mem_ctx, &state,
				struct noded_cluster_join_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->nctx = nctx;
	ret = leftover_ips_scan(state, nctx->ips, &state->leftover, &num);
	if (ret != 0) {
		D_ERR("Cannot list this host's addresses: %s", strerror(ret));
		tevent_req_error_unix(req, ret);
		return tevent_req_post(req, ev);
	}
	if (num > 0) {
		D_NOTICE("%u public IPs are still configured here (an earlier "
			 "ctdb-noded did not release them): releasing them "
			 "before joining the cluster", num);
	}
	nc_join_release_next(req);
	if (!tevent_req_is_in_progress(req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

static void nc_join_release_next(struct tevent_req *req)
{
	struct noded_cluster_join_state *state = tevent_req_data(
		req, struct noded_cluster_join_state);
	struct noded_context *nctx = state->nctx;
	struct tevent_req *subreq;
	const struct public_ip *ip;
	char *args;
	int ret;

	while (state->next < nctx->ips->num &&
	       !state->leftover[state->next]) {
		state->next++;
	}
	if (state->next == nctx->ips->num) {
		ret = noded_cluster_start(nctx);
		if (ret != 0) {
			tevent_req_error_unix(req, ret);
			return;
		}
		nc_joining_mark(nctx->corosync, false);
		tevent_req_done(req);
		return;
	}
	ip = &nctx->ips->ip[state->next];
	args = talloc_asprintf(state, "%s %s %u", ip->ifaces[0], ip->address,
			       ip->bits);
	if (tevent_req_nomem(args, req)) {
		return;
	}
	subreq = noded_event_send(state, state->ev, nctx, "releaseip", args);
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, nc_join_released, req);
}

/* An address we cannot release would be on two nodes: do not join. */
static void nc_join_released(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct noded_cluster_join_state *state = tevent_req_data(
		req, struct noded_cluster_join_state);
	const char *address = state->nctx->ips->ip[state->next].address;
	const char *failure;

	failure = noded_event_failure(subreq);
	TALLOC_FREE(subreq);
	if (failure != NULL) {
		D_ERR("Cannot release leftover public IP %s (%s): not joining "
		      "the cluster", address, failure);
		tevent_req_error_unix(req, EIO);
		return;
	}
	D_NOTICE("Released leftover public IP %s", address);
	state->next++;
	nc_join_release_next(req);
}

bool noded_cluster_join_recv(struct tevent_req *req, int *perr)
{
	return !tevent_req_is_unix_error(req, perr);
}
