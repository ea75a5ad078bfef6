#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Failover times, ours on corosync against Samba's ctdbd, on the same
# network-namespace tier, both at MonitorInterval=1. A benchmark, not a
# test: it prints medians, ranges and ratios and asserts nothing.
#
# Two tiers of the same shape (tests/cluster/corosync_tier.sh: 3 node
# namespaces on a bridge, a client namespace asking a public address every
# 50 ms, 6 public addresses on eth0, the shipped 10.interface) are up for
# the whole run: "ours" (corosync, ctdb-noded, our ctdb-eventd) and
# "samba" (Debian's ctdbd 4.17 in test mode with Samba's ctdb-eventd,
# through tests/cluster/cluster_lib.sh). Rounds alternate, ours then Samba,
# so that the load of the machine (and of the idle tier) hits both alike.
# A round of either, each fault at a random moment of the monitor cycle:
#   monitor failure on the node holding the client's address
#     -> UNHEALTHY (as another node's ctdb status says),
#     -> its addresses gone from its eth0,
#     -> the client answered by another node (the client's clock);
#   kill -9 of the node daemon (ctdb-noded / ctdbd) of a node holding
#     addresses -> the other nodes hold every address once;
#   node death: `ip link set eth0 down` in a node's namespace
#     -> the other nodes hold every address once.
# For Samba the killed or dead node is one that does not lead (a leader's
# death adds an election), as in tests/cluster/ctdbd_netns.sh.
#
# Usage (root, from the build tree): bench/cluster_failover.sh [ROUNDS]
# (default 10). SAMBA=no leaves Samba out; BENCH_KEEP_LOGS=DIR keeps the
# tiers' files.

# Node lists are split into words on purpose; functions are named in
# condition strings; globals are read by the sourced tier libraries.
# shellcheck disable=SC2317,SC2046,SC2086,SC2034

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/.." && pwd)}"
: "${abs_top_builddir:=$(pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/cluster/cluster_lib.sh"

ROUNDS=${1:-10}
case "$ROUNDS" in
'' | *[!0-9]*) h_die "ROUNDS must be a number, not '$ROUNDS'" ;;
esac
[ "$(id -u)" -eq 0 ] || h_skip "needs root (network namespaces)"
grep -q '^#define HAVE_COROSYNC 1' "$abs_top_builddir/config.h" 2>/dev/null ||
	h_skip "built without the corosync backend"
WITH_SAMBA=${SAMBA:-yes}
[ "$WITH_SAMBA" = no ] || cl_require
h_init
ROOT=$TESTDIR
mkfifo "$ROOT/sleep.fifo" || h_die "mkfifo failed"
exec {CL_SLEEP_FD}<>"$ROOT/sleep.fifo"

N=3
ALL="1 2 3"
TIER_PORT=$((20000 + $$ % 20000))
. "$abs_top_srcdir/tests/cluster/corosync_tier.sh"
# Both tiers' processes and namespaces, then the harness's own cleanup.
bench_exit()
{
	local rc=$?

	TESTDIR=$ROOT
	cl_cleanup_all
	tier_cleanup
	# BENCH_KEEP_LOGS=DIR keeps both tiers' files (logs, client logs).
	if [ -n "${BENCH_KEEP_LOGS:-}" ]; then
		mkdir -p "$BENCH_KEEP_LOGS" && cp -r "$ROOT/." "$BENCH_KEEP_LOGS/"
	fi
	(exit $rc)
	h_cleanup
}
trap bench_exit EXIT

# use_tier ours|samba: the globals the tier functions read.
use_tier()
{
	local k=0

	[ "$1" = ours ] || k=1
	CL_FLAVOUR=$1
	TIER_TAG=b$k$(($$ % 100000))
	TIER_NET=10.$((100 + 8 * k + $$ % 4)).$((($$ / 4) % 250)).
	TIER_PUB=10.$((104 + 8 * k + $$ % 4)).$((($$ / 4) % 250)).
	TESTDIR=$ROOT/$1
	TARGET=${TIER_PUB}1
	mkdir -p "$TESTDIR"
}

declare -A MS=()
METRICS=("monitor failure to UNHEALTHY"
	"monitor failure to IPs gone from the node"
	"monitor failure to client served elsewhere"
	"kill -9 of the node daemon to IPs moved"
	"node death (eth0 down) to IPs moved")

holder_of()
{
	local i

	for i in $ALL; do
		tier_held "$i" | grep -q -x -F "$TARGET" && {
			echo "$i"
			return 0
		}
	done
	return 1
}

# on_exactly NODE...: every public address is on the eth0 of one of the
# NODEs, once.
on_exactly()
{
	local i a
	declare -A seen=()

	for i in "$@"; do
		for a in $(tier_held "$i"); do
			[ -z "${seen[$a]:-}" ] || return 1
			seen[$a]=1
		done
	done
	[ "${#seen[@]}" -eq $((2 * N)) ]
}

others()
{
	local i

	for i in $ALL; do
		[ "$i" = "$1" ] || printf '%s ' "$i"
	done
}

ip_gone()
{
	[ -z "$(tier_held "$1")" ]
}

# keep METRIC MS: one more sample of the current tier.
keep()
{
	MS["$CL_FLAVOUR|$1"]="${MS[$CL_FLAVOUR|$1]:-} $2"
}

# fresh METRIC...: forget the last cl_measure's times of METRICs.
fresh()
{
	local m

	for m in "$@"; do
		unset "CL_MS[$CL_FLAVOUR:$m]"
	done
}

# timed METRIC CAP CONDITION: poll CONDITION (cl_measure, 50 ms) from the
# mark; keep its time.
timed()
{
	fresh "$1"
	cl_measure "$2" "$1" "$3" || return 1
	keep "$1" "${CL_MS[$CL_FLAVOUR:$1]}"
}

# client_elsewhere_ms T0 H: the client's first answer at or after T0 (ms)
# from a node other than H, as its time - T0.
client_elsewhere_ms()
{
	awk -v t0="$1" -v h="node$2" \
		'$1 >= t0 && $2 != "-" && $2 != h { print $1 - t0; exit }' \
		"$TESTDIR/client.log"
}

client_elsewhere()
{
	[ -n "$(client_elsewhere_ms "$@")" ]
}

# A random moment of the monitor cycle (1 s): 0-999 ms.
random_phase()
{
	read -r -t "0.$(printf '%03d' $((RANDOM % 1000)))" -u "$CL_SLEEP_FD" _
}

# ------------------------------------------------------------- ours

ours_healthy()
{
	! tier_ctdb 1 status 2>/dev/null |
		grep -q 'UNHEALTHY\|DISCONNECTED\|STOPPED\|BANNED\|INACTIVE'
}
ours_unhealthy() { tier_ctdb "$1" status 2>/dev/null | grep -q "^pnn:$(($2 - 1)) .*UNHEALTHY"; }
ours_fail() { : >"$TESTDIR/n$1/monitor.fail"; }
ours_clear() { rm -f "$TESTDIR/n$1/monitor.fail"; }
ours_kill() { kill -KILL "$(tier_pid "$1" noded)"; }
# Its addresses stay on its eth0: the restarted daemon releases them.
ours_restart() { tier_start_noded "$1"; }
ours_victim() { holder_of; }

# After eth0 came back: corosync merges, the node rejoins. If it has not
# within 60 s, its corosync and daemon are started again.
ours_revive()
{
	ip -n "$TIER_TAG-n$1" link set eth0 up
	wait_until 60 settled && return 0
	echo "ours: node $1 did not rejoin after its link came back: restarting it"
	kill -KILL "$(tier_pid "$1" noded)" "$(tier_pid "$1" corosync)" 2>/dev/null
	tier_start_corosync "$1"
	wait_until 30 tier_quorate "$1"
	tier_start_noded "$1"
}

ours_up()
{
	local i

	tier_network
	for i in $ALL; do
		tier_write_corosync_conf "$i"
		tier_base "$i" || h_die "base of node $i failed"
		tier_start_corosync "$i"
		tier_start_probe_server "$i"
	done
	wait_until 30 eval "tier_quorate 1 && tier_quorate 2 && tier_quorate 3" ||
		h_die "corosync did not become quorate"
	for i in $ALL; do
		tier_start_noded "$i"
	done
}

# ------------------------------------------------------------- samba

# Node i of the tier is node i-1 (pnn) of cluster_lib.
samba_healthy() { cl_all_ok 0; }
samba_unhealthy() { cl_unhealthy $(($1 - 1)) $(($2 - 1)); }
samba_fail() { : >"$TESTDIR/n$(($1 - 1))/fail-monitor"; }
samba_clear() { rm -f "$TESTDIR/n$(($1 - 1))/fail-monitor"; }
samba_kill() { cl_kill9 $(($1 - 1)); }

# samba_victim: a node holding addresses that does not lead.
samba_victim()
{
	local leader i

	leader=$(cl_leader 0)
	for i in $(holder_of) $ALL; do
		[ "$((i - 1))" != "$leader" ] && [ -n "$(tier_held "$i")" ] && {
			echo "$i"
			return 0
		}
	done
	return 1
}

# samba_restart I: as after a reboot: the killed ctdbd's event daemon gone,
# the addresses it left on eth0 removed (in test mode ctdbd does not check
# them), eth0 up, ctdbd started.
samba_restart()
{
	local a ns=$TIER_TAG-n$1

	wait_until 15 eval "! cl_eventd_pid $(($1 - 1)) >/dev/null"
	for a in $(tier_held "$1"); do
		ip -n "$ns" addr del "$a/24" dev eth0
	done
	ip -n "$ns" link set eth0 up
	cl_start $(($1 - 1))
}

# A partitioned ctdbd runs a cluster of its own: it is killed and started
# again once its link is back.
samba_revive()
{
	cl_kill9 $(($1 - 1))
	samba_restart "$1"
}

samba_up()
{
	local i ip

	tier_network
	CL_ADDRS=()
	CL_NS=()
	CL_PUBS=()
	for i in $ALL; do
		CL_ADDRS+=("$TIER_NET$i")
		CL_NS+=("$TIER_TAG-n$i")
	done
	for ip in $(tier_public_ips); do
		CL_PUBS+=("$ip/24 eth0")
	done
	CL_SCRIPTS=("00.node.script=$abs_top_builddir/events.d/00.node.script"
		"10.interface.script=$abs_top_builddir/events.d/10.interface.script"
		"50.clustertest.script=$abs_top_srcdir/tests/cluster/clustertest.script")
	cl_setup "$TESTDIR" samba || h_die "Samba's cluster setup failed"
	for i in $ALL; do
		tier_start_probe_server "$i"
	done
	cl_start_all || h_die "Samba's ctdbd did not start"
}

# ------------------------------------------------------------- rounds

settled() { on_exactly $ALL && "${CL_FLAVOUR}_healthy"; }

# settle: every address once and every node healthy, then 2 s of quiet.
settle()
{
	wait_until "${1:-60}" settled || return 1
	sleep 2
}

monitor_cycle()
{
	local fl=$CL_FLAVOUR h t0ms obs

	h=$(holder_of) || { echo "$fl: nobody holds $TARGET"; return 1; }
	set -- $(others "$h")
	obs=$1
	random_phase
	cl_mark
	t0ms=$((CL_T0 / 1000))
	fresh "${METRICS[0]}" "${METRICS[1]}" client
	echo "$fl: monitor of node $h fails from $EPOCHREALTIME"
	"${fl}_fail" "$h"
	cl_measure 30 \
		"${METRICS[0]}" "${fl}_unhealthy $obs $h" \
		"${METRICS[1]}" "ip_gone $h" \
		"client" "client_elsewhere $t0ms $h"
	cl_reached "${METRICS[0]}" && keep "${METRICS[0]}" "${CL_MS[$fl:${METRICS[0]}]}"
	cl_reached "${METRICS[1]}" && keep "${METRICS[1]}" "${CL_MS[$fl:${METRICS[1]}]}"
	cl_reached client && keep "${METRICS[2]}" "$(client_elsewhere_ms "$t0ms" "$h")"
	"${fl}_clear" "$h"
	settle 60
}

kill_cycle()
{
	local fl=$CL_FLAVOUR h

	h=$("${fl}_victim") || { echo "$fl: no node to kill"; return 1; }
	random_phase
	cl_mark
	echo "$fl: kill -9 of node $h's daemon at $EPOCHREALTIME"
	"${fl}_kill" "$h"
	timed "${METRICS[3]}" 30 "on_exactly $(others "$h")"
	"${fl}_restart" "$h"
	settle 90
}

death_cycle()
{
	local fl=$CL_FLAVOUR h

	h=$("${fl}_victim") || { echo "$fl: no node to fail"; return 1; }
	random_phase
	cl_mark
	echo "$fl: eth0 of node $h down at $EPOCHREALTIME"
	ip -n "$TIER_TAG-n$h" link set eth0 down
	timed "${METRICS[4]}" 120 "on_exactly $(others "$h")"
	"${fl}_revive" "$h"
	settle 90
}

round()
{
	use_tier "$1"
	CL_DIR=$TESTDIR
	echo "round $2: $1"
	monitor_cycle && kill_cycle && death_cycle && return 0
	echo "round $2: $1 did not settle; waiting for it once more"
	settle 90
}

# ------------------------------------------------------------- report

# stats MS...: "median min max n" in ms.
stats()
{
	[ $# -gt 0 ] || return 0
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
		END { if (NR == 0) exit
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print m, v[1], v[NR], NR }'
}

report()
{
	local m o s
	local -a a b

	printf '\n%-44s %-22s %-22s %s\n' "time (s), median (range) n" ours samba ours/samba
	for m in "${METRICS[@]}"; do
		read -r -a a <<<"$(stats ${MS[ours|$m]:-})"
		read -r -a b <<<"$(stats ${MS[samba|$m]:-})"
		o=n/a
		s=n/a
		[ ${#a[@]} -eq 0 ] ||
			o=$(awk -v m="${a[0]}" -v l="${a[1]}" -v h="${a[2]}" -v n="${a[3]}" \
				'BEGIN { printf "%.2f (%.2f-%.2f) %d", m / 1000, l / 1000, h / 1000, n }')
		[ ${#b[@]} -eq 0 ] ||
			s=$(awk -v m="${b[0]}" -v l="${b[1]}" -v h="${b[2]}" -v n="${b[3]}" \
				'BEGIN { printf "%.2f (%.2f-%.2f) %d", m / 1000, l / 1000, h / 1000, n }')
		printf '%-44s %-22s %-22s %s\n' "$m" "$o" "$s" \
			"$(awk -v a="${a[0]:-}" -v b="${b[0]:-}" \
				'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }')"
	done
	echo
	for m in "${METRICS[@]}"; do
		echo "ours  $m (ms):${MS[ours|$m]:-}"
		echo "samba $m (ms):${MS[samba|$m]:-}"
	done
}

# The corosync timeouts the ours tier really runs with.
corosync_timeouts()
{
	local k

	use_tier ours
	for k in token consensus join; do
		printf 'corosync runtime.config.totem.%s: %s ms\n' "$k" \
			"$(ip netns exec "$TIER_TAG-n1" corosync-cmapctl -g \
				"runtime.config.totem.$k" 2>/dev/null | awk '{ print $NF }')"
	done
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
use_tier ours
ours_up
if [ "$WITH_SAMBA" != no ]; then
	use_tier samba
	samba_up
fi
for f in ours samba; do
	[ "$f" = ours ] || [ "$WITH_SAMBA" != no ] || continue
	use_tier "$f"
	CL_DIR=$TESTDIR
	wait_until 120 settled || h_die "$f: the addresses were not shared out"
	tier_start_client "$TARGET"
	wait_until 30 test -s "$TESTDIR/client.log" || h_die "$f: the client did not start"
done
corosync_timeouts

for r in $(seq 1 "$ROUNDS"); do
	round ours "$r"
	[ "$WITH_SAMBA" = no ] || round samba "$r"
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
report
