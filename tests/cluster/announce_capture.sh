#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# takeip's announcements and `ctdb gratarp` really go out (issue 12,
# item 3), seen by tcpdump in a peer namespace.
#
# A node namespace N runs ctdb-noded with our 10.interface and two public
# addresses on eth0, one IPv4 and one IPv6; the other end of the veth is
# in a peer namespace P, where tcpdump captures ARP and ICMPv6. What
# src/noded/announce.c promises, and is counted here:
#  - per takeip, ANNOUNCE_ROUNDS (3) rounds, ANNOUNCE_INTERVAL_US (1.1 s)
#    apart: rounds are checked to be at least 1.0 s apart (a timer never
#    fires early; under load it may fire late, so no upper bound);
#  - an IPv4 round is a gratuitous ARP request (who-has VIP tell VIP) and
#    an unsolicited ARP reply (VIP is-at our MAC), both broadcast;
#  - an IPv6 round is one unsolicited neighbour advertisement for VIP6
#    to ff02::1;
#  - `ctdb gratarp IP IFACE` sends one round.
# The capture stops after ctdb-noded has exited, so the totals are exact:
# 3 + 1 of each. 10.interface's own arping is switched off (ARPING_CMD=)
# so that only the daemon's packets are counted.
#
# Needs root, ip netns and tcpdump; skipped (77) without them. Names
# derive from $$; the namespaces are deleted on exit.

# Functions named in wait_until conditions look unused to shellcheck.
# shellcheck disable=SC2317

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

[ "$(id -u)" -eq 0 ] || h_skip "needs root (network namespaces)"
h_require_ours "$NODED"
for tool in ip tcpdump; do
	command -v "$tool" >/dev/null 2>&1 || h_skip "$tool is not installed"
done
script="$abs_top_builddir/events.d/10.interface.script"
[ -f "$script" ] || h_die "$script is not built"
h_init

tag=$$
ns_n=ctac-n-$tag
ns_p=ctac-p-$tag
net=10.203.$((tag % 250))
vip=$net.100
net6=fd00:203:$(printf %x $((tag % 65000)))
vip6=$net6::100
made_ns=()
dump_pid=

announce_cleanup()
{
	local rc=$? ns p

	for p in "${H_DAEMON_PIDS[@]}" $dump_pid; do
		kill -TERM "$p" 2>/dev/null
	done
	wait_until 10 eval '! any_alive'
	for ns in "${made_ns[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	(exit "$rc")
	h_cleanup
}
any_alive()
{
	local p
	for p in "${H_DAEMON_PIDS[@]}" $dump_pid; do
		h_alive "$p" && return 0
	done
	return 1
}
trap announce_cleanup EXIT

make_namespaces()
{
	local ns
	for ns in "$ns_n" "$ns_p"; do
		ip netns add "$ns" || return 1
		made_ns+=("$ns")
		ip -n "$ns" link set lo up || return 1
	done
	ip link add eth0 netns "$ns_n" type veth peer name eth0 netns "$ns_p" &&
	ip -n "$ns_n" addr add "$net.1/24" dev eth0 &&
	ip -n "$ns_p" addr add "$net.50/24" dev eth0 &&
	ip -n "$ns_n" addr add "$net6::1/64" dev eth0 nodad &&
	ip -n "$ns_p" addr add "$net6::50/64" dev eth0 nodad &&
	ip -n "$ns_n" link set eth0 up &&
	ip -n "$ns_p" link set eth0 up
}
make_namespaces || h_skip "cannot build the namespaces and veth pair"

base=$(setup_base node) || h_die "setup_base failed"
mkdir -p "$base/events/legacy"
if ! cp "$script" "$base/events/legacy/10.interface.script" ||
	! chmod 0755 "$base/events/legacy/10.interface.script"; then
	h_die "cannot install 10.interface"
fi
printf '%s/24 eth0\n%s/64 eth0\n' "$vip" "$vip6" >"$base/public_addresses"
printf '%s\n' MonitorInterval=1 >"$base/ctdb.tunables"

# The capture first, so that nothing is missed; -U writes every packet
# at once, so the file can be read while it grows.
cap="$TESTDIR/capture.pcap"
ip netns exec "$ns_p" tcpdump -i eth0 -n -U -w "$cap" 'arp or icmp6' \
	</dev/null >/dev/null 2>"$TESTDIR/tcpdump.err" &
dump_pid=$!
capture_listening()
{
	grep -q "listening on" "$TESTDIR/tcpdump.err"
}
wait_until 20 capture_listening || {
	cat "$TESTDIR/tcpdump.err"
	h_die "tcpdump did not start"
}

CTDB_TEST_MODE=yes CTDB_BASE="$base" CTDB_EVENTD="$OUR_EVENTD" \
	CTDB="$OUR_CTDB" ARPING_CMD='' \
	ip netns exec "$ns_n" "$NODED" </dev/null \
	>"$base/noded.stdout" 2>"$base/noded.stderr" &
H_DAEMON_PIDS+=($!)

ctdb_n()
{
	CTDB_TEST_MODE=yes CTDB_BASE="$base" ip netns exec "$ns_n" \
		"$OUR_CTDB" "$@"
}

# The packets so far, one line each: "TIME TEXT".
packets()
{
	tcpdump -r "$cap" -n -tt "$@" 2>/dev/null
}
arp_requests()
{
	packets arp | grep -F "Request who-has $vip tell $vip,"
}
arp_replies()
{
	packets arp | grep -F "Reply $vip is-at "
}
nas()
{
	packets 'icmp6 and ip6[40] == 136' |
		grep -F "> ff02::1: ICMP6, neighbor advertisement, tgt is $vip6,"
}
count_at_least()
{
	[ "$("$1" | wc -l)" -ge "$2" ]
}
show_state()
{
	echo "--- capture"
	packets | sed -e 's/^/    /'
	echo "--- ctdb ip"
	ctdb_n ip 2>&1 | sed -e 's/^/    /'
	echo "--- log.ctdb (tail)"
	tail -n 30 "$base/log.ctdb" 2>/dev/null | sed -e 's/^/    /'
}

# The rounds of one takeip: 3, at least 1.0 s apart.
check_rounds()
{
	local what=$1 fn=$2 gaps

	if ! wait_until 40 count_at_least "$fn" 3; then
		h_fail "takeip: fewer than 3 rounds of $what"
		show_state
		return
	fi
	h_pass "takeip: 3 rounds of $what"
	gaps=$("$fn" | head -n 3 | awk '
		NR > 1 { gap = $1 - prev; if (gap < 1.0) short++ }
		{ prev = $1 }
		END { print short + 0 }')
	if [ "$gaps" -eq 0 ]; then
		h_pass "takeip: $what rounds at least 1.0 s apart"
	else
		h_fail "takeip: $gaps $what rounds less than 1.0 s apart"
		"$fn"
	fi
}
check_rounds "gratuitous ARP requests for $vip" arp_requests
check_rounds "unsolicited ARP replies for $vip" arp_replies
check_rounds "neighbour advertisements for $vip6" nas

# ctdb gratarp: one round more of each.
if ctdb_n gratarp "$vip" eth0 && wait_until 20 count_at_least arp_requests 4 &&
	wait_until 20 count_at_least arp_replies 4; then
	h_pass "ctdb gratarp $vip eth0: a request and a reply"
else
	h_fail "ctdb gratarp $vip eth0: no request and reply"
	show_state
fi
if ctdb_n gratarp "$vip6" eth0 && wait_until 20 count_at_least nas 4; then
	h_pass "ctdb gratarp $vip6 eth0: a neighbour advertisement"
else
	h_fail "ctdb gratarp $vip6 eth0: no neighbour advertisement"
	show_state
fi

# No round more than promised: stop the daemon, then the capture.
pid=${H_DAEMON_PIDS[0]}
kill -TERM "$pid"
daemon_wait_exit "$pid" 30
kill -INT "$dump_pid"
wait "$dump_pid" 2>/dev/null
dump_pid=
for fn in arp_requests arp_replies nas; do
	n=$("$fn" | wc -l)
	if [ "$n" -eq 4 ]; then
		h_pass "in all: 4 $fn (3 for takeip, 1 for gratarp)"
	else
		h_fail "in all: $n $fn, expected 4 (3 for takeip, 1 for gratarp)"
		show_state
	fi
done

h_finish
