/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for WATCH/NOTIFY marshalling: layout, round trips, bad input. */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/watch_protocol.h"

/* Little-endian packets, as the other protocol tests assume. */
#define LE32(v)                                                         \
	(uint8_t)((v) & 0xff), (uint8_t)(((v) >> 8) & 0xff),             \
		(uint8_t)(((v) >> 16) & 0xff), (uint8_t)(((v) >> 24) & 0xff)
#define HDR(len, reqid) LE32(len), LE32(0), LE32(reqid)

/* WATCH "node.health", "a" on the node socket, reqid 5. */
static const uint8_t wire_watch[] = {
	HDR(42, 5),
	LE32(110),
	LE32(2),
	LE32(12), 'n', 'o', 'd', 'e', '.', 'h', 'e', 'a', 'l', 't', 'h', 0,
	LE32(2), 'a', 0,
};

/* NOTIFY on the event socket. */
static const uint8_t wire_notify[] = {
	HDR(27, 9),
	LE32(104), LE32(0),
	LE32(3), '{', '}', 0,
};

static void test_request_layout(void **state)
{
	const char *keys[] = { "node.health", "a" };
	struct ctdb_watch_request in = { .num_keys = 2, .keys = keys };
	struct ctdb_event_header h = { .reqid = 5 };
	struct ctdb_watch_request *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	TALLOC_CTX *mem_ctx = talloc_new(NULL);

	assert_int_equal(ctdb_watch_request_marshall(mem_ctx,
						     &ctdb_watch_cmds_node,
						     &h, &in, &buf, &len),
			 0);
	assert_int_equal(len, sizeof(wire_watch));
	assert_memory_equal(buf, wire_watch, len);

	assert_int_equal(ctdb_watch_request_pull(wire_watch,
						  sizeof(wire_watch),
						  &ctdb_watch_cmds_node, &h,
						  mem_ctx, &out),
			 0);
	assert_int_equal(h.reqid, 5);
	assert_int_equal(out->num_keys, 2);
	assert_string_equal(out->keys[0], "node.health");
	assert_string_equal(out->keys[1], "a");

	/* The node WATCH is not an event WATCH. */
	assert_int_equal(ctdb_watch_request_pull(wire_watch,
						  sizeof(wire_watch),
						  &ctdb_watch_cmds_event, &h,
						  mem_ctx, &out),
			 EINVAL);
	talloc_free(mem_ctx);
}

static void test_request_all_keys(void **state)
{
	struct ctdb_watch_request in = { .num_keys = 0 };
	struct ctdb_event_header h = { .reqid = 1 };
	struct ctdb_watch_request *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	uint32_t cmd = 0;
	TALLOC_CTX *mem_ctx = talloc_new(NULL);

	assert_int_equal(ctdb_watch_request_marshall(mem_ctx,
						     &ctdb_watch_cmds_event,
						     &h, &in, &buf, &len),
			 0);
	assert_int_equal(len, 20);
	assert_int_equal(ctdb_watch_peek_cmd(buf, len, &cmd), 0);
	assert_int_equal(cmd, 103);
	assert_int_equal(ctdb_watch_request_pull(buf, len,
						  &ctdb_watch_cmds_event, &h,
						  mem_ctx, &out),
			 0);
	assert_int_equal(out->num_keys, 0);
	assert_null(out->keys);
	talloc_free(mem_ctx);
}

static void test_request_bad(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct ctdb_watch_request *out = NULL;
	struct ctdb_event_header h;
	uint8_t bad[sizeof(wire_watch)];
	const char *keys[] = { NULL };
	struct ctdb_watch_request in = { .num_keys = 1, .keys = keys };
	uint8_t *buf = NULL;
	size_t len = 0;
	size_t i;

	/* Every truncation fails, whatever the header claims. */
	for (i = 0; i < sizeof(wire_watch); i++) {
		memcpy(bad, wire_watch, sizeof(wire_watch));
		bad[0] = (uint8_t)i;
		assert_int_equal(ctdb_watch_request_pull(bad, i,
							  &ctdb_watch_cmds_node,
							  &h, mem_ctx, &out),
				 EPROTO);
	}
	/* A count beyond what the packet holds. */
	memcpy(bad, wire_watch, sizeof(wire_watch));
	bad[16] = 3;
	assert_int_equal(ctdb_watch_request_pull(bad, sizeof(bad),
						  &ctdb_watch_cmds_node, &h,
						  mem_ctx, &out),
			 EPROTO);
	bad[16] = 0xff;
	bad[19] = 0xff;
	assert_int_equal(ctdb_watch_request_pull(bad, sizeof(bad),
						  &ctdb_watch_cmds_node, &h,
						  mem_ctx, &out),
			 EPROTO);
	/* A smaller count leaves bytes over. */
	memcpy(bad, wire_watch, sizeof(wire_watch));
	bad[16] = 1;
	assert_int_equal(ctdb_watch_request_pull(bad, sizeof(bad),
						  &ctdb_watch_cmds_node, &h,
						  mem_ctx, &out),
			 EPROTO);
	/* A string whose NUL is not last. */
	memcpy(bad, wire_watch, sizeof(wire_watch));
	bad[28] = 0;
	assert_int_equal(ctdb_watch_request_pull(bad, sizeof(bad),
						  &ctdb_watch_cmds_node, &h,
						  mem_ctx, &out),
			 EPROTO);
	/* A NULL key (N = 0) is refused. */
	memcpy(bad, wire_watch, sizeof(wire_watch));
	bad[0] = 24;
	bad[16] = 1;
	memset(bad + 20, 0, 4);
	assert_int_equal(ctdb_watch_request_pull(bad, 24, &ctdb_watch_cmds_node,
						  &h, mem_ctx, &out),
			 EPROTO);
	/* A NULL key cannot be sent. */
	assert_int_equal(ctdb_watch_request_marshall(mem_ctx,
						     &ctdb_watch_cmds_node,
						     &h, &in, &buf, &len),
			 EINVAL);
	talloc_free(mem_ctx);
}

static void test_reply(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct ctdb_watch_reply notify = {
		.cmd = CTDB_EVENT_CMD_NOTIFY,
		.line = "{}",
	};
	struct ctdb_watch_reply watch = {
		.cmd = CTDB_NODE_CMD_WATCH,
		.result = EINVAL,
	};
	struct ctdb_watch_reply *out = NULL;
	struct ctdb_event_header h = { .reqid = 9 };
	uint8_t bad[sizeof(wire_notify)];
	uint8_t *buf = NULL;
	size_t len = 0;
	size_t i;

	assert_int_equal(ctdb_watch_reply_marshall(mem_ctx,
						   &ctdb_watch_cmds_event, &h,
						   &notify, &buf, &len),
			 0);
	assert_int_equal(len, sizeof(wire_notify));
	assert_memory_equal(buf, wire_notify, len);
	assert_int_equal(ctdb_watch_reply_pull(buf, len,
						&ctdb_watch_cmds_event, &h,
						mem_ctx, &out),
			 0);
	assert_int_equal(out->cmd, CTDB_EVENT_CMD_NOTIFY);
	assert_string_equal(out->line, "{}");

	assert_int_equal(ctdb_watch_reply_marshall(mem_ctx,
						   &ctdb_watch_cmds_node, &h,
						   &watch, &buf, &len),
			 0);
	assert_int_equal(len, 20);
	assert_int_equal(ctdb_watch_reply_pull(buf, len, &ctdb_watch_cmds_node,
						&h, mem_ctx, &out),
			 0);
	assert_int_equal(out->cmd, CTDB_NODE_CMD_WATCH);
	assert_int_equal(out->result, EINVAL);
	assert_null(out->line);

	/* A NOTIFY without a line is refused both ways. */
	notify.line = NULL;
	assert_int_equal(ctdb_watch_reply_marshall(mem_ctx,
						   &ctdb_watch_cmds_event, &h,
						   &notify, &buf, &len),
			 EINVAL);
	memcpy(bad, wire_notify, sizeof(bad));
	bad[0] = 24;
	bad[20] = 0;
	assert_int_equal(ctdb_watch_reply_pull(bad, 24, &ctdb_watch_cmds_event,
						&h, mem_ctx, &out),
			 EPROTO);
	for (i = 0; i < sizeof(wire_notify); i++) {
		memcpy(bad, wire_notify, sizeof(bad));
		bad[0] = (uint8_t)i;
		assert_int_equal(ctdb_watch_reply_pull(bad, i,
							&ctdb_watch_cmds_event,
							&h, mem_ctx, &out),
				 EPROTO);
	}
	/* An event NOTIFY on the node socket: unknown cmd. */
	assert_int_equal(ctdb_watch_reply_pull(wire_notify,
						sizeof(wire_notify),
						&ctdb_watch_cmds_node, &h,
						mem_ctx, &out),
			 EINVAL);
	talloc_free(mem_ctx);
}

static void test_notify_line(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct timeval tv = { .tv_sec = 0, .tv_usec = 5 };
	json_error_t err;
	json_t *j;
	char *line;

	line = ctdb_watch_notify_line(mem_ctx, "k\"\n", NULL, NULL);
	assert_string_equal(line,
			    "{\"key\":\"k\\\"\\n\",\"value\":null,"
			    "\"time\":null}");
	line = ctdb_watch_notify_line(mem_ctx, "event.a.b",
				      "{\"state\":\"OK\"}", &tv);
	j = json_loads(line, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "key")),
			    "event.a.b");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(j, "value"), "state")),
			    "OK");
	assert_string_equal(json_string_value(json_object_get(j, "time")),
			    "1970-01-01T00:00:00.000005Z");
	json_decref(j);

	assert_true(ctdb_watch_key_valid("node.health"));
	assert_false(ctdb_watch_key_valid(""));
	assert_false(ctdb_watch_key_valid(NULL));
	assert_false(ctdb_watch_key_valid("a\nb"));
	assert_false(ctdb_watch_key_valid("a b"));
	assert_false(ctdb_watch_key_valid("a\x7f"));
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_layout),
		cmocka_unit_test(test_request_all_keys),
		cmocka_unit_test(test_request_bad),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_notify_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
