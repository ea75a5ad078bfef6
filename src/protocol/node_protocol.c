/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of node protocol requests and replies: no I/O, no logging. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <strings.h>

#include "protocol/node_protocol_api.h"
#include "protocol/protocol_basic.h"
#include "protocol/tickle_wire.h"

/*
 * Wire layout (host byte order, packed), after the 12-byte header:
 *
 *   request:  u32 cmd
 *             GETVAR: stringn name
 *             SETVAR: stringn name, u32 value
 *   reply:    u32 cmd, i32 result, then only when result is 0:
 *             STATUS:   u32 this_pnn, u32 runstate, u32 recovery_mode,
 *                       u32 leader, u32 num_nodes,
 *                       num_nodes x { u32 pnn, u32 flags, stringn address,
 *                                     stringn reason },
 *                       stringn why_out
 *             RUNSTATE: u32 runstate
 *             IPS:      u32 num, num x { stringn address, u32 bits,
 *                                        stringn ifaces, i32 pnn }
 *             GETVAR:   u32 value
 *             LISTVARS: u32 num, num x { stringn name, u32 value }
 *             METRICS:  stringn OpenMetrics text (never NULL)
 *             GETTICKLES: a connection list (protocol/tickle_wire.h)
 *   request bodies of the tickle commands: ADDTICKLE and DELTICKLE a
 *             connection list, GETTICKLES one endpoint (port ignored)
 *
 * A stringn is a u32 N then N bytes whose only NUL is the last; N = 0 is
 * NULL. Names and addresses may not be NULL; ifaces, a node's unhealthy
 * reason and why_out may. Any change here needs CTDB_NODE_PROTOCOL_VERSION bumped.
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
#define NODE_MIN_WIRE_LEN (4 + 4 + 4 + 4)
#define IP_MIN_WIRE_LEN (4 + 4 + 4 + 4)
#define VAR_MIN_WIRE_LEN (4 + 4)

#define RECOVERY_MODE_MAX 1

static bool command_is_valid(uint32_t cmd)
{
	switch (cmd) {
	case CTDB_NODE_CMD_STATUS:
	case CTDB_NODE_CMD_RUNSTATE:
	case CTDB_NODE_CMD_IPS:
	case CTDB_NODE_CMD_GETVAR:
	case CTDB_NODE_CMD_SETVAR:
	case CTDB_NODE_CMD_SETIFACELINK:
	case CTDB_NODE_CMD_LISTVARS:
	case CTDB_NODE_CMD_IFACES:
	case CTDB_NODE_CMD_STOP:
	case CTDB_NODE_CMD_CONTINUE:
	case CTDB_NODE_CMD_SHUTDOWN:
	case CTDB_NODE_CMD_METRICS:
	case CTDB_NODE_CMD_ADDTICKLE:
	case CTDB_NODE_CMD_DELTICKLE:
	case CTDB_NODE_CMD_GETTICKLES:
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
static int request_wire_len(const void *data, size_t *plen)
{
	const struct ctdb_node_request *in = data;
	size_t len = REQUEST_FIXED_LEN;

	switch (in->cmd) {
	case CTDB_NODE_CMD_GETVAR:
		if (in->data.name == NULL) {
			return EINVAL;
		}
		len = ctdb_len_add(len, ctdb_stringn_len(in->data.name));
		break;
	case CTDB_NODE_CMD_SETVAR:
	case CTDB_NODE_CMD_SETIFACELINK:
		if (in->data.var == NULL || in->data.var->name == NULL) {
			return EINVAL;
		}
		len = ctdb_len_add(len, ctdb_stringn_len(in->data.var->name));
		len = ctdb_len_add(len, 4);
		break;
	case CTDB_NODE_CMD_ADDTICKLE:
	case CTDB_NODE_CMD_DELTICKLE:
		return ctdb_tickle_list_add_len(len, in->data.tickles, plen);
	case CTDB_NODE_CMD_GETTICKLES:
		return ctdb_tickle_endpoint_add_len(len, in->data.addr, plen);
	default:
		if (!command_is_valid(in->cmd)) {
			return EINVAL;
		}
		break;
	}

	*plen = len;
	return 0;
}

static void request_push_body(const void *data, uint8_t *buf,
			      size_t *offset)
{
	const struct ctdb_node_request *in = data;

	ctdb_push_u32(buf, offset, in->cmd);

	switch (in->cmd) {
	case CTDB_NODE_CMD_GETVAR:
		ctdb_push_stringn(buf, offset, in->data.name);
		break;
	case CTDB_NODE_CMD_SETVAR:
	case CTDB_NODE_CMD_SETIFACELINK:
		ctdb_push_stringn(buf, offset, in->data.var->name);
		ctdb_push_u32(buf, offset, in->data.var->value);
		break;
	case CTDB_NODE_CMD_ADDTICKLE:
	case CTDB_NODE_CMD_DELTICKLE:
		ctdb_tickle_list_push(buf, offset, in->data.tickles);
		break;
	case CTDB_NODE_CMD_GETTICKLES:
		ctdb_tickle_endpoint_push(buf, offset, in->data.addr);
		break;
	default:
		break;
	}
}

static int request_setvar_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			       struct ctdb_var **out)
{
	struct ctdb_var *var;
	int ret;

	var = talloc_zero(mem_ctx, struct ctdb_var);
	if (var == NULL) {
		return ENOMEM;
	}
	ret = ctdb_pull_stringn_required(c, var, &var->name);
	if (ret != 0) {
		goto fail;
	}
	ret = ctdb_pull_u32(c, &var->value);
	if (ret != 0) {
		goto fail;
	}
	*out = var;
	return 0;

fail:
	talloc_free(var);
	return ret;
}

static int request_msg_pull(struct ctdb_pull_cursor *c, uint32_t cmd,
			    TALLOC_CTX *mem_ctx, void **out)
{
	struct ctdb_node_request *req;
	int ret = 0;

	req = talloc_zero(mem_ctx, struct ctdb_node_request);
	if (req == NULL) {
		return ENOMEM;
	}
	req->cmd = cmd;

	switch (cmd) {
	case CTDB_NODE_CMD_GETVAR:
		ret = ctdb_pull_stringn_required(c, req, &req->data.name);
		break;
	case CTDB_NODE_CMD_SETVAR:
	case CTDB_NODE_CMD_SETIFACELINK:
		ret = request_setvar_pull(c, req, &req->data.var);
		break;
	case CTDB_NODE_CMD_ADDTICKLE:
	case CTDB_NODE_CMD_DELTICKLE:
		ret = ctdb_tickle_list_pull(c, req, &req->data.tickles);
		break;
	case CTDB_NODE_CMD_GETTICKLES:
		ret = ctdb_tickle_endpoint_pull_new(c, req, &req->data.addr);
		break;
	default:
		break;
	}
	if (ret != 0) {
		talloc_free(req);
		return ret;
	}
	*out = req;
	return 0;
}

static const struct ctdb_msg_ops node_request_ops = {
	.wire_len = request_wire_len,
	.push_body = request_push_body,
	.command_is_valid = command_is_valid,
	.pull_body = request_msg_pull,
};

/* Returns 0 for a request that cannot be encoded; push says why. */
size_t ctdb_node_request_len(const struct ctdb_event_header *h,
			     const struct ctdb_node_request *in)
{
	return ctdb_msg_len(&node_request_ops, in);
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
	return ctdb_msg_push(&node_request_ops, h, in, buf, buflen);
}

int ctdb_node_request_pull(const uint8_t *buf, size_t buflen,
			   struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			   struct ctdb_node_request **out)
{
	void *msg = NULL;
	int ret;

	ret = ctdb_msg_pull(&node_request_ops, buf, buflen, h, mem_ctx, &msg);
	if (ret != 0) {
		return ret;
	}
	*out = msg;
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
	case CTDB_NODE_CMD_IFACES:
	case CTDB_NODE_CMD_METRICS:
	case CTDB_NODE_CMD_GETTICKLES:
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
		len = ctdb_len_add(len, 4 + 4);
		len = ctdb_len_add(len, ctdb_stringn_len(node->address));
		len = ctdb_len_add(len, ctdb_stringn_len(node->reason));
	}
	len = ctdb_len_add(len, ctdb_stringn_len(st->why_out));
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
		len = ctdb_len_add(len, ctdb_stringn_len(ip->address));
		len = ctdb_len_add(len, 4);
		len = ctdb_len_add(len, ctdb_stringn_len(ip->ifaces));
		len = ctdb_len_add(len, 4);
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
		len = ctdb_len_add(len, ctdb_stringn_len(vars->var[i].name));
		len = ctdb_len_add(len, 4);
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
	case CTDB_NODE_CMD_IFACES:
		return vars_wire_len(in->data.vars, plen);
	case CTDB_NODE_CMD_METRICS:
		if (in->data.text == NULL) {
			return EINVAL;
		}
		*plen = ctdb_stringn_len(in->data.text);
		return 0;
	case CTDB_NODE_CMD_GETTICKLES:
		return ctdb_tickle_list_add_len(0, in->data.tickles, plen);
	}
	*plen = 0;
	return 0;
}

static int reply_wire_len(const void *data, size_t *plen)
{
	const struct ctdb_node_reply *in = data;
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
		len = ctdb_len_add(len, body_len);
	}

	*plen = len;
	return 0;
}

static void push_status(uint8_t *buf, size_t *offset,
			const struct ctdb_node_status *st)
{
	uint32_t i;

	ctdb_push_u32(buf, offset, st->this_pnn);
	ctdb_push_u32(buf, offset, st->runstate);
	ctdb_push_u32(buf, offset, st->recovery_mode);
	ctdb_push_u32(buf, offset, st->leader);
	ctdb_push_u32(buf, offset, st->num_nodes);
	for (i = 0; i < st->num_nodes; i++) {
		ctdb_push_u32(buf, offset, st->nodes[i].pnn);
		ctdb_push_u32(buf, offset, st->nodes[i].flags);
		ctdb_push_stringn(buf, offset, st->nodes[i].address);
		ctdb_push_stringn(buf, offset, st->nodes[i].reason);
	}
	ctdb_push_stringn(buf, offset, st->why_out);
}

static void push_ips(uint8_t *buf, size_t *offset,
		     const struct ctdb_public_ip_list *ips)
{
	uint32_t i;

	ctdb_push_u32(buf, offset, ips->num);
	for (i = 0; i < ips->num; i++) {
		ctdb_push_stringn(buf, offset, ips->ip[i].address);
		ctdb_push_u32(buf, offset, ips->ip[i].bits);
		ctdb_push_stringn(buf, offset, ips->ip[i].ifaces);
		ctdb_push_i32(buf, offset, ips->ip[i].pnn);
	}
}

static void push_vars(uint8_t *buf, size_t *offset,
		      const struct ctdb_var_list *vars)
{
	uint32_t i;

	ctdb_push_u32(buf, offset, vars->num);
	for (i = 0; i < vars->num; i++) {
		ctdb_push_stringn(buf, offset, vars->var[i].name);
		ctdb_push_u32(buf, offset, vars->var[i].value);
	}
}

static void reply_push_body(const void *data, uint8_t *buf, size_t *offset)
{
	const struct ctdb_node_reply *in = data;
	bool has_body;

	ctdb_push_u32(buf, offset, in->cmd);
	ctdb_push_i32(buf, offset, in->result);

	has_body = reply_has_body(in);
	if (!has_body) {
		return;
	}
	switch (in->cmd) {
	case CTDB_NODE_CMD_STATUS:
		push_status(buf, offset, in->data.status);
		break;
	case CTDB_NODE_CMD_RUNSTATE:
		ctdb_push_u32(buf, offset, in->data.runstate);
		break;
	case CTDB_NODE_CMD_IPS:
		push_ips(buf, offset, in->data.ips);
		break;
	case CTDB_NODE_CMD_GETVAR:
		ctdb_push_u32(buf, offset, in->data.value);
		break;
	case CTDB_NODE_CMD_LISTVARS:
	case CTDB_NODE_CMD_IFACES:
		push_vars(buf, offset, in->data.vars);
		break;
	case CTDB_NODE_CMD_METRICS:
		ctdb_push_stringn(buf, offset, in->data.text);
		break;
	case CTDB_NODE_CMD_GETTICKLES:
		ctdb_tickle_list_push(buf, offset, in->data.tickles);
		break;
	}
}

static int node_info_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			  void *elem)
{
	struct ctdb_node_info *node = elem;
	int ret;

	ret = ctdb_pull_u32(c, &node->pnn);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_u32(c, &node->flags);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_stringn_required(c, mem_ctx, &node->address);
	if (ret != 0) {
		return ret;
	}
	return ctdb_pull_stringn(c, mem_ctx, &node->reason);
}

/* The fixed part of a status: everything before the node list. */
static int status_fixed_pull(struct ctdb_pull_cursor *c,
			     struct ctdb_node_status *st)
{
	int ret;

	ret = ctdb_pull_u32(c, &st->this_pnn);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_u32(c, &st->runstate);
	if (ret != 0) {
		return ret;
	}
	if (!runstate_is_valid(st->runstate)) {
		return EINVAL;
	}
	ret = ctdb_pull_u32(c, &st->recovery_mode);
	if (ret != 0) {
		return ret;
	}
	if (st->recovery_mode > RECOVERY_MODE_MAX) {
		return EINVAL;
	}
	return ctdb_pull_u32(c, &st->leader);
}

/* With 0 nodes, st->nodes is NULL. */
static int status_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		       struct ctdb_node_status **out)
{
	struct ctdb_node_status *st;
	void *nodes = NULL;
	int ret;

	st = talloc_zero(mem_ctx, struct ctdb_node_status);
	if (st == NULL) {
		return ENOMEM;
	}
	ret = status_fixed_pull(c, st);
	if (ret != 0) {
		goto fail;
	}
	ret = ctdb_pull_array(c, st, NODE_MIN_WIRE_LEN,
			      sizeof(struct ctdb_node_info),
			      "struct ctdb_node_info", node_info_pull,
			      &st->num_nodes, &nodes);
	if (ret != 0) {
		goto fail;
	}
	st->nodes = nodes;
	ret = ctdb_pull_stringn(c, st, &st->why_out);
	if (ret != 0) {
		goto fail;
	}
	*out = st;
	return 0;

fail:
	talloc_free(st);
	return ret;
}

static int ip_info_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			void *elem)
{
	struct ctdb_public_ip_info *ip = elem;
	int ret;

	ret = ctdb_pull_stringn_required(c, mem_ctx, &ip->address);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_u32(c, &ip->bits);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_stringn(c, mem_ctx, &ip->ifaces);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_i32(c, &ip->pnn);
	if (ret != 0) {
		return ret;
	}
	if (!ip_pnn_is_valid(ip->pnn)) {
		return EINVAL;
	}
	return 0;
}

/* With 0 addresses, ips->ip is NULL. */
static int ips_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		    struct ctdb_public_ip_list **out)
{
	struct ctdb_public_ip_list *ips;
	void *ip = NULL;
	int ret;

	ips = talloc_zero(mem_ctx, struct ctdb_public_ip_list);
	if (ips == NULL) {
		return ENOMEM;
	}
	ret = ctdb_pull_array(c, ips, IP_MIN_WIRE_LEN,
			      sizeof(struct ctdb_public_ip_info),
			      "struct ctdb_public_ip_info", ip_info_pull,
			      &ips->num, &ip);
	if (ret != 0) {
		talloc_free(ips);
		return ret;
	}
	ips->ip = ip;
	*out = ips;
	return 0;
}

static int var_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		    void *elem)
{
	struct ctdb_var *var = elem;
	int ret;

	ret = ctdb_pull_stringn_required(c, mem_ctx, &var->name);
	if (ret != 0) {
		return ret;
	}
	return ctdb_pull_u32(c, &var->value);
}

/* With 0 tunables, vars->var is NULL. */
static int vars_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		     struct ctdb_var_list **out)
{
	struct ctdb_var_list *vars;
	void *var = NULL;
	int ret;

	vars = talloc_zero(mem_ctx, struct ctdb_var_list);
	if (vars == NULL) {
		return ENOMEM;
	}
	ret = ctdb_pull_array(c, vars, VAR_MIN_WIRE_LEN,
			      sizeof(struct ctdb_var), "struct ctdb_var",
			      var_pull, &vars->num, &var);
	if (ret != 0) {
		talloc_free(vars);
		return ret;
	}
	vars->var = var;
	*out = vars;
	return 0;
}

static int runstate_pull(struct ctdb_pull_cursor *c, uint32_t *runstate)
{
	uint32_t v;
	int ret;

	ret = ctdb_pull_u32(c, &v);
	if (ret != 0) {
		return ret;
	}
	if (!runstate_is_valid(v)) {
		return EINVAL;
	}
	*runstate = v;
	return 0;
}

static int reply_body_pull(struct ctdb_pull_cursor *c,
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
		return ctdb_pull_u32(c, &reply->data.value);
	case CTDB_NODE_CMD_LISTVARS:
	case CTDB_NODE_CMD_IFACES:
		return vars_pull(c, reply, &reply->data.vars);
	case CTDB_NODE_CMD_METRICS:
		return ctdb_pull_stringn_required(c, reply,
						  &reply->data.text);
	case CTDB_NODE_CMD_GETTICKLES:
		return ctdb_tickle_list_pull(c, reply, &reply->data.tickles);
	}
	return 0;
}

static int reply_msg_pull(struct ctdb_pull_cursor *c, uint32_t cmd,
			  TALLOC_CTX *mem_ctx, void **out)
{
	struct ctdb_node_reply *reply;
	int32_t result;
	int ret;

	ret = ctdb_pull_i32(c, &result);
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
		ret = reply_body_pull(c, reply);
		if (ret != 0) {
			talloc_free(reply);
			return ret;
		}
	}
	*out = reply;
	return 0;
}

static const struct ctdb_msg_ops node_reply_ops = {
	.wire_len = reply_wire_len,
	.push_body = reply_push_body,
	.command_is_valid = command_is_valid,
	.pull_body = reply_msg_pull,
};

/* Returns 0 for a reply that cannot be encoded; push says why. */
size_t ctdb_node_reply_len(const struct ctdb_event_header *h,
			   const struct ctdb_node_reply *in)
{
	return ctdb_msg_len(&node_reply_ops, in);
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
	return ctdb_msg_push(&node_reply_ops, h, in, buf, buflen);
}

int ctdb_node_reply_pull(const uint8_t *buf, size_t buflen,
			 struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			 struct ctdb_node_reply **out)
{
	void *msg = NULL;
	int ret;

	ret = ctdb_msg_pull(&node_reply_ops, buf, buflen, h, mem_ctx, &msg);
	if (ret != 0) {
		return ret;
	}
	*out = msg;
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
	return ctdb_msg_marshall(&node_request_ops, mem_ctx, h, in, pbuf,
				 pbuflen);
}

/* Besides ENOMEM, passes on push's EINVAL and EOVERFLOW. */
int ctdb_node_reply_marshall(TALLOC_CTX *mem_ctx, struct ctdb_event_header *h,
			     const struct ctdb_node_reply *in, uint8_t **pbuf,
			     size_t *pbuflen)
{
	return ctdb_msg_marshall(&node_reply_ops, mem_ctx, h, in, pbuf,
				 pbuflen);
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
