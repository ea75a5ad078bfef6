/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A keyspace watcher that writes its notifications to a socket queue. */
#include <errno.h>

#include "common/logging.h"
#include "common/watch_stream.h"

struct watch_stream {
	struct sock_queue *queue;
	struct keyspace_watcher *watcher;
	watch_stream_encode_fn encode_fn;
	void *encode_data;
};

static void watch_stream_notify(const char *key, const char *json_value,
				const struct timeval *time,
				void *private_data)
{
	struct watch_stream *ws = talloc_get_type_abort(private_data,
							struct watch_stream);
	uint8_t *buf = NULL;
	size_t buflen = 0;
	int ret;

	ret = ws->encode_fn(ws, key, json_value, time, ws->encode_data, &buf,
			    &buflen);
	if (ret != 0) {
		D_DEBUG("watch: cannot encode key %s: %d", key, ret);
		return;
	}
	/*
	 * A failed queue has already told its owner, who frees it and us
	 * with it: nothing to do here.
	 */
	(void)sock_queue_write(ws->queue, buf, buflen);
	talloc_free(buf);
}

static void watch_stream_drained(void *private_data)
{
	struct watch_stream *ws = talloc_get_type_abort(private_data,
							struct watch_stream);

	keyspace_watcher_drained(ws->watcher);
}

static int watch_stream_destructor(struct watch_stream *ws)
{
	/* The queue is alive: it is our parent, or being freed above us. */
	sock_queue_set_drained_fn(ws->queue, NULL, NULL);
	return 0;
}

struct watch_stream *watch_stream_start(struct sock_queue *queue,
					struct keyspace *ks,
					const char *const *keys,
					size_t num_keys,
					watch_stream_encode_fn encode_fn,
					void *encode_data)
{
	struct watch_stream *ws;

	ws = talloc_zero(queue, struct watch_stream);
	if (ws == NULL) {
		return NULL;
	}
	ws->queue = queue;
	ws->encode_fn = encode_fn;
	ws->encode_data = encode_data;
	ws->watcher = keyspace_watch(ws, ks, keys, num_keys,
				     watch_stream_notify, ws);
	if (ws->watcher == NULL) {
		talloc_free(ws);
		return NULL;
	}
	sock_queue_set_drained_fn(queue, watch_stream_drained, ws);
	talloc_set_destructor(ws, watch_stream_destructor);
	return ws;
}
