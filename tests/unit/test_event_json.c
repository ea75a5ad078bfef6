/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/protocol/event_json.c: every shape, compared exactly. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/event_json.h"
#include "protocol/node_protocol_api.h"

/* 2023-11-14T22:13:20Z */
#define T0 1700000000

/* Compact dump of j (which is released), compared with expected. */
static void check_json(json_t *j, const char *expected)
{
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	assert_non_null(s);
	assert_string_equal(s, expected);
	free(s);
}

static void test_time(void **state)
{
	struct timeval tv = { .tv_sec = T0, .tv_usec = 123456 };
	char buf[CTDB_JSON_TIME_LEN];

	assert_string_equal(ctdb_json_time_format(&tv, buf),
			    "2023-11-14T22:13:20.123456Z");
	tv = (struct timeval){ .tv_sec = 0, .tv_usec = 0 };
	assert_string_equal(ctdb_json_time_format(&tv, buf),
			    "1970-01-01T00:00:00.000000Z");
	/* A broken peer's microseconds are not printed as such. */
	tv = (struct timeval){ .tv_sec = T0, .tv_usec = 1000000 };
	assert_string_equal(ctdb_json_time_format(&tv, buf),
			    "2023-11-14T22:13:20.000000Z");
	tv = (struct timeval){ .tv_sec = T0, .tv_usec = -1 };
	assert_string_equal(ctdb_json_time_format(&tv, buf),
			    "2023-11-14T22:13:20.000000Z");
	tv = (struct timeval){ .tv_sec = T0 + 1, .tv_usec = 7 };
	check_json(ctdb_json_time(&tv), "\"2023-11-14T22:13:21.000007Z\"");
	(void)state;
}

static void test_result_words(void **state)
{
	assert_string_equal(ctdb_event_result_word(0), "OK");
	assert_string_equal(ctdb_event_result_word(1), "ERROR");
	assert_string_equal(ctdb_event_result_word(255), "ERROR");
	assert_string_equal(ctdb_event_result_word(-ENOEXEC), "DISABLED");
	assert_string_equal(ctdb_event_result_word(-ETIMEDOUT), "TIMEDOUT");
	/* CTDB shows a cancelled script as CANNOT RUN too. */
	assert_string_equal(ctdb_event_result_word(-ECANCELED), "CANNOT RUN");
	assert_string_equal(ctdb_event_result_word(-EPERM), "CANNOT RUN");
	assert_string_equal(ctdb_event_result_word(INT32_MIN), "CANNOT RUN");
	(void)state;
}

static struct ctdb_event_script mkscript(const char *name, int32_t result,
					 const char *output)
{
	struct ctdb_event_script s = {
		.name = name,
		.begin = { .tv_sec = T0, .tv_usec = 250000 },
		.end = { .tv_sec = T0 + 2, .tv_usec = 250000 },
		.result = result,
		.output = output,
	};

	return s;
}

#define TIMES                                               \
	"\"begin\":\"2023-11-14T22:13:20.250000Z\","        \
	"\"end\":\"2023-11-14T22:13:22.250000Z\",\"duration\":2.0"

static void test_script(void **state)
{
	struct ctdb_event_script s;
	char expected[512];
	json_t *j;

	s = mkscript("01.ok", 0, NULL);
	check_json(ctdb_event_script_json(&s),
		   "{\"name\":\"01.ok\",\"state\":\"OK\",\"result\":0,"
		   "\"error\":null," TIMES ",\"output\":null}");

	s = mkscript("02.fail", 3, "line 1\nline 2\n");
	check_json(ctdb_event_script_json(&s),
		   "{\"name\":\"02.fail\",\"state\":\"ERROR\",\"result\":3,"
		   "\"error\":null," TIMES
		   ",\"output\":\"line 1\\nline 2\\n\"}");

	s = mkscript("03.off", -ENOEXEC, NULL);
	check_json(ctdb_event_script_json(&s),
		   "{\"name\":\"03.off\",\"state\":\"DISABLED\",\"result\":-8,"
		   "\"error\":null," TIMES ",\"output\":null}");

	s = mkscript("04.slow", -ETIMEDOUT, "");
	snprintf(expected, sizeof(expected),
		 "{\"name\":\"04.slow\",\"state\":\"TIMEDOUT\","
		 "\"result\":-110,\"error\":\"%s\"," TIMES ",\"output\":\"\"}",
		 strerror(ETIMEDOUT));
	check_json(ctdb_event_script_json(&s), expected);

	s = mkscript("05.cancel", -ECANCELED, NULL);
	snprintf(expected, sizeof(expected),
		 "{\"name\":\"05.cancel\",\"state\":\"CANNOT RUN\","
		 "\"result\":-125,\"error\":\"%s\"," TIMES ",\"output\":null}",
		 strerror(ECANCELED));
	check_json(ctdb_event_script_json(&s), expected);

	s = mkscript("06.perm", -EPERM, NULL);
	snprintf(expected, sizeof(expected),
		 "{\"name\":\"06.perm\",\"state\":\"CANNOT RUN\","
		 "\"result\":-1,\"error\":\"%s\"," TIMES ",\"output\":null}",
		 strerror(EPERM));
	check_json(ctdb_event_script_json(&s), expected);

	/* No overflow negating INT32_MIN. */
	s = mkscript("07.min", INT32_MIN, NULL);
	j = ctdb_event_script_json(&s);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "state")),
			    "CANNOT RUN");
	assert_true(json_is_string(json_object_get(j, "error")));
	json_decref(j);
	(void)state;
}

/* Characters JSON must escape, and bytes that are not UTF-8. */
static void test_script_output_bytes(void **state)
{
	struct ctdb_event_script s;
	json_t *j;

	s = mkscript("q", 1, "\"quoted\" \\ tab\t nul-free \x01 end");
	j = ctdb_event_script_json(&s);
	check_json(json_incref(json_object_get(j, "output")),
		   "\"\\\"quoted\\\" \\\\ tab\\t nul-free \\u0001 end\"");
	json_decref(j);

	/* Valid UTF-8 stays; each invalid byte becomes U+FFFD. */
	s = mkscript("caf\xc3\xa9", 1, "caf\xc3\xa9 \xff end");
	j = ctdb_event_script_json(&s);
	assert_string_equal(json_string_value(json_object_get(j, "output")),
			    "caf\xc3\xa9 \xef\xbf\xbd end");
	assert_string_equal(json_string_value(json_object_get(j, "name")),
			    "caf\xc3\xa9");
	json_decref(j);

	/* Overlong, surrogate, truncated, above U+10FFFF. */
	check_json(ctdb_json_string("\xc0\xaf"),
		   "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	check_json(ctdb_json_string("a\xed\xa0\x80z"),
		   "\"a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz\"");
	check_json(ctdb_json_string("\xe2\x82"),
		   "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	check_json(ctdb_json_string("\xf4\x90\x80\x80"),
		   "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	check_json(ctdb_json_string("\xe2\x82\xac \xf0\x9f\x98\x80"),
		   "\"\xe2\x82\xac \xf0\x9f\x98\x80\"");
	check_json(ctdb_json_string(NULL), "\"\"");
	(void)state;
}

static void test_status(void **state)
{
	struct ctdb_event_script scripts[2];
	struct ctdb_event_script_list list = { .num_scripts = 2,
					       .script = scripts };
	struct ctdb_event_reply_status status = { .summary = 3,
						  .script_list = &list };
	struct ctdb_event_reply_status empty = { .summary = 0 };

	scripts[0] = mkscript("01.ok", 0, NULL);
	scripts[1] = mkscript("02.fail", 3, "bad\n");
	check_json(ctdb_event_status_json("legacy", "monitor", &status),
		   "{\"component\":\"legacy\",\"event\":\"monitor\","
		   "\"result\":3,\"state\":\"ERROR\",\"scripts\":["
		   "{\"name\":\"01.ok\",\"state\":\"OK\",\"result\":0,"
		   "\"error\":null," TIMES ",\"output\":null},"
		   "{\"name\":\"02.fail\",\"state\":\"ERROR\",\"result\":3,"
		   "\"error\":null," TIMES ",\"output\":\"bad\\n\"}]}");
	check_json(ctdb_event_status_json("legacy", "startup", &empty),
		   "{\"component\":\"legacy\",\"event\":\"startup\","
		   "\"result\":0,\"state\":\"OK\",\"scripts\":[]}");
	list.num_scripts = 0;
	status.summary = -ETIMEDOUT;
	check_json(ctdb_event_status_json("c", "e", &status),
		   "{\"component\":\"c\",\"event\":\"e\",\"result\":-110,"
		   "\"state\":\"TIMEDOUT\",\"scripts\":[]}");
	(void)state;
}

static void test_run(void **state)
{
	check_json(ctdb_event_run_json("legacy", "monitor", 0),
		   "{\"component\":\"legacy\",\"event\":\"monitor\","
		   "\"result\":0,\"state\":\"OK\"}");
	check_json(ctdb_event_run_json("c", "e", ENOEXEC),
		   "{\"component\":\"c\",\"event\":\"e\",\"result\":8,"
		   "\"state\":\"FAILED\"}");
	check_json(ctdb_event_run_json("c", "e", ETIMEDOUT),
		   "{\"component\":\"c\",\"event\":\"e\",\"result\":110,"
		   "\"state\":\"TIMEDOUT\"}");
	check_json(ctdb_event_run_json("c", "e", ECANCELED),
		   "{\"component\":\"c\",\"event\":\"e\",\"result\":125,"
		   "\"state\":\"CANCELLED\"}");
	check_json(ctdb_event_run_json("c", "e", EIO),
		   "{\"component\":\"c\",\"event\":\"e\",\"result\":5,"
		   "\"state\":\"ERROR\"}");
	(void)state;
}

static void test_script_entry(void **state)
{
	check_json(ctdb_event_script_entry_json("00.ctdb", true, true),
		   "{\"name\":\"00.ctdb\",\"enabled\":true,"
		   "\"installed\":true}");
	check_json(ctdb_event_script_entry_json("60.off", false, false),
		   "{\"name\":\"60.off\",\"enabled\":false,"
		   "\"installed\":false}");
	(void)state;
}

static void test_runstate(void **state)
{
	check_json(ctdb_node_runstate_json(CTDB_RUNSTATE_UNKNOWN),
		   "\"UNKNOWN\"");
	check_json(ctdb_node_runstate_json(CTDB_RUNSTATE_FIRST_RECOVERY),
		   "\"FIRST_RECOVERY\"");
	check_json(ctdb_node_runstate_json(CTDB_RUNSTATE_RUNNING),
		   "\"RUNNING\"");
	check_json(ctdb_node_runstate_json(CTDB_RUNSTATE_SHUTDOWN),
		   "\"SHUTDOWN\"");
	(void)state;
}

static void test_ips(void **state)
{
	struct ctdb_public_ip_info ip[] = {
		{ .address = "10.0.0.1", .bits = 24, .ifaces = "eth0,eth1",
		  .pnn = 0 },
		{ .address = "fd00::1", .bits = 64, .ifaces = "a,,b,",
		  .pnn = -1 },
		{ .address = "10.0.0.2", .bits = 32, .ifaces = NULL,
		  .pnn = 1 },
	};
	struct ctdb_public_ip_list ips = { .num = 3, .ip = ip };
	struct ctdb_public_ip_list none = { .num = 0 };

	check_json(ctdb_node_ips_json(&ips),
		   "[{\"address\":\"10.0.0.1\",\"bits\":24,"
		   "\"ifaces\":[\"eth0\",\"eth1\"],\"pnn\":0},"
		   "{\"address\":\"fd00::1\",\"bits\":64,"
		   "\"ifaces\":[\"a\",\"b\"],\"pnn\":-1},"
		   "{\"address\":\"10.0.0.2\",\"bits\":32,\"ifaces\":[],"
		   "\"pnn\":1}]");
	check_json(ctdb_node_ips_json(&none), "[]");
	check_json(ctdb_node_ips_json(NULL), "[]");
	(void)state;
}

static void test_vars(void **state)
{
	struct ctdb_var var[] = {
		{ .name = "MonitorInterval", .value = 15 },
		{ .name = "EventScriptTimeout", .value = 30 },
		{ .name = "Big", .value = UINT32_MAX },
	};
	struct ctdb_var_list vars = { .num = 3, .var = var };
	struct ctdb_var_list none = { .num = 0 };

	/* The list's order, not sorted. */
	check_json(ctdb_node_vars_json(&vars),
		   "{\"MonitorInterval\":15,\"EventScriptTimeout\":30,"
		   "\"Big\":4294967295}");
	check_json(ctdb_node_vars_json(&none), "{}");
	(void)state;
}

static void test_health(void **state)
{
	check_json(ctdb_node_health_json(0, NULL),
		   "{\"state\":\"HEALTHY\",\"reason\":null}");
	/* A stale reason of a healthy node is not shown. */
	check_json(ctdb_node_health_json(0, "old"),
		   "{\"state\":\"HEALTHY\",\"reason\":null}");
	check_json(ctdb_node_health_json(CTDB_NODE_FLAGS_UNHEALTHY,
					 "50.service failed: down\nmore"),
		   "{\"state\":\"UNHEALTHY\","
		   "\"reason\":\"50.service failed: down\\nmore\"}");
	check_json(ctdb_node_health_json(CTDB_NODE_FLAGS_UNHEALTHY, NULL),
		   "{\"state\":\"UNHEALTHY\",\"reason\":null}");
	check_json(ctdb_node_health_json(CTDB_NODE_FLAGS_UNHEALTHY |
						 CTDB_NODE_FLAGS_STOPPED,
					 "x\xff"),
		   "{\"state\":\"UNHEALTHY\",\"reason\":\"x\xef\xbf\xbd\"}");
	(void)state;
}

static void test_flags_word(void **state)
{
	char buf[CTDB_NODE_FLAGS_WORD_LEN];

	assert_string_equal(ctdb_node_flags_word(0, buf), "OK");
	assert_string_equal(ctdb_node_flags_word(CTDB_NODE_FLAGS_UNHEALTHY,
						 buf),
			    "UNHEALTHY");
	assert_string_equal(ctdb_node_flags_word(CTDB_NODE_FLAGS_STOPPED, buf),
			    "STOPPED|INACTIVE");
	assert_string_equal(ctdb_node_flags_word(0xffffffffU, buf),
			    "DISCONNECTED|UNKNOWN|DISABLED|BANNED|UNHEALTHY|"
			    "DELETED|STOPPED|INACTIVE");
	/* Bits CTDB has no name for are not shown. */
	assert_string_equal(ctdb_node_flags_word(0x100, buf), "OK");
	(void)state;
}

static void test_node_status(void **state)
{
	struct ctdb_node_info nodes[] = {
		{ .pnn = 0, .flags = 0, .address = "10.0.0.1",
		  .reason = "not shown: the node is not UNHEALTHY" },
		{ .pnn = 1, .flags = CTDB_NODE_FLAGS_UNHEALTHY,
		  .address = "10.0.0.2", .reason = "disk full" },
		{ .pnn = 2, .flags = CTDB_NODE_FLAGS_DELETED,
		  .address = "10.0.0.3" },
	};
	struct ctdb_node_status st = {
		.this_pnn = 1,
		.runstate = CTDB_RUNSTATE_RUNNING,
		.recovery_mode = 1,
		.leader = 0,
		.num_nodes = 3,
		.nodes = nodes,
		.why_out = "the cluster has no quorum",
	};
	struct ctdb_node_status empty = {
		.this_pnn = 0,
		.runstate = CTDB_RUNSTATE_INIT,
		.leader = 0xffffffffU,
	};

	check_json(ctdb_node_info_json(&nodes[1], 1),
		   "{\"pnn\":1,\"address\":\"10.0.0.2\",\"flags\":2,"
		   "\"status\":\"UNHEALTHY\",\"this\":true,"
		   "\"reason\":\"disk full\"}");
	check_json(ctdb_node_status_json(&st),
		   "{\"pnn\":1,\"runstate\":\"RUNNING\",\"num_nodes\":3,"
		   "\"deleted_nodes\":1,\"nodes\":["
		   "{\"pnn\":0,\"address\":\"10.0.0.1\",\"flags\":0,"
		   "\"status\":\"OK\",\"this\":false,\"reason\":null},"
		   "{\"pnn\":1,\"address\":\"10.0.0.2\",\"flags\":2,"
		   "\"status\":\"UNHEALTHY\",\"this\":true,"
		   "\"reason\":\"disk full\"}],"
		   "\"recovery_mode\":\"RECOVERY\",\"leader\":0,"
		   "\"health\":{\"state\":\"UNHEALTHY\","
		   "\"reason\":\"disk full\"},"
		   "\"why_out\":\"the cluster has no quorum\"}");
	check_json(ctdb_node_status_json(&empty),
		   "{\"pnn\":0,\"runstate\":\"INIT\",\"num_nodes\":0,"
		   "\"deleted_nodes\":0,\"nodes\":[],"
		   "\"recovery_mode\":\"NORMAL\",\"leader\":null,"
		   "\"health\":{\"state\":\"HEALTHY\",\"reason\":null},"
		   "\"why_out\":null}");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_result_words),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_script_output_bytes),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_script_entry),
		cmocka_unit_test(test_runstate),
		cmocka_unit_test(test_ips),
		cmocka_unit_test(test_vars),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_flags_word),
		cmocka_unit_test(test_node_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
