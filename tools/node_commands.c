/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The node commands and their table: one entry and one function each. */
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
#include "common/tunable.h"
#include "protocol/node_protocol_api.h"
#include "tools/node_tool.h"
#include "tools/node_tool_private.h"


/*
 * Is the runstate one of argv's (any, for none)? Prints CTDB's message
 * to msg when not. @return 0 or the exit status.
 */
static int runstate_check(FILE *msg, uint32_t runstate, int argc,
			  const char **argv)
{
	uint32_t wanted;
	bool ok;
	int i;

	/* As CTDB: the first match wins, later arguments are not checked. */
	for (i = 0; i < argc; i++) {
		ok = ctdb_runstate_from_string(argv[i], &wanted);
		if (!ok) {
			fprintf(msg, "Invalid run state (%s)\n", argv[i]);
			return 1;
		}
		if (wanted == runstate) {
			break;
		}
	}
	if (argc > 0 && i == argc) {
		fprintf(msg, "CTDB not in required run state (got %s)\n",
			ctdb_runstate_to_string(runstate));
		return 1;
	}
	return 0;
}

int node_tool_runstate_result(FILE *out, uint32_t runstate, int argc,
			      const char **argv)
{
	int ret;

	ret = runstate_check(out, runstate, argc, argv);
	if (ret != 0) {
		return ret;
	}
	return node_format_text.runstate(out, runstate);
}

/* One pnn of a list: digits only, as CTDB's parser. */
static bool parse_pnn(const char *s, size_t len, uint32_t *pnn)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > UINT32_MAX) {
		return false;
	}
	*pnn = (uint32_t)v;
	return true;
}

static const struct ctdb_node_info *
find_node(const struct ctdb_node_status *st, uint32_t pnn)
{
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		if (st->nodes[i].pnn == pnn) {
			return &st->nodes[i];
		}
	}
	return NULL;
}

/* Appends the nodes of "0,2,..." to sel; prints CTDB's errors. */
static int select_pnn_list(FILE *err, const struct ctdb_node_status *st,
			   const char *arg, struct ctdb_node_status *sel)
{
	const char *p = arg;
	const struct ctdb_node_info *node;
	uint32_t pnn;
	size_t len;
	bool ok;

	while (true) {
		len = strcspn(p, ",");
		ok = parse_pnn(p, len, &pnn);
		if (!ok) {
			fprintf(err, "Invalid node %s\n", arg);
			return 1;
		}
		node = find_node(st, pnn);
		if (node == NULL || node_tool_node_deleted(node)) {
			fprintf(err, "Node %u does not exist\n", pnn);
			return 1;
		}
		sel->nodes[sel->num_nodes] = *node;
		sel->num_nodes++;
		if (p[len] == '\0') {
			return 0;
		}
		p += len + 1;
	}
}

int node_tool_select_nodes(TALLOC_CTX *mem_ctx, FILE *err,
			   const struct ctdb_node_status *st, const char *arg,
			   struct ctdb_node_status **out, bool *all)
{
	struct ctdb_node_status *sel;
	const struct ctdb_node_info *me;
	size_t max = strlen(arg == NULL ? "" : arg) / 2 + 1;
	int ret;

	sel = talloc_zero(mem_ctx, struct ctdb_node_status);
	if (sel == NULL) {
		fprintf(err, "Memory allocation error\n");
		return 1;
	}
	*sel = *st;
	*all = false;
	if (arg != NULL && strcmp(arg, "all") == 0) {
		*all = true;
		*out = sel;
		return 0;
	}

	/* A list of n pnns has at least 2n - 1 characters. */
	sel->num_nodes = 0;
	sel->nodes = talloc_zero_array(sel, struct ctdb_node_info, max);
	if (sel->nodes == NULL) {
		talloc_free(sel);
		fprintf(err, "Memory allocation error\n");
		return 1;
	}
	if (arg == NULL) {
		me = node_tool_this_node(st);
		if (me == NULL) {
			talloc_free(sel);
			fprintf(err, "Node %u does not exist\n", st->this_pnn);
			return 1;
		}
		sel->nodes[0] = *me;
		sel->num_nodes = 1;
		*out = sel;
		return 0;
	}
	ret = select_pnn_list(err, st, arg, sel);
	if (ret != 0) {
		talloc_free(sel);
		return ret;
	}
	*out = sel;
	return 0;
}

int node_tool_nodestatus_exit(const struct ctdb_node_status *st)
{
	uint32_t flags = 0;
	uint32_t i;

	for (i = 0; i < st->num_nodes; i++) {
		if (node_tool_node_deleted(&st->nodes[i])) {
			continue;
		}
		flags |= st->nodes[i].flags;
	}
	/* The flags fit in 7 bits; keep a stray high bit from reading 0. */
	if (flags > 255) {
		return 255;
	}
	return (int)flags;
}

/*
 * Commands: each asks the daemon, then prints through t->fmt.
 */


static int cmd_status(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		      int argc, const char **argv)
{
	struct ctdb_node_status *st = NULL;
	bool ok;
	int ret;

	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	ret = t->fmt->status(t->out, t->sep, st);
	return node_tool_format_result(t, ret);
}

static int cmd_nodestatus(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			  int argc, const char **argv)
{
	struct ctdb_node_status *st = NULL;
	struct ctdb_node_status *sel = NULL;
	bool all = false;
	bool ok;
	int ret;

	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return 1;
	}
	ret = node_tool_select_nodes(mem_ctx, t->err, st,
				     argc > 1 ? argv[1] : NULL, &sel, &all);
	if (ret != 0) {
		return ret;
	}
	ret = t->fmt->nodestatus(t->out, t->sep, sel, all);
	if (ret != 0) {
		return node_tool_format_result(t, ret);
	}
	return node_tool_nodestatus_exit(sel);
}

static int cmd_runstate(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			int argc, const char **argv)
{
	struct tevent_req *req;
	uint32_t runstate = CTDB_RUNSTATE_UNKNOWN;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	req = ctdb_node_runstate_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_runstate_recv(req, &err, &result, &runstate);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Unable to get runstate\n");
		return 1;
	}
	ret = runstate_check(t->msg, runstate, argc - 1, argv + 1);
	if (ret != 0) {
		return ret;
	}
	ret = t->fmt->runstate(t->out, runstate);
	return node_tool_format_result(t, ret);
}

static int cmd_getvar(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		      int argc, const char **argv)
{
	struct tevent_req *req;
	uint32_t value = 0;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	req = ctdb_node_getvar_send(mem_ctx, t->ev, t->client, argv[1]);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_getvar_recv(req, &err, &result, &value);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result == ENOENT) {
		fprintf(t->msg, "No such tunable %s\n", argv[1]);
		return 1;
	}
	if (result != 0) {
		fprintf(t->err, "Unable to get tunable %s: %s\n", argv[1],
			strerror(result));
		return 1;
	}
	ret = t->fmt->var(t->out, argv[1], value);
	return node_tool_format_result(t, ret);
}

/* A whole non-negative number in C notation (10, 0x10, 010) up to 2^32-1. */
static bool parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n;
	char *end = NULL;

	if (s[0] == '\0' || s[0] == '-' || isspace((unsigned char)s[0])) {
		return false;
	}
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || n > UINT32_MAX) {
		return false;
	}
	*v = (uint32_t)n;
	return true;
}

static int cmd_setvar(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		      int argc, const char **argv)
{
	struct tevent_req *req;
	uint32_t value = 0;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	ok = parse_u32(argv[2], &value);
	if (!ok) {
		/* CTDB exits with EINVAL here, saying nothing. */
		fprintf(t->err, "Invalid value %s for tunable %s\n", argv[2],
			argv[1]);
		return EINVAL;
	}
	req = ctdb_node_setvar_send(mem_ctx, t->ev, t->client, argv[1], value);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_setvar_recv(req, &err, &result);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result == ENOENT) {
		fprintf(t->msg, "No such tunable %s\n", argv[1]);
		return 1;
	}
	if (result == ERANGE) {
		fprintf(t->err, "Value %u is out of range for tunable %s\n",
			value, argv[1]);
		return 1;
	}
	if (result == EDOM) {
		fprintf(t->err, "Value %u for tunable %s refused: %s\n",
			value, argv[1], TUNABLES_RULE);
		return 1;
	}
	if (result != 0) {
		fprintf(t->err, "Unable to set tunable %s: %s\n", argv[1],
			strerror(result));
		return 1;
	}
	ret = t->fmt->set_var(t->out, argv[1], value);
	return node_tool_format_result(t, ret);
}

static int cmd_listvars(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			int argc, const char **argv)
{
	struct ctdb_var_list *vars = NULL;
	struct tevent_req *req;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	req = ctdb_node_listvars_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_listvars_recv(req, &err, &result, mem_ctx,
					     &vars);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Unable to list tunables: %s\n",
			strerror(result));
		return 1;
	}
	ret = t->fmt->vars(t->out, vars);
	return node_tool_format_result(t, ret);
}

/* Whether this node is stopped; false (with a message) on failure. */
static bool this_node_stopped(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			      bool *stopped, uint32_t *pnn)
{
	struct ctdb_node_status *st = NULL;
	const struct ctdb_node_info *me;
	bool ok;

	ok = node_tool_get_status(t, mem_ctx, &st);
	if (!ok) {
		return false;
	}
	me = node_tool_this_node(st);
	*pnn = st->this_pnn;
	*stopped = me != NULL && (me->flags & CTDB_NODE_FLAGS_STOPPED) != 0;
	return true;
}

/* stop and continue: the same steps, in opposite directions. */
struct admin_command {
	const char *name;     /* "stop" or "continue" */
	bool want_stopped;    /* the state the command brings */
	const char *already;  /* "Node N is <already>" when nothing to do */
	struct tevent_req *(*send)(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct ctdb_node_client *client);
	bool (*recv)(struct tevent_req *req, int *perr, int *result);
};

static const struct admin_command admin_stop = {
	"stop", true, "already stopped", ctdb_node_stop_send,
	ctdb_node_stop_recv,
};

static const struct admin_command admin_continue = {
	"continue", false, "not stopped", ctdb_node_continue_send,
	ctdb_node_continue_recv,
};

static int admin_run(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		     const struct admin_command *a)
{
	struct tevent_req *req;
	bool stopped = false;
	uint32_t pnn = 0;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	ok = this_node_stopped(t, mem_ctx, &stopped, &pnn);
	if (!ok) {
		return 1;
	}
	/* Already there, or brought there by someone else since we looked. */
	if (stopped == a->want_stopped) {
		result = EALREADY;
	} else {
		req = a->send(mem_ctx, t->ev, t->client);
		ok = node_tool_wait(t, req);
		if (ok) {
			ok = a->recv(req, &err, &result);
		}
		if (!ok) {
			return node_tool_transport_error(t, err);
		}
	}
	if (result == EALREADY) {
		fprintf(t->err, "Node %u is %s\n", pnn, a->already);
		ret = t->fmt->control(t->out, a->name, false);
		return node_tool_format_result(t, ret);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to %s node %u\n", a->name, pnn);
		return 1;
	}
	ret = t->fmt->control(t->out, a->name, true);
	return node_tool_format_result(t, ret);
}

static int cmd_stop(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx, int argc,
		    const char **argv)
{
	return admin_run(t, mem_ctx, &admin_stop);
}

static int cmd_continue(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			int argc, const char **argv)
{
	return admin_run(t, mem_ctx, &admin_continue);
}

static int cmd_shutdown(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
			int argc, const char **argv)
{
	struct tevent_req *req;
	int err = ENOMEM;
	int result = 0;
	bool ok;
	int ret;

	req = ctdb_node_shutdown_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_shutdown_recv(req, &err, &result);
	}
	/*
	 * A daemon that is shutting down may close the connection before
	 * its reply gets out: that is the shutdown we asked for.
	 */
	if (!ok && err == EPIPE) {
		ret = t->fmt->control(t->out, "shutdown", true);
		return node_tool_format_result(t, ret);
	}
	if (!ok) {
		return node_tool_transport_error(t, err);
	}
	if (result != 0) {
		fprintf(t->err, "Failed to shut down the node daemon: %s\n",
			strerror(result));
		return 1;
	}
	ret = t->fmt->control(t->out, "shutdown", true);
	return node_tool_format_result(t, ret);
}

/*
 * Commands
 */


/* CTDB's order, names, synopses and help texts. */
static const struct node_command node_commands[] = {
	{ { "status", "", "show node status" }, cmd_status, 0, 0, NULL,
	  NODE_TOOL_TIMEOUT },
	{ { "runstate", "[setup|first_recovery|startup|running]",
	    "get/check runstate of a node" },
	  cmd_runstate, 0, -1, NULL, NODE_TOOL_TIMEOUT },
	{ { "getvar", "<name>", "get a tunable variable" }, cmd_getvar, 1, 1,
	  NULL, NODE_TOOL_TIMEOUT },
	{ { "setvar", "<name> <value>", "set a tunable variable" },
	  cmd_setvar, 2, 2, NULL, NODE_TOOL_TIMEOUT },
	{ { "listvars", "", "list tunable variables" }, cmd_listvars, 0, 0,
	  NULL, NODE_TOOL_TIMEOUT },
	{ { "ip", "[all] [-v]", "show public ips" }, cmd_ip, 0, 3, "all -v -X",
	  NODE_TOOL_TIMEOUT },
	{ { "stop", "", "stop a node" }, cmd_stop, 0, 0, NULL,
	  NODE_TOOL_CONTROL_TIMEOUT },
	{ { "continue", "", "continue a stopped node" }, cmd_continue, 0, 0,
	  NULL, NODE_TOOL_CONTROL_TIMEOUT },
	{ { "shutdown", "", "shutdown ctdb daemon" }, cmd_shutdown, 0, 0,
	  NULL, NODE_TOOL_TIMEOUT },
	{ { "nodestatus", "[all|<pnn-list>]", "show and return node status" },
	  cmd_nodestatus, 0, 1, NULL, NODE_TOOL_TIMEOUT },
	{ { "pnn", "", "show this node's pnn" }, cmd_pnn, 0, 0,
	  NULL, NODE_TOOL_TIMEOUT },
	{ { "listnodes", "", "list nodes in the cluster" }, cmd_listnodes, 0,
	  0, NULL, NODE_TOOL_TIMEOUT },
	/* CTDB ignores arguments to leader. */
	{ { "leader", "", "show the pnn of the leader" }, cmd_leader, 0, -1,
	  NULL, NODE_TOOL_TIMEOUT },
	{ { "attach", "<dbname> [persistent|replicated]",
	    "attach a database (none here: succeeds, see ctdb(1))" },
	  cmd_attach, 1, 2, NULL, NODE_TOOL_TIMEOUT },
	{ { "checktcpport", "<port>", "is a TCP port free to bind? "
	    "(exit: the errno)" },
	  cmd_checktcpport, 1, 1, NULL, NODE_TOOL_TIMEOUT },
	{ { "gratarp", "<ip> <interface>", "announce an address on an interface" },
	  cmd_gratarp, 2, 2, NULL, NODE_TOOL_TIMEOUT },
	{ { "ifaces", "", "show the interfaces and their link state" },
	  cmd_ifaces, 0, 0, NULL, NODE_TOOL_TIMEOUT },
	{ { "setifacelink", "<iface> up|down", "set an interface's link state" },
	  cmd_setifacelink, 2, 2, NULL, NODE_TOOL_TIMEOUT },
	{ { "gettickles", "<ip> [<port>]", "get the list of tickles" },
	  cmd_gettickles, 1, 2, NULL, NODE_TOOL_TIMEOUT },
	{ { "addtickle", "[<ip>:<port> <ip>:<port>]",
	    "add a tickle (or read them from stdin)" },
	  cmd_addtickle, 0, 2, NULL, NODE_TOOL_TIMEOUT },
	{ { "deltickle", "[<ip>:<port> <ip>:<port>]",
	    "delete a tickle (or read them from stdin)" },
	  cmd_deltickle, 0, 2, NULL, NODE_TOOL_TIMEOUT },
};

#define NUM_NODE_COMMANDS (sizeof(node_commands) / sizeof(node_commands[0]))

const struct node_tool_command *node_tool_commands(size_t *num)
{
	static struct node_tool_command infos[NUM_NODE_COMMANDS];
	size_t i;

	for (i = 0; i < NUM_NODE_COMMANDS; i++) {
		infos[i] = node_commands[i].info;
	}
	*num = NUM_NODE_COMMANDS;
	return infos;
}

const struct node_command *node_command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NUM_NODE_COMMANDS; i++) {
		if (strcmp(node_commands[i].info.name, name) == 0) {
			return &node_commands[i];
		}
	}
	return NULL;
}

bool node_command_is_local(const struct node_command *cmd)
{
	return cmd->fn == cmd_checktcpport || cmd->fn == cmd_gratarp;
}

bool node_tool_is_command(const char *name)
{
	return node_command_find(name) != NULL;
}

/* Is word one of the space-separated words of list? */
static bool word_in(const char *word, const char *list)
{
	size_t len = strlen(word);
	size_t wlen;

	while (*list != '\0') {
		wlen = strcspn(list, " ");
		if (wlen == len && strncmp(list, word, len) == 0) {
			return true;
		}
		list += wlen;
		list += strspn(list, " ");
	}
	return false;
}

bool node_command_args_ok(const struct node_command *cmd, int argc,
			  const char **argv)
{
	int nargs = argc - 1;
	int i;

	if (nargs < cmd->min_args) {
		return false;
	}
	if (cmd->max_args >= 0 && nargs > cmd->max_args) {
		return false;
	}
	for (i = 1; cmd->only_arg != NULL && i < argc; i++) {
		if (!word_in(argv[i], cmd->only_arg)) {
			return false;
		}
	}
	return true;
}

