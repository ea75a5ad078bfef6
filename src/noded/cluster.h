/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cluster as ctdb-noded sees it: nodes, this node, leader, changes. */
#ifndef CTDB_NODED_CLUSTER_H
#define CTDB_NODED_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include <tevent.h>

/*
 * Membership lives behind this interface so that the monitor, health and
 * takeover code never know which engine provides it. A backend keeps the
 * list of nodes with their flags, knows which one is this node and which
 * one leads, publishes this node's flags to the others and calls the
 * change callback when the view changes (a node joins, leaves or changes
 * its flags). Every node of a cluster must see the same ordered view, so
 * the pure IP allocation gives the same answer everywhere.
 *
 * Backends: "local" (this node only; nothing to install). A corosync CPG
 * backend is planned with the same interface.
 */

struct cluster;

struct cluster_node {
	uint32_t pnn;
	uint32_t flags;      /* CTDB_NODE_FLAGS_* */
	const char *address;
	const char *reason;  /* why it is UNHEALTHY, as it said; or NULL */
};

typedef void (*cluster_change_fn)(void *private_data);

struct cluster_ops {
	const char *name;
	uint32_t (*this_pnn)(void *backend);
	uint32_t (*leader)(void *backend);
	unsigned (*num_nodes)(void *backend);
	/* i in [0, num_nodes); the pointer is valid until the next change */
	const struct cluster_node *(*node)(void *backend, unsigned i);
	/* Publish this node's flags. @return 0 or errno. */
	int (*set_this_flags)(void *backend, uint32_t flags);
	/* Why this node takes no part, NULL when it does; may be NULL. */
	const char *(*why_out)(void *backend);
	/* Whether the cluster has quorum; NULL: always (one node). */
	bool (*quorate)(void *backend);
};

/* From noded/cluster.c */

/**
 * Wrap a backend. backend must be a talloc object; it is stolen onto the
 * cluster.
 */
struct cluster *cluster_new(TALLOC_CTX *mem_ctx, const struct cluster_ops *ops,
			    void *backend);

const char *cluster_backend_name(const struct cluster *c);
uint32_t cluster_this_pnn(const struct cluster *c);
uint32_t cluster_leader(const struct cluster *c);
unsigned cluster_num_nodes(const struct cluster *c);
const struct cluster_node *cluster_node(const struct cluster *c, unsigned i);

/**
 * Why this node takes no part in the cluster (no quorum, corosync
 * unreachable, ...), NULL when it does, and always for "local".
 */
const char *cluster_why_out(const struct cluster *c);

/** Whether the cluster has quorum; a single node always has. */
bool cluster_quorate(const struct cluster *c);

/** The index of this node in the node list, or -1 if it is not a member. */
int cluster_this_index(const struct cluster *c);

/** Publish this node's flags. @return 0 or errno. */
int cluster_set_this_flags(struct cluster *c, uint32_t flags);

/**
 * fn runs after every change of the view made elsewhere (a node joins,
 * leaves or changes its flags); this node's own cluster_set_this_flags()
 * does not call it, the caller already knows.
 */
void cluster_set_change_fn(struct cluster *c, cluster_change_fn fn,
			   void *private_data);

/** Called by a backend when its view changed. */
void cluster_changed(struct cluster *c);

/* From noded/cluster_local.c */

/**
 * The local backend: one node, pnn 0, which is also the leader.
 * @param address this node's address (e.g. "127.0.0.1")
 * @return the cluster, or NULL on allocation failure.
 */
struct cluster *cluster_local_new(TALLOC_CTX *mem_ctx, const char *address);

#endif
