/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-event: run and query events through ctdb-eventd, manage scripts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <popt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#include "client/event_client.h"
#include "common/logging.h"
#include "common/path.h"
#include "common/tevent_unix.h"
#include "eventd/script_list.h"
#include "protocol/event_json.h"
#include "protocol/script_result.h"
#include "tools/event_history.h"
#include "tools/event_tool.h"

/* The script pattern of CTDB >= 4.9, as the daemon uses it. */
#define SCRIPT_SUFFIX ".script"

struct event_tool_context {
	FILE *out;
	/*
	 * Where the messages go that CTDB prints on stdout ("Event dir for
	 * %s does not exist", usage): out, or stderr under --json, whose
	 * stdout carries JSON only.
	 */
	FILE *msg;
	bool json;
	struct tevent_context *ev;
	struct ctdb_event_client *client;
	/* Set when the daemon closed the connection or sent garbage. */
	bool disconnected;
	char *debug;
};

struct event_tool_command {
	const char *name;
	int (*fn)(struct event_tool_context *ctx, int argc, const char **argv);
	const char *msg_args;
	const char *msg_help;
};

static int event_tool_cmd_run(struct event_tool_context *ctx, int argc,
			      const char **argv);
static int event_tool_cmd_status(struct event_tool_context *ctx, int argc,
				 const char **argv);
static int event_tool_cmd_script_list(struct event_tool_context *ctx,
				      int argc, const char **argv);
static int event_tool_cmd_script_enable(struct event_tool_context *ctx,
					int argc, const char **argv);
static int event_tool_cmd_script_disable(struct event_tool_context *ctx,
					 int argc, const char **argv);

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

static int event_tool_cmd_history(struct event_tool_context *ctx, int argc,
				  const char **argv);

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
 * Exit statuses: the shell sees the value modulo 256, as with exit().
 */

static int exit_status(int64_t value)
{
	return (int)((uint64_t)value & 0xff);
}

static int exit_status_abs(int64_t value)
{
	return exit_status(value < 0 ? -value : value);
}

int event_tool_print_run_result(FILE *f, const char *component,
				const char *event, int result)
{
	switch (result) {
	case 0:
		break;
	case ENOENT:
		fprintf(f, "Event dir for %s does not exist\n", component);
		break;
	case ETIMEDOUT:
		fprintf(f, "Event %s in %s timed out\n", event, component);
		break;
	case ECANCELED:
		fprintf(f, "Event %s in %s got cancelled\n", event, component);
		break;
	case ENOEXEC:
		fprintf(f, "Event %s in %s failed\n", event, component);
		break;
	default:
		fprintf(f, "Failed to run event %s in %s, result=%d\n", event,
			component, result);
		break;
	}
	return exit_status_abs(result);
}

/*
 * Status presentation.
 */

/* ctime() of begin, which ends in a newline. */
static void print_ctime(FILE *f, const struct timeval *tv)
{
	char buf[64];
	time_t t = tv->tv_sec;
	char *s;

	/* A time the C library cannot format comes from a broken peer. */
	s = ctime_r(&t, buf);
	if (s == NULL) {
		fputs("(invalid time)\n", f);
		return;
	}
	fputs(s, f);
}

static double timeval_delta(const struct timeval *end,
			    const struct timeval *begin)
{
	return (double)(end->tv_sec - begin->tv_sec) +
	       (double)(end->tv_usec - begin->tv_usec) * 1.0e-6;
}

static void print_result_line(FILE *f, const struct ctdb_event_script *script)
{
	const char *name = script->name == NULL ? "" : script->name;
	struct script_result r = script_result_from_wire(script->result);
	const char *word = script_result_word(&r);

	switch (r.state) {
	case SCRIPT_TIMEDOUT:
		fprintf(f, "%-20s %-10s ", name, word);
		print_ctime(f, &script->begin);
		return;
	case SCRIPT_DISABLED:
		fprintf(f, "%-20s %-10s\n", name, word);
		return;
	case SCRIPT_OK:
	case SCRIPT_ERROR:
		fprintf(f, "%-20s %-10s %.3lf ", name, word,
			timeval_delta(&script->end, &script->begin));
		print_ctime(f, &script->begin);
		return;
	default:
		/* CTDB's tool shows every other negative errno this way. */
		fprintf(f, "%-20s %-10s (%s)\n", name, "CANNOT RUN",
			strerror(r.code));
		return;
	}
}

static void print_output_line(FILE *f, const char *prefix, const char *line,
			      size_t len)
{
	fputs(prefix, f);
	fwrite(line, 1, len, f);
	fputc('\n', f);
}

/*
 * The OUTPUT block of newer CTDB: one line inline, or each line of a
 * multi-line output indented below a header.
 */
static void print_output(FILE *f, const char *output)
{
	const char *text = output == NULL ? "" : output;
	size_t len = strlen(text);
	const char *line = text;
	const char *end;
	const char *nl;

	/* Trailing newlines are clutter and would fake a second line. */
	while (len > 0 && text[len - 1] == '\n') {
		len--;
	}
	end = text + len;

	nl = memchr(text, '\n', len);
	if (nl == NULL) {
		print_output_line(f, "  OUTPUT: ", text, len);
		return;
	}

	fputs("  OUTPUT:\n", f);
	while (nl != NULL) {
		print_output_line(f, "    ", line, nl - line);
		line = nl + 1;
		nl = memchr(line, '\n', end - line);
	}
	print_output_line(f, "    ", line, end - line);
}

void event_tool_print_script(FILE *f, const struct ctdb_event_script *script)
{
	bool failed = script_wire_failed(script->result);

	print_result_line(f, script);
	/* Empty output of a failure is informative, so it is shown too. */
	if (failed || script->output != NULL) {
		print_output(f, script->output);
	}
}

/*
 * The index of the script shown after the shown script i (-1: the
 * first), or -1 when no more are shown. Text and JSON show the same.
 */
static int32_t status_next(const struct ctdb_event_script_list *list,
			   int32_t i)
{
	const struct timeval *prev = NULL;
	int32_t j;

	if (i >= 0) {
		prev = &list->script[i].begin;
	}
	for (j = i + 1; j < list->num_scripts; j++) {
		const struct ctdb_event_script *script = &list->script[j];
		struct script_result r = script_result_from_wire(script->result);

		/* Not run this time, and nothing older known about it. */
		if (r.state == SCRIPT_NO_DATA) {
			continue;
		}
		/* Older than its predecessor: left over from an earlier run. */
		if (prev != NULL && timercmp(&script->begin, prev, <)) {
			return -1;
		}
		return j;
	}
	return -1;
}

void event_tool_print_status(FILE *f,
			     const struct ctdb_event_reply_status *status)
{
	const struct ctdb_event_script_list *list = status->script_list;
	int32_t i;

	if (list == NULL) {
		return;
	}
	for (i = status_next(list, -1); i != -1; i = status_next(list, i)) {
		event_tool_print_script(f, &list->script[i]);
	}
}

int event_tool_print_status_result(FILE *f, const char *component,
				   const char *event, int result,
				   const struct ctdb_event_reply_status *status)
{
	if (result == ENOENT) {
		fprintf(f, "Event dir for %s does not exist\n", component);
		return ENOENT;
	}
	if (result == EINVAL) {
		fprintf(f, "Event %s has never run in %s\n", event, component);
		return EINVAL;
	}
	if (result != 0) {
		fprintf(f, "Unknown error (%d) for event %s in %s\n", result,
			event, component);
		/* CTDB exits with the value itself here, not its magnitude. */
		return exit_status(result);
	}
	event_tool_print_status(f, status);
	return exit_status_abs(status->summary);
}

/*
 * Names: ours are refused when they could leave the events directory.
 */

static bool name_valid(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL;
}

static bool component_valid(const char *component)
{
	bool ok = name_valid(component);

	if (!ok) {
		D_ERR("Invalid component name '%s'\n", component);
	}
	return ok;
}

static bool event_valid(const char *event)
{
	bool ok = name_valid(event);

	if (!ok) {
		D_ERR("Invalid event name '%s'\n", event);
	}
	return ok;
}

static bool script_name_valid(const char *script)
{
	bool ok = name_valid(script);

	if (!ok) {
		D_ERR("Invalid script name '%s'\n", script);
	}
	return ok;
}

/*
 * Talking to the daemon.
 */

static void event_tool_disconnected(void *private_data)
{
	struct event_tool_context *ctx = talloc_get_type_abort(
		private_data, struct event_tool_context);

	ctx->disconnected = true;
}

static int event_tool_connect(struct event_tool_context *ctx)
{
	char *sockpath;
	int ret;

	ctx->ev = tevent_context_init(ctx);
	sockpath = path_socket(ctx, "eventd");
	if (ctx->ev == NULL || sockpath == NULL) {
		D_ERR("Failed to initialize event client, ret=%d\n", ENOMEM);
		return ENOMEM;
	}

	ret = ctdb_event_client_init(ctx, ctx->ev, sockpath,
				     CTDB_EVENT_TOOL_REQID_START,
				     &ctx->client);
	if (ret != 0) {
		/* CTDB's tool reports every failure to connect as EIO. */
		D_ERR("socket connect failed - %s\n", sockpath);
		D_ERR("Failed to initialize event client, ret=%d\n", EIO);
		return EIO;
	}
	ctdb_event_client_set_disconnect_fn(ctx->client,
					    event_tool_disconnected, ctx);
	return 0;
}

/* Wait for the reply; no timeout, as in CTDB. @return false with *perr. */
static bool event_tool_wait(struct event_tool_context *ctx,
			    struct tevent_req *req, int *perr)
{
	if (req == NULL) {
		*perr = ENOMEM;
		return false;
	}
	return tevent_req_poll_unix(req, ctx->ev, perr);
}

/*
 * A request that got no usable reply: say why, as CTDB's tool does.
 * EPROTO on a connection still up means a well-formed reply for another
 * command, which CTDB's tool shows as result EPROTO.
 * @return the exit status, or -1 to go on with result EPROTO.
 */
static int request_failed(struct event_tool_context *ctx, int err,
			  const char *what, const char *event,
			  const char *component)
{
	if (err == EPIPE) {
		D_NOTICE("connection to daemon closed, exiting\n");
		return 1;
	}
	if (err == EPROTO && !ctx->disconnected) {
		return -1;
	}
	D_ERR("Failed to %s %s in %s, ret=%d\n", what, event, component, err);
	return 1;
}

static char *join_args(TALLOC_CTX *mem_ctx, int argc, const char **argv)
{
	char *args;
	int i;

	if (argc == 0) {
		return NULL;
	}
	args = talloc_strdup(mem_ctx, argv[0]);
	for (i = 1; i < argc && args != NULL; i++) {
		args = talloc_asprintf_append(args, " %s", argv[i]);
	}
	return args;
}

static uint32_t run_flags(void)
{
	const char *run_all = getenv("CTDB_EVENT_RUN_ALL");
	bool test_mode = path_test_mode();

	if (test_mode && run_all != NULL) {
		return CTDB_EVENT_RUN_ALL;
	}
	return 0;
}

static int event_tool_cmd_run(struct event_tool_context *ctx, int argc,
			      const char **argv)
{
	struct ctdb_event_request_run run;
	struct tevent_req *req;
	int timeout;
	int result = 0;
	int err = 0;
	int ret;
	bool ok;

	if (argc < 3) {
		event_tool_print_command_usage(ctx->msg, "run");
		return 1;
	}
	ok = component_valid(argv[1]) && event_valid(argv[2]);
	if (!ok) {
		return EINVAL;
	}
	ret = event_tool_connect(ctx);
	if (ret != 0) {
		return ret;
	}

	timeout = atoi(argv[0]);
	run = (struct ctdb_event_request_run) {
		.component = argv[1],
		.event = argv[2],
		.args = join_args(ctx, argc - 3, &argv[3]),
		.timeout = timeout < 0 ? 0 : (uint32_t)timeout,
		.flags = run_flags(),
	};
	if (argc > 3 && run.args == NULL) {
		D_ERR("Failed to run event %s in %s, ret=%d\n", argv[2],
		      argv[1], ENOMEM);
		return 1;
	}

	req = ctdb_event_run_send(ctx, ctx->ev, ctx->client, &run);
	ok = event_tool_wait(ctx, req, &err);
	if (ok) {
		ok = ctdb_event_run_recv(req, &err, &result);
	}
	TALLOC_FREE(req);
	if (!ok) {
		ret = request_failed(ctx, err, "run event", argv[2], argv[1]);
		if (ret != -1) {
			return ret;
		}
		result = EPROTO;
	}

	D_NOTICE("Command run finished with result=%d\n", result);
	if (ctx->json) {
		return event_tool_print_run_json(ctx->out, ctx->msg, argv[1],
						 argv[2], result);
	}
	return event_tool_print_run_result(ctx->out, argv[1], argv[2], result);
}

static int event_tool_cmd_status(struct event_tool_context *ctx, int argc,
				 const char **argv)
{
	struct ctdb_event_request_status request;
	struct ctdb_event_reply_status *status = NULL;
	struct tevent_req *req;
	int result = 0;
	int err = 0;
	int ret;
	bool ok;

	if (argc != 2) {
		event_tool_print_command_usage(ctx->msg, "status");
		return 1;
	}
	ok = component_valid(argv[0]) && event_valid(argv[1]);
	if (!ok) {
		return EINVAL;
	}
	ret = event_tool_connect(ctx);
	if (ret != 0) {
		return ret;
	}

	request = (struct ctdb_event_request_status) {
		.component = argv[0],
		.event = argv[1],
	};
	req = ctdb_event_status_send(ctx, ctx->ev, ctx->client, &request);
	ok = event_tool_wait(ctx, req, &err);
	if (ok) {
		ok = ctdb_event_status_recv(req, &err, &result, ctx, &status);
	}
	TALLOC_FREE(req);
	if (!ok) {
		ret = request_failed(ctx, err, "get status for event", argv[1],
				     argv[0]);
		if (ret != -1) {
			return ret;
		}
		result = EPROTO;
	}

	D_NOTICE("Command status finished with result=%d\n", result);
	if (ctx->json) {
		return event_tool_print_status_json(ctx->out, ctx->msg, argv[0],
						    argv[1], result, status);
	}
	return event_tool_print_status_result(ctx->out, argv[0], argv[1],
					      result, status);
}

/*
 * History: ours, so a daemon that closes the connection (Samba's does on
 * a command it does not know) simply does not support it.
 */

static int history_print(struct event_tool_context *ctx, const char *json)
{
	json_t *runs = NULL;
	int ret;

	ret = event_history_parse(json, &runs);
	if (ret != 0) {
		D_ERR("history: malformed reply from the daemon\n");
		return 1;
	}
	if (ctx->json) {
		ret = event_history_print_json(ctx->out, runs);
	} else {
		event_history_print_text(ctx->out, runs);
	}
	json_decref(runs);
	return ret == 0 ? 0 : 1;
}

static int event_tool_cmd_history(struct event_tool_context *ctx, int argc,
				  const char **argv)
{
	struct tevent_req *req;
	char *json = NULL;
	int result = 0;
	int err = 0;
	int ret;
	bool ok;

	if (argc != 2) {
		event_tool_print_command_usage(ctx->out, "history");
		return 1;
	}
	ok = component_valid(argv[0]);
	if (!ok) {
		return EINVAL;
	}
	ret = event_tool_connect(ctx);
	if (ret != 0) {
		return ret;
	}
	req = ctdb_event_history_send(ctx, ctx->ev, ctx->client, argv[0],
				      argv[1]);
	ok = event_tool_wait(ctx, req, &err);
	if (ok) {
		ok = ctdb_event_history_recv(req, &err, &result, ctx, &json);
	}
	TALLOC_FREE(req);
	if (!ok && (err == EPIPE || ctx->disconnected)) {
		D_ERR("history: not supported by this daemon\n");
		return 1;
	}
	if (!ok) {
		D_ERR("Failed to get history of event %s in %s, ret=%d\n",
		      argv[1], argv[0], err);
		return 1;
	}
	D_NOTICE("Command history finished with result=%d\n", result);
	if (result == EMSGSIZE) {
		fprintf(ctx->out, "History of event %s in %s is too large "
				  "for one reply\n", argv[1], argv[0]);
		return EMSGSIZE;
	}
	if (result != 0) {
		/* The same words as status, for the same results. */
		return event_tool_print_status_result(ctx->out, argv[0],
						      argv[1], result, NULL);
	}
	return history_print(ctx, json);
}

/*
 * Scripts on the local filesystem. Like CTDB's tool, these never ask the
 * daemon: enabling an installed script links it into the events
 * directory, enabling a local script sets its execute bits.
 */

struct event_tool_script {
	char *name; /* without ".script" */
	char *path;
	bool enabled;
	bool matched; /* a link to the installed script of that name */
};

struct event_tool_script_list {
	unsigned int num_scripts;
	struct event_tool_script *script;
};

/* The daemon's own rule, so the list shows exactly what would run. */
static int script_filter(const struct dirent *de)
{
	bool valid = script_filename_valid(de->d_name);

	return valid ? 1 : 0;
}

/* Byte order, whatever the locale (alphasort() would use strcoll()). */
static int script_compare(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int script_fill(struct event_tool_script_list *list,
		       const char *dir, const char *file)
{
	struct event_tool_script *s = &list->script[list->num_scripts];
	struct stat st;
	int ret;

	s->name = script_display_name(list, file);
	s->path = talloc_asprintf(list, "%s/%s", dir, file);
	if (s->name == NULL || s->path == NULL) {
		return ENOMEM;
	}
	/* A dangling link or a vanished entry is simply not executable. */
	ret = stat(s->path, &st);
	s->enabled = ret == 0 && (st.st_mode & S_IXUSR) != 0;
	list->num_scripts++;
	return 0;
}

static int tool_script_list_get(TALLOC_CTX *mem_ctx, const char *dir,
			   struct event_tool_script_list **out)
{
	struct event_tool_script_list *list;
	struct dirent **names = NULL;
	int count;
	int ret = 0;
	int i;

	count = scandir(dir, &names, script_filter, script_compare);
	if (count == -1) {
		return errno;
	}

	list = talloc_zero(mem_ctx, struct event_tool_script_list);
	if (list != NULL) {
		list->script = talloc_zero_array(list, struct event_tool_script,
						 count);
	}
	if (list == NULL || list->script == NULL) {
		ret = ENOMEM;
	}
	for (i = 0; i < count; i++) {
		if (ret == 0) {
			ret = script_fill(list, dir, names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);

	if (ret != 0) {
		talloc_free(list);
		return ret;
	}
	*out = list;
	return 0;
}

/* Does the link at path point exactly at target (no normalisation)? */
static bool link_points_to(const char *path, const char *target)
{
	char buf[PATH_MAX];
	ssize_t len;

	len = readlink(path, buf, sizeof(buf));
	if (len == -1 || (size_t)len >= sizeof(buf)) {
		return false;
	}
	buf[len] = '\0';
	return strcmp(buf, target) == 0;
}

/*
 * One line of `script list`: name, '*' or not, and whether it is an
 * installed script; a NULL name is the blank line between the groups.
 */
typedef void (*script_list_emit_fn)(void *private_data, const char *name,
				    bool enabled, bool installed);

/*
 * The installed scripts, flagging those linked from the events directory.
 * Both lists are sorted, so the events list is walked once.
 * @return the number of events entries matched.
 */
static unsigned int walk_installed(const struct event_tool_script_list *data,
				   struct event_tool_script_list *etc,
				   script_list_emit_fn emit, void *private_data)
{
	unsigned int matched = 0;
	unsigned int i;
	unsigned int j = 0;

	for (i = 0; i < data->num_scripts; i++) {
		const struct event_tool_script *d = &data->script[i];
		bool linked = false;

		while (j < etc->num_scripts) {
			struct event_tool_script *e = &etc->script[j];
			int cmp = strcmp(e->name, d->name);

			if (cmp > 0) {
				break;
			}
			j++;
			if (cmp < 0) {
				continue;
			}
			linked = link_points_to(e->path, d->path);
			if (linked) {
				e->matched = true;
				matched++;
			}
			break;
		}
		emit(private_data, d->name, linked, true);
	}
	return matched;
}

/* The installed scripts, then the events directory's own. */
static void walk_script_list(const struct event_tool_script_list *data,
			     struct event_tool_script_list *etc,
			     script_list_emit_fn emit, void *private_data)
{
	unsigned int i;

	/* An embedded install may have no installed scripts at all. */
	if (data != NULL) {
		unsigned int matched = walk_installed(data, etc, emit,
						      private_data);

		if (data->num_scripts > 0 && matched != etc->num_scripts) {
			emit(private_data, NULL, false, false);
		}
	}
	for (i = 0; i < etc->num_scripts; i++) {
		const struct event_tool_script *e = &etc->script[i];

		if (e->matched) {
			continue;
		}
		emit(private_data, e->name, e->enabled, false);
	}
}

static void text_script_line(void *private_data, const char *name,
			     bool enabled, bool installed)
{
	FILE *f = private_data;

	if (name == NULL) {
		fputc('\n', f);
		return;
	}
	fprintf(f, "%c %s\n", enabled ? '*' : ' ', name);
}

static void print_script_list(FILE *f,
			      const struct event_tool_script_list *data,
			      struct event_tool_script_list *etc)
{
	walk_script_list(data, etc, text_script_line, f);
}

/*
 * JSON output.
 */

/*
 * One compact document and a newline on out; takes the reference.
 * @return 0, or 1 after saying on msg that j could not be built.
 */
static int json_print(FILE *out, FILE *msg, json_t *j)
{
	int ret = -1;

	if (j != NULL) {
		ret = json_dumpf(j, out, CTDB_JSON_DUMP_FLAGS);
		json_decref(j);
	}
	if (ret != 0) {
		fprintf(msg, "Failed to format the output as JSON\n");
		return 1;
	}
	fputc('\n', out);
	return 0;
}

struct json_script_lines {
	json_t *scripts;
	bool failed;
};

static void json_script_line(void *private_data, const char *name,
			     bool enabled, bool installed)
{
	struct json_script_lines *lines = private_data;
	json_t *entry;
	int ret;

	if (name == NULL || lines->failed) {
		return;
	}
	entry = ctdb_event_script_entry_json(name, enabled, installed);
	ret = json_array_append_new(lines->scripts, entry);
	if (entry == NULL || ret != 0) {
		lines->failed = true;
	}
}

/* {"component": c, "scripts": [entry...]}, entries as the text lines. */
static int json_script_list(struct event_tool_context *ctx,
			    const char *component,
			    const struct event_tool_script_list *data,
			    struct event_tool_script_list *etc)
{
	struct json_script_lines lines = { .scripts = json_array() };
	json_t *j = NULL;

	if (lines.scripts == NULL) {
		return json_print(ctx->out, ctx->msg, NULL);
	}
	walk_script_list(data, etc, json_script_line, &lines);
	if (lines.failed) {
		json_decref(lines.scripts);
	} else {
		j = json_pack("{s:o, s:o}", "component",
			      ctdb_json_string(component), "scripts",
			      lines.scripts);
	}
	return json_print(ctx->out, ctx->msg, j);
}

int event_tool_print_run_json(FILE *out, FILE *msg, const char *component,
			      const char *event, int result)
{
	int status = event_tool_print_run_result(msg, component, event,
						 result);
	json_t *j;
	int ret;

	switch (result) {
	case 0:
	case ENOEXEC:
	case ETIMEDOUT:
	case ECANCELED:
		break;
	default:
		return status;
	}
	j = ctdb_event_run_json(component, event, result);
	ret = json_print(out, msg, j);
	return ret != 0 ? ret : status;
}

int event_tool_print_status_json(FILE *out, FILE *msg, const char *component,
				 const char *event, int result,
				 const struct ctdb_event_reply_status *status)
{
	const struct ctdb_event_script_list *list = NULL;
	struct ctdb_event_script_list shown = { 0 };
	struct ctdb_event_reply_status reply = { .script_list = &shown };
	json_t *j = NULL;
	int32_t i;
	int ret;

	/* No status comes with an error. */
	if (result != 0) {
		return event_tool_print_status_result(msg, component, event,
						      result, status);
	}
	list = status->script_list;
	reply.summary = status->summary;
	if (list != NULL && list->num_scripts > 0) {
		shown.script = calloc(list->num_scripts,
				      sizeof(shown.script[0]));
		if (shown.script == NULL) {
			return json_print(out, msg, NULL);
		}
		for (i = status_next(list, -1); i != -1;
		     i = status_next(list, i)) {
			shown.script[shown.num_scripts++] = list->script[i];
		}
	}
	j = ctdb_event_status_json(component, event, &reply);
	free(shown.script);
	ret = json_print(out, msg, j);
	return ret != 0 ? ret : exit_status_abs(status->summary);
}

/* realpath() into talloc memory. @return 0 or errno. */
static int resolve_path(TALLOC_CTX *mem_ctx, const char *path, char **out)
{
	char *real;

	real = realpath(path, NULL);
	if (real == NULL) {
		return errno;
	}
	*out = talloc_strdup(mem_ctx, real);
	free(real);
	if (*out == NULL) {
		return ENOMEM;
	}
	return 0;
}

static int event_tool_cmd_script_list(struct event_tool_context *ctx,
				      int argc, const char **argv)
{
	struct event_tool_script_list *data_list = NULL;
	struct event_tool_script_list *etc_list = NULL;
	char *data_dir;
	char *etc_dir;
	char *real_dir = NULL;
	bool ok;
	int ret;

	if (argc != 1) {
		event_tool_print_command_usage(ctx->msg, "script list");
		return 1;
	}
	ok = component_valid(argv[0]);
	if (!ok) {
		return EINVAL;
	}

	data_dir = path_installed_events_dir(ctx, argv[0]);
	etc_dir = path_events_dir(ctx, argv[0]);
	if (data_dir == NULL || etc_dir == NULL) {
		return ENOMEM;
	}
	ret = resolve_path(ctx, data_dir, &real_dir);
	if (ret == ENOENT) {
		D_ERR("Unable to find event script installation directory: "
		      "%s\n",
		      data_dir);
		return ENOENT;
	}
	if (ret != 0) {
		return ret;
	}

	ret = tool_script_list_get(ctx, real_dir, &data_list);
	if (ret != 0 && ret != ENOENT) {
		D_ERR("Command script list finished with result=%d\n", ret);
		return ret;
	}
	ret = tool_script_list_get(ctx, etc_dir, &etc_list);
	if (ret != 0) {
		D_ERR("Command script list finished with result=%d\n", ret);
		return ret;
	}
	D_NOTICE("Command script list finished with result=%d\n", 0);

	if (ctx->json) {
		return json_script_list(ctx, argv[0], data_list, etc_list);
	}
	print_script_list(ctx->out, data_list, etc_list);
	return 0;
}

/* Find file in dir by exact name. @return 0 with its inode, or errno. */
static int script_find(const char *dir, const char *file, ino_t *ino)
{
	struct dirent *de;
	DIR *dirp;
	int ret = ENOENT;

	dirp = opendir(dir);
	if (dirp == NULL) {
		return errno;
	}
	for (de = readdir(dirp); de != NULL; de = readdir(dirp)) {
		if (strcmp(de->d_name, file) != 0) {
			continue;
		}
		ret = script_filter(de) == 1 ? 0 : EINVAL;
		*ino = de->d_ino;
		break;
	}
	closedir(dirp);
	return ret;
}

static int script_set_mode(const char *path, ino_t ino, bool enable)
{
	const mode_t xbits = S_IXUSR | S_IXGRP | S_IXOTH;
	struct stat st;
	mode_t mode;
	int fd;
	int ret = 0;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd == -1) {
		return errno;
	}
	ret = fstat(fd, &st);
	if (ret != 0) {
		ret = errno;
		goto done;
	}
	/* Not the entry's inode: a link, whose target is not ours to change. */
	if (st.st_ino != ino) {
		ret = EINVAL;
		goto done;
	}
	mode = enable ? (st.st_mode | xbits) : (st.st_mode & ~xbits);
	ret = fchmod(fd, mode & 07777);
	if (ret != 0) {
		ret = errno;
	}
done:
	close(fd);
	return ret;
}

/* Set or clear the execute bits of a regular script in the events dir. */
static int script_chmod(TALLOC_CTX *mem_ctx, const char *dir,
			const char *file, bool enable)
{
	char *path;
	ino_t ino = 0;
	int ret;

	path = talloc_asprintf(mem_ctx, "%s/%s", dir, file);
	if (path == NULL) {
		return ENOMEM;
	}
	ret = script_find(dir, file, &ino);
	if (ret != 0) {
		return ret;
	}
	return script_set_mode(path, ino, enable);
}

static int event_tool_script_chmod(struct event_tool_context *ctx,
				   const char *component, const char *script,
				   const char *etc_script, bool enable)
{
	const char *file = strrchr(etc_script, '/') + 1;
	char *dir;
	int result;

	dir = path_events_dir(ctx, component);
	if (dir == NULL) {
		return ENOMEM;
	}
	result = script_chmod(ctx, dir, file, enable);
	D_NOTICE("Command script finished with result=%d\n", result);

	if (result == EINVAL) {
		fprintf(ctx->msg, "Script %s is invalid in %s\n", script,
			component);
	} else if (result == ENOENT) {
		fprintf(ctx->msg, "Script %s does not exist in %s\n", script,
			component);
	}
	return result;
}

/* Both names checked, each reported. @return true if both are valid. */
static bool names_valid(const char *component, const char *script)
{
	bool ok = component_valid(component);

	if (ok) {
		ok = script_name_valid(script);
	}
	return ok;
}

/*
 * <etcdir>/events/<component>/<script>.script, or <script> itself when
 * only a regular file of the events.d form "NN.name" exists.
 */
static char *events_script_path(TALLOC_CTX *mem_ctx, const char *component,
				const char *script)
{
	char *dir = path_events_dir(mem_ctx, component);
	char *path;
	char *legacy;
	struct stat st;
	int ret;

	if (dir == NULL) {
		return NULL;
	}
	path = talloc_asprintf(mem_ctx, "%s/%s" SCRIPT_SUFFIX, dir, script);
	if (path == NULL || !script_filename_valid(script)) {
		return path;
	}
	ret = lstat(path, &st);
	if (ret == 0 || errno != ENOENT) {
		return path;
	}
	legacy = talloc_asprintf(mem_ctx, "%s/%s", dir, script);
	if (legacy == NULL) {
		return NULL;
	}
	ret = lstat(legacy, &st);
	if (ret == 0 && S_ISREG(st.st_mode)) {
		return legacy;
	}
	return path;
}

/* Enable an installed script by linking it into the events directory. */
static int script_link(struct event_tool_context *ctx, const char *component,
		       const char *script, const char *etc_script)
{
	char *dir = path_installed_events_dir(ctx, component);
	char *data_script;
	char *target = NULL;
	struct stat st;
	int ret;

	data_script = talloc_asprintf(ctx, "%s/%s" SCRIPT_SUFFIX, dir, script);
	if (dir == NULL || data_script == NULL) {
		return ENOMEM;
	}
	ret = resolve_path(ctx, data_script, &target);
	if (ret == ENOENT) {
		fprintf(ctx->msg, "Script %s does not exist in %s\n", script,
			component);
	}
	if (ret != 0) {
		return ret;
	}
	ret = stat(target, &st);
	if (ret != 0) {
		fprintf(ctx->msg, "Script %s does not exist in %s\n", script,
			component);
		return ENOENT;
	}
	ret = symlink(target, etc_script);
	if (ret != 0) {
		fprintf(ctx->msg, "Failed to create symlink %s\n", etc_script);
		return EIO;
	}
	return 0;
}

static int script_enable(struct event_tool_context *ctx, int argc,
			 const char **argv)
{
	char *etc_script;
	struct stat st;
	bool ok;
	int ret;

	if (argc != 2) {
		event_tool_print_command_usage(ctx->msg, "script enable");
		return 1;
	}
	ok = names_valid(argv[0], argv[1]);
	if (!ok) {
		return EINVAL;
	}
	etc_script = events_script_path(ctx, argv[0], argv[1]);
	if (etc_script == NULL) {
		return ENOMEM;
	}

	ret = lstat(etc_script, &st);
	if (ret != 0 && errno == ENOENT) {
		return script_link(ctx, argv[0], argv[1], etc_script);
	}
	if (ret != 0) {
		fprintf(ctx->msg, "Script %s does not exist\n", etc_script);
		return EINVAL;
	}
	/* A link is enabled already: it exists to be enabled. */
	if (S_ISLNK(st.st_mode)) {
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		return event_tool_script_chmod(ctx, argv[0], argv[1],
					       etc_script, true);
	}
	fprintf(ctx->msg, "Script %s is not a file or a link\n", etc_script);
	return EINVAL;
}

static int script_disable(struct event_tool_context *ctx, int argc,
			  const char **argv)
{
	char *etc_script;
	struct stat st;
	bool ok;
	int ret;

	if (argc != 2) {
		event_tool_print_command_usage(ctx->msg, "script disable");
		return 1;
	}
	ok = names_valid(argv[0], argv[1]);
	if (!ok) {
		return EINVAL;
	}
	etc_script = events_script_path(ctx, argv[0], argv[1]);
	if (etc_script == NULL) {
		return ENOMEM;
	}

	/* Nothing there is as disabled as it gets. */
	ret = lstat(etc_script, &st);
	if (ret != 0) {
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		ret = unlink(etc_script);
		if (ret != 0) {
			fprintf(ctx->msg, "Failed to remove symlink %s\n",
				etc_script);
			return EIO;
		}
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		return event_tool_script_chmod(ctx, argv[0], argv[1],
					       etc_script, false);
	}
	fprintf(ctx->msg, "Script %s is not a file or a link\n", etc_script);
	return EINVAL;
}

/* {"component": c, "script": s, "enabled": bool} after enable/disable. */
static int json_script_state(struct event_tool_context *ctx,
			     const char *component, const char *script,
			     bool enabled)
{
	json_t *j;

	j = json_pack("{s:o, s:o, s:b}", "component",
		      ctdb_json_string(component), "script",
		      ctdb_json_string(script), "enabled",
		      enabled);
	return json_print(ctx->out, ctx->msg, j);
}

static int event_tool_cmd_script_enable(struct event_tool_context *ctx,
					int argc, const char **argv)
{
	int ret = script_enable(ctx, argc, argv);

	if (ret == 0 && ctx->json) {
		ret = json_script_state(ctx, argv[0], argv[1], true);
	}
	return ret;
}

static int event_tool_cmd_script_disable(struct event_tool_context *ctx,
					 int argc, const char **argv)
{
	int ret = script_disable(ctx, argc, argv);

	if (ret == 0 && ctx->json) {
		ret = json_script_state(ctx, argv[0], argv[1], false);
	}
	return ret;
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
	ctx->json = opts->json;
	ctx->msg = opts->json ? err : out;

	ret = event_tool_dispatch(ctx, argc, argv);
	fflush(out);
	talloc_free(ctx);
	return exit_status(ret);
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
