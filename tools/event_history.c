/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presentation of `ctdb event history`: text lines and JSON, apart from I/O. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "protocol/event_json.h"
#include "protocol/script_result.h"
#include "tools/event_history.h"

static bool is_string(const json_t *obj, const char *key)
{
	return json_is_string(json_object_get(obj, key));
}

static bool is_integer(const json_t *obj, const char *key)
{
	return json_is_integer(json_object_get(obj, key));
}

static bool script_valid(const json_t *s)
{
	const json_t *output = json_object_get(s, "output");

	return json_is_object(s) && is_string(s, "name") &&
	       is_string(s, "state") && is_string(s, "begin") &&
	       is_integer(s, "result") &&
	       json_is_number(json_object_get(s, "duration")) &&
	       (json_is_string(output) || json_is_null(output));
}

static bool run_valid(const json_t *run)
{
	const json_t *scripts = json_object_get(run, "scripts");
	const json_t *s;
	size_t i;

	if (!json_is_object(run) || !is_integer(run, "seq") ||
	    !is_integer(run, "result") || !is_string(run, "state") ||
	    !json_is_array(scripts)) {
		return false;
	}
	json_array_foreach(scripts, i, s) {
		if (!script_valid(s)) {
			return false;
		}
	}
	return true;
}

int event_history_parse(const char *text, json_t **out)
{
	json_error_t error;
	json_t *runs;
	json_t *run;
	size_t i;

	runs = json_loads(text, JSON_REJECT_DUPLICATES, &error);
	if (runs == NULL) {
		return EPROTO;
	}
	if (!json_is_array(runs)) {
		json_decref(runs);
		return EPROTO;
	}
	json_array_foreach(runs, i, run) {
		if (!run_valid(run)) {
			json_decref(runs);
			return EPROTO;
		}
	}
	*out = runs;
	return 0;
}

static const char *string_of(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static json_int_t integer_of(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

/* Failed, as status and health see it (protocol/script_result.h). */
static bool script_failed(const json_t *s)
{
	return script_wire_failed((int32_t)integer_of(s, "result"));
}

/* The failing script of a run: the last one that failed (RUN_ALL). */
static const json_t *failing_script(const json_t *scripts)
{
	const json_t *found = NULL;
	const json_t *s;
	size_t i;

	json_array_foreach(scripts, i, s) {
		if (script_failed(s)) {
			found = s;
		}
	}
	return found;
}

static void print_what(FILE *f, const json_t *s)
{
	struct script_result r =
		script_result_from_wire((int32_t)integer_of(s, "result"));
	const char *error = string_of(s, "error");

	if (r.state == SCRIPT_ERROR) {
		fprintf(f, "exit %d", r.code);
	} else if (r.state == SCRIPT_TIMEDOUT) {
		fputs("timed out", f);
	} else {
		fprintf(f, "cannot run (%s)", error != NULL ? error : "?");
	}
}

/* ": <first non-empty line>", if the output has one. */
static void print_first_line(FILE *f, const char *output)
{
	size_t len;

	if (output == NULL) {
		return;
	}
	output += strspn(output, "\n");
	len = strcspn(output, "\n");
	if (len > 0) {
		fprintf(f, ": %.*s", (int)len, output);
	}
}

static void print_run(FILE *f, const json_t *run)
{
	const json_t *scripts = json_object_get(run, "scripts");
	const json_t *first = json_array_get(scripts, 0);
	const json_t *failed;
	const json_t *s;
	double duration = 0;
	size_t i;

	json_array_foreach(scripts, i, s) {
		duration += json_number_value(json_object_get(s, "duration"));
	}
	fprintf(f, "#%lld %s %.3f %s", (long long)integer_of(run, "seq"),
		first != NULL ? string_of(first, "begin") : "-", duration,
		string_of(run, "state"));
	failed = integer_of(run, "result") != 0 ? failing_script(scripts)
						: NULL;
	if (failed != NULL) {
		fprintf(f, " %s ", string_of(failed, "name"));
		print_what(f, failed);
		print_first_line(f, string_of(failed, "output"));
	}
	fputc('\n', f);
}

void event_history_print_text(FILE *f, const json_t *runs)
{
	const json_t *run;
	size_t i;

	json_array_foreach(runs, i, run) {
		print_run(f, run);
	}
}

int event_history_print_json(FILE *f, const json_t *runs)
{
	int ret;

	ret = json_dumpf(runs, f, CTDB_JSON_DUMP_FLAGS);
	if (ret != 0) {
		return EIO;
	}
	fputc('\n', f);
	return 0;
}
