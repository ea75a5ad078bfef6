#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ctdb-noded started before corosync, then the cluster's commands on two
# nodes (two_node, no quorum device), each in a network namespace with
# corosync, ctdb-noded and our ctdb-eventd (corosync_tier.sh).
#
# Before corosync runs, each ctdb-noded logs "cannot reach corosync" once
# (not once per retry), holds no public address, and `ctdb status` (text,
# -X, --json), the cluster.nodes key and the metrics say why it takes no
# part; `ctdb leader` knows none. Once corosync starts both join, the
# addresses are shared out, and the two_node warning is logged on both.
# Then, from either node, for both: status with a Reason: line for the
# other node when it is UNHEALTHY (-X and --json too), nodestatus all, ip
# all (-X |Public IP|Node| rows), listnodes, pnn, leader (the same on
# both); ctdb wait on cluster.* keys; the cluster metrics; the nodeup and
# nodedown hooks; and, with nats-server installed, cluster.nodes on the
# NATS bus.
#
# Needs root, ip netns, corosync, python3 and a build with the corosync
# backend (skipped, 77, otherwise).

# Functions named in condition strings look unused to shellcheck.
# shellcheck disable=SC2317

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
. "$abs_top_srcdir/tests/integration/harness.sh"

N=2
[ "$(id -u)" -eq 0 ] || h_skip "needs root (network namespaces)"
grep -q '^#define HAVE_COROSYNC 1' "$abs_top_builddir/config.h" 2>/dev/null ||
	h_skip "built without the corosync backend"
for t in ip corosync corosync-quorumtool python3; do
	command -v "$t" >/dev/null 2>&1 || h_skip "$t is not installed"
done
h_require_ours "$abs_top_builddir/ctdb-noded"
h_init

TIER_TAG=cs$(($$ % 100000))
TIER_NET=10.$((108 + $$ % 4)).$((($$ / 4) % 250)).
TIER_PUB=10.$((112 + $$ % 4)).$((($$ / 4) % 250)).
TIER_PORT=$((20000 + $$ % 20000))
. "$abs_top_srcdir/tests/cluster/corosync_tier.sh"

trap 'rc=$?; tier_cleanup; (exit $rc); h_cleanup' EXIT

PATH=$PATH:/usr/sbin
NATS_SERVER=$(command -v nats-server)
NATS_PORT=$((20000 + ($$ * 7) % 20000))
SUB_OUT=$TESTDIR/sub.jsonl

# ---------------------------------------------------------------- helpers

log_count()
{
	local n

	n=$(grep -c -F -- "$2" "$TESTDIR/n$1/log.ctdb" 2>/dev/null)
	echo "${n:-0}"
}

held_count()
{
	tier_held "$1" | wc -l
}

# out_is I EXPECTED ARGS...: `ctdb ARGS` on node I prints exactly EXPECTED.
out_is()
{
	local i=$1 want=$2
	shift 2
	[ "$(tier_ctdb "$i" "$@" 2>&1)" = "$want" ]
}

status_has()
{
	local i=$1
	shift
	tier_ctdb "$i" status 2>/dev/null | grep -q -x -F -- "$*"
}

# json_is I EXPR ARGS...: EXPR on j, `ctdb --json ARGS` on node I.
json_is()
{
	local i=$1 expr=$2
	shift 2
	tier_ctdb "$i" --json "$@" 2>/dev/null |
		python3 -c 'import json, sys
j = json.load(sys.stdin)
sys.exit(0 if eval(sys.argv[1]) else 1)' "$expr"
}

metric_is()
{
	tier_ctdb "$1" metrics 2>/dev/null | grep -q -x -F -- "$2"
}

# Every public address is on exactly one node.
all_held_once()
{
	local ip n i

	for ip in $(tier_public_ips); do
		n=0
		for i in $(seq 1 "$N"); do
			tier_held "$i" | grep -q -x -F "$ip" && n=$((n + 1))
		done
		[ "$n" -eq 1 ] || return 1
	done
}

# The first line of `ctdb watch KEY` on node I: the key's current value.
watch_first()
{
	ip netns exec "$TIER_TAG-n$1" env CTDB_TEST_MODE=yes \
		CTDB_BASE="$TESTDIR/n$1" timeout 5 "$OUR_CTDB" watch "$2" |
		head -n 1
}

hook_has()
{
	grep -q -x -F -- "$2" "$TESTDIR/n$1/hooks.log" 2>/dev/null
}

sub_has()
{
	python3 - "$SUB_OUT" "$1" "$2" <<'EOF'
import json, sys
path, subject, expr = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    lines = open(path).read().splitlines()
except OSError:
    lines = []
for line in lines:
    m = json.loads(line)
    if m.get("subject") == subject and eval(expr, {"p": json.loads(m["data"])}):
        sys.exit(0)
sys.exit(1)
EOF
}

sub_ready()
{
	grep -q '"ready"' "$SUB_OUT" 2>/dev/null
}

port_open()
{
	ip netns exec "$TIER_TAG-n1" bash -c \
		"(exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT)" 2>/dev/null
}

show_nodes()
{
	local i

	for i in $(seq 1 "$N"); do
		echo "--- node $i: held $(tier_held "$i" | tr '\n' ' ')"
		tier_ctdb "$i" status 2>&1 | sed -e 's/^/    /'
		tail -n 30 "$TESTDIR/n$i/log.ctdb" | sed -e 's/^/    /'
	done
}

# ---------------------------------------------------------------- set-up

tier_network
for i in $(seq 1 "$N"); do
	tier_write_corosync_conf "$i"
	# Two nodes, no quorum device: each stays quorate alone.
	sed -i -e 's/provider: corosync_votequorum/&\n\ttwo_node: 1/' \
		"$TESTDIR/n$i/corosync.conf"
	tier_base "$i" || h_die "base of node $i failed"
	mkdir -p "$TESTDIR/n$i/events/notification"
	cat >"$TESTDIR/n$i/events/notification/10.log.script" <<'EOF'
#!/bin/sh
echo "$*" >>"$CTDB_BASE/hooks.log"
EOF
	chmod 0755 "$TESTDIR/n$i/events/notification/10.log.script"
done
if [ -n "$NATS_SERVER" ]; then
	printf '[events]\n\tnats url = nats://127.0.0.1:%s\n\tnode name = n1\n' \
		"$NATS_PORT" >>"$TESTDIR/n1/ctdb.conf"
	ip netns exec "$TIER_TAG-n1" "$NATS_SERVER" -a 127.0.0.1 \
		-p "$NATS_PORT" >>"$TESTDIR/nats-server.log" 2>&1 &
	H_DAEMON_PIDS+=($!)
	wait_until 10 port_open || h_fail "nats-server did not start"
	ip netns exec "$TIER_TAG-n1" python3 \
		"$abs_top_srcdir/tests/integration/nats_sub.py" 127.0.0.1 \
		"$NATS_PORT" "ctdb.n1.cluster.>" "$SUB_OUT" &
	H_BG_PIDS+=($!)
	wait_until 10 sub_ready || h_fail "the NATS subscriber is not ready"
fi

# ------------------------------------------------ before corosync runs

for i in $(seq 1 "$N"); do
	tier_start_noded "$i"
done
WHY="cannot reach corosync (is it running?)"
for i in $(seq 1 "$N"); do
	if ! check "node $i: ctdb status says why it takes no part" \
		wait_until 30 status_has "$i" "Takes no part: $WHY"; then
		show_nodes
		h_die "ctdb-noded does not say why it takes no part"
	fi
done
# The first monitor runs 2 s after startup: by then corosync was retried.
check "node 1 HEALTHY (monitoring goes on without corosync)" \
	wait_until 30 eval 'tier_ctdb 1 nodestatus >/dev/null'
check "node 1 retried: still out after its first monitor" \
	status_has 1 "Takes no part: $WHY"
for i in $(seq 1 "$N"); do
	check "node $i logged 'cannot reach corosync' once, not per retry" \
		[ "$(log_count "$i" "cannot reach corosync")" -eq 1 ]
	check "node $i holds no public address" [ "$(held_count "$i")" -eq 0 ]
done
check "-X status: WhyOut on this node's row" \
	eval "tier_ctdb 1 -X status | grep -q -F '|Y||$WHY|'"
check "--json status: why_out" json_is 1 "j['why_out'] == '$WHY'" status
check "ctdb leader: UNKNOWN, exit 1, while out" \
	eval "out_is 1 UNKNOWN leader && ! tier_ctdb 1 leader >/dev/null"
check "ctdb wait cluster.quorate=false" \
	tier_ctdb 1 wait cluster.quorate=false --timeout 20
check "the cluster.nodes key says why on this node's entry" \
	eval "watch_first 1 cluster.nodes |
		grep -q -F '\"why_out\":\"$WHY\"'"
check "metrics: ctdb_cluster_taking_part 0, ctdb_cluster_quorate 0" \
	eval "metric_is 1 'ctdb_cluster_taking_part 0' &&
		metric_is 1 'ctdb_cluster_quorate 0'"

# ------------------------------------------------ corosync starts

for i in $(seq 1 "$N"); do
	tier_start_corosync "$i"
done
for i in $(seq 1 "$N"); do
	check "node $i: ctdb wait cluster.quorate=true once corosync runs" \
		tier_ctdb "$i" wait cluster.quorate=true --timeout 60
done
if ! check "every public address on exactly one node" \
	wait_until 60 all_held_once; then
	show_nodes
fi
for i in $(seq 1 "$N"); do
	check "node $i takes part: no 'Takes no part' line" \
		wait_until 30 eval "! tier_ctdb $i status | grep -q '^Takes no part'"
	check "node $i holds addresses" [ "$(held_count "$i")" -ge 1 ]
	check "node $i logged the two_node warning" \
		[ "$(log_count "$i" "two_node and no quorum device")" -ge 1 ]
	check "node $i: 'cannot reach corosync' still logged only once" \
		[ "$(log_count "$i" "cannot reach corosync")" -eq 1 ]
done

# ------------------------------------------------ commands for all nodes

A1=${TIER_NET}1
A2=${TIER_NET}2
for i in 1 2; do
	check "node $i: ctdb listnodes" out_is "$i" "$A1
$A2" listnodes
	check "node $i: ctdb -X listnodes" out_is "$i" "|0|$A1|
|1|$A2|" -X listnodes
	check "node $i: ctdb pnn is $((i - 1))" out_is "$i" "$((i - 1))" pnn
	check "node $i: ctdb leader is 0, as on the other node" \
		out_is "$i" 0 leader
	check "node $i: --json leader" json_is "$i" "j == {'leader': 0}" leader
	check "node $i: ctdb nodestatus all, both OK, exit 0" \
		wait_until 30 out_is "$i" "Number of nodes:2
pnn:0 $(printf '%-16s' "$A1") OK$([ "$i" = 1 ] && echo ' (THIS NODE)')
pnn:1 $(printf '%-16s' "$A2") OK$([ "$i" = 2 ] && echo ' (THIS NODE)')" \
		nodestatus all
done
ipall1=$(tier_ctdb 1 ip all)
check "ctdb ip all: the same on both nodes" \
	[ "$ipall1" = "$(tier_ctdb 2 ip all)" ]
check "ctdb ip all: every address on pnn 0 or 1" \
	[ "$(echo "$ipall1" | grep -c -E ' [01]$')" -eq $((2 * N)) ]
check "ctdb -X ip all: CTDB's |Public IP|Node| rows" \
	eval "[ \"\$(tier_ctdb 2 -X ip all | head -n 1)\" = '|Public IP|Node|' ] &&
		[ \"\$(tier_ctdb 2 -X ip all | grep -c -E '^\\|[0-9.]+\\|[01]\\|\$')\" -eq $((2 * N)) ]"
check "ip all agrees with where the addresses are" \
	eval "for ip in \$(tier_held 2); do
		echo \"$ipall1\" | grep -q -x -F \"\$ip 1\" || exit 1; done"
check "node 1's nodeup hook for pnn 1" wait_until 20 hook_has 1 "nodeup 1 $A2"

# ------------------------------------------------ the other node's reason

REASON="50.service failed (exit 1): service is down (test fault)"
echo fail >"$TESTDIR/n2/monitor.fail"
if ! check "node 1's status: pnn:1 UNHEALTHY with its Reason: line" \
	wait_until 30 eval "tier_ctdb 1 status | grep -A1 '^pnn:1 ' |
		grep -q -x -F 'Reason: $REASON'"; then
	show_nodes
fi
check "node 1's -X status: the Reason column of pnn 1" \
	eval "tier_ctdb 1 -X status | grep -q -F '|1|$A2|0|0|0|0|1|0|0|0|N|$REASON||'"
check "node 1's --json status: nodes[1].reason" \
	json_is 1 "j['nodes'][1]['reason'] == '$REASON'" status
check "node 2 says the same of itself" \
	eval "tier_ctdb 2 status | grep -A1 '^pnn:1 ' |
		grep -q -x -F 'Reason: $REASON'"
check "node 1: cluster.nodes has pnn 1 UNHEALTHY with its reason" \
	eval "watch_first 1 cluster.nodes | grep -q -F '\"pnn\":1,\"address\":\"$A2\",\"flags\":2,\"health\":\"UNHEALTHY\",\"reason\":\"$REASON\"'"
check "node 1 metrics: 1 unhealthy node, its flags 2, quorate" \
	eval "metric_is 1 'ctdb_cluster_nodes{state=\"unhealthy\"} 1' &&
		metric_is 1 'ctdb_cluster_node_flags{pnn=\"1\",address=\"$A2\"} 2' &&
		metric_is 1 'ctdb_cluster_quorate 1' &&
		metric_is 1 'ctdb_cluster_taking_part 1'"
tier_ctdb 1 metrics >"$TESTDIR/metrics.om" 2>/dev/null
if ! check "node 1's metrics pass the strict OpenMetrics parser" \
	python3 "$abs_top_srcdir/tests/integration/openmetrics_check.py" \
	"$TESTDIR/metrics.om"; then
	sed -e 's/^/    /' "$TESTDIR/metrics.om"
fi
if [ -n "$NATS_SERVER" ]; then
	check "NATS: ctdb.n1.cluster.nodes with pnn 1 UNHEALTHY and its reason" \
		wait_until 20 sub_has ctdb.n1.cluster.nodes \
		"p['value'][1]['reason'] == '$REASON'"
	check "NATS: ctdb.n1.cluster.quorate true" \
		sub_has ctdb.n1.cluster.quorate "p['value'] is True"
	check "NATS: ctdb.n1.cluster.ips" \
		sub_has ctdb.n1.cluster.ips "len(p['value']) == $((2 * N))"
else
	h_skip_step "NATS bus: nats-server is not installed"
fi
rm -f "$TESTDIR/n2/monitor.fail"
check "pnn 1 HEALTHY again, seen from node 1" \
	wait_until 30 eval "tier_ctdb 1 nodestatus 1 >/dev/null"

# ------------------------------------------------ a node leaves

kill -KILL "$(tier_pid 2 noded)"
check "node 1's nodedown hook for pnn 1" wait_until 30 hook_has 1 "nodedown 1 $A2"
check "node 1 takes every address" \
	wait_until 30 eval "[ \$(held_count 1) -eq $((2 * N)) ]"
check "node 1: pnn:1 DISCONNECTED" \
	eval "tier_ctdb 1 status | grep -q '^pnn:1 .*DISCONNECTED'"

[ "$H_FAILED" -eq 0 ] || show_nodes
h_finish
