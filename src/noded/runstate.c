/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The node's life cycle: INIT, SETUP, STARTUP, RUNNING, SHUTDOWN. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "common/path.h"
#include "common/tevent_unix.h"
#include "noded/noded_private.h"
#include "protocol/node_protocol_api.h"

static void noded_eventd_gone(void *private_data)
{
	struct noded_context *nctx = talloc_get_type_abort(
		private_data, struct noded_context);

	/* The init system restarts us, and with us a fresh event daemon. */
	D_ERR("Event daemon went away - exiting");
	node_state_request_exit(nctx->state, 1, "the event daemon went away");
}

/* An event that must succeed for the node to start at all. */
static bool required_event_ok(struct tevent_req *subreq, const char *event)
{
	const char *failure;

	failure = noded_event_failure(subreq);
	if (failure != NULL) {
		D_ERR("Failed to run %s event: %s", event, failure);
		return false;
	}
	return true;
}

/* ---------- startup: eventd, init, setup, startup ---------- */

struct noded_startup_state {
	struct tevent_context *ev;
	struct noded_context *nctx;
};

static void noded_startup_eventd_done(struct tevent_req *subreq);
static void noded_startup_init_done(struct tevent_req *subreq);
#ifdef HAVE_COROSYNC
static void noded_startup_joined(struct tevent_req *subreq);
#endif
static void noded_startup_setup(struct tevent_req *req);
static void noded_startup_setup_done(struct tevent_req *subreq);
static void noded_startup_run(struct tevent_req *req);
static void noded_startup_done(struct tevent_req *subreq);
static void noded_startup_retry(struct tevent_context *ev,
				struct tevent_timer *te, struct timeval now,
				void *private_data);

static struct tevent_req *noded_startup_send(TALLOC_CTX *mem_ctx,
					     struct tevent_context *ev,
					     struct noded_context *nctx)
{
	struct tevent_req *req;
	struct tevent_req *subreq;
	struct noded_startup_state *state;
	char *sockpath;

	req = tevent_req_create(mem_ctx, &state, struct noded_startup_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->nctx = nctx;
	sockpath = path_socket(state, "eventd");
	if (tevent_req_nomem(sockpath, req)) {
		return tevent_req_post(req, ev);
	}
	subreq = eventd_start_send(state, ev, sockpath);
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, noded_startup_eventd_done, req);
	return req;
}

static void noded_startup_eventd_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct noded_startup_state *state = tevent_req_data(
		req, struct noded_startup_state);
	struct noded_context *nctx = state->nctx;
	char *reason = NULL;
	bool ok;
	int err = 0;
	int ret;

	ok = eventd_start_recv(subreq, &err, nctx, &nctx->eventd, &reason);
	TALLOC_FREE(subreq);
	if (!ok) {
		D_ERR("Failed to initialize event daemon (%s)",
		      reason != NULL ? reason : strerror(err));
		tevent_req_error_unix(req, err);
		return;
	}
	eventd_watch(nctx->eventd, noded_eventd_gone, nctx);
	ret = event_conn_connect(nctx->econn);
	if (ret != 0) {
		D_ERR("Failed to connect to the event daemon: %s",
		      strerror(ret));
		tevent_req_error_unix(req, ret);
		return;
	}

	node_state_set_runstate(nctx->state, CTDB_RUNSTATE_INIT);
	subreq = noded_event_send(state, state->ev, nctx, "init", NULL);
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, noded_startup_init_done, req);
}

static void noded_startup_init_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct noded_startup_state *state = tevent_req_data(
		req, struct noded_startup_state);
	bool ok;

	ok = required_event_ok(subreq, "init");
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_error_unix(req, EIO);
		return;
	}
#ifdef HAVE_COROSYNC
	if (state->nctx->corosync != NULL) {
		subreq = noded_cluster_join_send(state, state->ev,
						 state->nctx);
		if (tevent_req_nomem(subreq, req)) {
			return;
		}
		tevent_req_set_callback(subreq, noded_startup_joined, req);
		return;
	}
#endif
	noded_startup_setup(req);
}

#ifdef HAVE_COROSYNC
/* Leftover addresses are gone and the cluster joined (or joining). */
static void noded_startup_joined(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	int err = 0;
	bool ok;

	ok = noded_cluster_join_recv(subreq, &err);
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_error_unix(req, err);
		return;
	}
	noded_startup_setup(req);
}
#endif

static void noded_startup_setup(struct tevent_req *req)
{
	struct noded_startup_state *state = tevent_req_data(
		req, struct noded_startup_state);
	struct tevent_req *subreq;

	node_state_set_runstate(state->nctx->state, CTDB_RUNSTATE_SETUP);
	subreq = noded_event_send(state, state->ev, state->nctx, "setup", "");
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, noded_startup_setup_done, req);
}

static void noded_startup_setup_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct noded_startup_state *state = tevent_req_data(
		req, struct noded_startup_state);
	bool ok;

	ok = required_event_ok(subreq, "setup");
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_error_unix(req, EIO);
		return;
	}
	/*
	 * ctdbd waits for the first database recovery here
	 * (FIRST_RECOVERY); a standalone node has no databases to recover.
	 */
	node_state_set_runstate(state->nctx->state, CTDB_RUNSTATE_STARTUP);
	noded_startup_run(req);
}

static void noded_startup_run(struct tevent_req *req)
{
	struct noded_startup_state *state = tevent_req_data(
		req, struct noded_startup_state);
	struct tevent_req *subreq;

	subreq = noded_event_send(state, state->ev, state->nctx, "startup",
				  "");
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, noded_startup_done, req);
}

static void noded_startup_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct noded_startup_state *state = tevent_req_data(
		req, struct noded_startup_state);
	struct noded_context *nctx = state->nctx;
	struct tevent_timer *te;
	uint32_t retry;
	const char *failure;

	failure = noded_event_failure(subreq);
	TALLOC_FREE(subreq);
	if (failure == NULL) {
		D_NOTICE("startup event OK - enabling monitoring");
		node_state_set_runstate(nctx->state, CTDB_RUNSTATE_RUNNING);
		tevent_req_done(req);
		return;
	}
	retry = nctx->tunables.value[TUNABLE_STARTUP_RETRY_INTERVAL];
	D_ERR("startup event failed (%s), retrying in %u seconds", failure,
	      retry);
	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(retry, 0),
			      noded_startup_retry, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}

static void noded_startup_retry(struct tevent_context *ev,
				struct tevent_timer *te, struct timeval now,
				void *private_data)
{
	struct tevent_req *req = talloc_get_type_abort(private_data,
						       struct tevent_req);

	noded_startup_run(req);
}

static bool noded_startup_recv(struct tevent_req *req, int *perr)
{
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	return !failed;
}

/* ---------- the life cycle ---------- */

/*
 * RUNNING (set when startup succeeded): monitoring starts here; the
 * observers of the runstate do the rest (readiness, the startup hook, the
 * first takeover run).
 */
static void noded_running(struct noded_context *nctx)
{
	nctx->monitor = monitor_start(nctx, nctx);
	if (nctx->monitor == NULL) {
		D_ERR("Cannot start monitoring: out of memory");
		node_state_request_exit(nctx->state, 1, "out of memory");
	}
}

static void noded_lifecycle_done(struct tevent_req *subreq)
{
	struct noded_context *nctx = tevent_req_callback_data(
		subreq, struct noded_context);
	bool ok;
	int err = 0;

	ok = noded_startup_recv(subreq, &err);
	TALLOC_FREE(subreq);
	nctx->startup = NULL;
	if (!ok) {
		/* What failed is logged where it failed. */
		node_state_request_exit(nctx->state, 1, "startup failed");
		return;
	}
	noded_running(nctx);
}

static void noded_lifecycle_begin(struct tevent_context *ev,
				  struct tevent_immediate *im,
				  void *private_data)
{
	struct noded_context *nctx = talloc_get_type_abort(
		private_data, struct noded_context);

	talloc_free(im);
	nctx->startup = noded_startup_send(nctx, ev, nctx);
	if (nctx->startup == NULL) {
		D_ERR("Cannot start: out of memory");
		node_state_request_exit(nctx->state, 1, "out of memory");
		return;
	}
	tevent_req_set_callback(nctx->startup, noded_lifecycle_done, nctx);
}

int noded_lifecycle_start(struct noded_context *nctx)
{
	struct tevent_immediate *im;

	/* From inside the loop, once the pidfile and socket exist. */
	im = tevent_create_immediate(nctx);
	if (im == NULL) {
		return ENOMEM;
	}
	tevent_schedule_immediate(im, nctx->ev, noded_lifecycle_begin, nctx);
	return 0;
}

/* ---------- shutdown ---------- */

struct noded_shutdown_state {
	struct tevent_context *ev;
	struct noded_context *nctx;
};

static void noded_shutdown_released(struct tevent_req *subreq);
static void noded_shutdown_event_done(struct tevent_req *subreq);
static void noded_shutdown_hooks_done(struct tevent_req *subreq);
static void noded_shutdown_stop_eventd(struct tevent_req *req);
static void noded_shutdown_eventd_stopped(struct tevent_req *subreq);

struct tevent_req *noded_shutdown_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       struct noded_context *nctx)
{
	struct tevent_req *req;
	struct tevent_req *subreq;
	struct noded_shutdown_state *state;

	req = tevent_req_create(mem_ctx, &state, struct noded_shutdown_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->nctx = nctx;

	/* Whatever the startup was waiting for is no longer wanted. */
	TALLOC_FREE(nctx->startup);
	node_state_set_runstate(nctx->state, CTDB_RUNSTATE_SHUTDOWN);
	TALLOC_FREE(nctx->monitor);

	/* Without an event daemon (it failed to start) no event can run. */
	if (node_state_exiting(nctx->state) || nctx->eventd == NULL) {
		bool in_progress;

		noded_shutdown_stop_eventd(req);
		in_progress = tevent_req_is_in_progress(req);
		if (!in_progress) {
			return tevent_req_post(req, ev);
		}
		return req;
	}
	/* Samba's ctdbd leaves the IPs configured; we release them first. */
	subreq = takeover_release_all_send(state, ev, nctx->takeover);
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, noded_shutdown_released, req);
	return req;
}

static void noded_shutdown_released(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct noded_shutdown_state *state = tevent_req_data(
		req, struct noded_shutdown_state);
	bool ok;
	int err = 0;

	ok = takeover_release_all_recv(subreq, &err);
	TALLOC_FREE(subreq);
	if (!ok) {
		D_ERR("Failed to release the public IPs: %s", strerror(err));
	}
	subreq = noded_event_send(state, state->ev, state->nctx, "shutdown",
				  NULL);
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, noded_shutdown_event_done, req);
}

static void noded_shutdown_event_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct noded_shutdown_state *state = tevent_req_data(
		req, struct noded_shutdown_state);
	const char *failure;

	failure = noded_event_failure(subreq);
	TALLOC_FREE(subreq);
	if (failure != NULL) {
		/* As ctdbd: noted, and the shutdown goes on. */
		D_ERR("shutdown event failed: %s", failure);
	}
	/* The shutdown hook comes last; the hooks get a bounded time. */
	node_state_announce(state->nctx->state, "shutdown",
			    "ctdb-noded is stopping");
	subreq = hooks_drain_send(state, state->ev, state->nctx->hooks);
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, noded_shutdown_hooks_done, req);
}

static void noded_shutdown_hooks_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	int err = 0;

	(void)hooks_drain_recv(subreq, &err);
	TALLOC_FREE(subreq);
	noded_shutdown_stop_eventd(req);
}

static void noded_shutdown_stop_eventd(struct tevent_req *req)
{
	struct noded_shutdown_state *state = tevent_req_data(
		req, struct noded_shutdown_state);
	struct tevent_req *subreq;

	hooks_close(state->nctx->hooks);
	event_conn_close(state->nctx->econn);
	if (state->nctx->eventd == NULL) {
		tevent_req_done(req);
		return;
	}
	subreq = eventd_stop_send(state, state->ev, state->nctx->eventd);
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, noded_shutdown_eventd_stopped, req);
}

static void noded_shutdown_eventd_stopped(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	bool ok;
	int err = 0;

	ok = eventd_stop_recv(subreq, &err);
	TALLOC_FREE(subreq);
	if (!ok) {
		D_ERR("Failed to stop the event daemon: %s", strerror(err));
	}
	tevent_req_done(req);
}

bool noded_shutdown_recv(struct tevent_req *req, int *perr)
{
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	return !failed;
}
