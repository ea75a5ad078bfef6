#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# No call or include cycle among src/noded's files (issue 10): the graph
# is read from the built objects with nm, so it is what links, not what
# the comments say.
command -v nm >/dev/null 2>&1 || { echo "SKIP: nm not found"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
exec python3 "$abs_top_srcdir/tests/integration/noded_deps.py" \
	"$abs_top_builddir" "$abs_top_srcdir" --print
