#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fault matrix for the pair ctdb-noded + ctdb-eventd: either daemon killed
# with SIGKILL, with and without a monitor script running at that moment.
# Each case checks what the survivor does (logs, exit status), that no
# process of the test is left, and prints one "MATRIX:" line.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

MATRIX=()
CASE=
CASE_FAILED=0

# Every process started by a daemon of a case inherits its mark.
marked_procs()
{
	grep -l -z -x -s "FAULT_MARK=$1" /proc/[0-9]*/environ |
		sed -e 's,^/proc/,,' -e 's,/environ$,,'
}

no_marked_procs()
{
	[ -z "$(marked_procs "$1")" ]
}

case_begin()
{
	CASE=$1
	CASE_FAILED=$H_FAILED
	echo "--- case $1: $2"
}

case_end()
{
	local verdict=PASS

	if ! check "$CASE: no process of the test left" \
		wait_until 10 no_marked_procs "$MARK"; then
		echo "    left: $(marked_procs "$MARK" | tr '\n' ' ')"
	fi
	[ "$H_FAILED" -eq "$CASE_FAILED" ] || verdict=FAIL
	MATRIX+=("$(printf 'MATRIX: %-3s %-58s %s' "$CASE" "$1" "$verdict")")
}

# fault_base NAME: nl_base plus 60.hang, a monitor script that records its
# pid and sleeps while BASE/monitor.hang exists.
fault_base()
{
	local b

	b=$(nl_base "$1") || return 1
	add_script "$b" legacy 60.hang.script <<'EOF'
if [ "$1" = monitor ] && [ -e "$CTDB_BASE/monitor.hang" ]; then
	echo $$ >"$CTDB_BASE/hang.pid"
	exec >/dev/null 2>&1
	sleep 600
fi
exit 0
EOF
	echo "$b"
}

# start_pair BASE: ctdb-noded (and through it ctdb-eventd) with the mark,
# up to RUNNING. Sets NPID, EPID.
start_pair()
{
	local b=$1

	FAULT_MARK=$MARK nl_start "$b"
	NPID=$NL_PID
	if ! nl_wait_running "$b"; then
		h_fail "$CASE: ctdb-noded did not reach RUNNING"
		nl_show "$b"
		return 1
	fi
	EPID=$(cat "$b/run/eventd.pid" 2>/dev/null)
	case "$EPID" in
	'' | *[!0-9]*)
		h_fail "$CASE: no event daemon pid"
		return 1
		;;
	esac
	return 0
}

# hang_monitor BASE: make the next monitor hang; wait until it does.
hang_monitor()
{
	rm -f "$1/hang.pid"
	touch "$1/monitor.hang"
	wait_until 10 test -s "$1/hang.pid"
}

gone()
{
	! h_alive "$1"
}

# ------------------------------------------------ (i) eventd killed

case_begin i "ctdb-eventd killed (SIGKILL) under ctdb-noded"
MARK="fault-noded-i-$$"
B=$(fault_base ei) || h_die "fault_base failed"
if start_pair "$B"; then
	kill -KILL "$EPID"
	if daemon_wait_exit "$NPID" 10; then
		check "i: ctdb-noded exits with status 1" test "$DAEMON_RC" -eq 1
		check "i: ctdb-noded logs it" \
			nl_log_has "$B" 'ctdb-noded.*Event daemon went away - exiting'
	else
		h_fail "i: ctdb-noded kept running without its event daemon"
	fi
fi
case_end "eventd SIGKILLed: noded logs it, exits 1 (init restarts)"

case_begin i2 "ctdb-eventd killed while a monitor script runs"
MARK="fault-noded-i2-$$"
B=$(fault_base ei2) || h_die "fault_base failed"
if start_pair "$B"; then
	if hang_monitor "$B"; then
		kill -KILL "$EPID"
		if daemon_wait_exit "$NPID" 10; then
			check "i2: ctdb-noded exits with status 1" \
				test "$DAEMON_RC" -eq 1
		else
			h_fail "i2: ctdb-noded kept running without its event daemon"
		fi
		# Documented: nobody is left to end the orphaned script but
		# the init system (systemd kills the rest of the unit).
		hp=$(cat "$B/hang.pid")
		check "i2: the orphaned monitor script outlives both (documented)" \
			h_alive "$hp"
		check "i2: the leftover check finds it by its mark" \
			eval 'marked_procs "$MARK" | grep -q -x "$hp"'
		kill -KILL -- "-$hp" 2>/dev/null
	else
		h_fail "i2: the monitor did not hang"
	fi
fi
case_end "eventd SIGKILLed mid-monitor: noded exits 1; script orphaned"

# ------------------------------------------------ (j) noded killed

case_begin j "ctdb-noded killed (SIGKILL) while a monitor script runs"
MARK="fault-noded-j-$$"
B=$(fault_base nj) || h_die "fault_base failed"
if start_pair "$B"; then
	if hang_monitor "$B"; then
		hp=$(cat "$B/hang.pid")
		kill -KILL "$NPID"
		wait "$NPID" 2>/dev/null
		check "j: ctdb-eventd exits (-P)" \
			wait_until 10 gone "$EPID"
		check "j: ctdb-eventd logs why" \
			wait_until 5 nl_log_has "$B" "ctdb-eventd.*PID $NPID gone away, exiting"
		check "j: the running monitor script is killed" \
			wait_until 5 h_pgrp_gone "$hp"
		check "j: the event daemon removed its socket and pid file" \
			wait_until 5 eval "test ! -e '$B/run/eventd.socket' && test ! -e '$B/run/eventd.pid'"
	else
		h_fail "j: the monitor did not hang"
	fi
fi
case_end "noded SIGKILLed mid-monitor: eventd exits via -P, script killed"

case_begin j2 "ctdb-noded killed (SIGKILL) while idle"
MARK="fault-noded-j2-$$"
B=$(fault_base nj2) || h_die "fault_base failed"
if start_pair "$B"; then
	kill -KILL "$NPID"
	wait "$NPID" 2>/dev/null
	check "j2: ctdb-eventd exits (-P)" wait_until 10 gone "$EPID"
fi
case_end "noded SIGKILLed while idle: eventd exits via -P"

printf '%s\n' "${MATRIX[@]}"
h_finish
