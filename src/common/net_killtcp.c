/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resetting TCP connections from the outside: tickle, capture, reset. */
#include "common/net_killtcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/net_raw.h"

void net_killtcp_init(struct net_killtcp *k)
{
	memset(k, 0, sizeof(*k));
}

void net_killtcp_free(struct net_killtcp *k)
{
	free(k->v);
	net_killtcp_init(k);
}

int net_killtcp_add(struct net_killtcp *k, const struct net_endpoint *src,
		    const struct net_endpoint *dst)
{
	if (src->ss.ss_family != dst->ss.ss_family) {
		return EINVAL;
	}
	if (k->n == k->alloc) {
		size_t alloc = k->alloc != 0 ? k->alloc * 2 : 16;
		struct net_killtcp_conn *v = realloc(k->v, alloc * sizeof(*v));

		if (v == NULL) {
			return ENOMEM;
		}
		k->v = v;
		k->alloc = alloc;
	}
	k->v[k->n++] = (struct net_killtcp_conn){
		.src = *src,
		.dst = *dst,
	};
	return 0;
}

int net_killtcp_capture_open(const char *iface)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int saved;
	int fd;

	sll.sll_ifindex = (int)if_nametoindex(iface);
	if (sll.sll_ifindex == 0) {
		errno = ENODEV;
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    htons(ETH_P_ALL));
	if (fd == -1) {
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

void net_killtcp_packet(struct net_killtcp *k, const uint8_t *pkt,
			size_t len)
{
	struct net_tcp_segment seg;
	size_t i;

	if (net_tcp_parse(pkt, len, &seg) != 0) {
		return;
	}
	if (!seg.ack || seg.rst || seg.window == NET_TICKLE_WINDOW) {
		return;
	}
	for (i = 0; i < k->n; i++) {
		struct net_killtcp_conn *c = &k->v[i];
		struct net_tcp_segment rst = {
			.src = c->dst,
			.dst = c->src,
			.seq = seg.ack_seq,
			.ack_seq = seg.seq,
			.ack = true,
			.rst = true,
			.window = NET_TICKLE_WINDOW,
		};

		if (c->reset || !net_endpoint_equal(&c->src, &seg.src) ||
		    !net_endpoint_equal(&c->dst, &seg.dst)) {
			continue;
		}
		if (net_send_tcp(&rst) == 0) {
			c->reset = true;
		}
	}
}

void net_killtcp_read(struct net_killtcp *k, int fd)
{
	uint8_t pkt[2048];
	ssize_t n;

	for (;;) {
		n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n <= 0) {
			return;
		}
		net_killtcp_packet(k, pkt, (size_t)n);
	}
}

size_t net_killtcp_tickle(struct net_killtcp *k)
{
	size_t i, left = 0;

	for (i = 0; i < k->n; i++) {
		if (k->v[i].reset) {
			continue;
		}
		left++;
		(void)net_send_tickle(&k->v[i].dst, &k->v[i].src);
	}
	return left;
}

size_t net_killtcp_remaining(const struct net_killtcp *k)
{
	size_t i, left = 0;

	for (i = 0; i < k->n; i++) {
		left += k->v[i].reset ? 0 : 1;
	}
	return left;
}
