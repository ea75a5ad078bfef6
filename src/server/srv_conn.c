/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server side of a client connection, shared by both daemons. */
#include <errno.h>
#include <string.h>

#include "common/dlist.h"
#include "common/logging.h"
#include "common/sock_io.h"
#include "protocol/protocol_basic.h"
#include "server/srv_conn.h"
#include "server/watch_server.h"

struct srv_call;

struct srv_conn {
	TALLOC_CTX *owner; /* the daemon's: requests hang off it */
	struct tevent_context *ev;
	const struct srv_conn_protocol *proto;
	struct keyspace *ks;
	void *private_data;
	struct sock_queue *queue;
	struct srv_call *calls;         /* requests awaiting their reply */
	struct ctdb_watch_target watch; /* no cmds: no WATCH yet */
	bool version_logged;            /* a foreign version, said once */
};

/* One request in flight. It outlives its connection (conn NULL then). */
struct srv_call {
	struct srv_call *prev, *next;
	struct srv_conn *conn;
	uint32_t reqid;
	uint32_t cmd; /* for the log */
	struct tevent_req *req;
};

static int srv_call_destructor(struct srv_call *call)
{
	if (call->conn != NULL) {
		DLIST_REMOVE(call->conn->calls, call);
	}
	return 0;
}

static int srv_conn_destructor(struct srv_conn *conn)
{
	struct srv_call *call;

	/* The requests go on; their replies will have nowhere to go. */
	while (conn->calls != NULL) {
		call = conn->calls;
		DLIST_REMOVE(conn->calls, call);
		call->conn = NULL;
	}
	return 0;
}

/* ---------- the reply path ---------- */

/*
 * Encode and queue the reply of a finished call. @return 0, or an errno
 * after which the caller closes the connection.
 */
static int srv_call_reply(struct srv_call *call)
{
	struct srv_conn *conn = call->conn;
	struct ctdb_event_header h = { 0 };
	uint8_t *buf = NULL;
	size_t buflen = 0;
	int ret;

	if (conn == NULL) {
		D_DEBUG("Reply to command %u dropped: the client has gone",
			call->cmd);
		return 0;
	}
	h.version = conn->proto->version;
	h.reqid = call->reqid;
	ret = conn->proto->reply_marshall(call->req, call, &h, &buf, &buflen);
	if (ret != 0) {
		D_ERR("Failed to encode the reply to command %u: %s; "
		      "closing the connection",
		      call->cmd, strerror(ret));
		return ret;
	}
	ret = sock_queue_write(conn->queue, buf, buflen);
	talloc_free(buf);
	if (ret != 0) {
		/* EPIPE: the connection is failing and says so itself. */
		D_ERR("Failed to queue the reply to command %u: %s", call->cmd,
		      strerror(ret));
	}
	return 0;
}

static void srv_call_done(struct tevent_req *req)
{
	struct srv_call *call = tevent_req_callback_data(req, struct srv_call);
	struct srv_conn *conn = call->conn;
	int ret;

	ret = srv_call_reply(call);
	talloc_free(call);
	if (ret != 0 && conn != NULL) {
		talloc_free(conn);
	}
}

/* ---------- requests ---------- */

/* Start serving a request. @return 0, or an errno: close the connection. */
static int srv_conn_serve(struct srv_conn *conn,
			  const struct ctdb_event_header *h, uint32_t cmd,
			  const uint8_t *buf, size_t buflen)
{
	struct srv_call *call;
	void *request = NULL;
	bool waiting;
	int ret;

	call = talloc_zero(conn->owner, struct srv_call);
	if (call == NULL) {
		D_ERR("No memory to serve command %u", cmd);
		return ENOMEM;
	}
	ret = conn->proto->request_pull(call, buf, buflen, &request);
	if (ret != 0) {
		D_ERR("Invalid packet received, buflen=%zu: %s", buflen,
		      ret == EINVAL ? "unknown command or value out of range"
				    : "malformed");
		talloc_free(call);
		return ret;
	}
	call->conn = conn;
	call->reqid = h->reqid;
	call->cmd = cmd;
	DLIST_ADD_END(conn->calls, call);
	talloc_set_destructor(call, srv_call_destructor);

	call->req = conn->proto->request_send(call, conn->ev, request,
					      conn->private_data);
	talloc_free(request);
	if (call->req == NULL) {
		D_ERR("No memory to serve command %u", cmd);
		talloc_free(call);
		return ENOMEM;
	}
	waiting = tevent_req_is_in_progress(call->req);
	if (waiting) {
		tevent_req_set_callback(call->req, srv_call_done, call);
		return 0;
	}
	/* Done already: answer now, before the next packet is read. */
	ret = srv_call_reply(call);
	talloc_free(call);
	return ret;
}

/*
 * The header version rule (srv_conn.h). @return 0 to serve the packet, or
 * an errno to close the connection.
 */
static int srv_conn_check_version(struct srv_conn *conn,
				  const struct ctdb_event_header *h)
{
	const struct srv_conn_protocol *proto = conn->proto;

	if (h->version == 0 || h->version == proto->version) {
		return 0;
	}
	if (!proto->serve_any_version) {
		D_ERR("Request with header version %u refused: this socket "
		      "speaks version %u (0 is accepted too); "
		      "closing the connection",
		      h->version, proto->version);
		return EPROTONOSUPPORT;
	}
	if (!conn->version_logged) {
		D_ERR("Request with header version %u: clients of this socket "
		      "send %u; served all the same, as CTDB's daemon does "
		      "(not logged again for this connection)",
		      h->version, proto->version);
		conn->version_logged = true;
	}
	return 0;
}

static void srv_conn_log_failure(const struct srv_conn *conn, int err)
{
	if (err == 0) {
		return; /* the client closed the connection */
	}
	if (err == EMSGSIZE) {
		D_ERR("Invalid packet received: longer than %zu bytes",
		      conn->proto->max_request);
		return;
	}
	if (err == EPROTO) {
		D_ERR("Invalid packet received: length below 4 bytes");
		return;
	}
	D_ERR("Client connection failed: %s", strerror(err));
}

/* Handle one packet. @return 0, or an errno: close the connection. */
static int srv_conn_packet(struct srv_conn *conn, const uint8_t *buf,
			   size_t buflen)
{
	const struct ctdb_watch_cmds *watch_cmds = conn->proto->watch_cmds;
	struct ctdb_event_header h;
	uint32_t cmd = 0;
	int ret;

	ret = ctdb_header_pull(buf, buflen, &h);
	if (ret != 0) {
		D_ERR("Invalid packet received, buflen=%zu: malformed",
		      buflen);
		return ret;
	}
	ret = srv_conn_check_version(conn, &h);
	if (ret != 0) {
		return ret;
	}
	/* Too short for a cmd: request_pull says it is malformed. */
	(void)ctdb_watch_peek_cmd(buf, buflen, &cmd);
	if (watch_cmds != NULL && cmd == watch_cmds->watch) {
		return watch_server_start(conn->queue, conn->ks, buf, buflen,
					  watch_cmds, conn->proto->version,
					  &conn->watch);
	}
	return srv_conn_serve(conn, &h, cmd, buf, buflen);
}

static void srv_conn_read(uint8_t *buf, size_t buflen, int err,
			  void *private_data)
{
	struct srv_conn *conn = talloc_get_type_abort(private_data,
						      struct srv_conn);
	int ret;

	if (buf == NULL) {
		srv_conn_log_failure(conn, err);
		talloc_free(conn);
		return;
	}
	ret = srv_conn_packet(conn, buf, buflen);
	if (ret != 0) {
		talloc_free(conn);
	}
}

bool srv_conn_accept(TALLOC_CTX *mem_ctx, struct tevent_context *ev, int fd,
		     const struct srv_conn_protocol *proto,
		     struct keyspace *ks, void *private_data)
{
	struct srv_conn *conn;

	conn = talloc_zero(mem_ctx, struct srv_conn);
	if (conn == NULL) {
		return false;
	}
	conn->owner = mem_ctx;
	conn->ev = ev;
	conn->proto = proto;
	conn->ks = ks;
	conn->private_data = private_data;
	conn->queue = sock_queue_setup(conn, ev, fd, proto->max_request,
				       srv_conn_read, conn);
	if (conn->queue == NULL) {
		talloc_free(conn);
		return false;
	}
	talloc_set_destructor(conn, srv_conn_destructor);
	return true;
}
