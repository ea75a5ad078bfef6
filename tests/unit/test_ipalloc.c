/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for ipalloc: node states and a current map in, a new map out. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "noded/ipalloc.h"
#include "protocol/node_protocol.h"

/*
 * One row is one situation, written as CTDB's takeover tests write them:
 * per-node flags ("0,UNHEALTHY,STOPPED", flags joined with '|'), per-IP
 * current and expected pnns (-1 for none), and per-IP can_host strings of
 * one digit per node ("110": nodes 0 and 1 have the IP configured).
 */
struct alloc_case {
	const char *name;
	const char *flags;
	const char *pnns;        /* per node; NULL means 0, 1, 2, ... */
	const char *no_takeover; /* per node NoIPTakeover; NULL: all 0 */
	bool no_ip_failback;
	bool no_ip_host_on_all_disabled;
	const char *current;
	const char *can_host;    /* per IP; NULL: every node */
	const char *expected;
};

static const struct alloc_case cases[] = {
	{
		.name = "all healthy and balanced: nothing moves",
		.flags = "0,0,0",
		.current = "0,1,2,0,1,2",
		.expected = "0,1,2,0,1,2",
	},
	{
		.name = "all healthy, nothing assigned yet: round robin",
		.flags = "0,0,0",
		.current = "-1,-1,-1,-1,-1,-1",
		.expected = "0,1,2,0,1,2",
	},
	{
		.name = "one unhealthy node loses its IPs to the healthy ones",
		.flags = "UNHEALTHY,0,0",
		.current = "0,1,2,0,1,2",
		.expected = "1,1,2,2,1,2",
	},
	{
		.name = "releasing an unhealthy node is not failback",
		.flags = "UNHEALTHY,0,0",
		.no_ip_failback = true,
		.current = "0,1,2,0,1,2",
		.expected = "1,1,2,2,1,2",
	},
	{
		.name = "PERMANENTLY_DISABLED counts as unhealthy",
		.flags = "PERMANENTLY_DISABLED,0",
		.current = "0,0",
		.expected = "1,1",
	},
	{
		.name = "all unhealthy: IPs stay where they are (default)",
		.flags = "UNHEALTHY,UNHEALTHY,UNHEALTHY",
		.current = "0,1,2",
		.expected = "0,1,2",
	},
	{
		.name = "all unhealthy: unassigned IPs are still placed",
		.flags = "UNHEALTHY,UNHEALTHY,UNHEALTHY",
		.current = "-1,-1,-1",
		.expected = "0,1,2",
	},
	{
		.name = "all unhealthy, NoIPHostOnAllDisabled: all released",
		.flags = "UNHEALTHY,UNHEALTHY,UNHEALTHY",
		.no_ip_host_on_all_disabled = true,
		.current = "0,1,2",
		.expected = "-1,-1,-1",
	},
	{
		.name = "NoIPHostOnAllDisabled changes nothing while one is "
			"healthy",
		.flags = "UNHEALTHY,0,UNHEALTHY",
		.no_ip_host_on_all_disabled = true,
		.current = "0,1,2",
		.expected = "1,1,1",
	},
	{
		.name = "a stopped node hosts nothing, even if all others are "
			"unhealthy",
		.flags = "STOPPED,UNHEALTHY,UNHEALTHY",
		.current = "0,0,1,2",
		.expected = "1,2,1,2",
	},
	{
		.name = "stopped plus all unhealthy with NoIPHostOnAllDisabled",
		.flags = "STOPPED,UNHEALTHY,UNHEALTHY",
		.no_ip_host_on_all_disabled = true,
		.current = "0,0,1,2",
		.expected = "-1,-1,-1,-1",
	},
	{
		.name = "banned, disconnected and deleted nodes host nothing",
		.flags = "BANNED,DISCONNECTED,DELETED|UNHEALTHY,0",
		.current = "0,1,2,3",
		.expected = "3,3,3,3",
	},
	{
		.name = "every node inactive: nothing hosted",
		.flags = "STOPPED,BANNED",
		.current = "0,1",
		.expected = "-1,-1",
	},
	{
		.name = "single healthy node takes everything",
		.flags = "0",
		.current = "-1,-1",
		.expected = "0,0",
	},
	{
		.name = "single unhealthy node keeps its IPs (default)",
		.flags = "UNHEALTHY",
		.current = "0,0",
		.expected = "0,0",
	},
	{
		.name = "single unhealthy node still takes unassigned IPs",
		.flags = "UNHEALTHY",
		.current = "-1,-1",
		.expected = "0,0",
	},
	{
		.name = "single unhealthy node NoIPHostOnAllDisabled: released",
		.flags = "UNHEALTHY",
		.no_ip_host_on_all_disabled = true,
		.current = "0,0",
		.expected = "-1,-1",
	},
	{
		.name = "NoIPFailback: node 2 is back but gets nothing back",
		.flags = "0,0,0",
		.no_ip_failback = true,
		.current = "0,1,0,1,0,1",
		.expected = "0,1,0,1,0,1",
	},
	{
		.name = "without NoIPFailback node 2 gets its share back",
		.flags = "0,0,0",
		.current = "0,1,0,1,0,1",
		.expected = "0,1,0,1,2,2",
	},
	{
		.name = "NoIPFailback still places new IPs on the least loaded",
		.flags = "0,0,0",
		.no_ip_failback = true,
		.current = "0,0,0,-1,-1",
		.expected = "0,0,0,1,2",
	},
	{
		.name = "balanced to within one IP, not exactly",
		.flags = "0,0,0",
		.current = "0,0,0,0,0",
		.expected = "0,0,1,2,1",
	},
	{
		.name = "the busiest node gives first, its highest IP first",
		.flags = "0,0,0",
		.current = "0,0,0,0,1,1",
		.expected = "0,0,2,2,1,1",
	},
	{
		.name = "NoIPTakeover: the node takes nothing new",
		.flags = "0,0,0",
		.no_takeover = "0,0,1",
		.current = "-1,-1,-1,-1,-1,-1",
		.expected = "0,1,0,1,0,1",
	},
	{
		.name = "NoIPTakeover: the node keeps what it has",
		.flags = "0,0,0",
		.no_takeover = "0,0,1",
		.no_ip_failback = true,
		.current = "2,2,2",
		.expected = "2,2,2",
	},
	{
		.name = "NoIPTakeover does not stop balancing off the node",
		.flags = "0,0,0",
		.no_takeover = "0,0,1",
		.current = "2,2,2",
		.expected = "2,1,0",
	},
	{
		.name = "NoIPTakeover everywhere: unassigned IPs stay so",
		.flags = "0,0",
		.no_takeover = "1,1",
		.current = "0,-1",
		.expected = "0,-1",
	},
	{
		.name = "IPs configured on only some nodes",
		.flags = "0,0,0",
		.current = "-1,-1,-1,-1",
		.can_host = "110,110,011,001",
		.expected = "0,1,2,2",
	},
	{
		.name = "an IP no node has configured stays unassigned",
		.flags = "0,0",
		.current = "-1,-1",
		.can_host = "11,00",
		.expected = "0,-1",
	},
	{
		.name = "an IP leaves a node that no longer has it configured",
		.flags = "0,0",
		.current = "0,0",
		.can_host = "01,11",
		.expected = "1,0",
	},
	{
		.name = "the IP's only node unhealthy, another healthy: none",
		.flags = "UNHEALTHY,0",
		.current = "0",
		.can_host = "10",
		.expected = "-1",
	},
	{
		.name = "ties go to the lowest pnn, not the lowest index",
		.flags = "0,0,0",
		.pnns = "5,3,4",
		.current = "-1,-1,-1",
		.expected = "3,4,5",
	},
	{
		.name = "a current pnn that is not a node counts as unassigned",
		.flags = "0,0",
		.current = "7,-1",
		.expected = "0,1",
	},
	{
		.name = "no nodes: nothing hosted",
		.flags = "",
		.current = "-1",
		.can_host = "",
		.expected = "-1",
	},
	{
		.name = "no IPs",
		.flags = "0,0",
		.current = "",
		.expected = "",
	},
};

/* Split a comma-separated list; "" gives no items. */
static char **split(TALLOC_CTX *mem, const char *text, unsigned *num)
{
	char *copy = talloc_strdup(mem, text);
	char **items = talloc_array(mem, char *, strlen(text) + 1);
	char *save = NULL;
	char *tok;
	unsigned n = 0;

	assert_non_null(copy);
	assert_non_null(items);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		items[n++] = tok;
	}
	*num = n;
	return items;
}

static uint32_t parse_flags(const char *text)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{"DISCONNECTED", CTDB_NODE_FLAGS_DISCONNECTED},
		{"UNHEALTHY", CTDB_NODE_FLAGS_UNHEALTHY},
		{"PERMANENTLY_DISABLED", CTDB_NODE_FLAGS_PERMANENTLY_DISABLED},
		{"BANNED", CTDB_NODE_FLAGS_BANNED},
		{"DELETED", CTDB_NODE_FLAGS_DELETED},
		{"STOPPED", CTDB_NODE_FLAGS_STOPPED},
	};
	uint32_t flags = 0;
	const char *s = text;

	if (strcmp(text, "0") == 0) {
		return 0;
	}
	while (*s != '\0') {
		size_t len = strcspn(s, "|");
		bool found = false;
		unsigned i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (strlen(names[i].name) == len &&
			    strncmp(names[i].name, s, len) == 0) {
				flags |= names[i].bit;
				found = true;
			}
		}
		if (!found) {
			fail_msg("unknown flag in '%s'", text);
		}
		s += len;
		if (*s == '|') {
			s++;
		}
	}
	return flags;
}

struct alloc_input {
	struct ipalloc_node *nodes;
	unsigned num_nodes;
	struct ipalloc_ip *ips;
	unsigned num_ips;
	struct ipalloc_options opts;
};

static void build_nodes(TALLOC_CTX *mem, const struct alloc_case *c,
			struct alloc_input *in)
{
	char **flags = split(mem, c->flags, &in->num_nodes);
	char **pnns = NULL;
	char **no_takeover = NULL;
	unsigned n;
	unsigned i;

	in->nodes = talloc_zero_array(mem, struct ipalloc_node,
				      in->num_nodes);
	assert_non_null(in->nodes);
	if (c->pnns != NULL) {
		pnns = split(mem, c->pnns, &n);
		assert_int_equal(n, in->num_nodes);
	}
	if (c->no_takeover != NULL) {
		no_takeover = split(mem, c->no_takeover, &n);
		assert_int_equal(n, in->num_nodes);
	}
	for (i = 0; i < in->num_nodes; i++) {
		in->nodes[i].pnn = (pnns != NULL) ? atoi(pnns[i]) : i;
		in->nodes[i].flags = parse_flags(flags[i]);
		in->nodes[i].no_ip_takeover =
			(no_takeover != NULL && atoi(no_takeover[i]) != 0);
	}
}

static void build_ips(TALLOC_CTX *mem, const struct alloc_case *c,
		      struct alloc_input *in)
{
	char **current = split(mem, c->current, &in->num_ips);
	char **can_host = NULL;
	unsigned n;
	unsigned i;
	unsigned j;

	in->ips = talloc_zero_array(mem, struct ipalloc_ip, in->num_ips);
	assert_non_null(in->ips);
	if (c->can_host != NULL) {
		can_host = split(mem, c->can_host, &n);
		/* "" splits to nothing: a row of zero nodes. */
		if (in->num_nodes > 0) {
			assert_int_equal(n, in->num_ips);
		}
	}
	for (i = 0; i < in->num_ips; i++) {
		bool *ch = talloc_array(in->ips, bool, in->num_nodes + 1);

		assert_non_null(ch);
		in->ips[i].address = talloc_asprintf(in->ips, "10.0.0.%u", i);
		in->ips[i].current_pnn = atoi(current[i]);
		for (j = 0; j < in->num_nodes; j++) {
			ch[j] = true;
			if (can_host != NULL) {
				assert_int_equal(strlen(can_host[i]),
						 in->num_nodes);
				ch[j] = (can_host[i][j] == '1');
			}
		}
		in->ips[i].can_host = ch;
	}
}

static char *render(TALLOC_CTX *mem, const int32_t *pnns, unsigned num)
{
	char *s = talloc_strdup(mem, "");
	unsigned i;

	for (i = 0; i < num; i++) {
		s = talloc_asprintf_append(s, "%s%d", i > 0 ? "," : "",
					   (int)pnns[i]);
	}
	assert_non_null(s);
	return s;
}

static void check_invariants(const struct alloc_input *in,
			     const int32_t *out);

static void run_case(const struct alloc_case *c)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct alloc_input in = {0};
	int32_t *out1 = NULL;
	int32_t *out2 = NULL;
	char *got;
	int ret;

	assert_non_null(mem);
	build_nodes(mem, c, &in);
	build_ips(mem, c, &in);
	in.opts.no_ip_failback = c->no_ip_failback;
	in.opts.no_ip_host_on_all_disabled = c->no_ip_host_on_all_disabled;

	ret = ipalloc(mem, in.nodes, in.num_nodes, in.ips, in.num_ips,
		      &in.opts, &out1);
	assert_int_equal(ret, 0);
	assert_non_null(out1);
	got = render(mem, out1, in.num_ips);
	if (strcmp(got, c->expected) != 0) {
		fail_msg("%s: got %s, expected %s", c->name, got,
			 c->expected);
	}
	if (c->pnns == NULL) {
		check_invariants(&in, out1);
	}

	/* Determinism: the same input gives the same output. */
	ret = ipalloc(mem, in.nodes, in.num_nodes, in.ips, in.num_ips,
		      &in.opts, &out2);
	assert_int_equal(ret, 0);
	assert_string_equal(render(mem, out2, in.num_ips), got);
	talloc_free(mem);
}

static void test_table(void **state)
{
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(&cases[i]);
	}
}

/*
 * The rules restated independently of the implementation, checked on
 * many generated inputs: this catches what no hand-written row covers.
 */
static bool spec_may_host(const struct alloc_input *in, unsigned n)
{
	uint32_t disabled = CTDB_NODE_FLAGS_UNHEALTHY |
			    CTDB_NODE_FLAGS_PERMANENTLY_DISABLED;
	bool any_healthy = false;
	unsigned i;

	if ((in->nodes[n].flags & CTDB_NODE_FLAGS_INACTIVE) != 0) {
		return false;
	}
	if ((in->nodes[n].flags & disabled) == 0) {
		return true;
	}
	for (i = 0; i < in->num_nodes; i++) {
		uint32_t f = in->nodes[i].flags;

		if ((f & (CTDB_NODE_FLAGS_INACTIVE | disabled)) == 0) {
			any_healthy = true;
		}
	}
	return !any_healthy && !in->opts.no_ip_host_on_all_disabled;
}

static bool spec_can_keep(const struct alloc_input *in, unsigned ip,
			  unsigned n)
{
	return spec_may_host(in, n) && in->ips[ip].can_host[n];
}

static bool spec_can_take(const struct alloc_input *in, unsigned ip,
			  unsigned n)
{
	return spec_can_keep(in, ip, n) && !in->nodes[n].no_ip_takeover;
}

static void check_invariants(const struct alloc_input *in,
			     const int32_t *out)
{
	unsigned count[8] = {0};
	unsigned ip;
	unsigned n;

	for (ip = 0; ip < in->num_ips; ip++) {
		int32_t cur = in->ips[ip].current_pnn;
		bool kept = (cur >= 0 && cur < (int32_t)in->num_nodes &&
			     spec_can_keep(in, ip, (unsigned)cur));

		if (out[ip] == -1) {
			/* Unassigned only if nobody may have it. */
			assert_false(kept);
			for (n = 0; n < in->num_nodes; n++) {
				assert_false(spec_can_take(in, ip, n));
			}
			continue;
		}
		assert_in_range(out[ip], 0, in->num_nodes - 1);
		count[out[ip]]++;
		if (out[ip] != cur) {
			/* A new host must be allowed to take the IP. */
			assert_true(spec_can_take(in, ip, out[ip]));
		} else {
			assert_true(spec_can_keep(in, ip, out[ip]));
		}
		if (kept && in->opts.no_ip_failback) {
			assert_int_equal(out[ip], cur);
		}
	}
	if (in->opts.no_ip_failback) {
		return;
	}
	/* Balanced: no IP could move to a node with two fewer. */
	for (ip = 0; ip < in->num_ips; ip++) {
		if (out[ip] == -1) {
			continue;
		}
		for (n = 0; n < in->num_nodes; n++) {
			if (spec_can_take(in, ip, n)) {
				assert_true(count[out[ip]] <= count[n] + 1);
			}
		}
	}
}

/* A fixed-seed generator, so a failure can be reproduced exactly. */
static unsigned next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245U + 12345U;
	return (*seed >> 16) & 0x7fff;
}

static void random_input(TALLOC_CTX *mem, unsigned *seed,
			 struct alloc_input *in)
{
	static const uint32_t flag_choices[] = {
		0, 0, 0, CTDB_NODE_FLAGS_UNHEALTHY, CTDB_NODE_FLAGS_STOPPED,
		CTDB_NODE_FLAGS_BANNED, CTDB_NODE_FLAGS_PERMANENTLY_DISABLED,
	};
	unsigned nflags = sizeof(flag_choices) / sizeof(flag_choices[0]);
	unsigned i;
	unsigned j;

	in->num_nodes = 1 + next_rand(seed) % 8;
	in->num_ips = next_rand(seed) % 20;
	in->nodes = talloc_zero_array(mem, struct ipalloc_node, in->num_nodes);
	in->ips = talloc_zero_array(mem, struct ipalloc_ip, in->num_ips + 1);
	assert_non_null(in->nodes);
	assert_non_null(in->ips);
	for (i = 0; i < in->num_nodes; i++) {
		in->nodes[i].pnn = i;
		in->nodes[i].flags = flag_choices[next_rand(seed) % nflags];
		in->nodes[i].no_ip_takeover = (next_rand(seed) % 5 == 0);
	}
	for (i = 0; i < in->num_ips; i++) {
		bool *ch = talloc_array(in->ips, bool, in->num_nodes);

		assert_non_null(ch);
		for (j = 0; j < in->num_nodes; j++) {
			ch[j] = (next_rand(seed) % 4 != 0);
		}
		in->ips[i].can_host = ch;
		in->ips[i].current_pnn =
			(int32_t)(next_rand(seed) % (in->num_nodes + 2)) - 1;
	}
	in->opts.no_ip_failback = (next_rand(seed) % 2 == 0);
	in->opts.no_ip_host_on_all_disabled = (next_rand(seed) % 3 == 0);
}

static void test_invariants(void **state)
{
	unsigned seed = 42;
	unsigned round;

	for (round = 0; round < 2000; round++) {
		TALLOC_CTX *mem = talloc_new(NULL);
		struct alloc_input in = {0};
		int32_t *out1 = NULL;
		int32_t *out2 = NULL;
		int ret;

		assert_non_null(mem);
		random_input(mem, &seed, &in);
		ret = ipalloc(mem, in.nodes, in.num_nodes, in.ips, in.num_ips,
			      &in.opts, &out1);
		assert_int_equal(ret, 0);
		check_invariants(&in, out1);
		ret = ipalloc(mem, in.nodes, in.num_nodes, in.ips, in.num_ips,
			      &in.opts, &out2);
		assert_int_equal(ret, 0);
		assert_memory_equal(out1, out2, in.num_ips * sizeof(int32_t));
		talloc_free(mem);
	}
}

/* The result is the only thing left on mem_ctx, and the input is const. */
static void test_ownership(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct ipalloc_node nodes[2] = {
		{.pnn = 0, .flags = 0},
		{.pnn = 1, .flags = CTDB_NODE_FLAGS_UNHEALTHY},
	};
	bool all[2] = {true, true};
	struct ipalloc_ip ips[2] = {
		{.address = "10.0.0.1", .current_pnn = 1, .can_host = all},
		{.address = "10.0.0.2", .current_pnn = -1, .can_host = all},
	};
	struct ipalloc_options opts = {0};
	int32_t *out = NULL;
	int ret;

	assert_non_null(mem);
	ret = ipalloc(mem, nodes, 2, ips, 2, &opts, &out);
	assert_int_equal(ret, 0);
	assert_ptr_equal(talloc_parent(out), mem);
	assert_int_equal(talloc_total_blocks(mem), 2);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 0);
	assert_int_equal(ips[0].current_pnn, 1);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_invariants),
		cmocka_unit_test(test_ownership),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
