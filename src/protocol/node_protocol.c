/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of node protocol requests and replies: no I/O, no logging. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "protocol/event_protocol_api.h" /* ctdb_event_header_pull() */
#include "protocol/node_protocol_api.h"

/*
 * Wire layout (host byte order, packed), after the 12-byte header:
 *
 *   request:  u32 cmd
 *             GETVAR: stringn name
 *             SETVAR: stringn name, u32 value
 *   reply:    u32 cmd, i32 result, then only when result is 0:
 *             STATUS:   u32 this_pnn, u32 runstate, u32 recovery_mode,
 *                       u32 leader, u32 num_nodes,
 *                       num_nodes x { u32 pnn, u32 flags, stringn address },
 *                       stringn unhealthy_reason
 *             RUNSTATE: u32 runstate
 *             IPS:      u32 num, num x { stringn address, u32 bits,
 *                                        stringn ifaces, i32 pnn }
 *             GETVAR:   u32 value
 *             LISTVARS: u32 num, num x { stringn name, u32 value }
 *
 * A stringn is a u32 N then N bytes whose only NUL is the last; N = 0 is
 * NULL. Names and addresses may not be NULL; ifaces and the unhealthy
 * reason may. Any change here needs CTDB_NODE_PROTOCOL_VERSION bumped.
 */

/* Header plus the u32 cmd that follows it in every message. */
#define REQUEST_FIXED_LEN (CTDB_EVENT_HEADER_LEN + 4)

/* Header, u32 cmd and i32 result: the whole of every reply without body. */
#define REPLY_FIXED_LEN (CTDB_EVENT_HEADER_LEN + 4 + 4)

/*
 * The smallest record of each list: u32s and empty (NULL) strings. A
 * peer's count is checked against these before any allocation, so a
 * forged count never makes us allocate more than the packet describes.
 */
#define NODE_MIN_WIRE_LEN (4 + 4 + 4)
#define IP_MIN_WIRE_LEN (4 + 4 + 4 + 4)
#define VAR_MIN_WIRE_LEN (4 + 4)

#define RECOVERY_MODE_MAX 1

/*
 * Lengths saturate at SIZE_MAX instead of wrapping, so that an absurd
 * message is refused rather than encoded into a short buffer.
 */
static size_t len_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b) {
		return SIZE_MAX;
	}
	return a + b;
}

static size_t stringn_len(const char *s)
{
	size_t n;

	if (s == NULL) {
		return 4;
	}
	n = strlen(s);
	return len_add(4, len_add(n, 1));
}

/* The header's length field is a u32, so bigger messages cannot exist. */
static int check_wire_len(size_t len)
{
	uint64_t len64 = (uint64_t)len;

	if (len == SIZE_MAX || len64 > UINT32_MAX) {
		return EOVERFLOW;
	}
	return 0;
}

/*
 * Push helpers. The total length is computed and checked against the
 * buffer before anything is written, so these never need to check again.
 */

static void push_u32(uint8_t *buf, size_t *offset, uint32_t v)
{
	memcpy(buf + *offset, &v, sizeof(v));
	*offset += sizeof(v);
}

static void push_i32(uint8_t *buf, size_t *offset, int32_t v)
{
	memcpy(buf + *offset, &v, sizeof(v));
	*offset += sizeof(v);
}

static void push_stringn(uint8_t *buf, size_t *offset, const char *s)
{
	size_t n;

	if (s == NULL) {
		push_u32(buf, offset, 0);
		return;
	}
	/* check_wire_len() has made sure n fits a u32. */
	n = strlen(s) + 1;
	push_u32(buf, offset, (uint32_t)n);
	memcpy(buf + *offset, s, n);
	*offset += n;
}

static void push_header(uint8_t *buf, size_t *offset,
			const struct ctdb_event_header *h)
{
	push_u32(buf, offset, h->length);
	push_u32(buf, offset, h->version);
	push_u32(buf, offset, h->reqid);
}

/*
 * Pull helpers. The cursor never moves past len, and every helper checks
 * the bytes it needs are there before touching them.
 */

struct pull_cursor {
	const uint8_t *buf;
	size_t len;
	size_t offset;
};

static size_t pull_remaining(const struct pull_cursor *c)
{
	return c->len - c->offset;
}

static int pull_u32(struct pull_cursor *c, uint32_t *v)
{
	if (pull_remaining(c) < sizeof(*v)) {
		return EPROTO;
	}
	memcpy(v, c->buf + c->offset, sizeof(*v));
	c->offset += sizeof(*v);
	return 0;
}

static int pull_i32(struct pull_cursor *c, int32_t *v)
{
	if (pull_remaining(c) < sizeof(*v)) {
		return EPROTO;
	}
	memcpy(v, c->buf + c->offset, sizeof(*v));
	c->offset += sizeof(*v);
	return 0;
}

/* A string must fill exactly its N bytes, its only NUL last. */
static int pull_stringn(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
			const char **out)
{
	const char *s;
	const char *nul;
	char *str;
	uint32_t n;
	int ret;

	ret = pull_u32(c, &n);
	if (ret != 0) {
		return ret;
	}
	if (n == 0) {
		*out = NULL;
		return 0;
	}
	if (pull_remaining(c) < n) {
		return EPROTO;
	}
	s = (const char *)(c->buf + c->offset);
	nul = memchr(s, '\0', n);
	if (nul != s + n - 1) {
		return EPROTO;
	}
	str = talloc_strndup(mem_ctx, s, n - 1);
	if (str == NULL) {
		return ENOMEM;
	}
	c->offset += n;
	*out = str;
	return 0;
}

/* The same for a string that may not be NULL (a name or an address). */
static int pull_stringn_required(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
				 const char **out)
{
	const char *s = NULL;
	int ret;

	ret = pull_stringn(c, mem_ctx, &s);
	if (ret != 0) {
		return ret;
	}
	if (s == NULL) {
		return EPROTO;
	}
	*out = s;
	return 0;
}

/* A list count must leave room for that many of the smallest records. */
static int pull_count(struct pull_cursor *c, size_t min_record_len,
		      uint32_t *num)
{
	uint32_t n;
	size_t max;
	int ret;

	ret = pull_u32(c, &n);
	if (ret != 0) {
		return ret;
	}
	max = pull_remaining(c) / min_record_len;
	if ((size_t)n > max) {
		return EPROTO;
	}
	*num = n;
	return 0;
}

/* Decodes the header and insists that it describes exactly buflen bytes. */
static int pull_packet_header(struct pull_cursor *c,
			      struct ctdb_event_header *h)
{
	int ret;

	ret = ctdb_event_header_pull(c->buf, c->len, h);
	if (ret != 0) {
		return ret;
	}
	if (h->length != c->len) {
		return EPROTO;
	}
	c->offset = CTDB_EVENT_HEADER_LEN;
	return 0;
}

static bool command_is_valid(uint32_t cmd)
{
	switch (cmd) {
	case CTDB_NODE_CMD_STATUS:
	case CTDB_NODE_CMD_RUNSTATE:
	case CTDB_NODE_CMD_IPS:
	case CTDB_NODE_CMD_GETVAR:
	case CTDB_NODE_CMD_SETVAR:
	case CTDB_NODE_CMD_LISTVARS:
	case CTDB_NODE_CMD_STOP:
	case CTDB_NODE_CMD_CONTINUE:
	case CTDB_NODE_CMD_SHUTDOWN:
		return true;
	}
	return false;
}

static bool runstate_is_valid(uint32_t runstate)
{
	return runstate <= CTDB_RUNSTATE_SHUTDOWN;
}

/* -1 means "hosted nowhere"; other negative values mean nothing. */
static bool ip_pnn_is_valid(int32_t pnn)
{
	return pnn >= -1;
}

/*
 * Requests
 */

/*
 * Computes the encoded size and, on the way, refuses what a strict peer
 * (including our own pull) would reject, so we never send it.
 */
static int request_wire_len(const struct ctdb_node_request *in, size_t *plen)
{
	size_t len = REQUEST_FIXED_LEN;
	int ret;

	switch (in->cmd) {
	case CTDB_NODE_CMD_GETVAR:
		if (in->data.name == NULL) {
			return EINVAL;
		}
		len = len_add(len, stringn_len(in->data.name));
		break;
	case CTDB_NODE_CMD_SETVAR:
		if (in->data.var == NULL || in->data.var->name == NULL) {
			return EINVAL;
		}
		len = len_add(len, stringn_len(in->data.var->name));
		len = len_add(len, 4);
		break;
	default:
		if (!command_is_valid(in->cmd)) {
			return EINVAL;
		}
		break;
	}

	ret = check_wire_len(len);
	if (ret != 0) {
		return ret;
	}
	*plen = len;
	return 0;
}

/* Returns 0 for a request that cannot be encoded; push says why. */
size_t ctdb_node_request_len(const struct ctdb_event_header *h,
			     const struct ctdb_node_request *in)
{
	size_t len = 0;
	int ret;

	ret = request_wire_len(in, &len);
	if (ret != 0) {
		return 0;
	}
	return len;
}

/*
 * On success *buflen is set to the number of bytes written. Besides
 * EMSGSIZE this fails with EINVAL for an unknown cmd or a missing name,
 * and with EOVERFLOW when the message exceeds 4 GiB.
 */
int ctdb_node_request_push(struct ctdb_event_header *h,
			   const struct ctdb_node_request *in, uint8_t *buf,
			   size_t *buflen)
{
	struct ctdb_event_header hdr = *h;
	size_t offset = 0;
	size_t len = 0;
	int ret;

	ret = request_wire_len(in, &len);
	if (ret != 0) {
		return ret;
	}
	if (*buflen < len) {
		*buflen = len;
		return EMSGSIZE;
	}

	hdr.length = (uint32_t)len;
	push_header(buf, &offset, &hdr);
	push_u32(buf, &offset, in->cmd);

	switch (in->cmd) {
	case CTDB_NODE_CMD_GETVAR:
		push_stringn(buf, &offset, in->data.name);
		break;
	case CTDB_NODE_CMD_SETVAR:
		push_stringn(buf, &offset, in->data.var->name);
		push_u32(buf, &offset, in->data.var->value);
		break;
	default:
		break;
	}

	h->length = hdr.length;
	*buflen = offset;
	return 0;
}

static int request_setvar_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
			       struct ctdb_var **out)
{
	struct ctdb_var *var;
	int ret;

	var = talloc_zero(mem_ctx, struct ctdb_var);
	if (var == NULL) {
		return ENOMEM;
	}
	ret = pull_stringn_required(c, var, &var->name);
	if (ret != 0) {
		goto fail;
	}
	ret = pull_u32(c, &var->value);
	if (ret != 0) {
		goto fail;
	}
	*out = var;
	return 0;

fail:
	talloc_free(var);
	return ret;
}

int ctdb_node_request_pull(const uint8_t *buf, size_t buflen,
			   struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			   struct ctdb_node_request **out)
{
	struct ctdb_event_header hdr;
	struct ctdb_node_request *req;
	struct pull_cursor c = {
		.buf = buf,
		.len = buflen,
		.offset = 0,
	};
	uint32_t cmd;
	int ret = 0;

	ret = pull_packet_header(&c, &hdr);
	if (ret != 0) {
		return ret;
	}
	ret = pull_u32(&c, &cmd);
	if (ret != 0) {
		return ret;
	}
	if (!command_is_valid(cmd)) {
		return EINVAL;
	}

	req = talloc_zero(mem_ctx, struct ctdb_node_request);
	if (req == NULL) {
		return ENOMEM;
	}
	req->cmd = cmd;

	switch (cmd) {
	case CTDB_NODE_CMD_GETVAR:
		ret = pull_stringn_required(&c, req, &req->data.name);
		break;
	case CTDB_NODE_CMD_SETVAR:
		ret = request_setvar_pull(&c, req, &req->data.var);
		break;
	default:
		break;
	}
	if (ret != 0) {
		talloc_free(req);
		return ret;
	}

	if (c.offset != c.len) {
		talloc_free(req);
		return EPROTO;
	}

	*h = hdr;
	*out = req;
	return 0;
}

/*
 * Replies
 */

static bool command_has_reply_body(uint32_t cmd)
{
	switch (cmd) {
	case CTDB_NODE_CMD_STATUS:
	case CTDB_NODE_CMD_RUNSTATE:
	case CTDB_NODE_CMD_IPS:
	case CTDB_NODE_CMD_GETVAR:
	case CTDB_NODE_CMD_LISTVARS:
		return true;
	}
	return false;
}

static bool reply_has_body(const struct ctdb_node_reply *in)
{
	return in->result == 0 && command_has_reply_body(in->cmd);
}

static int status_wire_len(const struct ctdb_node_status *st, size_t *plen)
{
	size_t len = 5 * 4;
	uint32_t i;

	if (st == NULL) {
		return EINVAL;
	}
	if (!runstate_is_valid(st->runstate) ||
	    st->recovery_mode > RECOVERY_MODE_MAX) {
		return EINVAL;
	}
	if (st->num_nodes > 0 && st->nodes == NULL) {
		return EINVAL;
	}
	for (i = 0; i < st->num_nodes; i++) {
		const struct ctdb_node_info *node = &st->nodes[i];

		if (node->address == NULL) {
			return EINVAL;
		}
		len = len_add(len, 4 + 4);
		len = len_add(len, stringn_len(node->address));
	}
	len = len_add(len, stringn_len(st->unhealthy_reason));
	*plen = len;
	return 0;
}

static int ips_wire_len(const struct ctdb_public_ip_list *ips, size_t *plen)
{
	size_t len = 4;
	uint32_t i;

	if (ips == NULL) {
		return EINVAL;
	}
	if (ips->num > 0 && ips->ip == NULL) {
		return EINVAL;
	}
	for (i = 0; i < ips->num; i++) {
		const struct ctdb_public_ip_info *ip = &ips->ip[i];

		if (ip->address == NULL || !ip_pnn_is_valid(ip->pnn)) {
			return EINVAL;
		}
		len = len_add(len, stringn_len(ip->address));
		len = len_add(len, 4);
		len = len_add(len, stringn_len(ip->ifaces));
		len = len_add(len, 4);
	}
	*plen = len;
	return 0;
}

static int vars_wire_len(const struct ctdb_var_list *vars, size_t *plen)
{
	size_t len = 4;
	uint32_t i;

	if (vars == NULL) {
		return EINVAL;
	}
	if (vars->num > 0 && vars->var == NULL) {
		return EINVAL;
	}
	for (i = 0; i < vars->num; i++) {
		if (vars->var[i].name == NULL) {
			return EINVAL;
		}
		len = len_add(len, stringn_len(vars->var[i].name));
		len = len_add(len, 4);
	}
	*plen = len;
	return 0;
}

static int reply_body_wire_len(const struct ctdb_node_reply *in,
			       size_t *plen)
{
	switch (in->cmd) {
	case CTDB_NODE_CMD_STATUS:
		return status_wire_len(in->data.status, plen);
	case CTDB_NODE_CMD_RUNSTATE:
		if (!runstate_is_valid(in->data.runstate)) {
			return EINVAL;
		}
		*plen = 4;
		return 0;
	case CTDB_NODE_CMD_IPS:
		return ips_wire_len(in->data.ips, plen);
	case CTDB_NODE_CMD_GETVAR:
		*plen = 4;
		return 0;
	case CTDB_NODE_CMD_LISTVARS:
		return vars_wire_len(in->data.vars, plen);
	}
	*plen = 0;
	return 0;
}

static int reply_wire_len(const struct ctdb_node_reply *in, size_t *plen)
{
	size_t len = REPLY_FIXED_LEN;
	size_t body_len = 0;
	int ret;

	if (!command_is_valid(in->cmd)) {
		return EINVAL;
	}
	if (in->result < 0) {
		return EINVAL;
	}
	if (reply_has_body(in)) {
		ret = reply_body_wire_len(in, &body_len);
		if (ret != 0) {
			return ret;
		}
		len = len_add(len, body_len);
	}

	ret = check_wire_len(len);
	if (ret != 0) {
		return ret;
	}
	*plen = len;
	return 0;
}

/* Returns 0 for a reply that cannot be encoded; push says why. */
size_t ctdb_node_reply_len(const struct ctdb_event_header *h,
			   const struct ctdb_node_reply *in)
{
	size_t len = 0;
	int ret;

	ret = reply_wire_len(in, &len);
	if (ret != 0) {
		return 0;
	}
	return len;
}

static void push_status(uint8_t *buf, size_t *offset,
			const struct ctdb_node_status *st)
{
	uint32_t i;

	push_u32(buf, offset, st->this_pnn);
	push_u32(buf, offset, st->runstate);
	push_u32(buf, offset, st->recovery_mode);
	push_u32(buf, offset, st->leader);
	push_u32(buf, offset, st->num_nodes);
	for (i = 0; i < st->num_nodes; i++) {
		push_u32(buf, offset, st->nodes[i].pnn);
		push_u32(buf, offset, st->nodes[i].flags);
		push_stringn(buf, offset, st->nodes[i].address);
	}
	push_stringn(buf, offset, st->unhealthy_reason);
}

static void push_ips(uint8_t *buf, size_t *offset,
		     const struct ctdb_public_ip_list *ips)
{
	uint32_t i;

	push_u32(buf, offset, ips->num);
	for (i = 0; i < ips->num; i++) {
		push_stringn(buf, offset, ips->ip[i].address);
		push_u32(buf, offset, ips->ip[i].bits);
		push_stringn(buf, offset, ips->ip[i].ifaces);
		push_i32(buf, offset, ips->ip[i].pnn);
	}
}

static void push_vars(uint8_t *buf, size_t *offset,
		      const struct ctdb_var_list *vars)
{
	uint32_t i;

	push_u32(buf, offset, vars->num);
	for (i = 0; i < vars->num; i++) {
		push_stringn(buf, offset, vars->var[i].name);
		push_u32(buf, offset, vars->var[i].value);
	}
}

/*
 * On success *buflen is set to the number of bytes written. Besides
 * EMSGSIZE this fails with EINVAL for an unknown cmd, a negative result,
 * a successful reply missing its body or holding what pull would refuse
 * (a NULL name or address, an unknown runstate or recovery mode, a pnn
 * below -1), and with EOVERFLOW above 4 GiB. data is ignored unless the
 * reply carries a body.
 */
int ctdb_node_reply_push(struct ctdb_event_header *h,
			 const struct ctdb_node_reply *in, uint8_t *buf,
			 size_t *buflen)
{
	struct ctdb_event_header hdr = *h;
	size_t offset = 0;
	size_t len = 0;
	int ret;

	ret = reply_wire_len(in, &len);
	if (ret != 0) {
		return ret;
	}
	if (*buflen < len) {
		*buflen = len;
		return EMSGSIZE;
	}

	hdr.length = (uint32_t)len;
	push_header(buf, &offset, &hdr);
	push_u32(buf, &offset, in->cmd);
	push_i32(buf, &offset, in->result);

	if (reply_has_body(in)) {
		switch (in->cmd) {
		case CTDB_NODE_CMD_STATUS:
			push_status(buf, &offset, in->data.status);
			break;
		case CTDB_NODE_CMD_RUNSTATE:
			push_u32(buf, &offset, in->data.runstate);
			break;
		case CTDB_NODE_CMD_IPS:
			push_ips(buf, &offset, in->data.ips);
			break;
		case CTDB_NODE_CMD_GETVAR:
			push_u32(buf, &offset, in->data.value);
			break;
		case CTDB_NODE_CMD_LISTVARS:
			push_vars(buf, &offset, in->data.vars);
			break;
		}
	}

	h->length = hdr.length;
	*buflen = offset;
	return 0;
}

static int node_info_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
			  struct ctdb_node_info *node)
{
	int ret;

	ret = pull_u32(c, &node->pnn);
	if (ret != 0) {
		return ret;
	}
	ret = pull_u32(c, &node->flags);
	if (ret != 0) {
		return ret;
	}
	return pull_stringn_required(c, mem_ctx, &node->address);
}

/* The fixed part of a status: everything before the node list. */
static int status_fixed_pull(struct pull_cursor *c,
			     struct ctdb_node_status *st)
{
	int ret;

	ret = pull_u32(c, &st->this_pnn);
	if (ret != 0) {
		return ret;
	}
	ret = pull_u32(c, &st->runstate);
	if (ret != 0) {
		return ret;
	}
	if (!runstate_is_valid(st->runstate)) {
		return EINVAL;
	}
	ret = pull_u32(c, &st->recovery_mode);
	if (ret != 0) {
		return ret;
	}
	if (st->recovery_mode > RECOVERY_MODE_MAX) {
		return EINVAL;
	}
	return pull_u32(c, &st->leader);
}

/* With 0 nodes, st->nodes is NULL. */
static int status_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
		       struct ctdb_node_status **out)
{
	struct ctdb_node_status *st;
	uint32_t i;
	int ret;

	st = talloc_zero(mem_ctx, struct ctdb_node_status);
	if (st == NULL) {
		return ENOMEM;
	}
	ret = status_fixed_pull(c, st);
	if (ret != 0) {
		goto fail;
	}
	ret = pull_count(c, NODE_MIN_WIRE_LEN, &st->num_nodes);
	if (ret != 0) {
		goto fail;
	}
	if (st->num_nodes > 0) {
		st->nodes = talloc_zero_array(st, struct ctdb_node_info,
					      st->num_nodes);
		if (st->nodes == NULL) {
			ret = ENOMEM;
			goto fail;
		}
	}
	for (i = 0; i < st->num_nodes; i++) {
		ret = node_info_pull(c, st->nodes, &st->nodes[i]);
		if (ret != 0) {
			goto fail;
		}
	}
	ret = pull_stringn(c, st, &st->unhealthy_reason);
	if (ret != 0) {
		goto fail;
	}
	*out = st;
	return 0;

fail:
	talloc_free(st);
	return ret;
}

static int ip_info_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
			struct ctdb_public_ip_info *ip)
{
	int ret;

	ret = pull_stringn_required(c, mem_ctx, &ip->address);
	if (ret != 0) {
		return ret;
	}
	ret = pull_u32(c, &ip->bits);
	if (ret != 0) {
		return ret;
	}
	ret = pull_stringn(c, mem_ctx, &ip->ifaces);
	if (ret != 0) {
		return ret;
	}
	ret = pull_i32(c, &ip->pnn);
	if (ret != 0) {
		return ret;
	}
	if (!ip_pnn_is_valid(ip->pnn)) {
		return EINVAL;
	}
	return 0;
}

/* With 0 addresses, ips->ip is NULL. */
static int ips_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
		    struct ctdb_public_ip_list **out)
{
	struct ctdb_public_ip_list *ips;
	uint32_t i;
	int ret;

	ips = talloc_zero(mem_ctx, struct ctdb_public_ip_list);
	if (ips == NULL) {
		return ENOMEM;
	}
	ret = pull_count(c, IP_MIN_WIRE_LEN, &ips->num);
	if (ret != 0) {
		goto fail;
	}
	if (ips->num > 0) {
		ips->ip = talloc_zero_array(ips, struct ctdb_public_ip_info,
					    ips->num);
		if (ips->ip == NULL) {
			ret = ENOMEM;
			goto fail;
		}
	}
	for (i = 0; i < ips->num; i++) {
		ret = ip_info_pull(c, ips->ip, &ips->ip[i]);
		if (ret != 0) {
			goto fail;
		}
	}
	*out = ips;
	return 0;

fail:
	talloc_free(ips);
	return ret;
}

/* With 0 tunables, vars->var is NULL. */
static int vars_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
		     struct ctdb_var_list **out)
{
	struct ctdb_var_list *vars;
	uint32_t i;
	int ret;

	vars = talloc_zero(mem_ctx, struct ctdb_var_list);
	if (vars == NULL) {
		return ENOMEM;
	}
	ret = pull_count(c, VAR_MIN_WIRE_LEN, &vars->num);
	if (ret != 0) {
		goto fail;
	}
	if (vars->num > 0) {
		vars->var = talloc_zero_array(vars, struct ctdb_var,
					      vars->num);
		if (vars->var == NULL) {
			ret = ENOMEM;
			goto fail;
		}
	}
	for (i = 0; i < vars->num; i++) {
		ret = pull_stringn_required(c, vars->var, &vars->var[i].name);
		if (ret != 0) {
			goto fail;
		}
		ret = pull_u32(c, &vars->var[i].value);
		if (ret != 0) {
			goto fail;
		}
	}
	*out = vars;
	return 0;

fail:
	talloc_free(vars);
	return ret;
}

static int runstate_pull(struct pull_cursor *c, uint32_t *runstate)
{
	uint32_t v;
	int ret;

	ret = pull_u32(c, &v);
	if (ret != 0) {
		return ret;
	}
	if (!runstate_is_valid(v)) {
		return EINVAL;
	}
	*runstate = v;
	return 0;
}

static int reply_body_pull(struct pull_cursor *c,
			   struct ctdb_node_reply *reply)
{
	switch (reply->cmd) {
	case CTDB_NODE_CMD_STATUS:
		return status_pull(c, reply, &reply->data.status);
	case CTDB_NODE_CMD_RUNSTATE:
		return runstate_pull(c, &reply->data.runstate);
	case CTDB_NODE_CMD_IPS:
		return ips_pull(c, reply, &reply->data.ips);
	case CTDB_NODE_CMD_GETVAR:
		return pull_u32(c, &reply->data.value);
	case CTDB_NODE_CMD_LISTVARS:
		return vars_pull(c, reply, &reply->data.vars);
	}
	return 0;
}

int ctdb_node_reply_pull(const uint8_t *buf, size_t buflen,
			 struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			 struct ctdb_node_reply **out)
{
	struct ctdb_event_header hdr;
	struct ctdb_node_reply *reply;
	struct pull_cursor c = {
		.buf = buf,
		.len = buflen,
		.offset = 0,
	};
	uint32_t cmd;
	int32_t result;
	int ret;

	ret = pull_packet_header(&c, &hdr);
	if (ret != 0) {
		return ret;
	}
	ret = pull_u32(&c, &cmd);
	if (ret != 0) {
		return ret;
	}
	if (!command_is_valid(cmd)) {
		return EINVAL;
	}
	ret = pull_i32(&c, &result);
	if (ret != 0) {
		return ret;
	}
	/* Results are 0 or a positive errno; anything else is garbage. */
	if (result < 0) {
		return EPROTO;
	}

	reply = talloc_zero(mem_ctx, struct ctdb_node_reply);
	if (reply == NULL) {
		return ENOMEM;
	}
	reply->cmd = cmd;
	reply->result = result;

	if (reply_has_body(reply)) {
		ret = reply_body_pull(&c, reply);
		if (ret != 0) {
			talloc_free(reply);
			return ret;
		}
	}

	if (c.offset != c.len) {
		talloc_free(reply);
		return EPROTO;
	}

	*h = hdr;
	*out = reply;
	return 0;
}

/*
 * Convenience wrappers
 */

/* Besides ENOMEM, passes on push's EINVAL and EOVERFLOW. */
int ctdb_node_request_marshall(TALLOC_CTX *mem_ctx,
			       struct ctdb_event_header *h,
			       const struct ctdb_node_request *in,
			       uint8_t **pbuf, size_t *pbuflen)
{
	uint8_t *buf;
	size_t len = 0;
	int ret;

	ret = request_wire_len(in, &len);
	if (ret != 0) {
		return ret;
	}
	buf = talloc_array(mem_ctx, uint8_t, len);
	if (buf == NULL) {
		return ENOMEM;
	}
	ret = ctdb_node_request_push(h, in, buf, &len);
	if (ret != 0) {
		talloc_free(buf);
		return ret;
	}
	*pbuf = buf;
	*pbuflen = len;
	return 0;
}

/* Besides ENOMEM, passes on push's EINVAL and EOVERFLOW. */
int ctdb_node_reply_marshall(TALLOC_CTX *mem_ctx, struct ctdb_event_header *h,
			     const struct ctdb_node_reply *in, uint8_t **pbuf,
			     size_t *pbuflen)
{
	uint8_t *buf;
	size_t len = 0;
	int ret;

	ret = reply_wire_len(in, &len);
	if (ret != 0) {
		return ret;
	}
	buf = talloc_array(mem_ctx, uint8_t, len);
	if (buf == NULL) {
		return ENOMEM;
	}
	ret = ctdb_node_reply_push(h, in, buf, &len);
	if (ret != 0) {
		talloc_free(buf);
		return ret;
	}
	*pbuf = buf;
	*pbuflen = len;
	return 0;
}

/*
 * Runstate names
 */

/* CTDB's names, indexed by value. */
static const char *const runstate_names[] = {
	[CTDB_RUNSTATE_UNKNOWN] = "UNKNOWN",
	[CTDB_RUNSTATE_INIT] = "INIT",
	[CTDB_RUNSTATE_SETUP] = "SETUP",
	[CTDB_RUNSTATE_FIRST_RECOVERY] = "FIRST_RECOVERY",
	[CTDB_RUNSTATE_STARTUP] = "STARTUP",
	[CTDB_RUNSTATE_RUNNING] = "RUNNING",
	[CTDB_RUNSTATE_SHUTDOWN] = "SHUTDOWN",
};

#define NUM_RUNSTATES (sizeof(runstate_names) / sizeof(runstate_names[0]))

const char *ctdb_runstate_to_string(uint32_t runstate)
{
	if (runstate >= NUM_RUNSTATES) {
		return runstate_names[CTDB_RUNSTATE_UNKNOWN];
	}
	return runstate_names[runstate];
}

/*
 * Case-insensitive, as `ctdb runstate running` works with CTDB 4.17.
 * "UNKNOWN" is not accepted: no node is ever required to be in it, and
 * CTDB's tool calls it an invalid run state.
 */
bool ctdb_runstate_from_string(const char *name, uint32_t *runstate)
{
	uint32_t i;
	int cmp;

	for (i = CTDB_RUNSTATE_UNKNOWN + 1; i < NUM_RUNSTATES; i++) {
		cmp = strcasecmp(name, runstate_names[i]);
		if (cmp == 0) {
			*runstate = i;
			return true;
		}
	}
	return false;
}
