#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's 3-node example works as a newcomer would use it:
# examples/cluster-3node.sh start brings up three nodes on corosync in
# network namespaces, `status` shows three healthy nodes sharing the six
# public addresses, the client namespace reaches every address, a node
# killed with kill -9 (corosync and ctdb-noded) loses its addresses to
# the two others, and `stop` leaves no namespace and no process behind.
#
# Needs root (skipped, 77, otherwise), ip netns, corosync and a build with
# the corosync backend. The example's directory and namespace prefix
# derive from $$, so it does not meet a user's copy.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
. "$abs_top_srcdir/tests/integration/harness.sh"

[ "$(id -u)" -eq 0 ] || h_skip "needs root (network namespaces)"
grep -q '^#define HAVE_COROSYNC 1' "$abs_top_builddir/config.h" ||
	h_skip "built without the corosync backend"
for t in ip corosync ping; do
	command -v "$t" >/dev/null 2>&1 || h_skip "$t is not installed"
done
h_init

example=$abs_top_srcdir/examples/cluster-3node.sh
export CLUSTER_DIR=$TESTDIR/cluster
export CLUSTER_NS=ex$(($$ % 100000))
pub=192.168.77.

example_stop()
{
	[ -d "$CLUSTER_DIR" ] && bash "$example" stop >/dev/null 2>&1
}
trap 'rc=$?; example_stop; (exit $rc); h_cleanup' EXIT

# ctdb on node I, as the example's status command runs it.
ctdb_on()
{
	local i=$1
	shift
	ip netns exec "$CLUSTER_NS-n$i" env CTDB_TEST_MODE=yes \
		CTDB_BASE="$CLUSTER_DIR/n$i" "$abs_top_builddir/ctdb" "$@"
}

# Lines of `ctdb ip all` (as -X rows) whose holder is a node, not -1.
held_addresses()
{
	ctdb_on 1 -X ip all 2>/dev/null | awk -F'|' 'NR > 1 && $3 >= 0'
}

all_held()
{
	[ "$(held_addresses | wc -l)" -eq 6 ]
}

all_healthy()
{
	[ "$(ctdb_on 1 status 2>/dev/null | grep -c 'OK')" -ge 3 ]
}

holder_of_none()
{
	! held_addresses | awk -F'|' -v p="$1" '$3 == p { f = 1 } END { exit !f }'
}

bash "$example" start "$abs_top_builddir" >"$TESTDIR/start.out" 2>&1
check "start reports three nodes" grep -q '3 nodes started' "$TESTDIR/start.out" ||
	cat "$TESTDIR/start.out"
check "three nodes become OK" wait_until 90 all_healthy
check "the six public addresses are all held" wait_until 90 all_held

bash "$example" status >"$TESTDIR/status.out" 2>&1
check "status shows node 1, 2 and 3" \
	test "$(grep -cE '^pnn:[0-2] ' "$TESTDIR/status.out")" -eq 3
check "status lists the public addresses" grep -q "^${pub}101 " "$TESTDIR/status.out"

unreached=
for k in 1 2 3 4 5 6; do
	ip netns exec "$CLUSTER_NS-client" ping -c 1 -W 2 "${pub}10$k" \
		>/dev/null 2>&1 || unreached="$unreached ${pub}10$k"
done
check "the client reaches every public address${unreached:+ (not:$unreached)}" \
	test -z "$unreached"

# A node dies: everything in its namespace, as the start text suggests.
ip netns pids "$CLUSTER_NS-n3" | xargs -r kill -KILL
check "a dead node's addresses move to the two others" \
	wait_until 120 holder_of_none 2
check "all six addresses are held again" wait_until 60 all_held

bash "$example" stop >"$TESTDIR/stop.out" 2>&1
left=$(ip netns list | grep -c "^$CLUSTER_NS-")
check "stop deletes the namespaces ($left left)" test "$left" -eq 0
check "stop removes the example's directory" test ! -e "$CLUSTER_DIR"

h_finish
