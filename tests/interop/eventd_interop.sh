#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The same fixtures through four tool/daemon pairs: ours/ours, Samba's tool
# against our daemon, our tool against Samba's daemon, and Samba/Samba.
#
# The rule: a mixed pair prints exactly what the pure pair of the same tool
# prints (stdout and exit code; durations, dates and pids filtered):
#   samba-tool/ours-daemon == samba-tool/samba-daemon
#   ours-tool/samba-daemon == ours-tool/ours-daemon
# The pure pairs themselves are checked against the expected text below:
# Samba's tool against what the installed 4.17 prints, our tool against the
# newest Samba formats (design.md: 4.19+ OUTPUT block). Where the two
# differ, both texts are given and a comment says so.
#
# What differs between the daemons by design is kept out of the fixtures:
# timeout 0 (4.17: immediate timeout; ours: no limit), the fate of a hung
# script after its timeout (4.17 leaves it running; ours kills its process
# group; checked in tests/integration/eventd_timeout.sh), dangling links
# (4.22+ DISABLED), NN.name scripts without ".script", and disconnects
# mid-RUN. Timeouts here are > 0.
#
# Exit 77 only if Samba's ctdb-eventd is not installed.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

[ -x "$SAMBA_EVENTD" ] || h_skip "$SAMBA_EVENTD not installed"
[ -x "$SAMBA_EVENT" ] || h_skip "$SAMBA_EVENT not installed"

h_init

# ------------------------------------------------------------------ fixtures

make_fixtures()
{
	local b=$1

	# Our daemon's kill grace after a timeout; Samba ignores unknown keys.
	conf_add "$b" "[event]" "	kill grace period = 1"

	# Only successful scripts, one with output, one without.
	add_script "$b" okc 01.first.script <<'EOF'
echo "first ok"
exit 0
EOF
	add_script "$b" okc 02.second.script <<'EOF'
exit 0
EOF

	# OK with output, disabled, failing (stdout and stderr), and a script
	# after the failing one that a run without RUN_ALL never reaches.
	add_script "$b" legacy 01.ok.script <<'EOF'
echo "ok output"
exit 0
EOF
	add_script "$b" legacy 02.disabled.script 644 <<'EOF'
echo "disabled ran"
exit 1
EOF
	add_script "$b" legacy 03.fail.script <<'EOF'
if [ "$1" = monitor ]; then
	echo "stdout line"
	echo "stderr line" >&2
	exit 1
fi
echo "args: $*"
exit 0
EOF
	add_script "$b" legacy 04.after.script <<'EOF'
echo "after"
exit 0
EOF

	# Several lines, with a blank one in between.
	add_script "$b" multi 01.multi.script <<'EOF'
printf 'line 1\nline 2\n\nline 4\n'
exit 3
EOF

	# Times out (run 2) while sleeping.
	add_script "$b" slow 01.sleep.script <<EOF
$H_RECORD
echo "sleeping"
sleep 10
EOF

	# Times out and ignores SIGTERM (sleep inherits the ignored signal).
	add_script "$b" hang 01.hang.script <<EOF
$H_RECORD
trap '' TERM
echo "hanging"
sleep 10
echo "survived"
EOF

	# Disabled scripts only, and one enabled.
	add_script "$b" dis 01.off.script 644 <<'EOF'
exit 1
EOF
	add_script "$b" dis 02.on.script <<'EOF'
exit 0
EOF

	add_component "$b" empty

	# monitor: waits until cancelled (or conc.monrelease). startup: waits
	# for conc.release while conc.hold exists.
	add_script "$b" conc 01.conc.script <<EOF
$H_RECORD
case "\$1" in
monitor)
	touch "\$CTDB_BASE/conc.monitor.started"
	i=0
	while [ ! -e "\$CTDB_BASE/conc.monrelease" ] && [ \$i -lt 2400 ]; do
		sleep 0.05
		i=\$((i + 1))
	done
	echo "monitor finished"
	;;
startup)
	if [ -e "\$CTDB_BASE/conc.hold" ]; then
		touch "\$CTDB_BASE/conc.startup.started"
		i=0
		while [ ! -e "\$CTDB_BASE/conc.release" ] && [ \$i -lt 2400 ]; do
			sleep 0.05
			i=\$((i + 1))
		done
	fi
	echo "startup done"
	;;
esac
exit 0
EOF

	# Records every event it runs; startup waits for fifo.release.
	add_script "$b" fifo 01.rec.script <<EOF
$H_RECORD
echo "\$*" >>"\$CTDB_BASE/fifo.log"
if [ "\$1" = startup ]; then
	touch "\$CTDB_BASE/fifo.started"
	i=0
	while [ ! -e "\$CTDB_BASE/fifo.release" ] && [ \$i -lt 2400 ]; do
		sleep 0.05
		i=\$((i + 1))
	done
fi
exit 0
EOF

	# Editor and package-manager leftovers never run.
	local f
	for f in 01.x.script~ 02.y.script.rpmsave 03.z.dpkg-old; do
		add_script "$b" left "$f" <<'EOF'
echo "$0 ran" >>"$CTDB_BASE/left.log"
exit 1
EOF
	done
	add_script "$b" left 10.real.script <<'EOF'
echo "real"
exit 0
EOF

	# Exit codes 64-254 are errno + 64; a signal is EINTR.
	add_script "$b" codes 01.e64.script <<'EOF'
exit 64
EOF
	add_script "$b" codes 02.e72.script <<'EOF'
exit 72
EOF
	add_script "$b" codes 03.e77.script <<'EOF'
exit 77
EOF
	add_script "$b" codes 04.e65.script <<'EOF'
echo "perm"
exit 65
EOF
	add_script "$b" codes 05.sig.script <<'EOF'
echo "before kill"
kill -USR1 $$
EOF
	add_script "$b" codes 06.ok.script <<'EOF'
exit 0
EOF
}

# --------------------------------------------------------------------- cases
# c_NAME TOOL BASE prints what the case shows; the driver filters it.

CASES=()
c() { CASES+=("$1"); }

c run_ok
c_run_ok() { tool_rc "$1" "$2" run 30 okc monitor; }
c status_ok
c_status_ok() { tool_rc "$1" "$2" status okc monitor; }

c run_fail
c_run_fail() { tool_rc "$1" "$2" run 30 legacy monitor; }
c status_fail
c_status_fail() { tool_rc "$1" "$2" status legacy monitor; }

c run_args
c_run_args() { tool_rc "$1" "$2" run 30 legacy takeip eth0 10.0.0.1 24; }
c status_args
c_status_args() { tool_rc "$1" "$2" status legacy takeip; }

c run_multi
c_run_multi() { tool_rc "$1" "$2" run 30 multi monitor; }
c status_multi
c_status_multi() { tool_rc "$1" "$2" status multi monitor; }

c run_timeout
c_run_timeout() { tool_rc "$1" "$2" run 2 slow monitor; }
c status_timeout
c_status_timeout() { tool_rc "$1" "$2" status slow monitor; }

c run_hang
c_run_hang() { tool_rc "$1" "$2" run 2 hang monitor; }
c status_hang
c_status_hang() { tool_rc "$1" "$2" status hang monitor; }

c run_disabled
c_run_disabled() { tool_rc "$1" "$2" run 30 dis monitor; }
c status_disabled
c_status_disabled() { tool_rc "$1" "$2" status dis monitor; }

c run_missing
c_run_missing() { tool_rc "$1" "$2" run 30 nosuch monitor; }
c status_missing
c_status_missing() { tool_rc "$1" "$2" status nosuch monitor; }

c status_never
c_status_never() { tool_rc "$1" "$2" status legacy ipreallocated; }

c run_empty
c_run_empty() { tool_rc "$1" "$2" run 30 empty monitor; }
c status_empty
c_status_empty() { tool_rc "$1" "$2" status empty monitor; }

# A running monitor is cancelled by startup; its result is not stored.
c conc_cancel
c_conc_cancel()
{
	local t=$1 b=$2

	rm -f "$b"/conc.*
	run_tool_bg "$b/bg.monitor" "$t" "$b" run 30 conc monitor
	if ! wait_until 10 test -e "$b/conc.monitor.started"; then
		echo "monitor script did not start"
	fi
	echo "startup:"
	tool_rc "$t" "$b" run 30 conc startup
	# Lets a monitor that was not cancelled finish.
	touch "$b/conc.monrelease"
	wait "$BG_PID"
	echo "monitor:"
	cat "$b/bg.monitor"
	echo "status monitor:"
	tool_rc "$t" "$b" status conc monitor
}

# A monitor arriving while startup runs is refused at once.
c conc_refuse
c_conc_refuse()
{
	local t=$1 b=$2 st

	rm -f "$b"/conc.*
	touch "$b/conc.hold"
	run_tool_bg "$b/bg.startup" "$t" "$b" run 30 conc startup
	st=$BG_PID
	if ! wait_until 10 test -e "$b/conc.startup.started"; then
		echo "startup script did not start"
	fi
	echo "monitor:"
	tool_rc "$t" "$b" run 30 conc monitor
	touch "$b/conc.release"
	wait "$st"
	echo "startup:"
	cat "$b/bg.startup"
	echo "status monitor:"
	tool_rc "$t" "$b" status conc monitor
	echo "status startup:"
	tool_rc "$t" "$b" status conc startup
	rm -f "$b"/conc.*
}

# Events queued behind a running one run in arrival order.
c fifo
c_fifo()
{
	local t=$1 b=$2 p1 p2 p3 p4

	rm -f "$b"/fifo.*
	run_tool_bg "$b/bg.1" "$t" "$b" run 60 fifo startup
	p1=$BG_PID
	if ! wait_until 10 test -e "$b/fifo.started"; then
		echo "startup script did not start"
	fi
	run_tool_bg "$b/bg.2" "$t" "$b" run 60 fifo takeip eth0 10.0.0.1 24
	p2=$BG_PID
	wait_request_sent "$p2" "$b" || echo "takeip request not seen"
	run_tool_bg "$b/bg.3" "$t" "$b" run 60 fifo releaseip eth0 10.0.0.1 24
	p3=$BG_PID
	wait_request_sent "$p3" "$b" || echo "releaseip request not seen"
	run_tool_bg "$b/bg.4" "$t" "$b" run 60 fifo ipreallocated
	p4=$BG_PID
	wait_request_sent "$p4" "$b" || echo "ipreallocated request not seen"
	touch "$b/fifo.release"
	wait "$p1" "$p2" "$p3" "$p4"
	echo "startup:"
	cat "$b/bg.1"
	echo "takeip:"
	cat "$b/bg.2"
	echo "releaseip:"
	cat "$b/bg.3"
	echo "ipreallocated:"
	cat "$b/bg.4"
	echo "order:"
	cat "$b/fifo.log"
}

c run_all
c_run_all()
{
	CTDB_EVENT_RUN_ALL=1 tool_rc "$1" "$2" run 30 legacy monitor
	tool_rc "$1" "$2" status legacy monitor
}

c leftovers
c_leftovers()
{
	tool_rc "$1" "$2" run 30 left monitor
	tool_rc "$1" "$2" status left monitor
	echo "leftovers run:"
	cat "$2/left.log" 2>/dev/null
}

c exit_codes
c_exit_codes()
{
	CTDB_EVENT_RUN_ALL=1 tool_rc "$1" "$2" run 30 codes monitor
	tool_rc "$1" "$2" status codes monitor
}

# ------------------------------------------------------------ expected text
# E NAME FLAVOUR... <<EOF: the expected output of the case for the tool
# flavour(s) (samba = the installed 4.17 ctdb-event; ours = ctdb-event of
# this tree, which follows the newest Samba).

mkdir -p "$TESTDIR/exp/samba" "$TESTDIR/exp/ours"
E()
{
	local name=$1 f text
	shift
	text=$(cat)
	for f in "$@"; do
		printf '%s\n' "$text" >"$TESTDIR/exp/$f/$name"
	done
}

E run_ok samba ours <<'EOF'
rc=0
EOF
# 4.17 shows output only for failed scripts; 4.19+ for any script that
# wrote something.
E status_ok samba <<'EOF'
01.first             OK         DUR DATE
02.second            OK         DUR DATE
rc=0
EOF
E status_ok ours <<'EOF'
01.first             OK         DUR DATE
  OUTPUT: first ok
02.second            OK         DUR DATE
rc=0
EOF

E run_fail samba ours <<'EOF'
Event monitor in legacy failed
rc=8
EOF
# 4.17 prints the output raw after "OUTPUT: " (hence the blank line); 4.19+
# prints one line inline, several lines indented under "OUTPUT:". Without
# RUN_ALL the list ends with the failing script (4.17; 4.24+ stores the
# later ones as -ENOMSG and its tool skips them, printing the same).
E status_fail samba <<'EOF'
01.ok                OK         DUR DATE
02.disabled          DISABLED  
03.fail              ERROR      DUR DATE
  OUTPUT: stdout line
stderr line

rc=1
EOF
E status_fail ours <<'EOF'
01.ok                OK         DUR DATE
  OUTPUT: ok output
02.disabled          DISABLED  
03.fail              ERROR      DUR DATE
  OUTPUT:
    stdout line
    stderr line
rc=1
EOF

E run_args samba ours <<'EOF'
rc=0
EOF
E status_args samba <<'EOF'
01.ok                OK         DUR DATE
02.disabled          DISABLED  
03.fail              OK         DUR DATE
04.after             OK         DUR DATE
rc=0
EOF
E status_args ours <<'EOF'
01.ok                OK         DUR DATE
  OUTPUT: ok output
02.disabled          DISABLED  
03.fail              OK         DUR DATE
  OUTPUT: args: takeip eth0 10.0.0.1 24
04.after             OK         DUR DATE
  OUTPUT: after
rc=0
EOF

E run_multi samba ours <<'EOF'
Event monitor in multi failed
rc=8
EOF
E status_multi samba <<'EOF'
01.multi             ERROR      DUR DATE
  OUTPUT: line 1
line 2

line 4

rc=3
EOF
E status_multi ours <<'EOF'
01.multi             ERROR      DUR DATE
  OUTPUT:
    line 1
    line 2
    
    line 4
rc=3
EOF

E run_timeout samba ours <<'EOF'
Event monitor in slow timed out
rc=110
EOF
E status_timeout samba <<'EOF'
01.sleep             TIMEDOUT   DATE
  OUTPUT: sleeping

rc=110
EOF
E status_timeout ours <<'EOF'
01.sleep             TIMEDOUT   DATE
  OUTPUT: sleeping
rc=110
EOF

E run_hang samba ours <<'EOF'
Event monitor in hang timed out
rc=110
EOF
E status_hang samba <<'EOF'
01.hang              TIMEDOUT   DATE
  OUTPUT: hanging

rc=110
EOF
E status_hang ours <<'EOF'
01.hang              TIMEDOUT   DATE
  OUTPUT: hanging
rc=110
EOF

E run_disabled samba ours <<'EOF'
rc=0
EOF
E status_disabled samba ours <<'EOF'
01.off               DISABLED  
02.on                OK         DUR DATE
rc=0
EOF

E run_missing samba ours <<'EOF'
Event dir for nosuch does not exist
rc=2
EOF
E status_missing samba ours <<'EOF'
Event dir for nosuch does not exist
rc=2
EOF

E status_never samba ours <<'EOF'
Event ipreallocated has never run in legacy
rc=22
EOF

E run_empty samba ours <<'EOF'
rc=0
EOF
E status_empty samba ours <<'EOF'
rc=0
EOF

E conc_cancel samba ours <<'EOF'
startup:
rc=0
monitor:
Event monitor in conc got cancelled
rc=125
status monitor:
Event monitor has never run in conc
rc=22
EOF

E conc_refuse samba <<'EOF'
monitor:
Event monitor in conc got cancelled
rc=125
startup:
rc=0
status monitor:
Event monitor has never run in conc
rc=22
status startup:
01.conc              OK         DUR DATE
rc=0
EOF
E conc_refuse ours <<'EOF'
monitor:
Event monitor in conc got cancelled
rc=125
startup:
rc=0
status monitor:
Event monitor has never run in conc
rc=22
status startup:
01.conc              OK         DUR DATE
  OUTPUT: startup done
rc=0
EOF

E fifo samba ours <<'EOF'
startup:
rc=0
takeip:
rc=0
releaseip:
rc=0
ipreallocated:
rc=0
order:
startup
takeip eth0 10.0.0.1 24
releaseip eth0 10.0.0.1 24
ipreallocated
EOF

# With RUN_ALL the scripts after the failing one run too.
E run_all samba <<'EOF'
Event monitor in legacy failed
rc=8
01.ok                OK         DUR DATE
02.disabled          DISABLED  
03.fail              ERROR      DUR DATE
  OUTPUT: stdout line
stderr line

04.after             OK         DUR DATE
rc=1
EOF
E run_all ours <<'EOF'
Event monitor in legacy failed
rc=8
01.ok                OK         DUR DATE
  OUTPUT: ok output
02.disabled          DISABLED  
03.fail              ERROR      DUR DATE
  OUTPUT:
    stdout line
    stderr line
04.after             OK         DUR DATE
  OUTPUT: after
rc=1
EOF

E leftovers samba <<'EOF'
rc=0
10.real              OK         DUR DATE
rc=0
leftovers run:
EOF
E leftovers ours <<'EOF'
rc=0
10.real              OK         DUR DATE
  OUTPUT: real
rc=0
leftovers run:
EOF

# Exit 64 is OK, 72 and 77 are DISABLED, 65 is errno 1, a signal is EINTR;
# the summary is the last failing script's result (-EINTR: exit 4).
E exit_codes samba <<'EOF'
Event monitor in codes failed
rc=8
01.e64               OK         DUR DATE
02.e72               DISABLED  
03.e77               DISABLED  
04.e65               CANNOT RUN (Operation not permitted)
  OUTPUT: perm

05.sig               CANNOT RUN (Interrupted system call)
  OUTPUT: before kill

06.ok                OK         DUR DATE
rc=4
EOF
E exit_codes ours <<'EOF'
Event monitor in codes failed
rc=8
01.e64               OK         DUR DATE
02.e72               DISABLED  
03.e77               DISABLED  
04.e65               CANNOT RUN (Operation not permitted)
  OUTPUT: perm
05.sig               CANNOT RUN (Interrupted system call)
  OUTPUT: before kill
06.ok                OK         DUR DATE
rc=4
EOF

# -------------------------------------------------------------------- pairs

PAIRS=${INTEROP_PAIRS:-"ours:ours samba:ours ours:samba samba:samba"}

pair_name()
{
	echo "${1%%:*}-tool/${1##*:}-daemon"
}

# run_pair TOOL DAEMON: fresh base and daemon, every case in order.
run_pair()
{
	local tool=$1 daemon=$2 b out name

	out="$TESTDIR/out/$tool-$daemon"
	mkdir -p "$out"
	b=$(setup_base "$tool-$daemon") || h_die "setup_base failed"
	make_fixtures "$b"
	if ! daemon_start "$daemon" "$b"; then
		for name in "${CASES[@]}"; do
			echo "$daemon daemon did not start (exit $DAEMON_RC)" \
				>"$out/$name"
		done
		sed -e 's/^/    /' "$b/daemon.stderr" "$b/log.ctdb" 2>/dev/null
		return
	fi
	for name in "${CASES[@]}"; do
		# In this shell, so the daemon and background tools stay
		# its children.
		"c_$name" "$tool" "$b" >"$out/$name.raw" 2>&1
		filter_result <"$out/$name.raw" >"$out/$name"
	done
	# After all of the above the daemon still serves and exits 0 on
	# SIGTERM (checked per pair, not compared between pairs).
	tool_rc "$tool" "$b" status legacy monitor >/dev/null
	if daemon_stop "$b"; then
		echo "$DAEMON_RC" >"$out/daemon.exit"
	else
		echo "still running 10 s after SIGTERM" >"$out/daemon.exit"
	fi
	if [ -n "$(cat "$b/daemon.stderr" 2>/dev/null)" ]; then
		echo "note: $(pair_name "$tool:$daemon"): daemon stderr:"
		sed -e 's/^/    /' "$b/daemon.stderr"
	fi
}

have_ours=yes
for bin in "$OUR_EVENTD" "$OUR_EVENT"; do
	if [ ! -x "$bin" ]; then
		echo "FAIL: $bin not built"
		have_ours=no
	fi
done

for pair in $PAIRS; do
	case "$pair" in
	samba:samba) ;;
	*) [ $have_ours = yes ] || continue ;;
	esac
	run_pair "${pair%%:*}" "${pair##*:}"
done

# compare PAIR NAME REFERENCE_FILE LABEL
compare_case()
{
	local pair=$1 name=$2 ref=$3 got

	got="$TESTDIR/out/${pair%%:*}-${pair##*:}/$name"
	if cmp -s "$ref" "$got"; then
		return 0
	fi
	echo "MISMATCH $(pair_name "$pair") case $name (--- $4, +++ got):"
	diff -u "$ref" "$got" | tail -n +3 | sed -e 's/^/    /'
	return 1
}

total=${#CASES[@]}
summary=()
for pair in $PAIRS; do
	tool=${pair%%:*}
	daemon=${pair##*:}
	if [ "$tool" != samba ] || [ "$daemon" != samba ]; then
		if [ $have_ours = no ]; then
			summary+=("interop: $(pair_name "$pair"): not run, our binaries are not built")
			H_FAILED=$((H_FAILED + 1))
			continue
		fi
	fi
	same=0
	for name in "${CASES[@]}"; do
		if [ "$tool" = "$daemon" ]; then
			ref="$TESTDIR/exp/$tool/$name"
			label="expected for the $tool tool"
		else
			ref="$TESTDIR/out/$tool-$tool/$name"
			label="$(pair_name "$tool:$tool")"
		fi
		if compare_case "$pair" "$name" "$ref" "$label"; then
			same=$((same + 1))
		else
			H_FAILED=$((H_FAILED + 1))
			# Also say how the mixed pair relates to the expected
			# text, so a fault of the pure pair is told apart.
			if [ "$tool" != "$daemon" ] &&
				cmp -s "$TESTDIR/exp/$tool/$name" \
					"$TESTDIR/out/$tool-$daemon/$name"; then
				echo "    (the mixed pair prints the expected text;" \
					"$(pair_name "$tool:$tool") does not)"
			fi
		fi
	done
	if [ "$tool" = "$daemon" ]; then
		summary+=("interop: $(pair_name "$pair"): $same/$total as expected")
	else
		summary+=("interop: $(pair_name "$pair"): $same/$total identical")
	fi
	ex=$(cat "$TESTDIR/out/$tool-$daemon/daemon.exit" 2>/dev/null)
	if [ "$ex" != 0 ]; then
		echo "FAIL: $(pair_name "$pair"): $daemon daemon on SIGTERM after all cases: exit ${ex:-unknown}, expected 0"
		H_FAILED=$((H_FAILED + 1))
	fi
done

printf '%s\n' "${summary[@]}"
if [ $H_FAILED -gt 0 ]; then
	exit 1
fi
exit 0
