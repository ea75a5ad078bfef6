#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Samba's own stock event scripts, unchanged, under ctdb-noded and our
# ctdb-eventd (issue 12, item 5). The scripts and /etc/ctdb/functions are
# used in place from Debian's ctdb package, through symlinks in a test-mode
# CTDB_BASE; nothing of Samba's is copied into the project.
#
# A node namespace N holds eth0 (a veth whose other end is in a client
# namespace C) and runs ctdb-noded with 00.ctdb, 05.system, 10.interface,
# 11.routing and 13.per_ip_routing enabled, CTDB=our ctdb and
# CTDB_HELPER_BINDIR=our build tree (ctdb_killtcp, ctdb-config). Checks:
#  1. the node becomes HEALTHY;
#  2. takeip really adds the public address on eth0 (C pings it);
#  3. the link goes down (C's end of the veth is set down, so N's eth0
#     loses its carrier): the node becomes UNHEALTHY, the reason names
#     eth0, and the address leaves eth0;
#  4. link up: HEALTHY again and the address is back;
#  5. shutdown: releaseip removes the address.
#
# What each script calls, and what failed before issue 12's commands (run
# here, 2026-12-04, Debian's ctdb 4.17 scripts):
#  00.ctdb       init: $CTDB_HELPER_BINDIR/ctdb-config get database ...
#                (ctdb_get_db_options), then tdbtool/tdbdump over the
#                database directories; startup: ctdb attach ctdb.tdb
#                persistent. Without ctdb-config, init fails ("ctdb-config:
#                not found") and ctdb-noded shuts down. "Unknown command
#                'attach'" did not fail startup: the script ends in exit 0.
#  05.system     monitor: df and /proc/meminfo only when thresholds are set
#                in script.options (none here). Ran unchanged from the start.
#  10.interface  monitor: ctdb -X ifaces, ctdb setifacelink IFACE up|down,
#                ethtool/ip link for the carrier. Without ifaces the monitor
#                failed ("Unknown command 'ifaces'", and the usage text read
#                as interface names), so the node stayed UNHEALTHY.
#                takeip/releaseip: ip addr add/del; releaseip also blocks the
#                address with iptables under flock, and kills its
#                connections with ss + $CTDB_HELPER_BINDIR/ctdb_killtcp.
#                Without iptables installed: "flock: failed to execute
#                iptables" (the release still succeeded, unprotected).
#                updateip: ctdb gratarp.
#  11.routing    ipreallocated/updateip: ip route from $CTDB_BASE/static-routes
#                (absent here: it does nothing and succeeds).
#  13.per_ip_routing  exits 0 unless CTDB_PER_IP_ROUTING_CONF is set (not
#                here); configured, it calls ctdb ip -v -X, ctdb gratarp and
#                ip rule/route.
# The tickle functions of /etc/ctdb/functions (update_tickles: ctdb pnn,
# -X ip, -X gettickles, addtickle, deltickle) are used by 50.samba and
# 60.nfs, none of the five.
#
# STOCK_HELPER_BINDIR overrides the helper directory (default: the build
# tree, where our ctdb_killtcp and ctdb-config are built).
#
# Needs root, ip netns, ping, ethtool and Debian's ctdb package (the
# scripts); skipped (77) without them. Names derive from $$; the
# namespaces are deleted on exit.

# Functions named in wait_until conditions look unused to shellcheck.
# shellcheck disable=SC2317

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

STOCK_DIR=${STOCK_DIR:-/usr/share/ctdb/events/legacy}
STOCK_FUNCTIONS=${STOCK_FUNCTIONS:-/etc/ctdb/functions}
STOCK_SCRIPTS="00.ctdb 05.system 10.interface 11.routing 13.per_ip_routing"

[ "$(id -u)" -eq 0 ] || h_skip "needs root (network namespaces)"
h_require_ours "$NODED"
for tool in ip ping ethtool ss; do
	command -v "$tool" >/dev/null 2>&1 || h_skip "$tool is not installed"
done
[ -f "$STOCK_FUNCTIONS" ] ||
	h_skip "$STOCK_FUNCTIONS missing (Debian's ctdb package)"
for s in $STOCK_SCRIPTS; do
	[ -f "$STOCK_DIR/$s.script" ] ||
		h_skip "$STOCK_DIR/$s.script missing (Debian's ctdb package)"
done
h_init

tag=$$
ns_n=ctss-n-$tag
ns_c=ctss-c-$tag
net=10.202.$((tag % 250))
vip=$net.100
made_ns=()

stock_cleanup()
{
	local rc=$? ns

	# The daemons first (by pid, in h_cleanup's order), then the links.
	for p in "${H_DAEMON_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	wait_until 10 eval '! h_any_alive'
	for ns in "${made_ns[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	(exit "$rc")
	h_cleanup
}
h_any_alive()
{
	local p
	for p in "${H_DAEMON_PIDS[@]}"; do
		h_alive "$p" && return 0
	done
	return 1
}
trap stock_cleanup EXIT

make_namespaces()
{
	local ns
	for ns in "$ns_n" "$ns_c"; do
		ip netns add "$ns" || return 1
		made_ns+=("$ns")
		ip -n "$ns" link set lo up || return 1
	done
	ip link add eth0 netns "$ns_n" type veth peer name eth0 netns "$ns_c" &&
	ip -n "$ns_n" addr add "$net.1/24" dev eth0 &&
	ip -n "$ns_c" addr add "$net.50/24" dev eth0 &&
	ip -n "$ns_n" link set eth0 up &&
	ip -n "$ns_c" link set eth0 up
}
# The scripts call our helpers through CTDB_HELPER_BINDIR (00.ctdb's
# init: ctdb-config; 10.interface's releaseip: ctdb_killtcp).
helper_dir=${STOCK_HELPER_BINDIR:-$abs_top_builddir}
for helper in ctdb-config ctdb_killtcp; do
	[ -x "$helper_dir/$helper" ] || h_die "no $helper in $helper_dir"
done

make_namespaces || h_skip "cannot build the namespaces and veth pair"

# The base: Samba's scripts and functions by symlink, enabled as CTDB's
# "ctdb event script enable" does (a link in events/legacy).
base=$(setup_base node) || h_die "setup_base failed"
mkdir -p "$base/events/legacy" "$base/scriptvar"
for s in $STOCK_SCRIPTS; do
	ln -s "$STOCK_DIR/$s.script" "$base/events/legacy/$s.script"
done
ln -s "$STOCK_FUNCTIONS" "$base/functions"
echo "$vip/24 eth0" >"$base/public_addresses"
printf '%s\n' MonitorInterval=1 >"$base/ctdb.tunables"

# Our noded in N; the scripts inherit its environment through eventd.
CTDB_TEST_MODE=yes CTDB_BASE="$base" CTDB_EVENTD="$OUR_EVENTD" \
	CTDB="$OUR_CTDB" CTDB_HELPER_BINDIR="$helper_dir" \
	CTDB_SCRIPT_VARDIR="$base/scriptvar" \
	ip netns exec "$ns_n" "$NODED" </dev/null \
	>"$base/noded.stdout" 2>"$base/noded.stderr" &
H_DAEMON_PIDS+=($!)

ctdb_n()
{
	CTDB_TEST_MODE=yes CTDB_BASE="$base" ip netns exec "$ns_n" \
		"$OUR_CTDB" "$@"
}
# CTDB's -X nodestatus: |Node|IP|Disconnected|Unknown|Banned|Disabled|
# Unhealthy|...: the Unhealthy flag is field 8.
node_is_healthy()
{
	[ "$(ctdb_n -X nodestatus 2>/dev/null |
		awk -F'|' 'NR == 2 { print $8 }')" = 0 ]
}
node_is_unhealthy()
{
	[ "$(ctdb_n -X nodestatus 2>/dev/null |
		awk -F'|' 'NR == 2 { print $8 }')" = 1 ]
}
vip_on_eth0()
{
	ip -n "$ns_n" -o addr show dev eth0 | grep -q " $vip/24 "
}
vip_gone()
{
	! vip_on_eth0
}
show_state()
{
	echo "--- ctdb status"
	ctdb_n status 2>&1 | sed -e 's/^/    /'
	echo "--- ctdb event status legacy monitor"
	ctdb_n event status legacy monitor 2>&1 | sed -e 's/^/    /'
	echo "--- addresses"
	ip -n "$ns_n" -o addr show dev eth0 | sed -e 's/^/    /'
	echo "--- log.ctdb (tail)"
	tail -n 30 "$base/log.ctdb" 2>/dev/null | sed -e 's/^/    /'
}

if wait_until 40 node_is_healthy; then
	h_pass "HEALTHY with Samba's stock scripts"
else
	h_fail "not HEALTHY with Samba's stock scripts"
	show_state
	h_finish
fi

# Each script really ran and succeeded: 00.ctdb's init reads the
# database directories through our ctdb-config, its startup attaches
# ctdb.tdb; every one of the five runs at monitor.
script_ok()
{
	ctdb_n event status legacy "$1" 2>/dev/null |
		grep -qE "^$2 +OK "
}
for ev in init startup; do
	if script_ok "$ev" 00.ctdb; then
		h_pass "00.ctdb $ev: OK"
	else
		h_fail "00.ctdb $ev: not OK"
		ctdb_n event status legacy "$ev" 2>&1 | sed -e 's/^/    /'
	fi
done
for s in $STOCK_SCRIPTS; do
	if script_ok monitor "$s"; then
		h_pass "$s monitor: OK"
	else
		h_fail "$s monitor: not OK"
		ctdb_n event status legacy monitor 2>&1 | sed -e 's/^/    /'
	fi
done

if wait_until 20 vip_on_eth0 &&
	ip netns exec "$ns_c" ping -c 1 -W 2 "$vip" >/dev/null; then
	h_pass "takeip: $vip on eth0, reachable from the client"
else
	h_fail "takeip: $vip not on eth0 or not reachable"
	show_state
fi

# Link down: the peer's end goes down, N's eth0 loses its carrier.
ip -n "$ns_c" link set eth0 down
if wait_until 30 node_is_unhealthy; then
	h_pass "link down: UNHEALTHY"
else
	h_fail "link down: still not UNHEALTHY"
	show_state
fi
# ctdb-noded's reason is the failing script's first output line.
reason=$(grep -E 'node .*UNHEALTHY: ' "$base/log.ctdb" | tail -n 1)
case "$reason" in
*10.interface*eth0*) h_pass "the reason names eth0: ${reason#*UNHEALTHY: }" ;;
*) h_fail "the UNHEALTHY reason does not name eth0: $reason" ;;
esac
if wait_until 20 vip_gone; then
	h_pass "link down: $vip left eth0"
else
	h_fail "link down: $vip still on eth0"
	show_state
fi

ip -n "$ns_c" link set eth0 up
if wait_until 30 node_is_healthy; then
	h_pass "link up: HEALTHY again"
else
	h_fail "link up: not HEALTHY again"
	show_state
fi
if wait_until 20 vip_on_eth0; then
	h_pass "link up: $vip back on eth0"
else
	h_fail "link up: $vip not back on eth0"
	show_state
fi

# Shutdown: releaseip takes the address away.
pid=${H_DAEMON_PIDS[0]}
kill -TERM "$pid"
daemon_wait_exit "$pid" 30
if vip_gone; then
	h_pass "shutdown: releaseip removed $vip"
else
	h_fail "shutdown: $vip still on eth0"
fi

h_finish
