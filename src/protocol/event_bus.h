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
 */

/* s with '.', '*', '>', white space and control characters made '_'. */
char *event_bus_token(TALLOC_CTX *mem_ctx, const char *s);

/* Is name usable as is as one subject token (non-empty, nothing to replace)? */
bool event_bus_node_valid(const char *name);

/* The short host name as a token ("node" if it cannot be had). */
char *event_bus_default_node(TALLOC_CTX *mem_ctx);

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

struct nats_bus;
enum nats_bus_event;

/*
 * The log line for a state change of the bus to url, and its level
 * (common/logging.h's DEBUG_NOTICE or DEBUG_WARNING) in *level: both
 * daemons log the same words.
 */
char *event_bus_state_message(TALLOC_CTX *mem_ctx, enum nats_bus_event event,
			      const char *url, const char *node,
			      const char *detail, int *level);

/**
 * Format a change of key as above and queue it on bus (never blocks).
 * @return 0, ENOENT for a key that is not published, EINVAL for a value
 * that is not JSON, ENOBUFS when the bus dropped it, ENOMEM.
 */
int event_bus_publish(struct nats_bus *bus, const char *node, const char *key,
		      const char *value, const struct timeval *time);

/* What a daemon hands to keyspace_set_observer() with the function below. */
struct event_bus_observer {
	struct nats_bus *bus;
	const char *node;
	uint64_t unpublished; /* changes not queued (ENOBUFS, EINVAL, ENOMEM) */
};

/*
 * A keyspace_change_fn (common/keyspace.h): publishes every change of a
 * key that has a subject. private_data is a struct event_bus_observer.
 */
void event_bus_keyspace_observer(const char *key, const char *json_value,
				 const struct timeval *time,
				 void *private_data);

#endif
