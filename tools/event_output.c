/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The event commands' output: CTDB's text and our JSON, apart from I/O. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "protocol/event_json.h"
#include "protocol/script_result.h"
#include "tools/event_history.h"
#include "tools/event_tool.h"
#include "tools/event_tool_private.h"
#include "tools/tool_format.h"

/*
 * Exit statuses: the shell sees the value modulo 256, as with exit().
 */

int event_tool_exit_status(int64_t value)
{
	return (int)((uint64_t)value & 0xff);
}

int event_tool_exit_status_abs(int64_t value)
{
	return event_tool_exit_status(value < 0 ? -value : value);
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
	return event_tool_exit_status_abs(result);
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
		return event_tool_exit_status(result);
	}
	event_tool_print_status(f, status);
	return event_tool_exit_status_abs(status->summary);
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
	int ret = tool_json_emit(out, j);

	if (ret != 0) {
		fprintf(msg, "Failed to format the output as JSON\n");
		return 1;
	}
	return 0;
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
	return ret != 0 ? ret : event_tool_exit_status_abs(status->summary);
}

/*
 * Script list, script state and history.
 */

static int text_script_list(FILE *out, FILE *msg, const char *component,
			    const struct event_script_listing *listing)
{
	unsigned int i;

	for (i = 0; i < listing->num_lines; i++) {
		const struct event_script_line *l = &listing->line[i];

		if (l->name == NULL) {
			fputc('\n', out);
			continue;
		}
		fprintf(out, "%c %s\n", l->enabled ? '*' : ' ', l->name);
	}
	return 0;
}

/* {"component": c, "scripts": [entry...]}, entries as the text lines. */
static int json_script_list(FILE *out, FILE *msg, const char *component,
			    const struct event_script_listing *listing)
{
	json_t *scripts = json_array();
	unsigned int i;

	if (scripts == NULL) {
		return json_print(out, msg, NULL);
	}
	for (i = 0; i < listing->num_lines; i++) {
		const struct event_script_line *l = &listing->line[i];
		json_t *entry;
		int ret;

		if (l->name == NULL) {
			continue;
		}
		entry = ctdb_event_script_entry_json(l->name, l->enabled,
						     l->installed);
		ret = json_array_append_new(scripts, entry);
		if (entry == NULL || ret != 0) {
			json_decref(scripts);
			return json_print(out, msg, NULL);
		}
	}
	return json_print(out, msg,
			  json_pack("{s:o, s:o}", "component",
				    ctdb_json_string(component), "scripts",
				    scripts));
}

/* CTDB's tool says nothing when a script was enabled or disabled. */
static int text_script_state(FILE *out, FILE *msg, const char *component,
			     const char *script, bool enabled)
{
	return 0;
}

/* {"component": c, "script": s, "enabled": bool}. */
static int json_script_state(FILE *out, FILE *msg, const char *component,
			     const char *script, bool enabled)
{
	json_t *j;

	j = json_pack("{s:o, s:o, s:b}", "component",
		      ctdb_json_string(component), "script",
		      ctdb_json_string(script), "enabled", enabled);
	return json_print(out, msg, j);
}

static int text_history(FILE *out, FILE *msg, const json_t *runs)
{
	event_history_print_text(out, runs);
	return 0;
}

static int json_history(FILE *out, FILE *msg, const json_t *runs)
{
	int ret = event_history_print_json(out, runs);

	return ret == 0 ? 0 : 1;
}

static int text_run(FILE *out, FILE *msg, const char *component,
		    const char *event, int result)
{
	return event_tool_print_run_result(out, component, event, result);
}

static int text_status(FILE *out, FILE *msg, const char *component,
		       const char *event, int result,
		       const struct ctdb_event_reply_status *status)
{
	return event_tool_print_status_result(out, component, event, result,
					      status);
}

const struct event_format event_format_text = {
	.run = text_run,
	.status = text_status,
	.script_list = text_script_list,
	.script_state = text_script_state,
	.history = text_history,
};

const struct event_format event_format_json = {
	.run = event_tool_print_run_json,
	.status = event_tool_print_status_json,
	.script_list = json_script_list,
	.script_state = json_script_state,
	.history = json_history,
};
