#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `ctdb watch` and `ctdb wait` against ctdb-eventd alone (event keys): the
# current value first (null for a key never set), then each change; the
# no-key form with the node daemon absent; wait at once, on change, with
# !=, on timeout; bad keys; Samba's daemon, which knows no WATCH.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

h_require_ours "$OUR_CTDB"
h_init

B=$(setup_base watch) || h_die "setup_base failed"
add_script "$B" legacy 01.check.script <<'EOF'
if [ -f "$CTDB_BASE/fail" ]; then
	echo "disk full"
	exit 1
fi
exit 0
EOF
daemon_start ours "$B" || h_die "ctdb-eventd did not start"

export CTDB_TEST_MODE=yes CTDB_BASE="$B"
KEY=event.legacy.monitor

# lines FILE: the number of lines in FILE.
lines()
{
	wc -l <"$1" 2>/dev/null || echo 0
}

lines_ge()
{
	[ "$(lines "$1")" -ge "$2" ]
}

# jfield FILE N EXPR: evaluate EXPR on line N of FILE parsed as JSON (d).
jfield()
{
	python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).read().splitlines()[int(sys.argv[2]) - 1])
print(eval(sys.argv[3]))' "$1" "$2" "$3"
}

monitor()
{
	"$OUR_CTDB" event run 10 legacy monitor >/dev/null 2>&1
}

# ---------------------------------------------------------------- watch
"$OUR_CTDB" watch "$KEY" event.legacy.never >"$B/w1.out" 2>"$B/w1.err" &
W1=$!
H_BG_PIDS+=("$W1")
if wait_until 10 lines_ge "$B/w1.out" 2; then
	h_pass "watch printed two lines at once"
else
	h_fail "watch printed $(lines "$B/w1.out") lines, not 2"
fi
first=$(sed -n 1p "$B/w1.out")
if [ "$first" = '{"key":"event.legacy.monitor","value":null,"time":null}' ]; then
	h_pass "a key never set is null first"
else
	h_fail "first line: $first"
fi

monitor
wait_until 10 lines_ge "$B/w1.out" 3
v=$(jfield "$B/w1.out" 3 'd["key"], d["value"]["state"], d["time"] is not None')
if [ "$v" = "('event.legacy.monitor', 'OK', True)" ]; then
	h_pass "the OK monitor is notified"
else
	h_fail "third line: $v"
fi

touch "$B/fail"
monitor
wait_until 10 lines_ge "$B/w1.out" 4
v=$(jfield "$B/w1.out" 4 'd["value"]["state"], d["value"]["scripts"][0]["output"]')
if [ "$v" = "('ERROR', 'disk full\\n')" ]; then
	h_pass "the failing monitor is notified with the script output"
else
	h_fail "fourth line: $v"
fi

# Every line is one JSON object with exactly key, value and time.
if python3 -c '
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    assert sorted(d) == ["key", "time", "value"], d
' "$B/w1.out"; then
	h_pass "every watch line is a {key, value, time} object"
else
	h_fail "bad watch lines: $(cat "$B/w1.out")"
fi

# The current value of a key set before the watch starts comes first.
"$OUR_CTDB" watch "$KEY" >"$B/w2.out" 2>&1 &
W2=$!
H_BG_PIDS+=("$W2")
wait_until 10 lines_ge "$B/w2.out" 1
v=$(jfield "$B/w2.out" 1 'd["value"]["state"]')
if [ "$v" = ERROR ]; then
	h_pass "a new watcher gets the current value first"
else
	h_fail "new watcher first line: $(cat "$B/w2.out")"
fi

# SIGINT ends watch with 0.
kill -INT "$W2"
wait "$W2"
rc=$?
if [ $rc -eq 0 ]; then
	h_pass "watch exits 0 on SIGINT"
else
	h_fail "watch exited $rc on SIGINT"
fi

# A closed stdout ends watch with 0 (SIGPIPE) at its next line.
( "$OUR_CTDB" watch "$KEY" 2>"$B/w3.err"; echo "rc=$?" >"$B/w3.rc" ) |
	head -c 1 >/dev/null &
w3_done()
{
	[ -s "$B/w3.rc" ] && return 0
	monitor
	return 1
}
if wait_until 10 w3_done && [ "$(cat "$B/w3.rc")" = rc=0 ]; then
	h_pass "watch exits 0 when its reader goes away"
else
	h_fail "watch with a closed stdout: $(cat "$B/w3.rc" 2>/dev/null)"
fi

# No key: every key of the event daemon, the node daemon being absent.
"$OUR_CTDB" watch >"$B/w4.out" 2>"$B/w4.err" &
W4=$!
H_BG_PIDS+=("$W4")
if wait_until 10 lines_ge "$B/w4.out" 1 &&
	[ "$(jfield "$B/w4.out" 1 'd["key"]')" = "$KEY" ]; then
	h_pass "watch without a key follows the event daemon alone"
else
	h_fail "watch without a key: $(cat "$B/w4.out" "$B/w4.err")"
fi
# A key created later reaches the all-keys watcher.
"$OUR_CTDB" event run 10 legacy startup >/dev/null 2>&1
if wait_until 10 grep -q '"key":"event.legacy.startup"' "$B/w4.out"; then
	h_pass "a key created later reaches the all-keys watcher"
else
	h_fail "all-keys watcher: $(cat "$B/w4.out")"
fi

# ---------------------------------------------------------------- wait
"$OUR_CTDB" wait "$KEY=ERROR" --timeout 5
rc=$?
[ $rc -eq 0 ] && h_pass "wait returns at once when already true" ||
	h_fail "wait on a true condition: rc=$rc"

"$OUR_CTDB" wait event.legacy.never=null --timeout 5
rc=$?
[ $rc -eq 0 ] && h_pass "wait KEY=null matches a key never set" ||
	h_fail "wait =null: rc=$rc"

"$OUR_CTDB" wait "$KEY!=OK" --timeout 5
rc=$?
[ $rc -eq 0 ] && h_pass "wait KEY!=VALUE" || h_fail "wait !=: rc=$rc"

t0=$(h_now_us)
"$OUR_CTDB" wait "$KEY=OK" --timeout 1 2>"$B/wait.err"
rc=$?
t1=$(h_now_us)
if [ $rc -eq 1 ] && [ $((t1 - t0)) -ge 900000 ] &&
	grep -q "timed out" "$B/wait.err"; then
	h_pass "wait exits 1 on timeout"
else
	h_fail "wait timeout: rc=$rc after $(((t1 - t0) / 1000)) ms"
fi

# wait returns on the change.
"$OUR_CTDB" wait "$KEY=OK" --timeout 20 &
WP=$!
H_BG_PIDS+=("$WP")
rm -f "$B/fail"
monitor
if wait_until 10 eval "! h_alive $WP"; then
	wait "$WP"
	rc=$?
	[ $rc -eq 0 ] && h_pass "wait returns on the change" ||
		h_fail "wait on change: rc=$rc"
else
	h_fail "wait did not return after the change"
fi

# A JSON value: the summary result as a number.
"$OUR_CTDB" wait "$KEY"'={"a":1}' --timeout 0.3 2>/dev/null
rc=$?
[ $rc -eq 1 ] && h_pass "a JSON VALUE that differs does not match" ||
	h_fail "wait JSON: rc=$rc"

# ---------------------------------------------------------------- errors
"$OUR_CTDB" watch foo.bar >/dev/null 2>"$B/e1.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown key 'foo.bar'" "$B/e1.err"; then
	h_pass "watch: unknown prefix exits 2 with a message"
else
	h_fail "watch foo.bar: rc=$rc $(cat "$B/e1.err")"
fi
"$OUR_CTDB" wait foo.bar=1 2>"$B/e2.err"
rc=$?
[ $rc -eq 2 ] && h_pass "wait: unknown prefix exits 2" ||
	h_fail "wait foo.bar: rc=$rc"
"$OUR_CTDB" wait "$KEY" 2>"$B/e3.err"
rc=$?
[ $rc -eq 2 ] && h_pass "wait without = exits 2" || h_fail "wait no =: rc=$rc"
"$OUR_CTDB" wait node.health=HEALTHY --timeout 1 2>"$B/e4.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "node daemon" "$B/e4.err"; then
	h_pass "wait on an absent daemon exits 2"
else
	h_fail "wait absent daemon: rc=$rc $(cat "$B/e4.err")"
fi
v=$(python3 "$abs_top_srcdir/tests/integration/watch_client.py" notify-bad \
	"$B/run/eventd.socket" event)
if [ "$v" = "cmd=103 result=22" ]; then
	h_pass "an empty key gets EINVAL"
else
	h_fail "empty key: $v"
fi
v=$(python3 "$abs_top_srcdir/tests/integration/watch_client.py" notify-bad \
	"$B/run/eventd.socket" event many)
if [ "$v" = "cmd=103 result=22" ]; then
	h_pass "1025 keys get EINVAL"
else
	h_fail "1025 keys: $v"
fi
v=$(python3 "$abs_top_srcdir/tests/integration/watch_client.py" notify-bad \
	"$B/run/eventd.socket" event twice)
if [ "$v" = "cmd=103 result=16" ]; then
	h_pass "a second WATCH on one connection gets EBUSY"
else
	h_fail "second WATCH: $v"
fi
if h_alive "$DAEMON_PID" && "$OUR_CTDB" event status legacy monitor >/dev/null; then
	h_pass "the daemon still serves"
else
	h_fail "the daemon stopped serving"
fi

# The daemon going away ends watch with 1 and a message.
daemon_stop "$B"
if wait_until 10 eval "! h_alive $W1"; then
	wait "$W1"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "went away" "$B/w1.err"; then
		h_pass "watch exits 1 when the daemon goes away"
	else
		h_fail "watch after the daemon left: rc=$rc $(cat "$B/w1.err")"
	fi
else
	h_fail "watch still runs after the daemon left"
fi

# ---------------------------------------------------------------- Samba
if [ -x "$SAMBA_EVENTD" ]; then
	S=$(setup_base samba) || h_die "setup_base failed"
	add_component "$S" legacy
	daemon_start samba "$S" || h_die "Samba's ctdb-eventd did not start"
	CTDB_BASE="$S" timeout 10 "$OUR_CTDB" watch "$KEY" >/dev/null 2>"$S/w.err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "watch: not supported by the event daemon at $S/run/eventd.socket" "$S/w.err"; then
		h_pass "watch against Samba's daemon: not supported, exit 1"
	else
		h_fail "watch against Samba: rc=$rc $(cat "$S/w.err")"
	fi
	CTDB_BASE="$S" timeout 10 "$OUR_CTDB" wait "$KEY=OK" 2>"$S/wait.err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "not supported" "$S/wait.err"; then
		h_pass "wait against Samba's daemon: not supported, exit 2"
	else
		h_fail "wait against Samba: rc=$rc $(cat "$S/wait.err")"
	fi
else
	h_skip_step "against Samba's ctdb-eventd: $SAMBA_EVENTD not installed"
fi

h_finish
