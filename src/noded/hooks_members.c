/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nodeup and nodedown hooks: the other nodes that join or leave the cluster. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "common/logging.h"
#include "noded/noded_private.h"
#include "protocol/event_json.h"

/*
 * A node is up when the cluster shows it neither DISCONNECTED nor
 * DELETED. The set of up nodes other than this one is kept; each change
 * of the cluster's view compares it with the new one and queues nodeup
 * for every node that came and nodedown for every node that went, in
 * pnn order. While this node's runstate is INIT (or UNKNOWN) nothing is
 * announced, only recorded: the first view is not news.
 */
struct hooks_members {
	struct hooks_context *hooks;
	struct noded_context *nctx;
	bool *up; /* per pnn, num entries */
	unsigned num;
};

static bool node_is_up(const struct cluster_node *node)
{
	uint32_t gone = CTDB_NODE_FLAGS_DISCONNECTED | CTDB_NODE_FLAGS_DELETED;

	return (node->flags & gone) == 0;
}

static bool announcing(const struct hooks_members *hm)
{
	uint32_t rs = node_state_runstate(hm->nctx->state);

	return rs != CTDB_RUNSTATE_UNKNOWN && rs != CTDB_RUNSTATE_INIT;
}

/* args for hooks without stdin: "PNN ADDRESS", as nodes lists it. */
static void members_announce(struct hooks_members *hm,
			     const struct cluster_node *node, bool up)
{
	char args[128];
	json_t *doc;

	snprintf(args, sizeof(args), "%u %s", node->pnn, node->address);
	doc = json_pack("{s:{s:I, s:o, s:I}}", "member", "pnn",
			(json_int_t)node->pnn, "address",
			ctdb_json_string(node->address), "flags",
			(json_int_t)node->flags);
	hooks_queue(hm->hooks, up ? "nodeup" : "nodedown", args,
		    up ? "the node joined the cluster"
		       : "the node left the cluster",
		    doc);
}

void hooks_members_changed(void *private_data)
{
	struct hooks_members *hm = talloc_get_type_abort(
		private_data, struct hooks_members);
	const struct cluster *c = hm->nctx->cluster;
	uint32_t this_pnn = cluster_this_pnn(c);
	unsigned num = cluster_num_nodes(c);
	bool tell = announcing(hm);
	unsigned i;

	for (i = 0; i < num && i < hm->num; i++) {
		const struct cluster_node *node = cluster_node(c, i);
		bool up = node_is_up(node);

		if (node->pnn == this_pnn || node->pnn >= hm->num ||
		    up == hm->up[node->pnn]) {
			continue;
		}
		hm->up[node->pnn] = up;
		if (tell) {
			members_announce(hm, node, up);
		}
	}
}

struct hooks_members *hooks_members_new(TALLOC_CTX *mem_ctx,
					struct hooks_context *hooks,
					struct noded_context *nctx)
{
	struct hooks_members *hm;

	hm = talloc_zero(mem_ctx, struct hooks_members);
	if (hm == NULL) {
		return NULL;
	}
	hm->hooks = hooks;
	hm->nctx = nctx;
	hm->num = cluster_num_nodes(nctx->cluster);
	hm->up = talloc_zero_array(hm, bool, hm->num + 1);
	if (hm->up == NULL) {
		talloc_free(hm);
		return NULL;
	}
	return hm;
}
