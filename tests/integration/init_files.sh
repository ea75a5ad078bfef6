#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The init system files: the systemd unit passes systemd-analyze verify,
# and the SysV script parses, is shellcheck-clean and gives LSB's answers
# to status, start, stop and restart, driving a stub daemon in test mode.
#
# Without systemd-analyze, shellcheck or start-stop-daemon the other checks
# still run; the test then ends with 77 (skip) if they all passed, since it
# did not check everything.

set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${abs_top_builddir:=$abs_top_srcdir}"

unit="$abs_top_builddir/init/ctdb-noded.service"
initscript="$abs_top_builddir/init/ctdb-noded"
for f in "$unit" "$initscript"; do
	if [ ! -f "$f" ]; then
		echo "ERROR: $f is not built (run make first)"
		exit 99
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/init_files.XXXXXX") || exit 99
stub_pid_file="$tmp/base/stub.pid"

# Stop a stub daemon that a failed check may have left, by its own pid.
# shellcheck disable=SC2317 # called from the trap
cleanup()
{
	if [ -f "$stub_pid_file" ]; then
		p=$(cat "$stub_pid_file")
		if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
			kill -KILL "$p" 2>/dev/null
		fi
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

failed=0
passed=0
skipped=0

pass()
{
	echo "ok: $*"
	passed=$((passed + 1))
}

fail()
{
	echo "FAIL: $*"
	failed=$((failed + 1))
}

run()
{
	out=$("$@" 2>&1)
	rc=$?
}

# check_rc NAME WANT: the last run() exited WANT.
check_rc()
{
	if [ "$rc" -eq "$2" ]; then
		pass "$1"
	else
		fail "$1: expected exit $2, got $rc; output: $out"
	fi
}

# running PID: the process exists and is not a zombie. Whoever adopts a
# daemon whose starter has exited may be slow to reap it.
running()
{
	case "$(cat "/proc/$1/stat" 2>/dev/null)" in
	"" | *") Z "*) return 1 ;;
	esac
	return 0
}

# contains TEXT PATTERN
contains()
{
	case "$1" in
	*$2*) return 0 ;;
	esac
	return 1
}

# --- the systemd unit -----------------------------------------------------

# key_is KEY VALUE: the unit sets KEY to exactly VALUE.
key_is()
{
	if grep -qx "$1=$2" "$unit"; then
		pass "unit: $1=$2"
	else
		fail "unit: expected $1=$2, got: $(grep "^$1=" "$unit")"
	fi
}

key_is Type notify
key_is KillMode mixed
key_is Restart on-failure
key_is RuntimeDirectory ctdb
key_is RuntimeDirectoryMode 0700
# shellcheck disable=SC2016 # $MAINPID is systemd's, not ours
key_is ExecReload '/bin/kill -HUP $MAINPID'
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
case "$exec_start" in
/*/ctdb-noded) pass "unit: ExecStart is the installed daemon, $exec_start" ;;
*) fail "unit: ExecStart is '$exec_start'" ;;
esac
if grep -q '^ProtectSystem=\|^CapabilityBoundingSet=\|^PrivateTmp=yes' "$unit"; then
	fail "unit: hardening that would break event scripts"
else
	pass "unit: no hardening that takes event scripts' powers away"
fi
for f in "$unit" "$initscript"; do
	if grep -n '@[A-Za-z_]*@' "$f"; then
		fail "$f: placeholder left"
	else
		pass "${f##*/}: every placeholder filled in"
	fi
done

if command -v systemd-analyze >/dev/null 2>&1; then
	# verify insists that ExecStart exists: point it at a stand-in,
	# keep everything else as built.
	mkdir -p "$tmp/unit" "$tmp/sbin"
	printf '#!/bin/sh\nexit 0\n' >"$tmp/sbin/ctdb-noded"
	chmod 0755 "$tmp/sbin/ctdb-noded"
	sed "s|^ExecStart=.*|ExecStart=$tmp/sbin/ctdb-noded|" "$unit" \
		>"$tmp/unit/ctdb-noded.service"
	run systemd-analyze verify --man=no "$tmp/unit/ctdb-noded.service"
	# Only what it says about our unit counts: on a machine without
	# systemd running it may complain about the system's own units.
	ours=$(printf '%s\n' "$out" | grep 'ctdb-noded')
	if [ "$rc" -eq 0 ] && [ -z "$ours" ]; then
		pass "systemd-analyze verify accepts the unit"
	else
		fail "systemd-analyze verify (exit $rc): $out"
	fi
else
	echo "skip: systemd-analyze is not installed; the unit is not verified"
	skipped=$((skipped + 1))
fi

# --- the SysV script: static checks --------------------------------------

run sh -n "$initscript"
check_rc "init script: sh -n" 0

if command -v shellcheck >/dev/null 2>&1; then
	run shellcheck -s sh "$initscript"
	check_rc "init script: shellcheck" 0
else
	echo "skip: shellcheck is not installed"
	skipped=$((skipped + 1))
fi

header=$(sed -n '/^### BEGIN INIT INFO$/,/^### END INIT INFO$/p' "$initscript")
missing=
for k in "Provides:          ctdb-noded" "Required-Start:" "Required-Stop:" \
	 "Default-Start:     2 3 4 5" "Default-Stop:      0 1 6" \
	 "Short-Description:" "### END INIT INFO"; do
	if ! contains "$header" "$k"; then
		missing="$missing '$k'"
	fi
done
if [ -z "$missing" ]; then
	pass "init script: LSB header"
else
	fail "init script: LSB header lacks$missing"
fi

# --- the SysV script: behaviour against a stub daemon --------------------

base="$tmp/base"
mkdir -p "$base" "$tmp/bin"
# The stub runs in the foreground like ctdb-noded, answers --check,
# creates the socket path once "started", and ends on SIGTERM. Files in
# $CTDB_BASE steer it: bad-config, die-at-once, ignore-term.
cat >"$tmp/bin/ctdb-noded" <<'EOF'
#!/bin/sh
case "${1:-}" in
-n | --check)
	if [ -e "$CTDB_BASE/bad-config" ]; then
		echo "ctdb.conf:3: expected \"key = value\""
		exit 22
	fi
	exit 0
	;;
esac
if [ -e "$CTDB_BASE/die-at-once" ]; then
	exit 1
fi
if [ -e "$CTDB_BASE/ignore-term" ]; then
	trap '' TERM
else
	trap 'echo TERM >>"$CTDB_BASE/signals"; rm -f "$CTDB_BASE/run/noded.socket"; exit 0' TERM
fi
echo "$$" >"$CTDB_BASE/stub.pid"
: >"$CTDB_BASE/run/noded.socket"
while :; do
	sleep 0.1
done
EOF
chmod 0755 "$tmp/bin/ctdb-noded"

CTDB_TEST_MODE=yes
CTDB_BASE=$base
CTDB_NODED="$tmp/bin/ctdb-noded"
export CTDB_TEST_MODE CTDB_BASE CTDB_NODED
unset CTDB_INIT_NO_START_STOP_DAEMON CTDB_INIT_STOP_TIMEOUT

# shellcheck disable=SC2317 # called through run()
init()
{
	sh "$initscript" "$@"
}

run init status
check_rc "status without a pid file is 3 (not running)" 3
if [ "$out" = "ctdb-noded is not running" ]; then
	pass "status says: $out"
else
	fail "status output: $out"
fi

run sh -c 'unset CTDB_BASE; exec sh "$1" status' sh "$initscript"
check_rc "test mode without CTDB_BASE is 6 (not configured)" 6

run init frobnicate
check_rc "an unknown command is 2" 2
run init
check_rc "no command is 2" 2

# A pid file whose process has gone, and one naming a live process that
# is not ctdb-noded (this shell): both are "dead, pid file exists".
mkdir -p "$base/run"
sh -c 'exit 0' &
dead=$!
wait "$dead"
echo "$dead" >"$base/run/noded.pid"
run init status
check_rc "status with a stale pid file is 1" 1
echo "$$" >"$base/run/noded.pid"
run init status
check_rc "status with the pid of another program is 1" 1
run init stop
check_rc "stop with a stale pid file is 0" 0
if [ ! -e "$base/run/noded.pid" ]; then
	pass "stop removes a stale pid file"
else
	fail "stop left the stale pid file"
fi

# cycle NAME: start, status, start again, restart, stop, stop again.
cycle()
{
	rm -f "$base/signals" "$stub_pid_file"
	run init start
	check_rc "$1: start" 0
	run init status
	check_rc "$1: status after start is 0" 0
	p=$(cat "$stub_pid_file" 2>/dev/null)
	if [ -n "$p" ] && [ "$out" = "ctdb-noded is running (pid $p)" ]; then
		pass "$1: status names the daemon's pid"
	else
		fail "$1: status '$out', stub pid '$p'"
	fi
	run init start
	check_rc "$1: start while running" 0
	if contains "$out" "already running (pid $p)"; then
		pass "$1: a second start leaves it alone"
	else
		fail "$1: second start said '$out'"
	fi

	run init restart
	check_rc "$1: restart" 0
	p2=$(cat "$stub_pid_file" 2>/dev/null)
	if [ -n "$p2" ] && [ "$p2" != "$p" ] && ! running "$p" &&
	   [ "$(cat "$base/signals" 2>/dev/null)" = TERM ]; then
		pass "$1: restart ends the old daemon with SIGTERM, starts a new one"
	else
		fail "$1: restart: old pid $p, new pid $p2, signals '$(cat "$base/signals" 2>/dev/null)'"
	fi

	run init stop
	check_rc "$1: stop" 0
	if ! running "$p2" && [ ! -e "$base/run/noded.pid" ]; then
		pass "$1: stop waits until the daemon is gone, pid file removed"
	else
		fail "$1: after stop: pid $p2 alive or pid file left"
	fi
	run init status
	check_rc "$1: status after stop is 3" 3
	run init stop
	check_rc "$1: stop when not running is 0" 0
}

if command -v start-stop-daemon >/dev/null 2>&1; then
	cycle "start-stop-daemon"
else
	echo "skip: start-stop-daemon is not installed; nohup path only"
	skipped=$((skipped + 1))
fi
CTDB_INIT_NO_START_STOP_DAEMON=1
export CTDB_INIT_NO_START_STOP_DAEMON
cycle "nohup"

: >"$base/bad-config"
run init start
check_rc "start with a bad configuration is 6 (not configured)" 6
if contains "$out" 'ctdb.conf:3: expected "key = value"'; then
	pass "start shows what the configuration check said"
else
	fail "start with a bad configuration said '$out'"
fi
rm -f "$base/bad-config"

: >"$base/die-at-once"
run init start
check_rc "start of a daemon that exits at once is 1" 1
run init status
check_rc "status after a failed start is 3" 3
rm -f "$base/die-at-once"

run env CTDB_NODED="$tmp/bin/none" sh "$initscript" start
check_rc "start without the daemon installed is 5" 5

# A daemon that ignores SIGTERM is killed once STOP_TIMEOUT has passed.
: >"$base/ignore-term"
rm -f "$stub_pid_file"
run init start
check_rc "start of a daemon that ignores SIGTERM" 0
p=$(cat "$stub_pid_file" 2>/dev/null)
run env CTDB_INIT_STOP_TIMEOUT=1 sh "$initscript" stop
check_rc "stop of a daemon that ignores SIGTERM" 0
if contains "$out" "still there after 1 s, killing it" &&
   [ -n "$p" ] && ! running "$p"; then
	pass "stop kills a daemon that outlives STOP_TIMEOUT"
else
	fail "stop with STOP_TIMEOUT=1: '$out', pid '$p'"
fi
rm -f "$base/ignore-term"

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$failed" -ne 0 ]; then
	exit 1
fi
if [ "$skipped" -gt 0 ]; then
	exit 77
fi
exit 0
