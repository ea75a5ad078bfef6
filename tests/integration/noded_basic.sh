#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ctdb-noded with our ctdb-eventd: start-up as ctdbd does it, the order of
# events up to the first monitors, the control socket, SIGHUP, malformed
# control packets, and SIGTERM (IPs released before the shutdown event).

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

B=$(nl_base n) || h_die "nl_base failed"
nl_start "$B"
pid=$NL_PID

if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi
check "eventd started as ctdbd does it: -P <noded pid> -S <fd>" \
	nl_log_has "$B" "ctdb-noded\[$pid\]: Starting event daemon .*/(ctdb-eventd|vg-eventd) -P $pid -S [0-9]+$"
check "noded.socket exists, mode 0600" \
	test "$(stat -c %a "$B/run/noded.socket" 2>&1)" = 600
expect "noded.pid holds the daemon's pid" cat "$B/run/noded.pid" <<EOF
$pid
EOF

# The first monitor comes 2 s after startup and makes the node HEALTHY
# (nodes start UNHEALTHY, as in ctdbd), which runs a second takeover.
check "first monitor makes the node HEALTHY" \
	wait_until 20 nl_log_has "$B" 'node UNHEALTHY -> HEALTHY: monitor event OK'
check "second takeover run completes" \
	wait_until 10 nl_count_ge "$B" '^ipreallocated$' 2

expect "event order: init, setup, startup, takeover, monitor, takeover" \
	head -n 11 "$B/events.log" <<EOF
init
setup
startup
startrecovery
takeip lo $NL_IP 32
recovered
ipreallocated
monitor
startrecovery
recovered
ipreallocated
EOF

expect "RUNSTATE" nl_ctl "$B" runstate <<'EOF'
RUNNING
EOF
expect "STATUS: one node, HEALTHY, leader 0, no reason" nl_ctl "$B" status <<'EOF'
pnn=0 runstate=RUNNING recmode=0 leader=0
node 0 127.0.0.1 flags=0x0
reason=None
EOF
expect "IPS: the public IP is held by pnn 0" nl_ctl "$B" ips <<EOF
$NL_IP/32 lo 0
EOF
if [ -x "$OUR_CTDB" ]; then
	h_vg ctdb
	expect "the ctdb tool reads the same socket" \
		env CTDB_TEST_MODE=yes CTDB_BASE="$B" "${H_VG[@]}" "$OUR_CTDB" \
		runstate <<'EOF'
RUNNING
EOF
else
	h_skip_step "the ctdb tool: $OUR_CTDB not built"
fi

# ---------------------------------------------------------------- SIGHUP

eventd_pid=$(cat "$B/run/eventd.pid")
kill -HUP "$pid"
check "SIGHUP reopens our log" \
	wait_until 10 nl_log_has "$B" "ctdb-noded\[$pid\]: Received SIGHUP"
check "SIGHUP is forwarded to the event daemon" \
	wait_until 10 nl_log_has "$B" "ctdb-eventd\[$eventd_pid\]: Received SIGHUP"

# ------------------------------------------------- malformed control packets

# Header (length 16, version 0, reqid 1), then an unknown command 99.
expect "unknown command: connection closed" \
	nl_ctl "$B" raw 10000000000000000100000063000000 <<'EOF'
closed
EOF
# RUNSTATE (101) with 4 bytes of trailing garbage.
expect "trailing bytes: connection closed" \
	nl_ctl "$B" raw 1400000000000000010000006500000000000000 <<'EOF'
closed
EOF
# A length below the header size.
expect "short packet: connection closed" \
	nl_ctl "$B" raw 0800000000000000 <<'EOF'
closed
EOF
check "malformed packets are logged" \
	nl_log_has "$B" 'ctdb-noded.*Invalid packet received, buflen=16: unknown command'
expect "daemon still serves" nl_ctl "$B" runstate <<'EOF'
RUNNING
EOF

# ---------------------------------------------------------------- SIGTERM

before=$(wc -l <"$B/events.log")
if nl_stop "$B"; then
	check "exit status 0 after SIGTERM" test "$DAEMON_RC" -eq 0
else
	h_fail "ctdb-noded did not exit after SIGTERM"
fi
# A monitor may have started just before; only the order of the others
# is fixed.
expect "SIGTERM: releaseip, then shutdown" \
	eval "tail -n +$((before + 1)) '$B/events.log' | grep -v '^monitor\$'" <<EOF
releaseip lo $NL_IP 32
shutdown
EOF
check "runstate SHUTDOWN logged" nl_log_has "$B" 'runstate RUNNING -> SHUTDOWN'
check "event daemon stopped" wait_until 10 eval "! h_alive $eventd_pid"
check "socket removed" test ! -e "$B/run/noded.socket"
check "pidfile removed" test ! -e "$B/run/noded.pid"
check "nothing on stderr" test ! -s "$B/noded.stderr"

h_finish
