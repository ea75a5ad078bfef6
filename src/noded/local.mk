# SPDX-License-Identifier: GPL-3.0-or-later
# src/noded: ctdb-noded. The pure parts (public_addresses parsing, IP
# allocation) form their own library so their tests link nothing else.
# The rest of src/noded gets its own library in this file later.
noinst_LIBRARIES += src/noded/libnodedpure.a
src_noded_libnodedpure_a_CFLAGS = $(AM_CFLAGS)
src_noded_libnodedpure_a_SOURCES = \
	src/noded/public_ips.c src/noded/public_ips.h \
	src/noded/ipalloc.c src/noded/ipalloc.h

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
endif
