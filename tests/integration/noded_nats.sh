#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The event bus end to end: ctdb-noded and the ctdb-eventd it starts
# publish to a real nats-server (Debian's, on a loopback port derived from
# $$); a raw-protocol subscriber on ctdb.<node>.> sees a monitor failure,
# the health transition with its reason and the IP release. The server is
# then stopped: the daemons keep serving and monitoring, log it once, and
# after a restart new events arrive. Prints the figures it bounds.

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
PATH=$PATH:/usr/sbin
NATS_SERVER=$(command -v nats-server) || h_skip "nats-server not installed"

NODE="n$$"
SUB_OUT="$TESTDIR/sub.jsonl"

# ------------------------------------------------------------ helpers

port_open()
{
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_closed()
{
	! port_open "$1"
}

# A free port derived from $$.
PORT=
for i in $(seq 0 49); do
	p=$((20000 + ($$ + i * 97) % 20000))
	if port_closed "$p"; then
		PORT=$p
		break
	fi
done
[ -n "$PORT" ] || h_skip "no free port"
URL="nats://127.0.0.1:$PORT"

ns_start()
{
	"$NATS_SERVER" -a 127.0.0.1 -p "$PORT" >>"$TESTDIR/nats-server.log" 2>&1 &
	NS_PID=$!
	H_DAEMON_PIDS+=("$NS_PID")
	wait_until 10 port_open "$PORT"
}

ns_stop()
{
	kill -TERM "$NS_PID" 2>/dev/null
	daemon_wait_exit "$NS_PID" 10 && wait_until 10 port_closed "$PORT"
}

# sub_has SUBJECT PYTHON-EXPRESSION [N]: at least N (default 1) messages
# on SUBJECT whose payload p (parsed JSON) makes the expression true.
sub_has()
{
	python3 - "$SUB_OUT" "$1" "$2" "${3:-1}" <<'EOF'
import json, sys
path, subject, expr, want = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
n = 0
try:
    lines = open(path).read().splitlines()
except OSError:
    lines = []
for line in lines:
    m = json.loads(line)
    if m.get("subject") != subject:
        continue
    p = json.loads(m["data"])
    if eval(expr, {"p": p}):
        n += 1
sys.exit(0 if n >= want else 1)
EOF
}

# sub_count SUBJECT EXPRESSION: how many such messages.
sub_count()
{
	local n=0
	while sub_has "$1" "$2" $((n + 1)); do
		n=$((n + 1))
	done
	echo "$n"
}

sub_ready()
{
	local n
	n=$(grep -c '"ready"' "$SUB_OUT" 2>/dev/null)
	[ "${n:-0}" -ge "$1" ]
}

log_count()
{
	local n
	n=$(grep -E -c -- "$1" "$B/log.ctdb" 2>/dev/null)
	echo "${n:-0}"
}

log_count_ge()
{
	[ "$(log_count "$1")" -ge "$2" ]
}

show_sub()
{
	echo "--- subscriber"
	sed -e 's/^/    /' "$SUB_OUT" 2>/dev/null | tail -20
}

# ------------------------------------------------ configuration errors

C=$(nl_base conf) || h_die "nl_base failed"
conf_add "$C" "[events]" "	nats url = http://x:1"
out=$(CTDB_TEST_MODE=yes CTDB_BASE="$C" "$NODED" --check 2>&1)
check "a bad nats url is refused, naming file, line, key and value" \
	test "$out" = "$C/ctdb.conf:5: invalid nats url 'http://x:1': unsupported scheme (expected nats:// or tls://)"
sed -i -e 's|nats url = .*|nats url = nats://127.0.0.1:1|' "$C/ctdb.conf"
conf_add "$C" "	node name = a.b"
out=$(CTDB_TEST_MODE=yes CTDB_BASE="$C" "$NODED" --check 2>&1)
case "$out" in
*"built without NATS support"*) h_skip "ctdb-noded built without NATS support" ;;
esac
check "a bad node name is refused" \
	test "$out" = "$C/ctdb.conf:6: invalid node name 'a.b' (expected one NATS subject token: not empty, no '.', '*', '>' or white space)"

# ------------------------------------------------ delivery

check "nats-server started on port $PORT" ns_start
python3 "$abs_top_srcdir/tests/integration/nats_sub.py" 127.0.0.1 "$PORT" \
	"ctdb.$NODE.>" "$SUB_OUT" &
H_BG_PIDS+=("$!")
check "subscriber on ctdb.$NODE.> ready" wait_until 10 sub_ready 1

B=$(nl_base n NoIPHostOnAllDisabled=1) || h_die "nl_base failed"
conf_add "$B" "[events]" "	nats url = $URL" "	node name = $NODE"
nl_start "$B"
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi
S="ctdb.$NODE"

check "runstate RUNNING published" \
	wait_until 10 sub_has "$S.runstate" 'p["value"] == "RUNNING"'
check "the start-up state was published (runstate before RUNNING)" \
	sub_has "$S.runstate" 'p["value"] != "RUNNING"'
check "tunables published" \
	wait_until 10 sub_has "$S.tunables" 'p["value"]["MonitorInterval"] == 1'
check "HEALTHY published" \
	wait_until 20 sub_has "$S.health" 'p["value"]["state"] == "HEALTHY"'
check "the IP held by pnn 0 published" \
	wait_until 10 sub_has "$S.ips" "[i['pnn'] for i in p['value'] if i['address'] == '$NL_IP'] == [0]"
check "a good monitor published by ctdb-eventd" \
	wait_until 10 sub_has "$S.event.legacy.monitor" 'p["value"]["state"] == "OK"'
check "payload fields: node, key, value, RFC 3339 time" \
	sub_has "$S.health" "sorted(p) == ['key', 'node', 'time', 'value'] and p['node'] == '$NODE' and p['key'] == 'node.health' and __import__('re').fullmatch(r'\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z', p['time']) is not None"

# ------------------------------------------------ a monitor failure

echo "flag $$" >"$B/monitor.fail"
check "the failed monitor: event.legacy.monitor ERROR, 50.service ERROR" \
	wait_until 10 sub_has "$S.event.legacy.monitor" \
	"p['key'] == 'event.legacy.monitor' and p['value']['state'] == 'ERROR' and [s['state'] for s in p['value']['scripts'] if s['name'] == '50.service'] == ['ERROR']"
check "UNHEALTHY published with its reason" \
	wait_until 10 sub_has "$S.health" \
	"p['value'] == {'state': 'UNHEALTHY', 'reason': '50.service failed (exit 1): service is down: flag $$'}"
check "the IP release published (pnn -1)" \
	wait_until 10 sub_has "$S.ips" "[i['pnn'] for i in p['value'] if i['address'] == '$NL_IP'] == [-1]"
check "the daemon released it" \
	wait_until 10 nl_count_ge "$B" "^releaseip lo $NL_IP 32\$" 1
[ $H_FAILED -eq 0 ] || { show_sub; nl_show "$B"; }

# status_times N: the slowest of N `ctdb status` requests, 0.5 s apart,
# in ms (each must succeed).
status_times()
{
	local i t t0 worst=0
	for i in $(seq "$1"); do
		t0=$(nl_now_ms)
		h_vg ctdb
		env CTDB_TEST_MODE=yes CTDB_BASE="$B" "${H_VG[@]}" "$OUR_CTDB" \
			status >"$TESTDIR/status.out" 2>&1 ||
			h_fail "ctdb status $i failed: $(cat "$TESTDIR/status.out")"
		t=$(($(nl_now_ms) - t0))
		[ $t -gt $worst ] && worst=$t
		sleep 0.5
	done
	echo "$worst"
}
up=$(status_times 6)
echo "server up: slowest of 6 ctdb status $up ms"

# ------------------------------------------------ the server goes away

check "nats-server stopped" ns_stop
for d in ctdb-noded ctdb-eventd; do
	check "$d logs the server unreachable" \
		wait_until 10 log_count_ge "$d\\[[0-9]+\\]: event bus: $URL unreachable \\(" 1
done
m=$(log_count 'ctdb-noded\[[0-9]+\]: Event monitor finished')
worst=$(status_times 6)
echo "server down: slowest of 6 ctdb status $worst ms"
# Generous: the machine running the tests may be loaded.
check "ctdb status answers within $((5000 * H_SCALE)) ms while the server is down" \
	test $worst -lt $((5000 * H_SCALE))
check "monitor results keep coming (daemon log) while the server is down" \
	wait_until 10 log_count_ge 'ctdb-noded\[[0-9]+\]: Event monitor finished' $((m + 3))
rm -f "$B/monitor.fail"
check "health changes go on while the server is down" \
	wait_until 15 nl_log_has "$B" 'node UNHEALTHY -> HEALTHY'

# ------------------------------------------------ back again

check "nats-server restarted on port $PORT" ns_start
for d in ctdb-noded ctdb-eventd; do
	check "$d logs the reconnection" \
		wait_until 15 log_count_ge "$d\\[[0-9]+\\]: event bus: connected to " 2
done
check "subscriber back" wait_until 10 sub_ready 2
n=$(sub_count "$S.health" "p['value']['state'] == 'UNHEALTHY'")
e=$(sub_count "$S.event.legacy.monitor" "p['value']['state'] == 'ERROR'")
echo "flag2 $$" >"$B/monitor.fail"
check "new events arrive after the restart: UNHEALTHY again" \
	wait_until 15 sub_has "$S.health" \
	"p['value']['state'] == 'UNHEALTHY' and 'flag2 $$' in p['value']['reason']"
check "and the failed monitor" \
	wait_until 10 sub_has "$S.event.legacy.monitor" "p['value']['state'] == 'ERROR'" $((e + 1))
for d in ctdb-noded ctdb-eventd; do
	check "$d logged the unreachable server exactly once" \
		test "$(log_count "$d\\[[0-9]+\\]: event bus: .* unreachable")" -eq 1
done

# ------------------------------------------------ exit with no server

check "nats-server stopped again" ns_stop
t0=$(nl_now_ms)
check "ctdb-noded stops with the server gone" nl_stop "$B"
t=$(($(nl_now_ms) - t0))
echo "shutdown with the server gone: $t ms"
check "exit status 0" test "${DAEMON_RC:-x}" = 0
check "shutdown within $((10000 * H_SCALE)) ms" test $t -lt $((10000 * H_SCALE))
[ $H_FAILED -eq 0 ] || { show_sub; nl_show "$B"; }
h_finish
