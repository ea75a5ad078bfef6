/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of registered TCP connections (tickles): no I/O, no logging. */
#ifndef CTDB_PROTOCOL_TICKLE_WIRE_H
#define CTDB_PROTOCOL_TICKLE_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "common/net_packet.h" /* struct net_endpoint, nothing linked */
#include "protocol/protocol_basic.h"

/*
 * A TCP connection to a public address, as CTDB registers it: src is
 * the client, dst the public address and the server's port. Both are
 * the same family.
 */
struct ctdb_tickle_conn {
	struct net_endpoint src;
	struct net_endpoint dst;
};

/*
 * A node keeps at most this many connections per public address: a bound
 * on memory and on the packets a takeover sends, far above what a file
 * server has. Beyond it, ADDTICKLE fails with ENOSPC.
 */
#define CTDB_TICKLES_MAX_PER_IP 4096

struct ctdb_tickle_list {
	uint32_t num;
	struct ctdb_tickle_conn *conn;
};

/*
 * Wire layout (host byte order):
 *   endpoint: u32 family (AF_INET or AF_INET6), 4 x u32 holding the 16
 *             address bytes as they are in memory (an IPv4 address in
 *             the first 4, the rest zero), u32 port (host order)
 *   conn:     endpoint src, endpoint dst
 *   list:     u32 num, num x conn
 */
#define CTDB_TICKLE_ENDPOINT_WIRE_LEN (4 + 16 + 4)
#define CTDB_TICKLE_CONN_WIRE_LEN (2 * CTDB_TICKLE_ENDPOINT_WIRE_LEN)

/* Is ep an IPv4 or IPv6 endpoint? */
bool ctdb_tickle_endpoint_is_valid(const struct net_endpoint *ep);
/* Both endpoints valid and of the same family? */
bool ctdb_tickle_conn_is_valid(const struct ctdb_tickle_conn *c);

void ctdb_tickle_endpoint_push(uint8_t *buf, size_t *offset,
			       const struct net_endpoint *ep);
/* EPROTO when short, EINVAL for an unknown family or a stray byte. */
int ctdb_tickle_endpoint_pull(struct ctdb_pull_cursor *c,
			      struct net_endpoint *ep);

/* Encoded size; 0 when list is NULL or holds an invalid connection. */
size_t ctdb_tickle_list_len(const struct ctdb_tickle_list *list);
void ctdb_tickle_list_push(uint8_t *buf, size_t *offset,
			   const struct ctdb_tickle_list *list);
/* *out on mem_ctx (conn NULL when num is 0); nothing on failure. */
int ctdb_tickle_list_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			  struct ctdb_tickle_list **out);

/*
 * For the messages that carry them (node_protocol.c): len plus the size
 * of list (or of addr) in *plen, EINVAL for what pull would refuse; and
 * one endpoint pulled into a new talloc object.
 */
int ctdb_tickle_list_add_len(size_t len, const struct ctdb_tickle_list *l,
			     size_t *plen);
int ctdb_tickle_endpoint_add_len(size_t len, const struct net_endpoint *addr,
				 size_t *plen);
int ctdb_tickle_endpoint_pull_new(struct ctdb_pull_cursor *c,
				  TALLOC_CTX *mem_ctx, struct net_endpoint **out);

#endif
