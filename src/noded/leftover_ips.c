/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Public addresses still configured on this host when ctdb-noded starts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "noded/leftover_ips.h"

/* Compared as binary addresses: the text of an IPv6 address varies. */
static bool same_address(const struct public_ip *ip, const struct sockaddr *sa)
{
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} want;

	if (sa == NULL || sa->sa_family != ip->family) {
		return false;
	}
	if (inet_pton(ip->family, ip->address, &want) != 1) {
		return false;
	}
	if (ip->family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)
			(const void *)sa;

		return memcmp(&in->sin_addr, &want.v4, sizeof(want.v4)) == 0;
	}
	if (ip->family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)
			(const void *)sa;

		return memcmp(&in6->sin6_addr, &want.v6,
			      sizeof(want.v6)) == 0;
	}
	return false;
}

unsigned leftover_ips_match(const struct public_ip_list *ips,
			    const struct ifaddrs *ifa, bool *found)
{
	unsigned num = 0;
	unsigned i;

	for (i = 0; i < ips->num; i++) {
		const struct ifaddrs *a;

		found[i] = false;
		for (a = ifa; a != NULL; a = a->ifa_next) {
			if (same_address(&ips->ip[i], a->ifa_addr)) {
				found[i] = true;
				num++;
				break;
			}
		}
	}
	return num;
}

int leftover_ips_scan(TALLOC_CTX *mem_ctx, const struct public_ip_list *ips,
		      bool **pfound, unsigned *pnum)
{
	struct ifaddrs *ifa = NULL;
	bool *found;
	int ret;

	found = talloc_zero_array(mem_ctx, bool, ips->num + 1);
	if (found == NULL) {
		return ENOMEM;
	}
	ret = getifaddrs(&ifa);
	if (ret != 0) {
		ret = errno;
		talloc_free(found);
		return ret;
	}
	*pnum = leftover_ips_match(ips, ifa, found);
	freeifaddrs(ifa);
	*pfound = found;
	return 0;
}
