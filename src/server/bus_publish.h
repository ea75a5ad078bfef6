/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Publishing keyspace changes on the event bus: the daemons' side of it. */
#ifndef CTDB_SERVER_BUS_PUBLISH_H
#define CTDB_SERVER_BUS_PUBLISH_H

#include <stdint.h>
#include <sys/time.h>
#include <talloc.h>

#include "common/nats_bus.h"

/*
 * Subjects and payloads are built by protocol/event_bus.h (pure
 * formatting); this module hands them to a nats_bus and words the log
 * lines both daemons write about the bus.
 */

/* The short host name as a subject token ("node" if it cannot be had). */
char *bus_default_node(TALLOC_CTX *mem_ctx);

/*
 * The log line for a state change of the bus to url, and its level
 * (common/logging.h's DEBUG_NOTICE or DEBUG_WARNING) in *level: both
 * daemons log the same words.
 */
char *bus_state_message(TALLOC_CTX *mem_ctx, enum nats_bus_event event,
			const char *url, const char *node, const char *detail,
			int *level);

/**
 * Format a change of key (protocol/event_bus.h) and queue it on bus
 * (never blocks).
 * @return 0, ENOENT for a key that is not published, EINVAL for a value
 * that is not JSON, ENOBUFS when the bus dropped it, ENOMEM.
 */
int bus_publish_change(struct nats_bus *bus, const char *node,
		       const char *key, const char *value,
		       const struct timeval *time);

/* What a daemon hands to keyspace_set_observer() with the function below. */
struct bus_publish_observer {
	struct nats_bus *bus;
	const char *node;
	uint64_t unpublished; /* changes not queued (ENOBUFS, EINVAL, ENOMEM) */
};

/*
 * A keyspace_change_fn (common/keyspace.h): publishes every change of a
 * key that has a subject. private_data is a struct bus_publish_observer.
 */
void bus_publish_keyspace_observer(const char *key, const char *json_value,
				   const struct timeval *time,
				   void *private_data);

#endif
