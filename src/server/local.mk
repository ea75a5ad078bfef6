# SPDX-License-Identifier: GPL-3.0-or-later
# src/server: daemon-side code ctdb-eventd and ctdb-noded share (the
# connection layer, WATCH serving, event bus start-up). Uses common and
# protocol, may log as a daemon; used by eventd and noded only.
noinst_LIBRARIES += src/server/libserver.a
src_server_libserver_a_SOURCES = \
	src/server/srv_conn.c src/server/srv_conn.h \
	src/server/watch_server.c src/server/watch_server.h \
	src/server/bus_start.c src/server/bus_start.h \
	src/server/bus_publish.c src/server/bus_publish.h

SERVER_LIBS = src/server/libserver.a

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_bus_publish
TESTS += tests/unit/test_bus_publish
tests_unit_test_bus_publish_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_bus_publish_SOURCES = tests/unit/test_bus_publish.c
tests_unit_test_bus_publish_LDADD = $(SERVER_LIBS) $(PROTOCOL_LIBS) \
	$(COMMON_LIBS) $(NATS_BUS_LIBS) $(CMOCKA_LIBS)

# The connection layer against a fake daemon over a socketpair.
check_PROGRAMS += tests/unit/test_srv_conn
TESTS += tests/unit/test_srv_conn
tests_unit_test_srv_conn_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_srv_conn_SOURCES = tests/unit/test_srv_conn.c
tests_unit_test_srv_conn_LDADD = $(SERVER_LIBS) $(PROTOCOL_LIBS) \
	$(COMMON_LIBS) $(CMOCKA_LIBS)
endif
