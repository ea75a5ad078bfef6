#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Our ctdb-eventd with our ctdb-event: timeouts (and that no script
# outlives one), "run 0" without a limit, monitor cancellation and refusal,
# the per-component FIFO queue, and a client that dies in the middle of a
# run.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

h_require_ours
h_init

B=$(setup_base to) || h_die "setup_base failed"
# A grace period of 3 s (scaled under valgrind, where everything is slow):
# long enough for the SIGTERM-ignoring script to show it survived, even
# on a loaded machine or under AddressSanitizer.
GRACE=$((3 * H_SCALE))
conf_add "$B" "[event]" "	kill grace period = $GRACE"

# wait_file FILE: wait for a marker a script creates.
wait_file()
{
	wait_until 10 test -e "$1"
}

# Sleeps 120 s, records its pid (= its process group).
add_script "$B" slow 01.sleep.script <<EOF
$H_RECORD
echo \$\$ >"\$CTDB_BASE/slow.pid"
echo "sleeping"
sleep 120
EOF

# Notes SIGTERM, shows it lived on after it, and goes on for 120 s; only
# SIGKILL ends it early.
add_script "$B" term 01.ignore.script <<EOF
$H_RECORD
echo \$\$ >"\$CTDB_BASE/term.pid"
trap 'echo TERM >>"\$CTDB_BASE/term.log"' TERM
echo "ignoring TERM"
# Nothing more on the pipe: after the timeout nobody reads it, and a write
# (even the shell's own "Terminated" report) would end us with SIGPIPE.
exec >/dev/null 2>&1
i=0
while [ \$i -lt 2400 ]; do
	sleep 0.05
	if [ -e "\$CTDB_BASE/term.log" ] && [ ! -e "\$CTDB_BASE/term.after" ]; then
		echo alive >"\$CTDB_BASE/term.after"
	fi
	i=\$((i + 1))
done
EOF

add_script "$B" onesec 01.onesec.script <<'EOF'
sleep 1
echo "done"
EOF

# monitor: sleeps (until cancelled) if conc.monsleep exists, consuming it.
# startup: waits for conc.release while conc.hold exists.
add_script "$B" conc 01.conc.script <<EOF
$H_RECORD
case "\$1" in
monitor)
	if [ -e "\$CTDB_BASE/conc.monsleep" ]; then
		rm -f "\$CTDB_BASE/conc.monsleep"
		echo \$\$ >"\$CTDB_BASE/conc.monitor.pid"
		touch "\$CTDB_BASE/conc.monitor.started"
		i=0
		while [ ! -e "\$CTDB_BASE/conc.monrelease" ] && [ \$i -lt 2400 ]; do
			sleep 0.05
			i=\$((i + 1))
		done
	fi
	echo "monitor done"
	;;
startup)
	if [ -e "\$CTDB_BASE/conc.hold" ]; then
		touch "\$CTDB_BASE/conc.startup.started"
		i=0
		while [ ! -e "\$CTDB_BASE/conc.release" ] && [ \$i -lt 2400 ]; do
			sleep 0.05
			i=\$((i + 1))
		done
	fi
	echo "startup done"
	;;
esac
exit 0
EOF

add_script "$B" fifo 01.rec.script <<EOF
$H_RECORD
echo "\$*" >>"\$CTDB_BASE/fifo.log"
if [ "\$1" = startup ]; then
	touch "\$CTDB_BASE/fifo.started"
	i=0
	while [ ! -e "\$CTDB_BASE/fifo.release" ] && [ \$i -lt 2400 ]; do
		sleep 0.05
		i=\$((i + 1))
	done
fi
exit 0
EOF

# Holds its event while kill.hold exists, recording its pid.
add_script "$B" kill 01.k.script <<EOF
$H_RECORD
if [ -e "\$CTDB_BASE/kill.hold" ]; then
	echo \$\$ >"\$CTDB_BASE/kill.\$1.pid"
	touch "\$CTDB_BASE/kill.\$1.started"
	i=0
	while [ ! -e "\$CTDB_BASE/kill.release" ] && [ \$i -lt 2400 ]; do
		sleep 0.05
		i=\$((i + 1))
	done
fi
echo "\$1 done"
EOF

daemon_start ours "$B" || h_die "our daemon did not start: $(cat "$B/daemon.stderr")"

# --------------------------------------------------------------- timeout

expect "run 1 slow monitor times out" tool_rc ours "$B" run 1 slow monitor <<'EOF'
Event monitor in slow timed out
rc=110
EOF
expect "status slow monitor" tool_rc ours "$B" status slow monitor <<'EOF'
01.sleep             TIMEDOUT   DATE
  OUTPUT: sleeping
rc=110
EOF
# SIGTERM right after the timeout; the grace period is only for a script
# that ignores it.
check_gone "timed-out script's process group is gone" "$B/slow.pid" 3

# --------------------------------------------- a script ignoring SIGTERM

expect "run 1 term monitor times out" tool_rc ours "$B" run 1 term monitor <<'EOF'
Event monitor in term timed out
rc=110
EOF
pid=$(cat "$B/term.pid" 2>/dev/null)
if [ -z "$pid" ]; then
	h_fail "the SIGTERM-ignoring script did not record its pid"
else
	check "SIGTERM sent to the timed-out script" wait_file "$B/term.log"
	# It lives on after SIGTERM...
	check "SIGTERM-ignoring script survives SIGTERM" \
		wait_file "$B/term.after"
	# ...and is killed after the grace period.
	check "SIGTERM-ignoring script gone after the grace period" \
		wait_until $((GRACE + 5)) h_pgrp_gone "$pid"
fi
expect "status term monitor" tool_rc ours "$B" status term monitor <<'EOF'
01.ignore            TIMEDOUT   DATE
  OUTPUT: ignoring TERM
rc=110
EOF

# ----------------------------------------------------- run 0: no limit

expect "run 0 onesec monitor succeeds" tool_rc ours "$B" run 0 onesec monitor <<'EOF'
rc=0
EOF
expect "status onesec monitor" tool_rc ours "$B" status onesec monitor <<'EOF'
01.onesec            OK         DUR DATE
  OUTPUT: done
rc=0
EOF

# ---------------------------------------- monitor cancelled by startup

rm -f "$B"/conc.*
touch "$B/conc.monsleep"
run_tool_bg "$TESTDIR/bg.monitor" ours "$B" run 30 conc monitor
mon=$BG_PID
wait_file "$B/conc.monitor.started" || h_fail "the monitor script did not start"
expect "startup cancels a running monitor: startup" tool_rc ours "$B" run 30 conc startup <<'EOF'
rc=0
EOF
# Lets a monitor that was not cancelled finish.
touch "$B/conc.monrelease"
wait "$mon"
expect "startup cancels a running monitor: monitor" cat "$TESTDIR/bg.monitor" <<'EOF'
Event monitor in conc got cancelled
rc=125
EOF
check_gone "cancelled monitor's script is gone" "$B/conc.monitor.pid" 3
expect "cancelled monitor is not stored" tool_rc ours "$B" status conc monitor <<'EOF'
Event monitor has never run in conc
rc=22
EOF

# --------------------------------------- monitor cancelled by a monitor

touch "$B/conc.monsleep"
rm -f "$B/conc.monitor.started" "$B/conc.monrelease"
run_tool_bg "$TESTDIR/bg.monitor" ours "$B" run 30 conc monitor
mon=$BG_PID
wait_file "$B/conc.monitor.started" || h_fail "the monitor script did not start"
expect "a monitor cancels a running monitor: second" tool_rc ours "$B" run 30 conc monitor <<'EOF'
rc=0
EOF
touch "$B/conc.monrelease"
wait "$mon"
expect "a monitor cancels a running monitor: first" cat "$TESTDIR/bg.monitor" <<'EOF'
Event monitor in conc got cancelled
rc=125
EOF
expect "the second monitor is stored" tool_rc ours "$B" status conc monitor <<'EOF'
01.conc              OK         DUR DATE
  OUTPUT: monitor done
rc=0
EOF

# ------------------------------------ monitor refused while startup runs

rm -f "$B"/conc.*
touch "$B/conc.hold"
run_tool_bg "$TESTDIR/bg.startup" ours "$B" run 30 conc startup
st=$BG_PID
wait_file "$B/conc.startup.started" || h_fail "the startup script did not start"
expect "monitor refused while startup runs" tool_rc ours "$B" run 30 conc monitor <<'EOF'
Event monitor in conc got cancelled
rc=125
EOF
touch "$B/conc.release"
wait "$st"
expect "startup completes after the refused monitor" cat "$TESTDIR/bg.startup" <<'EOF'
rc=0
EOF
expect "refused monitor is not stored" tool_rc ours "$B" status conc monitor <<'EOF'
01.conc              OK         DUR DATE
  OUTPUT: monitor done
rc=0
EOF
rm -f "$B"/conc.*

# ------------------------------------------------------------ FIFO queue

rm -f "$B"/fifo.*
run_tool_bg "$TESTDIR/bg.1" ours "$B" run 60 fifo startup
p1=$BG_PID
wait_file "$B/fifo.started" || h_fail "the startup script did not start"
run_tool_bg "$TESTDIR/bg.2" ours "$B" run 60 fifo takeip eth0 10.0.0.1 24
p2=$BG_PID
wait_request_sent "$p2" "$B" || h_fail "takeip request not seen"
run_tool_bg "$TESTDIR/bg.3" ours "$B" run 60 fifo releaseip eth0 10.0.0.1 24
p3=$BG_PID
wait_request_sent "$p3" "$B" || h_fail "releaseip request not seen"
run_tool_bg "$TESTDIR/bg.4" ours "$B" run 60 fifo recovered
p4=$BG_PID
wait_request_sent "$p4" "$B" || h_fail "recovered request not seen"
run_tool_bg "$TESTDIR/bg.5" ours "$B" run 60 fifo ipreallocated
p5=$BG_PID
wait_request_sent "$p5" "$B" || h_fail "ipreallocated request not seen"
check "queued events wait for the running one" test ! -s "$TESTDIR/bg.2"
touch "$B/fifo.release"
wait "$p1" "$p2" "$p3" "$p4" "$p5"
expect "queued events all succeed" cat "$TESTDIR"/bg.[1-5] <<'EOF'
rc=0
rc=0
rc=0
rc=0
rc=0
EOF
expect "queued events run in arrival order" cat "$B/fifo.log" <<'EOF'
startup
takeip eth0 10.0.0.1 24
releaseip eth0 10.0.0.1 24
recovered
ipreallocated
EOF

# ------------------------------------------- a client killed mid-RUN
# The daemon finishes an event whose client went away and keeps its status
# (src/eventd/eventd_cmd.c: a half-done takeip is never abandoned); Samba
# 4.17 kills the scripts, stores nothing and leaves the component wedged.
# Either way the component must go on working.

# kill_client_mid_run EVENT: start EVENT (held), kill the tool, check the
# event goes on, then let it finish.
kill_client_mid_run()
{
	local ev=$1 bg tool pid

	rm -f "$B"/kill.*
	touch "$B/kill.hold"
	run_tool_bg "$TESTDIR/bg.kill" ours "$B" run 30 kill "$ev"
	bg=$BG_PID
	wait_file "$B/kill.$ev.started" || h_fail "the $ev script did not start"
	tool=$(bg_tool_pid "$bg")
	if [ -z "$tool" ]; then
		h_fail "no tool process for $ev"
	else
		kill -KILL "$tool"
	fi
	wait "$bg"
	rm -f "$B/kill.hold"
	pid=$(cat "$B/kill.$ev.pid" 2>/dev/null)
	check "$ev script still runs after its client went away" \
		h_pgrp_alive "${pid:-none}"
}

kill_client_mid_run startup
expect "status during the orphaned startup: never run yet" \
	tool_rc ours "$B" status kill startup <<'EOF'
Event startup has never run in kill
rc=22
EOF
touch "$B/kill.release"
check_gone "the orphaned startup finishes" "$B/kill.startup.pid" 5
expect "the orphaned startup's status is kept" tool_rc ours "$B" status kill startup <<'EOF'
01.k                 OK         DUR DATE
  OUTPUT: startup done
rc=0
EOF
# A 4.17 daemon wedges here (every later monitor cancelled).
expect "monitor after a killed client runs" tool_rc ours "$B" run 30 kill monitor <<'EOF'
rc=0
EOF
expect "status of that monitor" tool_rc ours "$B" status kill monitor <<'EOF'
01.k                 OK         DUR DATE
  OUTPUT: monitor done
rc=0
EOF

# An orphaned monitor is cancelled by the next event as any monitor is. A
# 4.17 daemon never answers that next run; wait a bounded time.
kill_client_mid_run monitor
run_tool_bg "$TESTDIR/bg.after" ours "$B" run 30 kill startup
after=$BG_PID
if wait_until 10 eval "! h_alive $after"; then
	wait "$after"
	expect "startup after a killed monitor client runs" cat "$TESTDIR/bg.after" <<'EOF'
rc=0
EOF
else
	h_fail "startup after a killed monitor client never completed"
fi
check_gone "the orphaned monitor was cancelled" "$B/kill.monitor.pid" 3
expect "the cancelled monitor left the previous status" tool_rc ours "$B" status kill monitor <<'EOF'
01.k                 OK         DUR DATE
  OUTPUT: monitor done
rc=0
EOF
expect "monitor after all that" tool_rc ours "$B" run 30 kill monitor <<'EOF'
rc=0
EOF

if ! daemon_stop "$B"; then
	h_fail "daemon did not exit on SIGTERM"
else
	check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
fi
check "daemon wrote nothing on stderr" test ! -s "$B/daemon.stderr"

h_finish
