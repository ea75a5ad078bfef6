/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cluster protocol's state and the helpers its modules share. */
#ifndef CTDB_NODED_CLUSTER_PROTO_PRIVATE_H
#define CTDB_NODED_CLUSTER_PROTO_PRIVATE_H

/*
 * Only the protocol's own files include this: the driver (cluster_proto.c),
 * its outputs (cluster_proto_output.c), the members
 * (cluster_proto_members.c), this node's actions and grace
 * (cluster_proto_actions.c), participants and allocation
 * (cluster_proto_allocation.c) and the read-only view
 * (cluster_proto_view.c). Everyone else sees cluster_proto.h.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <talloc.h>

#include "noded/cluster_proto.h"
#include "protocol/cluster_protocol.h"

/* talloc hands out const strings we own and later free or pass on. */
#define discard_const_p(type, ptr) ((type *)(uintptr_t)(ptr))

/*
 * What a member is to the protocol must be the same on every node, and a
 * node only knows what was delivered since it joined. So everything
 * learnt from the stream (synced, foreign, excluded, hb_seq) is forgotten
 * at every configuration change, where every member of the new
 * configuration stands at the same point of the stream (see
 * forget_stream_facts in cluster_proto_members.c). Without that, a node
 * that rejoined after a partition and one that never left judged the
 * same SUSPECT differently and their rounds parted for good.
 */
struct member {
	uint64_t id;
	bool synced;       /* a STATE delivered since the last confchg */
	bool fresh;        /* a STATE delivered since the last trigger */
	bool foreign;      /* sent what we cannot decode: not waited for */
	bool foreign_logged;
	bool excluded;     /* suspected silent: gone until it rejoins empty */
	bool refusal_logged;
	bool mismatch_logged;
	struct cluster_msg *state; /* its latest STATE, NULL before one */
	const char **known_held;   /* what we believe it holds */
	uint32_t num_known_held;
	uint32_t hb_seq;
	uint64_t last_heard_ms;
	bool suspect_sent;
	bool released;     /* RELEASED for the current round */
	bool taken;        /* TAKEN for the current round */
};

struct pending_action {
	enum cluster_action_type type;
	const char *arg;
};

struct grace_entry {
	const char *ip;
	uint64_t until_ms;
};

struct cluster_proto {
	struct cluster_proto_config config;
	const char **nodes;
	uint64_t nodes_hash;

	/* This node, as it says of itself. */
	struct cluster_proto_local local;
	const char **held; /* sorted */
	uint32_t num_held;
	uint32_t joined_round;

	struct member **members;
	unsigned num_members;
	bool joined;   /* a confchg listed us */
	bool engine_ok;
	bool quorate;
	bool refused;  /* another daemon serves our pnn: for good */
	bool rejoin_pending; /* declared (or found ourselves) silent */
	bool change_pending;
	bool announce_release;
	bool state_sent;
	bool released_sent;
	bool taken_sent;
	const char *why_out;

	enum cluster_phase phase;
	uint32_t round;

	/* The participants of the round: member id per pnn, 0 for none. */
	uint64_t *participant;
	bool *is_participant;

	/* The allocation of the round. */
	const char **ips;
	int32_t *owner;
	uint32_t num_ips;
	bool *take_tried; /* per IP */

	struct pending_action *queue;
	unsigned queue_len;
	bool busy;
	struct pending_action running;

	struct grace_entry *grace;
	unsigned num_grace;

	uint64_t last_tick_ms;
	uint64_t next_heartbeat_ms;
	uint32_t heartbeat_seq;
	uint64_t release_retry_ms;

	struct cluster_output **outputs;
	unsigned num_outputs;
};

/* Lists of strings (addresses), as qsort and the messages have them. */

static inline int cluster_compare_strings(const void *a, const void *b)
{
	const char *const *sa = a;
	const char *const *sb = b;

	return strcmp(*sa, *sb);
}

static inline bool
cluster_list_contains(const char *const *list, uint32_t num, const char *s)
{
	uint32_t i;

	for (i = 0; i < num; i++) {
		if (strcmp(list[i], s) == 0) {
			return true;
		}
	}
	return false;
}

const char **
cluster_list_copy(TALLOC_CTX *mem_ctx, const char *const *list, uint32_t num);

/* From cluster_proto_output.c: what the driver hands to the glue. */

struct cluster_output *cluster_out_push(struct cluster_proto *p,
					enum cluster_output_type type);
void cluster_out_log(struct cluster_proto *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cluster_out_view(struct cluster_proto *p);
void cluster_out_refused(struct cluster_proto *p, const char *text);
void cluster_out_send(struct cluster_proto *p, const struct cluster_msg *msg);
void cluster_out_simple(struct cluster_proto *p, enum cluster_msg_type type);
void cluster_out_state(struct cluster_proto *p, enum cluster_state_kind kind);

/* From cluster_proto_members.c: the CPG members and what we know of each. */

struct member *cluster_member_find(struct cluster_proto *p, uint64_t id);
struct member *cluster_member_self(struct cluster_proto *p);
uint32_t cluster_member_pnn(const struct member *m);
uint32_t cluster_member_agreed_pnn(const struct member *m);
bool cluster_member_required(const struct cluster_proto *p,
			     const struct member *m);
void cluster_member_set_known_held(struct member *m,
				   const char *const *list,
				   uint32_t num);
int cluster_members_rebuild(struct cluster_proto *p,
			    const uint64_t *members,
			    unsigned num_members,
			    const struct cluster_proto_left *left,
			    unsigned num_left,
			    uint64_t now_ms);

/* From cluster_proto_actions.c: what this node holds, waits for and runs. */

bool cluster_holds(const struct cluster_proto *p, const char *ip);
void cluster_set_held(struct cluster_proto *p, const char *ip, bool held);
bool cluster_grace_active(const struct cluster_proto *p,
			  const char *ip,
			  uint64_t now_ms);
void cluster_grace_start(struct cluster_proto *p,
			 const struct member *m,
			 uint64_t now_ms);
void cluster_action_queue(struct cluster_proto *p,
			  enum cluster_action_type type,
			  const char *arg);
void cluster_action_drop_non_releases(struct cluster_proto *p);
void cluster_action_start_next(struct cluster_proto *p);

/* From cluster_proto_allocation.c: who takes part, and who gets what. */

void cluster_choose_participants(struct cluster_proto *p);
const struct cluster_state_msg *
cluster_participant_state(struct cluster_proto *p, uint32_t pnn);
int cluster_compute_allocation(struct cluster_proto *p);
bool cluster_assigned_to_me(const struct cluster_proto *p, const char *ip);

#endif
