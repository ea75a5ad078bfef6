/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for `ctdb event history` and `ctdb metrics` presentation. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "tools/event_history.h"
#include "tools/metrics_tool.h"

/* Output captured in memory, compared as one string. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static void capture_start(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

static void capture_is(struct capture *c, const char *expected)
{
	fclose(c->f);
	assert_string_equal(c->buf, expected);
	free(c->buf);
}

/* Two runs as the daemon sends them: #4 OK (two scripts), #5 failed. */
static const char *two_runs =
	"[{\"component\":\"legacy\",\"event\":\"monitor\",\"result\":0,"
	"\"state\":\"OK\",\"scripts\":["
	"{\"name\":\"01.a\",\"state\":\"OK\",\"result\":0,\"error\":null,"
	"\"begin\":\"2026-11-22T07:01:02.000100Z\","
	"\"end\":\"2026-11-22T07:01:02.010100Z\",\"duration\":0.01,"
	"\"output\":null},"
	"{\"name\":\"02.b\",\"state\":\"DISABLED\",\"result\":-8,"
	"\"error\":null,\"begin\":\"2026-11-22T07:01:02.010200Z\","
	"\"end\":\"2026-11-22T07:01:02.010200Z\",\"duration\":0,"
	"\"output\":null}],\"seq\":4},"
	"{\"component\":\"legacy\",\"event\":\"monitor\",\"result\":1,"
	"\"state\":\"ERROR\",\"scripts\":["
	"{\"name\":\"01.a\",\"state\":\"ERROR\",\"result\":1,\"error\":null,"
	"\"begin\":\"2026-11-22T07:01:17.000000Z\","
	"\"end\":\"2026-11-22T07:01:17.250000Z\",\"duration\":0.25,"
	"\"output\":\"\\n\\ndisk \\\"full\\\"\\nmore\\n\"}],\"seq\":5}]";

static void test_parse_and_text(void **state)
{
	struct capture c;
	json_t *runs = NULL;

	assert_int_equal(event_history_parse(two_runs, &runs), 0);
	capture_start(&c);
	event_history_print_text(c.f, runs);
	capture_is(&c, "#4 2026-11-22T07:01:02.000100Z 0.010 OK\n"
		       "#5 2026-11-22T07:01:17.000000Z 0.250 ERROR "
		       "01.a exit 1: disk \"full\"\n");
	json_decref(runs);
	(void)state;
}

static void test_text_failures(void **state)
{
	const char *text =
		"[{\"seq\":1,\"result\":-110,\"state\":\"TIMEDOUT\","
		"\"scripts\":[{\"name\":\"01.a\",\"state\":\"OK\","
		"\"result\":0,\"begin\":\"B1\",\"duration\":1.5,"
		"\"output\":\"fine\\n\"},"
		"{\"name\":\"02.slow\",\"state\":\"TIMEDOUT\","
		"\"result\":-110,\"error\":\"Connection timed out\","
		"\"begin\":\"B2\","
		"\"duration\":3,\"output\":null}]},"
		"{\"seq\":2,\"result\":-13,\"state\":\"CANNOT RUN\","
		"\"scripts\":[{\"name\":\"01.a\",\"state\":\"CANNOT RUN\","
		"\"result\":-13,\"error\":\"Permission denied\","
		"\"begin\":\"B3\",\"duration\":0,\"output\":\"\\n\"}]},"
		"{\"seq\":3,\"result\":0,\"state\":\"OK\",\"scripts\":[]}]";
	struct capture c;
	json_t *runs = NULL;

	assert_int_equal(event_history_parse(text, &runs), 0);
	capture_start(&c);
	event_history_print_text(c.f, runs);
	capture_is(&c, "#1 B1 4.500 TIMEDOUT 02.slow timed out\n"
		       "#2 B3 0.000 CANNOT RUN 01.a cannot run "
		       "(Permission denied)\n"
		       "#3 - 0.000 OK\n");
	json_decref(runs);
	(void)state;
}

static void test_json_roundtrip(void **state)
{
	struct capture c;
	json_t *runs = NULL;
	json_t *again;
	json_error_t error;

	assert_int_equal(event_history_parse(two_runs, &runs), 0);
	capture_start(&c);
	assert_int_equal(event_history_print_json(c.f, runs), 0);
	fclose(c.f);
	/* One compact line, as every --json output, and the same data. */
	assert_true(c.len > 2);
	assert_int_equal(c.buf[c.len - 1], '\n');
	assert_null(memchr(c.buf, '\n', c.len - 1));
	assert_non_null(strstr(c.buf, "[{\"component\":\"legacy\""));
	again = json_loads(c.buf, 0, &error);
	assert_non_null(again);
	assert_true(json_equal(again, runs));
	json_decref(again);
	json_decref(runs);
	free(c.buf);
	(void)state;
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"{}",
		"[1]",
		"[{}]",
		"[{\"seq\":1,\"result\":0,\"state\":\"OK\"}]",
		"[{\"seq\":\"1\",\"result\":0,\"state\":\"OK\","
		"\"scripts\":[]}]",
		"[{\"seq\":1,\"result\":0,\"state\":\"OK\","
		"\"scripts\":[{}]}]",
		"[{\"seq\":1,\"result\":0,\"state\":\"OK\",\"scripts\":"
		"[{\"name\":\"a\",\"state\":\"OK\",\"result\":0,"
		"\"begin\":\"b\",\"duration\":0,\"output\":1}]}]",
		"[{\"seq\":1,\"seq\":2,\"result\":0,\"state\":\"OK\","
		"\"scripts\":[]}]",
		"[] trailing",
	};
	json_t *runs = (json_t *)(uintptr_t)1;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(event_history_parse(bad[i], &runs), EPROTO);
		assert_ptr_equal(runs, (json_t *)(uintptr_t)1);
	}
	assert_int_equal(event_history_parse("[]", &runs), 0);
	assert_int_equal(json_array_size(runs), 0);
	json_decref(runs);
	(void)state;
}

static void test_metrics_print(void **state)
{
	struct capture c;

	capture_start(&c);
	metrics_tool_print(c.f, "# TYPE a gauge\na 1\n",
			   "# TYPE b gauge\nb 2");
	capture_is(&c, "# TYPE a gauge\na 1\n# TYPE b gauge\nb 2\n# EOF\n");

	capture_start(&c);
	metrics_tool_print(c.f, NULL, "# TYPE b gauge\nb 2\n");
	capture_is(&c, "# TYPE b gauge\nb 2\n# EOF\n");

	capture_start(&c);
	metrics_tool_print(c.f, "", NULL);
	capture_is(&c, "# EOF\n");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_text),
		cmocka_unit_test(test_text_failures),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_metrics_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
