/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The takeover protocol's driver: its inputs, the barrier and the phases. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/logging.h"
#include "noded/cluster_proto_private.h"
#include "protocol/node_protocol.h"

/*
 * The protocol in one paragraph (doc/cluster.md has the long form). A
 * trigger (a membership change, a STATE of kind CHANGE, an accepted
 * SUSPECT) starts a barrier: every member sends its STATE once nothing
 * runs on it. When the STATE of every member has been delivered after the
 * trigger, every node holds the same set of STATEs, so it computes the
 * same participants, round number and allocation. Then each participant
 * releases what it must give up and says RELEASED; when all have, each
 * takes what it gains (waiting out the grace of IPs whose holder vanished)
 * and says TAKEN; when all have, recovered and ipreallocated run. Any new
 * trigger abandons the round: what runs finishes, queued takes and events
 * are dropped, releases go on (releasing is always safe).
 */

/* ---------- the driver: what to do next when nothing runs ---------- */

static bool releasing_everything(const struct cluster_proto *p)
{
	return p->phase == CLUSTER_PHASE_OUT ||
	       p->phase == CLUSTER_PHASE_PASSIVE || p->rejoin_pending ||
	       p->refused;
}

static bool should_release(const struct cluster_proto *p, const char *ip)
{
	if (releasing_everything(p)) {
		return true;
	}
	if (p->phase == CLUSTER_PHASE_SYNC) {
		return false;
	}
	return !cluster_assigned_to_me(p, ip);
}

static void queue_releases(struct cluster_proto *p, uint64_t now_ms)
{
	uint32_t i;

	if (now_ms < p->release_retry_ms) {
		return;
	}
	for (i = 0; i < p->num_held; i++) {
		if (should_release(p, p->held[i])) {
			cluster_action_queue(p, CLUSTER_ACTION_RELEASE_IP,
					     p->held[i]);
		}
	}
}

/* A release failed and waits for its retry: RELEASED must wait too. */
static bool must_release_more(const struct cluster_proto *p)
{
	uint32_t i;

	for (i = 0; i < p->num_held; i++) {
		if (should_release(p, p->held[i])) {
			return true;
		}
	}
	return false;
}

static bool take_pending(struct cluster_proto *p, uint64_t now_ms,
			 bool *waiting)
{
	bool queued = false;
	uint32_t i;

	*waiting = false;
	for (i = 0; i < p->num_ips; i++) {
		if (p->owner[i] != (int32_t)p->config.this_pnn ||
		    p->take_tried[i] || cluster_holds(p, p->ips[i])) {
			continue;
		}
		if (cluster_grace_active(p, p->ips[i], now_ms)) {
			*waiting = true;
			continue;
		}
		p->take_tried[i] = true;
		cluster_action_queue(p, CLUSTER_ACTION_TAKE_IP, p->ips[i]);
		queued = true;
	}
	return queued;
}

static void progress_phase(struct cluster_proto *p, uint64_t now_ms)
{
	bool waiting;

	switch (p->phase) {
	case CLUSTER_PHASE_SYNC:
		if (!p->state_sent) {
			/* It carries our latest state: no CHANGE needed. */
			p->state_sent = true;
			p->change_pending = false;
			cluster_out_state(p, CLUSTER_STATE_SYNC);
		}
		break;
	case CLUSTER_PHASE_RELEASE:
		if (!p->released_sent && !must_release_more(p)) {
			p->released_sent = true;
			cluster_out_simple(p, CLUSTER_MSG_RELEASED);
		}
		break;
	case CLUSTER_PHASE_TAKE:
		if (take_pending(p, now_ms, &waiting)) {
			cluster_action_start_next(p);
			return;
		}
		if (!waiting && !p->taken_sent) {
			p->taken_sent = true;
			cluster_out_simple(p, CLUSTER_MSG_TAKEN);
		}
		break;
	default:
		break;
	}
}

static void progress(struct cluster_proto *p, uint64_t now_ms)
{
	if (p->busy) {
		return;
	}
	queue_releases(p, now_ms);
	if (p->queue_len > 0) {
		cluster_action_start_next(p);
		return;
	}
	if (p->num_held > 0 && releasing_everything(p)) {
		return; /* a release failed: retried after release_retry_ms */
	}
	if (p->rejoin_pending && p->joined && p->quorate) {
		p->rejoin_pending = false;
		p->change_pending = false;
		p->announce_release = false;
		cluster_out_log(p, DEBUG_NOTICE, "all public IPs released: "
				"rejoining the cluster");
		cluster_out_state(p, CLUSTER_STATE_CHANGE);
		return;
	}
	if (p->phase == CLUSTER_PHASE_OUT || p->rejoin_pending) {
		/* Quorum is back (no confchg of ours said so): tell all. */
		if (p->phase == CLUSTER_PHASE_OUT && !p->rejoin_pending &&
		    p->change_pending && p->quorate && p->joined &&
		    p->engine_ok) {
			p->change_pending = false;
			cluster_out_state(p, CLUSTER_STATE_CHANGE);
		}
		return;
	}
	if (p->phase == CLUSTER_PHASE_PASSIVE) {
		/* Tell the others, so the addresses we held can move. */
		if (p->announce_release) {
			p->announce_release = false;
			cluster_out_state(p, CLUSTER_STATE_CHANGE);
		}
		return;
	}
	if (p->change_pending && !p->refused) {
		p->change_pending = false;
		cluster_out_state(p, CLUSTER_STATE_CHANGE);
		return;
	}
	progress_phase(p, now_ms);
}

/* ---------- phases ---------- */

static void reset_round_marks(struct cluster_proto *p)
{
	unsigned i;

	for (i = 0; i < p->num_members; i++) {
		p->members[i]->released = false;
		p->members[i]->taken = false;
	}
	p->released_sent = false;
	p->taken_sent = false;
}

/* Everyone who must answer a barrier has a STATE, and is not out. */
static void start_barrier(struct cluster_proto *p, uint64_t now_ms)
{
	unsigned i;

	for (i = 0; i < p->num_members; i++) {
		p->members[i]->fresh = false;
	}
	reset_round_marks(p);
	cluster_action_drop_non_releases(p);
	p->state_sent = false;
	/* A refused daemon still answers, so that no barrier waits for it. */
	if (p->rejoin_pending || !p->quorate ||
	    !p->engine_ok || !p->joined) {
		return;
	}
	p->phase = CLUSTER_PHASE_SYNC;
	p->why_out = NULL;
}

static void go_out(struct cluster_proto *p, const char *why, uint64_t now_ms)
{
	bool had_ips = p->num_held > 0;

	if (p->phase != CLUSTER_PHASE_OUT) {
		cluster_out_log(p, DEBUG_NOTICE,
				"taking no part in the cluster: %s%s", why,
				had_ips ? "; releasing all public IPs" : "");
	}
	p->phase = CLUSTER_PHASE_OUT;
	p->why_out = why;
	cluster_action_drop_non_releases(p);
	cluster_out_view(p);
}

static uint32_t next_round(struct cluster_proto *p)
{
	uint32_t max = p->round;
	unsigned i;

	for (i = 0; i < p->num_members; i++) {
		struct member *m = p->members[i];

		if (cluster_member_required(p, m) && m->synced &&
		    m->state->round > max) {
			max = m->state->round;
		}
	}
	return max + 1;
}

static void complete_barrier(struct cluster_proto *p, uint64_t now_ms)
{
	uint32_t me = p->config.this_pnn;
	int ret;

	cluster_choose_participants(p);
	p->round = next_round(p);
	reset_round_marks(p);
	if (p->refused) {
		p->phase = CLUSTER_PHASE_PASSIVE;
		p->why_out = "another ctdb-noded serves this pnn";
		p->announce_release = p->num_held > 0;
		cluster_out_view(p);
		return;
	}
	if (!p->is_participant[me] ||
	    p->participant[me] != p->config.this_member) {
		p->phase = CLUSTER_PHASE_PASSIVE;
		p->why_out = "our nodes file differs from the other nodes'";
		p->announce_release = p->num_held > 0;
		cluster_out_view(p);
		return;
	}
	ret = cluster_compute_allocation(p);
	if (ret != 0) {
		go_out(p, "out of memory computing the allocation", now_ms);
		return;
	}
	cluster_out_log(p, DEBUG_INFO, "round %" PRIu32 ": releasing",
			p->round);
	p->phase = CLUSTER_PHASE_RELEASE;
	cluster_action_queue(p, CLUSTER_ACTION_EVENT, "startrecovery");
	queue_releases(p, now_ms);
	cluster_out_view(p);
}

static void check_barrier(struct cluster_proto *p, uint64_t now_ms)
{
	unsigned i;

	if (p->phase != CLUSTER_PHASE_SYNC) {
		return;
	}
	for (i = 0; i < p->num_members; i++) {
		struct member *m = p->members[i];

		if (cluster_member_required(p, m) && !m->fresh) {
			return;
		}
	}
	complete_barrier(p, now_ms);
}

static bool all_participants(struct cluster_proto *p, bool taken)
{
	uint32_t pnn;

	for (pnn = 0; pnn < p->config.num_nodes; pnn++) {
		struct member *m;

		if (!p->is_participant[pnn]) {
			continue;
		}
		m = cluster_member_find(p, p->participant[pnn]);
		if (m == NULL) {
			return false;
		}
		if ((taken && !m->taken) || (!taken && !m->released)) {
			return false;
		}
	}
	return true;
}

/*
 * From the take phase on, a participant may hold what it was assigned:
 * if it vanishes now, those addresses get the grace too.
 */
static void assume_assigned_held(struct cluster_proto *p)
{
	uint32_t pnn;
	uint32_t i;

	for (pnn = 0; pnn < p->config.num_nodes; pnn++) {
		struct member *m;
		const char **mine;
		uint32_t n = 0;

		if (!p->is_participant[pnn]) {
			continue;
		}
		m = cluster_member_find(p, p->participant[pnn]);
		mine = talloc_zero_array(p, const char *, p->num_ips + 1);
		if (m == NULL || mine == NULL) {
			talloc_free(mine);
			continue;
		}
		for (i = 0; i < p->num_ips; i++) {
			if (p->owner[i] == (int32_t)pnn) {
				mine[n++] = p->ips[i];
			}
		}
		cluster_member_set_known_held(m, mine, n);
		talloc_free(mine);
	}
}

static void complete_round(struct cluster_proto *p)
{
	if (p->joined_round == 0) {
		p->joined_round = p->round;
	}
	p->phase = CLUSTER_PHASE_IDLE;
	cluster_action_queue(p, CLUSTER_ACTION_EVENT, "recovered");
	cluster_action_queue(p, CLUSTER_ACTION_EVENT, "ipreallocated");
	cluster_out_log(p, DEBUG_INFO, "round %" PRIu32 ": complete", p->round);
	cluster_out_view(p);
}

/* ---------- delivered messages ---------- */

static void trigger(struct cluster_proto *p, uint64_t now_ms)
{
	start_barrier(p, now_ms);
}

static void rejoin_if_empty(struct cluster_proto *p, struct member *m,
			    const struct cluster_state_msg *st)
{
	if (!m->excluded || st->kind != CLUSTER_STATE_CHANGE) {
		return;
	}
	if (st->num_held > 0) {
		cluster_out_log(p, DEBUG_NOTICE,
				"pnn %" PRIu32 " is back but still holds "
				"%" PRIu32 " public IPs: it stays out until "
				"it has released them",
				cluster_member_pnn(m), st->num_held);
		return;
	}
	m->excluded = false;
	cluster_out_log(p, DEBUG_NOTICE, "pnn %" PRIu32 " rejoins the cluster",
			cluster_member_pnn(m));
}

static void deliver_state(struct cluster_proto *p, struct member *m,
			  struct cluster_msg *msg, uint64_t now_ms)
{
	const struct cluster_state_msg *st = &msg->body.state;

	talloc_free(m->state);
	m->state = talloc_steal(m, msg);
	m->synced = true;
	cluster_member_set_known_held(m, st->held, st->num_held);
	if (m->excluded) {
		rejoin_if_empty(p, m, st);
		if (m->excluded) {
			return;
		}
		trigger(p, now_ms);
		m->fresh = true;
		check_barrier(p, now_ms);
		return;
	}
	if (st->kind == CLUSTER_STATE_CHANGE) {
		trigger(p, now_ms);
	}
	m->fresh = true;
	check_barrier(p, now_ms);
}

static void deliver_phase_msg(struct cluster_proto *p, struct member *m,
			      const struct cluster_msg *msg)
{
	bool released = msg->type == CLUSTER_MSG_RELEASED;
	enum cluster_phase want = released ? CLUSTER_PHASE_RELEASE :
					     CLUSTER_PHASE_TAKE;
	uint32_t pnn = msg->pnn;

	if (msg->round != p->round || p->phase != want ||
	    !p->is_participant[pnn] || p->participant[pnn] != m->id) {
		cluster_out_log(p, DEBUG_DEBUG,
				"ignoring %s of round %" PRIu32
				" from pnn %" PRIu32
				" (we are in round %" PRIu32 ", %s)",
				cluster_msg_type_name(msg->type), msg->round,
				pnn, p->round, cluster_phase_name(p->phase));
		return;
	}
	if (released) {
		m->released = true;
		if (all_participants(p, false)) {
			cluster_out_log(p, DEBUG_INFO,
					"round %" PRIu32 ": taking", p->round);
			p->phase = CLUSTER_PHASE_TAKE;
			assume_assigned_held(p);
		}
		return;
	}
	m->taken = true;
	if (all_participants(p, true)) {
		complete_round(p);
	}
}

static void self_excluded(struct cluster_proto *p, const char *why,
			  uint64_t now_ms)
{
	unsigned i;

	if (p->rejoin_pending) {
		return;
	}
	cluster_out_log(p, DEBUG_WARNING,
			"%s: releasing all public IPs, then rejoining", why);
	p->rejoin_pending = true;
	p->phase = CLUSTER_PHASE_OUT;
	p->why_out = "declared silent; rejoining";
	cluster_action_drop_non_releases(p);
	for (i = 0; i < p->num_members; i++) {
		p->members[i]->last_heard_ms = now_ms;
		p->members[i]->suspect_sent = false;
	}
	cluster_out_view(p);
}

/* -1 for a member whose pnn we do not know yet. */
static int64_t pnn_for_log(uint32_t pnn)
{
	return pnn == CLUSTER_PNN_NONE ? -1 : (int64_t)pnn;
}

static void deliver_suspect(struct cluster_proto *p, struct member *sender,
			    const struct cluster_msg *msg, uint64_t now_ms)
{
	const struct cluster_suspect_msg *sus = &msg->body.suspect;
	struct member *target = cluster_member_find(p, sus->target_member);

	uint32_t target_pnn;

	if (sender->excluded || target == NULL || target->excluded) {
		return;
	}
	target_pnn = cluster_member_agreed_pnn(target);
	if (target_pnn != sus->target_pnn) {
		return;
	}
	if (target->hb_seq > sus->target_seq) {
		cluster_out_log(p, DEBUG_DEBUG,
				"pnn %" PRIu32 " was suspected but has been "
				"heard since: ignored",
				sus->target_pnn);
		return;
	}
	target->excluded = true;
	cluster_out_log(p, DEBUG_NOTICE,
			"pnn %" PRId64 " (member %" PRIx64 ") has been "
			"silent too long (suspected by pnn %" PRIu32
			"): treated as gone",
			pnn_for_log(target_pnn), target->id, msg->pnn);
	if (target->id != p->config.this_member) {
		cluster_grace_start(p, target, now_ms);
	}
	if (target->id == p->config.this_member) {
		self_excluded(p, "the other nodes found this daemon silent",
			      now_ms);
	}
	trigger(p, now_ms);
	check_barrier(p, now_ms);
}

static void mark_foreign(struct cluster_proto *p, struct member *m,
			 const uint8_t *buf, size_t len, int err,
			 uint64_t now_ms)
{
	uint32_t version = 0;
	uint32_t type = 0;
	uint32_t pnn = UINT32_MAX;

	m->foreign = true;
	if (m->foreign_logged) {
		check_barrier(p, now_ms);
		return;
	}
	m->foreign_logged = true;
	if (cluster_msg_peek(buf, len, &version, &type, &pnn) != 0) {
		cluster_out_log(p, DEBUG_WARNING,
				"ignoring member %" PRIx64 ": it sent %zu "
				"bytes that are %s",
				m->id, len, cluster_msg_error_string(err));
	} else {
		cluster_out_log(p, DEBUG_WARNING,
				"ignoring member %" PRIx64
				": its %s message (pnn %" PRIu32
				", version %" PRIu32 ") has %s",
				m->id, cluster_msg_type_name(type), pnn,
				version, cluster_msg_error_string(err));
	}
	check_barrier(p, now_ms);
}

/* Another member's list goes out; ours came back. @return what to free. */
static struct cluster_msg *emit_tickles(struct cluster_proto *p,
					struct cluster_msg *msg)
{
	struct cluster_output *out;

	if (msg->pnn == p->config.this_pnn) {
		return msg;
	}
	out = cluster_out_push(p, CLUSTER_OUT_TICKLES);
	if (out == NULL) {
		return msg;
	}
	out->msg = talloc_steal(out, msg);
	return NULL;
}

void cluster_proto_deliver(struct cluster_proto *p, uint64_t sender,
			   const uint8_t *buf, size_t len, uint64_t now_ms)
{
	struct member *m = cluster_member_find(p, sender);
	struct cluster_msg *msg = NULL;
	int ret;

	if (m == NULL) {
		return; /* sent before a confchg we have not seen: stale */
	}
	m->last_heard_ms = now_ms;
	m->suspect_sent = false;
	ret = cluster_msg_pull(buf, len, p->config.num_nodes, m, &msg);
	if (ret == 0 && p->nodes[msg->pnn] == NULL) {
		talloc_free(msg);
		ret = ERANGE;
	}
	if (ret == 0 && m->synced && msg->type != CLUSTER_MSG_STATE &&
	    cluster_member_pnn(m) != msg->pnn) {
		talloc_free(msg);
		ret = EINVAL;
	}
	if (ret != 0) {
		mark_foreign(p, m, buf, len, ret, now_ms);
		goto done;
	}
	switch (msg->type) {
	case CLUSTER_MSG_STATE:
		deliver_state(p, m, msg, now_ms);
		msg = NULL;
		break;
	case CLUSTER_MSG_HEARTBEAT:
		if (msg->body.heartbeat_seq > m->hb_seq) {
			m->hb_seq = msg->body.heartbeat_seq;
		}
		break;
	case CLUSTER_MSG_RELEASED:
	case CLUSTER_MSG_TAKEN:
		deliver_phase_msg(p, m, msg);
		break;
	case CLUSTER_MSG_SUSPECT:
		deliver_suspect(p, m, msg, now_ms);
		break;
	case CLUSTER_MSG_TICKLES:
		msg = emit_tickles(p, msg);
		break;
	}
	talloc_free(msg);
done:
	progress(p, now_ms);
}

/* ---------- membership, quorum, engine ---------- */

void cluster_proto_confchg(struct cluster_proto *p, const uint64_t *members,
			   unsigned num_members,
			   const struct cluster_proto_left *left,
			   unsigned num_left, bool quorate, uint64_t now_ms)
{
	bool was_quorate = p->quorate;
	int ret;

	ret = cluster_members_rebuild(p, members, num_members, left, num_left,
				      now_ms);
	if (ret != 0) {
		go_out(p, "out of memory", now_ms);
		return;
	}
	p->engine_ok = true;
	p->joined = cluster_member_self(p) != NULL;
	p->quorate = quorate;
	if (!quorate) {
		go_out(p, "the cluster has no quorum", now_ms);
	} else if (!was_quorate) {
		cluster_out_log(p, DEBUG_NOTICE, "the cluster is quorate");
	}
	trigger(p, now_ms);
	cluster_out_view(p);
	check_barrier(p, now_ms);
	progress(p, now_ms);
}

void cluster_proto_quorum(struct cluster_proto *p, bool quorate,
			  uint64_t now_ms)
{
	if (quorate == p->quorate) {
		return;
	}
	p->quorate = quorate;
	if (!quorate) {
		go_out(p, "the cluster has no quorum", now_ms);
	} else {
		cluster_out_log(p, DEBUG_NOTICE, "the cluster is quorate");
		p->change_pending = true;
	}
	cluster_out_view(p);
	progress(p, now_ms);
}

void cluster_proto_engine_lost(struct cluster_proto *p, uint64_t now_ms)
{
	p->engine_ok = false;
	go_out(p, "lost the connection to corosync", now_ms);
	talloc_free(p->members);
	p->members = NULL;
	p->num_members = 0;
	p->joined = false;
	/* Only releases run until the engine is back: OUT sends nothing. */
	progress(p, now_ms);
}

/* ---------- local inputs ---------- */

static bool local_equal(const struct cluster_proto_local *a,
			const struct cluster_proto_local *b)
{
	uint32_t i;

	if (a->flags != b->flags || a->runstate != b->runstate ||
	    a->options != b->options || a->num_public != b->num_public) {
		return false;
	}
	if ((a->reason == NULL) != (b->reason == NULL) ||
	    (a->reason != NULL && strcmp(a->reason, b->reason) != 0)) {
		return false;
	}
	for (i = 0; i < a->num_public; i++) {
		if (strcmp(a->public_ips[i], b->public_ips[i]) != 0) {
			return false;
		}
	}
	return true;
}

/* Refuse what the decoder of the other nodes would refuse. */
static int check_local(const struct cluster_proto_local *local)
{
	struct cluster_msg msg = { .type = CLUSTER_MSG_STATE };
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	msg.body.state.flags = local->flags;
	msg.body.state.runstate = local->runstate;
	msg.body.state.options = local->options;
	msg.body.state.reason = local->reason;
	msg.body.state.num_public = local->num_public;
	msg.body.state.public_ips = discard_const_p(const char *,
						    local->public_ips);
	ret = cluster_msg_marshall(NULL, &msg, &buf, &len);
	talloc_free(buf);
	return ret;
}

static int copy_local(struct cluster_proto *p,
		      const struct cluster_proto_local *local)
{
	const char **ips =
	    cluster_list_copy(p, local->public_ips, local->num_public);
	char *reason = NULL;

	if (ips == NULL) {
		return ENOMEM;
	}
	if (local->reason != NULL) {
		reason = talloc_strdup(p, local->reason);
		if (reason == NULL) {
			talloc_free(ips);
			return ENOMEM;
		}
	}
	talloc_free(discard_const_p(char, p->local.reason));
	talloc_free(discard_const_p(char *, p->local.public_ips));
	p->local = *local;
	p->local.reason = reason;
	p->local.public_ips = ips;
	return 0;
}

int cluster_proto_set_local(struct cluster_proto *p,
			    const struct cluster_proto_local *local,
			    uint64_t now_ms)
{
	int ret;

	if (local_equal(&p->local, local)) {
		return 0;
	}
	ret = check_local(local);
	if (ret == 0) {
		ret = copy_local(p, local);
	}
	if (ret != 0) {
		return ret;
	}
	p->change_pending = true;
	progress(p, now_ms);
	return 0;
}

void cluster_proto_action_done(struct cluster_proto *p, int result,
			       uint64_t now_ms)
{
	const char *arg = p->running.arg;

	if (!p->busy) {
		return;
	}
	p->busy = false;
	switch (p->running.type) {
	case CLUSTER_ACTION_RELEASE_IP:
		if (result == 0) {
			cluster_set_held(p, arg, false);
			break;
		}
		cluster_out_log(p, DEBUG_ERR,
				"releaseip %s failed (%s): it stays here, "
				"retried in %" PRIu32 " ms",
				arg, strerror(result),
				p->config.heartbeat_interval_ms);
		p->release_retry_ms = now_ms + p->config.heartbeat_interval_ms;
		break;
	case CLUSTER_ACTION_TAKE_IP:
		if (result == 0) {
			cluster_set_held(p, arg, true);
			break;
		}
		cluster_out_log(p, DEBUG_ERR,
				"takeip %s failed (%s): it stays unserved "
				"until the next round",
				arg, strerror(result));
		break;
	case CLUSTER_ACTION_EVENT:
		if (result != 0) {
			cluster_out_log(p, DEBUG_WARNING, "event %s failed: %s",
					arg, strerror(result));
		}
		break;
	}
	talloc_free(discard_const_p(char, arg));
	p->running.arg = NULL;
	progress(p, now_ms);
}

int cluster_proto_set_timings(struct cluster_proto *p, uint32_t interval_ms,
			      uint32_t timeout_ms, uint32_t grace_ms)
{
	if (interval_ms == 0 || grace_ms == 0 || timeout_ms <= interval_ms) {
		return EINVAL;
	}
	p->config.heartbeat_interval_ms = interval_ms;
	p->config.heartbeat_timeout_ms = timeout_ms;
	p->config.grace_ms = grace_ms;
	if (p->next_heartbeat_ms > p->last_tick_ms + interval_ms) {
		p->next_heartbeat_ms = p->last_tick_ms + interval_ms;
	}
	return 0;
}

static void check_silence(struct cluster_proto *p, uint64_t now_ms)
{
	unsigned i;

	if (!p->quorate || p->rejoin_pending || !p->joined) {
		return;
	}
	for (i = 0; i < p->num_members; i++) {
		struct member *m = p->members[i];
		struct cluster_msg msg = {
			.type = CLUSTER_MSG_SUSPECT,
			.pnn = p->config.this_pnn,
			.round = p->round,
		};

		if (m->id == p->config.this_member ||
		    m->excluded || m->foreign || m->suspect_sent ||
		    now_ms - m->last_heard_ms <=
			    p->config.heartbeat_timeout_ms) {
			continue;
		}
		m->suspect_sent = true;
		msg.body.suspect.target_pnn = cluster_member_agreed_pnn(m);
		msg.body.suspect.target_member = m->id;
		msg.body.suspect.target_seq = m->hb_seq;
		cluster_out_log(p, DEBUG_WARNING,
				"pnn %" PRId64 " (member %" PRIx64
				") silent for %" PRIu64 " ms: suspecting it",
				pnn_for_log(msg.body.suspect.target_pnn), m->id,
				now_ms - m->last_heard_ms);
		cluster_out_send(p, &msg);
	}
}

void cluster_proto_tick(struct cluster_proto *p, uint64_t now_ms)
{
	uint64_t gap = now_ms - p->last_tick_ms;

	if (p->last_tick_ms != 0 && gap > p->config.heartbeat_timeout_ms &&
	    p->joined) {
		/* We were stopped: the others may have given up on us. */
		self_excluded(p, "this daemon did not run for a while", now_ms);
	}
	p->last_tick_ms = now_ms;
	if (p->joined && p->engine_ok && now_ms >= p->next_heartbeat_ms) {
		struct cluster_msg msg = {
			.type = CLUSTER_MSG_HEARTBEAT,
			.pnn = p->config.this_pnn,
			.round = p->round,
		};

		msg.body.heartbeat_seq = ++p->heartbeat_seq;
		p->next_heartbeat_ms = now_ms + p->config.heartbeat_interval_ms;
		cluster_out_send(p, &msg);
	}
	check_silence(p, now_ms);
	progress(p, now_ms);
}

/* ---------- construction ---------- */

static int check_config(const struct cluster_proto_config *c,
			const char **perr)
{
	uint32_t i;
	uint32_t j;

	if (c->this_pnn >= c->num_nodes || c->nodes[c->this_pnn] == NULL) {
		*perr = "this node's address is not in the nodes file";
		return EINVAL;
	}
	for (i = 0; i < c->num_nodes; i++) {
		for (j = 0; j < i && c->nodes[i] != NULL; j++) {
			if (c->nodes[j] != NULL &&
			    strcmp(c->nodes[i], c->nodes[j]) == 0) {
				*perr = "an address appears twice in the "
					"nodes file";
				return EINVAL;
			}
		}
	}
	if (c->heartbeat_interval_ms == 0 ||
	    c->heartbeat_timeout_ms <= c->heartbeat_interval_ms) {
		*perr = "the heartbeat timeout must exceed its interval";
		return EINVAL;
	}
	return 0;
}

static int copy_nodes(struct cluster_proto *p,
		      const struct cluster_proto_config *config)
{
	uint32_t i;

	p->nodes = talloc_zero_array(p, const char *, config->num_nodes);
	p->participant = talloc_zero_array(p, uint64_t, config->num_nodes);
	p->is_participant = talloc_zero_array(p, bool, config->num_nodes);
	if (p->nodes == NULL || p->participant == NULL ||
	    p->is_participant == NULL) {
		return ENOMEM;
	}
	for (i = 0; i < config->num_nodes; i++) {
		if (config->nodes[i] == NULL) {
			continue;
		}
		p->nodes[i] = talloc_strdup(p->nodes, config->nodes[i]);
		if (p->nodes[i] == NULL) {
			return ENOMEM;
		}
	}
	p->nodes_hash = cluster_nodes_hash(p->nodes, config->num_nodes);
	p->config = *config;
	p->config.nodes = p->nodes;
	return 0;
}

int cluster_proto_new(TALLOC_CTX *mem_ctx,
		      const struct cluster_proto_config *config,
		      const struct cluster_proto_local *local, uint64_t now_ms,
		      struct cluster_proto **pproto, const char **perr)
{
	struct cluster_proto *p;
	int ret;

	*perr = NULL;
	ret = check_config(config, perr);
	if (ret != 0) {
		return ret;
	}
	ret = check_local(local);
	if (ret != 0) {
		*perr = "this node's state cannot be sent (bad address?)";
		return ret;
	}
	p = talloc_zero(mem_ctx, struct cluster_proto);
	if (p == NULL) {
		return ENOMEM;
	}
	ret = copy_nodes(p, config);
	if (ret == 0) {
		ret = copy_local(p, local);
	}
	if (ret != 0) {
		talloc_free(p);
		return ret;
	}
	p->phase = CLUSTER_PHASE_OUT;
	p->why_out = "not connected to the cluster yet";
	p->engine_ok = false;
	p->last_tick_ms = now_ms;
	p->next_heartbeat_ms = now_ms;
	*pproto = p;
	return 0;
}
