# SPDX-License-Identifier: GPL-3.0-or-later
# src/protocol: pure marshalling, no I/O.
noinst_LIBRARIES += src/protocol/libprotocol.a
src_protocol_libprotocol_a_SOURCES = \
	src/protocol/event_protocol.h \
	src/protocol/event_protocol_api.h \
	src/protocol/event_protocol.c \
	src/protocol/node_protocol.h src/protocol/node_protocol_api.h \
	src/protocol/node_protocol.c \
	src/protocol/protocol_basic.c src/protocol/protocol_basic.h \
	src/protocol/event_json.c src/protocol/event_json.h \
	src/protocol/script_result.c src/protocol/script_result.h \
	src/protocol/watch_protocol.c src/protocol/watch_protocol.h \
	src/protocol/event_bus.c src/protocol/event_bus.h \
	src/protocol/cluster_protocol.c src/protocol/cluster_protocol.h \
	src/protocol/tickle_wire.c src/protocol/tickle_wire.h

PROTOCOL_LIBS = src/protocol/libprotocol.a $(TALLOC_LIBS) $(JANSSON_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_node_protocol
TESTS += tests/unit/test_node_protocol
tests_unit_test_node_protocol_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_node_protocol_SOURCES = tests/unit/test_node_protocol.c
tests_unit_test_node_protocol_LDADD = $(PROTOCOL_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_event_bus
TESTS += tests/unit/test_event_bus
tests_unit_test_event_bus_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_event_bus_SOURCES = tests/unit/test_event_bus.c
tests_unit_test_event_bus_LDADD = $(PROTOCOL_LIBS) $(COMMON_LIBS) \
	$(NATS_BUS_LIBS) $(CMOCKA_LIBS)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_watch_protocol
TESTS += tests/unit/test_watch_protocol
tests_unit_test_watch_protocol_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_watch_protocol_SOURCES = tests/unit/test_watch_protocol.c
tests_unit_test_watch_protocol_LDADD = $(PROTOCOL_LIBS) $(CMOCKA_LIBS)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_script_result
TESTS += tests/unit/test_script_result
tests_unit_test_script_result_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_script_result_SOURCES = tests/unit/test_script_result.c
tests_unit_test_script_result_LDADD = $(PROTOCOL_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_cluster_protocol
TESTS += tests/unit/test_cluster_protocol
tests_unit_test_cluster_protocol_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_cluster_protocol_SOURCES = tests/unit/test_cluster_protocol.c
tests_unit_test_cluster_protocol_LDADD = $(PROTOCOL_LIBS) $(CMOCKA_LIBS)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_tickle_wire
TESTS += tests/unit/test_tickle_wire
tests_unit_test_tickle_wire_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_tickle_wire_SOURCES = tests/unit/test_tickle_wire.c
tests_unit_test_tickle_wire_LDADD = $(PROTOCOL_LIBS) src/common/libcommon.a \
	$(TALLOC_LIBS) $(CMOCKA_LIBS)
endif
