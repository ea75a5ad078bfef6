#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The ctdb commands Samba's stock event scripts call, against a standalone
# ctdb-noded: pnn, attach, checktcpport, gratarp, ifaces, setifacelink and
# ip -v, with CTDB 4.17's output and exit codes
# (tests/unit/fixtures/ctdb-4.17-stock.txt); an unknown
# command is one line on stderr, and usage never reaches stdout unless
# asked for with -h.

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

B=$(nl_base s) || h_die "nl_base failed"
nl_start "$B"
if ! nl_wait_running "$B"; then
	h_fail "ctdb-noded did not reach RUNNING"
	nl_show "$B"
	h_finish
fi

run_ctdb()
{
	CTDB_TEST_MODE=yes CTDB_BASE="$B" "$OUR_CTDB" "$@"
}

# out_err_rc ARGS...: ctdb's stdout, then "[stderr]" and its stderr when
# not empty, then "[exit N]", as the fixtures.
out_err_rc()
{
	local rc
	run_ctdb "$@" >"$TESTDIR/o" 2>"$TESTDIR/e"
	rc=$?
	cat "$TESTDIR/o"
	if [ -s "$TESTDIR/e" ]; then
		echo "[stderr]"
		cat "$TESTDIR/e"
	fi
	echo "[exit $rc]"
}

expect "pnn" out_err_rc pnn <<'EOF'
0
[exit 0]
EOF
expect "-X pnn is the bare number too" out_err_rc -X pnn <<'EOF'
0
[exit 0]
EOF
expect "attach DB persistent: nothing to do, success (00.ctdb)" \
	out_err_rc attach ctdb.tdb persistent <<'EOF'
[exit 0]
EOF
expect "attach DB: success" out_err_rc attach ctdb.tdb <<'EOF'
[exit 0]
EOF
expect "attach with a bad type names it" \
	out_err_rc attach ctdb.tdb sideways <<'EOF'
[stderr]
Invalid database type sideways (want persistent or replicated)
[exit 1]
EOF
expect "gratarp of a bad address: CTDB's message" \
	out_err_rc gratarp bad lo <<'EOF'
[stderr]
Invalid IP address bad
[exit 1]
EOF
# Raw sockets need root (or CAP_NET_RAW) before the interface is looked up.
if [ "$(id -u)" -eq 0 ]; then
	expect "gratarp on an unknown interface names it" \
		out_err_rc gratarp "$NL_IP" nosuchif0 <<'EOF'
[stderr]
Interface nosuchif0 does not exist
[exit 1]
EOF
	expect "gratarp on lo: nothing to announce, success" \
		out_err_rc gratarp "$NL_IP" lo <<'EOF'
[exit 0]
EOF
else
	h_skip_step "gratarp on an interface needs root"
fi
expect "checktcpport of a bad port names it" \
	out_err_rc checktcpport abc <<'EOF'
[stderr]
Invalid TCP port abc (want 1 to 65535)
[exit 22]
EOF
expect "unknown command: one line on stderr, nothing on stdout" \
	out_err_rc nosuchcommand <<'EOF'
[stderr]
Unknown command 'nosuchcommand'
[exit 1]
EOF
# ---------------------------------------------------------- interfaces

check "its takeover run is done" \
	wait_until 20 nl_count_ge "$B" '^ipreallocated$' 1
check "the address is held" wait_until 10 nl_ctl_is "$B" "$NL_IP/32 lo 0" ips
expect "-X ifaces: lo up, carrying the address" out_err_rc -X ifaces <<'EOF'
|Name|LinkStatus|References|
|lo|1|1|
[exit 0]
EOF
expect "ifaces" out_err_rc ifaces <<'EOF'
Interfaces on node 0
name:lo link:up references:1
[exit 0]
EOF
expect "ip -v -X, options after the command as 13.per_ip_routing writes" \
	out_err_rc ip -v -X <<EOF
|Public IP|Node|ActiveInterfaces|AvailableInterfaces|ConfiguredInterfaces|
|$NL_IP|0|lo|lo|lo|
[exit 0]
EOF
expect "ip -v" out_err_rc ip -v <<EOF
Public IPs on node 0
$NL_IP node[0] active[lo] available[lo] configured[lo]
[exit 0]
EOF
expect "ip with a stray word: usage" out_err_rc ip -q <<'EOF'
[stderr]
Usage: ctdb [<options>] <command> [<args>]

Commands:
  ip              [all] [-v]                   show public ips
[exit 1]
EOF
expect "setifacelink lo down: silent" out_err_rc setifacelink lo down <<'EOF'
[exit 0]
EOF
check "the change is logged" \
	wait_until 5 nl_log_has "$B" 'Interface "lo" link up -> down'
check "with no link on its interface, the address leaves" \
	wait_until 20 nl_ctl_is "$B" "$NL_IP/32 lo -1" ips
check "by a releaseip event" wait_until 10 nl_count_ge "$B" '^releaseip ' 1
expect "-X ifaces: lo down carries nothing" out_err_rc -X ifaces <<'EOF'
|Name|LinkStatus|References|
|lo|0|0|
[exit 0]
EOF
expect "-X ip -v: nothing available, nothing active" out_err_rc -X ip -v <<EOF
|Public IP|Node|ActiveInterfaces|AvailableInterfaces|ConfiguredInterfaces|
|$NL_IP|-1|||lo|
[exit 0]
EOF
expect "setifacelink lo up" out_err_rc setifacelink lo up <<'EOF'
[exit 0]
EOF
check "link up: the address comes back" \
	wait_until 20 nl_ctl_is "$B" "$NL_IP/32 lo 0" ips
expect "-X ifaces: lo up again" out_err_rc -X ifaces <<'EOF'
|Name|LinkStatus|References|
|lo|1|1|
[exit 0]
EOF
expect "setifacelink of an unknown interface: CTDB's message" \
	out_err_rc setifacelink nope up <<'EOF'
Interface nope not configured on node 0
[exit 1]
EOF
expect "setifacelink with a bad state names it" \
	out_err_rc setifacelink lo sideways <<'EOF'
[stderr]
Invalid link state sideways (want up or down)
[exit 1]
EOF

run_ctdb setvar MonitorInterval >"$TESTDIR/o" 2>"$TESTDIR/e"
check "a usage error exits 1" [ $? -eq 1 ]
check "a usage error prints nothing on stdout" [ ! -s "$TESTDIR/o" ]
check "a usage error prints the command's line on stderr" \
	grep -q '^  setvar ' "$TESTDIR/e"
run_ctdb >"$TESTDIR/o" 2>"$TESTDIR/e"
check "no command: nothing on stdout" [ ! -s "$TESTDIR/o" ]
check "no command: the usage on stderr" grep -q '^Commands:' "$TESTDIR/e"
run_ctdb -h >"$TESTDIR/o" 2>"$TESTDIR/e"
check "-h: the usage on stdout, with the new commands" \
	grep -q '^  checktcpport ' "$TESTDIR/o"

nl_stop "$B"
check "ctdb-noded exits 0" [ "$DAEMON_RC" -eq 0 ]
h_finish
