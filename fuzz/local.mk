# SPDX-License-Identifier: GPL-3.0-or-later
# fuzz: libFuzzer targets for everything that parses peer or file input.
# make check replays each target's seed corpus (fuzz/corpus/<target>) and
# past findings (fuzz/regress/<target>) through the same entry point,
# linked with replay.c instead of libFuzzer, so any configuration runs
# them. With --enable-fuzzing, `make fuzz` builds the libFuzzer binaries
# fuzz/fuzz_<target> and `make fuzz-run` runs each for FUZZ_SECONDS.

FUZZ_REPLAY_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_SRCDIR=\"$(abs_top_srcdir)\"

FUZZ_REPLAY_TESTS = \
	fuzz/replay_event_protocol \
	fuzz/replay_node_protocol \
	fuzz/replay_watch_protocol \
	fuzz/replay_conf \
	fuzz/replay_tunables \
	fuzz/replay_public_ips \
	fuzz/replay_cluster_protocol
check_PROGRAMS += $(FUZZ_REPLAY_TESTS)
TESTS += $(FUZZ_REPLAY_TESTS)

fuzz_replay_event_protocol_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) \
	-DFUZZ_TARGET=\"event_protocol\"
fuzz_replay_event_protocol_SOURCES = fuzz/fuzz_event_protocol.c \
	fuzz/replay.c fuzz/fuzz.h
fuzz_replay_event_protocol_LDADD = $(PROTOCOL_LIBS)

fuzz_replay_node_protocol_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) \
	-DFUZZ_TARGET=\"node_protocol\"
fuzz_replay_node_protocol_SOURCES = fuzz/fuzz_node_protocol.c \
	fuzz/replay.c fuzz/fuzz.h
fuzz_replay_node_protocol_LDADD = $(PROTOCOL_LIBS)

fuzz_replay_watch_protocol_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) \
	-DFUZZ_TARGET=\"watch_protocol\"
fuzz_replay_watch_protocol_SOURCES = fuzz/fuzz_watch_protocol.c \
	fuzz/replay.c fuzz/fuzz.h
fuzz_replay_watch_protocol_LDADD = $(PROTOCOL_LIBS)

fuzz_replay_conf_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -DFUZZ_TARGET=\"conf\"
fuzz_replay_conf_SOURCES = fuzz/fuzz_conf.c fuzz/replay.c fuzz/fuzz.h
fuzz_replay_conf_LDADD = $(COMMON_LIBS)

fuzz_replay_tunables_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) \
	-DFUZZ_TARGET=\"tunables\"
fuzz_replay_tunables_SOURCES = fuzz/fuzz_tunables.c fuzz/replay.c \
	fuzz/fuzz.h
fuzz_replay_tunables_LDADD = $(COMMON_LIBS)

fuzz_replay_public_ips_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) \
	-DFUZZ_TARGET=\"public_ips\"
fuzz_replay_public_ips_SOURCES = fuzz/fuzz_public_ips.c fuzz/replay.c \
	fuzz/fuzz.h
fuzz_replay_public_ips_LDADD = $(NODED_PURE_LIBS)

fuzz_replay_cluster_protocol_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) \
	-DFUZZ_TARGET=\"cluster_protocol\"
fuzz_replay_cluster_protocol_SOURCES = fuzz/fuzz_cluster_protocol.c \
	fuzz/replay.c fuzz/fuzz.h
fuzz_replay_cluster_protocol_LDADD = $(PROTOCOL_LIBS)

# The libFuzzer binaries link instrumented copies of the libraries under
# test (coverage for libFuzzer, ASan and UBSan: FUZZ_CFLAGS from
# configure), built from the same source lists so they follow any change
# to them. Binaries and copies are built only by `make fuzz`
# (EXTRA_PROGRAMS: man/local.mk, included earlier, sets it first).
FUZZ_LIBS = \
	fuzz/libfuzz_nodedpure.a \
	fuzz/libfuzz_protocol.a \
	fuzz/libfuzz_common.a
EXTRA_LIBRARIES = $(FUZZ_LIBS)
CLEANFILES += $(FUZZ_LIBS)

FUZZ_TARGET_CFLAGS = $(AM_CFLAGS) $(FUZZ_CFLAGS)

fuzz_libfuzz_common_a_CFLAGS = $(FUZZ_TARGET_CFLAGS) $(NATS_CFLAGS)
fuzz_libfuzz_common_a_SOURCES = $(src_common_libcommon_a_SOURCES)
fuzz_libfuzz_protocol_a_CFLAGS = $(FUZZ_TARGET_CFLAGS)
fuzz_libfuzz_protocol_a_SOURCES = $(src_protocol_libprotocol_a_SOURCES)
fuzz_libfuzz_nodedpure_a_CFLAGS = $(FUZZ_TARGET_CFLAGS)
fuzz_libfuzz_nodedpure_a_SOURCES = $(src_noded_libnodedpure_a_SOURCES)

FUZZ_BINARIES = \
	fuzz/fuzz_event_protocol \
	fuzz/fuzz_node_protocol \
	fuzz/fuzz_watch_protocol \
	fuzz/fuzz_conf \
	fuzz/fuzz_tunables \
	fuzz/fuzz_public_ips \
	fuzz/fuzz_cluster_protocol
EXTRA_PROGRAMS += $(FUZZ_BINARIES)
CLEANFILES += $(FUZZ_BINARIES)

fuzz_fuzz_event_protocol_CFLAGS = $(FUZZ_TARGET_CFLAGS)
fuzz_fuzz_event_protocol_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_event_protocol_SOURCES = fuzz/fuzz_event_protocol.c fuzz/fuzz.h
fuzz_fuzz_event_protocol_LDADD = fuzz/libfuzz_protocol.a $(TALLOC_LIBS)

fuzz_fuzz_node_protocol_CFLAGS = $(FUZZ_TARGET_CFLAGS)
fuzz_fuzz_node_protocol_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_node_protocol_SOURCES = fuzz/fuzz_node_protocol.c fuzz/fuzz.h
fuzz_fuzz_node_protocol_LDADD = fuzz/libfuzz_protocol.a $(TALLOC_LIBS)

fuzz_fuzz_watch_protocol_CFLAGS = $(FUZZ_TARGET_CFLAGS)
fuzz_fuzz_watch_protocol_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_watch_protocol_SOURCES = fuzz/fuzz_watch_protocol.c fuzz/fuzz.h
fuzz_fuzz_watch_protocol_LDADD = fuzz/libfuzz_protocol.a $(TALLOC_LIBS) \
	$(JANSSON_LIBS)

fuzz_fuzz_conf_CFLAGS = $(FUZZ_TARGET_CFLAGS)
fuzz_fuzz_conf_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_conf_SOURCES = fuzz/fuzz_conf.c fuzz/fuzz.h
fuzz_fuzz_conf_LDADD = fuzz/libfuzz_common.a $(TEVENT_LIBS) $(TALLOC_LIBS)

fuzz_fuzz_tunables_CFLAGS = $(FUZZ_TARGET_CFLAGS)
fuzz_fuzz_tunables_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_tunables_SOURCES = fuzz/fuzz_tunables.c fuzz/fuzz.h
fuzz_fuzz_tunables_LDADD = fuzz/libfuzz_common.a $(TEVENT_LIBS) \
	$(TALLOC_LIBS)

fuzz_fuzz_public_ips_CFLAGS = $(FUZZ_TARGET_CFLAGS)
fuzz_fuzz_public_ips_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_public_ips_SOURCES = fuzz/fuzz_public_ips.c fuzz/fuzz.h
fuzz_fuzz_public_ips_LDADD = fuzz/libfuzz_nodedpure.a fuzz/libfuzz_common.a \
	$(TEVENT_LIBS) $(TALLOC_LIBS)

fuzz_fuzz_cluster_protocol_CFLAGS = $(FUZZ_TARGET_CFLAGS)
fuzz_fuzz_cluster_protocol_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_cluster_protocol_SOURCES = fuzz/fuzz_cluster_protocol.c fuzz/fuzz.h
fuzz_fuzz_cluster_protocol_LDADD = fuzz/libfuzz_protocol.a $(TALLOC_LIBS)

FUZZ_SECONDS = 60

if ENABLE_FUZZING
fuzz: $(FUZZ_BINARIES)

fuzz-run: fuzz
	$(SHELL) $(srcdir)/fuzz/run-fuzzers.sh -t $(FUZZ_SECONDS) \
		-s $(srcdir) -b $(builddir)
else
fuzz fuzz-run:
	@echo "$@: configure with CC=clang --enable-fuzzing first" >&2
	@exit 1
endif
.PHONY: fuzz fuzz-run

EXTRA_DIST += fuzz/run-fuzzers.sh fuzz/corpus fuzz/regress

# A sanitizer build runs no test under valgrind (the two cannot share a
# process), reports leaks, and stops at the first UBSan error. Settings
# already in the environment come last, so they win.
if ENABLE_SANITIZERS
AM_TESTS_ENVIRONMENT += \
	VALGRIND=; export VALGRIND; \
	ASAN_OPTIONS="detect_leaks=1:$${ASAN_OPTIONS:-}"; \
	export ASAN_OPTIONS; \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:$${UBSAN_OPTIONS:-}"; \
	export UBSAN_OPTIONS;
endif
