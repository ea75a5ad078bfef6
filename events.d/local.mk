# SPDX-License-Identifier: GPL-3.0-or-later
# events.d: the shipped event scripts and the script contract (README).
#
# They are installed as the "provided" scripts of the legacy component,
# $(datadir)/ctdb/events/legacy, where `ctdb event script enable legacy
# NAME` finds them and links them into $(sysconfdir)/ctdb/events/legacy.
# Nothing is enabled by installing. The two real scripts are generated
# from .in templates with the same path substitution as the man pages
# (man_subst, man/local.mk), so their defaults match the binaries.

ctdbeventsdir = $(datadir)/ctdb/events/legacy
EVENTS_GENERATED = \
	events.d/00.node.script \
	events.d/10.interface.script
nodist_ctdbevents_SCRIPTS = $(EVENTS_GENERATED)
dist_ctdbevents_DATA = \
	events.d/90.service-check.script.example \
	events.d/README
CLEANFILES += $(EVENTS_GENERATED)
EXTRA_DIST += \
	events.d/00.node.script.in \
	events.d/10.interface.script.in

# An example notification hook (ctdb-events(7)), installed as data: it
# never runs from there, and hooks stay off until the administrator
# creates $(sysconfdir)/ctdb/events/notification and copies it in.
ctdbnotificationdir = $(datadir)/ctdb/events/notification
dist_ctdbnotification_DATA = \
	events.d/notification/10.log-json.script.example

# Written to a temporary file first, so an interrupted build leaves no
# half-made script behind; the mode is set before the rename.
events_generate = $(AM_V_GEN)$(MKDIR_P) events.d && rm -f $@ $@.tmp && \
	$(man_subst) $(srcdir)/$@.in >$@.tmp && chmod 0755 $@.tmp && \
	mv $@.tmp $@

events.d/00.node.script: $(srcdir)/events.d/00.node.script.in Makefile
	$(events_generate)
events.d/10.interface.script: $(srcdir)/events.d/10.interface.script.in Makefile
	$(events_generate)

# The directory that holds the enabled scripts, and the events.d link of
# CTDB before 4.9. A real events.d directory from an old installation is
# left alone (and said so): it may hold scripts. Uninstall removes only
# what this made: the link, and the directories if they are empty.
install-data-hook: events-install-data-hook
uninstall-hook: events-uninstall-hook
.PHONY: events-install-data-hook events-uninstall-hook

events-install-data-hook:
	$(MKDIR_P) '$(DESTDIR)$(sysconfdir)/ctdb/events/legacy'
	@link='$(DESTDIR)$(sysconfdir)/ctdb/events.d'; \
	if test -h "$$link" || test ! -e "$$link"; then \
		echo " rm -f '$$link' && $(LN_S) events/legacy '$$link'"; \
		rm -f "$$link" && $(LN_S) events/legacy "$$link"; \
	else \
		echo "$$link exists and is not a symbolic link: left as it is" >&2; \
	fi

events-uninstall-hook:
	@link='$(DESTDIR)$(sysconfdir)/ctdb/events.d'; \
	if test -h "$$link"; then \
		echo " rm -f '$$link'"; \
		rm -f "$$link"; \
	fi
	@for d in '$(DESTDIR)$(sysconfdir)/ctdb/events/legacy' \
		  '$(DESTDIR)$(sysconfdir)/ctdb/events' \
		  '$(DESTDIR)$(sysconfdir)/ctdb'; do \
		rmdir "$$d" 2>/dev/null || :; \
	done

# 10.interface and 00.node against a stub ip(8); 10.interface with real
# addresses in two network namespaces (root only, else skipped).
TESTS += \
	tests/integration/scripts_interface.sh \
	tests/integration/netns_interface.sh
dist_check_SCRIPTS += \
	tests/integration/scripts_interface.sh \
	tests/integration/netns_interface.sh
