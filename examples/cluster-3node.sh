#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A cluster of your own on one machine: three nodes, each a network
# namespace running corosync, ctdb-noded (backend = corosync) and
# ctdb-eventd, joined by a bridge in a fourth namespace. Six public
# addresses (192.168.77.101-106) are shared by the nodes through the
# shipped 10.interface; a client namespace, ctdbex-client, reaches them.
# Nothing is configured outside the namespaces.
#
# Usage (as root, from a build tree configured with corosync):
#   examples/cluster-3node.sh start [BUILDDIR]
#   examples/cluster-3node.sh status
#   examples/cluster-3node.sh stop
# Everything lives in $CLUSTER_DIR (default /tmp/ctdb-cluster-3node);
# stop kills what start recorded there, by pid, and deletes the namespaces.
# CLUSTER_NS (default ctdbex) prefixes the namespaces' names, so that two
# copies (a test beside a user's) do not meet.

set -u

dir=${CLUSTER_DIR:-/tmp/ctdb-cluster-3node}
ns=${CLUSTER_NS:-ctdbex}
src=$(cd "$(dirname "$0")/.." && pwd)
nodes="192.168.76.1 192.168.76.2 192.168.76.3"
pub=192.168.77.

die()
{
	echo "cluster-3node: $*" >&2
	exit 1
}

ns_of()
{
	echo "$ns-n$1"
}

write_corosync_conf()
{
	local i=$1 j=0 a

	mkdir -p "$dir/n$i/corosync-run" "$dir/n$i/corosync-state"
	{
		printf 'totem {\n\tversion: 2\n\tcluster_name: ctdbex\n'
		printf '\ttransport: knet\n\tcrypto_cipher: none\n'
		printf '\tcrypto_hash: none\n\ttoken: 1000\n}\n'
		printf 'system {\n\tstate_dir: %s\n}\n' "$dir/n$i/corosync-state"
		printf 'logging {\n\tto_logfile: yes\n\tlogfile: %s\n' \
			"$dir/n$i/corosync.log"
		printf '\tto_syslog: no\n\tto_stderr: no\n}\n'
		printf 'quorum {\n\tprovider: corosync_votequorum\n}\n'
		printf 'nodelist {\n'
		for a in $nodes; do
			j=$((j + 1))
			printf '\tnode {\n\t\tring0_addr: %s\n' "$a"
			printf '\t\tnodeid: %d\n\t\tname: n%d\n\t}\n' "$j" "$j"
		done
		printf '}\n'
	} >"$dir/n$i/corosync.conf"
}

# The node's CTDB_BASE: the same nodes and public_addresses everywhere,
# only "node address" differs.
write_base()
{
	local i=$1 b=$dir/n$1 k

	mkdir -p "$b/events/legacy" "$b/var"
	mkdir -m 0700 "$b/run"
	cat >"$b/ctdb.conf" <<EOF
[logging]
	location = file:$b/log.ctdb
	log level = NOTICE
[cluster]
	backend = corosync
	node address = 192.168.76.$i
	cpg group = ctdbex
EOF
	# shellcheck disable=SC2086 # one line per address
	printf '%s\n' $nodes >"$b/nodes"
	for k in 1 2 3 4 5 6; do
		echo "${pub}10$k/24 eth0"
	done >"$b/public_addresses"
	echo MonitorInterval=1 >"$b/ctdb.tunables"
	cp "$build/events.d/10.interface.script" "$b/events/legacy/"
	chmod 0755 "$b/events/legacy/10.interface.script"
}

network()
{
	local i

	ip netns add "$ns-sw" || die "ip netns add failed (root needed)"
	echo "$ns-sw" >>"$dir/namespaces"
	ip -n "$ns-sw" link add br0 type bridge
	ip -n "$ns-sw" link set br0 up
	for i in 1 2 3; do
		ip netns add "$(ns_of $i)"
		ns_of "$i" >>"$dir/namespaces"
		ip -n "$(ns_of $i)" link set lo up
		ip link add "ex$i" netns "$(ns_of $i)" type veth \
			peer name "ex$i-p" netns "$ns-sw"
		ip -n "$(ns_of $i)" link set "ex$i" name eth0
		ip -n "$(ns_of $i)" addr add "192.168.76.$i/24" dev eth0
		ip -n "$(ns_of $i)" link set eth0 up
		ip -n "$ns-sw" link set "ex$i-p" master br0 up
	done
	ip netns add "$ns-client"
	echo "$ns-client" >>"$dir/namespaces"
	ip -n "$ns-client" link set lo up
	ip link add exc netns "$ns-client" type veth \
		peer name exc-p netns "$ns-sw"
	ip -n "$ns-client" link set exc name eth0
	ip -n "$ns-client" addr add "${pub}200/24" dev eth0
	ip -n "$ns-client" link set eth0 up
	ip -n "$ns-sw" link set exc-p master br0 up
}

start_node()
{
	local i=$1 b=$dir/n$1

	ip netns exec "$(ns_of "$i")" sh -c "mount --bind '$b/corosync-run' /run &&
		exec corosync -f -c '$b/corosync.conf'" \
		>"$b/corosync.out" 2>&1 &
	echo $! >>"$dir/pids"
	# corosync must be up before ctdb-noded joins its group.
	sleep 2
	ip netns exec "$(ns_of "$i")" env CTDB_TEST_MODE=yes CTDB_BASE="$b" \
		CTDB_TEST_HELPER_BINDIR="$build" \
		CTDB_EVENTD="$build/ctdb-eventd" "$build/ctdb-noded" \
		</dev/null >"$b/noded.out" 2>&1 &
	echo $! >>"$dir/pids"
}

start()
{
	build=$(cd "${1:-$src}" && pwd) || die "no build directory ${1:-}"
	[ "$(id -u)" -eq 0 ] || die "run me as root (network namespaces)"
	[ -x "$build/ctdb-noded" ] || die "$build/ctdb-noded is not built"
	[ -f "$build/events.d/10.interface.script" ] ||
		die "$build/events.d/10.interface.script is not built"
	command -v corosync >/dev/null || die "corosync is not installed"
	[ ! -e "$dir" ] || die "$dir exists: run '$0 stop' first"
	mkdir -p "$dir"
	echo "$build" >"$dir/build"
	network
	for i in 1 2 3; do
		write_corosync_conf "$i"
		write_base "$i"
	done
	for i in 1 2 3; do
		start_node "$i"
	done
	echo "3 nodes started; their files are in $dir/n1 .. n3."
	echo "  $0 status                      # ctdb status and ip all, from node 1"
	echo "  ip netns exec $ns-client ping ${pub}101   # a client reaches a public address"
	echo "  kill -9 \$(ip netns pids $(ns_of 2))  # a node dies; watch its addresses move"
	echo "  $0 stop"
}

ctdb_on()
{
	local i=$1
	shift

	ip netns exec "$(ns_of "$i")" env CTDB_TEST_MODE=yes \
		CTDB_BASE="$dir/n$i" "$build/ctdb" "$@"
}

status()
{
	[ -f "$dir/build" ] || die "not started ($dir/build is missing)"
	build=$(cat "$dir/build")
	ctdb_on 1 status
	ctdb_on 1 ip all
}

stop()
{
	local p netns

	if [ -f "$dir/pids" ]; then
		while read -r p; do
			kill -TERM "$p" 2>/dev/null
		done <"$dir/pids"
		sleep 2
		while read -r p; do
			kill -KILL "$p" 2>/dev/null
		done <"$dir/pids"
	fi
	if [ -f "$dir/namespaces" ]; then
		while read -r netns; do
			ip netns pids "$netns" 2>/dev/null |
				xargs -r kill -KILL 2>/dev/null
			ip netns del "$netns" 2>/dev/null
		done <"$dir/namespaces"
	fi
	rm -rf "$dir"
	echo "stopped"
}

case "${1:-}" in
start) start "${2:-}" ;;
status) status ;;
stop) stop ;;
*) die "usage: $0 start [BUILDDIR] | status | stop" ;;
esac
