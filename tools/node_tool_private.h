/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of the node tool share: context, command table, transport. */
#ifndef CTDB_TOOLS_NODE_TOOL_PRIVATE_H
#define CTDB_TOOLS_NODE_TOOL_PRIVATE_H

#include <stdbool.h>
#include <stdio.h>
#include <talloc.h>
#include <tevent.h>

#include "client/node_client.h"
#include "tools/node_tool.h"

/* CTDB's default -t: how long a control may take. */
#define NODE_TOOL_TIMEOUT 10
/* stop and continue wait for the node to get there: IPs, events. */
#define NODE_TOOL_CONTROL_TIMEOUT 120

struct node_tool_ctx {
	struct tevent_context *ev;
	struct ctdb_node_client *client;
	const char *sockpath;
	const char *cmdname;
	FILE *out;
	FILE *err;
	/*
	 * Where the messages go that CTDB prints on stdout ("No such
	 * tunable"): out, or err under --json, whose stdout is JSON only.
	 */
	FILE *msg;
	const struct node_format *fmt;
	char sep;
	unsigned timeout;
	const struct node_tool_options *opts;
};

/*
 * A command: adding one is an entry in node_commands[] (node_commands.c)
 * and its function there; argv[0] is the command's name.
 */
struct node_command {
	struct node_tool_command info;
	int (*fn)(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv);
	int min_args;
	int max_args; /* -1: any number */
	/* The only words the arguments may be ("all -v -X"); NULL: any. */
	const char *only_arg;
	unsigned timeout; /* the default */
};

/* The command of that name, or NULL. */
const struct node_command *node_command_find(const char *name);

/* Does cmd run without the daemon (checktcpport, gratarp)? */
bool node_command_is_local(const struct node_command *cmd);

/* Does the argument count (and the only allowed word) suit cmd? */
bool node_command_args_ok(const struct node_command *cmd, int argc,
			  const char **argv);

/*
 * Transport (node_tool.c).
 */

/* The command's usage line on t->err. @return the exit status, 1. */
int node_tool_usage(struct node_tool_ctx *t);

/* Says what went wrong between us and the daemon. @return exit status. */
int node_tool_transport_error(struct node_tool_ctx *t, int err);

/* The output could not be built (JSON only). @return the exit status. */
int node_tool_format_result(struct node_tool_ctx *t, int ret);

/*
 * Runs the loop until req is done or the timeout passes; _recv then
 * reports ETIMEDOUT.
 */
bool node_tool_wait(struct node_tool_ctx *t, struct tevent_req *req);

/* The node status, or false after saying why on t->err. */
bool node_tool_get_status(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			  struct ctdb_node_status **st);

/*
 * Node list helpers (node_output.c).
 */

bool node_tool_node_deleted(const struct ctdb_node_info *node);
/* The entry of this node in st, or NULL. */
const struct ctdb_node_info *
node_tool_this_node(const struct ctdb_node_status *st);


/* tools/node_stock_commands.c: addresses, interfaces, stock scripts. */
int cmd_ip(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
	   const char **argv);
int cmd_pnn(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
	    const char **argv);
int cmd_attach(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
	       const char **argv);
int cmd_checktcpport(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		     const char **argv);
int cmd_gratarp(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		const char **argv);
int cmd_ifaces(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
	       const char **argv);
int cmd_setifacelink(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		     const char **argv);

/* tools/node_cluster_commands.c: the cluster's nodes. */
int cmd_listnodes(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv);
int cmd_leader(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
	       const char **argv);

/* tools/node_tickle_commands.c: addtickle, deltickle, gettickles. */
int cmd_addtickle(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv);
int cmd_deltickle(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		  const char **argv);
int cmd_gettickles(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		   const char **argv);

#endif
