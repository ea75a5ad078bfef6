/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Deterministic public IP allocation: keep, fill, then balance. */
#include <errno.h>

#include "noded/ipalloc.h"
#include "protocol/node_protocol.h"

/*
 * CTDB's DISABLED: a node that is active but should not serve while a
 * healthy one exists.
 */
#define NODE_FLAGS_DISABLED                                               \
	(CTDB_NODE_FLAGS_UNHEALTHY | CTDB_NODE_FLAGS_PERMANENTLY_DISABLED)

/*
 * Nodes are handled by index into the caller's array (can_host is indexed
 * the same way); pnns only break ties and appear in the output.
 */
struct ipalloc_state {
	const struct ipalloc_node *nodes;
	unsigned num_nodes;
	const struct ipalloc_ip *ips;
	unsigned num_ips;
	bool *may_host;   /* per node: may hold any IP at all */
	unsigned *count;  /* per node: IPs assigned to it so far */
	unsigned *order;  /* scratch: node indices, busiest first */
	int *assigned;    /* per IP: node index, -1 for none */
};

static bool node_is_healthy(const struct ipalloc_node *node)
{
	uint32_t bad = CTDB_NODE_FLAGS_INACTIVE | NODE_FLAGS_DISABLED;

	return (node->flags & bad) == 0;
}

/*
 * Inactive nodes never host. Disabled (unhealthy) nodes host only when no
 * node is healthy, so a cluster with every node failing a check still
 * serves its addresses, unless NoIPHostOnAllDisabled says otherwise.
 */
static void compute_may_host(struct ipalloc_state *s,
			     const struct ipalloc_options *opts)
{
	bool any_healthy = false;
	bool disabled_may_host;
	unsigned i;

	for (i = 0; i < s->num_nodes; i++) {
		if (node_is_healthy(&s->nodes[i])) {
			any_healthy = true;
		}
	}
	disabled_may_host = !any_healthy && !opts->no_ip_host_on_all_disabled;
	for (i = 0; i < s->num_nodes; i++) {
		uint32_t flags = s->nodes[i].flags;

		if ((flags & CTDB_NODE_FLAGS_INACTIVE) != 0) {
			s->may_host[i] = false;
		} else if ((flags & NODE_FLAGS_DISABLED) != 0) {
			s->may_host[i] = disabled_may_host;
		} else {
			s->may_host[i] = true;
		}
	}
}

static bool can_keep(const struct ipalloc_state *s, unsigned ip, unsigned n)
{
	return s->may_host[n] && s->ips[ip].can_host[n];
}

/* NoIPTakeover only stops a node from gaining IPs, never from keeping. */
static bool can_take(const struct ipalloc_state *s, unsigned ip, unsigned n)
{
	return can_keep(s, ip, n) && !s->nodes[n].no_ip_takeover;
}

static int node_index(const struct ipalloc_state *s, int32_t pnn)
{
	unsigned i;

	if (pnn < 0) {
		return -1;
	}
	for (i = 0; i < s->num_nodes; i++) {
		if (s->nodes[i].pnn == (uint32_t)pnn) {
			return (int)i;
		}
	}
	return -1;
}

/* The node that may take ip and has the fewest IPs, lowest pnn on ties. */
static int least_loaded(const struct ipalloc_state *s, unsigned ip)
{
	int best = -1;
	unsigned n;

	for (n = 0; n < s->num_nodes; n++) {
		bool better;

		if (!can_take(s, ip, n)) {
			continue;
		}
		better = (best == -1 || s->count[n] < s->count[best] ||
			  (s->count[n] == s->count[best] &&
			   s->nodes[n].pnn < s->nodes[best].pnn));
		if (better) {
			best = (int)n;
		}
	}
	return best;
}

/* An IP stays on its node while that node may still host it. */
static void keep_current(struct ipalloc_state *s)
{
	unsigned ip;

	for (ip = 0; ip < s->num_ips; ip++) {
		int n = node_index(s, s->ips[ip].current_pnn);

		s->assigned[ip] = -1;
		if (n >= 0 && can_keep(s, ip, (unsigned)n)) {
			s->assigned[ip] = n;
			s->count[n]++;
		}
	}
}

static void assign_unassigned(struct ipalloc_state *s)
{
	unsigned ip;

	for (ip = 0; ip < s->num_ips; ip++) {
		int n;

		if (s->assigned[ip] != -1) {
			continue;
		}
		n = least_loaded(s, ip);
		if (n >= 0) {
			s->assigned[ip] = n;
			s->count[n]++;
		}
	}
}

/* Sort s->order busiest first, lowest pnn on ties (insertion sort). */
static void sort_busiest_first(struct ipalloc_state *s)
{
	unsigned i;
	unsigned j;

	for (i = 0; i < s->num_nodes; i++) {
		s->order[i] = i;
	}
	for (i = 1; i < s->num_nodes; i++) {
		unsigned n = s->order[i];

		for (j = i; j > 0; j--) {
			unsigned prev = s->order[j - 1];
			bool before = (s->count[n] > s->count[prev] ||
				       (s->count[n] == s->count[prev] &&
					s->nodes[n].pnn < s->nodes[prev].pnn));

			if (!before) {
				break;
			}
			s->order[j] = prev;
		}
		s->order[j] = n;
	}
}

/*
 * Make one balancing move: from the busiest node that can shed an IP, its
 * highest-numbered IP goes to the least loaded node allowed to take it,
 * if that node has at least two IPs fewer.
 * @return true if an IP moved.
 */
static bool move_one(struct ipalloc_state *s)
{
	unsigned i;

	sort_busiest_first(s);
	for (i = 0; i < s->num_nodes; i++) {
		unsigned src = s->order[i];
		unsigned ip;

		for (ip = s->num_ips; ip > 0; ip--) {
			int dst;

			if (s->assigned[ip - 1] != (int)src) {
				continue;
			}
			dst = least_loaded(s, ip - 1);
			if (dst < 0 || s->count[src] < s->count[dst] + 2) {
				continue;
			}
			s->assigned[ip - 1] = dst;
			s->count[src]--;
			s->count[dst]++;
			return true;
		}
	}
	return false;
}

/*
 * Every move lowers the sum of the squared counts by at least two, so
 * the loop ends; when it does no IP can move to a node with two fewer.
 */
static void rebalance(struct ipalloc_state *s)
{
	bool moved;

	do {
		moved = move_one(s);
	} while (moved);
}

int ipalloc(TALLOC_CTX *mem_ctx, const struct ipalloc_node *nodes,
	    unsigned num_nodes, const struct ipalloc_ip *ips,
	    unsigned num_ips, const struct ipalloc_options *opts,
	    int32_t **out)
{
	struct ipalloc_state s = {
		.nodes = nodes,
		.num_nodes = num_nodes,
		.ips = ips,
		.num_ips = num_ips,
	};
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	int32_t *result;
	unsigned ip;

	if (tmp == NULL) {
		return ENOMEM;
	}
	s.may_host = talloc_zero_array(tmp, bool, num_nodes);
	s.count = talloc_zero_array(tmp, unsigned, num_nodes);
	s.order = talloc_zero_array(tmp, unsigned, num_nodes);
	s.assigned = talloc_zero_array(tmp, int, num_ips);
	result = talloc_array(mem_ctx, int32_t, num_ips);
	if (s.may_host == NULL || s.count == NULL || s.order == NULL ||
	    s.assigned == NULL || result == NULL) {
		talloc_free(result);
		talloc_free(tmp);
		return ENOMEM;
	}

	compute_may_host(&s, opts);
	keep_current(&s);
	assign_unassigned(&s);
	if (!opts->no_ip_failback) {
		rebalance(&s);
	}

	for (ip = 0; ip < num_ips; ip++) {
		int n = s.assigned[ip];

		result[ip] = (n == -1) ? -1 : (int32_t)nodes[n].pnn;
	}
	talloc_free(tmp);
	*out = result;
	return 0;
}
