/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the nodeup and nodedown hooks against a fake cluster. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <talloc.h>

#include "noded/noded_private.h"

/* ---------- a fake cluster of three nodes; this one is pnn 0 ---------- */

#define NUM_NODES 3

struct fake_cluster {
	struct cluster_node node[NUM_NODES];
};

static uint32_t fake_this_pnn(void *backend)
{
	return 0;
}

static unsigned fake_num_nodes(void *backend)
{
	return NUM_NODES;
}

static const struct cluster_node *fake_node(void *backend, unsigned i)
{
	struct fake_cluster *fc = backend;

	return &fc->node[i];
}

static int fake_set_this_flags(void *backend, uint32_t flags)
{
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

/* ---------- hooks_queue, recorded instead of sent ---------- */

static char queued[16][128];
static unsigned num_queued;

void hooks_queue(struct hooks_context *n, const char *event,
		 const char *args, const char *reason, json_t *doc)
{
	json_t *member = json_object_get(doc, "member");
	json_int_t pnn = json_integer_value(json_object_get(member, "pnn"));

	assert_true(num_queued < 16);
	/* The document names the node the arguments name. */
	assert_int_equal(strtol(args, NULL, 10), pnn);
	snprintf(queued[num_queued], sizeof(queued[0]), "%s %s", event, args);
	num_queued++;
	json_decref(doc);
}

/* ---------- fixture ---------- */

struct fixture {
	struct noded_context *nctx;
	struct fake_cluster *fc;
	struct hooks_members *hm;
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);
	struct noded_context *nctx;
	const char *addr[NUM_NODES] = { "10.0.0.1", "10.0.0.2", "10.0.0.3" };
	unsigned i;

	assert_non_null(f);
	nctx = talloc_zero(f, struct noded_context);
	assert_non_null(nctx);
	f->fc = talloc_zero(NULL, struct fake_cluster);
	assert_non_null(f->fc);
	for (i = 0; i < NUM_NODES; i++) {
		f->fc->node[i].pnn = i;
		f->fc->node[i].address = addr[i];
		f->fc->node[i].flags = CTDB_NODE_FLAGS_DISCONNECTED;
	}
	nctx->cluster = cluster_new(nctx, &fake_ops, f->fc);
	assert_non_null(nctx->cluster);
	nctx->state = node_state_new(nctx, 0);
	assert_non_null(nctx->state);
	f->nctx = nctx;
	f->hm = hooks_members_new(f, NULL, nctx);
	assert_non_null(f->hm);
	num_queued = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

static void set_flags(struct fixture *f, unsigned pnn, uint32_t flags)
{
	f->fc->node[pnn].flags = flags;
	hooks_members_changed(f->hm);
}

/* ---------- tests ---------- */

/* While INIT, nodes that come are recorded, not announced. */
static void test_init_is_silent(void **state)
{
	struct fixture *f = *state;

	node_state_set_runstate(f->nctx->state, CTDB_RUNSTATE_INIT);
	set_flags(f, 1, 0);
	assert_int_equal(num_queued, 0);

	/* After INIT, node 1 is not news; node 2 is. */
	node_state_set_runstate(f->nctx->state, CTDB_RUNSTATE_SETUP);
	hooks_members_changed(f->hm);
	assert_int_equal(num_queued, 0);
	set_flags(f, 2, CTDB_NODE_FLAGS_UNHEALTHY);
	assert_int_equal(num_queued, 1);
	assert_string_equal(queued[0], "nodeup 2 10.0.0.3");
}

/* Up and down in pnn order; flags other than gone change nothing. */
static void test_up_and_down(void **state)
{
	struct fixture *f = *state;

	node_state_set_runstate(f->nctx->state, CTDB_RUNSTATE_RUNNING);
	f->fc->node[1].flags = 0;
	f->fc->node[2].flags = 0;
	hooks_members_changed(f->hm);
	assert_int_equal(num_queued, 2);
	assert_string_equal(queued[0], "nodeup 1 10.0.0.2");
	assert_string_equal(queued[1], "nodeup 2 10.0.0.3");

	set_flags(f, 1, CTDB_NODE_FLAGS_UNHEALTHY | CTDB_NODE_FLAGS_STOPPED);
	hooks_members_changed(f->hm);
	assert_int_equal(num_queued, 2);

	set_flags(f, 1, CTDB_NODE_FLAGS_DISCONNECTED);
	assert_int_equal(num_queued, 3);
	assert_string_equal(queued[2], "nodedown 1 10.0.0.2");
	set_flags(f, 2, CTDB_NODE_FLAGS_DELETED);
	assert_int_equal(num_queued, 4);
	assert_string_equal(queued[3], "nodedown 2 10.0.0.3");
}

/* This node is never announced to itself. */
static void test_not_this_node(void **state)
{
	struct fixture *f = *state;

	node_state_set_runstate(f->nctx->state, CTDB_RUNSTATE_RUNNING);
	set_flags(f, 0, 0);
	set_flags(f, 0, CTDB_NODE_FLAGS_DISCONNECTED);
	assert_int_equal(num_queued, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_is_silent, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_up_and_down, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_this_node, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
