# SPDX-License-Identifier: GPL-3.0-or-later
# src/noded: ctdb-noded. The pure parts (public_addresses parsing, IP
# allocation) form their own library so their tests link nothing else.
# The rest of src/noded gets its own library in this file later.
noinst_LIBRARIES += src/noded/libnodedpure.a
src_noded_libnodedpure_a_CFLAGS = $(AM_CFLAGS)
src_noded_libnodedpure_a_SOURCES = \
	src/noded/public_ips.c src/noded/public_ips.h \
	src/noded/ipalloc.c src/noded/ipalloc.h \
	src/noded/leftover_ips.c src/noded/leftover_ips.h \
	src/noded/tickles.c src/noded/tickles.h

# public_ips.c reuses conf_parse_uint, so libcommon.a follows (only conf.o
# is pulled from it, which needs nothing beyond talloc).
NODED_PURE_LIBS = src/noded/libnodedpure.a src/common/libcommon.a \
	$(TALLOC_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_tunable
TESTS += tests/unit/test_tunable
tests_unit_test_tunable_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_tunable_SOURCES = tests/unit/test_tunable.c
tests_unit_test_tunable_LDADD = $(COMMON_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_public_ips
TESTS += tests/unit/test_public_ips
tests_unit_test_public_ips_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_public_ips_SOURCES = tests/unit/test_public_ips.c
tests_unit_test_public_ips_LDADD = $(NODED_PURE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_ipalloc
TESTS += tests/unit/test_ipalloc
tests_unit_test_ipalloc_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_ipalloc_SOURCES = tests/unit/test_ipalloc.c
tests_unit_test_ipalloc_LDADD = $(NODED_PURE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_leftover_ips
TESTS += tests/unit/test_leftover_ips
tests_unit_test_leftover_ips_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_leftover_ips_SOURCES = tests/unit/test_leftover_ips.c
tests_unit_test_leftover_ips_LDADD = $(NODED_PURE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_tickles
TESTS += tests/unit/test_tickles
tests_unit_test_tickles_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_tickles_SOURCES = tests/unit/test_tickles.c
tests_unit_test_tickles_LDADD = $(NODED_PURE_LIBS) $(PROTOCOL_LIBS) \
	$(CMOCKA_LIBS)
endif

# The node daemon: everything but main() is a library, so tests can link
# single modules (health, takeover) against a fake event client.
noinst_LIBRARIES += src/noded/libnoded.a
src_noded_libnoded_a_CFLAGS = $(AM_CFLAGS) $(SYSTEMD_CFLAGS)
src_noded_libnoded_a_SOURCES = \
	src/noded/noded_private.h src/common/dlist.h \
	src/noded/cluster.c src/noded/cluster.h \
	src/noded/cluster_local.c \
	src/noded/control.c \
	src/noded/event_conn.c src/noded/event_conn.h \
	src/noded/eventd_launch.c \
	src/noded/health.c \
	src/noded/hooks.c \
	src/noded/hooks_members.c \
	src/noded/monitor.c \
	src/noded/node_info.c \
	src/noded/iface_link.c \
	src/noded/announce.c \
	src/noded/tickle_control.c \
	src/noded/tickle_failover.c \
	src/noded/node_state.c src/noded/node_state.h \
	src/noded/noded_config.c \
	src/noded/noded_event.c \
	src/noded/noded_metrics.c \
	src/noded/runstate.c \
	src/noded/sd_notify.c \
	src/noded/takeover.c \
	src/noded/watch_keys.c

NODED_LIBS = src/noded/libnoded.a src/noded/libnodedpure.a $(SERVER_LIBS) \
	$(CLIENT_LIBS) $(NATS_BUS_LIBS) $(JANSSON_LIBS)
if HAVE_LIBSYSTEMD
NODED_LIBS += $(SYSTEMD_LIBS)
endif

# Unit tests of libnoded's policy, without processes: each links the
# modules it tests with a fake of noded_event.c (the event-client seam)
# and, for takeover, a fake cluster backend (cluster_new with its ops).
if HAVE_CMOCKA
NODED_UNIT_LIBS = src/protocol/libprotocol.a $(COMMON_LIBS) $(CMOCKA_LIBS)
NODED_FAKE_EVENT = tests/unit/fake_noded_event.c \
	tests/unit/fake_noded_event.h

check_PROGRAMS += tests/unit/test_node_state
TESTS += tests/unit/test_node_state
tests_unit_test_node_state_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_node_state_SOURCES = tests/unit/test_node_state.c \
	src/noded/node_state.c
tests_unit_test_node_state_LDADD = $(NODED_UNIT_LIBS)

check_PROGRAMS += tests/unit/test_health
TESTS += tests/unit/test_health
tests_unit_test_health_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_health_SOURCES = tests/unit/test_health.c \
	src/noded/health.c
tests_unit_test_health_LDADD = $(NODED_UNIT_LIBS)

check_PROGRAMS += tests/unit/test_monitor
TESTS += tests/unit/test_monitor
tests_unit_test_monitor_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_monitor_SOURCES = tests/unit/test_monitor.c \
	$(NODED_FAKE_EVENT) src/noded/monitor.c src/noded/health.c \
	src/noded/node_state.c
tests_unit_test_monitor_LDADD = $(NODED_UNIT_LIBS)

check_PROGRAMS += tests/unit/test_takeover
TESTS += tests/unit/test_takeover
tests_unit_test_takeover_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_takeover_SOURCES = tests/unit/test_takeover.c \
	$(NODED_FAKE_EVENT) src/noded/takeover.c src/noded/node_state.c \
	src/noded/cluster.c src/noded/iface_link.c
tests_unit_test_takeover_LDADD = src/noded/libnodedpure.a \
	$(NODED_UNIT_LIBS)

check_PROGRAMS += tests/unit/test_hooks_members
TESTS += tests/unit/test_hooks_members
tests_unit_test_hooks_members_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_hooks_members_SOURCES = tests/unit/test_hooks_members.c \
	src/noded/hooks_members.c src/noded/node_state.c src/noded/cluster.c
tests_unit_test_hooks_members_LDADD = $(NODED_UNIT_LIBS) $(JANSSON_LIBS)

check_PROGRAMS += tests/unit/test_announce
TESTS += tests/unit/test_announce
tests_unit_test_announce_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_announce_SOURCES = tests/unit/test_announce.c \
	src/noded/announce.c src/noded/tickle_failover.c
tests_unit_test_announce_LDADD = src/noded/libnodedpure.a \
	$(NODED_UNIT_LIBS)

# tickles_sync.c against a fake of cluster_corosync_send_tickles().
check_PROGRAMS += tests/unit/test_tickles_sync
TESTS += tests/unit/test_tickles_sync
tests_unit_test_tickles_sync_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_tickles_sync_SOURCES = tests/unit/test_tickles_sync.c \
	src/noded/tickles_sync.c src/noded/node_state.c
tests_unit_test_tickles_sync_LDADD = src/noded/libnodedpure.a \
	$(NODED_UNIT_LIBS)
endif

sbin_PROGRAMS += ctdb-noded
ctdb_noded_SOURCES = src/noded/noded.c
ctdb_noded_LDADD = $(NODED_LIBS) $(POPT_LIBS)
if HAVE_COROSYNC
ctdb_noded_SOURCES += src/noded/noded_cluster.c src/noded/tickles_sync.c
ctdb_noded_LDADD += $(CLUSTER_COROSYNC_LIBS) $(NODED_LIBS)
endif
EXTRA_DIST += src/noded/noded_cluster.c src/noded/tickles_sync.c

# Integration tests: the real ctdb-noded with our and Samba's ctdb-eventd.
# noded_lib.sh is sourced by them, not a test.
NODED_INTEGRATION_TESTS = \
	tests/integration/noded_basic.sh \
	tests/integration/noded_startup.sh \
	tests/integration/noded_health.sh \
	tests/integration/noded_admin.sh \
	tests/integration/noded_config.sh \
	tests/integration/noded_notify.sh \
	tests/integration/noded_hooks.sh \
	tests/integration/noded_samba_eventd.sh \
	tests/integration/fault_noded.sh \
	tests/integration/noded_nats.sh
TESTS += $(NODED_INTEGRATION_TESTS)
dist_check_SCRIPTS += $(NODED_INTEGRATION_TESTS)
dist_check_DATA += tests/integration/noded_lib.sh

# The cluster protocol as a pure state machine (no I/O, no clock), so its
# tests drive it with a fake CPG. The corosync glue around it comes later.
noinst_LIBRARIES += src/noded/libclusterproto.a
src_noded_libclusterproto_a_SOURCES = \
	src/noded/cluster_proto.c src/noded/cluster_proto.h \
	src/noded/cluster_proto_private.h \
	src/noded/cluster_proto_output.c src/noded/cluster_proto_members.c \
	src/noded/cluster_proto_actions.c \
	src/noded/cluster_proto_allocation.c src/noded/cluster_proto_view.c
CLUSTER_PROTO_LIBS = src/noded/libclusterproto.a $(NODED_PURE_LIBS) \
	$(PROTOCOL_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_cluster_proto
TESTS += tests/unit/test_cluster_proto
tests_unit_test_cluster_proto_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_cluster_proto_SOURCES = tests/unit/test_cluster_proto.c
tests_unit_test_cluster_proto_LDADD = $(CLUSTER_PROTO_LIBS) $(CMOCKA_LIBS)
endif
EXTRA_DIST += doc/cluster.md

# The corosync glue, and a driver that runs it on real corosync for
# tests/cluster/corosync_lab.sh (which skips, 77, without it).
if HAVE_COROSYNC
noinst_LIBRARIES += src/noded/libclustercorosync.a
src_noded_libclustercorosync_a_CFLAGS = $(AM_CFLAGS) $(COROSYNC_CFLAGS)
src_noded_libclustercorosync_a_SOURCES = \
	src/noded/cluster_corosync.c src/noded/cluster_corosync.h
CLUSTER_COROSYNC_LIBS = src/noded/libclustercorosync.a \
	$(CLUSTER_PROTO_LIBS) $(COMMON_LIBS) $(COROSYNC_LIBS)

check_PROGRAMS += tests/cluster/corosync_member
tests_cluster_corosync_member_SOURCES = tests/cluster/corosync_member.c
tests_cluster_corosync_member_LDADD = $(CLUSTER_COROSYNC_LIBS)
endif
EXTRA_DIST += src/noded/cluster_corosync.c src/noded/cluster_corosync.h \
	tests/cluster/corosync_member.c

# No call or include cycle among src/noded's files, read from the objects.
TESTS += tests/integration/noded_deps.sh
dist_check_SCRIPTS += tests/integration/noded_deps.sh
dist_check_DATA += tests/integration/noded_deps.py
