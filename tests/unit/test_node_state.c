/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for node_state: the one owner, and what its observers see. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "noded/node_state.h"
#include "protocol/node_protocol.h"

#define MAX_SEEN 16

/* What one observer saw, copied (the change's strings do not last). */
struct seen {
	enum node_state_what what;
	char *why;
	uint32_t old_flags, new_flags;
	uint32_t old_runstate, new_runstate;
	char *old_reason, *new_reason; /* "(null)" for NULL */
	unsigned ip;
	bool ip_held;
	char *announce;
	int exit_status;
	const char *tag; /* which observer */
};

struct recorder {
	TALLOC_CTX *mem;
	struct seen seen[MAX_SEEN];
	unsigned num;
};

static char *dup_or_null(TALLOC_CTX *mem, const char *s)
{
	return talloc_strdup(mem, s != NULL ? s : "(null)");
}

static void record(struct recorder *r, const struct node_state_change *c,
		   const char *tag)
{
	struct seen *s;

	assert_true(r->num < MAX_SEEN);
	s = &r->seen[r->num++];
	s->what = c->what;
	s->why = talloc_strdup(r->mem, c->why);
	s->old_flags = c->old_flags;
	s->new_flags = c->new_flags;
	s->old_runstate = c->old_runstate;
	s->new_runstate = c->new_runstate;
	s->old_reason = dup_or_null(r->mem, c->old_reason);
	s->new_reason = dup_or_null(r->mem, c->new_reason);
	s->ip = c->ip;
	s->ip_held = c->ip_held;
	s->announce = dup_or_null(r->mem, c->announce);
	s->exit_status = c->exit_status;
	s->tag = tag;
}

static void observer_a(const struct node_state_change *c, void *private_data)
{
	record(private_data, c, "a");
}

static void observer_b(const struct node_state_change *c, void *private_data)
{
	record(private_data, c, "b");
}

struct fixture {
	TALLOC_CTX *mem;
	struct node_state *ns;
	struct recorder rec;
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);

	assert_non_null(f);
	f->mem = f;
	f->rec.mem = f;
	f->ns = node_state_new(f, 3);
	assert_non_null(f->ns);
	assert_non_null(node_state_observe(f, f->ns, observer_a, &f->rec));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

static void test_initial(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(node_state_runstate(f->ns), CTDB_RUNSTATE_UNKNOWN);
	assert_int_equal(node_state_flags(f->ns), CTDB_NODE_FLAGS_UNHEALTHY);
	assert_string_equal(node_state_reason(f->ns),
			    "no monitor event has completed yet");
	assert_int_equal(node_state_num_ips(f->ns), 3);
	assert_int_equal(node_state_num_held(f->ns), 0);
	assert_false(node_state_exiting(f->ns));
	assert_false(node_state_active(f->ns));
	assert_int_equal(f->rec.num, 0);
}

static void test_flags_and_reason(void **state)
{
	struct fixture *f = *state;
	struct seen *s;

	node_state_clear_flags(f->ns, CTDB_NODE_FLAGS_UNHEALTHY, "ok now");
	assert_int_equal(f->rec.num, 1);
	s = &f->rec.seen[0];
	assert_int_equal(s->what, NODE_STATE_FLAGS);
	assert_int_equal(s->old_flags, CTDB_NODE_FLAGS_UNHEALTHY);
	assert_int_equal(s->new_flags, 0);
	assert_string_equal(s->old_reason,
			    "no monitor event has completed yet");
	assert_string_equal(s->new_reason, "(null)");
	assert_string_equal(s->why, "ok now");
	assert_null(node_state_reason(f->ns));

	/* No change, nobody told. */
	node_state_set_flags(f->ns, 0, "again");
	assert_int_equal(f->rec.num, 1);

	node_state_add_flags(f->ns, CTDB_NODE_FLAGS_UNHEALTHY, "disk full");
	assert_int_equal(f->rec.num, 2);
	assert_string_equal(f->rec.seen[1].new_reason, "disk full");
	assert_string_equal(node_state_reason(f->ns), "disk full");

	/* STOPPED on top keeps the reason. */
	node_state_add_flags(f->ns, CTDB_NODE_FLAGS_STOPPED, "admin");
	assert_int_equal(f->rec.num, 3);
	assert_string_equal(f->rec.seen[2].old_reason, "disk full");
	assert_string_equal(f->rec.seen[2].new_reason, "disk full");
	assert_string_equal(node_state_reason(f->ns), "disk full");
	assert_true(node_state_stopped(f->ns));
}

static void test_set_reason(void **state)
{
	struct fixture *f = *state;
	int ret;

	ret = node_state_set_reason(f->ns, "50.service failed: x");
	assert_int_equal(ret, 0);
	assert_int_equal(f->rec.num, 1);
	assert_int_equal(f->rec.seen[0].what, NODE_STATE_REASON);
	assert_string_equal(f->rec.seen[0].old_reason,
			    "no monitor event has completed yet");
	assert_string_equal(f->rec.seen[0].new_reason,
			    "50.service failed: x");
	assert_int_equal(f->rec.seen[0].old_flags, f->rec.seen[0].new_flags);

	/* The same reason again is no change. */
	ret = node_state_set_reason(f->ns, "50.service failed: x");
	assert_int_equal(ret, 0);
	assert_int_equal(f->rec.num, 1);

	/* A healthy node has no reason to set. */
	node_state_clear_flags(f->ns, CTDB_NODE_FLAGS_UNHEALTHY, "ok");
	ret = node_state_set_reason(f->ns, "late");
	assert_int_equal(ret, EINVAL);
	assert_int_equal(f->rec.num, 2);
	assert_null(node_state_reason(f->ns));
}

static void test_runstate(void **state)
{
	struct fixture *f = *state;

	node_state_set_runstate(f->ns, CTDB_RUNSTATE_RUNNING);
	node_state_set_runstate(f->ns, CTDB_RUNSTATE_RUNNING);
	assert_int_equal(f->rec.num, 1);
	assert_int_equal(f->rec.seen[0].what, NODE_STATE_RUNSTATE);
	assert_int_equal(f->rec.seen[0].old_runstate, CTDB_RUNSTATE_UNKNOWN);
	assert_int_equal(f->rec.seen[0].new_runstate, CTDB_RUNSTATE_RUNNING);
	assert_true(node_state_active(f->ns));
	node_state_add_flags(f->ns, CTDB_NODE_FLAGS_STOPPED, "admin");
	assert_false(node_state_active(f->ns));
}

static void test_ips(void **state)
{
	struct fixture *f = *state;

	node_state_ip_held(f->ns, 2, "takeover");
	node_state_ip_held(f->ns, 2, "again");
	node_state_ip_held(f->ns, 3, "out of range");
	assert_int_equal(f->rec.num, 1);
	assert_int_equal(f->rec.seen[0].what, NODE_STATE_IP);
	assert_int_equal(f->rec.seen[0].ip, 2);
	assert_true(f->rec.seen[0].ip_held);
	assert_true(node_state_ip_is_held(f->ns, 2));
	assert_false(node_state_ip_is_held(f->ns, 0));
	assert_false(node_state_ip_is_held(f->ns, 3));
	assert_int_equal(node_state_num_held(f->ns), 1);

	node_state_ip_released(f->ns, 2, "release");
	assert_int_equal(f->rec.num, 2);
	assert_false(f->rec.seen[1].ip_held);
	assert_int_equal(node_state_num_held(f->ns), 0);
}

static void test_announce_tunables_exit(void **state)
{
	struct fixture *f = *state;

	node_state_announce(f->ns, "stopped", "admin");
	node_state_tunables_changed(f->ns, "MonitorInterval");
	node_state_request_exit(f->ns, 0, "SHUTDOWN control");
	assert_false(node_state_exiting(f->ns));
	node_state_request_exit(f->ns, 1, "eventd gone");
	assert_true(node_state_exiting(f->ns));
	assert_int_equal(f->rec.num, 4);
	assert_int_equal(f->rec.seen[0].what, NODE_STATE_ANNOUNCE);
	assert_string_equal(f->rec.seen[0].announce, "stopped");
	assert_int_equal(f->rec.seen[1].what, NODE_STATE_TUNABLES);
	assert_string_equal(f->rec.seen[1].why, "MonitorInterval");
	assert_int_equal(f->rec.seen[2].what, NODE_STATE_EXIT);
	assert_int_equal(f->rec.seen[2].exit_status, 0);
	assert_int_equal(f->rec.seen[3].exit_status, 1);
}

static void test_observers(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *owner = talloc_new(f);
	struct node_state_observer *b;

	b = node_state_observe(owner, f->ns, observer_b, &f->rec);
	assert_non_null(b);
	node_state_set_runstate(f->ns, CTDB_RUNSTATE_INIT);
	assert_int_equal(f->rec.num, 2);
	/* In the order they registered. */
	assert_string_equal(f->rec.seen[0].tag, "a");
	assert_string_equal(f->rec.seen[1].tag, "b");

	/* Freeing the owner unregisters b. */
	talloc_free(owner);
	node_state_set_runstate(f->ns, CTDB_RUNSTATE_SETUP);
	assert_int_equal(f->rec.num, 3);
	assert_string_equal(f->rec.seen[2].tag, "a");
}

static void test_state_goes_first(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct recorder rec = { .mem = mem };
	struct node_state *ns = node_state_new(mem, 0);
	struct node_state_observer *o;

	assert_non_null(ns);
	o = node_state_observe(mem, ns, observer_a, &rec);
	assert_non_null(o);
	/* The observer outlives the state: freeing it later is harmless. */
	talloc_free(ns);
	talloc_free(o);
	talloc_free(mem);
	(void)state;
}

static void test_names(void **state)
{
	assert_string_equal(node_state_name(0), "HEALTHY");
	assert_string_equal(node_state_name(CTDB_NODE_FLAGS_UNHEALTHY),
			    "UNHEALTHY");
	assert_string_equal(node_state_name(CTDB_NODE_FLAGS_UNHEALTHY |
					    CTDB_NODE_FLAGS_STOPPED),
			    "STOPPED");
	assert_string_equal(node_state_name(CTDB_NODE_FLAGS_DELETED),
			    "INACTIVE");
	assert_string_equal(node_state_name(CTDB_NODE_FLAGS_BANNED |
					    CTDB_NODE_FLAGS_STOPPED),
			    "BANNED");
	assert_string_equal(node_state_name(CTDB_NODE_FLAGS_DISCONNECTED |
					    CTDB_NODE_FLAGS_BANNED),
			    "DISCONNECTED");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_initial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags_and_reason, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_reason, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_runstate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_announce_tunables_exit,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_observers, setup,
						teardown),
		cmocka_unit_test(test_state_goes_first),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
