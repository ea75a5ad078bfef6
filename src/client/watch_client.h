/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client side of WATCH: follow keys of a daemon, one JSON line per change. */
#ifndef CTDB_CLIENT_WATCH_CLIENT_H
#define CTDB_CLIENT_WATCH_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include <tevent.h>

#include "protocol/watch_protocol.h"

/*
 * Called for every NOTIFY: line is one compact JSON object,
 * {"key":K,"value":V,"time":T}, valid during the call only. The first
 * lines are the current values of the keys followed.
 */
typedef void (*ctdb_watch_line_fn)(const char *line, void *private_data);

/**
 * Connect to sockpath (an event daemon socket with
 * ctdb_watch_cmds_event, a node daemon socket with ctdb_watch_cmds_node)
 * and follow keys (num_keys 0: every key). The request runs as long as
 * the stream does: free it to stop watching.
 */
struct tevent_req *ctdb_watch_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   const char *sockpath,
				   const struct ctdb_watch_cmds *cmds,
				   const char *const *keys, uint32_t num_keys,
				   ctdb_watch_line_fn fn, void *private_data);

/**
 * Only ever false, when the stream ends, with *perr: the connect errno
 * (ENOENT, ECONNREFUSED, ...); EOPNOTSUPP when the daemon closed the
 * connection without answering WATCH (Samba's ctdb-eventd does so for an
 * unknown command); the daemon's refusal (EINVAL: a bad key); EPIPE when
 * the daemon went away afterwards; EPROTO for a packet that cannot be
 * decoded; ENOMEM.
 */
bool ctdb_watch_recv(struct tevent_req *req, int *perr);

#endif
