/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The leaderless takeover protocol over a totally ordered group, as a pure state machine. */
#ifndef CTDB_NODED_CLUSTER_PROTO_H
#define CTDB_NODED_CLUSTER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "protocol/tickle_wire.h"

/*
 * One cluster_proto per ctdb-noded. It does no I/O, keeps no clock and
 * logs nothing itself: the glue (cluster_corosync.c, or a test's fake
 * CPG) feeds it what the engine says, with the time, and pops what it
 * must do: messages to send to the group, one action at a time (an event
 * to run, an IP to release or take), log lines, and "the view changed".
 * Every decision that must agree between nodes is taken only from
 * delivered messages and membership changes, which every member sees in
 * the same order; the clock only decides when this node acts on its own
 * (heartbeats, suspicion of a silent member, the grace before taking a
 * lost node's IPs). doc/cluster.md describes the protocol.
 *
 * Members are CPG members, named by a 64-bit id (nodeid << 32 | pid),
 * which this module never interprets beyond comparing them.
 */

struct cluster_proto;

struct cluster_proto_config {
	uint32_t this_pnn;
	uint64_t this_member;     /* our CPG member id */
	uint32_t num_nodes;       /* lines of `nodes` */
	const char *const *nodes; /* per pnn: address, NULL for deleted */
	uint32_t heartbeat_interval_ms;
	uint32_t heartbeat_timeout_ms; /* silence before a member is suspected */
	uint32_t grace_ms; /* before taking the IPs of a member that vanished */
};

/* Defaults documented in doc/cluster.md. */
#define CLUSTER_HEARTBEAT_INTERVAL_MS 1000
#define CLUSTER_HEARTBEAT_TIMEOUT_MS 5000
#define CLUSTER_GRACE_MS 3000

/* Why a member left, as CPG says (same meaning as CPG_REASON_*). */
enum cluster_leave_reason {
	CLUSTER_LEFT_LEAVE = 2,    /* it left the group itself */
	CLUSTER_LEFT_NODEDOWN = 3, /* its corosync vanished: node death, partition */
	CLUSTER_LEFT_NODEUP = 4,
	CLUSTER_LEFT_PROCDOWN = 5, /* the process died, its corosync lives */
};

struct cluster_proto_left {
	uint64_t member;
	uint32_t reason; /* enum cluster_leave_reason */
};

/* What this node says of itself; every change is sent to the others. */
struct cluster_proto_local {
	uint32_t flags;    /* CTDB_NODE_FLAGS_*: UNHEALTHY, STOPPED, ... */
	uint32_t runstate; /* enum ctdb_runstate */
	const char *reason;
	uint32_t options;  /* CLUSTER_OPT_* (NoIPTakeover, ...) */
	uint32_t num_public;
	const char *const *public_ips; /* bare addresses, public_addresses order */
};

enum cluster_output_type {
	CLUSTER_OUT_SEND,    /* buf, len: multicast to the group */
	CLUSTER_OUT_ACTION,  /* action, arg: do it, then cluster_proto_action_done */
	CLUSTER_OUT_LOG,     /* level (enum debug_level), text */
	CLUSTER_OUT_VIEW,    /* nodes, flags, IPs or quorum changed: republish */
	CLUSTER_OUT_REFUSED, /* text: this daemon must not run (duplicate pnn) */
	CLUSTER_OUT_TICKLES, /* msg: another member's tickle list, to apply */
};

enum cluster_action_type {
	CLUSTER_ACTION_EVENT,      /* arg: startrecovery, recovered, ipreallocated */
	CLUSTER_ACTION_RELEASE_IP, /* arg: the address */
	CLUSTER_ACTION_TAKE_IP,    /* arg: the address */
};

struct cluster_output {
	enum cluster_output_type type;
	uint8_t *buf;
	size_t len;
	enum cluster_action_type action;
	const char *arg;
	int level;
	const char *text;
	struct cluster_msg *msg; /* TICKLES: the decoded message */
};

/* Where this node is in the protocol. */
enum cluster_phase {
	CLUSTER_PHASE_OUT,     /* no quorum, engine lost, or not joined yet */
	CLUSTER_PHASE_SYNC,    /* barrier: waiting for every member's STATE */
	CLUSTER_PHASE_RELEASE, /* releasing; waiting for RELEASED from all */
	CLUSTER_PHASE_TAKE,    /* taking; waiting for TAKEN from all */
	CLUSTER_PHASE_IDLE,    /* the round is complete */
	CLUSTER_PHASE_PASSIVE, /* refused: nodes file differs, or duplicate pnn */
};

/**
 * @param perr set to a sentence when the configuration is refused
 * (this_pnn not in nodes, a duplicate address in nodes, zero timings).
 * @return 0, EINVAL or ENOMEM.
 */
int cluster_proto_new(TALLOC_CTX *mem_ctx,
		      const struct cluster_proto_config *config,
		      const struct cluster_proto_local *local, uint64_t now_ms,
		      struct cluster_proto **pproto, const char **perr);

/* ---------- inputs ---------- */

/**
 * A CPG configuration change: the member list after it, who left and
 * why, and whether the new ring is quorate (read in the confchg callback,
 * so that every member decides on the same value).
 */
void cluster_proto_confchg(struct cluster_proto *p, const uint64_t *members,
			   unsigned num_members,
			   const struct cluster_proto_left *left,
			   unsigned num_left, bool quorate, uint64_t now_ms);

/** A message delivered by the group, in total order, ours included. */
void cluster_proto_deliver(struct cluster_proto *p, uint64_t sender,
			   const uint8_t *buf, size_t len, uint64_t now_ms);

/** Quorum changed without a configuration change of our group. */
void cluster_proto_quorum(struct cluster_proto *p, bool quorate,
			  uint64_t now_ms);

/** The connection to the local engine is gone: release all, take none. */
void cluster_proto_engine_lost(struct cluster_proto *p, uint64_t now_ms);

/** This node's flags, runstate, reason, options or IP list changed. */
int cluster_proto_set_local(struct cluster_proto *p,
			    const struct cluster_proto_local *local,
			    uint64_t now_ms);

/**
 * New timings (the Cluster* tunables changed): they count from now on.
 * @return 0, or EINVAL (a zero, or a timeout not above the interval).
 */
int cluster_proto_set_timings(struct cluster_proto *p, uint32_t interval_ms,
			      uint32_t timeout_ms, uint32_t grace_ms);

/** The last action popped finished; result 0 or an errno. */
void cluster_proto_action_done(struct cluster_proto *p, int result,
			       uint64_t now_ms);

/** Call every heartbeat_interval_ms or sooner: heartbeats, silence, grace. */
void cluster_proto_tick(struct cluster_proto *p, uint64_t now_ms);

/**
 * Send the list of connections registered for address to every member
 * (noded/tickles_sync.c), with our pnn and round; a message that cannot
 * be encoded is logged. Our own copy comes back through deliver and is
 * not output.
 */
void cluster_proto_send_tickles(struct cluster_proto *p, const char *address,
				const struct ctdb_tickle_list *list);

/* ---------- outputs ---------- */

/**
 * Take the next output (a talloc child of mem_ctx), oldest first.
 * @return false when there is none.
 */
bool cluster_proto_pop(struct cluster_proto *p, TALLOC_CTX *mem_ctx,
		       struct cluster_output **pout);

/* ---------- the view, for status, watch keys and metrics ---------- */

enum cluster_phase cluster_proto_phase(const struct cluster_proto *p);
const char *cluster_phase_name(enum cluster_phase phase);
uint32_t cluster_proto_round(const struct cluster_proto *p);
bool cluster_proto_quorate(const struct cluster_proto *p);
/**
 * Was this daemon found silent (stopped, hung), so that it releases all
 * it holds before it rejoins? The others have taken its addresses.
 */
bool cluster_proto_rejoining(const struct cluster_proto *p);
/** Why this node takes no part, NULL when it does. */
const char *cluster_proto_why_out(const struct cluster_proto *p);

uint32_t cluster_proto_num_nodes(const struct cluster_proto *p);
/** CTDB flags as the cluster sees pnn: DISCONNECTED when not a participant. */
uint32_t cluster_proto_node_flags(const struct cluster_proto *p, uint32_t pnn);
uint32_t cluster_proto_node_runstate(const struct cluster_proto *p,
				     uint32_t pnn);
const char *cluster_proto_node_reason(const struct cluster_proto *p,
				      uint32_t pnn);

/** The allocation of the last round: address i and its pnn (-1: none). */
uint32_t cluster_proto_num_ips(const struct cluster_proto *p);
const char *cluster_proto_ip(const struct cluster_proto *p, uint32_t i,
			     int32_t *ppnn);

/** Does this node hold address (configured on it, as far as we know)? */
bool cluster_proto_holds(const struct cluster_proto *p, const char *address);

#endif
