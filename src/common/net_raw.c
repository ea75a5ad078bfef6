/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Raw-socket senders for failover packets (see net_raw.h). */
#include "common/net_raw.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The interface's index and Ethernet address; ENOTSUP if it has none. */
static int iface_ether(const char *iface, int *ifindex,
		       uint8_t mac[NET_MAC_LEN])
{
	struct ifreq ifr;
	int fd, ret = 0;

	if (strlen(iface) >= sizeof(ifr.ifr_name))
		return ENODEV;
	*ifindex = (int)if_nametoindex(iface);
	if (*ifindex == 0)
		return ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, iface);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
		ret = errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		ret = ENOTSUP;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, NET_MAC_LEN);
	close(fd);
	return ret;
}

static int send_arp(int ifindex, const uint8_t mac[NET_MAC_LEN],
		    const struct in_addr *ip)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifindex,
		.sll_halen = NET_MAC_LEN,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	uint8_t pkt[NET_ARP_LEN];
	const enum net_arp_op ops[] = { NET_ARP_REQUEST, NET_ARP_REPLY };
	int fd, ret = 0;
	size_t i;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (fd == -1)
		return errno;
	for (i = 0; i < 2 && ret == 0; i++) {
		net_arp_build(pkt, ops[i], mac, ip);
		if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			   sizeof(to)) == -1)
			ret = errno;
	}
	close(fd);
	return ret;
}

static int send_na(int ifindex, const uint8_t mac[NET_MAC_LEN],
		   const struct in6_addr *ip)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	struct sockaddr_in6 from = { .sin6_family = AF_INET6 };
	uint8_t pkt[NET_NA_LEN];
	int hops = 255; /* RFC 4861: receivers drop NAs with any other */
	unsigned idx = (unsigned)ifindex;
	int fd, ret = 0;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd == -1)
		return errno;
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	to.sin6_scope_id = idx;
	from.sin6_addr = *ip;
	/* The address as source where the kernel allows it (not tentative). */
	(void)bind(fd, (struct sockaddr *)&from, sizeof(from));
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx,
		       sizeof(idx)) == -1)
		ret = errno;
	net_na_build(pkt, ip, mac);
	if (ret == 0 && sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			       sizeof(to)) == -1)
		ret = errno;
	close(fd);
	return ret;
}

int net_announce(const char *iface, const char *ip)
{
	uint8_t mac[NET_MAC_LEN];
	struct in_addr ip4;
	struct in6_addr ip6;
	int ifindex, ret, family;

	if (inet_pton(AF_INET, ip, &ip4) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, ip, &ip6) == 1)
		family = AF_INET6;
	else
		return EINVAL;
	ret = iface_ether(iface, &ifindex, mac);
	if (ret == ENOTSUP)
		return 0;
	if (ret != 0)
		return ret;
	return family == AF_INET ? send_arp(ifindex, mac, &ip4)
				 : send_na(ifindex, mac, &ip6);
}

int net_send_tcp(const struct net_tcp_segment *seg)
{
	uint8_t pkt[NET_TCP_MAX_LEN];
	struct net_endpoint to = seg->dst;
	size_t len = net_tcp_build(pkt, seg);
	socklen_t tolen;
	int fd, ret = 0;

	if (len == 0)
		return EINVAL;
	/* Raw IPPROTO_RAW sockets send our own IP header as it is. */
	fd = socket(to.ss.ss_family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd == -1)
		return errno;
	/* A raw socket's destination port must be 0 (IPv6 refuses others). */
	if (to.ss.ss_family == AF_INET) {
		((struct sockaddr_in *)&to.ss)->sin_port = 0;
		tolen = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)&to.ss)->sin6_port = 0;
		tolen = sizeof(struct sockaddr_in6);
	}
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to.ss, tolen) == -1)
		ret = errno;
	close(fd);
	return ret;
}

int net_send_tickle(const struct net_endpoint *src,
		    const struct net_endpoint *dst)
{
	struct net_tcp_segment seg = {
		.src = *src,
		.dst = *dst,
		.ack = true,
		.window = NET_TICKLE_WINDOW,
	};

	return net_send_tcp(&seg);
}
