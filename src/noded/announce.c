/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Announcing a taken public address to the neighbours, as CTDB does. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "common/net_raw.h"
#include "noded/noded_private.h"

/*
 * After a takeip, clients and routers still map the address to the old
 * node's hardware address: a few gratuitous ARPs (or unsolicited
 * neighbour advertisements) correct their caches at once instead of
 * after their timeouts. One round now, then ANNOUNCE_ROUNDS - 1 more.
 */
#define ANNOUNCE_ROUNDS 3
#define ANNOUNCE_INTERVAL_US 1100000

struct announce_ip {
	struct announce_context *actx;
	unsigned ip; /* index in the configured list */
	unsigned sent;
};

struct announce_context {
	struct noded_context *nctx;
	/* One per configured IP, NULL when not announcing it. */
	struct announce_ip **running;
};

struct announce_context *announce_new(TALLOC_CTX *mem_ctx,
				      struct noded_context *nctx)
{
	struct announce_context *actx;

	actx = talloc_zero(mem_ctx, struct announce_context);
	if (actx == NULL) {
		return NULL;
	}
	actx->nctx = nctx;
	actx->running = talloc_zero_array(actx, struct announce_ip *,
					  nctx->ips->num + 1);
	if (actx->running == NULL) {
		talloc_free(actx);
		return NULL;
	}
	return actx;
}

static void announce_round(struct tevent_context *ev, struct tevent_timer *te,
			   struct timeval now, void *private_data);

/* The rounds for a end: a is freed (read what it knows first). */
static void announce_end(struct announce_ip *a)
{
	struct announce_context *actx = a->actx;
	unsigned ip = a->ip;

	TALLOC_FREE(actx->running[ip]);
}

/* Send one round; schedule the next, or end. */
static void announce_send(struct announce_ip *a)
{
	struct noded_context *nctx = a->actx->nctx;
	const struct public_ip *ip = &nctx->ips->ip[a->ip];
	struct tevent_timer *te;
	int ret;

	ret = net_announce(ip->ifaces[0], ip->address);
	/* The clients of the address learn that their connections died. */
	(void)tickle_failover_tickle(nctx, a->ip);
	a->sent++;
	if (ret != 0) {
		/* Once per takeip: the next rounds would fail the same way. */
		D_WARNING("Failed to announce IP %s on %s: %s", ip->address,
			  ip->ifaces[0], strerror(ret));
		announce_end(a);
		return;
	}
	if (a->sent >= ANNOUNCE_ROUNDS) {
		announce_end(a);
		return;
	}
	te = tevent_add_timer(nctx->ev, a,
			      tevent_timeval_current_ofs(
				      0, ANNOUNCE_INTERVAL_US),
			      announce_round, a);
	if (te == NULL) {
		announce_end(a);
	}
}

static void announce_round(struct tevent_context *ev, struct tevent_timer *te,
			   struct timeval now, void *private_data)
{
	announce_send(talloc_get_type_abort(private_data, struct announce_ip));
}

void announce_observer(const struct node_state_change *c, void *private_data)
{
	struct announce_context *actx = talloc_get_type_abort(
		private_data, struct announce_context);
	struct announce_ip *a;

	if (c->what != NODE_STATE_IP || c->ip >= actx->nctx->ips->num) {
		return;
	}
	/* Released, or taken again: the rounds under way stop. */
	TALLOC_FREE(actx->running[c->ip]);
	if (!c->ip_held) {
		return;
	}
	a = talloc_zero(actx->running, struct announce_ip);
	if (a == NULL) {
		D_WARNING("No memory to announce IP %s",
			  actx->nctx->ips->ip[c->ip].address);
		return;
	}
	a->actx = actx;
	a->ip = c->ip;
	actx->running[c->ip] = a;
	announce_send(a);
}

unsigned announce_rounds_left(const struct announce_context *actx,
			      unsigned ip)
{
	const struct announce_ip *a;

	if (ip >= actx->nctx->ips->num) {
		return 0;
	}
	a = actx->running[ip];
	return a == NULL ? 0 : ANNOUNCE_ROUNDS - a->sent;
}
