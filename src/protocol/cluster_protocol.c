/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of the cluster messages between ctdb-noded daemons: no I/O, no logging. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "protocol/cluster_protocol.h"
#include "protocol/node_protocol.h"
#include "protocol/protocol_basic.h"

/*
 * Wire layout after the 20-byte header (cluster_protocol.h):
 *
 *   STATE:     u32 kind, u32 flags, u32 runstate, u32 options,
 *              u32 joined_round, u64 nodes_hash, stringn reason,
 *              u32 num_held, num_held x stringn address,
 *              u32 num_public, num_public x stringn address
 *   HEARTBEAT: u32 seq
 *   RELEASED:  nothing
 *   TAKEN:     nothing
 *   SUSPECT:   u32 target_pnn (CLUSTER_PNN_NONE before its first STATE),
 *              u64 target_member, u32 target_seq
 *   TICKLES:   stringn address, then a connection list
 *              (protocol/tickle_wire.h)
 *
 * A stringn is a u32 N then N bytes whose only NUL is the last; N = 0 is
 * NULL, allowed only for the reason. Addresses are bare IPv4 or IPv6
 * addresses (no /bits), each at most once per list.
 */

/* Flags a node may say of itself: the others are what others decide. */
#define STATE_FLAGS_ALLOWED                                               \
	(CTDB_NODE_FLAGS_UNHEALTHY | CTDB_NODE_FLAGS_PERMANENTLY_DISABLED | \
	 CTDB_NODE_FLAGS_BANNED | CTDB_NODE_FLAGS_STOPPED)

/* The smallest address on the wire: u32 N and "::" with its NUL. */
#define ADDRESS_MIN_WIRE_LEN (4 + 3)

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

static uint32_t swap32(uint32_t v)
{
	return ((v & 0xffU) << 24) | ((v & 0xff00U) << 8) |
	       ((v >> 8) & 0xff00U) | (v >> 24);
}

static bool type_is_valid(uint32_t type)
{
	switch (type) {
	case CLUSTER_MSG_STATE:
	case CLUSTER_MSG_HEARTBEAT:
	case CLUSTER_MSG_RELEASED:
	case CLUSTER_MSG_TAKEN:
	case CLUSTER_MSG_SUSPECT:
	case CLUSTER_MSG_TICKLES:
		return true;
	}
	return false;
}

static bool address_is_valid(const char *s)
{
	unsigned char addr[sizeof(struct in6_addr)];

	if (s == NULL) {
		return false;
	}
	if (inet_pton(AF_INET, s, addr) == 1) {
		return true;
	}
	return inet_pton(AF_INET6, s, addr) == 1;
}

/* Lists are short (a node's public addresses): quadratic is fine. */
static bool address_list_is_valid(const char **list, uint32_t num)
{
	uint32_t i;
	uint32_t j;

	if (num > 0 && list == NULL) {
		return false;
	}
	for (i = 0; i < num; i++) {
		if (!address_is_valid(list[i])) {
			return false;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(list[i], list[j]) == 0) {
				return false;
			}
		}
	}
	return true;
}

static bool state_is_valid(const struct cluster_state_msg *st)
{
	if (st->kind != CLUSTER_STATE_SYNC &&
	    st->kind != CLUSTER_STATE_CHANGE) {
		return false;
	}
	if ((st->flags & ~STATE_FLAGS_ALLOWED) != 0) {
		return false;
	}
	if (st->runstate > CTDB_RUNSTATE_SHUTDOWN) {
		return false;
	}
	if ((st->options & ~CLUSTER_OPT_ALL) != 0) {
		return false;
	}
	if (!address_list_is_valid(st->held, st->num_held)) {
		return false;
	}
	return address_list_is_valid(st->public_ips, st->num_public);
}

static size_t address_list_len(const char **list, uint32_t num)
{
	size_t len = 4;
	uint32_t i;

	for (i = 0; i < num; i++) {
		len = ctdb_len_add(len, ctdb_stringn_len(list[i]));
	}
	return len;
}

static int body_len(const struct cluster_msg *msg, size_t *plen)
{
	const struct cluster_state_msg *st = &msg->body.state;
	size_t len;

	switch (msg->type) {
	case CLUSTER_MSG_STATE:
		if (!state_is_valid(st)) {
			return EINVAL;
		}
		len = 5 * 4 + 8;
		len = ctdb_len_add(len, ctdb_stringn_len(st->reason));
		len = ctdb_len_add(len, address_list_len(st->held,
							 st->num_held));
		len = ctdb_len_add(len, address_list_len(st->public_ips,
							 st->num_public));
		break;
	case CLUSTER_MSG_HEARTBEAT:
		len = 4;
		break;
	case CLUSTER_MSG_RELEASED:
	case CLUSTER_MSG_TAKEN:
		len = 0;
		break;
	case CLUSTER_MSG_SUSPECT:
		len = 4 + 8 + 4;
		break;
	case CLUSTER_MSG_TICKLES:
		if (!address_is_valid(msg->body.tickles.address)) {
			return EINVAL;
		}
		return ctdb_tickle_list_add_len(
			ctdb_stringn_len(msg->body.tickles.address),
			msg->body.tickles.list, plen);
	default:
		return EINVAL;
	}
	*plen = len;
	return 0;
}

static void push_address_list(uint8_t *buf, size_t *offset,
			      const char **list, uint32_t num)
{
	uint32_t i;

	ctdb_push_u32(buf, offset, num);
	for (i = 0; i < num; i++) {
		ctdb_push_stringn(buf, offset, list[i]);
	}
}

static void push_body(const struct cluster_msg *msg, uint8_t *buf,
		      size_t *offset)
{
	const struct cluster_state_msg *st = &msg->body.state;
	const struct cluster_suspect_msg *sus = &msg->body.suspect;

	switch (msg->type) {
	case CLUSTER_MSG_STATE:
		ctdb_push_u32(buf, offset, st->kind);
		ctdb_push_u32(buf, offset, st->flags);
		ctdb_push_u32(buf, offset, st->runstate);
		ctdb_push_u32(buf, offset, st->options);
		ctdb_push_u32(buf, offset, st->joined_round);
		ctdb_push_i64(buf, offset, (int64_t)st->nodes_hash);
		ctdb_push_stringn(buf, offset, st->reason);
		push_address_list(buf, offset, st->held, st->num_held);
		push_address_list(buf, offset, st->public_ips,
				  st->num_public);
		break;
	case CLUSTER_MSG_HEARTBEAT:
		ctdb_push_u32(buf, offset, msg->body.heartbeat_seq);
		break;
	case CLUSTER_MSG_SUSPECT:
		ctdb_push_u32(buf, offset, sus->target_pnn);
		ctdb_push_i64(buf, offset, (int64_t)sus->target_member);
		ctdb_push_u32(buf, offset, sus->target_seq);
		break;
	case CLUSTER_MSG_TICKLES:
		ctdb_push_stringn(buf, offset, msg->body.tickles.address);
		ctdb_tickle_list_push(buf, offset, msg->body.tickles.list);
		break;
	default:
		break;
	}
}

int cluster_msg_marshall(TALLOC_CTX *mem_ctx, const struct cluster_msg *msg,
			 uint8_t **pbuf, size_t *plen)
{
	size_t len;
	size_t offset = 0;
	uint8_t *buf;
	int ret;

	ret = body_len(msg, &len);
	if (ret != 0) {
		return ret;
	}
	len = ctdb_len_add(len, CLUSTER_MSG_HEADER_LEN);
	ret = ctdb_check_wire_len(len);
	if (ret != 0) {
		return ret;
	}
	buf = talloc_size(mem_ctx, len);
	if (buf == NULL) {
		return ENOMEM;
	}
	ctdb_push_u32(buf, &offset, CLUSTER_PROTOCOL_MAGIC);
	ctdb_push_u32(buf, &offset, CLUSTER_PROTOCOL_VERSION);
	ctdb_push_u32(buf, &offset, msg->type);
	ctdb_push_u32(buf, &offset, msg->pnn);
	ctdb_push_u32(buf, &offset, msg->round);
	push_body(msg, buf, &offset);
	*pbuf = buf;
	*plen = len;
	return 0;
}

static int pull_u64(struct ctdb_pull_cursor *c, uint64_t *v)
{
	int64_t i;
	int ret;

	ret = ctdb_pull_i64(c, &i);
	if (ret == 0) {
		*v = (uint64_t)i;
	}
	return ret;
}

static int pull_address_list(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			     uint32_t *pnum, const char ***plist)
{
	const char **list = NULL;
	uint32_t num;
	uint32_t i;
	int ret;

	ret = ctdb_pull_count(c, ADDRESS_MIN_WIRE_LEN, &num);
	if (ret != 0) {
		return ret;
	}
	if (num > 0) {
		list = talloc_zero_array(mem_ctx, const char *, num);
		if (list == NULL) {
			return ENOMEM;
		}
	}
	for (i = 0; i < num; i++) {
		ret = ctdb_pull_stringn_required(c, list, &list[i]);
		if (ret != 0) {
			talloc_free(list);
			return ret;
		}
	}
	*pnum = num;
	*plist = list;
	return 0;
}

static int pull_state(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		      struct cluster_state_msg *st)
{
	int ret;

	ret = ctdb_pull_u32(c, &st->kind);
	if (ret == 0) {
		ret = ctdb_pull_u32(c, &st->flags);
	}
	if (ret == 0) {
		ret = ctdb_pull_u32(c, &st->runstate);
	}
	if (ret == 0) {
		ret = ctdb_pull_u32(c, &st->options);
	}
	if (ret == 0) {
		ret = ctdb_pull_u32(c, &st->joined_round);
	}
	if (ret == 0) {
		ret = pull_u64(c, &st->nodes_hash);
	}
	if (ret == 0) {
		ret = ctdb_pull_stringn(c, mem_ctx, &st->reason);
	}
	if (ret == 0) {
		ret = pull_address_list(c, mem_ctx, &st->num_held, &st->held);
	}
	if (ret == 0) {
		ret = pull_address_list(c, mem_ctx, &st->num_public,
					&st->public_ips);
	}
	if (ret != 0) {
		return ret;
	}
	if (!state_is_valid(st)) {
		return EINVAL;
	}
	return 0;
}

static int pull_suspect(struct ctdb_pull_cursor *c, uint32_t num_nodes,
			struct cluster_suspect_msg *sus)
{
	int ret;

	ret = ctdb_pull_u32(c, &sus->target_pnn);
	if (ret == 0) {
		ret = pull_u64(c, &sus->target_member);
	}
	if (ret == 0) {
		ret = ctdb_pull_u32(c, &sus->target_seq);
	}
	if (ret != 0) {
		return ret;
	}
	if (sus->target_pnn >= num_nodes &&
	    sus->target_pnn != CLUSTER_PNN_NONE) {
		return ERANGE;
	}
	return 0;
}

static int pull_tickles(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			struct cluster_tickles_msg *t)
{
	int ret;

	ret = ctdb_pull_stringn_required(c, mem_ctx, &t->address);
	if (ret != 0) {
		return ret;
	}
	if (!address_is_valid(t->address)) {
		return EINVAL;
	}
	return ctdb_tickle_list_pull(c, mem_ctx, &t->list);
}

static int pull_body(struct ctdb_pull_cursor *c, uint32_t num_nodes,
		     struct cluster_msg *msg)
{
	switch (msg->type) {
	case CLUSTER_MSG_STATE:
		return pull_state(c, msg, &msg->body.state);
	case CLUSTER_MSG_HEARTBEAT:
		return ctdb_pull_u32(c, &msg->body.heartbeat_seq);
	case CLUSTER_MSG_SUSPECT:
		return pull_suspect(c, num_nodes, &msg->body.suspect);
	case CLUSTER_MSG_TICKLES:
		return pull_tickles(c, msg, &msg->body.tickles);
	default:
		return 0;
	}
}

/* The header, in the order a reader wants its complaints. */
static int pull_header(struct ctdb_pull_cursor *c, uint32_t num_nodes,
		       struct cluster_msg *msg)
{
	uint32_t magic = 0;
	uint32_t version = 0;
	int ret;

	ret = ctdb_pull_u32(c, &magic);
	if (ret != 0) {
		return ret;
	}
	if (magic == swap32(CLUSTER_PROTOCOL_MAGIC)) {
		return EPROTONOSUPPORT;
	}
	if (magic != CLUSTER_PROTOCOL_MAGIC) {
		return EPROTO;
	}
	ret = ctdb_pull_u32(c, &version);
	if (ret != 0) {
		return ret;
	}
	if (version != CLUSTER_PROTOCOL_VERSION) {
		return EPROTONOSUPPORT;
	}
	ret = ctdb_pull_u32(c, &msg->type);
	if (ret == 0) {
		ret = ctdb_pull_u32(c, &msg->pnn);
	}
	if (ret == 0) {
		ret = ctdb_pull_u32(c, &msg->round);
	}
	if (ret != 0) {
		return ret;
	}
	if (!type_is_valid(msg->type)) {
		return EINVAL;
	}
	if (msg->pnn >= num_nodes) {
		return ERANGE;
	}
	return 0;
}

int cluster_msg_pull(const uint8_t *buf, size_t len, uint32_t num_nodes,
		     TALLOC_CTX *mem_ctx, struct cluster_msg **pmsg)
{
	struct ctdb_pull_cursor c = {
		.buf = buf,
		.len = len,
		.offset = 0,
	};
	struct cluster_msg *msg;
	int ret;

	msg = talloc_zero(mem_ctx, struct cluster_msg);
	if (msg == NULL) {
		return ENOMEM;
	}
	ret = pull_header(&c, num_nodes, msg);
	if (ret == 0) {
		ret = pull_body(&c, num_nodes, msg);
	}
	if (ret == 0 && ctdb_pull_remaining(&c) != 0) {
		ret = EPROTO;
	}
	if (ret != 0) {
		talloc_free(msg);
		return ret;
	}
	*pmsg = msg;
	return 0;
}

int cluster_msg_peek(const uint8_t *buf, size_t len, uint32_t *version,
		     uint32_t *type, uint32_t *pnn)
{
	struct ctdb_pull_cursor c = {
		.buf = buf,
		.len = len,
		.offset = 0,
	};
	uint32_t fields[4];
	unsigned i;
	int ret;

	if (len < CLUSTER_MSG_HEADER_LEN) {
		return EPROTO;
	}
	for (i = 0; i < 4; i++) {
		ret = ctdb_pull_u32(&c, &fields[i]);
		if (ret != 0) {
			return ret;
		}
	}
	if (fields[0] == swap32(CLUSTER_PROTOCOL_MAGIC)) {
		for (i = 1; i < 4; i++) {
			fields[i] = swap32(fields[i]);
		}
	} else if (fields[0] != CLUSTER_PROTOCOL_MAGIC) {
		return EPROTO;
	}
	*version = fields[1];
	*type = fields[2];
	*pnn = fields[3];
	return 0;
}

const char *cluster_msg_type_name(uint32_t type)
{
	switch (type) {
	case CLUSTER_MSG_STATE:
		return "state";
	case CLUSTER_MSG_HEARTBEAT:
		return "heartbeat";
	case CLUSTER_MSG_RELEASED:
		return "released";
	case CLUSTER_MSG_TAKEN:
		return "taken";
	case CLUSTER_MSG_SUSPECT:
		return "suspect";
	case CLUSTER_MSG_TICKLES:
		return "tickles";
	}
	return "unknown";
}

const char *cluster_msg_error_string(int err)
{
	switch (err) {
	case 0:
		return "no error";
	case EPROTONOSUPPORT:
		return "another protocol version or byte order";
	case ERANGE:
		return "a pnn that is not in our nodes file";
	case EPROTO:
		return "not a cluster message, truncated, or with bytes left over";
	case EINVAL:
		return "an unknown message type or a field out of range";
	case ENOMEM:
		return "out of memory";
	}
	return "an unexpected error";
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV64_PRIME;
	}
	return h;
}

/*
 * Each entry is hashed with its terminating NUL, and a deleted line as a
 * lone '#', so that no two different files hash the same by shifting
 * bytes between lines.
 */
uint64_t cluster_nodes_hash(const char *const *addresses, uint32_t num)
{
	uint64_t h = FNV64_OFFSET;
	uint32_t i;

	for (i = 0; i < num; i++) {
		const char *entry = addresses[i];

		if (entry == NULL) {
			entry = "#";
		}
		h = fnv1a(h, entry, strlen(entry) + 1);
	}
	return h;
}
