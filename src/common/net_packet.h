/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The packets a failover sends, built and parsed without sockets so they
 * can be tested byte by byte: gratuitous ARP (IPv4), unsolicited
 * neighbour advertisements (IPv6), and the bare TCP segments of a tickle
 * ACK and of a reset (IPv4 and IPv6, with their IP header).
 */
#ifndef CTDB_COMMON_NET_PACKET_H
#define CTDB_COMMON_NET_PACKET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NET_MAC_LEN 6
#define NET_ARP_LEN 28          /* ARP over Ethernet, no link header */
#define NET_NA_LEN 32           /* ICMPv6 NA with a target lladdr option */
#define NET_TCP_MAX_LEN 60      /* IPv6 header (40) + TCP header (20) */

/*
 * CTDB marks its own tickle ACKs and resets with this window, so a
 * capture can tell them from the peers' answers (and so can a sniffer).
 */
#define NET_TICKLE_WINDOW 1234

enum net_arp_op { NET_ARP_REQUEST = 1, NET_ARP_REPLY = 2 };

/* An address with its port: AF_INET or AF_INET6 only. */
struct net_endpoint {
	struct sockaddr_storage ss;
};

/*
 * Parse "A.B.C.D:PORT", "[V6]:PORT" or "V6:PORT" (port after the last
 * colon). Returns 0 or EINVAL.
 */
int net_endpoint_parse(const char *text, struct net_endpoint *ep);
/* "A.B.C.D:PORT" or "[V6]:PORT" into buf (at least 64 bytes). */
const char *net_endpoint_string(const struct net_endpoint *ep, char *buf,
				size_t len);
bool net_endpoint_equal(const struct net_endpoint *a,
			const struct net_endpoint *b);

/* The Internet checksum of len bytes, continuing from sum. */
uint32_t net_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t net_csum_fold(uint32_t sum);

/*
 * A gratuitous ARP for ip from mac: sender and target IP both ip, target
 * MAC zero. The request and the reply differ only in op.
 */
void net_arp_build(uint8_t out[NET_ARP_LEN], enum net_arp_op op,
		   const uint8_t mac[NET_MAC_LEN], const struct in_addr *ip);

/*
 * An unsolicited neighbour advertisement for target from mac, Override
 * set, Solicited and Router clear, with the target link-layer address
 * option. The checksum is left zero: a raw ICMPv6 socket fills it in.
 */
void net_na_build(uint8_t out[NET_NA_LEN], const struct in6_addr *target,
		  const uint8_t mac[NET_MAC_LEN]);

/* The fields of a TCP segment this project reads or writes. */
struct net_tcp_segment {
	struct net_endpoint src;
	struct net_endpoint dst;
	uint32_t seq;
	uint32_t ack_seq;
	uint16_t window;
	bool ack;
	bool rst;
	bool syn;
	bool fin;
};

/*
 * An IP packet (IPv4 or IPv6 header, then a 20-byte TCP header with its
 * checksum) for seg; src and dst must be the same family. Returns the
 * length written into out, or 0 for mixed or unknown families.
 */
size_t net_tcp_build(uint8_t out[NET_TCP_MAX_LEN],
		     const struct net_tcp_segment *seg);

/*
 * Read an IP packet (no link header). Returns 0 and fills seg for a TCP
 * segment; ENOMSG for anything else (other protocol, IPv6 extension
 * headers, fragments); EINVAL when truncated or malformed.
 */
int net_tcp_parse(const uint8_t *pkt, size_t len, struct net_tcp_segment *seg);

#endif
