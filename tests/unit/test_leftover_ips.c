/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of leftover_ips: which public addresses are on this host. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <talloc.h>

#include "noded/leftover_ips.h"

/* ifa_name is not const in struct ifaddrs; the tests never write it. */
#define discard_const_p(type, ptr) ((type *)(uintptr_t)(ptr))

static struct public_ip_list *parse(TALLOC_CTX *mem, const char *text)
{
	struct public_ip_list *ips = NULL;
	char *errmsg = NULL;
	int ret;

	ret = public_ips_parse(mem, "public_addresses", text, &ips, &errmsg);
	assert_int_equal(ret, 0);
	return ips;
}

static struct ifaddrs *v4(TALLOC_CTX *mem, struct ifaddrs *next,
			  const char *address)
{
	struct ifaddrs *a = talloc_zero(mem, struct ifaddrs);
	struct sockaddr_in *sin = talloc_zero(mem, struct sockaddr_in);

	assert_non_null(a);
	assert_non_null(sin);
	sin->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, address, &sin->sin_addr), 1);
	a->ifa_name = discard_const_p(char, "eth0");
	a->ifa_addr = (struct sockaddr *)sin;
	a->ifa_next = next;
	return a;
}

static struct ifaddrs *v6(TALLOC_CTX *mem, struct ifaddrs *next,
			  const char *address)
{
	struct ifaddrs *a = talloc_zero(mem, struct ifaddrs);
	struct sockaddr_in6 *sin6 = talloc_zero(mem, struct sockaddr_in6);

	assert_non_null(a);
	assert_non_null(sin6);
	sin6->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, address, &sin6->sin6_addr), 1);
	a->ifa_name = discard_const_p(char, "eth0");
	a->ifa_addr = (struct sockaddr *)sin6;
	a->ifa_next = next;
	return a;
}

/* Only public addresses count, IPv6 by value, entries without address skipped. */
static void test_match(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct public_ip_list *ips;
	struct ifaddrs *list = NULL;
	struct ifaddrs *bare;
	bool found[4];
	unsigned num;

	ips = parse(mem, "10.0.0.1/24 eth0\n"
			 "10.0.0.2/24 eth0\n"
			 "fd00::5/64 eth0\n"
			 "10.0.0.3/24 eth0,eth1\n");
	bare = talloc_zero(mem, struct ifaddrs); /* an interface without address */
	assert_non_null(bare);
	list = v4(mem, bare, "192.168.1.1");
	list = v4(mem, list, "10.0.0.3");
	list = v6(mem, list, "fd00:0:0::5");
	list = v6(mem, list, "fd00::6");
	/* 10.0.0.2 as an IPv6 address of another family: no match. */
	list = v6(mem, list, "::ffff:10.0.0.2");
	num = leftover_ips_match(ips, list, found);
	assert_int_equal(num, 2);
	assert_false(found[0]);
	assert_false(found[1]);
	assert_true(found[2]);
	assert_true(found[3]);

	num = leftover_ips_match(ips, NULL, found);
	assert_int_equal(num, 0);
	assert_false(found[2]);
	talloc_free(mem);
}

/* The real interfaces: 127.0.0.1 is on lo, a TEST-NET address is not. */
static void test_scan(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct public_ip_list *ips;
	bool *found = NULL;
	unsigned num = 99;
	int ret;

	ips = parse(mem, "127.0.0.1/8 lo\n192.0.2.77/24 lo\n");
	ret = leftover_ips_scan(mem, ips, &found, &num);
	assert_int_equal(ret, 0);
	assert_non_null(found);
	if (num == 0) {
		skip(); /* no loopback address in this sandbox */
	}
	assert_int_equal(num, 1);
	assert_true(found[0]);
	assert_false(found[1]);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
