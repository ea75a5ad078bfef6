/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for takeover runs: event order, failures, stop and continue. */
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

/* ---------- a fake cluster: one node, pnn 3, flags published ---------- */

struct fake_cluster {
	struct cluster_node node;
	unsigned published; /* set_this_flags calls */
};

static uint32_t fake_this_pnn(void *backend)
{
	struct fake_cluster *fc = backend;

	return fc->node.pnn;
}

static unsigned fake_num_nodes(void *backend)
{
	return 1;
}

static const struct cluster_node *fake_node(void *backend, unsigned i)
{
	struct fake_cluster *fc = backend;

	return &fc->node;
}

static int fake_set_this_flags(void *backend, uint32_t flags)
{
	struct fake_cluster *fc = backend;

	fc->node.flags = flags;
	fc->published += 1;
	return 0;
}

static const struct cluster_ops fake_ops = {
	.name = "fake",
	.this_pnn = fake_this_pnn,
	.leader = fake_this_pnn,
	.num_nodes = fake_num_nodes,
	.node = fake_node,
	.set_this_flags = fake_set_this_flags,
};

/* ---------- fixture: a RUNNING, healthy node with 2 IPs ---------- */

struct fixture {
	struct tevent_context *ev;
	struct noded_context *nctx;
	struct fake_cluster *fc;
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);
	struct noded_context *nctx;
	char *errmsg = NULL;
	int ret;

	assert_non_null(f);
	f->ev = tevent_context_init(f);
	assert_non_null(f->ev);
	nctx = talloc_zero(f, struct noded_context);
	assert_non_null(nctx);
	nctx->ev = f->ev;
	tunables_set_defaults(&nctx->tunables);
	ret = public_ips_parse(nctx, "test", "10.0.0.1/24 eth0\n"
					     "10.0.0.2/24 eth1,eth0\n",
			       &nctx->ips, &errmsg);
	assert_int_equal(ret, 0);
	f->fc = talloc_zero(NULL, struct fake_cluster);
	assert_non_null(f->fc);
	f->fc->node.pnn = 3;
	f->fc->node.address = "192.0.2.3";
	nctx->cluster = cluster_new(nctx, &fake_ops, f->fc);
	assert_non_null(nctx->cluster);
	nctx->state = node_state_new(nctx, nctx->ips->num);
	assert_non_null(nctx->state);
	nctx->takeover = takeover_init(nctx, nctx);
	assert_non_null(nctx->takeover);
	/* The trigger, as noded.c registers it. */
	assert_non_null(node_state_observe(nctx, nctx->state,
					   takeover_observer,
					   nctx->takeover));
	f->nctx = nctx;
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

static void tick(struct tevent_context *ev, struct tevent_timer *te,
		 struct timeval now, void *private_data)
{
}

/* Turn the loop until nothing is left to do (all fakes reply at once). */
static void settle(struct fixture *f)
{
	unsigned i;

	for (i = 0; i < 200; i++) {
		struct timeval soon = tevent_timeval_current_ofs(0, 1000);
		TALLOC_CTX *turn = talloc_new(f);
		struct tevent_timer *te;

		/*
		 * A bounded turn: the timer ends it when nothing else runs.
		 * It hangs off turn, as tevent frees it once it fired.
		 */
		te = tevent_add_timer(f->ev, turn, soon, tick, NULL);
		assert_non_null(te);
		assert_int_equal(tevent_loop_once(f->ev), 0);
		talloc_free(turn);
	}
}

static void start_running_healthy(struct fixture *f)
{
	node_state_clear_flags(f->nctx->state, CTDB_NODE_FLAGS_UNHEALTHY,
			       "monitor event OK");
	node_state_set_runstate(f->nctx->state, CTDB_RUNSTATE_RUNNING);
	settle(f);
}

static void test_takes_in_order(void **state)
{
	struct fixture *f = *state;

	start_running_healthy(f);
	/* Two requests (flags, then RUNNING) made one run: nothing held. */
	assert_string_equal(fake_event_log(),
			    "startrecovery\n"
			    "takeip eth0 10.0.0.1 24\n"
			    "takeip eth1 10.0.0.2 24\n"
			    "recovered\n"
			    "ipreallocated\n");
	assert_int_equal(node_state_num_held(f->nctx->state), 2);
}

static void test_not_running_takes_nothing(void **state)
{
	struct fixture *f = *state;

	node_state_clear_flags(f->nctx->state, CTDB_NODE_FLAGS_UNHEALTHY,
			       "monitor event OK");
	settle(f);
	assert_string_equal(fake_event_log(), "");
}

static void test_unhealthy_releases_first(void **state)
{
	struct fixture *f = *state;

	start_running_healthy(f);
	fake_event_reset();
	node_state_add_flags(f->nctx->state, CTDB_NODE_FLAGS_UNHEALTHY,
			     "50.service failed");
	settle(f);
	/* NoIPHostOnAllDisabled=0: an UNHEALTHY only node keeps its IPs. */
	assert_string_equal(fake_event_log(),
			    "startrecovery\nrecovered\nipreallocated\n");
	f->nctx->tunables.value[TUNABLE_NO_IP_HOST_ON_ALL_DISABLED] = 1;
	fake_event_reset();
	node_state_clear_flags(f->nctx->state, CTDB_NODE_FLAGS_UNHEALTHY, "ok");
	node_state_add_flags(f->nctx->state, CTDB_NODE_FLAGS_UNHEALTHY,
			     "50.service failed");
	settle(f);
	assert_string_equal(fake_event_log(),
			    "startrecovery\n"
			    "releaseip eth0 10.0.0.1 24\n"
			    "releaseip eth1 10.0.0.2 24\n"
			    "recovered\n"
			    "ipreallocated\n");
	assert_int_equal(node_state_num_held(f->nctx->state), 0);
}

static void test_stop_and_continue(void **state)
{
	struct fixture *f = *state;

	start_running_healthy(f);
	fake_event_reset();
	node_state_add_flags(f->nctx->state, CTDB_NODE_FLAGS_STOPPED,
			     "stopped by the administrator");
	settle(f);
	assert_string_equal(fake_event_log(),
			    "startrecovery\n"
			    "releaseip eth0 10.0.0.1 24\n"
			    "releaseip eth1 10.0.0.2 24\n"
			    "recovered\n"
			    "ipreallocated\n");
	assert_int_equal(node_state_num_held(f->nctx->state), 0);

	fake_event_reset();
	node_state_clear_flags(f->nctx->state, CTDB_NODE_FLAGS_STOPPED,
			       "continued by the administrator");
	settle(f);
	assert_string_equal(fake_event_log(),
			    "startrecovery\n"
			    "takeip eth0 10.0.0.1 24\n"
			    "takeip eth1 10.0.0.2 24\n"
			    "recovered\n"
			    "ipreallocated\n");
	assert_int_equal(node_state_num_held(f->nctx->state), 2);
}

static void test_failed_takeip(void **state)
{
	struct fixture *f = *state;

	fake_event_result("takeip", ENOEXEC);
	start_running_healthy(f);
	/* The run goes on; the IPs are not held, the next run retries. */
	assert_string_equal(fake_event_log(),
			    "startrecovery\n"
			    "takeip eth0 10.0.0.1 24\n"
			    "takeip eth1 10.0.0.2 24\n"
			    "recovered\n"
			    "ipreallocated\n");
	assert_int_equal(node_state_num_held(f->nctx->state), 0);
}

static void test_failed_releaseip(void **state)
{
	struct fixture *f = *state;

	start_running_healthy(f);
	fake_event_result("releaseip", ENOEXEC);
	node_state_add_flags(f->nctx->state, CTDB_NODE_FLAGS_STOPPED,
			     "stopped by the administrator");
	settle(f);
	/* Nothing says the addresses are gone: still held. */
	assert_int_equal(node_state_num_held(f->nctx->state), 2);
	assert_true(node_state_ip_is_held(f->nctx->state, 0));
}

static void test_send_error(void **state)
{
	struct fixture *f = *state;

	fake_event_send_error(ENOTCONN);
	start_running_healthy(f);
	assert_int_equal(node_state_num_held(f->nctx->state), 0);
	fake_event_send_error(0);
}

static void test_release_all(void **state)
{
	struct fixture *f = *state;
	struct tevent_req *req;
	bool ok;
	int err = 0;

	start_running_healthy(f);
	fake_event_reset();
	req = takeover_release_all_send(f, f->ev, f->nctx->takeover);
	assert_non_null(req);
	ok = tevent_req_poll(req, f->ev);
	assert_true(ok);
	assert_true(takeover_release_all_recv(req, &err));
	talloc_free(req);
	assert_string_equal(fake_event_log(),
			    "releaseip eth0 10.0.0.1 24\n"
			    "releaseip eth1 10.0.0.2 24\n");
	assert_int_equal(node_state_num_held(f->nctx->state), 0);
}

/*
 * setifacelink: an address whose every interface is down leaves, one with
 * another interface up stays; the link back up brings it back.
 */
/* setifacelink as control.c serves it: a change asks for a run. */
static int set_link(struct fixture *f, const struct ctdb_var *var)
{
	bool changed;
	int ret = iface_link_set(f->nctx, var, &changed);

	if (ret == 0 && changed) {
		takeover_request(f->nctx->takeover, "interface link changed");
	}
	return ret;
}

static void test_link_down_moves_address(void **state)
{
	struct fixture *f = *state;
	struct ctdb_var eth0_down = { .name = "eth0", .value = 0 };
	struct ctdb_var eth0_up = { .name = "eth0", .value = 1 };
	struct ctdb_var unknown = { .name = "eth9", .value = 0 };
	struct ctdb_var sideways = { .name = "eth0", .value = 2 };
	struct ctdb_var_list *links = NULL;

	start_running_healthy(f);
	fake_event_reset();
	assert_int_equal(set_link(f, &unknown), ENOENT);
	assert_int_equal(set_link(f, &sideways), EINVAL);
	assert_int_equal(set_link(f, &eth0_down), 0);
	settle(f);
	assert_string_equal(fake_event_log(),
			    "startrecovery\n"
			    "releaseip eth0 10.0.0.1 24\n"
			    "recovered\n"
			    "ipreallocated\n");
	assert_int_equal(node_state_num_held(f->nctx->state), 1);

	assert_int_equal(iface_link_list(f, f->nctx, &links), 0);
	assert_int_equal(links->num, 2);
	assert_string_equal(links->var[0].name, "eth0");
	assert_int_equal(links->var[0].value, 0);
	assert_string_equal(links->var[1].name, "eth1");
	assert_int_equal(links->var[1].value, 1);

	/* Already down: no change, no run. */
	fake_event_reset();
	assert_int_equal(set_link(f, &eth0_down), 0);
	settle(f);
	assert_string_equal(fake_event_log(), "");

	assert_int_equal(set_link(f, &eth0_up), 0);
	settle(f);
	assert_string_equal(fake_event_log(),
			    "startrecovery\n"
			    "takeip eth0 10.0.0.1 24\n"
			    "recovered\n"
			    "ipreallocated\n");
	assert_int_equal(node_state_num_held(f->nctx->state), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_takes_in_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_running_takes_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unhealthy_releases_first,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_continue, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_takeip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_releaseip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_send_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_release_all, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_link_down_moves_address,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
