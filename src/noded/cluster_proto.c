/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The leaderless takeover protocol: barrier, allocation, release and take phases. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/logging.h"
#include "noded/cluster_proto.h"
#include "noded/ipalloc.h"
#include "protocol/cluster_protocol.h"
#include "protocol/node_protocol.h"

/* talloc hands out const strings we own and later free or pass on. */
#define discard_const_p(type, ptr) ((type *)(uintptr_t)(ptr))

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

/*
 * What a member is to the protocol must be the same on every node, and a
 * node only knows what was delivered since it joined. So everything
 * learnt from the stream (synced, foreign, excluded, hb_seq) is forgotten
 * at every configuration change, where every member of the new
 * configuration stands at the same point of the stream (see
 * forget_stream_facts). Without that, a node that rejoined after a
 * partition and one that never left judged the same SUSPECT differently
 * and their rounds parted for good.
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

/* ---------- outputs ---------- */

static struct cluster_output *push_output(struct cluster_proto *p,
					  enum cluster_output_type type)
{
	struct cluster_output **grown;
	struct cluster_output *out;

	grown = talloc_realloc(p, p->outputs, struct cluster_output *,
			       p->num_outputs + 1);
	if (grown == NULL) {
		return NULL;
	}
	p->outputs = grown;
	out = talloc_zero(p->outputs, struct cluster_output);
	if (out == NULL) {
		return NULL;
	}
	out->type = type;
	p->outputs[p->num_outputs++] = out;
	return out;
}

static void emit_log(struct cluster_proto *p, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void emit_log(struct cluster_proto *p, int level, const char *fmt, ...)
{
	struct cluster_output *out = push_output(p, CLUSTER_OUT_LOG);
	va_list ap;

	if (out == NULL) {
		return;
	}
	out->level = level;
	va_start(ap, fmt);
	out->text = talloc_vasprintf(out, fmt, ap);
	va_end(ap);
}

static void emit_view(struct cluster_proto *p)
{
	push_output(p, CLUSTER_OUT_VIEW);
}

static void emit_refused(struct cluster_proto *p, const char *text)
{
	struct cluster_output *out = push_output(p, CLUSTER_OUT_REFUSED);

	if (out != NULL) {
		out->text = talloc_strdup(out, text);
	}
}

static void emit_send(struct cluster_proto *p, const struct cluster_msg *msg)
{
	struct cluster_output *out = push_output(p, CLUSTER_OUT_SEND);
	int ret;

	if (out == NULL) {
		return;
	}
	ret = cluster_msg_marshall(out, msg, &out->buf, &out->len);
	if (ret != 0) {
		/* Our own state was checked in set_local: only ENOMEM. */
		out->type = CLUSTER_OUT_LOG;
		out->level = DEBUG_ERR;
		out->text = talloc_asprintf(out, "cannot encode a %s message: %s",
					    cluster_msg_type_name(msg->type),
					    strerror(ret));
	}
}

bool cluster_proto_pop(struct cluster_proto *p, TALLOC_CTX *mem_ctx,
		       struct cluster_output **pout)
{
	if (p->num_outputs == 0) {
		return false;
	}
	*pout = talloc_steal(mem_ctx, p->outputs[0]);
	p->num_outputs--;
	memmove(p->outputs, p->outputs + 1,
		p->num_outputs * sizeof(p->outputs[0]));
	return true;
}

/* ---------- small helpers ---------- */

static int compare_strings(const void *a, const void *b)
{
	const char *const *sa = a;
	const char *const *sb = b;

	return strcmp(*sa, *sb);
}

static bool list_contains(const char *const *list, uint32_t num,
			  const char *s)
{
	uint32_t i;

	for (i = 0; i < num; i++) {
		if (strcmp(list[i], s) == 0) {
			return true;
		}
	}
	return false;
}

static const char **copy_list(TALLOC_CTX *mem_ctx, const char *const *list,
			      uint32_t num)
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

static bool holds(const struct cluster_proto *p, const char *ip)
{
	return list_contains(p->held, p->num_held, ip);
}

static void set_held(struct cluster_proto *p, const char *ip, bool held)
{
	const char **grown;
	uint32_t i;

	if (held == holds(p, ip)) {
		return;
	}
	if (!held) {
		for (i = 0; i < p->num_held; i++) {
			if (strcmp(p->held[i], ip) == 0) {
				talloc_free(discard_const_p(char, p->held[i]));
				p->held[i] = p->held[p->num_held - 1];
				p->num_held--;
				break;
			}
		}
	} else {
		grown = talloc_realloc(p, p->held, const char *,
				       p->num_held + 1);
		if (grown == NULL) {
			return;
		}
		p->held = grown;
		p->held[p->num_held] = talloc_strdup(p->held, ip);
		if (p->held[p->num_held] == NULL) {
			return;
		}
		p->num_held++;
	}
	if (p->num_held > 0) {
		qsort(p->held, p->num_held, sizeof(p->held[0]),
		      compare_strings);
	}
}

static struct member *find_member(struct cluster_proto *p, uint64_t id)
{
	unsigned i;

	for (i = 0; i < p->num_members; i++) {
		if (p->members[i]->id == id) {
			return p->members[i];
		}
	}
	return NULL;
}

static struct member *self_member(struct cluster_proto *p)
{
	return find_member(p, p->config.this_member);
}

static uint32_t member_pnn(const struct member *m)
{
	return m->state->pnn;
}

/* The pnn every member agrees m has: none before its STATE since the confchg. */
static uint32_t agreed_pnn(const struct member *m)
{
	return m->synced ? member_pnn(m) : CLUSTER_PNN_NONE;
}

static int32_t ip_index(const struct cluster_proto *p, const char *ip)
{
	uint32_t i;

	for (i = 0; i < p->num_ips; i++) {
		if (strcmp(p->ips[i], ip) == 0) {
			return (int32_t)i;
		}
	}
	return -1;
}

static bool assigned_to_me(const struct cluster_proto *p, const char *ip)
{
	int32_t i = ip_index(p, ip);

	return i >= 0 && p->owner[i] == (int32_t)p->config.this_pnn;
}

static bool in_grace(const struct cluster_proto *p, const char *ip,
		     uint64_t now_ms)
{
	unsigned i;

	for (i = 0; i < p->num_grace; i++) {
		if (strcmp(p->grace[i].ip, ip) == 0 &&
		    now_ms < p->grace[i].until_ms) {
			return true;
		}
	}
	return false;
}

static void add_grace(struct cluster_proto *p, const char *ip,
		      uint64_t until_ms)
{
	struct grace_entry *grown;
	unsigned i;

	for (i = 0; i < p->num_grace; i++) {
		if (strcmp(p->grace[i].ip, ip) == 0) {
			if (p->grace[i].until_ms < until_ms) {
				p->grace[i].until_ms = until_ms;
			}
			return;
		}
	}
	grown = talloc_realloc(p, p->grace, struct grace_entry,
			       p->num_grace + 1);
	if (grown == NULL) {
		return;
	}
	p->grace = grown;
	p->grace[p->num_grace].ip = talloc_strdup(p->grace, ip);
	p->grace[p->num_grace].until_ms = until_ms;
	p->num_grace++;
}

/* A vanished holder may still have its IPs configured: wait before taking. */
static void start_grace(struct cluster_proto *p, const struct member *m,
			uint64_t now_ms)
{
	uint32_t i;

	for (i = 0; i < m->num_known_held; i++) {
		add_grace(p, m->known_held[i], now_ms + p->config.grace_ms);
	}
}

static void set_known_held(struct member *m, const char *const *list,
			   uint32_t num)
{
	const char **copy = copy_list(m, list, num);

	if (copy == NULL) {
		return;
	}
	talloc_free(m->known_held);
	m->known_held = copy;
	m->num_known_held = num;
}

/* ---------- actions ---------- */

static void queue_action(struct cluster_proto *p, enum cluster_action_type type,
			 const char *arg)
{
	struct pending_action *grown;
	unsigned i;

	for (i = 0; i < p->queue_len; i++) {
		if (p->queue[i].type == type &&
		    strcmp(p->queue[i].arg, arg) == 0) {
			return;
		}
	}
	if (p->busy && p->running.type == type &&
	    strcmp(p->running.arg, arg) == 0 &&
	    type != CLUSTER_ACTION_EVENT) {
		return;
	}
	grown = talloc_realloc(p, p->queue, struct pending_action,
			       p->queue_len + 1);
	if (grown == NULL) {
		return;
	}
	p->queue = grown;
	p->queue[p->queue_len].type = type;
	p->queue[p->queue_len].arg = talloc_strdup(p->queue, arg);
	p->queue_len++;
}

/* A new trigger: takes and events of the old round must not happen. */
static void drop_queued_non_releases(struct cluster_proto *p)
{
	unsigned i;
	unsigned kept = 0;

	for (i = 0; i < p->queue_len; i++) {
		if (p->queue[i].type == CLUSTER_ACTION_RELEASE_IP) {
			p->queue[kept++] = p->queue[i];
		} else {
			talloc_free(discard_const_p(char, p->queue[i].arg));
		}
	}
	p->queue_len = kept;
}

static void start_next_action(struct cluster_proto *p)
{
	struct cluster_output *out;

	p->running = p->queue[0];
	talloc_steal(p, discard_const_p(char, p->running.arg));
	p->queue_len--;
	memmove(p->queue, p->queue + 1, p->queue_len * sizeof(p->queue[0]));
	p->busy = true;
	out = push_output(p, CLUSTER_OUT_ACTION);
	if (out == NULL) {
		return;
	}
	out->action = p->running.type;
	out->arg = talloc_strdup(out, p->running.arg);
}

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
	return !assigned_to_me(p, ip);
}

static void queue_releases(struct cluster_proto *p, uint64_t now_ms)
{
	uint32_t i;

	if (now_ms < p->release_retry_ms) {
		return;
	}
	for (i = 0; i < p->num_held; i++) {
		if (should_release(p, p->held[i])) {
			queue_action(p, CLUSTER_ACTION_RELEASE_IP, p->held[i]);
		}
	}
}

/* ---------- messages we send ---------- */

/* Another member's list goes out; ours came back. @return what to free. */
static struct cluster_msg *emit_tickles(struct cluster_proto *p,
					struct cluster_msg *msg)
{
	struct cluster_output *out;

	if (msg->pnn == p->config.this_pnn) {
		return msg;
	}
	out = push_output(p, CLUSTER_OUT_TICKLES);
	if (out == NULL) {
		return msg;
	}
	out->msg = talloc_steal(out, msg);
	return NULL;
}

void cluster_proto_send_tickles(struct cluster_proto *p, const char *address,
				const struct ctdb_tickle_list *list)
{
	struct cluster_msg msg = {
		.type = CLUSTER_MSG_TICKLES,
		.pnn = p->config.this_pnn,
		.round = p->round,
		.body.tickles.address = address,
		.body.tickles.list = (struct ctdb_tickle_list *)(uintptr_t)list,
	};

	emit_send(p, &msg);
}

static void send_simple(struct cluster_proto *p, enum cluster_msg_type type)
{
	struct cluster_msg msg = {
		.type = type,
		.pnn = p->config.this_pnn,
		.round = p->round,
	};

	emit_send(p, &msg);
}

static void send_state(struct cluster_proto *p, enum cluster_state_kind kind)
{
	struct cluster_msg msg = {
		.type = CLUSTER_MSG_STATE,
		.pnn = p->config.this_pnn,
		.round = p->round,
	};
	struct cluster_state_msg *st = &msg.body.state;

	st->kind = kind;
	st->flags = p->local.flags;
	st->runstate = p->local.runstate;
	st->options = p->local.options;
	st->joined_round = p->joined_round;
	st->nodes_hash = p->nodes_hash;
	st->reason = p->local.reason;
	st->num_held = p->num_held;
	st->held = p->num_held > 0 ? p->held : NULL;
	st->num_public = p->local.num_public;
	st->public_ips = discard_const_p(const char *, p->local.public_ips);
	if (st->num_public == 0) {
		st->public_ips = NULL;
	}
	emit_send(p, &msg);
}

/* ---------- the driver: what to do next when nothing runs ---------- */

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
		    p->take_tried[i] || holds(p, p->ips[i])) {
			continue;
		}
		if (in_grace(p, p->ips[i], now_ms)) {
			*waiting = true;
			continue;
		}
		p->take_tried[i] = true;
		queue_action(p, CLUSTER_ACTION_TAKE_IP, p->ips[i]);
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
			send_state(p, CLUSTER_STATE_SYNC);
		}
		break;
	case CLUSTER_PHASE_RELEASE:
		if (!p->released_sent && !must_release_more(p)) {
			p->released_sent = true;
			send_simple(p, CLUSTER_MSG_RELEASED);
		}
		break;
	case CLUSTER_PHASE_TAKE:
		if (take_pending(p, now_ms, &waiting)) {
			start_next_action(p);
			return;
		}
		if (!waiting && !p->taken_sent) {
			p->taken_sent = true;
			send_simple(p, CLUSTER_MSG_TAKEN);
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
		start_next_action(p);
		return;
	}
	if (p->num_held > 0 && releasing_everything(p)) {
		return; /* a release failed: retried after release_retry_ms */
	}
	if (p->rejoin_pending && p->joined && p->quorate) {
		p->rejoin_pending = false;
		p->change_pending = false;
		p->announce_release = false;
		emit_log(p, DEBUG_NOTICE,
			 "all public IPs released: rejoining the cluster");
		send_state(p, CLUSTER_STATE_CHANGE);
		return;
	}
	if (p->phase == CLUSTER_PHASE_OUT || p->rejoin_pending) {
		/* Quorum is back (no confchg of ours said so): tell all. */
		if (p->phase == CLUSTER_PHASE_OUT && !p->rejoin_pending &&
		    p->change_pending && p->quorate && p->joined &&
		    p->engine_ok) {
			p->change_pending = false;
			send_state(p, CLUSTER_STATE_CHANGE);
		}
		return;
	}
	if (p->phase == CLUSTER_PHASE_PASSIVE) {
		/* Tell the others, so the addresses we held can move. */
		if (p->announce_release) {
			p->announce_release = false;
			send_state(p, CLUSTER_STATE_CHANGE);
		}
		return;
	}
	if (p->change_pending && !p->refused) {
		p->change_pending = false;
		send_state(p, CLUSTER_STATE_CHANGE);
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
	drop_queued_non_releases(p);
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
		emit_log(p, DEBUG_NOTICE, "taking no part in the cluster: %s%s",
			 why, had_ips ? "; releasing all public IPs" : "");
	}
	p->phase = CLUSTER_PHASE_OUT;
	p->why_out = why;
	drop_queued_non_releases(p);
	emit_view(p);
}

static bool member_is_required(const struct cluster_proto *p,
			       const struct member *m)
{
	return !m->foreign && !m->excluded;
}

/* The member that keeps pnn among those claiming it: the oldest. */
static bool member_beats(const struct member *a, const struct member *b)
{
	uint32_t ja = a->state->body.state.joined_round;
	uint32_t jb = b->state->body.state.joined_round;

	if ((ja != 0) != (jb != 0)) {
		return ja != 0;
	}
	if (ja != jb) {
		return ja < jb;
	}
	return a->id < b->id;
}

static struct member *pnn_winner(struct cluster_proto *p, uint32_t pnn)
{
	struct member *best = NULL;
	unsigned i;

	for (i = 0; i < p->num_members; i++) {
		struct member *m = p->members[i];

		if (!member_is_required(p, m) || !m->synced ||
		    member_pnn(m) != pnn) {
			continue;
		}
		if (best == NULL || member_beats(m, best)) {
			best = m;
		}
	}
	return best;
}

static void log_refusal(struct cluster_proto *p, struct member *loser,
			struct member *winner)
{
	char text[200];

	if (loser->refusal_logged) {
		return;
	}
	loser->refusal_logged = true;
	if (loser->id == p->config.this_member) {
		snprintf(text, sizeof(text),
			 "another ctdb-noded (member %" PRIx64 ") already "
			 "serves pnn %" PRIu32 ": refusing to take part",
			 winner->id, member_pnn(loser));
		emit_log(p, DEBUG_ERR, "%s", text);
		emit_refused(p, text);
		p->refused = true;
		return;
	}
	emit_log(p, DEBUG_ERR,
		 "refusing a second ctdb-noded for pnn %" PRIu32
		 " (member %" PRIx64 "); member %" PRIx64 " serves it",
		 member_pnn(loser), loser->id, winner->id);
}

/* The nodes file most participants share; ties go to the lowest pnn. */
static uint64_t winning_hash(struct cluster_proto *p, struct member **winners)
{
	uint64_t best = 0;
	unsigned best_count = 0;
	uint32_t best_pnn = UINT32_MAX;
	uint32_t i;
	uint32_t j;

	for (i = 0; i < p->config.num_nodes; i++) {
		uint64_t h;
		unsigned count = 0;

		if (winners[i] == NULL) {
			continue;
		}
		h = winners[i]->state->body.state.nodes_hash;
		for (j = 0; j < p->config.num_nodes; j++) {
			if (winners[j] != NULL &&
			    winners[j]->state->body.state.nodes_hash == h) {
				count++;
			}
		}
		if (count > best_count || (count == best_count && i < best_pnn)) {
			best = h;
			best_count = count;
			best_pnn = i;
		}
	}
	return best;
}

static void log_mismatch(struct cluster_proto *p, struct member *m,
			 uint64_t good)
{
	uint64_t theirs = m->state->body.state.nodes_hash;

	if (m->mismatch_logged) {
		return;
	}
	m->mismatch_logged = true;
	if (m->id == p->config.this_member) {
		emit_log(p, DEBUG_ERR,
			 "our nodes file (hash %016" PRIx64 ") differs from "
			 "the one the other nodes share (hash %016" PRIx64
			 "): refusing to take part until it is the same",
			 theirs, good);
		return;
	}
	emit_log(p, DEBUG_ERR,
		 "pnn %" PRIu32 " (member %" PRIx64 ") has a different nodes "
		 "file (hash %016" PRIx64 ", ours %016" PRIx64
		 "): it takes no part", member_pnn(m), m->id, theirs, good);
}

static void choose_participants(struct cluster_proto *p)
{
	struct member **winners;
	uint64_t good;
	uint32_t pnn;
	unsigned i;

	winners = talloc_zero_array(p, struct member *, p->config.num_nodes);
	if (winners == NULL) {
		return;
	}
	for (pnn = 0; pnn < p->config.num_nodes; pnn++) {
		winners[pnn] = pnn_winner(p, pnn);
	}
	for (i = 0; i < p->num_members; i++) {
		struct member *m = p->members[i];

		if (member_is_required(p, m) && m->synced &&
		    winners[member_pnn(m)] != m) {
			log_refusal(p, m, winners[member_pnn(m)]);
		}
	}
	good = winning_hash(p, winners);
	for (pnn = 0; pnn < p->config.num_nodes; pnn++) {
		struct member *m = winners[pnn];

		p->is_participant[pnn] = false;
		p->participant[pnn] = 0;
		if (m == NULL) {
			continue;
		}
		if (m->state->body.state.nodes_hash != good) {
			log_mismatch(p, m, good);
			continue;
		}
		p->is_participant[pnn] = true;
		p->participant[pnn] = m->id;
	}
	talloc_free(winners);
}

static const struct cluster_state_msg *participant_state(
	struct cluster_proto *p, uint32_t pnn)
{
	struct member *m;

	if (!p->is_participant[pnn]) {
		return NULL;
	}
	m = find_member(p, p->participant[pnn]);
	if (m == NULL || m->state == NULL) {
		return NULL;
	}
	return &m->state->body.state;
}

/* An address some member outside the round still says it holds. */
static bool held_outside_round(struct cluster_proto *p, const char *ip)
{
	unsigned i;

	for (i = 0; i < p->num_members; i++) {
		struct member *m = p->members[i];
		const struct cluster_state_msg *st;

		if (!m->synced || m->excluded || m->foreign) {
			continue;
		}
		if (p->is_participant[member_pnn(m)] &&
		    p->participant[member_pnn(m)] == m->id) {
			continue;
		}
		st = &m->state->body.state;
		if (list_contains(st->held, st->num_held, ip)) {
			return true;
		}
	}
	return false;
}

static int collect_ips(struct cluster_proto *p)
{
	const char **ips = NULL;
	uint32_t num = 0;
	uint32_t pnn;
	uint32_t i;

	for (pnn = 0; pnn < p->config.num_nodes; pnn++) {
		const struct cluster_state_msg *st = participant_state(p, pnn);

		for (i = 0; st != NULL && i < st->num_public; i++) {
			const char **grown;

			if (list_contains(ips, num, st->public_ips[i])) {
				continue;
			}
			grown = talloc_realloc(p, ips, const char *, num + 1);
			if (grown == NULL) {
				talloc_free(ips);
				return ENOMEM;
			}
			ips = grown;
			ips[num] = talloc_strdup(ips, st->public_ips[i]);
			num++;
		}
	}
	if (num > 0) {
		qsort(ips, num, sizeof(ips[0]), compare_strings);
	}
	talloc_free(p->ips);
	p->ips = ips;
	p->num_ips = num;
	return 0;
}

static int32_t current_holder(struct cluster_proto *p, const char *ip)
{
	uint32_t pnn;

	for (pnn = 0; pnn < p->config.num_nodes; pnn++) {
		const struct cluster_state_msg *st = participant_state(p, pnn);

		if (st != NULL && list_contains(st->held, st->num_held, ip)) {
			return (int32_t)pnn;
		}
	}
	return -1;
}

static void fill_alloc_nodes(struct cluster_proto *p,
			     struct ipalloc_node *nodes,
			     struct ipalloc_options *opts)
{
	bool opts_set = false;
	uint32_t pnn;

	for (pnn = 0; pnn < p->config.num_nodes; pnn++) {
		const struct cluster_state_msg *st = participant_state(p, pnn);

		nodes[pnn].pnn = pnn;
		if (p->nodes[pnn] == NULL) {
			nodes[pnn].flags = CTDB_NODE_FLAGS_DELETED;
			continue;
		}
		if (st == NULL) {
			nodes[pnn].flags = CTDB_NODE_FLAGS_DISCONNECTED;
			continue;
		}
		nodes[pnn].flags = st->flags;
		nodes[pnn].no_ip_takeover =
			(st->options & CLUSTER_OPT_NO_IP_TAKEOVER) != 0;
		if (!opts_set) {
			/* The lowest pnn decides the cluster-wide options. */
			opts_set = true;
			opts->no_ip_failback =
				(st->options & CLUSTER_OPT_NO_IP_FAILBACK) != 0;
			opts->no_ip_host_on_all_disabled =
				(st->options &
				 CLUSTER_OPT_NO_IP_HOST_ON_ALL_DISABLED) != 0;
		}
	}
}

static void fill_can_host(struct cluster_proto *p, struct ipalloc_ip *aip,
			  bool *can_host, uint32_t i)
{
	bool blocked = held_outside_round(p, p->ips[i]);
	uint32_t pnn;

	for (pnn = 0; pnn < p->config.num_nodes; pnn++) {
		const struct cluster_state_msg *st = participant_state(p, pnn);

		can_host[pnn] = !blocked && st != NULL &&
				st->runstate == CTDB_RUNSTATE_RUNNING &&
				list_contains(st->public_ips, st->num_public,
					      p->ips[i]);
	}
	aip->address = p->ips[i];
	aip->current_pnn = current_holder(p, p->ips[i]);
	aip->can_host = can_host;
}

static int compute_allocation(struct cluster_proto *p)
{
	TALLOC_CTX *tmp = talloc_new(p);
	struct ipalloc_node *nodes;
	struct ipalloc_ip *aips;
	struct ipalloc_options opts = { 0 };
	int32_t *owner = NULL;
	uint32_t i;
	int ret;

	ret = collect_ips(p);
	if (ret != 0 || tmp == NULL) {
		talloc_free(tmp);
		return ENOMEM;
	}
	nodes = talloc_zero_array(tmp, struct ipalloc_node,
				  p->config.num_nodes);
	aips = talloc_zero_array(tmp, struct ipalloc_ip, p->num_ips + 1);
	if (nodes == NULL || aips == NULL) {
		talloc_free(tmp);
		return ENOMEM;
	}
	fill_alloc_nodes(p, nodes, &opts);
	for (i = 0; i < p->num_ips; i++) {
		bool *can_host = talloc_zero_array(tmp, bool,
						   p->config.num_nodes);

		if (can_host == NULL) {
			talloc_free(tmp);
			return ENOMEM;
		}
		fill_can_host(p, &aips[i], can_host, i);
	}
	ret = ipalloc(p, nodes, p->config.num_nodes, aips, p->num_ips, &opts,
		      &owner);
	talloc_free(tmp);
	if (ret != 0) {
		return ret;
	}
	talloc_free(p->owner);
	p->owner = owner;
	talloc_free(p->take_tried);
	p->take_tried = talloc_zero_array(p, bool, p->num_ips + 1);
	return p->take_tried == NULL ? ENOMEM : 0;
}

static uint32_t next_round(struct cluster_proto *p)
{
	uint32_t max = p->round;
	unsigned i;

	for (i = 0; i < p->num_members; i++) {
		struct member *m = p->members[i];

		if (member_is_required(p, m) && m->synced &&
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

	choose_participants(p);
	p->round = next_round(p);
	reset_round_marks(p);
	if (p->refused) {
		p->phase = CLUSTER_PHASE_PASSIVE;
		p->why_out = "another ctdb-noded serves this pnn";
		p->announce_release = p->num_held > 0;
		emit_view(p);
		return;
	}
	if (!p->is_participant[me] ||
	    p->participant[me] != p->config.this_member) {
		p->phase = CLUSTER_PHASE_PASSIVE;
		p->why_out = "our nodes file differs from the other nodes'";
		p->announce_release = p->num_held > 0;
		emit_view(p);
		return;
	}
	ret = compute_allocation(p);
	if (ret != 0) {
		go_out(p, "out of memory computing the allocation", now_ms);
		return;
	}
	emit_log(p, DEBUG_INFO, "round %" PRIu32 ": releasing", p->round);
	p->phase = CLUSTER_PHASE_RELEASE;
	queue_action(p, CLUSTER_ACTION_EVENT, "startrecovery");
	queue_releases(p, now_ms);
	emit_view(p);
}

static void check_barrier(struct cluster_proto *p, uint64_t now_ms)
{
	unsigned i;

	if (p->phase != CLUSTER_PHASE_SYNC) {
		return;
	}
	for (i = 0; i < p->num_members; i++) {
		struct member *m = p->members[i];

		if (member_is_required(p, m) && !m->fresh) {
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
		m = find_member(p, p->participant[pnn]);
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
		m = find_member(p, p->participant[pnn]);
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
		set_known_held(m, mine, n);
		talloc_free(mine);
	}
}

static void complete_round(struct cluster_proto *p)
{
	if (p->joined_round == 0) {
		p->joined_round = p->round;
	}
	p->phase = CLUSTER_PHASE_IDLE;
	queue_action(p, CLUSTER_ACTION_EVENT, "recovered");
	queue_action(p, CLUSTER_ACTION_EVENT, "ipreallocated");
	emit_log(p, DEBUG_INFO, "round %" PRIu32 ": complete", p->round);
	emit_view(p);
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
		emit_log(p, DEBUG_NOTICE,
			 "pnn %" PRIu32 " is back but still holds %" PRIu32
			 " public IPs: it stays out until it has released "
			 "them", member_pnn(m), st->num_held);
		return;
	}
	m->excluded = false;
	emit_log(p, DEBUG_NOTICE, "pnn %" PRIu32 " rejoins the cluster",
		 member_pnn(m));
}

static void deliver_state(struct cluster_proto *p, struct member *m,
			  struct cluster_msg *msg, uint64_t now_ms)
{
	const struct cluster_state_msg *st = &msg->body.state;

	talloc_free(m->state);
	m->state = talloc_steal(m, msg);
	m->synced = true;
	set_known_held(m, st->held, st->num_held);
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
		emit_log(p, DEBUG_DEBUG,
			 "ignoring %s of round %" PRIu32 " from pnn %" PRIu32
			 " (we are in round %" PRIu32 ", %s)",
			 cluster_msg_type_name(msg->type), msg->round, pnn,
			 p->round, cluster_phase_name(p->phase));
		return;
	}
	if (released) {
		m->released = true;
		if (all_participants(p, false)) {
			emit_log(p, DEBUG_INFO, "round %" PRIu32 ": taking",
				 p->round);
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
	emit_log(p, DEBUG_WARNING, "%s: releasing all public IPs, then "
		 "rejoining", why);
	p->rejoin_pending = true;
	p->phase = CLUSTER_PHASE_OUT;
	p->why_out = "declared silent; rejoining";
	drop_queued_non_releases(p);
	for (i = 0; i < p->num_members; i++) {
		p->members[i]->last_heard_ms = now_ms;
		p->members[i]->suspect_sent = false;
	}
	emit_view(p);
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
	struct member *target = find_member(p, sus->target_member);

	uint32_t target_pnn;

	if (sender->excluded || target == NULL || target->excluded) {
		return;
	}
	target_pnn = agreed_pnn(target);
	if (target_pnn != sus->target_pnn) {
		return;
	}
	if (target->hb_seq > sus->target_seq) {
		emit_log(p, DEBUG_DEBUG,
			 "pnn %" PRIu32 " was suspected but has been heard "
			 "since: ignored", sus->target_pnn);
		return;
	}
	target->excluded = true;
	emit_log(p, DEBUG_NOTICE,
		 "pnn %" PRId64 " (member %" PRIx64 ") has been silent too "
		 "long (suspected by pnn %" PRIu32 "): treated as gone",
		 pnn_for_log(target_pnn), target->id, msg->pnn);
	if (target->id != p->config.this_member) {
		start_grace(p, target, now_ms);
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
		emit_log(p, DEBUG_WARNING,
			 "ignoring member %" PRIx64 ": it sent %zu bytes that "
			 "are %s", m->id, len, cluster_msg_error_string(err));
	} else {
		emit_log(p, DEBUG_WARNING,
			 "ignoring member %" PRIx64 ": its %s message (pnn %"
			 PRIu32 ", version %" PRIu32 ") has %s", m->id,
			 cluster_msg_type_name(type), pnn, version,
			 cluster_msg_error_string(err));
	}
	check_barrier(p, now_ms);
}

void cluster_proto_deliver(struct cluster_proto *p, uint64_t sender,
			   const uint8_t *buf, size_t len, uint64_t now_ms)
{
	struct member *m = find_member(p, sender);
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
	    member_pnn(m) != msg->pnn) {
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
	emit_log(p, DEBUG_NOTICE, "pnn %" PRIu32 " (member %" PRIx64
		 ") left the cluster: %s", member_pnn(m), m->id,
		 leave_reason_name(reason));
	/*
	 * Only a vanished node may still have its addresses configured. A
	 * process that died or left has no corosync problem: its node's
	 * daemon is gone (kill -9) or released before leaving.
	 */
	if (reason == CLUSTER_LEFT_NODEDOWN && !m->excluded) {
		start_grace(p, m, now_ms);
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

/* See struct member: the new configuration starts from the same facts everywhere. */
static void forget_stream_facts(struct member *m, uint64_t now_ms)
{
	m->synced = false;
	m->foreign = false;
	m->excluded = false;
	m->hb_seq = 0;
	m->suspect_sent = false;
	m->last_heard_ms = now_ms;
}

static int rebuild_members(struct cluster_proto *p, const uint64_t *members,
			   unsigned num_members,
			   const struct cluster_proto_left *left,
			   unsigned num_left, uint64_t now_ms)
{
	struct member **next;
	unsigned i;

	next = talloc_zero_array(p, struct member *, num_members + 1);
	if (next == NULL) {
		return ENOMEM;
	}
	for (i = 0; i < num_members; i++) {
		struct member *m = find_member(p, members[i]);

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

void cluster_proto_confchg(struct cluster_proto *p, const uint64_t *members,
			   unsigned num_members,
			   const struct cluster_proto_left *left,
			   unsigned num_left, bool quorate, uint64_t now_ms)
{
	bool was_quorate = p->quorate;
	int ret;

	ret = rebuild_members(p, members, num_members, left, num_left,
			      now_ms);
	if (ret != 0) {
		go_out(p, "out of memory", now_ms);
		return;
	}
	p->engine_ok = true;
	p->joined = self_member(p) != NULL;
	p->quorate = quorate;
	if (!quorate) {
		go_out(p, "the cluster has no quorum", now_ms);
	} else if (!was_quorate) {
		emit_log(p, DEBUG_NOTICE, "the cluster is quorate");
	}
	trigger(p, now_ms);
	emit_view(p);
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
		emit_log(p, DEBUG_NOTICE, "the cluster is quorate");
		p->change_pending = true;
	}
	emit_view(p);
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
	/* Only releases run until the engine is back (progress sends nothing while OUT). */
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
	const char **ips = copy_list(p, local->public_ips, local->num_public);
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
			set_held(p, arg, false);
			break;
		}
		emit_log(p, DEBUG_ERR, "releaseip %s failed (%s): it stays "
			 "here, retried in %" PRIu32 " ms", arg,
			 strerror(result), p->config.heartbeat_interval_ms);
		p->release_retry_ms = now_ms + p->config.heartbeat_interval_ms;
		break;
	case CLUSTER_ACTION_TAKE_IP:
		if (result == 0) {
			set_held(p, arg, true);
			break;
		}
		emit_log(p, DEBUG_ERR, "takeip %s failed (%s): it stays "
			 "unserved until the next round", arg,
			 strerror(result));
		break;
	case CLUSTER_ACTION_EVENT:
		if (result != 0) {
			emit_log(p, DEBUG_WARNING, "event %s failed: %s", arg,
				 strerror(result));
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
		msg.body.suspect.target_pnn = agreed_pnn(m);
		msg.body.suspect.target_member = m->id;
		msg.body.suspect.target_seq = m->hb_seq;
		emit_log(p, DEBUG_WARNING, "pnn %" PRId64 " (member %" PRIx64
			 ") silent for %" PRIu64 " ms: suspecting it",
			 pnn_for_log(msg.body.suspect.target_pnn), m->id,
			 now_ms - m->last_heard_ms);
		emit_send(p, &msg);
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
		emit_send(p, &msg);
	}
	check_silence(p, now_ms);
	progress(p, now_ms);
}

/* ---------- construction and the view ---------- */

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
	return participant_state(discard_const_p(struct cluster_proto, p),
				 pnn);
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
	return holds(p, address);
}
