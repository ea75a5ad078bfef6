#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# 10.interface with real addresses: two network namespaces joined by a
# veth pair; the script adds a public address in namespace A, namespace B
# reaches it, and after releaseip it is gone and unreachable. Also: the
# monitor sees a lost carrier, and the gratuitous ARP moves B's neighbour
# entry to a new MAC address at once.
#
# Needs root, ip netns and ping; skipped (77) without them, and also when
# arping is missing (after the other checks ran). Names and the
# subnet derive from $$, the subnet exists only inside the two namespaces,
# and the namespaces are deleted on exit.

set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"

script="$abs_top_builddir/events.d/10.interface.script"
if [ ! -f "$script" ]; then
	echo "ERROR: $script is not built (run make first)"
	exit 99
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root"
	exit 77
fi
for tool in ip ping; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed"
		exit 77
	fi
done

ns_a="ctdbt-a-$$"
ns_b="ctdbt-b-$$"
veth_a="ctva$$"
veth_b="ctvb$$"
subnet="10.200.$(($$ % 250))"
vip="$subnet.1"
peer="$subnet.2"
made=
tmp=

cleanup()
{
	for ns in $made; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$tmp" ]; then
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

for ns in "$ns_a" "$ns_b"; do
	if ! ip netns add "$ns" 2>/dev/null; then
		echo "SKIP: cannot create network namespaces (ip netns add)"
		exit 77
	fi
	made="$made $ns"
done

setup()
{
	# Both ends are created straight in their namespaces: nothing of this
	# ever appears in the namespace the test runs in.
	ip link add name "$veth_a" netns "$ns_a" type veth \
		peer name "$veth_b" netns "$ns_b" &&
	ip -n "$ns_a" link set lo up &&
	ip -n "$ns_a" link set "$veth_a" up &&
	ip -n "$ns_b" link set lo up &&
	ip -n "$ns_b" addr add "$peer/24" dev "$veth_b" &&
	ip -n "$ns_b" link set "$veth_b" up
}
if ! setup; then
	echo "ERROR: cannot set up the veth pair"
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netns_interface.XXXXXX") || exit 99
echo "$vip/24 $veth_a" >"$tmp/public_addresses"

failed=0
passed=0
skipped=0

pass()
{
	echo "ok: $*"
	passed=$((passed + 1))
}

fail()
{
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# in_a EVENT ARGS...: run the script in namespace A; output in $out,
# status in $rc.
in_a()
{
	out=$(ip netns exec "$ns_a" env CTDB_BASE="$tmp" sh "$script" "$@" 2>&1)
	rc=$?
}

# eventually CMD...: poll CMD, at most 5 s, until it succeeds.
eventually()
{
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		if [ "$n" -gt 50 ]; then
			return 1
		fi
		sleep 0.1
	done
	return 0
}

vip_on_a()
{
	ip -n "$ns_a" -o addr show dev "$veth_a" | grep -q " inet $vip/24 "
}

b_reaches_vip()
{
	ip netns exec "$ns_b" ping -n -q -c 1 -W 1 "$vip"
}

monitor_ok()
{
	in_a monitor
	[ "$rc" -eq 0 ]
}

# The monitor follows the carrier of the public interface.
if eventually monitor_ok; then
	pass "monitor: the public interface is up"
else
	fail "monitor with the link up: rc $rc, output '$out'"
fi
ip -n "$ns_b" link set "$veth_b" down
in_a monitor
if [ "$rc" -eq 1 ] && [ "$out" = "public interface $veth_a is down" ]; then
	pass "monitor: the peer going down is a failure naming $veth_a"
else
	fail "monitor with the peer down: rc $rc, output '$out'"
fi
ip -n "$ns_b" link set "$veth_b" up
if eventually monitor_ok; then
	pass "monitor: healthy again once the carrier is back"
else
	fail "monitor after the peer came back: rc $rc, output '$out'"
fi

# takeip, and the address is reachable from B.
in_a takeip "$veth_a" "$vip" 24
if [ "$rc" -eq 0 ] && [ -z "$out" ] && vip_on_a; then
	pass "takeip puts $vip/24 on $veth_a"
else
	fail "takeip: rc $rc, output '$out', addresses: $(ip -n "$ns_a" -o addr show dev "$veth_a")"
fi
in_a takeip "$veth_a" "$vip" 24
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
	pass "takeip of the address already there succeeds"
else
	fail "second takeip: rc $rc, output '$out'"
fi
if eventually b_reaches_vip; then
	pass "namespace B reaches $vip"
else
	fail "namespace B cannot ping $vip"
fi

# The gratuitous ARP: give A's interface another MAC address while the
# address is away, take it again, and B's neighbour entry must follow
# without B sending anything. Without the ARP it would keep the old MAC
# until the entry expires, tens of seconds later.
b_mac_is()
{
	ip -n "$ns_b" neigh show "$vip" dev "$veth_b" | grep -q "lladdr $1"
}
if command -v arping >/dev/null 2>&1; then
	in_a releaseip "$veth_a" "$vip" 24
	new_mac=$(printf '02:c7:%02x:%02x:%02x:01' $(($$ % 256)) \
		$((($$ / 256) % 256)) $((($$ / 65536) % 256)))
	ip -n "$ns_a" link set dev "$veth_a" address "$new_mac"
	if b_mac_is "$new_mac"; then
		fail "B knows the new MAC before the takeip; the check is void"
	fi
	in_a takeip "$veth_a" "$vip" 24
	if eventually b_mac_is "$new_mac"; then
		pass "gratuitous ARP: B's neighbour entry moved to $new_mac"
	else
		fail "B still has: $(ip -n "$ns_b" neigh show "$vip")"
	fi
else
	echo "skip: arping is not installed; the gratuitous ARP is not checked"
	skipped=$((skipped + 1))
fi

# releaseip: gone, and B no longer gets an answer.
in_a releaseip "$veth_a" "$vip" 24
if [ "$rc" -eq 0 ] && [ -z "$out" ] && ! vip_on_a; then
	pass "releaseip removes $vip from $veth_a"
else
	fail "releaseip: rc $rc, output '$out'"
fi
# One ping, bounded by its own 1 s wait.
if b_reaches_vip >/dev/null 2>&1; then
	fail "namespace B still reaches $vip after releaseip"
else
	pass "namespace B no longer reaches $vip"
fi
in_a releaseip "$veth_a" "$vip" 24
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
	pass "releaseip of an address already gone succeeds"
else
	fail "second releaseip: rc $rc, output '$out'"
fi

# shutdown drops what is left.
in_a takeip "$veth_a" "$vip" 24
in_a shutdown
if [ "$rc" -eq 0 ] && ! vip_on_a; then
	pass "shutdown drops the public address"
else
	fail "shutdown: rc $rc, output '$out'"
fi

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -gt 0 ]; then
	exit 1
fi
if [ "$skipped" -gt 0 ]; then
	exit 77
fi
exit 0
