/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The public_addresses file: "IP/bits iface[,iface...]" per line. */
#ifndef CTDB_NODED_PUBLIC_IPS_H
#define CTDB_NODED_PUBLIC_IPS_H

#include <stdbool.h>
#include <talloc.h>

struct public_ip {
	char *address;   /* canonical text, e.g. "10.0.0.1" or "fd00::1" */
	unsigned bits;
	int family;      /* AF_INET or AF_INET6 */
	char **ifaces;   /* at least one */
	unsigned num_ifaces;
};

struct public_ip_list {
	unsigned num;
	struct public_ip *ip;
};

/**
 * Parse a public_addresses file (CTDB's format: "IP/bits iface[,iface]",
 * '#' comments and blank lines ignored). Every line is checked: bad
 * address, missing or out-of-range mask, missing interface, bad interface
 * name, duplicate address.
 * @return 0 (a missing file gives an empty list), or an errno with
 * *errmsg "<path>:<line>: <reason>"; nothing is returned on error.
 */
int public_ips_load(TALLOC_CTX *mem_ctx, const char *path,
		    struct public_ip_list **out, char **errmsg);

/** The same from text in memory; name is used in messages. */
int public_ips_parse(TALLOC_CTX *mem_ctx, const char *name, const char *text,
		     struct public_ip_list **out, char **errmsg);

#endif
