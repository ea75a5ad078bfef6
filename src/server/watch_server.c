/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The daemon side of WATCH, the same for ctdb-eventd and ctdb-noded. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "common/watch_stream.h"
#include "server/watch_server.h"

static int watch_server_check(const struct ctdb_watch_target *target,
			      const struct ctdb_watch_request *req)
{
	uint32_t i;

	/* One stream per connection: its reqid tags every NOTIFY. */
	if (target->cmds != NULL) {
		return EBUSY;
	}
	if (req->num_keys > CTDB_WATCH_MAX_KEYS) {
		return EINVAL;
	}
	for (i = 0; i < req->num_keys; i++) {
		if (!ctdb_watch_key_valid(req->keys[i])) {
			return EINVAL;
		}
	}
	return 0;
}

static void watch_server_reply(struct sock_queue *queue,
			       const struct ctdb_watch_cmds *cmds,
			       uint32_t version, uint32_t reqid, int result)
{
	struct ctdb_event_header h = {
		.version = version,
		.reqid = reqid,
	};
	struct ctdb_watch_reply reply = {
		.cmd = cmds->watch,
		.result = result,
	};
	uint8_t *buf = NULL;
	size_t buflen = 0;
	int ret;

	ret = ctdb_watch_reply_marshall(queue, cmds, &h, &reply, &buf,
					&buflen);
	if (ret == 0) {
		ret = sock_queue_write(queue, buf, buflen);
		talloc_free(buf);
	}
	if (ret != 0) {
		D_ERR("Failed to queue reply to command %u: %s", cmds->watch,
		      strerror(ret));
	}
}

int watch_server_start(struct sock_queue *queue, struct keyspace *ks,
		       const uint8_t *buf, size_t buflen,
		       const struct ctdb_watch_cmds *cmds, uint32_t version,
		       struct ctdb_watch_target *target)
{
	struct ctdb_watch_request *req = NULL;
	struct ctdb_event_header h;
	struct watch_stream *ws;
	int ret;

	ret = ctdb_watch_request_pull(buf, buflen, cmds, &h, queue, &req);
	if (ret != 0) {
		D_ERR("Invalid packet received, buflen=%zu: malformed WATCH",
		      buflen);
		return ret;
	}
	ret = watch_server_check(target, req);
	watch_server_reply(queue, cmds, version, h.reqid, ret);
	if (ret != 0) {
		/* Refused, and told so: the connection stays usable. */
		talloc_free(req);
		return 0;
	}
	target->cmds = cmds;
	target->reqid = h.reqid;
	target->version = version;
	ws = watch_stream_start(queue, ks, req->keys, req->num_keys,
				ctdb_watch_notify_encode, target);
	talloc_free(req);
	if (ws == NULL) {
		D_ERR("watch: out of memory, closing the stream");
		return ENOMEM;
	}
	return 0;
}
