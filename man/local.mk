# SPDX-License-Identifier: GPL-3.0-or-later
# man: mdoc pages, generated from .in templates with the configured paths.
#
# The templates name directories by placeholder (@ETCDIR@, @RUNDIR@, ...);
# the rule below fills them in with the same values the programs are built
# with (see AM_CPPFLAGS in Makefile.am), so a page never disagrees with the
# binary it documents. Pages are written to the build tree and read from
# the source tree, so VPATH builds work.

MAN_PAGES = \
	man/ctdb.1 \
	man/ctdb-event.1 \
	man/ctdb.conf.5 \
	man/ctdb-events.7 \
	man/ctdb-samba.7 \
	man/ctdb-tunables.7 \
	man/ctdb-eventd.8 \
	man/ctdb-noded.8 \
	man/ctdb-config.8 \
	man/ctdb_killtcp.8

man_MANS += \
	man/ctdb.1 \
	man/ctdb-event.1 \
	man/ctdb.conf.5 \
	man/ctdb-events.7 \
	man/ctdb-samba.7 \
	man/ctdb-tunables.7 \
	man/ctdb-eventd.8 \
	man/ctdb-noded.8 \
	man/ctdb-config.8 \
	man/ctdb_killtcp.8
CLEANFILES += $(MAN_PAGES)
EXTRA_DIST += \
	man/ctdb.1.in \
	man/ctdb-event.1.in \
	man/ctdb.conf.5.in \
	man/ctdb-events.7.in \
	man/ctdb-samba.7.in \
	man/ctdb-tunables.7.in \
	man/ctdb-eventd.8.in \
	man/ctdb-noded.8.in \
	man/ctdb-config.8.in \
	man/ctdb_killtcp.8.in

# Make expands the nested ${prefix}-style references of these variables.
man_subst = sed \
	-e 's|@ETCDIR@|$(sysconfdir)/ctdb|g' \
	-e 's|@RUNDIR@|$(runstatedir)/ctdb|g' \
	-e 's|@DATADIR@|$(datadir)/ctdb|g' \
	-e 's|@HELPERDIR@|$(libexecdir)/ctdb|g' \
	-e 's|@VARDIR@|$(localstatedir)/lib/ctdb|g' \
	-e 's|@LOGDIR@|$(localstatedir)/log/ctdb|g' \
	-e 's|@SBINDIR@|$(sbindir)|g' \
	-e 's|@BINDIR@|$(bindir)|g'

# Written to a temporary file first, so an interrupted build leaves no
# half-made page behind. The page depends on Makefile so that a new
# configure run (other paths) regenerates it.
man_generate = $(AM_V_GEN)$(MKDIR_P) man && rm -f $@ $@.tmp && \
	$(man_subst) $(srcdir)/$@.in >$@.tmp && mv $@.tmp $@

man/ctdb.1: $(srcdir)/man/ctdb.1.in Makefile
	$(man_generate)
man/ctdb-event.1: $(srcdir)/man/ctdb-event.1.in Makefile
	$(man_generate)
man/ctdb.conf.5: $(srcdir)/man/ctdb.conf.5.in Makefile
	$(man_generate)
man/ctdb-events.7: $(srcdir)/man/ctdb-events.7.in Makefile
	$(man_generate)
man/ctdb-samba.7: $(srcdir)/man/ctdb-samba.7.in Makefile
	$(man_generate)
man/ctdb-tunables.7: $(srcdir)/man/ctdb-tunables.7.in Makefile
	$(man_generate)
man/ctdb-eventd.8: $(srcdir)/man/ctdb-eventd.8.in Makefile
	$(man_generate)
man/ctdb-noded.8: $(srcdir)/man/ctdb-noded.8.in Makefile
	$(man_generate)
man/ctdb-config.8: $(srcdir)/man/ctdb-config.8.in Makefile
	$(man_generate)
man/ctdb_killtcp.8: $(srcdir)/man/ctdb_killtcp.8.in Makefile
	$(man_generate)

# "make man" builds the pages alone, without compiling anything.
.PHONY: man
man: $(MAN_PAGES)

# Every page renders without a groff warning and with no placeholder left.
TESTS += tests/integration/test_man.sh
dist_check_SCRIPTS += tests/integration/test_man.sh

# ctdb-tunables(7) lists the tunables of the table in src/common/tunable.c
# with their defaults and ranges; tunables_doc.sh compares the page with
# the table as dump_tunables prints it. The program is built only for the
# test (an extra dependency of its log), not run as a test itself.
EXTRA_PROGRAMS = tests/unit/dump_tunables
tests_unit_dump_tunables_SOURCES = tests/unit/dump_tunables.c
tests_unit_dump_tunables_LDADD = $(COMMON_LIBS)
CLEANFILES += tests/unit/dump_tunables$(EXEEXT)
TESTS += tests/integration/tunables_doc.sh
dist_check_SCRIPTS += tests/integration/tunables_doc.sh
tests/integration/tunables_doc.log: tests/unit/dump_tunables$(EXEEXT) \
	man/ctdb-tunables.7
