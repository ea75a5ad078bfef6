/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for health.c: monitor results to verdicts, and the reason. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "noded/noded_private.h"

/* Feed results in turn; return the verdicts as letters. */
static const char *verdicts(struct health_state *h, const struct tunables *t,
			    bool *unhealthy, const int *results, size_t n,
			    char *buf)
{
	static const char letter[] = {
		[HEALTH_NO_CHANGE] = '-',
		[HEALTH_BECOMES_UNHEALTHY] = 'U',
		[HEALTH_BECOMES_HEALTHY] = 'H',
		[HEALTH_STAYS_UNHEALTHY] = 's',
	};
	size_t i;

	for (i = 0; i < n; i++) {
		bool limit = false;
		enum health_verdict v;

		v = health_monitor_result(h, t, *unhealthy, results[i],
					  &limit);
		buf[i] = letter[v];
		if (v == HEALTH_BECOMES_UNHEALTHY) {
			*unhealthy = true;
		} else if (v == HEALTH_BECOMES_HEALTHY) {
			*unhealthy = false;
		}
	}
	buf[n] = '\0';
	return buf;
}

#define RUN(h, t, unhealthy, ...)                                         \
	({                                                                \
		static const int r_[] = { __VA_ARGS__ };                  \
		static char b_[sizeof(r_) / sizeof(r_[0]) + 1];           \
		verdicts(h, t, unhealthy, r_, sizeof(r_) / sizeof(r_[0]), \
			 b_);                                             \
	})

static void test_defaults_as_ctdbd(void **state)
{
	struct health_state h = { 0 };
	struct tunables t;
	bool unhealthy = true; /* a node starts UNHEALTHY */

	tunables_set_defaults(&t);
	/* ok, fail, fail (reason looked at again), ok, ok */
	assert_string_equal(RUN(&h, &t, &unhealthy, 0, ENOEXEC, ENOEXEC, 0, 0),
			    "HUsH-");
	(void)state;
}

static void test_fail_count(void **state)
{
	struct health_state h = { 0 };
	struct tunables t;
	bool unhealthy = false;

	tunables_set_defaults(&t);
	t.value[TUNABLE_MONITOR_FAIL_COUNT] = 3;
	/* Two failures are not enough; a success starts the count again. */
	assert_string_equal(
		RUN(&h, &t, &unhealthy, ENOEXEC, ENOEXEC, 0, ENOEXEC, ENOEXEC,
		    ENOEXEC, ENOEXEC),
		"-----Us");
	assert_true(unhealthy);
	(void)state;
}

static void test_ok_count(void **state)
{
	struct health_state h = { 0 };
	struct tunables t;
	bool unhealthy = true;

	tunables_set_defaults(&t);
	t.value[TUNABLE_MONITOR_OK_COUNT] = 2;
	assert_string_equal(RUN(&h, &t, &unhealthy, 0, ENOEXEC, 0, 0, 0),
			    "-s-H-");
	assert_false(unhealthy);
	(void)state;
}

static void test_timeouts(void **state)
{
	struct health_state h = { 0 };
	struct tunables t;
	bool unhealthy = false;
	bool limit = false;
	enum health_verdict v;

	tunables_set_defaults(&t);
	t.value[TUNABLE_MONITOR_TIMEOUT_COUNT] = 3;
	/* Timeouts below the count pretend OK; a success resets them. */
	assert_string_equal(
		RUN(&h, &t, &unhealthy, ETIMEDOUT, ETIMEDOUT, 0, ETIMEDOUT,
		    ETIMEDOUT),
		"-----");
	assert_false(unhealthy);
	v = health_monitor_result(&h, &t, unhealthy, ETIMEDOUT, &limit);
	assert_int_equal(v, HEALTH_BECOMES_UNHEALTHY);
	assert_true(limit);
	assert_int_equal(h.timeouts, 3);
	(void)state;
}

static void test_cancelled_ignored(void **state)
{
	struct health_state h = { 0 };
	struct tunables t;
	bool unhealthy = false;
	struct health_state before;

	tunables_set_defaults(&t);
	t.value[TUNABLE_MONITOR_FAIL_COUNT] = 2;
	/* ECANCELED neither counts nor breaks a streak. */
	assert_string_equal(RUN(&h, &t, &unhealthy, ENOEXEC, ECANCELED,
				ENOEXEC),
			    "--U");
	before = h;
	assert_string_equal(RUN(&h, &t, &unhealthy, ECANCELED), "-");
	assert_memory_equal(&before, &h, sizeof(h));
	(void)state;
}

static void test_reason(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ctdb_event_script scripts[] = {
		{ .name = "01.disabled", .result = -ENOEXEC },
		{ .name = "02.nodata", .result = -ENOMSG },
		{ .name = "10.ok", .result = 0, .output = "fine\n" },
		{ .name = "50.service", .result = 1,
		  .output = "\nservice is down: x\nsecond line\n" },
		{ .name = "60.later", .result = 2, .output = "later" },
	};
	struct ctdb_event_script_list list = {
		.num_scripts = 5,
		.script = scripts,
	};
	struct ctdb_event_reply_status status = {
		.summary = 1,
		.script_list = &list,
	};

	assert_string_equal(health_reason(mem, ENOEXEC, &status),
			    "50.service failed (exit 1): service is down: x");
	scripts[3].output = NULL;
	assert_string_equal(health_reason(mem, ENOEXEC, &status),
			    "50.service failed (exit 1)");
	scripts[3].result = -ETIMEDOUT;
	assert_string_equal(health_reason(mem, ETIMEDOUT, &status),
			    "50.service timed out");
	scripts[3].result = -EACCES;
	assert_string_equal(health_reason(mem, ENOEXEC, &status),
			    "50.service cannot run (Permission denied)");
	assert_string_equal(health_reason(mem, ETIMEDOUT, NULL),
			    "monitor event timed out");
	assert_string_equal(health_reason(mem, ENOENT, NULL),
			    "monitor event failed (No such file or directory)");
	talloc_free(mem);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_as_ctdbd),
		cmocka_unit_test(test_fail_count),
		cmocka_unit_test(test_ok_count),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_cancelled_ignored),
		cmocka_unit_test(test_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
