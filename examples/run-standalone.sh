#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Start the daemons from the build tree on the example configuration, in a
# new private directory (test mode: every path lives under CTDB_BASE).
# Stop with Ctrl-C. Usage: examples/run-standalone.sh [BUILDDIR]
set -e
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src}
base=$(mktemp -d /tmp/ctdb-standalone.XXXXXX)
cp -R "$src/examples/standalone/." "$base/"
mkdir -p "$base/run" "$base/var" "$base/share/events/legacy"
export CTDB_TEST_MODE=yes CTDB_BASE="$base"
# The node daemon starts the event daemon from the build tree.
export CTDB_TEST_HELPER_BINDIR="$build" CTDB_EVENTD="$build/ctdb-eventd"
echo "CTDB_BASE=$base"
echo "In another shell: export CTDB_TEST_MODE=yes CTDB_BASE=$base"
echo "  touch $base/fail    # the example monitor fails: node UNHEALTHY"
echo "  $build/ctdb event run 10 legacy monitor"
echo "  $build/ctdb event status legacy monitor"
if [ -x "$build/ctdb-noded" ]; then
	echo "  $build/ctdb status"
	echo "  $build/ctdb watch         # JSON lines: every key, then each change"
	echo "  $build/ctdb wait node.health=HEALTHY --timeout 60"
	echo "  $build/ctdb --json status"
	echo "  $build/ctdb event history legacy monitor"
	echo "  $build/ctdb metrics       # OpenMetrics text"
	exec "$build/ctdb-noded"
fi
exec "$build/ctdb-eventd"
