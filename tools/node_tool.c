/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ctdb node commands: CTDB 4.17's output over the noded socket. */
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <tevent.h>

#include "client/node_client.h"
#include "common/path.h"
#include "tools/node_tool.h"
#include "tools/node_tool_private.h"
#include "tools/tool_format.h"

/*
 * Where we differ from CTDB 4.17 (tests/unit/fixtures/ctdb-4.17-*.txt),
 * each on purpose:
 *  - status prints no "Generation:", "Size:" and "hash:" lines: they
 *    describe CTDB's database map, which the node daemon does not have,
 *    and inventing values would mislead.
 *  - status adds "Reason: ..." after the line of every UNHEALTHY node
 *    (design section 6; CTDB cannot say it for other nodes), and
 *    "Takes no part: ..." when this node is out of the cluster; -X
 *    status adds the columns Reason and WhyOut after CTDB's.
 *  - leader prints UNKNOWN and exits 1 on a node out of the cluster; the
 *    leader is the lowest pnn taking part (we need none).
 *  - stop returns once the node has stopped. On a single node CTDB's never
 *    returns: it waits for an IP reallocation that a node with no active
 *    peer never gets.
 *  - ip all on a stopped node lists the IPs; CTDB's fails silently with
 *    exit 1 when no node is active.
 *  - setvar takes only a whole number that fits a u32 ("5s", "-1" and
 *    values above 4294967295 are refused; CTDB's parser is laxer), and
 *    says why on stderr besides CTDB's exit 22. The daemon checks the
 *    tunable's range (CTDB does not): out of range is a message on
 *    stderr and exit 1, like every other refused control.
 *  - cannot connect adds the errno's text to CTDB's first line.
 *  - PartiallyOnline is always 0: not derived from the link state yet.
 *  - a usage error prints the usage on stderr, never on stdout, where
 *    the stock event scripts read data.
 *  - checktcpport refuses a port that is not a number from 1 to 65535
 *    (CTDB's reads "abc" as port 0, which always binds, and exits 0).
 *  - attach succeeds without doing anything: the node daemon has no
 *    databases (ctdb(1)); 00.ctdb's startup only needs it to succeed.
 *  - gratarp sends the announcement from the tool itself (root, or
 *    CAP_NET_RAW) instead of asking the daemon to.
 */

/*
 * Transport
 */

/* Says what went wrong between us and the daemon. @return exit status. */
int node_tool_transport_error(struct node_tool_ctx *t, int err)
{
	switch (err) {
	case EPIPE:
		/* What a daemon that does not know the command does. */
		fprintf(t->err,
			"Command %s not supported by this daemon "
			"(%s closed the connection)\n",
			t->cmdname, t->sockpath);
		break;
	case ETIMEDOUT:
		fprintf(t->err, "Timed out waiting for the node daemon (%s)\n",
			t->sockpath);
		break;
	case EPROTO:
		fprintf(t->err, "Invalid reply from the node daemon (%s)\n",
			t->sockpath);
		break;
	default:
		fprintf(t->err, "Failed to talk to the node daemon (%s): %s\n",
			t->sockpath, strerror(err));
		break;
	}
	return 1;
}

/* The output could not be built (JSON only). @return the exit status. */
int node_tool_format_result(struct node_tool_ctx *t, int ret)
{
	if (ret != 0) {
		fprintf(t->err, "Failed to format the output of %s: %s\n",
			t->cmdname, strerror(ret));
		return 1;
	}
	return 0;
}

/*
 * Runs the loop until req is done or the timeout passes; _recv then
 * reports ETIMEDOUT.
 */
bool node_tool_wait(struct node_tool_ctx *t, struct tevent_req *req)
{
	struct timeval end;
	bool ok;

	if (req == NULL) {
		return false;
	}
	if (t->timeout > 0) {
		end = tevent_timeval_current_ofs(t->timeout, 0);
		ok = tevent_req_set_endtime(req, t->ev, end);
		if (!ok) {
			return false;
		}
	}
	return tevent_req_poll(req, t->ev);
}

bool node_tool_get_status(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx,
		       struct ctdb_node_status **st)
{
	struct tevent_req *req;
	int err = ENOMEM;
	int result = 0;
	bool ok;

	req = ctdb_node_status_send(mem_ctx, t->ev, t->client);
	ok = node_tool_wait(t, req);
	if (ok) {
		ok = ctdb_node_status_recv(req, &err, &result, mem_ctx, st);
	}
	if (!ok) {
		node_tool_transport_error(t, err);
		return false;
	}
	if (result != 0) {
		fprintf(t->err, "Unable to get nodemap\n");
		return false;
	}
	return true;
}
/* The usage, ending with the command's line (CTDB's goes to stdout). */
static int usage(FILE *out, const struct node_tool_options *opts,
		 const struct node_command *cmd)
{
	if (opts->usage_header != NULL) {
		opts->usage_header(out);
	}
	fprintf(out, "Commands:\n  %-15s %-27s  %s\n", cmd->info.name,
		cmd->info.msg_args, cmd->info.msg_help);
	return 1;
}

int node_tool_usage(struct node_tool_ctx *t)
{
	return usage(t->err, t->opts, node_command_find(t->cmdname));
}

static int node_tool_connect(struct node_tool_ctx *t, TALLOC_CTX *mem_ctx)
{
	int ret;

	ret = ctdb_node_client_init(mem_ctx, t->ev, t->sockpath, &t->client);
	if (ret != 0) {
		fprintf(t->err, "connect() failed, errno=%d (%s)\n", ret,
			strerror(ret));
		fprintf(t->err, "Failed to connect to CTDB daemon (%s)\n",
			t->sockpath);
		return 1;
	}
	return 0;
}

static void node_tool_ctx_init(struct node_tool_ctx *t, FILE *out, FILE *err,
			       const struct node_tool_options *opts,
			       const struct node_command *cmd)
{
	t->opts = opts;
	t->out = out;
	t->err = err;
	t->cmdname = cmd->info.name;
	t->msg = opts->json ? err : out;
	t->fmt = tool_format_select(opts->machine_readable, opts->json)->node;
	t->sep = opts->separator != '\0' ? opts->separator : '|';
	t->timeout = opts->timeout != 0 ? opts->timeout : cmd->timeout;
}

int node_tool_run(TALLOC_CTX *mem_ctx, FILE *out, FILE *err,
		  const struct node_tool_options *opts, int argc,
		  const char **argv)
{
	const struct node_command *cmd;
	struct node_tool_ctx t = { 0 };
	TALLOC_CTX *tmp_ctx;
	int ret;

	cmd = argc > 0 ? node_command_find(argv[0]) : NULL;
	if (cmd == NULL) {
		fprintf(err, "Unknown command '%s'\n",
			argc > 0 ? argv[0] : "");
		return 1;
	}
	/* Usage text only on stderr: scripts read stdout as data. */
	if (!node_command_args_ok(cmd, argc, argv)) {
		return usage(err, opts, cmd);
	}

	tmp_ctx = talloc_new(mem_ctx);
	if (tmp_ctx == NULL) {
		fprintf(err, "Memory allocation error\n");
		return 1;
	}
	node_tool_ctx_init(&t, out, err, opts, cmd);
	t.sockpath = opts->socket != NULL ? opts->socket
					  : path_socket(tmp_ctx, "noded");
	t.ev = tevent_context_init(tmp_ctx);
	if (t.sockpath == NULL || t.ev == NULL) {
		fprintf(err, "Memory allocation error\n");
		talloc_free(tmp_ctx);
		return 1;
	}

	ret = node_command_is_local(cmd) ? 0 : node_tool_connect(&t, tmp_ctx);
	if (ret == 0) {
		ret = cmd->fn(&t, tmp_ctx, argc, argv);
	}
	fflush(out);
	talloc_free(tmp_ctx);
	return ret;
}

int node_tool_main(TALLOC_CTX *mem_ctx, int argc, const char **argv,
		   bool machine_readable)
{
	struct node_tool_options opts = {
		.machine_readable = machine_readable,
	};

	return node_tool_run(mem_ctx, stdout, stderr, &opts, argc, argv);
}

