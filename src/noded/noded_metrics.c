/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-noded's metrics: health transitions, IP moves, gauges of its state. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "common/logging.h"
#include "common/metrics.h"
#include "noded/noded_private.h"
#include "protocol/node_protocol_api.h"

struct noded_metrics {
	const struct node_state *ns;
	struct metrics *m;
	struct metric_family *start_time;
	struct metric_family *transitions;
	struct metric_family *healthy;
	struct metric_family *ip_moves;
	struct metric_family *ips_hosted;
	struct metric_family *runstate;
	struct metric_family *cluster_nodes;
	struct metric_family *node_flags;
	struct metric_family *quorate;
	struct metric_family *taking_part;
};

static const char *const to_labels[] = { "to", NULL };
static const char *const action_labels[] = { "action", NULL };
static const char *const runstate_labels[] = { "runstate", NULL };
static const char *const state_labels[] = { "state", NULL };
static const char *const node_labels[] = { "pnn", "address", NULL };

struct family_spec {
	size_t offset; /* of the family pointer in struct noded_metrics */
	const char *name;
	enum metric_type type;
	const char *unit;
	const char *const *labels;
	const char *help;
};

/* Every family name is unique across both daemons (see eventd_metrics.c). */
static const struct family_spec noded_families[] = {
	{ offsetof(struct noded_metrics, start_time),
	  "ctdb_noded_start_time_seconds", METRIC_GAUGE, "seconds", NULL,
	  "When ctdb-noded started, in seconds since the epoch" },
	{ offsetof(struct noded_metrics, transitions),
	  "ctdb_health_transitions", METRIC_COUNTER, NULL, to_labels,
	  "Changes of this node's health, by the state it changed to" },
	{ offsetof(struct noded_metrics, healthy), "ctdb_node_healthy",
	  METRIC_GAUGE, NULL, NULL,
	  "1 while this node is HEALTHY, 0 while it is UNHEALTHY" },
	{ offsetof(struct noded_metrics, ip_moves), "ctdb_ip_moves",
	  METRIC_COUNTER, NULL, action_labels,
	  "Public IP addresses taken or released by this node" },
	{ offsetof(struct noded_metrics, ips_hosted), "ctdb_public_ips_hosted",
	  METRIC_GAUGE, NULL, NULL,
	  "Public IP addresses this node currently hosts" },
	{ offsetof(struct noded_metrics, runstate), "ctdb_runstate",
	  METRIC_GAUGE, NULL, runstate_labels,
	  "1 for this node's current runstate, 0 for the others" },
	{ offsetof(struct noded_metrics, cluster_nodes), "ctdb_cluster_nodes",
	  METRIC_GAUGE, NULL, state_labels,
	  "Nodes (deleted lines of nodes excepted) as this node sees them: "
	  "ok, or by each flag they have" },
	{ offsetof(struct noded_metrics, node_flags), "ctdb_cluster_node_flags",
	  METRIC_GAUGE, NULL, node_labels,
	  "Each node's flags as CTDB's bits (0: OK, 2: UNHEALTHY, ...)" },
	{ offsetof(struct noded_metrics, quorate), "ctdb_cluster_quorate",
	  METRIC_GAUGE, NULL, NULL,
	  "1 while the cluster has quorum (always with the local backend)" },
	{ offsetof(struct noded_metrics, taking_part), "ctdb_cluster_taking_part",
	  METRIC_GAUGE, NULL, NULL,
	  "1 while this node takes part in the cluster, 0 while it is out "
	  "(ctdb status says why)" },
};

/* The states of ctdb_cluster_nodes: "ok", then one per flag. */
static const struct {
	const char *state;
	uint32_t flag;
} node_states[] = {
	{ "ok", 0 },
	{ "disconnected", CTDB_NODE_FLAGS_DISCONNECTED },
	{ "banned", CTDB_NODE_FLAGS_BANNED },
	{ "disabled", CTDB_NODE_FLAGS_PERMANENTLY_DISABLED },
	{ "unhealthy", CTDB_NODE_FLAGS_UNHEALTHY },
	{ "stopped", CTDB_NODE_FLAGS_STOPPED },
	{ "inactive", CTDB_NODE_FLAGS_INACTIVE },
};

#define NUM_NODE_STATES (sizeof(node_states) / sizeof(node_states[0]))

#define NUM_FAMILIES (sizeof(noded_families) / sizeof(noded_families[0]))

struct noded_metrics *noded_metrics_new(TALLOC_CTX *mem_ctx,
					const struct node_state *ns)
{
	struct noded_metrics *nm;
	struct timeval now;
	size_t i;
	int err = 0;

	nm = talloc_zero(mem_ctx, struct noded_metrics);
	if (nm == NULL) {
		return NULL;
	}
	nm->ns = ns;
	nm->m = metrics_new(nm);
	if (nm->m == NULL) {
		talloc_free(nm);
		return NULL;
	}
	for (i = 0; i < NUM_FAMILIES; i++) {
		const struct family_spec *spec = &noded_families[i];
		struct metric_family *f;

		f = metrics_family_add(nm->m, spec->name, spec->type,
				       spec->help, spec->unit, spec->labels,
				       NULL, 0, &err);
		if (f == NULL) {
			D_ERR("Failed to add metric %s: %s", spec->name,
			      strerror(err));
			talloc_free(nm);
			return NULL;
		}
		*(struct metric_family **)((char *)nm + spec->offset) = f;
	}
	gettimeofday(&now, NULL);
	(void)metrics_gauge_set(nm->start_time, NULL,
				(double)now.tv_sec + now.tv_usec * 1.0e-6);
	return nm;
}

static void count(struct metric_family *f, const char *label)
{
	const char *values[] = { label };
	int ret;

	ret = metrics_counter_add(f, values, 1);
	if (ret != 0) {
		D_ERR("Failed to count %s: %s", label, strerror(ret));
	}
}

void noded_metrics_observer(const struct node_state_change *c,
			    void *private_data)
{
	struct noded_metrics *nm = talloc_get_type_abort(
		private_data, struct noded_metrics);
	uint32_t unhealthy = CTDB_NODE_FLAGS_UNHEALTHY;

	if (c->what == NODE_STATE_FLAGS &&
	    ((c->old_flags ^ c->new_flags) & unhealthy) != 0) {
		count(nm->transitions, (c->new_flags & unhealthy) == 0
					       ? "healthy"
					       : "unhealthy");
	} else if (c->what == NODE_STATE_IP) {
		count(nm->ip_moves, c->ip_held ? "takeip" : "releaseip");
	}
}

/* The gauges are read from the node's state when asked, never stale. */
static int noded_metrics_gauges(struct noded_metrics *nm)
{
	bool healthy = !node_state_unhealthy(nm->ns);
	uint32_t rs;
	int ret;

	ret = metrics_gauge_set(nm->healthy, NULL, healthy ? 1 : 0);
	if (ret == 0) {
		ret = metrics_gauge_set(nm->ips_hosted, NULL,
					node_state_num_held(nm->ns));
	}
	for (rs = CTDB_RUNSTATE_UNKNOWN;
	     rs <= CTDB_RUNSTATE_SHUTDOWN && ret == 0; rs++) {
		const char *values[] = { ctdb_runstate_to_string(rs) };

		ret = metrics_gauge_set(nm->runstate, values,
					rs == node_state_runstate(nm->ns) ? 1
								      : 0);
	}
	return ret;
}

static bool node_in_state(uint32_t flags, uint32_t flag)
{
	if (flag == 0) {
		return flags == 0;
	}
	return (flags & flag) != 0;
}

static int node_flags_gauge(struct noded_metrics *nm,
			    const struct ctdb_node_info *node)
{
	char pnn[16];
	const char *values[] = { pnn, node->address };

	snprintf(pnn, sizeof(pnn), "%u", node->pnn);
	return metrics_gauge_set(nm->node_flags, values, node->flags);
}

/* The cluster's gauges, from the status every node answers with. */
static int noded_metrics_cluster(struct noded_metrics *nm,
				 const struct ctdb_node_status *st,
				 bool quorate)
{
	unsigned counts[NUM_NODE_STATES] = { 0 };
	uint32_t i;
	size_t k;
	int ret = 0;

	/* Nodes are only ever listed now: none lingers from before. */
	metrics_family_reset(nm->node_flags);
	for (i = 0; i < st->num_nodes && ret == 0; i++) {
		const struct ctdb_node_info *node = &st->nodes[i];

		if ((node->flags & CTDB_NODE_FLAGS_DELETED) != 0) {
			continue;
		}
		for (k = 0; k < NUM_NODE_STATES; k++) {
			if (node_in_state(node->flags, node_states[k].flag)) {
				counts[k]++;
			}
		}
		ret = node_flags_gauge(nm, node);
	}
	for (k = 0; k < NUM_NODE_STATES && ret == 0; k++) {
		const char *values[] = { node_states[k].state };

		ret = metrics_gauge_set(nm->cluster_nodes, values, counts[k]);
	}
	if (ret == 0) {
		ret = metrics_gauge_set(nm->quorate, NULL, quorate ? 1 : 0);
	}
	if (ret == 0) {
		ret = metrics_gauge_set(nm->taking_part, NULL,
					st->why_out == NULL ? 1 : 0);
	}
	return ret;
}

int noded_metrics_render(TALLOC_CTX *mem_ctx, struct noded_metrics *nm,
			 const struct ctdb_node_status *st, bool quorate,
			 char **out)
{
	int ret;

	if (nm == NULL) {
		return ENOMEM;
	}
	ret = noded_metrics_gauges(nm);
	if (ret == 0) {
		ret = noded_metrics_cluster(nm, st, quorate);
	}
	if (ret != 0) {
		return ret;
	}
	*out = metrics_render(mem_ctx, nm->m);
	return *out == NULL ? ENOMEM : 0;
}
