/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of event protocol requests and replies: no I/O, no logging. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "protocol/event_protocol_api.h"
#include "protocol/protocol_basic.h"

/* Header plus the u32 cmd that follows it in every message. */
#define REQUEST_FIXED_LEN (CTDB_EVENT_HEADER_LEN + 4)

/* Header, u32 cmd and i32 result: the whole of every reply but STATUS. */
#define REPLY_FIXED_LEN (CTDB_EVENT_HEADER_LEN + 4 + 4)

/*
 * The smallest possible script record: NULL name, begin, end, result,
 * NULL output. A peer's num_scripts is checked against this before any
 * allocation, so a forged count can never make us allocate more than the
 * packet itself could describe.
 */
#define SCRIPT_MIN_WIRE_LEN \
	(4 + CTDB_TIMEVAL_WIRE_LEN + CTDB_TIMEVAL_WIRE_LEN + 4 + 4)

static bool command_is_valid(uint32_t cmd)
{
	switch (cmd) {
	case CTDB_EVENT_CMD_RUN:
	case CTDB_EVENT_CMD_STATUS:
	case CTDB_EVENT_CMD_SCRIPT:
	case CTDB_EVENT_CMD_HISTORY:
	case CTDB_EVENT_CMD_METRICS:
	case CTDB_EVENT_CMD_RUN_INPUT:
		return true;
	}
	return false;
}

static bool input_is_valid(const char *input)
{
	return input == NULL || strlen(input) <= CTDB_EVENT_INPUT_MAX;
}

static size_t run_wire_len(const struct ctdb_event_request_run *run)
{
	size_t len = 0;

	len = ctdb_len_add(len, ctdb_stringn_len(run->component));
	len = ctdb_len_add(len, ctdb_stringn_len(run->event));
	len = ctdb_len_add(len, ctdb_stringn_len(run->args));
	return ctdb_len_add(len, 4 + 4);
}

static void run_push(uint8_t *buf, size_t *offset,
		     const struct ctdb_event_request_run *run)
{
	ctdb_push_stringn(buf, offset, run->component);
	ctdb_push_stringn(buf, offset, run->event);
	ctdb_push_stringn(buf, offset, run->args);
	ctdb_push_u32(buf, offset, run->timeout);
	ctdb_push_u32(buf, offset, run->flags);
}

static bool action_is_valid(uint32_t action)
{
	switch (action) {
	case CTDB_EVENT_SCRIPT_DISABLE:
	case CTDB_EVENT_SCRIPT_ENABLE:
		return true;
	}
	return false;
}

/*
 * The header is only decoded here, not checked against buflen, so that a
 * reader can look at the length and reqid of a packet it has not finished
 * validating. The request and reply pulls do the strict checks.
 */
int ctdb_event_header_pull(const uint8_t *buf, size_t buflen,
			   struct ctdb_event_header *h)
{
	return ctdb_header_pull(buf, buflen, h);
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
	const struct ctdb_event_request *in = data;
	size_t len = REQUEST_FIXED_LEN;

	switch (in->cmd) {
	case CTDB_EVENT_CMD_RUN: {
		const struct ctdb_event_request_run *run = in->data.run;

		if (run == NULL) {
			return EINVAL;
		}
		len = ctdb_len_add(len, run_wire_len(run));
		break;
	}
	case CTDB_EVENT_CMD_RUN_INPUT: {
		const struct ctdb_event_request_run_input *ri =
			in->data.run_input;

		if (ri == NULL || !input_is_valid(ri->input)) {
			return EINVAL;
		}
		len = ctdb_len_add(len, run_wire_len(&ri->run));
		len = ctdb_len_add(len, ctdb_stringn_len(ri->input));
		break;
	}
	case CTDB_EVENT_CMD_STATUS: {
		const struct ctdb_event_request_status *status =
			in->data.status;

		if (status == NULL) {
			return EINVAL;
		}
		len = ctdb_len_add(len, ctdb_stringn_len(status->component));
		len = ctdb_len_add(len, ctdb_stringn_len(status->event));
		break;
	}
	case CTDB_EVENT_CMD_SCRIPT: {
		const struct ctdb_event_request_script *script =
			in->data.script;

		if (script == NULL) {
			return EINVAL;
		}
		if (!action_is_valid(script->action)) {
			return EINVAL;
		}
		len = ctdb_len_add(len, ctdb_stringn_len(script->component));
		len = ctdb_len_add(len, ctdb_stringn_len(script->script));
		len = ctdb_len_add(len, 4);
		break;
	}
	case CTDB_EVENT_CMD_HISTORY: {
		const struct ctdb_event_request_status *history =
			in->data.history;

		/* Unlike STATUS (CTDB's), both names are required. */
		if (history == NULL || history->component == NULL ||
		    history->event == NULL) {
			return EINVAL;
		}
		len = ctdb_len_add(len, ctdb_stringn_len(history->component));
		len = ctdb_len_add(len, ctdb_stringn_len(history->event));
		break;
	}
	case CTDB_EVENT_CMD_METRICS:
		break;
	default:
		return EINVAL;
	}

	*plen = len;
	return 0;
}

static void request_push_body(const void *data, uint8_t *buf,
			      size_t *offset)
{
	const struct ctdb_event_request *in = data;

	ctdb_push_u32(buf, offset, in->cmd);

	switch (in->cmd) {
	case CTDB_EVENT_CMD_RUN:
		run_push(buf, offset, in->data.run);
		break;
	case CTDB_EVENT_CMD_RUN_INPUT:
		run_push(buf, offset, &in->data.run_input->run);
		ctdb_push_stringn(buf, offset, in->data.run_input->input);
		break;
	case CTDB_EVENT_CMD_STATUS:
		ctdb_push_stringn(buf, offset, in->data.status->component);
		ctdb_push_stringn(buf, offset, in->data.status->event);
		break;
	case CTDB_EVENT_CMD_SCRIPT:
		ctdb_push_stringn(buf, offset, in->data.script->component);
		ctdb_push_stringn(buf, offset, in->data.script->script);
		ctdb_push_u32(buf, offset, in->data.script->action);
		break;
	case CTDB_EVENT_CMD_HISTORY:
		ctdb_push_stringn(buf, offset, in->data.history->component);
		ctdb_push_stringn(buf, offset, in->data.history->event);
		break;
	}
}

/* The RUN fields; strings hang off mem_ctx, which the caller frees. */
static int run_fields_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			   struct ctdb_event_request_run *run)
{
	int ret;

	ret = ctdb_pull_stringn(c, mem_ctx, &run->component);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_stringn(c, mem_ctx, &run->event);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_stringn(c, mem_ctx, &run->args);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_u32(c, &run->timeout);
	if (ret != 0) {
		return ret;
	}
	return ctdb_pull_u32(c, &run->flags);
}

static int request_run_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			    struct ctdb_event_request_run **out)
{
	struct ctdb_event_request_run *run;
	int ret;

	run = talloc_zero(mem_ctx, struct ctdb_event_request_run);
	if (run == NULL) {
		return ENOMEM;
	}
	ret = run_fields_pull(c, run, run);
	if (ret != 0) {
		talloc_free(run);
		return ret;
	}
	*out = run;
	return 0;
}

/*
 * The input's length is checked before its bytes are copied, so a
 * forged length costs nothing; too long is EINVAL, as an unknown value.
 */
static int request_run_input_pull(struct ctdb_pull_cursor *c,
				  TALLOC_CTX *mem_ctx,
				  struct ctdb_event_request_run_input **out)
{
	struct ctdb_event_request_run_input *ri;
	uint32_t n = 0;
	size_t save;
	int ret;

	ri = talloc_zero(mem_ctx, struct ctdb_event_request_run_input);
	if (ri == NULL) {
		return ENOMEM;
	}
	ret = run_fields_pull(c, ri, &ri->run);
	if (ret != 0) {
		goto fail;
	}
	save = c->offset;
	ret = ctdb_pull_u32(c, &n);
	if (ret != 0) {
		goto fail;
	}
	c->offset = save;
	if (n > CTDB_EVENT_INPUT_MAX + 1) {
		ret = EINVAL;
		goto fail;
	}
	ret = ctdb_pull_stringn(c, ri, &ri->input);
	if (ret != 0) {
		goto fail;
	}
	*out = ri;
	return 0;

fail:
	talloc_free(ri);
	return ret;
}

static int request_status_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			       struct ctdb_event_request_status **out)
{
	struct ctdb_event_request_status *status;
	int ret;

	status = talloc_zero(mem_ctx, struct ctdb_event_request_status);
	if (status == NULL) {
		return ENOMEM;
	}
	ret = ctdb_pull_stringn(c, status, &status->component);
	if (ret != 0) {
		goto fail;
	}
	ret = ctdb_pull_stringn(c, status, &status->event);
	if (ret != 0) {
		goto fail;
	}
	*out = status;
	return 0;

fail:
	talloc_free(status);
	return ret;
}

static int request_history_pull(struct ctdb_pull_cursor *c,
				TALLOC_CTX *mem_ctx,
				struct ctdb_event_request_status **out)
{
	struct ctdb_event_request_status *history;
	int ret;

	history = talloc_zero(mem_ctx, struct ctdb_event_request_status);
	if (history == NULL) {
		return ENOMEM;
	}
	ret = ctdb_pull_stringn_required(c, history, &history->component);
	if (ret != 0) {
		goto fail;
	}
	ret = ctdb_pull_stringn_required(c, history, &history->event);
	if (ret != 0) {
		goto fail;
	}
	*out = history;
	return 0;

fail:
	talloc_free(history);
	return ret;
}

static int request_script_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			       struct ctdb_event_request_script **out)
{
	struct ctdb_event_request_script *script;
	int ret;

	script = talloc_zero(mem_ctx, struct ctdb_event_request_script);
	if (script == NULL) {
		return ENOMEM;
	}
	ret = ctdb_pull_stringn(c, script, &script->component);
	if (ret != 0) {
		goto fail;
	}
	ret = ctdb_pull_stringn(c, script, &script->script);
	if (ret != 0) {
		goto fail;
	}
	ret = ctdb_pull_u32(c, &script->action);
	if (ret != 0) {
		goto fail;
	}
	if (!action_is_valid(script->action)) {
		ret = EINVAL;
		goto fail;
	}
	*out = script;
	return 0;

fail:
	talloc_free(script);
	return ret;
}

static int request_body_pull(struct ctdb_pull_cursor *c, uint32_t cmd,
			     TALLOC_CTX *mem_ctx, void **out)
{
	struct ctdb_event_request *req;
	int ret = 0;

	req = talloc_zero(mem_ctx, struct ctdb_event_request);
	if (req == NULL) {
		return ENOMEM;
	}
	req->cmd = cmd;

	switch (cmd) {
	case CTDB_EVENT_CMD_RUN:
		ret = request_run_pull(c, req, &req->data.run);
		break;
	case CTDB_EVENT_CMD_RUN_INPUT:
		ret = request_run_input_pull(c, req, &req->data.run_input);
		break;
	case CTDB_EVENT_CMD_STATUS:
		ret = request_status_pull(c, req, &req->data.status);
		break;
	case CTDB_EVENT_CMD_SCRIPT:
		ret = request_script_pull(c, req, &req->data.script);
		break;
	case CTDB_EVENT_CMD_HISTORY:
		ret = request_history_pull(c, req, &req->data.history);
		break;
	}
	if (ret != 0) {
		talloc_free(req);
		return ret;
	}
	*out = req;
	return 0;
}

static const struct ctdb_msg_ops event_request_ops = {
	.wire_len = request_wire_len,
	.push_body = request_push_body,
	.command_is_valid = command_is_valid,
	.pull_body = request_body_pull,
};

/* Returns 0 for a request that cannot be encoded; push says why. */
size_t ctdb_event_request_len(const struct ctdb_event_header *h,
			      const struct ctdb_event_request *in)
{
	return ctdb_msg_len(&event_request_ops, in);
}

/*
 * On success *buflen is set to the number of bytes written. Besides
 * EMSGSIZE this fails with EINVAL for an unknown cmd, a missing body or a
 * bad action, and with EOVERFLOW when the message exceeds 4 GiB.
 */
int ctdb_event_request_push(struct ctdb_event_header *h,
			    const struct ctdb_event_request *in, uint8_t *buf,
			    size_t *buflen)
{
	return ctdb_msg_push(&event_request_ops, h, in, buf, buflen);
}

int ctdb_event_request_pull(const uint8_t *buf, size_t buflen,
			    struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			    struct ctdb_event_request **out)
{
	void *msg = NULL;
	int ret;

	ret = ctdb_msg_pull(&event_request_ops, buf, buflen, h, mem_ctx, &msg);
	if (ret != 0) {
		return ret;
	}
	*out = msg;
	return 0;
}

/*
 * Replies
 */

static bool reply_has_body(const struct ctdb_event_reply *in)
{
	return in->cmd == CTDB_EVENT_CMD_STATUS && in->result == 0;
}

/* HISTORY and METRICS answer with one string when they succeed. */
static bool reply_has_text(const struct ctdb_event_reply *in)
{
	return (in->cmd == CTDB_EVENT_CMD_HISTORY ||
		in->cmd == CTDB_EVENT_CMD_METRICS) &&
	       in->result == 0;
}

static int script_list_wire_len(const struct ctdb_event_script_list *list,
				size_t *plen)
{
	size_t len = 4; /* num_scripts */
	int32_t i;

	/* No list encodes as an empty one, which is what it means. */
	if (list == NULL) {
		*plen = len;
		return 0;
	}
	if (list->num_scripts < 0) {
		return EINVAL;
	}
	if (list->num_scripts > 0 && list->script == NULL) {
		return EINVAL;
	}
	for (i = 0; i < list->num_scripts; i++) {
		const struct ctdb_event_script *s = &list->script[i];

		len = ctdb_len_add(len, ctdb_stringn_len(s->name));
		len = ctdb_len_add(len, CTDB_TIMEVAL_WIRE_LEN +
					CTDB_TIMEVAL_WIRE_LEN + 4);
		len = ctdb_len_add(len, ctdb_stringn_len(s->output));
	}
	*plen = len;
	return 0;
}

static int reply_wire_len(const void *data, size_t *plen)
{
	const struct ctdb_event_reply *in = data;
	size_t len = REPLY_FIXED_LEN;
	size_t list_len = 0;
	int ret;

	if (!command_is_valid(in->cmd)) {
		return EINVAL;
	}
	if (reply_has_body(in)) {
		if (in->data.status == NULL) {
			return EINVAL;
		}
		ret = script_list_wire_len(in->data.status->script_list,
					   &list_len);
		if (ret != 0) {
			return ret;
		}
		len = ctdb_len_add(len, 4); /* summary */
		len = ctdb_len_add(len, list_len);
	}
	if (reply_has_text(in)) {
		if (in->data.text == NULL) {
			return EINVAL;
		}
		len = ctdb_len_add(len, ctdb_stringn_len(in->data.text));
	}

	*plen = len;
	return 0;
}

static void reply_push_body(const void *data, uint8_t *buf, size_t *offset)
{
	const struct ctdb_event_reply *in = data;
	const struct ctdb_event_script_list *list;
	int32_t i;

	ctdb_push_u32(buf, offset, in->cmd);
	ctdb_push_i32(buf, offset, in->result);

	if (reply_has_text(in)) {
		ctdb_push_stringn(buf, offset, in->data.text);
		return;
	}
	if (!reply_has_body(in)) {
		return;
	}
	ctdb_push_i32(buf, offset, in->data.status->summary);
	list = in->data.status->script_list;
	if (list == NULL) {
		ctdb_push_i32(buf, offset, 0);
		return;
	}
	ctdb_push_i32(buf, offset, list->num_scripts);
	for (i = 0; i < list->num_scripts; i++) {
		const struct ctdb_event_script *s = &list->script[i];

		ctdb_push_stringn(buf, offset, s->name);
		ctdb_push_timeval(buf, offset, &s->begin);
		ctdb_push_timeval(buf, offset, &s->end);
		ctdb_push_i32(buf, offset, s->result);
		ctdb_push_stringn(buf, offset, s->output);
	}
}

static int script_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		       void *elem)
{
	struct ctdb_event_script *s = elem;
	int ret;

	ret = ctdb_pull_stringn(c, mem_ctx, &s->name);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_timeval(c, &s->begin);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_timeval(c, &s->end);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_i32(c, &s->result);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_stringn(c, mem_ctx, &s->output);
	if (ret != 0) {
		return ret;
	}
	return 0;
}

/* With 0 scripts, list->script is NULL. */
static int script_list_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			    struct ctdb_event_script_list **out)
{
	struct ctdb_event_script_list *list;
	void *scripts = NULL;
	uint32_t num = 0;
	int ret;

	list = talloc_zero(mem_ctx, struct ctdb_event_script_list);
	if (list == NULL) {
		return ENOMEM;
	}
	/*
	 * A negative i32 count reads as a u32 far beyond what the packet can
	 * hold, so it is refused as the other bad counts are.
	 */
	ret = ctdb_pull_array(c, list, SCRIPT_MIN_WIRE_LEN,
			      sizeof(struct ctdb_event_script),
			      "struct ctdb_event_script", script_pull, &num,
			      &scripts);
	if (ret != 0) {
		talloc_free(list);
		return ret;
	}
	list->num_scripts = (int32_t)num;
	list->script = scripts;
	*out = list;
	return 0;
}

static int reply_status_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			     struct ctdb_event_reply_status **out)
{
	struct ctdb_event_reply_status *status;
	int ret;

	status = talloc_zero(mem_ctx, struct ctdb_event_reply_status);
	if (status == NULL) {
		return ENOMEM;
	}
	ret = ctdb_pull_i32(c, &status->summary);
	if (ret != 0) {
		goto fail;
	}
	ret = script_list_pull(c, status, &status->script_list);
	if (ret != 0) {
		goto fail;
	}
	*out = status;
	return 0;

fail:
	talloc_free(status);
	return ret;
}

static int reply_body_pull(struct ctdb_pull_cursor *c, uint32_t cmd,
			   TALLOC_CTX *mem_ctx, void **out)
{
	struct ctdb_event_reply *reply;
	int32_t result;
	int ret;

	ret = ctdb_pull_i32(c, &result);
	if (ret != 0) {
		return ret;
	}

	reply = talloc_zero(mem_ctx, struct ctdb_event_reply);
	if (reply == NULL) {
		return ENOMEM;
	}
	reply->cmd = cmd;
	reply->result = result;

	if (reply_has_body(reply)) {
		ret = reply_status_pull(c, reply, &reply->data.status);
		if (ret != 0) {
			talloc_free(reply);
			return ret;
		}
	}
	if (reply_has_text(reply)) {
		ret = ctdb_pull_stringn_required(c, reply, &reply->data.text);
		if (ret != 0) {
			talloc_free(reply);
			return ret;
		}
	}
	*out = reply;
	return 0;
}

static const struct ctdb_msg_ops event_reply_ops = {
	.wire_len = reply_wire_len,
	.push_body = reply_push_body,
	.command_is_valid = command_is_valid,
	.pull_body = reply_body_pull,
};

/* Returns 0 for a reply that cannot be encoded; push says why. */
size_t ctdb_event_reply_len(const struct ctdb_event_header *h,
			    const struct ctdb_event_reply *in)
{
	return ctdb_msg_len(&event_reply_ops, in);
}

/*
 * On success *buflen is set to the number of bytes written. Besides
 * EMSGSIZE this fails with EINVAL for an unknown cmd, a successful STATUS
 * without a body or a bad script list, a successful HISTORY or METRICS
 * without text, and with EOVERFLOW when the message exceeds 4 GiB. data
 * is ignored unless result is 0 for STATUS, HISTORY or METRICS, as on
 * the wire.
 */
int ctdb_event_reply_push(struct ctdb_event_header *h,
			  const struct ctdb_event_reply *in, uint8_t *buf,
			  size_t *buflen)
{
	return ctdb_msg_push(&event_reply_ops, h, in, buf, buflen);
}

int ctdb_event_reply_pull(const uint8_t *buf, size_t buflen,
			  struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			  struct ctdb_event_reply **out)
{
	void *msg = NULL;
	int ret;

	ret = ctdb_msg_pull(&event_reply_ops, buf, buflen, h, mem_ctx, &msg);
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
int ctdb_event_request_marshall(TALLOC_CTX *mem_ctx,
				struct ctdb_event_header *h,
				const struct ctdb_event_request *in,
				uint8_t **pbuf, size_t *pbuflen)
{
	return ctdb_msg_marshall(&event_request_ops, mem_ctx, h, in, pbuf,
				 pbuflen);
}

/* Besides ENOMEM, passes on push's EINVAL and EOVERFLOW. */
int ctdb_event_reply_marshall(TALLOC_CTX *mem_ctx, struct ctdb_event_header *h,
			      const struct ctdb_event_reply *in,
			      uint8_t **pbuf, size_t *pbuflen)
{
	return ctdb_msg_marshall(&event_reply_ops, mem_ctx, h, in, pbuf,
				 pbuflen);
}

const char *ctdb_event_command_to_string(uint32_t cmd)
{
	switch (cmd) {
	case CTDB_EVENT_CMD_RUN:
		return "RUN";
	case CTDB_EVENT_CMD_STATUS:
		return "STATUS";
	case CTDB_EVENT_CMD_SCRIPT:
		return "SCRIPT";
	case CTDB_EVENT_CMD_HISTORY:
		return "HISTORY";
	case CTDB_EVENT_CMD_METRICS:
		return "METRICS";
	case CTDB_EVENT_CMD_RUN_INPUT:
		return "RUN_INPUT";
	}
	return "UNKNOWN";
}
