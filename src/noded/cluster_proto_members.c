/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CPG members: who they are, what they hold, who left and why. */
#include <errno.h>
#include <inttypes.h>

#include "common/logging.h"
#include "noded/cluster_proto_private.h"

const char **
cluster_list_copy(TALLOC_CTX *mem_ctx, const char *const *list, uint32_t num)
{
	const char **copy;
	uint32_t i;

	copy = talloc_zero_array(mem_ctx, const char *, num + 1);
	if (copy == NULL) {
		return NULL;
	}
	for (i = 0; i < num; i++) {
		copy[i] = talloc_strdup(copy, list[i]);
		if (copy[i] == NULL) {
			talloc_free(copy);
			return NULL;
		}
	}
	return copy;
}

struct member *cluster_member_find(struct cluster_proto *p, uint64_t id)
{
	unsigned i;

	for (i = 0; i < p->num_members; i++) {
		if (p->members[i]->id == id) {
			return p->members[i];
		}
	}
	return NULL;
}

struct member *cluster_member_self(struct cluster_proto *p)
{
	return cluster_member_find(p, p->config.this_member);
}

uint32_t cluster_member_pnn(const struct member *m)
{
	return m->state->pnn;
}

/* The pnn all agree m has: none before its STATE since the confchg. */
uint32_t cluster_member_agreed_pnn(const struct member *m)
{
	return m->synced ? cluster_member_pnn(m) : CLUSTER_PNN_NONE;
}

bool cluster_member_required(const struct cluster_proto *p,
			     const struct member *m)
{
	return !m->foreign && !m->excluded;
}

void cluster_member_set_known_held(struct member *m,
				   const char *const *list,
				   uint32_t num)
{
	const char **copy = cluster_list_copy(m, list, num);

	if (copy == NULL) {
		return;
	}
	talloc_free(m->known_held);
	m->known_held = copy;
	m->num_known_held = num;
}

static const char *leave_reason_name(uint32_t reason)
{
	switch (reason) {
	case CLUSTER_LEFT_LEAVE:
		return "left";
	case CLUSTER_LEFT_NODEDOWN:
		return "node down";
	case CLUSTER_LEFT_NODEUP:
		return "node up";
	case CLUSTER_LEFT_PROCDOWN:
		return "process died";
	}
	return "unknown reason";
}

static void member_left(struct cluster_proto *p, struct member *m,
			uint32_t reason, uint64_t now_ms)
{
	if (m->state == NULL) {
		return;
	}
	cluster_out_log(
	    p, DEBUG_NOTICE,
	    "pnn %" PRIu32 " (member %" PRIx64 ") left the cluster: %s",
	    cluster_member_pnn(m), m->id, leave_reason_name(reason));
	/*
	 * Only a vanished node may still have its addresses configured. A
	 * process that died or left has no corosync problem: its node's
	 * daemon is gone (kill -9) or released before leaving.
	 */
	if (reason == CLUSTER_LEFT_NODEDOWN && !m->excluded) {
		cluster_grace_start(p, m, now_ms);
	}
}

static uint32_t left_reason(const struct cluster_proto_left *left,
			    unsigned num_left, uint64_t id)
{
	unsigned i;

	for (i = 0; i < num_left; i++) {
		if (left[i].member == id) {
			return left[i].reason;
		}
	}
	return CLUSTER_LEFT_NODEDOWN;
}

/*
 * See struct member: the new configuration starts from the same facts
 * everywhere.
 */
static void forget_stream_facts(struct member *m, uint64_t now_ms)
{
	m->synced = false;
	m->foreign = false;
	m->excluded = false;
	m->hb_seq = 0;
	m->suspect_sent = false;
	m->last_heard_ms = now_ms;
}

int cluster_members_rebuild(struct cluster_proto *p,
			    const uint64_t *members,
			    unsigned num_members,
			    const struct cluster_proto_left *left,
			    unsigned num_left,
			    uint64_t now_ms)
{
	struct member **next;
	unsigned i;

	next = talloc_zero_array(p, struct member *, num_members + 1);
	if (next == NULL) {
		return ENOMEM;
	}
	for (i = 0; i < num_members; i++) {
		struct member *m = cluster_member_find(p, members[i]);

		if (m == NULL) {
			m = talloc_zero(next, struct member);
			if (m == NULL) {
				talloc_free(next);
				return ENOMEM;
			}
			m->id = members[i];
		}
		forget_stream_facts(m, now_ms);
		next[i] = talloc_steal(next, m);
	}
	for (i = 0; i < p->num_members; i++) {
		struct member *m = p->members[i];

		if (talloc_parent(m) != next) {
			member_left(p, m, left_reason(left, num_left, m->id),
				    now_ms);
		}
	}
	talloc_free(p->members);
	p->members = next;
	p->num_members = num_members;
	return 0;
}
