/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server side of a client connection, shared by both daemons. */
#ifndef CTDB_SERVER_SRV_CONN_H
#define CTDB_SERVER_SRV_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include <tevent.h>

#include "common/keyspace.h"
#include "protocol/event_protocol.h" /* struct ctdb_event_header */
#include "protocol/watch_protocol.h"

/*
 * Both daemons serve their socket the way Samba's sock_daemon does: every
 * packet read is one request, served by the daemon's handler as one
 * tevent_req, and its reply is written when that request completes. This
 * layer does, once for both sockets:
 *
 *  - framing and the request size limit (sock_io);
 *  - the header version rule below, checked on every packet received;
 *  - WATCH: the connection also becomes a stream of NOTIFY (watch_server);
 *  - a packet that does not decode is logged and the connection closed,
 *    as CTDB's daemon does (it sends no error reply);
 *  - the reply, with the request's reqid and the protocol's version.
 *
 * Reply order. Replies are written in the order their requests complete,
 * and clients match them by reqid: ctdbd keeps several RUNs in flight on
 * one connection, and a RUN that waits for its component must not hold up
 * the STATUS sent after it. A request whose handler completes at once
 * (tevent_req_post) is answered before the next packet is read, so such
 * requests are answered in the order they arrived.
 *
 * Requests belong to the daemon, not to the connection: when a client goes
 * away, what it asked for still completes (a half-done takeip or a STOP is
 * never abandoned); only the reply is dropped.
 *
 * Header version rule. Both sockets use CTDB's 12-byte header. CTDB's
 * event daemon sends 0 in both directions and never checks the field
 * (Samba defines CTDB_EVENT_PROTOCOL_VERSION 1 but never sends it). So:
 *  - every reply carries the protocol's version: 0 on the event socket,
 *    which is what Samba's ctdb-event and ctdbd get from their own daemon,
 *    and CTDB_NODE_PROTOCOL_VERSION on the node socket (WATCH replies and
 *    NOTIFY included);
 *  - a request may carry 0 (the value of CTDB's framing) or the
 *    protocol's version;
 *  - any other version is logged as an error that names it. On the event
 *    socket the request is still served, as CTDB's daemon serves it (once
 *    per connection in the log); on the node socket the connection is
 *    closed without a reply, since a newer layout would be misread.
 */

struct srv_conn_protocol {
	/* Sent in every reply; accepted in requests, as is 0. */
	uint32_t version;
	/* Serve requests with another version (logged): CTDB's behaviour. */
	bool serve_any_version;
	/* Longer packets close the connection. */
	size_t max_request;
	/* The socket's WATCH and NOTIFY command numbers (NULL: no WATCH). */
	const struct ctdb_watch_cmds *watch_cmds;

	/*
	 * Decode the request in buf, a whole packet whose header has passed
	 * the version rule. @return 0 with *prequest a talloc child of
	 * mem_ctx; EINVAL for an unknown command or a value out of range
	 * (an action, a length limit), EPROTO for a malformed packet: the
	 * connection is then closed.
	 */
	int (*request_pull)(TALLOC_CTX *mem_ctx, const uint8_t *buf,
			    size_t buflen, void **prequest);
	/*
	 * Serve a decoded request. The request is freed when this returns:
	 * keep copies of what the request still needs. private_data is the
	 * one given to srv_conn_accept().
	 * @return the request, or NULL when memory ran out (the connection
	 * is then closed).
	 */
	struct tevent_req *(*request_send)(TALLOC_CTX *mem_ctx,
					   struct tevent_context *ev,
					   void *request, void *private_data);
	/*
	 * Encode the reply of a finished request_send() request into a new
	 * talloc buffer on mem_ctx. h already holds the reply's version and
	 * reqid. A request that failed (tevent_req_is_unix_error) is replied
	 * to with its errno as the result.
	 * @return 0, or an errno: the failure is logged and the connection
	 * closed, so that the client does not wait for a reply that never
	 * comes.
	 */
	int (*reply_marshall)(struct tevent_req *req, TALLOC_CTX *mem_ctx,
			      struct ctdb_event_header *h, uint8_t **pbuf,
			      size_t *pbuflen);
};

/**
 * Serve the client connected on fd (a sock_daemon client_connect). The
 * connection and its requests are talloc children of mem_ctx, which must
 * live as long as the daemon serves. ks is what WATCH follows (NULL when
 * proto has no WATCH).
 * @return true when fd is served (and owned) by the connection; false on
 * allocation failure, fd left to the caller.
 */
bool srv_conn_accept(TALLOC_CTX *mem_ctx, struct tevent_context *ev, int fd,
		     const struct srv_conn_protocol *proto,
		     struct keyspace *ks, void *private_data);

#endif
