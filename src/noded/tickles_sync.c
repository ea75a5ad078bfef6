/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The tickle lists reach the other nodes (corosync backend): the holder
 * of an address sends its list when it changed, at most once a second;
 * every other member replaces its copy, so whichever node takes the
 * address next can tickle the clients.
 */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "noded/cluster_corosync.h"
#include "noded/noded_private.h"
#include "noded/tickles.h"

/* Changes are gathered for this long: a burst of addtickles is one message. */
#define TICKLES_SYNC_INTERVAL_US 1000000

struct tickles_sync {
	struct noded_context *nctx;
	struct cluster_corosync *cc;
	uint64_t *sent; /* per configured IP: the generation last sent */
};

static void tickles_sync_tick(struct tevent_context *ev,
			      struct tevent_timer *te, struct timeval now,
			      void *private_data);

static void tickles_sync_schedule(struct tickles_sync *ts)
{
	struct tevent_timer *te;

	te = tevent_add_timer(ts->nctx->ev, ts,
			      tevent_timeval_current_ofs(
				      0, TICKLES_SYNC_INTERVAL_US),
			      tickles_sync_tick, ts);
	if (te == NULL) {
		D_ERR("No memory for the tickle list sync: it stops");
	}
}

static void tickles_sync_tick(struct tevent_context *ev,
			      struct tevent_timer *te, struct timeval now,
			      void *private_data)
{
	struct tickles_sync *ts = talloc_get_type_abort(private_data,
							struct tickles_sync);
	struct noded_context *nctx = ts->nctx;
	uint64_t gen;
	unsigned i;

	for (i = 0; i < nctx->ips->num; i++) {
		gen = tickles_generation(nctx->tickles, i);
		if (gen == ts->sent[i] ||
		    !node_state_ip_is_held(nctx->state, i)) {
			continue;
		}
		cluster_corosync_send_tickles(ts->cc, nctx->ips->ip[i].address,
					      tickles_of_ip(nctx->tickles, i));
		ts->sent[i] = gen;
	}
	tickles_sync_schedule(ts);
}

int tickles_sync_start(struct noded_context *nctx,
		       struct cluster_corosync *cc)
{
	struct tickles_sync *ts;

	ts = talloc_zero(nctx, struct tickles_sync);
	if (ts == NULL) {
		return ENOMEM;
	}
	ts->nctx = nctx;
	ts->cc = cc;
	ts->sent = talloc_zero_array(ts, uint64_t, nctx->ips->num + 1);
	if (ts->sent == NULL) {
		talloc_free(ts);
		return ENOMEM;
	}
	tickles_sync_schedule(ts);
	return 0;
}

/* The index of address (canonical text) in our public addresses, or -1. */
static int ip_index(const struct public_ip_list *ips, const char *address)
{
	unsigned i;

	for (i = 0; i < ips->num; i++) {
		if (strcmp(ips->ip[i].address, address) == 0) {
			return (int)i;
		}
	}
	return -1;
}

void tickles_sync_apply(struct noded_context *nctx,
			const struct cluster_tickles_msg *msg)
{
	int ip = ip_index(nctx->ips, msg->address);
	int ret;

	/* Not one of ours (another node's public_addresses), or ours held
	 * here: the holder's list is the one that counts. */
	if (ip < 0 || node_state_ip_is_held(nctx->state, (unsigned)ip)) {
		return;
	}
	ret = tickles_replace(nctx->tickles, (unsigned)ip, msg->list);
	if (ret != 0) {
		D_WARNING("Cannot take the tickle list of %s: %s",
			  msg->address, strerror(ret));
		return;
	}
	D_DEBUG("Tickle list of %s from the cluster: %u connections",
		msg->address, msg->list->num);
}
