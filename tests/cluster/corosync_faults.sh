#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Public addresses under faults, on ctdb-noded's corosync backend. N nodes
# (NODES, default 3), each in a network namespace with corosync,
# ctdb-noded and our ctdb-eventd running the shipped 10.interface on real
# addresses; a bridge namespace; a client namespace that connects to a
# public address and reports which node answered.
#
# Faults, in turn: a node that joins late; a monitor failure and its
# recovery; ctdb stop / continue; kill -9 of ctdb-noded and its restart;
# kill -9 of corosync (node death) and the node's return; a partition of
# one node (nftables) and the heal; a SIGSTOPped ctdb-noded, then
# SIGCONT; a node whose nodes file differs; a ctdb-noded started before
# its corosync; a second ctdb-noded for a pnn that is served.
#
# The invariant, sampled about 10 times a second by a background checker
# through every fault: no public address is configured on two nodes whose
# ctdb-noded is running (alive and not stopped; one just started or woken
# gets 2 s to release what it still held; one still joining, while its
# RUNDIR/noded.joining exists, does not count). After each fault settles
# every address is on exactly one running node that may host it. The
# violations are counted per fault and must all be 0.
#
# Needs root, ip netns, corosync, python3 and a build with the corosync
# backend (skipped, 77, otherwise); the partition step needs nft.

# Functions named in condition strings look unused to shellcheck.
# Node lists ($ALL, $(all_but N)) are split into words on purpose.
# shellcheck disable=SC2317,SC2046,SC2086

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
. "$abs_top_srcdir/tests/integration/harness.sh"

N=${NODES:-3}
case "$N" in
'' | *[!0-9]*) h_die "NODES must be a number of nodes, not '$N'" ;;
esac
[ "$N" -ge 3 ] || h_die "NODES must be at least 3 (quorum after a fault)"

[ "$(id -u)" -eq 0 ] || h_skip "needs root (network namespaces)"
grep -q '^#define HAVE_COROSYNC 1' "$abs_top_builddir/config.h" 2>/dev/null ||
	h_skip "built without the corosync backend"
for t in ip corosync corosync-quorumtool python3; do
	command -v "$t" >/dev/null 2>&1 || h_skip "$t is not installed"
done
h_require_ours "$abs_top_builddir/ctdb-noded"
h_init

TIER_TAG=cf$(($$ % 100000))
TIER_NET=10.$((100 + $$ % 4)).$((($$ / 4) % 250)).
TIER_PUB=10.$((104 + $$ % 4)).$((($$ / 4) % 250)).
TIER_PORT=$((20000 + $$ % 20000))
. "$abs_top_srcdir/tests/cluster/corosync_tier.sh"

checker_pid=
trap 'rc=$?; [ -n "$checker_pid" ] && kill -KILL "$checker_pid" 2>/dev/null;
	tier_cleanup; (exit $rc); h_cleanup' EXIT

ALL=$(seq -s " " 1 "$N")
PUBS=$(tier_public_ips | tr "\n" " ")
FAULTS=()
declare -A FAULT_T0=() FAULT_MS=()

# ---------------------------------------------------------------- checker

# The checker samples every node's addresses about 10 times a second (see
# addr_checker.py) until $TESTDIR/checking is removed.
start_checker()
{
	local specs=() i

	for i in $ALL; do
		specs+=("n$i:$TIER_TAG-n$i:$TESTDIR/n$i/noded.pid:$TESTDIR/n$i/run/noded.joining")
	done
	python3 "$abs_top_srcdir/tests/cluster/addr_checker.py" "$TIER_PUB" \
		"${TIER_PUB}200" "$TESTDIR/fault" "$TESTDIR/checking" \
		"$TESTDIR/violations.log" "$TESTDIR/samples.log" "${specs[@]}" \
		2>"$TESTDIR/checker.err" &
	checker_pid=$!
	H_BG_PIDS+=($!)
	wait_until 30 test -s "$TESTDIR/samples.log" ||
		h_die "the address checker did not start: $(cat "$TESTDIR/checker.err")"
}

# begin_fault NAME: the checker counts what follows under NAME.
begin_fault()
{
	FAULTS+=("$1")
	FAULT_T0[$1]=$(h_now_us)
	[ -z "${LAST_FAULT:-}" ] ||
		FAULT_MS[$LAST_FAULT]=$(((FAULT_T0[$1] - FAULT_T0[$LAST_FAULT]) / 1000))
	LAST_FAULT=$1
	echo "$1" >"$TESTDIR/fault"
	echo "--- $1"
}

violations_of()
{
	local n

	n=$(awk -v f="$1" '$1 == f' "$TESTDIR/violations.log" 2>/dev/null |
		wc -l)
	echo "$n"
}

samples_of()
{
	local n

	n=$(grep -c -x -F -- "$1" "$TESTDIR/samples.log" 2>/dev/null)
	echo "${n:-0}"
}

# ---------------------------------------------------------------- settling

# settled NODE...: every public address is on exactly one running node,
# and that node is one of those named (those that may host it now); a
# running node not named holds none.
settled()
{
	local allowed=" $* " i ip holders count
	declare -A where=()

	for i in $ALL; do
		tier_noded_running "$i" || continue
		for ip in $(tier_held "$i"); do
			case "$allowed" in
			*" $i "*) ;;
			*) return 1 ;;
			esac
			where[$ip]="${where[$ip]} $i"
		done
	done
	for ip in $PUBS; do
		holders=${where[$ip]:-}
		count=$(echo "$holders" | wc -w)
		[ "$count" -eq 1 ] || return 1
	done
	return 0
}

all_but()
{
	local i

	for i in $ALL; do
		[ "$i" = "$1" ] || echo "$i"
	done
}

# settle SECONDS DESCRIPTION NODE...: wait until settled; report the node
# the client reached.
settle()
{
	local secs=$1 what=$2
	shift 2

	if wait_until "$secs" settled "$@"; then
		h_pass "$what (client served by $(tier_client_answer))"
	else
		h_fail "$what"
		show_holders
	fi
}

show_holders()
{
	local i

	for i in $ALL; do
		printf '  n%d noded %s: %s\n' "$i" \
			"$(tier_noded_running "$i" && echo running || echo down)" \
			"$(tier_held "$i" | tr '\n' ' ')"
	done
}

# ---------------------------------------------------------------- set-up

# The backend is wired in when ctdb status of a member lists every line
# of nodes; without it a corosync configuration runs as a single node.
lists_all_nodes()
{
	[ "$(tier_ctdb 1 status 2>/dev/null | grep -c '^pnn:')" -eq "$N" ]
}

all_quorate()
{
	local i

	for i in $ALL; do
		tier_quorate "$i" || return 1
	done
}

tier_network
for i in $ALL; do
	tier_write_corosync_conf "$i"
	tier_base "$i" || h_die "base of node $i failed"
	tier_start_corosync "$i"
	tier_start_probe_server "$i"
done
check "$N corosync instances form a quorate ring" wait_until 30 all_quorate

# The last node joins late: the others settle first.
begin_fault start
: >"$TESTDIR/checking"
start_checker
for i in $(all_but "$N"); do
	tier_start_noded "$i"
done
if ! wait_until 20 lists_all_nodes; then
	h_skip "ctdb-noded does not run the corosync backend (ctdb status on node 1 lists $(tier_ctdb 1 status 2>/dev/null | grep -c '^pnn:') nodes, not $N)"
fi
settle 60 "$((N - 1)) nodes share the addresses" $(all_but "$N")
tier_start_client "${TIER_PUB}1"

begin_fault late-join
tier_start_noded "$N"
settle 30 "node $N joins late and takes a share" $ALL

begin_fault monitor
: >"$TESTDIR/n2/monitor.fail"
settle 20 "monitor failure on node 2: its addresses move" $(all_but 2)
check "ctdb status on node 1 shows node 2 UNHEALTHY" \
	wait_until 10 eval "tier_ctdb 1 status | grep -q 'pnn:1 .*UNHEALTHY'"
rm -f "$TESTDIR/n2/monitor.fail"
settle 20 "node 2 healthy again" $ALL

begin_fault stop-continue
check "ctdb stop on node 2" tier_ctdb 2 stop
settle 20 "stopped node 2 holds nothing" $(all_but 2)
check "ctdb continue on node 2" tier_ctdb 2 continue
settle 20 "node 2 continued" $ALL

begin_fault kill-noded
kill -KILL "$(tier_pid 3 noded)"
settle 20 "kill -9 of ctdb-noded 3: the others take its addresses" \
	$(all_but 3)
# Its addresses are still on its eth0: the new daemon must release them
# (10.interface's init event does, and ctdb-noded releases what init
# left) before it joins, or they are on two running nodes.
leftovers=$(tier_held 3 | wc -l)
check "kill -9 left ctdb-noded 3's addresses configured ($leftovers)" \
	test "$leftovers" -gt 0
begin_fault noded-restart
tier_start_noded 3
settle 30 "ctdb-noded 3 restarted: nothing held twice" $ALL

begin_fault kill-corosync
kill -KILL "$(tier_pid 3 corosync)"
settle 30 "kill -9 of corosync 3: its addresses move" $(all_but 3)
tier_start_corosync 3
wait_until 30 eval "tier_quorate 3" || h_fail "corosync 3 did not rejoin"
tier_noded_running 3 || tier_start_noded 3
settle 40 "corosync 3 back: node 3 takes part again" $ALL

begin_fault partition
if command -v nft >/dev/null 2>&1; then
	# Only the corosync ring is cut: the client still reaches node 1.
	ip netns exec "$TIER_TAG-n1" nft -f - <<EOF
table inet cut {
	chain in { type filter hook input priority 0; ip saddr ${TIER_NET}0/24 ip saddr != ${TIER_NET}200 drop; }
	chain out { type filter hook output priority 0; ip daddr ${TIER_NET}0/24 ip daddr != ${TIER_NET}200 drop; }
}
EOF
	settle 40 "node 1 cut off: it releases, the majority takes over" \
		$(all_but 1)
	ip netns exec "$TIER_TAG-n1" nft delete table inet cut
	settle 40 "partition healed" $ALL
else
	h_skip_step "partition (nft is not installed)"
fi

begin_fault sigstop
kill -STOP "$(tier_pid 2 noded)"
settle 30 "SIGSTOPped ctdb-noded 2: the others take its addresses" \
	$(all_but 2)
touch "$TESTDIR/n2/noded.pid.woken"
kill -CONT "$(tier_pid 2 noded)"
settle 30 "ctdb-noded 2 woken: it releases, not fights" $ALL

nodes_difference_logged()
{
	grep -Eqi 'nodes.*(differ|mismatch)|(differ|mismatch).*nodes' \
		"$TESTDIR"/n*/log.ctdb "$TESTDIR"/n*/noded.stderr 2>/dev/null
}

begin_fault nodes-mismatch
kill -TERM "$(tier_pid 3 noded)"
daemon_wait_exit "$(tier_pid 3 noded)" 20
settle 30 "node 3 stopped cleanly" $(all_but 3)
cp "$TESTDIR/n3/nodes" "$TESTDIR/n3/nodes.good"
# One more line: every pnn stays the same, only the file differs.
echo "${TIER_NET}99" >>"$TESTDIR/n3/nodes"
tier_start_noded 3
# Only once node 3 has joined and been refused does "takes no address"
# mean anything: under load that can take longer than any fixed sleep.
check "a log names the nodes file as the difference" \
	wait_until 60 nodes_difference_logged
settle 10 "node 3 with a different nodes file takes no address" $(all_but 3)
kill -TERM "$(tier_pid 3 noded)"
daemon_wait_exit "$(tier_pid 3 noded)" 20
cp "$TESTDIR/n3/nodes.good" "$TESTDIR/n3/nodes"
tier_start_noded 3
settle 30 "node 3 with the right nodes file takes part" $ALL

# ctdb-noded started while its corosync is down: it says so once, keeps
# trying, takes no address, and joins when corosync comes.
begin_fault corosync-absent
kill -TERM "$(tier_pid 3 noded)"
daemon_wait_exit "$(tier_pid 3 noded)" 20
kill -TERM "$(tier_pid 3 corosync)"
daemon_wait_exit "$(tier_pid 3 corosync)" 30
settle 30 "node 3 and its corosync stopped" $(all_but 3)
said_before=$(grep -c 'cannot reach corosync' "$TESTDIR/n3/log.ctdb")
tier_start_noded 3
check "ctdb-noded 3 says corosync is unreachable" \
	wait_until 30 eval "[ \$(grep -c 'cannot reach corosync' \
		'$TESTDIR/n3/log.ctdb') -gt $said_before ]"
check "ctdb-noded 3 holds no address without corosync" \
	test -z "$(tier_held 3)"
tier_start_corosync 3
wait_until 30 tier_quorate 3 || h_fail "corosync 3 did not rejoin"
settle 40 "corosync 3 started late: node 3 takes part" $ALL
said=$(($(grep -c 'cannot reach corosync' "$TESTDIR/n3/log.ctdb") - said_before))
check "it said so once, not at every retry ($said)" test "$said" -eq 1

# A second ctdb-noded for pnn 1, in node 2's namespace (same corosync
# node) with a base of its own and no public address: the one that has
# served pnn 1 keeps it, the newcomer is refused and exits, both log it.
begin_fault duplicate-pnn
d=$TESTDIR/n2dup
mkdir -p "$d/events/legacy" "$d/var" || h_die "mkdir $d failed"
mkdir -m 0700 "$d/run" || h_die "mkdir $d/run failed"
sed "s|$TESTDIR/n2/|$d/|" "$TESTDIR/n2/ctdb.conf" >"$d/ctdb.conf"
cp "$TESTDIR/n2/nodes" "$TESTDIR/n2/ctdb.tunables" "$d/"
: >"$d/public_addresses"
ip netns exec "$TIER_TAG-n2" env CTDB_TEST_MODE=yes CTDB_BASE="$d" \
	CTDB_EVENTD="$OUR_EVENTD" "$TIER_NODED" </dev/null \
	>>"$d/noded.stdout" 2>>"$d/noded.stderr" &
dup_pid=$!
H_DAEMON_PIDS+=("$dup_pid")
check "a second ctdb-noded for pnn 1 is refused and exits" \
	wait_until 60 eval "! kill -0 $dup_pid 2>/dev/null"
check "it logs that another ctdb-noded serves pnn 1" \
	grep -q 'already serves pnn 1: refusing to take part' "$d/log.ctdb"
check "the first one's peers log the refusal" \
	grep -q 'refusing a second ctdb-noded for pnn 1' "$TESTDIR/n1/log.ctdb"
settle 30 "the first ctdb-noded of pnn 1 keeps its share" $ALL

begin_fault end
rm -f "$TESTDIR/checking"
wait "$checker_pid" 2>/dev/null
checker_pid=

echo "invariant violations per fault (samples aimed at 10 per second):"
for f in "${FAULTS[@]}"; do
	v=$(violations_of "$f")
	printf '  %-16s %4d violations in %5d samples over %6d ms\n' \
		"$f" "$v" "$(samples_of "$f")" "${FAULT_MS[$f]:-0}"
	if [ "$v" -eq 0 ]; then
		h_pass "no address on two running nodes during $f"
	else
		h_fail "no address on two running nodes during $f"
		awk -v f="$f" '$1 == f' "$TESTDIR/violations.log" | sort |
			uniq -c | head -n 5
	fi
done

h_finish
