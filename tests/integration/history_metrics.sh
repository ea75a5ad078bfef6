#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Event history and metrics: a flapping monitor run 20 times with
# "history length = 16" keeps exactly the last 16 runs, oldest first, with
# the right states, the same in text and JSON; history length 0 and 1 and
# bad values; Samba's daemon does not support history (no hang). `ctdb
# metrics` is checked by a strict OpenMetrics parser (openmetrics_check.py,
# itself shown to reject broken input) and its counters against the runs
# made: with ctdb-eventd alone, then with ctdb-noded (health transitions,
# IP moves, gauges).

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

OMCHECK="$abs_top_srcdir/tests/integration/openmetrics_check.py"

# om_check FILE: the strict parser accepts FILE.
om_check()
{
	python3 "$OMCHECK" "$1"
}

# om_broken NAME TEXT: queue TEXT (printf %b escapes) as an input the
# parser must refuse; om_verdicts then runs it once on all of them (a
# python start is slow on a loaded machine).
OM_N=0
om_broken()
{
	OM_N=$((OM_N + 1))
	printf '%b' "$2" >"$TESTDIR/broken.$OM_N.om"
	echo "$1" >"$TESTDIR/broken.$OM_N.name"
}

om_verdicts()
{
	local i verdict files=()

	for i in $(seq 1 $OM_N); do
		files+=("$TESTDIR/broken.$i.om")
	done
	python3 "$OMCHECK" --each "${files[@]}" >"$TESTDIR/verdicts"
	for i in $(seq 1 $OM_N); do
		verdict=$(grep -F "$TESTDIR/broken.$i.om: " "$TESTDIR/verdicts")
		verdict=${verdict#*: }
		case "$verdict" in
		invalid:*)
			h_pass "the parser rejects $(cat "$TESTDIR/broken.$i.name") (${verdict#invalid: })"
			;;
		*) h_fail "the parser accepts $(cat "$TESTDIR/broken.$i.name")" ;;
		esac
	done
}

# om_dump FILE: the parser's --dump of FILE into FILE.dump.
om_dump()
{
	python3 "$OMCHECK" --dump "$1" >"$1.dump"
}

# om_sum FILE SAMPLE-REGEX: the sum of the values of matching samples in
# FILE.dump (sorted labels, escaped as in the format).
om_sum()
{
	grep -E -- "$2" "$1.dump" | awk '{ s += $NF } END { printf "%d\n", s }'
}

# metrics BASE OUT: `ctdb metrics` on BASE; stdout to OUT, stderr to
# OUT.err; prints the exit status.
metrics()
{
	CTDB_TEST_MODE=yes CTDB_BASE="$1" timeout 30 "$OUR_CTDB" metrics \
		>"$2" 2>"$2.err"
	echo $?
}

# ------------------------------------------------------ the parser itself

om_broken "a missing # EOF" '# TYPE a counter\na_total 1\n'
om_broken "two # EOF" '# TYPE a gauge\na 1\n# EOF\n# EOF\n'
om_broken "a counter sample without _total" '# TYPE a counter\na 1\n# EOF\n'
om_broken "a negative counter" '# TYPE a counter\na_total -1\n# EOF\n'
om_broken "an unknown escape" '# TYPE a gauge\na{x="\\t"} 1\n# EOF\n'
om_broken "a raw quote in a label value" '# TYPE a gauge\na{x="a"b"} 1\n# EOF\n'
om_broken "a duplicate series" '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n# EOF\n'
om_broken "a repeated label" '# TYPE a gauge\na{x="1",x="2"} 1\n# EOF\n'
om_broken "a bad label name" '# TYPE a gauge\na{1x="v"} 1\n# EOF\n'
om_broken "a bad metric name" '# TYPE 1a gauge\n1a 1\n# EOF\n'
om_broken "decreasing le" '# TYPE h histogram\nh_bucket{le="1.0"} 1\nh_bucket{le="0.5"} 1\nh_bucket{le="+Inf"} 1\nh_count 1\n# EOF\n'
om_broken "buckets not ending in +Inf" '# TYPE h histogram\nh_bucket{le="1.0"} 1\nh_count 1\n# EOF\n'
om_broken "non-cumulative buckets" '# TYPE h histogram\nh_bucket{le="1.0"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n# EOF\n'
om_broken "a _count not equal to +Inf" '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n# EOF\n'
om_broken "a family split in two" '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n# EOF\n'
om_broken "a unit the name lacks" '# TYPE x_bytes gauge\n# UNIT x_bytes seconds\nx_bytes 1\n# EOF\n'
om_broken "a free comment" '# hello\n# EOF\n'
om_broken "an empty line" '# TYPE a gauge\n\na 1\n# EOF\n'
om_broken "two spaces" '# TYPE a gauge\na  1\n# EOF\n'
om_broken "a word as value" '# TYPE a gauge\na one\n# EOF\n'
om_broken "text after # EOF" '# TYPE a gauge\na 1\n# EOF\na 2\n'
om_verdicts

printf '%s\n' '# TYPE a counter' '# HELP a Some \\ help\n more' \
	'a_total{x="q\"\\\n"} 3' '# TYPE h_seconds histogram' \
	'# UNIT h_seconds seconds' 'h_seconds_bucket{le="0.5"} 1' \
	'h_seconds_bucket{le="+Inf"} 2' 'h_seconds_count 2' \
	'h_seconds_sum 3.5' '# EOF' >"$TESTDIR/good.om"
check "the parser accepts a valid exposition with escapes" \
	om_check "$TESTDIR/good.om"

# --------------------------------------------------- history: 20 runs, 16 kept

B=$(setup_base hist) || h_die "setup_base failed"
conf_add "$B" "[event]" "	history length = 16"
# Run n (counted in a file) fails when n is a multiple of 3.
add_script "$B" legacy 01.flap.script <<'EOF'
[ "$1" = monitor ] || exit 0
n=$(cat "$CTDB_BASE/runs" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$CTDB_BASE/runs"
if [ $((n % 3)) -eq 0 ]; then
	echo
	echo "flap $n is down"
	echo "second line"
	exit 3
fi
echo "flap $n ok"
EOF
add_script "$B" legacy 02.ok.script <<'EOF'
exit 0
EOF
daemon_start ours "$B" || h_die "ctdb-eventd did not start"

for i in $(seq 1 20); do
	run_tool ctdb "$B" run 30 legacy monitor >/dev/null 2>&1
done
check "the flapping script ran 20 times" [ "$(cat "$B/runs")" = 20 ]

# The expected text, times filtered: runs 5 to 20.
for n in $(seq 5 20); do
	if [ $((n % 3)) -eq 0 ]; then
		echo "#$n BEGIN DUR ERROR 01.flap exit 3: flap $n is down"
	else
		echo "#$n BEGIN DUR OK"
	fi
done >"$TESTDIR/history.expected"

hist_filter()
{
	sed -E 's/^(#[0-9]+) [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z [0-9]+\.[0-9]{3} /\1 BEGIN DUR /'
}

run_tool ctdb "$B" history legacy monitor >"$TESTDIR/history.txt" 2>&1
echo "rc=$?" >>"$TESTDIR/history.txt"
echo "rc=0" >>"$TESTDIR/history.expected"
hist_filter <"$TESTDIR/history.txt" >"$TESTDIR/history.filtered"
check_output "ctdb event history: exactly the last 16 runs, oldest first" \
	"$TESTDIR/history.expected" "$TESTDIR/history.filtered"

run_tool ours "$B" history legacy monitor >"$TESTDIR/history.ours" 2>&1
echo "rc=$?" >>"$TESTDIR/history.ours"
check_output "ctdb-event history prints the same" \
	"$TESTDIR/history.txt" "$TESTDIR/history.ours"

CTDB_TEST_MODE=yes CTDB_BASE="$B" "$OUR_CTDB" --json event history legacy monitor \
	>"$TESTDIR/history.json"
check "ctdb --json event history exits 0" [ $? -eq 0 ]

# Text and JSON agree: the text is rebuilt from the JSON, field by field,
# and the JSON runs are ctdb_event_status_json() plus "seq".
python3 - "$TESTDIR/history.json" "$TESTDIR/history.txt" \
	>"$TESTDIR/agree.out" 2>&1 <<'EOF'
import json, sys

runs = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()[:-1]
assert isinstance(runs, list) and len(runs) == 16, len(runs)
assert [r["seq"] for r in runs] == list(range(5, 21))
for r, line in zip(runs, text):
    assert set(r) == {"component", "event", "result", "state", "scripts",
                      "seq"}, sorted(r)
    assert r["component"] == "legacy" and r["event"] == "monitor"
    failed = r["seq"] % 3 == 0
    assert r["state"] == ("ERROR" if failed else "OK"), r
    assert r["result"] == (3 if failed else 0), r
    names = [s["name"] for s in r["scripts"]]
    assert names == (["01.flap"] if failed else ["01.flap", "02.ok"]), names
    dur = sum(s["duration"] for s in r["scripts"])
    want = "#%d %s %.3f %s" % (r["seq"], r["scripts"][0]["begin"], dur,
                               r["state"])
    if failed:
        s = r["scripts"][0]
        assert s["output"] == "\nflap %d is down\nsecond line\n" % r["seq"]
        want += " 01.flap exit 3: flap %d is down" % r["seq"]
    assert line == want, (line, want)
print("agree")
EOF
check "text and JSON agree (16 runs, states, begin, duration, reason)" \
	grep -qx agree "$TESTDIR/agree.out" || cat "$TESTDIR/agree.out"

expect "history of an event never run" tool_all ctdb "$B" history legacy startup <<'EOF'
Event startup has never run in legacy
rc=22
EOF
expect "history of an unknown component" tool_all ctdb "$B" history nosuch monitor <<'EOF'
Event dir for nosuch does not exist
rc=2
EOF
expect "history with a missing argument" tool_all ctdb "$B" history legacy <<'EOF'
Usage: ctdb-event [-h] [-h|--help]
        [-d|--debug=ERROR|WARNING|NOTICE|INFO|DEBUG] <command> [<args>]

  history <component> <event>     Show the last runs of an event
rc=1
EOF
check "ctdb-event's CTDB usage text does not list history" \
	eval '! run_tool ours "$B" -h 2>&1 | grep -q history'

# An event name that needs escaping in a label value.
run_tool ctdb "$B" run 30 legacy 'odd"ev\nt' >/dev/null 2>&1

# A monitor cancelled by another event is counted apart.
add_script "$B" canc 01.slow.script <<EOF
$H_RECORD
if [ "\$1" = monitor ]; then
	touch "\$CTDB_BASE/canc.started"
	sleep 30
fi
exit 0
EOF
run_tool_bg "$TESTDIR/canc.out" ctdb "$B" run 60 canc monitor
check "a slow monitor started" wait_until 10 test -e "$B/canc.started"
run_tool ctdb "$B" run 30 canc startup >/dev/null 2>&1
check "another event cancelled it" \
	wait_until 10 grep -q "^Event monitor in canc got cancelled" "$TESTDIR/canc.out"

# ------------------------------------------------ metrics: ctdb-eventd alone

rc=$(metrics "$B" "$TESTDIR/m1.om")
check "ctdb metrics with only ctdb-eventd exits 0" [ "$rc" = 0 ]
check "ctdb metrics says ctdb-noded is not running" \
	grep -qx "metrics: ctdb-noded: not running" "$TESTDIR/m1.om.err"
if ! check "ctdb metrics (eventd) passes the strict parser" \
	om_dump "$TESTDIR/m1.om"; then
	om_check "$TESTDIR/m1.om"
	sed -e 's/^/    /' "$TESTDIR/m1.om"
fi
check "ctdb_events_total for legacy monitor sums to 20" \
	[ "$(om_sum "$TESTDIR/m1.om" '^ctdb_events_total\{component="legacy",event="monitor",')" = 20 ]
check "... 6 of them error" \
	[ "$(om_sum "$TESTDIR/m1.om" '^ctdb_events_total\{component="legacy",event="monitor",result="error"\}')" = 6 ]
check "... 14 of them ok" \
	[ "$(om_sum "$TESTDIR/m1.om" '^ctdb_events_total\{component="legacy",event="monitor",result="ok"\}')" = 14 ]
check "01.flap's duration was observed 20 times" \
	[ "$(om_sum "$TESTDIR/m1.om" '^ctdb_script_duration_seconds_count\{component="legacy",event="monitor",script="01.flap"\}')" = 20 ]
check "02.ok's 14 times (it does not run after a failure)" \
	[ "$(om_sum "$TESTDIR/m1.om" '^ctdb_script_duration_seconds_bucket\{component="legacy",event="monitor",le="[+]Inf",script="02.ok"\}')" = 14 ]
check "the odd event name is escaped in its label" \
	grep -qF 'ctdb_events_total{component="legacy",event="odd\"ev\\nt",result="ok"} 1' "$TESTDIR/m1.om"
check "the cancelled monitor is counted" \
	grep -qx 'ctdb_monitor_cancellations_total{component="canc"} 1' "$TESTDIR/m1.om"
check "... and not as a run; the startup that cancelled it is" \
	[ "$(om_sum "$TESTDIR/m1.om" '^ctdb_events_total\{component="canc",')" = 1 ] &&
	grep -qx 'ctdb_events_total{component="canc",event="startup",result="ok"} 1' "$TESTDIR/m1.om"
check "ctdb_eventd_start_time_seconds is a recent time" \
	[ "$(om_sum "$TESTDIR/m1.om" '^ctdb_eventd_start_time_seconds ')" -gt $(($(date +%s) - 3600)) ]
check "# EOF is the last line" [ "$(tail -n 1 "$TESTDIR/m1.om")" = "# EOF" ]

# ------------------------------------------------------- history length 0, 1

for len in 0 1; do
	Bl=$(setup_base "len$len") || h_die "setup_base failed"
	conf_add "$Bl" "[event]" "	history length = $len"
	add_script "$Bl" legacy 01.n.script <<'EOF'
n=$(cat "$CTDB_BASE/runs" 2>/dev/null || echo 0)
echo $((n + 1)) >"$CTDB_BASE/runs"
EOF
	daemon_start ours "$Bl" || h_die "ctdb-eventd did not start"
	for i in 1 2 3; do
		run_tool ctdb "$Bl" run 30 legacy monitor >/dev/null 2>&1
	done
	run_tool ctdb "$Bl" history legacy monitor | hist_filter \
		>"$TESTDIR/len$len.txt"
	echo "#3 BEGIN DUR OK" >"$TESTDIR/len$len.expected"
	check_output "history length = $len keeps the last run only" \
		"$TESTDIR/len$len.expected" "$TESTDIR/len$len.txt"
	daemon_stop "$Bl"
done

# ------------------------------------------------------------- bad values

for bad in 1025 -1 abc ''; do
	Bb=$(setup_base "bad$RANDOM") || h_die "setup_base failed"
	conf_add "$Bb" "[event]" "	history length = $bad"
	if daemon_start ours "$Bb"; then
		h_fail "history length = '$bad' was accepted"
		continue
	fi
	check "history length = '$bad' is refused naming file, key and value" \
		grep -q "ctdb-eventd: $Bb/ctdb.conf:5: invalid history length '$bad' (expected runs kept per event, 0 to 1024)" "$Bb/daemon.stderr" ||
		cat "$Bb/daemon.stderr"
done

daemon_stop "$B"

# ----------------------------------------------------- Samba's ctdb-eventd

if [ -x "$SAMBA_EVENTD" ] && [ -x "$SAMBA_EVENT" ]; then
	Bs=$(setup_base samba) || h_die "setup_base failed"
	add_script "$Bs" legacy 01.ok.script <<'EOF'
exit 0
EOF
	if daemon_start samba "$Bs"; then
		run_tool ctdb "$Bs" run 30 legacy monitor >/dev/null 2>&1
		CTDB_TEST_MODE=yes CTDB_BASE="$Bs" timeout 20 "$OUR_CTDB" \
			event history legacy monitor >"$TESTDIR/s.out" 2>&1
		rc=$?
		check "history against Samba's daemon fails without hanging" \
			[ $rc -ne 0 ] && [ $rc -ne 124 ]
		check "... saying it is not supported" \
			grep -qx "history: not supported by this daemon" "$TESTDIR/s.out"
		rc=$(metrics "$Bs" "$TESTDIR/s.om")
		check "ctdb metrics with only Samba's daemon exits 1, no hang" \
			[ "$rc" = 1 ]
		check "... naming why for each daemon" \
			diff - "$TESTDIR/s.om.err" <<'EOF'
metrics: ctdb-eventd: not supported by this daemon
metrics: ctdb-noded: not running
metrics: no daemon answered
EOF
		check "... and printing nothing on stdout" [ ! -s "$TESTDIR/s.om" ]
		daemon_stop "$Bs"
	else
		h_fail "Samba's ctdb-eventd did not start"
	fi
else
	h_skip_step "against Samba's ctdb-eventd: $SAMBA_EVENTD not installed"
fi

# ----------------------------------------------- metrics with ctdb-noded

N=$(nl_base node NoIPHostOnAllDisabled=1) || h_die "nl_base failed"
nl_start "$N"
if ! nl_wait_running "$N"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$N"
	h_finish
fi
check "healthy, the IP taken" wait_until 30 nl_ctl_is "$N" "$NL_IP/32 lo 0" ips
echo "down $$" >"$N/monitor.fail"
check "a monitor failure makes the node UNHEALTHY" \
	wait_until 15 nl_log_has "$N" 'node HEALTHY -> UNHEALTHY'
check "the IP is released" wait_until 15 nl_ctl_is "$N" "$NL_IP/32 lo -1" ips
rm -f "$N/monitor.fail"
check "HEALTHY again" \
	wait_until 20 eval '[ "$(grep -c "node UNHEALTHY -> HEALTHY" "$N/log.ctdb")" -ge 2 ]'
check "the IP is taken again" wait_until 15 nl_ctl_is "$N" "$NL_IP/32 lo 0" ips

rc=$(metrics "$N" "$TESTDIR/m2.om")
check "ctdb metrics with both daemons exits 0, nothing on stderr" \
	[ "$rc" = 0 ] && [ ! -s "$TESTDIR/m2.om.err" ]
if ! check "ctdb metrics (both) passes the strict parser" \
	om_dump "$TESTDIR/m2.om"; then
	om_check "$TESTDIR/m2.om"
	sed -e 's/^/    /' "$TESTDIR/m2.om"
fi
check "the event daemon's families come first" \
	[ "$(grep -m1 -n '^# TYPE ctdb_events ' "$TESTDIR/m2.om" | cut -d: -f1)" -lt \
	  "$(grep -m1 -n '^# TYPE ctdb_health_transitions ' "$TESTDIR/m2.om" | cut -d: -f1)" ]
check "2 transitions to healthy (start-up, recovery)" \
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_health_transitions_total\{to="healthy"\}')" = 2 ]
check "1 transition to unhealthy" \
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_health_transitions_total\{to="unhealthy"\}')" = 1 ]
check "2 takeip moves" \
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_ip_moves_total\{action="takeip"\}')" = 2 ]
check "1 releaseip move" \
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_ip_moves_total\{action="releaseip"\}')" = 1 ]
check "ctdb_node_healthy 1" grep -qx 'ctdb_node_healthy 1' "$TESTDIR/m2.om"
check "ctdb_public_ips_hosted 1" grep -qx 'ctdb_public_ips_hosted 1' "$TESTDIR/m2.om"
check "ctdb_runstate RUNNING 1, the others 0" \
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_runstate\{runstate="RUNNING"\} ')" = 1 ] &&
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_runstate\{')" = 1 ]
# The cluster's gauges: the local backend is one quorate node, taking part.
check "ctdb_cluster_nodes: 1 ok, 0 unhealthy" \
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_cluster_nodes\{state="ok"\} ')" = 1 ] &&
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_cluster_nodes\{state="unhealthy"\} ')" = 0 ]
check "ctdb_cluster_node_flags of pnn 0 is 0 (OK)" \
	grep -qxE 'ctdb_cluster_node_flags\{pnn="0",address="[^"]+"\} 0' "$TESTDIR/m2.om"
check "ctdb_cluster_quorate 1, ctdb_cluster_taking_part 1" \
	grep -qx 'ctdb_cluster_quorate 1' "$TESTDIR/m2.om" &&
	grep -qx 'ctdb_cluster_taking_part 1' "$TESTDIR/m2.om"
check "the node's events are counted by the event daemon" \
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_events_total\{component="legacy",event="takeip",result="ok"\}')" = 2 ]
check "failed monitors are counted as errors" \
	[ "$(om_sum "$TESTDIR/m2.om" '^ctdb_events_total\{component="legacy",event="monitor",result="error"\}')" -ge 1 ]
nl_stop "$N"

# node_exporter's textfile collector, where installed, reads the file.
# It parses the older Prometheus text format: the histograms and gauges
# keep their types, the counters' samples become untyped.
NE=$(command -v prometheus-node-exporter || command -v node_exporter)
ne_scrape()
{
	python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
		"http://127.0.0.1:$1/metrics" >"$TESTDIR/scrape.txt" 2>/dev/null
}
if [ -n "$NE" ]; then
	mkdir "$TESTDIR/textfile"
	cp "$TESTDIR/m2.om" "$TESTDIR/textfile/ctdb.prom"
	port=$((20000 + $$ % 20000))
	"$NE" --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$TESTDIR/textfile" \
		--web.listen-address="127.0.0.1:$port" >"$TESTDIR/ne.log" 2>&1 &
	ne_pid=$!
	H_DAEMON_PIDS+=("$ne_pid")
	if check "node_exporter serves the textfile" \
		wait_until 15 ne_scrape "$port"; then
		check "... without a scrape error" \
			grep -qx 'node_textfile_scrape_error 0' "$TESTDIR/scrape.txt"
		check "... with the metrics of both daemons" \
			grep -q '^ctdb_events_total{component="legacy",event="takeip",result="ok"} 2$' "$TESTDIR/scrape.txt" &&
			grep -q '^ctdb_script_duration_seconds_bucket{' "$TESTDIR/scrape.txt" &&
			grep -qx 'ctdb_health_transitions_total{to="unhealthy"} 1' "$TESTDIR/scrape.txt" &&
			grep -qx 'ctdb_node_healthy 1' "$TESTDIR/scrape.txt"
	else
		sed -e 's/^/    /' "$TESTDIR/ne.log"
	fi
	kill "$ne_pid" 2>/dev/null
	wait "$ne_pid" 2>/dev/null
else
	h_skip_step "node_exporter's textfile collector: node_exporter not installed"
fi

h_finish
