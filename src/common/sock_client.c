/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client on a Unix socket: pipelined requests matched to replies by reqid. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/sock_client.h"
#include "common/dlist.h"
#include "common/sock_io.h"
#include "common/tevent_unix.h"

/* Where the reqid sits in the CTDB header: after length and version. */
#define SOCK_CLIENT_REQID_OFFSET 8

struct sock_client_msg_state;

struct sock_client {
	struct tevent_context *ev;
	struct sock_queue *queue;
	uint32_t reqid;
	/* Requests sent and not yet answered, newest first. */
	struct sock_client_msg_state *pending;
	/* 0 while connected; afterwards the error every new request gets. */
	int error;
	sock_client_decode_fn decode_fn;
	void *decode_data;
	void (*disconnect_fn)(void *private_data);
	void *disconnect_data;
	void (*stream_fn)(const uint8_t *buf, size_t buflen,
			  void *private_data);
	void *stream_data;
};

struct sock_client_msg_state {
	struct sock_client_msg_state *prev;
	struct sock_client_msg_state *next;
	struct tevent_req *req;
	struct sock_client *client; /* NULL once answered or failed */
	uint32_t reqid;
	void *reply;
};

static void pending_add(struct sock_client *client,
			struct sock_client_msg_state *state)
{
	state->client = client;
	DLIST_ADD(client->pending, state);
}

static void pending_remove(struct sock_client_msg_state *state)
{
	struct sock_client *client = state->client;

	if (client == NULL) {
		return;
	}
	DLIST_REMOVE(client->pending, state);
	state->client = NULL;
}

static struct sock_client_msg_state *pending_find(struct sock_client *client,
						  uint32_t reqid)
{
	struct sock_client_msg_state *state;

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
static void pending_fail_all(struct sock_client *client, int err)
{
	while (client->pending != NULL) {
		struct sock_client_msg_state *state = client->pending;

		pending_remove(state);
		tevent_req_defer_callback(state->req, client->ev);
		tevent_req_error_unix(state->req, err);
	}
}

static int sock_client_destructor(struct sock_client *client)
{
	pending_fail_all(client, EPIPE);
	return 0;
}

/* The connection is unusable: close it, fail everything, tell the owner. */
static void sock_client_fail(struct sock_client *client, int err)
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
	/* EOF (0), ECONNRESET, EPIPE, ...: the peer is gone. */
	return EPIPE;
}

static void sock_client_read(uint8_t *buf, size_t buflen, int err,
			     void *private_data)
{
	struct sock_client *client = talloc_get_type_abort(
		private_data, struct sock_client);
	struct sock_client_msg_state *state;
	void *reply = NULL;
	uint32_t reqid;
	int ret;

	if (buf == NULL) {
		sock_client_fail(client, read_error_to_errno(err));
		return;
	}

	if (buflen < SOCK_CLIENT_HEADER_LEN) {
		sock_client_fail(client, EPROTO);
		return;
	}
	memcpy(&reqid, buf + SOCK_CLIENT_REQID_OFFSET, sizeof(reqid));

	/* A reply to a request nobody waits for any more is of no use. */
	state = pending_find(client, reqid);
	if (state == NULL) {
		if (client->stream_fn != NULL) {
			client->stream_fn(buf, buflen, client->stream_data);
		}
		return;
	}

	ret = client->decode_fn(buf, buflen, state, client->decode_data,
				&reply);
	if (ret != 0) {
		sock_client_fail(client, EPROTO);
		return;
	}

	pending_remove(state);
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

int sock_client_init(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		     const char *sockpath, size_t max_packet,
		     uint32_t reqid_start, sock_client_decode_fn decode_fn,
		     void *decode_data, struct sock_client **out)
{
	struct sock_client *client;
	int fd = -1;
	int ret;

	client = talloc_zero(mem_ctx, struct sock_client);
	if (client == NULL) {
		return ENOMEM;
	}
	client->ev = ev;
	client->reqid = reqid_start;
	client->decode_fn = decode_fn;
	client->decode_data = decode_data;

	ret = unix_connect(sockpath, &fd);
	if (ret != 0) {
		talloc_free(client);
		return ret;
	}

	client->queue = sock_queue_setup(client, ev, fd, max_packet,
					 sock_client_read, client);
	if (client->queue == NULL) {
		close(fd);
		talloc_free(client);
		return ENOMEM;
	}
	talloc_set_destructor(client, sock_client_destructor);

	*out = client;
	return 0;
}

void sock_client_set_disconnect_fn(struct sock_client *client,
				   void (*fn)(void *private_data),
				   void *private_data)
{
	client->disconnect_fn = fn;
	client->disconnect_data = private_data;
}

void sock_client_set_stream_fn(struct sock_client *client,
			       void (*fn)(const uint8_t *buf, size_t buflen,
					  void *private_data),
			       void *private_data)
{
	client->stream_fn = fn;
	client->stream_data = private_data;
}

/* Skip reqids still in use, so a wrapped counter never confuses replies. */
static uint32_t next_reqid(struct sock_client *client)
{
	uint32_t reqid;

	do {
		reqid = client->reqid++;
	} while (pending_find(client, reqid) != NULL);
	return reqid;
}

static int sock_client_msg_state_destructor(
	struct sock_client_msg_state *state)
{
	pending_remove(state);
	return 0;
}

static int sock_client_msg_write(struct sock_client *client,
				 struct sock_client_msg_state *state,
				 sock_client_encode_fn encode_fn,
				 void *encode_data)
{
	uint8_t *buf = NULL;
	size_t buflen = 0;
	int ret;

	ret = encode_fn(state, state->reqid, encode_data, &buf, &buflen);
	if (ret != 0) {
		return ret;
	}
	ret = sock_queue_write(client->queue, buf, buflen);
	talloc_free(buf);
	return ret;
}

struct tevent_req *sock_client_msg_send(TALLOC_CTX *mem_ctx,
					struct tevent_context *ev,
					struct sock_client *client,
					sock_client_encode_fn encode_fn,
					void *encode_data)
{
	struct tevent_req *req;
	struct sock_client_msg_state *state;
	int ret;

	req = tevent_req_create(mem_ctx, &state,
				struct sock_client_msg_state);
	if (req == NULL) {
		return NULL;
	}
	state->req = req;

	if (client->error != 0) {
		tevent_req_error_unix(req, client->error);
		return tevent_req_post(req, ev);
	}

	state->reqid = next_reqid(client);
	ret = sock_client_msg_write(client, state, encode_fn, encode_data);
	if (ret != 0) {
		tevent_req_error_unix(req, ret);
		return tevent_req_post(req, ev);
	}

	pending_add(client, state);
	talloc_set_destructor(state, sock_client_msg_state_destructor);
	return req;
}

bool sock_client_msg_recv(struct tevent_req *req, int *perr, void **reply)
{
	struct sock_client_msg_state *state = tevent_req_data(
		req, struct sock_client_msg_state);
	int err;

	if (tevent_req_is_unix_error(req, &err)) {
		*perr = err;
		return false;
	}
	*reply = state->reply;
	return true;
}
