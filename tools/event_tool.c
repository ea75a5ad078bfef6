/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-event's command line: the command table, usage, options, dispatch. */
#include <errno.h>
#include <popt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include "common/logging.h"
#include "scriptdir/script_dir.h"
#include "tools/event_tool.h"
#include "tools/event_tool_private.h"
#include "tools/tool_format.h"

struct event_tool_command {
	const char *name;
	event_tool_fn fn;
	const char *msg_args;
	const char *msg_help;
};

/* Matched in this order, whole words; the rest are the arguments. */
static const struct event_tool_command event_tool_commands[] = {
	{ "run", event_tool_cmd_run,
	  "<timeout> <component> <event> <args>", "Run an event" },
	{ "status", event_tool_cmd_status,
	  "<component> <event>", "Get status of an event" },
	{ "script list", event_tool_cmd_script_list,
	  "<component>", "List event scripts" },
	{ "script enable", event_tool_cmd_script_enable,
	  "<component> <script>", "Enable an event script" },
	{ "script disable", event_tool_cmd_script_disable,
	  "<component> <script>", "Disable an event script" },
};

#define NUM_COMMANDS \
	(sizeof(event_tool_commands) / sizeof(event_tool_commands[0]))

/*
 * Our own commands. They stay out of the usage table above, which must
 * read exactly as CTDB's; ctdb(1) documents them.
 */
static const struct event_tool_command event_tool_extra_commands[] = {
	{ "history", event_tool_cmd_history,
	  "<component> <event>", "Show the last runs of an event" },
};

#define NUM_EXTRA_COMMANDS \
	(sizeof(event_tool_extra_commands) / \
	 sizeof(event_tool_extra_commands[0]))

/*
 * Usage. CTDB's tool prints its options with popt; the text below is that
 * output, fixed here so it does not depend on the popt version or on the
 * terminal width.
 */

static const char *const event_tool_option_help[][2] = {
	{ "Help Options:", NULL },
	{ "-h, --help", "Show this help message" },
	{ "Options:", NULL },
	{ "-d, --debug=ERROR|WARNING|NOTICE|INFO|DEBUG", "debug level" },
};

#define NUM_OPTION_LINES \
	(sizeof(event_tool_option_help) / sizeof(event_tool_option_help[0]))

static int command_max_len(void)
{
	size_t i;
	int max = 0;

	for (i = 0; i < NUM_COMMANDS; i++) {
		const struct event_tool_command *cmd = &event_tool_commands[i];
		int len = (int)(strlen(cmd->name) + strlen(cmd->msg_args));

		if (len > max) {
			max = len;
		}
	}
	return max;
}

static int option_max_len(void)
{
	size_t i;
	int max = 0;

	for (i = 0; i < NUM_OPTION_LINES; i++) {
		int len = (int)strlen(event_tool_option_help[i][0]);

		if (event_tool_option_help[i][1] != NULL && len > max) {
			max = len;
		}
	}
	return max;
}

static void print_command_line(FILE *f, const struct event_tool_command *cmd,
			       int width)
{
	fprintf(f, "  %s ", cmd->name);
	if (width > 0) {
		fprintf(f, "%-*s", width - (int)strlen(cmd->name),
			cmd->msg_args);
	} else {
		fputs(cmd->msg_args, f);
	}
	fprintf(f, "     %s\n", cmd->msg_help);
}

void event_tool_print_usage(FILE *f)
{
	int width = option_max_len();
	size_t i;

	fputs("Usage: ctdb-event [<options>] <command> [<args>]\n", f);
	for (i = 0; i < NUM_OPTION_LINES; i++) {
		const char *left = event_tool_option_help[i][0];
		const char *help = event_tool_option_help[i][1];

		if (help == NULL) {
			fprintf(f, "\n%s\n", left);
			continue;
		}
		fprintf(f, "  %-*s     %s\n", width, left, help);
	}

	fputs("\nCommands:\n", f);
	width = command_max_len();
	for (i = 0; i < NUM_COMMANDS; i++) {
		print_command_line(f, &event_tool_commands[i], width);
	}
}

/* The command of that name, ours included. */
static const struct event_tool_command *command_find(const char *command)
{
	size_t i;

	for (i = 0; i < NUM_COMMANDS; i++) {
		if (strcmp(event_tool_commands[i].name, command) == 0) {
			return &event_tool_commands[i];
		}
	}
	for (i = 0; i < NUM_EXTRA_COMMANDS; i++) {
		if (strcmp(event_tool_extra_commands[i].name, command) == 0) {
			return &event_tool_extra_commands[i];
		}
	}
	return NULL;
}

void event_tool_print_command_usage(FILE *f, const char *command)
{
	const struct event_tool_command *cmd = command_find(command);

	if (cmd != NULL) {
		fputs("Usage: ctdb-event [-h] [-h|--help]\n"
		      "        [-d|--debug=ERROR|WARNING|NOTICE|INFO|DEBUG]"
		      " <command> [<args>]\n"
		      "\n",
		      f);
		print_command_line(f, cmd, 0);
		return;
	}
	event_tool_print_usage(f);
}

/*
 * Names: ours are refused when they could leave the events directory
 * (the daemon's own rule, script_name_safe()).
 */

bool event_tool_component_valid(const char *component)
{
	bool ok = script_name_safe(component);

	if (!ok) {
		D_ERR("Invalid component name '%s'\n", component);
	}
	return ok;
}

bool event_tool_event_valid(const char *event)
{
	bool ok = script_name_safe(event);

	if (!ok) {
		D_ERR("Invalid event name '%s'\n", event);
	}
	return ok;
}

bool event_tool_names_valid(const char *component, const char *script)
{
	bool ok = event_tool_component_valid(component);

	if (!ok) {
		return false;
	}
	ok = script_name_safe(script);
	if (!ok) {
		D_ERR("Invalid script name '%s'\n", script);
	}
	return ok;
}

/*
 * Command line.
 */

/* How many of argv spell out the command's name, word by word (0: none). */
static int command_words(const char *name, int argc, const char **argv)
{
	const char *p = name;
	int n = 0;

	while (*p != '\0') {
		size_t len = strcspn(p, " ");

		if (n >= argc) {
			return 0;
		}
		if (strlen(argv[n]) != len || strncmp(argv[n], p, len) != 0) {
			return 0;
		}
		n++;
		p += len;
		p += strspn(p, " ");
	}
	return n;
}

static const struct event_tool_command *
command_match(int argc, const char **argv, int *pwords)
{
	size_t i;

	for (i = 0; i < NUM_COMMANDS; i++) {
		const struct event_tool_command *cmd = &event_tool_commands[i];
		int words = command_words(cmd->name, argc, argv);

		if (words > 0) {
			*pwords = words;
			return cmd;
		}
	}
	for (i = 0; i < NUM_EXTRA_COMMANDS; i++) {
		const struct event_tool_command *cmd =
			&event_tool_extra_commands[i];
		int words = command_words(cmd->name, argc, argv);

		if (words > 0) {
			*pwords = words;
			return cmd;
		}
	}
	return NULL;
}

static const struct poptOption event_tool_options[] = {
	{ "help", 'h', POPT_ARG_NONE, NULL, 'h', NULL, NULL },
	{ "debug", 'd', POPT_ARG_STRING, NULL, 'd', NULL, NULL },
	POPT_TABLEEND
};

/* @return 0, or EINVAL after reporting a bad option. */
static int parse_options(struct event_tool_context *ctx, poptContext pc,
			 bool *show_help)
{
	int opt;

	for (opt = poptGetNextOpt(pc); opt != -1; opt = poptGetNextOpt(pc)) {
		char *arg;

		if (opt == 'h') {
			*show_help = true;
			continue;
		}
		if (opt == 'd') {
			arg = poptGetOptArg(pc);
			TALLOC_FREE(ctx->debug);
			ctx->debug = talloc_strdup(ctx, arg == NULL ? "" : arg);
			free(arg);
			continue;
		}
		D_ERR("Invalid option %s: %s\n", poptBadOption(pc, 0),
		      poptStrerror(opt));
		return EINVAL;
	}
	return 0;
}

static int count_args(const char **args)
{
	int n = 0;

	while (args != NULL && args[n] != NULL) {
		n++;
	}
	return n;
}

/* CTDB prints the full usage twice for all of these; so do we. */
static int usage_error(struct event_tool_context *ctx,
		       const struct event_tool_command *cmd)
{
	if (cmd != NULL) {
		event_tool_print_command_usage(ctx->msg, cmd->name);
	} else {
		event_tool_print_usage(ctx->msg);
	}
	event_tool_print_usage(ctx->msg);
	return 1;
}

/*
 * -d takes CTDB's names, case-insensitively and by any prefix ("" and "e"
 * mean ERROR, "n" NOTICE), or CTDB's numbers 0-10 (3 is NOTICE, 10 DEBUG).
 * Anything else silently means ERROR, as in CTDB.
 */
static int tool_debug_level(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {
		{ "ERROR", DEBUG_ERR },
		{ "WARNING", DEBUG_WARNING },
		{ "NOTICE", DEBUG_NOTICE },
		{ "INFO", DEBUG_INFO },
		{ "DEBUG", DEBUG_DEBUG },
	};
	static const int numbers[] = {
		DEBUG_ERR, DEBUG_WARNING, DEBUG_WARNING, DEBUG_NOTICE,
		DEBUG_NOTICE, DEBUG_INFO, DEBUG_INFO, DEBUG_INFO,
		DEBUG_INFO, DEBUG_INFO, DEBUG_DEBUG,
	};
	size_t len;
	size_t i;
	int n;

	if (name == NULL) {
		return DEBUG_ERR;
	}
	if (name[0] >= '0' && name[0] <= '9') {
		size_t max = sizeof(numbers) / sizeof(numbers[0]);

		n = atoi(name);
		if (n >= 0 && (size_t)n < max) {
			return numbers[n];
		}
		return DEBUG_ERR;
	}
	len = strlen(name);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strncasecmp(names[i].name, name, len) == 0) {
			return names[i].level;
		}
	}
	return DEBUG_ERR;
}

static int event_tool_dispatch(struct event_tool_context *ctx, int argc,
			       const char **argv)
{
	const struct event_tool_command *cmd;
	const char **args;
	bool show_help = false;
	poptContext pc;
	int words = 0;
	int nargs;
	int ret;

	if (argc < 2) {
		return usage_error(ctx, NULL);
	}
	pc = poptGetContext("ctdb-event", argc, argv, event_tool_options, 0);
	if (pc == NULL) {
		return usage_error(ctx, NULL);
	}
	ret = parse_options(ctx, pc, &show_help);
	if (ret != 0) {
		poptFreeContext(pc);
		return usage_error(ctx, NULL);
	}

	args = poptGetArgs(pc);
	nargs = count_args(args);
	cmd = command_match(nargs, args, &words);
	if (cmd == NULL || show_help) {
		poptFreeContext(pc);
		return usage_error(ctx, cmd);
	}

	debug_level = tool_debug_level(ctx->debug);
	ret = cmd->fn(ctx, nargs - words, &args[words]);
	poptFreeContext(pc);
	return ret;
}

int event_tool_run_opts(TALLOC_CTX *mem_ctx, FILE *out, FILE *err, int argc,
			const char **argv,
			const struct event_tool_options *opts)
{
	struct event_tool_context *ctx;
	int ret;

	/* Diagnostics are bare lines on stderr, ERROR unless -d says more. */
	ret = logging_init("file:", DEBUG_ERR, "ctdb-event");
	if (ret != 0) {
		return 1;
	}
	ctx = talloc_zero(mem_ctx, struct event_tool_context);
	if (ctx == NULL) {
		D_ERR("Memory allocation error\n");
		return 1;
	}
	ctx->out = out;
	ctx->fmt = tool_format_select(false, opts->json)->event;
	ctx->msg = opts->json ? err : out;

	ret = event_tool_dispatch(ctx, argc, argv);
	fflush(out);
	talloc_free(ctx);
	return event_tool_exit_status(ret);
}

int event_tool_run(TALLOC_CTX *mem_ctx, FILE *out, int argc,
		   const char **argv)
{
	struct event_tool_options opts = { .json = false };

	return event_tool_run_opts(mem_ctx, out, stderr, argc, argv, &opts);
}

int event_tool_main_opts(TALLOC_CTX *mem_ctx, int argc, const char **argv,
			 const struct event_tool_options *opts)
{
	return event_tool_run_opts(mem_ctx, stdout, stderr, argc, argv, opts);
}

int event_tool_main(TALLOC_CTX *mem_ctx, int argc, const char **argv)
{
	return event_tool_run(mem_ctx, stdout, argc, argv);
}

