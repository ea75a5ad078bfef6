/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the daemons' side of the event bus and loading libnats. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include <talloc.h>
#include <tevent.h>

#include "common/logging.h"
#include "common/nats_bus.h"
#include "protocol/event_bus.h"
#include "server/bus_publish.h"

static void test_default_node(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	char *node = bus_default_node(t);

	assert_non_null(node);
	assert_true(event_bus_node_valid(node));
	talloc_free(t);
}

static void assert_message(enum nats_bus_event event, const char *detail,
			   const char *expected, int expected_level)
{
	TALLOC_CTX *t = talloc_new(NULL);
	int level = -1;
	char *msg;

	msg = bus_state_message(t, event, "nats://h:4222", "n1", detail,
				&level);
	assert_non_null(msg);
	assert_string_equal(msg, expected);
	assert_int_equal(level, expected_level);
	talloc_free(t);
}

static void test_state_messages(void **state)
{
	assert_message(NATS_BUS_CONNECTED, "nats://10.0.0.1:4222",
		       "event bus: connected to nats://10.0.0.1:4222, "
		       "publishing as ctdb.n1.>",
		       DEBUG_NOTICE);
	assert_message(NATS_BUS_UNREACHABLE, "Connection refused",
		       "event bus: nats://h:4222 unreachable (Connection "
		       "refused), retrying",
		       DEBUG_NOTICE);
	assert_message(NATS_BUS_ERROR, "Authorization Violation",
		       "event bus: nats://h:4222: Authorization Violation",
		       DEBUG_WARNING);
}

/*
 * A missing library, and one that is not libnats, are refused with the
 * file named. These run before anything loads the real library: once
 * loaded, it stays for the life of the process.
 */
static void test_load_missing(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	char *reason = NULL;
	int ret;

	ret = nats_bus_load(t, "libctdb-test-no-such-nats.so.0", &reason);
	if (!nats_bus_supported()) {
		assert_int_equal(ret, ENOTSUP);
		assert_non_null(strstr(reason, "built without NATS support"));
		talloc_free(t);
		return;
	}
	assert_int_equal(ret, ELIBACC);
	assert_non_null(reason);
	assert_non_null(strstr(reason, "cannot load the NATS client "
				       "library: "
				       "libctdb-test-no-such-nats.so.0: "));
	talloc_free(t);
}

static void test_load_not_libnats(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	char *reason = NULL;
	int ret;

	if (!nats_bus_supported()) {
		talloc_free(t);
		skip();
	}
	ret = nats_bus_load(t, "libc.so.6", &reason);
	assert_int_equal(ret, ELIBACC);
	assert_string_equal(reason, "libc.so.6 is not a usable NATS client "
				    "library: it lacks natsOptions_Create");
	talloc_free(t);
}

static void test_load_default(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	char *reason = NULL;
	int ret;

	if (!nats_bus_supported()) {
		assert_null(nats_bus_default_library());
		talloc_free(t);
		skip();
	}
	assert_non_null(strstr(nats_bus_default_library(), "libnats"));
	ret = nats_bus_load(t, NULL, &reason);
	assert_int_equal(ret, 0);
	/* Loaded: a second call is a no-op, whatever it names. */
	ret = nats_bus_load(t, "libctdb-test-no-such-nats.so.0", &reason);
	assert_int_equal(ret, 0);
	talloc_free(t);
}

/* The observer queues what has a subject, counts what could not be queued. */
static void test_observer(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	struct tevent_context *ev = tevent_context_init(t);
	struct bus_publish_observer o = { .node = "n1" };
	struct nats_bus_stats st;
	struct timeval tv = { 0 };
	int ret;

	if (!nats_bus_supported()) {
		talloc_free(t);
		skip();
	}
	/* Nothing listens on port 1: the bus connects in the background. */
	ret = nats_bus_new(t, ev, "nats://127.0.0.1:1", "test", NULL, NULL,
			   &o.bus);
	assert_int_equal(ret, 0);
	bus_publish_keyspace_observer("node.health",
				      "{\"state\":\"HEALTHY\"}", &tv, &o);
	bus_publish_keyspace_observer("other.key", "1", &tv, &o);
	assert_int_equal(o.unpublished, 0);
	bus_publish_keyspace_observer("node.ips", "[", &tv, &o);
	assert_int_equal(o.unpublished, 1);
	nats_bus_get_stats(o.bus, &st);
	assert_int_equal(st.queued, 1);
	assert_int_equal(nats_bus_publish(o.bus, "", "x", 1), EINVAL);
	talloc_free(t);
}

int main(void)
{
	/* In this order: the load tests need libnats not loaded yet. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_node),
		cmocka_unit_test(test_state_messages),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_not_libnats),
		cmocka_unit_test(test_load_default),
		cmocka_unit_test(test_observer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
