/* SPDX-License-Identifier: GPL-3.0-or-later */
/* WATCH requests and NOTIFY replies, the same on the event and node sockets. */
#ifndef CTDB_PROTOCOL_WATCH_PROTOCOL_H
#define CTDB_PROTOCOL_WATCH_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <talloc.h>

#include "protocol/event_protocol.h"
#include "protocol/node_protocol.h"

/*
 * Both sockets carry the same messages under their own command numbers:
 * the event socket WATCH 103 / NOTIFY 104, the node socket WATCH 110 /
 * NOTIFY 111 (struct ctdb_watch_cmds). After the usual 12-byte header:
 *
 *   request  u32 cmd = WATCH
 *            u32 num_keys (0: every key, including keys created later)
 *            num_keys x stringn key
 *   reply    u32 cmd = WATCH, i32 result (0, or EINVAL for a bad key)
 *   then, while the connection stays open, with the request's reqid:
 *            u32 cmd = NOTIFY, i32 result = 0,
 *            stringn line: one compact JSON object, no newline,
 *            {"key":K,"value":V,"time":T}; V and T are null for a key
 *            never set, T is an RFC 3339 UTC time otherwise.
 *
 * Decoding is strict as for the other messages: exact length, known cmd,
 * every string exactly its N bytes with its only NUL last, num_keys no
 * more than the packet can hold, no NULL key (N = 0; an empty key ""
 * decodes, for the daemon to refuse), a NOTIFY line never NULL, no leftover
 * byte. EPROTO for truncated or inconsistent data, EINVAL for an unknown
 * cmd. A WATCH reply with a non-zero result ends the stream.
 */

struct ctdb_watch_cmds {
	uint32_t watch;
	uint32_t notify;
};

extern const struct ctdb_watch_cmds ctdb_watch_cmds_event;
extern const struct ctdb_watch_cmds ctdb_watch_cmds_node;

struct ctdb_watch_request {
	uint32_t num_keys;
	const char *const *keys; /* NULL when num_keys is 0 */
};

struct ctdb_watch_reply {
	uint32_t cmd;     /* cmds->watch or cmds->notify */
	int32_t result;
	const char *line; /* NOTIFY only */
};

/* Longest key, and most keys in one WATCH, a daemon accepts. */
#define CTDB_WATCH_KEY_MAX 256
#define CTDB_WATCH_MAX_KEYS 1024

/**
 * A key a watcher may name: 1 to CTDB_WATCH_KEY_MAX bytes, printable
 * ASCII without spaces (no control characters).
 */
bool ctdb_watch_key_valid(const char *key);

/** The cmd of a packet whose header is already known to be there. */
int ctdb_watch_peek_cmd(const uint8_t *buf, size_t buflen, uint32_t *cmd);

/* @return 0; ENOMEM; EINVAL for a NULL key; EOVERFLOW above 4 GiB. */
int ctdb_watch_request_marshall(TALLOC_CTX *mem_ctx,
				const struct ctdb_watch_cmds *cmds,
				struct ctdb_event_header *h,
				const struct ctdb_watch_request *in,
				uint8_t **pbuf, size_t *pbuflen);
int ctdb_watch_request_pull(const uint8_t *buf, size_t buflen,
			    const struct ctdb_watch_cmds *cmds,
			    struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			    struct ctdb_watch_request **out);

/* EINVAL for a cmd of neither kind or a NOTIFY without a line. */
int ctdb_watch_reply_marshall(TALLOC_CTX *mem_ctx,
			      const struct ctdb_watch_cmds *cmds,
			      struct ctdb_event_header *h,
			      const struct ctdb_watch_reply *in,
			      uint8_t **pbuf, size_t *pbuflen);
int ctdb_watch_reply_pull(const uint8_t *buf, size_t buflen,
			  const struct ctdb_watch_cmds *cmds,
			  struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			  struct ctdb_watch_reply **out);

/**
 * The NOTIFY line for a key: value is compact JSON text (NULL: never
 * set, time then ignored). The parts are JSON already, so they are
 * joined as they are rather than parsed again for every watcher.
 * @return a talloc string, or NULL on ENOMEM.
 */
char *ctdb_watch_notify_line(TALLOC_CTX *mem_ctx, const char *key,
			     const char *value, const struct timeval *time);

/* Where a stream of NOTIFY replies goes: the socket's kind and the reqid. */
struct ctdb_watch_target {
	const struct ctdb_watch_cmds *cmds;
	uint32_t reqid;
	uint32_t version; /* header version of the socket's protocol */
};

/**
 * One NOTIFY packet for target (a struct ctdb_watch_target), in a new
 * talloc buffer: the line of ctdb_watch_notify_line() in a reply.
 * @return 0, ENOMEM or EOVERFLOW.
 */
int ctdb_watch_notify_encode(TALLOC_CTX *mem_ctx, const char *key,
			     const char *value, const struct timeval *time,
			     void *target, uint8_t **pbuf, size_t *pbuflen);

#endif
