/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The daemon side of WATCH, the same for ctdb-eventd and ctdb-noded. */
#ifndef CTDB_SERVER_WATCH_SERVER_H
#define CTDB_SERVER_WATCH_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "common/keyspace.h"
#include "common/sock_io.h"
#include "protocol/watch_protocol.h"

/**
 * Serve the WATCH request in buf, read from the connection of queue:
 * decode it with cmds (the socket's command numbers), check it, reply
 * with the header version of the socket's protocol and, when it was
 * accepted, turn the connection into a watch stream over ks: the current
 * value of every key followed, then their changes, until the peer
 * closes it. A connection has one stream at most, its reqid tagging
 * every NOTIFY: target is the connection's (zeroed when it opened, and
 * living as long as queue) and says whether it has one.
 * @return 0 when the connection goes on (streaming, or the request was
 * refused with EINVAL or EBUSY in the reply); otherwise an errno
 * (logged): the packet was malformed or memory ran out, and the caller
 * closes the connection.
 */
int watch_server_start(struct sock_queue *queue, struct keyspace *ks,
		       const uint8_t *buf, size_t buflen,
		       const struct ctdb_watch_cmds *cmds, uint32_t version,
		       struct ctdb_watch_target *target);

#endif
