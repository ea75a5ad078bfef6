/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the public_addresses parser, from a table of files. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "noded/public_ips.h"

static char test_dir[PATH_MAX];
static char test_file[PATH_MAX];

static int group_setup(void **pstate)
{
	char tmpl[] = "/tmp/test_public_ips.XXXXXX";
	char *dir = mkdtemp(tmpl);

	if (dir == NULL) {
		return -1;
	}
	snprintf(test_dir, sizeof(test_dir), "%s", dir);
	snprintf(test_file, sizeof(test_file), "%s/public_addresses", dir);
	return 0;
}

static int group_teardown(void **pstate)
{
	(void)unlink(test_file);
	return rmdir(test_dir);
}

/*
 * The list as one string, "addr/bits iface,iface" entries joined by "; ",
 * with "4"/"6" after the mask for the family, so a row states the whole
 * result in one readable line.
 */
static char *render(TALLOC_CTX *mem, const struct public_ip_list *list)
{
	char *s = talloc_strdup(mem, "");
	unsigned i;
	unsigned j;

	for (i = 0; i < list->num; i++) {
		const struct public_ip *ip = &list->ip[i];

		assert_true(ip->num_ifaces > 0);
		s = talloc_asprintf_append(s, "%s%s/%u%s ", i > 0 ? "; " : "",
					   ip->address, ip->bits,
					   ip->family == AF_INET ? "(4)"
								 : "(6)");
		for (j = 0; j < ip->num_ifaces; j++) {
			s = talloc_asprintf_append(s, "%s%s", j > 0 ? "," : "",
						   ip->ifaces[j]);
		}
	}
	assert_non_null(s);
	return s;
}

struct parse_case {
	const char *text;
	const char *expect; /* render() on success, the message otherwise */
	int ret;
};

static const struct parse_case parse_cases[] = {
	{"", "", 0},
	{"# only a comment\n\n   \n", "", 0},
	{"10.0.0.1/24 eth0\n", "10.0.0.1/24(4) eth0", 0},
	{"10.0.0.1/24 eth0", "10.0.0.1/24(4) eth0", 0},
	{"  10.0.0.1/24\teth0,eth1  \r\n#x\n10.0.0.2/32 bond0.100\n",
	 "10.0.0.1/24(4) eth0,eth1; 10.0.0.2/32(4) bond0.100", 0},
	{"fd00::1/64 eth0\n", "fd00::1/64(6) eth0", 0},
	{"FD00:0:0::01/128 eth0\n", "fd00::1/128(6) eth0", 0},
	{"0.0.0.0/0 eth0\n::/0 eth1\n",
	 "0.0.0.0/0(4) eth0; ::/0(6) eth1", 0},
	{"10.0.0.1/24 abcdefghijklmno\n",
	 "10.0.0.1/24(4) abcdefghijklmno", 0},
	{"10.0.0.1/24 eth0:1,br-lan\n", "10.0.0.1/24(4) eth0:1,br-lan", 0},
	{"10.0.0.1/24 eth0 # front end\n", "10.0.0.1/24(4) eth0", 0},
	{"\t# indented comment\r\n10.0.0.1/24 eth0\r\n",
	 "10.0.0.1/24(4) eth0", 0},
	{"\r\n \r\n10.0.0.1 eth0\r\n",
	 "3: missing '/bits' after address '10.0.0.1'", EINVAL},

	{"10.0.0.1/24 eth0\n\n10.0.0.300/24 eth0\n",
	 "3: invalid address '10.0.0.300'", EINVAL},
	{"10.0.0.300 eth0\n", "1: invalid address '10.0.0.300'", EINVAL},
	{"host.example/24 eth0\n", "1: invalid address 'host.example'",
	 EINVAL},
	{"fd00::1%eth0/64 eth0\n", "1: invalid address 'fd00::1%eth0'",
	 EINVAL},
	{"10.0.0.1 eth0\n", "1: missing '/bits' after address '10.0.0.1'",
	 EINVAL},
	{"10.0.0.1/ eth0\n",
	 "1: invalid mask '/' for IPv4 address '10.0.0.1', expected 0..32",
	 EINVAL},
	{"10.0.0.1/33 eth0\n",
	 "1: invalid mask '/33' for IPv4 address '10.0.0.1', expected 0..32",
	 EINVAL},
	{"10.0.0.1/-1 eth0\n",
	 "1: invalid mask '/-1' for IPv4 address '10.0.0.1', expected 0..32",
	 EINVAL},
	{"10.0.0.1/2x eth0\n",
	 "1: invalid mask '/2x' for IPv4 address '10.0.0.1', expected 0..32",
	 EINVAL},
	{"fd00::1/129 eth0\n",
	 "1: invalid mask '/129' for IPv6 address 'fd00::1', expected "
	 "0..128",
	 EINVAL},
	{"10.0.0.1/24\n", "1: missing interface after '10.0.0.1/24'", EINVAL},
	{"10.0.0.1/24 #eth0\n", "1: missing interface after '10.0.0.1/24'",
	 EINVAL},
	{"10.0.0.1/24 eth0 eth1 # x\n",
	 "1: unexpected text 'eth1' after interfaces", EINVAL},
	{"10.0.0.1/24 eth0,\n", "1: empty interface name", EINVAL},
	{"10.0.0.1/24 ,eth0\n", "1: empty interface name", EINVAL},
	{"10.0.0.1/24 eth0,,eth1\n", "1: empty interface name", EINVAL},
	{"10.0.0.1/24 abcdefghijklmnop\n",
	 "1: interface name 'abcdefghijklmnop' longer than 15 characters",
	 EINVAL},
	{"10.0.0.1/24 .\n", "1: invalid interface name '.'", EINVAL},
	{"10.0.0.1/24 eth0,..\n", "1: invalid interface name '..'", EINVAL},
	{"10.0.0.1/24 eth0/1\n", "1: invalid interface name 'eth0/1'",
	 EINVAL},
	{"10.0.0.1/24 eth0,eth0\n", "1: duplicate interface 'eth0'", EINVAL},
	{"10.0.0.1/24 eth0\n10.0.0.2/24 eth0\n10.0.0.1/16 eth1\n",
	 "3: duplicate address '10.0.0.1', first on line 1", EINVAL},
	{"fd00::1/64 eth0\n#\nfd00:0::0:1/64 eth0\n",
	 "3: duplicate address 'fd00::1', first on line 1", EINVAL},
};

static void test_parse_table(void **state)
{
	unsigned i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		TALLOC_CTX *mem = talloc_new(NULL);
		struct public_ip_list *list = NULL;
		char *errmsg = NULL;
		char *expect;
		int ret;

		assert_non_null(mem);
		ret = public_ips_parse(mem, "public_addresses", c->text, &list,
				       &errmsg);
		if (ret != c->ret) {
			fail_msg("row %u: ret %d, expected %d (%s)", i, ret,
				 c->ret, errmsg != NULL ? errmsg : "-");
		}
		if (ret == 0) {
			assert_null(errmsg);
			assert_non_null(list);
			assert_string_equal(render(mem, list), c->expect);
		} else {
			/* Nothing but the message is left behind. */
			assert_null(list);
			assert_int_equal(talloc_total_blocks(mem), 2);
			expect = talloc_asprintf(mem, "public_addresses:%s",
						 c->expect);
			assert_string_equal(errmsg, expect);
		}
		talloc_free(mem);
	}
}

/* The list hangs off mem_ctx alone: freeing it frees every string. */
static void test_parse_ownership(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct public_ip_list *list = NULL;
	char *errmsg = NULL;
	int ret;

	assert_non_null(mem);
	ret = public_ips_parse(mem, "x", "10.0.0.1/24 eth0,eth1\n", &list,
			       &errmsg);
	assert_int_equal(ret, 0);
	assert_ptr_equal(talloc_parent(list), mem);
	talloc_free(list);
	assert_int_equal(talloc_total_blocks(mem), 1);
	talloc_free(mem);
}

static void test_load_file(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct public_ip_list *list = NULL;
	char *errmsg = NULL;
	char *expect;
	FILE *f;
	int ret;

	assert_non_null(mem);
	f = fopen(test_file, "w");
	assert_non_null(f);
	fputs("# cluster addresses\n192.168.1.10/24 eth1\n"
	      "192.168.1.11/24 eth1,eth2\n",
	      f);
	assert_int_equal(fclose(f), 0);
	ret = public_ips_load(mem, test_file, &list, &errmsg);
	assert_int_equal(ret, 0);
	assert_string_equal(render(mem, list),
			    "192.168.1.10/24(4) eth1; 192.168.1.11/24(4) "
			    "eth1,eth2");

	f = fopen(test_file, "w");
	assert_non_null(f);
	fputs("192.168.1.10/24 eth1\n192.168.1.10/24 eth1\n", f);
	assert_int_equal(fclose(f), 0);
	list = NULL;
	ret = public_ips_load(mem, test_file, &list, &errmsg);
	assert_int_equal(ret, EINVAL);
	assert_null(list);
	expect = talloc_asprintf(mem, "%s:2: duplicate address "
				      "'192.168.1.10', first on line 1",
				 test_file);
	assert_string_equal(errmsg, expect);
	talloc_free(mem);
}

/* No file means no public IPs, as in CTDB; a directory is an error. */
static void test_load_missing_and_unreadable(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct public_ip_list *list = NULL;
	char *errmsg = NULL;
	char *path;
	char *expect;
	int ret;

	assert_non_null(mem);
	path = talloc_asprintf(mem, "%s/missing", test_dir);
	ret = public_ips_load(mem, path, &list, &errmsg);
	assert_int_equal(ret, 0);
	assert_non_null(list);
	assert_int_equal(list->num, 0);
	assert_null(errmsg);

	list = NULL;
	ret = public_ips_load(mem, test_dir, &list, &errmsg);
	assert_int_equal(ret, EISDIR);
	assert_null(list);
	expect = talloc_asprintf(mem, "%s: %s", test_dir, strerror(EISDIR));
	assert_string_equal(errmsg, expect);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_ownership),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_missing_and_unreadable),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
