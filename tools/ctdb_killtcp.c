/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctdb_killtcp IFACE: reset the TCP connections read from standard input,
 * one "SRC DST" pair per line (ADDR:PORT or [ADDR6]:PORT), as CTDB's
 * helper of the same name does for the releaseip of 10.interface.
 *
 * How a connection we are no end of is reset: src/common/net_killtcp.h.
 * Tickles are repeated every 100 ms, at most 50 times.
 */
#include "common/net_killtcp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define USAGE "usage: ctdb_killtcp IFACE < connections\n" \
	      "  (one \"SRC DST\" pair per line: ADDR:PORT or [ADDR6]:PORT)\n"

/* One "SRC DST" line; blank lines are allowed (the shell adds them). */
static int parse_line(char *line, struct net_killtcp *k, unsigned lineno)
{
	char *src, *dst, *extra, *save = NULL;
	struct net_endpoint s, d;

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
	if (net_endpoint_parse(src, &s) != 0 ||
	    net_endpoint_parse(dst, &d) != 0 ||
	    s.ss.ss_family != d.ss.ss_family) {
		fprintf(stderr,
			"ctdb_killtcp: line %u: bad connection \"%s %s\"\n",
			lineno, src, dst);
		return EINVAL;
	}
	return net_killtcp_add(k, &s, &d);
}

static int read_connections(FILE *in, struct net_killtcp *k)
{
	char line[512];
	unsigned lineno = 0;
	int ret;

	while (fgets(line, sizeof(line), in) != NULL) {
		lineno++;
		ret = parse_line(line, k, lineno);
		if (ret != 0)
			return ret;
	}
	return ferror(in) ? EIO : 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read the capture until the round's end. */
static void capture_round(int fd, struct net_killtcp *k)
{
	long end = now_ms() + NET_KILLTCP_ROUND_MS;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (long left = NET_KILLTCP_ROUND_MS; left > 0; left = end - now_ms()) {
		if (poll(&pfd, 1, (int)left) <= 0)
			return;
		net_killtcp_read(k, fd);
	}
}

int main(int argc, char **argv)
{
	struct net_killtcp k;
	size_t left;
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
	net_killtcp_init(&k);
	if (read_connections(stdin, &k) != 0) {
		net_killtcp_free(&k);
		return 1;
	}
	if (k.n == 0)
		return 0;
	fd = net_killtcp_capture_open(argv[1]);
	if (fd == -1) {
		fprintf(stderr, "ctdb_killtcp: capture on %s: %s\n", argv[1],
			errno == ENODEV ? "no such interface" : strerror(errno));
		net_killtcp_free(&k);
		return 1;
	}
	for (attempt = 0; attempt < NET_KILLTCP_ATTEMPTS; attempt++) {
		if (net_killtcp_tickle(&k) == 0)
			break;
		capture_round(fd, &k);
	}
	close(fd);
	left = net_killtcp_remaining(&k);
	if (left > 0)
		fprintf(stderr, "ctdb_killtcp: %zu of %zu connections not reset\n",
			left, k.n);
	net_killtcp_free(&k);
	return 0;
}
