#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Three corosync instances, each in a network namespace of its own with a
# private /run, joined by a bridge in one more namespace. Checks that they
# form a quorate ring, that one cluster member per node (the corosync
# glue and the takeover protocol, with pretend actions: the
# corosync_member driver) shows up in corosync-cpgtool's view of the
# group, that the three share six addresses two by two, and what happens
# on kill -9 of a member, its restart, an unhealthy member, a second
# member for the same pnn, and kill -9 of one corosync.
#
# Needs root (skipped, 77, otherwise), ip netns, corosync and a build with
# the corosync backend. Names, the subnet and directories derive from $$
# or mktemp; the namespaces are deleted on exit.

# Functions named in condition strings look unused to shellcheck.
# shellcheck disable=SC2317

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
. "$abs_top_srcdir/tests/integration/harness.sh"

[ "$(id -u)" -eq 0 ] || h_skip "needs root (network namespaces)"
member_bin=$abs_top_builddir/tests/cluster/corosync_member
[ -x "$member_bin" ] || h_skip "built without the corosync backend"
for t in ip corosync corosync-cpgtool corosync-quorumtool; do
	command -v "$t" >/dev/null 2>&1 || h_skip "$t is not installed"
done
h_init

N=3
tag=cl$(($$ % 100000))
net=10.$((96 + $$ % 4)).$((($$ / 4) % 250)).
group=lab$tag
nodes=${net}1,${net}2,${net}3
ips=10.200.0.1,10.200.0.2,10.200.0.3,10.200.0.4,10.200.0.5,10.200.0.6
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

# pnn is node - 1; the status file says what the member holds.
start_member()
{
	local i=$1 name=${2:-m$1}

	ip netns exec "$tag-n$i" "$member_bin" "$group" $((i - 1)) \
		"$nodes" "$ips" "$TESTDIR/$name.status" \
		>>"$TESTDIR/$name.out" 2>&1 &
	member_pid[i]=$!
	H_BG_PIDS+=($!)
}

cpg_members()
{
	ip netns exec "$tag-n$1" corosync-cpgtool -e 2>/dev/null |
		awk -v g="$group" '$1 == g { on = 1; next }
			on && /^[A-Za-z]/ { on = 0 }
			on && $1 ~ /^[0-9]+$/ { n++ } END { print n + 0 }'
}

held_count()
{
	local line words

	line=$(grep '^held' "$TESTDIR/$1.status" 2>/dev/null) || {
		echo -1
		return
	}
	read -r -a words <<<"$line"
	echo $((${#words[@]} - 1))
}

phase_of()
{
	sed -n 's/^phase //p' "$TESTDIR/$1.status" 2>/dev/null
}

# Every address once, on the members named, each holding its share.
shares_are()
{
	local want=$1 all m
	shift

	all=$(for m in "$@"; do
		sed -n 's/^held //p' "$TESTDIR/$m.status" 2>/dev/null |
			tr ' ' '\n'
	done | grep -c .)
	[ "$all" -eq 6 ] || return 1
	[ "$(for m in "$@"; do
		sed -n 's/^held //p' "$TESTDIR/$m.status" | tr ' ' '\n'
	done | sort -u | grep -c .)" -eq 6 ] || return 1
	for m in "$@"; do
		[ "$(phase_of "$m")" = idle ] || return 1
		case " $want " in
		*" $(held_count "$m") "*) ;;
		*) return 1 ;;
		esac
	done
	return 0
}

check()
{
	local name=$1
	shift

	if "$@"; then
		h_pass "$name"
	else
		h_fail "$name"
	fi
}

cpg_has_all()
{
	[ "$(cpg_members 1)" -eq "$N" ]
}

member_gone()
{
	! h_alive "${member_pid[$1]}"
}

holds_nothing()
{
	[ "$(held_count "$1")" -eq 0 ]
}

# The time from $1 (h_now_us) to the last takeip the members logged, in
# ms: what the protocol took, without the polling of this script.
takeover_ms()
{
	local t0=$1 last=0 ts us m
	shift

	for m in "$@"; do
		ts=$(grep 'done: takeip' "$TESTDIR/$m.status.log" |
			tail -n 1 | cut -d' ' -f1)
		[ -n "$ts" ] || continue
		us=$(date -d "$ts" +%s%6N) || continue
		[ "$us" -gt "$last" ] && last=$us
	done
	echo $(((last - t0) / 1000))
}

setup_network
for i in $(seq 1 $N); do
	write_corosync_conf "$i"
	start_corosync "$i"
done
check "3 corosync instances form a quorate ring" \
	wait_until 20 eval "quorate 1 && quorate 2 && quorate 3"

for i in $(seq 1 $N); do
	start_member "$i"
done
check "corosync-cpgtool sees 3 members in group $group" \
	wait_until 10 cpg_has_all
check "6 addresses shared 2 by 2" \
	wait_until 10 shares_are 2 m1 m2 m3

t0=$(h_now_us)
kill -KILL "${member_pid[2]}"
check "kill -9 of member 2: members 1 and 3 take its addresses" \
	wait_until 10 shares_are 3 m1 m3
echo "kill -9 of a member to its addresses moved: $(takeover_ms "$t0" m1 m3) ms"

start_member 2 m2b
check "member 2 restarted: back to 2 each" \
	wait_until 10 shares_are 2 m1 m2b m3

kill -USR1 "${member_pid[2]}"
check "member 2 unhealthy: its addresses move away" \
	wait_until 10 shares_are "0 3" m1 m2b m3
kill -USR1 "${member_pid[2]}"
check "member 2 healthy again: back to 2 each" \
	wait_until 10 shares_are 2 m1 m2b m3

pnn2_pid=${member_pid[2]}
start_member 2 dup
check "a second member for pnn 1 is refused (exit status 3)" \
	wait_until 10 member_gone 2
wait "${member_pid[2]}"
check "the refusal is logged by the second member" \
	grep -q 'already serves pnn 1: refusing' "$TESTDIR/dup.status.log"
check "and by the first" \
	grep -q 'refusing a second ctdb-noded for pnn 1' "$TESTDIR/m2b.status.log"
member_pid[2]=$pnn2_pid
check "the refusal moved nothing" shares_are 2 m1 m2b m3

t0=$(h_now_us)
kill -KILL "${corosync_pid[3]}"
check "kill -9 of corosync 3: member 3 releases everything" \
	wait_until 5 holds_nothing m3
check "members 1 and 2 take its addresses after the grace period" \
	wait_until 15 shares_are 3 m1 m2b
echo "kill -9 of corosync to its addresses moved: $(takeover_ms "$t0" m1 m2b) ms"
check "member 3 logged the lost connection" \
	grep -q 'lost corosync' "$TESTDIR/m3.status.log"

h_finish
