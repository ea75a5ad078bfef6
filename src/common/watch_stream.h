/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A keyspace watcher that writes its notifications to a socket queue. */
#ifndef CTDB_COMMON_WATCH_STREAM_H
#define CTDB_COMMON_WATCH_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <talloc.h>

#include "common/keyspace.h"
#include "common/sock_io.h"

/*
 * The glue between a keyspace watcher and a client connection: each
 * notification is encoded into one packet and queued; the watcher is
 * told the queue has drained when the peer has read everything, so a
 * peer that stops reading holds at most one packet per key in the queue.
 */

/*
 * Encode one notification (json_value and time NULL for a key never set)
 * into a new talloc buffer on mem_ctx. @return 0 or an errno; the
 * notification is then dropped.
 */
typedef int (*watch_stream_encode_fn)(TALLOC_CTX *mem_ctx, const char *key,
				      const char *json_value,
				      const struct timeval *time,
				      void *private_data, uint8_t **pbuf,
				      size_t *pbuflen);

struct watch_stream;

/**
 * Follow keys (num_keys 0: every key) and stream them into queue. The
 * stream is a talloc child of queue and takes over its drained callback;
 * freeing either stops it.
 * @return the stream, or NULL on ENOMEM or a bad key.
 */
struct watch_stream *watch_stream_start(struct sock_queue *queue,
					struct keyspace *ks,
					const char *const *keys,
					size_t num_keys,
					watch_stream_encode_fn encode_fn,
					void *encode_data);

#endif
