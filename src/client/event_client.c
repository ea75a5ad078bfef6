/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client for ctdb-eventd: pipelined requests matched to replies by reqid. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "client/event_client.h"
#include "common/sock_client.h"
#include "protocol/event_protocol_api.h"

/*
 * A STATUS reply carries every script's output; CTDB puts no limit on it,
 * so allow large replies but still refuse absurd lengths from a broken
 * peer before allocating them.
 */
#define EVENT_CLIENT_MAX_PACKET (256U * 1024U * 1024U)

/* The transport, reqid matching included, is the generic socket client. */
struct ctdb_event_client {
	struct sock_client *sock;
};

static int ctdb_event_reply_decode(const uint8_t *buf, size_t buflen,
				   TALLOC_CTX *mem_ctx, void *private_data,
				   void **preply)
{
	struct ctdb_event_header h;
	struct ctdb_event_reply *reply = NULL;
	int ret;

	ret = ctdb_event_reply_pull(buf, buflen, &h, mem_ctx, &reply);
	if (ret != 0) {
		return ret;
	}
	*preply = reply;
	return 0;
}

int ctdb_event_client_init(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			   const char *sockpath, uint32_t reqid_start,
			   struct ctdb_event_client **out)
{
	struct ctdb_event_client *client;
	int ret;

	client = talloc_zero(mem_ctx, struct ctdb_event_client);
	if (client == NULL) {
		return ENOMEM;
	}
	ret = sock_client_init(client, ev, sockpath, EVENT_CLIENT_MAX_PACKET,
			       reqid_start, ctdb_event_reply_decode, NULL,
			       &client->sock);
	if (ret != 0) {
		talloc_free(client);
		return ret;
	}

	*out = client;
	return 0;
}

void ctdb_event_client_set_disconnect_fn(struct ctdb_event_client *client,
					 void (*fn)(void *private_data),
					 void *private_data)
{
	sock_client_set_disconnect_fn(client->sock, fn, private_data);
}

static int ctdb_event_request_encode(TALLOC_CTX *mem_ctx, uint32_t reqid,
				     void *private_data, uint8_t **pbuf,
				     size_t *pbuflen)
{
	const struct ctdb_event_request *request = private_data;
	struct ctdb_event_header h = {
		.version = CTDB_EVENT_WIRE_VERSION,
		.reqid = reqid,
	};

	return ctdb_event_request_marshall(mem_ctx, &h, request, pbuf,
					   pbuflen);
}

static struct tevent_req *
ctdb_event_msg_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		    struct ctdb_event_client *client,
		    struct ctdb_event_request *request)
{
	/* The request is encoded at once, so it may live on the stack. */
	return sock_client_msg_send(mem_ctx, ev, client->sock,
				    ctdb_event_request_encode, request);
}

/*
 * On success *preply is the decoded reply, still owned by the request; a
 * reply to another command than the one sent is a protocol error.
 */
static bool ctdb_event_msg_recv(struct tevent_req *req, uint32_t cmd,
				int *perr, struct ctdb_event_reply **preply)
{
	struct ctdb_event_reply *reply;
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

struct tevent_req *ctdb_event_run_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       struct ctdb_event_client *client,
				       const struct ctdb_event_request_run *run)
{
	struct ctdb_event_request_run data = *run;
	struct ctdb_event_request request = {
		.cmd = CTDB_EVENT_CMD_RUN,
		.data.run = &data,
	};

	return ctdb_event_msg_send(mem_ctx, ev, client, &request);
}

bool ctdb_event_run_recv(struct tevent_req *req, int *perr, int *result)
{
	struct ctdb_event_reply *reply = NULL;
	bool ok;

	ok = ctdb_event_msg_recv(req, CTDB_EVENT_CMD_RUN, perr, &reply);
	if (ok) {
		*result = reply->result;
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *
ctdb_event_run_input_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			  struct ctdb_event_client *client,
			  const struct ctdb_event_request_run *run,
			  const char *input)
{
	struct ctdb_event_request_run_input data = {
		.run = *run,
		.input = input,
	};
	struct ctdb_event_request request = {
		.cmd = CTDB_EVENT_CMD_RUN_INPUT,
		.data.run_input = &data,
	};

	return ctdb_event_msg_send(mem_ctx, ev, client, &request);
}

bool ctdb_event_run_input_recv(struct tevent_req *req, int *perr,
			       int *result)
{
	struct ctdb_event_reply *reply = NULL;
	bool ok;

	ok = ctdb_event_msg_recv(req, CTDB_EVENT_CMD_RUN_INPUT, perr, &reply);
	if (ok) {
		*result = reply->result;
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *
ctdb_event_status_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		       struct ctdb_event_client *client,
		       const struct ctdb_event_request_status *status)
{
	struct ctdb_event_request_status data = *status;
	struct ctdb_event_request request = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.data.status = &data,
	};

	return ctdb_event_msg_send(mem_ctx, ev, client, &request);
}

bool ctdb_event_status_recv(struct tevent_req *req, int *perr, int *result,
			    TALLOC_CTX *mem_ctx,
			    struct ctdb_event_reply_status **status)
{
	struct ctdb_event_reply *reply = NULL;
	bool ok;

	ok = ctdb_event_msg_recv(req, CTDB_EVENT_CMD_STATUS, perr, &reply);
	if (!ok) {
		tevent_req_received(req);
		return false;
	}
	/* The decoder gives a body with every successful STATUS reply. */
	if (reply->result == 0 && reply->data.status == NULL) {
		*perr = EPROTO;
		tevent_req_received(req);
		return false;
	}
	*result = reply->result;
	if (reply->result == 0) {
		*status = talloc_steal(mem_ctx, reply->data.status);
	}
	tevent_req_received(req);
	return true;
}

struct tevent_req *
ctdb_event_script_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		       struct ctdb_event_client *client,
		       const struct ctdb_event_request_script *script)
{
	struct ctdb_event_request_script data = *script;
	struct ctdb_event_request request = {
		.cmd = CTDB_EVENT_CMD_SCRIPT,
		.data.script = &data,
	};

	return ctdb_event_msg_send(mem_ctx, ev, client, &request);
}

bool ctdb_event_script_recv(struct tevent_req *req, int *perr, int *result)
{
	struct ctdb_event_reply *reply = NULL;
	bool ok;

	ok = ctdb_event_msg_recv(req, CTDB_EVENT_CMD_SCRIPT, perr, &reply);
	if (ok) {
		*result = reply->result;
	}
	tevent_req_received(req);
	return ok;
}

struct tevent_req *
ctdb_event_history_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			struct ctdb_event_client *client, const char *component,
			const char *event)
{
	struct ctdb_event_request_status data = {
		.component = component,
		.event = event,
	};
	struct ctdb_event_request request = {
		.cmd = CTDB_EVENT_CMD_HISTORY,
		.data.history = &data,
	};

	return ctdb_event_msg_send(mem_ctx, ev, client, &request);
}

struct tevent_req *ctdb_event_metrics_send(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   struct ctdb_event_client *client)
{
	struct ctdb_event_request request = {
		.cmd = CTDB_EVENT_CMD_METRICS,
	};

	return ctdb_event_msg_send(mem_ctx, ev, client, &request);
}

static bool ctdb_event_text_recv(struct tevent_req *req, uint32_t cmd,
				 int *perr, int *result, TALLOC_CTX *mem_ctx,
				 char **text)
{
	struct ctdb_event_reply *reply = NULL;
	bool ok;

	ok = ctdb_event_msg_recv(req, cmd, perr, &reply);
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

bool ctdb_event_history_recv(struct tevent_req *req, int *perr, int *result,
			     TALLOC_CTX *mem_ctx, char **json)
{
	return ctdb_event_text_recv(req, CTDB_EVENT_CMD_HISTORY, perr, result,
				    mem_ctx, json);
}

bool ctdb_event_metrics_recv(struct tevent_req *req, int *perr, int *result,
			     TALLOC_CTX *mem_ctx, char **text)
{
	return ctdb_event_text_recv(req, CTDB_EVENT_CMD_METRICS, perr, result,
				    mem_ctx, text);
}
