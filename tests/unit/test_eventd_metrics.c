/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for ctdb-eventd's metrics: result labels, durations, text. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "eventd/eventd_metrics.h"

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

/* One script per result; script i ran for durations_ms[i]. */
static struct event_record *make_run(TALLOC_CTX *mem, const char *event,
				     struct script_result summary,
				     const struct script_result *results,
				     const int *durations_ms, unsigned n)
{
	struct event_record *rec = talloc_zero(mem, struct event_record);
	unsigned i;

	assert_non_null(rec);
	rec->event = talloc_strdup(rec, event);
	rec->summary = summary;
	rec->num_scripts = n;
	rec->scripts = talloc_zero_array(rec, struct script_record, n + 1);
	assert_non_null(rec->scripts);
	for (i = 0; i < n; i++) {
		struct script_record *s = &rec->scripts[i];

		s->name = talloc_asprintf(rec, "%02u.s", i + 1);
		s->result = results[i];
		s->begin.tv_sec = 1000;
		s->end.tv_sec = 1000 + durations_ms[i] / 1000;
		s->end.tv_usec = (durations_ms[i] % 1000) * 1000;
		if (durations_ms[i] < 0) {
			/* The clock stepped back during the run. */
			s->end.tv_sec = 999;
			s->end.tv_usec = 0;
		}
	}
	return rec;
}

static void assert_has_line(const char *text, const char *line)
{
	char *want = talloc_asprintf(NULL, "\n%s\n", line);

	if (strstr(text, want) == NULL) {
		fail_msg("missing line: %s\nin:\n%s", line, text);
	}
	talloc_free(want);
}

static void test_runs_by_result(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct eventd_metrics *em = eventd_metrics_new(mem);
	const struct script_result ok[] = { { SCRIPT_OK, 0 } };
	const struct script_result err[] = { { SCRIPT_OK, 0 },
					     { SCRIPT_ERROR, 3 } };
	const struct script_result to[] = { { SCRIPT_TIMEDOUT, 0 } };
	const struct script_result cr[] = { { SCRIPT_CANNOT_RUN, EPERM } };
	const int d1[] = { 3 }, d2[] = { 20, 700 }, d3[] = { 31000 };
	char *text;

	assert_non_null(em);
	eventd_metrics_run(em, "legacy",
			   make_run(mem, "monitor", ok[0], ok, d1, 1));
	eventd_metrics_run(em, "legacy",
			   make_run(mem, "monitor", ok[0], ok, d1, 1));
	eventd_metrics_run(em, "legacy",
			   make_run(mem, "monitor", err[1], err, d2, 2));
	eventd_metrics_run(em, "legacy",
			   make_run(mem, "startup", to[0], to, d3, 1));
	eventd_metrics_run(em, "other",
			   make_run(mem, "monitor", cr[0], cr, d1, 1));
	eventd_metrics_cancelled(em, "legacy");
	eventd_metrics_cancelled(em, "legacy");

	text = eventd_metrics_render(mem, em);
	assert_non_null(text);
	assert_has_line(text, "# TYPE ctdb_events counter");
	assert_has_line(text, "ctdb_events_total{component=\"legacy\","
			      "event=\"monitor\",result=\"ok\"} 2");
	assert_has_line(text, "ctdb_events_total{component=\"legacy\","
			      "event=\"monitor\",result=\"error\"} 1");
	assert_has_line(text, "ctdb_events_total{component=\"legacy\","
			      "event=\"startup\",result=\"timedout\"} 1");
	assert_has_line(text, "ctdb_events_total{component=\"other\","
			      "event=\"monitor\",result=\"cannot_run\"} 1");
	assert_has_line(text, "ctdb_monitor_cancellations_total"
			      "{component=\"legacy\"} 2");
	/* 01.s of legacy monitor: 3 ms, 3 ms and 20 ms. */
	assert_has_line(text, "ctdb_script_duration_seconds_bucket"
			      "{component=\"legacy\",event=\"monitor\","
			      "script=\"01.s\",le=\"0.005\"} 2");
	assert_has_line(text, "ctdb_script_duration_seconds_bucket"
			      "{component=\"legacy\",event=\"monitor\","
			      "script=\"01.s\",le=\"0.025\"} 3");
	/* 0.026 up to rounding: the sum of doubles. */
	assert_non_null(strstr(text, "\nctdb_script_duration_seconds_sum"
				     "{component=\"legacy\",event=\"monitor\","
				     "script=\"01.s\"} 0.02"));
	/* 31 s is beyond the last bound: only in +Inf. */
	assert_has_line(text, "ctdb_script_duration_seconds_bucket"
			      "{component=\"legacy\",event=\"startup\","
			      "script=\"01.s\",le=\"30.0\"} 0");
	assert_has_line(text, "ctdb_script_duration_seconds_bucket"
			      "{component=\"legacy\",event=\"startup\","
			      "script=\"01.s\",le=\"+Inf\"} 1");
	assert_non_null(strstr(text, "\nctdb_eventd_start_time_seconds "));
	assert_null(strstr(text, "# EOF"));
}

static void test_disabled_and_clock(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct eventd_metrics *em = eventd_metrics_new(mem);
	const struct script_result res[] = { { SCRIPT_DISABLED, 0 },
					     { SCRIPT_OK, 0 } };
	const int d[] = { 0, -1 };
	char *text;

	assert_non_null(em);
	eventd_metrics_run(em, "legacy",
			   make_run(mem, "monitor", res[1], res, d, 2));
	text = eventd_metrics_render(mem, em);
	/* A disabled script did not run; a backwards clock counts as 0. */
	assert_null(strstr(text, "script=\"01.s\""));
	assert_has_line(text, "ctdb_script_duration_seconds_sum"
			      "{component=\"legacy\",event=\"monitor\","
			      "script=\"02.s\"} 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runs_by_result, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_disabled_and_clock, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
