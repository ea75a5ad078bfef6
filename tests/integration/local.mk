# SPDX-License-Identifier: GPL-3.0-or-later
# Integration tests: our ctdb-eventd and ctdb-event in a private CTDB_BASE
# each, with exact expected output. harness.sh is shared with tests/interop.
# (test_man.sh is registered by man/local.mk.)
INTEGRATION_TESTS = \
	tests/integration/eventd_run.sh \
	tests/integration/eventd_timeout.sh \
	tests/integration/eventd_daemon.sh \
	tests/integration/eventd_script_cmd.sh \
	tests/integration/eventd_protocol.sh \
	tests/integration/fault_eventd.sh \
	tests/integration/security.sh \
	tests/integration/history_metrics.sh \
	tests/integration/eventd_run_input.sh \
	tests/integration/load_eventd.sh \
	tests/integration/doc_protocol.sh

TESTS += $(INTEGRATION_TESTS)
dist_check_SCRIPTS += $(INTEGRATION_TESTS)
dist_check_DATA += tests/integration/harness.sh
dist_check_SCRIPTS += tests/integration/proto_client.py
# doc_protocol.sh checks doc/protocol.md against the headers and daemons.
dist_check_SCRIPTS += tests/integration/doc_protocol.py
EXTRA_DIST += doc/protocol.md

# ctdb watch and ctdb wait; watch_client.py is their raw-socket client.
WATCH_INTEGRATION_TESTS = \
	tests/integration/watch_eventd.sh \
	tests/integration/watch_load.sh \
	tests/integration/watch_noded.sh
TESTS += $(WATCH_INTEGRATION_TESTS)
dist_check_SCRIPTS += $(WATCH_INTEGRATION_TESTS)
dist_check_SCRIPTS += tests/integration/watch_client.py
# ctdb --json against ctdb-noded and its ctdb-eventd; json_twin.py holds
# the text-versus-JSON comparisons.
TESTS += tests/integration/json_output.sh
dist_check_SCRIPTS += tests/integration/json_output.sh \
	tests/integration/json_twin.py
dist_check_SCRIPTS += tests/integration/openmetrics_check.py
# The load test's client: 200 connections from one event loop.
check_PROGRAMS += tests/integration/load_client
tests_integration_load_client_SOURCES = tests/integration/load_client.c
tests_integration_load_client_LDADD = $(CLIENT_LIBS)

# The event bus (src/common/nats_bus.c) against a real nats-server: a
# driver program with a tevent loop, commanded by the Python test through
# nats_bus.sh; nats_sub.py is a raw-protocol subscriber shared with the
# daemons' bus tests. Without libnats the driver is not built and the
# test skips.
if HAVE_NATS
check_PROGRAMS += tests/integration/nats_bus_driver
tests_integration_nats_bus_driver_CFLAGS = $(AM_CFLAGS) $(NATS_CFLAGS)
tests_integration_nats_bus_driver_SOURCES = \
	tests/integration/nats_bus_driver.c
tests_integration_nats_bus_driver_LDADD = $(COMMON_LIBS) $(NATS_BUS_LIBS)
endif
TESTS += tests/integration/nats_bus.sh
dist_check_SCRIPTS += tests/integration/nats_bus.sh \
	tests/integration/nats_bus_test.py \
	tests/integration/nats_sub.py
# libnats loaded only with a nats url; without the library, a clear error.
TESTS += tests/integration/nats_library.sh
dist_check_SCRIPTS += tests/integration/nats_library.sh
# The ctdb commands Samba's stock event scripts call (issue 12).
TESTS += tests/integration/noded_stock_commands.sh
TESTS += tests/integration/noded_tickles.sh
TESTS += tests/integration/noded_tickle_failover.sh
dist_check_SCRIPTS += tests/integration/noded_tickle_failover.sh
dist_check_SCRIPTS += tests/integration/noded_tickles.sh
dist_check_SCRIPTS += tests/integration/noded_stock_commands.sh

# ctdb-config, the helper CTDB's scripts read ctdb.conf with, against
# Samba's own when installed.
TESTS += tests/integration/ctdb_config.sh
dist_check_SCRIPTS += tests/integration/ctdb_config.sh
