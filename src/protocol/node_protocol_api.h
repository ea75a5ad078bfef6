/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of node protocol requests and replies: no I/O, no logging. */
#ifndef CTDB_PROTOCOL_NODE_PROTOCOL_API_H
#define CTDB_PROTOCOL_NODE_PROTOCOL_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "protocol/event_protocol.h" /* struct ctdb_event_header */
#include "protocol/node_protocol.h"

/*
 * The header is the event protocol's (struct ctdb_event_header). The
 * rules are those of event_protocol_api.h: _push fills h->length and fails
 * with EMSGSIZE (setting *buflen to the size needed) when buf is short;
 * _pull is strict (exact length, no trailing bytes, strings NUL-terminated
 * at exactly their length, counts checked against the packet size) and
 * returns EPROTO for malformed data, EINVAL for an unknown command.
 * Outputs are talloc children of mem_ctx, written only on success.
 */

size_t ctdb_node_request_len(const struct ctdb_event_header *h,
			     const struct ctdb_node_request *in);
int ctdb_node_request_push(struct ctdb_event_header *h,
			   const struct ctdb_node_request *in, uint8_t *buf,
			   size_t *buflen);
int ctdb_node_request_pull(const uint8_t *buf, size_t buflen,
			   struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			   struct ctdb_node_request **out);

size_t ctdb_node_reply_len(const struct ctdb_event_header *h,
			   const struct ctdb_node_reply *in);
int ctdb_node_reply_push(struct ctdb_event_header *h,
			 const struct ctdb_node_reply *in, uint8_t *buf,
			 size_t *buflen);
int ctdb_node_reply_pull(const uint8_t *buf, size_t buflen,
			 struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			 struct ctdb_node_reply **out);

int ctdb_node_request_marshall(TALLOC_CTX *mem_ctx,
			       struct ctdb_event_header *h,
			       const struct ctdb_node_request *in,
			       uint8_t **pbuf, size_t *pbuflen);
int ctdb_node_reply_marshall(TALLOC_CTX *mem_ctx, struct ctdb_event_header *h,
			     const struct ctdb_node_reply *in, uint8_t **pbuf,
			     size_t *pbuflen);

const char *ctdb_runstate_to_string(uint32_t runstate);
/** @return true with *runstate for a known name (e.g. "RUNNING"). */
bool ctdb_runstate_from_string(const char *name, uint32_t *runstate);

#endif
