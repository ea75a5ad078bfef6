/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the ctdb-event tool: presentation, commands, transport. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <talloc.h>
#include <tevent.h>

#include "client/event_client.h"
#include "common/tevent_unix.h"
#include "tools/event_tool.h"

#include <jansson.h>

/* Every test that talks to a fake daemon must finish within this. */
#define TEST_TIMEOUT_SECS 20

/* 2026-11-22 03:00:35 UTC, the time of the spec's captures. */
#define T0 1795316435

static char test_base[256];

/*
 * Capturing output.
 */

struct memout {
	FILE *f;
	char *buf;
	size_t len;
};

static void memout_open(struct memout *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

/* @return the text written, owned by m (free with memout_free). */
static const char *memout_text(struct memout *m)
{
	assert_int_equal(fclose(m->f), 0);
	m->f = NULL;
	return m->buf;
}

static void memout_free(struct memout *m)
{
	if (m->f != NULL) {
		fclose(m->f);
	}
	free(m->buf);
	m->buf = NULL;
}

struct tool_result {
	int rc;
	char *out;
	char *err;
};

static char *read_fd_all(int fd)
{
	struct stat st;
	char *buf;
	ssize_t n;

	assert_int_equal(fstat(fd, &st), 0);
	buf = calloc(1, st.st_size + 1);
	assert_non_null(buf);
	n = pread(fd, buf, st.st_size, 0);
	assert_int_equal(n, st.st_size);
	return buf;
}

/*
 * Run the tool with the NULL-terminated arguments (without argv[0]),
 * capturing stdout through the out stream and stderr through fd 2, where
 * the tool's diagnostics are written.
 */
static void tool_run_va(struct tool_result *r, bool json, va_list ap)
{
	const char *argv[32] = { "ctdb-event" };
	struct event_tool_options opts = { .json = json };
	int argc = 1;
	struct memout m;
	FILE *errf;
	int saved;
	const char *a;

	for (a = va_arg(ap, const char *); a != NULL;
	     a = va_arg(ap, const char *)) {
		assert_true(argc < 31);
		argv[argc++] = a;
	}
	argv[argc] = NULL;

	errf = tmpfile();
	assert_non_null(errf);
	saved = dup(2);
	assert_true(saved != -1);
	memout_open(&m);

	assert_int_equal(dup2(fileno(errf), 2), 2);
	if (json) {
		/* Messages to stderr, unbuffered, so in order with D_ERR. */
		r->rc = event_tool_run_opts(NULL, m.f, stderr, argc, argv,
					    &opts);
	} else {
		r->rc = event_tool_run(NULL, m.f, argc, argv);
	}
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);

	r->out = strdup(memout_text(&m));
	memout_free(&m);
	r->err = read_fd_all(fileno(errf));
	fclose(errf);
}

static void tool_run(struct tool_result *r, ...)
{
	va_list ap;

	va_start(ap, r);
	tool_run_va(r, false, ap);
	va_end(ap);
}

/* The same as ctdb --json event ... runs it. */
static void tool_run_json(struct tool_result *r, ...)
{
	va_list ap;

	va_start(ap, r);
	tool_run_va(r, true, ap);
	va_end(ap);
}

static void tool_result_free(struct tool_result *r)
{
	free(r->out);
	free(r->err);
}

/*
 * Usage.
 */

static const char full_usage[] =
	"Usage: ctdb-event [<options>] <command> [<args>]\n"
	"\n"
	"Help Options:\n"
	"  -h, --help                                      "
	"Show this help message\n"
	"\n"
	"Options:\n"
	"  -d, --debug=ERROR|WARNING|NOTICE|INFO|DEBUG     debug level\n"
	"\n"
	"Commands:\n"
	"  run <timeout> <component> <event> <args>     Run an event\n"
	"  status <component> <event>                   "
	"Get status of an event\n"
	"  script list <component>                      "
	"List event scripts\n"
	"  script enable <component> <script>           "
	"Enable an event script\n"
	"  script disable <component> <script>          "
	"Disable an event script\n";

#define COMMAND_USAGE_HEAD                                              \
	"Usage: ctdb-event [-h] [-h|--help]\n"                          \
	"        [-d|--debug=ERROR|WARNING|NOTICE|INFO|DEBUG] "         \
	"<command> [<args>]\n"                                          \
	"\n"

static void test_usage_full(void **state)
{
	struct memout m;

	memout_open(&m);
	event_tool_print_usage(m.f);
	assert_string_equal(memout_text(&m), full_usage);
	memout_free(&m);
}

static void check_command_usage(const char *command, const char *expect)
{
	struct memout m;

	memout_open(&m);
	event_tool_print_command_usage(m.f, command);
	assert_string_equal(memout_text(&m), expect);
	memout_free(&m);
}

static void test_usage_commands(void **state)
{
	check_command_usage("run", COMMAND_USAGE_HEAD
			    "  run <timeout> <component> <event> <args>"
			    "     Run an event\n");
	check_command_usage("status", COMMAND_USAGE_HEAD
			    "  status <component> <event>"
			    "     Get status of an event\n");
	check_command_usage("script list", COMMAND_USAGE_HEAD
			    "  script list <component>"
			    "     List event scripts\n");
	check_command_usage("script enable", COMMAND_USAGE_HEAD
			    "  script enable <component> <script>"
			    "     Enable an event script\n");
	check_command_usage("script disable", COMMAND_USAGE_HEAD
			    "  script disable <component> <script>"
			    "     Disable an event script\n");
	check_command_usage("nosuch", full_usage);
}

static char *twice(const char *a, const char *b)
{
	size_t la = strlen(a);
	size_t lb = strlen(b);
	char *s = malloc(la + lb + 1);

	assert_non_null(s);
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

static void check_full_usage_twice(struct tool_result *r, const char *err)
{
	char *expect = twice(full_usage, full_usage);

	assert_int_equal(r->rc, 1);
	assert_string_equal(r->out, expect);
	assert_string_equal(r->err, err);
	free(expect);
	tool_result_free(r);
}

static void test_usage_twice(void **state)
{
	struct tool_result r;

	tool_run(&r, NULL);
	check_full_usage_twice(&r, "");
	tool_run(&r, "-h", NULL);
	check_full_usage_twice(&r, "");
	tool_run(&r, "--help", NULL);
	check_full_usage_twice(&r, "");
	tool_run(&r, "foo", NULL);
	check_full_usage_twice(&r, "");
	tool_run(&r, "script", NULL);
	check_full_usage_twice(&r, "");
	tool_run(&r, "script", "foo", "bar", NULL);
	check_full_usage_twice(&r, "");
	tool_run(&r, "-d", "NOTICE", NULL);
	check_full_usage_twice(&r, "");
}

static void test_usage_bad_option(void **state)
{
	struct tool_result r;

	tool_run(&r, "-x", NULL);
	check_full_usage_twice(&r, "Invalid option -x: unknown option\n");
	/* A negative timeout reads as an option, as in CTDB. */
	tool_run(&r, "run", "-5", "legacy", "monitor", NULL);
	check_full_usage_twice(&r, "Invalid option -5: unknown option\n");
	tool_run(&r, "--debug", NULL);
	check_full_usage_twice(&r,
			       "Invalid option --debug: missing argument\n");
	tool_run(&r, "-h", "--usage", NULL);
	check_full_usage_twice(&r, "Invalid option --usage: unknown option\n");
}

static void check_command_usage_run(const char *line, struct tool_result *r,
				    bool then_full)
{
	char *expect;
	char *head = twice(COMMAND_USAGE_HEAD, line);

	expect = then_full ? twice(head, full_usage) : strdup(head);
	assert_int_equal(r->rc, 1);
	assert_string_equal(r->out, expect);
	assert_string_equal(r->err, "");
	free(expect);
	free(head);
	tool_result_free(r);
}

static void test_usage_command_args(void **state)
{
	const char *run = "  run <timeout> <component> <event> <args>"
			  "     Run an event\n";
	const char *status = "  status <component> <event>"
			     "     Get status of an event\n";
	const char *list = "  script list <component>"
			   "     List event scripts\n";
	const char *enable = "  script enable <component> <script>"
			     "     Enable an event script\n";
	const char *disable = "  script disable <component> <script>"
			      "     Disable an event script\n";
	struct tool_result r;

	tool_run(&r, "run", "30", "legacy", NULL);
	check_command_usage_run(run, &r, false);
	tool_run(&r, "status", "legacy", NULL);
	check_command_usage_run(status, &r, false);
	tool_run(&r, "status", "legacy", "monitor", "x", NULL);
	check_command_usage_run(status, &r, false);
	tool_run(&r, "script", "list", NULL);
	check_command_usage_run(list, &r, false);
	tool_run(&r, "script", "list", "a", "b", NULL);
	check_command_usage_run(list, &r, false);
	tool_run(&r, "script", "enable", "a", NULL);
	check_command_usage_run(enable, &r, false);
	tool_run(&r, "script", "disable", "a", "b", "c", NULL);
	check_command_usage_run(disable, &r, false);

	/* <command> -h: that command's usage, then the full usage once. */
	tool_run(&r, "status", "-h", NULL);
	check_command_usage_run(status, &r, true);
	tool_run(&r, "run", "--help", "30", "a", "b", NULL);
	check_command_usage_run(run, &r, true);
}

/*
 * run: messages and exit statuses by reply result.
 */

static void check_run_result(int result, const char *expect, int rc)
{
	struct memout m;
	int ret;

	memout_open(&m);
	ret = event_tool_print_run_result(m.f, "legacy", "monitor", result);
	assert_string_equal(memout_text(&m), expect);
	assert_int_equal(ret, rc);
	memout_free(&m);
}

static void test_run_results(void **state)
{
	check_run_result(0, "", 0);
	check_run_result(ENOENT, "Event dir for legacy does not exist\n", 2);
	check_run_result(ETIMEDOUT, "Event monitor in legacy timed out\n",
			 110);
	check_run_result(ECANCELED, "Event monitor in legacy got cancelled\n",
			 125);
	check_run_result(ENOEXEC, "Event monitor in legacy failed\n", 8);
	check_run_result(EPROTO,
			 "Failed to run event monitor in legacy, result=71\n",
			 71);
	check_run_result(EIO,
			 "Failed to run event monitor in legacy, result=5\n",
			 5);
	check_run_result(-3,
			 "Failed to run event monitor in legacy, result=-3\n",
			 3);
	check_run_result(300,
			 "Failed to run event monitor in legacy, result=300\n",
			 44);
	check_run_result(INT32_MIN,
			 "Failed to run event monitor in legacy, "
			 "result=-2147483648\n",
			 0);
}

static void check_status_error(int result, const char *expect, int rc)
{
	struct memout m;
	int ret;

	memout_open(&m);
	ret = event_tool_print_status_result(m.f, "legacy", "monitor", result,
					     NULL);
	assert_string_equal(memout_text(&m), expect);
	assert_int_equal(ret, rc);
	memout_free(&m);
}

static void test_status_errors(void **state)
{
	check_status_error(ENOENT, "Event dir for legacy does not exist\n", 2);
	check_status_error(EINVAL, "Event monitor has never run in legacy\n",
			   22);
	check_status_error(EPROTO,
			   "Unknown error (71) for event monitor in legacy\n",
			   71);
	/* The value modulo 256, not its magnitude. */
	check_status_error(-3,
			   "Unknown error (-3) for event monitor in legacy\n",
			   253);
	check_status_error(300,
			   "Unknown error (300) for event monitor in legacy\n",
			   44);
}

/*
 * status: one script.
 */

static struct ctdb_event_script mkscript(const char *name, int32_t result,
					 long begin_usec, long end_usec,
					 const char *output)
{
	struct ctdb_event_script s = {
		.name = name,
		.begin = { .tv_sec = T0, .tv_usec = begin_usec },
		.end = { .tv_sec = T0, .tv_usec = end_usec },
		.result = result,
		.output = output,
	};

	return s;
}

static void check_script(const struct ctdb_event_script *s,
			 const char *expect)
{
	struct memout m;

	memout_open(&m);
	event_tool_print_script(m.f, s);
	assert_string_equal(memout_text(&m), expect);
	memout_free(&m);
}

static void test_status_line_kinds(void **state)
{
	struct ctdb_event_script s;

	s = mkscript("01.ok", 0, 60328, 62280, NULL);
	check_script(&s, "01.ok                OK         0.002 "
			 "Sun Nov 22 03:00:35 2026\n");

	s = mkscript("02.disabled", -ENOEXEC, 1, 2, NULL);
	check_script(&s, "02.disabled          DISABLED  \n");

	s = mkscript("03.fail", 1, 0, 0, "stdout line\n");
	s.end.tv_sec = T0 + 2;
	s.end.tv_usec = 345678;
	check_script(&s, "03.fail              ERROR      2.346 "
			 "Sun Nov 22 03:00:35 2026\n"
			 "  OUTPUT: stdout line\n");

	s = mkscript("01.sleep", -ETIMEDOUT, 0, 0, "sleeping\n");
	check_script(&s, "01.sleep             TIMEDOUT   "
			 "Sun Nov 22 03:00:35 2026\n"
			 "  OUTPUT: sleeping\n");

	s = mkscript("70.dangling", -ENOENT, 0, 0, NULL);
	check_script(&s, "70.dangling          CANNOT RUN "
			 "(No such file or directory)\n"
			 "  OUTPUT: \n");

	s = mkscript("01.sig", -EINTR, 0, 0, "before kill\n");
	check_script(&s, "01.sig               CANNOT RUN "
			 "(Interrupted system call)\n"
			 "  OUTPUT: before kill\n");

	s = mkscript("01.exit200", -136, 0, 0, NULL);
	check_script(&s, "01.exit200           CANNOT RUN "
			 "(Unknown error 136)\n"
			 "  OUTPUT: \n");

	/* Long names are not truncated; they push the columns right. */
	s = mkscript("05.a_very_long_script_name", 0, 0, 1500, NULL);
	check_script(&s, "05.a_very_long_script_name OK         0.002 "
			 "Sun Nov 22 03:00:35 2026\n");
	s = mkscript("05.a_very_long_script_name", -ENOEXEC, 0, 0, NULL);
	check_script(&s, "05.a_very_long_script_name DISABLED  \n");
	s = mkscript("12345678901234567890", 2, 0, 0, NULL);
	check_script(&s, "12345678901234567890 ERROR      0.000 "
			 "Sun Nov 22 03:00:35 2026\n"
			 "  OUTPUT: \n");
}

static void test_status_line_hostile(void **state)
{
	struct ctdb_event_script s;
	struct memout m;
	const char *text;

	/* -INT32_MIN does not fit an int: still no crash, still a line. */
	s = mkscript("01.min", INT32_MIN, 0, 0, NULL);
	memout_open(&m);
	event_tool_print_script(m.f, &s);
	text = memout_text(&m);
	assert_true(strncmp(text, "01.min               CANNOT RUN (", 33) ==
		    0);
	assert_non_null(strstr(text, ")\n  OUTPUT: \n"));
	memout_free(&m);

	/* A time ctime() cannot show is marked, not dereferenced. */
	s = mkscript("01.time", 0, 0, 0, NULL);
	s.begin.tv_sec = INT64_MAX;
	s.end.tv_sec = INT64_MAX;
	check_script(&s, "01.time              OK         0.000 "
			 "(invalid time)\n");
}

/*
 * status: the OUTPUT block of newer CTDB.
 */

static void check_output(int32_t result, const char *output,
			 const char *block)
{
	struct ctdb_event_script s = mkscript("01.x", result, 0, 0, output);
	const char *line = "01.x                 ERROR      0.000 "
			   "Sun Nov 22 03:00:35 2026\n";
	char *expect;

	if (result == 0) {
		line = "01.x                 OK         0.000 "
		       "Sun Nov 22 03:00:35 2026\n";
	} else if (result == -ENOEXEC) {
		line = "01.x                 DISABLED  \n";
	}
	expect = twice(line, block);
	check_script(&s, expect);
	free(expect);
}

static void test_output_single_line(void **state)
{
	check_output(1, "one line", "  OUTPUT: one line\n");
	/* Trailing newlines are stripped, all of them. */
	check_output(1, "one line\n", "  OUTPUT: one line\n");
	check_output(1, "one line\n\n\n", "  OUTPUT: one line\n");
	check_output(1, "  indented  ", "  OUTPUT:   indented  \n");
}

static void test_output_empty(void **state)
{
	check_output(1, NULL, "  OUTPUT: \n");
	check_output(1, "", "  OUTPUT: \n");
	check_output(1, "\n", "  OUTPUT: \n");
	check_output(1, "\n\n", "  OUTPUT: \n");
	/* A non-NULL empty output of an OK script is shown too. */
	check_output(0, "", "  OUTPUT: \n");
	check_output(0, "\n", "  OUTPUT: \n");
}

static void test_output_multi_line(void **state)
{
	check_output(1, "stdout line\nstderr line\n",
		     "  OUTPUT:\n"
		     "    stdout line\n"
		     "    stderr line\n");
	check_output(1, "a\nb",
		     "  OUTPUT:\n"
		     "    a\n"
		     "    b\n");
	/* Leading and intermediate blank lines stay, as indented lines. */
	check_output(1, "\nfirst\n\nthird\n\n",
		     "  OUTPUT:\n"
		     "    \n"
		     "    first\n"
		     "    \n"
		     "    third\n");
	check_output(1, "\n\nx",
		     "  OUTPUT:\n"
		     "    \n"
		     "    \n"
		     "    x\n");
}

static void test_output_ok_and_disabled(void **state)
{
	struct ctdb_event_script s;

	/* OK and DISABLED scripts show output only when they have some. */
	check_output(0, "hello\n", "  OUTPUT: hello\n");
	check_output(0, "a\nb\n", "  OUTPUT:\n    a\n    b\n");
	check_output(-ENOEXEC, "why\n", "  OUTPUT: why\n");

	s = mkscript("01.x", 0, 0, 0, NULL);
	check_script(&s, "01.x                 OK         0.000 "
			 "Sun Nov 22 03:00:35 2026\n");
	s = mkscript("01.x", -ENOEXEC, 0, 0, NULL);
	check_script(&s, "01.x                 DISABLED  \n");
}

/*
 * status: the whole list.
 */

static int check_status(struct ctdb_event_script *scripts, int num,
			int32_t summary, const char *expect)
{
	struct ctdb_event_script_list list = {
		.num_scripts = num,
		.script = scripts,
	};
	struct ctdb_event_reply_status status = {
		.summary = summary,
		.script_list = &list,
	};
	struct memout m;
	int rc;

	memout_open(&m);
	rc = event_tool_print_status_result(m.f, "legacy", "monitor", 0,
					    &status);
	assert_string_equal(memout_text(&m), expect);
	memout_free(&m);
	return rc;
}

static void test_status_list(void **state)
{
	struct ctdb_event_script s[3];
	int rc;

	/* The spec's capture of section 4.2, with the newer OUTPUT block. */
	s[0] = mkscript("01.ok", 0, 60328, 62280, NULL);
	s[1] = mkscript("02.disabled", -ENOEXEC, 62330, 62346, NULL);
	s[2] = mkscript("03.fail", 1, 62354, 64077,
			"stdout line\nstderr line\n");
	rc = check_status(s, 3, 1,
			  "01.ok                OK         0.002 "
			  "Sun Nov 22 03:00:35 2026\n"
			  "02.disabled          DISABLED  \n"
			  "03.fail              ERROR      0.002 "
			  "Sun Nov 22 03:00:35 2026\n"
			  "  OUTPUT:\n"
			  "    stdout line\n"
			  "    stderr line\n");
	assert_int_equal(rc, 1);

	rc = check_status(s, 0, 0, "");
	assert_int_equal(rc, 0);
}

static void test_status_exit_codes(void **state)
{
	struct ctdb_event_script s = mkscript("01.sleep", -ETIMEDOUT, 0, 0,
					      NULL);
	const char *timedout = "01.sleep             TIMEDOUT   "
			       "Sun Nov 22 03:00:35 2026\n"
			       "  OUTPUT: \n";

	assert_int_equal(check_status(&s, 1, -ETIMEDOUT, timedout), 110);
	assert_int_equal(check_status(&s, 1, -ENOENT, timedout), 2);
	assert_int_equal(check_status(&s, 1, 300, timedout), 44);
	assert_int_equal(check_status(&s, 1, 0, timedout), 0);
}

static void test_status_enomsg_skipped(void **state)
{
	struct ctdb_event_script s[4];

	s[0] = mkscript("01.fail", 1, 10, 20, "bad\n");
	s[1] = mkscript("02.skipped", -ENOMSG, 0, 0, "never shown");
	s[2] = mkscript("03.skipped", -ENOMSG, 0, 0, NULL);
	s[3] = mkscript("04.ok", 0, 30, 40, NULL);
	check_status(s, 4, 1,
		     "01.fail              ERROR      0.000 "
		     "Sun Nov 22 03:00:35 2026\n"
		     "  OUTPUT: bad\n"
		     "04.ok                OK         0.000 "
		     "Sun Nov 22 03:00:35 2026\n");
}

static void test_status_stops_at_older(void **state)
{
	struct ctdb_event_script s[5];

	s[0] = mkscript("01.ok", 0, 100, 200, NULL);
	/* The same begin is not older: it is printed. */
	s[1] = mkscript("02.ok", 0, 100, 300, NULL);
	/* A skipped entry does not count as the previous one. */
	s[2] = mkscript("03.skipped", -ENOMSG, 0, 0, NULL);
	s[3] = mkscript("04.old", 0, 99, 100, NULL);
	s[4] = mkscript("05.new", 0, 500, 600, NULL);
	check_status(s, 5, 0,
		     "01.ok                OK         0.000 "
		     "Sun Nov 22 03:00:35 2026\n"
		     "02.ok                OK         0.000 "
		     "Sun Nov 22 03:00:35 2026\n");

	/* Older by whole seconds, from a previous run an hour earlier. */
	s[3] = mkscript("04.old", 1, 0, 0, "old failure\n");
	s[3].begin.tv_sec = T0 - 3600;
	s[3].end.tv_sec = T0 - 3600;
	check_status(s, 5, 0,
		     "01.ok                OK         0.000 "
		     "Sun Nov 22 03:00:35 2026\n"
		     "02.ok                OK         0.000 "
		     "Sun Nov 22 03:00:35 2026\n");
}

/*
 * --json forms of run and status results.
 */

static void check_run_json(int result, const char *out, const char *msg,
			   int rc)
{
	struct memout o;
	struct memout m;

	memout_open(&o);
	memout_open(&m);
	assert_int_equal(event_tool_print_run_json(o.f, m.f, "legacy",
						   "monitor", result),
			 rc);
	assert_string_equal(memout_text(&o), out);
	assert_string_equal(memout_text(&m), msg);
	memout_free(&o);
	memout_free(&m);
}

#define RUN_JSON(r, state)                                              \
	"{\"component\":\"legacy\",\"event\":\"monitor\",\"result\":" r \
	",\"state\":\"" state "\"}\n"

static void test_run_json(void **state)
{
	check_run_json(0, RUN_JSON("0", "OK"), "", 0);
	check_run_json(ENOEXEC, RUN_JSON("8", "FAILED"),
		       "Event monitor in legacy failed\n", 8);
	check_run_json(ETIMEDOUT, RUN_JSON("110", "TIMEDOUT"),
		       "Event monitor in legacy timed out\n", 110);
	check_run_json(ECANCELED, RUN_JSON("125", "CANCELLED"),
		       "Event monitor in legacy got cancelled\n", 125);
	/* Not an outcome of the event: an error, nothing on stdout. */
	check_run_json(ENOENT, "", "Event dir for legacy does not exist\n",
		       2);
	check_run_json(EIO, "",
		       "Failed to run event monitor in legacy, result=5\n", 5);
}

/* @return the exit status; *out is the document (caller frees). */
static int status_json(struct ctdb_event_script *scripts, int num,
		       int32_t summary, int result, char **out, char **msg)
{
	struct ctdb_event_script_list list = {
		.num_scripts = num,
		.script = scripts,
	};
	struct ctdb_event_reply_status status = {
		.summary = summary,
		.script_list = &list,
	};
	struct memout o;
	struct memout m;
	int rc;

	memout_open(&o);
	memout_open(&m);
	rc = event_tool_print_status_json(o.f, m.f, "legacy", "monitor",
					  result,
					  result == 0 ? &status : NULL);
	*out = strdup(memout_text(&o));
	*msg = strdup(memout_text(&m));
	memout_free(&o);
	memout_free(&m);
	return rc;
}

/* The names of the scripts of a status document, ","-joined. */
static void check_json_names(const char *doc, const char *names)
{
	json_error_t jerr;
	json_t *j = json_loads(doc, 0, &jerr);
	json_t *scripts;
	char buf[256] = "";
	size_t i;

	assert_non_null(j);
	scripts = json_object_get(j, "scripts");
	assert_true(json_is_array(scripts));
	for (i = 0; i < json_array_size(scripts); i++) {
		json_t *name = json_object_get(json_array_get(scripts, i),
					       "name");

		if (i > 0) {
			strcat(buf, ",");
		}
		strcat(buf, json_string_value(name));
	}
	assert_string_equal(buf, names);
	json_decref(j);
}

static void test_status_json(void **state)
{
	struct ctdb_event_script s[5];
	char *out;
	char *msg;
	int rc;

	/* The scripts the text shows: -ENOMSG skipped, stop at older. */
	s[0] = mkscript("01.ok", 0, 100, 200, NULL);
	s[1] = mkscript("02.fail", 3, 100, 300, "bad\n");
	s[2] = mkscript("03.skipped", -ENOMSG, 0, 0, NULL);
	s[3] = mkscript("04.old", 0, 99, 100, NULL);
	s[4] = mkscript("05.new", 0, 500, 600, NULL);
	rc = status_json(s, 5, 3, 0, &out, &msg);
	assert_int_equal(rc, 3);
	assert_string_equal(msg, "");
	check_json_names(out, "01.ok,02.fail");
	assert_non_null(strstr(out, "\"result\":3,\"state\":\"ERROR\""));
	assert_int_equal(out[strlen(out) - 1], '\n');
	/* One line. */
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	free(out);
	free(msg);

	rc = status_json(s, 0, 0, 0, &out, &msg);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "{\"component\":\"legacy\",\"event\":"
				 "\"monitor\",\"result\":0,\"state\":\"OK\","
				 "\"scripts\":[]}\n");
	free(out);
	free(msg);

	rc = status_json(s, 1, -ETIMEDOUT, 0, &out, &msg);
	assert_int_equal(rc, 110);
	free(out);
	free(msg);

	/* Errors: the text's message, nothing on stdout, its status. */
	rc = status_json(NULL, 0, 0, EINVAL, &out, &msg);
	assert_int_equal(rc, 22);
	assert_string_equal(out, "");
	assert_string_equal(msg, "Event monitor has never run in legacy\n");
	free(out);
	free(msg);
	rc = status_json(NULL, 0, 0, ENOENT, &out, &msg);
	assert_int_equal(rc, 2);
	assert_string_equal(out, "");
	assert_string_equal(msg, "Event dir for legacy does not exist\n");
	free(out);
	free(msg);
}

/*
 * The tool against a fake daemon: a child process that accepts one
 * connection, records the request and answers with the bytes it is
 * given (handcrafted here, independent of our marshalling code).
 */

struct pkt {
	uint8_t data[4096];
	size_t len;
};

static void put(struct pkt *p, const void *v, size_t len)
{
	assert_true(p->len + len <= sizeof(p->data));
	memcpy(p->data + p->len, v, len);
	p->len += len;
}

static void put_u32(struct pkt *p, uint32_t v)
{
	put(p, &v, sizeof(v));
}

static void put_str(struct pkt *p, const char *s)
{
	if (s == NULL) {
		put_u32(p, 0);
		return;
	}
	put_u32(p, strlen(s) + 1);
	put(p, s, strlen(s) + 1);
}

static void put_tv(struct pkt *p, int64_t sec, int64_t usec)
{
	put(p, &sec, sizeof(sec));
	put(p, &usec, sizeof(usec));
}

/* Header and the reply's cmd and result; the length is set by pkt_end. */
static void reply_start(struct pkt *p, uint32_t cmd, int32_t result)
{
	p->len = 0;
	put_u32(p, 0);
	put_u32(p, 0);
	put_u32(p, 0); /* reqid, patched by the fake daemon */
	put_u32(p, cmd);
	put_u32(p, (uint32_t)result);
}

static void pkt_end(struct pkt *p)
{
	uint32_t len = p->len;

	memcpy(p->data, &len, sizeof(len));
}

enum fake_mode {
	FAKE_REPLY,       /* answer with the packet */
	FAKE_CLOSE,       /* close without answering */
	FAKE_OTHER_FIRST, /* first a reply to another reqid, then the packet */
};

struct fake {
	pid_t pid;
	char reqfile[PATH_MAX];
	char sockpath[PATH_MAX];
};

static bool read_full(int fd, uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, buf + done, len - done);

		if (n <= 0) {
			return false;
		}
		done += n;
	}
	return true;
}

static void write_reply(int fd, const struct pkt *reply, uint32_t reqid)
{
	uint8_t buf[sizeof(reply->data)];
	ssize_t n;

	memcpy(buf, reply->data, reply->len);
	if (reply->len >= 12) {
		memcpy(buf + 8, &reqid, sizeof(reqid));
	}
	n = write(fd, buf, reply->len);
	(void)n;
}

static void fake_serve(int lfd, const char *reqfile, enum fake_mode mode,
		       const struct pkt *reply)
{
	uint8_t req[65536];
	uint32_t len;
	uint32_t reqid;
	int fd;
	int out;

	alarm(TEST_TIMEOUT_SECS);
	fd = accept(lfd, NULL, NULL);
	if (fd == -1 || !read_full(fd, req, 4)) {
		_exit(1);
	}
	memcpy(&len, req, sizeof(len));
	if (len < 16 || len > sizeof(req) || !read_full(fd, req + 4, len - 4)) {
		_exit(1);
	}
	out = open(reqfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out == -1 || write(out, req, len) != (ssize_t)len) {
		_exit(1);
	}
	close(out);

	memcpy(&reqid, req + 8, sizeof(reqid));
	if (mode == FAKE_OTHER_FIRST) {
		write_reply(fd, reply, reqid + 1);
	}
	if (mode != FAKE_CLOSE) {
		write_reply(fd, reply, reqid);
	}
	close(fd);
	_exit(0);
}

static void fake_start(struct fake *f, enum fake_mode mode,
		       const struct pkt *reply)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int lfd;

	snprintf(f->sockpath, sizeof(f->sockpath), "%s/run/eventd.socket",
		 test_base);
	snprintf(f->reqfile, sizeof(f->reqfile), "%s/request", test_base);
	assert_true(strlen(f->sockpath) < sizeof(addr.sun_path));
	strcpy(addr.sun_path, f->sockpath);
	unlink(f->sockpath);
	unlink(f->reqfile);

	/* Listening before the fork: the tool can connect at once. */
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd != -1);
	assert_int_equal(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)),
			 0);
	assert_int_equal(listen(lfd, 1), 0);

	f->pid = fork();
	assert_true(f->pid != -1);
	if (f->pid == 0) {
		fake_serve(lfd, f->reqfile, mode, reply);
	}
	close(lfd);
	/* Bounded wait: a tool that hangs is killed, failing the run. */
	alarm(TEST_TIMEOUT_SECS);
}

/* Wait for the fake daemon; @return the request it received. */
static struct pkt fake_finish(struct fake *f)
{
	struct pkt req = { .len = 0 };
	int status = 0;
	ssize_t n;
	int fd;

	assert_int_equal(waitpid(f->pid, &status, 0), f->pid);
	alarm(0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	unlink(f->sockpath);

	fd = open(f->reqfile, O_RDONLY);
	assert_true(fd != -1);
	n = read(fd, req.data, sizeof(req.data));
	assert_true(n > 0);
	req.len = n;
	close(fd);
	return req;
}

static void run_request(struct pkt *p, const char *component,
			const char *event, const char *args, uint32_t timeout,
			uint32_t flags)
{
	p->len = 0;
	put_u32(p, 0);
	put_u32(p, 0);
	put_u32(p, 2147483448U);
	put_u32(p, 1);
	put_str(p, component);
	put_str(p, event);
	put_str(p, args);
	put_u32(p, timeout);
	put_u32(p, flags);
	pkt_end(p);
}

static void check_packet(const struct pkt *got, const struct pkt *expect)
{
	assert_int_equal(got->len, expect->len);
	assert_memory_equal(got->data, expect->data, expect->len);
}

static void test_run_request_bytes(void **state)
{
	struct tool_result r;
	struct pkt reply;
	struct pkt req;
	struct pkt expect;
	struct fake f;

	reply_start(&reply, 1, 0);
	pkt_end(&reply);

	/* Section 4.1: args joined with single spaces. */
	fake_start(&f, FAKE_REPLY, &reply);
	tool_run(&r, "run", "30", "legacy", "takeip", "eth0", "10.0.0.1",
		 "24", NULL);
	req = fake_finish(&f);
	run_request(&expect, "legacy", "takeip", "eth0 10.0.0.1 24", 30, 0);
	assert_int_equal(expect.len, 67);
	check_packet(&req, &expect);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	tool_result_free(&r);

	/* Section 4.2: no args is NULL; a bad timeout is 0. */
	fake_start(&f, FAKE_REPLY, &reply);
	tool_run(&r, "run", "soon", "legacy", "monitor", NULL);
	req = fake_finish(&f);
	run_request(&expect, "legacy", "monitor", NULL, 0, 0);
	check_packet(&req, &expect);
	tool_result_free(&r);

	/* One empty argument is "", and a negative timeout is 0. */
	fake_start(&f, FAKE_REPLY, &reply);
	tool_run(&r, "run", "--", "-5", "legacy", "setup", "", NULL);
	req = fake_finish(&f);
	run_request(&expect, "legacy", "setup", "", 0, 0);
	check_packet(&req, &expect);
	tool_result_free(&r);

	/* RUN_ALL in test mode (these tests run in it) with the variable. */
	setenv("CTDB_EVENT_RUN_ALL", "1", 1);
	fake_start(&f, FAKE_REPLY, &reply);
	tool_run(&r, "run", "7", "legacy", "monitor", NULL);
	req = fake_finish(&f);
	unsetenv("CTDB_EVENT_RUN_ALL");
	run_request(&expect, "legacy", "monitor", NULL, 7, 1);
	check_packet(&req, &expect);
	tool_result_free(&r);
}

static void fake_run(enum fake_mode mode, const struct pkt *reply,
		     struct tool_result *r, const char *debug)
{
	struct fake f;

	fake_start(&f, mode, reply);
	tool_run(r, "-d", debug, "run", "30", "legacy", "monitor", NULL);
	(void)fake_finish(&f);
}

static void test_run_replies(void **state)
{
	struct tool_result r;
	struct pkt reply;

	reply_start(&reply, 1, ENOEXEC);
	pkt_end(&reply);
	fake_run(FAKE_REPLY, &reply, &r, "NOTICE");
	assert_int_equal(r.rc, 8);
	assert_string_equal(r.out, "Event monitor in legacy failed\n");
	assert_string_equal(r.err, "Command run finished with result=8\n");
	tool_result_free(&r);

	/* A reply to another reqid is dropped; ours still arrives. */
	reply_start(&reply, 1, ETIMEDOUT);
	pkt_end(&reply);
	fake_run(FAKE_OTHER_FIRST, &reply, &r, "ERROR");
	assert_int_equal(r.rc, 110);
	assert_string_equal(r.out, "Event monitor in legacy timed out\n");
	assert_string_equal(r.err, "");
	tool_result_free(&r);
}

static void test_run_transport_errors(void **state)
{
	struct tool_result r;
	struct pkt reply;

	/* A well-formed reply for another command reads as result EPROTO. */
	reply_start(&reply, 2, EINVAL);
	pkt_end(&reply);
	fake_run(FAKE_REPLY, &reply, &r, "NOTICE");
	assert_int_equal(r.rc, 71);
	assert_string_equal(r.out,
			    "Failed to run event monitor in legacy, "
			    "result=71\n");
	assert_string_equal(r.err, "Command run finished with result=71\n");
	tool_result_free(&r);

	/* The daemon goes away: exit 1, said only at NOTICE. */
	fake_run(FAKE_CLOSE, &reply, &r, "ERROR");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	tool_result_free(&r);
	fake_run(FAKE_CLOSE, &reply, &r, "NOTICE");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "connection to daemon closed, exiting\n");
	tool_result_free(&r);

	/* Undecodable: trailing bytes after a RUN reply. */
	reply_start(&reply, 1, 0);
	put_u32(&reply, 0);
	pkt_end(&reply);
	fake_run(FAKE_REPLY, &reply, &r, "NOTICE");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err,
			    "Failed to run event monitor in legacy, ret=71\n");
	tool_result_free(&r);

	/* Undecodable: too short for a header. */
	reply.len = 0;
	put_u32(&reply, 8);
	put_u32(&reply, 0);
	fake_run(FAKE_REPLY, &reply, &r, "ERROR");
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err,
			    "Failed to run event monitor in legacy, ret=71\n");
	tool_result_free(&r);
}

static void test_status_reply(void **state)
{
	struct tool_result r;
	struct pkt reply;
	struct pkt req;
	struct fake f;

	/* The reply of section 4.2, byte for byte. */
	reply_start(&reply, 2, 0);
	put_u32(&reply, 1);
	put_u32(&reply, 3);
	put_str(&reply, "01.ok");
	put_tv(&reply, T0, 60328);
	put_tv(&reply, T0, 62280);
	put_u32(&reply, 0);
	put_str(&reply, NULL);
	put_str(&reply, "02.disabled");
	put_tv(&reply, T0, 62330);
	put_tv(&reply, T0, 62346);
	put_u32(&reply, (uint32_t)-ENOEXEC);
	put_str(&reply, NULL);
	put_str(&reply, "03.fail");
	put_tv(&reply, T0, 62354);
	put_tv(&reply, T0, 64077);
	put_u32(&reply, 1);
	put_str(&reply, "stdout line\nstderr line\n");
	pkt_end(&reply);
	assert_int_equal(reply.len, 211);

	fake_start(&f, FAKE_REPLY, &reply);
	tool_run(&r, "status", "legacy", "monitor", NULL);
	req = fake_finish(&f);

	assert_int_equal(req.len, 39);
	assert_int_equal(req.data[12], 2);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out,
			    "01.ok                OK         0.002 "
			    "Sun Nov 22 03:00:35 2026\n"
			    "02.disabled          DISABLED  \n"
			    "03.fail              ERROR      0.002 "
			    "Sun Nov 22 03:00:35 2026\n"
			    "  OUTPUT:\n"
			    "    stdout line\n"
			    "    stderr line\n");
	assert_string_equal(r.err, "");
	tool_result_free(&r);

	/* Section 4.3: never run. */
	reply_start(&reply, 2, EINVAL);
	pkt_end(&reply);
	fake_start(&f, FAKE_REPLY, &reply);
	tool_run(&r, "-d", "NOTICE", "status", "legacy", "ipreallocated",
		 NULL);
	(void)fake_finish(&f);
	assert_int_equal(r.rc, 22);
	assert_string_equal(r.out,
			    "Event ipreallocated has never run in legacy\n");
	assert_string_equal(r.err, "Command status finished with result=22\n");
	tool_result_free(&r);
}

static void test_connect_failure(void **state)
{
	struct tool_result r;
	char expect[PATH_MAX * 2];

	snprintf(expect, sizeof(expect),
		 "socket connect failed - %s/run/eventd.socket\n"
		 "Failed to initialize event client, ret=5\n",
		 test_base);
	tool_run(&r, "run", "30", "legacy", "monitor", NULL);
	assert_int_equal(r.rc, 5);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, expect);
	tool_result_free(&r);

	tool_run(&r, "status", "legacy", "monitor", NULL);
	assert_int_equal(r.rc, 5);
	assert_string_equal(r.err, expect);
	tool_result_free(&r);
}

/*
 * The event client on its own: pipelining, reqid matching and failures,
 * against a server end driven by hand in this process.
 */

struct client_fixture {
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct ctdb_event_client *client;
	int sfd;
	int disconnects;
	bool free_on_disconnect;
};

static void client_disconnected(void *private_data)
{
	struct client_fixture *cf = private_data;

	cf->disconnects++;
	if (cf->free_on_disconnect) {
		TALLOC_FREE(cf->client);
	}
}

static void client_setup(struct client_fixture *cf)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char path[PATH_MAX];
	int lfd;
	int ret;

	*cf = (struct client_fixture) { .sfd = -1 };
	cf->mem_ctx = talloc_new(NULL);
	assert_non_null(cf->mem_ctx);
	cf->ev = tevent_context_init(cf->mem_ctx);
	assert_non_null(cf->ev);

	snprintf(path, sizeof(path), "%s/run/client.socket", test_base);
	assert_true(strlen(path) < sizeof(addr.sun_path));
	memcpy(addr.sun_path, path, strlen(path) + 1);
	unlink(addr.sun_path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd != -1);
	assert_int_equal(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)),
			 0);
	assert_int_equal(listen(lfd, 1), 0);

	ret = ctdb_event_client_init(cf->mem_ctx, cf->ev, addr.sun_path, 100,
				     &cf->client);
	assert_int_equal(ret, 0);
	ctdb_event_client_set_disconnect_fn(cf->client, client_disconnected,
					    cf);
	cf->sfd = accept(lfd, NULL, NULL);
	assert_true(cf->sfd != -1);
	close(lfd);
	unlink(addr.sun_path);
	alarm(TEST_TIMEOUT_SECS);
}

static void client_teardown(struct client_fixture *cf)
{
	alarm(0);
	if (cf->sfd != -1) {
		close(cf->sfd);
	}
	talloc_free(cf->mem_ctx);
}

/* Run the client's loop until the server end has a request to read. */
static struct pkt server_read(struct client_fixture *cf)
{
	struct pollfd pfd = { .fd = cf->sfd, .events = POLLIN };
	struct pkt req = { .len = 0 };
	uint32_t len;

	while (poll(&pfd, 1, 0) == 0) {
		assert_int_equal(tevent_loop_once(cf->ev), 0);
	}
	assert_true(read_full(cf->sfd, req.data, 4));
	memcpy(&len, req.data, sizeof(len));
	assert_true(len >= 16 && len <= sizeof(req.data));
	assert_true(read_full(cf->sfd, req.data + 4, len - 4));
	req.len = len;
	return req;
}

static uint32_t pkt_reqid(const struct pkt *p)
{
	uint32_t reqid;

	memcpy(&reqid, p->data + 8, sizeof(reqid));
	return reqid;
}

static void server_reply(struct client_fixture *cf, uint32_t reqid,
			 uint32_t cmd, int32_t result)
{
	struct pkt reply;

	reply_start(&reply, cmd, result);
	pkt_end(&reply);
	write_reply(cf->sfd, &reply, reqid);
}

static const struct ctdb_event_request_run test_run = {
	.component = "legacy",
	.event = "monitor",
	.timeout = 30,
};

static const struct ctdb_event_request_status test_status = {
	.component = "legacy",
	.event = "monitor",
};

static void wait_done(struct client_fixture *cf, struct tevent_req *req)
{
	int err = 0;

	assert_non_null(req);
	assert_true(tevent_req_poll_unix(req, cf->ev, &err));
}

static void test_client_pipelined(void **state)
{
	struct client_fixture cf;
	struct ctdb_event_reply_status *status = NULL;
	struct tevent_req *run;
	struct tevent_req *st;
	struct pkt req_run;
	struct pkt req_st;
	int result = -1;
	int err = 0;

	client_setup(&cf);
	run = ctdb_event_run_send(cf.mem_ctx, cf.ev, cf.client, &test_run);
	st = ctdb_event_status_send(cf.mem_ctx, cf.ev, cf.client,
				    &test_status);
	req_run = server_read(&cf);
	req_st = server_read(&cf);
	assert_int_equal(pkt_reqid(&req_run), 100);
	assert_int_equal(pkt_reqid(&req_st), 101);

	/* Out of order, with a stray reply in between. */
	server_reply(&cf, 101, 2, EINVAL);
	server_reply(&cf, 999, 1, 0);
	server_reply(&cf, 100, 1, ETIMEDOUT);

	wait_done(&cf, run);
	assert_true(ctdb_event_run_recv(run, &err, &result));
	assert_int_equal(result, ETIMEDOUT);
	wait_done(&cf, st);
	assert_true(ctdb_event_status_recv(st, &err, &result, cf.mem_ctx,
					   &status));
	assert_int_equal(result, EINVAL);
	assert_null(status);
	assert_int_equal(cf.disconnects, 0);
	client_teardown(&cf);
}

static void test_client_status_body(void **state)
{
	struct client_fixture cf;
	struct ctdb_event_reply_status *status = NULL;
	struct tevent_req *st;
	struct pkt req;
	struct pkt reply;
	int result = -1;
	int err = 0;

	client_setup(&cf);
	st = ctdb_event_status_send(cf.mem_ctx, cf.ev, cf.client,
				    &test_status);
	req = server_read(&cf);

	reply_start(&reply, 2, 0);
	put_u32(&reply, (uint32_t)-ETIMEDOUT);
	put_u32(&reply, 1);
	put_str(&reply, "01.sleep");
	put_tv(&reply, T0, 1);
	put_tv(&reply, T0 + 1, 2);
	put_u32(&reply, (uint32_t)-ETIMEDOUT);
	put_str(&reply, "sleeping\n");
	pkt_end(&reply);
	write_reply(cf.sfd, &reply, pkt_reqid(&req));

	wait_done(&cf, st);
	assert_true(ctdb_event_status_recv(st, &err, &result, cf.mem_ctx,
					   &status));
	assert_int_equal(result, 0);
	assert_non_null(status);
	assert_int_equal(status->summary, -ETIMEDOUT);
	assert_int_equal(status->script_list->num_scripts, 1);
	assert_string_equal(status->script_list->script[0].name, "01.sleep");
	assert_int_equal(status->script_list->script[0].end.tv_sec, T0 + 1);
	assert_string_equal(status->script_list->script[0].output,
			    "sleeping\n");
	client_teardown(&cf);
}

static void test_client_wrong_cmd(void **state)
{
	struct client_fixture cf;
	struct tevent_req *run;
	struct pkt req;
	int result = -1;
	int err = 0;

	client_setup(&cf);
	run = ctdb_event_run_send(cf.mem_ctx, cf.ev, cf.client, &test_run);
	req = server_read(&cf);
	server_reply(&cf, pkt_reqid(&req), 3, 0);
	wait_done(&cf, run);
	assert_false(ctdb_event_run_recv(run, &err, &result));
	assert_int_equal(err, EPROTO);
	TALLOC_FREE(run);

	/* Only that request failed: the connection still works. */
	run = ctdb_event_run_send(cf.mem_ctx, cf.ev, cf.client, &test_run);
	req = server_read(&cf);
	assert_int_equal(pkt_reqid(&req), 101);
	server_reply(&cf, pkt_reqid(&req), 1, ENOEXEC);
	wait_done(&cf, run);
	assert_true(ctdb_event_run_recv(run, &err, &result));
	assert_int_equal(result, ENOEXEC);
	assert_int_equal(cf.disconnects, 0);
	client_teardown(&cf);
}

static void test_client_free_request(void **state)
{
	struct client_fixture cf;
	struct tevent_req *first;
	struct tevent_req *second;
	struct pkt req1;
	struct pkt req2;
	int result = -1;
	int err = 0;

	client_setup(&cf);
	first = ctdb_event_run_send(cf.mem_ctx, cf.ev, cf.client, &test_run);
	req1 = server_read(&cf);
	TALLOC_FREE(first);

	/* The late reply to the abandoned request is dropped. */
	server_reply(&cf, pkt_reqid(&req1), 1, 0);
	second = ctdb_event_run_send(cf.mem_ctx, cf.ev, cf.client, &test_run);
	req2 = server_read(&cf);
	server_reply(&cf, pkt_reqid(&req2), 1, ECANCELED);
	wait_done(&cf, second);
	assert_true(ctdb_event_run_recv(second, &err, &result));
	assert_int_equal(result, ECANCELED);
	assert_int_equal(cf.disconnects, 0);
	client_teardown(&cf);
}

struct free_client_cb {
	struct client_fixture *cf;
	int err;
	bool done;
};

/* A completion callback that frees the client it came from. */
static void free_client_done(struct tevent_req *req)
{
	struct free_client_cb *cb = tevent_req_callback_data_void(req);
	int result;

	cb->done = true;
	assert_false(ctdb_event_run_recv(req, &cb->err, &result));
	TALLOC_FREE(cb->cf->client);
}

static void test_client_eof(void **state)
{
	struct client_fixture cf;
	struct free_client_cb cb = { .cf = &cf };
	struct tevent_req *run;
	struct tevent_req *st;
	struct tevent_req *late;
	int result = -1;
	int err = 0;

	client_setup(&cf);
	run = ctdb_event_run_send(cf.mem_ctx, cf.ev, cf.client, &test_run);
	st = ctdb_event_status_send(cf.mem_ctx, cf.ev, cf.client,
				    &test_status);
	tevent_req_set_callback(run, free_client_done, &cb);
	(void)server_read(&cf);
	(void)server_read(&cf);
	close(cf.sfd);
	cf.sfd = -1;

	wait_done(&cf, st);
	assert_false(ctdb_event_status_recv(st, &err, &result, NULL, NULL));
	assert_int_equal(err, EPIPE);
	assert_int_equal(cf.disconnects, 1);

	/* Once gone, new requests fail at once. */
	late = ctdb_event_run_send(cf.mem_ctx, cf.ev, cf.client, &test_run);
	wait_done(&cf, late);
	assert_false(ctdb_event_run_recv(late, &err, &result));
	assert_int_equal(err, EPIPE);

	/* The first callback runs from the loop and may free the client. */
	while (!cb.done) {
		assert_int_equal(tevent_loop_once(cf.ev), 0);
	}
	assert_int_equal(cb.err, EPIPE);
	assert_null(cf.client);
	client_teardown(&cf);
}

static void test_client_garbage(void **state)
{
	struct client_fixture cf;
	struct tevent_req *run;
	struct tevent_req *st;
	struct pkt req;
	struct pkt reply;
	int result = -1;
	int err = 0;

	client_setup(&cf);
	cf.free_on_disconnect = true;
	run = ctdb_event_run_send(cf.mem_ctx, cf.ev, cf.client, &test_run);
	st = ctdb_event_status_send(cf.mem_ctx, cf.ev, cf.client,
				    &test_status);
	req = server_read(&cf);
	(void)server_read(&cf);

	/* A RUN reply with a byte too many cannot be decoded. */
	reply_start(&reply, 1, 0);
	put(&reply, "", 1);
	pkt_end(&reply);
	write_reply(cf.sfd, &reply, pkt_reqid(&req));

	wait_done(&cf, run);
	assert_false(ctdb_event_run_recv(run, &err, &result));
	assert_int_equal(err, EPROTO);
	wait_done(&cf, st);
	assert_false(ctdb_event_status_recv(st, &err, &result, NULL, NULL));
	assert_int_equal(err, EPROTO);
	assert_int_equal(cf.disconnects, 1);
	assert_null(cf.client);
	client_teardown(&cf);
}

static void test_client_freed_with_pending(void **state)
{
	struct client_fixture cf;
	struct tevent_req *run;
	int result = -1;
	int err = 0;

	client_setup(&cf);
	run = ctdb_event_run_send(cf.mem_ctx, cf.ev, cf.client, &test_run);
	(void)server_read(&cf);
	TALLOC_FREE(cf.client);
	wait_done(&cf, run);
	assert_false(ctdb_event_run_recv(run, &err, &result));
	assert_int_equal(err, EPIPE);
	/* Freeing is the owner's doing, not a disconnect. */
	assert_int_equal(cf.disconnects, 0);
	client_teardown(&cf);
}

static void test_client_connect_errors(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev = tevent_context_init(mem_ctx);
	struct ctdb_event_client *client = NULL;
	char path[PATH_MAX];
	char longpath[200];
	int ret;

	snprintf(path, sizeof(path), "%s/run/nosuch.socket", test_base);
	ret = ctdb_event_client_init(mem_ctx, ev, path, 1, &client);
	assert_int_equal(ret, ENOENT);
	assert_null(client);

	/* Longer than sun_path can hold. */
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	ret = ctdb_event_client_init(mem_ctx, ev, longpath, 1, &client);
	assert_int_equal(ret, ENAMETOOLONG);
	talloc_free(mem_ctx);
}

/*
 * Scripts on the filesystem, in the test base directory.
 */

static char *base_path(const char *fmt, ...)
{
	static char buf[16][PATH_MAX];
	static int next;
	char rel[1024];
	char *p = buf[next];
	va_list ap;

	/* A ring of buffers: callers use a few results at a time. */
	next = (next + 1) % 16;
	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	snprintf(p, PATH_MAX, "%s/%s", test_base, rel);
	return p;
}

static void mkfile(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd != -1);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static mode_t file_mode(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(path);
}

static void rm_tree(const char *path)
{
	(void)nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int scripts_setup(void **state)
{
	char share[PATH_MAX];
	char target[PATH_MAX + 64];

	rm_tree(base_path("share"));
	rm_tree(base_path("events"));
	assert_int_equal(mkdir(base_path("share"), 0755), 0);
	assert_int_equal(mkdir(base_path("share/events"), 0755), 0);
	assert_int_equal(mkdir(base_path("share/events/lst"), 0755), 0);
	assert_int_equal(mkdir(base_path("events"), 0755), 0);
	assert_int_equal(mkdir(base_path("events/lst"), 0755), 0);
	/* The tool compares link targets with the canonical directory. */
	assert_non_null(realpath(base_path("share/events/lst"), share));

	mkfile(base_path("share/events/lst/00.ctdb.script"), 0755);
	mkfile(base_path("share/events/lst/10.interface.script"), 0755);
	mkfile(base_path("share/events/lst/50.samba.script"), 0644);
	mkfile(base_path("share/events/lst/README"), 0644);

	snprintf(target, sizeof(target), "%s/00.ctdb.script", share);
	assert_int_equal(
		symlink(target, base_path("events/lst/00.ctdb.script")), 0);
	/* Not canonical: not a match, listed with the local scripts. */
	snprintf(target, sizeof(target), "%s/../lst/10.interface.script",
		 share);
	assert_int_equal(
		symlink(target, base_path("events/lst/10.interface.script")),
		0);
	mkfile(base_path("events/lst/05.local.script"), 0755);
	mkfile(base_path("events/lst/60.localoff.script"), 0644);
	mkfile(base_path("events/lst/README.script"), 0755);
	mkfile(base_path("events/lst/1.bad.script"), 0755);
	assert_int_equal(mkdir(base_path("events/lst/80.dir.script"), 0755),
			 0);
	mkfile(base_path("events/x.script"), 0644);
	return 0;
}

static void test_script_list(void **state)
{
	struct tool_result r;

	tool_run(&r, "-d", "NOTICE", "script", "list", "lst", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out,
			    "* 00.ctdb\n"
			    "  10.interface\n"
			    "  50.samba\n"
			    "\n"
			    "* 05.local\n"
			    "* 10.interface\n"
			    "  60.localoff\n"
			    "* 80.dir\n");
	assert_string_equal(r.err,
			    "Command script list finished with result=0\n");
	tool_result_free(&r);
}

static void test_script_list_json(void **state)
{
	struct tool_result r;

	tool_run_json(&r, "script", "list", "lst", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(
		r.out,
		"{\"component\":\"lst\",\"scripts\":["
		"{\"name\":\"00.ctdb\",\"enabled\":true,\"installed\":true},"
		"{\"name\":\"10.interface\",\"enabled\":false,"
		"\"installed\":true},"
		"{\"name\":\"50.samba\",\"enabled\":false,\"installed\":true},"
		"{\"name\":\"05.local\",\"enabled\":true,\"installed\":false},"
		"{\"name\":\"10.interface\",\"enabled\":true,"
		"\"installed\":false},"
		"{\"name\":\"60.localoff\",\"enabled\":false,"
		"\"installed\":false},"
		"{\"name\":\"80.dir\",\"enabled\":true,\"installed\":false}"
		"]}\n");
	assert_string_equal(r.err, "");
	tool_result_free(&r);

	tool_run_json(&r, "script", "enable", "lst", "50.samba", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "{\"component\":\"lst\",\"script\":"
				   "\"50.samba\",\"enabled\":true}\n");
	tool_result_free(&r);
	tool_run_json(&r, "script", "disable", "lst", "50.samba", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "{\"component\":\"lst\",\"script\":"
				   "\"50.samba\",\"enabled\":false}\n");
	tool_result_free(&r);

	/* What the text prints on stdout goes to stderr. */
	tool_run_json(&r, "script", "enable", "lst", "nosuch", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "Script nosuch does not exist in lst\n");
	tool_result_free(&r);
	tool_run_json(&r, "script", "list", NULL);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "Usage: ctdb-event"));
	tool_result_free(&r);
}

static void test_script_list_errors(void **state)
{
	struct tool_result r;
	char expect[PATH_MAX * 2];

	snprintf(expect, sizeof(expect),
		 "Unable to find event script installation directory: "
		 "%s/share/events/nosuch\n",
		 test_base);
	tool_run(&r, "script", "list", "nosuch", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, expect);
	tool_result_free(&r);

	/* Installed scripts but no events directory. */
	assert_int_equal(mkdir(base_path("share/events/noetc"), 0755), 0);
	tool_run(&r, "script", "list", "noetc", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err,
			    "Command script list finished with result=2\n");
	tool_result_free(&r);
}

static void test_script_enable_link(void **state)
{
	const char *link = base_path("events/lst/50.samba.script");
	char expect[PATH_MAX];
	char buf[PATH_MAX];
	struct tool_result r;
	ssize_t n;

	tool_run(&r, "script", "enable", "lst", "50.samba", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "");
	assert_true(S_ISLNK(file_mode(link)));
	n = readlink(link, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(realpath(base_path("share/events/lst"), expect));
	strncat(expect, "/50.samba.script",
		sizeof(expect) - strlen(expect) - 1);
	assert_string_equal(buf, expect);
	tool_result_free(&r);

	/* Enabling a link again changes nothing. */
	tool_run(&r, "script", "enable", "lst", "50.samba", NULL);
	assert_int_equal(r.rc, 0);
	assert_true(S_ISLNK(file_mode(link)));
	tool_result_free(&r);

	tool_run(&r, "script", "disable", "lst", "50.samba", NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(lstat(link, &(struct stat){ 0 }), -1);
	tool_result_free(&r);

	/* Disabling what is not there succeeds silently. */
	tool_run(&r, "script", "disable", "lst", "50.samba", NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "");
	tool_result_free(&r);
}

static void test_script_enable_file(void **state)
{
	const char *off = base_path("events/lst/60.localoff.script");
	struct tool_result r;

	tool_run(&r, "-d", "NOTICE", "script", "enable", "lst", "60.localoff",
		 NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "Command script finished with result=0\n");
	assert_int_equal(file_mode(off) & 0777, 0755);
	tool_result_free(&r);

	tool_run(&r, "script", "disable", "lst", "60.localoff", NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(file_mode(off) & 0777, 0644);
	tool_result_free(&r);
}

static void test_script_enable_errors(void **state)
{
	const char *dir = base_path("events/lst/80.dir.script");
	char expect[PATH_MAX * 2];
	struct tool_result r;

	tool_run(&r, "script", "enable", "lst", "99.nosuch", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.out, "Script 99.nosuch does not exist in lst\n");
	tool_result_free(&r);

	/* ".script" is always appended. */
	tool_run(&r, "script", "enable", "lst", "00.ctdb.script", NULL);
	assert_int_equal(r.rc, 2);
	assert_string_equal(r.out,
			    "Script 00.ctdb.script does not exist in lst\n");
	tool_result_free(&r);

	tool_run(&r, "script", "enable", "lst", "README", NULL);
	assert_int_equal(r.rc, 22);
	assert_string_equal(r.out, "Script README is invalid in lst\n");
	tool_result_free(&r);
	tool_run(&r, "script", "disable", "lst", "1.bad", NULL);
	assert_int_equal(r.rc, 22);
	assert_string_equal(r.out, "Script 1.bad is invalid in lst\n");
	tool_result_free(&r);

	snprintf(expect, sizeof(expect),
		 "Script %s is not a file or a link\n", dir);
	tool_run(&r, "script", "disable", "lst", "80.dir", NULL);
	assert_int_equal(r.rc, 22);
	assert_string_equal(r.out, expect);
	tool_result_free(&r);

	/* No events directory to put the link in. */
	assert_int_equal(mkdir(base_path("share/events/nolinkdir"), 0755), 0);
	mkfile(base_path("share/events/nolinkdir/01.x.script"), 0755);
	snprintf(expect, sizeof(expect),
		 "Failed to create symlink %s/events/nolinkdir/01.x.script\n",
		 test_base);
	tool_run(&r, "script", "enable", "nolinkdir", "01.x", NULL);
	assert_int_equal(r.rc, 5);
	assert_string_equal(r.out, expect);
	tool_result_free(&r);
}

static void check_refused(const char *err, ...)
{
	const char *x = base_path("events/x.script");
	struct tool_result r;
	const char *argv[8];
	va_list ap;
	int i;

	va_start(ap, err);
	for (i = 0; i < 7; i++) {
		argv[i] = va_arg(ap, const char *);
	}
	va_end(ap);
	tool_run(&r, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5],
		 argv[6], NULL);
	assert_int_equal(r.rc, 22);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, err);
	/* Nothing was touched. */
	assert_int_equal(file_mode(x) & 0777, 0644);
	tool_result_free(&r);
}

static void test_names_refused(void **state)
{
	check_refused("Invalid script name '../x'\n", "script", "enable",
		      "lst", "../x", NULL, NULL, NULL);
	check_refused("Invalid component name '..'\n", "script", "enable",
		      "..", "x", NULL, NULL, NULL);
	check_refused("Invalid component name '.'\n", "script", "list", ".",
		      NULL, NULL, NULL, NULL);
	check_refused("Invalid script name '.hidden'\n", "script", "disable",
		      "lst", ".hidden", NULL, NULL, NULL);
	check_refused("Invalid component name 'a/b'\n", "run", "30", "a/b",
		      "monitor", NULL, NULL, NULL);
	check_refused("Invalid component name '.x'\n", "status", ".x",
		      "monitor", NULL, NULL, NULL, NULL);
	check_refused("Invalid component name ''\n", "status", "", "monitor",
		      NULL, NULL, NULL, NULL);
}

static int base_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char run[PATH_MAX];

	snprintf(test_base, sizeof(test_base), "%s/test_event_tool.XXXXXX",
		 tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(test_base) == NULL) {
		return -1;
	}
	snprintf(run, sizeof(run), "%s/run", test_base);
	if (mkdir(run, 0700) != 0) {
		return -1;
	}
	/* Every path of the tool now comes from the test base. */
	setenv("CTDB_TEST_MODE", "yes", 1);
	setenv("CTDB_BASE", test_base, 1);
	unsetenv("CTDB_EVENT_RUN_ALL");
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_full),
		cmocka_unit_test(test_usage_commands),
		cmocka_unit_test(test_usage_twice),
		cmocka_unit_test(test_usage_bad_option),
		cmocka_unit_test(test_usage_command_args),
		cmocka_unit_test(test_run_results),
		cmocka_unit_test(test_status_errors),
		cmocka_unit_test(test_status_line_kinds),
		cmocka_unit_test(test_status_line_hostile),
		cmocka_unit_test(test_output_single_line),
		cmocka_unit_test(test_output_empty),
		cmocka_unit_test(test_output_multi_line),
		cmocka_unit_test(test_output_ok_and_disabled),
		cmocka_unit_test(test_status_list),
		cmocka_unit_test(test_status_exit_codes),
		cmocka_unit_test(test_status_enomsg_skipped),
		cmocka_unit_test(test_status_stops_at_older),
		cmocka_unit_test(test_run_json),
		cmocka_unit_test(test_status_json),
		cmocka_unit_test(test_run_request_bytes),
		cmocka_unit_test(test_run_replies),
		cmocka_unit_test(test_run_transport_errors),
		cmocka_unit_test(test_status_reply),
		cmocka_unit_test(test_connect_failure),
		cmocka_unit_test(test_client_pipelined),
		cmocka_unit_test(test_client_status_body),
		cmocka_unit_test(test_client_wrong_cmd),
		cmocka_unit_test(test_client_free_request),
		cmocka_unit_test(test_client_eof),
		cmocka_unit_test(test_client_garbage),
		cmocka_unit_test(test_client_freed_with_pending),
		cmocka_unit_test(test_client_connect_errors),
		cmocka_unit_test_setup(test_script_list, scripts_setup),
		cmocka_unit_test_setup(test_script_list_json, scripts_setup),
		cmocka_unit_test_setup(test_script_list_errors, scripts_setup),
		cmocka_unit_test_setup(test_script_enable_link, scripts_setup),
		cmocka_unit_test_setup(test_script_enable_file, scripts_setup),
		cmocka_unit_test_setup(test_script_enable_errors,
				       scripts_setup),
		cmocka_unit_test_setup(test_names_refused, scripts_setup),
	};
	int ret;

	if (base_setup() != 0) {
		fprintf(stderr, "cannot create the test base directory\n");
		return 1;
	}
	/* A fake daemon writing to a tool that has gone must not die. */
	signal(SIGPIPE, SIG_IGN);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	rm_tree(test_base);
	return ret;
}
