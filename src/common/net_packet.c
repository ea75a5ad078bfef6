/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Failover packets, built and parsed in memory (see net_packet.h). */
#include "common/net_packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IP4_HDR_LEN 20
#define IP6_HDR_LEN 40
#define TCP_HDR_LEN 20
#define IPPROTO_TCP_NUM 6

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static int parse_port(const char *text, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*text < '0' || *text > '9')
		return EINVAL;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || v > 65535)
		return EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int endpoint_set(struct net_endpoint *ep, const char *host,
			const char *port_text)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&ep->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ep->ss;
	uint16_t port;

	if (parse_port(port_text, &port) != 0)
		return EINVAL;
	memset(ep, 0, sizeof(*ep));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return 0;
	}
	return EINVAL;
}

int net_endpoint_parse(const char *text, struct net_endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	size_t n;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (close == NULL || close[1] != ':')
			return EINVAL;
		n = (size_t)(close - text - 1);
		colon = close + 1;
		text++;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL)
			return EINVAL;
		n = (size_t)(colon - text);
	}
	if (n == 0 || n >= sizeof(host))
		return EINVAL;
	memcpy(host, text, n);
	host[n] = '\0';
	return endpoint_set(ep, host, colon + 1);
}

const char *net_endpoint_string(const struct net_endpoint *ep, char *buf,
				size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (ep->ss.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)&ep->ss;

		inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
		snprintf(buf, len, "%s:%u", addr, ntohs(sin->sin_port));
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)&ep->ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
		snprintf(buf, len, "[%s]:%u", addr, ntohs(sin6->sin6_port));
	}
	return buf;
}

bool net_endpoint_equal(const struct net_endpoint *a,
			const struct net_endpoint *b)
{
	const struct sockaddr_in *a4 = (const void *)&a->ss;
	const struct sockaddr_in *b4 = (const void *)&b->ss;
	const struct sockaddr_in6 *a6 = (const void *)&a->ss;
	const struct sockaddr_in6 *b6 = (const void *)&b->ss;

	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	       memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
}

uint32_t net_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t net_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void net_arp_build(uint8_t out[NET_ARP_LEN], enum net_arp_op op,
		   const uint8_t mac[NET_MAC_LEN], const struct in_addr *ip)
{
	put16(out, 1);          /* hardware: Ethernet */
	put16(out + 2, 0x0800); /* protocol: IPv4 */
	out[4] = NET_MAC_LEN;
	out[5] = 4;
	put16(out + 6, op);
	memcpy(out + 8, mac, NET_MAC_LEN);
	memcpy(out + 14, ip, 4);
	memset(out + 18, 0, NET_MAC_LEN);
	memcpy(out + 24, ip, 4);
}

void net_na_build(uint8_t out[NET_NA_LEN], const struct in6_addr *target,
		  const uint8_t mac[NET_MAC_LEN])
{
	memset(out, 0, NET_NA_LEN);
	out[0] = 136;  /* neighbour advertisement */
	out[4] = 0x20; /* Override */
	memcpy(out + 8, target, 16);
	out[24] = 2;   /* option: target link-layer address */
	out[25] = 1;   /* in units of 8 bytes */
	memcpy(out + 26, mac, NET_MAC_LEN);
}

static const uint8_t *endpoint_addr(const struct net_endpoint *ep,
				    size_t *len, uint16_t *port)
{
	if (ep->ss.ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)&ep->ss;

		*len = 4;
		*port = ntohs(sin->sin_port);
		return (const uint8_t *)&sin->sin_addr;
	}
	const struct sockaddr_in6 *sin6 = (const void *)&ep->ss;

	*len = 16;
	*port = ntohs(sin6->sin6_port);
	return (const uint8_t *)&sin6->sin6_addr;
}

static void tcp_header_build(uint8_t *tcp, const struct net_tcp_segment *seg,
			     uint16_t sport, uint16_t dport)
{
	uint8_t flags = 0;

	flags |= seg->ack ? TCP_ACK : 0;
	flags |= seg->rst ? TCP_RST : 0;
	flags |= seg->syn ? TCP_SYN : 0;
	flags |= seg->fin ? TCP_FIN : 0;
	memset(tcp, 0, TCP_HDR_LEN);
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, seg->seq);
	put32(tcp + 8, seg->ack_seq);
	tcp[12] = (TCP_HDR_LEN / 4) << 4;
	tcp[13] = flags;
	put16(tcp + 14, seg->window);
}

/* The TCP checksum over the pseudo-header of either family. */
static uint16_t tcp_checksum(const uint8_t *src, const uint8_t *dst,
			     size_t alen, const uint8_t *tcp)
{
	uint32_t sum = 0;

	sum = net_csum_add(sum, src, alen);
	sum = net_csum_add(sum, dst, alen);
	sum += IPPROTO_TCP_NUM + TCP_HDR_LEN;
	sum = net_csum_add(sum, tcp, TCP_HDR_LEN);
	return net_csum_fold(sum);
}

size_t net_tcp_build(uint8_t out[NET_TCP_MAX_LEN],
		     const struct net_tcp_segment *seg)
{
	size_t slen, dlen, hlen;
	uint16_t sport, dport;
	const uint8_t *src = endpoint_addr(&seg->src, &slen, &sport);
	const uint8_t *dst = endpoint_addr(&seg->dst, &dlen, &dport);
	uint8_t *tcp;

	if (seg->src.ss.ss_family != seg->dst.ss.ss_family ||
	    (seg->src.ss.ss_family != AF_INET &&
	     seg->src.ss.ss_family != AF_INET6))
		return 0;
	hlen = slen == 4 ? IP4_HDR_LEN : IP6_HDR_LEN;
	memset(out, 0, hlen);
	if (slen == 4) {
		out[0] = 0x45;
		put16(out + 2, IP4_HDR_LEN + TCP_HDR_LEN);
		out[8] = 255; /* TTL */
		out[9] = IPPROTO_TCP_NUM;
		memcpy(out + 12, src, 4);
		memcpy(out + 16, dst, 4);
		put16(out + 10, net_csum_fold(net_csum_add(0, out, hlen)));
	} else {
		out[0] = 0x60;
		put16(out + 4, TCP_HDR_LEN);
		out[6] = IPPROTO_TCP_NUM;
		out[7] = 255; /* hop limit */
		memcpy(out + 8, src, 16);
		memcpy(out + 24, dst, 16);
	}
	tcp = out + hlen;
	tcp_header_build(tcp, seg, sport, dport);
	put16(tcp + 16, tcp_checksum(src, dst, slen, tcp));
	return hlen + TCP_HDR_LEN;
}

static void endpoint_from_bytes(struct net_endpoint *ep, int family,
				const uint8_t *addr, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ep->ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, addr, 4);
		sin->sin_port = htons(port);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ep->ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, addr, 16);
		sin6->sin6_port = htons(port);
	}
}

/* Where the TCP header starts, after checking the IP header. */
static int ip_payload(const uint8_t *pkt, size_t len, size_t *off, int *family)
{
	if (len < 1)
		return EINVAL;
	if (pkt[0] >> 4 == 4) {
		size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;

		if (ihl < IP4_HDR_LEN || len < ihl || get16(pkt + 2) > len)
			return EINVAL;
		if (pkt[9] != IPPROTO_TCP_NUM || (get16(pkt + 6) & 0x3fff))
			return ENOMSG; /* not TCP, or a fragment */
		*off = ihl;
		*family = AF_INET;
		return 0;
	}
	if (pkt[0] >> 4 == 6) {
		if (len < IP6_HDR_LEN)
			return EINVAL;
		if (pkt[6] != IPPROTO_TCP_NUM)
			return ENOMSG; /* not TCP, or extension headers */
		*off = IP6_HDR_LEN;
		*family = AF_INET6;
		return 0;
	}
	return ENOMSG;
}

int net_tcp_parse(const uint8_t *pkt, size_t len, struct net_tcp_segment *seg)
{
	size_t off, alen;
	int family, ret;
	const uint8_t *tcp;

	ret = ip_payload(pkt, len, &off, &family);
	if (ret != 0)
		return ret;
	if (len < off + TCP_HDR_LEN)
		return EINVAL;
	tcp = pkt + off;
	alen = family == AF_INET ? 4 : 16;
	endpoint_from_bytes(&seg->src, family,
			    pkt + (family == AF_INET ? 12 : 8), get16(tcp));
	endpoint_from_bytes(&seg->dst, family,
			    pkt + (family == AF_INET ? 16 : 8 + alen),
			    get16(tcp + 2));
	seg->seq = get32(tcp + 4);
	seg->ack_seq = get32(tcp + 8);
	seg->window = get16(tcp + 14);
	seg->ack = (tcp[13] & TCP_ACK) != 0;
	seg->rst = (tcp[13] & TCP_RST) != 0;
	seg->syn = (tcp[13] & TCP_SYN) != 0;
	seg->fin = (tcp[13] & TCP_FIN) != 0;
	return 0;
}
