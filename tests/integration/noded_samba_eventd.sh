#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Our ctdb-noded driving Samba's ctdb-eventd (CTDB_EVENTD, as Samba 4.17's
# ctdbd allows): start-up contract, event order, a monitor failure with
# the reason read from Samba's status, and SIGTERM. Skipped (77) when
# Samba's event daemon is not installed.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

[ -x "$SAMBA_EVENTD" ] || h_skip "$SAMBA_EVENTD not installed"
h_init
nl_require

B=$(nl_base samba NoIPHostOnAllDisabled=1) || h_die "nl_base failed"
nl_start "$B" "$SAMBA_EVENTD"
pid=$NL_PID
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING with Samba's ctdb-eventd"
	nl_show "$B"
	h_finish
fi
check "Samba's ctdb-eventd started with -P <noded pid> -S <fd>" \
	nl_log_has "$B" "Starting event daemon $SAMBA_EVENTD -P $pid -S [0-9]+$"
check "first monitor makes the node HEALTHY" \
	wait_until 20 nl_log_has "$B" 'node UNHEALTHY -> HEALTHY: monitor event OK'
check "second takeover run completes" \
	wait_until 10 nl_count_ge "$B" '^ipreallocated$' 2
# With NoIPHostOnAllDisabled=1 the node, UNHEALTHY until its first
# monitor, takes the IP only in the takeover run that follows it.
expect "event order" head -n 11 "$B/events.log" <<EOF
init
setup
startup
startrecovery
recovered
ipreallocated
monitor
startrecovery
takeip lo $NL_IP 32
recovered
ipreallocated
EOF

check "monitoring every second" wait_until 20 nl_count_ge "$B" '^monitor$' 3
echo "flag $$" >"$B/monitor.fail"
check "monitor failure: UNHEALTHY, reason from Samba's status" \
	wait_until 10 nl_log_has "$B" "node HEALTHY -> UNHEALTHY: 50.service failed \\(exit 1\\): service is down: flag $$\$"
check "the IP is released" \
	wait_until 10 nl_count_ge "$B" "^releaseip lo $NL_IP 32\$" 1
rm -f "$B/monitor.fail"
check "HEALTHY again" \
	wait_until 15 eval "[ \$(grep -c 'node UNHEALTHY -> HEALTHY' '$B/log.ctdb') -ge 2 ]"
check "the IP is taken again" \
	wait_until 10 nl_count_ge "$B" "^takeip lo $NL_IP 32\$" 2
check "that takeover run completes" wait_until 10 nl_takeover_done "$B"

eventd_pid=$(cat "$B/run/eventd.pid")
before=$(wc -l <"$B/events.log")
if nl_stop "$B"; then
	check "exit status 0 after SIGTERM" test "$DAEMON_RC" -eq 0
else
	h_fail "ctdb-noded did not exit after SIGTERM"
fi
expect "SIGTERM: releaseip, then shutdown" \
	eval "tail -n +$((before + 1)) '$B/events.log' | grep -v '^monitor\$'" <<EOF
releaseip lo $NL_IP 32
shutdown
EOF
check "Samba's ctdb-eventd stopped" wait_until 10 eval "! h_alive $eventd_pid"
check "nothing on stderr" test ! -s "$B/noded.stderr"

h_finish
