/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the event protocol decoder, requests and replies. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <talloc.h>

#include "fuzz/fuzz.h"
#include "protocol/event_protocol_api.h"

/*
 * Properties checked for every input, beyond "no crash, no leak":
 *  - a failed pull returns EPROTO, EINVAL or ENOMEM, writes no output and
 *    leaves nothing allocated on mem_ctx;
 *  - decoding is strict, so every message has exactly one encoding: what
 *    pull accepts marshalls back to the very same bytes, and _len agrees;
 *  - push into a buffer one byte short fails with EMSGSIZE and the size.
 * Each input is tried as it is and with its length field set to its size,
 * so that the fuzzer need not discover the framing to reach the bodies.
 */

static const struct ctdb_event_header header_poison = {
	.length = 0xdeadbeef,
	.version = 0xdeadbeef,
	.reqid = 0xdeadbeef,
};

static bool header_is_poison(const struct ctdb_event_header *h)
{
	return memcmp(h, &header_poison, sizeof(*h)) == 0;
}

static void check_failure(TALLOC_CTX *mem, int ret,
			  const struct ctdb_event_header *h, const void *out)
{
	FUZZ_CHECK(ret == EPROTO || ret == EINVAL || ret == ENOMEM);
	FUZZ_CHECK(out == NULL);
	FUZZ_CHECK(header_is_poison(h));
	FUZZ_CHECK(talloc_total_blocks(mem) == 1);
}

static void check_request(const uint8_t *buf, size_t len)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ctdb_event_header h = header_poison;
	struct ctdb_event_request *req = NULL;
	uint8_t *out = NULL;
	size_t outlen = 0;
	size_t shortlen;
	int ret;

	FUZZ_CHECK(mem != NULL);
	ret = ctdb_event_request_pull(buf, len, &h, mem, &req);
	if (ret != 0) {
		check_failure(mem, ret, &h, req);
		talloc_free(mem);
		return;
	}
	FUZZ_CHECK(req != NULL);
	FUZZ_CHECK(h.length == len);
	(void)ctdb_event_command_to_string(req->cmd);

	FUZZ_CHECK(ctdb_event_request_len(&h, req) == len);
	ret = ctdb_event_request_marshall(mem, &h, req, &out, &outlen);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(outlen == len);
	FUZZ_CHECK(memcmp(out, buf, len) == 0);

	shortlen = len - 1;
	ret = ctdb_event_request_push(&h, req, out, &shortlen);
	FUZZ_CHECK(ret == EMSGSIZE);
	FUZZ_CHECK(shortlen == len);

	talloc_free(mem);
}

static void check_reply(const uint8_t *buf, size_t len)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ctdb_event_header h = header_poison;
	struct ctdb_event_reply *reply = NULL;
	uint8_t *out = NULL;
	size_t outlen = 0;
	size_t shortlen;
	int ret;

	FUZZ_CHECK(mem != NULL);
	ret = ctdb_event_reply_pull(buf, len, &h, mem, &reply);
	if (ret != 0) {
		check_failure(mem, ret, &h, reply);
		talloc_free(mem);
		return;
	}
	FUZZ_CHECK(reply != NULL);
	FUZZ_CHECK(h.length == len);
	if (reply->cmd == CTDB_EVENT_CMD_STATUS && reply->result == 0) {
		const struct ctdb_event_script_list *list;

		FUZZ_CHECK(reply->data.status != NULL);
		list = reply->data.status->script_list;
		FUZZ_CHECK(list != NULL);
		FUZZ_CHECK(list->num_scripts >= 0);
		FUZZ_CHECK((list->num_scripts == 0) == (list->script == NULL));
	}

	FUZZ_CHECK(ctdb_event_reply_len(&h, reply) == len);
	ret = ctdb_event_reply_marshall(mem, &h, reply, &out, &outlen);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(outlen == len);
	FUZZ_CHECK(memcmp(out, buf, len) == 0);

	shortlen = len - 1;
	ret = ctdb_event_reply_push(&h, reply, out, &shortlen);
	FUZZ_CHECK(ret == EMSGSIZE);
	FUZZ_CHECK(shortlen == len);

	talloc_free(mem);
}

static void check_header(const uint8_t *buf, size_t len)
{
	struct ctdb_event_header h = header_poison;
	int ret;

	ret = ctdb_event_header_pull(buf, len, &h);
	if (len < CTDB_EVENT_HEADER_LEN) {
		FUZZ_CHECK(ret == EPROTO);
		FUZZ_CHECK(header_is_poison(&h));
		return;
	}
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(memcmp(&h.length, buf, 4) == 0);
	FUZZ_CHECK(memcmp(&h.version, buf + 4, 4) == 0);
	FUZZ_CHECK(memcmp(&h.reqid, buf + 8, 4) == 0);
}

static void check_packet(const uint8_t *buf, size_t len)
{
	check_header(buf, len);
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
