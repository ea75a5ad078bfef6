/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who takes part in a round, and which address each participant gets. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/logging.h"
#include "noded/cluster_proto_private.h"
#include "noded/ipalloc.h"
#include "protocol/node_protocol.h"

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

bool cluster_assigned_to_me(const struct cluster_proto *p, const char *ip)
{
	int32_t i = ip_index(p, ip);

	return i >= 0 && p->owner[i] == (int32_t)p->config.this_pnn;
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

		if (!cluster_member_required(p, m) || !m->synced ||
		    cluster_member_pnn(m) != pnn) {
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
			 winner->id, cluster_member_pnn(loser));
		cluster_out_log(p, DEBUG_ERR, "%s", text);
		cluster_out_refused(p, text);
		p->refused = true;
		return;
	}
	cluster_out_log(p, DEBUG_ERR,
			"refusing a second ctdb-noded for pnn %" PRIu32
			" (member %" PRIx64 "); member %" PRIx64 " serves it",
			cluster_member_pnn(loser), loser->id, winner->id);
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
		if (count > best_count ||
		    (count == best_count && i < best_pnn)) {
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
		cluster_out_log(p, DEBUG_ERR,
				"our nodes file (hash %016" PRIx64 ") differs "
				"from the one the other nodes share (hash "
				"%016" PRIx64 "): refusing to take part until "
				"it is the same",
				theirs, good);
		return;
	}
	cluster_out_log(p, DEBUG_ERR,
			"pnn %" PRIu32 " (member %" PRIx64 ") has a "
			"different nodes file (hash %016" PRIx64 ", ours "
			"%016" PRIx64 "): it takes no part",
			cluster_member_pnn(m), m->id, theirs, good);
}

void cluster_choose_participants(struct cluster_proto *p)
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

		if (cluster_member_required(p, m) && m->synced &&
		    winners[cluster_member_pnn(m)] != m) {
			log_refusal(p, m, winners[cluster_member_pnn(m)]);
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

const struct cluster_state_msg *
cluster_participant_state(struct cluster_proto *p, uint32_t pnn)
{
	struct member *m;

	if (!p->is_participant[pnn]) {
		return NULL;
	}
	m = cluster_member_find(p, p->participant[pnn]);
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
		if (p->is_participant[cluster_member_pnn(m)] &&
		    p->participant[cluster_member_pnn(m)] == m->id) {
			continue;
		}
		st = &m->state->body.state;
		if (cluster_list_contains(st->held, st->num_held, ip)) {
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
		const struct cluster_state_msg *st =
		    cluster_participant_state(p, pnn);

		for (i = 0; st != NULL && i < st->num_public; i++) {
			const char **grown;

			if (cluster_list_contains(ips, num,
						  st->public_ips[i])) {
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
		qsort(ips, num, sizeof(ips[0]), cluster_compare_strings);
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
		const struct cluster_state_msg *st =
		    cluster_participant_state(p, pnn);

		if (st != NULL &&
		    cluster_list_contains(st->held, st->num_held, ip)) {
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
		const struct cluster_state_msg *st =
		    cluster_participant_state(p, pnn);

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
		const struct cluster_state_msg *st =
		    cluster_participant_state(p, pnn);

		can_host[pnn] = !blocked && st != NULL &&
				st->runstate == CTDB_RUNSTATE_RUNNING &&
				cluster_list_contains(
				    st->public_ips, st->num_public, p->ips[i]);
	}
	aip->address = p->ips[i];
	aip->current_pnn = current_holder(p, p->ips[i]);
	aip->can_host = can_host;
}

int cluster_compute_allocation(struct cluster_proto *p)
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
