# SPDX-License-Identifier: GPL-3.0-or-later
# init: starting ctdb-noded from the init system, systemd or SysV.
#
# Both files are generated from .in templates with the path substitution
# of the man pages (man_subst, man/local.mk), so they name the daemon and
# run directory the build installs. The SysV script is generated as
# init/ctdb-noded so that it installs under that name.

nodist_systemdsystemunit_DATA = init/ctdb-noded.service
initddir = $(sysconfdir)/init.d
nodist_initd_SCRIPTS = init/ctdb-noded
CLEANFILES += init/ctdb-noded.service init/ctdb-noded
EXTRA_DIST += init/ctdb-noded.service.in init/ctdb-noded.init.in

# Written to a temporary file first, so an interrupted build leaves no
# half-made file behind.
init/ctdb-noded.service: $(srcdir)/init/ctdb-noded.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) init && rm -f $@ $@.tmp && \
	$(man_subst) $(srcdir)/init/ctdb-noded.service.in >$@.tmp && \
	chmod 0644 $@.tmp && mv $@.tmp $@
init/ctdb-noded: $(srcdir)/init/ctdb-noded.init.in Makefile
	$(AM_V_GEN)$(MKDIR_P) init && rm -f $@ $@.tmp && \
	$(man_subst) $(srcdir)/init/ctdb-noded.init.in >$@.tmp && \
	chmod 0755 $@.tmp && mv $@.tmp $@

# The unit passes systemd-analyze verify, the SysV script parses, is
# shellcheck-clean and answers status, start and stop as LSB asks.
TESTS += tests/integration/init_files.sh
dist_check_SCRIPTS += tests/integration/init_files.sh
