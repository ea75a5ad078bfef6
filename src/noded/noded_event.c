/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one place where ctdb-noded sends events to the event daemon. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "common/tevent_unix.h"
#include "noded/noded_private.h"

/*
 * The events ctdbd sends, with the number of words its arguments must
 * have, and whether a timeout counts as success ("Ignoring hung script").
 */
static const struct noded_event_def {
	const char *name;
	unsigned nargs;
	bool hung_is_ok;
} noded_events[] = {
	{ "init", 0, false },
	{ "setup", 0, false },
	{ "startup", 0, false },
	{ "monitor", 0, false },
	{ "startrecovery", 0, true },
	{ "recovered", 0, true },
	{ "takeip", 3, true },
	{ "releaseip", 3, true },
	{ "updateip", 4, false },
	{ "ipreallocated", 0, false },
	{ "stopped", 0, false },
	{ "shutdown", 0, false },
};

static const struct noded_event_def *noded_event_find(const char *event)
{
	size_t i;

	for (i = 0; i < sizeof(noded_events) / sizeof(noded_events[0]); i++) {
		if (strcmp(noded_events[i].name, event) == 0) {
			return &noded_events[i];
		}
	}
	return NULL;
}

/* Words separated by spaces or tabs, as ctdbd counts them. */
static unsigned count_words(const char *args)
{
	unsigned n = 0;
	bool in_word = false;
	const char *p;

	if (args == NULL) {
		return 0;
	}
	for (p = args; *p != '\0'; p++) {
		bool sep = (*p == ' ' || *p == '\t');

		if (!sep && !in_word) {
			n += 1;
		}
		in_word = !sep;
	}
	return n;
}

const char *noded_event_result_string(int result)
{
	switch (result) {
	case 0:
		return "OK";
	case ENOEXEC:
		return "a script failed";
	case ETIMEDOUT:
		return "timed out";
	case ECANCELED:
		return "cancelled";
	case ENOENT:
		return "no event directory";
	}
	return strerror(result);
}

/* ---------- RUN ---------- */

struct noded_event_state {
	const struct noded_event_def *def;
	int result;
};

static void noded_event_done(struct tevent_req *subreq);

struct tevent_req *noded_event_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct noded_context *nctx,
				    const char *event, const char *args)
{
	struct tevent_req *req;
	struct tevent_req *subreq;
	struct noded_event_state *state;
	struct ctdb_event_request_run run;
	struct ctdb_event_client *client = NULL;
	unsigned nargs;
	int ret;

	req = tevent_req_create(mem_ctx, &state, struct noded_event_state);
	if (req == NULL) {
		return NULL;
	}
	state->def = noded_event_find(event);
	nargs = count_words(args);
	if (state->def == NULL || state->def->nargs != nargs) {
		D_ERR("Bad event script arguments '%s' for '%s'",
		      args != NULL ? args : "(null)", event);
		tevent_req_error_unix(req, EINVAL);
		return tevent_req_post(req, ev);
	}
	ret = event_conn_client(nctx->econn, &client);
	if (ret != 0) {
		tevent_req_error_unix(req, ret);
		return tevent_req_post(req, ev);
	}

	run = (struct ctdb_event_request_run) {
		.component = NODED_EVENT_COMPONENT,
		.event = event,
		.args = args,
		.timeout = nctx->tunables.value[TUNABLE_EVENT_SCRIPT_TIMEOUT],
		.flags = 0,
	};
	D_DEBUG("Running event %s with args '%s'", event,
		args != NULL ? args : "(null)");
	subreq = ctdb_event_run_send(state, ev, client, &run);
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, noded_event_done, req);
	return req;
}

static void noded_event_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct noded_event_state *state = tevent_req_data(
		req, struct noded_event_state);
	bool ok;
	int err = 0;

	ok = ctdb_event_run_recv(subreq, &err, &state->result);
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_error_unix(req, err);
		return;
	}
	D_DEBUG("Event %s finished, result=%d", state->def->name,
		state->result);
	if (state->result == ETIMEDOUT && state->def->hung_is_ok) {
		D_WARNING("Ignoring hung script for %s event",
			  state->def->name);
		state->result = 0;
	}
	tevent_req_done(req);
}

bool noded_event_recv(struct tevent_req *req, int *perr, int *result)
{
	struct noded_event_state *state = tevent_req_data(
		req, struct noded_event_state);
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	if (failed) {
		return false;
	}
	*result = state->result;
	return true;
}

/* ---------- STATUS ---------- */

struct noded_event_status_state {
	int result;
	struct ctdb_event_reply_status *status;
};

static void noded_event_status_done(struct tevent_req *subreq);

struct tevent_req *noded_event_status_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct noded_context *nctx,
					   const char *event)
{
	struct tevent_req *req;
	struct tevent_req *subreq;
	struct noded_event_status_state *state;
	struct ctdb_event_request_status request = {
		.component = NODED_EVENT_COMPONENT,
		.event = event,
	};
	struct ctdb_event_client *client = NULL;
	int ret;

	req = tevent_req_create(mem_ctx, &state,
				struct noded_event_status_state);
	if (req == NULL) {
		return NULL;
	}
	ret = event_conn_client(nctx->econn, &client);
	if (ret != 0) {
		tevent_req_error_unix(req, ret);
		return tevent_req_post(req, ev);
	}
	subreq = ctdb_event_status_send(state, ev, client, &request);
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, noded_event_status_done, req);
	return req;
}

static void noded_event_status_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct noded_event_status_state *state = tevent_req_data(
		req, struct noded_event_status_state);
	bool ok;
	int err = 0;

	ok = ctdb_event_status_recv(subreq, &err, &state->result, state,
				    &state->status);
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_error_unix(req, err);
		return;
	}
	tevent_req_done(req);
}

bool noded_event_status_recv(struct tevent_req *req, int *perr, int *result,
			     TALLOC_CTX *mem_ctx,
			     struct ctdb_event_reply_status **status)
{
	struct noded_event_status_state *state = tevent_req_data(
		req, struct noded_event_status_state);
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	if (failed) {
		return false;
	}
	*result = state->result;
	*status = talloc_steal(mem_ctx, state->status);
	return true;
}
