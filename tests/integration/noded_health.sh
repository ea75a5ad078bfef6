#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Monitor failures and node health: UNHEALTHY with the failing script as
# the reason, IPs released with NoIPHostOnAllDisabled=1 and kept with 0,
# MonitorFailCount hysteresis, monitor timeouts against
# MonitorTimeoutCount. Prints how long detection and failover take with
# MonitorInterval=1.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

B=$(nl_base h NoIPHostOnAllDisabled=1) || h_die "nl_base failed"
add_script "$B" legacy 60.hang.script <<EOF
$H_RECORD
if [ "\$1" = monitor ] && [ -e "\$CTDB_BASE/monitor.hang" ]; then
	echo "hanging"
	sleep 10
fi
exit 0
EOF
nl_start "$B"
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi

# nl_log_count REGEX: matching lines of the daemon log.
nl_log_count()
{
	grep -E -c -- "$1" "$B/log.ctdb"
}

nl_log_count_ge()
{
	[ "$(nl_log_count "$1")" -ge "$2" ]
}

# After the first health change the next monitor is 5 s away; from the
# third monitor on they come every MonitorInterval (1 s).
check "healthy, monitoring every second" \
	wait_until 30 nl_count_ge "$B" '^monitor$' 3
check "the IP is held" wait_until 5 nl_ctl_is "$B" "$NL_IP/32 lo 0" ips

# --------------------------------------- failure: UNHEALTHY, IP released

t0=$(nl_now_ms)
echo "flag $$" >"$B/monitor.fail"
if check "monitor failure makes the node UNHEALTHY" \
	wait_until 10 nl_log_has "$B" 'node HEALTHY -> UNHEALTHY'; then
	t1=$(nl_now_ms)
fi
if check "NoIPHostOnAllDisabled=1: the IP is released" \
	wait_until 10 nl_count_ge "$B" "^releaseip lo $NL_IP 32\$" 1; then
	t2=$(nl_now_ms)
fi
echo "timing: flag -> UNHEALTHY $((t1 - t0)) ms, flag -> releaseip $((t2 - t0)) ms (MonitorInterval=1)"

check "the reason names the script, its exit status and first line" \
	nl_log_has "$B" "ctdb-noded.*: node HEALTHY -> UNHEALTHY: 50.service failed \\(exit 1\\): service is down: flag $$\$"
expect "STATUS carries the reason" nl_ctl "$B" status <<EOF
pnn=0 runstate=RUNNING recmode=0 leader=0
node 0 127.0.0.1 flags=0x2
reason=50.service failed (exit 1): service is down: flag $$
EOF
check "IPS: nobody holds the IP" wait_until 5 nl_ctl_is "$B" "$NL_IP/32 lo -1" ips

# Two more failed monitors change nothing: no flapping, no second log line.
m=$(nl_count "$B" '^monitor$')
check "monitoring goes on while UNHEALTHY" \
	wait_until 15 nl_count_ge "$B" '^monitor$' $((m + 2))
check "the transition is logged once" \
	test "$(nl_log_count 'node HEALTHY -> UNHEALTHY')" -eq 1
check "the IP is not taken while UNHEALTHY" \
	test "$(nl_count "$B" "^takeip ")" -eq 1

# --------------------------------------- recovery: HEALTHY, IP taken again

t0=$(nl_now_ms)
rm -f "$B/monitor.fail"
if check "a good monitor makes the node HEALTHY again" \
	wait_until 15 nl_log_count_ge 'node UNHEALTHY -> HEALTHY: monitor event OK' 2; then
	t1=$(nl_now_ms)
fi
if check "the IP is taken again" \
	wait_until 10 nl_count_ge "$B" "^takeip lo $NL_IP 32\$" 2; then
	t2=$(nl_now_ms)
fi
echo "timing: flag removed -> HEALTHY $((t1 - t0)) ms, -> takeip $((t2 - t0)) ms"
expect "order: releaseip, ..., takeip" \
	eval "grep -E '^(takeip|releaseip) ' '$B/events.log'" <<EOF
takeip lo $NL_IP 32
releaseip lo $NL_IP 32
takeip lo $NL_IP 32
EOF

# --------------------------------------- NoIPHostOnAllDisabled=0: IP kept

check "setvar NoIPHostOnAllDisabled 0" nl_ctl_is "$B" ok \
	setvar NoIPHostOnAllDisabled 0
check "interval back to 1 s" wait_until 15 nl_count_ge "$B" '^monitor$' \
	$(($(nl_count "$B" '^monitor$') + 3))
r=$(nl_count "$B" '^ipreallocated$')
echo "flag $$" >"$B/monitor.fail"
check "UNHEALTHY again" \
	wait_until 10 nl_log_count_ge 'node HEALTHY -> UNHEALTHY' 2
check "its takeover run completes" \
	wait_until 10 nl_count_ge "$B" '^ipreallocated$' $((r + 1))
check "NoIPHostOnAllDisabled=0: no releaseip" \
	test "$(nl_count "$B" '^releaseip ')" -eq 1
expect "NoIPHostOnAllDisabled=0: the only node keeps the IP" \
	nl_ctl "$B" ips <<EOF
$NL_IP/32 lo 0
EOF
rm -f "$B/monitor.fail"
check "HEALTHY again" \
	wait_until 15 nl_log_count_ge 'node UNHEALTHY -> HEALTHY: monitor event OK' 3

# --------------------------------------- MonitorFailCount=2

check "setvar MonitorFailCount 2" nl_ctl_is "$B" ok setvar MonitorFailCount 2
check "interval back to 1 s" wait_until 15 nl_count_ge "$B" '^monitor$' \
	$(($(nl_count "$B" '^monitor$') + 3))
# The service script counts its own failures (monitor-failures.log):
# counting monitor runs instead raced with a run already going when the
# flag appeared (seen under valgrind).
failures()
{
	local n
	n=$(wc -l <"$B/monitor-failures.log" 2>/dev/null)
	echo "${n:-0}"
}
m=$(failures)
echo "flag $$" >"$B/monitor.fail"
check "MonitorFailCount=2: UNHEALTHY after the second failure" \
	wait_until 10 nl_log_count_ge 'node HEALTHY -> UNHEALTHY' 3
n=$(failures)
check "MonitorFailCount=2: at least two failed monitors ($((n - m)))" \
	test $((n - m)) -ge 2
rm -f "$B/monitor.fail"
check "HEALTHY again" \
	wait_until 15 nl_log_count_ge 'node UNHEALTHY -> HEALTHY: monitor event OK' 4
check "setvar MonitorFailCount 1" nl_ctl_is "$B" ok setvar MonitorFailCount 1

# --------------------------------------- monitor timeouts

check "setvar EventScriptTimeout 1" nl_ctl_is "$B" ok setvar EventScriptTimeout 1
check "setvar MonitorTimeoutCount 2" nl_ctl_is "$B" ok \
	setvar MonitorTimeoutCount 2
check "interval back to 1 s" wait_until 15 nl_count_ge "$B" '^monitor$' \
	$(($(nl_count "$B" '^monitor$') + 3))
touch "$B/monitor.hang"
check "a first timeout is tolerated" \
	wait_until 15 nl_log_has "$B" 'monitor event timed out \(1 in a row\), pretending it is OK'
check "the second reaches MonitorTimeoutCount" \
	wait_until 15 nl_log_has "$B" 'Maximum monitor timeout count 2 reached. Making node unhealthy'
check "the timed-out script is the reason" \
	wait_until 5 nl_log_has "$B" 'node HEALTHY -> UNHEALTHY: 60.hang timed out: hanging$'
rm -f "$B/monitor.hang"
check "HEALTHY after the timeouts stop" \
	wait_until 20 nl_log_count_ge 'node UNHEALTHY -> HEALTHY: monitor event OK' 5

nl_stop "$B" || h_fail "ctdb-noded did not stop"
check "exit status 0" test "${DAEMON_RC:-1}" -eq 0
check "nothing on stderr" test ! -s "$B/noded.stderr"

h_finish
