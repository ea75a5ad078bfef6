/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The monitor loop: run `monitor` periodically and turn results into health. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "common/tevent_unix.h"
#include "noded/noded_private.h"

/*
 * ctdbd's timing (ctdb_monitor.c): the first monitor 2 s after startup;
 * after each one the next comes next_interval seconds later and
 * next_interval doubles, capped at MonitorInterval, which is read each
 * time so `ctdb setvar` takes effect at the next monitor. A health change
 * or a failure to launch resets next_interval to 5 s. Rounds are skipped
 * (no event, no doubling) unless the node is RUNNING and not STOPPED.
 *
 * Everything (timer, event in flight) is a talloc child of the
 * monitor_context, so freeing it stops monitoring at once.
 */
struct monitor_context {
	struct noded_context *nctx;
	struct monitor_interval interval;
	struct health_state health; /* results in a row */
};

static void monitor_schedule(struct monitor_context *m, uint32_t seconds);

/* ---------- the schedule, pure ---------- */

void monitor_interval_init(struct monitor_interval *mi)
{
	mi->next = NODED_MONITOR_FIRST_INTERVAL;
}

void monitor_interval_reset(struct monitor_interval *mi)
{
	mi->next = NODED_MONITOR_RESET_INTERVAL;
}

uint32_t monitor_interval_take(struct monitor_interval *mi, uint32_t max)
{
	uint32_t wait = mi->next;

	if (max < 1) {
		max = 1;
	}
	mi->next = wait * 2 > max ? max : wait * 2;
	return wait;
}

/* ---------- one round: the event, and why health dropped ---------- */

struct monitor_result {
	int result;                  /* the event daemon's reply */
	enum health_verdict verdict;
	bool timeout_limit;          /* MonitorTimeoutCount reached */
	char *reason;                /* when the node becomes UNHEALTHY */
};

struct monitor_round_state {
	struct tevent_context *ev;
	struct noded_context *nctx;
	struct health_state *health;
	struct monitor_result r;
};

static void monitor_round_event_done(struct tevent_req *subreq);
static void monitor_round_status_done(struct tevent_req *subreq);

static struct tevent_req *monitor_round_send(TALLOC_CTX *mem_ctx,
					     struct tevent_context *ev,
					     struct noded_context *nctx,
					     struct health_state *health)
{
	struct tevent_req *req;
	struct tevent_req *subreq;
	struct monitor_round_state *state;

	req = tevent_req_create(mem_ctx, &state, struct monitor_round_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->nctx = nctx;
	state->health = health;
	subreq = noded_event_send(state, ev, nctx, "monitor", "");
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, monitor_round_event_done, req);
	return req;
}

static void monitor_round_event_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct monitor_round_state *state = tevent_req_data(
		req, struct monitor_round_state);
	struct noded_context *nctx = state->nctx;
	bool unhealthy;
	bool ok;
	int err = 0;

	ok = noded_event_recv(subreq, &err, &state->r.result);
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_error_unix(req, err);
		return;
	}
	unhealthy = node_state_unhealthy(nctx->state);
	state->r.verdict = health_monitor_result(
		state->health, &nctx->tunables, unhealthy, state->r.result,
		&state->r.timeout_limit);
	if (state->r.verdict != HEALTH_BECOMES_UNHEALTHY &&
	    state->r.verdict != HEALTH_STAYS_UNHEALTHY) {
		tevent_req_done(req);
		return;
	}
	/* Say why: the stored status names the failing script. */
	subreq = noded_event_status_send(state, state->ev, nctx, "monitor");
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, monitor_round_status_done, req);
}

static void monitor_round_status_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct monitor_round_state *state = tevent_req_data(
		req, struct monitor_round_state);
	struct ctdb_event_reply_status *status = NULL;
	bool ok;
	int result = 0;
	int err = 0;

	ok = noded_event_status_recv(subreq, &err, &result, state, &status);
	TALLOC_FREE(subreq);
	if (!ok || result != 0) {
		/* The health change stands; only the detail is missing. */
		status = NULL;
	}
	state->r.reason = health_reason(state, state->r.result, status);
	if (tevent_req_nomem(state->r.reason, req)) {
		return;
	}
	tevent_req_done(req);
}

static bool monitor_round_recv(struct tevent_req *req, int *perr,
			       TALLOC_CTX *mem_ctx, struct monitor_result *out)
{
	struct monitor_round_state *state = tevent_req_data(
		req, struct monitor_round_state);
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	if (failed) {
		return false;
	}
	*out = state->r;
	out->reason = talloc_steal(mem_ctx, state->r.reason);
	return true;
}

/* ---------- the loop ---------- */

static void monitor_apply(struct monitor_context *m,
			  const struct monitor_result *round)
{
	struct noded_context *nctx = m->nctx;

	if (round->result == ECANCELED) {
		D_INFO("Monitoring event was cancelled");
		return;
	}
	if (round->timeout_limit) {
		D_ERR("Maximum monitor timeout count %u reached. "
		      "Making node unhealthy",
		      nctx->tunables.value[TUNABLE_MONITOR_TIMEOUT_COUNT]);
	} else if (round->result == ETIMEDOUT) {
		D_WARNING("monitor event timed out (%u in a row), "
			  "pretending it is OK",
			  m->health.timeouts);
	}
	switch (round->verdict) {
	case HEALTH_NO_CHANGE:
		return;
	case HEALTH_BECOMES_UNHEALTHY:
		node_state_add_flags(nctx->state, CTDB_NODE_FLAGS_UNHEALTHY,
				     round->reason);
		break;
	case HEALTH_BECOMES_HEALTHY:
		node_state_clear_flags(nctx->state, CTDB_NODE_FLAGS_UNHEALTHY,
				       "monitor event OK");
		break;
	case HEALTH_STAYS_UNHEALTHY:
		/* Not a health change: the interval goes on doubling. */
		(void)node_state_set_reason(nctx->state, round->reason);
		return;
	}
	monitor_interval_reset(&m->interval);
}

static void monitor_round_done(struct tevent_req *subreq)
{
	struct monitor_context *m = tevent_req_callback_data(
		subreq, struct monitor_context);
	struct monitor_result round;
	uint32_t max;
	bool ok;
	int err = 0;

	ok = monitor_round_recv(subreq, &err, m, &round);
	TALLOC_FREE(subreq);
	if (!ok) {
		D_ERR("Unable to launch monitor event script: %s",
		      strerror(err));
		monitor_interval_reset(&m->interval);
		monitor_schedule(m, NODED_MONITOR_RESET_INTERVAL);
		return;
	}
	monitor_apply(m, &round);
	talloc_free(round.reason);

	max = m->nctx->tunables.value[TUNABLE_MONITOR_INTERVAL];
	monitor_schedule(m, monitor_interval_take(&m->interval, max));
}

static void monitor_timer(struct tevent_context *ev, struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct monitor_context *m = talloc_get_type_abort(
		private_data, struct monitor_context);
	struct noded_context *nctx = m->nctx;
	struct tevent_req *subreq;

	if (!node_state_active(nctx->state)) {
		D_DEBUG("Skipping monitor event: node %s",
			node_state_name(node_state_flags(nctx->state)));
		monitor_schedule(m, m->interval.next);
		return;
	}
	subreq = monitor_round_send(m, ev, nctx, &m->health);
	if (subreq == NULL) {
		D_ERR("Unable to launch monitor event script: out of memory");
		monitor_interval_reset(&m->interval);
		monitor_schedule(m, NODED_MONITOR_RESET_INTERVAL);
		return;
	}
	tevent_req_set_callback(subreq, monitor_round_done, m);
}

static void monitor_schedule(struct monitor_context *m, uint32_t seconds)
{
	struct tevent_timer *te;

	te = tevent_add_timer(m->nctx->ev, m,
			      tevent_timeval_current_ofs(seconds, 0),
			      monitor_timer, m);
	if (te == NULL) {
		/* Without a timer the node would silently stop monitoring. */
		D_ERR("Cannot schedule the next monitor event: out of memory");
		node_state_request_exit(m->nctx->state, 1,
					"monitoring cannot go on");
	}
}

struct monitor_context *monitor_start(TALLOC_CTX *mem_ctx,
				      struct noded_context *nctx)
{
	struct monitor_context *m;

	m = talloc_zero(mem_ctx, struct monitor_context);
	if (m == NULL) {
		return NULL;
	}
	m->nctx = nctx;
	monitor_interval_init(&m->interval);
	monitor_schedule(m, m->interval.next);
	return m;
}
