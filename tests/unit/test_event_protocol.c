/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for event protocol marshalling, against real CTDB captures. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/event_protocol_api.h"

/*
 * Captures from spec section 4: real ctdb-event talking to real
 * ctdb-eventd 4.17.12 on x86_64. They are little-endian, so these tests
 * assume a little-endian host like the captures did.
 */

#define REQID_TOOL 0x7fffff38U

#define LE32(v)                                                         \
	(uint8_t)((v) & 0xff), (uint8_t)(((v) >> 8) & 0xff),             \
		(uint8_t)(((v) >> 16) & 0xff), (uint8_t)(((v) >> 24) & 0xff)
#define HDR(len, reqid) LE32(len), LE32(0), LE32(reqid)

/* 4.1: ctdb-event run 30 legacy takeip eth0 10.0.0.1 24 */
static const uint8_t cap_run_takeip[] = {
	HDR(67, REQID_TOOL),
	LE32(1),
	LE32(7), 'l', 'e', 'g', 'a', 'c', 'y', 0,
	LE32(7), 't', 'a', 'k', 'e', 'i', 'p', 0,
	LE32(17), 'e', 't', 'h', '0', ' ', '1', '0', '.', '0', '.', '0', '.',
	'1', ' ', '2', '4', 0,
	LE32(30),
	LE32(0),
};

/* 4.1 and 4.7 (empty component): the plain successful RUN reply. */
static const uint8_t cap_run_reply_ok[] = {
	HDR(20, REQID_TOOL), LE32(1), LE32(0),
};

/* 4.2: ctdb-event run 30 legacy monitor, no args: args is NULL (N = 0). */
static const uint8_t cap_run_monitor[] = {
	0x33, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x38, 0xff, 0xff, 0x7f, 0x01, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x00, 0x00, 'l', 'e', 'g', 'a', 'c', 'y', 0x00,
	0x08, 0x00, 0x00, 0x00, 'm', 'o', 'n', 'i', 't', 'o', 'r', 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x1e, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

/* 4.2: the RUN reply, ENOEXEC. */
static const uint8_t cap_run_reply_enoexec[] = {
	0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x38, 0xff, 0xff, 0x7f, 0x01, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x00, 0x00,
};

/* 4.2: ctdb-event status legacy monitor. */
static const uint8_t cap_status_monitor[] = {
	0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x38, 0xff, 0xff, 0x7f, 0x02, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x00, 0x00, 0x6c, 0x65, 0x67, 0x61, 0x63, 0x79, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x6d, 0x6f, 0x6e, 0x69, 0x74, 0x6f, 0x72, 0x00,
};

/* 4.2: its 211-byte reply, three scripts. */
static const uint8_t cap_status_reply_3[] = {
	/* 0000 */ 0xd3, 0x00, 0x00, 0x00,
	/* 0004 */ 0x00, 0x00, 0x00, 0x00,
	/* 0008 */ 0x38, 0xff, 0xff, 0x7f,
	/* 000c */ 0x02, 0x00, 0x00, 0x00,
	/* 0010 */ 0x00, 0x00, 0x00, 0x00,
	/* 0014 */ 0x01, 0x00, 0x00, 0x00,
	/* 0018 */ 0x03, 0x00, 0x00, 0x00,
	/* 001c */ 0x06, 0x00, 0x00, 0x00,
	/* 0020 */ 0x30, 0x31, 0x2e, 0x6f, 0x6b, 0x00,
	/* 0026 */ 0xd3, 0x5a, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x00,
		   0xa8, 0xeb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 0036 */ 0xd3, 0x5a, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x00,
		   0x48, 0xf3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 0046 */ 0x00, 0x00, 0x00, 0x00,
	/* 004a */ 0x00, 0x00, 0x00, 0x00,
	/* 004e */ 0x0c, 0x00, 0x00, 0x00,
		   '0', '2', '.', 'd', 'i', 's', 'a', 'b', 'l', 'e', 'd', 0x00,
	/* 005e */ 0xd3, 0x5a, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x00,
		   0x7a, 0xf3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 006e */ 0xd3, 0x5a, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x00,
		   0x8a, 0xf3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 007e */ 0xf8, 0xff, 0xff, 0xff,
	/* 0082 */ 0x00, 0x00, 0x00, 0x00,
	/* 0086 */ 0x08, 0x00, 0x00, 0x00,
		   '0', '3', '.', 'f', 'a', 'i', 'l', 0x00,
	/* 0092 */ 0xd3, 0x5a, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x00,
		   0x92, 0xf3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 00a2 */ 0xd3, 0x5a, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x00,
		   0x4d, 0xfa, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 00b2 */ 0x01, 0x00, 0x00, 0x00,
	/* 00b6 */ 0x19, 0x00, 0x00, 0x00,
	/* 00ba */ 0x73, 0x74, 0x64, 0x6f, 0x75, 0x74, 0x20, 0x6c, 0x69, 0x6e,
		   0x65, 0x0a, 0x73, 0x74, 0x64, 0x65, 0x72, 0x72, 0x20, 0x6c,
		   0x69, 0x6e, 0x65, 0x0a, 0x00,
};

/* Offsets into cap_status_reply_3 used by the malformed-input tests. */
#define SR3_NUM_SCRIPTS 0x18
#define SR3_NAME0 0x20
#define SR3_OUTPUT2 0xba

/* 4.3: ctdb-event status legacy ipreallocated. */
static const uint8_t cap_status_ipreallocated[] = {
	HDR(45, REQID_TOOL),
	LE32(2),
	LE32(7), 'l', 'e', 'g', 'a', 'c', 'y', 0,
	LE32(14), 'i', 'p', 'r', 'e', 'a', 'l', 'l', 'o', 'c', 'a', 't', 'e',
	'd', 0,
};

/* 4.3: never run, EINVAL. */
static const uint8_t cap_status_reply_einval[] = {
	HDR(20, REQID_TOOL), LE32(2), LE32(22),
};

/* 4.4: unknown component, ENOENT for RUN and for STATUS. */
static const uint8_t cap_run_reply_enoent[] = {
	HDR(20, REQID_TOOL), LE32(1), LE32(2),
};
static const uint8_t cap_status_reply_enoent[] = {
	HDR(20, REQID_TOOL), LE32(2), LE32(2),
};

/* 4.5: a timed-out script, with the output it wrote before the timeout. */
static const uint8_t cap_status_reply_timeout[] = {
	0x5b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x38, 0xff, 0xff, 0x7f, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x92, 0xff, 0xff, 0xff,
	0x01, 0x00, 0x00, 0x00,
	0x09, 0x00, 0x00, 0x00, '0', '1', '.', 's', 'l', 'e', 'e', 'p', 0x00,
	0xd4, 0x5a, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x6c, 0xc6, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xd5, 0x5a, 0x02, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x34, 0xcd, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x92, 0xff, 0xff, 0xff,
	0x0a, 0x00, 0x00, 0x00,
	's', 'l', 'e', 'e', 'p', 'i', 'n', 'g', '\n', 0x00,
};

/* 4.7: empty component, STATUS with no scripts. */
static const uint8_t cap_status_reply_empty[] = {
	0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x38, 0xff, 0xff, 0x7f, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
#define SRE_NUM_SCRIPTS 0x18

/* 4.8: SCRIPT legacy 03.fail disable, reqid 1, and its reply. */
static const uint8_t cap_script_disable[] = {
	0x2b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x00, 0x00, 'l', 'e', 'g', 'a', 'c', 'y', 0x00,
	0x08, 0x00, 0x00, 0x00, '0', '3', '.', 'f', 'a', 'i', 'l', 0x00,
	0x00, 0x00, 0x00, 0x00,
};
#define SD_ACTION 39

static const uint8_t cap_script_reply_ok[] = {
	0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

/*
 * Helpers
 */

static int setup(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);

	assert_non_null(mem_ctx);
	*state = mem_ctx;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

/*
 * Every pull gets a buffer of exactly the packet's size, so that valgrind
 * reports any read past buflen.
 */
static uint8_t *copy_exact(TALLOC_CTX *mem_ctx, const uint8_t *src,
			   size_t len)
{
	uint8_t *buf = talloc_array(mem_ctx, uint8_t, len);

	assert_non_null(buf);
	if (len > 0) {
		memcpy(buf, src, len);
	}
	return buf;
}

static void put_u32(uint8_t *buf, size_t offset, uint32_t v)
{
	memcpy(buf + offset, &v, sizeof(v));
}

static void assert_str_or_null_equal(const char *expected, const char *actual)
{
	if (expected == NULL || actual == NULL) {
		assert_ptr_equal(expected, actual);
		return;
	}
	assert_string_equal(expected, actual);
}

static void assert_request_equal(const struct ctdb_event_request *a,
				 const struct ctdb_event_request *b)
{
	assert_int_equal(a->cmd, b->cmd);
	switch (a->cmd) {
	case CTDB_EVENT_CMD_RUN:
		assert_non_null(b->data.run);
		assert_str_or_null_equal(a->data.run->component,
					 b->data.run->component);
		assert_str_or_null_equal(a->data.run->event,
					 b->data.run->event);
		assert_str_or_null_equal(a->data.run->args, b->data.run->args);
		assert_int_equal(a->data.run->timeout, b->data.run->timeout);
		assert_int_equal(a->data.run->flags, b->data.run->flags);
		break;
	case CTDB_EVENT_CMD_STATUS:
		assert_non_null(b->data.status);
		assert_str_or_null_equal(a->data.status->component,
					 b->data.status->component);
		assert_str_or_null_equal(a->data.status->event,
					 b->data.status->event);
		break;
	case CTDB_EVENT_CMD_SCRIPT:
		assert_non_null(b->data.script);
		assert_str_or_null_equal(a->data.script->component,
					 b->data.script->component);
		assert_str_or_null_equal(a->data.script->script,
					 b->data.script->script);
		assert_int_equal(a->data.script->action,
				 b->data.script->action);
		break;
	case CTDB_EVENT_CMD_HISTORY:
		assert_non_null(b->data.history);
		assert_string_equal(a->data.history->component,
				    b->data.history->component);
		assert_string_equal(a->data.history->event,
				    b->data.history->event);
		break;
	case CTDB_EVENT_CMD_METRICS:
		break;
	case CTDB_EVENT_CMD_RUN_INPUT:
		assert_non_null(b->data.run_input);
		assert_str_or_null_equal(a->data.run_input->run.component,
					 b->data.run_input->run.component);
		assert_str_or_null_equal(a->data.run_input->run.event,
					 b->data.run_input->run.event);
		assert_str_or_null_equal(a->data.run_input->run.args,
					 b->data.run_input->run.args);
		assert_int_equal(a->data.run_input->run.timeout,
				 b->data.run_input->run.timeout);
		assert_int_equal(a->data.run_input->run.flags,
				 b->data.run_input->run.flags);
		assert_str_or_null_equal(a->data.run_input->input,
					 b->data.run_input->input);
		break;
	default:
		fail_msg("unexpected cmd %u", (unsigned)a->cmd);
	}
}

static void assert_script_equal(const struct ctdb_event_script *a,
				const struct ctdb_event_script *b)
{
	assert_str_or_null_equal(a->name, b->name);
	assert_int_equal(a->begin.tv_sec, b->begin.tv_sec);
	assert_int_equal(a->begin.tv_usec, b->begin.tv_usec);
	assert_int_equal(a->end.tv_sec, b->end.tv_sec);
	assert_int_equal(a->end.tv_usec, b->end.tv_usec);
	assert_int_equal(a->result, b->result);
	assert_str_or_null_equal(a->output, b->output);
}

/* A NULL expected script_list means "no scripts", as push treats it. */
static void assert_reply_equal(const struct ctdb_event_reply *a,
			       const struct ctdb_event_reply *b)
{
	const struct ctdb_event_script_list *la;
	const struct ctdb_event_script_list *lb;
	int32_t i;

	assert_int_equal(a->cmd, b->cmd);
	assert_int_equal(a->result, b->result);
	if ((a->cmd == CTDB_EVENT_CMD_HISTORY ||
	     a->cmd == CTDB_EVENT_CMD_METRICS) &&
	    a->result == 0) {
		assert_non_null(b->data.text);
		assert_string_equal(a->data.text, b->data.text);
		return;
	}
	if (a->cmd != CTDB_EVENT_CMD_STATUS || a->result != 0) {
		return;
	}
	assert_non_null(b->data.status);
	assert_int_equal(a->data.status->summary, b->data.status->summary);
	la = a->data.status->script_list;
	lb = b->data.status->script_list;
	assert_non_null(lb);
	if (la == NULL) {
		assert_int_equal(lb->num_scripts, 0);
		return;
	}
	assert_int_equal(la->num_scripts, lb->num_scripts);
	if (lb->num_scripts == 0) {
		assert_null(lb->script);
	}
	for (i = 0; i < la->num_scripts; i++) {
		assert_script_equal(&la->script[i], &lb->script[i]);
	}
}

/*
 * Push into a right-sized buffer, pull back from an exact copy, compare,
 * and check that freeing the result releases everything the pull made.
 * Returns the wire bytes for further checks.
 */
static uint8_t *request_roundtrip(TALLOC_CTX *mem_ctx,
				  const struct ctdb_event_request *in,
				  uint32_t reqid, size_t expect_len)
{
	struct ctdb_event_header h = {
		.length = 0, .version = 0, .reqid = reqid,
	};
	struct ctdb_event_header h2 = { 0 };
	struct ctdb_event_request *out = NULL;
	uint8_t *buf;
	uint8_t *copy;
	size_t len;
	size_t buflen;
	size_t blocks;
	int ret;

	len = ctdb_event_request_len(&h, in);
	assert_int_equal(len, expect_len);
	buf = talloc_array(mem_ctx, uint8_t, len);
	assert_non_null(buf);
	buflen = len;
	ret = ctdb_event_request_push(&h, in, buf, &buflen);
	assert_int_equal(ret, 0);
	assert_int_equal(buflen, len);
	assert_int_equal(h.length, len);

	copy = copy_exact(mem_ctx, buf, len);
	blocks = talloc_total_blocks(mem_ctx);
	ret = ctdb_event_request_pull(copy, len, &h2, mem_ctx, &out);
	assert_int_equal(ret, 0);
	assert_non_null(out);
	assert_int_equal(h2.length, len);
	assert_int_equal(h2.version, h.version);
	assert_int_equal(h2.reqid, reqid);
	assert_request_equal(in, out);
	assert_ptr_equal(talloc_parent(out), mem_ctx);
	talloc_free(out);
	assert_int_equal(talloc_total_blocks(mem_ctx), blocks);
	talloc_free(copy);
	return buf;
}

static uint8_t *reply_roundtrip(TALLOC_CTX *mem_ctx,
				const struct ctdb_event_reply *in,
				uint32_t reqid, size_t expect_len)
{
	struct ctdb_event_header h = {
		.length = 0, .version = 0, .reqid = reqid,
	};
	struct ctdb_event_header h2 = { 0 };
	struct ctdb_event_reply *out = NULL;
	uint8_t *buf;
	uint8_t *copy;
	size_t len;
	size_t buflen;
	size_t blocks;
	int ret;

	len = ctdb_event_reply_len(&h, in);
	assert_int_equal(len, expect_len);
	buf = talloc_array(mem_ctx, uint8_t, len);
	assert_non_null(buf);
	buflen = len;
	ret = ctdb_event_reply_push(&h, in, buf, &buflen);
	assert_int_equal(ret, 0);
	assert_int_equal(buflen, len);
	assert_int_equal(h.length, len);

	copy = copy_exact(mem_ctx, buf, len);
	blocks = talloc_total_blocks(mem_ctx);
	ret = ctdb_event_reply_pull(copy, len, &h2, mem_ctx, &out);
	assert_int_equal(ret, 0);
	assert_non_null(out);
	assert_int_equal(h2.length, len);
	assert_int_equal(h2.reqid, reqid);
	assert_reply_equal(in, out);
	assert_ptr_equal(talloc_parent(out), mem_ctx);
	talloc_free(out);
	assert_int_equal(talloc_total_blocks(mem_ctx), blocks);
	talloc_free(copy);
	return buf;
}

/*
 * A capture must come out of push byte for byte (with push and with
 * marshall), and pull must decode it into exactly the expected fields.
 */
static void check_request_capture(TALLOC_CTX *mem_ctx, const uint8_t *wire,
				  size_t wire_len, uint32_t reqid,
				  const struct ctdb_event_request *expected)
{
	struct ctdb_event_header h = { .length = 0, .reqid = reqid };
	struct ctdb_event_request *out = NULL;
	uint8_t buf[512];
	uint8_t *mbuf = NULL;
	uint8_t *copy;
	size_t buflen = sizeof(buf);
	size_t mlen = 0;
	int ret;

	assert_int_equal(ctdb_event_request_len(&h, expected), wire_len);

	/* A bigger buffer than needed is fine; buflen reports the size. */
	memset(buf, 0xaa, sizeof(buf));
	ret = ctdb_event_request_push(&h, expected, buf, &buflen);
	assert_int_equal(ret, 0);
	assert_int_equal(buflen, wire_len);
	assert_int_equal(h.length, wire_len);
	assert_memory_equal(buf, wire, wire_len);
	assert_int_equal(buf[wire_len], 0xaa);

	h.length = 0;
	ret = ctdb_event_request_marshall(mem_ctx, &h, expected, &mbuf, &mlen);
	assert_int_equal(ret, 0);
	assert_int_equal(mlen, wire_len);
	assert_int_equal(talloc_get_size(mbuf), wire_len);
	assert_memory_equal(mbuf, wire, wire_len);
	talloc_free(mbuf);

	copy = copy_exact(mem_ctx, wire, wire_len);
	h = (struct ctdb_event_header){ 0 };
	ret = ctdb_event_request_pull(copy, wire_len, &h, mem_ctx, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(h.length, wire_len);
	assert_int_equal(h.version, CTDB_EVENT_WIRE_VERSION);
	assert_int_equal(h.reqid, reqid);
	assert_request_equal(expected, out);
	talloc_free(out);
	talloc_free(copy);
}

static void check_reply_capture(TALLOC_CTX *mem_ctx, const uint8_t *wire,
				size_t wire_len, uint32_t reqid,
				const struct ctdb_event_reply *expected)
{
	struct ctdb_event_header h = { .length = 0, .reqid = reqid };
	struct ctdb_event_reply *out = NULL;
	uint8_t buf[512];
	uint8_t *mbuf = NULL;
	uint8_t *copy;
	size_t buflen = sizeof(buf);
	size_t mlen = 0;
	int ret;

	assert_int_equal(ctdb_event_reply_len(&h, expected), wire_len);

	memset(buf, 0xaa, sizeof(buf));
	ret = ctdb_event_reply_push(&h, expected, buf, &buflen);
	assert_int_equal(ret, 0);
	assert_int_equal(buflen, wire_len);
	assert_int_equal(h.length, wire_len);
	assert_memory_equal(buf, wire, wire_len);
	assert_int_equal(buf[wire_len], 0xaa);

	h.length = 0;
	ret = ctdb_event_reply_marshall(mem_ctx, &h, expected, &mbuf, &mlen);
	assert_int_equal(ret, 0);
	assert_int_equal(mlen, wire_len);
	assert_memory_equal(mbuf, wire, wire_len);
	talloc_free(mbuf);

	copy = copy_exact(mem_ctx, wire, wire_len);
	h = (struct ctdb_event_header){ 0 };
	ret = ctdb_event_reply_pull(copy, wire_len, &h, mem_ctx, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(h.length, wire_len);
	assert_int_equal(h.version, CTDB_EVENT_WIRE_VERSION);
	assert_int_equal(h.reqid, reqid);
	assert_reply_equal(expected, out);
	talloc_free(out);
	talloc_free(copy);
}

/*
 * A failed pull must return the expected error, leave both outputs alone
 * and leave nothing allocated on mem_ctx.
 */
static void expect_request_fail(TALLOC_CTX *mem_ctx, const uint8_t *buf,
				size_t len, int expected)
{
	struct ctdb_event_header h = {
		.length = 0xdeadbeef, .version = 0xdeadbeef,
		.reqid = 0xdeadbeef,
	};
	struct ctdb_event_request sentinel;
	struct ctdb_event_request *out = &sentinel;
	uint8_t *copy = copy_exact(mem_ctx, buf, len);
	size_t blocks = talloc_total_blocks(mem_ctx);
	int ret;

	ret = ctdb_event_request_pull(copy, len, &h, mem_ctx, &out);
	assert_int_equal(ret, expected);
	assert_ptr_equal(out, &sentinel);
	assert_int_equal(h.length, 0xdeadbeef);
	assert_int_equal(h.version, 0xdeadbeef);
	assert_int_equal(h.reqid, 0xdeadbeef);
	assert_int_equal(talloc_total_blocks(mem_ctx), blocks);
	talloc_free(copy);
}

static void expect_reply_fail(TALLOC_CTX *mem_ctx, const uint8_t *buf,
			      size_t len, int expected)
{
	struct ctdb_event_header h = {
		.length = 0xdeadbeef, .version = 0xdeadbeef,
		.reqid = 0xdeadbeef,
	};
	struct ctdb_event_reply sentinel;
	struct ctdb_event_reply *out = &sentinel;
	uint8_t *copy = copy_exact(mem_ctx, buf, len);
	size_t blocks = talloc_total_blocks(mem_ctx);
	int ret;

	ret = ctdb_event_reply_pull(copy, len, &h, mem_ctx, &out);
	assert_int_equal(ret, expected);
	assert_ptr_equal(out, &sentinel);
	assert_int_equal(h.length, 0xdeadbeef);
	assert_int_equal(h.version, 0xdeadbeef);
	assert_int_equal(h.reqid, 0xdeadbeef);
	assert_int_equal(talloc_total_blocks(mem_ctx), blocks);
	talloc_free(copy);
}

/* A mutable copy of a capture, for building malformed packets. */
static uint8_t *mutable_copy(TALLOC_CTX *mem_ctx, const uint8_t *src,
			     size_t len)
{
	return copy_exact(mem_ctx, src, len);
}

/* The same packet plus extra bytes, with a length field that agrees. */
static uint8_t *append_bytes(TALLOC_CTX *mem_ctx, const uint8_t *src,
			     size_t len, size_t extra)
{
	uint8_t *buf = talloc_zero_array(mem_ctx, uint8_t, len + extra);

	assert_non_null(buf);
	memcpy(buf, src, len);
	put_u32(buf, 0, (uint32_t)(len + extra));
	return buf;
}

/*
 * Expected contents of the captures
 */

static struct ctdb_event_request_run run_takeip = {
	.component = "legacy",
	.event = "takeip",
	.args = "eth0 10.0.0.1 24",
	.timeout = 30,
	.flags = 0,
};

static struct ctdb_event_request_run run_monitor = {
	.component = "legacy",
	.event = "monitor",
	.args = NULL,
	.timeout = 30,
	.flags = 0,
};

static struct ctdb_event_request_status status_monitor = {
	.component = "legacy",
	.event = "monitor",
};

static struct ctdb_event_request_status status_ipreallocated = {
	.component = "legacy",
	.event = "ipreallocated",
};

static struct ctdb_event_request_script script_disable = {
	.component = "legacy",
	.script = "03.fail",
	.action = CTDB_EVENT_SCRIPT_DISABLE,
};

/* 1795316435 = 0x6b025ad3; the usecs are the capture's hex values. */
static struct ctdb_event_script scripts_3[] = {
	{
		.name = "01.ok",
		.begin = { .tv_sec = 0x6b025ad3, .tv_usec = 0xeba8 },
		.end = { .tv_sec = 0x6b025ad3, .tv_usec = 0xf348 },
		.result = 0,
		.output = NULL,
	},
	{
		.name = "02.disabled",
		.begin = { .tv_sec = 0x6b025ad3, .tv_usec = 0xf37a },
		.end = { .tv_sec = 0x6b025ad3, .tv_usec = 0xf38a },
		.result = -ENOEXEC,
		.output = NULL,
	},
	{
		.name = "03.fail",
		.begin = { .tv_sec = 0x6b025ad3, .tv_usec = 0xf392 },
		.end = { .tv_sec = 0x6b025ad3, .tv_usec = 0xfa4d },
		.result = 1,
		.output = "stdout line\nstderr line\n",
	},
};

static struct ctdb_event_script_list list_3 = {
	.num_scripts = 3,
	.script = scripts_3,
};

static struct ctdb_event_reply_status status_3 = {
	.summary = 1,
	.script_list = &list_3,
};

static struct ctdb_event_script scripts_timeout[] = {
	{
		.name = "01.sleep",
		.begin = { .tv_sec = 0x6b025ad4, .tv_usec = 0x03c66c },
		.end = { .tv_sec = 0x6b025ad5, .tv_usec = 0x03cd34 },
		.result = -ETIMEDOUT,
		.output = "sleeping\n",
	},
};

static struct ctdb_event_script_list list_timeout = {
	.num_scripts = 1,
	.script = scripts_timeout,
};

static struct ctdb_event_reply_status status_timeout = {
	.summary = -ETIMEDOUT,
	.script_list = &list_timeout,
};

static struct ctdb_event_script_list list_empty = {
	.num_scripts = 0,
	.script = NULL,
};

static struct ctdb_event_reply_status status_empty = {
	.summary = 0,
	.script_list = &list_empty,
};

/*
 * Captures: push gives the same bytes, pull gives the same fields
 */

static void test_capture_run_takeip(void **state)
{
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN,
		.data.run = &run_takeip,
	};

	assert_int_equal(sizeof(cap_run_takeip), 67);
	check_request_capture(*state, cap_run_takeip, sizeof(cap_run_takeip),
			      REQID_TOOL, &req);
}

static void test_capture_run_monitor_null_args(void **state)
{
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN,
		.data.run = &run_monitor,
	};

	assert_int_equal(sizeof(cap_run_monitor), 51);
	check_request_capture(*state, cap_run_monitor, sizeof(cap_run_monitor),
			      REQID_TOOL, &req);
}

static void test_capture_run_replies(void **state)
{
	struct ctdb_event_reply ok = {
		.cmd = CTDB_EVENT_CMD_RUN, .result = 0,
	};
	struct ctdb_event_reply enoexec = {
		.cmd = CTDB_EVENT_CMD_RUN, .result = ENOEXEC,
	};
	struct ctdb_event_reply enoent = {
		.cmd = CTDB_EVENT_CMD_RUN, .result = ENOENT,
	};

	check_reply_capture(*state, cap_run_reply_ok, sizeof(cap_run_reply_ok),
			    REQID_TOOL, &ok);
	check_reply_capture(*state, cap_run_reply_enoexec,
			    sizeof(cap_run_reply_enoexec), REQID_TOOL,
			    &enoexec);
	check_reply_capture(*state, cap_run_reply_enoent,
			    sizeof(cap_run_reply_enoent), REQID_TOOL, &enoent);
}

static void test_capture_status_request(void **state)
{
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.data.status = &status_monitor,
	};
	struct ctdb_event_request req2 = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.data.status = &status_ipreallocated,
	};

	assert_int_equal(sizeof(cap_status_monitor), 39);
	check_request_capture(*state, cap_status_monitor,
			      sizeof(cap_status_monitor), REQID_TOOL, &req);
	assert_int_equal(sizeof(cap_status_ipreallocated), 45);
	check_request_capture(*state, cap_status_ipreallocated,
			      sizeof(cap_status_ipreallocated), REQID_TOOL,
			      &req2);
}

static void test_capture_status_reply_3(void **state)
{
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.result = 0,
		.data.status = &status_3,
	};

	assert_int_equal(sizeof(cap_status_reply_3), 211);
	check_reply_capture(*state, cap_status_reply_3,
			    sizeof(cap_status_reply_3), REQID_TOOL, &reply);
}

static void test_capture_status_reply_timeout(void **state)
{
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.result = 0,
		.data.status = &status_timeout,
	};

	assert_int_equal(sizeof(cap_status_reply_timeout), 91);
	check_reply_capture(*state, cap_status_reply_timeout,
			    sizeof(cap_status_reply_timeout), REQID_TOOL,
			    &reply);
}

static void test_capture_status_reply_errors(void **state)
{
	struct ctdb_event_reply einval = {
		.cmd = CTDB_EVENT_CMD_STATUS, .result = EINVAL,
	};
	struct ctdb_event_reply enoent = {
		.cmd = CTDB_EVENT_CMD_STATUS, .result = ENOENT,
	};

	check_reply_capture(*state, cap_status_reply_einval,
			    sizeof(cap_status_reply_einval), REQID_TOOL,
			    &einval);
	check_reply_capture(*state, cap_status_reply_enoent,
			    sizeof(cap_status_reply_enoent), REQID_TOOL,
			    &enoent);
}

static void test_capture_status_reply_empty(void **state)
{
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.result = 0,
		.data.status = &status_empty,
	};
	struct ctdb_event_reply_status no_list = {
		.summary = 0, .script_list = NULL,
	};
	struct ctdb_event_reply reply_no_list = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.result = 0,
		.data.status = &no_list,
	};

	assert_int_equal(sizeof(cap_status_reply_empty), 28);
	check_reply_capture(*state, cap_status_reply_empty,
			    sizeof(cap_status_reply_empty), REQID_TOOL, &reply);
	/* A missing list is pushed as an empty one: the same 28 bytes. */
	check_reply_capture(*state, cap_status_reply_empty,
			    sizeof(cap_status_reply_empty), REQID_TOOL,
			    &reply_no_list);
}

static void test_capture_script(void **state)
{
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_SCRIPT,
		.data.script = &script_disable,
	};
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_SCRIPT, .result = 0,
	};

	assert_int_equal(sizeof(cap_script_disable), 43);
	check_request_capture(*state, cap_script_disable,
			      sizeof(cap_script_disable), 1, &req);
	check_reply_capture(*state, cap_script_reply_ok,
			    sizeof(cap_script_reply_ok), 1, &reply);
}

/*
 * Round trips
 */

static void test_roundtrip_run(void **state)
{
	struct ctdb_event_request_run run = {
		.component = "legacy",
		.event = "takeip",
		.args = "eth0 10.0.0.1 24",
		.timeout = UINT32_MAX,
		.flags = CTDB_EVENT_RUN_ALL,
	};
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN,
		.data.run = &run,
	};
	uint8_t *buf;
	uint32_t v;

	buf = request_roundtrip(*state, &req, 2, 67);
	memcpy(&v, buf + 0x3b, sizeof(v));
	assert_int_equal(v, UINT32_MAX);
	memcpy(&v, buf + 0x3f, sizeof(v));
	assert_int_equal(v, CTDB_EVENT_RUN_ALL);
}

static void test_roundtrip_run_null_args(void **state)
{
	struct ctdb_event_request_run run = {
		.component = "legacy",
		.event = "init",
		.args = NULL,
		.timeout = 0,
		.flags = 0,
	};
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN,
		.data.run = &run,
	};
	uint8_t *buf;
	uint32_t n;

	/* 16 + (4+7) + (4+5) + 4 + 8 */
	buf = request_roundtrip(*state, &req, 2, 48);
	memcpy(&n, buf + 0x24, sizeof(n));
	assert_int_equal(n, 0);
}

static void test_roundtrip_run_empty_args(void **state)
{
	struct ctdb_event_request_run run = {
		.component = "legacy",
		.event = "setup",
		.args = "",
		.timeout = 30,
		.flags = 0,
	};
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN,
		.data.run = &run,
	};
	uint8_t *buf;
	uint32_t n;

	/* "" is N = 1 and a NUL, not the N = 0 of NULL: one byte longer. */
	buf = request_roundtrip(*state, &req, 3, 50);
	memcpy(&n, buf + 0x25, sizeof(n));
	assert_int_equal(n, 1);
	assert_int_equal(buf[0x29], 0);
}

static void test_roundtrip_run_null_component(void **state)
{
	struct ctdb_event_request_run run = {
		.component = NULL,
		.event = NULL,
		.args = NULL,
		.timeout = 1,
		.flags = 0,
	};
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN,
		.data.run = &run,
	};

	/* NULL decodes as NULL; the daemon decides whether that is valid. */
	(void)request_roundtrip(*state, &req, 4, 16 + 4 + 4 + 4 + 8);
}

static void test_roundtrip_status_request(void **state)
{
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.data.status = &status_monitor,
	};

	(void)request_roundtrip(*state, &req, 5, 39);
}

static void test_roundtrip_script_request(void **state)
{
	struct ctdb_event_request_script script = {
		.component = "legacy",
		.script = "01.ok",
		.action = CTDB_EVENT_SCRIPT_ENABLE,
	};
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_SCRIPT,
		.data.script = &script,
	};
	uint8_t *buf;
	uint32_t action;

	buf = request_roundtrip(*state, &req, 6, 16 + 11 + 10 + 4);
	memcpy(&action, buf + 16 + 11 + 10, sizeof(action));
	assert_int_equal(action, CTDB_EVENT_SCRIPT_ENABLE);

	script.action = CTDB_EVENT_SCRIPT_DISABLE;
	(void)request_roundtrip(*state, &req, 7, 16 + 11 + 10 + 4);
}

static void test_roundtrip_simple_replies(void **state)
{
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_RUN, .result = ETIMEDOUT,
	};

	(void)reply_roundtrip(*state, &reply, 8, 20);
	reply.result = ECANCELED;
	(void)reply_roundtrip(*state, &reply, 9, 20);
	reply.cmd = CTDB_EVENT_CMD_SCRIPT;
	reply.result = EINVAL;
	(void)reply_roundtrip(*state, &reply, 10, 20);
	/* Negative results are not ours to send but must survive. */
	reply.result = -1;
	(void)reply_roundtrip(*state, &reply, 11, 20);
}

/* A failed STATUS has no body even if the caller left one attached. */
static void test_status_error_ignores_body(void **state)
{
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.result = EINVAL,
		.data.status = &status_3,
	};

	(void)reply_roundtrip(*state, &reply, 12, 20);
}

static void test_roundtrip_status_reply(void **state)
{
	struct ctdb_event_script scripts[] = {
		{
			.name = "01.multi",
			.begin = { .tv_sec = 1, .tv_usec = 999999 },
			.end = { .tv_sec = 2, .tv_usec = 0 },
			.result = 0,
			.output = "line one\n\nline three\n\ttabbed\n",
		},
		{
			.name = "02.null_output",
			.begin = { .tv_sec = 0, .tv_usec = 0 },
			.end = { .tv_sec = 0, .tv_usec = 0 },
			.result = -ECANCELED,
			.output = NULL,
		},
		{
			.name = "03.empty_output",
			.begin = { .tv_sec = -1, .tv_usec = -1 },
			.end = { .tv_sec = INT32_MAX, .tv_usec = 1 },
			.result = 255,
			.output = "",
		},
		{
			.name = NULL,
			.begin = { .tv_sec = 5, .tv_usec = 6 },
			.end = { .tv_sec = 7, .tv_usec = 8 },
			.result = -ENOENT,
			.output = "no name",
		},
	};
	struct ctdb_event_script_list list = {
		.num_scripts = 4,
		.script = scripts,
	};
	struct ctdb_event_reply_status status = {
		.summary = -ECANCELED,
		.script_list = &list,
	};
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.result = 0,
		.data.status = &status,
	};
	size_t len = 28;

	len += 4 + 9 + 32 + 4 + 4 + strlen(scripts[0].output) + 1;
	len += 4 + 15 + 32 + 4 + 4;
	len += 4 + 16 + 32 + 4 + 4 + 1;
	len += 4 + 32 + 4 + 4 + 8;
	(void)reply_roundtrip(*state, &reply, 13, len);
}

static void test_roundtrip_status_reply_zero(void **state)
{
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.result = 0,
		.data.status = &status_empty,
	};
	struct ctdb_event_header h = { 0 };
	struct ctdb_event_reply *out = NULL;
	int ret;

	(void)reply_roundtrip(*state, &reply, 14, 28);

	ret = ctdb_event_reply_pull(cap_status_reply_empty,
				    sizeof(cap_status_reply_empty), &h, *state,
				    &out);
	assert_int_equal(ret, 0);
	assert_non_null(out->data.status);
	assert_non_null(out->data.status->script_list);
	assert_int_equal(out->data.status->script_list->num_scripts, 0);
	assert_null(out->data.status->script_list->script);
	talloc_free(out);
}

/* Output has no size limit in CTDB (3 MB observed); 1 MB must pass. */
static void test_roundtrip_large_output(void **state)
{
	const size_t out_len = 1024 * 1024;
	char *output = talloc_array(*state, char, out_len + 1);
	struct ctdb_event_script script = {
		.name = "01.big",
		.result = 0,
	};
	struct ctdb_event_script_list list = {
		.num_scripts = 1,
		.script = &script,
	};
	struct ctdb_event_reply_status status = {
		.summary = 0,
		.script_list = &list,
	};
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.result = 0,
		.data.status = &status,
	};
	size_t i;

	assert_non_null(output);
	for (i = 0; i < out_len; i++) {
		output[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
	}
	output[out_len] = '\0';
	script.output = output;
	(void)reply_roundtrip(*state, &reply, 15,
			      28 + 4 + 7 + 32 + 4 + 4 + out_len + 1);
	talloc_free(output);
}

/* The version is not checked: push writes what it is given, pull reports. */
static void test_version_passed_through(void **state)
{
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.data.status = &status_monitor,
	};
	struct ctdb_event_header h = { .version = 7, .reqid = 0x12345678 };
	struct ctdb_event_request *out = NULL;
	uint8_t buf[64];
	size_t buflen = sizeof(buf);
	uint32_t v;
	int ret;

	ret = ctdb_event_request_push(&h, &req, buf, &buflen);
	assert_int_equal(ret, 0);
	memcpy(&v, buf + 4, sizeof(v));
	assert_int_equal(v, 7);
	memcpy(&v, buf + 8, sizeof(v));
	assert_int_equal(v, 0x12345678);

	h = (struct ctdb_event_header){ 0 };
	ret = ctdb_event_request_pull(buf, buflen, &h, *state, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(h.version, 7);
	assert_int_equal(h.reqid, 0x12345678);
	talloc_free(out);
}

/*
 * Push errors
 */

static void test_push_short_buffer(void **state)
{
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN,
		.data.run = &run_takeip,
	};
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_STATUS,
		.result = 0,
		.data.status = &status_3,
	};
	struct ctdb_event_header h = { .length = 1234, .reqid = 1 };
	uint8_t buf[256];
	size_t buflen;
	size_t i;
	int ret;

	memset(buf, 0x55, sizeof(buf));
	buflen = 66;
	ret = ctdb_event_request_push(&h, &req, buf, &buflen);
	assert_int_equal(ret, EMSGSIZE);
	assert_int_equal(buflen, 67);
	assert_int_equal(h.length, 1234);
	for (i = 0; i < sizeof(buf); i++) {
		assert_int_equal(buf[i], 0x55);
	}

	/* A zero-sized query with no buffer at all reports the size too. */
	buflen = 0;
	ret = ctdb_event_request_push(&h, &req, NULL, &buflen);
	assert_int_equal(ret, EMSGSIZE);
	assert_int_equal(buflen, 67);

	buflen = 210;
	ret = ctdb_event_reply_push(&h, &reply, buf, &buflen);
	assert_int_equal(ret, EMSGSIZE);
	assert_int_equal(buflen, 211);
	assert_int_equal(h.length, 1234);
	for (i = 0; i < sizeof(buf); i++) {
		assert_int_equal(buf[i], 0x55);
	}

	buflen = 0;
	ret = ctdb_event_reply_push(&h, &reply, NULL, &buflen);
	assert_int_equal(ret, EMSGSIZE);
	assert_int_equal(buflen, 211);

	/* Exactly the needed size is enough. */
	buflen = 211;
	ret = ctdb_event_reply_push(&h, &reply, buf, &buflen);
	assert_int_equal(ret, 0);
	assert_int_equal(h.length, 211);
	assert_int_equal(buf[211], 0x55);
}

static void test_push_invalid(void **state)
{
	struct ctdb_event_request_script bad_action = {
		.component = "legacy",
		.script = "01.ok",
		.action = 2,
	};
	struct ctdb_event_request req = { .cmd = 0 };
	struct ctdb_event_script_list neg_list = { .num_scripts = -1 };
	struct ctdb_event_script_list null_scripts = {
		.num_scripts = 1, .script = NULL,
	};
	struct ctdb_event_reply_status status = { .summary = 0 };
	struct ctdb_event_reply reply = { .cmd = 4 };
	struct ctdb_event_header h = { .length = 1234 };
	uint8_t *mbuf = NULL;
	uint8_t buf[128];
	size_t buflen;
	size_t mlen = 99;
	int ret;

	/* Unknown commands. */
	buflen = sizeof(buf);
	assert_int_equal(ctdb_event_request_len(&h, &req), 0);
	ret = ctdb_event_request_push(&h, &req, buf, &buflen);
	assert_int_equal(ret, EINVAL);
	assert_int_equal(buflen, sizeof(buf));
	assert_int_equal(h.length, 1234);
	ret = ctdb_event_request_marshall(*state, &h, &req, &mbuf, &mlen);
	assert_int_equal(ret, EINVAL);
	assert_null(mbuf);
	assert_int_equal(mlen, 99);

	assert_int_equal(ctdb_event_reply_len(&h, &reply), 0);
	ret = ctdb_event_reply_push(&h, &reply, buf, &buflen);
	assert_int_equal(ret, EINVAL);
	ret = ctdb_event_reply_marshall(*state, &h, &reply, &mbuf, &mlen);
	assert_int_equal(ret, EINVAL);
	assert_null(mbuf);

	/* A known command without its body. */
	req.cmd = CTDB_EVENT_CMD_RUN;
	req.data.run = NULL;
	ret = ctdb_event_request_push(&h, &req, buf, &buflen);
	assert_int_equal(ret, EINVAL);
	req.cmd = CTDB_EVENT_CMD_STATUS;
	ret = ctdb_event_request_push(&h, &req, buf, &buflen);
	assert_int_equal(ret, EINVAL);
	req.cmd = CTDB_EVENT_CMD_SCRIPT;
	ret = ctdb_event_request_push(&h, &req, buf, &buflen);
	assert_int_equal(ret, EINVAL);

	/* An action the peer would reject. */
	req.data.script = &bad_action;
	assert_int_equal(ctdb_event_request_len(&h, &req), 0);
	ret = ctdb_event_request_push(&h, &req, buf, &buflen);
	assert_int_equal(ret, EINVAL);

	/* A successful STATUS needs a body and a sane list. */
	reply.cmd = CTDB_EVENT_CMD_STATUS;
	reply.result = 0;
	reply.data.status = NULL;
	ret = ctdb_event_reply_push(&h, &reply, buf, &buflen);
	assert_int_equal(ret, EINVAL);
	reply.data.status = &status;
	status.script_list = &neg_list;
	ret = ctdb_event_reply_push(&h, &reply, buf, &buflen);
	assert_int_equal(ret, EINVAL);
	status.script_list = &null_scripts;
	ret = ctdb_event_reply_push(&h, &reply, buf, &buflen);
	assert_int_equal(ret, EINVAL);

	assert_int_equal(buflen, sizeof(buf));
	assert_int_equal(h.length, 1234);
}

/*
 * Pull errors
 */

static void test_header_pull(void **state)
{
	struct ctdb_event_header h = { 0 };
	int ret;

	ret = ctdb_event_header_pull(cap_run_takeip, 11, &h);
	assert_int_equal(ret, EPROTO);
	assert_int_equal(h.length, 0);

	/* Only the header is decoded: enough to read a reqid early. */
	ret = ctdb_event_header_pull(cap_run_takeip, 12, &h);
	assert_int_equal(ret, 0);
	assert_int_equal(h.length, 67);
	assert_int_equal(h.version, 0);
	assert_int_equal(h.reqid, REQID_TOOL);
}

static void test_pull_short_packets(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	uint8_t buf[16];
	size_t len;

	/* Under 12 bytes there is no header, whatever it says. */
	for (len = 0; len < CTDB_EVENT_HEADER_LEN; len++) {
		memcpy(buf, cap_run_reply_ok, sizeof(buf));
		if (len >= 4) {
			put_u32(buf, 0, (uint32_t)len);
		}
		expect_request_fail(mem_ctx, buf, len, EPROTO);
		expect_reply_fail(mem_ctx, buf, len, EPROTO);
	}

	/* 12 to 15 bytes: a consistent header but no cmd. */
	for (len = CTDB_EVENT_HEADER_LEN; len < 16; len++) {
		memcpy(buf, cap_run_reply_ok, sizeof(buf));
		put_u32(buf, 0, (uint32_t)len);
		expect_request_fail(mem_ctx, buf, len, EPROTO);
		expect_reply_fail(mem_ctx, buf, len, EPROTO);
	}

	/* 16 to 19 bytes: a reply with a cmd but no result. */
	for (len = 16; len < 20; len++) {
		uint8_t rbuf[20];

		memcpy(rbuf, cap_run_reply_ok, sizeof(rbuf));
		put_u32(rbuf, 0, (uint32_t)len);
		expect_reply_fail(mem_ctx, rbuf, len, EPROTO);
	}
}

static void test_pull_length_mismatch(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	uint8_t *buf;

	buf = mutable_copy(mem_ctx, cap_status_monitor,
			   sizeof(cap_status_monitor));
	put_u32(buf, 0, sizeof(cap_status_monitor) + 1);
	expect_request_fail(mem_ctx, buf, sizeof(cap_status_monitor), EPROTO);
	put_u32(buf, 0, sizeof(cap_status_monitor) - 1);
	expect_request_fail(mem_ctx, buf, sizeof(cap_status_monitor), EPROTO);
	put_u32(buf, 0, 0);
	expect_request_fail(mem_ctx, buf, sizeof(cap_status_monitor), EPROTO);
	put_u32(buf, 0, UINT32_MAX);
	expect_request_fail(mem_ctx, buf, sizeof(cap_status_monitor), EPROTO);

	buf = mutable_copy(mem_ctx, cap_status_reply_3,
			   sizeof(cap_status_reply_3));
	put_u32(buf, 0, sizeof(cap_status_reply_3) + 4);
	expect_reply_fail(mem_ctx, buf, sizeof(cap_status_reply_3), EPROTO);
	put_u32(buf, 0, 20);
	expect_reply_fail(mem_ctx, buf, sizeof(cap_status_reply_3), EPROTO);
	/* The same length field is fine when buflen agrees with it... */
	put_u32(buf, 0, sizeof(cap_status_reply_3));
	{
		struct ctdb_event_header h;
		struct ctdb_event_reply *out = NULL;
		int ret;

		ret = ctdb_event_reply_pull(buf, sizeof(cap_status_reply_3),
					    &h, mem_ctx, &out);
		assert_int_equal(ret, 0);
		talloc_free(out);
	}
	/* ...and not when the caller passes fewer bytes than it claims. */
	expect_reply_fail(mem_ctx, buf, 20, EPROTO);
}

static void test_pull_unknown_cmd(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const uint32_t bad[] = { 0, 4, 99, 105, UINT32_MAX };
	uint8_t *req;
	uint8_t *rep;
	size_t i;

	req = mutable_copy(mem_ctx, cap_status_monitor,
			   sizeof(cap_status_monitor));
	rep = mutable_copy(mem_ctx, cap_run_reply_ok,
			   sizeof(cap_run_reply_ok));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_u32(req, 12, bad[i]);
		expect_request_fail(mem_ctx, req, sizeof(cap_status_monitor),
				    EINVAL);
		put_u32(rep, 12, bad[i]);
		expect_reply_fail(mem_ctx, rep, sizeof(cap_run_reply_ok),
				  EINVAL);
	}

	/* The bare 16 bytes of a header and an unknown cmd. */
	expect_request_fail(mem_ctx, req, 16, EPROTO);
	put_u32(req, 0, 16);
	expect_request_fail(mem_ctx, req, 16, EINVAL);
}

static void test_pull_bad_action(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const uint32_t bad[] = { 2, 3, 0x100, UINT32_MAX };
	uint8_t *buf;
	size_t i;

	buf = mutable_copy(mem_ctx, cap_script_disable,
			   sizeof(cap_script_disable));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_u32(buf, SD_ACTION, bad[i]);
		expect_request_fail(mem_ctx, buf, sizeof(cap_script_disable),
				    EINVAL);
	}
}

static void test_pull_bad_strings(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const size_t sm_len = sizeof(cap_status_monitor);
	const size_t sr_len = sizeof(cap_status_reply_3);
	uint8_t *buf;

	/* "legacy" without its NUL (the 4.17 decoder over-consumes). */
	buf = mutable_copy(mem_ctx, cap_status_monitor, sm_len);
	buf[0x1a] = 'x';
	expect_request_fail(mem_ctx, buf, sm_len, EPROTO);

	/* The last string of the packet without its NUL. */
	buf = mutable_copy(mem_ctx, cap_status_monitor, sm_len);
	buf[sm_len - 1] = 'x';
	expect_request_fail(mem_ctx, buf, sm_len, EPROTO);

	/* An embedded NUL: "le\0acy\0". */
	buf = mutable_copy(mem_ctx, cap_status_monitor, sm_len);
	buf[0x16] = '\0';
	expect_request_fail(mem_ctx, buf, sm_len, EPROTO);

	/* N = 1 holding a non-NUL byte: "m" becomes a one-byte string. */
	buf = mutable_copy(mem_ctx, cap_status_monitor, sm_len);
	put_u32(buf, 0x1b, 1);
	put_u32(buf, 0, 0x1b + 4 + 1);
	expect_request_fail(mem_ctx, buf, 0x1b + 4 + 1, EPROTO);

	/* N running past the end, by one byte and by a lot. */
	buf = mutable_copy(mem_ctx, cap_status_monitor, sm_len);
	put_u32(buf, 0x1b, 9);
	expect_request_fail(mem_ctx, buf, sm_len, EPROTO);
	put_u32(buf, 0x1b, 0x100);
	expect_request_fail(mem_ctx, buf, sm_len, EPROTO);
	put_u32(buf, 0x1b, UINT32_MAX);
	expect_request_fail(mem_ctx, buf, sm_len, EPROTO);
	put_u32(buf, 0x10, UINT32_MAX);
	expect_request_fail(mem_ctx, buf, sm_len, EPROTO);

	/* The same inside a script record of a reply. */
	buf = mutable_copy(mem_ctx, cap_status_reply_3, sr_len);
	buf[sr_len - 1] = '\n';
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	buf = mutable_copy(mem_ctx, cap_status_reply_3, sr_len);
	buf[SR3_OUTPUT2 + 5] = '\0';
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	buf = mutable_copy(mem_ctx, cap_status_reply_3, sr_len);
	buf[SR3_NAME0 + 5] = 'k';
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	buf = mutable_copy(mem_ctx, cap_status_reply_3, sr_len);
	put_u32(buf, SR3_OUTPUT2 - 4, 26);
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	put_u32(buf, SR3_OUTPUT2 - 4, UINT32_MAX);
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
}

static void test_pull_trailing_bytes(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct {
		const uint8_t *wire;
		size_t len;
		bool request;
	} cases[] = {
		{ cap_run_takeip, sizeof(cap_run_takeip), true },
		{ cap_run_monitor, sizeof(cap_run_monitor), true },
		{ cap_status_monitor, sizeof(cap_status_monitor), true },
		{ cap_script_disable, sizeof(cap_script_disable), true },
		{ cap_run_reply_ok, sizeof(cap_run_reply_ok), false },
		{ cap_status_reply_einval, sizeof(cap_status_reply_einval),
		  false },
		{ cap_script_reply_ok, sizeof(cap_script_reply_ok), false },
		{ cap_status_reply_3, sizeof(cap_status_reply_3), false },
		{ cap_status_reply_empty, sizeof(cap_status_reply_empty),
		  false },
	};
	const size_t extras[] = { 1, 4, 8, 44 };
	size_t i;
	size_t j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (j = 0; j < sizeof(extras) / sizeof(extras[0]); j++) {
			size_t len = cases[i].len + extras[j];
			uint8_t *buf = append_bytes(mem_ctx, cases[i].wire,
						    cases[i].len, extras[j]);

			if (cases[i].request) {
				expect_request_fail(mem_ctx, buf, len, EPROTO);
			} else {
				expect_reply_fail(mem_ctx, buf, len, EPROTO);
			}
			talloc_free(buf);
		}
	}
}

/* A RUN or SCRIPT reply, or a failed STATUS, carrying a STATUS body. */
static void test_pull_body_where_none_belongs(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	uint8_t *buf;

	buf = mutable_copy(mem_ctx, cap_status_reply_empty,
			   sizeof(cap_status_reply_empty));
	put_u32(buf, 12, CTDB_EVENT_CMD_RUN);
	expect_reply_fail(mem_ctx, buf, 28, EPROTO);
	put_u32(buf, 12, CTDB_EVENT_CMD_SCRIPT);
	expect_reply_fail(mem_ctx, buf, 28, EPROTO);
	put_u32(buf, 12, CTDB_EVENT_CMD_STATUS);
	put_u32(buf, 16, EINVAL);
	expect_reply_fail(mem_ctx, buf, 28, EPROTO);

	/* And a successful STATUS without one. */
	buf = mutable_copy(mem_ctx, cap_status_reply_einval,
			   sizeof(cap_status_reply_einval));
	put_u32(buf, 16, 0);
	expect_reply_fail(mem_ctx, buf, 20, EPROTO);
}

static void test_pull_bad_num_scripts(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const size_t se_len = sizeof(cap_status_reply_empty);
	const size_t sr_len = sizeof(cap_status_reply_3);
	const uint32_t bad_empty[] = {
		(uint32_t)-1, 0x80000000U, 1, 0x7fffffffU,
	};
	uint8_t *buf;
	size_t i;

	buf = mutable_copy(mem_ctx, cap_status_reply_empty, se_len);
	for (i = 0; i < sizeof(bad_empty) / sizeof(bad_empty[0]); i++) {
		put_u32(buf, SRE_NUM_SCRIPTS, bad_empty[i]);
		expect_reply_fail(mem_ctx, buf, se_len, EPROTO);
	}

	/*
	 * 183 bytes follow the count: room for at most four minimal records,
	 * so 4 fails while parsing and 5 or more before any allocation.
	 */
	buf = mutable_copy(mem_ctx, cap_status_reply_3, sr_len);
	put_u32(buf, SR3_NUM_SCRIPTS, 2);
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	put_u32(buf, SR3_NUM_SCRIPTS, 4);
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	put_u32(buf, SR3_NUM_SCRIPTS, 5);
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	put_u32(buf, SR3_NUM_SCRIPTS, 0x7fffffff);
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	put_u32(buf, SR3_NUM_SCRIPTS, (uint32_t)-3);
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
}

/*
 * Cut every valid packet at every length. The header still claiming the
 * full size is what a short read looks like; a header rewritten to match
 * the cut is a lying peer, which has to be caught by the field checks.
 */
static void test_pull_every_truncation(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct {
		const uint8_t *wire;
		size_t len;
		bool request;
	} cases[] = {
		{ cap_run_takeip, sizeof(cap_run_takeip), true },
		{ cap_run_monitor, sizeof(cap_run_monitor), true },
		{ cap_status_monitor, sizeof(cap_status_monitor), true },
		{ cap_status_ipreallocated, sizeof(cap_status_ipreallocated),
		  true },
		{ cap_script_disable, sizeof(cap_script_disable), true },
		{ cap_run_reply_ok, sizeof(cap_run_reply_ok), false },
		{ cap_run_reply_enoexec, sizeof(cap_run_reply_enoexec), false },
		{ cap_status_reply_einval, sizeof(cap_status_reply_einval),
		  false },
		{ cap_script_reply_ok, sizeof(cap_script_reply_ok), false },
		{ cap_status_reply_3, sizeof(cap_status_reply_3), false },
		{ cap_status_reply_timeout, sizeof(cap_status_reply_timeout),
		  false },
		{ cap_status_reply_empty, sizeof(cap_status_reply_empty),
		  false },
	};
	size_t checked = 0;
	size_t i;
	size_t cut;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (cut = 0; cut < cases[i].len; cut++) {
			uint8_t *buf = mutable_copy(mem_ctx, cases[i].wire,
						    cut);

			if (cases[i].request) {
				expect_request_fail(mem_ctx, buf, cut, EPROTO);
			} else {
				expect_reply_fail(mem_ctx, buf, cut, EPROTO);
			}
			if (cut >= 4) {
				put_u32(buf, 0, (uint32_t)cut);
				if (cases[i].request) {
					expect_request_fail(mem_ctx, buf, cut,
							    EPROTO);
				} else {
					expect_reply_fail(mem_ctx, buf, cut,
							  EPROTO);
				}
			}
			talloc_free(buf);
			checked++;
		}
	}
	/* 67+51+39+45+43 + 4*20 + 211+91+28 */
	assert_int_equal(checked, 655);
}

/*
 * Corrupt every byte of the big STATUS reply and of a RUN request. Pull
 * may accept the result (a changed timestamp is still a valid packet) but
 * must never fail with anything but EPROTO or EINVAL, leak, or read out
 * of bounds (the last is for valgrind to see).
 */
static void test_pull_corrupt_every_byte(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const uint8_t masks[] = { 0x01, 0x80, 0xff };
	size_t rejected = 0;
	size_t i;
	size_t m;

	for (i = 0; i < sizeof(cap_status_reply_3); i++) {
		for (m = 0; m < sizeof(masks); m++) {
			struct ctdb_event_header h;
			struct ctdb_event_reply *out = NULL;
			uint8_t *buf;
			size_t blocks;
			int ret;

			buf = mutable_copy(mem_ctx, cap_status_reply_3,
					   sizeof(cap_status_reply_3));
			buf[i] ^= masks[m];
			blocks = talloc_total_blocks(mem_ctx);
			ret = ctdb_event_reply_pull(buf,
						    sizeof(cap_status_reply_3),
						    &h, mem_ctx, &out);
			if (ret == 0) {
				talloc_free(out);
			} else {
				assert_true(ret == EPROTO || ret == EINVAL);
				assert_null(out);
				rejected++;
			}
			assert_int_equal(talloc_total_blocks(mem_ctx), blocks);
			talloc_free(buf);
		}
	}
	/* At least every change to the length field must be caught. */
	assert_true(rejected >= 4 * sizeof(masks));

	rejected = 0;
	for (i = 0; i < sizeof(cap_run_takeip); i++) {
		for (m = 0; m < sizeof(masks); m++) {
			struct ctdb_event_header h;
			struct ctdb_event_request *out = NULL;
			uint8_t *buf;
			int ret;

			buf = mutable_copy(mem_ctx, cap_run_takeip,
					   sizeof(cap_run_takeip));
			buf[i] ^= masks[m];
			ret = ctdb_event_request_pull(buf,
						      sizeof(cap_run_takeip),
						      &h, mem_ctx, &out);
			if (ret == 0) {
				talloc_free(out);
			} else {
				assert_true(ret == EPROTO || ret == EINVAL);
				assert_null(out);
				rejected++;
			}
			talloc_free(buf);
		}
	}
	assert_true(rejected >= 4 * sizeof(masks));
}

/* RUN_INPUT, built by hand from the layout in event_protocol.h. */
static const uint8_t wire_run_input[] = {
	HDR(76, 5),
	LE32(100),
	LE32(13), 'n', 'o', 't', 'i', 'f', 'i', 'c', 'a', 't', 'i', 'o', 'n',
	0,
	LE32(8), 's', 't', 'a', 'r', 't', 'u', 'p', 0,
	LE32(0),
	LE32(30),
	LE32(0),
	LE32(15), '{', '"', 'e', '"', ':', ' ', '"', 's', 't', 'a', 'r', 't',
	'"', '}', 0,
};

static struct ctdb_event_request_run_input run_input_startup = {
	.run = {
		.component = "notification",
		.event = "startup",
		.args = NULL,
		.timeout = 30,
		.flags = 0,
	},
	.input = "{\"e\": \"start\"}",
};

static const uint8_t wire_run_input_reply[] = {
	HDR(20, 5), LE32(100), LE32(8),
};

static void test_run_input_wire(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN_INPUT,
		.data.run_input = &run_input_startup,
	};
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_RUN_INPUT,
		.result = ENOEXEC,
	};
	size_t i;

	check_request_capture(mem_ctx, wire_run_input, sizeof(wire_run_input),
			      5, &req);
	check_reply_capture(mem_ctx, wire_run_input_reply,
			    sizeof(wire_run_input_reply), 5, &reply);
	assert_string_equal(
		ctdb_event_command_to_string(CTDB_EVENT_CMD_RUN_INPUT),
		"RUN_INPUT");

	/* Every truncation (with a length field that agrees) is EPROTO. */
	for (i = 16; i < sizeof(wire_run_input); i++) {
		uint8_t *buf = mutable_copy(mem_ctx, wire_run_input, i);

		put_u32(buf, 0, (uint32_t)i);
		expect_request_fail(mem_ctx, buf, i, EPROTO);
		talloc_free(buf);
	}
	/* A byte too many, and the input without its NUL. */
	{
		uint8_t *buf = append_bytes(mem_ctx, wire_run_input,
					    sizeof(wire_run_input), 1);

		expect_request_fail(mem_ctx, buf, sizeof(wire_run_input) + 1,
				    EPROTO);
		buf = mutable_copy(mem_ctx, wire_run_input,
				   sizeof(wire_run_input));
		buf[sizeof(wire_run_input) - 1] = '!';
		expect_request_fail(mem_ctx, buf, sizeof(wire_run_input),
				    EPROTO);
	}
}

static void test_run_input_roundtrip(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct ctdb_event_request_run_input ri = {
		.run = {
			.component = "notification",
			.event = "takeip",
			.args = "eth0 10.0.0.1 24",
			.timeout = 0,
			.flags = CTDB_EVENT_RUN_ALL,
		},
		.input = NULL,
	};
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN_INPUT,
		.data.run_input = &ri,
	};
	uint8_t *buf;

	/* NULL input: N = 0. */
	buf = request_roundtrip(mem_ctx, &req, 7,
				16 + 17 + 11 + 21 + 8 + 4);
	talloc_free(buf);
	ri.input = "";
	buf = request_roundtrip(mem_ctx, &req, 7,
				16 + 17 + 11 + 21 + 8 + 4 + 1);
	talloc_free(buf);
}

/* Exactly CTDB_EVENT_INPUT_MAX bytes pass; one more is EINVAL both ways. */
static void test_run_input_limit(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct ctdb_event_request_run_input ri = run_input_startup;
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_RUN_INPUT,
		.data.run_input = &ri,
	};
	struct ctdb_event_header h = { .reqid = 1 };
	char *input;
	uint8_t *buf = NULL;
	size_t buflen = 0;
	size_t len;
	int ret;

	input = talloc_array(mem_ctx, char, CTDB_EVENT_INPUT_MAX + 2);
	assert_non_null(input);
	memset(input, 'j', CTDB_EVENT_INPUT_MAX + 1);
	input[CTDB_EVENT_INPUT_MAX] = '\0';
	ri.input = input;
	len = 16 + 17 + 12 + 4 + 8 + 4 + CTDB_EVENT_INPUT_MAX + 1;
	buf = request_roundtrip(mem_ctx, &req, 1, len);

	/* Push refuses one byte more... */
	input[CTDB_EVENT_INPUT_MAX] = 'j';
	input[CTDB_EVENT_INPUT_MAX + 1] = '\0';
	assert_int_equal(ctdb_event_request_len(&h, &req), 0);
	ret = ctdb_event_request_marshall(mem_ctx, &h, &req, &buf, &buflen);
	assert_int_equal(ret, EINVAL);

	/* ...and pull refuses it from the wire, by its length alone. */
	buf = talloc_realloc(mem_ctx, buf, uint8_t, len + 1);
	assert_non_null(buf);
	buf[len - 1] = 'j';
	buf[len] = '\0';
	put_u32(buf, 0, (uint32_t)(len + 1));
	put_u32(buf, len - 4 - CTDB_EVENT_INPUT_MAX - 1,
		CTDB_EVENT_INPUT_MAX + 2);
	expect_request_fail(mem_ctx, buf, len + 1, EINVAL);
	put_u32(buf, len - 4 - CTDB_EVENT_INPUT_MAX - 1, UINT32_MAX);
	expect_request_fail(mem_ctx, buf, len + 1, EINVAL);

	/* No body at all cannot be pushed. */
	req.data.run_input = NULL;
	ret = ctdb_event_request_marshall(mem_ctx, &h, &req, &buf, &buflen);
	assert_int_equal(ret, EINVAL);
}

static void test_command_to_string(void **state)
{
	assert_string_equal(ctdb_event_command_to_string(CTDB_EVENT_CMD_RUN),
			    "RUN");
	assert_string_equal(
		ctdb_event_command_to_string(CTDB_EVENT_CMD_STATUS), "STATUS");
	assert_string_equal(
		ctdb_event_command_to_string(CTDB_EVENT_CMD_SCRIPT), "SCRIPT");
	assert_string_equal(ctdb_event_command_to_string(0), "UNKNOWN");
	assert_string_equal(ctdb_event_command_to_string(4), "UNKNOWN");
}

/*
 * Our extensions: HISTORY (101) and METRICS (102)
 */

static const uint8_t wire_history_request[] = {
	39, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, /* header, reqid 7 */
	101, 0, 0, 0,                           /* HISTORY */
	7, 0, 0, 0, 'l', 'e', 'g', 'a', 'c', 'y', 0,
	8, 0, 0, 0, 'm', 'o', 'n', 'i', 't', 'o', 'r', 0,
};

static const uint8_t wire_history_reply[] = {
	27, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0,
	101, 0, 0, 0, /* HISTORY */
	0, 0, 0, 0,   /* result 0 */
	3, 0, 0, 0, '[', ']', 0,
};

static void test_history_request(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct ctdb_event_request_status history = {
		.component = "legacy",
		.event = "monitor",
	};
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_HISTORY,
		.data.history = &history,
	};
	uint8_t *buf;
	uint8_t *bad;

	buf = request_roundtrip(mem_ctx, &req, 7, sizeof(wire_history_request));
	assert_memory_equal(buf, wire_history_request,
			    sizeof(wire_history_request));

	/* Both names are required, on push and on pull. */
	history.event = NULL;
	assert_int_equal(ctdb_event_request_len(NULL, &req), 0);
	history.event = "monitor";
	history.component = NULL;
	assert_int_equal(ctdb_event_request_len(NULL, &req), 0);
	req.data.history = NULL;
	assert_int_equal(ctdb_event_request_len(NULL, &req), 0);

	/* An empty (NULL) event: N = 0 where "monitor" was. */
	bad = append_bytes(mem_ctx, wire_history_request, 27, 4);
	expect_request_fail(mem_ctx, bad, 31, EPROTO);
	/* Trailing garbage and every truncation are refused. */
	bad = append_bytes(mem_ctx, wire_history_request,
			   sizeof(wire_history_request), 1);
	expect_request_fail(mem_ctx, bad, sizeof(wire_history_request) + 1,
			    EPROTO);
}

static void test_history_request_truncations(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	uint8_t *buf;
	size_t len;

	for (len = 16; len < sizeof(wire_history_request); len++) {
		buf = mutable_copy(mem_ctx, wire_history_request, len);
		put_u32(buf, 0, (uint32_t)len);
		expect_request_fail(mem_ctx, buf, len, EPROTO);
	}
}

static void test_metrics_request(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct ctdb_event_request req = {
		.cmd = CTDB_EVENT_CMD_METRICS,
	};
	uint8_t *buf;
	uint8_t *bad;

	buf = request_roundtrip(mem_ctx, &req, 3, 16);
	assert_int_equal(buf[12], 102);
	/* No body: one more byte is garbage. */
	bad = append_bytes(mem_ctx, buf, 16, 1);
	expect_request_fail(mem_ctx, bad, 17, EPROTO);
}

static void test_text_replies(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const char *metrics = "# TYPE x counter\n"
			      "x_total{a=\"\\\"\"} 1\n";
	struct ctdb_event_reply reply = {
		.cmd = CTDB_EVENT_CMD_HISTORY,
		.result = 0,
		.data.text = "[]",
	};
	uint8_t *buf;

	buf = reply_roundtrip(mem_ctx, &reply, 7, sizeof(wire_history_reply));
	assert_memory_equal(buf, wire_history_reply,
			    sizeof(wire_history_reply));

	reply.cmd = CTDB_EVENT_CMD_METRICS;
	reply.data.text = metrics;
	(void)reply_roundtrip(mem_ctx, &reply, 1,
			      20 + 4 + strlen(metrics) + 1);
	/* An empty text is "", not NULL. */
	reply.data.text = "";
	(void)reply_roundtrip(mem_ctx, &reply, 1, 20 + 4 + 1);

	/* Errors carry no body (ENOENT: unknown component). */
	reply.cmd = CTDB_EVENT_CMD_HISTORY;
	reply.result = ENOENT;
	reply.data.text = NULL;
	(void)reply_roundtrip(mem_ctx, &reply, 1, 20);

	/* Success needs the text. */
	reply.result = 0;
	assert_int_equal(ctdb_event_reply_len(NULL, &reply), 0);
	reply.cmd = CTDB_EVENT_CMD_METRICS;
	assert_int_equal(ctdb_event_reply_len(NULL, &reply), 0);
}

static void test_text_reply_malformed(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	uint8_t *buf;
	size_t len;

	/* Every truncation, with a length field that agrees. */
	for (len = 16; len < sizeof(wire_history_reply); len++) {
		buf = mutable_copy(mem_ctx, wire_history_reply, len);
		put_u32(buf, 0, (uint32_t)len);
		expect_reply_fail(mem_ctx, buf, len, EPROTO);
	}
	/* A NULL text (N = 0) on success. */
	buf = mutable_copy(mem_ctx, wire_history_reply, 24);
	put_u32(buf, 0, 24);
	put_u32(buf, 20, 0);
	expect_reply_fail(mem_ctx, buf, 24, EPROTO);
	/* A NUL inside the string, and a missing final NUL. */
	buf = mutable_copy(mem_ctx, wire_history_reply,
			   sizeof(wire_history_reply));
	buf[24] = 0;
	expect_reply_fail(mem_ctx, buf, sizeof(wire_history_reply), EPROTO);
	buf = mutable_copy(mem_ctx, wire_history_reply,
			   sizeof(wire_history_reply));
	buf[26] = 'x';
	expect_reply_fail(mem_ctx, buf, sizeof(wire_history_reply), EPROTO);
	/* A body on an error reply is trailing garbage. */
	buf = mutable_copy(mem_ctx, wire_history_reply,
			   sizeof(wire_history_reply));
	put_u32(buf, 16, ENOENT);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_history_reply), EPROTO);
	/* Trailing bytes after the text. */
	buf = append_bytes(mem_ctx, wire_history_reply,
			   sizeof(wire_history_reply), 2);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_history_reply) + 2,
			  EPROTO);
	assert_string_equal(
		ctdb_event_command_to_string(CTDB_EVENT_CMD_HISTORY),
		"HISTORY");
	assert_string_equal(
		ctdb_event_command_to_string(CTDB_EVENT_CMD_METRICS),
		"METRICS");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_capture_run_takeip),
		T(test_capture_run_monitor_null_args),
		T(test_capture_run_replies),
		T(test_capture_status_request),
		T(test_capture_status_reply_3),
		T(test_capture_status_reply_timeout),
		T(test_capture_status_reply_errors),
		T(test_capture_status_reply_empty),
		T(test_capture_script),
		T(test_roundtrip_run),
		T(test_roundtrip_run_null_args),
		T(test_roundtrip_run_empty_args),
		T(test_roundtrip_run_null_component),
		T(test_roundtrip_status_request),
		T(test_roundtrip_script_request),
		T(test_roundtrip_simple_replies),
		T(test_status_error_ignores_body),
		T(test_roundtrip_status_reply),
		T(test_roundtrip_status_reply_zero),
		T(test_roundtrip_large_output),
		T(test_version_passed_through),
		T(test_push_short_buffer),
		T(test_push_invalid),
		T(test_header_pull),
		T(test_pull_short_packets),
		T(test_pull_length_mismatch),
		T(test_pull_unknown_cmd),
		T(test_pull_bad_action),
		T(test_pull_bad_strings),
		T(test_pull_trailing_bytes),
		T(test_pull_body_where_none_belongs),
		T(test_pull_bad_num_scripts),
		T(test_pull_every_truncation),
		T(test_pull_corrupt_every_byte),
		T(test_command_to_string),
		T(test_history_request),
		T(test_history_request_truncations),
		T(test_metrics_request),
		T(test_text_replies),
		T(test_text_reply_malformed),
		T(test_run_input_wire),
		T(test_run_input_roundtrip),
		T(test_run_input_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
