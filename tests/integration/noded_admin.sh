#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Administration over noded.socket: STOP and CONTINUE (the IP leaves, the
# stopped event runs, monitoring pauses; then back), GETVAR, SETVAR (unknown
# name, out of range, nothing changed on error), LISTVARS, and SHUTDOWN.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

B=$(nl_base a) || h_die "nl_base failed"
nl_start "$B"
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi
check "HEALTHY" \
	wait_until 20 nl_log_has "$B" 'node UNHEALTHY -> HEALTHY: monitor event OK'
check "its takeover run is done" \
	wait_until 10 nl_count_ge "$B" '^ipreallocated$' 2
check "IP held" nl_ctl_is "$B" "$NL_IP/32 lo 0" ips

# ---------------------------------------------------------------- tunables

expect "GETVAR MonitorInterval (from ctdb.tunables)" \
	nl_ctl "$B" getvar MonitorInterval <<'EOF'
MonitorInterval = 1
EOF
expect "GETVAR is case-insensitive, as CTDB" \
	nl_ctl "$B" getvar monitorinterval <<'EOF'
monitorinterval = 1
EOF
expect "GETVAR of an unknown name: ENOENT" nl_ctl "$B" getvar NoSuchVar <<'EOF'
result=2
EOF
expect "SETVAR EventScriptTimeout 45" \
	nl_ctl "$B" setvar EventScriptTimeout 45 <<'EOF'
ok
EOF
expect "GETVAR sees the new value" nl_ctl "$B" getvar EventScriptTimeout <<'EOF'
EventScriptTimeout = 45
EOF
check "the change is logged" \
	nl_log_has "$B" 'Tunable EventScriptTimeout changed from 30 to 45'
expect "SETVAR of an unknown name: ENOENT" \
	nl_ctl "$B" setvar NoSuchVar 1 <<'EOF'
result=2
EOF
expect "SETVAR out of range: ERANGE" \
	nl_ctl "$B" setvar MonitorInterval 0 <<'EOF'
result=34
EOF
expect "SETVAR boolean out of range: ERANGE" \
	nl_ctl "$B" setvar NoIPFailback 2 <<'EOF'
result=34
EOF
expect "SETVAR heartbeat timeout not above its interval: EDOM" \
	nl_ctl "$B" setvar ClusterHeartbeatTimeout 1000 <<'EOF'
result=33
EOF
expect "nothing changed by the refused SETVARs" nl_ctl "$B" listvars <<'EOF'
MonitorInterval = 1
EventScriptTimeout = 45
MonitorTimeoutCount = 20
MonitorFailCount = 1
MonitorOkCount = 1
NoIPFailback = 0
NoIPTakeover = 0
NoIPHostOnAllDisabled = 0
TakeoverTimeout = 9
StartupRetryInterval = 5
ClusterHeartbeatInterval = 1000
ClusterHeartbeatTimeout = 5000
ClusterTakeoverGrace = 3000
EOF

# ---------------------------------------------------------------- STOP

before=$(wc -l <"$B/events.log")
expect "STOP" nl_ctl "$B" stop <<'EOF'
ok
EOF
# The reply comes once the node has stopped: no polling needed.
expect "STOP: the IP leaves, then the stopped event" \
	eval "tail -n +$((before + 1)) '$B/events.log' | grep -v '^monitor\$'" <<EOF
startrecovery
releaseip lo $NL_IP 32
recovered
ipreallocated
stopped
EOF
expect "STATUS: STOPPED (0x20)" nl_ctl "$B" status <<'EOF'
pnn=0 runstate=RUNNING recmode=0 leader=0
node 0 127.0.0.1 flags=0x20
reason=None
EOF
expect "IPS: not held" nl_ctl "$B" ips <<EOF
$NL_IP/32 lo -1
EOF
check "logged as a state change" \
	nl_log_has "$B" 'node HEALTHY -> STOPPED: stopped by the administrator'
expect "STOP again: nothing to do" nl_ctl "$B" stop <<'EOF'
ok
EOF
check "no second stopped event" test "$(nl_count "$B" '^stopped$')" -eq 1

# A stopped node is not monitored: the monitor timer still fires (and says
# so at DEBUG) but sends nothing.
m=$(nl_count "$B" '^monitor$')
skipped()
{
	[ "$(grep -c 'Skipping monitor event: node STOPPED' "$B/log.ctdb")" -ge "$1" ]
}
check "monitor rounds are skipped while STOPPED" wait_until 15 skipped 2
check "no monitor event while STOPPED" \
	test "$(nl_count "$B" '^monitor$')" -eq "$m"

# ---------------------------------------------------------------- CONTINUE

before=$(wc -l <"$B/events.log")
expect "CONTINUE" nl_ctl "$B" continue <<'EOF'
ok
EOF
expect "CONTINUE: the IP comes back" \
	eval "tail -n +$((before + 1)) '$B/events.log' | grep -v '^monitor\$'" <<EOF
startrecovery
takeip lo $NL_IP 32
recovered
ipreallocated
EOF
expect "STATUS: HEALTHY" nl_ctl "$B" status <<'EOF'
pnn=0 runstate=RUNNING recmode=0 leader=0
node 0 127.0.0.1 flags=0x0
reason=None
EOF
check "monitoring resumes" \
	wait_until 15 nl_count_ge "$B" '^monitor$' $((m + 1))
expect "CONTINUE again: nothing to do" nl_ctl "$B" continue <<'EOF'
ok
EOF

# ---------------------------------------------------------------- SHUTDOWN

before=$(wc -l <"$B/events.log")
expect "SHUTDOWN is answered" nl_ctl "$B" shutdown <<'EOF'
ok
EOF
if daemon_wait_exit "$NL_PID" 30; then
	check "SHUTDOWN: exit status 0" test "$DAEMON_RC" -eq 0
else
	h_fail "ctdb-noded still running after SHUTDOWN"
fi
expect "SHUTDOWN: releaseip, then shutdown" \
	eval "tail -n +$((before + 1)) '$B/events.log' | grep -v '^monitor\$'" <<EOF
releaseip lo $NL_IP 32
shutdown
EOF
check "nothing on stderr" test ! -s "$B/noded.stderr"

h_finish
