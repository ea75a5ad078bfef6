/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands about the cluster's nodes: listnodes and leader. */
#include <stdio.h>

#include "tools/node_tool.h"
#include "tools/node_tool_private.h"

/*
 * Both read STATUS, which every node answers for every node, so they give
 * the same answer from any node (the leader once the nodes agree).
 */

/* Every line of `nodes` that is not deleted, in pnn order, as CTDB. */
int cmd_listnodes(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv)
{
	struct ctdb_node_status *st = NULL;
	bool ok;
	int ret;

	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	ret = t->fmt->listnodes(t->out, t->sep, st);
	return node_tool_format_result(t, ret);
}

/*
 * The protocol needs no leader; the daemon names the lowest pnn that
 * takes part, the same on every node that takes part. A node that takes
 * no part knows none: "UNKNOWN" and exit status 1 (ctdb(1)).
 */
int cmd_leader(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
	       const char **argv)
{
	struct ctdb_node_status *st = NULL;
	bool ok;
	int ret;

	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	ret = t->fmt->leader(t->out, st->leader);
	if (ret != 0) {
		return node_tool_format_result(t, ret);
	}
	return st->leader == NODE_TOOL_UNKNOWN_PNN ? 1 : 0;
}
