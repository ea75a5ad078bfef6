/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit test of noded/announce.c: rounds after takeip, stopped by release. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "noded/noded_private.h"

struct fixture {
	struct tevent_context *ev;
	struct noded_context *nctx;
	struct announce_context *actx;
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);
	char *errmsg = NULL;
	int ret;

	assert_non_null(f);
	f->ev = tevent_context_init(f);
	assert_non_null(f->ev);
	f->nctx = talloc_zero(f, struct noded_context);
	assert_non_null(f->nctx);
	f->nctx->ev = f->ev;
	/* lo has no hardware address: net_announce sends nothing, says 0. */
	ret = public_ips_parse(f->nctx, "test", "127.0.0.1/8 lo\n"
						"127.0.0.2/8 lo\n",
			       &f->nctx->ips, &errmsg);
	assert_int_equal(ret, 0);
	f->actx = announce_new(f, f->nctx);
	assert_non_null(f->actx);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

static void ip_change(struct fixture *f, unsigned ip, bool held)
{
	struct node_state_change c = {
		.what = NODE_STATE_IP,
		.why = "test",
		.ip = ip,
		.ip_held = held,
	};

	announce_observer(&c, f->actx);
}

/* The first round goes at once, two more follow; a release stops them. */
static void test_rounds_and_release(void **state)
{
	struct fixture *f = *state;

	ip_change(f, 0, true);
	assert_int_equal(announce_rounds_left(f->actx, 0), 2);
	assert_int_equal(announce_rounds_left(f->actx, 1), 0);
	ip_change(f, 0, false);
	assert_int_equal(announce_rounds_left(f->actx, 0), 0);
	/* Out of range: ignored. */
	ip_change(f, 7, true);
	assert_int_equal(announce_rounds_left(f->actx, 7), 0);
}

/* Left alone, the rounds end after about 2.2 s (bounded wait: 10 s). */
static void test_rounds_end(void **state)
{
	struct fixture *f = *state;
	struct timeval end = tevent_timeval_current_ofs(10, 0);
	struct timeval now;

	ip_change(f, 1, true);
	while (announce_rounds_left(f->actx, 1) > 0) {
		now = tevent_timeval_current();
		assert_true(tevent_timeval_compare(&now, &end) < 0);
		assert_int_equal(tevent_loop_once(f->ev), 0);
	}
	assert_int_equal(announce_rounds_left(f->actx, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rounds_and_release, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rounds_end, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
