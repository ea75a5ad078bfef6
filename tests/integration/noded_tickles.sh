#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The tickle commands against a standalone ctdb-noded: addtickle,
# deltickle (arguments, and connections on standard input as
# update_tickles pipes them), gettickles in text, -X and --json with
# CTDB 4.17's formats and exit codes, bad input, and the bound of
# 4096 connections per address (ENOSPC, a clear message).

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

B=$(nl_base t) || h_die "nl_base failed"
# A second address, IPv6, for the families.
V6="fd00:$(($$ % 9000 + 1000))::5"
echo "$V6/128 lo" >>"$B/public_addresses"
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

# out_err_rc ARGS...: stdout, "[stderr]" and stderr if any, "[exit N]".
out_err_rc()
{
	local rc
	run_ctdb "$@" >"$TESTDIR/o" 2>"$TESTDIR/e" <"${TICKLE_INPUT:-/dev/null}"
	rc=$?
	cat "$TESTDIR/o"
	if [ -s "$TESTDIR/e" ]; then
		echo "[stderr]"
		cat "$TESTDIR/e"
	fi
	echo "[exit $rc]"
}

expect "gettickles of an address without connections (CTDB's text)" \
	out_err_rc gettickles "$NL_IP" <<EOF
Connections for IP: $NL_IP
Num connections: 0
[exit 0]
EOF
expect "-X gettickles: CTDB's header only" \
	out_err_rc -X gettickles "$NL_IP" <<'EOF'
|Source IP|Port|Destiation IP|Port|
[exit 0]
EOF
expect "addtickle CLIENT PUBLIC" \
	out_err_rc addtickle 192.168.7.1:40000 "$NL_IP:445" <<'EOF'
[exit 0]
EOF
expect "addtickle of the same connection again: no change, no error" \
	out_err_rc addtickle 192.168.7.1:40000 "$NL_IP:445" <<'EOF'
[exit 0]
EOF
printf '%s\n' "192.168.7.2:40001 $NL_IP:139" "" \
	"192.168.7.3:40002 $NL_IP:445" >"$TESTDIR/in"
TICKLE_INPUT=$TESTDIR/in
expect "addtickle reads connections from stdin (blank lines skipped)" \
	out_err_rc addtickle <<'EOF'
[exit 0]
EOF
TICKLE_INPUT=
expect "gettickles lists them in order" out_err_rc gettickles "$NL_IP" <<EOF
Connections for IP: $NL_IP
Num connections: 3
SRC: 192.168.7.1:40000   DST: $NL_IP:445
SRC: 192.168.7.2:40001   DST: $NL_IP:139
SRC: 192.168.7.3:40002   DST: $NL_IP:445
[exit 0]
EOF
expect "-X gettickles IP PORT: the rows of that server port" \
	out_err_rc -X gettickles "$NL_IP" 445 <<EOF
|Source IP|Port|Destiation IP|Port|
|192.168.7.1|40000|$NL_IP|445|
|192.168.7.3|40002|$NL_IP|445|
[exit 0]
EOF
run_ctdb --json gettickles "$NL_IP" 139 >"$TESTDIR/o" 2>&1
check "--json gettickles: one document with the filtered connection" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ip"] == sys.argv[2], d
assert d["connections"] == [{"src": "192.168.7.2:40001",
                             "dst": sys.argv[2] + ":139"}], d
' "$TESTDIR/o" "$NL_IP"

expect "addtickle of IPv6 connections" \
	out_err_rc addtickle "[fd00::99]:5000" "[$V6]:2049" <<'EOF'
[exit 0]
EOF
expect "gettickles IPv6: bracketed endpoints" \
	out_err_rc gettickles "$V6" <<EOF
Connections for IP: $V6
Num connections: 1
SRC: [fd00::99]:5000   DST: [$V6]:2049
[exit 0]
EOF

# update_tickles' round trip: gettickles -X | awk into "SRC DST" lines,
# fed back to deltickle on stdin, empties the list.
run_ctdb -X gettickles "$NL_IP" 445 |
	awk -F'|' 'NR > 1 { printf "%s:%s %s:%s\n", $2, $3, $4, $5 }' \
		>"$TESTDIR/in"
TICKLE_INPUT=$TESTDIR/in
expect "deltickle from stdin, as update_tickles pipes it" \
	out_err_rc deltickle <<'EOF'
[exit 0]
EOF
TICKLE_INPUT=
expect "what is left after deltickle" out_err_rc -X gettickles "$NL_IP" <<EOF
|Source IP|Port|Destiation IP|Port|
|192.168.7.2|40001|$NL_IP|139|
[exit 0]
EOF
expect "deltickle of an unknown connection succeeds (CTDB)" \
	out_err_rc deltickle 192.168.7.9:1 "$NL_IP:445" <<'EOF'
[exit 0]
EOF

# Bad input.
expect "addtickle to an address that is not public" \
	out_err_rc addtickle 192.168.7.1:1 10.255.255.254:445 <<'EOF'
[stderr]
Failed to register connection
DST is not a public address of this node
[exit 1]
EOF
expect "addtickle with a bad endpoint" \
	out_err_rc addtickle bad "$NL_IP:445" <<'EOF'
[stderr]
Invalid IP address bad
[exit 1]
EOF
expect "addtickle with mixed families" \
	out_err_rc addtickle "[fd00::99]:1" "$NL_IP:445" <<EOF
[stderr]
Invalid connection [fd00::99]:1 $NL_IP:445: mixed families
[exit 1]
EOF
run_ctdb addtickle bad >"$TESTDIR/o" 2>"$TESTDIR/e"
check "addtickle with one argument: usage error, exit 1" [ $? -eq 1 ]
check "the usage goes to stderr, not stdout" [ ! -s "$TESTDIR/o" ]
check "the usage names addtickle" grep -q '^  addtickle ' "$TESTDIR/e"
printf '%s\n' "192.168.7.1:1" >"$TESTDIR/in"
TICKLE_INPUT=$TESTDIR/in
expect "addtickle: a stdin line without DST" out_err_rc addtickle <<'EOF'
[stderr]
Line 1: expected "SRC DST"
[exit 1]
EOF
TICKLE_INPUT=
expect "gettickles of a bad address (CTDB's message)" \
	out_err_rc gettickles bad <<'EOF'
[stderr]
Invalid IP address bad
[exit 1]
EOF
expect "gettickles with a bad port" out_err_rc gettickles "$NL_IP" 70000 <<'EOF'
[stderr]
Invalid port 70000
[exit 1]
EOF
expect "gettickles of an address that is not public" \
	out_err_rc gettickles 10.255.255.254 <<'EOF'
[stderr]
Failed to get list of connections
10.255.255.254 is not a public address
[exit 1]
EOF

# The bound: 4096 per address, one batch from stdin; then ENOSPC.
for ((i = 0; i < 4095; i++)); do
	echo "10.$((i / 250)).$((i % 250 + 1)).1:$((1024 + i)) $NL_IP:2049"
done >"$TESTDIR/in"
TICKLE_INPUT=$TESTDIR/in
expect "4095 more connections from stdin (4096 in all)" \
	out_err_rc addtickle <<'EOF'
[exit 0]
EOF
TICKLE_INPUT=
run_ctdb gettickles "$NL_IP" >"$TESTDIR/o"
check "gettickles says 4096" grep -qx 'Num connections: 4096' "$TESTDIR/o"
expect "the 4097th is refused with a clear message" \
	out_err_rc addtickle 172.16.0.1:1 "$NL_IP:2049" <<EOF
[stderr]
Failed to register connection
Too many connections registered for that address (at most 4096)
[exit 1]
EOF
check "the daemon logged the full list" \
	nl_log_has "$B" "Too many connections registered for $NL_IP:2049"
expect "the other address still has room" \
	out_err_rc addtickle "[fd00::98]:1" "[$V6]:2049" <<'EOF'
[exit 0]
EOF

nl_stop "$B"
check "ctdb-noded exits 0" [ "$DAEMON_RC" -eq 0 ]
h_finish
