# SPDX-License-Identifier: GPL-3.0-or-later
# src/server: daemon-side code ctdb-eventd and ctdb-noded share (the
# connection layer, WATCH serving, event bus start-up). Uses common and
# protocol, may log as a daemon; used by eventd and noded only.
noinst_LIBRARIES += src/server/libserver.a
src_server_libserver_a_SOURCES = \
	src/server/srv_conn.c src/server/srv_conn.h \
	src/server/watch_server.c src/server/watch_server.h \
	src/server/bus_start.c src/server/bus_start.h

SERVER_LIBS = src/server/libserver.a
