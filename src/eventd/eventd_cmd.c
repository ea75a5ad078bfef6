/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-eventd command handlers: CTDB's three commands and our extensions. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/logging.h"
#include "common/path.h"
#include "common/sock_io.h"
#include "common/tevent_unix.h"
#include "eventd/eventd_metrics.h"
#include "eventd/eventd_private.h"
#include "scriptdir/script_dir.h"
#include "protocol/event_json.h"
#include "protocol/event_protocol_api.h"
#include "protocol/watch_protocol.h"
#include "server/watch_server.h"

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

struct eventd_run_cmd;

struct eventd_client {
	struct eventd_context *ectx;
	struct sock_queue *queue;
	struct eventd_run_cmd *runs; /* RUNs awaiting their reply */
	struct ctdb_watch_target watch; /* reqid 0 and no cmds: no WATCH */
};

/*
 * A RUN in flight. It belongs to the daemon, not to the client: if the
 * client goes away the event still completes and its status is kept, so
 * a half-done takeip is never abandoned; only the reply is dropped.
 */
struct eventd_run_cmd {
	struct eventd_run_cmd *prev, *next;
	struct eventd_client *client;
	uint32_t reqid;
	uint32_t cmd; /* RUN or RUN_INPUT, echoed in the reply */
	struct eventd_context *ectx;
	/* For the metrics, counted even when the client is gone. */
	struct eventd_metrics *metrics;
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

/* ---------- replies ---------- */

/* Every reply to a request goes out here, with the request's reqid. */
static void client_send_reply(struct eventd_client *client, uint32_t reqid,
			      const struct ctdb_event_reply *reply)
{
	struct ctdb_event_header h = {
		.version = CTDB_EVENT_WIRE_VERSION,
		.reqid = reqid,
	};
	uint8_t *buf = NULL;
	size_t buflen = 0;
	int ret;

	ret = ctdb_event_reply_marshall(client, &h, reply, &buf, &buflen);
	if (ret != 0) {
		D_ERR("Failed to marshall %s reply, ret=%d",
		      ctdb_event_command_to_string(reply->cmd), ret);
		return;
	}
	ret = sock_queue_write(client->queue, buf, buflen);
	talloc_free(buf);
	if (ret != 0) {
		D_ERR("Failed to queue reply, ret=%d", ret);
	}
}

static void client_reply(struct eventd_client *client, uint32_t reqid,
			 uint32_t cmd, int result,
			 struct ctdb_event_reply_status *status)
{
	struct ctdb_event_reply reply = {
		.cmd = cmd,
		.result = result,
	};

	reply.data.status = status;
	client_send_reply(client, reqid, &reply);
}

/* ---------- RUN ---------- */

static void eventd_run_done(struct tevent_req *subreq);

static int eventd_run_cmd_destructor(struct eventd_run_cmd *cmd)
{
	struct eventd_client *client = cmd->client;

	if (client == NULL) {
		return 0;
	}
	if (cmd->prev != NULL) {
		cmd->prev->next = cmd->next;
	} else {
		client->runs = cmd->next;
	}
	if (cmd->next != NULL) {
		cmd->next->prev = cmd->prev;
	}
	return 0;
}

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

/* RUN, and RUN_INPUT with input (NULL for RUN) for the scripts' stdin. */
static int eventd_run(struct eventd_client *client, uint32_t reqid,
		      uint32_t cmd_id, const struct ctdb_event_request_run *run,
		      const char *input)
{
	struct eventd_context *ectx = client->ectx;
	struct run_event_context *rctx = NULL;
	struct eventd_run_cmd *cmd;
	struct tevent_req *subreq;
	struct timeval deadline;
	const char *component = NULL;
	int ret;

	/* Event names follow the same rule as other names from a client. */
	if (run->component == NULL || !script_name_safe(run->event)) {
		return EINVAL;
	}
	/* CTDB counts the deadline from the request's arrival. */
	deadline = tevent_timeval_current_ofs(run->timeout, 0);
	ret = component_get(ectx, run->component, &rctx, &component);
	if (ret != 0) {
		return ret;
	}
	cmd = talloc_zero(rctx, struct eventd_run_cmd);
	if (cmd == NULL) {
		return ENOMEM;
	}
	cmd->client = client;
	cmd->reqid = reqid;
	cmd->cmd = cmd_id;
	cmd->ectx = ectx;
	cmd->metrics = ectx->metrics;
	cmd->rctx = rctx;
	cmd->component = component;
	cmd->event = talloc_strdup(cmd, run->event);
	if (cmd->event == NULL) {
		talloc_free(cmd);
		return ENOMEM;
	}
	cmd->next = client->runs;
	if (client->runs != NULL) {
		client->runs->prev = cmd;
	}
	client->runs = cmd;
	talloc_set_destructor(cmd, eventd_run_cmd_destructor);

	/*
	 * Timeout 0 means no limit, as ctdb(1) has always documented. A
	 * RUN_INPUT without input still gets a pipe (an immediate EOF), so a
	 * hook that reads its stdin never reads the daemon's.
	 */
	if (cmd_id == CTDB_EVENT_CMD_RUN_INPUT && input == NULL) {
		input = "";
	}
	subreq = run_event_input_send(cmd, ectx->ev, rctx, run->event,
				      run->args,
				      run->timeout > 0 ? &deadline : NULL,
				      (run->flags & CTDB_EVENT_RUN_ALL) != 0,
				      input);
	if (subreq == NULL) {
		talloc_free(cmd);
		return ENOMEM;
	}
	tevent_req_set_callback(subreq, eventd_run_done, cmd);
	return 0;
}

/*
 * Publish the stored run of an event as event.<component>.<event>. A run
 * that stored nothing new (refused, cancelled before starting) leaves the
 * same value, which wakes no watcher.
 */
static void eventd_publish_event(struct eventd_run_cmd *cmd)
{
	const struct event_record *rec;
	struct ctdb_event_reply_status *wire;
	json_t *value;
	char *key;
	int ret;

	rec = event_status_store_get(run_event_status(cmd->rctx), cmd->event);
	if (rec == NULL) {
		return;
	}
	key = talloc_asprintf(cmd, "event.%s.%s", cmd->component, cmd->event);
	wire = event_record_to_wire(cmd, rec);
	if (key == NULL || wire == NULL) {
		D_ERR("watch: no memory to publish %s", cmd->event);
		return;
	}
	value = ctdb_event_status_json(cmd->component, cmd->event, wire);
	if (value == NULL) {
		D_ERR("watch: no memory to publish %s", key);
		return;
	}
	ret = keyspace_set(cmd->ectx->ks, key, value);
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
static void eventd_run_count(struct eventd_run_cmd *cmd, bool completed,
			     int err)
{
	struct eventd_metrics *em = cmd->metrics;
	const struct event_record *rec;

	if (completed) {
		rec = event_status_store_get(run_event_status(cmd->rctx),
					     cmd->event);
		if (rec != NULL) {
			eventd_metrics_run(em, cmd->component, rec);
		}
		return;
	}
	if (err == ECANCELED && strcmp(cmd->event, "monitor") == 0) {
		eventd_metrics_cancelled(em, cmd->component);
	}
}

static void eventd_run_done(struct tevent_req *subreq)
{
	struct eventd_run_cmd *cmd = tevent_req_callback_data(
		subreq, struct eventd_run_cmd);
	struct script_result summary;
	bool ok;
	int result = 0;

	ok = run_event_recv(subreq, &result, &summary);
	TALLOC_FREE(subreq);
	if (ok) {
		result = reply_result_from_summary(&summary);
	}
	eventd_publish_event(cmd);
	eventd_run_count(cmd, ok, result);
	if (cmd->client != NULL) {
		client_reply(cmd->client, cmd->reqid, cmd->cmd, result,
			     NULL);
	}
	talloc_free(cmd);
}

/* ---------- STATUS ---------- */

static void eventd_status(struct eventd_client *client, uint32_t reqid,
			  const struct ctdb_event_request_status *status)
{
	struct run_event_context *rctx = NULL;
	const struct event_record *rec;
	struct ctdb_event_reply_status *wire;
	int ret;

	if (status->component == NULL) {
		client_reply(client, reqid, CTDB_EVENT_CMD_STATUS, EINVAL,
			     NULL);
		return;
	}
	ret = component_get(client->ectx, status->component, &rctx, NULL);
	if (ret == 0 && !script_name_safe(status->event)) {
		ret = EINVAL;
	}
	if (ret != 0) {
		client_reply(client, reqid, CTDB_EVENT_CMD_STATUS, ret, NULL);
		return;
	}
	rec = event_status_store_get(run_event_status(rctx), status->event);
	if (rec == NULL) {
		client_reply(client, reqid, CTDB_EVENT_CMD_STATUS, EINVAL,
			     NULL);
		return;
	}
	wire = event_record_to_wire(client, rec);
	if (wire == NULL) {
		client_reply(client, reqid, CTDB_EVENT_CMD_STATUS, ENOMEM,
			     NULL);
		return;
	}
	client_reply(client, reqid, CTDB_EVENT_CMD_STATUS, 0, wire);
	talloc_free(wire);
}

/* ---------- HISTORY and METRICS ---------- */

static void client_reply_text(struct eventd_client *client, uint32_t reqid,
			      uint32_t cmd, int result, const char *text)
{
	struct ctdb_event_reply reply = {
		.cmd = cmd,
		.result = result,
		.data.text = text,
	};

	client_send_reply(client, reqid, &reply);
}

/* As STATUS: ENOENT for a missing component, EINVAL for an event never run. */
static void eventd_history(struct eventd_client *client, uint32_t reqid,
			   const struct ctdb_event_request_status *history)
{
	struct run_event_context *rctx = NULL;
	const char *component = NULL;
	char *json = NULL;
	int ret;

	ret = component_get(client->ectx, history->component, &rctx,
			    &component);
	if (ret == 0) {
		ret = event_status_history_json(client,
						run_event_status(rctx),
						component, history->event,
						&json);
	}
	if (ret == 0 && strlen(json) > EVENTD_MAX_HISTORY_REPLY) {
		D_ERR("History of %s in %s is too large to send (%zu bytes)",
		      history->event, component, strlen(json));
		ret = EMSGSIZE;
	}
	client_reply_text(client, reqid, CTDB_EVENT_CMD_HISTORY, ret,
			  ret == 0 ? json : NULL);
	talloc_free(json);
}

static void eventd_metrics(struct eventd_client *client, uint32_t reqid)
{
	char *text;

	text = eventd_metrics_render(client, client->ectx->metrics);
	client_reply_text(client, reqid, CTDB_EVENT_CMD_METRICS,
			  text == NULL ? ENOMEM : 0, text);
	talloc_free(text);
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

static int eventd_script(struct eventd_client *client,
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
	ret = component_get(client->ectx, script->component, &rctx, NULL);
	if (ret != 0) {
		return ret;
	}
	dir = path_events_dir(client, script->component);
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

/* ---------- dispatch ---------- */

static void eventd_client_packet(uint8_t *buf, size_t buflen, int err,
				 void *private_data)
{
	struct eventd_client *client = talloc_get_type_abort(
		private_data, struct eventd_client);
	struct ctdb_event_request *request = NULL;
	struct ctdb_event_header h;
	uint32_t cmd = 0;
	int ret;

	if (buf == NULL) {
		if (err != 0) {
			D_ERR("client read failed with ret=%d", err);
		}
		talloc_free(client);
		return;
	}
	ret = ctdb_watch_peek_cmd(buf, buflen, &cmd);
	if (ret == 0 && cmd == CTDB_EVENT_CMD_WATCH) {
		ret = watch_server_start(client->queue, client->ectx->ks, buf,
					 buflen, &ctdb_watch_cmds_event,
					 CTDB_EVENT_WIRE_VERSION,
					 &client->watch);
		if (ret != 0) {
			talloc_free(client);
		}
		return;
	}
	ret = ctdb_event_request_pull(buf, buflen, &h, client, &request);
	if (ret != 0) {
		D_ERR("Invalid packet received, buflen=%zu", buflen);
		talloc_free(client);
		return;
	}
	switch (request->cmd) {
	case CTDB_EVENT_CMD_RUN:
		ret = eventd_run(client, h.reqid, request->cmd,
				 request->data.run, NULL);
		if (ret != 0) {
			client_reply(client, h.reqid, request->cmd, ret, NULL);
		}
		break;
	case CTDB_EVENT_CMD_RUN_INPUT:
		ret = eventd_run(client, h.reqid, request->cmd,
				 &request->data.run_input->run,
				 request->data.run_input->input);
		if (ret != 0) {
			client_reply(client, h.reqid, request->cmd, ret, NULL);
		}
		break;
	case CTDB_EVENT_CMD_STATUS:
		eventd_status(client, h.reqid, request->data.status);
		break;
	case CTDB_EVENT_CMD_SCRIPT:
		ret = eventd_script(client, request->data.script);
		client_reply(client, h.reqid, request->cmd, ret, NULL);
		break;
	case CTDB_EVENT_CMD_HISTORY:
		eventd_history(client, h.reqid, request->data.history);
		break;
	case CTDB_EVENT_CMD_METRICS:
		eventd_metrics(client, h.reqid);
		break;
	}
	talloc_free(request);
}

static int eventd_client_destructor(struct eventd_client *client)
{
	struct eventd_run_cmd *cmd;

	for (cmd = client->runs; cmd != NULL; cmd = cmd->next) {
		cmd->client = NULL;
	}
	return 0;
}

bool eventd_client_connect(struct sock_daemon *sd, int fd, void *private_data)
{
	struct eventd_context *ectx = talloc_get_type_abort(
		private_data, struct eventd_context);
	struct eventd_client *client;

	client = talloc_zero(ectx, struct eventd_client);
	if (client == NULL) {
		return false;
	}
	client->ectx = ectx;
	client->queue = sock_queue_setup(client, ectx->ev, fd,
					 EVENTD_MAX_REQUEST,
					 eventd_client_packet, client);
	if (client->queue == NULL) {
		talloc_free(client);
		return false;
	}
	talloc_set_destructor(client, eventd_client_destructor);
	return true;
}
