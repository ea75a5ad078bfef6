#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Our ctdb-eventd's RUN_INPUT (command 100) on the wire: every script of
# the event gets the whole input on stdin, a NULL input is an empty stdin,
# plain RUN leaves stdin alone, scripts that never read do not block the
# daemon, an input over the limit is refused. Then the log: output lines
# as "<script>: <line>" (failures at NOTICE, successes at INFO), identical
# consecutive failures summarised, and the recovery line.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

command -v python3 >/dev/null 2>&1 || h_skip "python3 not installed"
h_require_ours
h_init

PROTO="$abs_top_srcdir/tests/integration/proto_client.py"

B=$(setup_base input) || h_die "setup_base failed"
add_script "$B" notification 10.first.script <<'EOF'
cat >"$CTDB_BASE/in.10.$1"
if [ -p /dev/stdin ]; then echo pipe; else echo "not a pipe"; fi
EOF
add_script "$B" notification 20.second.script <<'EOF'
cat >"$CTDB_BASE/in.20.$1"
EOF
add_script "$B" notification 30.deaf.script <<'EOF'
# Never reads its stdin.
exit 0
EOF

daemon_start ours "$B" || h_die "our daemon did not start: $(cat "$B/daemon.stderr")"

# proto ARGS...: one request, the decoded reply and the exit status.
proto()
{
	CTDB_TEST_MODE=yes CTDB_BASE="$B" python3 "$PROTO" "$@" 2>&1
	echo "rc=${PIPESTATUS[0]}"
}

status_output()
{
	run_tool ours "$B" status notification "$1" 2>&1
}

# --------------------------------------- input delivered to every script

printf '{"event": "takeip", "text": "two\\nlines"}\n' >"$B/input.json"
expect "RUN_INPUT: the reply echoes command 100" \
	eval "proto run-input 30 notification takeip eth0 10.0.0.1 24 <'$B/input.json'" <<EOF
reply: length=20 version=0 reqid=1 cmd=100(RUN_INPUT) result=0(OK)
rc=0
EOF
check "the first script got the input exactly" cmp "$B/input.json" "$B/in.10.takeip"
check "the second script got all of it too" cmp "$B/input.json" "$B/in.20.takeip"
check "the event's status is kept" \
	eval "run_tool ours '$B' status notification takeip | grep -q '^10.first *OK'"

# An input as large as allowed, to three scripts, one of which never reads.
head -c 65536 /dev/zero | tr '\0' 'j' >"$B/big.input"
expect "RUN_INPUT with 64 KiB of input" \
	eval "proto run-input 30 notification big <'$B/big.input'" <<EOF
reply: length=20 version=0 reqid=1 cmd=100(RUN_INPUT) result=0(OK)
rc=0
EOF
check "64 KiB arrive whole" cmp "$B/big.input" "$B/in.20.big"

# --------------------------------------- no input, plain RUN

expect "RUN_INPUT without input (NULL)" \
	proto --null-input run-input 30 notification empty <<EOF
reply: length=20 version=0 reqid=1 cmd=100(RUN_INPUT) result=0(OK)
rc=0
EOF
check "NULL input: stdin is an empty pipe" \
	eval "[ -f '$B/in.10.empty' ] && [ ! -s '$B/in.10.empty' ]"
expect "...which the script saw as a pipe" status_output empty <<EOF
10.first             OK         DUR DATE
  OUTPUT: pipe
20.second            OK         DUR DATE
30.deaf              OK         DUR DATE
EOF

# Plain RUN: stdin is the daemon's own (here /dev/null), as before.
expect "plain RUN still works" proto run 30 notification plain <<EOF
reply: length=20 version=0 reqid=1 cmd=1(RUN) result=0(OK)
rc=0
EOF
expect "plain RUN: stdin is not a pipe" status_output plain <<EOF
10.first             OK         DUR DATE
  OUTPUT: not a pipe
20.second            OK         DUR DATE
30.deaf              OK         DUR DATE
EOF

# --------------------------------------- over the limit, bad packets

head -c 65537 /dev/zero | tr '\0' 'j' >"$B/too-big.input"
check "64 KiB + 1 byte: refused (connection closed, no run)" \
	eval "proto run-input 30 notification toobig <'$B/too-big.input' | grep -q '^no reply'"
check "...and no script ran" test ! -e "$B/in.10.toobig"
expect "the daemon still serves" proto run 30 notification after <<EOF
reply: length=20 version=0 reqid=1 cmd=1(RUN) result=0(OK)
rc=0
EOF

# --------------------------------------- a deaf script that hangs

add_script "$B" notification 40.hang.script <<EOF
$H_RECORD
[ "\$1" = hang ] && sleep 30
exit 0
EOF
t0=$(h_now_us)
expect "a script that neither reads nor exits times out" \
	eval "proto run-input 1 notification hang <'$B/big.input'" <<EOF
reply: length=20 version=0 reqid=1 cmd=100(RUN_INPUT) result=110(ETIMEDOUT)
rc=110
EOF
t1=$(h_now_us)
# The script would sleep 30 s: well before that shows the deadline killed
# it (the time itself is a benchmark's business, not a test's).
check "...after the 1 s deadline, long before the script's 30 s ($(((t1 - t0) / 1000)) ms)" \
	test $((t1 - t0)) -lt 20000000
rm -f "$B/events/notification/40.hang.script"

daemon_stop "$B" || h_fail "daemon did not stop"

# --------------------------------------- log noise

L=$(setup_base lognoise NOTICE) || h_die "setup_base failed"
add_script "$L" legacy 01.ok.script <<'EOF'
echo "all fine here"
EOF
add_script "$L" legacy 02.flaky.script <<'EOF'
if [ -e "$CTDB_BASE/fail" ]; then
	cat "$CTDB_BASE/fail"
	exit 1
fi
echo "recovered fine"
EOF
daemon_start ours "$L" || h_die "our daemon did not start: $(cat "$L/daemon.stderr")"

run_monitor()
{
	run_tool ours "$L" run 30 legacy monitor >/dev/null 2>&1
}

lcount()
{
	grep -c -E -- "$1" "$L/log.ctdb"
}

printf 'disk full on /srv\nsecond line\n' >"$L/fail"
failed_runs=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	run_monitor || failed_runs=$((failed_runs + 1))
done
check "10 failed monitors ran" test "$failed_runs" -eq 10
check "the event's failure is logged once" \
	test "$(lcount 'ctdb-eventd\[[0-9]+\]: monitor event failed$')" -eq 1
expect "...then summarised at 2, 4 and 8 in a row, as the script's" \
	eval "grep -o 'monitor event failed again.*' '$L/log.ctdb'" <<EOF
monitor event failed again (2 times in a row)
monitor event failed again (4 times in a row)
monitor event failed again (8 times in a row)
EOF
check "the failing output is logged once, as <script>: <line>" \
	test "$(lcount 'ctdb-eventd\[[0-9]+\]: 02\.flaky: disk full on /srv$')" -eq 1
check "...each line of it" \
	test "$(lcount 'ctdb-eventd\[[0-9]+\]: 02\.flaky: second line$')" -eq 1
expect "summaries at 2, 4 and 8 in a row" \
	eval "grep -o '02\\.flaky: failed again.*' '$L/log.ctdb'" <<EOF
02.flaky: failed again with the same output (2 times in a row)
02.flaky: failed again with the same output (4 times in a row)
02.flaky: failed again with the same output (8 times in a row)
EOF
check "a successful script's output is INFO: not in a NOTICE log" \
	test "$(lcount '01\.ok: all fine here')" -eq 0

printf 'disk full on /var\n' >"$L/fail"
run_monitor
check "another output is logged in full" \
	test "$(lcount '02\.flaky: disk full on /var$')" -eq 1
check "...but the same script failing again is the same event failure" \
	test "$(lcount 'monitor event failed$')" -eq 1
rm -f "$L/fail"
run_monitor
expect "the recovery line counts every failure in a row" \
	eval "grep -o '02\\.flaky: monitor recovered.*' '$L/log.ctdb'" <<EOF
02.flaky: monitor recovered after 11 failures
EOF
check "...and the successful output stays at INFO" \
	test "$(lcount '02\.flaky: recovered fine')" -eq 0
expect "the event's recovery line too" \
	eval "grep -o 'monitor event recovered.*' '$L/log.ctdb'" <<EOF
monitor event recovered after 11 failures
EOF
printf 'disk full on /srv\nsecond line\n' >"$L/fail"
run_monitor
check "after a recovery the same failure is logged again" \
	test "$(lcount '02\.flaky: disk full on /srv$')" -eq 2
check "...and so is the event's" \
	test "$(lcount 'monitor event failed$')" -eq 2
echo "log lines for 13 monitor runs: $(wc -l <"$L/log.ctdb")"

daemon_stop "$L" || h_fail "daemon did not stop"
h_finish
