/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client on a Unix socket: pipelined requests matched to replies by reqid. */
#ifndef CTDB_COMMON_SOCK_CLIENT_H
#define CTDB_COMMON_SOCK_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include <tevent.h>

/*
 * Packets are opaque here except for the CTDB header they start with:
 * u32 length, u32 version, u32 reqid (host byte order). Replies are
 * matched to requests by the reqid at offset 8; encoding and decoding are
 * the caller's, through the two callbacks below.
 */

#define SOCK_CLIENT_HEADER_LEN 12

struct sock_client;

/**
 * Encode one request with the given reqid into a new talloc buffer
 * (a child of mem_ctx). @return 0 or an errno, which fails the request.
 */
typedef int (*sock_client_encode_fn)(TALLOC_CTX *mem_ctx, uint32_t reqid,
				     void *private_data, uint8_t **pbuf,
				     size_t *pbuflen);

/**
 * Decode a whole reply packet into *reply, a talloc child of mem_ctx.
 * Any error means the peer sent something that cannot be decoded: the
 * connection is then failed with EPROTO.
 */
typedef int (*sock_client_decode_fn)(const uint8_t *buf, size_t buflen,
				     TALLOC_CTX *mem_ctx, void *private_data,
				     void **reply);

/**
 * Connect to sockpath. reqids count up from reqid_start; replies above
 * max_packet bytes fail the connection.
 * @return 0, ENOMEM, ENAMETOOLONG, or the connect errno.
 */
int sock_client_init(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		     const char *sockpath, size_t max_packet,
		     uint32_t reqid_start, sock_client_decode_fn decode_fn,
		     void *decode_data, struct sock_client **out);

/**
 * fn is called once when the peer closes the connection or sends
 * something that cannot be decoded, after every outstanding request has
 * been failed (EPIPE or EPROTO; their callbacks run later, from the event
 * loop). fn may free the client.
 */
void sock_client_set_disconnect_fn(struct sock_client *client,
				   void (*fn)(void *private_data),
				   void *private_data);

/**
 * For a stream of replies under one reqid (a watch): packets whose reqid
 * no request waits for go to fn, whole and undecoded, instead of being
 * dropped. fn must not free the client.
 */
void sock_client_set_stream_fn(struct sock_client *client,
			       void (*fn)(const uint8_t *buf, size_t buflen,
					  void *private_data),
			       void *private_data);

/**
 * Send one request, encoded by encode_fn with a fresh reqid, and wait for
 * the reply with that reqid. A reply nobody waits for any more is dropped,
 * so freeing the request before its reply is safe. Freeing the client
 * fails what is outstanding with EPIPE.
 */
struct tevent_req *sock_client_msg_send(TALLOC_CTX *mem_ctx,
					struct tevent_context *ev,
					struct sock_client *client,
					sock_client_encode_fn encode_fn,
					void *encode_data);

/**
 * On success *reply is the decoded reply, still owned by req: the caller
 * takes what it needs before tevent_req_received() or freeing req.
 * *perr is EPIPE (connection closed), EPROTO (undecodable reply), ENOMEM
 * or the encoder's error.
 */
bool sock_client_msg_recv(struct tevent_req *req, int *perr, void **reply);

#endif
