/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client side of WATCH: follow keys of a daemon, one JSON line per change. */
#include <errno.h>

#include "client/watch_client.h"
#include "common/sock_client.h"
#include "common/tevent_unix.h"

/* A NOTIFY carries one value; event statuses with outputs can be large. */
#define WATCH_CLIENT_MAX_PACKET (64U * 1024U * 1024U)

struct ctdb_watch_state {
	struct tevent_req *req;
	const struct ctdb_watch_cmds *cmds;
	struct sock_client *sock;
	struct ctdb_watch_request request;
	bool started; /* the daemon accepted the WATCH */
	ctdb_watch_line_fn fn;
	void *private_data;
};

static int ctdb_watch_reply_decode(const uint8_t *buf, size_t buflen,
				   TALLOC_CTX *mem_ctx, void *private_data,
				   void **preply)
{
	struct ctdb_watch_state *state = talloc_get_type_abort(
		private_data, struct ctdb_watch_state);
	struct ctdb_watch_reply *reply = NULL;
	struct ctdb_event_header h;
	int ret;

	ret = ctdb_watch_reply_pull(buf, buflen, state->cmds, &h, mem_ctx,
				    &reply);
	if (ret != 0) {
		return ret;
	}
	*preply = reply;
	return 0;
}

static int ctdb_watch_request_encode(TALLOC_CTX *mem_ctx, uint32_t reqid,
				     void *private_data, uint8_t **pbuf,
				     size_t *pbuflen)
{
	struct ctdb_watch_state *state = private_data;
	struct ctdb_event_header h = {
		.version = (state->cmds == &ctdb_watch_cmds_node)
				   ? CTDB_NODE_PROTOCOL_VERSION
				   : CTDB_EVENT_WIRE_VERSION,
		.reqid = reqid,
	};

	return ctdb_watch_request_marshall(mem_ctx, state->cmds, &h,
					   &state->request, pbuf, pbuflen);
}

static void ctdb_watch_stream(const uint8_t *buf, size_t buflen,
			      void *private_data);
static void ctdb_watch_disconnected(void *private_data);
static void ctdb_watch_started(struct tevent_req *subreq);

struct tevent_req *ctdb_watch_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   const char *sockpath,
				   const struct ctdb_watch_cmds *cmds,
				   const char *const *keys, uint32_t num_keys,
				   ctdb_watch_line_fn fn, void *private_data)
{
	struct tevent_req *req;
	struct tevent_req *subreq;
	struct ctdb_watch_state *state;
	int ret;

	req = tevent_req_create(mem_ctx, &state, struct ctdb_watch_state);
	if (req == NULL) {
		return NULL;
	}
	/* Errors are found inside socket callbacks: report from the loop. */
	tevent_req_defer_callback(req, ev);
	state->req = req;
	state->cmds = cmds;
	state->fn = fn;
	state->private_data = private_data;
	state->request.num_keys = num_keys;
	state->request.keys = keys;

	ret = sock_client_init(state, ev, sockpath, WATCH_CLIENT_MAX_PACKET, 1,
			       ctdb_watch_reply_decode, state, &state->sock);
	if (ret != 0) {
		tevent_req_error_unix(req, ret);
		return tevent_req_post(req, ev);
	}
	sock_client_set_stream_fn(state->sock, ctdb_watch_stream, state);
	sock_client_set_disconnect_fn(state->sock, ctdb_watch_disconnected,
				      state);

	subreq = sock_client_msg_send(state, ev, state->sock,
				      ctdb_watch_request_encode, state);
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, ctdb_watch_started, req);
	return req;
}

static void ctdb_watch_started(struct tevent_req *subreq)
{
	struct tevent_req *req = tevent_req_callback_data(subreq,
							  struct tevent_req);
	struct ctdb_watch_state *state = tevent_req_data(
		req, struct ctdb_watch_state);
	struct ctdb_watch_reply *reply = NULL;
	void *msg = NULL;
	bool ok;
	int err = 0;

	ok = sock_client_msg_recv(subreq, &err, &msg);
	if (!ok) {
		TALLOC_FREE(subreq);
		/* Closed without an answer: the daemon knows no WATCH. */
		tevent_req_error_unix(req, err == EPIPE ? EOPNOTSUPP : err);
		return;
	}
	reply = msg;
	if (reply->cmd != state->cmds->watch) {
		TALLOC_FREE(subreq);
		tevent_req_error_unix(req, EPROTO);
		return;
	}
	err = reply->result;
	TALLOC_FREE(subreq);
	if (err != 0) {
		tevent_req_error_unix(req, err);
		return;
	}
	state->started = true;
}

static void ctdb_watch_stream(const uint8_t *buf, size_t buflen,
			      void *private_data)
{
	struct ctdb_watch_state *state = talloc_get_type_abort(
		private_data, struct ctdb_watch_state);
	struct ctdb_watch_reply *reply = NULL;
	struct ctdb_event_header h;
	int ret;

	if (!state->started || !tevent_req_is_in_progress(state->req)) {
		return;
	}
	ret = ctdb_watch_reply_pull(buf, buflen, state->cmds, &h, state,
				    &reply);
	if (ret != 0 || reply->cmd != state->cmds->notify) {
		TALLOC_FREE(reply);
		tevent_req_error_unix(state->req, EPROTO);
		return;
	}
	state->fn(reply->line, state->private_data);
	talloc_free(reply);
}

static void ctdb_watch_disconnected(void *private_data)
{
	struct ctdb_watch_state *state = talloc_get_type_abort(
		private_data, struct ctdb_watch_state);

	/* Before the answer, the WATCH request itself fails. */
	if (state->started && tevent_req_is_in_progress(state->req)) {
		tevent_req_error_unix(state->req, EPIPE);
	}
}

bool ctdb_watch_recv(struct tevent_req *req, int *perr)
{
	int err = 0;

	if (tevent_req_is_unix_error(req, &err)) {
		*perr = err;
		return false;
	}
	*perr = EPROTO;
	return false;
}
