/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for srv_conn: reply order, versions, failures, disconnects. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>
#include <tevent.h>

#include "common/keyspace.h"
#include "common/sock_io.h"
#include "common/tevent_unix.h"
#include "protocol/event_protocol_api.h"
#include "protocol/watch_protocol.h"
#include "server/srv_conn.h"

/*
 * The daemon under test is a fake one speaking the event protocol: a RUN's
 * event name says what its handler does.
 *   "now"     completes at once, result 0
 *   "later"   completes when the test says so, result = its timeout field
 *   "fail"    the request fails with EIO
 *   "nomem"   request_send returns NULL
 *   "badreply" completes, but its reply cannot be encoded
 * The client is a sock_queue on the other end of a socketpair.
 */

/* Only reached when something is broken. */
#define WAIT_SECS 10
#define MAX_REPLIES 16
#define MAX_PENDING 8

struct pending {
	struct tevent_req *req;
	bool freed; /* the handler's state went away */
};

struct fixture {
	TALLOC_CTX *mem;
	TALLOC_CTX *daemon; /* what srv_conn_accept hangs everything off */
	struct tevent_context *ev;
	struct keyspace *ks;
	struct srv_conn_protocol proto;
	int fds[2]; /* [0] the server's, [1] the client's */
	struct sock_queue *client;

	struct ctdb_event_header hdr[MAX_REPLIES];
	uint32_t cmd[MAX_REPLIES];
	int32_t result[MAX_REPLIES];
	const char *line[MAX_REPLIES]; /* NOTIFY only */
	unsigned nreplies;
	bool closed;

	unsigned sends; /* request_send calls */
	struct pending pending[MAX_PENDING];
	unsigned npending;
};

/* ---------- the fake daemon ---------- */

struct fake_state {
	struct fixture *f;
	struct pending *pending; /* "later" only */
	struct ctdb_event_reply reply;
	bool bad_reply;
};

static int fake_state_destructor(struct fake_state *state)
{
	if (state->pending != NULL) {
		state->pending->freed = true;
		state->pending->req = NULL;
	}
	return 0;
}

static int fake_pull(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t buflen,
		     void **prequest)
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

static struct tevent_req *fake_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev, void *request,
				    void *private_data)
{
	struct fixture *f = private_data;
	struct ctdb_event_request *r = request;
	const char *event = r->data.run->event;
	struct fake_state *state;
	struct tevent_req *req;

	f->sends++;
	if (strcmp(event, "nomem") == 0) {
		return NULL;
	}
	req = tevent_req_create(mem_ctx, &state, struct fake_state);
	assert_non_null(req);
	state->f = f;
	state->reply.cmd = r->cmd;
	if (strcmp(event, "later") == 0) {
		assert_true(f->npending < MAX_PENDING);
		state->pending = &f->pending[f->npending++];
		state->pending->req = req;
		state->reply.result = (int32_t)r->data.run->timeout;
		talloc_set_destructor(state, fake_state_destructor);
		return req;
	}
	if (strcmp(event, "fail") == 0) {
		tevent_req_error_unix(req, EIO);
		return tevent_req_post(req, ev);
	}
	state->bad_reply = (strcmp(event, "badreply") == 0);
	tevent_req_done(req);
	return tevent_req_post(req, ev);
}

static int fake_marshall(struct tevent_req *req, TALLOC_CTX *mem_ctx,
			 struct ctdb_event_header *h, uint8_t **pbuf,
			 size_t *pbuflen)
{
	struct fake_state *state = tevent_req_data(req, struct fake_state);
	int err;

	if (state->bad_reply) {
		return EMSGSIZE;
	}
	if (tevent_req_is_unix_error(req, &err)) {
		state->reply.result = err;
	}
	return ctdb_event_reply_marshall(mem_ctx, h, &state->reply, pbuf,
					 pbuflen);
}

/* Finish the n-th "later" request. */
static void complete_pending(struct fixture *f, unsigned n)
{
	assert_true(n < f->npending);
	assert_non_null(f->pending[n].req);
	tevent_req_done(f->pending[n].req);
}

/* ---------- the client ---------- */

static void client_read(uint8_t *buf, size_t buflen, int err,
			void *private_data)
{
	struct fixture *f = private_data;
	struct ctdb_event_reply *reply = NULL;
	struct ctdb_watch_reply *wreply = NULL;
	unsigned i = f->nreplies;
	int ret;

	if (buf == NULL) {
		f->closed = true;
		return;
	}
	assert_true(i < MAX_REPLIES);
	ret = ctdb_event_reply_pull(buf, buflen, &f->hdr[i], f->mem, &reply);
	if (ret == 0) {
		f->cmd[i] = reply->cmd;
		f->result[i] = reply->result;
	} else {
		ret = ctdb_watch_reply_pull(buf, buflen, &ctdb_watch_cmds_event,
					    &f->hdr[i], f->mem, &wreply);
		assert_int_equal(ret, 0);
		f->cmd[i] = wreply->cmd;
		f->result[i] = wreply->result;
		f->line[i] = wreply->line;
	}
	f->nreplies++;
}

static void send_packet(struct fixture *f, uint8_t *buf, size_t buflen)
{
	int ret;

	ret = sock_queue_write(f->client, buf, buflen);
	assert_int_equal(ret, 0);
	talloc_free(buf);
}

/* A RUN of event (see the top of the file) with reqid and version. */
static void send_run(struct fixture *f, uint32_t reqid, uint32_t version,
		     const char *event, uint32_t timeout)
{
	struct ctdb_event_request_run run = {
		.component = "c",
		.event = event,
		.timeout = timeout,
	};
	struct ctdb_event_request request = {
		.cmd = CTDB_EVENT_CMD_RUN,
		.data.run = &run,
	};
	struct ctdb_event_header h = {
		.version = version,
		.reqid = reqid,
	};
	uint8_t *buf = NULL;
	size_t buflen = 0;
	int ret;

	ret = ctdb_event_request_marshall(f->mem, &h, &request, &buf,
					  &buflen);
	assert_int_equal(ret, 0);
	send_packet(f, buf, buflen);
}

static void timed_out(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	bool *flag = private_data;

	*flag = true;
}

/* Run the loop until n replies came, or the connection closed. */
static void wait_replies(struct fixture *f, unsigned n)
{
	struct tevent_timer *te;
	bool expired = false;

	te = tevent_add_timer(f->ev, f->mem,
			      tevent_timeval_current_ofs(WAIT_SECS, 0),
			      timed_out, &expired);
	assert_non_null(te);
	while (f->nreplies < n && !f->closed && !expired) {
		assert_int_equal(tevent_loop_once(f->ev), 0);
	}
	assert_false(expired);
	talloc_free(te);
}

/* Run the loop a little, for things that must not happen. */
static void spin(struct fixture *f)
{
	struct tevent_timer *te;
	bool expired = false;

	te = tevent_add_timer(f->ev, f->mem,
			      tevent_timeval_current_ofs(0, 100 * 1000),
			      timed_out, &expired);
	assert_non_null(te);
	while (!expired) {
		assert_int_equal(tevent_loop_once(f->ev), 0);
	}
	/* A timer that fired is freed by tevent. */
}

/* Run the loop until n "later" requests are being served. */
static void wait_pending(struct fixture *f, unsigned n)
{
	struct tevent_timer *te;
	bool expired = false;

	te = tevent_add_timer(f->ev, f->mem,
			      tevent_timeval_current_ofs(WAIT_SECS, 0),
			      timed_out, &expired);
	assert_non_null(te);
	while (f->npending < n && !expired) {
		assert_int_equal(tevent_loop_once(f->ev), 0);
	}
	assert_false(expired);
	talloc_free(te);
	assert_int_equal(f->npending, n);
}

static void wait_closed(struct fixture *f)
{
	wait_replies(f, MAX_REPLIES);
	assert_true(f->closed);
}

static void assert_reply(struct fixture *f, unsigned i, uint32_t reqid,
			 uint32_t version, int32_t result)
{
	assert_true(i < f->nreplies);
	assert_int_equal(f->hdr[i].reqid, reqid);
	assert_int_equal(f->hdr[i].version, version);
	assert_int_equal(f->cmd[i], CTDB_EVENT_CMD_RUN);
	assert_int_equal(f->result[i], result);
}

/* ---------- fixture ---------- */

static int setup_version(void **pstate, uint32_t version, bool serve_any)
{
	struct fixture *f;
	bool ok;
	int ret;

	f = talloc_zero(NULL, struct fixture);
	assert_non_null(f);
	f->mem = f;
	f->daemon = talloc_new(f);
	f->ev = tevent_context_init(f);
	f->ks = keyspace_new(f, f->ev);
	assert_non_null(f->daemon);
	assert_non_null(f->ev);
	assert_non_null(f->ks);
	f->proto = (struct srv_conn_protocol){
		.version = version,
		.serve_any_version = serve_any,
		.max_request = 4096,
		.watch_cmds = &ctdb_watch_cmds_event,
		.request_pull = fake_pull,
		.request_send = fake_send,
		.reply_marshall = fake_marshall,
	};
	ret = socketpair(AF_UNIX, SOCK_STREAM, 0, f->fds);
	assert_int_equal(ret, 0);
	ok = srv_conn_accept(f->daemon, f->ev, f->fds[0], &f->proto, f->ks,
			     f);
	assert_true(ok);
	f->client = sock_queue_setup(f, f->ev, f->fds[1], 1024 * 1024,
				     client_read, f);
	assert_non_null(f->client);
	*pstate = f;
	return 0;
}

/* CTDB's event protocol: version 0, any version served. */
static int setup_event(void **pstate)
{
	return setup_version(pstate, 0, true);
}

/* Our node protocol's rule: version 1, others refused. */
static int setup_node(void **pstate)
{
	return setup_version(pstate, 1, false);
}

static int teardown(void **pstate)
{
	struct fixture *f = *pstate;

	talloc_free(f);
	return 0;
}

/* ---------- tests ---------- */

/* Requests that complete at once are answered in the order they came. */
static void test_immediate_in_order(void **pstate)
{
	struct fixture *f = *pstate;

	send_run(f, 1, 0, "now", 0);
	send_run(f, 2, 0, "now", 0);
	send_run(f, 3, 0, "now", 0);
	wait_replies(f, 3);
	assert_int_equal(f->nreplies, 3);
	assert_reply(f, 0, 1, 0, 0);
	assert_reply(f, 1, 2, 0, 0);
	assert_reply(f, 2, 3, 0, 0);
	assert_false(f->closed);
}

/*
 * Replies go out as requests complete, each with its own reqid: a slow
 * request holds up nothing sent after it.
 */
static void test_completion_order(void **pstate)
{
	struct fixture *f = *pstate;

	send_run(f, 10, 0, "later", 110);
	send_run(f, 11, 0, "later", 111);
	send_run(f, 12, 0, "now", 0);
	wait_replies(f, 1);
	assert_int_equal(f->npending, 2);
	assert_reply(f, 0, 12, 0, 0);

	complete_pending(f, 1);
	wait_replies(f, 2);
	assert_reply(f, 1, 11, 0, 111);

	complete_pending(f, 0);
	wait_replies(f, 3);
	assert_reply(f, 2, 10, 0, 110);
	assert_true(f->pending[0].freed);
	assert_true(f->pending[1].freed);
	spin(f);
	assert_int_equal(f->nreplies, 3);
	assert_false(f->closed);
}

/* A failed request is answered with its errno; the connection goes on. */
static void test_handler_fails(void **pstate)
{
	struct fixture *f = *pstate;

	send_run(f, 20, 0, "fail", 0);
	send_run(f, 21, 0, "now", 0);
	wait_replies(f, 2);
	assert_reply(f, 0, 20, 0, EIO);
	assert_reply(f, 1, 21, 0, 0);
	assert_false(f->closed);
}

/* No memory for a request: the client learns it from the closed socket. */
static void test_handler_nomem_closes(void **pstate)
{
	struct fixture *f = *pstate;

	send_run(f, 30, 0, "nomem", 0);
	wait_closed(f);
	assert_int_equal(f->nreplies, 0);
}

/* A reply that cannot be encoded closes the connection, not a hang. */
static void test_bad_reply_closes(void **pstate)
{
	struct fixture *f = *pstate;

	send_run(f, 31, 0, "badreply", 0);
	wait_closed(f);
	assert_int_equal(f->nreplies, 0);
}

/* A packet that does not decode closes the connection, unanswered. */
static void test_malformed_closes(void **pstate)
{
	struct fixture *f = *pstate;
	/* Header (length 16, version 0, reqid 1), then unknown cmd 99. */
	static const uint8_t unknown_cmd[] = {
		16, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 99, 0, 0, 0,
	};

	send_packet(f, talloc_memdup(f, unknown_cmd, sizeof(unknown_cmd)),
		    sizeof(unknown_cmd));
	wait_closed(f);
	assert_int_equal(f->nreplies, 0);
	assert_int_equal(f->sends, 0);
}

/* Shorter than a header: closed as well. */
static void test_short_packet_closes(void **pstate)
{
	struct fixture *f = *pstate;
	static const uint8_t short_packet[] = { 8, 0, 0, 0, 0, 0, 0, 0 };

	send_packet(f, talloc_memdup(f, short_packet, sizeof(short_packet)),
		    sizeof(short_packet));
	wait_closed(f);
	assert_int_equal(f->sends, 0);
}

/* Event socket: version 0 out whatever came in, as CTDB's daemon. */
static void test_version_event_serves_any(void **pstate)
{
	struct fixture *f = *pstate;

	send_run(f, 40, 0, "now", 0);
	send_run(f, 41, 1, "now", 0);
	send_run(f, 42, 7, "now", 0);
	wait_replies(f, 3);
	assert_reply(f, 0, 40, 0, 0);
	assert_reply(f, 1, 41, 0, 0);
	assert_reply(f, 2, 42, 0, 0);
	assert_false(f->closed);
}

/*
 * Node socket: 0 and its own version are served and answered with its
 * version; another version closes the connection before any handler runs.
 */
static void test_version_node_refuses_unknown(void **pstate)
{
	struct fixture *f = *pstate;

	send_run(f, 50, 1, "now", 0);
	send_run(f, 51, 0, "now", 0);
	wait_replies(f, 2);
	assert_reply(f, 0, 50, 1, 0);
	assert_reply(f, 1, 51, 1, 0);
	assert_int_equal(f->sends, 2);

	send_run(f, 52, 2, "now", 0);
	wait_closed(f);
	assert_int_equal(f->nreplies, 2);
	assert_int_equal(f->sends, 2);
}

/*
 * A client that goes away mid-request: the request still completes (its
 * handler is not cancelled), the reply is dropped, nothing is left over.
 */
static void test_disconnect_mid_request(void **pstate)
{
	struct fixture *f = *pstate;

	send_run(f, 60, 0, "later", 0);
	send_run(f, 61, 0, "later", 0);
	wait_pending(f, 2);

	/* The client hangs up; the server notices at its next read. */
	TALLOC_FREE(f->client);
	spin(f);
	assert_false(f->pending[0].freed);
	assert_false(f->pending[1].freed);

	complete_pending(f, 1);
	spin(f);
	assert_true(f->pending[1].freed);
	assert_false(f->pending[0].freed);

	complete_pending(f, 0);
	spin(f);
	assert_true(f->pending[0].freed);
	/* The connection and both requests are gone: only the daemon's
	 * context itself is left. */
	assert_int_equal(talloc_total_blocks(f->daemon), 1);
}

/* Freeing the daemon with requests in flight and a client connected. */
static void test_daemon_freed_in_flight(void **pstate)
{
	struct fixture *f = *pstate;

	send_run(f, 70, 0, "later", 0);
	wait_pending(f, 1);
	TALLOC_FREE(f->daemon);
	assert_true(f->pending[0].freed);
	wait_closed(f);
	assert_int_equal(f->nreplies, 0);
}

/* WATCH: replied with the protocol's version, then NOTIFY, same reqid. */
static void test_watch_upgrade(void **pstate)
{
	struct fixture *f = *pstate;
	const char *keys[] = { "node.health" };
	struct ctdb_watch_request request = {
		.num_keys = 1,
		.keys = keys,
	};
	struct ctdb_event_header h = {
		.version = 1,
		.reqid = 80,
	};
	uint8_t *buf = NULL;
	size_t buflen = 0;
	int ret;

	ret = ctdb_watch_request_marshall(f->mem, &ctdb_watch_cmds_event, &h,
					  &request, &buf, &buflen);
	assert_int_equal(ret, 0);
	send_packet(f, buf, buflen);
	wait_replies(f, 2);
	assert_int_equal(f->cmd[0], CTDB_EVENT_CMD_WATCH);
	assert_int_equal(f->result[0], 0);
	assert_int_equal(f->hdr[0].version, 1);
	assert_int_equal(f->hdr[0].reqid, 80);
	assert_int_equal(f->cmd[1], CTDB_EVENT_CMD_NOTIFY);
	assert_int_equal(f->hdr[1].version, 1);
	assert_int_equal(f->hdr[1].reqid, 80);
	assert_non_null(strstr(f->line[1], "\"node.health\""));

	/* Other requests are still served on the same connection. */
	send_run(f, 81, 0, "now", 0);
	wait_replies(f, 3);
	assert_reply(f, 2, 81, 1, 0);
	assert_int_equal(f->sends, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_immediate_in_order,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_completion_order,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_handler_fails,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_handler_nomem_closes,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_bad_reply_closes,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_closes,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_short_packet_closes,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_version_event_serves_any,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(
			test_version_node_refuses_unknown, setup_node,
			teardown),
		cmocka_unit_test_setup_teardown(test_disconnect_mid_request,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_freed_in_flight,
						setup_event, teardown),
		cmocka_unit_test_setup_teardown(test_watch_upgrade, setup_node,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
