#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fault matrix for our ctdb-eventd: scripts that misbehave (ignore SIGTERM,
# leave a grandchild on the output pipe, flood output, die on a signal,
# vanish or lose their x bit mid-event, lose their directory) and clients
# that misbehave (killed mid-RUN, half a packet then silence). After each
# case the daemon still serves, no process of the test is left and its
# fd count is back where it started. One "MATRIX:" line per case.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

h_require_ours
command -v python3 >/dev/null 2>&1 || h_skip "python3 not installed"
h_init

# The system's interpreter if there is one (a pyenv shim is slow to start).
PY=python3
for p in /usr/bin/python3 /usr/local/bin/python3; do
	if [ -x "$p" ]; then
		PY=$p
		break
	fi
done

B=$(setup_base fe INFO) || h_die "setup_base failed"
GRACE=$((1 * H_SCALE))
conf_add "$B" "[event]" "	kill grace period = $GRACE"
# The output limit is left at its default, 1 MiB.
LIMIT=1048576

# Memory bounds are asserted on a plain build only: AddressSanitizer's
# quarantine keeps every freed buffer for a while, and valgrind's figures
# are its own. The figures are printed either way.
MEMCHECK=yes
if [ -n "${VALGRIND:-}" ] || grep -q -a __asan_init "$OUR_EVENTD"; then
	MEMCHECK=no
fi

# Every script and whatever it starts inherits this from the daemon's
# environment, so leftovers are found without knowing their pids.
MARK="fault-eventd-$$"

# ------------------------------------------------------------- helpers

wait_file()
{
	wait_until 10 test -e "$1"
}

fd_count()
{
	local a=("/proc/$1/fd"/*)
	echo "${#a[@]}"
}

fds_back()
{
	[ "$(fd_count "$DPID")" -eq "$FD0" ]
}

# Processes carrying the mark, other than the daemon itself.
marked_procs()
{
	grep -l -z -x -s "FAULT_MARK=$MARK" /proc/[0-9]*/environ |
		sed -e 's,^/proc/,,' -e 's,/environ$,,' | grep -v -x "$DPID"
}

no_marked_procs()
{
	[ -z "$(marked_procs)" ]
}

# kb FIELD: a VmXXX figure of the daemon, in kB.
daemon_kb()
{
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$DPID/status"
}

CASE=
CASE_FAILED=0
MATRIX=()

case_begin()
{
	CASE=$1
	CASE_FAILED=$H_FAILED
	echo "--- case $1: $2"
}

# case_end WHAT: the common after-checks, then the matrix line.
case_end()
{
	local verdict=PASS

	expect "$CASE: the daemon still serves" tool_rc ours "$B" run 10 ok monitor <<'EOF'
rc=0
EOF
	if ! check "$CASE: no process of the test left" wait_until 10 no_marked_procs; then
		echo "    left: $(marked_procs | tr '\n' ' ')"
	fi
	if ! check "$CASE: fd count back to $FD0" wait_until 5 fds_back; then
		echo "    now $(fd_count "$DPID"):"
		ls -l "/proc/$DPID/fd" | sed -e 's/^/    /'
	fi
	[ "$H_FAILED" -eq "$CASE_FAILED" ] || verdict=FAIL
	MATRIX+=("$(printf 'MATRIX: %-3s %-58s %s' "$CASE" "$1" "$verdict")")
}

# ------------------------------------------------------------- scripts

add_script "$B" ok 01.ok.script <<'EOF'
exit 0
EOF

# (a) Ignores SIGTERM, as does everything it starts.
add_script "$B" term 01.ignore.script <<'EOF'
trap '' TERM
echo $$ >"$CTDB_BASE/term.pid"
echo "ignoring TERM"
exec >/dev/null 2>&1
sleep 600
EOF

# (b) Leaves a grandchild holding the output pipe, and exits.
add_script "$B" gchild 01.fork.script <<'EOF'
sh -c 'echo $$ >"$CTDB_BASE/gchild.pid"; exec sleep 600' &
i=0
while [ ! -s "$CTDB_BASE/gchild.pid" ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
echo "parent done"
exit 0
EOF

# (b2) The same grandchild, but the script itself then hangs.
add_script "$B" gchang 01.forkhang.script <<'EOF'
sh -c 'echo $$ >"$CTDB_BASE/gchang.pid"; exec sleep 600' &
echo "parent hangs"
sleep 600
EOF

# (c) 100 MB of 1000-byte lines.
add_script "$B" flood 01.flood.script <<'EOF'
yes "$(printf '%0999d' 0)" | head -c 100000000
EOF

# (d) Ends on a signal.
add_script "$B" sig 01.segv.script <<'EOF'
echo "about to crash"
kill -SEGV $$
EOF
add_script "$B" sigkill 01.kill.script <<'EOF'
kill -KILL $$
EOF

# (e) The first script holds the event while the test removes the second
# and takes the x bit from the third.
add_script "$B" mid 01.gate.script <<'EOF'
touch "$CTDB_BASE/mid.started"
i=0
while [ ! -e "$CTDB_BASE/mid.release" ] && [ $i -lt 1200 ]; do
	sleep 0.05
	i=$((i + 1))
done
echo gate
EOF
add_script "$B" mid 02.gone.script <<'EOF'
echo "should not run" >>"$CTDB_BASE/mid.ran"
EOF
add_script "$B" mid 03.noexec.script <<'EOF'
echo "should not run" >>"$CTDB_BASE/mid.ran"
EOF
add_script "$B" mid 04.after.script <<'EOF'
echo after
EOF

# (f) The same gate, in a directory the test removes.
make_vanish()
{
	add_script "$B" vanish 01.gate.script <<'EOF'
touch "$CTDB_BASE/vanish.started"
i=0
while [ ! -e "$CTDB_BASE/vanish.release" ] && [ $i -lt 1200 ]; do
	sleep 0.05
	i=$((i + 1))
done
echo gate
EOF
	add_script "$B" vanish 02.next.script <<'EOF'
echo next
EOF
}
make_vanish

# (g) Held while the test kills the client.
add_script "$B" hold 01.hold.script <<'EOF'
touch "$CTDB_BASE/hold.started"
i=0
while [ ! -e "$CTDB_BASE/hold.release" ] && [ $i -lt 1200 ]; do
	sleep 0.05
	i=$((i + 1))
done
echo "held $1"
EOF

# (h) A client that sends the first bytes of a request and stalls until
# released (or 60 s).
cat >"$TESTDIR/stall.py" <<'EOF'
import os, socket, struct, sys, time
path, announced, send, tag = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
data = struct.pack("<I", announced) + b"\0" * 64
s.sendall(data[:send])
base = os.path.dirname(os.path.dirname(path))
open(os.path.join(base, tag + ".sent"), "w").close()
s.settimeout(0.05)
closed = False
for _ in range(1200):
    if os.path.exists(os.path.join(base, tag + ".release")):
        break
    try:
        if s.recv(1) == b"":
            closed = True
            break
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
        break
print("closed by daemon" if closed else "still open")
EOF

FAULT_MARK=$MARK daemon_start ours "$B" ||
	h_die "our daemon did not start: $(cat "$B/daemon.stderr")"
DPID=$DAEMON_PID
expect "warm-up run" tool_rc ours "$B" run 10 ok monitor <<'EOF'
rc=0
EOF
FD0=$(fd_count "$DPID")
HWM0=$(daemon_kb VmHWM)
echo "daemon pid $DPID: $FD0 fds, VmHWM ${HWM0} kB at start"

# ------------------------------------------------------------- (a)

case_begin a "a script that ignores SIGTERM and hangs past the timeout"
expect "a: run times out" tool_rc ours "$B" run 2 term monitor <<'EOF'
Event monitor in term timed out
rc=110
EOF
expect "a: status TIMEDOUT with the output" tool_rc ours "$B" status term monitor <<'EOF'
01.ignore            TIMEDOUT   DATE
  OUTPUT: ignoring TERM
rc=110
EOF
check_gone "a: killed after the grace period" "$B/term.pid" $((GRACE + 5))
check "a: logged as killed (ignored SIGTERM)" wait_until 5 \
	grep -q "01.ignore: timed out in event monitor, process group [0-9]* killed (ignored SIGTERM)" "$B/log.ctdb"
case_end "ignores SIGTERM past timeout: TIMEDOUT, SIGKILL after grace"

# ------------------------------------------------------------- (b)

case_begin b "a grandchild keeps the output pipe open"
t0=$(h_now_us)
expect "b: the event completes without waiting for the grandchild" \
	tool_rc ours "$B" run 30 gchild monitor <<'EOF'
rc=0
EOF
t1=$(h_now_us)
check "b: ... promptly (< 10 s, the grandchild sleeps 600 s)" \
	test $((t1 - t0)) -lt $((10 * H_SCALE * 1000000))
expect "b: status keeps what the script wrote" tool_rc ours "$B" status gchild monitor <<'EOF'
01.fork              OK         DUR DATE
  OUTPUT: parent done
rc=0
EOF
gc=$(cat "$B/gchild.pid" 2>/dev/null)
# Documented: what a script leaves behind when it exits is not killed.
check "b: the grandchild is left running (documented)" h_alive "${gc:-none}"
# Shows that the leftover check of every case can see such a process.
check "b: the leftover check finds it by its mark" \
	eval 'marked_procs | grep -q -x "${gc:-none}"'
check "b: the daemon closed its end of the pipe while the grandchild holds it" \
	wait_until 5 fds_back
[ -n "$gc" ] && kill -KILL "$gc" 2>/dev/null
case_end "grandchild holds the pipe: event done at once, pipe closed"

case_begin b2 "a grandchild on the pipe, and the script times out"
expect "b2: run times out" tool_rc ours "$B" run 2 gchang monitor <<'EOF'
Event monitor in gchang timed out
rc=110
EOF
gc=$(cat "$B/gchang.pid" 2>/dev/null)
check "b2: the grandchild dies with the script's group" \
	wait_until $((GRACE + 5)) eval "! h_alive ${gc:-0}"
case_end "grandchild + timeout: the whole process group is killed"

# ------------------------------------------------------------- (c)

case_begin c "100 MB of output"
expect "c: run succeeds" tool_rc ours "$B" run 60 flood monitor <<'EOF'
rc=0
EOF
tool_rc ours "$B" status flood monitor >"$TESTDIR/flood.out"
expect "c: status header" eval "head -n 2 '$TESTDIR/flood.out' | cut -c 1-30" <<'EOF'
01.flood             OK       
  OUTPUT:
EOF
# Line lengths (indented by 4): 1 MiB of 1000-byte lines is 1048 whole
# lines and 576 bytes of the next, then the marker, then "rc=0".
discarded=$((100000000 - LIMIT))
expect "c: kept output is the limit, then the marker" \
	eval "sed -n '3,\$p' '$TESTDIR/flood.out' | awk '{ n[length(\$0)]++ } END { for (l in n) print l, n[l] }' | sort -n" <<EOF
4 1
48 1
580 1
1003 1048
EOF
expect "c: the marker line" eval "tail -n 2 '$TESTDIR/flood.out'" <<EOF
    [output truncated: $discarded bytes discarded]
rc=0
EOF
HWM1=$(daemon_kb VmHWM)
RSS1=$(daemon_kb VmRSS)
echo "c: daemon VmHWM ${HWM0} -> ${HWM1} kB, VmRSS now ${RSS1} kB"
if [ $MEMCHECK = yes ]; then
	check "c: peak RSS grew by less than 16 MiB" test $((HWM1 - HWM0)) -lt 16384
	check "c: peak RSS below 32 MiB" test "$HWM1" -lt 32768
fi
case_end "100 MB output: 1 MiB kept + marker, RSS bounded"

# ------------------------------------------------------------- (c2)

case_begin c2 "a client pipelines requests and does not read the replies"
# 100 STATUS requests for the 1 MiB status of (c), sent at once; the
# replies are read only when the test says so, after the client's socket
# buffer has filled up.
cat >"$TESTDIR/pipeline.py" <<'EOF'
import fcntl, os, socket, struct, sys, termios, time
path, n, base = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def string(v):
    b = v.encode() + b"\0"
    return struct.pack("<I", len(b)) + b
body = struct.pack("<I", 2) + string("flood") + string("monitor")
pkt = struct.pack("<III", 12 + len(body), 0, 1) + body
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.sendall(pkt * n)
for _ in range(1200):
    avail = struct.unpack("i", fcntl.ioctl(s, termios.FIONREAD, b"\0" * 4))[0]
    if avail >= 100000:
        break
    time.sleep(0.05)
open(os.path.join(base, "pipeline.full"), "w").close()
for _ in range(1200):
    if os.path.exists(os.path.join(base, "pipeline.read")):
        break
    time.sleep(0.05)
s.settimeout(60)
got, buf = 0, bytearray()
while got < n:
    chunk = s.recv(1 << 20)
    if not chunk:
        break
    buf += chunk
    while len(buf) >= 4 and len(buf) >= struct.unpack_from("<I", buf)[0]:
        del buf[:struct.unpack_from("<I", buf)[0]]
        got += 1
print("%d replies" % got)
EOF
rm -f "$B"/pipeline.*
HWMC=$(daemon_kb VmHWM)
"$PY" "$TESTDIR/pipeline.py" "$B/run/eventd.socket" 100 "$B" \
	>"$TESTDIR/pipeline.out" 2>&1 &
pp=$!
H_BG_PIDS+=("$pp")
check "c2: the client's socket buffer fills up" wait_file "$B/pipeline.full"
HWMD=$(daemon_kb VmHWM)
echo "c2: daemon VmHWM ${HWMC} -> ${HWMD} kB with 100 MiB of replies asked for"
# Without flow control the daemon would queue all 100 replies at once.
if [ $MEMCHECK = yes ]; then
	check "c2: the daemon queued a bounded amount (< 16 MiB more)" \
		test $((HWMD - HWMC)) -lt 16384
fi
touch "$B/pipeline.read"
wait "$pp"
expect "c2: every request is answered once the client reads" cat "$TESTDIR/pipeline.out" <<'EOF'
100 replies
EOF
case_end "pipelined requests, replies unread: input paused, all answered"

# ------------------------------------------------------------- (d)

case_begin d "a script that dies on a signal"
expect "d: SIGSEGV: run fails" tool_rc ours "$B" run 10 sig monitor <<'EOF'
Event monitor in sig failed
rc=8
EOF
expect "d: SIGSEGV: status" tool_rc ours "$B" status sig monitor <<'EOF'
01.segv              CANNOT RUN (Interrupted system call)
  OUTPUT: about to crash
rc=4
EOF
expect "d: SIGKILL: status" eval "tool_rc ours '$B' run 10 sigkill monitor >/dev/null; tool_rc ours '$B' status sigkill monitor" <<'EOF'
01.kill              CANNOT RUN (Interrupted system call)
  OUTPUT: 
rc=4
EOF
case_end "killed by SIGSEGV/SIGKILL: CANNOT RUN (EINTR), as CTDB"

# ------------------------------------------------------------- (e)

case_begin e "scripts deleted / made non-executable while their event runs"
rm -f "$B"/mid.*
run_tool_bg "$TESTDIR/mid.out" ours "$B" run 30 mid monitor
bg=$BG_PID
wait_file "$B/mid.started" || h_fail "e: the gate script did not start"
rm -f "$B/events/mid/02.gone.script"
chmod a-x "$B/events/mid/03.noexec.script"
touch "$B/mid.release"
wait "$bg"
expect "e: the event succeeds" cat "$TESTDIR/mid.out" <<'EOF'
rc=0
EOF
expect "e: the vanished and the non-executable script are DISABLED" \
	tool_rc ours "$B" status mid monitor <<'EOF'
01.gate              OK         DUR DATE
  OUTPUT: gate
02.gone              DISABLED  
03.noexec            DISABLED  
04.after             OK         DUR DATE
  OUTPUT: after
rc=0
EOF
check "e: neither ran" test ! -e "$B/mid.ran"
case_end "script deleted / chmod -x mid-event: DISABLED, rest runs"

# ------------------------------------------------------------- (f)

case_begin f "the component directory removed while its event runs"
rm -f "$B"/vanish.*
run_tool_bg "$TESTDIR/vanish.out" ours "$B" run 30 vanish ipreallocated
bg=$BG_PID
wait_file "$B/vanish.started" || h_fail "f: the gate script did not start"
rm -rf "$B/events/vanish"
expect "f: status meanwhile: served" tool_rc ours "$B" status vanish ipreallocated <<'EOF'
Event ipreallocated has never run in vanish
rc=22
EOF
touch "$B/vanish.release"
wait "$bg"
expect "f: the running event completes" cat "$TESTDIR/vanish.out" <<'EOF'
rc=0
EOF
expect "f: its status: the later script vanished with the directory" \
	tool_rc ours "$B" status vanish ipreallocated <<'EOF'
01.gate              OK         DUR DATE
  OUTPUT: gate
02.next              DISABLED  
rc=0
EOF
expect "f: the next event: the directory is gone" \
	tool_all ours "$B" run 10 vanish ipreallocated <<'EOF'
Event dir for vanish does not exist
rc=2
EOF
check "f: the removal is logged" grep -q "event script dir .*/events/vanish removed" "$B/log.ctdb"
expect "f: the status of the last completed run is kept" \
	tool_rc ours "$B" status vanish ipreallocated <<'EOF'
01.gate              OK         DUR DATE
  OUTPUT: gate
02.next              DISABLED  
rc=0
EOF
make_vanish
touch "$B/vanish.release"
expect "f: recreated: events run again" tool_rc ours "$B" run 10 vanish ipreallocated <<'EOF'
rc=0
EOF
expect "f: recreated: status" tool_rc ours "$B" status vanish ipreallocated <<'EOF'
01.gate              OK         DUR DATE
  OUTPUT: gate
02.next              OK         DUR DATE
  OUTPUT: next
rc=0
EOF
case_end "component dir removed mid-event, then recreated: recovers"

# ------------------------------------------------------------- (g)

case_begin g "a client killed (SIGKILL) mid-RUN"
rm -f "$B"/hold.*
run_tool_bg "$TESTDIR/hold.out" ours "$B" run 30 hold takeip eth0 10.0.0.1 24
bg=$BG_PID
wait_file "$B/hold.started" || h_fail "g: the script did not start"
tool=$(bg_tool_pid "$bg")
if [ -n "$tool" ]; then
	kill -KILL "$tool"
else
	h_fail "g: no tool process"
fi
wait "$bg"
touch "$B/hold.release"
stored()
{
	tool_rc ours "$B" status hold takeip 2>/dev/null | grep -q "^01.hold  *OK"
}
check "g: the event completes and is stored" wait_until 10 stored
expect "g: status" tool_rc ours "$B" status hold takeip <<'EOF'
01.hold              OK         DUR DATE
  OUTPUT: held takeip
rc=0
EOF
case_end "client SIGKILLed mid-RUN: event completes, status kept"

# ------------------------------------------------------------- (h)

case_begin h "a client sends half a packet and stalls"
stall()
{
	"$PY" "$TESTDIR/stall.py" "$B/run/eventd.socket" "$@" \
		>"$TESTDIR/$3.result" 2>&1 &
	H_BG_PIDS+=("$!")
	STALL_PID=$!
}
# A length of 100 and 10 bytes of it; a bare 3 bytes of the length; the
# largest request the daemon accepts (64 KiB) and 4 bytes of it.
stall 100 10 st1
p1=$STALL_PID
stall 100 3 st2
p2=$STALL_PID
stall 65536 4 st3
p3=$STALL_PID
# Bigger than any request: dropped at once.
stall 1000000 8 st4
p4=$STALL_PID
for t in st1 st2 st3 st4; do
	wait_file "$B/$t.sent" || h_fail "h: $t did not connect"
done
stalled_fds()
{
	[ "$(fd_count "$DPID")" -eq $((FD0 + 3)) ]
}
check "h: three stalled connections held, one fd each" wait_until 5 stalled_fds
expect "h: other clients are served meanwhile (run)" tool_rc ours "$B" run 10 ok monitor <<'EOF'
rc=0
EOF
expect "h: other clients are served meanwhile (status)" tool_rc ours "$B" status ok monitor <<'EOF'
01.ok                OK         DUR DATE
rc=0
EOF
wait "$p4"
expect "h: an oversized length is dropped at once" cat "$TESTDIR/st4.result" <<'EOF'
closed by daemon
EOF
HWM2=$(daemon_kb VmHWM)
echo "h: daemon VmHWM ${HWM2} kB with three stalled clients"
touch "$B/st1.release" "$B/st2.release" "$B/st3.release"
wait "$p1" "$p2" "$p3"
expect "h: stalled connections were kept until the peer gave up" \
	cat "$TESTDIR/st1.result" "$TESTDIR/st2.result" "$TESTDIR/st3.result" <<'EOF'
still open
still open
still open
EOF
case_end "half a packet, stalled: others served; held until peer closes"

# ------------------------------------------------------------- the end

if ! daemon_stop "$B"; then
	h_fail "daemon did not exit on SIGTERM"
else
	check "daemon exits 0 on SIGTERM" test "$DAEMON_RC" -eq 0
fi
check "daemon wrote nothing on stderr" test ! -s "$B/daemon.stderr"
check "no process of the test left at the end" no_marked_procs

printf '%s\n' "${MATRIX[@]}"
h_finish
