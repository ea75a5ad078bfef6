/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the node protocol decoder, requests and replies. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <talloc.h>

#include "fuzz/fuzz.h"
#include "protocol/node_protocol_api.h"

/*
 * The properties of fuzz_event_protocol.c: a failed pull returns EPROTO,
 * EINVAL or ENOMEM, writes nothing and leaves nothing on mem_ctx; an
 * accepted message marshalls back to the same bytes (decoding is strict);
 * _len agrees and a short buffer gives EMSGSIZE with the size. Plus what
 * node_protocol_api.h promises of a decoded reply: names and addresses
 * are never NULL, enums are in range, lists are NULL only when empty.
 * Each input is tried as it is and with its length field set to its size.
 */

static const struct ctdb_event_header header_poison = {
	.length = 0xdeadbeef,
	.version = 0xdeadbeef,
	.reqid = 0xdeadbeef,
};

static void check_failure(TALLOC_CTX *mem, int ret,
			  const struct ctdb_event_header *h, const void *out)
{
	FUZZ_CHECK(ret == EPROTO || ret == EINVAL || ret == ENOMEM);
	FUZZ_CHECK(out == NULL);
	FUZZ_CHECK(memcmp(h, &header_poison, sizeof(*h)) == 0);
	FUZZ_CHECK(talloc_total_blocks(mem) == 1);
}

static void check_request(const uint8_t *buf, size_t len)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ctdb_event_header h = header_poison;
	struct ctdb_node_request *req = NULL;
	uint8_t *out = NULL;
	size_t outlen = 0;
	size_t shortlen;
	int ret;

	FUZZ_CHECK(mem != NULL);
	ret = ctdb_node_request_pull(buf, len, &h, mem, &req);
	if (ret != 0) {
		check_failure(mem, ret, &h, req);
		talloc_free(mem);
		return;
	}
	FUZZ_CHECK(req != NULL);
	FUZZ_CHECK(h.length == len);
	if (req->cmd == CTDB_NODE_CMD_GETVAR) {
		FUZZ_CHECK(req->data.name != NULL);
	}
	if (req->cmd == CTDB_NODE_CMD_SETVAR) {
		FUZZ_CHECK(req->data.var != NULL);
		FUZZ_CHECK(req->data.var->name != NULL);
	}

	FUZZ_CHECK(ctdb_node_request_len(&h, req) == len);
	ret = ctdb_node_request_marshall(mem, &h, req, &out, &outlen);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(outlen == len);
	FUZZ_CHECK(memcmp(out, buf, len) == 0);

	shortlen = len - 1;
	ret = ctdb_node_request_push(&h, req, out, &shortlen);
	FUZZ_CHECK(ret == EMSGSIZE);
	FUZZ_CHECK(shortlen == len);

	talloc_free(mem);
}

static void check_status(const struct ctdb_node_status *st)
{
	uint32_t i;
	const char *name;

	FUZZ_CHECK(st != NULL);
	FUZZ_CHECK(st->runstate <= CTDB_RUNSTATE_SHUTDOWN);
	FUZZ_CHECK(st->recovery_mode <= 1);
	FUZZ_CHECK((st->num_nodes == 0) == (st->nodes == NULL));
	for (i = 0; i < st->num_nodes; i++) {
		FUZZ_CHECK(st->nodes[i].address != NULL);
	}
	name = ctdb_runstate_to_string(st->runstate);
	FUZZ_CHECK(name != NULL);
}

static void check_reply_body(const struct ctdb_node_reply *reply)
{
	uint32_t i;

	switch (reply->cmd) {
	case CTDB_NODE_CMD_STATUS:
		check_status(reply->data.status);
		break;
	case CTDB_NODE_CMD_RUNSTATE:
		FUZZ_CHECK(reply->data.runstate <= CTDB_RUNSTATE_SHUTDOWN);
		break;
	case CTDB_NODE_CMD_IPS:
		FUZZ_CHECK(reply->data.ips != NULL);
		FUZZ_CHECK((reply->data.ips->num == 0) ==
			   (reply->data.ips->ip == NULL));
		for (i = 0; i < reply->data.ips->num; i++) {
			FUZZ_CHECK(reply->data.ips->ip[i].address != NULL);
			FUZZ_CHECK(reply->data.ips->ip[i].pnn >= -1);
		}
		break;
	case CTDB_NODE_CMD_LISTVARS:
		FUZZ_CHECK(reply->data.vars != NULL);
		FUZZ_CHECK((reply->data.vars->num == 0) ==
			   (reply->data.vars->var == NULL));
		for (i = 0; i < reply->data.vars->num; i++) {
			FUZZ_CHECK(reply->data.vars->var[i].name != NULL);
		}
		break;
	default:
		break;
	}
}

static void check_reply(const uint8_t *buf, size_t len)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ctdb_event_header h = header_poison;
	struct ctdb_node_reply *reply = NULL;
	uint8_t *out = NULL;
	size_t outlen = 0;
	size_t shortlen;
	int ret;

	FUZZ_CHECK(mem != NULL);
	ret = ctdb_node_reply_pull(buf, len, &h, mem, &reply);
	if (ret != 0) {
		check_failure(mem, ret, &h, reply);
		talloc_free(mem);
		return;
	}
	FUZZ_CHECK(reply != NULL);
	FUZZ_CHECK(h.length == len);
	FUZZ_CHECK(reply->result >= 0);
	if (reply->result == 0) {
		check_reply_body(reply);
	}

	FUZZ_CHECK(ctdb_node_reply_len(&h, reply) == len);
	ret = ctdb_node_reply_marshall(mem, &h, reply, &out, &outlen);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(outlen == len);
	FUZZ_CHECK(memcmp(out, buf, len) == 0);

	shortlen = len - 1;
	ret = ctdb_node_reply_push(&h, reply, out, &shortlen);
	FUZZ_CHECK(ret == EMSGSIZE);
	FUZZ_CHECK(shortlen == len);

	talloc_free(mem);
}

static void check_packet(const uint8_t *buf, size_t len)
{
	check_request(buf, len);
	check_reply(buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *framed;
	uint32_t len32;

	check_packet(data, size);

	if (size < 4 || size > UINT32_MAX) {
		return 0;
	}
	framed = malloc(size);
	FUZZ_CHECK(framed != NULL);
	memcpy(framed, data, size);
	len32 = (uint32_t)size;
	memcpy(framed, &len32, sizeof(len32));
	check_packet(framed, size);
	free(framed);
	return 0;
}
