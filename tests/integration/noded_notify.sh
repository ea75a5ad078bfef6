#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# systemd notifications: READY=1 when RUNNING, STATUS=<state>, <n> public
# IPs on every change, STOPPING=1 at shutdown; on a socket path and on an
# abstract ('@') socket provided by the test as NOTIFY_SOCKET.

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_srcdir:=$(cd "$here/../.." && pwd)}"
. "$abs_top_srcdir/tests/integration/harness.sh"
. "$abs_top_srcdir/tests/integration/noded_lib.sh"

h_init
nl_require

# listen SOCKET OUT: receive datagrams on SOCKET (a path, or @name for an
# abstract socket), one line each in OUT with newlines shown as '|'.
listen()
{
	cat >"$TESTDIR/listen.py" <<'EOF'
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("\0" + path[1:] if path.startswith("@") else path)
open(out + ".ready", "w").close()
with open(out, "a") as f:
    while True:
        data = sock.recv(65536)
        f.write(data.decode().replace("\n", "|") + "\n")
        f.flush()
EOF
	python3 "$TESTDIR/listen.py" "$1" "$2" &
	H_BG_PIDS+=($!)
	wait_until 10 test -e "$2.ready"
}

# has_line FILE LINE
has_line()
{
	grep -Fxq -- "$2" "$1" 2>/dev/null
}

B=$(nl_base notify) || h_die "nl_base failed"
N="$TESTDIR/notify.log"
listen "$TESTDIR/notify.sock" "$N" || h_die "listener did not start"

NOTIFY_SOCKET="$TESTDIR/notify.sock" nl_start "$B"
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi
check "HEALTHY with the IP" \
	wait_until 20 has_line "$N" "STATUS=HEALTHY, 1 public IPs"
expect "READY=1 at RUNNING, then STATUS on every change" cat "$N" <<'EOF'
READY=1|STATUS=UNHEALTHY, 0 public IPs
STATUS=UNHEALTHY, 1 public IPs
STATUS=HEALTHY, 1 public IPs
EOF

check "STOP" nl_ctl_is "$B" ok stop
check "STOPPED, IP released" \
	wait_until 10 has_line "$N" "STATUS=STOPPED, 0 public IPs"
check "CONTINUE" nl_ctl_is "$B" ok continue
check "HEALTHY, IP back" \
	wait_until 10 eval "[ \"\$(tail -n 1 '$N')\" = 'STATUS=HEALTHY, 1 public IPs' ]"

nl_stop "$B" || h_fail "ctdb-noded did not stop"
check "STOPPING=1 at shutdown" wait_until 10 has_line "$N" "STOPPING=1"
expect "the whole sequence" cat "$N" <<'EOF'
READY=1|STATUS=UNHEALTHY, 0 public IPs
STATUS=UNHEALTHY, 1 public IPs
STATUS=HEALTHY, 1 public IPs
STATUS=STOPPED, 1 public IPs
STATUS=STOPPED, 0 public IPs
STATUS=HEALTHY, 0 public IPs
STATUS=HEALTHY, 1 public IPs
STOPPING=1
EOF

# An abstract socket name (systemd may hand out either form).
B=$(nl_base abstract) || h_die "nl_base failed"
A="$TESTDIR/abstract.log"
aname="@cn-notify-$$-$RANDOM"
listen "$aname" "$A" || h_die "listener did not start"
NOTIFY_SOCKET="$aname" nl_start "$B"
check "abstract socket: READY=1" \
	wait_until 20 eval "grep -q '^READY=1|' '$A'"
nl_stop "$B" || h_fail "ctdb-noded did not stop"
check "abstract socket: STOPPING=1" wait_until 10 has_line "$A" "STOPPING=1"

check "no notification failures logged" \
	eval "! grep -q 'sd_notify' '$TESTDIR/notify/log.ctdb' '$B/log.ctdb'"

h_finish
