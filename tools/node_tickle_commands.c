/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The tickle commands: addtickle, deltickle and gettickles, as CTDB 4.17
 * has them (what 10.interface and the functions' update_tickles call).
 * A connection is "SRC DST": SRC the client, DST the public address and
 * the server's port. Their table entries are in node_commands.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <tevent.h>

#include "client/node_client.h"
#include "tools/node_tool.h"
#include "tools/node_tool_private.h"
#include "tools/tool_format.h"

/* A line of standard input longer than this is no connection. */
#define TICKLE_LINE_MAX 512
/*
 * Connections per request: the daemon takes requests up to 64 KiB, and
 * a connection is 48 bytes on the wire.
 */
#define TICKLE_BATCH 1000

/* "ADDR:PORT" or "[ADDR6]:PORT" into ep; an error message on t->err. */
static bool parse_endpoint(struct node_tool_ctx *t, const char *text,
			   struct net_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (net_endpoint_parse(text, ep) != 0) {
		fprintf(t->err, "Invalid IP address %s\n", text);
		return false;
	}
	return true;
}

static bool parse_conn(struct node_tool_ctx *t, const char *src,
		       const char *dst, struct ctdb_tickle_conn *c)
{
	if (!parse_endpoint(t, src, &c->src) ||
	    !parse_endpoint(t, dst, &c->dst)) {
		return false;
	}
	if (c->src.ss.ss_family != c->dst.ss.ss_family) {
		fprintf(t->err, "Invalid connection %s %s: mixed families\n",
			src, dst);
		return false;
	}
	return true;
}

/* One "SRC DST" line into list; blank lines are skipped. */
static int read_line(struct node_tool_ctx *t, char *line, unsigned lineno,
		     struct ctdb_tickle_list *list)
{
	char *save = NULL;
	char *src = strtok_r(line, " \t\n", &save);
	char *dst = strtok_r(NULL, " \t\n", &save);
	char *extra = strtok_r(NULL, " \t\n", &save);
	struct ctdb_tickle_conn *conn;

	if (src == NULL) {
		return 0;
	}
	if (dst == NULL || extra != NULL) {
		fprintf(t->err, "Line %u: expected \"SRC DST\"\n", lineno);
		return EINVAL;
	}
	conn = talloc_realloc(list, list->conn, struct ctdb_tickle_conn,
			      list->num + 1);
	if (conn == NULL) {
		return ENOMEM;
	}
	list->conn = conn;
	if (!parse_conn(t, src, dst, &conn[list->num])) {
		return EINVAL;
	}
	list->num++;
	return 0;
}

/* The connections on standard input, as CTDB reads them without args. */
static int read_connections(struct node_tool_ctx *t, FILE *in,
			    struct ctdb_tickle_list *list)
{
	char line[TICKLE_LINE_MAX];
	unsigned lineno = 0;
	int ret;

	while (fgets(line, sizeof(line), in) != NULL) {
		lineno++;
		ret = read_line(t, line, lineno, list);
		if (ret != 0) {
			return ret;
		}
	}
	return ferror(in) ? EIO : 0;
}

/* What a refused registration means, beyond CTDB's one line. */
static void why_refused(struct node_tool_ctx *t, int result)
{
	if (result == ENOSPC) {
		fprintf(t->err, "Too many connections registered for that "
			"address (at most %u)\n", CTDB_TICKLES_MAX_PER_IP);
	} else if (result == ENOENT) {
		fprintf(t->err, "DST is not a public address of this node\n");
	}
}

/* One request; @return false after a transport error (said on t->err). */
static bool send_chunk(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		       bool add, const struct ctdb_tickle_list *chunk,
		       int *result, int *status)
{
	struct tevent_req *req;
	int err = ENOMEM;
	bool ok;

	req = ctdb_node_tickles_send(mem_ctx, t->ev, t->client, add, chunk);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_tickles_recv(req, &err, result);
	}
	if (!ok) {
		*status = node_tool_transport_error(t, err);
	}
	return ok;
}

static int send_tickles(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			bool add, const struct ctdb_tickle_list *list,
			bool batch)
{
	struct ctdb_tickle_list chunk;
	int status = 1;
	int result = 0;
	int first = 0;
	uint32_t done;

	/* Every chunk is sent: one failure does not hide the others. */
	for (done = 0; done < list->num; done += chunk.num) {
		chunk.conn = list->conn + done;
		chunk.num = list->num - done;
		if (chunk.num > TICKLE_BATCH) {
			chunk.num = TICKLE_BATCH;
		}
		if (!send_chunk(t, mem_ctx, add, &chunk, &result, &status)) {
			return status;
		}
		if (first == 0) {
			first = result;
		}
	}
	result = first;
	if (result == 0) {
		return 0;
	}
	if (batch) {
		fprintf(t->err, "Failed to %s %u tickles\n",
			add ? "add" : "remove", list->num);
	} else {
		fprintf(t->err, "Failed to %s connection\n",
			add ? "register" : "unregister");
	}
	why_refused(t, result);
	return 1;
}

static int tickle_update(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			 bool add, int argc, const char **argv)
{
	struct ctdb_tickle_list *list;
	struct ctdb_tickle_conn conn;
	int ret;

	if (argc == 3) {
		struct ctdb_tickle_list one = { .num = 1, .conn = &conn };

		memset(&conn, 0, sizeof(conn));
		if (!parse_conn(t, argv[1], argv[2], &conn)) {
			return 1;
		}
		return send_tickles(t, mem_ctx, add, &one, false);
	}
	if (argc != 1) {
		return node_tool_usage(t);
	}
	list = talloc_zero(mem_ctx, struct ctdb_tickle_list);
	if (list == NULL) {
		return 1;
	}
	ret = read_connections(t, stdin, list);
	if (ret != 0) {
		return 1;
	}
	if (list->num == 0) {
		return 0;
	}
	return send_tickles(t, mem_ctx, add, list, true);
}

int cmd_addtickle(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv)
{
	return tickle_update(t, mem_ctx, true, argc, argv);
}

int cmd_deltickle(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv)
{
	return tickle_update(t, mem_ctx, false, argc, argv);
}

/* An address without a port, as ctdb takes it: "10.0.0.1", "fd00::1". */
static bool parse_address(const char *text, struct net_endpoint *ep)
{
	char buf[128];
	int n;

	n = snprintf(buf, sizeof(buf),
		     strchr(text, ':') != NULL ? "[%s]:0" : "%s:0", text);
	if (n < 0 || (size_t)n >= sizeof(buf) || text[0] == '[') {
		return false;
	}
	memset(ep, 0, sizeof(*ep));
	return net_endpoint_parse(buf, ep) == 0;
}

static bool parse_port_filter(const char *text, uint16_t *port)
{
	char *end = NULL;
	unsigned long v;

	if (text[0] < '0' || text[0] > '9') {
		return false;
	}
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT16_MAX) {
		return false;
	}
	*port = (uint16_t)v;
	return true;
}

static uint16_t endpoint_port(const struct net_endpoint *ep)
{
	const struct sockaddr_in *sin = (const void *)&ep->ss;
	const struct sockaddr_in6 *sin6 = (const void *)&ep->ss;

	return ntohs(ep->ss.ss_family == AF_INET ? sin->sin_port
						 : sin6->sin6_port);
}

/* The address of ep without its port, into buf. */
static const char *endpoint_address(const struct net_endpoint *ep, char *buf,
				    size_t len)
{
	const struct sockaddr_in *sin = (const void *)&ep->ss;
	const struct sockaddr_in6 *sin6 = (const void *)&ep->ss;
	const void *a = ep->ss.ss_family == AF_INET ? (const void *)&sin->sin_addr
						    : (const void *)&sin6->sin6_addr;

	if (inet_ntop(ep->ss.ss_family, a, buf, (socklen_t)len) == NULL) {
		return "?";
	}
	return buf;
}

/* Is c shown under the port filter (0: every port)? Its DST's port. */
static bool port_matches(const struct ctdb_tickle_conn *c, uint16_t port)
{
	return port == 0 || endpoint_port(&c->dst) == port;
}

static int print_text(struct node_tool_ctx *t, const char *ip,
		      const struct ctdb_tickle_list *list, uint16_t port)
{
	char src[64], dst[64];
	uint32_t i;

	fprintf(t->out, "Connections for IP: %s\n", ip);
	/* CTDB counts every connection, also those the port hides. */
	fprintf(t->out, "Num connections: %u\n", list->num);
	for (i = 0; i < list->num; i++) {
		const struct ctdb_tickle_conn *c = &list->conn[i];

		if (!port_matches(c, port)) {
			continue;
		}
		fprintf(t->out, "SRC: %s   DST: %s\n",
			net_endpoint_string(&c->src, src, sizeof(src)),
			net_endpoint_string(&c->dst, dst, sizeof(dst)));
	}
	return 0;
}

static int print_delimited(struct node_tool_ctx *t,
			   const struct ctdb_tickle_list *list, uint16_t port)
{
	char s = t->sep;
	char src[64], dst[64];
	uint32_t i;

	/* CTDB's header, its spelling included: scripts skip it by line. */
	fprintf(t->out, "%cSource IP%cPort%cDestiation IP%cPort%c\n", s, s, s,
		s, s);
	for (i = 0; i < list->num; i++) {
		const struct ctdb_tickle_conn *c = &list->conn[i];

		if (!port_matches(c, port)) {
			continue;
		}
		fprintf(t->out, "%c%s%c%u%c%s%c%u%c\n", s,
			endpoint_address(&c->src, src, sizeof(src)), s,
			endpoint_port(&c->src), s,
			endpoint_address(&c->dst, dst, sizeof(dst)), s,
			endpoint_port(&c->dst), s);
	}
	return 0;
}

/* {"ip": IP, "connections": [{"src": "A:P", "dst": "B:Q"}, ...]} */
static int print_json(struct node_tool_ctx *t, const char *ip,
		      const struct ctdb_tickle_list *list, uint16_t port)
{
	json_t *conns = json_array();
	json_t *j = json_pack("{s:s, s:o}", "ip", ip, "connections", conns);
	char src[64], dst[64];
	uint32_t i;
	int ret = 0;

	for (i = 0; j != NULL && i < list->num && ret == 0; i++) {
		const struct ctdb_tickle_conn *c = &list->conn[i];

		if (!port_matches(c, port)) {
			continue;
		}
		ret = json_array_append_new(
			conns,
			json_pack("{s:s, s:s}", "src",
				  net_endpoint_string(&c->src, src,
						      sizeof(src)),
				  "dst",
				  net_endpoint_string(&c->dst, dst,
						      sizeof(dst))));
	}
	if (ret != 0) {
		json_decref(j);
		j = NULL;
	}
	return tool_json_emit(t->out, j);
}

int cmd_gettickles(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		   const char **argv)
{
	struct ctdb_tickle_list *list = NULL;
	struct net_endpoint addr;
	struct tevent_req *req;
	uint16_t port = 0;
	int err = ENOMEM;
	int result = 0;
	char ip[64];
	bool ok;
	int ret;

	if (!parse_address(argv[1], &addr)) {
		fprintf(t->err, "Invalid IP address %s\n", argv[1]);
		return 1;
	}
	if (argc == 3 && !parse_port_filter(argv[2], &port)) {
		fprintf(t->err, "Invalid port %s\n", argv[2]);
		return 1;
	}
	req = ctdb_node_gettickles_send(mem_ctx, t->ev, t->client, &addr);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_gettickles_recv(req, &err, &result, mem_ctx,
					       &list);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to get list of connections\n");
		if (result == ENOENT) {
			fprintf(t->err, "%s is not a public address\n",
				argv[1]);
		}
		return 1;
	}
	endpoint_address(&addr, ip, sizeof(ip));
	if (t->fmt == &node_format_json) {
		ret = print_json(t, ip, list, port);
	} else if (t->fmt == &node_format_delimited) {
		ret = print_delimited(t, list, port);
	} else {
		ret = print_text(t, ip, list, port);
	}
	return node_tool_format_result(t, ret);
}
