# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers that CTDB's event scripts call through CTDB_HELPER_BINDIR.
# ctdb_killtcp takes only net_packet.o and net_raw.o from libcommon.a.
ctdbhelper_PROGRAMS += ctdb_killtcp
ctdb_killtcp_SOURCES = tools/ctdb_killtcp.c
ctdb_killtcp_LDADD = src/common/libcommon.a

check_PROGRAMS += tests/integration/net_send_driver
tests_integration_net_send_driver_SOURCES = tests/integration/net_send_driver.c
tests_integration_net_send_driver_LDADD = src/common/libcommon.a

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_net_packet
TESTS += tests/unit/test_net_packet
tests_unit_test_net_packet_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_net_packet_SOURCES = tests/unit/test_net_packet.c
tests_unit_test_net_packet_LDADD = src/common/libcommon.a $(CMOCKA_LIBS)
endif

TESTS += tests/integration/net_failover.sh
dist_check_SCRIPTS += tests/integration/net_failover.sh

# ctdb-config reads ctdb.conf for the scripts (/etc/ctdb/functions).
ctdbhelper_PROGRAMS += ctdb-config
ctdb_config_SOURCES = tools/ctdb_config.c
ctdb_config_LDADD = src/common/libcommon.a $(TALLOC_LIBS)
