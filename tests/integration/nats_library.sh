#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# libnats is loaded only when [events] nats url is set, and a missing
# library stops either daemon at start with a clear error. The library is
# installed wherever this build found it, so its absence is simulated:
# in test mode CTDB_TEST_NATS_LIBRARY names the file the daemons dlopen()
# instead of the soname, here one that exists nowhere. (LD_LIBRARY_PATH
# cannot hide a library the system's loader cache knows.)

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require
grep -q '^#define HAVE_NATS 1' "$abs_top_builddir/config.h" ||
	h_skip "built without NATS support"
soname=$(sed -n 's/^#define NATS_SONAME "\(.*\)"$/\1/p' \
	"$abs_top_builddir/config.h")

# Nothing listens there: the daemons never get as far as connecting, or
# connect in the background.
URL="nats://127.0.0.1:$((20000 + $$ % 20000))"
ABSENT="libctdb-test-absent-nats.so.0"

# maps_has PID PATTERN: the process has a file matching PATTERN mapped.
maps_has()
{
	grep -q -- "$2" "/proc/$1/maps" 2>/dev/null
}

# ------------------------------------------ no url: nothing NATS is loaded

B=$(setup_base plain) || h_die "setup_base failed"
add_component "$B" legacy
if daemon_start ours "$B"; then
	pid=$DAEMON_PID
	check "ctdb-eventd without a nats url: libnats not loaded" \
		eval "! maps_has $pid libnats"
	check "ctdb-eventd without a nats url: libssl, libcrypto not loaded" \
		eval "! maps_has $pid 'libssl\|libcrypto'"
	daemon_stop "$B"
else
	h_fail "ctdb-eventd without a nats url did not start (exit $DAEMON_RC)"
fi

# ------------------------------------------------ url set: libnats loaded

B=$(setup_base url) || h_die "setup_base failed"
add_component "$B" legacy
conf_add "$B" "[events]" "	nats url = $URL"
if daemon_start ours "$B"; then
	pid=$DAEMON_PID
	check "ctdb-eventd with a nats url: $soname loaded" \
		maps_has "$pid" "/$soname"
	daemon_stop "$B"
else
	h_fail "ctdb-eventd with a nats url did not start (exit $DAEMON_RC)"
	sed -e 's/^/    /' "$B/log.ctdb"
fi

# ------------------------------------- url set, library missing: refused

expected="event bus: nats url '$URL' is set, but cannot load the NATS client library: $ABSENT: cannot open shared object file: No such file or directory; install the NATS C client ($soname) or remove the url from [events]"

B=$(setup_base eventd) || h_die "setup_base failed"
add_component "$B" legacy
conf_add "$B" "[events]" "	nats url = $URL"
export CTDB_TEST_NATS_LIBRARY=$ABSENT
if daemon_start ours "$B"; then
	h_fail "ctdb-eventd started without its NATS library"
	daemon_stop "$B"
else
	check "ctdb-eventd exits non-zero without its NATS library" \
		test "${DAEMON_RC:-0}" -ne 0
	check "ctdb-eventd says which library is missing and what to do" \
		grep -q -F -- "$expected" "$B/log.ctdb"
	check "ctdb-eventd leaves no socket behind" \
		test ! -e "$B/run/eventd.socket"
fi

B=$(nl_base noded) || h_die "nl_base failed"
conf_add "$B" "[events]" "	nats url = $URL"
nl_start "$B"
if daemon_wait_exit "$NL_PID" 30; then
	check "ctdb-noded exits non-zero without its NATS library" \
		test "$DAEMON_RC" -ne 0
	check "ctdb-noded says which library is missing and what to do" \
		grep -q -F -- "$expected" "$B/log.ctdb"
	check "ctdb-noded ran no event" test ! -s "$B/events.log"
else
	h_fail "ctdb-noded still runs without its NATS library"
fi
unset CTDB_TEST_NATS_LIBRARY

h_finish
