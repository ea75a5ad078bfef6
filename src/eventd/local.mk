# SPDX-License-Identifier: GPL-3.0-or-later
# src/eventd: the event daemon. Everything but main() is a library so the
# unit tests can link the modules.
noinst_LIBRARIES += src/eventd/libeventd.a
src_eventd_libeventd_a_SOURCES = \
	src/eventd/event_status.c src/eventd/event_status.h \
	src/eventd/run_event.c src/eventd/run_event.h \
	src/eventd/script_log.c src/eventd/script_log.h \
	src/eventd/eventd_config.c src/eventd/eventd_config.h \
	src/eventd/eventd_cmd.c src/eventd/eventd_private.h \
	src/eventd/eventd_metrics.c src/eventd/eventd_metrics.h

EVENTD_LIBS = src/eventd/libeventd.a $(SERVER_LIBS) $(SCRIPTDIR_LIBS) src/protocol/libprotocol.a \
	$(COMMON_LIBS) $(NATS_BUS_LIBS) $(JANSSON_LIBS)

ctdbhelper_PROGRAMS += ctdb-eventd
ctdb_eventd_SOURCES = src/eventd/eventd.c
ctdb_eventd_LDADD = $(EVENTD_LIBS) $(POPT_LIBS)
