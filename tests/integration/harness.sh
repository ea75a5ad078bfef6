# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the shell tests: private base dirs, daemons started
# and stopped by pid, bounded polling, output filtering and exact compares.
#
# Source it from bash:  . "$abs_top_srcdir/tests/integration/harness.sh"
# then call h_init once. Every daemon, background tool and script process
# a test starts is recorded by pid and cleaned up in the EXIT trap; no
# process is ever looked up by name.

if [ -z "${BASH_VERSION:-}" ]; then
	echo "harness.sh needs bash" >&2
	exit 99
fi

# The trees. Under "make check" both come from AM_TESTS_ENVIRONMENT; when a
# test is run by hand from the source tree they default to it.
h_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${abs_top_srcdir:=$(cd "$h_here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"
export abs_top_srcdir abs_top_builddir

OUR_EVENTD="$abs_top_builddir/ctdb-eventd"
OUR_EVENT="$abs_top_builddir/ctdb-event"
OUR_CTDB="$abs_top_builddir/ctdb"
SAMBA_EVENTD="${SAMBA_EVENTD:-/usr/libexec/ctdb/ctdb-eventd}"
SAMBA_EVENT="${SAMBA_EVENT:-/usr/libexec/ctdb/ctdb-event}"

# A stable environment: dates in UTC, byte order, nothing inherited that
# changes the tool's or the daemon's behaviour.
export TZ=UTC LC_ALL=C
unset CTDB_EVENT_RUN_ALL CTDB_INTERACTIVE CTDB_SOCKET CTDB_EVENTD \
	CTDB_DEBUGLEVEL CTDB_LOGGING

# Polling deadlines are multiplied by this (valgrind is slow).
if [ -n "${VALGRIND:-}" ]; then
	H_SCALE=${H_SCALE:-10}
else
	H_SCALE=${H_SCALE:-1}
fi

H_FAILED=0
H_PASSED=0
H_SKIPPED=()
H_DAEMON_PIDS=()
H_BG_PIDS=()
TESTDIR=

h_msg()
{
	echo "$*" >&2
}

# Skip the whole test (automake's 77).
h_skip()
{
	echo "SKIP: $*"
	exit 77
}

# Record a failed check; the test goes on and exits 1 at the end.
h_fail()
{
	echo "FAIL: $*"
	H_FAILED=$((H_FAILED + 1))
}

# A step this machine cannot run (a tool, a user or Samba is missing):
# said at once, listed again by h_finish, and the test then ends in 77,
# so that automake counts a SKIP, not a PASS that checked less.
h_skip_step()
{
	echo "skip: $*"
	H_SKIPPED+=("$*")
}

h_pass()
{
	echo "ok: $*"
	H_PASSED=$((H_PASSED + 1))
}

# Give up at once (harness trouble, not a finding).
h_die()
{
	echo "ERROR: $*"
	exit 99
}

h_init()
{
	# The daemon refuses scripts in group- or world-writable directories:
	# a caller's umask 002 must not make every fixture insecure.
	umask 022
	TESTDIR=$(mktemp -d /tmp/ce.XXXXXX) || h_die "mktemp failed"
	mkdir "$TESTDIR/vg"
	trap h_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Is pid a live process (a zombie is not alive)?
h_alive()
{
	local st

	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	st=${st##*) }
	case "$st" in
	Z* | X* | "") return 1 ;;
	esac
	return 0
}

# Microseconds since the epoch (bash 5's EPOCHREALTIME, else date).
h_now_us()
{
	local t

	if [ -n "${EPOCHREALTIME:-}" ]; then
		t=${EPOCHREALTIME/[.,]/}
	else
		t=$(date +%s%6N)
	fi
	echo "$t"
}

# wait_until SECONDS COMMAND [ARGS...]: poll COMMAND every 50 ms until it
# succeeds; fail once SECONDS (times H_SCALE) have passed.
wait_until()
{
	local deadline
	deadline=$(($(h_now_us) + $1 * H_SCALE * 1000000))
	shift
	while ! "$@"; do
		if [ "$(h_now_us)" -ge $deadline ]; then
			return 1
		fi
		sleep 0.05
	done
	return 0
}

# Kill every process group listed in a pids file written by the fixture
# scripts (each script leads its own group in both daemons).
h_kill_script_pids()
{
	local f=$1 p

	[ -f "$f" ] || return 0
	while read -r p; do
		case "$p" in
		'' | *[!0-9]*) continue ;;
		esac
		kill -KILL -- "-$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
	done <"$f"
}

h_cleanup()
{
	local rc=$? p b

	trap - EXIT
	for p in "${H_BG_PIDS[@]}"; do
		h_alive "$p" || continue
		kill -KILL $(cat "/proc/$p/task/$p/children" 2>/dev/null) \
			"$p" 2>/dev/null
	done
	for p in "${H_DAEMON_PIDS[@]}"; do
		if h_alive "$p"; then
			kill -TERM "$p" 2>/dev/null
			wait_until 10 eval "! h_alive $p"
			kill -KILL "$p" 2>/dev/null
		fi
	done
	for b in "$TESTDIR"/*/script.pids; do
		h_kill_script_pids "$b"
	done
	wait 2>/dev/null
	if h_valgrind_errors; then
		[ $rc -eq 0 ] && rc=1
	fi
	if [ $rc -eq 0 ] && [ $H_FAILED -gt 0 ]; then
		rc=1
	fi
	if [ -n "$TESTDIR" ] && [ -d "$TESTDIR" ]; then
		if [ $rc -eq 0 ] || [ $rc -eq 77 ] || [ -z "${H_KEEP:-}" ]; then
			rm -rf "$TESTDIR"
		else
			echo "kept $TESTDIR"
		fi
	fi
	exit $rc
}

# Report valgrind logs with a non-zero ERROR SUMMARY (what counts as an
# error, leaks included or not, is up to $VALGRIND's options). Returns 0 if
# there were errors.
h_valgrind_errors()
{
	local f found=1

	[ -n "${VALGRIND:-}" ] || return 1
	for f in "$TESTDIR"/vg/*.log; do
		[ -f "$f" ] || continue
		if grep -q 'ERROR SUMMARY: [1-9]' "$f"; then
			echo "FAIL: valgrind reported errors in $(basename "$f"):"
			cat "$f"
			found=0
		fi
	done
	return $found
}

# The command prefix for one of our programs: $VALGRIND with its log in a
# file (never on stdout or stderr), or nothing.
h_vg()
{
	H_VG=()
	if [ -n "${VALGRIND:-}" ]; then
		# shellcheck disable=SC2206
		H_VG=($VALGRIND)
		# -q would hide the ERROR SUMMARY line the log is checked for;
		# -v after it restores the normal verbosity.
		case " $VALGRIND " in
		*" -q "* | *" --quiet "*) H_VG+=(-v) ;;
		esac
		H_VG+=("--log-file=$TESTDIR/vg/$1.%p.log")
	fi
}

h_require_samba()
{
	[ -x "$SAMBA_EVENTD" ] || h_skip "$SAMBA_EVENTD not installed"
	[ -x "$SAMBA_EVENT" ] || h_skip "$SAMBA_EVENT not installed"
}

# h_memory_bounds: true when RSS bounds mean something: not under
# valgrind (its figures are its own) and not in an AddressSanitizer build,
# whose quarantine keeps freed memory for a while. Tests print their
# figures either way and assert bounds only when this holds.
h_memory_bounds()
{
	[ -z "${VALGRIND:-}" ] && ! grep -q -a __asan_init "$OUR_EVENTD"
}

h_require_ours()
{
	local b

	for b in "$OUR_EVENTD" "$OUR_EVENT" "$@"; do
		[ -x "$b" ] || h_die "$b not built"
	done
}

# ---------------------------------------------------------------- base dirs

# setup_base NAME [LOGLEVEL]: create $TESTDIR/NAME with ctdb.conf (logging to
# NAME/log.ctdb at DEBUG), events/, share/events/, run/ (0700) and var/.
# Prints the path. Extra ctdb.conf lines can be appended with conf_add.
setup_base()
{
	local base="$TESTDIR/$1" level=${2:-DEBUG}

	mkdir -p "$base/events" "$base/share/events" "$base/var" || return 1
	mkdir -m 0700 "$base/run" || return 1
	cat >"$base/ctdb.conf" <<EOF
[logging]
	location = file:$base/log.ctdb
	log level = $level
EOF
	echo "$base"
}

# conf_add BASE LINES...: append lines to BASE/ctdb.conf.
conf_add()
{
	local base=$1
	shift
	printf '%s\n' "$@" >>"$base/ctdb.conf"
}

# add_component BASE COMP [installed]: create events/COMP (or share/events/COMP).
add_component()
{
	if [ "${3:-}" = installed ]; then
		mkdir -p "$1/share/events/$2"
	else
		mkdir -p "$1/events/$2"
	fi
}

# add_script BASE COMP FILE MODE: the script body comes on stdin. A
# "#!/bin/sh" line is prepended unless the body starts with "#!". Bodies
# may use $PIDFILE-style recording through the h_record line below.
add_script()
{
	local base=$1 comp=$2 file=$3 mode=${4:-755} path body

	path="$base/events/$comp/$file"
	mkdir -p "$base/events/$comp"
	body=$(cat)
	case "$body" in
	'#!'*) printf '%s\n' "$body" >"$path" ;;
	*) printf '#!/bin/sh\n%s\n' "$body" >"$path" ;;
	esac
	chmod "$mode" "$path"
}

# The line a fixture script uses to record its pid (its process group) so
# the cleanup can kill what a daemon left running.
H_RECORD='echo $$ >>"$CTDB_BASE/script.pids"'

# ---------------------------------------------------------------- daemons

h_startup_written()
{
	[ -f "$1" ] && [ "$(stat -c %s "$1")" -ge 4 ]
}

# daemon_start FLAVOUR BASE [ARGS...]: start ours or samba's ctdb-eventd with
# -P <this shell, or $DAEMON_WATCH_PID> -S 9 (fd 9 writes to
# BASE/startup.bytes) and wait until the 4 startup bytes arrived. Sets DAEMON_PID. Returns 1 if the daemon did not
# come up (its exit status is then in DAEMON_RC).
daemon_start()
{
	local flavour=$1 base=$2 bin
	shift 2

	case "$flavour" in
	ours)
		h_vg eventd
		bin=("${H_VG[@]}" "$OUR_EVENTD")
		;;
	samba) bin=("$SAMBA_EVENTD") ;;
	*) h_die "unknown daemon flavour $flavour" ;;
	esac
	rm -f "$base/startup.bytes"
	CTDB_TEST_MODE=yes CTDB_BASE="$base" \
		"${bin[@]}" -P "${DAEMON_WATCH_PID:-$$}" -S 9 "$@" 9>"$base/startup.bytes" \
		</dev/null >"$base/daemon.stdout" 2>"$base/daemon.stderr" &
	DAEMON_PID=$!
	DAEMON_RC=
	H_DAEMON_PIDS+=("$DAEMON_PID")
	echo "$DAEMON_PID" >"$base/daemon.testpid"
	if ! wait_until 10 daemon_started_or_gone "$base" "$DAEMON_PID"; then
		h_msg "daemon $flavour in $base did not start in time"
		return 1
	fi
	if ! h_startup_written "$base/startup.bytes"; then
		wait "$DAEMON_PID"
		DAEMON_RC=$?
		return 1
	fi
	return 0
}

daemon_started_or_gone()
{
	h_startup_written "$1/startup.bytes" || ! h_alive "$2"
}

# daemon_wait_exit PID SECONDS: wait for the daemon to exit; DAEMON_RC gets
# its exit status. Returns 1 if it is still running after SECONDS.
daemon_wait_exit()
{
	if ! wait_until "$2" eval "! h_alive $1"; then
		return 1
	fi
	wait "$1"
	DAEMON_RC=$?
	return 0
}

# daemon_stop BASE: SIGTERM the daemon of BASE and wait for it (DAEMON_RC).
daemon_stop()
{
	local pid

	pid=$(cat "$1/daemon.testpid") || return 1
	kill -TERM "$pid" 2>/dev/null
	daemon_wait_exit "$pid" 10
}

# ---------------------------------------------------------------- tools

# run_tool FLAVOUR BASE ARGS...: run ctdb-event (ours), "ctdb event" (ctdb) or
# Samba's ctdb-event (samba) in test mode on BASE. stdout and stderr are the
# tool's; the exit status is the tool's.
run_tool()
{
	local flavour=$1 base=$2 cmd
	shift 2

	case "$flavour" in
	ours)
		h_vg event
		cmd=("${H_VG[@]}" "$OUR_EVENT")
		;;
	ctdb)
		h_vg ctdb
		cmd=("${H_VG[@]}" "$OUR_CTDB" event)
		;;
	samba) cmd=("$SAMBA_EVENT") ;;
	*) h_die "unknown tool flavour $flavour" ;;
	esac
	CTDB_TEST_MODE=yes CTDB_BASE="$base" "${cmd[@]}" "$@"
}

# tool_rc FLAVOUR BASE ARGS...: like run_tool with stderr discarded into
# BASE/tool.stderr, then a line "rc=N".
tool_rc()
{
	local base=$2 rc

	run_tool "$@" 2>>"$base/tool.stderr"
	rc=$?
	echo "rc=$rc"
}

# tool_all FLAVOUR BASE ARGS...: like run_tool, printing stdout, then each
# stderr line prefixed "stderr: ", then "rc=N".
tool_all()
{
	local base=$2 rc

	run_tool "$@" 2>"$base/tool_all.stderr"
	rc=$?
	sed -e 's/^/stderr: /' "$base/tool_all.stderr"
	echo "rc=$rc"
}

# run_tool_bg OUTFILE FLAVOUR BASE ARGS...: tool_rc in the background, output
# to OUTFILE. Sets BG_PID (also recorded for cleanup).
run_tool_bg()
{
	local out=$1
	shift
	tool_rc "$@" >"$out" &
	BG_PID=$!
	H_BG_PIDS+=("$BG_PID")
}

# The syscalls a client blocks in while it waits for its reply: read,
# poll, ppoll, epoll_wait, epoll_pwait, epoll_pwait2, recvfrom, recvmsg.
h_blocked_waiting()
{
	local nr

	read -r nr _ <"/proc/$1/syscall" 2>/dev/null || return 1
	case "$nr" in
	0 | 7 | 271 | 232 | 281 | 441 | 45 | 47) return 0 ;;
	esac
	return 1
}

# No bytes wait unread on the daemon's side of any connection to the socket.
h_daemon_read_all()
{
	local sock="$1/run/eventd.socket"

	command -v ss >/dev/null 2>&1 || return 0
	! ss -xn 2>/dev/null | awk -v s="$sock" '$5 == s && $3 != 0 { f = 1 } END { exit !f }'
}

h_request_sent_once()
{
	local tool_pid=$1 base=$2 child

	# The tool is a child of the tool_rc subshell.
	for child in $(cat "/proc/$tool_pid/task/$tool_pid/children" 2>/dev/null); do
		h_blocked_waiting "$child" || return 1
		h_daemon_read_all "$base" || return 1
		return 0
	done
	return 1
}

h_request_sent()
{
	h_request_sent_once "$1" "$2" || return 1
	sleep 0.05
	h_request_sent_once "$1" "$2"
}

# wait_request_sent BG_PID BASE: wait until the background tool started by
# run_tool_bg has sent its request and the daemon has read it (the tool is
# blocked waiting for the reply and no bytes are unread on the daemon side).
wait_request_sent()
{
	wait_until 10 h_request_sent "$1" "$2"
}

# bg_tool_pid BG_PID: the pid of the tool run by run_tool_bg (the child of
# the background subshell), empty if it is not running.
bg_tool_pid()
{
	local c
	for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		echo "$c"
		return 0
	done
	return 1
}

# Is any process of process group PGID alive (zombies do not count)?
# Only shell builtins in the loop: a scan must be quick.
h_pgrp_alive()
{
	local f st fields

	for f in /proc/[0-9]*/stat; do
		read -r st 2>/dev/null <"$f" || continue
		# Fields after "(comm) ": state ppid pgrp ...
		read -r -a fields <<<"${st##*) }"
		if [ "${fields[2]}" = "$1" ]; then
			case "${fields[0]}" in
			Z | X) ;;
			*) return 0 ;;
			esac
		fi
	done
	return 1
}

h_pgrp_gone()
{
	! h_pgrp_alive "$1"
}

# check_gone NAME PIDFILE SECONDS: the process group whose leader's pid a
# script wrote to PIDFILE is gone within SECONDS.
check_gone()
{
	local pid

	pid=$(cat "$2" 2>/dev/null)
	case "$pid" in
	'' | *[!0-9]*)
		h_fail "$1: no pid in $2"
		return 1
		;;
	esac
	check "$1" wait_until "$3" h_pgrp_gone "$pid"
}

# ---------------------------------------------------------------- outputs

# Replace what varies between runs: "<duration> <ctime date>" of OK/ERROR
# lines becomes "DUR DATE", a lone ctime date (TIMEDOUT) becomes "DATE",
# and "pid=N"/"pid N" become "pid=PID"/"pid PID".
filter_result()
{
	sed -E \
		-e 's/[0-9]+\.[0-9]{3} [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}$/DUR DATE/' \
		-e 's/[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}$/DATE/' \
		-e 's/pid([= ])[0-9]+/pid\1PID/g'
}

# check_output NAME EXPECTED_FILE ACTUAL_FILE: exact compare, diff on failure.
check_output()
{
	if cmp -s "$2" "$3"; then
		h_pass "$1"
		return 0
	fi
	h_fail "$1: output differs (--- expected, +++ got)"
	diff -u "$2" "$3" | sed -e 's/^/    /'
	return 1
}

# expect NAME COMMAND...: run COMMAND (typically tool_rc ...), filter its
# output and compare it with the expected text on stdin.
expect()
{
	local name=$1 n
	shift
	n=$((H_PASSED + H_FAILED))
	cat >"$TESTDIR/expected.$n"
	"$@" | filter_result >"$TESTDIR/actual.$n"
	check_output "$name" "$TESTDIR/expected.$n" "$TESTDIR/actual.$n"
}

# check NAME COMMAND...: a boolean assertion.
check()
{
	local name=$1
	shift
	if "$@"; then
		h_pass "$name"
		return 0
	fi
	h_fail "$name"
	return 1
}

h_finish()
{
	local s

	echo "$H_PASSED passed, $H_FAILED failed, ${#H_SKIPPED[@]} skipped"
	if [ $H_FAILED -gt 0 ]; then
		exit 1
	fi
	if [ ${#H_SKIPPED[@]} -gt 0 ]; then
		for s in "${H_SKIPPED[@]}"; do
			echo "not checked: $s"
		done
		exit 77
	fi
	exit 0
}
