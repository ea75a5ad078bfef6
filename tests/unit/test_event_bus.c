/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for event bus subjects, payloads, [events] settings and URLs. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <talloc.h>

#include "common/nats_bus.h"
#include "protocol/event_bus.h"

static void assert_subject(const char *node, const char *key,
			   const char *expected)
{
	TALLOC_CTX *t = talloc_new(NULL);
	char *subject = NULL;
	int ret;

	ret = event_bus_subject(t, node, key, &subject);
	assert_int_equal(ret, 0);
	assert_string_equal(subject, expected);
	talloc_free(t);
}

static void test_subjects(void **state)
{
	assert_subject("n1", "event.legacy.monitor",
		       "ctdb.n1.event.legacy.monitor");
	assert_subject("n1", "event.notification.startup",
		       "ctdb.n1.event.notification.startup");
	assert_subject("n1", "node.health", "ctdb.n1.health");
	assert_subject("n1", "node.runstate", "ctdb.n1.runstate");
	assert_subject("n1", "node.ips", "ctdb.n1.ips");
	assert_subject("n1", "node.tunables", "ctdb.n1.tunables");
	assert_subject("n1", "cluster.nodes", "ctdb.n1.cluster.nodes");
	assert_subject("n1", "cluster.quorate", "ctdb.n1.cluster.quorate");
}

static void test_subjects_sanitised(void **state)
{
	/* A component name with subject syntax stays one token. */
	assert_subject("n1", "event.my comp*.monitor",
		       "ctdb.n1.event.my_comp_.monitor");
	assert_subject("n1", "event.a.b.monitor", "ctdb.n1.event.a_b.monitor");
	assert_subject("n1", "event.x>.ev\tt", "ctdb.n1.event.x_.ev_t");
	assert_subject("n1", "node.a.b", "ctdb.n1.a_b");
}

static void test_subjects_not_published(void **state)
{
	const char *keys[] = { "", "event", "event.", "event.legacy",
			       "event.legacy.", "event..monitor", "node.",
			       "node", "other.key", "nodes.health",
			       "cluster.", "cluster" };
	char *subject = NULL;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		ret = event_bus_subject(NULL, "n1", keys[i], &subject);
		assert_int_equal(ret, ENOENT);
		assert_null(subject);
	}
}

static void test_tokens(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);

	assert_string_equal(event_bus_token(t, "host.example.com"),
			    "host_example_com");
	assert_string_equal(event_bus_token(t, "a b*c>d\ne"), "a_b_c_d_e");
	assert_string_equal(event_bus_token(t, ""), "_");
	assert_string_equal(event_bus_token(t, "node-1_x"), "node-1_x");
	assert_true(event_bus_node_valid("node-1"));
	assert_false(event_bus_node_valid(""));
	assert_false(event_bus_node_valid("a.b"));
	assert_false(event_bus_node_valid("a*"));
	assert_false(event_bus_node_valid(">"));
	assert_false(event_bus_node_valid("a b"));
	talloc_free(t);
}

static void test_payload(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	struct timeval tv = { .tv_sec = 1795849200, .tv_usec = 42 };
	char *p = NULL;
	json_t *j;
	int ret;

	ret = event_bus_payload(t, "n1", "node.health",
				"{\"state\":\"UNHEALTHY\",\"reason\":"
				"\"monitor event failed\"}",
				&tv, &p);
	assert_int_equal(ret, 0);
	assert_string_equal(p, "{\"node\":\"n1\",\"key\":\"node.health\","
			       "\"value\":{\"state\":\"UNHEALTHY\",\"reason\":"
			       "\"monitor event failed\"},"
			       "\"time\":\"2026-11-28T07:00:00.000042Z\"}");

	/* Any JSON value, spliced as a value, never as text. */
	ret = event_bus_payload(t, "n1", "node.runstate", "\"RUNNING\"", &tv,
				&p);
	assert_int_equal(ret, 0);
	j = json_loads(p, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "value")),
			    "RUNNING");
	json_decref(j);
	ret = event_bus_payload(t, "n1", "event.legacy.monitor", "null", &tv,
				&p);
	assert_int_equal(ret, 0);
	assert_non_null(strstr(p, "\"value\":null"));
	talloc_free(t);
}

static void test_payload_bad_value(void **state)
{
	struct timeval tv = { 0 };
	char *p = NULL;

	assert_int_equal(event_bus_payload(NULL, "n1", "node.ips", "{", &tv,
					   &p),
			 EINVAL);
	assert_int_equal(event_bus_payload(NULL, "n1", "node.ips",
					   "\"a\"\"b\"", &tv, &p),
			 EINVAL);
	assert_null(p);
}

static void test_urls(void **state)
{
	const char *good[] = {
		"nats://127.0.0.1:4222", "127.0.0.1:4222", "localhost",
		"tls://nats.example.com:4443", "nats://u:p@host:1",
		"nats://[::1]:4222", "nats://a:1,nats://b:2", "host_x-1:65535",
	};
	const char *bad[] = {
		"", "nats://", "http://x:1", "nats://host:0",
		"nats://host:65536", "nats://host:x", "nats://host:1/path",
		"nats://a:1,", "nats:// host", "nats://[]:1", "nats://[zz]:1",
		"host:", "nats://ho st",
	};
	TALLOC_CTX *t = talloc_new(NULL);
	char *why;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why = NULL;
		if (!nats_bus_url_check(t, good[i], &why)) {
			fail_msg("'%s' refused: %s", good[i], why);
		}
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (nats_bus_url_check(t, bad[i], &why)) {
			fail_msg("'%s' accepted", bad[i]);
		}
		assert_non_null(why);
	}
	talloc_free(t);
}

static void test_config(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	struct event_bus_config c = { 0 };
	char *reason = NULL;
	bool ok;

	ok = event_bus_config_entry(t, t, &c, "node name", "node-7", &reason);
	assert_true(ok);
	assert_string_equal(c.node_name, "node-7");
	ok = event_bus_config_entry(t, t, &c, "node name", "a.b", &reason);
	assert_false(ok);
	assert_string_equal(reason,
			    "invalid node name 'a.b' (expected one NATS "
			    "subject token: not empty, no '.', '*', '>' or "
			    "white space)");

	ok = event_bus_config_entry(t, t, &c, "nats url", "http://x", &reason);
	assert_false(ok);
	assert_string_equal(reason, "invalid nats url 'http://x': unsupported "
				    "scheme (expected nats:// or tls://)");

	/* Empty: no bus, accepted with or without NATS support. */
	ok = event_bus_config_entry(t, t, &c, "nats url", "", &reason);
	assert_true(ok);
	assert_string_equal(c.nats_url, "");

	reason = NULL;
	ok = event_bus_config_entry(t, t, &c, "nats url",
				    "nats://127.0.0.1:4222", &reason);
	if (nats_bus_supported()) {
		assert_true(ok);
		assert_string_equal(c.nats_url, "nats://127.0.0.1:4222");
	} else {
		assert_false(ok);
		assert_non_null(strstr(reason, "built without NATS support"));
	}

	/* Other keys are someone else's. */
	ok = event_bus_config_entry(t, t, &c, "other", "x", &reason);
	assert_true(ok);
	talloc_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subjects),
		cmocka_unit_test(test_subjects_sanitised),
		cmocka_unit_test(test_subjects_not_published),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_payload_bad_value),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
