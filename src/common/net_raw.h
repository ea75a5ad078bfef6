/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Sending failover packets on raw sockets (root, or CAP_NET_RAW):
 * announcements of a public address on an interface, and single TCP
 * segments (tickle ACKs, resets). All return 0 or an errno value.
 */
#ifndef CTDB_COMMON_NET_RAW_H
#define CTDB_COMMON_NET_RAW_H

#include "common/net_packet.h"

/*
 * Announce that ip (IPv4 or IPv6 text) is now on iface: a gratuitous ARP
 * request and an unsolicited ARP reply, or an unsolicited neighbour
 * advertisement to ff02::1. An interface without Ethernet addresses
 * (loopback) needs no announcement: 0, nothing sent, as CTDB does.
 * EINVAL for an address that does not parse, ENODEV for an unknown
 * interface.
 */
int net_announce(const char *iface, const char *ip);

/* Send one TCP segment with its IP header (see net_tcp_build). */
int net_send_tcp(const struct net_tcp_segment *seg);

/*
 * A tickle ACK from src to dst: ACK set, seq 0, ack 0, window
 * NET_TICKLE_WINDOW. The peer answers with an ACK carrying the real
 * sequence numbers; a host without the connection answers that with RST.
 */
int net_send_tickle(const struct net_endpoint *src,
		    const struct net_endpoint *dst);

#endif
