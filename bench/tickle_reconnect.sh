#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How long a client takes to notice a failover and reconnect, with and
# without tickle ACKs (issue 12, item 4). A benchmark, not a test.
#
#     bench/tickle_reconnect.sh BUILDDIR [ROUNDS] [OUTAGE]
#     bench/tickle_reconnect.sh --noded BUILDDIR [ROUNDS] [OUTAGE]
#
# Three hosts on a bridge (namespaces A1, A2 and a client C; the bridge in
# a fourth): a server listens on the public address's port on A1 and A2;
# C connects to the public address on A1. Each round, A1 dies (its link
# goes down, silently), and OUTAGE seconds later (default 2, about what a
# takeover run needs) A2 takes the address: adds it, sends the gratuitous
# ARP, and, in the "tickle" mode, one tickle ACK per connection it was
# told of, as a new holder does with the tickle list. The figure is the
# time from A2's takeip to the client's connected socket on A2.
#
# Two kinds of client:
#  - "busy": it sent a request when A1 died and waits for the answer; its
#    TCP retransmits with backoff, and the next retransmission after the
#    takeip meets A2's RST. Without tickles the wait is the rest of the
#    current retransmission interval.
#  - "idle": it waits for data and sends nothing; without tickles nothing
#    ever tells it (until TCP keepalive, hours by default). The round
#    gives up after IDLE_LIMIT seconds (default 10) and says so.
#
# By default the move is made by hand with tests/integration/net_send_driver
# (ARP and tickle ACK from src/common/net_raw.c); it needs `make check`
# (or `make tests/integration/net_send_driver`) in BUILDDIR.
#
# With --noded, ctdb-noded's real takeip path moves it: A1 and A2 each run
# a standalone ctdb-noded with the shipped 10.interface and the same public
# address (MonitorInterval=1, NoIPHostOnAllDisabled=1, a monitor that
# fails while BASE/monitor.fail exists). The holder's link goes down and
# it is made UNHEALTHY; OUTAGE seconds later the other node is made
# HEALTHY and takes the address, announcing it and, in the "tickle"
# mode, tickling the connection registered with `ctdb addtickle` (what
# the corosync backend's sync gives the next holder). The figure is the
# time from its takeip event (its events.log) to the client's
# reconnect. The roles swap every round.
#
# Needs root, ip netns and python3.
set -u

noded=no
if [ "${1:-}" = --noded ]; then
	noded=yes
	shift
fi
build=${1:?usage: bench/tickle_reconnect.sh [--noded] BUILDDIR [ROUNDS] [OUTAGE]}
rounds=${2:-5}
outage=${3:-2}
idle_limit=${IDLE_LIMIT:-10}
driver=$build/tests/integration/net_send_driver

[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
[ "$noded" = yes ] || [ -x "$driver" ] ||
	{ echo "$driver is not built (make tests/integration/net_send_driver)"; exit 1; }
# The interpreter itself, not a wrapper that forks it: the pids we keep
# must be the python processes.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || { echo "needs $PYTHON"; exit 1; }

tag=$$
ns_br=cttr-br-$tag ns_a1=cttr-a1-$tag ns_a2=cttr-a2-$tag ns_c=cttr-c-$tag
net=10.203.$((tag % 250))
vip=$net.100
port=$((20000 + tag % 20000))
tmp=$(mktemp -d)
pids=()
made=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for ns in "${made[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
now() { "$PYTHON" -c 'import time; print("%.6f" % time.time())'; }

setup() {
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
setup || { echo "cannot build the namespaces and bridge"; exit 1; }

# A server that accepts and keeps every connection open, on any address.
cat >"$tmp/server.py" <<'EOF'
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(16)
print("listening", flush=True)
keep = []
while True:
    c, _ = s.accept()
    keep.append(c)
EOF
# The client: connect, report its address, wait for GO (a file); then in
# "busy" mode send a request; wait until the connection ends, reconnect
# at once and print the times (time.time(), the same clock as now()).
cat >"$tmp/client.py" <<'EOF'
import os, socket, sys, time
vip, port, mode, go, limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], \
    sys.argv[4], float(sys.argv[5])
c = socket.create_connection((vip, port), timeout=5)
print("connected %s:%d" % c.getsockname(), flush=True)
while not os.path.exists(go):
    time.sleep(0.01)
if mode == "busy":
    c.send(b"request")
c.settimeout(limit)
try:
    how = "eof" if c.recv(10) == b"" else "data"
except ConnectionResetError:
    how = "reset"
except socket.timeout:
    print("gave-up", flush=True)
    sys.exit(0)
ended = time.time()
c2 = socket.create_connection((vip, port), timeout=5)
print("%s %.6f reconnected %.6f" % (how, ended, time.time()), flush=True)
EOF

for ns in "$ns_a1" "$ns_a2"; do
	# Not through in_ns: $! must be the server itself, for cleanup.
	ip netns exec "$ns" "$PYTHON" "$tmp/server.py" "$port" >"$tmp/srv-$ns" &
	pids+=($!)
done
sleep 1

# round MODE TICKLE: one failover; prints the seconds from takeip to the
# client's reconnect, or "none" when the idle client gave up.
round() {
	local mode=$1 tickle=$2 me t0 line go=$tmp/go cli=$tmp/cli
	rm -f "$go" "$cli"
	# The address on A1, reachable; C's neighbour entry is A1's MAC.
	ip -n "$ns_a2" addr del "$vip/24" dev eth0 2>/dev/null
	ip -n "$ns_a1" link set eth0 up
	ip -n "$ns_a1" addr add "$vip/24" dev eth0
	in_ns "$ns_a1" "$driver" announce eth0 "$vip"
	sleep 0.3
	in_ns "$ns_c" "$PYTHON" "$tmp/client.py" "$vip" "$port" "$mode" "$go" \
		"$idle_limit" >"$cli" &
	local cpid=$!
	local t=0
	until grep -q connected "$cli" 2>/dev/null; do
		sleep 0.05; t=$((t + 1)); [ $t -lt 100 ] || { echo fail; return; }
	done
	me=$(sed -n 's/^connected //p' "$cli")
	# A1 dies; the client sends its request (busy) into the void.
	ip -n "$ns_a1" link set eth0 down
	ip -n "$ns_a1" addr del "$vip/24" dev eth0
	touch "$go"
	sleep "$outage"
	# takeip on A2.
	t0=$(now)
	ip -n "$ns_a2" addr add "$vip/24" dev eth0
	in_ns "$ns_a2" "$driver" announce eth0 "$vip"
	if [ "$tickle" = yes ]; then
		in_ns "$ns_a2" "$driver" tickle "$vip:$port" "$me"
	fi
	wait "$cpid"
	line=$(tail -n 1 "$cli")
	case "$line" in
	*reconnected*)
		"$PYTHON" -c "print('%.3f' % (${line##* } - $t0))" ;;
	gave-up) echo none ;;
	*) echo "fail:$line" ;;
	esac
}

# ---- --noded: the move made by two ctdb-noded daemons

node_base() { # NAME: a CTDB_BASE for one node, printed
	local b=$tmp/$1
	mkdir -p "$b/events/legacy" "$b/share/events" "$b/var" &&
		mkdir -m 0700 "$b/run" || return 1
	printf '[logging]\n\tlocation = file:%s/log.ctdb\n\tlog level = NOTICE\n' \
		"$b" >"$b/ctdb.conf"
	printf '#!/bin/sh\necho "$(date +%%s.%%N) $*" >>"$CTDB_BASE/events.log"\n' \
		>"$b/events/legacy/01.record.script"
	printf '#!/bin/sh\n[ "$1" = monitor ] && [ -e "$CTDB_BASE/monitor.fail" ] && exit 1\nexit 0\n' \
		>"$b/events/legacy/50.service.script"
	chmod 755 "$b/events/legacy/"*.script
	ln -s "$build/events.d/10.interface.script" \
		"$b/events/legacy/10.interface.script"
	echo "$vip/24 eth0" >"$b/public_addresses"
	printf '%s\n' MonitorInterval=1 NoIPHostOnAllDisabled=1 >"$b/ctdb.tunables"
	echo "$b"
}

start_noded() { # NS BASE
	CTDB_TEST_MODE=yes CTDB_BASE="$2" CTDB_EVENTD="$build/ctdb-eventd" \
		KILLTCP_CMD="$build/ctdb_killtcp" ARPING_CMD='' \
		ip netns exec "$1" "$build/ctdb-noded" \
		</dev/null >"$2/noded.out" 2>&1 &
	pids+=($!)
}

holds() { ip -n "$1" -o addr show dev eth0 | grep -q " $vip/"; }
not_holds() { ! holds "$1"; }
takes_above() { [ "$(grep -c ' takeip ' "$1")" -gt "$2" ]; } # LOG COUNT

wait_cond() { # TENTHS COMMAND... (its locals must not shadow the caller's)
	local wc_limit=$1 wc_t=0
	shift
	until "$@"; do
		sleep 0.1; wc_t=$((wc_t + 1)); [ "$wc_t" -lt "$wc_limit" ] || return 1
	done
}

noded_setup() {
	base_a1=$(node_base a1) && base_a2=$(node_base a2) || exit 1
	touch "$base_a2/monitor.fail"
	start_noded "$ns_a1" "$base_a1"
	start_noded "$ns_a2" "$base_a2"
	wait_cond 600 holds "$ns_a1" || { echo "A1 did not take $vip"; exit 1; }
	holder=1
}

# round_noded MODE TICKLE: as round, the move made by the daemons; run
# in the current shell (it swaps holder), its figure on stdout.
round_noded() {
	local mode=$1 tickle=$2 go=$tmp/go cli=$tmp/cli me t0 line n
	local h_ns h_b o_b
	if [ "$holder" = 1 ]; then
		h_ns=$ns_a1 h_b=$base_a1 o_b=$base_a2
	else
		h_ns=$ns_a2 h_b=$base_a2 o_b=$base_a1
	fi
	rm -f "$go" "$cli"
	in_ns "$ns_c" "$PYTHON" "$tmp/client.py" "$vip" "$port" "$mode" "$go" \
		"$idle_limit" >"$cli" &
	local cpid=$!
	wait_cond 100 grep -q connected "$cli" || { echo fail; return; }
	me=$(sed -n 's/^connected //p' "$cli")
	if [ "$tickle" = yes ]; then
		CTDB_TEST_MODE=yes CTDB_BASE="$o_b" "$build/ctdb" addtickle \
			"$me" "$vip:$port" || { echo fail; return; }
	fi
	n=$(grep -c ' takeip ' "$o_b/events.log" 2>/dev/null)
	# The holder dies silently; the client sends its request (busy).
	touch "$h_b/monitor.fail"
	ip -n "$h_ns" link set eth0 down
	touch "$go"
	sleep "$outage"
	rm -f "$o_b/monitor.fail"
	wait "$cpid"
	line=$(tail -n 1 "$cli")
	wait_cond 300 takes_above "$o_b/events.log" "$n"
	t0=$(awk '$2 == "takeip" { t = $1 } END { print t }' "$o_b/events.log")
	# The old holder has released; it comes back as the standby.
	wait_cond 300 not_holds "$h_ns"
	ip -n "$h_ns" link set eth0 up
	holder=$((3 - holder))
	case "$line" in
	*reconnected*)
		"$PYTHON" -c "print('%.3f' % (${line##* } - $t0))" ;;
	gave-up) echo none ;;
	*) echo "fail:$line" ;;
	esac
}

median() { sort -n | awk '{ v[NR] = $1 } END {
	if (NR == 0) { print "-"; exit }
	print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

move=round
if [ "$noded" = yes ]; then
	noded_setup
	move=round_noded
fi
echo "tickle_reconnect: $rounds rounds, outage ${outage} s, idle limit ${idle_limit} s, move by $([ "$noded" = yes ] && echo ctdb-noded || echo hand)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in busy idle; do
	for tickle in yes no; do
		: >"$tmp/times"
		all=
		for _ in $(seq "$rounds"); do
			# Not in a subshell: round_noded swaps the roles.
			$move "$mode" "$tickle" >"$tmp/r"
			r=$(cat "$tmp/r")
			all="$all $r"
			case "$r" in
			none | fail*) ;;
			*) echo "$r" >>"$tmp/times" ;;
			esac
		done
		printf '%-5s client, tickles %-3s: median %s s (rounds:%s)\n' \
			"$mode" "$tickle" "$(median <"$tmp/times")" "$all"
	done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
