/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of event protocol requests and replies: no I/O, no logging. */
#ifndef CTDB_PROTOCOL_EVENT_PROTOCOL_API_H
#define CTDB_PROTOCOL_EVENT_PROTOCOL_API_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "protocol/event_protocol.h"

/*
 * For every message: _len gives the packet size; _push writes it into buf,
 * filling h->length, and fails with EMSGSIZE, setting *buflen to the size
 * needed, when buf is too small; _pull decodes a whole packet.
 *
 * Decoding is strict (the behaviour of the newest Samba and more):
 *  - buflen must equal the header's length and no byte may be left over;
 *  - a string of length N must hold exactly N bytes with its only NUL last
 *    (N = 0 is NULL);
 *  - cmd must be RUN, STATUS, SCRIPT or one of our RUN_INPUT, HISTORY
 *    and METRICS; a SCRIPT action 0 or 1; a RUN_INPUT input at most
 *    CTDB_EVENT_INPUT_MAX bytes (EINVAL, checked before the bytes are
 *    copied);
 *  - HISTORY's component and event, and the text of a successful
 *    HISTORY or METRICS reply, may not be NULL;
 *  - num_scripts must be >= 0 and fit in the packet.
 * Any violation returns EPROTO (truncated or inconsistent data) or EINVAL
 * (an unknown enum value). Outputs are written only on success and are
 * talloc children of mem_ctx.
 */

int ctdb_event_header_pull(const uint8_t *buf, size_t buflen,
			   struct ctdb_event_header *h);

size_t ctdb_event_request_len(const struct ctdb_event_header *h,
			      const struct ctdb_event_request *in);
int ctdb_event_request_push(struct ctdb_event_header *h,
			    const struct ctdb_event_request *in, uint8_t *buf,
			    size_t *buflen);
int ctdb_event_request_pull(const uint8_t *buf, size_t buflen,
			    struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			    struct ctdb_event_request **out);

size_t ctdb_event_reply_len(const struct ctdb_event_header *h,
			    const struct ctdb_event_reply *in);
int ctdb_event_reply_push(struct ctdb_event_header *h,
			  const struct ctdb_event_reply *in, uint8_t *buf,
			  size_t *buflen);
int ctdb_event_reply_pull(const uint8_t *buf, size_t buflen,
			  struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			  struct ctdb_event_reply **out);

/*
 * Convenience: push into a new talloc buffer of exactly the right size.
 * @return 0; ENOMEM; EINVAL for a message that cannot be encoded (unknown
 * cmd or action, missing body, negative count); EOVERFLOW above 4 GiB.
 */
int ctdb_event_request_marshall(TALLOC_CTX *mem_ctx,
				struct ctdb_event_header *h,
				const struct ctdb_event_request *in,
				uint8_t **pbuf, size_t *pbuflen);
int ctdb_event_reply_marshall(TALLOC_CTX *mem_ctx, struct ctdb_event_header *h,
			      const struct ctdb_event_reply *in,
			      uint8_t **pbuf, size_t *pbuflen);

const char *ctdb_event_command_to_string(uint32_t cmd);

#endif
