/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the cluster message codec: layout, round trips, bad input. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/cluster_protocol.h"
#include "protocol/node_protocol.h"

/* The hand-written packets assume a little-endian host, as test_node_protocol. */
#define LE32(v)                                                         \
	(uint8_t)((v) & 0xff), (uint8_t)(((v) >> 8) & 0xff),             \
		(uint8_t)(((v) >> 16) & 0xff), (uint8_t)(((v) >> 24) & 0xff)

#define NUM_NODES 5

static const uint8_t wire_heartbeat[] = {
	'C', 'N', 'T', 'C', LE32(1), LE32(2), LE32(3), LE32(9), LE32(42),
};

static const char *held[] = { "10.0.0.1", "fd00::1" };
static const char *public_ips[] = { "10.0.0.1", "10.0.0.2", "fd00::1" };

static struct cluster_msg sample_state(void)
{
	struct cluster_msg msg = {
		.type = CLUSTER_MSG_STATE,
		.pnn = 2,
		.round = 7,
	};

	msg.body.state.kind = CLUSTER_STATE_CHANGE;
	msg.body.state.flags = CTDB_NODE_FLAGS_UNHEALTHY;
	msg.body.state.runstate = CTDB_RUNSTATE_RUNNING;
	msg.body.state.options = CLUSTER_OPT_NO_IP_FAILBACK;
	msg.body.state.joined_round = 3;
	msg.body.state.nodes_hash = 0x0123456789abcdefULL;
	msg.body.state.reason = "monitor: 10.interface failed";
	msg.body.state.num_held = 2;
	msg.body.state.held = held;
	msg.body.state.num_public = 3;
	msg.body.state.public_ips = public_ips;
	return msg;
}

static void marshall_ok(TALLOC_CTX *mem, const struct cluster_msg *msg,
			uint8_t **buf, size_t *len)
{
	int ret = cluster_msg_marshall(mem, msg, buf, len);

	assert_int_equal(ret, 0);
}

static void test_heartbeat_layout(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cluster_msg in = {
		.type = CLUSTER_MSG_HEARTBEAT,
		.pnn = 3,
		.round = 9,
		.body.heartbeat_seq = 42,
	};
	struct cluster_msg *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	marshall_ok(mem, &in, &buf, &len);
	assert_int_equal(len, sizeof(wire_heartbeat));
	assert_memory_equal(buf, wire_heartbeat, len);

	ret = cluster_msg_pull(wire_heartbeat, sizeof(wire_heartbeat),
			       NUM_NODES, mem, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(out->type, CLUSTER_MSG_HEARTBEAT);
	assert_int_equal(out->pnn, 3);
	assert_int_equal(out->round, 9);
	assert_int_equal(out->body.heartbeat_seq, 42);
	talloc_free(mem);
}

static void test_state_round_trip(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cluster_msg in = sample_state();
	struct cluster_msg *out = NULL;
	const struct cluster_state_msg *st;
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	marshall_ok(mem, &in, &buf, &len);
	ret = cluster_msg_pull(buf, len, NUM_NODES, mem, &out);
	assert_int_equal(ret, 0);
	st = &out->body.state;
	assert_int_equal(out->type, CLUSTER_MSG_STATE);
	assert_int_equal(out->pnn, 2);
	assert_int_equal(out->round, 7);
	assert_int_equal(st->kind, CLUSTER_STATE_CHANGE);
	assert_int_equal(st->flags, CTDB_NODE_FLAGS_UNHEALTHY);
	assert_int_equal(st->runstate, CTDB_RUNSTATE_RUNNING);
	assert_int_equal(st->options, CLUSTER_OPT_NO_IP_FAILBACK);
	assert_int_equal(st->joined_round, 3);
	assert_true(st->nodes_hash == 0x0123456789abcdefULL);
	assert_string_equal(st->reason, "monitor: 10.interface failed");
	assert_int_equal(st->num_held, 2);
	assert_string_equal(st->held[1], "fd00::1");
	assert_int_equal(st->num_public, 3);
	assert_string_equal(st->public_ips[1], "10.0.0.2");
	talloc_free(mem);
}

static void test_state_empty_lists(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cluster_msg in = sample_state();
	struct cluster_msg *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	in.body.state.reason = NULL;
	in.body.state.num_held = 0;
	in.body.state.held = NULL;
	in.body.state.num_public = 0;
	in.body.state.public_ips = NULL;
	marshall_ok(mem, &in, &buf, &len);
	ret = cluster_msg_pull(buf, len, NUM_NODES, mem, &out);
	assert_int_equal(ret, 0);
	assert_null(out->body.state.reason);
	assert_null(out->body.state.held);
	assert_null(out->body.state.public_ips);
	talloc_free(mem);
}

static void test_suspect_and_phases_round_trip(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cluster_msg in = {
		.type = CLUSTER_MSG_SUSPECT,
		.pnn = 0,
		.round = 12,
	};
	struct cluster_msg *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	uint32_t types[] = { CLUSTER_MSG_RELEASED, CLUSTER_MSG_TAKEN };
	unsigned i;
	int ret;

	in.body.suspect.target_pnn = 4;
	in.body.suspect.target_member = (3ULL << 32) | 4242;
	in.body.suspect.target_seq = 17;
	marshall_ok(mem, &in, &buf, &len);
	assert_int_equal(len, CLUSTER_MSG_HEADER_LEN + 16);
	ret = cluster_msg_pull(buf, len, NUM_NODES, mem, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(out->body.suspect.target_pnn, 4);
	assert_true(out->body.suspect.target_member == ((3ULL << 32) | 4242));
	assert_int_equal(out->body.suspect.target_seq, 17);

	for (i = 0; i < 2; i++) {
		struct cluster_msg phase = {
			.type = types[i],
			.pnn = 1,
			.round = 5,
		};

		marshall_ok(mem, &phase, &buf, &len);
		assert_int_equal(len, CLUSTER_MSG_HEADER_LEN);
		ret = cluster_msg_pull(buf, len, NUM_NODES, mem, &out);
		assert_int_equal(ret, 0);
		assert_int_equal(out->type, types[i]);
		assert_int_equal(out->round, 5);
	}
	talloc_free(mem);
}

/* Every proper prefix of a valid message is truncated, and says so. */
static struct net_endpoint ep4(const char *addr, uint16_t port)
{
	struct net_endpoint e;
	struct sockaddr_in *sin = (struct sockaddr_in *)&e.ss;

	memset(&e, 0, sizeof(e));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
	return e;
}

/* TICKLES: an address and its connection list, refused when malformed. */
static void test_tickles_round_trip(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ctdb_tickle_conn conn[2] = {
		{ ep4("192.168.1.5", 40000), ep4("10.0.0.1", 445) },
		{ ep4("192.168.1.6", 40001), ep4("10.0.0.1", 139) },
	};
	struct ctdb_tickle_list list = { .num = 2, .conn = conn };
	struct cluster_msg in = {
		.type = CLUSTER_MSG_TICKLES,
		.pnn = 2,
		.round = 7,
		.body.tickles = { .address = "10.0.0.1", .list = &list },
	};
	struct cluster_msg *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	size_t cut;
	int ret;

	marshall_ok(mem, &in, &buf, &len);
	assert_int_equal(len, CLUSTER_MSG_HEADER_LEN + 4 + 9 + 4 +
				      2 * CTDB_TICKLE_CONN_WIRE_LEN);
	ret = cluster_msg_pull(buf, len, NUM_NODES, mem, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(out->type, CLUSTER_MSG_TICKLES);
	assert_int_equal(out->pnn, 2);
	assert_string_equal(out->body.tickles.address, "10.0.0.1");
	assert_int_equal(out->body.tickles.list->num, 2);
	assert_memory_equal(&out->body.tickles.list->conn[1].src,
			    &conn[1].src, sizeof(conn[1].src));
	assert_string_equal(cluster_msg_type_name(CLUSTER_MSG_TICKLES),
			    "tickles");
	for (cut = 0; cut < len; cut++) {
		out = NULL;
		ret = cluster_msg_pull(buf, cut, NUM_NODES, mem, &out);
		assert_int_equal(ret, EPROTO);
		assert_null(out);
	}
	/* What the decoder would refuse is never encoded. */
	in.body.tickles.address = "10.0.0.1/24";
	assert_int_equal(cluster_msg_marshall(mem, &in, &buf, &len), EINVAL);
	in.body.tickles.address = "10.0.0.1";
	in.body.tickles.list = NULL;
	assert_int_equal(cluster_msg_marshall(mem, &in, &buf, &len), EINVAL);
	talloc_free(mem);
}

static void test_truncated(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cluster_msg in = sample_state();
	struct cluster_msg *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	size_t cut;
	int ret;

	marshall_ok(mem, &in, &buf, &len);
	for (cut = 0; cut < len; cut++) {
		ret = cluster_msg_pull(buf, cut, NUM_NODES, mem, &out);
		assert_int_equal(ret, EPROTO);
		assert_null(out);
	}
	assert_int_equal(talloc_total_blocks(mem), 2);
	talloc_free(mem);
}

static void test_trailing_byte(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t longer[sizeof(wire_heartbeat) + 1];
	struct cluster_msg *out = NULL;
	int ret;

	memcpy(longer, wire_heartbeat, sizeof(wire_heartbeat));
	longer[sizeof(wire_heartbeat)] = 0;
	ret = cluster_msg_pull(longer, sizeof(longer), NUM_NODES, mem, &out);
	assert_int_equal(ret, EPROTO);
	assert_null(out);
	talloc_free(mem);
}

static void test_header_errors(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t buf[sizeof(wire_heartbeat)];
	struct cluster_msg *out = NULL;
	uint32_t version, type, pnn;
	int ret;

	/* Another version: refused, but peek still says which. */
	memcpy(buf, wire_heartbeat, sizeof(buf));
	buf[4] = 2;
	ret = cluster_msg_pull(buf, sizeof(buf), NUM_NODES, mem, &out);
	assert_int_equal(ret, EPROTONOSUPPORT);
	ret = cluster_msg_peek(buf, sizeof(buf), &version, &type, &pnn);
	assert_int_equal(ret, 0);
	assert_int_equal(version, 2);
	assert_int_equal(type, CLUSTER_MSG_HEARTBEAT);
	assert_int_equal(pnn, 3);

	/* The other byte order: the magic reads swapped. */
	memcpy(buf, wire_heartbeat, sizeof(buf));
	buf[0] = 'C';
	buf[1] = 'T';
	buf[2] = 'N';
	buf[3] = 'C';
	ret = cluster_msg_pull(buf, sizeof(buf), NUM_NODES, mem, &out);
	assert_int_equal(ret, EPROTONOSUPPORT);

	/* Not ours at all. */
	memcpy(buf, wire_heartbeat, sizeof(buf));
	buf[0] = 'X';
	ret = cluster_msg_pull(buf, sizeof(buf), NUM_NODES, mem, &out);
	assert_int_equal(ret, EPROTO);
	ret = cluster_msg_peek(buf, sizeof(buf), &version, &type, &pnn);
	assert_int_equal(ret, EPROTO);

	/* A pnn beyond our nodes file. */
	memcpy(buf, wire_heartbeat, sizeof(buf));
	buf[12] = NUM_NODES;
	ret = cluster_msg_pull(buf, sizeof(buf), NUM_NODES, mem, &out);
	assert_int_equal(ret, ERANGE);
	ret = cluster_msg_pull(buf, sizeof(buf), NUM_NODES + 1, mem, &out);
	assert_int_equal(ret, 0);

	/* An unknown type. */
	memcpy(buf, wire_heartbeat, sizeof(buf));
	buf[8] = 99;
	ret = cluster_msg_pull(buf, sizeof(buf), NUM_NODES, mem, &out);
	assert_int_equal(ret, EINVAL);
	assert_string_equal(cluster_msg_type_name(99), "unknown");
	talloc_free(mem);
}

static void expect_state_refused(struct cluster_msg *in, int expected)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	ret = cluster_msg_marshall(mem, in, &buf, &len);
	assert_int_equal(ret, expected);
	assert_int_equal(talloc_total_blocks(mem), 1);
	talloc_free(mem);
}

/* The encoder refuses what the decoder would: no invalid message leaves. */
static void test_state_field_errors(void **state)
{
	const char *bad_address[] = { "10.0.0.300" };
	const char *duplicate[] = { "10.0.0.1", "10.0.0.1" };
	const char *with_bits[] = { "10.0.0.1/24" };
	struct cluster_msg in;

	in = sample_state();
	in.body.state.flags = CTDB_NODE_FLAGS_DISCONNECTED;
	expect_state_refused(&in, EINVAL);
	in = sample_state();
	in.body.state.runstate = CTDB_RUNSTATE_SHUTDOWN + 1;
	expect_state_refused(&in, EINVAL);
	in = sample_state();
	in.body.state.kind = 2;
	expect_state_refused(&in, EINVAL);
	in = sample_state();
	in.body.state.options = 0x8;
	expect_state_refused(&in, EINVAL);
	in = sample_state();
	in.body.state.held = bad_address;
	in.body.state.num_held = 1;
	expect_state_refused(&in, EINVAL);
	in = sample_state();
	in.body.state.public_ips = duplicate;
	in.body.state.num_public = 2;
	expect_state_refused(&in, EINVAL);
	in = sample_state();
	in.body.state.public_ips = with_bits;
	in.body.state.num_public = 1;
	expect_state_refused(&in, EINVAL);
	in = sample_state();
	in.type = 0;
	expect_state_refused(&in, EINVAL);
}

/* A valid encoding with one field patched is refused by the decoder. */
static void test_state_field_errors_on_the_wire(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cluster_msg in = sample_state();
	struct cluster_msg *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	size_t flags_offset = CLUSTER_MSG_HEADER_LEN + 4;
	size_t held_offset;
	int ret;

	marshall_ok(mem, &in, &buf, &len);
	buf[flags_offset] = CTDB_NODE_FLAGS_DELETED;
	ret = cluster_msg_pull(buf, len, NUM_NODES, mem, &out);
	assert_int_equal(ret, EINVAL);

	/* "10.0.0.1" is the first held address: make it "10.0.0.x". */
	marshall_ok(mem, &in, &buf, &len);
	held_offset = CLUSTER_MSG_HEADER_LEN + 5 * 4 + 8 + 4 +
		      strlen(in.body.state.reason) + 1 + 4 + 4;
	assert_memory_equal(buf + held_offset, "10.0.0.1", 8);
	buf[held_offset + 7] = 'x';
	ret = cluster_msg_pull(buf, len, NUM_NODES, mem, &out);
	assert_int_equal(ret, EINVAL);
	talloc_free(mem);
}

static void test_suspect_unknown_target(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cluster_msg in = {
		.type = CLUSTER_MSG_SUSPECT,
		.pnn = 0,
	};
	struct cluster_msg *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	in.body.suspect.target_pnn = NUM_NODES;
	marshall_ok(mem, &in, &buf, &len);
	ret = cluster_msg_pull(buf, len, NUM_NODES, mem, &out);
	assert_int_equal(ret, ERANGE);

	/* A member that has not said its pnn yet may be suspected. */
	in.body.suspect.target_pnn = CLUSTER_PNN_NONE;
	marshall_ok(mem, &in, &buf, &len);
	ret = cluster_msg_pull(buf, len, NUM_NODES, mem, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(out->body.suspect.target_pnn, CLUSTER_PNN_NONE);
	talloc_free(mem);
}

static void test_error_strings(void **state)
{
	assert_string_equal(cluster_msg_error_string(EPROTONOSUPPORT),
			    "another protocol version or byte order");
	assert_string_equal(cluster_msg_error_string(ERANGE),
			    "a pnn that is not in our nodes file");
}

static void test_nodes_hash(void **state)
{
	const char *a[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3" };
	const char *b[] = { "10.0.0.1", NULL, "10.0.0.3" };
	const char *shifted[] = { "10.0.0.1", "10.0.0.210.0.0.3" };
	const char *swapped[] = { "10.0.0.2", "10.0.0.1", "10.0.0.3" };
	uint64_t h = cluster_nodes_hash(a, 3);

	assert_true(h == cluster_nodes_hash(a, 3));
	assert_true(h != cluster_nodes_hash(b, 3));
	assert_true(h != cluster_nodes_hash(shifted, 2));
	assert_true(h != cluster_nodes_hash(swapped, 3));
	assert_true(h != cluster_nodes_hash(a, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heartbeat_layout),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_empty_lists),
		cmocka_unit_test(test_suspect_and_phases_round_trip),
		cmocka_unit_test(test_tickles_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_trailing_byte),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_state_field_errors),
		cmocka_unit_test(test_state_field_errors_on_the_wire),
		cmocka_unit_test(test_suspect_unknown_target),
		cmocka_unit_test(test_error_strings),
		cmocka_unit_test(test_nodes_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
