/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the monitor: its schedule, and one round against a fake. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>
#include <tevent.h>

#include "noded/noded_private.h"
#include "tests/unit/fake_noded_event.h"

/* The waits of n monitors in a row, "2 2 4 8 ...". */
static char *waits(TALLOC_CTX *mem, struct monitor_interval *mi, unsigned n,
		   uint32_t max)
{
	char *out = talloc_strdup(mem, "");
	unsigned i;

	for (i = 0; i < n; i++) {
		out = talloc_asprintf_append(out, "%s%u", i == 0 ? "" : " ",
					     monitor_interval_take(mi, max));
	}
	return out;
}

static void test_schedule_doubles(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct monitor_interval mi;

	/* ctdbd: 2 s after startup, then 2, 4, 8, ... up to the cap. */
	monitor_interval_init(&mi);
	assert_int_equal(mi.next, 2);
	assert_string_equal(waits(mem, &mi, 6, 15), "2 4 8 15 15 15");

	/* A health change: 5 s, then doubling again. */
	monitor_interval_reset(&mi);
	assert_string_equal(waits(mem, &mi, 4, 15), "5 10 15 15");

	/*
	 * A smaller cap (setvar) caps the doubling from now on; the wait
	 * already decided is not shortened.
	 */
	assert_string_equal(waits(mem, &mi, 3, 3), "15 3 3");
	/* 0 is taken as 1, never a busy loop. */
	monitor_interval_init(&mi);
	assert_string_equal(waits(mem, &mi, 3, 0), "2 1 1");
	talloc_free(mem);
	(void)state;
}

struct fixture {
	struct tevent_context *ev;
	struct noded_context *nctx;
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);

	assert_non_null(f);
	f->ev = tevent_context_init(f);
	f->nctx = talloc_zero(f, struct noded_context);
	assert_non_null(f->ev);
	assert_non_null(f->nctx);
	f->nctx->ev = f->ev;
	tunables_set_defaults(&f->nctx->tunables);
	f->nctx->state = node_state_new(f->nctx, 0);
	assert_non_null(f->nctx->state);
	fake_event_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	fake_event_reset();
	return 0;
}

/* Run the loop until n events were sent, at most 10 s. */
static void run_until_events(struct fixture *f, unsigned n)
{
	struct timeval end = tevent_timeval_current_ofs(10, 0);

	while (fake_event_count() < n) {
		struct timeval now = tevent_timeval_current();

		assert_true(tevent_timeval_compare(&now, &end) < 0);
		assert_int_equal(tevent_loop_once(f->ev), 0);
	}
	/* The reply comes at the next turn. */
	assert_int_equal(tevent_loop_once(f->ev), 0);
	(void)tevent_loop_once(f->ev);
}

static void test_round_failure_names_the_script(void **state)
{
	struct fixture *f = *state;
	struct monitor_context *m;

	node_state_set_runstate(f->nctx->state, CTDB_RUNSTATE_RUNNING);
	node_state_clear_flags(f->nctx->state, CTDB_NODE_FLAGS_UNHEALTHY,
			       "test starts healthy");
	fake_event_result("monitor", ENOEXEC);
	fake_event_monitor_output("service is down: disk\nmore\n");
	m = monitor_start(f, f->nctx);
	assert_non_null(m);
	run_until_events(f, 1);
	assert_string_equal(fake_event_log(), "monitor\n");
	assert_true(node_state_unhealthy(f->nctx->state));
	assert_string_equal(node_state_reason(f->nctx->state),
			    "50.service failed (exit 1): service is down: disk");
	TALLOC_FREE(m);
}

static void set_flag(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	*(bool *)private_data = true;
}

static void test_stopped_node_is_not_monitored(void **state)
{
	struct fixture *f = *state;
	struct monitor_context *m;
	struct tevent_timer *te;
	bool past_first = false;

	node_state_set_runstate(f->nctx->state, CTDB_RUNSTATE_RUNNING);
	node_state_add_flags(f->nctx->state, CTDB_NODE_FLAGS_STOPPED,
			     "stopped by the test");
	m = monitor_start(f, f->nctx);
	assert_non_null(m);
	/* Just past the first monitor's time: it must have been skipped. */
	te = tevent_add_timer(f->ev, f, tevent_timeval_current_ofs(2, 500000),
			      set_flag, &past_first);
	assert_non_null(te);
	while (!past_first) {
		assert_int_equal(tevent_loop_once(f->ev), 0);
	}
	assert_int_equal(fake_event_count(), 0);
	TALLOC_FREE(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedule_doubles),
		cmocka_unit_test_setup_teardown(
			test_round_failure_names_the_script, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_stopped_node_is_not_monitored, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
