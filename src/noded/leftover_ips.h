/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Public addresses still configured on this host when ctdb-noded starts. */
#ifndef CTDB_NODED_LEFTOVER_IPS_H
#define CTDB_NODED_LEFTOVER_IPS_H

#include <ifaddrs.h>
#include <stdbool.h>
#include <talloc.h>

#include "noded/public_ips.h"

/*
 * A ctdb-noded killed with SIGKILL leaves its public addresses on the
 * interfaces. With a cluster, the others take them within milliseconds,
 * so a daemon started after it must release them before it joins, or an
 * address would be configured on two nodes. CTDB learns what it holds
 * from the kernel for the same reason.
 */

/**
 * Which of ips are among the addresses in ifa (a getifaddrs() list;
 * entries without an address or of another family are skipped).
 * @param found an array of ips->num flags, set to true for each one.
 * @return the number found.
 */
unsigned leftover_ips_match(const struct public_ip_list *ips,
			    const struct ifaddrs *ifa, bool *found);

/**
 * The same from this host's interfaces (getifaddrs).
 * @param pfound a new array of ips->num flags on mem_ctx.
 * @return 0 or an errno (getifaddrs failed, ENOMEM).
 */
int leftover_ips_scan(TALLOC_CTX *mem_ctx, const struct public_ip_list *ips,
		      bool **pfound, unsigned *pnum);

#endif
