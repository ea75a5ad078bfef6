#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Our ctdb-eventd as a process: the -S startup bytes, the run directory and
# socket it creates, the pidfile, SIGTERM, the -P watch, a second daemon on
# the same base, options, and a config value it must refuse.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

h_require_ours
h_init

# ------------------------------------- start: -S, run dir, socket, pidfile

B=$(setup_base d1) || h_die "setup_base failed"
add_script "$B" legacy 01.hold.script <<EOF
$H_RECORD
echo \$\$ >"\$CTDB_BASE/hold.pid"
touch "\$CTDB_BASE/hold.started"
sleep 10
EOF
# The daemon creates the run directory when it is missing.
rmdir "$B/run"

if ! daemon_start ours "$B"; then
	h_fail "daemon did not start without a run directory (exit $DAEMON_RC)"
	sed -e 's/^/    /' "$B/daemon.stderr"
	h_finish
fi
pid=$DAEMON_PID

expect "-S fd gets 4 zero bytes" od -An -tx1 "$B/startup.bytes" <<'EOF'
 00 00 00 00
EOF
check "run dir created with mode 0700" test "$(stat -c %a "$B/run" 2>&1)" = 700
check "socket is a socket" test -S "$B/run/eventd.socket"
check "socket mode 0600" test "$(stat -c %a "$B/run/eventd.socket" 2>&1)" = 600
expect "pidfile holds the daemon's pid" cat "$B/run/eventd.pid" <<EOF
$pid
EOF
expect "daemon serves" tool_rc ours "$B" status nosuch monitor <<'EOF'
Event dir for nosuch does not exist
rc=2
EOF

# A second daemon on the same base is refused and leaves the first alone.
DAEMON_PID_SAVE=$DAEMON_PID
if daemon_start ours "$B"; then
	h_fail "a second daemon on the same base started"
	kill -TERM "$DAEMON_PID"
	daemon_wait_exit "$DAEMON_PID" 10
else
	check "a second daemon on the same base exits non-zero (exit $DAEMON_RC)" \
		test "${DAEMON_RC:-0}" -ne 0
fi
echo "$DAEMON_PID_SAVE" >"$B/daemon.testpid"
check "the first daemon still runs" h_alive "$DAEMON_PID_SAVE"
check "the first daemon's socket is still there" test -S "$B/run/eventd.socket"
expect "the first daemon still serves" tool_rc ours "$B" status nosuch monitor <<'EOF'
Event dir for nosuch does not exist
rc=2
EOF
expect "pidfile still holds the first daemon's pid" cat "$B/run/eventd.pid" <<EOF
$pid
EOF

# ------------------------------------------------------------- SIGTERM

# A script still running at shutdown is killed; its client sees the
# connection close (exit 1).
run_tool_bg "$TESTDIR/bg.hold" ours "$B" run 60 legacy startup
hold=$BG_PID
wait_until 10 test -e "$B/hold.started" || h_fail "the held script did not start"
if daemon_stop "$B"; then
	check "SIGTERM: exit 0" test "$DAEMON_RC" -eq 0
else
	h_fail "SIGTERM: the daemon did not exit"
fi
check "SIGTERM: socket removed" test ! -e "$B/run/eventd.socket"
check "SIGTERM: pidfile removed" test ! -e "$B/run/eventd.pid"
check_gone "SIGTERM: running script killed" "$B/hold.pid" 5
wait "$hold"
expect "SIGTERM: the client sees the connection close" cat "$TESTDIR/bg.hold" <<'EOF'
rc=1
EOF
check "daemon wrote nothing on stderr" test ! -s "$B/daemon.stderr"

# ------------------------------------------------------------------ -P

B=$(setup_base d2) || h_die "setup_base failed"
# No events/ directory at all is not an error.
rmdir "$B/events"
sleep 600 &
watched=$!
H_BG_PIDS+=("$watched")
if DAEMON_WATCH_PID=$watched daemon_start ours "$B"; then
	pid=$DAEMON_PID
	expect "no events directory: a component does not exist" \
		tool_rc ours "$B" run 30 legacy monitor <<'EOF'
Event dir for legacy does not exist
rc=2
EOF
	check "-P: still running while the pid lives" h_alive "$pid"
	kill -KILL "$watched"
	wait "$watched" 2>/dev/null
	if daemon_wait_exit "$pid" 10; then
		check "-P: exit 3 when the pid is gone (got $DAEMON_RC)" \
			test "$DAEMON_RC" -eq 3
	else
		h_fail "-P: daemon still running 10 s after the pid went away"
	fi
	check "-P: socket removed" test ! -e "$B/run/eventd.socket"
	check "-P: pidfile removed" test ! -e "$B/run/eventd.pid"
else
	h_fail "daemon with -P did not start (exit $DAEMON_RC)"
	kill -KILL "$watched"
fi

# ------------------------------------------------------------ options

h_vg eventd
"${H_VG[@]}" "$OUR_EVENTD" --help >"$TESTDIR/help.out" 2>&1
rc=$?
check "--help exits 0 (got $rc)" test $rc -eq 0
check "--help prints a usage" grep -q -- '-P, --pid' "$TESTDIR/help.out"
"${H_VG[@]}" "$OUR_EVENTD" --no-such-option >"$TESTDIR/badopt.out" 2>&1
rc=$?
check "an unknown option exits 1 (got $rc)" test $rc -eq 1

# ----------------------------------------------- invalid config values

# bad_config NAME LINE REASON <<CONFIG: the daemon refuses to start, with
# exactly one line on stderr (the log is not set up yet) naming the file,
# the line and the reason, and creates no socket or pidfile.
bad_config()
{
	local name=$1 line=$2 reason=$3 b

	b=$(setup_base "$name") || h_die "setup_base failed"
	cat >"$b/ctdb.conf"
	if daemon_start ours "$b"; then
		h_fail "$name: daemon started with an invalid config"
		daemon_stop "$b"
		return
	fi
	check "$name: exits 22 (got $DAEMON_RC)" test "${DAEMON_RC:-0}" -eq 22
	check "$name: no socket" test ! -e "$b/run/eventd.socket"
	check "$name: no pidfile" test ! -e "$b/run/eventd.pid"
	expect "$name: one line naming file and line" cat "$b/daemon.stderr" <<EOF
ctdb-eventd: $b/ctdb.conf:$line: $reason
EOF
}

bad_config loud 3 "invalid log level 'LOUD' (expected ERROR, WARNING, NOTICE, INFO or DEBUG)" <<EOF
[logging]
	location = file:$TESTDIR/loud.log
	log level = LOUD
EOF

bad_config grace 5 "invalid kill grace period 'soon' (expected seconds, 0 to 3600)" <<EOF
[logging]
	location = file:$TESTDIR/grace.log
	log level = DEBUG
[event]
	kill grace period = soon
EOF

bad_config location 2 "invalid log location 'nowhere:at-all' (expected file:PATH, file: or syslog)" <<EOF
[logging]
	location = nowhere:at-all
	log level = DEBUG
EOF

h_finish
