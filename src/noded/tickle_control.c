/* SPDX-License-Identifier: GPL-3.0-or-later */
/* noded.socket's tickle commands: addtickle, deltickle, gettickles. */
#include <errno.h>
#include <string.h>

#include "common/logging.h"
#include "noded/noded_private.h"
#include "noded/tickles.h"

/*
 * Every connection of the list is tried, so one bad line of a batch
 * (`ctdb addtickle` reading 10.interface's list) does not hide the
 * others; the result is the first failure. A full list is worth a
 * warning: from then on new clients of that address are not tickled.
 */
int tickle_control_update(struct noded_context *nctx, bool add,
			  const struct ctdb_tickle_list *list)
{
	char src[64], dst[64];
	int first = 0;
	uint32_t i;
	bool changed;
	int ret;

	if (list == NULL) {
		return EINVAL;
	}
	for (i = 0; i < list->num; i++) {
		const struct ctdb_tickle_conn *c = &list->conn[i];

		ret = add ? tickles_add(nctx->tickles, c, &changed)
			  : tickles_del(nctx->tickles, c, &changed);
		if (ret == ENOSPC) {
			D_WARNING("Too many connections registered for %s "
				  "(at most %u): %s not added",
				  net_endpoint_string(&c->dst, dst,
						      sizeof(dst)),
				  TICKLES_MAX_PER_IP,
				  net_endpoint_string(&c->src, src,
						      sizeof(src)));
		}
		if (ret == 0 && changed) {
			D_DEBUG("%s tickle %s -> %s", add ? "Added" : "Removed",
				net_endpoint_string(&c->src, src, sizeof(src)),
				net_endpoint_string(&c->dst, dst,
						    sizeof(dst)));
		}
		if (ret != 0 && first == 0) {
			first = ret;
		}
	}
	return first;
}

int tickle_control_get(TALLOC_CTX *mem_ctx, struct noded_context *nctx,
		       const struct net_endpoint *addr,
		       struct ctdb_tickle_list **out)
{
	if (addr == NULL) {
		return EINVAL;
	}
	return tickles_get(nctx->tickles, mem_ctx, addr, out);
}
