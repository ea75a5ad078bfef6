/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for script_log: which script results are logged, and how. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <talloc.h>

#include "eventd/script_log.h"

static enum script_log_verdict fold(struct script_log *sl, const char *event,
				    const char *script, bool failed,
				    int32_t result, const char *output,
				    unsigned *count)
{
	return script_log_fold(sl, event, script, failed, result, output,
			       count);
}

/* Same failure: FAILED once, then REPEATED with a growing count. */
static void test_repeats(void **state)
{
	struct script_log *sl = script_log_new(NULL);
	unsigned count = 99;
	unsigned i;

	assert_non_null(sl);
	assert_int_equal(fold(sl, "monitor", "50.x", true, 1, "disk full\n",
			      &count),
			 SCRIPT_LOG_FAILED);
	assert_int_equal(count, 1);
	for (i = 2; i <= 10; i++) {
		assert_int_equal(fold(sl, "monitor", "50.x", true, 1,
				      "disk full\n", &count),
				 SCRIPT_LOG_REPEATED);
		assert_int_equal(count, i);
	}
	/* Another output, then another result: logged in full again. */
	assert_int_equal(fold(sl, "monitor", "50.x", true, 1, "disk fuller\n",
			      &count),
			 SCRIPT_LOG_FAILED);
	assert_int_equal(count, 1);
	assert_int_equal(fold(sl, "monitor", "50.x", true, 2, "disk fuller\n",
			      &count),
			 SCRIPT_LOG_FAILED);
	assert_int_equal(fold(sl, "monitor", "50.x", true, 2, "disk fuller\n",
			      &count),
			 SCRIPT_LOG_REPEATED);
	assert_int_equal(count, 2);
	/* Recovery counts every failure in a row, then forgets. */
	assert_int_equal(fold(sl, "monitor", "50.x", false, 0, "ok\n",
			      &count),
			 SCRIPT_LOG_RECOVERED);
	assert_int_equal(count, 13);
	assert_int_equal(fold(sl, "monitor", "50.x", false, 0, "ok\n",
			      &count),
			 SCRIPT_LOG_OK);
	assert_int_equal(count, 0);
	assert_int_equal(fold(sl, "monitor", "50.x", true, 1, "disk full\n",
			      &count),
			 SCRIPT_LOG_FAILED);
	talloc_free(sl);
}

/* Events and scripts are remembered apart; NULL output is "". */
static void test_keys(void **state)
{
	struct script_log *sl = script_log_new(NULL);
	unsigned count = 0;

	assert_non_null(sl);
	assert_int_equal(fold(sl, "monitor", "50.x", true, 1, NULL, &count),
			 SCRIPT_LOG_FAILED);
	assert_int_equal(fold(sl, "startup", "50.x", true, 1, NULL, &count),
			 SCRIPT_LOG_FAILED);
	assert_int_equal(fold(sl, "monitor", "60.y", true, 1, NULL, &count),
			 SCRIPT_LOG_FAILED);
	assert_int_equal(fold(sl, "monitor", "50.x", true, 1, "", &count),
			 SCRIPT_LOG_REPEATED);
	assert_int_equal(fold(sl, "startup", "50.x", false, 0, NULL, &count),
			 SCRIPT_LOG_RECOVERED);
	assert_int_equal(count, 1);
	assert_int_equal(fold(sl, "monitor", "60.y", true, 1, NULL, &count),
			 SCRIPT_LOG_REPEATED);
	talloc_free(sl);
}

/* Memory is per failing script and goes when it recovers. */
static void test_memory(void **state)
{
	struct script_log *sl = script_log_new(NULL);
	size_t empty;
	unsigned count = 0;
	unsigned i;

	assert_non_null(sl);
	empty = talloc_total_size(sl);
	for (i = 0; i < 1000; i++) {
		(void)fold(sl, "monitor", "50.x", true, 1,
			   "a long output that is never kept\n", &count);
	}
	/* One entry (struct and two names), not the output. */
	assert_true(talloc_total_size(sl) - empty < 128);
	(void)fold(sl, "monitor", "50.x", false, 0, NULL, &count);
	assert_int_equal(talloc_total_size(sl), empty);
	talloc_free(sl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
