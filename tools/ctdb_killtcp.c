/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctdb_killtcp IFACE: reset the TCP connections read from standard input,
 * one "SRC DST" pair per line (ADDR:PORT or [ADDR6]:PORT), as CTDB's
 * helper of the same name does for the releaseip of 10.interface.
 *
 * A reset is only accepted with the right sequence number, which we do
 * not know. So for each pair we send a tickle ACK from DST to SRC
 * (seq 0, an out-of-window ACK), watch IFACE for SRC's answer, which
 * carries the real numbers, and send the reset from DST to SRC with them.
 * Our own packets carry window NET_TICKLE_WINDOW so the capture can skip
 * them. Tickles are repeated every 100 ms, at most 50 times.
 */
#include "common/net_raw.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ATTEMPTS 50
#define ROUND_MS 100
#define USAGE "usage: ctdb_killtcp IFACE < connections\n" \
	      "  (one \"SRC DST\" pair per line: ADDR:PORT or [ADDR6]:PORT)\n"

struct conn {
	struct net_endpoint src;
	struct net_endpoint dst;
	bool reset;
};

struct conn_list {
	struct conn *v;
	size_t n;
	size_t alloc;
};

static int conn_list_add(struct conn_list *l, const struct conn *c)
{
	if (l->n == l->alloc) {
		size_t alloc = l->alloc ? l->alloc * 2 : 16;
		struct conn *v = realloc(l->v, alloc * sizeof(*v));

		if (v == NULL)
			return ENOMEM;
		l->v = v;
		l->alloc = alloc;
	}
	l->v[l->n++] = *c;
	return 0;
}

/* One "SRC DST" line; blank lines are allowed (the shell adds them). */
static int parse_line(char *line, struct conn_list *l, unsigned lineno)
{
	char *src, *dst, *extra, *save = NULL;
	struct conn c = { .reset = false };

	src = strtok_r(line, " \t\n", &save);
	if (src == NULL)
		return 0;
	dst = strtok_r(NULL, " \t\n", &save);
	extra = strtok_r(NULL, " \t\n", &save);
	if (dst == NULL || extra != NULL) {
		fprintf(stderr, "ctdb_killtcp: line %u: expected \"SRC DST\"\n",
			lineno);
		return EINVAL;
	}
	if (net_endpoint_parse(src, &c.src) != 0 ||
	    net_endpoint_parse(dst, &c.dst) != 0 ||
	    c.src.ss.ss_family != c.dst.ss.ss_family) {
		fprintf(stderr,
			"ctdb_killtcp: line %u: bad connection \"%s %s\"\n",
			lineno, src, dst);
		return EINVAL;
	}
	return conn_list_add(l, &c);
}

static int read_connections(FILE *in, struct conn_list *l)
{
	char line[512];
	unsigned lineno = 0;
	int ret;

	while (fgets(line, sizeof(line), in) != NULL) {
		lineno++;
		ret = parse_line(line, l, lineno);
		if (ret != 0)
			return ret;
	}
	return ferror(in) ? EIO : 0;
}

static int open_capture(const char *iface)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int fd;

	sll.sll_ifindex = (int)if_nametoindex(iface);
	if (sll.sll_ifindex == 0) {
		fprintf(stderr, "ctdb_killtcp: no interface %s\n", iface);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd == -1 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		fprintf(stderr, "ctdb_killtcp: capture on %s: %s\n", iface,
			strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* SRC's answer to our tickle: reset the connection with its numbers. */
static void answer_seen(struct conn_list *l, const struct net_tcp_segment *seg)
{
	size_t i;

	if (!seg->ack || seg->rst || seg->window == NET_TICKLE_WINDOW)
		return;
	for (i = 0; i < l->n; i++) {
		struct conn *c = &l->v[i];
		struct net_tcp_segment rst = {
			.src = c->dst,
			.dst = c->src,
			.seq = seg->ack_seq,
			.ack_seq = seg->seq,
			.ack = true,
			.rst = true,
			.window = NET_TICKLE_WINDOW,
		};

		if (c->reset || !net_endpoint_equal(&c->src, &seg->src) ||
		    !net_endpoint_equal(&c->dst, &seg->dst))
			continue;
		if (net_send_tcp(&rst) == 0)
			c->reset = true;
	}
}

static size_t tickle_remaining(struct conn_list *l)
{
	size_t i, left = 0;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].reset)
			continue;
		left++;
		(void)net_send_tickle(&l->v[i].dst, &l->v[i].src);
	}
	return left;
}

static size_t count_remaining(const struct conn_list *l)
{
	size_t i, left = 0;

	for (i = 0; i < l->n; i++)
		left += l->v[i].reset ? 0 : 1;
	return left;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read the capture until the round's end. */
static void capture_round(int fd, struct conn_list *l)
{
	long end = now_ms() + ROUND_MS;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t pkt[2048];
	struct net_tcp_segment seg;
	ssize_t n;

	for (long left = ROUND_MS; left > 0; left = end - now_ms()) {
		if (poll(&pfd, 1, (int)left) <= 0)
			return;
		n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n > 0 && net_tcp_parse(pkt, (size_t)n, &seg) == 0)
			answer_seen(l, &seg);
	}
}

int main(int argc, char **argv)
{
	struct conn_list l = { NULL, 0, 0 };
	size_t left = 0;
	int fd, attempt;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
			  strcmp(argv[1], "--help") == 0)) {
		printf(USAGE);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, USAGE);
		return 1;
	}
	if (read_connections(stdin, &l) != 0)
		return 1;
	if (l.n == 0)
		return 0;
	fd = open_capture(argv[1]);
	if (fd == -1)
		return 1;
	for (attempt = 0; attempt < ATTEMPTS; attempt++) {
		left = tickle_remaining(&l);
		if (left == 0)
			break;
		capture_round(fd, &l);
	}
	close(fd);
	left = count_remaining(&l);
	if (left > 0)
		fprintf(stderr, "ctdb_killtcp: %zu of %zu connections not reset\n",
			left, l.n);
	free(l.v);
	return 0;
}
