/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the OpenMetrics registry: names, escaping, buckets, text. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "common/metrics.h"

static int setup(void **pstate)
{
	*pstate = talloc_new(NULL);
	return *pstate == NULL ? -1 : 0;
}

static int teardown(void **pstate)
{
	talloc_free(*pstate);
	return 0;
}

static void test_escape(void **pstate)
{
	char *esc;

	esc = metrics_escape_label(*pstate, "a\\b\"c\nd");
	assert_non_null(esc);
	assert_string_equal(esc, "a\\\\b\\\"c\\nd");
	esc = metrics_escape_label(*pstate, "");
	assert_string_equal(esc, "");
	/* Tabs and UTF-8 pass through: only the three are special. */
	esc = metrics_escape_label(*pstate, "t\tu\xc3\xa9");
	assert_string_equal(esc, "t\tu\xc3\xa9");
}

static void test_numbers(void **pstate)
{
	char buf[METRICS_NUMBER_LEN];

	assert_string_equal(metrics_format_number(0, buf), "0");
	assert_string_equal(metrics_format_number(20, buf), "20");
	assert_string_equal(metrics_format_number(0.1, buf), "0.1");
	assert_string_equal(metrics_format_number(1.5e-7, buf), "1.5e-07");
	assert_string_equal(metrics_format_number(1763795000, buf),
			    "1763795000");
	assert_string_equal(metrics_format_number(INFINITY, buf), "+Inf");
	assert_string_equal(metrics_format_number(-INFINITY, buf), "-Inf");
	assert_string_equal(metrics_format_number(NAN, buf), "NaN");
	/* Not representable in 15 digits: the shortest exact form is used. */
	assert_string_equal(metrics_format_number(0.1 + 0.2, buf),
			    "0.30000000000000004");
}

static void test_bad_declarations(void **pstate)
{
	struct metrics *m = metrics_new(*pstate);
	const char *le[] = { "le", NULL };
	const char *bad_label[] = { "1x", NULL };
	const double unordered[] = { 1, 0.5 };
	const double inf[] = { 1, INFINITY };
	struct metric_family *f;
	int err = 0;

	assert_non_null(m);
	f = metrics_family_add(m, "9bad", METRIC_GAUGE, "h", NULL, NULL, NULL,
			       0, &err);
	assert_null(f);
	assert_int_equal(err, EINVAL);
	f = metrics_family_add(m, "x_total", METRIC_COUNTER, "h", NULL, NULL,
			       NULL, 0, &err);
	assert_null(f);
	f = metrics_family_add(m, "x_bytes", METRIC_GAUGE, "h", "seconds",
			       NULL, NULL, 0, &err);
	assert_null(f);
	f = metrics_family_add(m, "x", METRIC_GAUGE, "h", NULL, bad_label,
			       NULL, 0, &err);
	assert_null(f);
	f = metrics_family_add(m, "h", METRIC_HISTOGRAM, "h", NULL, le,
			       unordered, 1, &err);
	assert_null(f);
	f = metrics_family_add(m, "h", METRIC_HISTOGRAM, "h", NULL, NULL,
			       unordered, 2, &err);
	assert_null(f);
	f = metrics_family_add(m, "h", METRIC_HISTOGRAM, "h", NULL, NULL, inf,
			       2, &err);
	assert_null(f);
	f = metrics_family_add(m, "g", METRIC_GAUGE, "h", NULL, NULL,
			       unordered, 1, &err);
	assert_null(f);

	f = metrics_family_add(m, "dup", METRIC_GAUGE, "h", NULL, NULL, NULL,
			       0, &err);
	assert_non_null(f);
	f = metrics_family_add(m, "dup", METRIC_COUNTER, "h", NULL, NULL, NULL,
			       0, &err);
	assert_null(f);
	assert_int_equal(err, EINVAL);
}

static void test_counter_text(void **pstate)
{
	struct metrics *m = metrics_new(*pstate);
	const char *labels[] = { "component", "result", NULL };
	const char *ok[] = { "legacy", "ok" };
	const char *odd[] = { "we\"ird\\\n", "error" };
	struct metric_family *f;
	char *text;
	int err = 0;

	f = metrics_family_add(m, "ctdb_events", METRIC_COUNTER,
			       "Events\\run\nby result", NULL, labels, NULL, 0,
			       &err);
	assert_non_null(f);
	assert_int_equal(metrics_counter_add(f, ok, 1), 0);
	assert_int_equal(metrics_counter_add(f, odd, 2), 0);
	assert_int_equal(metrics_counter_add(f, ok, 1), 0);
	assert_int_equal(metrics_counter_add(f, ok, -1), EINVAL);
	assert_int_equal(metrics_counter_add(f, ok, NAN), EINVAL);
	assert_int_equal(metrics_counter_add(f, NULL, 1), EINVAL);
	assert_int_equal(metrics_gauge_set(f, ok, 1), EINVAL);

	text = metrics_render(*pstate, m);
	assert_non_null(text);
	assert_string_equal(
		text,
		"# TYPE ctdb_events counter\n"
		"# HELP ctdb_events Events\\\\run\\nby result\n"
		"ctdb_events_total{component=\"legacy\",result=\"ok\"} 2\n"
		"ctdb_events_total{component=\"we\\\"ird\\\\\\n\","
		"result=\"error\"} 2\n");
}

static void test_gauge_text(void **pstate)
{
	struct metrics *m = metrics_new(*pstate);
	const char *to[] = { "to", NULL };
	const char *healthy[] = { "healthy" };
	struct metric_family *g, *c;
	char *text;
	int err = 0;

	g = metrics_family_add(m, "start_time_seconds", METRIC_GAUGE, "Start",
			       "seconds", NULL, NULL, 0, &err);
	assert_non_null(g);
	c = metrics_family_add(m, "moves", METRIC_COUNTER, "Moves", NULL, to,
			       NULL, 0, &err);
	assert_non_null(c);
	assert_int_equal(metrics_gauge_set(g, NULL, 1763795000.25), 0);
	assert_int_equal(metrics_gauge_set(g, NULL, 1763795001.5), 0);
	text = metrics_render(*pstate, m);
	/* A family without series still declares itself. */
	assert_string_equal(text,
			    "# TYPE start_time_seconds gauge\n"
			    "# UNIT start_time_seconds seconds\n"
			    "# HELP start_time_seconds Start\n"
			    "start_time_seconds 1763795001.5\n"
			    "# TYPE moves counter\n"
			    "# HELP moves Moves\n");
	assert_int_equal(metrics_counter_add(c, healthy, 1), 0);
	metrics_family_reset(c);
	text = metrics_render(*pstate, m);
	assert_null(strstr(text, "moves_total"));
}

static void test_histogram(void **pstate)
{
	struct metrics *m = metrics_new(*pstate);
	const char *labels[] = { "script", NULL };
	const char *a[] = { "01.a" };
	const char *b[] = { "02.b" };
	const double buckets[] = { 0.1, 1, 10 };
	struct metric_family *f;
	char *text;
	int err = 0;

	f = metrics_family_add(m, "d_seconds", METRIC_HISTOGRAM, "Durations",
			       "seconds", labels, buckets, 3, &err);
	assert_non_null(f);
	/* Bounds are inclusive: 0.1 goes in le="0.1", 1 in le="1.0". */
	assert_int_equal(metrics_histogram_observe(f, a, 0.1), 0);
	assert_int_equal(metrics_histogram_observe(f, a, 0.05), 0);
	assert_int_equal(metrics_histogram_observe(f, a, 1), 0);
	assert_int_equal(metrics_histogram_observe(f, a, 5), 0);
	assert_int_equal(metrics_histogram_observe(f, a, 100), 0);
	assert_int_equal(metrics_histogram_observe(f, b, 0), 0);
	assert_int_equal(metrics_histogram_observe(f, b, -1), EINVAL);
	assert_int_equal(metrics_histogram_observe(f, b, NAN), EINVAL);
	assert_int_equal(metrics_counter_add(f, b, 1), EINVAL);

	text = metrics_render(*pstate, m);
	assert_string_equal(
		text,
		"# TYPE d_seconds histogram\n"
		"# UNIT d_seconds seconds\n"
		"# HELP d_seconds Durations\n"
		"d_seconds_bucket{script=\"01.a\",le=\"0.1\"} 2\n"
		"d_seconds_bucket{script=\"01.a\",le=\"1.0\"} 3\n"
		"d_seconds_bucket{script=\"01.a\",le=\"10.0\"} 4\n"
		"d_seconds_bucket{script=\"01.a\",le=\"+Inf\"} 5\n"
		"d_seconds_count{script=\"01.a\"} 5\n"
		"d_seconds_sum{script=\"01.a\"} 106.15\n"
		"d_seconds_bucket{script=\"02.b\",le=\"0.1\"} 1\n"
		"d_seconds_bucket{script=\"02.b\",le=\"1.0\"} 1\n"
		"d_seconds_bucket{script=\"02.b\",le=\"10.0\"} 1\n"
		"d_seconds_bucket{script=\"02.b\",le=\"+Inf\"} 1\n"
		"d_seconds_count{script=\"02.b\"} 1\n"
		"d_seconds_sum{script=\"02.b\"} 0\n");
}

static void test_histogram_no_labels(void **pstate)
{
	struct metrics *m = metrics_new(*pstate);
	const double buckets[] = { 1 };
	struct metric_family *f;
	char *text;
	int err = 0;

	f = metrics_family_add(m, "h", METRIC_HISTOGRAM, "H", NULL, NULL,
			       buckets, 1, &err);
	assert_non_null(f);
	assert_int_equal(metrics_histogram_observe(f, NULL, 2), 0);
	text = metrics_render(*pstate, m);
	assert_string_equal(text, "# TYPE h histogram\n"
				  "# HELP h H\n"
				  "h_bucket{le=\"1.0\"} 0\n"
				  "h_bucket{le=\"+Inf\"} 1\n"
				  "h_count 1\n"
				  "h_sum 2\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_declarations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_counter_text, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gauge_text, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_histogram, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_histogram_no_labels,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
