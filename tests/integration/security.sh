#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Security of our ctdb-eventd: a non-root client is refused (by the socket
# directory's mode, and by the daemon's SO_PEERCRED check when the socket
# is reachable); names that could leave the events directory are refused
# on the wire and by the tools; scripts that someone else could have
# written (group/world-writable, another owner, or in such a directory)
# are not run and their status says why.
#
# The non-root and ownership checks need root; without it the rest still
# runs and the test ends with 77 (skip) if it all passed. nobody runs
# copies of the tools, so the checks do not depend on where the tree is.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"

command -v python3 >/dev/null 2>&1 || h_skip "python3 not installed"
h_require_ours "$OUR_CTDB"
h_init

PROTO="$abs_top_srcdir/tests/integration/proto_client.py"

# The system's interpreter if there is one: a per-user shim (pyenv) is
# slow to start and out of nobody's reach.
PY=python3
for p in /usr/bin/python3 /usr/local/bin/python3; do
	if [ -x "$p" ]; then
		PY=$p
		break
	fi
done

AS_ROOT=no
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 &&
	id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null 2>&1; then
	AS_ROOT=yes
fi

B=$(setup_base sec) || h_die "setup_base failed"
add_script "$B" legacy 01.ok.script <<'EOF'
echo "ok"
EOF

# One component per refused case, each with one script that would leave
# a trace if it ran.
trace_script()
{
	add_script "$B" "$1" 01.s.script "${2:-755}" <<EOF
echo ran >>"\$CTDB_BASE/$1.ran"
EOF
}
trace_script gw 775
trace_script ww 757
trace_script dirg
trace_script dirw
chmod 775 "$B/events/dirg"
chmod 1777 "$B/events/dirw"
if [ $AS_ROOT = yes ]; then
	trace_script owner
	chown nobody "$B/events/owner/01.s.script"
	trace_script dirowner
	chown nobody "$B/events/dirowner"
fi

daemon_start ours "$B" || h_die "our daemon did not start: $(cat "$B/daemon.stderr")"
DPID=$DAEMON_PID

fd_count()
{
	local a=("/proc/$1/fd"/*)
	echo "${#a[@]}"
}
FD0=$(fd_count "$DPID")

# proto ARGS...: one raw request, the decoded reply and the exit status.
proto()
{
	CTDB_TEST_MODE=yes CTDB_BASE="$B" "$PY" "$PROTO" "$@" 2>&1 |
		sed -E -e 's/begin=[0-9]+\.[0-9]{6} dur=[0-9]+\.[0-9]{3}/begin=B dur=D/'
	echo "rc=${PIPESTATUS[0]}"
}

# ------------------------------------------------ (a) non-root clients

# A raw client: connect, send a STATUS request, say what happened.
cat >"$TESTDIR/peer.py" <<'EOF'
import errno, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("connect: " + errno.errorcode.get(e.errno, str(e.errno)))
    sys.exit(1)
def string(v):
    b = v.encode() + b"\0"
    return struct.pack("<I", len(b)) + b
body = struct.pack("<I", 2) + string("legacy") + string("monitor")
try:
    s.sendall(struct.pack("<III", 12 + len(body), 0, 1) + body)
    data = s.recv(4096)
except (BrokenPipeError, ConnectionResetError):
    data = b""
except socket.timeout:
    print("no answer within 20 s")
    sys.exit(1)
print("closed by the daemon" if data == b"" else "answered: %d bytes" % len(data))
EOF

# as_nobody CMD...: run CMD as nobody:nogroup, without supplementary groups.
as_nobody()
{
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
}

refused_log_count()
{
	grep -c "refusing client pid=[0-9]* uid=65534: not root or uid $(id -u)" \
		"$B/log.ctdb"
}

if [ $AS_ROOT = yes ]; then
	# Let nobody reach the base (its run directory stays 0700).
	chmod 755 "$TESTDIR" "$B"
	chmod 644 "$TESTDIR/peer.py" "$B/ctdb.conf"
	# A build tree under a 0700 directory (a clone in /root) is out of
	# nobody's reach: nobody runs copies of the tools instead.
	NOBODY_BIN="$TESTDIR/nobody-bin"
	mkdir -m 755 "$NOBODY_BIN"
	cp "$OUR_EVENT" "$OUR_CTDB" "$NOBODY_BIN/" ||
		h_die "cannot copy the tools to $NOBODY_BIN"
	NOBODY_EVENT="$NOBODY_BIN/$(basename "$OUR_EVENT")"
	NOBODY_CTDB="$NOBODY_BIN/$(basename "$OUR_CTDB")"

	if as_nobody "$PY" -c pass; then
		RAW=yes
		expect "a: raw client as nobody: the 0700 run directory refuses" \
			eval "as_nobody '$PY' '$TESTDIR/peer.py' '$B/run/eventd.socket'; echo rc=\$?" <<'EOF'
connect: EACCES
rc=1
EOF
	else
		RAW=no
		h_skip_step "a raw client as nobody (nobody cannot run $PY)"
	fi
	if as_nobody test -x "$NOBODY_EVENT" && as_nobody test -x "$NOBODY_CTDB"; then
		expect "a: ctdb-event as nobody: cannot connect" \
			eval "as_nobody env CTDB_TEST_MODE=yes CTDB_BASE='$B' '$NOBODY_EVENT' status legacy monitor 2>&1 | sed -e 's/, ret=.*//'; echo rc=\${PIPESTATUS[0]}" <<EOF
socket connect failed - $B/run/eventd.socket
Failed to initialize event client
rc=5
EOF
		expect "a: ctdb event as nobody: cannot connect" \
			eval "as_nobody env CTDB_TEST_MODE=yes CTDB_BASE='$B' '$NOBODY_CTDB' event status legacy monitor 2>&1 | sed -e 's/, ret=.*//'; echo rc=\${PIPESTATUS[0]}" <<EOF
socket connect failed - $B/run/eventd.socket
Failed to initialize event client
rc=5
EOF
	else
		h_skip_step "the tools as nobody (nobody cannot execute $NOBODY_BIN)"
	fi
	check "a: nobody's attempts never reached the daemon" \
		test "$(refused_log_count)" -eq 0

	# Now make the socket reachable: the daemon's own check must refuse.
	chmod 755 "$B/run"
	chmod 666 "$B/run/eventd.socket"
	refusals=0
	if [ $RAW = yes ]; then
		expect "a: raw client as nobody, socket reachable: dropped by the daemon" \
			eval "as_nobody '$PY' '$TESTDIR/peer.py' '$B/run/eventd.socket'; echo rc=\$?" <<'EOF'
closed by the daemon
rc=0
EOF
		refusals=$((refusals + 1))
	fi
	if as_nobody test -x "$NOBODY_EVENT"; then
		# Like Samba's tool, ours reports a closed connection only at
		# NOTICE: exit 1, nothing on stderr. What matters here is
		# that it fails at once and does not hang.
		as_nobody env CTDB_TEST_MODE=yes CTDB_BASE="$B" \
			timeout 30 "$NOBODY_EVENT" status legacy monitor >/dev/null 2>&1
		rc=$?
		check "a: ctdb-event as nobody, socket reachable: fails, no hang (rc=$rc)" \
			test $rc -ne 0 -a $rc -ne 124
		refusals=$((refusals + 1))
	fi
	check "a: each refusal is logged with the peer's uid" \
		wait_until 5 eval '[ "$(refused_log_count)" -eq $refusals ]'
	expect "a: the same raw client as root is answered" \
		eval "'$PY' '$TESTDIR/peer.py' '$B/run/eventd.socket'; echo rc=\$?" <<'EOF'
answered: 20 bytes
rc=0
EOF
	chmod 700 "$B/run"
	chmod 600 "$B/run/eventd.socket"
	expect "a: root is still served" tool_rc ours "$B" run 10 legacy monitor <<'EOF'
rc=0
EOF
	fds_back()
	{
		[ "$(fd_count "$DPID")" -eq "$FD0" ]
	}
	check "a: the daemon's fd count is back to $FD0" wait_until 5 fds_back
else
	h_skip_step "non-root clients (needs root, setpriv, nobody:nogroup)"
fi

# ------------------------------------------------ (b) names

# Names with a slash, "..", or a leading dot, in every position.
BAD_NAMES=("a/b" "../legacy" ".legacy" ".." "/abs")

for n in "${BAD_NAMES[@]}"; do
	expect "b: wire: RUN component '$n'" proto run 30 "$n" monitor <<'EOF'
reply: length=20 version=0 reqid=1 cmd=1(RUN) result=22(EINVAL)
rc=22
EOF
	expect "b: wire: RUN event '$n'" proto run 30 legacy "$n" <<'EOF'
reply: length=20 version=0 reqid=1 cmd=1(RUN) result=22(EINVAL)
rc=22
EOF
	expect "b: wire: STATUS event '$n'" proto status legacy "$n" <<'EOF'
reply: length=20 version=0 reqid=1 cmd=2(STATUS) result=22(EINVAL)
rc=22
EOF
	expect "b: wire: SCRIPT script '$n'" proto script legacy "$n" disable <<'EOF'
reply: length=20 version=0 reqid=1 cmd=3(SCRIPT) result=22(EINVAL)
rc=22
EOF
done
check "b: no event with a bad name reached a script" \
	test ! -e "$B/legacy.ran"

for tool in ours ctdb; do
	for n in "${BAD_NAMES[@]}"; do
		expect "b: $tool run: event '$n'" tool_all $tool "$B" run 10 legacy "$n" <<EOF
stderr: Invalid event name '$n'
rc=22
EOF
		expect "b: $tool status: event '$n'" tool_all $tool "$B" status legacy "$n" <<EOF
stderr: Invalid event name '$n'
rc=22
EOF
		expect "b: $tool run: component '$n'" tool_all $tool "$B" run 10 "$n" monitor <<EOF
stderr: Invalid component name '$n'
rc=22
EOF
		expect "b: $tool script enable: script '$n'" tool_all $tool "$B" script enable legacy "$n" <<EOF
stderr: Invalid script name '$n'
rc=22
EOF
	done
done
check "b: the refused names changed nothing" \
	test "$(stat -c %a "$B/events/legacy/01.ok.script")" = 755

# ------------------------------------------------ (c) insecure scripts

# refused COMPONENT REASON: the event fails, the script did not run, and
# the status names the reason.
refused()
{
	local c=$1 reason=$2

	expect "c: $c: the event fails" tool_rc ours "$B" run 10 "$c" monitor <<EOF
Event monitor in $c failed
rc=8
EOF
	expect "c: $c: status says why" tool_rc ours "$B" status "$c" monitor <<EOF
01.s                 CANNOT RUN (Operation not permitted)
  OUTPUT: refusing to run: $reason
rc=1
EOF
	check "c: $c: the script did not run" test ! -e "$B/$c.ran"
}

refused gw "script is group-writable"
refused ww "script is world-writable"
refused dirg "directory is group-writable"
refused dirw "directory is world-writable"
if [ $AS_ROOT = yes ]; then
	refused owner "script is owned by another user"
	refused dirowner "directory is owned by another user"
else
	h_skip_step "scripts and directories owned by another user (needs root)"
fi
check "c: the daemon logged the refusals" \
	grep -q "01.s: refusing to run: script is group-writable" "$B/log.ctdb"

# Put right, the same scripts run.
chmod 755 "$B/events/gw/01.s.script" "$B/events/dirw"
expect "c: gw, once 0755, runs" tool_rc ours "$B" run 10 gw monitor <<'EOF'
rc=0
EOF
expect "c: dirw, once 0755, runs" tool_rc ours "$B" run 10 dirw monitor <<'EOF'
rc=0
EOF

if ! daemon_stop "$B"; then
	h_fail "daemon did not exit on SIGTERM"
fi
check "daemon wrote nothing on stderr" test ! -s "$B/daemon.stderr"

h_finish
