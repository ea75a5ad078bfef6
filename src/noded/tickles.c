/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The TCP connections registered for each public address (tickles). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "noded/tickles.h"

struct tickle_ip {
	struct net_endpoint addr; /* the public address, port 0 */
	struct ctdb_tickle_list list;
	uint32_t alloc;
	uint64_t generation;
};

struct tickles {
	struct tickle_ip *ip;
	unsigned num;
	uint32_t max;
};

static int endpoint_from_address(const char *text, struct net_endpoint *ep)
{
	struct sockaddr_in *sin = (void *)&ep->ss;
	struct sockaddr_in6 *sin6 = (void *)&ep->ss;

	memset(ep, 0, sizeof(*ep));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return 0;
	}
	return EINVAL;
}

struct tickles *tickles_new(TALLOC_CTX *mem_ctx,
			    const struct public_ip_list *ips,
			    uint32_t max_per_ip)
{
	struct tickles *t;
	unsigned i;

	t = talloc_zero(mem_ctx, struct tickles);
	if (t == NULL) {
		return NULL;
	}
	t->ip = talloc_zero_array(t, struct tickle_ip, ips->num + 1);
	if (t->ip == NULL) {
		talloc_free(t);
		return NULL;
	}
	t->num = ips->num;
	t->max = max_per_ip;
	for (i = 0; i < ips->num; i++) {
		/* public_ips.c parsed them: an unparsable one matches nothing. */
		(void)endpoint_from_address(ips->ip[i].address,
					    &t->ip[i].addr);
	}
	return t;
}

static bool same_address(const struct net_endpoint *a,
			 const struct net_endpoint *b)
{
	const struct sockaddr_in *a4 = (const void *)&a->ss;
	const struct sockaddr_in *b4 = (const void *)&b->ss;
	const struct sockaddr_in6 *a6 = (const void *)&a->ss;
	const struct sockaddr_in6 *b6 = (const void *)&b->ss;

	if (a->ss.ss_family != b->ss.ss_family) {
		return false;
	}
	if (a->ss.ss_family == AF_INET) {
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	if (a->ss.ss_family == AF_INET6) {
		return memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	}
	return false;
}

int tickles_find_ip(const struct tickles *t, const struct net_endpoint *ep)
{
	unsigned i;

	for (i = 0; i < t->num; i++) {
		if (same_address(&t->ip[i].addr, ep)) {
			return (int)i;
		}
	}
	return -1;
}

static bool same_conn(const struct ctdb_tickle_conn *a,
		      const struct ctdb_tickle_conn *b)
{
	return net_endpoint_equal(&a->src, &b->src) &&
	       net_endpoint_equal(&a->dst, &b->dst);
}

/* The index of c in list, or -1. */
static int64_t conn_index(const struct ctdb_tickle_list *list,
			  const struct ctdb_tickle_conn *c)
{
	uint32_t i;

	for (i = 0; i < list->num; i++) {
		if (same_conn(&list->conn[i], c)) {
			return i;
		}
	}
	return -1;
}

/* Room for one more in ti's list, doubling up to the bound. */
static int make_room(struct tickles *t, struct tickle_ip *ti)
{
	struct ctdb_tickle_conn *conn;
	uint32_t alloc;

	if (ti->list.num >= t->max) {
		return ENOSPC;
	}
	if (ti->list.num < ti->alloc) {
		return 0;
	}
	alloc = ti->alloc == 0 ? 8 : ti->alloc * 2;
	if (alloc > t->max) {
		alloc = t->max;
	}
	conn = talloc_realloc(t->ip, ti->list.conn, struct ctdb_tickle_conn,
			      alloc);
	if (conn == NULL) {
		return ENOMEM;
	}
	ti->list.conn = conn;
	ti->alloc = alloc;
	return 0;
}

int tickles_add(struct tickles *t, const struct ctdb_tickle_conn *c,
		bool *added)
{
	struct tickle_ip *ti;
	int ip;
	int ret;

	*added = false;
	if (!ctdb_tickle_conn_is_valid(c)) {
		return EINVAL;
	}
	ip = tickles_find_ip(t, &c->dst);
	if (ip < 0) {
		return ENOENT;
	}
	ti = &t->ip[ip];
	if (conn_index(&ti->list, c) >= 0) {
		return 0;
	}
	ret = make_room(t, ti);
	if (ret != 0) {
		return ret;
	}
	ti->list.conn[ti->list.num++] = *c;
	ti->generation++;
	*added = true;
	return 0;
}

int tickles_del(struct tickles *t, const struct ctdb_tickle_conn *c,
		bool *removed)
{
	struct tickle_ip *ti;
	int64_t i;
	int ip;

	*removed = false;
	if (!ctdb_tickle_conn_is_valid(c)) {
		return EINVAL;
	}
	ip = tickles_find_ip(t, &c->dst);
	if (ip < 0) {
		return 0;
	}
	ti = &t->ip[ip];
	i = conn_index(&ti->list, c);
	if (i < 0) {
		return 0;
	}
	/* Keep the order: gettickles lists them as they came. */
	memmove(&ti->list.conn[i], &ti->list.conn[i + 1],
		(ti->list.num - i - 1) * sizeof(ti->list.conn[0]));
	ti->list.num--;
	ti->generation++;
	*removed = true;
	return 0;
}

const struct ctdb_tickle_list *tickles_of_ip(const struct tickles *t,
					     unsigned ip)
{
	static const struct ctdb_tickle_list empty;

	if (ip >= t->num) {
		return &empty;
	}
	return &t->ip[ip].list;
}

int tickles_get(const struct tickles *t, TALLOC_CTX *mem_ctx,
		const struct net_endpoint *addr,
		struct ctdb_tickle_list **out)
{
	const struct ctdb_tickle_list *src;
	struct ctdb_tickle_list *list;
	int ip;

	ip = tickles_find_ip(t, addr);
	if (ip < 0) {
		return ENOENT;
	}
	src = &t->ip[ip].list;
	list = talloc_zero(mem_ctx, struct ctdb_tickle_list);
	if (list == NULL) {
		return ENOMEM;
	}
	if (src->num > 0) {
		list->conn = talloc_memdup(list, src->conn,
					   src->num * sizeof(src->conn[0]));
		if (list->conn == NULL) {
			talloc_free(list);
			return ENOMEM;
		}
	}
	list->num = src->num;
	*out = list;
	return 0;
}

int tickles_replace(struct tickles *t, unsigned ip,
		    const struct ctdb_tickle_list *list)
{
	struct tickle_ip fresh;
	struct tickle_ip *ti;
	uint32_t i;
	bool same;

	if (ip >= t->num) {
		return EINVAL;
	}
	ti = &t->ip[ip];
	fresh = (struct tickle_ip){ .addr = ti->addr };
	for (i = 0; i < list->num && fresh.list.num < t->max; i++) {
		const struct ctdb_tickle_conn *c = &list->conn[i];

		if (!ctdb_tickle_conn_is_valid(c) ||
		    !same_address(&c->dst, &ti->addr) ||
		    conn_index(&fresh.list, c) >= 0) {
			continue;
		}
		if (make_room(t, &fresh) != 0) {
			TALLOC_FREE(fresh.list.conn);
			return ENOMEM;
		}
		fresh.list.conn[fresh.list.num++] = *c;
	}
	same = fresh.list.num == ti->list.num &&
	       (fresh.list.num == 0 ||
		memcmp(fresh.list.conn, ti->list.conn,
		       fresh.list.num * sizeof(fresh.list.conn[0])) == 0);
	fresh.generation = ti->generation + (same ? 0 : 1);
	talloc_free(ti->list.conn);
	*ti = fresh;
	return 0;
}

uint64_t tickles_generation(const struct tickles *t, unsigned ip)
{
	return ip < t->num ? t->ip[ip].generation : 0;
}
