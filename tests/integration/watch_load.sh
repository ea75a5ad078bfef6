#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Watchers under load on ctdb-eventd: 500 concurrent watchers while
# events run (status still answers within 3 s, every watcher gets the
# final value), and a watcher that never reads while hundreds of large
# values change (the daemon keeps serving, its RSS stays bounded).

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

h_require_ours "$OUR_CTDB"
command -v python3 >/dev/null || h_skip "python3 not installed"
h_init

CLIENT="$abs_top_srcdir/tests/integration/watch_client.py"
WATCHERS=500
STATUS_BOUND_MS=3000
RUNS=20
STALL_RUNS=300
# Each stalled value carries 32 KiB of output: 300 of them queued would
# be about 10 MB; coalesced, one value is pending at a time.
RSS_GROWTH_BOUND_KB=6144

B=$(setup_base load NOTICE) || h_die "setup_base failed"
add_script "$B" legacy 01.load.script <<'EOF'
n=$(cat "$CTDB_BASE/counter" 2>/dev/null || echo 0)
echo "run-$n"
if [ -f "$CTDB_BASE/big" ]; then
	head -c 32768 /dev/zero | tr '\0' x
	echo
fi
exit 0
EOF
daemon_start ours "$B" || h_die "ctdb-eventd did not start"
export CTDB_TEST_MODE=yes CTDB_BASE="$B"
SOCK="$B/run/eventd.socket"
KEY=event.legacy.monitor

monitor()
{
	echo "$1" >"$B/counter"
	"$OUR_CTDB" event run 10 legacy monitor >/dev/null 2>&1
}

# status_ms: run `ctdb event status` and print how long it took (ms);
# fail if it failed.
status_ms()
{
	local t0 t1

	t0=$(h_now_us)
	"$OUR_CTDB" event status legacy monitor >/dev/null || return 1
	t1=$(h_now_us)
	echo $(((t1 - t0) / 1000))
}

rss_kb()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status"
}

# ---------------------------------------------------------------- 500
monitor 0
python3 "$CLIENT" many "$SOCK" event $WATCHERS "$KEY" '"output":"run-final\n"' \
	"$B/ready" 120 >"$B/many.out" 2>&1 &
MANY=$!
H_BG_PIDS+=("$MANY")
wait_until 60 test -f "$B/ready" || h_fail "the watchers did not all start"

worst=0
bad=0
for i in $(seq 1 $RUNS); do
	monitor "$i"
	ms=$(status_ms) || bad=$((bad + 1))
	[ -n "$ms" ] && [ "$ms" -gt "$worst" ] && worst=$ms
done
monitor final
if [ $bad -eq 0 ] && [ "$worst" -le $STATUS_BOUND_MS ]; then
	h_pass "status answered within ${STATUS_BOUND_MS} ms with $WATCHERS watchers (worst ${worst} ms)"
else
	h_fail "status with $WATCHERS watchers: $bad failures, worst ${worst} ms"
fi
if wait_until 60 eval "! h_alive $MANY"; then
	wait "$MANY"
	rc=$?
else
	rc=timeout
fi
if [ "$rc" = 0 ]; then
	h_pass "all $WATCHERS watchers received the final value: $(cat "$B/many.out")"
else
	h_fail "watchers: rc=$rc $(cat "$B/many.out")"
fi

# ---------------------------------------------------------------- stall
touch "$B/big"
monitor big0
rss0=$(rss_kb)
python3 "$CLIENT" stall "$SOCK" event "$B/stalled" >/dev/null 2>&1 &
STALL=$!
H_BG_PIDS+=("$STALL")
wait_until 10 test -f "$B/stalled" || h_fail "the stalled watcher did not start"
"$OUR_CTDB" watch "$KEY" >"$B/live.out" 2>&1 &
LIVE=$!
H_BG_PIDS+=("$LIVE")

worst=0
bad=0
peak=$rss0
for i in $(seq 1 $STALL_RUNS); do
	monitor "big$i"
	if [ $((i % 50)) -eq 0 ]; then
		ms=$(status_ms) || bad=$((bad + 1))
		[ -n "$ms" ] && [ "$ms" -gt "$worst" ] && worst=$ms
		r=$(rss_kb)
		[ "$r" -gt "$peak" ] && peak=$r
	fi
done
monitor stall-final
r=$(rss_kb)
[ "$r" -gt "$peak" ] && peak=$r
if [ $bad -eq 0 ] && [ "$worst" -le $STATUS_BOUND_MS ]; then
	h_pass "status answered within ${STATUS_BOUND_MS} ms beside a stalled watcher (worst ${worst} ms)"
else
	h_fail "status beside a stalled watcher: $bad failures, worst ${worst} ms"
fi
if ! h_memory_bounds; then
	echo "daemon RSS grew $((peak - rss0)) KiB (not bounded: sanitizer or valgrind build)"
elif [ $((peak - rss0)) -le $RSS_GROWTH_BOUND_KB ]; then
	h_pass "daemon RSS grew $((peak - rss0)) KiB (bound $RSS_GROWTH_BOUND_KB) over $STALL_RUNS changes with a stalled watcher"
else
	h_fail "daemon RSS grew from $rss0 to $peak KiB with a stalled watcher"
fi
if wait_until 20 grep -q 'run-stall-final' "$B/live.out"; then
	h_pass "a live watcher beside the stalled one got the final value"
else
	h_fail "the live watcher missed the final value"
fi
if h_alive "$STALL" && h_alive "$DAEMON_PID"; then
	h_pass "the stalled watcher is still connected, the daemon alive"
else
	h_fail "the stalled watcher or the daemon went away"
fi

echo "passed=$H_PASSED failed=$H_FAILED"
[ $H_FAILED -eq 0 ]
