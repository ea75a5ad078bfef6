# SPDX-License-Identifier: GPL-3.0-or-later
# tools: ctdb-event and ctdb. The event tool is a library both link:
# command table (event_tool.c), transport (event_transport.c) and the
# filesystem commands (event_scripts.c). Output, for the node commands
# too, is tools/libtoolformat.a (text, -X, JSON).
noinst_LIBRARIES += tools/libeventtool.a
tools_libeventtool_a_CFLAGS = $(AM_CFLAGS) $(POPT_CFLAGS)
tools_libeventtool_a_SOURCES = tools/event_tool.c tools/event_tool.h \
	tools/event_tool_private.h tools/event_transport.c \
	tools/event_scripts.c

noinst_LIBRARIES += tools/libtoolformat.a
tools_libtoolformat_a_SOURCES = tools/tool_format.c tools/tool_format.h \
	tools/event_output.c tools/node_output.c \
	tools/event_history.c tools/event_history.h

TOOL_FORMAT_LIBS = tools/libtoolformat.a

# script list/enable use the daemon's own script-directory module
# (src/scriptdir); nothing of the daemon itself is linked. POPT_TOOL_LIBS
# is libpopt linked statically when configure found libpopt.a: one shared
# library less to load per command (see configure.ac).
EVENT_TOOL_LIBS = tools/libeventtool.a $(TOOL_FORMAT_LIBS) $(SCRIPTDIR_LIBS) \
	$(CLIENT_LIBS) $(POPT_TOOL_LIBS) $(JANSSON_LIBS)

ctdbhelper_PROGRAMS += ctdb-event
ctdb_event_SOURCES = tools/ctdb-event.c
ctdb_event_LDADD = $(EVENT_TOOL_LIBS)

bin_PROGRAMS += ctdb
ctdb_CFLAGS = $(AM_CFLAGS) $(POPT_CFLAGS)
ctdb_SOURCES = tools/ctdb.c tools/watch_tool.c tools/watch_tool.h \
	tools/metrics_tool.c tools/metrics_tool.h
ctdb_LDADD = $(NODE_TOOL_LIBS) $(EVENT_TOOL_LIBS)
