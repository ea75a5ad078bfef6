# SPDX-License-Identifier: GPL-3.0-or-later
# cmocka unit tests: one program per module, linking only that module and
# the layers below it. Without cmocka they are not built.
if HAVE_CMOCKA
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LIBS = $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_event_protocol
tests_unit_test_event_protocol_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_event_protocol_SOURCES = tests/unit/test_event_protocol.c
tests_unit_test_event_protocol_LDADD = $(PROTOCOL_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_run_proc
tests_unit_test_run_proc_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_run_proc_SOURCES = tests/unit/test_run_proc.c
tests_unit_test_run_proc_LDADD = $(COMMON_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_sock_io
tests_unit_test_sock_io_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sock_io_SOURCES = tests/unit/test_sock_io.c
tests_unit_test_sock_io_LDADD = $(COMMON_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_conf
tests_unit_test_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_LDADD = $(COMMON_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_line_file
tests_unit_test_line_file_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_line_file_SOURCES = tests/unit/test_line_file.c
tests_unit_test_line_file_LDADD = $(COMMON_LIBS) $(UNIT_LIBS)
TESTS += tests/unit/test_line_file

check_PROGRAMS += tests/unit/test_script_list
tests_unit_test_script_list_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_script_list_SOURCES = tests/unit/test_script_list.c
tests_unit_test_script_list_LDADD = $(SCRIPTDIR_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_run_event
tests_unit_test_run_event_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_run_event_SOURCES = tests/unit/test_run_event.c
tests_unit_test_run_event_LDADD = $(EVENTD_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_script_log
tests_unit_test_script_log_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_script_log_SOURCES = tests/unit/test_script_log.c
tests_unit_test_script_log_LDADD = $(EVENTD_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_event_status
tests_unit_test_event_status_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_event_status_SOURCES = tests/unit/test_event_status.c
tests_unit_test_event_status_LDADD = $(EVENTD_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_event_tool
tests_unit_test_event_tool_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_event_tool_SOURCES = tests/unit/test_event_tool.c
tests_unit_test_event_tool_LDADD = $(EVENT_TOOL_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_keyspace
tests_unit_test_keyspace_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_keyspace_SOURCES = tests/unit/test_keyspace.c
tests_unit_test_keyspace_LDADD = $(COMMON_LIBS) $(UNIT_LIBS)

TESTS += tests/unit/test_keyspace

TESTS += tests/unit/test_event_protocol \
	tests/unit/test_run_proc \
	tests/unit/test_sock_io \
	tests/unit/test_conf \
	tests/unit/test_script_list \
	tests/unit/test_run_event \
	tests/unit/test_script_log \
	tests/unit/test_event_status \
	tests/unit/test_event_tool
endif

# The JSON shapes of src/protocol/event_json.c.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_event_json
TESTS += tests/unit/test_event_json
tests_unit_test_event_json_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_event_json_SOURCES = tests/unit/test_event_json.c
tests_unit_test_event_json_LDADD = $(PROTOCOL_LIBS) $(UNIT_LIBS)
endif

# OpenMetrics registry (src/common/metrics.c) and the history ring.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_metrics
TESTS += tests/unit/test_metrics
tests_unit_test_metrics_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_metrics_SOURCES = tests/unit/test_metrics.c
tests_unit_test_metrics_LDADD = $(COMMON_LIBS) $(UNIT_LIBS)

check_PROGRAMS += tests/unit/test_eventd_metrics
TESTS += tests/unit/test_eventd_metrics
tests_unit_test_eventd_metrics_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_eventd_metrics_SOURCES = tests/unit/test_eventd_metrics.c
tests_unit_test_eventd_metrics_LDADD = $(EVENTD_LIBS) $(UNIT_LIBS)

# The presentation of `ctdb event history` and `ctdb metrics`.
check_PROGRAMS += tests/unit/test_event_history
TESTS += tests/unit/test_event_history
tests_unit_test_event_history_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_event_history_SOURCES = tests/unit/test_event_history.c \
	tools/metrics_tool.c
tests_unit_test_event_history_LDADD = $(EVENT_TOOL_LIBS) $(UNIT_LIBS)
endif
