#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ctdb --json against the real daemons: every command with and without
# --json, each JSON output parsed and matched against its text twin
# (json_twin.py), errors with nothing on stdout and the text's exit status.

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
TWIN="$abs_top_srcdir/tests/integration/json_twin.py"

B=$(nl_base j) || h_die "nl_base failed"

# Component jt: what each script does depends on the event.
add_script "$B" jt 01.ok.script <<'EOF'
echo "ok $1"
EOF
add_script "$B" jt 02.multi.script <<'EOF'
if [ "$1" = fail ]; then
	printf 'first line\nsecond line\n'
	exit 3
fi
printf 'one\ntwo\nthree\n'
EOF
add_script "$B" jt 03.off.script 644 <<'EOF'
echo "never runs"
EOF
add_script "$B" jt 04.bytes.script <<'EOF'
printf 'caf\303\251 \377 "quoted" \\ end\n'
EOF
add_script "$B" jt 05.hang.script <<'EOF'
if [ "$1" = hang ]; then
	echo $$ >>"$CTDB_BASE/script.pids"
	echo "sleeping"
	exec sleep 60
fi
EOF
add_script "$B" jt 06.quiet.script <<'EOF'
exit 0
EOF
mkdir -p "$B/share/events/jt"
printf '#!/bin/sh\necho installed\n' >"$B/share/events/jt/10.inst.script"
chmod 755 "$B/share/events/jt/10.inst.script"
# Component jc: a script killed by a signal, which CTDB calls CANNOT RUN.
add_script "$B" jc 01.killed.script <<'EOF'
echo "about to be killed"
kill -KILL $$
EOF

nl_start "$B"
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi
check "first monitor makes the node HEALTHY" \
	wait_until 20 nl_log_has "$B" 'node UNHEALTHY -> HEALTHY'

h_vg ctdb
run_ctdb()
{
	CTDB_TEST_MODE=yes CTDB_BASE="$B" "${H_VG[@]}" "$OUR_CTDB" "$@"
}

# run_pair ARGS...: ctdb ARGS, ctdb --json ARGS, then ctdb ARGS again;
# repeated (at most 5 times) until both text runs agree, so that a
# monitor run in between cannot make the twins differ. Outputs in
# $TESTDIR/{t,j}.{out,err}, exit statuses in TR and JR.
run_pair()
{
	local n

	for n in 1 2 3 4 5; do
		run_ctdb "$@" >"$TESTDIR/t.out" 2>"$TESTDIR/t.err"
		TR=$?
		run_ctdb --json "$@" >"$TESTDIR/j.out" 2>"$TESTDIR/j.err"
		JR=$?
		run_ctdb "$@" >"$TESTDIR/t2.out" 2>/dev/null
		cmp -s "$TESTDIR/t.out" "$TESTDIR/t2.out" && return 0
	done
	return 0
}

show_pair()
{
	local f

	for f in t.out t.err j.out j.err; do
		echo "--- $f"
		sed -e 's/^/    /' "$TESTDIR/$f"
	done
}

# twin KIND ARGS...: same exit status, and json_twin.py KIND matches.
twin()
{
	local kind=$1 name out
	shift
	name="ctdb --json $*"
	run_pair "$@"
	if [ "$TR" != "$JR" ]; then
		h_fail "$name: exits $JR, the text form $TR"
		show_pair
		return 1
	fi
	if ! out=$(python3 "$TWIN" "$kind" "$TESTDIR/t.out" "$TESTDIR/j.out"); then
		h_fail "$name: $out"
		show_pair
		return 1
	fi
	h_pass "$name matches its text twin (exit $TR)"
}

# twin_err ARGS...: an error: the text's non-zero exit status, nothing on
# stdout, and the text's messages (stdout and stderr) on stderr.
twin_err()
{
	local name="ctdb --json $* (error)"

	run_pair "$@"
	if [ "$TR" -eq 0 ] || [ "$TR" != "$JR" ]; then
		h_fail "$name: exits $JR, the text form $TR"
		show_pair
		return 1
	fi
	if [ -s "$TESTDIR/j.out" ]; then
		h_fail "$name: something on stdout"
		show_pair
		return 1
	fi
	if ! cmp -s <(cat "$TESTDIR/t.out" "$TESTDIR/t.err" | sort) \
		<(sort "$TESTDIR/j.err"); then
		h_fail "$name: stderr is not the text's messages"
		show_pair
		return 1
	fi
	h_pass "$name: exit $TR, stdout empty, messages on stderr"
}

# json_is ARGS... <<EXPECTED: ctdb --json ARGS prints exactly EXPECTED
# (one compact line) and exits 0.
json_is()
{
	local name="ctdb --json $*" rc

	cat >"$TESTDIR/want"
	run_ctdb --json "$@" >"$TESTDIR/j.out" 2>"$TESTDIR/j.err"
	rc=$?
	if [ $rc -ne 0 ] || ! cmp -s "$TESTDIR/want" "$TESTDIR/j.out"; then
		h_fail "$name: exit $rc, output differs (--- expected, +++ got)"
		diff -u "$TESTDIR/want" "$TESTDIR/j.out" | sed -e 's/^/    /'
		sed -e 's/^/    stderr: /' "$TESTDIR/j.err"
		return 1
	fi
	h_pass "$name"
}

# json_py ARGS... -- EXPR: ctdb --json ARGS parses and EXPR (python, the
# document is j) holds.
json_py()
{
	local args=() expr

	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	expr=$2
	run_ctdb --json "${args[@]}" >"$TESTDIR/j.out" 2>"$TESTDIR/j.err"
	if python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TESTDIR/j.out" "$expr"; then
		h_pass "ctdb --json ${args[*]}: $expr"
	else
		h_fail "ctdb --json ${args[*]}: $expr"
		sed -e 's/^/    /' "$TESTDIR/j.out" "$TESTDIR/j.err"
	fi
}

# ------------------------------------------------------------ node commands

twin status status
twin nodestatus nodestatus
twin nodestatus nodestatus all
twin nodestatus nodestatus 0
twin ip ip
twin ip ip all
twin runstate runstate
twin runstate runstate RUNNING
twin runstate runstate setup running
twin vars getvar MonitorInterval
twin vars getvar monitorinterval
twin vars listvars
json_py status -- 'j["pnn"] == 0 and j["runstate"] == "RUNNING" and j["health"] == {"state": "HEALTHY", "reason": None} and j["nodes"][0]["flags"] == 0 and j["leader"] == 0'
json_py ip -- 'j["ips"][0]["address"] == "'"$NL_IP"'" and j["ips"][0]["bits"] == 32 and j["ips"][0]["ifaces"] == ["lo"]'

twin_err runstate setup
twin_err runstate bogus
twin_err getvar NoSuchTunable
twin_err setvar MonitorInterval 5s
twin_err setvar NoSuchTunable 5
twin_err nodestatus 7
twin_err getvar
twin_err ip bogus
twin_err nosuchcommand
twin_err

json_is setvar MonitorInterval 2 <<'EOF'
{"MonitorInterval":2}
EOF
expect "setvar without --json prints nothing" \
	run_ctdb setvar MonitorInterval 1 <<'EOF'
EOF
json_is getvar MonitorInterval <<'EOF'
{"MonitorInterval":1}
EOF

# ----------------------------------------------------------- event commands

twin event-run event run 10 jt pass
twin event-status event status jt pass
json_py event status jt pass -- '[s["state"] for s in j["scripts"]] == ["OK", "OK", "DISABLED", "OK", "OK", "OK"] and j["scripts"][1]["output"].split("\n")[:3] == ["one", "two", "three"] and j["scripts"][5]["output"] is None and j["scripts"][3]["output"].startswith("caf\u00e9 \ufffd \"quoted\" \\ end")'

twin event-run event run 10 jt fail
check "run of a failing event: the message is on stderr under --json" \
	grep -qx 'Event fail in jt failed' "$TESTDIR/j.err"
twin event-status event status jt fail
json_py event status jt fail -- 'j["state"] == "ERROR" and j["result"] == 3 and j["scripts"][1]["state"] == "ERROR" and j["scripts"][1]["result"] == 3'

twin event-run event run 1 jt hang
twin event-status event status jt hang
json_py event status jt hang -- 'j["scripts"][4]["state"] == "TIMEDOUT" and j["scripts"][4]["error"] is not None and j["state"] == "TIMEDOUT"'

twin_err event status jc startup
run_ctdb event run 10 jc startup >/dev/null 2>&1
twin event-status event status jc startup
json_py event status jc startup -- 'j["scripts"][0]["state"] == "CANNOT RUN" and j["scripts"][0]["error"] == "Interrupted system call" and j["scripts"][0]["output"].startswith("about to be killed")'

twin event-status event status legacy monitor
json_py event status legacy monitor -- '[s["name"] for s in j["scripts"]] == ["01.record", "50.service"]'

twin_err event status jt neverrun
twin_err event status nosuch monitor
twin_err event run 10 nosuch monitor
twin_err event status jt
twin_err event script list nosuch
twin_err event script enable jt nosuch
twin_err event bogus

twin script-list event script list jt
json_is event script enable jt 10.inst <<'EOF'
{"component":"jt","script":"10.inst","enabled":true}
EOF
twin script-list event script list jt
json_py event script list jt -- 'j["scripts"][0] == {"name": "10.inst", "enabled": True, "installed": True} and {"name": "03.off", "enabled": False, "installed": False} in j["scripts"]'
json_is event script disable jt 10.inst <<'EOF'
{"component":"jt","script":"10.inst","enabled":false}
EOF
twin script-list event script list jt
json_is event script enable jt 03.off <<'EOF'
{"component":"jt","script":"03.off","enabled":true}
EOF
json_py event script list jt -- '{"name": "03.off", "enabled": True, "installed": False} in j["scripts"]'
run_ctdb event script disable jt 03.off

# ---------------------------------------------------------------- unhealthy

echo "disk full" >"$B/monitor.fail"
nodestatus_is()
{
	run_ctdb nodestatus >/dev/null 2>&1
	[ $? -eq "$1" ]
}
check "the node goes UNHEALTHY (nodestatus exits 2)" \
	wait_until 20 nodestatus_is 2
twin status status
twin nodestatus nodestatus
json_py status -- 'j["health"]["state"] == "UNHEALTHY" and "service is down: disk full" in j["health"]["reason"] and j["nodes"][0]["status"] == "UNHEALTHY" and j["nodes"][0]["flags"] == 2'
twin event-status event status legacy monitor
rm -f "$B/monitor.fail"
check "the node is HEALTHY again" wait_until 20 nodestatus_is 0

# ---------------------------------------------------------------- controls

json_is stop <<'EOF'
{"command":"stop","ok":true,"changed":true}
EOF
twin status status
twin nodestatus nodestatus
json_is stop <<'EOF'
{"command":"stop","ok":true,"changed":false}
EOF
json_is continue <<'EOF'
{"command":"continue","ok":true,"changed":true}
EOF
json_is continue <<'EOF'
{"command":"continue","ok":true,"changed":false}
EOF

# --------------------------------------------------------------- options

json_py -X status -- 'j["pnn"] == 0'
run_ctdb -j runstate >"$TESTDIR/j.out" 2>&1
check "-j is --json" grep -qx '{"runstate":"RUNNING"}' "$TESTDIR/j.out"
CTDB_TEST_MODE=yes CTDB_BASE="$B" "$OUR_EVENT" --json status jt pass \
	>"$TESTDIR/e.out" 2>&1
rc=$?
check "ctdb-event has no --json (exit $rc)" test $rc -ne 0
check "ctdb-event --json prints no JSON" eval "! grep -q '^{' '$TESTDIR/e.out'"

# ---------------------------------------------------------------- shutdown

json_is shutdown <<'EOF'
{"command":"shutdown","ok":true,"changed":true}
EOF
pid=$(cat "$B/noded.testpid")
check "the daemon exits after shutdown" daemon_wait_exit "$pid" 30
twin_err status
twin_err event status jt pass

h_finish
