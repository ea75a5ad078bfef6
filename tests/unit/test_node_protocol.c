/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for node protocol marshalling: layout, round trips, bad input. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/node_protocol_api.h"

/*
 * The hand-written packets below pin the layout documented at the top of
 * node_protocol.c. They are little-endian, so these tests assume a
 * little-endian host.
 */

#define LE32(v)                                                         \
	(uint8_t)((v) & 0xff), (uint8_t)(((v) >> 8) & 0xff),             \
		(uint8_t)(((v) >> 16) & 0xff), (uint8_t)(((v) >> 24) & 0xff)
#define HDR(len, reqid) LE32(len), LE32(CTDB_NODE_PROTOCOL_VERSION), LE32(reqid)

/* GETVAR MonitorInterval, reqid 7. */
static const uint8_t wire_getvar[] = {
	HDR(36, 7),
	LE32(103),
	LE32(16), 'M', 'o', 'n', 'i', 't', 'o', 'r', 'I', 'n', 't', 'e', 'r',
	'v', 'a', 'l', 0,
};
#define GV_NAME_LEN 16

/* SETVAR MonitorInterval 5. */
static const uint8_t wire_setvar[] = {
	HDR(40, 8),
	LE32(104),
	LE32(16), 'M', 'o', 'n', 'i', 't', 'o', 'r', 'I', 'n', 't', 'e', 'r',
	'v', 'a', 'l', 0,
	LE32(5),
};

/* STATUS, a request without a body. */
static const uint8_t wire_status_req[] = {
	HDR(16, 9), LE32(100),
};

/* STATUS reply: one UNHEALTHY node with a reason, taking part. */
static const uint8_t wire_status_reply[] = {
	HDR(87, 9),
	LE32(100), LE32(0),
	LE32(0),          /* this_pnn */
	LE32(5),          /* runstate RUNNING */
	LE32(0),          /* recovery_mode */
	LE32(0),          /* leader */
	LE32(1),          /* num_nodes */
	LE32(0), LE32(2), /* pnn, flags UNHEALTHY */
	LE32(10), '1', '2', '7', '.', '0', '.', '0', '.', '1', 0,
	LE32(17), '5', '0', '.', 's', ':', ' ', 'E', 'R', 'R', 'O', 'R', ':',
	' ', 'd', 'i', 's', 0, /* the node's reason */
	LE32(0),               /* why_out: NULL */
};
#define SR_RUNSTATE 24
#define SR_RECMODE 28
#define SR_NUM_NODES 36
#define SR_ADDRESS 48
#define SR_REASON 62

/* IPS reply: two addresses, the second hosted nowhere and no ifaces. */
static const uint8_t wire_ips_reply[] = {
	HDR(79, 10),
	LE32(102), LE32(0),
	LE32(2),
	LE32(9), '1', '0', '.', '0', '.', '0', '.', '1', 0,
	LE32(24),
	LE32(5), 'e', 't', 'h', '0', 0,
	LE32(0),
	LE32(9), '1', '0', '.', '0', '.', '0', '.', '2', 0,
	LE32(24),
	LE32(0),
	LE32(0xffffffffU),
};
#define IR_NUM 20
#define IR_PNN1 75

/* LISTVARS reply: two tunables. */
static const uint8_t wire_listvars_reply[] = {
	HDR(65, 11),
	LE32(105), LE32(0),
	LE32(2),
	LE32(16), 'M', 'o', 'n', 'i', 't', 'o', 'r', 'I', 'n', 't', 'e', 'r',
	'v', 'a', 'l', 0,
	LE32(15),
	LE32(9), 'N', 'o', 'I', 'P', 'T', 'a', 'k', 'e', 0,
	LE32(0),
};
#define LR_NUM 20

/* RUNSTATE and GETVAR replies: a u32 body. */
static const uint8_t wire_runstate_reply[] = {
	HDR(24, 12), LE32(101), LE32(0), LE32(4),
};
static const uint8_t wire_getvar_reply[] = {
	HDR(24, 13), LE32(103), LE32(0), LE32(15),
};

/* A bodiless reply and an error reply. */
static const uint8_t wire_stop_reply[] = {
	HDR(20, 14), LE32(106), LE32(0),
};
static const uint8_t wire_getvar_enoent[] = {
	HDR(20, 15), LE32(103), LE32(ENOENT),
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

/* Pulls get a buffer of exactly the packet's size, for valgrind. */
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

static void assert_request_equal(const struct ctdb_node_request *a,
				 const struct ctdb_node_request *b)
{
	assert_int_equal(a->cmd, b->cmd);
	switch (a->cmd) {
	case CTDB_NODE_CMD_GETVAR:
		assert_string_equal(a->data.name, b->data.name);
		break;
	case CTDB_NODE_CMD_SETVAR:
	case CTDB_NODE_CMD_SETIFACELINK:
		assert_non_null(b->data.var);
		assert_string_equal(a->data.var->name, b->data.var->name);
		assert_int_equal(a->data.var->value, b->data.var->value);
		break;
	default:
		break;
	}
}

static void assert_status_equal(const struct ctdb_node_status *a,
				const struct ctdb_node_status *b)
{
	uint32_t i;

	assert_non_null(b);
	assert_int_equal(a->this_pnn, b->this_pnn);
	assert_int_equal(a->runstate, b->runstate);
	assert_int_equal(a->recovery_mode, b->recovery_mode);
	assert_int_equal(a->leader, b->leader);
	assert_int_equal(a->num_nodes, b->num_nodes);
	if (b->num_nodes == 0) {
		assert_null(b->nodes);
	}
	for (i = 0; i < a->num_nodes; i++) {
		assert_int_equal(a->nodes[i].pnn, b->nodes[i].pnn);
		assert_int_equal(a->nodes[i].flags, b->nodes[i].flags);
		assert_string_equal(a->nodes[i].address, b->nodes[i].address);
		assert_str_or_null_equal(a->nodes[i].reason,
					 b->nodes[i].reason);
	}
	assert_str_or_null_equal(a->why_out, b->why_out);
}

static void assert_ips_equal(const struct ctdb_public_ip_list *a,
			     const struct ctdb_public_ip_list *b)
{
	uint32_t i;

	assert_non_null(b);
	assert_int_equal(a->num, b->num);
	if (b->num == 0) {
		assert_null(b->ip);
	}
	for (i = 0; i < a->num; i++) {
		assert_string_equal(a->ip[i].address, b->ip[i].address);
		assert_int_equal(a->ip[i].bits, b->ip[i].bits);
		assert_str_or_null_equal(a->ip[i].ifaces, b->ip[i].ifaces);
		assert_int_equal(a->ip[i].pnn, b->ip[i].pnn);
	}
}

static void assert_vars_equal(const struct ctdb_var_list *a,
			      const struct ctdb_var_list *b)
{
	uint32_t i;

	assert_non_null(b);
	assert_int_equal(a->num, b->num);
	if (b->num == 0) {
		assert_null(b->var);
	}
	for (i = 0; i < a->num; i++) {
		assert_string_equal(a->var[i].name, b->var[i].name);
		assert_int_equal(a->var[i].value, b->var[i].value);
	}
}

static void assert_reply_equal(const struct ctdb_node_reply *a,
			       const struct ctdb_node_reply *b)
{
	assert_int_equal(a->cmd, b->cmd);
	assert_int_equal(a->result, b->result);
	if (a->result != 0) {
		return;
	}
	switch (a->cmd) {
	case CTDB_NODE_CMD_STATUS:
		assert_status_equal(a->data.status, b->data.status);
		break;
	case CTDB_NODE_CMD_RUNSTATE:
		assert_int_equal(a->data.runstate, b->data.runstate);
		break;
	case CTDB_NODE_CMD_IPS:
		assert_ips_equal(a->data.ips, b->data.ips);
		break;
	case CTDB_NODE_CMD_GETVAR:
		assert_int_equal(a->data.value, b->data.value);
		break;
	case CTDB_NODE_CMD_LISTVARS:
	case CTDB_NODE_CMD_IFACES:
		assert_vars_equal(a->data.vars, b->data.vars);
		break;
	case CTDB_NODE_CMD_METRICS:
		assert_non_null(b->data.text);
		assert_string_equal(a->data.text, b->data.text);
		break;
	default:
		break;
	}
}

/*
 * Push into a right-sized buffer, pull back from an exact copy, compare,
 * and check that freeing the result releases everything the pull made.
 */
static void request_roundtrip(TALLOC_CTX *mem_ctx,
			      const struct ctdb_node_request *in,
			      size_t expect_len)
{
	struct ctdb_event_header h = {
		.version = CTDB_NODE_PROTOCOL_VERSION, .reqid = 42,
	};
	struct ctdb_event_header h2 = { 0 };
	struct ctdb_node_request *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	size_t blocks;
	int ret;

	assert_int_equal(ctdb_node_request_len(&h, in), expect_len);
	ret = ctdb_node_request_marshall(mem_ctx, &h, in, &buf, &len);
	assert_int_equal(ret, 0);
	assert_int_equal(len, expect_len);
	assert_int_equal(h.length, expect_len);

	blocks = talloc_total_blocks(mem_ctx);
	ret = ctdb_node_request_pull(buf, len, &h2, mem_ctx, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(h2.length, len);
	assert_int_equal(h2.version, CTDB_NODE_PROTOCOL_VERSION);
	assert_int_equal(h2.reqid, 42);
	assert_request_equal(in, out);
	assert_ptr_equal(talloc_parent(out), mem_ctx);
	talloc_free(out);
	assert_int_equal(talloc_total_blocks(mem_ctx), blocks);
	talloc_free(buf);
}

static void reply_roundtrip(TALLOC_CTX *mem_ctx,
			    const struct ctdb_node_reply *in,
			    size_t expect_len)
{
	struct ctdb_event_header h = {
		.version = CTDB_NODE_PROTOCOL_VERSION, .reqid = 43,
	};
	struct ctdb_event_header h2 = { 0 };
	struct ctdb_node_reply *out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	size_t blocks;
	int ret;

	assert_int_equal(ctdb_node_reply_len(&h, in), expect_len);
	ret = ctdb_node_reply_marshall(mem_ctx, &h, in, &buf, &len);
	assert_int_equal(ret, 0);
	assert_int_equal(len, expect_len);
	assert_int_equal(h.length, expect_len);

	blocks = talloc_total_blocks(mem_ctx);
	ret = ctdb_node_reply_pull(buf, len, &h2, mem_ctx, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(h2.length, len);
	assert_int_equal(h2.reqid, 43);
	assert_reply_equal(in, out);
	assert_ptr_equal(talloc_parent(out), mem_ctx);
	talloc_free(out);
	assert_int_equal(talloc_total_blocks(mem_ctx), blocks);
	talloc_free(buf);
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
	struct ctdb_node_request sentinel;
	struct ctdb_node_request *out = &sentinel;
	uint8_t *copy = copy_exact(mem_ctx, buf, len);
	size_t blocks = talloc_total_blocks(mem_ctx);
	int ret;

	ret = ctdb_node_request_pull(copy, len, &h, mem_ctx, &out);
	assert_int_equal(ret, expected);
	assert_ptr_equal(out, &sentinel);
	assert_int_equal(h.length, 0xdeadbeef);
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
	struct ctdb_node_reply sentinel;
	struct ctdb_node_reply *out = &sentinel;
	uint8_t *copy = copy_exact(mem_ctx, buf, len);
	size_t blocks = talloc_total_blocks(mem_ctx);
	int ret;

	ret = ctdb_node_reply_pull(copy, len, &h, mem_ctx, &out);
	assert_int_equal(ret, expected);
	assert_ptr_equal(out, &sentinel);
	assert_int_equal(h.length, 0xdeadbeef);
	assert_int_equal(h.reqid, 0xdeadbeef);
	assert_int_equal(talloc_total_blocks(mem_ctx), blocks);
	talloc_free(copy);
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
 * Sample messages
 */

static struct ctdb_node_info nodes_unhealthy[] = {
	{ .pnn = 0, .flags = CTDB_NODE_FLAGS_UNHEALTHY,
	  .address = "127.0.0.1", .reason = "50.s: ERROR: dis" },
};

static struct ctdb_node_status status_unhealthy = {
	.this_pnn = 0,
	.runstate = CTDB_RUNSTATE_RUNNING,
	.recovery_mode = 0,
	.leader = 0,
	.num_nodes = 1,
	.nodes = nodes_unhealthy,
};

static struct ctdb_node_info nodes_three[] = {
	{ .pnn = 0, .flags = 0, .address = "10.1.1.1" },
	{ .pnn = 1, .flags = CTDB_NODE_FLAGS_STOPPED, .address = "10.1.1.2" },
	{ .pnn = 2,
	  .flags = CTDB_NODE_FLAGS_DISCONNECTED | CTDB_NODE_FLAGS_BANNED,
	  .address = "fd00::3" },
};

static struct ctdb_node_status status_three = {
	.this_pnn = 1,
	.runstate = CTDB_RUNSTATE_STARTUP,
	.recovery_mode = 1,
	.leader = 0xffffffffU,
	.num_nodes = 3,
	.nodes = nodes_three,
	.why_out = "the cluster has no quorum",
};

static struct ctdb_public_ip_info ips_two[] = {
	{ .address = "10.0.0.1", .bits = 24, .ifaces = "eth0", .pnn = 0 },
	{ .address = "10.0.0.2", .bits = 24, .ifaces = NULL, .pnn = -1 },
};

static struct ctdb_public_ip_list ip_list_two = {
	.num = 2,
	.ip = ips_two,
};

static struct ctdb_var vars_two[] = {
	{ .name = "MonitorInterval", .value = 15 },
	{ .name = "NoIPTake", .value = 0 },
};

static struct ctdb_var_list var_list_two = {
	.num = 2,
	.var = vars_two,
};

static struct ctdb_var setvar_mi = {
	.name = "MonitorInterval",
	.value = 5,
};

/*
 * The layout, byte for byte
 */

static void check_request_wire(TALLOC_CTX *mem_ctx,
			       const struct ctdb_node_request *in,
			       uint32_t reqid, const uint8_t *wire,
			       size_t wire_len)
{
	struct ctdb_event_header h = {
		.version = CTDB_NODE_PROTOCOL_VERSION, .reqid = reqid,
	};
	struct ctdb_event_header h2;
	struct ctdb_node_request *out = NULL;
	uint8_t buf[256];
	size_t buflen = sizeof(buf);
	int ret;

	memset(buf, 0xaa, sizeof(buf));
	ret = ctdb_node_request_push(&h, in, buf, &buflen);
	assert_int_equal(ret, 0);
	assert_int_equal(buflen, wire_len);
	assert_memory_equal(buf, wire, wire_len);
	assert_int_equal(buf[wire_len], 0xaa);

	ret = ctdb_node_request_pull(wire, wire_len, &h2, mem_ctx, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(h2.reqid, reqid);
	assert_request_equal(in, out);
	talloc_free(out);
}

static void check_reply_wire(TALLOC_CTX *mem_ctx,
			     const struct ctdb_node_reply *in, uint32_t reqid,
			     const uint8_t *wire, size_t wire_len)
{
	struct ctdb_event_header h = {
		.version = CTDB_NODE_PROTOCOL_VERSION, .reqid = reqid,
	};
	struct ctdb_event_header h2;
	struct ctdb_node_reply *out = NULL;
	uint8_t buf[256];
	size_t buflen = sizeof(buf);
	int ret;

	memset(buf, 0xaa, sizeof(buf));
	ret = ctdb_node_reply_push(&h, in, buf, &buflen);
	assert_int_equal(ret, 0);
	assert_int_equal(buflen, wire_len);
	assert_memory_equal(buf, wire, wire_len);
	assert_int_equal(buf[wire_len], 0xaa);

	ret = ctdb_node_reply_pull(wire, wire_len, &h2, mem_ctx, &out);
	assert_int_equal(ret, 0);
	assert_int_equal(h2.reqid, reqid);
	assert_int_equal(h2.version, CTDB_NODE_PROTOCOL_VERSION);
	assert_reply_equal(in, out);
	talloc_free(out);
}

/* IFACES and SETIFACELINK (140, 141) travel as LISTVARS and SETVAR do. */
static void test_iface_commands(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct ctdb_var link = { .name = "eth1", .value = 0 };
	struct ctdb_var links[] = { { "eth0", 1 }, { "eth1", 0 } };
	struct ctdb_var_list list = { .num = 2, .var = links };
	struct ctdb_node_request req = {
		.cmd = CTDB_NODE_CMD_SETIFACELINK,
		.data.var = &link,
	};
	struct ctdb_node_request noname = {
		.cmd = CTDB_NODE_CMD_SETIFACELINK,
	};
	struct ctdb_node_reply reply = {
		.cmd = CTDB_NODE_CMD_IFACES,
		.data.vars = &list,
	};
	struct ctdb_event_header h = { .reqid = 3 };
	struct ctdb_node_request *req_out = NULL;
	struct ctdb_node_reply *reply_out = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	ret = ctdb_node_request_marshall(mem_ctx, &h, &req, &buf, &len);
	assert_int_equal(ret, 0);
	ret = ctdb_node_request_pull(buf, len, &h, mem_ctx, &req_out);
	assert_int_equal(ret, 0);
	assert_request_equal(&req, req_out);

	ret = ctdb_node_reply_marshall(mem_ctx, &h, &reply, &buf, &len);
	assert_int_equal(ret, 0);
	ret = ctdb_node_reply_pull(buf, len, &h, mem_ctx, &reply_out);
	assert_int_equal(ret, 0);
	assert_reply_equal(&reply, reply_out);

	/* No interface name: refused before anything is sent. */
	ret = ctdb_node_request_marshall(mem_ctx, &h, &noname, &buf, &len);
	assert_int_equal(ret, EINVAL);
}

/* ADDTICKLE, DELTICKLE and GETTICKLES through the node protocol. */
static void test_tickle_commands(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct ctdb_tickle_conn conn[2];
	struct ctdb_tickle_list list = { .num = 2, .conn = conn };
	struct net_endpoint addr;
	struct ctdb_node_request req = {
		.cmd = CTDB_NODE_CMD_ADDTICKLE,
		.data.tickles = &list,
	};
	struct ctdb_node_request get = {
		.cmd = CTDB_NODE_CMD_GETTICKLES,
		.data.addr = &addr,
	};
	struct ctdb_node_reply reply = {
		.cmd = CTDB_NODE_CMD_GETTICKLES,
		.data.tickles = &list,
	};
	struct ctdb_node_request bad = { .cmd = CTDB_NODE_CMD_DELTICKLE };
	struct ctdb_event_header h = { .reqid = 5 };
	struct ctdb_node_request *req_out = NULL;
	struct ctdb_node_reply *reply_out = NULL;
	struct sockaddr_in *sin;
	uint8_t *buf = NULL;
	size_t len = 0;
	unsigned i;
	int ret;

	memset(conn, 0, sizeof(conn));
	memset(&addr, 0, sizeof(addr));
	for (i = 0; i < 2; i++) {
		sin = (struct sockaddr_in *)&conn[i].src.ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(40000 + i);
		sin->sin_addr.s_addr = htonl(0xc0a80101 + i);
		sin = (struct sockaddr_in *)&conn[i].dst.ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(445);
		sin->sin_addr.s_addr = htonl(0x0a000001);
	}
	addr = conn[0].dst;

	for (i = 0; i < 2; i++) {
		req.cmd = i == 0 ? CTDB_NODE_CMD_ADDTICKLE
				 : CTDB_NODE_CMD_DELTICKLE;
		ret = ctdb_node_request_marshall(mem_ctx, &h, &req, &buf, &len);
		assert_int_equal(ret, 0);
		assert_int_equal(len, 12 + 4 + 4 + 2 * CTDB_TICKLE_CONN_WIRE_LEN);
		ret = ctdb_node_request_pull(buf, len, &h, mem_ctx, &req_out);
		assert_int_equal(ret, 0);
		assert_int_equal(req_out->cmd, req.cmd);
		assert_int_equal(req_out->data.tickles->num, 2);
		assert_memory_equal(&req_out->data.tickles->conn[1], &conn[1],
				    sizeof(conn[1]));
	}

	ret = ctdb_node_request_marshall(mem_ctx, &h, &get, &buf, &len);
	assert_int_equal(ret, 0);
	assert_int_equal(len, 12 + 4 + CTDB_TICKLE_ENDPOINT_WIRE_LEN);
	ret = ctdb_node_request_pull(buf, len, &h, mem_ctx, &req_out);
	assert_int_equal(ret, 0);
	assert_memory_equal(req_out->data.addr, &addr, sizeof(addr));

	ret = ctdb_node_reply_marshall(mem_ctx, &h, &reply, &buf, &len);
	assert_int_equal(ret, 0);
	ret = ctdb_node_reply_pull(buf, len, &h, mem_ctx, &reply_out);
	assert_int_equal(ret, 0);
	assert_int_equal(reply_out->data.tickles->num, 2);
	assert_memory_equal(&reply_out->data.tickles->conn[0], &conn[0],
			    sizeof(conn[0]));

	/* ENOENT: no body follows. */
	reply.result = ENOENT;
	ret = ctdb_node_reply_marshall(mem_ctx, &h, &reply, &buf, &len);
	assert_int_equal(ret, 0);
	assert_int_equal(len, 12 + 4 + 4);

	/* No list, or no address: refused before anything is sent. */
	ret = ctdb_node_request_marshall(mem_ctx, &h, &bad, &buf, &len);
	assert_int_equal(ret, EINVAL);
	get.data.addr = NULL;
	ret = ctdb_node_request_marshall(mem_ctx, &h, &get, &buf, &len);
	assert_int_equal(ret, EINVAL);
}

static void test_wire_requests(void **state)
{
	struct ctdb_node_request getvar = {
		.cmd = CTDB_NODE_CMD_GETVAR,
		.data.name = "MonitorInterval",
	};
	struct ctdb_node_request setvar = {
		.cmd = CTDB_NODE_CMD_SETVAR,
		.data.var = &setvar_mi,
	};
	struct ctdb_node_request status = { .cmd = CTDB_NODE_CMD_STATUS };

	check_request_wire(*state, &getvar, 7, wire_getvar,
			   sizeof(wire_getvar));
	check_request_wire(*state, &setvar, 8, wire_setvar,
			   sizeof(wire_setvar));
	check_request_wire(*state, &status, 9, wire_status_req,
			   sizeof(wire_status_req));
}

static void test_wire_replies(void **state)
{
	struct ctdb_node_reply status = {
		.cmd = CTDB_NODE_CMD_STATUS,
		.data.status = &status_unhealthy,
	};
	struct ctdb_node_reply ips = {
		.cmd = CTDB_NODE_CMD_IPS,
		.data.ips = &ip_list_two,
	};
	struct ctdb_node_reply vars = {
		.cmd = CTDB_NODE_CMD_LISTVARS,
		.data.vars = &var_list_two,
	};
	struct ctdb_node_reply runstate = {
		.cmd = CTDB_NODE_CMD_RUNSTATE,
		.data.runstate = CTDB_RUNSTATE_STARTUP,
	};
	struct ctdb_node_reply value = {
		.cmd = CTDB_NODE_CMD_GETVAR,
		.data.value = 15,
	};
	struct ctdb_node_reply stop = { .cmd = CTDB_NODE_CMD_STOP };
	struct ctdb_node_reply enoent = {
		.cmd = CTDB_NODE_CMD_GETVAR,
		.result = ENOENT,
	};

	check_reply_wire(*state, &status, 9, wire_status_reply,
			 sizeof(wire_status_reply));
	check_reply_wire(*state, &ips, 10, wire_ips_reply,
			 sizeof(wire_ips_reply));
	check_reply_wire(*state, &vars, 11, wire_listvars_reply,
			 sizeof(wire_listvars_reply));
	check_reply_wire(*state, &runstate, 12, wire_runstate_reply,
			 sizeof(wire_runstate_reply));
	check_reply_wire(*state, &value, 13, wire_getvar_reply,
			 sizeof(wire_getvar_reply));
	check_reply_wire(*state, &stop, 14, wire_stop_reply,
			 sizeof(wire_stop_reply));
	check_reply_wire(*state, &enoent, 15, wire_getvar_enoent,
			 sizeof(wire_getvar_enoent));
}

/*
 * Round trips
 */

static void test_roundtrip_requests(void **state)
{
	const uint32_t bodiless[] = {
		CTDB_NODE_CMD_STATUS, CTDB_NODE_CMD_RUNSTATE,
		CTDB_NODE_CMD_IPS,    CTDB_NODE_CMD_LISTVARS,
		CTDB_NODE_CMD_STOP,   CTDB_NODE_CMD_CONTINUE,
		CTDB_NODE_CMD_SHUTDOWN,
	};
	struct ctdb_var empty_name = { .name = "", .value = UINT32_MAX };
	struct ctdb_node_request req = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bodiless) / sizeof(bodiless[0]); i++) {
		req.cmd = bodiless[i];
		request_roundtrip(*state, &req, 16);
	}

	req.cmd = CTDB_NODE_CMD_GETVAR;
	req.data.name = "MonitorInterval";
	request_roundtrip(*state, &req, 16 + 4 + 16);
	req.data.name = "";
	request_roundtrip(*state, &req, 16 + 4 + 1);

	req.cmd = CTDB_NODE_CMD_SETVAR;
	req.data.var = &setvar_mi;
	request_roundtrip(*state, &req, 16 + 4 + 16 + 4);
	req.data.var = &empty_name;
	request_roundtrip(*state, &req, 16 + 4 + 1 + 4);
}

static void test_roundtrip_status(void **state)
{
	struct ctdb_node_status empty = {
		.this_pnn = 0,
		.runstate = CTDB_RUNSTATE_UNKNOWN,
		.num_nodes = 0,
		.nodes = NULL,
	};
	struct ctdb_node_reply reply = {
		.cmd = CTDB_NODE_CMD_STATUS,
		.data.status = &status_unhealthy,
	};

	reply_roundtrip(*state, &reply, sizeof(wire_status_reply));

	/*
	 * 20 fixed + 20 (u32s) + 3 x (8 u32s + NULL reason) + 3 addresses
	 * (13+13+12) + why_out (4 + 25 + NUL).
	 */
	reply.data.status = &status_three;
	reply_roundtrip(*state, &reply,
			20 + 20 + 3 * 12 + 13 + 13 + 12 + 4 + 26);

	reply.data.status = &empty;
	reply_roundtrip(*state, &reply, 20 + 20 + 4);
}

static void test_roundtrip_runstates(void **state)
{
	struct ctdb_node_reply reply = { .cmd = CTDB_NODE_CMD_RUNSTATE };
	uint32_t rs;

	for (rs = CTDB_RUNSTATE_UNKNOWN; rs <= CTDB_RUNSTATE_SHUTDOWN; rs++) {
		reply.data.runstate = rs;
		reply_roundtrip(*state, &reply, 24);
	}
}

static void test_roundtrip_ips_and_vars(void **state)
{
	struct ctdb_public_ip_list no_ips = { .num = 0, .ip = NULL };
	struct ctdb_var_list no_vars = { .num = 0, .var = NULL };
	struct ctdb_node_reply reply = {
		.cmd = CTDB_NODE_CMD_IPS,
		.data.ips = &ip_list_two,
	};

	reply_roundtrip(*state, &reply, sizeof(wire_ips_reply));
	reply.data.ips = &no_ips;
	reply_roundtrip(*state, &reply, 24);

	reply.cmd = CTDB_NODE_CMD_LISTVARS;
	reply.data.vars = &var_list_two;
	reply_roundtrip(*state, &reply, sizeof(wire_listvars_reply));
	reply.data.vars = &no_vars;
	reply_roundtrip(*state, &reply, 24);

	reply.cmd = CTDB_NODE_CMD_GETVAR;
	reply.data.value = UINT32_MAX;
	reply_roundtrip(*state, &reply, 24);
}

/* Every command: a bodiless success where due, and an error reply. */
static void test_roundtrip_simple_replies(void **state)
{
	const uint32_t cmds[] = {
		CTDB_NODE_CMD_STATUS,   CTDB_NODE_CMD_RUNSTATE,
		CTDB_NODE_CMD_IPS,      CTDB_NODE_CMD_GETVAR,
		CTDB_NODE_CMD_SETVAR,   CTDB_NODE_CMD_LISTVARS,
		CTDB_NODE_CMD_STOP,     CTDB_NODE_CMD_CONTINUE,
		CTDB_NODE_CMD_SHUTDOWN,
	};
	const int32_t results[] = { EIO, ENOENT, ERANGE, EALREADY, INT32_MAX };
	struct ctdb_node_reply reply = { 0 };
	size_t i;
	size_t j;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		reply.cmd = cmds[i];
		for (j = 0; j < sizeof(results) / sizeof(results[0]); j++) {
			reply.result = results[j];
			reply_roundtrip(*state, &reply, 20);
		}
	}
	reply.result = 0;
	reply.cmd = CTDB_NODE_CMD_SETVAR;
	reply_roundtrip(*state, &reply, 20);
	reply.cmd = CTDB_NODE_CMD_STOP;
	reply_roundtrip(*state, &reply, 20);
	reply.cmd = CTDB_NODE_CMD_CONTINUE;
	reply_roundtrip(*state, &reply, 20);
	reply.cmd = CTDB_NODE_CMD_SHUTDOWN;
	reply_roundtrip(*state, &reply, 20);
}

/* An error reply never carries a body, whatever data points at. */
static void test_error_reply_ignores_body(void **state)
{
	struct ctdb_node_status bad = { .runstate = 99 };
	struct ctdb_node_reply reply = {
		.cmd = CTDB_NODE_CMD_STATUS,
		.result = EIO,
		.data.status = &bad,
	};
	struct ctdb_event_header h = { 0 };

	assert_int_equal(ctdb_node_reply_len(&h, &reply), 20);
	reply.data.status = NULL;
	assert_int_equal(ctdb_node_reply_len(&h, &reply), 20);
	(void)state;
}

/* Large strings survive, and their length is counted right. */
static void test_roundtrip_long_reason(void **state)
{
	struct ctdb_node_status st = status_unhealthy;
	struct ctdb_node_info node = nodes_unhealthy[0];
	struct ctdb_node_reply reply = {
		.cmd = CTDB_NODE_CMD_STATUS,
		.data.status = &st,
	};
	char *reason = talloc_array(*state, char, 70001);

	assert_non_null(reason);
	memset(reason, 'x', 70000);
	reason[70000] = '\0';
	node.reason = reason;
	st.nodes = &node;
	reply_roundtrip(*state, &reply,
			sizeof(wire_status_reply) - 17 + 70001);
}

/*
 * Push errors
 */

static void test_push_short_buffer(void **state)
{
	struct ctdb_node_request req = {
		.cmd = CTDB_NODE_CMD_SETVAR,
		.data.var = &setvar_mi,
	};
	struct ctdb_node_reply reply = {
		.cmd = CTDB_NODE_CMD_STATUS,
		.data.status = &status_unhealthy,
	};
	struct ctdb_event_header h = { .length = 1234, .reqid = 1 };
	uint8_t buf[128];
	size_t buflen;
	size_t i;
	int ret;

	memset(buf, 0x55, sizeof(buf));
	buflen = sizeof(wire_setvar) - 1;
	ret = ctdb_node_request_push(&h, &req, buf, &buflen);
	assert_int_equal(ret, EMSGSIZE);
	assert_int_equal(buflen, sizeof(wire_setvar));
	assert_int_equal(h.length, 1234);

	buflen = 0;
	ret = ctdb_node_request_push(&h, &req, NULL, &buflen);
	assert_int_equal(ret, EMSGSIZE);
	assert_int_equal(buflen, sizeof(wire_setvar));

	buflen = sizeof(wire_status_reply) - 1;
	ret = ctdb_node_reply_push(&h, &reply, buf, &buflen);
	assert_int_equal(ret, EMSGSIZE);
	assert_int_equal(buflen, sizeof(wire_status_reply));
	assert_int_equal(h.length, 1234);

	for (i = 0; i < sizeof(buf); i++) {
		assert_int_equal(buf[i], 0x55);
	}

	/* Exactly the needed size is enough. */
	buflen = sizeof(wire_status_reply);
	ret = ctdb_node_reply_push(&h, &reply, buf, &buflen);
	assert_int_equal(ret, 0);
	assert_int_equal(h.length, sizeof(wire_status_reply));
	assert_int_equal(buf[sizeof(wire_status_reply)], 0x55);
	(void)state;
}

static void expect_push_request_einval(TALLOC_CTX *mem_ctx,
				       const struct ctdb_node_request *req)
{
	struct ctdb_event_header h = { .length = 1234 };
	uint8_t buf[64];
	uint8_t *mbuf = NULL;
	size_t buflen = sizeof(buf);
	size_t mlen = 99;
	int ret;

	assert_int_equal(ctdb_node_request_len(&h, req), 0);
	ret = ctdb_node_request_push(&h, req, buf, &buflen);
	assert_int_equal(ret, EINVAL);
	assert_int_equal(buflen, sizeof(buf));
	assert_int_equal(h.length, 1234);
	ret = ctdb_node_request_marshall(mem_ctx, &h, req, &mbuf, &mlen);
	assert_int_equal(ret, EINVAL);
	assert_null(mbuf);
	assert_int_equal(mlen, 99);
}

static void expect_push_reply_einval(TALLOC_CTX *mem_ctx,
				     const struct ctdb_node_reply *reply)
{
	struct ctdb_event_header h = { .length = 1234 };
	uint8_t buf[256];
	uint8_t *mbuf = NULL;
	size_t buflen = sizeof(buf);
	size_t mlen = 99;
	int ret;

	assert_int_equal(ctdb_node_reply_len(&h, reply), 0);
	ret = ctdb_node_reply_push(&h, reply, buf, &buflen);
	assert_int_equal(ret, EINVAL);
	assert_int_equal(buflen, sizeof(buf));
	assert_int_equal(h.length, 1234);
	ret = ctdb_node_reply_marshall(mem_ctx, &h, reply, &mbuf, &mlen);
	assert_int_equal(ret, EINVAL);
	assert_null(mbuf);
	assert_int_equal(mlen, 99);
}

static void test_push_invalid_requests(void **state)
{
	const uint32_t bad_cmds[] = { 0, 1, 2, 3, 99, 199, UINT32_MAX };
	struct ctdb_var no_name = { .name = NULL, .value = 1 };
	struct ctdb_node_request req = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad_cmds) / sizeof(bad_cmds[0]); i++) {
		req.cmd = bad_cmds[i];
		expect_push_request_einval(*state, &req);
	}
	req.cmd = CTDB_NODE_CMD_GETVAR;
	req.data.name = NULL;
	expect_push_request_einval(*state, &req);
	req.cmd = CTDB_NODE_CMD_SETVAR;
	req.data.var = NULL;
	expect_push_request_einval(*state, &req);
	req.data.var = &no_name;
	expect_push_request_einval(*state, &req);
}

static void test_push_invalid_replies(void **state)
{
	struct ctdb_node_info no_address[] = {
		{ .pnn = 0, .flags = 0, .address = NULL },
	};
	struct ctdb_node_status st;
	struct ctdb_public_ip_info ip;
	struct ctdb_public_ip_list ips = { .num = 1, .ip = &ip };
	struct ctdb_var var = { .name = NULL };
	struct ctdb_var_list vars = { .num = 1, .var = &var };
	struct ctdb_node_reply reply = { .cmd = 99 };

	expect_push_reply_einval(*state, &reply);
	reply.cmd = CTDB_NODE_CMD_STOP;
	reply.result = -1;
	expect_push_reply_einval(*state, &reply);
	reply.result = 0;

	/* Successful replies without their body. */
	reply.cmd = CTDB_NODE_CMD_STATUS;
	reply.data.status = NULL;
	expect_push_reply_einval(*state, &reply);
	reply.cmd = CTDB_NODE_CMD_IPS;
	reply.data.ips = NULL;
	expect_push_reply_einval(*state, &reply);
	reply.cmd = CTDB_NODE_CMD_LISTVARS;
	reply.data.vars = NULL;
	expect_push_reply_einval(*state, &reply);

	/* Status fields pull would refuse. */
	reply.cmd = CTDB_NODE_CMD_STATUS;
	reply.data.status = &st;
	st = status_unhealthy;
	st.runstate = CTDB_RUNSTATE_SHUTDOWN + 1;
	expect_push_reply_einval(*state, &reply);
	st = status_unhealthy;
	st.recovery_mode = 2;
	expect_push_reply_einval(*state, &reply);
	st = status_unhealthy;
	st.nodes = NULL;
	expect_push_reply_einval(*state, &reply);
	st = status_unhealthy;
	st.nodes = no_address;
	expect_push_reply_einval(*state, &reply);

	reply.cmd = CTDB_NODE_CMD_RUNSTATE;
	reply.data.runstate = 7;
	expect_push_reply_einval(*state, &reply);

	reply.cmd = CTDB_NODE_CMD_IPS;
	reply.data.ips = &ips;
	ip = ips_two[0];
	ip.address = NULL;
	expect_push_reply_einval(*state, &reply);
	ip = ips_two[0];
	ip.pnn = -2;
	expect_push_reply_einval(*state, &reply);
	ips.ip = NULL;
	expect_push_reply_einval(*state, &reply);

	reply.cmd = CTDB_NODE_CMD_LISTVARS;
	reply.data.vars = &vars;
	expect_push_reply_einval(*state, &reply);
	vars.var = NULL;
	expect_push_reply_einval(*state, &reply);
}

/*
 * Pull errors
 */

struct wire_case {
	const uint8_t *wire;
	size_t len;
	bool request;
};

static const struct wire_case all_packets[] = {
	{ wire_getvar, sizeof(wire_getvar), true },
	{ wire_setvar, sizeof(wire_setvar), true },
	{ wire_status_req, sizeof(wire_status_req), true },
	{ wire_status_reply, sizeof(wire_status_reply), false },
	{ wire_ips_reply, sizeof(wire_ips_reply), false },
	{ wire_listvars_reply, sizeof(wire_listvars_reply), false },
	{ wire_runstate_reply, sizeof(wire_runstate_reply), false },
	{ wire_getvar_reply, sizeof(wire_getvar_reply), false },
	{ wire_stop_reply, sizeof(wire_stop_reply), false },
	{ wire_getvar_enoent, sizeof(wire_getvar_enoent), false },
};

#define NUM_PACKETS (sizeof(all_packets) / sizeof(all_packets[0]))

static void expect_fail(TALLOC_CTX *mem_ctx, const struct wire_case *wc,
			const uint8_t *buf, size_t len, int expected)
{
	if (wc->request) {
		expect_request_fail(mem_ctx, buf, len, expected);
	} else {
		expect_reply_fail(mem_ctx, buf, len, expected);
	}
}

static void test_pull_short_packets(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	uint8_t buf[20];
	size_t len;

	/* Under 12 bytes there is no header, whatever it says. */
	for (len = 0; len < CTDB_EVENT_HEADER_LEN; len++) {
		memcpy(buf, wire_stop_reply, sizeof(buf));
		if (len >= 4) {
			put_u32(buf, 0, (uint32_t)len);
		}
		expect_request_fail(mem_ctx, buf, len, EPROTO);
		expect_reply_fail(mem_ctx, buf, len, EPROTO);
	}

	/* 12 to 15 bytes: a consistent header but no cmd. */
	for (len = CTDB_EVENT_HEADER_LEN; len < 16; len++) {
		memcpy(buf, wire_stop_reply, sizeof(buf));
		put_u32(buf, 0, (uint32_t)len);
		expect_request_fail(mem_ctx, buf, len, EPROTO);
		expect_reply_fail(mem_ctx, buf, len, EPROTO);
	}

	/* 16 to 19 bytes: a reply with a cmd but no result. */
	for (len = 16; len < 20; len++) {
		memcpy(buf, wire_stop_reply, sizeof(buf));
		put_u32(buf, 0, (uint32_t)len);
		expect_reply_fail(mem_ctx, buf, len, EPROTO);
	}
}

static void test_pull_length_mismatch(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const uint32_t lies[] = { 0, 1, 16, UINT32_MAX };
	size_t i;
	size_t j;

	for (i = 0; i < NUM_PACKETS; i++) {
		const struct wire_case *wc = &all_packets[i];
		uint8_t *buf = copy_exact(mem_ctx, wc->wire, wc->len);

		put_u32(buf, 0, (uint32_t)wc->len + 1);
		expect_fail(mem_ctx, wc, buf, wc->len, EPROTO);
		put_u32(buf, 0, (uint32_t)wc->len - 1);
		expect_fail(mem_ctx, wc, buf, wc->len, EPROTO);
		for (j = 0; j < sizeof(lies) / sizeof(lies[0]); j++) {
			if (lies[j] == wc->len) {
				continue;
			}
			put_u32(buf, 0, lies[j]);
			expect_fail(mem_ctx, wc, buf, wc->len, EPROTO);
		}
		talloc_free(buf);
	}
}

static void test_pull_unknown_cmd(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	/* CTDB's event commands included: they are not node commands. */
	const uint32_t bad[] = { 0, 1, 2, 3, 99, 199, 200, UINT32_MAX };
	uint8_t *req = copy_exact(mem_ctx, wire_status_req,
				  sizeof(wire_status_req));
	uint8_t *rep = copy_exact(mem_ctx, wire_stop_reply,
				  sizeof(wire_stop_reply));
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_u32(req, 12, bad[i]);
		expect_request_fail(mem_ctx, req, sizeof(wire_status_req),
				    EINVAL);
		put_u32(rep, 12, bad[i]);
		expect_reply_fail(mem_ctx, rep, sizeof(wire_stop_reply),
				  EINVAL);
	}
}

static void test_pull_bad_strings(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const size_t gv_len = sizeof(wire_getvar);
	const size_t sr_len = sizeof(wire_status_reply);
	uint8_t *buf;

	/* The name without its NUL. */
	buf = copy_exact(mem_ctx, wire_getvar, gv_len);
	buf[gv_len - 1] = 'x';
	expect_request_fail(mem_ctx, buf, gv_len, EPROTO);

	/* An embedded NUL. */
	buf = copy_exact(mem_ctx, wire_getvar, gv_len);
	buf[20 + 3] = '\0';
	expect_request_fail(mem_ctx, buf, gv_len, EPROTO);

	/* N running short of the bytes there, and past the end. */
	buf = copy_exact(mem_ctx, wire_getvar, gv_len);
	put_u32(buf, 16, GV_NAME_LEN - 1);
	expect_request_fail(mem_ctx, buf, gv_len, EPROTO);
	put_u32(buf, 16, GV_NAME_LEN + 1);
	expect_request_fail(mem_ctx, buf, gv_len, EPROTO);
	put_u32(buf, 16, UINT32_MAX);
	expect_request_fail(mem_ctx, buf, gv_len, EPROTO);

	/* A NULL name (N = 0) is not a name. */
	{
		uint8_t null_name[] = { HDR(20, 1), LE32(103), LE32(0) };

		expect_request_fail(mem_ctx, null_name, sizeof(null_name),
				    EPROTO);
	}
	{
		uint8_t null_name[] = {
			HDR(24, 1), LE32(104), LE32(0), LE32(5),
		};

		expect_request_fail(mem_ctx, null_name, sizeof(null_name),
				    EPROTO);
	}

	/* Inside a status: the address and the reason. */
	buf = copy_exact(mem_ctx, wire_status_reply, sr_len);
	buf[SR_ADDRESS + 4 + 9] = '.';
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	buf = copy_exact(mem_ctx, wire_status_reply, sr_len);
	buf[SR_REASON + 4 + 16] = 's';
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	buf = copy_exact(mem_ctx, wire_status_reply, sr_len);
	buf[SR_REASON + 4 + 2] = '\0';
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);
	buf = copy_exact(mem_ctx, wire_status_reply, sr_len);
	put_u32(buf, SR_REASON, 18);
	expect_reply_fail(mem_ctx, buf, sr_len, EPROTO);

	/* A NULL node address. */
	{
		uint8_t null_addr[] = {
			HDR(60, 1), LE32(100), LE32(0),
			LE32(0), LE32(5), LE32(0), LE32(0), LE32(1),
			LE32(0), LE32(0), LE32(0), /* pnn, flags, address */
			LE32(0),                   /* the node's reason */
			LE32(0),                   /* why_out */
		};

		expect_reply_fail(mem_ctx, null_addr, sizeof(null_addr),
				  EPROTO);
	}

	/* A NULL IP address; a NULL ifaces is fine. */
	{
		uint8_t null_ip[] = {
			HDR(40, 1), LE32(102), LE32(0), LE32(1),
			LE32(0), LE32(24), LE32(0), LE32(0),
		};
		struct ctdb_event_header h;
		struct ctdb_node_reply *out = NULL;
		int ret;

		expect_reply_fail(mem_ctx, null_ip, sizeof(null_ip), EPROTO);
		put_u32(null_ip, 24, 1);
		expect_reply_fail(mem_ctx, null_ip, sizeof(null_ip), EPROTO);
		/* N = 1 with its NUL: the empty string, accepted. */
		{
			uint8_t empty_ip[] = {
				HDR(41, 1), LE32(102), LE32(0), LE32(1),
				LE32(1), 0, LE32(24), LE32(0), LE32(0),
			};

			ret = ctdb_node_reply_pull(empty_ip, sizeof(empty_ip),
						   &h, mem_ctx, &out);
			assert_int_equal(ret, 0);
			assert_string_equal(out->data.ips->ip[0].address, "");
			assert_null(out->data.ips->ip[0].ifaces);
			talloc_free(out);
		}
	}

	/* A NULL tunable name. */
	{
		uint8_t null_var[] = {
			HDR(32, 1), LE32(105), LE32(0), LE32(1),
			LE32(0), LE32(7),
		};

		expect_reply_fail(mem_ctx, null_var, sizeof(null_var), EPROTO);
	}
}

static void test_pull_bad_values(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const size_t sr_len = sizeof(wire_status_reply);
	uint8_t *buf;

	/* Unknown runstates and recovery modes are unknown enum values. */
	buf = copy_exact(mem_ctx, wire_runstate_reply,
			 sizeof(wire_runstate_reply));
	put_u32(buf, 20, CTDB_RUNSTATE_SHUTDOWN + 1);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_runstate_reply), EINVAL);
	put_u32(buf, 20, UINT32_MAX);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_runstate_reply), EINVAL);

	buf = copy_exact(mem_ctx, wire_status_reply, sr_len);
	put_u32(buf, SR_RUNSTATE, 7);
	expect_reply_fail(mem_ctx, buf, sr_len, EINVAL);
	buf = copy_exact(mem_ctx, wire_status_reply, sr_len);
	put_u32(buf, SR_RECMODE, 2);
	expect_reply_fail(mem_ctx, buf, sr_len, EINVAL);

	/* A pnn below -1 for an IP. */
	buf = copy_exact(mem_ctx, wire_ips_reply, sizeof(wire_ips_reply));
	put_u32(buf, IR_PNN1, (uint32_t)-2);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_ips_reply), EINVAL);
	put_u32(buf, IR_PNN1, 0x80000000U);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_ips_reply), EINVAL);

	/* Negative results are not errnos. */
	buf = copy_exact(mem_ctx, wire_stop_reply, sizeof(wire_stop_reply));
	put_u32(buf, 16, (uint32_t)-1);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_stop_reply), EPROTO);
	put_u32(buf, 16, 0x80000000U);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_stop_reply), EPROTO);
}

static void test_pull_bad_counts(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const uint32_t bad[] = { 3, 4, 1000, 0x7fffffffU, UINT32_MAX };
	struct {
		const uint8_t *wire;
		size_t len;
		size_t offset;
		uint32_t fewer;
	} cases[] = {
		{ wire_status_reply, sizeof(wire_status_reply), SR_NUM_NODES,
		  0 },
		{ wire_ips_reply, sizeof(wire_ips_reply), IR_NUM, 1 },
		{ wire_listvars_reply, sizeof(wire_listvars_reply), LR_NUM, 1 },
	};
	size_t i;
	size_t j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *buf = copy_exact(mem_ctx, cases[i].wire,
					  cases[i].len);

		for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			put_u32(buf, cases[i].offset, bad[j]);
			expect_reply_fail(mem_ctx, buf, cases[i].len, EPROTO);
		}
		/* Too few records leaves bytes over, or misreads them. */
		put_u32(buf, cases[i].offset, cases[i].fewer);
		expect_reply_fail(mem_ctx, buf, cases[i].len, EPROTO);
		talloc_free(buf);
	}
}

static void test_pull_trailing_bytes(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const size_t extras[] = { 1, 4, 8, 44 };
	size_t i;
	size_t j;

	for (i = 0; i < NUM_PACKETS; i++) {
		const struct wire_case *wc = &all_packets[i];

		for (j = 0; j < sizeof(extras) / sizeof(extras[0]); j++) {
			size_t len = wc->len + extras[j];
			uint8_t *buf = append_bytes(mem_ctx, wc->wire, wc->len,
						    extras[j]);

			expect_fail(mem_ctx, wc, buf, len, EPROTO);
			talloc_free(buf);
		}
	}
}

/* Bodies where none belongs: a bodiless command, or an error reply. */
static void test_pull_body_where_none_belongs(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const uint32_t bodiless[] = {
		CTDB_NODE_CMD_SETVAR, CTDB_NODE_CMD_STOP,
		CTDB_NODE_CMD_CONTINUE, CTDB_NODE_CMD_SHUTDOWN,
	};
	uint8_t *buf;
	size_t i;

	buf = copy_exact(mem_ctx, wire_getvar_reply,
			 sizeof(wire_getvar_reply));
	for (i = 0; i < sizeof(bodiless) / sizeof(bodiless[0]); i++) {
		put_u32(buf, 12, bodiless[i]);
		expect_reply_fail(mem_ctx, buf, sizeof(wire_getvar_reply),
				  EPROTO);
	}
	put_u32(buf, 12, CTDB_NODE_CMD_GETVAR);
	put_u32(buf, 16, EIO);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_getvar_reply), EPROTO);

	buf = copy_exact(mem_ctx, wire_status_reply,
			 sizeof(wire_status_reply));
	put_u32(buf, 16, ENOENT);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_status_reply), EPROTO);

	/* A bodiless request with a body, and successes without one. */
	buf = copy_exact(mem_ctx, wire_getvar, sizeof(wire_getvar));
	put_u32(buf, 12, CTDB_NODE_CMD_STATUS);
	expect_request_fail(mem_ctx, buf, sizeof(wire_getvar), EPROTO);

	buf = copy_exact(mem_ctx, wire_stop_reply, sizeof(wire_stop_reply));
	put_u32(buf, 12, CTDB_NODE_CMD_STATUS);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_stop_reply), EPROTO);
	put_u32(buf, 12, CTDB_NODE_CMD_RUNSTATE);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_stop_reply), EPROTO);
	put_u32(buf, 12, CTDB_NODE_CMD_IPS);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_stop_reply), EPROTO);
	put_u32(buf, 12, CTDB_NODE_CMD_LISTVARS);
	expect_reply_fail(mem_ctx, buf, sizeof(wire_stop_reply), EPROTO);
}

/*
 * Cut every packet at every length, with the header still claiming the
 * full size (a short read) and rewritten to match the cut (a lying peer).
 */
static void test_pull_every_truncation(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	size_t checked = 0;
	size_t expected = 0;
	size_t i;
	size_t cut;

	for (i = 0; i < NUM_PACKETS; i++) {
		const struct wire_case *wc = &all_packets[i];

		expected += wc->len;
		for (cut = 0; cut < wc->len; cut++) {
			uint8_t *buf = copy_exact(mem_ctx, wc->wire, cut);

			expect_fail(mem_ctx, wc, buf, cut, EPROTO);
			if (cut >= 4) {
				put_u32(buf, 0, (uint32_t)cut);
				expect_fail(mem_ctx, wc, buf, cut, EPROTO);
			}
			talloc_free(buf);
			checked++;
		}
	}
	assert_int_equal(checked, expected);
	/* 36+40+16 + 87+79+65+24+24+20+20 */
	assert_int_equal(checked, 411);
}

/*
 * Flip bits in every byte of every packet. Pull may accept the result (a
 * changed flag is still a valid packet) but must fail only with EPROTO
 * or EINVAL, never leak, and never read out of bounds (for valgrind).
 */
static void test_pull_corrupt_every_byte(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	const uint8_t masks[] = { 0x01, 0x80, 0xff };
	size_t i;
	size_t b;
	size_t m;

	for (i = 0; i < NUM_PACKETS; i++) {
		const struct wire_case *wc = &all_packets[i];
		size_t rejected = 0;

		for (b = 0; b < wc->len; b++) {
			for (m = 0; m < sizeof(masks); m++) {
				struct ctdb_event_header h;
				struct ctdb_node_request *rq = NULL;
				struct ctdb_node_reply *rp = NULL;
				uint8_t *buf;
				size_t blocks;
				int ret;

				buf = copy_exact(mem_ctx, wc->wire, wc->len);
				buf[b] ^= masks[m];
				blocks = talloc_total_blocks(mem_ctx);
				if (wc->request) {
					ret = ctdb_node_request_pull(
						buf, wc->len, &h, mem_ctx, &rq);
				} else {
					ret = ctdb_node_reply_pull(
						buf, wc->len, &h, mem_ctx, &rp);
				}
				if (ret == 0) {
					talloc_free(rq);
					talloc_free(rp);
				} else {
					assert_true(ret == EPROTO ||
						    ret == EINVAL);
					assert_null(rq);
					assert_null(rp);
					rejected++;
				}
				assert_int_equal(talloc_total_blocks(mem_ctx),
						 blocks);
				talloc_free(buf);
			}
		}
		/*
		 * At least every change to the length field and to the
		 * three high bytes of cmd is caught.
		 */
		assert_true(rejected >= 7 * sizeof(masks));
	}
}

/* METRICS (109): no request body; the reply is one stringn, here "". */
static const uint8_t wire_metrics_reply[] = {
	25, 0, 0, 0, CTDB_NODE_PROTOCOL_VERSION, 0, 0, 0, 43, 0, 0, 0,
	109, 0, 0, 0, /* METRICS */
	0, 0, 0, 0,   /* result 0 */
	1, 0, 0, 0, 0,
};

static void test_metrics(void **state)
{
	TALLOC_CTX *mem_ctx = *state;
	struct ctdb_node_request req = { .cmd = CTDB_NODE_CMD_METRICS };
	struct ctdb_node_reply reply = {
		.cmd = CTDB_NODE_CMD_METRICS,
		.data.text = "# TYPE a gauge\na 1\n",
	};
	struct ctdb_event_header h = {
		.version = CTDB_NODE_PROTOCOL_VERSION, .reqid = 43,
	};
	uint8_t *buf = NULL;
	size_t len = 0;
	int ret;

	request_roundtrip(mem_ctx, &req, 16);
	reply_roundtrip(mem_ctx, &reply, 20 + 4 + strlen(reply.data.text) + 1);
	reply.data.text = "";
	reply_roundtrip(mem_ctx, &reply, sizeof(wire_metrics_reply));
	ret = ctdb_node_reply_marshall(mem_ctx, &h, &reply, &buf, &len);
	assert_int_equal(ret, 0);
	assert_int_equal(len, sizeof(wire_metrics_reply));
	assert_memory_equal(buf, wire_metrics_reply, len);
	reply.result = EIO;
	reply_roundtrip(mem_ctx, &reply, 20);

	/* Success without text cannot be sent. */
	reply.result = 0;
	reply.data.text = NULL;
	assert_int_equal(ctdb_node_reply_len(NULL, &reply), 0);

	/* Every truncation, with a length field that agrees. */
	for (len = 16; len < sizeof(wire_metrics_reply); len++) {
		buf = copy_exact(mem_ctx, wire_metrics_reply, len);
		put_u32(buf, 0, (uint32_t)len);
		expect_reply_fail(mem_ctx, buf, len, EPROTO);
	}
	/* A NULL text: N = 0. */
	buf = copy_exact(mem_ctx, wire_metrics_reply, 24);
	put_u32(buf, 0, 24);
	put_u32(buf, 20, 0);
	expect_reply_fail(mem_ctx, buf, 24, EPROTO);
	/* A body on an error reply. */
	buf = copy_exact(mem_ctx, wire_metrics_reply, 25);
	put_u32(buf, 16, EIO);
	expect_reply_fail(mem_ctx, buf, 25, EPROTO);
	/* A request with a body. */
	buf = talloc_zero_array(mem_ctx, uint8_t, 20);
	assert_non_null(buf);
	put_u32(buf, 0, 20);
	put_u32(buf, 12, CTDB_NODE_CMD_METRICS);
	expect_request_fail(mem_ctx, buf, 20, EPROTO);
}

static void test_runstate_strings(void **state)
{
	const char *names[] = {
		"UNKNOWN", "INIT", "SETUP", "FIRST_RECOVERY",
		"STARTUP", "RUNNING", "SHUTDOWN",
	};
	uint32_t rs;
	uint32_t out;
	bool ok;

	for (rs = 0; rs < 7; rs++) {
		assert_string_equal(ctdb_runstate_to_string(rs), names[rs]);
	}
	assert_string_equal(ctdb_runstate_to_string(7), "UNKNOWN");
	assert_string_equal(ctdb_runstate_to_string(UINT32_MAX), "UNKNOWN");

	for (rs = 1; rs < 7; rs++) {
		out = 99;
		ok = ctdb_runstate_from_string(names[rs], &out);
		assert_true(ok);
		assert_int_equal(out, rs);
	}
	out = 99;
	ok = ctdb_runstate_from_string("running", &out);
	assert_true(ok);
	assert_int_equal(out, CTDB_RUNSTATE_RUNNING);
	ok = ctdb_runstate_from_string("First_Recovery", &out);
	assert_true(ok);
	assert_int_equal(out, CTDB_RUNSTATE_FIRST_RECOVERY);

	out = 99;
	assert_false(ctdb_runstate_from_string("UNKNOWN", &out));
	assert_false(ctdb_runstate_from_string("FOO", &out));
	assert_false(ctdb_runstate_from_string("", &out));
	assert_false(ctdb_runstate_from_string("RUNNINGX", &out));
	assert_false(ctdb_runstate_from_string("RUN", &out));
	assert_int_equal(out, 99);
	(void)state;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_wire_requests),
		T(test_iface_commands),
		T(test_tickle_commands),
		T(test_wire_replies),
		T(test_roundtrip_requests),
		T(test_roundtrip_status),
		T(test_roundtrip_runstates),
		T(test_roundtrip_ips_and_vars),
		T(test_roundtrip_simple_replies),
		T(test_error_reply_ignores_body),
		T(test_roundtrip_long_reason),
		T(test_push_short_buffer),
		T(test_push_invalid_requests),
		T(test_push_invalid_replies),
		T(test_pull_short_packets),
		T(test_pull_length_mismatch),
		T(test_pull_unknown_cmd),
		T(test_pull_bad_strings),
		T(test_pull_bad_values),
		T(test_pull_bad_counts),
		T(test_pull_trailing_bytes),
		T(test_pull_body_where_none_belongs),
		T(test_pull_every_truncation),
		T(test_pull_corrupt_every_byte),
		T(test_runstate_strings),
		T(test_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
