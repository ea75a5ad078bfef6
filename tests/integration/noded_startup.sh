#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ctdb-noded's start-up contract with the event daemon and the early
# runstates: an event daemon that exits, says no, never answers or dies
# later; init failing; startup failing and being retried until it works.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

# fake_eventd NAME BODY: an executable stand-in for the event daemon.
fake_eventd()
{
	printf '#!/bin/bash\n%s\n' "$2" >"$TESTDIR/fake-$1"
	chmod 755 "$TESTDIR/fake-$1"
	echo "$TESTDIR/fake-$1"
}

# refused NAME BASE EVENTD MESSAGE-REGEX: ctdb-noded exits 1 quickly and
# logs the message.
refused()
{
	local name=$1 b=$2 eventd=$3 msg=$4

	nl_start "$b" "$eventd"
	if ! daemon_wait_exit "$NL_PID" 20; then
		h_fail "$name: ctdb-noded still running"
		return
	fi
	check "$name: exit status 1" test "$DAEMON_RC" -eq 1
	if ! check "$name: logged" nl_log_has "$b" "$msg"; then
		nl_show "$b"
	fi
}

# ------------------------------------------------ event daemon start-up

B=$(nl_base exits) || h_die "nl_base failed"
refused "event daemon exits at once" "$B" "$(fake_eventd exit17 'exit 17')" \
	'Failed to initialize event daemon \(.*/fake-exit17 exited with status 17\)'

B=$(nl_base missing) || h_die "nl_base failed"
# (Under valgrind, whose fork does not report exec failures, the child
# exits 127 instead.)
refused "event daemon binary missing" "$B" "$TESTDIR/no-such-eventd" \
	'Failed to initialize event daemon \((cannot run .*/no-such-eventd: No such file or directory|.*/no-such-eventd exited with status 127)\)'

# Writes 4 bytes that are not 0 to the startup fd, then waits.
B=$(nl_base nonzero) || h_die "nl_base failed"
refused "event daemon reports a non-zero startup status" "$B" \
	"$(fake_eventd nonzero 'printf "\001\000\000\000" >&$4; exec sleep 60')" \
	'Failed to initialize event daemon \(startup status 1 from .*/fake-nonzero\)'

# Never writes: ctdbd gives up after 10 s and kills it.
B=$(nl_base silent) || h_die "nl_base failed"
refused "event daemon never reports" "$B" \
	"$(fake_eventd silent 'echo $$ >"$CTDB_BASE/fake.pid"; exec sleep 60')" \
	'Failed to initialize event daemon \(no startup notice from .*/fake-silent within 10 seconds\)'
fake_pid=$(cat "$B/fake.pid" 2>/dev/null)
check "the silent event daemon was started" test -n "$fake_pid"
check "the silent event daemon was killed" \
	wait_until 10 eval "! h_alive ${fake_pid:-1}"
check "no events were sent" test ! -e "$B/events.log"

# ------------------------------------------------ the event daemon dies

B=$(nl_base dies) || h_die "nl_base failed"
nl_start "$B"
if nl_wait_running "$B"; then
	kill -KILL "$(cat "$B/run/eventd.pid")"
	if daemon_wait_exit "$NL_PID" 20; then
		check "event daemon gone: exit status 1" test "$DAEMON_RC" -eq 1
		check "event daemon gone: logged" \
			nl_log_has "$B" 'ctdb-noded.*Event daemon went away - exiting'
	else
		h_fail "ctdb-noded kept running without its event daemon"
	fi
else
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
fi

# ------------------------------------------------ init fails

B=$(nl_base initfail) || h_die "nl_base failed"
add_script "$B" legacy 20.init.script <<'EOF'
[ "$1" = init ] && { echo "cannot initialise"; exit 3; }
exit 0
EOF
refused "init fails" "$B" "" 'Failed to run init event: a script failed'
expect "init fails: nothing after init" cat "$B/events.log" <<'EOF'
init
EOF
check "init fails: event daemon stopped (its pidfile is gone)" \
	wait_until 10 test ! -e "$B/run/eventd.pid"

# ------------------------------------------------ startup fails, is retried

B=$(nl_base startupfail StartupRetryInterval=1) || h_die "nl_base failed"
add_script "$B" legacy 20.startup.script <<'EOF'
[ "$1" = startup ] && [ -e "$CTDB_BASE/startup.fail" ] && exit 1
exit 0
EOF
touch "$B/startup.fail"
nl_start "$B"
check "startup failure is logged" \
	wait_until 10 nl_log_has "$B" 'startup event failed \(a script failed\), retrying in 1 seconds'
check "startup is retried" wait_until 10 nl_count_ge "$B" '^startup$' 2
expect "still STARTUP while it fails" nl_ctl "$B" runstate <<'EOF'
STARTUP
EOF
check "no monitor and no takeover before RUNNING" \
	test "$(nl_count "$B" '^(monitor|takeip.*)$')" -eq 0
rm -f "$B/startup.fail"
check "startup succeeds: RUNNING" nl_wait_running "$B"
check "then the IP is taken" \
	wait_until 10 nl_count_ge "$B" "^takeip lo $NL_IP 32\$" 1
nl_stop "$B" || h_fail "ctdb-noded did not stop"

# ------------------------------------------------ the first monitor fails

# Nodes start UNHEALTHY; a failing first monitor changes no state but
# replaces the placeholder reason with the real one, logged once.
B=$(nl_base firstfail) || h_die "nl_base failed"
echo "from the start" >"$B/monitor.fail"
nl_start "$B"
check "first monitor fails: the reason is logged" \
	wait_until 20 nl_log_has "$B" 'ctdb-noded.*: node UNHEALTHY: 50.service failed \(exit 1\): service is down: from the start$'
expect "first monitor fails: STATUS has the reason" nl_ctl "$B" status <<'EOF'
pnn=0 runstate=RUNNING recmode=0 leader=0
node 0 127.0.0.1 flags=0x2
reason=50.service failed (exit 1): service is down: from the start
EOF
m=$(nl_count "$B" '^monitor$')
check "more failed monitors" wait_until 15 nl_count_ge "$B" '^monitor$' $((m + 2))
check "the reason is logged once" \
	test "$(grep -c 'node UNHEALTHY: ' "$B/log.ctdb")" -eq 1
rm -f "$B/monitor.fail"
check "then HEALTHY" \
	wait_until 15 nl_log_has "$B" 'node UNHEALTHY -> HEALTHY: monitor event OK'
nl_stop "$B" || h_fail "ctdb-noded did not stop"

h_finish
