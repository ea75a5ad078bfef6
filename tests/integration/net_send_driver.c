/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Test driver for net_raw: "announce IFACE IP" sends one announcement,
 * "tickle SRC DST" one tickle ACK (ADDR:PORT or [ADDR6]:PORT).
 */
#include "common/net_raw.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct net_endpoint src, dst;
	int ret;

	if (argc == 4 && strcmp(argv[1], "announce") == 0) {
		ret = net_announce(argv[2], argv[3]);
	} else if (argc == 4 && strcmp(argv[1], "tickle") == 0) {
		if (net_endpoint_parse(argv[2], &src) != 0 ||
		    net_endpoint_parse(argv[3], &dst) != 0) {
			fprintf(stderr, "bad endpoint\n");
			return 2;
		}
		ret = net_send_tickle(&src, &dst);
	} else {
		fprintf(stderr, "usage: net_send_driver announce IFACE IP | "
				"tickle SRC DST\n");
		return 2;
	}
	if (ret != 0)
		fprintf(stderr, "net_send_driver: %s\n", strerror(ret));
	return ret == 0 ? 0 : 1;
}
