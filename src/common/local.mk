# SPDX-License-Identifier: GPL-3.0-or-later
# src/common: mechanisms only, nothing about events or nodes.
noinst_LIBRARIES += src/common/libcommon.a
src_common_libcommon_a_CFLAGS = $(AM_CFLAGS) $(NATS_CFLAGS)
src_common_libcommon_a_SOURCES = \
	src/common/logging.c src/common/logging.h \
	src/common/path.c src/common/path.h \
	src/common/tevent_unix.c src/common/tevent_unix.h \
	src/common/sock_io.c src/common/sock_io.h \
	src/common/run_proc.c src/common/run_proc.h \
	src/common/line_file.c src/common/line_file.h \
	src/common/conf.c src/common/conf.h \
	src/common/ctdb_conf_keys.c src/common/ctdb_conf_keys.h \
	src/common/tunable.c src/common/tunable.h \
	src/common/sock_daemon.c src/common/sock_daemon.h \
	src/common/dlist.h \
	src/common/sock_client.c src/common/sock_client.h \
	src/common/keyspace.c src/common/keyspace.h \
	src/common/watch_stream.c src/common/watch_stream.h \
	src/common/metrics.c src/common/metrics.h \
	src/common/net_packet.c src/common/net_packet.h \
	src/common/net_raw.c src/common/net_raw.h \
	src/common/net_killtcp.c src/common/net_killtcp.h \
	src/common/nats_bus.c src/common/nats_bus.h

COMMON_LIBS = src/common/libcommon.a $(TEVENT_LIBS) $(TALLOC_LIBS) \
	$(JANSSON_LIBS)

# Programs that use nats_bus.c add this after COMMON_LIBS (empty without
# libnats).
NATS_BUS_LIBS = $(NATS_LIBS)
