/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the public_addresses parser (public_ips_parse). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <talloc.h>

#include "fuzz/fuzz.h"
#include "noded/public_ips.h"

/*
 * Properties checked, beyond "no crash, no leak":
 *  - on failure nothing is returned or left on mem_ctx but the message;
 *    EINVAL comes with one line "<name>:<line>: <reason>";
 *  - every entry holds what public_ips.h promises: an address in
 *    canonical form for its family, a mask within the family's width, at
 *    least one interface, interface names a kernel would take, no
 *    interface twice, no address twice;
 *  - the list written back in the file format parses to the same list.
 */

#define IPS_NAME "fuzz_public_addresses"

/*
 * The kernel's dev_valid_name() less ':', which the parser accepts on
 * purpose (alias labels such as eth0:1, see test_public_ips.c), and
 * stricter: printable ASCII only, and ',' separates names.
 */
static void check_iface(const char *name)
{
	size_t len = strlen(name);
	size_t i;

	FUZZ_CHECK(len >= 1 && len <= 15);
	FUZZ_CHECK(strcmp(name, ".") != 0 && strcmp(name, "..") != 0);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		FUZZ_CHECK(c != '/' && c != ',');
		FUZZ_CHECK(isprint(c) && !isspace(c));
	}
}

static void check_entry(const struct public_ip *ip)
{
	unsigned char addr[sizeof(struct in6_addr)];
	char canon[INET6_ADDRSTRLEN];
	const char *str;
	unsigned i;
	unsigned j;
	int rc;

	FUZZ_CHECK(ip->family == AF_INET || ip->family == AF_INET6);
	FUZZ_CHECK(ip->bits <= (ip->family == AF_INET ? 32U : 128U));
	FUZZ_CHECK(ip->address != NULL);
	rc = inet_pton(ip->family, ip->address, addr);
	FUZZ_CHECK(rc == 1);
	str = inet_ntop(ip->family, addr, canon, sizeof(canon));
	FUZZ_CHECK(str != NULL && strcmp(canon, ip->address) == 0);

	FUZZ_CHECK(ip->num_ifaces >= 1 && ip->ifaces != NULL);
	/* Else the line would read as an address and a comment. */
	FUZZ_CHECK(ip->ifaces[0][0] != '#');
	for (i = 0; i < ip->num_ifaces; i++) {
		check_iface(ip->ifaces[i]);
		for (j = 0; j < i; j++) {
			FUZZ_CHECK(strcmp(ip->ifaces[i], ip->ifaces[j]) != 0);
		}
	}
}

static void check_list(const struct public_ip_list *list)
{
	unsigned i;
	unsigned j;

	FUZZ_CHECK(list->num == 0 || list->ip != NULL);
	for (i = 0; i < list->num; i++) {
		check_entry(&list->ip[i]);
		for (j = 0; j < i; j++) {
			bool same = list->ip[i].family == list->ip[j].family &&
				    strcmp(list->ip[i].address,
					   list->ip[j].address) == 0;

			FUZZ_CHECK(!same);
		}
	}
}

static bool same_entry(const struct public_ip *a, const struct public_ip *b)
{
	unsigned i;

	if (a->family != b->family || a->bits != b->bits ||
	    strcmp(a->address, b->address) != 0 ||
	    a->num_ifaces != b->num_ifaces) {
		return false;
	}
	for (i = 0; i < a->num_ifaces; i++) {
		if (strcmp(a->ifaces[i], b->ifaces[i]) != 0) {
			return false;
		}
	}
	return true;
}

static void check_round_trip(const struct public_ip_list *list)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct public_ip_list *again = NULL;
	char *text;
	char *errmsg = NULL;
	unsigned i;
	unsigned j;
	int ret;

	FUZZ_CHECK(mem != NULL);
	text = talloc_strdup(mem, "");
	for (i = 0; i < list->num; i++) {
		const struct public_ip *ip = &list->ip[i];

		text = talloc_asprintf_append(text, "%s/%u ", ip->address,
					      ip->bits);
		for (j = 0; j < ip->num_ifaces; j++) {
			text = talloc_asprintf_append(text, "%s%s",
						      j > 0 ? "," : "",
						      ip->ifaces[j]);
		}
		text = talloc_strdup_append(text, "\n");
		FUZZ_CHECK(text != NULL);
	}
	ret = public_ips_parse(mem, IPS_NAME, text, &again, &errmsg);
	if (ret != 0) {
		fprintf(stderr, "written back: %s\n", errmsg);
	}
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(again->num == list->num);
	for (i = 0; i < list->num; i++) {
		FUZZ_CHECK(same_entry(&again->ip[i], &list->ip[i]));
	}
	talloc_free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct public_ip_list *list = NULL;
	char *text;
	char *errmsg = NULL;
	int ret;

	FUZZ_CHECK(mem != NULL);
	/* A file holding a NUL is refused by conf_read_file: stop there. */
	text = talloc_strndup(NULL, (const char *)data, size);
	FUZZ_CHECK(text != NULL);

	ret = public_ips_parse(mem, IPS_NAME, text, &list, &errmsg);
	talloc_free(text);
	if (ret != 0) {
		FUZZ_CHECK(ret == EINVAL || ret == ENOMEM);
		FUZZ_CHECK(list == NULL);
		if (ret == EINVAL) {
			FUZZ_CHECK(errmsg != NULL);
			FUZZ_CHECK(strncmp(errmsg, IPS_NAME ":",
					   strlen(IPS_NAME ":")) == 0);
			FUZZ_CHECK(strchr(errmsg, '\n') == NULL);
		}
		FUZZ_CHECK(talloc_total_blocks(mem) ==
			   (errmsg != NULL ? 2U : 1U));
		talloc_free(mem);
		return 0;
	}

	FUZZ_CHECK(errmsg == NULL);
	FUZZ_CHECK(list != NULL);
	FUZZ_CHECK(talloc_parent(list) == mem);
	check_list(list);
	check_round_trip(list);
	talloc_free(mem);
	return 0;
}
