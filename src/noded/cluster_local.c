/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "local" cluster backend: this node alone, pnn 0, its own leader. */
#include <stddef.h>

#include "noded/cluster.h"
#include "protocol/node_protocol.h"

struct cluster_local {
	struct cluster_node node;
};

static uint32_t local_this_pnn(void *backend)
{
	return 0;
}

static uint32_t local_leader(void *backend)
{
	return 0;
}

static unsigned local_num_nodes(void *backend)
{
	return 1;
}

static const struct cluster_node *local_node(void *backend, unsigned i)
{
	struct cluster_local *local = backend;

	return &local->node;
}

/* Nobody else to tell: the view changes, no callback (see cluster.h). */
static int local_set_this_flags(void *backend, uint32_t flags)
{
	struct cluster_local *local = backend;

	local->node.flags = flags;
	return 0;
}

static const struct cluster_ops local_ops = {
	.name = "local",
	.this_pnn = local_this_pnn,
	.leader = local_leader,
	.num_nodes = local_num_nodes,
	.node = local_node,
	.set_this_flags = local_set_this_flags,
};

struct cluster *cluster_local_new(TALLOC_CTX *mem_ctx, const char *address)
{
	struct cluster_local *local;
	struct cluster *c;
	char *copy;

	local = talloc_zero(mem_ctx, struct cluster_local);
	if (local == NULL) {
		return NULL;
	}
	copy = talloc_strdup(local, address);
	if (copy == NULL) {
		talloc_free(local);
		return NULL;
	}
	local->node.pnn = 0;
	local->node.flags = 0;
	local->node.address = copy;
	c = cluster_new(mem_ctx, &local_ops, local);
	if (c == NULL) {
		talloc_free(local);
		return NULL;
	}
	return c;
}
