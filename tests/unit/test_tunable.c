/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the tunables table, tunables_set and the file reader. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>

#include "common/tunable.h"

static char test_dir[PATH_MAX];
static char test_file[PATH_MAX];

static int group_setup(void **pstate)
{
	char tmpl[] = "/tmp/test_tunable.XXXXXX";
	char *dir = mkdtemp(tmpl);

	if (dir == NULL) {
		return -1;
	}
	snprintf(test_dir, sizeof(test_dir), "%s", dir);
	snprintf(test_file, sizeof(test_file), "%s/ctdb.tunables", dir);
	return 0;
}

static int group_teardown(void **pstate)
{
	(void)unlink(test_file);
	return rmdir(test_dir);
}

static void write_file(const char *text)
{
	FILE *f = fopen(test_file, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Every row is sane and sits at the index of its id. */
static void test_table_consistent(void **state)
{
	unsigned i;
	unsigned j;

	for (i = 0; i < TUNABLE_COUNT; i++) {
		const struct tunable_def *d = &tunable_table[i];
		bool unit_ok;

		assert_int_equal(d->id, i);
		assert_non_null(d->name);
		assert_true(d->min <= d->def);
		assert_true(d->def <= d->max);
		unit_ok = (strcmp(d->unit, "seconds") == 0 ||
			   strcmp(d->unit, "milliseconds") == 0 ||
			   strcmp(d->unit, "count") == 0 ||
			   strcmp(d->unit, "boolean") == 0);
		assert_true(unit_ok);
		if (strcmp(d->unit, "boolean") == 0) {
			assert_int_equal(d->min, 0);
			assert_int_equal(d->max, 1);
		}
		assert_non_null(d->help);
		assert_true(strlen(d->help) > 10);
		for (j = 0; j < i; j++) {
			assert_string_not_equal(d->name, tunable_table[j].name);
		}
	}
}

/* CTDB's defaults where CTDB has the tunable, ours otherwise. */
static void test_defaults(void **state)
{
	static const struct {
		const char *name;
		uint32_t def;
		uint32_t min;
	} expect[] = {
		{"MonitorInterval", 15, 1},
		{"EventScriptTimeout", 30, 1},
		{"MonitorTimeoutCount", 20, 1},
		{"MonitorFailCount", 1, 1},
		{"MonitorOkCount", 1, 1},
		{"NoIPFailback", 0, 0},
		{"NoIPTakeover", 0, 0},
		{"NoIPHostOnAllDisabled", 0, 0},
		{"TakeoverTimeout", 9, 1},
		{"StartupRetryInterval", 5, 1},
		{"ClusterHeartbeatInterval", 1000, 100},
		{"ClusterHeartbeatTimeout", 5000, 200},
		{"ClusterTakeoverGrace", 3000, 100},
	};
	struct tunables t;
	unsigned i;

	memset(&t, 0xff, sizeof(t));
	tunables_set_defaults(&t);
	assert_int_equal(sizeof(expect) / sizeof(expect[0]), TUNABLE_COUNT);
	for (i = 0; i < TUNABLE_COUNT; i++) {
		const struct tunable_def *d = tunable_find(expect[i].name);

		assert_non_null(d);
		assert_int_equal(d->def, expect[i].def);
		assert_int_equal(d->min, expect[i].min);
		assert_int_equal(t.value[d->id], expect[i].def);
	}
}

static void test_find(void **state)
{
	const struct tunable_def *d;

	d = tunable_find("MonitorInterval");
	assert_non_null(d);
	assert_int_equal(d->id, TUNABLE_MONITOR_INTERVAL);
	d = tunable_find("noipfailback");
	assert_non_null(d);
	assert_int_equal(d->id, TUNABLE_NO_IP_FAILBACK);
	d = tunable_find("NOIPHOSTONALLDISABLED");
	assert_non_null(d);
	assert_int_equal(d->id, TUNABLE_NO_IP_HOST_ON_ALL_DISABLED);
	assert_null(tunable_find("MonitorIntervalX"));
	assert_null(tunable_find(""));
}

static void test_set(void **state)
{
	static const struct {
		const char *name;
		uint32_t value;
		int ret;
	} rows[] = {
		{"MonitorInterval", 1, 0},
		{"MonitorInterval", 3600, 0},
		{"monitorinterval", 60, 0},
		{"MonitorInterval", 0, ERANGE},
		{"MonitorInterval", 3601, ERANGE},
		{"NoIPFailback", 1, 0},
		{"NoIPFailback", 2, ERANGE},
		{"NoSuchTunable", 1, ENOENT},
	};
	unsigned i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tunables t;
		struct tunables before;
		const struct tunable_def *d;
		int ret;

		tunables_set_defaults(&t);
		before = t;
		ret = tunables_set(&t, rows[i].name, rows[i].value);
		assert_int_equal(ret, rows[i].ret);
		if (ret != 0) {
			assert_memory_equal(&t, &before, sizeof(t));
			continue;
		}
		d = tunable_find(rows[i].name);
		assert_int_equal(t.value[d->id], rows[i].value);
	}
}

struct load_case {
	const char *text;
	int ret;
	const char *errmsg; /* after "<path>:", NULL on success */
	/* on success: these two tunables' values */
	uint32_t monitor_interval;
	uint32_t no_ip_failback;
};

static const struct load_case load_cases[] = {
	{"", 0, NULL, 15, 0},
	{"MonitorInterval=20\n", 0, NULL, 20, 0},
	{"# comment\n\n  MonitorInterval = 25  \n\tNoIPFailback\t=\t1\n", 0,
	 NULL, 25, 1},
	{"MonitorInterval=20\r\nNoIPFailback=1\r\n", 0, NULL, 20, 1},
	{"monitorinterval=7", 0, NULL, 7, 0},
	{"MonitorInterval=20\nMonitorInterval=30\n", 0, NULL, 30, 0},
	{"MonitorInterval=007\n", 0, NULL, 7, 0},
	{"\t# indented comment\r\n\r\nMonitorInterval=5\r\n", 0, NULL, 5, 0},
	/* ';' starts a comment in ctdb.conf, not here. */
	{"; x\n", EINVAL, "1: expected \"Name=Value\", got '; x'", 0, 0},
	{"\r\n  \r\nNoIPFailback=3\r\n", ERANGE,
	 "3: NoIPFailback: value 3 out of range 0..1", 0, 0},
	{"\n\nFooBar=1\n", EINVAL, "3: unknown tunable 'FooBar'", 0, 0},
	{"MonitorInterval=abc\n", EINVAL,
	 "1: MonitorInterval: invalid value 'abc', expected an integer "
	 "from 1 to 3600", 0, 0},
	{"MonitorInterval=\n", EINVAL,
	 "1: MonitorInterval: invalid value '', expected an integer "
	 "from 1 to 3600", 0, 0},
	{"MonitorInterval=-1\n", EINVAL,
	 "1: MonitorInterval: invalid value '-1', expected an integer "
	 "from 1 to 3600", 0, 0},
	{"MonitorInterval=15 # comment\n", EINVAL,
	 "1: MonitorInterval: invalid value '15 # comment', expected an "
	 "integer from 1 to 3600", 0, 0},
	{"MonitorInterval=0\n", ERANGE,
	 "1: MonitorInterval: value 0 out of range 1..3600", 0, 0},
	{"# x\nNoIPFailback=2\n", ERANGE,
	 "2: NoIPFailback: value 2 out of range 0..1", 0, 0},
	{"MonitorInterval=99999999999999999999\n", ERANGE,
	 "1: MonitorInterval: value 99999999999999999999 out of range "
	 "1..3600", 0, 0},
	{"MonitorInterval 20\n", EINVAL,
	 "1: expected \"Name=Value\", got 'MonitorInterval 20'", 0, 0},
	{"=20\n", EINVAL, "1: missing tunable name before '='", 0, 0},
	/* All or nothing: the good first line must not stick. */
	{"MonitorInterval=20\nNoIPFailback=1\nBogus=1\n", EINVAL,
	 "3: unknown tunable 'Bogus'", 0, 0},
};

static void test_load_file(void **state)
{
	unsigned i;

	for (i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
		const struct load_case *c = &load_cases[i];
		TALLOC_CTX *mem = talloc_new(NULL);
		struct tunables t;
		struct tunables before;
		char *errmsg = NULL;
		char *expect;
		int ret;

		assert_non_null(mem);
		write_file(c->text);
		tunables_set_defaults(&t);
		before = t;
		ret = tunables_load_file(mem, test_file, &t, &errmsg);
		assert_int_equal(ret, c->ret);
		if (c->ret == 0) {
			assert_null(errmsg);
			assert_int_equal(t.value[TUNABLE_MONITOR_INTERVAL],
					 c->monitor_interval);
			assert_int_equal(t.value[TUNABLE_NO_IP_FAILBACK],
					 c->no_ip_failback);
		} else {
			expect = talloc_asprintf(mem, "%s:%s", test_file,
						 c->errmsg);
			assert_non_null(errmsg);
			assert_string_equal(errmsg, expect);
			assert_memory_equal(&t, &before, sizeof(t));
		}
		talloc_free(mem);
	}
}

/* The same cases from memory: same results, named after the caller's name. */
static void test_parse_text(void **state)
{
	unsigned i;

	for (i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
		const struct load_case *c = &load_cases[i];
		TALLOC_CTX *mem = talloc_new(NULL);
		struct tunables t;
		struct tunables before;
		char *errmsg = NULL;
		char *expect;
		int ret;

		assert_non_null(mem);
		tunables_set_defaults(&t);
		before = t;
		ret = tunables_parse_text(mem, "text", c->text, &t, &errmsg);
		assert_int_equal(ret, c->ret);
		if (c->ret == 0) {
			assert_null(errmsg);
			assert_int_equal(t.value[TUNABLE_MONITOR_INTERVAL],
					 c->monitor_interval);
			assert_int_equal(t.value[TUNABLE_NO_IP_FAILBACK],
					 c->no_ip_failback);
			/* Nothing is left on mem_ctx. */
			assert_int_equal(talloc_total_blocks(mem), 1);
		} else {
			expect = talloc_asprintf(mem, "text:%s", c->errmsg);
			assert_non_null(errmsg);
			assert_string_equal(errmsg, expect);
			assert_memory_equal(&t, &before, sizeof(t));
		}
		talloc_free(mem);
	}
}

/*
 * ClusterHeartbeatTimeout must exceed ClusterHeartbeatInterval: a file
 * whose lines are each in range but break the rule together is refused
 * whole, and so is a setvar that would break it.
 */
static void test_rule(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct tunables t;
	struct tunables before;
	char *errmsg = NULL;
	int ret;

	assert_non_null(mem);
	tunables_set_defaults(&t);
	before = t;
	ret = tunables_parse_text(mem, "text",
				  "MonitorInterval=3\n"
				  "ClusterHeartbeatInterval=2000\n"
				  "ClusterHeartbeatTimeout=2000\n",
				  &t, &errmsg);
	assert_int_equal(ret, EDOM);
	assert_non_null(errmsg);
	assert_string_equal(errmsg,
			    "text: ClusterHeartbeatTimeout must be larger "
			    "than ClusterHeartbeatInterval "
			    "(ClusterHeartbeatTimeout is 2000, "
			    "ClusterHeartbeatInterval 2000)");
	assert_memory_equal(&t, &before, sizeof(t));

	ret = tunables_set(&t, "ClusterHeartbeatInterval", 5000);
	assert_int_equal(ret, EDOM);
	assert_memory_equal(&t, &before, sizeof(t));
	ret = tunables_set(&t, "ClusterHeartbeatTimeout", 1000);
	assert_int_equal(ret, EDOM);
	assert_memory_equal(&t, &before, sizeof(t));
	ret = tunables_set(&t, "ClusterHeartbeatInterval", 4999);
	assert_int_equal(ret, 0);
	assert_int_equal(t.value[TUNABLE_CLUSTER_HEARTBEAT_INTERVAL], 4999);
	ret = tunables_set(&t, "ClusterHeartbeatTimeout", 100);
	assert_int_equal(ret, ERANGE);
	ret = tunables_check(mem, &t, NULL);
	assert_int_equal(ret, 0);

	/* In the other order, the lines are fine together. */
	tunables_set_defaults(&t);
	ret = tunables_parse_text(mem, "text",
				  "ClusterHeartbeatTimeout=20000\n"
				  "ClusterHeartbeatInterval=10000\n",
				  &t, &errmsg);
	assert_int_equal(ret, 0);
	assert_int_equal(t.value[TUNABLE_CLUSTER_HEARTBEAT_TIMEOUT], 20000);
	talloc_free(mem);
}

/* A missing file leaves the defaults; an unreadable one is an error. */
static void test_load_missing_and_unreadable(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct tunables t;
	struct tunables before;
	char *errmsg = NULL;
	char *missing;
	char *expect;
	int ret;

	assert_non_null(mem);
	tunables_set_defaults(&t);
	t.value[TUNABLE_MONITOR_INTERVAL] = 99;
	before = t;
	missing = talloc_asprintf(mem, "%s/no-such-file", test_dir);
	ret = tunables_load_file(mem, missing, &t, &errmsg);
	assert_int_equal(ret, 0);
	assert_null(errmsg);
	assert_memory_equal(&t, &before, sizeof(t));

	ret = tunables_load_file(mem, test_dir, &t, &errmsg);
	assert_int_equal(ret, EISDIR);
	expect = talloc_asprintf(mem, "%s: %s", test_dir, strerror(EISDIR));
	assert_string_equal(errmsg, expect);
	assert_memory_equal(&t, &before, sizeof(t));
	talloc_free(mem);
}

/* Nothing but the error message is left on mem_ctx after a failure. */
static void test_load_no_leak(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct tunables t;
	char *errmsg = NULL;
	int ret;

	assert_non_null(mem);
	tunables_set_defaults(&t);
	write_file("MonitorInterval=5\nNoIPTakeover=x\n");
	ret = tunables_load_file(mem, test_file, &t, &errmsg);
	assert_int_equal(ret, EINVAL);
	assert_int_equal(talloc_total_blocks(mem), 2);

	write_file("MonitorInterval=5\n");
	/* Success adds nothing either: still mem and the old message. */
	ret = tunables_load_file(mem, test_file, &t, &errmsg);
	assert_int_equal(ret, 0);
	assert_int_equal(talloc_total_blocks(mem), 2);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_consistent),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_parse_text),
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_load_missing_and_unreadable),
		cmocka_unit_test(test_load_no_leak),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
