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

/* ---------- STATUS, RUNSTATE, IPS ---------- */

static int control_status(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
			  struct ctdb_node_status **out)
{
	struct ctdb_node_status *status;
	int this_index = cluster_this_index(nctx->cluster);
	unsigned num = cluster_num_nodes(nctx->cluster);
	unsigned i;

	status = talloc_zero(mem_ctx, struct ctdb_node_status);
	if (status == NULL) {
		return ENOMEM;
	}
	status->nodes = talloc_zero_array(status, struct ctdb_node_info,
					  num + 1);
	if (status->nodes == NULL) {
		talloc_free(status);
		return ENOMEM;
	}
	status->this_pnn = cluster_this_pnn(nctx->cluster);
	status->runstate = nctx->runstate;
	status->recovery_mode = 0;
	status->leader = cluster_leader(nctx->cluster);
	status->num_nodes = num;
	for (i = 0; i < num; i++) {
		const struct cluster_node *node = cluster_node(nctx->cluster,
							       i);

		status->nodes[i].pnn = node->pnn;
		status->nodes[i].flags = node->flags;
		status->nodes[i].address = node->address;
		if ((int)i == this_index) {
			status->nodes[i].flags = nctx->flags;
		}
	}
	if ((nctx->flags & CTDB_NODE_FLAGS_UNHEALTHY) != 0) {
		status->unhealthy_reason = nctx->unhealthy_reason;
	}
	*out = status;
	return 0;
}

static int control_ips(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		       struct ctdb_public_ip_list **out)
{
	struct ctdb_public_ip_list *list;
	int32_t this_pnn = (int32_t)cluster_this_pnn(nctx->cluster);
	unsigned i;
	unsigned j;

	list = talloc_zero(mem_ctx, struct ctdb_public_ip_list);
	if (list == NULL) {
		return ENOMEM;
	}
	list->ip = talloc_zero_array(list, struct ctdb_public_ip_info,
				     nctx->ips->num + 1);
	if (list->ip == NULL) {
		talloc_free(list);
		return ENOMEM;
	}
	list->num = nctx->ips->num;
	for (i = 0; i < nctx->ips->num; i++) {
		const struct public_ip *ip = &nctx->ips->ip[i];
		char *ifaces = talloc_strdup(list, ip->ifaces[0]);

		for (j = 1; j < ip->num_ifaces && ifaces != NULL; j++) {
			ifaces = talloc_asprintf_append(ifaces, ",%s",
							ip->ifaces[j]);
		}
		if (ifaces == NULL) {
			talloc_free(list);
			return ENOMEM;
		}
		list->ip[i].address = ip->address;
		list->ip[i].bits = ip->bits;
		list->ip[i].ifaces = ifaces;
		list->ip[i].pnn =
			takeover_ip_held(nctx->takeover, i) ? this_pnn : -1;
	}
	*out = list;
	return 0;
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
		noded_keys_update(nctx);
	}
	return 0;
}

static int control_listvars(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
			    struct ctdb_var_list **out)
{
	struct ctdb_var_list *list;
	unsigned i;

	list = talloc_zero(mem_ctx, struct ctdb_var_list);
	if (list == NULL) {
		return ENOMEM;
	}
	list->var = talloc_zero_array(list, struct ctdb_var, TUNABLE_COUNT);
	if (list->var == NULL) {
		talloc_free(list);
		return ENOMEM;
	}
	list->num = TUNABLE_COUNT;
	for (i = 0; i < TUNABLE_COUNT; i++) {
		list->var[i].name = tunable_table[i].name;
		list->var[i].value = nctx->tunables.value[tunable_table[i].id];
	}
	*out = list;
	return 0;
}

/* ---------- watch keys ---------- */

static void keys_set(struct noded_context *nctx, const char *key,
		     json_t *value)
{
	int ret = ENOMEM;

	if (value != NULL) {
		ret = keyspace_set(nctx->ks, key, value);
		json_decref(value);
	}
	if (ret != 0) {
		D_ERR("watch: failed to set %s: %s", key, strerror(ret));
	}
}

void noded_keys_update(struct noded_context *nctx)
{
	TALLOC_CTX *tmp_ctx = talloc_new(nctx);
	struct ctdb_public_ip_list *ips = NULL;
	struct ctdb_var_list *vars = NULL;
	int ret;

	if (tmp_ctx == NULL) {
		D_ERR("watch: no memory to update the node keys");
		return;
	}
	keys_set(nctx, "node.runstate",
		 ctdb_node_runstate_json(nctx->runstate));
	keys_set(nctx, "node.health",
		 ctdb_node_health_json(nctx->flags, nctx->unhealthy_reason));
	ret = control_ips(tmp_ctx, nctx, &ips);
	keys_set(nctx, "node.ips",
		 ret == 0 ? ctdb_node_ips_json(ips) : NULL);
	ret = control_listvars(tmp_ctx, nctx, &vars);
	keys_set(nctx, "node.tunables",
		 ret == 0 ? ctdb_node_vars_json(vars) : NULL);
	talloc_free(tmp_ctx);
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
	if ((nctx->flags & CTDB_NODE_FLAGS_STOPPED) != 0) {
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	noded_set_flags(nctx, nctx->flags | CTDB_NODE_FLAGS_STOPPED,
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
	if (state->nctx->runstate != CTDB_RUNSTATE_RUNNING) {
		notification_stopped(state->nctx->notification,
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
	notification_stopped(state->nctx->notification,
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
	if ((nctx->flags & CTDB_NODE_FLAGS_STOPPED) == 0) {
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	noded_set_flags(nctx, nctx->flags & ~CTDB_NODE_FLAGS_STOPPED,
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

	if (command == CTDB_NODE_CMD_STOP) {
		subreq = control_stop_send(state, nctx->ev, nctx);
	} else {
		subreq = control_continue_send(state, nctx->ev, nctx);
	}
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
		ret = control_status(tmp_ctx, nctx, &reply.data.status);
		break;
	case CTDB_NODE_CMD_RUNSTATE:
		reply.data.runstate = nctx->runstate;
		ret = 0;
		break;
	case CTDB_NODE_CMD_IPS:
		ret = control_ips(tmp_ctx, nctx, &reply.data.ips);
		break;
	case CTDB_NODE_CMD_GETVAR:
		ret = control_getvar(nctx, request->data.name,
				     &reply.data.value);
		break;
	case CTDB_NODE_CMD_SETVAR:
		ret = control_setvar(nctx, request->data.var);
		break;
	case CTDB_NODE_CMD_LISTVARS:
		ret = control_listvars(tmp_ctx, nctx, &reply.data.vars);
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
		ret = noded_metrics_render(tmp_ctx, nctx, &metrics_text);
		reply.data.text = metrics_text;
		break;
	case CTDB_NODE_CMD_SHUTDOWN:
		D_NOTICE("Shutdown requested by a client");
		noded_exit(nctx, 0);
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
