/* SPDX-License-Identifier: GPL-3.0-or-later */
/* This node's side: what it holds, the grace it waits out, what it runs. */
#include <stdlib.h>
#include <string.h>

#include "noded/cluster_proto_private.h"

bool cluster_holds(const struct cluster_proto *p, const char *ip)
{
	return cluster_list_contains(p->held, p->num_held, ip);
}

void cluster_set_held(struct cluster_proto *p, const char *ip, bool held)
{
	const char **grown;
	uint32_t i;

	if (held == cluster_holds(p, ip)) {
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
		      cluster_compare_strings);
	}
}

bool cluster_grace_active(const struct cluster_proto *p,
			  const char *ip,
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
void cluster_grace_start(struct cluster_proto *p,
			 const struct member *m,
			 uint64_t now_ms)
{
	uint32_t i;

	for (i = 0; i < m->num_known_held; i++) {
		add_grace(p, m->known_held[i], now_ms + p->config.grace_ms);
	}
}

void cluster_action_queue(struct cluster_proto *p,
			  enum cluster_action_type type,
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
void cluster_action_drop_non_releases(struct cluster_proto *p)
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

void cluster_action_start_next(struct cluster_proto *p)
{
	struct cluster_output *out;

	p->running = p->queue[0];
	talloc_steal(p, discard_const_p(char, p->running.arg));
	p->queue_len--;
	memmove(p->queue, p->queue + 1, p->queue_len * sizeof(p->queue[0]));
	p->busy = true;
	out = cluster_out_push(p, CLUSTER_OUT_ACTION);
	if (out == NULL) {
		return;
	}
	out->action = p->running.type;
	out->arg = talloc_strdup(out, p->running.arg);
}
