/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Marshalling of registered TCP connections (tickles): no I/O, no logging. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "protocol/tickle_wire.h"

#define ADDR_WORDS 4

bool ctdb_tickle_endpoint_is_valid(const struct net_endpoint *ep)
{
	return ep->ss.ss_family == AF_INET || ep->ss.ss_family == AF_INET6;
}

bool ctdb_tickle_conn_is_valid(const struct ctdb_tickle_conn *c)
{
	return ctdb_tickle_endpoint_is_valid(&c->src) &&
	       c->src.ss.ss_family == c->dst.ss.ss_family;
}

/* The address bytes and port of ep, whatever its family. */
static void endpoint_parts(const struct net_endpoint *ep,
			   uint8_t addr[16], uint16_t *port)
{
	const struct sockaddr_in *sin = (const void *)&ep->ss;
	const struct sockaddr_in6 *sin6 = (const void *)&ep->ss;

	memset(addr, 0, 16);
	if (ep->ss.ss_family == AF_INET) {
		memcpy(addr, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
		return;
	}
	memcpy(addr, &sin6->sin6_addr, 16);
	*port = ntohs(sin6->sin6_port);
}

void ctdb_tickle_endpoint_push(uint8_t *buf, size_t *offset,
			       const struct net_endpoint *ep)
{
	uint8_t addr[16];
	uint16_t port = 0;
	uint32_t word;
	int i;

	endpoint_parts(ep, addr, &port);
	ctdb_push_u32(buf, offset, ep->ss.ss_family);
	for (i = 0; i < ADDR_WORDS; i++) {
		memcpy(&word, addr + 4 * i, 4);
		ctdb_push_u32(buf, offset, word);
	}
	ctdb_push_u32(buf, offset, port);
}

/* The family, the 16 address bytes and the port, checked. */
static int endpoint_pull_parts(struct ctdb_pull_cursor *c, uint32_t *family,
			       uint8_t addr[16], uint32_t *port)
{
	uint32_t word;
	int ret;
	int i;

	ret = ctdb_pull_u32(c, family);
	for (i = 0; ret == 0 && i < ADDR_WORDS; i++) {
		ret = ctdb_pull_u32(c, &word);
		memcpy(addr + 4 * i, &word, 4);
	}
	if (ret == 0) {
		ret = ctdb_pull_u32(c, port);
	}
	if (ret != 0) {
		return ret;
	}
	if (*port > UINT16_MAX) {
		return EINVAL;
	}
	if (*family == AF_INET) {
		static const uint8_t zero[12];

		/* One encoding per address: the unused bytes are zero. */
		return memcmp(addr + 4, zero, sizeof(zero)) == 0 ? 0 : EINVAL;
	}
	return *family == AF_INET6 ? 0 : EINVAL;
}

int ctdb_tickle_endpoint_pull(struct ctdb_pull_cursor *c,
			      struct net_endpoint *ep)
{
	struct net_endpoint out = { .ss.ss_family = AF_UNSPEC };
	struct sockaddr_in *sin = (void *)&out.ss;
	struct sockaddr_in6 *sin6 = (void *)&out.ss;
	uint8_t addr[16];
	uint32_t family = 0;
	uint32_t port = 0;
	int ret;

	ret = endpoint_pull_parts(c, &family, addr, &port);
	if (ret != 0) {
		return ret;
	}
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, addr, 4);
		sin->sin_port = htons((uint16_t)port);
	} else {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, addr, 16);
		sin6->sin6_port = htons((uint16_t)port);
	}
	*ep = out;
	return 0;
}

size_t ctdb_tickle_list_len(const struct ctdb_tickle_list *list)
{
	size_t len = 4;
	uint32_t i;

	if (list == NULL || (list->num > 0 && list->conn == NULL)) {
		return 0;
	}
	for (i = 0; i < list->num; i++) {
		if (!ctdb_tickle_conn_is_valid(&list->conn[i])) {
			return 0;
		}
		len = ctdb_len_add(len, CTDB_TICKLE_CONN_WIRE_LEN);
	}
	return len;
}

void ctdb_tickle_list_push(uint8_t *buf, size_t *offset,
			   const struct ctdb_tickle_list *list)
{
	uint32_t i;

	ctdb_push_u32(buf, offset, list->num);
	for (i = 0; i < list->num; i++) {
		ctdb_tickle_endpoint_push(buf, offset, &list->conn[i].src);
		ctdb_tickle_endpoint_push(buf, offset, &list->conn[i].dst);
	}
}

static int conn_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
		     void *elem)
{
	struct ctdb_tickle_conn *conn = elem;
	int ret;

	ret = ctdb_tickle_endpoint_pull(c, &conn->src);
	if (ret != 0) {
		return ret;
	}
	ret = ctdb_tickle_endpoint_pull(c, &conn->dst);
	if (ret != 0) {
		return ret;
	}
	return ctdb_tickle_conn_is_valid(conn) ? 0 : EINVAL;
}

int ctdb_tickle_list_pull(struct ctdb_pull_cursor *c, TALLOC_CTX *mem_ctx,
			  struct ctdb_tickle_list **out)
{
	struct ctdb_tickle_list *list;
	void *conn = NULL;
	int ret;

	list = talloc_zero(mem_ctx, struct ctdb_tickle_list);
	if (list == NULL) {
		return ENOMEM;
	}
	ret = ctdb_pull_array(c, list, CTDB_TICKLE_CONN_WIRE_LEN,
			      sizeof(struct ctdb_tickle_conn),
			      "struct ctdb_tickle_conn", conn_pull, &list->num,
			      &conn);
	if (ret != 0) {
		talloc_free(list);
		return ret;
	}
	list->conn = conn;
	*out = list;
	return 0;
}

/* For the node protocol's messages (node_protocol.c). */

int ctdb_tickle_list_add_len(size_t len, const struct ctdb_tickle_list *l,
			     size_t *plen)
{
	size_t body = ctdb_tickle_list_len(l);

	if (body == 0) {
		return EINVAL;
	}
	*plen = ctdb_len_add(len, body);
	return 0;
}

int ctdb_tickle_endpoint_add_len(size_t len, const struct net_endpoint *addr,
				 size_t *plen)
{
	if (addr == NULL || !ctdb_tickle_endpoint_is_valid(addr)) {
		return EINVAL;
	}
	*plen = ctdb_len_add(len, CTDB_TICKLE_ENDPOINT_WIRE_LEN);
	return 0;
}

int ctdb_tickle_endpoint_pull_new(struct ctdb_pull_cursor *c,
				  TALLOC_CTX *mem_ctx, struct net_endpoint **out)
{
	struct net_endpoint *addr = talloc_zero(mem_ctx, struct net_endpoint);
	int ret;

	if (addr == NULL) {
		return ENOMEM;
	}
	ret = ctdb_tickle_endpoint_pull(c, addr);
	if (ret != 0) {
		talloc_free(addr);
		return ret;
	}
	*out = addr;
	return 0;
}
