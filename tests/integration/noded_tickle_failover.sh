#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tickles on a real wire, through ctdb-noded's own takeip and releaseip
# and the shipped 10.interface: two nodes (namespaces A1, A2, each a
# standalone ctdb-noded with the same public address) and a client C on a
# bridge. A server on each node says its name to every client.
#  1. A1 holds the address; C connects and gets "A1"; the connection is
#     registered on both nodes (`ctdb addtickle`, as the cluster's sync
#     would do on A2).
#  2. A clean move: A1 turns UNHEALTHY and releases the address (its
#     10.interface and ctdb-noded reset the connection), A2 turns HEALTHY
#     and takes it. C sees its connection reset and reconnects to A2.
#  3. A silent move: A2's link goes down without a word to C (an idle
#     client, which alone would wait for hours), A1 turns HEALTHY and
#     takes the address: only A1's tickle ACK tells C. C sees its
#     connection reset and reconnects to A1.
# Prints the time from takeip to reconnect (a figure, not asserted).
# Needs root, ip netns and python3; skipped (77) without them.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

[ "$(id -u)" = 0 ] || h_skip "needs root (network namespaces)"
for tool in ip python3 ss; do
	command -v "$tool" >/dev/null 2>&1 || h_skip "$tool is not installed"
done
h_init
nl_require
h_require_ours "$OUR_CTDB"
IFACE_SCRIPT=$abs_top_builddir/events.d/10.interface.script
[ -x "$IFACE_SCRIPT" ] || h_skip "10.interface.script is not built"

tag=$$
ns_br=cttf-br-$tag ns_a1=cttf-a1-$tag ns_a2=cttf-a2-$tag ns_c=cttf-c-$tag
net=10.204.$((tag % 250))
vip=$net.100
port=$((20000 + tag % 20000))
made=()

ns_cleanup()
{
	local ns
	for ns in "${made[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}
trap 'rc=$?; ns_cleanup; (exit $rc); h_cleanup' EXIT

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

setup_net()
{
	local ns i=0
	for ns in "$ns_br" "$ns_a1" "$ns_a2" "$ns_c"; do
		ip netns add "$ns" || return 1
		made+=("$ns")
		ip -n "$ns" link set lo up
	done
	ip -n "$ns_br" link add br0 type bridge &&
		ip -n "$ns_br" link set br0 up || return 1
	for ns in "$ns_a1" "$ns_a2" "$ns_c"; do
		i=$((i + 1))
		ip link add eth0 netns "$ns" type veth \
			peer name "p$i" netns "$ns_br" &&
			ip -n "$ns_br" link set "p$i" master br0 &&
			ip -n "$ns_br" link set "p$i" up &&
			ip -n "$ns" link set eth0 up || return 1
	done
	ip -n "$ns_a1" addr add "$net.1/24" dev eth0 &&
		ip -n "$ns_a2" addr add "$net.2/24" dev eth0 &&
		ip -n "$ns_c" addr add "$net.50/24" dev eth0
}
setup_net || h_skip "cannot build the namespaces and bridge"

# A node: the shipped 10.interface, a recorder with times, a monitor
# that fails while BASE/monitor.fail exists. An UNHEALTHY node hosts
# nothing (NoIPHostOnAllDisabled=1), so health moves the address.
node_base()
{
	local b
	b=$(setup_base "$1") || return 1
	add_script "$b" legacy 01.record.script <<'EOF'
echo "$(date +%s.%N) $*" >>"$CTDB_BASE/events.log"
EOF
	ln -s "$IFACE_SCRIPT" "$b/events/legacy/10.interface.script"
	add_script "$b" legacy 50.service.script <<'EOF'
if [ "$1" = monitor ] && [ -e "$CTDB_BASE/monitor.fail" ]; then
	echo "service is down"
	exit 1
fi
exit 0
EOF
	echo "$vip/24 eth0" >"$b/public_addresses"
	printf '%s\n' MonitorInterval=1 NoIPHostOnAllDisabled=1 \
		>"$b/ctdb.tunables"
	echo "$b"
}

start_node() # NS BASE
{
	CTDB_TEST_MODE=yes CTDB_BASE="$2" CTDB_EVENTD="$OUR_EVENTD" \
		KILLTCP_CMD="$abs_top_builddir/ctdb_killtcp" ARPING_CMD='' \
		ip netns exec "$1" "$NODED" \
		</dev/null >"$2/noded.stdout" 2>"$2/noded.stderr" &
	H_DAEMON_PIDS+=("$!")
	echo "$!" >"$2/noded.testpid"
}

ctdb_on() # BASE ARGS...
{
	local b=$1
	shift
	CTDB_TEST_MODE=yes CTDB_BASE="$b" "$OUR_CTDB" "$@"
}

holds() # NS: the address is on its eth0
{
	ip -n "$1" -o addr show dev eth0 | grep -q " $vip/"
}

A1=$(node_base a1) || h_die "node_base failed"
A2=$(node_base a2) || h_die "node_base failed"
touch "$A2/monitor.fail"
start_node "$ns_a1" "$A1"
start_node "$ns_a2" "$A2"
wait_until 60 holds "$ns_a1" || { nl_show "$A1"; h_die "A1 did not take $vip"; }
check "A2, UNHEALTHY, does not take the address" eval '! holds "$ns_a2"'

cat >"$TESTDIR/server.py" <<'EOF'
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(16)
keep = []
while True:
    c, _ = s.accept()
    c.sendall((sys.argv[2] + "\n").encode())
    keep.append(c)
EOF
# The client: connect, print "connected LOCAL SERVERNAME", wait idle;
# on a reset print "reset T" and reconnect until it works.
cat >"$TESTDIR/client.py" <<'EOF'
import socket, sys, time
vip, port = sys.argv[1], int(sys.argv[2])
def connect():
    while True:
        try:
            c = socket.create_connection((vip, port), timeout=1)
            name = c.makefile().readline().strip()
            c.settimeout(None)
            return c, name
        except OSError:
            time.sleep(0.05)
while True:
    c, name = connect()
    print("connected %s:%d %s %.6f" % (c.getsockname() + (name, time.time())),
          flush=True)
    try:
        what = "eof" if c.recv(10) == b"" else "data"
    except OSError:
        what = "reset"
    print("%s %.6f" % (what, time.time()), flush=True)
    c.close()
EOF
in_ns "$ns_a1" python3 "$TESTDIR/server.py" "$port" A1 &
H_BG_PIDS+=("$!")
in_ns "$ns_a2" python3 "$TESTDIR/server.py" "$port" A2 &
H_BG_PIDS+=("$!")
in_ns "$ns_c" python3 "$TESTDIR/client.py" "$vip" "$port" >"$TESTDIR/cli" &
H_BG_PIDS+=("$!")

connected_to() # NAME N: the N-th connection went to NAME
{
	[ "$(grep -c "^connected .* $1 " "$TESTDIR/cli")" -ge "$2" ]
}
resets_above() { [ "$(grep -c '^reset ' "$TESTDIR/cli")" -gt "$1" ]; }
last_local() { sed -n 's/^connected \([^ ]*\) .*/\1/p' "$TESTDIR/cli" | tail -1; }
# Seconds from the last takeip in BASE's events.log to the last connect.
reconnect_time()
{
	local t_take t_conn
	t_take=$(awk '$2 == "takeip" { t = $1 } END { print t }' "$1/events.log")
	t_conn=$(awk '$1 == "connected" { t = $4 } END { print t }' "$TESTDIR/cli")
	awk -v a="$t_take" -v b="$t_conn" 'BEGIN { printf "%.3f", b - a }'
}

check "1. the client connects to A1" wait_until 20 connected_to A1 1
me=$(last_local)
check "1. its connection is registered on A1" \
	ctdb_on "$A1" addtickle "$me" "$vip:$port"
check "1. and on A2" ctdb_on "$A2" addtickle "$me" "$vip:$port"

# 2. A clean move.
touch "$A1/monitor.fail"
check "2. A1 releases the address" wait_until 30 eval '! holds "$ns_a1"'
rm -f "$A2/monitor.fail"
check "2. A2 takes it" wait_until 30 holds "$ns_a2"
check "2. the client's connection is reset" \
	wait_until 30 grep -q '^reset ' "$TESTDIR/cli"
check "2. the client reconnects to A2" wait_until 30 connected_to A2 1
check "2. A1's 10.interface reset the connections" \
	grep -q "Killed 1/1 TCP connections to released IP $vip" "$A1/log.ctdb"
h_msg "2. clean move: takeip to reconnect $(reconnect_time "$A2") s"

# 3. A silent move: A2 drops off the wire, A1 takes the address back.
me=$(last_local)
check "3. the new connection is registered on A1" \
	ctdb_on "$A1" addtickle "$me" "$vip:$port"
resets=$(grep -c '^reset ' "$TESTDIR/cli")
ip -n "$ns_a2" link set eth0 down
rm -f "$A1/monitor.fail"
check "3. A1 takes the address" wait_until 30 holds "$ns_a1"
check "3. the idle client's connection is reset (A1's tickle ACK)" \
	wait_until 20 resets_above "$resets"
check "3. the client reconnects to A1" wait_until 30 connected_to A1 2
h_msg "3. silent move: takeip to reconnect $(reconnect_time "$A1") s"

h_finish
