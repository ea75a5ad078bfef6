/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tickle_wire: connection lists round-trip; bad bytes are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "protocol/tickle_wire.h"

static struct ctdb_tickle_conn conn(const char *src, const char *dst)
{
	struct ctdb_tickle_conn c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(net_endpoint_parse(src, &c.src), 0);
	assert_int_equal(net_endpoint_parse(dst, &c.dst), 0);
	return c;
}

/* Encode list into a new buffer; *len its size. */
static uint8_t *encode(TALLOC_CTX *mem_ctx,
		       const struct ctdb_tickle_list *list, size_t *len)
{
	uint8_t *buf;
	size_t offset = 0;

	*len = ctdb_tickle_list_len(list);
	assert_true(*len > 0);
	buf = talloc_size(mem_ctx, *len);
	assert_non_null(buf);
	ctdb_tickle_list_push(buf, &offset, list);
	assert_int_equal(offset, *len);
	return buf;
}

static int decode(TALLOC_CTX *mem_ctx, const uint8_t *buf, size_t len,
		  struct ctdb_tickle_list **out)
{
	struct ctdb_pull_cursor c = { .buf = buf, .len = len };
	int ret;

	ret = ctdb_tickle_list_pull(&c, mem_ctx, out);
	if (ret == 0 && c.offset != len) {
		return EMSGSIZE;
	}
	return ret;
}

static void test_round_trip(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct ctdb_tickle_conn v[] = {
		conn("192.168.1.5:40000", "10.0.0.1:445"),
		conn("[fd00::9]:5000", "[fd00::1]:2049"),
		conn("0.0.0.0:0", "255.255.255.255:65535"),
	};
	struct ctdb_tickle_list list = { .num = 3, .conn = v };
	struct ctdb_tickle_list empty = { .num = 0 };
	struct ctdb_tickle_list *out = NULL;
	uint8_t *buf;
	size_t len;
	uint32_t i;

	buf = encode(mem_ctx, &list, &len);
	assert_int_equal(len, 4 + 3 * CTDB_TICKLE_CONN_WIRE_LEN);
	assert_int_equal(decode(mem_ctx, buf, len, &out), 0);
	assert_int_equal(out->num, 3);
	for (i = 0; i < 3; i++) {
		assert_true(net_endpoint_equal(&out->conn[i].src, &v[i].src));
		assert_true(net_endpoint_equal(&out->conn[i].dst, &v[i].dst));
	}

	buf = encode(mem_ctx, &empty, &len);
	assert_int_equal(len, 4);
	assert_int_equal(decode(mem_ctx, buf, len, &out), 0);
	assert_int_equal(out->num, 0);
	assert_null(out->conn);
	talloc_free(mem_ctx);
}

static void test_refused(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct ctdb_tickle_conn v[] = {
		conn("192.168.1.5:40000", "10.0.0.1:445"),
	};
	struct ctdb_tickle_conn mixed[] = {
		conn("[fd00::9]:5000", "10.0.0.1:445"),
	};
	struct ctdb_tickle_list list = { .num = 1, .conn = v };
	struct ctdb_tickle_list bad = { .num = 1, .conn = mixed };
	struct ctdb_tickle_list *out = NULL;
	uint8_t *buf, *copy;
	uint32_t word;
	size_t len, i;

	/* What pull refuses is never encoded. */
	assert_int_equal(ctdb_tickle_list_len(&bad), 0);
	assert_int_equal(ctdb_tickle_list_len(NULL), 0);

	buf = encode(mem_ctx, &list, &len);
	/* Every truncation fails. */
	for (i = 0; i < len; i++) {
		assert_int_equal(decode(mem_ctx, buf, i, &out), EPROTO);
	}
	/* A forged count larger than the bytes. */
	copy = talloc_memdup(mem_ctx, buf, len);
	word = 1000000;
	memcpy(copy, &word, 4);
	assert_int_not_equal(decode(mem_ctx, copy, len, &out), 0);
	/* An unknown family. */
	copy = talloc_memdup(mem_ctx, buf, len);
	word = 99;
	memcpy(copy + 4, &word, 4);
	assert_int_equal(decode(mem_ctx, copy, len, &out), EINVAL);
	/* A port above 65535. */
	copy = talloc_memdup(mem_ctx, buf, len);
	word = 70000;
	memcpy(copy + 4 + 20, &word, 4);
	assert_int_equal(decode(mem_ctx, copy, len, &out), EINVAL);
	/* Stray bytes after an IPv4 address. */
	copy = talloc_memdup(mem_ctx, buf, len);
	copy[4 + 4 + 5] = 1;
	assert_int_equal(decode(mem_ctx, copy, len, &out), EINVAL);
	/* Mixed families in one connection: dst made IPv6. */
	copy = talloc_memdup(mem_ctx, buf, len);
	word = AF_INET6;
	memcpy(copy + 4 + CTDB_TICKLE_ENDPOINT_WIRE_LEN, &word, 4);
	assert_int_equal(decode(mem_ctx, copy, len, &out), EINVAL);
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
