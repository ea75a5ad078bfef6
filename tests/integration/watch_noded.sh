#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `ctdb watch` and `ctdb wait` on ctdb-noded: node.runstate, node.health,
# node.ips and node.tunables with their current values first, the change
# after a monitor failure (health with the reason, the IP released), a
# new reason while UNHEALTHY, STOPPED after stop,
# tunables after setvar, the no-key form following both daemons, wait
# on the node keys (also started before the daemon: it retries), and 200
# node watchers while `ctdb status` answers.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require
h_require_ours "$OUR_CTDB"

CLIENT="$abs_top_srcdir/tests/integration/watch_client.py"
STATUS_BOUND_MS=3000
WATCHERS=200

B=$(nl_base w NoIPHostOnAllDisabled=1) || h_die "nl_base failed"
# A wait started before the daemon retries until it can connect.
CTDB_TEST_MODE=yes CTDB_BASE="$B" "$OUR_CTDB" wait node.runstate=RUNNING \
	--timeout 120 >"$B/early.out" 2>"$B/early.err" &
EARLY=$!
H_BG_PIDS+=("$EARLY")
nl_start "$B"
if wait "$EARLY"; then
	h_pass "wait started before the daemon returns 0 once it is RUNNING"
else
	h_fail "early wait: $(cat "$B/early.err")"
fi
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi
export CTDB_TEST_MODE=yes CTDB_BASE="$B"

lines_ge()
{
	[ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ]
}

# jlast FILE KEY EXPR: EXPR on the value (v) of the last line of FILE
# whose key is KEY.
jlast()
{
	python3 -c '
import json, sys
v = None
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["key"] == sys.argv[2]:
        v = d["value"]
print(eval(sys.argv[3]))' "$1" "$2" "$3"
}

jlast_is()
{
	[ "$(jlast "$1" "$2" "$3")" = "$4" ]
}

check "wait node.health=HEALTHY once the first monitor passed" \
	"$OUR_CTDB" wait node.health=HEALTHY --timeout 30
check "wait node.runstate=RUNNING returns at once" \
	"$OUR_CTDB" wait node.runstate=RUNNING --timeout 5

"$OUR_CTDB" watch node.runstate node.health node.ips node.tunables \
	>"$B/w.out" 2>"$B/w.err" &
W=$!
H_BG_PIDS+=("$W")
check "watch prints the four current values at once" \
	wait_until 10 lines_ge "$B/w.out" 4
check "node.runstate is RUNNING" \
	jlast_is "$B/w.out" node.runstate 'v' RUNNING
check "node.health is HEALTHY without a reason" \
	jlast_is "$B/w.out" node.health 'v' "{'state': 'HEALTHY', 'reason': None}"
check "node.ips: this node (pnn 0) holds the IP" \
	jlast_is "$B/w.out" node.ips '[(i["address"], i["pnn"]) for i in v]' \
	"[('$NL_IP', 0)]"
check "node.tunables has MonitorInterval 1" \
	jlast_is "$B/w.out" node.tunables 'v["MonitorInterval"]' 1

# A monitor failure: UNHEALTHY with the reason, then the IP released.
echo "flag $$" >"$B/monitor.fail"
check "node.health becomes UNHEALTHY with the failing script as reason" \
	wait_until 15 jlast_is "$B/w.out" node.health 'v' \
	"{'state': 'UNHEALTHY', 'reason': '50.service failed (exit 1): service is down: flag $$'}"
check "node.ips: the IP is released (pnn -1)" \
	wait_until 15 jlast_is "$B/w.out" node.ips '[i["pnn"] for i in v]' "[-1]"
check "wait node.health=UNHEALTHY returns at once" \
	"$OUR_CTDB" wait node.health=UNHEALTHY --timeout 5
check "wait node.health!=HEALTHY returns at once" \
	"$OUR_CTDB" wait node.health!=HEALTHY --timeout 5
"$OUR_CTDB" wait node.health=HEALTHY --timeout 1 2>/dev/null
check "wait node.health=HEALTHY times out with 1" test $? -eq 1

# Another failure while UNHEALTHY: the reason follows, the health stays.
echo "flag2 $$" >"$B/monitor.fail"
check "node.health's reason follows a new failure, still UNHEALTHY" \
	wait_until 15 jlast_is "$B/w.out" node.health 'v' \
	"{'state': 'UNHEALTHY', 'reason': '50.service failed (exit 1): service is down: flag2 $$'}"

"$OUR_CTDB" setvar MonitorInterval 2 >/dev/null
check "node.tunables follows setvar" \
	wait_until 10 jlast_is "$B/w.out" node.tunables 'v["MonitorInterval"]' 2

# No key: both daemons, event keys included.
"$OUR_CTDB" watch >"$B/all.out" 2>"$B/all.err" &
A=$!
H_BG_PIDS+=("$A")
check "watch without a key gets the node keys" \
	wait_until 10 grep -q '"key":"node.health"' "$B/all.out"
check "watch without a key gets the event keys" \
	wait_until 10 grep -q '"key":"event.legacy.monitor"' "$B/all.out"

# wait returns on the change back.
"$OUR_CTDB" wait node.health=HEALTHY --timeout 60 &
WP=$!
H_BG_PIDS+=("$WP")
rm -f "$B/monitor.fail"
if check "wait node.health=HEALTHY returns after the recovery" \
	wait_until 30 eval "! h_alive $WP"; then
	wait "$WP"
	check "... with exit 0" test $? -eq 0
fi
check "event.legacy.monitor=OK after the recovery" \
	"$OUR_CTDB" wait event.legacy.monitor=OK --timeout 10

# node.health is the node's real state: STOPPED while stopped.
check "STOP" nl_ctl_is "$B" ok stop
check "node.health is STOPPED while the node is stopped" \
	wait_until 10 jlast_is "$B/w.out" node.health 'v' \
	"{'state': 'STOPPED', 'reason': None}"
check "wait node.health=STOPPED returns" \
	"$OUR_CTDB" wait node.health=STOPPED --timeout 5
check "CONTINUE" nl_ctl_is "$B" ok continue
check "node.health is HEALTHY again after continue" \
	"$OUR_CTDB" wait node.health=HEALTHY --timeout 10

check "an empty key gets EINVAL from the node daemon" \
	test "$(python3 "$CLIENT" notify-bad "$B/run/noded.socket" node)" = \
	"cmd=110 result=22"

# Many node watchers; status still answers in time, all get the change.
python3 "$CLIENT" many "$B/run/noded.socket" node $WATCHERS node.tunables \
	'"MonitorInterval":3' "$B/ready" 120 >"$B/many.out" 2>&1 &
MANY=$!
H_BG_PIDS+=("$MANY")
check "$WATCHERS node watchers started" wait_until 60 test -f "$B/ready"
worst=0
bad=0
for i in 1 2 3 4 5; do
	t0=$(h_now_us)
	"$OUR_CTDB" status >/dev/null || bad=$((bad + 1))
	t1=$(h_now_us)
	ms=$(((t1 - t0) / 1000))
	[ $ms -gt $worst ] && worst=$ms
done
"$OUR_CTDB" setvar MonitorInterval 3 >/dev/null
check "ctdb status answered within $STATUS_BOUND_MS ms beside $WATCHERS watchers (worst $worst ms)" \
	test $bad -eq 0 -a $worst -le $STATUS_BOUND_MS
if wait_until 60 eval "! h_alive $MANY"; then
	wait "$MANY"
	check "every node watcher got the change: $(cat "$B/many.out")" test $? -eq 0
else
	h_fail "the node watchers did not finish: $(cat "$B/many.out")"
fi

check "watch is still running" h_alive "$W"
nl_stop "$B"
if wait_until 10 eval "! h_alive $W"; then
	wait "$W"
	rc=$?
	check "watch exits 1 when the node daemon goes away" test $rc -eq 1
	check "... saying so" grep -q "node daemon at .* went away" "$B/w.err"
else
	h_fail "watch still runs after the node daemon left"
fi

h_finish
