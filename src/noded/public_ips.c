/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parser for CTDB's public_addresses file, checking every line. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/conf.h"
#include "common/line_file.h"
#include "noded/public_ips.h"

/* Linux's IFNAMSIZ less the terminating NUL. */
#define IFACE_NAME_MAX 15

/*
 * Everything is built on tmp and handed to the caller only when the whole
 * file is good, so a bad line never leaves half a list behind.
 */
struct public_ips_parser {
	TALLOC_CTX *tmp;
	struct public_ip_list *list;
	unsigned *lineno; /* line of each entry, to name the first copy */
	char *reason;     /* on tmp, set by fail() */
};

static int fail(struct public_ips_parser *p, const char *fmt, ...)
	PRINTF_ATTRIBUTE(2, 3);

static int fail(struct public_ips_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	p->reason = talloc_vasprintf(p->tmp, fmt, ap);
	va_end(ap);
	if (p->reason == NULL) {
		return ENOMEM;
	}
	return EINVAL;
}

/*
 * The kernel's rules for a name "ip link" accepts, so a typo is caught
 * here rather than by a failing takeip script later.
 */
static int check_iface_name(struct public_ips_parser *p, const char *name,
			    size_t len)
{
	size_t i;

	if (len == 0) {
		return fail(p, "empty interface name");
	}
	if (len > IFACE_NAME_MAX) {
		return fail(p,
			    "interface name '%.*s' longer than %d characters",
			    (int)len, name, IFACE_NAME_MAX);
	}
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.')) {
		return fail(p, "invalid interface name '%.*s'", (int)len,
			    name);
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || isspace(c) || !isprint(c)) {
			return fail(p, "invalid interface name '%.*s'",
				    (int)len, name);
		}
	}
	return 0;
}

static bool iface_seen(const struct public_ip *ip, const char *name,
		       size_t len)
{
	unsigned i;

	for (i = 0; i < ip->num_ifaces; i++) {
		bool same = (strlen(ip->ifaces[i]) == len &&
			     strncmp(ip->ifaces[i], name, len) == 0);

		if (same) {
			return true;
		}
	}
	return false;
}

/* Split "eth0,eth1" into ip->ifaces, checking each name. */
static int parse_ifaces(struct public_ips_parser *p, const char *text,
			struct public_ip *ip)
{
	const char *s;
	unsigned max = 1;
	int ret;

	for (s = text; *s != '\0'; s++) {
		if (*s == ',') {
			max++;
		}
	}
	ip->ifaces = talloc_zero_array(p->list, char *, max);
	if (ip->ifaces == NULL) {
		return ENOMEM;
	}
	ip->num_ifaces = 0;
	s = text;
	while (true) {
		size_t len = strcspn(s, ",");
		bool dup;

		ret = check_iface_name(p, s, len);
		if (ret != 0) {
			return ret;
		}
		dup = iface_seen(ip, s, len);
		if (dup) {
			return fail(p, "duplicate interface '%.*s'", (int)len,
				    s);
		}
		ip->ifaces[ip->num_ifaces] = talloc_strndup(ip->ifaces, s, len);
		if (ip->ifaces[ip->num_ifaces] == NULL) {
			return ENOMEM;
		}
		ip->num_ifaces++;
		if (s[len] == '\0') {
			break;
		}
		s += len + 1;
	}
	return 0;
}

/*
 * "addr/bits" into ip. The mask is required, as CTDB requires it, and the
 * address is stored in inet_ntop's canonical text so "fd00:0::1" and
 * "fd00::1" are recognised as the same address.
 */
static int parse_address(struct public_ips_parser *p, char *text,
			 struct public_ip *ip)
{
	unsigned char addr[sizeof(struct in6_addr)];
	char canon[INET6_ADDRSTRLEN];
	char *slash = strchr(text, '/');
	unsigned long max_bits;
	unsigned long bits = 0;
	const char *str;
	bool ok;
	int rc;

	if (slash != NULL) {
		*slash = '\0';
	}
	ip->family = AF_INET;
	max_bits = 32;
	rc = inet_pton(AF_INET, text, addr);
	if (rc != 1) {
		ip->family = AF_INET6;
		max_bits = 128;
		rc = inet_pton(AF_INET6, text, addr);
	}
	if (rc != 1) {
		return fail(p, "invalid address '%s'", text);
	}
	if (slash == NULL) {
		return fail(p, "missing '/bits' after address '%s'", text);
	}
	ok = conf_parse_uint(slash + 1, max_bits, &bits);
	if (!ok) {
		return fail(p, "invalid mask '/%s' for %s address '%s', "
			       "expected 0..%lu",
			    slash + 1, ip->family == AF_INET ? "IPv4" : "IPv6",
			    text, max_bits);
	}
	ip->bits = (unsigned)bits;
	str = inet_ntop(ip->family, addr, canon, sizeof(canon));
	if (str == NULL) {
		return errno;
	}
	ip->address = talloc_strdup(p->list, canon);
	if (ip->address == NULL) {
		return ENOMEM;
	}
	return 0;
}

/* @return the index of an earlier entry with the same address, or -1. */
static int find_address(const struct public_ip_list *list,
			const struct public_ip *ip)
{
	unsigned i;

	for (i = 0; i < list->num; i++) {
		bool same = (list->ip[i].family == ip->family &&
			     strcmp(list->ip[i].address, ip->address) == 0);

		if (same) {
			return (int)i;
		}
	}
	return -1;
}

static char *next_field(char **ps)
{
	char *s = *ps;
	char *start;

	while (isspace((unsigned char)*s)) {
		s++;
	}
	if (*s == '\0') {
		*ps = s;
		return NULL;
	}
	start = s;
	while (*s != '\0' && !isspace((unsigned char)*s)) {
		s++;
	}
	if (*s != '\0') {
		*s++ = '\0';
	}
	*ps = s;
	return start;
}

/* Append an entry to the list; the arrays grow by one per line. */
static int append_ip(struct public_ips_parser *p, const struct public_ip *ip,
		     unsigned lineno)
{
	struct public_ip_list *list = p->list;
	struct public_ip *arr;
	unsigned *lines;

	arr = talloc_realloc(list, list->ip, struct public_ip, list->num + 1);
	if (arr == NULL) {
		return ENOMEM;
	}
	list->ip = arr;
	lines = talloc_realloc(p->tmp, p->lineno, unsigned, list->num + 1);
	if (lines == NULL) {
		return ENOMEM;
	}
	p->lineno = lines;
	list->ip[list->num] = *ip;
	p->lineno[list->num] = lineno;
	list->num++;
	return 0;
}

static int parse_line(struct public_ips_parser *p, char *line,
		      unsigned lineno)
{
	struct public_ip ip = {0};
	char *rest = line;
	char *addr;
	char *ifaces;
	char *extra;
	int dup;
	int ret;

	addr = next_field(&rest);
	if (addr == NULL || addr[0] == '#') {
		return 0;
	}
	ifaces = next_field(&rest);
	extra = next_field(&rest);
	ret = parse_address(p, addr, &ip);
	if (ret != 0) {
		return ret;
	}
	if (ifaces == NULL || ifaces[0] == '#') {
		return fail(p, "missing interface after '%s/%u'", ip.address,
			    ip.bits);
	}
	/* CTDB ignores trailing text; we refuse it unless it is a comment. */
	if (extra != NULL && extra[0] != '#') {
		return fail(p, "unexpected text '%s' after interfaces", extra);
	}
	ret = parse_ifaces(p, ifaces, &ip);
	if (ret != 0) {
		return ret;
	}
	dup = find_address(p->list, &ip);
	if (dup >= 0) {
		return fail(p, "duplicate address '%s', first on line %u",
			    ip.address, p->lineno[dup]);
	}
	return append_ip(p, &ip, lineno);
}

/* line_file callback: only a bad line (EINVAL) carries a reason. */
static int public_ips_line(TALLOC_CTX *mem_ctx, char *line, unsigned lineno,
			   void *private_data, char **reason)
{
	struct public_ips_parser *p = private_data;
	int ret;

	ret = parse_line(p, line, lineno);
	if (ret == EINVAL) {
		*reason = talloc_steal(mem_ctx, p->reason);
	}
	return ret;
}

static struct public_ips_parser *parser_new(TALLOC_CTX *mem_ctx)
{
	struct public_ips_parser *p;

	p = talloc_zero(mem_ctx, struct public_ips_parser);
	if (p == NULL) {
		return NULL;
	}
	p->tmp = p;
	p->list = talloc_zero(p, struct public_ip_list);
	if (p->list == NULL) {
		talloc_free(p);
		return NULL;
	}
	return p;
}

int public_ips_parse(TALLOC_CTX *mem_ctx, const char *name, const char *text,
		     struct public_ip_list **out, char **errmsg)
{
	struct public_ips_parser *p = parser_new(mem_ctx);
	int ret;

	if (p == NULL) {
		return ENOMEM;
	}
	ret = line_file_parse_text(mem_ctx, name, text, "#", public_ips_line,
				   p, errmsg);
	if (ret == 0) {
		*out = talloc_steal(mem_ctx, p->list);
	}
	talloc_free(p);
	return ret;
}

int public_ips_load(TALLOC_CTX *mem_ctx, const char *path,
		    struct public_ip_list **out, char **errmsg)
{
	struct public_ips_parser *p = parser_new(mem_ctx);
	int ret;

	if (p == NULL) {
		return ENOMEM;
	}
	ret = line_file_parse(mem_ctx, path, "#", public_ips_line, p, errmsg);
	if (ret == ENOENT) {
		/* CTDB runs without public IPs when the file is absent. */
		ret = 0;
	}
	if (ret == 0) {
		*out = talloc_steal(mem_ctx, p->list);
	}
	talloc_free(p);
	return ret;
}
