# shellcheck shell=bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the cluster tests: three of Samba's real ctdbd (Debian's ctdb
# package) in test mode, with our ctdb-eventd or Samba's as their event
# daemon, optionally each in a network namespace of its own; bounded
# polling with measured times, and cleanup by pid.
#
# Every process is found through the pid files ctdbd writes into the base
# directories made here, and checked against its environment (it must hold
# CTDB_BASE=<one of those directories>) before it is signalled, so nothing
# of another test or session is ever touched and nothing is found by name.
#
# Use from bash, after tests/integration/harness.sh:
#   . "$abs_top_srcdir/tests/cluster/cluster_lib.sh"
#   cl_require; h_init; cl_init
# then, per cluster: set CL_ADDRS, CL_PUBS, CL_SCRIPTS (and CL_NS), then
# cl_setup DIR ours|samba, cl_start_all, ... The timings end up in CL_TIME.

CL_CTDBD=${CL_CTDBD:-/usr/sbin/ctdbd}
CL_CTDB=${CL_CTDB:-/usr/bin/ctdb}
CL_HELPERDIR=${CL_HELPERDIR:-/usr/libexec/ctdb}
CL_N=3

# The cluster being worked on (cl_setup sets the first three).
CL_DIR=
CL_FLAVOUR=
CL_EVENTD=
CL_ADDRS=()   # node addresses, node i is CL_ADDRS[i]
CL_PUBS=()    # public_addresses lines, "IP/BITS IFACE"
CL_SCRIPTS=() # "NAME=FILE": FILE is installed as events/legacy/NAME
CL_NS=()      # network namespace of node i, or empty: no namespaces

# What the cleanup undoes.
CL_DIRS=()
CL_PIDS=()
CL_NETNS=()

# Measured times: CL_TIME[flavour:metric] in seconds (text), CL_MS in ms.
declare -A CL_TIME=()
declare -A CL_MS=()
CL_T0=0
CL_REF_FAILED=0
CL_SLEEP_FD=
CL_LOCK_FD=
CL_MONITOR_US=0
CL_PUB_IPS=()

# Skip (77) unless Debian's ctdb package is installed; give up (99) if our
# programs are not built.
cl_require()
{
	[ -x "$CL_CTDBD" ] ||
		h_skip "Samba's ctdbd ($CL_CTDBD) is not installed (apt-get install ctdb)"
	[ -x "$CL_CTDB" ] || h_skip "Samba's ctdb tool ($CL_CTDB) is not installed"
	[ -x "$SAMBA_EVENTD" ] || h_skip "Samba's ctdb-eventd ($SAMBA_EVENTD) is not installed"
	h_require_ours "$OUR_CTDB"
	command -v timeout >/dev/null 2>&1 || h_skip "timeout(1) is not installed"
}

# cl_init: after h_init. Sets the EXIT trap (cl_exit), opens the FIFO of
# cl_sleep and takes the lock through which the cluster tests of one build
# tree take turns (waited for at most 10 minutes): two clusters at once on
# 2 cores would measure each other, not the event daemon.
cl_init()
{
	local lock

	trap cl_exit EXIT
	mkfifo "$TESTDIR/sleep.fifo" || h_die "mkfifo failed"
	exec {CL_SLEEP_FD}<>"$TESTDIR/sleep.fifo"
	if command -v flock >/dev/null 2>&1; then
		lock=${abs_top_builddir:?}/tests/cluster/cluster-test.lock
		mkdir -p "${lock%/*}" || h_die "cannot create ${lock%/*}"
		exec {CL_LOCK_FD}>>"$lock" || h_die "cannot open $lock"
		if ! flock -n "$CL_LOCK_FD"; then
			echo "waiting for the other cluster test of this build tree"
			flock -w 600 "$CL_LOCK_FD" || h_die "$lock still held after 600 s"
		fi
	fi
}

# The EXIT trap: stop our clusters and probes, delete our namespaces, then
# the harness's own cleanup (which also removes $TESTDIR).
cl_exit()
{
	local rc=$?

	trap - EXIT
	cl_cleanup_all
	# CLUSTER_KEEP_LOGS=DIR keeps a copy of every node's files.
	if [ -n "${CLUSTER_KEEP_LOGS:-}" ] && [ -d "$TESTDIR" ]; then
		mkdir -p "$CLUSTER_KEEP_LOGS" &&
			cp -r "$TESTDIR/." "$CLUSTER_KEEP_LOGS/" 2>/dev/null
	fi
	(exit "$rc")
	h_cleanup
}

cl_cleanup_all()
{
	local d p ns

	for d in "${CL_DIRS[@]}"; do
		CL_DIR=$d cl_stop >/dev/null 2>&1
	done
	for p in "${CL_PIDS[@]}"; do
		if h_alive "$p"; then
			kill -KILL "$p" 2>/dev/null
			wait "$p" 2>/dev/null
		fi
	done
	for ns in "${CL_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}

# ------------------------------------------------------------- timing

# cl_secs MICROSECONDS: as seconds with 3 decimals.
cl_secs()
{
	local ms=$(($1 / 1000))

	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# cl_mark: start the clock for the following measurements.
cl_mark()
{
	CL_T0=$(h_now_us)
}

# cl_sleep: 50 ms without starting a process (a read with a timeout on a
# FIFO nobody writes to), so that polling costs the 2 cores little.
cl_sleep()
{
	read -r -t 0.05 -u "$CL_SLEEP_FD" _
}

# cl_record METRIC NOW: record NOW - CL_T0 (microseconds) as METRIC of the
# current flavour, and print it.
cl_record()
{
	CL_MS["$CL_FLAVOUR:$1"]=$((($2 - CL_T0) / 1000))
	CL_TIME["$CL_FLAVOUR:$1"]=$(cl_secs $(($2 - CL_T0)))
	echo "$CL_FLAVOUR: $1 after ${CL_TIME[$CL_FLAVOUR:$1]} s"
}

# cl_measure CAP METRIC CONDITION [METRIC CONDITION]...: poll every
# CONDITION (a shell command line) every 50 ms until all of them held once;
# the time since cl_mark at which a condition was first seen true (taken
# when that poll returned, so a time is never under-reported) is recorded
# as its METRIC. Conditions are polled together so that one slow state does
# not delay the measurement of another. After CAP seconds the ones not
# reached are recorded as "timeout" and 1 is returned.
cl_measure()
{
	local cap=$1 deadline now i left
	local -a mname=() cond=() hit=()
	shift

	while [ $# -ge 2 ]; do
		mname+=("$1")
		cond+=("$2")
		hit+=(0)
		shift 2
	done
	deadline=$((CL_T0 + cap * 1000000))
	while :; do
		left=0
		for i in "${!cond[@]}"; do
			[ "${hit[$i]}" = 0 ] || continue
			if eval "${cond[$i]}"; then
				cl_record "${mname[$i]}" "$(h_now_us)"
				hit[i]=1
			else
				left=1
			fi
		done
		[ $left = 1 ] || return 0
		now=$(h_now_us)
		if [ "$now" -ge "$deadline" ]; then
			for i in "${!cond[@]}"; do
				[ "${hit[$i]}" = 0 ] || continue
				CL_TIME["$CL_FLAVOUR:${mname[$i]}"]="timeout"
				echo "$CL_FLAVOUR: ${mname[$i]}: not reached within $cap s"
			done
			return 1
		fi
		cl_sleep
	done
}

# cl_reached METRIC: the last cl_measure saw METRIC happen.
cl_reached()
{
	[ -n "${CL_MS[$CL_FLAVOUR:$1]:-}" ]
}

# ------------------------------------------------------------- results

# cl_result NAME STATUS: a check of our event daemon counts (harness
# pass/fail); one of the reference run with Samba's is only reported.
cl_result()
{
	local name="$CL_FLAVOUR: $1"

	if [ "$CL_FLAVOUR" = ours ]; then
		if [ "$2" -eq 0 ]; then
			h_pass "$name"
		else
			h_fail "$name"
		fi
	elif [ "$2" -eq 0 ]; then
		echo "reference ok: $name"
	else
		echo "reference FAILED (not counted): $name"
		CL_REF_FAILED=$((CL_REF_FAILED + 1))
	fi
	return "$2"
}

# cl_check NAME COMMAND...: a boolean assertion through cl_result.
cl_check()
{
	local name=$1
	shift
	"$@"
	cl_result "$name" $?
}

# cl_summarize METRIC N: METRIC#1 .. METRIC#N (one per fault cycle) become
# METRIC, their median (the upper one for even N), "METRIC max" and
# "METRIC all" (every value, for the log). A cycle that timed out makes
# the median and the maximum "timeout".
cl_summarize()
{
	local metric=$1 n=$2 i v all=() sorted=() max med

	for ((i = 1; i <= n; i++)); do
		v=${CL_MS[$CL_FLAVOUR:$metric#$i]:-}
		if [ -z "$v" ]; then
			CL_TIME["$CL_FLAVOUR:$metric"]=timeout
			CL_TIME["$CL_FLAVOUR:$metric max"]=timeout
			unset "CL_MS[$CL_FLAVOUR:$metric]"
			return 1
		fi
		all+=("$v")
	done
	mapfile -t sorted < <(printf '%s\n' "${all[@]}" | sort -n)
	med=${sorted[$((n / 2))]}
	max=${sorted[$((n - 1))]}
	CL_MS["$CL_FLAVOUR:$metric"]=$med
	CL_TIME["$CL_FLAVOUR:$metric"]=$(cl_secs $((med * 1000)))
	CL_MS["$CL_FLAVOUR:$metric max"]=$max
	CL_TIME["$CL_FLAVOUR:$metric max"]=$(cl_secs $((max * 1000)))
	CL_TIME["$CL_FLAVOUR:$metric all"]=$(for v in "${all[@]}"; do
		cl_secs $((v * 1000))
		printf ' '
	done)
}

# cl_bound METRIC SECONDS: METRIC must have been reached (asserted, for
# our event daemon); its time (for fault cycles: the median) is compared
# with SECONDS and the comparison printed, not judged: on a shared or
# loaded machine wall times say nothing about correctness. Timings are
# measured in bench/; this test proves the failover happens.
cl_bound()
{
	local metric=$1 bound=$2 ms what

	[ "$CL_FLAVOUR" = ours ] || return 0
	ms=${CL_MS[$CL_FLAVOUR:$metric]:-}
	if [ -z "$ms" ]; then
		h_fail "ours: $metric within $bound s (not reached)"
		return 1
	fi
	what="$metric ${CL_TIME[$CL_FLAVOUR:$metric]} s"
	if [ -n "${CL_TIME[$CL_FLAVOUR:$metric all]:-}" ]; then
		what="$metric, median ${CL_TIME[$CL_FLAVOUR:$metric]} s of ${CL_TIME[$CL_FLAVOUR:$metric all]}s"
	fi
	check "ours: $metric reached" true
	if [ "$ms" -le $((bound * 1000)) ]; then
		echo "note: ours: $what, within the $bound s aim"
	else
		echo "note: ours: $what, over the $bound s aim (not judged)"
	fi
}

# cl_table METRIC=BOUND...: the measured times of both runs side by side;
# a metric of fault cycles gets its median and its maximum.
cl_table()
{
	local m metric bound f

	echo
	printf '%-40s %9s %9s %6s\n' "time (s)" "ours" "samba" "bound"
	for m in "$@"; do
		metric=${m%=*}
		bound=${m##*=}
		if [ -n "${CL_TIME[ours:$metric all]:-}${CL_TIME[samba:$metric all]:-}" ]; then
			printf '%-40s %9s %9s %6s\n' "$metric (median)" \
				"${CL_TIME[ours:$metric]:-n/a}" \
				"${CL_TIME[samba:$metric]:-n/a}" "$bound"
			printf '%-40s %9s %9s %6s\n' "$metric (max)" \
				"${CL_TIME[ours:$metric max]:-n/a}" \
				"${CL_TIME[samba:$metric max]:-n/a}" "-"
		else
			printf '%-40s %9s %9s %6s\n' "$metric" \
				"${CL_TIME[ours:$metric]:-n/a}" \
				"${CL_TIME[samba:$metric]:-n/a}" "$bound"
		fi
	done
	echo
	for f in ours samba; do
		for m in "$@"; do
			metric=${m%=*}
			if [ -n "${CL_TIME[$f:$metric all]:-}" ]; then
				printf '%-6s %-34s %s\n' "$f" "$metric:" "${CL_TIME[$f:$metric all]}"
			fi
		done
	done
	echo
}

# ------------------------------------------------------------- cluster setup

# cl_setup DIR ours|samba: node base directories DIR/n0..n2 with nodes,
# public_addresses, ctdb.conf, ctdb.tunables (MonitorInterval=1) and the
# scripts of CL_SCRIPTS; DIR/h is the helper directory for Samba newer than
# 4.17 (CTDB_TEST_HELPER_BINDIR): Samba's helpers, with ctdb-eventd (and,
# for ours, ctdb-event) pointing at the event daemon under test.
cl_setup()
{
	local dir=$1 i b s name file

	CL_DIR=$dir
	CL_FLAVOUR=$2
	case "$CL_FLAVOUR" in
	ours) CL_EVENTD=$OUR_EVENTD ;;
	samba) CL_EVENTD=$SAMBA_EVENTD ;;
	*) h_die "unknown flavour $CL_FLAVOUR" ;;
	esac
	mkdir -p "$dir/h" || return 1
	CL_DIRS+=("$dir")
	CL_PUB_IPS=()
	for s in "${CL_PUBS[@]}"; do
		CL_PUB_IPS+=("${s%%/*}")
	done
	for s in "$CL_HELPERDIR"/*; do
		ln -s "$s" "$dir/h/" || return 1
	done
	ln -sf "$CL_EVENTD" "$dir/h/ctdb-eventd" || return 1
	if [ "$CL_FLAVOUR" = ours ]; then
		ln -sf "$OUR_EVENT" "$dir/h/ctdb-event" || return 1
	fi
	for ((i = 0; i < CL_N; i++)); do
		b=$dir/n$i
		mkdir -p "$b/events/legacy" "$b/var" || return 1
		mkdir -m 0700 "$b/run" || return 1
		printf '%s\n' "${CL_ADDRS[@]}" >"$b/nodes"
		printf '%s\n' "${CL_PUBS[@]}" >"$b/public_addresses"
		cat >"$b/ctdb.conf" <<EOF
[logging]
	location = file:$b/log.ctdb
	log level = NOTICE
[cluster]
	node address = ${CL_ADDRS[$i]}
EOF
		echo "MonitorInterval=1" >"$b/ctdb.tunables"
		for s in "${CL_SCRIPTS[@]}"; do
			name=${s%%=*}
			file=${s#*=}
			cp "$file" "$b/events/legacy/$name" || return 1
			chmod 0755 "$b/events/legacy/$name"
		done
	done
}

# cl_script_names: the display names of CL_SCRIPTS, in running order.
cl_script_names()
{
	local s n

	for s in "${CL_SCRIPTS[@]}"; do
		n=${s%%=*}
		echo "${n%.script}"
	done | LC_ALL=C sort
}

# ------------------------------------------------------------- processes

# cl_owned PID BASE: PID is a process whose environment holds CTDB_BASE=BASE.
cl_owned()
{
	grep -q -z -x -F -e "CTDB_BASE=$2" "/proc/$1/environ" 2>/dev/null
}

# cl_procs: every live process started for the nodes of CL_DIR (ctdbd, its
# recovery daemon and helpers, the event daemon, scripts), by environment.
cl_procs()
{
	local i pats=() f p

	for ((i = 0; i < CL_N; i++)); do
		pats+=(-e "CTDB_BASE=$CL_DIR/n$i")
	done
	while read -r f; do
		p=${f#/proc/}
		p=${p%/environ}
		if [ "$p" != $$ ] && [ "$p" != "$BASHPID" ] && h_alive "$p"; then
			echo "$p"
		fi
	done < <(grep -l -z -x -F "${pats[@]}" /proc/[0-9]*/environ 2>/dev/null)
}

# cl_ctdbd_pid I: the pid of node I's ctdbd, if it is alive and ours.
cl_ctdbd_pid()
{
	local b=$CL_DIR/n$1 pid

	pid=$(cat "$b/ctdbd.testpid" 2>/dev/null) || return 1
	if h_alive "$pid" && cl_owned "$pid" "$b"; then
		echo "$pid"
		return 0
	fi
	return 1
}

# cl_eventd_pid I: the pid of node I's event daemon (its own pid file).
cl_eventd_pid()
{
	local b=$CL_DIR/n$1 pid

	pid=$(cat "$b/run/eventd.pid" 2>/dev/null) || return 1
	pid=${pid%%[!0-9]*}
	if [ -n "$pid" ] && h_alive "$pid" && cl_owned "$pid" "$b"; then
		echo "$pid"
		return 0
	fi
	return 1
}

cl_pidfile_ready()
{
	local b=$CL_DIR/n$1 pid

	pid=$(cat "$b/run/ctdbd.pid" 2>/dev/null) || return 1
	[ -n "$pid" ] && h_alive "$pid" && cl_owned "$pid" "$b" || return 1
	echo "$pid" >"$b/ctdbd.testpid"
}

# cl_run I COMMAND...: COMMAND with node I's test-mode environment, the
# event daemon chosen both ways: CTDB_EVENTD (Samba 4.17) and
# CTDB_TEST_HELPER_BINDIR (newer Samba).
cl_run()
{
	local b=$CL_DIR/n$1
	shift
	CTDB_TEST_MODE=yes CTDB_BASE=$b CTDB_EVENTD=$CL_EVENTD \
		CTDB_TEST_HELPER_BINDIR=$CL_DIR/h "$@"
}

# cl_start I: start node I's ctdbd (in its namespace when CL_NS is set);
# it puts itself in the background. Waits for its pid file.
cl_start()
{
	local i=$1 b=$CL_DIR/n$1

	rm -f "$b/run/ctdbd.pid" "$b/ctdbd.testpid"
	if [ ${#CL_NS[@]} -gt 0 ]; then
		cl_run "$i" ip netns exec "${CL_NS[$i]}" "$CL_CTDBD" \
			</dev/null >>"$b/ctdbd.out" 2>&1
	else
		cl_run "$i" "$CL_CTDBD" </dev/null >>"$b/ctdbd.out" 2>&1
	fi
	if ! wait_until 10 cl_pidfile_ready "$i"; then
		h_msg "node $i: ctdbd did not start; $b/ctdbd.out:"
		cat "$b/ctdbd.out" >&2
		return 1
	fi
}

cl_start_all()
{
	local i

	for ((i = 0; i < CL_N; i++)); do
		cl_start "$i" || return 1
	done
}

# cl_stop: shut down every live ctdbd of CL_DIR with "ctdb shutdown" (all
# at once), wait for them, SIGKILL what is left, then every other process
# of these nodes still alive. Prints what had to be killed; returns 1 if
# anything had to be.
cl_stop()
{
	local i pid pids=() clis=() left killed=0 p

	for ((i = 0; i < CL_N; i++)); do
		pid=$(cl_ctdbd_pid "$i") || continue
		pids+=("$pid")
		CTDB_TEST_MODE=yes CTDB_BASE=$CL_DIR/n$i \
			timeout 10 "$CL_CTDB" shutdown >/dev/null 2>&1 &
		clis+=($!)
	done
	for p in "${clis[@]}"; do
		wait "$p" 2>/dev/null
	done
	for pid in "${pids[@]}"; do
		wait_until 15 eval "! h_alive $pid"
	done
	# Whatever is still there (a ctdbd that ignored the shutdown, an event
	# daemon or script that outlived its ctdbd) is killed; the ctdbd are
	# checked once more against their base directory first.
	for ((i = 0; i < CL_N; i++)); do
		pid=$(cl_ctdbd_pid "$i") || continue
		echo "node $i: ctdbd $pid still running: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
		killed=1
	done
	left=$(cl_procs)
	for p in $left; do
		echo "left behind: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null): SIGKILL"
		kill -KILL "$p" 2>/dev/null
		killed=1
	done
	wait_until 5 cl_none_left
	return $killed
}

cl_none_left()
{
	[ -z "$(cl_procs)" ]
}

# cl_kill9 I: SIGKILL node I's ctdbd (checked by pid file and base dir).
cl_kill9()
{
	local pid

	pid=$(cl_ctdbd_pid "$1") || return 1
	kill -KILL "$pid"
}

# ------------------------------------------------------------- queries

# cl_cli I ARGS...: Samba's ctdb tool on node I (its unix socket works from
# any network namespace); -T bounds its run time.
cl_cli()
{
	local b=$CL_DIR/n$1
	shift
	CTDB_TEST_MODE=yes CTDB_BASE=$b "$CL_CTDB" -T 10 "$@"
}

# cl_event I ARGS...: our "ctdb event ARGS" on node I.
cl_event()
{
	local b=$CL_DIR/n$1
	shift
	CTDB_TEST_MODE=yes CTDB_BASE=$b timeout 10 "$OUR_CTDB" event "$@"
}

# cl_flags OBS NODE: NODE's flags as OBS sees them: the fields of
# "ctdb -X nodestatus" from Disconnected to PartiallyOnline, in one line.
cl_flags()
{
	local out f

	out=$(cl_cli "$1" -X nodestatus "$2" 2>/dev/null)
	out=${out#*$'\n'}
	IFS='|' read -r -a f <<<"$out"
	echo "${f[*]:3:8}"
}

cl_node_ok()
{
	[ "$(cl_flags "$1" "$2")" = "0 0 0 0 0 0 0 0" ]
}

cl_all_ok()
{
	local i

	for ((i = 0; i < CL_N; i++)); do
		cl_node_ok "$1" "$i" || return 1
	done
}

cl_unhealthy()
{
	local f

	read -r -a f <<<"$(cl_flags "$1" "$2")"
	[ "${f[4]:-}" = 1 ]
}

cl_disconnected()
{
	local f

	read -r -a f <<<"$(cl_flags "$1" "$2")"
	[ "${f[0]:-}" = 1 ]
}

# cl_leader OBS: the pnn of the cluster's leader (recovery master).
cl_leader()
{
	cl_cli "$1" leader 2>/dev/null
}

# cl_ipmap OBS: "IP PNN" for every public IP, as OBS sees it.
cl_ipmap()
{
	local out ip pnn

	out=$(cl_cli "$1" -X ip all 2>/dev/null) || return 1
	while IFS='|' read -r _ ip pnn _; do
		case "$pnn" in
		'' | Node) continue ;;
		esac
		echo "$ip $pnn"
	done <<<"$out"
}

# cl_held I: the public IPs node I really holds, one a line: in a
# namespace, those on its interfaces; on loopback, those its takeip
# scripts took and did not release (the held file of clustertest.script).
cl_held()
{
	local b=$CL_DIR/n$1 a ip

	if [ ${#CL_NS[@]} -gt 0 ]; then
		# "2: eth0    inet 10.1.2.101/24 brd ... scope global ..."
		while read -r _ _ _ a _; do
			ip=${a%/*}
			case " ${CL_PUB_IPS[*]} " in
			*" $ip "*) echo "$ip" ;;
			esac
		done < <(ip -n "${CL_NS[$1]}" -4 -o addr show 2>/dev/null)
	elif [ -f "$b/held" ]; then
		cat "$b/held"
	fi
}

# cl_settled OBS NONEMPTY NODE...: as OBS sees it, every public IP is
# assigned to one of the NODEs, and each NODE holds exactly the IPs
# assigned to it (so every IP is held once among them); with NONEMPTY=1
# each NODE also holds at least one.
cl_settled()
{
	local obs=$1 nonempty=$2 out ip pnn n h
	local -A owner=() count=()
	shift 2

	out=$(cl_cli "$obs" -X ip all 2>/dev/null) || return 1
	while IFS='|' read -r _ ip pnn _; do
		owner[$ip]=$pnn
	done <<<"$out"
	for ip in "${CL_PUB_IPS[@]}"; do
		pnn=${owner[$ip]:-}
		case " $* " in
		*" $pnn "*) [ -n "$pnn" ] || return 1 ;;
		*) return 1 ;;
		esac
		count[$pnn]=$((${count[$pnn]:-0} + 1))
	done
	for n in "$@"; do
		mapfile -t h < <(cl_held "$n")
		[ ${#h[@]} -eq "${count[$n]:-0}" ] || return 1
		for ip in "${h[@]}"; do
			[ "${owner[$ip]:-}" = "$n" ] || return 1
		done
		if [ "$nonempty" = 1 ] && [ ${#h[@]} -eq 0 ]; then
			return 1
		fi
	done
	return 0
}

# cl_moved_off OBS NODE OTHER...: NODE holds no public IP any more, and the
# OTHERs hold them all, once each.
cl_moved_off()
{
	local obs=$1 node=$2
	shift 2
	[ -z "$(cl_held "$node")" ] && cl_settled "$obs" 0 "$@"
}

# cl_steady NODE...: on each NODE the last event clustertest.script logged
# is a monitor: no takeover run is going on and monitoring has resumed.
# Faults are injected only then, so that what is timed is the cluster's
# reaction, not the tail of an earlier reshuffle (other events cancel and
# refuse monitors).
cl_steady()
{
	local n last

	for n in "$@"; do
		last=
		read -r _ last _ < <(tail -n 1 "$CL_DIR/n$n/events.log" 2>/dev/null)
		[ "$last" = monitor ] || return 1
	done
}

cl_new_monitor()
{
	local n=$1 lines=$2 last

	[ "$(wc -l <"$CL_DIR/n$n/events.log")" -gt "$lines" ] || return 1
	read -r _ last _ < <(tail -n 1 "$CL_DIR/n$n/events.log")
	[ "$last" = monitor ]
}

# cl_quiet NODE...: wait (at most 20 s) until the cluster is steady, then
# until the first NODE runs a new monitor; CL_MONITOR_US is the time its
# clustertest.script started (and checked for the fault), from its log.
cl_quiet()
{
	local lines ts

	wait_until 20 cl_steady "$@" || return 1
	lines=$(wc -l <"$CL_DIR/n$1/events.log")
	wait_until 10 cl_new_monitor "$1" "$lines" || return 1
	read -r ts _ < <(tail -n 1 "$CL_DIR/n$1/events.log")
	CL_MONITOR_US=$((${ts%.*} * 1000000 + 10#${ts:${#ts} - 9:6}))
}

# cl_phase CYCLE N: return when 1/N, 2/N ... of MonitorInterval (1 s)
# after the monitor cl_quiet saw has passed, the CYCLEth of them: the
# faults of N cycles land at evenly spread moments of the monitor cycle,
# as real faults would, instead of all at the same one. (The first one
# comes at once: it misses this monitor, the worst case for detection.)
cl_phase()
{
	local target=$((CL_MONITOR_US + ($1 - 1) * 1000000 / $2))

	while [ "$(h_now_us)" -lt "$target" ]; do
		cl_sleep
	done
}

# cl_ip_report OBS: the assignment and what each node holds, for the log.
cl_ip_report()
{
	local i

	echo "  ctdb ip all (node $1): $(cl_ipmap "$1" | tr '\n' ',')"
	for ((i = 0; i < CL_N; i++)); do
		echo "  node $i holds: $(cl_held "$i" | tr '\n' ' ')"
	done
}

# cl_show_logs [LINES]: the end of every node's ctdbd log (on failures).
cl_show_logs()
{
	local i

	for ((i = 0; i < CL_N; i++)); do
		echo "---- $CL_FLAVOUR node $i: tail of log.ctdb"
		tail -n "${1:-25}" "$CL_DIR/n$i/log.ctdb" 2>/dev/null | sed -e 's/^/    /'
	done
}

# ------------------------------------------------------------- event status

# cl_status_text I EVENT: our "ctdb event status legacy EVENT" on node I,
# durations and dates filtered, then "rc=N".
cl_status_text()
{
	local out rc

	out=$(cl_event "$1" status legacy "$2" 2>&1)
	rc=$?
	printf '%s\n' "$out" | filter_result
	echo "rc=$rc"
}

# cl_status_expected RESULT...: the status text when the scripts of
# CL_SCRIPTS ended with these results, in order; a result "ERROR:text"
# adds the OUTPUT line. The last argument is the exit code.
cl_status_expected()
{
	local names n r

	mapfile -t names < <(cl_script_names)
	for n in "${names[@]}"; do
		r=$1
		shift
		printf '%-20s %-10s DUR DATE\n' "$n" "${r%%:*}"
		case "$r" in
		*:*) echo "  OUTPUT: ${r#*:}" ;;
		esac
	done
	echo "rc=$1"
}

# cl_check_status I EVENT RESULT... RC: our tool's status of EVENT on node I
# is exactly the expected text.
cl_check_status()
{
	local i=$1 ev=$2 exp act
	shift 2

	exp=$(cl_status_expected "$@")
	act=$(cl_status_text "$i" "$ev")
	if [ "$exp" = "$act" ]; then
		cl_result "node $i: ctdb event status legacy $ev" 0
		return 0
	fi
	cl_result "node $i: ctdb event status legacy $ev (--- expected, +++ got)" 1
	diff -u <(printf '%s\n' "$exp") <(printf '%s\n' "$act") | sed -e 's/^/    /'
	return 1
}

# cl_durations I EVENT: "script seconds ..." of node I's last EVENT run,
# from our status (for the log: how long the event daemon took).
cl_durations()
{
	cl_event "$1" status legacy "$2" 2>/dev/null |
		awk 'NF >= 3 && $3 ~ /^[0-9]+\.[0-9]+$/ { printf "%s %s  ", $1, $3 }'
	echo
}

# cl_status_is_logged_run I EVENT SCRIPT: the start date our status gives
# for SCRIPT's last EVENT run on node I is, within a second, one of the
# runs clustertest.script logged on that node: the status is of a run
# ctdbd really made.
cl_status_is_logged_run()
{
	local i=$1 ev=$2 script=$3 line d t

	line=$(cl_event "$i" status legacy "$ev" 2>/dev/null | grep "^$script ")
	d=$(sed -E 's/^[^ ]+ +[A-Z]+ +[0-9.]+ //' <<<"$line")
	t=$(date -u -d "$d" +%s 2>/dev/null) || return 1
	awk -v ev="$ev" -v t="$t" '
		$2 == ev { s = int($1); if (s - t <= 1 && t - s <= 1) { found = 1 } }
		END { exit !found }' "$CL_DIR/n$i/events.log"
}
