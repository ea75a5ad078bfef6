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

/*
 * Watchers. A watcher follows the keys named (a key never set is followed
 * too, and reported as NULL until it is) or, with num_keys 0, every key,
 * including keys set for the first time later. Its sink fn gets the
 * current value of each followed key from the event loop soon after
 * registration, then the keys that changed. After a batch of calls the
 * watcher is blocked: newer values only mark their keys pending, until
 * the owner calls keyspace_watcher_drained() (its socket's output queue
 * is empty). Then each pending key is delivered once, with its newest
 * value. So a watcher that does not read costs one pending mark per key.
 */
struct keyspace_watcher;

/*
 * json_value and time are NULL for a key never set. The sink must not
 * block, free the watcher or call back into the keyspace.
 */
typedef void (*keyspace_notify_fn)(const char *key, const char *json_value,
				   const struct timeval *time,
				   void *private_data);

/**
 * Start following keys (num_keys of them; 0: every key). Freeing the
 * watcher stops it.
 * @return the watcher, or NULL on ENOMEM or an empty or NULL key.
 */
struct keyspace_watcher *keyspace_watch(TALLOC_CTX *mem_ctx,
					struct keyspace *ks,
					const char *const *keys,
					size_t num_keys,
					keyspace_notify_fn fn,
					void *private_data);

/** What the sink was given has been consumed: deliver what is pending. */
void keyspace_watcher_drained(struct keyspace_watcher *w);

#endif
