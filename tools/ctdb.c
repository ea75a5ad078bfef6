/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb: the administrator's command line; commands come from one table. */
#include <popt.h>
#include <stdio.h>
#include <string.h>
#include <talloc.h>

#include "tools/event_tool.h"
#include "tools/metrics_tool.h"
#include "tools/node_tool.h"
#include "tools/watch_tool.h"

struct ctdb_command {
	const char *name;
	/* argv[0] is the command's own name. @return the exit status. */
	int (*fn)(TALLOC_CTX *mem_ctx, int argc, const char **argv);
	const char *msg_args;
	const char *msg_help;
};

/* -X, --json and the other options the node commands honour. */
static struct node_tool_options node_opts;

/*
 * `ctdb event ...` is exactly `ctdb-event ...`: same output and usage
 * (which names ctdb-event, as CTDB's does, whose ctdb runs that helper).
 * Only ctdb's own --json reaches it, as an option of the library.
 */
static int control_event(TALLOC_CTX *mem_ctx, int argc, const char **argv)
{
	struct event_tool_options opts = {
		.json = node_opts.json,
	};

	return event_tool_main_opts(mem_ctx, argc, argv, &opts);
}

static int control_metrics(TALLOC_CTX *mem_ctx, int argc, const char **argv)
{
	return metrics_tool_run(mem_ctx, stdout, argc, argv);
}

static const struct ctdb_command ctdb_commands[] = {
	{ "event", control_event, "", "event and event script commands" },
	{ "watch", watch_tool_watch, "[<key>...]",
	  "print keys' values, then their changes, as JSON lines" },
	{ "wait", watch_tool_wait, "<key>[!]=<value> [-t S]",
	  "wait until a key holds (or not) a value" },
	{ "metrics", control_metrics, "",
	  "print metrics in the OpenMetrics text format" },
};

#define NUM_COMMANDS (sizeof(ctdb_commands) / sizeof(ctdb_commands[0]))

static void ctdb_usage(FILE *f)
{
	const struct node_tool_command *node_cmds;
	size_t num_node_cmds = 0;
	size_t i;

	fputs("Usage: ctdb [<options>] <command> [<args>]\n"
	      "\n"
	      "Help Options:\n"
	      "  -h, --help                     Show this help message\n"
	      "\n"
	      "Options:\n"
	      "  -X                             machine readable output, "
	      "separated by |\n"
	      "  -j, --json                     machine readable output, "
	      "one JSON document\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (i = 0; i < NUM_COMMANDS; i++) {
		const struct ctdb_command *cmd = &ctdb_commands[i];

		fprintf(f, "  %-15s %-28s %s\n", cmd->name, cmd->msg_args,
			cmd->msg_help);
	}
	node_cmds = node_tool_commands(&num_node_cmds);
	for (i = 0; i < num_node_cmds; i++) {
		fprintf(f, "  %-15s %-28s %s\n", node_cmds[i].name,
			node_cmds[i].msg_args, node_cmds[i].msg_help);
	}
}

/*
 * Where the usage goes on an error: stderr, since scripts read stdout
 * as data (CTDB's goes to stdout). Only -h prints it on stdout.
 */
static FILE *usage_stream(void)
{
	return stderr;
}

/* What a node command prints above its own line on a usage error. */
static void ctdb_usage_header(FILE *f)
{
	fputs("Usage: ctdb [<options>] <command> [<args>]\n\n", f);
}

static const struct ctdb_command *ctdb_command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NUM_COMMANDS; i++) {
		if (strcmp(ctdb_commands[i].name, name) == 0) {
			return &ctdb_commands[i];
		}
	}
	return NULL;
}

static const struct poptOption ctdb_options[] = {
	{ "help", 'h', POPT_ARG_NONE, NULL, 'h', NULL, NULL },
	{ NULL, 'X', POPT_ARG_NONE, NULL, 'X',
	  "enable machine parsable output with separator |", NULL },
	{ "json", 'j', POPT_ARG_NONE, NULL, 'j',
	  "machine readable output, one JSON document", NULL },
	POPT_TABLEEND
};

/*
 * Options stop at the command word, so that everything after it, options
 * included, belongs to the command (`ctdb event -d NOTICE status ...`).
 * @return -1 to go on, or an exit status.
 */
static int ctdb_parse_options(poptContext pc)
{
	int opt;

	for (opt = poptGetNextOpt(pc); opt != -1; opt = poptGetNextOpt(pc)) {
		if (opt == 'h') {
			ctdb_usage(stdout);
			return 0;
		}
		if (opt == 'X') {
			node_opts.machine_readable = true;
			continue;
		}
		if (opt == 'j') {
			node_opts.json = true;
			continue;
		}
		fprintf(stderr, "Invalid option %s: %s\n",
			poptBadOption(pc, 0), poptStrerror(opt));
		ctdb_usage(usage_stream());
		return 1;
	}
	return -1;
}

static int ctdb_dispatch(TALLOC_CTX *mem_ctx, int argc, const char **argv)
{
	const struct ctdb_command *cmd;
	const char **args;
	poptContext pc;
	int nargs = 0;
	int ret;

	pc = poptGetContext("ctdb", argc, argv, ctdb_options,
			    POPT_CONTEXT_POSIXMEHARDER);
	if (pc == NULL) {
		fprintf(stderr, "Memory allocation error\n");
		return 1;
	}
	ret = ctdb_parse_options(pc);
	if (ret != -1) {
		poptFreeContext(pc);
		return ret;
	}

	args = poptGetArgs(pc);
	while (args != NULL && args[nargs] != NULL) {
		nargs++;
	}
	if (nargs == 0) {
		ctdb_usage(usage_stream());
		poptFreeContext(pc);
		return 1;
	}
	if (node_tool_is_command(args[0])) {
		node_opts.usage_header = ctdb_usage_header;
		ret = node_tool_run(mem_ctx, stdout, stderr, &node_opts, nargs,
				    args);
		poptFreeContext(pc);
		return ret;
	}
	cmd = ctdb_command_find(args[0]);
	if (cmd == NULL) {
		/* One line: the usage would bury it. */
		fprintf(stderr, "Unknown command '%s'\n", args[0]);
		poptFreeContext(pc);
		return 1;
	}
	ret = cmd->fn(mem_ctx, nargs, args);
	poptFreeContext(pc);
	return ret;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem_ctx;
	int ret;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "Memory allocation error\n");
		return 1;
	}
	ret = ctdb_dispatch(mem_ctx, argc, (const char **)argv);
	talloc_free(mem_ctx);
	return ret;
}
