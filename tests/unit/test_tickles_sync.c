/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tickles_sync: the holder sends changed lists once a second; others apply. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "noded/cluster_corosync.h"
#include "noded/noded_private.h"
#include "noded/tickles.h"

/* The corosync glue's send, faked: what would go to the group. */
static char sent[256];
static unsigned num_sent;

void cluster_corosync_send_tickles(struct cluster_corosync *cc,
				   const char *address,
				   const struct ctdb_tickle_list *list)
{
	size_t len = strlen(sent);

	snprintf(sent + len, sizeof(sent) - len, "%s:%u ", address, list->num);
	num_sent++;
}

static struct noded_context *nctx_new(TALLOC_CTX *mem_ctx)
{
	struct noded_context *nctx = talloc_zero(mem_ctx,
						 struct noded_context);
	char *err = NULL;
	int ret;

	assert_non_null(nctx);
	nctx->ev = tevent_context_init(nctx);
	assert_non_null(nctx->ev);
	ret = public_ips_parse(nctx, "test", "10.0.0.1/24 eth0\n"
				"10.0.0.2/24 eth0\n", &nctx->ips, &err);
	assert_int_equal(ret, 0);
	nctx->state = node_state_new(nctx, nctx->ips->num);
	nctx->tickles = tickles_new(nctx, nctx->ips, TICKLES_MAX_PER_IP);
	assert_non_null(nctx->state);
	assert_non_null(nctx->tickles);
	sent[0] = '\0';
	num_sent = 0;
	return nctx;
}

static struct ctdb_tickle_conn conn(const char *src, const char *dst)
{
	struct ctdb_tickle_conn c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(net_endpoint_parse(src, &c.src), 0);
	assert_int_equal(net_endpoint_parse(dst, &c.dst), 0);
	return c;
}

static void test_apply(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct noded_context *nctx = nctx_new(mem_ctx);
	struct ctdb_tickle_conn v[] = {
		conn("192.168.1.1:1", "10.0.0.1:445"),
		conn("192.168.1.2:2", "10.0.0.1:445"),
	};
	struct ctdb_tickle_conn w[] = {
		conn("192.168.1.3:3", "10.0.0.2:445"),
	};
	struct ctdb_tickle_list l1 = { .num = 2, .conn = v };
	struct ctdb_tickle_list l2 = { .num = 1, .conn = w };
	struct cluster_tickles_msg m1 = { "10.0.0.1", &l1 };
	struct cluster_tickles_msg m2 = { "10.0.0.2", &l2 };
	struct cluster_tickles_msg other = { "10.9.9.9", &l2 };
	bool added;

	tickles_sync_apply(nctx, &m1);
	assert_int_equal(tickles_of_ip(nctx->tickles, 0)->num, 2);
	/* Held here: our own list counts, the other's is ignored. */
	node_state_ip_held(nctx->state, 1, "test");
	tickles_sync_apply(nctx, &m2);
	assert_int_equal(tickles_of_ip(nctx->tickles, 1)->num, 0);
	/* An address we do not have: nothing. */
	tickles_sync_apply(nctx, &other);
	assert_int_equal(tickles_of_ip(nctx->tickles, 0)->num, 2);
	assert_int_equal(tickles_add(nctx->tickles, &w[0], &added), 0);
	assert_int_equal(num_sent, 0);
	talloc_free(mem_ctx);
}

/*
 * Run the loop for at least ms milliseconds. The sync's own timer is
 * always there, so each turn ends by the next tick; counts, not times,
 * are asserted.
 */
static void run_for(struct tevent_context *ev, unsigned ms)
{
	struct timeval end = tevent_timeval_current_ofs(ms / 1000,
							(ms % 1000) * 1000);
	struct timeval now = tevent_timeval_current();

	while (tevent_timeval_compare(&now, &end) < 0) {
		(void)tevent_loop_once(ev);
		now = tevent_timeval_current();
	}
}

static void test_send_changed_held(void **state)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct noded_context *nctx = nctx_new(mem_ctx);
	struct ctdb_tickle_conn a = conn("192.168.1.1:1", "10.0.0.1:445");
	struct ctdb_tickle_conn b = conn("192.168.1.2:2", "10.0.0.2:445");
	bool added;

	assert_int_equal(tickles_sync_start(nctx, NULL), 0);
	node_state_ip_held(nctx->state, 0, "test");
	assert_int_equal(tickles_add(nctx->tickles, &a, &added), 0);
	/* Not held here: its list is not ours to send. */
	assert_int_equal(tickles_add(nctx->tickles, &b, &added), 0);
	run_for(nctx->ev, 1300);
	assert_string_equal(sent, "10.0.0.1:1 ");
	/* Nothing changed: nothing more. */
	run_for(nctx->ev, 1100);
	assert_int_equal(num_sent, 1);
	/* Two changes within a second are one message. */
	assert_int_equal(tickles_del(nctx->tickles, &a, &added), 0);
	assert_int_equal(tickles_add(nctx->tickles, &a, &added), 0);
	run_for(nctx->ev, 1100);
	assert_int_equal(num_sent, 2);
	assert_string_equal(sent, "10.0.0.1:1 10.0.0.1:1 ");
	talloc_free(mem_ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_send_changed_held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
