# SPDX-License-Identifier: GPL-3.0-or-later
# src/protocol: pure marshalling, no I/O.
noinst_LIBRARIES += src/protocol/libprotocol.a
src_protocol_libprotocol_a_SOURCES = \
	src/protocol/event_protocol.h \
	src/protocol/event_protocol_api.h \
	src/protocol/event_protocol.c

PROTOCOL_LIBS = src/protocol/libprotocol.a $(TALLOC_LIBS)
