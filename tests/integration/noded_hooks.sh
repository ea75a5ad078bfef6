#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Notification hooks of ctdb-noded (events/notification/): each node event
# reaches the hooks as one JSON object on stdin, in order (startup,
# healthy, takeip, unhealthy, releaseip, reason, ..., stopped, continued,
# ..., shutdown), with
# the documented fields. A failing hook changes nothing; a hanging one
# times out while the daemon keeps answering, and the later hooks still
# run in order. A full queue drops its oldest event. Without the
# directory the hooks are off. With Samba's ctdb-eventd the hooks run
# without stdin and the legacy events are not disturbed.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

B=$(nl_base hooks NoIPHostOnAllDisabled=1) || h_die "nl_base failed"
# 10.record keeps every event (stdin and arguments); 20.fail fails while
# hook.fail exists; 30.hang hangs once when hook.hang exists.
add_script "$B" notification 10.record.script <<'EOF'
cat >>"$CTDB_BASE/hooks.jsonl"
echo "$*" >>"$CTDB_BASE/hooks.args"
EOF
add_script "$B" notification 20.fail.script <<'EOF'
if [ -e "$CTDB_BASE/hook.fail" ]; then
	echo "hook failing on purpose"
	exit 1
fi
exit 0
EOF
add_script "$B" notification 30.hang.script <<EOF
$H_RECORD
if [ -e "\$CTDB_BASE/hook.hang" ]; then
	rm -f "\$CTDB_BASE/hook.hang"
	echo "\$1" >"\$CTDB_BASE/hanging"
	sleep 600
fi
exit 0
EOF

# The shipped example hook, logging to a file of the test's.
cp "$abs_top_srcdir/events.d/notification/10.log-json.script.example" \
	"$B/events/notification/15.log-json.script"
chmod 0755 "$B/events/notification/15.log-json.script"
export CTDB_NOTIFICATION_LOG="$B/example/notification.jsonl"

# hooks_check: validate every recorded event, print the event names.
cat >"$TESTDIR/hooks_check.py" <<'EOF'
import json
import re
import sys

path, ip = sys.argv[1], sys.argv[2]
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
COMMON = ["event", "seq", "time", "node", "runstate", "health", "stopped",
          "reason", "dropped"]


def fail(n, msg):
    print("line %d: %s" % (n, msg))
    sys.exit(1)


seq = 0
last_time = ""
for n, line in enumerate(open(path), 1):
    try:
        ev = json.loads(line)
    except ValueError as e:
        fail(n, "not JSON: %s: %r" % (e, line))
    if not isinstance(ev, dict):
        fail(n, "not an object")
    for k in COMMON:
        if k not in ev:
            fail(n, "no field %s" % k)
    e = ev["event"]
    seq += 1
    if ev["seq"] != seq:
        fail(n, "seq %r, expected %d" % (ev["seq"], seq))
    if ev["dropped"] != 0:
        fail(n, "dropped %r" % ev["dropped"])
    if not TIME.match(ev["time"]) or ev["time"] < last_time:
        fail(n, "bad or earlier time %r" % ev["time"])
    last_time = ev["time"]
    if ev["node"] != {"pnn": 0, "address": "127.0.0.1"}:
        fail(n, "node %r" % ev["node"])
    if not isinstance(ev["stopped"], bool):
        fail(n, "stopped %r" % ev["stopped"])
    h = ev["health"]
    if h.get("state") not in ("HEALTHY", "UNHEALTHY") or "reason" not in h:
        fail(n, "health %r" % h)
    if e in ("takeip", "releaseip"):
        if ev.get("ip") != {"address": ip, "bits": 32, "iface": "lo"}:
            fail(n, "ip %r" % ev.get("ip"))
    elif "ip" in ev:
        fail(n, "ip in a %s event" % e)
    if e == "unhealthy":
        if h["state"] != "UNHEALTHY" or \
                not h["reason"].startswith("50.service failed (exit 1)"):
            fail(n, "health %r" % h)
        if ev["reason"] != h["reason"]:
            fail(n, "reason %r" % ev["reason"])
        if ev.get("previous", {}).get("state") != "HEALTHY":
            fail(n, "previous %r" % ev.get("previous"))
    elif e == "healthy":
        if h != {"state": "HEALTHY", "reason": None}:
            fail(n, "health %r" % h)
        if ev.get("previous", {}).get("state") != "UNHEALTHY":
            fail(n, "previous %r" % ev.get("previous"))
        if ev["reason"] != "monitor event OK":
            fail(n, "reason %r" % ev["reason"])
    elif "previous" in ev:
        fail(n, "previous in a %s event" % e)
    # This test stops the node only between health changes.
    if e == "stopped" and ev["stopped"] is not True or \
            e in ("startup", "healthy", "unhealthy") and ev["stopped"]:
        fail(n, "stopped %r in a %s event" % (ev["stopped"], e))
    if e == "startup" and ev["runstate"] != "RUNNING":
        fail(n, "runstate %r" % ev["runstate"])
    if e == "shutdown" and ev["runstate"] != "SHUTDOWN":
        fail(n, "runstate %r" % ev["runstate"])
    if n == 4 and sys.argv[3:] == ["--show"]:
        sys.stderr.write(line)
    print(e)
EOF

hooks()
{
	python3 "$TESTDIR/hooks_check.py" "$B/hooks.jsonl" "$NL_IP"
}

# hooks_are EVENT...: exactly these events so far, all valid.
hooks_are()
{
	[ "$(hooks 2>&1)" = "$(printf '%s\n' "$@")" ]
}

# hooks_end EVENT...: the last events so far are these.
hooks_end()
{
	[ "$(hooks 2>&1 | tail -n $#)" = "$(printf '%s\n' "$@")" ]
}

nl_start "$B"
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi

# --------------------------------------- start-up, a failure, recovery

check "startup, healthy (first monitor), takeip" \
	wait_until 30 hooks_are startup healthy takeip
echo "flag $$" >"$B/monitor.fail"
check "monitor failure: unhealthy, then releaseip" \
	wait_until 15 hooks_are startup healthy takeip unhealthy releaseip
echo "flag2 $$" >"$B/monitor.fail"
check "another failure while UNHEALTHY: the reason hook" \
	wait_until 15 hooks_are startup healthy takeip unhealthy releaseip \
	reason
check "...with the new reason" python3 -c "
import json, sys
r = [json.loads(l) for l in open('$B/hooks.jsonl')][-1]
sys.exit(not (r['reason'].endswith('flag2 $$') and
              r['health']['reason'] == r['reason']))"
rm -f "$B/monitor.fail"
check "recovery: healthy, then takeip" \
	wait_until 15 hooks_are startup healthy takeip unhealthy releaseip \
	reason healthy takeip
expect "the arguments are the legacy event's" cat "$B/hooks.args" <<EOF
startup
healthy
takeip lo $NL_IP 32
unhealthy
releaseip lo $NL_IP 32
reason
healthy
takeip lo $NL_IP 32
EOF
check "hooks ran through RUN_INPUT (no fallback)" \
	eval "! nl_log_has '$B' 'does not support RUN_INPUT'"

# --------------------------------------- failing hooks change nothing

touch "$B/hook.fail"
# A 100 kB reason: the event must still fit (long strings are cut).
head -c 100000 /dev/zero | tr '\0' r >"$B/monitor.fail"
check "unhealthy and releaseip still reach the hooks" \
	wait_until 15 hooks_end unhealthy releaseip
check "the long reason reached the hooks cut to 1024 bytes and '...'" \
	python3 -c "
import json, sys
evs = [json.loads(l) for l in open('$B/hooks.jsonl')]
r = [e for e in evs if e['event'] == 'unhealthy'][-1]['reason']
sys.exit(not (r.endswith('r...') and len(r) == 1027))"
rm -f "$B/monitor.fail"
check "healthy and takeip too" \
	wait_until 15 hooks_end healthy takeip
check "the failures are logged at NOTICE" \
	wait_until 5 nl_log_has "$B" 'notification takeip: hooks a script failed \(ctdb event status notification takeip\)'
expect "a failing healthy hook leaves the node HEALTHY" nl_ctl "$B" status <<EOF
pnn=0 runstate=RUNNING recmode=0 leader=0
node 0 127.0.0.1 flags=0x0
reason=None
EOF
expect "...and a failing takeip hook leaves the IP held" nl_ctl "$B" ips <<EOF
$NL_IP/32 lo 0
EOF
check "the failure shows in ctdb event status notification healthy" \
	eval "run_tool ours '$B' status notification healthy | grep -q '^20.fail *ERROR'"
rm -f "$B/hook.fail"

# --------------------------------------- a hanging hook

# Long enough for the checks below to see the hook still hanging.
hang_timeout=$((15 * H_SCALE))
check "setvar EventScriptTimeout $hang_timeout" nl_ctl_is "$B" ok \
	setvar EventScriptTimeout $hang_timeout
touch "$B/hook.hang"
echo "flag $$" >"$B/monitor.fail"
check "the unhealthy hook hangs" wait_until 15 test -s "$B/hanging"
m=$(nl_count "$B" '^monitor$')
# The bound is generous (the machine running the tests may be loaded),
# and H_SCALE times more under valgrind.
t0=$(nl_now_ms)
env CTDB_TEST_MODE=yes CTDB_BASE="$B" "$OUR_CTDB" status >"$B/status.out" 2>&1
rc=$?
t1=$(nl_now_ms)
check "while it hangs, ctdb status answers within $((2000 * H_SCALE)) ms ($((t1 - t0)) ms)" \
	test $rc -eq 0 -a $((t1 - t0)) -lt $((2000 * H_SCALE))
check "while it hangs, legacy events go on (releaseip, monitors)" \
	wait_until 10 eval "nl_count_ge '$B' '^releaseip ' 3 && nl_count_ge '$B' '^monitor\$' $((m + 1))"
check "it is still hanging then" hooks_end unhealthy
check "it times out, logged at NOTICE" \
	wait_until 30 nl_log_has "$B" 'notification unhealthy: hooks timed out'
check "the next hook (releaseip) runs after it" \
	wait_until 10 hooks_end unhealthy releaseip
rm -f "$B/monitor.fail"
check "healthy and takeip follow in order" \
	wait_until 15 hooks_end healthy takeip
check "the node state never depended on a hook" \
	nl_ctl_is "$B" "$NL_IP/32 lo 0" ips

# --------------------------------------- stop and continue

check "STOP" nl_ctl_is "$B" ok stop
check "releaseip, then stopped" wait_until 15 hooks_end releaseip stopped
check "CONTINUE" nl_ctl_is "$B" ok continue
check "continued, then takeip again" \
	wait_until 15 hooks_end releaseip stopped continued takeip

# --------------------------------------- shutdown comes last

nl_stop "$B" || h_fail "ctdb-noded did not stop"
check "exit status 0" test "${DAEMON_RC:-1}" -eq 0
expect "every event, valid, in order" hooks <<EOF
startup
healthy
takeip
unhealthy
releaseip
reason
healthy
takeip
unhealthy
releaseip
healthy
takeip
unhealthy
releaseip
healthy
takeip
releaseip
stopped
continued
takeip
releaseip
shutdown
EOF
check "nothing on stderr" test ! -s "$B/noded.stderr"
check "the example hook logged the same events" \
	cmp "$B/hooks.jsonl" "$CTDB_NOTIFICATION_LOG"
unset CTDB_NOTIFICATION_LOG

# --------------------------------------- a full queue drops the oldest

# A queue of one (test mode only) while the startup hook hangs: healthy
# waits, takeip pushes it out.
Q=$(nl_base queue NoIPHostOnAllDisabled=1 \
	EventScriptTimeout=$((10 * H_SCALE))) || h_die "nl_base failed"
add_script "$Q" notification 10.record.script <<'EOF'
cat >>"$CTDB_BASE/hooks.jsonl"
EOF
add_script "$Q" notification 30.hang.script <<EOF
$H_RECORD
if [ -e "\$CTDB_BASE/hook.hang" ]; then
	rm -f "\$CTDB_BASE/hook.hang"
	sleep 600
fi
exit 0
EOF
touch "$Q/hook.hang"
export CTDB_TEST_NOTIFICATION_QUEUE_MAX=1
nl_start "$Q"
unset CTDB_TEST_NOTIFICATION_QUEUE_MAX
check "the node runs" nl_wait_running "$Q"
check "healthy is dropped for takeip, logged at NOTICE" \
	wait_until 30 nl_log_has "$Q" 'notification queue full \(1 events\): dropped the oldest, healthy \(1 dropped so far\)$'
check "takeip is delivered after the hanging startup hook" \
	wait_until 30 eval "[ \$(grep -c '\"event\":\"takeip\"' '$Q/hooks.jsonl') -eq 1 ]"
nl_stop "$Q" || h_fail "ctdb-noded did not stop"
expect "seq shows the gap, dropped counts it" \
	python3 -c "
import json
for l in open('$Q/hooks.jsonl'):
    e = json.loads(l)
    print(e['event'], e['seq'], e['dropped'])" <<EOF
startup 1 0
takeip 3 1
releaseip 4 1
shutdown 5 1
EOF

# --------------------------------------- no directory: hooks off

C=$(nl_base nohooks) || h_die "nl_base failed"
nl_start "$C"
check "without events/notification the node runs" nl_wait_running "$C"
check "hooks off is said once, at INFO" \
	wait_until 10 nl_log_has "$C" 'notification hooks off: no directory .*/events/notification$'
nl_stop "$C" || h_fail "ctdb-noded did not stop"
check "...and only once" \
	test "$(grep -c 'notification hooks off' "$C/log.ctdb")" -eq 1

# --------------------------------------- Samba's ctdb-eventd: fallback

if [ ! -x "$SAMBA_EVENTD" ]; then
	h_skip_step "the fallback with Samba's ctdb-eventd: $SAMBA_EVENTD not installed"
	h_finish
fi
S=$(nl_base samba NoIPHostOnAllDisabled=1) || h_die "nl_base failed"
add_script "$S" notification 10.record.script <<'EOF'
echo "$*" >>"$CTDB_BASE/hooks.args"
EOF

# file_is FILE LINE...: FILE holds exactly these lines.
file_is()
{
	local f=$1
	shift
	[ "$(cat "$f" 2>/dev/null)" = "$(printf '%s\n' "$@")" ]
}

# file_ends FILE LINE...: the last lines of FILE are these.
file_ends()
{
	local f=$1
	shift
	[ "$(tail -n $# "$f" 2>/dev/null)" = "$(printf '%s\n' "$@")" ]
}

nl_start "$S" "$SAMBA_EVENTD"
check "with Samba's ctdb-eventd the node runs" nl_wait_running "$S"
check "hooks still run, as plain RUN with the legacy arguments" \
	wait_until 30 file_is "$S/hooks.args" startup healthy \
	"takeip lo $NL_IP 32"
check "the fallback is logged once, at NOTICE" \
	test "$(grep -c 'does not support RUN_INPUT' "$S/log.ctdb")" -eq 1
check "the legacy events' connection was never lost" \
	eval "! nl_log_has '$S' 'Connection to the event daemon lost|event failed|Failed to'"
check "legacy events in order" \
	eval "head -n 3 '$S/events.log' | cmp -s - <(printf '%s\n' init setup startup)"
nl_stop "$S" || h_fail "ctdb-noded did not stop"
check "shutdown reaches the hooks last" \
	file_ends "$S/hooks.args" "releaseip lo $NL_IP 32" shutdown

h_finish
