# SPDX-License-Identifier: GPL-3.0-or-later
# tools: the ctdb node commands (status, ip, getvar, stop, ...) as a
# library that the ctdb program dispatches to.
noinst_LIBRARIES += tools/libnodetool.a
tools_libnodetool_a_SOURCES = tools/node_tool.c tools/node_tool.h \
	tools/node_tool_private.h tools/node_commands.c \
	tools/node_stock_commands.c tools/node_cluster_commands.c \
	tools/node_tickle_commands.c

# Output (tools/node_output.c) is in tools/libtoolformat.a (tools/local.mk).
NODE_TOOL_LIBS = tools/libnodetool.a $(TOOL_FORMAT_LIBS) $(CLIENT_LIBS)

EXTRA_DIST += tests/unit/fixtures/capture-ctdb-4.17.sh \
	tests/unit/fixtures/ctdb-4.17-combos.txt \
	tests/unit/fixtures/ctdb-4.17-healthy.txt \
	tests/unit/fixtures/ctdb-4.17-noconnect.txt \
	tests/unit/fixtures/ctdb-4.17-shutdown.txt \
	tests/unit/fixtures/ctdb-4.17-stock.txt \
	tests/unit/fixtures/ctdb-4.17-stopped.txt \
	tests/unit/fixtures/ctdb-4.17-twonode.txt \
	tests/unit/fixtures/ctdb-4.17-unhealthy.txt

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_node_tool
TESTS += tests/unit/test_node_tool
tests_unit_test_node_tool_CPPFLAGS = $(AM_CPPFLAGS) \
	-DNODE_TOOL_FIXTURES='"$(abs_top_srcdir)/tests/unit/fixtures"'
tests_unit_test_node_tool_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_node_tool_SOURCES = tests/unit/test_node_tool.c
tests_unit_test_node_tool_LDADD = $(NODE_TOOL_LIBS) $(CMOCKA_LIBS)
endif
