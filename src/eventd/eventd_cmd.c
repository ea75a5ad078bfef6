/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-eventd command handlers: CTDB's three commands and our extensions. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/logging.h"
#include "common/path.h"
#include "common/tevent_unix.h"
#include "eventd/eventd_metrics.h"
#include "eventd/eventd_private.h"
#include "scriptdir/script_dir.h"
#include "protocol/event_json.h"
#include "protocol/event_protocol_api.h"
#include "protocol/watch_protocol.h"
#include "server/srv_conn.h"

/*
 * Requests are small (a RUN_INPUT carries at most CTDB_EVENT_INPUT_MAX
 * bytes of input besides); anything bigger is garbage or an attack.
 */
#define EVENTD_MAX_REQUEST (64 * 1024 + CTDB_EVENT_INPUT_MAX)

/*
 * A HISTORY reply holds every kept run's outputs. Past this (half of what
 * our client accepts) it is refused with EMSGSIZE rather than sent.
 */
#define EVENTD_MAX_HISTORY_REPLY (128U * 1024U * 1024U)

struct eventd_component {
	struct eventd_component *next;
	char *name;
	struct run_event_context *rctx;
};

/*
 * One request. It belongs to the daemon, not to the client (srv_conn): if
 * the client goes away a RUN still completes and its status is kept, so
 * a half-done takeip is never abandoned; only the reply is dropped.
 */
struct eventd_request_state {
	struct eventd_context *ectx;
	struct ctdb_event_reply reply; /* cmd echoed; result, data */
	/* RUN and RUN_INPUT */
	struct run_event_context *rctx;
	const char *component; /* the component outlives its runs */
	char *event;
};

struct eventd_context *eventd_context_new(TALLOC_CTX *mem_ctx,
					  struct tevent_context *ev,
					  struct eventd_config *config)
{
	struct eventd_context *ectx;

	ectx = talloc_zero(mem_ctx, struct eventd_context);
	if (ectx == NULL) {
		return NULL;
	}
	ectx->ev = ev;
	ectx->config = config;
	ectx->opts.debug_script = config->debug_script;
	ectx->opts.kill_grace = config->kill_grace;
	ectx->opts.output_limit = config->output_limit;
	ectx->opts.history_length = config->history_length;
	ectx->opts.debug_timeout = RUN_EVENT_DEBUG_TIMEOUT;
	ectx->ks = keyspace_new(ectx, ev);
	ectx->metrics = eventd_metrics_new(ectx);
	if (ectx->ks == NULL || ectx->metrics == NULL) {
		talloc_free(ectx);
		return NULL;
	}
	return ectx;
}

void eventd_shutdown(void *private_data)
{
	struct eventd_context *ectx = talloc_get_type_abort(
		private_data, struct eventd_context);
	struct eventd_component *c;

	for (c = ectx->components; c != NULL; c = c->next) {
		run_event_kill_all(c->rctx);
	}
}

/* ---------- components ---------- */

/*
 * A component exists once its directory has been seen; a missing
 * directory is an error each time until it appears, as in CTDB.
 */
static int component_get(struct eventd_context *ectx, const char *name,
			 struct run_event_context **out,
			 const char **pname)
{
	struct eventd_component *c;
	struct stat st;
	char *dir;
	int ret;

	if (!script_name_safe(name)) {
		return EINVAL;
	}
	for (c = ectx->components; c != NULL; c = c->next) {
		if (strcmp(c->name, name) == 0) {
			*out = c->rctx;
			if (pname != NULL) {
				*pname = c->name;
			}
			return 0;
		}
	}
	dir = path_events_dir(ectx, name);
	if (dir == NULL) {
		return ENOMEM;
	}
	ret = stat(dir, &st);
	if (ret != 0) {
		ret = errno;
		talloc_free(dir);
		return ret;
	}
	if (!S_ISDIR(st.st_mode)) {
		talloc_free(dir);
		return ENOTDIR;
	}
	c = talloc_zero(ectx, struct eventd_component);
	if (c == NULL) {
		talloc_free(dir);
		return ENOMEM;
	}
	c->name = talloc_strdup(c, name);
	c->rctx = run_event_context_new(c, ectx->ev, name, dir, &ectx->opts);
	talloc_free(dir);
	if (c->name == NULL || c->rctx == NULL) {
		talloc_free(c);
		return ENOMEM;
	}
	c->next = ectx->components;
	ectx->components = c;
	*out = c->rctx;
	if (pname != NULL) {
		*pname = c->name;
	}
	return 0;
}

/* ---------- RUN ---------- */

static void eventd_run_done(struct tevent_req *subreq);

static int reply_result_from_summary(const struct script_result *summary)
{
	if (summary->state == SCRIPT_TIMEDOUT) {
		return ETIMEDOUT;
	}
	if (script_result_failed(summary)) {
		return ENOEXEC;
	}
	return 0;
}

/*
 * RUN, and RUN_INPUT with input (NULL for RUN) for the scripts' stdin.
 * The reply comes when the event is done.
 */
static int eventd_run(struct tevent_req *req,
		      const struct ctdb_event_request_run *run,
		      const char *input)
{
	struct eventd_request_state *state = tevent_req_data(
		req, struct eventd_request_state);
	struct eventd_context *ectx = state->ectx;
	struct tevent_req *subreq;
	struct timeval deadline;
	int ret;

	/* Event names follow the same rule as other names from a client. */
	if (run->component == NULL || !script_name_safe(run->event)) {
		return EINVAL;
	}
	/* CTDB counts the deadline from the request's arrival. */
	deadline = tevent_timeval_current_ofs(run->timeout, 0);
	ret = component_get(ectx, run->component, &state->rctx,
			    &state->component);
	if (ret != 0) {
		return ret;
	}
	state->event = talloc_strdup(state, run->event);
	if (state->event == NULL) {
		return ENOMEM;
	}

	/*
	 * Timeout 0 means no limit, as ctdb(1) has always documented. A
	 * RUN_INPUT without input still gets a pipe (an immediate EOF), so a
	 * hook that reads its stdin never reads the daemon's.
	 */
	if (state->reply.cmd == CTDB_EVENT_CMD_RUN_INPUT && input == NULL) {
		input = "";
	}
	subreq = run_event_input_send(state, ectx->ev, state->rctx,
				      run->event, run->args,
				      run->timeout > 0 ? &deadline : NULL,
				      (run->flags & CTDB_EVENT_RUN_ALL) != 0,
				      input);
	if (subreq == NULL) {
		return ENOMEM;
	}
	tevent_req_set_callback(subreq, eventd_run_done, req);
	return 0;
}

/*
 * Publish the stored run of an event as event.<component>.<event>. A run
 * that stored nothing new (refused, cancelled before starting) leaves the
 * same value, which wakes no watcher.
 */
static void eventd_publish_event(struct eventd_request_state *state)
{
	const struct event_record *rec;
	struct ctdb_event_reply_status *wire;
	json_t *value;
	char *key;
	int ret;

	rec = event_status_store_get(run_event_status(state->rctx),
				     state->event);
	if (rec == NULL) {
		return;
	}
	key = talloc_asprintf(state, "event.%s.%s", state->component,
			      state->event);
	wire = event_record_to_wire(state, rec);
	if (key == NULL || wire == NULL) {
		D_ERR("watch: no memory to publish %s", state->event);
		return;
	}
	value = ctdb_event_status_json(state->component, state->event, wire);
	if (value == NULL) {
		D_ERR("watch: no memory to publish %s", key);
		return;
	}
	ret = keyspace_set(state->ectx->ks, key, value);
	json_decref(value);
	if (ret != 0) {
		D_ERR("watch: failed to publish %s: %s", key, strerror(ret));
	}
}

/*
 * Metrics of a finished RUN. A completed run is the newest record of its
 * event at this point: the store took it just before completing the
 * request, and events of a component run one at a time.
 */
static void eventd_run_count(struct eventd_request_state *state,
			     bool completed, int err)
{
	struct eventd_metrics *em = state->ectx->metrics;
	const struct event_record *rec;

	if (completed) {
		rec = event_status_store_get(run_event_status(state->rctx),
					     state->event);
		if (rec != NULL) {
			eventd_metrics_run(em, state->component, rec);
		}
		return;
	}
	if (err == ECANCELED && strcmp(state->event, "monitor") == 0) {
		eventd_metrics_cancelled(em, state->component);
	}
}

static void eventd_run_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct eventd_request_state *state = tevent_req_data(
		req, struct eventd_request_state);
	struct script_result summary;
	bool ok;
	int result = 0;

	ok = run_event_recv(subreq, &result, &summary);
	TALLOC_FREE(subreq);
	if (ok) {
		result = reply_result_from_summary(&summary);
	}
	eventd_publish_event(state);
	eventd_run_count(state, ok, result);
	state->reply.result = result;
	tevent_req_done(req);
}

/* ---------- STATUS ---------- */

static int eventd_status(struct eventd_request_state *state,
			 const struct ctdb_event_request_status *status)
{
	struct run_event_context *rctx = NULL;
	const struct event_record *rec;
	int ret;

	if (status->component == NULL) {
		return EINVAL;
	}
	ret = component_get(state->ectx, status->component, &rctx, NULL);
	if (ret == 0 && !script_name_safe(status->event)) {
		ret = EINVAL;
	}
	if (ret != 0) {
		return ret;
	}
	rec = event_status_store_get(run_event_status(rctx), status->event);
	if (rec == NULL) {
		return EINVAL;
	}
	state->reply.data.status = event_record_to_wire(state, rec);
	if (state->reply.data.status == NULL) {
		return ENOMEM;
	}
	return 0;
}

/* ---------- HISTORY and METRICS ---------- */

/* As STATUS: ENOENT for a missing component, EINVAL for an event never run. */
static int eventd_history(struct eventd_request_state *state,
			  const struct ctdb_event_request_status *history)
{
	struct run_event_context *rctx = NULL;
	const char *component = NULL;
	char *json = NULL;
	int ret;

	ret = component_get(state->ectx, history->component, &rctx,
			    &component);
	if (ret == 0) {
		ret = event_status_history_json(state,
						run_event_status(rctx),
						component, history->event,
						&json);
	}
	if (ret == 0 && strlen(json) > EVENTD_MAX_HISTORY_REPLY) {
		D_ERR("History of %s in %s is too large to send (%zu bytes)",
		      history->event, component, strlen(json));
		ret = EMSGSIZE;
	}
	if (ret == 0) {
		state->reply.data.text = json;
	}
	return ret;
}

static int eventd_metrics(struct eventd_request_state *state)
{
	state->reply.data.text = eventd_metrics_render(state,
						       state->ectx->metrics);
	return state->reply.data.text == NULL ? ENOMEM : 0;
}

/* ---------- SCRIPT ---------- */

/* Find the entry of a script: "<name>.script", or "<name>" itself. */
static char *script_entry_path(TALLOC_CTX *mem_ctx, const char *dir,
			       const char *script, int *perr)
{
	size_t len = strlen(script);
	const char *suffix = ".script";
	char *path;
	struct stat st;
	int ret;

	if (len > 7 && strcmp(script + len - 7, ".script") == 0) {
		suffix = "";
	}
	path = talloc_asprintf(mem_ctx, "%s/%s%s", dir, script, suffix);
	if (path == NULL) {
		*perr = ENOMEM;
		return NULL;
	}
	ret = lstat(path, &st);
	if (ret == 0 || suffix[0] == '\0') {
		return path;
	}
	talloc_free(path);
	/* The events.d form "NN.name" has no suffix. */
	return talloc_asprintf(mem_ctx, "%s/%s", dir, script);
}

static int eventd_script(struct eventd_request_state *state,
			 const struct ctdb_event_request_script *script)
{
	struct run_event_context *rctx = NULL;
	char *dir;
	char *path;
	int ret;

	if (script->component == NULL || script->script == NULL ||
	    !script_name_safe(script->script)) {
		return EINVAL;
	}
	ret = component_get(state->ectx, script->component, &rctx, NULL);
	if (ret != 0) {
		return ret;
	}
	dir = path_events_dir(state, script->component);
	if (dir == NULL) {
		return ENOMEM;
	}
	path = script_entry_path(dir, dir, script->script, &ret);
	if (path != NULL) {
		ret = script_set_enabled(
			path, script->action == CTDB_EVENT_SCRIPT_ENABLE);
	}
	talloc_free(dir);
	return ret;
}

/* ---------- requests ---------- */

/* Serve one request; @return whether its reply waits for a RUN. */
static bool eventd_dispatch(struct tevent_req *req,
			    const struct ctdb_event_request *request)
{
	struct eventd_request_state *state = tevent_req_data(
		req, struct eventd_request_state);
	int ret = EINVAL;

	switch (request->cmd) {
	case CTDB_EVENT_CMD_RUN:
		ret = eventd_run(req, request->data.run, NULL);
		if (ret == 0) {
			return true;
		}
		break;
	case CTDB_EVENT_CMD_RUN_INPUT:
		ret = eventd_run(req, &request->data.run_input->run,
				 request->data.run_input->input);
		if (ret == 0) {
			return true;
		}
		break;
	case CTDB_EVENT_CMD_STATUS:
		ret = eventd_status(state, request->data.status);
		break;
	case CTDB_EVENT_CMD_SCRIPT:
		ret = eventd_script(state, request->data.script);
		break;
	case CTDB_EVENT_CMD_HISTORY:
		ret = eventd_history(state, request->data.history);
		break;
	case CTDB_EVENT_CMD_METRICS:
		ret = eventd_metrics(state);
		break;
	}
	state->reply.result = ret;
	return false;
}

static int eventd_request_pull(TALLOC_CTX *mem_ctx, const uint8_t *buf,
			       size_t buflen, void **prequest)
{
	struct ctdb_event_request *request = NULL;
	struct ctdb_event_header h;
	int ret;

	ret = ctdb_event_request_pull(buf, buflen, &h, mem_ctx, &request);
	if (ret == 0) {
		*prequest = request;
	}
	return ret;
}

static struct tevent_req *eventd_request_send(TALLOC_CTX *mem_ctx,
					      struct tevent_context *ev,
					      void *request, void *private_data)
{
	struct ctdb_event_request *r = request;
	struct eventd_request_state *state;
	struct tevent_req *req;
	bool waiting;

	req = tevent_req_create(mem_ctx, &state, struct eventd_request_state);
	if (req == NULL) {
		return NULL;
	}
	state->ectx = talloc_get_type_abort(private_data,
					    struct eventd_context);
	state->reply.cmd = r->cmd;
	waiting = eventd_dispatch(req, r);
	if (!waiting) {
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static int eventd_reply_marshall(struct tevent_req *req, TALLOC_CTX *mem_ctx,
				 struct ctdb_event_header *h, uint8_t **pbuf,
				 size_t *pbuflen)
{
	struct eventd_request_state *state = tevent_req_data(
		req, struct eventd_request_state);
	bool failed;
	int err;

	/* A failure has no reply data; its errno is the result. */
	failed = tevent_req_is_unix_error(req, &err);
	if (failed) {
		state->reply = (struct ctdb_event_reply){
			.cmd = state->reply.cmd,
			.result = err,
		};
	}
	return ctdb_event_reply_marshall(mem_ctx, h, &state->reply, pbuf,
					 pbuflen);
}

/* CTDB's protocol: version 0 in every reply, whatever the request had. */
static const struct srv_conn_protocol eventd_protocol = {
	.version = CTDB_EVENT_WIRE_VERSION,
	.serve_any_version = true,
	.max_request = EVENTD_MAX_REQUEST,
	.watch_cmds = &ctdb_watch_cmds_event,
	.request_pull = eventd_request_pull,
	.request_send = eventd_request_send,
	.reply_marshall = eventd_reply_marshall,
};

bool eventd_client_connect(struct sock_daemon *sd, int fd, void *private_data)
{
	struct eventd_context *ectx = talloc_get_type_abort(
		private_data, struct eventd_context);

	return srv_conn_accept(ectx, ectx->ev, fd, &eventd_protocol, ectx->ks,
			       ectx);
}
