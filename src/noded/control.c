/* SPDX-License-Identifier: GPL-3.0-or-later */
/* noded.socket: status, IPs, tunables, stop/continue and shutdown controls. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "common/sock_io.h"
#include "common/tevent_unix.h"
#include "noded/noded_private.h"
#include "protocol/event_json.h"
#include "protocol/node_protocol_api.h"
#include "protocol/watch_protocol.h"
#include "server/watch_server.h"

/* Requests are small; anything bigger is garbage or an attack. */
#define CONTROL_MAX_REQUEST (64 * 1024)

struct control_cmd;

struct control_client {
	struct noded_context *nctx;
	struct sock_queue *queue;
	struct control_cmd *cmds; /* STOP/CONTINUE awaiting their reply */
	struct ctdb_watch_target watch; /* no cmds: no WATCH yet */
};

/*
 * A STOP or CONTINUE in flight belongs to the daemon, not to the client:
 * if the client goes away the node still finishes stopping (its IPs
 * leave, the stopped event runs); only the reply is dropped.
 */
struct control_cmd {
	struct control_cmd *prev, *next;
	struct control_client *client; /* NULL once the client is gone */
	uint32_t reqid;
	uint32_t cmd;
};

/* ---------- replies ---------- */

static void control_reply(struct control_client *client, uint32_t reqid,
			  struct ctdb_node_reply *reply)
{
	struct ctdb_event_header h = {
		.version = CTDB_EVENT_WIRE_VERSION,
		.reqid = reqid,
	};
	uint8_t *buf = NULL;
	size_t buflen = 0;
	int ret;

	ret = ctdb_node_reply_marshall(client, &h, reply, &buf, &buflen);
	if (ret != 0) {
		D_ERR("Failed to marshall reply to command %u: %s",
		      reply->cmd, strerror(ret));
		return;
	}
	ret = sock_queue_write(client->queue, buf, buflen);
	talloc_free(buf);
	if (ret != 0) {
		D_ERR("Failed to queue reply to command %u: %s", reply->cmd,
		      strerror(ret));
	}
}

static void control_reply_result(struct control_client *client,
				 uint32_t reqid, uint32_t cmd, int result)
{
	struct ctdb_node_reply reply = {
		.cmd = cmd,
		.result = result,
	};

	control_reply(client, reqid, &reply);
}

/* ---------- tunables ---------- */

static int control_getvar(struct noded_context *nctx, const char *name,
			  uint32_t *value)
{
	const struct tunable_def *def;

	if (name == NULL) {
		return EINVAL;
	}
	def = tunable_find(name);
	if (def == NULL) {
		return ENOENT;
	}
	*value = nctx->tunables.value[def->id];
	return 0;
}

static int control_setvar(struct noded_context *nctx,
			  const struct ctdb_var *var)
{
	const struct tunable_def *def;
	uint32_t old;
	int ret;

	if (var == NULL || var->name == NULL) {
		return EINVAL;
	}
	def = tunable_find(var->name);
	if (def == NULL) {
		return ENOENT;
	}
	old = nctx->tunables.value[def->id];
	ret = tunables_set(&nctx->tunables, var->name, var->value);
	if (ret != 0) {
		return ret;
	}
	if (old != var->value) {
		D_NOTICE("Tunable %s changed from %u to %u", def->name, old,
			 var->value);
		node_state_tunables_changed(nctx->state, def->name);
	}
	return 0;
}

/* ---------- STOP and CONTINUE ---------- */

struct control_admin_state {
	struct tevent_context *ev;
	struct noded_context *nctx;
};

static void control_stop_trigger(struct tevent_req *req, void *private_data);
static void control_stop_event_done(struct tevent_req *subreq);
static void control_continue_trigger(struct tevent_req *req,
				     void *private_data);

/*
 * Set STOPPED (which asks for a takeover run: the IPs leave), then, once
 * that run is done, send the stopped event.
 */
static struct tevent_req *control_stop_send(TALLOC_CTX *mem_ctx,
					    struct tevent_context *ev,
					    struct noded_context *nctx)
{
	struct tevent_req *req;
	struct control_admin_state *state;
	bool ok;

	req = tevent_req_create(mem_ctx, &state, struct control_admin_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->nctx = nctx;
	if (node_state_stopped(nctx->state)) {
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	node_state_add_flags(nctx->state, CTDB_NODE_FLAGS_STOPPED,
			     "stopped by the administrator");
	ok = takeover_enqueue(nctx->takeover, req, control_stop_trigger, NULL);
	if (!ok) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static void control_stop_trigger(struct tevent_req *req, void *private_data)
{
	struct control_admin_state *state = tevent_req_data(
		req, struct control_admin_state);
	struct tevent_req *subreq;

	/* Before RUNNING nothing was started that the event would stop. */
	if (node_state_runstate(state->nctx->state) != CTDB_RUNSTATE_RUNNING) {
		node_state_announce(state->nctx->state, "stopped",
				    "stopped by the administrator");
		tevent_req_done(req);
		return;
	}
	subreq = noded_event_send(state, state->ev, state->nctx, "stopped",
				  "");
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, control_stop_event_done, req);
}

static void control_stop_event_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct control_admin_state *state = tevent_req_data(
		req, struct control_admin_state);
	bool ok;
	int result = 0;
	int err = 0;

	ok = noded_event_recv(subreq, &err, &result);
	TALLOC_FREE(subreq);
	if (!ok || result != 0) {
		/* The node is stopped all the same. */
		D_ERR("stopped event failed: %s",
		      ok ? noded_event_result_string(result) : strerror(err));
	}
	node_state_announce(state->nctx->state, "stopped",
			    "stopped by the administrator");
	tevent_req_done(req);
}

/* Clear STOPPED and reply once the takeover run it causes is done. */
static struct tevent_req *control_continue_send(TALLOC_CTX *mem_ctx,
						struct tevent_context *ev,
						struct noded_context *nctx)
{
	struct tevent_req *req;
	struct control_admin_state *state;
	bool ok;

	req = tevent_req_create(mem_ctx, &state, struct control_admin_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->nctx = nctx;
	if (!node_state_stopped(nctx->state)) {
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	node_state_clear_flags(nctx->state, CTDB_NODE_FLAGS_STOPPED,
			       "continued by the administrator");
	ok = takeover_enqueue(nctx->takeover, req, control_continue_trigger,
			      NULL);
	if (!ok) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static void control_continue_trigger(struct tevent_req *req,
				     void *private_data)
{
	tevent_req_done(req);
}

static bool control_admin_recv(struct tevent_req *req, int *perr)
{
	bool failed;

	failed = tevent_req_is_unix_error(req, perr);
	return !failed;
}

static int control_cmd_destructor(struct control_cmd *cmd)
{
	struct control_client *client = cmd->client;

	if (client == NULL) {
		return 0;
	}
	if (cmd->prev != NULL) {
		cmd->prev->next = cmd->next;
	} else {
		client->cmds = cmd->next;
	}
	if (cmd->next != NULL) {
		cmd->next->prev = cmd->prev;
	}
	return 0;
}

static void control_admin_done(struct tevent_req *subreq)
{
	struct control_cmd *cmd = tevent_req_callback_data(subreq,
							   struct control_cmd);
	bool ok;
	int err = 0;

	ok = control_admin_recv(subreq, &err);
	TALLOC_FREE(subreq);
	if (cmd->client != NULL) {
		control_reply_result(cmd->client, cmd->reqid, cmd->cmd,
				     ok ? 0 : err);
	}
	talloc_free(cmd);
}

static int control_admin(struct control_client *client, uint32_t reqid,
			 uint32_t command)
{
	struct noded_context *nctx = client->nctx;
	struct control_cmd *cmd;
	struct tevent_req *subreq;

	cmd = talloc_zero(nctx, struct control_cmd);
	if (cmd == NULL) {
		return ENOMEM;
	}
	cmd->client = client;
	cmd->reqid = reqid;
	cmd->cmd = command;
	cmd->next = client->cmds;
	if (client->cmds != NULL) {
		client->cmds->prev = cmd;
	}
	client->cmds = cmd;
	talloc_set_destructor(cmd, control_cmd_destructor);

	if (command == CTDB_NODE_CMD_STOP) {
		subreq = control_stop_send(cmd, nctx->ev, nctx);
	} else {
		subreq = control_continue_send(cmd, nctx->ev, nctx);
	}
	if (subreq == NULL) {
		talloc_free(cmd);
		return ENOMEM;
	}
	tevent_req_set_callback(subreq, control_admin_done, cmd);
	return 0;
}

/* ---------- dispatch ---------- */

static void control_dispatch(struct control_client *client, uint32_t reqid,
			     const struct ctdb_node_request *request)
{
	struct noded_context *nctx = client->nctx;
	struct ctdb_node_reply reply = {
		.cmd = request->cmd,
	};
	TALLOC_CTX *tmp_ctx = talloc_new(client);
	char *metrics_text = NULL;
	int ret = ENOMEM;

	if (tmp_ctx == NULL) {
		reply.result = ENOMEM;
		control_reply(client, reqid, &reply);
		return;
	}
	switch (request->cmd) {
	case CTDB_NODE_CMD_STATUS:
		ret = node_info_status(tmp_ctx, nctx, &reply.data.status);
		break;
	case CTDB_NODE_CMD_RUNSTATE:
		reply.data.runstate = node_state_runstate(nctx->state);
		ret = 0;
		break;
	case CTDB_NODE_CMD_IPS:
		ret = node_info_ips(tmp_ctx, nctx, &reply.data.ips);
		break;
	case CTDB_NODE_CMD_GETVAR:
		ret = control_getvar(nctx, request->data.name,
				     &reply.data.value);
		break;
	case CTDB_NODE_CMD_SETVAR:
		ret = control_setvar(nctx, request->data.var);
		break;
	case CTDB_NODE_CMD_LISTVARS:
		ret = node_info_vars(tmp_ctx, nctx, &reply.data.vars);
		break;
	case CTDB_NODE_CMD_STOP:
	case CTDB_NODE_CMD_CONTINUE:
		ret = control_admin(client, reqid, request->cmd);
		if (ret == 0) {
			/* The reply comes when the node has stopped. */
			talloc_free(tmp_ctx);
			return;
		}
		break;
	case CTDB_NODE_CMD_METRICS:
		ret = noded_metrics_render(tmp_ctx, nctx->metrics, &metrics_text);
		reply.data.text = metrics_text;
		break;
	case CTDB_NODE_CMD_SHUTDOWN:
		D_NOTICE("Shutdown requested by a client");
		node_state_request_exit(nctx->state, 0, "SHUTDOWN control");
		ret = 0;
		break;
	default:
		ret = EINVAL;
		break;
	}
	reply.result = ret;
	control_reply(client, reqid, &reply);
	talloc_free(tmp_ctx);
}

static void control_client_packet(uint8_t *buf, size_t buflen, int err,
				  void *private_data)
{
	struct control_client *client = talloc_get_type_abort(
		private_data, struct control_client);
	struct ctdb_node_request *request = NULL;
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
	if (ret == 0 && cmd == CTDB_NODE_CMD_WATCH) {
		ret = watch_server_start(client->queue, client->nctx->ks, buf,
					 buflen, &ctdb_watch_cmds_node,
					 CTDB_NODE_PROTOCOL_VERSION,
					 &client->watch);
		if (ret != 0) {
			talloc_free(client);
		}
		return;
	}
	ret = ctdb_node_request_pull(buf, buflen, &h, client, &request);
	if (ret != 0) {
		D_ERR("Invalid packet received, buflen=%zu: %s", buflen,
		      ret == EINVAL ? "unknown command" : "malformed");
		talloc_free(client);
		return;
	}
	control_dispatch(client, h.reqid, request);
	talloc_free(request);
}

static int control_client_destructor(struct control_client *client)
{
	struct control_cmd *cmd;

	for (cmd = client->cmds; cmd != NULL; cmd = cmd->next) {
		cmd->client = NULL;
	}
	return 0;
}

bool control_client_connect(struct sock_daemon *sd, int fd, void *private_data)
{
	struct noded_context *nctx = talloc_get_type_abort(
		private_data, struct noded_context);
	struct control_client *client;

	client = talloc_zero(nctx, struct control_client);
	if (client == NULL) {
		return false;
	}
	client->nctx = nctx;
	client->queue = sock_queue_setup(client, nctx->ev, fd,
					 CONTROL_MAX_REQUEST,
					 control_client_packet, client);
	if (client->queue == NULL) {
		talloc_free(client);
		return false;
	}
	talloc_set_destructor(client, control_client_destructor);
	return true;
}
