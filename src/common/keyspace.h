/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Named keys with JSON values, and the watchers that follow them. */
#ifndef CTDB_COMMON_KEYSPACE_H
#define CTDB_COMMON_KEYSPACE_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/time.h>
#include <talloc.h>
#include <tevent.h>

/*
 * Tarantool's watcher semantics, for `ctdb watch` and `ctdb wait`: a
 * daemon owns some keys ("node.health", "event.legacy.monitor", ...) and
 * sets their values as its state changes; a watcher gets the current
 * value of each key it follows at once (null for a key never set), then
 * every change. Changes are coalesced per watcher: one that reads slowly
 * gets the newest value of a key, never a backlog, and never makes the
 * daemon wait or grow without bound.
 *
 * Nothing here knows what the keys mean. Values are kept as compact
 * JSON text, encoded once per change whatever the number of watchers.
 */

struct keyspace;

struct keyspace *keyspace_new(TALLOC_CTX *mem_ctx, struct tevent_context *ev);

/**
 * Give key the value (borrowed, not stolen). A value equal to the
 * current one (same JSON text) is no change and wakes nobody.
 * @return 0, ENOMEM, or EINVAL for a NULL/empty key or an unencodable value.
 */
int keyspace_set(struct keyspace *ks, const char *key, json_t *value);

/**
 * The current value of key as JSON text and the time it was set, or
 * NULL (time untouched) for a key never set. Valid until the next set.
 */
const char *keyspace_get(struct keyspace *ks, const char *key,
			 struct timeval *time);

/*
 * Called synchronously on every change, after watchers are scheduled
 * (the event bus uses it). It must not block or call back into ks.
 */
typedef void (*keyspace_change_fn)(const char *key, const char *json_value,
				   const struct timeval *time,
				   void *private_data);
void keyspace_set_observer(struct keyspace *ks, keyspace_change_fn fn,
			   void *private_data);

#endif
