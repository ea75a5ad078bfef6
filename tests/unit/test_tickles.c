/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tickles: the registered connections of each public address. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "noded/tickles.h"

#define SMALL_BOUND 4

static struct public_ip_list *ips_new(TALLOC_CTX *mem_ctx)
{
	static char *addresses[] = { "10.0.0.1", "10.0.0.2", "fd00::1" };
	struct public_ip_list *ips = talloc_zero(mem_ctx,
						 struct public_ip_list);
	unsigned i;

	assert_non_null(ips);
	ips->num = 3;
	ips->ip = talloc_zero_array(ips, struct public_ip, ips->num);
	assert_non_null(ips->ip);
	for (i = 0; i < ips->num; i++) {
		ips->ip[i].address = addresses[i];
	}
	return ips;
}

static struct ctdb_tickle_conn conn(const char *src, const char *dst)
{
	struct ctdb_tickle_conn c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(net_endpoint_parse(src, &c.src), 0);
	assert_int_equal(net_endpoint_parse(dst, &c.dst), 0);
	return c;
}

static struct net_endpoint ep(const char *text)
{
	struct net_endpoint e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(net_endpoint_parse(text, &e), 0);
	return e;
}

static void test_add_get_del(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tickles *t = tickles_new(mem_ctx, ips_new(mem_ctx),
					TICKLES_MAX_PER_IP);
	struct ctdb_tickle_conn a = conn("192.168.1.5:40000", "10.0.0.1:445");
	struct ctdb_tickle_conn b = conn("192.168.1.6:40001", "10.0.0.1:139");
	struct ctdb_tickle_conn c = conn("[fd00::9]:5000", "[fd00::1]:2049");
	struct net_endpoint addr = ep("10.0.0.1:0");
	struct ctdb_tickle_list *list = NULL;
	bool changed;

	assert_non_null(t);
	assert_int_equal(tickles_add(t, &a, &changed), 0);
	assert_true(changed);
	assert_int_equal(tickles_add(t, &b, &changed), 0);
	assert_int_equal(tickles_add(t, &c, &changed), 0);
	/* A second registration changes nothing. */
	assert_int_equal(tickles_add(t, &a, &changed), 0);
	assert_false(changed);
	assert_int_equal(tickles_generation(t, 0), 2);

	assert_int_equal(tickles_get(t, mem_ctx, &addr, &list), 0);
	assert_int_equal(list->num, 2);
	assert_true(net_endpoint_equal(&list->conn[0].src, &a.src));
	assert_true(net_endpoint_equal(&list->conn[1].src, &b.src));
	assert_int_equal(tickles_of_ip(t, 2)->num, 1);
	assert_int_equal(tickles_of_ip(t, 1)->num, 0);

	assert_int_equal(tickles_del(t, &a, &changed), 0);
	assert_true(changed);
	assert_int_equal(tickles_of_ip(t, 0)->num, 1);
	assert_true(net_endpoint_equal(&tickles_of_ip(t, 0)->conn[0].src,
				       &b.src));
	/* Deleting what is not there is no error, as in CTDB. */
	assert_int_equal(tickles_del(t, &a, &changed), 0);
	assert_false(changed);
	assert_int_equal(tickles_generation(t, 0), 3);
	talloc_free(mem_ctx);
}

static void test_bad_input(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tickles *t = tickles_new(mem_ctx, ips_new(mem_ctx),
					TICKLES_MAX_PER_IP);
	struct ctdb_tickle_conn not_public = conn("192.168.1.5:1",
						  "10.0.0.9:445");
	struct ctdb_tickle_conn mixed = conn("[fd00::9]:1", "10.0.0.1:445");
	struct ctdb_tickle_conn empty;
	struct net_endpoint addr = ep("10.9.9.9:0");
	struct ctdb_tickle_list *list = NULL;
	bool changed;

	memset(&empty, 0, sizeof(empty));
	assert_int_equal(tickles_add(t, &not_public, &changed), ENOENT);
	assert_int_equal(tickles_add(t, &mixed, &changed), EINVAL);
	assert_int_equal(tickles_add(t, &empty, &changed), EINVAL);
	assert_int_equal(tickles_del(t, &mixed, &changed), EINVAL);
	assert_int_equal(tickles_del(t, &not_public, &changed), 0);
	assert_int_equal(tickles_get(t, mem_ctx, &addr, &list), ENOENT);
	assert_null(list);
	assert_int_equal(tickles_of_ip(t, 99)->num, 0);
	talloc_free(mem_ctx);
}

static void test_bound(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tickles *t = tickles_new(mem_ctx, ips_new(mem_ctx),
					TICKLES_MAX_PER_IP);
	struct ctdb_tickle_conn c;
	char src[64];
	bool changed;
	unsigned i;

	for (i = 0; i < TICKLES_MAX_PER_IP; i++) {
		snprintf(src, sizeof(src), "192.168.%u.%u:%u", i / 250,
			 i % 250 + 1, 1024 + i);
		c = conn(src, "10.0.0.2:445");
		assert_int_equal(tickles_add(t, &c, &changed), 0);
	}
	c = conn("172.16.0.1:1", "10.0.0.2:445");
	assert_int_equal(tickles_add(t, &c, &changed), ENOSPC);
	assert_false(changed);
	assert_int_equal(tickles_of_ip(t, 1)->num, TICKLES_MAX_PER_IP);
	/* The other addresses have their own room. */
	c = conn("172.16.0.1:1", "10.0.0.1:445");
	assert_int_equal(tickles_add(t, &c, &changed), 0);
	talloc_free(mem_ctx);
}

static void test_replace(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tickles *t = tickles_new(mem_ctx, ips_new(mem_ctx),
					SMALL_BOUND);
	struct ctdb_tickle_conn v[] = {
		conn("192.168.1.1:1", "10.0.0.1:445"),
		conn("192.168.1.2:1", "10.0.0.2:445"), /* other address */
		conn("192.168.1.1:1", "10.0.0.1:445"), /* duplicate */
		conn("192.168.1.3:1", "10.0.0.1:445"),
		conn("192.168.1.4:1", "10.0.0.1:445"),
		conn("192.168.1.5:1", "10.0.0.1:445"),
		conn("192.168.1.6:1", "10.0.0.1:445"), /* beyond the bound */
	};
	struct ctdb_tickle_list list = { .num = 7, .conn = v };
	struct ctdb_tickle_list none = { .num = 0 };
	uint64_t gen;

	assert_int_equal(tickles_replace(t, 0, &list), 0);
	assert_int_equal(tickles_of_ip(t, 0)->num, SMALL_BOUND);
	assert_true(net_endpoint_equal(&tickles_of_ip(t, 0)->conn[3].src,
				       &v[5].src));
	gen = tickles_generation(t, 0);
	assert_int_equal(gen, 1);
	/* The same list again is no change. */
	assert_int_equal(tickles_replace(t, 0, &list), 0);
	assert_int_equal(tickles_generation(t, 0), gen);
	assert_int_equal(tickles_replace(t, 0, &none), 0);
	assert_int_equal(tickles_of_ip(t, 0)->num, 0);
	assert_int_equal(tickles_generation(t, 0), gen + 1);
	assert_int_equal(tickles_replace(t, 3, &none), EINVAL);
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_get_del),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_replace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
