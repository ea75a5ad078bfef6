/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the decoder of messages between ctdb-noded daemons (corosync CPG). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <talloc.h>

#include "fuzz/fuzz.h"
#include "protocol/cluster_protocol.h"
#include "protocol/node_protocol.h"

/*
 * Properties: a failed pull returns one of the documented errors, writes
 * nothing and leaves nothing on mem_ctx; an accepted message keeps what
 * cluster_protocol.h promises (known type and pnn, addresses never NULL,
 * lists NULL only when empty) and marshalls back to the same bytes, since
 * decoding is strict. Each input is decoded as it is and with its version
 * field forced to ours, so the fuzzer does not spend its time on the
 * version check; and against a small and a large nodes file.
 */

#define SMALL_NODES 3
#define LARGE_NODES 1000

static void check_list(const char **list, uint32_t num)
{
	uint32_t i;

	FUZZ_CHECK((num == 0) == (list == NULL));
	for (i = 0; i < num; i++) {
		FUZZ_CHECK(list[i] != NULL);
	}
}

static void check_accepted(const struct cluster_msg *msg, uint32_t num_nodes)
{
	FUZZ_CHECK(msg->pnn < num_nodes);
	FUZZ_CHECK(strcmp(cluster_msg_type_name(msg->type), "unknown") != 0);
	if (msg->type == CLUSTER_MSG_STATE) {
		FUZZ_CHECK(msg->body.state.runstate <= CTDB_RUNSTATE_SHUTDOWN);
		check_list(msg->body.state.held, msg->body.state.num_held);
		check_list(msg->body.state.public_ips,
			   msg->body.state.num_public);
	}
	if (msg->type == CLUSTER_MSG_TICKLES) {
		const struct ctdb_tickle_list *l = msg->body.tickles.list;

		FUZZ_CHECK(msg->body.tickles.address != NULL);
		FUZZ_CHECK(l != NULL && (l->num == 0) == (l->conn == NULL));
	}
	if (msg->type == CLUSTER_MSG_SUSPECT) {
		FUZZ_CHECK(msg->body.suspect.target_pnn < num_nodes ||
			   msg->body.suspect.target_pnn == CLUSTER_PNN_NONE);
	}
}

static void check_message(const uint8_t *buf, size_t len, uint32_t num_nodes)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cluster_msg *msg = NULL;
	uint8_t *out = NULL;
	size_t outlen = 0;
	int ret;

	FUZZ_CHECK(mem != NULL);
	ret = cluster_msg_pull(buf, len, num_nodes, mem, &msg);
	if (ret != 0) {
		FUZZ_CHECK(ret == EPROTONOSUPPORT || ret == ERANGE ||
			   ret == EPROTO || ret == EINVAL || ret == ENOMEM);
		FUZZ_CHECK(msg == NULL);
		FUZZ_CHECK(talloc_total_blocks(mem) == 1);
		talloc_free(mem);
		return;
	}
	FUZZ_CHECK(msg != NULL);
	check_accepted(msg, num_nodes);

	ret = cluster_msg_marshall(mem, msg, &out, &outlen);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(outlen == len);
	FUZZ_CHECK(memcmp(out, buf, len) == 0);
	talloc_free(mem);
}

static void check_both_sizes(const uint8_t *buf, size_t len)
{
	check_message(buf, len, SMALL_NODES);
	check_message(buf, len, LARGE_NODES);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t version = CLUSTER_PROTOCOL_VERSION;
	uint8_t *copy;

	check_both_sizes(data, size);
	if (size < 8) {
		return 0;
	}
	copy = malloc(size);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	memcpy(copy + 4, &version, sizeof(version));
	check_both_sizes(copy, size);
	free(copy);
	return 0;
}
