/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling primitives shared by the event and node protocols. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "protocol/protocol_basic.h"

size_t ctdb_len_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b) {
		return SIZE_MAX;
	}
	return a + b;
}

size_t ctdb_stringn_len(const char *s)
{
	size_t n;

	if (s == NULL) {
		return 4;
	}
	n = strlen(s);
	return ctdb_len_add(4, ctdb_len_add(n, 1));
}

/* The header's length field is a u32, so bigger messages cannot exist. */
int ctdb_check_wire_len(size_t len)
{
	uint64_t len64 = (uint64_t)len;

	if (len == SIZE_MAX || len64 > UINT32_MAX) {
		return EOVERFLOW;
	}
	return 0;
}

void ctdb_push_u32(uint8_t *buf, size_t *offset, uint32_t v)
{
	memcpy(buf + *offset, &v, sizeof(v));
	*offset += sizeof(v);
}

void ctdb_push_i32(uint8_t *buf, size_t *offset, int32_t v)
{
	memcpy(buf + *offset, &v, sizeof(v));
	*offset += sizeof(v);
}

void ctdb_push_i64(uint8_t *buf, size_t *offset, int64_t v)
{
	memcpy(buf + *offset, &v, sizeof(v));
	*offset += sizeof(v);
}

void ctdb_push_stringn(uint8_t *buf, size_t *offset, const char *s)
{
	size_t n;

	if (s == NULL) {
		ctdb_push_u32(buf, offset, 0);
		return;
	}
	/* The length check in ctdb_check_wire_len() makes n fit a u32. */
	n = strlen(s) + 1;
	ctdb_push_u32(buf, offset, (uint32_t)n);
	memcpy(buf + *offset, s, n);
	*offset += n;
}

void ctdb_push_timeval(uint8_t *buf, size_t *offset,
		       const struct timeval *tv)
{
	ctdb_push_i64(buf, offset, (int64_t)tv->tv_sec);
	ctdb_push_i64(buf, offset, (int64_t)tv->tv_usec);
}

void ctdb_push_header(uint8_t *buf, size_t *offset,
		      const struct ctdb_event_header *h)
{
	ctdb_push_u32(buf, offset, h->length);
	ctdb_push_u32(buf, offset, h->version);
	ctdb_push_u32(buf, offset, h->reqid);
}

size_t ctdb_pull_remaining(const struct ctdb_pull_cursor *c)
{
	return c->len - c->offset;
}

int ctdb_pull_u32(struct ctdb_pull_cursor *c, uint32_t *v)
{
	if (ctdb_pull_remaining(c) < sizeof(*v)) {
		return EPROTO;
	}
	memcpy(v, c->buf + c->offset, sizeof(*v));
	c->offset += sizeof(*v);
	return 0;
}

int ctdb_pull_i32(struct ctdb_pull_cursor *c, int32_t *v)
{
	if (ctdb_pull_remaining(c) < sizeof(*v)) {
		return EPROTO;
	}
	memcpy(v, c->buf + c->offset, sizeof(*v));
	c->offset += sizeof(*v);
	return 0;
}

int ctdb_pull_i64(struct ctdb_pull_cursor *c, int64_t *v)
{
	if (ctdb_pull_remaining(c) < sizeof(*v)) {
		return EPROTO;
	}
	memcpy(v, c->buf + c->offset, sizeof(*v));
	c->offset += sizeof(*v);
	return 0;
}

int ctdb_pull_timeval(struct ctdb_pull_cursor *c, struct timeval *tv)
{
	int64_t sec;
	int64_t usec;
	int ret;

	ret = ctdb_pull_i64(c, &sec);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_i64(c, &usec);
	if (ret != 0) {
		return ret;
	}
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = (suseconds_t)usec;
	return 0;
}

/*
 * Unlike CTDB 4.17, which advances by strlen + 1 and so misparses the rest
 * of a packet whose string lacks its NUL or has an embedded one, a string
 * must occupy exactly its N bytes with its only NUL last.
 */
int ctdb_pull_stringn(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		      const char **out)
{
	const char *s;
	const char *nul;
	char *str;
	uint32_t n;
	int ret;

	ret = ctdb_pull_u32(c, &n);
	if (ret != 0) {
		return ret;
	}
	if (n == 0) {
		*out = NULL;
		return 0;
	}
	if (ctdb_pull_remaining(c) < n) {
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

int ctdb_pull_stringn_required(struct ctdb_pull_cursor *c,
			       TALLOC_CTX *mem_ctx, const char **out)
{
	const char *s = NULL;
	int ret;

	ret = ctdb_pull_stringn(c, mem_ctx, &s);
	if (ret != 0) {
		return ret;
	}
	if (s == NULL) {
		return EPROTO;
	}
	*out = s;
	return 0;
}

/*
 * Checking the count against the packet before any allocation means a
 * forged count never makes us allocate more than the packet describes.
 */
int ctdb_pull_count(struct ctdb_pull_cursor *c, size_t min_record_len,
		    uint32_t *num)
{
	uint32_t n;
	size_t max;
	int ret;

	ret = ctdb_pull_u32(c, &n);
	if (ret != 0) {
		return ret;
	}
	max = ctdb_pull_remaining(c) / min_record_len;
	if ((size_t)n > max) {
		return EPROTO;
	}
	*num = n;
	return 0;
}

int ctdb_pull_array(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		    size_t min_record_len, size_t elem_size,
		    const char *type_name, ctdb_pull_elem_fn elem_fn,
		    uint32_t *pnum, void **parray)
{
	uint8_t *array = NULL;
	uint32_t num;
	uint32_t i;
	int ret;

	ret = ctdb_pull_count(c, min_record_len, &num);
	if (ret != 0) {
		return ret;
	}
	if (num > 0) {
		array = _talloc_zero_array(mem_ctx, elem_size, num, type_name);
		if (array == NULL) {
			return ENOMEM;
		}
	}
	for (i = 0; i < num; i++) {
		ret = elem_fn(c, array, array + (size_t)i * elem_size);
		if (ret != 0) {
			talloc_free(array);
			return ret;
		}
	}
	*pnum = num;
	*parray = array;
	return 0;
}

int ctdb_header_pull(const uint8_t *buf, size_t buflen,
		     struct ctdb_event_header *h)
{
	struct ctdb_event_header hdr;
	struct ctdb_pull_cursor c = {
		.buf = buf,
		.len = buflen,
		.offset = 0,
	};
	int ret;

	if (buflen < CTDB_EVENT_HEADER_LEN) {
		return EPROTO;
	}
	ret = ctdb_pull_u32(&c, &hdr.length);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_u32(&c, &hdr.version);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_u32(&c, &hdr.reqid);
	if (ret != 0) {
		return ret;
	}
	*h = hdr;
	return 0;
}

int ctdb_pull_packet_header(struct ctdb_pull_cursor *c,
			    struct ctdb_event_header *h)
{
	int ret;

	ret = ctdb_header_pull(c->buf, c->len, h);
	if (ret != 0) {
		return ret;
	}
	if (h->length != c->len) {
		return EPROTO;
	}
	c->offset = CTDB_EVENT_HEADER_LEN;
	return 0;
}

static int msg_wire_len(const struct ctdb_msg_ops *ops, const void *in,
			size_t *plen)
{
	size_t len = 0;
	int ret;

	ret = ops->wire_len(in, &len);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_check_wire_len(len);
	if (ret != 0) {
		return ret;
	}
	*plen = len;
	return 0;
}

size_t ctdb_msg_len(const struct ctdb_msg_ops *ops, const void *in)
{
	size_t len = 0;
	int ret;

	ret = msg_wire_len(ops, in, &len);
	if (ret != 0) {
		return 0;
	}
	return len;
}

int ctdb_msg_push(const struct ctdb_msg_ops *ops, struct ctdb_event_header *h,
		  const void *in, uint8_t *buf, size_t *buflen)
{
	struct ctdb_event_header hdr = *h;
	size_t offset = 0;
	size_t len = 0;
	int ret;

	ret = msg_wire_len(ops, in, &len);
	if (ret != 0) {
		return ret;
	}
	if (*buflen < len) {
		*buflen = len;
		return EMSGSIZE;
	}

	hdr.length = (uint32_t)len;
	ctdb_push_header(buf, &offset, &hdr);
	ops->push_body(in, buf, &offset);

	h->length = hdr.length;
	*buflen = offset;
	return 0;
}

int ctdb_msg_pull(const struct ctdb_msg_ops *ops, const uint8_t *buf,
		  size_t buflen, struct ctdb_event_header *h,
		  TALLOC_CTX *mem_ctx, void **out)
{
	struct ctdb_event_header hdr;
	struct ctdb_pull_cursor c = {
		.buf = buf,
		.len = buflen,
		.offset = 0,
	};
	void *msg = NULL;
	uint32_t cmd;
	bool valid;
	int ret;

	ret = ctdb_pull_packet_header(&c, &hdr);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_pull_u32(&c, &cmd);
	if (ret != 0) {
		return ret;
	}
	valid = ops->command_is_valid(cmd);
	if (!valid) {
		return EINVAL;
	}
	ret = ops->pull_body(&c, cmd, mem_ctx, &msg);
	if (ret != 0) {
		return ret;
	}

	/* CTDB 4.17 ignores trailing bytes; a strict reader does not. */
	if (c.offset != c.len) {
		talloc_free(msg);
		return EPROTO;
	}

	*h = hdr;
	*out = msg;
	return 0;
}

int ctdb_msg_marshall(const struct ctdb_msg_ops *ops, TALLOC_CTX *mem_ctx,
		      struct ctdb_event_header *h, const void *in,
		      uint8_t **pbuf, size_t *pbuflen)
{
	uint8_t *buf;
	size_t len = 0;
	int ret;

	ret = msg_wire_len(ops, in, &len);
	if (ret != 0) {
		return ret;
	}
	buf = talloc_array(mem_ctx, uint8_t, len);
	if (buf == NULL) {
		return ENOMEM;
	}
	ret = ctdb_msg_push(ops, h, in, buf, &len);
	if (ret != 0) {
		talloc_free(buf);
		return ret;
	}
	*pbuf = buf;
	*pbuflen = len;
	return 0;
}
