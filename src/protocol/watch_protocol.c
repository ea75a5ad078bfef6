/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of WATCH requests and NOTIFY replies: no I/O, no logging. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/event_json.h"
#include "protocol/node_protocol.h"
#include "protocol/protocol_basic.h"
#include "protocol/watch_protocol.h"

const struct ctdb_watch_cmds ctdb_watch_cmds_event = {
	.watch = CTDB_EVENT_CMD_WATCH,
	.notify = CTDB_EVENT_CMD_NOTIFY,
};

const struct ctdb_watch_cmds ctdb_watch_cmds_node = {
	.watch = CTDB_NODE_CMD_WATCH,
	.notify = CTDB_NODE_CMD_NOTIFY,
};

#define FIXED_LEN (CTDB_EVENT_HEADER_LEN + 4)
#define STRINGN_MIN_LEN 4

bool ctdb_watch_key_valid(const char *key)
{
	size_t i;

	if (key == NULL || key[0] == '\0') {
		return false;
	}
	for (i = 0; key[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)key[i];

		if (i >= CTDB_WATCH_KEY_MAX || ch <= 0x20 || ch >= 0x7f) {
			return false;
		}
	}
	return true;
}

int ctdb_watch_peek_cmd(const uint8_t *buf, size_t buflen, uint32_t *cmd)
{
	struct ctdb_pull_cursor c = {
		.buf = buf,
		.len = buflen,
		.offset = CTDB_EVENT_HEADER_LEN,
	};

	if (buflen < FIXED_LEN) {
		return EPROTO;
	}
	return ctdb_pull_u32(&c, cmd);
}

/*
 * The generic framing passes one pointer through; the command numbers of
 * the socket travel with the message.
 */
struct watch_msg {
	const struct ctdb_watch_cmds *cmds;
	const void *msg;
};

/* ---------- requests ---------- */

static int request_wire_len(const void *data, size_t *plen)
{
	const struct watch_msg *m = data;
	const struct ctdb_watch_request *in = m->msg;
	size_t len = FIXED_LEN + 4;
	uint32_t i;

	if (in->num_keys > 0 && in->keys == NULL) {
		return EINVAL;
	}
	for (i = 0; i < in->num_keys; i++) {
		if (in->keys[i] == NULL) {
			return EINVAL;
		}
		len = ctdb_len_add(len, ctdb_stringn_len(in->keys[i]));
	}
	*plen = len;
	return 0;
}

static void request_push_body(const void *data, uint8_t *buf,
			      size_t *offset)
{
	const struct watch_msg *m = data;
	const struct ctdb_watch_request *in = m->msg;
	uint32_t i;

	ctdb_push_u32(buf, offset, m->cmds->watch);
	ctdb_push_u32(buf, offset, in->num_keys);
	for (i = 0; i < in->num_keys; i++) {
		ctdb_push_stringn(buf, offset, in->keys[i]);
	}
}

static bool event_request_cmd_valid(uint32_t cmd)
{
	return cmd == CTDB_EVENT_CMD_WATCH;
}

static bool node_request_cmd_valid(uint32_t cmd)
{
	return cmd == CTDB_NODE_CMD_WATCH;
}

static int key_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		    void *elem)
{
	/* A NULL key could not be sent by a correct peer: refuse it. */
	return ctdb_pull_stringn_required(c, mem_ctx, (const char **)elem);
}

static int request_body_pull(struct ctdb_pull_cursor *c, uint32_t cmd,
			     TALLOC_CTX *mem_ctx, void **out)
{
	struct ctdb_watch_request *req;
	void *keys = NULL;
	uint32_t num = 0;
	int ret;

	req = talloc_zero(mem_ctx, struct ctdb_watch_request);
	if (req == NULL) {
		return ENOMEM;
	}
	ret = ctdb_pull_array(c, req, STRINGN_MIN_LEN, sizeof(char *),
			      "const char *", key_pull, &num, &keys);
	if (ret != 0) {
		talloc_free(req);
		return ret;
	}
	req->num_keys = num;
	req->keys = keys;
	*out = req;
	return 0;
}

static const struct ctdb_msg_ops event_request_ops = {
	.wire_len = request_wire_len,
	.push_body = request_push_body,
	.command_is_valid = event_request_cmd_valid,
	.pull_body = request_body_pull,
};

static const struct ctdb_msg_ops node_request_ops = {
	.wire_len = request_wire_len,
	.push_body = request_push_body,
	.command_is_valid = node_request_cmd_valid,
	.pull_body = request_body_pull,
};

static const struct ctdb_msg_ops *
request_ops(const struct ctdb_watch_cmds *cmds)
{
	if (cmds == &ctdb_watch_cmds_node) {
		return &node_request_ops;
	}
	return &event_request_ops;
}

int ctdb_watch_request_marshall(TALLOC_CTX *mem_ctx,
				const struct ctdb_watch_cmds *cmds,
				struct ctdb_event_header *h,
				const struct ctdb_watch_request *in,
				uint8_t **pbuf, size_t *pbuflen)
{
	struct watch_msg m = {
		.cmds = cmds,
		.msg = in,
	};

	return ctdb_msg_marshall(request_ops(cmds), mem_ctx, h, &m, pbuf,
				 pbuflen);
}

int ctdb_watch_request_pull(const uint8_t *buf, size_t buflen,
			    const struct ctdb_watch_cmds *cmds,
			    struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			    struct ctdb_watch_request **out)
{
	void *msg = NULL;
	int ret;

	ret = ctdb_msg_pull(request_ops(cmds), buf, buflen, h, mem_ctx, &msg);
	if (ret != 0) {
		return ret;
	}
	*out = msg;
	return 0;
}

/* ---------- replies ---------- */

static bool reply_is_notify(const struct ctdb_watch_cmds *cmds, uint32_t cmd)
{
	return cmd == cmds->notify;
}

static int reply_wire_len(const void *data, size_t *plen)
{
	const struct watch_msg *m = data;
	const struct ctdb_watch_reply *in = m->msg;
	size_t len = FIXED_LEN + 4;

	if (in->cmd == m->cmds->watch) {
		*plen = len;
		return 0;
	}
	if (!reply_is_notify(m->cmds, in->cmd) || in->line == NULL) {
		return EINVAL;
	}
	*plen = ctdb_len_add(len, ctdb_stringn_len(in->line));
	return 0;
}

static void reply_push_body(const void *data, uint8_t *buf, size_t *offset)
{
	const struct watch_msg *m = data;
	const struct ctdb_watch_reply *in = m->msg;

	ctdb_push_u32(buf, offset, in->cmd);
	ctdb_push_i32(buf, offset, in->result);
	if (reply_is_notify(m->cmds, in->cmd)) {
		ctdb_push_stringn(buf, offset, in->line);
	}
}

static bool event_reply_cmd_valid(uint32_t cmd)
{
	return cmd == CTDB_EVENT_CMD_WATCH || cmd == CTDB_EVENT_CMD_NOTIFY;
}

static bool node_reply_cmd_valid(uint32_t cmd)
{
	return cmd == CTDB_NODE_CMD_WATCH || cmd == CTDB_NODE_CMD_NOTIFY;
}

static int reply_body_pull(struct ctdb_pull_cursor *c, uint32_t cmd,
			   TALLOC_CTX *mem_ctx, void **out)
{
	struct ctdb_watch_reply *reply;
	int ret;

	reply = talloc_zero(mem_ctx, struct ctdb_watch_reply);
	if (reply == NULL) {
		return ENOMEM;
	}
	reply->cmd = cmd;
	ret = ctdb_pull_i32(c, &reply->result);
	if (ret == 0 && (cmd == CTDB_EVENT_CMD_NOTIFY ||
			 cmd == CTDB_NODE_CMD_NOTIFY)) {
		ret = ctdb_pull_stringn_required(c, reply, &reply->line);
	}
	if (ret != 0) {
		talloc_free(reply);
		return ret;
	}
	*out = reply;
	return 0;
}

static const struct ctdb_msg_ops event_reply_ops = {
	.wire_len = reply_wire_len,
	.push_body = reply_push_body,
	.command_is_valid = event_reply_cmd_valid,
	.pull_body = reply_body_pull,
};

static const struct ctdb_msg_ops node_reply_ops = {
	.wire_len = reply_wire_len,
	.push_body = reply_push_body,
	.command_is_valid = node_reply_cmd_valid,
	.pull_body = reply_body_pull,
};

static const struct ctdb_msg_ops *reply_ops(const struct ctdb_watch_cmds *cmds)
{
	if (cmds == &ctdb_watch_cmds_node) {
		return &node_reply_ops;
	}
	return &event_reply_ops;
}

int ctdb_watch_reply_marshall(TALLOC_CTX *mem_ctx,
			      const struct ctdb_watch_cmds *cmds,
			      struct ctdb_event_header *h,
			      const struct ctdb_watch_reply *in,
			      uint8_t **pbuf, size_t *pbuflen)
{
	struct watch_msg m = {
		.cmds = cmds,
		.msg = in,
	};

	return ctdb_msg_marshall(reply_ops(cmds), mem_ctx, h, &m, pbuf,
				 pbuflen);
}

int ctdb_watch_reply_pull(const uint8_t *buf, size_t buflen,
			  const struct ctdb_watch_cmds *cmds,
			  struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			  struct ctdb_watch_reply **out)
{
	void *msg = NULL;
	int ret;

	ret = ctdb_msg_pull(reply_ops(cmds), buf, buflen, h, mem_ctx, &msg);
	if (ret != 0) {
		return ret;
	}
	*out = msg;
	return 0;
}

/* ---------- the NOTIFY line ---------- */

char *ctdb_watch_notify_line(TALLOC_CTX *mem_ctx, const char *key,
			     const char *value, const struct timeval *time)
{
	char tbuf[CTDB_JSON_TIME_LEN];
	json_t *jkey;
	char *key_json;
	char *line;

	jkey = json_string(key);
	if (jkey == NULL) {
		return NULL;
	}
	key_json = json_dumps(jkey, CTDB_JSON_DUMP_FLAGS | JSON_ENCODE_ANY);
	json_decref(jkey);
	if (key_json == NULL) {
		return NULL;
	}
	if (value == NULL) {
		line = talloc_asprintf(mem_ctx,
				       "{\"key\":%s,\"value\":null,"
				       "\"time\":null}",
				       key_json);
	} else {
		/* The time format has only digits and "-:.TZ": no escaping. */
		line = talloc_asprintf(mem_ctx,
				       "{\"key\":%s,\"value\":%s,"
				       "\"time\":\"%s\"}",
				       key_json, value,
				       ctdb_json_time_format(time, tbuf));
	}
	free(key_json);
	return line;
}

int ctdb_watch_notify_encode(TALLOC_CTX *mem_ctx, const char *key,
			     const char *value, const struct timeval *time,
			     void *target, uint8_t **pbuf, size_t *pbuflen)
{
	const struct ctdb_watch_target *t = target;
	struct ctdb_event_header h = {
		.version = t->version,
		.reqid = t->reqid,
	};
	struct ctdb_watch_reply reply = {
		.cmd = t->cmds->notify,
		.result = 0,
	};
	char *line;
	int ret;

	line = ctdb_watch_notify_line(mem_ctx, key, value, time);
	if (line == NULL) {
		return ENOMEM;
	}
	reply.line = line;
	ret = ctdb_watch_reply_marshall(mem_ctx, t->cmds, &h, &reply, pbuf,
					pbuflen);
	talloc_free(line);
	return ret;
}
