# SPDX-License-Identifier: GPL-3.0-or-later
# src/server: daemon-side code ctdb-eventd and ctdb-noded share (WATCH
# serving, event bus start-up). Uses common and protocol, may log as a
# daemon; used by eventd and noded only.
noinst_LIBRARIES += src/server/libserver.a
src_server_libserver_a_SOURCES = \
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
endif
