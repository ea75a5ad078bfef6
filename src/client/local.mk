# SPDX-License-Identifier: GPL-3.0-or-later
# src/client: clients of the daemons' sockets.
noinst_LIBRARIES += src/client/libclient.a
src_client_libclient_a_SOURCES = \
	src/client/event_client.c src/client/event_client.h \
	src/client/node_client.c src/client/node_client.h \
	src/client/watch_client.c src/client/watch_client.h

CLIENT_LIBS = src/client/libclient.a src/protocol/libprotocol.a $(JANSSON_LIBS) \
	$(COMMON_LIBS)
