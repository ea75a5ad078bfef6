# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The corosync namespace tier shared by corosync_faults.sh: N nodes, each a
# network namespace running corosync, ctdb-noded (backend = corosync) and
# our ctdb-eventd with the shipped 10.interface; a bridge in a namespace of
# its own; a client namespace that asks a public address which node
# answers. Source it after harness.sh and h_init.
#
# Inputs: N (nodes), TIER_TAG (short name prefix, unique per run),
# TIER_NET (node subnet prefix "a.b.c."), TIER_PUB (public subnet prefix),
# TIER_PORT (the port every node's probe server answers on).
#
# Per node i (1..N): namespace $TIER_TAG-n$i, eth0 = $TIER_NET$i, the base
# $TESTDIR/n$i, pnn i-1. The node's daemon pids are kept in
# $TESTDIR/n$i/{corosync,noded}.pid so a background checker can read them.

TIER_NS=()
TIER_PROBE="$abs_top_srcdir/tests/cluster/tcp_probe.py"
TIER_NODED="$abs_top_builddir/ctdb-noded"

tier_cleanup()
{
	local ns

	for ns in "${TIER_NS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	done
	for ns in "${TIER_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}

tier_ns_add()
{
	ip netns add "$1" || h_die "ip netns add $1 failed"
	TIER_NS+=("$1")
	ip -n "$1" link set lo up
}

# tier_port NS ADDR/LEN...: a veth from NS to the bridge, with addresses.
tier_plug()
{
	local ns=$1 name=$2 a
	shift 2

	ip link add "$name" netns "$ns" type veth \
		peer name "$name-p" netns "$TIER_TAG-sw" ||
		h_die "veth $name failed"
	ip -n "$ns" link set "$name" name eth0
	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev eth0
	done
	ip -n "$ns" link set eth0 up
	ip -n "$TIER_TAG-sw" link set "$name-p" master br0
	ip -n "$TIER_TAG-sw" link set "$name-p" up
}

tier_network()
{
	local i

	tier_ns_add "$TIER_TAG-sw"
	ip -n "$TIER_TAG-sw" link add br0 type bridge
	ip -n "$TIER_TAG-sw" link set br0 up
	for i in $(seq 1 "$N"); do
		tier_ns_add "$TIER_TAG-n$i"
		tier_plug "$TIER_TAG-n$i" "$TIER_TAG-$i" "$TIER_NET$i/24"
	done
	tier_ns_add "$TIER_TAG-cl"
	tier_plug "$TIER_TAG-cl" "$TIER_TAG-c" "${TIER_NET}200/24" \
		"${TIER_PUB}200/24"
}

# The public addresses: two per node, all on eth0, any node may host any.
tier_public_ips()
{
	local k

	for k in $(seq 1 $((2 * N))); do
		echo "$TIER_PUB$k"
	done
}

tier_write_corosync_conf()
{
	local i=$1 d=$TESTDIR/n$1 j

	mkdir -p "$d/corosync-run" "$d/corosync-state"
	{
		printf 'totem {\n\tversion: 2\n\tcluster_name: %s\n' "$TIER_TAG"
		printf '\ttransport: knet\n\tcrypto_cipher: none\n'
		printf '\tcrypto_hash: none\n\ttoken: 1000\n}\n'
		printf 'system {\n\tstate_dir: %s\n}\n' "$d/corosync-state"
		printf 'logging {\n\tto_logfile: yes\n\tlogfile: %s\n' \
			"$d/corosync.log"
		printf '\tto_syslog: no\n\tto_stderr: no\n}\n'
		printf 'quorum {\n\tprovider: corosync_votequorum\n}\n'
		printf 'nodelist {\n'
		for j in $(seq 1 "$N"); do
			printf '\tnode {\n\t\tring0_addr: %s%d\n' "$TIER_NET" "$j"
			printf '\t\tnodeid: %d\n\t\tname: n%d\n\t}\n' "$j" "$j"
		done
		printf '}\n'
	} >"$d/corosync.conf"
}

# The nodes file every node shares; tier_base writes it, a test may spoil
# one copy.
tier_nodes_file()
{
	local j

	for j in $(seq 1 "$N"); do
		echo "$TIER_NET$j"
	done
}

# tier_base I: the ctdb-noded base of node I: ctdb.conf with the corosync
# backend, nodes, public_addresses on eth0, MonitorInterval=1, the shipped
# 10.interface and a service script whose monitor fails while
# BASE/monitor.fail exists.
tier_base()
{
	local i=$1 b=$TESTDIR/n$1 ip

	mkdir -p "$b/events/legacy" "$b/var" || return 1
	mkdir -m 0700 "$b/run" || return 1
	cat >"$b/ctdb.conf" <<EOF
[logging]
	location = file:$b/log.ctdb
	log level = INFO
[cluster]
	backend = corosync
	node address = $TIER_NET$i
	cpg group = $TIER_TAG
EOF
	tier_nodes_file >"$b/nodes"
	for ip in $(tier_public_ips); do
		echo "$ip/24 eth0"
	done >"$b/public_addresses"
	echo MonitorInterval=1 >"$b/ctdb.tunables"
	cp "$abs_top_builddir/events.d/10.interface.script" \
		"$b/events/legacy/10.interface.script" || return 1
	cat >"$b/events/legacy/50.service.script" <<'EOF'
#!/bin/sh
if [ "$1" = monitor ] && [ -e "$CTDB_BASE/monitor.fail" ]; then
	echo "service is down (test fault)"
	exit 1
fi
exit 0
EOF
	chmod 0755 "$b/events/legacy/"*.script
}

# corosync's IPC sockets are abstract, so per network namespace; /run is
# bind-mounted privately (ip netns exec gives a mount namespace) for the
# rest of its files.
tier_start_corosync()
{
	local i=$1 d=$TESTDIR/n$1

	ip netns exec "$TIER_TAG-n$i" sh -c "mount --bind '$d/corosync-run' /run &&
		exec corosync -f -c '$d/corosync.conf'" \
		>>"$d/corosync.out" 2>&1 &
	echo $! >"$d/corosync.pid"
	H_BG_PIDS+=($!)
}

tier_start_noded()
{
	local i=$1 b=$TESTDIR/n$1

	ip netns exec "$TIER_TAG-n$i" env CTDB_TEST_MODE=yes CTDB_BASE="$b" \
		CTDB_TEST_HELPER_BINDIR="$abs_top_builddir" \
		CTDB_EVENTD="$OUR_EVENTD" "$TIER_NODED" \
		</dev/null >>"$b/noded.stdout" 2>>"$b/noded.stderr" &
	echo $! >"$b/noded.pid"
	H_DAEMON_PIDS+=($!)
}

tier_start_probe_server()
{
	ip netns exec "$TIER_TAG-n$1" python3 "$TIER_PROBE" --lifetime 1800 \
		serve "node$1" "$TIER_PORT" >/dev/null 2>&1 &
	H_BG_PIDS+=($!)
}

# tier_start_client IP: the client asks IP every 50 ms; its log lines are
# "<ms> node<i>" or "<ms> -".
tier_start_client()
{
	ip netns exec "$TIER_TAG-cl" python3 "$TIER_PROBE" --lifetime 1800 \
		client "$1" "$TIER_PORT" "$TESTDIR/client.log" \
		>/dev/null 2>&1 &
	H_BG_PIDS+=($!)
}

# The node that answered the client last, or "-".
tier_client_answer()
{
	tail -n 1 "$TESTDIR/client.log" 2>/dev/null | cut -d' ' -f2
}

tier_quorate()
{
	ip netns exec "$TIER_TAG-n$1" corosync-quorumtool -s 2>/dev/null |
		grep -q '^Quorate: *Yes'
}

tier_pid()
{
	cat "$TESTDIR/n$1/$2.pid" 2>/dev/null
}

# Is node I's ctdb-noded running: alive and not stopped (a SIGSTOPped
# daemon cannot release anything, and the others rightly take over).
tier_noded_running()
{
	local pid st

	pid=$(tier_pid "$1" noded) || return 1
	read -r st 2>/dev/null <"/proc/$pid/stat" || return 1
	st=${st##*) }
	case "$st" in
	R* | S* | D*) return 0 ;;
	esac
	return 1
}

# The public addresses configured on node I, one per line. Parsed in the
# shell: one fork per call keeps the checker near 10 samples a second on
# a loaded machine.
tier_held()
{
	local addr rest

	while read -r _ _ _ addr rest; do
		addr=${addr%/*}
		case "$addr" in
		"${TIER_PUB}200") ;;
		"$TIER_PUB"*) echo "$addr" ;;
		esac
	done < <(ip -n "$TIER_TAG-n$1" -o -4 addr show dev eth0 2>/dev/null)
}

# ctdb (our tool) run against node I.
tier_ctdb()
{
	local i=$1
	shift

	ip netns exec "$TIER_TAG-n$i" env CTDB_TEST_MODE=yes \
		CTDB_BASE="$TESTDIR/n$i" "$OUR_CTDB" "$@"
}
