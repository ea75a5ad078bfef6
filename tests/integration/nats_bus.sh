#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The event bus mechanism against a real nats-server (see nats_bus_test.py).
. "$abs_top_srcdir/tests/integration/harness.sh"
h_init

command -v python3 >/dev/null || h_skip "python3 not installed"
PATH=$PATH:/usr/sbin
command -v nats-server >/dev/null || h_skip "nats-server not installed"
[ -x "$abs_top_builddir/tests/integration/nats_bus_driver" ] ||
	h_skip "built without NATS support"

# The port is derived from this shell's pid (the script's parent).
TESTDIR=$TESTDIR python3 "$abs_top_srcdir/tests/integration/nats_bus_test.py"
