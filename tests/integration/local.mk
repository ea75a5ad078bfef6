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
	tests/integration/load_eventd.sh

TESTS += $(INTEGRATION_TESTS)
dist_check_SCRIPTS += $(INTEGRATION_TESTS)
dist_check_DATA += tests/integration/harness.sh
dist_check_SCRIPTS += tests/integration/proto_client.py

# The load test's client: 200 connections from one event loop.
check_PROGRAMS += tests/integration/load_client
tests_integration_load_client_SOURCES = tests/integration/load_client.c
tests_integration_load_client_LDADD = $(CLIENT_LIBS)
