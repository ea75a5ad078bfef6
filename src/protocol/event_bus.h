/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Event bus messages: NATS subjects and JSON payloads for keyspace changes. */
#ifndef CTDB_PROTOCOL_EVENT_BUS_H
#define CTDB_PROTOCOL_EVENT_BUS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>
#include <talloc.h>

/*
 * A change of a watch key becomes one message:
 *   event.<component>.<event>  ->  ctdb.<node>.event.<component>.<event>
 *   node.<name>                ->  ctdb.<node>.<name>
 *                                  (health, runstate, ips, tunables)
 * with the payload
 *   {"node": "<node>", "key": "<key>", "value": <value>, "time": "<RFC 3339>"}
 * Each token taken from a name ('.', '*', '>' and white space are NATS
 * subject syntax) has those characters replaced by '_'.
 *
 * Formatting only: publishing them is server/bus_publish.h.
 */

/* s with '.', '*', '>', white space and control characters made '_'. */
char *event_bus_token(TALLOC_CTX *mem_ctx, const char *s);

/* Is name usable as is as one subject token (non-empty, nothing to replace)? */
bool event_bus_node_valid(const char *name);

/* The [events] section of ctdb.conf, read by both daemons. */
struct event_bus_config {
	char *nats_url;  /* nats url: NULL or "" for no bus */
	char *node_name; /* node name: NULL for the default */
};

/**
 * One key of [events] (other keys are ignored); strings are allocated on
 * owner. A URL is refused when the build has no NATS support.
 * @return true, or false with *reason (on mem_ctx) naming key and value.
 */
bool event_bus_config_entry(TALLOC_CTX *mem_ctx, TALLOC_CTX *owner,
			    struct event_bus_config *c, const char *key,
			    const char *value, char **reason);

/**
 * The subject for key.
 * @return 0, ENOENT for a key that is not published, ENOMEM.
 */
int event_bus_subject(TALLOC_CTX *mem_ctx, const char *node, const char *key,
		      char **subject);

/**
 * The payload for a change (value is JSON text).
 * @return 0, EINVAL if value is not JSON, ENOMEM.
 */
int event_bus_payload(TALLOC_CTX *mem_ctx, const char *node, const char *key,
		      const char *value, const struct timeval *time,
		      char **payload);

#endif
