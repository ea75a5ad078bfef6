/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A connection to the event daemon that reconnects when it was lost. */
#ifndef CTDB_NODED_EVENT_CONN_H
#define CTDB_NODED_EVENT_CONN_H

#include <stdbool.h>
#include <talloc.h>
#include <tevent.h>

#include "client/event_client.h"

/*
 * ctdbd's rule, used for the legacy events and for the hooks, each with a
 * connection of its own: a lost connection is noticed (the client's
 * disconnect callback) and replaced by a new one at the next request, not
 * at once, so an event daemon that is restarting is not hammered.
 */
struct event_conn;

/**
 * A connection to the event daemon's socket (path_socket "eventd"), not
 * opened yet. lost_msg, when not NULL, is logged at WARNING when the
 * connection is lost.
 * @return NULL on allocation failure.
 */
struct event_conn *event_conn_new(TALLOC_CTX *mem_ctx,
				  struct tevent_context *ev,
				  const char *lost_msg);

/** Open a new connection now, replacing the old one. @return 0 or errno. */
int event_conn_connect(struct event_conn *c);

/**
 * The connected client, after reconnecting if the connection was lost or
 * never opened. The pointer is valid until the next call.
 * @return 0 or errno (the event daemon cannot be reached).
 */
int event_conn_client(struct event_conn *c, struct ctdb_event_client **out);

/** Treat the connection as lost: a late reply must not be taken. */
void event_conn_drop(struct event_conn *c);

/** Close the connection; a later event_conn_client() opens a new one. */
void event_conn_close(struct event_conn *c);

/** Is a connection open (and not known to be lost)? */
bool event_conn_is_open(const struct event_conn *c);

#endif
