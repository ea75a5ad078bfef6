/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The node commands about addresses and interfaces, and those CTDB's
 * stock event scripts call (00.ctdb, 10.interface, 13.per_ip_routing):
 * ip, pnn, attach, checktcpport, gratarp, ifaces and setifacelink. Their
 * table entries are in node_commands.c.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <tevent.h>
#include <unistd.h>

#include "client/node_client.h"
#include "common/net_raw.h"
#include "protocol/node_protocol_api.h"
#include "tools/node_tool.h"
#include "tools/node_tool_private.h"

/*
 * The words of `ip`: all, and -v and -X, which the stock scripts put
 * after the command (`ctdb ip -v -X`). @return false for anything else.
 */
static bool ip_words(struct node_tool_ctx *t, int argc, const char **argv,
		     bool *all, bool *verbose)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "all") == 0) {
			*all = true;
		} else if (strcmp(argv[i], "-v") == 0) {
			*verbose = true;
		} else if (strcmp(argv[i], "-X") == 0) {
			if (t->fmt == &node_format_text) {
				t->fmt = &node_format_delimited;
			}
		} else {
			return false;
		}
	}
	return true;
}

/* The interfaces of list (comma-separated) whose link is up in links. */
static char *ifaces_up(TALLOC_CTX *mem_ctx, const char *list,
		       const struct ctdb_var_list *links)
{
	char *up = talloc_strdup(mem_ctx, "");
	size_t len;
	uint32_t i;

	while (up != NULL && *list != '\0') {
		len = strcspn(list, ",");
		for (i = 0; i < links->num; i++) {
			if (strlen(links->var[i].name) == len &&
			    strncmp(links->var[i].name, list, len) == 0 &&
			    links->var[i].value != 0) {
				up = talloc_asprintf_append(up, "%s%.*s",
							    up[0] == '\0' ? ""
									  : ",",
							    (int)len, list);
				break;
			}
		}
		list += len;
		if (*list == ',') {
			list++;
		}
	}
	return up;
}

/* ip -v: each address's available interfaces, and the active one here. */
static int ip_links(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		    uint32_t pnn, const struct ctdb_public_ip_list *ips,
		    struct node_ip_links **out)
{
	struct ctdb_var_list *links = NULL;
	struct node_ip_links *l;
	struct tevent_req *req;
	int err = ENOMEM;
	int result = 0;
	uint32_t i;
	bool ok;

	req = ctdb_node_ifaces_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_ifaces_recv(req, &err, &result, mem_ctx, &links);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to get interfaces from node %u: %s\n",
			pnn, strerror(result));
		return 1;
	}
	l = talloc_zero_array(mem_ctx, struct node_ip_links, ips->num + 1);
	for (i = 0; l != NULL && i < ips->num; i++) {
		char *up = ifaces_up(l, ips->ip[i].ifaces, links);

		if (up == NULL) {
			l = NULL;
			break;
		}
		l[i].available = up;
		l[i].active = ips->ip[i].pnn == (int32_t)pnn
				      ? talloc_strndup(l, up, strcspn(up, ","))
				      : "";
		if (l[i].active == NULL) {
			l = NULL;
			break;
		}
	}
	if (l == NULL) {
		fprintf(t->err, "Memory allocation error\n");
		return 1;
	}
	*out = l;
	return 0;
}

int cmd_ip(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv)
{
	struct ctdb_node_status *st = NULL;
	struct ctdb_public_ip_list *ips = NULL;
	struct node_ip_links *links = NULL;
	struct tevent_req *req;
	bool all = false;
	bool verbose = false;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	ok = ip_words(t, argc, argv, &all, &verbose);
	if (!ok) {
		return node_tool_usage(t);
	}
	/* The status gives the pnn for the heading. */
	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	req = ctdb_node_ips_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_ips_recv(req, &err, &result, mem_ctx, &ips);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to get Public IPs from node %u\n",
			st->this_pnn);
		return 1;
	}
	node_tool_sort_ips(ips);
	if (!verbose) {
		ret = t->fmt->ips(t->out, t->sep, st->this_pnn, all, ips);
		return node_tool_format_result(t, ret);
	}
	ret = ip_links(t, mem_ctx, st->this_pnn, ips, &links);
	if (ret != 0) {
		return ret;
	}
	ret = t->fmt->ips_verbose(t->out, t->sep, st->this_pnn, all, ips,
				  links);
	return node_tool_format_result(t, ret);
}

int cmd_pnn(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		   const char **argv)
{
	struct ctdb_node_status *st = NULL;
	bool ok;
	int ret;

	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	ret = t->fmt->pnn(t->out, st->this_pnn);
	return node_tool_format_result(t, ret);
}

/*
 * The node daemon keeps no databases, so there is nothing to attach:
 * after checking the words and that the daemon answers, succeed quietly,
 * as CTDB does for a database that is attached already (ctdb(1)).
 */
int cmd_attach(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		      int argc, const char **argv)
{
	struct ctdb_node_status *st = NULL;
	bool ok;

	if (argc > 2 && strcmp(argv[2], "persistent") != 0 &&
	    strcmp(argv[2], "replicated") != 0) {
		fprintf(t->err, "Invalid database type %s (want persistent "
			"or replicated)\n", argv[2]);
		return 1;
	}
	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	return 0;
}

/* A TCP port, 1 to 65535, in decimal. */
static bool parse_port(const char *s, uint16_t *port)
{
	unsigned long v;
	char *end = NULL;

	if (!isdigit((unsigned char)s[0])) {
		return false;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 65535) {
		return false;
	}
	*port = (uint16_t)v;
	return true;
}

/*
 * Is the port free on every IPv4 address? As CTDB: bind to it and say
 * "Failed to bind" with the errno as exit status when that fails.
 */
int cmd_checktcpport(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			    int argc, const char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint16_t port = 0;
	int one = 1;
	int fd;
	int ret;

	if (!parse_port(argv[1], &port)) {
		fprintf(t->err, "Invalid TCP port %s (want 1 to 65535)\n",
			argv[1]);
		return EINVAL;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1) {
		ret = errno;
		fprintf(t->err, "Failed to open local socket: %s\n",
			strerror(ret));
		return ret;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sin.sin_port = htons(port);
	ret = bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	ret = ret == -1 ? errno : 0;
	close(fd);
	if (ret != 0) {
		fprintf(t->err, "Failed to bind to TCP port %u\n", port);
		return ret;
	}
	return 0;
}

/* Tell the neighbours that IP is on IFACE now (root or CAP_NET_RAW). */
int cmd_gratarp(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		       int argc, const char **argv)
{
	int ret;

	ret = net_announce(argv[2], argv[1]);
	if (ret == EINVAL) {
		fprintf(t->err, "Invalid IP address %s\n", argv[1]);
		return 1;
	}
	if (ret == ENODEV) {
		fprintf(t->err, "Interface %s does not exist\n", argv[2]);
		return 1;
	}
	if (ret != 0) {
		fprintf(t->err, "Failed to send gratuitous ARP for %s on %s: "
			"%s\n", argv[1], argv[2], strerror(ret));
		return 1;
	}
	return 0;
}

/* The interface in links of that name, or NULL. */
static struct node_iface *iface_find(struct node_iface *ifaces, uint32_t num,
				     const char *name, size_t len)
{
	uint32_t i;

	for (i = 0; i < num; i++) {
		if (strlen(ifaces[i].name) == len &&
		    strncmp(ifaces[i].name, name, len) == 0) {
			return &ifaces[i];
		}
	}
	return NULL;
}

/*
 * An address held here counts once, for the first of its interfaces
 * whose link is up: the one that carries it.
 */
static void iface_count_reference(struct node_iface *ifaces, uint32_t num,
				  const char *list)
{
	struct node_iface *iface;
	size_t len;

	while (*list != '\0') {
		len = strcspn(list, ",");
		iface = iface_find(ifaces, num, list, len);
		if (iface != NULL && iface->link_up) {
			iface->references++;
			return;
		}
		list += len;
		if (*list == ',') {
			list++;
		}
	}
}

int cmd_ifaces(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		      int argc, const char **argv)
{
	struct ctdb_node_status *st = NULL;
	struct ctdb_public_ip_list *ips = NULL;
	struct ctdb_var_list *links = NULL;
	struct node_iface *ifaces;
	struct tevent_req *req;
	int err = ENOMEM;
	int result = 0;
	uint32_t i;
	bool ok;
	int ret;

	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	req = ctdb_node_ifaces_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_ifaces_recv(req, &err, &result, mem_ctx, &links);
	}
	if (ok && result == 0) {
		req = ctdb_node_ips_send(mem_ctx, t->ev, t->client);
		ok = node_tool_wait(t, req);
	}
	if (ok && result == 0) {
		ok = ctdb_node_ips_recv(req, &err, &result, mem_ctx, &ips);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to get interfaces from node %u: %s\n",
			st->this_pnn, strerror(result));
		return 1;
	}
	ifaces = talloc_zero_array(mem_ctx, struct node_iface, links->num);
	if (links->num > 0 && ifaces == NULL) {
		fprintf(t->err, "Memory allocation error\n");
		return 1;
	}
	for (i = 0; i < links->num; i++) {
		ifaces[i].name = links->var[i].name;
		ifaces[i].link_up = links->var[i].value != 0;
	}
	for (i = 0; i < ips->num; i++) {
		if (ips->ip[i].pnn == (int32_t)st->this_pnn) {
			iface_count_reference(ifaces, links->num,
					      ips->ip[i].ifaces);
		}
	}
	ret = t->fmt->ifaces(t->out, t->sep, st->this_pnn, ifaces,
			     links->num);
	return node_tool_format_result(t, ret);
}

int cmd_setifacelink(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			    int argc, const char **argv)
{
	struct tevent_req *req;
	int err = ENOMEM;
	int result = 0;
	struct ctdb_node_status *st = NULL;
	bool up = strcmp(argv[2], "up") == 0;
	bool ok;

	if (!up && strcmp(argv[2], "down") != 0) {
		fprintf(t->err, "Invalid link state %s (want up or down)\n",
			argv[2]);
		return 1;
	}
	/* The pnn, for CTDB's message about an unknown interface. */
	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	req = ctdb_node_setifacelink_send(mem_ctx, t->ev, t->client, argv[1],
					  up);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_setifacelink_recv(req, &err, &result);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result == ENOENT) {
		/* CTDB says this on stdout. */
		fprintf(t->msg, "Interface %s not configured on node %u\n",
			argv[1], st->this_pnn);
		return 1;
	}
	if (result != 0) {
		fprintf(t->err, "Failed to set link state of %s: %s\n",
			argv[1], strerror(result));
		return 1;
	}
	return 0;
}
