/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The corosync backend's glue: libcpg and libquorum in the tevent loop, feeding cluster_proto. */
#ifndef CTDB_NODED_CLUSTER_COROSYNC_H
#define CTDB_NODED_CLUSTER_COROSYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include <tevent.h>

#include "noded/cluster_proto.h"
#include "protocol/cluster_protocol.h"

/*
 * Built only with HAVE_COROSYNC. Connects to the local corosync (retrying
 * every second, logging once, while it is not there), joins the CPG group,
 * tracks quorum, and turns every callback into an input of cluster_proto,
 * with the monotonic time. What cluster_proto asks for goes out: messages
 * through a send queue that never blocks the loop, actions to the daemon
 * through hooks.action (one at a time; the daemon answers with
 * cluster_corosync_action_done), log lines to the daemon's log.
 */

struct cluster_corosync;

struct cluster_corosync_hooks {
	/* Run an event, or release or take an address; then action_done. */
	void (*action)(void *private_data, enum cluster_action_type type,
		       const char *arg);
	/* Nodes, flags, addresses or quorum changed: republish the view. */
	void (*view_changed)(void *private_data);
	/* Another daemon serves our pnn: this one must stop. */
	void (*refused)(void *private_data, const char *why);
	/* Another member's tickle list (NULL: ignore them). */
	void (*tickles)(void *private_data,
			const struct cluster_tickles_msg *msg);
	void *private_data;
};

struct cluster_corosync_config {
	const char *group;        /* `cpg group`, default "ctdb-noded" */
	uint32_t this_pnn;
	uint32_t num_nodes;
	const char *const *nodes; /* per pnn, NULL for a deleted line */
	uint32_t heartbeat_interval_ms;
	uint32_t heartbeat_timeout_ms;
	uint32_t grace_ms;
};

/**
 * Start connecting. Failing to reach corosync is not an error here: the
 * backend retries, and stays out of the allocation meanwhile.
 * @param perr set to a sentence when the configuration is refused.
 * @return 0, EINVAL (bad configuration) or ENOMEM.
 */
int cluster_corosync_start(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			   const struct cluster_corosync_config *config,
			   const struct cluster_proto_local *local,
			   const struct cluster_corosync_hooks *hooks,
			   struct cluster_corosync **pcc, const char **perr);

/** This node's state changed. @return 0, EINVAL or ENOMEM. */
int cluster_corosync_set_local(struct cluster_corosync *cc,
			       const struct cluster_proto_local *local);

/** The heartbeat and grace timings changed. @return 0 or EINVAL. */
int cluster_corosync_set_timings(struct cluster_corosync *cc,
				 uint32_t interval_ms, uint32_t timeout_ms,
				 uint32_t grace_ms);

/** The action handed to hooks.action finished: result 0 or an errno. */
void cluster_corosync_action_done(struct cluster_corosync *cc, int result);

/** The protocol, for its view; NULL until corosync was first reached. */
const struct cluster_proto *cluster_corosync_proto(
	const struct cluster_corosync *cc);

/** Send the tickle list of address to the group (if connected). */
void cluster_corosync_send_tickles(struct cluster_corosync *cc,
				   const char *address,
				   const struct ctdb_tickle_list *list);

/** Whether the CPG group is joined now. */
bool cluster_corosync_connected(const struct cluster_corosync *cc);

#endif
