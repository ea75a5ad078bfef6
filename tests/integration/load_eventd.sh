#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Load: one ctdb-eventd with 4 components of 3 tiny scripts; 200
# concurrent connections each send 50 mixed RUN (monitor, startup,
# ipreallocated) and STATUS requests, 10,000 in all, after a warm-up of
# 200 x 25 = 5,000. load_client checks every reply (see its header):
# runs succeed or, for monitors only, are cancelled by an overlapping run
# on their component (completed + cancelled = issued), and every status
# reports a completed run of its event that is not older than what had
# completed when it was asked. Then the daemon's resources are flat:
#  - open fds are back to their count at start (+0) once the clients
#    have closed, after the warm-up and after the load;
#  - VmRSS after the load is at most 512 KiB above VmRSS after the
#    warm-up (one-off allocations, such as the per-component status
#    store, the history rings and malloc's arenas, are made during the
#    warm-up; monitors are mostly cancelled here, so their history rings
#    fill slowly: with a 1,000-request warm-up the load still added
#    ~540 KiB, the same for 10,000 and 30,000 requests, i.e. a plateau,
#    not a leak);
#  - no script process is left and the daemon still serves.
# About 15 s on an idle 2-core machine; each phase is bounded at 150 s.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

LOAD_CLIENT="$abs_top_builddir/tests/integration/load_client"
RSS_GROWTH_KIB=512

h_require_ours "$LOAD_CLIENT"
# Under valgrind 11,000 requests would take far too long, and the
# daemon's RSS would be valgrind's.
[ -z "${VALGRIND:-}" ] || h_skip "not run under valgrind"
h_init

# NOTICE, the production default: every cancellation is logged.
B=$(setup_base load NOTICE) || h_die "setup_base failed"
comps=
for c in load1 load2 load3 load4; do
	for s in 01.first 02.second 03.third; do
		# "<event> <run id>": a status names the run it reports.
		add_script "$B" "$c" "$s.script" <<'EOF'
echo "$1 $2"
EOF
	done
	comps=${comps:+$comps,}$c
done

daemon_start ours "$B" || h_die "daemon did not start"
pid=$DAEMON_PID

fd_count()
{
	local f n=0

	for f in /proc/"$pid"/fd/*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		n=$((n + 1))
	done
	echo "$n"
}

rss_kib()
{
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status"
}

fds_back()
{
	[ "$(fd_count)" -eq "$fds0" ]
}

no_children()
{
	[ -z "$(cat "/proc/$pid/task/$pid/children" 2>/dev/null)" ]
}

client_paused_or_gone()
{
	grep -q "^PAUSE $1\$" "$TESTDIR/client.out" || ! h_alive "$client"
}

fds0=$(fd_count)
rss0=$(rss_kib)
seed=${LOAD_SEED:-$$}

mkfifo "$TESTDIR/ctl" || h_die "mkfifo failed"
"$LOAD_CLIENT" -s "$B/run/eventd.socket" -C "$comps" -c 200 -w 25 -n 50 \
	-k 3 -r "$seed" -t 150 -p <"$TESTDIR/ctl" >"$TESTDIR/client.out" 2>&1 &
client=$!
H_BG_PIDS+=("$client")
# The client may be gone (it failed): a write must not kill this shell.
trap '' PIPE
exec 8>"$TESTDIR/ctl"

check "warm-up done" wait_until 160 client_paused_or_gone warm-up
check "daemon fds back to $fds0 after the warm-up" wait_until 10 fds_back
rss1=$(rss_kib)
echo >&8

check "load done" wait_until 160 client_paused_or_gone load
check "daemon fds back to $fds0 after the load" wait_until 10 fds_back
rss2=$(rss_kib)
echo >&8
exec 8>&-

wait "$client"
rc=$?
sed -e 's/^/    /' "$TESTDIR/client.out"
check "load client: every request answered and checked (seed $seed)" \
	[ "$rc" -eq 0 ]

echo "daemon VmRSS: $rss0 KiB at start, $rss1 KiB after the warm-up," \
	"$rss2 KiB after the load"
if h_memory_bounds; then
	check "RSS growth $((rss2 - rss1)) KiB <= $RSS_GROWTH_KIB KiB" \
		[ $((rss2 - rss1)) -le $RSS_GROWTH_KIB ]
else
	echo "RSS growth not bounded in a sanitizer build"
fi
check "no script process left" wait_until 10 no_children
check "daemon still running" h_alive "$pid"
expect "daemon still serves" tool_rc ours "$B" run 30 load1 startup <<EOF
rc=0
EOF

h_finish
