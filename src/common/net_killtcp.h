/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Resetting TCP connections we are not an end of, as CTDB's killtcp:
 * the core shared by the ctdb_killtcp helper (a poll loop) and
 * ctdb-noded (its event loop).
 *
 * A reset is only accepted with the right sequence number, which we do
 * not know. So for each connection "SRC DST" a tickle ACK goes from DST
 * to SRC (seq 0, out of window); SRC answers with an ACK that carries
 * the real numbers, which a capture on the interface sees; the reset
 * goes from DST to SRC with them. Our own packets carry window
 * NET_TICKLE_WINDOW, so the capture skips them. The caller repeats
 * net_killtcp_tickle() every NET_KILLTCP_ROUND_MS, at most
 * NET_KILLTCP_ATTEMPTS times, reading the capture in between. Raw
 * sockets: root or CAP_NET_RAW.
 */
#ifndef CTDB_COMMON_NET_KILLTCP_H
#define CTDB_COMMON_NET_KILLTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/net_packet.h"

#define NET_KILLTCP_ATTEMPTS 50
#define NET_KILLTCP_ROUND_MS 100

struct net_killtcp_conn {
	struct net_endpoint src;
	struct net_endpoint dst;
	bool reset;
};

struct net_killtcp {
	struct net_killtcp_conn *v;
	size_t n;
	size_t alloc;
};

void net_killtcp_init(struct net_killtcp *k);
void net_killtcp_free(struct net_killtcp *k);

/* Add "SRC DST". @return 0, EINVAL for mixed families, ENOMEM. */
int net_killtcp_add(struct net_killtcp *k, const struct net_endpoint *src,
		    const struct net_endpoint *dst);

/*
 * A capture of every packet on iface (non-blocking, close-on-exec).
 * @return the fd, or -1 with errno (ENODEV for an unknown interface).
 */
int net_killtcp_capture_open(const char *iface);

/* Send a tickle for every connection not yet reset. @return how many. */
size_t net_killtcp_tickle(struct net_killtcp *k);

/* Read what the capture holds now, resetting the connections answered. */
void net_killtcp_read(struct net_killtcp *k, int fd);

/* One captured IP packet (no link header): an answer resets its conn. */
void net_killtcp_packet(struct net_killtcp *k, const uint8_t *pkt,
			size_t len);

/* The connections not reset yet. */
size_t net_killtcp_remaining(const struct net_killtcp *k);

#endif
