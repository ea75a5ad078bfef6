#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Failover times, ours on corosync against Samba's ctdbd, on the same
# network-namespace tier (3 nodes, real addresses through the shipped
# 10.interface, a client namespace), both at MonitorInterval=1. A benchmark,
# not a test: it prints medians and ranges and asserts nothing.
#
# Rounds alternate: one fault cycle of ours (tests/cluster/corosync_tier.sh),
# then one of Samba's (tests/cluster/ctdbd_netns.sh with
# CLUSTER_FLAVOURS=samba CLUSTER_CYCLES=1, its "samba <metric>:" lines kept).
# A cycle of ours, on the node holding the client's address:
#   monitor failure -> UNHEALTHY (ctdb status of another node),
#                   -> its addresses gone from the node,
#                   -> the client served by another node;
#   kill -9 of ctdb-noded -> its addresses on the other nodes;
#   kill -9 of corosync (node death) -> its addresses on the other nodes.
# Usage (root, from the build tree): bench/cluster_failover.sh [ROUNDS]
# (default 10). SAMBA=no skips Samba's rounds.

# Node lists are split into words on purpose.
# shellcheck disable=SC2317,SC2046,SC2086

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/.." && pwd)}"
: "${abs_top_builddir:=$(pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

ROUNDS=${1:-10}
case "$ROUNDS" in
'' | *[!0-9]*) h_die "ROUNDS must be a number, not '$ROUNDS'" ;;
esac
[ "$(id -u)" -eq 0 ] || h_skip "needs root (network namespaces)"
grep -q '^#define HAVE_COROSYNC 1' "$abs_top_builddir/config.h" 2>/dev/null ||
	h_skip "built without the corosync backend"
h_init

N=3
TIER_TAG=bf$(($$ % 100000))
TIER_NET=10.$((100 + $$ % 4)).$((($$ / 4) % 250)).
TIER_PUB=10.$((104 + $$ % 4)).$((($$ / 4) % 250)).
TIER_PORT=$((20000 + $$ % 20000))
. "$abs_top_srcdir/tests/cluster/corosync_tier.sh"
trap 'rc=$?; tier_cleanup; (exit $rc); h_cleanup' EXIT

ALL="1 2 3"
TARGET=${TIER_PUB}1
declare -A MS=()

# ms since the epoch.
now_ms()
{
	local t=${EPOCHREALTIME/[.,]/}

	echo $((t / 1000))
}

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

# Every address once, on the nodes named (only running nodes count).
on_exactly()
{
	local i n
	declare -A seen=()

	for i in "$@"; do
		for a in $(tier_held "$i"); do
			[ -z "${seen[$a]:-}" ] || return 1
			seen[$a]=1
		done
	done
	n=${#seen[@]}
	[ "$n" -eq $((2 * N)) ]
}

others()
{
	local i

	for i in $ALL; do
		[ "$i" = "$1" ] || printf '%s ' "$i"
	done
}

# record METRIC T0: now - T0 in ms, kept in MS[METRIC] (space-separated).
record()
{
	MS[$1]="${MS[$1]:-} $(($(now_ms) - $2))"
}

# The first client answer after T0 (ms) from a node other than H: its
# time - T0, or nothing yet.
client_elsewhere_ms()
{
	awk -v t0="$1" -v h="node$2" \
		'$1 >= t0 && $2 != "-" && $2 != h { print $1 - t0; exit }' \
		"$TESTDIR/client.log"
}

poll_until()
{
	wait_until "$@"
}

ours_cycle()
{
	local h t0 pnn c

	h=$(holder_of) || { echo "nobody holds $TARGET"; return 1; }
	pnn=$((h - 1))
	set -- $(others "$h")

	t0=$(now_ms)
	: >"$TESTDIR/n$h/monitor.fail"
	poll_until 20 eval "tier_ctdb $1 status 2>/dev/null | grep -q '^pnn:$pnn .*UNHEALTHY'" &&
		record "monitor: failure to UNHEALTHY" "$t0"
	poll_until 20 eval "[ -z \"\$(tier_held $h)\" ]" &&
		record "monitor: failure to IPs gone" "$t0"
	poll_until 20 eval "[ -n \"\$(client_elsewhere_ms $t0 $h)\" ]" &&
		MS["monitor: failure to client served elsewhere"]+=" $(client_elsewhere_ms "$t0" "$h")"
	rm -f "$TESTDIR/n$h/monitor.fail"
	poll_until 30 on_exactly $ALL || return 1
	sleep 2

	h=$(holder_of) || return 1
	set -- $(others "$h")
	t0=$(now_ms)
	kill -KILL "$(tier_pid "$h" noded)"
	poll_until 30 on_exactly "$@" &&
		record "kill -9 of the node daemon to IPs moved" "$t0"
	# Its addresses stay on its interface: the restarted daemon releases.
	tier_start_noded "$h"
	poll_until 30 on_exactly $ALL || return 1
	sleep 2

	h=$(holder_of) || return 1
	set -- $(others "$h")
	t0=$(now_ms)
	kill -KILL "$(tier_pid "$h" corosync)"
	poll_until 30 on_exactly "$@" &&
		record "node death to IPs moved" "$t0"
	tier_start_corosync "$h"
	wait_until 30 tier_quorate "$h"
	tier_noded_running "$h" || tier_start_noded "$h"
	poll_until 40 on_exactly $ALL || return 1
	sleep 2
}

samba_round()
{
	CLUSTER_FLAVOURS=samba CLUSTER_CYCLES=1 \
		bash "$abs_top_srcdir/tests/cluster/ctdbd_netns.sh" \
		>"$TESTDIR/samba.out" 2>&1
	grep '^samba ' "$TESTDIR/samba.out" >>"$TESTDIR/samba.times"
}

# median and range of the numbers in $1 (ms), as "median (min-max) n".
summary()
{
	printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 }
		END { if (NR == 0) { print "n/a"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.2f s (%.2f-%.2f) n=%d\n", m / 1000, v[1] / 1000, v[NR] / 1000, NR }'
}

# Lines "samba <metric>: <seconds>..." of every round: median and range
# per metric.
samba_summary()
{
	awk '{ sub(/^samba +/, ""); match($0, /.*:/); i = RLENGTH
		m = substr($0, 1, i - 1); n = split(substr($0, i + 1), v, " ")
		for (k = 1; k <= n; k++) if (v[k] ~ /^[0-9.]+$/) print m "\t" v[k] }' |
		sort -t "$(printf '\t')" -k1,1 -k2,2n |
		awk -F '\t' '{ c[$1]++; v[$1, c[$1]] = $2 }
		END { for (m in c) { n = c[m]
			med = (n % 2) ? v[m, (n + 1) / 2] : (v[m, n / 2] + v[m, n / 2 + 1]) / 2
			printf "  %-46s %.2f s (%.2f-%.2f) n=%d\n", m, med, v[m, 1], v[m, n], n } }' |
		sort
}

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
wait_until 60 on_exactly $ALL || h_die "ours did not share the addresses"
tier_start_client "$TARGET"
wait_until 30 test -s "$TESTDIR/client.log" || h_die "the client did not start"

for r in $(seq 1 "$ROUNDS"); do
	echo "round $r: ours"
	ours_cycle || echo "round $r: ours did not settle"
	if [ "${SAMBA:-yes}" != no ]; then
		echo "round $r: samba"
		samba_round
	fi
done

echo
echo "ours (corosync, MonitorInterval=1), $ROUNDS rounds: median (range)"
for m in "${!MS[@]}"; do
	printf '  %-46s %s\n' "$m" "$(summary "${MS[$m]}")"
done | sort
if [ -s "$TESTDIR/samba.times" ]; then
	echo "samba ctdbd (tests/cluster/ctdbd_netns.sh, one cycle a round, s):"
	samba_summary <"$TESTDIR/samba.times"
fi
