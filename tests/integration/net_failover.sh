#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The failover packets on a real wire: three hosts (namespaces A1, A2 and
# a client C) on a bridge in a fourth namespace.
#  1. A1 announces the public address: tcpdump in C sees the ARP request
#     and reply (IPv4) and the neighbour advertisement (IPv6).
#  2. ctdb_killtcp on A1 resets both ends of an established connection.
#  3. The address moves to A2 behind an idle client's back: nothing
#     happens until A2 sends a tickle ACK; then the client's connection
#     is reset (A2's kernel answers the client's ACK with RST).
# Needs root, ip netns, tcpdump and python3; skipped (77) without them.
set -u

: "${abs_top_builddir:?}"
driver=$abs_top_builddir/tests/integration/net_send_driver
killtcp=$abs_top_builddir/ctdb_killtcp

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for tool in ip tcpdump python3; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "SKIP: $tool is not installed"; exit 77; }
done

tag=$$
ns_br=ctnf-br-$tag ns_a1=ctnf-a1-$tag ns_a2=ctnf-a2-$tag ns_c=ctnf-c-$tag
net=10.201.$((tag % 250))
vip=$net.100 vip6=fd00:77:$((tag % 9999))::100
client=$net.50
port=$((20000 + tag % 20000))
tmp=$(mktemp -d)
pids=()
made=()
failures=0
me=

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for ns in "${made[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

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
		ip link add "eth0" netns "$ns" type veth \
			peer name "p$i" netns "$ns_br" &&
		ip -n "$ns_br" link set "p$i" master br0 &&
		ip -n "$ns_br" link set "p$i" up &&
		ip -n "$ns" link set eth0 up || return 1
	done
	ip -n "$ns_a1" addr add "$net.1/24" dev eth0 &&
	ip -n "$ns_a2" addr add "$net.2/24" dev eth0 &&
	ip -n "$ns_c" addr add "$client/24" dev eth0 &&
	ip -n "$ns_c" addr add "fd00:77:$((tag % 9999))::50/64" dev eth0 nodad
}
if ! setup; then
	echo "SKIP: cannot build the namespaces and bridge"
	exit 77
fi

# ------------------------------------------------ 1. announcements
capture() { # FILTER COUNT OUTFILE: tcpdump in C, ready; pid in cap
	in_ns "$ns_c" tcpdump -i eth0 -n -l -c "$2" "$1" >"$3" 2>"$3.err" &
	cap=$!
	pids+=("$cap")
	local t=0
	until grep -q 'listening on' "$3.err" 2>/dev/null; do
		sleep 0.1; t=$((t + 1)); [ $t -lt 50 ] || break
	done
}
wait_capture() { # PID OUTFILE
	local t=0
	while kill -0 "$1" 2>/dev/null && [ $t -lt 50 ]; do
		sleep 0.1; t=$((t + 1))
	done
	kill "$1" 2>/dev/null
}

ip -n "$ns_a1" addr add "$vip/24" dev eth0
ip -n "$ns_a1" addr add "$vip6/64" dev eth0 nodad
capture arp 2 "$tmp/arp"
in_ns "$ns_a1" "$driver" announce eth0 "$vip" || fail "announce $vip"
wait_capture "$cap"
grep -q "Request who-has $vip tell $vip" "$tmp/arp" ||
	fail "no gratuitous ARP request: $(cat "$tmp/arp")"
grep -q "Reply $vip is-at" "$tmp/arp" ||
	fail "no unsolicited ARP reply: $(cat "$tmp/arp")"

capture 'icmp6 and ip6[40] == 136' 1 "$tmp/na"
in_ns "$ns_a1" "$driver" announce eth0 "$vip6" || fail "announce $vip6"
wait_capture "$cap"
grep -q "neighbor advertisement, tgt is $vip6" "$tmp/na" ||
	fail "no neighbour advertisement: $(cat "$tmp/na")"
in_ns "$ns_a1" "$driver" announce lo 127.0.0.1 ||
	fail "announce on loopback must succeed silently"
in_ns "$ns_a1" "$driver" announce nosuchif0 "$vip" 2>/dev/null &&
	fail "announce on a missing interface succeeded"

# ------------------------------------------------ 2. killtcp, 3. tickle
# A server in A1 on vip:port, a client in C; each prints what ended it.
cat >"$tmp/server.py" <<'EOF'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(4)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    print("accepted", flush=True)
    try:
        print("eof" if c.recv(10) == b"" else "data", flush=True)
    except ConnectionResetError:
        print("reset", flush=True)
EOF
cat >"$tmp/client.py" <<'EOF'
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
c.settimeout(None)
print("connected %s:%d" % c.getsockname(), flush=True)
try:
    print("eof" if c.recv(10) == b"" else "data", flush=True)
except ConnectionResetError:
    print("reset", flush=True)
EOF

wait_for() { # FILE PATTERN TENTHS
	local t=0
	until grep -q "$2" "$1" 2>/dev/null; do
		sleep 0.1; t=$((t + 1)); [ "$t" -lt "$3" ] || return 1
	done
}

in_ns "$ns_a1" python3 "$tmp/server.py" "$vip" "$port" >"$tmp/srv1" &
pids+=($!)
wait_for "$tmp/srv1" listening 100 || { echo "FAIL: server did not start"; exit 1; }
connect_client() { # OUTFILE: the client's own address:port in me
	in_ns "$ns_c" python3 "$tmp/client.py" "$vip" "$port" >"$1" &
	pids+=($!)
	wait_for "$1" connected 50 || return 1
	me=$(sed -n 's/^connected //p' "$1")
}

connect_client "$tmp/cli1" || { echo "FAIL: client 1 did not connect"; exit 1; }
printf '\n%s %s\n%s %s\n' "$me" "$vip:$port" "$vip:$port" "$me" |
	in_ns "$ns_a1" "$killtcp" eth0 || fail "ctdb_killtcp failed"
wait_for "$tmp/cli1" reset 30 || fail "killtcp: client not reset: $(cat "$tmp/cli1")"
wait_for "$tmp/srv1" reset 30 || fail "killtcp: server not reset: $(cat "$tmp/srv1")"

echo "10.0.0.1:1" | "$killtcp" lo 2>"$tmp/bad" &&
	fail "killtcp accepted a line with one endpoint"
grep -q 'line 1: expected "SRC DST"' "$tmp/bad" ||
	fail "killtcp error does not name the line: $(cat "$tmp/bad")"

connect_client "$tmp/cli2" || { echo "FAIL: client 2 did not connect"; exit 1; }
# The address leaves A1 without a word to the client and lands on A2.
ip -n "$ns_a1" addr del "$vip/24" dev eth0
ip -n "$ns_a2" addr add "$vip/24" dev eth0
in_ns "$ns_a2" "$driver" announce eth0 "$vip" || fail "announce from A2"
sleep 1
grep -q reset "$tmp/cli2" && fail "client reset before any tickle"
in_ns "$ns_a2" "$driver" tickle "$vip:$port" "$me" || fail "tickle"
wait_for "$tmp/cli2" reset 30 ||
	fail "tickle ACK did not reset the client: $(cat "$tmp/cli2")"

[ "$failures" = 0 ] || exit 1
echo "PASS: announcements, killtcp and tickle ACK on the wire"
