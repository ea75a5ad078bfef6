/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Takeover runs: compute the IP assignment, then release and take IPs. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "common/tevent_unix.h"
#include "noded/ipalloc.h"
#include "noded/noded_private.h"
#include "protocol/node_protocol_api.h"

/*
 * A run computes where every public IP should be (the pure ipalloc())
 * from the cluster view, then drives the event daemon in this order:
 * startrecovery, releaseip for every IP leaving this node, takeip for
 * every IP arriving, recovered, ipreallocated. Release before take,
 * always, so an address is never configured twice.
 *
 * Runs, the shutdown release and the STOP/CONTINUE controls share one
 * tevent_queue, so they never interleave: each waits for the ones queued
 * before it.
 */
struct takeover_context {
	struct noded_context *nctx;
	struct tevent_queue *queue;
	struct tevent_req *waiting; /* a run queued and not yet started */
};

/* Which IPs this node holds is node_state's; these read it. */
static bool held(const struct takeover_context *tctx, unsigned i)
{
	return node_state_ip_is_held(tctx->nctx->state, i);
}

struct takeover_context *takeover_init(TALLOC_CTX *mem_ctx,
				       struct noded_context *nctx)
{
	struct takeover_context *tctx;

	tctx = talloc_zero(mem_ctx, struct takeover_context);
	if (tctx == NULL) {
		return NULL;
	}
	tctx->nctx = nctx;
	tctx->queue = tevent_queue_create(tctx, "takeover");
	if (tctx->queue == NULL) {
		talloc_free(tctx);
		return NULL;
	}
	return tctx;
}

bool takeover_enqueue(struct takeover_context *tctx, struct tevent_req *req,
		      tevent_queue_trigger_fn_t trigger, void *private_data)
{
	return tevent_queue_add(tctx->queue, tctx->nctx->ev, req, trigger,
				private_data);
}

/* ---------- the plan ---------- */

struct takeover_step {
	const char *event;
	int ip; /* index in the configured list, -1 for none */
};

/* Is the link up on one of ip's interfaces at least? */
static bool ip_has_link(const struct noded_context *nctx,
			const struct public_ip *ip)
{
	unsigned i;

	for (i = 0; i < ip->num_ifaces; i++) {
		if (iface_link_is_up(nctx, ip->ifaces[i])) {
			return true;
		}
	}
	return false;
}

/* A copy of can_host without this node. */
static const bool *cannot_host_here(TALLOC_CTX *mem_ctx, const bool *can_host,
				    unsigned num_nodes, int this_index)
{
	bool *copy;

	copy = talloc_memdup(mem_ctx, can_host, (num_nodes + 1) * sizeof(bool));
	if (copy == NULL) {
		return NULL;
	}
	copy[this_index] = false;
	return copy;
}

/*
 * Ask ipalloc() where every IP goes. This node may host all of its
 * configured IPs; other nodes' lists come with the cluster backends that
 * have other nodes.
 */
static int takeover_assign(TALLOC_CTX *mem_ctx, struct takeover_context *tctx,
			   int32_t **out)
{
	struct noded_context *nctx = tctx->nctx;
	unsigned num_nodes = cluster_num_nodes(nctx->cluster);
	int this_index = cluster_this_index(nctx->cluster);
	uint32_t this_pnn = cluster_this_pnn(nctx->cluster);
	struct ipalloc_options opts = {
		.no_ip_failback =
			nctx->tunables.value[TUNABLE_NO_IP_FAILBACK] != 0,
		.no_ip_host_on_all_disabled =
			nctx->tunables.value
				[TUNABLE_NO_IP_HOST_ON_ALL_DISABLED] != 0,
	};
	struct ipalloc_node *nodes;
	struct ipalloc_ip *ips;
	bool *can_host;
	unsigned i;

	nodes = talloc_zero_array(mem_ctx, struct ipalloc_node, num_nodes + 1);
	ips = talloc_zero_array(mem_ctx, struct ipalloc_ip,
				nctx->ips->num + 1);
	can_host = talloc_zero_array(mem_ctx, bool, num_nodes + 1);
	if (nodes == NULL || ips == NULL || can_host == NULL) {
		return ENOMEM;
	}
	for (i = 0; i < num_nodes; i++) {
		const struct cluster_node *node = cluster_node(nctx->cluster,
							       i);

		nodes[i].pnn = node->pnn;
		nodes[i].flags = node->flags;
		if ((int)i == this_index) {
			nodes[i].flags = node_state_flags(nctx->state);
			nodes[i].no_ip_takeover =
				nctx->tunables.value[TUNABLE_NO_IP_TAKEOVER] !=
				0;
			can_host[i] = true;
		}
	}
	for (i = 0; i < nctx->ips->num; i++) {
		ips[i].address = nctx->ips->ip[i].address;
		ips[i].current_pnn = held(tctx, i) ? (int32_t)this_pnn : -1;
		ips[i].can_host = can_host;
		if (this_index >= 0 && !ip_has_link(nctx, &nctx->ips->ip[i])) {
			/* As CTDB: no interface with a link, no host here. */
			ips[i].can_host = cannot_host_here(mem_ctx, can_host,
							   num_nodes,
							   this_index);
			if (ips[i].can_host == NULL) {
				return ENOMEM;
			}
		}
	}
	return ipalloc(mem_ctx, nodes, num_nodes, ips, nctx->ips->num, &opts,
		       out);
}

/* The whole run as a list of events, in the order they must be sent. */
static int takeover_plan(TALLOC_CTX *mem_ctx, struct takeover_context *tctx,
			 struct takeover_step **psteps, unsigned *pnum)
{
	struct noded_context *nctx = tctx->nctx;
	int32_t this_pnn = (int32_t)cluster_this_pnn(nctx->cluster);
	unsigned num_ips = nctx->ips->num;
	struct takeover_step *steps;
	int32_t *assign = NULL;
	unsigned n = 0;
	unsigned i;
	int ret;

	ret = takeover_assign(mem_ctx, tctx, &assign);
	if (ret != 0) {
		return ret;
	}
	steps = talloc_array(mem_ctx, struct takeover_step, 2 * num_ips + 3);
	if (steps == NULL) {
		return ENOMEM;
	}
	steps[n++] = (struct takeover_step) { "startrecovery", -1 };
	for (i = 0; i < num_ips; i++) {
		if (held(tctx, i) && assign[i] != this_pnn) {
			steps[n++] = (struct takeover_step) { "releaseip", i };
		}
	}
	for (i = 0; i < num_ips; i++) {
		if (!held(tctx, i) && assign[i] == this_pnn) {
			steps[n++] = (struct takeover_step) { "takeip", i };
		}
	}
	steps[n++] = (struct takeover_step) { "recovered", -1 };
	steps[n++] = (struct takeover_step) { "ipreallocated", -1 };
	*psteps = steps;
	*pnum = n;
	return 0;
}

/* "<iface> <ip> <bits>", the first interface of the IP's list. */
static char *ip_event_args(TALLOC_CTX *mem_ctx, const struct public_ip *ip)
{
	return talloc_asprintf(mem_ctx, "%s %s %u", ip->ifaces[0],
			       ip->address, ip->bits);
}

/* ---------- a run: takeover, or release everything (shutdown) ---------- */

enum takeover_mode {
	TAKEOVER_RUN,
	TAKEOVER_RELEASE_ALL,
};

struct takeover_run_state {
	struct tevent_context *ev;
	struct takeover_context *tctx;
	enum takeover_mode mode;
	const char *why;
	struct takeover_step *steps;
	unsigned num_steps;
	unsigned next;
};

static void takeover_run_trigger(struct tevent_req *req, void *private_data);
static void takeover_run_next(struct tevent_req *req);
static void takeover_run_step_done(struct tevent_req *subreq);

static struct tevent_req *takeover_run_send(TALLOC_CTX *mem_ctx,
					    struct tevent_context *ev,
					    struct takeover_context *tctx,
					    enum takeover_mode mode,
					    const char *why)
{
	struct tevent_req *req;
	struct takeover_run_state *state;
	bool ok;

	req = tevent_req_create(mem_ctx, &state, struct takeover_run_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->tctx = tctx;
	state->mode = mode;
	state->why = talloc_strdup(state, why);
	if (tevent_req_nomem(state->why, req)) {
		return tevent_req_post(req, ev);
	}
	ok = takeover_enqueue(tctx, req, takeover_run_trigger, NULL);
	if (!ok) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static int release_all_plan(TALLOC_CTX *mem_ctx, struct takeover_context *tctx,
			    struct takeover_step **psteps, unsigned *pnum)
{
	unsigned num_ips = tctx->nctx->ips->num;
	struct takeover_step *steps;
	unsigned n = 0;
	unsigned i;

	steps = talloc_array(mem_ctx, struct takeover_step, num_ips + 1);
	if (steps == NULL) {
		return ENOMEM;
	}
	for (i = 0; i < num_ips; i++) {
		if (held(tctx, i)) {
			steps[n++] = (struct takeover_step) { "releaseip", i };
		}
	}
	*psteps = steps;
	*pnum = n;
	return 0;
}

static void takeover_run_trigger(struct tevent_req *req, void *private_data)
{
	struct takeover_run_state *state = tevent_req_data(
		req, struct takeover_run_state);
	struct takeover_context *tctx = state->tctx;
	int ret;

	if (tctx->waiting == req) {
		/* From now on a new request needs a new run. */
		tctx->waiting = NULL;
	}
	if (state->mode == TAKEOVER_RELEASE_ALL) {
		ret = release_all_plan(state, tctx, &state->steps,
				       &state->num_steps);
	} else if (node_state_runstate(tctx->nctx->state) !=
		   CTDB_RUNSTATE_RUNNING) {
		D_DEBUG("Skipping takeover run (%s): runstate %s", state->why,
			ctdb_runstate_to_string(
				node_state_runstate(tctx->nctx->state)));
		tevent_req_done(req);
		return;
	} else {
		ret = takeover_plan(state, tctx, &state->steps,
				    &state->num_steps);
	}
	if (ret != 0) {
		tevent_req_error_unix(req, ret);
		return;
	}
	if (state->mode == TAKEOVER_RELEASE_ALL) {
		D_INFO("Releasing %u public IPs before shutdown",
		       state->num_steps);
	} else {
		D_INFO("Takeover run (%s): %u events", state->why,
		       state->num_steps);
	}
	takeover_run_next(req);
}

static void takeover_run_next(struct tevent_req *req)
{
	struct takeover_run_state *state = tevent_req_data(
		req, struct takeover_run_state);
	struct noded_context *nctx = state->tctx->nctx;
	const struct takeover_step *step;
	struct tevent_req *subreq;
	const char *args = "";

	if (state->next == state->num_steps) {
		tevent_req_done(req);
		return;
	}
	step = &state->steps[state->next];
	if (step->ip >= 0) {
		args = ip_event_args(state, &nctx->ips->ip[step->ip]);
		if (tevent_req_nomem(args, req)) {
			return;
		}
	}
	subreq = noded_event_send(state, state->ev, nctx, step->event, args);
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, takeover_run_step_done, req);
}

/* What a step's outcome means for the held set, logged once here. */
static void takeover_step_result(struct takeover_context *tctx,
				 const struct takeover_step *step, int err,
				 int result, const char *why)
{
	const struct public_ip *ip = NULL;
	const char *what = (err != 0) ? strerror(err)
				      : noded_event_result_string(result);

	if (step->ip >= 0) {
		ip = &tctx->nctx->ips->ip[step->ip];
	}
	if (err == 0 && result == 0) {
		bool take;

		if (ip == NULL) {
			return;
		}
		take = (strcmp(step->event, "takeip") == 0);
		D_NOTICE("%s IP %s/%u on %s", take ? "Took" : "Released",
			 ip->address, ip->bits, ip->ifaces[0]);
		if (take) {
			node_state_ip_held(tctx->nctx->state, step->ip, why);
		} else {
			node_state_ip_released(tctx->nctx->state, step->ip,
					       why);
		}
		return;
	}
	if (ip == NULL) {
		D_ERR("%s event failed: %s", step->event, what);
	} else if (strcmp(step->event, "takeip") == 0) {
		D_ERR("Failed to take IP %s/%u on %s: %s, not holding it",
		      ip->address, ip->bits, ip->ifaces[0], what);
	} else {
		/* Nothing says the address is gone: keep it until released. */
		D_ERR("Failed to release IP %s/%u on %s: %s, still holding it",
		      ip->address, ip->bits, ip->ifaces[0], what);
	}
}

static void takeover_run_step_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct takeover_run_state *state = tevent_req_data(
		req, struct takeover_run_state);
	bool ok;
	int result = 0;
	int err = 0;

	ok = noded_event_recv(subreq, &err, &result);
	TALLOC_FREE(subreq);
	if (ok) {
		err = 0;
	}
	takeover_step_result(state->tctx, &state->steps[state->next], err,
			     result, state->why);
	state->next += 1;
	takeover_run_next(req);
}

static bool takeover_run_recv(struct tevent_req *req, int *perr)
{
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	return !failed;
}

/* ---------- requests ---------- */

static void takeover_run_done(struct tevent_req *subreq)
{
	struct takeover_context *tctx = tevent_req_callback_data(
		subreq, struct takeover_context);
	bool ok;
	int err = 0;

	if (tctx->waiting == subreq) {
		tctx->waiting = NULL;
	}
	ok = takeover_run_recv(subreq, &err);
	TALLOC_FREE(subreq);
	if (!ok) {
		D_ERR("Takeover run failed: %s", strerror(err));
	}
}

void takeover_request(struct takeover_context *tctx, const char *why)
{
	struct tevent_req *req;

	if (tctx->waiting != NULL) {
		D_DEBUG("Takeover run (%s) covered by the queued one", why);
		return;
	}
	req = takeover_run_send(tctx, tctx->nctx->ev, tctx, TAKEOVER_RUN, why);
	if (req == NULL) {
		D_ERR("Cannot queue a takeover run (%s): out of memory", why);
		return;
	}
	tevent_req_set_callback(req, takeover_run_done, tctx);
	tctx->waiting = req;
}

struct tevent_req *takeover_release_all_send(TALLOC_CTX *mem_ctx,
					     struct tevent_context *ev,
					     struct takeover_context *tctx)
{
	return takeover_run_send(mem_ctx, ev, tctx, TAKEOVER_RELEASE_ALL,
				 "shutdown");
}

bool takeover_release_all_recv(struct tevent_req *req, int *perr)
{
	return takeover_run_recv(req, perr);
}

void takeover_observer(const struct node_state_change *c, void *private_data)
{
	struct takeover_context *tctx = talloc_get_type_abort(
		private_data, struct takeover_context);

	if (c->what == NODE_STATE_FLAGS) {
		takeover_request(tctx, c->why);
		return;
	}
	if (c->what == NODE_STATE_RUNSTATE &&
	    c->new_runstate == CTDB_RUNSTATE_RUNNING) {
		takeover_request(tctx, "runstate RUNNING");
	}
}
