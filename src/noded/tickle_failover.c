/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Clients that notice a failover at once: the connections registered for
 * an address are reset on the node that releases it, and tickled from
 * the node that takes it (announce.c calls tickle_failover_tickle()).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/logging.h"
#include "common/net_killtcp.h"
#include "common/net_raw.h"
#include "noded/noded_private.h"
#include "noded/tickles.h"

/* The resets of one released address, until done or out of attempts. */
struct kill_run {
	struct tickle_failover *tf;
	unsigned ip;
	struct net_killtcp k;
	int fd;
	struct tevent_fd *fde;
	unsigned attempts;
};

struct tickle_failover {
	struct noded_context *nctx;
	struct kill_run **running; /* one per configured IP, or NULL */
};

struct tickle_failover *tickle_failover_new(TALLOC_CTX *mem_ctx,
					    struct noded_context *nctx)
{
	struct tickle_failover *tf;

	tf = talloc_zero(mem_ctx, struct tickle_failover);
	if (tf == NULL) {
		return NULL;
	}
	tf->nctx = nctx;
	tf->running = talloc_zero_array(tf, struct kill_run *,
					nctx->ips->num + 1);
	if (tf->running == NULL) {
		talloc_free(tf);
		return NULL;
	}
	return tf;
}

unsigned tickle_failover_tickle(struct noded_context *nctx, unsigned ip)
{
	const struct ctdb_tickle_list *list;
	unsigned sent = 0;
	uint32_t i;
	int ret;

	if (nctx->tickles == NULL) {
		return 0;
	}
	list = tickles_of_ip(nctx->tickles, ip);
	for (i = 0; i < list->num; i++) {
		ret = net_send_tickle(&list->conn[i].dst, &list->conn[i].src);
		if (ret == 0) {
			sent++;
		}
	}
	return sent;
}

static int kill_run_destructor(struct kill_run *r)
{
	TALLOC_FREE(r->fde);
	if (r->fd != -1) {
		close(r->fd);
	}
	net_killtcp_free(&r->k);
	return 0;
}

static void kill_run_end(struct kill_run *r)
{
	struct tickle_failover *tf = r->tf;
	const char *address = tf->nctx->ips->ip[r->ip].address;
	size_t left = net_killtcp_remaining(&r->k);
	unsigned ip = r->ip;

	D_NOTICE("Killed %zu/%zu TCP connections to released IP %s",
		 r->k.n - left, r->k.n, address);
	TALLOC_FREE(tf->running[ip]);
}

static void kill_run_readable(struct tevent_context *ev,
			      struct tevent_fd *fde, uint16_t flags,
			      void *private_data)
{
	struct kill_run *r = talloc_get_type_abort(private_data,
						   struct kill_run);

	net_killtcp_read(&r->k, r->fd);
	if (net_killtcp_remaining(&r->k) == 0) {
		kill_run_end(r);
	}
}

static void kill_run_round(struct tevent_context *ev, struct tevent_timer *te,
			   struct timeval now, void *private_data)
{
	struct kill_run *r = talloc_get_type_abort(private_data,
						   struct kill_run);
	struct tevent_timer *next;

	if (r->attempts >= NET_KILLTCP_ATTEMPTS ||
	    net_killtcp_tickle(&r->k) == 0) {
		kill_run_end(r);
		return;
	}
	r->attempts++;
	next = tevent_add_timer(ev, r,
				tevent_timeval_current_ofs(
					0, NET_KILLTCP_ROUND_MS * 1000),
				kill_run_round, r);
	if (next == NULL) {
		kill_run_end(r);
	}
}

/* Both directions of every connection registered for ip. */
static int kill_run_fill(struct kill_run *r, const struct ctdb_tickle_list *l)
{
	uint32_t i;
	int ret;

	for (i = 0; i < l->num; i++) {
		ret = net_killtcp_add(&r->k, &l->conn[i].src, &l->conn[i].dst);
		if (ret == 0) {
			ret = net_killtcp_add(&r->k, &l->conn[i].dst,
					      &l->conn[i].src);
		}
		if (ret != 0) {
			return ret;
		}
	}
	return 0;
}

static void kill_start(struct tickle_failover *tf, unsigned ip)
{
	struct noded_context *nctx = tf->nctx;
	const struct public_ip *pip = &nctx->ips->ip[ip];
	const struct ctdb_tickle_list *list = tickles_of_ip(nctx->tickles, ip);
	struct kill_run *r;
	int ret;

	if (list->num == 0) {
		return;
	}
	r = talloc_zero(tf->running, struct kill_run);
	if (r == NULL) {
		D_WARNING("No memory to reset connections to %s", pip->address);
		return;
	}
	r->tf = tf;
	r->ip = ip;
	r->fd = -1;
	net_killtcp_init(&r->k);
	talloc_set_destructor(r, kill_run_destructor);
	tf->running[ip] = r;
	ret = kill_run_fill(r, list);
	r->fd = ret == 0 ? net_killtcp_capture_open(pip->ifaces[0]) : -1;
	if (r->fd == -1) {
		D_WARNING("Cannot reset connections to released IP %s on %s: "
			  "%s", pip->address, pip->ifaces[0],
			  strerror(ret != 0 ? ret : errno));
		TALLOC_FREE(tf->running[ip]);
		return;
	}
	r->fde = tevent_add_fd(nctx->ev, r, r->fd, TEVENT_FD_READ,
			       kill_run_readable, r);
	if (r->fde == NULL) {
		TALLOC_FREE(tf->running[ip]);
		return;
	}
	kill_run_round(nctx->ev, NULL, tevent_timeval_current(), r);
}

void tickle_failover_observer(const struct node_state_change *c,
			      void *private_data)
{
	struct tickle_failover *tf = talloc_get_type_abort(
		private_data, struct tickle_failover);

	if (c->what != NODE_STATE_IP || c->ip >= tf->nctx->ips->num) {
		return;
	}
	/* Taken again: what is under way would reset our own clients. */
	TALLOC_FREE(tf->running[c->ip]);
	if (!c->ip_held) {
		kill_start(tf, c->ip);
	}
}
