# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the ctdb-noded tests: a base with recording event scripts, the
# node daemon started by pid, a tiny client for noded.socket, log polling.
#
# Source it after harness.sh. The legacy scripts never touch an interface:
# 01.record appends "<event> <args>" to BASE/events.log, and 50.service
# fails its monitor (first line of output "service is down: ...") while
# BASE/monitor.fail exists.

NODED="$abs_top_builddir/ctdb-noded"

# A notification socket from the environment that runs the tests (a
# systemd unit, a CI runner) must not receive our test daemons' messages.
unset NOTIFY_SOCKET

nl_require()
{
	h_require_ours "$NODED"
	command -v python3 >/dev/null 2>&1 || h_skip "python3 not installed"
	nl_write_client
}

# Milliseconds since the epoch.
nl_now_ms()
{
	local t

	if [ -n "${EPOCHREALTIME:-}" ]; then
		t=${EPOCHREALTIME/[.,]/}
		echo $((t / 1000))
	else
		date +%s%3N
	fi
}

# A public address unique to this run (never configured anywhere).
NL_IP="127.$(($$ % 200 + 20)).$((($$ / 200) % 250 + 1)).$((RANDOM % 250 + 1))"

# nl_base NAME [TUNABLE=VALUE...]: a base dir with the recording scripts,
# public_addresses "$NL_IP/32 lo" and ctdb.tunables with MonitorInterval=1
# plus the given lines. Prints the path.
nl_base()
{
	local name=$1 b
	shift

	b=$(setup_base "$name") || return 1
	add_script "$b" legacy 01.record.script <<'EOF'
echo "$*" >>"$CTDB_BASE/events.log"
EOF
	add_script "$b" legacy 50.service.script <<'EOF'
if [ "$1" = monitor ] && [ -e "$CTDB_BASE/monitor.fail" ]; then
	echo "service is down: $(cat "$CTDB_BASE/monitor.fail")"
	echo "second line"
	echo failed >>"$CTDB_BASE/monitor-failures.log"
	exit 1
fi
exit 0
EOF
	echo "$NL_IP/32 lo" >"$b/public_addresses"
	printf '%s\n' MonitorInterval=1 "$@" >"$b/ctdb.tunables"
	echo "$b"
}

# The event daemon under valgrind needs a wrapper: ctdb-noded execs one
# path with -P and -S.
nl_eventd_path()
{
	local w="$TESTDIR/vg-eventd"

	if [ -z "${VALGRIND:-}" ]; then
		echo "$OUR_EVENTD"
		return
	fi
	if [ ! -x "$w" ]; then
		h_vg eventd
		{
			echo '#!/bin/sh'
			printf 'exec'
			printf ' %q' "${H_VG[@]}" "$OUR_EVENTD"
			echo ' "$@"'
		} >"$w"
		chmod 755 "$w"
	fi
	echo "$w"
}

# nl_start BASE [EVENTD] [ARGS...]: start ctdb-noded in test mode on BASE
# with CTDB_EVENTD=EVENTD (default: ours). Sets NL_PID.
nl_start()
{
	local b=$1 eventd=${2:-}
	shift
	if [ $# -gt 0 ]; then
		shift
	fi

	[ -n "$eventd" ] || eventd=$(nl_eventd_path)
	h_vg noded
	CTDB_TEST_MODE=yes CTDB_BASE="$b" CTDB_EVENTD="$eventd" \
		"${H_VG[@]}" "$NODED" "$@" \
		</dev/null >"$b/noded.stdout" 2>"$b/noded.stderr" &
	NL_PID=$!
	H_DAEMON_PIDS+=("$NL_PID")
	echo "$NL_PID" >"$b/noded.testpid"
}

# nl_stop BASE: SIGTERM and wait for the exit status (DAEMON_RC).
nl_stop()
{
	local pid

	pid=$(cat "$1/noded.testpid") || return 1
	kill -TERM "$pid" 2>/dev/null
	daemon_wait_exit "$pid" 30
}

# nl_log_has BASE EXTENDED-REGEX: the shared daemon log has a match.
nl_log_has()
{
	grep -E -q -- "$2" "$1/log.ctdb" 2>/dev/null
}

# nl_count BASE EXTENDED-REGEX: matching lines of the event log.
nl_count()
{
	local n

	n=$(grep -E -c -- "$2" "$1/events.log" 2>/dev/null)
	echo "${n:-0}"
}

# nl_count_ge BASE REGEX N: at least N matching lines in the event log.
nl_count_ge()
{
	[ "$(nl_count "$1" "$2")" -ge "$3" ]
}

# The event log without monitor lines.
nl_events_no_monitor()
{
	grep -v '^monitor$' "$1/events.log"
}

# No takeover run is in progress: the last event other than a monitor is
# ipreallocated (or nothing has moved since start-up).
nl_takeover_done()
{
	[ "$(grep -v '^monitor$' "$1/events.log" 2>/dev/null | tail -n 1)" = ipreallocated ]
}

nl_wait_running()
{
	wait_until "${2:-20}" nl_log_has "$1" 'runstate STARTUP -> RUNNING'
}

# nl_ctl BASE ARGS...: the test client for noded.socket (see below).
nl_ctl()
{
	local b=$1
	shift
	python3 "$TESTDIR/nodectl.py" "$b/run/noded.socket" "$@"
}

# nl_ctl_is BASE EXPECTED ARGS...: the client prints exactly EXPECTED.
nl_ctl_is()
{
	local b=$1 want=$2 got
	shift 2
	got=$(nl_ctl "$b" "$@" 2>&1)
	[ "$got" = "$want" ]
}

# nl_show BASE: the logs, for a failed check.
nl_show()
{
	echo "--- events.log"
	sed -e 's/^/    /' "$1/events.log" 2>/dev/null
	echo "--- log.ctdb"
	sed -e 's/^/    /' "$1/log.ctdb" 2>/dev/null
	echo "--- noded.stderr"
	sed -e 's/^/    /' "$1/noded.stderr" 2>/dev/null
}

# A client for noded.socket written from src/protocol/node_protocol.h:
# header {u32 length, u32 version 0, u32 reqid}, u32 cmd, body; strings are
# u32 length (with the NUL, 0 = NULL) and the bytes. The reply is header,
# u32 cmd, i32 result and a body when result is 0. It prints the reply in
# a stable text form and exits with the result ("closed" and 255 when the
# daemon closes the connection instead).
nl_write_client()
{
	cat >"$TESTDIR/nodectl.py" <<'EOF'
import socket
import struct
import sys

CMDS = {"status": 100, "runstate": 101, "ips": 102, "getvar": 103,
        "setvar": 104, "listvars": 105, "stop": 106, "continue": 107,
        "shutdown": 108}
RUNSTATES = ["UNKNOWN", "INIT", "SETUP", "FIRST_RECOVERY", "STARTUP",
             "RUNNING", "SHUTDOWN"]


def stringn(s):
    if s is None:
        return struct.pack("<I", 0)
    b = s.encode() + b"\0"
    return struct.pack("<I", len(b)) + b


class Reader:
    def __init__(self, buf):
        self.buf = buf
        self.off = 0

    def u32(self):
        v, = struct.unpack_from("<I", self.buf, self.off)
        self.off += 4
        return v

    def i32(self):
        v, = struct.unpack_from("<i", self.buf, self.off)
        self.off += 4
        return v

    def string(self):
        n = self.u32()
        if n == 0:
            return None
        s = self.buf[self.off:self.off + n - 1].decode()
        self.off += n
        return s


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def call(path, payload):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(60)
    sock.connect(path)
    try:
        sock.sendall(payload)
        head = recv_exact(sock, 4)
        if head is None:
            return None
        length, = struct.unpack("<I", head)
        rest = recv_exact(sock, length - 4)
    except ConnectionResetError:
        return None
    finally:
        sock.close()
    return head + rest if rest is not None else None


def main():
    path, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if cmd == "raw":
        payload = bytes.fromhex(args[0])
    else:
        body = b""
        if cmd == "getvar":
            body = stringn(args[0])
        elif cmd == "setvar":
            body = stringn(args[0]) + struct.pack("<I", int(args[1]))
        req = struct.pack("<I", CMDS[cmd]) + body
        payload = struct.pack("<III", 12 + len(req), 0, 2) + req
    reply = call(path, payload)
    if reply is None:
        print("closed")
        return 255
    r = Reader(reply)
    r.u32(), r.u32(), r.u32()
    rcmd, result = r.u32(), r.i32()
    if result != 0:
        print("result=%d" % result)
        return result
    if cmd == "status":
        pnn, runstate, recmode, leader, num = (r.u32(), r.u32(), r.u32(),
                                               r.u32(), r.u32())
        print("pnn=%d runstate=%s recmode=%d leader=%d" %
              (pnn, RUNSTATES[runstate], recmode, leader))
        own_reason = None
        for _ in range(num):
            npnn, flags, addr, reason = r.u32(), r.u32(), r.string(), \
                r.string()
            line = "node %d %s flags=0x%x" % (npnn, addr, flags)
            if npnn == pnn:
                own_reason = reason
            elif reason is not None:
                line += " reason=%s" % reason
            print(line)
        print("reason=%s" % own_reason)
        why_out = r.string()
        if why_out is not None:
            print("why_out=%s" % why_out)
    elif cmd == "runstate":
        print(RUNSTATES[r.u32()])
    elif cmd == "ips":
        for _ in range(r.u32()):
            addr, bits, ifaces, pnn = r.string(), r.u32(), r.string(), r.i32()
            print("%s/%d %s %d" % (addr, bits, ifaces, pnn))
    elif cmd == "getvar":
        print("%s = %d" % (args[0], r.u32()))
    elif cmd == "listvars":
        for _ in range(r.u32()):
            name, value = r.string(), r.u32()
            print("%s = %d" % (name, value))
    else:
        print("ok")
    return 0


sys.exit(main())
EOF
}
