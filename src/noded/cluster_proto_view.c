/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The protocol's read-only view: phase, round, nodes and the allocation. */
#include "noded/cluster_proto_private.h"
#include "protocol/node_protocol.h"

enum cluster_phase cluster_proto_phase(const struct cluster_proto *p)
{
	return p->phase;
}

const char *cluster_phase_name(enum cluster_phase phase)
{
	switch (phase) {
	case CLUSTER_PHASE_OUT:
		return "out";
	case CLUSTER_PHASE_SYNC:
		return "sync";
	case CLUSTER_PHASE_RELEASE:
		return "release";
	case CLUSTER_PHASE_TAKE:
		return "take";
	case CLUSTER_PHASE_IDLE:
		return "idle";
	case CLUSTER_PHASE_PASSIVE:
		return "passive";
	}
	return "unknown";
}

uint32_t cluster_proto_round(const struct cluster_proto *p)
{
	return p->round;
}

bool cluster_proto_quorate(const struct cluster_proto *p)
{
	return p->quorate;
}

bool cluster_proto_rejoining(const struct cluster_proto *p)
{
	return p->rejoin_pending;
}

const char *cluster_proto_why_out(const struct cluster_proto *p)
{
	if (p->phase == CLUSTER_PHASE_OUT ||
	    p->phase == CLUSTER_PHASE_PASSIVE || p->rejoin_pending) {
		return p->why_out;
	}
	return NULL;
}

uint32_t cluster_proto_num_nodes(const struct cluster_proto *p)
{
	return p->config.num_nodes;
}

static const struct cluster_state_msg *view_state(
	const struct cluster_proto *p, uint32_t pnn)
{
	if (pnn >= p->config.num_nodes) {
		return NULL;
	}
	return cluster_participant_state(
	    discard_const_p(struct cluster_proto, p), pnn);
}

uint32_t cluster_proto_node_flags(const struct cluster_proto *p, uint32_t pnn)
{
	const struct cluster_state_msg *st = view_state(p, pnn);

	if (pnn >= p->config.num_nodes || p->nodes[pnn] == NULL) {
		return CTDB_NODE_FLAGS_DELETED;
	}
	if (st == NULL || p->phase == CLUSTER_PHASE_OUT) {
		return CTDB_NODE_FLAGS_DISCONNECTED;
	}
	return st->flags;
}

uint32_t cluster_proto_node_runstate(const struct cluster_proto *p,
				     uint32_t pnn)
{
	const struct cluster_state_msg *st = view_state(p, pnn);

	return st == NULL ? CTDB_RUNSTATE_UNKNOWN : st->runstate;
}

const char *cluster_proto_node_reason(const struct cluster_proto *p,
				      uint32_t pnn)
{
	const struct cluster_state_msg *st = view_state(p, pnn);

	return st == NULL ? NULL : st->reason;
}

uint32_t cluster_proto_num_ips(const struct cluster_proto *p)
{
	return p->num_ips;
}

const char *cluster_proto_ip(const struct cluster_proto *p, uint32_t i,
			     int32_t *ppnn)
{
	if (i >= p->num_ips) {
		return NULL;
	}
	*ppnn = p->owner[i];
	return p->ips[i];
}

bool cluster_proto_holds(const struct cluster_proto *p, const char *address)
{
	return cluster_holds(p, address);
}
