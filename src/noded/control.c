/* SPDX-License-Identifier: GPL-3.0-or-later */
/* noded.socket: status, IPs, tunables, stop/continue and shutdown controls. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "common/tevent_unix.h"
#include "noded/noded_private.h"
#include "protocol/event_json.h"
#include "protocol/node_protocol_api.h"
#include "protocol/watch_protocol.h"
#include "server/srv_conn.h"

/* Requests are small; anything bigger is garbage or an attack. */
#define CONTROL_MAX_REQUEST (64 * 1024)

/*
 * One request. It belongs to the daemon, not to the client (srv_conn): if
 * the client goes away a STOP still finishes (the IPs leave, the stopped
 * event runs); only the reply is dropped.
 */
struct control_request_state {
	struct noded_context *nctx;
	struct ctdb_node_reply reply; /* cmd echoed; result, data */
};

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



/* ---------- interfaces ---------- */

static int control_setifacelink(struct noded_context *nctx,
				const struct ctdb_var *var)
{
	bool changed;
	int ret;

	ret = iface_link_set(nctx, var, &changed);
	if (ret == 0 && changed && nctx->takeover != NULL) {
		takeover_request(nctx->takeover, "interface link changed");
	}
	return ret;
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
 * STOP sets STOPPED (which asks for a takeover run: the IPs leave) and,
 * once that run is done, sends the stopped event. CONTINUE clears it and
 * is done once the run it causes is done. A node already there is done.
 */
static struct tevent_req *control_admin_send(TALLOC_CTX *mem_ctx,
					     struct tevent_context *ev,
					     struct noded_context *nctx,
					     bool stop)
{
	struct tevent_req *req;
	struct control_admin_state *state;
	tevent_queue_trigger_fn_t trigger;
	bool ok;

	req = tevent_req_create(mem_ctx, &state, struct control_admin_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->nctx = nctx;
	if (node_state_stopped(nctx->state) == stop) {
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	if (stop) {
		node_state_add_flags(nctx->state, CTDB_NODE_FLAGS_STOPPED,
				     "stopped by the administrator");
		trigger = control_stop_trigger;
	} else {
		node_state_clear_flags(nctx->state, CTDB_NODE_FLAGS_STOPPED,
				       "continued by the administrator");
		trigger = control_continue_trigger;
	}
	ok = takeover_enqueue(nctx->takeover, req, trigger, NULL);
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
	const char *failure;

	failure = noded_event_failure(subreq);
	TALLOC_FREE(subreq);
	if (failure != NULL) {
		/* The node is stopped all the same. */
		D_ERR("stopped event failed: %s", failure);
	}
	node_state_announce(state->nctx->state, "stopped",
			    "stopped by the administrator");
	tevent_req_done(req);
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

static void control_admin_done(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct control_request_state *state = tevent_req_data(
		req, struct control_request_state);
	bool ok;
	int err = 0;

	ok = control_admin_recv(subreq, &err);
	TALLOC_FREE(subreq);
	state->reply.result = ok ? 0 : err;
	tevent_req_done(req);
}

/* STOP and CONTINUE: the reply comes when the node has stopped. */
static int control_admin(struct tevent_req *req, uint32_t command)
{
	struct control_request_state *state = tevent_req_data(
		req, struct control_request_state);
	struct noded_context *nctx = state->nctx;
	struct tevent_req *subreq;

	subreq = control_admin_send(state, nctx->ev, nctx,
				    command == CTDB_NODE_CMD_STOP);
	if (subreq == NULL) {
		return ENOMEM;
	}
	tevent_req_set_callback(subreq, control_admin_done, req);
	return 0;
}

/* ---------- requests ---------- */

/* Serve one request; @return whether its reply waits (STOP, CONTINUE). */
static bool control_dispatch(struct tevent_req *req,
			     const struct ctdb_node_request *request)
{
	struct control_request_state *state = tevent_req_data(
		req, struct control_request_state);
	struct noded_context *nctx = state->nctx;
	struct ctdb_node_reply reply = {
		.cmd = request->cmd,
	};
	/* Not so temporary: the reply's data must live until it is sent. */
	TALLOC_CTX *tmp_ctx = state;
	char *metrics_text = NULL;
	int ret = ENOMEM;

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
		ret = control_admin(req, request->cmd);
		if (ret == 0) {
			/* The reply comes when the node has stopped. */
			return true;
		}
		break;
	case CTDB_NODE_CMD_METRICS:
		ret = node_info_metrics(tmp_ctx, nctx, &metrics_text);
		reply.data.text = metrics_text;
		break;
	case CTDB_NODE_CMD_IFACES:
		ret = iface_link_list(tmp_ctx, nctx, &reply.data.vars);
		break;
	case CTDB_NODE_CMD_SETIFACELINK:
		ret = control_setifacelink(nctx, request->data.var);
		break;
	case CTDB_NODE_CMD_ADDTICKLE:
	case CTDB_NODE_CMD_DELTICKLE:
		ret = tickle_control_update(
			nctx, request->cmd == CTDB_NODE_CMD_ADDTICKLE,
			request->data.tickles);
		break;
	case CTDB_NODE_CMD_GETTICKLES:
		ret = tickle_control_get(tmp_ctx, nctx, request->data.addr,
					 &reply.data.tickles);
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
	state->reply = reply;
	return false;
}

static int control_request_pull(TALLOC_CTX *mem_ctx, const uint8_t *buf,
				size_t buflen, void **prequest)
{
	struct ctdb_node_request *request = NULL;
	struct ctdb_event_header h;
	int ret;

	ret = ctdb_node_request_pull(buf, buflen, &h, mem_ctx, &request);
	if (ret == 0) {
		*prequest = request;
	}
	return ret;
}

static struct tevent_req *control_request_send(TALLOC_CTX *mem_ctx,
					       struct tevent_context *ev,
					       void *request,
					       void *private_data)
{
	struct ctdb_node_request *r = request;
	struct control_request_state *state;
	struct tevent_req *req;
	bool waiting;

	req = tevent_req_create(mem_ctx, &state,
				struct control_request_state);
	if (req == NULL) {
		return NULL;
	}
	state->nctx = talloc_get_type_abort(private_data,
					    struct noded_context);
	state->reply.cmd = r->cmd;
	waiting = control_dispatch(req, r);
	if (!waiting) {
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static int control_reply_marshall(struct tevent_req *req,
				  TALLOC_CTX *mem_ctx,
				  struct ctdb_event_header *h, uint8_t **pbuf,
				  size_t *pbuflen)
{
	struct control_request_state *state = tevent_req_data(
		req, struct control_request_state);
	bool failed;
	int err;

	/* A failure has no reply data; its errno is the result. */
	failed = tevent_req_is_unix_error(req, &err);
	if (failed) {
		state->reply = (struct ctdb_node_reply){
			.cmd = state->reply.cmd,
			.result = err,
		};
	}
	return ctdb_node_reply_marshall(mem_ctx, h, &state->reply, pbuf,
					pbuflen);
}

/* Our own protocol: its version in every reply; an unknown one refused. */
static const struct srv_conn_protocol control_protocol = {
	.version = CTDB_NODE_PROTOCOL_VERSION,
	.serve_any_version = false,
	.max_request = CONTROL_MAX_REQUEST,
	.watch_cmds = &ctdb_watch_cmds_node,
	.request_pull = control_request_pull,
	.request_send = control_request_send,
	.reply_marshall = control_reply_marshall,
};

bool control_client_connect(struct sock_daemon *sd, int fd, void *private_data)
{
	struct noded_context *nctx = talloc_get_type_abort(
		private_data, struct noded_context);

	return srv_conn_accept(nctx, nctx->ev, fd, &control_protocol,
			       nctx->ks, nctx);
}
