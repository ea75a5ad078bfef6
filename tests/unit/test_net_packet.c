/* SPDX-License-Identifier: GPL-3.0-or-later */
/* net_packet: endpoints, ARP, NA and TCP segments, byte by byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/net_packet.h"

static const uint8_t MAC[NET_MAC_LEN] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static struct net_endpoint ep(const char *text)
{
	struct net_endpoint e;

	assert_int_equal(net_endpoint_parse(text, &e), 0);
	return e;
}

static void test_endpoint_parse(void **state)
{
	struct net_endpoint e;
	char buf[64];
	const char *bad[] = {
		"10.0.0.1", "10.0.0.1:", "10.0.0.1:65536", "10.0.0.1:-1",
		"10.0.0.1:80x", ":80", "[fd00::1]80", "[fd00::1:80",
		"host.example:80", "[10.0.0.1]:x", "",
	};
	size_t i;

	(void)state;
	e = ep("10.0.0.1:445");
	assert_int_equal(e.ss.ss_family, AF_INET);
	assert_string_equal(net_endpoint_string(&e, buf, sizeof(buf)),
			    "10.0.0.1:445");
	e = ep("[fd00::1]:65535");
	assert_int_equal(e.ss.ss_family, AF_INET6);
	assert_string_equal(net_endpoint_string(&e, buf, sizeof(buf)),
			    "[fd00::1]:65535");
	/* ss prints IPv6 without brackets in some versions: last colon. */
	e = ep("fd00::1:139");
	assert_string_equal(net_endpoint_string(&e, buf, sizeof(buf)),
			    "[fd00::1]:139");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(net_endpoint_parse(bad[i], &e), EINVAL);
}

static void test_endpoint_equal(void **state)
{
	struct net_endpoint a = ep("10.0.0.1:80"), b = ep("10.0.0.1:80");
	struct net_endpoint c = ep("10.0.0.1:81"), d = ep("[::ffff:10.0.0.1]:80");

	(void)state;
	assert_true(net_endpoint_equal(&a, &b));
	assert_false(net_endpoint_equal(&a, &c));
	assert_false(net_endpoint_equal(&a, &d));
	assert_true(net_endpoint_equal(&d, &d));
}

static void test_arp(void **state)
{
	uint8_t pkt[NET_ARP_LEN];
	struct in_addr ip;
	const uint8_t want[NET_ARP_LEN] = {
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02,
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 192, 168, 7, 9,
		0, 0, 0, 0, 0, 0, 192, 168, 7, 9,
	};

	(void)state;
	inet_pton(AF_INET, "192.168.7.9", &ip);
	net_arp_build(pkt, NET_ARP_REPLY, MAC, &ip);
	assert_memory_equal(pkt, want, sizeof(want));
	net_arp_build(pkt, NET_ARP_REQUEST, MAC, &ip);
	assert_int_equal(pkt[7], 1);
	assert_memory_equal(pkt + 8, want + 8, sizeof(want) - 8);
}

static void test_na(void **state)
{
	uint8_t pkt[NET_NA_LEN];
	struct in6_addr ip;

	(void)state;
	inet_pton(AF_INET6, "fd00::77", &ip);
	net_na_build(pkt, &ip, MAC);
	assert_int_equal(pkt[0], 136);
	assert_int_equal(pkt[1], 0);
	assert_int_equal(pkt[2] | pkt[3], 0); /* the kernel's checksum */
	assert_int_equal(pkt[4], 0x20);       /* Override only */
	assert_int_equal(pkt[5] | pkt[6] | pkt[7], 0);
	assert_memory_equal(pkt + 8, &ip, 16);
	assert_int_equal(pkt[24], 2);
	assert_int_equal(pkt[25], 1);
	assert_memory_equal(pkt + 26, MAC, NET_MAC_LEN);
}

static void test_checksum(void **state)
{
	/* RFC 1071's example words: sum 0xddf2, checksum 0x220d. */
	const uint8_t words[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
				  0xf6, 0xf7 };

	(void)state;
	assert_int_equal(net_csum_fold(net_csum_add(0, words, 8)), 0x220d);
	/* An odd length pads with a zero byte. */
	assert_int_equal(net_csum_fold(net_csum_add(0, words, 1)), 0xffff);
}

static struct net_tcp_segment tickle(const char *src, const char *dst)
{
	struct net_tcp_segment seg = {
		.src = ep(src),
		.dst = ep(dst),
		.ack = true,
		.window = NET_TICKLE_WINDOW,
	};

	return seg;
}

/* A correct checksum sums (with its pseudo-header) to 0xffff. */
static void assert_tcp_checksum(const uint8_t *pkt, size_t hlen, size_t alen)
{
	uint32_t sum;

	sum = net_csum_add(0, pkt + (alen == 4 ? 12 : 8), 2 * alen);
	sum += 6 + 20;
	sum = net_csum_add(sum, pkt + hlen, 20);
	assert_int_equal(net_csum_fold(sum), 0);
}

static void test_tcp_ipv4(void **state)
{
	struct net_tcp_segment seg = tickle("10.1.2.3:445", "10.9.8.7:50123");
	struct net_tcp_segment back;
	uint8_t pkt[NET_TCP_MAX_LEN];

	(void)state;
	seg.seq = 0x01020304;
	seg.ack_seq = 0xa0b0c0d0;
	assert_int_equal(net_tcp_build(pkt, &seg), 40);
	assert_int_equal(pkt[0], 0x45);
	assert_int_equal(pkt[3], 40);
	assert_int_equal(pkt[9], 6);
	assert_int_equal(net_csum_fold(net_csum_add(0, pkt, 20)), 0);
	assert_int_equal(pkt[20] << 8 | pkt[21], 445);
	assert_int_equal(pkt[22] << 8 | pkt[23], 50123);
	assert_int_equal(pkt[24], 0x01);
	assert_int_equal(pkt[28], 0xa0);
	assert_int_equal(pkt[33], 0x10); /* ACK only */
	assert_int_equal(pkt[34] << 8 | pkt[35], NET_TICKLE_WINDOW);
	assert_tcp_checksum(pkt, 20, 4);

	assert_int_equal(net_tcp_parse(pkt, 40, &back), 0);
	assert_true(net_endpoint_equal(&back.src, &seg.src));
	assert_true(net_endpoint_equal(&back.dst, &seg.dst));
	assert_int_equal(back.seq, seg.seq);
	assert_int_equal(back.ack_seq, seg.ack_seq);
	assert_int_equal(back.window, NET_TICKLE_WINDOW);
	assert_true(back.ack);
	assert_false(back.rst || back.syn || back.fin);
}

static void test_tcp_ipv6_reset(void **state)
{
	struct net_tcp_segment seg = tickle("[fd00::1]:139", "[fd00::2]:40000");
	struct net_tcp_segment back;
	uint8_t pkt[NET_TCP_MAX_LEN];

	(void)state;
	seg.rst = true;
	seg.seq = 77;
	assert_int_equal(net_tcp_build(pkt, &seg), 60);
	assert_int_equal(pkt[0] >> 4, 6);
	assert_int_equal(pkt[5], 20); /* payload length */
	assert_int_equal(pkt[6], 6);
	assert_int_equal(pkt[7], 255);
	assert_int_equal(pkt[53], 0x14); /* RST | ACK */
	assert_tcp_checksum(pkt, 40, 16);
	assert_int_equal(net_tcp_parse(pkt, 60, &back), 0);
	assert_true(back.rst && back.ack);
	assert_int_equal(back.seq, 77);
	assert_true(net_endpoint_equal(&back.dst, &seg.dst));
}

static void test_tcp_build_mixed(void **state)
{
	struct net_tcp_segment seg = tickle("10.0.0.1:1", "[fd00::2]:2");
	uint8_t pkt[NET_TCP_MAX_LEN];

	(void)state;
	assert_int_equal(net_tcp_build(pkt, &seg), 0);
}

static void test_tcp_parse_rejects(void **state)
{
	struct net_tcp_segment seg = tickle("10.1.2.3:445", "10.9.8.7:5");
	struct net_tcp_segment out;
	uint8_t pkt[NET_TCP_MAX_LEN], copy[NET_TCP_MAX_LEN];
	size_t len, i;

	(void)state;
	len = net_tcp_build(pkt, &seg);
	for (i = 0; i < len; i++)
		assert_int_equal(net_tcp_parse(pkt, i, &out), EINVAL);
	memcpy(copy, pkt, len);
	copy[9] = 17; /* UDP */
	assert_int_equal(net_tcp_parse(copy, len, &out), ENOMSG);
	memcpy(copy, pkt, len);
	copy[6] = 0x20; /* more fragments */
	assert_int_equal(net_tcp_parse(copy, len, &out), ENOMSG);
	memcpy(copy, pkt, len);
	copy[0] = 0x44; /* IHL below 5 */
	assert_int_equal(net_tcp_parse(copy, len, &out), EINVAL);
	memcpy(copy, pkt, len);
	copy[0] = 0x55; /* neither IPv4 nor IPv6 */
	assert_int_equal(net_tcp_parse(copy, len, &out), ENOMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint_parse),
		cmocka_unit_test(test_endpoint_equal),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_na),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_tcp_ipv4),
		cmocka_unit_test(test_tcp_ipv6_reset),
		cmocka_unit_test(test_tcp_build_mixed),
		cmocka_unit_test(test_tcp_parse_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
