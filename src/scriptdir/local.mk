# SPDX-License-Identifier: GPL-3.0-or-later
# src/scriptdir: one directory of event scripts (naming rules, listing,
# enable/disable, safety checks), shared by ctdb-eventd and the tools so
# both see and change exactly the same scripts.
noinst_LIBRARIES += src/scriptdir/libscriptdir.a
src_scriptdir_libscriptdir_a_SOURCES = \
	src/scriptdir/script_dir.c src/scriptdir/script_dir.h

SCRIPTDIR_LIBS = src/scriptdir/libscriptdir.a $(TALLOC_LIBS)
