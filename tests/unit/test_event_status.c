/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the status store, its wire form and script results. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "eventd/event_status.h"
#include "protocol/script_result.h"

static int setup(void **pstate)
{
	TALLOC_CTX *mem = talloc_new(NULL);

	if (mem == NULL) {
		return -1;
	}
	*pstate = mem;
	return 0;
}

static int teardown(void **pstate)
{
	talloc_free(*pstate);
	return 0;
}

static struct script_result result(enum script_state state, int code)
{
	struct script_result r = { .state = state, .code = code };

	return r;
}

/* A record of n scripts named "NN.sN", each with output "out N". */
static struct event_record *make_record(TALLOC_CTX *mem, const char *event,
					unsigned n,
					struct script_result summary)
{
	struct event_record *rec;
	unsigned i;

	rec = talloc_zero(mem, struct event_record);
	assert_non_null(rec);
	rec->event = talloc_strdup(rec, event);
	assert_non_null(rec->event);
	rec->summary = summary;
	rec->num_scripts = n;
	rec->scripts = talloc_zero_array(rec, struct script_record, n + 1);
	assert_non_null(rec->scripts);
	for (i = 0; i < n; i++) {
		struct script_record *s = &rec->scripts[i];

		s->name = talloc_asprintf(rec, "%02u.s%u", i, i);
		assert_non_null(s->name);
		s->begin.tv_sec = 1000 + i;
		s->begin.tv_usec = i;
		s->end.tv_sec = 2000 + i;
		s->end.tv_usec = 10 * i;
		s->result = result(SCRIPT_OK, 0);
		s->output = talloc_asprintf(rec, "out %u\n", i);
		assert_non_null(s->output);
	}
	return rec;
}

static void test_get_unknown(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct event_status_store *store;
	const struct event_record *got;

	store = event_status_store_new(mem);
	assert_non_null(store);
	got = event_status_store_get(store, "monitor");
	assert_null(got);

	event_status_store_put(store, make_record(mem, "startup", 1,
						  result(SCRIPT_OK, 0)));
	got = event_status_store_get(store, "monitor");
	assert_null(got);
	got = event_status_store_get(store, "startu");
	assert_null(got);
	got = event_status_store_get(store, "startup2");
	assert_null(got);
}

static void test_put_get(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	TALLOC_CTX *tmp;
	struct event_status_store *store;
	struct event_record *a;
	struct event_record *b;
	const struct event_record *got;

	store = event_status_store_new(mem);
	assert_non_null(store);

	tmp = talloc_new(mem);
	assert_non_null(tmp);
	a = make_record(tmp, "startup", 2, result(SCRIPT_OK, 0));
	b = make_record(tmp, "monitor", 3, result(SCRIPT_ERROR, 1));
	event_status_store_put(store, a);
	event_status_store_put(store, b);
	/* Stolen: the records survive their original parent. */
	talloc_free(tmp);

	got = event_status_store_get(store, "startup");
	assert_ptr_equal(got, a);
	assert_string_equal(got->event, "startup");
	assert_int_equal(got->num_scripts, 2);
	assert_string_equal(got->scripts[1].name, "01.s1");
	assert_string_equal(got->scripts[1].output, "out 1\n");

	got = event_status_store_get(store, "monitor");
	assert_ptr_equal(got, b);
	assert_int_equal(got->num_scripts, 3);
	assert_int_equal(got->summary.state, SCRIPT_ERROR);
	assert_int_equal(got->summary.code, 1);
}

static bool freed_flag;

static int record_destructor(struct event_record *rec)
{
	freed_flag = true;
	return 0;
}

static void test_replace_keeps_newest(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct event_status_store *store;
	struct event_record *old;
	struct event_record *other;
	struct event_record *newer;
	const struct event_record *got;

	store = event_status_store_new(mem);
	assert_non_null(store);
	old = make_record(mem, "monitor", 2, result(SCRIPT_OK, 0));
	other = make_record(mem, "startup", 1, result(SCRIPT_OK, 0));
	event_status_store_put(store, old);
	event_status_store_put(store, other);

	freed_flag = false;
	talloc_set_destructor(old, record_destructor);
	newer = make_record(mem, "monitor", 1, result(SCRIPT_ERROR, 7));
	event_status_store_put(store, newer);
	/* The old record is gone, not just hidden. */
	assert_true(freed_flag);

	got = event_status_store_get(store, "monitor");
	assert_ptr_equal(got, newer);
	assert_int_equal(got->num_scripts, 1);
	assert_int_equal(got->summary.code, 7);
	/* The other event is untouched. */
	got = event_status_store_get(store, "startup");
	assert_ptr_equal(got, other);
}

static void test_replace_does_not_grow(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct event_status_store *store;
	size_t size_before;
	size_t blocks_before;
	size_t size_after;
	size_t blocks_after;
	unsigned i;

	store = event_status_store_new(mem);
	assert_non_null(store);
	event_status_store_put(store, make_record(mem, "monitor", 4,
						  result(SCRIPT_OK, 0)));
	event_status_store_put(store, make_record(mem, "startup", 2,
						  result(SCRIPT_OK, 0)));
	size_before = talloc_total_size(store);
	blocks_before = talloc_total_blocks(store);

	for (i = 0; i < 1000; i++) {
		const char *event = (i % 2 == 0) ? "monitor" : "startup";
		unsigned n = (i % 2 == 0) ? 4 : 2;

		event_status_store_put(store, make_record(mem, event, n,
							  result(SCRIPT_OK,
								 0)));
	}
	size_after = talloc_total_size(store);
	blocks_after = talloc_total_blocks(store);
	assert_int_equal(size_after, size_before);
	assert_int_equal(blocks_after, blocks_before);
	/* Nothing was left behind on the records' original parent. */
	assert_int_equal(talloc_total_blocks(mem),
			 1 + talloc_total_blocks(store));
}

static void test_empty_record(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct event_status_store *store;
	struct ctdb_event_reply_status *wire;
	const struct event_record *got;

	store = event_status_store_new(mem);
	assert_non_null(store);
	event_status_store_put(store, make_record(mem, "ipreallocated", 0,
						  result(SCRIPT_OK, 0)));
	got = event_status_store_get(store, "ipreallocated");
	assert_non_null(got);
	assert_int_equal(got->num_scripts, 0);

	wire = event_record_to_wire(mem, got);
	assert_non_null(wire);
	assert_int_equal(wire->summary, 0);
	assert_non_null(wire->script_list);
	assert_int_equal(wire->script_list->num_scripts, 0);
}

static void test_record_to_wire(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct event_record *rec;
	struct ctdb_event_reply_status *wire;
	const struct script_result states[] = {
		result(SCRIPT_OK, 0),
		result(SCRIPT_ERROR, 3),
		result(SCRIPT_DISABLED, ENOEXEC),
		result(SCRIPT_TIMEDOUT, ETIMEDOUT),
		result(SCRIPT_CANCELLED, ECANCELED),
		result(SCRIPT_CANNOT_RUN, EPERM),
		result(SCRIPT_CANNOT_RUN, EINTR),
		result(SCRIPT_ERROR, 255),
	};
	const int32_t expect[] = {0, 3, -8, -110, -125, -1, -4, 255};
	unsigned n = sizeof(states) / sizeof(states[0]);
	unsigned i;

	rec = make_record(mem, "monitor", n, result(SCRIPT_ERROR, 3));
	for (i = 0; i < n; i++) {
		rec->scripts[i].result = states[i];
	}
	rec->scripts[2].output = NULL;

	wire = event_record_to_wire(mem, rec);
	assert_non_null(wire);
	assert_int_equal(wire->summary, 3);
	assert_non_null(wire->script_list);
	assert_int_equal(wire->script_list->num_scripts, n);
	for (i = 0; i < n; i++) {
		const struct ctdb_event_script *s =
			&wire->script_list->script[i];

		assert_int_equal(s->result, expect[i]);
		assert_string_equal(s->name, rec->scripts[i].name);
		assert_int_equal(s->begin.tv_sec, 1000 + i);
		assert_int_equal(s->begin.tv_usec, i);
		assert_int_equal(s->end.tv_sec, 2000 + i);
		assert_int_equal(s->end.tv_usec, 10 * i);
		if (i == 2) {
			assert_null(s->output);
		} else {
			assert_string_equal(s->output, rec->scripts[i].output);
		}
	}

	/* The reply is a tree of its own: freeing it leaves rec intact. */
	talloc_free(wire);
	assert_string_equal(rec->scripts[0].name, "00.s0");
}

static void test_wire_summary(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	const struct script_result summaries[] = {
		result(SCRIPT_OK, 0),
		result(SCRIPT_ERROR, 1),
		result(SCRIPT_TIMEDOUT, ETIMEDOUT),
		result(SCRIPT_CANCELLED, ECANCELED),
		result(SCRIPT_CANNOT_RUN, ENOENT),
		result(SCRIPT_DISABLED, EACCES),
	};
	const int32_t expect[] = {0, 1, -110, -125, -2, -8};
	unsigned i;

	for (i = 0; i < sizeof(summaries) / sizeof(summaries[0]); i++) {
		struct event_record *rec;
		struct ctdb_event_reply_status *wire;

		rec = make_record(mem, "x", 1, summaries[i]);
		wire = event_record_to_wire(mem, rec);
		assert_non_null(wire);
		assert_int_equal(wire->summary, expect[i]);
	}
}

static void assert_result(struct script_result r, enum script_state state,
			  int code)
{
	assert_int_equal(r.state, state);
	/* The header defines the code only for these two states. */
	if (state == SCRIPT_ERROR || state == SCRIPT_CANNOT_RUN) {
		assert_int_equal(r.code, code);
	}
}

static void test_result_from_exit(void **pstate)
{
	struct script_result r;

	r = script_result_from_exit(0);
	assert_result(r, SCRIPT_OK, 0);
	r = script_result_from_exit(1);
	assert_result(r, SCRIPT_ERROR, 1);
	r = script_result_from_exit(63);
	assert_result(r, SCRIPT_ERROR, 63);
	r = script_result_from_exit(64);
	assert_result(r, SCRIPT_OK, 0);
	r = script_result_from_exit(65);
	assert_result(r, SCRIPT_CANNOT_RUN, EPERM);
	r = script_result_from_exit(66);
	assert_result(r, SCRIPT_CANNOT_RUN, ENOENT);
	r = script_result_from_exit(72);
	assert_result(r, SCRIPT_DISABLED, 0);
	r = script_result_from_exit(77);
	assert_result(r, SCRIPT_DISABLED, 0);
	r = script_result_from_exit(174);
	assert_result(r, SCRIPT_TIMEDOUT, 0);
	r = script_result_from_exit(189);
	assert_result(r, SCRIPT_CANCELLED, 0);
	r = script_result_from_exit(255);
	assert_result(r, SCRIPT_ERROR, 255);
}

static void test_result_from_exit_wire(void **pstate)
{
	struct script_result r;

	r = script_result_from_exit(1);
	assert_int_equal(script_result_to_wire(&r), 1);
	r = script_result_from_exit(65);
	assert_int_equal(script_result_to_wire(&r), -EPERM);
	r = script_result_from_exit(66);
	assert_int_equal(script_result_to_wire(&r), -ENOENT);
	r = script_result_from_exit(72);
	assert_int_equal(script_result_to_wire(&r), -ENOEXEC);
	r = script_result_from_exit(77);
	assert_int_equal(script_result_to_wire(&r), -ENOEXEC);
	r = script_result_from_exit(174);
	assert_int_equal(script_result_to_wire(&r), -ETIMEDOUT);
	r = script_result_from_exit(189);
	assert_int_equal(script_result_to_wire(&r), -ECANCELED);
	r = script_result_from_exit(255);
	assert_int_equal(script_result_to_wire(&r), 255);
}

static void test_result_from_errno(void **pstate)
{
	struct script_result r;

	r = script_result_from_errno(ENOENT);
	assert_result(r, SCRIPT_DISABLED, 0);
	r = script_result_from_errno(EACCES);
	assert_result(r, SCRIPT_DISABLED, 0);
	r = script_result_from_errno(ENOEXEC);
	assert_result(r, SCRIPT_DISABLED, 0);
	assert_int_equal(script_result_to_wire(&r), -ENOEXEC);
	r = script_result_from_errno(ETIMEDOUT);
	assert_result(r, SCRIPT_TIMEDOUT, 0);
	r = script_result_from_errno(ECANCELED);
	assert_result(r, SCRIPT_CANCELLED, 0);
	r = script_result_from_errno(EPERM);
	assert_result(r, SCRIPT_CANNOT_RUN, EPERM);
	assert_int_equal(script_result_to_wire(&r), -EPERM);
	r = script_result_from_errno(E2BIG);
	assert_result(r, SCRIPT_CANNOT_RUN, E2BIG);
	assert_int_equal(script_result_to_wire(&r), -E2BIG);
}

static void test_result_from_signal(void **pstate)
{
	struct script_result r;

	r = script_result_from_signal(9);
	assert_result(r, SCRIPT_CANNOT_RUN, EINTR);
	assert_int_equal(script_result_to_wire(&r), -EINTR);
	assert_true(script_result_failed(&r));
}

static void test_result_failed(void **pstate)
{
	struct script_result r;

	r = result(SCRIPT_OK, 0);
	assert_false(script_result_failed(&r));
	r = result(SCRIPT_DISABLED, ENOEXEC);
	assert_false(script_result_failed(&r));
	r = result(SCRIPT_ERROR, 1);
	assert_true(script_result_failed(&r));
	r = result(SCRIPT_TIMEDOUT, ETIMEDOUT);
	assert_true(script_result_failed(&r));
	r = result(SCRIPT_CANCELLED, ECANCELED);
	assert_true(script_result_failed(&r));
	r = result(SCRIPT_CANNOT_RUN, EPERM);
	assert_true(script_result_failed(&r));

	r = script_result_from_exit(64);
	assert_false(script_result_failed(&r));
	r = script_result_from_exit(77);
	assert_false(script_result_failed(&r));
	r = script_result_from_exit(66);
	assert_true(script_result_failed(&r));
}

/* ---------- history ---------- */

/* Put runs first..last of monitor, each recognisable by its summary code. */
static void put_runs(TALLOC_CTX *mem, struct event_status_store *store,
		     int first, int last)
{
	int i;

	for (i = first; i <= last; i++) {
		event_status_store_put(store,
				       make_record(mem, "monitor", 1,
						   result(SCRIPT_ERROR, i)));
	}
}

/* The kept runs are exactly want_first..want_last, oldest first. */
static void assert_history(const struct event_status_store *store,
			   int want_first, int want_last)
{
	unsigned n = (unsigned)(want_last - want_first + 1);
	const struct event_record *rec;
	unsigned i;

	assert_int_equal(event_status_store_count(store, "monitor"), n);
	for (i = 0; i < n; i++) {
		rec = event_status_store_nth(store, "monitor", i);
		assert_non_null(rec);
		assert_int_equal(rec->summary.code, want_first + (int)i);
		/* seq numbers every completed run from 1, dropped or not. */
		assert_int_equal(rec->seq, (uint64_t)(want_first + (int)i));
	}
	assert_null(event_status_store_nth(store, "monitor", n));
	rec = event_status_store_get(store, "monitor");
	assert_non_null(rec);
	assert_int_equal(rec->summary.code, want_last);
}

static void test_history_keeps_exactly_n(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct event_status_store *store = event_status_store_new(mem);

	event_status_store_set_history(store, 16);
	put_runs(mem, store, 1, 5);
	assert_history(store, 1, 5);
	put_runs(mem, store, 6, 16);
	assert_history(store, 1, 16);
	/* The 17th to 20th drop the oldest, one each. */
	put_runs(mem, store, 17, 20);
	assert_history(store, 5, 20);
	/* Other events have their own ring. */
	assert_int_equal(event_status_store_count(store, "startup"), 0);
	assert_null(event_status_store_nth(store, "startup", 0));
}

static void test_history_zero_and_one(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct event_status_store *zero = event_status_store_new(mem);
	struct event_status_store *one = event_status_store_new(mem);
	struct event_status_store *dflt = event_status_store_new(mem);

	event_status_store_set_history(zero, 0);
	event_status_store_set_history(one, 1);
	put_runs(mem, zero, 1, 3);
	put_runs(mem, one, 1, 3);
	put_runs(mem, dflt, 1, 3);
	/* 0 disables history beyond the last run, which status needs. */
	assert_history(zero, 3, 3);
	assert_history(one, 3, 3);
	assert_history(dflt, 3, 3);
}

static void test_history_resize(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct event_status_store *store = event_status_store_new(mem);

	event_status_store_set_history(store, 4);
	put_runs(mem, store, 1, 6); /* the ring has wrapped */
	assert_history(store, 3, 6);
	event_status_store_set_history(store, 2);
	assert_history(store, 5, 6);
	event_status_store_set_history(store, 3);
	put_runs(mem, store, 7, 8);
	assert_history(store, 6, 8);
}

static void test_history_memory_bounded(void **pstate)
{
	TALLOC_CTX *mem = *pstate;
	struct event_status_store *store = event_status_store_new(mem);
	size_t full;

	event_status_store_set_history(store, 8);
	put_runs(mem, store, 1, 8);
	full = talloc_total_size(store);
	put_runs(mem, store, 9, 200);
	assert_int_equal(talloc_total_size(store), full);
	assert_history(store, 193, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_get_unknown),
		T(test_put_get),
		T(test_replace_keeps_newest),
		T(test_replace_does_not_grow),
		T(test_empty_record),
		T(test_record_to_wire),
		T(test_wire_summary),
		T(test_result_from_exit),
		T(test_result_from_exit_wire),
		T(test_result_from_errno),
		T(test_result_from_signal),
		T(test_result_failed),
		T(test_history_keeps_exactly_n),
		T(test_history_zero_and_one),
		T(test_history_resize),
		T(test_history_memory_bounded),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
