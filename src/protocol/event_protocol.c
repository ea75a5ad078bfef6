/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of event protocol requests and replies: no I/O, no logging. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "protocol/event_protocol_api.h"

/* A timeval is two int64 on the wire, whatever the host's time_t is. */
#define TIMEVAL_WIRE_LEN 16

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
#define SCRIPT_MIN_WIRE_LEN (4 + TIMEVAL_WIRE_LEN + TIMEVAL_WIRE_LEN + 4 + 4)

/*
 * Lengths saturate at SIZE_MAX instead of wrapping, so that an absurd
 * message (the same huge string referenced many times) is refused rather
 * than encoded into a short buffer.
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

static void push_i64(uint8_t *buf, size_t *offset, int64_t v)
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
	/* The length check in check_wire_len() guarantees n fits a u32. */
	n = strlen(s) + 1;
	push_u32(buf, offset, (uint32_t)n);
	memcpy(buf + *offset, s, n);
	*offset += n;
}

static void push_timeval(uint8_t *buf, size_t *offset,
			 const struct timeval *tv)
{
	push_i64(buf, offset, (int64_t)tv->tv_sec);
	push_i64(buf, offset, (int64_t)tv->tv_usec);
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

static int pull_u32(struct pull_cursor *c, uint32_t *v)
{
	if (c->len - c->offset < sizeof(*v)) {
		return EPROTO;
	}
	memcpy(v, c->buf + c->offset, sizeof(*v));
	c->offset += sizeof(*v);
	return 0;
}

static int pull_i32(struct pull_cursor *c, int32_t *v)
{
	if (c->len - c->offset < sizeof(*v)) {
		return EPROTO;
	}
	memcpy(v, c->buf + c->offset, sizeof(*v));
	c->offset += sizeof(*v);
	return 0;
}

static int pull_i64(struct pull_cursor *c, int64_t *v)
{
	if (c->len - c->offset < sizeof(*v)) {
		return EPROTO;
	}
	memcpy(v, c->buf + c->offset, sizeof(*v));
	c->offset += sizeof(*v);
	return 0;
}

/*
 * Unlike CTDB 4.17, which advances by strlen + 1 and so misparses the rest
 * of a packet whose string lacks its NUL or has an embedded one, a string
 * must occupy exactly its N bytes with its only NUL last.
 */
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
	if (c->len - c->offset < n) {
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

static int pull_timeval(struct pull_cursor *c, struct timeval *tv)
{
	int64_t sec;
	int64_t usec;
	int ret;

	ret = pull_i64(c, &sec);
	if (ret != 0) {
		return ret;
	}
	ret = pull_i64(c, &usec);
	if (ret != 0) {
		return ret;
	}
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = (suseconds_t)usec;
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
	case CTDB_EVENT_CMD_RUN:
	case CTDB_EVENT_CMD_STATUS:
	case CTDB_EVENT_CMD_SCRIPT:
		return true;
	}
	return false;
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
	struct ctdb_event_header hdr;
	struct pull_cursor c = {
		.buf = buf,
		.len = buflen,
		.offset = 0,
	};
	int ret;

	if (buflen < CTDB_EVENT_HEADER_LEN) {
		return EPROTO;
	}
	ret = pull_u32(&c, &hdr.length);
	if (ret != 0) {
		return ret;
	}
	ret = pull_u32(&c, &hdr.version);
	if (ret != 0) {
		return ret;
	}
	ret = pull_u32(&c, &hdr.reqid);
	if (ret != 0) {
		return ret;
	}
	*h = hdr;
	return 0;
}

/*
 * Requests
 */

/*
 * Computes the encoded size and, on the way, refuses what a strict peer
 * (including our own pull) would reject, so we never send it.
 */
static int request_wire_len(const struct ctdb_event_request *in,
			    size_t *plen)
{
	size_t len = REQUEST_FIXED_LEN;
	int ret;

	switch (in->cmd) {
	case CTDB_EVENT_CMD_RUN: {
		const struct ctdb_event_request_run *run = in->data.run;

		if (run == NULL) {
			return EINVAL;
		}
		len = len_add(len, stringn_len(run->component));
		len = len_add(len, stringn_len(run->event));
		len = len_add(len, stringn_len(run->args));
		len = len_add(len, 4 + 4);
		break;
	}
	case CTDB_EVENT_CMD_STATUS: {
		const struct ctdb_event_request_status *status =
			in->data.status;

		if (status == NULL) {
			return EINVAL;
		}
		len = len_add(len, stringn_len(status->component));
		len = len_add(len, stringn_len(status->event));
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
		len = len_add(len, stringn_len(script->component));
		len = len_add(len, stringn_len(script->script));
		len = len_add(len, 4);
		break;
	}
	default:
		return EINVAL;
	}

	ret = check_wire_len(len);
	if (ret != 0) {
		return ret;
	}
	*plen = len;
	return 0;
}

/* Returns 0 for a request that cannot be encoded; push says why. */
size_t ctdb_event_request_len(const struct ctdb_event_header *h,
			      const struct ctdb_event_request *in)
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
 * EMSGSIZE this fails with EINVAL for an unknown cmd, a missing body or a
 * bad action, and with EOVERFLOW when the message exceeds 4 GiB.
 */
int ctdb_event_request_push(struct ctdb_event_header *h,
			    const struct ctdb_event_request *in, uint8_t *buf,
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
	case CTDB_EVENT_CMD_RUN:
		push_stringn(buf, &offset, in->data.run->component);
		push_stringn(buf, &offset, in->data.run->event);
		push_stringn(buf, &offset, in->data.run->args);
		push_u32(buf, &offset, in->data.run->timeout);
		push_u32(buf, &offset, in->data.run->flags);
		break;
	case CTDB_EVENT_CMD_STATUS:
		push_stringn(buf, &offset, in->data.status->component);
		push_stringn(buf, &offset, in->data.status->event);
		break;
	case CTDB_EVENT_CMD_SCRIPT:
		push_stringn(buf, &offset, in->data.script->component);
		push_stringn(buf, &offset, in->data.script->script);
		push_u32(buf, &offset, in->data.script->action);
		break;
	}

	h->length = hdr.length;
	*buflen = offset;
	return 0;
}

static int request_run_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
			    struct ctdb_event_request_run **out)
{
	struct ctdb_event_request_run *run;
	int ret;

	run = talloc_zero(mem_ctx, struct ctdb_event_request_run);
	if (run == NULL) {
		return ENOMEM;
	}
	ret = pull_stringn(c, run, &run->component);
	if (ret != 0) {
		goto fail;
	}
	ret = pull_stringn(c, run, &run->event);
	if (ret != 0) {
		goto fail;
	}
	ret = pull_stringn(c, run, &run->args);
	if (ret != 0) {
		goto fail;
	}
	ret = pull_u32(c, &run->timeout);
	if (ret != 0) {
		goto fail;
	}
	ret = pull_u32(c, &run->flags);
	if (ret != 0) {
		goto fail;
	}
	*out = run;
	return 0;

fail:
	talloc_free(run);
	return ret;
}

static int request_status_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
			       struct ctdb_event_request_status **out)
{
	struct ctdb_event_request_status *status;
	int ret;

	status = talloc_zero(mem_ctx, struct ctdb_event_request_status);
	if (status == NULL) {
		return ENOMEM;
	}
	ret = pull_stringn(c, status, &status->component);
	if (ret != 0) {
		goto fail;
	}
	ret = pull_stringn(c, status, &status->event);
	if (ret != 0) {
		goto fail;
	}
	*out = status;
	return 0;

fail:
	talloc_free(status);
	return ret;
}

static int request_script_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
			       struct ctdb_event_request_script **out)
{
	struct ctdb_event_request_script *script;
	int ret;

	script = talloc_zero(mem_ctx, struct ctdb_event_request_script);
	if (script == NULL) {
		return ENOMEM;
	}
	ret = pull_stringn(c, script, &script->component);
	if (ret != 0) {
		goto fail;
	}
	ret = pull_stringn(c, script, &script->script);
	if (ret != 0) {
		goto fail;
	}
	ret = pull_u32(c, &script->action);
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

int ctdb_event_request_pull(const uint8_t *buf, size_t buflen,
			    struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			    struct ctdb_event_request **out)
{
	struct ctdb_event_header hdr;
	struct ctdb_event_request *req;
	struct pull_cursor c = {
		.buf = buf,
		.len = buflen,
		.offset = 0,
	};
	uint32_t cmd;
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

	req = talloc_zero(mem_ctx, struct ctdb_event_request);
	if (req == NULL) {
		return ENOMEM;
	}
	req->cmd = cmd;

	switch (cmd) {
	case CTDB_EVENT_CMD_RUN:
		ret = request_run_pull(&c, req, &req->data.run);
		break;
	case CTDB_EVENT_CMD_STATUS:
		ret = request_status_pull(&c, req, &req->data.status);
		break;
	case CTDB_EVENT_CMD_SCRIPT:
		ret = request_script_pull(&c, req, &req->data.script);
		break;
	}
	if (ret != 0) {
		talloc_free(req);
		return ret;
	}

	/* CTDB 4.17 ignores trailing bytes; a strict reader does not. */
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

static bool reply_has_body(const struct ctdb_event_reply *in)
{
	return in->cmd == CTDB_EVENT_CMD_STATUS && in->result == 0;
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

		len = len_add(len, stringn_len(s->name));
		len = len_add(len, TIMEVAL_WIRE_LEN + TIMEVAL_WIRE_LEN + 4);
		len = len_add(len, stringn_len(s->output));
	}
	*plen = len;
	return 0;
}

static int reply_wire_len(const struct ctdb_event_reply *in, size_t *plen)
{
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
		len = len_add(len, 4); /* summary */
		len = len_add(len, list_len);
	}

	ret = check_wire_len(len);
	if (ret != 0) {
		return ret;
	}
	*plen = len;
	return 0;
}

/* Returns 0 for a reply that cannot be encoded; push says why. */
size_t ctdb_event_reply_len(const struct ctdb_event_header *h,
			    const struct ctdb_event_reply *in)
{
	size_t len = 0;
	int ret;

	ret = reply_wire_len(in, &len);
	if (ret != 0) {
		return 0;
	}
	return len;
}

/*
 * On success *buflen is set to the number of bytes written. Besides
 * EMSGSIZE this fails with EINVAL for an unknown cmd, a successful STATUS
 * without a body or a bad script list, and with EOVERFLOW when the
 * message exceeds 4 GiB. data is ignored unless cmd is STATUS and
 * result is 0, as on the wire.
 */
int ctdb_event_reply_push(struct ctdb_event_header *h,
			  const struct ctdb_event_reply *in, uint8_t *buf,
			  size_t *buflen)
{
	struct ctdb_event_header hdr = *h;
	const struct ctdb_event_script_list *list;
	size_t offset = 0;
	size_t len = 0;
	int32_t i;
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
		push_i32(buf, &offset, in->data.status->summary);
		list = in->data.status->script_list;
		if (list == NULL) {
			push_i32(buf, &offset, 0);
		} else {
			push_i32(buf, &offset, list->num_scripts);
			for (i = 0; i < list->num_scripts; i++) {
				const struct ctdb_event_script *s =
					&list->script[i];

				push_stringn(buf, &offset, s->name);
				push_timeval(buf, &offset, &s->begin);
				push_timeval(buf, &offset, &s->end);
				push_i32(buf, &offset, s->result);
				push_stringn(buf, &offset, s->output);
			}
		}
	}

	h->length = hdr.length;
	*buflen = offset;
	return 0;
}

static int script_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
		       struct ctdb_event_script *s)
{
	int ret;

	ret = pull_stringn(c, mem_ctx, &s->name);
	if (ret != 0) {
		return ret;
	}
	ret = pull_timeval(c, &s->begin);
	if (ret != 0) {
		return ret;
	}
	ret = pull_timeval(c, &s->end);
	if (ret != 0) {
		return ret;
	}
	ret = pull_i32(c, &s->result);
	if (ret != 0) {
		return ret;
	}
	ret = pull_stringn(c, mem_ctx, &s->output);
	if (ret != 0) {
		return ret;
	}
	return 0;
}

/* With 0 scripts, list->script is NULL. */
static int script_list_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
			    struct ctdb_event_script_list **out)
{
	struct ctdb_event_script_list *list;
	size_t max_scripts;
	int32_t num;
	int32_t i;
	int ret;

	ret = pull_i32(c, &num);
	if (ret != 0) {
		return ret;
	}
	if (num < 0) {
		return EPROTO;
	}
	max_scripts = (c->len - c->offset) / SCRIPT_MIN_WIRE_LEN;
	if ((size_t)num > max_scripts) {
		return EPROTO;
	}

	list = talloc_zero(mem_ctx, struct ctdb_event_script_list);
	if (list == NULL) {
		return ENOMEM;
	}
	list->num_scripts = num;
	if (num > 0) {
		list->script = talloc_zero_array(list, struct ctdb_event_script,
						 num);
		if (list->script == NULL) {
			talloc_free(list);
			return ENOMEM;
		}
	}
	for (i = 0; i < num; i++) {
		ret = script_pull(c, list->script, &list->script[i]);
		if (ret != 0) {
			talloc_free(list);
			return ret;
		}
	}
	*out = list;
	return 0;
}

static int reply_status_pull(struct pull_cursor *c, TALLOC_CTX *mem_ctx,
			     struct ctdb_event_reply_status **out)
{
	struct ctdb_event_reply_status *status;
	int ret;

	status = talloc_zero(mem_ctx, struct ctdb_event_reply_status);
	if (status == NULL) {
		return ENOMEM;
	}
	ret = pull_i32(c, &status->summary);
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

int ctdb_event_reply_pull(const uint8_t *buf, size_t buflen,
			  struct ctdb_event_header *h, TALLOC_CTX *mem_ctx,
			  struct ctdb_event_reply **out)
{
	struct ctdb_event_header hdr;
	struct ctdb_event_reply *reply;
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

	reply = talloc_zero(mem_ctx, struct ctdb_event_reply);
	if (reply == NULL) {
		return ENOMEM;
	}
	reply->cmd = cmd;
	reply->result = result;

	if (reply_has_body(reply)) {
		ret = reply_status_pull(&c, reply, &reply->data.status);
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
int ctdb_event_request_marshall(TALLOC_CTX *mem_ctx,
				struct ctdb_event_header *h,
				const struct ctdb_event_request *in,
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
	ret = ctdb_event_request_push(h, in, buf, &len);
	if (ret != 0) {
		talloc_free(buf);
		return ret;
	}
	*pbuf = buf;
	*pbuflen = len;
	return 0;
}

/* Besides ENOMEM, passes on push's EINVAL and EOVERFLOW. */
int ctdb_event_reply_marshall(TALLOC_CTX *mem_ctx, struct ctdb_event_header *h,
			      const struct ctdb_event_reply *in,
			      uint8_t **pbuf, size_t *pbuflen)
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
	ret = ctdb_event_reply_push(h, in, buf, &len);
	if (ret != 0) {
		talloc_free(buf);
		return ret;
	}
	*pbuf = buf;
	*pbuflen = len;
	return 0;
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
	}
	return "UNKNOWN";
}
