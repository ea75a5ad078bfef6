/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The TCP connections registered for each public address (CTDB's
 * tickles: `ctdb addtickle`, 10.interface's tracking, the cluster): the
 * clients to reset when the address leaves this node and to tickle when
 * it arrives on another. Pure: no I/O, no logging.
 */
#ifndef CTDB_NODED_TICKLES_H
#define CTDB_NODED_TICKLES_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include "noded/public_ips.h"
#include "protocol/tickle_wire.h"

/* The daemon's bound (protocol/tickle_wire.h). */
#define TICKLES_MAX_PER_IP CTDB_TICKLES_MAX_PER_IP

struct tickles;

/*
 * One (empty) list per address of ips, which must outlive the store.
 * @return NULL on allocation failure.
 */
struct tickles *tickles_new(TALLOC_CTX *mem_ctx,
			    const struct public_ip_list *ips,
			    uint32_t max_per_ip);

/* The index in ips of the address of ep (its port ignored), or -1. */
int tickles_find_ip(const struct tickles *t, const struct net_endpoint *ep);

/*
 * Register c under the public address c->dst. A connection already
 * there is not added twice (*added false). @return 0, EINVAL for a
 * connection of mixed or unknown families, ENOENT when c->dst is no
 * public address, ENOSPC when its list is full, ENOMEM.
 */
int tickles_add(struct tickles *t, const struct ctdb_tickle_conn *c,
		bool *added);

/*
 * Forget c. A connection that is not registered is no error (CTDB).
 * @return 0, or EINVAL for a connection of mixed or unknown families.
 */
int tickles_del(struct tickles *t, const struct ctdb_tickle_conn *c,
		bool *removed);

/* The list of address ip (never NULL for a valid index, maybe empty). */
const struct ctdb_tickle_list *tickles_of_ip(const struct tickles *t,
					     unsigned ip);

/*
 * A copy of the list of the public address addr (port ignored), on
 * mem_ctx. @return 0, ENOENT when addr is no public address, ENOMEM.
 */
int tickles_get(const struct tickles *t, TALLOC_CTX *mem_ctx,
		const struct net_endpoint *addr,
		struct ctdb_tickle_list **out);

/*
 * Replace the list of address ip with list (another node's view): the
 * connections whose dst is not that address are skipped, duplicates
 * kept once, and at most max_per_ip taken. @return 0, EINVAL for a bad
 * index, ENOMEM (the old list is then kept).
 */
int tickles_replace(struct tickles *t, unsigned ip,
		    const struct ctdb_tickle_list *list);

/* Grows by one for every change of the list of ip: who syncs, compares. */
uint64_t tickles_generation(const struct tickles *t, unsigned ip);

#endif
