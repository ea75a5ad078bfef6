/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the WATCH request and NOTIFY reply decoders, both sockets. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <talloc.h>

#include "fuzz/fuzz.h"
#include "protocol/watch_protocol.h"

/*
 * The properties of fuzz_event_protocol.c: a failed pull returns EPROTO,
 * EINVAL or ENOMEM, writes nothing and leaves nothing on mem_ctx; an
 * accepted message marshalls back to the same bytes (decoding is
 * strict). Plus what watch_protocol.h promises: keys are never NULL, the
 * key array is NULL only when empty, a NOTIFY always has its line.
 * Each input is tried as it is and with its length field set to its size,
 * on the event socket's and on the node socket's command numbers.
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

static void check_request(const struct ctdb_watch_cmds *cmds,
			  const uint8_t *buf, size_t len)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ctdb_event_header h = header_poison;
	struct ctdb_watch_request *req = NULL;
	uint8_t *out = NULL;
	size_t outlen = 0;
	uint32_t i;
	int ret;

	FUZZ_CHECK(mem != NULL);
	ret = ctdb_watch_request_pull(buf, len, cmds, &h, mem, &req);
	if (ret != 0) {
		check_failure(mem, ret, &h, req);
		talloc_free(mem);
		return;
	}
	FUZZ_CHECK(req != NULL);
	FUZZ_CHECK(h.length == len);
	FUZZ_CHECK((req->num_keys == 0) == (req->keys == NULL));
	for (i = 0; i < req->num_keys; i++) {
		FUZZ_CHECK(req->keys[i] != NULL);
		(void)ctdb_watch_key_valid(req->keys[i]);
	}
	ret = ctdb_watch_request_marshall(mem, cmds, &h, req, &out, &outlen);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(outlen == len);
	FUZZ_CHECK(memcmp(out, buf, len) == 0);
	talloc_free(mem);
}

static void check_reply(const struct ctdb_watch_cmds *cmds,
			const uint8_t *buf, size_t len)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ctdb_event_header h = header_poison;
	struct ctdb_watch_reply *reply = NULL;
	uint8_t *out = NULL;
	size_t outlen = 0;
	int ret;

	FUZZ_CHECK(mem != NULL);
	ret = ctdb_watch_reply_pull(buf, len, cmds, &h, mem, &reply);
	if (ret != 0) {
		check_failure(mem, ret, &h, reply);
		talloc_free(mem);
		return;
	}
	FUZZ_CHECK(reply != NULL);
	FUZZ_CHECK(h.length == len);
	FUZZ_CHECK(reply->cmd == cmds->watch || reply->cmd == cmds->notify);
	FUZZ_CHECK((reply->cmd == cmds->notify) == (reply->line != NULL));
	ret = ctdb_watch_reply_marshall(mem, cmds, &h, reply, &out, &outlen);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(outlen == len);
	FUZZ_CHECK(memcmp(out, buf, len) == 0);
	talloc_free(mem);
}

static void check_packet(const uint8_t *buf, size_t len)
{
	uint32_t cmd = 0;
	int ret;

	ret = ctdb_watch_peek_cmd(buf, len, &cmd);
	FUZZ_CHECK(ret == 0 || ret == EPROTO);
	check_request(&ctdb_watch_cmds_event, buf, len);
	check_request(&ctdb_watch_cmds_node, buf, len);
	check_reply(&ctdb_watch_cmds_event, buf, len);
	check_reply(&ctdb_watch_cmds_node, buf, len);
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
