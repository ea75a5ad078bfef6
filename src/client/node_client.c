/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client for ctdb-noded: pipelined requests matched to replies by reqid. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client/node_client.h"
#include "common/sock_io.h"
#include "common/tevent_unix.h"
#include "protocol/event_protocol_api.h"
#include "protocol/node_protocol_api.h"

/*
 * The biggest reply is a status or an IP list: a few hundred bytes per
 * node or address. Refuse absurd lengths from a broken peer before
 * allocating them.
 */
#define NODE_CLIENT_MAX_PACKET (16U * 1024U * 1024U)

struct ctdb_node_msg_state;

struct ctdb_node_client {
	struct tevent_context *ev;
	struct sock_queue *queue;
	uint32_t reqid;
	/* Requests sent and not yet answered. */
	struct ctdb_node_msg_state *pending;
	/* 0 while connected; afterwards the error every new request gets. */
	int error;
	void (*disconnect_fn)(void *private_data);
	void *disconnect_data;
};

struct ctdb_node_msg_state {
	struct ctdb_node_msg_state *prev;
	struct ctdb_node_msg_state *next;
	struct tevent_req *req;
	struct ctdb_node_client *client; /* NULL once answered or failed */
	uint32_t reqid;
	uint32_t cmd;
	struct ctdb_node_reply *reply;
};

static void pending_add(struct ctdb_node_client *client,
			struct ctdb_node_msg_state *state)
{
	state->client = client;
	state->prev = NULL;
	state->next = client->pending;
	if (client->pending != NULL) {
		client->pending->prev = state;
	}
	client->pending = state;
}

static void pending_remove(struct ctdb_node_msg_state *state)
{
	struct ctdb_node_client *client = state->client;

	if (client == NULL) {
		return;
	}
	if (state->prev != NULL) {
		state->prev->next = state->next;
	} else {
		client->pending = state->next;
	}
	if (state->next != NULL) {
		state->next->prev = state->prev;
	}
	state->prev = NULL;
	state->next = NULL;
	state->client = NULL;
}

static struct ctdb_node_msg_state *
pending_find(struct ctdb_node_client *client, uint32_t reqid)
{
	struct ctdb_node_msg_state *state;

	for (state = client->pending; state != NULL; state = state->next) {
		if (state->reqid == reqid) {
			return state;
		}
	}
	return NULL;
}

/*
 * Fail every outstanding request. Their callbacks are deferred to the
 * event loop, so a callback that frees the client cannot pull the list
 * from under this loop.
 */
static void pending_fail_all(struct ctdb_node_client *client, int err)
{
	while (client->pending != NULL) {
		struct ctdb_node_msg_state *state = client->pending;

		pending_remove(state);
		tevent_req_defer_callback(state->req, client->ev);
		tevent_req_error_unix(state->req, err);
	}
}

static int ctdb_node_client_destructor(struct ctdb_node_client *client)
{
	pending_fail_all(client, EPIPE);
	return 0;
}

/* The connection is unusable: close it, fail everything, tell the owner. */
static void ctdb_node_client_fail(struct ctdb_node_client *client, int err)
{
	client->error = err;
	TALLOC_FREE(client->queue);
	pending_fail_all(client, err);
	if (client->disconnect_fn != NULL) {
		/* This may free the client: nothing may follow it. */
		client->disconnect_fn(client->disconnect_data);
	}
}

static int read_error_to_errno(int err)
{
	if (err == EPROTO || err == EMSGSIZE) {
		return EPROTO;
	}
	if (err == ENOMEM) {
		return ENOMEM;
	}
	/* EOF (0), ECONNRESET, EPIPE, ...: the daemon is gone. */
	return EPIPE;
}

static void ctdb_node_client_read(uint8_t *buf, size_t buflen, int err,
				  void *private_data)
{
	struct ctdb_node_client *client = talloc_get_type_abort(
		private_data, struct ctdb_node_client);
	struct ctdb_node_msg_state *state;
	struct ctdb_event_header h;
	struct ctdb_node_reply *reply = NULL;
	int ret;

	if (buf == NULL) {
		ctdb_node_client_fail(client, read_error_to_errno(err));
		return;
	}

	ret = ctdb_event_header_pull(buf, buflen, &h);
	if (ret != 0) {
		ctdb_node_client_fail(client, EPROTO);
		return;
	}

	/* A reply to a request nobody waits for any more is of no use. */
	state = pending_find(client, h.reqid);
	if (state == NULL) {
		return;
	}

	ret = ctdb_node_reply_pull(buf, buflen, &h, state, &reply);
	if (ret != 0) {
		ctdb_node_client_fail(client, EPROTO);
		return;
	}

	pending_remove(state);
	if (reply->cmd != state->cmd) {
		TALLOC_FREE(reply);
		tevent_req_error_unix(state->req, EPROTO);
		return;
	}
	state->reply = reply;
	tevent_req_done(state->req);
}

static int unix_connect(const char *sockpath, int *pfd)
{
	struct sockaddr_un addr = {
		.sun_family = AF_UNIX,
	};
	size_t len = strlen(sockpath);
	int fd;
	int ret;

	if (len >= sizeof(addr.sun_path)) {
		return ENAMETOOLONG;
	}
	memcpy(addr.sun_path, sockpath, len + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		return errno;
	}
	do {
		ret = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	} while (ret == -1 && errno == EINTR);
	if (ret == -1) {
		ret = errno;
		close(fd);
		return ret;
	}
	*pfd = fd;
	return 0;
}

int ctdb_node_client_init(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			  const char *sockpath, struct ctdb_node_client **out)
{
	struct ctdb_node_client *client;
	int fd = -1;
	int ret;

	client = talloc_zero(mem_ctx, struct ctdb_node_client);
	if (client == NULL) {
		return ENOMEM;
	}
	client->ev = ev;
	client->reqid = 1;

	ret = unix_connect(sockpath, &fd);
	if (ret != 0) {
		talloc_free(client);
		return ret;
	}

	client->queue = sock_queue_setup(client, ev, fd, NODE_CLIENT_MAX_PACKET,
					 ctdb_node_client_read, client);
	if (client->queue == NULL) {
		close(fd);
		talloc_free(client);
		return ENOMEM;
	}
	talloc_set_destructor(client, ctdb_node_client_destructor);

	*out = client;
	return 0;
}

void ctdb_node_client_set_disconnect_fn(struct ctdb_node_client *client,
					void (*fn)(void *private_data),
					void *private_data)
{
	client->disconnect_fn = fn;
	client->disconnect_data = private_data;
}

/* Skip reqids still in use, so a wrapped counter never confuses replies. */
static uint32_t next_reqid(struct ctdb_node_client *client)
{
	uint32_t reqid;

	do {
		reqid = client->reqid++;
	} while (pending_find(client, reqid) != NULL);
	return reqid;
}

static int ctdb_node_msg_state_destructor(struct ctdb_node_msg_state *state)
{
	pending_remove(state);
	return 0;
}

static int ctdb_node_msg_write(struct ctdb_node_client *client,
			       struct ctdb_node_msg_state *state,
			       const struct ctdb_node_request *request)
{
	struct ctdb_event_header h = {
		.version = CTDB_NODE_PROTOCOL_VERSION,
		.reqid = state->reqid,
	};
	uint8_t *buf = NULL;
	size_t buflen = 0;
	int ret;

	ret = ctdb_node_request_marshall(state, &h, request, &buf, &buflen);
	if (ret != 0) {
		return ret;
	}
	ret = sock_queue_write(client->queue, buf, buflen);
	talloc_free(buf);
	return ret;
}

static struct tevent_req *
ctdb_node_msg_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		   struct ctdb_node_client *client,
		   const struct ctdb_node_request *request)
{
	struct tevent_req *req;
	struct ctdb_node_msg_state *state;
	int ret;

	req = tevent_req_create(mem_ctx, &state, struct ctdb_node_msg_state);
	if (req == NULL) {
		return NULL;
	}
	state->req = req;
	state->cmd = request->cmd;

	if (client->error != 0) {
		tevent_req_error_unix(req, client->error);
		return tevent_req_post(req, ev);
	}

	state->reqid = next_reqid(client);
	ret = ctdb_node_msg_write(client, state, request);
	if (ret != 0) {
		tevent_req_error_unix(req, ret);
		return tevent_req_post(req, ev);
	}

	pending_add(client, state);
	talloc_set_destructor(state, ctdb_node_msg_state_destructor);
	return req;
}

/*
 * On success *reply is the decoded reply, still owned by the request; the
 * caller takes what it needs before tevent_req_received().
 */
static bool ctdb_node_msg_recv(struct tevent_req *req, int *perr,
			       struct ctdb_node_reply **reply)
{
	struct ctdb_node_msg_state *state = tevent_req_data(
		req, struct ctdb_node_msg_state);
	int err;

	if (tevent_req_is_unix_error(req, &err)) {
		*perr = err;
		return false;
	}
	*reply = state->reply;
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
static bool ctdb_node_result_recv(struct tevent_req *req, int *perr,
				  int *result)
{
	struct ctdb_node_reply *reply = NULL;
	bool ok;

	ok = ctdb_node_msg_recv(req, perr, &reply);
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

	ok = ctdb_node_msg_recv(req, perr, &reply);
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

	ok = ctdb_node_msg_recv(req, perr, &reply);
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

	ok = ctdb_node_msg_recv(req, perr, &reply);
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

	ok = ctdb_node_msg_recv(req, perr, &reply);
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
	return ctdb_node_result_recv(req, perr, result);
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

	ok = ctdb_node_msg_recv(req, perr, &reply);
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
	return ctdb_node_result_recv(req, perr, result);
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
	return ctdb_node_result_recv(req, perr, result);
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
	return ctdb_node_result_recv(req, perr, result);
}
