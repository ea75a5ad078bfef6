/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Public IP allocation as a pure function: node states and IPs in, assignment out. */
#ifndef CTDB_NODED_IPALLOC_H
#define CTDB_NODED_IPALLOC_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

struct ipalloc_node {
	uint32_t pnn;
	uint32_t flags;   /* CTDB_NODE_FLAGS_* (protocol/node_protocol.h) */
	bool no_ip_takeover; /* this node's NoIPTakeover tunable */
};

struct ipalloc_ip {
	const char *address;
	int32_t current_pnn; /* -1 when unassigned */
	/* can_host[i]: node i has this IP in its public_addresses */
	const bool *can_host;
};

struct ipalloc_options {
	bool no_ip_failback;          /* NoIPFailback */
	bool no_ip_host_on_all_disabled; /* NoIPHostOnAllDisabled */
};

/**
 * Compute where every IP should be. Deterministic: the same input always
 * gives the same output, so every node of a cluster computes the same
 * assignment. Rules, CTDB's:
 *  - inactive nodes (stopped, banned, disconnected, deleted) host nothing;
 *  - healthy nodes are preferred; if no node is healthy, unhealthy (but
 *    active) nodes host the IPs unless no_ip_host_on_all_disabled;
 *  - an IP stays where it is while its node may still host it;
 *  - unassigned IPs go to the allowed node with the fewest IPs (lowest
 *    pnn on ties); with no_ip_failback set, IPs never move back to
 *    rebalance, otherwise the load is balanced to within one IP;
 *  - a node with no_ip_takeover set keeps what it has but takes nothing
 *    new.
 * @param out array of num_ips pnns (-1 = unassigned), allocated on mem_ctx.
 * @return 0 or ENOMEM.
 */
int ipalloc(TALLOC_CTX *mem_ctx, const struct ipalloc_node *nodes,
	    unsigned num_nodes, const struct ipalloc_ip *ips,
	    unsigned num_ips, const struct ipalloc_options *opts,
	    int32_t **out);

#endif
