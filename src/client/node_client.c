/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client for ctdb-noded: pipelined requests matched to replies by reqid. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "client/node_client.h"
#include "common/sock_client.h"
#include "protocol/node_protocol_api.h"

/*
 * The biggest reply is a status or an IP list: a few hundred bytes per
 * node or address. Refuse absurd lengths from a broken peer before
 * allocating them.
 */
#define NODE_CLIENT_MAX_PACKET (16U * 1024U * 1024U)

/* The first reqid; a one-shot tool has nothing to tell apart from. */
#define NODE_CLIENT_REQID_START 1

/* The transport, reqid matching included, is the generic socket client. */
struct ctdb_node_client {
	struct sock_client *sock;
};

static int ctdb_node_reply_decode(const uint8_t *buf, size_t buflen,
				  TALLOC_CTX *mem_ctx, void *private_data,
				  void **preply)
{
	struct ctdb_event_header h;
	struct ctdb_node_reply *reply = NULL;
	int ret;

	ret = ctdb_node_reply_pull(buf, buflen, &h, mem_ctx, &reply);
	if (ret != 0) {
		return ret;
	}
	*preply = reply;
	return 0;
}

int ctdb_node_client_init(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			  const char *sockpath, struct ctdb_node_client **out)
{
	struct ctdb_node_client *client;
	int ret;

	client = talloc_zero(mem_ctx, struct ctdb_node_client);
	if (client == NULL) {
		return ENOMEM;
	}
	ret = sock_client_init(client, ev, sockpath, NODE_CLIENT_MAX_PACKET,
			       NODE_CLIENT_REQID_START, ctdb_node_reply_decode,
			       NULL, &client->sock);
	if (ret != 0) {
		talloc_free(client);
		return ret;
	}

	*out = client;
	return 0;
}

void ctdb_node_client_set_disconnect_fn(struct ctdb_node_client *client,
					void (*fn)(void *private_data),
					void *private_data)
{
	sock_client_set_disconnect_fn(client->sock, fn, private_data);
}

static int ctdb_node_request_encode(TALLOC_CTX *mem_ctx, uint32_t reqid,
				    void *private_data, uint8_t **pbuf,
				    size_t *pbuflen)
{
	const struct ctdb_node_request *request = private_data;
	struct ctdb_event_header h = {
		.version = CTDB_NODE_PROTOCOL_VERSION,
		.reqid = reqid,
	};

	return ctdb_node_request_marshall(mem_ctx, &h, request, pbuf,
					  pbuflen);
}

static struct tevent_req *
ctdb_node_msg_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		   struct ctdb_node_client *client,
		   struct ctdb_node_request *request)
{
	/* The request is encoded at once, so it may live on the stack. */
	return sock_client_msg_send(mem_ctx, ev, client->sock,
				    ctdb_node_request_encode, request);
}

/*
 * On success *preply is the decoded reply, still owned by the request; the
 * caller takes what it needs before tevent_req_received(). A reply to
 * another command than the one sent is a protocol error.
 */
static bool ctdb_node_msg_recv(struct tevent_req *req, uint32_t cmd,
			       int *perr, struct ctdb_node_reply **preply)
{
	struct ctdb_node_reply *reply;
	void *data = NULL;
	bool ok;

	ok = sock_client_msg_recv(req, perr, &data);
	if (!ok) {
		return false;
	}
	reply = data;
	if (reply->cmd != cmd) {
		*perr = EPROTO;
		return false;
	}
	*preply = reply;
	return true;
}

static struct tevent_req *ctdb_node_cmd_send(TALLOC_CTX *mem_ctx,
					     struct tevent_context *ev,
					     struct ctdb_node_client *client,
					     uint32_t cmd)
{
	struct ctdb_node_request request = {
		.cmd = cmd,
	};

	return ctdb_node_msg_send(mem_ctx, ev, client, &request);
}

/* For the commands whose reply is only a result. */
static bool ctdb_node_result_recv(struct tevent_req *req, uint32_t cmd,
				  int *perr, int *result)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, cmd, perr, &reply);
	if (ok) {
		*result = reply->result;
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *ctdb_node_status_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 struct ctdb_node_client *client)
{
	return ctdb_node_cmd_send(mem_ctx, ev, client, CTDB_NODE_CMD_STATUS);
}

bool ctdb_node_status_recv(struct tevent_req *req, int *perr, int *result,
			   TALLOC_CTX *mem_ctx,
			   struct ctdb_node_status **status)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, CTDB_NODE_CMD_STATUS, perr, &reply);
	if (ok) {
		*result = reply->result;
		if (reply->result == 0) {
			*status = talloc_steal(mem_ctx, reply->data.status);
		}
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *ctdb_node_runstate_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_node_client *client)
{
	return ctdb_node_cmd_send(mem_ctx, ev, client,
				  CTDB_NODE_CMD_RUNSTATE);
}

bool ctdb_node_runstate_recv(struct tevent_req *req, int *perr, int *result,
			     uint32_t *runstate)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, CTDB_NODE_CMD_RUNSTATE, perr, &reply);
	if (ok) {
		*result = reply->result;
		if (reply->result == 0) {
			*runstate = reply->data.runstate;
		}
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *ctdb_node_ips_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev,
				      struct ctdb_node_client *client)
{
	return ctdb_node_cmd_send(mem_ctx, ev, client, CTDB_NODE_CMD_IPS);
}

bool ctdb_node_ips_recv(struct tevent_req *req, int *perr, int *result,
			TALLOC_CTX *mem_ctx, struct ctdb_public_ip_list **ips)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, CTDB_NODE_CMD_IPS, perr, &reply);
	if (ok) {
		*result = reply->result;
		if (reply->result == 0) {
			*ips = talloc_steal(mem_ctx, reply->data.ips);
		}
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *ctdb_node_getvar_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 struct ctdb_node_client *client,
					 const char *name)
{
	struct ctdb_node_request request = {
		.cmd = CTDB_NODE_CMD_GETVAR,
		.data.name = name,
	};

	return ctdb_node_msg_send(mem_ctx, ev, client, &request);
}

bool ctdb_node_getvar_recv(struct tevent_req *req, int *perr, int *result,
			   uint32_t *value)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, CTDB_NODE_CMD_GETVAR, perr, &reply);
	if (ok) {
		*result = reply->result;
		if (reply->result == 0) {
			*value = reply->data.value;
		}
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *ctdb_node_setvar_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 struct ctdb_node_client *client,
					 const char *name, uint32_t value)
{
	struct ctdb_var var = {
		.name = name,
		.value = value,
	};
	struct ctdb_node_request request = {
		.cmd = CTDB_NODE_CMD_SETVAR,
		.data.var = &var,
	};

	/* The request is marshalled at once, so var may live on the stack. */
	return ctdb_node_msg_send(mem_ctx, ev, client, &request);
}

bool ctdb_node_setvar_recv(struct tevent_req *req, int *perr, int *result)
{
	return ctdb_node_result_recv(req, CTDB_NODE_CMD_SETVAR, perr, result);
}

struct tevent_req *ctdb_node_listvars_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_node_client *client)
{
	return ctdb_node_cmd_send(mem_ctx, ev, client,
				  CTDB_NODE_CMD_LISTVARS);
}

bool ctdb_node_listvars_recv(struct tevent_req *req, int *perr, int *result,
			     TALLOC_CTX *mem_ctx,
			     struct ctdb_var_list **vars)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, CTDB_NODE_CMD_LISTVARS, perr, &reply);
	if (ok) {
		*result = reply->result;
		if (reply->result == 0) {
			*vars = talloc_steal(mem_ctx, reply->data.vars);
		}
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *ctdb_node_stop_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       struct ctdb_node_client *client)
{
	return ctdb_node_cmd_send(mem_ctx, ev, client, CTDB_NODE_CMD_STOP);
}

bool ctdb_node_stop_recv(struct tevent_req *req, int *perr, int *result)
{
	return ctdb_node_result_recv(req, CTDB_NODE_CMD_STOP, perr, result);
}

struct tevent_req *ctdb_node_continue_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_node_client *client)
{
	return ctdb_node_cmd_send(mem_ctx, ev, client,
				  CTDB_NODE_CMD_CONTINUE);
}

bool ctdb_node_continue_recv(struct tevent_req *req, int *perr, int *result)
{
	return ctdb_node_result_recv(req, CTDB_NODE_CMD_CONTINUE, perr, result);
}

struct tevent_req *ctdb_node_shutdown_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_node_client *client)
{
	return ctdb_node_cmd_send(mem_ctx, ev, client,
				  CTDB_NODE_CMD_SHUTDOWN);
}

bool ctdb_node_shutdown_recv(struct tevent_req *req, int *perr, int *result)
{
	return ctdb_node_result_recv(req, CTDB_NODE_CMD_SHUTDOWN, perr, result);
}

struct tevent_req *ctdb_node_metrics_send(TALLOC_CTX *mem_ctx,
					  struct tevent_context *ev,
					  struct ctdb_node_client *client)
{
	return ctdb_node_cmd_send(mem_ctx, ev, client, CTDB_NODE_CMD_METRICS);
}

bool ctdb_node_metrics_recv(struct tevent_req *req, int *perr, int *result,
			    TALLOC_CTX *mem_ctx, char **text)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, CTDB_NODE_CMD_METRICS, perr, &reply);
	if (ok) {
		*result = reply->result;
		if (reply->result == 0) {
			/* The decoder's string is ours to keep. */
			char *s = (char *)(uintptr_t)reply->data.text;

			*text = talloc_steal(mem_ctx, s);
		}
	}
	tevent_req_received(req);
	return ok;
}

/* ---------- interfaces: what Samba's stock event scripts ask for ---------- */

struct tevent_req *ctdb_node_ifaces_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 struct ctdb_node_client *client)
{
	return ctdb_node_cmd_send(mem_ctx, ev, client, CTDB_NODE_CMD_IFACES);
}

bool ctdb_node_ifaces_recv(struct tevent_req *req, int *perr, int *result,
			   TALLOC_CTX *mem_ctx, struct ctdb_var_list **links)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, CTDB_NODE_CMD_IFACES, perr, &reply);
	if (ok) {
		*result = reply->result;
		if (reply->result == 0) {
			*links = talloc_steal(mem_ctx, reply->data.vars);
		}
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *ctdb_node_setifacelink_send(TALLOC_CTX *mem_ctx,
					       struct tevent_context *ev,
					       struct ctdb_node_client *client,
					       const char *iface, bool up)
{
	struct ctdb_var var = {
		.name = iface,
		.value = up ? 1 : 0,
	};
	struct ctdb_node_request request = {
		.cmd = CTDB_NODE_CMD_SETIFACELINK,
		.data.var = &var,
	};

	/* Marshalled at once, as setvar's. */
	return ctdb_node_msg_send(mem_ctx, ev, client, &request);
}

bool ctdb_node_setifacelink_recv(struct tevent_req *req, int *perr,
				 int *result)
{
	return ctdb_node_result_recv(req, CTDB_NODE_CMD_SETIFACELINK, perr,
				     result);
}

/* ---------- tickles ---------- */

struct tevent_req *ctdb_node_tickles_send(TALLOC_CTX *mem_ctx,
					  struct tevent_context *ev,
					  struct ctdb_node_client *client,
					  bool add,
					  const struct ctdb_tickle_list *list)
{
	struct ctdb_node_request request = {
		.cmd = add ? CTDB_NODE_CMD_ADDTICKLE : CTDB_NODE_CMD_DELTICKLE,
		/* Encoded at once: the cast only satisfies the union. */
		.data.tickles = (struct ctdb_tickle_list *)(uintptr_t)list,
	};

	return ctdb_node_msg_send(mem_ctx, ev, client, &request);
}

bool ctdb_node_tickles_recv(struct tevent_req *req, int *perr, int *result)
{
	struct ctdb_node_reply *reply = NULL;
	void *data = NULL;
	bool ok;

	/* Either command: the reply echoes the one sent. */
	ok = sock_client_msg_recv(req, perr, &data);
	if (ok) {
		reply = data;
		if (reply->cmd != CTDB_NODE_CMD_ADDTICKLE &&
		    reply->cmd != CTDB_NODE_CMD_DELTICKLE) {
			*perr = EPROTO;
			ok = false;
		} else {
			*result = reply->result;
		}
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *ctdb_node_gettickles_send(TALLOC_CTX *mem_ctx,
					     struct tevent_context *ev,
					     struct ctdb_node_client *client,
					     const struct net_endpoint *addr)
{
	struct ctdb_node_request request = {
		.cmd = CTDB_NODE_CMD_GETTICKLES,
		.data.addr = (struct net_endpoint *)(uintptr_t)addr,
	};

	return ctdb_node_msg_send(mem_ctx, ev, client, &request);
}

bool ctdb_node_gettickles_recv(struct tevent_req *req, int *perr,
			       int *result, TALLOC_CTX *mem_ctx,
			       struct ctdb_tickle_list **list)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, CTDB_NODE_CMD_GETTICKLES, perr, &reply);
	if (ok) {
		*result = reply->result;
		if (reply->result == 0) {
			*list = talloc_steal(mem_ctx, reply->data.tickles);
		}
	}
	tevent_req_received(req);
	return ok;
}
