/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cluster interface: dispatch to the configured membership backend. */
#include <stddef.h>

#include "noded/cluster.h"

struct cluster {
	const struct cluster_ops *ops;
	void *backend;
	cluster_change_fn change_fn;
	void *change_data;
};

struct cluster *cluster_new(TALLOC_CTX *mem_ctx, const struct cluster_ops *ops,
			    void *backend)
{
	struct cluster *c;

	c = talloc_zero(mem_ctx, struct cluster);
	if (c == NULL) {
		return NULL;
	}
	c->ops = ops;
	c->backend = talloc_steal(c, backend);
	return c;
}

const char *cluster_backend_name(const struct cluster *c)
{
	return c->ops->name;
}

uint32_t cluster_this_pnn(const struct cluster *c)
{
	return c->ops->this_pnn(c->backend);
}

uint32_t cluster_leader(const struct cluster *c)
{
	return c->ops->leader(c->backend);
}

unsigned cluster_num_nodes(const struct cluster *c)
{
	return c->ops->num_nodes(c->backend);
}

const struct cluster_node *cluster_node(const struct cluster *c, unsigned i)
{
	return c->ops->node(c->backend, i);
}

const char *cluster_why_out(const struct cluster *c)
{
	if (c->ops->why_out == NULL) {
		return NULL;
	}
	return c->ops->why_out(c->backend);
}

bool cluster_quorate(const struct cluster *c)
{
	if (c->ops->quorate == NULL) {
		return true;
	}
	return c->ops->quorate(c->backend);
}

int cluster_this_index(const struct cluster *c)
{
	uint32_t pnn = cluster_this_pnn(c);
	unsigned num = cluster_num_nodes(c);
	unsigned i;

	for (i = 0; i < num; i++) {
		const struct cluster_node *node = cluster_node(c, i);

		if (node->pnn == pnn) {
			return (int)i;
		}
	}
	return -1;
}

int cluster_set_this_flags(struct cluster *c, uint32_t flags)
{
	return c->ops->set_this_flags(c->backend, flags);
}

void cluster_set_change_fn(struct cluster *c, cluster_change_fn fn,
			   void *private_data)
{
	c->change_fn = fn;
	c->change_data = private_data;
}

void cluster_changed(struct cluster *c)
{
	if (c->change_fn != NULL) {
		c->change_fn(c->change_data);
	}
}
