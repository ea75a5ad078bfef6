#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Three real ctdb-noded on corosync ([cluster] backend = corosync), each
# with our ctdb-eventd and recording scripts that succeed, in network
# namespaces of their own as in corosync_lab.sh. Checks that they share
# six public addresses two by two (from the takeip/releaseip events each
# node ran), that a monitor failure moves the failing node's addresses
# to the others and its recovery brings them back, and that `ctdb
# status` on any node shows all three nodes (with the Reason: of an
# UNHEALTHY other node), listnodes, pnn and leader agree everywhere, and
# a node that lost its corosync says why it takes no part.
#
# Needs root (skipped, 77, otherwise), ip netns, corosync and a build with
# the corosync backend. Names, the subnet and directories derive from $$
# or mktemp; the namespaces are deleted on exit, daemons killed by pid.

# Functions named in condition strings look unused to shellcheck.
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
grep -q '^#define HAVE_COROSYNC 1' "$abs_top_builddir/config.h" ||
	h_skip "built without the corosync backend"
for t in ip corosync corosync-quorumtool; do
	command -v "$t" >/dev/null 2>&1 || h_skip "$t is not installed"
done
h_init
nl_require

N=3
tag=cn$(($$ % 100000))
net=10.$((100 + $$ % 4)).$((($$ / 4) % 250)).
pub=10.$((210 + $$ % 4)).$((($$ / 4) % 250)).
group=noded$tag
made_ns=()

lab_cleanup()
{
	local ns

	for ns in "${made_ns[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	done
	for ns in "${made_ns[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}
trap 'rc=$?; lab_cleanup; (exit $rc); h_cleanup' EXIT

make_ns()
{
	ip netns add "$1" || h_die "ip netns add $1 failed"
	made_ns+=("$1")
	ip -n "$1" link set lo up
}

setup_network()
{
	local i

	make_ns "$tag-sw"
	ip -n "$tag-sw" link add br0 type bridge
	ip -n "$tag-sw" link set br0 up
	for i in $(seq 1 $N); do
		make_ns "$tag-n$i"
		ip link add "$tag-$i" netns "$tag-n$i" type veth \
			peer name "$tag-$i-p" netns "$tag-sw" ||
			h_die "veth for node $i failed"
		ip -n "$tag-n$i" link set "$tag-$i" name eth0
		ip -n "$tag-n$i" addr add "$net$i/24" dev eth0
		ip -n "$tag-n$i" link set eth0 up
		ip -n "$tag-sw" link set "$tag-$i-p" master br0
		ip -n "$tag-sw" link set "$tag-$i-p" up
	done
}

write_corosync_conf()
{
	local i=$1 j

	mkdir -p "$TESTDIR/n$i/run" "$TESTDIR/n$i/state"
	{
		printf 'totem {\n\tversion: 2\n\tcluster_name: %s\n' "$tag"
		printf '\ttransport: knet\n\tcrypto_cipher: none\n'
		printf '\tcrypto_hash: none\n\ttoken: 1000\n}\n'
		printf 'system {\n\tstate_dir: %s\n}\n' "$TESTDIR/n$i/state"
		printf 'logging {\n\tto_logfile: yes\n\tlogfile: %s\n' \
			"$TESTDIR/n$i/corosync.log"
		printf '\tto_syslog: no\n\tto_stderr: no\n}\n'
		printf 'quorum {\n\tprovider: corosync_votequorum\n}\n'
		printf 'nodelist {\n'
		for j in $(seq 1 $N); do
			printf '\tnode {\n\t\tring0_addr: %s%d\n' "$net" "$j"
			printf '\t\tnodeid: %d\n\t\tname: n%d\n\t}\n' "$j" "$j"
		done
		printf '}\n'
	} >"$TESTDIR/n$i/corosync.conf"
}

# corosync's IPC sockets are abstract, so per network namespace; /run is
# bind-mounted privately for its other files.
start_corosync()
{
	local i=$1

	ip netns exec "$tag-n$i" sh -c "mount --bind '$TESTDIR/n$i/run' /run &&
		exec corosync -f -c '$TESTDIR/n$i/corosync.conf'" \
		>"$TESTDIR/n$i/corosync.out" 2>&1 &
	corosync_pid[i]=$!
	H_BG_PIDS+=($!)
}

quorate()
{
	ip netns exec "$tag-n$1" corosync-quorumtool -s 2>/dev/null |
		grep -q '^Quorate: *Yes'
}

# A base for node i: pnn i - 1, six public addresses on eth0.
setup_node()
{
	local i=$1 b k

	b=$(nl_base "node$i") || h_die "nl_base failed"
	{
		printf '[cluster]\n\tbackend = corosync\n'
		printf '\tnode address = %s%d\n\tcpg group = %s\n' \
			"$net" "$i" "$group"
	} >>"$b/ctdb.conf"
	for k in $(seq 1 $N); do
		echo "$net$k"
	done >"$b/nodes"
	for k in 1 2 3 4 5 6; do
		echo "$pub$k/24 eth0"
	done >"$b/public_addresses"
	base[i]=$b
}

start_noded()
{
	local i=$1 b=${base[$1]}

	ip netns exec "$tag-n$i" env CTDB_TEST_MODE=yes CTDB_BASE="$b" \
		CTDB_EVENTD="$OUR_EVENTD" "$NODED" \
		</dev/null >"$b/noded.stdout" 2>"$b/noded.stderr" &
	noded_pid[i]=$!
	H_DAEMON_PIDS+=("$!")
}

# The addresses node i holds, from the events it ran, one a line.
held_by()
{
	awk '$1 == "takeip" { h[$3] = 1 }
		$1 == "releaseip" { delete h[$3] }
		END { for (a in h) print a }' "${base[$1]}/events.log" \
		2>/dev/null | sort
}

# shares_are "COUNTS" NODES...: every address once, on the nodes named,
# each holding one of COUNTS; the others hold none.
shares_are()
{
	local want=$1 i n all=""
	shift

	for i in $(seq 1 $N); do
		n=$(held_by "$i" | grep -c .)
		case " $* " in
		*" $i "*)
			case " $want " in
			*" $n "*) ;;
			*) return 1 ;;
			esac
			all="$all$(held_by "$i")"$'\n' ;;
		*) [ "$n" -eq 0 ] || return 1 ;;
		esac
	done
	[ "$(printf '%s' "$all" | grep -c .)" -eq 6 ] &&
		[ "$(printf '%s' "$all" | sort -u | grep -c .)" -eq 6 ]
}

ctdb_on()
{
	local i=$1
	shift

	ip netns exec "$tag-n$i" env CTDB_TEST_MODE=yes \
		CTDB_BASE="${base[$i]}" "$OUR_CTDB" "$@"
}

show_logs()
{
	local i

	for i in $(seq 1 $N); do
		h_msg "--- node $i log"
		tail -n 30 "${base[$i]}/log.ctdb" >&2
	done
}

setup_network
for i in $(seq 1 $N); do
	write_corosync_conf "$i"
	start_corosync "$i"
done
check "3 corosync instances form a quorate ring" \
	wait_until 20 eval "quorate 1 && quorate 2 && quorate 3"

for i in $(seq 1 $N); do
	setup_node "$i"
	start_noded "$i"
done
check "3 ctdb-noded share 6 addresses 2 by 2" \
	wait_until 60 shares_are 2 1 2 3 || show_logs

for i in $(seq 1 $N); do
	out=$(ctdb_on "$i" status 2>&1)
	check "ctdb status on node $i shows 3 nodes" \
		eval "[ \$(printf '%s\n' \"\$out\" | grep -c '^pnn:[0-2] ') -eq 3 ]"
done

# The cluster's commands give every node's view, the same everywhere.
listnodes_want=$(printf '%s\n' "${net}1" "${net}2" "${net}3")
for i in $(seq 1 $N); do
	check "node $i: ctdb listnodes lists the 3 nodes" \
		[ "$(ctdb_on "$i" listnodes 2>&1)" = "$listnodes_want" ]
	check "node $i: ctdb pnn is $((i - 1)), ctdb leader 0" \
		eval "[ \"\$(ctdb_on $i pnn)\" = $((i - 1)) ] &&
			[ \"\$(ctdb_on $i leader)\" = 0 ]"
done

# ctdb ip all: the allocation, the same on every node.
ip_all()
{
	ctdb_on "$1" -X ip all 2>/dev/null | sort
}
held_rows()
{
	local i a

	{
		echo "|Public IP|Node|"
		for i in $(seq 1 $N); do
			for a in $(held_by "$i"); do
				echo "|$a|$((i - 1))|"
			done
		done
	} | sort
}
# Compared while nothing moves: both sides are read at one moment.
ip_all_matches()
{
	[ "$(ip_all "$1")" = "$(held_rows)" ]
}
for i in $(seq 1 $N); do
	check "ctdb -X ip all on node $i shows every node's addresses" \
		wait_until 20 ip_all_matches "$i" ||
		{ ip_all "$i"; echo "held:"; held_rows; }
done

echo "monitor failure" >"${base[1]}/monitor.fail"
check "a monitor failure on node 1: its addresses move to 2 and 3" \
	wait_until 30 shares_are 3 2 3 || show_logs
out=$(ctdb_on 2 status 2>&1)
check "ctdb status on node 2 shows pnn 0 UNHEALTHY" \
	eval "printf '%s\n' \"\$out\" | grep -q '^pnn:0 .*UNHEALTHY'"
check "ctdb status on node 3: pnn 0's Reason: line after its line" \
	eval "ctdb_on 3 status | grep -A1 '^pnn:0 ' |
		grep -q '^Reason: .*monitor failure\$'"
ctdb_on 2 nodestatus all >/dev/null 2>&1
check "ctdb nodestatus all on node 2 exits 2 (pnn 0 UNHEALTHY)" [ $? -eq 2 ]
key_now()
{
	timeout 5 ip netns exec "$tag-n$1" env CTDB_TEST_MODE=yes \
		CTDB_BASE="${base[$1]}" "$OUR_CTDB" watch "$2" 2>/dev/null |
		head -n 1
}
pnn0_unhealthy_in_key()
{
	local v

	v=$(key_now "$1" cluster.nodes)
	case $v in
	*'{"pnn":0,"address":"'"${net}1"'","flags":2,"health":"UNHEALTHY","reason":"'*'monitor failure"'*)
		return 0 ;;
	esac
	return 1
}
check "cluster.nodes on node 3 has pnn 0 UNHEALTHY with its reason" \
	wait_until 20 pnn0_unhealthy_in_key 3 || key_now 3 cluster.nodes
check "ctdb wait cluster.quorate=true on node 2" \
	ctdb_on 2 wait cluster.quorate=true -t 10
rm -f "${base[1]}/monitor.fail"
check "node 1 healthy again: back to 2 each" \
	wait_until 30 shares_are 2 1 2 3 || show_logs

kill -KILL "${corosync_pid[3]}"
check "kill -9 of corosync 3: node 3 releases all, 1 and 2 take them" \
	wait_until 30 shares_are 3 1 2 || show_logs
check "node 3's status says it lost corosync" \
	wait_until 20 eval "ctdb_on 3 status | grep -q '^Takes no part: '"
check "node 1 sees pnn 2 DISCONNECTED and still leads" \
	eval "ctdb_on 1 status | grep -q '^pnn:2 .*DISCONNECTED' &&
		[ \"\$(ctdb_on 1 leader)\" = 0 ] && [ \"\$(ctdb_on 2 leader)\" = 0 ]"

for i in $(seq 1 $N); do
	check "node $i never ran takeip for an address it held" \
		eval "! awk '\$1 == \"takeip\" { if (h[\$3]) bad = 1; h[\$3] = 1 }
			\$1 == \"releaseip\" { delete h[\$3] }
			END { exit !bad }' '${base[$i]}/events.log'"
done

h_finish
