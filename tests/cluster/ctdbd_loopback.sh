#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tier 1: our ctdb-eventd as the event daemon of a real 3-node Samba CTDB
# cluster on loopback. Three of Debian's ctdbd in test mode on 127.x
# addresses derived from $$, MonitorInterval=1, six public IPs, the event
# daemon chosen with CTDB_EVENTD (Samba 4.17) and CTDB_TEST_HELPER_BINDIR
# (newer Samba). Checks: all nodes OK; every public IP held once; a failing
# monitor script makes its node UNHEALTHY within 2 s and its IPs move to
# the others within 3 s; clearing it brings the node and IPs back; kill -9
# of a ctdbd moves its IPs and its event daemon exits; our "ctdb event
# status legacy monitor" on every node shows the runs ctdbd made.
#
# The same scenario runs a second time with Samba's own ctdb-eventd as the
# reference: its times are printed beside ours, the bounds are asserted
# for ours only. CLUSTER_FLAVOURS="ours" (or "samba") runs one of them.
# Skipped (77) only when Debian's ctdb package is not installed.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/cluster/cluster_lib.sh"

cl_require
[ -f "$abs_top_builddir/events.d/00.node.script" ] ||
	h_die "$abs_top_builddir/events.d/00.node.script is not built"
h_init
cl_init

# Bounds (seconds) for our event daemon. Detection and failover are the
# issue's; the others only keep every wait finite and catch a hang.
B_DETECT=2
B_FAILOVER=3
B_RECOVER=10
B_BACK=15
B_KILL=10

# Fault cycles (fail, clear) per run, the faults spread evenly over the
# monitor cycle (cl_phase): the bounds apply to the median, the maximum is
# printed. Each cycle costs about 8 s.
CYCLES=${CLUSTER_CYCLES:-3}

# 127.A.B.0/24, unique to this run: node addresses .1-.3 (ours) and
# .11-.13 (Samba's), public IPs .101-.106 and .111-.116. ctdbd listens on
# <node address>:4379, so two runs on one machine do not meet.
net="127.$((100 + $$ % 100)).$((($$ / 100) % 250 + 1))"

# Node 0 observes, node 1 fails its monitor, a node that is not the leader
# (2, or 1 if 2 leads) is killed: killing the leader adds ctdbd's leader
# broadcast timeout and election (about 8 s), which no event daemon
# changes.
FAILNODE=1
OBS=0

scenario()
{
	local flavour=$1 k=$2 i c m ip pid leader alive KILLNODE

	CL_ADDRS=("$net.$((k * 10 + 1))" "$net.$((k * 10 + 2))" "$net.$((k * 10 + 3))")
	CL_PUBS=()
	for ip in 1 2 3 4 5 6; do
		CL_PUBS+=("$net.$((100 + k * 10 + ip))/24 lo")
	done
	CL_SCRIPTS=("00.node.script=$abs_top_builddir/events.d/00.node.script"
		"50.clustertest.script=$abs_top_srcdir/tests/cluster/clustertest.script")
	CL_NS=()
	cl_setup "$TESTDIR/$flavour" "$flavour" || h_die "cluster setup failed"
	echo "== $flavour: event daemon $CL_EVENTD, nodes ${CL_ADDRS[*]}"

	# Start-up: all OK, then every node holding IPs.
	cl_mark
	if ! cl_start_all; then
		cl_result "three ctdbd started" 1
		return 1
	fi
	cl_measure 90 "startup: all nodes OK" "cl_all_ok $OBS"
	if ! cl_check "all nodes OK" cl_all_ok "$OBS"; then
		cl_show_logs
		return 1
	fi
	cl_measure 60 "startup: IPs on every node" "cl_settled $OBS 1 0 1 2"
	cl_check "every public IP held by exactly one node, as ctdb says" \
		cl_settled "$OBS" 1 0 1 2
	for ((i = 1; i < CL_N; i++)); do
		cl_check "node $i sees the same IP assignment as node $OBS" \
			test "$(cl_ipmap "$i")" = "$(cl_ipmap "$OBS")"
	done
	cl_ip_report "$OBS"
	for ((i = 0; i < CL_N; i++)); do
		cl_check_status "$i" monitor OK OK 0
		cl_check "node $i: the monitor status is a run ctdbd made" \
			cl_status_is_logged_run "$i" monitor 50.clustertest
		cl_check_status "$i" startup OK OK 0
	done

	# A failing monitor script on node 1, then cleared: CYCLES times.
	for ((c = 1; c <= CYCLES; c++)); do
		cl_check "cycle $c: monitoring at its regular pace on every node" \
			cl_quiet "$FAILNODE" 0 1 2
		cl_phase "$c" "$CYCLES"
		cl_mark
		echo "cycle $c: fault $(cl_secs $((CL_T0 - CL_MONITOR_US))) s after a monitor checked"
		: >"$CL_DIR/n$FAILNODE/fail-monitor"
		cl_measure 20 \
			"detection#$c" "cl_unhealthy $OBS $FAILNODE" \
			"failover#$c" "cl_moved_off $OBS $FAILNODE 0 2"
		cl_check "cycle $c: node $FAILNODE holds no IP, the others hold all, once each" \
			cl_moved_off "$OBS" "$FAILNODE" 0 2
		if [ "$c" = 1 ]; then
			cl_ip_report "$OBS"
			cl_check_status "$FAILNODE" monitor OK \
				"ERROR:forced failure: $CL_DIR/n$FAILNODE/fail-monitor exists" 1
		fi

		cl_mark
		rm -f "$CL_DIR/n$FAILNODE/fail-monitor"
		cl_measure 30 \
			"recovery#$c" "cl_node_ok $OBS $FAILNODE" \
			"recovery: IPs back#$c" "cl_settled $OBS 1 0 1 2"
		cl_check "cycle $c: node $FAILNODE OK and holding IPs again, each IP once" \
			cl_settled "$OBS" 1 0 1 2
	done
	cl_check_status "$FAILNODE" monitor OK OK 0
	for m in detection failover recovery "recovery: IPs back"; do
		cl_summarize "$m" "$CYCLES"
	done
	cl_bound detection "$B_DETECT"
	cl_bound failover "$B_FAILOVER"
	cl_bound recovery "$B_RECOVER"
	cl_bound "recovery: IPs back" "$B_BACK"

	# kill -9 of a ctdbd that does not lead.
	cl_check "monitoring at its regular pace before kill -9" \
		wait_until 20 cl_steady 0 1 2
	leader=$(cl_leader "$OBS")
	KILLNODE=2
	[ "$leader" != 2 ] || KILLNODE=1
	alive="0 $((3 - KILLNODE))"
	echo "$flavour: leader is node $leader; killing node $KILLNODE"
	pid=$(cl_eventd_pid "$KILLNODE")
	cl_mark
	cl_kill9 "$KILLNODE" || h_die "no ctdbd for node $KILLNODE"
	cl_measure 30 \
		"kill -9 failover" \
		"cl_disconnected $OBS $KILLNODE && cl_settled $OBS 0 $alive" \
		"kill -9: event daemon exited" "! h_alive ${pid:-0}"
	cl_bound "kill -9 failover" "$B_KILL"
	cl_check "node $KILLNODE disconnected, the others hold every IP once" \
		eval "cl_disconnected $OBS $KILLNODE && cl_settled $OBS 0 $alive"
	cl_ip_report "$OBS"
	cl_check "node $KILLNODE's event daemon (${pid:-none}) exits with its ctdbd" \
		eval "[ -n '$pid' ] && cl_reached 'kill -9: event daemon exited'"
	for i in $alive; do
		cl_check_status "$i" monitor OK OK 0
	done
	for i in $alive; do
		echo "  node $i, last monitor: $(cl_durations "$i" monitor)"
		echo "  node $i, last takeip:  $(cl_durations "$i" takeip)"
	done

	# Clean shutdown of the rest: nothing may need a SIGKILL.
	cl_check "ctdb shutdown stops every ctdbd and event daemon" cl_stop
	if [ "$H_FAILED" -gt 0 ] && [ "$flavour" = ours ]; then
		cl_show_logs 40
	fi
	return 0
}

k=0
for flavour in ${CLUSTER_FLAVOURS:-ours samba}; do
	scenario "$flavour" "$k"
	k=$((k + 1))
done

cl_table \
	"startup: all nodes OK=-" \
	"startup: IPs on every node=-" \
	"detection=$B_DETECT" \
	"failover=$B_FAILOVER" \
	"recovery=$B_RECOVER" \
	"recovery: IPs back=$B_BACK" \
	"kill -9 failover=$B_KILL" \
	"kill -9: event daemon exited=-"
echo "Times from the fault (or the start) to the state seen by node $OBS's"
echo "ctdb, polled every 50 ms. detection: node $FAILNODE UNHEALTHY; failover: its"
echo "IPs released (releaseip) and taken (takeip) by the others; recovery:"
echo "node $FAILNODE OK again after the failure is cleared."
[ "$CL_REF_FAILED" -eq 0 ] || echo "note: $CL_REF_FAILED check(s) of the Samba reference run failed"
h_finish
